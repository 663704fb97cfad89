//! The SQL of [`SyncStore`](crate::store::SyncStore), the same for both backends.

macro_rules! impl_sync_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::SyncStore for $store {
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
                    sqlx::query_as("SELECT * FROM units WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                        .bind(tenant_id)
                        .bind(after)
                        .bind(limit)
                        .fetch_all(&mut *transaction)
                        .await?;
                transaction.commit().await?;
                Ok($crate::store::SnapshotPage { head_seq, log_epoch, units })
            }

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
                    let mut separated = query.separated(", ");
                    for id in chunk {
                        separated.push_bind(id);
                    }
                    query.push(")) AS recent WHERE n <= ").push_bind(per_unit).push(" ORDER BY unit_id, seq DESC");
                    events.extend(query.build_query_as::<EventRecord>().fetch_all(self.reader()).await?);
                }
                Ok(events)
            }
        }
    };
}
pub(crate) use impl_sync_store;
