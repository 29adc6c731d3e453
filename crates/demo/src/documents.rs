//! Demo entries of the lost, stolen and fraudulent documents list (issue 15), one per reason,
//! the first the passport of the operator guide's example zone, so that checking it on the
//! demo shows a hit. Fictional numbers; deterministic.

use tabara_core::documents::LostEntry;
use tabara_store::{Actor, Store, StoreError};

/// The demo's entries: issuing state, number, reason, reported on, source.
const ENTRIES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "BDI",
        "OP0012345",
        "stolen",
        "2026-03-01",
        "PAFE Bujumbura, plainte",
    ),
    ("RWA", "PC1234567", "lost", "2026-02-14", "DGIE Kigali"),
    (
        "TZA",
        "TZ0099887",
        "fraudulent",
        "2026-01-20",
        "Immigration Tanzania",
    ),
    ("UGA", "B00112233", "revoked", "2025-11-05", "DCIC Kampala"),
];

/// Write the entries; how many.
pub async fn write_lost_documents(store: &Store, actor: &Actor) -> Result<usize, StoreError> {
    let today = chrono::Utc::now().date_naive();
    let entries: Vec<LostEntry> = ENTRIES
        .iter()
        .map(|(s, n, r, d, src)| {
            LostEntry::parse(s, n, r, d, src, today).expect("the demo's entries are valid")
        })
        .collect();
    store.import_lost_documents(actor, &entries).await?;
    Ok(entries.len())
}
