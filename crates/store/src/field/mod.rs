//! Offline field capture (issue 16): the phones an agency gave out, and the completed forms
//! they send. A device acts for one account; it is found by the SHA-256 of its token (the
//! token is in the server address of a phone without credentials) or by its login (Digest
//! authentication, whose secret is the token, kept sealed under the register's key). A
//! submission is kept, sealed, before anything is done with it: keyed by its
//! `meta/instanceID`, so the same instance posted again, one after the other or at once, is
//! one row; a worker claims it, the records it becomes are made through the same store
//! operations as the web forms, and its outcome (accepted with what it became, or invalid with
//! the reasons) is written with its audit entry. Attachments are kept sealed beside it until
//! they reach the encrypted file store.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tabara_core::ids::{CaseId, OrganisationId, PersonId, UserId};
use uuid::Uuid;

use crate::{Actor, Result, Store, User};

/// A claim older than this is taken to have died with its worker and may be taken again.
pub const CLAIM_TIMEOUT_SECONDS: i64 = 300;

/// A phone given out by an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldDevice {
    /// Id.
    pub id: Uuid,
    /// The agency it belongs to.
    pub organisation_id: OrganisationId,
    /// The account it acts for.
    pub user_id: UserId,
    /// What the agency calls it (`Kobero post, phone 2`).
    pub label: String,
    /// Its login for Digest authentication.
    pub login: String,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// Who revoked it, once revoked.
    pub revoked_by: Option<String>,
    /// When.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last heard from (to the minute).
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A device just issued, with its token (shown once, never kept in the clear).
#[derive(Debug, Clone)]
pub struct IssuedDevice {
    /// The device.
    pub device: FieldDevice,
    /// Its token: the path secret and the Digest password.
    pub token: String,
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    /// Kept; not made into records yet.
    Received,
    /// Made into records.
    Accepted,
    /// Kept with the reasons it could not be made into records, for a supervisor.
    Invalid,
    /// A supervisor rejected it.
    Rejected,
}

impl SubmissionState {
    /// Every state.
    pub const ALL: [SubmissionState; 4] = [
        SubmissionState::Received,
        SubmissionState::Accepted,
        SubmissionState::Invalid,
        SubmissionState::Rejected,
    ];

    /// `received`, `accepted`, `invalid`, `rejected`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionState::Received => "received",
            SubmissionState::Accepted => "accepted",
            SubmissionState::Invalid => "invalid",
            SubmissionState::Rejected => "rejected",
        }
    }

    /// Parse the stored name.
    pub fn parse(s: &str) -> Option<SubmissionState> {
        SubmissionState::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Why a submission could not be made into records: a field and a rule, as the web forms
/// report them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The field (`prs_FirstName`) or the form's question.
    pub field: String,
    /// The stable rule name.
    pub rule: String,
    /// The readable message.
    pub message: String,
}

/// A submission as kept (without its XML, read by [`Store::field_submission_xml`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldSubmission {
    /// Id.
    pub id: Uuid,
    /// `meta/instanceID`.
    pub instance_id: String,
    /// `meta/deprecatedID`, for an edit.
    pub deprecated_id: Option<String>,
    /// The form.
    pub form_id: String,
    /// Its version the phone filled.
    pub form_version: String,
    /// SHA-256 of the XML.
    pub content_hash: String,
    /// The agency of the account that sent it.
    pub organisation_id: OrganisationId,
    /// The account.
    pub user_id: UserId,
    /// The device, when it came from one.
    pub device_id: Option<Uuid>,
    /// Where it stands.
    pub state: SubmissionState,
    /// Why it is invalid.
    pub reasons: Vec<Reason>,
    /// The case it made or is about.
    pub case_id: Option<CaseId>,
    /// The person.
    pub person_id: Option<PersonId>,
    /// The record it made (a screening, a document, a referral), planned at the claim.
    pub record_id: Option<Uuid>,
    /// When it first arrived.
    pub received_at: DateTime<Utc>,
    /// When it was made into records, or found invalid.
    pub processed_at: Option<DateTime<Utc>>,
    /// Version.
    pub version: i64,
}

/// A submission to keep.
#[derive(Debug, Clone, Copy)]
pub struct NewSubmission<'a> {
    /// The instance read by core.
    pub instance: &'a tabara_core::fieldforms::Instance,
    /// The XML as sent.
    pub xml: &'a [u8],
    /// The account that sent it.
    pub user: &'a User,
    /// The device, when it came from one.
    pub device_id: Option<Uuid>,
}

