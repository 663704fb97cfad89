//! JSON the server keeps as text (a unit's state, an event's payload) goes out as it is, checked but not
//! parsed into values and written again: a snapshot page carries a thousand units and their histories.

use serde_json::value::RawValue;

/// The stored text as a JSON value of a response; text that is not JSON (never written by this server) goes
/// out as `null`, as before.
pub fn stored_json(text: String) -> Box<RawValue> {
    RawValue::from_string(text).unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("null is JSON"))
}
