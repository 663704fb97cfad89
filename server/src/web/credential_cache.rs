//! A short-lived memory of recently checked credentials, so a busy line system does not cost a database read
//! per request. Entries live a few seconds: a revoked key or ended session stops working on every server
//! within that time, and at once on the server that revoked or ended it.

use super::principal::Principal;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct CredentialCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, Principal)>>,
}

impl CredentialCache {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, entries: Mutex::new(HashMap::new()) }
    }

    pub fn get(&self, token_hash: &str) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(token_hash).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, principal)| principal.clone())
    }

    pub fn put(&self, token_hash: String, principal: Principal) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() > 10_000 {
            entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
        }
        entries.insert(token_hash, (Instant::now(), principal));
    }

    pub fn forget(&self, token_hash: &str) {
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).remove(token_hash);
    }

    /// Forgets every entry of an API key (by its id), e.g. when it is revoked.
    pub fn forget_principal(&self, principal_id: &str) {
        let mut entries = self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.retain(|_, (_, principal)| principal.id != principal_id);
    }
}
