//! The interview cut into short screens, phase by phase and dimension by dimension.

use serde::Serialize;

use super::*;

/// At most this many questions on one screen of the interview (a few phone screens).
pub const MAX_QUESTIONS_PER_SCREEN: usize = 8;

/// One screen of the interview: questions of one phase, grouped by dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screen {
    /// Stable id, used in addresses: the phase (`movement`), or the phase and dimension
    /// (`recruitment-d1`), with a part number when a dimension is split (`exploitation-d5-2`).
    pub id: String,
    /// The phase.
    pub phase: Phase,
    /// The dimension that names the screen (`None` when the whole phase fits on one screen).
    pub dimension: Option<DimensionId>,
    /// Part `n` of `of` when the dimension is split over several screens.
    pub part: Option<(usize, usize)>,
    /// The questions, grouped by dimension in dimension order.
    pub groups: Vec<(DimensionId, Vec<String>)>,
}

impl Screen {
    /// Every indicator id on the screen.
    pub fn indicator_ids(&self) -> impl Iterator<Item = &String> {
        self.groups.iter().flat_map(|(_, ids)| ids.iter())
    }
}

fn grouped(questions: &[&Indicator]) -> Vec<(DimensionId, Vec<String>)> {
    DimensionId::ALL
        .into_iter()
        .map(|d| {
            (
                d,
                questions
                    .iter()
                    .filter(|i| i.dimension == d)
                    .map(|i| i.id.clone())
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, ids)| !ids.is_empty())
        .collect()
}

impl Catalogue {
    /// The screens of the interview, phase by phase: a phase of at most
    /// [`MAX_QUESTIONS_PER_SCREEN`] questions is one screen; a longer one has a screen per
    /// dimension (the act questions join the first), a dimension longer than that split in
    /// equal parts.
    pub fn screens(&self) -> Vec<Screen> {
        let mut screens = Vec::new();
        for phase in Phase::ALL {
            let questions: Vec<&Indicator> = self
                .indicators
                .iter()
                .filter(|i| i.phase == phase)
                .collect();
            if questions.is_empty() {
                continue;
            }
            if questions.len() <= MAX_QUESTIONS_PER_SCREEN {
                screens.push(Screen {
                    id: phase.as_str().to_string(),
                    phase,
                    dimension: None,
                    part: None,
                    groups: grouped(&questions),
                });
                continue;
            }
            let mut groups = grouped(&questions).into_iter().peekable();
            let mut act = None;
            while let Some((d, ids)) = groups.next() {
                if d == DimensionId::Act && groups.peek().is_some() {
                    act = Some((d, ids));
                    continue;
                }
                // The act questions count on the first screen of the dimension they join.
                let extra = act.as_ref().map_or(0, |(_, a): &(_, Vec<String>)| a.len());
                let total = ids.len() + extra;
                let parts = total.div_ceil(MAX_QUESTIONS_PER_SCREEN);
                let size = total.div_ceil(parts);
                let mut rest = &ids[..];
                for k in 0..parts {
                    let take = if k == 0 {
                        size.saturating_sub(extra)
                    } else {
                        size
                    };
                    let (chunk, r) = rest.split_at(take.min(rest.len()));
                    rest = r;
                    let mut groups = Vec::new();
                    if k == 0
                        && let Some(a) = act.take()
                    {
                        groups.push(a);
                    }
                    if !chunk.is_empty() {
                        groups.push((d, chunk.to_vec()));
                    }
                    let base = format!("{}-{}", phase.as_str(), d.as_str().to_lowercase());
                    screens.push(Screen {
                        id: if parts > 1 {
                            format!("{base}-{}", k + 1)
                        } else {
                            base
                        },
                        phase,
                        dimension: Some(d),
                        part: (parts > 1).then_some((k + 1, parts)),
                        groups,
                    });
                }
            }
        }
        screens
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::shipped as cat;
    use std::collections::BTreeSet;

    #[test]
    fn the_interview_is_cut_into_short_screens_by_dimension() {
        let screens = cat().screens();
        let ids: Vec<&str> = screens.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "recruitment-d1",
                "recruitment-d2",
                "recruitment-d3",
                "movement",
                "exploitation-d4",
                "exploitation-d5-1",
                "exploitation-d5-2",
                "exploitation-d6",
            ]
        );
        // Every question exactly once, none on a screen of another phase, none too long.
        let mut seen = BTreeSet::new();
        for s in &screens {
            let n = s.indicator_ids().count();
            assert!((1..=MAX_QUESTIONS_PER_SCREEN).contains(&n), "{}: {n}", s.id);
            for id in s.indicator_ids() {
                assert_eq!(cat().indicator(id).unwrap().phase, s.phase);
                assert!(seen.insert(id.clone()), "{id} twice");
            }
        }
        assert_eq!(seen.len(), cat().indicators.len());
        // The act question of a phase comes first, with the phase's first dimension.
        assert_eq!(screens[0].groups[0].0, DimensionId::Act);
        assert_eq!(screens[0].groups[1].0, DimensionId::D1);
        assert_eq!(screens[5].part, Some((1, 2)));
        // Every dimension is explained in English and French.
        for d in &cat().dimensions {
            assert!(!d.about.get(crate::Lang::En).is_empty());
            assert!(!d.about.get(crate::Lang::Fr).is_empty());
        }
    }
}
