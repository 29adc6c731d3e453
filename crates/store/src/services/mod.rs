//! The services directory: providers of services (an agency or one of its offices), the
//! areas they serve, their contacts, hours and languages, and the places they report free.
//! The rules (the form, the capacity's bounds, what a search matches) are in
//! `tabara_core::services`; the store checks them again on every write and searches with the
//! same matching rule in SQL.

use tabara_core::ids::*;
use tabara_core::picklist::ValueSet;

use crate::{Actor, Result, Store};

pub use tabara_core::services::{Capacity, ProviderQuery, ServiceProvider, ServiceType};

/// The most providers a search returns.
pub const MAX_PROVIDER_LIST: i64 = 500;

impl Store {
    /// Add a provider to the directory (rules of `ProviderForm::validate`; its office, if
    /// any, belongs to its agency: `svc_Office` / `other_organisation`); audited as
    /// `service_provider.create`. A capacity given is recorded as reported by `actor`.
    pub async fn create_service_provider(&self, actor: &Actor, p: &ServiceProvider) -> Result<()> {
        dispatch!(self, create_service_provider(actor, p))
    }

    /// Change a provider's entry (everything but its capacity), based on `p.version`; returns
    /// the new version. Earlier values go to the history; audited as `service_provider.update`.
    pub async fn update_service_provider(&self, actor: &Actor, p: &ServiceProvider) -> Result<i64> {
        dispatch!(self, update_service_provider(actor, p))
    }

    /// Report the places free (`None`: no longer reported), 0 to 10,000, based on
    /// `expected_version`; records when and by whom (and that user's agency). Audited as
    /// `service_provider.capacity`; returns the provider as now stored.
    pub async fn update_provider_capacity(
        &self,
        actor: &Actor,
        id: ServiceProviderId,
        expected_version: i64,
        free: Option<i64>,
    ) -> Result<ServiceProvider> {
        dispatch!(
            self,
            update_provider_capacity(actor, id, expected_version, free)
        )
    }

    /// One provider.
    pub async fn service_provider(&self, id: ServiceProviderId) -> Result<ServiceProvider> {
        dispatch!(self, service_provider(id))
    }

    /// The providers matching every filter of `q`, by name, at most `limit` (and at most
    /// [`MAX_PROVIDER_LIST`]).
    pub async fn search_service_providers(
        &self,
        q: &ProviderQuery,
        limit: i64,
    ) -> Result<Vec<ServiceProvider>> {
        dispatch!(self, search_service_providers(q, limit))
    }

    /// The services an agency offers: the union of its providers' services.
    pub async fn offered_services(
        &self,
        organisation: OrganisationId,
    ) -> Result<ValueSet<ServiceType>> {
        dispatch!(self, offered_services(organisation))
    }

    /// The providers offering a service, by name, at most `limit`.
    pub async fn providers_offering(
        &self,
        service: ServiceType,
        limit: i64,
    ) -> Result<Vec<ServiceProvider>> {
        let q = ProviderQuery {
            service: Some(service),
            ..ProviderQuery::default()
        };
        self.search_service_providers(&q, limit).await
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    pub(crate) mod queries;
}
