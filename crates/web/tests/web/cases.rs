//! The case list and page under need-to-know, the name search, the case history in words.

use crate::common::*;

store_test!(need_to_know_on_pages, |db| async move {
    let app = start(&db).await;
    let officer = app
        .reference
        .users
        .iter()
        .find(|u| u.role == Role::Officer)
        .unwrap()
        .clone();
    let mut b = browser(&app);
    let r = b.sign_in("officer", DEMO_PASSWORD).await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/")));
    assert!(b.cookies.contains_key("tabara_session"));

    // The list shows exactly the cases the rules let the officer see.
    let visible = cases_of(&db, &app, &officer.username, 25).await;
    assert!(!visible.is_empty());
    let list = b.get("/cases").await;
    assert_eq!(list.status, 200);
    for c in &visible {
        assert!(list.body.contains(&c.reference), "{} missing", c.reference);
    }
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
    let hidden = all
        .items
        .iter()
        .find(|c| {
            !visible.iter().any(|v| v.id == c.id)
                && c.office.as_deref() != Some("Poste frontalier de Gatumba")
        })
        .unwrap();
    assert!(!list.body.contains(&format!(">{}<", hidden.reference)));

    // Another office's case answers like a missing one.
    let denied = b.get(&format!("/cases/{}", hidden.number)).await;
    let missing = b.get("/cases/999999").await;
    assert_eq!((denied.status, missing.status), (404, 404));
    assert_eq!(
        denied.body, missing.body,
        "a denied case must look exactly like a missing one"
    );

    // Opening a person's identity is audited, naming the user and the person.
    let case = &visible[0];
    let page = b.get(&format!("/cases/{}", case.number)).await;
    assert_eq!(page.status, 200);
    let persons = db.store.case_persons(case.id).await.unwrap();
    let person = &persons[0].person;
    let before = trail(&db, "person", &person.id.to_string()).await.len();
    let p = b
        .get(&format!("/cases/{}/persons/{}", case.number, person.id))
        .await;
    assert_eq!(p.status, 200);
    let trail = db
        .store
        .audit_trail("person", &person.id.to_string())
        .await
        .unwrap();
    assert_eq!(trail.len(), before + 1);
    let last = trail.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.actor.as_str()),
        ("person_identity.read", Actor::user(officer.id).as_str())
    );

    // Sign-out needs the session's token, then ends the session.
    assert_eq!(b.post("/signout", &[("csrf", "forged")]).await.status, 403);
    let home = b.get("/").await;
    let csrf = Browser::csrf(&home.body);
    assert_eq!(b.post("/signout", &[("csrf", &csrf)]).await.status, 303);
    assert_eq!(b.get("/cases").await.status, 303);
    db.finish().await;
});

store_test!(roles_without_case_access_see_none, |db| async move {
    let app = start(&db).await;
    for name in ["admin", "analyst", "trainer", "legalaid"] {
        let mut b = browser(&app);
        assert_eq!(b.sign_in(name, DEMO_PASSWORD).await.status, 303, "{name}");
        let home = b.get("/").await;
        assert!(
            home.body
                .contains("Your role does not give access to case records."),
            "{name}"
        );
        let list = b.get("/cases").await;
        assert!(list.body.contains("No cases match"), "{name}");
        assert_eq!(b.get("/cases/1").await.status, 404, "{name}");
    }
    db.finish().await;
});

store_test!(searching_cases_by_a_persons_name, |db| async move {
    let app = start(&db).await;
    let supervisor = app.user("supervisor").clone();
    let case = &cases_of(&db, &app, "supervisor", 5).await[0];
    let person = db.store.case_persons(case.id).await.unwrap()[0].person.id;
    let (identity, _) = db
        .store
        .read_identity(&Actor::system("test"), person)
        .await
        .unwrap();
    let surname = identity.second_name.unwrap();
    let query = format!("{} {}", identity.first_name.unwrap(), &surname[..3]).to_lowercase();

    let mut b = signed_in(&app, "supervisor").await;
    let events_before = db.store.stats().await.unwrap().audit_entries;
    let r = b
        .get(&format!("/cases?q={}", query.replace(' ', "+")))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains(&case.reference),
        "{} not found by '{query}'",
        case.reference
    );
    assert!(
        r.body.contains(&format!("value=\"{query}\"")),
        "query kept in the form"
    );
    let trail = db.store.audit_entries(events_before, 10).await.unwrap();
    assert!(
        trail.iter().any(|e| e.action == "person_identity.search"
            && e.actor == Actor::user(supervisor.id).as_str())
    );
    assert!(
        trail.iter().all(|e| !e.record_id.contains(&surname)),
        "the searched name is never in the log"
    );
    let none = b.get("/cases?q=zzzz-nobody").await;
    assert!(none.body.contains("No cases match"));

    // Roles without identity access get no search box, and a crafted query is ignored.
    let mut analyst = signed_in(&app, "analyst").await;
    let page = analyst
        .get(&format!("/cases?q={}", query.replace(' ', "+")))
        .await;
    assert!(!page.body.contains("id=\"q\""));
    db.finish().await;
});

/// Whether the text holds something shaped like a UUID (8-4-4-4-12 hexadecimal digits).
fn has_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(36).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
    })
}

