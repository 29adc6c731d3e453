//! Every action the audit log records, as one typed list.
//!
//! The log stores an action by its name (`case.create`, `screening.confirm`): those names are
//! part of every existing register's hash chain, so a name never changes and a variant is never
//! renamed on disk. Each action is about one kind of record (`case`, `person`, `user`, …),
//! which is written beside it. Adding an action means adding a line to the table below (and,
//! in the store's tests, the scenario that writes it: that test does not compile until then).

use std::fmt;
use std::str::FromStr;

macro_rules! audit_actions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal on $kind:literal, )*) => {
        /// An action written to the audit log. See the module documentation.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AuditAction {
            $( $(#[$doc])* $variant, )*
        }

        impl AuditAction {
            /// Every action, in the order of the table.
            pub const ALL: &'static [AuditAction] = &[ $( AuditAction::$variant, )* ];

            /// The name stored in the log (stable: it is hashed into the chain).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( AuditAction::$variant => $name, )*
                }
            }

            /// The kind of record the entry names (`record_kind` in the log).
            pub const fn record_kind(self) -> &'static str {
                match self {
                    $( AuditAction::$variant => $kind, )*
                }
            }
        }
    };
}

audit_actions! {
    /// An organisation was registered.
    OrganisationCreate = "organisation.create" on "organisation",
    /// An organisation was changed.
    OrganisationUpdate = "organisation.update" on "organisation",
    /// An office was registered.
    OfficeCreate = "office.create" on "office",
    /// An account was created.
    UserCreate = "user.create" on "user",
    /// A second administrator was asked to approve a new account.
    UserCreateRequest = "user.create_request" on "user",
    /// A second administrator was asked to approve a reset.
    UserResetRequest = "user.reset_request" on "user",
    /// A waiting request was approved.
    UserRequestApprove = "user.request_approve" on "user",
    /// A waiting request was refused.
    UserRequestRefuse = "user.request_refuse" on "user",
    /// A one-time credential was issued.
    UserOneTimeCredential = "user.one_time_credential" on "user",
    /// A password was set.
    UserPassword = "user.password" on "user",
    /// An account was disabled.
    UserDisable = "user.disable" on "user",
    /// An account was enabled again.
    UserEnable = "user.enable" on "user",
    /// A successful sign-in.
    UserLogin = "user.login" on "user",
    /// A sign-in with a wrong password.
    UserLoginFailed = "user.login_failed" on "user",
    /// A sign-in refused on a locked account.
    UserLoginLocked = "user.login_locked" on "user",
    /// A sign-in with an unknown name (the name is not logged).
    UserLoginUnknown = "user.login_unknown" on "user",
    /// A sign-in with a one-time credential.
    UserLoginOneTime = "user.login_one_time" on "user",
    /// A wrong current password on the password-change form.
    UserPasswordCheckFailed = "user.password_check_failed" on "user",
    /// A password check tried on a locked account.
    UserPasswordCheckLocked = "user.password_check_locked" on "user",
    /// A second factor (TOTP) was enrolled, with new recovery codes.
    UserSecondFactorEnrol = "user.second_factor_enrol" on "user",
    /// A wrong second-factor code (or one tried while locked).
    UserSecondFactorFail = "user.second_factor_fail" on "user",
    /// A recovery code was used in place of the second factor.
    UserRecoveryCodeUse = "user.recovery_code_use" on "user",
    /// An account's second factor was removed by an operator.
    UserSecondFactorReset = "user.second_factor_reset" on "user",
    /// An API token was created.
    ApiTokenCreate = "api_token.create" on "user",
    /// A person was registered.
    PersonCreate = "person.create" on "person",
    /// A person's facts were changed.
    PersonUpdate = "person.update" on "person",
    /// A person's identifying data was read.
    PersonIdentityRead = "person_identity.read" on "person",
    /// A person's identifying data was changed.
    PersonIdentityUpdate = "person_identity.update" on "person",
    /// A person's identifying data was exported.
    PersonIdentityExport = "person_identity.export" on "person",
    /// A person's erasure was asked while a case holds them: it waits for the hold's end.
    PersonEraseRequest = "person.erase_request" on "person",
    /// Everything held about a person was given out (their access request).
    PersonAccessReport = "person.access_report" on "person",
    /// A person was erased: their data key destroyed, their identity unreadable everywhere.
    PersonErase = "person.erase" on "person",
    /// A file about a person of a case was uploaded (sealed under its own key).
    FileUpload = "file.upload" on "file",
    /// A file was read (downloaded, or written out by the command line).
    FileRead = "file.read" on "file",
    /// A retention run deleted ended sessions and read notifications (the entry names the
    /// counts; persons are erased each with their own entry).
    RetentionRun = "retention.run" on "register",
    /// Every key of the register was re-wrapped under a new master key (the entry names its id).
    RegisterKeyRotate = "register_key.rotate" on "register",
    /// A search over identifying data (names) was run.
    PersonIdentitySearch = "person_identity.search" on "search",
    /// A case was opened.
    CaseCreate = "case.create" on "case",
    /// A case's facts were changed.
    CaseUpdate = "case.update" on "case",
    /// A legal hold (investigation, court) was placed on a case: its persons are not erased.
    CaseHold = "case.hold" on "case",
    /// A legal hold was lifted.
    CaseHoldLift = "case.hold_lift" on "case",
    /// A case was shared with another agency (read and comment).
    CaseShare = "case.share" on "case",
    /// A case was shared with another agency for editing.
    CaseShareForEditing = "case.share_for_editing" on "case",
    /// A person was involved in a case.
    CasePersonAdd = "case_person.add" on "case_person",
    /// A person's involvement in a case was changed.
    CasePersonUpdate = "case_person.update" on "case_person",
    /// A comment was added to a case.
    CaseCommentCreate = "case_comment.create" on "case_comment",
    /// A consent was recorded.
    ConsentCreate = "consent.create" on "consent",
    /// A screening was started.
    ScreeningCreate = "screening.create" on "screening",
    /// A screening's draft was saved.
    ScreeningSave = "screening.save" on "screening",
    /// A screening was completed and evaluated.
    ScreeningComplete = "screening.complete" on "screening",
    /// The suggested status of a screening was confirmed.
    ScreeningConfirm = "screening.confirm" on "screening",
    /// The suggested status of a screening was overridden.
    ScreeningOverride = "screening.override" on "screening",
    /// A training session was created.
    TrainingSessionCreate = "training_session.create" on "training_session",
    /// A participant was registered in a session.
    TrainingParticipantCreate = "training_participant.create" on "training_participant",
    /// A participant's test scores were recorded.
    TrainingParticipantScores = "training_participant.scores" on "training_participant",
    /// A participant was marked present on a day.
    TrainingAttendancePresent = "training_attendance.present" on "training_participant",
    /// A participant was marked absent on a day.
    TrainingAttendanceAbsent = "training_attendance.absent" on "training_participant",
    /// A certificate was issued.
    CertificateIssue = "certificate.issue" on "certificate",
    /// A certificate was revoked.
    CertificateRevoke = "certificate.revoke" on "certificate",
    /// Entries of the lost, stolen and fraudulent documents list were imported (added or
    /// replaced), the import named by its own id.
    LostDocumentImport = "lost_document.import" on "lost_document_import",
    /// A document read was found on the lost, stolen and fraudulent documents list.
    LostDocumentHit = "lost_document.hit" on "lost_document",
    /// A document was recorded on a person of a case.
    DocumentRecord = "document.record" on "document",
    /// A document's record was changed (its examination, outcome, notes).
    DocumentUpdate = "document.update" on "document",
    /// A document's number, zone and notes were read (they identify the holder).
    DocumentRead = "document.read" on "document",
    /// A phone was issued to an account for offline field capture.
    FieldDeviceIssue = "field_device.issue" on "field_device",
    /// A phone's token was revoked.
    FieldDeviceRevoke = "field_device.revoke" on "field_device",
    /// A completed form sent by a phone was kept.
    FieldSubmissionReceive = "field_submission.receive" on "field_submission",
    /// An attachment of a kept submission arrived.
    FieldSubmissionAttach = "field_submission.attach" on "field_submission",
    /// A kept submission was made into records.
    FieldSubmissionAccept = "field_submission.accept" on "field_submission",
    /// A kept submission could not be made into records; its reasons were kept with it.
    FieldSubmissionInvalid = "field_submission.invalid" on "field_submission",
    /// A supervisor corrected an invalid submission's answers (the phone's kept as received).
    FieldSubmissionFix = "field_submission.fix" on "field_submission",
    /// A supervisor set an invalid submission aside for good.
    FieldSubmissionReject = "field_submission.reject" on "field_submission",
    /// A kept submission's answers were read (they identify the person).
    FieldSubmissionRead = "field_submission.read" on "field_submission",
    /// An awareness material was registered.
    MaterialCreate = "material.create" on "material",
    /// Stock of a material was received into a store.
    MaterialReceipt = "material.receipt" on "material",
    /// Stock of a material was distributed from a store to an office.
    MaterialDistribution = "material.distribution" on "material",
    /// A person's consent to referrals to an agency was recorded.
    ReferralConsentRecord = "referral_consent.record" on "referral_consent",
    /// A consent to referrals was withdrawn.
    ReferralConsentWithdraw = "referral_consent.withdraw" on "referral_consent",
    /// A referral was drafted.
    ReferralCreate = "referral.create" on "referral",
    /// A referral was sent to the addressed agency.
    ReferralSend = "referral.send" on "referral",
    /// The addressed agency accepted a referral.
    ReferralAccept = "referral.accept" on "referral",
    /// The addressed agency declined a referral.
    ReferralDecline = "referral.decline" on "referral",
    /// The service asked by a referral started.
    ReferralStart = "referral.start" on "referral",
    /// The service asked by a referral was delivered.
    ReferralComplete = "referral.complete" on "referral",
    /// A referral was closed without being completed.
    ReferralClose = "referral.close" on "referral",
    /// The sender cancelled a referral.
    ReferralCancel = "referral.cancel" on "referral",
    /// A referral was assigned to a user of the addressed agency (or unassigned).
    ReferralAssign = "referral.assign" on "referral",
    /// A victim's risk (security or re-trafficking) was assessed or reassessed.
    RiskAssessmentRecord = "risk_assessment.record" on "risk_assessment",
    /// A provider of services was added to the directory.
    ServiceProviderCreate = "service_provider.create" on "service_provider",
    /// A provider's entry in the directory was changed.
    ServiceProviderUpdate = "service_provider.update" on "service_provider",
    /// A provider reported its places free (or stopped reporting them).
    ServiceProviderCapacity = "service_provider.capacity" on "service_provider",
    /// A child's pathway opened (by the system, when the register learns of a child).
    ChildPathwayOpen = "child_pathway.open" on "child_pathway",
    /// A child's guardian, or the absence of one, was recorded on the pathway.
    ChildPathwayGuardian = "child_pathway.guardian" on "child_pathway",
    /// A best-interests assessment was recorded on a child's pathway.
    ChildPathwayBestInterests = "child_pathway.best_interests" on "child_pathway",
    /// A child-protection officer signed a child's pathway off.
    ChildPathwaySignOff = "child_pathway.sign_off" on "child_pathway",
    /// A support plan was opened for a victim of a case.
    SupportPlanCreate = "support_plan.create" on "support_plan",
    /// A support plan's types, goals, dates or reflection period were changed.
    SupportPlanUpdate = "support_plan.update" on "support_plan",
    /// A service delivered under a support plan was recorded.
    SupportServiceRecord = "support_service.record" on "support_service",
    /// A follow-up visit under a support plan was recorded.
    SupportVisitRecord = "support_visit.record" on "support_visit",
    /// A return or reintegration step under a support plan was recorded.
    SupportStepRecord = "support_step.record" on "support_step",
    /// A support plan was closed, with its reason.
    SupportPlanClose = "support_plan.close" on "support_plan",
    /// An alert fell due and was raised, with a notification to each of its recipients.
    AlertRaise = "alert.raise" on "alert",
    /// A user marked a notification of their inbox read.
    NotificationRead = "notification.read" on "notification",
    /// A notification was delivered over an external channel (SMS, e-mail, log).
    NotificationDeliver = "notification.deliver" on "notification",
    /// A delivery of a notification over an external channel failed (it is tried again).
    NotificationDeliveryFail = "notification.delivery_fail" on "notification",
    /// An investigation file was opened on a case, with its lead investigator (issue 14).
    InvestigationOpen = "investigation.open" on "investigation",
    /// An investigation took a step of its state machine (activate, refer, resume, close,
    /// reopen).
    InvestigationStatus = "investigation.status" on "investigation",
    /// An investigation's lead or team changed.
    InvestigationTeam = "investigation.team" on "investigation",
    /// A task of an investigation was given to its owner.
    InvestigationTaskCreate = "investigation_task.create" on "investigation_task",
    /// A task of an investigation was done or cancelled.
    InvestigationTaskUpdate = "investigation_task.update" on "investigation_task",
    /// A fact was entered on an investigation's timeline.
    InvestigationEventRecord = "investigation_event.record" on "investigation_event",
    /// A note was written on an investigation.
    InvestigationNoteCreate = "investigation_note.create" on "investigation_note",
    /// An offence of the legal catalogue was recorded against a suspect.
    OffenceRecord = "offence.record" on "offence",
    /// A fact (and the evidence for it) was recorded in support of an element of an offence.
    ElementSupportRecord = "element_support.record" on "element_support",
    /// An item of evidence was registered (its collection: the first event of its chain).
    EvidenceRegister = "evidence.register" on "evidence",
    /// An event of an item's chain of custody (transfer, examination, return, destruction),
    /// with the re-check of its file's hash.
    CustodyEventRecord = "custody_event.record" on "custody_event",
    /// A suspect was placed in police custody.
    CustodyStart = "custody.start" on "custody",
    /// A custody was extended, with the prosecutor's authorisation.
    CustodyExtend = "custody.extend" on "custody",
    /// A custody ended: released or transferred.
    CustodyEnd = "custody.end" on "custody",
    /// A right of a suspect in custody was recorded on the checklist.
    CustodyRightRecord = "custody_right.record" on "custody_right",
    /// A custody was given to a legal-aid organisation, which then reads its record.
    CustodyLegalAid = "custody.legal_aid" on "custody",
    /// A dossier for the prosecutor was made (its PDF and content hash kept).
    DossierCreate = "dossier.create" on "dossier",
    /// A dossier was sent to a prosecutor's office (an audited share).
    DossierSend = "dossier.send" on "dossier",
    /// A dossier was read (downloaded).
    DossierRead = "dossier.read" on "dossier",
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is no audit action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAuditAction(pub String);

impl fmt::Display for UnknownAuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown audit action '{}'", self.0)
    }
}

