//! Products, locations and the serial number pool.

use super::{
    LocationRecord, NewProduct, PartnerSerialRecord, PoolAction, PoolCountRecord, PoolStateRecord, ProductChanges,
    ProductRecord, StoreError,
};

#[async_trait::async_trait]
pub trait CatalogStore {
    async fn product_create(&self, tenant_id: &str, product: NewProduct) -> Result<ProductRecord, StoreError>;
    /// Applies the changes; `None` when the tenant has no such product.
    async fn product_update(
        &self,
        tenant_id: &str,
        product_id: &str,
        changes: ProductChanges,
    ) -> Result<Option<ProductRecord>, StoreError>;
    async fn product(&self, tenant_id: &str, product_id: &str) -> Result<Option<ProductRecord>, StoreError>;
    async fn product_by_gtin(&self, tenant_id: &str, gtin: &str) -> Result<Option<ProductRecord>, StoreError>;
    /// The products whose code is exactly one of `codes` (of any schema).
    async fn products_by_code(&self, tenant_id: &str, codes: &[String]) -> Result<Vec<ProductRecord>, StoreError>;
    /// Products whose code contains `query` or whose name contains it, ignoring case; all when `None`.
    async fn products(
        &self,
        tenant_id: &str,
        query: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ProductRecord>, StoreError>;
    /// Reserves `count` generator counters for a product and returns the first; never hands one out twice
    /// within a `year`. When `year` differs from the year of the last reservation the counter restarts at 0
    /// (patterned serials restart each year); randomised schemes pass a constant year and never restart.
    async fn product_reserve_counters(
        &self,
        tenant_id: &str,
        product_id: &str,
        count: i64,
        year: i64,
    ) -> Result<i64, StoreError>;

    async fn location_create(
        &self,
        tenant_id: &str,
        name: &str,
        gln: Option<&str>,
    ) -> Result<LocationRecord, StoreError>;
    /// Renames a location of the tenant and sets its GLN (`None` removes it); `None` when the tenant has no such
    /// location, [`StoreError::Conflict`] when another location has the name.
    async fn location_update(
        &self,
        tenant_id: &str,
        location_id: &str,
        name: &str,
        gln: Option<&str>,
    ) -> Result<Option<LocationRecord>, StoreError>;
    async fn locations(&self, tenant_id: &str) -> Result<Vec<LocationRecord>, StoreError>;

    /// Adds serials to a product's pool as `available`, all or none: one already there is a
    /// [`StoreError::Conflict`] and nothing is added. `action` (generated or imported) starts their history.
    async fn pool_insert(
        &self,
        tenant_id: &str,
        product_id: &str,
        source: &str,
        serials: &[String],
        action: &PoolAction,
    ) -> Result<u64, StoreError> {
        let entries: Vec<(&str, Option<&str>)> = serials.iter().map(|serial| (serial.as_str(), None)).collect();
        self.pool_insert_entries(tenant_id, product_id, source, &entries, action).await
    }
    /// Like [`CatalogStore::pool_insert`], each serial with its extra parameters (JSON text, e.g. crypto
    /// codes) kept beside it — all in one transaction.
    async fn pool_insert_entries(
        &self,
        tenant_id: &str,
        product_id: &str,
        source: &str,
        entries: &[(&str, Option<&str>)],
        action: &PoolAction,
    ) -> Result<u64, StoreError>;
    /// Which of these serials the product's pool already holds.
    async fn pool_existing(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<String>, StoreError>;
    /// How many serials each product of the tenant has in each pool status.
    async fn pool_counts(&self, tenant_id: &str) -> Result<Vec<PoolCountRecord>, StoreError>;
    /// Marks available serials as assigned (to an order, a device's block or a partner tenant, whose pool then
    /// holds them as Available, with its own copy of the product, recorded there as `received`); returns how
    /// many. `action` goes into each serial's history.
    async fn pool_assign(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
        assigned_to: &str,
        partner_tenant_id: Option<&str>,
        action: &PoolAction,
    ) -> Result<u64, StoreError>;
    /// Assigns the next `count` available serials of a product (to an order, or to a partner tenant, which
    /// then sees them) and returns them; fewer when the pool runs short.
    async fn pool_assign_next(
        &self,
        tenant_id: &str,
        product_id: &str,
        count: i64,
        assigned_to: &str,
        partner_tenant_id: Option<&str>,
        action: &PoolAction,
    ) -> Result<Vec<String>, StoreError>;
    /// The serials other tenants assigned to `partner_tenant_id`, by product and serial, after `after`.
    async fn pool_partner_serials(
        &self,
        partner_tenant_id: &str,
        after: (&str, &str),
        limit: i64,
    ) -> Result<Vec<PartnerSerialRecord>, StoreError>;
    /// The pool rows of these serials (status, source) and whether a unit with each serial exists.
    async fn pool_states(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
    ) -> Result<Vec<PoolStateRecord>, StoreError>;
    /// Sets assigned serials back to available — all or none: only assigned, not external or partner, and
    /// without a unit; serials assigned to a partner leave the partner's pool, which must still have them
    /// Available. Returns false (changing nothing) when any serial no longer qualifies.
    async fn pool_release(
        &self,
        tenant_id: &str,
        product_id: &str,
        serials: &[String],
        action: &PoolAction,
    ) -> Result<bool, StoreError>;
}
