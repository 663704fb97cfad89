//! An organisation's people as its admins manage them: roles, display names, disabling, new passwords, and
//! their sessions (listed by a public id, ended one by one or all at once).

use super::{StoreError, UserRecord};

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub role: Option<String>,
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
}

/// How a change to a user ended.
#[derive(Debug, Clone)]
pub enum UserChanged {
    /// Done (or nothing to do): the user as it is now.
    Changed(UserRecord),
    /// The tenant has no user with this id.
    NotFound,
    /// The change would leave the tenant without an enabled admin: nothing was written.
    LastAdmin,
}

/// A session as people see it: never its token or the token's hash.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub id: String,
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// When it last authenticated a request (written at most once a minute).
    pub last_seen_at: Option<i64>,
    pub user_agent: Option<String>,
    pub client_address: Option<String>,
}

/// A session about to start, as sign-in knows it.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    pub expires_at: i64,
    pub user_agent: Option<String>,
    pub client_address: Option<String>,
}

#[async_trait::async_trait]
pub trait UserStore {
    /// A user of the tenant.
    async fn user(&self, tenant_id: &str, user_id: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Changes a user's role, display name or disabled state in one transaction, refusing to leave the
    /// tenant without an enabled admin; disabling ends every session of the user in the same transaction.
    async fn user_update(
        &self,
        tenant_id: &str,
        user_id: &str,
        changes: UserChanges,
    ) -> Result<UserChanged, StoreError>;
    /// Sets a user's password hash and ends all the user's sessions; false when the tenant has no such user.
    async fn user_password_set(&self, tenant_id: &str, user_id: &str, password_hash: &str) -> Result<bool, StoreError>;
    /// The user's sessions that have not expired at `now`, newest first.
    async fn user_sessions(&self, tenant_id: &str, user_id: &str, now: i64) -> Result<Vec<SessionRecord>, StoreError>;
    /// Ends one live session of the user; false when the tenant's user has no such live session.
    async fn session_revoke(
        &self,
        tenant_id: &str,
        user_id: &str,
        session_id: &str,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Deletes the sessions that expired before `before`; how many. Bookkeeping, not an entry: an expired
    /// session lets no one in already (docs/JOBS.md).
    async fn sessions_forget_expired(&self, before: i64) -> Result<u64, StoreError>;
}
