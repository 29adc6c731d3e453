//! The register as a whole: counts, housekeeping, bulk loads and the HTCDS export.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use tabara_core::records::*;
use tabara_core::referral::{ReferralState, ServiceType};

use crate::{Actor, NewCase, Result, Store};

/// Every table of the register, each before the tables it refers to are (the order to empty
/// it; reversed, the order to fill it). `wipe` drops them; a backup holds every one and refuses
/// a register with a table not listed here.
pub const TABLES_CHILD_FIRST: &[&str] = &[
    "field_conflicts",
    "field_forms",
    "field_attachments",
    "field_submissions",
    "field_devices",
    "document_records",
    "lost_documents",
    "dossiers",
    "custody_rights",
    "custody_extensions",
    "custodies",
    "custody_events",
    "element_supports",
    "evidence_items",
    "offences",
    "investigation_notes",
    "investigation_timeline",
    "investigation_tasks",
    "investigation_team",
    "investigations",
    "child_pathways",
    "service_providers",
    "deliveries",
    "notifications",
    "alerts",
    "referral_events",
    "referrals",
    "referral_consents",
    "material_movements",
    "material_stock",
    "material_items",
    "certificates",
    "training_attendance",
    "training_participants",
    "training_sessions",
    "support_steps",
    "support_visits",
    "support_services",
    "file_chunks",
    "files",
    "erasures",
    "legal_holds",
    "support_plans",
    "risk_assessments",
    "screenings",
    "account_requests",
    "recovery_codes",
    "second_factors",
    "sessions",
    "api_tokens",
    "case_shares",
    "audit_checkpoints",
    "audit_head",
    "audit_log",
    "record_history",
    "consents",
    "case_comments",
    "case_persons",
    "cases",
    "counters",
    "person_name_terms",
    "person_name_keys",
    "person_identities",
    "person_keys",
    "persons",
    "users",
    "offices",
    "organisations",
    "register_keys",
];

/// Counts of the main records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RegisterStats {
    /// Organisations.
    pub organisations: i64,
    /// Offices.
    pub offices: i64,
    /// Users.
    pub users: i64,
    /// Persons.
    pub persons: i64,
    /// Cases.
    pub cases: i64,
    /// Audit entries.
    pub audit_entries: i64,
}

/// The referral figures of the dashboard, over the whole register, as counted (the small-count
/// rule, [`tabara_core::stats::shown`], is the page's to apply).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralFigures {
    /// Referrals in each state, every state listed in its picklist order (zero included).
    pub by_state: Vec<(ReferralState, i64)>,
    /// Referrals naming each service, drafts included (a referral for shelter and medical care
    /// counts once under each), every service listed in its picklist order.
    pub by_service: Vec<(ServiceType, i64)>,
    /// The median time from a referral's sending to its acceptance, over every referral ever
    /// accepted (whatever it became since), in whole seconds; the mean of the middle two when
    /// their number is even. `None` when none was accepted.
    pub median_to_accept: Option<TimeDelta>,
    /// How many accepted referrals the median is taken over.
    pub accepted: i64,
    /// Referrals sent and not answered past their deadline (`state = 'sent' AND due_at < now`).
    pub overdue: i64,
    /// Children on the pathway: child pathways not signed off (`child_pathways` with
    /// `signed_off_at` NULL; one per child of a case, whatever the case's status).
    pub children_on_pathway: i64,
}

/// New records written together by [`crate::Store::bulk_insert`].
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Persons with their identities.
    pub persons: Vec<(Person, PersonIdentity)>,
    /// Cases with their persons and comments; numbers are assigned in this order.
    pub cases: Vec<BatchCase>,
    /// Consents (their persons and cases must be in this batch or already stored).
    pub consents: Vec<Consent>,
}

/// A case in a batch.
#[derive(Debug, Clone)]
pub struct BatchCase {
    /// The case.
    pub case: NewCase,
    /// Persons involved.
    pub persons: Vec<(PersonId, Involvement)>,
    /// Comments (author actor, text).
    pub comments: Vec<(String, String)>,
}

/// One victim in one case, for the HTCDS export.
pub use tabara_core::export::VictimRecord as ExportRow;

impl Store {
    /// Remove every Tabara table and all data (used by `tabara demo --reset`).
    pub async fn wipe(&self) -> Result<()> {
        dispatch!(self, wipe())
    }

    /// Refresh the query planner's statistics; run after a bulk load so that the first queries
    /// on a freshly filled register get good plans.
    pub async fn optimize(&self) -> Result<()> {
        match &self.backend {
            crate::Backend::Sqlite(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
            crate::Backend::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Counts of the main records.
    pub async fn stats(&self) -> Result<RegisterStats> {
        dispatch!(self, stats())
    }

    /// The referral figures of the dashboard at `now` (which decides what is overdue): counts
    /// by state and by service, the median time to acceptance, the overdue count and the children
    /// on the pathway. A handful of aggregate queries, each read from an index or from one
    /// pass over the referrals; nothing identifying.
    pub async fn referral_figures(&self, now: DateTime<Utc>) -> Result<ReferralFigures> {
        match &self.backend {
            crate::Backend::Sqlite(pool) => sqlite::figures::referral_figures(pool, now).await,
            crate::Backend::Postgres(pool) => postgres::figures::referral_figures(pool, now).await,
        }
    }

    /// Prepare for a large load (many `bulk_insert` calls): drops the name-search index, which
    /// [`Store::end_bulk_load`] rebuilds in one pass. Name search is slow in between.
    pub async fn begin_bulk_load(&self) -> Result<()> {
        dispatch!(self, begin_bulk_load())
    }

    /// Finish a large load: rebuild what [`Store::begin_bulk_load`] dropped. Also run by
    /// `migrate`, so an interrupted load heals at the next start.
    pub async fn end_bulk_load(&self) -> Result<()> {
        dispatch!(self, end_bulk_load())
    }

    /// Write a batch of new records in one transaction, each with its audit entry. Case
    /// numbers are assigned here, in the batch's order.
    pub async fn bulk_insert(&self, actor: &Actor, batch: &Batch) -> Result<()> {
        dispatch!(self, bulk_insert(&self.keys, actor, batch))
    }

    /// A page of victims (one row per victim and case), by case number then person id, for the
    /// HTCDS export. With `identity_of` set, identifying fields are filled and every person's
    /// identity read is audited against that actor.
    pub async fn export_victims(
        &self,
        after: Option<(i64, PersonId)>,
        limit: i64,
        identity_of: Option<&Actor>,
    ) -> Result<Vec<ExportRow>> {
        dispatch!(self, export_victims(&self.keys, after, limit, identity_of))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    use crate::pathways::sqlite::queries as pathways;
    use crate::persons::sqlite::queries as persons;
    pub(crate) mod figures;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    use crate::pathways::postgres::queries as pathways;
    use crate::persons::postgres::queries as persons;
    pub(crate) mod figures;
    pub(crate) mod queries;
}
