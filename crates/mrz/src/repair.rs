//! Repairs of OCR confusions that make an invalid zone valid.

use crate::digits::confusions;
use crate::{Mrz, Options, Suggestion};

/// Every single-character repair, among the confusions of [`crate::confusions`], after which
/// the whole zone is valid; each with the check digits that failed before and agree after.
pub(crate) fn suggest(mrz: &Mrz, options: &Options) -> Vec<Suggestion> {
    let lines: Vec<Vec<char>> = mrz.lines.iter().map(|l| l.chars().collect()).collect();
    let mut out = Vec::new();
    for (l, line) in lines.iter().enumerate() {
        for (p, &found) in line.iter().enumerate() {
            for &replacement in confusions(found) {
                let mut changed = lines.clone();
                changed[l][p] = replacement;
                let Ok(format) = crate::parse::shape(&changed) else {
                    continue;
                };
                let after = crate::parse::read(format, &changed, options);
                if !after.is_valid() {
                    continue;
                }
                let proven_by = after
                    .checks
                    .iter()
                    .filter(|c| c.ok)
                    .filter(|c| !mrz.checks.iter().any(|b| b.kind == c.kind && b.ok))
                    .map(|c| c.kind)
                    .collect();
                out.push(Suggestion {
                    line: l + 1,
                    position: p + 1,
                    found,
                    replacement,
                    proven_by,
                });
            }
        }
    }
    out
}
