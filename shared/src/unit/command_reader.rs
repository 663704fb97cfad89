//! How a `UnitCommand` is read from JSON: one flat struct of every field a command can carry, then the variant
//! its `type` names, checked for the fields it needs.
//!
//! serde's own reader of an internally tagged enum first buffers the whole object, then reads the variant out
//! of the buffer: a second reader of every field type, which made this the largest function in the browser app
//! (README.md, "The app's weight"). Reading straight into one struct reads each field type once. What is
//! accepted is what the derived reader accepted, with one difference: a field that belongs to another
//! command must still be of that field's type (`{"type": "allocate", "order": "SO-1", "lot": 5}` is refused).

use super::command::{CommandKind, DecommissionReason, InspectionResult, UnitCommand};
use crate::ids::{Lot, Serial, Sscc};
use crate::json::needed;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use time::Date;

/// Every field of every command, as `UnitCommand`'s variants name them.
#[derive(Deserialize)]
pub(super) struct FlatCommand {
    #[serde(rename = "type")]
    kind: CommandKind,
    #[serde(default)]
    lot: Option<Lot>,
    #[serde(default, with = "super::iso_date::option")]
    expiry: Option<Date>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    owner: Option<String>,
    #[serde(default)]
    order: Option<String>,
    #[serde(default)]
    reason: Option<Reason>,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default)]
    tracking: Option<String>,
    #[serde(default)]
    destination: Option<String>,
    #[serde(default)]
    receiver: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    #[serde(default)]
    recall_ref: Option<String>,
    #[serde(default)]
    parent: Option<Sscc>,
    #[serde(default)]
    result: Option<InspectionResult>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    new_serial: Option<Serial>,
}

/// `reason` is a sentence in most commands and a `DecommissionReason` object in `decommission`.
pub(super) enum Reason {
    Text(String),
    Decommission(DecommissionReason),
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ReasonVisitor;
        impl<'de> Visitor<'de> for ReasonVisitor {
            type Value = Reason;
            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("a reason: a string, or a decommission reason object")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Reason, E> {
                Ok(Reason::Text(text.to_owned()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Reason, E> {
                Ok(Reason::Text(text))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Reason, A::Error> {
                DecommissionReason::deserialize(de::value::MapAccessDeserializer::new(map)).map(Reason::Decommission)
            }
        }
        deserializer.deserialize_any(ReasonVisitor)
    }
}

fn text(reason: Option<Reason>) -> Result<Option<String>, String> {
    match reason {
        None => Ok(None),
        Some(Reason::Text(text)) => Ok(Some(text)),
        Some(Reason::Decommission(_)) => Err("invalid type: map, expected a string for `reason`".into()),
    }
}

impl TryFrom<FlatCommand> for UnitCommand {
    type Error = String;

    fn try_from(flat: FlatCommand) -> Result<UnitCommand, String> {
        use CommandKind as K;
        Ok(match flat.kind {
            K::Commission => UnitCommand::Commission {
                lot: flat.lot,
                expiry: flat.expiry,
                location: flat.location,
                owner: flat.owner,
            },
            K::Allocate => UnitCommand::Allocate { order: needed(flat.order, "order")? },
            K::CancelAllocation => UnitCommand::CancelAllocation { reason: text(flat.reason)? },
            K::Pick => UnitCommand::Pick { order: flat.order },
            K::Unpick => UnitCommand::Unpick,
            K::Ship => {
                UnitCommand::Ship { carrier: flat.carrier, tracking: flat.tracking, destination: flat.destination }
            }
            K::Deliver => UnitCommand::Deliver { receiver: flat.receiver },
            K::StartService => UnitCommand::StartService { reason: needed(text(flat.reason)?, "reason")? },
            K::Repair => UnitCommand::Repair { notes: flat.notes },
            K::DeclareUnrepairable => {
                UnitCommand::DeclareUnrepairable { reason: needed(text(flat.reason)?, "reason")? }
            }
            K::Quarantine => UnitCommand::Quarantine { reason: needed(text(flat.reason)?, "reason")? },
            K::ResolveQuarantine => UnitCommand::ResolveQuarantine { notes: flat.notes },
            K::FailInspection => UnitCommand::FailInspection { reason: needed(text(flat.reason)?, "reason")? },
            K::Recall => UnitCommand::Recall { recall_ref: needed(flat.recall_ref, "recall_ref")? },
            K::Retire => UnitCommand::Retire,
            K::Decommission => match flat.reason {
                Some(Reason::Decommission(reason)) => UnitCommand::Decommission { reason },
                Some(Reason::Text(_)) => {
                    return Err("invalid type: string, expected a decommission reason object".into())
                }
                None => return Err("missing field `reason`".into()),
            },
            K::UndoDecommission => UnitCommand::UndoDecommission,
            K::Move => UnitCommand::Move { location: needed(flat.location, "location")? },
            K::TransferOwnership => UnitCommand::TransferOwnership { owner: needed(flat.owner, "owner")? },
            K::Pack => UnitCommand::Pack { parent: needed(flat.parent, "parent")? },
            K::Unpack => UnitCommand::Unpack,
            K::Inspect => UnitCommand::Inspect { result: needed(flat.result, "result")?, notes: flat.notes },
            K::RecordService => UnitCommand::RecordService { notes: needed(flat.notes, "notes")? },
            K::AddNote => UnitCommand::AddNote { text: needed(flat.text, "text")? },
            K::ReplaceSerial => UnitCommand::ReplaceSerial { new_serial: needed(flat.new_serial, "new_serial")? },
        })
    }
}
