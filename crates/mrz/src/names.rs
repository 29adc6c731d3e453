//! Names in the MRZ: reading the name field, and writing a name as an issuer would.

use crate::{Problem, Rule, Warning, WarningKind};

/// A letter with its transliteration for the MRZ (Doc 9303 Part 3 §6, the recommended
/// transliterations of Latin letters with diacritics).
fn transliterate_char(c: char, out: &mut String) {
    let s = match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Ä' => "AE",
        'Å' => "AA",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ð' | 'Ď' | 'Đ' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĳ' => "IJ",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Ö' | 'Ø' => "OE",
        'Œ' => "OE",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' | 'Ș' => "S",
        'ß' => "SS",
        'Ţ' | 'Ť' | 'Ŧ' | 'Ț' => "T",
        'Þ' => "TH",
        'Ù' | 'Ú' | 'Û' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ü' => "UE",
        'Ŵ' => "W",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

/// A name in upper case with its diacritics transliterated as Doc 9303 recommends
/// (`Ñ` → `N`, `Ü` → `UE`, `ß` → `SS`); other characters are kept.
///
/// ```
/// assert_eq!(tabara_mrz::transliterate("Española Müller"), "ESPANOLA MUELLER");
/// ```
pub fn transliterate(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_uppercase) {
        transliterate_char(c, &mut out);
    }
    out
}

/// Words of a name in MRZ form: transliterated, apostrophes removed, every other character
/// that is not a letter a separator; words joined by `<`.
fn words(name: &str) -> String {
    let t = transliterate(name);
    let mut out = String::new();
    let mut gap = false;
    for c in t.chars() {
        if c.is_ascii_uppercase() {
            if gap && !out.is_empty() {
                out.push('<');
            }
            gap = false;
            out.push(c);
        } else if c == '\'' || c == '’' {
            // O'CONNOR is OCONNOR.
        } else {
            gap = true;
        }
    }
    out
}

/// The name field as an issuer writes it: the primary identifier, `<<`, the secondary
/// identifier, fillers up to `width` (cut at `width` when longer).
///
/// ```
/// assert_eq!(tabara_mrz::encode_name("O'Connor", "Enya Siobhan", 25), "OCONNOR<<ENYA<SIOBHAN<<<<");
/// assert_eq!(tabara_mrz::encode_name("Van der Müllen", "Martin", 25), "VAN<DER<MUELLEN<<MARTIN<<");
/// assert_eq!(tabara_mrz::encode_name("Arkfreith", "", 12), "ARKFREITH<<<");
/// ```
pub fn encode_name(primary: &str, secondary: &str, width: usize) -> String {
    let mut s = words(primary);
    s.push_str("<<");
    s.push_str(&words(secondary));
    let mut s: String = s.chars().take(width).collect();
    while s.chars().count() < width {
        s.push('<');
    }
    s
}

/// What the name field says: the two identifiers (fillers as spaces).
pub(crate) struct Name {
    pub primary: String,
    pub secondary: String,
}

/// Read the name field `chars`, which starts at `start` (1-based) on `line`.
pub(crate) fn read_name(
    chars: &[char],
    line: usize,
    start: usize,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Warning>,
) -> Name {
    let text: String = chars.iter().collect();
    let at = |i: usize| start + i;
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_digit() {
            problems.push(Problem {
                line,
                position: at(i),
                rule: Rule::Name,
                detail: "digit-in-name",
                found: c.to_string(),
                expected: None,
                message: format!("a digit ({c}) in the name"),
            });
        }
    }
    if chars.first() == Some(&'<') {
        problems.push(Problem {
            line,
            position: start,
            rule: Rule::Name,
            detail: "no-primary-identifier",
            found: "<".into(),
            expected: None,
            message: "the name starts with a filler: no primary identifier".into(),
        });
    }
    let spaced = |s: &str| {
        s.trim_end_matches('<')
            .split('<')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (primary, secondary) = match text.find("<<") {
        None => (spaced(&text), String::new()),
        Some(split) => {
            let rest = &text[split + 2..];
            // `<<<` ends the name: a secondary identifier never starts with a filler.
            let (second, tail_at) = match rest.find("<<") {
                _ if rest.starts_with('<') => ("", split + 2),
                Some(end) => (&rest[..end], split + 2 + end),
                None => (rest, text.len()),
            };
            if let Some(off) = text[tail_at..].find(|c: char| c != '<') {
                problems.push(Problem {
                    line,
                    position: at(tail_at + off),
                    rule: Rule::Filler,
                    detail: "after-name",
                    found: text[tail_at + off..].trim_end_matches('<').to_string(),
                    expected: None,
                    message: "characters after the end of the name, where only fillers belong"
                        .into(),
                });
            }
            (spaced(&text[..split]), spaced(second))
        }
    };
    if secondary.is_empty() && !primary.is_empty() {
        warnings.push(Warning {
            kind: WarningKind::SingleIdentifier,
            line: Some(line),
            position: None,
            value: primary.clone(),
            message: "only a primary identifier (no given names)".into(),
        });
    }
    if chars.last().is_some_and(|c| c.is_ascii_alphabetic()) {
        warnings.push(Warning {
            kind: WarningKind::PossiblyTruncatedName,
            line: Some(line),
            position: Some(at(chars.len() - 1)),
            value: text.clone(),
            message: "the name fills its field: it may have been cut".into(),
        });
    }
    Name { primary, secondary }
}
