//! Cases with their persons, comments, consents and history, and the case list.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tabara_core::ValueSet;
use tabara_core::htcds::{CaseStatus, ExploitationType};
use tabara_core::ids::*;
use tabara_core::records::*;

use crate::{Actor, CaseShare, Result, Store, Viewer};

/// A case to open.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// Id to give it.
    pub id: CaseId,
    /// Owning organisation.
    pub organisation_id: OrganisationId,
    /// Opening office.
    pub office_id: Option<OfficeId>,
    /// Managing user.
    pub owner_id: Option<UserId>,
    /// Facts.
    pub facts: CaseFacts,
}

/// Filters of the case list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Status.
    pub status: Option<CaseStatus>,
    /// At least one victim with this type of exploitation.
    pub exploitation: Option<ExploitationType>,
    /// Opened at this office.
    pub office_id: Option<OfficeId>,
    /// Owned by this organisation.
    pub organisation_id: Option<OrganisationId>,
    /// Opened on or after.
    pub opened_from: Option<NaiveDate>,
    /// Opened on or before.
    pub opened_to: Option<NaiveDate>,
    /// Only the cases this user may see (need-to-know); `None` for operator tools.
    pub visible_to: Option<Viewer>,
    /// Only cases assigned to this user.
    pub owner_id: Option<UserId>,
    /// Only cases involving one of these persons (e.g. the result of a name search).
    pub persons: Option<Vec<PersonId>>,
    /// Only cases involving a person whose name starts with this (normalised like the name
    /// keys: accents and case ignored; full name, first name + surname or surname first).
    /// The first [`NAME_SEARCH_KEYS`] matching keys are considered.
    pub name: Option<String>,
}

/// How many name keys a name search reads at most (a common surname matches many persons;
/// the user narrows the search by adding the first name).
pub const NAME_SEARCH_KEYS: i64 = 200;

/// Keyset pagination: the page after the given case number (exclusive), newest first.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Cursor: the last number of the previous page.
    pub after: Option<i64>,
    /// Page size (capped at 500).
    pub limit: i64,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            after: None,
            limit: 50,
        }
    }
}

/// One page and the cursor of the next, if any.
#[derive(Debug, Clone, Serialize)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass as `after` to get the next page.
    pub next: Option<i64>,
}

/// A line of the case list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseSummary {
    /// Id.
    pub id: CaseId,
    /// Number.
    pub number: i64,
    /// Reference shown to users.
    pub reference: String,
    /// Status.
    pub status: CaseStatus,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// Owning organisation's name.
    pub organisation: String,
    /// Opening office's name.
    pub office: Option<String>,
    /// Union of the victims' exploitation types.
    pub exploitation_types: ValueSet<ExploitationType>,
    /// Number of persons involved.
    pub persons: i64,
    /// Number of victims.
    pub victims: i64,
}

/// A person's involvement in a case.
#[derive(Debug, Clone, Serialize)]
pub struct CasePerson {
    /// The person's facts.
    pub person: Person,
    /// Role and context.
    pub involvement: Involvement,
    /// Version of the involvement.
    pub version: i64,
}

/// A comment on a case (HTCDS `cco_CaseComment`).
#[derive(Debug, Clone, Serialize)]
pub struct CaseComment {
    /// Id.
    pub id: CommentId,
    /// Author (actor id).
    pub author: String,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One change of a record.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    /// Version the change produced.
    pub version: i64,
    /// Who.
    pub actor: String,
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Changed fields: `{"field": [old, new]}`.
    pub changes: serde_json::Value,
}

/// What a case page shows besides the case: see [`crate::Store::case_details`].
#[derive(Debug, Clone)]
pub struct CaseDetails {
    /// The first persons and their involvement, victims first (bounded like the lists below).
    pub persons: Vec<CasePerson>,
    /// The newest comments, oldest first.
    pub comments: Vec<CaseComment>,
    /// The newest changes, oldest first.
    pub history: Vec<HistoryEntry>,
    /// The newest changes of the persons' involvement in the case (role, victim or suspect
    /// context), oldest first, with the person they are about.
    pub involvement_history: Vec<(PersonId, HistoryEntry)>,
    /// The newest shares with other agencies, oldest first.
    pub shares: Vec<CaseShare>,
    /// The newest audit entries about the case, oldest first. The caller shows them only to
    /// roles allowed to read a case's audit trail.
    pub audit: Vec<crate::AuditEntry>,
    /// Display names of the accounts these lists name (comment authors, editors, audit
    /// actors, owners in the history), by actor id (`user:<uuid>`).
    pub names: std::collections::HashMap<String, String>,
}

