use chrono::{DateTime, Duration, NaiveDate, TimeZone as _, Utc};

use super::*;
use crate::picklist::Picklist;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn rule(r: Result<impl std::fmt::Debug, crate::validation::ValidationErrors>) -> (String, String) {
    let e = r.unwrap_err();
    (e.0[0].field.to_string(), e.0[0].rule.to_string())
}

#[test]
fn every_status_step_is_allowed_or_refused_as_the_table_says() {
    use InvestigationStatus::*;
    use StatusStep::*;
    // (from, step) → to, for every pair; None is refused out of turn.
    let table = [
        (Opened, Activate, Some(Active)),
        (Opened, Refer, None),
        (Opened, Resume, None),
        (Opened, Close, Some(Closed)),
        (Opened, Reopen, None),
        (Active, Activate, None),
        (Active, Refer, Some(Referred)),
        (Active, Resume, None),
        (Active, Close, Some(Closed)),
        (Active, Reopen, None),
        (Referred, Activate, None),
        (Referred, Refer, None),
        (Referred, Resume, Some(Active)),
        (Referred, Close, Some(Closed)),
        (Referred, Reopen, None),
        (Closed, Activate, None),
        (Closed, Refer, None),
        (Closed, Resume, None),
        (Closed, Close, None),
        (Closed, Reopen, Some(Active)),
    ];
    assert_eq!(
        table.len(),
        InvestigationStatus::ALL.len() * StatusStep::ALL.len()
    );
    for (from, step, to) in table {
        let got = from.apply(step, Standing::Supervisor, "because");
        match to {
            Some(to) => assert_eq!(got.unwrap().0, to, "{from} {step}"),
            None => assert_eq!(
                rule(got),
                ("inv_Status".into(), "out_of_turn".into()),
                "{from} {step}"
            ),
        }
    }
    assert_eq!(Opened.next_steps(), vec![Activate, Close]);
    assert_eq!(Closed.next_steps(), vec![Reopen]);
}

#[test]
fn who_takes_each_step_and_which_need_a_reason() {
    use StatusStep::*;
    for s in StatusStep::ALL.iter().copied() {
        for st in Standing::ALL {
            let expected = match s {
                Activate => st != Standing::Other,
                Refer | Resume | Close => matches!(st, Standing::Lead | Standing::Supervisor),
                Reopen => st == Standing::Supervisor,
            };
            assert_eq!(s.allowed(st), expected, "{s} {st:?}");
        }
    }
    assert_eq!(
        rule(InvestigationStatus::Active.apply(Close, Standing::Team, "x")),
        ("inv_Party".into(), "not_allowed".into())
    );
    assert_eq!(
        rule(InvestigationStatus::Active.apply(Close, Standing::Lead, "  ")),
        ("inv_Reason".into(), "required".into())
    );
    let (s, reason) = InvestigationStatus::Opened
        .apply(Activate, Standing::Team, "ignored")
        .unwrap();
    assert_eq!((s, reason), (InvestigationStatus::Active, None));
    let (_, reason) = InvestigationStatus::Referred
        .apply(
            Resume,
            Standing::Lead,
            " the prosecutor asks for the bank records ",
        )
        .unwrap();
    assert_eq!(
        reason.as_deref(),
        Some("the prosecutor asks for the bank records")
    );
}

#[test]
fn the_shipped_catalogue_loads_with_sources_and_nothing_confirmed() {
    let c = LegalCatalogue::embedded().unwrap();
    assert!(!c.offences.is_empty() && !c.aggravating.is_empty());
    for o in &c.offences {
        assert!(!o.source.is_empty() && !o.confirmed, "{}", o.code);
    }
    for a in &c.aggravating {
        assert!(!a.source.is_empty() && !a.confirmed, "{}", a.id);
    }
    let bi = c.jurisdiction("bi").unwrap();
    assert_eq!(c.default_jurisdiction().code, "bi");
    assert_eq!((bi.custody_limit_hours, bi.extension_max_hours), (168, 168));
    assert_eq!(bi.tz(), chrono_tz::Africa::Bujumbura);
    assert!(c.notice.en.contains("lawyer") && c.notice.fr.contains("juriste"));
}

