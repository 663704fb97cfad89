//! What the server benchmarks share: a server on a loopback port over a store, with one admin API key.

use serde_json::Value;
use serialtrack_server::auth::{hash_token, new_api_key, PasswordCost, Role};
use serialtrack_server::store::{NewApiKey, Store};
use serialtrack_server::web::{service, AppState};
use std::sync::Arc;

pub struct Bench {
    /// `http://127.0.0.1:<port>/api/v1`
    pub address: String,
    pub key: String,
    pub store: Arc<dyn Store>,
    pub tenant_id: String,
    pub client: reqwest::Client,
}

/// The backends a benchmark runs on, in the order it prints them.
pub const BACKENDS: [&str; 2] = ["sqlite", "postgres"];

/// A fresh database of `backend` for `what`, or `None` when the command line's `--only` names the other backend
/// or PostgreSQL has no cluster (`SERIALTRACK_TEST_POSTGRES_URL`).
pub async fn database(backend: &str, what: &str) -> Option<crate::databases::TestDatabase> {
    let args: Vec<String> = std::env::args().collect();
    let only = args.iter().position(|arg| arg == "--only").and_then(|at| args.get(at + 1));
    if only.is_some_and(|only| only != backend) {
        return None;
    }
    match backend {
        "sqlite" => Some(crate::databases::sqlite().await),
        _ => crate::databases::postgres(what).await,
    }
}

/// A tenant with an admin API key, and the server on port 0 serving it.
pub async fn spawn(store: Arc<dyn Store>) -> Bench {
    let tenant = store.tenant_create("Bench", "brand_owner").await.expect("a tenant");
    let key = new_api_key();
    let new_key = NewApiKey {
        tenant_id: tenant.id.clone(),
        name: "bench".into(),
        role: Role::Admin.as_str().into(),
        prefix: key[..10].into(),
        key_hash: hash_token(&key),
        grants: Default::default(),
    };
    store.api_key_create(new_key).await.expect("an API key");
    let mut state = AppState::new(store.clone(), std::env::temp_dir().join("serialtrack-no-app"));
    state.password_cost = PasswordCost::Minimal;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = format!("http://{}/api/v1", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, service(state)).await });
    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build().expect("a client");
    Bench { address, key, store, tenant_id: tenant.id, client }
}

impl Bench {
    async fn call(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = request.bearer_auth(&self.key).send().await.expect("a response");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.call(self.client.post(format!("{}{path}", self.address)).json(body)).await
    }

    /// Posts a body that is not JSON (a CSV or text file), as an upload would.
    pub async fn post_file(&self, path: &str, content_type: &str, body: String) -> (u16, Value) {
        let request = self.client.post(format!("{}{path}", self.address)).header("content-type", content_type);
        self.call(request.body(body)).await
    }

    /// The body of a GET as text (CSV exports), with its status.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self.client.get(format!("{}{path}", self.address)).bearer_auth(&self.key).send().await;
        let response = response.expect("a response");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.call(self.client.get(format!("{}{path}", self.address))).await
    }
}
