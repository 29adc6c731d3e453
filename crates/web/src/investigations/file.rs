//! The investigation page of a case and its forms.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use tabara_core::Picklist;
use tabara_core::files::FilePurpose;
use tabara_core::ids::{PersonId, UserId};
use tabara_core::investigation::{
    CustodyEventForm, CustodyEventKind, CustodyForm, Element, EvidenceForm, EvidenceKind,
    StatusStep, Support, TaskForm, TaskState, elements,
};
use tabara_core::permissions::{Action, decide};
use tabara_core::records::{Case, PersonRole};
use tabara_core::validation::ValidationErrors;
use tabara_i18n::t;
use tabara_store::{Investigation, InvestigationFile, NewEvidence, StoreError};
use uuid::Uuid;

use super::{local, local_field, local_moment, span};
use crate::access::{CaseAccess, CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, FormErrors, choices, format_date, format_datetime, render};

/// Every field of the page's forms (each posts its own). Read from the form's pairs, as the
/// team and the aggravating circumstances are checkboxes sent under one name many times.
#[derive(Debug, Default, Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub(crate) struct InvForm {
    version: String,
    step: String,
    reason: String,
    lead: String,
    team: Vec<String>,
    title: String,
    owner: String,
    due_on: String,
    task: String,
    to_state: String,
    at: String,
    words: String,
    suspect: String,
    code: String,
    aggravating: Vec<String>,
    offence: String,
    element: String,
    fact: String,
    evidence: String,
    kind: String,
    description: String,
    obtained_at: String,
    obtained_where: String,
    obtained_by: String,
    storage_location: String,
    file: String,
    to: String,
    place: String,
    legal_basis: String,
    started_at: String,
    acknowledge: Option<String>,
}

impl From<Vec<(String, String)>> for InvForm {
    fn from(pairs: Vec<(String, String)>) -> InvForm {
        let mut f = InvForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "step" => f.step = v,
                "reason" => f.reason = v,
                "lead" => f.lead = v,
                "team" => f.team.push(v),
                "title" => f.title = v,
                "owner" => f.owner = v,
                "due_on" => f.due_on = v,
                "task" => f.task = v,
                "to_state" => f.to_state = v,
                "at" => f.at = v,
                "words" => f.words = v,
                "suspect" => f.suspect = v,
                "code" => f.code = v,
                "aggravating" => f.aggravating.push(v),
                "offence" => f.offence = v,
                "element" => f.element = v,
                "fact" => f.fact = v,
                "evidence" => f.evidence = v,
                "kind" => f.kind = v,
                "description" => f.description = v,
                "obtained_at" => f.obtained_at = v,
                "obtained_where" => f.obtained_where = v,
                "obtained_by" => f.obtained_by = v,
                "storage_location" => f.storage_location = v,
                "file" => f.file = v,
                "to" => f.to = v,
                "place" => f.place = v,
                "legal_basis" => f.legal_basis = v,
                "started_at" => f.started_at = v,
                "acknowledge" => f.acknowledge = Some(v),
                _ => {}
            }
        }
        f
    }
}

impl InvForm {
    /// The maker states the evidence whose file no longer matches its hash.
    pub(crate) fn acknowledged(&self) -> bool {
        self.acknowledge.is_some()
    }
}

/// A suspect as the page names them (no identity: the person page has it).
pub(crate) struct SuspectLine {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) roles: String,
}

pub(crate) struct ElementLine {
    pub(crate) element: String,
    pub(crate) required: bool,
    pub(crate) support: String,
    pub(crate) missing: bool,
    pub(crate) facts: Vec<String>,
}

pub(crate) struct OffenceLine {
    pub(crate) id: String,
    pub(crate) suspect: String,
    pub(crate) title: String,
    pub(crate) article: String,
    pub(crate) aggravating: String,
    pub(crate) penalty: String,
    pub(crate) elements: Vec<ElementLine>,
    pub(crate) lacking: String,
}

pub(crate) struct EventLine {
    pub(crate) kind: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) at: String,
    pub(crate) reason: String,
    pub(crate) check: String,
    pub(crate) mismatch: bool,
    pub(crate) audit_seq: i64,
}

