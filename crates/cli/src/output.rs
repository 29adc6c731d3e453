//! How results look: aligned tables for people, JSON for scripts, CSV/JSON for exports.

use std::io::Write;
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;
use tabara_core::Lang;
use tabara_core::Picklist;
use tabara_core::export::{VictimRecord, columns, csv_safe};
use tabara_core::records::{Case, Involvement, Office, Organisation, PersonIdentity};
use tabara_demo::Reference;
use tabara_i18n::t;
use tabara_store::{
    AuditEntry, CaseComment, CasePerson, CaseSummary, HistoryEntry, Page, RegisterStats,
};

use crate::Format;

/// Print rows as columns padded to their widest cell, under the headers of the message keys.
fn table(lang: Lang, header_keys: &[&str], rows: &[Vec<String>]) -> String {
    let headers: Vec<String> = header_keys.iter().map(|k| t!(lang, k)).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(headers.iter().map(String::as_str).collect());
    out.push('\n');
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
        out.push('\n');
    }
    out
}

fn print_json<T: Serialize>(value: &T) -> Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

pub fn case_list(page: &Page<CaseSummary>, lang: Lang, json: bool) -> Result<()> {
    if json {
        return print_json(page);
    }
    if page.items.is_empty() {
        outln!("{}", t!(lang, "case-list-empty"));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = page
        .items
        .iter()
        .map(|c| {
            vec![
                c.reference.clone(),
                c.opened_on.to_string(),
                c.status.label(lang).to_string(),
                c.office.clone().unwrap_or_else(|| "-".into()),
                format!("{}/{}", c.victims, c.persons),
                c.exploitation_types
                    .iter()
                    .map(|t| t.label(lang))
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            lang,
            &[
                "case-list-col-case",
                "case-list-col-opened",
                "case-list-col-status",
                "case-list-col-office",
                "case-list-col-victims",
                "case-list-col-exploitation",
            ],
            &rows
        )
    );
    if let Some(next) = page.next {
        outln!("{}", t!(lang, "case-list-next", after = next));
    }
    Ok(())
}

/// Everything `case show` prints.
pub struct CaseView<'a> {
    pub case: &'a Case,
    pub persons: &'a [CasePerson],
    pub identities: &'a [Option<PersonIdentity>],
    pub comments: &'a [CaseComment],
    pub history: &'a [HistoryEntry],
    pub organisations: &'a [Organisation],
    pub offices: &'a [Office],
}

#[derive(Serialize)]
struct CaseJson<'a> {
    reference: String,
    case: &'a Case,
    persons: Vec<PersonJson<'a>>,
    comments: &'a [CaseComment],
    history: &'a [HistoryEntry],
}

#[derive(Serialize)]
struct PersonJson<'a> {
    #[serde(flatten)]
    person: &'a CasePerson,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a PersonIdentity>,
}

