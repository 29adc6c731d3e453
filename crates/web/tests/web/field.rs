//! Offline field capture (issue 16): every generated form passes ODK Validate (JavaRosa, the
//! engine ODK Collect runs); a client that follows the OpenRosa contract as Collect does
//! (formList, download, `HEAD` preflight, Digest challenge, multipart posts split in parts,
//! retries after a dropped connection) drives the server; the same instance posted three times
//! and at once makes one record; another instance with the same id is a 409; a revoked device
//! is refused.

use std::io::Write as _;

use md5::{Digest as _, Md5};
use tokio::io::AsyncWriteExt as _;

use crate::common::*;

/// ODK Validate's jar: `TABARA_ODK_VALIDATE`, or the one pyxform ships (`.ci/run` installs
/// pyxform from PyPI).
fn odk_validate() -> std::path::PathBuf {
    if let Ok(p) = std::env::var("TABARA_ODK_VALIDATE") {
        return p.into();
    }
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import pyxform.validators.odk_validate as v; print(v.ODK_VALIDATE_PATH)",
        ])
        .output()
        .expect("python3 runs (.ci/run installs pyxform)");
    assert!(
        out.status.success(),
        "pyxform is not installed (pip install pyxform): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().into()
}

#[test]
fn every_generated_form_passes_odk_validate() {
    let jar = odk_validate();
    let dir = tempfile_dir();
    let recipients = [
        tabara_core::fieldforms::Recipient {
            id: uuid::Uuid::now_v7().to_string(),
            name: "UNICEF Burundi".into(),
        },
        tabara_core::fieldforms::Recipient {
            id: uuid::Uuid::now_v7().to_string(),
            name: "OIM / IOM".into(),
        },
    ];
    let forms = tabara_web::render_forms(&recipients);
    assert_eq!(forms.len(), 4);
    for form in &forms {
        let path = dir.join(format!("{}.xml", form.id));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(form.xml.as_bytes())
            .unwrap();
        let out = std::process::Command::new("java")
            .args(["-Djava.awt.headless=true", "-jar"])
            .arg(&jar)
            .arg(&path)
            .output()
            .expect("java runs (.ci/run installs a Java runtime)");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success(),
            "{} fails ODK Validate:\n{said}",
            form.id
        );
        assert!(!said.contains("Warning"), "{}: {said}", form.id);
    }
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("tabara-forms-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn forms_carry_every_language_and_the_catalogues_questions() {
    let forms = tabara_web::rendered_forms();
    let screening = forms.iter().find(|f| f.id == "tabara_screening").unwrap();
    let catalogue = tabara_core::screening::Catalogue::embedded().unwrap();
    for i in &catalogue.indicators {
        assert!(
            screening.xml.contains(&format!("/{}:label", i.id)),
            "{}",
            i.id
        );
        assert!(
            screening
                .xml
                .contains(&tabara_core::fieldforms::escape(&i.question.fr))
        );
    }
    for s in &catalogue.minority_signs {
        assert!(screening.xml.contains(&format!("/age/{}:label", s.id)));
    }
    for f in forms {
        for lang in ["English (en)", "Français (fr)", "Ikirundi (rn)"] {
            assert!(
                f.xml.contains(&format!("lang=\"{lang}\"")),
                "{} {lang}",
                f.id
            );
        }
        assert!(f.xml.contains(&format!("version=\"{}\"", f.version)));
    }
}

/// A phone as ODK Collect is: one base address, Digest answered when challenged, a nonce kept
/// and counted, the preflight before each post.
struct Phone {
    base: String,
    http: reqwest::Client,
    login: Option<(String, String)>,
    nonce: Option<String>,
    nc: u32,
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Phone {
    fn with_token(app: &App, token: &str) -> Phone {
        Phone {
            base: format!("{}/openrosa/key/{token}", app.base),
            http: app.http.clone(),
            login: None,
            nonce: None,
            nc: 0,
        }
    }

    fn with_login(app: &App, agency: OrganisationId, login: &str, password: &str) -> Phone {
        Phone {
            base: format!("{}/openrosa/agency/{agency}", app.base),
            http: app.http.clone(),
            login: Some((login.into(), password.into())),
            nonce: None,
            nc: 0,
        }
    }

    fn authorization(&mut self, method: &str, uri: &str) -> Option<String> {
        let (login, password) = self.login.clone()?;
        let nonce = self.nonce.clone()?;
        self.nc += 1;
        let nc = format!("{:08x}", self.nc);
        let cnonce = format!("{:x}", Md5::digest(format!("{}{}", self.nc, uri)));
        let response =
            tabara_web::digest_response(&login, &password, method, uri, &nonce, &nc, &cnonce);
        Some(format!(
            "Digest username=\"{login}\", realm=\"Tabara\", nonce=\"{nonce}\", uri=\"{uri}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\", algorithm=MD5"
        ))
    }

    fn learn(&mut self, headers: &reqwest::header::HeaderMap) -> bool {
        let Some(challenge) = headers
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("Digest"))
        else {
            return false;
        };
        let nonce = challenge
            .split("nonce=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap();
        self.nonce = Some(nonce.to_string());
        self.nc = 0;
        true
    }

    async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: Option<(String, Vec<u8>)>,
    ) -> Answer {
        // Collect adds ?deviceID= to every request; the server must ignore it.
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}deviceID=collect%3Atest");
        let url = format!("{}{path}", self.base);
        let uri = url.split_once("//").unwrap().1;
        let uri = &uri[uri.find('/').unwrap()..];
        for attempt in 0..2 {
            let mut r = self
                .http
                .request(method.clone(), &url)
                .header("x-openrosa-version", "1.0");
            if let Some(a) = self.authorization(method.as_str(), uri) {
                r = r.header("authorization", a);
            }
            if let Some((kind, bytes)) = &body {
                r = r.header("content-type", kind).body(bytes.clone());
            }
            let reply = r.send().await.unwrap();
            let status = reply.status().as_u16();
            let headers = reply.headers().clone();
            let text = reply.text().await.unwrap();
            if attempt == 0 && status == 401 && self.login.is_some() && self.learn(&headers) {
                continue;
            }
            return Answer {
                status,
                headers,
                body: text,
            };
        }
        unreachable!("the second attempt returns")
    }

    async fn get(&mut self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None).await
    }

    /// The preflight, then the post of `xml` with `files`, as one part of a submission
    /// (`incomplete` when more parts follow).
    async fn submit(&mut self, xml: &str, files: &[(&str, &[u8])], incomplete: bool) -> Answer {
        let head = self.send(reqwest::Method::HEAD, "/submission", None).await;
        assert_eq!(head.status, 204, "{:?} {}", head.headers, head.body);
        assert_eq!(head.headers["x-openrosa-version"], "1.0");
        assert_eq!(
            head.headers["x-openrosa-accept-content-length"],
            (10 * 1024 * 1024).to_string().as_str()
        );
        let (kind, body) = multipart(xml, files, incomplete);
        self.send(reqwest::Method::POST, "/submission", Some((kind, body)))
            .await
    }
}

