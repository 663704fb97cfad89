//! The SQL of [`RetentionStore`](crate::store::RetentionStore), the same for both backends (docs/RETENTION.md).
//! A backend module provides `LOCK_ROW`, `BEGIN_SNAPSHOT` and `purged_state_expression()` (a purged unit's state
//! with `PURGED_FIELDS` set to null, in its SQL).

/// The columns an archive or a purge clears from an audit entry: its fields after `at`.
pub const CLEAR_ENTRY_FIELDS: &str = "client_time = NULL, action = NULL, actor = NULL, actor_tenant = NULL, \
    device_id = NULL, object_kind = NULL, object_id = NULL, old_value = NULL, new_value = NULL, reason = NULL";

/// Rows per `IN (…)` list of seqs or ids.
pub const IDS_PER_LIST: usize = 10_000;

macro_rules! impl_retention_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::RetentionStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "retention_policy", tenant.id = %tenant_id))]
            async fn retention_policy(&self, tenant_id: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(Option<String>,)> = sqlx::query_as("SELECT retention_policy FROM tenants WHERE id = $1")
                    .bind(tenant_id)
                    .fetch_optional(self.reader())
                    .await?;
                Ok(row.and_then(|(policy,)| policy))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "retention_policy_set", tenant.id = %tenant_id))]
            async fn retention_policy_set(&self, tenant_id: &str, policy: &str) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                // The policy it replaces is read under the row's lock (PostgreSQL): two admins saving at once
                // are recorded one after the other, each with what was really there.
                let stored: Option<(Option<String>,)> =
                    sqlx::query_as(&format!("SELECT retention_policy FROM tenants WHERE id = $1{LOCK_ROW}"))
                        .bind(tenant_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let before = match stored.and_then(|(policy,)| policy) {
                    Some(text) => serde_json::from_str(&text).unwrap_or_default(),
                    None => serde_json::to_value(serialtrack_shared::retention::RetentionPolicy::default())
                        .unwrap_or_default(),
                };
                sqlx::query("UPDATE tenants SET retention_policy = $2 WHERE id = $1")
                    .bind(tenant_id)
                    .bind(policy)
                    .execute(&mut *transaction)
                    .await?;
                let after: serde_json::Value = serde_json::from_str(policy).unwrap_or_default();
                let entries: Vec<AuditEntry> = (before != after)
                    .then(|| {
                        AuditEntry::new(tenant_id, "retention.policy_changed", "tenant", tenant_id)
                            .old(before)
                            .new_value(after)
                    })
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "retention_floor", tenant.id = %tenant_id))]
            async fn retention_floor(&self, tenant_id: &str) -> Result<i64, StoreError> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT retention_floor FROM tenants WHERE id = $1")
                    .bind(tenant_id)
                    .fetch_optional(self.reader())
                    .await?;
                Ok(row.map_or(0, |(floor,)| floor))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "holds", tenant.id = %tenant_id))]
            async fn holds(&self, tenant_id: &str, lifted: bool) -> Result<Vec<HoldRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM legal_holds WHERE tenant_id = $1 AND ($2 OR lifted_at IS NULL) \
                     ORDER BY placed_at DESC, id DESC",
                )
                .bind(tenant_id)
                .bind(lifted)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "hold_place", tenant.id = %hold.tenant_id))]
            async fn hold_place(&self, hold: NewHold) -> Result<HoldRecord, StoreError> {
                let record = HoldRecord {
                    id: new_id(),
                    tenant_id: hold.tenant_id,
                    scope: hold.scope,
                    product_id: hold.product_id,
                    lot: hold.lot,
                    unit_id: hold.unit_id,
                    serial: hold.serial,
                    reason: hold.reason,
                    placed_by: crate::store::audit::who::current().actor,
                    placed_at: now_millis(),
                    lifted_by: None,
                    lifted_at: None,
                    lift_reason: None,
                };
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO legal_holds (id, tenant_id, scope, product_id, lot, unit_id, serial, reason, \
                     placed_by, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&record.id)
                .bind(&record.tenant_id)
                .bind(&record.scope)
                .bind(&record.product_id)
                .bind(&record.lot)
                .bind(&record.unit_id)
                .bind(&record.serial)
                .bind(&record.reason)
                .bind(&record.placed_by)
                .bind(record.placed_at)
                .execute(&mut *transaction)
                .await?;
                let entry = AuditEntry::new(&record.tenant_id, "hold.placed", "legal_hold", &record.id)
                    .new_value(serde_json::json!({
                        "scope": record.scope, "product_id": record.product_id, "lot": record.lot,
                        "unit_id": record.unit_id, "serial": record.serial,
                    }))
                    .reason(Some(record.reason.clone()));
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "hold_lift", tenant.id = %tenant_id))]
            async fn hold_lift(
                &self,
                tenant_id: &str,
                id: &str,
                reason: &str,
            ) -> Result<Option<Result<HoldRecord, HoldRecord>>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let found: Option<HoldRecord> =
                    sqlx::query_as(&format!("SELECT * FROM legal_holds WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"))
                        .bind(tenant_id)
                        .bind(id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let Some(mut hold) = found else { return Ok(None) };
                if hold.lifted_at.is_some() {
                    return Ok(Some(Err(hold)));
                }
                hold.lifted_by = Some(crate::store::audit::who::current().actor);
                hold.lifted_at = Some(now_millis());
                hold.lift_reason = Some(reason.to_owned());
                sqlx::query("UPDATE legal_holds SET lifted_by = $3, lifted_at = $4, lift_reason = $5 WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .bind(&hold.lifted_by)
                    .bind(hold.lifted_at)
                    .bind(&hold.lift_reason)
                    .execute(&mut *transaction)
                    .await?;
                let entry = AuditEntry::new(tenant_id, "hold.lifted", "legal_hold", id)
                    .old(serde_json::json!({ "reason": hold.reason }))
                    .reason(Some(reason.to_owned()));
                audit_commit(transaction, &[entry]).await?;
                Ok(Some(Ok(hold)))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "place_counts", tenant.id = %tenant_id))]
            async fn place_counts(&self, tenant_id: &str) -> Result<Vec<PlaceCount>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT product_id, place, COUNT(*) AS units FROM units WHERE tenant_id = $1 \
                     GROUP BY product_id, place ORDER BY product_id, place",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "resting_units", tenant.id = %tenant_id))]
            async fn resting_units(
                &self,
                tenant_id: &str,
                rested_by: i64,
                after: &str,
                limit: i64,
            ) -> Result<Vec<RestingUnit>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, product_id, lot, place, state, updated_at FROM units WHERE tenant_id = $1 AND id > $2 \
                     AND place <> 'purged' AND updated_at <= $3 ORDER BY id LIMIT $4",
                )
                .bind(tenant_id)
                .bind(after)
                .bind(rested_by)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "archive_units", tenant.id = %tenant_id, units = unit_ids.len()))]
            async fn archive_units(&self, tenant_id: &str, unit_ids: &[String], run: &str) -> Result<Moved, StoreError> {
                use $crate::store::segment::{ArchivedEntry, ArchivedEvent, ArchivedUnit, SegmentBody};
                use $crate::store::sql::retention::{CLEAR_ENTRY_FIELDS, IDS_PER_LIST};
                if unit_ids.is_empty() {
                    return Ok(Moved::default());
                }
                let now = now_millis();
                let segment_id = new_id();
                let mut transaction = self.writer().begin().await?;
                // Taking the units first locks them (PostgreSQL) and leaves out any another run moved already.
                let mut query = sqlx::QueryBuilder::<$db>::new("UPDATE units SET place = 'archived', segment_id = ");
                query.push_bind(&segment_id).push(", moved_at = ").push_bind(now);
                query.push(" WHERE tenant_id = ").push_bind(tenant_id).push(" AND place = 'hot' AND id IN (");
                push_list(&mut query, unit_ids.iter());
                query.push(") RETURNING id, last_seq");
                let moved: Vec<(String, i64)> = query.build_query_as().fetch_all(&mut *transaction).await?;
                if moved.is_empty() {
                    return Ok(Moved::default());
                }
                let ids: Vec<&str> = moved.iter().map(|(id, _)| id.as_str()).collect();
                let floor = moved.iter().map(|(_, seq)| *seq).max().unwrap_or(0);
                let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM events WHERE tenant_id = ");
                query.push_bind(tenant_id).push(" AND unit_id IN (");
                push_list(&mut query, ids.iter().copied());
                query.push(") ORDER BY unit_id, seq");
                let events: Vec<EventRecord> = query.build_query_as().fetch_all(&mut *transaction).await?;
                let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM audit_entries WHERE tenant_id = ");
                query.push_bind(tenant_id).push(" AND object_kind = 'unit' AND archived_in IS NULL AND purged_at IS NULL AND object_id IN (");
                push_list(&mut query, ids.iter().copied());
                query.push(") ORDER BY seq");
                let entries: Vec<AuditRecord> = query.build_query_as().fetch_all(&mut *transaction).await?;
                let seqs: Vec<i64> = entries.iter().map(|entry| entry.seq).collect();
                let mut body = SegmentBody::default();
                let mut by_unit: std::collections::BTreeMap<String, Vec<ArchivedEvent>> =
                    ids.iter().map(|id| ((*id).to_owned(), Vec::new())).collect();
                for event in events {
                    by_unit.entry(event.unit_id.clone()).or_default().push(ArchivedEvent::of(event));
                }
                body.units = by_unit.into_iter().map(|(unit_id, events)| ArchivedUnit { unit_id, events }).collect();
                body.entries = entries.into_iter().map(ArchivedEntry::of).collect();
                let outcome =
                    Moved { units: moved.len() as u64, events: body.events() as u64, entries: body.entries.len() as u64 };
                let encoded = body.encode()?;
                sqlx::query(
                    "INSERT INTO archive_segments (id, tenant_id, created_at, units, events, entries, body_sha256, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&segment_id)
                .bind(tenant_id)
                .bind(now)
                .bind(outcome.units as i64)
                .bind(outcome.events as i64)
                .bind(outcome.entries as i64)
                .bind(&encoded.sha256)
                .bind(encoded.bytes)
                .execute(&mut *transaction)
                .await?;
                let mut query = sqlx::QueryBuilder::<$db>::new("DELETE FROM events WHERE tenant_id = ");
                query.push_bind(tenant_id).push(" AND unit_id IN (");
                push_list(&mut query, ids.iter().copied());
                query.push(")");
                query.build().execute(&mut *transaction).await?;
                for chunk in seqs.chunks(IDS_PER_LIST) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(format!("UPDATE audit_entries SET {CLEAR_ENTRY_FIELDS}, archived_in = "));
                    query.push_bind(&segment_id).push(" WHERE tenant_id = ").push_bind(tenant_id).push(" AND seq IN (");
                    push_list(&mut query, chunk.iter().copied());
                    query.push(")");
                    query.build().execute(&mut *transaction).await?;
                }
                raise_floor(&mut transaction, tenant_id, floor).await?;
                let entry = AuditEntry::new(tenant_id, "retention.archived", "retention", run).new_value(serde_json::json!({
                    "segment": segment_id, "units": outcome.units, "events": outcome.events, "entries": outcome.entries,
                    "audit_seqs": $crate::store::retention::seq_ranges(seqs), "retention_floor": floor,
                }));
                audit_commit(transaction, &[entry]).await?;
                Ok(outcome)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "purge_units", tenant.id = %tenant_id, units = unit_ids.len()))]
            async fn purge_units(&self, tenant_id: &str, unit_ids: &[String], run: &str) -> Result<Moved, StoreError> {
                use $crate::store::segment::SegmentBody;
                use $crate::store::sql::retention::{CLEAR_ENTRY_FIELDS, IDS_PER_LIST};
                if unit_ids.is_empty() {
                    return Ok(Moved::default());
                }
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, place, segment_id, last_seq FROM units WHERE tenant_id = ",
                );
                query.push_bind(tenant_id).push(" AND place <> 'purged' AND id IN (");
                push_list(&mut query, unit_ids.iter());
                query.push(")").push(LOCK_ROW);
                let units: Vec<(String, String, Option<String>, i64)> =
                    query.build_query_as().fetch_all(&mut *transaction).await?;
                if units.is_empty() {
                    return Ok(Moved::default());
                }
                let mut outcome = Moved { units: units.len() as u64, ..Moved::default() };
                let floor = units.iter().map(|unit| unit.3).max().unwrap_or(0);
                let hot: Vec<&str> =
                    units.iter().filter(|unit| unit.1 == "hot").map(|unit| unit.0.as_str()).collect();
                if !hot.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new("DELETE FROM events WHERE tenant_id = ");
                    query.push_bind(tenant_id).push(" AND unit_id IN (");
                    push_list(&mut query, hot.iter().copied());
                    query.push(")");
                    outcome.events += query.build().execute(&mut *transaction).await?.rows_affected();
                }
                // The entries still in the chain's table: all of a hot unit's, and those an archived unit got
                // after its archive (a command refused on it).
                let mut query = sqlx::QueryBuilder::<$db>::new(format!("UPDATE audit_entries SET {CLEAR_ENTRY_FIELDS}, purged_at = "));
                query.push_bind(now).push(" WHERE tenant_id = ").push_bind(tenant_id);
                query.push(" AND object_kind = 'unit' AND archived_in IS NULL AND purged_at IS NULL AND object_id IN (");
                push_list(&mut query, units.iter().map(|unit| unit.0.as_str()));
                query.push(") RETURNING seq");
                let seqs: Vec<(i64,)> = query.build_query_as().fetch_all(&mut *transaction).await?;
                let mut cleared: Vec<i64> = seqs.into_iter().map(|(seq,)| seq).collect();
                let mut segments: std::collections::BTreeMap<&str, std::collections::HashSet<&str>> = Default::default();
                for (id, _, segment, _) in units.iter().filter(|unit| unit.1 == "archived") {
                    if let Some(segment) = segment {
                        segments.entry(segment.as_str()).or_default().insert(id.as_str());
                    }
                }
                for (segment_id, gone) in &segments {
                    let stored: Option<SegmentRecord> = sqlx::query_as(&format!(
                        "SELECT * FROM archive_segments WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"
                    ))
                    .bind(tenant_id)
                    .bind(*segment_id)
                    .fetch_optional(&mut *transaction)
                    .await?;
                    let Some(stored) = stored else { continue };
                    let mut body = SegmentBody::decode(&stored.body, &stored.body_sha256)?;
                    let seqs: Vec<i64> = body
                        .entries
                        .iter()
                        .filter(|entry| entry.object_id.as_deref().is_some_and(|id| gone.contains(id)))
                        .map(|entry| entry.seq)
                        .collect();
                    let (events, _) = body.take_out(gone);
                    outcome.events += events as u64;
                    if body.units.is_empty() {
                        sqlx::query("DELETE FROM archive_segments WHERE tenant_id = $1 AND id = $2")
                            .bind(tenant_id)
                            .bind(*segment_id)
                            .execute(&mut *transaction)
                            .await?;
                    } else {
                        let encoded = body.encode()?;
                        sqlx::query(
                            "UPDATE archive_segments SET units = $3, events = $4, entries = $5, body_sha256 = $6, \
                             body = $7 WHERE tenant_id = $1 AND id = $2",
                        )
                        .bind(tenant_id)
                        .bind(*segment_id)
                        .bind(body.units.len() as i64)
                        .bind(body.events() as i64)
                        .bind(body.entries.len() as i64)
                        .bind(&encoded.sha256)
                        .bind(encoded.bytes)
                        .execute(&mut *transaction)
                        .await?;
                    }
                    for chunk in seqs.chunks(IDS_PER_LIST) {
                        let mut query = sqlx::QueryBuilder::<$db>::new("UPDATE audit_entries SET archived_in = NULL, purged_at = ");
                        query.push_bind(now).push(" WHERE tenant_id = ").push_bind(tenant_id);
                        query.push(" AND archived_in = ").push_bind(*segment_id).push(" AND seq IN (");
                        push_list(&mut query, chunk.iter().copied());
                        query.push(")");
                        query.build().execute(&mut *transaction).await?;
                    }
                    cleared.extend(seqs);
                }
                outcome.entries = cleared.len() as u64;
                let mut query = sqlx::QueryBuilder::<$db>::new(format!(
                    "UPDATE units SET place = 'purged', segment_id = NULL, state = {}, moved_at = ",
                    purged_state_expression()
                ));
                query.push_bind(now).push(" WHERE tenant_id = ").push_bind(tenant_id).push(" AND id IN (");
                push_list(&mut query, units.iter().map(|unit| unit.0.as_str()));
                query.push(")");
                query.build().execute(&mut *transaction).await?;
                raise_floor(&mut transaction, tenant_id, floor).await?;
                let entry = AuditEntry::new(tenant_id, "retention.purged", "retention", run).new_value(serde_json::json!({
                    "units": outcome.units, "events": outcome.events, "entries": outcome.entries,
                    "audit_seqs": $crate::store::retention::seq_ranges(cleared), "retention_floor": floor,
                }));
                audit_commit(transaction, &[entry]).await?;
                Ok(outcome)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "segment", tenant.id = %tenant_id))]
            async fn segment(&self, tenant_id: &str, id: &str) -> Result<Option<SegmentRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM archive_segments WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "segment_ids", tenant.id = %tenant_id))]
            async fn segment_ids(&self, tenant_id: &str) -> Result<Vec<String>, StoreError> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT id FROM archive_segments WHERE tenant_id = $1 ORDER BY created_at, id")
                        .bind(tenant_id)
                        .fetch_all(self.reader())
                        .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "segment_with_hashes", tenant.id = %tenant_id))]
            async fn segment_with_hashes(
                &self,
                tenant_id: &str,
                id: &str,
            ) -> Result<(Option<SegmentRecord>, Vec<ArchivedHash>), StoreError> {
                let mut transaction = self.reader().begin().await?;
                sqlx::query(BEGIN_SNAPSHOT).execute(&mut *transaction).await?;
                let segment = sqlx::query_as("SELECT * FROM archive_segments WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(id)
                    .fetch_optional(&mut *transaction)
                    .await?;
                let hashes = sqlx::query_as(
                    "SELECT seq, payload_hash FROM audit_entries WHERE tenant_id = $1 AND archived_in = $2 ORDER BY seq",
                )
                .bind(tenant_id)
                .bind(id)
                .fetch_all(&mut *transaction)
                .await?;
                transaction.commit().await?;
                Ok((segment, hashes))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "entries_of_missing_segments", tenant.id = %tenant_id))]
            async fn entries_of_missing_segments(&self, tenant_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT archived_in, MIN(seq) FROM audit_entries e WHERE tenant_id = $1 AND archived_in IS NOT NULL \
                     AND NOT EXISTS (SELECT 1 FROM archive_segments s WHERE s.id = e.archived_in AND s.tenant_id = e.tenant_id) \
                     GROUP BY archived_in ORDER BY MIN(seq)",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }
        }

        /// Raises the tenant's retention floor to `floor` (never lowers it).
        async fn raise_floor(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            floor: i64,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "UPDATE tenants SET retention_floor = CASE WHEN retention_floor < $2 THEN $2 ELSE retention_floor END \
                 WHERE id = $1",
            )
            .bind(tenant_id)
            .bind(floor)
            .execute(&mut **transaction)
            .await?;
            Ok(())
        }
    };
}
pub(crate) use impl_retention_store;
