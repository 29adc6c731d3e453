//! The investigation file's state machine: opened → active → referred to the prosecutor →
//! closed. The prosecutor may send a file back for more inquiries (referred → active); a file
//! closes from any open status with a reason, and only a supervisor reopens a closed one. Each
//! step is applied by [`InvestigationStatus::apply`] for the [`Standing`] of the user asking,
//! which the caller computes; a refusal names its field and rule (`inv_Status`/`out_of_turn`,
//! `inv_Party`/`not_allowed`, `inv_Reason`/`required`).

use serde::Serialize;

use crate::picklist::picklist;
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters};

picklist! {
    /// Where an investigation stands.
    InvestigationStatus, fields [] {
        Opened = "opened", "Opened", "Ouverte";
        Active = "active", "Active", "En cours";
        Referred = "referred", "Referred to the prosecutor", "Transmise au parquet";
        Closed = "closed", "Closed", "Clôturée";
    }
}

picklist! {
    /// A step of an investigation (the audit action `investigation.<name>`, the button).
    StatusStep, fields [] {
        Activate = "activate", "Start the inquiries", "Commencer les investigations";
        Refer = "refer", "Refer to the prosecutor", "Transmettre au parquet";
        Resume = "resume", "Resume the inquiries", "Reprendre les investigations";
        Close = "close", "Close", "Clôturer";
        Reopen = "reopen", "Reopen", "Rouvrir";
    }
}

/// How the user asking stands to an investigation (computed by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The lead investigator.
    Lead,
    /// A member of the team.
    Team,
    /// A supervisor of the agency that investigates.
    Supervisor,
    /// Anyone else who may edit the case.
    Other,
}

impl Standing {
    /// Every standing.
    pub const ALL: [Standing; 4] = [
        Standing::Lead,
        Standing::Team,
        Standing::Supervisor,
        Standing::Other,
    ];

    /// Whether the user works on the file (lead, team or supervisor): records tasks, notes,
    /// suspects, evidence and custody.
    pub fn works_on_file(self) -> bool {
        !matches!(self, Standing::Other)
    }
}

impl StatusStep {
    /// Whether the step needs words saying why.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            StatusStep::Resume | StatusStep::Close | StatusStep::Reopen
        )
    }

    /// Who may take the step.
    pub fn allowed(self, standing: Standing) -> bool {
        match self {
            StatusStep::Activate => standing.works_on_file(),
            StatusStep::Refer | StatusStep::Resume | StatusStep::Close => {
                matches!(standing, Standing::Lead | Standing::Supervisor)
            }
            StatusStep::Reopen => standing == Standing::Supervisor,
        }
    }
}

impl InvestigationStatus {
    /// The status after `step`, or why not.
    pub fn after(self, step: StatusStep) -> Option<InvestigationStatus> {
        use InvestigationStatus::*;
        match (self, step) {
            (Opened, StatusStep::Activate) => Some(Active),
            (Active, StatusStep::Refer) => Some(Referred),
            (Referred, StatusStep::Resume) => Some(Active),
            (Opened | Active | Referred, StatusStep::Close) => Some(Closed),
            (Closed, StatusStep::Reopen) => Some(Active),
            _ => None,
        }
    }

    /// The steps that may follow this status, in order.
    pub fn next_steps(self) -> Vec<StatusStep> {
        use crate::picklist::Picklist;
        StatusStep::ALL
            .iter()
            .copied()
            .filter(|s| self.after(*s).is_some())
            .collect()
    }

    /// Whether the file is still worked on (not closed).
    pub fn is_open(self) -> bool {
        self != InvestigationStatus::Closed
    }

    /// Take `step` for a user of `standing`, with `reason` (ignored unless the step needs
    /// one): the new status and the reason trimmed.
    pub fn apply(
        self,
        step: StatusStep,
        standing: Standing,
        reason: &str,
    ) -> Result<(InvestigationStatus, Option<String>), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let Some(next) = self.after(step) else {
            e.push(
                "inv_Status",
                "out_of_turn",
                format!(
                    "an investigation {} cannot {}",
                    self.as_str(),
                    step.as_str()
                ),
            );
            return Err(e);
        };
        if !step.allowed(standing) {
            e.push(
                "inv_Party",
                "not_allowed",
                format!("{} is not for this user", step.as_str()),
            );
            return Err(e);
        }
        let reason = reason.trim();
        if !step.needs_reason() {
            return Ok((next, None));
        }
        if reason.is_empty() {
            e.push("inv_Reason", "required", "say why");
        }
        check_characters(&mut e, "inv_Reason", reason, true);
        if reason.chars().count() > MAX_LONG_TEXT {
            e.push("inv_Reason", "max_length", "too long");
        }
        e.into_result((next, Some(reason.to_string())))
    }
}
