//! The implementation side of the protocol test: the real axum router served over real HTTP on port 0, over a
//! real store, and a thin typed client for the sync endpoints.

use crate::databases::{self, TestDatabase};
use serde_json::{json, Value};
use serialtrack_server::auth::{hash_token, new_api_key, PasswordCost};
use serialtrack_server::store::sqlite::SqliteStore;
use serialtrack_server::store::{NewApiKey, Store};
use serialtrack_server::web::{service, AppState};
use serialtrack_shared::sync::{PullAnswer, PushRequest, PushResponse};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::task::JoinHandle;

pub const GTIN: &str = "09520123456788";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database, with the server that serves it.
pub struct Deployment {
    pub store: Arc<dyn Store>,
    pub api: Api,
    task: JoinHandle<()>,
    /// The SQLite file, for backups and restores.
    pub sqlite_file: Option<PathBuf>,
    _database: Option<TestDatabase>,
}

impl Drop for Deployment {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Deployment {
    pub async fn new(backend: Backend, client: &reqwest::Client) -> Deployment {
        let database = match backend {
            Backend::Sqlite => databases::sqlite().await,
            Backend::Postgres => databases::postgres("the sync protocol test").await.expect("a PostgreSQL cluster"),
        };
        let sqlite_file = database.url.strip_prefix("sqlite://").map(|rest| {
            let path = rest.split('?').next().unwrap_or(rest);
            PathBuf::from(path)
        });
        let store = database.store.clone();
        let (api, task) = serve(store.clone(), client).await;
        Deployment { store, api, task, sqlite_file, _database: Some(database) }
    }

    /// A consistent copy of the SQLite database (VACUUM INTO over a connection of its own).
    pub async fn backup(&self, to: &Path) {
        use sqlx::Connection;
        let file = self.sqlite_file.as_ref().expect("backups are of SQLite files");
        let mut connection = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
            .await
            .expect("a backup connection");
        sqlx::query(&format!("VACUUM INTO '{}'", to.display())).execute(&mut connection).await.expect("VACUUM INTO");
        connection.close().await.ok();
    }

    /// The server is stopped and started again on a copy of `backup`, as an operator restores one. With
    /// `new_epoch`, the restore gives every tenant a new log epoch (docs/SYNC.md, "Restore").
    pub async fn restore(&mut self, backup: &Path, new_epoch: bool, client: &reqwest::Client) {
        self.task.abort();
        let file = self.sqlite_file.as_ref().expect("restores are of SQLite files").clone();
        let restored = file.with_extension(format!("restored-{}.db", uuid::Uuid::new_v4().simple()));
        std::fs::copy(backup, &restored).expect("copying the backup");
        let store: Arc<dyn Store> = Arc::new(
            SqliteStore::connect(&format!("sqlite://{}?mode=rwc", restored.display()))
                .await
                .expect("the restored file"),
        );
        if new_epoch {
            // What `serialtrack restore` does after putting the backup in place.
            store.renew_log_epochs().await.expect("new log epochs");
        }
        let (api, task) = serve(store.clone(), client).await;
        self.store = store;
        self.api = api;
        self.task = task;
        self.sqlite_file = Some(restored);
    }
}

async fn serve(store: Arc<dyn Store>, client: &reqwest::Client) -> (Api, JoinHandle<()>) {
    let mut state = AppState::new(store, std::env::temp_dir().join("serialtrack-no-app"));
    state.password_cost = PasswordCost::Minimal;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding port 0");
    let base = format!("http://{}/api/v1", listener.local_addr().expect("a local address"));
    let task = tokio::spawn(async move {
        axum::serve(listener, service(state)).await.ok();
    });
    (Api { client: client.clone(), base }, task)
}

/// An organisation of one schedule: its keys and its product.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub id: String,
    /// (key, the name the log records: `key:<name>`) per role used by devices.
    pub supervisor: (String, String),
    pub operator: (String, String),
}

async fn api_key(store: &Arc<dyn Store>, tenant: &str, name: &str, role: &str) -> (String, String) {
    let key = new_api_key();
    let record = NewApiKey {
        tenant_id: tenant.into(),
        name: name.into(),
        role: role.into(),
        prefix: key[..10].into(),
        key_hash: hash_token(&key),
        grants: Default::default(),
    };
    store.api_key_create(record).await.expect("an API key");
    (key, format!("key:{name}"))
}

impl Tenant {
    /// A new organisation with an admin, a supervisor and an operator key, the shared GTIN product and
    /// `serials` registered through the API.
    pub async fn create(store: &Arc<dyn Store>, api: &Api, name: &str, serials: &[&str]) -> Tenant {
        let record = store.tenant_create(name, "brand_owner").await.expect("a tenant");
        let (admin_key, _) = api_key(store, &record.id, &format!("{name}-admin"), "admin").await;
        let supervisor = api_key(store, &record.id, &format!("{name}-supervisor"), "supervisor").await;
        let operator = api_key(store, &record.id, &format!("{name}-operator"), "operator").await;
        let product = api
            .call(
                reqwest::Method::POST,
                "/products",
                &admin_key,
                Some(json!({"code_schema": "gtin", "code": GTIN, "name": "Pill"})),
            )
            .await;
        assert_eq!(product.0, 201, "creating a product: {}", product.1);
        let product_id = product.1["id"].as_str().expect("a product id").to_owned();
        if !serials.is_empty() {
            let body = json!({"product_id": product_id, "serials": serials});
            let registered = api.call(reqwest::Method::POST, "/units", &operator.0, Some(body)).await;
            assert_eq!(registered.0, 201, "registering units: {}", registered.1);
        }
        Tenant { id: record.id, supervisor, operator }
    }
}

#[derive(Debug, Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
}

impl Api {
    pub async fn call(&self, method: reqwest::Method, path: &str, key: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("sending a request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a response body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn push(&self, key: &str, request: &PushRequest) -> Result<PushResponse, String> {
        let body = serde_json::to_value(request).expect("a push as JSON");
        let (status, answer) = self.call(reqwest::Method::POST, "/sync/push", key, Some(body)).await;
        if status != 200 {
            return Err(format!("push answered {status}: {answer}"));
        }
        serde_json::from_value(answer).map_err(|error| format!("an unreadable push answer: {error}"))
    }

    pub async fn pull(&self, key: &str, query: &str) -> Result<PullAnswer, String> {
        let (status, answer) = self.call(reqwest::Method::GET, &format!("/sync/pull?{query}"), key, None).await;
        if status != 200 {
            return Err(format!("pull answered {status}: {answer}"));
        }
        serde_json::from_value(answer).map_err(|error| format!("an unreadable pull answer: {error}"))
    }

    pub async fn snapshot(&self, key: &str, query: &str) -> Result<Value, String> {
        let (status, answer) = self.call(reqwest::Method::GET, &format!("/snapshot?{query}"), key, None).await;
        if status != 200 {
            return Err(format!("snapshot answered {status}: {answer}"));
        }
        Ok(answer)
    }
}
