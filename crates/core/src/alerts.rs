//! Alerts that the register raises on its own (issue 12): a referral not answered in time, a
//! high or critical risk, a reassessment that fell due. Pure: which alert a fact gives, the key
//! that makes it unique, and who is told. The store finds the facts, writes each alert once
//! (the key is unique in the database) and one notification per recipient; the pages and the
//! delivery channels put it in words.
//!
//! Recipients:
//! - **referral overdue**: the user who sent it, then the supervisors (role
//!   [`Role::Supervisor`](crate::Role::Supervisor)) of the addressed agency;
//! - **high risk** (an assessment at high or critical level, [`crate::risk::RiskLevel::alerts`]):
//!   "the caseworker and the investigator of the case". A case has one manager, its owner
//!   (the user who investigates or manages it at the agency that opened it): that is the
//!   investigator. The caseworker is the one who assessed the risk and, when the person was
//!   referred, the assignee of each of the person's open referrals in the case (the receiving
//!   agency's caseworker). So: the owner, the assessor, the assignees;
//! - **reassessment due**: the case's owner and the user who made the last assessment;
//! - **custody limit approaching** (each warning hour of the jurisdiction before the deadline)
//!   and **custody limit passed**: the investigation's lead, the user who placed the suspect in
//!   custody, and the supervisors of the investigating agency;
//! - **investigation task overdue**: the task's owner and the lead investigator;
//! - **document on the lost, stolen and fraudulent documents list** (raised when such a
//!   document is recorded on a person): the supervisors of the agency of the officer who
//!   recorded it, then the case's owner.
//!
//! Nobody is told twice of one alert; a fact the register does not know (a case without an
//! owner, an assessment recorded by a system process) names nobody.

use chrono::{DateTime, Utc};

use crate::ids::UserId;
use crate::picklist::picklist;

picklist! {
    /// What an alert is about.
    AlertKind, fields [] {
        ReferralOverdue = "referral_overdue", "Referral not answered in time", "Orientation sans réponse dans le délai";
        RiskHigh = "risk_high", "High risk", "Risque élevé";
        RiskReassessmentDue = "risk_reassessment_due", "Risk reassessment due", "Réévaluation du risque à faire";
        CustodyDueSoon = "custody_due_soon", "Custody limit approaching", "Fin du délai de garde à vue proche";
        CustodyOverdue = "custody_overdue", "Custody limit passed", "Délai de garde à vue dépassé";
        TaskOverdue = "investigation_task_overdue", "Investigation task overdue", "Tâche d'enquête en retard";
        LostDocument = "lost_document", "Document on the lost and stolen list", "Document sur la liste des documents perdus et volés";
    }
}

impl AlertKind {
    /// The kind of record the alert is about (`referral` or `risk_assessment`).
    pub fn subject_kind(self) -> &'static str {
        match self {
            AlertKind::ReferralOverdue => "referral",
            AlertKind::RiskHigh | AlertKind::RiskReassessmentDue => "risk_assessment",
            AlertKind::CustodyDueSoon | AlertKind::CustodyOverdue => "custody",
            AlertKind::TaskOverdue => "investigation_task",
            AlertKind::LostDocument => "document",
        }
    }
}

/// The key that makes an alert unique: its kind, the record it is about and the moment it
/// became due, e.g. `referral_overdue:<referral id>:<due_at in µs>`. A referral's due moment is
/// fixed on sending and an assessment is never changed, so one fact gives one key, whenever
/// and wherever it is computed; a later fact (a new assessment) gives a new key.
pub fn alert_key(kind: AlertKind, subject: uuid::Uuid, due_at: DateTime<Utc>) -> String {
    use crate::picklist::Picklist;
    format!(
        "{}:{}:{}",
        kind.value_name(),
        subject.as_hyphenated(),
        due_at.timestamp_micros()
    )
}

/// What the store knows of the people around the record an alert is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFacts {
    /// The user who sent the referral (referral overdue).
    pub sender: Option<UserId>,
    /// The supervisors of the addressed agency (referral overdue).
    pub supervisors: Vec<UserId>,
    /// The case's owner (risk alerts).
    pub case_owner: Option<UserId>,
    /// The user who made the assessment (risk alerts).
    pub assessor: Option<UserId>,
    /// The assignees of the person's open referrals in the case (high risk).
    pub referral_assignees: Vec<UserId>,
    /// The investigation's lead investigator (custody alerts).
    pub investigator: Option<UserId>,
    /// The user who placed the suspect in custody (custody alerts).
    pub custody_officer: Option<UserId>,
    /// The owner of the task (task overdue).
    pub task_owner: Option<UserId>,
}

