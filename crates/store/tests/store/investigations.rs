//! Investigations: the file and its state machine, team, tasks (and their alert), timeline and
//! notes; offences from the catalogue with their elements; evidence with its chain of custody
//! and the hash re-check (a tampered file detected); custody with its clock, extensions, end,
//! rights and alerts; dossiers sent to the prosecution; words sealed at rest.

use chrono::{Duration, Utc};
use tabara_core::alerts::AlertKind;
use tabara_core::files::{DEFAULT_MAX_BYTES, FilePurpose};
use tabara_core::investigation::{
    CustodyEnd, CustodyEventForm, CustodyEventKind, CustodyForm, Element, EvidenceForm,
    EvidenceKind, ExtensionForm, InvestigationStatus, ItemState, Right, RightForm, RightStatus,
    StatusStep, TaskForm, TaskState,
};
use tabara_store::files::NewFile;
use tabara_store::{Investigation, NewEvidence};

use crate::common::*;

const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";

pub(crate) async fn user_in(s: &Store, org: OrganisationId, role: Role) -> UserId {
    let id = UserId::new();
    s.create_user(
        &system(),
        &NewUser {
            id,
            username: format!("user.{}", id.0.simple()),
            display_name: format!("Agent {}", &id.0.simple().to_string()[..6]),
            role,
            organisation_id: org,
            office_id: None,
            password_hash: HASH.into(),
        },
    )
    .await
    .unwrap()
}

/// A case with a victim and two suspects, its investigation led by `lead` with `member` on the
/// team.
pub(crate) struct Scene {
    pub(crate) w: World,
    pub(crate) case: Case,
    pub(crate) victim: PersonId,
    pub(crate) suspects: [PersonId; 2],
    pub(crate) lead: UserId,
    pub(crate) member: UserId,
    pub(crate) outsider: UserId,
    pub(crate) supervisor: UserId,
    pub(crate) inv: Investigation,
}

impl Scene {
    pub(crate) async fn new(s: &Store) -> Scene {
        let w = world(s).await;
        let case = open_case(s, &w, "2026-10-01").await;
        let v = add_person(s, &w, "Aline", "Niyonkuru").await;
        involve_victim(s, case.id, v.id).await;
        let mut suspects = Vec::new();
        for (first, last) in [("Jean", "Bizimana"), ("Eric", "Ndikumana")] {
            let p = add_person(s, &w, first, last).await;
            s.add_case_person(
                &system(),
                case.id,
                p.id,
                &suspect(&[RoleInProcess::RecruiterOrIntermediary], None),
            )
            .await
            .unwrap();
            suspects.push(p.id);
        }
        let lead = user_in(s, w.org.id, Role::Investigator).await;
        let member = user_in(s, w.org.id, Role::Investigator).await;
        let outsider = user_in(s, w.org.id, Role::Investigator).await;
        let supervisor = user_in(s, w.org.id, Role::Supervisor).await;
        let inv = s
            .open_investigation(&system(), case.id, lead, None)
            .await
            .unwrap();
        let inv = s
            .set_investigation_team(&Actor::user(lead), inv.id, inv.version, lead, &[member])
            .await
            .unwrap();
        Scene {
            w,
            case,
            victim: v.id,
            suspects: [suspects[0], suspects[1]],
            lead,
            member,
            outsider,
            supervisor,
            inv,
        }
    }

    pub(crate) fn lead(&self) -> Actor {
        Actor::user(self.lead)
    }

    pub(crate) async fn active(&mut self, s: &Store) {
        self.inv = s
            .investigation_step(
                &self.lead(),
                self.inv.id,
                self.inv.version,
                StatusStep::Activate,
                "",
            )
            .await
            .unwrap();
    }
}

pub(crate) fn pdf_bytes(marker: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {marker}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n").into_bytes()
}

pub(crate) async fn evidence_file(s: &Store, sc: &Scene, marker: &str) -> uuid::Uuid {
    let bytes = pdf_bytes(marker);
    s.put_file(
        &sc.lead(),
        NewFile {
            case: sc.case.id,
            person: sc.suspects[0],
            purpose: FilePurpose::Evidence,
            name: "releve.pdf",
            declared_type: None,
            limit: DEFAULT_MAX_BYTES,
        },
        &bytes[..],
    )
    .await
    .unwrap()
    .id
}

