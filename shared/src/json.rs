//! Typed values in and out of a `serde_json::Value`, the form the wire types keep a command, an event or a
//! unit state in when they must carry one they may not be able to read.
//!
//! serde compiles a type's reader once per input it reads from. The server reads from a `Value` directly. The
//! browser app reads every one of these types from JSON text anyway (the server's answers, its IndexedDB
//! records), so in wasm32 a `Value` is written out as text and read with that same reader: a second reader of
//! the whole command and event vocabulary (the largest functions in the app) stays out of the download
//! (README.md, "The app's weight"). The answers are the same either way; only the path differs.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// `serde_json::from_value`, through text in wasm32.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
    #[cfg(target_arch = "wasm32")]
    {
        serde_json::from_str(&value.to_string())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        T::deserialize(value)
    }
}

/// `serde_json::to_value`, through text in wasm32.
pub fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
    #[cfg(target_arch = "wasm32")]
    {
        serde_json::from_str(&serde_json::to_string(value)?)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        serde_json::to_value(value)
    }
}

/// A field a tagged enum's variant needs, out of the flat struct it is read through (`unit/command_reader.rs`
/// says why the tagged enums of the wire are read that way): missing is the same sentence serde gives.
pub fn needed<T>(field: Option<T>, name: &str) -> Result<T, String> {
    field.ok_or_else(|| format!("missing field `{name}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::UnitCommand;

    #[test]
    fn a_command_goes_into_a_value_and_back_unchanged() {
        let command = UnitCommand::AddNote { text: "dented \"box\"".into() };
        let value = to_value(&command).unwrap();
        assert_eq!(value, serde_json::json!({"type": "add_note", "text": "dented \"box\""}));
        assert_eq!(from_value::<UnitCommand>(&value).unwrap(), command);
    }

    #[test]
    fn a_value_that_is_not_the_type_is_an_error() {
        assert!(from_value::<UnitCommand>(&serde_json::json!({"type": "teleport"})).is_err());
    }
}
