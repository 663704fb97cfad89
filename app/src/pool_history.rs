//! A unit's serial as the pool knows it (`GET /products/{id}/pool/serials/{serial}`): its pool status, who it
//! is assigned to, and the pool's actions on it — kept on the device with the unit so the pack history shows
//! offline. Plain logic, tested natively.

use serde::{Deserialize, Serialize};

/// One pool action that touched the serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolActionLine {
    pub at: String,
    pub action: String,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
}

/// The server's answer, plus the unit key the device stores it under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolSerialRecord {
    #[serde(default)]
    pub unit_key: String,
    pub serial: String,
    pub status: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub assigned_to: Option<String>,
    #[serde(default, deserialize_with = "optional_id")]
    pub order_id: Option<String>,
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub history: Vec<PoolActionLine>,
}

fn optional_id<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(deserializer)? {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => Some(text),
        Some(other) => Some(other.to_string()),
    })
}

impl PoolSerialRecord {
    /// "Assigned · order 7 · reserved to device tablet-2", or "Available".
    pub fn status_words(&self) -> String {
        let mut words = vec![crate::history_view::sentence_case(&self.status)];
        if let Some(to) = &self.assigned_to {
            words.push(format!("to {to}"));
        }
        if let Some(order) = self.order_id.as_ref().filter(|order| !words.iter().any(|word| word.contains(*order))) {
            words.push(format!("order {order}"));
        }
        if let Some(device) = &self.device_id {
            words.push(format!("reserved to device {device}"));
        }
        words.join(" · ")
    }
}

impl PoolActionLine {
    /// "Reserved to device · by operator · 200 serials": the action, who, and the detail in short.
    pub fn words(&self) -> String {
        let mut words = vec![crate::history_view::sentence_case(&self.action)];
        if let Some(by) = &self.by {
            words.push(format!("by {}", by.split_once(':').map_or(by.as_str(), |(_, name)| name)));
        }
        match &self.detail {
            None | Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(text)) => words.push(text.clone()),
            Some(serde_json::Value::Object(fields)) => {
                let shown = fields
                    .iter()
                    .filter(|(_, value)| !value.is_null())
                    .map(|(name, value)| match value {
                        serde_json::Value::String(text) => format!("{} {text}", name.replace('_', " ")),
                        other => format!("{} {other}", name.replace('_', " ")),
                    })
                    .collect::<Vec<_>>();
                if !shown.is_empty() {
                    words.push(shown.join(", "));
                }
            }
            Some(other) => words.push(other.to_string()),
        }
        words.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_answer_reads_as_words() {
        let record: PoolSerialRecord = serde_json::from_value(serde_json::json!({
            "serial": "A1", "status": "assigned", "source": "generated", "assigned_to": null, "order_id": 7,
            "device_id": "tablet-2", "unit_id": null,
            "history": [{ "at": "2026-11-23T10:00:00Z", "action": "reserved_to_device", "by": "user:operator",
                          "detail": { "device_id": "tablet-2", "count": 200 } }]
        }))
        .unwrap();
        assert_eq!(record.status_words(), "Assigned · order 7 · reserved to device tablet-2");
        assert_eq!(record.history[0].words(), "Reserved to device · by operator · count 200, device id tablet-2");
    }
}
