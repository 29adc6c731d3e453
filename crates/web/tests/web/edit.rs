//! Editing cases and persons, comments and shares posted from the case page.

use crate::common::*;

store_test!(
    editing_a_case_with_validation_and_conflicts,
    |db| async move {
        let app = start(&db).await;
        let case = case_where(&db, &app, "supervisor", 50, |c| {
            c.status == tabara_core::htcds::CaseStatus::Active
        })
        .await;
        let mut b = signed_in(&app, "supervisor").await;
        let form = b.get(&format!("/cases/{}/edit", case.number)).await;
        assert_eq!(form.status, 200);
        let csrf = Browser::csrf(&form.body);
        let version = hidden(&form.body, "version");
        let stored = db.store.case(case.id).await.unwrap();
        assert_eq!(version, stored.version.to_string());
        let opened = stored.facts.opened_on.to_string();
        let path = format!("/cases/{}/edit", case.number);

        // Closed without a closing date, and a malformed opening date: both errors at their field,
        // the typed values kept, nothing stored.
        let bad = b
            .post_versioned(
                &path,
                &csrf,
                &version,
                &[
                    ("status", "Closed"),
                    ("opened_on", "23/11/2026"),
                    ("closed_on", ""),
                    ("closure_reason", "Victim returned home"),
                    ("office", ""),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"err-cas_OpenedOn\""), "{}", bad.body);
        assert!(bad.body.contains("value=\"23/11/2026\""));
        assert!(bad.body.contains("Victim returned home"));
        let bad2 = b
            .post_versioned(
                &path,
                &csrf,
                &version,
                &[
                    ("status", "Closed"),
                    ("opened_on", &opened),
                    ("closed_on", ""),
                ],
            )
            .await;
        assert_eq!(bad2.status, 422);
        assert!(bad2.body.contains("id=\"err-cas_ClosedOn\""));
        assert!(bad2.body.contains("A closed case needs a closing date"));
        assert_eq!(
            db.store.case(case.id).await.unwrap().version,
            stored.version
        );

        // A forged token changes nothing.
        let forged = b
            .post_versioned(&path, "x", &version, &[("status", "Closed")])
            .await;
        assert_eq!(forged.status, 403);

        // Someone else saves first: the change based on the old version is refused, the form keeps
        // what this user typed and shows what is stored now, and a second save goes through.
        let mut other = stored.clone();
        other.facts.status = tabara_core::htcds::CaseStatus::FollowUp;
        db.store
            .update_case(&Actor::system("colleague"), &other)
            .await
            .unwrap();
        let today = chrono::Utc::now().date_naive().to_string();
        let fields = |v: &str| {
            vec![
                ("csrf".to_string(), csrf.clone()),
                ("version".to_string(), v.to_string()),
                ("status".to_string(), "Closed".to_string()),
                ("opened_on".to_string(), opened.clone()),
                ("closed_on".to_string(), today.clone()),
                (
                    "closure_reason".to_string(),
                    "Returned to family".to_string(),
                ),
                (
                    "office".to_string(),
                    stored.office_id.map(|o| o.to_string()).unwrap_or_default(),
                ),
            ]
        };
        let f = fields(&version);
        let conflict = b.post_fields(&path, &f).await;
        assert_eq!(conflict.status, 422);
        assert!(conflict.body.contains("id=\"form-conflict\""));
        assert!(conflict.body.contains("Follow Up"), "stored status shown");
        assert!(
            conflict.body.contains("Returned to family"),
            "typed text kept"
        );
        let new_version = hidden(&conflict.body, "version");
        assert_eq!(new_version, (stored.version + 1).to_string());
        let f = fields(&new_version);
        let saved = b.post_fields(&path, &f).await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let after = db.store.case(case.id).await.unwrap();
        assert_eq!(after.facts.status, tabara_core::htcds::CaseStatus::Closed);
        assert_eq!(
            after.facts.closure_reason.as_deref(),
            Some("Returned to family")
        );
        assert_eq!(after.version, stored.version + 2);
        let trail = db
            .store
            .audit_trail("case", &case.id.to_string())
            .await
            .unwrap();
        let supervisor = app.user("supervisor");
        assert!(
            trail.iter().any(
                |e| e.action == "case.update" && e.actor == Actor::user(supervisor.id).as_str()
            )
        );
        let page = b.get(&format!("/cases/{}", case.number)).await;
        assert!(
            page.body.contains("Returned to family"),
            "history shows the change"
        );

        // Assigning the case to oneself puts it under "my cases" on the dashboard.
        let form = b.get(&path).await;
        let v = hidden(&form.body, "version");
        let mut f = fields(&v);
        f.push(("owner".to_string(), supervisor.id.to_string()));
        assert_eq!(b.post_fields(&path, &f).await.status, 303);
        assert_eq!(
            db.store.case(case.id).await.unwrap().owner_id,
            Some(supervisor.id)
        );
        let home = b.get("/").await.body;
        let mine = home.split("Newest cases you can see").next().unwrap();
        assert!(mine.contains(&case.reference), "{home}");

        db.finish().await;
    }
);

