//! The victim risk assessment of a person of a case: the latest assessment of each kind
//! (security, re-trafficking) with its matrix drawn as inline SVG, its level, safety plan and
//! reassessment date (overdue marked), the history newest first; and the form of a new
//! assessment: the factors of the kind as checkboxes grouped by what they raise, a suggestion
//! from them computed on the server (a "suggest" button re-renders the form, no script), the
//! likelihood and impact chosen, the safety plan (required from high).
//!
//! The rules are core's (`tabara_core::risk`), the checks the store's: a refused form
//! re-renders with each error next to its field, translated by field and rule, and changes
//! nothing. Reading needs `ReadCase` on the case, recording `EditCase`; a person out of reach
//! answers 404 like a missing one. Only a victim is assessed: the page of another person says
//! so, and the store refuses a post for one (`risk_Person`/`victim_only`).

mod matrix;

use std::collections::{BTreeSet, HashMap};

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use tabara_core::ids::{PersonId, UserId};
use tabara_core::permissions::{Action, decide};
use tabara_core::records::{Case, Involvement};
use tabara_core::risk::{
    AssessmentForm, Cell, Factors, Raises, RiskKind, Step, Suggestion, SuggestionReason, suggest,
};
use tabara_core::validation::ValidationErrors;
use tabara_core::{Lang, Picklist};
use tabara_i18n::t;
use tabara_store::{RiskAssessment, StoreError};

use crate::access::{Access, Body, CasePersonAccess, CsrfForm, CurrentUser, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};

/// The risk pages of a person of a case.
pub(crate) fn router() -> Routes {
    let person = |action| Access::Record(Kind::CasePerson, action);
    Routes::new()
        .get(
            "/cases/{number}/persons/{person}/risk",
            person(Action::ReadCase),
            risk_page,
        )
        .get(
            "/cases/{number}/persons/{person}/risk/new",
            person(Action::EditCase),
            new_page,
        )
        .post(
            "/cases/{number}/persons/{person}/risk/new",
            person(Action::EditCase),
            Body::Form,
            record,
        )
}

/// Assessments the history shows (one more is read, to say that some were left out).
const HISTORY: i64 = 50;

/// The errors of a form, each translated by field and rule (`<prefix>-<field>-<rule>`, the
/// field in kebab case without `strip`), else by rule alone (`rule-<rule>`, the words every
/// form shares), else in the validator's words. The support plan's forms use it too.
pub(crate) struct FieldErrors {
    lang: Lang,
    errors: ValidationErrors,
    prefix: &'static str,
    strip: &'static str,
}

/// The catalogue key of a rule broken on a field: (`risk-error`, `risk_`),
/// `risk_SafetyPlan`/`required` → `risk-error-safety-plan-required`.
fn error_key(prefix: &str, strip: &str, field: &str, rule: &str) -> String {
    let name = field.strip_prefix(strip).unwrap_or(field);
    let mut key = format!("{prefix}-");
    let mut previous = '-';
    for c in name.chars() {
        if c == '_' {
            key.push('-');
        } else {
            if c.is_ascii_uppercase() && previous != '-' && previous != '_' {
                key.push('-');
            }
            key.push(c.to_ascii_lowercase());
        }
        previous = c;
    }
    key.push('-');
    key.push_str(&rule.replace('_', "-"));
    key
}

impl FieldErrors {
    fn risk(lang: Lang, errors: ValidationErrors) -> FieldErrors {
        FieldErrors::new(lang, errors, "risk-error", "risk_")
    }

    /// The errors of a form whose keys start with `prefix`, fields named without `strip`.
    pub(crate) fn new(
        lang: Lang,
        errors: ValidationErrors,
        prefix: &'static str,
        strip: &'static str,
    ) -> FieldErrors {
        FieldErrors {
            lang,
            errors,
            prefix,
            strip,
        }
    }

    /// The catalogue key of a rule broken on `field`.
    pub(crate) fn key(&self, field: &str, rule: &str) -> String {
        error_key(self.prefix, self.strip, field, rule)
    }

