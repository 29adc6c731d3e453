//! Referrals between agencies: the person's consents per recipient and purpose, referrals and
//! their timeline (the rules are in `tabara_core::referral`: the store runs the send check and
//! the state machine, and persists what they return; who the caller is to a referral, its
//! [`Party`], is computed by the caller).

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use tabara_core::picklist::ValueSet;

use crate::{Actor, Result, Store};

pub use tabara_core::referral::{
    Consent, ConsentGiver, DataCategory, Deadlines, InboxKey, Party, ReferralState, ServiceType,
    TransitionKind, UrgencyReason,
};

/// A person's consent to referrals to one agency, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct ReferralConsent {
    /// Id.
    pub id: ReferralConsentId,
    /// The case it was given in.
    pub case_id: CaseId,
    /// The person it is about.
    pub person_id: PersonId,
    /// What was consented to (recipient, services, data, when, by whom, withdrawal).
    pub consent: Consent,
    /// Who recorded it (actor id).
    pub recorded_by: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Version (optimistic concurrency).
    pub version: i64,
}

/// A referral about to be drafted (see [`Store::create_referral`]).
#[derive(Debug, Clone)]
pub struct NewReferral {
    /// Id.
    pub id: ReferralId,
    /// The case it is from.
    pub case_id: CaseId,
    /// The person referred (involved in the case).
    pub person_id: PersonId,
    /// The sending agency.
    pub sender_id: OrganisationId,
    /// The addressed agency.
    pub recipient_id: OrganisationId,
    /// The services asked for.
    pub services: ValueSet<ServiceType>,
    /// The data shared.
    pub data: ValueSet<DataCategory>,
    /// Why it is urgent (none: not urgent).
    pub urgency: ValueSet<UrgencyReason>,
    /// The moment the sender asks an answer by, if any (else the service's deadline applies).
    pub answer_by: Option<DateTime<Utc>>,
}

/// A referral as stored.
#[derive(Debug, Clone, Serialize)]
pub struct Referral {
    /// Id.
    pub id: ReferralId,
    /// The case it is from.
    pub case_id: CaseId,
    /// The person referred.
    pub person_id: PersonId,
    /// The sending agency.
    pub sender_id: OrganisationId,
    /// The addressed agency.
    pub recipient_id: OrganisationId,
    /// The services asked for.
    pub services: ValueSet<ServiceType>,
    /// The data shared.
    pub data: ValueSet<DataCategory>,
    /// Why it is urgent.
    pub urgency: ValueSet<UrgencyReason>,
    /// Whether it is urgent (`tabara_core::referral::is_urgent` of `urgency`).
    pub urgent: bool,
    /// Where it stands.
    pub state: ReferralState,
    /// The consent it was sent under (set on send).
    pub consent_id: Option<ReferralConsentId>,
    /// The moment the sender asked an answer by, if any.
    pub answer_by: Option<DateTime<Utc>>,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the answer is due (fixed on send).
    pub due_at: Option<DateTime<Utc>>,
    /// The user of the addressed agency it is assigned to.
    pub assignee_id: Option<UserId>,
    /// Why it was declined or closed.
    pub reason: Option<String>,
    /// Who drafted it (actor id).
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Version (optimistic concurrency).
    pub version: i64,
}

impl Referral {
    /// Its place in an inbox at `now` (core's order: urgent, then overdue, then oldest).
    pub fn inbox_key(&self, now: DateTime<Utc>) -> InboxKey {
        InboxKey {
            urgent: self.urgent,
            overdue: self
                .due_at
                .is_some_and(|d| tabara_core::referral::is_overdue(self.state, d, now)),
            since: self.sent_at.unwrap_or(self.created_at),
        }
    }
}

/// One entry of a referral's timeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReferralEvent {
    /// The step taken; `None` for the drafting.
    pub step: Option<TransitionKind>,
    /// Who (actor id).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The reason given (a decline or a closure).
    pub reason: Option<String>,
}

/// A referral with the consent it was sent under and its timeline (oldest first).
#[derive(Debug, Clone, Serialize)]
pub struct ReferralDetails {
    /// The referral.
    pub referral: Referral,
    /// The consent it was sent under (once sent), withdrawal included.
    pub consent: Option<ReferralConsent>,
    /// Its steps, oldest first (at most [`MAX_TIMELINE`]).
    pub timeline: Vec<ReferralEvent>,
}

/// The most timeline entries [`Store::referral`] returns (a referral takes a handful of steps).
pub const MAX_TIMELINE: i64 = 100;

/// A step asked of a referral (see [`Store::apply_referral_step`]).
#[derive(Debug, Clone, Copy)]
pub enum ReferralStep<'a> {
    /// Send a draft, to an agency offering `offered` (from the directory), due within
    /// `deadlines`.
    Send {
        /// The services the addressed agency offers.
        offered: &'a ValueSet<ServiceType>,
        /// The answer deadlines in force.
        deadlines: &'a Deadlines,
    },
    /// Accept it.
    Accept,
    /// Decline it, saying why.
    Decline {
        /// Why.
        reason: &'a str,
    },
    /// Start the service.
    Start,
    /// Mark it completed.
    Complete,
    /// Close it, saying why.
    Close {
        /// Why.
        reason: &'a str,
    },
    /// Cancel it (the sender).
    Cancel,
}

