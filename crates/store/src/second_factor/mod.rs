//! The second factor of accounts (issue 13; the codes are `tabara_core::totp`): enrolment
//! (a secret wrapped by the master key, confirmed by the first code typed back, ten recovery
//! codes shown once and kept hashed), the check at sign-in (each code good once; five failures
//! lock it with a growing delay, as passwords do), and its reset by an operator.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::UserId;

use crate::{Actor, Result, Store};

/// An account's second factor as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecondFactorState {
    /// The first code was typed back: it is in use.
    pub confirmed: bool,
    /// Locked after failures until then.
    pub locked_until: Option<DateTime<Utc>>,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

/// The outcome of a code typed at sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FactorCheck {
    /// The app's code.
    Accepted,
    /// A recovery code, now spent.
    AcceptedRecovery {
        /// Codes left.
        left: i64,
    },
    /// Wrong (or used before).
    Refused,
    /// Too many failures: locked until then.
    Locked {
        /// Until.
        until: DateTime<Utc>,
    },
    /// The account has no confirmed second factor.
    NotEnrolled,
}

/// The lock after `failures` wrong codes: from the fifth, 2 minutes doubling up to an hour.
pub fn lock_after(failures: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (failures >= 5)
        .then(|| now + chrono::Duration::minutes(2i64.pow((failures - 4).min(6) as u32).min(60)))
}

impl Store {
    /// The account's second factor, if one was begun.
    pub async fn second_factor_state(&self, user: UserId) -> Result<Option<SecondFactorState>> {
        dispatch!(self, state(user))
    }

    /// Begin (or begin again) an enrolment: a new secret for the app, kept wrapped; refused
    /// when a confirmed second factor is in use (an operator resets it first).
    pub async fn start_enrolment(&self, user: UserId) -> Result<Vec<u8>> {
        dispatch!(self, start_enrolment(&self.keys.master, user))
    }

    /// The secret of an enrolment under way (to show it again), if any.
    pub async fn pending_secret(&self, user: UserId) -> Result<Option<Vec<u8>>> {
        dispatch!(self, pending_secret(&self.keys, user))
    }

    /// Confirm the enrolment with the app's first code: the recovery codes to show once
    /// (`user.second_factor_enrol` audited), or `None` when the code is wrong.
    pub async fn confirm_enrolment(
        &self,
        actor: &Actor,
        user: UserId,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<String>>> {
        dispatch!(self, confirm_enrolment(&self.keys, actor, user, code, now))
    }

    /// Check a code typed at sign-in: the app's or a recovery code. Failures are counted and
    /// audited (`user.second_factor_fail`); a recovery code used is audited
    /// (`user.recovery_code_use`).
    pub async fn check_second_factor(
        &self,
        user: UserId,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<FactorCheck> {
        dispatch!(self, check(&self.keys, user, code, now))
    }

    /// Remove an account's second factor and recovery codes (`user.second_factor_reset`): it
    /// enrols again at its next sign-in. False when there was none.
    pub async fn reset_second_factor(&self, actor: &Actor, user: UserId) -> Result<bool> {
        dispatch!(self, reset(actor, user))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
