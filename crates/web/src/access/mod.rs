//! Access, declared where each route is registered.
//!
//! Every route goes through [`Routes`], whose `get` and `post` take an [`Access`]: a route
//! without a declaration does not compile. The declaration is checked by a layer of that
//! route alone, before its handler runs:
//!
//! - [`Access::Public`]: nobody is signed in for it.
//! - [`Access::SignedIn`]: a session (pages: else the sign-in page) or a bearer token (API: else
//!   401).
//! - [`Access::Global`]: the role grants the action (else the same 404 as a missing page).
//! - [`Access::Record`]: the record the path names is loaded, the user's relation to it
//!   computed, and the action decided once: a record out of reach answers exactly like a
//!   missing one (404); a record the user may read but not act on this way answers 403. The
//!   loaded record reaches the handler only through its kind's extractor ([`CaseAccess`],
//!   [`ScreeningAccess`], …), which nothing else can construct.
//!
//! Forms are read through [`CsrfForm`], which refuses (403) a form whose token is not the
//! session's before the handler runs; the declaration says which posts take a form
//! ([`Body::Form`]), so the route table knows every route that needs the token.
//!
//! [`route_table`](crate::route_table) lists the same declarations the router serves (one
//! list feeds both).

mod check;
mod csrf;
mod records;
mod session;
#[cfg(test)]
mod tests;
mod token;

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::routing::{MethodRouter, get, post};
use tabara_core::permissions::Action;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::state::AppState;

pub use csrf::CsrfForm;
pub use records::{
    AccountAccess, CaseAccess, CasePersonAccess, CertificateAccess, CustodyAccess, DossierAccess,
    OrganisationAccess, ParticipantAccess, ReferralAccess, RequestAccess, ScreeningAccess,
    ServiceProviderAccess, SessionAccess,
};
pub use session::{CurrentUser, cookie, mask_token, masked_token_matches, visitor_lang};
pub(crate) use session::{
    LANG_COOKIE, presignin_cookie_name, random_token, session_cookie_name, set_cookie,
};
pub use token::ApiUser;

/// What a route needs of the one asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in user (pages: a session; API: a bearer token), whatever the role.
    SignedIn,
    /// A signed-in user whose role grants this action, which is not about one record; anyone
    /// else gets the same 404 as for a page that does not exist.
    Global(Action),
    /// The action on the record of this kind that the path names: out of reach (or missing)
    /// is 404; readable but the action refused is 403 (except where [`Kind`] says otherwise).
    Record(Kind, Action),
}

/// The kinds of record a path names, each loaded by the access check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A case by number (`{number}` on pages, `{reference}` in the API, e.g. `TBR-000123`);
    /// the action is decided on the user's relation to it.
    Case,
    /// A person of a case (`{number}`, `{person}`): reading the case is needed, and the action
    /// on the case; a refused action answers 404 too (the person is out of reach).
    CasePerson,
    /// A screening by id (`{id}`), decided on the user's relation to its case.
    Screening,
    /// A training session by id (`{id}`); the action is global (a trainer's).
    TrainingSession,
    /// A participant of a training session by id (`{id}`); the action is global.
    Participant,
    /// A certificate by id (`{id}`); the action is global.
    Certificate,
    /// A certificate by id (`{id}`) that its holder reaches too: the user whose account it was
    /// issued to, or a role granted the action.
    OwnCertificate,
    /// A user account by user name (`{username}`); the action is global.
    User,
    /// An organisation by id (`{id}`); the action is global.
    Organisation,
    /// An account request by id (`{id}`, a UUID); the action is global. A request that no
    /// longer waits is left for the store to refuse.
    AccountRequest,
    /// A referral by id (`{id}`). The sending agency reaches it through its case: the case
    /// must be readable and the action is decided on the user's relation to the case (403 when
    /// refused). The addressed agency reaches it only as core's
    /// [`ReferralState::shares_with`](tabara_core::referral::ReferralState::shares_with) says:
    /// its supervisors and the user it is assigned to, from the moment it is sent until it is
    /// declined or cancelled, in a role that reads case content; the action is then theirs (a
    /// referral is the work of the agency it is addressed to). Everyone else, the addressed
    /// agency's other users included, gets the 404 of a missing record. Which step each party
    /// may take is core's state machine, refused with a translated error.
    Referral,
    /// A person of a case (`{number}`, `{person}`) whose support plan is read or written: as
    /// [`Kind::CasePerson`] through the case, and also by the assignee or a supervisor of an
    /// agency that accepted a referral of this person in this case and works on it (accepted
    /// or in progress), who reach the support plan without reaching the case; the action is
    /// then decided as on a case shared with their agency for editing. Anyone else: 404.
    SupportPerson,
    /// A provider of the services directory by id (`{id}`); the action is global.
    ServiceProvider,
    /// A provider of the services directory by id (`{id}`) that its own agency reaches too:
    /// a user of the provider's organisation (who knows how many places are free), or a role
    /// granted the action (administrators manage the directory). Anyone else gets the 404 of
    /// a missing provider. A kind rather than a new `Action`: who may report is a relation
    /// to the record, not a grant of the role.
    OwnServiceProvider,
    /// A suspect's custody record by id (`{id}`): through its case (the action decided on the
    /// user's relation to the case, 403 when refused), or, to read only, by a legal-aid user of
    /// the organisation the record was given to, who reaches nothing else of the case (a write
    /// answers 403). Anyone else: 404.
    Custody,
    /// A dossier for the prosecutor by id (`{id}`): through its case (the action decided on
    /// the user's relation to the case, 403 when refused), or, to read only, by a prosecutor of
    /// the office it was sent to (a write answers 403). Anyone else: 404.
    Dossier,
}

