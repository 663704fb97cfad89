//! Rebuilding the unit projection from the event log: the proof that the log is the source of truth. Only hot
//! histories are rebuilt: an archived or purged unit has no events in the log, and its row stays as retention
//! left it (docs/RETENTION.md).

use super::units::{apply_event, change_of, product_code};
use crate::store::{Store, UnitRecord};
use serialtrack_shared::ids::ProductCode;
use serialtrack_shared::unit::Unit;
use std::collections::HashMap;

/// What a rebuild of one tenant found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    pub tenant_id: String,
    pub events: u64,
    pub units: usize,
    /// Units whose stored row differed from the rebuilt one (0 when the projection was right).
    pub differing: usize,
}

/// Events are read this many at a time, so memory holds one page of events plus one state per unit.
const PAGE: i64 = 10_000;

struct Folded {
    unit: Unit,
    last_seq: i64,
    updated_at: i64,
}

/// Folds the tenant's whole log into unit rows (ordered by unit id), without writing anything.
pub async fn fold_tenant(store: &dyn Store, tenant_id: &str) -> anyhow::Result<(Vec<UnitRecord>, u64)> {
    // Events name their unit by product code; the projection's rows by product id.
    let mut product_ids: HashMap<ProductCode, String> = HashMap::new();
    for product in store.products(tenant_id, None, i64::MAX, 0).await? {
        product_ids.insert(product_code(&product)?, product.id);
    }
    let mut units: HashMap<String, Folded> = HashMap::new();
    let mut after = 0;
    let mut count = 0u64;
    loop {
        let events = store.events_since(tenant_id, after, PAGE).await?;
        let Some(last) = events.last() else { break };
        after = last.seq;
        for event in &events {
            count += 1;
            let current = units.remove(&event.unit_id).map(|folded| folded.unit);
            let unit = apply_event(current, event)?;
            units.insert(event.unit_id.clone(), Folded { unit, last_seq: event.seq, updated_at: event.recorded_at });
        }
    }
    let mut rows: Vec<UnitRecord> = units
        .into_iter()
        .map(|(id, folded)| {
            let change = change_of(&folded.unit);
            let code = &folded.unit.key.product;
            let product_id = product_ids.get(code).cloned().ok_or_else(|| {
                anyhow::anyhow!("unit {id} belongs to product {code}, which the tenant does not have")
            })?;
            Ok(UnitRecord {
                id,
                tenant_id: tenant_id.to_owned(),
                product_id,
                serial: folded.unit.key.serial.as_str().to_owned(),
                lot: folded.unit.lot.as_ref().map(|lot| lot.as_str().to_owned()),
                status: change.status,
                state: change.state,
                version: folded.unit.version as i64,
                last_seq: folded.last_seq,
                updated_at: folded.updated_at,
                place: "hot".into(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((rows, count))
}

/// The tenant's stored projection, ordered by unit id.
pub async fn stored_projection(store: &dyn Store, tenant_id: &str) -> anyhow::Result<Vec<UnitRecord>> {
    let mut rows = Vec::new();
    loop {
        let after = rows.last().map_or(String::new(), |unit: &UnitRecord| unit.id.clone());
        let page = store.projection(tenant_id, &after, PAGE).await?;
        if page.is_empty() {
            return Ok(rows);
        }
        rows.extend(page);
    }
}

/// Rebuilds one tenant's projection from its log and replaces the stored one.
pub async fn rebuild_tenant(store: &dyn Store, tenant_id: &str) -> anyhow::Result<RebuildReport> {
    let (rebuilt, events) = fold_tenant(store, tenant_id).await?;
    let stored = stored_projection(store, tenant_id).await?;
    let stored_by_id: HashMap<&str, &UnitRecord> = stored.iter().map(|unit| (unit.id.as_str(), unit)).collect();
    let mut differing = rebuilt.iter().filter(|unit| stored_by_id.get(unit.id.as_str()) != Some(unit)).count();
    differing += stored.len().saturating_sub(rebuilt.len());
    store.projection_replace(tenant_id, &rebuilt).await?;
    Ok(RebuildReport { tenant_id: tenant_id.to_owned(), events, units: rebuilt.len(), differing })
}