    /// Whether the form has an error.
    pub(crate) fn any(&self) -> bool {
        !self.errors.0.is_empty()
    }

    /// Whether `field` has an error.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.errors.has(field)
    }

    /// The translated error of `field` (every rule it broke, once each), empty when none.
    pub(crate) fn text(&self, field: &str) -> String {
        let catalogue = tabara_i18n::catalogue();
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for e in self.errors.0.iter().filter(|e| e.field == field) {
            if !seen.insert(e.rule) {
                continue;
            }
            let own = self.key(e.field, e.rule);
            let shared = format!("rule-{}", e.rule.replace('_', "-"));
            out.push(if catalogue.has(Lang::En, &own) {
                catalogue.text(self.lang, &own, &[])
            } else if catalogue.has(Lang::En, &shared) {
                catalogue.text(self.lang, &shared, &[])
            } else {
                e.message.clone()
            });
        }
        out.join(" ")
    }
}

/// A latest assessment as the page shows it.
struct Latest {
    kind: RiskKind,
    kind_label: &'static str,
    /// `None`: never assessed.
    shown: Option<Shown>,
}

/// One assessment in words.
struct Shown {
    svg: String,
    level: &'static str,
    level_name: &'static str,
    score: u8,
    chosen: String,
    suggested: String,
    departs: bool,
    reasons: Vec<String>,
    factors: Vec<String>,
    safety_plan: Option<String>,
    assessed_at: String,
    assessed_by: String,
    reassess_by: String,
    overdue: bool,
}

/// A row of the history.
struct HistoryRow {
    when: String,
    kind: &'static str,
    level: &'static str,
    level_name: &'static str,
    score: u8,
    cell: String,
    reassess_by: String,
    who: String,
}

#[derive(askama::Template)]
#[template(path = "risk.html")]
struct RiskPage {
    chrome: Chrome,
    case: Case,
    person_id: PersonId,
    role: &'static str,
    victim: bool,
    can_edit: bool,
    latest: Vec<Latest>,
    history: Vec<HistoryRow>,
    history_more: Option<String>,
}

/// The shipped risk factors (embedded and checked by core's tests; a broken file is a defect).
fn shipped() -> Result<&'static Factors, AppError> {
    Factors::embedded().map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))
}

/// The words of a suggestion's reasons.
fn reasons(lang: Lang, factors: &Factors, s: &Suggestion) -> Vec<String> {
    s.reasons
        .iter()
        .map(|r| match r {
            SuggestionReason::Factor { factor, raises } => t!(
                lang,
                "risk-reason-factor",
                factor = factors
                    .factor(factor)
                    .map(|f| f.label(lang).to_string())
                    .unwrap_or_else(|| factor.clone()),
                raises = match raises {
                    Raises::Likelihood => t!(lang, "risk-reason-raises-likelihood"),
                    Raises::Impact => t!(lang, "risk-reason-raises-impact"),
                    Raises::Both => t!(lang, "risk-reason-raises-both"),
                }
            ),
            SuggestionReason::Child => t!(lang, "risk-reason-child"),
            SuggestionReason::LikelihoodCapped => t!(lang, "risk-reason-likelihood-capped"),
            SuggestionReason::ImpactCapped => t!(lang, "risk-reason-impact-capped"),
        })
        .collect()
}

fn raises_words(lang: Lang, raises: Raises) -> String {
    match raises {
        Raises::Likelihood => t!(lang, "risk-raises-likelihood"),
        Raises::Impact => t!(lang, "risk-raises-impact"),
        Raises::Both => t!(lang, "risk-raises-both"),
    }
}

