//! Reading a zone: tidy the input, find the format, read every field and check every digit.

use crate::date::{birth_year, expiry_year};
use crate::digits::{check_digit, is_mrz_char};
use crate::names::read_name;
use crate::{
    Check, CheckKind, Date, DateField, Fields, Format, Mrz, Options, Problem, Rule, Sex,
    Unrecognised, Warning, WarningKind, codes,
};

/// Read a zone with the default [`Options`] (today from the system clock, no specimens).
pub fn parse(input: &str) -> Result<Mrz, Unrecognised> {
    parse_with(input, &Options::default())
}

/// Read a zone. `Err` only when the input has no MRZ's shape (3 lines of 30, 2 of 36 or 2 of
/// 44); everything else is reported in the [`Mrz`], valid or not.
pub fn parse_with(input: &str, options: &Options) -> Result<Mrz, Unrecognised> {
    let (lines, tidied) = tidy(input);
    let format = shape(&lines)?;
    let mut mrz = read(format, &lines, options);
    if tidied {
        mrz.warnings.insert(
            0,
            Warning {
                kind: WarningKind::Normalised,
                line: None,
                position: None,
                value: String::new(),
                message: "the input was tidied: upper case, spaces and line breaks".into(),
            },
        );
    }
    if !mrz.is_valid() {
        mrz.suggestions = crate::repair::suggest(&mrz, options);
    }
    Ok(mrz)
}

/// The lines without surrounding or inner white space, in upper case, blank lines dropped; a
/// single line of 60, 72 or 88 characters is cut into the lines of its format. Whether
/// anything changed (beyond line ends and surrounding white space).
fn tidy(input: &str) -> (Vec<Vec<char>>, bool) {
    let mut tidied = false;
    let mut lines: Vec<Vec<char>> = Vec::new();
    for raw in input.lines() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let mut line = Vec::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            if c.is_whitespace() {
                tidied = true;
                continue;
            }
            if c.is_ascii_lowercase() {
                tidied = true;
                line.push(c.to_ascii_uppercase());
            } else {
                line.push(c);
            }
        }
        lines.push(line);
    }
    if lines.len() == 1 {
        let width = match lines[0].len() {
            90 => Some(30),
            72 => Some(36),
            88 => Some(44),
            _ => None,
        };
        if let Some(w) = width {
            let one = lines.remove(0);
            lines = one.chunks(w).map(<[char]>::to_vec).collect();
            tidied = true;
        }
    }
    (lines, tidied)
}

/// The format the lines' count and lengths give (the document code then tells TD3 from MRV-A
/// and TD2 from MRV-B).
pub(crate) fn shape(lines: &[Vec<char>]) -> Result<Format, Unrecognised> {
    let widths: Vec<usize> = lines.iter().map(Vec::len).collect();
    let first = |c: char| lines.first().and_then(|l| l.first()) == Some(&c);
    match widths.as_slice() {
        [30, 30, 30] => return Ok(Format::Td1),
        [36, 36] if first('V') => return Ok(Format::MrvB),
        [36, 36] => return Ok(Format::Td2),
        [44, 44] if first('V') => return Ok(Format::MrvA),
        [44, 44] => return Ok(Format::Td3),
        _ => {}
    }
    let expected = match widths.len() {
        3 => Some(30),
        2 => {
            let near = |w: usize| widths.iter().map(|x| x.abs_diff(w)).sum::<usize>();
            Some(if near(36) <= near(44) { 36 } else { 44 })
        }
        _ => None,
    };
    let problems = match expected {
        None => vec![Problem {
            line: widths.len().max(1),
            position: 1,
            rule: Rule::Shape,
            detail: "shape-lines",
            found: widths.len().to_string(),
            expected: None,
            message: format!(
                "{} line(s); an MRZ has 3 lines of 30 (TD1), 2 of 36 (TD2, MRV-B) or 2 of 44 \
                 (TD3, MRV-A)",
                widths.len()
            ),
        }],
        Some(w) => widths
            .iter()
            .enumerate()
            .filter(|(_, n)| **n != w)
            .map(|(i, n)| Problem {
                line: i + 1,
                position: (*n).min(w) + 1,
                rule: Rule::Shape,
                detail: "shape",
                found: n.to_string(),
                expected: None,
                message: format!(
                    "{n} characters where {w} are expected (an MRZ has 3 lines of 30, 2 of 36 \
                     or 2 of 44)"
                ),
            })
            .collect(),
    };
    Err(Unrecognised { problems })
}

