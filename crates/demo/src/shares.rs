//! Demo shares: some of the newest cases of the investigating services sent to the
//! prosecution (to read), and some partners' and police cases shared with IOM for victim
//! assistance, a few of them for editing; so that the prosecutor, the caseworker and the
//! shares list of the case page meet them. Deterministic: the same register gets the same
//! shares.

use tabara_store::{Actor, CaseFilter, PageRequest, Store, StoreError};

use crate::{Reference, agency};

/// Cases looked at, newest first.
const NEWEST: i64 = 400;

/// Write the shares; returns how many were written.
pub async fn write_shares(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
) -> Result<usize, StoreError> {
    let org = |i: usize| reference.organisations[i].id;
    let (police, borders) = (org(agency::PJ), org(agency::PAFE));
    let (prosecution, iom) = (org(agency::PROSECUTION), org(agency::IOM));
    let cases = store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: NEWEST,
            },
        )
        .await?
        .items;
    let mut written = 0;
    for (k, summary) in cases.iter().enumerate() {
        let owner = store.case(summary.id).await?.organisation_id;
        if k % 5 == 0 && (owner == police || owner == borders) {
            store
                .share_case(
                    actor,
                    summary.id,
                    prosecution,
                    "Transmis au parquet pour poursuites",
                    false,
                )
                .await?;
            written += 1;
        }
        if k % 7 == 0 && owner != iom {
            store
                .share_case(
                    actor,
                    summary.id,
                    iom,
                    "Assistance et hébergement de la victime",
                    k % 14 == 0,
                )
                .await?;
            written += 1;
        }
    }
    Ok(written)
}