#[test]
fn penalties_follow_the_tiers_of_the_circumstances() {
    let c = LegalCatalogue::embedded().unwrap();
    let traite = c.offence("bi-2014-traite").unwrap();
    let p = c.penalty(traite, &[], false);
    assert_eq!(
        (p.tier, p.years_min, p.years_max),
        (Some(TierId::Basic), Some(5), Some(10))
    );
    assert_eq!(p.fine_max_bif, Some(500_000));
    let p = c.penalty(traite, &[], true);
    assert_eq!((p.tier, p.years_max), (Some(TierId::Child), Some(15)));
    let p = c.penalty(traite, &["child_victim".into()], false);
    assert_eq!(p.tier, Some(TierId::Child));
    let p = c.penalty(traite, &["organised_group".into()], false);
    assert_eq!((p.tier, p.years_max), (Some(TierId::Aggravated), Some(20)));
    let p = c.penalty(traite, &["organised_group".into()], true);
    assert_eq!((p.tier, p.life), (Some(TierId::AggravatedChild), true));
    let old = c.offence("bi-2009-cp-242").unwrap();
    assert_eq!(c.penalty(old, &[], false).years_max, Some(10));
    assert_eq!(c.penalty(old, &[], true).years_max, Some(20));
    assert!(!c.penalty(traite, &[], false).confirmed);
}

#[test]
fn an_offence_not_in_the_catalogue_is_refused() {
    let c = LegalCatalogue::embedded().unwrap();
    assert_eq!(
        rule(c.check_choice("bi-1900-nothing", &[])),
        ("off_Code".into(), "not_in_catalogue".into())
    );
    assert_eq!(
        rule(c.check_choice("bi-2014-traite", &["made_up".into()])),
        ("off_Aggravating".into(), "not_in_catalogue".into())
    );
    let (o, a) = c
        .check_choice(
            " bi-2014-traite ",
            &[
                "organised_group".into(),
                "child_victim".into(),
                "organised_group".into(),
                "".into(),
            ],
        )
        .unwrap();
    assert_eq!(o.code, "bi-2014-traite");
    assert_eq!(
        a,
        vec!["child_victim".to_string(), "organised_group".to_string()]
    );
}

#[test]
fn a_broken_catalogue_is_refused_with_its_entry_named() {
    let good = include_str!("../../data/legal.toml");
    for (from, to, says) in [
        (
            "code = \"bi-2014-traite\"",
            "code = \"BI 2014\"",
            "lower case",
        ),
        (
            "time_zone = \"Africa/Bujumbura\"",
            "time_zone = \"Mars/Olympus\"",
            "unknown time zone",
        ),
        (
            "custody_limit_hours = 168",
            "custody_limit_hours = 0",
            "custody limit",
        ),
        ("warn_hours = [48, 24]", "warn_hours = [24, 48]", "warnings"),
        (
            "elements = [\"act\", \"purpose\"]",
            "elements = [\"means\"]",
            "act and the purpose",
        ),
        (
            "id = \"aggravated_child\"",
            "id = \"aggravated\"",
            "listed twice",
        ),
    ] {
        assert!(good.contains(from), "{from}");
        let bad = good.replacen(from, to, 1);
        let err = LegalCatalogue::parse(&bad).unwrap_err().to_string();
        assert!(err.contains(says), "{from}: {err}");
    }
    assert!(matches!(
        LegalCatalogue::parse("version = 1"),
        Err(legal::CatalogueError::Syntax(_))
    ));
}