impl Store {
    /// Open a case; the store gives it the next case number, returned.
    pub async fn create_case(&self, actor: &Actor, case: &NewCase) -> Result<Case> {
        let case = dispatch!(self, create_case(&self.keys, actor, case))?;
        self.open_case(case)
    }

    /// A case by number.
    pub async fn case_by_number(&self, number: i64) -> Result<Case> {
        let case = dispatch!(self, case_by_number(number))?;
        self.open_case(case)
    }

    /// A case by id.
    pub async fn case(&self, id: CaseId) -> Result<Case> {
        let case = dispatch!(self, case(id))?;
        self.open_case(case)
    }

    /// Change a case's facts; `case.version` is the version the change was based on.
    pub async fn update_case(&self, actor: &Actor, case: &Case) -> Result<i64> {
        dispatch!(self, update_case(&self.keys, actor, case))
    }

    /// A page of cases, newest number first, matching the filter.
    pub async fn list_cases(
        &self,
        filter: &CaseFilter,
        page: PageRequest,
    ) -> Result<Page<CaseSummary>> {
        dispatch!(self, list_cases(&self.keys, filter, page))
    }

    /// Involve a person in a case with a role and its context.
    pub async fn add_case_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        person_id: PersonId,
        involvement: &Involvement,
    ) -> Result<()> {
        dispatch!(
            self,
            add_case_person(actor, case_id, person_id, involvement)
        )
    }

    /// Change a person's involvement, based on `expected_version`.
    pub async fn update_case_person(
        &self,
        actor: &Actor,
        case_id: CaseId,
        person_id: PersonId,
        expected_version: i64,
        involvement: &Involvement,
    ) -> Result<i64> {
        dispatch!(
            self,
            update_case_person(actor, case_id, person_id, expected_version, involvement)
        )
    }

    /// The persons of a case with their involvement (facts only).
    pub async fn case_persons(&self, case_id: CaseId) -> Result<Vec<CasePerson>> {
        dispatch!(self, case_persons(case_id, i64::MAX))
    }

    /// Add a comment to a case.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        case_id: CaseId,
        body: &str,
    ) -> Result<CommentId> {
        dispatch!(self, add_comment(&self.keys, actor, case_id, body))
    }

    /// The comments of a case, oldest first.
    pub async fn comments(&self, case_id: CaseId) -> Result<Vec<CaseComment>> {
        let mut list = dispatch!(self, comments(case_id))?;
        self.open_comments(case_id, &mut list)?;
        Ok(list)
    }

    /// The first `limit` persons (victims first, as [`Store::case_persons`] orders them), the
    /// newest `limit` comments, changes, audit entries and shares of a case, read over one
    /// connection. A caller passes one more than it shows to learn whether there are more.
    pub async fn case_details(&self, case_id: CaseId, limit: i64) -> Result<CaseDetails> {
        let mut details = dispatch!(self, case_details(case_id, limit))?;
        self.open_comments(case_id, &mut details.comments)?;
        self.open_case_history(case_id, &mut details.history)?;
        Ok(details)
    }

    /// The newest `limit` comments of a case, oldest first (pages show a bounded list).
    pub async fn recent_comments(&self, case_id: CaseId, limit: i64) -> Result<Vec<CaseComment>> {
        let mut list = dispatch!(self, recent_comments(case_id, limit))?;
        self.open_comments(case_id, &mut list)?;
        Ok(list)
    }

    /// Record a consent.
    pub async fn record_consent(&self, actor: &Actor, consent: &Consent) -> Result<()> {
        dispatch!(self, record_consent(actor, consent))
    }

    /// A person's consents, oldest first.
    pub async fn consents(&self, person_id: PersonId) -> Result<Vec<Consent>> {
        dispatch!(self, consents(person_id))
    }

    /// Earlier values of a record, oldest change first. `kind` is `case`, `person`,
    /// `person_identity`, `case_person` or `organisation`.
    pub async fn history(&self, kind: &str, id: &str) -> Result<Vec<HistoryEntry>> {
        let entries = dispatch!(self, history(kind, id))?;
        self.open_history(kind, id, entries).await
    }

    /// The newest `limit` changes of a record, oldest first.
    pub async fn recent_history(
        &self,
        kind: &str,
        id: &str,
        limit: i64,
    ) -> Result<Vec<HistoryEntry>> {
        let entries = dispatch!(self, recent_history(kind, id, limit))?;
        self.open_history(kind, id, entries).await
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::access::sqlite::queries as access;
    use crate::audit::sqlite::queries as audit;
    use crate::backend::sqlite::*;
    use crate::pathways::sqlite::queries as pathways;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::access::postgres::queries as access;
    use crate::audit::postgres::queries as audit;
    use crate::backend::postgres::*;
    use crate::pathways::postgres::queries as pathways;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod queries;
}