impl ReferralStep<'_> {
    /// The step's name.
    pub fn kind(&self) -> TransitionKind {
        match self {
            ReferralStep::Send { .. } => TransitionKind::Send,
            ReferralStep::Accept => TransitionKind::Accept,
            ReferralStep::Decline { .. } => TransitionKind::Decline,
            ReferralStep::Start => TransitionKind::Start,
            ReferralStep::Complete => TransitionKind::Complete,
            ReferralStep::Close { .. } => TransitionKind::Close,
            ReferralStep::Cancel => TransitionKind::Cancel,
        }
    }
}

/// Which side of an agency's inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxSide {
    /// Referrals addressed to the agency (sent, not drafts).
    Incoming,
    /// Referrals the agency sends or drafted.
    Outgoing,
    /// Referrals addressed to the agency and assigned to this user of it.
    AssignedTo(UserId),
}

/// The furthest into an inbox a page starts (the referrals before it are read as keys).
pub const MAX_INBOX_OFFSET: i64 = 10_000;

/// The size of one side of an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InboxCounts {
    /// Its open referrals.
    pub open: i64,
    /// Those of them overdue.
    pub overdue: i64,
}

/// When the records a referral shares by reference (not by date) last changed, so that
/// [`Consent::shares`] can hold what changed after a withdrawal back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharedStamps {
    /// The case's facts.
    pub case_facts: DateTime<Utc>,
    /// The person's identifying data (none recorded: `None`).
    pub identity: Option<DateTime<Utc>>,
}

impl Store {
    /// Record a person's consent to referrals (validated by `Consent::validate`, with the
    /// child rule from the person's recorded age). The person must be involved in the case.
    pub async fn record_referral_consent(
        &self,
        actor: &Actor,
        id: ReferralConsentId,
        case_id: CaseId,
        person_id: PersonId,
        consent: &Consent,
    ) -> Result<ReferralConsent> {
        dispatch!(
            self,
            record_referral_consent(&self.keys, actor, id, case_id, person_id, consent)
        )
        .and_then_open(self)
        .await
    }

    /// Withdraw a consent now (`Consent::withdraw`: once only), based on `expected_version`.
    pub async fn withdraw_referral_consent(
        &self,
        actor: &Actor,
        id: ReferralConsentId,
        expected_version: i64,
    ) -> Result<ReferralConsent> {
        dispatch!(self, withdraw_referral_consent(actor, id, expected_version))
            .and_then_open(self)
            .await
    }

