//! What a referral asks for: the service types of the directory, the urgency rule, the answer
//! deadline of each service type (configurable), when a referral is overdue, and the order of
//! an inbox (urgent first, then overdue, then oldest).

use std::cmp::{Ordering, Reverse};
use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::picklist::{Picklist, ValueSet, picklist};
use crate::validation::ValidationErrors;

use super::state::ReferralState;

picklist! {
    /// A kind of service a provider offers and a referral asks for (the NRM's first and
    /// long-term assistance, domain research §6.2).
    ServiceType, fields [] {
        Shelter = "shelter", "Shelter", "Hébergement";
        Medical = "medical", "Medical care", "Soins médicaux";
        Psychosocial = "psychosocial", "Psychosocial support", "Soutien psychosocial";
        LegalAid = "legal_aid", "Legal aid", "Aide juridique";
        FamilyTracing = "family_tracing", "Family tracing", "Recherche familiale";
        ReturnReintegration = "return_reintegration", "Return and reintegration", "Retour et réintégration";
        Livelihood = "livelihood", "Livelihood", "Moyens de subsistance";
        ChildProtection = "child_protection", "Child protection", "Protection de l'enfance";
        Interpretation = "interpretation", "Interpretation", "Interprétation";
    }
}

picklist! {
    /// Why a referral is urgent: the first-contact questions of an NRM (is there an urgent
    /// medical need, a threat of violence or of re-trafficking?). A referral with any of these
    /// is urgent: it is answered sooner ([`Deadlines::urgent`]) and sorted first.
    UrgencyReason, fields [] {
        ImmediateDanger = "immediate_danger", "Immediate danger (violence or re-trafficking)", "Danger immédiat (violence ou nouvelle traite)";
        UrgentMedical = "urgent_medical", "Urgent medical need", "Besoin médical urgent";
    }
}

/// Whether a referral with these reasons is urgent: at least one reason is given.
pub fn is_urgent(reasons: &ValueSet<UrgencyReason>) -> bool {
    !reasons.is_empty()
}

/// The shortest answer deadline that can be configured.
pub const MIN_DEADLINE: TimeDelta = TimeDelta::hours(1);
/// The longest answer deadline that can be configured.
pub const MAX_DEADLINE: TimeDelta = TimeDelta::days(90);

/// How long an addressed agency has to answer (accept or decline) a sent referral, per
/// service type, and at most for an urgent one. [`Deadlines::default`] gives Tabara's
/// defaults; a deployment overrides them ([`Deadlines::set`], [`Deadlines::parse_overrides`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    per_service: BTreeMap<ServiceType, TimeDelta>,
    urgent: TimeDelta,
}

impl Default for Deadlines {
    /// Medical care 4 hours; shelter and child protection 24 hours; interpretation 2 days;
    /// psychosocial support 3 days; legal aid 5 days; family tracing 7 days; return and
    /// reintegration and livelihood 14 days; an urgent referral 4 hours at most.
    fn default() -> Self {
        use ServiceType::*;
        let per_service = ServiceType::ALL
            .iter()
            .map(|s| {
                let within = match s {
                    Medical => TimeDelta::hours(4),
                    Shelter | ChildProtection => TimeDelta::hours(24),
                    Interpretation => TimeDelta::days(2),
                    Psychosocial => TimeDelta::days(3),
                    LegalAid => TimeDelta::days(5),
                    FamilyTracing => TimeDelta::days(7),
                    ReturnReintegration | Livelihood => TimeDelta::days(14),
                };
                (*s, within)
            })
            .collect();
        Deadlines {
            per_service,
            urgent: TimeDelta::hours(4),
        }
    }
}

impl Deadlines {
    /// The deadline of one service type.
    pub fn get(&self, service: ServiceType) -> TimeDelta {
        self.per_service[&service]
    }

    /// The deadline of an urgent referral (a cap on its services' deadlines).
    pub fn urgent(&self) -> TimeDelta {
        self.urgent
    }

