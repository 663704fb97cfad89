//! The Manufacturer API's storage: quotas of API keys and partnerships, extra per-serial parameters, partner
//! pools, and the stored answers of idempotent requests.

use super::{PoolStateRecord, StoreError};

/// What an API key may do beyond its role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyGrants {
    /// The most serials one request of the key may ask for.
    pub max_serials_per_request: i64,
    /// Whether the key may read extra per-serial parameters.
    pub reads_extra: bool,
    /// The most serials the key may export per UTC day; `None`: its role's ceiling (docs/DATA_PROTECTION.md).
    pub max_exported_serials_per_day: Option<i64>,
}

impl Default for KeyGrants {
    fn default() -> Self {
        Self {
            max_serials_per_request: DEFAULT_MAX_SERIALS_PER_REQUEST,
            reads_extra: false,
            max_exported_serials_per_day: None,
        }
    }
}

impl KeyGrants {
    /// The grants as a key's audit entries show them.
    pub fn audited(&self) -> serde_json::Value {
        serde_json::json!({
            "max_serials_per_request": self.max_serials_per_request, "reads_extra": self.reads_extra,
            "max_exported_serials_per_day": self.max_exported_serials_per_day,
        })
    }
}

/// The quota a key or partnership gets unless set otherwise (the migration's column default).
pub const DEFAULT_MAX_SERIALS_PER_REQUEST: i64 = 100_000;

/// A serial's extra parameters as stored (JSON text).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SerialExtraRecord {
    pub serial: String,
    pub extra: Option<String>,
}

/// An idempotent request's stored answer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredAnswer {
    pub request_hash: String,
    /// `None` while the first request is still running.
    pub status: Option<i64>,
    pub headers: Option<String>,
    pub body: Option<String>,
}

/// Who sent an idempotent request with which key.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyScope<'a> {
    pub tenant_id: &'a str,
    pub principal_id: &'a str,
    pub key: &'a str,
}

/// What a request with an idempotency key finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyClaim {
    /// The key is new (or expired): this request runs and its answer is then kept.
    Claimed,
    /// The key was used before: what was stored for it.
    Seen(StoredAnswer),
}

#[async_trait::async_trait]
pub trait ManufacturerStore {
    /// The grants of a key of the tenant; `None` when there is no such key.
    async fn api_key_grants(&self, tenant_id: &str, key_id: &str) -> Result<Option<KeyGrants>, StoreError>;
    /// Sets the grants of a key of the tenant (right after making it); false when there is no such key.
    async fn api_key_set_grants(&self, tenant_id: &str, key_id: &str, grants: KeyGrants) -> Result<bool, StoreError>;
    /// The quota of the brand owner's assignments to a partner; `None` without such a partnership.
    async fn partnership_max_serials(&self, owner: &str, partner: &str) -> Result<Option<i64>, StoreError>;
    /// Sets that quota; false without such a partnership.
    async fn partnership_set_max_serials(&self, owner: &str, partner: &str, max: i64) -> Result<bool, StoreError>;
    /// The extra parameters of these serials of a product's pool (serials not in the pool are left out).
    async fn pool_extra(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<SerialExtraRecord>, StoreError>;
    /// The partner pool rows of serials the brand owner assigned from its product: status, source, and
    /// whether the partner commissioned a unit with the serial.
    async fn partner_pool_states(
        &self,
        owner_tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<PoolStateRecord>, StoreError>;

    /// Claims an idempotency key for a request with this hash, first forgetting it when it is older than
    /// `expired_before`; otherwise answers what is stored under it.
    async fn idempotency_claim(
        &self,
        scope: IdempotencyScope<'_>,
        request_hash: &str,
        expired_before: i64,
    ) -> Result<IdempotencyClaim, StoreError>;
    /// Keeps the answer of a claimed key.
    async fn idempotency_finish(
        &self,
        scope: IdempotencyScope<'_>,
        status: i64,
        headers: &str,
        body: &str,
    ) -> Result<(), StoreError>;
    /// Lets a claimed key go without an answer (the request failed with a 5xx or was cut off), so a retry runs.
    async fn idempotency_release(&self, scope: IdempotencyScope<'_>) -> Result<(), StoreError>;
    /// Forgets every key older than `before`.
    async fn idempotency_sweep(&self, before: i64) -> Result<u64, StoreError>;
}
