//! The case list: filters, keyset pages, the flags it filters on.

use crate::common::*;

// ================================================================ 6. case list

const LIST_CASES: usize = 30;

/// What the list test stores as case `i` (number `i + 1`).
struct Planned {
    number: i64,
    status: CaseStatus,
    office: usize,
    organisation: usize,
    opened_on: NaiveDate,
    involved: Vec<Involvement>,
}

impl Planned {
    fn new(i: usize) -> Planned {
        let mut involved = Vec::new();
        if i % 5 != 4 {
            involved.push(victim(&[TYPES[i % 4]]));
        }
        if i.is_multiple_of(6) {
            involved.push(victim(&[ExploitationType::SexualExploitation]));
        }
        if i.is_multiple_of(3) {
            involved.push(Involvement::Witness);
        }
        Planned {
            number: i as i64 + 1,
            status: STATUSES[i % 4],
            office: i % 3,
            organisation: usize::from(i % 3 == 2),
            opened_on: day("2026-01-05") + Days::new(5 * i as u64),
            involved,
        }
    }

    fn facts(&self) -> CaseFacts {
        let closed = matches!(self.status, CaseStatus::Closed | CaseStatus::ClosedReferred);
        CaseFacts {
            status: self.status,
            closed_on: closed.then(|| self.opened_on + Days::new(3)),
            ..CaseFacts::opened(self.opened_on)
        }
    }

    fn types(&self) -> ValueSet<ExploitationType> {
        self.involved
            .iter()
            .filter_map(|inv| match inv {
                Involvement::Victim(v) => Some(v.exploitation_types.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn victims(&self) -> i64 {
        self.involved
            .iter()
            .filter(|inv| matches!(inv, Involvement::Victim(_)))
            .count() as i64
    }
}

/// The list filtered in the store equals the plan filtered in Rust (newest first), and the
/// filter keeps some cases but not all.
async fn assert_filter(
    s: &Store,
    plan: &[Planned],
    filter: CaseFilter,
    keep: impl Fn(&Planned) -> bool,
) {
    let expected: Vec<i64> = plan
        .iter()
        .rev()
        .filter(|p| keep(p))
        .map(|p| p.number)
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < plan.len(),
        "{filter:?} must select some cases but not all: {expected:?}"
    );
    assert_eq!(listed(s, &filter).await, expected, "{filter:?}");
}

store_test!(case_list_filters_and_pages, |db| async move {
    let s = &db.store;
    let orgs = [org("Agence A"), org("Agence B")];
    let offices = [
        office(&orgs[0], "Bureau 1"),
        office(&orgs[0], "Bureau 2"),
        office(&orgs[1], "Bureau 3"),
    ];
    for o in &orgs {
        s.create_organisation(&system(), o).await.unwrap();
    }
    for o in &offices {
        s.create_office(&system(), o).await.unwrap();
    }
    let w = World {
        org: orgs[0].clone(),
        office: offices[0].clone(),
    };
    let plan: Vec<Planned> = (0..LIST_CASES).map(Planned::new).collect();
    for p in &plan {
        let new = new_case(
            orgs[p.organisation].id,
            Some(offices[p.office].id),
            p.facts(),
        );
        let case = s.create_case(&system(), &new).await.unwrap();
        assert_eq!(case.number, p.number);
        for inv in &p.involved {
            let person = add_person(s, &w, "Personne", &format!("N{}", p.number)).await;
            s.add_case_person(&system(), case.id, person.id, inv)
                .await
                .unwrap();
        }
    }

    // Every line of the unfiltered list.
    let all = listed_summaries(s, &CaseFilter::default()).await;
    let lines: Vec<_> = all
        .iter()
        .map(|c| {
            (
                c.number,
                c.reference.clone(),
                c.status,
                c.opened_on,
                c.organisation.clone(),
                c.office.clone(),
                c.exploitation_types.clone(),
                c.persons,
                c.victims,
            )
        })
        .collect();
    let expected: Vec<_> = plan
        .iter()
        .rev()
        .map(|p| {
            (
                p.number,
                format!("TBR-{:06}", p.number),
                p.status,
                p.opened_on,
                orgs[p.organisation].name.clone(),
                Some(offices[p.office].name.clone()),
                p.types(),
                p.involved.len() as i64,
                p.victims(),
            )
        })
        .collect();
    assert_eq!(lines, expected);

    for status in STATUSES {
        let filter = CaseFilter {
            status: Some(status),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.status == status).await;
    }
    for t in TYPES {
        let filter = CaseFilter {
            exploitation: Some(t),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.types().contains(t)).await;
    }
    let begging = CaseFilter {
        exploitation: Some(ExploitationType::ForcedBegging),
        ..Default::default()
    };
    assert_eq!(listed(s, &begging).await, Vec::<i64>::new());
    for (i, o) in offices.iter().enumerate() {
        let filter = CaseFilter {
            office_id: Some(o.id),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.office == i).await;
    }
    for (i, o) in orgs.iter().enumerate() {
        let filter = CaseFilter {
            organisation_id: Some(o.id),
            ..Default::default()
        };
        assert_filter(s, &plan, filter, |p| p.organisation == i).await;
    }
    let (from, to) = (plan[10].opened_on, plan[20].opened_on);
    let from_filter = CaseFilter {
        opened_from: Some(from),
        ..Default::default()
    };
    assert_filter(s, &plan, from_filter, |p| p.opened_on >= from).await;
    let to_filter = CaseFilter {
        opened_to: Some(to),
        ..Default::default()
    };
    assert_filter(s, &plan, to_filter, |p| p.opened_on <= to).await;
    let between = CaseFilter {
        opened_from: Some(from),
        opened_to: Some(to),
        ..Default::default()
    };
    assert_eq!(
        listed(s, &between).await,
        (11..=21).rev().collect::<Vec<i64>>(),
        "both bounds are inclusive"
    );
    let combined = CaseFilter {
        status: Some(CaseStatus::Active),
        organisation_id: Some(orgs[0].id),
        exploitation: Some(ExploitationType::ForcedLabour),
        ..Default::default()
    };
    assert_filter(s, &plan, combined, |p| {
        p.status == CaseStatus::Active
            && p.organisation == 0
            && p.types().contains(ExploitationType::ForcedLabour)
    })
    .await;

    // Keyset pagination over everything, 7 at a time.
    let walked = pages(s, &CaseFilter::default(), 7).await;
    assert_eq!(
        walked.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [7, 7, 7, 7, 2]
    );
    assert_eq!(
        walked.iter().map(|p| p.next).collect::<Vec<_>>(),
        [Some(24), Some(17), Some(10), Some(3), None]
    );
    assert_eq!(numbers(&walked), (1..=30).rev().collect::<Vec<i64>>());

    // A filter whose count (20) is a multiple of the page size: no empty last page.
    let org_a = CaseFilter {
        organisation_id: Some(orgs[0].id),
        ..Default::default()
    };
    let walked = pages(s, &org_a, 5).await;
    assert_eq!(
        walked.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [5, 5, 5, 5]
    );
    assert_eq!(numbers(&walked), listed(s, &org_a).await);
    db.finish().await
});