/// What keeping a submission found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A new instance, now kept.
    New(FieldSubmission),
    /// The same instance, byte for byte, was kept before.
    Same(FieldSubmission),
    /// An instance of this id with other content was kept before.
    Different(FieldSubmission),
}

/// A field a phone's edit could not apply: changed in Tabara since the phone filled its copy.
/// Nothing is overwritten; the three values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The form's question (`person/first_name`).
    pub field: String,
    /// The value the phone's copy was filled from.
    pub base: String,
    /// The value in Tabara now (kept).
    pub theirs: String,
    /// The value the phone's edit gives.
    pub mine: String,
}

/// The outcome of a claimed submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Made into records.
    Accepted,
    /// An edit applied, but for these fields, which changed in Tabara since (kept, sealed).
    Edited(Vec<Conflict>),
    /// Not made into records, for these reasons.
    Invalid(Vec<Reason>),
}

/// An attachment of a submission, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldAttachment {
    /// Its file name as the phone sent it.
    pub name: String,
    /// The media type declared.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// The file of the encrypted file store it became, once it did.
    pub file_id: Option<Uuid>,
}

/// What a device's token or secret is sealed for.
pub(crate) const DEVICE_SECRET: &str = "field_devices.secret";
/// What a submission's XML is sealed for.
pub(crate) const SUBMISSION_XML: &str = "field_submissions.xml";
/// What a conflict's values are sealed for.
pub(crate) const CONFLICT: &str = "field_conflicts.sealed";
/// What a supervisor's correction is sealed for.
pub(crate) const CORRECTED_XML: &str = "field_submissions.corrected";
/// What an attachment is sealed for.
pub(crate) const ATTACHMENT: &str = "field_attachments.sealed";

impl Store {
    /// Issue a device to `user` of `organisation`, audited `field_device.issue`; its token is
    /// returned once.
    pub async fn issue_field_device(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
        user: UserId,
        label: &str,
    ) -> Result<IssuedDevice> {
        dispatch!(
            self,
            issue_field_device(&self.keys, actor, organisation, user, label)
        )
    }

    /// Revoke a device, audited `field_device.revoke`: its token and login stop working at
    /// once. Revoking a revoked device is refused (`dev_State`/`revoked`).
    pub async fn revoke_field_device(&self, actor: &Actor, id: Uuid) -> Result<()> {
        dispatch!(self, revoke_field_device(actor, id))
    }

    /// A device by id.
    pub async fn field_device(&self, id: Uuid) -> Result<FieldDevice> {
        dispatch!(self, field_device(id))
    }

    /// An agency's devices, newest first, at most 500.
    pub async fn field_devices(&self, organisation: OrganisationId) -> Result<Vec<FieldDevice>> {
        dispatch!(self, field_devices(organisation))
    }

    /// The device of a token and the account it acts for, when the device is not revoked and
    /// the account may sign in; its last contact is noted (to the minute).
    pub async fn field_device_by_token(&self, token: &str) -> Result<Option<(FieldDevice, User)>> {
        let hash = crate::token_hash(token);
        dispatch!(self, field_device_by_token(&hash))
    }

    /// The device of a Digest login with its secret and account, on the same conditions as
    /// [`Store::field_device_by_token`].
    pub async fn field_device_by_login(
        &self,
        login: &str,
    ) -> Result<Option<(FieldDevice, User, String)>> {
        dispatch!(self, field_device_by_login(&self.keys, login))
    }

    /// Keep a submission (sealed), unless its instance id is kept already: then whether it is
    /// the same instance or another with the same id. Audited `field_submission.receive` when
    /// new. Two posts of one instance at once keep one row (the id is unique).
    pub async fn receive_submission(
        &self,
        actor: &Actor,
        new: NewSubmission<'_>,
    ) -> Result<Received> {
        dispatch!(self, receive_submission(&self.keys, actor, new))
    }

    /// Claim a received submission to make it into records: `None` when it is not waiting
    /// (done, or claimed by another worker less than [`CLAIM_TIMEOUT_SECONDS`] ago). The ids of
    /// what it will make are planned at the first claim and kept, so a claim taken again after
    /// a crash makes the same records, not a second set.
    pub async fn claim_submission(&self, id: Uuid) -> Result<Option<FieldSubmission>> {
        dispatch!(self, claim_submission(id))
    }

    /// Name the case and person a claimed submission is about when it does not open them (a
    /// document check, an edit): its attachments then go to that person's files.
    pub async fn set_submission_subject(
        &self,
        id: Uuid,
        case: CaseId,
        person: PersonId,
    ) -> Result<()> {
        dispatch!(self, set_submission_subject(id, case, person))
    }

