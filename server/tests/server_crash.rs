//! The real `serialtrack serve` killed with SIGKILL at random moments while devices push, and started again on
//! the same data folder; devices retry exactly as they would (the same batch, the same op_ids) until answered.
//!
//! At the end: every op is accepted exactly once (one event with its op_id) or refused once, never both; every
//! answer a device saw before a crash still holds (a commit that was answered survived the kill); seqs are
//! 1..n without a gap; each device's events keep device_seq order; and the stored projection is the fold of
//! the log (checked in-process with `fold_tenant`, and with `serialtrack rebuild` reporting no difference).
//!
//! `SERVER_CRASH_SEED` picks the schedule (default 1); `SERVER_CRASH_KILLS` the number of kills (default 10).

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use serialtrack_server::domain::rebuild::{fold_tenant, stored_projection};
use serialtrack_server::store::sqlite::SqliteStore;
use serialtrack_server::store::LogStore;
use serialtrack_shared::sync::{OpOrigin, OpOutcome, OpResult, PendingOp, PullAnswer, PushRequest, PushResponse};
use serialtrack_shared::unit::{Actor, Role, UnitCommand, UnitKey};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const GTIN: &str = "09520123456788";
const PASSWORD: &str = "crash-test-admin-password";
const DEVICES: usize = 4;
const OPS_PER_DEVICE: usize = 300;

/// The server process on a fixed port and data folder.
struct Server {
    child: Option<Child>,
    port: u16,
    data_dir: PathBuf,
    starts: u32,
}

