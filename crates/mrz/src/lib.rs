//! Machine-readable zones of travel documents (ICAO Doc 9303): TD1 identity cards (3 lines of
//! 30), TD2 documents (2 × 36), TD3 passports (2 × 44), MRV-A (2 × 44) and MRV-B (2 × 36)
//! visas. No dependency beyond `std`.
//!
//! [`parse`] is tolerant of what OCR and people produce (lower case, spaces around and inside
//! lines, Windows line ends, a missing final line break, the lines run together) and strict in
//! what it calls valid: it reports every field, every check digit separately (expected and
//! found), the composite check and the format rules, each problem naming its line, position
//! and rule. When the zone is not valid it offers the single-character repairs of common OCR
//! confusions (`0`/`O`, `1`/`I`, `2`/`Z`, `5`/`S`, `8`/`B`, `<`/`K`, …) that make it valid,
//! saying which check digits prove each; it never applies one itself.
//!
//! ```
//! use tabara_mrz::{Date, Format, Options, parse_with};
//!
//! let zone = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
//!             L898902C36UTO7408122F1204159ZE184226B<<<<<10";
//! let options = Options {
//!     today: Date::new(2026, 12, 1).unwrap(),
//!     allow_specimen: true,
//!     ..Options::default()
//! };
//! let mrz = parse_with(zone, &options).unwrap();
//! assert_eq!(mrz.format, Format::Td3);
//! assert!(mrz.is_valid());
//! assert_eq!(mrz.fields.primary_identifier, "ERIKSSON");
//! assert_eq!(mrz.fields.secondary_identifier, "ANNA MARIA");
//! assert_eq!(mrz.fields.document_number, "L898902C3");
//! assert_eq!(mrz.fields.birth_date.date, Date::new(1974, 8, 12));
//! assert_eq!(mrz.fields.expiry_date.date, Date::new(2012, 4, 15));
//! assert_eq!(mrz.checks.len(), 5);
//! // Valid, but expired: a warning, not a problem.
//! assert!(mrz.warnings.iter().any(|w| w.kind == tabara_mrz::WarningKind::Expired));
//! ```
//!
//! A damaged zone says where and why, and what would repair it:
//!
//! ```
//! # use tabara_mrz::{Date, Options, Rule, CheckKind, parse_with};
//! # let options = Options { today: Date::new(2026, 12, 1).unwrap(), allow_specimen: true, ..Options::default() };
//! // The OCR read the expiry date's 5 as an S.
//! let zone = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
//!             L898902C36UTO7408122F12041S9ZE184226B<<<<<10";
//! let mrz = parse_with(zone, &options).unwrap();
//! assert!(!mrz.is_valid());
//! let p = &mrz.problems[0];
//! assert_eq!((p.line, p.position, p.rule), (2, 27, Rule::Date));
//! let s = &mrz.suggestions[0];
//! assert_eq!((s.line, s.position, s.found, s.replacement), (2, 27, 'S', '5'));
//! assert!(s.proven_by.contains(&CheckKind::ExpiryDate));
//! ```
//!
//! Check digits cannot see everything: `K`, the letter OCR most often reads for a filler,
//! counts 20, the same as the filler's 0 modulo 10, so a filler read as `K` changes no digit.
//! The zone read must still be compared with the page.
//!
//! A valid MRZ proves nothing about a document's authenticity: counterfeiters compute check
//! digits too. It is one check among those of an examination.
#![deny(missing_docs)]

mod codes;
mod compose;
mod date;
mod digits;
mod names;
mod parse;
mod repair;

use std::fmt;

pub use codes::{ICAO_CODES, SPECIMEN, is_known_code};
pub use compose::{ComposeError, Document, compose};
pub use date::{Date, days_in_month};
pub use digits::{check_digit, confusions, is_mrz_char, value};
pub use names::{encode_name, transliterate};
pub use parse::{parse, parse_with};

