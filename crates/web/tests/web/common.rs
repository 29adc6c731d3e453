//! What every module of the web tests shares: the server started on a demo register, a
//! browser-like client, sign-in and fixture helpers.

pub(crate) use std::collections::HashMap;

pub(crate) use reqwest::redirect::Policy;
pub(crate) use tabara_core::Role;
pub(crate) use tabara_core::ids::{OfficeId, OrganisationId};
pub(crate) use tabara_demo::{DEMO_PASSWORD, Demo, DemoUser, Reference};
pub(crate) use tabara_store::testing::TestDb;
pub(crate) use tabara_store::{Actor, CaseFilter, PageRequest, Store, store_test};

pub(crate) struct App {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    pub(crate) reference: Reference,
    pub(crate) _stop: tokio::sync::oneshot::Sender<()>,
}

/// A browser-like client: keeps its cookies, does not follow redirects.
pub(crate) struct Browser<'a> {
    pub(crate) app: &'a App,
    pub(crate) cookies: HashMap<String, String>,
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl Browser<'_> {
    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) fn keep(&mut self, headers: &reqwest::header::HeaderMap) {
        for v in headers.get_all(reqwest::header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") || val.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
    }

    pub(crate) async fn reply(&mut self, r: reqwest::Response) -> Reply {
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        self.keep(&headers);
        Reply {
            status,
            location: headers
                .get("location")
                .map(|l| l.to_str().unwrap().to_string()),
            headers,
            body: r.text().await.unwrap(),
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Reply {
        let r = self
            .app
            .http
            .get(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.reply(r).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        let r = self
            .app
            .http
            .post(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.reply(r).await
    }

    /// The value of the last hidden `csrf` field of a page (the page's own form).
    pub(crate) fn csrf(body: &str) -> String {
        body.split("name=\"csrf\" value=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .filter(|v| !v.is_empty())
            .last()
            .unwrap_or_default()
    }

    pub(crate) async fn sign_in(&mut self, username: &str, password: &str) -> Reply {
        let page = self.get("/signin").await;
        let csrf = Self::csrf(&page.body);
        self.post(
            "/signin",
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ],
        )
        .await
    }

    /// Sign in with the demo password, and check that it worked: a test that goes on as an
    /// anonymous visitor would see only the sign-in page, and pass many a negative check.
    pub(crate) async fn signed_in(&mut self, username: &str) {
        let r = self.sign_in(username, DEMO_PASSWORD).await;
        assert_eq!(
            (r.status, r.location.as_deref()),
            (303, Some("/")),
            "{username} signs in"
        );
    }

    /// The token of the form on the page at `path`.
    pub(crate) async fn csrf_of(&mut self, path: &str) -> String {
        Self::csrf(&self.get(path).await.body)
    }

    /// Switch the session's language to `lang`, and come back to `back`.
    pub(crate) async fn lang(&mut self, csrf: &str, lang: &str, back: &str) -> Reply {
        self.post("/lang", &[("lang", lang), ("csrf", csrf), ("back", back)])
            .await
    }

    /// Post a form read at `version`: its token, that version, and `fields`.
    pub(crate) async fn post_versioned(
        &mut self,
        path: &str,
        csrf: &str,
        version: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        self.post_with(path, &[("csrf", csrf), ("version", version)], fields)
            .await
    }

    /// Post the fields `first`, then `fields`.
    pub(crate) async fn post_with(
        &mut self,
        path: &str,
        first: &[(&str, &str)],
        fields: &[(&str, &str)],
    ) -> Reply {
        let form = [first, fields].concat();
        self.post(path, &form).await
    }

    /// Post fields held in any kind of string.
    /// Post a multipart form: `fields` in order, then `file` (name, declared type, bytes)
    /// when given, as a browser sends a form with `enctype="multipart/form-data"`.
    pub(crate) async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Reply {
        let boundary = "----tabara-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, kind, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                     filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let r = self
            .app
            .http
            .post(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        self.reply(r).await
    }

    /// The bytes of a page or file, with its status and headers.
    pub(crate) async fn get_bytes(
        &mut self,
        path: &str,
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let r = self
            .app
            .http
            .get(format!("{}{path}", self.app.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    pub(crate) async fn post_fields<K: AsRef<str>, V: AsRef<str>>(
        &mut self,
        path: &str,
        fields: &[(K, V)],
    ) -> Reply {
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        self.post(path, &form).await
    }
}

pub(crate) async fn start(db: &TestDb) -> App {
    start_with(db, tabara_web::Config::default()).await
}

pub(crate) async fn start_with(db: &TestDb, config: tabara_web::Config) -> App {
    serve(db, Demo::new(9, 300), config).await
}

/// The register `demo` makes, written to `db` and served on a free port. The pages' tests sign
/// in with the password alone: the second factor is off here, and on in `second_factor.rs`,
/// which serves with [`serve_exact`].
pub(crate) async fn serve(db: &TestDb, demo: Demo, config: tabara_web::Config) -> App {
    let config = tabara_web::Config {
        second_factor: tabara_core::totp::SecondFactorPolicy::none(),
        ..config
    };
    serve_exact(db, demo, config).await
}

/// [`serve`] with the configuration as given.
pub(crate) async fn serve_exact(db: &TestDb, mut demo: Demo, config: tabara_web::Config) -> App {
    let store: Store = db.store.clone();
    let actor = Actor::system("test");
    let reference = demo.reference().clone();
    let hash = tabara_core::password::hash_password(DEMO_PASSWORD);
    reference.write(&store, &actor, &hash).await.unwrap();
    while let Some(batch) = demo.next_batch(300) {
        store.bulk_insert(&actor, &batch).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(tabara_web::serve_on(listener, store, config, async {
        let _ = stopped.await;
    }));
    App {
        base,
        http: reqwest::Client::builder()
            .redirect(Policy::none())
            .build()
            .unwrap(),
        reference,
        _stop: stop,
    }
}

impl App {
    /// The demo agency whose name contains `part`.
    pub(crate) fn org(&self, part: &str) -> OrganisationId {
        self.reference
            .organisations
            .iter()
            .find(|o| o.name.contains(part))
            .unwrap_or_else(|| panic!("no organisation {part}"))
            .id
    }

    /// The demo office named `name`.
    pub(crate) fn office(&self, name: &str) -> OfficeId {
        self.reference
            .offices
            .iter()
            .find(|o| o.name == name)
            .unwrap_or_else(|| panic!("no office {name}"))
            .id
    }

    /// The demo account `username`.
    pub(crate) fn user(&self, username: &str) -> &DemoUser {
        user_of(&self.reference, username)
    }
}

fn user_of<'a>(reference: &'a Reference, username: &str) -> &'a DemoUser {
    reference
        .users
        .iter()
        .find(|u| u.username == username)
        .unwrap_or_else(|| panic!("no demo user {username}"))
}

pub(crate) fn browser(app: &App) -> Browser<'_> {
    Browser {
        app,
        cookies: HashMap::new(),
    }
}

/// A new browser, signed in as the demo user `username` (checked).
pub(crate) async fn signed_in<'a>(app: &'a App, username: &str) -> Browser<'a> {
    let mut b = browser(app);
    b.signed_in(username).await;
    b
}

/// A sign-in attempt from a new browser.
pub(crate) async fn fresh_sign_in(app: &App, username: &str, password: &str) -> Reply {
    browser(app).sign_in(username, password).await
}

pub(crate) async fn api_token(db: &TestDb, username: &str) -> String {
    let user = db.store.user_by_username(username).await.unwrap().unwrap();
    let token = format!("tbr_test_{}", user.id.0.simple());
    let hash = tabara_store::token_hash(&token);
    db.store
        .create_api_token(&Actor::system("test"), user.id, &hash, "test client", None)
        .await
        .unwrap();
    token
}

/// A new case of a girl of 16 in child labour, as an officer types it (with the token, and the
/// office where the form asks for one).
pub(crate) const CHILD_INTAKE: &[(&str, &str)] = &[
    ("opened_on", "2026-01-15"),
    ("first_name", "Espérance"),
    ("second_name", "Niyonzima"),
    ("age", "16"),
    ("gender", "Feminine"),
    ("citizenship", "BI"),
    ("exploitation", "ChildLabour"),
    ("consent", "1"),
];

/// Register `person`, with `identity`, in the case `case` as `involvement`.
pub(crate) async fn add_person(
    db: &TestDb,
    case: tabara_core::ids::CaseId,
    person: &tabara_core::records::Person,
    identity: &tabara_core::records::PersonIdentity,
    involvement: &tabara_core::records::Involvement,
) {
    let actor = Actor::system("test");
    db.store
        .create_person(&actor, person, identity)
        .await
        .unwrap();
    db.store
        .add_case_person(&actor, case, person.id, involvement)
        .await
        .unwrap();
}

/// The first cases the demo user `username` can see.
pub(crate) async fn cases_of(
    db: &TestDb,
    app: &App,
    username: &str,
    n: i64,
) -> Vec<tabara_store::CaseSummary> {
    cases_seen(db, &app.reference, username, n).await
}

/// The first `n` cases the demo user `username` of `reference` can see.
pub(crate) async fn cases_seen(
    db: &TestDb,
    reference: &Reference,
    username: &str,
    n: i64,
) -> Vec<tabara_store::CaseSummary> {
    db.store
        .list_cases(
            &CaseFilter {
                visible_to: Some(user_of(reference, username).viewer()),
                ..Default::default()
            },
            PageRequest {
                after: None,
                limit: n,
            },
        )
        .await
        .unwrap()
        .items
}

/// The first of the 50 first cases `username` sees that has a victim, and that victim.
pub(crate) async fn case_with_victim(
    db: &TestDb,
    reference: &Reference,
    username: &str,
) -> (tabara_store::CaseSummary, tabara_store::CasePerson) {
    for case in cases_seen(db, reference, username, 50).await {
        let persons = db.store.case_persons(case.id).await.unwrap();
        if let Some(v) = persons
            .into_iter()
            .find(|p| p.involvement.role() == tabara_core::records::PersonRole::Victim)
        {
            return (case, v);
        }
    }
    panic!("{username} reaches no case with a victim");
}

/// A one-day session of `organiser` on the legal frameworks, and its certificate for
/// `holder`, who attended and passed.
pub(crate) async fn certified(
    db: &TestDb,
    organiser: OrganisationId,
    title: &str,
    holder: &str,
    sex: tabara_core::htcds::Gender,
) -> (
    tabara_store::TrainingSession,
    tabara_store::CertificateRecord,
) {
    let actor = Actor::system("test");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let session = db
        .store
        .create_training_session(
            &actor,
            &tabara_store::NewTrainingSession {
                id: tabara_core::ids::TrainingSessionId::new(),
                title: title.into(),
                starts_on: day,
                ends_on: day,
                venue: "Bujumbura".into(),
                organiser_id: organiser,
                funding: None,
                modules: vec![tabara_store::SessionModule {
                    module: "legal_frameworks".into(),
                    facilitator_id: None,
                }],
                trainers: vec![],
                rule: tabara_core::training::CompletionRule::default(),
            },
        )
        .await
        .unwrap();
    let p = db
        .store
        .add_participant(
            &actor,
            &tabara_store::NewParticipant {
                id: tabara_core::ids::ParticipantId::new(),
                session_id: session.id,
                user_id: None,
                full_name: holder.into(),
                rank: None,
                unit: None,
                office_id: None,
                sex,
            },
        )
        .await
        .unwrap();
    db.store
        .set_attendance(&actor, p.id, day, true)
        .await
        .unwrap();
    db.store
        .set_scores(&actor, p.id, 1, Some(50), Some(90))
        .await
        .unwrap();
    let cert = db.store.issue_certificate(&actor, p.id).await.unwrap();
    (session, cert)
}

/// The first of the `n` first cases `username` sees that `pred` accepts.
pub(crate) async fn case_where(
    db: &TestDb,
    app: &App,
    username: &str,
    n: i64,
    pred: impl Fn(&tabara_store::CaseSummary) -> bool,
) -> tabara_store::CaseSummary {
    cases_of(db, app, username, n)
        .await
        .into_iter()
        .find(|c| pred(c))
        .unwrap_or_else(|| panic!("no such case among the {n} first of {username}"))
}

/// The value of the hidden field `name` in a page.
pub(crate) fn hidden(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// How many times the identity of `person` was read, by anyone.
pub(crate) async fn identity_reads(db: &TestDb, person: tabara_core::ids::PersonId) -> usize {
    db.store
        .audit_trail("person", &person.to_string())
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "person_identity.read")
        .count()
}

/// The one-time password an administrator's page hands over for `username`.
pub(crate) fn one_time_password(body: &str, username: &str) -> String {
    body.split(&format!("One-time password for {username}: "))
        .nth(1)
        .unwrap_or_else(|| panic!("no one-time password in {body}"))
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

/// After signing in with a one-time password: choose `new` on the only page that opens.
pub(crate) async fn choose_password(b: &mut Browser<'_>, new: &str) {
    let page = b.get("/account/password").await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("name=\"current\""), "{}", page.body);
    let csrf = Browser::csrf(&page.body);
    let r = b
        .post(
            "/account/password",
            &[("csrf", &csrf), ("new", new), ("repeat", new)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// The audit actions on the account `username`, oldest first.
pub(crate) async fn actions(db: &TestDb, username: &str) -> Vec<String> {
    let u = db.store.user_by_username(username).await.unwrap().unwrap();
    trail(db, "user", &u.id.to_string()).await
}

/// The audit actions on the record `id` of kind `kind`, oldest first.
pub(crate) async fn trail(db: &TestDb, kind: &str, id: &str) -> Vec<String> {
    db.store
        .audit_trail(kind, id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// What the audit log appended after `head`, which moves on to its end.
pub(crate) async fn audit_since(db: &TestDb, head: &mut i64) -> Vec<tabara_store::AuditEntry> {
    let mut entries = Vec::new();
    loop {
        let more = db.store.audit_entries(*head, 500).await.unwrap();
        let Some(last) = more.last() else {
            return entries;
        };
        *head = last.seq;
        entries.extend(more);
    }
}

/// The value of attribute `name` in the tag `tag` (`<input … name="x" …>`), entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The first form of a page whose `action` starts with `action`: its action as written and
/// the fields a browser would send unchanged (hidden and text inputs, checked boxes and
/// radios, each select's selected option or else its first, text areas).
pub(crate) fn form_fields(body: &str, action: &str) -> (String, Vec<(String, String)>) {
    let start = body
        .find(&format!("action=\"{action}"))
        .unwrap_or_else(|| panic!("no form to {action} in {body}"));
    let form = &body[start..];
    let form = &form[..form.find("</form>").expect("the form ends")];
    let written = attribute(&format!(" {form}"), "action").unwrap();
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(open) = rest.find('<') {
        rest = &rest[open..];
        let end = rest.find('>').expect("a tag ends");
        let tag = &rest[..end];
        let name = attribute(tag, "name");
        if let Some(name) = name {
            if tag.starts_with("<input") {
                let kind = attribute(tag, "type").unwrap_or_else(|| "text".into());
                let checked = tag.contains(" checked");
                if !matches!(kind.as_str(), "checkbox" | "radio") || checked {
                    fields.push((name, attribute(tag, "value").unwrap_or_default()));
                }
            } else if tag.starts_with("<select") {
                let options = &rest[..rest.find("</select>").expect("a select ends")];
                let values: Vec<(bool, String)> = options
                    .split("<option")
                    .skip(1)
                    .map(|o| {
                        let o = &o[..o.find('>').unwrap()];
                        (
                            o.contains(" selected"),
                            attribute(o, "value").unwrap_or_default(),
                        )
                    })
                    .collect();
                let chosen = values
                    .iter()
                    .find(|(selected, _)| *selected)
                    .or(values.first())
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                fields.push((name, chosen));
            } else if tag.starts_with("<textarea") {
                let text = &rest[end + 1..];
                let text = &text[..text.find("</textarea>").expect("a text area ends")];
                fields.push((name, unescape(text)));
            }
        }
        rest = &rest[end..];
    }
    (written, fields)
}

/// Set field `name` of a form to `value` (added when the form has no such field).
pub(crate) fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(field) => field.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

/// Where a sign-in from a new browser leads (`None`: it is refused).
pub(crate) async fn lands(app: &App, username: &str, password: &str) -> Option<String> {
    fresh_sign_in(app, username, password).await.location
}

/// An administrator's form on the account `username`: `reset`, `disable` or `enable`.
pub(crate) async fn account_form(
    admin: &mut Browser<'_>,
    csrf: &str,
    username: &str,
    what: &str,
) -> Reply {
    admin
        .post(
            &format!("/admin/users/{username}/{what}"),
            &[("csrf", csrf)],
        )
        .await
}

/// An administrator's decision on the account request `id`: `approve` or `refuse`.
pub(crate) async fn decide(admin: &mut Browser<'_>, csrf: &str, id: &str, what: &str) -> Reply {
    admin
        .post(&format!("/admin/requests/{id}/{what}"), &[("csrf", csrf)])
        .await
}

/// The new-account form, as an administrator posts it.
pub(crate) async fn create_account(
    admin: &mut Browser<'_>,
    csrf: &str,
    username: &str,
    display_name: &str,
    role: &str,
    organisation: &str,
    office: Option<&str>,
) -> Reply {
    let mut form = vec![
        ("csrf", csrf),
        ("username", username),
        ("display_name", display_name),
        ("role", role),
        ("organisation", organisation),
    ];
    form.extend(office.map(|o| ("office", o)));
    admin.post("/admin/users/new", &form).await
}

/// Share the case at `case_path` with `organisation` for `reason`, to read or for editing.
pub(crate) async fn share(
    b: &mut Browser<'_>,
    csrf: &str,
    case_path: &str,
    organisation: &str,
    reason: &str,
    may_edit: bool,
) -> Reply {
    let mut form = vec![
        ("csrf", csrf),
        ("organisation", organisation),
        ("reason", reason),
    ];
    if may_edit {
        form.push(("may_edit", "1"));
    }
    b.post(&format!("{case_path}/shares"), &form).await
}

/// Comment on the case at `case_path`.
pub(crate) async fn comment(b: &mut Browser<'_>, csrf: &str, case_path: &str, body: &str) -> Reply {
    b.post(
        &format!("{case_path}/comments"),
        &[("csrf", csrf), ("body", body)],
    )
    .await
}
