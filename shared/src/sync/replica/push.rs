//! The device's end of a push: which ops to send, and what the answers do to the outbox and the inbox.

use super::outbox::Delivery;
use super::DeviceReplica;
use crate::sync::conflict::Conflict;
use crate::sync::op_result::{OpOutcome, OpResult};
use crate::sync::push::{PushRequest, PushResponse, Stop, MAX_PUSH_OPS};

impl DeviceReplica {
    /// The next batch: up to 100 unacknowledged ops in device_seq order, now marked as sending.
    /// None when there is nothing to send.
    pub fn next_push(&mut self) -> Option<PushRequest> {
        let ops: Vec<_> = self.outbox.unacknowledged().take(MAX_PUSH_OPS).map(|entry| entry.op.clone()).collect();
        if ops.is_empty() {
            return None;
        }
        for op in &ops {
            self.outbox.set_delivery(op.device_seq, Delivery::Sending);
        }
        Some(PushRequest { device_id: self.device_id.clone(), ops })
    }

    /// The push failed without an answer (network, 503): its ops go back to the queue, to be sent after a
    /// backoff. The server may have committed them; resending is safe.
    pub fn on_push_failed(&mut self) {
        self.outbox.requeue_sending();
    }

    /// The server's answer to a push.
    pub fn on_push_response(&mut self, response: &PushResponse) {
        self.on_op_results(&response.results);
        self.outbox.requeue_sending();
        if let Some(Stop::Gap { expected }) = &response.stopped {
            // The server lost ops it had acknowledged (restored from a backup): send them again.
            self.outbox.requeue_from(*expected);
        }
        self.push_blocked = match &response.stopped {
            // A gap the outbox can fill is no block: the next push starts where the server expects.
            Some(Stop::Gap { expected }) if self.outbox.entries().any(|entry| entry.op.device_seq == *expected) => None,
            stopped => stopped.clone(),
        };
    }

    /// Results from a push answer or a pull page. Accepted ops are marked acked (or let go, if the cursor has
    /// passed their event); refused ops move to the conflict inbox in the same step that removes them from the
    /// outbox. A result for an op no longer in the outbox was handled before: nothing happens.
    pub fn on_op_results(&mut self, results: &[OpResult]) {
        for result in results {
            let Some(entry) = self.outbox.find(result.op_id) else { continue };
            let device_seq = entry.op.device_seq;
            match &result.outcome {
                OpOutcome::Accepted { seq } if *seq <= self.cursor => {
                    self.outbox.remove(result.op_id);
                }
                OpOutcome::Accepted { seq } => self.outbox.set_delivery(device_seq, Delivery::Acked { seq: *seq }),
                OpOutcome::Refused(refused) => {
                    if let Some(entry) = self.outbox.remove(result.op_id) {
                        self.conflicts.push(Conflict {
                            op: entry.op,
                            refused: refused.clone(),
                            escalated: false,
                            escalation_sent: false,
                        });
                    }
                }
            }
        }
    }
}
