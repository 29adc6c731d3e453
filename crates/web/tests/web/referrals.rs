//! Referrals between agencies, walked as their users do: an officer refers a victim with the
//! person's consent captured on the same screen; the addressed agency's supervisor assigns it;
//! the assignee accepts and works on it; colleagues and other agencies get the 404 of a
//! missing record; a withdrawal of consent stops the sharing of what is recorded after it;
//! bad input is refused next to its field and changes nothing.

use crate::common::*;
use crate::world::new_account;

/// The referral form of a person, as a browser would send it, with `pairs` added.
async fn refer(
    b: &mut Browser<'_>,
    case: i64,
    person: tabara_core::ids::PersonId,
    pairs: &[(&str, &str)],
) -> Reply {
    let page = b
        .get(&format!("/cases/{case}/persons/{person}/referrals/new"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (action, mut fields) = form_fields(&page.body, &format!("/cases/{case}/persons/"));
    for (k, v) in pairs {
        if matches!(*k, "services" | "data" | "urgency") {
            fields.push((k.to_string(), v.to_string()));
        } else {
            set(&mut fields, k, v);
        }
    }
    b.post_fields(&action, &fields).await
}

/// `org` offers `services` nationally, in the services directory.
pub(crate) async fn offers(
    db: &TestDb,
    org: tabara_core::ids::OrganisationId,
    services: &[tabara_core::referral::ServiceType],
) {
    let provider = tabara_core::services::ServiceProvider {
        id: tabara_core::ids::ServiceProviderId::new(),
        organisation_id: org,
        office_id: None,
        name: "Accueil (test)".into(),
        services: services.iter().copied().collect(),
        areas: vec!["bi".into()],
        phone: None,
        email: None,
        hours: None,
        languages: vec!["fr".into(), "rn".into()],
        capacity: None,
        version: 1,
    };
    db.store
        .create_service_provider(&Actor::system("test"), &provider)
        .await
        .unwrap();
}

fn referral_id(reply: &Reply) -> String {
    let location = reply.location.as_deref().expect("a redirect");
    location
        .strip_prefix("/referrals/")
        .expect("to the referral")
        .to_string()
}

store_test!(a_referral_walks_from_consent_to_service, |db| async move {
    let app = start(&db).await;
    let shelter = app.org("Maison");
    let hash = tabara_core::password::hash_password(DEMO_PASSWORD);
    new_account(
        &db,
        &hash,
        "supervisor.shelter",
        Role::Supervisor,
        shelter,
        None,
    )
    .await;
    new_account(
        &db,
        &hash,
        "caseworker.shelter",
        Role::Caseworker,
        shelter,
        None,
    )
    .await;
    new_account(
        &db,
        &hash,
        "colleague.shelter",
        Role::Caseworker,
        shelter,
        None,
    )
    .await;
    use tabara_core::referral::ServiceType;
    offers(&db, shelter, &[ServiceType::Shelter, ServiceType::Medical]).await;
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let person = victim.person.id;
    let mut officer = signed_in(&app, "officer").await;

    // Bad input: no consent confirmed, no service, an answer moment in the past. Nothing is
    // written, and each error stands by its field.
    let mut head = db.store.stats().await.unwrap().audit_entries;
    let shelter_id = shelter.to_string();
    let bad = refer(
        &mut officer,
        case.number,
        person,
        &[
            ("recipient", &shelter_id),
            ("answer_by", "2020-01-01T10:00"),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("err-con_Informed"), "consent asked for");
    assert!(bad.body.contains("err-ref_Services"), "services asked for");
    assert!(
        audit_since(&db, &mut head).await.is_empty(),
        "nothing written"
    );
    let passed = refer(
        &mut officer,
        case.number,
        person,
        &[
            ("recipient", &shelter_id),
            ("services", "shelter"),
            ("informed", "1"),
            ("answer_by", "2020-01-01T10:00"),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(passed.status, 422, "an answer moment in the past");
    assert!(passed.body.contains("err-ref_AnswerBy"), "{}", passed.body);
    assert!(
        audit_since(&db, &mut head).await.is_empty(),
        "nothing written"
    );
    let not_offered = refer(
        &mut officer,
        case.number,
        person,
        &[
            ("recipient", &shelter_id),
            ("services", "legal_aid"),
            ("informed", "1"),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(
        not_offered.status, 422,
        "a service the shelter does not offer"
    );
    assert!(
        not_offered
            .body
            .contains("The agency does not offer this service"),
        "{}",
        not_offered.body
    );
    assert!(
        audit_since(&db, &mut head).await.is_empty(),
        "nothing written"
    );

    // The referral, sent at once with the consent captured on the form.
    let sent = refer(
        &mut officer,
        case.number,
        person,
        &[
            ("recipient", &shelter_id),
            ("services", "shelter"),
            ("services", "medical"),
            ("data", "identity"),
            ("urgency", "urgent_medical"),
            ("informed", "1"),
            ("witness", "Agent OPJ Niyonzima"),
            ("action", "send"),
        ],
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let id = referral_id(&sent);
    let written: Vec<String> = audit_since(&db, &mut head)
        .await
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        written,
        [
            "referral_consent.record",
            "referral.create",
            "referral.send"
        ],
        "consent, draft and sending in one go"
    );
    let page = officer.get(&format!("/referrals/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sent, awaiting an answer"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Agent OPJ Niyonzima"), "the witness");

    // The shelter: its colleague who is not assigned, another agency's caseworker and
    // anonymous visitors get what a missing referral gets.
    let path = format!("/referrals/{id}");
    let missing = format!("/referrals/{}", tabara_core::ids::ReferralId::new());
    for username in [
        "colleague.shelter",
        "caseworker.shelter",
        "caseworker",
        "investigator",
    ] {
        let mut b = signed_in(&app, username).await;
        let here = b.get(&path).await;
        let nowhere = b.get(&missing).await;
        assert_eq!(here.status, 404, "{username}");
        assert_eq!(here.body, nowhere.body, "{username}: the same 404");
    }

    // The shelter's supervisor sees it in the inbox, urgent, and assigns it.
    let mut supervisor = signed_in(&app, "supervisor.shelter").await;
    let inbox = supervisor.get("/referrals").await;
    assert!(inbox.body.contains(&id), "in the incoming box");
    assert!(inbox.body.contains("Urgent"));
    let page = supervisor.get(&path).await;
    assert_eq!(page.status, 200);
    let (action, mut fields) = form_fields(&page.body, &format!("/referrals/{id}/assign"));
    let caseworker = db
        .store
        .user_by_username("caseworker.shelter")
        .await
        .unwrap()
        .unwrap();
    set(&mut fields, "assignee", &caseworker.id.to_string());
    let assigned = supervisor.post_fields(&action, &fields).await;
    assert_eq!(assigned.status, 303, "{}", assigned.body);

    // The sender cannot accept its own referral: refused by the state machine, in words.
    let page = officer.get(&path).await;
    let csrf = Browser::csrf(&page.body);
    let version = hidden(&page.body, "version");
    let own = officer
        .post(
            &format!("{path}/step"),
            &[("csrf", &csrf), ("version", &version), ("step", "accept")],
        )
        .await;
    assert_eq!(own.status, 422);
    assert!(
        own.body.contains("You may not take this step"),
        "{}",
        own.body
    );

    // The assignee now reaches it, sees the identity consented to (audited), accepts, starts.
    let mut assignee = signed_in(&app, "caseworker.shelter").await;
    let reads = identity_reads(&db, person).await;
    let page = assignee.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("What the consent shares"));
    assert_eq!(
        identity_reads(&db, person).await,
        reads + 1,
        "the read is audited"
    );
    for step in ["accept", "start"] {
        let page = assignee.get(&path).await;
        let csrf = Browser::csrf(&page.body);
        let version = hidden(&page.body, "version");
        let r = assignee
            .post(
                &format!("{path}/step"),
                &[("csrf", &csrf), ("version", &version), ("step", step)],
            )
            .await;
        assert_eq!(r.status, 303, "{step}: {}", r.body);
    }
    let page = assignee.get(&path).await;
    assert!(page.body.contains("In progress"));
    // Working on it, the assignee reaches the person's support plan (not the case); the
    // shelter's colleague does not.
    let support = format!("/cases/{}/persons/{person}/support", case.number);
    assert!(page.body.contains(&support), "linked from the referral");
    assert_eq!(assignee.get(&support).await.status, 200, "the plan");
    // …opens a plan and records a service delivered under it.
    let new_plan = assignee.get(&format!("{support}/new")).await;
    let (action, mut plan) = form_fields(&new_plan.body, &format!("{support}/new"));
    set(&mut plan, "types", "Health");
    set(&mut plan, "objectives", "Hébergement et soins.");
    let opened = assignee.post_fields(&action, &plan).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    let today = chrono::Utc::now().date_naive().to_string();
    let plan_page = assignee.get(&support).await;
    let (action, mut service) = form_fields(&plan_page.body, &format!("{support}/services"));
    set(&mut service, "service", "shelter");
    set(&mut service, "delivered_on", &today);
    set(&mut service, "provided_by", "Maison d'accueil");
    let recorded = assignee.post_fields(&action, &service).await;
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let by = Actor::user(caseworker.id).as_str().to_string();
    let written: Vec<String> = audit_since(&db, &mut head)
        .await
        .into_iter()
        .filter(|e| e.actor == by)
        .map(|e| e.action)
        .collect();
    for action in ["support_plan.create", "support_service.record"] {
        assert!(written.iter().any(|a| a == action), "{action}: {written:?}");
    }
    let case_page = format!("/cases/{}", case.number);
    assert_eq!(assignee.get(&case_page).await.status, 404, "not the case");
    let mut colleague = signed_in(&app, "colleague.shelter").await;
    assert_eq!(colleague.get(&support).await.status, 404);
    // Completing a declined referral, or declining one in progress: out of turn.
    let csrf = Browser::csrf(&page.body);
    let version = hidden(&page.body, "version");
    let r = assignee
        .post(
            &format!("{path}/step"),
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("step", "decline"),
                ("reason", "plus de place"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("cannot be taken in the current status"),
        "{}",
        r.body
    );

    // The person withdraws consent: the sender records it; twice is refused.
    let page = officer.get(&path).await;
    let (action, fields) = form_fields(&page.body, &format!("/referrals/{id}/consent/withdraw"));
    let withdrawn = officer.post_fields(&action, &fields).await;
    assert_eq!(withdrawn.status, 303, "{}", withdrawn.body);
    let again = officer.post_fields(&action, &fields).await;
    assert_eq!(again.status, 422, "a stale or second withdrawal is refused");
    // The identity changed after the withdrawal is no longer shown to the receiver.
    let (identity, version) = db
        .store
        .read_identity(&Actor::system("test"), person)
        .await
        .unwrap();
    let changed = tabara_core::records::PersonIdentity {
        mobile_phone: Some("+25779000111".into()),
        ..identity
    };
    db.store
        .update_identity(&Actor::system("test"), person, version, &changed)
        .await
        .unwrap();
    let reads = identity_reads(&db, person).await;
    let page = assignee.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("is not shared"), "{}", page.body);
    assert!(!page.body.contains("+25779000111"));
    assert_eq!(identity_reads(&db, person).await, reads, "nothing read");

    // In French too.
    let csrf = assignee.csrf_of("/referrals").await;
    assignee.lang(&csrf, "fr", "/referrals").await;
    let fr = assignee.get(&path).await;
    assert!(
        fr.body.contains("Ce que le consentement partage"),
        "{}",
        fr.body
    );
    db.finish().await;
});

store_test!(
    the_directory_and_notifications_for_machine_clients,
    |db| async move {
        let app = start(&db).await;
        offers(
            &db,
            app.org("Maison"),
            &[tabara_core::referral::ServiceType::Shelter],
        )
        .await;
        let token = api_token(&db, "caseworker").await;
        let get = |path: &str| {
            app.http
                .get(format!("{}{path}", app.base))
                .bearer_auth(&token)
                .send()
        };
        let found: serde_json::Value = get("/api/v1/services?service=shelter&area=Gitega")
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
        assert_eq!(found[0]["name"], "Accueil (test)");
        let none: serde_json::Value = get("/api/v1/services?service=legal_aid")
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .parse()
            .unwrap();
        assert!(none.as_array().unwrap().is_empty());
        let bad = get("/api/v1/services?area=Atlantis").await.unwrap();
        assert_eq!(bad.status(), 400);
        let inbox = get("/api/v1/notifications").await.unwrap();
        assert_eq!(inbox.status(), 200);
        let inbox: serde_json::Value = inbox.text().await.unwrap().parse().unwrap();
        assert!(
            inbox["unread"].is_i64() && inbox["notifications"].is_array(),
            "{inbox}"
        );
        // A victim's risk assessments and support plans, reached as the pages are.
        let (case, victim) = case_with_victim(&db, &app.reference, "caseworker").await;
        let person = format!("/api/v1/cases/{}/persons/{}", case.number, victim.person.id);
        for (tail, list) in [("risk", "assessments"), ("support", "plans")] {
            let r = get(&format!("{person}/{tail}")).await.unwrap();
            assert_eq!(r.status(), 200, "{tail}");
            let body: serde_json::Value = r.text().await.unwrap().parse().unwrap();
            assert!(body[list].is_array(), "{tail}: {body}");
            assert_eq!(body["case"], case.reference);
        }
        let missing = format!(
            "/api/v1/cases/{}/persons/{}/risk",
            case.number,
            uuid::Uuid::now_v7()
        );
        assert_eq!(get(&missing).await.unwrap().status(), 404);
        let anonymous = app
            .http
            .get(format!("{}/api/v1/notifications", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        db.finish().await;
    }
);

store_test!(the_incoming_box_is_paged_with_its_count, |db| async move {
    use tabara_core::referral::{
        Consent, ConsentGiver, DataCategory, Deadlines, Party, ServiceType,
    };
    let app = start(&db).await;
    let shelter = app.org("Maison");
    let hash = tabara_core::password::hash_password(DEMO_PASSWORD);
    new_account(
        &db,
        &hash,
        "supervisor.shelter",
        Role::Supervisor,
        shelter,
        None,
    )
    .await;
    offers(&db, shelter, &[ServiceType::Shelter]).await;
    let (summary, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let case = db.store.case(summary.id).await.unwrap();
    let offered = [ServiceType::Shelter].into_iter().collect();
    let deadlines = Deadlines::default();
    // 30 referrals to the shelter, sent a minute apart: more than a page holds.
    let now = chrono::Utc::now();
    let mut sent = Vec::new();
    for k in 0..30 {
        let drafted = now - chrono::Duration::hours(3) + chrono::Duration::minutes(k);
        let consent = Consent {
            recipient: shelter,
            services: [ServiceType::Shelter].into_iter().collect(),
            data: [DataCategory::Facts].into_iter().collect(),
            given_at: drafted - chrono::Duration::minutes(5),
            given_by: ConsentGiver::Person,
            language: "rn".into(),
            witness: None,
            withdrawn_at: None,
        };
        let new = tabara_store::NewReferral {
            id: tabara_core::ids::ReferralId::new(),
            case_id: case.id,
            person_id: victim.person.id,
            sender_id: case.organisation_id,
            recipient_id: shelter,
            services: consent.services.clone(),
            data: consent.data.clone(),
            urgency: Default::default(),
            answer_by: None,
        };
        let send = tabara_store::ReferralStep::Send {
            offered: &offered,
            deadlines: &deadlines,
        };
        let r = db
            .store
            .record_past_referral(
                &Actor::system("test"),
                Some((tabara_core::ids::ReferralConsentId::new(), &consent)),
                &new,
                &[(Party::Sender, send, drafted + chrono::Duration::seconds(30))],
                drafted,
            )
            .await
            .unwrap();
        sent.push(r.id.to_string());
    }
    let mut supervisor = signed_in(&app, "supervisor.shelter").await;
    let first = supervisor.get("/referrals?box=incoming").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(first.body.contains("Incoming (30)"), "the box's own count");
    assert!(first.body.contains("Referrals 1 to 25 of 30"));
    // Oldest first: the first 25 sent here, the last 5 on the next page.
    for id in &sent[..25] {
        assert!(
            first.body.contains(&format!("/referrals/{id}\"")),
            "{id} on page 1"
        );
    }
    for id in &sent[25..] {
        assert!(!first.body.contains(id.as_str()), "{id} not on page 1");
    }
    assert!(
        first
            .body
            .contains("href=\"/referrals?box=incoming&amp;page=2\" rel=\"next\"")
    );
    assert!(!first.body.contains("rel=\"prev\""));
    let second = supervisor.get("/referrals?box=incoming&page=2").await;
    assert!(second.body.contains("Referrals 26 to 30 of 30"));
    for id in &sent[25..] {
        assert!(
            second.body.contains(&format!("/referrals/{id}\"")),
            "{id} on page 2"
        );
    }
    assert!(
        second
            .body
            .contains("href=\"/referrals?box=incoming&amp;page=1\" rel=\"prev\"")
    );
    assert!(!second.body.contains("rel=\"next\""));
    let beyond = supervisor.get("/referrals?box=incoming&page=9").await;
    assert_eq!(beyond.status, 200);
    assert!(beyond.body.contains("Incoming (30)"));
    assert!(
        sent.iter().all(|id| !beyond.body.contains(id.as_str())),
        "no row past the end"
    );
    let bad = supervisor.get("/referrals?box=incoming&page=first").await;
    assert_eq!(bad.status, 400, "a page is a number");
    // In French too.
    let csrf = supervisor.csrf_of("/referrals").await;
    supervisor.lang(&csrf, "fr", "/referrals").await;
    let fr = supervisor.get("/referrals?box=incoming&page=2").await;
    assert!(
        fr.body.contains("Orientations 26 à 30 sur 30"),
        "{}",
        fr.body
    );
    db.finish().await;
});
