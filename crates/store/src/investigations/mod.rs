//! Investigation casework (issue 14): the investigation file of a case (lead, team, status,
//! tasks, timeline, notes), suspects' offences from the legal catalogue with the facts and
//! evidence supporting each element, the evidence register and its chain of custody (the
//! file's hash re-checked at every event, each event's audit entry kept for its inclusion
//! proof), suspects' police custody (extensions, end, rights checklist, legal aid), and the
//! dossiers made for the prosecutor and sent to a prosecutor's office.
//!
//! The rules are `tabara_core::investigation`'s. The store adds what needs the register: one
//! investigation per case (`Duplicate`); the lead a user of the investigating agency who
//! investigates (`inv_Lead`/`not_investigator`); the work on the file (tasks, timeline, notes,
//! offences, evidence, custody) for its lead, team and the agency's supervisors
//! (`inv_Party`/`not_allowed`), on an open file (`inv_Status`/`closed`); a task for the lead or
//! a team member (`tsk_Owner`/`not_on_team`); an offence or a custody for a suspect of the case
//! (`off_Person`/`suspect_only`, `cus_Person`/`suspect_only`); one running custody per suspect
//! (`cus_Person`/`already_in_custody`); evidence linked to a fact of the same investigation
//! (`els_Evidence`/`unknown`). Words are sealed (the case text key; the suspect's key for the
//! rights checklist's notes) and opened on reading.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::investigation::{
    Clock, Custody, CustodyEnd, CustodyEventForm, CustodyEventKind, CustodyForm, Element,
    ElementStatus, EvidenceForm, EvidenceKind, ExtensionForm, HashCheck, InvestigationStatus,
    ItemState, LegalCatalogue, Right, RightForm, RightStatus, Standing, StatusStep, TaskForm,
    TaskState,
};

/// The most rows one list of an investigation returns.
pub const MAX_INVESTIGATION_LIST: i64 = 500;

/// An investigation file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Investigation {
    /// Id.
    pub id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// The investigating agency (the case's).
    pub agency_id: OrganisationId,
    /// Where it stands.
    pub status: InvestigationStatus,
    /// Why it took its last step (a closure, a resumption, a reopening).
    pub status_reason: Option<String>,
    /// The lead investigator.
    pub lead_id: UserId,
    /// The team (the lead not included).
    pub team: Vec<UserId>,
    /// The jurisdiction whose custody rules apply (a code of the legal catalogue).
    pub jurisdiction: String,
    /// Who opened it (actor id).
    pub opened_by: String,
    /// When.
    pub opened_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// A task.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// The investigation.
    pub investigation_id: Uuid,
    /// What is to be done.
    pub title: String,
    /// Who does it.
    pub owner_id: UserId,
    /// By when.
    pub due_on: NaiveDate,
    /// Where it stands.
    pub state: TaskState,
    /// Who gave it (actor id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who marked it done or cancelled.
    pub closed_by: Option<String>,
    /// When.
    pub closed_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

/// An entry of an investigation's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// Id.
    pub id: Uuid,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// `fact` (typed by a user) or the kind of record whose step it is (`status`, `task`,
    /// `offence`, `evidence`, `custody_event`, `custody`, `dossier`).
    pub kind: String,
    /// What happened.
    pub words: String,
    /// The record it is about, if any.
    pub record_id: Option<Uuid>,
    /// Who recorded it (actor id).
    pub recorded_by: String,
}

/// A note on an investigation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    /// Id.
    pub id: Uuid,
    /// The words.
    pub body: String,
    /// Who wrote it (actor id).
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A fact recorded in support of an element of an offence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementSupport {
    /// Id.
    pub id: Uuid,
    /// The element.
    pub element: Element,
    /// The fact.
    pub fact: String,
    /// The item of evidence that shows it, if any.
    pub evidence_id: Option<Uuid>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// An offence recorded against a suspect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OffenceRecord {
    /// Id.
    pub id: Uuid,
    /// The investigation.
    pub investigation_id: Uuid,
    /// The suspect.
    pub person_id: PersonId,
    /// The offence's code in the legal catalogue.
    pub code: String,
    /// Aggravating circumstances (ids of the catalogue).
    pub aggravating: Vec<String>,
    /// The catalogue's version when it was recorded.
    pub catalogue_version: String,
    /// Who recorded it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// The facts supporting its elements, oldest first.
    pub supports: Vec<ElementSupport>,
}