    /// The referral consents of a person in a case, oldest first (at most 500).
    pub async fn referral_consents(
        &self,
        case_id: CaseId,
        person_id: PersonId,
    ) -> Result<Vec<ReferralConsent>> {
        let mut list = dispatch!(self, referral_consents(case_id, person_id))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// Draft a referral. A requested answer moment is checked (`check_answer_by`).
    pub async fn create_referral(&self, actor: &Actor, new: &NewReferral) -> Result<Referral> {
        dispatch!(self, create_referral(actor, new))
            .and_then_open(self)
            .await
    }

    /// Record a consent (when one is given), draft a referral under it, and send it (when
    /// `send` is a [`ReferralStep::Send`]), all in one transaction: the first broken rule of any
    /// part refuses the whole and nothing is written. The referral form uses it, so a consent
    /// captured on the same screen as the referral is never left without its referral.
    pub async fn refer(
        &self,
        actor: &Actor,
        consent: Option<(ReferralConsentId, &Consent)>,
        new: &NewReferral,
        send: Option<ReferralStep<'_>>,
    ) -> Result<Referral> {
        dispatch!(self, refer(&self.keys, actor, consent, new, send))
            .and_then_open(self)
            .await
    }

    /// A referral recorded after the fact (from paper records, or the demo): like
    /// [`Store::refer`], with the consent and the draft at `at` and then each of `steps` for
    /// its party at its own moment, every rule checked at the moment it applies to. Refused
    /// (`ref_At`) when a moment is in the future or earlier than the one before it.
    pub async fn record_past_referral(
        &self,
        actor: &Actor,
        consent: Option<(ReferralConsentId, &Consent)>,
        new: &NewReferral,
        steps: &[(Party, ReferralStep<'_>, DateTime<Utc>)],
        at: DateTime<Utc>,
    ) -> Result<Referral> {
        dispatch!(self, refer_at(&self.keys, actor, consent, new, steps, at))
            .and_then_open(self)
            .await
    }

    /// The numbers of these cases (one query per 500), for lists of referrals that show their
    /// cases' references; a missing case is left out.
    pub async fn case_numbers(
        &self,
        ids: &[CaseId],
    ) -> Result<std::collections::HashMap<CaseId, i64>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        dispatch!(self, case_numbers(ids))
    }

    /// When the case facts and the identity a referral shares last changed.
    pub async fn referral_stamps(&self, id: ReferralId) -> Result<SharedStamps> {
        dispatch!(self, referral_stamps(id))
    }

    /// Take a step on a referral for `party` (computed by the caller), based on
    /// `expected_version`: a send runs `Outgoing::check` against the person's stored consents
    /// and fixes `sent_at`, `due_at` and the consent; then `ReferralState::apply` decides. The
    /// change, its timeline entry, its history and its audit entry commit together.
    pub async fn apply_referral_step(
        &self,
        actor: &Actor,
        id: ReferralId,
        expected_version: i64,
        party: Party,
        step: ReferralStep<'_>,
    ) -> Result<Referral> {
        dispatch!(
            self,
            apply_referral_step(&self.keys, actor, id, expected_version, party, step)
        )
        .and_then_open(self)
        .await
    }

    /// The referrals of a person in a case (every state), newest first, at most `limit` (1 to
    /// 500).
    pub async fn case_referrals(
        &self,
        case_id: CaseId,
        person_id: PersonId,
        limit: i64,
    ) -> Result<Vec<Referral>> {
        let mut list = dispatch!(self, case_referrals(case_id, person_id, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// Assign a referral to a user of the addressed agency, or unassign it (`None`), based on
    /// `expected_version`. Who may assign (a supervisor of the addressed agency) is the
    /// caller's check; a user of another agency is refused (`ref_Assignee`/`not_of_agency`).
    pub async fn assign_referral(
        &self,
        actor: &Actor,
        id: ReferralId,
        expected_version: i64,
        assignee: Option<UserId>,
    ) -> Result<Referral> {
        dispatch!(self, assign_referral(actor, id, expected_version, assignee))
            .and_then_open(self)
            .await
    }

    /// A referral with its consent and timeline.
    pub async fn referral(&self, id: ReferralId) -> Result<ReferralDetails> {
        let mut details = dispatch!(self, referral(id))?;
        let text = self.text_key(details.referral.person_id).await?;
        text.open_all(&mut details.referral)?;
        if let Some(c) = &mut details.consent {
            text.open_all(c)?;
        }
        for e in &mut details.timeline {
            if let Some(r) = &mut e.reason {
                *r = text.open(EVENT_REASON, r)?;
            }
        }
        Ok(details)
    }

    /// The open referrals (not declined, completed, closed or cancelled) of one side of an
    /// agency's inbox, in core's inbox order at `now` (urgent, overdue, oldest; then id):
    /// after the first `offset` (0 to [`MAX_INBOX_OFFSET`]), at most `limit` (1 to 500).
    pub async fn referral_inbox(
        &self,
        agency: OrganisationId,
        side: InboxSide,
        now: DateTime<Utc>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Referral>> {
        let mut list = dispatch!(self, referral_inbox(agency, side, now, offset, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }

    /// How many open referrals one side of an agency's inbox holds, and how many of them are
    /// overdue at `now`.
    pub async fn referral_inbox_counts(
        &self,
        agency: OrganisationId,
        side: InboxSide,
        now: DateTime<Utc>,
    ) -> Result<InboxCounts> {
        dispatch!(self, referral_inbox_counts(agency, side, now))
    }

    /// The referrals sent and not answered by their due moment at `now`, most overdue first,
    /// at most `limit` (1 to 500).
    pub async fn overdue_referrals(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Referral>> {
        let mut list = dispatch!(self, overdue_referrals(now, limit))?;
        self.open_texts(&mut list).await?;
        Ok(list)
    }
}

/// What referral text is sealed for (under the key of the person referred).
pub(crate) const WITNESS: &str = "referral_consents.witness";
pub(crate) const REASON: &str = "referrals.reason";
pub(crate) const EVENT_REASON: &str = "referral_events.reason";

impl crate::keys::PersonTexts for ReferralConsent {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        if let Some(w) = &mut self.consent.witness {
            f(WITNESS, w)?;
        }
        Ok(())
    }
}

impl crate::keys::PersonTexts for Referral {
    fn person(&self) -> PersonId {
        self.person_id
    }

    fn texts(&mut self, f: &mut dyn FnMut(&'static str, &mut String) -> Result<()>) -> Result<()> {
        if let Some(r) = &mut self.reason {
            f(REASON, r)?;
        }
        Ok(())
    }
}

/// A record read, its text opened.
trait OpenAfter<T> {
    async fn and_then_open(self, store: &Store) -> Result<T>;
}

impl<T: crate::keys::PersonTexts> OpenAfter<T> for Result<T> {
    async fn and_then_open(self, store: &Store) -> Result<T> {
        let mut one = [self?];
        store.open_texts(&mut one).await?;
        let [record] = one;
        Ok(record)
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
