//! Referrals for machine clients: the token user's inbox and one referral within reach (its
//! state, services, deadlines, consent and timeline). What a referral shares about the person
//! is read on its page, where each read of an identity is audited; the API carries no
//! personal data of referrals.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tabara_core::referral::{Party, TransitionKind};
use tabara_store::{Referral, ReferralDetails};

use super::ApiQuery;
use crate::access::{ApiUser, ReferralAccess};
use crate::error::Problem;
use crate::state::AppState;

/// Which box.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct InboxQuery {
    #[serde(rename = "box")]
    which: Option<String>,
}

/// A referral in a list, with its case's reference and its place in the inbox.
#[derive(Serialize)]
struct Listed {
    case: String,
    overdue: bool,
    #[serde(flatten)]
    referral: Referral,
}

/// `GET /api/v1/referrals?box=incoming|outgoing|overdue`.
pub(super) async fn inbox(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Response, Problem> {
    let now = Utc::now();
    let which = q.which.unwrap_or_else(|| "incoming".into());
    let sides = crate::referrals::inbox::Sides {
        incoming: (which != "outgoing").then_some((0, crate::referrals::inbox::INBOX_ROWS)),
        outgoing: which != "incoming",
    };
    let (incoming, outgoing) =
        crate::referrals::inbox::boxes(&state, &user.user, &user.viewer, sides)
            .await
            .map_err(Problem::from)?;
    let chosen: Vec<Referral> = match which.as_str() {
        "incoming" => incoming,
        "outgoing" => outgoing,
        "overdue" => incoming
            .into_iter()
            .chain(outgoing)
            .filter(|r| r.inbox_key(now).overdue)
            .collect(),
        _ => {
            return Err(Problem::bad_parameter(
                "box",
                "incoming, outgoing or overdue",
            ));
        }
    };
    let ids: Vec<_> = chosen.iter().map(|r| r.case_id).collect();
    let numbers = state
        .store
        .case_numbers(&ids)
        .await
        .map_err(Problem::from)?;
    let mut out = Vec::with_capacity(chosen.len());
    for r in chosen {
        out.push(Listed {
            case: numbers
                .get(&r.case_id)
                .map(|n| tabara_core::records::case_reference(*n))
                .unwrap_or_default(),
            overdue: r.inbox_key(now).overdue,
            referral: r,
        });
    }
    Ok(Json(out).into_response())
}

/// One referral as the API shows it.
#[derive(Serialize)]
struct Shown {
    case: String,
    party: Party,
    steps: Vec<TransitionKind>,
    #[serde(flatten)]
    details: ReferralDetails,
}

/// `GET /api/v1/referrals/{id}`.
pub(super) async fn referral(access: ReferralAccess) -> Json<impl Serialize> {
    let steps = access.details.referral.state.available(access.party);
    Json(Shown {
        case: access.case.reference(),
        party: access.party,
        steps,
        details: access.details,
    })
}
