//! The line screen's state and actions: orders from IndexedDB (refreshed from the server when online),
//! reserving and returning this tablet's block (online), and commissioning from the block (never the network:
//! one strictly durable transaction takes the serial and queues its `commission` op).

use super::device::Device;
use super::unit_state::{actor, after_change};
use crate::api::{self, ApiError};
use crate::clock::now;
use crate::db::{new_op_id, Commissioned};
use crate::line_work::{pending_commissions, BlockRecord, OrderRecord};
use crate::model::UnitRecord;
use leptos::prelude::*;
use serialtrack_shared::ids::{Gtin, Serial};
use serialtrack_shared::unit::{CommandContext, UnitKey};

/// The order the line screen had open, so a reload returns to it.
const META_LINE_ORDER: &str = "line_order";

/// What the line screen shows; `Copy`, so every closure can hold it.
#[derive(Clone, Copy)]
pub struct LineState {
    pub orders: RwSignal<Vec<OrderRecord>>,
    pub open: RwSignal<Option<String>>,
    pub block: RwSignal<BlockRecord>,
    /// This tablet's commissionings the server has not confirmed yet.
    pub pending: RwSignal<u64>,
    /// The last units commissioned here, newest first, with their status on this device.
    pub last_units: RwSignal<Vec<UnitRecord>>,
    /// The outcome of the last action: (is it a problem, the sentence).
    pub message: RwSignal<Option<(bool, String)>>,
    pub busy: RwSignal<bool>,
}

