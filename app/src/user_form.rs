//! The users tab's records and forms: a new user or a new password checked before it is sent, a user's
//! state and sessions in words. The server checks again and decides (docs/USERS.md).

use crate::admin_view::{field, time_field};
use serde_json::{json, Value};
use serialtrack_shared::unit::Role;

/// The shortest password the server accepts.
pub const MIN_PASSWORD: usize = 12;

/// A new password as typed, or what is wrong with it.
pub fn checked_password(password: &str) -> Result<&str, String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!(
            "A password needs at least {MIN_PASSWORD} characters; a phrase of a few words is easy to remember."
        ));
    }
    Ok(password)
}

/// The body of `POST /users`.
pub fn new_user_body(username: &str, display_name: &str, role: &str, password: &str) -> Result<Value, String> {
    let username = username.trim();
    if !(1..=100).contains(&username.chars().count()) || username.chars().any(char::is_whitespace) {
        return Err("A username has 1 to 100 characters and no spaces.".into());
    }
    let display_name = display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err("Give the person's name, 1 to 200 characters.".into());
    }
    let role = Role::from_code(role).ok_or("Choose the person's role.")?;
    let password = checked_password(password)?;
    Ok(json!({ "username": username, "display_name": display_name, "role": role.as_str(), "password": password }))
}

/// Whether a user record is disabled.
pub fn is_disabled(user: &Value) -> bool {
    user.get("disabled").and_then(Value::as_bool).unwrap_or(false)
}

/// A user's state in words: disabled, or when they last signed in.
pub fn user_state(user: &Value) -> String {
    if is_disabled(user) {
        return "Disabled".into();
    }
    match time_field(user, "last_sign_in_at", "") {
        at if at.is_empty() => "Active, never signed in".into(),
        at => format!("Active, last signed in {at}"),
    }
}

/// A session in words: where from, since when, until when.
pub fn session_words(session: &Value) -> String {
    let device = match field(session, "user_agent") {
        agent if agent.is_empty() => "A browser".to_owned(),
        agent => browser_name(&agent).to_owned(),
    };
    let device = match field(session, "client_address") {
        address if address.is_empty() => device,
        address => format!("{device} at {address}"),
    };
    let since = time_field(session, "created_at", "?");
    let until = time_field(session, "expires_at", "?");
    match time_field(session, "last_seen_at", "") {
        seen if seen.is_empty() => format!("{device}, signed in {since}, ends {until}"),
        seen => format!("{device}, signed in {since}, last seen {seen}, ends {until}"),
    }
}

/// A user agent as people name the browser (the full string is long and says little to them).
fn browser_name(agent: &str) -> &'static str {
    let named = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")];
    named.iter().find(|(mark, _)| agent.contains(mark)).map_or("A browser", |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_user_has_a_username_a_name_a_role_and_a_long_password() {
        let body = new_user_body(" ada ", "Ada L.", "quality", "correct horse battery").unwrap();
        assert_eq!(
            body,
            json!({"username": "ada", "display_name": "Ada L.", "role": "quality", "password": "correct horse battery"})
        );
        // Given one field wrong, then the sentence names it.
        let cases = [
            (("", "Ada", "quality", "correct horse battery"), "A username has"),
            (("ada lovelace", "Ada", "quality", "correct horse battery"), "A username has"),
            (("ada", " ", "quality", "correct horse battery"), "Give the person's name"),
            (("ada", "Ada", "owner", "correct horse battery"), "Choose the person's role"),
            (("ada", "Ada", "quality", "short"), "at least 12 characters"),
        ];
        for ((username, name, role, password), words) in cases {
            let error = new_user_body(username, name, role, password).unwrap_err();
            assert!(error.contains(words), "{username} {name} {role}: {error}");
        }
    }

    #[test]
    fn a_users_state_says_disabled_or_when_they_last_signed_in() {
        assert_eq!(user_state(&json!({"disabled": true, "last_sign_in_at": "2026-12-01T08:00:00Z"})), "Disabled");
        assert_eq!(user_state(&json!({"disabled": false, "last_sign_in_at": null})), "Active, never signed in");
        assert!(user_state(&json!({"disabled": false, "last_sign_in_at": "2026-12-01T08:00:00Z"}))
            .starts_with("Active, last signed in"));
    }

    #[test]
    fn a_session_names_the_browser_not_its_user_agent_string() {
        let session = json!({"user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
                             "created_at": "2026-12-01T08:00:00Z", "expires_at": "2026-12-02T08:00:00Z"});
        assert!(session_words(&session).starts_with("Chrome, signed in"));
        assert!(session_words(&json!({})).starts_with("A browser, signed in ?"));
    }
}
