//! One random schedule: devices, faults, the model, and the invariants checked along the way and at the end.

use crate::harness::{Api, Backend, Deployment, Tenant, GTIN};
use crate::model::{normalized, same_answer, ModelTenant};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use serialtrack_server::domain::rebuild::{fold_tenant, stored_projection};
use serialtrack_server::store::Store;
use serialtrack_shared::sync::{
    DeviceReplica, OpOutcome, OpResult, OpStatus, PendingOp, PullAnswer, PullResponse, PushRequest, PushResponse,
    ResetReason, SnapshotPage, SnapshotUnit, Stop, MAX_PUSH_OPS,
};
use serialtrack_shared::unit::{
    apply, upcast, Actor, Approval, CommandContext, RecordedEvent, Role, Unit, UnitCommand, UnitKey, WorkflowSettings,
    COMMAND_SCHEMA_VERSION,
};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;
use uuid::Uuid;

/// Faults beyond the main runs: some heavier schedules, some that break the protocol (see the ignored tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Fetch snapshot pages one per step, other devices acting in between.
    pub interleave_snapshot_pages: bool,
    /// Every schedule restores the server from backups (not one in eight), also behind ops devices let go.
    pub restore_every_schedule: bool,
    /// Restore by copying the file back, keeping the log epoch.
    pub restore_keeps_epoch: bool,
    /// A retried push must answer exactly the first answer (with `last_change`).
    pub exact_retry_answers: bool,
}

/// Counters of what the schedules did, by name.
#[derive(Debug, Default)]
pub struct Stats {
    counts: BTreeMap<&'static str, u64>,
    times: BTreeMap<&'static str, std::time::Duration>,
}

impl Stats {
    fn add(&mut self, what: &'static str, count: u64) {
        *self.counts.entry(what).or_default() += count;
    }

    fn max(&mut self, what: &'static str, value: u64) {
        let entry = self.counts.entry(what).or_default();
        *entry = (*entry).max(value);
    }

    fn time(&mut self, what: &'static str, started: Instant) {
        *self.times.entry(what).or_default() += started.elapsed();
    }

    fn merge(&mut self, other: Stats) {
        for (what, count) in other.counts {
            if what.ends_with("_max") {
                self.max(what, count);
            } else {
                self.add(what, count);
            }
        }
        for (what, time) in other.times {
            *self.times.entry(what).or_default() += time;
        }
    }
}

const SERIALS: [&str; 4] = ["S1", "S2", "S3", "S4"];
const MAX_HEAL_ROUNDS: u64 = 4;

pub fn unit_key(serial: &str) -> UnitKey {
    serde_json::from_value(json!({"product": {"schema": "gtin", "code": GTIN}, "serial": serial})).expect("a unit key")
}

fn commands() -> Vec<UnitCommand> {
    let list = json!([
        {"type": "commission"},
        {"type": "allocate", "order": "SO-1"},
        {"type": "cancel_allocation"},
        {"type": "pick"},
        {"type": "unpick"},
        {"type": "ship", "carrier": "DHL"},
        {"type": "deliver"},
        {"type": "start_service", "reason": "noisy"},
        {"type": "repair"},
        {"type": "declare_unrepairable", "reason": "burnt"},
        {"type": "quarantine", "reason": "check"},
        {"type": "resolve_quarantine"},
        {"type": "fail_inspection", "reason": "scratched"},
        {"type": "recall", "recall_ref": "R-1"},
        {"type": "retire"},
        {"type": "decommission", "reason": {"kind": "damaged"}},
        {"type": "decommission", "reason": {"kind": "stolen"}},
        {"type": "undo_decommission"},
        {"type": "move", "location": "Shelf 2"},
        {"type": "transfer_ownership", "owner": "Pharmacy 7"},
        {"type": "pack", "parent": "106141411234567897"},
        {"type": "unpack"},
        {"type": "inspect", "result": "passed"},
        {"type": "record_service", "notes": "filter changed"},
        {"type": "add_note", "text": "checked"},
        {"type": "add_note", "text": "box dented"},
    ]);
    serde_json::from_value(list).expect("every sample command reads")
}

struct Device {
    id: String,
    tenant: usize,
    key: String,
    /// Who the device says acts (recorded in the op, replayed optimistically).
    actor: Actor,
    /// Who the server says acted: the credentials.
    server_actor: Actor,
    tabs: usize,
    skew: time::Duration,
    replica: DeviceReplica,
    /// The replica as of its last committed transaction (IndexedDB); it goes through JSON when the app is
    /// killed and starts again.
    persisted: DeviceReplica,
    /// Counts commits and kills: the state checked last is known by it.
    version: u64,
    offline_until: usize,
    /// Bootstrapping from a snapshot: the `after` of the next page.
    snapshot: Option<Option<String>>,
    last_cursor: u64,
    /// Ops that left the outbox as accepted and pulled.
    let_go: HashSet<Uuid>,
    /// The device_seq of an op rewritten in a newer command vocabulary.
    future_op: Option<u64>,
    /// The persisted state last checked, with the model's head then: unchanged since, nothing to check.
    checked: Option<(u64, u64, usize)>,
}

impl Device {
    fn commit(&mut self) {
        self.persisted = self.replica.clone();
        self.version += 1;
    }

    /// Killed: what was not committed is gone; the app starts again from what IndexedDB holds, as JSON.
    fn kill(&mut self) -> Result<(), String> {
        let stored = serde_json::to_string(&self.persisted).expect("a replica as JSON");
        let reloaded: DeviceReplica =
            serde_json::from_str(&stored).map_err(|error| format!("the persisted replica: {error}"))?;
        if reloaded != self.persisted || serde_json::to_string(&reloaded).ok().as_ref() != Some(&stored) {
            return Err("invariant 8: the persisted replica does not round-trip through JSON".into());
        }
        self.replica = reloaded;
        self.version += 1;
        Ok(())
    }

    fn pull_query(&self, limit: usize) -> String {
        let mut query = format!("cursor={}&device_id={}&limit={limit}", self.replica.cursor(), self.id);
        if let Some(epoch) = self.replica.log_epoch() {
            query.push_str(&format!("&log_epoch={epoch}"));
        }
        if let Some(first) = self.replica.outbox().entries().next() {
            query.push_str(&format!("&results_after={}", first.op.device_seq - 1));
        }
        query
    }
}

struct Backup {
    file: PathBuf,
    model: Vec<ModelTenant>,
    log_lens: Vec<usize>,
}

struct World {
    rng: StdRng,
    store: Arc<dyn Store>,
    api: Api,
    /// The schedule's own database and server, when it restores from backups.
    own: Option<Deployment>,
    client: reqwest::Client,
    tenants: Vec<Tenant>,
    model: Vec<ModelTenant>,
    devices: Vec<Device>,
    recorded: Vec<(usize, PendingOp)>,
    /// Each tenant's log as read from the store, a prefix of it.
    logs: Vec<Vec<RecordedEvent>>,
    epochs: Vec<Uuid>,
    stats: Stats,
    faults: Faults,
    trace: Vec<String>,
    step: usize,
    commands: Vec<UnitCommand>,
    backups_allowed: bool,
    backup: Option<Backup>,
    backup_dir: tempfile::TempDir,
    restored: bool,
}

