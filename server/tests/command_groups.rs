//! Many commands at once, told to every backend: what `unit_apply` guarantees however the backend groups them
//! (SQLite commits concurrent commands together, each in its own savepoint).

mod support;

use serialtrack_server::store::{
    Decision, NewEvent, NewProduct, NewUnit, OpInput, OpOutcome, Store, StoreError, UnitChange, UnitRecord,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use support::databases;

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let database = super::databases::sqlite().await;
                super::$name(database.store.clone()).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(database) = super::databases::postgres(stringify!($name)).await {
                    super::$name(database.store.clone()).await;
                }
            })*
        }
    };
}

on_both_backends!(
    concurrent_commands_get_gap_free_seqs_in_order,
    commands_on_one_unit_each_see_the_one_before,
    a_refused_or_failing_command_leaves_the_others_alone,
    the_same_op_id_at_once_is_applied_once,
    callers_that_go_away_leave_no_trace,
);

/// A tenant with `count` registered units (seqs 1..=count).
async fn tenant_with_units(store: &Arc<dyn Store>, count: usize) -> (String, Vec<UnitRecord>) {
    let tenant = store.tenant_create("Busy", "brand_owner").await.unwrap();
    let product = NewProduct {
        code_schema: "internal".into(),
        code: "P-1".into(),
        gtin: None,
        name: "Product".into(),
        serial_source: "generated".into(),
        serial_scheme: "{}".into(),
        workflow: "{}".into(),
        details: "{}".into(),
    };
    let product = store.product_create(&tenant.id, product).await.unwrap();
    let (units, events): (Vec<NewUnit>, Vec<NewEvent>) = (0..count)
        .map(|n| {
            let id = uuid::Uuid::now_v7().to_string();
            let unit = NewUnit {
                id: id.clone(),
                product_id: product.id.clone(),
                serial: format!("U{n}"),
                lot: None,
                change: UnitChange { status: "available".into(), state: "0".into() },
            };
            (unit, event(&id, &uuid::Uuid::now_v7().to_string()))
        })
        .unzip();
    store.units_register(&tenant.id, &units, &events).await.unwrap();
    let units = store.projection(&tenant.id, "", 10_000).await.unwrap();
    (tenant.id, units)
}

fn event(unit_id: &str, op_id: &str) -> NewEvent {
    NewEvent {
        op_id: op_id.into(),
        op_index: 0,
        unit_id: unit_id.into(),
        kind: "registered".into(),
        payload: "{}".into(),
        actor: "tester".into(),
        device_id: None,
        device_seq: None,
    }
}