/// An item of evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceItem {
    /// Id.
    pub id: Uuid,
    /// The investigation.
    pub investigation_id: Uuid,
    /// Its number in the investigation (shown `EV-001`).
    pub number: i64,
    /// What it is.
    pub kind: EvidenceKind,
    /// What it shows or holds.
    pub description: String,
    /// When it was obtained.
    pub obtained_at: DateTime<Utc>,
    /// Where.
    pub obtained_where: String,
    /// By whom.
    pub obtained_by: String,
    /// Where it is kept.
    pub storage_location: String,
    /// The person of the case its file is about (the file is sealed under their key).
    pub person_id: Option<PersonId>,
    /// Its file in the encrypted store.
    pub file_id: Option<Uuid>,
    /// The file's SHA-256 at acquisition (hex).
    pub file_sha256: Option<String>,
    /// Where it stands.
    pub state: ItemState,
    /// Who holds it now.
    pub holder: String,
    /// When its file was first found not to match its hash (flagged from then on).
    pub mismatch_at: Option<DateTime<Utc>>,
    /// Who registered it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: i64,
}

impl EvidenceItem {
    /// Its reference in the investigation: `EV-001`.
    pub fn label(&self) -> String {
        format!("EV-{:03}", self.number)
    }
}

/// An event of an item's chain of custody.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyEvent {
    /// Id.
    pub id: Uuid,
    /// The item.
    pub evidence_id: Uuid,
    /// Its place in the chain (1: the collection).
    pub seq: i64,
    /// What happened.
    pub kind: CustodyEventKind,
    /// From whom.
    pub from_holder: String,
    /// To whom.
    pub to_holder: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// The re-check of the file: `no_file`, `match` or `mismatch`.
    pub hash_check: String,
    /// What the file hashed to (none when it could not be read whole, or has no file).
    pub found_sha256: Option<String>,
    /// The event's entry in the audit log (for its inclusion proof).
    pub audit_seq: i64,
    /// Who recorded it.
    pub recorded_by: String,
}

/// An extension of a custody.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyExtension {
    /// Id.
    pub id: Uuid,
    /// Hours added.
    pub hours: u32,
    /// The magistrate who authorised it.
    pub authorised_by: String,
    /// The authorisation's reference.
    pub reference: String,
    /// When it was authorised.
    pub authorised_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// A right recorded on a custody's checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RightEntry {
    /// Id.
    pub id: Uuid,
    /// Which right.
    pub right: Right,
    /// What was done.
    pub status: RightStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// The language used, if said.
    pub language: Option<String>,
    /// Details.
    pub note: Option<String>,
    /// Who recorded it.
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A suspect's custody.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyRecord {
    /// Id.
    pub id: Uuid,
    /// The investigation.
    pub investigation_id: Uuid,
    /// The case.
    pub case_id: CaseId,
    /// The suspect.
    pub person_id: PersonId,
    /// The jurisdiction whose rules apply.
    pub jurisdiction: String,
    /// The clock's facts (start, limit, extensions, end).
    pub custody: Custody,
    /// Where the suspect is held.
    pub place: String,
    /// The legal basis.
    pub legal_basis: String,
    /// The legal-aid organisation defending the suspect, if one was given the record.
    pub legal_aid_id: Option<OrganisationId>,
    /// How it ended.
    pub end_kind: Option<CustodyEnd>,
    /// To whom the suspect was transferred.
    pub transferred_to: Option<String>,
    /// Who placed the suspect in custody (actor id).
    pub recorded_by: String,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// The extensions, oldest first.
    pub extensions: Vec<CustodyExtension>,
    /// The rights recorded, oldest first.
    pub rights: Vec<RightEntry>,
}

