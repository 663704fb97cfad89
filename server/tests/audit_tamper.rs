//! The audit trail tampered with directly in the database, on both backends (docs/AUDIT.md, "What a tamper
//! looks like"): rows edited, deleted, inserted and reordered with SQL, a tail truncated, a chain rebuilt end
//! to end by someone who knows the hashing but not the key; `verify` names the first bad entry of each. And a
//! write whose audit entry cannot be appended is not written at all.

mod support;

use serialtrack_server::domain::audit_checkpoints::checkpoint_all;
use serialtrack_server::domain::audit_key::AuditKey;
use serialtrack_server::domain::audit_verify::{verify_chain, ChainReport, Trust};
use serialtrack_server::store::audit::chain::{link_hash, payload_hash};
use serialtrack_server::store::{AuditFilter, AuditRecord, NewProduct, Store};
use std::sync::Arc;
use support::databases::{self, TestDatabase};

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::databases::sqlite().await).await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                if let Some(database) = super::databases::postgres(stringify!($name)).await {
                    super::$name(database).await;
                }
            })*
        }
    };
}

on_both_backends!(
    an_intact_chain_verifies,
    an_edited_entry_is_named,
    a_deleted_entry_is_named,
    an_inserted_entry_is_named,
    reordered_entries_are_named,
    a_deleted_tail_is_named_by_the_head_or_the_checkpoints,
    a_chain_rebuilt_without_the_key_is_found_by_its_checkpoints,
    a_checkpoint_signed_by_another_key_is_not_trusted,
    a_write_whose_entry_cannot_be_appended_is_not_written,
);

/// SQL straight to the database, past the store: what someone with database access could do.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn open(database: &TestDatabase) -> Self {
        if database.url.starts_with("sqlite:") {
            Raw::Sqlite(sqlx::SqlitePool::connect(&database.url).await.expect("opening the SQLite file"))
        } else {
            Raw::Postgres(sqlx::PgPool::connect(&database.url).await.expect("connecting to PostgreSQL"))
        }
    }

    async fn run(&self, sql: &str) {
        for statement in sql.split(';').map(str::trim).filter(|statement| !statement.is_empty()) {
            match self {
                Raw::Sqlite(pool) => sqlx::query(statement).execute(pool).await.map(|_| ()),
                Raw::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(|_| ()),
            }
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
        }
    }
}

/// A tenant whose chain holds 10 entries (created, then nine products); its id.
async fn a_chain(store: &Arc<dyn Store>) -> String {
    let tenant = store.tenant_create("Acme", "brand_owner").await.unwrap();
    for index in 0..9 {
        let product = NewProduct {
            code_schema: "internal".into(),
            code: format!("P-{index}"),
            gtin: None,
            name: format!("Product {index}"),
            serial_source: "generated".into(),
            serial_scheme: "{\"kind\":\"randomised\",\"length\":12}".into(),
            workflow: "{}".into(),
            details: "{}".into(),
        };
        store.product_create(&tenant.id, product).await.unwrap();
    }
    assert_eq!(store.audit_head(&tenant.id).await.unwrap().unwrap().seq, 10);
    tenant.id
}

async fn entries(store: &Arc<dyn Store>, tenant: &str) -> Vec<AuditRecord> {
    store.audit_entries(tenant, &AuditFilter { limit: 1_000, ..Default::default() }).await.unwrap()
}

async fn check(store: &Arc<dyn Store>, tenant: &str, trust: &Trust) -> ChainReport {
    verify_chain(store.as_ref(), tenant, trust).await.unwrap()
}

/// Asserts the first bad entry and a word of what is wrong with it.
fn named(report: &ChainReport, seq: i64, word: &str) {
    let problem = report.problem.as_ref().unwrap_or_else(|| panic!("the tamper went unseen: {report:?}"));
    assert_eq!(problem.seq, seq, "the first bad entry: {}", problem.what);
    assert!(problem.what.contains(word), "{:?} should say {word:?}", problem.what);
}

