//! Travel documents (issue 15): what a machine-readable zone says against what the person's
//! record says. Names are compared after Doc 9303's transliteration, in any order, with the
//! `AE`/`OE`/`UE` spellings folded and a cut last name allowed; a spelling one or two letters
//! off is "close", never "the same". Each finding carries the message key that explains it to
//! an officer and the values it names.

mod alpha3;
mod lost;
mod record;

pub use alpha3::ALPHA3;
use chrono::NaiveDate;
pub use lost::{LostEntry, LostReason, MAX_NUMBER, number_key, state_key};
pub use record::{
    DocumentEntry, DocumentForm, DocumentOutcome, DocumentType, FeatureFinding, MAX_NOTES,
    MAX_ZONE, Mismatch, SecurityFeature, mismatches, options, zone_date,
};

use crate::Country;
use crate::htcds::Gender;
use crate::mrz::{Fields, Sex, transliterate};

/// The alpha-3 code of an alpha-2 country.
pub fn alpha3(country: Country) -> Option<&'static str> {
    ALPHA3
        .binary_search_by(|(a2, _)| (*a2).cmp(country.code()))
        .ok()
        .map(|i| ALPHA3[i].1)
}

/// An MRZ's state code as ISO alpha-3 (`D`, Germany's, is `DEU`).
fn iso3(code: &str) -> &str {
    if code == "D" { "DEU" } else { code }
}

/// What the record says of the holder.
#[derive(Debug, Clone, Copy)]
pub struct Holder<'a> {
    /// First name.
    pub first_name: Option<&'a str>,
    /// Middle name.
    pub middle_name: Option<&'a str>,
    /// Surname.
    pub second_name: Option<&'a str>,
    /// Date of birth.
    pub birthdate: Option<NaiveDate>,
    /// Gender.
    pub gender: Gender,
    /// Citizenships.
    pub citizenship: &'a [Country],
}

/// What is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subject {
    /// The names.
    Name,
    /// The date of birth.
    BirthDate,
    /// Sex and gender.
    Sex,
    /// Nationality and citizenship.
    Nationality,
    /// Whether the document is still valid.
    Expiry,
    /// The issuing state against the nationality.
    IssuingState,
}

/// How it compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The same.
    Agrees,
    /// The same once accents, order, spacing and transliteration are set aside.
    AgreesAfterNormalising,
    /// Close but not the same: a spelling variant or a misreading.
    Close,
    /// Not the same: the officer asks why.
    Differs,
    /// Nothing to compare with.
    Unknown,
}

impl Outcome {
    /// Whether the officer should look closer.
    pub fn needs_attention(self) -> bool {
        matches!(self, Outcome::Close | Outcome::Differs)
    }
}

/// One finding, with the message key that explains it and the values it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What was compared.
    pub subject: Subject,
    /// How it compares.
    pub outcome: Outcome,
    /// The translation key of its explanation.
    pub key: &'static str,
    /// The values the explanation names (`mrz`, `record`, `date`, …).
    pub args: Vec<(&'static str, String)>,
}

