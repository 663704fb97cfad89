//! The server's push decision, without the server: which ops of a batch are duplicates, where a gap or an
//! unsupported vocabulary stops the batch, and which ops run through the state machine now.
//!
//! The server calls [`decide_push`] inside its one transaction per request, with two closures over its store:
//! one that reads the stored result of a duplicate, one that runs the state machine on its projection (and on
//! acceptance appends the event). An error from either closure is a transient failure: the server rolls the
//! whole batch back and answers 503.

use super::op_result::{OpOutcome, OpResult, RefusedOp};
use super::pending_op::PendingOp;
use super::push::{PushResponse, Stop};
use crate::unit::event::OLDEST_COMMAND_SCHEMA_VERSION;
use crate::unit::{VersionError, VersionedCommand, COMMAND_SCHEMA_VERSION};

/// What the server does with one op, decided from the device's `last_processed_device_seq` alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpClass {
    /// Processed before: answer the stored result, change nothing.
    Duplicate,
    /// The op the server expects next: run it.
    Next,
    /// Ops are missing before this one: stop, the device resends from `expected`.
    Gap { expected: u64 },
}

pub fn classify(last_processed_device_seq: u64, device_seq: u64) -> OpClass {
    let expected = last_processed_device_seq + 1;
    match device_seq {
        seq if seq < expected => OpClass::Duplicate,
        seq if seq == expected => OpClass::Next,
        _ => OpClass::Gap { expected },
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushDecision {
    /// One result per op the decision got to, in the batch's order: stored ones for duplicates, new ones after.
    pub results: Vec<OpResult>,
    /// The results decided by this push: the server stores them (with the payload of each refused op).
    pub newly_decided: Vec<OpResult>,
    /// The server stores this on the device's row.
    pub last_processed_device_seq: u64,
    pub stopped: Option<Stop>,
}

impl PushDecision {
    pub fn into_response(self, head_seq: u64) -> PushResponse {
        PushResponse {
            results: self.results,
            last_processed_device_seq: self.last_processed_device_seq,
            head_seq,
            stopped: self.stopped,
        }
    }
}

/// Decides a batch (already checked with `PushRequest::validate`) for a device that has processed up to
/// `last_processed_device_seq`.
///
/// `stored_result` answers a duplicate; `run` decides a new op against the server's projection and returns
/// accepted (with the event's seq) or refused (with the unit state). Either way the op counts as processed:
/// a permanently refused op must never wedge the device's queue.
pub fn decide_push<E>(
    last_processed_device_seq: u64,
    ops: &[PendingOp],
    mut stored_result: impl FnMut(&PendingOp) -> Result<OpResult, E>,
    mut run: impl FnMut(&PendingOp, &VersionedCommand) -> Result<OpOutcome, E>,
) -> Result<PushDecision, E> {
    let mut decision = PushDecision {
        results: Vec::with_capacity(ops.len()),
        newly_decided: Vec::new(),
        last_processed_device_seq,
        stopped: None,
    };
    for op in ops {
        match classify(decision.last_processed_device_seq, op.device_seq) {
            OpClass::Duplicate => {
                decision.results.push(stored_result(op)?);
                continue;
            }
            OpClass::Gap { expected } => {
                decision.stopped = Some(Stop::Gap { expected });
                break;
            }
            OpClass::Next => {}
        }
        let outcome = match (&op.refused_before, op.versioned()) {
            // Refused before a restore lost the refusal: recorded again as it was, never run (see PendingOp).
            (Some(refused), _) => OpOutcome::Refused(refused.clone()),
            (None, Ok(command)) => run(op, &command)?,
            (None, Err(VersionError::Malformed(why))) => OpOutcome::Refused(RefusedOp::unreadable(&why)),
            // Unsupported vocabulary: record nothing and do not advance, so the op is pushed again after an
            // upgrade rather than refused for good.
            (None, Err(VersionError::UpgradeRequired { .. } | VersionError::TooOld { .. })) => {
                decision.stopped = Some(Stop::UpgradeRequired {
                    found: op.schema_version,
                    oldest: OLDEST_COMMAND_SCHEMA_VERSION,
                    newest: COMMAND_SCHEMA_VERSION,
                });
                break;
            }
        };
        // Accepted or refused, the op is processed.
        decision.last_processed_device_seq = op.device_seq;
        let result = OpResult { op_id: op.op_id, device_seq: op.device_seq, outcome };
        decision.newly_decided.push(result.clone());
        decision.results.push(result);
    }
    Ok(decision)
}