impl LineState {
    pub fn new() -> Self {
        Self {
            orders: RwSignal::new(Vec::new()),
            open: RwSignal::new(None),
            block: RwSignal::new(BlockRecord::default()),
            pending: RwSignal::new(0),
            last_units: RwSignal::new(Vec::new()),
            message: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    pub fn order(&self) -> Option<OrderRecord> {
        let open = self.open.get()?;
        self.orders.with(|orders| orders.iter().find(|order| order.id == open).cloned())
    }

    fn order_untracked(&self) -> Option<OrderRecord> {
        let open = self.open.get_untracked()?;
        self.orders.with_untracked(|orders| orders.iter().find(|order| order.id == open).cloned())
    }

    fn tell(&self, problem: bool, sentence: impl Into<String>) {
        self.message.set(Some((problem, sentence.into())));
    }
}

/// Shows what the device holds.
pub async fn start(device: Device, line: LineState) {
    let Some(db) = device.db() else { return };
    line.orders.set(db.orders().await.unwrap_or_default());
    let open = db.meta::<String>(META_LINE_ORDER).await.ok().flatten();
    line.open.set(open);
    // The page refreshes the orders from the server itself whenever online with nothing waiting.
    show_block(device, line).await;
}

pub async fn refresh_orders(device: Device, line: LineState) {
    let Some(db) = device.db() else { return };
    match api::orders::packaging_orders().await {
        Ok(orders) => {
            if let Err(error) = db.put_orders(&orders).await {
                return line.tell(true, error.to_string());
            }
            line.orders.set(orders);
            show_block(device, line).await;
        }
        Err(ApiError::Unreachable) => {}
        Err(error) => line.tell(true, error.sentence()),
    }
}

pub async fn open_order(device: Device, line: LineState, order_id: Option<String>) {
    let Some(db) = device.db() else { return };
    let _ = db.set_meta(META_LINE_ORDER, &order_id).await;
    line.open.set(order_id);
    line.message.set(None);
    show_block(device, line).await;
}

/// Reads the open order's block, its pending count and its last units from IndexedDB.
async fn show_block(device: Device, line: LineState) {
    let (Some(db), Some(order)) = (device.db(), line.order_untracked()) else {
        return line.block.set(BlockRecord::default());
    };
    let block = db.block(&order.id).await.unwrap_or_else(|_| BlockRecord::new(&order.id));
    let outbox = db.outbox().await.unwrap_or_default();
    line.pending.set(pending_commissions(outbox.iter(), &block));
    show_last_units(device, line, &order, &block).await;
    line.block.set(block);
}

async fn show_last_units(device: Device, line: LineState, order: &OrderRecord, block: &BlockRecord) {
    let (Some(db), Ok(gtin)) = (device.db(), order.unit_gtin()) else { return };
    let mut units = Vec::new();
    for serial in block.last_units() {
        if let Ok(Some(unit)) = db.unit(&UnitRecord::key_for(gtin, serial)).await {
            units.push(unit);
        }
    }
    line.last_units.set(units);
}

/// "Reserve serials for this tablet": the server reserves a block to this device's id; the device keeps it.
pub async fn reserve(device: Device, line: LineState, count: u32) {
    let (Some(db), Some(order)) = (device.db(), line.order_untracked()) else { return };
    let Ok(device_id) = db.device_id().await else { return };
    line.busy.set(true);
    let reserved = api::orders::reserve(&order.id, &device_id, count).await;
    line.busy.set(false);
    match reserved {
        Ok(serials) => match db.update_block(&order.id, |block| block.add(&serials)).await {
            Ok(block) => {
                line.tell(false, format!("{} serials reserved for this tablet.", serials.len()));
                line.block.set(block);
                refresh_orders(device, line).await;
            }
            Err(error) => line.tell(true, error.to_string()),
        },
        Err(error) => line.tell(true, error.sentence()),
    }
}

/// "Return unused serials": the server takes back what this tablet has not commissioned; the device forgets it.
pub async fn return_unused(device: Device, line: LineState) {
    let (Some(db), Some(order)) = (device.db(), line.order_untracked()) else { return };
    let Ok(device_id) = db.device_id().await else { return };
    let unused = line.block.get_untracked().serials;
    if unused.is_empty() {
        return line.tell(false, "This tablet holds no unused serials of this order.");
    }
    line.busy.set(true);
    let returned = api::orders::return_serials(&order.id, &device_id, &unused).await;
    line.busy.set(false);
    match returned {
        Ok(count) => match db.update_block(&order.id, |block| block.remove(&unused)).await {
            Ok(block) => {
                line.tell(false, format!("{count} unused serials returned to the order."));
                line.block.set(block);
                refresh_orders(device, line).await;
            }
            Err(error) => line.tell(true, error.to_string()),
        },
        Err(error) => line.tell(true, error.sentence()),
    }
}

/// Commissions the next serial of the block (`wanted` None) or a scanned one: the shared `DeviceReplica::record`
/// decides, and the serial leaves the block in the same transaction.
pub async fn commission(device: Device, line: LineState, wanted: Option<String>) {
    let (Some(db), Some(user), Some(order)) = (device.db(), device.user.get_untracked(), line.order_untracked()) else {
        return;
    };
    let (command, gtin) = match (order.commission_command(), order.unit_gtin().and_then(gtin_of)) {
        (Ok(command), Ok(gtin)) => (command, gtin),
        (Err(message), _) | (_, Err(message)) => return line.tell(true, message),
    };
    let actor = actor(&user);
    let workflow = device.workflow_of(&gtin.clone().into());
    let context = CommandContext { actor: &actor, now: now(), workflow: &workflow, approval: None };
    let outcome = db
        .commission_from_block(&order, wanted.as_deref(), |replica, _block, serial| {
            let serial = Serial::parse(serial).map_err(|error| format!("Serial {serial} is not valid: {error}"))?;
            let unit = UnitKey::sgtin(&gtin, serial);
            replica
                .record(unit, command, &context, new_op_id())
                .map_err(|refusal| format!("Not commissioned: {}.", refusal.message))?;
            Ok(())
        })
        .await;
    match outcome {
        Ok(Ok(Commissioned { serial, block, .. })) => {
            line.tell(false, format!("Commissioned {serial}."));
            // One more op waits, a commissioning of this block: counted on, not re-read from the whole outbox
            // (opening the order and the outbox draining count them afresh).
            line.pending.update(|pending| *pending += 1);
            show_last_units(device, line, &order, &block).await;
            line.block.set(block);
            device.sync.waiting.update(|waiting| *waiting += 1);
            after_change(device);
        }
        Ok(Err(message)) => line.tell(true, message),
        Err(error) => line.tell(true, error.to_string()),
    }
}

fn gtin_of(text: &str) -> Result<Gtin, String> {
    Gtin::parse(text).map_err(|error| format!("The order's GTIN is not valid: {error}."))
}

/// After a change on one of the last units (a decommissioning at the line), shows its new status.
pub async fn after_unit_change(device: Device, line: LineState) {
    show_block(device, line).await;
}