/// Who an alert of `kind` tells, given `facts`: in the order of the module documentation,
/// each user once; facts that do not concern the kind are ignored.
pub fn recipients(kind: AlertKind, facts: &AlertFacts) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    let mut add = |u: UserId| {
        if !out.contains(&u) {
            out.push(u);
        }
    };
    match kind {
        AlertKind::ReferralOverdue => {
            facts.sender.into_iter().for_each(&mut add);
            facts.supervisors.iter().copied().for_each(&mut add);
        }
        AlertKind::RiskHigh => {
            facts.case_owner.into_iter().for_each(&mut add);
            facts.assessor.into_iter().for_each(&mut add);
            facts.referral_assignees.iter().copied().for_each(&mut add);
        }
        AlertKind::RiskReassessmentDue => {
            facts.case_owner.into_iter().for_each(&mut add);
            facts.assessor.into_iter().for_each(&mut add);
        }
        AlertKind::CustodyDueSoon | AlertKind::CustodyOverdue => {
            facts.investigator.into_iter().for_each(&mut add);
            facts.custody_officer.into_iter().for_each(&mut add);
            facts.supervisors.iter().copied().for_each(&mut add);
        }
        AlertKind::TaskOverdue => {
            facts.task_owner.into_iter().for_each(&mut add);
            facts.investigator.into_iter().for_each(&mut add);
        }
        AlertKind::LostDocument => {
            facts.supervisors.iter().copied().for_each(&mut add);
            facts.case_owner.into_iter().for_each(&mut add);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picklist::Picklist;

    fn users(n: usize) -> Vec<UserId> {
        (0..n).map(|_| UserId::new()).collect()
    }

    #[test]
    fn kinds_have_stable_names_and_subjects() {
        let names: Vec<&str> = AlertKind::ALL.iter().map(|k| k.value_name()).collect();
        assert_eq!(
            names,
            [
                "referral_overdue",
                "risk_high",
                "risk_reassessment_due",
                "custody_due_soon",
                "custody_overdue",
                "investigation_task_overdue",
                "lost_document"
            ]
        );
        assert_eq!(AlertKind::CustodyOverdue.subject_kind(), "custody");
        assert_eq!(AlertKind::TaskOverdue.subject_kind(), "investigation_task");
        assert_eq!(AlertKind::ReferralOverdue.subject_kind(), "referral");
        assert_eq!(AlertKind::RiskHigh.subject_kind(), "risk_assessment");
        assert_eq!(
            AlertKind::RiskReassessmentDue.subject_kind(),
            "risk_assessment"
        );
    }

    #[test]
    fn the_key_names_kind_subject_and_due_moment() {
        let subject = uuid::Uuid::now_v7();
        let due = DateTime::from_timestamp_micros(1_767_225_600_123_456).unwrap();
        let key = alert_key(AlertKind::ReferralOverdue, subject, due);
        assert_eq!(key, format!("referral_overdue:{subject}:1767225600123456"));
        // The same fact, the same key; another kind, subject or moment, another key.
        assert_eq!(key, alert_key(AlertKind::ReferralOverdue, subject, due));
        assert_ne!(key, alert_key(AlertKind::RiskHigh, subject, due));
        assert_ne!(
            key,
            alert_key(AlertKind::ReferralOverdue, uuid::Uuid::now_v7(), due)
        );
        assert_ne!(
            key,
            alert_key(
                AlertKind::ReferralOverdue,
                subject,
                due + chrono::Duration::microseconds(1)
            )
        );
    }

    #[test]
    fn an_overdue_referral_tells_the_sender_and_the_supervisors() {
        let u = users(5);
        let facts = AlertFacts {
            sender: Some(u[0]),
            supervisors: vec![u[1], u[2]],
            case_owner: Some(u[3]),
            assessor: Some(u[4]),
            referral_assignees: vec![u[4]],
            ..Default::default()
        };
        assert_eq!(
            recipients(AlertKind::ReferralOverdue, &facts),
            [u[0], u[1], u[2]]
        );
        // A sender who is also a supervisor there is told once; no sender known: the
        // supervisors alone; nobody known: nobody.
        let both = AlertFacts {
            sender: Some(u[1]),
            supervisors: vec![u[1], u[2], u[2]],
            ..Default::default()
        };
        assert_eq!(recipients(AlertKind::ReferralOverdue, &both), [u[1], u[2]]);
        let unsent = AlertFacts {
            supervisors: vec![u[2]],
            ..Default::default()
        };
        assert_eq!(recipients(AlertKind::ReferralOverdue, &unsent), [u[2]]);
        assert!(recipients(AlertKind::ReferralOverdue, &AlertFacts::default()).is_empty());
    }

    #[test]
    fn custody_alerts_tell_the_lead_the_officer_and_the_supervisors_tasks_their_owner() {
        let u = users(5);
        let facts = AlertFacts {
            investigator: Some(u[0]),
            custody_officer: Some(u[1]),
            supervisors: vec![u[2], u[0]],
            task_owner: Some(u[3]),
            case_owner: Some(u[4]),
            ..Default::default()
        };
        for kind in [AlertKind::CustodyDueSoon, AlertKind::CustodyOverdue] {
            assert_eq!(recipients(kind, &facts), [u[0], u[1], u[2]]);
        }
        assert_eq!(recipients(AlertKind::TaskOverdue, &facts), [u[3], u[0]]);
    }

    #[test]
    fn a_high_risk_tells_owner_assessor_and_assignees() {
        let u = users(5);
        let facts = AlertFacts {
            sender: Some(u[4]),
            supervisors: vec![u[4]],
            case_owner: Some(u[0]),
            assessor: Some(u[1]),
            referral_assignees: vec![u[2], u[1], u[3]],
            ..Default::default()
        };
        assert_eq!(
            recipients(AlertKind::RiskHigh, &facts),
            [u[0], u[1], u[2], u[3]]
        );
        // The owner who assessed is told once.
        let own = AlertFacts {
            case_owner: Some(u[0]),
            assessor: Some(u[0]),
            ..Default::default()
        };
        assert_eq!(recipients(AlertKind::RiskHigh, &own), [u[0]]);
    }

    #[test]
    fn a_due_reassessment_tells_owner_and_last_assessor() {
        let u = users(3);
        let facts = AlertFacts {
            case_owner: Some(u[0]),
            assessor: Some(u[1]),
            referral_assignees: vec![u[2]],
            ..Default::default()
        };
        assert_eq!(
            recipients(AlertKind::RiskReassessmentDue, &facts),
            [u[0], u[1]]
        );
        let no_owner = AlertFacts {
            assessor: Some(u[1]),
            ..Default::default()
        };
        assert_eq!(
            recipients(AlertKind::RiskReassessmentDue, &no_owner),
            [u[1]]
        );
    }
}
