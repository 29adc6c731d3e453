//! Tasks of an investigation: what is to be done, by whom, by when. A task open after its due
//! day is overdue and alerts its owner through the alert inbox; it is done or cancelled once.

use chrono::{DateTime, NaiveDate, TimeZone as _, Utc};
use serde::Serialize;

use crate::ids::UserId;
use crate::picklist::picklist;
use crate::records::MAX_SHORT_TEXT;
use crate::validation::{EARLIEST_RECORD_DATE, ValidationErrors, check_characters};

picklist! {
    /// Where a task stands.
    TaskState, fields [] {
        Open = "open", "To do", "À faire";
        Done = "done", "Done", "Fait";
        Cancelled = "cancelled", "Cancelled", "Annulé";
    }
}

/// The furthest a due day may lie ahead (five years).
pub const MAX_DUE_DAYS_AHEAD: i64 = 5 * 366;

/// A task as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskForm {
    /// What is to be done (one line).
    pub title: String,
    /// Who does it (a member of the team or the lead).
    pub owner: UserId,
    /// By when.
    pub due_on: NaiveDate,
}

impl TaskForm {
    /// Check the form on `today`: a title (`tsk_Title`/`required`, one line of at most
    /// [`MAX_SHORT_TEXT`]), a due day from today to five years ahead (`tsk_DueOn`/`date_range`:
    /// a task is not given already late). Returns it trimmed.
    pub fn validate(&self, today: NaiveDate) -> Result<TaskForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let title = self.title.trim();
        if title.is_empty() {
            e.push("tsk_Title", "required", "say what is to be done");
        }
        check_characters(&mut e, "tsk_Title", title, false);
        if title.chars().count() > MAX_SHORT_TEXT {
            e.push("tsk_Title", "max_length", "too long");
        }
        let latest = today + chrono::Duration::days(MAX_DUE_DAYS_AHEAD);
        if self.due_on < today.max(EARLIEST_RECORD_DATE) || self.due_on > latest {
            e.push(
                "tsk_DueOn",
                "date_range",
                format!("{} is outside {today} to {latest}", self.due_on),
            );
        }
        e.into_result(TaskForm {
            title: title.to_string(),
            ..self.clone()
        })
    }
}

/// The moment a task due on `due_on` becomes overdue: the end of that day in `tz`.
pub fn overdue_from(due_on: NaiveDate, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let next = due_on.succ_opt().unwrap_or(due_on);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&midnight))
}

/// Whether a task in `state` due on `due_on` is overdue at `now` in `tz`.
pub fn is_overdue(
    state: TaskState,
    due_on: NaiveDate,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> bool {
    state == TaskState::Open && now >= overdue_from(due_on, tz)
}

/// Whether a task may go from `from` to `to`: only an open task is done or cancelled
/// (`tsk_State`/`out_of_turn`).
pub fn check_task_step(from: TaskState, to: TaskState) -> Result<(), ValidationErrors> {
    if from == TaskState::Open && to != TaskState::Open {
        return Ok(());
    }
    let mut e = ValidationErrors::default();
    e.push(
        "tsk_State",
        "out_of_turn",
        format!("a task {} cannot become {}", from.as_str(), to.as_str()),
    );
    Err(e)
}
