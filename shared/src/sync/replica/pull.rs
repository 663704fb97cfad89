//! The device's end of a pull and of a snapshot bootstrap: folding the server's events into the confirmed
//! state with the shared `apply`, moving the cursor forward only, and letting acked ops go.

use super::{ConfirmedUnit, DeviceReplica};
use crate::sync::pull::{PullRequest, PullResponse, ResetReason};
use crate::sync::snapshot::SnapshotPage;
use crate::unit::{apply, UnitKey, VersionError};
use std::collections::BTreeMap;

/// What a page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullProgress {
    pub applied: usize,
    /// Events the device already had: seq ≤ its cursor (a repeated page), or already folded into a unit.
    pub skipped: usize,
    pub has_more: bool,
}

/// Why a page was not applied. The state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PullProblem {
    /// The confirmed state cannot follow the server's log any more: call `on_reset`, then bootstrap again.
    #[error("{}", .0.message())]
    Reset(ResetReason),
    /// The server writes events of a vocabulary this app does not read: the app must be upgraded.
    #[error("{0}")]
    UpgradeRequired(VersionError),
}

impl DeviceReplica {
    pub fn pull_request(&self) -> PullRequest {
        PullRequest { cursor: self.cursor, log_epoch: self.log_epoch }
    }

    /// Applies one page as one step. Applying the same page again changes nothing.
    pub fn on_pull_page(&mut self, page: &PullResponse) -> Result<PullProgress, PullProblem> {
        self.check_epoch(page.log_epoch)?;
        let mut staged: BTreeMap<UnitKey, ConfirmedUnit> = BTreeMap::new();
        let mut progress = PullProgress { applied: 0, skipped: 0, has_more: page.has_more };
        let mut last_seq = self.cursor;
        for wire in &page.events {
            if wire.seq <= self.cursor {
                progress.skipped += 1;
                continue;
            }
            if wire.seq <= last_seq {
                return Err(PullProblem::Reset(ResetReason::EventsOutOfOrder { after: last_seq, got: wire.seq }));
            }
            last_seq = wire.seq;
            let recorded = wire.recorded().map_err(|error| match error {
                VersionError::Malformed(why) => PullProblem::Reset(ResetReason::UnreadableEvent { seq: wire.seq, why }),
                newer_or_older => PullProblem::UpgradeRequired(newer_or_older),
            })?;
            let current = staged.get(&recorded.unit).or_else(|| self.confirmed.get(&recorded.unit));
            if current.is_some_and(|current| current.last_seq >= wire.seq) {
                progress.skipped += 1;
                continue;
            }
            let unit = apply(current.map(|current| current.unit.clone()), &recorded).map_err(|refusal| {
                PullProblem::Reset(ResetReason::EventRefused {
                    seq: wire.seq,
                    code: refusal.code,
                    message: refusal.message,
                })
            })?;
            staged.insert(recorded.unit.clone(), ConfirmedUnit { unit, last_seq: wire.seq });
            progress.applied += 1;
        }
        // All checks passed: commit the page as a whole.
        self.confirmed.extend(staged);
        self.adopt_epoch(page.log_epoch);
        self.cursor = self.cursor.max(last_seq).max(page.next_cursor);
        self.on_op_results(&page.op_results);
        self.let_go_acked();
        Ok(progress)
    }

    /// Folds one snapshot page in. Units replace what the device had; on the last page the cursor moves to
    /// `as_of_seq` (never backwards), and the device pulls from there.
    pub fn on_snapshot_page(&mut self, page: &SnapshotPage) -> Result<(), PullProblem> {
        self.check_epoch(page.log_epoch)?;
        self.adopt_epoch(page.log_epoch);
        for snapshot in &page.units {
            let newer = self.confirmed.get(&snapshot.unit.key).is_none_or(|held| held.last_seq < snapshot.last_seq);
            if newer {
                self.confirmed.insert(
                    snapshot.unit.key.clone(),
                    ConfirmedUnit { unit: snapshot.unit.clone(), last_seq: snapshot.last_seq },
                );
            }
        }
        let floor = self.bootstrap_floor.map_or(page.as_of_seq, |floor| floor.min(page.as_of_seq));
        self.bootstrap_floor = Some(floor);
        if !page.has_more {
            // Pull from the lowest page's seq: events after it may touch units of earlier pages; those a unit
            // already holds (seq ≤ its last_seq) are skipped when pulled.
            self.cursor = self.cursor.max(floor);
            self.bootstrap_floor = None;
            self.let_go_acked();
        }
        Ok(())
    }

    /// Acked ops whose event the cursor has passed leave the outbox for the journal.
    fn let_go_acked(&mut self) {
        for op in self.outbox.drop_acked_through(self.cursor) {
            self.journal.keep(op, None);
        }
    }

    /// Forgets the confirmed state, the cursor and the log epoch, to bootstrap again. The outbox stays, every op
    /// in it is queued to be pushed again, and the conflict inbox and the journal stay.
    pub fn on_reset(&mut self) {
        self.confirmed.clear();
        self.cursor = 0;
        self.log_epoch = None;
        self.outbox.requeue_all();
        self.push_blocked = None;
    }

    /// Takes the server's log epoch. A device that had none (new, or reset) may have been answered in an epoch
    /// it never saw — the server since restored from a backup: its acked ops go out again (the server answers
    /// from what it has), and its next push checks the journal against the server.
    fn adopt_epoch(&mut self, epoch: uuid::Uuid) {
        if self.log_epoch.is_none() {
            self.outbox.requeue_all();
            if !self.journal.is_empty() {
                self.journal_unchecked = true;
            }
        }
        self.log_epoch = Some(epoch);
    }

    fn check_epoch(&self, server_epoch: uuid::Uuid) -> Result<(), PullProblem> {
        match self.log_epoch {
            Some(device_epoch) if device_epoch != server_epoch => {
                Err(PullProblem::Reset(ResetReason::EpochChanged { device_epoch, server_epoch }))
            }
            _ => Ok(()),
        }
    }
}
