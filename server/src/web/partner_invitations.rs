//! Partner invitations: how a partnership is made without the command line. A brand owner's admin invites a
//! contract manufacturer's organisation by its id — the one thing the CMO's admin can read off their own
//! screen (`GET /me`, `tenant.id`) and send over; names are not unique, and no organisation can look another up
//! by name. The invited organisation's admin accepts (the partnership is made in the same transaction) or
//! declines; the brand owner may withdraw while it waits. Both sides see what they sent and received.

use super::error::{ApiError, ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath};
use super::openapi::CommonErrors;
use super::principal::Principal;
use super::state::AppState;
use super::time_format::rfc3339;
use crate::auth::Permission;
use crate::store::{InvitationRecord, InvitationSettled, StoreError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const BRAND_OWNER: &str = "brand_owner";
const CONTRACT_MANUFACTURER: &str = "contract_manufacturer";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invitations_list, invitations_create))
        .routes(routes!(invitations_accept))
        .routes(routes!(invitations_delete))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    id: String,
    name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    id: String,
    /// `sent` (by the caller's organisation, the brand owner) or `received` (the invited contract manufacturer).
    direction: String,
    /// The brand owner that invites.
    owner: Organisation,
    /// The contract manufacturer invited.
    partner: Organisation,
    /// `pending`, `accepted`, `withdrawn` (by the brand owner) or `declined` (by the invited).
    status: String,
    /// Who sent it (`user:ada`); only the sending side sees it.
    invited_by: Option<String>,
    created_at: String,
    /// When it was accepted, withdrawn or declined.
    settled_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationList {
    invitations: Vec<InvitationView>,
}

fn view(record: InvitationRecord, tenant: &str) -> InvitationView {
    let sent = record.owner_tenant_id == tenant;
    InvitationView {
        id: record.id,
        direction: if sent { "sent" } else { "received" }.into(),
        owner: Organisation { id: record.owner_tenant_id, name: record.owner_name },
        partner: Organisation { id: record.partner_tenant_id, name: record.partner_name },
        status: record.status,
        // Who at the brand owner's is its own business, as in a partner's pool history.
        invited_by: sent.then_some(record.invited_by),
        created_at: rfc3339(record.created_at),
        settled_at: record.settled_at.map(rfc3339),
    }
}

/// The invitations the organisation sent and received, newest first. Admins.
#[utoipa::path(get, path = "/partners/invitations", tag = "pool", security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = InvitationList), CommonErrors))]
pub async fn invitations_list(State(state): State<AppState>, principal: Principal) -> ApiResult<Json<InvitationList>> {
    principal.require(Permission::ManagePartners, "see partner invitations")?;
    let tenant = &principal.tenant_id;
    let invitations = state.store.invitations(tenant).await?;
    Ok(Json(InvitationList { invitations: invitations.into_iter().map(|record| view(record, tenant)).collect() }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationCreate {
    /// The invited contract manufacturer's organisation id: its admins see it as `tenant.id` of `GET /me`.
    partner_tenant_id: String,
}

/// Invites a contract manufacturer's organisation to be a partner of the caller's (a brand owner). A brand
/// owner's admins signed in as themselves.
#[utoipa::path(post, path = "/partners/invitations", tag = "pool", request_body = InvitationCreate,
    security(("session" = []), ("api_key" = [])),
    responses((status = 201, body = InvitationView),
        (status = 409, body = ErrorBody, description = "Partners already (`already_partners`), or an invitation \
            waits (`already_invited`)"),
        CommonErrors))]
pub async fn invitations_create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(create): ApiJson<InvitationCreate>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    principal.require(Permission::ManagePartners, "invite partners")?;
    principal.require_person("invite partners")?;
    let tenant = &principal.tenant_id;
    let partner_id = create.partner_tenant_id.trim();
    if partner_id == tenant {
        return Err(ApiError::invalid(
            "invite_yourself",
            "this is your own organisation's id: give the id of the contract manufacturer's organisation",
        ));
    }
    let own = state.store.tenant(tenant).await?.ok_or(ApiError::Unauthenticated)?;
    if own.kind != BRAND_OWNER {
        return Err(ApiError::invalid(
            "not_a_brand_owner",
            "only a brand owner's organisation invites partners: ask the brand owner to invite yours",
        ));
    }
    let partner = state.store.tenant(partner_id).await?.ok_or_else(|| {
        ApiError::invalid(
            "unknown_organisation",
            "no organisation has this id: ask the contract manufacturer's admin for theirs (GET /api/v1/me, tenant.id)",
        )
    })?;
    if partner.kind != CONTRACT_MANUFACTURER {
        return Err(ApiError::invalid(
            "not_a_contract_manufacturer",
            "this organisation is not a contract manufacturer: only contract manufacturers are invited as partners",
        ));
    }
    if state.store.partners(tenant).await?.iter().any(|known| known.id == partner.id) {
        return Err(already_partners());
    }
    let record = state.store.invitation_create(tenant, &partner.id).await.map_err(|error| match error {
        StoreError::Conflict(_) => ApiError::Conflict {
            code: "already_invited",
            message: "an invitation to this organisation is waiting for its answer: withdraw it to send another".into(),
        },
        other => other.into(),
    })?;
    Ok((StatusCode::CREATED, Json(view(record, tenant))))
}

