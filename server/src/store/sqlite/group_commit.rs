//! Group commit for unit commands: SQLite has one writer, so rather than one transaction per command, a
//! single writer task takes the commands waiting in a channel and applies them one after the other inside one
//! transaction, each in its own savepoint, and commits once for the whole group.
//!
//! What each command still gets, exactly as with a transaction of its own:
//! - `decide` runs against the unit's row as it is at that point of the transaction (earlier commands of the
//!   group included): the writer reads the group's units and op results in two statements when the group
//!   starts, keeps them up to date with what each command writes, and hands each command's unit to the
//!   caller's task, which decides and answers;
//! - seqs are allocated from `tenants.last_seq` inside the transaction, so they stay gap-free and commit in
//!   order (the whole group commits at once, in seq order);
//! - a command that fails is rolled back to its savepoint and never affects the others of its group;
//! - an op id seen before, in an earlier group or earlier in this one, answers the stored result;
//! - nobody hears "accepted" before the group's `COMMIT` has succeeded; if it fails, every command of the group
//!   gets the error.
//!
//! A caller that goes away (its request dropped) before deciding leaves nothing behind: the writer gets no
//! decision and writes nothing for it. The writer holds the pool's only write connection while a group is
//! open, so every other write (registrations, the catalog) simply waits its turn between groups.

use crate::store::sql::prelude::*;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{Sqlite, SqlitePool};
use std::collections::{HashMap, VecDeque};
use tokio::sync::{mpsc, oneshot};

/// At most this many commands share one transaction, so one group never holds the writer for long.
const MAX_GROUP: usize = 256;

/// The unit as the writer read it, and where the caller sends its decision.
type Read = (UnitRecord, oneshot::Sender<Decision>);

/// One command waiting for the writer.
struct Pending {
    tenant_id: String,
    op: OpInput,
    read: oneshot::Sender<Read>,
    outcome: oneshot::Sender<Result<OpOutcome, StoreError>>,
}

/// The handle callers use; the writer task ends when the last handle is dropped.
#[derive(Debug, Clone)]
pub struct GroupCommit {
    queue: mpsc::UnboundedSender<Pending>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Pending").field("op_id", &self.op.op_id).finish()
    }
}

impl GroupCommit {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(pool: SqlitePool) -> Self {
        let (queue, receiver) = mpsc::unbounded_channel();
        tokio::spawn(writer(pool, receiver));
        Self { queue }
    }

