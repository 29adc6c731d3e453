use super::*;

fn form() -> ProviderForm {
    ProviderForm {
        organisation: OrganisationId::new().to_string(),
        office: String::new(),
        name: "Maison d'accueil de Gitega".into(),
        services: vec!["shelter".into(), "psychosocial".into()],
        areas: vec!["bi-gitega".into(), "BI-Burunga-Rumonge".into()],
        phone: "+257 22 40 00 00".into(),
        email: "accueil@example.org".into(),
        hours: "Lundi–vendredi 8 h–17 h\nUrgences 24 h/24".into(),
        languages: "rn, fr sw".into(),
    }
}

#[test]
fn a_good_form_gives_a_provider() {
    let p = form().validate().unwrap();
    assert_eq!(p.phone.as_deref(), Some("+25722400000"));
    assert_eq!(p.languages, ["fr", "rn", "sw"]);
    assert_eq!(p.areas, ["bi-burunga-rumonge", "bi-gitega"]);
    assert!(p.services.contains(ServiceType::Shelter));
    assert_eq!((p.version, p.capacity.as_ref()), (1, None));
    assert_eq!(
        ProviderForm::from_provider(&p).validate().unwrap().areas,
        p.areas
    );
}

#[test]
fn every_broken_rule_is_named_by_field_and_rule() {
    let bad = ProviderForm {
        organisation: "not-an-id".into(),
        office: "nope".into(),
        name: "  ".into(),
        services: vec!["shelter".into(), "massage".into()],
        areas: vec!["bi-gitega".into(), "bi-atlantis".into()],
        phone: "call me".into(),
        email: "nobody".into(),
        hours: "x".repeat(MAX_HOURS + 1),
        languages: "rn, French".into(),
    };
    let e = bad.validate().unwrap_err();
    let rules: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field, f.rule)).collect();
    for expected in [
        ("svc_Organisation", "unknown"),
        ("svc_Office", "unknown"),
        ("svc_Name", "required"),
        ("svc_Services", "picklist"),
        ("svc_Areas", "unknown_area"),
        ("svc_Phone", "e164"),
        ("svc_Email", "email"),
        ("svc_Hours", "max_length"),
        ("svc_Languages", "iso639"),
    ] {
        assert!(rules.contains(&expected), "{expected:?} in {rules:?}");
    }
    let empty = ProviderForm::default().validate().unwrap_err();
    for field in ["svc_Organisation", "svc_Name", "svc_Services", "svc_Areas"] {
        assert_eq!(empty.get(field).unwrap().rule, "required", "{field}");
    }
    assert!(!empty.has("svc_Phone") && !empty.has("svc_Languages"));
}

#[test]
fn hours_keep_lines_but_not_control_characters() {
    let mut f = form();
    f.hours = "8h\u{1b}[2J".into();
    assert_eq!(
        f.validate().unwrap_err().get("svc_Hours").unwrap().rule,
        "control_characters"
    );
}

#[test]
fn capacity_is_a_whole_number_from_zero_to_the_bound() {
    let up = |s: &str| CapacityUpdate { free: s.into() }.validate();
    assert_eq!(up("12"), Ok(Some(12)));
    assert_eq!(up(" 0 "), Ok(Some(0)));
    assert_eq!(up(""), Ok(None));
    assert_eq!(up("10000"), Ok(Some(MAX_CAPACITY)));
    assert_eq!(
        up("-1").unwrap_err().get("svc_Capacity").unwrap().rule,
        "range"
    );
    assert_eq!(
        up("10001").unwrap_err().get("svc_Capacity").unwrap().rule,
        "range"
    );
    assert_eq!(
        up("a few").unwrap_err().get("svc_Capacity").unwrap().rule,
        "integer"
    );
    assert_eq!(
        up("2.5").unwrap_err().get("svc_Capacity").unwrap().rule,
        "integer"
    );
    assert_eq!(check_free(Some(-3)).unwrap_err().0[0].rule, "range");
    assert_eq!(check_free(None), Ok(None));
}

fn provider(services: &[ServiceType], areas: &[&str], languages: &[&str]) -> ServiceProvider {
    let mut p = form().validate().unwrap();
    p.services = services.iter().copied().collect();
    p.areas = areas.iter().map(|a| a.to_string()).collect();
    p.languages = languages.iter().map(|a| a.to_string()).collect();
    p
}

#[test]
fn a_query_matches_by_service_area_and_language() {
    use ServiceType::*;
    let national = provider(&[Medical], &["bi"], &["fr"]);
    let gitega = provider(&[Shelter], &["bi-gitega"], &["rn"]);
    let karusi = provider(&[Shelter, Medical], &["bi-gitega-karusi"], &["rn", "sw"]);
    let q = |s: &str, a: &str, l: &str| ProviderQuery::parse(s, a, l).unwrap();
    let all = [&national, &gitega, &karusi];
    let found =
        |q: ProviderQuery| -> Vec<usize> { (0..3).filter(|i| q.matches(all[*i])).collect() };
    assert_eq!(found(q("", "", "")), [0, 1, 2]);
    assert_eq!(found(q("shelter", "", "")), [1, 2]);
    assert_eq!(found(q("", "", "sw")), [2]);
    // A commune: its own providers, its province's and the national ones.
    assert_eq!(found(q("", "bi-gitega-karusi", "")), [0, 1, 2]);
    assert_eq!(found(q("", "bi-gitega-mwaro", "")), [0, 1]);
    // A province: also the providers of one of its communes.
    assert_eq!(found(q("", "bi-gitega", "")), [0, 1, 2]);
    assert_eq!(found(q("", "bi-burunga", "")), [0]);
    // A former province's name finds the current province's providers.
    assert_eq!(found(q("shelter", "Karuzi", "")), [1, 2]);
    assert_eq!(q("", "Karuzi", "").area.as_deref(), Some("bi-gitega"));
    assert_eq!(found(q("medical", "Bujumbura Mairie", "fr")), [0]);
    let rumonge = q("", "Rumonge", "");
    assert_eq!(rumonge.area.as_deref(), Some("Rumonge"));
    let codes = rumonge.area_codes().unwrap();
    assert!(codes.contains(&"bi-burunga".into()) && codes.contains(&"bi-bujumbura-muhuta".into()));
}

#[test]
fn a_bad_query_is_refused_by_field() {
    let e = ProviderQuery::parse("massage", "Atlantis", "klingon").unwrap_err();
    assert_eq!(e.get("service").unwrap().rule, "picklist");
    assert_eq!(e.get("area").unwrap().rule, "unknown_area");
    assert_eq!(e.get("language").unwrap().rule, "iso639");
}

#[test]
fn offered_is_the_union_of_services() {
    use ServiceType::*;
    let a = provider(&[Shelter], &["bi"], &[]);
    let b = provider(&[Medical, Shelter], &["bi"], &[]);
    let got = offered([&a, &b]);
    assert_eq!(got, [Medical, Shelter].into_iter().collect());
}
