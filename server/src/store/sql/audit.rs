//! The SQL of the audit trail (docs/AUDIT.md), the same for both backends: the one append every write of the
//! store goes through ([`define_audit_append`]) and the reads of [`AuditStore`](crate::store::AuditStore).

/// Stamps `audit_append` and `audit_commit` onto a backend module for its database type; the module says with
/// `AUDIT_HEAD_IN_INSERT` whether a data-modifying `WITH` may move the head in the entries' INSERT.
///
/// `audit_append` adds entries to their tenants' chains inside the caller's transaction: per tenant (in tenant
/// id order, so two transactions never wait on each other's heads crosswise) it takes the chain's head row —
/// `INSERT … ON CONFLICT DO UPDATE … RETURNING` locks it on PostgreSQL until the transaction ends — links each
/// entry to the one before, inserts them and moves the head. Called last, right before COMMIT, so the head is
/// locked only for those three statements and the commit: several servers on one PostgreSQL append in turn,
/// and one chain stays one chain.
macro_rules! define_audit_append {
    ($db:ty) => {
        /// Appends `entries` to their chains in the caller's transaction (see `store/sql/audit.rs`).
        pub(crate) async fn audit_append(
            connection: &mut <$db as sqlx::Database>::Connection,
            entries: &[AuditEntry],
        ) -> Result<(), StoreError> {
            use $crate::store::audit::chain::{link_hash, payload_hash, GENESIS};
            const COLUMNS: usize = 16;
            if entries.is_empty() {
                return Ok(());
            }
            let at = now_millis();
            let mut tenants: Vec<&str> = entries.iter().map(|entry| entry.tenant_id.as_str()).collect();
            tenants.sort_unstable();
            tenants.dedup();
            for tenant_id in tenants {
                let (mut seq, mut hash): (i64, String) = sqlx::query_as(
                    "INSERT INTO audit_heads (tenant_id, seq, hash) VALUES ($1, 0, $2) \
                     ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash",
                )
                .bind(tenant_id)
                .bind(GENESIS)
                .fetch_one(&mut *connection)
                .await?;
                let mut rows = Vec::new();
                for entry in entries.iter().filter(|entry| entry.tenant_id == tenant_id) {
                    seq += 1;
                    let payload = payload_hash(&entry.payload(at));
                    let next = link_hash(tenant_id, seq, &hash, &payload);
                    rows.push((entry, seq, payload, std::mem::replace(&mut hash, next.clone()), next));
                }
                // Where the backend can, the head moves in the statement that inserts the entries (one round
                // trip fewer while the head is locked).
                let chunks: Vec<_> = rows.chunks(MAX_BIND_PARAMS / COLUMNS).collect();
                let head_moves_with_insert = AUDIT_HEAD_IN_INSERT && chunks.len() == 1;
                for chunk in chunks {
                    let mut query = sqlx::QueryBuilder::<$db>::new("");
                    if head_moves_with_insert {
                        query.push("WITH moved AS (UPDATE audit_heads SET seq = ").push_bind(seq);
                        query.push(", hash = ").push_bind(hash.clone()).push(" WHERE tenant_id = ");
                        query.push_bind(tenant_id).push(") ");
                    }
                    query.push(
                        "INSERT INTO audit_entries (tenant_id, seq, at, client_time, action, actor, actor_tenant, \
                         device_id, object_kind, object_id, old_value, new_value, reason, payload_hash, prev_hash, \
                         hash) ",
                    );
                    query.push_values(chunk, |mut row, (entry, seq, payload, prev, hash)| {
                        row.push_bind(tenant_id)
                            .push_bind(*seq)
                            .push_bind(at)
                            .push_bind(entry.client_time)
                            .push_bind(&entry.action)
                            .push_bind(&entry.actor)
                            .push_bind(&entry.actor_tenant)
                            .push_bind(&entry.device_id)
                            .push_bind(&entry.object_kind)
                            .push_bind(&entry.object_id)
                            .push_bind(&entry.old_value)
                            .push_bind(&entry.new_value)
                            .push_bind(&entry.reason)
                            .push_bind(payload)
                            .push_bind(prev)
                            .push_bind(hash);
                    });
                    query.build().execute(&mut *connection).await?;
                }
                if !head_moves_with_insert {
                    sqlx::query("UPDATE audit_heads SET seq = $2, hash = $3 WHERE tenant_id = $1")
                        .bind(tenant_id)
                        .bind(seq)
                        .bind(&hash)
                        .execute(&mut *connection)
                        .await?;
                }
            }
            Ok(())
        }

        /// Appends `entries` as the transaction's last step and commits: how a write of the store ends.
        pub(crate) async fn audit_commit(
            mut transaction: sqlx::Transaction<'_, $db>,
            entries: &[AuditEntry],
        ) -> Result<(), StoreError> {
            audit_append(&mut *transaction, entries).await?;
            transaction.commit().await?;
            Ok(())
        }
    };
}
pub(crate) use define_audit_append;