impl Server {
    fn start(data_dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = Server { child: None, port, data_dir: data_dir.to_owned(), starts: 0 };
        server.spawn();
        server
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/api/v1", self.port)
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let log = std::fs::File::create(self.data_dir.join(format!("server-{}.log", self.starts))).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_serialtrack"))
            .args(["serve", "--bind", &format!("127.0.0.1:{}", self.port), "--data-dir"])
            .arg(&self.data_dir)
            .env("SERIALTRACK_ADMIN_PASSWORD", PASSWORD)
            .env("RUST_LOG", "warn")
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("starting serialtrack serve");
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no flush, no goodbye.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaping the server");
        }
    }

    async fn wait_ready(&mut self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            if let Ok(response) = client.get(format!("{}/health", self.base())).send().await {
                if response.status().is_success() {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|child| child.try_wait().ok().flatten()) {
                panic!("the server exited with {status}: see {}", self.data_dir.display());
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the server did not come up in 60 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An API key made by the admin (signed in with the bootstrap password).
async fn setup(client: &reqwest::Client, base: &str) -> (String, String) {
    let signed_in = client
        .post(format!("{base}/sessions"))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .expect("signing in");
    assert!(signed_in.status().is_success(), "signing in as admin: {}", signed_in.status());
    let mut keys = Vec::new();
    for role in ["admin", "supervisor"] {
        let made = client
            .post(format!("{base}/api_keys"))
            .json(&json!({"name": format!("crash-{role}"), "role": role}))
            .send()
            .await
            .expect("making a key");
        assert!(made.status().is_success(), "making a key: {}", made.status());
        let body: Value = made.json().await.unwrap();
        keys.push(body["key"].as_str().expect("a key").to_owned());
    }
    (keys.remove(0), keys.remove(0))
}

fn unit(serial: &str) -> UnitKey {
    serde_json::from_value(json!({"product": {"schema": "gtin", "code": GTIN}, "serial": serial})).unwrap()
}

/// A device's whole script: its own units (mostly accepted), a unit all devices fight over (refusals), and
/// commands that are always refused (never blocking the ones after).
fn script(device: usize, rng: &mut StdRng) -> Vec<PendingOp> {
    let id = format!("crash-tab-{device}");
    let mut ops = Vec::new();
    for device_seq in 1..=OPS_PER_DEVICE as u64 {
        let own = format!("D{device}U{}", rng.gen_range(0..3));
        let (serial, command): (String, Value) = match rng.gen_range(0..10) {
            0..=3 => (own, json!({"type": "add_note", "text": format!("note {device_seq}")})),
            4 => (own, json!({"type": "move", "location": format!("Shelf {device_seq}")})),
            5 => ("SHARED".into(), json!({"type": "allocate", "order": format!("SO-{device}")})),
            6 => ("SHARED".into(), json!({"type": "cancel_allocation"})),
            7 => ("SHARED".into(), json!({"type": "pick"})),
            8 => (own, json!({"type": "deliver"})),
            _ => (format!("NEW-{device}-{device_seq}"), json!({"type": "commission"})),
        };
        let command: UnitCommand = serde_json::from_value(command).unwrap();
        let origin = OpOrigin {
            op_id: uuid::Uuid::from_u128(rng.gen()),
            device_id: id.clone(),
            device_seq,
            cursor_when_acted: 0,
            client_time: time::OffsetDateTime::now_utc(),
            actor: Actor { name: format!("user-{device}"), role: Role::Supervisor, party: None },
            approval: None,
        };
        ops.push(PendingOp::new(origin, unit(&serial), &command));
    }
    ops
}

async fn push(client: &reqwest::Client, base: &str, key: &str, request: &PushRequest) -> Result<PushResponse, String> {
    let response = client
        .post(format!("{base}/sync/push"))
        .bearer_auth(key)
        .json(request)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    response.json().await.map_err(|error| error.to_string())
}

/// Every answer a device got, by op id: what the server promised.
type Seen = Arc<Mutex<HashMap<uuid::Uuid, OpResult>>>;

/// How many devices have pushed their whole script.
type Finished = Arc<std::sync::atomic::AtomicUsize>;

/// Pushes the script in random batches, each retried unchanged until answered, then the next from the
/// server's `last_processed_device_seq` on.
async fn device(
    base: String,
    key: String,
    ops: Vec<PendingOp>,
    seed: u64,
    seen: Seen,
    finished: Finished,
) -> (u64, u64) {
    let client = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut next, mut retries, mut pushes) = (0usize, 0u64, 0u64);
    while next < ops.len() {
        let size = rng.gen_range(1..=30).min(ops.len() - next);
        let request = PushRequest { device_id: ops[0].device_id.clone(), ops: ops[next..next + size].to_vec() };
        let response = loop {
            pushes += 1;
            match push(&client, &base, &key, &request).await {
                Ok(response) => break response,
                Err(_) => {
                    retries += 1;
                    tokio::time::sleep(Duration::from_millis(rng.gen_range(5..40))).await;
                }
            }
        };
        assert!(response.stopped.is_none(), "a device pushing in order was stopped: {:?}", response.stopped);
        assert_eq!(response.results.len(), size, "every op of the batch is answered");
        {
            let mut seen = seen.lock().unwrap();
            for result in &response.results {
                if let Some(before) = seen.get(&result.op_id) {
                    assert!(same_outcome(before, result), "op {} answered {result:?}, before {before:?}", result.op_id);
                } else {
                    seen.insert(result.op_id, result.clone());
                }
            }
        }
        next = response.last_processed_device_seq as usize;
        tokio::time::sleep(Duration::from_millis(rng.gen_range(5..25))).await;
    }
    finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    (pushes, retries)
}

fn same_outcome(a: &OpResult, b: &OpResult) -> bool {
    match (&a.outcome, &b.outcome) {
        (OpOutcome::Accepted { seq: x }, OpOutcome::Accepted { seq: y }) => x == y,
        (OpOutcome::Refused(x), OpOutcome::Refused(y)) => x.code == y.code,
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushes_survive_the_server_being_killed_at_random_moments() {
    let seed: u64 = std::env::var("SERVER_CRASH_SEED").ok().and_then(|text| text.parse().ok()).unwrap_or(1);
    let kills: u32 = std::env::var("SERVER_CRASH_KILLS").ok().and_then(|text| text.parse().ok()).unwrap_or(10);
    let started = Instant::now();
    let folder = tempfile::tempdir().unwrap();
    let mut server = Server::start(folder.path());
    let admin_client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    server.wait_ready(&admin_client).await;
    let base = server.base();
    let (admin_key, key) = setup(&admin_client, &base).await;
    let client = reqwest::Client::new();
    let product = client
        .post(format!("{base}/products"))
        .bearer_auth(&admin_key)
        .json(&json!({"code_schema": "gtin", "code": GTIN, "name": "Pill"}))
        .send()
        .await
        .unwrap();
    assert_eq!(product.status().as_u16(), 201);
    let product: Value = product.json().await.unwrap();
    let mut serials = vec!["SHARED".to_owned()];
    serials.extend((0..DEVICES).flat_map(|d| (0..3).map(move |u| format!("D{d}U{u}"))));
    let registered = client
        .post(format!("{base}/units"))
        .bearer_auth(&admin_key)
        .json(&json!({"product_id": product["id"], "serials": serials}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status().as_u16(), 201);

    let mut rng = StdRng::seed_from_u64(seed);
    let scripts: Vec<Vec<PendingOp>> = (0..DEVICES).map(|d| script(d, &mut rng)).collect();
    let seen: Seen = Arc::default();
    let finished: Finished = Arc::default();
    let mut devices = tokio::task::JoinSet::new();
    for (index, ops) in scripts.iter().enumerate() {
        let (base, key, ops, seen, finished) = (base.clone(), key.clone(), ops.clone(), seen.clone(), finished.clone());
        devices.spawn(device(base, key, ops, seed * 100 + index as u64, seen, finished));
    }
    // The killer: SIGKILL at a random moment, start again on the same folder, until the devices are done.
    let mut killed = 0;
    while killed < kills {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(30..200))).await;
        if finished.load(std::sync::atomic::Ordering::SeqCst) == DEVICES {
            break;
        }
        server.kill();
        killed += 1;
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..100))).await;
        server.spawn();
        server.wait_ready(&client).await;
    }
    let (mut pushes, mut retries) = (0, 0);
    while let Some(done) = devices.join_next().await {
        let (device_pushes, device_retries) = done.expect("a device finished");
        pushes += device_pushes;
        retries += device_retries;
    }

    // Retried once more, whole: every op answered as before, nothing new logged.
    let seen = seen.lock().unwrap().clone();
    let head_before = pull_all(&client, &base, &admin_key).await.len();
    for ops in &scripts {
        for batch in ops.chunks(100) {
            let request = PushRequest { device_id: batch[0].device_id.clone(), ops: batch.to_vec() };
            let response = push(&client, &base, &key, &request).await.expect("a final push");
            for result in &response.results {
                assert!(same_outcome(&seen[&result.op_id], result), "op {} changed its answer", result.op_id);
            }
        }
    }
    let events = pull_all(&client, &base, &admin_key).await;
    assert_eq!(events.len(), head_before, "a retried push logged again");

    // Seqs 1..n; each op accepted once (one event at the seq it was answered with) or refused (no event).
    for (index, event) in events.iter().enumerate() {
        assert_eq!(event.0, index as u64 + 1, "the log has a gap");
    }
    let mut events_of: HashMap<uuid::Uuid, Vec<u64>> = HashMap::new();
    for (seq, op_id) in &events {
        events_of.entry(*op_id).or_default().push(*seq);
    }
    let (mut accepted, mut refused) = (0, 0);
    for ops in &scripts {
        let mut last_seq = 0;
        for op in ops {
            let result = seen.get(&op.op_id).unwrap_or_else(|| panic!("op {} was never answered", op.op_id));
            let logged = events_of.get(&op.op_id).cloned().unwrap_or_default();
            match result.outcome {
                OpOutcome::Accepted { seq } => {
                    assert_eq!(logged, vec![seq], "accepted op {} is logged {logged:?}", op.op_id);
                    assert!(seq > last_seq, "{}'s events are out of device_seq order", op.device_id);
                    last_seq = seq;
                    accepted += 1;
                }
                OpOutcome::Refused(_) => {
                    assert!(logged.is_empty(), "refused op {} is logged at {logged:?}", op.op_id);
                    refused += 1;
                }
            }
        }
    }
    server.kill();

    // The projection is the fold of the log, in-process and by the operator's tool.
    let url = serialtrack_server::config::default_database_url(folder.path());
    let store = SqliteStore::connect(&url).await.expect("opening the data folder's database");
    let mut units = 0;
    for tenant in store.tenants().await.unwrap() {
        let (folded, _) = fold_tenant(&store, &tenant.id).await.expect("the log replays");
        let stored = stored_projection(&store, &tenant.id).await.unwrap();
        assert_eq!(folded, stored, "the stored projection is not the fold of the log");
        units += stored.len();
    }
    drop(store);
    let rebuild = Command::new(env!("CARGO_BIN_EXE_serialtrack"))
        .args(["rebuild", "--data-dir"])
        .arg(folder.path())
        .env_remove("DATABASE_URL")
        .output()
        .expect("running serialtrack rebuild");
    let said = String::from_utf8_lossy(&rebuild.stdout);
    assert!(rebuild.status.success(), "rebuild failed: {said}");
    assert!(said.lines().all(|line| line.contains("; 0 units differed")), "rebuild found differences: {said}");
    let by_kind: BTreeMap<&str, usize> = [("accepted", accepted), ("refused", refused)].into_iter().collect();
    eprintln!(
        "server crash: {killed} kills, {} starts, {pushes} pushes ({retries} failed and retried), {by_kind:?} ops, \
         {} events, {units} units, in {:.1?}",
        server.starts,
        events.len(),
        started.elapsed()
    );
    assert!(killed > 0, "the server was never killed");
}

