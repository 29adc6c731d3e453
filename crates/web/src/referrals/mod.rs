//! Referrals between agencies: the agency's inbox (incoming, outgoing, overdue; urgent first),
//! the referral form on a person of a case (services, data and the person's consent on one
//! screen), and the referral page (what it asks, its consent, its timeline, the steps the user
//! may take, assignment, and, for the addressed agency, what the consent shares).
//!
//! The rules are core's (`tabara_core::referral`): who may take which step
//! (`ReferralState::available` for the user's `Party`), what a consent covers and what it
//! shares after a withdrawal (`Consent::shares`). Access is declared per route: a referral is
//! reached through [`Kind::Referral`] (the sending agency through its case, the addressed
//! agency's assignee and supervisors once it is sent), everyone else gets the 404 of a missing
//! record.

mod form;
pub(crate) mod inbox;
mod page;

use chrono::{DateTime, Utc};
use tabara_core::Lang;
use tabara_core::ids::OrganisationId;
use tabara_core::permissions::Action;
use tabara_core::picklist::{Picklist, ValueSet};
use tabara_core::referral::ServiceType;

use crate::access::{Access, Body, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;

/// The referral pages.
pub(crate) fn router() -> Routes {
    let referral = |action| Access::Record(Kind::Referral, action);
    let person = |action| Access::Record(Kind::CasePerson, action);
    Routes::new()
        .get("/referrals", Access::SignedIn, inbox::inbox)
        .get(
            "/cases/{number}/persons/{person}/referrals/new",
            person(Action::EditCase),
            form::new_referral,
        )
        .post(
            "/cases/{number}/persons/{person}/referrals",
            person(Action::EditCase),
            Body::Form,
            form::create_referral,
        )
        .get(
            "/referrals/{id}",
            referral(Action::ReadCase),
            page::referral_page,
        )
        .post(
            "/referrals/{id}/step",
            referral(Action::EditCase),
            Body::Form,
            page::take_step,
        )
        .post(
            "/referrals/{id}/assign",
            referral(Action::EditCase),
            Body::Form,
            page::assign,
        )
        .post(
            "/referrals/{id}/consent/withdraw",
            referral(Action::EditCase),
            Body::Form,
            page::withdraw_consent,
        )
}

/// The labels of a set of picklist values, joined for a table cell.
pub(crate) fn labels<T: Picklist>(set: &ValueSet<T>, lang: Lang) -> String {
    set.iter()
        .map(|v| v.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A moment as the pages write it, in UTC.
pub(crate) fn when(lang: Lang, t: DateTime<Utc>) -> String {
    crate::view::format_datetime(lang, t)
}

/// An organisation's name from the cached directory (its id when it is not there).
pub(crate) async fn organisation_name(
    state: &AppState,
    id: OrganisationId,
) -> Result<String, AppError> {
    Ok(state.directory().await?.organisation_name(id))
}

/// The services an agency offers, from the services directory: a referral asks only for
/// those (the send check refuses the others, `ref_Services`/`not_offered`).
pub(crate) async fn offered_services(
    state: &AppState,
    agency: OrganisationId,
) -> Result<ValueSet<ServiceType>, AppError> {
    Ok(state.store.offered_services(agency).await?)
}