fn finding(
    subject: Subject,
    outcome: Outcome,
    key: &'static str,
    args: Vec<(&'static str, String)>,
) -> Finding {
    Finding {
        subject,
        outcome,
        key,
        args,
    }
}

/// The words of a name in the zone's alphabet: transliterated, apostrophes dropped, split at
/// anything that is not a letter.
pub fn name_words(name: &str) -> Vec<String> {
    transliterate(&name.replace(['\'', '’'], ""))
        .split(|c: char| !c.is_ascii_uppercase())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `AE`, `OE`, `UE` as `A`, `O`, `U`: the two transliterations Doc 9303 allows for `Ä`, `Ö`,
/// `Ü` (and issuers that drop the accent altogether).
fn folded(w: &str) -> String {
    w.replace("AE", "A").replace("OE", "O").replace("UE", "U")
}

/// Levenshtein distance, for words of a name.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How far apart two words may be and still be a spelling variant.
fn near(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len());
    let allowed = if n >= 8 {
        2
    } else if n >= 4 {
        1
    } else {
        0
    };
    allowed > 0 && distance(a, b) <= allowed
}

/// Pair every word of `zone` with a word of `record`, each used once, by `same`; `cut` lets the
/// zone's last word be the start of a record word (a name cut to fit).
fn pairs(zone: &[String], record: &[String], cut: bool, same: impl Fn(&str, &str) -> bool) -> bool {
    if zone.len() != record.len() {
        return false;
    }
    let mut used = vec![false; record.len()];
    for (i, z) in zone.iter().enumerate() {
        let last = i + 1 == zone.len();
        let found = record.iter().enumerate().position(|(j, r)| {
            !used[j] && (same(z, r) || (cut && last && z.len() >= 3 && r.starts_with(z.as_str())))
        });
        match found {
            Some(j) => used[j] = true,
            None => return false,
        }
    }
    true
}

/// The zone's names against the record's.
fn names(fields: &Fields, holder: &Holder<'_>, cut: bool) -> Finding {
    let zone_primary = name_words(&fields.primary_identifier);
    let zone_secondary = name_words(&fields.secondary_identifier);
    let record_surname = name_words(holder.second_name.unwrap_or(""));
    let mut record_given = name_words(holder.first_name.unwrap_or(""));
    record_given.extend(name_words(holder.middle_name.unwrap_or("")));
    let shown_zone = format!(
        "{} {}",
        fields.primary_identifier, fields.secondary_identifier
    )
    .trim()
    .to_string();
    let shown_record = [holder.second_name, holder.first_name, holder.middle_name]
        .iter()
        .flatten()
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let args = vec![("mrz", shown_zone), ("record", shown_record)];
    if record_surname.is_empty() && record_given.is_empty() {
        return finding(
            Subject::Name,
            Outcome::Unknown,
            "doc-cmp-name-unknown",
            args,
        );
    }
    let raw = |s: Option<&str>| {
        s.unwrap_or("")
            .split_whitespace()
            .map(str::to_uppercase)
            .collect::<Vec<_>>()
    };
    let mut raw_given = raw(holder.first_name);
    raw_given.extend(raw(holder.middle_name));
    if zone_primary == raw(holder.second_name) && zone_secondary == raw_given {
        return finding(Subject::Name, Outcome::Agrees, "doc-cmp-name-same", args);
    }
    let mut zone: Vec<String> = zone_primary.clone();
    zone.extend(zone_secondary);
    let mut record = record_surname;
    record.extend(record_given);
    if pairs(&zone, &record, cut, |a, b| a == b || folded(a) == folded(b)) {
        return finding(
            Subject::Name,
            Outcome::AgreesAfterNormalising,
            "doc-cmp-name-normalised",
            args,
        );
    }
    if pairs(&zone, &record, cut, |a, b| near(&folded(a), &folded(b))) {
        return finding(Subject::Name, Outcome::Close, "doc-cmp-name-close", args);
    }
    finding(
        Subject::Name,
        Outcome::Differs,
        "doc-cmp-name-differs",
        args,
    )
}

/// Compare a zone's fields with the holder's record, on `today`. `name_cut`: the zone warned
/// that the name may have been cut to fit.
pub fn compare(
    fields: &Fields,
    holder: &Holder<'_>,
    name_cut: bool,
    today: NaiveDate,
) -> Vec<Finding> {
    let mut out = vec![names(fields, holder, name_cut)];

    let zone_birth = fields
        .birth_date
        .date
        .and_then(|d| NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()));
    let birth_args = |record: String| {
        vec![
            (
                "mrz",
                zone_birth.map_or(fields.birth_date.raw.clone(), |d| d.to_string()),
            ),
            ("record", record),
        ]
    };
    out.push(match (zone_birth, holder.birthdate) {
        (Some(z), Some(r)) if z == r => finding(
            Subject::BirthDate,
            Outcome::Agrees,
            "doc-cmp-birth-same",
            birth_args(r.to_string()),
        ),
        (Some(_), Some(r)) => finding(
            Subject::BirthDate,
            Outcome::Differs,
            "doc-cmp-birth-differs",
            birth_args(r.to_string()),
        ),
        _ => finding(
            Subject::BirthDate,
            Outcome::Unknown,
            "doc-cmp-birth-unknown",
            birth_args(holder.birthdate.map(|d| d.to_string()).unwrap_or_default()),
        ),
    });

    let record_sex = match holder.gender {
        Gender::Feminine | Gender::TransgenderFeminine => Some(Sex::Female),
        Gender::Masculine | Gender::TransgenderMasculine => Some(Sex::Male),
        _ => None,
    };
    let sex_args = vec![
        ("mrz", fields.sex.as_char().to_string()),
        (
            "record",
            crate::Picklist::value_name(holder.gender).to_string(),
        ),
    ];
    out.push(match (fields.sex, record_sex) {
        (Sex::Unspecified, _) | (_, None) => finding(
            Subject::Sex,
            Outcome::Unknown,
            "doc-cmp-sex-unknown",
            sex_args,
        ),
        (z, Some(r)) if z == r => {
            finding(Subject::Sex, Outcome::Agrees, "doc-cmp-sex-same", sex_args)
        }
        _ => finding(
            Subject::Sex,
            Outcome::Differs,
            "doc-cmp-sex-differs",
            sex_args,
        ),
    });

    let nationality = iso3(&fields.nationality).to_string();
    let citizenships: Vec<&str> = holder
        .citizenship
        .iter()
        .filter_map(|c| alpha3(*c))
        .collect();
    let nat_args = vec![
        ("mrz", nationality.clone()),
        ("record", citizenships.join(", ")),
    ];
    out.push(
        if matches!(nationality.as_str(), "XXA" | "XXB" | "XXC" | "XXX") {
            finding(
                Subject::Nationality,
                if citizenships.is_empty() {
                    Outcome::Agrees
                } else {
                    Outcome::Differs
                },
                match nationality.as_str() {
                    "XXA" => "doc-cmp-nationality-stateless",
                    "XXX" => "doc-cmp-nationality-unspecified",
                    _ => "doc-cmp-nationality-refugee",
                },
                nat_args,
            )
        } else if citizenships.is_empty() {
            finding(
                Subject::Nationality,
                Outcome::Unknown,
                "doc-cmp-nationality-unknown",
                nat_args,
            )
        } else if citizenships.contains(&nationality.as_str()) {
            finding(
                Subject::Nationality,
                Outcome::Agrees,
                "doc-cmp-nationality-same",
                nat_args,
            )
        } else {
            finding(
                Subject::Nationality,
                Outcome::Differs,
                "doc-cmp-nationality-differs",
                nat_args,
            )
        },
    );

    if let Some(d) = fields.expiry_date.date
        && let Some(expiry) = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
    {
        let args = vec![("date", expiry.to_string())];
        out.push(if expiry < today {
            finding(Subject::Expiry, Outcome::Differs, "doc-cmp-expired", args)
        } else {
            finding(
                Subject::Expiry,
                Outcome::Agrees,
                "doc-cmp-valid-until",
                args,
            )
        });
    }

    let issuer = iso3(&fields.issuing_state).to_string();
    if issuer != nationality && !fields.issuing_state.is_empty() {
        out.push(finding(
            Subject::IssuingState,
            Outcome::Close,
            "doc-cmp-issuer-not-nationality",
            vec![("issuer", issuer), ("nationality", nationality)],
        ));
    }
    out
}

#[cfg(test)]
mod tests;
