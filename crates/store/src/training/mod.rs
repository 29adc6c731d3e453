//! Training sessions, participants, attendance, scores and certificates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tabara_core::ids::*;

use crate::{Actor, Result, Store};

/// A module taught in a training session, with the organisation that facilitates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SessionModule {
    /// Curriculum module id.
    pub module: String,
    /// Facilitating organisation (e.g. child protection by UNICEF).
    pub facilitator_id: Option<OrganisationId>,
}

/// A training session to create.
#[derive(Debug, Clone)]
pub struct NewTrainingSession {
    /// Id to give it.
    pub id: TrainingSessionId,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    pub venue: String,
    /// Organising agency.
    pub organiser_id: OrganisationId,
    /// Funding source (donor, programme).
    pub funding: Option<String>,
    /// Modules covered, in order.
    pub modules: Vec<SessionModule>,
    /// Trainers' names.
    pub trainers: Vec<String>,
    /// Completion rule.
    pub rule: tabara_core::training::CompletionRule,
}

/// A training session as stored.
#[derive(Debug, Clone, Serialize)]
pub struct TrainingSession {
    /// Id.
    pub id: TrainingSessionId,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Where.
    pub venue: String,
    /// Organising agency.
    pub organiser_id: OrganisationId,
    /// Funding source.
    pub funding: Option<String>,
    /// Curriculum version the modules come from.
    pub curriculum_version: String,
    /// Modules covered.
    pub modules: Vec<SessionModule>,
    /// Trainers' names.
    pub trainers: Vec<String>,
    /// Completion rule.
    pub rule: tabara_core::training::CompletionRule,
    /// Version.
    pub version: i64,
}

impl TrainingSession {
    /// Number of days, first and last included.
    pub fn days(&self) -> u32 {
        (self.ends_on - self.starts_on).num_days().max(-1) as u32 + 1
    }
}

/// A participant to register.
#[derive(Debug, Clone)]
pub struct NewParticipant {
    /// Id to give them.
    pub id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Their Tabara account, if they have one.
    pub user_id: Option<UserId>,
    /// Full name as on the certificate.
    pub full_name: String,
    /// Rank.
    pub rank: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Sex, for the programme's reports.
    pub sex: tabara_core::htcds::Gender,
}

/// A participant as stored, with the days attended.
#[derive(Debug, Clone, Serialize)]
pub struct Participant {
    /// Id.
    pub id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Their account, if any.
    pub user_id: Option<UserId>,
    /// Full name.
    pub full_name: String,
    /// Rank.
    pub rank: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Sex.
    pub sex: tabara_core::htcds::Gender,
    /// Pre-test score, percent.
    pub pre_test: Option<u8>,
    /// Post-test score, percent.
    pub post_test: Option<u8>,
    /// Days attended.
    pub days_attended: Vec<NaiveDate>,
    /// Version.
    pub version: i64,
}

/// A certificate of completion as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateRecord {
    /// Id.
    pub id: CertificateId,
    /// Verification code.
    pub code: String,
    /// The participant.
    pub participant_id: ParticipantId,
    /// The session.
    pub session_id: TrainingSessionId,
    /// Who issued it (actor id).
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Why.
    pub revocation_reason: Option<String>,
}

impl Store {
    /// Create a training session (validated against the curriculum).
    pub async fn create_training_session(
        &self,
        actor: &Actor,
        session: &NewTrainingSession,
    ) -> Result<TrainingSession> {
        dispatch!(self, create_training_session(actor, session))
    }

    /// A training session.
    pub async fn training_session(&self, id: TrainingSessionId) -> Result<TrainingSession> {
        dispatch!(self, training_session(id))
    }

    /// Training sessions, newest first, after `after` in that order.
    pub async fn training_sessions(
        &self,
        after: Option<TrainingSessionId>,
        limit: i64,
    ) -> Result<Vec<TrainingSession>> {
        dispatch!(self, training_sessions(after, limit))
    }

    /// Register a participant (a user account at most once per session).
    pub async fn add_participant(
        &self,
        actor: &Actor,
        participant: &NewParticipant,
    ) -> Result<Participant> {
        dispatch!(self, add_participant(actor, participant))
    }

    /// A participant with the days attended.
    pub async fn participant(&self, id: ParticipantId) -> Result<Participant> {
        dispatch!(self, participant(id))
    }

    /// A session's participants by name, with the days each attended.
    pub async fn participants(&self, session_id: TrainingSessionId) -> Result<Vec<Participant>> {
        dispatch!(self, participants(session_id))
    }

    /// Mark a participant present or absent on a day of the session (audited when it changes).
    pub async fn set_attendance(
        &self,
        actor: &Actor,
        id: ParticipantId,
        day: NaiveDate,
        present: bool,
    ) -> Result<()> {
        dispatch!(self, set_attendance(actor, id, day, present))
    }

    /// Record pre- and post-test scores (percent), based on `expected_version`.
    pub async fn set_scores(
        &self,
        actor: &Actor,
        id: ParticipantId,
        expected_version: i64,
        pre_test: Option<u8>,
        post_test: Option<u8>,
    ) -> Result<i64> {
        dispatch!(
            self,
            set_scores(actor, id, expected_version, pre_test, post_test)
        )
    }

    /// Issue a certificate to a participant who completed their session (one valid at a time).
    pub async fn issue_certificate(
        &self,
        actor: &Actor,
        participant_id: ParticipantId,
    ) -> Result<CertificateRecord> {
        dispatch!(self, issue_certificate(actor, participant_id))
    }

    /// A certificate by its stored code.
    pub async fn certificate_by_code(&self, code: &str) -> Result<Option<CertificateRecord>> {
        dispatch!(self, certificate_by_code(code))
    }

    /// A certificate by id.
    pub async fn certificate(&self, id: CertificateId) -> Result<CertificateRecord> {
        dispatch!(self, certificate(id))
    }

    /// A session's certificates, newest first.
    pub async fn session_certificates(
        &self,
        session_id: TrainingSessionId,
    ) -> Result<Vec<CertificateRecord>> {
        dispatch!(self, session_certificates(session_id))
    }

    /// The certificates of a user's participations, newest first.
    pub async fn user_certificates(&self, user_id: UserId) -> Result<Vec<CertificateRecord>> {
        dispatch!(self, user_certificates(user_id))
    }

    /// Revoke a certificate with a reason (audited).
    pub async fn revoke_certificate(
        &self,
        actor: &Actor,
        id: CertificateId,
        reason: &str,
    ) -> Result<CertificateRecord> {
        dispatch!(self, revoke_certificate(actor, id, reason))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
