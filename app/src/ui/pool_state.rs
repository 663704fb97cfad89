//! What the pool forms share: a product's counts after the server answered (shown at once and stored in
//! IndexedDB, so they also show offline), then the whole pool refreshed from the server for the exact figures.

use super::app_state;
use super::device::Device;
use crate::model::ProductRecord;
use leptos::prelude::*;

/// Applies `change` to the product's counts on screen and in IndexedDB.
pub async fn keep_counts(device: Device, product_id: &str, change: impl Fn(&ProductRecord) -> ProductRecord) {
    let Some(changed) =
        device.products.with_untracked(|all| all.iter().find(|product| product.id == product_id).map(&change))
    else {
        return;
    };
    device.products.update(|all| {
        if let Some(slot) = all.iter_mut().find(|product| product.id == product_id) {
            *slot = changed.clone();
        }
    });
    if let Some(db) = device.db() {
        if let Err(error) = db.put_product(&changed).await {
            device.notice.set(Some(error.to_string()));
        }
    }
}

/// After an action: the server's counts replace the device's (an order may have generated a shortfall first).
pub async fn refresh_counts(device: Device) {
    app_state::refresh(device).await;
}

/// The signed-in user's role, for which actions to offer.
pub fn role(device: Device) -> String {
    device.user.with(|user| user.as_ref().map(|user| user.role.clone()).unwrap_or_default())
}
