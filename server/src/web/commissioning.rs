//! Units commissioned from serials, all or none: what registering units (`unit_registration.rs`) and
//! commissioning from an order's block (`order_blocks.rs`) both do.

use super::error::{ApiError, ApiResult};
use super::principal::Principal;
use super::state::AppState;
use crate::domain::units::{product_code, register, Commissioning};
use crate::store::{new_id, NewEvent, NewUnit, ProductRecord, StoreError};
use serialtrack_shared::ids::Lot;

/// Commissions these serials of a product as units in one transaction, all or none (one already a unit is a
/// 409 naming it); returns how many and the last seq.
pub async fn commission(
    state: &AppState,
    principal: &Principal,
    product: &ProductRecord,
    serials: &[String],
    commissioning: &Commissioning,
) -> ApiResult<(usize, i64)> {
    let tenant = &principal.tenant_id;
    let code = product_code(product).map_err(|error| ApiError::Internal(error.to_string()))?;
    let caller = principal.caller(None, None);
    let actor = principal.actor();
    let now = time::OffsetDateTime::now_utc();
    let lot = commissioning.lot.as_ref().map(Lot::as_str);
    let (units, events): (Vec<NewUnit>, Vec<NewEvent>) = serials
        .iter()
        .map(|serial| {
            let op_id = uuid::Uuid::new_v4();
            let (change, kind, payload) = register(&code, serial, commissioning, &caller, op_id, now)
                .map_err(|error| ApiError::invalid("invalid_registration", error.to_string()))?;
            let unit_id = new_id();
            let event = NewEvent {
                op_id: op_id.to_string(),
                op_index: 0,
                unit_id: unit_id.clone(),
                kind,
                payload,
                actor: actor.clone(),
                device_id: None,
                device_seq: None,
            };
            let unit = NewUnit {
                id: unit_id,
                product_id: product.id.clone(),
                serial: serial.clone(),
                lot: lot.map(str::to_owned),
                change,
            };
            Ok((unit, event))
        })
        .collect::<ApiResult<Vec<_>>>()?
        .into_iter()
        .unzip();
    let last_seq = match state.store.units_register(tenant, &units, &events).await {
        Err(StoreError::Conflict(_)) => {
            let existing = state.store.units_existing(tenant, &product.id, serials).await?;
            return Err(ApiError::Conflict {
                code: "units_exist",
                message: format!(
                    "{} of these serials are registered already, e.g. {}: nothing was registered",
                    existing.len(),
                    existing.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
                ),
            });
        }
        other => other?,
    };
    state.pokes.poke(tenant);
    Ok((units.len(), last_seq))
}
