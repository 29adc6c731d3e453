//! The child pathway: every child of a case (under 18, or presumed one: [`crate::child`]) is on
//! it from the moment the register knows it (registration, a change of age, a screening that
//! presumes a child). Child protection reaches every case of a child by law (the relation's
//! `involves_minor`), so opening the pathway is the referral to child protection: it needs no
//! consent (domain research §6.3: the legal duty of child protection) and appears at once in
//! child protection's list.
//!
//! On the pathway, child protection records who the child's guardian is (a parent, a relative,
//! an appointed guardian, a legal representative, an institution), or that there is none and
//! why; and a best-interests assessment (the durable solution considered, whether the child's
//! views were heard, a summary). A child-protection officer signs the pathway off once both are
//! recorded, and a case with a child cannot be closed before every one of its children's
//! pathways is signed off ([`may_close`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::picklist::picklist;
use crate::records::{MAX_LONG_TEXT, MAX_SHORT_TEXT};
use crate::role::Role;
use crate::validation::{ValidationErrors, check_characters};

picklist! {
    /// Why the pathway opened.
    OpenReason, fields [] {
        Registered = "registered", "Registered as a child or presumed one", "Enregistré comme enfant ou présumé tel";
        Screening = "screening", "Presumed a child by the screening", "Présumé enfant par le filtrage";
    }
}

picklist! {
    /// Who the child's guardian is.
    GuardianKind, fields [] {
        Parent = "parent", "Parent", "Parent";
        Relative = "relative", "Other relative", "Autre membre de la famille";
        AppointedGuardian = "appointed_guardian", "Guardian appointed by a court or authority", "Tuteur désigné par un tribunal ou une autorité";
        LegalRepresentative = "legal_representative", "Legal representative", "Représentant légal";
        Institution = "institution", "Care institution", "Institution d'accueil";
    }
}

picklist! {
    /// The durable solution a best-interests assessment considers (UNICEF guidelines).
    DurableSolution, fields [] {
        FamilyReunification = "family_reunification", "Return to the family", "Retour dans la famille";
        AlternativeCare = "alternative_care", "Alternative care (foster family, kinship care)", "Prise en charge alternative (famille d'accueil, parenté)";
        LocalIntegration = "local_integration", "Local integration", "Intégration locale";
        ThirdCountry = "third_country", "Resettlement in a third country", "Réinstallation dans un pays tiers";
        Undetermined = "undetermined", "Not determined yet", "Pas encore déterminée";
    }
}

/// The guardian, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "guardian", rename_all = "snake_case")]
pub enum Guardian {
    /// Someone is the child's guardian.
    Named {
        /// Who they are to the child.
        kind: GuardianKind,
        /// Their name (the guardian's, not the child's).
        name: String,
    },
    /// The child has no guardian, and why (e.g. parents unknown, the family implicated).
    Absent {
        /// Why.
        reason: String,
    },
}

/// A best-interests assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestInterests {
    /// The durable solution considered.
    pub solution: DurableSolution,
    /// The child's views were heard (according to age and maturity).
    pub views_heard: bool,
    /// What was assessed and why (no identity of the child needed).
    pub summary: String,
}

/// A child's pathway, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pathway {
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// Why.
    pub reason: OpenReason,
    /// The guardian, once recorded.
    pub guardian: Option<Guardian>,
    /// The best-interests assessment, once recorded.
    pub best_interests: Option<BestInterests>,
    /// When a child-protection officer signed it off.
    pub signed_off_at: Option<DateTime<Utc>>,
}

impl Pathway {
    /// A pathway opened at `at`.
    pub fn open(at: DateTime<Utc>, reason: OpenReason) -> Pathway {
        Pathway {
            opened_at: at,
            reason,
            guardian: None,
            best_interests: None,
            signed_off_at: None,
        }
    }

    /// Whether it is still open (not signed off).
    pub fn is_open(&self) -> bool {
        self.signed_off_at.is_none()
    }