impl CustodyRecord {
    /// The deadline.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.custody.deadline()
    }

    /// The clock at `now`.
    pub fn clock(&self, now: DateTime<Utc>) -> Clock {
        self.custody.clock(now)
    }
}

/// A dossier made for the prosecutor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dossier {
    /// Id.
    pub id: Uuid,
    /// The investigation.
    pub investigation_id: Uuid,
    /// The SHA-256 of its contents (hex), printed on every page.
    pub content_hash: String,
    /// Its pages.
    pub pages: i64,
    /// It holds evidence whose file no longer matched its hash, stated in it.
    pub mismatch_stated: bool,
    /// Who made it.
    pub made_by: String,
    /// When.
    pub made_at: DateTime<Utc>,
    /// The prosecutor's office it was sent to.
    pub sent_to: Option<OrganisationId>,
    /// Who sent it.
    pub sent_by: Option<String>,
    /// When.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A running custody in the supervisor's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustodyListed {
    /// The custody.
    pub custody: CustodyRecord,
    /// The case's reference.
    pub case_number: i64,
    /// The investigating agency.
    pub agency_id: OrganisationId,
}

/// Everything of an investigation a page or a dossier shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvestigationFile {
    /// The file.
    pub investigation: Investigation,
    /// Tasks, by due day.
    pub tasks: Vec<Task>,
    /// Timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Notes, oldest first.
    pub notes: Vec<Note>,
    /// Offences with their supports.
    pub offences: Vec<OffenceRecord>,
    /// Evidence, by number.
    pub evidence: Vec<EvidenceItem>,
    /// Each item's chain of custody, in the order of `evidence`.
    pub custody_chains: Vec<Vec<CustodyEvent>>,
    /// The custodies of the suspects, oldest first.
    pub custodies: Vec<CustodyRecord>,
    /// The dossiers made, newest first.
    pub dossiers: Vec<Dossier>,
    /// Whether a victim of the case is a child or presumed one (the means are then waived).
    pub child_victim: bool,
}

impl InvestigationFile {
    /// The chain of custody of an item.
    pub fn chain_of(&self, evidence: Uuid) -> &[CustodyEvent] {
        self.evidence
            .iter()
            .position(|e| e.id == evidence)
            .map(|i| self.custody_chains[i].as_slice())
            .unwrap_or(&[])
    }
}

/// A new item of evidence: the form, the person its file is about and the file already in the
/// encrypted store (uploaded with purpose `evidence`), if any.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    /// The form.
    pub form: EvidenceForm,
    /// The person of the case the file is about.
    pub person: Option<PersonId>,
    /// The file.
    pub file: Option<Uuid>,
}

impl Store {
    /// This store with `catalogue` as its legal catalogue (offences, aggravating
    /// circumstances, custody rules), checked when it was parsed.
    pub fn with_legal_catalogue(mut self, catalogue: LegalCatalogue) -> Store {
        self.legal = std::sync::Arc::new(catalogue);
        self
    }

    /// The legal catalogue in use.
    pub fn legal_catalogue(&self) -> &LegalCatalogue {
        &self.legal
    }

    /// Open the investigation file of a case, led by `lead` (a user of the case's agency who
    /// investigates: investigator, officer or supervisor), under the custody rules of
    /// `jurisdiction` (the catalogue's first when `None`). Audited `investigation.open`.
    pub async fn open_investigation(
        &self,
        actor: &Actor,
        case: CaseId,
        lead: UserId,
        jurisdiction: Option<&str>,
    ) -> Result<Investigation> {
        dispatch!(
            self,
            open_investigation(&self.keys, &self.legal, actor, case, lead, jurisdiction)
        )
    }

