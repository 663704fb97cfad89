//! Where a request came from, for counting failed sign-ins per client (`auth::sign_in_limit`): the peer's
//! address, or, behind a proxy the operator trusts (`serve --trust-forwarded-for`), the last address the proxy
//! appended to `X-Forwarded-For`. A header a client wrote itself is never believed otherwise.

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use std::net::SocketAddr;

/// The client's address as text, or `unknown` when the server was started without peer addresses.
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for {
        let forwarded =
            parts.headers.get_all("x-forwarded-for").iter().filter_map(|value| value.to_str().ok()).next_back();
        if let Some(last) = forwarded.and_then(|header| header.rsplit(',').next()).map(str::trim) {
            if let Ok(address) = last.parse::<std::net::IpAddr>() {
                return address.to_string();
            }
        }
    }
    match parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) => peer.ip().to_string(),
        None => "unknown".to_owned(),
    }
}
