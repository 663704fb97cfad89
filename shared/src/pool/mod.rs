//! The serial number pool: each serial as an identifier, before and apart from the physical unit.
//!
//! `Available` → `Assigned` (to a packaging order, a printing order, an API request, a partner, or a device's
//! offline block); it stays `Assigned` once the pack is commissioned or decommissioned; `Assigned` → `Available`
//! only by an explicit release, only while not commissioned, and never for serials an external system owns or a
//! brand owner assigned to this tenant (only the owner releases those, from its own pool).

use crate::unit::{Refusal, RefusalCode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolStatus {
    Available,
    Assigned,
}

/// Where a serial came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SerialSource {
    /// Generated here by the product's serial scheme.
    Generated,
    /// An imported list (a CSV or text upload).
    Imported,
    /// An external system (SAP ATTP, TraceLink …) through the API; it owns the serial's release.
    External { system: String },
    /// Assigned to this tenant by a brand owner (MAH) in a partnership.
    Partner { tenant: String },
}

impl SerialSource {
    pub fn label(&self) -> String {
        match self {
            SerialSource::Generated => "Generated here".into(),
            SerialSource::Imported => "Imported list".into(),
            SerialSource::External { system } => format!("External: {system}"),
            SerialSource::Partner { tenant } => format!("Partner: {tenant}"),
        }
    }
}

/// What a serial is assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assignment {
    PackagingOrder { order: String },
    PrintingOrder { order: String },
    ApiRequest { request: String },
    Partner { tenant: String },
    DeviceBlock { device: String },
}

/// One serial in the pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEntry {
    pub status: PoolStatus,
    pub source: SerialSource,
    pub assignment: Option<Assignment>,
    /// Set once a unit with this serial was commissioned; the serial can then never be released.
    pub commissioned: bool,
}

impl PoolEntry {
    /// A serial entering the pool: Available.
    pub fn new(source: SerialSource) -> Self {
        Self { status: PoolStatus::Available, source, assignment: None, commissioned: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PoolCommand {
    Assign { assignment: Assignment },
    Release,
    MarkCommissioned,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PoolEvent {
    Assigned { assignment: Assignment },
    Released,
    Commissioned,
}

/// Decides a pool command against the serial's current entry.
pub fn handle(entry: &PoolEntry, command: &PoolCommand) -> Result<PoolEvent, Refusal> {
    let event = match command {
        PoolCommand::Assign { assignment } => PoolEvent::Assigned { assignment: assignment.clone() },
        PoolCommand::Release => PoolEvent::Released,
        PoolCommand::MarkCommissioned => PoolEvent::Commissioned,
    };
    check(entry, &event)?;
    Ok(event)
}

/// Applies a pool event, refusing one the entry's state does not allow (the same rules as `handle`).
pub fn apply(entry: &PoolEntry, event: &PoolEvent) -> Result<PoolEntry, Refusal> {
    check(entry, event)?;
    let mut next = entry.clone();
    match event {
        PoolEvent::Assigned { assignment } => {
            next.status = PoolStatus::Assigned;
            next.assignment = Some(assignment.clone());
        }
        PoolEvent::Released => {
            next.status = PoolStatus::Available;
            next.assignment = None;
        }
        PoolEvent::Commissioned => next.commissioned = true,
    }
    Ok(next)
}

fn check(entry: &PoolEntry, event: &PoolEvent) -> Result<(), Refusal> {
    let refuse = |message: &str| Err(Refusal::new(RefusalCode::InvalidTransition, message));
    match (event, entry.status) {
        (PoolEvent::Assigned { .. }, PoolStatus::Assigned) => {
            refuse("the serial is already assigned: release it first, or pick an available one")
        }
        (PoolEvent::Released, PoolStatus::Available) => refuse("the serial is available already: nothing to release"),
        (PoolEvent::Released, PoolStatus::Assigned) if entry.commissioned => {
            refuse("a commissioned serial stays assigned for good: it cannot be released")
        }
        (PoolEvent::Released, PoolStatus::Assigned) if matches!(entry.source, SerialSource::External { .. }) => {
            refuse("this serial belongs to an external system: release it there")
        }
        (PoolEvent::Released, PoolStatus::Assigned) if matches!(entry.source, SerialSource::Partner { .. }) => {
            refuse("this serial was given to you by its brand owner: only they can release it")
        }
        (PoolEvent::Commissioned, PoolStatus::Available) => {
            refuse("assign the serial (to a packaging order or a device) before commissioning it")
        }
        (PoolEvent::Commissioned, PoolStatus::Assigned) if entry.commissioned => {
            refuse("a unit with this serial is already commissioned")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Assignment {
        Assignment::PackagingOrder { order: "PO-1".into() }
    }

    #[test]
    fn given_a_pool_entry_when_a_command_arrives_then_the_rules_decide() {
        let available = PoolEntry::new(SerialSource::Generated);
        let assigned = apply(&available, &PoolEvent::Assigned { assignment: order() }).unwrap();
        let commissioned = apply(&assigned, &PoolEvent::Commissioned).unwrap();
        let external = PoolEntry { source: SerialSource::External { system: "SAP ATTP".into() }, ..assigned.clone() };
        let from_partner = PoolEntry { source: SerialSource::Partner { tenant: "MAH".into() }, ..assigned.clone() };
        // (given, when, accepted?)
        let cases = [
            (&available, PoolCommand::Assign { assignment: order() }, true),
            (&available, PoolCommand::Release, false),
            (&available, PoolCommand::MarkCommissioned, false),
            (&assigned, PoolCommand::Assign { assignment: order() }, false),
            (&assigned, PoolCommand::Release, true),
            (&assigned, PoolCommand::MarkCommissioned, true),
            (&commissioned, PoolCommand::Release, false),
            (&commissioned, PoolCommand::MarkCommissioned, false),
            (&external, PoolCommand::Release, false),
            (&from_partner, PoolCommand::Release, false),
            (&from_partner, PoolCommand::MarkCommissioned, true),
        ];
        for (given, when, accepted) in cases {
            let outcome = handle(given, &when);
            assert_eq!(outcome.is_ok(), accepted, "{given:?} {when:?}: {outcome:?}");
            if let Err(refusal) = outcome {
                assert_eq!(refusal.code, RefusalCode::InvalidTransition);
                assert!(!refusal.message.is_empty());
            }
        }
    }

    #[test]
    fn a_commissioned_serial_stays_assigned() {
        let assigned =
            apply(&PoolEntry::new(SerialSource::Imported), &PoolEvent::Assigned { assignment: order() }).unwrap();
        let commissioned = apply(&assigned, &PoolEvent::Commissioned).unwrap();
        assert_eq!(commissioned.status, PoolStatus::Assigned);
        assert!(apply(&commissioned, &PoolEvent::Released).is_err());
    }
}
