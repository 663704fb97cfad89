//! Extractors that turn axum's plain-text rejections into our JSON errors, so a client always gets
//! `{"code", "message"}` saying what to fix.

use super::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};

/// A JSON body: malformed JSON is a 400, a well-formed body with a wrong field a 422, a missing
/// `Content-Type: application/json` a 415, too large a body a 413.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

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