/// The main property run: `SYNC_PROTOCOL_SCHEDULES` schedules (default 2,000) with every fault.
pub async fn run_many(backend: Backend, faults: Faults) {
    run_many_with(backend, faults, "SYNC_PROTOCOL_SCHEDULES", 2000).await
}

/// A run that makes one fault happen in every schedule: `SYNC_PROTOCOL_FOCUSED_SCHEDULES` (default 500).
pub async fn run_focused(backend: Backend, faults: Faults) {
    run_many_with(backend, faults, "SYNC_PROTOCOL_FOCUSED_SCHEDULES", 500).await
}

async fn run_many_with(backend: Backend, faults: Faults, count_variable: &str, default_count: u64) {
    let number = |name: &str, default: u64| -> u64 {
        std::env::var(name).ok().and_then(|text| text.parse().ok()).unwrap_or(default)
    };
    let count = number(count_variable, default_count);
    let first = number("SYNC_PROTOCOL_SEED", 1);
    let parallel = number("SYNC_PROTOCOL_PARALLEL", 3).max(1) as usize;
    let client = reqwest::Client::new();
    let shared = Arc::new(Deployment::new(backend, &client).await);
    let started = Instant::now();
    let mut stats = Stats::default();
    let restores_wanted = faults.restore_every_schedule || faults.restore_keeps_epoch;
    let mut running = tokio::task::JoinSet::new();
    let mut seeds = first..first + count;
    loop {
        while running.len() < parallel {
            let Some(seed) = seeds.next() else { break };
            let restore_schedule = backend == Backend::Sqlite && (restores_wanted || seed % 8 == 0);
            let (client, shared) = (client.clone(), shared.clone());
            running.spawn(async move {
                let own = if restore_schedule { Some(Deployment::new(backend, &client).await) } else { None };
                let (store, api) = match &own {
                    Some(own) => (own.store.clone(), own.api.clone()),
                    None => (shared.store.clone(), shared.api.clone()),
                };
                let (result, stats) = run_schedule(seed, store, api, own, &client, faults).await;
                (seed, result, stats)
            });
        }
        let Some(done) = running.join_next().await else { break };
        let (seed, result, schedule_stats) = done.expect("a schedule task");
        stats.merge(schedule_stats);
        if let Err(failure) = result {
            panic!(
                "schedule {seed} on {backend:?} failed: {failure}\n(rerun it alone with SYNC_PROTOCOL_SEED={seed} \
                 SYNC_PROTOCOL_SCHEDULES=1 SYNC_PROTOCOL_FOCUSED_SCHEDULES=1)"
            );
        }
    }
    eprintln!(
        "sync protocol on {backend:?}: {count} schedules from seed {first}, {parallel} at a time, in {:.1?}\n{stats:#?}",
        started.elapsed()
    );
}

