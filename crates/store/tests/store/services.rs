//! The services directory: providers checked on every write, audited with their history,
//! capacity reported with who and when, the search by service, area and language (with the
//! former provinces), the union of an agency's services.

use tabara_core::referral::ServiceType;
use tabara_core::services::ProviderForm;
use tabara_store::{ProviderQuery, ServiceProvider};

use crate::common::*;

pub(crate) fn provider_form(
    org: OrganisationId,
    services: &[&str],
    areas: &[&str],
) -> ProviderForm {
    ProviderForm {
        organisation: org.to_string(),
        name: format!("Prestataire {}", areas.join(" ")),
        services: services.iter().map(|s| s.to_string()).collect(),
        areas: areas.iter().map(|s| s.to_string()).collect(),
        phone: "+257 79 000 000".into(),
        email: "contact@example.org".into(),
        hours: "Lundi–vendredi 8 h–17 h".into(),
        languages: "rn fr".into(),
        ..Default::default()
    }
}

/// A provider of `w`'s agency, stored by the system.
pub(crate) async fn stored_provider(
    s: &Store,
    w: &World,
    services: &[&str],
    areas: &[&str],
) -> ServiceProvider {
    let p = provider_form(w.org.id, services, areas).validate().unwrap();
    s.create_service_provider(&system(), &p).await.unwrap();
    p
}

fn q(service: &str, area: &str, language: &str) -> ProviderQuery {
    ProviderQuery::parse(service, area, language).unwrap()
}

async fn names(s: &Store, query: &ProviderQuery) -> Vec<String> {
    s.search_service_providers(query, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect()
}

store_test!(
    a_provider_is_stored_audited_and_read_back,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let before = audit_count(s).await;
        let mut p = provider_form(w.org.id, &["shelter", "medical"], &["bi-gitega"])
            .validate()
            .unwrap();
        p.office_id = Some(w.office.id);
        s.create_service_provider(&system(), &p).await.unwrap();
        assert_eq!(s.service_provider(p.id).await.unwrap(), p);
        assert_eq!(audit_count(s).await, before + 1);
        assert_eq!(
            trail_actions(s, "service_provider", &p.id.to_string()).await,
            ["service_provider.create"]
        );
        let missing = ServiceProviderId::new();
        assert_not_found(
            s.service_provider(missing).await,
            "service_provider",
            &missing.to_string(),
        );
        assert_verified(s, before + 1).await;
    }
);

store_test!(
    bad_providers_are_refused_and_change_nothing,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let before = audit_count(s).await;
        let good = provider_form(w.org.id, &["shelter"], &["bi-gitega"])
            .validate()
            .unwrap();
        let mut unknown_area = good.clone();
        unknown_area.areas = vec!["bi-atlantis".into()];
        assert_invalid(
            s.create_service_provider(&system(), &unknown_area).await,
            "svc_Areas",
            "unknown_area",
        );
        let mut no_service = good.clone();
        no_service.services = ValueSet::new();
        assert_invalid(
            s.create_service_provider(&system(), &no_service).await,
            "svc_Services",
            "required",
        );
        let mut stranger = good.clone();
        stranger.organisation_id = OrganisationId::new();
        assert_invalid(
            s.create_service_provider(&system(), &stranger).await,
            "svc_Organisation",
            "unknown",
        );
        let other = org("Autre agence");
        s.create_organisation(&system(), &other).await.unwrap();
        let theirs = office(&other, "Bureau de Ngozi");
        s.create_office(&system(), &theirs).await.unwrap();
        let mut foreign_office = good.clone();
        foreign_office.office_id = Some(theirs.id);
        assert_invalid(
            s.create_service_provider(&system(), &foreign_office).await,
            "svc_Office",
            "other_organisation",
        );
        let mut too_many = good.clone();
        too_many.capacity = Some(tabara_store::services::Capacity {
            free: 10_001,
            updated_at: chrono::Utc::now(),
            updated_by: "system:test".into(),
            updated_by_organisation: None,
        });
        assert_invalid(
            s.create_service_provider(&system(), &too_many).await,
            "svc_Capacity",
            "range",
        );
        assert_eq!(
            audit_count(s).await,
            before + 2,
            "only the other agency and office"
        );
        assert!(names(s, &ProviderQuery::default()).await.is_empty());
    }
);