/// What the body of a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body (every `GET`).
    None,
    /// An HTML form (`application/x-www-form-urlencoded`) carrying the session's CSRF token,
    /// read through `CsrfForm`; sign-in and the language switch, which come before a session,
    /// carry the double-submit token instead.
    Form,
    /// A multipart form whose first field is the CSRF token (file uploads).
    Multipart,
    /// A JSON document (API; a bearer token, no cookie, so no CSRF token).
    Json,
    /// A JSON document carrying a file in base64 (API, as [`Body::Json`]), bounded by the
    /// largest upload instead of 256 KB.
    JsonUpload,
    /// A phone's OpenRosa submission (`multipart/form-data`: the instance and its attachments),
    /// bounded by the size the preflight announces; no cookie, so no CSRF token.
    OpenRosa,
}

/// One route as registered: method, path pattern, access and body.
#[derive(Debug, Clone)]
pub struct RouteInfo {
    /// `"GET"` or `"POST"`.
    pub method: &'static str,
    /// The axum pattern as registered, e.g. `"/cases/{number}/persons/{person}"`.
    pub path: &'static str,
    /// What the route needs of the one asking.
    pub access: Access,
    /// What its body is.
    pub body: Body,
}

/// The largest body of a request other than an upload.
pub(crate) const MAX_BODY: usize = 256 * 1024;

/// The largest JSON document carrying a file: the default upload limit in base64, and room
/// for the other fields.
pub(crate) const MAX_JSON_UPLOAD: usize =
    (tabara_core::files::DEFAULT_MAX_BYTES as usize).div_ceil(3) * 4 + 4096;

/// The routes of an area: each registered with its access declaration.
pub(crate) struct Routes {
    router: Router<AppState>,
    table: Vec<RouteInfo>,
}

impl Routes {
    /// No route yet.
    pub(crate) fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        access: Access,
        body: Body,
        route: MethodRouter<AppState>,
    ) -> Routes {
        let side = if path.starts_with("/api/") {
            check::Side::Api
        } else if path.starts_with("/openrosa/") {
            check::Side::Field
        } else {
            check::Side::Page
        };
        let route = route.route_layer(axum::middleware::from_fn(move |request, next| {
            check::check(access, side, request, next)
        }));
        // Each route's body is bounded as it is declared: a form or a document to 256 KB; an
        // upload streams to the store, which stops at the configured file size, and may take
        // longer over a slow link than the 30 s any other request has.
        let route: MethodRouter<AppState> = match body {
            Body::Multipart => route
                .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::disable())
                .layer::<_, Infallible>(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30 * 60),
                )),
            Body::OpenRosa => route
                .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::disable())
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(
                    crate::field::ACCEPT_CONTENT_LENGTH + 64 * 1024,
                ))
                .layer::<_, Infallible>(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(10 * 60),
                )),
            Body::JsonUpload => route
                .layer::<_, Infallible>(axum::extract::DefaultBodyLimit::disable())
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(MAX_JSON_UPLOAD))
                .layer::<_, Infallible>(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(5 * 60),
                )),
            _ => route
                .layer::<_, Infallible>(RequestBodyLimitLayer::new(MAX_BODY))
                .layer::<_, Infallible>(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(30),
                )),
        };
        self.router = self.router.route(path, route);
        self.table.push(RouteInfo {
            method,
            path,
            access,
            body,
        });
        self
    }

    /// A `GET` route.
    pub(crate) fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, access, Body::None, get(handler))
    }

    /// A `POST` route whose body is `body`.
    pub(crate) fn post<H, T>(
        self,
        path: &'static str,
        access: Access,
        body: Body,
        handler: H,
    ) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, access, body, post(handler))
    }

    /// These routes and those of another area.
    pub(crate) fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    /// The router and the table of what it serves.
    pub(crate) fn into_parts(self) -> (Router<AppState>, Vec<RouteInfo>) {
        (self.router, self.table)
    }
}
