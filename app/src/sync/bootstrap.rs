//! Filling a device from the snapshot (docs/SYNC.md, "Bootstrap"): a new device, a reset, or a user switching to
//! "All units". The shared replica folds the first page (it checks and takes the log's epoch) and the last (it
//! sets the cursor). On a device that held no units, every unit of every page is new to it: the replica folds
//! only those two pages' frames, and the units are written without reading anything first, pipelined: while
//! one page's transaction commits, the next page downloads and is turned into records (the initial sync
//! benchmark showed the commit wait was a quarter of each page's time). A device that holds units folds every
//! page through the replica, which keeps the newer of its state and the page's.

use super::reset::{outbox_keys, reset, OnProgress, SyncError};
use crate::api::{self, ApiError};
use crate::db::{DbError, LocalDb, Step};
use crate::model::HistoryRecord;
use crate::replica_parts::{storage_key, StoredUnit};
use crate::sync_wire::{unit_record, KeepMode, SnapshotParts, SnapshotView};
use futures::channel::oneshot;
use serde::{Deserialize, Serialize};
use serialtrack_shared::sync::{ConfirmedUnit, DeviceReplica, PullProblem, ResetReason, SnapshotPage, SnapshotUnit};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Units per snapshot page (one request, one transaction): at 500 a page's fixed costs showed in the initial
/// sync's time; at 2,000 the first page (not overlapped with any write) and each parse grew longer.
const SNAPSHOT_PAGE: u32 = 1000;
const SNAPSHOT_HISTORY: u32 = 10;
/// Units re-read one by one after a reset when the device keeps only the units it opened.
const MAX_REFETCH: usize = 200;

/// How far filling "All units" got, kept in meta under `META_FILL` until the last page is in: a fill the
/// network cut goes on from there on the next sync pass, instead of leaving the device with part of the units.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillProgress {
    /// The `next_after` of the last page written; None before the first.
    pub after: Option<String>,
    /// The first page's `as_of_seq` (the cursor lands there) and the log it was read from.
    pub as_of: Option<u64>,
    pub log_epoch: Option<Uuid>,
    /// The device held no units when the fill began: every page is written without reading first.
    pub from_empty: bool,
    /// Units written so far.
    pub loaded: usize,
}

/// Meta key of the `FillProgress` of an unfinished fill.
pub const META_FILL: &str = "fill";
/// Meta key of when the device last finished filling all units (RFC 3339).
pub const META_DATA_FROM: &str = "snapshot_at";

/// Fills the device from the snapshot: every unit (keeping all units), or only the log's head and the units
/// the device already holds, read again (keeping the units it opens). The cursor lands on the first page's
/// `as_of_seq`. A fill of all units that stopped (network, reload) goes on from its last page.
pub async fn bootstrap(db: &LocalDb, mode: KeepMode, on_progress: OnProgress<'_>) -> Result<(), SyncError> {
    match mode {
        KeepMode::AllUnits => fill_all_units(db, on_progress).await,
        KeepMode::UnitsIOpen => read_log_head(db).await,
    }
}

/// The progress of a fill of all units that stopped before its last page (the next sync pass goes on with it).
pub async fn fill_pending(db: &LocalDb) -> Result<Option<FillProgress>, DbError> {
    db.meta::<FillProgress>(META_FILL).await
}

/// "Units I open": the log's head and epoch from a one-unit page, then the units the device holds, read again.
async fn read_log_head(db: &LocalDb) -> Result<(), SyncError> {
    let held = db.unit_keys().await?;
    let view = api::snapshot(None, 1, 0).await?;
    let as_of = view.as_of_seq;
    let SnapshotParts { mut page, .. } = view.into_parts(as_of);
    page.units.clear();
    page.has_more = false;
    fold_page(db, true, page, Vec::new()).await?;
    refetch(db, &held).await
}

