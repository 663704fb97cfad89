//! The device's sync state for the screens, and the user's writing actions: record a change on a unit (one
//! strictly durable IndexedDB transaction, never the network), resolve a refused change, choose what the
//! device keeps. Every signal here is filled from IndexedDB; the sync loop fills IndexedDB.

use super::device::{learn_device_names, Device, LookupState};
use crate::clock::now;
use crate::db::{new_op_id, LocalDb, Step};
use crate::model::SignedInUser;
use crate::sync::{fill_pending, SyncHooks, SyncLoop, SyncStatus, META_DATA_FROM, META_FILL};
use crate::sync_view::{attention_item, pending_changes};
use crate::sync_wire::KeepMode;
use leptos::prelude::*;
use serialtrack_shared::sync::{Delivery, Resolution};
use serialtrack_shared::unit::{Actor, CommandContext, Role, UnitCommand};

const META_KEEP: &str = "keep";

pub(super) fn actor(user: &SignedInUser) -> Actor {
    Actor {
        name: format!("user:{}", user.username),
        role: Role::from_code(&user.role).unwrap_or(Role::Operator),
        // The server names the tenant as the party; the device must too, or its own undo would be refused.
        party: user.tenant_id.clone(),
    }
}

pub async fn load_sync_settings(device: Device) {
    let Some(db) = device.db() else { return };
    device.sync.keep.set(db.meta::<KeepMode>(META_KEEP).await.ok().flatten().unwrap_or_default());
    read_fill_state(device, &db).await;
    device.sync.status.update(|status| status.last_synced = None);
    if let Ok(Some(at)) = db.meta::<String>("last_synced").await {
        device.sync.status.update(|status| status.last_synced = Some(at));
    }
}

/// Re-reads everything sync touches from IndexedDB: counts, the inbox, the unit on screen.
pub async fn reload(device: Device) {
    let Some(db) = device.db() else { return };
    if let Ok(outbox) = db.outbox().await {
        let waiting = outbox.iter().filter(|entry| !matches!(entry.delivery, Delivery::Acked { .. })).count();
        device.sync.waiting.set(waiting);
    }
    if let Ok(conflicts) = db.conflicts().await {
        let others = conflicts.iter().filter_map(|conflict| conflict.what_the_server_had()?.device_id.clone());
        learn_device_names(device, others.collect::<Vec<_>>().iter().map(String::as_str)).await;
        let this_device = device.this_device.get_untracked();
        let items = device.device_names.with_untracked(|names| {
            conflicts.iter().map(|conflict| attention_item(conflict, names, this_device.as_deref())).collect()
        });
        device.sync.attention.set(items);
    }
    read_fill_state(device, &db).await;
    if let Some(key) = device.sync.current_unit.get_untracked() {
        if matches!(device.lookup.get_untracked(), LookupState::Found { .. }) {
            let fresh = matches!(device.lookup.get_untracked(), LookupState::Found { fresh: true, .. });
            show_unit(device, &key, fresh).await;
        }
    }
}

/// When the device last finished filling all units, and how far a fill that stopped got.
async fn read_fill_state(device: Device, db: &LocalDb) {
    device.sync.data_from.set(db.meta::<String>(META_DATA_FROM).await.ok().flatten());
    let stopped = fill_pending(db).await.ok().flatten().map(|fill| fill.loaded);
    device.sync.fill_stopped_at.set(stopped);
}

/// Shows a unit as this device sees it: the optimistic view, its history and its pending changes.
pub async fn show_unit(device: Device, storage_key: &str, fresh: bool) {
    let Some(db) = device.db() else { return };
    let Some(unit) = db.unit(storage_key).await.ok().flatten() else { return };
    let history = db.history(storage_key).await.unwrap_or_default();
    learn_device_names(device, history.iter().filter_map(|line| line.device.as_deref())).await;
    let changes = match (db.replica(&[storage_key.to_owned()]).await, device.unit_key(storage_key)) {
        (Ok(replica), Some(key)) => {
            let view = replica.optimistic(&key, &device.workflow_of(&key.product));
            let outbox: Vec<_> = replica.outbox().entries().cloned().collect();
            pending_changes(&view, &outbox)
        }
        _ => Vec::new(),
    };
    device.sync.current_unit.set(Some(storage_key.to_owned()));
    let shown = LookupState::Found { unit, history, fresh, changes };
    // Re-rendering an unchanged unit would close a form the user is filling in.
    if device.lookup.with_untracked(|current| *current != shown) {
        device.lookup.set(shown);
    }
}

