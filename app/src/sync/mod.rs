//! The sync loop (docs/SYNC.md, "Schedule"): push then pull until the outbox is empty and the device has caught up;
//! at start, on `online`, on a server poke (SSE), after a user action, and every 30–60 s; exponential backoff
//! with jitter after failures. One tab syncs at a time (Web Locks); the others hear about every change on a
//! BroadcastChannel and re-read IndexedDB. Nothing here ever blocks the UI: rounds run in spawned tasks.

mod bootstrap;
pub use bootstrap::{fill_pending, FillProgress, META_DATA_FROM, META_FILL};
mod browser;
mod reset;
pub mod steps;

use crate::clock::now_iso;
use crate::db::LocalDb;
use crate::sync_wire::KeepMode;
use serialtrack_shared::sync::{backoff_delay, poll_interval};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use steps::SyncError;

/// What the header shows about sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub syncing: bool,
    /// RFC 3339 time of the last pass that reached the server and finished.
    pub last_synced: Option<String>,
    /// Why the last pass stopped, in words.
    pub problem: Option<String>,
    /// The server answered that the session has ended: nothing is sent until the user signs in again.
    pub signed_out: bool,
}

/// The hooks the screens give the loop.
pub struct SyncHooks {
    pub db: Box<dyn Fn() -> Option<LocalDb>>,
    pub keep_mode: Box<dyn Fn() -> KeepMode>,
    pub online: Box<dyn Fn() -> bool>,
    /// IndexedDB changed: re-read it.
    pub changed: Box<dyn Fn()>,
    pub status: Box<dyn Fn(SyncStatus)>,
    /// Units loaded by a running bootstrap; None once it ends.
    pub progress: Box<dyn Fn(Option<usize>)>,
    /// A pass reached the server and caught up: what else the device keeps may be read again.
    pub passed: Box<dyn Fn()>,
}

/// The loop's handle; cheap to clone.
#[derive(Clone)]
pub struct SyncLoop {
    inner: Rc<Inner>,
}

struct Inner {
    hooks: SyncHooks,
    running: Cell<bool>,
    again: Cell<bool>,
    failures: Cell<u32>,
    status: RefCell<SyncStatus>,
    channel: Option<web_sys::BroadcastChannel>,
    poke: RefCell<Option<web_sys::EventSource>>,
}

