//! Investigation casework (issue 14): the investigation file on a case (lead, team, status,
//! tasks, timeline, notes), suspects' offences under national law with the Palermo elements and
//! what supports them, the evidence register with its chain of custody, the suspects' police
//! custody with its clock and rights checklist, and the prosecutor's dossier. Rules only: the
//! store persists what these functions decide.
//!
//! - [`status`]: the file's state machine (opened → active → referred → closed).
//! - [`tasks`]: tasks with owners and due days, overdue at the end of the due day.
//! - [`legal`]: the legal catalogue as data (`data/legal.toml`): offences, penalty tiers,
//!   aggravating circumstances, custody rules per jurisdiction, each with its source; none is
//!   confirmed by a lawyer yet, and every page that shows them says so.
//! - [`elements`]: the elements of an offence and which still lack support.
//! - [`evidence`]: items, custody events, the hash re-check, what a dossier may take.
//! - [`custody`]: the custody clock (real hours, shown in the jurisdiction's time zone),
//!   extensions with the prosecutor's authorisation, release or transfer, the rights checklist.

pub mod custody;
pub mod elements;
pub mod evidence;
pub mod legal;
pub mod status;
pub mod tasks;

#[cfg(test)]
mod tests;

pub use custody::{
    Clock, Custody, CustodyEnd, CustodyForm, ExtensionForm, Right, RightForm, RightStatus,
};
pub use elements::{Element, ElementStatus, Support};
pub use evidence::{
    CustodyEventForm, CustodyEventKind, CustodyStep, EvidenceForm, EvidenceKind, HashCheck,
    ItemState,
};
pub use legal::{LegalCatalogue, Offence, Penalty, TierId};
pub use status::{InvestigationStatus, Standing, StatusStep};
pub use tasks::{TaskForm, TaskState};

use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters};

/// Check a note or a timeline entry's words (`field`): required, free text without control
/// characters, at most [`MAX_LONG_TEXT`]. Returns them trimmed.
pub fn check_words(field: &'static str, text: &str) -> Result<String, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let t = text.trim();
    if t.is_empty() {
        e.push(field, "required", "write something");
    }
    check_characters(&mut e, field, t, true);
    if t.chars().count() > MAX_LONG_TEXT {
        e.push(field, "max_length", "too long");
    }
    e.into_result(t.to_string())
}
