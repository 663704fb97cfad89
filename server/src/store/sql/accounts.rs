//! The SQL of [`AccountStore`](crate::store::AccountStore), the same for both backends.

macro_rules! impl_account_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::AccountStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "tenant_create"))]
            async fn tenant_create(&self, name: &str, kind: &str) -> Result<TenantRecord, StoreError> {
                let record = TenantRecord {
                    id: new_id(),
                    name: name.to_owned(),
                    kind: kind.to_owned(),
                    last_seq: 0,
                    log_epoch: new_id(),
                    created_at: now_millis(),
                    retention_floor: 0,
                };
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO tenants (id, name, kind, last_seq, log_epoch, created_at) VALUES ($1, $2, $3, 0, $4, $5)",
                )
                .bind(&record.id)
                .bind(&record.name)
                .bind(&record.kind)
                .bind(&record.log_epoch)
                .bind(record.created_at)
                .execute(&mut *transaction)
                .await?;
                let entry = AuditEntry::new(&record.id, "tenant.created", "tenant", &record.id)
                    .new_value(serde_json::json!({"name": record.name, "kind": record.kind}));
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "tenant", tenant.id = %tenant_id))]
            async fn tenant(&self, tenant_id: &str) -> Result<Option<TenantRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM tenants WHERE id = $1")
                    .bind(tenant_id)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "tenant_serial_secret", tenant.id = %tenant_id))]
            async fn tenant_serial_secret(&self, tenant_id: &str, fresh: &str) -> Result<String, StoreError> {
                // Set only while empty, so two first uses at once agree on one secret.
                let mut transaction = self.writer().begin().await?;
                let row: Option<(String,)> = sqlx::query_as(
                    "UPDATE tenants SET serial_secret = CASE WHEN serial_secret = '' THEN $2 ELSE serial_secret END \
                     WHERE id = $1 RETURNING serial_secret",
                )
                .bind(tenant_id)
                .bind(fresh)
                .fetch_optional(&mut *transaction)
                .await?;
                let secret = row.ok_or_else(|| StoreError::NotFound("the tenant".into()))?.0;
                // Recorded when it is made (never the secret itself); a later use changes nothing.
                let entries: Vec<AuditEntry> = (secret == fresh)
                    .then(|| AuditEntry::new(tenant_id, "tenant.serial_secret_made", "tenant", tenant_id))
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await?;
                Ok(secret)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "has_users", tenant.id = %tenant_id))]
            async fn has_users(&self, tenant_id: &str) -> Result<bool, StoreError> {
                let row: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE tenant_id = $1 LIMIT 1")
                    .bind(tenant_id)
                    .fetch_optional(self.reader())
                    .await?;
                Ok(row.is_some())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "device_name_set", tenant.id = %tenant_id))]
            async fn device_name_set(
                &self,
                tenant_id: &str,
                device_id: &str,
                name: &str,
                by: &str,
            ) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                let old: Option<(String,)> =
                    sqlx::query_as("SELECT name FROM device_names WHERE tenant_id = $1 AND device_id = $2")
                        .bind(tenant_id)
                        .bind(device_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                sqlx::query(
                    "INSERT INTO device_names (tenant_id, device_id, name, named_by, named_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (tenant_id, device_id) DO UPDATE SET name = excluded.name, \
                     named_by = excluded.named_by, named_at = excluded.named_at",
                )
                .bind(tenant_id)
                .bind(device_id)
                .bind(name)
                .bind(by)
                .bind(now_millis())
                .execute(&mut *transaction)
                .await?;
                let mut entry = AuditEntry::new(tenant_id, "device.named", "device", device_id)
                    .new_value(serde_json::json!({ "name": name }));
                if let Some((old,)) = old {
                    entry = entry.old(serde_json::json!({ "name": old }));
                }
                audit_commit(transaction, &[entry]).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "device_names", tenant.id = %tenant_id))]
            async fn device_names(&self, tenant_id: &str) -> Result<Vec<(String, String)>, StoreError> {
                Ok(sqlx::query_as("SELECT device_id, name FROM device_names WHERE tenant_id = $1 ORDER BY device_id")
                    .bind(tenant_id)
                    .fetch_all(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "tenant_count"))]
            async fn tenant_count(&self) -> Result<i64, StoreError> {
                let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenants").fetch_one(self.reader()).await?;
                Ok(count)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "renew_log_epochs"))]
            async fn renew_log_epochs(&self) -> Result<u64, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let tenants: Vec<(String, String)> =
                    sqlx::query_as("SELECT id, log_epoch FROM tenants").fetch_all(&mut *transaction).await?;
                let mut entries = Vec::new();
                for (id, old_epoch) in &tenants {
                    let epoch = new_id();
                    sqlx::query("UPDATE tenants SET log_epoch = $2 WHERE id = $1")
                        .bind(id)
                        .bind(&epoch)
                        .execute(&mut *transaction)
                        .await?;
                    entries.push(
                        AuditEntry::new(id, "database.restored", "tenant", id)
                            .old(serde_json::json!({ "log_epoch": old_epoch }))
                            .new_value(serde_json::json!({ "log_epoch": epoch })),
                    );
                }
                audit_commit(transaction, &entries).await?;
                Ok(tenants.len() as u64)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "partnership_create"))]
            async fn partnership_create(&self, owner: &str, partner: &str) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                sqlx::query("INSERT INTO partnerships (owner_tenant_id, partner_tenant_id, created_at) VALUES ($1, $2, $3)")
                    .bind(owner)
                    .bind(partner)
                    .bind(now_millis())
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| StoreError::from_insert(error, "this partnership"))?;
                let value = serde_json::json!({"owner_tenant_id": owner, "partner_tenant_id": partner});
                let entries = [owner, partner].map(|tenant| {
                    AuditEntry::new(tenant, "partnership.created", "partnership", &format!("{owner}/{partner}"))
                        .new_value(value.clone())
                });
                audit_commit(transaction, &entries).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "partners", tenant.id = %tenant_id))]
            async fn partners(&self, tenant_id: &str) -> Result<Vec<TenantRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT t.* FROM tenants t JOIN partnerships p \
                     ON (p.owner_tenant_id = $1 AND t.id = p.partner_tenant_id) \
                     OR (p.partner_tenant_id = $1 AND t.id = p.owner_tenant_id) ORDER BY t.name",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user_create"))]
            async fn user_create(&self, user: NewUser) -> Result<UserRecord, StoreError> {
                let record = UserRecord {
                    id: new_id(),
                    tenant_id: user.tenant_id,
                    username: user.username,
                    display_name: user.display_name,
                    role: user.role,
                    password_hash: user.password_hash,
                    created_at: now_millis(),
                    disabled_at: None,
                    last_sign_in_at: None,
                };
                let mut transaction = self.writer().begin().await?;
                // Sign-in finds a user by the exact name, and the sign-in limits count names in any case: two
                // names that differ only in case would be two people behind one count, and one mistyped letter
                // away from each other.
                let taken: Option<(String,)> = sqlx::query_as("SELECT id FROM users WHERE lower(username) = lower($1)")
                    .bind(&record.username)
                    .fetch_optional(&mut *transaction)
                    .await?;
                if taken.is_some() {
                    return Err(StoreError::Conflict("a user with this username".into()));
                }
                sqlx::query(
                    "INSERT INTO users (id, tenant_id, username, display_name, role, password_hash, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&record.id)
                .bind(&record.tenant_id)
                .bind(&record.username)
                .bind(&record.display_name)
                .bind(&record.role)
                .bind(&record.password_hash)
                .bind(record.created_at)
                .execute(&mut *transaction)
                .await
                .map_err(|error| StoreError::from_insert(error, "a user with this username"))?;
                // Never the password's hash.
                let entry = AuditEntry::new(&record.tenant_id, "user.created", "user", &record.id).new_value(
                    serde_json::json!({"username": record.username, "display_name": record.display_name, "role": record.role}),
                );
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "user_by_username"))]
            async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "users", tenant.id = %tenant_id))]
            async fn users(&self, tenant_id: &str) -> Result<Vec<UserRecord>, StoreError> {
                Ok(sqlx::query_as("SELECT * FROM users WHERE tenant_id = $1 ORDER BY username")
                    .bind(tenant_id)
                    .fetch_all(self.reader())
                    .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "session_create"))]
            async fn session_create(&self, session: NewSession, user: &UserRecord) -> Result<Option<String>, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let now = now_millis();
                // The user as the password was checked: an admin who disabled the user or set a new password
                // since then has ended every session, and this one must not start after them.
                let still: Option<(String,)> = sqlx::query_as(
                    "UPDATE users SET last_sign_in_at = $2 WHERE id = $1 AND disabled_at IS NULL \
                     AND password_hash = $3 RETURNING id",
                )
                .bind(&user.id)
                .bind(now)
                .bind(&user.password_hash)
                .fetch_optional(&mut *transaction)
                .await?;
                if still.is_none() {
                    return Ok(None);
                }
                let id = new_id();
                sqlx::query(
                    "INSERT INTO sessions (token_hash, id, user_id, tenant_id, created_at, expires_at, last_seen_at, \
                     user_agent, client_address) VALUES ($1, $2, $3, $4, $5, $6, $5, $7, $8)",
                )
                .bind(&session.token_hash)
                .bind(&id)
                .bind(&user.id)
                .bind(&user.tenant_id)
                .bind(now)
                .bind(session.expires_at)
                .bind(&session.user_agent)
                .bind(&session.client_address)
                .execute(&mut *transaction)
                .await?;
                let entry = AuditEntry::new(&user.tenant_id, "session.signed_in", "user", &user.id)
                    .by(&format!("user:{}", user.username))
                    .new_value(serde_json::json!({ "username": user.username, "expires_at": session.expires_at }));
                audit_commit(transaction, &[entry]).await?;
                Ok(Some(id))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "session_principal"))]
            async fn session_principal(
                &self,
                token_hash: &str,
                now: i64,
            ) -> Result<Option<PrincipalRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT u.id, u.tenant_id, u.username AS name, u.display_name, u.role, s.last_seen_at FROM sessions s \
                     JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 \
                     AND u.disabled_at IS NULL",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "session_delete"))]
            async fn session_delete(&self, token_hash: &str) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                let ended: Option<(String, String, String)> = sqlx::query_as(
                    "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id, tenant_id, \
                     (SELECT username FROM users WHERE id = sessions.user_id)",
                )
                .bind(token_hash)
                .fetch_optional(&mut *transaction)
                .await?;
                let entries: Vec<AuditEntry> = ended
                    .map(|(user_id, tenant_id, username)| {
                        AuditEntry::new(&tenant_id, "session.signed_out", "user", &user_id).by(&format!("user:{username}"))
                    })
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "sign_in_failures"))]
            async fn sign_in_failures(
                &self,
                subjects: &[String],
                since: i64,
            ) -> Result<Vec<SignInFailureRecord>, StoreError> {
                let mut found = Vec::new();
                // A sign-in checks two or three subjects: one indexed read each.
                for subject in subjects {
                    let row: Option<SignInFailureRecord> = sqlx::query_as(
                        "SELECT subject, failures, last_failure_at FROM sign_in_failures \
                         WHERE subject = $1 AND last_failure_at >= $2",
                    )
                    .bind(subject)
                    .bind(since)
                    .fetch_optional(self.writer())
                    .await?;
                    found.extend(row);
                }
                Ok(found)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "sign_in_failed"))]
            async fn sign_in_failed(
                &self,
                subjects: &[String],
                now: i64,
                since: i64,
                entry: AuditEntry,
            ) -> Result<(), StoreError> {
                let mut transaction = self.writer().begin().await?;
                for subject in subjects {
                    sqlx::query(
                        "INSERT INTO sign_in_failures (subject, failures, last_failure_at) VALUES ($1, 1, $2) \
                         ON CONFLICT (subject) DO UPDATE SET last_failure_at = $2, failures = CASE \
                         WHEN sign_in_failures.last_failure_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END",
                    )
                    .bind(subject)
                    .bind(now)
                    .bind(since)
                    .execute(&mut *transaction)
                    .await?;
                }
                sqlx::query("DELETE FROM sign_in_failures WHERE last_failure_at < $1")
                    .bind(since)
                    .execute(&mut *transaction)
                    .await?;
                audit_commit(transaction, &[entry]).await
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "sign_in_forget"))]
            async fn sign_in_forget(&self, subjects: &[String]) -> Result<(), StoreError> {
                for subject in subjects {
                    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
                        .bind(subject)
                        .execute(self.writer())
                        .await?;
                }
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "known_device_seen"))]
            async fn known_device_seen(&self, token_hash: &str, user_id: &str, now: i64) -> Result<(), StoreError> {
                sqlx::query(
                    "INSERT INTO known_devices (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3) \
                     ON CONFLICT (token_hash, user_id) DO UPDATE SET last_seen_at = $3",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(now)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "known_device"))]
            async fn known_device(&self, token_hash: &str, user_id: &str) -> Result<bool, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT user_id FROM known_devices WHERE token_hash = $1 AND user_id = $2")
                        .bind(token_hash)
                        .bind(user_id)
                        .fetch_optional(self.reader())
                        .await?;
                Ok(row.is_some())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "session_seen"))]
            async fn session_seen(&self, token_hash: &str, now: i64, stale_before: i64) -> Result<(), StoreError> {
                // The condition, not the caller's earlier read, decides: several servers seeing the session in
                // the same minute write once.
                sqlx::query(
                    "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 \
                     AND (last_seen_at IS NULL OR last_seen_at < $3)",
                )
                .bind(token_hash)
                .bind(now)
                .bind(stale_before)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_used"))]
            async fn api_key_used(&self, key_hash: &str, now: i64, stale_before: i64) -> Result<(), StoreError> {
                sqlx::query(
                    "UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 \
                     AND (last_used_at IS NULL OR last_used_at < $3)",
                )
                .bind(key_hash)
                .bind(now)
                .bind(stale_before)
                .execute(self.writer())
                .await?;
                Ok(())
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_create"))]
            async fn api_key_create(&self, key: NewApiKey) -> Result<ApiKeyRecord, StoreError> {
                let record = ApiKeyRecord {
                    id: new_id(),
                    tenant_id: key.tenant_id,
                    name: key.name,
                    role: key.role,
                    prefix: key.prefix,
                    created_at: now_millis(),
                    revoked_at: None,
                    last_used_at: None,
                    grants: key.grants,
                };
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO api_keys (id, tenant_id, name, role, prefix, key_hash, created_at, \
                     max_serials_per_request, reads_extra, max_exported_serials_per_day) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(&record.id)
                .bind(&record.tenant_id)
                .bind(&record.name)
                .bind(&record.role)
                .bind(&record.prefix)
                .bind(&key.key_hash)
                .bind(record.created_at)
                .bind(record.grants.max_serials_per_request)
                .bind(i64::from(record.grants.reads_extra))
                .bind(record.grants.max_exported_serials_per_day)
                .execute(&mut *transaction)
                .await
                .map_err(|error| StoreError::from_insert(error, "this API key"))?;
                // The key's prefix names it; the secret and its hash are never recorded.
                let mut created = record.grants.audited();
                created["name"] = record.name.clone().into();
                created["role"] = record.role.clone().into();
                created["prefix"] = record.prefix.clone().into();
                let entry =
                    AuditEntry::new(&record.tenant_id, "api_key.created", "api_key", &record.id).new_value(created);
                audit_commit(transaction, &[entry]).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_principal"))]
            async fn api_key_principal(&self, key_hash: &str) -> Result<Option<PrincipalRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, tenant_id, name, name AS display_name, role, last_used_at AS last_seen_at FROM api_keys \
                     WHERE key_hash = $1 AND revoked_at IS NULL",
                )
                .bind(key_hash)
                .fetch_optional(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_keys", tenant.id = %tenant_id))]
            async fn api_keys(&self, tenant_id: &str) -> Result<Vec<ApiKeyRecord>, StoreError> {
                Ok(sqlx::query_as(
                    "SELECT id, tenant_id, name, role, prefix, created_at, revoked_at, last_used_at, \
                     max_serials_per_request, reads_extra <> 0 AS reads_extra, max_exported_serials_per_day \
                     FROM api_keys WHERE tenant_id = $1 \
                     ORDER BY created_at, id",
                )
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "api_key_revoke", tenant.id = %tenant_id))]
            async fn api_key_revoke(&self, tenant_id: &str, key_id: &str) -> Result<bool, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let old: Option<(Option<i64>,)> =
                    sqlx::query_as("SELECT revoked_at FROM api_keys WHERE tenant_id = $1 AND id = $2")
                        .bind(tenant_id)
                        .bind(key_id)
                        .fetch_optional(&mut *transaction)
                        .await?;
                let Some((revoked_before,)) = old else {
                    return Ok(false);
                };
                let now = now_millis();
                sqlx::query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(key_id)
                    .bind(now)
                    .execute(&mut *transaction)
                    .await?;
                // Revoking a revoked key again changes nothing and records nothing.
                let entries: Vec<AuditEntry> = revoked_before
                    .is_none()
                    .then(|| {
                        AuditEntry::new(tenant_id, "api_key.revoked", "api_key", key_id)
                            .old(serde_json::json!({ "revoked_at": null }))
                            .new_value(serde_json::json!({ "revoked_at": now }))
                    })
                    .into_iter()
                    .collect();
                audit_commit(transaction, &entries).await?;
                Ok(true)
            }
        }
    };
}
pub(crate) use impl_account_store;
