//! A deterministic corpus of zones for comparing this crate with an independent
//! implementation (`compare/compare.py`): the golden vectors, zones composed from generated
//! fields in every format, and each with single characters changed. One JSON object per line:
//! the zone and what this crate reads in it.
//!
//! `cargo run -p tabara-mrz --example corpus -- [ZONES_PER_FORMAT] [MUTATIONS]`

use tabara_mrz::{CheckKind, Date, Document, Format, Mrz, Options, Sex, compose, parse_with};

/// xorshift64*: enough to spread generated fields, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
    fn chars(&mut self, set: &[u8], n: usize) -> String {
        (0..n).map(|_| set[self.below(set.len())] as char).collect()
    }
}

const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const MRZ: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
const STATES: &[&str] = &[
    "BDI", "RWA", "TZA", "COD", "UGA", "KEN", "SAU", "OMN", "FRA", "BEL",
];

fn document(r: &mut Rng, format: Format) -> Document {
    let code = match format {
        Format::Td3 => r.pick(&["P", "P", "PP"]),
        Format::MrvA | Format::MrvB => r.pick(&["V", "V", "VB"]),
        Format::Td1 | Format::Td2 => r.pick(&["I", "ID", "AC", "C"]),
    };
    let words = |r: &mut Rng| {
        let n = 1 + r.below(2);
        (0..n)
            .map(|_| {
                let len = 2 + r.below(6);
                r.chars(LETTERS, len)
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let date = |r: &mut Rng, from: u16, span: u16| {
        let d = Date::new(
            from + r.below(span as usize) as u16,
            1 + r.below(12) as u8,
            1 + r.below(28) as u8,
        )
        .unwrap();
        d.to_mrz()
    };
    let (opt_room, opt2_room) = match format {
        Format::Td3 => (14, 0),
        Format::Td1 => (15, 11),
        Format::Td2 => (7, 0),
        Format::MrvA => (16, 0),
        Format::MrvB => (8, 0),
    };
    let number_len = 6 + r.below(4);
    let opt_len = r.below(opt_room.min(10) + 1);
    let opt2_len = if opt2_room > 0 {
        r.below(opt2_room + 1)
    } else {
        0
    };
    Document {
        format,
        document_code: code.into(),
        issuing_state: r.pick(STATES).into(),
        primary_identifier: words(r),
        secondary_identifier: words(r),
        document_number: r.chars(ALNUM, number_len),
        nationality: r.pick(STATES).into(),
        birth_date: date(r, 1950, 60),
        sex: [Sex::Male, Sex::Female, Sex::Unspecified][r.below(3)],
        expiry_date: date(r, 2015, 20),
        optional_data_1: r.chars(ALNUM, opt_len),
        optional_data_2: r.chars(ALNUM, opt2_len),
    }
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn kind(k: CheckKind) -> &'static str {
    match k {
        CheckKind::DocumentNumber => "document_number",
        CheckKind::BirthDate => "birth_date",
        CheckKind::ExpiryDate => "expiry_date",
        CheckKind::PersonalNumber => "optional_data",
        CheckKind::Composite => "final",
    }
}

fn line(origin: &str, zone: &str, m: &Mrz) -> String {
    let f = &m.fields;
    let checks: Vec<String> = m
        .checks
        .iter()
        .map(|c| format!("\"{}\":{}", kind(c.kind), c.ok))
        .collect();
    let rules: Vec<String> = m
        .problems
        .iter()
        .map(|p| format!("\"{}\"", p.detail))
        .collect();
    format!(
        "{{\"origin\":\"{origin}\",\"format\":\"{}\",\"zone\":\"{}\",\"valid\":{},\"checks\":{{{}}},\"details\":[{}],\"fields\":{{\"document_type\":\"{}\",\"country\":\"{}\",\"surname\":\"{}\",\"name\":\"{}\",\"document_number\":\"{}\",\"nationality\":\"{}\",\"birth_date\":\"{}\",\"sex\":\"{}\",\"expiry_date\":\"{}\",\"optional_data\":\"{}\",\"optional_data_2\":\"{}\"}}}}",
        m.format.name(),
        esc(zone),
        m.is_valid(),
        checks.join(","),
        rules.join(","),
        esc(&f.document_code),
        esc(&f.issuing_state),
        esc(&f.primary_identifier),
        esc(&f.secondary_identifier),
        esc(&f.document_number),
        esc(&f.nationality),
        esc(&f.birth_date.raw),
        f.sex.as_char(),
        esc(&f.expiry_date.raw),
        esc(&f.optional_data_1),
        esc(&f.optional_data_2),
    )
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let per_format = args.first().copied().unwrap_or(300);
    let mutations = args.get(1).copied().unwrap_or(2);
    let options = Options {
        today: Date::new(2026, 12, 1).unwrap(),
        allow_specimen: true,
        ..Options::default()
    };
    let emit = |origin: &str, zone: &str| {
        if let Ok(m) = parse_with(zone, &options) {
            println!("{}", line(origin, zone, &m));
        }
    };
    let vectors = include_str!("../tests/data/vectors.tsv");
    for row in vectors
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let zone = row.rsplit('\t').next().unwrap().replace(" / ", "\n");
        emit("golden", &zone);
    }
    let mut r = Rng(0x7A8A_2A15_D0C5_1E55);
    for format in Format::ALL {
        for _ in 0..per_format {
            let lines = compose(&document(&mut r, format)).expect("generated fields fit");
            emit("composed", &lines.join("\n"));
            for _ in 0..mutations {
                let mut chars: Vec<Vec<u8>> = lines.iter().map(|l| l.as_bytes().to_vec()).collect();
                let l = r.below(chars.len());
                let p = r.below(chars[l].len());
                let to = MRZ[r.below(MRZ.len())];
                if chars[l][p] == to {
                    continue;
                }
                chars[l][p] = to;
                let zone: Vec<String> = chars
                    .into_iter()
                    .map(|c| String::from_utf8(c).unwrap())
                    .collect();
                emit("mutated", &zone.join("\n"));
            }
        }
    }
}
