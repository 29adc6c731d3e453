//! The services directory: who offers which services ([`ServiceType`]), where (areas of
//! [`areas`]), how to reach them, when they are open, in which languages, and how many places
//! they have free. The input form and its rules, the capacity update's rule, and the search
//! filter with its matching rule.

pub mod areas;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::*;
use crate::picklist::ValueSet;
use crate::records::MAX_SHORT_TEXT;
use crate::records::fields::{check_len, parse_language, parse_optional, parse_phone};
use crate::validation::{ValidationErrors, is_plausible_email};

pub use crate::referral::ServiceType;
pub use areas::{Area, Areas, NATIONAL};

/// Longest opening hours text accepted (a few lines: days, hours, exceptions).
pub const MAX_HOURS: usize = 500;
/// Most areas one provider lists (the whole table is 48 codes).
pub const MAX_AREAS: usize = 60;
/// Most languages one provider lists.
pub const MAX_LANGUAGES: usize = 12;
/// Most places a provider can report free.
pub const MAX_CAPACITY: i64 = 10_000;

/// The places a provider has free (shelter beds, places in a programme), as last reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capacity {
    /// Places free.
    pub free: i64,
    /// When it was reported.
    pub updated_at: DateTime<Utc>,
    /// Who reported it (an actor as the audit log writes it: `user:<id>`, `system:<label>`).
    pub updated_by: String,
    /// The agency of the user who reported it (none for a system process).
    pub updated_by_organisation: Option<OrganisationId>,
}

/// A provider of services: an agency (or one of its offices) offering services in areas.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceProvider {
    /// Identifier.
    pub id: ServiceProviderId,
    /// The agency that provides the services.
    pub organisation_id: OrganisationId,
    /// The office that provides them, if one in particular.
    pub office_id: Option<OfficeId>,
    /// Name shown in the directory ("Maison d'accueil de Gitega").
    pub name: String,
    /// The services offered (at least one).
    pub services: ValueSet<ServiceType>,
    /// The areas served: codes of [`areas`], sorted (at least one; `bi` is national).
    pub areas: Vec<String>,
    /// Contact phone (E.164).
    pub phone: Option<String>,
    /// Contact e-mail.
    pub email: Option<String>,
    /// Opening hours, free text.
    pub hours: Option<String>,
    /// Languages spoken (ISO 639 codes), sorted.
    pub languages: Vec<String>,
    /// Places free, when reported.
    pub capacity: Option<Capacity>,
    /// Optimistic-concurrency version, 1 on creation.
    pub version: i64,
}

impl ServiceProvider {
    /// Whether it serves `area` (see [`Areas::serving_codes`]).
    pub fn serves(&self, areas: &Areas, area: Area<'_>) -> bool {
        areas
            .serving_codes(area)
            .iter()
            .any(|c| self.areas.contains(c))
    }
}

/// The provider form as typed: every field a string, the sets as the lists of chosen values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderForm {
    /// The agency (id).
    pub organisation: String,
    /// The office (id), or empty.
    pub office: String,
    /// Name.
    pub name: String,
    /// Service value names.
    pub services: Vec<String>,
    /// Area codes.
    pub areas: Vec<String>,
    /// Phone.
    pub phone: String,
    /// E-mail.
    pub email: String,
    /// Opening hours.
    pub hours: String,
    /// Languages: ISO 639 codes separated by commas or spaces.
    pub languages: String,
}