    /// Runs one command through the writer: see the module documentation.
    pub async fn apply(&self, tenant_id: &str, op: OpInput, decide: Decide<'_>) -> Result<OpOutcome, StoreError> {
        let (read, read_here) = oneshot::channel();
        let (outcome, outcome_here) = oneshot::channel();
        let pending = Pending { tenant_id: tenant_id.to_owned(), op, read, outcome };
        self.queue.send(pending).map_err(|_| stopped())?;
        // The writer asks for a decision only when there is one to make (the unit exists, the op is new).
        if let Ok((unit, decision)) = read_here.await {
            let _ = decision.send(decide(&unit));
        }
        outcome_here.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the SQLite writer has stopped".into())
}

async fn writer(pool: SqlitePool, mut receiver: mpsc::UnboundedReceiver<Pending>) {
    // Commands of a group cut short by a failed write, to run first in the next group.
    let mut carried: VecDeque<Pending> = VecDeque::new();
    loop {
        let first = match carried.pop_front() {
            Some(pending) => pending,
            None => match receiver.recv().await {
                Some(pending) => pending,
                None => return,
            },
        };
        let mut group = vec![first];
        group.extend(carried.drain(..));
        while group.len() < MAX_GROUP {
            match receiver.try_recv() {
                Ok(pending) => group.push(pending),
                Err(_) => break,
            }
        }
        let mut connection = match begin(&pool).await {
            Ok(connection) => connection,
            Err(error) => {
                let message = error.to_string();
                for pending in group {
                    let _ = pending.outcome.send(Err(StoreError::Unavailable(message.clone())));
                }
                continue;
            }
        };
        let mut view = match GroupView::read(&mut connection, &group).await {
            Ok(view) => view,
            Err(error) => {
                let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
                let message = error.to_string();
                for pending in group {
                    let _ = pending.outcome.send(Err(StoreError::Unavailable(message.clone())));
                }
                continue;
            }
        };
        let mut answers = Vec::new();
        let mut commands = group.into_iter();
        for pending in commands.by_ref() {
            let (result, write_failed) =
                apply_one(&mut connection, &mut view, &pending.tenant_id, pending.op, pending.read).await;
            answers.push((pending.outcome, result));
            // After a failed write the group commits at once: should SQLite have rolled back the whole
            // transaction (as it may on I/O errors), the COMMIT fails and the group hears so, and no later
            // command runs outside a transaction. The rest of the group goes first into the next one.
            if write_failed {
                break;
            }
        }
        carried.extend(commands);
        match sqlx::query("COMMIT").execute(&mut *connection).await {
            Ok(_) => {
                for (outcome, result) in answers {
                    let _ = outcome.send(result);
                }
            }
            Err(error) => {
                // Nothing of the group is stored: every command of it hears so.
                let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
                let message = error.to_string();
                for (outcome, result) in answers {
                    let _ = outcome
                        .send(result.and(Err(StoreError::Database(format!("the group's commit failed: {message}")))));
                }
            }
        }
    }
}

/// The group's units, tenants' counters and op results as the transaction sees them: read once when the group
/// starts, then kept up to date with every command's writes (and only with those that were written).
struct GroupView {
    units: HashMap<String, UnitRecord>,
    tenant_seqs: HashMap<String, i64>,
    ops: HashMap<String, OpResultRecord>,
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    #[sqlx(flatten)]
    unit: UnitRecord,
    tenant_last_seq: i64,
}

impl GroupView {
    async fn read(connection: &mut PoolConnection<Sqlite>, group: &[Pending]) -> Result<Self, StoreError> {
        let unit_ids = serde_json::to_string(&group.iter().map(|pending| &pending.op.unit_id).collect::<Vec<_>>())
            .unwrap_or_default();
        let op_ids = serde_json::to_string(&group.iter().map(|pending| &pending.op.op_id).collect::<Vec<_>>())
            .unwrap_or_default();
        let rows: Vec<UnitRow> = sqlx::query_as(
            "SELECT u.*, t.last_seq AS tenant_last_seq FROM units u JOIN tenants t ON t.id = u.tenant_id \
             WHERE u.id IN (SELECT value FROM json_each($1))",
        )
        .bind(unit_ids)
        .fetch_all(&mut **connection)
        .await?;
        let ops: Vec<OpResultRecord> =
            sqlx::query_as("SELECT * FROM op_results WHERE op_id IN (SELECT value FROM json_each($1))")
                .bind(op_ids)
                .fetch_all(&mut **connection)
                .await?;
        let mut view = Self { units: HashMap::new(), tenant_seqs: HashMap::new(), ops: HashMap::new() };
        for row in rows {
            view.tenant_seqs.insert(row.unit.tenant_id.clone(), row.tenant_last_seq);
            view.units.insert(row.unit.id.clone(), row.unit);
        }
        view.ops.extend(ops.into_iter().map(|result| (result.op_id.clone(), result)));
        Ok(view)
    }
}

/// Takes the write connection and opens the group's transaction, taking SQLite's write lock at once.
async fn begin(pool: &SqlitePool) -> Result<PoolConnection<Sqlite>, StoreError> {
    let mut connection = pool.acquire().await?;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *connection).await?;
    Ok(connection)
}

const REFUSE: &str = "SAVEPOINT command; \
     INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, reason_code, reason_message, unit_state, \
     recorded_at) VALUES ($1, $2, $3, $4, 'refused', $5, $6, $7, $8); \
     INSERT INTO refused_ops (op_id, tenant_id, payload, recorded_at) VALUES ($1, $2, $9, $8)";

/// The statements that record an accepted command with `count` events, sent as one batch: the counter, the
/// events, the unit and the op's result. Binds: $1 the new last seq, $2 tenant, $3 unit, $4 op id, $5 actor,
/// $6 device id, $7 device seq, $8 now, $9 status, $10 state, $11 count, then kind and payload of each event.
fn accept_sql(count: usize) -> String {
    let mut sql = String::from(
        "SAVEPOINT command; UPDATE tenants SET last_seq = $1 WHERE id = $2; \
         INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, device_seq, \
         recorded_at) VALUES ",
    );
    for index in 0..count {
        let (kind, payload) = (12 + 2 * index, 13 + 2 * index);
        let before_last = count - 1 - index;
        if index > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("($2, $1 - {before_last}, $4, {index}, $3, ${kind}, ${payload}, $5, $6, $7, $8)"));
    }
    sql.push_str(
        "; UPDATE units SET status = $9, state = $10, version = version + $11, last_seq = $1, updated_at = $8 \
         WHERE tenant_id = $2 AND id = $3; \
         INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, seq, recorded_at) \
         VALUES ($4, $2, $6, $7, 'accepted', $1, $8)",
    );
    sql
}

/// Applies one command inside the group's transaction; says too whether a write of it failed.
async fn apply_one(
    connection: &mut PoolConnection<Sqlite>,
    view: &mut GroupView,
    tenant_id: &str,
    op: OpInput,
    read: oneshot::Sender<Read>,
) -> (Result<OpOutcome, StoreError>, bool) {
    let failed = match decide_and_record(connection, view, tenant_id, op, read).await {
        Ok(Ok(outcome)) => return (Ok(outcome), false),
        Ok(Err(error)) => error,
        Err(error) => return (Err(error), false),
    };
    // Undo whatever part of this command ran; the rest of the group stays as it was. (If the savepoint was
    // never opened this fails harmlessly.)
    let _ = sqlx::query("ROLLBACK TO command; RELEASE command").execute(&mut **connection).await;
    (Err(failed), true)
}