macro_rules! impl_audit_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AuditStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_record", tenant.id = %entry.tenant_id))]
            async fn audit_record(&self, entry: AuditEntry) -> Result<(), StoreError> {
                let transaction = self.writer().begin().await?;
                audit_commit(transaction, &[entry]).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_entries", tenant.id = %tenant_id))]
            async fn audit_entries(
                &self,
                tenant_id: &str,
                filter: &AuditFilter,
            ) -> Result<Vec<AuditRecord>, StoreError> {
                let mut query = sqlx::QueryBuilder::<$db>::new("SELECT * FROM audit_entries WHERE tenant_id = ");
                query.push_bind(tenant_id).push(" AND seq > ").push_bind(filter.after);
                for (column, value) in [
                    ("actor", &filter.actor),
                    ("object_kind", &filter.object_kind),
                    ("object_id", &filter.object_id),
                    ("action", &filter.action),
                ] {
                    if let Some(value) = value {
                        query.push(format!(" AND {column} = ")).push_bind(value.clone());
                    }
                }
                if let Some(from) = filter.from {
                    query.push(" AND at >= ").push_bind(from);
                }
                if let Some(to) = filter.to {
                    query.push(" AND at < ").push_bind(to);
                }
                query.push(" ORDER BY seq LIMIT ").push_bind(filter.limit);
                Ok(query.build_query_as().fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_scan", tenant.id = %tenant_id))]
            async fn audit_scan(
                &self,
                tenant_id: &str,
                visit: VisitEntry<'_>,
            ) -> Result<Option<AuditHeadRecord>, StoreError> {
                // How a whole chain is read fast differs per backend (`audit_scan_rows` beside each).
                self.audit_scan_rows(tenant_id, visit).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_heads"))]
            async fn audit_heads(&self) -> Result<Vec<AuditHeadRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM audit_heads ORDER BY tenant_id").fetch_all(self.reader()).await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_head", tenant.id = %tenant_id))]
            async fn audit_head(&self, tenant_id: &str) -> Result<Option<AuditHeadRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM audit_heads WHERE tenant_id = $1")
                    .bind(tenant_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_checkpoint_add", tenant.id = %checkpoint.tenant_id))]
            async fn audit_checkpoint_add(&self, checkpoint: &AuditCheckpointRecord) -> Result<bool, StoreError> {
                let done = sqlx::query(
                    "INSERT INTO audit_checkpoints (tenant_id, seq, hash, at, public_key, signature) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, seq) DO NOTHING",
                )
                .bind(&checkpoint.tenant_id)
                .bind(checkpoint.seq)
                .bind(&checkpoint.hash)
                .bind(checkpoint.at)
                .bind(&checkpoint.public_key)
                .bind(&checkpoint.signature)
                .execute(self.writer())
                .await?;
                Ok(done.rows_affected() > 0)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "audit_checkpoints"))]
            async fn audit_checkpoints(
                &self,
                tenant_id: Option<&str>,
            ) -> Result<Vec<AuditCheckpointRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT * FROM audit_checkpoints WHERE $1 IS NULL OR tenant_id = $1 ORDER BY tenant_id, seq",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }
        }
    };
}
pub(crate) use impl_audit_store;
