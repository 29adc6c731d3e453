//! Offline field capture (issue 16): devices issued and revoked, found by token or login;
//! a submission kept once by its instance id whoever posts it and however often, claimed by one
//! worker, its XML and attachments sealed in the register.

use tabara_core::fieldforms::Instance;
use tabara_core::ids::UserId;
use tabara_store::NewUser;
use tabara_store::field::{NewSubmission, Outcome, Received, SubmissionState};

use crate::common::*;

async fn officer(s: &Store, w: &World) -> tabara_store::User {
    let id = UserId::new();
    s.create_user(
        &system(),
        &NewUser {
            id,
            username: format!("officer.{}", id.0.simple()),
            display_name: "Agent de terrain".into(),
            role: tabara_core::Role::Officer,
            organisation_id: w.org.id,
            office_id: Some(w.office.id),
            password_hash: tabara_core::password::hash_password("field-officer-2026"),
        },
    )
    .await
    .unwrap();
    s.user(id).await.unwrap()
}

/// The register as a copy of it reads (see `common::raw_register`).
async fn raw(db: &TestDb) -> String {
    crate::common::raw_register(
        db,
        &["field_devices", "field_submissions", "field_attachments"],
    )
    .await
}

fn xml(instance: &str, name: &str) -> String {
    format!(
        "<data id=\"tabara_intake\" version=\"v1\"><person><first_name>{name}</first_name></person><meta><instanceID>{instance}</instanceID></meta></data>"
    )
}

store_test!(
    a_device_is_found_by_token_and_login_until_revoked,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let u = officer(s, &w).await;
        let issued = s
            .issue_field_device(&system(), w.org.id, u.id, "Poste de Ruhwa, téléphone 2")
            .await
            .unwrap();
        let (d, user) = s
            .field_device_by_token(&issued.token)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((d.id, user.id), (issued.device.id, u.id));
        assert!(d.last_seen_at.is_none());
        let (_, _, secret) = s
            .field_device_by_login(&issued.device.login)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(secret, issued.token);
        assert!(
            s.field_device_by_token("not-a-token")
                .await
                .unwrap()
                .is_none()
        );
        let listed = s.field_devices(w.org.id).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(listed[0].last_seen_at.is_some());
        // The token itself is nowhere in the register.
        let copy = raw(&db).await;
        assert!(!copy.contains(&issued.token.to_lowercase()));

        s.revoke_field_device(&system(), issued.device.id)
            .await
            .unwrap();
        assert!(
            s.field_device_by_token(&issued.token)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            s.field_device_by_login(&issued.device.login)
                .await
                .unwrap()
                .is_none()
        );
        assert_invalid(
            s.revoke_field_device(&system(), issued.device.id).await,
            "dev_State",
            "revoked",
        );
        assert_invalid(
            s.issue_field_device(&system(), w.org.id, u.id, " ").await,
            "dev_Label",
            "required",
        );
    }
);

