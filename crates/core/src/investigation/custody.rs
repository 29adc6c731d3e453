//! A suspect's police custody (garde à vue): its clock, extensions, end, and the rights
//! checklist (Bridges to Justice's module; CPP arts 10, 32, 36, 95–100 as summarised in the
//! domain research §3.3).
//!
//! The clock counts real time from the start: the deadline is the start plus the
//! jurisdiction's limit plus the hours of each extension, all in UTC, so a change of the
//! clocks (daylight saving time where a jurisdiction has it) or of the viewer's time zone
//! moves nothing; times are shown in the jurisdiction's zone (Bujumbura: UTC+2, no daylight
//! saving). **At the deadline itself the custody is overdue**: the limit is the last moment
//! of lawful custody, and holding the suspect at it without a release, a transfer or an
//! extension is the breach the alert is for. An extension needs the prosecutor's authorisation
//! (who and its reference), made before the deadline, and all extensions together stay within
//! the jurisdiction's maximum. A release or a transfer (to someone) stops the clock.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::legal::Jurisdiction;
use crate::picklist::picklist;
use crate::records::MAX_LONG_TEXT;
use crate::validation::{ValidationErrors, check_characters, is_language_code};

use super::evidence::{earliest, moment as at, short as line};

picklist! {
    /// How a custody ended.
    CustodyEnd, fields [] {
        Released = "released", "Released", "Remis en liberté";
        Transferred = "transferred", "Transferred", "Transféré";
    }
}

picklist! {
    /// A right of a suspect in custody, on the checklist.
    Right, fields [] {
        InformedOfRights = "informed_of_rights", "Informed of their rights in a language understood", "Informé de ses droits dans une langue comprise";
        InformedOfCharges = "informed_of_charges", "Informed of the reasons and charges in a language understood", "Informé des motifs et des charges dans une langue comprise";
        LawyerContacted = "lawyer_contacted", "Lawyer contacted", "Avocat contacté";
        Interpreter = "interpreter", "Interpreter", "Interprète";
        FamilyInformed = "family_informed", "Family informed", "Famille informée";
        MedicalCare = "medical_care", "Medical care", "Soins médicaux";
        MinorsApart = "minors_apart", "Minors held apart from adults", "Mineurs séparés des adultes";
        WomenApart = "women_apart", "Women held apart from men", "Femmes séparées des hommes";
    }
}

picklist! {
    /// What was done about a right.
    RightStatus, fields [] {
        Done = "done", "Done", "Fait";
        NotNeeded = "not_needed", "Not needed", "Sans objet";
        Declined = "declined", "Declined by the suspect", "Refusé par le suspect";
    }
}

impl Right {
    /// Whether the right is owed to every suspect, so it cannot be "not needed": being told of
    /// one's rights and of the charges.
    pub fn always_owed(self) -> bool {
        matches!(self, Right::InformedOfRights | Right::InformedOfCharges)
    }

    /// Whether recording it done names the language used.
    pub fn names_language(self) -> bool {
        matches!(
            self,
            Right::InformedOfRights | Right::InformedOfCharges | Right::Interpreter
        )
    }
}

/// A custody as typed at its start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyForm {
    /// When the suspect was placed in custody.
    pub started_at: DateTime<Utc>,
    /// Where they are held.
    pub place: String,
    /// The legal basis (flagrant offence, preliminary inquiry, commission rogatoire…).
    pub legal_basis: String,
}

impl CustodyForm {
    /// Check at `now`: the start not in the future (`cus_StartedAt`/`not_in_future`), a place
    /// (`cus_Place`) and a legal basis (`cus_LegalBasis`) required. Returns it trimmed.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<CustodyForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let place = line(
            &mut e,
            "cus_Place",
            &self.place,
            "say where the suspect is held",
        );
        let legal_basis = line(
            &mut e,
            "cus_LegalBasis",
            &self.legal_basis,
            "give the legal basis",
        );
        at(&mut e, "cus_StartedAt", self.started_at, earliest(), now);
        e.into_result(CustodyForm {
            started_at: self.started_at,
            place,
            legal_basis,
        })
    }
}

/// An extension as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExtensionForm {
    /// Hours added.
    pub hours: u32,
    /// The magistrate of the public prosecutor's office who authorised it.
    pub authorised_by: String,
    /// The reference of the authorisation (its number or file).
    pub reference: String,
    /// When it was authorised.
    pub authorised_at: DateTime<Utc>,
}

