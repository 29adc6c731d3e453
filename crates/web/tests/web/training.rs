//! Training sessions, the register, certificates and their public verification.

use crate::common::*;

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

store_test!(training_session_to_verified_certificate, |db| async move {
    let app = start(&db).await;
    let mut t = signed_in(&app, "trainer").await;
    assert_eq!(t.get("/training").await.status, 200);
    let mut officer = signed_in(&app, "officer").await;
    assert_eq!(officer.get("/training").await.status, 404);

    let form = t.get("/training/sessions/new").await;
    let csrf = Browser::csrf(&form.body);
    let org = app.org("OIM").to_string();
    let unicef = app.org("UNICEF").to_string();
    let bad = t
        .post(
            "/training/sessions/new",
            &[
                ("csrf", &csrf),
                ("title", "Formation OPJ"),
                ("starts_on", "2026-03-06"),
                ("ends_on", "2026-03-02"),
                ("venue", "Bujumbura"),
                ("organiser", &org),
                ("min_attendance", "80"),
                ("min_post_test", "70"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"err-trn_EndsOn\""), "{}", bad.body);
    assert!(bad.body.contains("id=\"err-trn_Modules\""));
    assert!(bad.body.contains("value=\"Formation OPJ\""));
    let created = t
        .post(
            "/training/sessions/new",
            &[
                ("csrf", &csrf),
                ("title", "Formation des OPJ sur la traite — session 1"),
                ("starts_on", "2026-03-02"),
                ("ends_on", "2026-03-06"),
                ("venue", "Bujumbura"),
                ("organiser", &org),
                ("funding", "Union européenne"),
                ("trainers", "Josiane Kwizera, Pascal Ndayizeye"),
                ("m_legal_frameworks", "1"),
                ("m_child_protection", "1"),
                ("fac_child_protection", &unicef),
                ("min_attendance", "80"),
                ("min_post_test", "70"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.body);
    let session_path = created.location.unwrap();
    let page = t.get(&session_path).await;
    assert!(page.body.contains("UNICEF"), "facilitator shown");
    let test = t.get(&format!("{session_path}/test")).await;
    assert_eq!(test.status, 200);
    assert!(
        test.body.contains("id=\"q_legal_elements\""),
        "{}",
        test.body
    );
    assert!(test.body.contains("id=\"q_child_means\""));
    assert!(
        !test.body.contains("id=\"q_mrz\""),
        "only the session's modules"
    );
    assert!(!test.body.contains('✔'));
    let key = t.get(&format!("{session_path}/test?key=1")).await;
    assert_eq!(
        key.body.matches('✔').count(),
        4,
        "one right answer per question"
    );

    for (name, account) in [
        ("", "officer"),
        ("Béatrice Irakoze", ""),
        ("Jean Hatungimana", ""),
    ] {
        let r = t
            .post(
                &format!("{session_path}/participants"),
                &[
                    ("csrf", &csrf),
                    ("full_name", name),
                    ("username", account),
                    ("rank", "OPJ"),
                    ("sex", "Feminine"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let id: tabara_core::ids::TrainingSessionId =
        session_path.rsplit('/').next().unwrap().parse().unwrap();
    let people = db.store.participants(id).await.unwrap();
    let by = |n: &str| {
        people
            .iter()
            .find(|p| p.full_name.contains(n))
            .unwrap()
            .id
            .to_string()
    };
    let (claudine, beatrice, jean) = (by("Claudine"), by("Béatrice"), by("Jean"));
    // Claudine: 4 of 5 days, 70 %: completes. Béatrice: 3 days. Jean: 5 days, 69 %.
    let mut fields: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
    for (p, days) in [(&claudine, 4), (&beatrice, 3), (&jean, 5)] {
        for d in 0..days {
            fields.push((format!("att_{p}_2026-03-0{}", 2 + d), "1".into()));
        }
    }
    for (p, pre, post) in [
        (&claudine, "40", "70"),
        (&beatrice, "50", "90"),
        (&jean, "30", "69"),
    ] {
        fields.push((format!("pre_{p}"), pre.into()));
        fields.push((format!("post_{p}"), post.into()));
    }
    let saved = t
        .post_fields(&format!("{session_path}/register"), &fields)
        .await;
    // Redirect after post: the address bar shows the session, a reload does not post again.
    assert_eq!(saved.status, 303, "{}", saved.body);
    let location = saved.location.clone().unwrap();
    assert!(location.starts_with(&session_path), "{location}");
    let saved = t.get(&location).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(saved.body.contains("Attendance and scores saved"));
    assert!(saved.body.contains("too few days attended"));
    assert!(saved.body.contains("post-test under the threshold"));

    // Grading Béatrice's post-test on screen: 3 of the 4 questions right gives 75 %.
    let grade_path = format!("/training/participants/{beatrice}/grade?kind=post");
    let sheet = t.get(&grade_path).await;
    assert_eq!(sheet.status, 200);
    let version = hidden(&sheet.body, "version");
    let graded = t
        .post_versioned(
            &grade_path,
            &csrf,
            &version,
            &[
                ("q_q_legal_elements", "0"),
                ("q_q_legal_consent", "1"),
                ("q_q_presumption_minority", "1"),
                ("q_q_child_means", "2"),
            ],
        )
        .await;
    assert_eq!(graded.status, 303, "{}", graded.body);
    let graded = t.get(&graded.location.unwrap()).await;
    assert!(
        graded.body.contains("75 % recorded"),
        "the notice reads the score back: {}",
        graded.body
    );
    let b = db
        .store
        .participant(beatrice.parse().unwrap())
        .await
        .unwrap();
    assert_eq!((b.pre_test, b.post_test), (Some(50), Some(75)));

    let issued = t
        .post(&format!("{session_path}/certificates"), &[("csrf", &csrf)])
        .await;
    assert_eq!(issued.status, 303, "{}", issued.body);
    let issued = t.get(&issued.location.unwrap()).await;
    assert!(
        issued
            .body
            .contains("Certificates issued: the session now has 1 valid certificate."),
        "one certificate, in the singular, read from the register: {}",
        issued.body
    );
    let certs = db.store.session_certificates(id).await.unwrap();
    assert_eq!(certs.len(), 1);
    let cert = &certs[0];

    // The PDF holds the name and the code; the holder downloads it too, nobody else.
    let pdf_path = format!("/training/certificates/{}/pdf", cert.id);
    let pdf = app
        .http
        .get(format!("{}{pdf_path}", app.base))
        .header("cookie", t.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    let text = pdf_text(&bytes);
    assert!(text.contains("Claudine Iradukunda"), "{text}");
    assert!(text.contains(&cert.code), "{text}");
    assert!(text.contains("Formation des OPJ sur la traite"), "{text}");
    assert_eq!(officer.get(&pdf_path).await.status, 200, "the holder");
    assert!(
        officer
            .get("/account/certificates")
            .await
            .body
            .contains(&cert.code)
    );
    let mut someone = signed_in(&app, "investigator").await;
    assert_eq!(someone.get(&pdf_path).await.status, 404);
    let batch = t.get(&format!("{session_path}/certificates.pdf")).await;
    assert_eq!(batch.status, 200);

    // Public verification, without signing in: valid, then revoked; unknown and malformed.
    let mut public = browser(&app);
    let typed = cert.code.to_lowercase().replace('-', " ");
    let ok = public
        .get(&format!("/verify?code={}", typed.replace(' ', "+")))
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("This certificate is valid"));
    // Enough to tie the code to the person in front of the checker: name, course, dates.
    let holder = db.store.participant(cert.participant_id).await.unwrap();
    assert!(
        ok.body
            .contains(&format!("id=\"holder\">{}</dd>", holder.full_name)),
        "{}",
        ok.body
    );
    assert!(
        ok.body
            .contains("Formation des OPJ sur la traite — session 1")
    );
    assert!(ok.body.contains("Mar 2026"), "the dates");
    assert!(
        !ok.body.contains(" %") && !ok.body.contains("Feminine") && !ok.body.contains("Béatrice"),
        "nothing more: no score, no sex, no other participant"
    );
    assert_eq!(public.get("/verify?code=AAAA-BBBB-CCCC").await.status, 404);
    assert!(
        public
            .get("/verify?code=nonsense")
            .await
            .body
            .contains("not a certificate code")
    );
    let no_reason = t
        .post(
            &format!("/training/certificates/{}/revoke", cert.id),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(no_reason.status, 422);
    let revoked = t
        .post(
            &format!("/training/certificates/{}/revoke", cert.id),
            &[
                ("csrf", &csrf),
                ("reason", "Attendance sheet was signed by someone else"),
            ],
        )
        .await;
    assert_eq!(revoked.status, 303);
    assert!(
        t.get(&revoked.location.unwrap())
            .await
            .body
            .contains("The certificate is revoked")
    );
    let after = public.get(&format!("/verify?code={}", cert.code)).await;
    assert!(after.body.contains("has been revoked"));
    assert!(
        !after.body.contains(&holder.full_name),
        "a revoked certificate names nobody"
    );
    assert_eq!(
        officer.get(&pdf_path).await.status,
        404,
        "a revoked certificate is not printed"
    );

    // The programme report: tables, SVG charts, CSV; trainers only.
    let report = t.get("/training/reports").await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("People trained by sex"));
    assert!(
        report.body.contains("<svg"),
        "charts are rendered on the server"
    );
    let csv = t.get("/training/reports/by-sex.csv").await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body, "Group,Participants,Completed\nFeminine,3,1\n");
    let gain = t.get("/training/reports/knowledge-gain.csv").await;
    assert!(gain.body.contains(",31,40,71\n"), "{}", gain.body);
    assert_eq!(t.get("/training/reports/nothing.csv").await.status, 404);
    assert_eq!(officer.get("/training/reports").await.status, 404);
    db.finish().await;
});

/// The new-session form as a trainer fills it, with `extra` replacing or adding fields.
fn session_fields(csrf: &str, oim: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("csrf", csrf),
        ("title", "Formation OPJ"),
        ("starts_on", "2026-03-02"),
        ("ends_on", "2026-03-06"),
        ("venue", "Bujumbura"),
        ("organiser", oim),
        ("m_legal_frameworks", "1"),
        ("min_attendance", "80"),
        ("min_post_test", "70"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        f.retain(|(fk, _)| fk != k);
        f.push((k.to_string(), v.to_string()));
    }
    f
}

store_test!(
    training_forms_refuse_unknown_values_and_say_why,
    |db| async move {
        let app = start(&db).await;
        let mut t = signed_in(&app, "trainer").await;
        let csrf = t.csrf_of("/training/sessions/new").await;
        let oim = app.org("OIM").to_string();
        let send = |extra: &[(&str, &str)]| session_fields(&csrf, &oim, extra);
        // Each refused form: the field that carries the error, and the words it must say.
        for (extra, field, words) in [
            (
                vec![("fac_legal_frameworks", "bogus")],
                "trn_Modules",
                "Choose a facilitating organisation of the directory",
            ),
            (
                vec![("funding", "f\u{7}")],
                "trn_Funding",
                "control character",
            ),
            (
                vec![("trainers", "a\u{1b}")],
                "trn_Trainers",
                "control character",
            ),
            (
                vec![("ends_on", "2026-03-01")],
                "trn_EndsOn",
                "The last day is before the first day.",
            ),
            (
                vec![("ends_on", "2028-03-01")],
                "trn_EndsOn",
                "A session lasts at most 60 days",
            ),
        ] {
            let fields = send(&extra);
            let r = t.post_fields("/training/sessions/new", &fields).await;
            assert_eq!(r.status, 422, "{extra:?}: {}", r.body);
            assert!(
                r.body
                    .contains(&format!("<span class=\"error\" id=\"err-{field}\">")),
                "{extra:?}: {}",
                r.body
            );
            assert!(
                r.body.contains(&format!(
                    "aria-invalid=\"true\" aria-describedby=\"err-{field}\""
                )),
                "{extra:?}: the input is tied to its message"
            );
            assert!(r.body.contains(words), "{extra:?}: {}", r.body);
            assert!(!r.body.contains("out of range"), "{extra:?}");
        }
        assert!(
            db.store
                .training_sessions(None, 100)
                .await
                .unwrap()
                .is_empty()
        );

        let fields = send(&[("trainers", "Josiane Kwizera")]);
        let created = t.post_fields("/training/sessions/new", &fields).await;
        assert_eq!(created.status, 303, "{}", created.body);
        let session_path = created.location.unwrap();
        let page = t.get(&session_path).await;
        // A read-only page: the row is named without the typing hint of the form.
        assert!(page.body.contains("<dt>Trainers</dt>"), "{}", page.body);
        assert!(!page.body.contains("separate names with commas"));

        // The add-participant form: an unknown sex is refused, not stored as "not specified";
        // each refusal says what is wrong, next to the field.
        let long = "N".repeat(100_000);
        for (name, rank, sex, field, words) in [
            (
                "Béatrice Irakoze",
                "OPJ",
                "Bogus",
                "trp_Sex",
                "Choose one of the values offered for sex.",
            ),
            (
                "Béatrice Irakoze",
                "OP\u{7}J",
                "Feminine",
                "trp_Rank",
                "The rank holds a control character",
            ),
            (
                long.as_str(),
                "OPJ",
                "Feminine",
                "trp_FullName",
                "The name is too long",
            ),
            (
                "",
                "OPJ",
                "Feminine",
                "trp_FullName",
                "The participant needs a name",
            ),
        ] {
            let r = t
                .post(
                    &format!("{session_path}/participants"),
                    &[
                        ("csrf", &csrf),
                        ("full_name", name),
                        ("rank", rank),
                        ("sex", sex),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "{field}: {}", r.body);
            assert!(
                r.body
                    .contains(&format!("<span class=\"error\" id=\"err-{field}\">{words}")),
                "{field}: {}",
                r.body
            );
            assert!(
                r.body
                    .contains(&format!("aria-describedby=\"err-{field}\""))
            );
        }
        let id: tabara_core::ids::TrainingSessionId =
            session_path.rsplit('/').next().unwrap().parse().unwrap();
        assert!(db.store.participants(id).await.unwrap().is_empty());

        // The certificates notice carries no figure: a crafted count is not believed.
        let crafted = t.get(&format!("{session_path}?done=issued&count=21")).await;
        assert!(!crafted.body.contains("21 "), "{}", crafted.body);
        assert!(
            crafted
                .body
                .contains("the session has no valid certificate")
        );

        // Materials: the message names the field and rule, and the alert is tied to its form.
        let r = t
            .post(
                "/training/materials/items",
                &[
                    ("csrf", &csrf),
                    ("kind", "poster"),
                    ("title", "Affiche"),
                    ("language", "rn"),
                    ("campaign", "C\u{7}"),
                ],
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body.contains("The campaign holds a control character"),
            "{}",
            r.body
        );
        assert!(
        r.body.contains("action=\"/training/materials/items\" class=\"inline-form\" aria-describedby=\"form-errors\""),
        "{}",
        r.body
    );
    }
);