pub(crate) fn evidence_form(what: &str) -> EvidenceForm {
    EvidenceForm {
        kind: EvidenceKind::FinancialRecord,
        description: what.into(),
        obtained_at: Utc::now() - Duration::days(2),
        obtained_where: "Agence Lumicash de Kamenge".into(),
        obtained_by: "OPJ Hakizimana".into(),
        storage_location: "Coffre 2, PJ Bujumbura".into(),
    }
}

pub(crate) fn transfer(to: &str) -> CustodyEventForm {
    CustodyEventForm {
        kind: CustodyEventKind::Transferred,
        to: to.into(),
        at: Utc::now() - Duration::hours(1),
        reason: "Examen au laboratoire".into(),
    }
}

store_test!(investigation_state_machine_and_team, |db| async move {
    let s = &db.store;
    let mut sc = Scene::new(s).await;
    assert_eq!(sc.inv.status, InvestigationStatus::Opened);
    assert_eq!(sc.inv.team, vec![sc.member]);
    // One per case.
    assert_duplicate(
        s.open_investigation(&system(), sc.case.id, sc.lead, None)
            .await,
        "investigation of the case",
        "",
    );
    // The lead must investigate, at the agency.
    let other = org("Autre agence");
    s.create_organisation(&system(), &other).await.unwrap();
    let stranger = user_in(s, other.id, Role::Investigator).await;
    let cw = user_in(s, sc.w.org.id, Role::Caseworker).await;
    for bad in [stranger, cw] {
        assert_invalid(
            s.set_investigation_team(&sc.lead(), sc.inv.id, sc.inv.version, bad, &[])
                .await,
            "inv_Lead",
            "not_investigator",
        );
    }
    // A member takes the first step; the referral goes through the dossier only.
    assert_invalid(
        s.investigation_step(&sc.lead(), sc.inv.id, sc.inv.version, StatusStep::Refer, "")
            .await,
        "inv_Status",
        "by_dossier",
    );
    assert_invalid(
        s.investigation_step(
            &Actor::user(sc.outsider),
            sc.inv.id,
            sc.inv.version,
            StatusStep::Activate,
            "",
        )
        .await,
        "inv_Party",
        "not_allowed",
    );
    let inv = s
        .investigation_step(
            &Actor::user(sc.member),
            sc.inv.id,
            sc.inv.version,
            StatusStep::Activate,
            "",
        )
        .await
        .unwrap();
    assert_eq!(inv.status, InvestigationStatus::Active);
    // A stale version is a conflict; a team member does not close.
    assert_conflict(
        s.investigation_step(
            &sc.lead(),
            sc.inv.id,
            sc.inv.version,
            StatusStep::Close,
            "x",
        )
        .await,
        "investigation",
        &sc.inv.id.to_string(),
        sc.inv.version,
        inv.version,
    );
    assert_invalid(
        s.investigation_step(
            &Actor::user(sc.member),
            inv.id,
            inv.version,
            StatusStep::Close,
            "x",
        )
        .await,
        "inv_Party",
        "not_allowed",
    );
    let closed = s
        .investigation_step(
            &sc.lead(),
            inv.id,
            inv.version,
            StatusStep::Close,
            "Classement sans suite",
        )
        .await
        .unwrap();
    assert_eq!(
        closed.status_reason.as_deref(),
        Some("Classement sans suite")
    );
    // Nothing is added to a closed file; only a supervisor reopens it.
    assert_invalid(
        s.add_investigation_note(&sc.lead(), inv.id, "note").await,
        "inv_Status",
        "closed",
    );
    assert_invalid(
        s.investigation_step(
            &sc.lead(),
            closed.id,
            closed.version,
            StatusStep::Reopen,
            "new facts",
        )
        .await,
        "inv_Party",
        "not_allowed",
    );
    let reopened = s
        .investigation_step(
            &Actor::user(sc.supervisor),
            closed.id,
            closed.version,
            StatusStep::Reopen,
            "Nouveaux éléments",
        )
        .await
        .unwrap();
    assert_eq!(reopened.status, InvestigationStatus::Active);
    sc.inv = reopened;
    let read = s.investigation_of_case(sc.case.id).await.unwrap().unwrap();
    assert_eq!(read, sc.inv);
    assert_eq!(
        trail_actions(s, "investigation", &sc.inv.id.to_string()).await,
        [
            "investigation.open",
            "investigation.team",
            "investigation.status",
            "investigation.status",
            "investigation.status"
        ]
    );
    let file = s.investigation_file(sc.inv.id).await.unwrap();
    let steps: Vec<&str> = file.timeline.iter().map(|t| t.words.as_str()).collect();
    assert_eq!(steps, ["open", "activate", "close", "reopen"]);
});

