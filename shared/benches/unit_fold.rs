//! Time to fold 1,000,000 events: 100,000 units × 10 events each.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serialtrack_shared::ids::{Gtin, Serial};
use serialtrack_shared::unit::*;
use std::hint::black_box;
use time::macros::datetime;

fn life_of(serial: u32) -> Vec<RecordedEvent> {
    let key = UnitKey::sgtin(&Gtin::parse("09506000134352").unwrap(), Serial::parse(&format!("S{serial}")).unwrap());
    let actor = Actor { name: "bench".into(), role: Role::Supervisor, party: None };
    let steps = [
        (UnitCommand::Commission { lot: None, expiry: None, location: None, owner: None }, None, UnitStatus::Available),
        (UnitCommand::Move { location: "Line 1".into() }, Some(UnitStatus::Available), UnitStatus::Available),
        (UnitCommand::Allocate { order: "SO-1".into() }, Some(UnitStatus::Available), UnitStatus::Allocated),
        (UnitCommand::Pick { order: None }, Some(UnitStatus::Allocated), UnitStatus::Picked),
        (
            UnitCommand::Ship { carrier: None, tracking: None, destination: None },
            Some(UnitStatus::Picked),
            UnitStatus::Shipped,
        ),
        (UnitCommand::Deliver { receiver: None }, Some(UnitStatus::Shipped), UnitStatus::Delivered),
        (UnitCommand::AddNote { text: "ok".into() }, Some(UnitStatus::Delivered), UnitStatus::Delivered),
        (
            UnitCommand::StartService { reason: "warranty".into() },
            Some(UnitStatus::Delivered),
            UnitStatus::UnderService,
        ),
        (UnitCommand::Repair { notes: None }, Some(UnitStatus::UnderService), UnitStatus::Available),
        (UnitCommand::TransferOwnership { owner: "Shop".into() }, Some(UnitStatus::Available), UnitStatus::Available),
    ];
    steps
        .into_iter()
        .enumerate()
        .map(|(index, (what, from, to))| RecordedEvent {
            schema_version: EVENT_SCHEMA_VERSION,
            event_id: uuid::Uuid::from_u128(u128::from(serial) * 16 + index as u128),
            unit: key.clone(),
            at: datetime!(2026-11-23 10:00 UTC) + time::Duration::minutes(index as i64),
            actor: actor.clone(),
            device_id: None,
            observed_at: None,
            event: UnitEvent { what, from, to, approved_by: None },
        })
        .collect()
}

fn fold_million(c: &mut Criterion) {
    let lives: Vec<Vec<RecordedEvent>> = (0..100_000).map(life_of).collect();
    let mut group = c.benchmark_group("unit_fold");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("1_000_000_events_100_000_units", |b| {
        b.iter(|| {
            let mut units = 0;
            for life in &lives {
                if fold(black_box(life)).expect("a valid life").is_some() {
                    units += 1;
                }
            }
            units
        })
    });
    group.finish();
}

criterion_group!(benches, fold_million);
criterion_main!(benches);
