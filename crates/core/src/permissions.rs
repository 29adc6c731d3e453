//! Who may do what: a pure decision over the user's role, the action, and how the user stands
//! to the record. Deny unless a rule allows.
//!
//! A role grants kinds of action; the record's agency and its sharing grant the record
//! (need-to-know). The relation of a user to a record is computed by the caller (the store
//! knows agencies, offices, assignments and shares) and passed in as [`Relation`]; this module
//! only decides. Every decision names its reason, so a refusal can be explained and audited.

use serde::Serialize;

use crate::picklist::{Picklist, picklist};
use crate::records::PersonRole;
use crate::role::Role;

picklist! {
    /// What a user wants to do.
    Action, fields [] {
        /// Open a new case (and register the persons in it).
        CreateCase = "case.create", "Open a case", "Ouvrir un dossier";
        /// See a case's facts, persons (without identity), comments.
        ReadCase = "case.read", "Read a case", "Lire un dossier";
        /// Change a case's facts, its persons and their context.
        EditCase = "case.edit", "Edit a case", "Modifier un dossier";
        /// Add a comment to a case.
        CommentCase = "case.comment", "Comment on a case", "Commenter un dossier";
        /// Read the names, date of birth and contacts of persons of a case: allowed when the
        /// user may read the identity of at least one kind of person of the case (which
        /// persons is [`decide_identity`]'s answer).
        ReadIdentity = "identity.read", "Read identities", "Lire les identités";
        /// Give another agency access to a case, with a reason.
        ShareCase = "case.share", "Share a case", "Partager un dossier";
        /// Give a case to a user of the agency.
        AssignCase = "case.assign", "Assign a case", "Attribuer un dossier";
        /// Read who did what on a case (its audit trail).
        ReadCaseAudit = "case.audit", "Read a case's audit trail", "Lire la piste d'audit d'un dossier";
        /// See anonymised statistics and dashboards.
        ReadStatistics = "statistics.read", "Read statistics", "Lire les statistiques";
        /// Create, disable and reset user accounts.
        ManageUsers = "users.manage", "Manage users", "Gérer les utilisateurs";
        /// Create and edit organisations and offices.
        ManageOrganisations = "organisations.manage", "Manage organisations", "Gérer les structures";
        /// Read organisations and offices (directory).
        ReadDirectory = "directory.read", "Read the directory", "Consulter l'annuaire";
        /// Run the training programme: sessions, participants, attendance, scores, certificates.
        ManageTraining = "training.manage", "Manage training", "Gérer les formations";
        /// Give the agency's phones out and revoke them, and review what phones sent (offline
        /// field capture): the agency's supervisors, who read its case content.
        ManageFieldCapture = "field.manage", "Manage field phones and their submissions", "Gérer les téléphones de terrain et leurs envois";
    }
}

/// How a user stands to one record. Computed by the caller from the record's agency, office,
/// owner, assignment and shares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// The record belongs to the user's agency.
    pub same_agency: bool,
    /// The record was opened at the user's office.
    pub same_office: bool,
    /// The record is assigned to the user (or the user owns it).
    pub assigned: bool,
    /// The record was explicitly shared with the user's agency (to read and comment).
    pub shared_with_agency: bool,
    /// The share with the user's agency also lets it edit the record (implies
    /// `shared_with_agency`).
    pub shared_for_editing: bool,
    /// A person of the record is a child (under 18, or of uncertain age and presumed a child).
    pub involves_minor: bool,
}

impl Relation {
    /// Every way of reaching a record at once: what a role may do at best (to show a link or
    /// a search box, never to grant access to a record).
    pub const ANY: Relation = Relation {
        same_agency: true,
        same_office: true,
        assigned: true,
        shared_with_agency: true,
        shared_for_editing: true,
        involves_minor: true,
    };
}

/// The outcome of a check, with the rule that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum Decision {
    /// Allowed, and why.
    Allow(&'static str),
    /// Refused, and why.
    Deny(&'static str),
}

impl Decision {
    /// Whether the action may go ahead.
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allow(_))
    }
}

/// Actions that are not about one record.
fn is_global(action: Action) -> bool {
    matches!(
        action,
        Action::CreateCase
            | Action::ReadStatistics
            | Action::ManageUsers
            | Action::ManageOrganisations
            | Action::ReadDirectory
            | Action::ManageTraining
            | Action::ManageFieldCapture
    )
}

