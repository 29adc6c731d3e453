//! The training programme's rules: the curriculum (data, `data/curriculum.toml`), test scoring,
//! and the completion rule of a session. Pure; the store keeps sessions and participants.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::screening::Texts;

const EMBEDDED: &str = include_str!("../data/curriculum.toml");

/// The part of Tabara a module teaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    /// No particular feature.
    None,
    /// Screening interviews and the trafficking-vs-smuggling aid.
    Screening,
    /// Referral between agencies.
    Referral,
    /// Case investigation (links, money flows).
    CaseInvestigation,
    /// Risk assessment.
    RiskAssessment,
    /// Custody record of a suspect.
    CustodyRecord,
    /// Machine-readable zone check of travel documents.
    MrzCheck,
}

/// A module of the curriculum.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Stable id.
    pub id: String,
    /// Length in hours.
    pub hours: u32,
    /// The feature it teaches.
    pub feature: Feature,
    /// Title.
    pub title: Texts,
    /// Learning objectives.
    pub objectives: Texts,
}

/// A multiple-choice test question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id.
    pub id: String,
    /// The module it tests.
    pub module: String,
    /// The question.
    pub text: Texts,
    /// The choices, per language (same order in every language).
    pub choices: Choices,
    /// Index of the right choice.
    pub answer: usize,
}

/// The choices of a question in each language.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Choices {
    /// English.
    pub en: Vec<String>,
    /// French.
    pub fr: Vec<String>,
    /// Kirundi, when written.
    #[serde(default)]
    pub rn: Option<Vec<String>>,
}

impl Choices {
    /// The choices in `lang` (Kirundi falls back to French).
    pub fn get(&self, lang: Lang) -> &[String] {
        lang.choose(&self.en, &self.fr, self.rn.as_deref())
    }
}

/// The curriculum.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curriculum {
    /// Version, kept with sessions and certificates.
    pub version: String,
    /// The modules.
    #[serde(rename = "module")]
    pub modules: Vec<Module>,
    /// The test questions.
    #[serde(rename = "question", default)]
    pub questions: Vec<Question>,
}

/// What is wrong with a curriculum file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("curriculum: {0}")]
pub struct CurriculumError(pub String);

impl Curriculum {
    /// Parse and validate.
    pub fn parse(text: &str) -> Result<Curriculum, CurriculumError> {
        let c: Curriculum = toml::from_str(text).map_err(|e| CurriculumError(e.to_string()))?;
        // Each id once: `what` names the kind of item in the message.
        fn declare_once<'a>(
            ids: &mut BTreeSet<&'a str>,
            what: &str,
            id: &'a str,
        ) -> Result<(), CurriculumError> {
            if ids.insert(id) {
                Ok(())
            } else {
                Err(CurriculumError(format!("{what} '{id}' is declared twice")))
            }
        }
        let mut ids = BTreeSet::new();
        for m in &c.modules {
            declare_once(&mut ids, "module", &m.id)?;
            if m.hours == 0 {
                return Err(CurriculumError(format!("module '{}' lasts no time", m.id)));
            }
        }
        let mut qids = BTreeSet::new();
        for q in &c.questions {
            declare_once(&mut qids, "question", &q.id)?;
            if !ids.contains(q.module.as_str()) {
                return Err(CurriculumError(format!(
                    "question '{}' tests unknown module '{}'",
                    q.id, q.module
                )));
            }
            let n = q.choices.en.len();
            if n < 2
                || q.choices.fr.len() != n
                || q.choices.rn.as_ref().is_some_and(|r| r.len() != n)
            {
                return Err(CurriculumError(format!(
                    "question '{}' needs the same two or more choices in every language",
                    q.id
                )));
            }
            if q.answer >= n {
                return Err(CurriculumError(format!(
                    "question '{}': answer out of range",
                    q.id
                )));
            }
        }
        Ok(c)
    }

    /// The curriculum shipped with Tabara.
    pub fn embedded() -> Result<&'static Curriculum, CurriculumError> {
        static C: OnceLock<Result<Curriculum, CurriculumError>> = OnceLock::new();
        C.get_or_init(|| Curriculum::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A module by id.
    pub fn module(&self, id: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.id == id)
    }

    /// The questions of a test over the given modules, in curriculum order.
    pub fn test_questions<'a, 'm>(
        &'a self,
        modules: &'m [String],
    ) -> impl Iterator<Item = &'a Question> + 'm
    where
        'a: 'm,
    {
        self.questions
            .iter()
            .filter(move |q| modules.contains(&q.module))
    }

    /// Score a test: the percentage (0–100, rounded down) of the given questions answered right.
    /// A question without an answer counts as wrong. `None` when there are no questions.
    pub fn score<'a>(
        &self,
        questions: impl Iterator<Item = &'a Question>,
        answers: &BTreeMap<String, usize>,
    ) -> Option<u8> {
        let (mut total, mut right) = (0u32, 0u32);
        for q in questions {
            total += 1;
            if answers.get(&q.id) == Some(&q.answer) {
                right += 1;
            }
        }
        (total > 0).then(|| (right * 100 / total) as u8)
    }
}

/// A session's completion rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionRule {
    /// Least share of the session's days attended, in percent (e.g. 80).
    pub min_attendance_percent: u8,
    /// Least post-test score, in percent (e.g. 70).
    pub min_post_test_percent: u8,
}

impl Default for CompletionRule {
    fn default() -> Self {
        CompletionRule {
            min_attendance_percent: 80,
            min_post_test_percent: 70,
        }
    }
}

/// Why a participant did not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// Attended too few days.
    Attendance,
    /// No post-test score recorded.
    NoPostTest,
    /// Post-test score under the threshold.
    PostTest,
}

