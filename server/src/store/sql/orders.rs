//! The SQL of [`OrderStore`](crate::store::OrderStore), the same for both backends. Every bulk change is one
//! set-based statement (or one per 30,000 listed serials), so a 500,000-serial order is a handful of
//! round trips.

/// The columns of an order with its product's code and name.
pub const ORDER_COLUMNS: &str =
    "SELECT o.id, o.tenant_id, o.kind, o.product_id, p.code, p.gtin, p.name AS product_name, \
     o.lot, o.expiry, o.line, o.quantity, o.reference, o.status, o.created_at, o.created_by \
     FROM orders o JOIN products p ON p.id = o.product_id";

/// The condition "no unit has been made from pool row `p`".
pub const NOT_COMMISSIONED: &str = "NOT EXISTS (SELECT 1 FROM units u WHERE u.tenant_id = p.tenant_id \
     AND u.product_id = p.product_id AND u.serial = p.serial)";

macro_rules! impl_order_store {
    ($store:ty, $db:ty) => {
        /// Records one pool operation and returns its id, which the serials it touches then carry (see
        /// `APPEND_ACTION`).
        async fn insert_pool_action(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            product_id: &str,
            action: &PoolAction,
            audit: &mut Vec<AuditEntry>,
        ) -> Result<String, StoreError> {
            let id = new_id();
            sqlx::query(
                "INSERT INTO pool_actions (id, tenant_id, product_id, action, at, actor, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&id)
            .bind(tenant_id)
            .bind(product_id)
            .bind(action.action)
            .bind(now_millis())
            .bind(&action.actor)
            .bind(&action.detail)
            .execute(&mut **transaction)
            .await?;
            // Its audit entry goes with the transaction's others, appended right before COMMIT.
            let mut entry = AuditEntry::new(tenant_id, &format!("pool.{}", action.action), "pool_action", &id)
                .new_value(serde_json::json!({ "product_id": product_id, "detail": action.detail }));
            if let Some(actor) = &action.actor {
                entry = entry.by(actor);
            }
            audit.push(entry);
            Ok(id)
        }

        /// The order's product and status, its row locked until the transaction ends; NotFound when missing.
        async fn lock_order(
            transaction: &mut sqlx::Transaction<'_, $db>,
            tenant_id: &str,
            order_id: &str,
        ) -> Result<(String, String), StoreError> {
            let row: Option<(String, String)> = sqlx::query_as(&format!(
                "SELECT product_id, status FROM orders WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"
            ))
            .bind(tenant_id)
            .bind(order_id)
            .fetch_optional(&mut **transaction)
            .await?;
            row.ok_or_else(|| StoreError::NotFound("an order with this id".into()))
        }

        #[async_trait::async_trait]
        impl $crate::store::OrderStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_available", tenant.id = %tenant_id))]
            async fn pool_available(&self, tenant_id: &str, product_id: &str) -> Result<i64, StoreError> {
                let (count,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pool_serials WHERE tenant_id = $1 AND product_id = $2 AND status = 'available'",
                )
                .bind(tenant_id)
                .bind(product_id)
                .fetch_one(self.reader())
                .await?;
                Ok(count)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_create", tenant.id = %tenant_id))]
            async fn order_create(
                &self,
                tenant_id: &str,
                order: NewOrder,
                generated: &[String],
            ) -> Result<$crate::store::OrderCreated, StoreError> {
                let now = now_millis();
                let actor = order.created_by.as_str();
                let mut transaction = self.writer().begin().await?;
                let mut audit = Vec::new();
                let generated_action = match generated.is_empty() {
                    true => None,
                    false => Some(
                        insert_pool_action(
                            &mut transaction,
                            tenant_id,
                            &order.product_id,
                            &PoolAction::new("generated", actor, format!("{} serials for an order", generated.len())),
                            &mut audit,
                        )
                        .await?,
                    ),
                };
                if let Some(entry) = audit.last_mut() {
                    *entry = entry.clone().serials(generated.len());
                }
                let id = new_id();
                sqlx::query(
                    "INSERT INTO orders (id, tenant_id, kind, product_id, lot, expiry, line, quantity, reference, status, \
                     created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'released', $10, $11)",
                )
                .bind(&id)
                .bind(tenant_id)
                .bind(&order.kind)
                .bind(&order.product_id)
                .bind(&order.lot)
                .bind(&order.expiry)
                .bind(&order.line)
                .bind(order.quantity)
                .bind(&order.reference)
                .bind(now)
                .bind(&order.created_by)
                .execute(&mut *transaction)
                .await?;
                let assigned_to = format!("{} order {id}", order.kind);
                let detail = format!("to {assigned_to}");
                let assigned = PoolAction::new("assigned", actor, detail);
                audit.push(AuditEntry::new(tenant_id, "order.created", "order", &id).by(actor).new_value(serde_json::json!({
                    "kind": order.kind, "product_id": order.product_id, "lot": order.lot, "expiry": order.expiry,
                    "line": order.line, "quantity": order.quantity, "reference": order.reference,
                })));
                let action =
                    insert_pool_action(&mut transaction, tenant_id, &order.product_id, &assigned, &mut audit).await?;
                // What the pool already had first, then the serials generated for the shortfall, written already
                // assigned: each row is written once, not inserted and then updated.
                let from_pool = order.quantity - generated.len() as i64;
                let mut assigned = 0;
                if from_pool > 0 {
                    // Materialised first: PostgreSQL may re-run a LIMIT sub-select inside `IN (…)` (see
                    // pool_assign_next).
                    assigned += sqlx::query(&format!(
                        "WITH picked AS MATERIALIZED (SELECT serial FROM pool_serials WHERE tenant_id = $1 \
                         AND product_id = $2 AND status = 'available' ORDER BY serial LIMIT $3{SKIP_LOCKED}) \
                         UPDATE pool_serials SET status = 'assigned', assigned_to = $4, order_id = $5, {APPEND_ACTION}$6 \
                         WHERE tenant_id = $1 AND product_id = $2 AND status = 'available' \
                         AND serial IN (SELECT serial FROM picked)"
                    ))
                    .bind(tenant_id)
                    .bind(&order.product_id)
                    .bind(from_pool)
                    .bind(&assigned_to)
                    .bind(&id)
                    .bind(&action)
                    .execute(&mut *transaction)
                    .await?
                    .rows_affected();
                }
                if let Some(generated_action) = &generated_action {
                    // Only the serial is bound per row: 30,000 serials a statement.
                    for chunk in generated.chunks(MAX_BIND_PARAMS - 8) {
                        let mut query = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO pool_serials (tenant_id, product_id, serial, status, source, created_at, \
                             actions, assigned_to, order_id) SELECT ",
                        );
                        query.push_bind(tenant_id).push(", ").push_bind(&order.product_id);
                        query.push(", v.column1, 'assigned', 'generated', ").push_bind(now);
                        query.push(", ").push_bind(format!("{generated_action} {action}"));
                        query.push(", ").push_bind(&assigned_to).push(", ").push_bind(&id);
                        query.push(" FROM (VALUES ");
                        let mut separated = query.separated(", ");
                        for serial in chunk {
                            separated.push("(").push_bind_unseparated(serial).push_unseparated(")");
                        }
                        query.push(") AS v");
                        assigned += query
                            .build()
                            .execute(&mut *transaction)
                            .await
                            .map_err(|error| StoreError::from_insert(error, "a generated serial in the pool"))?
                            .rows_affected();
                    }
                }
                if (assigned as i64) < order.quantity {
                    transaction.rollback().await?;
                    let available = self.pool_available(tenant_id, &order.product_id).await?;
                    return Ok($crate::store::OrderCreated::PoolShort { available });
                }
                if let Some(entry) = audit.last_mut() {
                    *entry = entry.clone().serials(assigned as usize);
                }
                audit_commit(transaction, &audit).await?;
                let record = self.order(tenant_id, &id).await?;
                record.map(|record| $crate::store::OrderCreated::Created(Box::new(record))).ok_or_else(|| StoreError::NotFound("the new order".into()))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order", tenant.id = %tenant_id))]
            async fn order(&self, tenant_id: &str, order_id: &str) -> Result<Option<OrderRecord>, StoreError> {
                Ok(sqlx::query_as(&format!("{} WHERE o.tenant_id = $1 AND o.id = $2", $crate::store::sql::ORDER_COLUMNS))
                    .bind(tenant_id)
                    .bind(order_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "orders", tenant.id = %tenant_id))]
            async fn orders(
                &self,
                tenant_id: &str,
                filter: $crate::store::OrderFilter<'_>,
            ) -> Result<Vec<OrderRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{} WHERE o.tenant_id = $1 AND ($2 IS NULL OR o.product_id = $2) AND ($3 IS NULL OR o.status = $3) \
                     AND ($4 IS NULL OR o.id < $4) ORDER BY o.id DESC LIMIT $5",
                    $crate::store::sql::ORDER_COLUMNS
                ))
                .bind(tenant_id)
                .bind(filter.product_id)
                .bind(filter.status)
                .bind(filter.before_id)
                .bind(filter.limit)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_counts", tenant.id = %tenant_id))]
            async fn order_counts(
                &self,
                tenant_id: &str,
                order_ids: &[String],
            ) -> Result<Vec<OrderCountsRecord>, StoreError> {
                if order_ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "SELECT p.order_id, COUNT(*) AS assigned, COUNT(p.device_id) AS reserved, COUNT(u.id) AS commissioned \
                     FROM pool_serials p LEFT JOIN units u ON u.tenant_id = p.tenant_id AND u.product_id = p.product_id \
                     AND u.serial = p.serial WHERE p.tenant_id = ",
                );
                query.push_bind(tenant_id).push(" AND p.order_id IN (");
                push_list(&mut query, order_ids);
                query.push(") GROUP BY p.order_id");
                Ok(query.build_query_as().fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_serials", tenant.id = %tenant_id))]
            async fn order_serials(
                &self,
                tenant_id: &str,
                order_id: &str,
                after: &str,
                limit: i64,
            ) -> Result<Vec<OrderSerialRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT p.serial, p.device_id, u.status AS unit_status FROM pool_serials p LEFT JOIN units u \
                     ON u.tenant_id = p.tenant_id AND u.product_id = p.product_id AND u.serial = p.serial \
                     WHERE p.tenant_id = $1 AND p.order_id = $2 AND p.serial > $3 ORDER BY p.serial LIMIT $4",
                )
                .bind(tenant_id)
                .bind(order_id)
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_reserve", tenant.id = %tenant_id))]
            async fn order_reserve(
                &self,
                tenant_id: &str,
                order_id: &str,
                device_id: &str,
                count: i64,
                actor: &str,
            ) -> Result<$crate::store::Reserved, StoreError> {
                use $crate::store::Reserved;
                let mut transaction = self.writer().begin().await?;
                // The device row, as a push makes it: a tablet may reserve before it ever pushed.
                sqlx::query(
                    "INSERT INTO devices (id, tenant_id, name, last_processed_device_seq, created_at) \
                     VALUES ($1, $2, $1, 0, $3) ON CONFLICT (id) DO NOTHING",
                )
                .bind(device_id)
                .bind(tenant_id)
                .bind(now_millis())
                .execute(&mut *transaction)
                .await?;
                let (owner,): (String,) = sqlx::query_as("SELECT tenant_id FROM devices WHERE id = $1")
                    .bind(device_id)
                    .fetch_one(&mut *transaction)
                    .await?;
                if owner != tenant_id {
                    return Ok(Reserved::DeviceOfAnotherTenant);
                }
                let (product_id, status) = lock_order(&mut transaction, tenant_id, order_id).await?;
                if status != "released" {
                    return Ok(Reserved::OrderClosed);
                }
                let detail = format!("to device {device_id}");
                let reserved = PoolAction::new("reserved", actor, detail);
                let mut audit = Vec::new();
                let action = insert_pool_action(&mut transaction, tenant_id, &product_id, &reserved, &mut audit).await?;
                // SKIP LOCKED: a concurrent reserve holds its rows until commit, and this one takes others; the
                // UPDATE checks `device_id IS NULL` again on the row as it is now.
                let rows: Vec<(String,)> = sqlx::query_as(&format!(
                    "WITH picked AS MATERIALIZED (SELECT p.serial FROM pool_serials p WHERE p.tenant_id = $1 \
                     AND p.order_id = $2 AND p.device_id IS NULL AND {} ORDER BY p.serial LIMIT $3{SKIP_LOCKED}) \
                     UPDATE pool_serials SET device_id = $4, {}$5 WHERE tenant_id = $1 AND product_id = $6 \
                     AND order_id = $2 AND device_id IS NULL AND serial IN (SELECT serial FROM picked) RETURNING serial",
                    $crate::store::sql::NOT_COMMISSIONED,
                    APPEND_ACTION,
                ))
                .bind(tenant_id)
                .bind(order_id)
                .bind(count)
                .bind(device_id)
                .bind(&action)
                .bind(&product_id)
                .fetch_all(&mut *transaction)
                .await?;
                if rows.is_empty() {
                    return Ok(Reserved::OrderExhausted);
                }
                let audit: Vec<AuditEntry> =
                    audit.into_iter().map(|entry| entry.device(Some(device_id)).serials(rows.len())).collect();
                audit_commit(transaction, &audit).await?;
                let mut serials: Vec<String> = rows.into_iter().map(|(serial,)| serial).collect();
                serials.sort();
                Ok(Reserved::Serials(serials))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_return", tenant.id = %tenant_id))]
            async fn order_return(
                &self,
                tenant_id: &str,
                order_id: &str,
                device_id: &str,
                serials: Option<&[String]>,
                actor: &str,
            ) -> Result<u64, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let (product_id, _) = lock_order(&mut transaction, tenant_id, order_id).await?;
                let detail = format!("from device {device_id}");
                let returned_action = PoolAction::new("returned", actor, detail);
                let mut audit = Vec::new();
                let action =
                    insert_pool_action(&mut transaction, tenant_id, &product_id, &returned_action, &mut audit).await?;
                let statement = |chunk: Option<&[String]>| {
                    let mut query = sqlx::QueryBuilder::<$db>::new(format!("UPDATE pool_serials SET device_id = NULL, {APPEND_ACTION}"));
                    query.push_bind(action.clone()).push(" WHERE tenant_id = ").push_bind(tenant_id.to_owned());
                    query.push(" AND order_id = ").push_bind(order_id.to_owned());
                    query.push(" AND device_id = ").push_bind(device_id.to_owned());
                    query.push(" AND NOT EXISTS (SELECT 1 FROM units u WHERE u.tenant_id = pool_serials.tenant_id \
                        AND u.product_id = pool_serials.product_id AND u.serial = pool_serials.serial)");
                    if let Some(chunk) = chunk {
                        query.push(" AND serial IN (");
                        push_list(&mut query, chunk.iter().cloned());
                        query.push(")");
                    }
                    query
                };
                let mut returned = 0;
                match serials {
                    None => returned += statement(None).build().execute(&mut *transaction).await?.rows_affected(),
                    Some(serials) => {
                        for chunk in serials.chunks(ROWS_PER_INSERT) {
                            returned += statement(Some(chunk)).build().execute(&mut *transaction).await?.rows_affected();
                        }
                    }
                }
                if returned == 0 {
                    // No empty "returned" row in the history.
                    transaction.rollback().await?;
                    return Ok(0);
                }
                let audit: Vec<AuditEntry> =
                    audit.into_iter().map(|entry| entry.device(Some(device_id)).serials(returned as usize)).collect();
                audit_commit(transaction, &audit).await?;
                Ok(returned)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "order_close", tenant.id = %tenant_id))]
            async fn order_close(&self, tenant_id: &str, order_id: &str, actor: &str) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let (product_id, status) = lock_order(&mut transaction, tenant_id, order_id).await?;
                if status != "released" {
                    return Ok(false);
                }
                let detail = format!("order {order_id} closed");
                let released = PoolAction::new("released", actor, detail);
                let mut audit = Vec::new();
                let action = insert_pool_action(&mut transaction, tenant_id, &product_id, &released, &mut audit).await?;
                let freed = sqlx::query(&format!(
                    "UPDATE pool_serials SET status = 'available', assigned_to = NULL, order_id = NULL, \
                     {APPEND_ACTION}$3 WHERE tenant_id = $1 AND order_id = $2 AND device_id IS NULL \
                     AND source <> 'external' AND NOT EXISTS (SELECT 1 FROM units u WHERE u.tenant_id = pool_serials.tenant_id \
                     AND u.product_id = pool_serials.product_id AND u.serial = pool_serials.serial)"
                ))
                .bind(tenant_id)
                .bind(order_id)
                .bind(&action)
                .execute(&mut *transaction)
                .await?
                .rows_affected();
                let closed_at = now_millis();
                sqlx::query("UPDATE orders SET status = 'closed', closed_at = $3 WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(order_id)
                    .bind(closed_at)
                    .execute(&mut *transaction)
                    .await?;
                audit[0] = audit[0].clone().serials(freed as usize);
                audit.push(
                    AuditEntry::new(tenant_id, "order.closed", "order", order_id)
                        .by(actor)
                        .old(serde_json::json!({ "status": status }))
                        .new_value(serde_json::json!({ "status": "closed", "closed_at": closed_at })),
                );
                audit_commit(transaction, &audit).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_holds", tenant.id = %tenant_id))]
            async fn pool_holds(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<PoolHoldRecord>, StoreError> {
                let select = "SELECT p.product_id, p.serial, p.status, p.source, p.order_id, p.device_id, \
                              CAST(CASE WHEN u.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS commissioned \
                              FROM pool_serials p LEFT JOIN units u \
                              ON u.tenant_id = p.tenant_id AND u.product_id = p.product_id AND u.serial = p.serial WHERE ";
                rows_for_serials(self.reader(), select, tenant_id, product_id, serials).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_serial", tenant.id = %tenant_id))]
            async fn pool_serial(
                &self,
                tenant_id: &str,
                product_id: &str,
                serial: &str,
            ) -> Result<Option<(PoolSerialRecord, Vec<PoolActionRecord>)>, StoreError> {
                let row: Option<PoolSerialRecord> = sqlx::query_as(
                    "SELECT p.serial, p.status, p.source, p.assigned_to, p.order_id, p.device_id, u.id AS unit_id, \
                     p.created_at, p.actions \
                     FROM pool_serials p LEFT JOIN units u ON u.tenant_id = p.tenant_id AND u.product_id = p.product_id \
                     AND u.serial = p.serial WHERE p.tenant_id = $1 AND p.product_id = $2 AND p.serial = $3",
                )
                .bind(tenant_id)
                .bind(product_id)
                .bind(serial)
                .fetch_optional(self.reader())
                .await?;
                let Some(row) = row else { return Ok(None) };
                let ids: Vec<&str> = row.actions.as_deref().unwrap_or_default().split_whitespace().collect();
                let mut actions: Vec<PoolActionRecord> = Vec::new();
                if !ids.is_empty() {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, action, at, actor, detail FROM pool_actions WHERE tenant_id = ",
                    );
                    query.push_bind(tenant_id).push(" AND id IN (");
                    push_list(&mut query, ids.iter().copied());
                    query.push(")");
                    actions = query.build_query_as().fetch_all(self.reader()).await?;
                    // By time, and within a millisecond in the order the serial's list has them (appended as
                    // they happened).
                    let position = |id: &str| ids.iter().position(|listed| *listed == id);
                    actions.sort_by_key(|action| (action.at, position(&action.id)));
                }
                // Commissioning is in the unit's log, not in pool_actions: its first event says when and by whom.
                if let Some(unit_id) = &row.unit_id {
                    let first: Option<(i64, String, Option<String>)> = sqlx::query_as(
                        "SELECT recorded_at, actor, device_id FROM events WHERE tenant_id = $1 AND unit_id = $2 \
                         ORDER BY seq LIMIT 1",
                    )
                    .bind(tenant_id)
                    .bind(unit_id)
                    .fetch_optional(self.reader())
                    .await?;
                    let code: Option<(String,)> =
                        sqlx::query_as("SELECT code FROM products WHERE tenant_id = $1 AND id = $2")
                            .bind(tenant_id)
                            .bind(product_id)
                            .fetch_optional(self.reader())
                            .await?;
                    if let (Some((at, actor, device_id)), Some((code,))) = (first, code) {
                        // A person knows a unit by its product code and serial, never by its id.
                        let unit = format!("as unit {code} · {}", row.serial);
                        let detail = match device_id {
                            Some(device) => format!("{unit} on device {device}"),
                            None => unit,
                        };
                        actions.push(PoolActionRecord { id: String::new(), action: "commissioned".into(), at, actor: Some(actor), detail });
                    }
                }
                Ok(Some((row, actions)))
            }
        }
    };
}
pub(crate) use impl_order_store;
