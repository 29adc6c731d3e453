//! The access matrix, generated from the router's route table: every (method, path) pair the
//! router serves, asked by a user of every role (of several agencies) and by an anonymous
//! visitor, on every record fixture of the route's kind. The fixtures meet every way of
//! reaching a case: the user's agency, office, a case shared to read, one shared for editing,
//! one assigned to a user, one of a child, and persons of each role.
//!
//! The expected answer comes from the policy written out in `policy.rs` from the documentation
//! of `crates/core/src/permissions.rs` and `docs/security.md` — never from `decide` or
//! `Store::relation`, which the server calls: a rule changed there and not here fails here;
//! the fixtures are in `world.rs`.
//! Every write route is tried by users it refuses too, and a refused write changes nothing
//! (the audit log keeps its length: every write is audited in its own transaction).

use std::collections::BTreeSet;

use crate::common::*;
use crate::policy::{Want, may_global, may_on_case, reaches, reads_identity, route_needs};
use crate::world::{Requester, Target, World, fill, targets, world};
use tabara_web::{Access, Kind, RouteInfo, route_table};

/// What the policy says `who` (None: anonymous) gets for `route` on `target`.
pub(crate) fn want(
    world: &World,
    route: &RouteInfo,
    who: Option<&Requester>,
    target: Target,
) -> Want {
    let api = route.path.starts_with("/api/");
    // A phone's routes take a device token or Digest credentials, never a session: 401 for
    // everyone here.
    if route.path.starts_with("/openrosa/") {
        return Want::Unauthorized;
    }
    // The field phones and submissions named in the path: their agency's supervisors only.
    if (route.path.starts_with("/field/devices/{device}")
        || route.path.starts_with("/field/submissions/{submission}"))
        && let Some(user) = who
    {
        return if user.role == Role::Supervisor && user.organisation == world.field_agency {
            Want::Allowed
        } else {
            Want::NotFound
        };
    }
    // The API's catch-all answers every path under it that is not a route: 404.
    if route.path.contains("{*") && (who.is_some() || route.access == Access::Public) {
        return Want::NotFound;
    }
    let Some(user) = who else {
        return match route.access {
            Access::Public => Want::Allowed,
            _ if api => Want::Unauthorized,
            _ => Want::SignIn,
        };
    };
    let gate = |ok: bool| if ok { Want::Allowed } else { Want::NotFound };
    if route.method == "POST" && route.path == "/signout" {
        return Want::SignedOut;
    }
    match route.access {
        // A notification is its recipient's alone.
        Access::SignedIn if route.path == "/notifications/{id}/read" => {
            gate(user.id == world.notification_recipient)
        }
        // Everyone in custody: the investigating services' list, or legal aid's clients.
        Access::SignedIn if matches!(route.path, "/custody" | "/api/v1/custody") => gate(matches!(
            user.role,
            Role::Supervisor | Role::Investigator | Role::Officer | Role::LegalAid
        )),
        // The dossiers sent to the office: its prosecutors'.
        // The lost and stolen list: who checks documents, and their supervisors.
        Access::SignedIn if matches!(route.path, "/documents/lost" | "/documents/suspect") => {
            gate(matches!(
                user.role,
                Role::Officer | Role::Investigator | Role::Supervisor
            ))
        }
        Access::SignedIn if matches!(route.path, "/dossiers" | "/api/v1/dossiers") => {
            gate(user.role == Role::Prosecutor)
        }
        Access::Public | Access::SignedIn => Want::Allowed,
        // A custody record through its case; else, to read, by the legal aid it was given to.
        Access::Record(Kind::Custody, action) => {
            let Target::Custody(i) = target else {
                unreachable!()
            };
            let c = &world.custodies[i];
            let rel = user.rel(&world.cases[c.case]);
            if reaches(user.role, rel) {
                if may_on_case(user.role, action, rel) {
                    Want::Allowed
                } else {
                    Want::Forbidden
                }
            } else if user.role == Role::LegalAid && c.legal_aid == Some(user.organisation) {
                if action == tabara_core::permissions::Action::ReadCase {
                    Want::Allowed
                } else {
                    Want::Forbidden
                }
            } else {
                Want::NotFound
            }
        }
        // A dossier through its case; else, to read, by the prosecutors it was sent to.
        Access::Record(Kind::Dossier, action) => {
            let Target::Dossier(i) = target else {
                unreachable!()
            };
            let d = &world.dossiers[i];
            let rel = user.rel(&world.cases[d.case]);
            if reaches(user.role, rel) {
                if may_on_case(user.role, action, rel) {
                    Want::Allowed
                } else {
                    Want::Forbidden
                }
            } else if user.role == Role::Prosecutor && d.sent_to == Some(user.organisation) {
                if action == tabara_core::permissions::Action::ReadCase {
                    Want::Allowed
                } else {
                    Want::Forbidden
                }
            } else {
                Want::NotFound
            }
        }
        Access::Global(action) => gate(may_global(user.role, action)),
        Access::Record(Kind::Case | Kind::Screening, action) => {
            let case = match target {
                Target::Case(c) | Target::Person(c, _) | Target::Screening(c) => &world.cases[c],
                Target::One | Target::Referral(_) | Target::Custody(_) | Target::Dossier(_) => {
                    unreachable!("not a case route")
                }
            };
            let rel = user.rel(case);
            if !reaches(user.role, rel) {
                Want::NotFound
            } else if may_on_case(user.role, action, rel) {
                Want::Allowed
            } else {
                Want::Forbidden
            }
        }
        // A person of a case the user may not act on this way is out of reach: 404.
        Access::Record(Kind::CasePerson, action) => {
            let Target::Person(c, p) = target else {
                unreachable!()
            };
            let rel = user.rel(&world.cases[c]);
            let through = gate(may_on_case(user.role, action, rel));
            // A file about a person, the person's access report and a travel document's
            // comparison with the record are for whom reads that person's identity; others who
            // reach the person get 403.
            if through == Want::Allowed
                && (route.path.ends_with("/files/{file}")
                    || route.path.ends_with("/report")
                    || route.path.ends_with("/documents/compare")
                    || route.path.ends_with("/documents/{document}"))
                && !reads_identity(user.role, rel, world.cases[c].persons[p].1)
            {
                return Want::Forbidden;
            }
            through
        }
        // A support plan: through the case, or by the assignee or a supervisor of the agency an
        // accepted or in-progress referral of the person is addressed to (in a role that works
        // with persons), as on a case shared with it for editing.
        Access::Record(Kind::SupportPerson, action) => {
            let Target::Person(c, p) = target else {
                unreachable!()
            };
            let case = &world.cases[c];
            let person = case.persons[p].0;
            let works_with_persons =
                !matches!(user.role, Role::Admin | Role::Analyst | Role::Trainer);
            let receiver = world.referrals.iter().find(|r| {
                r.case == c
                    && r.person == person
                    && r.at_work
                    && user.organisation == r.recipient
                    && user.organisation != case.organisation
                    && works_with_persons
                    && (r.assignee == Some(user.id) || user.role == Role::Supervisor)
            });
            let through_case = may_on_case(user.role, action, user.rel(case));
            let through_referral = receiver.is_some_and(|r| {
                let rel = crate::policy::Rel {
                    shared: true,
                    shared_for_editing: true,
                    assigned: r.assignee == Some(user.id),
                    ..Default::default()
                };
                may_on_case(user.role, action, rel)
            });
            // Reaching the case decides alone: the referral only helps who does not reach it.
            if reaches(user.role, user.rel(case)) {
                gate(through_case)
            } else {
                gate(through_referral)
            }
        }
        // A referral: the sending agency through its case; the addressed agency's assignee
        // and supervisors (in a role that works with persons) once it is sent and until it is
        // declined or cancelled; nobody else.
        Access::Record(Kind::Referral, action) => {
            let Target::Referral(i) = target else {
                unreachable!()
            };
            let r = &world.referrals[i];
            let case = &world.cases[r.case];
            if user.organisation == case.organisation {
                let rel = user.rel(case);
                if !reaches(user.role, rel) {
                    Want::NotFound
                } else if may_on_case(user.role, action, rel) {
                    Want::Allowed
                } else {
                    Want::Forbidden
                }
            } else {
                let works_with_persons =
                    !matches!(user.role, Role::Admin | Role::Analyst | Role::Trainer);
                let receiver = user.organisation == r.recipient
                    && works_with_persons
                    && (r.assignee == Some(user.id) || user.role == Role::Supervisor);
                gate(receiver && r.shared_with_recipient)
            }
        }
        // A certificate's holder reaches it too.
        Access::Record(Kind::OwnCertificate, action) => {
            gate(user.id == world.certificate_holder || may_global(user.role, action))
        }
        // A provider's own agency reports its places free.
        Access::Record(Kind::OwnServiceProvider, action) => {
            gate(user.organisation == world.provider_agency || may_global(user.role, action))
        }
        // The other kinds are under a global action: anyone else gets the 404 of a missing one.
        Access::Record(_, action) => gate(may_global(user.role, action)),
    }
}