const BOUNDARY: &str = "----collect-boundary-5f1c";

fn multipart(xml: &str, files: &[(&str, &[u8])], incomplete: bool) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    let mut part = |name: &str, file: &str, kind: &str, bytes: &[u8]| {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "xml_submission_file",
        "submission.xml",
        "text/xml",
        xml.as_bytes(),
    );
    for (name, bytes) in files {
        part(name, name, "image/jpeg", bytes);
    }
    if incomplete {
        part("*isIncomplete*", "", "text/plain", b"yes");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// The version of a form in a form list.
fn listed_version(list: &str, form: &str) -> String {
    let at = list.find(&format!("<formID>{form}</formID>")).unwrap();
    let rest = &list[at..];
    rest.split("<version>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

fn intake_xml(version: &str, instance: &str, first_name: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><data id=\"tabara_intake\" version=\"{version}\"><case><opened_on>2026-11-30</opened_on></case><person><first_name>{first_name}</first_name><second_name>Kaneza</second_name><birthdate/><age>24</age><age_uncertain>no</age_uncertain><gender>Feminine</gender><citizenship>BI</citizenship></person><victim><exploitation>ForcedLabour</exploitation><trafficking_status/></victim><consent><consent_read/><consent>yes</consent></consent><meta><instanceID>{instance}</instanceID><deprecatedID/></meta></data>"
    )
}

fn screening_xml(version: &str, instance: &str, age: &str, answers: &[(&str, &str)]) -> String {
    let catalogue = tabara_core::screening::Catalogue::embedded().unwrap();
    let mut groups = String::new();
    for screen in catalogue.screens() {
        groups.push_str(&format!("<{}>", screen.id.replace('-', "_")));
        for id in screen.indicator_ids() {
            let a = answers
                .iter()
                .find(|(k, _)| k == id)
                .map(|(_, v)| *v)
                .unwrap_or("");
            groups.push_str(&format!("<{id}>{a}</{id}>"));
        }
        groups.push_str(&format!("</{}>", screen.id.replace('-', "_")));
    }
    format!(
        "<?xml version=\"1.0\"?><data id=\"tabara_screening\" version=\"{version}\"><case><opened_on>2026-11-30</opened_on></case><person><first_name>Nshimirimana</first_name><second_name/><birthdate/><age>{age}</age><age_uncertain>yes</age_uncertain><gender>Masculine</gender><citizenship>BI</citizenship><document_photo>passport.jpg</document_photo></person><victim><exploitation/><trafficking_status/></victim><consent><consent_read/><consent>yes</consent></consent><age/><child/>{groups}<facts><act>yes</act></facts><meta><instanceID>{instance}</instanceID><deprecatedID/></meta></data>"
    )
}

fn jpeg() -> Vec<u8> {
    let mut v = vec![
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ];
    v.extend((0..20_000u32).map(|i| (i * 7 % 251) as u8));
    v
}

async fn device(db: &TestDb, app: &App, username: &str) -> tabara_store::field::IssuedDevice {
    let user = app.user(username);
    db.store
        .issue_field_device(
            &Actor::system("test"),
            user.organisation_id,
            user.id,
            "Kobero post, phone 1",
        )
        .await
        .unwrap()
}

async fn count(db: &TestDb, action: &str) -> usize {
    db.store
        .audit_entries(0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .count()
}

store_test!(
    a_phone_lists_downloads_and_submits_an_intake_once_however_often_it_sends,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let mut phone = Phone::with_token(&app, &issued.token);

        let list = phone.get("/formList").await;
        assert_eq!(list.status, 200, "{}", list.body);
        assert_eq!(list.headers["x-openrosa-version"], "1.0");
        assert!(
            list.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/xml")
        );
        assert!(
            list.body
                .contains("xmlns=\"http://openrosa.org/xforms/xformsList\"")
        );
        for id in ["tabara_intake", "tabara_screening"] {
            assert!(
                list.body.contains(&format!("<formID>{id}</formID>")),
                "{}",
                list.body
            );
        }
        // The hash is of the bytes the download serves; the link is absolute.
        let form = phone.get("/forms/tabara_intake").await;
        assert_eq!(form.status, 200);
        let hash = format!("md5:{:x}", Md5::digest(form.body.as_bytes()));
        assert!(list.body.contains(&hash), "{hash} not in {}", list.body);
        assert!(list.body.contains(&format!(
            "<downloadUrl>{}/forms/tabara_intake</downloadUrl>",
            phone.base
        )));
        let only = phone.get("/formList?formID=tabara_screening").await;
        assert!(!only.body.contains("tabara_intake") && only.body.contains("tabara_screening"));

        let version = listed_version(&list.body, "tabara_intake");
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let xml = intake_xml(&version, &instance, "Aline");
        let cases_before = count(&db, "case.create").await;
        let first = phone.submit(&xml, &[], false).await;
        assert_eq!(first.status, 201, "{}", first.body);
        assert!(
            first
                .body
                .contains("<OpenRosaResponse xmlns=\"http://openrosa.org/http/response\">")
        );
        // Sent again twice in sequence, then eight times at once: nothing new.
        for _ in 0..2 {
            let again = phone.submit(&xml, &[], false).await;
            assert_eq!(again.status, 202, "{}", again.body);
        }
        let mut at_once = Vec::new();
        for _ in 0..8 {
            let mut p = Phone::with_token(&app, &issued.token);
            let xml = xml.clone();
            at_once.push(tokio::spawn(async move {
                p.submit(&xml, &[], false).await.status
            }));
        }
        for h in at_once {
            assert_eq!(h.await.unwrap(), 202);
        }
        assert_eq!(count(&db, "case.create").await, cases_before + 1);
        let kept = db
            .store
            .field_submission_by_instance(&instance)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.state, tabara_store::field::SubmissionState::Accepted);
        let case = db.store.case(kept.case_id.unwrap()).await.unwrap();
        assert_eq!(case.owner_id, Some(app.user("officer").id));
        let identity = db
            .store
            .read_identity(&Actor::system("test"), kept.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(identity.0.first_name.as_deref(), Some("Aline"));

        // The same id with other answers is a conflict, and changes nothing.
        let other = phone
            .submit(&intake_xml(&version, &instance, "Alice"), &[], false)
            .await;
        assert_eq!(other.status, 409, "{}", other.body);
        assert!(other.body.contains("nature=\"error\""));
        assert_eq!(count(&db, "case.create").await, cases_before + 1);

        // A version never served is refused in words.
        let stale = phone
            .submit(
                &intake_xml("0000", &format!("uuid:{}", uuid::Uuid::now_v7()), "B"),
                &[],
                false,
            )
            .await;
        assert_eq!(stale.status, 400);

        // Revoked: the device is refused at once.
        db.store
            .revoke_field_device(&Actor::system("test"), issued.device.id)
            .await
            .unwrap();
        let head = phone.send(reqwest::Method::HEAD, "/submission", None).await;
        assert_eq!(head.status, 401);
        let (kind, body) = multipart(
            &intake_xml(&version, &format!("uuid:{}", uuid::Uuid::now_v7()), "C"),
            &[],
            false,
        );
        let refused = phone
            .send(reqwest::Method::POST, "/submission", Some((kind, body)))
            .await;
        assert_eq!(refused.status, 401);
        assert!(refused.body.contains("nature=\"error\""));
        assert_eq!(refused.headers["x-openrosa-version"], "1.0");
        assert_eq!(phone.get("/formList").await.status, 401);
    }
);

store_test!(
    a_screening_with_its_photo_sent_in_two_parts_becomes_a_completed_screening,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let agency = issued.device.organisation_id;
        let mut phone = Phone::with_login(&app, agency, &issued.device.login, &issued.token);
        let list = phone.get("/formList").await;
        assert_eq!(list.status, 200, "{}", list.body);
        let version = listed_version(&list.body, "tabara_screening");
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let xml = screening_xml(
            &version,
            &instance,
            "19",
            &[("act_recruited", "yes"), ("d4_hours", "yes")],
        );
        // The first part carries the XML alone and says more is coming; the second the photo.
        let first = phone.submit(&xml, &[], true).await;
        assert_eq!(first.status, 201, "{}", first.body);
        let photo = jpeg();
        let second = phone.submit(&xml, &[("passport.jpg", &photo)], false).await;
        assert_eq!(second.status, 201, "{}", second.body);
        let third = phone.submit(&xml, &[("passport.jpg", &photo)], false).await;
        assert_eq!(third.status, 202, "{}", third.body);

        let kept = db
            .store
            .field_submission_by_instance(&instance)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.state, tabara_store::field::SubmissionState::Accepted);
        let screening = db
            .store
            .screening(tabara_core::ids::ScreeningId(kept.record_id.unwrap()))
            .await
            .unwrap();
        assert_eq!(screening.state, tabara_store::ScreeningState::Completed);
        assert_eq!(screening.age.age, Some(19));
        assert!(screening.evaluation.is_some());
        // An estimate of 19 is presumed a child: the child pathway is open for them.
        let pathways = db.store.case_pathways(kept.case_id.unwrap()).await.unwrap();
        assert_eq!(pathways.len(), 1, "{pathways:?}");
        let files = db
            .store
            .files_of(kept.case_id.unwrap(), kept.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].size, photo.len() as u64);
    }
);