store_test!(
    editing_a_person_changes_facts_and_identity_together,
    |db| async move {
        let app = start(&db).await;
        let case = cases_of(&db, &app, "investigator", 1).await.remove(0);
        let person = db.store.case_persons(case.id).await.unwrap()[0]
            .person
            .clone();
        let mut b = signed_in(&app, "investigator").await;
        let path = format!("/cases/{}/persons/{}/edit", case.number, person.id);
        let reads_before = trail(&db, "person", &person.id.to_string()).await.len();
        let form = b.get(&path).await;
        assert_eq!(form.status, 200);
        let reads_after = db
            .store
            .audit_trail("person", &person.id.to_string())
            .await
            .unwrap();
        assert_eq!(
            reads_after.len(),
            reads_before + 1,
            "opening the form reads the identity: audited"
        );
        assert_eq!(reads_after.last().unwrap().action, "person_identity.read");
        let csrf = Browser::csrf(&form.body);
        let fv = hidden(&form.body, "facts_version");
        let iv = hidden(&form.body, "identity_version");
        let gender = person.facts.gender.as_str();
        let versions = [
            ("csrf", csrf.as_str()),
            ("facts_version", &fv),
            ("identity_version", &iv),
        ];

        let bad = b
            .post_with(
                &path,
                &versions,
                &[
                    ("first_name", "Aline"),
                    ("second_name", "Ndayishimiye"),
                    ("gender", gender),
                    ("citizenship", "BI, XX"),
                    ("mobile_phone", "079 12"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("id=\"err-prs_Citizenship\""));
        assert!(bad.body.contains("id=\"err-prs_MobilePhone\""));
        assert!(bad.body.contains("value=\"BI, XX\""));
        let good = b
            .post_with(
                &path,
                &versions,
                &[
                    ("first_name", "Aline"),
                    ("second_name", "Ndayishimiye"),
                    ("gender", gender),
                    ("citizenship", "BI, TZ"),
                    ("mobile_phone", "+25779123456"),
                    ("primary_language", "rn"),
                ],
            )
            .await;
        assert_eq!(good.status, 303, "{}", good.body);
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), person.id)
            .await
            .unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Aline"));
        assert_eq!(identity.mobile_phone.as_deref(), Some("+25779123456"));
        let facts = db.store.person(person.id).await.unwrap();
        assert_eq!(facts.facts.citizenship.len(), 2);
        assert_eq!(facts.facts.registered_on, person.facts.registered_on);
        assert!(
            db.store
                .find_persons_by_name("aline ndayishimiye", 10)
                .await
                .unwrap()
                .contains(&person.id)
        );

        // The same form again, based on the old versions: refused as a whole, nothing half-saved.
        let stale = b
            .post_with(
                &path,
                &versions,
                &[("first_name", "Other"), ("gender", gender)],
            )
            .await;
        assert_eq!(stale.status, 422);
        assert!(stale.body.contains("id=\"form-conflict\""));
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), person.id)
            .await
            .unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Aline"));
        db.finish().await;
    }
);

