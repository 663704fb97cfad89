//! Extractors that turn axum's plain-text rejections into our JSON errors, so a client always gets
//! `{"code", "message"}` saying what to fix.

use super::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

/// A JSON body: malformed JSON is a 400, a well-formed body with a wrong field a 422, a missing
/// `Content-Type: application/json` a 415, too large a body a 413. Every route takes an object, so anything else
/// at the top (an array standing in for an object's fields, a bare string) is a 422; and no text of any route
/// may hold a NUL character, which some tools cut strings at (a name that reads one way here and another there).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        if !is_json(request.headers()) {
            return Err(ApiError::NotJson);
        }
        let body = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(rejection.body_text())
            } else {
                ApiError::bad_request("unreadable_body", rejection.body_text())
            }
        })?;
        check_body(&body)?;
        match axum::Json::<T>::from_bytes(&body) {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => read_integral_floats(&body).ok_or(rejection.into()).map(ApiJson),
        }
    }
}

/// The body read again with every number that is a whole one written as an integer: JSON Schema counts `512.0`
/// as an integer, so a client generated from the OpenAPI document may send it where a count is asked for. Only
/// tried when the body was refused (the usual body is read once, without a `Value` copy of it).
fn read_integral_floats<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if !integers_for_whole_floats(&mut value) {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// Rewrites `512.0` as `512` everywhere in `value`; whether it changed anything.
fn integers_for_whole_floats(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or(f64::NAN);
            let whole = float.fract() == 0.0 && float.abs() < 9_007_199_254_740_992.0;
            if whole {
                *number = if float < 0.0 { (float as i64).into() } else { (float as u64).into() };
            }
            whole
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| integers_for_whole_floats(item) | changed),
        Value::Object(fields) => {
            fields.values_mut().fold(false, |changed, field| integers_for_whole_floats(field) | changed)
        }
        _ => false,
    }
}

/// `application/json`, or a `+json` type such as `application/merge-patch+json`.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// What any route's body must be beyond its own fields: an object, with no NUL character in any text.
pub fn check_body(body: &[u8]) -> Result<(), ApiError> {
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    if first.is_some_and(|byte| *byte != b'{') {
        return Err(ApiError::invalid(
            "invalid_body",
            "the request body must be a JSON object (`{...}` with named fields), not a list or a single value",
        ));
    }
    if holds_nul(body) {
        return Err(ApiError::invalid(
            "invalid_text",
            "a text in the request holds a NUL character (\\u0000): remove it and send again",
        ));
    }
    Ok(())
}

/// Whether JSON text writes a NUL: JSON can only spell it `\u0000`, and only where the backslash is not itself
/// escaped (`\\u0000` is a backslash followed by the letters `u0000`).
fn holds_nul(body: &[u8]) -> bool {
    let mut backslashes = 0;
    for (index, byte) in body.iter().enumerate() {
        if *byte == b'\\' {
            backslashes += 1;
            continue;
        }
        if backslashes % 2 == 1 && *byte == b'u' && body.get(index + 1..index + 5) == Some(b"0000") {
            return true;
        }
        backslashes = 0;
    }
    false
}

/// Query parameters: a bad one is a 400 naming it.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(error) => ApiError::invalid("invalid_body", body_error_text(&error)),
            JsonRejection::JsonSyntaxError(error) => ApiError::bad_request("malformed_json", body_error_text(&error)),
            JsonRejection::MissingJsonContentType(_) => ApiError::NotJson,
            JsonRejection::BytesRejection(error) if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::TooLarge(error.body_text())
            }
            other => ApiError::bad_request("unreadable_body", other.body_text()),
        }
    }
}

/// serde's own message (which field, what was expected, where) without axum's generic preamble.
fn body_error_text(error: &dyn std::error::Error) -> String {
    let mut source: &dyn std::error::Error = error;
    while let Some(next) = source.source() {
        source = next;
    }
    format!("the request body is not what this route takes: {source}")
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let text = match &rejection {
            QueryRejection::FailedToDeserializeQueryString(error) => body_error_text(error),
            other => other.body_text(),
        };
        ApiError::bad_request("invalid_query", text.replace("the request body", "the query string"))
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::bad_request("invalid_path", rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_floats_become_integers_and_nothing_else_changes() {
        let mut value = serde_json::json!({"count": 512.0, "list": [1.0, -3.0, 2.5], "name": "7.0", "n": 4});
        assert!(integers_for_whole_floats(&mut value));
        assert_eq!(value, serde_json::json!({"count": 512, "list": [1, -3, 2.5], "name": "7.0", "n": 4}));
        assert!(!integers_for_whole_floats(&mut serde_json::json!({"n": 4, "f": 0.5})));
    }

    #[test]
    fn a_body_is_an_object_without_nul_characters() {
        let given_then: [(&str, bool); 8] = [
            (r#"{"name": "Line 1"}"#, true),
            ("  \n {}", true),
            (r#"["k", "admin", null, true]"#, false),
            (r#""a string""#, false),
            (r#"{"name": "A\u0000B"}"#, false),
            (r#"{"name": "A\\u0000B"}"#, true),
            (r#"{"name": "A\\\u0000B"}"#, false),
            (r#"{"name": "\u00001"}"#, false),
        ];
        for (body, accepted) in given_then {
            assert_eq!(check_body(body.as_bytes()).is_ok(), accepted, "{body}");
        }
    }
}