store_test!(
    one_instance_is_kept_once_from_many_posts_at_once_and_claimed_once,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let u = officer(s, &w).await;
        let id = format!("uuid:{}", uuid::Uuid::now_v7());
        let text = xml(&id, "Ndayishimiye");
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (s, u, text) = (s.clone(), u.clone(), text.clone());
            tasks.push(tokio::spawn(async move {
                let instance = Instance::parse(text.as_bytes()).unwrap();
                s.receive_submission(
                    &system(),
                    NewSubmission {
                        instance: &instance,
                        xml: text.as_bytes(),
                        user: &u,
                        device_id: None,
                    },
                )
                .await
                .unwrap()
            }));
        }
        let mut new = 0;
        let mut kept = None;
        for t in tasks {
            match t.await.unwrap() {
                Received::New(k) => {
                    new += 1;
                    kept = Some(k);
                }
                Received::Same(_) => {}
                Received::Different(_) => panic!("the same bytes are the same instance"),
            }
        }
        assert_eq!(new, 1);
        let kept = kept.unwrap();
        assert_eq!(kept.state, SubmissionState::Received);
        // Another instance under the same id is told apart.
        let other = xml(&id, "Angèle");
        let instance = Instance::parse(other.as_bytes()).unwrap();
        let r = s
            .receive_submission(
                &system(),
                NewSubmission {
                    instance: &instance,
                    xml: other.as_bytes(),
                    user: &u,
                    device_id: None,
                },
            )
            .await
            .unwrap();
        assert!(matches!(r, Received::Different(_)));

        // One claim wins; the planned ids stay the same when a claim is taken again.
        let claimed = s.claim_submission(kept.id).await.unwrap().unwrap();
        assert!(s.claim_submission(kept.id).await.unwrap().is_none());
        assert!(claimed.case_id.is_some() && claimed.person_id.is_some());
        let done = s
            .finish_submission(&system(), kept.id, &Outcome::Accepted)
            .await
            .unwrap();
        assert_eq!(done.state, SubmissionState::Accepted);
        assert_eq!(done.case_id, claimed.case_id);
        assert!(s.claim_submission(kept.id).await.unwrap().is_none());
        assert!(
            s.finish_submission(&system(), kept.id, &Outcome::Accepted)
                .await
                .is_err()
        );

        // Sealed: the name is not in the register's bytes; read back whole.
        let copy = raw(&db).await;
        assert!(!copy.contains("ndayishimiye"));
        assert_eq!(
            s.field_submission_xml(&system(), kept.id).await.unwrap(),
            text.as_bytes()
        );
        // An attachment is kept once by name.
        let photo = b"\xFF\xD8\xFF\xE0 a photo of a passport page";
        assert!(
            s.add_field_attachment(&system(), kept.id, "p.jpg", "image/jpeg", photo)
                .await
                .unwrap()
        );
        assert!(
            !s.add_field_attachment(&system(), kept.id, "p.jpg", "image/jpeg", photo)
                .await
                .unwrap()
        );
        assert_eq!(
            s.field_attachment_bytes(kept.id, "p.jpg").await.unwrap(),
            photo
        );
        assert!(!raw(&db).await.contains("a photo of a passport page"));
        let listed = s.field_submissions(w.org.id, None, 10).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert!(
            s.field_submissions(w.org.id, Some(SubmissionState::Invalid), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

store_test!(
    erasing_the_person_empties_what_phones_sent_about_them,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let u = officer(s, &w).await;
        let case = open_case(s, &w, "2026-03-02").await;
        let p = add_person(s, &w, "Nduwimana", "Claudette").await;
        involve_victim(s, case.id, p.id).await;
        let id = format!("uuid:{}", uuid::Uuid::now_v7());
        let text = xml(&id, "Nduwimana");
        let instance = Instance::parse(text.as_bytes()).unwrap();
        let Received::New(kept) = s
            .receive_submission(
                &system(),
                NewSubmission {
                    instance: &instance,
                    xml: text.as_bytes(),
                    user: &u,
                    device_id: None,
                },
            )
            .await
            .unwrap()
        else {
            panic!("new");
        };
        s.claim_submission(kept.id).await.unwrap().unwrap();
        s.set_submission_subject(kept.id, case.id, p.id)
            .await
            .unwrap();
        s.add_field_attachment(
            &system(),
            kept.id,
            "p.jpg",
            "image/jpeg",
            b"\xFF\xD8\xFF page",
        )
        .await
        .unwrap();
        s.finish_submission(&system(), kept.id, &Outcome::Accepted)
            .await
            .unwrap();
        s.erase_person(
            &system(),
            p.id,
            tabara_core::erasure::ErasureGround::SubjectRequest,
        )
        .await
        .unwrap();
        assert!(
            s.field_submission_xml(&system(), kept.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(s.field_attachments(kept.id).await.unwrap().is_empty());
        assert!(!raw(&db).await.contains("nduwimana"));
    }
);
