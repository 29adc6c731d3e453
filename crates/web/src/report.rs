//! A person's access report (issue 13, data-subject rights): everything the register holds
//! about them, as a PDF downloaded from the person's page by whom reads their identity
//! (audited as the identity read and `person.access_report`), or written by `tabara person
//! report`.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tabara_core::permissions::{Action, decide_identity};
use tabara_i18n::t;

use crate::access::{Access, CasePersonAccess, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;

/// The report route.
pub(crate) fn router() -> Routes {
    Routes::new().get(
        "/cases/{number}/persons/{person}/report",
        Access::Record(Kind::CasePerson, Action::ReadIdentity),
        report,
    )
}

/// `GET /cases/{number}/persons/{person}/report`: the PDF, for whom reads this person's
/// identity (others 403).
async fn report(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    if !decide_identity(
        user.user.role,
        access.relation,
        access.person.involvement.role(),
    )
    .allowed()
    {
        return Err(AppError::Forbidden(user.lang));
    }
    let id = access.person.person.id;
    let r = state.store.access_report(&user.actor(), id).await?;
    let pdf = access_report_pdf(&r, user.lang);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"access-report-{id}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// A person's access report as a PDF, in `lang` (the page's download and `tabara person
/// report --format pdf`).
pub fn access_report_pdf(
    r: &tabara_store::erasure::AccessReport,
    lang: tabara_core::Lang,
) -> Vec<u8> {
    use tabara_pdf::ReportLine::{Heading, Text};
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let i = &r.identity;
    let mut lines = vec![
        Text(t!(
            lang,
            "access-report-intro",
            person = r.person.id.to_string()
        )),
        Heading(t!(lang, "access-report-identity")),
    ];
    if let Some(e) = &r.erasure
        && let Some(at) = e.erased_at
    {
        lines.push(Text(t!(
            lang,
            "access-report-erased",
            day = at.format("%Y-%m-%d").to_string()
        )));
    } else {
        for (label, value) in [
            ("access-report-name", Some(i.display_name())),
            (
                "access-report-birthdate",
                i.birthdate.map(|d| d.to_string()),
            ),
            ("access-report-document", i.identity_number.clone()),
            (
                "access-report-phone",
                i.mobile_phone.clone().or(i.home_phone.clone()),
            ),
            ("access-report-email", i.email.clone()),
            ("access-report-address", i.mailing_street.clone()),
            ("access-report-city", i.mailing_city.clone()),
            ("access-report-notes", i.notes.clone()),
        ] {
            lines.push(Text(format!("{}: {}", t!(lang, label), or_dash(&value))));
        }
    }
    lines.push(Heading(t!(lang, "access-report-facts")));
    lines.push(Text(format!(
        "{}: {}",
        t!(lang, "access-report-registered"),
        r.person.facts.registered_on
    )));
    lines.push(Text(format!(
        "{}: {}",
        t!(lang, "access-report-age"),
        r.person
            .facts
            .age_at_registration
            .map(|a| a.to_string())
            .unwrap_or_else(|| "—".into())
    )));
    lines.push(Heading(t!(lang, "access-report-cases")));
    if r.cases.is_empty() {
        lines.push(Text("—".into()));
    }
    for c in &r.cases {
        let role = serde_json::to_value(&c.involvement)
            .ok()
            .and_then(|v| v.get("role").and_then(|r| r.as_str()).map(str::to_string))
            .unwrap_or_default();
        lines.push(Text(format!("{}  {}  {}", c.reference, c.opened_on, role)));
    }
    lines.push(Heading(t!(lang, "access-report-consents")));
    lines.push(Text(r.consents.len().to_string()));
    lines.push(Heading(t!(lang, "access-report-screenings")));
    lines.push(Text(r.screenings.len().to_string()));
    lines.push(Heading(t!(lang, "access-report-risks")));
    if r.risk_assessments.is_empty() {
        lines.push(Text("—".into()));
    }
    for a in &r.risk_assessments {
        let a = &a.assessment;
        lines.push(Text(format!(
            "{}  {}  {}  {}",
            a.assessed_at.format("%Y-%m-%d"),
            a.kind.as_str(),
            a.level.as_str(),
            a.safety_plan.as_deref().unwrap_or("—")
        )));
    }
    lines.push(Heading(t!(lang, "access-report-support")));
    if r.support.is_empty() {
        lines.push(Text("—".into()));
    }
    for s in &r.support {
        let f = &s.plan.facts;
        lines.push(Text(format!(
            "{}  {}{}",
            f.reflection.starts_on,
            f.objectives,
            f.action_plan
                .as_deref()
                .map(|a| format!("  ({a})"))
                .unwrap_or_default()
        )));
        for v in &s.follow_up.visits {
            lines.push(Text(format!(
                "  {}  {}  {}",
                v.entry.visited_on,
                v.entry.visited_by,
                v.entry.notes.as_deref().unwrap_or("")
            )));
        }
        for x in &s.follow_up.services {
            lines.push(Text(format!(
                "  {}  {}  {}",
                x.entry.delivered_on,
                x.entry.service.as_str(),
                x.entry.note.as_deref().unwrap_or("")
            )));
        }
        for x in &s.follow_up.steps {
            lines.push(Text(format!(
                "  {}  {}  {}",
                x.entry.on,
                x.entry.step.as_str(),
                x.entry.note.as_deref().unwrap_or("")
            )));
        }
    }
    lines.push(Heading(t!(lang, "access-report-referrals")));
    if r.referrals.is_empty() {
        lines.push(Text("—".into()));
    }
    for x in &r.referrals {
        lines.push(Text(format!(
            "{}  {}  {}",
            x.created_at.format("%Y-%m-%d"),
            x.state.as_str(),
            x.reason.as_deref().unwrap_or("")
        )));
    }
    lines.push(Heading(t!(lang, "access-report-pathway")));
    if r.pathways.is_empty() {
        lines.push(Text("—".into()));
    }
    for p in &r.pathways {
        let guardian = match &p.pathway.guardian {
            Some(tabara_core::pathway::Guardian::Named { name, .. }) => name.clone(),
            Some(tabara_core::pathway::Guardian::Absent { reason }) => reason.clone(),
            None => "—".into(),
        };
        let summary = p
            .pathway
            .best_interests
            .as_ref()
            .map(|b| b.summary.clone())
            .unwrap_or_else(|| "—".into());
        lines.push(Text(format!(
            "{}  {guardian}  {summary}",
            p.pathway.opened_at.format("%Y-%m-%d")
        )));
    }
    lines.push(Heading(t!(lang, "access-report-changes")));
    lines.push(Text(
        (r.person_history.len() + r.identity_history.len()).to_string(),
    ));
    lines.push(Heading(t!(lang, "access-report-audit")));
    for e in &r.audit {
        let at = chrono::DateTime::from_timestamp_micros(e.at_us)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        lines.push(Text(format!("{at}  {}  {}", e.action, e.actor)));
    }
    let footer = t!(
        lang,
        "access-report-footer",
        day = r.made_at.format("%Y-%m-%d %H:%M UTC").to_string()
    );
    tabara_pdf::report(&t!(lang, "access-report-title"), &footer, &lines)
}
