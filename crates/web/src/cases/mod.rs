//! Cases: the list (with the name search), the case page and its forms (comments, shares),
//! intake, the case and person edit forms, and the page of one person of a case.
//!
//! Every route declares its access: a case or person out of reach answers exactly like a
//! missing one (404); a case the user may read but not change this way answers 403.

mod edit;
pub(crate) mod filter;
pub(crate) mod intake;
mod list;
mod page;
mod page_forms;
mod persons;
mod words;

use tabara_core::permissions::Action;

use crate::access::{Access, Body, Kind, Routes};

/// The case pages.
pub(crate) fn router() -> Routes {
    let case = |action| Access::Record(Kind::Case, action);
    let person = |action| Access::Record(Kind::CasePerson, action);
    Routes::new()
        .get("/cases", Access::SignedIn, list::case_list)
        .get(
            "/cases/new",
            Access::Global(Action::CreateCase),
            intake::new_case_page,
        )
        .post(
            "/cases/new",
            Access::Global(Action::CreateCase),
            Body::Form,
            intake::create_case,
        )
        .get("/cases/{number}", case(Action::ReadCase), page::case_page)
        .get(
            "/cases/{number}/edit",
            case(Action::EditCase),
            edit::edit_case_page,
        )
        .post(
            "/cases/{number}/edit",
            case(Action::EditCase),
            Body::Form,
            edit::update_case,
        )
        .post(
            "/cases/{number}/comments",
            case(Action::CommentCase),
            Body::Form,
            page_forms::add_comment,
        )
        .post(
            "/cases/{number}/shares",
            case(Action::ShareCase),
            Body::Form,
            page_forms::share_case,
        )
        .get(
            "/cases/{number}/persons/{person}",
            person(Action::ReadCase),
            page::person_page,
        )
        .get(
            "/cases/{number}/persons/{person}/edit",
            person(Action::EditCase),
            persons::edit_person_page,
        )
        .post(
            "/cases/{number}/persons/{person}/edit",
            person(Action::EditCase),
            Body::Form,
            persons::update_person,
        )
}