    /// Change the deadline of a service type; refused (`ref_Deadline`/`out_of_range`) outside
    /// [`MIN_DEADLINE`]..=[`MAX_DEADLINE`].
    pub fn set(&mut self, service: ServiceType, within: TimeDelta) -> Result<(), ValidationErrors> {
        check_range(within)?;
        self.per_service.insert(service, within);
        Ok(())
    }

    /// Change the deadline of an urgent referral, within the same range as [`Deadlines::set`].
    pub fn set_urgent(&mut self, within: TimeDelta) -> Result<(), ValidationErrors> {
        check_range(within)?;
        self.urgent = within;
        Ok(())
    }

    /// The defaults with overrides written as `service=hours` pairs separated by `,` or `;`
    /// (`shelter=12, medical=2, urgent=2`): `urgent` names the urgent cap, any other name a
    /// service type (parsed as a picklist value). Refused: `ref_Deadline` with rule
    /// `unknown_service`, `not_a_number` or `out_of_range`, naming the part.
    pub fn parse_overrides(text: &str) -> Result<Deadlines, ValidationErrors> {
        let mut deadlines = Deadlines::default();
        let mut e = ValidationErrors::default();
        for part in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (name, hours) = part.split_once('=').unwrap_or((part, ""));
            let Ok(hours) = hours.trim().parse::<i64>() else {
                e.push(
                    FIELD_DEADLINE,
                    "not_a_number",
                    format!("'{part}' is not name=hours"),
                );
                continue;
            };
            let within = TimeDelta::try_hours(hours).unwrap_or(TimeDelta::MAX);
            let set = if name.trim().eq_ignore_ascii_case("urgent") {
                deadlines.set_urgent(within)
            } else {
                match ServiceType::parse(name) {
                    Ok(service) => deadlines.set(service, within),
                    Err(unknown) => {
                        e.push(FIELD_DEADLINE, "unknown_service", unknown.to_string());
                        continue;
                    }
                }
            };
            if let Err(mut refused) = set {
                e.0.append(&mut refused.0);
            }
        }
        e.into_result(deadlines)
    }

    /// How long the addressed agency has to answer a referral for these services: the
    /// shortest of their deadlines, capped by the urgent one when the referral is urgent. No
    /// service (a draft being written) gives the urgent deadline.
    pub fn answer_within(&self, services: &ValueSet<ServiceType>, urgent: bool) -> TimeDelta {
        let shortest = services.iter().map(|s| self.get(s)).min();
        match (shortest, urgent) {
            (Some(d), true) => d.min(self.urgent),
            (Some(d), false) => d,
            (None, _) => self.urgent,
        }
    }
}

/// The field named by a deadline's errors.
const FIELD_DEADLINE: &str = "ref_Deadline";

fn check_range(within: TimeDelta) -> Result<(), ValidationErrors> {
    if (MIN_DEADLINE..=MAX_DEADLINE).contains(&within) {
        return Ok(());
    }
    let mut e = ValidationErrors::default();
    e.push(
        FIELD_DEADLINE,
        "out_of_range",
        format!(
            "a deadline is {} to {} hours",
            MIN_DEADLINE.num_hours(),
            MAX_DEADLINE.num_hours()
        ),
    );
    Err(e)
}

/// When a referral sent at `sent_at` must be answered: the date the sender asked for
/// (`requested`, checked with [`check_answer_by`] when the referral is sent) or else
/// `sent_at` plus `within` (from [`Deadlines::answer_within`]). The store keeps it with the
/// referral, so the inbox sorts and the alert scheduler selects by one column.
pub fn due_at(
    sent_at: DateTime<Utc>,
    within: TimeDelta,
    requested: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    requested.unwrap_or_else(|| {
        sent_at
            .checked_add_signed(within)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    })
}