    /// The investigation of a case, if one was opened.
    pub async fn investigation_of_case(&self, case: CaseId) -> Result<Option<Investigation>> {
        dispatch!(self, investigation_of_case(&self.keys, case))
    }

    /// One investigation.
    pub async fn investigation(&self, id: Uuid) -> Result<Investigation> {
        dispatch!(self, investigation(&self.keys, id))
    }

    /// How `user` stands to an investigation (lead, team, a supervisor of its agency, other).
    pub async fn investigation_standing(
        &self,
        investigation: &Investigation,
        user: UserId,
    ) -> Result<Standing> {
        dispatch!(self, standing_of(investigation, user))
    }

    /// Take a step of the investigation's state machine (core decides), based on `version`.
    /// The referral to the prosecutor is taken by [`Store::send_dossier`], not here
    /// (`inv_Status`/`by_dossier`). Audited `investigation.status`, on the timeline.
    pub async fn investigation_step(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        step: StatusStep,
        reason: &str,
    ) -> Result<Investigation> {
        dispatch!(
            self,
            investigation_step(&self.keys, actor, id, version, step, reason)
        )
    }

    /// Change the lead and the team (users of the investigating agency), based on `version`:
    /// for the lead and the agency's supervisors. Audited `investigation.team`.
    pub async fn set_investigation_team(
        &self,
        actor: &Actor,
        id: Uuid,
        version: i64,
        lead: UserId,
        team: &[UserId],
    ) -> Result<Investigation> {
        dispatch!(
            self,
            set_investigation_team(&self.keys, actor, id, version, lead, team)
        )
    }

    /// Give a task. Audited `investigation_task.create`.
    pub async fn add_investigation_task(
        &self,
        actor: &Actor,
        investigation: Uuid,
        form: &TaskForm,
    ) -> Result<Task> {
        dispatch!(
            self,
            add_investigation_task(&self.keys, actor, investigation, form)
        )
    }

    /// Mark a task done or cancelled, based on `version`. Audited `investigation_task.update`.
    pub async fn close_investigation_task(
        &self,
        actor: &Actor,
        task: Uuid,
        version: i64,
        to: TaskState,
    ) -> Result<Task> {
        dispatch!(
            self,
            close_investigation_task(&self.keys, actor, task, version, to)
        )
    }

    /// Enter a fact on the timeline, at the moment it happened (not in the future). Audited
    /// `investigation_event.record`.
    pub async fn add_timeline_fact(
        &self,
        actor: &Actor,
        investigation: Uuid,
        at: DateTime<Utc>,
        words: &str,
    ) -> Result<TimelineEntry> {
        dispatch!(
            self,
            add_timeline_fact(&self.keys, actor, investigation, at, words)
        )
    }

    /// Write a note. Audited `investigation_note.create`.
    pub async fn add_investigation_note(
        &self,
        actor: &Actor,
        investigation: Uuid,
        body: &str,
    ) -> Result<Note> {
        dispatch!(
            self,
            add_investigation_note(&self.keys, actor, investigation, body)
        )
    }

    /// Record an offence of `catalogue` against a suspect of the case. Audited
    /// `offence.record`.
    pub async fn record_offence(
        &self,
        actor: &Actor,
        investigation: Uuid,
        suspect: PersonId,
        code: &str,
        aggravating: &[String],
    ) -> Result<OffenceRecord> {
        dispatch!(
            self,
            record_offence(
                &self.keys,
                actor,
                investigation,
                suspect,
                &self.legal,
                code,
                aggravating
            )
        )
    }

    /// Record a fact supporting an element of an offence, with the item of evidence that
    /// shows it (of the same investigation). Audited `element_support.record`.
    pub async fn record_element_support(
        &self,
        actor: &Actor,
        offence: Uuid,
        element: Element,
        fact: &str,
        evidence: Option<Uuid>,
    ) -> Result<ElementSupport> {
        dispatch!(
            self,
            record_element_support(
                &self.keys,
                actor,
                offence,
                &self.legal,
                element,
                fact,
                evidence
            )
        )
    }