store_test!(
    tasks_timeline_and_notes_with_the_overdue_alert,
    |db| async move {
        let s = &db.store;
        let mut sc = Scene::new(s).await;
        sc.active(s).await;
        let today = Utc::now().date_naive();
        let form = TaskForm {
            title: "Entendre le chauffeur du minibus".into(),
            owner: sc.member,
            due_on: today,
        };
        let task = s
            .add_investigation_task(&sc.lead(), sc.inv.id, &form)
            .await
            .unwrap();
        assert_invalid(
            s.add_investigation_task(
                &sc.lead(),
                sc.inv.id,
                &TaskForm {
                    owner: sc.outsider,
                    ..form.clone()
                },
            )
            .await,
            "tsk_Owner",
            "not_on_team",
        );
        assert_invalid(
            s.add_investigation_task(&Actor::user(sc.outsider), sc.inv.id, &form)
                .await,
            "inv_Party",
            "not_allowed",
        );
        // Due today: overdue after the end of the day in Bujumbura, alerting owner and lead once.
        let end =
            tabara_core::investigation::tasks::overdue_from(today, chrono_tz::Africa::Bujumbura);
        let before = s
            .raise_due_alerts(end - Duration::seconds(1), 500)
            .await
            .unwrap();
        assert_eq!(before.raised, 0);
        let at = s
            .raise_due_alerts(end + Duration::minutes(1), 500)
            .await
            .unwrap();
        assert_eq!((at.raised, at.notified), (1, 2));
        assert_eq!(
            s.raise_due_alerts(end + Duration::hours(2), 500)
                .await
                .unwrap()
                .raised,
            0
        );
        let inbox = s.notifications(sc.member, false, 50).await.unwrap();
        assert_eq!(inbox.len(), 1);
        assert_eq!(inbox[0].kind, AlertKind::TaskOverdue);
        assert_eq!((inbox[0].subject_id, inbox[0].person_id), (task.id, None));
        // Done once.
        let done = s
            .close_investigation_task(
                &Actor::user(sc.member),
                task.id,
                task.version,
                TaskState::Done,
            )
            .await
            .unwrap();
        assert_eq!(done.state, TaskState::Done);
        assert_invalid(
            s.close_investigation_task(&sc.lead(), task.id, done.version, TaskState::Cancelled)
                .await,
            "tsk_State",
            "out_of_turn",
        );
        // A fact happened; not in the future.
        assert_invalid(
            s.add_timeline_fact(&sc.lead(), sc.inv.id, Utc::now() + Duration::hours(1), "x")
                .await,
            "tle_At",
            "not_in_future",
        );
        let fact = s
            .add_timeline_fact(
                &sc.lead(),
                sc.inv.id,
                Utc::now() - Duration::days(30),
                "Départ du groupe vers Kobero",
            )
            .await
            .unwrap();
        s.add_investigation_note(&sc.lead(), sc.inv.id, "Le témoin a peur des représailles")
            .await
            .unwrap();
        let file = s.investigation_file(sc.inv.id).await.unwrap();
        assert_eq!(file.tasks[0].title, "Entendre le chauffeur du minibus");
        assert_eq!(file.timeline[0], fact, "the oldest moment first");
        assert_eq!(file.notes[0].body, "Le témoin a peur des représailles");
        // Sealed at rest.
        let raw = raw_register(
            &db,
            &[
                "investigation_tasks",
                "investigation_timeline",
                "investigation_notes",
            ],
        )
        .await;
        for words in ["chauffeur", "Kobero", "représailles"] {
            assert!(!raw.contains(words), "{words} in the clear");
        }
    }
);