/// The SQL that writes `row` back as entry `seq` with hashes recomputed: a forger who knows the hashing.
fn forged_insert(tenant: &str, row: &AuditRecord, seq: i64, prev_hash: &str) -> (String, String) {
    let payload = payload_hash(&row.payload());
    let hash = link_hash(tenant, seq, prev_hash, &payload);
    let text =
        |value: &Option<String>| value.as_ref().map_or("NULL".to_owned(), |v| format!("'{}'", v.replace('\'', "''")));
    let sql = format!(
        "INSERT INTO audit_entries (tenant_id, seq, at, client_time, action, actor, actor_tenant, device_id, \
         object_kind, object_id, old_value, new_value, reason, payload_hash, prev_hash, hash) VALUES ('{tenant}', \
         {seq}, {}, NULL, {}, {}, NULL, NULL, {}, {}, {}, {}, NULL, '{payload}', '{prev_hash}', '{hash}')",
        row.at,
        text(&row.action),
        text(&row.actor),
        text(&row.object_kind),
        text(&row.object_id),
        text(&row.old_value),
        text(&row.new_value),
    );
    (sql, hash)
}

async fn an_intact_chain_verifies(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let report = check(&store, &tenant, &Trust::default()).await;
    assert_eq!((report.problem, report.entries, report.head_seq), (None, 10, 10));
}

async fn an_edited_entry_is_named(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let raw = Raw::open(&database).await;
    raw.run(&format!(
        "UPDATE audit_entries SET new_value = '{{\"name\":\"Forged\"}}' WHERE tenant_id = '{tenant}' AND seq = 5"
    ))
    .await;
    named(&check(&store, &tenant, &Trust::default()).await, 5, "edited");
}

async fn a_deleted_entry_is_named(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let raw = Raw::open(&database).await;
    raw.run(&format!("DELETE FROM audit_entries WHERE tenant_id = '{tenant}' AND seq = 5")).await;
    named(&check(&store, &tenant, &Trust::default()).await, 5, "missing");
    // Deleted and the rest renumbered to close the gap: entry 5 then holds what was entry 6.
    raw.run(&format!(
        "UPDATE audit_entries SET seq = seq + 1000 WHERE tenant_id = '{tenant}' AND seq > 5; \
         UPDATE audit_entries SET seq = seq - 1001 WHERE tenant_id = '{tenant}' AND seq > 1000"
    ))
    .await;
    named(&check(&store, &tenant, &Trust::default()).await, 5, "was written as entry 6");
}

async fn an_inserted_entry_is_named(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let rows = entries(&store, &tenant).await;
    let raw = Raw::open(&database).await;
    // Room made at 5, and a forged entry 5 linked to entry 4 with every hash of its own right.
    raw.run(&format!(
        "UPDATE audit_entries SET seq = seq + 1000 WHERE tenant_id = '{tenant}' AND seq >= 5; \
         UPDATE audit_entries SET seq = seq - 999 WHERE tenant_id = '{tenant}' AND seq > 1000"
    ))
    .await;
    let forged = AuditRecord { new_value: Some("{\"name\":\"Inserted\"}".into()), ..rows[4].clone() };
    let (insert, _) = forged_insert(&tenant, &forged, 5, &rows[3].hash);
    raw.run(&insert).await;
    named(&check(&store, &tenant, &Trust::default()).await, 5, "inserted");
}

async fn reordered_entries_are_named(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let raw = Raw::open(&database).await;
    raw.run(&format!(
        "UPDATE audit_entries SET seq = -6 WHERE tenant_id = '{tenant}' AND seq = 6; \
         UPDATE audit_entries SET seq = 6 WHERE tenant_id = '{tenant}' AND seq = 5; \
         UPDATE audit_entries SET seq = 5 WHERE tenant_id = '{tenant}' AND seq = -6"
    ))
    .await;
    named(&check(&store, &tenant, &Trust::default()).await, 5, "reordered");
}

