//! Burundi's administrative divisions as data (`data/areas.toml`, embedded): the 5 provinces
//! and 42 communes of the Loi organique n° 1/05 du 16 mars 2023, each with a stable code, and
//! the 18 former provinces that older records name, with the current province each falls in.
//!
//! Codes nest: `bi` is the whole country ("national"), `bi-<province>` a province,
//! `bi-<province>-<commune>` one of its communes. A provider serving a province serves all its
//! communes; a provider serving `bi` serves everywhere.

use std::sync::OnceLock;

use serde::Deserialize;

const EMBEDDED: &str = include_str!("../../data/areas.toml");

/// The code of the whole country: a provider serving it serves every area.
pub const NATIONAL: &str = "bi";

/// A commune of a province.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commune {
    /// Stable code, `bi-<province>-<commune>`.
    pub code: String,
    /// Name.
    pub name: String,
}

/// A province and its communes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Province {
    /// Stable code, `bi-<province>`.
    pub code: String,
    /// Name.
    pub name: String,
    /// Its chief town.
    pub chef_lieu: String,
    /// Its communes.
    pub communes: Vec<Commune>,
}

/// A province before the 2023 reform, still named by older records.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormerProvince {
    /// Name, as older records spell it (`Bujumbura Mairie`).
    pub name: String,
    /// The code of the current province it falls in (all of it, or most of it).
    pub province: String,
    /// Whether it falls whole in that province.
    pub whole: bool,
    /// For a split one, the other areas it reaches.
    #[serde(default)]
    pub also: Vec<String>,
}

/// The divisions: provinces with their communes, and the former provinces.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Areas {
    /// The current provinces, in the table's order.
    #[serde(rename = "province")]
    pub provinces: Vec<Province>,
    /// The former provinces.
    #[serde(rename = "former")]
    pub former: Vec<FormerProvince>,
}

/// One area a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area<'a> {
    /// The whole country.
    National,
    /// A province.
    Province(&'a Province),
    /// A commune, with its province.
    Commune(&'a Province, &'a Commune),
}

impl<'a> Area<'a> {
    /// Its code.
    pub fn code(self) -> &'a str {
        match self {
            Area::National => NATIONAL,
            Area::Province(p) => &p.code,
            Area::Commune(_, c) => &c.code,
        }
    }

    /// Its name, with its province for a commune (`Mukaza (Bujumbura)`); the whole country is
    /// named by the caller (it is a word of the catalogue), so `None`.
    pub fn name(self) -> Option<String> {
        match self {
            Area::National => None,
            Area::Province(p) => Some(p.name.clone()),
            Area::Commune(p, c) => Some(format!("{} ({})", c.name, p.name)),
        }
    }
}

/// Why the table is broken (a test and the loader say what and where).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("areas table: {0}")]
pub struct AreasError(pub String);

impl Areas {
    /// Parse and check a table.
    pub fn parse(text: &str) -> Result<Areas, AreasError> {
        let a: Areas = toml::from_str(text).map_err(|e| AreasError(e.to_string()))?;
        a.check()?;
        Ok(a)
    }

    /// The embedded table, parsed once. Its tests prove it parses and holds together.
    pub fn embedded() -> &'static Areas {
        static AREAS: OnceLock<Areas> = OnceLock::new();
        AREAS.get_or_init(|| Areas::parse(EMBEDDED).expect("data/areas.toml is checked by tests"))
    }

    fn check(&self) -> Result<(), AreasError> {
        let mut seen = std::collections::BTreeSet::new();
        let well_formed = |code: &str| {
            code.split('-').count() >= 2
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !code.ends_with('-')
                && !code.contains("--")
        };
        for p in &self.provinces {
            if !p.code.starts_with("bi-")
                || p.code.matches('-').count() != 1
                || !well_formed(&p.code)
            {
                return Err(AreasError(format!("province code '{}'", p.code)));
            }
            if p.name.trim().is_empty() || p.communes.is_empty() {
                return Err(AreasError(format!(
                    "province '{}' needs a name and communes",
                    p.code
                )));
            }
            if !seen.insert(p.code.as_str()) {
                return Err(AreasError(format!("code '{}' twice", p.code)));
            }
            for c in &p.communes {
                let prefix = format!("{}-", p.code);
                if !c.code.starts_with(&prefix) || !well_formed(&c.code) || c.name.trim().is_empty()
                {
                    return Err(AreasError(format!("commune code '{}'", c.code)));
                }
                if !seen.insert(c.code.as_str()) {
                    return Err(AreasError(format!("code '{}' twice", c.code)));
                }
            }
        }
        for f in &self.former {
            if !matches!(self.find(&f.province), Some(Area::Province(_))) {
                return Err(AreasError(format!(
                    "former province '{}': '{}' is no province",
                    f.name, f.province
                )));
            }
            if f.whole != f.also.is_empty() {
                return Err(AreasError(format!(
                    "former province '{}': a split one names where else it reaches, a whole one nowhere",
                    f.name
                )));
            }
            if let Some(bad) = f.also.iter().find(|c| self.find(c).is_none()) {
                return Err(AreasError(format!("former province '{}': '{bad}'", f.name)));
            }
        }
        Ok(())
    }

    /// The area a code names (`bi`, a province's or a commune's code).
    pub fn find(&self, code: &str) -> Option<Area<'_>> {
        if code == NATIONAL {
            return Some(Area::National);
        }
        for p in &self.provinces {
            if p.code == code {
                return Some(Area::Province(p));
            }
            if let Some(c) = p.communes.iter().find(|c| c.code == code) {
                return Some(Area::Commune(p, c));
            }
        }
        None
    }

    /// A former province by name (ignoring case, spaces and hyphens).
    pub fn former(&self, name: &str) -> Option<&FormerProvince> {
        let key = loose(name);
        self.former.iter().find(|f| loose(&f.name) == key)
    }

    /// The areas a search names: an area code, the name of a current province, or the name of
    /// a former province (its current province, and for a split one the other areas it
    /// reaches). `None` when the text names none.
    pub fn resolve(&self, text: &str) -> Option<Vec<Area<'_>>> {
        let t = text.trim();
        if let Some(a) = self.find(&t.to_ascii_lowercase()) {
            return Some(vec![a]);
        }
        let key = loose(t);
        if let Some(p) = self.provinces.iter().find(|p| loose(&p.name) == key) {
            return Some(vec![Area::Province(p)]);
        }
        let f = self.former(t)?;
        let mut out: Vec<Area<'_>> = Vec::new();
        for code in std::iter::once(&f.province).chain(&f.also) {
            out.extend(self.find(code));
        }
        Some(out)
    }

    /// The codes a provider must serve one of to serve `area`: the whole country, the area,
    /// its province for a commune, and for a province each of its communes too (a provider of
    /// one commune is listed when its province is searched).
    pub fn serving_codes(&self, area: Area<'_>) -> Vec<String> {
        let mut out = vec![NATIONAL.to_string()];
        match area {
            Area::National => {}
            Area::Province(p) => {
                out.push(p.code.clone());
                out.extend(p.communes.iter().map(|c| c.code.clone()));
            }
            Area::Commune(p, c) => {
                out.push(p.code.clone());
                out.push(c.code.clone());
            }
        }
        out
    }
}

