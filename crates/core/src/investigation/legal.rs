//! The legal catalogue as data (`data/legal.toml`): offences under national law with their
//! articles and Palermo elements, penalty tiers, aggravating circumstances, and the custody
//! rules of each jurisdiction. Every entry names its source and whether a lawyer confirmed it;
//! the shipped values come from the domain research (secondary sources) and none is confirmed.
//! An operator replaces the file; [`LegalCatalogue::parse`] refuses one that breaks the rules
//! below, so a server does not start on a broken catalogue.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::elements::Element;
use crate::Lang;
use crate::screening::Texts;
use crate::validation::ValidationErrors;

/// The catalogue shipped with Tabara.
const EMBEDDED: &str = include_str!("../../data/legal.toml");

/// The longest custody limit or extension a jurisdiction may set (30 days).
pub const MAX_CUSTODY_HOURS: u32 = 720;

/// A penalty tier: which penalty applies, by the circumstances of the offence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierId {
    /// The basic offence.
    Basic,
    /// The victim is a child.
    Child,
    /// An aggravating circumstance.
    Aggravated,
    /// An aggravating circumstance and a child victim.
    AggravatedChild,
}

impl TierId {
    /// Every tier, from the lightest.
    pub const ALL: [TierId; 4] = [
        TierId::Basic,
        TierId::Child,
        TierId::Aggravated,
        TierId::AggravatedChild,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            TierId::Basic => "basic",
            TierId::Child => "child",
            TierId::Aggravated => "aggravated",
            TierId::AggravatedChild => "aggravated_child",
        }
    }
}

/// The penalty of one tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Which tier.
    pub id: TierId,
    /// Least years of imprisonment.
    #[serde(default)]
    pub years_min: Option<u16>,
    /// Most years of imprisonment.
    #[serde(default)]
    pub years_max: Option<u16>,
    /// Life imprisonment.
    #[serde(default)]
    pub life: bool,
    /// Least fine, in Burundian francs.
    #[serde(default)]
    pub fine_min_bif: Option<u64>,
    /// Most fine, in Burundian francs.
    #[serde(default)]
    pub fine_max_bif: Option<u64>,
    /// Where the value comes from.
    pub source: String,
    /// Whether a lawyer confirmed it.
    pub confirmed: bool,
}

/// An offence of national law.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offence {
    /// Stable code (lower case letters, digits, dashes); offences recorded store it.
    pub code: String,
    /// Its name.
    pub title: Texts,
    /// The law.
    pub law: String,
    /// The article(s).
    pub article: String,
    /// The elements the prosecution must show, in order.
    pub elements: Vec<Element>,
    /// The means need not be shown when the victim is a child (Palermo art. 3(c)).
    pub means_waived_for_child: bool,
    /// Its penalty follows the catalogue's tiers; otherwise its own years.
    pub tiers: bool,
    /// Least years (an offence without tiers).
    #[serde(default)]
    pub years_min: Option<u16>,
    /// Most years (an offence without tiers).
    #[serde(default)]
    pub years_max: Option<u16>,
    /// Most years with a child victim (an offence without tiers).
    #[serde(default)]
    pub years_max_child: Option<u16>,
    /// Where it comes from.
    pub source: String,
    /// Whether a lawyer confirmed it.
    pub confirmed: bool,
}

impl Offence {
    /// Its name in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        self.title.get(lang)
    }

    /// The elements to show for a victim who is a child or not.
    pub fn required_elements(&self, child_victim: bool) -> Vec<Element> {
        self.elements
            .iter()
            .copied()
            .filter(|e| !(child_victim && self.means_waived_for_child && *e == Element::Means))
            .collect()
    }
}

/// An aggravating circumstance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aggravating {
    /// Stable id (lower case, digits, underscores).
    pub id: String,
    /// What it is.
    pub title: Texts,
    /// The tier it brings: `child` or `aggravated`.
    pub tier: TierId,
    /// Where it comes from.
    pub source: String,
    /// Whether a lawyer confirmed it.
    pub confirmed: bool,
}