async fn fill_all_units(db: &LocalDb, on_progress: OnProgress<'_>) -> Result<(), SyncError> {
    let epoch_held = db.replica(&[]).await?.log_epoch();
    let mut fill = match fill_pending(db).await? {
        // Pages of another log (the server was restored since) are not continued.
        Some(fill) if fill.log_epoch.is_some() && fill.log_epoch == epoch_held => fill,
        _ => FillProgress { from_empty: db.unit_keys().await?.is_empty(), ..FillProgress::default() },
    };
    db.put_units_with_meta(Vec::new(), META_FILL, &fill).await?;
    on_progress(fill.loaded);
    let mut writes = Writes::default();
    let mut first_page = true;
    let mut fetched = Some(prefetch(fill.after.clone()));
    while let Some(next) = fetched.take() {
        let view = next.await.unwrap_or(Err(SyncError::Api(ApiError::Unreachable)))?;
        let as_of = *fill.as_of.get_or_insert(view.as_of_seq);
        let epoch = *fill.log_epoch.get_or_insert(view.log_epoch);
        let more = view.has_more && view.next_after.is_some();
        fill.after = view.next_after.clone();
        if more {
            // The next page downloads (and is parsed) while this one is written.
            fetched = Some(prefetch(view.next_after.clone()));
        }
        let SnapshotParts { page, history: views } = view.into_parts(as_of);
        let lines: Vec<Vec<HistoryRecord>> =
            views.into_iter().map(|(key, events)| history_lines(&key, events)).collect();
        fill.loaded += page.units.len();
        if fill.from_empty {
            // Every unit is new to the device: written without reading, pipelined. The replica folds only the
            // page's frame: on the first page it checks and takes the log's epoch, on the last (once every unit
            // is written) it sets the cursor.
            let mut frame = page;
            let units =
                std::mem::take(&mut frame.units).into_iter().zip(lines).map(|(unit, lines)| new_unit(unit, lines));
            if first_page {
                let head = SnapshotPage { has_more: true, ..frame.clone() };
                fold_page(db, true, head, Vec::new()).await?;
            } else if frame.log_epoch != epoch {
                // The server was restored during the fill: its pages no longer make one log. As the replica
                // does for a snapshot page from another log, start again.
                writes.finish().await?;
                db.delete_meta(META_FILL).await?;
                reset(db).await?;
                let why = ResetReason::EpochChanged { device_epoch: epoch, server_epoch: frame.log_epoch };
                return Err(SyncError::Stuck(PullProblem::Reset(why).to_string()));
            }
            writes.start(db, units.collect(), &fill).await?;
            if !more {
                writes.finish().await?;
                fold_page(db, true, frame, Vec::new()).await?;
            }
        } else {
            // A device that holds units reads each page's units first (the replica keeps the newer state).
            fold_page(db, false, page, lines.into_iter().flatten().collect()).await?;
            db.put_units_with_meta(Vec::new(), META_FILL, &fill).await?;
        }
        first_page = false;
        on_progress(fill.loaded);
    }
    writes.finish().await?;
    db.delete_meta(META_FILL).await?;
    let now = crate::clock::now_iso();
    db.put_units_with_meta(Vec::new(), META_DATA_FROM, &now).await?;
    if fill.from_empty {
        show_pending_ops(db).await?;
    }
    Ok(())
}

/// A page the replica folds in, in one step: it checks the page's log and, on the last page, sets the cursor.
/// `blind`: the page's units are new to the device (a fill that began empty), so none is read first.
async fn fold_page(db: &LocalDb, blind: bool, page: SnapshotPage, lines: Vec<HistoryRecord>) -> Result<(), SyncError> {
    let keys: BTreeSet<String> = page.units.iter().map(|unit| storage_key(&unit.unit.key)).collect();
    let keys: Vec<String> = keys.into_iter().collect();
    let fold = |replica: &mut DeviceReplica| match replica.on_snapshot_page(&page) {
        Ok(()) => {
            let mut step = Step::commit(Ok(()));
            step.extra.history = lines;
            step
        }
        Err(problem) => Step::roll_back(Err(problem)),
    };
    let folded =
        if blind { db.new_units_step(&keys, fold).await? } else { db.replica_step(&keys, false, fold).await? };
    if let Err(problem) = folded {
        db.delete_meta(META_FILL).await?;
        reset(db).await?;
        return Err(SyncError::Stuck(problem.to_string()));
    }
    Ok(())
}

