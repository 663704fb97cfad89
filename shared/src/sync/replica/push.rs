//! The device's end of a push: which ops to send, and what the answers do to the outbox and the inbox.

use super::outbox::Delivery;
use super::DeviceReplica;
use crate::sync::conflict::Conflict;
use crate::sync::op_result::{OpOutcome, OpResult};
use crate::sync::push::{PushRequest, PushResponse, Stop, MAX_PUSH_OPS};

impl DeviceReplica {
    /// The next batch: up to 100 unacknowledged ops in device_seq order, now marked as sending.
    /// None when there is nothing to send — unless a reset left the journal unchecked: then the batch may be
    /// empty, sent to learn what the server has processed.
    pub fn next_push(&mut self) -> Option<PushRequest> {
        let ops: Vec<_> = self.outbox.unacknowledged().take(MAX_PUSH_OPS).map(|entry| entry.op.clone()).collect();
        if !self.wants_push() {
            return None;
        }
        for op in &ops {
            self.outbox.set_delivery(op.device_seq, Delivery::Sending);
        }
        Some(PushRequest { device_id: self.device_id.clone(), ops })
    }

    /// Whether the next push has something to do: queued ops, or a journal to check after a reset.
    pub fn wants_push(&self) -> bool {
        self.journal_unchecked || self.outbox.unacknowledged().next().is_some()
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
        // Settled ops above what the server has processed were lost in a restore from a backup: they go back to
        // the outbox, refused ones marked so that the server records their refusal instead of running them.
        for settled in self.journal.take_from(response.last_processed_device_seq + 1) {
            let mut op = settled.op;
            op.refused_before = settled.refused;
            self.outbox.insert(op);
        }
        self.journal_unchecked = false;
        if let Some(Stop::Gap { expected }) = &response.stopped {
            // The server lost ops it had acknowledged: send them again.
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
                    if let Some(entry) = self.outbox.remove(result.op_id) {
                        self.journal.keep(entry.op, None);
                    }
                }
                OpOutcome::Accepted { seq } => self.outbox.set_delivery(device_seq, Delivery::Acked { seq: *seq }),
                OpOutcome::Refused(refused) => {
                    let Some(mut entry) = self.outbox.remove(result.op_id) else { continue };
                    // An op refused before a restore is in the inbox already, or the user has dealt with it.
                    if entry.op.refused_before.take().is_none() {
                        self.conflicts.push(Conflict {
                            op: entry.op.clone(),
                            refused: refused.clone(),
                            escalated: false,
                            escalation_sent: false,
                        });
                    }
                    self.journal.keep(entry.op, Some(refused.clone()));
                }
            }
        }
    }
}