pub(crate) struct EvidenceLine {
    pub(crate) id: String,
    pub(crate) version: i64,
    pub(crate) label: String,
    pub(crate) kind: String,
    pub(crate) description: String,
    pub(crate) obtained: String,
    pub(crate) storage: String,
    pub(crate) holder: String,
    pub(crate) state: String,
    pub(crate) held: bool,
    pub(crate) sha256: String,
    pub(crate) mismatch: bool,
    pub(crate) chain: Vec<EventLine>,
}

struct TaskLine {
    id: String,
    version: i64,
    title: String,
    owner: String,
    due: String,
    state: String,
    open: bool,
    overdue: bool,
}

struct CustodyLine {
    id: String,
    suspect: String,
    started: String,
    deadline: String,
    clock: String,
    overdue: bool,
}

struct DossierLine {
    id: String,
    made: String,
    hash: String,
    pages: i64,
    sent: String,
}

#[derive(askama::Template)]
#[template(path = "investigation.html")]
struct InvestigationPage {
    chrome: Chrome,
    case: Case,
    open: bool,
    may_edit: bool,
    may_share: bool,
    notice: String,
    status: String,
    status_reason: String,
    version: i64,
    steps: Vec<(&'static str, &'static str)>,
    lead: String,
    team: Vec<String>,
    agency_users: Vec<(String, String)>,
    tasks: Vec<TaskLine>,
    timeline: Vec<(String, String)>,
    notes: Vec<(String, String, String)>,
    suspects: Vec<SuspectLine>,
    offences: Vec<OffenceLine>,
    offence_choices: Vec<(String, String)>,
    aggravating_choices: Vec<(String, String)>,
    element_choices: Vec<(&'static str, &'static str)>,
    evidence: Vec<EvidenceLine>,
    evidence_choices: Vec<(String, String)>,
    kind_choices: Vec<(&'static str, &'static str)>,
    event_choices: Vec<(&'static str, &'static str)>,
    file_choices: Vec<(String, String)>,
    custodies: Vec<CustodyLine>,
    dossiers: Vec<DossierLine>,
    prosecution: Vec<(String, String)>,
    mismatched: Vec<String>,
    now_local: String,
    form: InvForm,
    errors: FormErrors,
}

