//! Each user's notification inbox (issue 12): the alerts the register raised on its own for
//! them, newest first, unread ones marked, each in words by kind with a link to the referral,
//! or for a risk to the person in the case (whose page the reader's access then decides). A
//! notification is its recipient's alone: the routes are for any signed-in user, and the store
//! looks a notification up only among the asker's own, so another's answers exactly like a
//! missing one (404).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tabara_core::Lang;
use tabara_core::alerts::AlertKind;
use tabara_core::records::case_reference;
use tabara_i18n::t;
use tabara_store::{Notification, StoreError};

use crate::access::{Access, Body, CsrfForm, CurrentUser, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The most notifications the inbox shows.
const INBOX_ROWS: i64 = 100;

/// The inbox and marking read.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/notifications", Access::SignedIn, inbox)
        .post(
            "/notifications/read-all",
            Access::SignedIn,
            Body::Form,
            mark_all_read,
        )
        .post(
            "/notifications/{id}/read",
            Access::SignedIn,
            Body::Form,
            mark_read,
        )
}

/// One line of the inbox, in words.
struct Line {
    id: String,
    text: String,
    when: String,
    unread: bool,
    link: String,
    /// The link's words.
    open: String,
}

#[derive(askama::Template)]
#[template(path = "notifications.html")]
struct InboxPage {
    chrome: Chrome,
    lines: Vec<Line>,
    any_unread: bool,
}

/// A notification in the reader's language: what fell due, for which case, when.
fn words(lang: Lang, chrome: &Chrome, n: &Notification) -> String {
    let case = case_reference(n.case_number);
    let due = chrome.when(&n.due_at);
    match n.kind {
        AlertKind::ReferralOverdue => t!(lang, "alert-referral-overdue", case = case, due = due),
        AlertKind::RiskHigh => t!(lang, "alert-risk-high", case = case, due = due),
        AlertKind::RiskReassessmentDue => {
            t!(lang, "alert-risk-reassessment-due", case = case, due = due)
        }
        AlertKind::CustodyDueSoon => t!(lang, "alert-custody-due-soon", case = case, due = due),
        AlertKind::CustodyOverdue => t!(lang, "alert-custody-overdue", case = case, due = due),
        AlertKind::TaskOverdue => t!(lang, "alert-task-overdue", case = case, due = due),
        AlertKind::LostDocument => t!(lang, "alert-lost-document", case = case, due = due),
    }
}

/// Where a notification leads: the referral's page, or the person in the case whose risk it
/// is about.
fn link(n: &Notification) -> String {
    match n.kind {
        AlertKind::ReferralOverdue => format!("/referrals/{}", n.subject_id),
        AlertKind::RiskHigh | AlertKind::RiskReassessmentDue => match n.person_id {
            Some(p) => format!("/cases/{}/persons/{p}", n.case_number),
            None => format!("/cases/{}", n.case_number),
        },
        // The investigation's pages come with its web module; the case until then.
        AlertKind::CustodyDueSoon | AlertKind::CustodyOverdue | AlertKind::TaskOverdue => {
            format!("/cases/{}", n.case_number)
        }
        AlertKind::LostDocument => match n.person_id {
            Some(p) => format!(
                "/cases/{}/persons/{p}/documents/{}",
                n.case_number, n.subject_id
            ),
            None => format!("/cases/{}", n.case_number),
        },
    }
}

/// `GET /notifications`: one's own inbox.
async fn inbox(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let list = state
        .store
        .notifications(user.user.id, false, INBOX_ROWS)
        .await?;
    let chrome = user.chrome("/notifications");
    let lines: Vec<Line> = list
        .iter()
        .map(|n| Line {
            id: n.id.to_string(),
            text: words(user.lang, &chrome, n),
            when: chrome.when(&n.created_at),
            unread: n.read_at.is_none(),
            link: link(n),
            open: match n.kind {
                AlertKind::ReferralOverdue => chrome.t("notifications-open-referral"),
                AlertKind::RiskHigh
                | AlertKind::RiskReassessmentDue
                | AlertKind::CustodyDueSoon
                | AlertKind::CustodyOverdue
                | AlertKind::TaskOverdue
                | AlertKind::LostDocument => chrome.t("notifications-open"),
            },
        })
        .collect();
    let any_unread = lines.iter().any(|l| l.unread);
    Ok(render(&InboxPage {
        chrome,
        lines,
        any_unread,
    }))
}

/// `POST /notifications/{id}/read`: mark one of one's own notifications read.
async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(user.lang);
    let id: uuid::Uuid = id.parse().map_err(|_| not_found())?;
    match state
        .store
        .mark_notification_read(&user.actor(), user.user.id, id)
        .await
    {
        Ok(_) => Ok(Redirect::to("/notifications").into_response()),
        Err(StoreError::NotFound { .. }) => Err(not_found()),
        Err(e) => Err(e.into()),
    }
}

/// `POST /notifications/read-all`: mark every unread notification of one's own read.
async fn mark_all_read(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    state
        .store
        .mark_all_notifications_read(&user.actor(), user.user.id)
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}
