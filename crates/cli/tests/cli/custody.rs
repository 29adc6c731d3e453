//! `custody list [--overdue]`: everyone in custody with the time left, the overdue first, for a
//! duty officer's script; no identity printed.

use chrono::{Duration, Utc};
use tabara_core::htcds::{Gender, OrgType, RoleInProcess};
use tabara_core::ids::*;
use tabara_core::investigation::CustodyForm;
use tabara_core::records::*;
use tabara_core::{Country, Role};
use tabara_store::{Actor, NewCase, NewUser, store_test};

use crate::common::*;

store_test!(
    custody_list_shows_time_left_and_the_overdue,
    |db| async move {
        let s = &db.store;
        let sys = Actor::system("test");
        let org = Organisation {
            id: OrganisationId::new(),
            name: "Police judiciaire".into(),
            org_type: OrgType::LawEnforcement,
            street: None,
            city: None,
            province: None,
            country: Some(Country::BI),
            phone: None,
            version: 1,
        };
        s.create_organisation(&sys, &org).await.unwrap();
        let lead = UserId::new();
        s.create_user(
            &sys,
            &NewUser {
                id: lead,
                username: "opj.test".into(),
                display_name: "OPJ de test".into(),
                role: Role::Investigator,
                organisation_id: org.id,
                office_id: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
        )
        .await
        .unwrap();
        let case = s
            .create_case(
                &sys,
                &NewCase {
                    id: CaseId::new(),
                    organisation_id: org.id,
                    office_id: None,
                    owner_id: None,
                    facts: CaseFacts::opened(Utc::now().date_naive()),
                },
            )
            .await
            .unwrap();
        let inv = s
            .open_investigation(&sys, case.id, lead, None)
            .await
            .unwrap();
        let mut people = Vec::new();
        for (name, started) in [
            ("Bizimana", Duration::days(8)),
            ("Ndikumana", Duration::hours(20)),
        ] {
            let p = Person {
                id: PersonId::new(),
                organisation_id: org.id,
                facts: PersonFacts {
                    gender: Gender::Masculine,
                    age_at_registration: Some(35),
                    age_uncertain: false,
                    citizenship: vec![Country::BI],
                    marital_status: None,
                    number_of_children: None,
                    primary_language: None,
                    secondary_language: None,
                    education: None,
                    deceased: false,
                    registered_on: Utc::now().date_naive(),
                },
                version: 1,
            };
            let identity = PersonIdentity {
                second_name: Some(name.into()),
                ..Default::default()
            };
            s.create_person(&sys, &p, &identity).await.unwrap();
            s.add_case_person(
                &sys,
                case.id,
                p.id,
                &Involvement::Suspect(PerpetratorContext {
                    roles: [RoleInProcess::Exploiter].into_iter().collect(),
                    role_details: None,
                    organisation_id: None,
                }),
            )
            .await
            .unwrap();
            let form = CustodyForm {
                started_at: Utc::now() - started,
                place: "Cachot de la PJ".into(),
                legal_basis: "Flagrant délit".into(),
            };
            let c = s.start_custody(&sys, inv.id, p.id, &form).await.unwrap();
            people.push((name, c.id));
        }
        let all = ok(&tabara(&db, &["custody", "list"]));
        let lines: Vec<&str> = all.lines().collect();
        assert_eq!(lines.len(), 2, "{all}");
        // The overdue first (the soonest deadline), with how long; then the time left.
        assert!(
            lines[0].contains(&people[0].1.to_string()) && lines[0].contains("OVERDUE by 24 h"),
            "{all}"
        );
        assert!(
            lines[1].contains(&people[1].1.to_string())
                && (lines[1].contains("147 h 59 min left")
                    || lines[1].contains("148 h 00 min left")),
            "{all}"
        );
        assert!(
            lines[1].contains("CAT"),
            "the deadline in Bujumbura time: {all}"
        );
        for (name, _) in &people {
            assert!(!all.contains(name), "no identity: {all}");
        }
        let overdue = ok(&tabara(&db, &["custody", "list", "--overdue"]));
        assert_eq!(overdue.lines().count(), 1, "{overdue}");
        let json: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "custody", "list", "--overdue"],
        )))
        .unwrap();
        assert_eq!(json[0]["overdue"], true);
        assert_eq!(json[0]["custody"], people[0].1.to_string());
        let fr = command(&db, &["custody", "list", "--overdue"])
            .env("TABARA_LANG", "fr")
            .output()
            .unwrap();
        assert!(ok(&fr).contains("DÉPASSÉ de 24 h"));
    }
);
