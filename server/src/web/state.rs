//! What every route is handed: the store, the server's settings, and the little a server keeps for itself
//! (a short cache of checked credentials, its open poke streams). Nothing here may differ between servers
//! behind one database (ARCHITECTURE.md, "Architecture invariants").

use super::credential_cache::CredentialCache;
use super::pokes::Pokes;
use crate::auth::PasswordCost;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// The folder of the built browser app.
    pub app_dir: PathBuf,
    /// How expensive new password hashes are.
    pub password_cost: PasswordCost,
    /// Whether cookies are marked `Secure` (the server is reached over HTTPS).
    pub secure_cookies: bool,
    /// Whether the last `X-Forwarded-For` address is the client's (a trusted proxy sits in front).
    pub trust_forwarded_for: bool,
    pub(super) credentials: Arc<CredentialCache>,
    /// Tells open `/sync/poke` streams that a tenant's log grew.
    pub pokes: Pokes,
    /// The public key (hex) of the audit key file: the checkpoints `GET /audit/verify` trusts. `None` trusts
    /// each checkpoint's own key.
    pub audit_public_key: Option<String>,
    /// The calendar retention reads "today" from (a test moves it across years).
    pub clock: crate::domain::clock::Clock,
    /// Wakes this server's outbox loop (`domain/outbox.rs`) when a route queues a job, so it starts at once.
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, app_dir: PathBuf) -> Self {
        Self {
            store,
            app_dir,
            password_cost: PasswordCost::Standard,
            secure_cookies: false,
            trust_forwarded_for: false,
            credentials: Arc::new(CredentialCache::new(Duration::from_secs(5))),
            pokes: Pokes::default(),
            audit_public_key: None,
            clock: crate::domain::clock::Clock::system(),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
        }
    }
}