/// Whether `role` reads identities on some record (any relation at all): the roles that need
/// the second-administrator approval and, by default, the second factor.
pub fn reads_identities(role: Role) -> bool {
    (0u8..64).any(|bits| {
        let relation = Relation {
            same_agency: bits & 1 != 0,
            same_office: bits & 2 != 0,
            assigned: bits & 4 != 0,
            shared_with_agency: bits & 8 != 0,
            involves_minor: bits & 16 != 0,
            shared_for_editing: bits & 32 != 0,
        };
        decide(role, Action::ReadIdentity, Some(relation)).allowed()
    }) || decide(role, Action::ReadIdentity, None).allowed()
}

/// Decide whether `role` may take `action`, on a record standing in `relation` to the user
/// (`None` for actions that are not about one record).
pub fn decide(role: Role, action: Action, relation: Option<Relation>) -> Decision {
    use Action::*;
    use Decision::*;
    use Role::*;

    if is_global(action) {
        return match (role, action) {
            (Admin, ManageUsers | ManageOrganisations | ReadDirectory) => Allow("administration"),
            (Admin, _) => Deny("administrators manage the system, not case content"),
            (Officer | Investigator | Caseworker | ChildProtection, CreateCase) => {
                Allow("role records intake")
            }
            (Analyst | Supervisor, ReadStatistics) => Allow("role reads statistics"),
            (Trainer, ReadStatistics) => Deny("trainers read training figures only"),
            (Trainer, ManageTraining) => Allow("role runs the training programme"),
            (Supervisor, ManageFieldCapture) => {
                Allow("supervisors give out the agency's phones and review what they send")
            }
            (_, ReadDirectory) => Allow("every signed-in user reads the directory"),
            _ => Deny("role does not grant this action"),
        };
    }

    let Some(r) = relation else {
        return Deny("a record is needed for this action");
    };
    // Roles that never see case content, whatever the record.
    match role {
        Admin => return Deny("administrators manage the system, not case content"),
        Analyst => return Deny("analysts see anonymised statistics, never records"),
        Trainer => return Deny("trainers do not see case records"),
        LegalAid => {
            return Deny("legal aid sees only the custody record of the suspect they defend");
        }
        _ => {}
    }

    let reach = match role {
        // Border and station officers work on their office's cases and what is given to them.
        Officer => r.assigned || r.same_office,
        // Judicial police and supervisors see their agency's cases and those shared with it.
        Investigator | Supervisor => r.same_agency || r.assigned || r.shared_with_agency,
        // The prosecutor reads the dossiers sent to the prosecution.
        Prosecutor => r.shared_with_agency || r.assigned,
        // Partners see their own cases and the ones referred or shared to them.
        Caseworker => r.same_agency || r.assigned || r.shared_with_agency,
        // Child protection also sees every case of a minor.
        ChildProtection => r.same_agency || r.assigned || r.shared_with_agency || r.involves_minor,
        Admin | Analyst | Trainer | LegalAid => false,
    };
    if !reach {
        return Deny("the record is neither the user's agency's, nor assigned, nor shared with it");
    }

    match (role, action) {
        (_, ReadCase) => Allow("need to know: the record is within the user's reach"),
        (_, ReadIdentity) => {
            if PersonRole::ALL
                .iter()
                .any(|p| decide_identity(role, r, *p).allowed())
            {
                Allow("the role reads the identity of some persons of the record")
            } else {
                Deny("the role reads no identity on this record")
            }
        }
        (Prosecutor, _) => Deny("the prosecutor reads dossiers and does not change them"),
        (_, CommentCase) => Allow("need to know: the record is within the user's reach"),
        (Officer, EditCase) if r.assigned || r.same_office => Allow("the officer's office's case"),
        (Investigator | Caseworker | ChildProtection, EditCase) if r.same_agency || r.assigned => {
            Allow("the agency's own record, or assigned to the user")
        }
        (ChildProtection, EditCase) if r.involves_minor => {
            Allow("child protection works on every case of a child")
        }
        (Supervisor, EditCase | AssignCase | ReadCaseAudit) if r.same_agency => {
            Allow("supervisor of the owning agency")
        }
        (Investigator | Caseworker | ChildProtection | Supervisor, EditCase)
            if r.shared_with_agency && r.shared_for_editing =>
        {
            Allow("the owning agency shared the record for editing")
        }
        (Supervisor | Investigator | Caseworker | ChildProtection, ShareCase) if r.same_agency => {
            Allow("the owning agency shares its records")
        }
        (Officer, ShareCase) if r.same_agency && r.same_office => {
            Allow("the officer's agency's case, opened at their office")
        }
        (_, ShareCase) => Deny("only the owning agency shares a record"),
        (_, EditCase) if r.shared_with_agency => {
            Deny("a shared record is read and commented on, not edited, unless shared for editing")
        }
        _ => Deny("role does not grant this action on this record"),
    }
}