    /// Write the outcome of a claimed submission, audited `field_submission.accept` or
    /// `field_submission.invalid`.
    pub async fn finish_submission(
        &self,
        actor: &Actor,
        id: Uuid,
        outcome: &Outcome,
    ) -> Result<FieldSubmission> {
        dispatch!(self, finish_submission(&self.keys, actor, id, outcome))
    }

    /// Set an invalid submission aside for good (it stays kept), audited
    /// `field_submission.reject`; anything but an invalid one is refused (`sub_State`).
    pub async fn reject_submission(&self, actor: &Actor, id: Uuid) -> Result<FieldSubmission> {
        dispatch!(self, reject_submission(actor, id))
    }

    /// The conflicts an edit left, by field.
    pub async fn field_conflicts(&self, submission: Uuid) -> Result<Vec<Conflict>> {
        dispatch!(self, field_conflicts(&self.keys, submission))
    }

    /// A submission.
    pub async fn field_submission(&self, id: Uuid) -> Result<FieldSubmission> {
        dispatch!(self, field_submission(id))
    }

    /// A submission by its instance id.
    pub async fn field_submission_by_instance(
        &self,
        instance_id: &str,
    ) -> Result<Option<FieldSubmission>> {
        dispatch!(self, field_submission_by_instance(instance_id))
    }

    /// An agency's submissions, newest first, of one state or all, at most `limit` (≤ 500).
    pub async fn field_submissions(
        &self,
        organisation: OrganisationId,
        state: Option<SubmissionState>,
        limit: i64,
    ) -> Result<Vec<FieldSubmission>> {
        dispatch!(
            self,
            field_submissions(organisation, state, limit.clamp(1, 500))
        )
    }

    /// A submission's XML (it identifies the person), audited `field_submission.read` in the
    /// name of `actor`; empty once the person it is about was erased.
    pub async fn field_submission_xml(&self, actor: &Actor, id: Uuid) -> Result<Vec<u8>> {
        dispatch!(self, field_submission_xml(&self.keys, actor, id, true))
    }

    /// A supervisor's correction of an invalid submission: the corrected XML kept beside the
    /// phone's (which stays as received), the submission waiting again to be recorded, audited
    /// `field_submission.fix`. Anything but an invalid one is refused (`sub_State`).
    pub async fn fix_submission(&self, actor: &Actor, id: Uuid, corrected: &[u8]) -> Result<()> {
        dispatch!(self, fix_submission(&self.keys, actor, id, corrected))
    }

    /// The XML for making the submission into records (the making is audited, not this read):
    /// a supervisor's correction when there is one, else the phone's.
    pub async fn field_submission_xml_to_process(&self, id: Uuid) -> Result<Vec<u8>> {
        dispatch!(
            self,
            field_submission_xml(&self.keys, &Actor::system("field"), id, false)
        )
    }

    /// Keep an attachment of a submission (sealed): `false` when one of that name is kept
    /// already (a part sent again). Audited `field_submission.attach` when new.
    pub async fn add_field_attachment(
        &self,
        actor: &Actor,
        submission: Uuid,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<bool> {
        dispatch!(
            self,
            add_field_attachment(&self.keys, actor, submission, name, content_type, bytes)
        )
    }

    /// A submission's attachments, by name.
    pub async fn field_attachments(&self, submission: Uuid) -> Result<Vec<FieldAttachment>> {
        dispatch!(self, field_attachments(submission))
    }

    /// An attachment's bytes, while it has not reached the file store.
    pub async fn field_attachment_bytes(&self, submission: Uuid, name: &str) -> Result<Vec<u8>> {
        dispatch!(self, field_attachment_bytes(&self.keys, submission, name))
    }

    /// Note a form's version as served (its bytes kept), once; later calls change nothing.
    pub async fn note_field_form(&self, form: &tabara_core::fieldforms::Rendered) -> Result<()> {
        dispatch!(self, note_field_form(form))
    }

    /// Whether a version of a form was ever served.
    pub async fn field_form_served(&self, form_id: &str, version: &str) -> Result<bool> {
        dispatch!(self, field_form_served(form_id, version))
    }

    /// Note that an attachment reached the file store as `file`; its sealed copy is dropped.
    pub async fn field_attachment_filed(
        &self,
        submission: Uuid,
        name: &str,
        file: Uuid,
    ) -> Result<()> {
        dispatch!(self, field_attachment_filed(submission, name, file))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::directory::sqlite::queries as directory;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::directory::postgres::queries as directory;
    pub(crate) mod queries;
}
