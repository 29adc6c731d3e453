//! The register as a whole: bulk load of the demo and the HTCDS export.

use crate::common::*;

// ================================================================ 9. bulk load

store_test!(bulk_insert_of_the_demo, |db| async move {
    let s = &db.store;
    let (demo, batches) = load_demo(s, 42, 300).await;
    let reference = demo.reference();
    let cases = numbered(&batches);
    let persons: usize = batches.iter().map(|b| b.persons.len()).sum();
    let consents: usize = batches.iter().map(|b| b.consents.len()).sum();
    let involvements: usize = cases.iter().map(|(_, c)| c.persons.len()).sum();
    let comments: usize = cases.iter().map(|(_, c)| c.comments.len()).sum();
    assert_eq!(persons as u64, demo.persons_made());
    assert_eq!(cases.len() as u64, demo.cases_made());
    assert!(persons >= 300 && batches.len() >= 3, "{persons} persons");

    // Every child of a case is put on the child pathway by the load (one entry each).
    let children: std::collections::HashSet<PersonId> = batches
        .iter()
        .flat_map(|b| b.persons.iter())
        .filter(|(p, _)| p.facts.is_child_or_presumed())
        .map(|(p, _)| p.id)
        .collect();
    let pathways: usize = cases
        .iter()
        .map(|(_, c)| {
            c.persons
                .iter()
                .filter(|(id, _)| children.contains(id))
                .count()
        })
        .sum();
    assert!(pathways > 0, "the demo has children");
    assert_eq!(s.open_pathways(1).await.unwrap().1, pathways as i64);
    let stats = s.stats().await.unwrap();
    let entries = reference.organisations.len()
        + reference.offices.len()
        + persons
        + cases.len()
        + involvements
        + comments
        + consents
        + pathways;
    assert_eq!(
        stats,
        RegisterStats {
            organisations: reference.organisations.len() as i64,
            offices: reference.offices.len() as i64,
            users: 0,
            persons: persons as i64,
            cases: cases.len() as i64,
            audit_entries: entries as i64
        }
    );
    assert_verified(s, entries as i64).await;

    // Numbers 1..=cases in the batches' order.
    let listed: Vec<(i64, CaseId)> = pages(s, &CaseFilter::default(), 500)
        .await
        .iter()
        .flat_map(|p| p.items.iter().map(|c| (c.number, c.id)))
        .collect();
    let expected: Vec<(i64, CaseId)> = cases.iter().rev().map(|(n, c)| (*n, c.case.id)).collect();
    assert_eq!(listed, expected);
    let (n, last) = cases.last().unwrap();
    let stored = s.case_by_number(*n).await.unwrap();
    assert_eq!(
        (stored.id, stored.facts.clone(), stored.office_id),
        (last.case.id, last.case.facts.clone(), last.case.office_id)
    );
    let (first_person, _) = &batches[0].persons[0];
    assert_eq!(&s.person(first_person.id).await.unwrap(), first_person);

    // The numbers of the cases loaded for which `keep` holds, newest first.
    let newest_first = |keep: &dyn Fn(&BatchCase) -> bool| -> Vec<i64> {
        cases
            .iter()
            .rev()
            .filter(|(_, c)| keep(c))
            .map(|(n, _)| *n)
            .collect()
    };
    // Exploitation filters find exactly the cases whose victims have the type.
    for &t in ExploitationType::ALL {
        let filter = CaseFilter {
            exploitation: Some(t),
            ..Default::default()
        };
        let expected = newest_first(&|c| union_of_victims(c).contains(t));
        assert!(!expected.is_empty(), "the demo has {t:?} cases");
        assert_eq!(numbers(&pages(s, &filter, 500).await), expected, "{t:?}");
    }
    for status in STATUSES {
        let filter = CaseFilter {
            status: Some(status),
            ..Default::default()
        };
        let expected = newest_first(&|c| c.case.facts.status == status);
        let listed = numbers(&pages(s, &filter, 500).await);
        assert_eq!(listed, expected, "{status:?}");
    }
    db.finish().await
});

// ================================================================ 10. export

/// One victim row as the export must give it.
struct ExpectedRow {
    number: i64,
    case: NewCase,
    organisation: String,
    referring_organisation: Option<String>,
    person: Person,
    victim: VictimContext,
    identity: PersonIdentity,
    consent: Option<bool>,
}

