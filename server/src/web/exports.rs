//! Exports of serials (docs/DATA_PROTECTION.md): a route that hands serials out in bulk counts them here, against
//! its caller's ceiling of the UTC day, in the transaction of its audit entry. Refused, it sends nothing: the
//! caller is told what was exported today, the ceiling, what this export would add and what to do.

use super::error::{ApiError, ApiResult};
use super::principal::{Principal, PrincipalKind};
use super::state::AppState;
use super::words::thousands;
use crate::store::{now_millis, AuditEntry, EventRecord, Export, ExportRefusal, Tally};
use std::collections::HashSet;
use std::time::Duration;

const DAY_MILLIS: i64 = 86_400_000;

/// Counts `serials` the request hands out and records `entry` with that count; `Err` (429) when the ceiling
/// would be passed.
pub async fn count(state: &AppState, principal: &Principal, entry: AuditEntry, serials: usize) -> ApiResult<()> {
    record(state, principal, entry, serials, None).await
}

/// Counts a page of the log (`/events`, `/sync/pull`). Every event names its unit's serial, so a page with
/// more events behind it — history read in bulk — counts the units it names, each once. The page that reaches
/// the head is the live tail every device follows, and counts nothing: no ceiling could bound what is happening
/// now without stopping the devices that must see it.
pub async fn count_log_page(
    state: &AppState,
    principal: &Principal,
    after: i64,
    events: &[EventRecord],
    has_more: bool,
    device_id: Option<&str>,
) -> ApiResult<()> {
    if !has_more || events.is_empty() {
        return Ok(());
    }
    let units: HashSet<&str> = events.iter().map(|event| event.unit_id.as_str()).collect();
    let tenant = &principal.tenant_id;
    let entry = AuditEntry::new(tenant, "events.page_read", "log", tenant)
        .device(device_id)
        .new_value(serde_json::json!({ "after": after, "events": events.len() }));
    count(state, principal, entry, units.len()).await
}

/// [`count`] for a download of an order's labels, which also uses up one of the order's downloads (409 when
/// none is left).
pub async fn count_labels(
    state: &AppState,
    principal: &Principal,
    entry: AuditEntry,
    serials: usize,
    order_id: &str,
) -> ApiResult<()> {
    record(state, principal, entry, serials, Some(order_id)).await
}

async fn record(
    state: &AppState,
    principal: &Principal,
    entry: AuditEntry,
    serials: usize,
    labels_of_order: Option<&str>,
) -> ApiResult<()> {
    let now = now_millis();
    let export = Export {
        tally: tally(principal, now),
        serials: i64::try_from(serials).unwrap_or(i64::MAX),
        labels_of_order: labels_of_order.map(str::to_owned),
    };
    match state.store.export_record(&export, entry.serials(serials)).await? {
        Ok(()) => Ok(()),
        Err(refusal) => Err(refused(refusal, principal, now)),
    }
}

/// The caller's tally of the UTC day of `now`: an API key's by its id, a person's by their user id.
fn tally(principal: &Principal, now: i64) -> Tally {
    let (subject, key_id) = match principal.kind {
        PrincipalKind::ApiKey => (format!("key:{}", principal.id), Some(principal.id.clone())),
        PrincipalKind::User => (format!("user:{}", principal.id), None),
    };
    Tally {
        tenant_id: principal.tenant_id.clone(),
        subject,
        role: principal.role,
        key_id,
        day: now.div_euclid(DAY_MILLIS),
    }
}

/// How long from `now` until 00:00 UTC, when a new day's tally starts.
fn until_midnight(now: i64) -> Duration {
    let left = DAY_MILLIS - now.rem_euclid(DAY_MILLIS);
    Duration::from_millis(u64::try_from(left).unwrap_or(0))
}

/// A refusal in words: what was exported, the ceiling, what this export adds, and what to do.
fn refused(refusal: ExportRefusal, principal: &Principal, now: i64) -> ApiError {
    let count = |number: i64| thousands(u64::try_from(number).unwrap_or(0));
    match refusal {
        ExportRefusal::CeilingReached { exported_today, ceiling, asked, keys_own } => {
            let role = principal.role.as_str();
            let who = match principal.kind {
                PrincipalKind::ApiKey => "this API key has",
                PrincipalKind::User => "you have",
            };
            let (bound, raise) = match keys_own {
                true => {
                    ("this key's own ceiling".to_owned(), "ask an admin to raise this API key's ceiling".to_owned())
                }
                false => (
                    format!("the ceiling of the {role} role"),
                    format!("ask an admin to raise the ceiling for the {role} role"),
                ),
            };
            ApiError::ExportCeilingReached {
                message: format!(
                    "{who} exported {} serials today and {bound} is {} a day; this export would add {}: {raise}, or \
                     wait until 00:00 UTC",
                    count(exported_today),
                    count(ceiling),
                    count(asked)
                ),
                retry_after: until_midnight(now),
            }
        }
        ExportRefusal::LabelDownloadsUsedUp { downloads, allowed } => ApiError::Conflict {
            code: "label_downloads_used_up",
            message: format!(
                "this order's labels were downloaded {} (your organisation allows {} per order): print from a file \
                 downloaded before, or ask an admin to allow more downloads per order",
                times(downloads),
                times(allowed)
            ),
        },
    }
}

/// "once", "twice", "3 times".
fn times(count: i64) -> String {
    match count {
        1 => "once".into(),
        2 => "twice".into(),
        _ => format!("{} times", thousands(u64::try_from(count).unwrap_or(0))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn person() -> Principal {
        Principal {
            id: "u1".into(),
            tenant_id: "t1".into(),
            name: "ada".into(),
            display_name: "Ada".into(),
            role: Role::Operator,
            kind: PrincipalKind::User,
        }
    }

    #[test]
    fn a_day_is_a_utc_day_and_the_wait_ends_at_midnight() {
        let noon_of_day_3 = 3 * DAY_MILLIS + DAY_MILLIS / 2;
        let tally = tally(&person(), noon_of_day_3);
        assert_eq!((tally.day, tally.subject.as_str(), tally.key_id), (3, "user:u1", None));
        assert_eq!(until_midnight(noon_of_day_3), Duration::from_secs(12 * 3600));
        assert_eq!(until_midnight(4 * DAY_MILLIS), Duration::from_secs(24 * 3600));
    }

    #[test]
    fn a_refusal_says_what_was_exported_the_ceiling_and_what_to_do() {
        let refusal =
            ExportRefusal::CeilingReached { exported_today: 9_000, ceiling: 10_000, asked: 2_000, keys_own: false };
        let error = refused(refusal, &person(), 0);
        assert_eq!(error.code(), "export_ceiling_reached");
        assert_eq!(
            error.to_string(),
            "you have exported 9,000 serials today and the ceiling of the operator role is 10,000 a day; this export \
             would add 2,000: ask an admin to raise the ceiling for the operator role, or wait until 00:00 UTC"
        );
        let used_up = refused(ExportRefusal::LabelDownloadsUsedUp { downloads: 3, allowed: 3 }, &person(), 0);
        assert_eq!(used_up.code(), "label_downloads_used_up");
        assert!(used_up
            .to_string()
            .starts_with("this order's labels were downloaded 3 times (your organisation allows 3 times per order)"));
    }
}
