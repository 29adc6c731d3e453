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

/// Record documents on victims of the first cases the demo accounts follow up
/// (deterministic): a genuine identity card in the officer's first, the stolen passport of
/// the operator guide (forged: its photo substituted; on the lost list, so the judicial
/// police's supervisor and the investigator are alerted) in the investigator's first, and a
/// suspect visa in the officer's second. How many were recorded.
pub async fn write_documents(
    store: &Store,
    actor: &Actor,
    reference: &crate::Reference,
) -> Result<usize, StoreError> {
    use tabara_core::Role;
    use tabara_core::documents::{DocumentEntry, DocumentForm};
    use tabara_core::records::PersonRole;
    let today = chrono::Utc::now().date_naive();
    let forms = [
        DocumentForm {
            doc_type: "identity_card",
            number: "CNI0458813",
            issuing_state: "BDI",
            issued_on: "2019-05-14",
            features: vec![
                ("printing", "passed"),
                ("laminate", "passed"),
                ("holder", "passed"),
            ],
            outcome: "genuine",
            ..Default::default()
        },
        DocumentForm {
            doc_type: "passport",
            zone: "P<BDINDAYISENGA<<ALINE<<<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9001011F3001019<<<<<<<<<<<<<<<4",
            features: vec![
                ("photo_substitution", "failed"),
                ("laminate", "failed"),
                ("printing", "passed"),
            ],
            outcome: "forged",
            notes: "Photo lifted at the corner and re-glued; the laminate is cut around it.",
            ..Default::default()
        },
        DocumentForm {
            doc_type: "visa",
            number: "V7730021",
            issuing_state: "ARE",
            expires_on: "2027-06-30",
            features: vec![("ultraviolet", "failed"), ("fonts", "failed")],
            outcome: "suspect",
            notes: "Dull under ultraviolet light: referred to the document expert.",
            ..Default::default()
        },
    ];
    let owner = |role: Role| {
        reference
            .users
            .iter()
            .find(|u| u.role == role)
            .map(|u| u.id)
    };
    let owners = [Role::Officer, Role::Investigator, Role::Officer].map(owner);
    let mut recorded = 0;
    let mut used = Vec::new();
    for (form, owner) in forms.iter().zip(owners) {
        let entry = DocumentEntry::parse(form, today).expect("the demo's documents are valid");
        // The next case of that owner with a victim.
        let mut number = 1;
        loop {
            let case = match store.case_by_number(number).await {
                Ok(c) => c,
                Err(StoreError::NotFound { .. }) => break,
                Err(e) => return Err(e),
            };
            number += 1;
            if case.owner_id != owner || used.contains(&case.id) {
                continue;
            }
            let persons = store.case_persons(case.id).await?;
            if let Some(v) = persons
                .iter()
                .find(|p| p.involvement.role() == PersonRole::Victim)
            {
                store
                    .record_document(actor, case.id, v.person.id, &entry, None)
                    .await?;
                used.push(case.id);
                recorded += 1;
                break;
            }
        }
    }
    Ok(recorded)
}
