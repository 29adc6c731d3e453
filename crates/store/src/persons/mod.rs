//! Persons: facts, identifying data (every read audited) and the name search.

use tabara_core::ids::*;
use tabara_core::records::*;

use crate::{Actor, Result, Store};

impl Store {
    /// Register a person: facts and identity in one transaction.
    pub async fn create_person(
        &self,
        actor: &Actor,
        person: &Person,
        identity: &PersonIdentity,
    ) -> Result<()> {
        dispatch!(self, create_person(&self.keys, actor, person, identity))
    }

    /// A person's facts (not identifying; no audit entry).
    pub async fn person(&self, id: PersonId) -> Result<Person> {
        dispatch!(self, person(id))
    }

    /// A person's identifying data, with its version. Writes a `person_identity.read` audit
    /// entry naming the actor and the person.
    pub async fn read_identity(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> Result<(PersonIdentity, i64)> {
        dispatch!(self, read_identity(&self.keys, actor, id))
    }

    /// Change a person's facts; `person.version` is the version the change was based on.
    /// Returns the new version.
    pub async fn update_person(&self, actor: &Actor, person: &Person) -> Result<i64> {
        dispatch!(self, update_person(actor, person))
    }

    /// Change a person's identifying data, based on `expected_version`. Returns the new version.
    pub async fn update_identity(
        &self,
        actor: &Actor,
        id: PersonId,
        expected_version: i64,
        identity: &PersonIdentity,
    ) -> Result<i64> {
        dispatch!(
            self,
            update_identity(&self.keys, actor, id, expected_version, identity)
        )
    }

    /// Change a person's facts and identifying data in one transaction: both changes land or
    /// neither does. Returns the new versions of the facts and of the identity.
    pub async fn update_person_with_identity(
        &self,
        actor: &Actor,
        person: &Person,
        identity_version: i64,
        identity: &PersonIdentity,
    ) -> Result<(i64, i64)> {
        dispatch!(
            self,
            update_person_with_identity(&self.keys, actor, person, identity_version, identity)
        )
    }

    /// Persons whose name has, for each word of the query, a word it begins (3 letters or more;
    /// a shorter word whole), in any order, case and accents aside; found through the blind
    /// name index. Returns ids only: the caller reads identities it is allowed to (each read
    /// audited).
    pub async fn find_persons_by_name(&self, query: &str, limit: i64) -> Result<Vec<PersonId>> {
        dispatch!(self, find_persons_by_name(&self.keys, query, limit))
    }
}

#[path = "."]
pub(crate) mod sqlite {
    use crate::backend::sqlite::*;
    use crate::cases::sqlite::queries as cases;
    use crate::erasure::sqlite::queries as erasure;
    pub(crate) mod queries;
}

#[path = "."]
pub(crate) mod postgres {
    use crate::backend::postgres::*;
    use crate::cases::postgres::queries as cases;
    use crate::erasure::postgres::queries as erasure;
    pub(crate) mod queries;
}
