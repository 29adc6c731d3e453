//! The forms of the support plan as typed or posted, and their checks. Every broken rule is
//! returned by field and stable rule name (the pages translate `support-error-<field>-<rule>`).

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::*;
use crate::Picklist;
use crate::ids::OrganisationId;
use crate::records::{MAX_LONG_TEXT, MAX_SHORT_TEXT};
use crate::validation::{EARLIEST_RECORD_DATE, check_characters, check_date_range};

/// The plan as typed (creation and update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    /// `spl_Type` value names; repeats count once.
    pub types: Vec<String>,
    /// `spl_Objectives`.
    pub objectives: String,
    /// `spl_ActionPlan`.
    pub action_plan: String,
    /// `spl_PlannedEndDate`, `YYYY-MM-DD` or empty.
    pub planned_end: String,
    /// `spl_ReflectionStart`, `YYYY-MM-DD`.
    pub reflection_start: String,
    /// `spl_ReflectionDays`: empty for the policy's default.
    pub reflection_days: String,
}

/// A service delivered as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    /// `sps_Service`: a [`ServiceType`] value name.
    pub service: String,
    /// `sps_DeliveredOn`.
    pub delivered_on: String,
    /// `sps_Organisation`: an organisation id, or empty.
    pub organisation: String,
    /// `sps_ProvidedBy`: who, in words.
    pub provided_by: String,
    /// `sps_Note`.
    pub note: String,
}

/// A follow-up visit as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct VisitForm {
    /// `spv_VisitedOn`.
    pub visited_on: String,
    /// `spv_VisitedBy`.
    pub visited_by: String,
    /// `spv_Notes`.
    pub notes: String,
}

/// A reintegration step as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StepForm {
    /// `spr_Step`: a [`ReintegrationStepKind`] value name.
    pub step: String,
    /// `spr_On`.
    pub on: String,
    /// `spr_Note`.
    pub note: String,
}

/// A closure as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ClosureForm {
    /// `spl_ClosureReason`: a [`ClosureReason`] value name.
    pub reason: String,
    /// `spl_ClosureNote`.
    pub note: String,
    /// `spl_ActualEndDate`, `YYYY-MM-DD`; empty for today.
    pub closed_on: String,
}

/// A required day from [`EARLIEST_RECORD_DATE`] to `latest`: `required`, `date`, `date_range`.
fn day(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    latest: NaiveDate,
) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        e.push(field, "required", "give the day");
        return None;
    }
    let d = crate::records::parse_date(e, field, raw)?;
    let before = e.0.len();
    check_date_range(e, field, d, EARLIEST_RECORD_DATE, latest);
    (e.0.len() == before).then_some(d)
}

/// An optional text: allowed characters, at most `max` characters; `None` when blank. With
/// `required`, blank is rule `required`.
fn text(
    e: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    max: usize,
    multiline: bool,
    required: bool,
) -> Option<String> {
    let v = raw.trim();
    check_characters(e, field, v, multiline);
    let n = v.chars().count();
    if n > max {
        e.push(
            field,
            "max_length",
            format!("{n} characters, at most {max} allowed"),
        );
    }
    if v.is_empty() {
        if required {
            e.push(field, "required", "this is needed");
        }
        return None;
    }
    Some(v.to_string())
}

fn pick<T: Picklist>(e: &mut ValidationErrors, field: &'static str, raw: &str) -> Option<T> {
    if raw.trim().is_empty() {
        e.push(field, "required", "choose a value");
        return None;
    }
    T::parse(raw)
        .map_err(|u| e.push(field, "picklist", u.to_string()))
        .ok()
}

impl PlanForm {
    /// The form of a stored plan, to edit it.
    pub fn of(facts: &PlanFacts) -> PlanForm {
        PlanForm {
            types: facts
                .types
                .iter()
                .map(|t| t.value_name().to_string())
                .collect(),
            objectives: facts.objectives.clone(),
            action_plan: facts.action_plan.clone().unwrap_or_default(),
            planned_end: facts.planned_end.map(|d| d.to_string()).unwrap_or_default(),
            reflection_start: facts.reflection.starts_on.to_string(),
            reflection_days: facts.reflection.days.to_string(),
        }
    }