async fn a_deleted_tail_is_named_by_the_head_or_the_checkpoints(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let folder = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(&folder.path().join("audit.key")).unwrap();
    let exported = store.audit_checkpoints(None).await.unwrap();
    assert!(exported.is_empty());
    checkpoint_all(store.as_ref(), &key).await.unwrap();
    let exported = store.audit_checkpoints(Some(&tenant)).await.unwrap();
    assert_eq!(exported.iter().map(|checkpoint| checkpoint.seq).collect::<Vec<_>>(), [10]);
    let rows = entries(&store, &tenant).await;
    let raw = Raw::open(&database).await;
    raw.run(&format!("DELETE FROM audit_entries WHERE tenant_id = '{tenant}' AND seq > 7")).await;
    named(&check(&store, &tenant, &Trust::default()).await, 8, "end of the chain was deleted");
    // The head moved back too, and the stored checkpoints deleted: only the exported ones know.
    raw.run(&format!(
        "UPDATE audit_heads SET seq = 7, hash = '{}' WHERE tenant_id = '{tenant}'; \
         DELETE FROM audit_checkpoints WHERE tenant_id = '{tenant}'",
        rows[6].hash
    ))
    .await;
    assert_eq!(check(&store, &tenant, &Trust::default()).await.problem, None, "from the database alone");
    let trust = Trust { public_key: Some(key.public_key()), exported };
    named(&check(&store, &tenant, &trust).await, 8, "truncated");
}

async fn a_chain_rebuilt_without_the_key_is_found_by_its_checkpoints(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let folder = tempfile::tempdir().unwrap();
    let key = AuditKey::load_or_create(&folder.path().join("audit.key")).unwrap();
    checkpoint_all(store.as_ref(), &key).await.unwrap();
    let exported = store.audit_checkpoints(Some(&tenant)).await.unwrap();
    // Entry 3 edited, then every entry from 3 on re-hashed and the head moved: the chain holds together.
    let rows = entries(&store, &tenant).await;
    let raw = Raw::open(&database).await;
    raw.run(&format!("DELETE FROM audit_entries WHERE tenant_id = '{tenant}' AND seq >= 3")).await;
    let mut prev = rows[1].hash.clone();
    for row in &rows[2..] {
        let row = match row.seq {
            3 => AuditRecord { new_value: Some("{\"name\":\"Rewritten\"}".into()), ..row.clone() },
            _ => row.clone(),
        };
        let (insert, hash) = forged_insert(&tenant, &row, row.seq, &prev);
        raw.run(&insert).await;
        prev = hash;
    }
    raw.run(&format!("UPDATE audit_heads SET hash = '{prev}' WHERE tenant_id = '{tenant}'")).await;
    let trust = Trust { public_key: Some(key.public_key()), exported: Vec::new() };
    named(&check(&store, &tenant, &trust).await, 10, "rebuilt without the signing key");
    // The stored checkpoints deleted too: the exported ones still know.
    raw.run(&format!("DELETE FROM audit_checkpoints WHERE tenant_id = '{tenant}'")).await;
    assert_eq!(check(&store, &tenant, &trust).await.problem, None, "nothing in the database says so any more");
    let trust = Trust { exported, ..trust };
    named(&check(&store, &tenant, &trust).await, 10, "rebuilt without the signing key");
}

async fn a_checkpoint_signed_by_another_key_is_not_trusted(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let folder = tempfile::tempdir().unwrap();
    let ours = AuditKey::load_or_create(&folder.path().join("ours.key")).unwrap();
    let theirs = AuditKey::load_or_create(&folder.path().join("theirs.key")).unwrap();
    checkpoint_all(store.as_ref(), &theirs).await.unwrap();
    let trust = Trust { public_key: Some(ours.public_key()), exported: Vec::new() };
    named(&check(&store, &tenant, &trust).await, 10, "not trusted");
    // A signature altered in the database.
    let raw = Raw::open(&database).await;
    raw.run(&format!("UPDATE audit_checkpoints SET at = at + 1 WHERE tenant_id = '{tenant}'")).await;
    named(&check(&store, &tenant, &Trust::default()).await, 10, "bad signature");
}

async fn a_write_whose_entry_cannot_be_appended_is_not_written(database: TestDatabase) {
    let store = database.store.clone();
    let tenant = a_chain(&store).await;
    let raw = Raw::open(&database).await;
    raw.run("DROP TABLE audit_heads").await;
    let product = NewProduct {
        code_schema: "internal".into(),
        code: "NEVER".into(),
        gtin: None,
        name: "Never".into(),
        serial_source: "generated".into(),
        serial_scheme: "{\"kind\":\"randomised\",\"length\":12}".into(),
        workflow: "{}".into(),
        details: "{}".into(),
    };
    assert!(store.product_create(&tenant, product).await.is_err(), "the write fails with its entry");
    let listed = store.products(&tenant, Some("NEVER"), 10, 0).await.unwrap();
    assert!(listed.is_empty(), "and leaves nothing behind: one transaction");
}
