//! What keeps a browser from being turned against the user: every answer says how a browser may use it, and
//! a write that another site's page makes with the user's cookie is refused.
//!
//! - **Writes from another origin**: a POST, PUT, PATCH or DELETE whose `Origin` names a site other than the
//!   one it was sent to (the `Host`), or whose `Sec-Fetch-Site` says `cross-site`, is a 403: browsers send one
//!   of them on every cross-site write, while a machine calling with an API key sends neither. SameSite cookies
//!   stay as a second fence.
//! - **Headers on every answer**: `Content-Security-Policy` (scripts only from this server and the page's own
//!   inline scripts by their hash, no framing), `X-Content-Type-Options: nosniff`, `Referrer-Policy`.
//! - **`OPTIONS`** on an API path answers 204 with the methods it takes in `Allow`.

use super::error::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The policy of everything that is not a page: no framing, nothing from elsewhere.
const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/// The largest page whose inline scripts are hashed (the app's `index.html` is a few KB).
const MAX_PAGE_BYTES: usize = 1024 * 1024;

pub async fn guard(request: Request, next: Next) -> Response {
    if let Err(refusal) = check_origin(request.method(), request.headers()) {
        return with_headers(refusal.into_response(), Some(POLICY));
    }
    let options = (request.method() == Method::OPTIONS).then(|| request.uri().path().to_owned());
    let response = next.run(request).await;
    let response = match options {
        Some(path) => options_answer(&path, response),
        None => response,
    };
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| kind.starts_with("text/html"));
    if response.status() == StatusCode::NOT_MODIFIED {
        // No body to hash: the browser keeps the policy it stored with the page it already has, and a policy
        // sent here would replace it.
        return with_headers(response, None);
    }
    if !is_page || response.headers().contains_key(header::CONTENT_ENCODING) {
        return with_headers(response, Some(POLICY));
    }
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(page) => {
            let policy = page_policy(&page);
            with_headers(Response::from_parts(parts, Body::from(page)), Some(&policy))
        }
        Err(error) => ApiError::Internal(format!("reading a page to hash its scripts: {error}")).into_response(),
    }
}

/// Refuses a write another site's page made: its `Origin` is not the server it was sent to.
fn check_origin(method: &Method, headers: &HeaderMap) -> Result<(), ApiError> {
    if !matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return Ok(());
    }
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let cross_site = text("sec-fetch-site") == Some("cross-site");
    let other_origin = match (text("origin"), text("host")) {
        (Some(origin), Some(host)) => origin_authority(origin) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if cross_site || other_origin {
        return Err(ApiError::CrossSite);
    }
    Ok(())
}

/// `host:port` of an `Origin` such as `https://tablet.example:8080`; `None` for `null` or a malformed one.
fn origin_authority(origin: &str) -> Option<&str> {
    let (_, rest) = origin.split_once("://")?;
    (!rest.is_empty() && !rest.contains('/')).then_some(rest)
}

/// An `OPTIONS` on an API path answers 204 with the methods the OpenAPI document gives that path (the document
/// lists exactly the routes served); any other answer is left as it is.
fn options_answer(path: &str, response: Response) -> Response {
    let Some(methods) = documented_methods(path) else {
        return response;
    };
    match HeaderValue::from_str(&format!("{methods}, OPTIONS")) {
        Ok(allow) => (StatusCode::NO_CONTENT, [(header::ALLOW, allow)]).into_response(),
        Err(_) => response,
    }
}

/// The methods of the documented path that `path` matches (`{…}` matches one segment), e.g. `GET, POST`.
fn documented_methods(path: &str) -> Option<String> {
    static PATHS: LazyLock<Vec<(Vec<String>, String)>> = LazyLock::new(|| {
        let document: serde_json::Value = serde_json::from_str(super::api_document()).unwrap_or_default();
        let paths = document["paths"].as_object().cloned().unwrap_or_default();
        paths
            .into_iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_owned).collect();
                let methods: Vec<String> =
                    item.as_object().into_iter().flat_map(|item| item.keys()).map(|m| m.to_uppercase()).collect();
                (segments, methods.join(", "))
            })
            .collect()
    });
    let segments: Vec<&str> = path.split('/').collect();
    PATHS.iter().find_map(|(template, methods)| {
        let matches = template.len() == segments.len()
            && template.iter().zip(&segments).all(|(want, got)| want.starts_with('{') || want == got);
        matches.then(|| methods.clone())
    })
}

/// The page's policy: [`POLICY`], with the page's own inline scripts allowed by their SHA-256, inline styles
/// (which the app's components set) and images from `data:` URLs.
fn page_policy(page: &[u8]) -> String {
    let hashes: String = inline_scripts(&String::from_utf8_lossy(page))
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The text of each `<script>` without a `src`.
fn inline_scripts(page: &str) -> impl Iterator<Item = &str> {
    page.split("<script").skip(1).filter_map(|rest| {
        let (attributes, after) = rest.split_once('>')?;
        let (body, _) = after.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
}

fn with_headers(mut response: Response, policy: Option<&str>) -> Response {
    let headers = response.headers_mut();
    if let Some(Ok(policy)) = policy.map(HeaderValue::from_str) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| (header::HeaderName::from_static(name), HeaderValue::from_static(value)))
            .collect()
    }

    #[test]
    fn a_write_from_another_site_is_refused_and_one_from_the_app_or_a_machine_passes() {
        let given_then = [
            (Method::POST, vec![("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")], true),
            (Method::POST, vec![("host", "127.0.0.1:8080"), ("origin", "http://evil.example")], false),
            (Method::POST, vec![("host", "127.0.0.1:8080"), ("origin", "null")], false),
            (Method::DELETE, vec![("host", "a:1"), ("sec-fetch-site", "cross-site")], false),
            (Method::PATCH, vec![("host", "a:1"), ("sec-fetch-site", "same-origin"), ("origin", "https://a:1")], true),
            (Method::POST, vec![("host", "a:1")], true),
            (Method::GET, vec![("host", "a:1"), ("origin", "http://evil.example")], true),
        ];
        for (method, pairs, passes) in given_then {
            assert_eq!(check_origin(&method, &headers(&pairs)).is_ok(), passes, "{method} {pairs:?}");
        }
    }

    #[test]
    fn options_name_the_methods_the_document_gives_the_path() {
        assert_eq!(documented_methods("/api/v1/products").as_deref(), Some("GET, POST"));
        assert!(documented_methods("/api/v1/products/abc").is_some_and(|methods| methods.contains("PATCH")));
        assert_eq!(documented_methods("/api/v1/nothing-here"), None);
    }

    #[test]
    fn a_page_allows_exactly_its_own_inline_scripts() {
        let page = "<html><script>alert(1)</script><script src=\"/a.js\"></script>\
                    <script type=\"module\">import x from '/x.js';</script></html>";
        let scripts: Vec<&str> = inline_scripts(page).collect();
        assert_eq!(scripts, ["alert(1)", "import x from '/x.js';"]);
        let policy = page_policy(page.as_bytes());
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
    }
}