impl ProviderForm {
    /// Validate into a provider with a fresh id, no capacity reported and version 1; every
    /// broken rule is reported with its field (`svc_Name`, `svc_Services`, …) and rule name.
    /// That the office belongs to the agency is the store's check (it reads both).
    pub fn validate(&self) -> Result<ServiceProvider, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let organisation = match self.organisation.trim() {
            "" => {
                e.push("svc_Organisation", "required", "choose the agency");
                None
            }
            t => t.parse::<OrganisationId>().ok().or_else(|| {
                e.push(
                    "svc_Organisation",
                    "unknown",
                    format!("'{t}' is no agency id"),
                );
                None
            }),
        };
        let office = match self.office.trim() {
            "" => None,
            t => t.parse::<OfficeId>().ok().or_else(|| {
                e.push("svc_Office", "unknown", format!("'{t}' is no office id"));
                None
            }),
        };
        let name = self.name.trim();
        if name.is_empty() {
            e.push("svc_Name", "required", "the provider needs a name");
        }
        check_len(&mut e, "svc_Name", name, MAX_SHORT_TEXT);
        let mut services = ValueSet::new();
        for raw in self.services.iter().filter(|s| !s.trim().is_empty()) {
            if let Some(s) = parse_optional::<ServiceType>(&mut e, "svc_Services", raw) {
                services.insert(s);
            }
        }
        if services.is_empty() && !e.has("svc_Services") {
            e.push("svc_Services", "required", "choose at least one service");
        }
        let areas = check_areas(&mut e, &self.areas);
        let phone = parse_phone(&mut e, "svc_Phone", &self.phone);
        let email = match self.email.trim() {
            "" => None,
            m => {
                check_len(&mut e, "svc_Email", m, MAX_SHORT_TEXT);
                if !is_plausible_email(m) {
                    e.push(
                        "svc_Email",
                        "email",
                        format!("'{m}' is not an e-mail address"),
                    );
                }
                Some(m.to_string())
            }
        };
        let hours = self.hours.trim();
        check_len(&mut e, "svc_Hours", hours, MAX_HOURS);
        let mut languages: Vec<String> = Vec::new();
        for raw in self
            .languages
            .split([',', ';', ' '])
            .filter(|s| !s.trim().is_empty())
        {
            if let Some(code) = parse_language(&mut e, "svc_Languages", &raw.to_ascii_lowercase())
                && !languages.contains(&code)
            {
                languages.push(code);
            }
        }
        if languages.len() > MAX_LANGUAGES {
            e.push(
                "svc_Languages",
                "too_many",
                format!("at most {MAX_LANGUAGES} languages"),
            );
        }
        languages.sort();
        let out = ServiceProvider {
            id: ServiceProviderId::new(),
            organisation_id: organisation.unwrap_or(OrganisationId(uuid::Uuid::nil())),
            office_id: office,
            name: name.to_string(),
            services,
            areas,
            phone,
            email,
            hours: (!hours.is_empty()).then(|| hours.to_string()),
            languages,
            capacity: None,
            version: 1,
        };
        e.into_result(out)
    }

    /// The form filled with a provider's values (to edit it).
    pub fn from_provider(p: &ServiceProvider) -> ProviderForm {
        ProviderForm {
            organisation: p.organisation_id.to_string(),
            office: p.office_id.map(|o| o.to_string()).unwrap_or_default(),
            name: p.name.clone(),
            services: p.services.iter().map(|s| s.as_str().to_string()).collect(),
            areas: p.areas.clone(),
            phone: p.phone.clone().unwrap_or_default(),
            email: p.email.clone().unwrap_or_default(),
            hours: p.hours.clone().unwrap_or_default(),
            languages: p.languages.join(", "),
        }
    }
}

/// The areas served: known codes (rule `unknown_area`), at least one (`required`), at most
/// [`MAX_AREAS`] (`too_many`); sorted and without repeats.
fn check_areas(e: &mut ValidationErrors, raw: &[String]) -> Vec<String> {
    let table = Areas::embedded();
    let mut out: Vec<String> = Vec::new();
    for code in raw.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match table.find(&code.to_ascii_lowercase()) {
            Some(a) => out.push(a.code().to_string()),
            None => {
                if !e.has("svc_Areas") {
                    e.push(
                        "svc_Areas",
                        "unknown_area",
                        format!("'{code}' is no area code"),
                    );
                }
            }
        }
    }
    out.sort();
    out.dedup();
    if out.is_empty() && !e.has("svc_Areas") {
        e.push("svc_Areas", "required", "choose at least one area served");
    }
    if out.len() > MAX_AREAS {
        e.push(
            "svc_Areas",
            "too_many",
            format!("at most {MAX_AREAS} areas"),
        );
    }
    out
}