fn expected_export(reference: &Reference, batches: &[Batch]) -> Vec<ExpectedRow> {
    let persons: HashMap<PersonId, &(Person, PersonIdentity)> = batches
        .iter()
        .flat_map(|b| &b.persons)
        .map(|pi| (pi.0.id, pi))
        .collect();
    let mut latest: HashMap<PersonId, &Consent> = HashMap::new();
    for c in batches.iter().flat_map(|b| &b.consents) {
        let slot = latest.entry(c.person_id).or_insert(c);
        if c.id > slot.id {
            *slot = c;
        }
    }
    let names: HashMap<OrganisationId, &str> = reference
        .organisations
        .iter()
        .map(|o| (o.id, o.name.as_str()))
        .collect();
    let mut rows = Vec::new();
    for (number, c) in numbered(batches) {
        for (pid, inv) in &c.persons {
            if let Involvement::Victim(v) = inv {
                let (person, identity) = persons[pid];
                rows.push(ExpectedRow {
                    number,
                    case: c.case.clone(),
                    organisation: names[&c.case.organisation_id].to_string(),
                    referring_organisation: c
                        .case
                        .facts
                        .referring_organisation_id
                        .map(|id| names[&id].to_string()),
                    person: person.clone(),
                    victim: v.clone(),
                    identity: identity.clone(),
                    consent: latest.get(pid).map(|c| c.htcds_consent()),
                });
            }
        }
    }
    rows.sort_by_key(|r| (r.number, r.person.id));
    rows
}

/// Every page of the victim export; returns the rows and the page sizes.
async fn export_all(
    s: &Store,
    limit: i64,
    identity_of: Option<&Actor>,
) -> (Vec<ExportRow>, Vec<usize>) {
    let mut rows: Vec<ExportRow> = Vec::new();
    let mut sizes = Vec::new();
    loop {
        let after = rows.last().map(|r| (r.case.number, r.person.id));
        let page = s.export_victims(after, limit, identity_of).await.unwrap();
        if page.is_empty() {
            return (rows, sizes);
        }
        sizes.push(page.len());
        rows.extend(page);
        assert!(sizes.len() < 1000, "the export never ends");
    }
}

#[track_caller]
fn assert_rows(rows: &[ExportRow], expected: &[ExpectedRow], with_identity: bool) {
    assert_eq!(
        rows.iter()
            .map(|r| (r.case.number, r.person.id))
            .collect::<Vec<_>>(),
        expected
            .iter()
            .map(|e| (e.number, e.person.id))
            .collect::<Vec<_>>()
    );
    for (r, e) in rows.iter().zip(expected) {
        assert_eq!(
            (
                r.case.id,
                &r.case.facts,
                &r.organisation_name,
                &r.referring_organisation_name,
                &r.person,
                &r.victim,
                r.consent
            ),
            (
                e.case.id,
                &e.case.facts,
                &e.organisation,
                &e.referring_organisation,
                &e.person,
                &e.victim,
                e.consent
            ),
            "case {} person {}",
            e.number,
            e.person.id
        );
        assert_eq!(r.identity.as_ref(), with_identity.then_some(&e.identity));
    }
}

store_test!(export_victims_pages_and_audits_identity, |db| async move {
    let s = &db.store;
    let (demo, batches) = load_demo(s, 7, 300).await;
    let expected = expected_export(demo.reference(), &batches);
    assert!(expected.len() > 100, "{} victims", expected.len());
    let full_pages = vec![50; expected.len() / 50];
    let page_sizes: Vec<usize> = full_pages
        .into_iter()
        .chain(Some(expected.len() % 50).filter(|n| *n > 0))
        .collect();
    assert!(
        expected.iter().any(|e| e.consent == Some(false))
            && expected.iter().any(|e| e.consent == Some(true)),
        "the demo has both kinds of consent"
    );

    let head = audit_count(s).await;
    let (rows, sizes) = export_all(s, 50, None).await;
    assert_eq!(sizes, page_sizes);
    assert_rows(&rows, &expected, false);
    assert_eq!(
        audit_count(s).await,
        head,
        "an export without identity logs nothing"
    );

    let analyst = Actor::user(UserId::new());
    let (rows, sizes) = export_all(s, 50, Some(&analyst)).await;
    assert_eq!(sizes, page_sizes);
    assert_rows(&rows, &expected, true);
    let logged = s.audit_entries(head, 100_000).await.unwrap();
    assert_eq!(
        audit_lines(&logged),
        expected
            .iter()
            .map(|e| audit_line(
                &analyst,
                "person_identity.export",
                "person",
                &e.person.id.to_string()
            ))
            .collect::<Vec<_>>()
    );
    assert_verified(s, head + expected.len() as i64).await;
    db.finish().await
});
