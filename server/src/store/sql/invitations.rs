//! The SQL of [`InvitationStore`](crate::store::InvitationStore), the same for both backends. Every entry of
//! an invitation goes into both organisations' chains, as a partnership's do.

/// An invitation with both organisations' names; `i` is the invitation.
pub const INVITATION_SELECT: &str =
    "SELECT i.*, o.name AS owner_name, p.name AS partner_name FROM partner_invitations i \
     JOIN tenants o ON o.id = i.owner_tenant_id JOIN tenants p ON p.id = i.partner_tenant_id";

macro_rules! impl_invitation_store {
    ($store:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::InvitationStore for $store {
            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "invitation_create", tenant.id = %owner))]
            async fn invitation_create(&self, owner: &str, partner: &str) -> Result<InvitationRecord, StoreError> {
                let id = new_id();
                let mut transaction = self.writer().begin().await?;
                sqlx::query(
                    "INSERT INTO partner_invitations (id, owner_tenant_id, partner_tenant_id, status, invited_by, \
                     created_at) VALUES ($1, $2, $3, 'pending', $4, $5)",
                )
                .bind(&id)
                .bind(owner)
                .bind(partner)
                .bind($crate::store::audit::who::current().actor)
                .bind(now_millis())
                .execute(&mut *transaction)
                .await
                .map_err(|error| StoreError::from_insert(error, "a pending invitation of this organisation"))?;
                let record: InvitationRecord = sqlx::query_as(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
                    .bind(&id)
                    .fetch_one(&mut *transaction)
                    .await?;
                let value = serde_json::json!({"owner_tenant_id": owner, "partner_tenant_id": partner,
                    "owner_name": record.owner_name, "partner_name": record.partner_name});
                let entries = [owner, partner].map(|tenant| {
                    AuditEntry::new(tenant, "partner.invited", "partner_invitation", &id).new_value(value.clone())
                });
                audit_commit(transaction, &entries).await?;
                Ok(record)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "invitations", tenant.id = %tenant_id))]
            async fn invitations(&self, tenant_id: &str) -> Result<Vec<InvitationRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{INVITATION_SELECT} WHERE i.owner_tenant_id = $1 OR i.partner_tenant_id = $1 \
                     ORDER BY i.created_at DESC, i.id DESC"
                ))
                .bind(tenant_id)
                .fetch_all(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "invitation", tenant.id = %tenant_id))]
            async fn invitation(
                &self,
                tenant_id: &str,
                invitation_id: &str,
            ) -> Result<Option<InvitationRecord>, StoreError> {
                Ok(sqlx::query_as(&format!(
                    "{INVITATION_SELECT} WHERE i.id = $2 AND (i.owner_tenant_id = $1 OR i.partner_tenant_id = $1)"
                ))
                .bind(tenant_id)
                .bind(invitation_id)
                .fetch_optional(self.reader())
                .await?)
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "invitation_accept", tenant.id = %tenant_id))]
            async fn invitation_accept(
                &self,
                tenant_id: &str,
                invitation_id: &str,
            ) -> Result<InvitationSettled, StoreError> {
                let mut transaction = self.writer().begin().await?;
                // The invitation's row alone is locked (not the tenants it names, which every log append locks).
                let row: Option<(String, String, String)> = sqlx::query_as(&format!(
                    "SELECT owner_tenant_id, partner_tenant_id, status FROM partner_invitations \
                     WHERE id = $2 AND (owner_tenant_id = $1 OR partner_tenant_id = $1){LOCK_ROW}"
                ))
                .bind(tenant_id)
                .bind(invitation_id)
                .fetch_optional(&mut *transaction)
                .await?;
                let Some((owner, partner, status)) = row else {
                    return Ok(InvitationSettled::NotFound);
                };
                if partner != tenant_id {
                    return Ok(InvitationSettled::NotTheInvited);
                }
                if status != $crate::store::invitations::PENDING {
                    return Ok(InvitationSettled::NotPending(status));
                }
                let now = now_millis();
                let made = sqlx::query(
                    "INSERT INTO partnerships (owner_tenant_id, partner_tenant_id, created_at) VALUES ($1, $2, $3)",
                )
                .bind(&owner)
                .bind(&partner)
                .bind(now)
                .execute(&mut *transaction)
                .await
                .map_err(|error| StoreError::from_insert(error, "this partnership"));
                if let Err(StoreError::Conflict(_)) = made {
                    return Ok(InvitationSettled::AlreadyPartners);
                }
                made?;
                sqlx::query(
                    "UPDATE partner_invitations SET status = 'accepted', settled_by = $2, settled_at = $3 WHERE id = $1",
                )
                .bind(invitation_id)
                .bind($crate::store::audit::who::current().actor)
                .bind(now)
                .execute(&mut *transaction)
                .await?;
                let record: InvitationRecord = sqlx::query_as(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
                    .bind(invitation_id)
                    .fetch_one(&mut *transaction)
                    .await?;
                let partnership = format!("{owner}/{partner}");
                let entries = [owner.as_str(), partner.as_str()].map(|tenant| {
                    AuditEntry::new(tenant, "partner.accepted", "partner_invitation", invitation_id)
                        .old(serde_json::json!({ "status": "pending" }))
                        .new_value(serde_json::json!({ "status": "accepted", "partnership": partnership }))
                });
                audit_commit(transaction, &entries).await?;
                Ok(InvitationSettled::Settled(record))
            }

            #[tracing::instrument(name = "store", level = "debug", skip_all, fields(store.call = "invitation_end", tenant.id = %tenant_id))]
            async fn invitation_end(
                &self,
                tenant_id: &str,
                invitation_id: &str,
            ) -> Result<InvitationSettled, StoreError> {
                let mut transaction = self.writer().begin().await?;
                let row: Option<(String, String, String)> = sqlx::query_as(&format!(
                    "SELECT owner_tenant_id, partner_tenant_id, status FROM partner_invitations \
                     WHERE id = $2 AND (owner_tenant_id = $1 OR partner_tenant_id = $1){LOCK_ROW}"
                ))
                .bind(tenant_id)
                .bind(invitation_id)
                .fetch_optional(&mut *transaction)
                .await?;
                let Some((owner, partner, status)) = row else {
                    return Ok(InvitationSettled::NotFound);
                };
                if status != $crate::store::invitations::PENDING {
                    return Ok(InvitationSettled::NotPending(status));
                }
                // The brand owner takes its invitation back; the invited organisation turns it down.
                let (status, action) = if owner == tenant_id {
                    ("withdrawn", "partner.invitation_withdrawn")
                } else {
                    ("declined", "partner.invitation_declined")
                };
                sqlx::query(
                    "UPDATE partner_invitations SET status = $2, settled_by = $3, settled_at = $4 WHERE id = $1",
                )
                .bind(invitation_id)
                .bind(status)
                .bind($crate::store::audit::who::current().actor)
                .bind(now_millis())
                .execute(&mut *transaction)
                .await?;
                let record: InvitationRecord = sqlx::query_as(&format!("{INVITATION_SELECT} WHERE i.id = $1"))
                    .bind(invitation_id)
                    .fetch_one(&mut *transaction)
                    .await?;
                let entries = [owner.as_str(), partner.as_str()].map(|tenant| {
                    AuditEntry::new(tenant, action, "partner_invitation", invitation_id)
                        .old(serde_json::json!({ "status": "pending" }))
                        .new_value(serde_json::json!({ "status": status }))
                });
                audit_commit(transaction, &entries).await?;
                Ok(InvitationSettled::Settled(record))
            }
        }
    };
}
pub(crate) use impl_invitation_store;