store_test!(
    offences_from_the_catalogue_and_their_elements,
    |db| async move {
        let s = &db.store;
        let mut sc = Scene::new(s).await;
        sc.active(s).await;
        let lead = sc.lead();
        assert_invalid(
            s.record_offence(&lead, sc.inv.id, sc.suspects[0], "bi-1900-nothing", &[])
                .await,
            "off_Code",
            "not_in_catalogue",
        );
        assert_invalid(
            s.record_offence(&lead, sc.inv.id, sc.victim, "bi-2014-traite", &[])
                .await,
            "off_Person",
            "suspect_only",
        );
        let o = s
            .record_offence(
                &lead,
                sc.inv.id,
                sc.suspects[0],
                "bi-2014-traite",
                &["organised_group".into()],
            )
            .await
            .unwrap();
        assert_eq!(o.aggravating, ["organised_group"]);
        s.record_offence(&lead, sc.inv.id, sc.suspects[1], "bi-2014-traite", &[])
            .await
            .unwrap();
        let file_id = evidence_file(s, &sc, "M-PESA").await;
        let item = s
            .register_evidence(
                &lead,
                sc.inv.id,
                &NewEvidence {
                    form: evidence_form("Relevé des transferts au recruteur"),
                    person: Some(sc.suspects[0]),
                    file: Some(file_id),
                },
            )
            .await
            .unwrap();
        s.record_element_support(
            &lead,
            o.id,
            Element::Act,
            "Recrutement au marché",
            Some(item.id),
        )
        .await
        .unwrap();
        s.record_element_support(
            &lead,
            o.id,
            Element::Purpose,
            "Travail forcé à Kobero",
            None,
        )
        .await
        .unwrap();
        assert_invalid(
            s.record_element_support(&lead, o.id, Element::Means, "x", Some(uuid::Uuid::now_v7()))
                .await,
            "els_Evidence",
            "unknown",
        );
        let file = s.investigation_file(sc.inv.id).await.unwrap();
        let catalogue = s.legal_catalogue();
        let offence = catalogue.offence("bi-2014-traite").unwrap();
        let first = &file.offences[0];
        let given: Vec<_> = first
            .supports
            .iter()
            .map(|x| (x.element, x.evidence_id.is_some()))
            .collect();
        let status =
            tabara_core::investigation::elements::coverage(offence, file.child_victim, &given);
        assert_eq!(
            tabara_core::investigation::elements::lacking(&status),
            vec![Element::Means]
        );
        assert_eq!(file.offences[1].supports.len(), 0);
        let raw = raw_register(&db, &["element_supports"]).await;
        assert!(!raw.contains("Kobero"));
    }
);

