//! The server's products (`GET /products`, `GET /pool/counts`) as the device's `ProductRecord`s — with each
//! product's workflow, which the device decides that product's commands with, as the server does.

use crate::model::ProductRecord;
use serde::Deserialize;
use serialtrack_shared::unit::WorkflowSettings;

/// How old the device's products may get while it syncs: a workflow a supervisor changed on the server reaches a
/// tablet that stays online within this long (ms), so the tablet decides with it before it pushes.
pub const PRODUCTS_MAX_AGE_MS: f64 = 5.0 * 60.0 * 1000.0;

/// Whether a good sync pass should read the products again: never read, or read `PRODUCTS_MAX_AGE_MS` ago
/// (times in ms since the epoch; a clock set back counts as due).
pub fn products_due(last_read_ms: Option<f64>, now_ms: f64) -> bool {
    match last_read_ms {
        None => true,
        Some(last) => !(last..last + PRODUCTS_MAX_AGE_MS).contains(&now_ms),
    }
}

#[derive(Debug, Deserialize)]
pub struct ProductBody {
    id: String,
    code_schema: String,
    code: String,
    name: String,
    serial_source: String,
    serial_scheme: serde_json::Value,
    /// The workflow the server decides with (it sends the default one in full, never `{}`).
    workflow: WorkflowSettings,
    #[serde(default)]
    details: serde_json::Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct ProductList {
    products: Vec<ProductBody>,
}

/// The most products `GET /products` answers at once; a tenant's list is read in pages of it.
pub const PRODUCT_PAGE: usize = 500;

impl ProductList {
    /// How many products the pages read so far hold.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// Adds the next page; whether it was full, so another may follow.
    pub fn add_page(&mut self, page: ProductList) -> bool {
        let full = page.products.len() >= PRODUCT_PAGE;
        self.products.extend(page.products);
        full
    }
}

#[derive(Debug, Deserialize)]
struct PoolCountBody {
    product_id: String,
    available: u64,
    assigned: u64,
}

#[derive(Debug, Deserialize)]
pub struct PoolCounts {
    products: Vec<PoolCountBody>,
}

/// Every product with its pool counts.
pub fn product_records(list: ProductList, counts: PoolCounts) -> Vec<ProductRecord> {
    list.products
        .into_iter()
        .map(|product| {
            let count = counts.products.iter().find(|count| count.product_id == product.id);
            ProductRecord {
                code_schema: product.code_schema,
                serial_source: product.serial_source,
                serial_scheme: product.serial_scheme,
                available: count.map_or(0, |c| c.available),
                assigned: count.map_or(0, |c| c.assigned),
                id: product.id,
                code: product.code,
                name: product.name,
                workflow: product.workflow,
                details: product.details,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenants_products_are_read_page_by_page_until_a_page_is_not_full() {
        let page = |count: usize| -> ProductList {
            let products: Vec<_> = (0..count)
                .map(|n| serde_json::json!({"id": format!("p{n}"), "code_schema": "gtin", "code": "09506000134352",
                                            "name": "Pill", "serial_source": "generated", "serial_scheme": {}, "workflow": {}}))
                .collect();
            serde_json::from_value(serde_json::json!({ "products": products })).unwrap()
        };
        let mut list = ProductList::default();
        assert!(list.add_page(page(PRODUCT_PAGE)), "a full page: another may follow");
        assert!(!list.add_page(page(3)));
        assert_eq!(list.len(), PRODUCT_PAGE + 3);
    }

    #[test]
    fn products_are_read_again_when_never_read_old_or_the_clock_went_back() {
        let minute = 60_000.0;
        // Given when they were last read and now, then whether a pass reads them again.
        let cases = [
            (None, 0.0, true),
            (Some(0.0), 0.0, false),
            (Some(0.0), 4.0 * minute, false),
            (Some(0.0), 5.0 * minute, true),
            (Some(10.0 * minute), 9.0 * minute, true),
        ];
        for (last, now, due) in cases {
            assert_eq!(products_due(last, now), due, "last {last:?}, now {now}");
        }
    }
    use crate::model::workflow_of;
    use serialtrack_shared::ids::{CodeSchema, ProductCode};
    use serialtrack_shared::unit::{Role, UnitStatus};

    /// `GET /products` and `GET /pool/counts` as the server answers them.
    fn from_the_server(workflow: serde_json::Value) -> Vec<ProductRecord> {
        let list = serde_json::json!({"products": [{
            "id": "p1", "code_schema": "internal", "code": "CM-500", "gtin": null, "name": "Coffee machine",
            "serial_source": "generated", "serial_scheme": {"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"},
            "workflow": workflow, "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}]});
        let counts = serde_json::json!({"products": [{"product_id": "p1", "available": 7, "assigned": 2}]});
        product_records(serde_json::from_value(list).unwrap(), serde_json::from_value(counts).unwrap())
    }

    #[test]
    fn a_product_keeps_its_own_workflow_and_its_units_are_decided_with_it() {
        let restricted =
            serde_json::json!({"restricted": [{"from": "available", "to": "allocated", "roles": ["supervisor"]}]});
        let products = from_the_server(restricted);
        let coffee = ProductCode::parse(CodeSchema::Internal, "CM-500").unwrap();
        let workflow = workflow_of(&products, &coffee);
        assert_eq!(workflow.allowed_roles(UnitStatus::Available, UnitStatus::Allocated), Some(&[Role::Supervisor][..]));
        assert!(!workflow.needs_approval(UnitStatus::Quarantine, UnitStatus::Available), "only what the product says");
        assert_eq!((products[0].available, products[0].assigned), (7, 2));
    }

    #[test]
    fn a_product_the_device_has_not_read_is_decided_with_the_default_workflow() {
        let products = from_the_server(serde_json::to_value(WorkflowSettings::default()).unwrap());
        let other = ProductCode::parse(CodeSchema::Internal, "XY-1").unwrap();
        assert_eq!(workflow_of(&products, &other), WorkflowSettings::default());
    }
}