store_test!(
    an_update_names_its_version_and_keeps_history,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let p = stored_provider(s, &w, &["shelter"], &["bi-gitega"]).await;
        let mut changed = p.clone();
        changed.hours = Some("24 h/24".into());
        changed.areas = vec!["bi".into()];
        let v = s
            .update_service_provider(&system(), &changed)
            .await
            .unwrap();
        assert_eq!(v, 2);
        let stored = s.service_provider(p.id).await.unwrap();
        assert_eq!(
            (stored.hours.as_deref(), stored.version),
            (Some("24 h/24"), 2)
        );
        assert_one_change(
            s,
            "service_provider",
            &p.id.to_string(),
            &system(),
            json!({
                "hours": ["Lundi–vendredi 8 h–17 h", "24 h/24"],
                "areas": [["bi-gitega"], ["bi"]],
            }),
        )
        .await;
        // A stale edit is refused and changes nothing.
        let mut stale = p.clone();
        stale.name = "Ancien nom".into();
        assert_conflict(
            s.update_service_provider(&system(), &stale).await,
            "service_provider",
            &p.id.to_string(),
            1,
            2,
        );
        let mut bad = stored.clone();
        bad.phone = Some("call me".into());
        assert_invalid(
            s.update_service_provider(&system(), &bad).await,
            "svc_Phone",
            "e164",
        );
        assert_eq!(s.service_provider(p.id).await.unwrap(), stored);
        assert_eq!(
            trail_actions(s, "service_provider", &p.id.to_string()).await,
            ["service_provider.create", "service_provider.update"]
        );
    }
);

store_test!(capacity_is_reported_with_who_and_when, |db| async move {
    let s = &db.store;
    let w = world(s).await;
    let p = stored_provider(s, &w, &["shelter"], &["bi-gitega"]).await;
    assert_eq!(p.capacity, None);
    let user = s
        .create_user(
            &system(),
            &NewUser {
                id: UserId::new(),
                username: "gestionnaire.accueil".into(),
                display_name: "Gestionnaire".into(),
                role: Role::Caseworker,
                organisation_id: w.org.id,
                office_id: Some(w.office.id),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            },
        )
        .await
        .unwrap();
    let actor = Actor::user(user);
    let before = chrono::Utc::now();
    let after = s
        .update_provider_capacity(&actor, p.id, 1, Some(7))
        .await
        .unwrap();
    let c = after.capacity.clone().unwrap();
    assert_eq!((c.free, c.updated_by.as_str()), (7, actor.as_str()));
    assert_eq!(c.updated_by_organisation, Some(w.org.id));
    assert!(c.updated_at >= before);
    let stored = s.service_provider(p.id).await.unwrap();
    assert_eq!(stored.capacity.as_ref().map(|c| c.free), Some(7));
    assert_eq!(stored.version, 2);
    // Out of bounds or stale: refused, nothing changed.
    assert_invalid(
        s.update_provider_capacity(&actor, p.id, 2, Some(-1)).await,
        "svc_Capacity",
        "range",
    );
    assert_conflict(
        s.update_provider_capacity(&actor, p.id, 1, Some(3)).await,
        "service_provider",
        &p.id.to_string(),
        1,
        2,
    );
    assert_eq!(s.service_provider(p.id).await.unwrap(), stored);
    // No longer reported.
    let cleared = s
        .update_provider_capacity(&actor, p.id, 2, None)
        .await
        .unwrap();
    assert_eq!(cleared.capacity, None);
    assert_eq!(s.service_provider(p.id).await.unwrap().capacity, None);
    assert_eq!(
        trail_actions(s, "service_provider", &p.id.to_string()).await,
        [
            "service_provider.create",
            "service_provider.capacity",
            "service_provider.capacity"
        ]
    );
    assert_not_found(
        s.update_provider_capacity(&actor, ServiceProviderId(uuid::Uuid::nil()), 1, Some(1))
            .await,
        "service_provider",
        &uuid::Uuid::nil().to_string(),
    );
});

