//! Demo referrals: victims of the newest cases referred, with their consent, to IOM (medical
//! care, return and reintegration), UNICEF (child protection and family tracing; every child
//! goes there, with a guardian's consent) and the legal aid centre, for the services the
//! directory says they offer, in every state a referral takes: drafts, sent and
//! waiting, sent and overdue (some urgent), accepted, in progress, completed, declined,
//! closed, cancelled; some consents withdrawn since. Each is recorded after the fact
//! (`Store::record_past_referral`), with every rule checked at the moment it applies to, and
//! assigned to the addressed agency's demo account. The same register gets the same referrals
//! of the same cases; their ids are new and their moments count back from the time the demo
//! is written, so overdue ones are overdue when the demo is opened.

use chrono::{DateTime, Duration, Utc};
use tabara_core::Role;
use tabara_core::ids::{OrganisationId, ReferralConsentId, ReferralId, UserId};
use tabara_core::picklist::ValueSet;
use tabara_core::records::PersonRole;
use tabara_core::referral::{
    Consent, ConsentGiver, DataCategory, Deadlines, Party, ServiceType, UrgencyReason,
};
use tabara_store::{Actor, CaseFilter, NewReferral, PageRequest, ReferralStep, Store, StoreError};

use crate::{Reference, agency};

/// What was written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferralSummary {
    /// Referrals.
    pub referrals: usize,
    /// Consents withdrawn since.
    pub withdrawn: usize,
}

/// The states the demo cycles through, by the referral's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Draft,
    Waiting,
    Overdue,
    UrgentOverdue,
    Accepted,
    InProgress,
    Completed,
    Declined,
    Closed,
    Cancelled,
}

const CYCLE: [Kind; 10] = [
    Kind::Waiting,
    Kind::Accepted,
    Kind::Overdue,
    Kind::InProgress,
    Kind::Completed,
    Kind::Draft,
    Kind::UrgentOverdue,
    Kind::Declined,
    Kind::Closed,
    Kind::Cancelled,
];