/// The suspects of a case, numbered in the case's order.
pub(crate) fn suspects(
    lang: tabara_core::Lang,
    persons: &[tabara_store::CasePerson],
) -> Vec<SuspectLine> {
    persons
        .iter()
        .filter(|p| p.involvement.role() == PersonRole::Suspect)
        .enumerate()
        .map(|(i, p)| SuspectLine {
            id: p.person.id.to_string(),
            label: t!(lang, "inv-suspect-n", n = (i + 1).to_string()),
            roles: match &p.involvement {
                tabara_core::records::Involvement::Suspect(ctx) => ctx
                    .roles
                    .iter()
                    .map(|r| r.label(lang).to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            },
        })
        .collect()
}

/// A timeline entry in words: a typed fact as it was typed, a step of a record translated.
pub(crate) fn timeline_words(lang: tabara_core::Lang, kind: &str, words: &str) -> String {
    if kind == "fact" {
        return words.to_string();
    }
    let key = format!("inv-timeline-{kind}-{words}").replace('_', "-");
    if tabara_i18n::catalogue().has(tabara_core::Lang::En, &key) {
        tabara_i18n::catalogue().text(lang, &key, &[])
    } else {
        format!("{kind}: {words}")
    }
}

/// The offences of the file with their elements, in words.
pub(crate) fn offence_lines(
    store: &tabara_store::Store,
    lang: tabara_core::Lang,
    file: &InvestigationFile,
    suspects: &[SuspectLine],
) -> Vec<OffenceLine> {
    let catalogue = store.legal_catalogue();
    let label_of = |id: Uuid| {
        file.evidence
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.label())
            .unwrap_or_default()
    };
    file.offences
        .iter()
        .map(|o| {
            let suspect = suspects
                .iter()
                .find(|s| s.id == o.person_id.to_string())
                .map(|s| s.label.clone())
                .unwrap_or_default();
            let Some(offence) = catalogue.offence(&o.code) else {
                return OffenceLine {
                    id: o.id.to_string(),
                    suspect,
                    title: o.code.clone(),
                    article: String::new(),
                    aggravating: String::new(),
                    penalty: String::new(),
                    elements: Vec::new(),
                    lacking: String::new(),
                };
            };
            let given: Vec<(Element, bool)> = o
                .supports
                .iter()
                .map(|s| (s.element, s.evidence_id.is_some()))
                .collect();
            let statuses = elements::coverage(offence, file.child_victim, &given);
            let p = catalogue.penalty(offence, &o.aggravating, file.child_victim);
            let penalty = if p.life {
                t!(lang, "inv-penalty-life")
            } else {
                t!(
                    lang,
                    "inv-penalty-years",
                    min = p.years_min.unwrap_or(0).to_string(),
                    max = p.years_max.unwrap_or(0).to_string()
                )
            };
            OffenceLine {
                id: o.id.to_string(),
                suspect,
                title: offence.label(lang).to_string(),
                article: format!("{}, {}", offence.law, offence.article),
                aggravating: o
                    .aggravating
                    .iter()
                    .map(|a| {
                        catalogue
                            .aggravating(a)
                            .map(|x| x.label(lang).to_string())
                            .unwrap_or_else(|| a.clone())
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                penalty,
                lacking: elements::lacking(&statuses)
                    .iter()
                    .map(|e| e.label(lang).to_string())
                    .collect::<Vec<_>>()
                    .join("; "),
                elements: statuses
                    .iter()
                    .map(|s| ElementLine {
                        element: s.element.label(lang).to_string(),
                        required: s.required,
                        missing: s.required && s.support == Support::Missing,
                        support: t!(
                            lang,
                            match s.support {
                                Support::Missing => "inv-support-missing",
                                Support::FactsOnly => "inv-support-facts",
                                Support::Evidenced => "inv-support-evidenced",
                            }
                        ),
                        facts: o
                            .supports
                            .iter()
                            .filter(|x| x.element == s.element)
                            .map(|x| match x.evidence_id {
                                Some(ev) => format!("{} ({})", x.fact, label_of(ev)),
                                None => x.fact.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The evidence of the file with its chains, in words.
pub(crate) fn evidence_lines(
    lang: tabara_core::Lang,
    file: &InvestigationFile,
    tz: chrono_tz::Tz,
) -> Vec<EvidenceLine> {
    file.evidence
        .iter()
        .zip(&file.custody_chains)
        .map(|(e, chain)| EvidenceLine {
            id: e.id.to_string(),
            version: e.version,
            label: e.label(),
            kind: e.kind.label(lang).to_string(),
            description: e.description.clone(),
            obtained: t!(
                lang,
                "inv-evidence-obtained",
                when = local(e.obtained_at, tz),
                place = e.obtained_where.as_str(),
                who = e.obtained_by.as_str()
            ),
            storage: e.storage_location.clone(),
            holder: e.holder.clone(),
            state: e.state.label(lang).to_string(),
            held: e.state == tabara_core::investigation::ItemState::Held,
            sha256: e.file_sha256.clone().unwrap_or_default(),
            mismatch: e.mismatch_at.is_some(),
            chain: chain
                .iter()
                .map(|ev| EventLine {
                    kind: ev.kind.label(lang).to_string(),
                    from: ev.from_holder.clone(),
                    to: ev.to_holder.clone(),
                    at: local(ev.at, tz),
                    reason: ev.reason.clone(),
                    check: t!(
                        lang,
                        &format!("inv-hash-{}", ev.hash_check.replace('_', "-"))
                    ),
                    mismatch: ev.hash_check == "mismatch",
                    audit_seq: ev.audit_seq,
                })
                .collect(),
        })
        .collect()
}

pub(crate) fn tz_of(state: &AppState, jurisdiction: &str) -> chrono_tz::Tz {
    tz_in(&state.store, jurisdiction)
}

/// The time zone of a jurisdiction of the store's legal catalogue (Bujumbura when unknown).
pub(crate) fn tz_in(store: &tabara_store::Store, jurisdiction: &str) -> chrono_tz::Tz {
    store
        .legal_catalogue()
        .jurisdiction(jurisdiction)
        .map(|j| j.tz())
        .unwrap_or(chrono_tz::Africa::Bujumbura)
}

async fn user_name(state: &AppState, id: UserId) -> Result<String, AppError> {
    match state.store.user(id).await {
        Ok(u) => Ok(u.display_name),
        Err(StoreError::NotFound { .. }) => Ok(id.to_string()),
        Err(e) => Err(e.into()),
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    access: &CaseAccess,
    form: InvForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let case = &access.case;
    let may_edit = decide(user.user.role, Action::EditCase, Some(access.relation)).allowed();
    let may_share = decide(user.user.role, Action::ShareCase, Some(access.relation)).allowed();
    let catalogue = state.store.legal_catalogue();
    let found = state.store.investigation_of_case(case.id).await?;
    let persons = state.store.case_persons(case.id).await?;
    let suspect_lines = suspects(lang, &persons);
    let agency_users: Vec<(String, String)> = state
        .store
        .organisation_users(case.organisation_id, 500)
        .await?
        .into_iter()
        .filter(|u| {
            matches!(
                u.role,
                tabara_core::Role::Investigator
                    | tabara_core::Role::Officer
                    | tabara_core::Role::Supervisor
            )
        })
        .map(|u| (u.id.to_string(), u.display_name))
        .collect();
    let mut p = InvestigationPage {
        chrome: user.chrome(&format!("/cases/{}/investigation", case.number)),
        case: case.clone(),
        open: false,
        may_edit,
        may_share,
        notice: catalogue.notice.get(lang).to_string(),
        status: String::new(),
        status_reason: String::new(),
        version: 0,
        steps: Vec::new(),
        lead: String::new(),
        team: Vec::new(),
        agency_users,
        tasks: Vec::new(),
        timeline: Vec::new(),
        notes: Vec::new(),
        suspects: suspect_lines,
        offences: Vec::new(),
        offence_choices: catalogue
            .offences
            .iter()
            .map(|o| (o.code.clone(), format!("{} ({})", o.label(lang), o.article)))
            .collect(),
        aggravating_choices: catalogue
            .aggravating
            .iter()
            .map(|a| (a.id.clone(), a.label(lang).to_string()))
            .collect(),
        element_choices: choices(Element::ALL, lang),
        evidence: Vec::new(),
        evidence_choices: Vec::new(),
        kind_choices: choices(EvidenceKind::ALL, lang),
        event_choices: choices(&CustodyEventKind::ALL[1..], lang),
        file_choices: Vec::new(),
        custodies: Vec::new(),
        dossiers: Vec::new(),
        prosecution: Vec::new(),
        mismatched: Vec::new(),
        now_local: String::new(),
        form,
        errors,
    };
    if let Some(inv) = found {
        let file = state.store.investigation_file(inv.id).await?;
        fill(state, user, &mut p, &inv, &file, &persons).await?;
    }
    let status = p.errors.status();
    Ok((status, render(&p)).into_response())
}

async fn fill(
    state: &AppState,
    user: &CurrentUser,
    p: &mut InvestigationPage,
    inv: &Investigation,
    file: &InvestigationFile,
    persons: &[tabara_store::CasePerson],
) -> Result<(), AppError> {
    let lang = user.lang;
    let tz = tz_of(state, &inv.jurisdiction);
    let now = Utc::now();
    p.open = true;
    p.status = inv.status.label(lang).to_string();
    p.status_reason = inv.status_reason.clone().unwrap_or_default();
    p.version = inv.version;
    p.steps = inv
        .status
        .next_steps()
        .into_iter()
        .filter(|s| *s != StatusStep::Refer)
        .map(|s| (s.as_str(), s.label(lang)))
        .collect();
    p.lead = user_name(state, inv.lead_id).await?;
    for u in &inv.team {
        p.team.push(user_name(state, *u).await?);
    }
    for t in &file.tasks {
        p.tasks.push(TaskLine {
            id: t.id.to_string(),
            version: t.version,
            title: t.title.clone(),
            owner: user_name(state, t.owner_id).await?,
            due: format_date(lang, t.due_on),
            state: t.state.label(lang).to_string(),
            open: t.state == TaskState::Open,
            overdue: tabara_core::investigation::tasks::is_overdue(t.state, t.due_on, now, tz),
        });
    }
    p.timeline = file
        .timeline
        .iter()
        .map(|e| (local(e.at, tz), timeline_words(lang, &e.kind, &e.words)))
        .collect();
    for n in &file.notes {
        p.notes.push((
            format_datetime(lang, n.created_at),
            crate::screening::decider_name(state, &n.author).await?,
            n.body.clone(),
        ));
    }
    p.offences = offence_lines(&state.store, lang, file, &p.suspects);
    p.evidence = evidence_lines(lang, file, tz);
    p.evidence_choices = file
        .evidence
        .iter()
        .map(|e| {
            (
                e.id.to_string(),
                format!("{} — {}", e.label(), e.kind.label(lang)),
            )
        })
        .collect();
    p.mismatched = file
        .evidence
        .iter()
        .filter(|e| e.mismatch_at.is_some())
        .map(|e| e.label())
        .collect();
    let used: Vec<Uuid> = file.evidence.iter().filter_map(|e| e.file_id).collect();
    for cp in persons {
        for f in state.store.files_of(inv.case_id, cp.person.id).await? {
            if f.purpose == FilePurpose::Evidence && f.erased_at.is_none() && !used.contains(&f.id)
            {
                p.file_choices.push((
                    format!("{}:{}", cp.person.id, f.id),
                    format!(
                        "{} · {} · {} · {}…",
                        cp.involvement.role().label(lang),
                        f.content_type.label(lang),
                        format_datetime(lang, f.uploaded_at),
                        &f.sha256[..12]
                    ),
                ));
            }
        }
    }
    for c in &file.custodies {
        let (clock, overdue) = clock_words(lang, c, now);
        p.custodies.push(CustodyLine {
            id: c.id.to_string(),
            suspect: p
                .suspects
                .iter()
                .find(|s| s.id == c.person_id.to_string())
                .map(|s| s.label.clone())
                .unwrap_or_default(),
            started: local(c.custody.started_at, tz),
            deadline: local(c.deadline(), tz),
            clock,
            overdue,
        });
    }
    for d in &file.dossiers {
        let sent = match (d.sent_to, d.sent_at) {
            (Some(org), Some(at)) => t!(
                lang,
                "inv-dossier-sent",
                office = state.directory().await?.organisation_name(org),
                when = format_datetime(lang, at)
            ),
            _ => String::new(),
        };
        p.dossiers.push(DossierLine {
            id: d.id.to_string(),
            made: format_datetime(lang, d.made_at),
            hash: d.content_hash.clone(),
            pages: d.pages,
            sent,
        });
    }
    let directory = state.directory().await?;
    for o in state
        .store
        .organisations_with_role(tabara_core::Role::Prosecutor)
        .await?
    {
        p.prosecution
            .push((o.to_string(), directory.organisation_name(o)));
    }
    p.prosecution.sort_by(|a, b| a.1.cmp(&b.1));
    p.now_local = local_field(now, tz);
    Ok(())
}

/// The clock of a custody in words, and whether it is overdue.
pub(crate) fn clock_words(
    lang: tabara_core::Lang,
    c: &tabara_store::CustodyRecord,
    now: chrono::DateTime<Utc>,
) -> (String, bool) {
    use tabara_core::investigation::Clock;
    match c.clock(now) {
        Clock::Running { left_seconds } => (
            t!(lang, "custody-time-left", left = span(lang, left_seconds)),
            false,
        ),
        Clock::Overdue { by_seconds } => (
            t!(lang, "custody-overdue-by", by = span(lang, by_seconds)),
            true,
        ),
        Clock::Ended { .. } => (t!(lang, "custody-ended"), false),
    }
}

/// `GET /cases/{number}/investigation`.
pub(crate) async fn page_get(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CaseAccess,
) -> Result<Response, AppError> {
    page(
        &state,
        &user,
        &access,
        InvForm::default(),
        FormErrors::none(),
    )
    .await
}

fn back(access: &CaseAccess, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/cases/{}/investigation#{anchor}",
        access.case.number
    ))
    .into_response()
}

/// After a write: back to the page, or the page again with the errors.
pub(crate) async fn after<T>(
    state: &AppState,
    user: &CurrentUser,
    access: &CaseAccess,
    form: InvForm,
    result: Result<T, StoreError>,
    anchor: &str,
) -> Result<Response, AppError> {
    let lang = user.lang;
    match result {
        Ok(_) => Ok(back(access, anchor)),
        Err(StoreError::Invalid(v)) => {
            page(state, user, access, form, FormErrors::new(lang, v)).await
        }
        Err(StoreError::Conflict { .. }) | Err(StoreError::NotFound { .. }) => {
            let mut errors = FormErrors::new(lang, ValidationErrors::default());
            errors.banner = Some(t!(lang, "edit-conflict"));
            page(state, user, access, form, errors).await
        }
        Err(StoreError::Duplicate { .. }) => Ok(back(access, anchor)),
        Err(other) => Err(other.into()),
    }
}

fn invalid(field: &'static str, rule: &'static str, message: &str) -> StoreError {
    let mut e = ValidationErrors::default();
    e.push(field, rule, message);
    StoreError::Invalid(e)
}

/// The case's investigation, or a form error saying to open it first.
pub(crate) async fn investigation(
    state: &AppState,
    access: &CaseAccess,
) -> Result<Investigation, StoreError> {
    state
        .store
        .investigation_of_case(access.case.id)
        .await?
        .ok_or_else(|| invalid("inv_Status", "not_open", "open the investigation first"))
}

fn uuid_of(raw: &str, field: &'static str) -> Result<Uuid, StoreError> {
    raw.trim()
        .parse()
        .map_err(|_| invalid(field, "required", "choose one"))
}

fn version(form: &InvForm) -> i64 {
    form.version.trim().parse().unwrap_or(0)
}

/// `POST /cases/{number}/investigation`: open it, led by the user (or the lead chosen).
pub(crate) async fn open(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let lead = form.lead.trim().parse().map(UserId).unwrap_or(user.user.id);
    let r = state
        .store
        .open_investigation(&user.actor(), access.case.id, lead, None)
        .await;
    after(&state, &user, &access, form, r, "status").await
}

/// `POST …/investigation/step`.
pub(crate) async fn step(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let step = StatusStep::parse(&form.step)
            .map_err(|_| invalid("inv_Status", "out_of_turn", "choose a step"))?;
        state
            .store
            .investigation_step(&user.actor(), inv.id, version(&form), step, &form.reason)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "status").await
}

/// `POST …/investigation/team`.
pub(crate) async fn team(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let lead = UserId(uuid_of(&form.lead, "inv_Lead")?);
        let team: Vec<UserId> = form
            .team
            .iter()
            .filter_map(|t| t.trim().parse().ok().map(UserId))
            .collect();
        state
            .store
            .set_investigation_team(&user.actor(), inv.id, version(&form), lead, &team)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "team").await
}

/// `POST …/investigation/tasks`.
pub(crate) async fn add_task(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let owner = UserId(uuid_of(&form.owner, "tsk_Owner")?);
        let due_on = NaiveDate::parse_from_str(form.due_on.trim(), "%Y-%m-%d")
            .map_err(|_| invalid("tsk_DueOn", "date", "write the day as YYYY-MM-DD"))?;
        let task = TaskForm {
            title: form.title.clone(),
            owner,
            due_on,
        };
        state
            .store
            .add_investigation_task(&user.actor(), inv.id, &task)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "tasks").await
}

/// `POST …/investigation/tasks/close`: done or cancelled.
pub(crate) async fn close_task(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        investigation(&state, &access).await?;
        let task = uuid_of(&form.task, "tsk_State")?;
        let to = TaskState::parse(&form.to_state)
            .map_err(|_| invalid("tsk_State", "out_of_turn", "choose done or cancelled"))?;
        state
            .store
            .close_investigation_task(&user.actor(), task, version(&form), to)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "tasks").await
}

/// `POST …/investigation/timeline`.
pub(crate) async fn add_fact(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let mut e = ValidationErrors::default();
        let at = local_moment(&mut e, "tle_At", &form.at, tz_of(&state, &inv.jurisdiction));
        let Some(at) = at else {
            return Err(StoreError::Invalid(e));
        };
        state
            .store
            .add_timeline_fact(&user.actor(), inv.id, at, &form.words)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "timeline").await
}

/// `POST …/investigation/notes`.
pub(crate) async fn add_note(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        state
            .store
            .add_investigation_note(&user.actor(), inv.id, &form.words)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "notes").await
}

/// `POST …/investigation/offences`.
pub(crate) async fn add_offence(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let suspect = PersonId(uuid_of(&form.suspect, "off_Person")?);
        state
            .store
            .record_offence(
                &user.actor(),
                inv.id,
                suspect,
                &form.code,
                &form.aggravating,
            )
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "offences").await
}

/// `POST …/investigation/supports`.
pub(crate) async fn add_support(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        investigation(&state, &access).await?;
        let offence = uuid_of(&form.offence, "els_Offence")?;
        let element = Element::parse(&form.element)
            .map_err(|_| invalid("els_Element", "required", "choose the element"))?;
        let evidence = form.evidence.trim().parse().ok();
        state
            .store
            .record_element_support(&user.actor(), offence, element, &form.fact, evidence)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "offences").await
}

/// `POST …/investigation/evidence`: an item, with a file of the case uploaded as evidence.
pub(crate) async fn add_evidence(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let mut e = ValidationErrors::default();
        let kind = EvidenceKind::parse(&form.kind).ok();
        if kind.is_none() {
            e.push("evi_Kind", "required", "choose what the item is");
        }
        let obtained_at = local_moment(
            &mut e,
            "evi_ObtainedAt",
            &form.obtained_at,
            tz_of(&state, &inv.jurisdiction),
        );
        let (person, file) = match form.file.split_once(':') {
            Some((p, f)) => (p.parse().ok().map(PersonId), f.parse().ok()),
            None => (None, None),
        };
        let (Some(kind), Some(obtained_at)) = (kind, obtained_at) else {
            return Err(StoreError::Invalid(e));
        };
        let new = NewEvidence {
            form: EvidenceForm {
                kind,
                description: form.description.clone(),
                obtained_at,
                obtained_where: form.obtained_where.clone(),
                obtained_by: form.obtained_by.clone(),
                storage_location: form.storage_location.clone(),
            },
            person,
            file,
        };
        state
            .store
            .register_evidence(&user.actor(), inv.id, &new)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "evidence").await
}

