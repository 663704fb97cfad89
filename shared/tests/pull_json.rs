//! A pull answer read from JSON is the answer the server wrote: a page (events, op results) or a reset with
//! its reason. `PullAnswer` is read through a flat struct (`shared/src/sync/pull.rs`), so both kinds, every
//! reset reason and the refusals are walked here.

use serialtrack_shared::sync::{PullAnswer, ResetReason};

const PAGE: &str = r#"{"answer":"page","log_epoch":"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f",
  "events":[{"seq":7,"op_id":"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e60",
             "unit":{"product":{"schema":"gtin","code":"09506000134352"},"serial":"B9"},
             "event":{"event":{"what":{"type":"commission"}}}}],
  "next_cursor":7,"head_seq":9,"has_more":true,
  "op_results":[{"op_id":"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e61","device_seq":3,"outcome":{"kind":"accepted","seq":7}},
                {"op_id":"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e62","device_seq":4,
                 "outcome":{"kind":"refused","code":"invalid_transition","message":"no","unit_state":null,"last_change":null}}]}"#;

fn reads_back(answer: &PullAnswer) {
    let text = serde_json::to_string(answer).unwrap();
    assert_eq!(&serde_json::from_str::<PullAnswer>(&text).unwrap(), answer, "{text}");
}

#[test]
fn a_page_reads_with_its_events_and_op_results_and_writes_back_the_same() {
    let PullAnswer::Page(page) = serde_json::from_str::<PullAnswer>(PAGE).unwrap() else { panic!("not a page") };
    assert_eq!((page.events.len(), page.next_cursor, page.head_seq, page.has_more), (1, 7, 9, true));
    assert_eq!(page.op_results.len(), 2);
    reads_back(&PullAnswer::Page(page.clone()));
    // An older server sent no op results.
    let without: serde_json::Value = serde_json::from_str(&PAGE.replace(r#""op_results""#, r#""ignored""#)).unwrap();
    let PullAnswer::Page(older) = serde_json::from_value::<PullAnswer>(without).unwrap() else { panic!() };
    assert!(older.op_results.is_empty());
}

#[test]
fn every_reset_reason_reads_back() {
    let epoch = uuid::Uuid::from_u128(7);
    let reasons = [
        ResetReason::CursorBelowRetention { cursor: 3, floor: 10 },
        ResetReason::EpochChanged { device_epoch: epoch, server_epoch: uuid::Uuid::from_u128(8) },
        ResetReason::CursorAheadOfHead { cursor: 30, head: 10 },
        ResetReason::EventsOutOfOrder { after: 5, got: 4 },
        ResetReason::UnreadableEvent { seq: 9, why: "newer vocabulary".into() },
    ];
    for why in reasons {
        reads_back(&PullAnswer::Reset { why });
    }
}

#[test]
fn an_answer_missing_what_its_kind_needs_is_refused_saying_what() {
    let cases = [
        (r#"{"why":{"reason":"cursor_ahead_of_head","cursor":3,"head":1}}"#, "missing field `answer`"),
        (r#"{"answer":"later"}"#, "unknown variant `later`"),
        (r#"{"answer":"reset"}"#, "missing field `why`"),
        (r#"{"answer":"reset","why":{"reason":"bored"}}"#, "unknown variant `bored`"),
        (
            r#"{"answer":"page","log_epoch":"7d9f3a4e-0c1b-4d2a-9e8f-1a2b3c4d5e6f","next_cursor":1,"head_seq":1,"has_more":false}"#,
            "missing field `events`",
        ),
        (r#"{"answer":"page","events":[],"next_cursor":1,"head_seq":1,"has_more":false}"#, "missing field `log_epoch`"),
        (
            r#"{"answer":"page","log_epoch":"not a uuid","events":[],"next_cursor":1,"head_seq":1,"has_more":false}"#,
            "UUID",
        ),
    ];
    for (json, why) in cases {
        let error = serde_json::from_str::<PullAnswer>(json).expect_err(json).to_string();
        assert!(error.to_lowercase().contains(&why.to_lowercase()), "{json}: {error} does not say {why}");
    }
}
