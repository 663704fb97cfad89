//! Pokes: "this organisation's log grew", sent to every open `/sync/poke` stream; they carry no data, so a
//! device learns nothing it could not pull itself.
//!
//! Each caller (a session or an API key) holds at most [`MAX_STREAMS_PER_CALLER`] streams on one server: a
//! device needs one (its syncing tab), a line system a few; thousands from one session would only hold the
//! server's memory and connections. The count is of this server's own open connections, which is what it
//! guards, so it needs no database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// The most `/sync/poke` streams one caller keeps open on one server.
pub const MAX_STREAMS_PER_CALLER: usize = 16;

#[derive(Debug, Clone)]
pub struct Pokes {
    sender: broadcast::Sender<String>,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Default for Pokes {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0, open: Arc::default() }
    }
}

/// An open stream: its receiver, counted against its caller until dropped.
#[derive(Debug)]
pub struct PokeStream {
    pub receiver: broadcast::Receiver<String>,
    caller: String,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for PokeStream {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.caller) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

impl Pokes {
    /// Tells the tenant's listeners to pull; nobody listening is fine.
    pub fn poke(&self, tenant_id: &str) {
        let _ = self.sender.send(tenant_id.to_owned());
    }

    /// A new stream for the caller, or `None` when the caller already holds [`MAX_STREAMS_PER_CALLER`].
    pub fn subscribe(&self, caller: &str) -> Option<PokeStream> {
        let mut open = self.open.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(caller.to_owned()).or_default();
        if *count >= MAX_STREAMS_PER_CALLER {
            return None;
        }
        *count += 1;
        Some(PokeStream { receiver: self.sender.subscribe(), caller: caller.to_owned(), open: self.open.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_holds_a_bounded_number_of_streams_and_gets_one_back_when_one_closes() {
        let pokes = Pokes::default();
        let streams: Vec<PokeStream> = (0..MAX_STREAMS_PER_CALLER).map(|_| pokes.subscribe("a").unwrap()).collect();
        assert!(pokes.subscribe("a").is_none());
        assert!(pokes.subscribe("b").is_some(), "another caller is not held back");
        drop(streams.into_iter().next());
        assert!(pokes.subscribe("a").is_some());
    }
}