store_test!(
    digest_is_challenged_wrong_passwords_refused_and_basic_refused_without_tls,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let agency = issued.device.organisation_id;
        let base = format!("{}/openrosa/agency/{agency}", app.base);
        let bare = app
            .http
            .get(format!("{base}/formList"))
            .send()
            .await
            .unwrap();
        assert_eq!(bare.status(), 401);
        let challenge = bare.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            challenge.starts_with("Digest realm=\"Tabara\""),
            "{challenge}"
        );
        assert!(challenge.contains("qop=\"auth\"") && challenge.contains("domain="));
        assert_eq!(bare.headers()["x-openrosa-version"], "1.0");
        let mut wrong = Phone::with_login(&app, agency, &issued.device.login, "not-the-token");
        assert_eq!(wrong.get("/formList").await.status, 401);
        let basic = app
            .http
            .get(format!("{base}/formList"))
            .basic_auth(&issued.device.login, Some(&issued.token))
            .send()
            .await
            .unwrap();
        assert_eq!(basic.status(), 401);
        // Another agency's address: forbidden, even with the right credentials.
        let other = app.org("IOM");
        let mut elsewhere = Phone::with_login(&app, other, &issued.device.login, &issued.token);
        assert_eq!(elsewhere.get("/formList").await.status, 403);
        // Nothing under /openrosa answers a page, nor redirects.
        let missing = app
            .http
            .get(format!("{}/openrosa/nothing", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
        assert_eq!(missing.headers()["x-openrosa-version"], "1.0");
        assert!(
            missing.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/xml")
        );
    }
);