store_test!(comments_and_shares_from_the_case_page, |db| async move {
    let app = start(&db).await;
    // A case of the judicial police that the IOM caseworker cannot see yet.
    let case = case_where(&db, &app, "supervisor", 50, |c| {
        c.organisation == "Police Judiciaire (PJ)"
    })
    .await;
    let mut caseworker = signed_in(&app, "caseworker").await;
    let page_path = format!("/cases/{}", case.number);
    assert_eq!(caseworker.get(&page_path).await.status, 404);

    let mut b = signed_in(&app, "supervisor").await;
    let page = b.get(&page_path).await;
    let csrf = Browser::csrf(&page.body);
    let empty = comment(&mut b, &csrf, &page_path, "  ").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"err-comment\""));
    let ok = comment(&mut b, &csrf, &page_path, "Victim moved to the IOM shelter").await;
    assert_eq!(ok.status, 303);
    assert!(
        b.get(&page_path)
            .await
            .body
            .contains("Victim moved to the IOM shelter")
    );

    let iom = app
        .reference
        .organisations
        .iter()
        .find(|o| o.name.starts_with("OIM"))
        .unwrap();
    let iom_id = iom.id.to_string();
    let no_reason = share(&mut b, &csrf, &page_path, &iom_id, "", false).await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("id=\"err-share\""));
    assert_eq!(caseworker.get(&page_path).await.status, 404);
    let shared = share(
        &mut b,
        &csrf,
        &page_path,
        &iom_id,
        "Assistance and shelter",
        false,
    )
    .await;
    assert_eq!(shared.status, 303);
    let seen = caseworker.get(&page_path).await;
    assert_eq!(
        seen.status, 200,
        "shared with IOM: the caseworker now reads it"
    );
    assert!(seen.body.contains("Assistance and shelter"));
    let again = share(&mut b, &csrf, &page_path, &iom_id, "again", false).await;
    assert_eq!(again.status, 422);
    db.finish().await;
});

store_test!(
    a_person_whose_identity_is_hidden_has_only_facts_to_edit,
    |db| async move {
        use tabara_core::records::PersonRole;
        let app = start(&db).await;
        // A case of the caseworker's own agency with a suspect: they edit it, but read only
        // the victims' identities.
        let mut found = None;
        for c in cases_of(&db, &app, "caseworker", 200).await {
            if !c.organisation.starts_with("OIM") {
                continue;
            }
            let persons = db.store.case_persons(c.id).await.unwrap();
            if let Some(p) = persons
                .iter()
                .find(|p| p.involvement.role() == PersonRole::Suspect)
            {
                found = Some((c, p.person.clone()));
                break;
            }
        }
        let (case, suspect) = found.expect("an IOM case with a suspect");
        let (identity_before, identity_version) = db
            .store
            .read_identity(&Actor::system("test"), suspect.id)
            .await
            .unwrap();
        let reads = identity_reads(&db, suspect.id).await;
        let mut b = signed_in(&app, "caseworker").await;
        let path = format!("/cases/{}/persons/{}/edit", case.number, suspect.id);
        let form = b.get(&path).await;
        assert_eq!(form.status, 200);
        assert!(form.body.contains("id=\"identity-not-editable\""));
        assert!(!form.body.contains("name=\"first_name\""));
        let first = identity_before.first_name.clone().unwrap();
        assert!(!form.body.contains(&first), "no name on the form");
        assert_eq!(
            identity_reads(&db, suspect.id).await,
            reads,
            "no identity read"
        );
        // A crafted identity field is ignored; the facts are saved.
        let saved = b
            .post(
                &path,
                &[
                    ("csrf", &Browser::csrf(&form.body)),
                    ("facts_version", &hidden(&form.body, "facts_version")),
                    ("identity_version", &identity_version.to_string()),
                    ("first_name", "Forged"),
                    ("gender", suspect.facts.gender.as_str()),
                    ("age", "44"),
                    ("citizenship", "BI, TZ"),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let facts = db.store.person(suspect.id).await.unwrap();
        assert_eq!(facts.facts.age_at_registration, Some(44));
        assert_eq!(facts.version, suspect.version + 1);
        let (identity_after, version_after) = db
            .store
            .read_identity(&Actor::system("test"), suspect.id)
            .await
            .unwrap();
        assert_eq!(
            (identity_after, version_after),
            (identity_before, identity_version),
            "identity untouched"
        );
        // The system reads above are the only ones.
        assert_eq!(identity_reads(&db, suspect.id).await, reads + 1);
        db.finish().await;
    }
);