/// Write about one referral per `per_cases` of the newest cases (at least `min`, at most
/// `max`); returns what was written.
pub async fn write_referrals(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
    per_cases: usize,
    min: usize,
    max: usize,
) -> Result<ReferralSummary, StoreError> {
    let org = |i: usize| reference.organisations[i].id;
    let account = |role: Role| {
        reference
            .users
            .iter()
            .find(|u| u.role == role)
            .map(|u| u.id)
    };
    let (iom, unicef, legal) = (
        org(agency::IOM),
        org(agency::UNICEF),
        org(agency::LEGAL_AID),
    );
    let stats = store.stats().await?;
    let wanted = (stats.cases as usize / per_cases.max(1)).clamp(min, max);
    let deadlines = Deadlines::default();
    let now = Utc::now();
    let mut summary = ReferralSummary::default();
    let mut after = None;
    let mut rank = 0usize;
    'pages: loop {
        let page = store
            .list_cases(&CaseFilter::default(), PageRequest { after, limit: 500 })
            .await?;
        for case in &page.items {
            if summary.referrals >= wanted {
                break 'pages;
            }
            let persons = store.case_persons(case.id).await?;
            let Some(victim) = persons
                .iter()
                .find(|p| p.involvement.role() == PersonRole::Victim)
            else {
                continue;
            };
            let child = victim.person.facts.is_child_or_presumed();
            let (recipient, services, assignee): (OrganisationId, &[ServiceType], Option<UserId>) =
                if child {
                    (
                        unicef,
                        &[ServiceType::ChildProtection, ServiceType::FamilyTracing],
                        account(Role::ChildProtection),
                    )
                } else if rank % 4 == 3 {
                    (legal, &[ServiceType::LegalAid], account(Role::LegalAid))
                } else if rank.is_multiple_of(2) {
                    (
                        iom,
                        &[ServiceType::Medical, ServiceType::ReturnReintegration],
                        account(Role::Caseworker),
                    )
                } else {
                    (
                        iom,
                        &[ServiceType::ReturnReintegration],
                        account(Role::Caseworker),
                    )
                };
            let sender = store.case(case.id).await?.organisation_id;
            if sender == recipient {
                continue;
            }
            // Only what the directory says the agency offers.
            let offered = store.offered_services(recipient).await?;
            let services: Vec<ServiceType> = services
                .iter()
                .copied()
                .filter(|s| offered.contains(*s))
                .collect();
            if services.is_empty() {
                continue;
            }
            let kind = CYCLE[rank % CYCLE.len()];
            rank += 1;
            let services: ValueSet<ServiceType> = services.into_iter().collect();
            let data: ValueSet<DataCategory> = [
                DataCategory::Facts,
                DataCategory::Identity,
                DataCategory::ScreeningResult,
            ]
            .into_iter()
            .collect();
            let urgency: ValueSet<UrgencyReason> = match kind {
                Kind::UrgentOverdue => [UrgencyReason::ImmediateDanger].into_iter().collect(),
                _ if rank % 9 == 4 => [UrgencyReason::UrgentMedical].into_iter().collect(),
                _ => ValueSet::new(),
            };
            // How long ago it was drafted: waiting ones an hour ago, overdue ones days ago,
            // answered ones weeks ago.
            let ago = |hours: i64| now - Duration::hours(hours);
            let drafted = match kind {
                Kind::Draft | Kind::Waiting => ago(1),
                Kind::Overdue | Kind::UrgentOverdue => ago(24 * 21),
                _ => ago(24 * 30 + (rank as i64 % 48)),
            };
            let consent = Consent {
                recipient,
                services: services.clone(),
                data: data.clone(),
                given_at: drafted - Duration::minutes(20),
                given_by: if child {
                    ConsentGiver::Guardian
                } else {
                    ConsentGiver::Person
                },
                language: "rn".into(),
                witness: Some("Assistante sociale de permanence".into()),
                withdrawn_at: None,
            };
            let new = NewReferral {
                id: ReferralId::new(),
                case_id: case.id,
                person_id: victim.person.id,
                sender_id: sender,
                recipient_id: recipient,
                services,
                data,
                urgency,
                answer_by: None,
            };
            let send = ReferralStep::Send {
                offered: &offered,
                deadlines: &deadlines,
            };
            let after_send = |h: i64| drafted + Duration::minutes(10) + Duration::hours(h);
            let sent = (Party::Sender, send, drafted + Duration::minutes(10));
            let accept = (Party::Supervisor, ReferralStep::Accept, after_send(6));
            let start = (Party::Supervisor, ReferralStep::Start, after_send(30));
            let steps: Vec<(Party, ReferralStep<'_>, DateTime<Utc>)> = match kind {
                Kind::Draft => vec![],
                Kind::Waiting | Kind::Overdue | Kind::UrgentOverdue => vec![sent],
                Kind::Accepted => vec![sent, accept],
                Kind::InProgress => vec![sent, accept, start],
                Kind::Completed => vec![
                    sent,
                    accept,
                    start,
                    (
                        Party::Supervisor,
                        ReferralStep::Complete,
                        after_send(24 * 20),
                    ),
                ],
                Kind::Declined => vec![
                    sent,
                    (
                        Party::Supervisor,
                        ReferralStep::Decline {
                            reason: "Plus de place disponible cette semaine",
                        },
                        after_send(5),
                    ),
                ],
                Kind::Closed => vec![
                    sent,
                    accept,
                    (
                        Party::Supervisor,
                        ReferralStep::Close {
                            reason: "La personne est repartie dans sa famille",
                        },
                        after_send(24 * 3),
                    ),
                ],
                Kind::Cancelled => vec![sent, (Party::Sender, ReferralStep::Cancel, after_send(2))],
            };
            let consent_id = ReferralConsentId::new();
            let mut r = store
                .record_past_referral(actor, Some((consent_id, &consent)), &new, &steps, drafted)
                .await?;
            if kind != Kind::Draft
                && kind != Kind::Cancelled
                && let Some(user) = assignee
            {
                r = store
                    .assign_referral(actor, r.id, r.version, Some(user))
                    .await?;
            }
            summary.referrals += 1;
            if rank % 13 == 5 && kind != Kind::Draft {
                let c = store.referral(r.id).await?.consent;
                if let Some(c) = c {
                    store
                        .withdraw_referral_consent(actor, c.id, c.version)
                        .await?;
                    summary.withdrawn += 1;
                }
            }
        }
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    Ok(summary)
}

/// Risk assessments of the victims of the newest cases, at every level of the matrix (low,
/// medium, high, critical, for security and re-trafficking risk, with a safety plan from high
/// on): `count` of them. Returns how many were written.
pub async fn write_risk_assessments(
    store: &Store,
    actor: &Actor,
    count: usize,
) -> Result<usize, StoreError> {
    // (kind, likelihood, impact, safety plan): low 2×2, medium 3×2, high 4×3, critical 5×5.
    const CELLS: [(&str, &str, &str, &str); 4] = [
        ("security", "2", "2", ""),
        ("re_trafficking", "3", "2", ""),
        (
            "security",
            "4",
            "3",
            "Hébergement en lieu sûr, téléphone d'urgence, accompagnement aux audiences",
        ),
        (
            "re_trafficking",
            "5",
            "5",
            "Placement immédiat en foyer, aucun contact avec le recruteur, suivi quotidien",
        ),
    ];
    let page = store
        .list_cases(
            &CaseFilter::default(),
            PageRequest {
                after: None,
                limit: 500,
            },
        )
        .await?;
    let mut written = 0;
    for case in &page.items {
        if written >= count {
            break;
        }
        let persons = store.case_persons(case.id).await?;
        let Some(victim) = persons
            .iter()
            .find(|p| p.involvement.role() == PersonRole::Victim)
        else {
            continue;
        };
        let (kind, likelihood, impact, plan) = CELLS[written % CELLS.len()];
        let form = tabara_core::risk::AssessmentForm {
            kind: kind.into(),
            likelihood: likelihood.into(),
            impact: impact.into(),
            factors: Vec::new(),
            safety_plan: plan.into(),
        };
        let id = uuid::Uuid::now_v7();
        store
            .record_risk_assessment(actor, id, case.id, victim.person.id, &form, None)
            .await?;
        written += 1;
    }
    Ok(written)
}
