//! One storage story, told to every backend: what the server relies on the store for.

mod support;

use serialtrack_server::store::{
    Decision, NewApiKey, NewEvent, NewProduct, NewSession, NewUnit, NewUser, OpInput, OpOutcome, PoolAction, Store,
    StoreError, UnitChange,
};
use std::sync::Arc;
use support::databases;

#[tokio::test]
async fn the_storage_story_holds_on_sqlite() {
    let database = databases::sqlite().await;
    storage_story(database.store.clone()).await;
}

#[tokio::test]
async fn the_storage_story_holds_on_postgres() {
    if let Some(database) = databases::postgres("the storage story").await {
        storage_story(database.store.clone()).await;
    }
}

#[tokio::test]
async fn concurrent_appends_get_gap_free_seqs_on_sqlite() {
    let database = databases::sqlite().await;
    concurrent_appends(database.store.clone()).await;
}

#[tokio::test]
async fn concurrent_appends_get_gap_free_seqs_on_postgres() {
    if let Some(database) = databases::postgres("concurrent appends").await {
        concurrent_appends(database.store.clone()).await;
    }
}

fn product(code: &str, gtin: Option<&str>, name: &str) -> NewProduct {
    NewProduct {
        code_schema: if gtin.is_some() { "gtin".into() } else { "internal".into() },
        code: code.into(),
        gtin: gtin.map(str::to_owned),
        name: name.into(),
        serial_source: "generated".into(),
        serial_scheme: "{}".into(),
        workflow: "{}".into(),
        details: "{}".into(),
    }
}