store_test!(
    evidence_chain_of_custody_and_a_tampered_file,
    |db| async move {
        let s = &db.store;
        let mut sc = Scene::new(s).await;
        sc.active(s).await;
        let lead = sc.lead();
        let file_a = evidence_file(s, &sc, "A").await;
        let file_b = evidence_file(s, &sc, "B").await;
        // A file must be an evidence file of this case about the person named.
        assert_invalid(
            s.register_evidence(
                &lead,
                sc.inv.id,
                &NewEvidence {
                    form: evidence_form("x"),
                    person: Some(sc.suspects[1]),
                    file: Some(file_a),
                },
            )
            .await,
            "evi_File",
            "unknown",
        );
        let mut future = evidence_form("x");
        future.obtained_at = Utc::now() + Duration::hours(1);
        assert_invalid(
            s.register_evidence(
                &lead,
                sc.inv.id,
                &NewEvidence {
                    form: future,
                    person: None,
                    file: None,
                },
            )
            .await,
            "evi_ObtainedAt",
            "not_in_future",
        );
        let a = s
            .register_evidence(
                &lead,
                sc.inv.id,
                &NewEvidence {
                    form: evidence_form("Relevé Lumicash"),
                    person: Some(sc.suspects[0]),
                    file: Some(file_a),
                },
            )
            .await
            .unwrap();
        let b = s
            .register_evidence(
                &lead,
                sc.inv.id,
                &NewEvidence {
                    form: evidence_form("Contrat"),
                    person: Some(sc.suspects[0]),
                    file: Some(file_b),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (a.label(), b.label()),
            ("EV-001".to_string(), "EV-002".to_string())
        );
        assert_eq!(
            a.file_sha256.as_deref(),
            Some(s.file(file_a).await.unwrap().sha256.as_str())
        );
        // Transferred twice, each time re-checked.
        let (a1, e1) = s
            .record_custody_event(&lead, a.id, a.version, &transfer("Laboratoire de la PJ"))
            .await
            .unwrap();
        assert_eq!((e1.seq, e1.hash_check.as_str()), (2, "match"));
        assert_eq!(e1.from_holder, "OPJ Hakizimana");
        assert_invalid(
            s.record_custody_event(&lead, a.id, a1.version, &transfer(" "))
                .await,
            "cev_To",
            "required",
        );
        let (a2, e2) = s
            .record_custody_event(&lead, a.id, a1.version, &transfer("Greffe du parquet"))
            .await
            .unwrap();
        assert_eq!(
            (a2.holder.as_str(), e2.hash_check.as_str()),
            ("Greffe du parquet", "match")
        );
        assert!(a2.mismatch_at.is_none());
        // Each event is in the audit log under its number, with an inclusion proof.
        let proof = s.audit_inclusion(e2.audit_seq, None).await.unwrap();
        assert_eq!(proof.seq, e2.audit_seq);
        let entry = &s.audit_entries(e2.audit_seq - 1, 1).await.unwrap()[0];
        assert_eq!(
            (entry.action.as_str(), entry.record_id.as_str()),
            ("custody_event.record", e2.id.to_string().as_str())
        );
        // Alter the stored file behind Tabara's back: the next examination finds it.
        tamper(
            &db,
            "UPDATE file_chunks SET sealed = (SELECT c.sealed FROM file_chunks c WHERE c.file_id = \
            (SELECT file_id FROM evidence_items WHERE number = 2)) WHERE file_id = (SELECT \
            file_id FROM evidence_items WHERE number = 1)",
        )
        .await;
        let examine = CustodyEventForm {
            kind: CustodyEventKind::Examined,
            to: "Expert en criminalistique numérique".into(),
            at: Utc::now(),
            reason: "Contrôle avant le dossier".into(),
        };
        let (a3, e3) = s
            .record_custody_event(&lead, a.id, a2.version, &examine)
            .await
            .unwrap();
        assert_eq!(
            (e3.hash_check.as_str(), e3.found_sha256.as_deref()),
            ("mismatch", None)
        );
        assert!(a3.mismatch_at.is_some(), "the item is flagged");
        // B still matches.
        let (_, eb) = s
            .record_custody_event(&lead, b.id, b.version, &examine)
            .await
            .unwrap();
        assert_eq!(eb.hash_check, "match");
        // Destroyed: the chain is closed.
        let destroy = CustodyEventForm {
            kind: CustodyEventKind::Destroyed,
            to: "Commission de destruction".into(),
            at: Utc::now(),
            reason: "Décision du tribunal".into(),
        };
        let (a4, _) = s
            .record_custody_event(&lead, a.id, a3.version, &destroy)
            .await
            .unwrap();
        assert_eq!(a4.state, ItemState::Destroyed);
        assert_invalid(
            s.record_custody_event(&lead, a.id, a4.version, &transfer("X"))
                .await,
            "cev_Kind",
            "item_gone",
        );
        let chain = s.custody_chain(a.id).await.unwrap();
        let kinds: Vec<_> = chain.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                CustodyEventKind::Collected,
                CustodyEventKind::Transferred,
                CustodyEventKind::Transferred,
                CustodyEventKind::Examined,
                CustodyEventKind::Destroyed
            ]
        );
        assert_eq!(chain[1].reason, "Examen au laboratoire");
        let raw = raw_register(&db, &["evidence_items", "custody_events"]).await;
        for words in ["Lumicash", "Examen au", "Kamenge"] {
            assert!(!raw.contains(words), "{words} in the clear");
        }
        assert_verified(s, audit_count(s).await).await;
    }
);