/// A reader of one zone: the lines, and what it has found.
struct Reader<'a> {
    /// The lines, characters outside the MRZ set replaced by `?` (each reported).
    lines: Vec<Vec<char>>,
    options: &'a Options,
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
    checks: Vec<Check>,
}

impl Reader<'_> {
    /// Characters `from..=to` (1-based) of `line` (1-based).
    fn span(&self, line: usize, from: usize, to: usize) -> &[char] {
        &self.lines[line - 1][from - 1..to]
    }

    fn text(&self, line: usize, from: usize, to: usize) -> String {
        self.span(line, from, to).iter().collect()
    }

    fn at(&self, line: usize, pos: usize) -> char {
        self.lines[line - 1][pos - 1]
    }

    #[allow(clippy::too_many_arguments)]
    fn problem(
        &mut self,
        line: usize,
        position: usize,
        rule: Rule,
        detail: &'static str,
        found: impl Into<String>,
        expected: Option<char>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            line,
            position,
            rule,
            detail,
            found: found.into(),
            expected,
            message: message.into(),
        });
    }

    fn warn(
        &mut self,
        kind: WarningKind,
        place: Option<(usize, usize)>,
        value: impl Into<String>,
        message: String,
    ) {
        self.warnings.push(Warning {
            kind,
            line: place.map(|p| p.0),
            position: place.map(|p| p.1),
            value: value.into(),
            message,
        });
    }

    /// The check digit at (`line`, `pos`) over `data`; `filler_ok` when a filler may stand
    /// for an empty field's digit.
    fn check(&mut self, kind: CheckKind, line: usize, pos: usize, data: &str, filler_ok: bool) {
        let found = self.at(line, pos);
        let expected = check_digit(data).and_then(|d| char::from_digit(d, 10));
        let ok = match expected {
            Some(e) => found == e || (filler_ok && found == '<' && e == '0'),
            None => false,
        };
        self.checks.push(Check {
            kind,
            line,
            position: pos,
            expected,
            found,
            ok,
        });
        if !ok {
            let message = match expected {
                Some(e) => format!("expected {e}, found {found}"),
                None => "its data has characters outside the MRZ set".to_string(),
            };
            self.problem(
                line,
                pos,
                Rule::CheckDigit(kind),
                "check-digit",
                found,
                expected,
                message,
            );
        }
    }

    /// The document code at line 1, positions 1–2, for `format`.
    fn document_code(&mut self, format: Format) -> String {
        let code = self.text(1, 1, 2);
        let first = self.at(1, 1);
        let second = self.at(1, 2);
        let allowed: &[char] = match format {
            Format::Td3 => &['P'],
            Format::MrvA | Format::MrvB => &['V'],
            Format::Td1 | Format::Td2 => &['I', 'A', 'C'],
        };
        if !allowed.contains(&first) {
            let wanted = match format {
                Format::Td3 => "P (a 2 × 44 zone is a passport, P, or a visa, V)",
                Format::MrvA | Format::MrvB => "V",
                Format::Td1 => "I, A or C (a 3 × 30 zone is an identity or travel document)",
                Format::Td2 => "I, A or C (a 2 × 36 zone is a travel document, or a visa, V)",
            };
            self.problem(
                1,
                1,
                Rule::DocumentCode,
                "code-for-format",
                first,
                None,
                format!("document code {first} where the {format} format wants {wanted}"),
            );
        }
        // Doc 9303 Parts 5 and 6: the second letter is the issuer's, except V (a visa's).
        let td = matches!(format, Format::Td1 | Format::Td2);
        if !(second.is_ascii_uppercase() || second == '<') || (td && second == 'V') {
            self.problem(
                1,
                2,
                Rule::DocumentCode,
                "code-second-letter",
                second,
                None,
                format!("{second} after the document code: a letter or a filler"),
            );
        }
        code.trim_end_matches('<').to_string()
    }

    /// A three-character state code at (`line`, `pos`).
    fn state(&mut self, line: usize, pos: usize, rule: Rule) -> String {
        let raw = self.text(line, pos, pos + 2);
        let code = raw.trim_end_matches('<').to_string();
        let what = if rule == Rule::Nationality {
            "nationality"
        } else {
            "issuing state"
        };
        if code == codes::SPECIMEN {
            if self.options.allow_specimen {
                self.warn(
                    WarningKind::Specimen,
                    Some((line, pos)),
                    code.clone(),
                    format!("{what} UTO: ICAO's specimen state"),
                );
            } else {
                self.problem(
                    line,
                    pos,
                    rule,
                    "specimen",
                    code.clone(),
                    None,
                    format!("{what} UTO is ICAO's specimen state, accepted in training only"),
                );
            }
        } else if !codes::is_known_code(&code) {
            self.problem(
                line,
                pos,
                rule,
                "unknown-code",
                raw.clone(),
                None,
                format!("{what} {raw} is not an ICAO code of a state or organisation"),
            );
        }
        code
    }

    /// A date at (`line`, `pos`), birth or expiry.
    fn date(&mut self, line: usize, pos: usize, birth: bool) -> DateField {
        let raw = self.text(line, pos, pos + 5);
        let what = if birth {
            "date of birth"
        } else {
            "date of expiry"
        };
        let chars: Vec<char> = raw.chars().collect();
        let pair = |i: usize| -> Option<Option<u16>> {
            let (a, b) = (chars[i], chars[i + 1]);
            match (a.to_digit(10), b.to_digit(10)) {
                (Some(x), Some(y)) => Some(Some((x * 10 + y) as u16)),
                _ if a == '<' && b == '<' => Some(None),
                _ => None,
            }
        };
        let parts = [pair(0), pair(2), pair(4)];
        for (i, part) in parts.iter().enumerate() {
            let bad = match part {
                None => true,
                Some(None) => !birth,
                Some(Some(_)) => false,
            };
            if bad {
                let which = ["year", "month", "day"][i];
                let off = (0..2)
                    .find(|k| !chars[2 * i + k].is_ascii_digit())
                    .unwrap_or(0);
                self.problem(
                    line,
                    pos + 2 * i + off,
                    Rule::Date,
                    "date-not-digits",
                    raw.clone(),
                    None,
                    format!(
                        "{what}: the {which} {} is not two digits",
                        &raw[2 * i..2 * i + 2]
                    ),
                );
            }
        }
        let [Some(Some(yy)), Some(Some(mm)), Some(Some(dd))] = parts else {
            if birth && parts.iter().all(Option::is_some) {
                self.warn(
                    WarningKind::PartlyUnknownBirthDate,
                    Some((line, pos)),
                    raw.clone(),
                    format!("date of birth {raw}: partly unknown"),
                );
            }
            return DateField { raw, date: None };
        };
        let (month, day) = (mm as u8, dd as u8);
        let today = self.options.today;
        let year = if birth {
            birth_year(yy, month, day, today)
        } else {
            expiry_year(yy, today, self.options.expiry_window_years)
        };
        let date = Date::new(year, month, day);
        if date.is_none() {
            let (off, detail, message) = if !(1..=12).contains(&month) {
                (2, "no-month", format!("{what}: there is no month {mm:02}"))
            } else {
                (
                    4,
                    "no-day",
                    format!("{what}: {year:04}-{mm:02} has no day {dd:02}"),
                )
            };
            self.problem(
                line,
                pos + off,
                Rule::Date,
                detail,
                raw.clone(),
                None,
                message,
            );
        }
        DateField { raw, date }
    }

    /// The sex at (`line`, `pos`).
    fn sex(&mut self, line: usize, pos: usize) -> Sex {
        match self.at(line, pos) {
            'M' => Sex::Male,
            'F' => Sex::Female,
            '<' => Sex::Unspecified,
            'X' => {
                self.warn(
                    WarningKind::SexX,
                    Some((line, pos)),
                    "X",
                    "sex printed X, read as unspecified (Doc 9303 wants <)".into(),
                );
                Sex::Unspecified
            }
            c => {
                self.problem(
                    line,
                    pos,
                    Rule::Sex,
                    "sex",
                    c,
                    None,
                    format!("sex {c}: M, F or < (unspecified)"),
                );
                Sex::Unspecified
            }
        }
    }

    /// The 9 characters of a document number at (`line`, `pos`): fillers only at its end.
    fn number_field(&mut self, line: usize, pos: usize) -> String {
        let raw = self.text(line, pos, pos + 8);
        let trimmed = raw.trim_end_matches('<');
        if trimmed.is_empty() {
            self.problem(
                line,
                pos,
                Rule::DocumentNumber,
                "no-number",
                raw.clone(),
                None,
                "no document number",
            );
        } else if let Some(i) = trimmed.find('<') {
            self.problem(
                line,
                pos + i,
                Rule::DocumentNumber,
                "filler-in-number",
                raw.clone(),
                None,
                "a filler inside the document number (fillers only follow it)",
            );
        }
        raw
    }

    /// A TD1 or TD2 document number: 9 characters at (`line`, `pos`), its check digit after
    /// them, or, when that holds a filler, the number's continuation and its digit at the start
    /// of the optional data at (`opt_line`, `opt_from..=opt_to`). The number and the optional
    /// data that remains.
    fn long_capable_number(
        &mut self,
        line: usize,
        pos: usize,
        opt_line: usize,
        opt_from: usize,
        opt_to: usize,
    ) -> (String, String) {
        let first = self.number_field(line, pos);
        let cd = pos + 9;
        let optional = self.text(opt_line, opt_from, opt_to);
        let full_nine = !first.contains('<');
        if !(full_nine && self.at(line, cd) == '<') {
            self.check(CheckKind::DocumentNumber, line, cd, &first, false);
            return (first.trim_end_matches('<').to_string(), optional);
        }
        // A long number: the continuation runs to the first filler of the optional data, its
        // last character being the check digit.
        let run = optional.find('<').unwrap_or(optional.len());
        if run < 2 {
            self.problem(
                line,
                cd,
                Rule::DocumentNumber,
                "no-continuation",
                first.clone(),
                None,
                "a filler in place of the check digit, but the optional data does not continue \
                 the number with its check digit",
            );
            self.checks.push(Check {
                kind: CheckKind::DocumentNumber,
                line,
                position: cd,
                expected: check_digit(&first).and_then(|d| char::from_digit(d, 10)),
                found: '<',
                ok: false,
            });
            return (first, optional);
        }
        let rest = &optional[..run - 1];
        let number = format!("{first}{rest}");
        let digit_at = opt_from + run - 1;
        self.check(
            CheckKind::DocumentNumber,
            opt_line,
            digit_at,
            &number,
            false,
        );
        let last = self.checks.last().expect("just checked");
        if !last.ok {
            let other =
                check_digit(&format!("{first}<{rest}")).and_then(|d| char::from_digit(d, 10));
            if other == Some(last.found) {
                self.warn(
                    WarningKind::FillerIncludedCheckDigit,
                    Some((opt_line, digit_at)),
                    number.clone(),
                    "the check digit agrees only when the filler is counted in the number, as \
                     some software computes it; Doc 9303 computes it over the number alone"
                        .into(),
                );
            }
        }
        let remaining = optional.get(run + 1..).unwrap_or("").to_string();
        (number, remaining)
    }

    /// Whether the zone has characters outside the MRZ set (each reported, then read as `?`).
    fn charset(&mut self) {
        for l in 0..self.lines.len() {
            for p in 0..self.lines[l].len() {
                let c = self.lines[l][p];
                if !is_mrz_char(c) {
                    let shown = if c.is_control() {
                        format!("U+{:04X}", c as u32)
                    } else {
                        c.to_string()
                    };
                    self.problem(
                        l + 1,
                        p + 1,
                        Rule::Characters,
                        "characters",
                        shown.clone(),
                        None,
                        format!("{shown} is not an MRZ character (A–Z, 0–9, <)"),
                    );
                    self.lines[l][p] = '?';
                }
            }
        }
    }

    fn name(&mut self, line: usize, from: usize, to: usize) -> (String, String) {
        let chars = self.span(line, from, to).to_vec();
        let n = read_name(&chars, line, from, &mut self.problems, &mut self.warnings);
        (n.primary, n.secondary)
    }
}

