//! Demo services directory: providers of the demo agencies so that each of the five
//! provinces has at least one provider of shelter, medical care, psychosocial support and
//! child protection (the shelter NGO's houses in every province with their places free, the
//! ministry's family centres and district hospital units, UNICEF's child protection teams),
//! and national ones (IOM's return and reintegration, the legal aid centre). Written after
//! the directory; deterministic (ids included).

use tabara_core::ids::ServiceProviderId;
use tabara_core::services::{Areas, ProviderForm, ServiceProvider};
use tabara_store::{Actor, Store, StoreError};

use crate::{Reference, agency};

/// Milliseconds of the providers' ids: 2026-06-30, the demo's anchor.
const ID_MILLIS: u64 = 1_782_777_600_000;

/// One provider of the table: agency, name, services, areas, languages, places free.
type Row = (
    usize,
    String,
    &'static [&'static str],
    Vec<String>,
    &'static str,
    Option<i64>,
);

fn rows() -> Vec<Row> {
    let areas = Areas::embedded();
    let mut out: Vec<Row> = Vec::new();
    // The shelter NGO: a house in the chief town of every province.
    let beds = [6, 3, 0, 9, 4];
    for (i, p) in areas.provinces.iter().enumerate() {
        out.push((
            agency::SHELTER_NGO,
            format!("Maison d'accueil Amahoro — {} (fictive)", p.chef_lieu),
            &["shelter", "psychosocial"],
            vec![p.code.clone()],
            "rn, fr",
            Some(beds[i % beds.len()]),
        ));
    }
    for p in &areas.provinces {
        out.push((
            agency::MINISTRY,
            format!("Centre de développement familial — {} (fictif)", p.name),
            &["psychosocial", "child_protection", "livelihood"],
            vec![p.code.clone()],
            "rn, fr",
            None,
        ));
        out.push((
            agency::MINISTRY,
            format!(
                "Hôpital de {} — unité de prise en charge (fictive)",
                p.chef_lieu
            ),
            &["medical"],
            vec![p.code.clone()],
            "rn, fr, sw",
            None,
        ));
        out.push((
            agency::UNICEF,
            format!("Protection de l'enfance UNICEF — {}", p.name),
            &["child_protection", "family_tracing"],
            vec![p.code.clone()],
            "rn, fr, en",
            None,
        ));
    }
    out.push((
        agency::IOM,
        "OIM — retour et réintégration".to_string(),
        &[
            "return_reintegration",
            "livelihood",
            "family_tracing",
            "medical",
            "interpretation",
        ],
        vec!["bi".to_string()],
        "rn, fr, sw, en",
        None,
    ));
    out.push((
        agency::LEGAL_AID,
        "Centre d'aide juridique Ubuntu — permanences (fictif)".to_string(),
        &["legal_aid", "interpretation"],
        vec!["bi".to_string()],
        "rn, fr, sw",
        None,
    ));
    out
}

/// The demo providers for `reference`'s agencies (places free not yet reported: see
/// [`write_services`]).
pub fn demo_providers(reference: &Reference) -> Vec<(ServiceProvider, Option<i64>)> {
    rows()
        .into_iter()
        .enumerate()
        .map(|(i, (org, name, services, areas, languages, free))| {
            let organisation = &reference.organisations[org];
            let form = ProviderForm {
                organisation: organisation.id.to_string(),
                office: String::new(),
                name,
                services: services.iter().map(|s| s.to_string()).collect(),
                areas,
                phone: format!("+2572233{:04}", i + 1),
                email: format!("contact{}@example.org", i + 1),
                hours: "Lundi–vendredi 7 h 30–17 h 30\nUrgences : 24 h/24".to_string(),
                languages: languages.to_string(),
            };
            let mut p = form.validate().expect("the demo's providers are valid");
            let bytes = (i as u128 + 1).to_be_bytes();
            let mut random = [0u8; 10];
            random.copy_from_slice(&bytes[6..]);
            p.id = ServiceProviderId(
                uuid::Builder::from_unix_timestamp_millis(ID_MILLIS + i as u64, &random)
                    .into_uuid(),
            );
            (p, free)
        })
        .collect()
}

/// Write the providers, and the shelters' places free as reported by the shelter NGO's
/// first account (by `actor` when it has none); returns how many providers were written.
pub async fn write_services(
    store: &Store,
    actor: &Actor,
    reference: &Reference,
) -> Result<usize, StoreError> {
    let shelter = reference.organisations[agency::SHELTER_NGO].id;
    let reporter = reference
        .users
        .iter()
        .find(|u| u.organisation_id == shelter)
        .map(|u| Actor::user(u.id))
        .unwrap_or_else(|| actor.clone());
    let providers = demo_providers(reference);
    for (p, free) in &providers {
        store.create_service_provider(actor, p).await?;
        if free.is_some() {
            store
                .update_provider_capacity(&reporter, p.id, p.version, *free)
                .await?;
        }
    }
    Ok(providers.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tabara_core::services::{Area, ProviderQuery, ServiceType};

    #[test]
    fn every_province_has_shelter_medical_psychosocial_and_child_protection() {
        let reference = crate::Demo::new(1, 10).reference().clone();
        let providers: Vec<ServiceProvider> = demo_providers(&reference)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let areas = Areas::embedded();
        for p in &areas.provinces {
            for service in [
                ServiceType::Shelter,
                ServiceType::Medical,
                ServiceType::Psychosocial,
                ServiceType::ChildProtection,
            ] {
                let q = ProviderQuery {
                    service: Some(service),
                    area: Some(p.code.clone()),
                    language: None,
                };
                let local = providers
                    .iter()
                    .filter(|x| q.matches(x) && x.serves(areas, Area::Province(p)))
                    .filter(|x| !x.areas.iter().any(|a| a == "bi"))
                    .count();
                assert!(local >= 1, "{} has no {service:?} of its own", p.name);
            }
            // And each commune finds them (a province's provider serves its communes).
            for c in &p.communes {
                let q = ProviderQuery::parse("shelter", &c.code, "").unwrap();
                assert!(providers.iter().any(|x| q.matches(x)), "{}", c.name);
            }
        }
        // Shelters report their places free.
        let shelters = demo_providers(&reference)
            .into_iter()
            .filter(|(p, _)| p.services.contains(ServiceType::Shelter))
            .collect::<Vec<_>>();
        assert!(shelters.iter().all(|(_, free)| free.is_some()));
    }

    #[test]
    fn deterministic() {
        let a = demo_providers(crate::Demo::new(1, 10).reference());
        let b = demo_providers(crate::Demo::new(1, 10).reference());
        assert_eq!(a, b);
    }
}