/// A date the sender asks an answer by must be later than now (`ref_AnswerBy`/`in_the_past`)
/// and at most [`MAX_DEADLINE`] ahead (`ref_AnswerBy`/`out_of_range`).
pub fn check_answer_by(
    answer_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), ValidationErrors> {
    let mut e = ValidationErrors::default();
    if answer_by <= now {
        e.push(
            "ref_AnswerBy",
            "in_the_past",
            format!("{answer_by} is not in the future"),
        );
    } else if answer_by - now > MAX_DEADLINE {
        e.push(
            "ref_AnswerBy",
            "out_of_range",
            format!("an answer is asked within {} days", MAX_DEADLINE.num_days()),
        );
    }
    e.into_result(())
}

/// Whether a referral is overdue at `now`: it was sent, is still waiting for an answer
/// ([`ReferralState::Sent`]), and its `due` moment (from [`due_at`]) has passed (the due moment
/// itself is still in time). Any other state is never overdue.
pub fn is_overdue(state: ReferralState, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    state == ReferralState::Sent && now > due
}

/// A referral's place in an inbox: urgent first, then overdue, then the oldest (by the time it
/// was sent, or created for a draft). Sorting ascending gives the inbox order; add the id as a
/// last key where a total order is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxKey {
    /// The referral is urgent ([`is_urgent`]).
    pub urgent: bool,
    /// The referral is overdue ([`is_overdue`]).
    pub overdue: bool,
    /// When it was sent (or created, for a draft).
    pub since: DateTime<Utc>,
}

impl InboxKey {
    fn tuple(&self) -> (Reverse<bool>, Reverse<bool>, DateTime<Utc>) {
        (Reverse(self.urgent), Reverse(self.overdue), self.since)
    }
}

impl Ord for InboxKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.tuple().cmp(&other.tuple())
    }
}

