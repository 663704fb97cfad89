//! The device's side of sync, as plain data and pure functions: what the device has confirmed from the
//! server, its outbox, its conflict inbox and its cursor. The app persists these and runs the network; every
//! decision about them is made here, so it can be tested without a browser.
//!
//! Each `on_*` method is meant to be one IndexedDB transaction: it either changes the state as a whole or
//! returns an error and changes nothing.

mod journal;
mod optimistic;
mod outbox;
mod pull;
mod push;
mod resolve;

pub use journal::{Journal, SettledOp, JOURNAL_LIMIT};
pub use optimistic::{OpView, OptimisticView};
pub use outbox::{Delivery, OpStatus, Outbox, OutboxEntry};
pub use pull::{PullProblem, PullProgress};

use super::conflict::Conflict;
use super::pending_op::{OpOrigin, PendingOp};
use crate::unit::{handle, CommandContext, Refusal, Unit, UnitCommand, UnitKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A unit as the server's log made it, with the seq of the last event folded into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedUnit {
    pub unit: Unit,
    pub last_seq: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceReplica {
    device_id: String,
    /// The device_seq the next recorded op gets; it never goes back, even on a reset.
    next_device_seq: u64,
    /// Every event with seq ≤ cursor is folded into `confirmed`.
    cursor: u64,
    log_epoch: Option<Uuid>,
    #[serde(with = "confirmed_as_list")]
    confirmed: BTreeMap<UnitKey, ConfirmedUnit>,
    outbox: Outbox,
    conflicts: Vec<Conflict>,
    /// The ops the device let go, for a server restored from a backup that predates them.
    #[serde(default)]
    journal: Journal,
    /// Set when the device takes a log epoch after having none (after a reset) while its journal holds ops: the
    /// server may have been restored and lost some of them, so the next push goes out even with nothing queued, and its
    /// answer says from where to send them again.
    #[serde(default)]
    journal_unchecked: bool,
    /// Why pushing is stuck (a gap neither the outbox nor the journal can fill, or a vocabulary the server does
    /// not read).
    push_blocked: Option<super::push::Stop>,
    /// While bootstrapping: the lowest `as_of_seq` of the snapshot pages read so far. Each page is read at its
    /// own moment, so only from the lowest one on is every later event still to be pulled.
    #[serde(default)]
    bootstrap_floor: Option<u64>,
}

impl DeviceReplica {
    /// A device that has never synced.
    pub fn new(device_id: impl Into<String>) -> DeviceReplica {
        DeviceReplica {
            device_id: device_id.into(),
            next_device_seq: 1,
            cursor: 0,
            log_epoch: None,
            confirmed: BTreeMap::new(),
            outbox: Outbox::default(),
            conflicts: Vec::new(),
            journal: Journal::default(),
            journal_unchecked: false,
            bootstrap_floor: None,
            push_blocked: None,
        }
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// The device_seq the next recorded op gets.
    pub fn next_device_seq(&self) -> u64 {
        self.next_device_seq
    }

    pub fn log_epoch(&self) -> Option<Uuid> {
        self.log_epoch
    }

    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// The "needs attention" inbox, oldest first.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    pub fn confirmed(&self, unit: &UnitKey) -> Option<&ConfirmedUnit> {
        self.confirmed.get(unit)
    }

    pub fn confirmed_units(&self) -> impl Iterator<Item = &ConfirmedUnit> {
        self.confirmed.values()
    }

    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Whether the next push goes out even with nothing queued, to check the journal against the server.
    pub fn journal_unchecked(&self) -> bool {
        self.journal_unchecked
    }

    pub fn push_blocked(&self) -> Option<&super::push::Stop> {
        self.push_blocked.as_ref()
    }

    /// Where an op stands, apart from a predicted conflict (which needs the unit's workflow: see `optimistic`).
    pub fn op_status(&self, op_id: Uuid) -> Option<OpStatus> {
        if let Some(entry) = self.outbox.find(op_id).filter(|entry| entry.op.refused_before.is_none()) {
            return Some(match entry.delivery {
                Delivery::Queued => OpStatus::Queued,
                Delivery::Sending => OpStatus::Sending,
                Delivery::Acked { .. } => OpStatus::Confirmed,
            });
        }
        let refused_before = self.outbox.find(op_id).is_some();
        (refused_before || self.conflicts.iter().any(|conflict| conflict.op_id() == op_id)).then_some(OpStatus::Refused)
    }

    /// A user action: decides the command against the optimistic view with the shared state machine and, if
    /// the device can already see it is invalid, returns the refusal and queues nothing. Otherwise allocates the
    /// next device_seq and queues the op. `context.now` becomes the op's client time.
    pub fn record(
        &mut self,
        unit: UnitKey,
        command: UnitCommand,
        context: &CommandContext,
        op_id: Uuid,
    ) -> Result<PendingOp, Refusal> {
        let view = self.optimistic(&unit, context.workflow);
        handle(view.unit.as_ref(), &command, context)?;
        let origin = OpOrigin {
            op_id,
            device_id: self.device_id.clone(),
            device_seq: self.next_device_seq,
            cursor_when_acted: self.cursor,
            client_time: context.now,
            actor: context.actor.clone(),
            approval: context.approval.clone(),
        };
        let op = PendingOp::new(origin, unit, &command);
        self.next_device_seq += 1;
        self.outbox.insert(op.clone());
        Ok(op)
    }
}

/// JSON object keys must be strings, and a unit key is a structure: the confirmed units are stored as a list
/// (each unit carries its key).
mod confirmed_as_list {
    use super::ConfirmedUnit;
    use crate::unit::UnitKey;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(
        units: &BTreeMap<UnitKey, ConfirmedUnit>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(units.values())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<UnitKey, ConfirmedUnit>, D::Error> {
        let units = Vec::<ConfirmedUnit>::deserialize(deserializer)?;
        Ok(units.into_iter().map(|confirmed| (confirmed.unit.key.clone(), confirmed)).collect())
    }
}
