//! The access policy, written out from the documentation of `crates/core/src/permissions.rs`
//! and `docs/security.md` as tables: who reaches a case and through which relations, what
//! each role does on a case it reaches, whose identity it reads, and the actions that are not
//! about one record. The matrix takes its expected answers from here, never from `decide` or
//! `Store::relation`, which the server calls: a rule changed there and not here fails.

use tabara_core::Picklist;
use tabara_core::permissions::Action;
use tabara_core::records::PersonRole;

use crate::common::*;

/// One way a user stands to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// Whichever way the user reaches the case.
    Reach,
    SameAgency,
    SameOffice,
    /// The user's agency's case, opened at the user's office.
    SameAgencyAndOffice,
    Assigned,
    Shared,
    SharedForEditing,
    Minor,
}

/// How a user stands to a case, computed here from how the fixture was made.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Rel {
    pub(crate) same_agency: bool,
    pub(crate) same_office: bool,
    pub(crate) assigned: bool,
    pub(crate) shared: bool,
    pub(crate) shared_for_editing: bool,
    pub(crate) minor: bool,
}

impl Rel {
    pub(crate) fn has(self, via: Via) -> bool {
        match via {
            Via::Reach => true,
            Via::SameAgency => self.same_agency,
            Via::SameOffice => self.same_office,
            Via::SameAgencyAndOffice => self.same_agency && self.same_office,
            Via::Assigned => self.assigned,
            Via::Shared => self.shared,
            Via::SharedForEditing => self.shared_for_editing,
            Via::Minor => self.minor,
        }
    }
}

use Via::*;

/// Who reaches (reads) a case, and through which relations. A role not listed reaches none:
/// administrators, analysts and trainers never see case content, and legal aid sees only
/// its clients' records (no client link exists yet).
const REACH: &[(Role, &[Via])] = &[
    // Border and station officers: their office's cases and what is given to them.
    (Role::Officer, &[SameOffice, Assigned]),
    // Judicial police and supervisors: their agency's cases and those shared with it.
    (Role::Investigator, &[SameAgency, Assigned, Shared]),
    (Role::Supervisor, &[SameAgency, Assigned, Shared]),
    // The prosecutor reads the dossiers sent to the prosecution.
    (Role::Prosecutor, &[Shared, Assigned]),
    // Partners: their own cases and the ones referred or shared to them.
    (Role::Caseworker, &[SameAgency, Assigned, Shared]),
    // Child protection also sees every case of a child.
    (
        Role::ChildProtection,
        &[SameAgency, Assigned, Shared, Minor],
    ),
];

/// What a role does on a case it reaches, and through which relations. Not listed: refused.
const ACTS: &[(Role, Action, &[Via])] = &[
    (Role::Officer, Action::ReadCase, &[Reach]),
    (Role::Officer, Action::CommentCase, &[Reach]),
    (Role::Officer, Action::EditCase, &[Reach]),
    // Another agency's case at the officer's post is worked on, never shared onwards.
    (Role::Officer, Action::ShareCase, &[SameAgencyAndOffice]),
    (Role::Investigator, Action::ReadCase, &[Reach]),
    (Role::Investigator, Action::CommentCase, &[Reach]),
    (
        Role::Investigator,
        Action::EditCase,
        &[SameAgency, Assigned, SharedForEditing],
    ),
    (Role::Investigator, Action::ShareCase, &[SameAgency]),
    (Role::Caseworker, Action::ReadCase, &[Reach]),
    (Role::Caseworker, Action::CommentCase, &[Reach]),
    (
        Role::Caseworker,
        Action::EditCase,
        &[SameAgency, Assigned, SharedForEditing],
    ),
    (Role::Caseworker, Action::ShareCase, &[SameAgency]),
    (Role::ChildProtection, Action::ReadCase, &[Reach]),
    (Role::ChildProtection, Action::CommentCase, &[Reach]),
    (
        Role::ChildProtection,
        Action::EditCase,
        &[SameAgency, Assigned, Minor, SharedForEditing],
    ),
    (Role::ChildProtection, Action::ShareCase, &[SameAgency]),
    (Role::Supervisor, Action::ReadCase, &[Reach]),
    (Role::Supervisor, Action::CommentCase, &[Reach]),
    (
        Role::Supervisor,
        Action::EditCase,
        &[SameAgency, SharedForEditing],
    ),
    (Role::Supervisor, Action::ShareCase, &[SameAgency]),
    (Role::Supervisor, Action::AssignCase, &[SameAgency]),
    (Role::Supervisor, Action::ReadCaseAudit, &[SameAgency]),
    // The prosecutor reads dossiers and changes nothing.
    (Role::Prosecutor, Action::ReadCase, &[Reach]),
];