/// The layouts of Doc 9303.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Identity card size: 3 lines of 30 (Part 5).
    Td1,
    /// 2 lines of 36 (Part 6).
    Td2,
    /// Passport: 2 lines of 44 (Part 4).
    Td3,
    /// Visa of format A: 2 lines of 44 (Part 7).
    MrvA,
    /// Visa of format B: 2 lines of 36 (Part 7).
    MrvB,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 5] = [
        Format::Td1,
        Format::Td2,
        Format::Td3,
        Format::MrvA,
        Format::MrvB,
    ];

    /// How many lines.
    pub fn lines(self) -> usize {
        match self {
            Format::Td1 => 3,
            _ => 2,
        }
    }

    /// Characters per line.
    pub fn width(self) -> usize {
        match self {
            Format::Td1 => 30,
            Format::Td2 | Format::MrvB => 36,
            Format::Td3 | Format::MrvA => 44,
        }
    }

    /// `TD1`, `TD2`, `TD3`, `MRV-A`, `MRV-B`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }

    /// Whether the format carries a composite check digit (visas do not).
    pub fn has_composite(self) -> bool {
        !matches!(self, Format::MrvA | Format::MrvB)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to read a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The day against which two-digit years are resolved and expiry is judged.
    pub today: Date,
    /// An expiry year is the latest that is at most this many years after today (default 50:
    /// `94` is 1994, not 2094, in 2026).
    pub expiry_window_years: u16,
    /// Accept ICAO's specimen state `UTO` (training); otherwise it is a problem.
    pub allow_specimen: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            today: Date::today_utc(),
            expiry_window_years: 50,
            allow_specimen: false,
        }
    }
}

/// A date field as printed and, when it is a whole calendar date, as resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateField {
    /// The six characters, `YYMMDD`.
    pub raw: String,
    /// The date, its century resolved; `None` when a part is unknown (fillers) or invalid.
    pub date: Option<Date>,
}

/// The holder's sex as the MRZ gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// `M`.
    Male,
    /// `F`.
    Female,
    /// `<`, or the `X` some issuers print (with a warning).
    Unspecified,
}

impl Sex {
    /// `M`, `F` or `<`.
    pub fn as_char(self) -> char {
        match self {
            Sex::Male => 'M',
            Sex::Female => 'F',
            Sex::Unspecified => '<',
        }
    }
}

/// Every field of a zone. Fillers at the end of a field are trimmed; inside a name they are
/// spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// `P`, `PP`, `V`, `I`, `ID`, `AC`, … (a trailing filler trimmed: `P<` is `P`).
    pub document_code: String,
    /// Issuing state or organisation (`D` for Germany's `D<<`).
    pub issuing_state: String,
    /// The primary identifier (surname), before `<<`.
    pub primary_identifier: String,
    /// The secondary identifier (given names), after `<<`.
    pub secondary_identifier: String,
    /// The document number, whole (a TD1 or TD2 number longer than 9 characters joined with
    /// its continuation from the optional data).
    pub document_number: String,
    /// Nationality.
    pub nationality: String,
    /// Date of birth.
    pub birth_date: DateField,
    /// Sex.
    pub sex: Sex,
    /// Date of expiry (a visa's "valid until").
    pub expiry_date: DateField,
    /// TD3: the personal number; TD1: optional data of line 1 (after a long number's
    /// continuation); TD2 and visas: the optional data.
    pub optional_data_1: String,
    /// TD1: optional data of line 2; empty in other formats.
    pub optional_data_2: String,
}

/// What a check digit covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// The document number.
    DocumentNumber,
    /// The date of birth.
    BirthDate,
    /// The date of expiry.
    ExpiryDate,
    /// TD3's personal number.
    PersonalNumber,
    /// The composite over the lines' data.
    Composite,
}

impl CheckKind {
    /// In words.
    pub fn describe(self) -> &'static str {
        match self {
            CheckKind::DocumentNumber => "document number check digit",
            CheckKind::BirthDate => "date of birth check digit",
            CheckKind::ExpiryDate => "date of expiry check digit",
            CheckKind::PersonalNumber => "personal number check digit",
            CheckKind::Composite => "composite check digit",
        }
    }
}

/// One check digit: where it is, what it should be and what is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What it covers.
    pub kind: CheckKind,
    /// Line (from 1).
    pub line: usize,
    /// Position on the line (from 1).
    pub position: usize,
    /// The digit the data gives; `None` when the data has characters outside the MRZ set.
    pub expected: Option<char>,
    /// The character printed there.
    pub found: char,
    /// Whether they agree.
    pub ok: bool,
}

