//! Fictional names and texts. Kirundi given names and surnames as they are commonly written,
//! French given names as used in Burundi, and the spelling drift that appears when the same
//! person is registered at a border post, by the police and by a partner.

use rand::Rng;

const KIRUNDI_FEMALE: &[&str] = &[
    "Irakoze",
    "Ineza",
    "Keza",
    "Akimana",
    "Iradukunda",
    "Kwizera",
    "Ndayizeye",
    "Uwimana",
    "Ishimwe",
    "Gakima",
    "Nshimirimana",
    "Munezero",
    "Inamahoro",
    "Mugisha",
    "Nkeshimana",
    "Bukuru",
    "Niyonkuru",
    "Ndikumana",
    "Nduwimana",
    "Cishahayo",
    "Kaneza",
    "Iteka",
    "Amahoro",
];
const KIRUNDI_MALE: &[&str] = &[
    "Niyonzima",
    "Hakizimana",
    "Ndayishimiye",
    "Nkurunziza",
    "Bizimana",
    "Habonimana",
    "Niyongabo",
    "Iradukunda",
    "Kwizera",
    "Manirakiza",
    "Ntakarutimana",
    "Havyarimana",
    "Ndikumana",
    "Nsengiyumva",
    "Irambona",
    "Nshimirimana",
    "Bigirimana",
    "Nzeyimana",
    "Minani",
    "Ciza",
    "Kubwimana",
    "Hatungimana",
    "Sindayigaya",
];
const FRENCH_FEMALE: &[&str] = &[
    "Marie",
    "Claudine",
    "Josiane",
    "Aline",
    "Béatrice",
    "Gloriose",
    "Espérance",
    "Odette",
    "Francine",
    "Nadège",
    "Diane",
    "Jeanine",
    "Chantal",
    "Sandrine",
    "Bénigne",
    "Annonciata",
    "Immaculée",
    "Clarisse",
    "Pélagie",
    "Évelyne",
];
const FRENCH_MALE: &[&str] = &[
    "Jean",
    "Jean-Claude",
    "Jean-Bosco",
    "Pierre",
    "Emmanuel",
    "Évariste",
    "Déo",
    "Pascal",
    "Didace",
    "Gérard",
    "Fabrice",
    "Léonce",
    "Aimé",
    "Prosper",
    "Térence",
    "Onésime",
    "Célestin",
    "Joseph",
    "Innocent",
    "Aloys",
];
const SURNAMES: &[&str] = &[
    "Ndayishimiye",
    "Niyonzima",
    "Hakizimana",
    "Nkurunziza",
    "Bizimana",
    "Habonimana",
    "Nshimirimana",
    "Ndikumana",
    "Niyongabo",
    "Manirakiza",
    "Ntakarutimana",
    "Havyarimana",
    "Nsengiyumva",
    "Irambona",
    "Bigirimana",
    "Nzeyimana",
    "Minani",
    "Ciza",
    "Kubwimana",
    "Hatungimana",
    "Sindayigaya",
    "Nduwimana",
    "Niyonkuru",
    "Ndayizeye",
    "Uwimana",
    "Ntahomvukiye",
    "Barutwanayo",
    "Nimbona",
    "Nahimana",
    "Gahungu",
    "Kabura",
    "Nizigiyimana",
    "Ndabarushimana",
    "Nibigira",
    "Butoyi",
    "Ntirampeba",
    "Kaze",
    "Rurema",
    "Ndizeye",
    "Ntiranyibagira",
    "Harerimana",
    "Nyandwi",
    "Bukeyeneza",
    "Ngendakumana",
    "Sinzinkayo",
];

/// Pick one item.
pub fn pick<'a, R: Rng>(rng: &mut R, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// A given name, sometimes a French first name with a Kirundi second given name.
pub fn given_name<R: Rng>(rng: &mut R, female: bool) -> (String, Option<String>) {
    let (kirundi, french) = if female {
        (KIRUNDI_FEMALE, FRENCH_FEMALE)
    } else {
        (KIRUNDI_MALE, FRENCH_MALE)
    };
    match rng.random_range(0..10) {
        0..=3 => (pick(rng, french).to_string(), None),
        4..=6 => (pick(rng, kirundi).to_string(), None),
        _ => (
            pick(rng, french).to_string(),
            Some(pick(rng, kirundi).to_string()),
        ),
    }
}

