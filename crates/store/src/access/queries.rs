//! The access domain's queries, in three files: sign-in, sessions and tokens; shares and
//! need-to-know; one-time credentials and the requests a second administrator decides.

use super::*;

#[path = "accounts.rs"]
mod accounts;
#[path = "sessions.rs"]
mod sessions;
#[path = "shares.rs"]
mod shares;
pub(crate) use accounts::*;
pub(crate) use sessions::*;
pub(crate) use shares::*;