/// Whose identity a role reads on a case it reaches.
const IDENTITIES: &[(Role, &[PersonRole])] = &[
    (Role::Officer, PersonRole::ALL),
    (Role::Investigator, PersonRole::ALL),
    (Role::Supervisor, PersonRole::ALL),
    // The dossier refers to victims without their identity.
    (
        Role::Prosecutor,
        &[PersonRole::Suspect, PersonRole::Witness],
    ),
    // Victim assistance reads the victims.
    (Role::Caseworker, &[PersonRole::Victim]),
    (Role::ChildProtection, &[PersonRole::Victim]),
];

/// The actions that are not about one record, and the roles they are granted to.
const GLOBAL: &[(Action, &[Role])] = &[
    (
        Action::CreateCase,
        &[
            Role::Officer,
            Role::Investigator,
            Role::Caseworker,
            Role::ChildProtection,
        ],
    ),
    (Action::ReadStatistics, &[Role::Analyst, Role::Supervisor]),
    (Action::ManageUsers, &[Role::Admin]),
    (Action::ManageOrganisations, &[Role::Admin]),
    (Action::ManageTraining, &[Role::Trainer]),
    (Action::ReadDirectory, Role::ALL),
];

pub(crate) fn may_global(role: Role, action: Action) -> bool {
    GLOBAL
        .iter()
        .any(|(a, roles)| *a == action && roles.contains(&role))
}

pub(crate) fn reaches(role: Role, rel: Rel) -> bool {
    REACH
        .iter()
        .any(|(r, vias)| *r == role && vias.iter().any(|v| rel.has(*v)))
}

pub(crate) fn reads_identity(role: Role, rel: Rel, person: PersonRole) -> bool {
    reaches(role, rel)
        && IDENTITIES
            .iter()
            .any(|(r, persons)| *r == role && persons.contains(&person))
}

pub(crate) fn may_on_case(role: Role, action: Action, rel: Rel) -> bool {
    if !reaches(role, rel) {
        return false;
    }
    if action == Action::ReadIdentity {
        return PersonRole::ALL
            .iter()
            .any(|p| reads_identity(role, rel, *p));
    }
    ACTS.iter()
        .any(|(r, a, vias)| *r == role && *a == action && vias.iter().any(|v| rel.has(*v)))
}

/// The answer a request should get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// Through the gate: anything but 401, 403, 404, a 5xx or the sign-in page (a form with
    /// no fields may well answer 400 or 422: the gate let it through).
    Allowed,
    /// The same 404 as a missing record.
    NotFound,
    /// 403: the record is readable, the action is not allowed.
    Forbidden,
    /// A page for signed-in users, asked anonymously: 303 to `/signin?next=` the page.
    SignIn,
    /// An API route asked without a token: 401.
    Unauthorized,
    /// Signed out: 303 to the sign-in page, and the session no longer opens pages.
    SignedOut,
}

impl Want {
    pub(crate) fn refused(self) -> bool {
        self != Want::Allowed
    }

    /// Whether an answer to `path` is this one.
    pub(crate) fn matches(self, path: &str, status: u16, location: Option<&str>) -> bool {
        let to_sign_in = status == 303 && location.is_some_and(|l| l.starts_with("/signin"));
        match self {
            Want::Allowed => !matches!(status, 401 | 403 | 404) && status < 500 && !to_sign_in,
            Want::NotFound => status == 404,
            Want::Forbidden => status == 403,
            // Back to the page asked for, once signed in.
            Want::SignIn => status == 303 && location == Some(&format!("/signin?next={path}")),
            Want::Unauthorized => status == 401,
            Want::SignedOut => status == 303 && location == Some("/signin"),
        }
    }
}
