//! One referral: what it asks and of whom, where it stands and until when, its consent, its
//! timeline, the steps the user's party may take now, assignment by a supervisor of the
//! addressed agency, the sender's withdrawal of the consent, and for the addressed agency what
//! the consent shares (nothing recorded after a withdrawal: `Consent::shares`). Reading the
//! person's identity through a referral is audited like any other read of it.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::ids::UserId;
use tabara_core::referral::{Consent, DataCategory, Party, TransitionKind};
use tabara_core::validation::ValidationErrors;
use tabara_store::{ReferralStep, ScreeningState, StoreError};

use super::{labels, offered_services, organisation_name, when};
use crate::access::{CsrfForm, CurrentUser, ReferralAccess};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, render};

/// One entry of the timeline as shown.
pub(super) struct Event {
    pub what: String,
    pub who: String,
    pub at: String,
    pub reason: String,
}

/// A section of what the referral shares: its title and lines, or why it shows nothing.
pub(super) struct Shared {
    pub title: String,
    pub lines: Vec<(String, String)>,
    pub note: Option<String>,
}

#[derive(askama::Template)]
#[template(path = "referral.html")]
struct ReferralPage {
    chrome: Chrome,
    id: String,
    version: i64,
    reference: String,
    case_link: Option<String>,
    state: String,
    services: String,
    data: String,
    urgency: String,
    urgent: bool,
    overdue: bool,
    sender: String,
    recipient: String,
    sent: String,
    due: String,
    assignee: String,
    reason: String,
    consent: Option<ConsentShown>,
    timeline: Vec<Event>,
    steps: Vec<(&'static str, String, bool)>,
    may_assign: bool,
    assignees: Vec<(String, String)>,
    assignee_id: String,
    may_withdraw: bool,
    shared: Vec<Shared>,
    /// For the agency working on it: the person's support plan.
    support_link: Option<String>,
    errors: FormErrors,
}

/// The consent as shown.
pub(super) struct ConsentShown {
    pub version: i64,
    pub given: String,
    pub given_by: String,
    pub language: String,
    pub witness: String,
    pub services: String,
    pub data: String,
    pub withdrawn: Option<String>,
}

/// Who an actor id names, by display name (a system process keeps its label).
async fn actor_name(state: &AppState, actor: &str) -> Result<String, AppError> {
    crate::screening::decider_name(state, actor).await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &ReferralAccess,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let now = Utc::now();
    let d = &access.details;
    let r = &d.referral;
    let party = access.party;
    let mut timeline = Vec::with_capacity(d.timeline.len());
    // A timeline names the same few people step after step: each is looked up once.
    let mut names: std::collections::HashMap<&str, String> = Default::default();
    for e in &d.timeline {
        let who = match names.get(e.actor.as_str()) {
            Some(n) => n.clone(),
            None => {
                let n = actor_name(state, &e.actor).await?;
                names.insert(&e.actor, n.clone());
                n
            }
        };
        timeline.push(Event {
            what: match e.step {
                Some(s) => s.label(lang).to_string(),
                None => tabara_i18n::t!(lang, "referral-drafted"),
            },
            who,
            at: when(lang, e.at),
            reason: e.reason.clone().unwrap_or_default(),
        });
    }
    let may_assign = party.may_assign() && !r.state.is_final();
    // The assignee's name, the agency's users to assign to and what the referral shares are
    // read side by side.
    let (assignee, assignees, shared) = tokio::try_join!(
        async {
            Ok::<_, AppError>(match r.assignee_id {
                Some(id) if id == user.user.id => user.user.display_name.clone(),
                Some(id) => match state.store.user(id).await {
                    Ok(u) => u.display_name,
                    Err(StoreError::NotFound { .. }) => id.to_string(),
                    Err(e) => return Err(e.into()),
                },
                None => tabara_i18n::t!(lang, "referral-unassigned"),
            })
        },
        async {
            Ok::<_, AppError>(if may_assign {
                state
                    .store
                    .organisation_users(r.recipient_id, 200)
                    .await?
                    .into_iter()
                    .map(|u| (u.id.to_string(), u.display_name))
                    .collect()
            } else {
                Vec::new()
            })
        },
        async {
            match &d.consent {
                Some(c) if party.is_receiver() => shared(state, user, access, &c.consent).await,
                _ => Ok(Vec::new()),
            }
        },
    )?;
    let consent = d.consent.as_ref().map(|c| ConsentShown {
        version: c.version,
        given: when(lang, c.consent.given_at),
        given_by: c.consent.given_by.label(lang).to_string(),
        language: c.consent.language.clone(),
        witness: c.consent.witness.clone().unwrap_or_default(),
        services: labels(&c.consent.services, lang),
        data: labels(&c.consent.data, lang),
        withdrawn: c.consent.withdrawn_at.map(|w| when(lang, w)),
    });
    let may_withdraw = party == Party::Sender
        && d.consent
            .as_ref()
            .is_some_and(|c| c.consent.withdrawn_at.is_none());
    let steps = r
        .state
        .available(party)
        .into_iter()
        .map(|k| {
            let needs_reason = matches!(k, TransitionKind::Decline | TransitionKind::Close);
            (k.as_str(), k.label(lang).to_string(), needs_reason)
        })
        .collect();
    let sender_side = access.relation.is_some();
    let page = ReferralPage {
        chrome: user.chrome(&format!("/referrals/{}", r.id)),
        id: r.id.to_string(),
        version: r.version,
        reference: access.case.reference(),
        case_link: sender_side.then(|| format!("/cases/{}", access.case.number)),
        state: r.state.label(lang).to_string(),
        services: labels(&r.services, lang),
        data: labels(&r.data, lang),
        urgency: labels(&r.urgency, lang),
        urgent: r.urgent,
        overdue: r.inbox_key(now).overdue,
        sender: organisation_name(state, r.sender_id).await?,
        recipient: organisation_name(state, r.recipient_id).await?,
        sent: r.sent_at.map(|t| when(lang, t)).unwrap_or_default(),
        due: r.due_at.map(|t| when(lang, t)).unwrap_or_default(),
        assignee,
        reason: r.reason.clone().unwrap_or_default(),
        consent,
        timeline,
        steps,
        may_assign,
        assignees,
        assignee_id: r.assignee_id.map(|u| u.to_string()).unwrap_or_default(),
        may_withdraw,
        shared,
        support_link: (party.is_receiver()
            && matches!(
                r.state,
                tabara_core::referral::ReferralState::Accepted
                    | tabara_core::referral::ReferralState::InProgress
            ))
        .then(|| {
            format!(
                "/cases/{}/persons/{}/support",
                access.case.number, r.person_id
            )
        }),
        errors,
    };
    let status = page.errors.status();
    Ok((status, render(&page)).into_response())
}

/// What the consent lets the addressed agency see, by data category: only what is consented
/// to, and of it only what was recorded before a withdrawal.
async fn shared(
    state: &AppState,
    user: &CurrentUser,
    access: &ReferralAccess,
    consent: &Consent,
) -> Result<Vec<Shared>, AppError> {
    let lang = user.lang;
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let r = &access.details.referral;
    // What changed after a withdrawal is held back: the moments of the records shared by
    // reference are read only then (before it, everything consented to is shared).
    let stamps = match consent.withdrawn_at {
        Some(_) => Some(state.store.referral_stamps(r.id).await?),
        None => None,
    };
    let wanted = |c: DataCategory| r.data.contains(c) && consent.data.contains(c);
    let names = wanted(DataCategory::Identity);
    let contacts = wanted(DataCategory::Contacts);
    let facts_shown = wanted(DataCategory::Facts)
        && stamps.is_none_or(|s| consent.shares(DataCategory::Facts, s.case_facts));
    let identity_shown = (names || contacts)
        && stamps
            .is_none_or(|s| consent.visible_at(s.identity.unwrap_or(DateTime::<Utc>::MIN_UTC)));
    // The records are read side by side (each read waits for a connection of its own).
    let actor = user.actor();
    let (person, identity, screenings, risks) = tokio::try_join!(
        async {
            match facts_shown {
                true => state.store.person(r.person_id).await.map(Some),
                false => Ok(None),
            }
        },
        async {
            match identity_shown {
                true => state
                    .store
                    .read_identity(&actor, r.person_id)
                    .await
                    .map(Some),
                false => Ok(None),
            }
        },
        async {
            match wanted(DataCategory::ScreeningResult) {
                true => state.store.person_screenings(r.person_id, 20).await,
                false => Ok(Vec::new()),
            }
        },
        async {
            match wanted(DataCategory::RiskAssessment) {
                true => state.store.risk_history(r.case_id, r.person_id, 20).await,
                false => Ok(Vec::new()),
            }
        },
    )?;
    let withheld = || {
        consent.withdrawn_at.map(|w| {
            tabara_i18n::t!(
                lang,
                "referral-shared-after-withdrawal",
                when = when(lang, w)
            )
        })
    };
    let mut out = Vec::new();
    if wanted(DataCategory::Facts) {
        let mut s = Shared {
            title: DataCategory::Facts.label(lang).to_string(),
            lines: Vec::new(),
            note: None,
        };
        if let Some(person) = &person {
            let f = &access.case.facts;
            s.lines
                .push((t("referral-fact-status"), f.status.label(lang).to_string()));
            s.lines.push((
                t("referral-fact-opened"),
                crate::view::format_date(lang, f.opened_on),
            ));
            // The referred person's facts (never identifying): the referral names them.
            {
                let facts = &person.facts;
                s.lines
                    .push((t("case-col-gender"), facts.gender.label(lang).to_string()));
                let age = facts
                    .age_at_registration
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                s.lines.push((t("case-col-age"), age));
            }
        } else {
            s.note = withheld();
        }
        out.push(s);
    }
    if names || contacts {
        let mut s = Shared {
            title: t("person-identity"),
            lines: Vec::new(),
            note: None,
        };
        if let Some((i, _)) = &identity {
            let v = |o: &Option<String>| o.clone().unwrap_or_default();
            if names {
                s.lines.push((t("person-name"), i.display_name()));
                let born = i.birthdate.map(|b| crate::view::format_date(lang, b));
                s.lines
                    .push((t("person-birthdate"), born.unwrap_or_default()));
                s.lines
                    .push((t("person-identity-number"), v(&i.identity_number)));
            }
            if contacts {
                s.lines.push((t("person-phone"), v(&i.mobile_phone)));
                s.lines.push((t("referral-contact-email"), v(&i.email)));
                let place = [&i.mailing_street, &i.mailing_city, &i.mailing_state]
                    .iter()
                    .filter_map(|x| x.as_deref())
                    .collect::<Vec<_>>()
                    .join(", ");
                s.lines.push((t("referral-contact-address"), place));
            }
            s.note = Some(t("case-identity-audited"));
        } else {
            s.note = withheld();
        }
        out.push(s);
    }
    if wanted(DataCategory::ScreeningResult) {
        let mut s = Shared {
            title: DataCategory::ScreeningResult.label(lang).to_string(),
            lines: Vec::new(),
            note: None,
        };
        let mut hidden = false;
        for sc in screenings {
            if sc.case_id != r.case_id || sc.state == ScreeningState::Draft {
                continue;
            }
            let at = sc.decision.as_ref().map_or(sc.updated_at, |d| d.decided_at);
            if !consent.shares(DataCategory::ScreeningResult, at) {
                hidden = true;
                continue;
            }
            let outcome = sc
                .evaluation
                .as_ref()
                .map(|e| tabara_i18n::screening::outcome_label(lang, e.outcome))
                .unwrap_or_default();
            let status = sc
                .decision
                .as_ref()
                .map(|d| format!(" · {}", d.status.label(lang)))
                .unwrap_or_default();
            s.lines.push((when(lang, at), format!("{outcome}{status}")));
        }
        if hidden {
            s.note = withheld();
        }
        out.push(s);
    }
    if wanted(DataCategory::RiskAssessment) {
        let mut s = Shared {
            title: DataCategory::RiskAssessment.label(lang).to_string(),
            lines: Vec::new(),
            note: None,
        };
        let mut hidden = false;
        for a in risks {
            let at = a.assessment.assessed_at;
            if !consent.shares(DataCategory::RiskAssessment, at) {
                hidden = true;
                continue;
            }
            let level = format!(
                "{} · {}",
                a.assessment.kind.label(lang),
                a.assessment.level.label(lang)
            );
            s.lines.push((when(lang, at), level));
        }
        if hidden {
            s.note = withheld();
        }
        out.push(s);
    }
    if wanted(DataCategory::Health) {
        out.push(Shared {
            title: DataCategory::Health.label(lang).to_string(),
            lines: Vec::new(),
            note: Some(t("referral-health-not-kept")),
        });
    }
    Ok(out)
}

/// `GET /referrals/{id}`.
pub(super) async fn referral_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: ReferralAccess,
) -> Result<Response, AppError> {
    page(&state, &user, &access, FormErrors::none()).await
}

