//! Filling a device from the snapshot (SYNC.md "Bootstrap"): a new device, a reset, or a user switching to
//! "All units". The first and the last page are steps of the shared replica (the first takes the log's epoch,
//! the last sets the cursor); a page in between, onto a device that held no units, only adds units the device
//! has never seen, so it is written without reading anything first and the work is pipelined: while one page's
//! transaction commits, the next page downloads and is turned into records (the initial sync benchmark shows
//! the commit wait was a quarter of each page's time).

use super::steps::{outbox_keys, reset, OnProgress, SyncError};
use crate::api::{self, ApiError};
use crate::db::{DbError, LocalDb, Step};
use crate::model::HistoryRecord;
use crate::replica_parts::{storage_key, StoredUnit};
use crate::sync_wire::{unit_record, KeepMode, SnapshotParts, SnapshotView};
use futures::channel::oneshot;
use serialtrack_shared::sync::{ConfirmedUnit, DeviceReplica, PullProblem, ResetReason, SnapshotUnit};
use std::collections::BTreeSet;

/// Units per snapshot page (one request, one transaction): at 500 a page's fixed costs showed in the initial
/// sync's time; at 2,000 the first page (not overlapped with any write) and each parse grew longer.
const SNAPSHOT_PAGE: u32 = 1000;
const SNAPSHOT_HISTORY: u32 = 10;
/// Units re-read one by one after a reset when the device keeps only the units it opened.
const MAX_REFETCH: usize = 200;

/// Fills the device from the snapshot: every unit (keeping all units), or only the log's head and the units
/// the device already holds, read again (keeping the units it opens). The cursor lands on the first page's
/// `as_of_seq`.
pub async fn bootstrap(db: &LocalDb, mode: KeepMode, on_progress: OnProgress<'_>) -> Result<(), SyncError> {
    let held = db.unit_keys().await?;
    let (limit, history) = match mode {
        KeepMode::AllUnits => (SNAPSHOT_PAGE, SNAPSHOT_HISTORY),
        KeepMode::UnitsIOpen => (1, 0),
    };
    let mut first: Option<(u64, uuid::Uuid)> = None;
    let mut loaded = 0;
    let mut writes = Writes::default();
    let mut fetched = Some(prefetch(None, limit, history));
    while let Some(next) = fetched.take() {
        let view = next.await.unwrap_or(Err(SyncError::Api(ApiError::Unreachable)))?;
        let first_page = first.is_none();
        let (as_of, epoch) = *first.get_or_insert((view.as_of_seq, view.log_epoch));
        let more = mode == KeepMode::AllUnits && view.has_more && view.next_after.is_some();
        if more {
            // The next page downloads (and is parsed) while this one is written.
            fetched = Some(prefetch(view.next_after.clone(), limit, history));
        }
        let SnapshotParts { mut page, history: views } = view.into_parts(as_of);
        if mode == KeepMode::UnitsIOpen {
            page.units.clear();
            page.has_more = false;
        }
        let lines: Vec<Vec<HistoryRecord>> = match mode {
            KeepMode::AllUnits => views.into_iter().map(|(key, events)| history_lines(&key, events)).collect(),
            KeepMode::UnitsIOpen => Vec::new(),
        };
        let count = page.units.len();
        if held.is_empty() && !first_page && more {
            if page.log_epoch != epoch {
                // The server was restored during the bootstrap: its pages no longer make one log. As the
                // replica does for a snapshot page from another log, start again.
                writes.finish().await?;
                reset(db).await?;
                let why = ResetReason::EpochChanged { device_epoch: epoch, server_epoch: page.log_epoch };
                return Err(SyncError::Stuck(PullProblem::Reset(why).to_string()));
            }
            let units = page.units.into_iter().zip(lines).map(|(unit, lines)| new_unit(unit, lines)).collect();
            writes.start(db, units).await?;
        } else {
            writes.finish().await?;
            fold_page(db, &held, page, lines.into_iter().flatten().collect()).await?;
        }
        loaded += count;
        on_progress(loaded);
    }
    writes.finish().await?;
    if held.is_empty() {
        show_pending_ops(db).await?;
    }
    if mode == KeepMode::UnitsIOpen {
        refetch(db, &held).await?;
    }
    Ok(())
}

/// A page the replica folds in, in one step: it checks the page's log and, on the last page, sets the cursor.
async fn fold_page(
    db: &LocalDb,
    held: &[String],
    page: serialtrack_shared::sync::SnapshotPage,
    lines: Vec<HistoryRecord>,
) -> Result<(), SyncError> {
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
    // Pages never repeat a unit, so a device that held none reads nothing of them before writing.
    let folded = if held.is_empty() {
        db.new_units_step(&keys, fold).await?
    } else {
        db.replica_step(&keys, false, fold).await?
    };
    if let Err(problem) = folded {
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

fn history_lines(key: &str, events: Vec<serde_json::Value>) -> Vec<HistoryRecord> {
    events.into_iter().filter_map(|event| api::history_from_view(key, event)).collect()
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
    /// Starts writing `units` in a transaction of their own, then waits for the page before (which had a whole
    /// page's download and parse to commit).
    async fn start(&mut self, db: &LocalDb, units: Vec<StoredUnit>) -> Result<(), SyncError> {
        let (done, finished) = oneshot::channel();
        let db = db.clone();
        leptos::task::spawn_local(async move {
            let _ = done.send(db.put_new_units(units).await);
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
fn prefetch(after: Option<String>, limit: u32, history: u32) -> oneshot::Receiver<Result<SnapshotView, SyncError>> {
    let (send, receive) = oneshot::channel();
    leptos::task::spawn_local(async move {
        let page = api::snapshot(after.as_deref(), limit, history).await.map_err(SyncError::from);
        let _ = send.send(page);
    });
    receive
}

/// Reads the units the device held again, so they are at least as new as the cursor the bootstrap set.
async fn refetch(db: &LocalDb, held: &[String]) -> Result<(), SyncError> {
    for key in held.iter().take(MAX_REFETCH) {
        let Some((gtin, serial)) = key.split_once('/') else { continue };
        if let Some(found) = api::unit_with_history(gtin, serial).await? {
            db.keep_looked_up(&found).await?;
        }
    }
    Ok(())
}
