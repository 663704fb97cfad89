//! Units: register a range or a list, look one up, its history, and commands.

use super::AppState;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
}

/// A unit as it is now.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub id: String,
    pub product_id: String,
    pub serial: String,
    pub lot: Option<String>,
    pub status: String,
    /// The unit's full state, folded from its events.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
    /// How many events the unit has.
    pub version: i64,
    /// The seq of its last event.
    pub last_seq: i64,
    pub updated_at: String,
}
