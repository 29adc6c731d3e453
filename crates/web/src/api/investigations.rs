//! Investigation casework for machine clients, reached as its pages are: a case's
//! investigation file (team, tasks, timeline, notes, suspects' offences with the elements
//! still lacking support, the evidence register with each item's chain of custody, the
//! custodies and the dossiers made); everyone in custody with the time left, for a duty
//! officer's or a legal-aid organisation's script; one custody record; the dossiers sent to a
//! prosecutor's office and their PDF (each read audited `dossier.read`, as on the page).
//!
//! Suspects are named as on the pages ("Suspect 1"), never by identity: an identity is read on
//! the person's page, where each read is audited. The API reads; the records are written on
//! the pages, where every change is audited.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tabara_core::investigation::{Clock, Element, ElementStatus, Penalty, StatusStep, elements};
use tabara_core::records::{PersonRole, case_reference};
use tabara_core::role::Role;
use tabara_core::{Lang, Picklist};
use tabara_store::investigations::{Note, TimelineEntry};
use tabara_store::{
    CustodyEvent, CustodyListed, CustodyRecord, Dossier, EvidenceItem, Investigation,
    InvestigationFile, OffenceRecord, Task,
};

use super::ApiQuery;
use crate::access::{ApiUser, CaseAccess, CustodyAccess, DossierAccess};
use crate::error::Problem;
use crate::investigations::file::tz_in;
use crate::state::AppState;

/// A suspect of the case as the investigation names them.
#[derive(Serialize)]
struct Suspect {
    person_id: tabara_core::ids::PersonId,
    /// "Suspect 1", in the order of the case's persons.
    label: String,
    /// The HTCDS perpetrator roles.
    roles: Vec<String>,
}

/// A task and whether it is past its due day in the jurisdiction's time.
#[derive(Serialize)]
struct TaskShown {
    #[serde(flatten)]
    task: Task,
    overdue: bool,
}

/// An offence with its article, penalty and the support of each element.
#[derive(Serialize)]
struct OffenceShown {
    #[serde(flatten)]
    offence: OffenceRecord,
    /// The article of the catalogue (empty when the code left the catalogue).
    article: String,
    /// The penalty in the offence's circumstances.
    penalty: Option<Penalty>,
    elements: Vec<ElementStatus>,
    /// The required elements no fact supports yet.
    lacking: Vec<Element>,
}

/// An item of evidence with its chain of custody.
#[derive(Serialize)]
struct EvidenceShown {
    /// `EV-001`.
    label: String,
    #[serde(flatten)]
    item: EvidenceItem,
    chain: Vec<CustodyEvent>,
}

/// A custody with its deadline and clock.
#[derive(Serialize)]
pub(super) struct CustodyShown {
    case: String,
    deadline: DateTime<Utc>,
    /// `clock`: `running` (with `left_seconds`), `overdue` (with `by_seconds`) or `ended`
    /// (with `within_limit`).
    #[serde(flatten)]
    clock: Clock,
    overdue: bool,
    #[serde(flatten)]
    custody: CustodyRecord,
}

fn custody_shown(number: i64, custody: CustodyRecord, now: DateTime<Utc>) -> CustodyShown {
    let clock = custody.clock(now);
    CustodyShown {
        case: case_reference(number),
        deadline: custody.deadline(),
        overdue: matches!(clock, Clock::Overdue { .. }),
        clock,
        custody,
    }
}

/// The investigation of a case, when one is open.
#[derive(Serialize)]
struct FileShown {
    #[serde(flatten)]
    investigation: Investigation,
    /// The steps the status allows (who may take each is the store's rule).
    steps: Vec<StatusStep>,
    child_victim: bool,
    suspects: Vec<Suspect>,
    tasks: Vec<TaskShown>,
    timeline: Vec<TimelineEntry>,
    notes: Vec<Note>,
    offences: Vec<OffenceShown>,
    evidence: Vec<EvidenceShown>,
    custodies: Vec<CustodyShown>,
    dossiers: Vec<Dossier>,
}

/// A case's investigation document.
#[derive(Serialize)]
struct FileDocument {
    case: String,
    /// The legal catalogue's notice: its values are to be confirmed by a lawyer.
    legal_notice: String,
    /// `null` while no investigation is open on the case.
    investigation: Option<FileShown>,
}

/// `GET /api/v1/cases/{number}/investigation`.
pub(super) async fn investigation(
    State(state): State<AppState>,
    access: CaseAccess,
) -> Result<Response, Problem> {
    let store = &state.store;
    let catalogue = store.legal_catalogue();
    let case = &access.case;
    let investigation = match store.investigation_of_case(case.id).await? {
        None => None,
        Some(inv) => {
            let file = store.investigation_file(inv.id).await?;
            let persons = store.case_persons(case.id).await?;
            Some(file_shown(&state, case.number, inv, file, &persons))
        }
    };
    Ok(Json(FileDocument {
        case: case.reference(),
        legal_notice: catalogue.notice.get(Lang::En).to_string(),
        investigation,
    })
    .into_response())
}