    /// Check the plan: `spl_Type` (`required`: at least one; `picklist`), `spl_Objectives`
    /// (`required`, `max_length`, `control_characters`), `spl_ActionPlan` (`max_length`,
    /// `control_characters`), `spl_ReflectionStart` (`required`, `date`, `date_range`: not
    /// after `today`), `spl_ReflectionDays` (`integer`, `range`: 1 to [`MAX_REFLECTION_DAYS`];
    /// empty is the policy's default), `spl_PlannedEndDate` (`date`, `date_range`: at most
    /// [`MAX_PLANNED_DAYS`] ahead; `after_start`: not before the reflection period starts).
    pub fn validate(
        &self,
        today: NaiveDate,
        policy: &ReflectionPolicy,
    ) -> Result<PlanFacts, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut types = crate::ValueSet::new();
        for raw in self.types.iter().filter(|t| !t.trim().is_empty()) {
            match SupportPlanType::parse(raw) {
                Ok(t) => {
                    types.insert(t);
                }
                Err(u) => e.push("spl_Type", "picklist", u.to_string()),
            }
        }
        if types.is_empty() && !e.has("spl_Type") {
            e.push(
                "spl_Type",
                "required",
                "choose at least one type of support",
            );
        }
        let objectives = text(
            &mut e,
            "spl_Objectives",
            &self.objectives,
            MAX_LONG_TEXT,
            true,
            true,
        );
        let action_plan = text(
            &mut e,
            "spl_ActionPlan",
            &self.action_plan,
            MAX_LONG_TEXT,
            true,
            false,
        );
        let start = day(&mut e, "spl_ReflectionStart", &self.reflection_start, today);
        let days = match self.reflection_days.trim() {
            "" => Some(policy.default_days),
            t => match t.parse::<i64>() {
                Ok(n) if (1..=i64::from(MAX_REFLECTION_DAYS)).contains(&n) => u16::try_from(n).ok(),
                Ok(n) => {
                    e.push(
                        "spl_ReflectionDays",
                        "range",
                        format!("{n} days, expected 1 to {MAX_REFLECTION_DAYS}"),
                    );
                    None
                }
                Err(_) => {
                    e.push(
                        "spl_ReflectionDays",
                        "integer",
                        format!("'{}' is not a whole number", t.escape_debug()),
                    );
                    None
                }
            },
        };
        let planned_end = if self.planned_end.trim().is_empty() {
            None
        } else {
            let latest = today + Duration::days(MAX_PLANNED_DAYS);
            crate::records::parse_date(&mut e, "spl_PlannedEndDate", &self.planned_end).and_then(
                |d| {
                    let before = e.0.len();
                    check_date_range(
                        &mut e,
                        "spl_PlannedEndDate",
                        d,
                        EARLIEST_RECORD_DATE,
                        latest,
                    );
                    (e.0.len() == before).then_some(d)
                },
            )
        };
        if let (Some(end), Some(start)) = (planned_end, start)
            && end < start
        {
            e.push(
                "spl_PlannedEndDate",
                "after_start",
                format!("the plan ends on {end}, before its start on {start}"),
            );
        }
        let (Some(objectives), Some(starts_on), Some(days)) = (objectives, start, days) else {
            return Err(e);
        };
        e.into_result(PlanFacts {
            types,
            objectives,
            action_plan,
            planned_end,
            reflection: ReflectionPeriod { starts_on, days },
        })
    }
}