fn loose(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_is_the_2023_divisions() {
        let a = Areas::parse(EMBEDDED).unwrap();
        assert_eq!(a.provinces.len(), 5);
        let communes: usize = a.provinces.iter().map(|p| p.communes.len()).sum();
        assert_eq!(communes, 42);
        let names: Vec<&str> = a.provinces.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["Bujumbura", "Buhumuza", "Burunga", "Butanyerera", "Gitega"]
        );
        assert_eq!(a.former.len(), 18);
        assert_eq!(a.former.iter().filter(|f| !f.whole).count(), 1);
    }

    #[test]
    fn codes_nest_and_resolve() {
        let a = Areas::embedded();
        let Some(Area::Commune(p, c)) = a.find("bi-bujumbura-mukaza") else {
            panic!("Mukaza is a commune");
        };
        assert_eq!((p.name.as_str(), c.name.as_str()), ("Bujumbura", "Mukaza"));
        assert_eq!(a.find("bi"), Some(Area::National));
        assert_eq!(a.find("bi-nowhere"), None);
        let by_name = a.resolve("gitega").unwrap();
        assert_eq!(by_name.len(), 1);
        assert_eq!(by_name[0].code(), "bi-gitega");
        // A former province finds its current one; a split one also where else it reaches.
        let cibitoke: Vec<&str> = a
            .resolve("Cibitoke")
            .unwrap()
            .iter()
            .map(|a| a.code())
            .collect();
        assert_eq!(cibitoke, ["bi-bujumbura"]);
        let mairie = a.resolve("bujumbura-mairie").unwrap();
        assert_eq!(mairie[0].code(), "bi-bujumbura");
        let rumonge: Vec<&str> = a
            .resolve("Rumonge")
            .unwrap()
            .iter()
            .map(|a| a.code())
            .collect();
        assert_eq!(rumonge, ["bi-burunga", "bi-bujumbura-muhuta"]);
        assert!(a.resolve("Atlantis").is_none());
    }

    #[test]
    fn every_former_province_of_the_demo_is_known() {
        for name in [
            "Bubanza",
            "Bujumbura Mairie",
            "Bujumbura Rural",
            "Bururi",
            "Cankuzo",
            "Cibitoke",
            "Gitega",
            "Karuzi",
            "Kayanza",
            "Kirundo",
            "Makamba",
            "Muramvya",
            "Muyinga",
            "Mwaro",
            "Ngozi",
            "Rumonge",
            "Rutana",
            "Ruyigi",
        ] {
            assert!(Areas::embedded().former(name).is_some(), "{name}");
        }
    }

    #[test]
    fn serving_a_province_serves_its_communes() {
        let a = Areas::embedded();
        let karusi = a.find("bi-gitega-karusi").unwrap();
        assert_eq!(
            a.serving_codes(karusi),
            ["bi", "bi-gitega", "bi-gitega-karusi"]
        );
        let gitega = a.find("bi-gitega").unwrap();
        let codes = a.serving_codes(gitega);
        assert_eq!(codes.len(), 2 + 9);
        assert!(codes.contains(&"bi-gitega-karusi".to_string()));
    }

    #[test]
    fn broken_tables_are_refused() {
        let dup = EMBEDDED.replace("bi-gitega-shombo", "bi-gitega-mwaro");
        assert!(Areas::parse(&dup).unwrap_err().0.contains("twice"));
        let stray = EMBEDDED.replace("bi-burunga-rutana", "bi-gitega-rutana");
        assert!(Areas::parse(&stray).unwrap_err().0.contains("commune code"));
        let lost = EMBEDDED.replace("province = \"bi-buhumuza\"", "province = \"bi-nowhere\"");
        assert!(Areas::parse(&lost).unwrap_err().0.contains("no province"));
        assert!(Areas::parse("[[province]]\ncode = 1").is_err());
    }
}
