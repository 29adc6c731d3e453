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

const ZONE: &str =
    "P<BDINDAYISHIMIYE<<ALINE<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9501016F3012316<<<<<<<<<<<<<<<6";

fn passport(notes: &str, outcome: &str) -> tabara_core::documents::DocumentEntry {
    tabara_core::documents::DocumentEntry::parse(
        &tabara_core::documents::DocumentForm {
            doc_type: "passport",
            zone: ZONE,
            features: vec![("photo_substitution", "failed")],
            outcome,
            notes,
            ..Default::default()
        },
        today(),
    )
    .unwrap()
}

store_test!(
    a_document_is_recorded_sealed_read_with_audit_and_a_lost_list_hit_alerts_the_supervisors,
    |db| async move {
        use tabara_core::alerts::AlertKind;
        use tabara_core::documents::DocumentOutcome;
        let s = &db.store;
        let w = world(s).await;
        let supervisor = crate::alerts::add_user(s, Role::Supervisor, w.org.id).await;
        let officer = crate::alerts::add_user(s, Role::Officer, w.org.id).await;
        let case = open_case(s, &w, "2026-11-30").await;
        let p = add_person(s, &w, "Aline", "Ndayishimiye").await;
        involve_victim(s, case.id, p.id).await;
        let actor = Actor::user(officer);
        // Not on the list: recorded, no alert.
        let genuine = s
            .record_document(&actor, case.id, p.id, &passport("", "genuine"), None)
            .await
            .unwrap();
        assert_eq!(genuine.lost_reason, None);
        assert_eq!(genuine.zone_valid, Some(true));
        assert!(
            s.notifications(supervisor, false, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // On the list: the hit is kept, audited and alerted to the supervisor.
        s.import_lost_documents(
            &system(),
            &[
                LostEntry::parse("BDI", "OP0012345", "stolen", "2026-03-01", "PAFE", today())
                    .unwrap(),
            ],
        )
        .await
        .unwrap();
        let hit = s
            .record_document(
                &actor,
                case.id,
                p.id,
                &passport("Photo re-glued.", "forged"),
                None,
            )
            .await
            .unwrap();
        assert_eq!(hit.lost_reason.as_deref(), Some("stolen"));
        // The page's number altered: the zone's number still finds it.
        let mut altered = passport("", "suspect");
        altered.number = "OP0012399".into();
        let by_zone = s
            .record_document(&actor, case.id, p.id, &altered, None)
            .await
            .unwrap();
        assert_eq!(by_zone.lost_reason.as_deref(), Some("stolen"));
        let inbox = s.notifications(supervisor, false, 10).await.unwrap();
        assert_eq!(inbox.len(), 2);
        let inbox: Vec<_> = inbox
            .into_iter()
            .filter(|n| n.subject_id == hit.id)
            .collect();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].kind, AlertKind::LostDocument);
        assert_eq!(inbox[0].subject_id, hit.id);
        assert!(
            s.notifications(officer, false, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // Read with audit; listed without what identifies the holder.
        let read = s.read_document(&actor, hit.id).await.unwrap();
        assert_eq!(read.entry.number, "OP0012345");
        assert_eq!(read.entry.notes, "Photo re-glued.");
        assert_eq!(
            trail_actions(s, "document", &hit.id.to_string()).await,
            ["document.record", "document.read"]
        );
        let listed = s.document_summaries(case.id, p.id).await.unwrap();
        assert_eq!(listed.len(), 3);
        assert_eq!(listed[1].failed_features, 1);
        let suspect = s.suspect_documents(10).await.unwrap();
        assert_eq!(
            suspect.iter().map(|d| d.id).collect::<Vec<_>>(),
            [by_zone.id, hit.id]
        );
        assert!(suspect[0].is_suspect());
        // An update from a stale version is refused; from the current one it is audited.
        let mut changed = read.entry.clone();
        changed.outcome = Some(DocumentOutcome::Counterfeit);
        assert_conflict(
            s.update_document(&actor, hit.id, 0, &changed, None).await,
            "document",
            &hit.id.to_string(),
            0,
            read.version,
        );
        let updated = s
            .update_document(&actor, hit.id, read.version, &changed, None)
            .await
            .unwrap();
        assert_eq!(updated.version, read.version + 1);
        assert_eq!(updated.entry.outcome, Some(DocumentOutcome::Counterfeit));
        // A photo must be a picture kept about the same person.
        let other = add_person(s, &w, "Eric", "Irakoze").await;
        involve_victim(s, case.id, other.id).await;
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR0000000000000000".to_vec();
        let f = s
            .put_file(
                &system(),
                tabara_store::files::NewFile {
                    case: case.id,
                    person: other.id,
                    purpose: tabara_core::files::FilePurpose::IdentityDocument,
                    name: "page.png",
                    declared_type: None,
                    limit: 1 << 20,
                },
                &png[..],
            )
            .await
            .unwrap();
        assert_invalid(
            s.record_document(&actor, case.id, p.id, &passport("", ""), Some(f.id))
                .await,
            "doc_Photo",
            "not_a_photo",
        );
        // The same picture about the person themself is taken.
        let own = s
            .put_file(
                &system(),
                tabara_store::files::NewFile {
                    case: case.id,
                    person: p.id,
                    purpose: tabara_core::files::FilePurpose::IdentityDocument,
                    name: "page.png",
                    declared_type: None,
                    limit: 1 << 20,
                },
                &png[..],
            )
            .await
            .unwrap();
        let with_photo = s
            .record_document(&actor, case.id, p.id, &passport("", ""), Some(own.id))
            .await
            .unwrap();
        assert_eq!(with_photo.photo_file_id, Some(own.id));
        // Nothing that identifies the holder is in the register's bytes.
        let raw = crate::common::raw_register(&db, &["document_records"]).await;
        for needle in ["OP0012345", "NDAYISHIMIYE", "re-glued"] {
            assert!(!raw.contains(needle), "{needle} is in the register");
        }
        // The access report carries the documents; erasure empties what identified them.
        let report = s.access_report(&system(), p.id).await.unwrap();
        assert_eq!(report.documents.len(), 4);
        s.erase_person(
            &system(),
            p.id,
            tabara_core::erasure::ErasureGround::SubjectRequest,
        )
        .await
        .unwrap();
        let gone = s.read_document(&system(), hit.id).await.unwrap();
        assert!(gone.erased);
        assert_eq!(gone.entry.number, "");
        assert_eq!(gone.entry.notes, "");
        assert_eq!(gone.entry.zone, None);
        assert_invalid(
            s.record_document(&actor, case.id, p.id, &passport("", ""), None)
                .await,
            "prs_Identity",
            "erased",
        );
        assert_verified(s, audit_count(s).await).await;
    }
);
