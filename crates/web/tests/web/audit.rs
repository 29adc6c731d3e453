//! Every write route appends its audit action, in the name of the user who made it. The table
//! below names the action of every POST route of the router: a new write route fails the test
//! until its audit action is written here (or it is declared to write nothing).

use std::collections::BTreeMap;

use tabara_store::AuditEntry;

use crate::common::*;
use crate::world::world_signed_in;

/// Each POST route and the audit actions a successful request appends (among others).
/// An empty list: the route writes nothing to the register, and appends nothing.
const ACTIONS: &[(&str, &[&str])] = &[
    ("/signin", &["user.login"]),
    // A sign-out deletes the session row: nothing of the register changes.
    ("/signout", &[]),
    // The language is a cookie, and the session's preference.
    ("/lang", &[]),
    ("/account/password", &["user.password"]),
    ("/account/second-factor", &["user.second_factor_enrol"]),
    ("/signin/second-factor", &["user.login"]),
    (
        "/cases/new",
        &[
            "case.create",
            "person.create",
            "case_person.add",
            "consent.create",
        ],
    ),
    ("/cases/{number}/edit", &["case.update"]),
    ("/cases/{number}/comments", &["case_comment.create"]),
    ("/cases/{number}/shares", &["case.share"]),
    (
        "/cases/{number}/persons/{person}/edit",
        &["person.update", "person_identity.update"],
    ),
    (
        "/cases/{number}/persons/{person}/screenings",
        &["screening.create"],
    ),
    ("/cases/{number}/persons/{person}/files", &["file.upload"]),
    // The zone against the record reads the person's identity; nothing is stored.
    (
        "/cases/{number}/persons/{person}/documents/compare",
        &["person_identity.read"],
    ),
    (
        "/cases/{number}/persons/{person}/documents",
        &["document.record"],
    ),
    // A change opens the document first (its number and zone identify the holder).
    (
        "/cases/{number}/persons/{person}/documents/{document}",
        &["document.read", "document.update"],
    ),
    (
        "/cases/{number}/persons/{person}/risk/new",
        &["risk_assessment.record"],
    ),
    (
        "/cases/{number}/persons/{person}/support/new",
        &["support_plan.create"],
    ),
    (
        "/cases/{number}/persons/{person}/support/edit",
        &["support_plan.update"],
    ),
    (
        "/cases/{number}/persons/{person}/support/services",
        &["support_service.record"],
    ),
    (
        "/cases/{number}/persons/{person}/support/visits",
        &["support_visit.record"],
    ),
    (
        "/cases/{number}/persons/{person}/support/steps",
        &["support_step.record"],
    ),
    (
        "/cases/{number}/persons/{person}/support/close",
        &["support_plan.close"],
    ),
    ("/screenings/{id}", &["screening.save"]),
    ("/screenings/{id}/complete", &["screening.complete"]),
    ("/screenings/{id}/decision", &["screening.confirm"]),
    (
        "/cases/{number}/persons/{person}/referrals",
        &[
            "referral_consent.record",
            "referral.create",
            "referral.send",
        ],
    ),
    (
        "/referrals/{id}/consent/withdraw",
        &["referral_consent.withdraw"],
    ),
    ("/referrals/{id}/step", &["referral.cancel"]),
    ("/referrals/{id}/assign", &["referral.assign"]),
    (
        "/cases/{number}/persons/{person}/pathway/guardian",
        &["child_pathway.guardian"],
    ),
    (
        "/cases/{number}/persons/{person}/pathway/best-interests",
        &["child_pathway.best_interests"],
    ),
    (
        "/cases/{number}/persons/{person}/pathway/sign-off",
        &["child_pathway.sign_off"],
    ),
    ("/training/materials/items", &["material.create"]),
    ("/training/materials/receive", &["material.receipt"]),
    ("/training/materials/distribute", &["material.distribution"]),
    ("/training/sessions/new", &["training_session.create"]),
    (
        "/training/sessions/{id}/participants",
        &["training_participant.create"],
    ),
    (
        "/training/sessions/{id}/register",
        &["training_attendance.present", "training_participant.scores"],
    ),
    (
        "/training/participants/{id}/grade",
        &["training_participant.scores"],
    ),
    (
        "/training/sessions/{id}/certificates",
        &["certificate.issue"],
    ),
    (
        "/training/certificates/{id}/revoke",
        &["certificate.revoke"],
    ),
    ("/admin/users/new", &["user.create"]),
    ("/admin/users/{username}/disable", &["user.disable"]),
    ("/admin/users/{username}/enable", &["user.enable"]),
    (
        "/admin/users/{username}/reset",
        &["user.one_time_credential"],
    ),
    ("/admin/requests/{id}/approve", &["user.request_approve"]),
    ("/admin/requests/{id}/refuse", &["user.request_refuse"]),
    ("/admin/organisations/new", &["organisation.create"]),
    ("/admin/organisations/{id}", &["organisation.update"]),
    ("/admin/organisations/{id}/offices", &["office.create"]),
    ("/services/new", &["service_provider.create"]),
    ("/services/{id}/edit", &["service_provider.update"]),
    ("/services/{id}/capacity", &["service_provider.capacity"]),
    ("/notifications/{id}/read", &["notification.read"]),
    ("/notifications/read-all", &["notification.read"]),
    // Stateless: evaluates the answers it is given, stores nothing.
    ("/api/v1/screening/evaluate", &[]),
    // Stateless: reads the zone it is given, stores nothing, reads nothing of the register.
    ("/documents/check", &[]),
    ("/documents/read", &[]),
    // Offline field capture (issue 16): a phone's submission is kept, then recorded or kept
    // with its reasons (here an intake without a name); the supervisors' pages.
    (
        "/openrosa/key/{token}/submission",
        &["field_submission.receive", "field_submission.invalid"],
    ),
    (
        "/openrosa/agency/{agency}/submission",
        &["field_submission.receive", "field_submission.invalid"],
    ),
    ("/field/devices", &["field_device.issue"]),
    ("/field/devices/{device}/revoke", &["field_device.revoke"]),
    (
        "/field/submissions/{submission}/fix",
        &["field_submission.fix"],
    ),
    (
        "/field/submissions/{submission}/reject",
        &["field_submission.reject"],
    ),
    ("/api/v1/mrz/read", &[]),
    ("/api/v1/mrz/check", &[]),
    // Investigations (issue 14).
    ("/cases/{number}/investigation", &["investigation.open"]),
    (
        "/cases/{number}/investigation/team",
        &["investigation.team"],
    ),
    (
        "/cases/{number}/investigation/tasks",
        &["investigation_task.create"],
    ),
    (
        "/cases/{number}/investigation/tasks/close",
        &["investigation_task.update"],
    ),
    (
        "/cases/{number}/investigation/timeline",
        &["investigation_event.record"],
    ),
    (
        "/cases/{number}/investigation/notes",
        &["investigation_note.create"],
    ),
    (
        "/cases/{number}/investigation/offences",
        &["offence.record"],
    ),
    (
        "/cases/{number}/investigation/supports",
        &["element_support.record"],
    ),
    (
        "/cases/{number}/investigation/evidence",
        &["evidence.register", "custody_event.record"],
    ),
    (
        "/cases/{number}/investigation/custody-events",
        &["custody_event.record"],
    ),
    ("/custody/{id}/extend", &["custody.extend"]),
    ("/custody/{id}/rights", &["custody_right.record"]),
    ("/custody/{id}/legal-aid", &["custody.legal_aid"]),
    ("/custody/{id}/end", &["custody.end"]),
    (
        "/cases/{number}/investigation/custody/new",
        &["custody.start"],
    ),
    (
        "/cases/{number}/investigation/dossiers",
        &["dossier.create", "person_identity.read"],
    ),
    (
        "/dossiers/{id}/send",
        &["dossier.send", "investigation.status"],
    ),
    (
        "/cases/{number}/investigation/step",
        &["investigation.status"],
    ),
];

