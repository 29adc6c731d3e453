//! Reports of the training programme for its donors: people trained by sex, rank, province and
//! session; knowledge gain (pre- vs post-test); awareness materials received per post. Shown as
//! tables with server-rendered SVG bar charts, and exported as CSV.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tabara_core::Picklist;

use crate::access::{Access, CurrentUser, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The programme's report, for trainers.
pub(crate) fn router() -> Routes {
    let trainer = Access::Global(tabara_core::permissions::Action::ManageTraining);
    Routes::new()
        .get("/training/reports", trainer, reports)
        .get("/training/reports/{name}", trainer, report_csv)
}

/// One table of the report: a title key, column keys, rows of (label, values).
pub struct Table {
    /// Stable name (also the CSV file name).
    pub name: &'static str,
    /// Translated title.
    pub title: String,
    /// Translated column headings (the first is the label column).
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<(String, Vec<i64>)>,
    /// The chart of the first value column.
    pub chart: String,
}

/// A horizontal bar chart as SVG (presentation attributes only: no inline style, so the CSP
/// holds). Each label stands on its own line above its bar, across the whole width, so long
/// session titles are not cut; one longer than [`LABEL_MAX`] characters is shortened with "…"
/// and kept whole in the row's `<title>`. The chart is an image with a text alternative: its
/// title and a description that reads every row and value (the table below repeats them).
pub fn bar_chart(title: &str, rows: &[(String, i64)]) -> String {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let (label_h, bar_h, gap) = (16, 14, 8);
    let row_h = label_h + bar_h + gap;
    let width = 640;
    let height = rows.len() as i64 * row_h + gap;
    let description = rows
        .iter()
        .map(|(l, v)| format!("{l}: {v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\"><title>{}</title><desc>{}</desc>",
        escape(title),
        escape(&description)
    );
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = gap + i as i64 * row_h;
        // A negative value (a knowledge loss) draws no bar; its number is still written.
        let w = ((width - 60) * value.max(&0) / max).max(0);
        let shown = if label.chars().count() > LABEL_MAX {
            format!("{}…", label.chars().take(LABEL_MAX - 1).collect::<String>())
        } else {
            label.clone()
        };
        svg.push_str(&format!(
            "<g><title>{}: {value}</title>\
             <text x=\"0\" y=\"{}\" font-size=\"12\" fill=\"#1f2933\">{}</text>\
             <rect x=\"0\" y=\"{}\" width=\"{w}\" height=\"{bar_h}\" fill=\"#0b5d8f\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#1f2933\">{value}</text></g>",
            escape(label),
            y + 12,
            escape(&shown),
            y + label_h,
            w + 4,
            y + label_h + 11,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The longest label a chart writes in full (about the width of the chart at 12 px).
const LABEL_MAX: usize = 95;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn table(
    name: &'static str,
    title: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<i64>)>,
) -> Table {
    let chart = bar_chart(
        &title,
        &rows
            .iter()
            .map(|(l, v)| (l.clone(), v.first().copied().unwrap_or(0)))
            .collect::<Vec<_>>(),
    );
    Table {
        name,
        title,
        columns,
        rows,
        chart,
    }
}

/// Every table of the programme report.
pub async fn tables(state: &AppState, lang: tabara_core::Lang) -> Result<Vec<Table>, AppError> {
    let t = |k: &str| tabara_i18n::catalogue().text(lang, k, &[]);
    let directory = state.directory().await?;
    let sessions = state.store.training_sessions(None, 500).await?;
    let mut by_sex: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_rank: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_province: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_session = Vec::new();
    let mut gain = Vec::new();
    for s in sessions.iter().rev() {
        let people = state.store.participants(s.id).await?;
        let (mut done, mut pre_sum, mut post_sum, mut scored) = (0i64, 0i64, 0i64, 0i64);
        for p in &people {
            let completed = s
                .rule
                .check(p.days_attended.len() as u32, s.days(), p.post_test)
                .is_empty();
            let c = i64::from(completed);
            done += c;
            let add = |m: &mut BTreeMap<String, (i64, i64)>, k: String| {
                let e = m.entry(k).or_default();
                e.0 += 1;
                e.1 += c;
            };
            add(&mut by_sex, p.sex.label(lang).to_string());
            add(&mut by_rank, p.rank.clone().unwrap_or_else(|| "–".into()));
            let province = p
                .office_id
                .and_then(|id| directory.offices.iter().find(|o| o.id == id))
                .map(|o| o.province.clone())
                .unwrap_or_else(|| "–".into());
            add(&mut by_province, province);
            if let (Some(pre), Some(post)) = (p.pre_test, p.post_test) {
                pre_sum += i64::from(pre);
                post_sum += i64::from(post);
                scored += 1;
            }
        }
        let label = format!("{} ({})", s.title, s.starts_on);
        by_session.push((label.clone(), vec![people.len() as i64, done]));
        if scored > 0 {
            let (pre, post) = (pre_sum / scored, post_sum / scored);
            gain.push((label, vec![post - pre, pre, post]));
        }
    }
    let counts = |m: BTreeMap<String, (i64, i64)>| -> Vec<(String, Vec<i64>)> {
        m.into_iter().map(|(k, (a, b))| (k, vec![a, b])).collect()
    };
    let trained = vec![
        t("report-col-label"),
        t("report-col-participants"),
        t("report-col-completed"),
    ];
    let items: BTreeMap<_, _> = state
        .store
        .materials()
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut per_post: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for d in state.store.distributions().await? {
        let office = directory
            .offices
            .iter()
            .find(|o| o.id == d.office_id)
            .map(|o| o.name.clone())
            .unwrap_or_default();
        let e = per_post.entry(office).or_default();
        match items.get(&d.item_id).map(|i| i.kind.as_str()) {
            Some("poster") => e.0 += d.quantity,
            Some("flyer") => e.1 += d.quantity,
            _ => e.2 += d.quantity,
        }
    }
    Ok(vec![
        table(
            "by-sex",
            t("report-by-sex"),
            trained.clone(),
            counts(by_sex),
        ),
        table(
            "by-rank",
            t("report-by-rank"),
            trained.clone(),
            counts(by_rank),
        ),
        table(
            "by-province",
            t("report-by-province"),
            trained.clone(),
            counts(by_province),
        ),
        table("by-session", t("report-by-session"), trained, by_session),
        table(
            "knowledge-gain",
            t("report-gain"),
            vec![
                t("report-col-label"),
                t("report-col-gain"),
                t("report-col-pre"),
                t("report-col-post"),
            ],
            gain,
        ),
        table(
            "materials",
            t("report-materials"),
            vec![
                t("report-col-post-office"),
                t("report-col-posters"),
                t("report-col-flyers"),
                t("report-col-brochures"),
            ],
            per_post
                .into_iter()
                .map(|(k, (a, b, c))| (k, vec![a, b, c]))
                .collect(),
        ),
    ])
}

#[derive(askama::Template)]
#[template(path = "training_reports.html")]
struct ReportsPage {
    chrome: Chrome,
    tables: Vec<Table>,
}

/// `GET /training/reports`.
async fn reports(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let tables = tables(&state, user.lang).await?;
    Ok(render(&ReportsPage {
        chrome: user.chrome("/training/reports"),
        tables,
    }))
}

/// One table as CSV bytes. Every cell goes through `csv_safe`: a label (a session's title, a
/// unit, a post) that begins like a formula is written as text.
fn table_csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let safe = |cell: &str| tabara_core::export::csv_safe(cell).into_owned();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(table.columns.iter().map(|c| safe(c)))?;
    for (label, values) in &table.rows {
        let mut record = vec![safe(label)];
        record.extend(values.iter().map(|v| safe(&v.to_string())));
        w.write_record(&record)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `GET /training/reports/{name}.csv`: one table as CSV (UTF-8, header row).
async fn report_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let name = name.strip_suffix(".csv").unwrap_or(&name).to_string();
    let tables = tables(&state, user.lang).await?;
    let Some(table) = tables.into_iter().find(|t| t.name == name) else {
        return Err(AppError::NotFound(user.lang));
    };
    let bytes = table_csv(&table).map_err(|_| AppError::NotFound(user.lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"training-{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_look_like_formulas_are_text() {
        let table = Table {
            name: "units",
            title: "Units".into(),
            columns: vec!["Unit".into(), "Trained".into()],
            rows: vec![
                ("=HYPERLINK(\"http://x\")".into(), vec![3]),
                ("@unit".into(), vec![-1]),
                ("Gatumba".into(), vec![7]),
            ],
            chart: String::new(),
        };
        let text = String::from_utf8(table_csv(&table).unwrap()).unwrap();
        assert_eq!(
            text,
            "Unit,Trained\n\"'=HYPERLINK(\"\"http://x\"\")\",3\n'@unit,'-1\nGatumba,7\n"
        );
    }

    #[test]
    fn charts_scale_to_the_largest_value_and_escape_labels() {
        let svg = bar_chart(
            "Trained <by> sex",
            &[("Femmes <F>".into(), 40), ("Hommes".into(), 60)],
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("Femmes &lt;F&gt;"));
        assert!(svg.contains("width=\"386\""), "{svg}");
        assert!(svg.contains("width=\"580\""), "{svg}");
        assert!(!svg.contains("style="));
        assert!(bar_chart("none", &[]).ends_with("</svg>"));
    }

    #[test]
    fn charts_have_a_text_alternative_and_keep_long_labels() {
        let long = "Formation des officiers de police judiciaire sur la traite des personnes — session de Bujumbura (2026-03-02)";
        let svg = bar_chart(
            "Knowledge gain",
            &[(long.to_string(), 25), ("Loss".into(), -5)],
        );
        assert!(
            svg.contains("role=\"img\"><title>Knowledge gain</title><desc>"),
            "{svg}"
        );
        assert!(
            svg.contains("Loss: -5"),
            "the description reads every value"
        );
        assert!(
            svg.contains(&format!("<title>{long}: 25</title>")),
            "whole label kept"
        );
        assert!(
            svg.contains("…</text>"),
            "a long label is shortened on screen"
        );
        assert!(!svg.contains("width=\"-"), "no negative bar: {svg}");
    }
}
