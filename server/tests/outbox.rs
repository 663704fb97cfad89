//! The durable outbox with several servers on one database (docs/JOBS.md): a day's retention run is enqueued
//! once however many servers schedule it, each job runs once, and a job whose server stopped mid-run is taken
//! over when its lease runs out. On both backends; on PostgreSQL the servers claim concurrently.

mod support;

use serialtrack_server::auth::PasswordCost;
use serialtrack_server::domain::clock::Clock;
use serialtrack_server::domain::outbox::{self, RETENTION};
use serialtrack_server::store::{postgres::PostgresStore, sqlite::SqliteStore, NewSession, NewUser, Store};
use std::sync::Arc;
use support::databases::{self, TestDatabase};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::databases::sqlite().await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(database) = super::databases::postgres(stringify!($name)).await {
                    super::$name(database).await;
                }
            })*
        }
    };
}

on_both_backends!(
    a_day_is_enqueued_once_however_many_servers_schedule_it,
    two_servers_run_each_job_once,
    a_job_whose_server_stopped_is_taken_over_when_its_lease_runs_out,
    the_days_sweep_forgets_expired_sessions_and_keeps_live_ones,
);

/// A second server on the same database.
async fn another_server(database: &TestDatabase) -> Arc<dyn Store> {
    if database.url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(&database.url).await.expect("a second SQLite connection"))
    } else {
        Arc::new(PostgresStore::connect(&database.url).await.expect("a second PostgreSQL pool"))
    }
}

async fn three_tenants(store: &Arc<dyn Store>) -> Vec<String> {
    let mut ids = Vec::new();
    for name in ["Acme", "Beta", "Gamma"] {
        ids.push(store.tenant_create(name, "brand_owner").await.unwrap().id);
    }
    ids
}

async fn a_day_is_enqueued_once_however_many_servers_schedule_it(database: TestDatabase) {
    let (one, two) = (database.store.clone(), another_server(&database).await);
    let tenants = three_tenants(&one).await;
    let clock = Clock::system();
    let (a, b) = tokio::join!(outbox::schedule(&one, &clock), outbox::schedule(&two, &clock));
    a.unwrap();
    b.unwrap();
    outbox::schedule(&one, &clock).await.unwrap();
    for tenant in &tenants {
        assert_eq!(one.jobs(tenant, RETENTION, 10).await.unwrap().len(), 1, "one run a day for {tenant}");
    }
    clock.advance(time::Duration::days(1));
    outbox::schedule(&two, &clock).await.unwrap();
    assert_eq!(one.jobs(&tenants[0], RETENTION, 10).await.unwrap().len(), 2, "and one the next day");
}

async fn two_servers_run_each_job_once(database: TestDatabase) {
    let (one, two) = (database.store.clone(), another_server(&database).await);
    let tenants = three_tenants(&one).await;
    let clock = Clock::system();
    outbox::schedule(&one, &clock).await.unwrap();
    let (a, b) = tokio::join!(
        outbox::work_until_idle(&one, &clock, "server-one"),
        outbox::work_until_idle(&two, &clock, "server-two"),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 4, "three runs and the sweep of sessions, each run by one of the servers");
    for tenant in &tenants {
        let jobs = one.jobs(tenant, RETENTION, 10).await.unwrap();
        assert_eq!((jobs[0].state.as_str(), jobs[0].attempts), ("done", 1), "{jobs:?}");
    }
    assert_eq!(outbox::work_until_idle(&two, &clock, "server-two").await.unwrap(), 0, "nothing is left");
}

async fn a_job_whose_server_stopped_is_taken_over_when_its_lease_runs_out(database: TestDatabase) {
    let (one, two) = (database.store.clone(), another_server(&database).await);
    let tenant = three_tenants(&one).await.remove(0);
    let clock = Clock::system();
    one.job_enqueue(outbox::retention_job(&tenant, &clock, false), false).await.unwrap();
    let now = clock.now_millis();
    let claimed = one.job_claim("server-one", now, now + 120_000).await.unwrap().expect("a due job");
    // Server one stops here, its job claimed and never finished.
    assert!(!outbox::work_once(&two, &clock, "server-two").await.unwrap(), "its lease still runs");
    clock.advance(time::Duration::minutes(3));
    assert!(outbox::work_once(&two, &clock, "server-two").await.unwrap(), "taken over once the lease ran out");
    let job = &one.jobs(&tenant, RETENTION, 1).await.unwrap()[0];
    assert_eq!(
        (job.id.as_str(), job.state.as_str(), job.claimed_by.as_deref()),
        (claimed.id.as_str(), "done", Some("server-two"))
    );
    // The stopped server coming back cannot finish what is no longer its job.
    one.job_finish(&claimed.id, "server-one", Err("late".into()), now).await.unwrap();
    let job = &one.jobs(&tenant, RETENTION, 1).await.unwrap()[0];
    assert_eq!((job.state.as_str(), job.error.as_deref()), ("done", None));
    assert!(!one.job_renew(&claimed.id, "server-one", now + 1).await.unwrap());
}

async fn the_days_sweep_forgets_expired_sessions_and_keeps_live_ones(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = three_tenants(&store).await.remove(0);
    let user = NewUser {
        tenant_id: tenant.clone(),
        username: "ada".into(),
        display_name: "Ada".into(),
        role: "operator".into(),
        password_hash: PasswordCost::Minimal.hash("a-long-password").unwrap(),
    };
    store.user_create(user).await.unwrap();
    let user = store.user_by_username("ada").await.unwrap().unwrap();
    let clock = Clock::system();
    let now = clock.now_millis();
    for (token, expires_at) in [("expired", now - 1_000), ("live", now + 3_600_000)] {
        let session = NewSession { token_hash: token.into(), expires_at, user_agent: None, client_address: None };
        store.session_create(session, &user).await.unwrap().expect("a session");
    }
    outbox::schedule(&store, &clock).await.unwrap();
    outbox::work_until_idle(&store, &clock, "server-one").await.unwrap();
    let live = store.user_sessions(&tenant, &user.id, now - 10_000).await.unwrap();
    assert_eq!(live.len(), 1, "the expired session is forgotten, the live one kept: {live:?}");
    assert!(store.session_principal("live", now).await.unwrap().is_some());
}