/// A unit the device has never held, as the replica's step would write it: confirmed by the snapshot, shown as
/// confirmed (the device has no op for it), with its newest history lines.
fn new_unit(unit: SnapshotUnit, lines: Vec<HistoryRecord>) -> StoredUnit {
    let mut stored = StoredUnit::new(unit_record(&unit.unit, None));
    stored.confirmed = Some(ConfirmedUnit { unit: unit.unit, last_seq: unit.last_seq });
    stored.add_history(lines);
    stored
}

fn history_lines(key: &str, events: Vec<Box<serde_json::value::RawValue>>) -> Vec<HistoryRecord> {
    events.iter().filter_map(|event| api::history_from_view(key, event)).collect()
}

/// A user may look a unit up and change it while the bootstrap runs; a page written without reading then
/// shows that unit as confirmed. Its record is written again from the replica, with the device's ops on it.
async fn show_pending_ops(db: &LocalDb) -> Result<(), SyncError> {
    let keys = outbox_keys(db).await?;
    if !keys.is_empty() {
        db.replica_step(&keys, false, |_| Step::commit(())).await?;
    }
    Ok(())
}

/// The pages being written: at most two transactions at a time, so one commits while the next is filled.
#[derive(Default)]
struct Writes {
    previous: Option<oneshot::Receiver<Result<(), DbError>>>,
}

impl Writes {
    /// Starts writing `units`, and the fill's progress with them, in a transaction of their own, then waits for
    /// the page before (which had a whole page's download and parse to commit).
    async fn start(&mut self, db: &LocalDb, units: Vec<StoredUnit>, fill: &FillProgress) -> Result<(), SyncError> {
        let (done, finished) = oneshot::channel();
        let db = db.clone();
        let fill = fill.clone();
        leptos::task::spawn_local(async move {
            let _ = done.send(db.put_units_with_meta(units, META_FILL, &fill).await);
        });
        match self.previous.replace(finished) {
            Some(previous) => wait(previous).await,
            None => Ok(()),
        }
    }

    /// Waits for every page being written: a later step must not land before them.
    async fn finish(&mut self) -> Result<(), SyncError> {
        match self.previous.take() {
            Some(previous) => wait(previous).await,
            None => Ok(()),
        }
    }
}

async fn wait(write: oneshot::Receiver<Result<(), DbError>>) -> Result<(), SyncError> {
    let gone = || DbError::Failed("a page of units was not written".into());
    Ok(write.await.unwrap_or_else(|_| Err(gone()))?)
}

/// Asks for a snapshot page now; it downloads and is parsed while the caller works on the page before.
fn prefetch(after: Option<String>) -> oneshot::Receiver<Result<SnapshotView, SyncError>> {
    let (send, receive) = oneshot::channel();
    leptos::task::spawn_local(async move {
        let page = api::snapshot(after.as_deref(), SNAPSHOT_PAGE, SNAPSHOT_HISTORY).await.map_err(SyncError::from);
        let _ = send.send(page);
    });
    receive
}

/// Reads the units the device held again, so they are at least as new as the cursor the bootstrap set.
async fn refetch(db: &LocalDb, held: &[String]) -> Result<(), SyncError> {
    let products = db.products().await?;
    for key in held.iter().take(MAX_REFETCH) {
        let Some(key) = crate::model::unit_key_of(&products, key) else { continue };
        if let Some(found) = api::unit_with_history(&key).await? {
            db.keep_looked_up(&found).await?;
        }
    }
    Ok(())
}