/// A surname.
pub fn surname<R: Rng>(rng: &mut R) -> String {
    pick(rng, SURNAMES).to_string()
}

/// The same name as another clerk might write it: accents dropped, `y`/`i`, `r`/`l`, `ny`/`n`,
/// `sh`/`s`, `c`/`k`, a dropped `h`, a doubled or dropped letter, a hyphen for a space.
pub fn spelling_variant<R: Rng>(rng: &mut R, name: &str) -> String {
    let rules: [fn(&str) -> Option<String>; 10] = [
        |s| {
            let folded: String = s
                .chars()
                .map(|c| match c {
                    'é' | 'è' | 'ê' => 'e',
                    'É' => 'E',
                    'ô' => 'o',
                    'ï' => 'i',
                    other => other,
                })
                .collect();
            (folded != s).then_some(folded)
        },
        |s| s.contains("iye").then(|| s.replacen("iye", "ie", 1)),
        |s| s.contains("yi").then(|| s.replacen("yi", "i", 1)),
        |s| s.contains('r').then(|| s.replacen('r', "l", 1)),
        |s| s.contains("ny").then(|| s.replacen("ny", "n", 1)),
        |s| s.contains("sh").then(|| s.replacen("sh", "s", 1)),
        |s| s.starts_with('C').then(|| s.replacen('C', "K", 1)),
        |s| s.starts_with('H').then(|| s[1..].to_string()),
        |s| s.contains('-').then(|| s.replace('-', " ")),
        |s| {
            let chars: Vec<char> = s.chars().collect();
            (chars.len() > 4).then(|| {
                let i = chars.len() / 2;
                let mut out: String = chars[..i].iter().collect();
                out.push(chars[i]);
                out.extend(&chars[i..]);
                out
            })
        },
    ];
    let start = rng.random_range(0..rules.len());
    for k in 0..rules.len() {
        if let Some(v) = rules[(start + k) % rules.len()](name) {
            return v;
        }
    }
    name.to_string()
}

/// Case comments (fictional).
pub const COMMENTS: &[&str] = &[
    "Entretien initial réalisé au poste frontalier en présence d'un interprète.",
    "Initial interview held at the border post; the person was tired and frightened.",
    "La personne a été orientée vers l'OIM pour un hébergement temporaire.",
    "Referred to the shelter; medical check planned for tomorrow.",
    "Documents de voyage retenus par le recruteur selon la victime.",
    "The family was contacted with the person's agreement.",
    "Audition complémentaire prévue avec l'OPJ chargé du dossier.",
    "Suspect's phone number matches another file; investigator informed.",
];

/// Reasons for closing a case (fictional).
pub const CLOSURE_REASONS: &[&str] = &[
    "Réintégration familiale réussie, suivi terminé.",
    "Case transferred to the prosecutor; assistance completed.",
    "La personne a refusé l'assistance après information complète.",
    "Returned to her family in Ngozi with a reintegration package.",
];

/// Perpetrator role details (fictional).
pub const ROLE_DETAILS: &[&str] = &[
    "Recruteur opérant depuis un salon de coiffure, promettait un emploi de domestique à l'étranger.",
    "Drove the group to the border at night and collected fees.",
    "Agence de voyage non enregistrée qui organisait les visas.",
    "Employer at destination who kept the passports.",
];

/// Notes about a person (fictional).
pub const NOTES: &[&str] = &[
    "Parle kirundi et un peu de swahili.",
    "Has a sister in Bujumbura who can be contacted.",
    "Craint des représailles de la part du recruteur.",
    "Needs follow-up for an injury to the left hand.",
];

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn variants_differ_but_stay_close() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for name in [
            "Ndayishimiye",
            "Évariste",
            "Jean-Bosco",
            "Hakizimana",
            "Cishahayo",
        ] {
            let v = spelling_variant(&mut rng, name);
            assert_ne!(v, name);
            assert!(v.len().abs_diff(name.len()) <= 2, "{name} -> {v}");
        }
    }
}
