//! A travel or identity document recorded on a person of a case (issue 15): its type, number,
//! issuing state and dates, the zone as typed or read from a photo with its validation, the
//! officer's examination (the security-feature checklist, the outcome) and notes. Checked
//! here; the store seals what identifies the holder (number, zone, notes) under the person's
//! key.

use chrono::NaiveDate;

use crate::mrz::{self, Mrz, Options};
use crate::picklist::{Picklist, picklist};
use crate::validation::ValidationErrors;

picklist! {
    /// What kind of document.
    DocumentType, fields [] {
        Passport = "passport", "Passport", "Passeport";
        IdentityCard = "identity_card", "Identity card", "Carte d'identité";
        Visa = "visa", "Visa", "Visa";
        ResidencePermit = "residence_permit", "Residence permit", "Titre de séjour";
        TravelDocument = "travel_document", "Travel document (laissez-passer, refugee or stateless)", "Titre de voyage (laissez-passer, réfugié ou apatride)";
        Other = "other", "Other document", "Autre document";
    }
}

picklist! {
    /// The security features an officer examines (Doc 9303 and the document-fraud training).
    SecurityFeature, fields [] {
        Printing = "printing", "Printing: background, fine lines, microtext, intaglio", "Impression : fond, traits fins, microtexte, taille-douce";
        PhotoSubstitution = "photo_substitution", "Photo substitution", "Substitution de photo";
        PageSubstitution = "page_substitution", "Page substitution, binding and page numbers", "Substitution de page, reliure et numérotation";
        Erasures = "erasures", "Erasures and altered entries", "Effacements et mentions altérées";
        Laminate = "laminate", "Laminate: bubbles, cuts, lifted edges", "Film de protection : bulles, coupures, bords décollés";
        Ultraviolet = "ultraviolet", "Ultraviolet: dull paper, fibres, inks", "Ultraviolet : papier terne, fibres, encres";
        Perforations = "perforations", "Perforations (laser-perforated number)", "Perforations (numéro perforé au laser)";
        Fonts = "fonts", "Consistency of fonts, zone font and position", "Cohérence des polices, police et place de la zone";
        Holder = "holder", "Holder: face, age, signature, knowledge of own data", "Titulaire : visage, âge, signature, connaissance de ses données";
    }
}

picklist! {
    /// What the officer found of one feature.
    FeatureFinding, fields [] {
        NotChecked = "not_checked", "Not checked", "Non vérifié";
        Passed = "passed", "As expected", "Conforme";
        Failed = "failed", "Suspicious", "Suspect";
    }
}

picklist! {
    /// The officer's conclusion on the document.
    DocumentOutcome, fields [] {
        Genuine = "genuine", "Genuine", "Authentique";
        Suspect = "suspect", "Suspect: referred to a document expert", "Suspect : transmis à un expert en documents";
        Counterfeit = "counterfeit", "Counterfeit (an entire fake)", "Contrefait (entièrement faux)";
        Forged = "forged", "Forged (a genuine document altered)", "Falsifié (document authentique modifié)";
        FraudulentlyObtained = "fraudulently_obtained", "Fraudulently obtained genuine document", "Document authentique obtenu frauduleusement";
    }
}

impl DocumentOutcome {
    /// Whether the document is on the list of suspect documents: any outcome but genuine.
    pub fn is_suspect(self) -> bool {
        self != DocumentOutcome::Genuine
    }
}

/// The longest notes kept.
pub const MAX_NOTES: usize = 4000;

/// The longest zone text kept (three lines of 30 with generous white space).
pub const MAX_ZONE: usize = 400;

/// A document as entered, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DocumentEntry {
    /// Kind of document.
    pub doc_type: DocumentType,
    /// Number as printed, upper case without spaces (`number_key`).
    pub number: String,
    /// Issuing state, an ICAO code (`DEU` for Germany).
    pub issuing_state: String,
    /// Issued on, when known.
    pub issued_on: Option<NaiveDate>,
    /// Expires on, when known.
    pub expires_on: Option<NaiveDate>,
    /// The zone as confirmed by the officer (lines joined by line breaks), if any.
    pub zone: Option<String>,
    /// The officer's checklist: every feature with its finding.
    pub features: Vec<(SecurityFeature, FeatureFinding)>,
    /// The conclusion, once reached.
    pub outcome: Option<DocumentOutcome>,
    /// Notes.
    pub notes: String,
}

