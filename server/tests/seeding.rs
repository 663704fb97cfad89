//! What a fresh database starts with, and the rebuild of the projection from the log.

mod support;

use serialtrack_server::auth::{PasswordCost, Role};
use serialtrack_server::domain::rebuild::{fold_tenant, rebuild_tenant, stored_projection};
use serialtrack_server::seed::{bootstrap_admin, demo_password, seed_demo, AdminPassword};
use serialtrack_server::store::Store;
use serialtrack_shared::unit::UnitStatus;
use std::collections::BTreeSet;
use support::databases;

async fn the_demo_has_every_status_and_rebuilds_to_itself(store: &dyn Store) {
    assert!(seed_demo(store, PasswordCost::Minimal).await.unwrap());
    assert!(!seed_demo(store, PasswordCost::Minimal).await.unwrap(), "a second start leaves the data alone");
    for role in Role::ALL {
        let user = store.user_by_username(role.as_str()).await.unwrap().expect("a demo user per role");
        assert!(serialtrack_server::auth::verify_password(&demo_password(role), &user.password_hash));
    }
    let tenants = store.tenants().await.unwrap();
    let kinds: BTreeSet<&str> = tenants.iter().map(|t| t.kind.as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["brand_owner", "contract_manufacturer"]), "a brand owner and its CMO");
    let pharma = tenants.iter().find(|t| t.kind == "brand_owner").unwrap();
    let products = store.products(&pharma.id, None, 100, 0).await.unwrap();
    assert!(products.iter().any(|p| p.code == "CM-500"));
    assert!(products.iter().filter_map(|p| p.gtin.as_deref()).all(|gtin| gtin.starts_with("0952")));
    let cmo = tenants.iter().find(|t| t.kind == "contract_manufacturer").unwrap();
    let nordic = tenants.iter().find(|t| t.name == "Nordic Contract Packing").expect("a CMO to invite");
    assert!(store.partners(&nordic.id).await.unwrap().is_empty(), "nobody's partner yet");
    let given = store.pool_counts(&cmo.id).await.unwrap();
    assert_eq!(given.iter().map(|c| (c.status.as_str(), c.count)).collect::<Vec<_>>(), [("available", 1_000)]);
    let copies = store.products(&cmo.id, None, 100, 0).await.unwrap();
    assert_eq!(copies.iter().map(|p| p.serial_source.as_str()).collect::<Vec<_>>(), ["partner"], "the CMO's copy");
    let pooled: i64 = store.pool_counts(&pharma.id).await.unwrap().iter().map(|c| c.count).sum();
    assert!(pooled >= 5_000, "thousands of pool serials, got {pooled}");

    let stored = stored_projection(store, &pharma.id).await.unwrap();
    let statuses: BTreeSet<&str> = stored.iter().map(|unit| unit.status.as_str()).collect();
    let expected: BTreeSet<&str> = UnitStatus::ALL.into_iter().map(UnitStatus::code).collect();
    assert_eq!(statuses, expected, "units in every lifecycle status");

    let (rebuilt, events) = fold_tenant(store, &pharma.id).await.unwrap();
    assert_eq!(rebuilt, stored, "the projection folded from the log equals the stored one");
    assert_eq!(events as i64, pharma.last_seq);
    let report = rebuild_tenant(store, &pharma.id).await.unwrap();
    assert_eq!(report.differing, 0);
    assert_eq!(stored_projection(store, &pharma.id).await.unwrap(), stored);
}

#[tokio::test]
async fn the_demo_has_every_status_and_rebuilds_to_itself_on_sqlite() {
    let database = databases::sqlite().await;
    the_demo_has_every_status_and_rebuilds_to_itself(database.store.as_ref()).await;
}

#[tokio::test]
async fn the_demo_has_every_status_and_rebuilds_to_itself_on_postgres() {
    if let Some(database) = databases::postgres("the demo and its rebuild").await {
        the_demo_has_every_status_and_rebuilds_to_itself(database.store.as_ref()).await;
    }
}

#[tokio::test]
async fn an_empty_database_gets_only_an_admin_with_the_password_from_the_environment() {
    let database = databases::sqlite().await;
    let store = database.store.as_ref();
    let how = bootstrap_admin(store, Some("chosen-password".into()), PasswordCost::Minimal).await.unwrap();
    assert_eq!(how, Some(AdminPassword::FromEnvironment));
    let admin = store.user_by_username("admin").await.unwrap().unwrap();
    assert!(serialtrack_server::auth::verify_password("chosen-password", &admin.password_hash));
    assert_eq!(bootstrap_admin(store, None, PasswordCost::Minimal).await.unwrap(), None, "only once");
    assert_eq!(store.tenant_count().await.unwrap(), 1);
}

#[tokio::test]
async fn without_a_password_in_the_environment_one_is_made_up_to_print_once() {
    let database = databases::sqlite().await;
    let how = bootstrap_admin(database.store.as_ref(), None, PasswordCost::Minimal).await.unwrap();
    let Some(AdminPassword::Generated(password)) = how else { panic!("a generated password") };
    let admin = database.store.user_by_username("admin").await.unwrap().unwrap();
    assert!(password.len() >= 16 && serialtrack_server::auth::verify_password(&password, &admin.password_hash));
}
