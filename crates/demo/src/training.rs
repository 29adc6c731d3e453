//! Demo training programme: three five-day sessions in Bujumbura with 100 officers in all (two
//! of them the demo officer and investigator accounts), attendance and pre/post scores,
//! certificates for those who completed; awareness materials received by IOM's store and
//! distributed to the 17 border posts and police stations.

use chrono::{Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tabara_core::htcds::Gender;
use tabara_core::ids::{MaterialId, ParticipantId, TrainingSessionId};
use tabara_core::records::OfficeKind;
use tabara_core::training::{CompletionRule, Curriculum};
use tabara_store::{Actor, NewParticipant, NewTrainingSession, SessionModule, Store, StoreError};

use crate::Reference;
use crate::names;

const RANKS: &[&str] = &[
    "OPJ",
    "Brigadier",
    "Agent de police",
    "Commissaire adjoint",
    "Inspecteur",
];

/// What was written.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrainingSummary {
    /// Sessions.
    pub sessions: usize,
    /// Participants.
    pub participants: usize,
    /// Certificates issued.
    pub certificates: usize,
    /// Distributions to posts.
    pub distributions: usize,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// Write the demo training programme and materials.
pub async fn write_training(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
    seed: u64,
) -> Result<TrainingSummary, StoreError> {
    let curriculum = Curriculum::embedded().map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A1_4E11);
    let org = |prefix: &str| {
        reference
            .organisations
            .iter()
            .find(|o| o.name.starts_with(prefix))
            .map(|o| o.id)
    };
    let (Some(iom), unicef) = (org("OIM"), org("UNICEF")) else {
        return Ok(TrainingSummary::default());
    };
    let posts: Vec<_> = reference
        .offices
        .iter()
        .filter(|o| matches!(o.kind, OfficeKind::BorderPost | OfficeKind::PoliceStation))
        .collect();
    let mut summary = TrainingSummary::default();
    let starts = [day(2026, 3, 2), day(2026, 5, 11), day(2026, 9, 7)];
    let sizes = [34, 33, 33];
    for (n, (start, size)) in starts.iter().zip(sizes).enumerate() {
        let session = store
            .create_training_session(
                actor,
                &NewTrainingSession {
                    id: TrainingSessionId::new(),
                    title: format!(
                        "Lutte contre la traite des personnes : formation des forces de l'ordre — session {}",
                        n + 1
                    ),
                    starts_on: *start,
                    ends_on: *start + Days::new(4),
                    venue: "Bujumbura, centre de formation de l'OIM".into(),
                    organiser_id: iom,
                    funding: Some("Programme régional de lutte contre la traite (bailleur fictif)".into()),
                    modules: curriculum
                        .modules
                        .iter()
                        .map(|m| SessionModule {
                            module: m.id.clone(),
                            facilitator_id: if m.id == "child_protection" { unicef } else { Some(iom) },
                        })
                        .collect(),
                    trainers: vec!["Josiane Kwizera".into(), "Pascal Ndayizeye".into()],
                    rule: CompletionRule::default(),
                },
            )
            .await?;
        summary.sessions += 1;
        for i in 0..size {
            // The demo officer and investigator took the first session.
            let account = match (n, i) {
                (0, 0) => reference.users.iter().find(|u| u.username == "officer"),
                (0, 1) => reference
                    .users
                    .iter()
                    .find(|u| u.username == "investigator"),
                _ => None,
            };
            let female = match account {
                Some(_) => i == 0,
                None => rng.random_bool(0.4),
            };
            let (first, _) = names::given_name(&mut rng, female);
            let full_name = match account {
                Some(u) => u.display_name.clone(),
                None => format!("{first} {}", names::surname(&mut rng)),
            };
            let office = posts[rng.random_range(0..posts.len())];
            let p = store
                .add_participant(
                    actor,
                    &NewParticipant {
                        id: ParticipantId::new(),
                        session_id: session.id,
                        user_id: account.map(|u| u.id),
                        full_name,
                        rank: Some(names::pick(&mut rng, RANKS).to_string()),
                        unit: Some(office.name.clone()),
                        office_id: account.and_then(|u| u.office_id).or(Some(office.id)),
                        sex: if female {
                            Gender::Feminine
                        } else {
                            Gender::Masculine
                        },
                    },
                )
                .await?;
            summary.participants += 1;
            let attended = match rng.random_range(0..10) {
                0 => 3,
                1 => 4,
                _ => 5,
            };
            for d in 0..attended {
                store
                    .set_attendance(actor, p.id, *start + Days::new(d), true)
                    .await?;
            }
            let pre = rng.random_range(35..=60u8);
            let post = (pre + rng.random_range(20..=45u8)).min(100);
            store
                .set_scores(actor, p.id, 1, Some(pre), Some(post))
                .await?;
            if store.issue_certificate(actor, p.id).await.is_ok() {
                summary.certificates += 1;
            }
        }
    }
    // Materials: received by IOM's store, then sent to every post and station.
    let Some(store_office) = reference
        .offices
        .iter()
        .find(|o| o.organisation_id == iom)
        .map(|o| o.id)
    else {
        return Ok(summary);
    };
    let items = [
        (
            "poster",
            "Ntimugurishwe — personne n'est à vendre",
            "rn",
            2000,
        ),
        (
            "flyer",
            "Offre d'emploi à l'étranger ? Vérifiez avant de partir",
            "fr",
            3000,
        ),
        (
            "brochure",
            "Vos droits si vous êtes victime de la traite",
            "fr",
            600,
        ),
    ];
    for (kind, title, lang, quantity) in items {
        let id = MaterialId::new();
        store
            .create_material(
                actor,
                id,
                kind,
                title,
                lang,
                Some("Campagne nationale 2026"),
            )
            .await?;
        store
            .receive_material(actor, id, store_office, quantity, day(2026, 2, 16))
            .await?;
        for (k, post) in posts.iter().enumerate() {
            let each = quantity / (posts.len() as i64 + 3);
            let on = day(2026, 3, 9) + Days::new((k as u64 * 3) % 40);
            store
                .distribute_material(actor, id, store_office, post.id, each, on)
                .await?;
            summary.distributions += 1;
        }
    }
    Ok(summary)
}
