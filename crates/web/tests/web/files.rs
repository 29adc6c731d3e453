//! Files about a person of a case (issue 13): attached from the person's page (multipart,
//! streamed), listed with their fingerprint, downloaded whole by whom reads the person's
//! identity (audited), refused in words when over the limit or not what they claim to be.

use sha2::{Digest, Sha256};

use crate::common::*;

/// `n` bytes of a PNG.
fn png(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let mut x: u32 = 3;
    while v.len() < n {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        v.push((x >> 16) as u8);
    }
    v
}

/// Share `case` with the demo's prosecution, to read.
async fn share_with_prosecution(db: &TestDb, case: tabara_core::ids::CaseId) {
    let prosecution = db
        .store
        .organisations()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name.contains("Parquet"))
        .expect("the demo's prosecution");
    db.store
        .share_case(
            &tabara_store::Actor::system("test"),
            case,
            prosecution.id,
            "dossier",
            false,
        )
        .await
        .unwrap();
}

async fn file_actions(db: &TestDb) -> Vec<(String, String)> {
    db.store
        .audit_entries(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action.starts_with("file."))
        .map(|e| (e.action, e.actor))
        .collect()
}

store_test!(
    attach_a_file_from_the_person_page_and_download_it,
    |db| async move {
        let app = start(&db).await;
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let page = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let action = format!("{page}/files");
        let mut b = signed_in(&app, "officer").await;
        let before = b.get(&page).await.body;
        assert!(before.contains("No file attached yet."), "{before}");
        assert!(before.contains(&format!("action=\"{action}\"")));
        assert!(before.contains("enctype=\"multipart/form-data\""));
        assert!(before.contains("at most 50 MB"));
        let csrf = Browser::csrf(&before);

        let bytes = png(300_000);
        let sent = b
            .post_multipart(
                &action,
                &[("csrf", &csrf), ("purpose", "identity_document")],
                Some(("passeport scanné.png", "image/png", &bytes)),
            )
            .await;
        assert_eq!(sent.status, 303, "{}", sent.body);
        let after = b.get(&page).await.body;
        assert!(after.contains("passeport scanné.png"), "{after}");
        assert!(after.contains("Identity or travel document"));
        assert!(after.contains("PNG image"));
        assert!(after.contains("293.0 KB"), "{after}");
        let hash = hex::encode(Sha256::digest(&bytes));
        assert!(after.contains(&format!("title=\"{hash}\"")));
        let file = db
            .store
            .files_of(case.id, victim.person.id)
            .await
            .unwrap()
            .remove(0);
        let link = format!("{page}/files/{}", file.id);
        assert!(after.contains(&format!("href=\"{link}\"")));

        // Downloaded whole, as an attachment of its type and name.
        let (status, headers, body) = b.get_bytes(&link).await;
        assert_eq!(status, 200);
        assert!(
            body == bytes,
            "the file downloaded is not the file attached"
        );
        assert_eq!(headers["content-type"], "image/png");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert!(
            disposition.contains("filename*=UTF-8''passeport%20scann%C3%A9.png"),
            "{disposition}"
        );
        assert_eq!(headers["cache-control"], "no-store");
        let officer = db.store.user_by_username("officer").await.unwrap().unwrap();
        let me = format!("user:{}", officer.id);
        assert_eq!(
            file_actions(&db).await,
            vec![
                ("file.upload".to_string(), me.clone()),
                ("file.read".to_string(), me)
            ]
        );
        // A file id that is not this person's answers as a missing one.
        let other = format!("{page}/files/{}", uuid::Uuid::now_v7());
        assert_eq!(b.get(&other).await.status, 404);
        assert_eq!(b.get(&format!("{page}/files/not-an-id")).await.status, 404);
        db.finish().await
    }
);