impl CompletionRule {
    /// Whether a participant who attended `days_attended` of `session_days` days and scored
    /// `post_test` (percent) completed the session; the shortfalls otherwise. Attendance is
    /// compared exactly (no rounding): 4 of 5 days is 80 %.
    pub fn check(
        self,
        days_attended: u32,
        session_days: u32,
        post_test: Option<u8>,
    ) -> Vec<Shortfall> {
        let mut short = Vec::new();
        let attended = days_attended.min(session_days);
        if session_days == 0
            || u64::from(attended) * 100
                < u64::from(self.min_attendance_percent) * u64::from(session_days)
        {
            short.push(Shortfall::Attendance);
        }
        match post_test {
            None => short.push(Shortfall::NoPostTest),
            Some(s) if s < self.min_post_test_percent => short.push(Shortfall::PostTest),
            Some(_) => {}
        }
        short
    }
}

/// Letters and digits of certificate codes: no 0/O, 1/I/L, so a code read aloud or typed from
/// paper is not mistaken.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new random certificate code, `XXXX-XXXX-XXXX` (about 59 bits).
pub fn certificate_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed (any case, spaces or dashes anywhere) in its stored form, or `None` when
/// it cannot be a code.
pub fn normalise_code(typed: &str) -> Option<String> {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != 12
        || !chars
            .iter()
            .all(|c| CODE_ALPHABET.contains(&(*c as u8)) && c.is_ascii())
    {
        return None;
    }
    let s: String = chars.into_iter().collect();
    Some(format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_curriculum_is_valid_and_covers_the_programme() {
        let c = Curriculum::embedded().unwrap();
        for id in [
            "legal_frameworks",
            "trafficking_vs_smuggling",
            "investigation_techniques",
            "risk_evaluation",
            "victim_identification",
            "child_protection",
            "rights_of_suspects",
            "fraudulent_documents",
        ] {
            let m = c.module(id).unwrap_or_else(|| panic!("{id}"));
            assert!(
                c.questions.iter().any(|q| q.module == m.id),
                "{id} has no test question"
            );
        }
        assert_eq!(
            c.module("fraudulent_documents").unwrap().feature,
            Feature::MrzCheck
        );
        assert_eq!(
            c.module("rights_of_suspects").unwrap().feature,
            Feature::CustodyRecord
        );
    }

    #[test]
    fn broken_curricula_are_refused() {
        let bad_answer = EMBEDDED.replacen("answer = 0", "answer = 7", 1);
        assert!(
            Curriculum::parse(&bad_answer)
                .unwrap_err()
                .0
                .contains("out of range")
        );
        let unknown =
            EMBEDDED.replacen("module = \"legal_frameworks\"", "module = \"astrology\"", 1);
        assert!(
            Curriculum::parse(&unknown)
                .unwrap_err()
                .0
                .contains("unknown module")
        );
    }

    #[test]
    fn scores_round_down_and_count_missing_answers_as_wrong() {
        let c = Curriculum::embedded().unwrap();
        let modules = vec![
            "legal_frameworks".to_string(),
            "trafficking_vs_smuggling".to_string(),
        ];
        let qs: Vec<&Question> = c.test_questions(&modules).collect();
        assert_eq!(qs.len(), 4);
        let mut answers = BTreeMap::new();
        assert_eq!(c.score(qs.iter().copied(), &answers), Some(0));
        for q in &qs[..3] {
            answers.insert(q.id.clone(), q.answer);
        }
        assert_eq!(c.score(qs.iter().copied(), &answers), Some(75));
        answers.insert(qs[3].id.clone(), qs[3].answer + 1);
        assert_eq!(c.score(qs.iter().copied(), &answers), Some(75));
        assert_eq!(c.score(std::iter::empty(), &answers), None);
    }

    #[test]
    fn certificate_codes_are_random_and_read_back_however_typed() {
        let a = certificate_code();
        assert_ne!(a, certificate_code());
        assert_eq!(normalise_code(&a), Some(a.clone()));
        let typed = a.replace('-', " ").to_lowercase();
        assert_eq!(normalise_code(&typed), Some(a));
        assert_eq!(
            normalise_code("ABCD-EFGH-JKL0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalise_code("ABCD"), None);
        assert_eq!(normalise_code("ÉBCD-EFGH-JKLM"), None);
    }

    #[test]
    fn completion_rule_at_its_boundaries() {
        let rule = CompletionRule::default();
        assert!(
            rule.check(4, 5, Some(70)).is_empty(),
            "80 % and 70 % exactly complete"
        );
        assert_eq!(rule.check(3, 5, Some(100)), vec![Shortfall::Attendance]);
        assert_eq!(rule.check(5, 5, Some(69)), vec![Shortfall::PostTest]);
        assert_eq!(rule.check(5, 5, None), vec![Shortfall::NoPostTest]);
        assert_eq!(
            rule.check(0, 0, Some(90)),
            vec![Shortfall::Attendance],
            "a session without days completes nobody"
        );
        // 79.99 % is under 80 %: 7999 of 10000 days.
        assert_eq!(
            rule.check(7999, 10_000, Some(80)),
            vec![Shortfall::Attendance]
        );
        assert!(rule.check(8000, 10_000, Some(80)).is_empty());
        // More days recorded than the session has cannot make up for anything.
        assert!(rule.check(9, 3, Some(70)).is_empty());
        let strict = CompletionRule {
            min_attendance_percent: 100,
            min_post_test_percent: 0,
        };
        assert_eq!(strict.check(2, 3, Some(0)), vec![Shortfall::Attendance]);
        assert!(strict.check(3, 3, Some(0)).is_empty());
    }
}
