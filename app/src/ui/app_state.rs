//! The few things a user does to the device as a whole (start, sign in and out, refresh, look up, name the
//! device); the state itself is `device.rs`. Every screen reads these signals; the signals are
//! filled from IndexedDB, and IndexedDB from the server, so the network is never on the path of a screen.

use super::device::{Device, LookupState, META_DEVICE_NAMES};
use crate::api::{self, ApiError};
use crate::clock::now_iso;
use crate::db::LocalDb;
use crate::device_names::DeviceNames;
use crate::lookup_key::{lookup_target, patterned_products, PatternedProduct, Target};
use crate::model::SignedInUser;
use crate::product_wire::products_due;
use crate::replica_parts::storage_key;
use leptos::prelude::*;
use serialtrack_shared::ids::Serial;
use serialtrack_shared::unit::UnitKey;

const DATABASE_NAME: &str = "serialtrack";
const META_USER: &str = "user";
const META_LAST_REFRESHED: &str = "last_refreshed";

/// Opens the device's database and shows what it holds; then refreshes from the server if online.
pub async fn start(device: Device) {
    request_persistent_storage();
    match LocalDb::open(DATABASE_NAME).await {
        Ok(db) => {
            let user = db.meta::<SignedInUser>(META_USER).await.ok().flatten();
            device.last_refreshed.set(db.meta::<String>(META_LAST_REFRESHED).await.ok().flatten());
            device.products.set(db.products().await.unwrap_or_default());
            device.device_names.set(db.meta::<DeviceNames>(META_DEVICE_NAMES).await.ok().flatten().unwrap_or_default());
            device.this_device.set(db.device_id().await.ok());
            device.db.set_value(Some(db));
            device.user.set(user.clone());
            device.ready.set(true);
            super::unit_state::load_sync_settings(device).await;
            super::unit_state::reload(device).await;
            if user.is_some() {
                super::unit_state::start_sync(device, move || refresh_if_due(device));
                if device.online.get_untracked() {
                    refresh(device).await;
                }
            }
        }
        Err(error) => {
            device.notice.set(Some(error.to_string()));
            device.ready.set(true);
        }
    }
}