/// `POST …/investigation/custody-events`: a transfer, examination, return or destruction.
pub(crate) async fn add_custody_event(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let item = uuid_of(&form.evidence, "cev_Evidence")?;
        let mut e = ValidationErrors::default();
        let kind = CustodyEventKind::parse(&form.kind).ok();
        if kind.is_none() {
            e.push("cev_Kind", "required", "choose what happened");
        }
        let at = local_moment(&mut e, "cev_At", &form.at, tz_of(&state, &inv.jurisdiction));
        let (Some(kind), Some(at)) = (kind, at) else {
            return Err(StoreError::Invalid(e));
        };
        let event = CustodyEventForm {
            kind,
            to: form.to.clone(),
            at,
            reason: form.reason.clone(),
        };
        state
            .store
            .record_custody_event(&user.actor(), item, version(&form), &event)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "evidence").await
}

/// `POST …/investigation/custody/new`: a suspect placed in custody.
pub(crate) async fn start_custody(
    State(state): State<AppState>,
    access: CaseAccess,
    CsrfForm { user, form }: CsrfForm<InvForm>,
) -> Result<Response, AppError> {
    let r = async {
        let inv = investigation(&state, &access).await?;
        let suspect = PersonId(uuid_of(&form.suspect, "cus_Person")?);
        let mut e = ValidationErrors::default();
        let started = local_moment(
            &mut e,
            "cus_StartedAt",
            &form.started_at,
            tz_of(&state, &inv.jurisdiction),
        );
        let Some(started_at) = started else {
            return Err(StoreError::Invalid(e));
        };
        let custody = CustodyForm {
            started_at,
            place: form.place.clone(),
            legal_basis: form.legal_basis.clone(),
        };
        state
            .store
            .start_custody(&user.actor(), inv.id, suspect, &custody)
            .await
    }
    .await;
    after(&state, &user, &access, form, r, "custody").await
}