/// Read `lines` as `format`.
pub(crate) fn read(format: Format, lines: &[Vec<char>], options: &Options) -> Mrz {
    let mut r = Reader {
        lines: lines.to_vec(),
        options,
        problems: Vec::new(),
        warnings: Vec::new(),
        checks: Vec::new(),
    };
    r.charset();
    let code = r.document_code(format);
    let issuing = r.state(1, 3, Rule::IssuingState);
    let fields = match format {
        Format::Td1 => {
            let (number, opt1) = r.long_capable_number(1, 6, 1, 16, 30);
            let birth = r.date(2, 1, true);
            r.check(CheckKind::BirthDate, 2, 7, &r.text(2, 1, 6), false);
            let sex = r.sex(2, 8);
            let expiry = r.date(2, 9, false);
            r.check(CheckKind::ExpiryDate, 2, 15, &r.text(2, 9, 14), false);
            let nationality = r.state(2, 16, Rule::Nationality);
            let opt2 = r.text(2, 19, 29);
            let composite = format!(
                "{}{}{}{}",
                r.text(1, 6, 30),
                r.text(2, 1, 7),
                r.text(2, 9, 15),
                r.text(2, 19, 29)
            );
            r.check(CheckKind::Composite, 2, 30, &composite, false);
            let (primary, secondary) = r.name(3, 1, 30);
            Fields {
                document_code: code,
                issuing_state: issuing,
                primary_identifier: primary,
                secondary_identifier: secondary,
                document_number: number,
                nationality,
                birth_date: birth,
                sex,
                expiry_date: expiry,
                optional_data_1: opt1.trim_end_matches('<').to_string(),
                optional_data_2: opt2.trim_end_matches('<').to_string(),
            }
        }
        Format::Td2 | Format::Td3 | Format::MrvA | Format::MrvB => {
            let width = format.width();
            let (primary, secondary) = r.name(1, 6, width);
            let (number, optional) = match format {
                Format::Td2 => r.long_capable_number(2, 1, 2, 29, 35),
                _ => {
                    let n = r.number_field(2, 1);
                    r.check(CheckKind::DocumentNumber, 2, 10, &n, false);
                    let end = match format {
                        Format::Td3 => 42,
                        _ => width,
                    };
                    (n.trim_end_matches('<').to_string(), r.text(2, 29, end))
                }
            };
            let nationality = r.state(2, 11, Rule::Nationality);
            let birth = r.date(2, 14, true);
            r.check(CheckKind::BirthDate, 2, 20, &r.text(2, 14, 19), false);
            let sex = r.sex(2, 21);
            let expiry = r.date(2, 22, false);
            r.check(CheckKind::ExpiryDate, 2, 28, &r.text(2, 22, 27), false);
            if format == Format::Td3 {
                let personal = r.text(2, 29, 42);
                let empty = personal.chars().all(|c| c == '<');
                r.check(CheckKind::PersonalNumber, 2, 43, &personal, empty);
            }
            let last = match format {
                Format::Td3 => Some(43),
                Format::Td2 => Some(35),
                _ => None,
            };
            if let Some(last) = last {
                let composite = format!(
                    "{}{}{}",
                    r.text(2, 1, 10),
                    r.text(2, 14, 20),
                    r.text(2, 22, last)
                );
                r.check(CheckKind::Composite, 2, last + 1, &composite, false);
            }
            Fields {
                document_code: code,
                issuing_state: issuing,
                primary_identifier: primary,
                secondary_identifier: secondary,
                document_number: number,
                nationality,
                birth_date: birth,
                sex,
                expiry_date: expiry,
                optional_data_1: optional.trim_end_matches('<').to_string(),
                optional_data_2: String::new(),
            }
        }
    };
    date_warnings(&mut r, &fields);
    Mrz {
        format,
        lines: lines.iter().map(|l| l.iter().collect()).collect(),
        fields,
        checks: r.checks,
        problems: r.problems,
        warnings: r.warnings,
        suggestions: Vec::new(),
    }
}

/// Expired, expiring before birth, valid for more than 10 years from today.
fn date_warnings(r: &mut Reader<'_>, fields: &Fields) {
    let today = r.options.today;
    let Some(expiry) = fields.expiry_date.date else {
        return;
    };
    if expiry < today {
        r.warn(
            WarningKind::Expired,
            None,
            expiry.to_string(),
            format!("expired on {expiry}"),
        );
    }
    if let Some(birth) = fields.birth_date.date
        && expiry < birth
    {
        r.warn(
            WarningKind::ExpiryBeforeBirth,
            None,
            expiry.to_string(),
            format!("expires ({expiry}) before the holder's birth ({birth})"),
        );
    }
    if expiry > today.plus_years(10) {
        r.warn(
            WarningKind::LongValidity,
            None,
            expiry.to_string(),
            format!("expires on {expiry}, more than 10 years from today"),
        );
    }
}
