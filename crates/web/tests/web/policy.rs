//! The access policy, written out from the documentation of `crates/core/src/permissions.rs`
//! and `docs/security.md` as tables: who reaches a case and through which relations, what
//! each role does on a case it reaches, whose identity it reads, the actions that are not
//! about one record, and what each area of the site needs (`route_needs`). The matrix takes
//! its expected answers from here, never from `decide`, `Store::relation` or the router's
//! declarations: a rule changed there and not here fails.

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
    (Action::ManageFieldCapture, &[Role::Supervisor]),
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

/// What a route needs, said from its path alone, by area — independent of what the router
/// declares (the matrix fails where the two differ, and for a route this does not know).
pub(crate) fn route_needs(method: &str, path: &str) -> Option<tabara_web::Access> {
    use Action::*;
    use tabara_web::Access::{Global, Public, Record, SignedIn};
    use tabara_web::Kind;
    let read_or_edit = if method == "GET" { ReadCase } else { EditCase };
    let access = match (method, path) {
        // Before any session: signing in, the language, the public verification of a
        // certificate, the probes, the stylesheet, the API's description and its 404s.
        ("GET" | "POST", "/signin")
        | ("POST", "/lang")
        | (
            "GET",
            "/verify"
            | "/healthz"
            | "/readyz"
            | "/static/tabara.css"
            | "/api/v1/openapi.json"
            | "/api/v1/{*rest}",
        ) => Public,
        // Any signed-in user: the home page, signing out, one's password and certificates, the
        // case list (cut to the user's reach), the screening catalogue and its evaluation.
        ("GET", "/" | "/cases" | "/account/certificates" | "/api/v1/cases")
        | ("POST", "/signout")
        | ("GET" | "POST", "/account/password")
        // The second factor: its code after the password, and one's own enrolment.
        | ("GET" | "POST", "/signin/second-factor" | "/account/second-factor")
        | ("GET", "/api/v1/screening/catalogue")
        | ("POST", "/api/v1/screening/evaluate")
        // Checking a machine-readable zone reads nothing of the register and stores nothing.
        | (_, "/documents/check")
        // The lost and stolen list: the handler says whose (see the matrix).
        | ("GET", "/documents/lost")
        // Reading a zone from a photo stores nothing; the suspect documents' list is cut to
        // the cases within reach, and the handler says whose (see the matrix).
        | ("POST", "/documents/read")
        | ("GET", "/documents/suspect")
        | ("POST", "/api/v1/mrz/check" | "/api/v1/mrz/read") => SignedIn,
        // One's own notifications: the inbox and marking read (the store finds only the
        // asker's own, so another's notification is the 404 of a missing one; see the matrix).
        ("GET", "/notifications") | ("POST", "/notifications/read-all") => SignedIn,
        ("POST", "/notifications/{id}/read") => SignedIn,
        (_, "/cases/new") => Global(CreateCase),
        // Referrals: the inbox is every signed-in user's (cut to what each reaches); a
        // referral is made from a person of a case the user changes, and reached as the
        // referral kind says (the sender through its case, the addressed agency's assignee and
        // supervisors once it is sent).
        ("GET", "/referrals" | "/api/v1/referrals" | "/api/v1/notifications") => SignedIn,
        ("GET", "/api/v1/services") => Global(ReadDirectory),
        ("GET", "/api/v1/cases/{number}/persons/{person}/risk")
        | ("GET", "/api/v1/cases/{number}/persons/{person}/documents") => {
            Record(Kind::CasePerson, ReadCase)
        }
        ("GET", "/api/v1/cases/{number}/persons/{person}/support") => {
            Record(Kind::SupportPerson, ReadCase)
        }
        (_, "/cases/{number}/persons/{person}/referrals/new")
        | ("POST", "/cases/{number}/persons/{person}/referrals") => {
            Record(Kind::CasePerson, EditCase)
        }
        ("GET", "/referrals/{id}" | "/api/v1/referrals/{id}") => Record(Kind::Referral, ReadCase),
        // A child's pathway: read with the case, recorded by those who change it (which
        // step each role may take is the pathway's rule, not the gate's).
        (_, p) if p.starts_with("/cases/{number}/persons/{person}/pathway") => {
            Record(Kind::CasePerson, read_or_edit)
        }
        ("POST", p) if p.starts_with("/referrals/{id}/") => Record(Kind::Referral, EditCase),
        // A person of a case: read with the case, edited with it; starting a screening edits
        // the case.
        ("GET", "/cases/{number}/persons/{person}") => Record(Kind::CasePerson, ReadCase),
        // Files about a person: attached by those who change the case, read by those who
        // read identities (and of that person: the matrix says 403 otherwise).
        ("POST", "/cases/{number}/persons/{person}/files") => Record(Kind::CasePerson, EditCase),
        // A travel document's zone against the person's record: read with the person (the
        // handler also needs the identity).
        ("POST", "/cases/{number}/persons/{person}/documents/compare") => {
            Record(Kind::CasePerson, ReadCase)
        }
        // Documents recorded on a person: recorded and changed by those who change the case
        // (a change opens the document, so the handler also needs the identity), opened by
        // those who read identities.
        ("GET", "/cases/{number}/persons/{person}/documents/new")
        | ("POST", "/cases/{number}/persons/{person}/documents")
        | ("POST", "/cases/{number}/persons/{person}/documents/{document}") => {
            Record(Kind::CasePerson, EditCase)
        }
        ("GET", "/cases/{number}/persons/{person}/files/{file}")
        | ("GET", "/cases/{number}/persons/{person}/documents/{document}")
        | ("GET", "/cases/{number}/persons/{person}/report") => {
            Record(Kind::CasePerson, ReadIdentity)
        }
        (_, "/cases/{number}/persons/{person}/edit") => Record(Kind::CasePerson, EditCase),
        ("POST", "/cases/{number}/persons/{person}/screenings") => Record(Kind::Case, EditCase),
        // A victim's risk assessment: read with the case, recorded by those who edit it.
        ("GET", "/cases/{number}/persons/{person}/risk") => Record(Kind::CasePerson, ReadCase),
        (_, "/cases/{number}/persons/{person}/risk/new") => Record(Kind::CasePerson, EditCase),
        // A victim's support plan: read with the case, written by those who edit it, and by
        // the agency working on the person's referral.
        ("GET", "/cases/{number}/persons/{person}/support") => {
            Record(Kind::SupportPerson, ReadCase)
        }
        (_, p) if p.starts_with("/cases/{number}/persons/{person}/support/") => {
            Record(Kind::SupportPerson, EditCase)
        }
        // The investigation of a case: read with the case, written by those who change it (the
        // store then keeps the work on the file to its lead, team and supervisors).
        ("GET", "/cases/{number}/investigation" | "/api/v1/cases/{number}/investigation") => {
            Record(Kind::Case, ReadCase)
        }
        ("POST", p) if p.starts_with("/cases/{number}/investigation") => {
            Record(Kind::Case, EditCase)
        }
        // Everyone in custody (the agency's, or legal aid's clients) and the dossiers sent to
        // a prosecutor's office: the handler says whose (see the matrix).
        ("GET", "/custody" | "/dossiers" | "/api/v1/custody" | "/api/v1/dossiers") => SignedIn,
        // A phone (a device token or Digest credentials; the handlers filter the forms by the
        // role of the account it acts for) and the supervisors' pages of the phones.
        (_, p) if p.starts_with("/openrosa/") => SignedIn,
        (_, p) if p == "/field" || p.starts_with("/field/") => Global(ManageFieldCapture),
        // A custody record: through its case, or read by the legal aid it was given to.
        ("GET", "/custody/{id}" | "/api/v1/custody/{id}") => Record(Kind::Custody, ReadCase),
        ("POST", p) if p.starts_with("/custody/{id}/") => Record(Kind::Custody, EditCase),
        // A dossier: through its case, or read by the prosecutor's office it was sent to.
        ("GET", "/dossiers/{id}" | "/api/v1/dossiers/{id}" | "/api/v1/dossiers/{id}/pdf") => {
            Record(Kind::Dossier, ReadCase)
        }
        ("POST", "/dossiers/{id}/send") => Record(Kind::Dossier, ShareCase),
        ("GET", "/cases/{number}" | "/api/v1/cases/{reference}") => Record(Kind::Case, ReadCase),
        (_, "/cases/{number}/edit") => Record(Kind::Case, EditCase),
        ("POST", "/cases/{number}/comments") => Record(Kind::Case, CommentCase),
        ("POST", "/cases/{number}/shares") => Record(Kind::Case, ShareCase),
        (_, p) if p.starts_with("/screenings/{id}") || p == "/api/v1/screenings/{id}" => {
            Record(Kind::Screening, read_or_edit)
        }
        // The training programme is the trainers'; a certificate's holder reaches its PDF.
        ("GET", "/training/certificates/{id}/pdf") => Record(Kind::OwnCertificate, ManageTraining),
        (_, p) if p.starts_with("/training/certificates/{id}") => {
            Record(Kind::Certificate, ManageTraining)
        }
        (_, p)
            if p.starts_with("/training/sessions/{id}")
                || p == "/api/v1/training/sessions/{id}" =>
        {
            Record(Kind::TrainingSession, ManageTraining)
        }
        (_, p) if p.starts_with("/training/participants/{id}") => {
            Record(Kind::Participant, ManageTraining)
        }
        (_, p) if p.starts_with("/training") || p.starts_with("/api/v1/training") => {
            Global(ManageTraining)
        }
        // Administration: accounts and their requests, organisations and their offices.
        (_, p) if p.starts_with("/admin/users/{username}") => Record(Kind::User, ManageUsers),
        (_, p) if p.starts_with("/admin/requests/{id}") => {
            Record(Kind::AccountRequest, ManageUsers)
        }
        (_, p) if p.starts_with("/admin/users") => Global(ManageUsers),
        (_, p) if p.starts_with("/admin/organisations/{id}") => {
            Record(Kind::Organisation, ManageOrganisations)
        }
        (_, p) if p.starts_with("/admin/organisations") => Global(ManageOrganisations),
        // The services directory: every signed-in user reads it, administrators manage it,
        // a provider's own agency reports its places free.
        ("GET", "/services") => Global(ReadDirectory),
        (_, "/services/new") => Global(ManageOrganisations),
        ("GET", "/services/{id}") => Record(Kind::ServiceProvider, ReadDirectory),
        (_, "/services/{id}/edit") => Record(Kind::ServiceProvider, ManageOrganisations),
        ("POST", "/services/{id}/capacity") => {
            Record(Kind::OwnServiceProvider, ManageOrganisations)
        }
        _ => return None,
    };
    Some(access)
}