/// The part of a page from the heading `title` to the next heading of the same level.
fn section<'a>(body: &'a str, title: &str) -> &'a str {
    let start = body
        .find(&format!("<h2>{title}</h2>"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &body[start + 4..];
    let end = rest.find("<h2>").unwrap_or(rest.len());
    &rest[..end]
}

store_test!(the_case_page_tells_its_history_in_words, |db| async move {
    let app = start(&db).await;
    let case = case_where(&db, &app, "supervisor", 50, |c| {
        c.status == tabara_core::htcds::CaseStatus::Active
    })
    .await;
    let supervisor = app.user("supervisor");
    let mut b = signed_in(&app, "supervisor").await;
    let path = format!("/cases/{}/edit", case.number);
    let form = b.get(&path).await;
    let stored = db.store.case(case.id).await.unwrap();
    let office = stored.office_id.map(|o| o.to_string()).unwrap_or_default();
    let saved = b
        .post(
            &path,
            &[
                ("csrf", &Browser::csrf(&form.body)),
                ("version", &hidden(&form.body, "version")),
                ("status", "FollowUp"),
                ("opened_on", &stored.facts.opened_on.to_string()),
                ("closed_on", ""),
                ("office", &office),
                ("owner", &supervisor.id.to_string()),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = b.get(&format!("/cases/{}", case.number)).await;
    let csrf = Browser::csrf(&page.body);
    let commented = comment(
        &mut b,
        &csrf,
        &format!("/cases/{}", case.number),
        "Met the family at the post.",
    )
    .await;
    assert_eq!(commented.status, 303, "{}", commented.body);

    let page = b.get(&format!("/cases/{}", case.number)).await.body;
    let history = section(&page, "History of changes");
    assert!(history.contains("Status: Active → Follow Up"), "{history}");
    assert!(
        history.contains(&format!("Assigned to: – → {}", supervisor.display_name)),
        "{history}"
    );
    assert!(history.contains(&supervisor.display_name), "{history}");
    assert!(
        !history.contains('{') && !history.contains('}'),
        "{history}"
    );
    assert!(!has_uuid(history), "{history}");
    let comments = section(&page, "Comments");
    assert!(
        comments.contains("Met the family at the post."),
        "{comments}"
    );
    assert!(comments.contains(&supervisor.display_name), "{comments}");
    assert!(!has_uuid(comments), "{comments}");
    let audit = section(&page, "Audit trail");
    assert!(
        audit.contains("case changed") && audit.contains(&supervisor.display_name),
        "{audit}"
    );
    assert!(!has_uuid(audit), "{audit}");
    assert!(!page.contains(">Version<"), "no raw version shown");
    // One date format: the page's dates are written the English way, times in UTC.
    let today = chrono::Utc::now().date_naive();
    let written = format!(
        "{} {} {}",
        chrono::Datelike::day(&today),
        today.format("%b"),
        chrono::Datelike::year(&today)
    );
    assert!(
        history.contains(&written) && comments.contains(&written),
        "{history}"
    );
    assert!(!has_iso_date(history) && !has_iso_date(comments) && !has_iso_date(audit));
    db.finish().await
});

/// Whether the text holds a date written `YYYY-MM-DD`.
fn has_iso_date(text: &str) -> bool {
    text.as_bytes().windows(10).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
    })
}

store_test!(
    the_case_history_tells_changes_of_a_persons_involvement,
    |db| async move {
        use tabara_core::htcds::{ExploitationType, TraffickingStatus};
        use tabara_core::records::Involvement;
        let app = start(&db).await;
        let case = cases_of(&db, &app, "supervisor", 1).await.remove(0);
        let persons = db.store.case_persons(case.id).await.unwrap();
        let (index, victim) = persons
            .iter()
            .enumerate()
            .find(|(_, p)| matches!(p.involvement, Involvement::Victim(_)))
            .unwrap();
        let Involvement::Victim(mut context) = victim.involvement.clone() else {
            unreachable!()
        };
        use tabara_core::Picklist;
        let status = *TraffickingStatus::ALL
            .iter()
            .find(|s| context.trafficking_status != Some(**s))
            .unwrap();
        context.trafficking_status = Some(status);
        context
            .exploitation_types
            .insert(ExploitationType::ForcedMarriage);
        let supervisor = app.user("supervisor");
        db.store
            .update_case_person(
                &Actor::user(supervisor.id),
                case.id,
                victim.person.id,
                victim.version,
                &Involvement::Victim(context),
            )
            .await
            .unwrap();
        let mut b = signed_in(&app, "supervisor").await;
        let page = b.get(&format!("/cases/{}", case.number)).await;
        assert_eq!(page.status, 200);
        let history = page
            .body
            .split("id=\"history\"")
            .nth(1)
            .expect("a history list");
        let history = history.split("</ul></li></ul>").next().unwrap();
        assert!(
            history.contains(&format!("person {} (Victim)", index + 1)),
            "{history}"
        );
        assert!(history.contains("Trafficking status:"), "{history}");
        assert!(
            history.contains(status.label(tabara_core::Lang::En)),
            "{history}"
        );
        assert!(history.contains("Forced marriage"), "{history}");
        assert!(history.contains(&supervisor.display_name), "{history}");
        assert!(!history.contains('{'), "no JSON: {history}");
        db.finish().await;
    }
);
