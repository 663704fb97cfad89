//! A device's recorded command as the sync push takes it (`PendingOp` JSON), for tests and benchmarks.

use serde_json::{json, Value};

/// The op of `device` numbered `device_seq`, on the unit of the test GTIN 09520123456788 with `serial`.
pub fn pending_op(device: &str, device_seq: u64, serial: &str, command: Value) -> Value {
    json!({
        "op_id": uuid::Uuid::new_v4(),
        "device_id": device,
        "device_seq": device_seq,
        "unit": {"product": {"schema": "gtin", "code": "09520123456788"}, "serial": serial},
        "schema_version": 1,
        "cursor_when_acted": 0,
        "client_time": "2026-11-23T08:00:00Z",
        "actor": {"name": "user:whoever", "role": "operator"},
        "command": command,
    })
}