impl Aggravating {
    /// Its words in `lang`.
    pub fn label(&self, lang: Lang) -> &str {
        self.title.get(lang)
    }
}

/// The custody rules of a jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    /// Stable code (`bi`).
    pub code: String,
    /// Its name.
    pub title: Texts,
    /// The IANA time zone its times are shown in (`Africa/Bujumbura`).
    pub time_zone: String,
    /// The custody limit, in hours from its start.
    pub custody_limit_hours: u32,
    /// The most hours extensions may add, together.
    pub extension_max_hours: u32,
    /// Alerts go out this many hours before the deadline (and when it passes).
    pub warn_hours: Vec<u32>,
    /// Where it comes from.
    pub source: String,
    /// Whether a lawyer confirmed it.
    pub confirmed: bool,
}

impl Jurisdiction {
    /// Its time zone (checked when the catalogue was parsed).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone
            .parse()
            .unwrap_or(chrono_tz::Africa::Bujumbura)
    }
}

/// The whole catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegalCatalogue {
    /// Version, stored with every offence recorded.
    pub version: String,
    /// The notice shown wherever the catalogue is (a lawyer must confirm).
    pub notice: Texts,
    /// Penalty tiers.
    #[serde(rename = "tier", default)]
    pub tiers: Vec<Tier>,
    /// Offences.
    #[serde(rename = "offence")]
    pub offences: Vec<Offence>,
    /// Aggravating circumstances.
    #[serde(rename = "aggravating", default)]
    pub aggravating: Vec<Aggravating>,
    /// Custody rules.
    #[serde(rename = "jurisdiction")]
    pub jurisdictions: Vec<Jurisdiction>,
}

/// What is wrong with a catalogue file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not TOML of the expected shape.
    #[error("the legal catalogue cannot be read: {0}")]
    Syntax(String),
    /// A rule broken, with the entry.
    #[error("the legal catalogue is invalid: {0}")]
    Invalid(String),
}

/// The penalty an offence carries in its circumstances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Penalty {
    /// The tier applied (`None` for an offence without tiers).
    pub tier: Option<TierId>,
    /// Least years.
    pub years_min: Option<u16>,
    /// Most years.
    pub years_max: Option<u16>,
    /// Life imprisonment.
    pub life: bool,
    /// Least fine (BIF).
    pub fine_min_bif: Option<u64>,
    /// Most fine (BIF).
    pub fine_max_bif: Option<u64>,
    /// Where it comes from.
    pub source: String,
    /// Whether a lawyer confirmed it.
    pub confirmed: bool,
}

fn is_code(s: &str, sep: char) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == sep)
}

fn check_texts(what: &str, t: &Texts, problems: &mut Vec<String>) {
    if t.en.trim().is_empty() || t.fr.trim().is_empty() {
        problems.push(format!("{what}: English and French words are required"));
    }
}

impl LegalCatalogue {
    /// The catalogue shipped with Tabara (parsed once).
    pub fn embedded() -> Result<&'static LegalCatalogue, CatalogueError> {
        static CELL: OnceLock<Result<LegalCatalogue, CatalogueError>> = OnceLock::new();
        CELL.get_or_init(|| LegalCatalogue::parse(EMBEDDED))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parse and check a catalogue file.
    pub fn parse(text: &str) -> Result<LegalCatalogue, CatalogueError> {
        let c: LegalCatalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        c.validate()?;
        Ok(c)
    }

