//! Organisations, offices and user accounts.

use serde::Serialize;
use tabara_core::Role;
use tabara_core::ids::*;
use tabara_core::records::*;

use crate::{Actor, Result, Store};

/// A user account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Id to give the account.
    pub id: UserId,
    /// Sign-in name, unique.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office, if the user works at one.
    pub office_id: Option<OfficeId>,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// A user account as stored (without the password hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Sign-in name.
    pub username: String,
    /// Shown in the interface.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Agency.
    pub organisation_id: OrganisationId,
    /// Office.
    pub office_id: Option<OfficeId>,
    /// Disabled accounts cannot sign in.
    pub disabled: bool,
    /// Version.
    pub version: i64,
}

impl Store {
    /// Add an organisation.
    pub async fn create_organisation(&self, actor: &Actor, org: &Organisation) -> Result<()> {
        dispatch!(self, create_organisation(actor, org))
    }

    /// Every organisation, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        dispatch!(self, organisations())
    }

    /// Change an organisation; `org.version` is the version the change was based on.
    pub async fn update_organisation(&self, actor: &Actor, org: &Organisation) -> Result<i64> {
        dispatch!(self, update_organisation(actor, org))
    }

    /// Add an office.
    pub async fn create_office(&self, actor: &Actor, office: &Office) -> Result<()> {
        dispatch!(self, create_office(actor, office))
    }

    /// Every office, by name.
    pub async fn offices(&self) -> Result<Vec<Office>> {
        dispatch!(self, offices())
    }

    /// Add a user account.
    pub async fn create_user(&self, actor: &Actor, user: &NewUser) -> Result<UserId> {
        dispatch!(self, create_user(actor, user))
    }

    /// A user by user name.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        dispatch!(self, user_by_username(username))
    }

    /// Number of user accounts.
    pub async fn count_users(&self) -> Result<i64> {
        dispatch!(self, count_users())
    }

    /// User accounts by user name, after `after`, at most `limit`.
    pub async fn users(&self, after: Option<&str>, limit: i64) -> Result<Vec<User>> {
        dispatch!(self, users(after, limit))
    }

    /// The active accounts of an agency, by display name, at most `limit` (to assign cases).
    pub async fn organisation_users(
        &self,
        organisation_id: OrganisationId,
        limit: i64,
    ) -> Result<Vec<User>> {
        dispatch!(self, organisation_users(organisation_id, limit))
    }

    /// The organisations with an active account of `role` (prosecutor's offices, legal-aid
    /// organisations), in one query.
    pub async fn organisations_with_role(&self, role: Role) -> Result<Vec<OrganisationId>> {
        dispatch!(self, organisations_with_role(role))
    }

    /// A user by id.
    pub async fn user(&self, id: UserId) -> Result<User> {
        dispatch!(self, user(id))
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
