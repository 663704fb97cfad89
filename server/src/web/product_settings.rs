//! A product's serial and workflow settings as the API takes them: checked before they are stored.

use super::error::{ApiError, ApiResult};
use serde::{Deserialize, Serialize};
use serialtrack_shared::product_details::ProductDetails;

/// Where a product's serials come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SerialSource {
    /// Generated here by the pool.
    Generated,
    /// Imported as a list.
    Imported,
    /// Supplied by an external system.
    External,
    /// Assigned by a partner (the brand owner, for a CMO).
    Partner,
}

impl SerialSource {
    pub fn as_str(self) -> &'static str {
        match self {
            SerialSource::Generated => "generated",
            SerialSource::Imported => "imported",
            SerialSource::External => "external",
            SerialSource::Partner => "partner",
        }
    }
}

/// Checks a product's details (attributes, retention, yield range) and returns them as stored JSON.
pub fn validate_details(details: ProductDetails) -> ApiResult<String> {
    details.validate().map_err(|error| ApiError::invalid("invalid_product_details", error.to_string()))?;
    Ok(serde_json::to_string(&details).unwrap_or_else(|_| "{}".into()))
}

/// Checks a serial scheme and returns it as stored JSON; `None` gives the default randomised scheme.
pub fn validate_scheme(scheme: Option<serde_json::Value>) -> ApiResult<String> {
    let scheme = scheme.unwrap_or_else(|| serde_json::json!({}));
    let (scheme, _) = crate::domain::serials::parse_scheme(&scheme)
        .map_err(|error| ApiError::invalid("invalid_serial_scheme", error.to_string()))?;
    Ok(serde_json::to_string(&scheme).unwrap_or_default())
}

/// Checks workflow settings (which roles may make a transition, which need approval, which are automatic) and
/// returns them as stored JSON; `None` or `{}` gives the default workflow.
pub fn validate_workflow(workflow: Option<serde_json::Value>) -> ApiResult<String> {
    let workflow = workflow.unwrap_or_else(|| serde_json::json!({}));
    if !workflow.is_object() {
        return Err(ApiError::invalid("invalid_workflow", "workflow must be a JSON object"));
    }
    if workflow.as_object().is_some_and(|object| object.is_empty()) {
        return Ok(workflow.to_string());
    }
    let settings: serialtrack_shared::unit::WorkflowSettings = serde_json::from_value(workflow).map_err(|error| {
        ApiError::invalid(
            "invalid_workflow",
            format!("{error}: give restricted [{{from, to, roles}}], approval_required [{{from, to}}], automatic [{{from, to}}]"),
        )
    })?;
    Ok(serde_json::to_string(&settings).unwrap_or_default())
}

/// Refuses (422 `serial_space_too_small`) issuing `requested` more serials of a randomised scheme when its space
/// would then be under 10,000 × all serials issued (EU FMD: a guess must succeed less than once in 10,000).
pub fn check_space(stored_scheme: &str, issued: u64, requested: u64) -> ApiResult<()> {
    let json: serde_json::Value = serde_json::from_str(stored_scheme).unwrap_or_default();
    if let Ok((_, serialtrack_shared::serials::ValidScheme::Randomised(scheme))) =
        crate::domain::serials::parse_scheme(&json)
    {
        scheme
            .check_capacity(u128::from(issued) + u128::from(requested))
            .map_err(|error| ApiError::invalid("serial_space_too_small", error.to_string()))?;
    }
    Ok(())
}