store_test!(a_refused_file_says_why_and_keeps_nothing, |db| async move {
    let app = start_with(
        &db,
        tabara_web::Config {
            max_upload_bytes: 1024 * 1024,
            ..Default::default()
        },
    )
    .await;
    let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
    let page = format!("/cases/{}/persons/{}", case.number, victim.person.id);
    let action = format!("{page}/files");
    let mut b = signed_in(&app, "officer").await;
    let csrf = b.csrf_of(&page).await;
    let fields = [("csrf", csrf.as_str()), ("purpose", "evidence")];

    let big = png(1024 * 1024 + 1);
    let r = b
        .post_multipart(&action, &fields, Some(("big.png", "image/png", &big)))
        .await;
    assert_eq!(r.status, 413);
    assert!(
        r.body.contains("The file is over the limit of 1 MB."),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("href=\"{page}#files\"")));

    let html = b"<html><script>alert(1)</script></html>";
    let r = b
        .post_multipart(&action, &fields, Some(("photo.png", "image/png", html)))
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Only PDF documents and JPEG"), "{}", r.body);

    let pdf = b"%PDF-1.7\n%%EOF\n";
    let r = b
        .post_multipart(&action, &fields, Some(("photo.jpg", "image/jpeg", pdf)))
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("sent as one type and its content is another")
    );

    let r = b.post_multipart(&action, &fields, None).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Choose a file to attach."));
    let r = b
        .post_multipart(
            &action,
            &[("csrf", &csrf)],
            Some(("a.pdf", "application/pdf", pdf)),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Say what the file is."));

    // The token comes first; a form without it is refused before the file is read.
    let r = b
        .post_multipart(
            &action,
            &[("purpose", "evidence"), ("csrf", &csrf)],
            Some(("a.pdf", "application/pdf", pdf)),
        )
        .await;
    assert_eq!(r.status, 403);

    // In French too.
    b.post("/lang", &[("lang", "fr"), ("csrf", &csrf), ("back", "/")])
        .await;
    let csrf = b.csrf_of(&page).await;
    let fields = [("csrf", csrf.as_str()), ("purpose", "evidence")];
    let r = b
        .post_multipart(&action, &fields, Some(("big.png", "image/png", &big)))
        .await;
    assert!(
        r.body.contains("Le fichier dépasse la limite de 1 Mo."),
        "{}",
        r.body
    );

    assert!(
        db.store
            .files_of(case.id, victim.person.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(file_actions(&db).await.is_empty());
    db.finish().await
});

store_test!(
    a_file_is_read_only_by_whom_reads_the_persons_identity,
    |db| async move {
        let app = start(&db).await;
        // A case shared with the prosecution: the prosecutor reads the suspects, not the
        // victims, so a victim's file is listed without its name and not given out.
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let file = db
            .store
            .put_file(
                &tabara_store::Actor::system("test"),
                tabara_store::files::NewFile {
                    case: case.id,
                    person: victim.person.id,
                    purpose: tabara_core::files::FilePurpose::ConsentForm,
                    name: "consentement signé.pdf",
                    declared_type: None,
                    limit: tabara_core::files::DEFAULT_MAX_BYTES,
                },
                &b"%PDF-1.4\n%%EOF\n"[..],
            )
            .await
            .unwrap();
        share_with_prosecution(&db, case.id).await;
        let page = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let mut p = signed_in(&app, "prosecutor").await;
        let seen = p.get(&page).await;
        assert_eq!(seen.status, 200);
        assert!(seen.body.contains("Signed consent form"));
        assert!(!seen.body.contains("consentement signé"), "{}", seen.body);
        assert!(seen.body.contains("name hidden"));
        assert!(
            !seen.body.contains("enctype=\"multipart/form-data\""),
            "no upload form"
        );
        let (status, _, _) = p.get_bytes(&format!("{page}/files/{}", file.id)).await;
        assert_eq!(status, 403);
        // The erased person's file is listed as erased, and given to nobody.
        db.store
            .erase_person(
                &tabara_store::Actor::system("test"),
                victim.person.id,
                tabara_core::erasure::ErasureGround::SubjectRequest,
            )
            .await
            .unwrap();
        let mut o = signed_in(&app, "officer").await;
        let body = o.get(&page).await.body;
        assert!(body.contains("erased with the person"), "{body}");
        assert!(!body.contains("enctype=\"multipart/form-data\""));
        let (status, _, _) = o.get_bytes(&format!("{page}/files/{}", file.id)).await;
        assert_eq!(status, 404);
        db.finish().await
    }
);

store_test!(
    a_persons_access_report_is_a_pdf_from_their_page,
    |db| async move {
        let app = start(&db).await;
        let (case, victim) = case_with_victim(&db, &app.reference, "officer").await;
        let page = format!("/cases/{}/persons/{}", case.number, victim.person.id);
        let link = format!("{page}/report");
        let mut b = signed_in(&app, "officer").await;
        let body = b.get(&page).await.body;
        assert!(body.contains(&format!("href=\"{link}\"")), "{body}");
        let (status, headers, pdf) = b.get_bytes(&link).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "application/pdf");
        assert!(pdf.starts_with(b"%PDF"));
        let reports = db
            .store
            .audit_trail("person", &victim.person.id.to_string())
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "person.access_report")
            .count();
        assert_eq!(reports, 1);
        // The prosecutor reaches the shared case but not its victims' identities.
        share_with_prosecution(&db, case.id).await;
        let mut p = signed_in(&app, "prosecutor").await;
        assert!(!p.get(&page).await.body.contains(&link));
        assert_eq!(p.get_bytes(&link).await.0, 403);
        db.finish().await
    }
);
