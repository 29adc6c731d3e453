//! Retention (issue 13): how long each kind of record is kept once its purpose is met, as
//! configuration, and which records a run lets go. The store finds the records; this module
//! says the rules and checks the configuration.
//!
//! - **Persons of closed cases** (`closed_case_persons`): a person every case of whom was
//!   closed more than the period ago is erased (crypto-erasure, ground `retention_ended`); a
//!   legal hold still stops it, as for any erasure. Default 10 years.
//! - **Persons in no case** (`persons_without_case`): a person registered more than the period
//!   ago and never involved in a case (a registration abandoned) is erased. Default 1 year.
//! - **Sessions** (`ended_sessions`): sign-in sessions ended more than the period ago are
//!   deleted (they hold token hashes and times). Default 30 days.
//! - **Read notifications** (`read_notifications`): deleted the period after they were read.
//!   Default 1 year.
//!
//! Each rule is configured in days, or `off`. The audit log, the history of changes and the
//! training records are not under retention: they are the register's evidence.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::picklist::{Picklist, picklist};
use crate::validation::ValidationErrors;

picklist! {
    /// The kinds of record retention lets go.
    RetentionKind, fields ["ret_Kind"] {
        ClosedCasePersons = "closed_case_persons", "Persons of cases closed", "Personnes des dossiers clos";
        PersonsWithoutCase = "persons_without_case", "Persons in no case", "Personnes sans dossier";
        EndedSessions = "ended_sessions", "Ended sessions", "Sessions terminées";
        ReadNotifications = "read_notifications", "Read notifications", "Notifications lues";
    }
}

impl RetentionKind {
    /// The period when nothing is configured, in days.
    pub fn default_days(self) -> u32 {
        match self {
            RetentionKind::ClosedCasePersons => 3650,
            RetentionKind::PersonsWithoutCase => 365,
            RetentionKind::EndedSessions => 30,
            RetentionKind::ReadNotifications => 365,
        }
    }

    /// Whether a run erases persons (rather than deleting rows that are not records).
    pub fn erases_persons(self) -> bool {
        matches!(
            self,
            RetentionKind::ClosedCasePersons | RetentionKind::PersonsWithoutCase
        )
    }
}

/// The longest period a rule may have: 100 years.
pub const MAX_DAYS: u32 = 36_500;

/// The field of a configuration's errors.
const FIELD: &str = "ret_Period";

/// The retention periods, one per kind (`None`: kept for ever).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionPolicy {
    periods: Vec<(RetentionKind, Option<u32>)>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            periods: RetentionKind::ALL
                .iter()
                .map(|k| (*k, Some(k.default_days())))
                .collect(),
        }
    }
}

impl RetentionPolicy {
    /// The defaults with overrides written as `kind=days` or `kind=off` pairs separated by `,`
    /// or `;` (`closed_case_persons=1825, read_notifications=off`). Refused: `ret_Period` with
    /// rule `unknown_kind`, `not_a_number` or `out_of_range` (1 to [`MAX_DAYS`]).
    pub fn parse_overrides(text: &str) -> Result<RetentionPolicy, ValidationErrors> {
        let mut policy = RetentionPolicy::default();
        let mut e = ValidationErrors::default();
        for part in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let kind = match RetentionKind::parse(name.trim()) {
                Ok(k) => k,
                Err(_) => {
                    let known: Vec<&str> =
                        RetentionKind::ALL.iter().map(|k| k.value_name()).collect();
                    e.push(
                        FIELD,
                        "unknown_kind",
                        format!("'{}' is not one of {}", name.trim(), known.join(", ")),
                    );
                    continue;
                }
            };
            let value = value.trim();
            let days = if value.eq_ignore_ascii_case("off") {
                None
            } else {
                match value.parse::<u32>() {
                    Ok(d) if (1..=MAX_DAYS).contains(&d) => Some(d),
                    Ok(_) => {
                        e.push(
                            FIELD,
                            "out_of_range",
                            format!("'{part}': from 1 to {MAX_DAYS} days, or off"),
                        );
                        continue;
                    }
                    Err(_) => {
                        e.push(
                            FIELD,
                            "not_a_number",
                            format!("'{part}' is not kind=days or kind=off"),
                        );
                        continue;
                    }
                }
            };
            policy.set(kind, days);
        }
        e.into_result(policy)
    }

    /// Set one period (`None`: kept for ever).
    pub fn set(&mut self, kind: RetentionKind, days: Option<u32>) {
        for (k, d) in &mut self.periods {
            if *k == kind {
                *d = days;
            }
        }
    }

    /// The period of a kind, in days (`None`: kept for ever).
    pub fn days(&self, kind: RetentionKind) -> Option<u32> {
        self.periods
            .iter()
            .find(|(k, _)| *k == kind)
            .and_then(|(_, d)| *d)
    }

    /// The moment before which records of `kind` go, at `now`; `None` when kept for ever.
    pub fn cutoff(&self, kind: RetentionKind, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.days(kind).map(|d| now - Duration::days(i64::from(d)))
    }

    /// Every kind with its period, in order.
    pub fn periods(&self) -> &[(RetentionKind, Option<u32>)] {
        &self.periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let p = RetentionPolicy::default();
        assert_eq!(p.days(RetentionKind::ClosedCasePersons), Some(3650));
        assert_eq!(p.days(RetentionKind::EndedSessions), Some(30));
        let p =
            RetentionPolicy::parse_overrides(" closed_case_persons=1825; read_notifications=OFF ,")
                .unwrap();
        assert_eq!(p.days(RetentionKind::ClosedCasePersons), Some(1825));
        assert_eq!(p.days(RetentionKind::ReadNotifications), None);
        assert_eq!(p.days(RetentionKind::PersonsWithoutCase), Some(365));
        let now = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            p.cutoff(RetentionKind::EndedSessions, now)
                .unwrap()
                .to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
        assert_eq!(p.cutoff(RetentionKind::ReadNotifications, now), None);
        assert!(RetentionKind::ClosedCasePersons.erases_persons());
        assert!(!RetentionKind::EndedSessions.erases_persons());
    }

    #[test]
    fn a_bad_configuration_is_refused_by_part() {
        let e =
            RetentionPolicy::parse_overrides("cases=10, ended_sessions=0, read_notifications=x")
                .unwrap_err();
        let rules: Vec<&str> = e.0.iter().map(|e| e.rule).collect();
        assert_eq!(rules, ["unknown_kind", "out_of_range", "not_a_number"]);
        assert!(e.0[0].message.contains("closed_case_persons"));
        assert!(RetentionPolicy::parse_overrides("ended_sessions=36501").is_err());
        assert!(RetentionPolicy::parse_overrides("ended_sessions=36500").is_ok());
    }
}
