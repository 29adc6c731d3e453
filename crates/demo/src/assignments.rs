//! Demo assignments: some cases handed to the account that follows them up, so that the
//! officer's, the investigator's and the caseworker's "my cases" are not empty and the access
//! rules meet assigned cases. Each goes only to an account working at the case's office (an
//! account without an office works at all of its agency's), so an assignment never widens
//! what an account reaches. Written after the cases, like a supervisor's assignment after
//! intake; deterministic: the same register gets the same assignments.

use tabara_core::Role;
use tabara_store::{Actor, CaseFilter, PageRequest, Store, StoreError};

use crate::{Reference, agency};

/// Assign the cases; returns how many were assigned.
pub async fn write_assignments(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
) -> Result<usize, StoreError> {
    let mut written = 0;
    let mut after = None;
    loop {
        let page = store
            .list_cases(&CaseFilter::default(), PageRequest { after, limit: 500 })
            .await?;
        for summary in &page.items {
            let mut case = store.case(summary.id).await?;
            let Some(office_id) = case.office_id else {
                continue;
            };
            let Some(owner) = assignee(reference, case.number, case.organisation_id, office_id)
            else {
                continue;
            };
            case.owner_id = Some(owner);
            store.update_case(actor, &case).await?;
            written += 1;
        }
        match page.next {
            Some(n) => after = Some(n),
            None => return Ok(written),
        }
    }
}

/// Who follows up case `number`, if anyone: every third case of the border police goes to
/// the demo officer, every fifth of the judicial police to the investigator and every
/// eleventh of IOM to the caseworker, when that account works at the case's office.
fn assignee(
    reference: &Reference,
    number: i64,
    organisation_id: tabara_core::ids::OrganisationId,
    office_id: tabara_core::ids::OfficeId,
) -> Option<tabara_core::ids::UserId> {
    let org = |i: usize| reference.organisations[i].id;
    let role = if organisation_id == org(agency::PAFE) && number % 3 == 2 {
        Role::Officer
    } else if organisation_id == org(agency::PJ) && number % 5 == 3 {
        Role::Investigator
    } else if organisation_id == org(agency::IOM) && number % 11 == 6 {
        Role::Caseworker
    } else {
        return None;
    };
    reference
        .users
        .iter()
        .find(|u| {
            u.role == role
                && u.organisation_id == organisation_id
                && u.office_id.is_none_or(|o| o == office_id)
        })
        .map(|u| u.id)
}
