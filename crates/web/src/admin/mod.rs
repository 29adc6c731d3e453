//! Administration pages: user accounts (create, disable, enable, reset the password) and
//! organisations with their offices. Only for roles granted `ManageUsers` /
//! `ManageOrganisations`; anyone else gets the same 404 as for a page that does not exist.
//! Every change is audited by the store.
//!
//! An administrator never sees a usable password: a new account or a reset gets a one-time
//! credential, valid 72 hours, that signs in once and only to choose a new password. For a role
//! that reads identities or manages accounts, the creation or reset first waits for a second
//! administrator, who approves (and only then is the credential produced) or refuses; see
//! [`Config::admin_approval`](crate::Config).

mod organisations;
mod requests;
mod users;

use tabara_core::Role;
use tabara_core::password::{generate_password, hash_password};
use tabara_core::permissions::{Action, decide};

use crate::access::{Access, Body, Kind, Routes};
use crate::error::AppError;
use crate::state::AppState;

/// The administration pages.
pub(crate) fn router() -> Routes {
    let users = Access::Global(Action::ManageUsers);
    let account = Access::Record(Kind::User, Action::ManageUsers);
    let request = Access::Record(Kind::AccountRequest, Action::ManageUsers);
    let organisations = Access::Global(Action::ManageOrganisations);
    let organisation = Access::Record(Kind::Organisation, Action::ManageOrganisations);
    Routes::new()
        .get("/admin/users", users, users::users)
        .get("/admin/users/new", users, users::new_user_page)
        .post("/admin/users/new", users, Body::Form, users::create_user)
        .get("/admin/users/{username}", account, users::user_detail)
        .post(
            "/admin/users/{username}/disable",
            account,
            Body::Form,
            users::disable_user,
        )
        .post(
            "/admin/users/{username}/enable",
            account,
            Body::Form,
            users::enable_user,
        )
        .post(
            "/admin/users/{username}/reset",
            account,
            Body::Form,
            users::reset_user,
        )
        .post(
            "/admin/requests/{id}/approve",
            request,
            Body::Form,
            requests::approve_request,
        )
        .post(
            "/admin/requests/{id}/refuse",
            request,
            Body::Form,
            requests::refuse_request,
        )
        .get(
            "/admin/organisations",
            organisations,
            organisations::organisations,
        )
        .get(
            "/admin/organisations/new",
            organisations,
            organisations::new_organisation_page,
        )
        .post(
            "/admin/organisations/new",
            organisations,
            Body::Form,
            organisations::create_organisation,
        )
        .get(
            "/admin/organisations/{id}",
            organisation,
            organisations::organisation_detail,
        )
        .post(
            "/admin/organisations/{id}",
            organisation,
            Body::Form,
            organisations::update_organisation,
        )
        .post(
            "/admin/organisations/{id}/offices",
            organisation,
            Body::Form,
            organisations::add_office,
        )
}

/// Rows per page of the admin lists.
pub(super) const ADMIN_PAGE: i64 = 50;

/// How long a one-time credential signs in.
pub(super) const ONE_TIME_VALIDITY: chrono::Duration = chrono::Duration::hours(72);

/// Whether a role may ever read identities, whatever the record: derived from the permission
/// rules by trying every relation a user can have to a case.
pub fn reads_identities(role: Role) -> bool {
    tabara_core::permissions::reads_identities(role)
}

/// Whether a role may manage user accounts: from the permission rules.
pub fn manages_users(role: Role) -> bool {
    decide(role, Action::ManageUsers, None).allowed()
}

/// Whether creating or resetting an account of this role waits for a second administrator:
/// a role that reads identities, or one that manages accounts (else one administrator would
/// make a second administrator account, hold its credential and approve their own requests
/// with it).
pub(super) fn needs_second_admin(state: &AppState, role: Role) -> bool {
    state.config.admin_approval && (reads_identities(role) || manages_users(role))
}

/// A fresh one-time credential and its Argon2id hash (hashed off the request threads).
pub(super) async fn one_time_credential(
    lang: tabara_core::Lang,
) -> Result<(String, String), AppError> {
    let password = generate_password();
    let p = password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&p))
        .await
        .map_err(|_| AppError::Forbidden(lang))?;
    Ok((password, hash))
}

/// The notice that hands a one-time credential over, once.
pub(super) fn one_time_notice(lang: tabara_core::Lang, username: &str, password: &str) -> String {
    tabara_i18n::t!(
        lang,
        "admin-one-time-credential",
        username = username,
        password = password
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tabara_core::Picklist;

    #[test]
    fn the_roles_that_read_identities_come_from_the_permission_rules() {
        let reading: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| reads_identities(*r))
            .collect();
        assert_eq!(
            reading,
            [
                Role::Officer,
                Role::Investigator,
                Role::Supervisor,
                Role::Prosecutor,
                Role::Caseworker,
                Role::ChildProtection,
            ]
        );
    }

    #[test]
    fn the_roles_that_manage_accounts_come_from_the_permission_rules() {
        let managing: Vec<Role> = Role::ALL
            .iter()
            .copied()
            .filter(|r| manages_users(*r))
            .collect();
        assert_eq!(managing, [Role::Admin]);
    }
}
