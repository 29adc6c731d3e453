//! The agency's referral inbox: incoming (for a supervisor every open referral addressed to
//! the agency, for anyone else those assigned to them), outgoing (the agency's open referrals
//! from cases the user reads), and overdue (both sides' referrals past their answer moment);
//! in core's order: urgent first, then overdue, then oldest.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::permissions::{Action, decide};
use tabara_core::records::case_reference;
use tabara_core::role::Role;
use tabara_store::{InboxSide, Referral};

use super::{labels, when};
use crate::access::CurrentUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The most referrals the outgoing and overdue boxes show (and the API lists).
pub(crate) const INBOX_ROWS: i64 = 100;

/// The incoming referrals a page of the box shows (the box is paged: an agency's inbox holds
/// thousands).
pub(crate) const PAGE_ROWS: i64 = 25;

/// Which box.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct InboxQuery {
    #[serde(rename = "box")]
    which: String,
    /// The page of the incoming box, from 1.
    page: u32,
}

/// One referral as a row of the inbox.
pub(super) struct Row {
    pub id: String,
    pub reference: String,
    pub services: String,
    pub other: String,
    pub state: String,
    pub urgent: bool,
    pub overdue: bool,
    pub due: String,
    pub since: String,
}

#[derive(askama::Template)]
#[template(path = "referral_inbox.html")]
struct InboxPage {
    chrome: Chrome,
    which: &'static str,
    /// The open referrals of the incoming box, and how many of them are overdue.
    incoming: i64,
    /// The incoming box's page: which rows it shows of how many, and the pages before and
    /// after.
    shown: String,
    previous: Option<u32>,
    next: Option<u32>,
    /// Counted when built.
    outgoing: Option<usize>,
    overdue: Option<usize>,
    rows: Vec<Row>,
    /// The user works in child protection: the children's box is shown.
    child_protection: bool,
    /// How many children's pathways are open (counted when the box is shown).
    children_open: Option<i64>,
    /// The oldest open pathways: case reference, link, opened.
    children: Vec<(String, String, String)>,
}

/// The oldest open children's pathways (child protection reaches every child's case).
async fn children_rows(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(Vec<(String, String, String)>, i64), AppError> {
    let (list, open) = state.store.open_pathways(INBOX_ROWS).await?;
    let ids: Vec<_> = list.iter().map(|p| p.case_id).collect();
    let numbers = state.store.case_numbers(&ids).await?;
    let mut rows = Vec::with_capacity(list.len());
    for p in list {
        let Some(number) = numbers.get(&p.case_id).copied() else {
            continue;
        };
        rows.push((
            case_reference(number),
            format!("/cases/{number}/persons/{}/pathway", p.person_id),
            when(user.lang, p.pathway.opened_at),
        ));
    }
    Ok((rows, open))
}

/// Which boxes to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sides {
    /// The incoming box: the referrals after the first `.0`, at most `.1`.
    pub incoming: Option<(i64, i64)>,
    /// The outgoing box (one need-to-know check per row).
    pub outgoing: bool,
}

/// The incoming side of `user`'s inbox: for a supervisor every referral addressed to the
/// agency, for anyone else those assigned to them.
fn incoming_side(user: &tabara_store::User) -> InboxSide {
    if user.role == Role::Supervisor {
        InboxSide::Incoming
    } else {
        InboxSide::AssignedTo(user.id)
    }
}

/// The incoming and outgoing referrals `user` reaches (see the module's description), of the
/// sides asked for (the other is left empty); the incoming box as one page of it.
pub(crate) async fn boxes(
    state: &AppState,
    user: &tabara_store::User,
    viewer: &tabara_store::Viewer,
    sides: Sides,
) -> Result<(Vec<Referral>, Vec<Referral>), tabara_store::StoreError> {
    let now = Utc::now();
    let agency = user.organisation_id;
    let role = user.role;
    if matches!(role, Role::Admin | Role::Analyst | Role::Trainer) {
        return Ok((Vec::new(), Vec::new()));
    }
    let incoming = match sides.incoming {
        Some((offset, limit)) => {
            state
                .store
                .referral_inbox(agency, incoming_side(user), now, offset, limit)
                .await?
        }
        None => Vec::new(),
    };
    let mut outgoing = Vec::new();
    if sides.outgoing {
        for r in state
            .store
            .referral_inbox(agency, InboxSide::Outgoing, now, 0, INBOX_ROWS)
            .await?
        {
            let relation = state.store.relation(viewer, r.case_id).await?;
            if decide(role, Action::ReadCase, relation).allowed() {
                outgoing.push(r);
            }
        }
    }
    Ok((incoming, outgoing))
}