/// One request as the route's client sends it: pages with the browser's cookies (a form with
/// the session's token and nothing else), the API with the user's bearer token.
pub(crate) async fn send<'a>(
    app: &App,
    route: &RouteInfo,
    path: &str,
    who: Option<&mut Requester<'a>>,
    anonymous: &mut Browser<'a>,
    csrf: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    if route.path.starts_with("/api/") {
        let url = format!("{}{path}", app.base);
        let mut request = if route.method == "POST" {
            app.http
                .post(url)
                .header("content-type", "application/json")
                .body("{}")
        } else {
            app.http.get(url)
        };
        if let Some(user) = who {
            request = request.bearer_auth(&user.token);
        }
        return anonymous.reply(request.send().await.unwrap()).await;
    }
    let (browser, token) = match who {
        Some(user) => {
            let token = csrf.map(str::to_string).unwrap_or(user.csrf.clone());
            (&mut user.browser, token)
        }
        None => {
            let token = match csrf {
                Some(t) => t.to_string(),
                None => anonymous.csrf_of("/signin").await,
            };
            (anonymous, token)
        }
    };
    let mut form: Vec<(&str, &str)> = extra.to_vec();
    if !token.is_empty() {
        form.push(("csrf", &token));
    }
    if route.body == tabara_web::Body::Multipart {
        // The token first, as the page's form sends it; a small PDF as the file.
        let mut fields: Vec<(&str, &str)> = Vec::new();
        if !token.is_empty() {
            fields.push(("csrf", &token));
        }
        fields.extend(extra.iter().copied());
        let pdf = b"%PDF-1.4\n%%EOF\n";
        return browser
            .post_multipart(path, &fields, Some(("matrix.pdf", "application/pdf", pdf)))
            .await;
    }
    match route.method {
        "GET" => browser.get(path).await,
        "POST" => browser.post(path, &form).await,
        other => panic!("{}: method {other}", route.path),
    }
}

