//! The 5×5 matrix: the two axes, the kinds of risk, the levels, and the layout the web draws.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::picklist::{Picklist, picklist};

picklist! {
    /// Which risk is assessed.
    RiskKind, fields [] {
        /// Harm to the victim or their family by the traffickers or their associates.
        Security = "security", "Security risk", "Risque pour la sécurité";
        /// The victim falls into trafficking again.
        ReTrafficking = "re_trafficking", "Re-trafficking risk", "Risque de nouvelle traite";
    }
}

picklist! {
    /// How likely the harm is, 1 to 5.
    Likelihood, fields [] {
        Rare = "rare", "1 – Rare", "1 – Rare";
        Unlikely = "unlikely", "2 – Unlikely", "2 – Peu probable";
        Possible = "possible", "3 – Possible", "3 – Possible";
        Likely = "likely", "4 – Likely", "4 – Probable";
        AlmostCertain = "almost_certain", "5 – Almost certain", "5 – Presque certain";
    }
}

picklist! {
    /// How bad the harm would be, 1 to 5.
    Impact, fields [] {
        Negligible = "negligible", "1 – Negligible", "1 – Négligeable";
        Minor = "minor", "2 – Minor", "2 – Mineur";
        Moderate = "moderate", "3 – Moderate", "3 – Modéré";
        Major = "major", "4 – Major", "4 – Grave";
        LifeThreatening = "life_threatening", "5 – Life-threatening", "5 – Danger de mort";
    }
}

picklist! {
    /// The level a score falls in.
    RiskLevel, fields [] {
        Low = "low", "Low", "Faible";
        Medium = "medium", "Medium", "Moyen";
        High = "high", "High", "Élevé";
        Critical = "critical", "Critical", "Critique";
    }
}

/// A value of an axis of the matrix: a step from 1 to 5.
pub trait Step: Picklist {
    /// 1 to 5.
    fn step(self) -> u8 {
        let i = Self::ALL.iter().position(|v| *v == self);
        u8::try_from(i.expect("a value is in its list")).expect("five values") + 1
    }

    /// The value of step `n` (1 to 5).
    fn from_step(n: u8) -> Option<Self> {
        Self::ALL.get(usize::from(n.checked_sub(1)?)).copied()
    }

    /// `n` clamped to 1..=5.
    fn saturating(n: u32) -> Self {
        let i = usize::try_from(n.clamp(1, 5)).expect("small") - 1;
        Self::ALL[i]
    }

    /// Parse a step number (`1` … `5`) or a value name (`rare`, `Life-threatening`).
    fn parse_step(input: &str) -> Option<Self> {
        match input.trim().parse::<u8>() {
            Ok(n) => Self::from_step(n),
            Err(_) => Self::parse(input).ok(),
        }
    }
}

impl Step for Likelihood {}
impl Step for Impact {}

impl RiskLevel {
    /// The scores of this level. The ranges do not meet: 17 to 19 are no product of two steps.
    pub fn scores(self) -> RangeInclusive<u8> {
        match self {
            RiskLevel::Low => 1..=4,
            RiskLevel::Medium => 5..=9,
            RiskLevel::High => 10..=16,
            RiskLevel::Critical => 20..=25,
        }
    }

    /// The level of a score; `None` for a score no cell has (0, 17 to 19, above 25).
    pub fn from_score(score: u8) -> Option<RiskLevel> {
        RiskLevel::ALL
            .iter()
            .copied()
            .find(|l| l.scores().contains(&score))
    }

    /// Whether a safety plan is required at this level.
    pub fn needs_safety_plan(self) -> bool {
        self >= RiskLevel::High
    }

    /// Whether an assessment at this level alerts the caseworker and the investigator.
    pub fn alerts(self) -> bool {
        self >= RiskLevel::High
    }
}

/// A cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cell {
    /// Row.
    pub likelihood: Likelihood,
    /// Column.
    pub impact: Impact,
}

impl Cell {
    /// The cell of the given likelihood and impact.
    pub fn new(likelihood: Likelihood, impact: Impact) -> Cell {
        Cell { likelihood, impact }
    }

    /// Likelihood × impact, 1 to 25.
    pub fn score(self) -> u8 {
        self.likelihood.step() * self.impact.step()
    }

    /// The level of the cell.
    pub fn level(self) -> RiskLevel {
        RiskLevel::from_score(self.score()).expect("every product of two steps has a level")
    }

    /// The 25 cells, likelihood then impact ascending.
    pub fn all() -> impl Iterator<Item = Cell> {
        Likelihood::ALL
            .iter()
            .flat_map(|l| Impact::ALL.iter().map(move |i| Cell::new(*l, *i)))
    }
}

/// A cell as drawn: where it goes and what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DrawnCell {
    /// The cell.
    #[serde(flatten)]
    pub cell: Cell,
    /// Row from the top, 0 to 4: the top row is "almost certain".
    pub row: u8,
    /// Column from the left, 0 to 4: the left column is "negligible".
    pub column: u8,
    /// Likelihood × impact.
    pub score: u8,
    /// Its level (the colour).
    pub level: RiskLevel,
    /// The cell the caseworker chose.
    pub chosen: bool,
    /// The cell the factors suggest.
    pub suggested: bool,
}

/// The matrix laid out for drawing: the web renders it without knowing the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixLayout {
    /// The row labels from the top: likelihood 5 down to 1.
    pub rows: [Likelihood; 5],
    /// The column labels from the left: impact 1 to 5.
    pub columns: [Impact; 5],
    /// The 25 cells, row by row from the top, each row left to right.
    pub cells: Vec<DrawnCell>,
}