impl std::error::Error for UnknownAuditAction {}

impl FromStr for AuditAction {
    type Err = UnknownAuditAction;

    /// The action stored under this exact name (no tolerance: names are identifiers).
    fn from_str(s: &str) -> Result<AuditAction, UnknownAuditAction> {
        AuditAction::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownAuditAction(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_action_round_trips_through_its_name() {
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(*a));
            assert_eq!(a.to_string(), a.as_str());
        }
    }

    #[test]
    fn names_are_unique_and_all_is_complete() {
        let names: BTreeSet<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(names.len(), AuditAction::ALL.len());
        let variants: BTreeSet<AuditAction> = AuditAction::ALL.iter().copied().collect();
        assert_eq!(variants.len(), AuditAction::ALL.len());
        // The table lists 124 actions today; a new one is added to it, never renamed.
        assert_eq!(AuditAction::ALL.len(), 124);
    }

    #[test]
    fn stored_names_do_not_change() {
        // A few names pinned as they stand in existing registers' chains.
        assert_eq!(AuditAction::CaseCreate.as_str(), "case.create");
        assert_eq!(AuditAction::ScreeningConfirm.as_str(), "screening.confirm");
        assert_eq!(AuditAction::MaterialReceipt.as_str(), "material.receipt");
        assert_eq!(AuditAction::ApiTokenCreate.as_str(), "api_token.create");
        assert_eq!(
            AuditAction::TrainingAttendancePresent.as_str(),
            "training_attendance.present"
        );
        assert_eq!(AuditAction::PersonIdentitySearch.record_kind(), "search");
        assert_eq!(AuditAction::UserLoginUnknown.record_kind(), "user");
    }

    #[test]
    fn names_are_lowercase_kind_dot_verb() {
        for a in AuditAction::ALL {
            let (kind, verb) = a.as_str().split_once('.').expect("a dot");
            for part in [kind, verb] {
                assert!(!part.is_empty(), "{a}");
                assert!(
                    part.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{a}"
                );
            }
        }
    }

    #[test]
    fn unknown_names_are_refused() {
        for s in ["", "case", "case.Create", " case.create", "case.delete"] {
            assert_eq!(
                s.parse::<AuditAction>(),
                Err(UnknownAuditAction(s.to_string()))
            );
        }
    }
}