impl PartialOrd for InboxKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_782_000_000 + h * 3600, 0).unwrap()
    }

    fn set(services: &[ServiceType]) -> ValueSet<ServiceType> {
        services.iter().copied().collect()
    }

    #[test]
    fn every_service_has_a_default_deadline_in_range() {
        let d = Deadlines::default();
        for s in ServiceType::ALL {
            assert!((MIN_DEADLINE..=MAX_DEADLINE).contains(&d.get(*s)), "{s}");
            assert!(!s.label(crate::Lang::Fr).is_empty());
        }
        assert_eq!(d.get(ServiceType::Medical), TimeDelta::hours(4));
        assert_eq!(d.get(ServiceType::Shelter), TimeDelta::hours(24));
        assert_eq!(ServiceType::parse("Legal aid"), Ok(ServiceType::LegalAid));
        assert_eq!(ServiceType::ALL.len(), 9);
    }

    #[test]
    fn the_shortest_deadline_wins_and_urgency_caps_it() {
        let d = Deadlines::default();
        let both = set(&[ServiceType::Shelter, ServiceType::Livelihood]);
        assert_eq!(d.answer_within(&both, false), TimeDelta::hours(24));
        assert_eq!(d.answer_within(&both, true), TimeDelta::hours(4));
        let medical = set(&[ServiceType::Medical]);
        let mut d2 = d.clone();
        d2.set_urgent(TimeDelta::hours(8)).unwrap();
        assert_eq!(d2.answer_within(&medical, true), TimeDelta::hours(4));
        assert_eq!(d.answer_within(&ValueSet::new(), false), d.urgent());
    }

    #[test]
    fn deadlines_are_overridden_within_range() {
        let mut d = Deadlines::default();
        d.set(ServiceType::Shelter, TimeDelta::hours(12)).unwrap();
        assert_eq!(d.get(ServiceType::Shelter), TimeDelta::hours(12));
        for bad in [
            TimeDelta::zero(),
            TimeDelta::minutes(59),
            TimeDelta::days(91),
        ] {
            let e = d.set(ServiceType::Shelter, bad).unwrap_err();
            assert_eq!(
                (e.0[0].field, e.0[0].rule),
                ("ref_Deadline", "out_of_range")
            );
            assert_eq!(
                d.get(ServiceType::Shelter),
                TimeDelta::hours(12),
                "unchanged"
            );
        }
        assert!(d.set_urgent(TimeDelta::hours(-1)).is_err());
    }

    #[test]
    fn overrides_are_parsed() {
        let d = Deadlines::parse_overrides(" shelter=12; Medical = 2, urgent=1,").unwrap();
        assert_eq!(d.get(ServiceType::Shelter), TimeDelta::hours(12));
        assert_eq!(d.get(ServiceType::Medical), TimeDelta::hours(2));
        assert_eq!(d.urgent(), TimeDelta::hours(1));
        assert_eq!(d.get(ServiceType::LegalAid), TimeDelta::days(5));
        assert_eq!(
            Deadlines::parse_overrides("").unwrap(),
            Deadlines::default()
        );
        let e = Deadlines::parse_overrides("spa=3, shelter, medical=0, legal_aid=99999999999999")
            .unwrap_err();
        let rules: Vec<_> = e.0.iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            rules,
            [
                ("ref_Deadline", "unknown_service"),
                ("ref_Deadline", "not_a_number"),
                ("ref_Deadline", "out_of_range"),
                ("ref_Deadline", "out_of_range"),
            ]
        );
    }

    #[test]
    fn only_a_sent_referral_past_its_deadline_is_overdue() {
        let within = TimeDelta::hours(24);
        let due = due_at(at(0), within, None);
        assert!(!is_overdue(ReferralState::Sent, due, at(24)));
        assert!(is_overdue(ReferralState::Sent, due, at(25)));
        // The date the sender asked for counts, not the service's deadline.
        let asked = due_at(at(0), within, Some(at(2)));
        assert!(is_overdue(ReferralState::Sent, asked, at(3)));
        for s in ReferralState::ALL {
            if *s != ReferralState::Sent {
                assert!(!is_overdue(*s, due, at(1000)), "{s}");
            }
        }
        assert_eq!(due_at(at(0), within, None), at(24));
        assert_eq!(due_at(at(0), within, Some(at(48))), at(48));
        assert_eq!(
            due_at(DateTime::<Utc>::MAX_UTC, within, None),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn an_answer_date_is_in_the_future_and_within_range() {
        assert!(check_answer_by(at(1), at(0)).is_ok());
        for (when, rule) in [
            (at(0), "in_the_past"),
            (at(-5), "in_the_past"),
            (at(24 * 91), "out_of_range"),
        ] {
            let e = check_answer_by(when, at(0)).unwrap_err();
            assert_eq!((e.0[0].field, e.0[0].rule), ("ref_AnswerBy", rule));
        }
    }

    #[test]
    fn urgency_needs_a_reason() {
        assert!(!is_urgent(&ValueSet::new()));
        assert!(is_urgent(
            &[UrgencyReason::UrgentMedical].into_iter().collect()
        ));
    }

    proptest! {
        #[test]
        fn the_inbox_puts_urgent_then_overdue_then_oldest_first(
            keys in proptest::collection::vec((any::<bool>(), any::<bool>(), -1000i64..1000), 0..40)
        ) {
            let mut inbox: Vec<InboxKey> = keys
                .iter()
                .map(|(urgent, overdue, h)| InboxKey { urgent: *urgent, overdue: *overdue, since: at(*h) })
                .collect();
            inbox.sort();
            for w in inbox.windows(2) {
                let (a, b) = (w[0], w[1]);
                prop_assert!(a.urgent >= b.urgent);
                if a.urgent == b.urgent {
                    prop_assert!(a.overdue >= b.overdue);
                    if a.overdue == b.overdue {
                        prop_assert!(a.since <= b.since);
                    }
                }
            }
        }

        #[test]
        fn a_deadline_never_exceeds_any_of_its_services(
            picks in proptest::collection::vec(0usize..9, 1..5), urgent in any::<bool>()
        ) {
            let d = Deadlines::default();
            let services: ValueSet<ServiceType> = picks.iter().map(|i| ServiceType::ALL[*i]).collect();
            let within = d.answer_within(&services, urgent);
            for s in services.iter() {
                prop_assert!(within <= d.get(s));
            }
            prop_assert!(!urgent || within <= d.urgent());
        }
    }
}
