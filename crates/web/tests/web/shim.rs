//! TEMPORARY: the route table as h-web will serve it (replaced by `tabara_web::route_table()`).
#![allow(dead_code)]
use tabara_core::permissions::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Global(Action),
    Record(Kind, Action),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Case,
    CasePerson,
    Screening,
    TrainingSession,
    Participant,
    Certificate,
    OwnCertificate,
    User,
    Organisation,
    AccountRequest,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    None,
    Form,
    Multipart,
    Json,
}
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub body: Body,
}

pub fn route_table() -> Vec<RouteInfo> {
    use Access::*;
    use Action::*;
    use Body::*;
    use Kind::*;
    let g = |path, access| RouteInfo {
        method: "GET",
        path,
        access,
        body: None,
    };
    let p = |path, access, body| RouteInfo {
        method: "POST",
        path,
        access,
        body,
    };
    vec![
        g("/", SignedIn),
        g("/signin", Public),
        p("/signin", Public, Form),
        p("/signout", SignedIn, Form),
        p("/lang", Public, Form),
        g("/account/password", SignedIn),
        p("/account/password", SignedIn, Form),
        g("/cases", SignedIn),
        g("/cases/new", Global(CreateCase)),
        p("/cases/new", Global(CreateCase), Form),
        g("/cases/{number}", Record(Case, ReadCase)),
        g("/cases/{number}/edit", Record(Case, EditCase)),
        p("/cases/{number}/edit", Record(Case, EditCase), Form),
        p("/cases/{number}/comments", Record(Case, CommentCase), Form),
        p("/cases/{number}/shares", Record(Case, ShareCase), Form),
        g(
            "/cases/{number}/persons/{person}",
            Record(CasePerson, ReadCase),
        ),
        g(
            "/cases/{number}/persons/{person}/edit",
            Record(CasePerson, EditCase),
        ),
        p(
            "/cases/{number}/persons/{person}/edit",
            Record(CasePerson, EditCase),
            Form,
        ),
        p(
            "/cases/{number}/persons/{person}/screenings",
            Record(Case, EditCase),
            Form,
        ),
        g("/screenings/{id}", Record(Screening, ReadCase)),
        p("/screenings/{id}", Record(Screening, EditCase), Form),
        g("/screenings/{id}/review", Record(Screening, ReadCase)),
        p(
            "/screenings/{id}/complete",
            Record(Screening, EditCase),
            Form,
        ),
        p(
            "/screenings/{id}/decision",
            Record(Screening, EditCase),
            Form,
        ),
        g("/verify", Public),
        g("/training", Global(ManageTraining)),
        g("/training/reports", Global(ManageTraining)),
        g("/training/materials", Global(ManageTraining)),
        p("/training/materials/items", Global(ManageTraining), Form),
        p("/training/materials/receive", Global(ManageTraining), Form),
        p(
            "/training/materials/distribute",
            Global(ManageTraining),
            Form,
        ),
        g("/training/reports/{name}", Global(ManageTraining)),
        g("/training/sessions/new", Global(ManageTraining)),
        p("/training/sessions/new", Global(ManageTraining), Form),
        g(
            "/training/sessions/{id}",
            Record(TrainingSession, ManageTraining),
        ),
        p(
            "/training/sessions/{id}/participants",
            Record(TrainingSession, ManageTraining),
            Form,
        ),
        p(
            "/training/sessions/{id}/register",
            Record(TrainingSession, ManageTraining),
            Form,
        ),
        g(
            "/training/sessions/{id}/test",
            Record(TrainingSession, ManageTraining),
        ),
        g(
            "/training/participants/{id}/grade",
            Record(Participant, ManageTraining),
        ),
        p(
            "/training/participants/{id}/grade",
            Record(Participant, ManageTraining),
            Form,
        ),
        p(
            "/training/sessions/{id}/certificates",
            Record(TrainingSession, ManageTraining),
            Form,
        ),
        g(
            "/training/sessions/{id}/certificates.pdf",
            Record(TrainingSession, ManageTraining),
        ),
        g(
            "/training/certificates/{id}/pdf",
            Record(OwnCertificate, ManageTraining),
        ),
        p(
            "/training/certificates/{id}/revoke",
            Record(Certificate, ManageTraining),
            Form,
        ),
        g("/account/certificates", SignedIn),
        g("/admin/users", Global(ManageUsers)),
        g("/admin/users/new", Global(ManageUsers)),
        p("/admin/users/new", Global(ManageUsers), Form),
        g("/admin/users/{username}", Record(User, ManageUsers)),
        p(
            "/admin/users/{username}/disable",
            Record(User, ManageUsers),
            Form,
        ),
        p(
            "/admin/users/{username}/enable",
            Record(User, ManageUsers),
            Form,
        ),
        p(
            "/admin/users/{username}/reset",
            Record(User, ManageUsers),
            Form,
        ),
        p(
            "/admin/requests/{id}/approve",
            Record(AccountRequest, ManageUsers),
            Form,
        ),
        p(
            "/admin/requests/{id}/refuse",
            Record(AccountRequest, ManageUsers),
            Form,
        ),
        g("/admin/organisations", Global(ManageOrganisations)),
        g("/admin/organisations/new", Global(ManageOrganisations)),
        p(
            "/admin/organisations/new",
            Global(ManageOrganisations),
            Form,
        ),
        g(
            "/admin/organisations/{id}",
            Record(Organisation, ManageOrganisations),
        ),
        p(
            "/admin/organisations/{id}",
            Record(Organisation, ManageOrganisations),
            Form,
        ),
        p(
            "/admin/organisations/{id}/offices",
            Record(Organisation, ManageOrganisations),
            Form,
        ),
        g("/api/v1/cases", SignedIn),
        g("/api/v1/cases/{reference}", Record(Case, ReadCase)),
        g("/api/v1/screening/catalogue", SignedIn),
        p("/api/v1/screening/evaluate", SignedIn, Json),
        g("/api/v1/screenings/{id}", Record(Screening, ReadCase)),
        g("/api/v1/training/curriculum", Global(ManageTraining)),
        g("/api/v1/training/sessions", Global(ManageTraining)),
        g(
            "/api/v1/training/sessions/{id}",
            Record(TrainingSession, ManageTraining),
        ),
        g(
            "/api/v1/training/certificates/{code}",
            Global(ManageTraining),
        ),
        g("/api/v1/training/materials", Global(ManageTraining)),
        g("/api/v1/openapi.json", Public),
        g("/api/v1/{*rest}", Public),
        g("/healthz", Public),
        g("/readyz", Public),
        g("/static/tabara.css", Public),
    ]
}