/// What each route's request appended, and who made it.
struct Log<'a> {
    db: &'a TestDb,
    head: i64,
    appended: BTreeMap<&'static str, (String, Vec<AuditEntry>)>,
}

impl Log<'_> {
    /// Move to the end of the audit log: what `route`'s request just appended, made by `actor`.
    async fn record(&mut self, route: &'static str, actor: &str) {
        let entries = audit_since(self.db, &mut self.head).await;
        assert!(
            self.appended
                .insert(route, (actor.to_string(), entries))
                .is_none(),
            "{route} recorded twice"
        );
    }

    /// Skip what was appended since the last request recorded (sign-ins, page reads).
    async fn skip(&mut self) {
        audit_since(self.db, &mut self.head).await;
    }

    /// Open the page at `page` and write through its form to `form` as `actor`, recorded as
    /// `route`'s request.
    async fn write<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        b: &mut Browser<'_>,
        actor: &str,
        page: &str,
        form: &str,
        changes: &[(K, V)],
        route: &'static str,
    ) -> Reply {
        let body = b.get(page).await.body;
        self.write_on(b, actor, &body, form, changes, route).await
    }

    /// Write through the form to `form` of the page `body`, recorded as `route`'s request.
    async fn write_on<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        b: &mut Browser<'_>,
        actor: &str,
        body: &str,
        form: &str,
        changes: &[(K, V)],
        route: &'static str,
    ) -> Reply {
        self.skip().await;
        let r = submit(b, body, form, changes).await;
        self.record(route, actor).await;
        r
    }
}

/// Post the form to `form` of the page `body`, with `changes`, and check that the write went
/// through (a redirect, or the page that tells its result).
async fn submit<K: AsRef<str>, V: AsRef<str>>(
    b: &mut Browser<'_>,
    body: &str,
    form: &str,
    changes: &[(K, V)],
) -> Reply {
    let (path, mut fields) = form_fields(body, form);
    for (k, v) in changes {
        set(&mut fields, k.as_ref(), v.as_ref());
    }
    let r = b.post_fields(&path, &fields).await;
    assert!(
        matches!(r.status, 200 | 303),
        "POST {path}: {}\n{}",
        r.status,
        r.body
    );
    r
}

/// No change to a form.
const AS_IS: &[(&str, &str)] = &[];