#[test]
fn elements_lacking_support_are_shown_and_the_means_waived_for_a_child() {
    let c = LegalCatalogue::embedded().unwrap();
    let traite = c.offence("bi-2014-traite").unwrap();
    let s = elements::coverage(
        traite,
        false,
        &[(Element::Act, true), (Element::Purpose, false)],
    );
    let got: Vec<_> = s
        .iter()
        .map(|x| (x.element, x.required, x.support))
        .collect();
    assert_eq!(
        got,
        vec![
            (Element::Act, true, Support::Evidenced),
            (Element::Means, true, Support::Missing),
            (Element::Purpose, true, Support::FactsOnly),
        ]
    );
    assert_eq!(elements::lacking(&s), vec![Element::Means]);
    let child = elements::coverage(
        traite,
        true,
        &[(Element::Act, true), (Element::Purpose, false)],
    );
    assert!(elements::lacking(&child).is_empty());
    assert!(!child[1].required);
    let old = c.offence("bi-2009-cp-242").unwrap();
    assert_eq!(
        rule(elements::check_support(old, Element::Means, "threats")),
        ("els_Element".into(), "not_an_element".into())
    );
    assert_eq!(
        rule(elements::check_support(traite, Element::Means, " ")),
        ("els_Fact".into(), "required".into())
    );
}

#[test]
fn tasks_are_checked_and_fall_overdue_at_the_end_of_the_due_day_in_bujumbura() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let form = TaskForm {
        title: " Hear the driver ".into(),
        owner: crate::ids::UserId::new(),
        due_on: today,
    };
    assert_eq!(form.validate(today).unwrap().title, "Hear the driver");
    let late = TaskForm {
        due_on: today.pred_opt().unwrap(),
        ..form.clone()
    };
    assert_eq!(
        rule(late.validate(today)),
        ("tsk_DueOn".into(), "date_range".into())
    );
    let untitled = TaskForm {
        title: "".into(),
        ..form.clone()
    };
    assert_eq!(
        rule(untitled.validate(today)),
        ("tsk_Title".into(), "required".into())
    );
    let tz = chrono_tz::Africa::Bujumbura;
    // 2 December ends at 22:00 UTC in Bujumbura (UTC+2).
    assert_eq!(tasks::overdue_from(today, tz), t("2026-12-02T22:00:00Z"));
    assert!(!tasks::is_overdue(
        TaskState::Open,
        today,
        t("2026-12-02T21:59:59Z"),
        tz
    ));
    assert!(tasks::is_overdue(
        TaskState::Open,
        today,
        t("2026-12-02T22:00:00Z"),
        tz
    ));
    assert!(!tasks::is_overdue(
        TaskState::Done,
        today,
        t("2026-12-09T00:00:00Z"),
        tz
    ));
    assert!(tasks::check_task_step(TaskState::Open, TaskState::Done).is_ok());
    assert_eq!(
        rule(tasks::check_task_step(
            TaskState::Done,
            TaskState::Cancelled
        )),
        ("tsk_State".into(), "out_of_turn".into())
    );
}

fn bi() -> &'static legal::Jurisdiction {
    LegalCatalogue::embedded()
        .unwrap()
        .jurisdiction("bi")
        .unwrap()
}

#[test]
fn the_custody_clock_at_its_boundaries() {
    let start = t("2026-12-01T08:00:00Z");
    let c = Custody::start(start, bi());
    let deadline = t("2026-12-08T08:00:00Z");
    assert_eq!(c.deadline(), deadline);
    assert_eq!(
        c.clock(deadline - Duration::seconds(1)),
        Clock::Running { left_seconds: 1 }
    );
    // Exactly at the limit: overdue (the limit is the last moment of lawful custody).
    assert_eq!(c.clock(deadline), Clock::Overdue { by_seconds: 0 });
    assert!(c.is_overdue(deadline));
    assert_eq!(
        c.clock(deadline + Duration::hours(3)),
        Clock::Overdue {
            by_seconds: 3 * 3600
        }
    );
    // Alerts 48 h and 24 h before, then at the deadline.
    assert_eq!(
        c.alert_moments(&bi().warn_hours),
        vec![
            (false, t("2026-12-06T08:00:00Z")),
            (false, t("2026-12-07T08:00:00Z")),
            (true, deadline)
        ]
    );
}

