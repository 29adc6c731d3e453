//! What the officer records: answers to questions and the facts of the person's age.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// An answer to one question. A question skipped is `NotAsked`, never "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The indicator is present.
    Yes,
    /// The indicator is absent.
    No,
    /// The person does not know.
    DontKnow,
    /// The person chose not to answer.
    Refused,
    /// The question was not asked.
    #[default]
    NotAsked,
}

impl Answer {
    /// `yes`, `no`, `dont_know`, `refused`, `not_asked`.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Yes => "yes",
            Answer::No => "no",
            Answer::DontKnow => "dont_know",
            Answer::Refused => "refused",
            Answer::NotAsked => "not_asked",
        }
    }

    /// Parse the stored form.
    pub fn parse(s: &str) -> Option<Answer> {
        Some(match s {
            "yes" => Answer::Yes,
            "no" => Answer::No,
            "dont_know" => Answer::DontKnow,
            "refused" => Answer::Refused,
            "not_asked" => Answer::NotAsked,
            _ => return None,
        })
    }
}

/// What is known of the person's age.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AgeFacts {
    /// Age in years, stated, documented or estimated.
    pub age: Option<i64>,
    /// The age is an estimate or doubtful.
    pub uncertain: bool,
    /// Ids of the signs of minority observed.
    pub minority_signs: BTreeSet<String>,
}

pub use crate::child::ChildBasis;

impl AgeFacts {
    /// The child rule of [`crate::child::presumed_child`]: under 18; an estimate under 21; an
    /// uncertain or unknown age with any sign of minority.
    pub fn child_basis(&self) -> Option<ChildBasis> {
        crate::child::presumed_child(self.age, self.uncertain, &self.minority_signs)
    }
}
