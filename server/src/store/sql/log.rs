//! The SQL of [`LogStore`](crate::store::LogStore), the same for both backends.

macro_rules! impl_log_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::LogStore for $store {
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
                for (index, chunk) in units.chunks(MAX_BIND_PARAMS / 10).enumerate() {
                    let base = first + (index * (MAX_BIND_PARAMS / 10)) as i64;
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO units (id, tenant_id, product_id, serial, lot, status, state, version, last_seq, \
                         updated_at) ",
                    );
                    query.push_values(chunk.iter().enumerate(), |mut row, (offset, unit)| {
                        row.push_bind(&unit.id)
                            .push_bind(tenant_id)
                            .push_bind(&unit.product_id)
                            .push_bind(&unit.serial)
                            .push_bind(&unit.lot)
                            .push_bind(&unit.change.status)
                            .push_bind(&unit.change.state)
                            .push_bind(1_i64)
                            .push_bind(base + offset as i64)
                            .push_bind(now);
                    });
                    query
                        .build()
                        .execute(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "a unit with one of these serials"))?;
                }
                insert_events(&mut transaction, tenant_id, first, events, now).await?;
                transaction.commit().await?;
                Ok(first + events.len() as i64 - 1)
            }

            async fn events_append(&self, tenant_id: &str, events: &[NewEvent]) -> Result<i64, StoreError> {
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                let first = allocate_seqs(&mut transaction, tenant_id, events.len() as i64).await?;
                insert_events(&mut transaction, tenant_id, first, events, now).await?;
                transaction.commit().await?;
                Ok(first + events.len() as i64 - 1)
            }

            async fn units_existing(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<String>, StoreError> {
                existing_serials(self.reader(), "units", tenant_id, product_id, serials).await
            }

            async fn unit(&self, tenant_id: &str, unit_id: &str) -> Result<Option<UnitRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM units WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(unit_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

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

            async fn unit_history(
                &self,
                tenant_id: &str,
                unit_id: &str,
                before_seq: Option<i64>,
                limit: i64,
            ) -> Result<Vec<EventRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM events WHERE tenant_id = $1 AND unit_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4",
                )
                .bind(tenant_id)
                .bind(unit_id)
                .bind(before_seq.unwrap_or(i64::MAX))
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            async fn unit_apply(
                &self,
                tenant_id: &str,
                op: OpInput,
                decide: Decide<'_>,
            ) -> Result<OpOutcome, StoreError> {
                let now = now_millis();
                let mut transaction = self.writer().begin().await?;
                // The unit is locked before the op id is checked, so a concurrent retry of the same op waits here
                // and then finds the first one's result.
                let unit: Option<UnitRecord> =
                    sqlx::query_as(&format!("SELECT * FROM units WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"))
                        .bind(tenant_id)
                        .bind(&op.unit_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let unit = unit.ok_or_else(|| StoreError::NotFound("the unit".into()))?;
                let seen: Option<OpResultRecord> = sqlx::query_as("SELECT * FROM op_results WHERE op_id = $1")
                    .bind(&op.op_id)
                    .fetch_optional(&mut *transaction)
                    .await?;
                if let Some(result) = seen {
                    if result.tenant_id != tenant_id {
                        return Err(StoreError::Conflict("an op with this op_id".into()));
                    }
                    return Ok(OpOutcome::Repeated { result });
                }
                match decide(&unit) {
                    Decision::Accept { events, change } => {
                        let count = events.len() as i64;
                        let first = allocate_seqs(&mut transaction, tenant_id, count).await?;
                        let last = first + count - 1;
                        let new_events: Vec<NewEvent> = events
                            .into_iter()
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
                        let records = insert_events(&mut transaction, tenant_id, first, &new_events, now).await?;
                        let updated: UnitRecord = sqlx::query_as(
                            "UPDATE units SET status = $3, state = $4, version = version + $5, last_seq = $6, \
                             updated_at = $7 WHERE tenant_id = $1 AND id = $2 RETURNING *",
                        )
                        .bind(tenant_id)
                        .bind(&unit.id)
                        .bind(&change.status)
                        .bind(&change.state)
                        .bind(count)
                        .bind(last)
                        .bind(now)
                        .fetch_one(&mut *transaction)
                        .await?;
                        sqlx::query(
                            "INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, seq, recorded_at) \
                             VALUES ($1, $2, $3, $4, 'accepted', $5, $6)",
                        )
                        .bind(&op.op_id)
                        .bind(tenant_id)
                        .bind(&op.device_id)
                        .bind(op.device_seq)
                        .bind(last)
                        .bind(now)
                        .execute(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
                        transaction.commit().await?;
                        Ok(OpOutcome::Accepted { events: records, unit: updated })
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
                        sqlx::query(
                            "INSERT INTO op_results (op_id, tenant_id, device_id, device_seq, outcome, reason_code, \
                             reason_message, unit_state, recorded_at) VALUES ($1, $2, $3, $4, 'refused', $5, $6, $7, $8)",
                        )
                        .bind(&result.op_id)
                        .bind(tenant_id)
                        .bind(&result.device_id)
                        .bind(result.device_seq)
                        .bind(&result.reason_code)
                        .bind(&result.reason_message)
                        .bind(&result.unit_state)
                        .bind(now)
                        .execute(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "an op with this op_id"))?;
                        sqlx::query("INSERT INTO refused_ops (op_id, tenant_id, payload, recorded_at) VALUES ($1, $2, $3, $4)")
                            .bind(&result.op_id)
                            .bind(tenant_id)
                            .bind(&op.payload)
                            .bind(now)
                            .execute(&mut *transaction)
                            .await?;
                        transaction.commit().await?;
                        Ok(OpOutcome::Refused { result, unit })
                    }
                }
            }

            async fn events_since(&self, tenant_id: &str, after: i64, limit: i64) -> Result<Vec<EventRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
                    .bind(tenant_id)
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?)
            }

            async fn op_result(&self, tenant_id: &str, op_id: &str) -> Result<Option<OpResultRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM op_results WHERE tenant_id = $1 AND op_id = $2")
                    .bind(tenant_id)
                    .bind(op_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            async fn refused_payload(&self, tenant_id: &str, op_id: &str) -> Result<Option<String>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT payload FROM refused_ops WHERE tenant_id = $1 AND op_id = $2")
                        .bind(tenant_id)
                        .bind(op_id)
                        .fetch_optional(self.reader())
                        .await?;
                Ok(row.map(|(payload,)| payload))
            }

            async fn tenants(&self) -> Result<Vec<TenantRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM tenants ORDER BY created_at, id").fetch_all(self.reader()).await?)
            }

            async fn projection(
                &self,
                tenant_id: &str,
                after_id: &str,
                limit: i64,
            ) -> Result<Vec<UnitRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM units WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                    .bind(tenant_id)
                    .bind(after_id)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await?)
            }

            async fn projection_replace(&self, tenant_id: &str, units: &[UnitRecord]) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                sqlx::query("DELETE FROM units WHERE tenant_id = $1").bind(tenant_id).execute(&mut *transaction).await?;
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
                    query.build().execute(&mut *transaction).await?;
                }
                transaction.commit().await?;
                Ok(())
            }
        }

        /// Which of `serials` a product already has in `table` (`pool_serials` or `units`), asked in `IN (…)` chunks.
        async fn existing_serials(
            pool: &sqlx::Pool<$db>,
            table: &str,
            tenant_id: &str,
            product_id: &str,
            serials: &[String],
        ) -> Result<Vec<String>, StoreError> {
            let mut existing = Vec::new();
            for chunk in serials.chunks(ROWS_PER_INSERT) {
                let mut query = sqlx::QueryBuilder::<$db>::new(format!("SELECT serial FROM {table} WHERE tenant_id = "));
                query.push_bind(tenant_id).push(" AND product_id = ").push_bind(product_id).push(" AND serial IN (");
                let mut separated = query.separated(", ");
                for serial in chunk {
                    separated.push_bind(serial);
                }
                query.push(")");
                let rows: Vec<(String,)> = query.build_query_as().fetch_all(pool).await?;
                existing.extend(rows.into_iter().map(|(serial,)| serial));
            }
            Ok(existing)
        }

        /// Moves the tenant's counter on by `count` and returns the first of the new seqs. The row stays locked
        /// until the transaction ends, so appends of one tenant commit in seq order (SYNC.md, push step 2).
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

        async fn insert_events(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            first: i64,
            events: &[NewEvent],
            now: i64,
        ) -> Result<Vec<EventRecord>, StoreError> {
            const COLUMNS: usize = 11;
            for (index, chunk) in events.chunks(MAX_BIND_PARAMS / COLUMNS).enumerate() {
                let base = first + (index * (MAX_BIND_PARAMS / COLUMNS)) as i64;
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO events (tenant_id, seq, op_id, op_index, unit_id, kind, payload, actor, device_id, \
                     device_seq, recorded_at) ",
                );
                query.push_values(chunk.iter().enumerate(), |mut row, (offset, event)| {
                    row.push_bind(tenant_id)
                        .push_bind(base + offset as i64)
                        .push_bind(&event.op_id)
                        .push_bind(event.op_index)
                        .push_bind(&event.unit_id)
                        .push_bind(&event.kind)
                        .push_bind(&event.payload)
                        .push_bind(&event.actor)
                        .push_bind(&event.device_id)
                        .push_bind(event.device_seq)
                        .push_bind(now);
                });
                query
                    .build()
                    .execute(&mut **transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "an event with this op_id"))?;
            }
            // Only small appends (one command's events) need their records back; registrations ignore them.
            if events.len() > 16 {
                return Ok(Vec::new());
            }
            Ok(events
                .iter()
                .enumerate()
                .map(|(offset, event)| EventRecord {
                    tenant_id: tenant_id.to_owned(),
                    seq: first + offset as i64,
                    op_id: event.op_id.clone(),
                    op_index: event.op_index,
                    unit_id: event.unit_id.clone(),
                    kind: event.kind.clone(),
                    payload: event.payload.clone(),
                    actor: event.actor.clone(),
                    device_id: event.device_id.clone(),
                    device_seq: event.device_seq,
                    recorded_at: now,
                })
                .collect())
        }
    };
}
pub(crate) use impl_log_store;