store_test!(every_write_appends_its_audit_action, |db| async move {
    let app = start(&db).await;
    let mut world = world_signed_in(
        &db,
        &app,
        Some(&[
            "officer",
            "trainer",
            "admin",
            "supervisor",
            "childprotection",
        ]),
    )
    .await;
    let mut log = Log {
        db: &db,
        head: 0,
        appended: BTreeMap::new(),
    };
    let who = |name: &str| {
        let i = world
            .users
            .iter()
            .position(|u| u.username == name)
            .unwrap_or_else(|| panic!("no user {name}"));
        (i, Actor::user(world.users[i].id).as_str().to_string())
    };
    let org_id = |part: &str| app.org(part).to_string();
    let ((officer, officer_is), (trainer, trainer_is), (admin, admin_is)) =
        (who("officer"), who("trainer"), who("admin"));
    let (supervisor, supervisor_is) = who("supervisor");
    let (protection, protection_is) = who("childprotection");

    // --- the officer: language, intake, the case page's forms, a person, a screening
    let b = &mut world.users[officer].browser;
    let me = officer_is.as_str();
    log.write(b, me, "/", "/lang", &[("lang", "en")], "/lang")
        .await;
    let opened = log
        .write(
            b,
            me,
            "/cases/new",
            "/cases/new",
            &[
                CHILD_INTAKE,
                &[("trafficking_status", "PossibleVictimOfTrafficking")],
            ]
            .concat(),
            "/cases/new",
        )
        .await;
    // The new case's victim is a child: the one screened below.
    let child_case: i64 = opened
        .location
        .expect("to the new case")
        .trim_start_matches("/cases/")
        .parse()
        .unwrap();
    let child_case_id = db.store.case_by_number(child_case).await.unwrap().id;
    let child = db.store.case_persons(child_case_id).await.unwrap()[0]
        .person
        .id;

    let case = world.cases[0].number;
    let (victim, _) = world.cases[0].persons[0];
    let b = &mut world.users[officer].browser;
    let path = format!("/cases/{case}/edit");
    let edit = [("opened_on", "2026-03-01")];
    log.write(b, me, &path, &path, &edit, "/cases/{number}/edit")
        .await;

    let page = b.get(&format!("/cases/{case}")).await.body;
    let comment = [("body", "Vue au poste, orientée vers l'OIM.")];
    let comments = format!("/cases/{case}/comments");
    log.write_on(
        b,
        me,
        &page,
        &comments,
        &comment,
        "/cases/{number}/comments",
    )
    .await;
    let share = [
        ("organisation", org_id("Parquet")),
        ("reason", "Transmis au parquet".into()),
    ];
    let shares = format!("/cases/{case}/shares");
    log.write_on(b, me, &page, &shares, &share, "/cases/{number}/shares")
        .await;

    let path = format!("/cases/{case}/persons/{victim}/edit");
    let person = [("age", "31"), ("first_name", "Victime corrigée")];
    let route = "/cases/{number}/persons/{person}/edit";
    log.write(b, me, &path, &path, &person, route).await;

    // A file attached to the victim (a multipart form, its token first).
    let path = format!("/cases/{case}/persons/{victim}");
    let csrf = b.csrf_of(&path).await;
    log.skip().await;
    let r = b
        .post_multipart(
            &format!("{path}/files"),
            &[("csrf", &csrf), ("purpose", "evidence")],
            Some(("pv.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")),
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    log.record("/cases/{number}/persons/{person}/files", me)
        .await;

    let path = format!("/cases/{case}/persons/{victim}");
    let form = format!("/cases/{case}/persons/{victim}/documents/compare");
    let zone = [(
        "zone",
        "P<BDIMATRICE<<VICTIME<<<<<<<<<<<<<<<<<<<<<<<\nOP00123456BDI9001011F3001019<<<<<<<<<<<<<<<4",
    )];
    let route = "/cases/{number}/persons/{person}/documents/compare";
    let r = log.write(b, me, &path, &form, &zone, route).await;
    assert_eq!(r.status, 200, "{}", r.body);

    // A document recorded on the victim, then its examination changed.
    let new = format!("/cases/{case}/persons/{victim}/documents/new");
    let form = format!("/cases/{case}/persons/{victim}/documents");
    let document = [
        ("doc_type", "passport"),
        ("number", "MX0001234"),
        ("issuing_state", "BDI"),
    ];
    let route = "/cases/{number}/persons/{person}/documents";
    let r = log.write(b, me, &new, &form, &document, route).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.location.clone().expect("to the document");
    let route = "/cases/{number}/persons/{person}/documents/{document}";
    let r = log
        .write(b, me, &at, &at, &[("outcome", "genuine")], route)
        .await;
    assert_eq!(r.status, 303, "{}", r.body);

    let path = format!("/cases/{case}/persons/{victim}/risk/new");
    let form = format!("/cases/{case}/persons/{victim}/risk/new");
    let risk = [("likelihood", "2"), ("impact", "3")];
    let route = "/cases/{number}/persons/{person}/risk/new";
    log.write(b, me, &path, &form, &risk, route).await;

    // The support plan of the new case's child, from its opening to its closure.
    let support = format!("/cases/{child_case}/persons/{child}/support");
    let today = chrono::Utc::now().date_naive().to_string();
    let plan = [("types", "Health"), ("objectives", "Soins et hébergement.")];
    let (new, edit) = (format!("{support}/new"), format!("{support}/edit"));
    let route = "/cases/{number}/persons/{person}/support/new";
    log.write(b, me, &new, &new, &plan, route).await;
    let changed = [("types", "Health"), ("objectives", "Soins, puis retour.")];
    let route = "/cases/{number}/persons/{person}/support/edit";
    log.write(b, me, &edit, &edit, &changed, route).await;
    for (tail, fields) in [
        (
            "services",
            vec![
                ("service", "medical"),
                ("delivered_on", today.as_str()),
                ("provided_by", "Dr Ndayishimiye"),
            ],
        ),
        (
            "visits",
            vec![
                ("visited_on", today.as_str()),
                ("visited_by", "Assistante sociale"),
            ],
        ),
        (
            "steps",
            vec![("step", "family_tracing"), ("on", today.as_str())],
        ),
        ("close", vec![("reason", "objectives_met")]),
    ] {
        let route = match tail {
            "services" => "/cases/{number}/persons/{person}/support/services",
            "visits" => "/cases/{number}/persons/{person}/support/visits",
            "steps" => "/cases/{number}/persons/{person}/support/steps",
            _ => "/cases/{number}/persons/{person}/support/close",
        };
        let form = format!("{support}/{tail}");
        log.write(b, me, &support, &form, &fields[..], route).await;
    }

    let path = format!("/cases/{child_case}/persons/{child}");
    let route = "/cases/{number}/persons/{person}/screenings";
    let start = format!("{path}/screenings");
    let started = log.write(b, me, &path, &start, AS_IS, route).await;
    let step = started.location.expect("to the first step");
    let screening = step
        .trim_start_matches("/screenings/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    let steps = format!("/screenings/{screening}?step=");
    log.write(b, me, &step, &steps, AS_IS, "/screenings/{id}")
        .await;
    // Recruited, and exploited: for a child, enough for a suggested status to confirm.
    for (step, answers) in [
        ("recruitment-d1", &[("a_act_recruited", "yes")][..]),
        (
            "exploitation-d4",
            &[("a_d4_hours", "yes"), ("a_d4_pay", "yes")][..],
        ),
    ] {
        let at = format!("/screenings/{screening}?step={step}");
        let page = b.get(&at).await.body;
        submit(b, &page, &at, answers).await;
    }

    let review = format!("/screenings/{screening}/review");
    let complete = format!("/screenings/{screening}/complete");
    let route = "/screenings/{id}/complete";
    let completed = log.write(b, me, &review, &complete, AS_IS, route).await;

    let result = match completed.location {
        Some(l) => b.get(&l).await.body,
        None => completed.body,
    };
    let decision = format!("/screenings/{screening}/decision");
    let (_, f) = form_fields(&result, &decision);
    assert!(f.contains(&("decision".into(), "confirm".into())), "{f:?}");
    let route = "/screenings/{id}/decision";
    log.write_on(b, me, &result, &decision, AS_IS, route).await;

    // A referral of the adult victim, its consent withdrawn, then cancelled.
    let shelter = org_id("Maison");
    let shelter_services = [tabara_core::referral::ServiceType::Shelter];
    crate::referrals::offers(&db, app.org("Maison"), &shelter_services).await;
    log.skip().await;
    let person_page = format!("/cases/{case}/persons/{victim}");
    let form = format!("{person_page}/referrals/new");
    let referral = [
        ("recipient", shelter.as_str()),
        ("services", "shelter"),
        ("informed", "1"),
        ("action", "send"),
    ];
    let route = "/cases/{number}/persons/{person}/referrals";
    let sent = log
        .write(
            b,
            me,
            &form,
            &format!("{person_page}/referrals"),
            &referral,
            route,
        )
        .await;
    let page = sent.location.expect("to the referral");
    let withdraw = format!("{page}/consent/withdraw");
    let route = "/referrals/{id}/consent/withdraw";
    log.write(b, me, &page, &withdraw, AS_IS, route).await;
    let step = format!("{page}/step");
    log.write(b, me, &page, &step, AS_IS, "/referrals/{id}/step")
        .await;

    // The child's pathway: the officer records the guardian, child protection the
    // best-interests assessment and the sign-off.
    let pathway = format!("/cases/{child_case}/persons/{child}/pathway");
    let guardian = [("kind", "parent"), ("name", "Mère de l'enfant")];
    let route = "/cases/{number}/persons/{person}/pathway/guardian";
    log.write(
        b,
        me,
        &pathway,
        &format!("{pathway}/guardian"),
        &guardian,
        route,
    )
    .await;
    let b = &mut world.users[protection].browser;
    let assessment = [
        ("solution", "family_reunification"),
        ("summary", "Retour dans la famille avec suivi."),
    ];
    let route = "/cases/{number}/persons/{person}/pathway/best-interests";
    let form = format!("{pathway}/best-interests");
    log.write(b, &protection_is, &pathway, &form, &assessment, route)
        .await;
    let route = "/cases/{number}/persons/{person}/pathway/sign-off";
    let form = format!("{pathway}/sign-off");
    log.write(b, &protection_is, &pathway, &form, AS_IS, route)
        .await;

    // The judicial police's supervisor gives a referral addressed to it to the investigator.
    let investigator = app.user("investigator").id.to_string();
    let b = &mut world.users[supervisor].browser;
    let page = format!("/referrals/{}", world.referrals[0].id);
    let assign = [("assignee", investigator.as_str())];
    let route = "/referrals/{id}/assign";
    log.write(
        b,
        &supervisor_is,
        &page,
        &format!("{page}/assign"),
        &assign,
        route,
    )
    .await;

    // The judicial police's supervisor works on the investigation of the case shared with the
    // prosecution, then opens one on a new case of the agency.
    let number = world.cases[3].number;
    let page = format!("/cases/{number}/investigation");
    let me_id = world.users[supervisor].id.to_string();
    let custody = format!("/custody/{}", world.custodies[0].id);
    let legal_aid = app.user("legalaid").organisation_id.to_string();
    let b = &mut world.users[supervisor].browser;
    let investigator_id = app.user("investigator").id.to_string();
    let form = |tail: &str| format!("{page}/{tail}");
    let route = "/cases/{number}/investigation/team";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("team"),
        &[("lead", investigator_id.as_str()), ("team", me_id.as_str())],
        route,
    )
    .await;
    let due = (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).to_string();
    let route = "/cases/{number}/investigation/tasks";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("tasks"),
        &[
            ("title", "Entendre le chauffeur"),
            ("owner", investigator_id.as_str()),
            ("due_on", due.as_str()),
        ],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/tasks/close";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("tasks/close"),
        &[("to_state", "done")],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/timeline";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("timeline"),
        &[
            ("at", "2026-10-02T09:30"),
            ("words", "Départ du groupe vers Kobero"),
        ],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/notes";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("notes"),
        &[("words", "Témoin à protéger")],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/offences";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("offences"),
        &[("code", "bi-2014-traite")],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/evidence";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("evidence"),
        &[
            ("kind", "statement"),
            ("description", "Déclaration du témoin"),
            ("obtained_at", "2026-10-03T10:00"),
            ("obtained_where", "Commissariat PJ"),
            ("obtained_by", "OPJ Hakizimana"),
            ("storage_location", "Armoire 3"),
        ],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/supports";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("supports"),
        &[("element", "act"), ("fact", "Recrutement au marché")],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/custody-events";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("custody-events"),
        &[
            ("kind", "transferred"),
            ("to", "Greffe du parquet"),
            ("reason", "Pour le dossier"),
        ],
        route,
    )
    .await;
    let route = "/custody/{id}/extend";
    log.write(
        b,
        &supervisor_is,
        &custody,
        &format!("{custody}/extend"),
        &[
            ("hours", "24"),
            ("authorised_by", "Procureur de la République"),
            ("reference", "RMP 77/2026"),
        ],
        route,
    )
    .await;
    let route = "/custody/{id}/rights";
    log.write(
        b,
        &supervisor_is,
        &custody,
        &format!("{custody}/rights"),
        &[
            ("right", "informed_of_rights"),
            ("status", "done"),
            ("language", "rn"),
        ],
        route,
    )
    .await;
    let route = "/custody/{id}/legal-aid";
    log.write(
        b,
        &supervisor_is,
        &custody,
        &format!("{custody}/legal-aid"),
        &[("organisation", legal_aid.as_str())],
        route,
    )
    .await;
    let route = "/custody/{id}/end";
    log.write(
        b,
        &supervisor_is,
        &custody,
        &format!("{custody}/end"),
        &[("how", "released")],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/custody/new";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("custody/new"),
        &[
            ("started_at", "2026-10-04T08:00"),
            ("place", "Cachot"),
            ("legal_basis", "Mandat d'arrêt"),
        ],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/step";
    log.write(
        b,
        &supervisor_is,
        &page,
        &form("step"),
        &[
            ("step", "resume"),
            ("reason", "Le parquet demande les relevés"),
        ],
        route,
    )
    .await;
    let route = "/cases/{number}/investigation/dossiers";
    log.write(b, &supervisor_is, &page, &form("dossiers"), AS_IS, route)
        .await;
    let route = "/dossiers/{id}/send";
    let body = b.get(&page).await.body;
    let dossier = body[body.find("action=\"/dossiers/").expect("a dossier to send") + 18..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    log.write_on(
        b,
        &supervisor_is,
        &body,
        &format!("/dossiers/{dossier}/send"),
        AS_IS,
        route,
    )
    .await;
    let fresh = db
        .store
        .create_case(
            &Actor::system("test"),
            &tabara_store::NewCase {
                id: tabara_core::ids::CaseId::new(),
                organisation_id: app.org("Police Judiciaire"),
                office_id: None,
                owner_id: None,
                facts: tabara_core::records::CaseFacts::opened(chrono::Utc::now().date_naive()),
            },
        )
        .await
        .unwrap();
    let page = format!("/cases/{}/investigation", fresh.number);
    let route = "/cases/{number}/investigation";
    log.write(b, &supervisor_is, &page, &page, AS_IS, route)
        .await;

    // The officer's notifications: one marked read, then the other with "mark all".
    let first = world.notifications[0];
    let b = &mut world.users[officer].browser;
    let read = format!("/notifications/{first}/read");
    let route = "/notifications/{id}/read";
    log.write(b, me, "/notifications", &read, AS_IS, route)
        .await;
    let route = "/notifications/read-all";
    log.write(b, me, "/notifications", route, AS_IS, route)
        .await;

    // --- the trainer: materials, a session from its creation to a revoked certificate
    let gatumba = app.office("Poste frontalier de Gatumba").to_string();
    let store = app.office("Poste frontalier de Ruhwa").to_string();
    let b = &mut world.users[trainer].browser;
    let me = trainer_is.as_str();
    let materials = "/training/materials";
    let poster = [
        ("kind", "poster"),
        ("title", "Ntimugurishwe"),
        ("language", "rn"),
    ];
    let route = "/training/materials/items";
    log.write(b, me, materials, route, &poster, route).await;
    let item = db
        .store
        .materials()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.title == "Ntimugurishwe")
        .expect("the new item")
        .id
        .to_string();
    for (route, fields) in [
        (
            "/training/materials/receive",
            vec![
                ("item", item.as_str()),
                ("store", &store),
                ("quantity", "10"),
                ("on", "2026-03-01"),
            ],
        ),
        (
            "/training/materials/distribute",
            vec![
                ("item", item.as_str()),
                ("store", &store),
                ("to", &gatumba),
                ("quantity", "4"),
                ("on", "2026-03-05"),
            ],
        ),
    ] {
        log.write(b, me, materials, route, &fields, route).await;
    }

    let route = "/training/sessions/new";
    let session_form = [
        ("title", "Formation des OPJ — audit".to_string()),
        ("starts_on", "2026-03-02".into()),
        ("ends_on", "2026-03-03".into()),
        ("venue", "Bujumbura".into()),
        ("organiser", org_id("OIM")),
        ("trainers", "Josiane Kwizera".into()),
        ("m_legal_frameworks", "1".into()),
        ("min_attendance", "80".into()),
        ("min_post_test", "70".into()),
    ];
    let created = log.write(b, me, route, route, &session_form, route).await;
    let session = created.location.expect("to the new session");

    let participant = [
        ("full_name", "Jean Hatungimana"),
        ("rank", "OPJ"),
        ("sex", "Masculine"),
    ];
    let form = format!("{session}/participants");
    let route = "/training/sessions/{id}/participants";
    log.write(b, me, &session, &form, &participant, route).await;
    let session_id: tabara_core::ids::TrainingSessionId =
        session.rsplit('/').next().unwrap().parse().unwrap();
    let participant = db.store.participants(session_id).await.unwrap()[0]
        .id
        .to_string();

    let mut register: Vec<(String, String)> = ["2026-03-02", "2026-03-03"]
        .iter()
        .map(|day| (format!("att_{participant}_{day}"), "1".to_string()))
        .collect();
    register.push((format!("pre_{participant}"), "40".into()));
    register.push((format!("post_{participant}"), "60".into()));
    let form = format!("{session}/register");
    let route = "/training/sessions/{id}/register";
    log.write(b, me, &session, &form, &register, route).await;

    // Graded on screen: every answer right.
    let grade = format!("/training/participants/{participant}/grade");
    let sheet = b.get(&format!("{grade}?kind=post")).await.body;
    let mut questions: Vec<String> = sheet
        .split("name=\"q_")
        .skip(1)
        .map(|rest| format!("q_{}", rest.split('"').next().unwrap()))
        .collect();
    questions.dedup();
    assert!(!questions.is_empty(), "a test sheet with questions");
    // No answer is checked on a fresh sheet: the first choice of each question.
    let answers: Vec<(&str, &str)> = questions.iter().map(|q| (q.as_str(), "0")).collect();
    let route = "/training/participants/{id}/grade";
    log.write_on(b, me, &sheet, &grade, &answers, route).await;

    // Completed (both days, 90 % after the test), then certified.
    let page = b.get(&session).await.body;
    let passed = [(format!("post_{participant}"), "90")];
    submit(b, &page, &format!("{session}/register"), &passed).await;
    let form = format!("{session}/certificates");
    let route = "/training/sessions/{id}/certificates";
    log.write(b, me, &session, &form, AS_IS, route).await;

    let revoke = [("reason", "Délivré par erreur")];
    let route = "/training/certificates/{id}/revoke";
    log.write(b, me, &session, "/training/certificates/", &revoke, route)
        .await;

    // --- the administrator: accounts, requests, organisations and offices
    let b = &mut world.users[admin].browser;
    let me = admin_is.as_str();
    let account = [
        ("username", "audit.analyste".to_string()),
        ("display_name", "Analyste d'audit".into()),
        ("role", "analyst".into()),
        ("organisation", org_id("Commission")),
        ("office", "".into()),
    ];
    let route = "/admin/users/new";
    log.write(b, me, route, route, &account, route).await;

    for route in [
        "/admin/users/{username}/disable",
        "/admin/users/{username}/enable",
        "/admin/users/{username}/reset",
    ] {
        let path = route.replace("{username}", "matrix.target");
        log.write(b, me, "/admin/users/matrix.target", &path, AS_IS, route)
            .await;
    }

    let requester = world.requester;
    let pending = db
        .store
        .user_by_username("matrix.pending")
        .await
        .unwrap()
        .unwrap()
        .id;
    for route in [
        "/admin/requests/{id}/approve",
        "/admin/requests/{id}/refuse",
    ] {
        let waiting = db.store.pending_account_requests(500).await.unwrap();
        let id = match waiting.iter().find(|r| r.user.id == pending) {
            Some(r) => r.id,
            None => db.store.request_reset(requester, pending).await.unwrap(),
        };
        let path = route.replace("{id}", &id.to_string());
        log.write(b, me, "/admin/users", &path, AS_IS, route).await;
    }

    let organisation = [
        ("name", "Association Tubiyage (fictive)"),
        ("org_type", "NGO"),
    ];
    let route = "/admin/organisations/new";
    log.write(b, me, route, route, &organisation, route).await;

    let path = format!("/admin/organisations/{}", org_id("Maison"));
    let phone = [("phone", "+25722229999")];
    let route = "/admin/organisations/{id}";
    log.write(b, me, &path, &format!("{path}\""), &phone, route)
        .await;

    let office = [
        ("name", "Antenne de Rumonge"),
        ("kind", "FieldOffice"),
        ("province", "Rumonge"),
    ];
    let route = "/admin/organisations/{id}/offices";
    log.write(b, me, &path, &format!("{path}/offices"), &office, route)
        .await;

    // --- the services directory: a provider added, changed, its places free reported
    let shelter = org_id("Maison");
    let provider = [
        ("organisation", shelter.as_str()),
        ("name", "Maison d'accueil de Rumonge (fictive)"),
        ("services", "shelter"),
        ("areas", "bi-burunga"),
    ];
    let route = "/services/new";
    log.write(b, me, route, route, &provider, route).await;
    let path = format!("/services/{}", world.provider);
    let route = "/services/{id}/edit";
    let hours = [("hours", "24 h/24")];
    log.write(
        b,
        me,
        &format!("{path}/edit"),
        &format!("{path}/edit"),
        &hours,
        route,
    )
    .await;
    let route = "/services/{id}/capacity";
    let free = [("free", "5")];
    log.write(b, me, &path, &format!("{path}/capacity"), &free, route)
        .await;

    // --- the API's stateless evaluation, with the officer's token
    log.skip().await;
    let r = app
        .http
        .post(format!("{}/api/v1/screening/evaluate", app.base))
        .bearer_auth(&world.users[officer].token)
        .header("content-type", "application/json")
        .body(r#"{"answers": {}}"#)
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status() == 422,
        "{}",
        r.status()
    );
    log.record("/api/v1/screening/evaluate", &officer_is).await;

    // --- a machine-readable zone checked on the page and through the API: nothing written
    let zone = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
    let b = &mut world.users[officer].browser;
    let shown = log
        .write(
            b,
            &officer_is,
            "/documents/check",
            "/documents/check",
            &[("zone", zone), ("specimen", "on")],
            "/documents/check",
        )
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    log.skip().await;
    let r = app
        .http
        .post(format!("{}/api/v1/mrz/check", app.base))
        .bearer_auth(&world.users[officer].token)
        .header("content-type", "application/json")
        .body(serde_json::json!({"zone": zone, "specimen": true}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    log.record("/api/v1/mrz/check", &officer_is).await;
    // A zone read from a photo: shown, nothing written.
    let b = &mut world.users[officer].browser;
    let csrf = b.csrf_of("/documents/check").await;
    let photo = tabara_mrzscan::specimen::photo(
        &tabara_mrzscan::specimen::zone(tabara_core::mrz::Format::Td1, 3),
        &tabara_mrzscan::specimen::debian_font("OCRB.otf").unwrap(),
        &tabara_mrzscan::specimen::LEVELS[1],
        3,
    );
    log.skip().await;
    let r = b
        .post_multipart(
            "/documents/read",
            &[("csrf", &csrf)],
            Some(("page.jpg", "image/jpeg", &photo)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    log.record("/documents/read", &officer_is).await;
    log.skip().await;
    let r = app
        .http
        .post(format!("{}/api/v1/mrz/read", app.base))
        .bearer_auth(&world.users[officer].token)
        .header("content-type", "application/json")
        .body(
            serde_json::json!({
                "photo": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &photo)
            })
            .to_string(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    log.record("/api/v1/mrz/read", &officer_is).await;

    // --- offline field capture: the supervisor issues a phone to the investigator, the phone
    // sends a form by its token and by Digest, the supervisor rejects and revokes.
    let investigator = app.user("investigator");
    let investigator_is = Actor::user(investigator.id).as_str().to_string();
    let b = &mut world.users[supervisor].browser;
    let account = investigator.id.to_string();
    let issued = log
        .write(
            b,
            &supervisor_is,
            "/field",
            "/field/devices",
            &[
                ("label", "Bujumbura, phone 2"),
                ("account", account.as_str()),
            ],
            "/field/devices",
        )
        .await;
    let field = |id: &str| -> String {
        issued
            .body
            .split(&format!("id=\"{id}\">"))
            .nth(1)
            .and_then(|r| r.split('<').next())
            .unwrap()
            .to_string()
    };
    let (token, login, agency_url) = (field("token"), field("login"), field("agency-url"));
    let list = app
        .http
        .get(format!("{}/openrosa/key/{token}/formList", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let version = list
        .split("<formID>tabara_intake</formID>")
        .nth(1)
        .and_then(|r| r.split("<version>").nth(1))
        .and_then(|r| r.split('<').next())
        .unwrap()
        .to_string();
    let nameless = |instance: String| {
        let xml = format!(
            "<data id=\"tabara_intake\" version=\"{version}\"><case><opened_on>2026-11-30</opened_on></case><consent><consent>yes</consent></consent><meta><instanceID>{instance}</instanceID></meta></data>"
        );
        let boundary = "audit-boundary-1";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"xml_submission_file\"; filename=\"submission.xml\"\r\nContent-Type: text/xml\r\n\r\n{xml}\r\n--{boundary}--\r\n"
        );
        (format!("multipart/form-data; boundary={boundary}"), body)
    };
    log.skip().await;
    let (kind, body) = nameless(format!("uuid:{}", uuid::Uuid::now_v7()));
    let r = app
        .http
        .post(format!("{}/openrosa/key/{token}/submission", app.base))
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    log.record("/openrosa/key/{token}/submission", &investigator_is)
        .await;
    let url = format!("{agency_url}/submission");
    let challenge = app.http.post(&url).send().await.unwrap();
    assert_eq!(challenge.status(), 401);
    let nonce = challenge.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .split("nonce=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let uri = url.split_once("//").unwrap().1;
    let uri = &uri[uri.find('/').unwrap()..];
    let response =
        tabara_web::digest_response(&login, &token, "POST", uri, &nonce, "00000001", "c0ffee");
    let (kind, body) = nameless(format!("uuid:{}", uuid::Uuid::now_v7()));
    let r = app
        .http
        .post(&url)
        .header(
            "authorization",
            format!(
                "Digest username=\"{login}\", realm=\"Tabara\", nonce=\"{nonce}\", uri=\"{uri}\", qop=auth, nc=00000001, cnonce=\"c0ffee\", response=\"{response}\""
            ),
        )
        .header("content-type", kind)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    log.record("/openrosa/agency/{agency}/submission", &investigator_is)
        .await;
    let b = &mut world.users[supervisor].browser;
    let page = format!("/field/submissions/{}", world.field_submission);
    let form = format!("{page}/fix");
    log.write(
        b,
        &supervisor_is,
        &page,
        &form,
        &[("a:case/opened_on", "2026-11-30")],
        "/field/submissions/{submission}/fix",
    )
    .await;
    let form = format!("{page}/reject");
    log.write(
        b,
        &supervisor_is,
        &page,
        &form,
        AS_IS,
        "/field/submissions/{submission}/reject",
    )
    .await;
    let form = format!("/field/devices/{}/revoke", world.field_device);
    log.write(
        b,
        &supervisor_is,
        "/field",
        &form,
        AS_IS,
        "/field/devices/{device}/revoke",
    )
    .await;

    // --- a visitor signs in, changes the password, signs out
    let b = &mut browser(&app);
    let me = Actor::user(app.user("analyst").id).as_str().to_string();
    let me = me.as_str();
    log.skip().await;
    assert_eq!(b.sign_in("analyst", DEMO_PASSWORD).await.status, 303);
    log.record("/signin", me).await;
    let password = [
        ("current", DEMO_PASSWORD),
        ("new", "Rumonge-2026-safe"),
        ("repeat", "Rumonge-2026-safe"),
    ];
    let route = "/account/password";
    log.write(b, me, route, route, &password, route).await;
    assert_eq!(b.sign_in("analyst", "Rumonge-2026-safe").await.status, 303);
    // The analyst sets up a second factor of their own accord, then signs in with it.
    let page = b.get("/account/second-factor").await.body;
    let secret = page
        .split("<code id=\"secret\">")
        .nth(1)
        .and_then(|r| r.split("</code>").next())
        .expect("the secret on the enrolment page")
        .to_string();
    let code_at = |offset: i64| {
        let key = base32_decode(&secret);
        let step = tabara_core::totp::step_of(chrono::Utc::now().timestamp()) + offset;
        format!("{:06}", tabara_core::totp::code_at(&key, step))
    };
    let route = "/account/second-factor";
    log.write_on(b, me, &page, route, &[("code", code_at(0))], route)
        .await;
    log.write(b, me, "/", "/signout", AS_IS, "/signout").await;
    let r = b.sign_in("analyst", "Rumonge-2026-safe").await;
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .starts_with("/signin/second-factor")
    );
    let route = "/signin/second-factor";
    log.write(b, me, route, route, &[("code", code_at(1))], route)
        .await;

    // Every POST route of the router is in the table, and every one was made.
    let posts: Vec<&str> = tabara_web::route_table()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    let declared: Vec<&str> = ACTIONS.iter().map(|(p, _)| *p).collect();
    let mut a = posts.clone();
    let mut b = declared.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "the write routes and their declared audit actions");
    let mut wrong = Vec::new();
    for (route, want) in ACTIONS {
        let (actor, entries) = log
            .appended
            .get(route)
            .unwrap_or_else(|| panic!("{route} not made"));
        let got: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
        if want.is_empty() && !entries.is_empty() {
            wrong.push(format!("{route} appended {got:?}, want nothing"));
        }
        for action in *want {
            match entries.iter().find(|e| e.action == *action) {
                None => wrong.push(format!("{route}: no {action} in {got:?}")),
                Some(e) if e.actor != *actor => {
                    wrong.push(format!("{route}: {action} by {}, want {actor}", e.actor))
                }
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    db.finish().await;
});

fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut buffer, mut bits, mut out) = (0u32, 0u32, Vec::new());
    for c in text.chars() {
        buffer = (buffer << 5) | ALPHABET.find(c).expect("base32") as u32;
        bits += 5;
        if bits >= 8 {
            out.push((buffer >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    out
}
