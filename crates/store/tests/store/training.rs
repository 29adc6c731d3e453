//! Training sessions, participants, attendance, scores and certificates.

use crate::common::*;

// ---------------------------------------------------------------- training

store_test!(
    training_sessions_participants_attendance_and_completion,
    |db| async move {
        use tabara_core::training::{CompletionRule, Shortfall};
        use tabara_store::{NewParticipant, NewTrainingSession, SessionModule};
        let s = &db.store;
        let w = world(s).await;
        let session = |starts: &str, ends: &str, modules: &[&str]| NewTrainingSession {
            id: TrainingSessionId::new(),
            title: "Formation des OPJ — session 1".into(),
            starts_on: day(starts),
            ends_on: day(ends),
            venue: "Bujumbura, hôtel Source du Nil".into(),
            organiser_id: w.org.id,
            funding: Some("Programme de l'Union européenne".into()),
            modules: modules
                .iter()
                .map(|m| SessionModule {
                    module: m.to_string(),
                    facilitator_id: Some(w.org.id),
                })
                .collect(),
            trainers: vec!["Josiane Kwizera".into()],
            rule: CompletionRule::default(),
        };
        for ((starts, ends, module), field, rule) in [
            (
                ("2026-03-05", "2026-03-02", "legal_frameworks"),
                "trn_EndsOn",
                "after_start",
            ),
            (
                ("2026-03-02", "2026-03-04", "astrology"),
                "trn_Modules",
                "picklist",
            ),
        ] {
            let broken = session(starts, ends, &[module]);
            assert_invalid(
                s.create_training_session(&system(), &broken).await,
                field,
                rule,
            );
        }
        let created = s
            .create_training_session(
                &system(),
                &session(
                    "2026-03-02",
                    "2026-03-06",
                    &["legal_frameworks", "child_protection"],
                ),
            )
            .await
            .unwrap();
        assert_eq!(created.days(), 5);
        assert_eq!(created.modules.len(), 2);
        let later = s
            .create_training_session(
                &system(),
                &session("2026-04-06", "2026-04-08", &["fraudulent_documents"]),
            )
            .await
            .unwrap();
        let listed = s.training_sessions(None, 1).await.unwrap();
        assert_eq!(listed[0].id, later.id, "newest first");
        let next = s.training_sessions(Some(later.id), 10).await.unwrap();
        assert_eq!(next[0].id, created.id);

        let officer_id = s
            .create_user(
                &system(),
                &NewUser {
                    id: UserId::new(),
                    username: "opj.kabura".into(),
                    display_name: "OPJ Kabura".into(),
                    role: Role::Investigator,
                    organisation_id: w.org.id,
                    office_id: None,
                    password_hash: "x".into(),
                },
            )
            .await
            .unwrap();
        let officer = Some(s.user(officer_id).await.unwrap());
        let add = |name: &str, user: Option<UserId>| NewParticipant {
            id: ParticipantId::new(),
            session_id: created.id,
            user_id: user,
            full_name: name.into(),
            rank: Some("OPJ".into()),
            unit: Some("PJ Bujumbura".into()),
            office_id: Some(w.office.id),
            sex: Gender::Feminine,
        };
        let linked_user = officer.as_ref().map(|u| u.id);
        let a = s
            .add_participant(&system(), &add("Aline Niyonkuru", linked_user))
            .await
            .unwrap();
        assert_duplicate(
            s.add_participant(&system(), &add("Aline Niyonkuru", linked_user))
                .await,
            "participant",
            "",
        );
        let b = s
            .add_participant(&system(), &add("Béatrice Irakoze", None))
            .await
            .unwrap();
        assert_invalid(
            s.add_participant(&system(), &add("  ", None)).await,
            "trp_FullName",
            "required",
        );

        // Attendance: within the session only; marking twice changes nothing; absent removes.
        assert_invalid(
            s.set_attendance(&system(), a.id, day("2026-03-07"), true)
                .await,
            "trp_Day",
            "outside_session",
        );
        for d in ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"] {
            s.set_attendance(&system(), a.id, day(d), true)
                .await
                .unwrap();
        }
        s.set_attendance(&system(), a.id, day("2026-03-05"), true)
            .await
            .unwrap();
        for d in ["2026-03-02", "2026-03-03", "2026-03-04"] {
            s.set_attendance(&system(), b.id, day(d), true)
                .await
                .unwrap();
        }
        s.set_attendance(&system(), b.id, day("2026-03-06"), true)
            .await
            .unwrap();
        s.set_attendance(&system(), b.id, day("2026-03-06"), false)
            .await
            .unwrap();

        // Scores: 0–100, versioned.
        assert_invalid(
            s.set_scores(&system(), a.id, 1, Some(40), Some(101)).await,
            "trp_PostTest",
            "range",
        );
        let v = s
            .set_scores(&system(), a.id, 1, Some(40), Some(70))
            .await
            .unwrap();
        assert_conflict(
            s.set_scores(&system(), a.id, 1, Some(40), Some(90)).await,
            "participant",
            &a.id.to_string(),
            1,
            v,
        );
        s.set_scores(&system(), b.id, 1, Some(55), Some(95))
            .await
            .unwrap();

        // Completion at the boundaries: 4 of 5 days and 70 % complete; 3 of 5 days do not.
        let people = s.participants(created.id).await.unwrap();
        assert_eq!(people.len(), 2);
        let aline = people.iter().find(|p| p.id == a.id).unwrap();
        let beatrice = people.iter().find(|p| p.id == b.id).unwrap();
        assert_eq!(aline.days_attended.len(), 4);
        assert_eq!(beatrice.days_attended.len(), 3);
        let check = |p: &tabara_store::Participant| {
            created
                .rule
                .check(p.days_attended.len() as u32, created.days(), p.post_test)
        };
        assert!(check(aline).is_empty());
        assert_eq!(check(beatrice), vec![Shortfall::Attendance]);

        let trail: Vec<String> = trail_actions(s, "training_participant", &a.id.to_string()).await;
        assert_eq!(
            trail.first().map(String::as_str),
            Some("training_participant.create")
        );
        assert_eq!(
            trail
                .iter()
                .filter(|a| *a == "training_attendance.present")
                .count(),
            4,
            "a repeated mark is not logged twice"
        );
        assert!(trail.contains(&"training_participant.scores".to_string()));

        // Certificates: only for who completed; one valid at a time; found by code; revoked with
        // a reason and then found as revoked.
        assert_invalid(
            s.issue_certificate(&system(), b.id).await,
            "crt_Completion",
            "attendance",
        );
        let cert = s.issue_certificate(&system(), a.id).await.unwrap();
        assert_eq!(cert.code.len(), 14);
        assert_duplicate(
            s.issue_certificate(&system(), a.id).await,
            "certificate",
            "",
        );
        let found = s.certificate_by_code(&cert.code).await.unwrap().unwrap();
        assert_eq!((found.id, found.revoked_at), (cert.id, None));
        assert!(
            s.certificate_by_code("AAAA-BBBB-CCCC")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(s.user_certificates(officer_id).await.unwrap().len(), 1);
        assert_invalid(
            s.revoke_certificate(&system(), cert.id, " ").await,
            "crt_RevocationReason",
            "required",
        );
        let revoked = s
            .revoke_certificate(&system(), cert.id, "Attendance sheet found to be forged")
            .await
            .unwrap();
        assert!(revoked.revoked_at.is_some_and(|t| t >= revoked.issued_at));
        assert_eq!(
            revoked.revocation_reason.as_deref(),
            Some("Attendance sheet found to be forged")
        );
        // The record stays, marked, where verification looks it up.
        let looked_up = s.certificate_by_code(&cert.code).await.unwrap().unwrap();
        assert_eq!(
            (looked_up.id, looked_up.revoked_at),
            (cert.id, revoked.revoked_at)
        );
        assert_invalid(
            s.revoke_certificate(&system(), cert.id, "again").await,
            "crt_State",
            "already_revoked",
        );
        let again = s.issue_certificate(&system(), a.id).await.unwrap();
        assert_ne!(again.code, cert.code);
        assert_eq!(s.session_certificates(created.id).await.unwrap().len(), 2);
        let actions: Vec<String> = trail_actions(s, "certificate", &cert.id.to_string()).await;
        assert_eq!(actions, vec!["certificate.issue", "certificate.revoke"]);
        db.finish().await;
    }
);
