//! The machinery behind every HTCDS picklist: value names (the stable system identifiers written
//! to storage and exports), labels per language, tolerant parsing, and sets for multiselects.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A language Tabara speaks. English and French are complete; Kirundi falls back to French for
/// value labels that have no Kirundi text yet (French is the administrative language officers read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
    /// Kirundi.
    Rn,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Rn];

    /// BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Rn => "rn",
        }
    }

    /// Parse a BCP 47 tag such as `fr`, `fr-BI` or `en_GB`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "rn" | "run" => Some(Lang::Rn),
            _ => None,
        }
    }

    /// Of a text written in English, French and (when written) Kirundi, the one in this
    /// language; Kirundi falls back to French until it is written.
    pub fn choose<'a, T: ?Sized>(self, en: &'a T, fr: &'a T, rn: Option<&'a T>) -> &'a T {
        match self {
            Lang::En => en,
            Lang::Fr => fr,
            Lang::Rn => rn.unwrap_or(fr),
        }
    }
}

/// A closed value list of the standard (an HTCDS picklist) or of Tabara.
pub trait Picklist: Sized + Copy + Ord + 'static {
    /// Name of the list, for messages (e.g. `TypeOfExploitation`).
    const LIST_NAME: &'static str;
    /// The HTCDS fields (full names such as `vic_TypeOfExploitation`) that use this list.
    /// Empty for lists that are Tabara's own.
    const HTCDS_FIELDS: &'static [&'static str];
    /// Every value, in the standard's order; Tabara's extensions come last.
    const ALL: &'static [Self];

    /// The system name, exactly as HTCDS spells it (e.g. `ForcedLabour`, `Unaquainted`).
    fn value_name(self) -> &'static str;
    /// The label shown to a user.
    fn label(self, lang: Lang) -> &'static str;
    /// True for a value Tabara adds to the standard's list (never emitted in a strict HTCDS export).
    fn is_extension(self) -> bool;
    /// Other spellings accepted on input (documented inconsistencies of the standard).
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }

    /// Parse a value name: exact first, then ignoring case, surrounding spaces, `_`, `-` and
    /// spaces inside, then known aliases. The English label is accepted too, since the
    /// standard's spreadsheets store labels rather than names.
    fn parse(input: &str) -> Result<Self, UnknownValue> {
        let trimmed = input.trim();
        if let Some(v) = Self::ALL.iter().find(|v| v.value_name() == trimmed) {
            return Ok(*v);
        }
        let key = loose_key(trimmed);
        Self::ALL
            .iter()
            .find(|v| {
                loose_key(v.value_name()) == key
                    || loose_key(v.label(Lang::En)) == key
                    || v.aliases().iter().any(|a| loose_key(a) == key)
            })
            .copied()
            .ok_or_else(|| UnknownValue {
                list: Self::LIST_NAME,
                value: trimmed.to_string(),
            })
    }
}

fn loose_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value that is not in a list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not a value of {list}")]
pub struct UnknownValue {
    /// The list's name.
    pub list: &'static str,
    /// What was given.
    pub value: String,
}

/// A multiselect: an ordered set of values, written as `;`-joined value names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ValueSet<T: Picklist>(BTreeSet<T>);

impl<T: Picklist> Default for ValueSet<T> {
    fn default() -> Self {
        ValueSet(BTreeSet::new())
    }
}

impl<T: Picklist> ValueSet<T> {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Add a value.
    pub fn insert(&mut self, v: T) -> bool {
        self.0.insert(v)
    }
    /// Whether the value is selected.
    pub fn contains(&self, v: T) -> bool {
        self.0.contains(&v)
    }
    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Number of selected values.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The selected values in list order.
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        self.0.iter().copied()
    }
    /// `;`-joined value names, the form HTCDS spreadsheets and Tabara's storage use.
    pub fn joined(&self) -> String {
        let mut out = String::new();
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(v.value_name());
        }
        out
    }
    /// Parse `;`-joined (or `,`-joined) value names; empty parts are ignored.
    pub fn parse_joined(s: &str) -> Result<Self, UnknownValue> {
        let mut set = BTreeSet::new();
        for part in s.split([';', ',']).map(str::trim).filter(|p| !p.is_empty()) {
            set.insert(T::parse(part)?);
        }
        Ok(ValueSet(set))
    }
}

impl<T: Picklist> FromIterator<T> for ValueSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        ValueSet(iter.into_iter().collect())
    }
}

impl<T: Picklist> Serialize for ValueSet<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|v| v.value_name()))
    }
}

impl<'de, T: Picklist> Deserialize<'de> for ValueSet<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = Vec::<String>::deserialize(d)?;
        names
            .iter()
            .map(|n| T::parse(n))
            .collect::<Result<BTreeSet<T>, _>>()
            .map(ValueSet)
            .map_err(serde::de::Error::custom)
    }
}

impl<T: Picklist> fmt::Display for ValueSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.joined())
    }
}

/// Declares a picklist enum. Each value: `Variant = "ValueName", "English", "Français";`
/// with an optional `[ext]` marker for Tabara's extensions and `aliases [..]` for other
/// spellings accepted on input.
macro_rules! picklist {
    (
        $(#[$meta:meta])*
        $name:ident, fields [$($field:literal),*] {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $value:literal, $en:literal, $fr:literal
                $(, aliases [$($alias:literal),*])? $(, @ $ext:ident)? ;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = $en] $variant, )+
        }

        impl $crate::picklist::Picklist for $name {
            const LIST_NAME: &'static str = stringify!($name);
            const HTCDS_FIELDS: &'static [&'static str] = &[$($field),*];
            const ALL: &'static [Self] = &[$($name::$variant),+];

            fn value_name(self) -> &'static str {
                match self { $($name::$variant => $value,)+ }
            }
            fn label(self, lang: $crate::picklist::Lang) -> &'static str {
                match (self, lang) {
                    $(
                        ($name::$variant, $crate::picklist::Lang::En) => $en,
                        ($name::$variant, _) => $fr,
                    )+
                }
            }
            fn is_extension(self) -> bool {
                match self { $($name::$variant => picklist!(@ext $($ext)?),)+ }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$($($alias),*)?],)+ }
            }
        }

        impl $name {
            /// The system name (see [`crate::picklist::Picklist::value_name`]).
            pub fn as_str(self) -> &'static str {
                <Self as $crate::picklist::Picklist>::value_name(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::picklist::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::picklist::Picklist>::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
    (@ext ext) => { true };
    (@ext) => { false };
}

pub(crate) use picklist;
