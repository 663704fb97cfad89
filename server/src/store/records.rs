//! Rows as the store hands them out and takes them in. Plain data: text, integers and JSON text.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantRecord {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub last_seq: i64,
    pub log_epoch: String,
    pub created_at: i64,
    /// The sync protocol's retention floor (docs/RETENTION.md): every event after it is in the hot log.
    pub retention_floor: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub tenant_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: i64,
    /// When an admin disabled the user; `None` while enabled.
    pub disabled_at: Option<i64>,
    pub last_sign_in_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub tenant_id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
}

/// Who a session cookie or an API key speaks for.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PrincipalRecord {
    /// The user id, or the API key id.
    pub id: String,
    pub tenant_id: String,
    /// The username, or the API key's name.
    pub name: String,
    pub display_name: String,
    pub role: String,
    /// When the session or key last authenticated a request, as stored (written at most once a minute).
    pub last_seen_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// When the key last authenticated a request, to the minute.
    pub last_used_at: Option<i64>,
    #[sqlx(flatten)]
    pub grants: super::KeyGrants,
}

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub tenant_id: String,
    pub name: String,
    pub role: String,
    pub prefix: String,
    pub key_hash: String,
    pub grants: super::KeyGrants,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRecord {
    pub id: String,
    pub tenant_id: String,
    pub code_schema: String,
    pub code: String,
    pub gtin: Option<String>,
    pub name: String,
    pub serial_source: String,
    pub serial_scheme: String,
    pub workflow: String,
    pub next_counter: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// JSON: attributes, retention and yield range (`ProductDetails`).
    pub details: String,
}

#[derive(Debug, Clone)]
pub struct NewProduct {
    pub code_schema: String,
    pub code: String,
    pub gtin: Option<String>,
    pub name: String,
    pub serial_source: String,
    pub serial_scheme: String,
    pub workflow: String,
    pub details: String,
}

/// Changes to a product; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProductChanges {
    pub name: Option<String>,
    pub serial_source: Option<String>,
    pub serial_scheme: Option<String>,
    pub workflow: Option<String>,
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LocationRecord {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub gln: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct PoolCountRecord {
    pub product_id: String,
    pub status: String,
    pub count: i64,
}

/// A pool serial as a release sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolStateRecord {
    pub serial: String,
    pub status: String,
    pub source: String,
    pub assigned_to: Option<String>,
    /// 1 when a unit with this serial exists (it was commissioned), else 0.
    pub commissioned: i64,
}

/// A serial a brand owner assigned to a partner, as the partner sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PartnerSerialRecord {
    pub owner_tenant_id: String,
    pub product_id: String,
    pub code: String,
    pub gtin: Option<String>,
    pub name: String,
    pub serial: String,
    pub assigned_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitRecord {
    pub id: String,
    pub tenant_id: String,
    pub product_id: String,
    pub serial: String,
    pub lot: Option<String>,
    pub status: String,
    pub state: String,
    pub version: i64,
    pub last_seq: i64,
    pub updated_at: i64,
    /// Where its history is: `hot`, `archived` or `purged` (docs/RETENTION.md).
    pub place: String,
}

/// How many sign-ins failed for one subject (`auth::sign_in_limit`), and when the last one did.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SignInFailureRecord {
    pub subject: String,
    pub failures: i64,
    pub last_failure_at: i64,
}

/// A unit as a registration or a command leaves it; the store adds the bookkeeping.
#[derive(Debug, Clone)]
pub struct UnitChange {
    pub status: String,
    pub state: String,
}

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub id: String,
    pub product_id: String,
    pub serial: String,
    pub lot: Option<String>,
    pub change: UnitChange,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRecord {
    pub tenant_id: String,
    pub seq: i64,
    pub op_id: String,
    pub op_index: i64,
    pub unit_id: String,
    pub kind: String,
    pub payload: String,
    pub actor: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
    pub recorded_at: i64,
}

/// An event to append; the store gives it its tenant, seq and time.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub op_id: String,
    pub op_index: i64,
    pub unit_id: String,
    pub kind: String,
    pub payload: String,
    pub actor: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpResultRecord {
    pub op_id: String,
    pub tenant_id: String,
    pub device_id: Option<String>,
    pub device_seq: Option<i64>,
    pub outcome: String,
    pub seq: Option<i64>,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub unit_state: Option<String>,
    pub recorded_at: i64,
    /// JSON of the shared `LastChange` a refusal carried (who changed the unit last), if any.
    pub last_change: Option<String>,
}

/// An escalated refusal with what a supervisor needs to judge it: the refused op as the device sent it, the
/// server's answer, who escalated it and whether it is settled.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EscalationRecord {
    pub op_id: String,
    /// The refused op's full JSON (a `PendingOp`).
    pub payload: String,
    pub reason_code: Option<String>,
    pub reason_message: Option<String>,
    pub last_change: Option<String>,
    pub refused_at: i64,
    pub escalated_by: String,
    pub escalated_at: i64,
    pub note: Option<String>,
    pub settled_by: Option<String>,
    pub settled_at: Option<i64>,
    pub settle_note: Option<String>,
}

/// A packaging or printing order, with its product's code and name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRecord {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub product_id: String,
    pub code: String,
    pub gtin: Option<String>,
    pub product_name: String,
    pub lot: String,
    pub expiry: String,
    pub line: Option<String>,
    pub quantity: i64,
    pub reference: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub created_by: String,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub kind: String,
    pub product_id: String,
    pub lot: String,
    pub expiry: String,
    pub line: Option<String>,
    pub quantity: i64,
    pub reference: Option<String>,
    pub created_by: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderCountsRecord {
    pub order_id: String,
    pub assigned: i64,
    pub reserved: i64,
    pub commissioned: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderSerialRecord {
    pub serial: String,
    pub device_id: Option<String>,
    /// The unit's status; `None` when the serial is not commissioned.
    pub unit_status: Option<String>,
}

/// A pool serial as commissioning checks see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolHoldRecord {
    pub product_id: String,
    pub serial: String,
    pub status: String,
    pub source: String,
    pub order_id: Option<String>,
    pub device_id: Option<String>,
    /// 1 when a unit with this serial exists, else 0.
    pub commissioned: i64,
}

/// A pool serial with where it is and the unit made from it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolSerialRecord {
    pub serial: String,
    pub status: String,
    pub source: String,
    pub assigned_to: Option<String>,
    pub order_id: Option<String>,
    pub device_id: Option<String>,
    pub unit_id: Option<String>,
    pub created_at: i64,
    /// The ids of every pool action that touched the serial, space-separated.
    pub actions: Option<String>,
}

/// A pool operation about to be recorded: what it is (generated, imported, assigned, received, reserved,
/// returned, released), who did it, and in words which order, device or partner. Each serial it touches keeps
/// its id, so a serial's pool history is every action it went through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolAction {
    pub action: &'static str,
    pub actor: Option<String>,
    pub detail: String,
}

impl PoolAction {
    pub fn new(action: &'static str, actor: impl Into<String>, detail: impl Into<String>) -> Self {
        PoolAction { action, actor: Some(actor.into()), detail: detail.into() }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PoolActionRecord {
    pub id: String,
    pub action: String,
    pub at: i64,
    pub actor: Option<String>,
    pub detail: String,
}
