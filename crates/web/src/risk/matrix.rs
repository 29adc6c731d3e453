//! The 5×5 matrix as inline SVG, drawn from core's [`layout`]: one cell per likelihood and
//! impact, coloured by level, the chosen cell framed solid and the suggested one dashed; the
//! axes numbered and named in the page's language. Presentation attributes only (no inline
//! style, so the CSP holds); the image has a title and a description that say the chosen and
//! the suggested cell, and every cell its own title, for screen readers. It scales to the
//! width of its container (a 360 px phone included) through its `viewBox`.

use tabara_core::risk::{Cell, DrawnCell, RiskKind, RiskLevel, Step, layout};
use tabara_core::{Lang, Picklist};
use tabara_i18n::t;

/// Side of a cell, in the units of the `viewBox`.
const SIDE: u32 = 50;
/// Left of the grid (room for the likelihood axis).
const LEFT: u32 = 56;
/// Top of the grid.
const TOP: u32 = 8;

/// The fill of a level's cells (light enough for dark text on each).
pub(super) fn colour(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "#b7dfb9",
        RiskLevel::Medium => "#ffe599",
        RiskLevel::High => "#f9b26b",
        RiskLevel::Critical => "#e57373",
    }
}

/// A cell in words: `likelihood 4 – Likely, impact 2 – Minor: score 8, Medium`.
pub(super) fn cell_words(lang: Lang, cell: Cell) -> String {
    t!(
        lang,
        "risk-matrix-cell",
        likelihood = cell.likelihood.label(lang),
        impact = cell.impact.label(lang),
        score = cell.score().to_string(),
        level = cell.level().label(lang)
    )
}

/// The matrix of `kind` with `chosen` and `suggested` marked. `id` makes the ids of the title
/// and description unique on the page (two matrices may stand on one page).
pub(super) fn svg(
    lang: Lang,
    id: &str,
    kind: RiskKind,
    chosen: Option<Cell>,
    suggested: Option<Cell>,
) -> String {
    let m = layout(chosen, suggested);
    let title = t!(lang, "risk-matrix-title", kind = kind.label(lang));
    let mut desc = Vec::new();
    if let Some(c) = chosen {
        desc.push(t!(lang, "risk-matrix-chosen", cell = cell_words(lang, c)));
    }
    if let Some(c) = suggested {
        desc.push(t!(
            lang,
            "risk-matrix-suggested",
            cell = cell_words(lang, c)
        ));
    }
    if desc.is_empty() {
        desc.push(t!(lang, "risk-matrix-empty"));
    }
    let grid = 5 * SIDE;
    let (width, height) = (LEFT + grid + 8, TOP + grid + 52);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"risk-matrix\" width=\"100%\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(&title),
        escape(&desc.join(" "))
    );
    for c in &m.cells {
        out.push_str(&drawn(lang, c));
    }
    // The axes: likelihood up the left side (5 at the top), impact along the bottom.
    for (row, l) in (0u32..).zip(m.rows) {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"end\" fill=\"#1d2430\">{}</text>",
            LEFT - 6,
            TOP + row * SIDE + SIDE / 2 + 5,
            l.step()
        ));
    }
    for (column, i) in (0u32..).zip(m.columns) {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"14\" text-anchor=\"middle\" fill=\"#1d2430\">{}</text>",
            LEFT + column * SIDE + SIDE / 2,
            TOP + grid + 18,
            i.step()
        ));
    }
    let middle = TOP + grid / 2;
    out.push_str(&format!(
        "<text x=\"18\" y=\"{middle}\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" \
         fill=\"#1d2430\" transform=\"rotate(-90 18 {middle})\">{}</text>",
        escape(&t!(lang, "risk-likelihood"))
    ));
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" \
         fill=\"#1d2430\">{}</text>",
        LEFT + grid / 2,
        TOP + grid + 42,
        escape(&t!(lang, "risk-impact"))
    ));
    out.push_str("</svg>");
    out
}

/// One cell: its square in the level's colour, its score, and the marks.
fn drawn(lang: Lang, c: &DrawnCell) -> String {
    let x = LEFT + u32::from(c.column) * SIDE;
    let y = TOP + u32::from(c.row) * SIDE;
    let mut class = String::from("cell");
    if c.chosen {
        class.push_str(" chosen");
    }
    if c.suggested {
        class.push_str(" suggested");
    }
    let mut words = cell_words(lang, c.cell);
    if c.chosen {
        words = format!("{words} ({})", t!(lang, "risk-mark-chosen"));
    }
    if c.suggested {
        words = format!("{words} ({})", t!(lang, "risk-mark-suggested"));
    }
    let mut out = format!(
        "<g class=\"{class}\" data-likelihood=\"{}\" data-impact=\"{}\" data-level=\"{}\">\
         <title>{}</title>\
         <rect x=\"{x}\" y=\"{y}\" width=\"{SIDE}\" height=\"{SIDE}\" fill=\"{}\" stroke=\"#ffffff\" \
         stroke-width=\"2\"/>",
        c.cell.likelihood.step(),
        c.cell.impact.step(),
        c.level.as_str(),
        escape(&words),
        colour(c.level)
    );
    if c.chosen {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#1d2430\" \
             stroke-width=\"4\"/>",
            x + 3,
            y + 3,
            SIDE - 6,
            SIDE - 6
        ));
    }
    if c.suggested {
        out.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#0b5d8f\" \
             stroke-width=\"3\" stroke-dasharray=\"5 3\"/>",
            x + 9,
            y + 9,
            SIDE - 18,
            SIDE - 18
        ));
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"15\" text-anchor=\"middle\" fill=\"#1d2430\"{}>{}</text></g>",
        x + SIDE / 2,
        y + SIDE / 2 + 5,
        if c.chosen { " font-weight=\"700\"" } else { "" },
        c.score
    ));
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tabara_core::risk::{Impact, Likelihood};

    #[test]
    fn the_matrix_has_25_cells_and_its_marks() {
        let chosen = Cell::new(Likelihood::Likely, Impact::Minor);
        let suggested = Cell::new(Likelihood::AlmostCertain, Impact::Moderate);
        let s = svg(
            Lang::Fr,
            "m-security",
            RiskKind::Security,
            Some(chosen),
            Some(suggested),
        );
        assert_eq!(s.matches("<g class=\"cell").count(), 25);
        assert_eq!(s.matches("class=\"cell chosen\"").count(), 1);
        assert_eq!(s.matches("class=\"cell suggested\"").count(), 1);
        assert!(s.contains(
            "class=\"cell chosen\" data-likelihood=\"4\" data-impact=\"2\" data-level=\"medium\""
        ));
        assert!(s.contains("role=\"img\" aria-labelledby=\"m-security-title m-security-desc\""));
        assert!(s.contains("Probabilité"), "the axes in French: {s}");
        assert!(!s.contains("style="), "no inline style: the CSP forbids it");
        // Each level has its colour, and the four are told apart.
        for level in RiskLevel::ALL {
            assert!(s.contains(colour(*level)), "{level:?}");
        }
        // The same cell chosen and suggested carries both marks.
        let both = svg(
            Lang::En,
            "m",
            RiskKind::ReTrafficking,
            Some(chosen),
            Some(chosen),
        );
        assert_eq!(both.matches("class=\"cell chosen suggested\"").count(), 1);
        let none = svg(Lang::En, "m", RiskKind::Security, None, None);
        assert!(
            !none.contains("class=\"cell chosen")
                && !none.contains(" suggested\"")
                && none.contains("Likelihood")
        );
    }
}