/// Looks the command up, asks for the decision and records it with its audit entry, inside the command's
/// savepoint. The outer error means nothing was written; the inner one is a failed write.
async fn decide_and_record(
    connection: &mut PoolConnection<Sqlite>,
    view: &mut GroupView,
    tenant_id: &str,
    op: OpInput,
    read: oneshot::Sender<Read>,
) -> Result<Result<OpOutcome, StoreError>, StoreError> {
    let now = now_millis();
    let unit = view.units.get(&op.unit_id).filter(|unit| unit.tenant_id == tenant_id);
    let unit = unit.cloned().ok_or_else(|| StoreError::NotFound("the unit".into()))?;
    if let Some(result) = view.ops.get(&op.op_id) {
        if result.tenant_id != tenant_id {
            return Err(StoreError::Conflict("an op with this op_id".into()));
        }
        return Ok(Ok(OpOutcome::Repeated { result: result.clone() }));
    }
    let tenant_last_seq = view.tenant_seqs.get(tenant_id).copied().unwrap_or_default();
    let (decision, decision_here) = oneshot::channel();
    read.send((unit.clone(), decision)).map_err(|_| stopped())?;
    // No decision means the caller went away: nothing is written for it.
    let decision = decision_here.await.map_err(|_| stopped())?;
    let recorded = match decision {
        Decision::Accept { events, change } => {
            let count = events.len() as i64;
            let last = tenant_last_seq + count;
            let sql = accept_sql(events.len());
            let mut query = sqlx::query(&sql)
                .bind(last)
                .bind(tenant_id)
                .bind(&unit.id)
                .bind(&op.op_id)
                .bind(&op.actor)
                .bind(&op.device_id)
                .bind(op.device_seq)
                .bind(now)
                .bind(&change.status)
                .bind(&change.state)
                .bind(count);
            for (kind, payload) in &events {
                query = query.bind(kind).bind(payload);
            }
            let written = match query.execute(&mut **connection).await {
                Ok(_) => {
                    record_audit(connection, op.audit_entry(tenant_id, &unit, true, accepted(&events, &change, last)))
                        .await
                }
                Err(error) => Err(StoreError::from_insert(error, "an op with this op_id")),
            };
            written.map(|_| {
                let new_events = op.new_events(events);
                let events = event_records(tenant_id, last - count + 1, &new_events, now);
                let unit = UnitRecord {
                    status: change.status,
                    state: change.state,
                    version: unit.version + count,
                    last_seq: last,
                    updated_at: now,
                    ..unit
                };
                // What the statements just wrote, for the commands after this one in the group.
                view.tenant_seqs.insert(tenant_id.to_owned(), last);
                view.units.insert(unit.id.clone(), unit.clone());
                let result = op.accepted(tenant_id, last, now);
                view.ops.insert(op.op_id.clone(), result);
                OpOutcome::Accepted { events, unit }
            })
        }
        Decision::Refuse { code, message } => {
            let result = op.refused(tenant_id, &unit.state, code, message, now);
            let entry = op.audit_entry(tenant_id, &unit, false, serde_json::json!({ "code": result.reason_code }));
            let written = sqlx::query(REFUSE)
                .bind(&result.op_id)
                .bind(tenant_id)
                .bind(&result.device_id)
                .bind(result.device_seq)
                .bind(&result.reason_code)
                .bind(&result.reason_message)
                .bind(&result.unit_state)
                .bind(now)
                .bind(&op.payload)
                .execute(&mut **connection)
                .await;
            let written = match written {
                Ok(_) => record_audit(connection, entry).await,
                Err(error) => Err(StoreError::from_insert(error, "an op with this op_id")),
            };
            written.map(|_| {
                view.ops.insert(result.op_id.clone(), result.clone());
                OpOutcome::Refused { result, unit: Box::new(unit) }
            })
        }
    };
    Ok(recorded)
}

/// What an accepted command's audit entry says came of it.
fn accepted(events: &[(String, String)], change: &crate::store::UnitChange, last: i64) -> serde_json::Value {
    let kinds: Vec<&str> = events.iter().map(|(kind, _)| kind.as_str()).collect();
    serde_json::json!({ "events": kinds, "seq": last, "status": change.status })
}

/// The command's audit entry, appended inside its savepoint (the group's one writer holds the chains' heads),
/// then the savepoint released.
async fn record_audit(connection: &mut PoolConnection<Sqlite>, entry: AuditEntry) -> Result<(), StoreError> {
    super::audit_append(connection, &[entry]).await?;
    sqlx::query("RELEASE command").execute(&mut **connection).await?;
    Ok(())
}
