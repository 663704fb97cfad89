//! The SQL of [`ExportStore`](crate::store::ExportStore), the same for both backends (docs/DATA_PROTECTION.md).
//! A backend module provides `ENTRY_SERIALS`: the `serials` of an audit entry's new value as a BIGINT.

macro_rules! impl_export_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::ExportStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "export_settings", tenant.id = %tenant_id))]
            async fn export_settings(&self, tenant_id: &str) -> Result<ExportSettings, StoreError> {
                let mut connection = self.reader().acquire().await?;
                let ceilings = role_ceilings(&mut *connection, tenant_id).await?;
                let stored: Option<StoredSettings> = sqlx::query_as(
                    "SELECT label_downloads_per_order, alert_exported_serials_per_hour, alert_failed_sign_ins_per_hour \
                     FROM export_settings WHERE tenant_id = $1",
                )
                .bind(tenant_id)
                .fetch_optional(&mut *connection)
                .await?;
                Ok(ExportSettings::from_stored(&ceilings, stored))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "export_settings_change", tenant.id = %tenant_id))]
            async fn export_settings_change(
                &self,
                tenant_id: &str,
                change: &ExportSettingsChange,
            ) -> Result<ExportSettings, StoreError> {
                let mut transaction = self.writer().begin().await?;
                // The settings row, made if missing, is locked until COMMIT on PostgreSQL: a concurrent change
                // waits here and then reads what this one wrote, so each entry's old values are the real ones.
                let stored: StoredSettings = sqlx::query_as(
                    "INSERT INTO export_settings (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) \
                     DO UPDATE SET tenant_id = export_settings.tenant_id \
                     RETURNING label_downloads_per_order, alert_exported_serials_per_hour, alert_failed_sign_ins_per_hour",
                )
                .bind(tenant_id)
                .fetch_one(&mut *transaction)
                .await?;
                let before = ExportSettings::from_stored(&role_ceilings(&mut *transaction, tenant_id).await?, Some(stored));
                // Only what the admin set is stored: a setting never set follows the default.
                sqlx::query(
                    "UPDATE export_settings SET label_downloads_per_order = COALESCE($2, label_downloads_per_order), \
                     alert_exported_serials_per_hour = COALESCE($3, alert_exported_serials_per_hour), \
                     alert_failed_sign_ins_per_hour = COALESCE($4, alert_failed_sign_ins_per_hour) WHERE tenant_id = $1",
                )
                .bind(tenant_id)
                .bind(change.label_downloads_per_order)
                .bind(change.alert_exported_serials_per_hour)
                .bind(change.alert_failed_sign_ins_per_hour)
                .execute(&mut *transaction)
                .await?;
                for (role, serials_per_day) in &change.serials_per_day {
                    sqlx::query(
                        "INSERT INTO export_ceilings (tenant_id, role, serials_per_day) VALUES ($1, $2, $3) \
                         ON CONFLICT (tenant_id, role) DO UPDATE SET serials_per_day = excluded.serials_per_day",
                    )
                    .bind(tenant_id)
                    .bind(role.as_str())
                    .bind(serials_per_day)
                    .execute(&mut *transaction)
                    .await?;
                }
                let after = before.changed(change);
                let (old, new) = before.differences(&after);
                let entries: Vec<AuditEntry> = (before != after)
                    .then(|| AuditEntry::new(tenant_id, "export_ceilings.changed", "tenant", tenant_id).old(old).new_value(new))
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await?;
                Ok(after)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "export_record", tenant.id = %export.tally.tenant_id))]
            async fn export_record(
                &self,
                export: &Export,
                entry: AuditEntry,
            ) -> Result<Result<(), ExportRefusal>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                match count_export(&mut transaction, export).await? {
                    Ok(()) => {
                        audit_commit(transaction, &[entry]).await?;
                        Ok(Ok(()))
                    }
                    Err(refusal) => {
                        // Whatever was counted goes; the attempt is recorded on its own.
                        transaction.rollback().await?;
                        audit_commit(self.writer().begin().await?, &[refusal.entry(&entry)]).await?;
                        Ok(Err(refusal))
                    }
                }
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "export_alerts", tenant.id = %tenant_id))]
            async fn export_alerts(
                &self,
                tenant_id: &str,
                since: i64,
                exports_at_least: i64,
                sign_ins_at_least: i64,
            ) -> Result<Vec<AlertRecord>, StoreError> {
                // Both read a few kinds of entry over the last hour: ranges of `audit_entries_by_kind`.
                let mut exports = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT CAST('exports' AS TEXT) AS kind, actor, CAST(SUM({ENTRY_SERIALS}) AS BIGINT) AS count \
                     FROM audit_entries WHERE tenant_id = "
                ));
                exports.push_bind(tenant_id).push(" AND at >= ").push_bind(since).push(" AND action IN (");
                push_list(&mut exports, $crate::store::EXPORT_KINDS);
                exports.push(format!(") AND actor IS NOT NULL GROUP BY actor HAVING SUM({ENTRY_SERIALS}) >= "));
                exports.push_bind(exports_at_least).push(" ORDER BY 3 DESC, 2");
                let mut alerts: Vec<AlertRecord> = exports.build_query_as().fetch_all(self.reader()).await?;
                // A failed sign-in of a user of this tenant names the user; one of a username that exists nowhere
                // is in the server's chain, not the tenant's (docs/DATA_PROTECTION.md, "Alerts").
                let sign_ins: Vec<AlertRecord> = sqlx::query_as(
                    "SELECT CAST('failed_sign_ins' AS TEXT) AS kind, COALESCE(u.username, a.object_id) AS actor, \
                     CAST(COUNT(*) AS BIGINT) AS count FROM audit_entries a LEFT JOIN users u ON u.id = a.object_id \
                     WHERE a.tenant_id = $1 AND a.action = 'session.sign_in_failed' AND a.at >= $2 \
                     GROUP BY a.object_id, u.username HAVING COUNT(*) >= $3 ORDER BY 3 DESC, 2",
                )
                .bind(tenant_id)
                .bind(since)
                .bind(sign_ins_at_least)
                .fetch_all(self.reader())
                .await?;
                alerts.extend(sign_ins);
                Ok(alerts)
            }
        }

        /// The roles' ceilings a tenant set: (role, serials per day).
        async fn role_ceilings(
            connection: &mut <$db as sqlx::Database>::Connection,
            tenant_id: &str,
        ) -> Result<Vec<(String, i64)>, StoreError> {
            Ok(sqlx::query_as("SELECT role, serials_per_day FROM export_ceilings WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_all(&mut *connection)
                .await?)
        }

        /// Counts an export in the caller's transaction: one of the order's label downloads, then its serials
        /// onto the caller's tally of the day — each a guarded increment, so two exports at once never both pass
        /// what only one of them may (on PostgreSQL the second waits for the first's row and then sees its
        /// count; on SQLite the one writer runs them one after the other). Refused: what stopped it.
        async fn count_export(
            transaction: &mut sqlx::Transaction<'_, $db>,
            export: &Export,
        ) -> Result<Result<(), ExportRefusal>, StoreError> {
            let tally = &export.tally;
            if let Some(order_id) = &export.labels_of_order {
                let set: Option<(Option<i64>,)> =
                    sqlx::query_as("SELECT label_downloads_per_order FROM export_settings WHERE tenant_id = $1")
                        .bind(&tally.tenant_id)
                        .fetch_optional(&mut **transaction)
                        .await?;
                let allowed = set.and_then(|(allowed,)| allowed).unwrap_or($crate::store::DEFAULT_LABEL_DOWNLOADS_PER_ORDER);
                let counted: Option<(i64,)> = sqlx::query_as(
                    "UPDATE orders SET label_downloads = label_downloads + 1 \
                     WHERE tenant_id = $1 AND id = $2 AND label_downloads < $3 RETURNING label_downloads",
                )
                .bind(&tally.tenant_id)
                .bind(order_id)
                .bind(allowed)
                .fetch_optional(&mut **transaction)
                .await?;
                if counted.is_none() {
                    let (downloads,): (i64,) =
                        sqlx::query_as("SELECT label_downloads FROM orders WHERE tenant_id = $1 AND id = $2")
                            .bind(&tally.tenant_id)
                            .bind(order_id)
                            .fetch_one(&mut **transaction)
                            .await?;
                    return Ok(Err(ExportRefusal::LabelDownloadsUsedUp { downloads, allowed }));
                }
            }
            if export.serials == 0 {
                return Ok(Ok(()));
            }
            let (keys_ceiling, roles_ceiling): (Option<i64>, Option<i64>) = sqlx::query_as(
                "SELECT (SELECT max_exported_serials_per_day FROM api_keys WHERE tenant_id = $1 AND id = $2), \
                 (SELECT serials_per_day FROM export_ceilings WHERE tenant_id = $1 AND role = $3)",
            )
            .bind(&tally.tenant_id)
            .bind(&tally.key_id)
            .bind(tally.role.as_str())
            .fetch_one(&mut **transaction)
            .await?;
            let ceiling = keys_ceiling.or(roles_ceiling).unwrap_or($crate::store::DEFAULT_SERIALS_PER_DAY);
            let counted: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO export_tallies (tenant_id, subject, day, serials) SELECT $1, $2, $3, $4 WHERE $4 <= $5 \
                 ON CONFLICT (tenant_id, subject, day) DO UPDATE SET serials = export_tallies.serials + excluded.serials \
                 WHERE export_tallies.serials + excluded.serials <= $5 RETURNING serials",
            )
            .bind(&tally.tenant_id)
            .bind(&tally.subject)
            .bind(tally.day)
            .bind(export.serials)
            .bind(ceiling)
            .fetch_optional(&mut **transaction)
            .await?;
            if counted.is_some() {
                return Ok(Ok(()));
            }
            let today: Option<(i64,)> = sqlx::query_as(
                "SELECT serials FROM export_tallies WHERE tenant_id = $1 AND subject = $2 AND day = $3",
            )
            .bind(&tally.tenant_id)
            .bind(&tally.subject)
            .bind(tally.day)
            .fetch_optional(&mut **transaction)
            .await?;
            Ok(Err(ExportRefusal::CeilingReached {
                exported_today: today.map_or(0, |(serials,)| serials),
                ceiling,
                asked: export.serials,
                keys_own: keys_ceiling.is_some(),
            }))
        }
    };
}
pub(crate) use impl_export_store;
