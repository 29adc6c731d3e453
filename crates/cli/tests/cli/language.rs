//! The user's language: output, catalogue keys used by the command line, kinds of record.

use std::process::Command;

#[test]
fn output_follows_the_chosen_language() {
    let dir = std::env::temp_dir().join(format!("tabara-cli-lang-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("t.db");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tabara"))
            .arg("--database")
            .arg(&db)
            .args(args)
            .env_remove("TABARA_LANG")
            .output()
            .unwrap()
    };
    assert!(
        run(&["demo", "--persons", "50", "--lang", "fr"])
            .status
            .success()
    );
    let fr =
        String::from_utf8(run(&["--lang", "fr", "case", "list", "--limit", "3"]).stdout).unwrap();
    assert!(fr.starts_with("DOSSIER"), "{fr}");
    assert!(fr.contains("page suivante"), "{fr}");
    let en =
        String::from_utf8(run(&["--lang", "en", "case", "list", "--limit", "3"]).stdout).unwrap();
    assert!(en.starts_with("CASE") && en.contains("next page"), "{en}");
    let missing = run(&["--lang", "fr", "case", "show", "99999"]);
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.contains("erreur: dossier TBR-099999 introuvable"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every catalogue key the command line uses exists in English (and so, by the catalogue's own
/// test, in French).
#[test]
fn every_key_used_exists() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let catalogue = tabara_i18n::catalogue();
    let mut checked = 0;
    let files = rust_files(&src);
    for needed in [
        "main.rs",
        "output.rs",
        "commands/mod.rs",
        "commands/users.rs",
    ] {
        assert!(
            files.iter().any(|f| f.ends_with(needed)),
            "{needed} not read: {files:?}"
        );
    }
    for path in &files {
        let file = path.strip_prefix(&src).unwrap().display();
        let text = std::fs::read_to_string(path).unwrap();
        for literal in text.split('"').skip(1).step_by(2) {
            let looks_like_key = literal.contains('-')
                && literal.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !literal.starts_with('-')
                && !literal.ends_with('-');
            if looks_like_key {
                assert!(
                    catalogue.has(tabara_core::Lang::En, literal),
                    "{file}: key {literal} missing"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} keys found");
}

/// Every `t!(lang, "key", name = value, …)` of the command line gives every variable its
/// message references in English and in French (a variable left out is a formatting error:
/// a panic in debug builds, a half-made sentence in release), and names none it does not.
#[test]
fn every_message_used_is_given_its_variables() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let catalogue = tabara_i18n::catalogue();
    let mut checked = 0;
    for path in rust_files(&src) {
        let file = path.strip_prefix(&src).unwrap().display().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for (key, given) in translations(&text) {
            for lang in [tabara_core::Lang::En, tabara_core::Lang::Fr] {
                let wanted = catalogue
                    .variables(lang, &key)
                    .unwrap_or_else(|| panic!("{file}: {key} is not in {}", lang.tag()));
                let given: std::collections::BTreeSet<String> = given.iter().cloned().collect();
                assert_eq!(
                    given,
                    wanted,
                    "{file}: t!(…, \"{key}\", …) in {}",
                    lang.tag()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} t! calls found");
}

/// The `t!` calls of a source text whose key is a string literal: the key and the names of
/// the arguments given.
fn translations(text: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("t!(") {
        let preceded = rest[..at].chars().next_back();
        rest = &rest[at + 3..];
        if preceded.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let args = top_level_arguments(rest);
        let Some(key) = args
            .get(1)
            .and_then(|k| k.strip_prefix('"')?.strip_suffix('"'))
        else {
            continue;
        };
        let names = args[2..]
            .iter()
            .filter_map(|a| a.split_once('=').map(|(n, _)| n.trim().to_string()))
            .collect();
        out.push((key.to_string(), names));
    }
    out
}

/// The comma-separated arguments of a call whose opening parenthesis was just read, trimmed,
/// up to its closing one; commas inside brackets, strings and characters do not count.
fn top_level_arguments(text: &str) -> Vec<String> {
    let mut args = vec![String::new()];
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let arg = args.last_mut().unwrap();
                arg.push(c);
                while let Some(d) = chars.next() {
                    arg.push(d);
                    match d {
                        '\\' => arg.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(String::new());
                continue;
            }
            _ => {}
        }
        args.last_mut().unwrap().push(c);
    }
    let mut args: Vec<String> = args.into_iter().map(|a| a.trim().to_string()).collect();
    if args.last().is_some_and(String::is_empty) {
        args.pop();
    }
    args
}

#[test]
fn the_call_reader_reads_keys_and_argument_names() {
    let text = r#"let a = t!(lang, "demo-speed", seconds = s.as_secs(), rate = format!("{}, {}", x, y));
        let b = t!(lang, k);
        let c = t!(lang, "audit-ok", entries = v[1..].len(),);
        let quoted = format!("t!(lang, \"x\")");"#;
    assert_eq!(
        translations(text),
        [
            (
                "demo-speed".to_string(),
                vec!["seconds".to_string(), "rate".to_string()]
            ),
            ("audit-ok".to_string(), vec!["entries".to_string()]),
        ]
    );
    // A call that leaves a variable out is told apart from one that gives them all.
    let wanted = tabara_i18n::catalogue()
        .variables(tabara_core::Lang::En, "demo-speed")
        .unwrap();
    let (_, short) = &translations(r#"t!(lang, "demo-speed", seconds = 1)"#)[0];
    assert_eq!(wanted.len(), 2);
    assert!(short.len() < wanted.len() && short.iter().all(|n| wanted.contains(n)));
}

/// Every `.rs` file below `dir`, sorted.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn an_unsupported_language_is_refused_when_asked_for() {
    let run = |args: &[&str], env_lang: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tabara"));
        c.args(args).env_remove("TABARA_LANG").env("LANG", "C");
        if let Some(l) = env_lang {
            c.env("TABARA_LANG", l);
        }
        c.output().unwrap()
    };
    let out = run(&["--lang", "de", "case", "show", "TBR-abc"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'de'") && err.contains("en, fr, rn"), "{err}");
    // From the environment, an unknown language falls back to English.
    let out = run(&["case", "show", "TBR-abc"], Some("de"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a case reference"), "{err}");
    let out = run(&["--lang", "fr-BI", "case", "show", "TBR-abc"], None);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("n'est pas une langue"),
        "a regional French tag is French"
    );
}

/// Every kind of record the store names in its errors (not found, changed by someone else,
/// already exists) has its label in the catalogue, so no message shows a raw `kind-…` key.
#[test]
fn every_kind_the_store_names_has_a_label() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/src");
    let catalogue = tabara_i18n::catalogue();
    let mut kinds = std::collections::BTreeSet::new();
    // The store's sources: a folder per domain.
    let (mut files, mut folders) = (Vec::new(), vec![src]);
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    for path in files {
        let text = std::fs::read_to_string(path).unwrap();
        for marker in [
            "kind: \"",
            "what: \"",
            "check_version(\"",
            "ensure_updated(done, \"",
            "ensure_updated(updated, \"",
            "or_not_found(\"",
            "not_found(\"",
            "ensure_found(done, \"",
        ] {
            for rest in text.split(marker).skip(1) {
                kinds.insert(rest.split('"').next().unwrap().to_string());
            }
        }
    }
    assert!(
        kinds.contains("screening") && kinds.len() >= 16,
        "{kinds:?}"
    );
    for kind in &kinds {
        let key = format!("kind-{}", kind.replace(' ', "-"));
        assert!(
            catalogue.has(tabara_core::Lang::En, &key),
            "{key} missing from the catalogue"
        );
    }
}
