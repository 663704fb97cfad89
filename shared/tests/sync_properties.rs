//! Properties of the sync protocol over random schedules: two devices act on three units while pushes are
//! answered or lost, pages are pulled (and applied twice) and devices are reset; then the network heals.
//! The model server runs the same `decide_push` and state machine the real server does.

mod sync_support;
mod unit_support;

use proptest::prelude::*;
use serialtrack_shared::sync::*;
use serialtrack_shared::unit::*;
use sync_support::*;
use unit_support::{sample, ALL_KINDS};

#[derive(Debug, Clone)]
enum Step {
    Record { device: usize, unit: u32, kind: CommandKind },
    Push { device: usize, answer_lost: bool },
    Pull { device: usize, limit: usize },
    Reset { device: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let kind = prop_oneof![1 => Just(CommandKind::Commission), 3 => proptest::sample::select(ALL_KINDS.to_vec())];
    prop_oneof![
        4 => (0..2usize, 1..4u32, kind).prop_map(|(device, unit, kind)| Step::Record { device, unit, kind }),
        2 => (0..2usize, any::<bool>()).prop_map(|(device, answer_lost)| Step::Push { device, answer_lost }),
        2 => (0..2usize, 1..6usize).prop_map(|(device, limit)| Step::Pull { device, limit }),
        1 => (0..2usize).prop_map(|device| Step::Reset { device }),
    ]
}

/// The world after a schedule: the server, the devices, and every op a device accepted from its user.
struct World {
    server: ModelServer,
    devices: Vec<DeviceReplica>,
    recorded: Vec<PendingOp>,
    /// Per device, the highest cursor it ever had: ops whose events lie below it have left its outbox, even if
    /// a reset since then took the cursor back to 0 (they come back with the next bootstrap).
    high_water: Vec<u64>,
}

/// Runs a schedule, checking at each step the properties that hold along the way.
fn run(steps: &[Step]) -> Result<World, TestCaseError> {
    let mut world = World {
        server: ModelServer::default(),
        devices: vec![DeviceReplica::new("tablet-a"), DeviceReplica::new("tablet-b")],
        recorded: Vec::new(),
        high_water: vec![0, 0],
    };
    for (index, step) in steps.iter().enumerate() {
        let World { server, devices, recorded, .. } = &mut world;
        match step.clone() {
            Step::Record { device, unit, kind } => {
                let id = 1000 + index as u128;
                let made =
                    with_context(|context| devices[device].record(unit_key(unit), sample(kind), context, op_id(id)));
                if let Ok(op) = made {
                    recorded.push(op);
                }
            }
            Step::Push { device, answer_lost } => {
                let Some(request) = devices[device].next_push() else { continue };
                let response = server.push(&request);
                if answer_lost {
                    devices[device].on_push_failed();
                    continue;
                }
                devices[device].on_push_response(&response);
                prop_assert!(!matches!(response.stopped, Some(Stop::Gap { .. })), "a device pushed with a gap");
                if response.stopped.is_none() {
                    // A refused op never blocks later ones: every op of the push has its answer.
                    for op in &request.ops {
                        let status = devices[device].op_status(op.op_id);
                        prop_assert!(
                            matches!(status, None | Some(OpStatus::Confirmed | OpStatus::Refused)),
                            "op {} is {:?} after its push was answered",
                            op.device_seq,
                            status
                        );
                    }
                }
            }
            Step::Pull { device, limit } => {
                let device = &mut devices[device];
                let PullAnswer::Page(page) = server.pull(device.device_id(), &device.pull_request(), limit) else {
                    return Err(TestCaseError::fail("the model server never resets"));
                };
                let before = device.cursor();
                device.on_pull_page(&page).map_err(|problem| TestCaseError::fail(problem.to_string()))?;
                prop_assert!(device.cursor() >= before, "the cursor went back from {} to {}", before, device.cursor());
                let once = device.clone();
                device.on_pull_page(&page).map_err(|problem| TestCaseError::fail(problem.to_string()))?;
                prop_assert_eq!(&*device, &once, "applying the same page again changed the device");
            }
            Step::Reset { device } => devices[device].on_reset(),
        }
        for (device, high_water) in world.devices.iter().zip(world.high_water.iter_mut()) {
            *high_water = (*high_water).max(device.cursor());
            check_optimistic_view(device, &world.server, &world.recorded, *high_water)?;
        }
    }
    Ok(world)
}

/// The optimistic view = fold(the log's events up to the cursor), then the device's pending ops in device_seq
/// order, skipping those that fail. Computed here from the server's log and the ops the user recorded, not from
/// the device's projection or outbox: pending = recorded on this device, not refused, event not yet under the
/// highest cursor the device had.
fn check_optimistic_view(
    device: &DeviceReplica,
    server: &ModelServer,
    recorded: &[PendingOp],
    high_water: u64,
) -> Result<(), TestCaseError> {
    let confirmed_log = &server.log[..device.cursor() as usize];
    let let_go = &server.log[..high_water as usize];
    for unit in (1..4).map(unit_key) {
        let confirmed: Vec<&RecordedEvent> = confirmed_log.iter().filter(|event| event.unit == unit).collect();
        let mut expected = fold(confirmed).map_err(|refusal| TestCaseError::fail(refusal.to_string()))?;
        prop_assert_eq!(device.confirmed(&unit).map(|held| &held.unit), expected.as_ref(), "confirmed state");
        let pending = recorded.iter().filter(|op| {
            op.device_id == device.device_id()
                && op.unit == unit
                && !device.conflicts().iter().any(|conflict| conflict.op_id() == op.op_id)
                && !let_go.iter().any(|event| event.event_id == op.op_id)
        });
        for op in pending {
            if let Some(next) = replay(expected.clone(), op) {
                expected = Some(next);
            }
        }
        prop_assert_eq!(device.optimistic(&unit, &default_workflow()).unit, expected, "optimistic view");
    }
    Ok(())
}

fn replay(state: Option<Unit>, op: &PendingOp) -> Option<Unit> {
    let workflow = default_workflow();
    let context =
        CommandContext { actor: &op.actor, now: op.client_time, workflow: &workflow, approval: op.approval.clone() };
    let events = handle(state.as_ref(), &op.command()?, &context).ok()?;
    let mut state = state;
    for event in events {
        let recorded = RecordedEvent {
            schema_version: EVENT_SCHEMA_VERSION,
            event_id: op.op_id,
            unit: op.unit.clone(),
            at: op.client_time,
            actor: op.actor.clone(),
            device_id: Some(op.device_id.clone()),
            observed_at: Some(op.client_time),
            event,
        };
        state = Some(apply(state, &recorded).ok()?);
    }
    state
}

/// The network heals: each device syncs until drained, then pulls what the other pushed.
fn heal(world: &mut World) {
    let World { server, devices, .. } = world;
    for device in devices.iter_mut() {
        sync(device, server);
    }
    for device in devices.iter_mut() {
        sync(device, server);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Along the way: cursors never go back, a page applies idempotently, the optimistic view is the fold of
    /// the confirmed events plus the pending ops, and a refused op never blocks the ops after it.
    #[test]
    fn the_device_stays_consistent_with_the_log_at_every_step(steps in proptest::collection::vec(step(), 0..60)) {
        run(&steps)?;
    }

    /// No op is ever dropped: once the network heals, every recorded op is either in the log exactly once and
    /// gone from the outbox, or refused and in its device's conflict inbox with no event — never both, never
    /// neither.
    #[test]
    fn every_recorded_op_ends_in_the_log_or_in_the_conflict_inbox(steps in proptest::collection::vec(step(), 0..60)) {
        let mut world = run(&steps)?;
        heal(&mut world);
        for op in &world.recorded {
            let device = world.devices.iter().find(|device| device.device_id() == op.device_id).unwrap();
            let events = world.server.log.iter().filter(|event| event.event_id == op.op_id).count();
            let in_inbox = device.conflicts().iter().any(|conflict| conflict.op == *op);
            prop_assert!(device.outbox().find(op.op_id).is_none(), "op {} is still in the outbox", op.op_id);
            prop_assert!(
                (events == 1 && !in_inbox) || (events == 0 && in_inbox),
                "op {} has {} events and is {} the inbox", op.op_id, events, if in_inbox { "in" } else { "not in" }
            );
        }
    }

    /// Convergence: after healing, every device's confirmed units are the server's projection, and the log
    /// replays from empty without a refusal to that same projection.
    #[test]
    fn after_healing_every_device_holds_the_server_s_projection(steps in proptest::collection::vec(step(), 0..60)) {
        let mut world = run(&steps)?;
        heal(&mut world);
        for (key, (unit, last_seq)) in &world.server.units {
            let replayed = fold(world.server.log.iter().filter(|event| event.unit == *key));
            prop_assert_eq!(replayed.as_ref().ok().and_then(|unit| unit.as_ref()), Some(unit));
            for device in &world.devices {
                let held = device.confirmed(key).map(|held| (&held.unit, held.last_seq));
                prop_assert_eq!(held, Some((unit, *last_seq)), "{} differs", device.device_id());
            }
        }
        for device in &world.devices {
            prop_assert_eq!(device.confirmed_units().count(), world.server.units.len());
            prop_assert_eq!(device.cursor(), world.server.head());
        }
    }
}
