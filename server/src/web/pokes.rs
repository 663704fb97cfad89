//! Pokes: "this organisation's log grew", sent to every open `/sync/poke` stream; they carry no data, so a
//! device learns nothing it could not pull itself.

use tokio::sync::broadcast;

#[derive(Debug, Clone)]
pub struct Pokes {
    sender: broadcast::Sender<String>,
}

impl Default for Pokes {
    fn default() -> Self {
        Self { sender: broadcast::channel(1024).0 }
    }
}

impl Pokes {
    /// Tells the tenant's listeners to pull; nobody listening is fine.
    pub fn poke(&self, tenant_id: &str) {
        let _ = self.sender.send(tenant_id.to_owned());
    }

    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.sender.subscribe()
    }
}