    /// Register an item of evidence: its collection is the first event of its chain, held by
    /// whoever obtained it. A file named must be a completed upload of this case, about the
    /// person named, with purpose `evidence` (`evi_File`); its SHA-256 at acquisition is kept
    /// with the item. Audited `evidence.register` and `custody_event.record`.
    pub async fn register_evidence(
        &self,
        actor: &Actor,
        investigation: Uuid,
        new: &NewEvidence,
    ) -> Result<EvidenceItem> {
        dispatch!(
            self,
            register_evidence(&self.keys, actor, investigation, new)
        )
    }

    /// Record an event of an item's chain of custody, based on the item's `version`: the
    /// file's hash is re-checked first (the whole file read back from the store); a mismatch
    /// flags the item and is recorded with the event. Audited `custody_event.record`; the
    /// event keeps its entry's number for the inclusion proof.
    pub async fn record_custody_event(
        &self,
        actor: &Actor,
        evidence: Uuid,
        version: i64,
        form: &CustodyEventForm,
    ) -> Result<(EvidenceItem, CustodyEvent)> {
        let item = self.evidence_item(evidence).await?;
        let found = match item.file_id {
            Some(file) => self.rehash_file(file).await?,
            None => None,
        };
        dispatch!(
            self,
            record_custody_event(&self.keys, actor, evidence, version, form, found.as_deref())
        )
    }

    /// One item of evidence.
    pub async fn evidence_item(&self, id: Uuid) -> Result<EvidenceItem> {
        dispatch!(self, evidence_item(&self.keys, id))
    }

    /// An item's chain of custody, oldest first.
    pub async fn custody_chain(&self, evidence: Uuid) -> Result<Vec<CustodyEvent>> {
        dispatch!(self, custody_chain(&self.keys, evidence))
    }

    /// Place a suspect of the case in custody under the investigation's jurisdiction's rules
    /// (`catalogue`). Audited `custody.start`.
    pub async fn start_custody(
        &self,
        actor: &Actor,
        investigation: Uuid,
        suspect: PersonId,
        form: &CustodyForm,
    ) -> Result<CustodyRecord> {
        dispatch!(
            self,
            start_custody(&self.keys, actor, investigation, suspect, &self.legal, form)
        )
    }

    /// Extend a custody with the prosecutor's authorisation (core checks), based on
    /// `version`. Audited `custody.extend`.
    pub async fn extend_custody(
        &self,
        actor: &Actor,
        custody: Uuid,
        version: i64,
        form: &ExtensionForm,
    ) -> Result<CustodyRecord> {
        dispatch!(
            self,
            extend_custody(&self.keys, actor, custody, version, form)
        )
    }

    /// End a custody (released, or transferred to someone), based on `version`: the clock
    /// stops. Audited `custody.end`.
    pub async fn end_custody(
        &self,
        actor: &Actor,
        custody: Uuid,
        version: i64,
        how: CustodyEnd,
        ended_at: DateTime<Utc>,
        transferred_to: &str,
    ) -> Result<CustodyRecord> {
        dispatch!(
            self,
            end_custody(
                &self.keys,
                actor,
                custody,
                version,
                how,
                ended_at,
                transferred_to
            )
        )
    }

    /// Record a right on the custody's checklist. Audited `custody_right.record`.
    pub async fn record_custody_right(
        &self,
        actor: &Actor,
        custody: Uuid,
        form: &RightForm,
    ) -> Result<CustodyRecord> {
        dispatch!(self, record_custody_right(&self.keys, actor, custody, form))
    }

    /// Give the custody record to a legal-aid organisation (or take it back with `None`),
    /// based on `version`: its legal-aid users then read that record and nothing else of the
    /// case. Audited `custody.legal_aid`.
    pub async fn set_custody_legal_aid(
        &self,
        actor: &Actor,
        custody: Uuid,
        version: i64,
        organisation: Option<OrganisationId>,
    ) -> Result<CustodyRecord> {
        dispatch!(
            self,
            set_custody_legal_aid(&self.keys, actor, custody, version, organisation)
        )
    }

