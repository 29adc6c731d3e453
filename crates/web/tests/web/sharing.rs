//! Cases shared with another agency: reading, commenting, editing when the share says so, identities by role.

use crate::common::*;

store_test!(
    an_officer_cannot_share_another_agencys_case_opened_at_their_post,
    |db| async move {
        let app = start(&db).await;
        let officer = app.user("officer");
        // A case of another agency (IOM, UNICEF, the shelter) opened at the officer's post.
        let case = case_where(&db, &app, "officer", 500, |c| {
            c.office.as_deref() == Some("Poste frontalier de Gatumba")
                && !c.organisation.contains("PAFE")
        })
        .await;
        let prosecution = app.org("Parquet").to_string();
        let mut b = signed_in(&app, "officer").await;
        let path = format!("/cases/{}", case.number);
        let page = b.get(&path).await;
        assert_eq!(page.status, 200, "the officer works on it");
        assert!(!page.body.contains("/shares\""), "no share form");
        let csrf = Browser::csrf(&page.body);
        let audit_before = db.store.stats().await.unwrap().audit_entries;
        let r = share(
            &mut b,
            &csrf,
            &path,
            &prosecution,
            "Transmis au parquet",
            true,
        )
        .await;
        // The officer reads the case: the share is refused (403), not hidden.
        assert_eq!(r.status, 403, "{}", r.body);
        assert!(db.store.case_shares(case.id).await.unwrap().is_empty());
        let entries = db.store.audit_entries(audit_before, 50).await.unwrap();
        assert!(
            entries.iter().all(|e| !e.action.starts_with("case.share")),
            "nothing shared, nothing audited as shared"
        );
        // Their own agency's case at their post they still share.
        let own = case_where(&db, &app, "officer", 500, |c| {
            c.organisation.contains("PAFE")
        })
        .await;
        let own_page = b.get(&format!("/cases/{}", own.number)).await;
        let csrf = Browser::csrf(&own_page.body);
        let r = share(
            &mut b,
            &csrf,
            &format!("/cases/{}", own.number),
            &prosecution,
            "Transmis au parquet",
            false,
        )
        .await;
        assert_eq!(r.status, 303);
        let shares = db.store.case_shares(own.id).await.unwrap();
        assert_eq!(shares.len(), 1);
        assert_eq!(shares[0].shared_by, Actor::user(officer.id).as_str());
        db.finish().await;
    }
);

/// A case of the judicial police with a victim and a suspect, and those two persons.
async fn pj_case_with_victim_and_suspect(
    db: &TestDb,
    app: &App,
) -> (
    tabara_store::CaseSummary,
    tabara_core::ids::PersonId,
    tabara_core::ids::PersonId,
) {
    use tabara_core::records::PersonRole;
    for c in cases_of(db, app, "supervisor", 200).await {
        if c.organisation != "Police Judiciaire (PJ)" {
            continue;
        }
        let persons = db.store.case_persons(c.id).await.unwrap();
        let of = |role| {
            persons
                .iter()
                .find(|p| p.involvement.role() == role)
                .map(|p| p.person.id)
        };
        if let (Some(v), Some(s)) = (of(PersonRole::Victim), of(PersonRole::Suspect)) {
            return (c, v, s);
        }
    }
    panic!("no PJ case with a victim and a suspect");
}

