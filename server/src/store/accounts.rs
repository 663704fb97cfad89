//! Tenants, partnerships, users, sessions and API keys.

use super::{
    ApiKeyRecord, AuditEntry, NewApiKey, NewSession, NewUser, PrincipalRecord, SignInFailureRecord, StoreError,
    TenantRecord, UserRecord,
};

#[async_trait::async_trait]
pub trait AccountStore {
    async fn tenant_create(&self, name: &str, kind: &str) -> Result<TenantRecord, StoreError>;
    async fn tenant(&self, tenant_id: &str) -> Result<Option<TenantRecord>, StoreError>;
    async fn tenant_count(&self) -> Result<i64, StoreError>;
    /// Gives every tenant's log a new epoch (after a restore from a backup): devices then reset, bootstrap
    /// again and push what they still hold. Returns how many tenants.
    async fn renew_log_epochs(&self) -> Result<u64, StoreError>;
    /// Whether the tenant has any user.
    async fn has_users(&self, tenant_id: &str) -> Result<bool, StoreError>;
    /// The tenant's secret for keying serial generators, made (from `fresh`) on first use and never changed.
    async fn tenant_serial_secret(&self, tenant_id: &str, fresh: &str) -> Result<String, StoreError>;
    /// Records that `partner` (a CMO) works for `owner` (the brand owner, MAH).
    async fn partnership_create(&self, owner: &str, partner: &str) -> Result<(), StoreError>;
    /// The tenants on the other side of a partnership with `tenant_id`, either way round.
    async fn partners(&self, tenant_id: &str) -> Result<Vec<TenantRecord>, StoreError>;

    async fn user_create(&self, user: NewUser) -> Result<UserRecord, StoreError>;
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError>;
    async fn users(&self, tenant_id: &str) -> Result<Vec<UserRecord>, StoreError>;

    /// Starts a session for a user whose password was just checked; its public id, or `None` when the user was
    /// disabled or given a new password since (nothing is written then).
    async fn session_create(&self, session: NewSession, user: &UserRecord) -> Result<Option<String>, StoreError>;
    /// The enabled user behind a session that has not expired at `now`.
    async fn session_principal(&self, token_hash: &str, now: i64) -> Result<Option<PrincipalRecord>, StoreError>;
    async fn session_delete(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Notes that a session authenticated a request at `now`, unless it was noted at `stale_before` or later:
    /// bookkeeping for the Users screen, throttled so a busy session does not write on every request.
    async fn session_seen(&self, token_hash: &str, now: i64, stale_before: i64) -> Result<(), StoreError>;
    /// The same for an API key (`last_used_at`).
    async fn api_key_used(&self, key_hash: &str, now: i64, stale_before: i64) -> Result<(), StoreError>;

    /// The failed sign-ins counted against these subjects, of those that failed at `since` or later.
    async fn sign_in_failures(&self, subjects: &[String], since: i64) -> Result<Vec<SignInFailureRecord>, StoreError>;
    /// Counts one more failure against each subject at `now` (a count last raised before `since` starts
    /// again at 1), and forgets every subject quiet since before `since`; `entry` records the attempt.
    async fn sign_in_failed(
        &self,
        subjects: &[String],
        now: i64,
        since: i64,
        entry: AuditEntry,
    ) -> Result<(), StoreError>;
    /// Forgets the failures of these subjects.
    async fn sign_in_forget(&self, subjects: &[String]) -> Result<(), StoreError>;
    /// Remembers a browser (the hash of its cookie) that signed in as the user, or that it did again at `now`.
    async fn known_device_seen(&self, token_hash: &str, user_id: &str, now: i64) -> Result<(), StoreError>;
    /// Whether the browser (the hash of its cookie) signed in as the user before.
    async fn known_device(&self, token_hash: &str, user_id: &str) -> Result<bool, StoreError>;

    async fn api_key_create(&self, key: NewApiKey) -> Result<ApiKeyRecord, StoreError>;
    /// The key behind a hash, unless it was revoked.
    async fn api_key_principal(&self, key_hash: &str) -> Result<Option<PrincipalRecord>, StoreError>;
    async fn api_keys(&self, tenant_id: &str) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Revokes a key of the tenant; false when the tenant has no such key.
    async fn api_key_revoke(&self, tenant_id: &str, key_id: &str) -> Result<bool, StoreError>;

    /// Gives a device of the tenant its name (a second naming replaces the first).
    async fn device_name_set(&self, tenant_id: &str, device_id: &str, name: &str, by: &str) -> Result<(), StoreError>;
    /// The tenant's named devices: (device id, name), by id.
    async fn device_names(&self, tenant_id: &str) -> Result<Vec<(String, String)>, StoreError>;
}
