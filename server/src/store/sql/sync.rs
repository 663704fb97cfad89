//! The SQL of [`SyncStore`](crate::store::SyncStore), the same for both backends.

macro_rules! impl_sync_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::SyncStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "snapshot_page", tenant.id = %tenant_id))]
            async fn snapshot_page(
                &self,
                tenant_id: &str,
                after: &str,
                limit: i64,
            ) -> Result<$crate::store::SnapshotPage, StoreError> {
                // One read transaction: the units and the head seq are seen at the same moment (a snapshot in
                // WAL mode on SQLite; REPEATABLE READ's snapshot on PostgreSQL, see BEGIN_SNAPSHOT).
                let mut transaction = self.reader().begin().await?;
                sqlx::query(BEGIN_SNAPSHOT).execute(&mut *transaction).await?;
                let tenant: Option<(i64, String)> =
                    sqlx::query_as("SELECT last_seq, log_epoch FROM tenants WHERE id = $1")
                        .bind(tenant_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let (head_seq, log_epoch) = tenant.ok_or_else(|| StoreError::NotFound("the tenant".into()))?;
                let units: Vec<UnitRecord> =
                    // Only hot units: a device is not given what retention archived or purged (docs/RETENTION.md).
                    sqlx::query_as(
                        "SELECT * FROM units WHERE tenant_id = $1 AND id > $2 AND place = 'hot' ORDER BY id LIMIT $3",
                    )
                        .bind(tenant_id)
                        .bind(after)
                        .bind(limit)
                        .fetch_all(&mut *transaction)
                        .await?;
                transaction.commit().await?;
                Ok($crate::store::SnapshotPage { head_seq, log_epoch, units })
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "push", tenant.id = %tenant_id))]
            async fn push(
                &self,
                tenant_id: &str,
                device_id: &str,
                units: &[(String, String)],
                op_ids: &[String],
                decide: $crate::store::DecidePush<'_>,
            ) -> Result<i64, StoreError> {
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO devices (id, tenant_id, name, last_processed_device_seq, created_at) \
                     VALUES ($1, $2, $1, 0, $3) ON CONFLICT (id) DO NOTHING",
                )
                .bind(device_id)
                .bind(tenant_id)
                .bind(now)
                .execute(&mut *transaction)
                .await?;
                let (owner, last_processed): (String, i64) = sqlx::query_as(&format!(
                    "SELECT tenant_id, last_processed_device_seq FROM devices WHERE id = $1{LOCK_ROW}"
                ))
                .bind(device_id)
                .fetch_one(&mut *transaction)
                .await?;
                if owner != tenant_id {
                    return Err(StoreError::Conflict($crate::store::DEVICE_OF_ANOTHER_TENANT.into()));
                }
                // Locks the tenant's counter for the rest of the transaction: appends commit in seq order.
                let head_seq = allocate_seqs(&mut transaction, tenant_id, 0).await? - 1;
                // Per product one `serial IN (…)`, which the (tenant_id, product_id, serial) index answers.
                let mut stored_units: Vec<UnitRecord> = Vec::new();
                let mut pool: Vec<PoolHoldRecord> = Vec::new();
                let mut by_product: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
                for (product_id, serial) in units {
                    by_product.entry(product_id.as_str()).or_default().push(serial.as_str());
                }
                for (product_id, serials) in by_product {
                    let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM units WHERE tenant_id = ");
                    query.push_bind(tenant_id).push(" AND product_id = ").push_bind(product_id).push(" AND serial IN (");
                    push_list(&mut query, serials.iter().copied());
                    query.push(")");
                    stored_units.extend(query.build_query_as::<UnitRecord>().fetch_all(&mut *transaction).await?);
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "SELECT product_id, serial, status, source, order_id, device_id, CAST(0 AS BIGINT) AS commissioned \
                         FROM pool_serials WHERE tenant_id = ",
                    );
                    query.push_bind(tenant_id).push(" AND product_id = ").push_bind(product_id).push(" AND serial IN (");
                    push_list(&mut query, serials);
                    query.push(")");
                    pool.extend(query.build_query_as::<PoolHoldRecord>().fetch_all(&mut *transaction).await?);
                }
                let mut last_events: Vec<EventRecord> = Vec::new();
                if !stored_units.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM events WHERE tenant_id = ");
                    query.push_bind(tenant_id).push(" AND seq IN (");
                    push_list(&mut query, stored_units.iter().map(|unit| unit.last_seq));
                    query.push(")");
                    last_events = query.build_query_as().fetch_all(&mut *transaction).await?;
                }
                let mut stored_results: Vec<OpResultRecord> = Vec::new();
                if !op_ids.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM op_results WHERE op_id IN (");
                    push_list(&mut query, op_ids);
                    query.push(")");
                    stored_results = query.build_query_as().fetch_all(&mut *transaction).await?;
                }
                if stored_results.iter().any(|result| result.tenant_id != tenant_id) {
                    return Err(StoreError::Conflict("an op with one of these op_ids".into()));
                }
                let context = $crate::store::PushContext {
                    last_processed_device_seq: last_processed,
                    head_seq,
                    units: stored_units,
                    last_events,
                    stored_results,
                    pool,
                };
                let writes = decide(context);
                let mut head = head_seq;
                if !writes.events.is_empty() {
                    let first = allocate_seqs(&mut transaction, tenant_id, writes.events.len() as i64).await?;
                    insert_events(&mut transaction, tenant_id, first, &writes.events, now).await?;
                    head = first + writes.events.len() as i64 - 1;
                }
                // One statement per table for the whole batch: a push holds the tenant's counter, so it must be short.
                let units: Vec<UnitRecord> =
                    writes.units.iter().map(|unit| UnitRecord { updated_at: now, ..unit.clone() }).collect();
                write_unit_rows(&mut transaction, tenant_id, &units).await?;
                if !writes.results.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, seq, reason_code, \
                         reason_message, unit_state, recorded_at, last_change) ",
                    );
                    query.push_values(&writes.results, |mut row, (result, _)| {
                        row.push_bind(&result.op_id)
                            .push_bind(tenant_id)
                            .push_bind(device_id)
                            .push_bind(result.device_seq)
                            .push_bind(&result.outcome)
                            .push_bind(result.seq)
                            .push_bind(&result.reason_code)
                            .push_bind(&result.reason_message)
                            .push_bind(&result.unit_state)
                            .push_bind(now)
                            .push_bind(&result.last_change);
                    });
                    query
                        .build()
                        .execute(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
                }
                let refused: Vec<(&str, &str)> = writes
                    .results
                    .iter()
                    .filter_map(|(result, payload)| payload.as_deref().map(|payload| (result.op_id.as_str(), payload)))
                    .collect();
                if !refused.is_empty() {
                    let mut query =
                        sqlx::QueryBuilder::<$db>::new("INSERT INTO refused_ops (op_id, tenant_id, payload, recorded_at) ");
                    query.push_values(&refused, |mut row, (op_id, payload)| {
                        row.push_bind(*op_id).push_bind(tenant_id).push_bind(*payload).push_bind(now);
                    });
                    query.build().execute(&mut *transaction).await?;
                }
                sqlx::query("UPDATE devices SET last_processed_device_seq = $2, last_seen_at = $3 WHERE id = $1")
                    .bind(device_id)
                    .bind(writes.last_processed_device_seq)
                    .bind(now)
                    .execute(&mut *transaction)
                    .await?;
                audit_commit(transaction, &writes.audit).await?;
                Ok(head)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "device_results", tenant.id = %tenant_id))]
            async fn device_results(
                &self,
                tenant_id: &str,
                device_id: &str,
                after: i64,
                limit: i64,
            ) -> Result<Vec<OpResultRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM op_results WHERE tenant_id = $1 AND device_id = $2 AND device_seq > $3 \
                     ORDER BY device_seq LIMIT $4",
                )
                .bind(tenant_id)
                .bind(device_id)
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "escalate", tenant.id = %tenant_id))]
            async fn escalate(
                &self,
                tenant_id: &str,
                op_id: &str,
                by: &str,
                note: Option<&str>,
            ) -> Result<Option<EscalationRecord>, StoreError> {
                // Only a refusal of this tenant can be escalated: the INSERT selects from its refused_ops row.
                let mut transaction = self.writer().begin().await?;
                let done = sqlx::query(
                    "INSERT INTO escalations (op_id, tenant_id, escalated_by, escalated_at, note) \
                     SELECT op_id, tenant_id, $3, $4, $5 FROM refused_ops WHERE tenant_id = $1 AND op_id = $2 \
                     ON CONFLICT (op_id) DO NOTHING",
                )
                .bind(tenant_id)
                .bind(op_id)
                .bind(by)
                .bind(now_millis())
                .bind(note)
                .execute(&mut *transaction)
                .await?;
                // Escalating again changes nothing and records nothing.
                let entries: Vec<AuditEntry> = (done.rows_affected() > 0)
                    .then(|| {
                        AuditEntry::new(tenant_id, "escalation.raised", "op", op_id)
                            .by(by)
                            .new_value(serde_json::json!({ "note": note }))
                    })
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await?;
                self.escalation(tenant_id, op_id).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "escalations", tenant.id = %tenant_id))]
            async fn escalations(
                &self,
                tenant_id: &str,
                open_only: bool,
                limit: i64,
            ) -> Result<Vec<EscalationRecord>, StoreError> {
                let filter = if open_only { "AND e.settled_at IS NULL" } else { "" };
                let sql = format!(
                    "{ESCALATION_SELECT} WHERE e.tenant_id = $1 {filter} \
                     ORDER BY (e.settled_at IS NOT NULL), e.escalated_at, e.op_id LIMIT $2"
                );
                Ok(sqlx::query_as(&sql).bind(tenant_id).bind(limit).fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "settle_escalation", tenant.id = %tenant_id))]
            async fn settle_escalation(
                &self,
                tenant_id: &str,
                op_id: &str,
                by: &str,
                note: &str,
            ) -> Result<Option<EscalationRecord>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let done = sqlx::query(
                    "UPDATE escalations SET settled_by = $3, settled_at = $4, settle_note = $5 \
                     WHERE tenant_id = $1 AND op_id = $2 AND settled_at IS NULL",
                )
                .bind(tenant_id)
                .bind(op_id)
                .bind(by)
                .bind(now_millis())
                .bind(note)
                .execute(&mut *transaction)
                .await?;
                let entries: Vec<AuditEntry> = (done.rows_affected() > 0)
                    .then(|| {
                        AuditEntry::new(tenant_id, "escalation.settled", "op", op_id)
                            .by(by)
                            .old(serde_json::json!({ "settled": false }))
                            .new_value(serde_json::json!({ "settled": true, "note": note }))
                            .reason(Some(note.to_owned()))
                    })
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await?;
                self.escalation(tenant_id, op_id).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "recent_events", tenant.id = %tenant_id))]
            async fn recent_events(
                &self,
                tenant_id: &str,
                unit_ids: &[String],
                per_unit: i64,
            ) -> Result<Vec<EventRecord>, StoreError> {
                let mut events = Vec::new();
                for chunk in unit_ids.chunks(ROWS_PER_INSERT) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "SELECT tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, device_seq, \
                         recorded_at FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY seq DESC) AS n \
                         FROM events WHERE tenant_id = ",
                    );
                    query.push_bind(tenant_id).push(" AND unit_id IN (");
                    push_list(&mut query, chunk);
                    query.push(")) AS recent WHERE n <= ").push_bind(per_unit).push(" ORDER BY unit_id, seq DESC");
                    events.extend(query.build_query_as::<EventRecord>().fetch_all(self.reader()).await?);
                }
                Ok(events)
            }
        }

        impl $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "escalation", tenant.id = %tenant_id))]
            async fn escalation(&self, tenant_id: &str, op_id: &str) -> Result<Option<EscalationRecord>, StoreError> {
                let sql = format!("{ESCALATION_SELECT} WHERE e.tenant_id = $1 AND e.op_id = $2");
                // The writer: read right after the write that made or settled it.
                Ok(sqlx::query_as(&sql).bind(tenant_id).bind(op_id).fetch_optional(self.writer()).await?)
            }
        }
    };
}

/// An escalation with the refused op and the server's answer to it.
pub const ESCALATION_SELECT: &str = "SELECT e.op_id, p.payload, r.reason_code, r.reason_message, r.last_change, \
     p.recorded_at AS refused_at, e.escalated_by, e.escalated_at, e.note, e.settled_by, e.settled_at, e.settle_note \
     FROM escalations e JOIN refused_ops p ON p.op_id = e.op_id JOIN op_results r ON r.op_id = e.op_id";
pub(crate) use impl_sync_store;