/// The audit log's last position, moved on to its end: how many entries were appended since
/// `head` was last moved.
pub(crate) async fn audit_grown(db: &TestDb, head: &mut i64) -> usize {
    audit_since(db, head).await.len()
}

/// Keep the account request waiting: an administrator's approval or refusal decides it, so
/// the next administrator gets a new one.
async fn keep_request_waiting(db: &TestDb, world: &mut World<'_>) {
    let waiting = db.store.pending_account_requests(500).await.unwrap();
    if !waiting.iter().any(|r| r.id == world.request) {
        world.request = db
            .store
            .request_reset(world.requester, world.pending_user)
            .await
            .unwrap();
    }
}

store_test!(access_matrix_from_the_route_table, |db| async move {
    let app = start(&db).await;
    let mut world = world(&db, &app).await;
    let mut routes = route_table();
    let all: BTreeSet<(&str, &str)> = routes.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        all.len(),
        routes.len(),
        "a (method, path) pair declared twice"
    );
    // Each route declares what its area needs, as the policy says it from the path alone.
    let misdeclared: Vec<String> = routes
        .iter()
        .filter(|r| route_needs(r.method, r.path) != Some(r.access))
        .map(|r| {
            format!(
                "{} {}: declared {:?}, the policy says {:?}",
                r.method,
                r.path,
                r.access,
                route_needs(r.method, r.path)
            )
        })
        .collect();
    assert!(misdeclared.is_empty(), "{}", misdeclared.join("\n"));
    // Reads first, then writes (an allowed write may revoke or decide what a read needs);
    // signing out last, since it ends the session.
    routes.sort_by_key(|r| (r.method == "POST", r.path == "/signout"));
    let mut anonymous = browser(&app);
    let mut head = 0;
    let mut wrong = Vec::new();
    let mut covered = BTreeSet::new();
    let mut cells = 0usize;
    // Per write route: refused signed-in users that changed nothing.
    let mut refused_writes: BTreeSet<&str> = BTreeSet::new();
    let mut anonymous_writes: BTreeSet<&str> = BTreeSet::new();
    let mut identity_cells = 0usize;
    let mut answers: std::collections::BTreeMap<String, usize> = Default::default();
    for route in &routes {
        for target in targets(&world, route) {
            let path = fill(&world, route, target);
            for who in std::iter::once(None).chain((0..world.users.len()).map(Some)) {
                if route.path.starts_with("/admin/requests/") {
                    keep_request_waiting(&db, &mut world).await;
                }
                let path = if route.path.starts_with("/admin/requests/") {
                    fill(&world, route, target)
                } else {
                    path.clone()
                };
                let expected = want(&world, route, who.map(|i| &world.users[i]), target);
                let person = match target {
                    Target::Person(c, p)
                        if route.method == "GET"
                            && route.path == "/cases/{number}/persons/{person}" =>
                    {
                        Some(world.cases[c].persons[p])
                    }
                    _ => None,
                };
                let reads_before = match person {
                    Some((id, _)) if who.is_some() => identity_reads(&db, id).await,
                    _ => 0,
                };
                if route.method == "POST" {
                    audit_grown(&db, &mut head).await;
                }
                let reply = send(
                    &app,
                    route,
                    &path,
                    who.map(|i| &mut world.users[i]),
                    &mut anonymous,
                    None,
                    &[],
                )
                .await;
                let appended = if route.method == "POST" {
                    audit_grown(&db, &mut head).await
                } else {
                    0
                };
                cells += 1;
                *answers.entry(format!("{expected:?}")).or_default() += 1;
                covered.insert((route.method, route.path));
                let name = who.map_or("anonymous".to_string(), |i| {
                    format!("{} ({})", world.users[i].username, world.users[i].role)
                });
                let record = match target {
                    Target::Case(c) | Target::Screening(c) => world.cases[c].label.to_string(),
                    Target::Referral(i) => world.referrals[i].label.to_string(),
                    Target::Custody(i) => world.custodies[i].label.to_string(),
                    Target::Dossier(i) => world.dossiers[i].label.to_string(),
                    Target::Person(c, p) => format!(
                        "{} of {}",
                        world.cases[c].persons[p].1, world.cases[c].label
                    ),
                    Target::One => String::new(),
                };
                if !expected.matches(&path, reply.status, reply.location.as_deref()) {
                    wrong.push(format!(
                        "{name} {} {path} [{record}]: {} {:?}, want {expected:?}",
                        route.method, reply.status, reply.location
                    ));
                }
                // A page or document let through is the page itself (a public one for the
                // visitor too).
                if route.method == "GET" && expected == Want::Allowed && reply.status != 200 {
                    wrong.push(format!(
                        "{name} GET {path} [{record}]: {}, want 200",
                        reply.status
                    ));
                }
                if route.method == "POST" && expected.refused() {
                    if appended != 0 {
                        wrong.push(format!(
                            "{name} {} {path} [{record}]: refused, yet the audit log grew by \
                             {appended}",
                            route.method
                        ));
                    } else if who.is_some() {
                        refused_writes.insert(route.path);
                    } else {
                        anonymous_writes.insert(route.path);
                    }
                }
                // A person's page shows the identity, and audits its read, exactly when the
                // role reads that kind of person on that case.
                if let (Some((id, person_role)), Some(i), Target::Person(c, _)) =
                    (person, who, target)
                {
                    let user = &world.users[i];
                    let allowed = reads_identity(user.role, user.rel(&world.cases[c]), person_role);
                    let shows = reply.status == 200
                        && !reply.body.contains("does not give access to this person");
                    let audited = identity_reads(&db, id).await - reads_before;
                    if shows != allowed || audited != usize::from(allowed) {
                        wrong.push(format!(
                            "{name} identity of the {record}: shown={shows}, audited={audited}, \
                             allowed={allowed}"
                        ));
                    }
                    if reply.status == 200 && reply.body.contains("person-identity-hidden") {
                        wrong.push(format!("{name} sees a raw key on {path}"));
                    }
                    identity_cells += 1;
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong cells:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Signed out (the last route asked): the sessions no longer open pages.
    for user in &mut world.users {
        let home = user.browser.get("/").await;
        assert_eq!(home.status, 303, "{} is signed out", user.username);
    }
    assert_eq!(
        covered, all,
        "every (method, path) pair of the route table is asked"
    );
    // Every write is refused to somebody, and that refusal changed nothing: a signed-in user
    // the role or the relation refuses, or (for the writes of any signed-in user) anonymous.
    for route in routes.iter().filter(|r| r.method == "POST") {
        let tried = match route.access {
            Access::Global(_) | Access::Record(..) => refused_writes.contains(route.path),
            Access::SignedIn => anonymous_writes.contains(route.path),
            Access::Public => true,
        };
        assert!(
            tried,
            "POST {} is never tried by a refused user",
            route.path
        );
    }
    assert_eq!(
        identity_cells,
        world.cases.iter().map(|c| c.persons.len()).sum::<usize>() * world.users.len(),
        "identity cells"
    );
    // Every kind of answer is met, so no branch of the policy goes untried.
    for want in [
        "Allowed",
        "NotFound",
        "Forbidden",
        "SignIn",
        "Unauthorized",
        "SignedOut",
    ] {
        assert!(
            answers.get(want).is_some_and(|n| *n > 0),
            "no cell wants {want}"
        );
    }
    eprintln!(
        "access matrix: {} (method, path) pairs, {cells} cells ({answers:?}), {} users and \
         anonymous",
        all.len(),
        world.users.len()
    );
    db.finish().await;
});