/// A document's form as typed (every field text).
#[derive(Debug, Clone, Default)]
pub struct DocumentForm<'a> {
    /// Type value name.
    pub doc_type: &'a str,
    /// Number.
    pub number: &'a str,
    /// Issuing state.
    pub issuing_state: &'a str,
    /// `YYYY-MM-DD` or empty.
    pub issued_on: &'a str,
    /// `YYYY-MM-DD` or empty.
    pub expires_on: &'a str,
    /// The zone, or empty.
    pub zone: &'a str,
    /// Each feature's value name with the finding's value name; a feature not named is not
    /// checked.
    pub features: Vec<(&'a str, &'a str)>,
    /// Outcome value name, or empty.
    pub outcome: &'a str,
    /// Notes.
    pub notes: &'a str,
}

fn date(e: &mut ValidationErrors, field: &'static str, text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            e.push(field, "date", "a date as YYYY-MM-DD");
            None
        }
    }
}

impl DocumentEntry {
    /// Check a form. The zone, when given, must read as a zone of some format (its
    /// validity is recorded, not required: a forged zone is evidence); a number or issuing
    /// state left empty is taken from it. `today` bounds the issue date. Errors name their
    /// field: `doc_Type`, `doc_Number`, `doc_IssuingState`, `doc_IssuedOn`, `doc_ExpiresOn`,
    /// `doc_Zone`, `doc_Feature`, `doc_Outcome`, `doc_Notes`.
    pub fn parse(
        form: &DocumentForm<'_>,
        today: NaiveDate,
    ) -> Result<DocumentEntry, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let doc_type = DocumentType::parse(form.doc_type.trim());
        if doc_type.is_err() {
            e.push("doc_Type", "picklist", "a type of document of the list");
        }
        let zone_text = form.zone.trim();
        let zone = if zone_text.is_empty() {
            None
        } else if zone_text.chars().count() > MAX_ZONE {
            e.push("doc_Zone", "too_long", "at most 400 characters");
            None
        } else {
            match mrz::parse_with(zone_text, &options(today)) {
                Ok(m) => Some(m),
                Err(_) => {
                    e.push(
                        "doc_Zone",
                        "shape",
                        "two lines of 36 or 44 characters or three of 30, or nothing",
                    );
                    None
                }
            }
        };
        let mut number = super::number_key(form.number);
        if number.is_empty()
            && let Some(m) = &zone
        {
            number = super::number_key(&m.fields.document_number);
        }
        if number.is_empty() {
            e.push("doc_Number", "required", "the document number");
        } else if number.chars().count() > super::MAX_NUMBER
            || !number.chars().all(|c| c.is_ascii_alphanumeric())
        {
            e.push(
                "doc_Number",
                "characters",
                "letters A–Z and digits, at most 24",
            );
        }
        let mut state = super::state_key(form.issuing_state);
        if state.is_empty()
            && let Some(m) = &zone
        {
            state = super::state_key(&m.fields.issuing_state);
        }
        if state.is_empty() {
            e.push("doc_IssuingState", "required", "the issuing state");
        } else if !(state == "DEU" || crate::mrz::is_known_code(&state)) {
            e.push(
                "doc_IssuingState",
                "icao_code",
                "an ICAO code of a state or organisation, e.g. BDI, RWA, TZA",
            );
        }
        let issued_on = date(&mut e, "doc_IssuedOn", form.issued_on);
        let mut expires_on = date(&mut e, "doc_ExpiresOn", form.expires_on);
        if expires_on.is_none() && form.expires_on.trim().is_empty() {
            expires_on = zone.as_ref().and_then(|m| zone_date(&m.fields.expiry_date));
        }
        if let Some(i) = issued_on {
            if i > today {
                e.push("doc_IssuedOn", "future", "not after today");
            }
            if let Some(x) = expires_on
                && x < i
            {
                e.push("doc_ExpiresOn", "before_issue", "not before the issue date");
            }
        }
        let mut features = Vec::new();
        for (name, finding) in &form.features {
            match (SecurityFeature::parse(name), FeatureFinding::parse(finding)) {
                (Ok(f), Ok(v)) => {
                    if features.iter().any(|(g, _)| *g == f) {
                        e.push("doc_Feature", "twice", "each feature once");
                    } else {
                        features.push((f, v));
                    }
                }
                _ => e.push(
                    "doc_Feature",
                    "picklist",
                    "a feature and a finding of the list",
                ),
            }
        }
        for f in SecurityFeature::ALL {
            if !features.iter().any(|(g, _)| g == f) {
                features.push((*f, FeatureFinding::NotChecked));
            }
        }
        features.sort();
        let outcome = match form.outcome.trim() {
            "" => None,
            o => match DocumentOutcome::parse(o) {
                Ok(o) => Some(o),
                Err(_) => {
                    e.push("doc_Outcome", "picklist", "an outcome of the list");
                    None
                }
            },
        };
        let notes = form.notes.trim();
        if notes.chars().count() > MAX_NOTES {
            e.push("doc_Notes", "too_long", "at most 4000 characters");
        }
        e.into_result(())?;
        Ok(DocumentEntry {
            doc_type: doc_type.expect("checked"),
            number,
            issuing_state: state,
            issued_on,
            expires_on,
            zone: zone.map(|m| m.text()),
            features,
            outcome,
            notes: notes.to_string(),
        })
    }

    /// The zone read again (with `today`'s rules), if there is one.
    pub fn reading(&self, today: NaiveDate) -> Option<Mrz> {
        self.zone
            .as_deref()
            .and_then(|z| mrz::parse_with(z, &options(today)).ok())
    }

    /// Whether the zone is valid with `today`'s rules (`None`: no zone).
    pub fn zone_valid(&self, today: NaiveDate) -> Option<bool> {
        self.zone
            .as_ref()
            .map(|_| self.reading(today).is_some_and(|m| m.is_valid()))
    }

    /// The features found suspicious.
    pub fn failed_features(&self) -> impl Iterator<Item = SecurityFeature> + '_ {
        self.features
            .iter()
            .filter(|(_, v)| *v == FeatureFinding::Failed)
            .map(|(f, _)| *f)
    }
}

