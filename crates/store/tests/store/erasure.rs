//! Erasure of a person (issue 13): the data key destroyed, the identity gone from every read,
//! search and history; a legal hold makes it wait and says which cases hold it.

use tabara_core::erasure::{ErasureGround, ErasureOutcome, HoldKind};

use crate::common::*;

store_test!(
    an_erased_person_is_gone_and_a_hold_makes_erasure_wait,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let case = open_case(s, &w, "2026-02-01").await;
        let p = add_person(s, &w, "Bukuru", "Nahimana").await;
        involve_victim(s, case.id, p.id).await;
        let other = add_person(s, &w, "Bukuru", "Nizigiyimana").await;
        let (mut ident, v) = s.read_identity(&system(), p.id).await.unwrap();
        ident.first_name = Some("Butoyi".into());
        s.update_identity(&system(), p.id, v, &ident).await.unwrap();
        let wrapped = person_key_bytes(&db, p.id).await;

        // Under investigation: the erasure waits and names the case.
        let hold = s
            .place_hold(&system(), case.id, HoldKind::Investigation, "PJ 31/2026")
            .await
            .unwrap();
        assert_invalid(
            s.place_hold(&system(), case.id, HoldKind::Court, " ").await,
            "hld_Reference",
            "required",
        );
        let out = s
            .erase_person(&system(), p.id, ErasureGround::SubjectRequest)
            .await
            .unwrap();
        assert_eq!(
            out,
            ErasureOutcome::Waiting {
                held_by: vec![case.reference()]
            }
        );
        let asked = s.erasure_of(p.id).await.unwrap().unwrap();
        assert_eq!(asked.held_by, vec![case.reference()]);
        assert!(asked.erased_at.is_none());
        assert_eq!(s.read_identity(&system(), p.id).await.unwrap().0, ident);
        // The daily job leaves it while the hold stands.
        assert_eq!(s.run_waiting_erasures(&system()).await.unwrap(), 0);

        // The hold lifted: the erasure is carried out at once.
        let (lifted, erased) = s.lift_hold(&system(), hold.id).await.unwrap();
        assert!(lifted.lifted.is_some());
        assert_eq!(erased, 1);
        assert_invalid(
            s.lift_hold(&system(), hold.id).await,
            "hld_Status",
            "already_lifted",
        );
        let holds = s.holds_of_case(case.id).await.unwrap();
        assert_eq!(holds.len(), 1);
        assert!(holds[0].lifted.is_some());
        let done = s.erasure_of(p.id).await.unwrap().unwrap();
        assert!(done.erased_at.is_some() && done.held_by.is_empty());

        // Nothing of the identity opens or is found any more.
        assert_eq!(
            s.read_identity(&system(), p.id).await.unwrap().0,
            PersonIdentity::default()
        );
        assert_eq!(
            s.find_persons_by_name("bukuru", 10).await.unwrap(),
            [other.id]
        );
        let history = s
            .history("person_identity", &p.id.to_string())
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert!(
            history[0]
                .changes
                .as_object()
                .is_none_or(|m| m.values().all(|v| v.is_null())),
            "{:?}",
            history[0].changes
        );
        assert_invalid(
            s.update_identity(&system(), p.id, 2, &ident).await,
            "prs_Identity",
            "erased",
        );
        assert_eq!(
            s.erase_person(&system(), p.id, ErasureGround::SubjectRequest)
                .await
                .unwrap(),
            ErasureOutcome::AlreadyErased
        );
        // The other person is untouched.
        assert_eq!(
            s.read_identity(&system(), other.id)
                .await
                .unwrap()
                .0
                .second_name
                .as_deref(),
            Some("Nizigiyimana")
        );
        // The key's bytes are nowhere in the register (SQLite: file and log).
        if let Some(path) = db.sqlite_path() {
            let mut all = std::fs::read(&path).unwrap();
            let mut wal = path.as_os_str().to_owned();
            wal.push("-wal");
            all.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
            assert!(
                !all.windows(wrapped.len()).any(|w| w == wrapped.as_slice()),
                "the erased person's wrapped key is still in the file"
            );
        }
        let trail: Vec<String> = s
            .audit_trail("person", &p.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        let at = |a: &str| trail.iter().position(|t| t == a);
        assert!(
            at("person.erase_request") < at("person.erase") && at("person.erase").is_some(),
            "{trail:?}"
        );
        assert_verified(s, audit_count(s).await).await;
        let nobody = PersonId::new();
        assert_not_found(
            s.erase_person(&system(), nobody, ErasureGround::SubjectRequest)
                .await,
            "person",
            &nobody.to_string(),
        );
        db.finish().await
    }
);

/// The wrapped data key of a person as stored.
async fn person_key_bytes(db: &TestDb, person: PersonId) -> Vec<u8> {
    use sqlx::Connection as _;
    match db.sqlite_path() {
        Some(path) => {
            let url = format!("sqlite://{}", path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let key = sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
                .bind(person.0)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            key
        }
        None => {
            let mut conn = sqlx::PgConnection::connect(&db.database_arg())
                .await
                .unwrap();
            let key = sqlx::query_scalar("SELECT wrapped FROM person_keys WHERE person_id = $1")
                .bind(person.0)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            key
        }
    }
}
