//! The ten roles of Tabara's users (PRODUCT.md). A role grants kinds of action; the record's
//! agency and sharing grant the record (enforced from the web issue on).

use crate::picklist::picklist;

picklist! {
    /// What a user does, and so which kinds of action they may take.
    Role, fields [] {
        Officer = "officer", "Officer", "Officier";
        Investigator = "investigator", "Investigator", "Enquêteur";
        Supervisor = "supervisor", "Supervisor", "Superviseur";
        Prosecutor = "prosecutor", "Prosecutor", "Procureur";
        Caseworker = "caseworker", "Caseworker", "Travailleur social";
        ChildProtection = "child_protection", "Child protection", "Protection de l'enfance";
        LegalAid = "legal_aid", "Legal aid", "Aide juridique";
        Trainer = "trainer", "Trainer", "Formateur";
        Analyst = "analyst", "Analyst", "Analyste";
        Admin = "admin", "Administrator", "Administrateur";
    }
}

impl Role {
    /// Who decides, in HTCDS terms (`vic_TraffickingStatusDecisionMakingOrg`), when a user of
    /// this role records a trafficking status.
    pub fn decision_org(self) -> crate::htcds::DecisionMakingOrg {
        use crate::htcds::DecisionMakingOrg as O;
        match self {
            Role::Officer | Role::Investigator | Role::Supervisor => O::Police,
            Role::Prosecutor => O::CourtOrProsecution,
            Role::Caseworker | Role::ChildProtection | Role::LegalAid => O::Ngo,
            Role::Trainer | Role::Analyst | Role::Admin => O::Other,
        }
    }
}

/// Whether a sign-in name is acceptable: 1 to 64 ASCII letters, digits, '.', '-' or '_'.
pub fn is_valid_username(username: &str) -> bool {
    !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}