/// A capacity update as typed: empty for "not reported", else a whole number of free places.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityUpdate {
    /// Places free.
    pub free: String,
}

impl CapacityUpdate {
    /// The places free: `None` for an empty field (the capacity is no longer reported), else a
    /// whole number from 0 to [`MAX_CAPACITY`] (rules `integer`, `range` on `svc_Capacity`).
    pub fn validate(&self) -> Result<Option<i64>, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let free = check_capacity(&mut e, self.free.trim().parse::<i64>().ok(), &self.free);
        e.into_result(free)
    }
}

/// Check places free given as a number (the store's own check of its argument).
pub fn check_free(free: Option<i64>) -> Result<Option<i64>, ValidationErrors> {
    let mut e = ValidationErrors::default();
    let raw = free.map(|n| n.to_string()).unwrap_or_default();
    let out = check_capacity(&mut e, free, &raw);
    e.into_result(out)
}

fn check_capacity(e: &mut ValidationErrors, parsed: Option<i64>, raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match parsed {
        None => {
            e.push(
                "svc_Capacity",
                "integer",
                format!("'{t}' is not a whole number"),
            );
            None
        }
        Some(n) if !(0..=MAX_CAPACITY).contains(&n) => {
            e.push(
                "svc_Capacity",
                "range",
                format!("{n} is outside the range 0 to {MAX_CAPACITY}"),
            );
            None
        }
        Some(n) => Some(n),
    }
}

/// A search of the directory: every filter given must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProviderQuery {
    /// Offers this service.
    pub service: Option<ServiceType>,
    /// Serves this area: an area code, or the name of a former province (see
    /// [`Areas::resolve`]).
    pub area: Option<String>,
    /// Speaks this language (ISO 639 code).
    pub language: Option<String>,
}

impl ProviderQuery {
    /// Read the filters as typed (a query string); empty means any. Refused by field:
    /// `service` / `picklist`, `area` / `unknown_area`, `language` / `iso639`.
    pub fn parse(service: &str, area: &str, language: &str) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let service = parse_optional::<ServiceType>(&mut e, "service", service);
        let area = match area.trim() {
            "" => None,
            t => match Areas::embedded().resolve(t) {
                Some(found) => Some(match found.as_slice() {
                    [one] => one.code().to_string(),
                    _ => t.to_string(),
                }),
                None => {
                    e.push("area", "unknown_area", format!("'{t}' is no area"));
                    None
                }
            },
        };
        let language = parse_language(&mut e, "language", &language.trim().to_ascii_lowercase());
        e.into_result(ProviderQuery {
            service,
            area,
            language,
        })
    }

    /// The area codes a provider must serve one of to match (`None`: any area). An area the
    /// table does not know matches nothing (an empty list).
    pub fn area_codes(&self) -> Option<Vec<String>> {
        let area = self.area.as_deref()?;
        let table = Areas::embedded();
        let mut out: Vec<String> = Vec::new();
        for a in table.resolve(area).unwrap_or_default() {
            for c in table.serving_codes(a) {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        Some(out)
    }

    /// Whether a provider matches every filter given.
    pub fn matches(&self, p: &ServiceProvider) -> bool {
        self.service.is_none_or(|s| p.services.contains(s))
            && self
                .language
                .as_ref()
                .is_none_or(|l| p.languages.contains(l))
            && self
                .area_codes()
                .is_none_or(|codes| codes.iter().any(|c| p.areas.contains(c)))
    }
}

/// The services any of `providers` offers (the union).
pub fn offered<'a>(
    providers: impl IntoIterator<Item = &'a ServiceProvider>,
) -> ValueSet<ServiceType> {
    providers
        .into_iter()
        .flat_map(|p| p.services.iter())
        .collect()
}

#[cfg(test)]
mod tests;