pub fn case_detail(v: &CaseView<'_>, lang: Lang, json: bool) -> Result<()> {
    let c = v.case;
    if json {
        return print_json(&CaseJson {
            reference: c.reference(),
            case: c,
            persons: v
                .persons
                .iter()
                .zip(v.identities)
                .map(|(person, identity)| PersonJson {
                    person,
                    identity: identity.as_ref(),
                })
                .collect(),
            comments: v.comments,
            history: v.history,
        });
    }
    let org_name = |id| {
        v.organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let f = &c.facts;
    let field = |key: &str, value: String| -> std::io::Result<()> {
        writeln!(std::io::stdout().lock(), "  {:<14}{value}", t!(lang, key))
    };
    outln!(
        "{}",
        t!(
            lang,
            "case-show-title",
            reference = c.reference(),
            version = c.version
        )
    );
    field("case-show-status", f.status.label(lang).to_string())?;
    field("case-show-opened", f.opened_on.to_string())?;
    if let Some(d) = f.closed_on {
        field("case-show-closed", d.to_string())?;
    }
    field("case-show-organisation", org_name(c.organisation_id))?;
    if let Some(office) = c
        .office_id
        .and_then(|id| v.offices.iter().find(|o| o.id == id))
    {
        field("case-show-office", office.name.clone())?;
    }
    if let Some(r) = f.referring_organisation_id {
        let date = f
            .incoming_referral_date
            .map(|d| d.to_string())
            .unwrap_or_else(|| "?".into());
        field(
            "case-show-referred",
            t!(
                lang,
                "case-show-referred-on",
                organisation = org_name(r),
                date = date
            ),
        )?;
    }
    outln!();
    outln!("{}", t!(lang, "case-show-persons", count = v.persons.len()));
    let rows: Vec<Vec<String>> = v
        .persons
        .iter()
        .zip(v.identities)
        .map(|(cp, identity)| {
            let p = &cp.person;
            let age = p
                .facts
                .age_at_registration
                .map(|a| format!("{a}{}", if p.facts.age_uncertain { "~" } else { "" }))
                .unwrap_or_else(|| "?".into());
            let detail = match &cp.involvement {
                Involvement::Victim(vc) => {
                    let mut parts: Vec<String> = vc
                        .exploitation_types
                        .iter()
                        .map(|t| t.label(lang).to_string())
                        .collect();
                    if let Some(s) = vc.trafficking_status {
                        parts.push(s.label(lang).to_string());
                    }
                    parts.join("; ")
                }
                Involvement::Suspect(pc) => pc
                    .roles
                    .iter()
                    .map(|r| r.label(lang))
                    .collect::<Vec<_>>()
                    .join(", "),
                Involvement::Witness | Involvement::Other => String::new(),
            };
            vec![
                cp.involvement.role().label(lang).to_string(),
                identity
                    .as_ref()
                    .map(|i| i.display_name())
                    .unwrap_or_else(|| {
                        t!(
                            lang,
                            "case-show-person-hidden",
                            id = short(&p.id.to_string())
                        )
                    }),
                p.facts.gender.label(lang).to_string(),
                age,
                detail,
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            lang,
            &[
                "case-show-col-role",
                "case-show-col-name",
                "case-show-col-gender",
                "case-show-col-age",
                "case-show-col-details",
            ],
            &rows
        )
    );
    if v.identities.iter().all(Option::is_none) && !v.persons.is_empty() {
        outln!("{}", t!(lang, "case-show-names-hidden"));
    }
    outln!();
    outln!(
        "{}",
        t!(lang, "case-show-comments", count = v.comments.len())
    );
    for cm in v.comments {
        outln!("  {}  {}", cm.created_at.format("%Y-%m-%d %H:%M"), cm.body);
    }
    if !v.history.is_empty() {
        outln!();
        outln!("{}", t!(lang, "case-show-history"));
        for h in v.history {
            outln!(
                "  v{}  {}  {}  {}",
                h.version,
                h.changed_at.format("%Y-%m-%d %H:%M"),
                h.actor,
                h.changes
            );
        }
    }
    Ok(())
}

fn short(id: &str) -> &str {
    &id[id.len().saturating_sub(8)..]
}

pub fn audit_log(entries: &[AuditEntry], lang: Lang, json: bool) -> Result<()> {
    if json {
        return print_json(&entries);
    }
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                chrono::DateTime::from_timestamp_micros(e.at_us)
                    .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                    .unwrap_or_default(),
                e.actor.clone(),
                e.action.clone(),
                format!("{} {}", e.record_kind, e.record_id),
                e.hash[..16].to_string(),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            lang,
            &[
                "audit-col-seq",
                "audit-col-at",
                "audit-col-actor",
                "audit-col-action",
                "audit-col-record",
                "audit-col-hash",
            ],
            &rows
        )
    );
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub fn demo_summary(
    location: &str,
    stats: &RegisterStats,
    persons: u64,
    cases: u64,
    elapsed: Duration,
    reference: &Reference,
    password: &str,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let rate = persons as f64 / elapsed.as_secs_f64().max(1e-9);
    if json {
        return print_json(&serde_json::json!({
            "database": location,
            "stats": stats,
            "persons_generated": persons,
            "cases_generated": cases,
            "seconds": elapsed.as_secs_f64(),
            "persons_per_second": rate,
            "accounts": reference.users.iter().map(|u| serde_json::json!({"username": u.username, "role": u.role.as_str()})).collect::<Vec<_>>(),
        }));
    }
    outln!("{}", t!(lang, "demo-ready", location = location));
    outln!(
        "  {}",
        t!(
            lang,
            "demo-counts",
            organisations = stats.organisations,
            offices = stats.offices,
            persons = stats.persons,
            cases = stats.cases,
            audit = stats.audit_entries
        )
    );
    outln!(
        "  {}",
        t!(
            lang,
            "demo-speed",
            seconds = format!("{:.1}", elapsed.as_secs_f64()),
            rate = format!("{rate:.0}")
        )
    );
    outln!("{}", t!(lang, "demo-accounts", password = password));
    for u in &reference.users {
        outln!("  {:<16} {}", u.username, u.role.label(lang));
    }
    Ok(())
}

/// Streams export rows as CSV or as one JSON array.
pub struct ExportWriter<W: Write> {
    format: Format,
    with_identity: bool,
    columns: Vec<&'static str>,
    csv: Option<csv::Writer<W>>,
    json: Option<W>,
    first: bool,
}

impl<W: Write> ExportWriter<W> {
    pub fn new(sink: W, format: Format, with_identity: bool) -> Result<Self> {
        let columns = columns(with_identity);
        let mut w = ExportWriter {
            format,
            with_identity,
            columns,
            csv: None,
            json: None,
            first: true,
        };
        match format {
            Format::Csv => {
                let mut c = csv::Writer::from_writer(sink);
                c.write_record(&w.columns)?;
                w.csv = Some(c);
            }
            Format::Json => {
                let mut s = sink;
                s.write_all(b"[")?;
                w.json = Some(s);
            }
        }
        Ok(w)
    }

    pub fn write(&mut self, row: &VictimRecord) -> Result<()> {
        let values = row.values(self.with_identity);
        match self.format {
            Format::Csv => {
                if let Some(c) = &mut self.csv {
                    // Cells that a spreadsheet would run as formulas are written as text.
                    c.write_record(values.iter().map(|v| csv_safe(v).into_owned()))?;
                }
            }
            Format::Json => {
                if let Some(s) = &mut self.json {
                    let obj: serde_json::Map<String, serde_json::Value> = self
                        .columns
                        .iter()
                        .zip(values)
                        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                        .collect();
                    if !self.first {
                        s.write_all(b",")?;
                    }
                    s.write_all(b"\n  ")?;
                    serde_json::to_writer(&mut *s, &obj)?;
                }
            }
        }
        self.first = false;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        if let Some(mut c) = self.csv.take() {
            c.flush()?;
        }
        if let Some(mut s) = self.json.take() {
            s.write_all(b"\n]\n")?;
            s.flush()?;
        }
        Ok(())
    }
}

/// One referral as `referral list` prints it.
#[derive(Debug, Serialize)]
pub struct ReferralLine {
    /// Referral id.
    pub id: String,
    /// The case's reference.
    pub case: String,
    /// Sending agency.
    pub from: String,
    /// Addressed agency.
    pub to: String,
    /// Services asked for (value names).
    pub services: Vec<String>,
    /// Where it stands.
    pub state: tabara_core::referral::ReferralState,
    /// Urgent.
    pub urgent: bool,
    /// Past its answer moment, unanswered.
    pub overdue: bool,
    /// When it was sent.
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the answer is due.
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Referrals as a table (or JSON).
pub fn referral_list(lines: &[ReferralLine], lang: Lang, json: bool) -> Result<()> {
    if json {
        return print_json(&lines);
    }
    if lines.is_empty() {
        outln!("{}", t!(lang, "referral-list-empty"));
        return Ok(());
    }
    let yes = t!(lang, "referral-list-yes");
    let moment = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "-".into())
    };
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                l.case.clone(),
                l.from.clone(),
                l.to.clone(),
                l.services.join(", "),
                l.state.label(lang).to_string(),
                if l.urgent { yes.clone() } else { String::new() },
                format!(
                    "{}{}",
                    moment(&l.due_at),
                    if l.overdue {
                        format!(" ({})", t!(lang, "referral-list-overdue"))
                    } else {
                        String::new()
                    }
                ),
                l.id.clone(),
            ]
        })
        .collect();
    out!(
        "{}",
        table(
            lang,
            &[
                "referral-list-col-case",
                "referral-list-col-from",
                "referral-list-col-to",
                "referral-list-col-services",
                "referral-list-col-state",
                "referral-list-col-urgent",
                "referral-list-col-due",
                "referral-list-col-id",
            ],
            &rows
        )
    );
    Ok(())
}
