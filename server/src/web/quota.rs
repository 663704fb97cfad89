//! Quotas: how many serials one request may ask for. An API key has its own limit (default 100,000, set when
//! an admin makes it); a brand owner's assignment to a partner is bounded by the partnership's. People are
//! bounded only by each route's own limit.

use super::error::{ApiError, ApiResult};
use super::principal::{Principal, PrincipalKind};
use super::words::thousands;
use crate::store::Store;

/// Refuses (422 `quota_exceeded`) a request of an API key asking for more serials than the key may.
pub async fn check(principal: &Principal, store: &dyn Store, requested: u64) -> ApiResult<()> {
    if principal.kind != PrincipalKind::ApiKey {
        return Ok(());
    }
    let grants = store.api_key_grants(&principal.tenant_id, &principal.id).await?.unwrap_or_default();
    let limit = u64::try_from(grants.max_serials_per_request).unwrap_or(0);
    if requested > limit {
        return Err(ApiError::invalid(
            "quota_exceeded",
            format!(
                "this API key may ask for at most {} serials at once and this request asks for {}: split it into \
                 requests of at most {}, or ask an admin to raise the key's limit",
                thousands(limit),
                thousands(requested),
                thousands(limit)
            ),
        ));
    }
    Ok(())
}

/// Refuses (422 `quota_exceeded`) an assignment to a partner above the partnership's limit.
pub async fn check_partner(store: &dyn Store, owner: &str, partner: &str, requested: u64) -> ApiResult<()> {
    let limit = store.partnership_max_serials(owner, partner).await?;
    let limit = limit.map_or(0, |limit| u64::try_from(limit).unwrap_or(0));
    if requested > limit {
        return Err(ApiError::invalid(
            "quota_exceeded",
            format!(
                "this partner may be given at most {} serials at once and this request asks for {}: split it into \
                 requests of at most {}",
                thousands(limit),
                thousands(requested),
                thousands(limit)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_with_thousands_separators() {
        for (number, text) in [(0, "0"), (999, "999"), (1_000, "1,000"), (100_000, "100,000"), (1_000_000, "1,000,000")]
        {
            assert_eq!(super::thousands(number), text);
        }
    }
}
