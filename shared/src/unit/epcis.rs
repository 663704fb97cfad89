//! How each unit event maps to EPCIS 2.0 / CBV 2.0 (the table in docs/DOMAIN.md, "EPCIS mapping": a proposal,
//! not a standard).

use super::command::{DecommissionReason, InspectionResult, UnitCommand};
use super::event::UnitEvent;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EpcisEventType {
    ObjectEvent,
    AggregationEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EpcisAction {
    Add,
    Observe,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EpcisMapping {
    pub event_type: EpcisEventType,
    pub action: EpcisAction,
    /// A CBV business step, e.g. "commissioning".
    pub biz_step: &'static str,
    /// A CBV disposition, e.g. "active".
    pub disposition: Option<&'static str>,
}

pub fn epcis_mapping(event: &UnitEvent) -> EpcisMapping {
    use EpcisAction::*;
    let object = |action, biz_step, disposition| EpcisMapping {
        event_type: EpcisEventType::ObjectEvent,
        action,
        biz_step,
        disposition,
    };
    match &event.what {
        UnitCommand::Commission { .. } => object(Add, "commissioning", Some("active")),
        UnitCommand::Pack { .. } => EpcisMapping {
            event_type: EpcisEventType::AggregationEvent,
            action: Add,
            biz_step: "packing",
            disposition: Some("in_progress"),
        },
        UnitCommand::Unpack => EpcisMapping {
            event_type: EpcisEventType::AggregationEvent,
            action: Delete,
            biz_step: "unpacking",
            disposition: None,
        },
        UnitCommand::Allocate { .. } => object(Observe, "reserving", Some("reserved")),
        UnitCommand::CancelAllocation { .. } => object(Observe, "stocking", Some("sellable_accessible")),
        UnitCommand::Pick { .. } => object(Observe, "picking", Some("in_progress")),
        UnitCommand::Unpick => object(Observe, "stocking", Some("reserved")),
        UnitCommand::Ship { .. } => object(Observe, "shipping", Some("in_transit")),
        UnitCommand::Deliver { .. } => object(Observe, "receiving", Some("in_progress")),
        UnitCommand::Quarantine { .. } => object(Observe, "holding", Some("non_sellable_other")),
        UnitCommand::ResolveQuarantine { .. } => object(Observe, "inspecting", Some("sellable_accessible")),
        UnitCommand::FailInspection { .. } | UnitCommand::DeclareUnrepairable { .. } => {
            object(Observe, "inspecting", Some("damaged"))
        }
        UnitCommand::StartService { .. } => object(Observe, "repairing", Some("needs_replacement")),
        UnitCommand::Repair { .. } => object(Observe, "repairing", Some("sellable_accessible")),
        UnitCommand::Recall { .. } => object(Observe, "holding", Some("recalled")),
        UnitCommand::Retire => object(Delete, "decommissioning", Some("inactive")),
        UnitCommand::Decommission { reason: DecommissionReason::Destroyed } => {
            object(Delete, "destroying", Some("destroyed"))
        }
        UnitCommand::Decommission { reason: DecommissionReason::Stolen } => {
            object(Delete, "decommissioning", Some("stolen"))
        }
        UnitCommand::Decommission { .. } => object(Delete, "decommissioning", Some("inactive")),
        UnitCommand::UndoDecommission => object(Observe, "commissioning", Some("active")),
        UnitCommand::Move { .. } => object(Observe, "storing", None),
        UnitCommand::TransferOwnership { .. } => object(Observe, "other", None),
        UnitCommand::Inspect { result: InspectionResult::Passed, .. } => {
            object(Observe, "inspecting", Some("conformant"))
        }
        UnitCommand::Inspect { result: InspectionResult::Failed, .. } => {
            object(Observe, "inspecting", Some("non_conformant"))
        }
        UnitCommand::RecordService { .. } => object(Observe, "repairing", None),
        UnitCommand::AddNote { .. } => object(Observe, "other", None),
        UnitCommand::ReplaceSerial { .. } => object(Observe, "replacing", None),
    }
}