store_test!(
    a_shared_agency_comments_but_edits_only_when_the_share_says_so,
    |db| async move {
        let app = start(&db).await;
        let (case, victim, _) = pj_case_with_victim_and_suspect(&db, &app).await;
        let iom = app.org("OIM").to_string();
        let path = format!("/cases/{}", case.number);
        let mut sup = signed_in(&app, "supervisor").await;
        let page = sup.get(&path).await;
        assert!(page.body.contains("name=\"may_edit\""), "the checkbox");
        let csrf = Browser::csrf(&page.body);
        let r = share(
            &mut sup,
            &csrf,
            &path,
            &iom,
            "Assistance et hébergement",
            false,
        )
        .await;
        assert_eq!(r.status, 303);
        let listed = sup.get(&path).await.body;
        assert!(listed.contains("class=\"share-read-only\""), "{listed}");

        let mut cw = signed_in(&app, "caseworker").await;
        let page = cw.get(&path).await;
        assert_eq!(page.status, 200);
        assert!(
            !page.body.contains(&format!("{path}/edit\"")),
            "no edit link"
        );
        let cw_csrf = Browser::csrf(&page.body);
        let comment = comment(&mut cw, &cw_csrf, &path, "Hébergée au centre OIM").await;
        assert_eq!(comment.status, 303);
        let version_before = db.store.case(case.id).await.unwrap().version;
        assert_eq!(cw.get(&format!("{path}/edit")).await.status, 403);
        let refused = cw
            .post_versioned(
                &format!("{path}/edit"),
                &cw_csrf,
                &version_before.to_string(),
                &[("status", "FollowUp"), ("opened_on", "2026-01-01")],
            )
            .await;
        assert_eq!(refused.status, 403);
        assert_eq!(
            cw.get(&format!("{path}/persons/{victim}/edit"))
                .await
                .status,
            404
        );
        assert_eq!(
            db.store.case(case.id).await.unwrap().version,
            version_before
        );

        // Shared for editing (the checkbox): the caseworker edits.
        // Another PJ case, shared with IOM for editing through the form.
        let other = case_where(&db, &app, "supervisor", 200, |c| {
            c.organisation == "Police Judiciaire (PJ)" && c.id != case.id
        })
        .await;
        let other_path = format!("/cases/{}", other.number);
        let csrf = sup.csrf_of(&other_path).await;
        let r = share(&mut sup, &csrf, &other_path, &iom, "Prise en charge", true).await;
        assert_eq!(r.status, 303);
        let shares = db.store.case_shares(other.id).await.unwrap();
        assert!(shares.iter().any(|s| s.may_edit), "{shares:?}");
        assert!(
            sup.get(&other_path)
                .await
                .body
                .contains("class=\"share-may-edit\"")
        );
        let trail = db
            .store
            .audit_trail("case", &other.id.to_string())
            .await
            .unwrap();
        assert_eq!(trail.last().unwrap().action, "case.share_for_editing");
        let form = cw.get(&format!("{other_path}/edit")).await;
        assert_eq!(form.status, 200);
        let stored = db.store.case(other.id).await.unwrap();
        let saved = cw
            .post(
                &format!("{other_path}/edit"),
                &[
                    ("csrf", &Browser::csrf(&form.body)),
                    ("version", &hidden(&form.body, "version")),
                    ("status", "FollowUp"),
                    ("opened_on", &stored.facts.opened_on.to_string()),
                    (
                        "office",
                        &stored.office_id.map(|o| o.to_string()).unwrap_or_default(),
                    ),
                ],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        assert_eq!(
            db.store.case(other.id).await.unwrap().facts.status,
            tabara_core::htcds::CaseStatus::FollowUp
        );
        db.finish().await;
    }
);

store_test!(
    identity_follows_the_persons_role_on_a_shared_case,
    |db| async move {
        let app = start(&db).await;
        let (case, victim, suspect) = pj_case_with_victim_and_suspect(&db, &app).await;
        let system = Actor::system("test");
        for target in [app.org("OIM"), app.org("Parquet")] {
            db.store
                .share_case(&system, case.id, target, "Transmis", false)
                .await
                .unwrap();
        }
        let name_of = |person| {
            let store = db.store.clone();
            async move {
                store
                    .read_identity(&Actor::system("test"), person)
                    .await
                    .unwrap()
                    .0
                    .display_name()
            }
        };
        let (victim_name, suspect_name) = (name_of(victim).await, name_of(suspect).await);
        let path = format!("/cases/{}", case.number);

        // (user, reads the victim, reads the suspect)
        for (username, reads_victim, reads_suspect) in
            [("caseworker", true, false), ("prosecutor", false, true)]
        {
            let mut b = signed_in(&app, username).await;
            assert_eq!(b.get(&path).await.status, 200, "{username}");
            for (person, name, allowed) in [
                (victim, &victim_name, reads_victim),
                (suspect, &suspect_name, reads_suspect),
            ] {
                let before = identity_reads(&db, person).await;
                let page = b.get(&format!("{path}/persons/{person}")).await;
                assert_eq!(page.status, 200, "{username}");
                let escaped = name.replace('\'', "&#x27;");
                assert_eq!(
                    page.body.contains(&escaped),
                    allowed,
                    "{username} and {name}"
                );
                assert_eq!(
                    page.body.contains("does not give access to this person"),
                    !allowed,
                    "{username}"
                );
                assert_eq!(
                    identity_reads(&db, person).await - before,
                    usize::from(allowed),
                    "{username}: a read is audited exactly when it happens"
                );
            }
            // Neither edits a case shared to read.
            assert_eq!(
                b.get(&format!("{path}/persons/{suspect}/edit"))
                    .await
                    .status,
                404,
                "{username}"
            );
            // The name search finds the case only through a person the user may read.
            let search = |name: &str| {
                let q = name.to_lowercase().replace(' ', "+");
                format!("/cases?q={q}")
            };
            let by_victim = b.get(&search(&victim_name)).await.body;
            let by_suspect = b.get(&search(&suspect_name)).await.body;
            let found = |body: &str| body.contains(&format!(">{}<", case.reference));
            assert_eq!(found(&by_victim), reads_victim, "{username} by victim");
            assert_eq!(found(&by_suspect), reads_suspect, "{username} by suspect");
        }
        db.finish().await;
    }
);

store_test!(
    a_share_reason_with_a_control_character_is_refused,
    |db| async move {
        let app = start(&db).await;
        let case = case_where(&db, &app, "supervisor", 50, |c| {
            c.organisation == "Police Judiciaire (PJ)"
        })
        .await;
        let iom = app.org("OIM").to_string();
        let mut b = signed_in(&app, "supervisor").await;
        let path = format!("/cases/{}", case.number);
        let csrf = b.csrf_of(&path).await;
        let before = db.store.case_shares(case.id).await.unwrap().len();
        let r = share(&mut b, &csrf, &path, &iom, "r\u{0}", false).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains("control character"), "{}", r.body);
        assert_eq!(db.store.case_shares(case.id).await.unwrap().len(), before);
        db.finish().await;
    }
);
