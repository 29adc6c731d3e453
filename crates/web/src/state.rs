//! What every handler can reach: the store, the configuration, and the cached directory.

use std::sync::Arc;
use std::time::Duration;

use tabara_core::ids::OrganisationId;
use tabara_store::Store;

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Config {
    /// Tabara is reached over HTTPS (behind a TLS proxy): cookies are `Secure` and HSTS is sent.
    pub behind_tls: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: chrono::Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub absolute_timeout: chrono::Duration,
    /// The address people reach Tabara at (e.g. `https://tabara.example.bi`), printed in
    /// certificates' verification links; without it, the address of the request is used.
    pub public_url: Option<String>,
    /// Creating or resetting an account whose role reads identities or manages accounts
    /// (administrator) waits for a second administrator's approval (on by default; `tabara serve --single-admin-resets` or
    /// `TABARA_ADMIN_APPROVAL=off` turns it off for an installation with one administrator).
    pub admin_approval: bool,
    /// How long an addressed agency has to answer a referral, by service (and for urgent
    /// ones); `tabara serve --referral-deadlines` overrides the defaults.
    pub deadlines: tabara_core::referral::Deadlines,
    /// The reflection and recovery period a support plan gets when its form leaves the length
    /// empty (30 days by default; `TABARA_REFLECTION_DAYS` for `tabara serve`).
    pub reflection: tabara_core::support::ReflectionPolicy,
    /// The roles that sign in with a second factor (TOTP): by default every role that reads
    /// identities, and the administrator; `TABARA_SECOND_FACTOR_ROLES` for `tabara serve`.
    /// An account that enrolled uses it whatever its role.
    pub second_factor: tabara_core::totp::SecondFactorPolicy,
    /// The largest file an upload may bring, in bytes (50 MB by default;
    /// `tabara serve --max-upload-mb`).
    pub max_upload_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            behind_tls: false,
            idle_timeout: chrono::Duration::minutes(30),
            absolute_timeout: chrono::Duration::hours(12),
            public_url: None,
            admin_approval: true,
            deadlines: tabara_core::referral::Deadlines::default(),
            reflection: tabara_core::support::ReflectionPolicy::default(),
            second_factor: tabara_core::totp::SecondFactorPolicy::default(),
            max_upload_bytes: tabara_core::files::DEFAULT_MAX_BYTES,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Store,
    pub(crate) config: Arc<Config>,
    directory: Arc<tokio::sync::RwLock<Option<Directory>>>,
    /// Failed sign-ins (passwords and second-factor codes) per client address.
    pub(crate) address_failures: Arc<AddressThrottle>,
    /// This server's key for the Digest nonces of phones (made at start; a nonce from another
    /// server or from before a restart is answered as stale and the phone retries).
    nonce_key: Arc<[u8; 32]>,
}

/// Failed sign-ins per client address, in memory (each application server counts its own):
/// from [`AddressThrottle::LIMIT`] failures within [`AddressThrottle::WINDOW`], the address
/// signs in no more until the oldest of them is out of the window, whatever the account.
#[derive(Default)]
pub struct AddressThrottle {
    failures:
        std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, Vec<std::time::Instant>>>,
}

impl AddressThrottle {
    /// Failures an address may have in the window.
    pub const LIMIT: usize = 20;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn recent(list: &mut Vec<std::time::Instant>, now: std::time::Instant) {
        list.retain(|t| now.duration_since(*t) < Self::WINDOW);
    }

    /// Whether the address is refused now.
    pub fn blocked(&self, address: std::net::IpAddr) -> bool {
        let mut map = self.failures.lock().expect("throttle lock");
        let now = std::time::Instant::now();
        match map.get_mut(&address) {
            Some(list) => {
                Self::recent(list, now);
                list.len() >= Self::LIMIT
            }
            None => false,
        }
    }

    /// Count a failure from the address (the map is pruned as it grows).
    pub fn fail(&self, address: std::net::IpAddr) {
        let mut map = self.failures.lock().expect("throttle lock");
        let now = std::time::Instant::now();
        if map.len() > 10_000 {
            map.retain(|_, l| {
                Self::recent(l, now);
                !l.is_empty()
            });
        }
        let list = map.entry(address).or_default();
        Self::recent(list, now);
        list.push(now);
    }
}

/// Organisations and offices, read often and changed rarely: kept for a minute.
#[derive(Clone)]
pub struct Directory {
    loaded: std::time::Instant,
    /// Every organisation.
    pub organisations: Arc<Vec<tabara_core::records::Organisation>>,
    /// Every office.
    pub offices: Arc<Vec<tabara_core::records::Office>>,
}

impl Directory {
    /// An organisation's name (its id when it is not in the directory).
    pub fn organisation_name(&self, id: OrganisationId) -> String {
        self.organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// The (id, name) pairs of an organisation's offices, for a form's select.
    pub fn office_choices(&self, organisation: OrganisationId) -> Vec<(String, String)> {
        self.offices
            .iter()
            .filter(|o| o.organisation_id == organisation)
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect()
    }

    /// The (id, name) pairs of every organisation, for a form's select.
    pub fn organisation_choices(&self) -> Vec<(String, String)> {
        self.organisations
            .iter()
            .map(|o| (o.id.to_string(), o.name.clone()))
            .collect()
    }
}

impl AppState {
    /// The state of an application over `store`.
    pub(crate) fn new(store: Store, config: Config) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            directory: Arc::new(tokio::sync::RwLock::new(None)),
            address_failures: Arc::new(AddressThrottle::default()),
            nonce_key: Arc::new(rand::random()),
        }
    }

    /// The address Tabara is reached at (`https://host`): the configured public address, or
    /// the request's host (only a host name's characters taken) with the scheme TLS implies.
    pub(crate) fn origin(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(u) = &self.config.public_url {
            return u.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
            })
            .unwrap_or("localhost");
        let scheme = if self.config.behind_tls {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{host}")
    }

    /// The key of the Digest nonces.
    pub(crate) fn nonce_key(&self) -> &[u8; 32] {
        &self.nonce_key
    }

    /// The directory, reloaded when older than a minute.
    pub async fn directory(&self) -> Result<Directory, tabara_store::StoreError> {
        if let Some(d) = self.directory.read().await.as_ref()
            && d.loaded.elapsed() < Duration::from_secs(60)
        {
            return Ok(d.clone());
        }
        let d = Directory {
            loaded: std::time::Instant::now(),
            organisations: Arc::new(self.store.organisations().await?),
            offices: Arc::new(self.store.offices().await?),
        };
        *self.directory.write().await = Some(d.clone());
        Ok(d)
    }

    /// Drop the cached directory after a change to organisations or offices.
    pub async fn forget_directory(&self) {
        *self.directory.write().await = None;
    }
}