/// A custody as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Custody {
    /// Its start.
    pub started_at: DateTime<Utc>,
    /// The limit at its start, in hours.
    pub limit_hours: u32,
    /// The most hours extensions may add together.
    pub extension_max_hours: u32,
    /// The hours each extension added, in order.
    pub extensions: Vec<u32>,
    /// When it ended, if it did.
    pub ended_at: Option<DateTime<Utc>>,
}

/// Where a custody's clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "clock", rename_all = "snake_case")]
pub enum Clock {
    /// Running, with time left before the deadline.
    Running {
        /// Seconds left.
        left_seconds: i64,
    },
    /// At or past the deadline and not ended.
    Overdue {
        /// Seconds since the deadline (0 at the deadline itself).
        by_seconds: i64,
    },
    /// Ended (released or transferred).
    Ended {
        /// Whether it ended before the deadline.
        within_limit: bool,
    },
}

impl Custody {
    /// A custody starting at `started_at` under `jurisdiction`'s rules.
    pub fn start(started_at: DateTime<Utc>, jurisdiction: &Jurisdiction) -> Custody {
        Custody {
            started_at,
            limit_hours: jurisdiction.custody_limit_hours,
            extension_max_hours: jurisdiction.extension_max_hours,
            extensions: Vec::new(),
            ended_at: None,
        }
    }

    /// Hours added by extensions so far.
    pub fn extended_hours(&self) -> u32 {
        self.extensions.iter().sum()
    }

    /// The deadline: start + limit + extensions.
    pub fn deadline(&self) -> DateTime<Utc> {
        self.started_at + Duration::hours(i64::from(self.limit_hours + self.extended_hours()))
    }

    /// The clock at `now`.
    pub fn clock(&self, now: DateTime<Utc>) -> Clock {
        let deadline = self.deadline();
        if let Some(end) = self.ended_at {
            return Clock::Ended {
                within_limit: end < deadline,
            };
        }
        if now >= deadline {
            Clock::Overdue {
                by_seconds: (now - deadline).num_seconds(),
            }
        } else {
            Clock::Running {
                left_seconds: (deadline - now).num_seconds(),
            }
        }
    }

    /// Whether it is over the deadline at `now` and not ended.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        matches!(self.clock(now), Clock::Overdue { .. })
    }

    fn still_running(&self, e: &mut ValidationErrors) {
        if self.ended_at.is_some() {
            e.push("cus_State", "ended", "the custody has ended");
        }
    }

    /// Check an extension at `now`: the custody still running (`cus_State`/`ended`); the
    /// prosecutor's authorisation recorded (`cxt_AuthorisedBy`/`required`,
    /// `cxt_Reference`/`required`); authorised after the start and not in the future
    /// (`cxt_AuthorisedAt`), and before the deadline (`cxt_AuthorisedAt`/`after_limit`: custody
    /// past its limit is not made lawful afterwards); 1 hour or more, within what the maximum
    /// leaves (`cxt_Hours`/`beyond_maximum`). Returns it trimmed.
    pub fn check_extension(
        &self,
        form: &ExtensionForm,
        now: DateTime<Utc>,
    ) -> Result<ExtensionForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.still_running(&mut e);
        let authorised_by = line(
            &mut e,
            "cxt_AuthorisedBy",
            &form.authorised_by,
            "an extension needs the prosecutor's authorisation: name the magistrate",
        );
        let reference = line(
            &mut e,
            "cxt_Reference",
            &form.reference,
            "an extension needs the prosecutor's authorisation: give its reference",
        );
        at(
            &mut e,
            "cxt_AuthorisedAt",
            form.authorised_at,
            self.started_at,
            now,
        );
        if form.authorised_at >= self.deadline() {
            e.push(
                "cxt_AuthorisedAt",
                "after_limit",
                "the authorisation came at or after the deadline",
            );
        }
        let left = self
            .extension_max_hours
            .saturating_sub(self.extended_hours());
        if form.hours == 0 || form.hours > left {
            e.push(
                "cxt_Hours",
                "beyond_maximum",
                format!("an extension adds 1 to {left} hours here"),
            );
        }
        e.into_result(ExtensionForm {
            hours: form.hours,
            authorised_by,
            reference,
            authorised_at: form.authorised_at,
        })
    }

    /// Check the end of the custody at `now`: still running (`cus_State`/`ended`), at or
    /// after the start and not in the future (`cus_EndedAt`), and a transfer names to whom
    /// (`cus_TransferredTo`/`required`). Returns whom to, trimmed (empty for a release).
    pub fn check_end(
        &self,
        how: CustodyEnd,
        ended_at: DateTime<Utc>,
        transferred_to: &str,
        now: DateTime<Utc>,
    ) -> Result<String, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.still_running(&mut e);
        at(&mut e, "cus_EndedAt", ended_at, self.started_at, now);
        let to = match how {
            CustodyEnd::Released => String::new(),
            CustodyEnd::Transferred => line(
                &mut e,
                "cus_TransferredTo",
                transferred_to,
                "say to whom the suspect was transferred",
            ),
        };
        e.into_result(to)
    }

    /// The alerts the custody gives while it runs: (overdue or not, the moment it falls
    /// due): each warning before the deadline, then the deadline. An extension moves the
    /// deadline, so it gives new moments (and new alert keys).
    pub fn alert_moments(&self, warn_hours: &[u32]) -> Vec<(bool, DateTime<Utc>)> {
        if self.ended_at.is_some() {
            return Vec::new();
        }
        let deadline = self.deadline();
        let mut out: Vec<(bool, DateTime<Utc>)> = warn_hours
            .iter()
            .map(|h| (false, deadline - Duration::hours(i64::from(*h))))
            .filter(|(_, t)| *t > self.started_at)
            .collect();
        out.push((true, deadline));
        out
    }
}

