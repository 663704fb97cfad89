//! Slows down password guessing without letting a stranger lock anyone out (docs/API.md, "Signing in").
//!
//! Failures are counted per *subject*: the account, the client address the attempt came from, the browser
//! when it signed in as that user before (a known device), and for approvals the approver and the caller.
//! Each subject has a few free failures; after them each failure makes it wait longer (1 s, 2 s, 4 s … up
//! to 15 minutes) instead of hitting a wall, and a subject quiet for an hour is forgotten. The right password
//! from a known device is checked against that device's own count only, so guesses from elsewhere never keep
//! the account's owner out. The counts live in the database: every server behind a load balancer sees the
//! same ones, and no flood of made-up usernames can make the server forget a count (each failure of a
//! throttled client is refused before anything is counted, and old subjects are deleted by age alone).

use super::{decoy_hash, verify_password, PasswordCost};
use crate::store::{AuditEntry, Store, StoreError, UserRecord, SERVER_CHAIN};
use std::time::Duration;

/// A subject is forgotten after this long without a failure.
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);
/// The longest wait a subject is given.
pub const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);

/// Whose failures an attempt counts against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A username (case-insensitive), whether or not such a user exists: both answer alike.
    Account(String),
    /// The client address an attempt came from.
    Client(String),
    /// A browser that signed in as the user before: the hash of its cookie.
    KnownDevice(String),
    /// A username given as the approver of a gated command.
    Approver(String),
    /// The signed-in caller (user or key id) who sends approvals.
    Caller(String),
}

impl Subject {
    /// The key the store counts under.
    pub fn key(&self) -> String {
        match self {
            Subject::Account(username) => format!("account:{}", username.to_lowercase()),
            Subject::Client(address) => format!("client:{address}"),
            Subject::KnownDevice(hash) => format!("device:{hash}"),
            Subject::Approver(username) => format!("approver:{}", username.to_lowercase()),
            Subject::Caller(id) => format!("caller:{id}"),
        }
    }

    /// How many failures are free before the waits begin: a person mistyping a few times waits for nothing;
    /// an address or a caller (many people behind one NAT, a busy line system) gets more.
    fn free_failures(&self) -> i64 {
        match self {
            Subject::Account(_) | Subject::Approver(_) => 5,
            Subject::KnownDevice(_) => 10,
            Subject::Client(_) | Subject::Caller(_) => 20,
        }
    }

    /// How long a subject with `failures` failures, the last at `last_failure_at`, still waits at `now`.
    pub fn wait(&self, failures: i64, last_failure_at: i64, now: i64) -> Option<Duration> {
        let over = failures - self.free_failures();
        if over < 0 {
            return None;
        }
        let wait = Duration::from_secs(1u64 << over.min(20)).min(LONGEST_WAIT);
        let waited = Duration::from_millis(u64::try_from(now - last_failure_at).unwrap_or(0));
        wait.checked_sub(waited).filter(|left| !left.is_zero())
    }
}

fn keys(subjects: &[Subject]) -> Vec<String> {
    subjects.iter().map(Subject::key).collect()
}

fn forget_before(now: i64) -> i64 {
    now - FORGET_AFTER.as_millis() as i64
}

/// The longest wait any of the subjects still has at `now`, if one has.
pub async fn wait(store: &dyn Store, subjects: &[Subject], now: i64) -> Result<Option<Duration>, StoreError> {
    let counts = store.sign_in_failures(&keys(subjects), forget_before(now)).await?;
    Ok(subjects
        .iter()
        .filter_map(|subject| {
            let count = counts.iter().find(|count| count.subject == subject.key())?;
            subject.wait(count.failures, count.last_failure_at, now)
        })
        .max())
}

/// What a password was tried for: signing in, or approving another person's command.
#[derive(Debug, Clone, Copy)]
pub enum Purpose<'a> {
    SignIn {
        username: &'a str,
    },
    /// Recorded in the caller's organisation, whoever the approver was meant to be.
    Approval {
        username: &'a str,
        tenant_id: &'a str,
    },
}

impl Purpose<'_> {
    /// The audit entry of a failed attempt (docs/AUDIT.md): in the chain of the user's organisation, or the
    /// server's own when no such user exists; the subjects counted say from where.
    fn failure_entry(&self, user: Option<&UserRecord>, subjects: &[String]) -> AuditEntry {
        let (action, username, tenant) = match *self {
            Purpose::SignIn { username } => {
                ("session.sign_in_failed", username, user.map_or(SERVER_CHAIN, |user| user.tenant_id.as_str()))
            }
            Purpose::Approval { username, tenant_id } => ("approval.failed", username, tenant_id),
        };
        let object = user.map_or(username, |user| user.id.as_str());
        AuditEntry::new(tenant, action, "user", object)
            .new_value(serde_json::json!({ "username": username, "counted_against": subjects }))
    }
}

