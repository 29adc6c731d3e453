//! The audit log: the hash chain (pure, in `chain.rs`), who acts ([`Actor`]), the actions
//! (typed in `tabara_core::audit`), and reading and checking the log.

use serde::Serialize;
use tabara_core::audit::AuditAction;
use tabara_core::ids::UserId;

use crate::{Result, Store, refuse};

mod chain;
mod proofs;
pub use chain::*;
pub use proofs::*;

/// Who does something, as written in the audit log: never a name, only an id or a system label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Actor(String);

impl Actor {
    /// A signed-in user.
    pub fn user(id: UserId) -> Actor {
        Actor(format!("user:{id}"))
    }
    /// A system process (`cli`, `demo`, `import`).
    pub fn system(label: &str) -> Actor {
        Actor(format!("system:{label}"))
    }
    /// As written in the log.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The account an actor as written in the log (`user:<id>`) names; `None` for a system actor.
pub(crate) fn actor_user(actor: &str) -> Option<uuid::Uuid> {
    actor.strip_prefix("user:")?.parse().ok()
}

/// An audit action as a caller names it: the typed [`AuditAction`], or its stored name (an
/// unknown name is refused with the field error `audit_action` / `unknown`).
pub trait ToAuditAction {
    /// The action.
    fn to_audit_action(self) -> Result<AuditAction>;
}

impl ToAuditAction for AuditAction {
    fn to_audit_action(self) -> Result<AuditAction> {
        Ok(self)
    }
}

impl ToAuditAction for &str {
    fn to_audit_action(self) -> Result<AuditAction> {
        self.parse()
            .map_err(|e: tabara_core::audit::UnknownAuditAction| {
                refuse("audit_action", "unknown", e.to_string())
            })
    }
}

impl Store {
    /// Write an audit entry for an event that changes nothing but must be known (a search over
    /// identifying data, an export). Never pass personal data as the id.
    pub async fn record_event(
        &self,
        actor: &Actor,
        action: impl ToAuditAction,
        kind: &'static str,
        id: String,
    ) -> Result<()> {
        let action = action.to_audit_action()?;
        // The kind is the action's: a caller naming another one is refused, not logged wrongly.
        if kind != action.record_kind() {
            return Err(refuse(
                "record_kind",
                "audit_record_kind",
                format!("{action} is about a {}", action.record_kind()),
            ));
        }
        dispatch!(self, record_event(actor, action, id))
    }

    /// Check the whole audit chain, its head, and the register against it: every record's
    /// creation entry present, nothing written after the last entry (a tail cut with the head
    /// moved back leaves a whole chain). Reads one snapshot.
    pub async fn verify_audit(&self) -> Result<Verification> {
        dispatch!(self, verify_audit())
    }

    /// Audit entries after `after_seq`, at most `limit`.
    pub async fn audit_entries(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        dispatch!(self, audit_entries(after_seq, limit))
    }

    /// Audit entries about one record, oldest first.
    pub async fn audit_trail(&self, record_kind: &str, record_id: &str) -> Result<Vec<AuditEntry>> {
        dispatch!(self, audit_trail(record_kind, record_id))
    }

    /// The newest `limit` audit entries about a record, oldest first.
    pub async fn recent_audit_trail(
        &self,
        record_kind: &str,
        record_id: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>> {
        dispatch!(self, recent_audit_trail(record_kind, record_id, limit))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
    pub(crate) mod tree;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
    pub(crate) mod tree;
}
