//! Names and dates as officers in Burundi and its neighbours write them.
//!
//! A name is folded to lower-case ASCII letters (accents dropped: `Ndayishimiyé` is
//! `ndayishimiye`), its words split on anything that is not a letter, and each word written
//! in one spelling of its sounds: French spelling of Bantu names writes `ou` for `u`
//! (`Ndikoumana`), `ch` for `sh` (`Chabani`), `dj` for `j`, `gu` and `qu` before a vowel for `g`
//! and `k`, and doubles letters a clerk may or may not double (`Hakizimanna`); all of these are
//! written the one way. Word order is kept in [`Name::words`] and also given sorted, since a
//! family name may come first or last.

use unicode_normalization::UnicodeNormalization;

/// A name, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name {
    /// Its words, folded and respelt, in the order written.
    pub words: Vec<String>,
}

impl Name {
    /// Normalise a name as written.
    pub fn parse(text: &str) -> Name {
        let folded = fold(text);
        let words = folded
            .split(|c: char| !c.is_ascii_lowercase())
            .filter(|w| !w.is_empty())
            .map(respell)
            .collect();
        Name { words }
    }

    /// The words joined by one space, in the order written.
    pub fn joined(&self) -> String {
        self.words.join(" ")
    }

    /// The words sorted and joined (the same for `Jean Ndayishimiye` and `NDAYISHIMIYE Jean`).
    pub fn sorted(&self) -> String {
        let mut w = self.words.clone();
        w.sort();
        w.join(" ")
    }

    /// The words of one letter (initials).
    pub fn initials(&self) -> impl Iterator<Item = char> + '_ {
        self.words
            .iter()
            .filter(|w| w.len() == 1)
            .filter_map(|w| w.chars().next())
    }

    /// Whether nothing is left of the name.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Lower-case ASCII letters and separators: accents dropped (NFD, combining marks removed),
/// ligatures opened, anything else kept as a separator.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            'a'..='z' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            // Apostrophes inside a name join its parts (`N'Dayizeye` is `ndayizeye`).
            '\'' | '’' | '`' => {}
            c if unicode_normalization::char::is_combining_mark(c) => {}
            _ => out.push(' '),
        }
    }
    out
}

/// One spelling of a word's sounds (see the module documentation).
pub fn respell(word: &str) -> String {
    let b = word.as_bytes();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    let vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let after = b.get(i + 2).copied();
        let (sound, used): (&str, usize) = match (c, next) {
            (b'o', Some(b'u')) => ("u", 2),
            (b'c', Some(b'h')) => ("sh", 2),
            (b'd', Some(b'j')) => ("j", 2),
            (b'g', Some(b'u')) if after.is_some_and(vowel) => ("g", 2),
            (b'q', Some(b'u')) if after.is_some_and(vowel) => ("k", 2),
            (b'q', _) => ("k", 1),
            (b'p', Some(b'h')) => ("f", 2),
            (b'c', Some(b'k')) => ("k", 2),
            _ => {
                let s = &word[i..i + 1];
                (s, 1)
            }
        };
        // A letter written twice is one letter.
        if !(out.ends_with(sound) && sound.len() == 1 && !vowel(sound.as_bytes()[0])) {
            out.push_str(sound);
        }
        i += used;
    }
    out
}

/// A date as written, possibly partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// The year.
    pub year: i32,
    /// The month (1 to 12), when known.
    pub month: Option<u8>,
    /// The day of the month (1 to 31), when known.
    pub day: Option<u8>,
}

/// Why a date is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDate(pub String);

impl std::fmt::Display for BadDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "'{}' is not a date (YYYY-MM-DD, DD/MM/YYYY or a year)",
            self.0
        )
    }
}

impl Day {
    /// Read `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`, `YYYY-MM` or
    /// `YYYY`. A day/month order that cannot be a date the other way is read the way it can
    /// (`13/02/1990` and `02/13/1990` are both 13 February); otherwise day first, as written in
    /// Burundi.
    pub fn parse(text: &str) -> Result<Day, BadDate> {
        let t = text.trim();
        let bad = || BadDate(t.to_string());
        let parts: Vec<&str> = t
            .split(['-', '/', '.', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |s: &str| s.parse::<u32>().map_err(|_| bad());
        let year_ok = |y: u32| (1900..=2100).contains(&y);
        let build = |y: u32, m: Option<u32>, d: Option<u32>| -> Result<Day, BadDate> {
            if !year_ok(y) {
                return Err(bad());
            }
            if let Some(m) = m
                && !(1..=12).contains(&m)
            {
                return Err(bad());
            }
            if let Some(d) = d {
                let max = match m {
                    Some(2) => 29,
                    Some(4 | 6 | 9 | 11) => 30,
                    _ => 31,
                };
                if !(1..=max).contains(&d) {
                    return Err(bad());
                }
            }
            Ok(Day {
                year: y as i32,
                month: m.map(|m| m as u8),
                day: d.map(|d| d as u8),
            })
        };
        match parts.as_slice() {
            [y] if y.len() == 4 => build(num(y)?, None, None),
            [y, m] if y.len() == 4 => build(num(y)?, Some(num(m)?), None),
            [y, m, d] if y.len() == 4 => build(num(y)?, Some(num(m)?), Some(num(d)?)),
            [a, b, y] if y.len() == 4 => {
                let (a, b, y) = (num(a)?, num(b)?, num(y)?);
                if a > 12 || b <= 12 {
                    build(y, Some(b), Some(a))
                } else {
                    build(y, Some(a), Some(b))
                }
            }
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_one_spelling() {
        let same = [
            ("Ndikumana", "NDIKOUMANA"),
            ("Shabani", "Chabani"),
            ("Hakizimana", "Hakizimanna"),
            ("Ndayishimiyé", "ndayishimiye"),
            ("N'Dayizeye", "Ndayizeye"),
            ("Djuma", "Juma"),
            ("Philippe", "Filipe"),
        ];
        for (a, b) in same {
            assert_eq!(Name::parse(a), Name::parse(b), "{a} / {b}");
        }
        assert_ne!(Name::parse("Irakoze"), Name::parse("Iradukunda"));
    }

    #[test]
    fn word_order_and_initials() {
        let a = Name::parse("Jean-Marie NDAYISHIMIYE");
        let b = Name::parse("Ndayishimiye Jean Marie");
        assert_ne!(a.joined(), b.joined());
        assert_eq!(a.sorted(), b.sorted());
        let c = Name::parse("J. M. Ndayishimiye");
        assert_eq!(c.initials().collect::<String>(), "jm");
        assert!(Name::parse(" - ").is_empty());
    }

    #[test]
    fn dates_are_read_as_officers_write_them() {
        let d = |y, m, day| Day {
            year: y,
            month: Some(m),
            day: Some(day),
        };
        assert_eq!(Day::parse("1990-02-13").unwrap(), d(1990, 2, 13));
        assert_eq!(Day::parse("13/02/1990").unwrap(), d(1990, 2, 13));
        assert_eq!(Day::parse("02/13/1990").unwrap(), d(1990, 2, 13));
        assert_eq!(Day::parse("03.04.1990").unwrap(), d(1990, 4, 3));
        assert_eq!(
            Day::parse("1990").unwrap(),
            Day {
                year: 1990,
                month: None,
                day: None
            }
        );
        for bad in ["", "soon", "31/02/1990", "1990-13-01", "12/12/12", "1800"] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
    }
}
