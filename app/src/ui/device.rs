//! The device's state, in one home: what is signed in, the products, the lookup panel, the sync signals and
//! the names of devices. Every screen reads these signals; they are filled from IndexedDB, and IndexedDB
//! from the server, so the network is never on the path of a screen. What a user does to the state is in
//! `app_state.rs` (the device as a whole) and `unit_state.rs` (writing to units, sync).

use crate::api;
use crate::db::LocalDb;
use crate::device_names::DeviceNames;
use crate::lookup_key::PatternedProduct;
use crate::model::{unit_key_of, workflow_of, HistoryRecord, ProductRecord, SignedInUser, UnitRecord};
use crate::sync::SyncLoop;
use crate::sync::SyncStatus;
use crate::sync_view::{AttentionItem, PendingChange};
use crate::sync_wire::KeepMode;
use leptos::prelude::*;
use serialtrack_shared::ids::{ProductCode, Serial};
use serialtrack_shared::unit::{UnitKey, WorkflowSettings};

/// The meta key under which the names of the tenant's devices are kept, for offline.
pub const META_DEVICE_NAMES: &str = "device_names";

/// Handles to the device's state; `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct Device {
    pub db: StoredValue<Option<LocalDb>, LocalStorage>,
    pub online: ReadSignal<bool>,
    pub ready: RwSignal<bool>,
    pub user: RwSignal<Option<SignedInUser>>,
    pub products: RwSignal<Vec<ProductRecord>>,
    pub last_refreshed: RwSignal<Option<String>>,
    /// A refresh from the server is under way (one at a time).
    pub refreshing: RwSignal<bool>,
    pub notice: RwSignal<Option<String>>,
    pub sign_in_error: RwSignal<Option<String>>,
    /// The server no longer knows this device's session: the user signs in again, keeping the device's data.
    pub session_ended: RwSignal<bool>,
    pub busy: RwSignal<bool>,
    pub lookup: RwSignal<LookupState>,
    pub sync: SyncSignals,
    /// This install's device id, and the names people gave the tenant's devices (kept in meta for offline).
    pub this_device: RwSignal<Option<String>>,
    pub device_names: RwSignal<DeviceNames>,
    /// The server's list of names was read since the app started: only then may the app ask for this
    /// device's name (a stale list would ask again for a device already named).
    pub names_read: RwSignal<bool>,
    /// Devices whose names were asked for since the app started, so an unnamed one is not asked for each pass.
    pub names_asked: StoredValue<std::collections::BTreeSet<String>, LocalStorage>,
}

impl Device {
    pub fn new(online: ReadSignal<bool>) -> Self {
        Self {
            db: StoredValue::new_local(None),
            online,
            ready: RwSignal::new(false),
            user: RwSignal::new(None),
            products: RwSignal::new(Vec::new()),
            last_refreshed: RwSignal::new(None),
            refreshing: RwSignal::new(false),
            notice: RwSignal::new(None),
            sign_in_error: RwSignal::new(None),
            session_ended: RwSignal::new(false),
            busy: RwSignal::new(false),
            lookup: RwSignal::new(LookupState::Idle),
            sync: SyncSignals::new(),
            this_device: RwSignal::new(None),
            device_names: RwSignal::new(DeviceNames::default()),
            names_read: RwSignal::new(false),
            names_asked: StoredValue::new_local(Default::default()),
        }
    }

    pub fn db(&self) -> Option<LocalDb> {
        self.db.get_value()
    }

    /// A device as a person reads it: "this tablet", its name, or "an unnamed device (…)".
    pub fn device_words(&self, device_id: &str) -> String {
        let this_device = self.this_device.get();
        self.device_names.with(|names| names.words(device_id, this_device.as_deref()))
    }

    /// The unit a storage key names (see `model::unit_key_of`).
    pub fn unit_key(&self, storage_key: &str) -> Option<UnitKey> {
        self.products.with_untracked(|products| unit_key_of(products, storage_key))
    }

    /// The workflow this device decides a product's commands with (see `model::workflow_of`).
    pub fn workflow_of(&self, product: &ProductCode) -> WorkflowSettings {
        self.products.with_untracked(|products| workflow_of(products, product))
    }
}

/// What the lookup panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupState {
    Idle,
    Searching,
    Found {
        unit: UnitRecord,
        history: Vec<HistoryRecord>,
        fresh: bool,
        changes: Vec<PendingChange>,
    },
    Missing(String),
    /// A serial alone that units of several products have: the person picks the product.
    Choose {
        serial: Serial,
        products: Vec<PatternedProduct>,
    },
}

/// The sync loop's state, for the screens.
#[derive(Clone, Copy)]
pub struct SyncSignals {
    pub current_unit: RwSignal<Option<String>>,
    /// Changes recorded on this device the server has not confirmed yet.
    pub waiting: RwSignal<usize>,
    pub attention: RwSignal<Vec<AttentionItem>>,
    pub status: RwSignal<SyncStatus>,
    pub keep: RwSignal<KeepMode>,
    /// Units loaded by a running bootstrap; None when none runs.
    pub progress: RwSignal<Option<usize>>,
    /// When the device last filled itself from the snapshot.
    pub data_from: RwSignal<Option<String>>,
    /// Units written by a fill of all units that stopped before its end (it goes on with the next sync pass).
    pub fill_stopped_at: RwSignal<Option<usize>>,
    /// Why the last action was not recorded, in words.
    pub action_error: RwSignal<Option<String>>,
    pub engine: StoredValue<Option<SyncLoop>, LocalStorage>,
}

impl SyncSignals {
    pub fn new() -> Self {
        Self {
            current_unit: RwSignal::new(None),
            waiting: RwSignal::new(0),
            attention: RwSignal::new(Vec::new()),
            status: RwSignal::new(SyncStatus::default()),
            keep: RwSignal::new(KeepMode::default()),
            progress: RwSignal::new(None),
            data_from: RwSignal::new(None),
            fill_stopped_at: RwSignal::new(None),
            action_error: RwSignal::new(None),
            engine: StoredValue::new_local(None),
        }
    }
}

/// Reads the devices' names again when a screen is to show a device this one has not heard named (a tablet
/// named after this one last read the names); once per device id.
pub async fn learn_device_names<'a>(device: Device, shown: impl IntoIterator<Item = &'a str>) {
    let this_device = device.this_device.get_untracked();
    let new: Vec<String> = shown
        .into_iter()
        .filter(|id| Some(*id) != this_device.as_deref())
        .filter(|id| device.device_names.with_untracked(|names| names.name_of(id).is_none()))
        .filter(|id| device.names_asked.with_value(|asked| !asked.contains(*id)))
        .map(str::to_owned)
        .collect();
    if new.is_empty() || !device.online.get_untracked() {
        return;
    }
    device.names_asked.update_value(|asked| asked.extend(new));
    if let (Ok(names), Some(db)) = (api::device_names().await, device.db()) {
        let _ = db.set_meta(META_DEVICE_NAMES, &names).await;
        device.device_names.set(names);
    }
}