#[test]
fn an_extension_needs_the_prosecutors_authorisation_and_moves_the_deadline() {
    let start = t("2026-12-01T08:00:00Z");
    let mut c = Custody::start(start, bi());
    let now = t("2026-12-07T10:00:00Z");
    let form = ExtensionForm {
        hours: 72,
        authorised_by: "Substitut du Procureur, Parquet de Bujumbura".into(),
        reference: "PB/2026/0412".into(),
        authorised_at: t("2026-12-07T09:00:00Z"),
    };
    let none = ExtensionForm {
        authorised_by: " ".into(),
        reference: "".into(),
        ..form.clone()
    };
    let e = c.check_extension(&none, now).unwrap_err();
    assert!(e.has("cxt_AuthorisedBy") && e.has("cxt_Reference"));
    let late = ExtensionForm {
        authorised_at: t("2026-12-08T08:00:00Z"),
        ..form.clone()
    };
    assert_eq!(
        rule(c.check_extension(&late, t("2026-12-08T09:00:00Z"))),
        ("cxt_AuthorisedAt".into(), "after_limit".into())
    );
    let too_long = ExtensionForm {
        hours: 169,
        ..form.clone()
    };
    assert_eq!(
        rule(c.check_extension(&too_long, now)),
        ("cxt_Hours".into(), "beyond_maximum".into())
    );
    let ok = c.check_extension(&form, now).unwrap();
    c.extensions.push(ok.hours);
    assert_eq!(c.deadline(), t("2026-12-11T08:00:00Z"));
    assert_eq!(
        c.clock(t("2026-12-08T08:00:00Z")),
        Clock::Running {
            left_seconds: 72 * 3600
        }
    );
    // What the maximum leaves: 96 more hours, not 97.
    let more = ExtensionForm {
        hours: 97,
        authorised_at: t("2026-12-09T00:00:00Z"),
        ..form.clone()
    };
    assert_eq!(
        rule(c.check_extension(&more, t("2026-12-09T01:00:00Z"))),
        ("cxt_Hours".into(), "beyond_maximum".into())
    );
    let more = ExtensionForm { hours: 96, ..more };
    c.extensions.push(
        c.check_extension(&more, t("2026-12-09T01:00:00Z"))
            .unwrap()
            .hours,
    );
    assert_eq!(c.deadline(), start + Duration::hours(336));
    // New moments after the extension: new alert keys.
    assert_eq!(
        c.alert_moments(&[48, 24]).last(),
        Some(&(true, start + Duration::hours(336)))
    );
}

#[test]
fn a_release_or_a_transfer_stops_the_clock() {
    let start = t("2026-12-01T08:00:00Z");
    let mut c = Custody::start(start, bi());
    let now = t("2026-12-03T08:00:00Z");
    assert_eq!(
        rule(c.check_end(CustodyEnd::Transferred, now, "  ", now)),
        ("cus_TransferredTo".into(), "required".into())
    );
    assert_eq!(
        rule(c.check_end(CustodyEnd::Released, now + Duration::hours(1), "", now)),
        ("cus_EndedAt".into(), "not_in_future".into())
    );
    assert_eq!(
        rule(c.check_end(CustodyEnd::Released, start - Duration::hours(1), "", now)),
        ("cus_EndedAt".into(), "too_early".into())
    );
    assert_eq!(
        c.check_end(
            CustodyEnd::Transferred,
            now,
            " Prison centrale de Mpimba ",
            now
        )
        .unwrap(),
        "Prison centrale de Mpimba"
    );
    c.ended_at = Some(now);
    // Stopped: no longer overdue a year later, no alert, no extension, no second end.
    assert_eq!(
        c.clock(now + Duration::days(365)),
        Clock::Ended { within_limit: true }
    );
    assert!(c.alert_moments(&[48, 24]).is_empty());
    let ext = ExtensionForm {
        hours: 1,
        authorised_by: "x".into(),
        reference: "y".into(),
        authorised_at: now,
    };
    assert_eq!(
        rule(c.check_extension(&ext, now)),
        ("cus_State".into(), "ended".into())
    );
    assert_eq!(
        rule(c.check_end(CustodyEnd::Released, now, "", now)),
        ("cus_State".into(), "ended".into())
    );
    let mut late = Custody::start(start, bi());
    late.ended_at = Some(t("2026-12-08T08:00:00Z"));
    assert_eq!(
        late.clock(now),
        Clock::Ended {
            within_limit: false
        }
    );
}

