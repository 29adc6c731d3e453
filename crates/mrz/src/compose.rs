//! Writing a zone as an issuer does: for specimens, training and tests.

use std::fmt;

use crate::digits::{check_digit, is_mrz_char};
use crate::names::encode_name;
use crate::{Format, Sex};

/// What goes into a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The layout.
    pub format: Format,
    /// `P`, `PP`, `V`, `I`, `ID`, …
    pub document_code: String,
    /// `BDI`, `D`, …
    pub issuing_state: String,
    /// The surname, as people write it (transliterated and encoded by [`encode_name`]).
    pub primary_identifier: String,
    /// The given names, as people write them.
    pub secondary_identifier: String,
    /// The document number (more than 9 characters only in TD1 and TD2).
    pub document_number: String,
    /// Nationality.
    pub nationality: String,
    /// `YYMMDD` (fillers for unknown parts).
    pub birth_date: String,
    /// Sex.
    pub sex: Sex,
    /// `YYMMDD`.
    pub expiry_date: String,
    /// The personal number (TD3) or the optional data (line 1 of TD1, TD2, visas).
    pub optional_data_1: String,
    /// TD1's optional data of line 2.
    pub optional_data_2: String,
}

/// Why a zone cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeError {
    /// A field is longer than its place.
    TooLong {
        /// The field.
        field: &'static str,
        /// Its room.
        max: usize,
    },
    /// A field has characters outside the MRZ set.
    Characters {
        /// The field.
        field: &'static str,
    },
}

impl fmt::Display for ComposeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComposeError::TooLong { field, max } => {
                write!(f, "{field}: more than {max} characters")
            }
            ComposeError::Characters { field } => {
                write!(f, "{field}: only A–Z, 0–9 and < are MRZ characters")
            }
        }
    }
}

impl std::error::Error for ComposeError {}

/// `value` in upper case, padded with fillers to `width`.
fn pad(field: &'static str, value: &str, width: usize) -> Result<String, ComposeError> {
    let v = value.to_ascii_uppercase();
    if !v.chars().all(is_mrz_char) {
        return Err(ComposeError::Characters { field });
    }
    if v.chars().count() > width {
        return Err(ComposeError::TooLong { field, max: width });
    }
    Ok(format!("{v:<<width$}"))
}

fn digit(data: &str) -> char {
    check_digit(data)
        .and_then(|d| char::from_digit(d, 10))
        .unwrap_or('<')
}

/// The number's place (9 characters and the check digit) and what it puts at the start of
/// the optional data (a long number's continuation, its digit and a filler).
fn number_parts(number: &str, long_ok: bool) -> Result<(String, String), ComposeError> {
    let n = number.to_ascii_uppercase();
    if !n
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Err(ComposeError::Characters {
            field: "document number",
        });
    }
    if n.len() <= 9 {
        let nine = pad("document number", &n, 9)?;
        let cd = digit(&nine);
        return Ok((format!("{nine}{cd}"), String::new()));
    }
    if !long_ok {
        return Err(ComposeError::TooLong {
            field: "document number",
            max: 9,
        });
    }
    Ok((
        format!("{}<", &n[..9]),
        format!("{}{}<", &n[9..], digit(&n)),
    ))
}

/// The lines of the zone.
///
/// ```
/// use tabara_mrz::{compose, Document, Format, Sex};
/// let lines = compose(&Document {
///     format: Format::Td3,
///     document_code: "P".into(),
///     issuing_state: "UTO".into(),
///     primary_identifier: "Eriksson".into(),
///     secondary_identifier: "Anna María".into(),
///     document_number: "L898902C3".into(),
///     nationality: "UTO".into(),
///     birth_date: "740812".into(),
///     sex: Sex::Female,
///     expiry_date: "120415".into(),
///     optional_data_1: "ZE184226B".into(),
///     optional_data_2: String::new(),
/// })
/// .unwrap();
/// assert_eq!(lines[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
/// assert_eq!(lines[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
/// ```
pub fn compose(d: &Document) -> Result<Vec<String>, ComposeError> {
    let format = d.format;
    let code = pad("document code", &d.document_code, 2)?;
    let state = pad("issuing state", &d.issuing_state, 3)?;
    let nationality = pad("nationality", &d.nationality, 3)?;
    let birth = pad("date of birth", &d.birth_date, 6)?;
    let expiry = pad("date of expiry", &d.expiry_date, 6)?;
    if birth.len() != 6 || expiry.len() != 6 {
        return Err(ComposeError::TooLong {
            field: "date",
            max: 6,
        });
    }
    let sex = d.sex.as_char();
    let width = format.width();
    let long_ok = matches!(format, Format::Td1 | Format::Td2);
    let (number, continuation) = number_parts(&d.document_number, long_ok)?;
    let birth_cd = format!("{birth}{}", digit(&birth));
    let expiry_cd = format!("{expiry}{}", digit(&expiry));
    match format {
        Format::Td1 => {
            let opt1 = pad(
                "optional data 1",
                &format!("{continuation}{}", d.optional_data_1),
                15,
            )?;
            let opt2 = pad("optional data 2", &d.optional_data_2, 11)?;
            let l1 = format!("{code}{state}{number}{opt1}");
            let mut l2 = format!("{birth_cd}{sex}{expiry_cd}{nationality}{opt2}");
            let composite = format!("{}{}{}{}", &l1[5..30], &l2[0..7], &l2[8..15], &l2[18..29]);
            l2.push(digit(&composite));
            let l3 = encode_name(&d.primary_identifier, &d.secondary_identifier, 30);
            Ok(vec![l1, l2, l3])
        }
        Format::Td2 | Format::Td3 | Format::MrvA | Format::MrvB => {
            let l1 = format!(
                "{code}{state}{}",
                encode_name(&d.primary_identifier, &d.secondary_identifier, width - 5)
            );
            let head = format!("{number}{nationality}{birth_cd}{sex}{expiry_cd}");
            let l2 = match format {
                Format::Td3 => {
                    let personal = pad("personal number", &d.optional_data_1, 14)?;
                    let pcd = if personal.chars().all(|c| c == '<') {
                        '<'
                    } else {
                        digit(&personal)
                    };
                    let body = format!("{head}{personal}{pcd}");
                    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..43]);
                    format!("{body}{}", digit(&composite))
                }
                Format::Td2 => {
                    let opt = pad(
                        "optional data",
                        &format!("{continuation}{}", d.optional_data_1),
                        7,
                    )?;
                    let body = format!("{head}{opt}");
                    let composite = format!("{}{}{}", &body[0..10], &body[13..20], &body[21..35]);
                    format!("{body}{}", digit(&composite))
                }
                _ => {
                    let opt = pad("optional data", &d.optional_data_1, width - 28)?;
                    format!("{head}{opt}")
                }
            };
            Ok(vec![l1, l2])
        }
    }
}
