//! `serialtrack serve --demo`: on an empty database, a system a new user can look around in at once.
//!
//! The demo tenant "Demo Pharma" (a brand owner) has one user per role, named after the role, with the
//! password `demo-<role>-2026` (e.g. `admin` / `demo-admin-2026`); its partner "Demo CMO" (a contract
//! manufacturer) has `cmo-admin` / `demo-cmo-2026`; "Nordic Contract Packing", a contract manufacturer that is
//! nobody's partner yet (for a brand owner to invite), has `nordic-admin` / `demo-nordic-2026`. Products carry GTINs with the GS1 example prefix 952 and the
//! internal code `CM-500` with serials patterned `CM500-{YYYY}-{NNNN}`.

use super::demo_units::DEMO_ACTOR;
use crate::auth::{PasswordCost, Role};
use crate::store::{NewProduct, NewUser, PoolAction, ProductRecord, Store};

/// The demo products: (GTIN, name, pool size).
const DEMO_GTIN_PRODUCTS: [(&str, &str, u64); 3] = [
    ("09520123456788", "Paracetamol 500 mg, 20 tablets", 4_000),
    ("09520123456795", "Ibuprofen 400 mg, 30 tablets", 3_000),
    ("09520123456801", "Amoxicillin 250 mg, 21 capsules", 2_000),
];

/// The password of a demo user: printed in the README, so never use `--demo` for real data.
pub fn demo_password(role: Role) -> String {
    format!("demo-{role}-2026")
}

/// Creates the demo when the database has no tenant yet; false when it had one.
pub async fn seed_demo(store: &dyn Store, cost: PasswordCost) -> anyhow::Result<bool> {
    if store.tenant_count().await? > 0 {
        return Ok(false);
    }
    let pharma = store.tenant_create("Demo Pharma", "brand_owner").await?;
    let cmo = store.tenant_create("Demo CMO", "contract_manufacturer").await?;
    store.partnership_create(&pharma.id, &cmo.id).await?;
    for role in Role::ALL {
        let user = NewUser {
            tenant_id: pharma.id.clone(),
            username: role.as_str().into(),
            display_name: format!("Demo {role}"),
            role: role.as_str().into(),
            password_hash: cost.hash(&demo_password(role))?,
        };
        store.user_create(user).await?;
    }
    let cmo_admin = NewUser {
        tenant_id: cmo.id.clone(),
        username: "cmo-admin".into(),
        display_name: "CMO admin".into(),
        role: Role::Admin.as_str().into(),
        password_hash: cost.hash("demo-cmo-2026")?,
    };
    store.user_create(cmo_admin).await?;
    let nordic = store.tenant_create("Nordic Contract Packing", "contract_manufacturer").await?;
    let nordic_admin = NewUser {
        tenant_id: nordic.id.clone(),
        username: "nordic-admin".into(),
        display_name: "Nordic admin".into(),
        role: Role::Admin.as_str().into(),
        password_hash: cost.hash("demo-nordic-2026")?,
    };
    store.user_create(nordic_admin).await?;
    store.location_create(&pharma.id, "Packaging line 1", Some("9520123456788")).await?;
    store.location_create(&pharma.id, "Central warehouse", None).await?;

    let mut products = Vec::new();
    for (gtin, name, pool_size) in DEMO_GTIN_PRODUCTS {
        let product = store.product_create(&pharma.id, gtin_product(gtin, name)).await?;
        fill_pool(store, &product, pool_size).await?;
        products.push(product);
    }
    let coffee = store.product_create(&pharma.id, coffee_machine()).await?;
    fill_pool(store, &coffee, 500).await?;
    // The CMO packs Ibuprofen for the brand owner: it sees the serials assigned to it.
    let ibuprofen = &products[1];
    let key = crate::domain::serials::serial_key(store, ibuprofen).await?;
    let assigned: Vec<String> = crate::domain::serials::generate(ibuprofen, key, 0, 1_000, 0)?;
    let to_cmo = PoolAction::new("assigned", DEMO_ACTOR, "to partner: Demo CMO");
    store.pool_assign(&pharma.id, &ibuprofen.id, &assigned, "partner: Demo CMO", Some(&cmo.id), &to_cmo).await?;
    super::demo_units::seed_units(store, &pharma.id, &products, &coffee).await?;
    Ok(true)
}

fn gtin_product(gtin: &str, name: &str) -> NewProduct {
    NewProduct {
        code_schema: "gtin".into(),
        code: gtin.into(),
        gtin: Some(gtin.into()),
        name: name.into(),
        serial_source: "generated".into(),
        serial_scheme: super::demo_units::randomised_scheme(),
        workflow: "{}".into(),
        details: "{}".into(),
    }
}

fn coffee_machine() -> NewProduct {
    NewProduct {
        code_schema: "internal".into(),
        code: "CM-500".into(),
        gtin: None,
        name: "CM-500 coffee machine".into(),
        serial_source: "generated".into(),
        serial_scheme: super::demo_units::patterned_scheme("CM500-{YYYY}-{NNNN}"),
        workflow: "{}".into(),
        details: "{}".into(),
    }
}

async fn fill_pool(store: &dyn Store, product: &ProductRecord, count: u64) -> anyhow::Result<()> {
    let serials = crate::domain::serials::issue(store, product, count as usize).await?;
    let action = PoolAction::new("generated", DEMO_ACTOR, format!("{count} serials for the demo"));
    store.pool_insert(&product.tenant_id, &product.id, "generated", &serials, &action).await?;
    Ok(())
}