/// Accepts an invitation the organisation received: the two become partners in the same transaction. The
/// invited organisation's admins signed in as themselves.
#[utoipa::path(post, path = "/partners/invitations/{invitation_id}/accept", tag = "pool",
    params(("invitation_id" = String, Path)), security(("session" = []), ("api_key" = [])),
    responses((status = 200, body = InvitationView),
        (status = 409, body = ErrorBody, description = "Not pending (`invitation_not_pending`), sent by the caller's \
            organisation (`not_invited`), or partners already (`already_partners`)"),
        CommonErrors))]
pub async fn invitations_accept(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(invitation_id): ApiPath<String>,
) -> ApiResult<Json<InvitationView>> {
    principal.require(Permission::ManagePartners, "accept partner invitations")?;
    principal.require_person("accept partner invitations")?;
    let tenant = &principal.tenant_id;
    let record = settled(state.store.invitation_accept(tenant, &invitation_id).await?)?;
    Ok(Json(view(record, tenant)))
}

/// Ends a pending invitation: the brand owner withdraws it, the invited organisation declines it. Admins.
#[utoipa::path(delete, path = "/partners/invitations/{invitation_id}", tag = "pool",
    params(("invitation_id" = String, Path)), security(("session" = []), ("api_key" = [])),
    responses((status = 204, description = "Withdrawn or declined"),
        (status = 409, body = ErrorBody, description = "Not pending (`invitation_not_pending`)"), CommonErrors))]
pub async fn invitations_delete(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(invitation_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    principal.require(Permission::ManagePartners, "withdraw or decline partner invitations")?;
    settled(state.store.invitation_end(&principal.tenant_id, &invitation_id).await?)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The invitation an accept or end settled, or the error that says why it was not.
fn settled(outcome: InvitationSettled) -> ApiResult<InvitationRecord> {
    match outcome {
        InvitationSettled::Settled(record) => Ok(record),
        InvitationSettled::NotFound => Err(ApiError::NotFound("an invitation with this id".into())),
        InvitationSettled::NotPending(status) => Err(ApiError::Conflict {
            code: "invitation_not_pending",
            message: format!("this invitation was {status} already: only a pending one can be answered"),
        }),
        InvitationSettled::NotTheInvited => Err(ApiError::Conflict {
            code: "not_invited",
            message: "your organisation sent this invitation: the invited organisation's admin accepts it".into(),
        }),
        InvitationSettled::AlreadyPartners => Err(already_partners()),
    }
}

fn already_partners() -> ApiError {
    ApiError::Conflict {
        code: "already_partners",
        message: "the two organisations are partners already (GET /api/v1/partners)".into(),
    }
}