fn custody_form(started: chrono::DateTime<Utc>) -> CustodyForm {
    CustodyForm {
        started_at: started,
        place: "Cachot du commissariat PJ de Bujumbura".into(),
        legal_basis: "Flagrant délit".into(),
    }
}

store_test!(
    custody_clock_extension_end_rights_and_alerts,
    |db| async move {
        let s = &db.store;
        let mut sc = Scene::new(s).await;
        sc.active(s).await;
        let lead = sc.lead();
        let now = Utc::now();
        assert_invalid(
            s.start_custody(
                &lead,
                sc.inv.id,
                sc.suspects[0],
                &custody_form(now + Duration::hours(1)),
            )
            .await,
            "cus_StartedAt",
            "not_in_future",
        );
        assert_invalid(
            s.start_custody(&lead, sc.inv.id, sc.victim, &custody_form(now))
                .await,
            "cus_Person",
            "suspect_only",
        );
        // Started 6 days and 1 hour ago: 23 hours left of 7 days.
        let started = now - Duration::days(6) - Duration::hours(1);
        let c = s
            .start_custody(&lead, sc.inv.id, sc.suspects[0], &custody_form(started))
            .await
            .unwrap();
        assert_eq!(c.deadline(), c.custody.started_at + Duration::hours(168));
        assert!(matches!(
            c.clock(Utc::now()),
            tabara_core::investigation::Clock::Running { .. }
        ));
        assert_invalid(
            s.start_custody(&lead, sc.inv.id, sc.suspects[0], &custody_form(now))
                .await,
            "cus_Person",
            "already_in_custody",
        );
        // Alerts: 48 h and 24 h before have passed; one alert each, to the lead and the supervisor.
        let run = s.raise_due_alerts(Utc::now(), 500).await.unwrap();
        assert_eq!(run.raised, 2);
        let soon: Vec<_> = s
            .notifications(sc.supervisor, false, 50)
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.kind)
            .collect();
        assert_eq!(soon, [AlertKind::CustodyDueSoon, AlertKind::CustodyDueSoon]);
        // The limit passes without an extension: the overdue alert.
        let run = s.raise_due_alerts(c.deadline(), 500).await.unwrap();
        assert_eq!(run.raised, 1);
        let lead_inbox = s.notifications(sc.lead, false, 50).await.unwrap();
        assert_eq!(lead_inbox[0].kind, AlertKind::CustodyOverdue);
        // An extension without the prosecutor's authorisation is refused, and changes nothing.
        let ext = ExtensionForm {
            hours: 72,
            authorised_by: "".into(),
            reference: "".into(),
            authorised_at: Utc::now() - Duration::minutes(5),
        };
        let r = s.extend_custody(&lead, c.id, c.version, &ext).await;
        assert_invalid(r, "cxt_AuthorisedBy", "required");
        assert_eq!(s.custody(c.id).await.unwrap(), c);
        let c = s
            .extend_custody(
                &lead,
                c.id,
                c.version,
                &ExtensionForm {
                    authorised_by: "Substitut du Procureur de la République".into(),
                    reference: "RMP 1234/2026".into(),
                    ..ext
                },
            )
            .await
            .unwrap();
        assert_eq!(c.deadline(), c.custody.started_at + Duration::hours(240));
        assert_eq!(c.extensions[0].reference, "RMP 1234/2026");
        // Rights, with their moments.
        let right = RightForm {
            right: Right::InformedOfRights,
            status: RightStatus::Done,
            at: started + Duration::minutes(10),
            language: "rn".into(),
            note: "Lu en kirundi par l'OPJ, en présence de Maître Ndayishimiye".into(),
        };
        let c = s.record_custody_right(&lead, c.id, &right).await.unwrap();
        assert_invalid(
            s.record_custody_right(
                &lead,
                c.id,
                &RightForm {
                    at: started - Duration::minutes(1),
                    ..right.clone()
                },
            )
            .await,
            "crt_At",
            "too_early",
        );
        assert_eq!(c.rights[0].language.as_deref(), Some("rn"));
        assert_eq!(c.rights[0].note.as_deref(), Some(right.note.as_str()));
        let raw = raw_register(&db, &["custody_rights"]).await;
        assert!(!raw.contains("Ndayishimiye"));
        // Legal aid: only an organisation with legal-aid accounts.
        assert_invalid(
            s.set_custody_legal_aid(&lead, c.id, c.version, Some(sc.w.org.id))
                .await,
            "cus_LegalAid",
            "not_legal_aid",
        );
        let aid = org("Avocats sans frontières");
        s.create_organisation(&system(), &aid).await.unwrap();
        user_in(s, aid.id, Role::LegalAid).await;
        let c = s
            .set_custody_legal_aid(&lead, c.id, c.version, Some(aid.id))
            .await
            .unwrap();
        assert_eq!(s.legal_aid_custodies(aid.id, 50).await.unwrap().len(), 1);
        assert_eq!(
            s.running_custodies(Some(sc.w.org.id), 50)
                .await
                .unwrap()
                .len(),
            1
        );
        // A transfer names to whom; it stops the clock.
        let at = Utc::now();
        assert_invalid(
            s.end_custody(&lead, c.id, c.version, CustodyEnd::Transferred, at, "")
                .await,
            "cus_TransferredTo",
            "required",
        );
        let c = s
            .end_custody(
                &lead,
                c.id,
                c.version,
                CustodyEnd::Transferred,
                at,
                "Prison centrale de Mpimba",
            )
            .await
            .unwrap();
        assert_eq!(
            c.transferred_to.as_deref(),
            Some("Prison centrale de Mpimba")
        );
        assert!(matches!(
            c.clock(at + Duration::days(30)),
            tabara_core::investigation::Clock::Ended { within_limit: true }
        ));
        assert!(s.running_custodies(None, 50).await.unwrap().is_empty());
        assert_eq!(
            s.raise_due_alerts(at + Duration::days(30), 500)
                .await
                .unwrap()
                .raised,
            0
        );
        assert_eq!(
            trail_actions(s, "custody", &c.id.to_string()).await,
            [
                "custody.start",
                "custody.extend",
                "custody.legal_aid",
                "custody.end"
            ]
        );
    }
);