fn file_shown(
    state: &AppState,
    number: i64,
    inv: Investigation,
    file: InvestigationFile,
    persons: &[tabara_store::CasePerson],
) -> FileShown {
    let catalogue = state.store.legal_catalogue();
    let tz = tz_in(&state.store, &inv.jurisdiction);
    let now = Utc::now();
    let suspects = persons
        .iter()
        .filter(|p| p.involvement.role() == PersonRole::Suspect)
        .enumerate()
        .map(|(i, p)| Suspect {
            person_id: p.person.id,
            label: format!("Suspect {}", i + 1),
            roles: match &p.involvement {
                tabara_core::records::Involvement::Suspect(ctx) => ctx
                    .roles
                    .iter()
                    .map(|r| r.value_name().to_string())
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    let tasks = file
        .tasks
        .into_iter()
        .map(|t| TaskShown {
            overdue: tabara_core::investigation::tasks::is_overdue(t.state, t.due_on, now, tz),
            task: t,
        })
        .collect();
    let offences = file
        .offences
        .into_iter()
        .map(|o| {
            let found = catalogue.offence(&o.code);
            let given: Vec<(Element, bool)> = o
                .supports
                .iter()
                .map(|s| (s.element, s.evidence_id.is_some()))
                .collect();
            let statuses = found
                .map(|f| elements::coverage(f, file.child_victim, &given))
                .unwrap_or_default();
            OffenceShown {
                article: found.map(|f| f.article.clone()).unwrap_or_default(),
                penalty: found.map(|f| catalogue.penalty(f, &o.aggravating, file.child_victim)),
                lacking: elements::lacking(&statuses),
                elements: statuses,
                offence: o,
            }
        })
        .collect();
    let evidence = file
        .evidence
        .into_iter()
        .zip(file.custody_chains)
        .map(|(item, chain)| EvidenceShown {
            label: item.label(),
            item,
            chain,
        })
        .collect();
    FileShown {
        steps: inv.status.next_steps(),
        child_victim: file.child_victim,
        suspects,
        tasks,
        timeline: file.timeline,
        notes: file.notes,
        offences,
        evidence,
        custodies: file
            .custodies
            .into_iter()
            .map(|c| custody_shown(number, c, now))
            .collect(),
        dossiers: file.dossiers,
        investigation: inv,
    }
}

/// Which custodies.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct CustodyQuery {
    /// Only those at or past their limit.
    overdue: bool,
}

/// `GET /api/v1/custody[?overdue=true]`: everyone in custody of the token user's agency, the
/// soonest deadline first (so the overdue lead), for its investigators, officers and
/// supervisors; a legal-aid organisation's clients (running first) for legal aid; anyone else
/// the 404 of a missing record, as the page.
pub(super) async fn custody_list(
    State(state): State<AppState>,
    user: ApiUser,
    ApiQuery(q): ApiQuery<CustodyQuery>,
) -> Result<Response, Problem> {
    let org = user.user.organisation_id;
    let listed: Vec<CustodyListed> = match user.user.role {
        Role::Supervisor | Role::Investigator | Role::Officer => {
            state.store.running_custodies(Some(org), 500).await?
        }
        Role::LegalAid => state.store.legal_aid_custodies(org, 500).await?,
        _ => return Err(Problem::not_found()),
    };
    let now = Utc::now();
    let out: Vec<CustodyShown> = listed
        .into_iter()
        .map(|l| custody_shown(l.case_number, l.custody, now))
        .filter(|c| !q.overdue || c.overdue)
        .collect();
    Ok(Json(out).into_response())
}

/// `GET /api/v1/custody/{id}`: through its case, or read by the legal aid it was given to.
pub(super) async fn custody(access: CustodyAccess) -> Json<CustodyShown> {
    Json(custody_shown(
        access.case.number,
        access.custody,
        Utc::now(),
    ))
}

/// A dossier with its case's reference.
#[derive(Serialize)]
pub(super) struct DossierShown {
    case: String,
    #[serde(flatten)]
    dossier: Dossier,
}

/// `GET /api/v1/dossiers`: the dossiers sent to the token user's prosecutor's office, newest
/// first; anyone but a prosecutor the 404 of a missing record, as the page.
pub(super) async fn dossiers(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Response, Problem> {
    if user.user.role != Role::Prosecutor {
        return Err(Problem::not_found());
    }
    let out: Vec<DossierShown> = state
        .store
        .dossiers_sent_to(user.user.organisation_id, 500)
        .await?
        .into_iter()
        .map(|(dossier, number)| DossierShown {
            case: case_reference(number),
            dossier,
        })
        .collect();
    Ok(Json(out).into_response())
}

/// `GET /api/v1/dossiers/{id}`: what a dossier is (its hash, pages, when made and sent).
pub(super) async fn dossier(access: DossierAccess) -> Json<DossierShown> {
    Json(DossierShown {
        case: case_reference(access.case_number),
        dossier: access.dossier,
    })
}

/// `GET /api/v1/dossiers/{id}/pdf`: the PDF, audited `dossier.read` before it is given.
pub(super) async fn dossier_pdf(
    State(state): State<AppState>,
    user: ApiUser,
    access: DossierAccess,
) -> Result<Response, Problem> {
    let actor = tabara_store::Actor::user(user.user.id);
    let (d, pdf) = state.store.read_dossier(&actor, access.dossier.id).await?;
    Ok(crate::investigations::dossier::pdf_response(
        access.case_number,
        &d,
        pdf,
    ))
}
