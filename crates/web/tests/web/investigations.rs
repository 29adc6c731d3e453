//! The investigation as its users walk it: the investigator resumes the file, records an
//! offence and the evidence for an element, registers an item with its file and transfers it
//! twice, keeps the custody's rights and is refused an extension without authorisation; legal
//! aid reads its client's custody and nothing else of the case; the dossier is made, read
//! section by section, sent, and read by the prosecutor, who reaches nothing else.

use crate::common::*;
use crate::world::world_signed_in;

/// The text of a PDF, as `pdftotext` (poppler-utils, installed by .ci/run) reads it.
fn pdf_text(pdf: &[u8]) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("pdftotext not found: install Debian's poppler-utils (bash .ci/run does)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// Post the page's form to `action` with `changes`; the reply.
async fn through(b: &mut Browser<'_>, page: &str, action: &str, changes: &[(&str, &str)]) -> Reply {
    let body = b.get(page).await.body;
    let (path, mut fields) = form_fields(&body, action);
    for (k, v) in changes {
        set(&mut fields, k, v);
    }
    b.post_fields(&path, &fields).await
}

store_test!(
    an_investigation_from_the_file_to_the_prosecutor,
    |db| async move {
        let app = start(&db).await;
        let mut world =
            world_signed_in(&db, &app, Some(&["investigator", "legalaid", "prosecutor"])).await;
        let at = |name: &str| world.users.iter().position(|u| u.username == name).unwrap();
        let (inv, aid, pros) = (at("investigator"), at("legalaid"), at("prosecutor"));
        let case = &world.cases[3];
        let (number, suspect, suspect_file) = (case.number, case.persons[1].0, case.files[1]);
        let other_number = world.cases[4].number;
        let custody = format!("/custody/{}", world.custodies[0].id);
        let kept = format!("/custody/{}", world.custodies[1].id);
        let page = format!("/cases/{number}/investigation");
        let form = |tail: &str| format!("{page}/{tail}");
        let b = &mut world.users[inv].browser;

        // The world sent a dossier: the file is with the prosecutor; the lead resumes it.
        let shown = b.get(&page).await;
        assert_eq!(shown.status, 200);
        assert!(
            shown.body.contains("Referred to the prosecutor"),
            "{}",
            shown.body
        );
        assert!(shown.body.contains("a lawyer must confirm"));
        let r = through(b, &page, &form("step"), &[("step", "resume")]).await;
        assert_eq!(r.status, 422, "a resumption says why");
        assert!(r.body.contains("err-inv_Reason"));
        let r = through(
            b,
            &page,
            &form("step"),
            &[
                ("step", "resume"),
                ("reason", "Le parquet demande les relevés"),
            ],
        )
        .await;
        assert_eq!(r.status, 303);

        // An offence of the catalogue, and one that is not.
        let r = through(b, &page, &form("offences"), &[("code", "bi-1900-nothing")]).await;
        assert_eq!(r.status, 422);
        assert!(
            r.body.contains("This is not in the legal catalogue."),
            "{}",
            r.body
        );
        let r = through(
            b,
            &page,
            &form("offences"),
            &[
                ("code", "bi-2014-traite"),
                ("aggravating", "organised_group"),
            ],
        )
        .await;
        assert_eq!(r.status, 303);

        // An item with the suspect's evidence file, transferred twice.
        let file_choice = format!("{suspect}:{suspect_file}");
        let r = through(
            b,
            &page,
            &form("evidence"),
            &[
                ("kind", "financial_record"),
                ("description", "Relevé des transferts au recruteur"),
                ("obtained_at", "2026-11-20T10:00"),
                ("obtained_where", "Agence de Kamenge"),
                ("obtained_by", "OPJ Hakizimana"),
                ("storage_location", "Coffre 2"),
                ("file", file_choice.as_str()),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        for to in ["Laboratoire de la PJ", "Greffe du parquet"] {
            let r = through(
                b,
                &page,
                &form("custody-events"),
                &[("kind", "transferred"), ("to", to), ("reason", "Examen")],
            )
            .await;
            assert_eq!(r.status, 303, "{}", r.body);
        }
        let r = through(
            b,
            &page,
            &form("custody-events"),
            &[("kind", "transferred"), ("to", ""), ("reason", "x")],
        )
        .await;
        assert_eq!(r.status, 422, "a transfer to nobody");
        let body = b.get(&page).await.body;
        assert_eq!(
            body.matches(">matches<").count(),
            3,
            "collected and two transfers, each re-checked"
        );
        assert!(body.contains("Greffe du parquet"));
        let evidence =
            body[body.find("name=\"evidence\" value=\"").unwrap() + 23..][..36].to_string();
        let evidence_id = evidence.clone();
        let r = through(
            b,
            &page,
            &form("supports"),
            &[
                ("element", "act"),
                ("fact", "Recrutement au marché de Ruhwa"),
                ("evidence", evidence.as_str()),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let body = b.get(&page).await.body;
        assert!(body.contains("supported by evidence") && body.contains("Still lacking support"));

        // The custody: the clock in Bujumbura time; the rights; no extension without authorisation.
        let shown = b.get(&custody).await.body;
        assert!(shown.contains(" CAT") && shown.contains(" left"), "{shown}");
        assert!(shown.contains("http-equiv=\"refresh\""));
        let r = through(
            b,
            &custody,
            &format!("{custody}/rights"),
            &[
                ("right", "informed_of_rights"),
                ("status", "done"),
                ("language", "rn"),
            ],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        let r = through(
            b,
            &custody,
            &format!("{custody}/extend"),
            &[("hours", "48")],
        )
        .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("err-cxt_AuthorisedBy") && r.body.contains("err-cxt_Reference"));
        let fr = b
            .post(
                "/lang",
                &[
                    ("lang", "fr"),
                    ("back", "/"),
                    ("csrf", &Browser::csrf(&shown)),
                ],
            )
            .await;
        assert_eq!(fr.status, 303);
        let r = through(
            b,
            &custody,
            &format!("{custody}/extend"),
            &[("hours", "48")],
        )
        .await;
        assert!(
            r.body.contains("Cette réponse est nécessaire."),
            "{}",
            r.body
        );
        let body = b.get(&custody).await.body;
        assert!(
            body.contains("Informé de ses droits") && body.contains("reste "),
            "{body}"
        );
        let back = Browser::csrf(&body);
        b.post("/lang", &[("lang", "en"), ("back", "/"), ("csrf", &back)])
            .await;

        // Legal aid: its client's custody record, nothing else of the case.
        let l = &mut world.users[aid].browser;
        let theirs = l.get(&custody).await;
        assert_eq!(theirs.status, 200);
        assert!(
            theirs.body.contains("Informed of their rights") && !theirs.body.contains("/extend")
        );
        assert_eq!(l.get(&kept).await.status, 404, "a custody not given to it");
        assert_eq!(l.get(&format!("/cases/{number}")).await.status, 404);
        assert_eq!(l.get(&page).await.status, 404);
        let list = l.get("/custody").await.body;
        assert_eq!(list.matches("href=\"/custody/").count(), 1, "{list}");
        let csrf = Browser::csrf(&theirs.body);
        let refused = l
            .post(
                &format!("{custody}/rights"),
                &[("csrf", &csrf), ("right", "medical_care")],
            )
            .await;
        assert_eq!(refused.status, 403);

        // The dossier: made, read section by section, sent.
        let b = &mut world.users[inv].browser;
        let r = through(b, &page, &form("dossiers"), &[]).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let body = b.get(&page).await.body;
        let start = body.find("<section id=\"dossiers\">").unwrap();
        let id = body[start..][body[start..].find("href=\"/dossiers/").unwrap() + 16..][..36]
            .to_string();
        let (status, headers, pdf) = b.get_bytes(&format!("/dossiers/{id}")).await;
        assert_eq!(
            (status, &headers["content-type"]),
            (200, &"application/pdf".parse().unwrap())
        );
        if let Ok(path) = std::env::var("TABARA_DUMP_DOSSIER") {
            std::fs::write(path, &pdf).unwrap();
        }
        let text = pdf_text(&pdf);
        let sections = [
            "Case summary",
            "Persons and their roles",
            "Offences and their elements",
            "Evidence, hashes and chain of custody",
            "Custody and rights record",
            "Timeline",
        ];
        let mut last = 0;
        for s in sections {
            let at = text
                .find(s)
                .unwrap_or_else(|| panic!("{s} missing:\n{text}"));
            assert!(at > last, "{s} out of order");
            last = at;
        }
        let between = |a: &str, b: &str| {
            let from = text.find(a).unwrap();
            &text[from..text[from..].find(b).map_or(text.len(), |x| from + x)]
        };
        let persons = between("Persons and their roles", "Offences and their elements");
        assert!(
            persons.contains("Suspect Matrice") && persons.contains("Victim 1 (identity withheld)")
        );
        assert!(
            !text.contains("Victime Matrice"),
            "no victim's identity in the dossier"
        );
        let offences = between("Offences and their elements", "Evidence, hashes");
        assert!(
            offences.contains("Trafficking in persons")
                && offences.contains("organised criminal group")
        );
        assert!(
            offences.contains("Recrutement au marché")
                && offences.contains("STILL LACKING SUPPORT")
        );
        let evidence = between("Evidence, hashes", "Custody and rights record");
        let sha = db.store.file(suspect_file).await.unwrap().sha256;
        assert!(
            evidence.contains(&sha) && evidence.matches("Transferred").count() == 2,
            "{evidence}"
        );
        let rights = between("Custody and rights record", "Timeline");
        assert!(
            rights.contains("Informed of their rights") && rights.contains("(rn)"),
            "{rights}"
        );
        let dossier = db.store.dossier(id.parse().unwrap()).await.unwrap();
        // pdftotext ends each page with a form feed.
        assert_eq!(text.matches('\u{c}').count() as i64, dossier.pages);
        assert_eq!(
            text.matches(&dossier.content_hash).count() as i64,
            dossier.pages,
            "the content hash on every page"
        );
        for p in 1..=dossier.pages {
            assert!(
                text.contains(&format!("page {p}/{}", dossier.pages)),
                "page {p}"
            );
        }
        let prosecution = app.org("Parquet").to_string();
        let r = through(
            b,
            &page,
            &format!("/dossiers/{id}/send"),
            &[("organisation", prosecution.as_str())],
        )
        .await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert!(b.get(&page).await.body.contains("Sent to"));

        // The prosecutor: the dossiers sent, and nothing of a case the office does not reach.
        let p = &mut world.users[pros].browser;
        let list = p.get("/dossiers").await.body;
        assert!(list.contains(&format!("/dossiers/{id}")), "{list}");
        let (status, _, read) = p.get_bytes(&format!("/dossiers/{id}")).await;
        assert_eq!((status, &read), (200, &pdf));
        let other = world.dossiers[1].id;
        assert_eq!(
            p.get_bytes(&format!("/dossiers/{other}")).await.0,
            200,
            "sent, case not shared"
        );
        assert_eq!(p.get(&format!("/cases/{other_number}")).await.status, 404);
        assert_eq!(
            p.get(&format!("/cases/{other_number}/investigation"))
                .await
                .status,
            404
        );
        assert_eq!(
            p.get(&format!("/dossiers/{}", world.dossiers[2].id))
                .await
                .status,
            404,
            "not sent"
        );

        // The same through the API, with each one's token, and nothing without one.
        let api = |who: Option<usize>, path: String| {
            let mut req = app.http.get(format!("{}{path}", app.base));
            if let Some(i) = who {
                req = req.bearer_auth(&world.users[i].token);
            }
            async move {
                let r = req.send().await.unwrap();
                let status = r.status().as_u16();
                (status, r.bytes().await.unwrap().to_vec())
            }
        };
        let json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
        let listed = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect()
        };
        let (custody_id, kept_id) = (
            world.custodies[0].id.to_string(),
            world.custodies[1].id.to_string(),
        );
        let path = format!("/api/v1/cases/{number}/investigation");
        let (status, body) = api(Some(inv), path.clone()).await;
        assert_eq!(status, 200);
        let text = String::from_utf8_lossy(&body).to_string();
        assert!(
            !text.contains("Victime Matrice") && !text.contains("Suspect Matrice"),
            "no identity in the API: {text}"
        );
        let doc = json(&body);
        assert!(doc["legal_notice"].as_str().unwrap().contains("a lawyer"));
        let file = &doc["investigation"];
        assert_eq!(file["suspects"][0]["label"], "Suspect 1", "{text}");
        assert_eq!(file["suspects"][0]["person_id"], suspect.to_string());
        let offence = file["offences"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["code"] == "bi-2014-traite")
            .expect("the offence recorded");
        assert!(!offence["article"].as_str().unwrap().is_empty());
        let act = offence["elements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["element"] == "act")
            .unwrap();
        assert_eq!(
            (act["facts"].as_u64(), act["evidenced"].as_u64()),
            (Some(1), Some(1))
        );
        let lacking = offence["lacking"].as_array().unwrap();
        assert!(
            !lacking.is_empty() && !lacking.contains(&"act".into()),
            "{offence}"
        );
        let item = file["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == evidence_id.as_str())
            .unwrap();
        assert!(item["label"].as_str().unwrap().starts_with("EV-"));
        assert_eq!(item["holder"], "Greffe du parquet");
        let chain = item["chain"].as_array().unwrap();
        assert_eq!(chain.len(), 3, "{item}");
        assert!(chain.iter().all(|e| e["hash_check"] == "match"), "{item}");
        let held = file["custodies"].as_array().unwrap();
        assert_eq!(listed(&file["custodies"]), vec![custody_id.clone()]);
        assert_eq!(
            (&held[0]["clock"], &held[0]["overdue"]),
            (&"running".into(), &false.into())
        );
        assert!(held[0]["left_seconds"].as_i64().unwrap() > 0);
        assert!(held[0]["rights"].to_string().contains("informed_of_rights"));
        assert!(listed(&file["dossiers"]).contains(&id));
        assert_eq!(api(None, path.clone()).await.0, 401);
        assert_eq!(api(Some(aid), path).await.0, 404);

        // Everyone in custody: the agency's, the overdue alone, legal aid's client only.
        let (status, body) = api(Some(inv), "/api/v1/custody".into()).await;
        assert_eq!(status, 200);
        let all = json(&body);
        let ids = listed(&all);
        assert!(ids.contains(&custody_id) && ids.contains(&kept_id), "{all}");
        let (status, body) = api(Some(inv), "/api/v1/custody?overdue=true".into()).await;
        assert_eq!(status, 200);
        let late = json(&body);
        let overdue = all
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["overdue"] == true);
        assert_eq!(
            listed(&late),
            overdue
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        );
        assert!(
            !listed(&late).contains(&custody_id),
            "running for 30 of 168 hours"
        );
        assert_eq!(api(Some(inv), "/api/v1/custody?late=1".into()).await.0, 400);
        let (status, body) = api(Some(aid), "/api/v1/custody".into()).await;
        assert_eq!(
            (status, listed(&json(&body))),
            (200, vec![custody_id.clone()])
        );
        let (status, body) = api(Some(aid), format!("/api/v1/custody/{custody_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(json(&body)["case"], doc["case"]);
        assert_eq!(
            api(Some(aid), format!("/api/v1/custody/{kept_id}")).await.0,
            404
        );
        assert_eq!(api(Some(pros), "/api/v1/custody".into()).await.0, 404);

        // The prosecutor's dossiers, and the PDF itself (its read audited as on the page).
        let (status, body) = api(Some(pros), "/api/v1/dossiers".into()).await;
        assert_eq!(status, 200);
        assert!(listed(&json(&body)).contains(&id));
        let (status, body) = api(Some(pros), format!("/api/v1/dossiers/{id}")).await;
        assert_eq!(status, 200);
        let meta = json(&body);
        assert_eq!(meta["content_hash"], dossier.content_hash.as_str());
        assert_eq!(meta["pages"], dossier.pages);
        let (status, read) = api(Some(pros), format!("/api/v1/dossiers/{id}/pdf")).await;
        assert_eq!((status, &read), (200, &pdf));
        let not_sent = world.dossiers[2].id;
        assert_eq!(
            api(Some(pros), format!("/api/v1/dossiers/{not_sent}"))
                .await
                .0,
            404
        );
        assert_eq!(
            api(Some(pros), format!("/api/v1/dossiers/{not_sent}/pdf"))
                .await
                .0,
            404
        );
        assert_eq!(api(Some(inv), "/api/v1/dossiers".into()).await.0, 404);

        let trail = db.store.audit_trail("dossier", &id).await.unwrap();
        let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "dossier.create",
                "dossier.read",
                "dossier.send",
                "dossier.read",
                "dossier.read"
            ]
        );
        db.finish().await;
    }
);
