//! Unit commands on PostgreSQL in four round trips: `BEGIN`; the unit locked and read with any earlier result of
//! the op (one statement); the decision recorded (one statement: counter, events, result and unit in a CTE);
//! `COMMIT`. The tenant's counter row is locked only from the recording statement to the commit, so
//! concurrent commands of a tenant queue on it for as short a time as possible.

use super::PostgresStore;
use crate::store::sql::prelude::*;

/// The unit, locked, and any earlier result of the op.
#[derive(sqlx::FromRow)]
struct CommandRow {
    #[sqlx(flatten)]
    unit: UnitRecord,
    seen_op_id: Option<String>,
    seen_tenant_id: Option<String>,
}

const READ: &str = "SELECT u.*, o.op_id AS seen_op_id, o.tenant_id AS seen_tenant_id \
     FROM units u LEFT JOIN op_results o ON o.op_id = $3 WHERE u.tenant_id = $1 AND u.id = $2 FOR UPDATE OF u";

/// Binds: $1 tenant, $2 unit, $3 op id, $4 event count, $5 actor, $6 device id, $7 device seq, $8 now,
/// $9 kinds, $10 payloads, $11 status, $12 state.
const ACCEPT: &str = "WITH counter AS (UPDATE tenants SET last_seq = last_seq + $4 WHERE id = $1 RETURNING last_seq), \
     appended AS (INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, \
       device_seq, recorded_at) \
       SELECT $1, counter.last_seq - $4 + event.ordinal, $3, event.ordinal - 1, $2, event.kind, event.payload, $5, $6, \
       $7, $8 FROM counter, UNNEST($9::text[], $10::text[]) WITH ORDINALITY AS event (kind, payload, ordinal)), \
     result AS (INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, seq, recorded_at) \
       SELECT $3, $1, $6, $7, 'accepted', counter.last_seq, $8 FROM counter) \
     UPDATE units SET status = $11, state = $12, version = version + $4, \
       last_seq = (SELECT last_seq FROM counter), updated_at = $8 \
     WHERE tenant_id = $1 AND id = $2 RETURNING *";

const REFUSE: &str = "WITH result AS (INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, \
       reason_code, reason_message, unit_state, recorded_at) \
       VALUES ($1, $2, $3, $4, 'refused', $5, $6, $7, $8) RETURNING op_id) \
     INSERT INTO refused_ops (op_id, tenant_id, payload, recorded_at) SELECT op_id, $2, $9, $8 FROM result";

impl PostgresStore {
    pub(super) async fn apply_command(
        &self,
        tenant_id: &str,
        op: OpInput,
        decide: Decide<'_>,
    ) -> Result<OpOutcome, StoreError> {
        match self.try_apply_command(tenant_id, &op, decide).await {
            // The op's result exists after all: a retry of the same op waited on the unit's lock and read the
            // op results as they were when its statement started. The first one's answer is the answer.
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
        let now = now_millis();
        let mut transaction = self.pool.begin().await?;
        let row: Option<CommandRow> = sqlx::query_as(READ)
            .bind(tenant_id)
            .bind(&op.unit_id)
            .bind(&op.op_id)
            .fetch_optional(&mut *transaction)
            .await?;
        let row = row.ok_or_else(|| StoreError::NotFound("the unit".into()))?;
        if row.seen_op_id.is_some() {
            if row.seen_tenant_id.as_deref() != Some(tenant_id) {
                return Err(StoreError::Conflict("an op with this op_id".into()));
            }
            let result = sqlx::query_as("SELECT * FROM op_results WHERE op_id = $1")
                .bind(&op.op_id)
                .fetch_one(&mut *transaction)
                .await?;
            return Ok(OpOutcome::Repeated { result });
        }
        let unit = row.unit;
        match decide(&unit) {
            Decision::Accept { events, change } => {
                let count = events.len() as i64;
                let (kinds, payloads): (Vec<String>, Vec<String>) = events.into_iter().unzip();
                let updated: UnitRecord = sqlx::query_as(ACCEPT)
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
                    .fetch_one(&mut *transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
                transaction.commit().await?;
                let new_events: Vec<NewEvent> = kinds
                    .into_iter()
                    .zip(payloads)
                    .enumerate()
                    .map(|(index, (kind, payload))| NewEvent {
                        op_id: op.op_id.clone(),
                        op_index: index as i64,
                        unit_id: unit.id.clone(),
                        kind,
                        payload,
                        actor: op.actor.clone(),
                        device_id: op.device_id.clone(),
                        device_seq: op.device_seq,
                    })
                    .collect();
                let events = event_records(tenant_id, updated.last_seq - count + 1, &new_events, now);
                Ok(OpOutcome::Accepted { events, unit: updated })
            }
            Decision::Refuse { code, message } => {
                let result = OpResultRecord {
                    op_id: op.op_id.clone(),
                    tenant_id: tenant_id.to_owned(),
                    device_id: op.device_id.clone(),
                    device_seq: op.device_seq,
                    outcome: "refused".into(),
                    seq: None,
                    reason_code: Some(code),
                    reason_message: Some(message),
                    unit_state: Some(unit.state.clone()),
                    recorded_at: now,
                };
                sqlx::query(REFUSE)
                    .bind(&result.op_id)
                    .bind(tenant_id)
                    .bind(&result.device_id)
                    .bind(result.device_seq)
                    .bind(&result.reason_code)
                    .bind(&result.reason_message)
                    .bind(&result.unit_state)
                    .bind(now)
                    .bind(&op.payload)
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
                transaction.commit().await?;
                Ok(OpOutcome::Refused { result, unit })
            }
        }
    }
}
