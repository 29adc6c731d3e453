//! `tabara mrz check`: a zone from the arguments or standard input, laid out field by field,
//! the exit status telling valid from not, `--json` for scripts. No register is needed.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use tabara_store::store_test;

use crate::common::*;

const TD3: [&str; 2] = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
];

fn mrz(args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
    c.args(["mrz", "check", "--today", "2026-12-01"])
        .args(args)
        .env("TABARA_LANG", "en")
        .env_remove("TABARA_DATABASE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn a_valid_passport_zone_is_laid_out_and_exits_zero() {
    let o = mrz(&["--specimen", TD3[0], TD3[1]], None);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    for want in [
        "TD3 passport (2 lines of 44)",
        "ERIKSSON",
        "ANNA MARIA",
        "1974-08-12 (740812)",
        "✓ document number check digit: 6, agrees",
        "✓ composite check digit: 0, agrees",
        "Valid: every check digit and every rule holds.",
        "Expired on 2012-04-15.",
        "does not make the document genuine",
    ] {
        assert!(out.contains(want), "{want}:\n{out}");
    }
}

#[test]
fn a_damaged_zone_says_where_and_what_may_repair_it_and_exits_one() {
    let o = mrz(
        &["--specimen", TD3[0], &TD3[1].replace("7408122", "74O8122")],
        None,
    );
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("Not valid: 3 problems."), "{out}");
    assert!(
        out.contains("line 2, position 20: date of birth check digit: 6 expected, 2 found."),
        "{out}"
    );
    assert!(
        out.contains("line 2, position 16: O may be 0 (proven by the date of birth check digit"),
        "{out}"
    );
    // Outside training the specimen state is itself a problem.
    let o = mrz(&[TD3[0], TD3[1]], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "line 1, position 3: Issuing state UTO is ICAO's specimen state, accepted in training only."
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn standard_input_french_and_json() {
    let td1 = "i<utod231458907<<<<<<<<<<<<<<<\r\n7408122F1204159UTO<<<<<<<<<<<6\r\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    let o = mrz(&["--specimen", "--json"], Some(td1));
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["format"], "TD1");
    assert_eq!(v["valid"], true);
    assert_eq!(v["fields"]["document_number"], "D23145890");
    assert_eq!(v["fields"]["birth_date"]["date"], "1974-08-12");
    assert_eq!(v["checks"].as_array().unwrap().len(), 4);
    assert_eq!(v["warnings"][0]["kind"], "Normalised");
    let bad = td1.replace("F1204159", "F1204158");
    let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
    let o = c
        .args([
            "--lang",
            "fr",
            "--json",
            "mrz",
            "check",
            "--specimen",
            &bad.replace("\r\n", "\n"),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let p = &v["problems"][0];
    assert_eq!(
        (p["line"].as_i64(), p["position"].as_i64()),
        (Some(2), Some(15))
    );
    assert_eq!(p["detail"], "check-digit");
    assert_eq!(
        p["text"],
        "ligne 2, position 15 : chiffre de contrôle de la date d'expiration : 9 attendu, 8 trouvé. Un caractère qu'il couvre a été mal lu ou altéré."
    );
}

#[test]
fn no_zone_at_all() {
    let o = mrz(&["P<UTOERIKSSON"], None);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("Not a machine-readable zone."), "{out}");
    assert!(out.contains("1 line(s): an MRZ has 3 lines of 30"), "{out}");
    let o = mrz(&[], Some("  \n"));
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("No zone given"));
}

store_test!(
    the_lost_and_stolen_list_is_imported_from_csv_bad_rows_named_by_line,
    |db| async move {
        ok(&tabara(&db, &["demo", "--persons", "30", "--seed", "3"]));
        let dir = std::env::temp_dir().join(format!("tabara-lost-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("list.csv");
        std::fs::write(
            &file,
            "issuing_state,number,reason,reported_on,source\n\
             BDI,OP 009-8765,stolen,2026-03-01,PAFE Bujumbura\n\
             QQQ,X1,misplaced,2026-03-01,Police\n\
             KEN,AK7654321,revoked,2026-11-30,Immigration Kenya\n\
             short,row\n",
        )
        .unwrap();
        let out = tabara(&db, &["mrz", "import-lost", &file.display().to_string()]);
        assert_eq!(out.status.code(), Some(1), "a row refused");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            text.contains("2 added, 0 replaced, 2 rows refused."),
            "{text}"
        );
        assert!(
            text.contains("line 3: issuing_state: An ICAO code"),
            "{text}"
        );
        assert!(
            text.contains("reason: Choose one of the values offered."),
            "{text}"
        );
        assert!(
            text.contains("line 5: 2 columns where 5 are expected"),
            "{text}"
        );
        // The good rows are kept, keyed as a zone gives them.
        let list: serde_json::Value =
            serde_json::from_str(&ok(&tabara(&db, &["--json", "mrz", "lost"]))).unwrap();
        let numbers: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["number"].as_str().unwrap())
            .collect();
        // Most recently reported first, beside the demo's four.
        assert_eq!(numbers.len(), 6, "{numbers:?}");
        assert_eq!(numbers[0], "AK7654321");
        assert!(numbers.contains(&"OP0098765"), "{numbers:?}");
        // The same file again replaces them; a file without the header is refused whole.
        let again = tabara(
            &db,
            &["--json", "mrz", "import-lost", &file.display().to_string()],
        );
        let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(
            (v["added"].as_i64(), v["replaced"].as_i64()),
            (Some(0), Some(2))
        );
        assert_eq!(v["refused"][0]["line"], 3);
        std::fs::write(&file, "BDI,OP1,stolen,2026-03-01,X\n").unwrap();
        let err = failed(&tabara(
            &db,
            &["mrz", "import-lost", &file.display().to_string()],
        ));
        assert!(
            err.contains("issuing_state,number,reason,reported_on,source"),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
        db.finish().await;
    }
);

fn read_photo(path: &std::path::Path, json: bool) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
    if json {
        c.arg("--json");
    }
    c.args(["mrz", "read", "--today", "2026-12-01"])
        .arg(path)
        .env("TABARA_LANG", "en")
        .env_remove("TABARA_DATABASE")
        .output()
        .unwrap()
}

#[test]
fn a_photo_of_the_page_is_read_and_checked() {
    use tabara_mrzscan::specimen::{LEVELS, debian_font, photo, zone};
    let dir = tabara_store::testing::temp_folder();
    let z = zone(tabara_core::mrz::Format::Td2, 9);
    let path = dir.0.join("page.jpg");
    std::fs::write(
        &path,
        photo(&z, &debian_font("OCRBS.otf").unwrap(), &LEVELS[2], 9),
    )
    .unwrap();
    let o = read_photo(&path, false);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("Read from the photo"));
    assert!(out.contains(&z[1]), "{out}");
    assert!(out.contains("Valid: every check digit and every rule holds."));
    let o = read_photo(&path, true);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["lines"], serde_json::json!(z));
    assert_eq!(v["zone"]["valid"], true);
    // Not a picture: said, exit 1.
    let text = dir.0.join("page.txt");
    std::fs::write(&text, "not a photo").unwrap();
    let o = read_photo(&text, false);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("The file is not a JPEG or PNG picture."));
}
