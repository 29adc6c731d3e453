//! Investigation casework (issue 14): the investigation page of a case (status steps, team,
//! tasks, timeline, notes, suspects' offences and the elements still lacking support, the
//! evidence register with its chain of custody, the suspects' custody), the custody page (its
//! clock in Bujumbura time, extensions, end, rights checklist, legal aid), the list of everyone
//! in custody (the investigating agency's, or a legal-aid organisation's clients), and the
//! dossiers for the prosecutor (made as a PDF, sent to a prosecutor's office, read there).
//!
//! Access: the investigation is part of its case (`Kind::Case`: read with it, written by those
//! who change it; the store then lets only the lead, the team and the agency's supervisors
//! work on the file). A custody record (`Kind::Custody`) is reached through its case, or by the
//! legal-aid organisation it was given to (to read). A dossier (`Kind::Dossier`) through its
//! case, or by the prosecutors of the office it was sent to (to read).

mod custody;
pub(crate) mod dossier;
pub(crate) mod file;

use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use tabara_core::Lang;
use tabara_core::permissions::Action;
use tabara_core::validation::ValidationErrors;

use crate::access::{Access, Body, Kind, Routes};

pub use dossier::{DossierPdf, dossier_pdf};

/// The investigation's routes.
pub(crate) fn router() -> Routes {
    let case = |action| Access::Record(Kind::Case, action);
    let edit = case(Action::EditCase);
    let base = "/cases/{number}/investigation";
    let r = Routes::new()
        .get(base, case(Action::ReadCase), file::page_get)
        .post(base, edit, Body::Form, file::open)
        .post(
            "/cases/{number}/investigation/step",
            edit,
            Body::Form,
            file::step,
        )
        .post(
            "/cases/{number}/investigation/team",
            edit,
            Body::Form,
            file::team,
        )
        .post(
            "/cases/{number}/investigation/tasks",
            edit,
            Body::Form,
            file::add_task,
        )
        .post(
            "/cases/{number}/investigation/tasks/close",
            edit,
            Body::Form,
            file::close_task,
        )
        .post(
            "/cases/{number}/investigation/timeline",
            edit,
            Body::Form,
            file::add_fact,
        )
        .post(
            "/cases/{number}/investigation/notes",
            edit,
            Body::Form,
            file::add_note,
        )
        .post(
            "/cases/{number}/investigation/offences",
            edit,
            Body::Form,
            file::add_offence,
        )
        .post(
            "/cases/{number}/investigation/supports",
            edit,
            Body::Form,
            file::add_support,
        )
        .post(
            "/cases/{number}/investigation/evidence",
            edit,
            Body::Form,
            file::add_evidence,
        )
        .post(
            "/cases/{number}/investigation/custody-events",
            edit,
            Body::Form,
            file::add_custody_event,
        )
        .post(
            "/cases/{number}/investigation/custody/new",
            edit,
            Body::Form,
            file::start_custody,
        )
        .post(
            "/cases/{number}/investigation/dossiers",
            edit,
            Body::Form,
            dossier::make,
        );
    let custody = |action| Access::Record(Kind::Custody, action);
    let dossier = |action| Access::Record(Kind::Dossier, action);
    r.get("/custody", Access::SignedIn, custody::list)
        .get(
            "/custody/{id}",
            custody(Action::ReadCase),
            custody::page_get,
        )
        .post(
            "/custody/{id}/extend",
            custody(Action::EditCase),
            Body::Form,
            custody::extend,
        )
        .post(
            "/custody/{id}/end",
            custody(Action::EditCase),
            Body::Form,
            custody::end,
        )
        .post(
            "/custody/{id}/rights",
            custody(Action::EditCase),
            Body::Form,
            custody::right,
        )
        .post(
            "/custody/{id}/legal-aid",
            custody(Action::EditCase),
            Body::Form,
            custody::legal_aid,
        )
        .get("/dossiers", Access::SignedIn, dossier::list)
        .get(
            "/dossiers/{id}",
            dossier(Action::ReadCase),
            dossier::download,
        )
        .post(
            "/dossiers/{id}/send",
            dossier(Action::ShareCase),
            Body::Form,
            dossier::send,
        )
}

/// A moment typed as `YYYY-MM-DDTHH:MM` (a `datetime-local` field) or `YYYY-MM-DD HH:MM` in
/// the jurisdiction's time zone, in UTC; an empty field is `None`, a bad one `field`/`datetime`.
pub(crate) fn local_moment(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    tz: chrono_tz::Tz,
) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        e.push(field, "required", "say when");
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M"));
    match parsed
        .ok()
        .and_then(|t| tz.from_local_datetime(&t).earliest())
    {
        Some(t) => Some(t.with_timezone(&Utc)),
        None => {
            e.push(field, "datetime", format!("{raw} is not a date and time"));
            None
        }
    }
}

/// A moment in the jurisdiction's time zone: `2026-12-08 10:27 CAT`.
pub(crate) fn local(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// The value of a `datetime-local` field for `t` in `tz`.
pub(crate) fn local_field(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%dT%H:%M").to_string()
}

/// Hours and minutes of a number of seconds, in words of `lang`'s catalogue.
pub(crate) fn span(lang: Lang, seconds: i64) -> String {
    let m = seconds.max(0) / 60;
    tabara_i18n::t!(
        lang,
        "custody-span",
        hours = (m / 60).to_string(),
        minutes = format!("{:02}", m % 60)
    )
}
