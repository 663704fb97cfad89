//! The SQL of [`LogStore`](crate::store::LogStore), the same for both backends.

macro_rules! impl_log_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::LogStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "units_register", tenant.id = %tenant_id))]
            async fn units_register(
                &self,
                tenant_id: &str,
                units: &[NewUnit],
                events: &[NewEvent],
            ) -> Result<i64, StoreError> {
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                // Taking the counter row first serialises this append with every other one of the tenant.
                let first = allocate_seqs(&mut transaction, tenant_id, events.len() as i64).await?;
                insert_units(&mut transaction, tenant_id, first, units, now).await?;
                insert_events(&mut transaction, tenant_id, first, events, now).await?;
                let last = first + events.len() as i64 - 1;
                // One entry per registration, per product: its units' commissioning events are the log's seqs
                // `first..=last`, each with its serial (docs/AUDIT.md, "What is recorded").
                let mut by_product: std::collections::BTreeMap<&str, Vec<&NewUnit>> = Default::default();
                for unit in units {
                    by_product.entry(unit.product_id.as_str()).or_default().push(unit);
                }
                let entries: Vec<AuditEntry> = by_product
                    .into_iter()
                    .map(|(product_id, units)| {
                        AuditEntry::new(tenant_id, "units.registered", "product", product_id)
                            .new_value(serde_json::json!({
                                "first_seq": first, "last_seq": last, "lot": units[0].lot,
                                "first_serial": units[0].serial, "last_serial": units[units.len() - 1].serial,
                            }))
                            .serials(units.len())
                    })
                    .collect();
                audit_commit(transaction, &entries).await?;
                Ok(last)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "events_append", tenant.id = %tenant_id))]
            async fn events_append(&self, tenant_id: &str, events: &[NewEvent]) -> Result<i64, StoreError> {
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                let first = allocate_seqs(&mut transaction, tenant_id, events.len() as i64).await?;
                insert_events(&mut transaction, tenant_id, first, events, now).await?;
                let last = first + events.len() as i64 - 1;
                let entry = AuditEntry::new(tenant_id, "events.appended", "log", tenant_id)
                    .new_value(serde_json::json!({ "first_seq": first, "last_seq": last, "events": events.len() }));
                audit_commit(transaction, &[entry]).await?;
                Ok(last)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "units_existing", tenant.id = %tenant_id))]
            async fn units_existing(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<String>, StoreError> {
                existing_serials(self.reader(), "units", tenant_id, product_id, serials).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "unit", tenant.id = %tenant_id))]
            async fn unit(&self, tenant_id: &str, unit_id: &str) -> Result<Option<UnitRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM units WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(unit_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "unit_by_serial", tenant.id = %tenant_id))]
            async fn unit_by_serial(
                &self,
                tenant_id: &str,
                product_id: &str,
                serial: &str,
            ) -> Result<Option<UnitRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM units WHERE tenant_id = $1 AND product_id = $2 AND serial = $3")
                    .bind(tenant_id)
                    .bind(product_id)
                    .bind(serial)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "unit_history", tenant.id = %tenant_id))]
            async fn unit_history(
                &self,
                tenant_id: &str,
                unit_id: &str,
                before_seq: Option<i64>,
                limit: i64,
            ) -> Result<Vec<EventRecord>, StoreError> {
                let hot: Vec<EventRecord> = sqlx::query_as(
                    "SELECT * FROM events WHERE tenant_id = $1 AND unit_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4",
                )
                .bind(tenant_id)
                .bind(unit_id)
                .bind(before_seq.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(self.reader())
                .await?;
                // Only a unit with no event in the log can be archived (it takes no more): the log is read first,
                // so a hot unit's history costs no more than it did before retention.
                if !hot.is_empty() {
                    return Ok(hot);
                }
                // An archived unit's history is read from its archive segment (docs/RETENTION.md).
                let segment: Option<(Option<String>,)> = sqlx::query_as(
                    "SELECT segment_id FROM units WHERE tenant_id = $1 AND id = $2 AND place = 'archived'",
                )
                .bind(tenant_id)
                .bind(unit_id)
                .fetch_optional(self.reader())
                .await?;
                if let Some((Some(segment_id),)) = segment {
                    let stored: Option<$crate::store::SegmentRecord> =
                        sqlx::query_as("SELECT * FROM archive_segments WHERE tenant_id = $1 AND id = $2")
                            .bind(tenant_id)
                            .bind(&segment_id)
                            .fetch_optional(self.reader())
                            .await?;
                    let stored = stored.ok_or_else(|| {
                        StoreError::Corrupt(format!("the archive segment {segment_id} of unit {unit_id} is missing"))
                    })?;
                    let body = $crate::store::segment::SegmentBody::decode(&stored.body, &stored.body_sha256)?;
                    let before = before_seq.unwrap_or(i64::MAX);
                    let events = body.units.iter().find(|unit| unit.unit_id == unit_id).map(|unit| {
                        unit.events
                            .iter()
                            .rev()
                            .filter(|event| event.seq < before)
                            .take(limit.max(0) as usize)
                            .map(|event| event.record(tenant_id, unit_id))
                            .collect()
                    });
                    return Ok(events.unwrap_or_default());
                }
                Ok(hot)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "unit_apply", tenant.id = %tenant_id))]
            async fn unit_apply(
                &self,
                tenant_id: &str,
                op: OpInput,
                decide: Decide<'_>,
            ) -> Result<OpOutcome, StoreError> {
                // How a command gets its transaction differs: SQLite groups concurrent commands into one
                // transaction (sqlite/group_commit.rs), PostgreSQL locks the unit row (postgres/commands.rs).
                self.apply_command(tenant_id, op, decide).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "events_since", tenant.id = %tenant_id))]
            async fn events_since(&self, tenant_id: &str, after: i64, limit: i64) -> Result<Vec<EventRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                    .bind(tenant_id)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "op_result", tenant.id = %tenant_id))]
            async fn op_result(&self, tenant_id: &str, op_id: &str) -> Result<Option<OpResultRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM op_results WHERE tenant_id = $1 AND op_id = $2")
                    .bind(tenant_id)
                    .bind(op_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "refused_payload", tenant.id = %tenant_id))]
            async fn refused_payload(&self, tenant_id: &str, op_id: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT payload FROM refused_ops WHERE tenant_id = $1 AND op_id = $2")
                        .bind(tenant_id)
                        .bind(op_id)
                        .fetch_optional(self.reader())
                        .await?;
                Ok(row.map(|(payload,)| payload))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "tenants"))]
            async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM tenants ORDER BY created_at, id").fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "projection", tenant.id = %tenant_id))]
            async fn projection(
                &self,
                tenant_id: &str,
                after_id: &str,
                limit: i64,
            ) -> Result<Vec<UnitRecord>, StoreError> {
                // Only hot units: the log holds the events of no other (docs/RETENTION.md).
                Ok(sqlx::query_as(
                    "SELECT * FROM units WHERE tenant_id = $1 AND id > $2 AND place = 'hot' ORDER BY id LIMIT $3",
                )
                    .bind(tenant_id)
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "projection_replace", tenant.id = %tenant_id))]
            async fn projection_replace(&self, tenant_id: &str, units: &[UnitRecord]) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                sqlx::query("DELETE FROM units WHERE tenant_id = $1 AND place = 'hot'")
                    .bind(tenant_id)
                    .execute(&mut *transaction)
                    .await?;
                write_unit_rows(&mut transaction, tenant_id, units).await?;
                let entry = AuditEntry::new(tenant_id, "projection.rebuilt", "log", tenant_id)
                    .new_value(serde_json::json!({ "units": units.len() }));
                audit_commit(transaction, &[entry]).await
            }
        }

        /// Writes whole unit rows, inserting new units and replacing the rows of existing ones (a rebuild after
        /// emptying the projection, a push's final rows).
        async fn write_unit_rows(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            units: &[UnitRecord],
        ) -> Result<(), StoreError> {
            for chunk in units.chunks(MAX_BIND_PARAMS / 10) {
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO units (id, tenant_id, product_id, serial, lot, status, state, version, last_seq, \
                     updated_at) ",
                );
                query.push_values(chunk, |mut row, unit| {
                    row.push_bind(&unit.id)
                        .push_bind(tenant_id)
                        .push_bind(&unit.product_id)
                        .push_bind(&unit.serial)
                        .push_bind(&unit.lot)
                        .push_bind(&unit.status)
                        .push_bind(&unit.state)
                        .push_bind(unit.version)
                        .push_bind(unit.last_seq)
                        .push_bind(unit.updated_at);
                });
                query.push(
                    " ON CONFLICT (id) DO UPDATE SET status = excluded.status, state = excluded.state, \
                     version = excluded.version, last_seq = excluded.last_seq, updated_at = excluded.updated_at",
                );
                query
                    .build()
                    .execute(&mut **transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "a unit with this serial"))?;
            }
            Ok(())
        }

        /// Which of `serials` a product already has in `table` (`pool_serials` or `units`).
        async fn existing_serials(
            pool: &sqlx::Pool<$db>,
            table: &str,
            tenant_id: &str,
            product_id: &str,
            serials: &[String],
        ) -> Result<Vec<String>, StoreError> {
            let select = format!("SELECT p.serial FROM {table} p WHERE ");
            let rows: Vec<(String,)> = rows_for_serials(pool, &select, tenant_id, product_id, serials).await?;
            Ok(rows.into_iter().map(|(serial,)| serial).collect())
        }

        /// The rows `select` (a `SELECT … FROM <table> p … WHERE ` up to its condition) gives for these serials
        /// of a product, asked in `IN (…)` chunks under the bind limit.
        async fn rows_for_serials<T>(
            pool: &sqlx::Pool<$db>,
            select: &str,
            tenant_id: &str,
            product_id: &str,
            serials: &[String],
        ) -> Result<Vec<T>, StoreError>
        where
            T: for<'row> sqlx::FromRow<'row, <$db as sqlx::Database>::Row> + Send + Unpin,
        {
            let mut rows = Vec::new();
            for chunk in serials.chunks(ROWS_PER_INSERT) {
                let mut query = sqlx::QueryBuilder::<$db>::new(select);
                query.push("p.tenant_id = ").push_bind(tenant_id);
                query.push(" AND p.product_id = ").push_bind(product_id).push(" AND p.serial IN (");
                push_list(&mut query, chunk);
                query.push(")");
                rows.extend(query.build_query_as::<T>().fetch_all(pool).await?);
            }
            Ok(rows)
        }

        /// Moves the tenant's counter on by `count` and returns the first of the new seqs. The row stays locked
        /// until the transaction ends, so appends of one tenant commit in seq order (docs/SYNC.md, push step 2).
        async fn allocate_seqs(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            count: i64,
        ) -> Result<i64, StoreError> {
            let last: Option<(i64,)> =
                sqlx::query_as("UPDATE tenants SET last_seq = last_seq + $2 WHERE id = $1 RETURNING last_seq")
                    .bind(tenant_id)
                    .bind(count)
                    .fetch_optional(&mut **transaction)
                    .await?;
            let (last,) = last.ok_or_else(|| StoreError::NotFound("the tenant".into()))?;
            Ok(last - count + 1)
        }
    };
}
pub(crate) use impl_log_store;