/// Counts a failed attempt against every subject, and records it.
pub async fn failed(
    store: &dyn Store,
    subjects: &[Subject],
    now: i64,
    purpose: Purpose<'_>,
    user: Option<&UserRecord>,
    refused: Option<&str>,
) -> Result<(), StoreError> {
    let keys = keys(subjects);
    let mut entry = purpose.failure_entry(user, &keys);
    if let Some(refused) = refused {
        let mut value: serde_json::Value =
            entry.new_value.as_deref().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default();
        value["refused"] = refused.into();
        entry = entry.new_value(value);
    }
    store.sign_in_failed(&keys, now, forget_before(now), entry).await
}

/// A right password: the subjects that speak for this person start again. A client address is never forgotten
/// on success, or one account of an attacker's own would wipe the address's count between guesses.
pub async fn succeeded(store: &dyn Store, subjects: &[Subject]) -> Result<(), StoreError> {
    let personal: Vec<Subject> = subjects
        .iter()
        .filter(|subject| !matches!(subject, Subject::Client(_) | Subject::Caller(_)))
        .cloned()
        .collect();
    store.sign_in_forget(&keys(&personal)).await
}

/// How a password attempt ended.
#[derive(Debug)]
pub enum Attempt {
    /// The subjects must wait this long before another attempt is checked.
    Wait(Duration),
    /// No such user, or the wrong password: counted against every subject.
    Wrong,
    /// The right password of a user an admin disabled: counted like a wrong one.
    Disabled,
    Right(UserRecord),
}

/// Checks `password` for `user` under the subjects' limits. The same work whether or not the user exists: an
/// unknown one is checked against a decoy hash of the same cost.
pub async fn attempt(
    store: &dyn Store,
    subjects: &[Subject],
    user: Option<UserRecord>,
    password: &str,
    cost: PasswordCost,
    now: i64,
    purpose: Purpose<'_>,
) -> Result<Attempt, StoreError> {
    if let Some(left) = wait(store, subjects, now).await? {
        return Ok(Attempt::Wait(left));
    }
    let hash = user.as_ref().map_or(decoy_hash(cost), |user| user.password_hash.as_str());
    let verified = verify_password(password, hash);
    match user {
        Some(user) if verified && user.disabled_at.is_none() => {
            succeeded(store, subjects).await?;
            Ok(Attempt::Right(user))
        }
        // Counted and recorded like a wrong password, so a disabled account's password is no easier to guess
        // than an enabled one's; the person who knows it is told why.
        Some(user) if verified => {
            failed(store, subjects, now, purpose, Some(&user), Some("user_disabled")).await?;
            Ok(Attempt::Disabled)
        }
        user => {
            failed(store, subjects, now, purpose, user.as_ref(), None).await?;
            Ok(Attempt::Wrong)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000;

    #[test]
    fn an_account_waits_longer_after_each_failure_past_the_free_ones() {
        let account = Subject::Account("Ada".into());
        let now = 10 * MINUTE;
        let given_when_then = [
            // (failures, ms since the last, wait left in seconds)
            (4, 0, None),
            (5, 0, Some(1)),
            (6, 0, Some(2)),
            (8, 0, Some(8)),
            (8, 3_000, Some(5)),
            (8, 8_000, None),
            (30, 0, Some(15 * 60)),
            (30, 14 * MINUTE, Some(60)),
            (30, 15 * MINUTE, None),
        ];
        for (failures, ago, expected) in given_when_then {
            let wait = account.wait(failures, now - ago, now).map(|wait| wait.as_secs_f64().ceil() as u64);
            assert_eq!(wait, expected, "{failures} failures, the last {ago} ms ago");
        }
    }

    #[test]
    fn a_client_and_a_known_device_get_more_free_failures_than_an_account() {
        assert!(Subject::Account("a".into()).wait(5, 0, 0).is_some());
        assert!(Subject::KnownDevice("h".into()).wait(5, 0, 0).is_none());
        assert!(Subject::Client("127.0.0.1".into()).wait(19, 0, 0).is_none());
        assert!(Subject::Client("127.0.0.1".into()).wait(20, 0, 0).is_some());
    }

    #[test]
    fn usernames_count_alike_whatever_their_case() {
        assert_eq!(Subject::Account("ADMIN".into()).key(), Subject::Account("admin".into()).key());
        assert_ne!(Subject::Account("admin".into()).key(), Subject::Approver("admin".into()).key());
    }
}
