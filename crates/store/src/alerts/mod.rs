//! Alerts the register raises on its own and each user's notification inbox (issue 12). The
//! rules (the kinds, the unique key, who is told) are in `tabara_core::alerts`; the store finds
//! the facts that fell due, writes each alert once with one notification per recipient, keeps
//! the inboxes, and drains the outbox of the external channels through [`Delivery`].
//!
//! Exactly once: an alert's key is unique in the database and is inserted with `ON CONFLICT
//! DO NOTHING`, with its notifications and its audit entry (`alert.raise`, actor
//! `system:alerts`) in the same transaction; a run that loses the race to another server (or
//! repeats after a restart) inserts nothing, notifies nobody and audits nothing.
//!
//! Marking a notification read is a change of the register and is audited
//! (`notification.read`, by the reader); reading one's own inbox is not (it holds no personal
//! data: a kind, the record it is about, moments).

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tabara_core::ids::*;
use uuid::Uuid;

use crate::{Actor, Result, Store};

pub use tabara_core::alerts::{AlertFacts, AlertKind, alert_key, recipients};

/// The most rows one list or one run handles.
pub const MAX_ALERT_ROWS: i64 = 500;

/// The most attempts at delivering one notification over one channel.
pub const MAX_DELIVERY_ATTEMPTS: i64 = 5;

/// The actor of the alerts' own work in the audit log.
pub fn alerts_actor() -> Actor {
    Actor::system("alerts")
}

/// What a run of [`Store::raise_due_alerts`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Alerts raised by this run (not those another run raised first).
    pub raised: u64,
    /// Notifications written with them.
    pub notified: u64,
}

/// One notification of a user's inbox: what it is about, never who (the page puts it in
/// words and links to the record, which the reader's access then decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Id.
    pub id: Uuid,
    /// The alert it tells of.
    pub alert_id: Uuid,
    /// Its recipient.
    pub user_id: UserId,
    /// What the alert is about.
    pub kind: AlertKind,
    /// The record: a referral's or a risk assessment's id (see [`AlertKind::subject_kind`]).
    pub subject_id: Uuid,
    /// The case of the record.
    pub case_id: CaseId,
    /// The case's number (`TBR-000123` on pages).
    pub case_number: i64,
    /// The person the record is about (none for an investigation's task).
    pub person_id: Option<PersonId>,
    /// When the alert fell due.
    pub due_at: DateTime<Utc>,
    /// When the notification was written.
    pub created_at: DateTime<Utc>,
    /// When its recipient marked it read.
    pub read_at: Option<DateTime<Utc>>,
}

/// What delivering a notification returns: `Err` with the channel's words for a failure.
pub type DeliveryFuture<'a> =
    Pin<Box<dyn Future<Output = std::result::Result<(), String>> + Send + 'a>>;

/// An external channel notifications go out on (SMS, e-mail, a log). The in-app inbox is the
/// store itself; a channel only sends what the store hands it, so adding one touches neither
/// the alerts nor the domains they are about.
pub trait Delivery: Send + Sync {
    /// The channel's stable name (`log`, `sms`, …), written in the outbox.
    fn channel(&self) -> &str;
    /// Send one notification.
    fn deliver<'a>(&'a self, notification: &'a Notification) -> DeliveryFuture<'a>;
}

/// What a run of [`Store::deliver_pending`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    /// Notifications delivered.
    pub delivered: u64,
    /// Attempts that failed (tried again by a later run, up to [`MAX_DELIVERY_ATTEMPTS`]).
    pub failed: u64,
}

/// One notification's delivery over one channel, as the outbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryState {
    /// Attempts made.
    pub attempts: i64,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The last failure's words.
    pub last_error: Option<String>,
}

impl Store {
    /// Raise every alert due at `now` that is not raised yet: referrals sent and not answered
    /// by their due moment, latest risk assessments at high or critical level, latest
    /// assessments whose reassessment is due; at most `limit` (1 to [`MAX_ALERT_ROWS`]) of
    /// each kind per run. Each alert, its notifications and its audit entry commit together,
    /// once whatever the number of servers and runs (see the module documentation).
    pub async fn raise_due_alerts(&self, now: DateTime<Utc>, limit: i64) -> Result<RunReport> {
        dispatch!(self, raise_due_alerts(&self.legal, now, limit))
    }

    /// A user's notifications, newest first, unread ones only if asked, at most `limit` (1 to
    /// [`MAX_ALERT_ROWS`]).
    pub async fn notifications(
        &self,
        user: UserId,
        unread_only: bool,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        dispatch!(self, notifications(user, unread_only, limit))
    }

    /// How many notifications a user has not read (one indexed count).
    pub async fn unread_count(&self, user: UserId) -> Result<i64> {
        dispatch!(self, unread_count(user))
    }

    /// Mark a notification of `user`'s read (audited, `actor` the user): `true` when it was
    /// unread, `false` when it was read already. Another user's notification is not found,
    /// exactly like a missing one.
    pub async fn mark_notification_read(
        &self,
        actor: &Actor,
        user: UserId,
        id: Uuid,
    ) -> Result<bool> {
        dispatch!(self, mark_notification_read(actor, user, id))
    }

    /// Mark every unread notification of `user`'s read (at most [`MAX_ALERT_ROWS`] at once,
    /// one audit entry each): how many were.
    pub async fn mark_all_notifications_read(&self, actor: &Actor, user: UserId) -> Result<u64> {
        dispatch!(self, mark_all_notifications_read(actor, user))
    }

    /// The outbox of `channel` for one notification, if it was tried on it.
    pub async fn delivery_state(
        &self,
        notification: Uuid,
        channel: &str,
    ) -> Result<Option<DeliveryState>> {
        dispatch!(self, delivery_state(notification, channel))
    }

    /// Send over `channel` the unread notifications it has not delivered yet (oldest first, at
    /// most `limit`, 1 to [`MAX_ALERT_ROWS`]; a notification that failed
    /// [`MAX_DELIVERY_ATTEMPTS`] times is left). Each outcome is written to the outbox with its
    /// audit entry (`notification.deliver` or `notification.delivery_fail`, actor
    /// `system:alerts`). Two runners at once may send a notification twice (the channel is
    /// outside the transaction): external channels are at least once; the inbox is exactly
    /// once.
    pub async fn deliver_pending(
        &self,
        channel: &dyn Delivery,
        limit: i64,
    ) -> Result<DeliveryReport> {
        let pending: Vec<Notification> = dispatch!(self, undelivered(channel.channel(), limit))?;
        let mut report = DeliveryReport::default();
        for n in &pending {
            let outcome = channel.deliver(n).await;
            let delivered = outcome.is_ok();
            let error = outcome.err();
            dispatch!(
                self,
                record_delivery(n.id, channel.channel(), error.as_deref())
            )?;
            if delivered {
                report.delivered += 1;
            } else {
                report.failed += 1;
            }
        }
        Ok(report)
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::investigations::sqlite::queries as investigations;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::investigations::postgres::queries as investigations;
    pub(crate) mod queries;
}