/// The zone options of a day.
pub fn options(today: NaiveDate) -> Options {
    use chrono::Datelike;
    Options {
        today: mrz::Date::new(today.year() as u16, today.month() as u8, today.day() as u8)
            .unwrap_or_else(mrz::Date::today_utc),
        ..Options::default()
    }
}

/// A zone's date as a calendar date.
pub fn zone_date(d: &mrz::DateField) -> Option<NaiveDate> {
    d.date
        .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
}

/// What a printed field says against the zone: a number, state or expiry typed on the form
/// that the zone contradicts is a sign of alteration (a zone is reprinted less easily than
/// the page is altered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// `number`, `issuing_state` or `expiry`.
    pub field: &'static str,
    /// As typed from the page.
    pub printed: String,
    /// As in the zone.
    pub zone: String,
}

/// Where the entry's typed fields and its zone disagree.
pub fn mismatches(entry: &DocumentEntry, m: &Mrz) -> Vec<Mismatch> {
    let mut out = Vec::new();
    let zone_number = super::number_key(&m.fields.document_number);
    if !zone_number.is_empty() && zone_number != entry.number {
        out.push(Mismatch {
            field: "number",
            printed: entry.number.clone(),
            zone: zone_number,
        });
    }
    let zone_state = super::state_key(&m.fields.issuing_state);
    if !zone_state.is_empty() && zone_state != entry.issuing_state {
        out.push(Mismatch {
            field: "issuing_state",
            printed: entry.issuing_state.clone(),
            zone: zone_state,
        });
    }
    if let (Some(x), Some(z)) = (entry.expires_on, zone_date(&m.fields.expiry_date))
        && x != z
    {
        out.push(Mismatch {
            field: "expiry",
            printed: x.to_string(),
            zone: z.to_string(),
        });
    }
    out
}