    fn validate(&self) -> Result<(), CatalogueError> {
        let mut p = Vec::new();
        if self.version.trim().is_empty() {
            p.push("version: required".to_string());
        }
        check_texts("notice", &self.notice, &mut p);
        let mut seen = BTreeSet::new();
        for t in &self.tiers {
            if !seen.insert(t.id) {
                p.push(format!("tier {}: listed twice", t.id.as_str()));
            }
            if !t.life && (t.years_min.is_none() || t.years_max.is_none()) {
                p.push(format!("tier {}: years or life required", t.id.as_str()));
            }
            if let (Some(a), Some(b)) = (t.years_min, t.years_max)
                && a > b
            {
                p.push(format!("tier {}: years_min above years_max", t.id.as_str()));
            }
            if let (Some(a), Some(b)) = (t.fine_min_bif, t.fine_max_bif)
                && a > b
            {
                p.push(format!("tier {}: fine_min above fine_max", t.id.as_str()));
            }
            if t.source.trim().is_empty() {
                p.push(format!("tier {}: source required", t.id.as_str()));
            }
        }
        let mut codes = BTreeSet::new();
        for o in &self.offences {
            let what = format!("offence {}", o.code);
            if !is_code(&o.code, '-') {
                p.push(format!(
                    "{what}: the code is lower case letters, digits and dashes"
                ));
            }
            if !codes.insert(o.code.as_str()) {
                p.push(format!("{what}: listed twice"));
            }
            check_texts(&what, &o.title, &mut p);
            if o.law.trim().is_empty() || o.article.trim().is_empty() || o.source.trim().is_empty()
            {
                p.push(format!("{what}: law, article and source are required"));
            }
            let elements: BTreeSet<_> = o.elements.iter().collect();
            if elements.len() != o.elements.len() {
                p.push(format!("{what}: an element is listed twice"));
            }
            if !elements.contains(&Element::Act) || !elements.contains(&Element::Purpose) {
                p.push(format!(
                    "{what}: the act and the purpose are elements of every offence"
                ));
            }
            if o.tiers {
                for t in TierId::ALL {
                    if !seen.contains(&t) {
                        p.push(format!(
                            "{what}: follows the tiers, but tier {} is missing",
                            t.as_str()
                        ));
                    }
                }
            } else {
                match (o.years_min, o.years_max) {
                    (Some(a), Some(b)) if a <= b => {
                        if o.years_max_child.is_some_and(|c| c < b) {
                            p.push(format!("{what}: years_max_child below years_max"));
                        }
                    }
                    _ => p.push(format!(
                        "{what}: years_min and years_max (in order) are required"
                    )),
                }
            }
        }
        if self.offences.is_empty() {
            p.push("at least one offence is required".to_string());
        }
        let mut ids = BTreeSet::new();
        for a in &self.aggravating {
            let what = format!("aggravating {}", a.id);
            if !is_code(&a.id, '_') {
                p.push(format!(
                    "{what}: the id is lower case letters, digits and underscores"
                ));
            }
            if !ids.insert(a.id.as_str()) {
                p.push(format!("{what}: listed twice"));
            }
            if !matches!(a.tier, TierId::Child | TierId::Aggravated) {
                p.push(format!("{what}: the tier is child or aggravated"));
            }
            check_texts(&what, &a.title, &mut p);
            if a.source.trim().is_empty() {
                p.push(format!("{what}: source required"));
            }
        }
        let mut js = BTreeSet::new();
        for j in &self.jurisdictions {
            let what = format!("jurisdiction {}", j.code);
            if !is_code(&j.code, '-') {
                p.push(format!(
                    "{what}: the code is lower case letters, digits and dashes"
                ));
            }
            if !js.insert(j.code.as_str()) {
                p.push(format!("{what}: listed twice"));
            }
            check_texts(&what, &j.title, &mut p);
            if j.time_zone.parse::<chrono_tz::Tz>().is_err() {
                p.push(format!("{what}: unknown time zone '{}'", j.time_zone));
            }
            if j.custody_limit_hours == 0 || j.custody_limit_hours > MAX_CUSTODY_HOURS {
                p.push(format!(
                    "{what}: the custody limit is 1 to {MAX_CUSTODY_HOURS} hours"
                ));
            }
            if j.extension_max_hours > MAX_CUSTODY_HOURS {
                p.push(format!(
                    "{what}: extensions add at most {MAX_CUSTODY_HOURS} hours"
                ));
            }
            if j.warn_hours
                .iter()
                .any(|h| *h == 0 || *h >= j.custody_limit_hours)
                || j.warn_hours.windows(2).any(|w| w[0] <= w[1])
            {
                p.push(format!(
                    "{what}: warnings are hours before the limit, above 0 and below it, from the earliest"
                ));
            }
            if j.source.trim().is_empty() {
                p.push(format!("{what}: source required"));
            }
        }
        if self.jurisdictions.is_empty() {
            p.push("at least one jurisdiction is required".to_string());
        }
        if p.is_empty() {
            Ok(())
        } else {
            Err(CatalogueError::Invalid(p.join("; ")))
        }
    }

