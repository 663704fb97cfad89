//! Unit commands on PostgreSQL in two round trips and no client round trip under a lock: the unit is read with
//! any earlier result of the op; `decide` runs on it; one statement records the decision, in its own
//! transaction, on condition that the unit is still at the version that was decided on. If another command
//! changed the unit in between, nothing is written and the command is decided again on the unit as it is now,
//! so every decision that is recorded was made against the unit's current row, exactly as with a row lock
//! held across the decision, and `decide` (a pure function) may run more than once.
//!
//! The recording statement locks the unit, then the tenant's counter row, and holds them only while PostgreSQL
//! runs it, the command's audit entry is appended (the chain's head locked last) and it commits: commands of one tenant queue on the counter for microseconds, not for a network round
//! trip, and seqs stay gap-free and commit in order.
use super::PostgresStore;
use crate::store::sql::prelude::*;
use crate::store::UnitChange;

/// After this many lost races for one unit a command gives up (a unit changing thousands of times a second).
const MAX_ATTEMPTS: usize = 1_000;

/// The unit and any earlier result of the op.
#[derive(sqlx::FromRow)]
struct CommandRow {
    #[sqlx(flatten)]
    unit: UnitRecord,
    seen_op_id: Option<String>,
}

const READ: &str = "SELECT u.*, o.op_id AS seen_op_id \
     FROM units u LEFT JOIN op_results o ON o.op_id = $3 WHERE u.tenant_id = $1 AND u.id = $2";

/// Binds: $1 tenant, $2 unit, $3 op id, $4 event count, $5 actor, $6 device id, $7 device seq, $8 now,
/// $9 kinds, $10 payloads, $11 status, $12 state, $13 the unit's version the decision was made on.
/// No row back: the unit has changed since, or retention moved it (or the op's result exists, which the insert
/// reports).
const ACCEPT: &str =
    "WITH unit AS (SELECT id FROM units WHERE tenant_id = $1 AND id = $2 AND version = $13 AND place = 'hot' \
       FOR UPDATE), \
     counter AS (UPDATE tenants SET last_seq = last_seq + $4 WHERE id = $1 AND EXISTS (SELECT 1 FROM unit) \
       RETURNING last_seq), \
     appended AS (INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, \
       device_seq, recorded_at) \
       SELECT $1, counter.last_seq - $4 + event.ordinal, $3, event.ordinal - 1, $2, event.kind, event.payload, $5, $6, \
       $7, $8 FROM counter, UNNEST($9::text[], $10::text[]) WITH ORDINALITY AS event (kind, payload, ordinal)), \
     result AS (INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, seq, recorded_at) \
       SELECT $3, $1, $6, $7, 'accepted', counter.last_seq, $8 FROM counter) \
     UPDATE units SET status = $11, state = $12, version = version + $4, last_seq = counter.last_seq, updated_at = $8 \
     FROM counter WHERE units.tenant_id = $1 AND units.id = $2 RETURNING units.*";

/// Binds: $1 op id, $2 tenant, $3 device id, $4 device seq, $5 code, $6 message, $7 unit state, $8 now,
/// $9 payload, $10 unit, $11 the unit's version. Nothing written: the unit has changed since.
const REFUSE: &str =
    "WITH unit AS (SELECT id FROM units WHERE tenant_id = $2 AND id = $10 AND version = $11 FOR SHARE), \
     result AS (INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, reason_code, reason_message, \
       unit_state, recorded_at) \
       SELECT $1, $2, $3, $4, 'refused', $5, $6, $7, $8 FROM unit RETURNING op_id) \
     INSERT INTO refused_ops (op_id, tenant_id, payload, recorded_at) SELECT op_id, $2, $9, $8 FROM result";

impl PostgresStore {
    pub(super) async fn apply_command(
        &self,
        tenant_id: &str,
        op: OpInput,
        decide: Decide<'_>,
    ) -> Result<OpOutcome, StoreError> {
        match self.try_apply_command(tenant_id, &op, decide).await {
            // The op's result exists after all: the same op, sent twice at once, was recorded by the other one
            // between our read and our write. The first one's answer is the answer.
            Err(StoreError::Conflict(what)) => match self.op_result_any_tenant(&op.op_id).await? {
                Some(result) if result.tenant_id == tenant_id => Ok(OpOutcome::Repeated { result }),
                _ => Err(StoreError::Conflict(what)),
            },
            other => other,
        }
    }

