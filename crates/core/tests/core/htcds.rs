//! Every HTCDS picklist enum against the reference CSVs extracted from the standard
//! (`tests/data/htcds/`, with their source and licence): nothing missing, nothing misspelt, same order, French labels present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use tabara_core::countries::COUNTRIES;
use tabara_core::picklist::{Lang, Picklist};

fn reference(file: &str) -> PathBuf {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/htcds")
        .join(file);
    assert!(p.exists(), "reference file {} not found", p.display());
    p
}

/// field -> [(value_name, label)] in the standard's order.
fn reference_enums() -> BTreeMap<String, Vec<(String, String)>> {
    let mut rdr = csv::Reader::from_path(reference("htcds_v2_enums.csv")).unwrap();
    let mut out: BTreeMap<String, Vec<(u32, String, String)>> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        out.entry(rec[0].to_string()).or_default().push((
            rec[1].parse().unwrap(),
            rec[2].trim().to_string(),
            rec[3].trim().to_string(),
        ));
    }
    out.into_iter()
        .map(|(k, mut v)| {
            v.sort_by_key(|x| x.0);
            (k, v.into_iter().map(|(_, n, l)| (n, l)).collect())
        })
        .collect()
}

fn check<T: Picklist>(
    reference: &BTreeMap<String, Vec<(String, String)>>,
    seen: &mut BTreeSet<String>,
    problems: &mut Vec<String>,
) {
    let ours: Vec<(String, String)> = T::ALL
        .iter()
        .filter(|v| !v.is_extension())
        .map(|v| (v.value_name().to_string(), v.label(Lang::En).to_string()))
        .collect();
    for field in T::HTCDS_FIELDS {
        seen.insert(field.to_string());
        match reference.get(*field) {
            None => problems.push(format!(
                "{}: field {field} has no picklist in the standard",
                T::LIST_NAME
            )),
            Some(expected) if *expected != ours => problems.push(format!(
                "{} ({field}):\n  standard: {expected:?}\n  ours:     {ours:?}",
                T::LIST_NAME
            )),
            Some(_) => {}
        }
    }
    for v in T::ALL {
        let fr = v.label(Lang::Fr);
        if fr.trim().is_empty() {
            problems.push(format!(
                "{}::{} has no French label",
                T::LIST_NAME,
                v.value_name()
            ));
        }
        if T::parse(v.value_name()) != Ok(*v) || T::parse(v.label(Lang::En)) != Ok(*v) {
            problems.push(format!(
                "{}::{} does not parse back",
                T::LIST_NAME,
                v.value_name()
            ));
        }
        for alias in v.aliases() {
            if T::parse(alias) != Ok(*v) {
                problems.push(format!("{} alias {alias} does not parse", T::LIST_NAME));
            }
        }
        if v.is_extension()
            && reference
                .values()
                .flatten()
                .any(|(n, _)| n == v.value_name())
            && T::HTCDS_FIELDS
                .iter()
                .any(|f| reference[*f].iter().any(|(n, _)| n == v.value_name()))
        {
            problems.push(format!(
                "{}::{} is marked as an extension but is in the standard",
                T::LIST_NAME,
                v.value_name()
            ));
        }
    }
}

#[test]
fn every_picklist_matches_the_standard() {
    let reference = reference_enums();
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    macro_rules! run {
        ($t:ty) => {
            check::<$t>(&reference, &mut seen, &mut problems)
        };
    }
    tabara_core::for_each_htcds_picklist!(run);
    for field in reference.keys() {
        if !seen.contains(field) {
            problems.push(format!("the standard's picklist {field} has no Rust enum"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn picklist_fields_are_picklists_in_the_field_sheet() {
    let mut rdr = csv::Reader::from_path(reference("htcds_v2_fields.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let full = headers.iter().position(|h| h == "full_name").unwrap();
    let ty = headers.iter().position(|h| h == "type").unwrap();
    let names = headers.iter().position(|h| h == "value_names").unwrap();
    let reference = reference_enums();
    let mut lists = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let is_list = rec[ty].contains("Picklist")
            && !rec[names].is_empty()
            && !rec[names].starts_with("Use ISO");
        if is_list {
            assert!(
                reference.contains_key(&rec[full]),
                "{} is a picklist without enum rows",
                &rec[full]
            );
            lists += 1;
        }
    }
    assert!(
        lists >= 20,
        "only {lists} picklist fields in the field sheet"
    );
}

#[test]
fn country_list_matches_the_toolkit() {
    let mut rdr = csv::Reader::from_path(reference("htcds_countries_iso3166_alpha2.csv")).unwrap();
    let mut expected: Vec<(String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    expected.sort();
    let ours: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    assert_eq!(ours, expected);
}

#[test]
fn documented_inconsistencies_are_handled() {
    use tabara_core::htcds::*;
    assert_eq!(
        "DebtBondage ".parse::<MethodOfControl>(),
        Ok(MethodOfControl::DebtBondage)
    );
    assert_eq!(
        "Unacquainted".parse::<RelationshipToTrafficker>(),
        Ok(RelationshipToTrafficker::Unacquainted)
    );
    assert_eq!(
        RelationshipToTrafficker::Unacquainted.as_str(),
        "Unaquainted"
    );
    assert_eq!(
        "UsesChildren".parse::<MethodOfControl>(),
        Ok(MethodOfControl::ThreatensChildrenFamily)
    );
    assert_eq!("4Sale".parse::<WebsiteOrApp>(), Ok(WebsiteOrApp::FourSale));
    assert_eq!("Follow up".parse::<CaseStatus>(), Ok(CaseStatus::FollowUp));
    assert!("Trafficking".parse::<ExploitationType>().is_err());
}

#[test]
fn export_columns_are_htcds_field_names() {
    let mut rdr = csv::Reader::from_path(reference("htcds_v2_fields.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let full = headers.iter().position(|h| h == "full_name").unwrap();
    let status = headers.iter().position(|h| h == "status").unwrap();
    let live: BTreeSet<String> = rdr
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[status] != "DEPRECATED")
        .map(|r| r[full].to_string())
        .collect();
    for c in tabara_core::export::columns(true) {
        if tabara_core::export::EXTRA_COLUMNS.contains(&c) {
            // Tabara's own columns: lower case, so never confused with an HTCDS field.
            assert!(!live.contains(c), "{c}");
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
            continue;
        }
        assert!(live.contains(c), "{c} is not a live HTCDS v2.0 field");
    }
}