    /// Record the guardian (or its absence). Refused once signed off
    /// (`cp_Pathway`/`signed_off`); the name or reason are required, without control
    /// characters, at most [`MAX_SHORT_TEXT`] (`cp_Guardian`).
    pub fn record_guardian(&mut self, guardian: Guardian) -> Result<(), ValidationErrors> {
        let mut e = self.still_open();
        let text = match &guardian {
            Guardian::Named { name, .. } => name,
            Guardian::Absent { reason } => reason,
        };
        let field = match guardian {
            Guardian::Named { .. } => "cp_GuardianName",
            Guardian::Absent { .. } => "cp_GuardianAbsentReason",
        };
        if text.trim().is_empty() {
            e.push(
                field,
                "required",
                "say who the guardian is, or why there is none",
            );
        }
        check_characters(&mut e, field, text, false);
        if text.chars().count() > MAX_SHORT_TEXT {
            e.push(field, "max_length", "too long");
        }
        e.into_result(())?;
        self.guardian = Some(match guardian {
            Guardian::Named { kind, name } => Guardian::Named {
                kind,
                name: name.trim().to_string(),
            },
            Guardian::Absent { reason } => Guardian::Absent {
                reason: reason.trim().to_string(),
            },
        });
        Ok(())
    }

    /// Record a best-interests assessment by a user in `role`: only child protection
    /// (`cp_Role`/`child_protection_only`); refused once signed off; a summary is required,
    /// bounded, without control characters (`cp_BestInterests`).
    pub fn record_best_interests(
        &mut self,
        role: Role,
        assessment: BestInterests,
    ) -> Result<(), ValidationErrors> {
        let mut e = self.still_open();
        only_child_protection(&mut e, role);
        let summary = assessment.summary.trim();
        if summary.is_empty() {
            e.push("cp_BestInterests", "required", "summarise the assessment");
        }
        check_characters(&mut e, "cp_BestInterests", summary, true);
        if summary.chars().count() > MAX_LONG_TEXT {
            e.push("cp_BestInterests", "max_length", "too long");
        }
        e.into_result(())?;
        self.best_interests = Some(BestInterests {
            summary: summary.to_string(),
            ..assessment
        });
        Ok(())
    }

    /// Sign the pathway off at `at`, by a user in `role`: only child protection, and only
    /// once the guardian (or its absence) and a best-interests assessment are recorded
    /// (`cp_Guardian`/`required`, `cp_BestInterests`/`required`).
    pub fn sign_off(&mut self, role: Role, at: DateTime<Utc>) -> Result<(), ValidationErrors> {
        let mut e = self.still_open();
        only_child_protection(&mut e, role);
        if self.guardian.is_none() {
            e.push(
                "cp_Guardian",
                "required",
                "record the guardian, or that there is none, first",
            );
        }
        if self.best_interests.is_none() {
            e.push(
                "cp_BestInterests",
                "required",
                "record a best-interests assessment first",
            );
        }
        e.into_result(())?;
        self.signed_off_at = Some(at);
        Ok(())
    }

    fn still_open(&self) -> ValidationErrors {
        let mut e = ValidationErrors::default();
        if !self.is_open() {
            e.push("cp_Pathway", "signed_off", "the pathway was signed off");
        }
        e
    }
}

fn only_child_protection(e: &mut ValidationErrors, role: Role) {
    if role != Role::ChildProtection {
        e.push(
            "cp_Role",
            "child_protection_only",
            "a child-protection officer does this",
        );
    }
}