    /// One custody, with its extensions and rights.
    pub async fn custody(&self, id: Uuid) -> Result<CustodyRecord> {
        dispatch!(self, custody(&self.keys, id))
    }

    /// The custodies still running (of `agency` only, when given), the soonest deadline
    /// first (so the overdue lead), at most `limit` (1 to [`MAX_INVESTIGATION_LIST`]).
    pub async fn running_custodies(
        &self,
        agency: Option<OrganisationId>,
        limit: i64,
    ) -> Result<Vec<CustodyListed>> {
        dispatch!(self, running_custodies(&self.keys, agency, limit))
    }

    /// The custodies given to a legal-aid organisation, running first, then the latest.
    pub async fn legal_aid_custodies(
        &self,
        organisation: OrganisationId,
        limit: i64,
    ) -> Result<Vec<CustodyListed>> {
        dispatch!(self, legal_aid_custodies(&self.keys, organisation, limit))
    }

    /// Everything of an investigation, for its page and its dossier (each list bounded at
    /// [`MAX_INVESTIGATION_LIST`]).
    pub async fn investigation_file(&self, id: Uuid) -> Result<InvestigationFile> {
        dispatch!(self, investigation_file(&self.keys, id))
    }

    /// Keep a dossier made of the investigation: its PDF (sealed under the case text key),
    /// its content hash and pages; `mismatch_stated` when it holds evidence whose file no
    /// longer matches (core's `dossier_check` decided before it was made). Audited
    /// `dossier.create`.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_dossier(
        &self,
        actor: &Actor,
        investigation: Uuid,
        content_hash: &str,
        pdf: &[u8],
        pages: i64,
        mismatch_stated: bool,
    ) -> Result<Dossier> {
        dispatch!(
            self,
            record_dossier(
                &self.keys,
                actor,
                investigation,
                content_hash,
                pdf,
                pages,
                mismatch_stated
            )
        )
    }

    /// Send a dossier to a prosecutor's office (an organisation of type court or
    /// prosecution): the audited share after which its prosecutors read that dossier. The
    /// investigation takes its `refer` step (from active), in the same transaction. Audited
    /// `dossier.send` and `investigation.status`.
    pub async fn send_dossier(
        &self,
        actor: &Actor,
        dossier: Uuid,
        to: OrganisationId,
    ) -> Result<Dossier> {
        dispatch!(self, send_dossier(&self.keys, actor, dossier, to))
    }

    /// One dossier (without its PDF).
    pub async fn dossier(&self, id: Uuid) -> Result<Dossier> {
        dispatch!(self, dossier(id))
    }

    /// The dossiers sent to an organisation, newest first.
    pub async fn dossiers_sent_to(
        &self,
        organisation: OrganisationId,
        limit: i64,
    ) -> Result<Vec<(Dossier, i64)>> {
        dispatch!(self, dossiers_sent_to(organisation, limit))
    }

    /// Read a dossier's PDF: audited `dossier.read` before it is given.
    pub async fn read_dossier(&self, actor: &Actor, id: Uuid) -> Result<(Dossier, Vec<u8>)> {
        dispatch!(self, read_dossier(&self.keys, actor, id))
    }

    /// The SHA-256 (hex) a stored file hashes to now, read whole from its store; `None` when
    /// it cannot be read whole (a chunk missing or altered, the person erased).
    pub async fn rehash_file(&self, id: Uuid) -> Result<Option<String>> {
        use sha2::{Digest as _, Sha256};
        let Ok(mut reader) = self.file_reader_unaudited(id).await else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        loop {
            match reader.next_raw_chunk().await {
                Ok(Some(chunk)) => hasher.update(&chunk),
                Ok(None) => break,
                Err(_) => return Ok(None),
            }
        }
        Ok(Some(hex::encode(hasher.finalize())))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod queries;
}