impl ServiceForm {
    /// Check a service delivered: `sps_Service` (`required`, `picklist`), `sps_DeliveredOn`
    /// (`required`, `date`, `date_range`: not after `today`), `sps_Organisation` (`unknown`:
    /// not an id), `sps_ProvidedBy` (`required` when no organisation is given, `max_length`,
    /// `control_characters`), `sps_Note` (`max_length`, `control_characters`). Whether the
    /// organisation exists is the store's check (`sps_Organisation`/`unknown`).
    pub fn validate(&self, today: NaiveDate) -> Result<ServiceDelivered, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let service = pick::<ServiceType>(&mut e, "sps_Service", &self.service);
        let delivered_on = day(&mut e, "sps_DeliveredOn", &self.delivered_on, today);
        let organisation_id = match self.organisation.trim() {
            "" => None,
            t => match t.parse::<OrganisationId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    e.push(
                        "sps_Organisation",
                        "unknown",
                        "not an organisation of the directory",
                    );
                    None
                }
            },
        };
        let named_by_organisation = organisation_id.is_some() || e.has("sps_Organisation");
        let provided_by = text(
            &mut e,
            "sps_ProvidedBy",
            &self.provided_by,
            MAX_SHORT_TEXT,
            false,
            !named_by_organisation,
        );
        let note = text(&mut e, "sps_Note", &self.note, MAX_LONG_TEXT, true, false);
        let (Some(service), Some(delivered_on)) = (service, delivered_on) else {
            return Err(e);
        };
        e.into_result(ServiceDelivered {
            service,
            delivered_on,
            organisation_id,
            provided_by,
            note,
        })
    }
}

impl VisitForm {
    /// Check a visit: `spv_VisitedOn` (`required`, `date`, `date_range`: not after `today`),
    /// `spv_VisitedBy` (`required`, `max_length`, `control_characters`), `spv_Notes`
    /// (`max_length`: at most [`MAX_VISIT_NOTES`], `control_characters`).
    pub fn validate(&self, today: NaiveDate) -> Result<FollowUpVisit, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let visited_on = day(&mut e, "spv_VisitedOn", &self.visited_on, today);
        let visited_by = text(
            &mut e,
            "spv_VisitedBy",
            &self.visited_by,
            MAX_SHORT_TEXT,
            false,
            true,
        );
        let notes = text(
            &mut e,
            "spv_Notes",
            &self.notes,
            MAX_VISIT_NOTES,
            true,
            false,
        );
        let (Some(visited_on), Some(visited_by)) = (visited_on, visited_by) else {
            return Err(e);
        };
        e.into_result(FollowUpVisit {
            visited_on,
            visited_by,
            notes,
        })
    }
}

impl StepForm {
    /// Check a step: `spr_Step` (`required`, `picklist`), `spr_On` (`required`, `date`,
    /// `date_range`: not after `today`), `spr_Note` (`max_length`, `control_characters`).
    pub fn validate(&self, today: NaiveDate) -> Result<ReintegrationStep, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let step = pick::<ReintegrationStepKind>(&mut e, "spr_Step", &self.step);
        let on = day(&mut e, "spr_On", &self.on, today);
        let note = text(&mut e, "spr_Note", &self.note, MAX_VISIT_NOTES, true, false);
        let (Some(step), Some(on)) = (step, on) else {
            return Err(e);
        };
        e.into_result(ReintegrationStep { step, on, note })
    }
}

impl ClosureForm {
    /// Check a closure of a plan whose reflection period started on `started`:
    /// `spl_ClosureReason` (`required`, `picklist`), `spl_ClosureNote` (`required` for
    /// [`ClosureReason::Other`], `max_length`, `control_characters`), `spl_ActualEndDate`
    /// (`date`, `date_range`: not after `today`; `after_start`: not before `started`; empty is
    /// `today`).
    pub fn validate(
        &self,
        today: NaiveDate,
        started: NaiveDate,
    ) -> Result<Closure, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let reason = pick::<ClosureReason>(&mut e, "spl_ClosureReason", &self.reason);
        let note = text(
            &mut e,
            "spl_ClosureNote",
            &self.note,
            MAX_LONG_TEXT,
            true,
            reason == Some(ClosureReason::Other),
        );
        let closed_on = if self.closed_on.trim().is_empty() {
            Some(today)
        } else {
            day(&mut e, "spl_ActualEndDate", &self.closed_on, today)
        };
        if let Some(d) = closed_on
            && d < started
        {
            e.push(
                "spl_ActualEndDate",
                "after_start",
                format!("closed on {d}, before the plan started on {started}"),
            );
        }
        let (Some(reason), Some(closed_on)) = (reason, closed_on) else {
            return Err(e);
        };
        e.into_result(Closure {
            reason,
            note,
            closed_on,
        })
    }
}