store_test!(
    a_post_cut_off_midway_keeps_nothing_and_the_retry_records_once,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        let version = listed_version(&list.body, "tabara_intake");
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let xml = intake_xml(&version, &instance, "Divine");
        let (kind, body) = multipart(&xml, &[("photo.jpg", &jpeg())], false);
        // Half the body, then the connection closes.
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /openrosa/key/{}/submission HTTP/1.1\r\nHost: {addr}\r\nX-OpenRosa-Version: 1.0\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\r\n",
            issued.token,
            body.len()
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&body[..body.len() / 2]).await.unwrap();
        tcp.shutdown().await.unwrap();
        drop(tcp);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(
            db.store
                .field_submission_by_instance(&instance)
                .await
                .unwrap()
                .is_none()
        );
        let cases_before = count(&db, "case.create").await;
        let retry = phone.submit(&xml, &[("photo.jpg", &jpeg())], false).await;
        assert_eq!(
            retry.status,
            201,
            "{} {:?}",
            retry.body,
            db.store
                .field_submission_by_instance(&instance)
                .await
                .unwrap()
        );
        assert_eq!(count(&db, "case.create").await, cases_before + 1);
    }
);

store_test!(
    an_invalid_submission_is_kept_with_its_reasons,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        let version = listed_version(&list.body, "tabara_intake");
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        // No name at all, and an opening date in the future.
        let xml = intake_xml(&version, &instance, "")
            .replace("<second_name>Kaneza</second_name>", "<second_name/>")
            .replace("2026-11-30", "2099-01-01");
        let r = phone.submit(&xml, &[], false).await;
        assert_eq!(r.status, 202, "{}", r.body);
        let kept = db
            .store
            .field_submission_by_instance(&instance)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.state, tabara_store::field::SubmissionState::Invalid);
        let fields: Vec<&str> = kept.reasons.iter().map(|r| r.field.as_str()).collect();
        assert!(fields.contains(&"prs_FirstName"), "{fields:?}");
        assert!(fields.contains(&"cas_OpenedOn"), "{fields:?}");
        // Kept, and readable by the audited path.
        let xml_back = db
            .store
            .field_submission_xml(&Actor::system("test"), kept.id)
            .await
            .unwrap();
        assert_eq!(xml_back, xml.as_bytes());
    }
);

