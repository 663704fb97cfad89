//! Partner invitations: a brand owner invites a contract manufacturer's organisation; the invited side's
//! accepting creates the partnership in the same transaction. Either side may end a pending invitation.

use super::StoreError;

/// An invitation with both organisations' names, as either side sees it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: String,
    pub owner_tenant_id: String,
    pub owner_name: String,
    pub partner_tenant_id: String,
    pub partner_name: String,
    /// `pending`, `accepted`, `withdrawn` or `declined`.
    pub status: String,
    /// `user:ada` of the brand owner.
    pub invited_by: String,
    pub created_at: i64,
    pub settled_by: Option<String>,
    pub settled_at: Option<i64>,
}

pub const PENDING: &str = "pending";

/// How accepting or ending an invitation went.
#[derive(Debug, Clone)]
pub enum InvitationSettled {
    /// The invitation as it is now.
    Settled(InvitationRecord),
    /// Neither side of it is the caller's tenant (or there is no such invitation).
    NotFound,
    /// It was accepted, withdrawn or declined before: its status.
    NotPending(String),
    /// Only the invited organisation accepts; the caller's sent it.
    NotTheInvited,
    /// The two organisations became partners meanwhile (another way): nothing was written.
    AlreadyPartners,
}

#[async_trait::async_trait]
pub trait InvitationStore {
    /// Records a pending invitation from `owner` to `partner`; `StoreError::Conflict` while one is pending.
    async fn invitation_create(&self, owner: &str, partner: &str) -> Result<InvitationRecord, StoreError>;
    /// The invitations the tenant sent or received, newest first.
    async fn invitations(&self, tenant_id: &str) -> Result<Vec<InvitationRecord>, StoreError>;
    /// One invitation the tenant sent or received.
    async fn invitation(&self, tenant_id: &str, invitation_id: &str) -> Result<Option<InvitationRecord>, StoreError>;
    /// The invited tenant accepts: the partnership is made and the invitation closed, in one transaction.
    async fn invitation_accept(&self, tenant_id: &str, invitation_id: &str) -> Result<InvitationSettled, StoreError>;
    /// Ends a pending invitation: withdrawn when the brand owner's side ends it, declined when the invited.
    async fn invitation_end(&self, tenant_id: &str, invitation_id: &str) -> Result<InvitationSettled, StoreError>;
}