/// Whether a case whose children's pathways are `pathways` may be closed: every one signed
/// off, else `cas_Status`/`child_signoff_required`.
pub fn may_close<'a>(
    pathways: impl IntoIterator<Item = &'a Pathway>,
) -> Result<(), ValidationErrors> {
    let open = pathways.into_iter().filter(|p| p.is_open()).count();
    if open == 0 {
        return Ok(());
    }
    let mut e = ValidationErrors::default();
    e.push(
        "cas_Status",
        "child_signoff_required",
        format!("{open} child pathway(s) of the case wait for child protection's sign-off"),
    );
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::picklist::Picklist;

    fn values<T: Picklist>() -> Vec<&'static str> {
        T::ALL.iter().map(|v| v.value_name()).collect()
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_782_000_000 + h * 3600, 0).unwrap()
    }

    fn assessment() -> BestInterests {
        BestInterests {
            solution: DurableSolution::AlternativeCare,
            views_heard: true,
            summary: "La famille est impliquée : placement en famille d'accueil.".into(),
        }
    }

    #[test]
    fn sign_off_needs_child_protection_a_guardian_and_an_assessment() {
        let mut p = Pathway::open(at(0), OpenReason::Registered);
        let e = p.sign_off(Role::ChildProtection, at(1)).unwrap_err();
        assert_eq!(e.get("cp_Guardian").unwrap().rule, "required");
        assert_eq!(e.get("cp_BestInterests").unwrap().rule, "required");
        p.record_guardian(Guardian::Absent {
            reason: " Parents inconnus ".into(),
        })
        .unwrap();
        assert_eq!(
            p.guardian,
            Some(Guardian::Absent {
                reason: "Parents inconnus".into()
            })
        );
        let e = p
            .record_best_interests(Role::Officer, assessment())
            .unwrap_err();
        assert_eq!(e.get("cp_Role").unwrap().rule, "child_protection_only");
        p.record_best_interests(Role::ChildProtection, assessment())
            .unwrap();
        let e = p.sign_off(Role::Caseworker, at(2)).unwrap_err();
        assert_eq!(e.get("cp_Role").unwrap().rule, "child_protection_only");
        assert!(p.is_open());
        p.sign_off(Role::ChildProtection, at(2)).unwrap();
        assert_eq!(p.signed_off_at, Some(at(2)));
        // Signed off: nothing more changes.
        let e = p.sign_off(Role::ChildProtection, at(3)).unwrap_err();
        assert_eq!(e.get("cp_Pathway").unwrap().rule, "signed_off");
        let e = p
            .record_guardian(Guardian::Named {
                kind: GuardianKind::Parent,
                name: "X".into(),
            })
            .unwrap_err();
        assert_eq!(e.get("cp_Pathway").unwrap().rule, "signed_off");
    }

    #[test]
    fn guardian_text_is_checked() {
        let mut p = Pathway::open(at(0), OpenReason::Screening);
        let e = p
            .record_guardian(Guardian::Named {
                kind: GuardianKind::Parent,
                name: "  ".into(),
            })
            .unwrap_err();
        assert_eq!(e.get("cp_GuardianName").unwrap().rule, "required");
        let e = p
            .record_guardian(Guardian::Absent {
                reason: "x".repeat(MAX_SHORT_TEXT + 1),
            })
            .unwrap_err();
        assert_eq!(e.get("cp_GuardianAbsentReason").unwrap().rule, "max_length");
        assert!(p.guardian.is_none(), "nothing recorded");
        let e = p
            .record_best_interests(
                Role::ChildProtection,
                BestInterests {
                    summary: " ".into(),
                    ..assessment()
                },
            )
            .unwrap_err();
        assert_eq!(e.get("cp_BestInterests").unwrap().rule, "required");
    }

    #[test]
    fn a_case_closes_only_when_every_pathway_is_signed_off() {
        let mut done = Pathway::open(at(0), OpenReason::Registered);
        done.guardian = Some(Guardian::Absent { reason: "r".into() });
        done.best_interests = Some(assessment());
        done.sign_off(Role::ChildProtection, at(1)).unwrap();
        let open = Pathway::open(at(0), OpenReason::Screening);
        assert!(may_close([] as [&Pathway; 0]).is_ok());
        assert!(may_close([&done]).is_ok());
        let e = may_close([&done, &open]).unwrap_err();
        assert_eq!(e.get("cas_Status").unwrap().rule, "child_signoff_required");
    }

    #[test]
    fn picklists_have_stable_names() {
        assert_eq!(values::<OpenReason>(), ["registered", "screening"]);
        assert!(values::<DurableSolution>().contains(&"family_reunification"));
        assert_eq!(values::<GuardianKind>().len(), 5);
    }
}
