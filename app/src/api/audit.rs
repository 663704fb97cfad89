//! The audit trail screen's calls: a page of entries after a seq, the CSV export's address, the chain's check.

use super::{encode, get, ApiError};
use crate::audit_view::{AuditPage, VerifyReport};

fn query_text(query: &[(&str, String)]) -> String {
    query.iter().map(|(name, value)| format!("{name}={}", encode(value))).collect::<Vec<_>>().join("&")
}

/// The entries matching `query` with a seq above `after`, 100 at a time.
pub async fn audit_page(query: &[(&'static str, String)], after: i64) -> Result<AuditPage, ApiError> {
    let filters = query_text(query);
    let and = if filters.is_empty() { "" } else { "&" };
    get(&format!("/api/v1/audit?limit=100&after={after}{and}{filters}")).await
}

/// Where the browser downloads the entries matching `query` as CSV (the session cookie goes with it).
pub fn audit_export_url(query: &[(&'static str, String)]) -> String {
    let filters = query_text(query);
    if filters.is_empty() {
        "/api/v1/audit/export.csv".into()
    } else {
        format!("/api/v1/audit/export.csv?{filters}")
    }
}

/// The chain checked from the database and against its signed checkpoints.
pub async fn audit_verify() -> Result<VerifyReport, ApiError> {
    get("/api/v1/audit/verify").await
}