    /// The offence of a code.
    pub fn offence(&self, code: &str) -> Option<&Offence> {
        self.offences.iter().find(|o| o.code == code)
    }

    /// The aggravating circumstance of an id.
    pub fn aggravating(&self, id: &str) -> Option<&Aggravating> {
        self.aggravating.iter().find(|a| a.id == id)
    }

    /// The jurisdiction of a code.
    pub fn jurisdiction(&self, code: &str) -> Option<&Jurisdiction> {
        self.jurisdictions.iter().find(|j| j.code == code)
    }

    /// The first jurisdiction: the default of a new custody record.
    pub fn default_jurisdiction(&self) -> &Jurisdiction {
        &self.jurisdictions[0]
    }

    fn tier(&self, id: TierId) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// The penalty of `offence` with the aggravating circumstances `aggravating` (ids of this
    /// catalogue) and whether the victim is a child (which is itself the `child` tier).
    pub fn penalty(
        &self,
        offence: &Offence,
        aggravating: &[String],
        child_victim: bool,
    ) -> Penalty {
        let mut child = child_victim;
        let mut aggravated = false;
        for a in aggravating.iter().filter_map(|id| self.aggravating(id)) {
            match a.tier {
                TierId::Child => child = true,
                _ => aggravated = true,
            }
        }
        if offence.tiers {
            let id = match (aggravated, child) {
                (false, false) => TierId::Basic,
                (false, true) => TierId::Child,
                (true, false) => TierId::Aggravated,
                (true, true) => TierId::AggravatedChild,
            };
            if let Some(t) = self.tier(id) {
                return Penalty {
                    tier: Some(id),
                    years_min: t.years_min,
                    years_max: t.years_max,
                    life: t.life,
                    fine_min_bif: t.fine_min_bif,
                    fine_max_bif: t.fine_max_bif,
                    source: t.source.clone(),
                    confirmed: t.confirmed && offence.confirmed,
                };
            }
        }
        Penalty {
            tier: None,
            years_min: offence.years_min,
            years_max: if child {
                offence.years_max_child.or(offence.years_max)
            } else {
                offence.years_max
            },
            life: false,
            fine_min_bif: None,
            fine_max_bif: None,
            source: offence.source.clone(),
            confirmed: offence.confirmed,
        }
    }

    /// Check an offence chosen for a suspect: the code is in the catalogue
    /// (`off_Code`/`not_in_catalogue`) and so is each aggravating circumstance, each once
    /// (`off_Aggravating`/`not_in_catalogue`). Returns the offence and the circumstances, sorted.
    pub fn check_choice<'a>(
        &'a self,
        code: &str,
        aggravating: &[String],
    ) -> Result<(&'a Offence, Vec<String>), ValidationErrors> {
        let mut e = ValidationErrors::default();
        let offence = self.offence(code.trim());
        if offence.is_none() {
            e.push(
                "off_Code",
                "not_in_catalogue",
                format!("'{}' is not an offence of the legal catalogue", code.trim()),
            );
        }
        let mut set = BTreeSet::new();
        for a in aggravating {
            let a = a.trim();
            if a.is_empty() {
                continue;
            }
            if self.aggravating(a).is_none() {
                e.push(
                    "off_Aggravating",
                    "not_in_catalogue",
                    format!("'{a}' is not an aggravating circumstance of the legal catalogue"),
                );
            } else {
                set.insert(a.to_string());
            }
        }
        match offence {
            Some(o) if e.0.is_empty() => Ok((o, set.into_iter().collect())),
            _ => Err(e),
        }
    }
}
