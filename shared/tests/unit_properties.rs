//! Properties of the lifecycle over random schedules of commands.

mod unit_support;

use proptest::prelude::*;
use serialtrack_shared::unit::*;
use unit_support::*;

fn kind() -> impl Strategy<Value = CommandKind> {
    proptest::sample::select(ALL_KINDS.to_vec())
}

fn state() -> impl Strategy<Value = Option<Unit>> {
    prop_oneof![Just(None), proptest::sample::select(UnitStatus::ALL.to_vec()).prop_map(|s| Some(unit_in(s)))]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Replaying any schedule of commands, accepted or not, never panics, and every accepted event applies.
    #[test]
    fn replay_never_panics_and_accepted_events_always_apply(kinds in proptest::collection::vec(kind(), 0..60)) {
        let mut state: Option<Unit> = None;
        for (index, kind) in kinds.into_iter().enumerate() {
            if let Ok(events) = decide(state.as_ref(), &sample(kind)) {
                for event in events {
                    let recorded = record(event, NOW, index as u128);
                    state = Some(apply(state.clone(), &recorded).expect("an event handle produced applies"));
                }
            }
        }
    }

    /// `apply` accepts an event exactly when `handle` would have produced it from that state.
    #[test]
    fn apply_refuses_exactly_what_handle_refuses(given in state(), kind in kind(), to in proptest::sample::select(UnitStatus::ALL.to_vec())) {
        let command = sample(kind);
        let from = given.as_ref().map(|unit| unit.status);
        let decided = decide(given.as_ref(), &command);
        let event = UnitEvent { what: command, from, to, approved_by: None };
        let applied = apply(given, &record(event, NOW, 1));
        let handle_would = matches!(&decided, Ok(events) if events[0].to == to);
        prop_assert_eq!(applied.is_ok(), handle_would, "handle: {:?}, apply: {:?}", decided, applied);
    }

    /// Folding the same events gives the same unit, every time.
    #[test]
    fn folding_is_deterministic(kinds in proptest::collection::vec(kind(), 0..40)) {
        let mut state: Option<Unit> = None;
        let mut log = Vec::new();
        for (index, kind) in kinds.into_iter().enumerate() {
            if let Ok(events) = decide(state.as_ref(), &sample(kind)) {
                for event in events {
                    let recorded = record(event, NOW + time::Duration::seconds(index as i64), index as u128);
                    state = Some(apply(state.clone(), &recorded).unwrap());
                    log.push(recorded);
                }
            }
        }
        let first = fold(&log).unwrap();
        let second = fold(&log).unwrap();
        prop_assert_eq!(&first, &second);
        prop_assert_eq!(first, state, "folding the log gives the state built event by event");
    }

    /// Commands survive JSON unchanged (they travel through outboxes and the API).
    #[test]
    fn commands_round_trip_through_json(kind in kind()) {
        let command = sample(kind);
        let json = serde_json::to_string(&command).unwrap();
        prop_assert_eq!(serde_json::from_str::<UnitCommand>(&json).unwrap(), command);
    }
}