/// The whole log through the pull endpoint: (seq, op_id).
async fn pull_all(client: &reqwest::Client, base: &str, key: &str) -> Vec<(u64, uuid::Uuid)> {
    let mut events = Vec::new();
    let mut cursor = 0;
    loop {
        let answer: PullAnswer = client
            .get(format!("{base}/sync/pull?cursor={cursor}&limit=500"))
            .bearer_auth(key)
            .send()
            .await
            .expect("pulling")
            .json()
            .await
            .expect("a pull answer");
        let PullAnswer::Page(page) = answer else { panic!("a reset from a server that was never restored") };
        events.extend(page.events.iter().map(|event| (event.seq, event.op_id)));
        cursor = page.next_cursor;
        if !page.has_more {
            return events;
        }
    }
}

/// The first start on an empty folder creates the organisation and the admin; killed in between, the next start
/// must still end with an admin who can sign in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_start_killed_midway_still_makes_the_admin() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("serialtrack.db");
    // What a kill between the bootstrap's two writes leaves: the organisation, and nobody in it.
    {
        let url = format!("sqlite://{}", file.display());
        let store = serialtrack_server::store::sqlite::SqliteStore::connect(&url).await.unwrap();
        use serialtrack_server::store::AccountStore;
        store.tenant_create("My company", "brand_owner").await.unwrap();
    }
    let mut server = Server::start(folder.path());
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    server.wait_ready(&client).await;
    let signed_in = client
        .post(format!("{}/sessions", server.base()))
        .json(&json!({"username": "admin", "password": PASSWORD}))
        .send()
        .await
        .expect("signing in");
    assert!(signed_in.status().is_success(), "after a kill during the first start, the admin cannot sign in");
}