/// The rule a problem breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Only `A`–`Z`, `0`–`9` and `<` are MRZ characters.
    Characters,
    /// The number of lines and their length.
    Shape,
    /// The document code of the format (`P` passports, `V` visas, `I`, `A`, `C` others).
    DocumentCode,
    /// The issuing state is an ICAO code.
    IssuingState,
    /// The nationality is an ICAO code.
    Nationality,
    /// The document number's form (fillers only at its end; a long number's continuation).
    DocumentNumber,
    /// A date is `YYMMDD` of a real day (a birth date may have unknown parts as fillers).
    Date,
    /// Sex is `M`, `F` or `<`.
    Sex,
    /// A check digit agrees with its data.
    CheckDigit(CheckKind),
    /// A name is letters separated by fillers, primary and secondary identifiers by `<<`.
    Name,
    /// Nothing but fillers where the format wants fillers.
    Filler,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Characters => "characters",
            Rule::Shape => "shape",
            Rule::DocumentCode => "document code",
            Rule::IssuingState => "issuing state",
            Rule::Nationality => "nationality",
            Rule::DocumentNumber => "document number",
            Rule::Date => "date",
            Rule::Sex => "sex",
            Rule::CheckDigit(k) => k.describe(),
            Rule::Name => "name",
            Rule::Filler => "filler",
        })
    }
}

/// Something that makes a zone invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line (from 1).
    pub line: usize,
    /// Position on the line (from 1).
    pub position: usize,
    /// The rule broken.
    pub rule: Rule,
    /// Which problem, as a stable name for programs and translations: `characters`,
    /// `shape` (a line's length), `shape-lines` (their number), `code-for-format`, `code-second-letter`, `unknown-code`, `specimen`,
    /// `no-number`, `filler-in-number`, `no-continuation`, `date-not-digits`, `no-month`,
    /// `no-day`, `sex`, `check-digit`, `digit-in-name`, `no-primary-identifier`,
    /// `after-name`.
    pub detail: &'static str,
    /// What is printed there: the character, code, date or digit concerned.
    pub found: String,
    /// For a check digit, the digit its data gives (`None` when the data has characters
    /// outside the MRZ set, and for other rules).
    pub expected: Option<char>,
    /// What is wrong, in English.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, position {} ({}): {}",
            self.line, self.position, self.rule, self.message
        )
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// The input was tidied before reading: lower case, spaces, line breaks.
    Normalised,
    /// The document has expired.
    Expired,
    /// The expiry date is before the birth date.
    ExpiryBeforeBirth,
    /// The document expires more than 10 years from today.
    LongValidity,
    /// Sex printed as `X`, read as unspecified.
    SexX,
    /// A letter in the name's last position: the name may have been cut.
    PossiblyTruncatedName,
    /// Only a primary identifier.
    SingleIdentifier,
    /// The specimen state `UTO`.
    Specimen,
    /// A long document number whose check digit agrees only when the filler is counted, as
    /// some software computes it: the issuer or the reader may be wrong.
    FillerIncludedCheckDigit,
    /// Part of the birth date is unknown (fillers).
    PartlyUnknownBirthDate,
}

/// Something worth knowing that does not make the zone invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// Line (from 1), when it is about one place.
    pub line: Option<usize>,
    /// Position (from 1), when it is about one place.
    pub position: Option<usize>,
    /// The value concerned (a date, a code), empty when none.
    pub value: String,
    /// In English.
    pub message: String,
}

/// A single-character repair that makes an invalid zone valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Line (from 1).
    pub line: usize,
    /// Position (from 1).
    pub position: usize,
    /// The character read.
    pub found: char,
    /// The character it may be.
    pub replacement: char,
    /// The check digits that failed before and agree after: the repair is proven by them.
    /// Empty when only a format rule is mended (a digit in a name): then nothing proves it.
    pub proven_by: Vec<CheckKind>,
}

impl Suggestion {
    /// Whether check digits prove the repair.
    pub fn is_proven(&self) -> bool {
        !self.proven_by.is_empty()
    }
}

/// A zone read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mrz {
    /// Its layout.
    pub format: Format,
    /// The lines as read, after tidying.
    pub lines: Vec<String>,
    /// Every field.
    pub fields: Fields,
    /// Every check digit, in the order they are printed.
    pub checks: Vec<Check>,
    /// What makes it invalid (none when valid).
    pub problems: Vec<Problem>,
    /// What is worth knowing.
    pub warnings: Vec<Warning>,
    /// Repairs the check digits prove, when it is invalid.
    pub suggestions: Vec<Suggestion>,
}

impl Mrz {
    /// Valid: every character, field and check digit as Doc 9303 wants.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    /// The lines joined by line breaks.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }
}

/// Input that is no MRZ of any format: the wrong number of lines or the wrong lengths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognised {
    /// What does not fit (rule [`Rule::Shape`]).
    pub problems: Vec<Problem>,
}

impl fmt::Display for Unrecognised {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Unrecognised {}