    async fn op_result_any_tenant(&self, op_id: &str) -> Result<Option<OpResultRecord>, StoreError> {
        Ok(sqlx::query_as("SELECT * FROM op_results WHERE op_id = $1").bind(op_id).fetch_optional(&self.pool).await?)
    }

    async fn try_apply_command(
        &self,
        tenant_id: &str,
        op: &OpInput,
        decide: Decide<'_>,
    ) -> Result<OpOutcome, StoreError> {
        for _ in 0..MAX_ATTEMPTS {
            let row: Option<CommandRow> = sqlx::query_as(READ)
                .bind(tenant_id)
                .bind(&op.unit_id)
                .bind(&op.op_id)
                .fetch_optional(&self.pool)
                .await?;
            let row = row.ok_or_else(|| StoreError::NotFound("the unit".into()))?;
            if row.seen_op_id.is_some() {
                return match self.op_result_any_tenant(&op.op_id).await? {
                    Some(result) if result.tenant_id == tenant_id => Ok(OpOutcome::Repeated { result }),
                    _ => Err(StoreError::Conflict("an op with this op_id".into())),
                };
            }
            let unit = row.unit;
            let now = now_millis();
            let recorded = match decide(&unit) {
                Decision::Accept { events, change } => self.accept(tenant_id, op, &unit, events, change, now).await?,
                Decision::Refuse { code, message } => self.refuse(tenant_id, op, unit, code, message, now).await?,
            };
            if let Some(outcome) = recorded {
                return Ok(outcome);
            }
        }
        Err(StoreError::Unavailable(format!(
            "the unit changed under {MAX_ATTEMPTS} attempts in a row to apply a command: try again"
        )))
    }

    /// Records an accepted command; `None` when the unit is no longer at the version decided on.
    async fn accept(
        &self,
        tenant_id: &str,
        op: &OpInput,
        unit: &UnitRecord,
        events: Vec<(String, String)>,
        change: UnitChange,
        now: i64,
    ) -> Result<Option<OpOutcome>, StoreError> {
        let count = events.len() as i64;
        let (kinds, payloads): (Vec<String>, Vec<String>) = events.into_iter().unzip();
        let mut transaction = self.pool.begin().await?;
        let updated: Option<UnitRecord> = sqlx::query_as(ACCEPT)
            .bind(tenant_id)
            .bind(&unit.id)
            .bind(&op.op_id)
            .bind(count)
            .bind(&op.actor)
            .bind(&op.device_id)
            .bind(op.device_seq)
            .bind(now)
            .bind(&kinds)
            .bind(&payloads)
            .bind(&change.status)
            .bind(&change.state)
            .bind(unit.version)
            .fetch_optional(&mut *transaction)
            .await
            .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
        let Some(updated) = updated else { return Ok(None) };
        let outcome = serde_json::json!({ "events": kinds, "seq": updated.last_seq, "status": change.status });
        super::audit_commit(transaction, &[op.audit_entry(tenant_id, unit, true, outcome)]).await?;
        let new_events = op.new_events(kinds.into_iter().zip(payloads));
        let events = event_records(tenant_id, updated.last_seq - count + 1, &new_events, now);
        Ok(Some(OpOutcome::Accepted { events, unit: updated }))
    }

    /// Records a refused command with its payload; `None` when the unit is no longer at the version decided on.
    async fn refuse(
        &self,
        tenant_id: &str,
        op: &OpInput,
        unit: UnitRecord,
        code: String,
        message: String,
        now: i64,
    ) -> Result<Option<OpOutcome>, StoreError> {
        let result = op.refused(tenant_id, &unit.state, code, message, now);
        let mut transaction = self.pool.begin().await?;
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
            .bind(&unit.id)
            .bind(unit.version)
            .execute(&mut *transaction)
            .await
            .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
        if written.rows_affected() != 1 {
            return Ok(None);
        }
        let entry = op.audit_entry(tenant_id, &unit, false, serde_json::json!({ "code": result.reason_code }));
        super::audit_commit(transaction, &[entry]).await?;
        Ok(Some(OpOutcome::Refused { result, unit: Box::new(unit) }))
    }
}