/// Asks the browser not to evict this device's data under storage pressure: unsynced work lives there.
fn request_persistent_storage() {
    if let Some(window) = web_sys::window() {
        if let Ok(promise) = window.navigator().storage().persist() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}

pub async fn sign_in(device: Device, username: String, password: String) {
    device.busy.set(true);
    device.sign_in_error.set(None);
    let outcome = api::sign_in(&username, &password).await;
    device.busy.set(false);
    match outcome {
        Ok(user) => {
            if let Some(db) = device.db() {
                if let Err(error) = db.set_meta(META_USER, &user).await {
                    device.notice.set(Some(error.to_string()));
                }
                // Signing out cleared the device's data, its id with it: this sign-in may have made a new one.
                device.this_device.set(db.device_id().await.ok());
            }
            device.user.set(Some(user));
            device.session_ended.set(false);
            device.sync.status.update(|status| status.signed_out = false);
            super::unit_state::start_sync(device, move || refresh_if_due(device));
            refresh(device).await;
        }
        Err(ApiError::SignedOut) => device.sign_in_error.set(Some("Wrong username or password.".into())),
        Err(error) => device.sign_in_error.set(Some(error.sentence())),
    }
}

/// Signing out clears the device's data: the next person on this tablet sees nothing of it.
pub async fn sign_out(device: Device) {
    let waiting = device.sync.waiting.get_untracked();
    let attention = device.sync.attention.with_untracked(Vec::len);
    if let Some(message) = crate::sync_view::sign_out_blocker(waiting, attention) {
        return device.notice.set(Some(message));
    }
    let _ = api::sign_out().await;
    if let Some(db) = device.db() {
        if let Err(error) = db.clear_all().await {
            device.notice.set(Some(error.to_string()));
        }
    }
    device.user.set(None);
    device.products.set(Vec::new());
    device.device_names.set(DeviceNames::default());
    device.names_read.set(false);
    device.last_refreshed.set(None);
    device.lookup.set(LookupState::Idle);
    super::unit_state::reload(device).await;
}

/// Fetches the pool and the devices' names from the server into IndexedDB, then shows what IndexedDB holds.
/// After a sync pass: the products (with their workflows) again when they are `PRODUCTS_MAX_AGE_MS` old, so
/// a tablet that stays online decides with the workflow the server has now.
fn refresh_if_due(device: Device) {
    let last = device.last_refreshed.with_untracked(|last| last.as_deref().and_then(crate::clock::ms_of));
    if products_due(last, crate::clock::now_ms()) && !device.refreshing.get_untracked() {
        leptos::task::spawn_local(refresh(device));
    }
}

pub async fn refresh(device: Device) {
    let Some(db) = device.db() else { return };
    device.refreshing.set(true);
    refresh_from(device, &db).await;
    device.refreshing.set(false);
}

async fn refresh_from(device: Device, db: &LocalDb) {
    if let Ok(names) = api::device_names().await {
        let _ = db.set_meta(META_DEVICE_NAMES, &names).await;
        device.device_names.set(names);
        device.names_read.set(true);
    }
    match api::pool().await {
        Ok(products) => {
            let stored = async {
                db.put_products(&products).await?;
                db.set_meta(META_LAST_REFRESHED, &now_iso()).await
            };
            match stored.await {
                Ok(()) => {
                    device.products.set(db.products().await.unwrap_or_default());
                    device.last_refreshed.set(Some(now_iso()));
                    device.notice.set(None);
                }
                Err(error) => device.notice.set(Some(error.to_string())),
            }
        }
        Err(ApiError::SignedOut) => {
            device.notice.set(None);
            device.session_ended.set(true);
        }
        Err(ApiError::Unreachable) => {
            device.notice.set(Some("Working from this device's data: the server cannot be reached.".into()))
        }
        Err(error) => device.notice.set(Some(error.sentence())),
    }
}

/// Reads what was scanned or typed with the device's products and opens the unit it names; a serial alone that
/// fits several products' pattern opens the one product that has it, or asks which.
pub async fn look_up(device: Device, input: String, separator: Option<char>) {
    let patterned = device.products.with_untracked(|products| patterned_products(products));
    match lookup_target(&input, separator, &patterned) {
        Ok(Target::Unit(key)) => open_unit(device, key).await,
        Ok(Target::Choose { serial, products }) => choose_product(device, serial, products).await,
        Err(message) => device.lookup.set(LookupState::Missing(message)),
    }
}

/// Of the products a serial fits, those with a unit of it (on the device, or on the server when online).
async fn choose_product(device: Device, serial: Serial, products: Vec<PatternedProduct>) {
    let Some(db) = device.db() else { return };
    device.lookup.set(LookupState::Searching);
    let codes: Vec<String> = products.iter().map(|product| product.code.to_string()).collect();
    let mut having = Vec::new();
    for product in products {
        let key = UnitKey { product: product.code.clone(), serial: serial.clone() };
        let held = db.unit(&storage_key(&key)).await.ok().flatten().is_some();
        if held || (device.online.get_untracked() && matches!(api::unit_with_history(&key).await, Ok(Some(_)))) {
            having.push(product);
        }
    }
    match having.len() {
        0 => {
            let message = match device.online.get_untracked() {
                true => format!("No unit of {} has serial {serial}.", codes.join(" or ")),
                false => format!(
                    "No unit of {} with serial {serial} is on this device, and the device is offline.",
                    codes.join(" or ")
                ),
            };
            device.lookup.set(LookupState::Missing(message));
        }
        1 => open_unit(device, UnitKey { product: having.remove(0).code, serial }).await,
        _ => device.lookup.set(LookupState::Choose { serial, products: having }),
    }
}

/// Shows the unit from the device at once, then refreshes it from the server when online.
pub async fn open_unit(device: Device, key: UnitKey) {
    let Some(db) = device.db() else { return };
    let storage_key = storage_key(&key);
    let local = db.unit(&storage_key).await.ok().flatten();
    device.sync.current_unit.set(Some(storage_key.clone()));
    if local.is_some() {
        super::unit_state::show_unit(device, &storage_key, false).await;
    } else {
        device.lookup.set(LookupState::Searching);
    }
    if !device.online.get_untracked() {
        if local.is_none() {
            let message = "This unit is not on this device, and the device is offline: look it up again once online.";
            device.lookup.set(LookupState::Missing(message.into()));
        }
        return;
    }
    match api::unit_with_history(&key).await {
        Ok(Some(mut found)) => {
            if found.record.product_name.is_none() {
                // The device's pool knows the product behind the code; name it.
                found.record.product_name = device.products.with_untracked(|products| {
                    products
                        .iter()
                        .find(|product| product.code == key.product.as_str())
                        .map(|product| product.name.clone())
                });
            }
            if let Err(error) = db.keep_looked_up(&found).await {
                device.notice.set(Some(error.to_string()));
            }
            super::unit_state::show_unit(device, &storage_key, true).await;
        }
        Ok(None) if local.is_none() => device.lookup.set(LookupState::Missing(format!("No unit {key} is registered."))),
        Ok(None) => {}
        Err(error) if local.is_none() => device.lookup.set(LookupState::Missing(error.sentence())),
        Err(_) => {}
    }
}

/// Names this device on the server, as the person typed it ("Line 1 tablet").
pub async fn name_this_device(device: Device, typed: String) -> Result<(), String> {
    let name = crate::device_names::valid_name(&typed)?;
    let (Some(db), Some(id)) = (device.db(), device.this_device.get_untracked()) else {
        return Err("This device's data is not open yet.".into());
    };
    api::name_device(&id, &name).await.map_err(|error| error.sentence())?;
    device.device_names.update(|names| names.named(&id, &name));
    let _ = db.set_meta(META_DEVICE_NAMES, &device.device_names.get_untracked()).await;
    Ok(())
}
