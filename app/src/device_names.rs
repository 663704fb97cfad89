//! The names people gave the tenant's devices ("Line 1 tablet"), kept on the device so the inbox, histories and
//! the pool history name a device as a person would, offline too. Plain logic, tested natively.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Device id → the name a person gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceNames(BTreeMap<String, String>);

impl DeviceNames {
    pub fn new(named: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(named.into_iter().collect())
    }

    pub fn name_of(&self, device_id: &str) -> Option<&str> {
        self.0.get(device_id).map(String::as_str)
    }

    pub fn named(&mut self, device_id: &str, name: &str) {
        self.0.insert(device_id.to_owned(), name.to_owned());
    }

    /// A device as a person reads it: "this tablet", its name ("Line 1 tablet"), or, for a device nobody
    /// named, "an unnamed device (ea21ea29)" — the start of its id, enough to tell two apart.
    pub fn words(&self, device_id: &str, this_device: Option<&str>) -> String {
        if this_device == Some(device_id) {
            return "this tablet".into();
        }
        match self.name_of(device_id) {
            Some(name) => name.to_owned(),
            None => format!("an unnamed device ({})", device_id.chars().take(8).collect::<String>()),
        }
    }
}

impl DeviceNames {
    /// Text the server wrote with device ids ("reserved to device ea21…", "on device ea21…") as a person
    /// reads it: each "device {id}" becomes the device in words.
    pub fn in_words(&self, text: &str, this_device: Option<&str>) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("device ") {
            out.push_str(&rest[..at]);
            let after = &rest[at + "device ".len()..];
            let id_len =
                after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(after.len());
            let id = &after[..id_len];
            // Only a device the text can mean: one named, this one, or an id as the app makes them (a UUID).
            let is_device = self.name_of(id).is_some() || this_device == Some(id) || uuid::Uuid::parse_str(id).is_ok();
            match is_device {
                true => out.push_str(&self.words(id, this_device)),
                false => {
                    out.push_str("device ");
                    out.push_str(id);
                }
            }
            rest = &after[id_len..];
        }
        out.push_str(rest);
        out
    }
}

/// Checks a name before it is sent: what the server takes (1–60 characters once trimmed).
pub fn valid_name(typed: &str) -> Result<String, String> {
    let name = typed.trim();
    match name.chars().count() {
        0 => Err("Give this device a name, e.g. Line 1 tablet.".into()),
        61.. => Err("A device's name has at most 60 characters.".into()),
        _ if name.chars().any(char::is_control) => Err("A device's name holds no control characters.".into()),
        _ => Ok(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_reads_as_this_tablet_its_name_or_the_start_of_its_id() {
        let names = DeviceNames::new([("ea21ea29-ba26".to_owned(), "Line 1 tablet".to_owned())]);
        assert_eq!(names.words("ea21ea29-ba26", None), "Line 1 tablet");
        assert_eq!(names.words("ea21ea29-ba26", Some("ea21ea29-ba26")), "this tablet");
        assert_eq!(names.words("7f00aa11-0000", Some("ea21ea29-ba26")), "an unnamed device (7f00aa11)");
    }

    #[test]
    fn device_ids_in_the_servers_words_read_as_names() {
        let names = DeviceNames::new([("ea21ea29-ba26".to_owned(), "Line 1 tablet".to_owned())]);
        let text = "Commissioned · as unit CM-500 · CM500-2026-0001 on device ea21ea29-ba26";
        assert_eq!(names.in_words(text, None), "Commissioned · as unit CM-500 · CM500-2026-0001 on Line 1 tablet");
        assert_eq!(names.in_words("reserved to device 7f00aa11-9", Some("7f00aa11-9")), "reserved to this tablet");
        assert_eq!(names.in_words("a device at rest", None), "a device at rest");
        let unnamed = "on device 01a23817-0000-4000-8000-000000000000";
        assert_eq!(names.in_words(unnamed, None), "on an unnamed device (01a23817)");
    }

    #[test]
    fn a_name_is_trimmed_and_checked_as_the_server_checks_it() {
        assert_eq!(valid_name("  Line 1 tablet "), Ok("Line 1 tablet".into()));
        assert!(valid_name("   ").is_err());
        assert!(valid_name(&"x".repeat(61)).is_err());
        assert!(valid_name("tab\u{7}let").is_err());
    }
}
