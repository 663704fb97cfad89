//! The SQL of [`CatalogStore`](crate::store::CatalogStore), the same for both backends.

macro_rules! impl_catalog_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::CatalogStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "product_create", tenant.id = %tenant_id))]
            async fn product_create(&self, tenant_id: &str, product: NewProduct) -> Result<ProductRecord, StoreError> {
                let record = product_record(tenant_id, product);
                let mut transaction = self.writer().begin().await?;
                insert_product(&mut *transaction, &record).await?;
                let entry = AuditEntry::new(tenant_id, "product.created", "product", &record.id)
                    .new_value(product_settings(&record));
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "product_update", tenant.id = %tenant_id))]
            async fn product_update(
                &self,
                tenant_id: &str,
                product_id: &str,
                changes: ProductChanges,
            ) -> Result<Option<ProductRecord>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let before: Option<ProductRecord> =
                    sqlx::query_as(&format!("SELECT * FROM products WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"))
                        .bind(tenant_id)
                        .bind(product_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let Some(before) = before else {
                    return Ok(None);
                };
                let after: ProductRecord = sqlx::query_as(
                    "UPDATE products SET name = COALESCE($3, name), serial_source = COALESCE($4, serial_source), \
                     serial_scheme = COALESCE($5, serial_scheme), workflow = COALESCE($6, workflow), updated_at = $7, \
                     details = COALESCE($8, details) WHERE tenant_id = $1 AND id = $2 RETURNING *",
                )
                .bind(tenant_id)
                .bind(product_id)
                .bind(changes.name)
                .bind(changes.serial_source)
                .bind(changes.serial_scheme)
                .bind(changes.workflow)
                .bind(now_millis())
                .bind(changes.details)
                .fetch_one(&mut *transaction)
                .await?;
                let (old, new) = changed_fields(&product_settings(&before), &product_settings(&after));
                let entry = AuditEntry::new(tenant_id, "product.changed", "product", product_id).old(old).new_value(new);
                audit_commit(transaction, &[entry]).await?;
                Ok(Some(after))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "product", tenant.id = %tenant_id))]
            async fn product(&self, tenant_id: &str, product_id: &str) -> Result<Option<ProductRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM products WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(product_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "product_by_gtin", tenant.id = %tenant_id))]
            async fn product_by_gtin(&self, tenant_id: &str, gtin: &str) -> Result<Option<ProductRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM products WHERE tenant_id = $1 AND gtin = $2")
                    .bind(tenant_id)
                    .bind(gtin)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "products_by_code", tenant.id = %tenant_id))]
            async fn products_by_code(
                &self,
                tenant_id: &str,
                codes: &[String],
            ) -> Result<Vec<ProductRecord>, StoreError> {
                if codes.is_empty() {
                    return Ok(Vec::new());
                }
                let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM products WHERE tenant_id = ");
                query.push_bind(tenant_id).push(" AND code IN (");
                push_list(&mut query, codes);
                query.push(") ORDER BY code, code_schema");
                Ok(query.build_query_as().fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "products", tenant.id = %tenant_id))]
            async fn products(
                &self,
                tenant_id: &str,
                query: Option<&str>,
                limit: i64,
                offset: i64,
            ) -> Result<Vec<ProductRecord>, StoreError> {
                // LIKE wildcards in the search text are escaped, so "50%" finds a literal "50%".
                let pattern = query.map(|text| {
                    let escaped = text.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    format!("%{escaped}%")
                });
                Ok(sqlx::query_as(
                    "SELECT * FROM products WHERE tenant_id = $1 AND ($2 IS NULL \
                     OR lower(code) LIKE $2 ESCAPE '\\' OR lower(name) LIKE $2 ESCAPE '\\' OR gtin LIKE $2 ESCAPE '\\') \
                     ORDER BY name, id LIMIT $3 OFFSET $4",
                )
                .bind(tenant_id)
                .bind(pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "product_reserve_counters", tenant.id = %tenant_id))]
            async fn product_reserve_counters(
                &self,
                tenant_id: &str,
                product_id: &str,
                count: i64,
                year: i64,
            ) -> Result<i64, StoreError> {
                // Both backends evaluate SET expressions on the row's old values, so one statement restarts and
                // reserves atomically.
                let mut transaction = self.writer().begin().await?;
                let next: Option<(i64,)> = sqlx::query_as(
                    "UPDATE products SET next_counter = CASE WHEN counter_year = $4 THEN next_counter ELSE 0 END + $3, \
                     counter_year = $4 WHERE tenant_id = $1 AND id = $2 RETURNING next_counter",
                )
                .bind(tenant_id)
                .bind(product_id)
                .bind(count)
                .bind(year)
                .fetch_optional(&mut *transaction)
                .await?;
                let (next,) = next.ok_or_else(|| StoreError::NotFound("the product".into()))?;
                let entry = AuditEntry::new(tenant_id, "product.counters_reserved", "product", product_id)
                    .new_value(serde_json::json!({"first": next - count, "count": count, "year": year}));
                audit_commit(transaction, &[entry]).await?;
                Ok(next - count)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "location_create", tenant.id = %tenant_id))]
            async fn location_create(
                &self,
                tenant_id: &str,
                name: &str,
                gln: Option<&str>,
            ) -> Result<LocationRecord, StoreError> {
                let record = LocationRecord {
                    id: new_id(),
                    tenant_id: tenant_id.to_owned(),
                    name: name.to_owned(),
                    gln: gln.map(str::to_owned),
                    created_at: now_millis(),
                };
                let mut transaction = self.writer().begin().await?;
                sqlx::query("INSERT INTO locations (id, tenant_id, name, gln, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&record.id)
                    .bind(&record.tenant_id)
                    .bind(&record.name)
                    .bind(&record.gln)
                    .bind(record.created_at)
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "a location with this name"))?;
                let entry = AuditEntry::new(tenant_id, "location.created", "location", &record.id)
                    .new_value(serde_json::json!({"name": record.name, "gln": record.gln}));
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "location_update", tenant.id = %tenant_id))]
            async fn location_update(
                &self,
                tenant_id: &str,
                location_id: &str,
                name: &str,
                gln: Option<&str>,
            ) -> Result<Option<LocationRecord>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let before: Option<LocationRecord> =
                    sqlx::query_as(&format!("SELECT * FROM locations WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"))
                        .bind(tenant_id)
                        .bind(location_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let Some(before) = before else {
                    return Ok(None);
                };
                let after: LocationRecord =
                    sqlx::query_as("UPDATE locations SET name = $3, gln = $4 WHERE tenant_id = $1 AND id = $2 RETURNING *")
                        .bind(tenant_id)
                        .bind(location_id)
                        .bind(name)
                        .bind(gln)
                        .fetch_one(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "a location with this name"))?;
                let settings = |record: &LocationRecord| serde_json::json!({"name": record.name, "gln": record.gln});
                let (old, new) = changed_fields(&settings(&before), &settings(&after));
                let entry = AuditEntry::new(tenant_id, "location.changed", "location", location_id).old(old).new_value(new);
                audit_commit(transaction, &[entry]).await?;
                Ok(Some(after))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "locations", tenant.id = %tenant_id))]
            async fn locations(&self, tenant_id: &str) -> Result<Vec<LocationRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM locations WHERE tenant_id = $1 ORDER BY name")
                    .bind(tenant_id)
                    .fetch_all(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_insert_entries", tenant.id = %tenant_id))]
            async fn pool_insert_entries(
                &self,
                tenant_id: &str,
                product_id: &str,
                source: &str,
                entries: &[(&str, Option<&str>)],
                action: &PoolAction,
            ) -> Result<u64, StoreError> {
                let now = now_millis();
                // In serial order, the primary key's B-tree takes them as appends (see domain::serials::issue).
                let mut sorted: Vec<&(&str, Option<&str>)> = entries.iter().collect();
                sorted.sort_unstable_by_key(|(serial, _)| *serial);
                let mut transaction = self.writer().begin().await?;
                let mut audit = Vec::new();
                let action = insert_pool_action(&mut transaction, tenant_id, product_id, action, &mut audit).await?;
                let mut inserted = 0;
                // Eight bound columns a row.
                for chunk in sorted.chunks(MAX_BIND_PARAMS / 8) {
                    let mut query = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO pool_serials (tenant_id, product_id, serial, status, source, created_at, extra, \
                         actions) ",
                    );
                    query.push_values(chunk, |mut row, (serial, extra)| {
                        row.push_bind(tenant_id)
                            .push_bind(product_id)
                            .push_bind(*serial)
                            .push_bind("available")
                            .push_bind(source)
                            .push_bind(now)
                            .push_bind(*extra)
                            .push_bind(&action);
                    });
                    inserted += query
                        .build()
                        .execute(&mut *transaction)
                        .await
                        .map_err(|error| StoreError::from_insert(error, "a serial in this list"))?
                        .rows_affected();
                }
                let audit: Vec<AuditEntry> = audit.into_iter().map(|entry| entry.serials(inserted as usize)).collect();
                audit_commit(transaction, &audit).await?;
                Ok(inserted)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_existing", tenant.id = %tenant_id))]
            async fn pool_existing(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<String>, StoreError> {
                existing_serials(self.reader(), "pool_serials", tenant_id, product_id, serials).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_states", tenant.id = %tenant_id))]
            async fn pool_states(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
            ) -> Result<Vec<PoolStateRecord>, StoreError> {
                let select = "SELECT p.serial, p.status, p.source, p.assigned_to, \
                              CAST(CASE WHEN u.id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS commissioned \
                              FROM pool_serials p LEFT JOIN units u \
                              ON u.tenant_id = p.tenant_id AND u.product_id = p.product_id AND u.serial = p.serial WHERE ";
                rows_for_serials(self.reader(), select, tenant_id, product_id, serials).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_release", tenant.id = %tenant_id))]
            async fn pool_release(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
                action: &PoolAction,
            ) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let mut audit = Vec::new();
                let action = insert_pool_action(&mut transaction, tenant_id, product_id, action, &mut audit).await?;
                let mut released = 0u64;
                for chunk in serials.chunks(ROWS_PER_INSERT) {
                    // Serials assigned to a partner leave its pool first, unless the partner holds them.
                    if !unstock_partner_pool(&mut transaction, tenant_id, product_id, chunk, &mut audit).await? {
                        return Ok(false);
                    }
                    let mut query = sqlx::QueryBuilder::<$db>::new(format!(
                        "UPDATE pool_serials SET status = 'available', assigned_to = NULL, assigned_tenant_id = NULL, \
                         {APPEND_ACTION}"
                    ));
                    query.push_bind(&action);
                    query.push(" WHERE status = 'assigned' AND source NOT IN ('external', 'partner') AND tenant_id = ");
                    query.push_bind(tenant_id).push(" AND product_id = ").push_bind(product_id);
                    query.push(" AND NOT EXISTS (SELECT 1 FROM units u WHERE u.tenant_id = pool_serials.tenant_id \
                        AND u.product_id = pool_serials.product_id AND u.serial = pool_serials.serial) AND serial IN (");
                    push_list(&mut query, chunk);
                    query.push(")");
                    released += query.build().execute(&mut *transaction).await?.rows_affected();
                }
                if released != serials.len() as u64 {
                    return Ok(false);
                }
                audit[0] = audit[0].clone().serials(serials.len());
                audit_commit(transaction, &audit).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_counts", tenant.id = %tenant_id))]
            async fn pool_counts(&self, tenant_id: &str) -> Result<Vec<PoolCountRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT product_id, status, COUNT(*) AS count FROM pool_serials WHERE tenant_id = $1 \
                     GROUP BY product_id, status ORDER BY product_id, status",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_assign", tenant.id = %tenant_id))]
            async fn pool_assign(
                &self,
                tenant_id: &str,
                product_id: &str,
                serials: &[String],
                assigned_to: &str,
                partner_tenant_id: Option<&str>,
                action: &PoolAction,
            ) -> Result<u64, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let mut audit = Vec::new();
                let action_id = insert_pool_action(&mut transaction, tenant_id, product_id, action, &mut audit).await?;
                let mut assigned = 0;
                for chunk in serials.chunks(ROWS_PER_INSERT) {
                    let mut query = sqlx::QueryBuilder::<$db>::new("UPDATE pool_serials SET status = 'assigned', assigned_to = ");
                    query.push_bind(assigned_to).push(", assigned_tenant_id = ").push_bind(partner_tenant_id);
                    query.push(", ").push(APPEND_ACTION).push_bind(&action_id);
                    query.push(" WHERE status = 'available' AND tenant_id = ").push_bind(tenant_id);
                    query.push(" AND product_id = ").push_bind(product_id).push(" AND serial IN (");
                    push_list(&mut query, chunk);
                    query.push(")");
                    assigned += query.build().execute(&mut *transaction).await?.rows_affected();
                }
                audit[0] = audit[0].clone().serials(assigned as usize);
                if let Some(partner) = partner_tenant_id {
                    stock_partner_pool(&mut transaction, tenant_id, product_id, partner, serials, &mut audit).await?;
                }
                audit_commit(transaction, &audit).await?;
                Ok(assigned)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_assign_next", tenant.id = %tenant_id))]
            async fn pool_assign_next(
                &self,
                tenant_id: &str,
                product_id: &str,
                count: i64,
                assigned_to: &str,
                partner_tenant_id: Option<&str>,
                action: &PoolAction,
            ) -> Result<Vec<String>, StoreError> {
                // The picked serials are materialised first: PostgreSQL may re-run a LIMIT sub-select inside
                // `IN (…)` while it updates, and with SKIP LOCKED each run can pick other rows — more than `count`.
                let mut transaction = self.writer().begin().await?;
                let mut audit = Vec::new();
                let action_id = insert_pool_action(&mut transaction, tenant_id, product_id, action, &mut audit).await?;
                let rows: Vec<(String,)> = sqlx::query_as(&format!(
                    "WITH picked AS MATERIALIZED (SELECT serial FROM pool_serials WHERE tenant_id = $1 AND product_id = $2 \
                     AND status = 'available' ORDER BY serial LIMIT $3{SKIP_LOCKED}) \
                     UPDATE pool_serials SET status = 'assigned', assigned_to = $4, assigned_tenant_id = $5, \
                     {APPEND_ACTION}$6 \
                     WHERE tenant_id = $1 AND product_id = $2 AND serial IN (SELECT serial FROM picked) RETURNING serial"
                ))
                .bind(tenant_id)
                .bind(product_id)
                .bind(count)
                .bind(assigned_to)
                .bind(partner_tenant_id)
                .bind(&action_id)
                .fetch_all(&mut *transaction)
                .await?;
                let mut serials: Vec<String> = rows.into_iter().map(|(serial,)| serial).collect();
                serials.sort();
                audit[0] = audit[0].clone().serials(serials.len());
                if let Some(partner) = partner_tenant_id {
                    stock_partner_pool(&mut transaction, tenant_id, product_id, partner, &serials, &mut audit).await?;
                }
                audit_commit(transaction, &audit).await?;
                Ok(serials)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "pool_partner_serials"))]
            async fn pool_partner_serials(
                &self,
                partner_tenant_id: &str,
                after: (&str, &str),
                limit: i64,
            ) -> Result<Vec<PartnerSerialRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT s.tenant_id AS owner_tenant_id, s.product_id, p.code, p.gtin, p.name, s.serial, s.assigned_to \
                     FROM pool_serials s JOIN products p ON p.id = s.product_id \
                     WHERE s.assigned_tenant_id = $1 AND (s.product_id > $2 OR (s.product_id = $2 AND s.serial > $3)) \
                     ORDER BY s.product_id, s.serial LIMIT $4",
                )
                .bind(partner_tenant_id)
                .bind(after.0)
                .bind(after.1)
                .bind(limit)
                .fetch_all(self.reader())
                .await?)
            }
        }

        /// A product's settings as its audit entries show them.
        fn product_settings(record: &ProductRecord) -> serde_json::Value {
            serde_json::json!({
                "code_schema": record.code_schema, "code": record.code, "gtin": record.gtin, "name": record.name,
                "serial_source": record.serial_source, "serial_scheme": record.serial_scheme, "workflow": record.workflow,
                "details": record.details,
            })
        }

        /// A new product's row: a fresh id, counters at 0, created now.
        fn product_record(tenant_id: &str, product: NewProduct) -> ProductRecord {
            let now = now_millis();
            ProductRecord {
                id: new_id(),
                tenant_id: tenant_id.to_owned(),
                code_schema: product.code_schema,
                code: product.code,
                gtin: product.gtin,
                name: product.name,
                serial_source: product.serial_source,
                serial_scheme: product.serial_scheme,
                workflow: product.workflow,
                next_counter: 0,
                created_at: now,
                updated_at: now,
                details: product.details,
            }
        }

        async fn insert_product<'e, E: sqlx::Executor<'e, Database = $db>>(
            executor: E,
            record: &ProductRecord,
        ) -> Result<(), StoreError> {
            sqlx::query(
                "INSERT INTO products (id, tenant_id, code_schema, code, gtin, name, serial_source, serial_scheme, \
                 workflow, next_counter, created_at, updated_at, details) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10, $11)",
            )
            .bind(&record.id)
            .bind(&record.tenant_id)
            .bind(&record.code_schema)
            .bind(&record.code)
            .bind(&record.gtin)
            .bind(&record.name)
            .bind(&record.serial_source)
            .bind(&record.serial_scheme)
            .bind(&record.workflow)
            .bind(record.created_at)
            .bind(&record.details)
            .execute(executor)
            .await
            .map_err(|error| StoreError::from_insert(error, "a product with this code"))?;
            Ok(())
        }
    };
}
pub(crate) use impl_catalog_store;
