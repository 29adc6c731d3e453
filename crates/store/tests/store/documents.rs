//! The lost, stolen and fraudulent documents list: entries checked by core, imported in one
//! audited transaction (added or replaced), looked up by the keys a zone gives, a hit audited.

use chrono::NaiveDate;
use tabara_core::documents::{LostEntry, LostReason};

use crate::common::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

store_test!(
    the_lost_and_stolen_list_is_imported_looked_up_and_its_hits_audited,
    |db| async move {
        let s = &db.store;
        let entry = |state: &str, number: &str, reason: &str, source: &str| {
            LostEntry::parse(state, number, reason, "2026-03-01", source, today()).unwrap()
        };
        let first = s
            .import_lost_documents(
                &system(),
                &[
                    entry("bdi", "OP 001-2345", "stolen", "PAFE Bujumbura"),
                    entry("D", "C01X0006H", "lost", "Interpol SLTD extract"),
                ],
            )
            .await
            .unwrap();
        assert_eq!((first.added, first.replaced), (2, 0));
        // The same document again replaces its entry; a new one is added.
        let second = s
            .import_lost_documents(
                &system(),
                &[
                    entry("BDI", "OP0012345", "fraudulent", "Parquet de Bujumbura"),
                    entry("RWA", "PC1234567", "revoked", "DGIE Kigali"),
                ],
            )
            .await
            .unwrap();
        assert_eq!((second.added, second.replaced), (1, 1));
        assert_eq!(s.lost_documents(10).await.unwrap().len(), 3);

        // Looked up as a zone gives the keys: Germany's D, the number without its fillers.
        let hit = s.lost_document("D<<", "C01X0006H").await.unwrap().unwrap();
        assert_eq!(
            (hit.issuing_state.as_str(), hit.reason.as_str()),
            ("DEU", "lost")
        );
        let replaced = s.lost_document("BDI", "OP0012345").await.unwrap().unwrap();
        assert_eq!(replaced.reason, "fraudulent");
        assert_eq!(replaced.import_id, second.id);
        assert!(s.lost_document("TZA", "OP0012345").await.unwrap().is_none());

        // A hit is audited in the reader's name; a miss writes nothing.
        let reader = Actor::system("officer-at-gatumba");
        let before = s
            .audit_trail("lost_document", &hit.id.to_string())
            .await
            .unwrap()
            .len();
        assert!(
            s.check_lost_document(&reader, "D", "C01X0006H")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            s.check_lost_document(&reader, "KEN", "A1")
                .await
                .unwrap()
                .is_none()
        );
        let trail = s
            .audit_trail("lost_document", &hit.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail.len(), before + 1);
        assert_eq!(trail.last().unwrap().action, "lost_document.hit");
        let imports = s
            .audit_trail("lost_document_import", &first.id.to_string())
            .await
            .unwrap();
        assert_eq!(imports[0].action, "lost_document.import");
        db.finish().await;
    }
);

#[test]
fn an_entry_is_refused_with_every_field_it_gets_wrong() {
    let e =
        LostEntry::parse("QQQ", "OP 00/12", "misplaced", "2027-01-01", " ", today()).unwrap_err();
    let fields: Vec<&str> = e.0.iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        [
            "lst_IssuingState",
            "lst_Number",
            "lst_Reason",
            "lst_ReportedOn",
            "lst_Source"
        ]
    );
    let ok = LostEntry::parse(
        " tza ",
        "ab-12 34",
        "Stolen",
        "2026-11-30",
        "Police",
        today(),
    )
    .unwrap();
    assert_eq!(
        (ok.issuing_state.as_str(), ok.number.as_str(), ok.reason),
        ("TZA", "AB1234", LostReason::Stolen)
    );
}