async fn run_schedule(
    seed: u64,
    store: Arc<dyn Store>,
    api: Api,
    own: Option<Deployment>,
    client: &reqwest::Client,
    faults: Faults,
) -> (Result<(), String>, Stats) {
    let started = Instant::now();
    let mut world = match World::new(seed, store, api, own, client, faults).await {
        Ok(world) => world,
        Err(failure) => return (Err(failure), Stats::default()),
    };
    world.stats.time("setup", started);
    let steps = world.rng.gen_range(8..28);
    let outcome = async {
        let started = Instant::now();
        // The restore faults that break the protocol today come at fixed moments: a backup early, a restore late.
        let forced = world.faults.restore_every_schedule || world.faults.restore_keeps_epoch;
        for step in 0..steps {
            world.step += 1;
            match step {
                2 if forced => world.backup().await?,
                _ if forced && step == steps - 2 => world.restore().await?,
                _ => world.random_step().await?,
            }
            world.check_devices().await?;
        }
        world.stats.time("steps", started);
        let started = Instant::now();
        world.heal().await?;
        world.stats.time("heal", started);
        let started = Instant::now();
        world.final_checks().await?;
        world.stats.time("final checks", started);
        Ok::<(), String>(())
    }
    .await;
    world.stats.add("schedules", 1);
    if world.own.is_some() {
        world.stats.add("restore_schedules", 1);
    }
    world.stats.add("steps", world.step as u64);
    let result = outcome.map_err(|failure| {
        let trace: Vec<&String> = world.trace.iter().rev().take(60).rev().collect();
        format!("{failure}\nlast steps:\n  {}", trace.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n  "))
    });
    (result, std::mem::take(&mut world.stats))
}

impl World {
    async fn new(
        seed: u64,
        store: Arc<dyn Store>,
        api: Api,
        own: Option<Deployment>,
        client: &reqwest::Client,
        faults: Faults,
    ) -> Result<World, String> {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut stats = Stats::default();
        let backups_allowed = own.is_some();
        let a = Tenant::create(&store, &api, &format!("a{seed}"), &SERIALS[..2]).await;
        let b = Tenant::create(&store, &api, &format!("b{seed}"), &SERIALS[..1]).await;
        let tenants = vec![a, b];
        let mut devices = Vec::new();
        for (index, (tenant, role, tabs)) in
            [(0, Role::Supervisor, 1), (0, Role::Operator, 2), (0, Role::Supervisor, 1), (1, Role::Supervisor, 1)]
                .into_iter()
                .enumerate()
        {
            let (key, name) = match role {
                Role::Operator => tenants[tenant].operator.clone(),
                _ => tenants[tenant].supervisor.clone(),
            };
            let party = Some(tenants[tenant].id.clone());
            let skew = match rng.gen_range(0..4) {
                0 => time::Duration::days(rng.gen_range(-1100..1100)),
                1 => time::Duration::minutes(rng.gen_range(-600..600)),
                _ => time::Duration::ZERO,
            };
            if !skew.is_zero() {
                stats.add("skewed_devices", 1);
            }
            let id = format!("s{seed}-d{index}");
            let replica = DeviceReplica::new(id.clone());
            let persisted = replica.clone();
            devices.push(Device {
                id,
                tenant,
                key,
                actor: Actor { name: format!("user-{index}"), role, party: party.clone() },
                server_actor: Actor { name, role, party },
                tabs,
                skew,
                replica,
                persisted,
                version: 0,
                offline_until: 0,
                snapshot: None,
                last_cursor: 0,
                let_go: HashSet::new(),
                future_op: None,
                checked: None,
            });
        }
        let mut world = World {
            rng,
            store,
            api,
            own,
            client: client.clone(),
            tenants,
            model: vec![ModelTenant::default(), ModelTenant::default()],
            devices,
            recorded: Vec::new(),
            logs: vec![Vec::new(), Vec::new()],
            epochs: Vec::new(),
            stats,
            faults,
            trace: Vec::new(),
            step: 0,
            commands: commands(),
            backups_allowed,
            backup: None,
            backup_dir: tempfile::tempdir().map_err(|error| error.to_string())?,
            restored: false,
        };
        world.refresh_epochs().await?;
        // The registrations are the log's first events: the model starts from them.
        for tenant in 0..2 {
            let events = world.read_log(tenant, 0).await?;
            for event in &events {
                world.model[tenant].seed(event);
            }
            world.logs[tenant] = events;
        }
        // Each app starts by filling itself: a snapshot or the log from the start.
        for index in 0..world.devices.len() {
            if world.rng.gen_bool(0.5) {
                world.devices[index].snapshot = Some(None);
            }
            world.pull_all(index).await?;
        }
        Ok(world)
    }

    fn note(&mut self, text: String) {
        self.trace.push(format!("{}: {text}", self.step));
    }

    async fn refresh_epochs(&mut self) -> Result<(), String> {
        let mut epochs = Vec::new();
        for tenant in &self.tenants {
            let record = self.store.tenant(&tenant.id).await.map_err(|e| e.to_string())?.ok_or("a tenant")?;
            epochs.push(Uuid::parse_str(&record.log_epoch).map_err(|e| e.to_string())?);
        }
        self.epochs = epochs;
        Ok(())
    }

    /// The tenant's events after `after` as the store holds them.
    async fn read_log(&self, tenant: usize, after: usize) -> Result<Vec<RecordedEvent>, String> {
        let records = self
            .store
            .events_since(&self.tenants[tenant].id, after as i64, 1_000_000)
            .await
            .map_err(|error| error.to_string())?;
        let mut events = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let seq = after + index + 1;
            if record.seq != seq as i64 {
                return Err(format!("invariant 4: the log has seq {} where {seq} belongs", record.seq));
            }
            let payload: serde_json::Value = serde_json::from_str(&record.payload).map_err(|e| e.to_string())?;
            let event = upcast(payload).map_err(|error| format!("event {seq} does not read: {error}"))?;
            if event.event_id.to_string() != record.op_id {
                return Err(format!("event {seq}: its id is not its op_id"));
            }
            events.push(event);
        }
        Ok(events)
    }

    /// Makes the cached log of `tenant` reach `upto` events (and checks it against the model).
    async fn ensure_log(&mut self, tenant: usize, upto: usize) -> Result<(), String> {
        let have = self.logs[tenant].len();
        if upto <= have {
            return Ok(());
        }
        let events = self.read_log(tenant, have).await?;
        for (index, event) in events.iter().enumerate() {
            let seq = have + index + 1;
            match self.model[tenant].log.get(seq - 1) {
                Some((op_id, unit)) if *op_id == event.event_id && *unit == event.unit => {}
                other => return Err(format!("event {seq} of tenant {tenant} is {event:?}, the model has {other:?}")),
            }
        }
        self.logs[tenant].extend(events);
        if self.logs[tenant].len() < upto {
            return Err(format!("tenant {tenant}'s log has {} events, a device saw {upto}", self.logs[tenant].len()));
        }
        Ok(())
    }

    fn online(&self, device: usize) -> bool {
        self.devices[device].offline_until <= self.step
    }

    async fn random_step(&mut self) -> Result<(), String> {
        // A burst (a long offline shift) is rare: one step in 400.
        if self.rng.gen_range(0..400) == 0 {
            let device = self.rng.gen_range(0..self.devices.len());
            return self.burst(device).await;
        }
        let roll = self.rng.gen_range(0..100);
        let device = self.rng.gen_range(0..self.devices.len());
        match roll {
            0..=31 => self.record(device).await,
            32..=51 => self.push(device).await,
            52..=67 => self.pull(device).await,
            68..=72 => {
                self.stats.add("kills", 1);
                self.note(format!("kill {device}"));
                self.devices[device].kill()?;
                self.devices[device].snapshot = self.devices[device].snapshot.as_ref().map(|_| None);
                Ok(())
            }
            73..=75 => {
                self.stats.add("device_resets", 1);
                self.note(format!("reset {device}"));
                self.reset(device);
                Ok(())
            }
            76..=81 => self.concurrent().await,
            82..=84 => {
                let until = self.step + self.rng.gen_range(5..40);
                self.stats.add("offline_periods", 1);
                self.note(format!("offline {device} until {until}"));
                self.devices[device].offline_until = until;
                Ok(())
            }
            85..=87 => self.future_vocabulary(device),
            88..=89 => {
                self.upgrade(device);
                Ok(())
            }
            90..=93 if self.backups_allowed => self.backup().await,
            94..=97 if self.backups_allowed => self.restore().await,
            _ => self.record(device).await,
        }
    }

    /// A user action: one transaction, or none if the app is killed before it commits.
    async fn record(&mut self, index: usize) -> Result<(), String> {
        let serial = SERIALS[self.rng.gen_range(0..SERIALS.len())];
        let approval = self.rng.gen_bool(0.5).then(|| Approval { by: "quality-lead".into(), role: Role::Quality });
        // Mostly what the user could do on the unit as the device shows it; sometimes anything.
        let mut command = self.commands[self.rng.gen_range(0..self.commands.len())].clone();
        if self.rng.gen_bool(0.75) {
            let workflow = WorkflowSettings::default();
            let device = &self.devices[index];
            let view = device.replica.optimistic(&unit_key(serial), &workflow).unit;
            let now = OffsetDateTime::now_utc() + device.skew;
            let context = CommandContext { actor: &device.actor, now, workflow: &workflow, approval: approval.clone() };
            for _ in 0..6 {
                let candidate = &self.commands[self.rng.gen_range(0..self.commands.len())];
                if serialtrack_shared::unit::handle(view.as_ref(), candidate, &context).is_ok() {
                    command = candidate.clone();
                    break;
                }
            }
        }
        let op_id = Uuid::from_u128(self.rng.gen());
        let kill = self.rng.gen_bool(0.04);
        self.record_one(index, unit_key(serial), command, approval, op_id, kill)
    }

    fn record_one(
        &mut self,
        index: usize,
        unit: UnitKey,
        command: UnitCommand,
        approval: Option<Approval>,
        op_id: Uuid,
        kill: bool,
    ) -> Result<(), String> {
        let workflow = WorkflowSettings::default();
        let device = &mut self.devices[index];
        let now = OffsetDateTime::now_utc() + device.skew;
        let actor = device.actor.clone();
        let context = CommandContext { actor: &actor, now, workflow: &workflow, approval };
        let before = device.replica.optimistic(&unit, &workflow).unit.map_or(0, |unit| unit.version);
        let note = format!("record {index} {} {:?}", unit.serial.as_str(), command);
        match device.replica.record(unit.clone(), command, &context, op_id) {
            Ok(op) if kill => {
                device.kill()?;
                self.stats.add("kills_before_commit", 1);
                self.note(format!("{note}: killed before commit (device_seq {})", op.device_seq));
            }
            Ok(op) => {
                device.commit();
                // Invariant 7: a pending op is visible optimistically at once.
                let view = device.replica.optimistic(&unit, &workflow);
                let shown = view.ops.iter().any(|shown| shown.op_id == op_id && shown.status == OpStatus::Queued);
                if !shown || view.unit.map_or(0, |unit| unit.version) != before + 1 {
                    return Err(format!("invariant 7: op {} is not visible in the optimistic view", op.device_seq));
                }
                self.stats.add("recorded", 1);
                self.note(format!("{note}: device_seq {}", op.device_seq));
                self.recorded.push((index, op));
            }
            Err(refusal) => {
                self.stats.add("refused_on_device", 1);
                self.note(format!("{note}: refused on the device ({})", refusal.code.code()));
            }
        }
        Ok(())
    }

    /// A long offline period piles up ops (more than one push batch).
    async fn burst(&mut self, index: usize) -> Result<(), String> {
        let count = self.rng.gen_range(20..140);
        self.stats.add("bursts", 1);
        self.note(format!("burst of {count} notes on {index}"));
        let serial = SERIALS[self.rng.gen_range(0..2)];
        for n in 0..count {
            let op_id = Uuid::from_u128(self.rng.gen());
            let command = UnitCommand::AddNote { text: format!("note {n}") };
            self.record_one(index, unit_key(serial), command, None, op_id, false)?;
        }
        Ok(())
    }

    /// An op in the outbox, not yet processed by the server, written in a newer command vocabulary (an app
    /// version the server cannot read yet).
    fn future_vocabulary(&mut self, index: usize) -> Result<(), String> {
        let device = &self.devices[index];
        if device.future_op.is_some() {
            return Ok(());
        }
        let processed = self.model[device.tenant].last_processed.get(&device.id).copied().unwrap_or(0);
        let Some(target) = device
            .replica
            .outbox()
            .unacknowledged()
            .map(|entry| entry.op.device_seq)
            .find(|device_seq| *device_seq > processed)
        else {
            return Ok(());
        };
        self.rewrite_version(index, target, COMMAND_SCHEMA_VERSION + 1)?;
        self.stats.add("future_vocabulary", 1);
        self.note(format!("device {index}: op {target} in a newer vocabulary"));
        self.devices[index].future_op = Some(target);
        Ok(())
    }

    /// The other side caught up: the op is readable again (the server was upgraded, or the app upcast it).
    fn upgrade(&mut self, index: usize) {
        if let Some(target) = self.devices[index].future_op.take() {
            self.rewrite_version(index, target, COMMAND_SCHEMA_VERSION).expect("rewriting back");
            self.note(format!("device {index}: op {target} readable again"));
        }
    }

    fn rewrite_version(&mut self, index: usize, device_seq: u64, version: u16) -> Result<(), String> {
        let device = &mut self.devices[index];
        let mut value = serde_json::to_value(&device.replica).map_err(|e| e.to_string())?;
        let mut found = false;
        if let Some(entries) = value["outbox"]["entries"].as_object_mut() {
            for entry in entries.values_mut() {
                if entry["op"]["device_seq"] == json!(device_seq) {
                    entry["op"]["schema_version"] = json!(version);
                    found = true;
                }
            }
        }
        if !found {
            // The op left the outbox (it was refused or accepted meanwhile): nothing to rewrite.
            return Ok(());
        }
        device.replica = serde_json::from_value(value).map_err(|e| format!("rewriting the outbox: {e}"))?;
        device.commit();
        Ok(())
    }

    fn reset(&mut self, index: usize) {
        let snapshot = self.rng.gen_bool(0.5);
        let device = &mut self.devices[index];
        device.replica.on_reset();
        device.commit();
        device.last_cursor = 0;
        device.snapshot = snapshot.then_some(None);
    }

    async fn push(&mut self, index: usize) -> Result<(), String> {
        let online = self.online(index);
        let device = &mut self.devices[index];
        let Some(request) = device.replica.next_push() else { return Ok(()) };
        device.commit();
        self.stats.add("pushes", 1);
        let summary =
            format!("push {index} ops {}..={}", request.ops[0].device_seq, request.ops.last().unwrap().device_seq);
        if !online || self.rng.gen_bool(0.08) {
            self.stats.add("request_lost", 1);
            self.note(format!("{summary}: request lost"));
            let device = &mut self.devices[index];
            device.replica.on_push_failed();
            device.commit();
            return Ok(());
        }
        let key = self.devices[index].key.clone();
        let api = self.api.clone();
        let fault = self.rng.gen_range(0..100);
        let two_tabs = self.devices[index].tabs == 2;
        if two_tabs && fault < 12 {
            // Both tabs read the same outbox and push it at once.
            self.stats.add("two_tabs", 1);
            let (first, second) = tokio::join!(api.push(&key, &request), api.push(&key, &request));
            let (first, second) = (first?, second?);
            let expected = self.model_push(index, &request);
            same_answer(&first, &expected).map_err(|e| format!("tab 1: {e}"))?;
            same_answer(&second, &expected).map_err(|e| format!("tab 2: {e}"))?;
            self.note(format!("{summary}: two tabs at once"));
            let swap = self.rng.gen_bool(0.5);
            let (a, b) = if swap { (second, first) } else { (first, second) };
            self.answer(index, &request, &a)?;
            self.answer(index, &request, &b)?;
            return Ok(());
        }
        if two_tabs && fault < 20 {
            // One tab pushes while the other pulls.
            self.stats.add("tab_pull_during_push", 1);
            let query = self.devices[index].pull_query(self.rng.gen_range(1..6));
            let cursor = self.devices[index].replica.cursor();
            let (pushed, pulled) = tokio::join!(api.push(&key, &request), api.pull(&key, &query));
            let pushed = pushed?;
            let expected = self.model_push(index, &request);
            same_answer(&pushed, &expected)?;
            self.note(format!("{summary}: while the other tab pulls from {cursor}"));
            if self.rng.gen_bool(0.5) {
                self.answer(index, &request, &pushed)?;
                self.pulled(index, cursor, pulled?).await?;
            } else {
                self.pulled(index, cursor, pulled?).await?;
                self.answer(index, &request, &pushed)?;
            }
            return Ok(());
        }
        let response = api.push(&key, &request).await?;
        let expected = self.model_push(index, &request);
        same_answer(&response, &expected)?;
        match fault {
            20..=29 => {
                self.stats.add("response_lost", 1);
                self.note(format!("{summary}: committed, answer lost"));
                let device = &mut self.devices[index];
                device.replica.on_push_failed();
                device.commit();
            }
            30..=37 => {
                self.stats.add("duplicates", 1);
                let again = api.push(&key, &request).await?;
                self.note(format!("{summary}: delivered twice"));
                // Invariant 3: the same results, no new event.
                same_answer(&again, &response).map_err(|e| format!("invariant 3, a duplicate push: {e}"))?;
                if self.faults.exact_retry_answers && again.results != response.results {
                    return Err(format!(
                        "invariant 3: a duplicate push answered {:?}, the first answer was {:?}",
                        again.results, response.results
                    ));
                }
                self.answer(index, &request, &response)?;
                self.answer(index, &request, &again)?;
            }
            38..=42 => {
                self.stats.add("kills", 1);
                self.note(format!("{summary}: committed, device killed before it stored the answer"));
                self.devices[index].kill()?;
            }
            _ => {
                self.note(format!("{summary}: answered {:?}", response.stopped));
                self.answer(index, &request, &response)?;
            }
        }
        Ok(())
    }

    /// The model decides the push the server has just committed.
    fn model_push(&mut self, index: usize, request: &PushRequest) -> PushResponse {
        let device = &self.devices[index];
        let response = self.model[device.tenant].push(&device.server_actor, request);
        self.count(&response);
        response
    }

    fn count(&mut self, response: &PushResponse) {
        match &response.stopped {
            Some(Stop::Gap { .. }) => self.stats.add("gap_stops", 1),
            Some(Stop::UpgradeRequired { .. }) => self.stats.add("upgrade_stops", 1),
            None => {}
        }
    }

    /// The device stores a push answer (one transaction) and the checks that follow.
    fn answer(&mut self, index: usize, request: &PushRequest, response: &PushResponse) -> Result<(), String> {
        let restored = self.restored;
        let device = &mut self.devices[index];
        device.replica.on_push_response(response);
        device.commit();
        match &response.stopped {
            // Invariant 11: a refused op never blocks the next; every op of an unstopped push is answered.
            None => {
                for op in &request.ops {
                    let status = device.replica.op_status(op.op_id);
                    if !matches!(status, None | Some(OpStatus::Confirmed | OpStatus::Refused)) {
                        return Err(format!("invariant 11: op {} is {status:?} after its answer", op.device_seq));
                    }
                }
            }
            // Invariant 6: a device pushing its outbox in order never meets a gap, unless the server lost ops.
            Some(Stop::Gap { expected }) if !restored => {
                return Err(format!("invariant 6: a gap stop (expected {expected}) without a restore"));
            }
            Some(Stop::Gap { .. }) => {}
            Some(Stop::UpgradeRequired { .. }) => {
                if device.future_op.is_none() {
                    return Err("upgrade required for a device writing the server's vocabulary".into());
                }
            }
        }
        Ok(())
    }

    async fn pull(&mut self, index: usize) -> Result<(), String> {
        if !self.online(index) {
            self.stats.add("request_lost", 1);
            self.note(format!("pull {index}: offline"));
            return Ok(());
        }
        if self.devices[index].snapshot.is_some() {
            let all = !self.faults.interleave_snapshot_pages;
            return self.snapshot(index, all).await;
        }
        self.stats.add("pulls", 1);
        let limit = if self.rng.gen_bool(0.3) { 500 } else { self.rng.gen_range(1..6) };
        let device = &self.devices[index];
        let query = device.pull_query(limit);
        let cursor = device.replica.cursor();
        let answer = self.api.pull(&device.key, &query).await?;
        match self.rng.gen_range(0..100) {
            0..=4 => {
                self.stats.add("response_lost", 1);
                self.note(format!("pull {index} from {cursor}: answer lost"));
                Ok(())
            }
            5..=9 if matches!(answer, PullAnswer::Page(_)) => {
                // The page is applied in memory, then the app dies before the transaction commits.
                self.stats.add("kills", 1);
                let saved = self.devices[index].persisted.clone();
                self.pulled(index, cursor, answer).await?;
                self.note(format!("pull {index}: killed before the page committed"));
                let device = &mut self.devices[index];
                device.persisted = saved;
                device.kill()
            }
            _ => self.pulled(index, cursor, answer).await,
        }
    }

    /// A pull answer arrives: checked against the model, then applied as one transaction.
    async fn pulled(&mut self, index: usize, cursor: u64, answer: PullAnswer) -> Result<(), String> {
        let tenant = self.devices[index].tenant;
        match answer {
            PullAnswer::Reset { why } => {
                let device = &self.devices[index];
                let legit = match &why {
                    ResetReason::EpochChanged { server_epoch, .. } => *server_epoch == self.epochs[tenant],
                    ResetReason::CursorAheadOfHead { head, .. } => device.replica.cursor() > *head,
                    _ => false,
                };
                if !legit {
                    return Err(format!("a pull answered a reset for no reason: {why:?}"));
                }
                self.stats.add("server_resets", 1);
                self.note(format!("pull {index}: reset ({})", why.message()));
                self.reset(index);
                Ok(())
            }
            PullAnswer::Page(page) => {
                self.check_page(index, cursor, &page)?;
                let device = &mut self.devices[index];
                if device.replica.cursor() != cursor {
                    // Another tab moved the cursor meanwhile: the page still applies (its seqs are skipped).
                }
                device.replica.on_pull_page(&page).map_err(|problem| format!("a page does not apply: {problem}"))?;
                if self.rng.gen_bool(0.1) {
                    self.stats.add("page_applied_twice", 1);
                    let device = &mut self.devices[index];
                    let once = device.replica.clone();
                    device.replica.on_pull_page(&page).map_err(|problem| format!("again: {problem}"))?;
                    if device.replica != once {
                        return Err("invariant 3: applying the same page twice changed the device".into());
                    }
                }
                let device = &mut self.devices[index];
                device.commit();
                let text = format!(
                    "pull {index} from {cursor}: {} events to {}, {} results, has_more {}",
                    page.events.len(),
                    page.next_cursor,
                    page.op_results.len(),
                    page.has_more
                );
                self.note(text);
                Ok(())
            }
        }
    }

    /// Invariants 4 and 9 on a page: ascending, gap-free seqs right after the cursor, the model's events at
    /// those seqs (so never another tenant's), and this device's results as the model decided them.
    fn check_page(&self, index: usize, cursor: u64, page: &PullResponse) -> Result<(), String> {
        let device = &self.devices[index];
        let model = &self.model[device.tenant];
        if page.log_epoch != self.epochs[device.tenant] {
            return Err("a page of another log epoch".into());
        }
        for (offset, event) in page.events.iter().enumerate() {
            let seq = cursor + 1 + offset as u64;
            if event.seq != seq {
                return Err(format!("invariant 4: a page after {cursor} has seq {} at place {offset}", event.seq));
            }
            match model.log.get(seq as usize - 1) {
                Some((op_id, unit)) if *op_id == event.op_id && *unit == event.unit => {}
                other => {
                    return Err(format!(
                        "invariants 4/9: pulled seq {seq} is op {} on {}, the model has {other:?}",
                        event.op_id, event.unit
                    ))
                }
            }
        }
        let last = page.events.last().map_or(cursor, |event| event.seq);
        if page.next_cursor != last {
            return Err(format!("invariant 4: next_cursor {} after events up to {last}", page.next_cursor));
        }
        if page.has_more && (page.events.is_empty() || page.next_cursor >= model.head()) {
            return Err("has_more without more events".into());
        }
        for result in &page.op_results {
            let mine = self.recorded.iter().any(|(owner, op)| *owner == index && op.op_id == result.op_id);
            if !mine {
                return Err(format!(
                    "invariant 9: a pull returned the result of op {} of another device",
                    result.op_id
                ));
            }
            same_outcome(result, model.results.get(&result.op_id))?;
        }
        Ok(())
    }

    /// Bootstrapping from GET /snapshot: one page, or all of them at once.
    async fn snapshot(&mut self, index: usize, all: bool) -> Result<(), String> {
        loop {
            let device = &self.devices[index];
            let after = device.snapshot.clone().flatten();
            let limit = [500, 1, 2][self.step % 3];
            let mut query = format!("limit={limit}&history=0");
            if let Some(after) = &after {
                query.push_str(&format!("&after={after}"));
            }
            let answer = self.api.snapshot(&device.key, &query).await?;
            self.stats.add("snapshot_pages", 1);
            let page = snapshot_page(&answer)?;
            let tenant = device.tenant;
            for held in &page.units {
                let model = self.model[tenant].units.get(&held.unit.key);
                let matches = model.is_some_and(|(unit, last_seq)| {
                    *last_seq <= page.as_of_seq && normalized(unit) == normalized(&held.unit)
                }) || model.is_some_and(|(_, last_seq)| *last_seq > page.as_of_seq);
                if !matches {
                    return Err(format!("a snapshot unit {} differs from the model", held.unit.key));
                }
            }
            let next = answer["next_after"].as_str().map(str::to_owned);
            let device = &mut self.devices[index];
            device.replica.on_snapshot_page(&page).map_err(|problem| format!("a snapshot page: {problem}"))?;
            device.commit();
            device.snapshot = page.has_more.then_some(next);
            let done = device.snapshot.is_none();
            self.note(format!("snapshot page {index}: {} units as of {}", page.units.len(), page.as_of_seq));
            if done {
                self.devices[index].last_cursor = self.devices[index].replica.cursor();
                return Ok(());
            }
            if !all {
                return Ok(());
            }
        }
    }

    /// Two devices push at once while a third pulls; the model finds the order the server chose.
    async fn concurrent(&mut self) -> Result<(), String> {
        let a = self.rng.gen_range(0..self.devices.len());
        let b = (a + self.rng.gen_range(1..self.devices.len())) % self.devices.len();
        let c = self.rng.gen_range(0..self.devices.len());
        if !self.online(a) || !self.online(b) || !self.online(c) || self.devices[c].snapshot.is_some() {
            return Ok(());
        }
        let (Some(first), Some(second)) = (self.devices[a].replica.next_push(), self.devices[b].replica.next_push())
        else {
            for index in [a, b] {
                self.devices[index].replica.on_push_failed();
                self.devices[index].commit();
            }
            return Ok(());
        };
        self.devices[a].commit();
        self.devices[b].commit();
        self.stats.add("concurrent_pushes", 1);
        self.stats.add("pushes", 2);
        self.stats.add("pulls", 1);
        let api = self.api.clone();
        let query = self.devices[c].pull_query(500);
        let cursor = self.devices[c].replica.cursor();
        let (key_a, key_b, key_c) =
            (self.devices[a].key.clone(), self.devices[b].key.clone(), self.devices[c].key.clone());
        let (pushed_a, pushed_b, pulled) =
            tokio::join!(api.push(&key_a, &first), api.push(&key_b, &second), api.pull(&key_c, &query));
        let (pushed_a, pushed_b, pulled) = (pushed_a?, pushed_b?, pulled?);
        let (tenant_a, tenant_b) = (self.devices[a].tenant, self.devices[b].tenant);
        if tenant_a != tenant_b {
            let expected_a = self.model_push(a, &first);
            same_answer(&pushed_a, &expected_a)?;
            let expected_b = self.model_push(b, &second);
            same_answer(&pushed_b, &expected_b)?;
        } else {
            let before = self.model[tenant_a].clone();
            let (actor_a, actor_b) = (self.devices[a].server_actor.clone(), self.devices[b].server_actor.clone());
            let mut ab = before.clone();
            let ab_ok = same_answer(&pushed_a, &ab.push(&actor_a, &first))
                .and_then(|_| same_answer(&pushed_b, &ab.push(&actor_b, &second)));
            let mut ba = before.clone();
            let ba_ok = same_answer(&pushed_b, &ba.push(&actor_b, &second))
                .and_then(|_| same_answer(&pushed_a, &ba.push(&actor_a, &first)));
            self.model[tenant_a] = match (ab_ok, ba_ok) {
                (Ok(()), _) => ab,
                (_, Ok(())) => ba,
                (Err(one), Err(other)) => {
                    return Err(format!("concurrent pushes match neither order:\n{one}\n{other}"));
                }
            };
            self.count(&pushed_a);
            self.count(&pushed_b);
        }
        self.note(format!("concurrent pushes of {a} and {b}, pull of {c} from {cursor}"));
        self.answer(a, &first, &pushed_a)?;
        self.answer(b, &second, &pushed_b)?;
        self.pulled(c, cursor, pulled).await
    }

    async fn backup(&mut self) -> Result<(), String> {
        let file = self.backup_dir.path().join(format!("backup-{}.db", self.step));
        self.own.as_ref().expect("backups in schedules of their own").backup(&file).await;
        self.stats.add("backups", 1);
        self.note("backup".into());
        self.backup =
            Some(Backup { file, model: self.model.clone(), log_lens: self.logs.iter().map(Vec::len).collect() });
        Ok(())
    }

    async fn restore(&mut self) -> Result<(), String> {
        let Some(backup) = &self.backup else { return Ok(()) };
        let file = backup.file.clone();
        let model = backup.model.clone();
        let lens = backup.log_lens.clone();
        let client = self.client.clone();
        let own = self.own.as_mut().expect("restores in schedules of their own");
        own.restore(&file, !self.faults.restore_keeps_epoch, &client).await;
        self.store = own.store.clone();
        self.api = own.api.clone();
        self.model = model;
        for (log, len) in self.logs.iter_mut().zip(lens) {
            log.truncate(len);
        }
        self.refresh_epochs().await?;
        for device in &mut self.devices {
            device.checked = None;
        }
        self.restored = true;
        self.stats.add("restores", 1);
        self.note("server restored from the backup".into());
        Ok(())
    }

    /// Invariants 2, 4, 7 and 8 on every device after every step.
    async fn check_devices(&mut self) -> Result<(), String> {
        for index in 0..self.devices.len() {
            let tenant = self.devices[index].tenant;
            let fingerprint = (self.devices[index].version, self.model[tenant].head(), self.recorded.len());
            if self.devices[index].checked.as_ref() == Some(&fingerprint) {
                continue;
            }
            self.devices[index].checked = Some(fingerprint);
            // Invariant 4: a cursor only goes back on a reset.
            let cursor = self.devices[index].replica.cursor();
            if cursor < self.devices[index].last_cursor {
                return Err(format!("invariant 4: device {index}'s cursor went back without a reset"));
            }
            self.devices[index].last_cursor = cursor;
            // Invariants 2 and 7: every op the user recorded is in the outbox, in the conflict inbox, or was let
            // go after its event was pulled — exactly one.
            let model = &self.model[tenant];
            let device = &self.devices[index];
            let mut let_go = Vec::new();
            // An op sent again only to record a refusal a restore lost is in the outbox and still in the inbox.
            let queued: HashSet<Uuid> = device
                .replica
                .outbox()
                .entries()
                .filter(|entry| entry.op.refused_before.is_none())
                .map(|entry| entry.op.op_id)
                .collect();
            // Settled ops a restore may have lost on the server, on their way back: in the journal, or in the outbox
            // to record their refusal again.
            let journal: HashSet<Uuid> = device
                .replica
                .journal()
                .entries()
                .map(|settled| settled.op.op_id)
                .chain(device.replica.outbox().entries().filter(|e| e.op.refused_before.is_some()).map(|e| e.op.op_id))
                .collect();
            for (_, op) in self.recorded.iter().filter(|(owner, _)| *owner == index) {
                let in_outbox = queued.contains(&op.op_id);
                let conflict = device.replica.conflicts().iter().find(|conflict| conflict.op_id() == op.op_id);
                match (in_outbox, conflict) {
                    (true, Some(_)) => return Err(format!("invariant 7: op {} is queued and refused", op.device_seq)),
                    (false, Some(conflict)) => match model.results.get(&op.op_id).map(|result| &result.outcome) {
                        Some(OpOutcome::Refused(refused)) if refused.code == conflict.refused.code => {}
                        None if journal.contains(&op.op_id) => {}
                        other => {
                            return Err(format!(
                                "invariant 2: op {} is in the inbox, the server decided {other:?}",
                                op.device_seq
                            ))
                        }
                    },
                    (false, None) if !device.let_go.contains(&op.op_id) => {
                        match model.results.get(&op.op_id).map(|result| &result.outcome) {
                            Some(OpOutcome::Accepted { seq }) if *seq <= cursor || device.snapshot.is_some() => {
                                let_go.push(op.op_id)
                            }
                            other => {
                                return Err(format!(
                                    "invariants 2/10: op {} of device {index} left the outbox, the server has \
                                     {other:?} (cursor {cursor})",
                                    op.device_seq
                                ))
                            }
                        }
                    }
                    (false, None) => {
                        // A restore may lose it on the server: then the device's journal still has it, to push
                        // again.
                        if !model.results.contains_key(&op.op_id) && !journal.contains(&op.op_id) {
                            return Err(format!(
                                "invariant 10: op {} of device {index} was let go, and neither the server nor the \
                                 device's journal has it",
                                op.device_seq
                            ));
                        }
                    }
                    (true, None) => {}
                }
            }
            self.devices[index].let_go.extend(let_go);
            // Invariant 8: every confirmed unit is the fold of the log up to its own last seq, and every unit the
            // log up to the cursor makes is held at least that far — whatever was killed. (After a paged
            // snapshot a unit may be ahead of the cursor; the pull skips the events it already holds.)
            let device = &self.devices[index];
            let current = device.replica.log_epoch().is_none_or(|epoch| epoch == self.epochs[tenant]);
            let held: BTreeMap<UnitKey, (Unit, u64)> = device
                .replica
                .confirmed_units()
                .map(|confirmed| (confirmed.unit.key.clone(), (confirmed.unit.clone(), confirmed.last_seq)))
                .collect();
            let upto = held.values().map(|(_, seq)| *seq).max().unwrap_or(0).max(cursor);
            if device.snapshot.is_none() && current && upto <= self.model[tenant].head() {
                self.ensure_log(tenant, upto as usize).await?;
                let mut folded: BTreeMap<&UnitKey, (Unit, u64)> = BTreeMap::new();
                for (offset, event) in self.logs[tenant][..upto as usize].iter().enumerate() {
                    let seq = offset as u64 + 1;
                    let limit = held.get(&event.unit).map_or(cursor, |(_, last)| (*last).max(cursor));
                    if seq > limit {
                        continue;
                    }
                    let before = folded.remove(&event.unit).map(|(unit, _)| unit);
                    let unit = apply(before, event).map_err(|r| format!("invariant 5: the log refuses: {r}"))?;
                    folded.insert(&event.unit, (unit, seq));
                }
                let held_refs: BTreeMap<&UnitKey, (Unit, u64)> =
                    held.iter().map(|(key, value)| (key, value.clone())).collect();
                if held_refs != folded {
                    let differing = held_refs.iter().find(|(key, unit)| folded.get(*key) != Some(*unit));
                    return Err(format!(
                        "invariant 8: device {index} holds {} units, the log up to its cursor {cursor} makes {}; \
                         {:?} is not the fold: {:?}",
                        held_refs.len(),
                        folded.len(),
                        differing,
                        differing.and_then(|(key, _)| folded.get(*key))
                    ));
                }
            }
        }
        Ok(())
    }

    /// Pulls pages until the device is at the head (bootstrapping from a snapshot on a reset).
    async fn pull_all(&mut self, index: usize) -> Result<(), String> {
        loop {
            self.stats.add("pulls", 1);
            let device = &self.devices[index];
            let (query, cursor) = (device.pull_query(500), device.replica.cursor());
            let answer = self.api.pull(&device.key, &query).await?;
            let more = matches!(&answer, PullAnswer::Page(page) if page.has_more)
                || matches!(answer, PullAnswer::Reset { .. });
            self.pulled(index, cursor, answer).await?;
            if self.devices[index].snapshot.is_some() {
                self.snapshot(index, true).await?;
            }
            if !more {
                return Ok(());
            }
        }
    }

    /// The network heals: everything gets readable, every device pushes and pulls until nothing is left.
    async fn heal(&mut self) -> Result<(), String> {
        self.note("heal".into());
        for index in 0..self.devices.len() {
            self.upgrade(index);
            self.devices[index].offline_until = 0;
        }
        for round in 1..=MAX_HEAL_ROUNDS {
            self.step += 1;
            for index in 0..self.devices.len() {
                if self.devices[index].snapshot.is_some() {
                    self.snapshot(index, true).await?;
                }
                while let Some(request) = self.devices[index].replica.next_push() {
                    self.devices[index].commit();
                    self.stats.add("pushes", 1);
                    let response = self.api.push(&self.devices[index].key, &request).await?;
                    let expected = self.model_push(index, &request);
                    same_answer(&response, &expected)?;
                    self.note(format!("heal push {index}: {:?}", response.stopped));
                    self.answer(index, &request, &response)?;
                    if response.stopped.is_some() {
                        break;
                    }
                }
                self.pull_all(index).await?;
                self.check_devices().await?;
            }
            let drained = self.devices.iter().all(|device| {
                device.replica.outbox().is_empty()
                    && !device.replica.wants_push()
                    && device.snapshot.is_none()
                    && device.replica.cursor() == self.model[device.tenant].head()
            });
            if drained {
                self.stats.max("heal_rounds_max", round);
                return Ok(());
            }
        }
        let stuck: Vec<String> = self
            .devices
            .iter()
            .map(|device| {
                format!(
                    "{}: outbox {} {:?}, cursor {} of {}, blocked {:?}",
                    device.id,
                    device.replica.outbox().len(),
                    device
                        .replica
                        .outbox()
                        .entries()
                        .map(|entry| (entry.op.device_seq, entry.delivery, entry.op.refused_before.is_some()))
                        .collect::<Vec<_>>(),
                    device.replica.cursor(),
                    self.model[device.tenant].head(),
                    device.replica.push_blocked()
                )
            })
            .collect();
        Err(format!("invariant 11: not drained after {MAX_HEAL_ROUNDS} rounds: {stuck:?}"))
    }

    /// After healing: invariants 1, 2, 3, 4, 5, 6 and 9 against the store itself.
    async fn final_checks(&mut self) -> Result<(), String> {
        let store = self.store.clone();
        for tenant in 0..self.tenants.len() {
            let tenant_id = self.tenants[tenant].id.clone();
            let model = &self.model[tenant];
            // Invariant 4: seqs 1..n, the model's events in the model's order.
            let log = self.read_log(tenant, 0).await?;
            if log.len() as u64 != model.head() {
                return Err(format!(
                    "invariant 4: tenant {tenant} logged {} events, the model {}",
                    log.len(),
                    model.head()
                ));
            }
            for (index, event) in log.iter().enumerate() {
                if model.log[index].0 != event.event_id {
                    return Err(format!("invariant 1: seq {} is another op than the model's", index + 1));
                }
            }
            self.stats.add("events", log.len() as u64);
            // Invariant 5: the log replays from empty, without a refusal, to the stored projection.
            let (folded, _) = fold_tenant(store.as_ref(), &tenant_id).await.map_err(|e| format!("invariant 5: {e}"))?;
            let stored = stored_projection(store.as_ref(), &tenant_id).await.map_err(|e| e.to_string())?;
            if folded != stored {
                return Err(format!("invariant 5: the fold of tenant {tenant}'s log is not its stored projection"));
            }
            // Invariant 1: the stored projection is the model's, and every device of the tenant holds it.
            let stored_units: BTreeMap<UnitKey, (Unit, u64)> = stored
                .iter()
                .map(|record| {
                    let unit: Unit = serde_json::from_str(&record.state).expect("a stored unit");
                    (unit.key.clone(), (unit, record.last_seq as u64))
                })
                .collect();
            let normal = |units: &BTreeMap<UnitKey, (Unit, u64)>| -> Vec<(Unit, u64)> {
                units.values().map(|(unit, seq)| (normalized(unit), *seq)).collect()
            };
            if normal(&stored_units) != normal(&model.units) {
                return Err(format!("invariant 1: tenant {tenant}'s projection is not the model's"));
            }
            for device in self.devices.iter().filter(|device| device.tenant == tenant) {
                let held: BTreeMap<UnitKey, (Unit, u64)> = device
                    .replica
                    .confirmed_units()
                    .map(|confirmed| (confirmed.unit.key.clone(), (confirmed.unit.clone(), confirmed.last_seq)))
                    .collect();
                if held != stored_units || device.replica.cursor() != model.head() {
                    return Err(format!("invariant 1: device {} did not converge", device.id));
                }
            }
            // Invariant 6: per device, the decided device_seqs are 1..=last_processed and its events keep
            // device_seq order.
            for (index, device) in self.devices.iter().enumerate().filter(|(_, device)| device.tenant == tenant) {
                let results = store
                    .device_results(&tenant_id, &device.id, 0, 1_000_000)
                    .await
                    .map_err(|error| error.to_string())?;
                let seqs: Vec<i64> = results.iter().filter_map(|result| result.device_seq).collect();
                let outcomes: std::collections::HashMap<&str, &str> =
                    results.iter().map(|result| (result.op_id.as_str(), result.outcome.as_str())).collect();
                let ops: Vec<&PendingOp> =
                    self.recorded.iter().filter(|(owner, _)| *owner == index).map(|(_, op)| op).collect();
                let expected: Vec<i64> = (1..=ops.len() as i64).collect();
                if seqs != expected {
                    return Err(format!("invariant 6: device {index}'s decided device_seqs are {seqs:?}"));
                }
                let mut last = 0;
                for event in log.iter().filter(|event| event.device_id.as_deref() == Some(&device.id)) {
                    let op = ops.iter().find(|op| op.op_id == event.event_id).ok_or("an event of no op")?;
                    if op.device_seq <= last {
                        return Err(format!("invariant 6: device {index}'s events are out of device_seq order"));
                    }
                    last = op.device_seq;
                }
                // Invariant 2: accepted (one event, not in the inbox) or refused (a result row, the payload
                // kept, in the inbox, no event) — never both, never neither.
                for op in &ops {
                    let events = log.iter().filter(|event| event.event_id == op.op_id).count();
                    let in_inbox = device.replica.conflicts().iter().any(|conflict| conflict.op_id() == op.op_id);
                    let op_id = op.op_id.to_string();
                    let outcome = outcomes.get(op_id.as_str()).copied();
                    let payload = match outcome {
                        Some("accepted") => None,
                        _ => store.refused_payload(&tenant_id, &op_id).await.map_err(|e| e.to_string())?,
                    };
                    let fine = match outcome {
                        Some("accepted") => events == 1 && !in_inbox && payload.is_none(),
                        Some("refused") => events == 0 && in_inbox && payload.is_some(),
                        _ => false,
                    };
                    if !fine {
                        return Err(format!(
                            "invariant 2: op {} of device {index}: {outcome:?}, {events} events, in the inbox: \
                             {in_inbox}, payload kept: {}",
                            op.device_seq,
                            payload.is_some()
                        ));
                    }
                    match outcome {
                        Some("accepted") => self.stats.add("accepted", 1),
                        _ => self.stats.add("refused", 1),
                    }
                }
            }
            // Invariant 9: every event is an op of this tenant's devices or a registration of its own.
            let own: HashSet<Uuid> = self
                .recorded
                .iter()
                .filter(|(owner, _)| self.devices[*owner].tenant == tenant)
                .map(|(_, op)| op.op_id)
                .collect();
            for event in &log {
                let foreign = self
                    .recorded
                    .iter()
                    .any(|(owner, op)| self.devices[*owner].tenant != tenant && op.op_id == event.event_id);
                if foreign || (event.device_id.is_some() && !own.contains(&event.event_id)) {
                    return Err(format!("invariant 9: tenant {tenant}'s log holds op {}", event.event_id));
                }
            }
        }
        // Invariant 9: a device id of one organisation cannot push into another.
        let known = self.devices.iter().find(|device| {
            device.tenant == 0 && self.model[0].last_processed.get(&device.id).is_some_and(|seq| *seq > 0)
        });
        if let Some(device) = known {
            let intruder = PushRequest { device_id: device.id.clone(), ops: Vec::new() };
            let foreign_key = self.tenants[1].supervisor.0.clone();
            match self.api.push(&foreign_key, &intruder).await {
                Err(error) if error.contains("409") => self.stats.add("isolation_probes", 1),
                other => return Err(format!("invariant 9: another organisation pushed as {}: {other:?}", device.id)),
            }
        }
        // Invariant 3: every op pushed once more, in batches, is answered as decided and adds nothing.
        for index in 0..self.devices.len() {
            let tenant = self.devices[index].tenant;
            let ops: Vec<PendingOp> =
                self.recorded.iter().filter(|(owner, _)| *owner == index).map(|(_, op)| op.clone()).collect();
            let head = self.model[tenant].head();
            for batch in ops.chunks(MAX_PUSH_OPS) {
                let request = PushRequest { device_id: self.devices[index].id.clone(), ops: batch.to_vec() };
                let response = self.api.push(&self.devices[index].key, &request).await?;
                if response.head_seq != head || response.stopped.is_some() || response.results.len() != batch.len() {
                    return Err(format!("invariant 3: a replayed push changed something: {response:?}"));
                }
                for result in &response.results {
                    same_outcome(result, self.model[tenant].results.get(&result.op_id))
                        .map_err(|e| format!("invariant 3: {e}"))?;
                }
            }
            let after = self.store.tenant(&self.tenants[tenant].id).await.map_err(|e| e.to_string())?;
            if after.map(|record| record.last_seq as u64) != Some(head) {
                return Err("invariant 3: a replayed push added events".into());
            }
        }
        Ok(())
    }
}