/// A right recorded on the checklist, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RightForm {
    /// Which right.
    pub right: Right,
    /// What was done.
    pub status: RightStatus,
    /// When.
    pub at: DateTime<Utc>,
    /// The language used (an ISO 639 code such as `rn`, `fr`, `sw`), for the information and the
    /// interpreter.
    pub language: String,
    /// Details (the lawyer's name and how they were reached, which relative was told…).
    pub note: String,
}

impl RightForm {
    /// Check for a custody started at `started_at`, at `now`: at or after the start, not in
    /// the future (`crt_At`); a right always owed is never "not needed"
    /// (`crt_Status`/`always_owed`); informing and interpreting done name the language
    /// (`crt_Language`/`required`, a language code); a note without control characters, at most
    /// [`MAX_LONG_TEXT`]. Returns it trimmed, the language lower case.
    pub fn validate(
        &self,
        started_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<RightForm, ValidationErrors> {
        let mut e = ValidationErrors::default();
        at(&mut e, "crt_At", self.at, started_at, now);
        if self.right.always_owed() && self.status == RightStatus::NotNeeded {
            e.push(
                "crt_Status",
                "always_owed",
                "every suspect is told of their rights and of the charges",
            );
        }
        let language = self.language.trim().to_ascii_lowercase();
        if self.right.names_language() && self.status == RightStatus::Done {
            if language.is_empty() {
                e.push(
                    "crt_Language",
                    "required",
                    "say in which language (it must be one the suspect understands)",
                );
            } else if !is_language_code(&language) {
                e.push(
                    "crt_Language",
                    "language_code",
                    format!("'{language}' is not a language code"),
                );
            }
        } else if !language.is_empty() && !is_language_code(&language) {
            e.push(
                "crt_Language",
                "language_code",
                format!("'{language}' is not a language code"),
            );
        }
        let note = self.note.trim();
        check_characters(&mut e, "crt_Note", note, true);
        if note.chars().count() > MAX_LONG_TEXT {
            e.push("crt_Note", "max_length", "too long");
        }
        e.into_result(RightForm {
            right: self.right,
            status: self.status,
            at: self.at,
            language,
            note: note.to_string(),
        })
    }
}

/// The checklist: for each right, in order, the latest entry recorded (index into `entries`,
/// given oldest first as (right, status)), or none.
pub fn checklist(entries: &[(Right, RightStatus)]) -> Vec<(Right, Option<usize>)> {
    use crate::picklist::Picklist;
    Right::ALL
        .iter()
        .map(|r| (*r, entries.iter().rposition(|(x, _)| x == r)))
        .collect()
}
