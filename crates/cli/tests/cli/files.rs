//! `file put`, `file list`, `file get`: a file attached to a person of a case from the command
//! line, listed, written out whole and checked; refusals in words; a files folder.

use tabara_store::store_test;

use crate::common::*;

fn first_person(db: &tabara_store::testing::TestDb) -> String {
    let shown: serde_json::Value =
        serde_json::from_str(&ok(&tabara(db, &["--json", "case", "show", "TBR-000001"]))).unwrap();
    shown["persons"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `tabara file put` of `path` about `person` of TBR-000001 as `purpose`, with `extra` options.
fn put(
    db: &tabara_store::testing::TestDb,
    person: &str,
    purpose: &str,
    extra: &[&str],
    path: &std::path::Path,
) -> std::process::Output {
    let mut args = vec![
        "file",
        "put",
        "--case",
        "TBR-000001",
        "--person",
        person,
        "--purpose",
        purpose,
    ];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    tabara(db, &args)
}

store_test!(
    a_file_put_from_the_command_line_comes_back_whole,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "4"]));
        let person = first_person(&db);
        let dir = tempfile_dir();
        let scan = dir.join("déclaration.pdf");
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.extend((0..200_000u32).map(|i| (i % 253) as u8));
        std::fs::write(&scan, &bytes).unwrap();
        let put_out = ok(&tabara(
            &db,
            &[
                "--json",
                "file",
                "put",
                "--case",
                "TBR-000001",
                "--person",
                &person,
                "--purpose",
                "consent_form",
                scan.to_str().unwrap(),
            ],
        ));
        let kept: serde_json::Value = serde_json::from_str(&put_out).unwrap();
        let id = kept["id"].as_str().unwrap().to_string();
        assert_eq!(kept["content_type"], "pdf");
        assert_eq!(kept["size"], bytes.len());
        let listed = ok(&tabara(
            &db,
            &["file", "list", "--case", "TBR-000001", "--person", &person],
        ));
        assert!(
            listed.contains(&id) && listed.contains("consent_form"),
            "{listed}"
        );
        let out = dir.join("back.pdf");
        let got = ok(&tabara(
            &db,
            &["file", "get", &id, "--output", out.to_str().unwrap()],
        ));
        assert!(got.contains("(checked)"), "{got}");
        assert!(std::fs::read(&out).unwrap() == bytes);
        // The output is never overwritten.
        let again = tabara(
            &db,
            &["file", "get", &id, "--output", out.to_str().unwrap()],
        );
        assert!(failed(&again).contains("exists already"));
        // Refusals, in words.
        let text = dir.join("notes.txt");
        std::fs::write(&text, "nothing but words").unwrap();
        let refused = put(&db, &person, "evidence", &[], &text);
        assert!(
            failed(&refused).contains("not a PDF document"),
            "{}",
            failed(&refused)
        );
        let refused = put(&db, &person, "evidence", &["--max-mb", "0"], &scan);
        assert!(failed(&refused).contains("1 to 2048 MB"));
        let refused = put(&db, &person, "photo", &[], &scan);
        assert!(failed(&refused).contains("is not what a file may be"));
        let refused = tabara(&db, &["file", "get", "not-an-id", "--output", "x"]);
        assert!(failed(&refused).contains("is not a file's id"));
        // Two entries: the upload and the read.
        let log = ok(&tabara(
            &db,
            &["--json", "audit", "log", "--limit", "1000000"],
        ));
        assert!(
            log.contains("file.upload") && log.contains("file.read"),
            "{log}"
        );
        ok(&tabara(&db, &["audit", "verify"]));
        db.finish().await
    }
);

store_test!(a_files_folder_keeps_the_sealed_chunks, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "60", "--seed", "4"]));
    let person = first_person(&db);
    let dir = tempfile_dir();
    let folder = dir.join("files");
    std::fs::create_dir(&folder).unwrap();
    let scan = dir.join("photo.png");
    std::fs::write(&scan, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-secret-content").unwrap();
    let put_out = ok(&tabara(
        &db,
        &[
            "--json",
            "--files-dir",
            folder.to_str().unwrap(),
            "file",
            "put",
            "--case",
            "TBR-000001",
            "--person",
            &person,
            "--purpose",
            "evidence",
            scan.to_str().unwrap(),
        ],
    ));
    let id = serde_json::from_str::<serde_json::Value>(&put_out).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let chunk = std::fs::read(folder.join(&id).join("00000000.sealed")).unwrap();
    assert!(!chunk.windows(14).any(|w| w == b"secret-content"));
    // Without the folder the file is not read, and the command says where it is kept.
    let out = dir.join("out.png");
    let refused = tabara(
        &db,
        &["file", "get", &id, "--output", out.to_str().unwrap()],
    );
    assert!(
        failed(&refused).contains("directory store"),
        "{}",
        failed(&refused)
    );
    assert!(!out.exists());
    ok(&tabara(
        &db,
        &[
            "--files-dir",
            folder.to_str().unwrap(),
            "file",
            "get",
            &id,
            "--output",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&scan).unwrap());
    let missing = tabara(
        &db,
        &[
            "--files-dir",
            "/nonexistent/tabara-files",
            "file",
            "list",
            "--case",
            "TBR-000001",
            "--person",
            &person,
        ],
    );
    assert!(failed(&missing).contains("does not exist"));
    db.finish().await
});

store_test!(retention_reports_as_a_dry_run_and_runs, |db| async move {
    ok(&tabara(&db, &["demo", "--persons", "40", "--seed", "2"]));
    let dry = ok(&tabara(&db, &["retention", "report"]));
    assert!(dry.contains("dry run: nothing was changed"), "{dry}");
    assert!(
        dry.contains("closed_case_persons") && dry.contains("kept 3650 days"),
        "{dry}"
    );
    let fr = ok(&tabara(&db, &["--lang", "fr", "retention", "report"]));
    assert!(fr.contains("essai à blanc"), "{fr}");
    let refused = tabara(&db, &["retention", "report", "--rules", "cases=10"]);
    assert!(
        failed(&refused).contains("retention rules refused"),
        "{}",
        failed(&refused)
    );
    let json: serde_json::Value = serde_json::from_str(&ok(&tabara(
        &db,
        &[
            "--json",
            "retention",
            "run",
            "--rules",
            "closed_case_persons=off,persons_without_case=off,ended_sessions=1",
        ],
    )))
    .unwrap();
    assert_eq!(json["dry_run"], false);
    assert_eq!(json["lines"][0]["cutoff"], serde_json::Value::Null);
    db.finish().await
});