store_test!(
    the_search_matches_service_area_and_language,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        let mut national = provider_form(w.org.id, &["medical", "legal_aid"], &["bi"]);
        national.name = "A national".into();
        national.languages = "fr en".into();
        let mut gitega = provider_form(w.org.id, &["shelter"], &["bi-gitega"]);
        gitega.name = "B Gitega".into();
        let mut karusi = provider_form(
            w.org.id,
            &["shelter", "psychosocial"],
            &["bi-gitega-karusi"],
        );
        karusi.name = "C Karusi".into();
        karusi.languages = "rn sw".into();
        let mut muhuta = provider_form(w.org.id, &["shelter"], &["bi-bujumbura-muhuta"]);
        muhuta.name = "D Muhuta".into();
        for f in [&national, &gitega, &karusi, &muhuta] {
            let p = f.validate().unwrap();
            s.create_service_provider(&system(), &p).await.unwrap();
        }
        assert_eq!(
            names(s, &ProviderQuery::default()).await,
            ["A national", "B Gitega", "C Karusi", "D Muhuta"]
        );
        assert_eq!(
            names(s, &q("shelter", "", "")).await,
            ["B Gitega", "C Karusi", "D Muhuta"]
        );
        assert_eq!(names(s, &q("", "", "sw")).await, ["C Karusi"]);
        assert_eq!(names(s, &q("legal_aid", "", "en")).await, ["A national"]);
        assert_eq!(
            names(s, &q("", "bi-gitega-karusi", "")).await,
            ["A national", "B Gitega", "C Karusi"]
        );
        assert_eq!(
            names(s, &q("", "bi-gitega-mwaro", "")).await,
            ["A national", "B Gitega"]
        );
        assert_eq!(
            names(s, &q("shelter", "bi-gitega", "")).await,
            ["B Gitega", "C Karusi"]
        );
        // Former provinces: Karuzi is now in Gitega; Rumonge mostly in Burunga, its north in
        // Bujumbura's Muhuta.
        assert_eq!(
            names(s, &q("shelter", "Karuzi", "")).await,
            ["B Gitega", "C Karusi"]
        );
        assert_eq!(names(s, &q("shelter", "Rumonge", "")).await, ["D Muhuta"]);
        assert_eq!(names(s, &q("", "Cankuzo", "")).await, ["A national"]);
        // Bounded, by name.
        let two = s
            .search_service_providers(&ProviderQuery::default(), 2)
            .await
            .unwrap();
        assert_eq!(two.len(), 2);
        // The query's matching rule and the SQL agree.
        let all = s
            .search_service_providers(&ProviderQuery::default(), 500)
            .await
            .unwrap();
        for query in [
            q("shelter", "Rumonge", ""),
            q("", "bi-gitega", "rn"),
            q("medical", "Ngozi", "fr"),
        ] {
            let expected: Vec<String> = all
                .iter()
                .filter(|p| query.matches(p))
                .map(|p| p.name.clone())
                .collect();
            assert_eq!(names(s, &query).await, expected, "{query:?}");
        }
    }
);

store_test!(
    an_agency_offers_the_union_of_its_providers,
    |db| async move {
        let s = &db.store;
        let w = world(s).await;
        assert!(s.offered_services(w.org.id).await.unwrap().is_empty());
        stored_provider(s, &w, &["shelter"], &["bi-gitega"]).await;
        stored_provider(s, &w, &["medical", "shelter"], &["bi"]).await;
        let other = org("Autre agence");
        s.create_organisation(&system(), &other).await.unwrap();
        let theirs = provider_form(other.id, &["legal_aid"], &["bi"])
            .validate()
            .unwrap();
        s.create_service_provider(&system(), &theirs).await.unwrap();
        assert_eq!(
            s.offered_services(w.org.id).await.unwrap(),
            set(&[ServiceType::Shelter, ServiceType::Medical])
        );
        let offering = s
            .providers_offering(ServiceType::LegalAid, 10)
            .await
            .unwrap();
        assert_eq!(offering.len(), 1);
        assert_eq!(offering[0].organisation_id, other.id);
        assert_eq!(
            s.providers_offering(ServiceType::Shelter, 10)
                .await
                .unwrap()
                .len(),
            2
        );
    }
);