/// Lay the matrix out, marking the chosen and the suggested cell when given.
pub fn layout(chosen: Option<Cell>, suggested: Option<Cell>) -> MatrixLayout {
    let mut rows = [Likelihood::Rare; 5];
    for (r, l) in rows.iter_mut().zip(Likelihood::ALL.iter().rev()) {
        *r = *l;
    }
    let mut columns = [Impact::Negligible; 5];
    columns.copy_from_slice(Impact::ALL);
    let mut cells = Vec::with_capacity(25);
    for (row, l) in (0u8..).zip(rows) {
        for (column, i) in (0u8..).zip(columns) {
            let cell = Cell::new(l, i);
            cells.push(DrawnCell {
                cell,
                row,
                column,
                score: cell.score(),
                level: cell.level(),
                chosen: chosen == Some(cell),
                suggested: suggested == Some(cell),
            });
        }
    }
    MatrixLayout {
        rows,
        columns,
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn cell(l: u8, i: u8) -> Cell {
        Cell::new(
            Likelihood::from_step(l).unwrap(),
            Impact::from_step(i).unwrap(),
        )
    }

    #[test]
    fn every_cell_has_exactly_one_level() {
        let mut levels = BTreeSet::new();
        for c in Cell::all() {
            let n = RiskLevel::ALL
                .iter()
                .filter(|l| l.scores().contains(&c.score()))
                .count();
            assert_eq!(n, 1, "{c:?} score {}", c.score());
            levels.insert(c.level());
        }
        assert_eq!(Cell::all().count(), 25);
        assert_eq!(levels.len(), 4, "every level is reached");
        // 17 to 19 are no product of two steps, and have no level.
        let products: BTreeSet<u8> = Cell::all().map(Cell::score).collect();
        for s in 17..=19 {
            assert!(!products.contains(&s));
            assert_eq!(RiskLevel::from_score(s), None);
        }
        assert_eq!(RiskLevel::from_score(0), None);
        assert_eq!(RiskLevel::from_score(26), None);
    }

    #[test]
    fn the_documented_bands() {
        assert_eq!(cell(1, 1).level(), RiskLevel::Low);
        assert_eq!(cell(2, 2).level(), RiskLevel::Low);
        assert_eq!(cell(1, 5).level(), RiskLevel::Medium);
        assert_eq!(cell(3, 3).level(), RiskLevel::Medium);
        assert_eq!(cell(2, 5).level(), RiskLevel::High);
        assert_eq!(cell(4, 4).level(), RiskLevel::High);
        assert_eq!(cell(4, 5).level(), RiskLevel::Critical);
        assert_eq!(cell(5, 5).score(), 25);
        assert!(!RiskLevel::Medium.needs_safety_plan() && !RiskLevel::Medium.alerts());
        assert!(RiskLevel::High.needs_safety_plan() && RiskLevel::Critical.alerts());
    }

    #[test]
    fn steps_round_trip_and_parse() {
        for n in 1..=5 {
            assert_eq!(Likelihood::from_step(n).unwrap().step(), n);
            assert_eq!(Impact::from_step(n).unwrap().step(), n);
        }
        assert_eq!(Likelihood::from_step(0), None);
        assert_eq!(Impact::from_step(6), None);
        assert_eq!(Impact::saturating(0), Impact::Negligible);
        assert_eq!(Impact::saturating(9), Impact::LifeThreatening);
        assert_eq!(
            Likelihood::parse_step(" 5 "),
            Some(Likelihood::AlmostCertain)
        );
        assert_eq!(
            Likelihood::parse_step("almost_certain"),
            Some(Likelihood::AlmostCertain)
        );
        assert_eq!(
            Impact::parse_step("life_threatening"),
            Some(Impact::LifeThreatening)
        );
        assert_eq!(Impact::parse_step("7"), None);
        assert_eq!(Impact::parse_step("-1"), None);
        assert_eq!(Impact::parse_step("huge"), None);
        for lang in [Lang::En, Lang::Fr] {
            assert!(Impact::Major.label(lang).starts_with("4 "));
        }
    }

    #[test]
    fn the_layout_has_the_25_cells_in_place() {
        let m = layout(Some(cell(4, 2)), Some(cell(5, 3)));
        assert_eq!(m.cells.len(), 25);
        assert_eq!(m.rows[0], Likelihood::AlmostCertain);
        assert_eq!(m.columns[0], Impact::Negligible);
        let places: BTreeSet<(u8, u8)> = m.cells.iter().map(|c| (c.row, c.column)).collect();
        assert_eq!(places.len(), 25);
        for c in &m.cells {
            assert_eq!(m.rows[usize::from(c.row)], c.cell.likelihood);
            assert_eq!(m.columns[usize::from(c.column)], c.cell.impact);
            assert_eq!(c.level, c.cell.level());
            assert_eq!(c.score, c.cell.score());
        }
        let chosen: Vec<_> = m.cells.iter().filter(|c| c.chosen).collect();
        assert_eq!(chosen.len(), 1);
        assert_eq!(
            (chosen[0].row, chosen[0].column, chosen[0].score),
            (1, 1, 8)
        );
        assert_eq!(m.cells.iter().filter(|c| c.suggested).count(), 1);
        let empty = layout(None, None);
        assert!(empty.cells.iter().all(|c| !c.chosen && !c.suggested));
    }

    proptest! {
        #[test]
        fn raising_likelihood_or_impact_never_lowers_the_level(
            l in 1u8..=5, i in 1u8..=5, dl in 0u8..=4, di in 0u8..=4
        ) {
            let lower = cell(l, i);
            let higher = cell((l + dl).min(5), (i + di).min(5));
            prop_assert!(higher.level() >= lower.level());
            prop_assert!(higher.score() >= lower.score());
        }
    }
}
