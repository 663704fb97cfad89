//! `spawn_app()`: the server on port 0 over a fresh SQLite database, two tenants with one user and one API key
//! per role, and one helper per endpoint.

#[path = "../support/databases.rs"]
#[allow(dead_code)]
mod databases;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use serialtrack_server::auth::{hash_token, new_api_key, PasswordCost, Role};
use serialtrack_server::store::{NewApiKey, NewUser, Store};
use serialtrack_server::web::{service, AppState};
use std::collections::HashMap;
use std::sync::Arc;

pub const PASSWORD: &str = "a-test-password";

pub struct TestApp {
    pub address: String,
    #[allow(dead_code)]
    pub store: Arc<dyn Store>,
    pub client: reqwest::Client,
    /// Tenant A ("Acme"): an API key per role.
    pub keys: HashMap<Role, String>,
    /// Tenant B ("Other"): an API key per role, for isolation probes.
    pub other_keys: HashMap<Role, String>,
    pub tenant_id: String,
    /// The server's calendar, which a test may move forward (retention across years).
    #[allow(dead_code)]
    pub clock: serialtrack_server::domain::clock::Clock,
    _database: databases::TestDatabase,
}

/// A tenant with a user `<prefix>-<role>` (password [`PASSWORD`]) and an API key for each role.
async fn seed_tenant(store: &Arc<dyn Store>, name: &str, kind: &str, prefix: &str) -> (String, HashMap<Role, String>) {
    let tenant = store.tenant_create(name, kind).await.expect("creating a test tenant");
    let mut keys = HashMap::new();
    for role in Role::ALL {
        let user = NewUser {
            tenant_id: tenant.id.clone(),
            username: format!("{prefix}-{role}"),
            display_name: format!("{name} {role}"),
            role: role.as_str().into(),
            password_hash: PasswordCost::Minimal.hash(PASSWORD).expect("hashing"),
        };
        store.user_create(user).await.expect("creating a test user");
        let key = new_api_key();
        let new_key = NewApiKey {
            tenant_id: tenant.id.clone(),
            name: format!("{prefix}-{role}-key"),
            role: role.as_str().into(),
            prefix: key[..10].into(),
            key_hash: hash_token(&key),
            grants: Default::default(),
        };
        store.api_key_create(new_key).await.expect("creating a test key");
        keys.insert(role, key);
    }
    (tenant.id, keys)
}

/// The backend the API tests run on: SQLite, or PostgreSQL when `SERIALTRACK_TEST_API_BACKEND=postgres`
/// (scripts/test runs the whole API suite once on each).
async fn database() -> databases::TestDatabase {
    if std::env::var("SERIALTRACK_TEST_API_BACKEND").as_deref() == Ok("postgres") {
        return databases::postgres("the API tests")
            .await
            .expect("SERIALTRACK_TEST_API_BACKEND=postgres needs SERIALTRACK_TEST_POSTGRES_URL");
    }
    databases::sqlite().await
}

pub async fn spawn_app() -> TestApp {
    let database = database().await;
    let store = database.store.clone();
    let (tenant_id, keys) = seed_tenant(&store, "Acme", "brand_owner", "acme").await;
    let (_, other_keys) = seed_tenant(&store, "Other", "brand_owner", "other").await;
    let mut state = AppState::new(store.clone(), std::env::temp_dir().join("serialtrack-no-app"));
    state.password_cost = PasswordCost::Minimal;
    let clock = state.clock.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding port 0");
    let address = format!("http://{}", listener.local_addr().expect("a local address"));
    tokio::spawn(async move { axum::serve(listener, service(state)).await });
    let client = reqwest::Client::new();
    TestApp { address, store, client, keys, other_keys, tenant_id, clock, _database: database }
}

/// A response read whole: its status, headers and JSON body (`Value::Null` when empty or not JSON). An event
/// stream never ends, so only its status and headers are read.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub async fn read(response: Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let streaming =
            headers.get("content-type").is_some_and(|value| value.as_bytes().starts_with(b"text/event-stream"));
        if streaming {
            return Self { status, headers, body: Value::Null, text: String::new() };
        }
        let text = response.text().await.expect("reading a response body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Self { status, headers, body, text }
    }

    /// Asserts the status and, for errors, our `{"code", "message"}` shape; returns the body.
    pub fn expect(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.text);
        if status >= 400 {
            assert_error_shape(self);
        }
        &self.body
    }

    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

pub fn assert_error_shape(answer: &Answer) {
    let shape_ok = answer.body["code"].is_string() && answer.body["message"].is_string();
    assert!(shape_ok, "error {} without our JSON shape: {}", answer.status, answer.text);
    assert!(answer.status.as_u16() < 500, "a server error: {}", answer.text);
}

impl TestApp {
    pub fn key(&self, role: Role) -> &str {
        &self.keys[&role]
    }

    /// A partner (CMO) of tenant A, with a user `cmo-<role>` and an API key per role: its id and keys.
    pub async fn a_partner(&self) -> (String, HashMap<Role, String>) {
        let (partner_id, keys) = self.a_contract_manufacturer("Partner CMO", "cmo").await;
        self.store.partnership_create(&self.tenant_id, &partner_id).await.expect("creating a partnership");
        (partner_id, keys)
    }

    /// A contract manufacturer that is nobody's partner yet, with a user `<prefix>-<role>` (password
    /// [`PASSWORD`]) and an API key per role: its id and keys.
    pub async fn a_contract_manufacturer(&self, name: &str, prefix: &str) -> (String, HashMap<Role, String>) {
        seed_tenant(&self.store, name, "contract_manufacturer", prefix).await
    }

