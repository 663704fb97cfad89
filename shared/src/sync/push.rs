//! The push exchange: a device sends a batch of its ops in `device_seq` order; the server answers per op.

use super::op_result::OpResult;
use super::pending_op::PendingOp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// At most this many ops per push: one server transaction per request stays short.
pub const MAX_PUSH_OPS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// 1 to 64 letters, digits, '-' or '_' (a UUID).
    #[cfg_attr(feature = "utoipa", schema(pattern = "^[A-Za-z0-9_-]{1,64}$"))]
    pub device_id: String,
    /// At most 100, device_seq ascending.
    #[cfg_attr(feature = "utoipa", schema(max_items = 100))]
    pub ops: Vec<PendingOp>,
}

/// What is wrong with a push request as a whole; the server refuses such a request without processing any op.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushRequestError {
    #[error("a push may carry at most {MAX_PUSH_OPS} ops, this one has {count}: send the rest in another push")]
    TooManyOps { count: usize },
    #[error("the op with device_seq {device_seq} comes from device {op_device}, not {request_device}: push each device's ops separately")]
    OtherDevice { device_seq: u64, op_device: String, request_device: String },
    #[error("device_seq starts at 1, but an op has 0")]
    ZeroDeviceSeq,
    #[error("ops must be in ascending device_seq order, but {next} follows {previous}")]
    NotAscending { previous: u64, next: u64 },
    #[error("op_id {op_id} appears twice in the push: each op needs its own op_id")]
    RepeatedOpId { op_id: Uuid },
    #[error("the op with device_seq {device_seq} carries a refused_before whose unit_state is not a unit (an object) nor null: send the refusal as the server answered it")]
    RefusedBeforeNotAUnit { device_seq: u64 },
}

impl PushRequest {
    /// Checks the request as a whole: size, one device, device_seq ascending from 1, op_ids unique.
    /// Gaps are not checked here: they depend on what the server has processed, see `decide_push`.
    pub fn validate(&self) -> Result<(), PushRequestError> {
        if self.ops.len() > MAX_PUSH_OPS {
            return Err(PushRequestError::TooManyOps { count: self.ops.len() });
        }
        let mut previous: Option<u64> = None;
        let mut seen = std::collections::HashSet::new();
        for op in &self.ops {
            if op.device_id != self.device_id {
                return Err(PushRequestError::OtherDevice {
                    device_seq: op.device_seq,
                    op_device: op.device_id.clone(),
                    request_device: self.device_id.clone(),
                });
            }
            if op.device_seq == 0 {
                return Err(PushRequestError::ZeroDeviceSeq);
            }
            if let Some(previous) = previous.filter(|previous| *previous >= op.device_seq) {
                return Err(PushRequestError::NotAscending { previous, next: op.device_seq });
            }
            if !seen.insert(op.op_id) {
                return Err(PushRequestError::RepeatedOpId { op_id: op.op_id });
            }
            let state = op.refused_before.as_ref().and_then(|refused| refused.unit_state.as_ref());
            if state.is_some_and(|state| !state.is_object() && !state.is_null()) {
                return Err(PushRequestError::RefusedBeforeNotAUnit { device_seq: op.device_seq });
            }
            previous = Some(op.device_seq);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One result per op the server got to, in the request's order; ops after a stop have none.
    pub results: Vec<OpResult>,
    /// The highest device_seq of this device the server has processed (accepted or refused).
    pub last_processed_device_seq: u64,
    /// The tenant's newest event seq, so the device knows whether to pull.
    pub head_seq: u64,
    #[serde(default)]
    pub stopped: Option<Stop>,
}

/// Why the server stopped before the end of a batch. The ops from there on were not processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Stop {
    /// The batch skips device_seqs the server has not seen: it resends from `expected`.
    Gap { expected: u64 },
    /// The op's command vocabulary is outside what the server reads (`oldest..=newest`). Nothing was recorded
    /// for it; the device keeps its outbox until one side is upgraded.
    UpgradeRequired {
        #[cfg_attr(feature = "utoipa", schema(maximum = 65_535))]
        found: u16,
        #[cfg_attr(feature = "utoipa", schema(maximum = 65_535))]
        oldest: u16,
        #[cfg_attr(feature = "utoipa", schema(maximum = 65_535))]
        newest: u16,
    },
}

impl Stop {
    /// The stop in words, for the sync status line.
    pub fn message(&self) -> String {
        match self {
            Stop::Gap { expected } => {
                format!("the server is waiting for this device's op {expected}: the outbox will be sent again")
            }
            Stop::UpgradeRequired { found, newest, .. } if found > newest => format!(
                "this device writes version {found} but the server reads up to {newest}: the server needs an \
                 upgrade; nothing is lost, the outbox waits"
            ),
            Stop::UpgradeRequired { found, oldest, .. } => format!(
                "this device writes version {found} but the server needs at least {oldest}: reload the app to \
                 upgrade; nothing is lost, the outbox waits"
            ),
        }
    }
}