fn same_outcome(result: &OpResult, model: Option<&OpResult>) -> Result<(), String> {
    let same = match (&result.outcome, model.map(|model| &model.outcome)) {
        (OpOutcome::Accepted { seq }, Some(OpOutcome::Accepted { seq: expected })) => seq == expected,
        (OpOutcome::Refused(refused), Some(OpOutcome::Refused(expected))) => refused.code == expected.code,
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!("op {} answered {:?}, the model decided {model:?}", result.device_seq, result.outcome))
    }
}

/// GET /snapshot's page as the device's `SnapshotPage`.
fn snapshot_page(answer: &serde_json::Value) -> Result<SnapshotPage, String> {
    let as_of_seq = answer["as_of_seq"].as_u64().ok_or("a snapshot without as_of_seq")?;
    let log_epoch = Uuid::parse_str(answer["log_epoch"].as_str().ok_or("a snapshot without log_epoch")?)
        .map_err(|error| error.to_string())?;
    let mut units = Vec::new();
    for held in answer["units"].as_array().ok_or("a snapshot without units")? {
        let unit: Unit = serde_json::from_value(held["unit"]["state"].clone()).map_err(|e| e.to_string())?;
        let last_seq = held["unit"]["last_seq"].as_u64().ok_or("a unit without last_seq")?;
        units.push(SnapshotUnit { last_seq, unit });
    }
    let has_more = answer["has_more"].as_bool().ok_or("a snapshot without has_more")?;
    Ok(SnapshotPage { as_of_seq, log_epoch, units, next_after: None, has_more })
}
