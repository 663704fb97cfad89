//! The ops this device has let go — accepted and folded into its confirmed state, or refused into the inbox —
//! kept so that a server restored from a backup that predates them gets them again. Without it such ops were
//! lost: the server expects them (its `last_processed_device_seq` went back), the outbox no longer has them, and
//! the device could never push again (docs/SYNC.md, "Guarantees" 10 and 11, and "The journal").

use crate::sync::op_result::RefusedOp;
use crate::sync::pending_op::PendingOp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many settled ops a device keeps: a restore from a backup older than the last this many ops of the
/// device cannot be filled from it, and the device then says so (see `DeviceReplica::push_blocked`).
pub const JOURNAL_LIMIT: usize = 10_000;

/// An op the device let go, with the refusal it got (None: accepted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledOp {
    pub op: PendingOp,
    #[serde(default)]
    pub refused: Option<RefusedOp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    entries: BTreeMap<u64, SettledOp>,
}

impl Journal {
    /// In device_seq order.
    pub fn entries(&self) -> impl Iterator<Item = &SettledOp> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Keeps a settled op, forgetting the oldest beyond [`JOURNAL_LIMIT`].
    pub(super) fn keep(&mut self, op: PendingOp, refused: Option<RefusedOp>) {
        self.entries.insert(op.device_seq, SettledOp { op, refused });
        while self.entries.len() > JOURNAL_LIMIT {
            self.entries.pop_first();
        }
    }

    /// Takes out every settled op from `device_seq` on: the server lost them and they go back to the outbox.
    pub(super) fn take_from(&mut self, device_seq: u64) -> Vec<SettledOp> {
        self.entries.split_off(&device_seq).into_values().collect()
    }
}