/// `GET /referrals`.
pub(super) async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<InboxQuery>,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let now = Utc::now();
    let page = i64::from(q.page.max(1));
    let offset = ((page - 1) * PAGE_ROWS).min(tabara_store::MAX_INBOX_OFFSET);
    // Only the box asked for is built (the outgoing one checks each row's case): the incoming
    // box is always counted, the others when they are shown.
    let sides = Sides {
        incoming: Some(match q.which.as_str() {
            "overdue" => (0, INBOX_ROWS),
            _ => (offset, PAGE_ROWS),
        }),
        outgoing: matches!(q.which.as_str(), "outgoing" | "overdue"),
    };
    let (incoming, outgoing) = boxes(&state, &user.user, &user.viewer, sides).await?;
    let counts = match user.user.role {
        Role::Admin | Role::Analyst | Role::Trainer => tabara_store::InboxCounts {
            open: 0,
            overdue: 0,
        },
        _ => {
            state
                .store
                .referral_inbox_counts(user.user.organisation_id, incoming_side(&user.user), now)
                .await?
        }
    };
    let is_overdue = |r: &Referral| r.inbox_key(now).overdue;
    let overdue = counts.overdue as usize + outgoing.iter().filter(|r| is_overdue(r)).count();
    let child_protection = user.user.role == Role::ChildProtection;
    // Child protection's box of open pathways, built (and counted) when it is the one shown.
    let children = if child_protection && q.which == "children" {
        let (rows, open) = children_rows(&state, &user).await?;
        (rows, Some(open))
    } else {
        (Vec::new(), None)
    };
    let (which, chosen): (&'static str, Vec<(&Referral, bool)>) = match q.which.as_str() {
        "children" if child_protection => ("children", Vec::new()),
        "outgoing" => ("outgoing", outgoing.iter().map(|r| (r, true)).collect()),
        "overdue" => (
            "overdue",
            incoming
                .iter()
                .map(|r| (r, false))
                .chain(outgoing.iter().map(|r| (r, true)))
                .filter(|(r, _)| is_overdue(r))
                .collect(),
        ),
        _ => ("incoming", incoming.iter().map(|r| (r, false)).collect()),
    };
    // The rows' case references in one query (a read per row cost the inbox its target).
    let ids: Vec<_> = chosen.iter().map(|(r, _)| r.case_id).collect();
    let numbers = state.store.case_numbers(&ids).await?;
    let directory = state.directory().await?;
    let mut rows = Vec::with_capacity(chosen.len());
    for (r, sent_by_us) in chosen {
        let other = if sent_by_us {
            r.recipient_id
        } else {
            r.sender_id
        };
        let Some(number) = numbers.get(&r.case_id).copied() else {
            continue;
        };
        rows.push(Row {
            id: r.id.to_string(),
            reference: case_reference(number),
            services: labels(&r.services, lang),
            other: directory.organisation_name(other),
            state: r.state.label(lang).to_string(),
            urgent: r.urgent,
            overdue: is_overdue(r),
            due: r.due_at.map(|d| when(lang, d)).unwrap_or_default(),
            since: when(lang, r.sent_at.unwrap_or(r.created_at)),
        });
    }
    let paged = which == "incoming";
    let first = offset + 1;
    let last = offset + incoming.len() as i64;
    let page_no = q.page.max(1);
    let page = InboxPage {
        chrome: user.chrome("/referrals"),
        which,
        incoming: counts.open,
        shown: tabara_i18n::t!(
            lang,
            "referral-inbox-shown",
            from = first.to_string(),
            to = last.to_string(),
            total = counts.open.to_string()
        ),
        previous: (paged && page_no > 1).then(|| page_no - 1),
        next: (paged && last < counts.open && offset + PAGE_ROWS < tabara_store::MAX_INBOX_OFFSET)
            .then(|| page_no + 1),
        outgoing: sides.outgoing.then_some(outgoing.len()),
        overdue: sides.outgoing.then_some(overdue),
        rows,
        child_protection,
        children_open: children.1,
        children: children.0,
    };
    Ok(render(&page))
}
