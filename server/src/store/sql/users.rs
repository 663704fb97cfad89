//! The SQL of [`UserStore`](crate::store::UserStore), the same for both backends.

macro_rules! impl_user_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::UserStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user", tenant.id = %tenant_id))]
            async fn user(&self, tenant_id: &str, user_id: &str) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(user_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user_update", tenant.id = %tenant_id))]
            async fn user_update(
                &self,
                tenant_id: &str,
                user_id: &str,
                changes: UserChanges,
            ) -> Result<UserChanged, StoreError> {
                let mut transaction = self.writer().begin().await?;
                // A change that may take an admin away locks the tenant's enabled admins first, all in id order,
                // before the user's own row: two admins demoting each other at once then take turns (the second
                // sees one admin left) instead of both succeeding, or waiting on each other's rows crosswise.
                let may_take_an_admin = changes.role.as_deref().is_some_and(|role| role != "admin")
                    || changes.disabled == Some(true);
                let admins: Vec<(String,)> = if may_take_an_admin {
                    sqlx::query_as(&format!(
                        "SELECT id FROM users WHERE tenant_id = $1 AND role = 'admin' AND disabled_at IS NULL \
                         ORDER BY id{LOCK_ROW}"
                    ))
                    .bind(tenant_id)
                    .fetch_all(&mut *transaction)
                    .await?
                } else {
                    Vec::new()
                };
                let before: Option<UserRecord> =
                    sqlx::query_as(&format!("SELECT * FROM users WHERE tenant_id = $1 AND id = $2{LOCK_ROW}"))
                        .bind(tenant_id)
                        .bind(user_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let Some(before) = before else {
                    return Ok(UserChanged::NotFound);
                };
                let role = changes.role.unwrap_or_else(|| before.role.clone());
                let display_name = changes.display_name.unwrap_or_else(|| before.display_name.clone());
                let disabled = changes.disabled.unwrap_or(before.disabled_at.is_some());
                let was_admin = before.role == "admin" && before.disabled_at.is_none();
                let other_admins = admins.iter().filter(|(id,)| id != user_id).count();
                if was_admin && (role != "admin" || disabled) && other_admins == 0 {
                    return Ok(UserChanged::LastAdmin);
                }
                let settings = |role: &str, display_name: &str, disabled: bool| {
                    serde_json::json!({"role": role, "display_name": display_name, "disabled": disabled})
                };
                let (old, mut new) = changed_fields(
                    &settings(&before.role, &before.display_name, before.disabled_at.is_some()),
                    &settings(&role, &display_name, disabled),
                );
                if new.as_object().is_none_or(|fields| fields.is_empty()) {
                    // Nothing changes, so nothing is written or recorded.
                    return Ok(UserChanged::Changed(before));
                }
                let now = now_millis();
                let disabled_at = if disabled { before.disabled_at.or(Some(now)) } else { None };
                let after: UserRecord = sqlx::query_as(
                    "UPDATE users SET role = $3, display_name = $4, disabled_at = $5 WHERE tenant_id = $1 AND id = $2 \
                     RETURNING *",
                )
                .bind(tenant_id)
                .bind(user_id)
                .bind(&role)
                .bind(&display_name)
                .bind(disabled_at)
                .fetch_one(&mut *transaction)
                .await?;
                if before.disabled_at.is_none() && disabled {
                    // A disabled user's sessions end with the change, so no server lets them in after it commits.
                    let ended: Vec<(i64,)> =
                        sqlx::query_as("DELETE FROM sessions WHERE user_id = $1 RETURNING expires_at")
                            .bind(user_id)
                            .fetch_all(&mut *transaction)
                            .await?;
                    let live = ended.iter().filter(|(expires_at,)| *expires_at > now).count();
                    new["sessions_ended"] = live.into();
                }
                let entry = AuditEntry::new(tenant_id, "user.changed", "user", user_id).old(old).new_value(new);
                audit_commit(transaction, &[entry]).await?;
                Ok(UserChanged::Changed(after))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user_password_set", tenant.id = %tenant_id))]
            async fn user_password_set(
                &self,
                tenant_id: &str,
                user_id: &str,
                password_hash: &str,
            ) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let set: Option<(String,)> =
                    sqlx::query_as("UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2 RETURNING id")
                        .bind(tenant_id)
                        .bind(user_id)
                        .bind(password_hash)
                        .fetch_optional(&mut *transaction)
                        .await?;
                if set.is_none() {
                    return Ok(false);
                }
                // Whoever knew the old password is signed out with it.
                let now = now_millis();
                let ended: Vec<(i64,)> = sqlx::query_as("DELETE FROM sessions WHERE user_id = $1 RETURNING expires_at")
                    .bind(user_id)
                    .fetch_all(&mut *transaction)
                    .await?;
                let live = ended.iter().filter(|(expires_at,)| *expires_at > now).count();
                // Never the password nor its hash.
                let entry = AuditEntry::new(tenant_id, "user.password_set", "user", user_id)
                    .new_value(serde_json::json!({ "sessions_ended": live }));
                audit_commit(transaction, &[entry]).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user_sessions", tenant.id = %tenant_id))]
            async fn user_sessions(
                &self,
                tenant_id: &str,
                user_id: &str,
                now: i64,
            ) -> Result<Vec<SessionRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, user_id, created_at, expires_at, last_seen_at, user_agent, client_address FROM sessions \
                     WHERE tenant_id = $1 AND user_id = $2 AND expires_at > $3 ORDER BY created_at DESC, id",
                )
                .bind(tenant_id)
                .bind(user_id)
                .bind(now)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "session_revoke", tenant.id = %tenant_id))]
            async fn session_revoke(
                &self,
                tenant_id: &str,
                user_id: &str,
                session_id: &str,
                now: i64,
            ) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let ended: Option<(String,)> = sqlx::query_as(
                    "DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND expires_at > $4 \
                     RETURNING id",
                )
                .bind(tenant_id)
                .bind(user_id)
                .bind(session_id)
                .bind(now)
                .fetch_optional(&mut *transaction)
                .await?;
                if ended.is_none() {
                    return Ok(false);
                }
                let entry = AuditEntry::new(tenant_id, "session.revoked", "user", user_id)
                    .new_value(serde_json::json!({ "session_id": session_id }));
                audit_commit(transaction, &[entry]).await?;
                Ok(true)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "sessions_forget_expired"))]
            async fn sessions_forget_expired(&self, before: i64) -> Result<u64, StoreError> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(before).execute(self.writer()).await?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(crate) use impl_user_store;