fn op(unit_id: &str, op_id: &str) -> OpInput {
    OpInput {
        op_id: op_id.into(),
        unit_id: unit_id.into(),
        actor: "tester".into(),
        device_id: None,
        device_seq: None,
        payload: format!(r#"{{"op":"{op_id}"}}"#),
    }
}

fn new_op(unit_id: &str) -> OpInput {
    op(unit_id, &uuid::Uuid::new_v4().to_string())
}

/// Counts: the state is the number of commands the unit took; each adds one event, or two when `events` is 2.
fn count_up(unit: &UnitRecord, events: usize) -> Decision {
    let seen: i64 = unit.state.parse().unwrap();
    Decision::Accept {
        events: (0..events)
            .map(|index| ("counted".to_owned(), format!(r#"{{"seen":{seen},"index":{index}}}"#)))
            .collect(),
        change: UnitChange { status: "available".into(), state: (seen + 1).to_string() },
    }
}

async fn log_seqs(store: &Arc<dyn Store>, tenant_id: &str) -> Vec<i64> {
    store.events_since(tenant_id, 0, 100_000).await.unwrap().iter().map(|event| event.seq).collect()
}

async fn concurrent_commands_get_gap_free_seqs_in_order(store: Arc<dyn Store>) {
    let (tenant_id, units) = tenant_with_units(&store, 50).await;
    // 200 commands at once over 50 units, some with two events.
    let tasks: Vec<_> = (0..200)
        .map(|n| {
            let (store, tenant_id, unit_id) = (store.clone(), tenant_id.clone(), units[n % 50].id.clone());
            tokio::spawn(async move {
                let events = 1 + n % 2;
                store.unit_apply(&tenant_id, new_op(&unit_id), &move |unit| count_up(unit, events)).await
            })
        })
        .collect();
    let mut answered = Vec::new();
    for task in tasks {
        let OpOutcome::Accepted { events, unit } = task.await.unwrap().unwrap() else { panic!("accepted") };
        assert_eq!(events.last().unwrap().seq, unit.last_seq, "the unit's last seq is its command's last event");
        answered.extend(events.iter().map(|event| event.seq));
    }
    let log = log_seqs(&store, &tenant_id).await;
    assert_eq!(log, (1..=50 + 300).collect::<Vec<_>>(), "gap-free");
    answered.sort();
    assert_eq!(answered, (51..=350).collect::<Vec<_>>(), "each seq answered once");
    // The events of one command are consecutive and numbered in order.
    let events = store.events_since(&tenant_id, 50, 1000).await.unwrap();
    for pair in events.windows(2) {
        if pair[0].op_id == pair[1].op_id {
            assert_eq!((pair[1].seq, pair[1].op_index), (pair[0].seq + 1, pair[0].op_index + 1));
        }
    }
    let tenant = store.tenant(&tenant_id).await.unwrap().unwrap();
    assert_eq!(tenant.last_seq, 350);
}

async fn commands_on_one_unit_each_see_the_one_before(store: Arc<dyn Store>) {
    let (tenant_id, units) = tenant_with_units(&store, 1).await;
    let unit_id = units[0].id.clone();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (store, tenant_id, unit_id) = (store.clone(), tenant_id.clone(), unit_id.clone());
            tokio::spawn(async move { store.unit_apply(&tenant_id, new_op(&unit_id), &|unit| count_up(unit, 1)).await })
        })
        .collect();
    let mut states = HashSet::new();
    for task in tasks {
        let OpOutcome::Accepted { unit, .. } = task.await.unwrap().unwrap() else { panic!("accepted") };
        assert_eq!(unit.version - 1, unit.state.parse::<i64>().unwrap());
        states.insert(unit.state);
    }
    assert_eq!(states.len(), 100, "every command decided on the unit as the one before left it");
    let unit = store.unit(&tenant_id, &unit_id).await.unwrap().unwrap();
    assert_eq!((unit.state.as_str(), unit.version, unit.last_seq), ("100", 101, 101));
    // In log order each event saw the state the event before it left.
    let history = store.unit_history(&tenant_id, &unit_id, None, 500).await.unwrap();
    for (age, event) in history.iter().rev().skip(1).enumerate() {
        assert_eq!(event.payload, format!(r#"{{"seen":{age},"index":0}}"#));
    }
}

async fn a_refused_or_failing_command_leaves_the_others_alone(store: Arc<dyn Store>) {
    let (tenant_id, units) = tenant_with_units(&store, 60).await;
    // An op id an import already used for an event: recording it fails on the events' unique op id.
    let clashing = uuid::Uuid::new_v4().to_string();
    store.events_append(&tenant_id, &[event(&units[0].id, &clashing)]).await.unwrap();
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let (store, tenant_id, unit_id) = (store.clone(), tenant_id.clone(), units[n].id.clone());
            let op = if n == 30 { op(&unit_id, &clashing) } else { new_op(&unit_id) };
            tokio::spawn(async move {
                let op_id = op.op_id.clone();
                let decide = move |unit: &UnitRecord| {
                    if n % 3 == 1 {
                        Decision::Refuse { code: "not_now".into(), message: format!("unit {n} says no") }
                    } else {
                        count_up(unit, 1)
                    }
                };
                (n, op_id, store.unit_apply(&tenant_id, op, &decide).await)
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        let (n, op_id, outcome) = task.await.unwrap();
        match outcome {
            Ok(OpOutcome::Accepted { .. }) => {
                assert!(n % 3 != 1 && n != 30);
                accepted += 1;
            }
            Ok(OpOutcome::Refused { result, unit }) => {
                assert_eq!((n % 3, result.reason_code.as_deref(), unit.state.as_str()), (1, Some("not_now"), "0"));
                let payload = store.refused_payload(&tenant_id, &op_id).await.unwrap();
                assert_eq!(payload, Some(format!(r#"{{"op":"{op_id}"}}"#)), "the refused command is kept whole");
            }
            Err(StoreError::Conflict(_)) => assert_eq!(n, 30),
            other => panic!("command {n}: {other:?}"),
        }
    }
    assert_eq!(accepted, 39);
    assert_eq!(log_seqs(&store, &tenant_id).await, (1..=61 + 39).collect::<Vec<_>>(), "gap-free");
    assert!(store.op_result(&tenant_id, &clashing).await.unwrap().is_none(), "the failed command left nothing");
    let projection = store.projection(&tenant_id, "", 1000).await.unwrap();
    let states: HashMap<&str, &str> = projection.iter().map(|unit| (unit.id.as_str(), unit.state.as_str())).collect();
    for (n, unit) in units.iter().enumerate() {
        let expected = if n % 3 == 1 || n == 30 { "0" } else { "1" };
        assert_eq!(states[unit.id.as_str()], expected, "unit {n}");
    }
}

async fn the_same_op_id_at_once_is_applied_once(store: Arc<dyn Store>) {
    let (tenant_id, units) = tenant_with_units(&store, 20).await;
    let repeated = uuid::Uuid::new_v4().to_string();
    let tasks: Vec<_> = (0..60)
        .map(|n| {
            let (store, tenant_id) = (store.clone(), tenant_id.clone());
            // Every third command is the same op on unit 0; the others are new ops on other units.
            let op = if n % 3 == 0 { op(&units[0].id, &repeated) } else { new_op(&units[1 + n % 19].id) };
            tokio::spawn(async move { (n, store.unit_apply(&tenant_id, op, &|unit| count_up(unit, 1)).await.unwrap()) })
        })
        .collect();
    let (mut first, mut repeats, mut others) = (Vec::new(), Vec::new(), 0);
    for task in tasks {
        match task.await.unwrap() {
            (n, OpOutcome::Accepted { events, .. }) if n % 3 == 0 => first.push(events[0].seq),
            (_, OpOutcome::Accepted { .. }) => others += 1,
            (n, OpOutcome::Repeated { result }) if n % 3 == 0 => repeats.push(result.seq),
            (n, outcome) => panic!("command {n}: {outcome:?}"),
        }
    }
    assert_eq!((first.len(), repeats.len(), others), (1, 19, 40));
    assert!(repeats.iter().all(|seq| *seq == Some(first[0])), "every repeat answers the first result");
    let unit = store.unit(&tenant_id, &units[0].id).await.unwrap().unwrap();
    assert_eq!((unit.state.as_str(), unit.version), ("1", 2), "applied once");
    assert_eq!(log_seqs(&store, &tenant_id).await, (1..=20 + 41).collect::<Vec<_>>());
}

async fn callers_that_go_away_leave_no_trace(store: Arc<dyn Store>) {
    let (tenant_id, units) = tenant_with_units(&store, 40).await;
    let tasks: Vec<_> = (0..120)
        .map(|n| {
            let (store, tenant_id, unit_id) = (store.clone(), tenant_id.clone(), units[n % 40].id.clone());
            let op = new_op(&unit_id);
            let op_id = op.op_id.clone();
            let task = tokio::spawn(async move { store.unit_apply(&tenant_id, op, &|unit| count_up(unit, 1)).await });
            if n % 4 == 0 {
                task.abort();
            }
            (op_id, task)
        })
        .collect();
    let mut finished = 0;
    for (op_id, task) in tasks {
        let finished_here = matches!(task.await, Ok(Ok(OpOutcome::Accepted { .. })));
        let stored = store.op_result(&tenant_id, &op_id).await.unwrap();
        if finished_here {
            finished += 1;
            assert!(stored.is_some(), "an accepted command is stored");
        }
        if let Some(stored) = stored {
            let log = store.events_since(&tenant_id, stored.seq.unwrap() - 1, 1).await.unwrap();
            assert_eq!(log[0].op_id, op_id, "a stored result has its event");
        }
    }
    assert!(finished >= 90);
    // Whatever the aborted ones did or not, the log is gap-free and matches the units.
    let log = log_seqs(&store, &tenant_id).await;
    assert_eq!(log, (1..=log.len() as i64).collect::<Vec<_>>());
    let projection = store.projection(&tenant_id, "", 1000).await.unwrap();
    let commands: i64 = projection.iter().map(|unit| unit.state.parse::<i64>().unwrap()).sum();
    assert_eq!(commands, log.len() as i64 - 40);
    // And the store still takes commands.
    let outcome = store.unit_apply(&tenant_id, new_op(&units[0].id), &|unit| count_up(unit, 1)).await.unwrap();
    assert!(matches!(outcome, OpOutcome::Accepted { .. }));
}