fn registration(product_id: &str, serials: &[&str]) -> (Vec<NewUnit>, Vec<NewEvent>) {
    serials
        .iter()
        .map(|serial| {
            let id = uuid::Uuid::new_v4().to_string();
            let unit = NewUnit {
                id: id.clone(),
                product_id: product_id.into(),
                serial: (*serial).into(),
                lot: None,
                change: UnitChange { status: "available".into(), state: r#"{"status":"available"}"#.into() },
            };
            let event = NewEvent {
                op_id: uuid::Uuid::new_v4().to_string(),
                op_index: 0,
                unit_id: id,
                kind: "registered".into(),
                payload: "{}".into(),
                actor: "tester".into(),
                device_id: None,
                device_seq: None,
            };
            (unit, event)
        })
        .unzip()
}

fn op(unit_id: &str) -> OpInput {
    OpInput {
        op_id: uuid::Uuid::new_v4().to_string(),
        unit_id: unit_id.into(),
        actor: "tester".into(),
        device_id: None,
        device_seq: None,
        payload: r#"{"command":"ship"}"#.into(),
    }
}

fn ship(unit: &serialtrack_server::store::UnitRecord) -> Decision {
    if unit.status == "available" {
        Decision::Accept {
            events: vec![("shipped".into(), "{}".into())],
            change: UnitChange { status: "shipped".into(), state: r#"{"status":"shipped"}"#.into() },
        }
    } else {
        Decision::Refuse { code: "transition_not_allowed".into(), message: "already shipped".into() }
    }
}

async fn storage_story(store: Arc<dyn Store>) {
    // Accounts: tenants, a partnership, a user with a session, an API key.
    let brand = store.tenant_create("Brand", "brand_owner").await.unwrap();
    let cmo = store.tenant_create("CMO", "contract_manufacturer").await.unwrap();
    store.partnership_create(&brand.id, &cmo.id).await.unwrap();
    assert_eq!(store.partners(&cmo.id).await.unwrap()[0].id, brand.id);
    let user = NewUser {
        tenant_id: brand.id.clone(),
        username: "ada".into(),
        display_name: "Ada".into(),
        role: "admin".into(),
        password_hash: "hash".into(),
    };
    let ada = store.user_create(user.clone()).await.unwrap();
    assert!(matches!(store.user_create(user).await, Err(StoreError::Conflict(_))));
    let session =
        NewSession { token_hash: "token-hash".into(), expires_at: i64::MAX, user_agent: None, client_address: None };
    assert!(store.session_create(session, &ada).await.unwrap().is_some());
    let principal = store.session_principal("token-hash", 0).await.unwrap().unwrap();
    assert_eq!((principal.tenant_id.as_str(), principal.role.as_str()), (brand.id.as_str(), "admin"));
    store.session_delete("token-hash").await.unwrap();
    assert!(store.session_principal("token-hash", 0).await.unwrap().is_none());
    let key = NewApiKey {
        tenant_id: brand.id.clone(),
        name: "line 1".into(),
        role: "operator".into(),
        prefix: "st_abc".into(),
        key_hash: "key-hash".into(),
        grants: Default::default(),
    };
    let key = store.api_key_create(key).await.unwrap();
    assert_eq!(store.api_key_principal("key-hash").await.unwrap().unwrap().role, "operator");
    assert!(!store.api_key_revoke(&cmo.id, &key.id).await.unwrap(), "another tenant cannot revoke the key");
    assert!(store.api_key_revoke(&brand.id, &key.id).await.unwrap());
    assert!(store.api_key_principal("key-hash").await.unwrap().is_none());

    // Catalog: products found by code or part of the name, and only by their own tenant.
    let pill = store.product_create(&brand.id, product("09520123456788", Some("09520123456788"), "Pill 20 mg")).await;
    let pill = pill.unwrap();
    let cm = store.product_create(&brand.id, product("CM-500", None, "Coffee machine")).await.unwrap();
    let duplicate = store.product_create(&brand.id, product("CM-500", None, "Again")).await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))));
    let found = store.products(&brand.id, Some("coffee"), 50, 0).await.unwrap();
    assert_eq!(found.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [cm.id.as_str()]);
    assert_eq!(store.products(&brand.id, Some("cm-5"), 50, 0).await.unwrap().len(), 1);
    assert_eq!(store.products(&brand.id, Some("%"), 50, 0).await.unwrap().len(), 0, "wildcards are literal");
    assert_eq!(store.products(&brand.id, None, 50, 0).await.unwrap().len(), 2);
    assert!(store.products(&cmo.id, None, 50, 0).await.unwrap().is_empty());
    assert!(store.product(&cmo.id, &pill.id).await.unwrap().is_none());
    assert_eq!(store.product_by_gtin(&brand.id, "09520123456788").await.unwrap().unwrap().id, pill.id);
    let renamed = store.product_update(&brand.id, &cm.id, Default::default()).await.unwrap().unwrap();
    assert_eq!(renamed.name, "Coffee machine", "no change leaves the product as it was");
    assert!(store.product_update(&cmo.id, &cm.id, Default::default()).await.unwrap().is_none());
    assert_eq!(store.product_reserve_counters(&brand.id, &pill.id, 100, 2026).await.unwrap(), 0);
    assert_eq!(store.product_reserve_counters(&brand.id, &pill.id, 100, 2026).await.unwrap(), 100);
    assert_eq!(store.product_reserve_counters(&brand.id, &pill.id, 10, 2027).await.unwrap(), 0, "a new year restarts");
    assert_eq!(store.product_reserve_counters(&brand.id, &pill.id, 10, 2027).await.unwrap(), 10);
    let secret = store.tenant_serial_secret(&brand.id, "first").await.unwrap();
    assert_eq!(secret, "first");
    assert_eq!(store.tenant_serial_secret(&brand.id, "second").await.unwrap(), "first", "the secret never changes");

    // Pool: a list goes in whole or not at all; counts per status per product.
    let serials: Vec<String> = (0..12_000).map(|n| format!("S{n:06}")).collect();
    let generated = PoolAction::new("generated", "user:ada", "12,000 serials");
    assert_eq!(store.pool_insert(&brand.id, &pill.id, "generated", &serials, &generated).await.unwrap(), 12_000);
    let overlapping = vec!["NEW1".to_owned(), "S000007".to_owned()];
    let imported = PoolAction::new("imported", "user:ada", "a file");
    assert!(matches!(
        store.pool_insert(&brand.id, &pill.id, "imported", &overlapping, &imported).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.pool_existing(&brand.id, &pill.id, &overlapping).await.unwrap(), ["S000007"]);
    // A serial's pool history keeps every action, the same kind twice too.
    let to_order = PoolAction::new("assigned", "user:ada", "to order 0");
    assert_eq!(store.pool_assign(&brand.id, &pill.id, &serials[..10], "order 0", None, &to_order).await.unwrap(), 10);
    let released = PoolAction::new("released", "user:ada", "10 serials released");
    assert!(store.pool_release(&brand.id, &pill.id, &serials[..10], &released).await.unwrap());
    let to_cmo = PoolAction::new("assigned", "user:ada", "to partner");
    let assigned =
        store.pool_assign(&brand.id, &pill.id, &serials[..10], "order 1", Some(&cmo.id), &to_cmo).await.unwrap();
    assert_eq!(assigned, 10);
    let (_, history) = store.pool_serial(&brand.id, &pill.id, &serials[3]).await.unwrap().unwrap();
    let history: Vec<(&str, &str)> = history.iter().map(|a| (a.action.as_str(), a.detail.as_str())).collect();
    assert_eq!(
        history,
        [
            ("generated", "12,000 serials"),
            ("assigned", "to order 0"),
            ("released", "10 serials released"),
            ("assigned", "to partner")
        ]
    );
    let counts = store.pool_counts(&brand.id).await.unwrap();
    let count = |status: &str| counts.iter().find(|c| c.status == status).map(|c| c.count);
    assert_eq!((count("available"), count("assigned")), (Some(11_990), Some(10)));
    // The partner holds them Available in its own pool, under its copy of the product.
    let partner_counts = store.pool_counts(&cmo.id).await.unwrap();
    assert_eq!(partner_counts.iter().map(|c| (c.status.as_str(), c.count)).collect::<Vec<_>>(), [("available", 10)]);
    assert_ne!(partner_counts[0].product_id, pill.id);

    // Units: registered in one call with consecutive seqs; a second registration of one is refused whole.
    let (units, events) = registration(&pill.id, &["A1", "A2", "A3"]);
    assert_eq!(store.units_register(&brand.id, &units, &events).await.unwrap(), 3);
    let (again, again_events) = registration(&pill.id, &["A4", "A1"]);
    assert!(matches!(store.units_register(&brand.id, &again, &again_events).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.units_existing(&brand.id, &pill.id, &["A1".into(), "A4".into()]).await.unwrap(), ["A1"]);
    let a1 = store.unit_by_serial(&brand.id, &pill.id, "A1").await.unwrap().unwrap();
    assert!(store.unit_by_serial(&cmo.id, &pill.id, "A1").await.unwrap().is_none());
    assert!(store.unit(&cmo.id, &a1.id).await.unwrap().is_none());

    // Commands: accepted gets the next seq; refused keeps its payload and the unit's state; a repeat is a no-op.
    let first = op(&a1.id);
    let OpOutcome::Accepted { events, unit } = store.unit_apply(&brand.id, first.clone(), &ship).await.unwrap() else {
        panic!("shipping an available unit is accepted");
    };
    assert_eq!((events[0].seq, unit.status.as_str(), unit.version, unit.last_seq), (4, "shipped", 2, 4));
    assert!(matches!(store.unit_apply(&brand.id, first, &ship).await.unwrap(), OpOutcome::Repeated { .. }));
    let second = op(&a1.id);
    let OpOutcome::Refused { result, unit } = store.unit_apply(&brand.id, second.clone(), &ship).await.unwrap() else {
        panic!("shipping twice is refused");
    };
    assert_eq!((result.reason_code.as_deref(), unit.status.as_str()), (Some("transition_not_allowed"), "shipped"));
    let payload = store.refused_payload(&brand.id, &second.op_id).await.unwrap();
    assert_eq!(payload.as_deref(), Some(r#"{"command":"ship"}"#));
    assert!(store.refused_payload(&cmo.id, &second.op_id).await.unwrap().is_none());
    assert_eq!(store.op_result(&brand.id, &second.op_id).await.unwrap().unwrap().outcome, "refused");
    let elsewhere = store.unit_apply(&cmo.id, op(&a1.id), &ship).await;
    assert!(matches!(elsewhere, Err(StoreError::NotFound(_))), "another tenant cannot touch the unit");

    // The log: gap-free, ascending, per tenant; history newest first.
    let log = store.events_since(&brand.id, 0, 100).await.unwrap();
    assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(store.events_since(&brand.id, 2, 1).await.unwrap()[0].seq, 3);
    assert!(store.events_since(&cmo.id, 0, 100).await.unwrap().is_empty());
    let history = store.unit_history(&brand.id, &a1.id, None, 10).await.unwrap();
    assert_eq!(history.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["shipped", "registered"]);
    assert_eq!(store.unit_history(&brand.id, &a1.id, Some(4), 10).await.unwrap().len(), 1);
    assert!(store.unit_history(&cmo.id, &a1.id, None, 10).await.unwrap().is_empty());

    // The projection can be replaced whole and reads back the same.
    let before = store.projection(&brand.id, "", 1000).await.unwrap();
    store.projection_replace(&brand.id, &before).await.unwrap();
    assert_eq!(store.projection(&brand.id, "", 1000).await.unwrap(), before);
    assert_eq!(store.tenant(&brand.id).await.unwrap().unwrap().last_seq, 4);
}

async fn concurrent_appends(store: Arc<dyn Store>) {
    let tenant = store.tenant_create("Busy", "brand_owner").await.unwrap();
    let product = store.product_create(&tenant.id, product("P-1", None, "Product")).await.unwrap();
    let serials: Vec<String> = (0..40).map(|n| format!("U{n}")).collect();
    let serial_refs: Vec<&str> = serials.iter().map(String::as_str).collect();
    let (units, events) = registration(&product.id, &serial_refs);
    store.units_register(&tenant.id, &units, &events).await.unwrap();
    let tasks: Vec<_> = units
        .iter()
        .map(|unit| {
            let (store, tenant_id, unit_id) = (store.clone(), tenant.id.clone(), unit.id.clone());
            tokio::spawn(async move { store.unit_apply(&tenant_id, op(&unit_id), &ship).await })
        })
        .collect();
    for task in tasks {
        assert!(matches!(task.await.unwrap().unwrap(), OpOutcome::Accepted { .. }));
    }
    let seqs: Vec<i64> = store.events_since(&tenant.id, 0, 1000).await.unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=80).collect::<Vec<_>>());
}