store_test!(dossier_made_sent_and_read, |db| async move {
    let s = &db.store;
    let mut sc = Scene::new(s).await;
    let lead = sc.lead();
    let pdf = pdf_bytes("DOSSIER-TBR");
    let d = s
        .record_dossier(&lead, sc.inv.id, &"ab".repeat(32), &pdf, 3, false)
        .await
        .unwrap();
    let prosecution = org("Parquet de Bujumbura");
    s.create_organisation(&system(), &prosecution)
        .await
        .unwrap();
    // Not to an organisation without prosecutors; not before the file is active.
    assert_invalid(
        s.send_dossier(&lead, d.id, sc.w.org.id).await,
        "dos_SentTo",
        "not_prosecution",
    );
    user_in(s, prosecution.id, Role::Prosecutor).await;
    assert_invalid(
        s.send_dossier(&lead, d.id, prosecution.id).await,
        "inv_Status",
        "out_of_turn",
    );
    sc.active(s).await;
    let sent = s.send_dossier(&lead, d.id, prosecution.id).await.unwrap();
    assert_eq!(sent.sent_to, Some(prosecution.id));
    assert_eq!(
        s.investigation(sc.inv.id).await.unwrap().status,
        InvestigationStatus::Referred
    );
    assert_invalid(
        s.send_dossier(&lead, d.id, prosecution.id).await,
        "dos_SentTo",
        "already_sent",
    );
    let listed = s.dossiers_sent_to(prosecution.id, 10).await.unwrap();
    assert_eq!((listed[0].0.id, listed[0].1), (d.id, sc.case.number));
    let (_, read) = s.read_dossier(&lead, d.id).await.unwrap();
    assert_eq!(read, pdf);
    assert_eq!(
        trail_actions(s, "dossier", &d.id.to_string()).await,
        ["dossier.create", "dossier.send", "dossier.read"]
    );
    let raw = raw_register(&db, &["dossiers"]).await;
    assert!(!raw.contains("DOSSIER-TBR"));
});
