//! The one HTTP error type. Each variant documents its status; every error body is `{"code", "message"}`
//! (plus the unit's state when a command is refused). 4xx messages say what to fix; 5xx answer a generic
//! sentence and hand their cause to `request_log`, which logs it, so internals never leak.

pub use super::item_errors::ItemError;
use super::item_errors::ItemErrors;
use crate::store::StoreError;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use std::time::Duration;

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable snake_case code to match on, e.g. `invalid_gtin` or `transition_not_allowed`.
    pub code: String,
    /// A sentence for people: what is wrong and what to do.
    pub message: String,
    /// For a refused command: the unit as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<super::views::UnitView>,
    /// For a list taken whole or not at all (an import, a release): the items that stopped it, the first
    /// 1,000 of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ItemError>,
    /// With `errors`: how many items stopped it in all, listed or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_count: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (bad JSON, a bad query parameter).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// 422: well-formed, but a value is invalid (a GTIN with a wrong check digit, an unknown role).
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    /// 401: no valid session cookie or API key.
    #[error("sign in (POST /api/v1/sessions) or send an API key as 'Authorization: Bearer st_…'")]
    Unauthenticated,
    /// 401: the username or password is wrong.
    #[error("the username or password is wrong")]
    BadCredentials,
    /// 403: the role may not do this.
    #[error("your role ({role}) may not {action}")]
    Forbidden { role: &'static str, action: &'static str },
    /// 403: only a signed-in person may do this, never an API key (a key never widens a key's scope).
    #[error("an API key may not {0}: a person signed in with a session does it")]
    PersonOnly(&'static str),
    /// 403: the right password of a user an admin disabled.
    #[error("this account is disabled: ask an admin of your organisation to enable it")]
    UserDisabled,
    /// 403: a write that another site's page sent (its `Origin` is not this server).
    #[error("this write came from another site's page and was refused: use serialtrack itself, or an API key")]
    CrossSite,
    /// 404: nothing of the caller's tenant has this id or key.
    #[error("{0} was not found")]
    NotFound(String),
    /// 422 (`status` UNPROCESSABLE_ENTITY) or 409 (CONFLICT): a list refused whole, with the items that stopped
    /// it (bounded, see `item_errors`).
    #[error("{message}")]
    Items { status: StatusCode, code: &'static str, message: String, errors: ItemErrors },
    /// 409: a clash with what is stored (a duplicate code or serial).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 409: the state machine refused the command; carries the unit as it is.
    #[error("{message}")]
    Refused { code: String, message: String, unit: Box<super::views::UnitView> },
    /// 413: the body is larger than the route accepts.
    #[error("the request body is too large: {0}")]
    TooLarge(String),
    /// 415: the body is not `application/json`.
    #[error("send the body as JSON with 'Content-Type: application/json'")]
    NotJson,
    /// 429: too many failed sign-ins lately (for this username, from this address or for these approvals).
    #[error(
        "too many failed sign-ins: wait {} seconds and try again (a browser you signed in on before is let through)",
        .0.as_secs_f64().ceil().max(1.0)
    )]
    TooManyAttempts(Duration),
    /// 429: the caller holds too many of something a server keeps open for it (e.g. change streams).
    #[error("{message}")]
    TooMany { code: &'static str, message: String },
    /// 429: the caller exported as many serials today as its ceiling allows; `Retry-After` says when the UTC
    /// day ends (docs/DATA_PROTECTION.md).
    #[error("{message}")]
    ExportCeilingReached { message: String, retry_after: Duration },
    /// 503: the database is busy or unreachable; retry with backoff.
    #[error("the server is busy: retry in a moment")]
    Unavailable(String),
    /// 500: a bug or an unexpected failure; logged, never shown.
    #[error("something went wrong on the server; it has been logged")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { code, message: message.into() }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest { code, message: message.into() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Items { status, .. } => *status,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated | Self::BadCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } | Self::PersonOnly(_) | Self::UserDisabled | Self::CrossSite => {
                StatusCode::FORBIDDEN
            }
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } | Self::Refused { .. } => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotJson => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyAttempts(_) | Self::TooMany { .. } | Self::ExportCeilingReached { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::BadRequest { code, .. }
            | Self::Invalid { code, .. }
            | Self::Conflict { code, .. }
            | Self::Items { code, .. }
            | Self::TooMany { code, .. } => code,
            Self::Refused { code, .. } => code,
            Self::Unauthenticated => "unauthenticated",
            Self::BadCredentials => "bad_credentials",
            Self::Forbidden { .. } => "forbidden",
            Self::PersonOnly(_) => "person_only",
            Self::UserDisabled => "user_disabled",
            Self::CrossSite => "cross_site_write",
            Self::NotFound(_) => "not_found",
            Self::TooLarge(_) => "too_large",
            Self::NotJson => "not_json",
            Self::TooManyAttempts(_) => "too_many_attempts",
            Self::ExportCeilingReached { .. } => "export_ceiling_reached",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(what) => {
                Self::Conflict { code: "conflict", message: format!("{what} already exists") }
            }
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Unavailable(cause) => Self::Unavailable(cause),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<crate::domain::serials::IssueError> for ApiError {
    fn from(error: crate::domain::serials::IssueError) -> Self {
        use crate::domain::serials::IssueError;
        match error {
            IssueError::Scheme(error) => Self::invalid("invalid_serial_scheme", error.to_string()),
            IssueError::Store(error) => error.into(),
            IssueError::Random(message) => Self::Internal(message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        // The cause goes to the log with the request's span (`request_log`), never into the body.
        let cause = match &self {
            Self::Internal(cause) | Self::Unavailable(cause) => Some(super::request_log::ErrorCause(cause.clone())),
            _ => None,
        };
        let retry_after = match &self {
            Self::TooManyAttempts(wait) | Self::ExportCeilingReached { retry_after: wait, .. } => {
                Some((wait.as_secs_f64().ceil() as u64).max(1).to_string())
            }
            Self::Unavailable(_) => Some("1".to_owned()),
            _ => None,
        };
        let code = self.code().to_owned();
        let message = self.to_string();
        let (unit, errors, error_count) = match self {
            Self::Refused { unit, .. } => (Some(*unit), Vec::new(), None),
            Self::Items { errors, .. } => {
                let (listed, total) = errors.into_parts();
                (None, listed, Some(total))
            }
            _ => (None, Vec::new(), None),
        };
        let mut response = (status, Json(ErrorBody { code, message, unit, errors, error_count })).into_response();
        if let Some(seconds) = retry_after.and_then(|text| text.parse().ok()) {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        if let Some(cause) = cause {
            response.extensions_mut().insert(cause);
        }
        response
    }
}

/// Any route's answer: a value or an [`ApiError`].
pub type ApiResult<T> = Result<T, ApiError>;