/// Decide whether `role` may read the identity (names, date of birth, document number,
/// contacts, address, notes) of a person who plays `person` in a case standing in `relation`
/// to the user. The case must be within the user's reach ([`decide`] `ReadCase`), and the
/// role must read that kind of person:
///
/// - officer, investigator, supervisor: every person of the case;
/// - prosecutor: suspects and witnesses (the dossier refers to victims without their identity);
/// - caseworker, child protection: victims only;
/// - legal aid: only their clients (suspects they defend); there is no client link yet, so none;
/// - analyst, administrator, trainer: none.
pub fn decide_identity(role: Role, relation: Relation, person: PersonRole) -> Decision {
    use Decision::*;
    use PersonRole::*;
    use Role::*;
    if !decide(role, Action::ReadCase, Some(relation)).allowed() {
        return Deny("the record is not within the user's reach");
    }
    match (role, person) {
        (Officer | Investigator | Supervisor, _) => {
            Allow("the investigating services read every person of their cases")
        }
        (Prosecutor, Suspect | Witness) => Allow("the prosecutor reads the suspects and witnesses"),
        (Prosecutor, Victim) => Deny("the dossier refers to victims without their identity"),
        (Prosecutor, Other) => Deny("the prosecutor reads the suspects and witnesses only"),
        (Caseworker | ChildProtection, Victim) => Allow("victim assistance reads the victims"),
        (Caseworker | ChildProtection, _) => Deny("victim assistance reads the victims only"),
        (LegalAid, _) => Deny("legal aid reads only their clients, and no client is linked yet"),
        (Admin | Analyst | Trainer, _) => Deny("the role reads no identity"),
    }
}

