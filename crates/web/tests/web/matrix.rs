//! The access matrix.

use crate::common::*;

// Every role against every record route, for cases of three different agencies: the page, a
// person of the case, and the API answer exactly as `permissions::decide` says, and identity
// appears only where the role may read it.
store_test!(authorization_matrix_over_http, |db| async move {
    use tabara_core::permissions::{Action, decide, decide_identity};
    let app = start(&db).await;
    let all = db
        .store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await
        .unwrap();
    let mut samples = Vec::new();
    for org in &app.reference.organisations {
        if let Some(c) = all.items.iter().find(|c| c.organisation == org.name) {
            samples.push(c.clone());
        }
        if samples.len() == 3 {
            break;
        }
    }
    assert_eq!(samples.len(), 3);
    // Shares, so that the shared paths are walked too: every sample goes to the prosecution
    // (to read), the first to IOM for editing, the second to IOM to read and comment.
    let orgs = &app.reference.organisations;
    let prosecution = orgs
        .iter()
        .find(|o| o.name.starts_with("Parquet"))
        .unwrap()
        .id;
    let iom = orgs.iter().find(|o| o.name.starts_with("OIM")).unwrap().id;
    for (i, c) in samples.iter().enumerate() {
        let owner = db.store.case(c.id).await.unwrap().organisation_id;
        let system = Actor::system("test");
        db.store
            .share_case(&system, c.id, prosecution, "Transmis au parquet", false)
            .await
            .unwrap();
        if i < 2 && owner != iom {
            db.store
                .share_case(&system, c.id, iom, "Prise en charge", i == 0)
                .await
                .unwrap();
        }
    }
    // One screening (a draft) in each sample case.
    let version = tabara_core::screening::Catalogue::embedded()
        .unwrap()
        .version
        .clone();
    let mut screenings = Vec::new();
    for c in &samples {
        let person = db.store.case_persons(c.id).await.unwrap()[0].person.id;
        let id = tabara_core::ids::ScreeningId::new();
        db.store
            .create_screening(&Actor::system("test"), id, c.id, person, &version)
            .await
            .unwrap();
        screenings.push(id);
    }
    let mut wrong = Vec::new();
    for u in &app.reference.users {
        let mut b = browser(&app);
        assert_eq!(
            b.sign_in(&u.username, DEMO_PASSWORD).await.status,
            303,
            "{}",
            u.username
        );
        let token = api_token(&db, &u.username).await;
        let viewer = u.viewer();
        let create = decide(u.role, Action::CreateCase, None).allowed();
        let new_case = b.get("/cases/new").await.status;
        if new_case != if create { 200 } else { 404 } {
            wrong.push(format!("{} GET /cases/new: {new_case}", u.username));
        }
        for (path, action) in [
            ("/admin/users", Action::ManageUsers),
            ("/admin/users/new", Action::ManageUsers),
            ("/admin/organisations", Action::ManageOrganisations),
            ("/admin/organisations/new", Action::ManageOrganisations),
            ("/training", Action::ManageTraining),
            ("/training/sessions/new", Action::ManageTraining),
            ("/training/reports", Action::ManageTraining),
            ("/training/materials", Action::ManageTraining),
        ] {
            let want = if decide(u.role, action, None).allowed() {
                200
            } else {
                404
            };
            let got = b.get(path).await.status;
            if got != want {
                wrong.push(format!("{} GET {path}: {got}, want {want}", u.username));
            }
        }
        let csrf = Browser::csrf(&b.get("/").await.body);
        for c in &samples {
            let relation = db.store.relation(&viewer, c.id).await.unwrap().unwrap();
            let read = decide(u.role, Action::ReadCase, Some(relation)).allowed();
            let want = if read { 200 } else { 404 };
            let page = b.get(&format!("/cases/{}", c.number)).await.status;
            let person = db.store.case_persons(c.id).await.unwrap()[0].person.id;
            let person_page = b
                .get(&format!("/cases/{}/persons/{person}", c.number))
                .await;
            let api = app
                .http
                .get(format!("{}/api/v1/cases/{}", app.base, c.number))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            for (what, got) in [
                ("page", page),
                ("person page", person_page.status),
                ("api", api),
            ] {
                if got != want {
                    wrong.push(format!(
                        "{} ({}) {what} of {}: {got}, want {want}",
                        u.username, u.role, c.reference
                    ));
                }
            }
            // Record actions: allowed → the page or its form answers; readable but not
            // allowed → 403; out of reach → the same 404 as a missing case.
            let gate = |action: Action, ok: u16| {
                if !read {
                    404
                } else if decide(u.role, action, Some(relation)).allowed() {
                    ok
                } else {
                    403
                }
            };
            let edit = b.get(&format!("/cases/{}/edit", c.number)).await.status;
            let edit_person = b
                .get(&format!("/cases/{}/persons/{person}/edit", c.number))
                .await
                .status;
            let comment = b
                .post(
                    &format!("/cases/{}/comments", c.number),
                    &[("csrf", &csrf), ("body", "matrix check")],
                )
                .await
                .status;
            let share = b
                .post(
                    &format!("/cases/{}/shares", c.number),
                    &[("csrf", &csrf), ("organisation", ""), ("reason", "")],
                )
                .await
                .status;
            let screening = screenings[samples.iter().position(|x| x.id == c.id).unwrap()];
            let screening_page = b.get(&format!("/screenings/{screening}")).await.status;
            let start_screening = b
                .post(
                    &format!("/cases/{}/persons/{person}/screenings", c.number),
                    &[("csrf", &csrf)],
                )
                .await
                .status;
            for (what, got, want) in [
                ("screening", screening_page, if read { 200 } else { 404 }),
                (
                    "start screening",
                    start_screening,
                    gate(Action::EditCase, 303),
                ),
                ("edit", edit, gate(Action::EditCase, 200)),
                // A person's edit form out of the user's rights answers like a missing one.
                (
                    "person edit",
                    edit_person,
                    if read && decide(u.role, Action::EditCase, Some(relation)).allowed() {
                        200
                    } else {
                        404
                    },
                ),
                ("comment", comment, gate(Action::CommentCase, 303)),
                ("share", share, gate(Action::ShareCase, 422)),
            ] {
                if got != want {
                    wrong.push(format!(
                        "{} ({}) {what} of {}: {got}, want {want}",
                        u.username, u.role, c.reference
                    ));
                }
            }
            if read && person_page.body.contains("person-identity-hidden") {
                wrong.push(format!("{} sees a raw key", u.username));
            }
            // Identity by the person's role: the first person of each role of the case, shown
            // and its read audited exactly when `decide_identity` allows it.
            let persons = db.store.case_persons(c.id).await.unwrap();
            let mut roles_seen = Vec::new();
            for cp in &persons {
                let person_role = cp.involvement.role();
                if !read || roles_seen.contains(&person_role) {
                    continue;
                }
                roles_seen.push(person_role);
                let allowed = decide_identity(u.role, relation, person_role).allowed();
                let trail = |db: &TestDb| {
                    let id = cp.person.id.to_string();
                    let store = db.store.clone();
                    async move {
                        store
                            .audit_trail("person", &id)
                            .await
                            .unwrap()
                            .iter()
                            .filter(|e| e.action == "person_identity.read")
                            .count()
                    }
                };
                let reads_before = trail(&db).await;
                let page = b
                    .get(&format!("/cases/{}/persons/{}", c.number, cp.person.id))
                    .await;
                let shows = page.status == 200
                    && !page.body.contains("does not give access to this person");
                let audited = trail(&db).await - reads_before;
                if shows != allowed || audited != usize::from(allowed) {
                    wrong.push(format!(
                        "{} ({}) identity of a {person_role} on {}: shown={shows}, \
                         audited={audited}, allowed={allowed}",
                        u.username, u.role, c.reference
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    db.finish().await;
});