/// A step asked from the page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct StepForm {
    step: String,
    version: String,
    reason: String,
}

/// After a refused change: the page again, as it is stored now, with the errors.
async fn again(
    state: &AppState,
    user: &CurrentUser,
    access: ReferralAccess,
    errors: ValidationErrors,
    conflict: bool,
) -> Result<Response, AppError> {
    let mut access = access;
    access.details = state.store.referral(access.details.referral.id).await?;
    let mut errors = FormErrors::new(user.lang, errors);
    if conflict {
        errors.banner = Some(tabara_i18n::t!(user.lang, "edit-conflict"));
    }
    page(state, user, &access, errors).await
}

/// After a change: back to the referral; a broken rule or a stale version, the page again.
async fn answered<T>(
    state: &AppState,
    user: &CurrentUser,
    access: ReferralAccess,
    result: Result<T, StoreError>,
) -> Result<Response, AppError> {
    match result {
        Ok(_) => {
            let to = format!("/referrals/{}", access.details.referral.id);
            Ok(Redirect::to(&to).into_response())
        }
        Err(StoreError::Invalid(v)) => again(state, user, access, v, false).await,
        Err(StoreError::Conflict { .. }) => {
            again(state, user, access, ValidationErrors::default(), true).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /referrals/{id}/step`: the step, for the user's party; out of turn or by the wrong
/// party is refused by core, with its reason shown.
pub(super) async fn take_step(
    State(state): State<AppState>,
    access: ReferralAccess,
    CsrfForm { user, form }: CsrfForm<StepForm>,
) -> Result<Response, AppError> {
    let Ok(kind) = TransitionKind::parse(&form.step) else {
        let mut e = ValidationErrors::default();
        e.push(
            "ref_Status",
            "picklist",
            format!("{} is not a step", form.step),
        );
        return again(&state, &user, access, e, false).await;
    };
    let r = &access.details.referral;
    let offered = if kind == TransitionKind::Send {
        offered_services(&state, r.recipient_id).await?
    } else {
        Default::default()
    };
    let step = match kind {
        TransitionKind::Send => ReferralStep::Send {
            offered: &offered,
            deadlines: &state.config.deadlines,
        },
        TransitionKind::Accept => ReferralStep::Accept,
        TransitionKind::Decline => ReferralStep::Decline {
            reason: &form.reason,
        },
        TransitionKind::Start => ReferralStep::Start,
        TransitionKind::Complete => ReferralStep::Complete,
        TransitionKind::Close => ReferralStep::Close {
            reason: &form.reason,
        },
        TransitionKind::Cancel => ReferralStep::Cancel,
    };
    let version = form.version.trim().parse().unwrap_or(0);
    let result = state
        .store
        .apply_referral_step(&user.actor(), r.id, version, access.party, step)
        .await;
    answered(&state, &user, access, result).await
}

/// Assignment from the page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct AssignForm {
    assignee: String,
    version: String,
}

/// `POST /referrals/{id}/assign`: a supervisor of the addressed agency gives the referral to
/// one of its users (or takes it back: empty).
pub(super) async fn assign(
    State(state): State<AppState>,
    access: ReferralAccess,
    CsrfForm { user, form }: CsrfForm<AssignForm>,
) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    if !access.party.may_assign() {
        e.push(
            "ref_Assignee",
            "not_allowed",
            "only a supervisor of the addressed agency assigns a referral",
        );
        return again(&state, &user, access, e, false).await;
    }
    let raw = form.assignee.trim();
    let assignee = if raw.is_empty() {
        None
    } else {
        match raw.parse::<uuid::Uuid>() {
            Ok(u) => Some(UserId(u)),
            Err(_) => {
                e.push("ref_Assignee", "picklist", "choose a user of the agency");
                return again(&state, &user, access, e, false).await;
            }
        }
    };
    let version = form.version.trim().parse().unwrap_or(0);
    let id = access.details.referral.id;
    let result = state
        .store
        .assign_referral(&user.actor(), id, version, assignee)
        .await;
    answered(&state, &user, access, result).await
}

/// The consent's version, from the page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct WithdrawForm {
    version: String,
}

/// `POST /referrals/{id}/consent/withdraw`: the sender records that the person withdrew the
/// consent the referral was sent under; from that moment the addressed agency sees nothing
/// recorded after it.
pub(super) async fn withdraw_consent(
    State(state): State<AppState>,
    access: ReferralAccess,
    CsrfForm { user, form }: CsrfForm<WithdrawForm>,
) -> Result<Response, AppError> {
    let mut e = ValidationErrors::default();
    let consent = access.details.consent.as_ref().map(|c| c.id);
    let (Some(consent), Party::Sender) = (consent, access.party) else {
        e.push(
            "con_WithdrawnAt",
            "not_allowed",
            "the sending agency records a withdrawal of the consent a referral was sent under",
        );
        return again(&state, &user, access, e, false).await;
    };
    let version = form.version.trim().parse().unwrap_or(0);
    let result = state
        .store
        .withdraw_referral_consent(&user.actor(), consent, version)
        .await;
    answered(&state, &user, access, result).await
}
