//! The server's HTTP API, as the app uses it. Only this module and the sync module touch the network;
//! screens read IndexedDB. Server JSON is mapped here into the device's records.

mod admin;
mod audit;
pub mod orders;
mod retention;

use crate::device_names::DeviceNames;
use crate::history_view::{history_line, sentence_case};
use crate::model::{HistoryRecord, ProductRecord, SignedInUser, UnitRecord};
use crate::pool_import::ItemProblem;
use crate::product_wire::{product_records, PoolCounts, ProductList, PRODUCT_PAGE};
use crate::replica_parts::storage_key;
use crate::sync_wire::SnapshotView;
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serialtrack_shared::sync::{ConfirmedUnit, PullAnswer, PushRequest, PushResponse};
use serialtrack_shared::unit::{upcast, Unit, UnitKey};

mod pool_calls;
pub use admin::*;
pub use audit::*;
pub use pool_calls::*;
pub use retention::*;

/// Why a call failed, sorted by what the app should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No network or no server: keep working from the device's data, try again later.
    Unreachable,
    /// The session ended: sign in again to refresh.
    SignedOut,
    /// The server refused what was asked, with its own sentence.
    Refused { status: u16, code: String, message: String },
}

impl ApiError {
    /// Worth retrying with backoff: no network, or the server said "not now" (5xx).
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::Unreachable) || matches!(self, ApiError::Refused { status, .. } if *status >= 500)
    }

    pub fn sentence(&self) -> String {
        match self {
            ApiError::Unreachable => "The server cannot be reached: check the network, then try again.".into(),
            ApiError::SignedOut => "Your session has ended: sign in again.".into(),
            ApiError::Refused { message, .. } => message.clone(),
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    /// Lists taken whole (an import) name every refused item here.
    #[serde(default)]
    errors: Vec<ItemProblem>,
}

/// A refusal and the items it names (each bad line of an import), empty when the server named none.
pub type ListedError = (ApiError, Vec<ItemProblem>);

/// Sends a request and gives the good answer's body as text, every refusal read once here. Not generic on
/// purpose: a generic reader would be compiled again, with the whole of gloo's fetch, for every answer type the
/// app reads (README.md, "The app's weight"); only `parse` is per type.
async fn call(request: RequestBuilder, body: Option<String>) -> Result<(u16, String), ListedError> {
    let unreachable = || (ApiError::Unreachable, Vec::new());
    let request = match body {
        Some(body) => request.header("Content-Type", "application/json").body(body),
        None => request.build(),
    };
    let response = request.map_err(|_| unreachable())?.send().await.map_err(|_| unreachable())?;
    let status = response.status();
    // A body cut off on the way is the network's fault: retried like no answer at all.
    let text = response.text().await.map_err(|_| unreachable())?;
    if response.ok() {
        return Ok((status, text));
    }
    if status == 401 {
        return Err((ApiError::SignedOut, Vec::new()));
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err((ApiError::Refused { status, code: body.code, message: body.message }, body.errors)),
        // A proxy or a restarting server answers without our JSON: treat it as not reachable, retry later.
        Err(_) if status >= 500 => Err(unreachable()),
        Err(_) => {
            let message = format!("HTTP {status}");
            Err((ApiError::Refused { status, code: "http_error".into(), message }, Vec::new()))
        }
    }
}

/// A good answer read as `T`.
fn parse<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, ListedError> {
    serde_json::from_str(&text).map_err(|error| {
        let message = format!("The server's answer could not be read ({error}); reload the app.");
        (ApiError::Refused { status, code: "unexpected_response".into(), message }, Vec::new())
    })
}

/// A request body as JSON text.
fn body<B: serde::Serialize + ?Sized>(body: &B) -> Result<Option<String>, ListedError> {
    serde_json::to_string(body).map(Some).map_err(|_| (ApiError::Unreachable, Vec::new()))
}

fn without_items<T>(result: Result<T, ListedError>) -> Result<T, ApiError> {
    result.map_err(|(error, _)| error)
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    without_items(call(Request::get(path), None).await.and_then(parse))
}

pub async fn post<B: serde::Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    without_items(post_listing(path, body).await)
}

/// Like `post`, keeping the items a refusal lists.
pub async fn post_listing<B: serde::Serialize, T: DeserializeOwned>(path: &str, json: &B) -> Result<T, ListedError> {
    call(Request::post(path), body(json)?).await.and_then(parse)
}

/// `post` with an `Idempotency-Key`: a retry gets the first answer again instead of doing the work twice.
pub async fn post_once<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    key: &str,
    json: &B,
) -> Result<T, ApiError> {
    without_items(
        call(Request::post(path).header("Idempotency-Key", key), without_items(body(json))?).await.and_then(parse),
    )
}