#[test]
fn the_clock_counts_real_hours_across_a_change_of_the_clocks() {
    // A jurisdiction with daylight saving time (a test catalogue): 168 real hours, whatever
    // the wall clock does; shown in local time, the deadline moves by the hour of the change.
    let text = include_str!("../../data/legal.toml").replacen(
        "time_zone = \"Africa/Bujumbura\"",
        "time_zone = \"Europe/Brussels\"",
        1,
    );
    let c = LegalCatalogue::parse(&text).unwrap();
    let j = c.default_jurisdiction();
    // 2026-03-29: Brussels goes from UTC+1 to UTC+2.
    let start = t("2026-03-25T09:00:00Z");
    let custody = Custody::start(start, j);
    assert_eq!(custody.deadline(), t("2026-04-01T09:00:00Z"));
    let tz = j.tz();
    assert_eq!(
        start.with_timezone(&tz).format("%H:%M").to_string(),
        "10:00"
    );
    assert_eq!(
        custody
            .deadline()
            .with_timezone(&tz)
            .format("%H:%M")
            .to_string(),
        "11:00"
    );
    // The same instant typed in Bujumbura time is the same custody.
    let bujumbura = chrono_tz::Africa::Bujumbura
        .with_ymd_and_hms(2026, 3, 25, 11, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(bujumbura, start);
}

#[test]
fn a_custody_starting_in_the_future_is_refused() {
    let now = t("2026-12-02T10:00:00Z");
    let form = CustodyForm {
        started_at: now + Duration::minutes(1),
        place: "Commissariat PJ de Bujumbura Mairie".into(),
        legal_basis: "Flagrant délit".into(),
    };
    assert_eq!(
        rule(form.validate(now)),
        ("cus_StartedAt".into(), "not_in_future".into())
    );
    let ok = CustodyForm {
        started_at: now,
        ..form
    };
    assert!(ok.validate(now).is_ok());
}

#[test]
fn the_rights_checklist_records_language_and_refuses_what_is_always_owed() {
    let start = t("2026-12-01T08:00:00Z");
    let now = t("2026-12-01T12:00:00Z");
    let f = RightForm {
        right: Right::InformedOfRights,
        status: RightStatus::Done,
        at: t("2026-12-01T08:10:00Z"),
        language: "".into(),
        note: "".into(),
    };
    assert_eq!(
        rule(f.validate(start, now)),
        ("crt_Language".into(), "required".into())
    );
    let f = RightForm {
        language: "RN".into(),
        ..f
    };
    assert_eq!(f.validate(start, now).unwrap().language, "rn");
    let not_needed = RightForm {
        status: RightStatus::NotNeeded,
        ..f.clone()
    };
    assert_eq!(
        rule(not_needed.validate(start, now)),
        ("crt_Status".into(), "always_owed".into())
    );
    let interpreter = RightForm {
        right: Right::Interpreter,
        status: RightStatus::NotNeeded,
        language: "".into(),
        ..f.clone()
    };
    assert!(interpreter.validate(start, now).is_ok());
    let before = RightForm {
        at: start - Duration::minutes(5),
        ..f.clone()
    };
    assert_eq!(
        rule(before.validate(start, now)),
        ("crt_At".into(), "too_early".into())
    );
    let list = custody::checklist(&[
        (Right::LawyerContacted, RightStatus::Declined),
        (Right::InformedOfRights, RightStatus::Done),
        (Right::LawyerContacted, RightStatus::Done),
    ]);
    assert_eq!(list.len(), Right::ALL.len());
    assert_eq!(list[0], (Right::InformedOfRights, Some(1)));
    assert_eq!(list[2], (Right::LawyerContacted, Some(2)));
    assert_eq!(list[1], (Right::InformedOfCharges, None));
}

#[test]
fn the_chain_of_custody_refuses_what_breaks_it() {
    let now = t("2026-12-02T10:00:00Z");
    let last = t("2026-12-01T10:00:00Z");
    let form = CustodyEventForm {
        kind: CustodyEventKind::Transferred,
        to: "OPJ Ndayisaba, PJ Bujumbura".into(),
        at: t("2026-12-02T09:00:00Z"),
        reason: "Examination at the laboratory".into(),
    };
    let step = evidence::check_event(ItemState::Held, "OPJ Hakizimana", last, &form, now).unwrap();
    assert_eq!(
        (step.from.as_str(), step.holder.as_str()),
        ("OPJ Hakizimana", "OPJ Ndayisaba, PJ Bujumbura")
    );
    let nobody = CustodyEventForm {
        to: " ".into(),
        ..form.clone()
    };
    assert_eq!(
        rule(evidence::check_event(
            ItemState::Held,
            "A",
            last,
            &nobody,
            now
        )),
        ("cev_To".into(), "required".into())
    );
    assert_eq!(
        rule(evidence::check_event(
            ItemState::Held,
            "opj ndayisaba, pj bujumbura",
            last,
            &form,
            now
        )),
        ("cev_To".into(), "same_holder".into())
    );
    let before = CustodyEventForm {
        at: last - Duration::seconds(1),
        ..form.clone()
    };
    assert_eq!(
        rule(evidence::check_event(
            ItemState::Held,
            "A",
            last,
            &before,
            now
        )),
        ("cev_At".into(), "too_early".into())
    );
    let again = CustodyEventForm {
        kind: CustodyEventKind::Collected,
        ..form.clone()
    };
    assert_eq!(
        rule(evidence::check_event(
            ItemState::Held,
            "A",
            last,
            &again,
            now
        )),
        ("cev_Kind".into(), "already_collected".into())
    );
    let destroyed = CustodyEventForm {
        kind: CustodyEventKind::Destroyed,
        ..form.clone()
    };
    let step = evidence::check_event(ItemState::Held, "A", last, &destroyed, now).unwrap();
    assert_eq!(step.state, ItemState::Destroyed);
    assert_eq!(
        rule(evidence::check_event(
            ItemState::Destroyed,
            "",
            last,
            &form,
            now
        )),
        ("cev_Kind".into(), "item_gone".into())
    );
    let examined = CustodyEventForm {
        kind: CustodyEventKind::Examined,
        ..form.clone()
    };
    let step = evidence::check_event(ItemState::Held, "A", last, &examined, now).unwrap();
    assert_eq!((step.state, step.holder.as_str()), (ItemState::Held, "A"));
}

#[test]
fn a_changed_file_is_a_mismatch_and_stops_a_dossier_unless_stated() {
    let h = "ab".repeat(32);
    assert_eq!(HashCheck::of(None, None), HashCheck::NoFile);
    assert_eq!(
        HashCheck::of(Some(&h), Some(&h.to_uppercase())),
        HashCheck::Match
    );
    let m = HashCheck::of(Some(&h), Some(&"cd".repeat(32)));
    assert!(m.is_mismatch());
    assert!(HashCheck::of(Some(&h), None).is_mismatch());
    let items = [("EV-1".to_string(), false), ("EV-2".to_string(), true)];
    let e = evidence::dossier_check(&items, false).unwrap_err();
    assert_eq!(
        (e.0[0].field, e.0[0].rule),
        ("dos_Evidence", "hash_mismatch")
    );
    assert!(e.0[0].message.contains("EV-2") && !e.0[0].message.contains("EV-1"));
    assert!(evidence::dossier_check(&items, true).is_ok());
    assert!(evidence::dossier_check(&items[..1], false).is_ok());
}

#[test]
fn evidence_obtained_in_the_future_or_without_its_facts_is_refused() {
    let now = t("2026-12-02T10:00:00Z");
    let form = EvidenceForm {
        kind: EvidenceKind::PhoneExtraction,
        description: "Extraction of the recruiter's phone".into(),
        obtained_at: now + Duration::hours(1),
        obtained_where: "".into(),
        obtained_by: "OPJ Hakizimana".into(),
        storage_location: "Locker 4".into(),
    };
    let e = form.validate(now).unwrap_err();
    assert!(e.has("evi_ObtainedAt") && e.has("evi_ObtainedWhere"));
    assert_eq!(e.get("evi_ObtainedAt").unwrap().rule, "not_in_future");
}

#[test]
fn words_are_checked() {
    assert_eq!(check_words("inv_Note", "  x "), Ok("x".to_string()));
    assert_eq!(
        rule(check_words("inv_Note", " ")),
        ("inv_Note".into(), "required".into())
    );
}
