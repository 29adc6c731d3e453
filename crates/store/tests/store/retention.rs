//! Retention (issue 13): the dry run reports what would go and changes nothing; the run erases
//! the persons due (a hold makes one wait) and deletes ended sessions and read notifications.

use chrono::{Duration, Utc};
use tabara_core::erasure::HoldKind;
use tabara_core::retention::{RetentionKind, RetentionPolicy};
use tabara_store::retention::RetentionReport;

use crate::common::*;

fn line(r: &RetentionReport, kind: RetentionKind) -> &tabara_store::retention::RetentionLine {
    r.lines.iter().find(|l| l.kind == kind).unwrap()
}

async fn close(s: &Store, case: &Case) {
    let mut c = s.case(case.id).await.unwrap();
    c.facts.status = CaseStatus::Closed;
    c.facts.closed_on = Some(Utc::now().date_naive());
    s.update_case(&system(), &c).await.unwrap();
}

store_test!(
    retention_reports_then_lets_go_what_is_due,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        // A victim of a closed case; one of a closed case and an open one; one of a closed
        // case under a hold; one registered in no case.
        let closed = open_case(s, &w, "2026-02-01").await;
        let open = open_case(s, &w, "2026-02-01").await;
        let held = open_case(s, &w, "2026-02-01").await;
        let gone = add_person(s, &w, "Ndikumana", "Aline").await;
        let kept = add_person(s, &w, "Ndikumana", "Bosco").await;
        let waits = add_person(s, &w, "Ndikumana", "Claude").await;
        let loose = add_person(s, &w, "Ndikumana", "Divine").await;
        involve_victim(s, closed.id, gone.id).await;
        involve_victim(s, closed.id, kept.id).await;
        involve_victim(s, open.id, kept.id).await;
        involve_victim(s, held.id, waits.id).await;
        close(s, &closed).await;
        close(s, &held).await;
        s.place_hold(&system(), held.id, HoldKind::Court, "RP 4/2026")
            .await
            .unwrap();
        let policy = RetentionPolicy::default();
        // Ten years and a day after the closing: the persons of closed cases are due, and
        // those in no case for a year.
        let later = Utc::now() + Duration::days(3651);
        let entries = audit_count(s).await;
        let dry = s.retention(&system(), &policy, later, true).await.unwrap();
        assert!(dry.dry_run);
        let persons = line(&dry, RetentionKind::ClosedCasePersons);
        let mut due = persons.persons.clone();
        due.sort();
        let mut want = vec![gone.id, waits.id];
        want.sort();
        assert_eq!(due, want);
        assert_eq!(persons.due, 2);
        assert_eq!(persons.done, 0);
        let loose_line = line(&dry, RetentionKind::PersonsWithoutCase);
        assert_eq!(loose_line.persons, vec![loose.id]);
        // A dry run changes nothing and writes nothing.
        assert_eq!(audit_count(s).await, entries);
        assert!(
            s.read_identity(&system(), gone.id)
                .await
                .unwrap()
                .0
                .first_name
                .is_some()
        );
        // Not yet due a day before.
        let early = s
            .retention(&system(), &policy, later - Duration::days(2), true)
            .await
            .unwrap();
        assert_eq!(line(&early, RetentionKind::ClosedCasePersons).due, 0);

        let run = s.retention(&system(), &policy, later, false).await.unwrap();
        let persons = line(&run, RetentionKind::ClosedCasePersons);
        assert_eq!((persons.done, persons.waiting), (1, 1));
        assert_eq!(line(&run, RetentionKind::PersonsWithoutCase).done, 1);
        assert!(
            s.read_identity(&system(), gone.id)
                .await
                .unwrap()
                .0
                .first_name
                .is_none()
        );
        assert!(
            s.read_identity(&system(), loose.id)
                .await
                .unwrap()
                .0
                .first_name
                .is_none()
        );
        assert!(
            s.read_identity(&system(), kept.id)
                .await
                .unwrap()
                .0
                .first_name
                .is_some()
        );
        let waiting = s.erasure_of(waits.id).await.unwrap().unwrap();
        assert_eq!(
            waiting.ground,
            tabara_core::erasure::ErasureGround::RetentionEnded
        );
        assert_eq!(waiting.held_by, vec![held.reference()]);
        // A second run finds only the waiting one.
        let again = s.retention(&system(), &policy, later, true).await.unwrap();
        assert_eq!(
            line(&again, RetentionKind::ClosedCasePersons).persons,
            vec![waits.id]
        );

        // A rule turned off lets nothing go.
        let off = RetentionPolicy::parse_overrides("persons_without_case=off").unwrap();
        let r = s.retention(&system(), &off, later, true).await.unwrap();
        assert_eq!(line(&r, RetentionKind::PersonsWithoutCase).due, 0);
        assert_eq!(line(&r, RetentionKind::PersonsWithoutCase).cutoff, None);
        assert_verified(s, audit_count(s).await).await;
        db.finish().await
    }
);