/// A call the administration screens make: any method, a JSON body or none, the answer as JSON fields (`Null`
/// for an empty answer). One reader for every settings record on purpose: a typed reader per record would weigh
/// more than the screens that show a few fields of each (README.md, "The app's weight").
pub async fn send_json(
    method: &str,
    path: &str,
    json: Option<&serde_json::Value>,
) -> Result<serde_json::Value, ApiError> {
    let request = match method {
        "POST" => Request::post(path),
        "PUT" => Request::put(path),
        "PATCH" => Request::patch(path),
        "DELETE" => Request::delete(path),
        _ => Request::get(path),
    };
    let body = match json {
        Some(json) => without_items(body(json))?,
        None => None,
    };
    let (status, text) = without_items(call(request, body).await)?;
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Null);
    }
    without_items(parse((status, text)))
}

// ---- The calls the screens need, mapped into the device's records. ----

#[derive(Deserialize)]
struct DeviceBody {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct DeviceList {
    devices: Vec<DeviceBody>,
}

/// The names people gave the tenant's devices.
pub async fn device_names() -> Result<DeviceNames, ApiError> {
    let list: DeviceList = get("/api/v1/devices").await?;
    Ok(DeviceNames::new(list.devices.into_iter().map(|device| (device.id, device.name))))
}

/// Names a device; the server keeps the name for every tablet of the tenant to show.
pub async fn name_device(device_id: &str, name: &str) -> Result<(), ApiError> {
    let body = serde_json::json!({ "device_id": device_id, "name": name });
    let _: DeviceBody = post("/api/v1/devices", &body).await?;
    Ok(())
}

#[derive(Deserialize)]
struct MeBody {
    name: String,
    display_name: String,
    role: String,
    tenant: TenantBody,
}

#[derive(Deserialize)]
struct TenantBody {
    id: String,
    name: String,
}

pub async fn sign_in(username: &str, password: &str) -> Result<SignedInUser, ApiError> {
    let body = serde_json::json!({ "username": username, "password": password });
    let me: MeBody = post("/api/v1/sessions", &body).await?;
    Ok(SignedInUser {
        username: me.name,
        display_name: me.display_name,
        role: me.role,
        tenant: me.tenant.name,
        tenant_id: Some(me.tenant.id),
    })
}

pub async fn sign_out() -> Result<(), ApiError> {
    let response = Request::delete("/api/v1/sessions/current").send().await.map_err(|_| ApiError::Unreachable)?;
    if response.ok() || response.status() == 401 {
        Ok(())
    } else {
        Err(ApiError::Refused { status: response.status(), code: "sign_out".into(), message: "Sign-out failed".into() })
    }
}

/// Every product with its pool counts (the pool screen's whole content).
pub async fn pool() -> Result<Vec<ProductRecord>, ApiError> {
    let mut list = ProductList::default();
    while list.add_page(get(&format!("/api/v1/products?limit={PRODUCT_PAGE}&offset={}", list.len())).await?) {}
    let counts: PoolCounts = get("/api/v1/pool/counts").await?;
    Ok(product_records(list, counts))
}

#[derive(Deserialize)]
struct UnitBody {
    id: String,
    serial: String,
    lot: Option<String>,
    status: String,
    #[serde(default)]
    state: serde_json::Value,
    #[serde(default)]
    last_seq: u64,
}

#[derive(Deserialize)]
struct EventBody {
    seq: u64,
    kind: String,
    #[serde(default)]
    payload: serde_json::Value,
    actor: String,
    device_id: Option<String>,
    recorded_at: String,
}

#[derive(Deserialize)]
struct HistoryBody {
    events: Vec<EventBody>,
}

/// A unit as the server has it now: the record to show, its confirmed state (when readable) and its history.
pub struct LookedUp {
    pub record: UnitRecord,
    pub confirmed: Option<ConfirmedUnit>,
    pub history: Vec<HistoryRecord>,
}

/// The unit and its history, or `None` when the server has no such unit.
pub async fn unit_with_history(key: &UnitKey) -> Result<Option<LookedUp>, ApiError> {
    let (code, serial) = (key.product.as_str(), key.serial.as_str());
    // A GTIN names its product across schemas (GTIN, NTIN); any other code is looked up as it is written.
    let path = match key.product.gtin() {
        Some(gtin) => format!("/api/v1/units?gtin={}&serial={}", encode(gtin.as_str()), encode(serial)),
        None => format!("/api/v1/units?code={}&serial={}", encode(code), encode(serial)),
    };
    let unit: UnitBody = match get(&path).await {
        Ok(unit) => unit,
        Err(ApiError::Refused { status: 404, .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let history: HistoryBody = get(&format!("/api/v1/units/{}/history?limit=500", unit.id)).await?;
    let key = storage_key(key);
    let state: Option<Unit> = serialtrack_shared::json::from_value(&unit.state).ok();
    let confirmed = state.clone().map(|unit_state| ConfirmedUnit { unit: unit_state, last_seq: unit.last_seq });
    let record = UnitRecord {
        key: key.clone(),
        gtin: code.to_owned(),
        serial: unit.serial.clone(),
        status: unit.status.clone(),
        product_name: None,
        lot: unit.lot.clone(),
        expiry: state.as_ref().and_then(|state| state.expiry).map(|date| date.to_string()),
        location: state.as_ref().and_then(|state| state.location.clone()),
        owner: state.as_ref().and_then(|state| state.owner.clone()),
    };
    let entries = history.events.into_iter().map(|event| history_entry(&key, event)).collect();
    Ok(Some(LookedUp { record, confirmed, history: entries }))
}

/// A history line from the server's event; one this build cannot read still shows, saying so.
fn history_entry(unit_key: &str, event: EventBody) -> HistoryRecord {
    match upcast(event.payload) {
        Ok(recorded) => history_line(unit_key, event.seq, &recorded),
        Err(error) => HistoryRecord {
            unit_key: unit_key.to_owned(),
            seq: event.seq,
            at: event.recorded_at,
            who: event.actor.split_once(':').map_or(event.actor.clone(), |(_, name)| name.to_owned()),
            role: None,
            device: event.device_id,
            location: None,
            what: sentence_case(&event.kind),
            change: None,
            why: Some(error.to_string()),
        },
    }
}

/// A history line from an event view of the snapshot (`{seq, kind, payload, actor, device_id, recorded_at}`).
pub fn history_from_view(unit_key: &str, view: &serde_json::value::RawValue) -> Option<HistoryRecord> {
    serde_json::from_str::<EventBody>(view.get()).ok().map(|event| history_entry(unit_key, event))
}

// ---- Sync: push, pull, snapshot (docs/SYNC.md). ----

/// Sends a batch of ops; 503 is transient (retry with backoff), 422 names what is malformed.
pub async fn push(request: &PushRequest) -> Result<PushResponse, ApiError> {
    post("/api/v1/sync/push", request).await
}

/// The events after `cursor`, or "reset"; with this device's op results above `results_after` (the ops whose
/// push answer may have been lost).
pub async fn pull(
    device_id: &str,
    cursor: u64,
    log_epoch: Option<uuid::Uuid>,
    results_after: Option<u64>,
) -> Result<PullAnswer, ApiError> {
    let epoch = log_epoch.map(|epoch| format!("&log_epoch={epoch}")).unwrap_or_default();
    let results = results_after.map(|after| format!("&results_after={after}")).unwrap_or_default();
    get(&format!("/api/v1/sync/pull?device_id={}&cursor={cursor}{epoch}{results}", encode(device_id))).await
}

/// Hands a refused change to the supervisors; escalating it again is harmless (the server answers the same).
pub async fn escalate(op_id: &str) -> Result<(), ApiError> {
    let _: serde_json::Value = post("/api/v1/sync/escalations", &serde_json::json!({ "op_id": op_id })).await?;
    Ok(())
}

/// A refused change someone escalated, as a supervisor reads it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Escalation {
    pub op_id: String,
    pub product: String,
    pub serial: String,
    pub actor: String,
    pub device_id: String,
    pub client_time: String,
    pub command: serde_json::Value,
    pub refusal: String,
    pub note: Option<String>,
    pub escalated_by: String,
    pub escalated_at: String,
}

#[derive(Deserialize)]
struct EscalationsBody {
    escalations: Vec<Escalation>,
}

/// The open escalations (supervisors, quality, admins).
pub async fn escalations() -> Result<Vec<Escalation>, ApiError> {
    Ok(get::<EscalationsBody>("/api/v1/sync/escalations").await?.escalations)
}

/// Settles an escalation with what was decided.
pub async fn settle_escalation(op_id: &str, note: &str) -> Result<(), ApiError> {
    let path = format!("/api/v1/sync/escalations/{}/settle", encode(op_id));
    let _: serde_json::Value = post(&path, &serde_json::json!({ "note": note })).await?;
    Ok(())
}

/// One page of the tenant's units with `history` recent events each.
pub async fn snapshot(after: Option<&str>, limit: u32, history: u32) -> Result<SnapshotView, ApiError> {
    let after = after.map(|after| format!("&after={}", encode(after))).unwrap_or_default();
    get(&format!("/api/v1/snapshot?limit={limit}&history={history}{after}")).await
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}