impl SyncLoop {
    /// Starts the loop: listens for `online`, other tabs and the poll timer, and syncs once now.
    pub fn start(hooks: SyncHooks) -> SyncLoop {
        let channel = web_sys::BroadcastChannel::new("serialtrack-sync").ok();
        let sync = SyncLoop {
            inner: Rc::new(Inner {
                hooks,
                running: Cell::new(false),
                again: Cell::new(false),
                failures: Cell::new(0),
                status: RefCell::new(SyncStatus::default()),
                channel,
                poke: RefCell::new(None),
            }),
        };
        {
            let on_online = sync.clone();
            browser::on_window_event("online", move || on_online.kick());
        }
        if let Some(channel) = &sync.inner.channel {
            let on_message = sync.clone();
            browser::on_channel_message(channel, move || (on_message.inner.hooks.changed)());
        }
        let poller = sync.clone();
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::sleep(poll_interval(js_sys::Math::random())).await;
                poller.kick();
            }
        });
        sync.kick();
        sync
    }

    /// Asks for a sync pass soon; if one is running, another follows it.
    pub fn kick(&self) {
        if self.inner.running.get() {
            self.inner.again.set(true);
            return;
        }
        self.inner.running.set(true);
        let sync = self.clone();
        leptos::task::spawn_local(async move { sync.run().await });
    }

    /// Tells the other tabs that IndexedDB changed (after a user action or a pass).
    pub fn announce(&self) {
        if let Some(channel) = &self.inner.channel {
            let _ = channel.post_message(&"changed".into());
        }
    }

    fn set_status(&self, change: impl FnOnce(&mut SyncStatus)) {
        let status = {
            let mut status = self.inner.status.borrow_mut();
            change(&mut status);
            status.clone()
        };
        (self.inner.hooks.status)(status);
    }

    async fn run(&self) {
        loop {
            self.inner.again.set(false);
            if !(self.inner.hooks.online)() {
                break;
            }
            let Some(db) = (self.inner.hooks.db)() else { break };
            self.set_status(|status| status.syncing = true);
            let sync = self.clone();
            let outcome = browser::with_sync_lock(async move { sync.pass(&db).await }).await;
            match outcome {
                Ok(changed) => {
                    self.inner.failures.set(0);
                    self.set_status(|status| {
                        status.syncing = false;
                        status.problem = None;
                        status.signed_out = false;
                        status.last_synced = Some(now_iso());
                    });
                    if changed {
                        (self.inner.hooks.changed)();
                        self.announce();
                    }
                    self.ensure_poke_listener();
                    (self.inner.hooks.passed)();
                }
                Err(error) => {
                    let failures = self.inner.failures.get() + 1;
                    self.inner.failures.set(failures);
                    self.set_status(|status| {
                        status.syncing = false;
                        status.problem = Some(error.sentence());
                        status.signed_out = matches!(error, SyncError::Api(crate::api::ApiError::SignedOut));
                    });
                    (self.inner.hooks.changed)();
                    if error.is_transient() || matches!(error, SyncError::Db(_)) {
                        gloo_timers::future::sleep(backoff_delay(failures, js_sys::Math::random())).await;
                        self.inner.again.set(true);
                    }
                }
            }
            if !self.inner.again.get() {
                break;
            }
        }
        self.set_status(|status| status.syncing = false);
        self.inner.running.set(false);
    }

    /// Push then pull until nothing is left to send and the device has caught up.
    async fn pass(&self, db: &LocalDb) -> Result<bool, SyncError> {
        let mode = (self.inner.hooks.keep_mode)();
        // Only filling all units is worth a progress line; the head-only bootstrap of "Units I open" is instant.
        let progress = |loaded: usize| {
            if mode == KeepMode::AllUnits {
                (self.inner.hooks.progress)(Some(loaded))
            }
        };
        let outcome = self.drain(db, mode, &progress).await;
        (self.inner.hooks.progress)(None);
        outcome
    }

    async fn drain(&self, db: &LocalDb, mode: KeepMode, progress: &dyn Fn(usize)) -> Result<bool, SyncError> {
        let mut changed = false;
        for _ in 0..20 {
            changed |= steps::push_all(db).await?;
            if changed {
                (self.inner.hooks.changed)();
            }
            changed |= steps::pull_all(db, mode, progress).await?;
            changed |= steps::send_escalations(db).await?;
            // Ops still to send, or (after a reset) a journal to check against the server.
            if !db.replica(&[]).await?.wants_push() {
                break;
            }
        }
        Ok(changed)
    }

    /// Listens to the server's pokes (SSE) once a pass reached the server; a broken stream is dropped and
    /// opened again after the next good pass.
    fn ensure_poke_listener(&self) {
        if self.inner.poke.borrow().is_some() {
            return;
        }
        let on_poke = self.clone();
        let on_error = self.clone();
        let source = browser::listen_for_pokes(
            "/api/v1/sync/poke",
            move || on_poke.kick(),
            move || {
                if let Some(source) = on_error.inner.poke.borrow_mut().take() {
                    source.close();
                }
            },
        );
        *self.inner.poke.borrow_mut() = source;
    }

    /// Fills the device from the snapshot now (the "All units" setting), reporting progress.
    pub async fn bootstrap(&self, mode: KeepMode) -> Result<(), String> {
        let Some(db) = (self.inner.hooks.db)() else { return Err("The device's data is not open.".into()) };
        // Under the sync lock: a pass of this or another tab does not pull in the middle of the bootstrap.
        let sync = self.clone();
        let outcome = browser::with_sync_lock(async move {
            let progress = |loaded: usize| (sync.inner.hooks.progress)(Some(loaded));
            bootstrap::bootstrap(&db, mode, &progress).await.map_err(|error| error.sentence())
        })
        .await;
        (self.inner.hooks.progress)(None);
        (self.inner.hooks.changed)();
        self.announce();
        outcome
    }
}