    pub async fn call(&self, method: Method, path: &str, key: Option<&str>, body: Option<Value>) -> Answer {
        let mut request = self.client.request(method, format!("{}/api/v1{path}", self.address));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::read(request.send().await.expect("sending a request")).await
    }

    /// A call by tenant A's admin as a person, signed in with a session: what only a person may do (making or
    /// widening API keys, a partner's limit) goes this way.
    pub async fn admin_does(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.person_does("acme-admin", method, path, body).await
    }

    /// A call by the user `username` (password [`PASSWORD`]) in a session of their own.
    pub async fn person_does(&self, username: &str, method: Method, path: &str, body: Option<Value>) -> Answer {
        let client = reqwest::Client::builder().cookie_store(true).build().expect("a client with cookies");
        self.sessions_create(&client, username, PASSWORD).await.expect(201);
        let mut request = client.request(method, format!("{}/api/v1{path}", self.address));
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::read(request.send().await.expect("sending a request")).await
    }

    /// Runs SQL straight on the test database, past the store: what a test does to move a day on.
    #[allow(dead_code)]
    pub async fn sql(&self, statement: &str) {
        let url = &self._database.url;
        let done = if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.expect("opening the SQLite file");
            sqlx::query(statement).execute(&pool).await.map(|_| ())
        } else {
            let pool = sqlx::PgPool::connect(url).await.expect("connecting to PostgreSQL");
            sqlx::query(statement).execute(&pool).await.map(|_| ())
        };
        done.unwrap_or_else(|error| panic!("{statement}: {error}"));
    }

    /// Runs one statement with a blob bound as `$1`, past the store (a forger rewriting an archive segment).
    #[allow(dead_code)]
    pub async fn sql_with_bytes(&self, statement: &str, bytes: Vec<u8>) {
        let url = &self._database.url;
        let done = if url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(url).await.expect("opening the SQLite file");
            sqlx::query(statement).bind(bytes).execute(&pool).await.map(|_| ())
        } else {
            let pool = sqlx::PgPool::connect(url).await.expect("connecting to PostgreSQL");
            sqlx::query(statement).bind(bytes).execute(&pool).await.map(|_| ())
        };
        done.unwrap_or_else(|error| panic!("{statement}: {error}"));
    }

    pub async fn get_as(&self, role: Role, path: &str) -> Answer {
        self.call(Method::GET, path, Some(self.key(role)), None).await
    }

    pub async fn post_as(&self, role: Role, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(self.key(role)), Some(body)).await
    }

    pub async fn products_create(&self, role: Role, body: Value) -> Answer {
        self.post_as(role, "/products", body).await
    }

    /// Creates a GTIN product as admin and returns its id.
    pub async fn a_product(&self, gtin: &str, name: &str) -> String {
        let body = json!({"code_schema": "gtin", "code": gtin, "name": name});
        let answer = self.products_create(Role::Admin, body).await;
        answer.expect(201)["id"].as_str().expect("a product id").to_owned()
    }

    pub async fn products_list(&self, role: Role, query: &str) -> Answer {
        self.get_as(role, &format!("/products{query}")).await
    }

    pub async fn products_update(&self, role: Role, product_id: &str, body: Value) -> Answer {
        self.call(Method::PATCH, &format!("/products/{product_id}"), Some(self.key(role)), Some(body)).await
    }

    pub async fn pool_import(&self, role: Role, product_id: &str, body: Value) -> Answer {
        self.post_as(role, &format!("/products/{product_id}/pool/import"), body).await
    }

    pub async fn pool_generate(&self, role: Role, product_id: &str, count: u32) -> Answer {
        self.post_as(role, &format!("/products/{product_id}/pool/generate"), json!({"count": count})).await
    }

    pub async fn pool_counts(&self, role: Role) -> Answer {
        self.get_as(role, "/pool/counts").await
    }

    pub async fn units_register(&self, role: Role, body: Value) -> Answer {
        self.post_as(role, "/units", body).await
    }

    pub async fn units_lookup(&self, role: Role, query: &str) -> Answer {
        self.get_as(role, &format!("/units{query}")).await
    }

    pub async fn units_history(&self, role: Role, unit_id: &str, query: &str) -> Answer {
        self.get_as(role, &format!("/units/{unit_id}/history{query}")).await
    }

    pub async fn units_commands(&self, role: Role, unit_id: &str, body: Value) -> Answer {
        self.post_as(role, &format!("/units/{unit_id}/commands"), body).await
    }

    pub async fn events_list(&self, role: Role, query: &str) -> Answer {
        self.get_as(role, &format!("/events{query}")).await
    }

    pub async fn sessions_create(&self, client: &reqwest::Client, username: &str, password: &str) -> Answer {
        let body = json!({"username": username, "password": password});
        let url = format!("{}/api/v1/sessions", self.address);
        Answer::read(client.post(url).json(&body).send().await.expect("signing in")).await
    }

    /// The OpenAPI document's operations as (method, path) pairs, paths as documented.
    pub async fn documented_operations(&self) -> Vec<(Method, String)> {
        let document = self.call(Method::GET, "/openapi.json", None, None).await;
        let paths = document.body["paths"].as_object().expect("paths in the OpenAPI document").clone();
        let mut operations = Vec::new();
        for (path, item) in paths {
            for method in item.as_object().expect("a path item").keys() {
                let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("an HTTP method");
                operations.push((method, path.clone()));
            }
        }
        operations
    }
}
