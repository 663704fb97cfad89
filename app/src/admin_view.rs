//! The administration screens' records and small forms (locations, API keys, partners' limits): a record's
//! fields in words, and what an admin typed checked and turned into a request body. Records are read as JSON
//! fields, not typed structs: the screens show a few fields of each, and one reader weighs less than one per
//! record (README.md, "The app's weight").

use crate::history_view::shown_time;
use serde_json::{json, Value};
use serialtrack_shared::ids::Gln;
use serialtrack_shared::unit::Role;
use serialtrack_shared::words::thousands;

/// The most serials one request (of a key) or one assignment (to a partner) may be given, as the server allows.
pub const MAX_SERIALS_LIMIT: u64 = 10_000_000;

/// A field of a record as text: a string as it is, a number in digits, anything else empty.
pub fn field(record: &Value, name: &str) -> String {
    match record.get(name) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// A time field of a record as people read it, or `empty` when the record has none.
pub fn time_field(record: &Value, name: &str, empty: &str) -> String {
    match record.get(name).and_then(Value::as_str) {
        Some(at) => shown_time(at),
        None => empty.to_owned(),
    }
}

/// A count field of a record grouped in thousands.
pub fn count_field(record: &Value, name: &str) -> String {
    record.get(name).and_then(Value::as_u64).map(thousands).unwrap_or_default()
}

/// The body of `POST /locations` or `PATCH /locations/{id}`: a name, and a GLN or none.
pub fn location_body(name: &str, gln: &str) -> Result<Value, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("Give the location a name of 1 to 200 characters.".into());
    }
    let gln = gln.trim();
    if gln.is_empty() {
        return Ok(json!({ "name": name, "gln": null }));
    }
    let gln = Gln::parse(gln).map_err(|error| format!("The GLN is not right: {error}."))?;
    Ok(json!({ "name": name, "gln": gln.as_str() }))
}

/// A limit on serials as typed (`100,000` or `100000`): 1 to 10,000,000.
pub fn serials_limit(text: &str) -> Result<u64, String> {
    count_within(text, 1, MAX_SERIALS_LIMIT)
        .ok_or_else(|| format!("Give a limit of 1 to {} serials.", thousands(MAX_SERIALS_LIMIT)))
}

/// A whole number as typed, digits grouped or not (`100,000`, `100 000`), if it lies within `min..=max`.
pub fn count_within(text: &str, min: u64, max: u64) -> Option<u64> {
    let digits: String = text.chars().filter(|c| !matches!(c, ',' | ' ' | '_' | '.')).collect();
    digits.parse::<u64>().ok().filter(|count| (min..=max).contains(count))
}

/// The body of `POST /api_keys`: what the key is for, its role, its limit and whether it reads extra parameters.
pub fn api_key_body(name: &str, role: &str, limit: &str, reads_extra: bool) -> Result<Value, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err("Say what the key is for in 1 to 100 characters, e.g. line-1 or erp.".into());
    }
    let role = Role::from_code(role).ok_or("Choose the role the key acts with.")?;
    Ok(json!({
        "name": name,
        "role": role.as_str(),
        "max_serials_per_request": serials_limit(limit)?,
        "reads_extra": reads_extra,
    }))
}

/// An API key's state in words: in use, or revoked since when.
pub fn key_state(key: &Value) -> String {
    match key.get("revoked_at").and_then(Value::as_str) {
        Some(at) => format!("Revoked {}", shown_time(at)),
        None => "In use".into(),
    }
}

/// A role's name as people read it.
pub fn role_words(role: &str) -> String {
    crate::history_view::sentence_case(role)
}

/// A partner's kind in words.
pub fn partner_kind(kind: &str) -> &'static str {
    match kind {
        "brand_owner" => "Brand owner (MAH)",
        "contract_manufacturer" => "Contract manufacturer (CMO)",
        _ => "Organisation",
    }
}

/// An invitation to a partnership in words, from this organisation's side.
pub fn invitation_words(invitation: &Value) -> String {
    let name = |side: &str| invitation.get(side).map(|party| field(party, "name")).unwrap_or_default();
    let when = match time_field(invitation, "created_at", "") {
        at if at.is_empty() => at,
        at => format!(" {at}"),
    };
    let what = match field(invitation, "direction").as_str() {
        "received" => format!("{} invited you{when}", name("owner")),
        _ => format!("You invited {}{when}", name("partner")),
    };
    match field(invitation, "status").as_str() {
        "pending" => format!("{what}: waiting for an answer"),
        "accepted" => format!("{what}: accepted"),
        "declined" => format!("{what}: declined"),
        "withdrawn" => format!("{what}: withdrawn"),
        other => format!("{what}: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_body_has_a_checked_gln_or_none() {
        // Given what was typed, when the body is made, then it is this body or this sentence.
        let cases: [(&str, &str, Result<Value, &str>); 4] = [
            (" Warehouse A ", "", Ok(json!({"name": "Warehouse A", "gln": null}))),
            ("Line 1", "4012345000009", Ok(json!({"name": "Line 1", "gln": "4012345000009"}))),
            ("Line 1", "4012345000008", Err("The GLN is not right")),
            ("  ", "", Err("Give the location a name")),
        ];
        for (name, gln, expected) in cases {
            match expected {
                Ok(body) => assert_eq!(location_body(name, gln).unwrap(), body),
                Err(words) => assert!(location_body(name, gln).unwrap_err().starts_with(words), "{name} {gln}"),
            }
        }
    }

    #[test]
    fn a_limit_reads_grouped_digits_within_the_servers_range() {
        assert_eq!(serials_limit("100,000"), Ok(100_000));
        assert_eq!(serials_limit(" 10 000 000 "), Ok(10_000_000));
        for bad in ["0", "10,000,001", "many", ""] {
            assert!(serials_limit(bad).unwrap_err().contains("1 to 10,000,000"), "{bad}");
        }
    }

    #[test]
    fn a_key_body_names_its_role_and_limit() {
        let body = api_key_body("line-1", "operator", "5000", false).unwrap();
        assert_eq!(
            body,
            json!({"name": "line-1", "role": "operator", "max_serials_per_request": 5000, "reads_extra": false})
        );
        assert!(api_key_body("", "operator", "5000", false).is_err());
        assert_eq!(api_key_body("erp", "owner", "5000", false), Err("Choose the role the key acts with.".into()));
    }

    #[test]
    fn an_invitation_says_who_invited_whom_and_where_it_stands() {
        let sent = json!({"direction": "sent", "owner": {"name": "Acme"}, "partner": {"name": "Demo CMO"},
                          "status": "pending", "created_at": null});
        assert_eq!(invitation_words(&sent), "You invited Demo CMO: waiting for an answer");
        let received = json!({"direction": "received", "owner": {"name": "Acme"}, "partner": {"name": "Demo CMO"},
                              "status": "accepted"});
        assert!(invitation_words(&received).starts_with("Acme invited you"));
        assert!(invitation_words(&received).ends_with(": accepted"));
    }

    #[test]
    fn fields_read_as_text_whatever_their_json_type() {
        let record = json!({"name": "erp", "max": 5000, "gone": null, "revoked_at": null});
        assert_eq!(field(&record, "name"), "erp");
        assert_eq!(field(&record, "max"), "5000");
        assert_eq!(field(&record, "gone"), "");
        assert_eq!(count_field(&json!({"max": 100000}), "max"), "100,000");
        assert_eq!(key_state(&record), "In use");
        assert_eq!(time_field(&record, "revoked_at", "never"), "never");
    }
}