/// `Fill.java` compiled against ODK Validate's jar, once per run, in a folder of its own.
fn javarosa_filler() -> (std::path::PathBuf, std::path::PathBuf) {
    let jar = odk_validate();
    let dir = tempfile_dir();
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/javarosa/Fill.java");
    let out = std::process::Command::new("javac")
        .arg("-nowarn")
        .arg("-cp")
        .arg(&jar)
        .arg("-d")
        .arg(&dir)
        .arg(&source)
        .output()
        .expect("javac runs (.ci/run installs a JDK)");
    assert!(
        out.status.success(),
        "Fill.java does not compile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (jar, dir)
}

/// The form filled by JavaRosa with `answers`: the instance it made and the questions it asked.
fn fill_with_javarosa(form: &str, answers: &[(&str, &str)]) -> (String, Vec<String>) {
    let (jar, dir) = javarosa_filler();
    std::fs::write(dir.join("form.xml"), form).unwrap();
    let tsv: String = answers.iter().map(|(k, v)| format!("{k}\t{v}\n")).collect();
    std::fs::write(dir.join("answers.tsv"), tsv).unwrap();
    let classpath = format!("{}:{}", jar.display(), dir.display());
    let out = std::process::Command::new("java")
        .args(["-Djava.awt.headless=true", "-cp", &classpath, "Fill"])
        .arg(dir.join("form.xml"))
        .arg(dir.join("answers.tsv"))
        .arg(dir.join("out.xml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "JavaRosa did not finalise the form: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let asked = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    (std::fs::read_to_string(dir.join("out.xml")).unwrap(), asked)
}

store_test!(
    a_screening_form_filled_by_javarosa_skips_as_the_child_rule_says_and_is_recorded,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        assert_eq!(list.status, 200);
        let form = phone.get("/forms/tabara_screening").await;
        assert_eq!(form.status, 200);
        let catalogue = tabara_core::screening::Catalogue::embedded().unwrap();
        let adult_only = catalogue
            .indicators
            .iter()
            .find(|i| i.adult.is_some() && i.child.is_none())
            .unwrap();
        // An indicator of the child list (the shipped catalogue has none that is on the child
        // list alone).
        let on_child_list = catalogue
            .indicators
            .iter()
            .find(|i| i.child.is_some() && i.id != "d4_hours")
            .unwrap();
        // A girl of 15, her age certain: a child, whose signs of minority are not asked.
        let answers = [
            ("opened_on", "2026-11-30"),
            ("first_name", "Irakoze"),
            ("age", "15"),
            ("age_uncertain", "no"),
            ("gender", "Feminine"),
            ("citizenship", "BI"),
            ("consent", "yes"),
            ("act_recruited", "yes"),
            ("d4_hours", "yes"),
            (on_child_list.id.as_str(), "yes"),
        ];
        let (instance, asked) = fill_with_javarosa(&form.body, &answers);
        assert!(asked.iter().any(|q| q == &on_child_list.id), "{asked:?}");
        assert!(!asked.iter().any(|q| q == &adult_only.id), "{asked:?}");
        for s in &catalogue.minority_signs {
            assert!(!asked.contains(&s.id), "{} asked of a certain age", s.id);
        }
        assert!(instance.contains("<child>yes</child>"), "{instance}");
        assert!(instance.contains("<instanceID>uuid:"), "{instance}");

        let sent = phone.submit(&instance, &[], false).await;
        assert_eq!(sent.status, 201, "{}", sent.body);
        let id = instance
            .split("<instanceID>")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        let kept = db
            .store
            .field_submission_by_instance(id)
            .await
            .unwrap()
            .unwrap();
        let screening = db
            .store
            .screening(tabara_core::ids::ScreeningId(kept.record_id.unwrap()))
            .await
            .unwrap();
        let evaluation = screening.evaluation.unwrap();
        assert_eq!(evaluation.list, tabara_core::screening::List::Child);
        assert_eq!(
            screening.answers.get(&on_child_list.id),
            Some(&tabara_core::screening::Answer::Yes)
        );

        // An adult of 35 whose age is an estimate, with a sign of minority: the signs are asked,
        // and the sign makes the engine treat the person as a child.
        let sign = &catalogue.minority_signs[0];
        let (instance, asked) = fill_with_javarosa(
            &form.body,
            &[
                ("opened_on", "2026-11-30"),
                ("first_name", "Niyonzima"),
                ("age", "35"),
                ("age_uncertain", "yes"),
                ("consent", "yes"),
                (sign.id.as_str(), "yes"),
            ],
        );
        assert!(asked.contains(&sign.id), "{asked:?}");
        assert!(instance.contains("<child>yes</child>"), "{instance}");
        // Without the sign, an adult: the adult list's questions are asked, the child's not.
        let (instance, asked) = fill_with_javarosa(
            &form.body,
            &[
                ("opened_on", "2026-11-30"),
                ("first_name", "Niyonzima"),
                ("age", "35"),
                ("age_uncertain", "yes"),
                ("consent", "yes"),
            ],
        );
        assert!(instance.contains("<child>no</child>"), "{instance}");
        assert!(asked.iter().any(|q| q == &adult_only.id), "{asked:?}");
        // Consent is required: JavaRosa will not finalise without it.
        let (jar, dir) = javarosa_filler();
        std::fs::write(dir.join("form.xml"), &form.body).unwrap();
        std::fs::write(dir.join("answers.tsv"), "opened_on\t2026-11-30\n").unwrap();
        let out = std::process::Command::new("java")
            .args([
                "-cp",
                &format!("{}:{}", jar.display(), dir.display()),
                "Fill",
            ])
            .arg(dir.join("form.xml"))
            .arg(dir.join("answers.tsv"))
            .arg(dir.join("out.xml"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
);

store_test!(
    a_phones_edit_applies_what_nobody_changed_and_keeps_both_values_where_someone_did,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "investigator").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        let version = listed_version(&list.body, "tabara_intake");
        let first = format!("uuid:{}", uuid::Uuid::now_v7());
        let xml = intake_xml(&version, &first, "Aline");
        assert_eq!(phone.submit(&xml, &[], false).await.status, 201);
        let kept = db
            .store
            .field_submission_by_instance(&first)
            .await
            .unwrap()
            .unwrap();
        let person = kept.person_id.unwrap();
        // On the web, someone corrects the first name meanwhile.
        let a = Actor::system("test");
        let (mut identity, v) = db.store.read_identity(&a, person).await.unwrap();
        identity.first_name = Some("Aline-Marie".into());
        db.store
            .update_identity(&a, person, v, &identity)
            .await
            .unwrap();
        // The phone, holding its copy, changes the first name and the age.
        let edit = format!("uuid:{}", uuid::Uuid::now_v7());
        let edited = intake_xml(&version, &edit, "Alina")
            .replace("<age>24</age>", "<age>25</age>")
            .replace(
                "<exploitation>ForcedLabour</exploitation>",
                "<exploitation>ForcedBegging</exploitation>",
            )
            .replace(
                "<deprecatedID/>",
                &format!("<deprecatedID>{first}</deprecatedID>"),
            );
        let r = phone.submit(&edited, &[], false).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert!(r.body.contains(" 1 "), "{}", r.body);
        // The age nobody touched is the phone's; the name changed on the web is kept, and the
        // phone's is kept beside it as a conflict.
        let after = db.store.person(person).await.unwrap();
        assert_eq!(after.facts.age_at_registration, Some(25));
        let (identity, _) = db.store.read_identity(&a, person).await.unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Aline-Marie"));
        let edit_kept = db
            .store
            .field_submission_by_instance(&edit)
            .await
            .unwrap()
            .unwrap();
        let conflicts = db.store.field_conflicts(edit_kept.id).await.unwrap();
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].field, "person/first_name");
        // The victim's type of exploitation, unchanged in Tabara, is the phone's now.
        let involved = db.store.case_persons(kept.case_id.unwrap()).await.unwrap();
        let tabara_core::records::Involvement::Victim(v) = &involved[0].involvement else {
            panic!("a victim");
        };
        assert!(
            v.exploitation_types
                .contains(tabara_core::htcds::ExploitationType::ForcedBegging)
        );
        assert_eq!(
            (
                conflicts[0].base.as_str(),
                conflicts[0].theirs.as_str(),
                conflicts[0].mine.as_str()
            ),
            ("Aline", "Aline-Marie", "Alina")
        );
        // No second case was opened, and the supervisor sees the conflict in words.
        assert_eq!(edit_kept.case_id, kept.case_id);
        assert_eq!(edit_kept.person_id, kept.person_id);
        let mut supervisor = signed_in(&app, "supervisor").await;
        let page = supervisor
            .get(&format!("/field/submissions/{}", edit_kept.id))
            .await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Aline-Marie") && page.body.contains("Alina"));
        // An edit of a form never received is refused.
        let orphan = intake_xml(&version, &format!("uuid:{}", uuid::Uuid::now_v7()), "X").replace(
            "<deprecatedID/>",
            "<deprecatedID>uuid:00000000-0000-0000-0000-000000000000</deprecatedID>",
        );
        assert_eq!(phone.submit(&orphan, &[], false).await.status, 400);
    }
);

store_test!(
    a_supervisor_issues_a_phone_with_its_qr_code_sees_what_it_sent_and_revokes_it,
    |db| async move {
        let app = start(&db).await;
        let mut supervisor = signed_in(&app, "supervisor").await;
        let page = supervisor.get("/field").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let csrf = Browser::csrf(&page.body);
        let officer = app.user("investigator");
        let issued = supervisor
            .post(
                "/field/devices",
                &[
                    ("csrf", csrf.as_str()),
                    ("label", "Poste de Kobero, téléphone 3"),
                    ("account", &officer.id.to_string()),
                ],
            )
            .await;
        assert_eq!(issued.status, 200, "{}", issued.body);
        assert!(issued.body.contains("<svg"), "the QR code");
        let token = issued
            .body
            .split("id=\"token\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        // The token works at once, and the phone's submission shows on the page.
        let mut phone = Phone::with_token(&app, &token);
        let list = phone.get("/formList").await;
        assert_eq!(list.status, 200);
        let version = listed_version(&list.body, "tabara_intake");
        let bad = intake_xml(&version, &format!("uuid:{}", uuid::Uuid::now_v7()), "")
            .replace("<second_name>Kaneza</second_name>", "<second_name/>");
        assert_eq!(phone.submit(&bad, &[], false).await.status, 202);
        let page = supervisor.get("/field?state=invalid").await;
        assert!(page.body.contains("Poste de Kobero, téléphone 3"));
        assert!(page.body.contains("state-invalid"), "{}", page.body);
        let sub = page
            .body
            .split("/field/submissions/")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let one = supervisor.get(&format!("/field/submissions/{sub}")).await;
        assert!(one.body.contains("prs_FirstName"), "{}", one.body);
        let reject = supervisor
            .post(
                &format!("/field/submissions/{sub}/reject"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(reject.status, 303);
        let one = supervisor.get(&format!("/field/submissions/{sub}")).await;
        assert!(one.body.contains("state-rejected"));
        // Revoked from the page: the phone is refused.
        let device = page
            .body
            .split("/field/devices/")
            .nth(1)
            .unwrap()
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let revoke = supervisor
            .post(
                &format!("/field/devices/{device}/revoke"),
                &[("csrf", csrf.as_str())],
            )
            .await;
        assert_eq!(revoke.status, 303);
        assert_eq!(phone.get("/formList").await.status, 401);
        // An officer does not reach the page; another agency's supervisor does not reach the
        // submission.
        let mut officer = signed_in(&app, "officer").await;
        assert_eq!(officer.get("/field").await.status, 404);
    }
);

store_test!(
    a_document_check_from_a_phone_is_recorded_on_the_person_with_its_photo,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "investigator").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        assert!(
            list.body.contains("<formID>tabara_document</formID>"),
            "{}",
            list.body
        );
        let intake = listed_version(&list.body, "tabara_intake");
        let first = format!("uuid:{}", uuid::Uuid::now_v7());
        assert_eq!(
            phone
                .submit(&intake_xml(&intake, &first, "Aline"), &[], false)
                .await
                .status,
            201
        );
        let kept = db
            .store
            .field_submission_by_instance(&first)
            .await
            .unwrap()
            .unwrap();
        let case = db.store.case(kept.case_id.unwrap()).await.unwrap();
        let reference = tabara_core::records::case_reference(case.number);
        let version = listed_version(&list.body, "tabara_document");
        let document = |instance: &str, name: &str| {
            format!(
                "<data id=\"tabara_document\" version=\"{version}\"><subject><case_number>{reference}</case_number><person_name>{name}</person_name></subject><document><doc_type>passport</doc_type><number>OP0012345</number><issuing_state>BDI</issuing_state><zone/><photo>page.jpg</photo><notes/></document><meta><instanceID>{instance}</instanceID><deprecatedID/></meta></data>"
            )
        };
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let r = phone
            .submit(
                &document(&instance, "aline"),
                &[("page.jpg", &jpeg())],
                false,
            )
            .await;
        assert_eq!(
            r.status,
            201,
            "{} {:?}",
            r.body,
            db.store
                .field_submission_by_instance(&instance)
                .await
                .unwrap()
        );
        let docs = db
            .store
            .document_summaries(case.id, kept.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(docs.len(), 1);
        let files = db
            .store
            .files_of(case.id, kept.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(files.len(), 1);
        // A name nobody in the case has: kept with the reason, nothing recorded.
        let other = format!("uuid:{}", uuid::Uuid::now_v7());
        let r = phone.submit(&document(&other, "Nobody"), &[], false).await;
        assert_eq!(r.status, 202, "{}", r.body);
        let kept = db
            .store
            .field_submission_by_instance(&other)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.reasons[0].field, "subject/person_name");
        // A case out of the account's reach reads as one that does not exist.
        let elsewhere = Phone::with_token(&app, &device(&db, &app, "officer").await.token);
        let mut elsewhere = elsewhere;
        let list = elsewhere.get("/formList").await;
        let version = listed_version(&list.body, "tabara_document");
        let far = format!("uuid:{}", uuid::Uuid::now_v7());
        let xml = document(&far, "Aline").replace(
            &format!(
                "version=\"{}\"",
                listed_version(&list.body, "tabara_document")
            ),
            &format!("version=\"{version}\""),
        );
        let r = elsewhere.submit(&xml, &[], false).await;
        assert_eq!(r.status, 202, "{}", r.body);
        let kept = db
            .store
            .field_submission_by_instance(&far)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(kept.reasons[0].field, "subject/case_number");
        assert_eq!(kept.reasons[0].rule, "not_found");
    }
);

store_test!(
    an_urgent_referral_from_a_phone_is_sent_under_the_consent_it_carries,
    |db| async move {
        use tabara_core::referral::ServiceType;
        let app = start(&db).await;
        let iom = app.org("IOM");
        crate::referrals::offers(&db, iom, &[ServiceType::Shelter, ServiceType::Medical]).await;
        let issued = device(&db, &app, "investigator").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        let intake = listed_version(&list.body, "tabara_intake");
        let first = format!("uuid:{}", uuid::Uuid::now_v7());
        assert_eq!(
            phone
                .submit(&intake_xml(&intake, &first, "Aline"), &[], false)
                .await
                .status,
            201
        );
        let kept = db
            .store
            .field_submission_by_instance(&first)
            .await
            .unwrap()
            .unwrap();
        let case = db.store.case(kept.case_id.unwrap()).await.unwrap();
        let reference = tabara_core::records::case_reference(case.number);
        // The referral form lists the directory's agencies; IOM among them.
        let form = phone.get("/forms/tabara_referral").await;
        assert_eq!(form.status, 200);
        assert!(
            form.body.contains(&format!("<value>{iom}</value>")),
            "{}",
            form.body
        );
        let version = listed_version(&list.body, "tabara_referral");
        let referral = |instance: &str, consent: &str, services: &str| {
            format!(
                "<data id=\"tabara_referral\" version=\"{version}\"><subject><case_number>{reference}</case_number><person_name>Aline</person_name></subject><referral><agency>{iom}</agency><services>{services}</services><urgency_reason>immediate_danger</urgency_reason></referral><consent><consent_read/><consent>{consent}</consent><given_by>person</given_by><language>rn</language><categories>facts identity</categories></consent><meta><instanceID>{instance}</instanceID><deprecatedID/></meta></data>"
            )
        };
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let r = phone
            .submit(&referral(&instance, "yes", "shelter medical"), &[], false)
            .await;
        assert_eq!(
            r.status,
            201,
            "{} {:?}",
            r.body,
            db.store
                .field_submission_by_instance(&instance)
                .await
                .unwrap()
                .map(|s| s.reasons)
        );
        let sent = db
            .store
            .field_submission_by_instance(&instance)
            .await
            .unwrap()
            .unwrap();
        let details = db
            .store
            .referral(tabara_core::ids::ReferralId(sent.record_id.unwrap()))
            .await
            .unwrap();
        assert_eq!(details.referral.recipient_id, iom);
        assert_eq!(
            details.referral.state,
            tabara_core::referral::ReferralState::Sent
        );
        // Without the person's consent, nothing is sent: kept with the reason.
        let refused = format!("uuid:{}", uuid::Uuid::now_v7());
        let r = phone
            .submit(&referral(&refused, "no", "shelter"), &[], false)
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
        let kept = db
            .store
            .field_submission_by_instance(&refused)
            .await
            .unwrap()
            .unwrap();
        assert!(
            kept.reasons.iter().any(|r| r.field == "con_Informed"),
            "{:?}",
            kept.reasons
        );
        // A service the agency does not offer: refused by the store's send rule, kept.
        let unoffered = format!("uuid:{}", uuid::Uuid::now_v7());
        let r = phone
            .submit(&referral(&unoffered, "yes", "livelihood"), &[], false)
            .await;
        assert_eq!(r.status, 202, "{}", r.body);
    }
);

store_test!(
    a_supervisor_corrects_an_invalid_submission_and_it_is_recorded,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "investigator").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        let version = listed_version(&list.body, "tabara_intake");
        let instance = format!("uuid:{}", uuid::Uuid::now_v7());
        let nameless = intake_xml(&version, &instance, "")
            .replace("<second_name>Kaneza</second_name>", "<second_name/>");
        assert_eq!(phone.submit(&nameless, &[], false).await.status, 202);
        let kept = db
            .store
            .field_submission_by_instance(&instance)
            .await
            .unwrap()
            .unwrap();
        let mut supervisor = signed_in(&app, "supervisor").await;
        let page = supervisor
            .get(&format!("/field/submissions/{}", kept.id))
            .await;
        assert!(
            page.body.contains("name=\"a:person/first_name\""),
            "{}",
            page.body
        );
        let csrf = Browser::csrf(&page.body);
        let fixed = supervisor
            .post(
                &format!("/field/submissions/{}/fix", kept.id),
                &[
                    ("csrf", csrf.as_str()),
                    ("a:person/first_name", "Nadine"),
                    ("a:case/opened_on", "2026-11-30"),
                    ("a:consent/consent", "yes"),
                    ("a:victim/exploitation", "ForcedLabour"),
                    ("a:person/gender", "Feminine"),
                    ("a:not/a_question", "ignored"),
                ],
            )
            .await;
        assert_eq!(fixed.status, 303, "{}", fixed.body);
        let after = db.store.field_submission(kept.id).await.unwrap();
        assert_eq!(
            after.state,
            tabara_store::field::SubmissionState::Accepted,
            "{:?}",
            after.reasons
        );
        let (identity, _) = db
            .store
            .read_identity(&Actor::system("test"), after.person_id.unwrap())
            .await
            .unwrap();
        assert_eq!(identity.first_name.as_deref(), Some("Nadine"));
        // The phone's own answers stay as received.
        let original = db
            .store
            .field_submission_xml(&Actor::system("test"), kept.id)
            .await
            .unwrap();
        assert_eq!(original, nameless.as_bytes());
        assert_eq!(count(&db, "field_submission.fix").await, 1);
    }
);

store_test!(
    a_post_over_the_announced_size_is_a_413_envelope_and_the_manifest_is_empty,
    |db| async move {
        let app = start(&db).await;
        let issued = device(&db, &app, "officer").await;
        let mut phone = Phone::with_token(&app, &issued.token);
        let list = phone.get("/formList").await;
        assert!(!list.body.contains("manifestUrl"), "no form has media");
        let manifest = phone.get("/forms/tabara_intake/manifest").await;
        assert_eq!(manifest.status, 200);
        assert!(
            manifest
                .body
                .contains("xmlns=\"http://openrosa.org/xforms/xformsManifest\"")
        );
        assert_eq!(phone.get("/forms/nothing/manifest").await.status, 404);
        let version = listed_version(&list.body, "tabara_intake");
        let xml = intake_xml(&version, &format!("uuid:{}", uuid::Uuid::now_v7()), "Aline");
        // Announced larger than the preflight allows: answered 413 before the body is read.
        let _ = (version, xml);
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /openrosa/key/{}/submission HTTP/1.1\r\nHost: {addr}\r\nX-OpenRosa-Version: 1.0\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            issued.token,
            11 * 1024 * 1024
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut tcp, &mut answer)
            .await
            .unwrap();
        let answer = String::from_utf8_lossy(&answer).to_lowercase();
        assert!(answer.starts_with("http/1.1 413"), "{answer}");
        assert!(answer.contains("x-openrosa-version: 1.0"), "{answer}");
        assert!(answer.contains("nature=\"error\""), "{answer}");
    }
);
