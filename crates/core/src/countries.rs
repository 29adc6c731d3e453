//! ISO 3166-1 alpha-2 country codes, the code list HTCDS uses for citizenship and addresses.

#[path = "countries_data.rs"]
mod data;
pub use data::COUNTRIES;

/// A valid ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    /// Burundi.
    pub const BI: Country = Country(*b"BI");

    /// Parse a code, ignoring case and surrounding spaces. `None` for an unknown code.
    pub fn parse(code: &str) -> Option<Country> {
        let code = code.trim().to_ascii_uppercase();
        let bytes: [u8; 2] = code.as_bytes().try_into().ok()?;
        COUNTRIES
            .binary_search_by(|(c, _)| c.as_bytes().cmp(&bytes[..]))
            .ok()
            .map(|_| Country(bytes))
    }

    /// The two-letter code.
    pub fn code(&self) -> &str {
        // Only ASCII letters from COUNTRIES are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The English short name.
    pub fn name(&self) -> &'static str {
        COUNTRIES
            .binary_search_by(|(c, _)| c.as_bytes().cmp(&self.0[..]))
            .map(|i| COUNTRIES[i].1)
            .unwrap_or("")
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        Country::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown ISO 3166 country code '{s}'")))
    }
}

/// Join country codes with `;` (storage and HTCDS export form of a multiselect).
pub fn join(countries: &[Country]) -> String {
    countries
        .iter()
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for w in COUNTRIES.windows(2) {
            assert!(w[0].0 < w[1].0, "{} before {}", w[0].0, w[1].0);
        }
    }

    #[test]
    fn parses_known_and_rejects_unknown() {
        assert_eq!(Country::parse(" bi ").map(|c| c.name()), Some("Burundi"));
        assert_eq!(
            Country::parse("CD").map(|c| c.code().to_string()),
            Some("CD".into())
        );
        assert_eq!(Country::parse("XX"), None);
        assert_eq!(Country::parse("BDI"), None);
        assert_eq!(Country::parse(""), None);
    }
}
