//! The SQL of [`ManufacturerStore`](crate::store::ManufacturerStore), the same for both backends, and the
//! partner-pool steps the catalog's assignments and releases run inside their own transactions.

macro_rules! impl_manufacturer_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::ManufacturerStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_grants", tenant.id = %tenant_id))]
            async fn api_key_grants(&self, tenant_id: &str, key_id: &str) -> Result<Option<KeyGrants>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT max_serials_per_request, reads_extra <> 0 AS reads_extra, max_exported_serials_per_day \
                     FROM api_keys WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant_id)
                .bind(key_id)
                .fetch_optional(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_set_grants", tenant.id = %tenant_id))]
            async fn api_key_set_grants(
                &self,
                tenant_id: &str,
                key_id: &str,
                grants: KeyGrants,
            ) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let before: Option<KeyGrants> = sqlx::query_as(&format!(
                    "SELECT max_serials_per_request, reads_extra <> 0 AS reads_extra, max_exported_serials_per_day \
                     FROM api_keys WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"
                ))
                .bind(tenant_id)
                .bind(key_id)
                .fetch_optional(&mut *transaction)
                .await?;
                let Some(before) = before else {
                    return Ok(false);
                };
                sqlx::query(
                    "UPDATE api_keys SET max_serials_per_request = $3, reads_extra = $4, \
                     max_exported_serials_per_day = $5 WHERE tenant_id = $1 AND id = $2",
                )
                .bind(tenant_id)
                .bind(key_id)
                .bind(grants.max_serials_per_request)
                .bind(i64::from(grants.reads_extra))
                .bind(grants.max_exported_serials_per_day)
                .execute(&mut *transaction)
                .await?;
                let entry = AuditEntry::new(tenant_id, "api_key.changed", "api_key", key_id)
                    .old(before.audited())
                    .new_value(grants.audited());
                audit_commit(transaction, &[entry]).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "partnership_max_serials"))]
            async fn partnership_max_serials(&self, owner: &str, partner: &str) -> Result<Option<i64>, StoreError> {
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT max_serials_per_request FROM partnerships WHERE owner_tenant_id = $1 AND partner_tenant_id = $2",
                )
                .bind(owner)
                .bind(partner)
                .fetch_optional(self.reader())
                .await?;
                Ok(row.map(|(max,)| max))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "partnership_set_max_serials"))]
            async fn partnership_set_max_serials(&self, owner: &str, partner: &str, max: i64) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let before: Option<(i64,)> = sqlx::query_as(&format!(
                    "SELECT max_serials_per_request FROM partnerships WHERE owner_tenant_id = $1 \
                     AND partner_tenant_id = $2{LOCK_ROW}"
                ))
                .bind(owner)
                .bind(partner)
                .fetch_optional(&mut *transaction)
                .await?;
                let Some((before,)) = before else {
                    return Ok(false);
                };
                sqlx::query(
                    "UPDATE partnerships SET max_serials_per_request = $3 WHERE owner_tenant_id = $1 AND partner_tenant_id = $2",
                )
                .bind(owner)
                .bind(partner)
                .bind(max)
                .execute(&mut *transaction)
                .await?;
                // Both organisations' chains say so: the limit binds the one and is set by the other.
                let entries = [owner, partner].map(|tenant| {
                    AuditEntry::new(tenant, "partnership.limit_changed", "partnership", &format!("{owner}/{partner}"))
                        .old(serde_json::json!({ "max_serials_per_request": before }))
                        .new_value(serde_json::json!({ "max_serials_per_request": max }))
                });
                audit_commit(transaction, &entries).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_extra", tenant.id = %tenant_id))]
            async fn pool_extra(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<SerialExtraRecord>, StoreError> {
                let select = "SELECT p.serial, p.extra FROM pool_serials p WHERE ";
                let mut rows: Vec<SerialExtraRecord> =
                    rows_for_serials(self.reader(), select, tenant_id, product_id, serials).await?;
                rows.sort_by(|a, b| a.serial.cmp(&b.serial));
                Ok(rows)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "partner_pool_states"))]
            async fn partner_pool_states(
                &self,
                owner_tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<PoolStateRecord>, StoreError> {
                let mut connection = self.reader().acquire().await?;
                let mut states = Vec::new();
                for chunk in serials.chunks(ROWS_PER_INSERT) {
                    states.extend(partner_rows(&mut *connection, owner_tenant_id, product_id, chunk).await?);
                }
                Ok(states)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "idempotency_claim"))]
            async fn idempotency_claim(
                &self,
                scope: IdempotencyScope<'_>,
                request_hash: &str,
                expired_before: i64,
            ) -> Result<IdempotencyClaim, StoreError> {
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND principal_id = $2 AND idempotency_key = $3 \
                     AND created_at < $4",
                )
                .bind(scope.tenant_id)
                .bind(scope.principal_id)
                .bind(scope.key)
                .bind(expired_before)
                .execute(&mut *transaction)
                .await?;
                // A concurrent claim of the same key waits for this row on PostgreSQL and then does nothing.
                let claimed = sqlx::query(
                    "INSERT INTO idempotency_keys (tenant_id, principal_id, idempotency_key, request_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(scope.tenant_id)
                .bind(scope.principal_id)
                .bind(scope.key)
                .bind(request_hash)
                .bind(now_millis())
                .execute(&mut *transaction)
                .await?
                .rows_affected()
                    == 1;
                let claim = if claimed {
                    IdempotencyClaim::Claimed
                } else {
                    let stored: StoredAnswer = sqlx::query_as(
                        "SELECT request_hash, status, headers, body FROM idempotency_keys \
                         WHERE tenant_id = $1 AND principal_id = $2 AND idempotency_key = $3",
                    )
                    .bind(scope.tenant_id)
                    .bind(scope.principal_id)
                    .bind(scope.key)
                    .fetch_one(&mut *transaction)
                    .await?;
                    IdempotencyClaim::Seen(stored)
                };
                transaction.commit().await?;
                Ok(claim)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "idempotency_finish"))]
            async fn idempotency_finish(
                &self,
                scope: IdempotencyScope<'_>,
                status: i64,
                headers: &str,
                body: &str,
            ) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE idempotency_keys SET status = $4, headers = $5, body = $6 \
                     WHERE tenant_id = $1 AND principal_id = $2 AND idempotency_key = $3",
                )
                .bind(scope.tenant_id)
                .bind(scope.principal_id)
                .bind(scope.key)
                .bind(status)
                .bind(headers)
                .bind(body)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "idempotency_release"))]
            async fn idempotency_release(&self, scope: IdempotencyScope<'_>) -> Result<(), StoreError> {
                sqlx::query(
                    "DELETE FROM idempotency_keys WHERE tenant_id = $1 AND principal_id = $2 AND idempotency_key = $3 \
                     AND status IS NULL",
                )
                .bind(scope.tenant_id)
                .bind(scope.principal_id)
                .bind(scope.key)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "idempotency_sweep"))]
            async fn idempotency_sweep(&self, before: i64) -> Result<u64, StoreError> {
                let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                    .bind(before)
                    .execute(self.writer())
                    .await?;
                Ok(done.rows_affected())
            }
        }

        /// The partner's pool rows (and whether the partner commissioned each) of serials the owner assigned
        /// from its product to a partner. The partner's product is the one with the same code.
        async fn partner_rows(
            connection: &mut <$db as sqlx::Database>::Connection,
            owner_tenant_id: &str,
            product_id: &str,
            serials: &[String],
        ) -> Result<Vec<PoolStateRecord>, StoreError> {
            let mut query = sqlx::QueryBuilder::<$db>::new(
                "SELECT s.serial, s.status, s.source, s.assigned_to, \
                 CAST(CASE WHEN u.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS commissioned FROM pool_serials o \
                 JOIN products op ON op.tenant_id = o.tenant_id AND op.id = o.product_id \
                 JOIN products pp ON pp.tenant_id = o.assigned_tenant_id AND pp.code_schema = op.code_schema \
                 AND pp.code = op.code \
                 JOIN pool_serials s ON s.tenant_id = pp.tenant_id AND s.product_id = pp.id AND s.serial = o.serial \
                 LEFT JOIN units u ON u.tenant_id = s.tenant_id AND u.product_id = s.product_id AND u.serial = s.serial \
                 WHERE o.tenant_id = ",
            );
            query.push_bind(owner_tenant_id).push(" AND o.product_id = ").push_bind(product_id);
            query.push(" AND o.serial IN (");
            push_list(&mut query, serials);
            query.push(") ORDER BY s.serial");
            Ok(query.build_query_as::<PoolStateRecord>().fetch_all(&mut *connection).await?)
        }

        /// Gives a partner the serials just assigned to it: its product with the owner's code, GTIN and name
        /// (serial source `partner`, made if missing) and the serials, with their extra parameters, Available
        /// in its own pool, their history there starting with `received` from the owner. Runs inside the
        /// assignment's transaction.
        async fn stock_partner_pool(
            transaction: &mut sqlx::Transaction<'_, $db>,
            owner_tenant_id: &str,
            product_id: &str,
            partner_tenant_id: &str,
            serials: &[String],
            audit: &mut Vec<AuditEntry>,
        ) -> Result<(), StoreError> {
            let owner: ProductRecord = sqlx::query_as("SELECT * FROM products WHERE tenant_id = $1 AND id = $2")
                .bind(owner_tenant_id)
                .bind(product_id)
                .fetch_one(&mut **transaction)
                .await?;
            let existing: Option<(String,)> =
                sqlx::query_as("SELECT id FROM products WHERE tenant_id = $1 AND code_schema = $2 AND code = $3")
                    .bind(partner_tenant_id)
                    .bind(&owner.code_schema)
                    .bind(&owner.code)
                    .fetch_optional(&mut **transaction)
                    .await?;
            let partner_product_id = match existing {
                Some((id,)) => id,
                None => {
                    let product = NewProduct {
                        code_schema: owner.code_schema.clone(),
                        code: owner.code.clone(),
                        gtin: owner.gtin.clone(),
                        name: owner.name.clone(),
                        serial_source: "partner".into(),
                        serial_scheme: owner.serial_scheme.clone(),
                        workflow: owner.workflow.clone(),
                        details: owner.details.clone(),
                    };
                    let partner_product = product_record(partner_tenant_id, product);
                    insert_product(&mut **transaction, &partner_product).await.map_err(|error| match error {
                        StoreError::Conflict(_) => StoreError::Conflict(
                            "in the partner's catalogue, another product with this GTIN".into(),
                        ),
                        other => other,
                    })?;
                    audit.push(
                        AuditEntry::new(partner_tenant_id, "product.created", "product", &partner_product.id)
                            .by(&format!("tenant:{owner_tenant_id}"))
                            .new_value(product_settings(&partner_product)),
                    );
                    partner_product.id
                }
            };
            let (owner_name,): (String,) = sqlx::query_as("SELECT name FROM tenants WHERE id = $1")
                .bind(owner_tenant_id)
                .fetch_one(&mut **transaction)
                .await?;
            // Who at the owner's assigned them is the owner's business: the partner sees only from whom.
            let received = PoolAction { action: "received", actor: None, detail: format!("from {owner_name}") };
            let action =
                insert_pool_action(transaction, partner_tenant_id, &partner_product_id, &received, audit).await?;
            if let Some(entry) = audit.last_mut() {
                // The partner's chain names the organisation, not the owner's person.
                entry.actor = format!("tenant:{owner_tenant_id}");
                *entry = entry.clone().serials(serials.len());
            }
            let now = now_millis();
            for chunk in serials.chunks(ROWS_PER_INSERT) {
                let mut query = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO pool_serials (tenant_id, product_id, serial, status, source, extra, created_at, actions) \
                     SELECT ",
                );
                query.push_bind(partner_tenant_id).push(", ").push_bind(&partner_product_id);
                query.push(", serial, 'available', 'partner', extra, ").push_bind(now);
                query.push(", ").push_bind(&action);
                query.push(" FROM pool_serials WHERE tenant_id = ").push_bind(owner_tenant_id);
                query.push(" AND product_id = ").push_bind(product_id).push(" AND serial IN (");
                push_list(&mut query, chunk);
                query.push(")");
                query
                    .build()
                    .execute(&mut **transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "in the partner's pool, one of these serials"))?;
            }
            Ok(())
        }

        /// Takes serials the owner releases out of the partner's pool, where the partner still has them
        /// Available and uncommissioned; false (leaving the rest to the caller's rollback) when the partner
        /// holds any of them otherwise. Runs inside the release's transaction.
        async fn unstock_partner_pool(
            transaction: &mut sqlx::Transaction<'_, $db>,
            owner_tenant_id: &str,
            product_id: &str,
            serials: &[String],
            audit: &mut Vec<AuditEntry>,
        ) -> Result<bool, StoreError> {
            let mut query = sqlx::QueryBuilder::<$db>::new(
                "DELETE FROM pool_serials WHERE status = 'available' AND source = 'partner' \
                 AND NOT EXISTS (SELECT 1 FROM units u WHERE u.tenant_id = pool_serials.tenant_id \
                 AND u.product_id = pool_serials.product_id AND u.serial = pool_serials.serial) \
                 AND (tenant_id, product_id, serial) IN (SELECT pp.tenant_id, pp.id, o.serial FROM pool_serials o \
                 JOIN products op ON op.tenant_id = o.tenant_id AND op.id = o.product_id \
                 JOIN products pp ON pp.tenant_id = o.assigned_tenant_id AND pp.code_schema = op.code_schema \
                 AND pp.code = op.code WHERE o.tenant_id = ",
            );
            query.push_bind(owner_tenant_id).push(" AND o.product_id = ").push_bind(product_id);
            query.push(" AND o.serial IN (");
            push_list(&mut query, serials);
            query.push(")) RETURNING tenant_id, product_id");
            let taken: Vec<(String, String)> = query.build_query_as().fetch_all(&mut **transaction).await?;
            let mut by_pool: std::collections::BTreeMap<(String, String), usize> = Default::default();
            for pool in taken {
                *by_pool.entry(pool).or_default() += 1;
            }
            for ((partner_tenant_id, partner_product_id), count) in by_pool {
                audit.push(
                    AuditEntry::new(&partner_tenant_id, "pool.withdrawn", "product", &partner_product_id)
                        .by(&format!("tenant:{owner_tenant_id}"))
                        .new_value(serde_json::json!({ "by_owner": owner_tenant_id }))
                        .serials(count),
                );
            }
            Ok(partner_rows(&mut **transaction, owner_tenant_id, product_id, serials).await?.is_empty())
        }
    };
}
pub(crate) use impl_manufacturer_store;