/// The kinds of person whose identity `role` may read on a case within their reach: the
/// name search matches only these (see [`decide_identity`]). Within reach the answer depends
/// on the role and the person's role only, which the unit matrix checks for every relation;
/// the list query supplies the reach.
pub fn identity_person_roles(role: Role) -> Vec<PersonRole> {
    PersonRole::ALL
        .iter()
        .copied()
        .filter(|p| decide_identity(role, Relation::ANY, *p).allowed())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picklist::Picklist;

    const OWN: Relation = Relation {
        same_agency: true,
        same_office: true,
        assigned: false,
        shared_with_agency: false,
        shared_for_editing: false,
        involves_minor: false,
    };
    const AGENCY: Relation = Relation {
        same_agency: true,
        same_office: false,
        assigned: false,
        shared_with_agency: false,
        shared_for_editing: false,
        involves_minor: false,
    };
    const SHARED: Relation = Relation {
        same_agency: false,
        same_office: false,
        assigned: false,
        shared_with_agency: true,
        shared_for_editing: false,
        involves_minor: false,
    };
    const SHARED_EDIT: Relation = Relation {
        shared_for_editing: true,
        ..SHARED
    };
    /// Another agency's case opened at the user's office (a border post receives cases that
    /// a partner agency owns).
    const OFFICE_ONLY: Relation = Relation {
        same_office: true,
        ..OTHER
    };
    const OTHER: Relation = Relation {
        same_agency: false,
        same_office: false,
        assigned: false,
        shared_with_agency: false,
        shared_for_editing: false,
        involves_minor: false,
    };
    const OTHER_MINOR: Relation = Relation {
        involves_minor: true,
        ..OTHER
    };

    /// Every relation the cell-by-cell tests walk, by name.
    const RELATIONS: [(&str, Relation); 7] = [
        ("own office", OWN),
        ("own agency", AGENCY),
        ("shared", SHARED),
        ("shared for editing", SHARED_EDIT),
        ("office only", OFFICE_ONLY),
        ("other", OTHER),
        ("other, minor", OTHER_MINOR),
    ];

    /// The expected matrix, one line per role and relation: the actions allowed.
    /// Everything not listed is denied.
    fn expected(role: Role, relation: &str) -> &'static [Action] {
        use Action::*;
        use Role::*;
        const READ_WORK: &[Action] = &[ReadCase, ReadIdentity, CommentCase, EditCase];
        const READ_COMMENT: &[Action] = &[ReadCase, ReadIdentity, CommentCase];
        match (role, relation) {
            (Officer, "own office") => &[ReadCase, ReadIdentity, CommentCase, EditCase, ShareCase],
            // Another agency's case at the officer's post: worked on, never shared onwards.
            (Officer, "office only") => READ_WORK,
            (Investigator | Caseworker, "own office" | "own agency") => {
                &[ReadCase, ReadIdentity, CommentCase, EditCase, ShareCase]
            }
            (ChildProtection, "own office" | "own agency") => {
                &[ReadCase, ReadIdentity, CommentCase, EditCase, ShareCase]
            }
            (Supervisor, "own office" | "own agency") => &[
                ReadCase,
                ReadIdentity,
                CommentCase,
                EditCase,
                ShareCase,
                AssignCase,
                ReadCaseAudit,
            ],
            (Supervisor | Investigator | Caseworker | ChildProtection, "shared") => READ_COMMENT,
            (Supervisor | Investigator | Caseworker | ChildProtection, "shared for editing") => {
                READ_WORK
            }
            (Prosecutor, "shared" | "shared for editing") => &[ReadCase, ReadIdentity],
            (ChildProtection, "other, minor") => READ_WORK,
            _ => &[],
        }
    }

    #[test]
    fn record_matrix_cell_by_cell() {
        let mut wrong = Vec::new();
        for role in Role::ALL {
            for (name, relation) in RELATIONS {
                for action in Action::ALL.iter().filter(|a| !is_global(**a)) {
                    let want = expected(*role, name).contains(action);
                    let got = decide(*role, *action, Some(relation));
                    if got.allowed() != want {
                        wrong.push(format!("{role} {action} on {name}: got {got:?}"));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn global_actions() {
        use Action::*;
        use Role::*;
        let allowed = |role, action| decide(role, action, None).allowed();
        for role in Role::ALL {
            assert_eq!(allowed(*role, ManageUsers), *role == Admin, "{role}");
            assert_eq!(
                allowed(*role, ManageOrganisations),
                *role == Admin,
                "{role}"
            );
            assert!(allowed(*role, ReadDirectory), "{role}");
            assert_eq!(allowed(*role, ManageTraining), *role == Trainer, "{role}");
            assert_eq!(
                allowed(*role, ManageFieldCapture),
                *role == Supervisor,
                "{role}"
            );
            assert_eq!(
                allowed(*role, CreateCase),
                matches!(role, Officer | Investigator | Caseworker | ChildProtection),
                "{role}"
            );
            assert_eq!(
                allowed(*role, ReadStatistics),
                matches!(role, Analyst | Supervisor),
                "{role}"
            );
        }
    }

    #[test]
    fn assignment_opens_a_record_to_working_roles() {
        let assigned = Relation {
            assigned: true,
            ..OTHER
        };
        for role in [
            Role::Officer,
            Role::Investigator,
            Role::Caseworker,
            Role::ChildProtection,
        ] {
            assert!(
                decide(role, Action::EditCase, Some(assigned)).allowed(),
                "{role}"
            );
        }
        for role in [Role::Admin, Role::Analyst, Role::Trainer, Role::LegalAid] {
            assert!(
                !decide(role, Action::ReadCase, Some(assigned)).allowed(),
                "{role}"
            );
        }
    }

    #[test]
    fn record_actions_need_a_record() {
        assert_eq!(
            decide(Role::Supervisor, Action::ReadCase, None),
            Decision::Deny("a record is needed for this action")
        );
    }

    /// Whose identity each role reads, on a case within its reach; everything not listed is
    /// refused.
    fn expected_identity(role: Role) -> &'static [PersonRole] {
        use PersonRole::*;
        use Role::*;
        match role {
            Officer | Investigator | Supervisor => &[Victim, Suspect, Witness, Other],
            Prosecutor => &[Suspect, Witness],
            Caseworker | ChildProtection => &[Victim],
            LegalAid | Analyst | Admin | Trainer => &[],
        }
    }

    #[test]
    fn identity_by_person_role_cell_by_cell() {
        let mut wrong = Vec::new();
        for role in Role::ALL {
            for (name, relation) in RELATIONS {
                let reach = decide(*role, Action::ReadCase, Some(relation)).allowed();
                for person in PersonRole::ALL {
                    let want = reach && expected_identity(*role).contains(person);
                    let got = decide_identity(*role, relation, *person);
                    if got.allowed() != want {
                        wrong.push(format!(
                            "{role} identity of a {person} on {name}: got {got:?}"
                        ));
                    }
                }
                // `ReadIdentity` on the record: some person's identity is readable.
                let some = reach && !expected_identity(*role).is_empty();
                if decide(*role, Action::ReadIdentity, Some(relation)).allowed() != some {
                    wrong.push(format!("{role} ReadIdentity on {name}"));
                }
            }
            assert_eq!(
                identity_person_roles(*role),
                expected_identity(*role),
                "{role}"
            );
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn sharing_is_the_owning_agencys_act() {
        for role in Role::ALL {
            for relation in [OFFICE_ONLY, SHARED, SHARED_EDIT, OTHER_MINOR] {
                assert!(
                    !decide(*role, Action::ShareCase, Some(relation)).allowed(),
                    "{role} shares {relation:?}"
                );
            }
        }
    }
}