/// The display names of the users among `actors` (`user:<uuid>`); system actors and unknown
/// users in words.
async fn names(
    state: &AppState,
    lang: Lang,
    actors: impl Iterator<Item = &str>,
) -> Result<HashMap<String, String>, AppError> {
    let mut out = HashMap::new();
    for actor in actors {
        if out.contains_key(actor) {
            continue;
        }
        let name = match actor.strip_prefix("user:").map(str::parse::<UserId>) {
            Some(Ok(id)) => match state.store.user(id).await {
                Ok(u) => u.display_name,
                Err(StoreError::NotFound { .. }) => t!(lang, "actor-unknown"),
                Err(e) => return Err(e.into()),
            },
            _ => match actor.strip_prefix("system:") {
                Some(system) => t!(lang, "actor-system", name = system),
                None => t!(lang, "actor-unknown"),
            },
        };
        out.insert(actor.to_string(), name);
    }
    Ok(out)
}

fn cell_short(lang: Lang, cell: Cell) -> String {
    t!(
        lang,
        "risk-cell-short",
        likelihood = cell.likelihood.step().to_string(),
        impact = cell.impact.step().to_string()
    )
}

/// `GET /cases/{number}/persons/{person}/risk`.
async fn risk_page(
    State(state): State<AppState>,
    user: CurrentUser,
    access: CasePersonAccess,
) -> Result<Response, AppError> {
    let CasePersonAccess {
        case,
        relation,
        person: cp,
        ..
    } = access;
    let lang = user.lang;
    let person_id = cp.person.id;
    let factors = shipped()?;
    let latest = state
        .store
        .latest_risk_assessments(case.id, person_id)
        .await?;
    let mut history = state
        .store
        .risk_history(case.id, person_id, HISTORY + 1)
        .await?;
    let history_more = (history.len() as i64 > HISTORY)
        .then(|| t!(lang, "risk-history-more", count = HISTORY.to_string()));
    history.truncate(HISTORY as usize);
    let who = names(
        &state,
        lang,
        latest
            .iter()
            .chain(history.iter())
            .map(|r| r.assessed_by.as_str()),
    )
    .await?;
    let now = Utc::now();
    let when = |t: DateTime<Utc>| crate::view::format_datetime(lang, t);
    let shown = |r: &RiskAssessment| {
        let a = &r.assessment;
        Shown {
            svg: matrix::svg(
                lang,
                &format!("m-{}", a.kind.as_str()),
                a.kind,
                Some(a.cell),
                Some(a.suggested.cell),
            ),
            level: a.level.as_str(),
            level_name: a.level.label(lang),
            score: a.score(),
            chosen: matrix::cell_words(lang, a.cell),
            suggested: matrix::cell_words(lang, a.suggested.cell),
            departs: a.departs_from_suggestion(),
            reasons: reasons(lang, factors, &a.suggested),
            factors: a
                .factors
                .iter()
                .map(|id| {
                    factors
                        .factor(id)
                        .map(|f| f.label(lang).to_string())
                        .unwrap_or_else(|| id.clone())
                })
                .collect(),
            safety_plan: a.safety_plan.clone(),
            assessed_at: when(a.assessed_at),
            assessed_by: who.get(&r.assessed_by).cloned().unwrap_or_default(),
            reassess_by: when(a.reassess_by),
            overdue: a.is_due(now),
        }
    };
    let latest = RiskKind::ALL
        .iter()
        .map(|kind| Latest {
            kind: *kind,
            kind_label: kind.label(lang),
            shown: latest
                .iter()
                .find(|r| r.assessment.kind == *kind)
                .map(shown),
        })
        .collect();
    let history = history
        .iter()
        .map(|r| {
            let a = &r.assessment;
            HistoryRow {
                when: when(a.assessed_at),
                kind: a.kind.label(lang),
                level: a.level.as_str(),
                level_name: a.level.label(lang),
                score: a.score(),
                cell: cell_short(lang, a.cell),
                reassess_by: when(a.reassess_by),
                who: who.get(&r.assessed_by).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let page = RiskPage {
        chrome: user.chrome(&format!(
            "/cases/{}/persons/{}/risk",
            case.number, person_id
        )),
        person_id,
        role: cp.involvement.role().label(lang),
        victim: matches!(cp.involvement, Involvement::Victim(_)),
        can_edit: decide(user.user.role, Action::EditCase, Some(relation)).allowed(),
        latest,
        history,
        history_more,
        case,
    };
    Ok(render(&page))
}

/// A factor's checkbox.
struct FactorBox {
    id: String,
    label: String,
    checked: bool,
}

/// The factors that raise the same thing, under one legend.
struct FactorGroup {
    legend: String,
    factors: Vec<FactorBox>,
}

/// What the form holds, as typed (re-shown with its errors).
#[derive(Debug, Default)]
struct Typed {
    kind: String,
    likelihood: String,
    impact: String,
    factors: Vec<String>,
    safety_plan: String,
    /// The "suggest" button was pressed: show the suggestion, record nothing.
    suggest: bool,
}

impl Typed {
    fn from_fields(fields: &[(String, String)]) -> Typed {
        let mut t = Typed::default();
        for (k, v) in fields {
            match k.as_str() {
                "kind" => t.kind = v.clone(),
                "likelihood" => t.likelihood = v.clone(),
                "impact" => t.impact = v.clone(),
                "factor" => t.factors.push(v.clone()),
                "safety_plan" => t.safety_plan = v.clone(),
                "suggest" => t.suggest = true,
                _ => {}
            }
        }
        t
    }

    fn form(&self) -> AssessmentForm {
        AssessmentForm {
            kind: self.kind.clone(),
            likelihood: self.likelihood.clone(),
            impact: self.impact.clone(),
            factors: self.factors.clone(),
            safety_plan: self.safety_plan.clone(),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "risk_new.html")]
struct NewRiskPage {
    chrome: Chrome,
    case: Case,
    person_id: PersonId,
    role: &'static str,
    victim: bool,
    kind: &'static str,
    kind_label: &'static str,
    /// The other kinds, to switch to: (value name, label).
    other_kinds: Vec<(&'static str, &'static str)>,
    groups: Vec<FactorGroup>,
    likelihoods: Vec<(&'static str, &'static str)>,
    impacts: Vec<(&'static str, &'static str)>,
    likelihood: String,
    impact: String,
    safety_plan: String,
    svg: String,
    /// The suggestion, when asked for: the cell in words and the reasons.
    suggestion: Option<(String, Vec<String>)>,
    errors: FieldErrors,
}

const STEPS: [&str; 5] = ["1", "2", "3", "4", "5"];

/// A posted step as the select shows it: its number, or what was typed.
fn step_value<T: Step>(raw: &str) -> String {
    T::parse_step(raw)
        .map(|v| v.step().to_string())
        .unwrap_or_else(|| raw.trim().to_string())
}

fn form_page(
    user: &CurrentUser,
    access: &CasePersonAccess,
    typed: &Typed,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let lang = user.lang;
    let factors = shipped()?;
    let kind = RiskKind::parse(&typed.kind).unwrap_or(RiskKind::Security);
    let cp = &access.person;
    let present: BTreeSet<String> = typed.factors.iter().map(|f| f.trim().to_string()).collect();
    let mut groups: Vec<(Raises, FactorGroup)> = Vec::new();
    for f in factors.of_kind(kind) {
        let b = FactorBox {
            id: f.id.clone(),
            label: f.label(lang).to_string(),
            checked: present.contains(&f.id),
        };
        match groups.iter_mut().find(|(r, _)| *r == f.raises) {
            Some((_, g)) => g.factors.push(b),
            None => groups.push((
                f.raises,
                FactorGroup {
                    legend: raises_words(lang, f.raises),
                    factors: vec![b],
                },
            )),
        }
    }
    let (mut likelihood, mut impact) = (
        step_value::<tabara_core::risk::Likelihood>(&typed.likelihood),
        step_value::<tabara_core::risk::Impact>(&typed.impact),
    );
    let suggestion = typed.suggest.then(|| {
        let s = suggest(
            factors,
            kind,
            &present,
            cp.person.facts.is_child_or_presumed(),
        );
        // An axis not chosen yet takes the suggestion.
        if likelihood.is_empty() {
            likelihood = s.cell.likelihood.step().to_string();
        }
        if impact.is_empty() {
            impact = s.cell.impact.step().to_string();
        }
        s
    });
    let chosen = tabara_core::risk::Likelihood::parse_step(&likelihood)
        .zip(tabara_core::risk::Impact::parse_step(&impact))
        .map(|(l, i)| Cell::new(l, i));
    let svg = matrix::svg(
        lang,
        "m-form",
        kind,
        chosen,
        suggestion.as_ref().map(|s| s.cell),
    );
    let labels = |all: &[&'static str], label: &dyn Fn(u8) -> &'static str| {
        (1u8..)
            .zip(all.iter())
            .map(|(n, v)| (*v, label(n)))
            .collect::<Vec<_>>()
    };
    let status = if errors.any() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = NewRiskPage {
        chrome: user.chrome(&format!(
            "/cases/{}/persons/{}/risk/new?kind={}",
            access.case.number,
            cp.person.id,
            kind.as_str()
        )),
        case: access.case.clone(),
        person_id: cp.person.id,
        role: cp.involvement.role().label(lang),
        victim: matches!(cp.involvement, Involvement::Victim(_)),
        kind: kind.as_str(),
        kind_label: kind.label(lang),
        other_kinds: RiskKind::ALL
            .iter()
            .filter(|k| **k != kind)
            .map(|k| (k.as_str(), k.label(lang)))
            .collect(),
        groups: groups.into_iter().map(|(_, g)| g).collect(),
        likelihoods: labels(&STEPS, &|n| {
            tabara_core::risk::Likelihood::from_step(n)
                .expect("five steps")
                .label(lang)
        }),
        impacts: labels(&STEPS, &|n| {
            tabara_core::risk::Impact::from_step(n)
                .expect("five steps")
                .label(lang)
        }),
        likelihood,
        impact,
        safety_plan: typed.safety_plan.clone(),
        svg,
        suggestion: suggestion
            .map(|s| (matrix::cell_words(lang, s.cell), reasons(lang, factors, &s))),
        errors,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /cases/{number}/persons/{person}/risk/new?kind=security`: the empty form of the kind
/// (security when none or another word is given).
async fn new_page(
    user: CurrentUser,
    access: CasePersonAccess,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let fields: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let typed = Typed {
        kind: fields
            .iter()
            .find(|(k, _)| k == "kind")
            .and_then(|(_, v)| RiskKind::parse(v).ok())
            .unwrap_or(RiskKind::Security)
            .as_str()
            .to_string(),
        ..Typed::default()
    };
    form_page(
        &user,
        &access,
        &typed,
        FieldErrors::risk(user.lang, ValidationErrors::default()),
    )
}

/// `POST /cases/{number}/persons/{person}/risk/new`: with `suggest`, the form again with the
/// suggestion from the factors ticked; otherwise the assessment is recorded (then the risk
/// page), or the form comes back with its errors and nothing is written.
async fn record(
    State(state): State<AppState>,
    access: CasePersonAccess,
    CsrfForm { user, form }: CsrfForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let typed = Typed::from_fields(&form);
    if typed.suggest {
        return form_page(
            &user,
            &access,
            &typed,
            FieldErrors::risk(user.lang, ValidationErrors::default()),
        );
    }
    let (case, person_id) = (&access.case, access.person.person.id);
    let saved = state
        .store
        .record_risk_assessment(
            &user.actor(),
            uuid::Uuid::now_v7(),
            case.id,
            person_id,
            &typed.form(),
            None,
        )
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{}/persons/{}/risk",
            case.number, person_id
        ))
        .into_response()),
        Err(StoreError::Invalid(v)) => {
            form_page(&user, &access, &typed, FieldErrors::risk(user.lang, v))
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule the form's checks and the store can break has its words in English and
    /// French, so no error shows the validator's English on a French page.
    #[test]
    fn every_rule_of_the_form_has_its_words() {
        let rules: &[(&str, &[&str])] = &[
            ("risk_Kind", &["required", "unknown"]),
            ("risk_Likelihood", &["required", "range"]),
            ("risk_Impact", &["required", "range"]),
            ("risk_Factor", &["unknown", "wrong_kind"]),
            (
                "risk_SafetyPlan",
                &["required", "max_length", "control_characters"],
            ),
            ("risk_Person", &["victim_only"]),
        ];
        assert_eq!(
            error_key("risk-error", "risk_", "risk_SafetyPlan", "max_length"),
            "risk-error-safety-plan-max-length"
        );
        assert_eq!(
            error_key("risk-error", "risk_", "risk_Kind", "unknown"),
            "risk-error-kind-unknown"
        );
        assert_eq!(
            error_key("support-error", "", "spl_ActualEndDate", "after_start"),
            "support-error-spl-actual-end-date-after-start"
        );
        let catalogue = tabara_i18n::catalogue();
        for (field, rules) in rules {
            for rule in *rules {
                let key = error_key("risk-error", "risk_", field, rule);
                for lang in [Lang::En, Lang::Fr] {
                    assert!(catalogue.has(lang, &key), "{key} missing in {lang:?}");
                }
            }
        }
        let mut v = ValidationErrors::default();
        v.push("risk_SafetyPlan", "required", "a high risk needs a plan");
        v.push("risk_Factor", "unknown", "x");
        v.push("risk_Factor", "unknown", "y");
        v.push("risk_Other", "odd", "the validator's words");
        v.push("risk_Impact", "integer", "words of the validator");
        let e = FieldErrors::risk(Lang::Fr, v);
        assert!(e.any() && e.has("risk_SafetyPlan") && !e.has("risk_Kind"));
        assert_eq!(
            e.text("risk_SafetyPlan"),
            catalogue.text(Lang::Fr, "risk-error-safety-plan-required", &[])
        );
        assert_eq!(
            e.text("risk_Factor"),
            catalogue.text(Lang::Fr, "risk-error-factor-unknown", &[]),
            "a rule broken twice is said once"
        );
        assert_eq!(e.text("risk_Other"), "the validator's words");
        assert_eq!(
            e.text("risk_Impact"),
            catalogue.text(Lang::Fr, "rule-integer", &[]),
            "the shared words of a rule"
        );
        assert_eq!(e.text("risk_Kind"), "");
    }

    /// An overdue reassessment is highlighted, in words as well as colour; one not yet due is
    /// not.
    #[test]
    fn an_overdue_reassessment_is_highlighted() {
        use askama::Template as _;
        let page = |overdue: bool| RiskPage {
            chrome: Chrome::anonymous(Lang::En),
            case: Case {
                id: tabara_core::ids::CaseId::new(),
                number: 7,
                organisation_id: tabara_core::ids::OrganisationId::new(),
                office_id: None,
                owner_id: None,
                facts: tabara_core::records::CaseFacts::opened(
                    chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                ),
                version: 1,
            },
            person_id: PersonId::new(),
            role: "Victim",
            victim: true,
            can_edit: false,
            latest: vec![Latest {
                kind: RiskKind::Security,
                kind_label: "Security risk",
                shown: Some(Shown {
                    svg: String::new(),
                    level: "high",
                    level_name: "High",
                    score: 12,
                    chosen: String::new(),
                    suggested: String::new(),
                    departs: false,
                    reasons: vec![],
                    factors: vec![],
                    safety_plan: Some("Plan".into()),
                    assessed_at: "1 Mar 2026 10:00 UTC".into(),
                    assessed_by: "Agent".into(),
                    reassess_by: "15 Mar 2026 10:00 UTC".into(),
                    overdue,
                }),
            }],
            history: vec![],
            history_more: None,
        };
        let late = page(true).render().unwrap();
        assert!(
            late.contains(
                "<strong class=\"error overdue\">15 Mar 2026 10:00 UTC — overdue</strong>"
            )
        );
        let on_time = page(false).render().unwrap();
        assert!(!on_time.contains("overdue") && on_time.contains("15 Mar 2026 10:00 UTC"));
    }
}