/// Starts the device's sync loop (or kicks it); `passed` runs after each pass that caught up.
pub fn start_sync(device: Device, passed: impl Fn() + 'static) {
    if device.sync.engine.with_value(|engine| engine.is_some()) {
        device.sync.engine.with_value(|engine| engine.as_ref().map(SyncLoop::kick));
        return;
    }
    let hooks = SyncHooks {
        db: Box::new(move || device.db()),
        keep_mode: Box::new(move || device.sync.keep.get_untracked()),
        online: Box::new(move || device.online.get_untracked() && device.user.get_untracked().is_some()),
        changed: Box::new(move || leptos::task::spawn_local(reload(device))),
        status: Box::new(move |mut status: SyncStatus| {
            // The loop knows only its own passes; the last sync time stored before a reload still stands.
            if status.last_synced.is_none() {
                status.last_synced = device.sync.status.get_untracked().last_synced;
            }
            if let (Some(at), Some(db)) = (status.last_synced.clone(), device.db()) {
                if device.sync.status.get_untracked().last_synced.as_ref() != Some(&at) {
                    leptos::task::spawn_local(async move {
                        let _ = db.set_meta("last_synced", &at).await;
                    });
                }
            }
            device.sync.status.set(status);
        }),
        progress: Box::new(move |loaded| device.sync.progress.set(loaded)),
        passed: Box::new(passed),
    };
    // The loop listens for `online` itself.
    device.sync.engine.set_value(Some(SyncLoop::start(hooks)));
}

pub(super) fn after_change(device: Device) {
    device.sync.engine.with_value(|engine| {
        if let Some(engine) = engine {
            engine.announce();
            engine.kick();
        }
    });
}

/// A user action on the unit on screen: validated with the shared `handle` against the optimistic view and
/// queued in the outbox in one strictly durable transaction; a refusal shows its reason and queues nothing.
pub async fn act(device: Device, command: UnitCommand) {
    let (Some(db), Some(user), Some(key)) =
        (device.db(), device.user.get_untracked(), device.sync.current_unit.get_untracked())
    else {
        return;
    };
    let Some(unit) = device.unit_key(&key) else { return };
    let actor = actor(&user);
    let workflow = device.workflow_of(&unit.product);
    let context = CommandContext { actor: &actor, now: now(), workflow: &workflow, approval: None };
    let recorded = db
        .unit_step(std::slice::from_ref(&key), |replica| match replica.record(unit, command, &context, new_op_id()) {
            Ok(_) => Step::commit(Ok(())),
            Err(refusal) => Step::roll_back(Err(refusal.message)),
        })
        .await;
    match recorded {
        Ok(Ok(())) => {
            device.sync.action_error.set(None);
            reload(device).await;
            after_change(device);
        }
        Ok(Err(reason)) => device.sync.action_error.set(Some(format!("Not recorded: {reason}."))),
        Err(error) => device.sync.action_error.set(Some(error.to_string())),
    }
}

/// What the user chose for a refused change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Discard,
    Redo,
    KeepAsNote,
    Escalate,
}

pub async fn resolve(device: Device, op_id: String, choice: Choice) {
    let (Some(db), Some(user)) = (device.db(), device.user.get_untracked()) else { return };
    let Ok(op_id) = uuid::Uuid::parse_str(&op_id) else { return };
    let conflicts = db.conflicts().await.unwrap_or_default();
    let Some(conflict) = conflicts.iter().find(|conflict| conflict.op_id() == op_id) else { return };
    let key = crate::replica_parts::storage_key(&conflict.op.unit);
    let resolution = match choice {
        Choice::Discard => Resolution::Discard,
        Choice::Redo => Resolution::Redo { new_op_id: new_op_id() },
        Choice::KeepAsNote => Resolution::KeepAsNote { new_op_id: new_op_id() },
        Choice::Escalate => Resolution::Escalate,
    };
    let actor = actor(&user);
    let workflow = device.workflow_of(&conflict.op.unit.product);
    let context = CommandContext { actor: &actor, now: now(), workflow: &workflow, approval: None };
    let outcome = db
        .unit_step(&[key], |replica| match replica.resolve_conflict(op_id, resolution, &context) {
            Ok(_) => Step::commit(Ok(())),
            Err(error) => Step::roll_back(Err(error.to_string())),
        })
        .await;
    match outcome {
        Ok(Ok(())) => device.sync.action_error.set(None),
        Ok(Err(reason)) => device.sync.action_error.set(Some(format!("Not done: {reason}."))),
        Err(error) => device.sync.action_error.set(Some(error.to_string())),
    }
    reload(device).await;
    after_change(device);
}

/// "What this device keeps": stored at once; choosing "All units" fills the device from the snapshot now.
pub async fn set_keep_mode(device: Device, mode: KeepMode) {
    let Some(db) = device.db() else { return };
    let _ = db.set_meta(META_KEEP, &mode).await;
    device.sync.keep.set(mode);
    if mode != KeepMode::AllUnits {
        // A fill that stopped is not continued for a device that keeps only the units it opens.
        let _ = db.delete_meta(META_FILL).await;
        device.sync.fill_stopped_at.set(None);
        return;
    }
    let Some(engine) = device.sync.engine.get_value() else { return };
    device.sync.progress.set(Some(0));
    let outcome = engine.bootstrap(mode).await;
    read_fill_state(device, &db).await;
    match outcome {
        Ok(()) => {
            device.notice.set(None);
            engine.kick();
        }
        // A fill the network cut says so in its own status line and goes on by itself: no notice to clear.
        Err(_) if device.sync.fill_stopped_at.get_untracked().is_some() => {}
        Err(message) => device.notice.set(Some(message)),
    }
    device.sync.progress.set(None);
}
