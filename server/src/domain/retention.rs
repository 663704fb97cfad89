//! Retention (docs/RETENTION.md): the organisation's and products' policies, legal holds and the shared rule
//! (`shared::retention`) applied to the units at rest — as a dry run (the plan) or as a run that archives and
//! purges them in batches, each batch one transaction with its audit entry, so the server and the devices'
//! sync go on between batches.

use super::lease::Lease;
use crate::store::{HoldRecord, ProductRecord, RestingUnit, Store, StoreError};
use serde::Serialize;
use serialtrack_shared::product_details::ProductDetails;
use serialtrack_shared::retention::{fate, Fate, HoldScope, Place, RetentionPolicy};
use serialtrack_shared::unit::iso_date;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};

/// Units read, judged and moved per batch: one transaction each, short enough that pushes wait at most a
/// moment behind it.
pub const BATCH: i64 = 1_000;

/// The organisation's default policy: as set, or the built-in one (`RetentionPolicy::default`).
pub fn tenant_policy(stored: Option<&str>) -> (RetentionPolicy, bool) {
    match stored.and_then(|text| serde_json::from_str::<RetentionPolicy>(text).ok()) {
        Some(policy) => (policy, false),
        None => (RetentionPolicy::default(), true),
    }
}

/// Each product's policy: its own, or the organisation's.
pub struct Policies {
    pub default: RetentionPolicy,
    /// By product id: the policy and whether it is the product's own.
    pub products: HashMap<String, (RetentionPolicy, bool)>,
}

impl Policies {
    pub fn new(default: RetentionPolicy, products: &[ProductRecord]) -> Self {
        let products = products
            .iter()
            .map(|product| {
                let own =
                    serde_json::from_str::<ProductDetails>(&product.details).ok().and_then(|details| details.retention);
                (product.id.clone(), (own.unwrap_or(default), own.is_some()))
            })
            .collect();
        Self { default, products }
    }

    pub fn of(&self, product_id: &str) -> RetentionPolicy {
        self.products.get(product_id).map_or(self.default, |(policy, _)| *policy)
    }

    /// The latest last-event time (milliseconds) at which any policy could move a unit on `today`: a unit
    /// rests no earlier than its last event, so one whose last event is later is not looked at. A day of
    /// margin; the shared rule decides each unit.
    pub fn rested_by(&self, today: Date) -> i64 {
        let years = self
            .products
            .values()
            .map(|(policy, _)| *policy)
            .chain([self.default])
            .flat_map(|policy| [policy.archive_after_years, policy.keep_years])
            .flatten()
            .min();
        let Some(years) = years else { return i64::MIN };
        // 29 February has no day in most years back: 28 February is a day earlier, still on the safe side.
        let back = today.replace_year(today.year() - i32::from(years));
        let back =
            back.or_else(|_| today.replace_day(28).and_then(|day| day.replace_year(day.year() - i32::from(years))));
        let day = back.unwrap_or(today) + time::Duration::days(1);
        day.midnight().assume_utc().unix_timestamp() * 1000
    }
}

/// The standing legal holds, as the shared rule reads them.
pub struct Holds(Vec<HoldScope>);

impl Holds {
    pub fn new(records: &[HoldRecord]) -> Self {
        Self(records.iter().filter(|hold| hold.lifted_at.is_none()).filter_map(hold_scope).collect())
    }

    pub fn cover(&self, unit: &RestingUnit) -> bool {
        self.0.iter().any(|hold| hold.covers(&unit.product_id, unit.lot.as_deref(), &unit.id))
    }
}

fn hold_scope(hold: &HoldRecord) -> Option<HoldScope> {
    Some(match hold.scope.as_str() {
        "product" => HoldScope::Product { product_id: hold.product_id.clone() },
        "lot" => HoldScope::Lot { product_id: hold.product_id.clone(), lot: hold.lot.clone()? },
        "unit" => HoldScope::Unit { unit_id: hold.unit_id.clone()? },
        _ => return None,
    })
}

pub fn place_of(stored: &str) -> Place {
    match stored {
        "archived" => Place::Archived,
        "purged" => Place::Purged,
        _ => Place::Hot,
    }
}

/// The unit's expiry, from its stored state.
fn expiry(state: &str) -> Option<Date> {
    let value: serde_json::Value = serde_json::from_str(state).ok()?;
    iso_date::parse(value.get("expiry")?.as_str()?)
}

fn date_of(millis: i64) -> Date {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).map_or(Date::MIN, OffsetDateTime::date)
}

/// What the shared rule does with this unit on `today`.
pub fn judge(unit: &RestingUnit, policies: &Policies, holds: &Holds, today: Date) -> Fate {
    let policy = policies.of(&unit.product_id);
    let rest = policy.rest(date_of(unit.updated_at), expiry(&unit.state));
    fate(&policy, rest, today, place_of(&unit.place), holds.cover(unit))
}

/// Units counted by where they are and what a run would do with them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub hot: u64,
    pub archived: u64,
    pub purged: u64,
    /// Would move to the archive.
    pub to_archive: u64,
    /// Would be purged.
    pub to_purge: u64,
    /// Due to move, kept where they are by a legal hold.
    pub held: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.hot += other.hot;
        self.archived += other.archived;
        self.purged += other.purged;
        self.to_archive += other.to_archive;
        self.to_purge += other.to_purge;
        self.held += other.held;
    }

    fn count(&mut self, fate: Fate) {
        match fate {
            Fate::Moves { to: Place::Purged } => self.to_purge += 1,
            Fate::Moves { .. } => self.to_archive += 1,
            Fate::Held { .. } => self.held += 1,
            Fate::Stays => {}
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductPlan {
    pub product_id: String,
    pub code: String,
    pub name: String,
    pub policy: RetentionPolicy,
    /// Whether the policy is the product's own (else the organisation's).
    pub own_policy: bool,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The dry run: what a run on `on` would do, changing nothing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Plan {
    #[schema(value_type = String, format = Date)]
    pub on: Date,
    pub products: Vec<ProductPlan>,
    pub totals: Counts,
}

/// The tenant's resting units, a page at a time in id order.
struct Resting<'a> {
    store: &'a dyn Store,
    tenant_id: &'a str,
    rested_by: i64,
    after: Option<String>,
}

impl<'a> Resting<'a> {
    fn new(store: &'a dyn Store, tenant_id: &'a str, rested_by: i64) -> Self {
        Self { store, tenant_id, rested_by, after: Some(String::new()) }
    }

    /// The next page; `None` after the last.
    async fn next(&mut self) -> Result<Option<Vec<RestingUnit>>, StoreError> {
        let Some(after) = self.after.take() else { return Ok(None) };
        let page = self.store.resting_units(self.tenant_id, self.rested_by, &after, BATCH).await?;
        if page.len() as i64 == BATCH {
            self.after = page.last().map(|unit| unit.id.clone());
        }
        Ok((!page.is_empty()).then_some(page))
    }
}

pub async fn load_policies(store: &dyn Store, tenant_id: &str) -> Result<(Policies, Vec<ProductRecord>), StoreError> {
    let (default, _) = tenant_policy(store.retention_policy(tenant_id).await?.as_deref());
    let products = store.products(tenant_id, None, i64::MAX, 0).await?;
    Ok((Policies::new(default, &products), products))
}

pub async fn plan(store: &dyn Store, tenant_id: &str, on: Date) -> Result<Plan, StoreError> {
    let (policies, products) = load_policies(store, tenant_id).await?;
    let holds = Holds::new(&store.holds(tenant_id, false).await?);
    let mut by_product: BTreeMap<String, Counts> = BTreeMap::new();
    for count in store.place_counts(tenant_id).await? {
        let counts = by_product.entry(count.product_id).or_default();
        match place_of(&count.place) {
            Place::Hot => counts.hot += count.units as u64,
            Place::Archived => counts.archived += count.units as u64,
            Place::Purged => counts.purged += count.units as u64,
        }
    }
    let mut resting = Resting::new(store, tenant_id, policies.rested_by(on));
    while let Some(page) = resting.next().await? {
        for unit in &page {
            by_product.entry(unit.product_id.clone()).or_default().count(judge(unit, &policies, &holds, on));
        }
    }
    let mut totals = Counts::default();
    let products = products
        .into_iter()
        .map(|product| {
            let counts = by_product.get(&product.id).copied().unwrap_or_default();
            totals.add(&counts);
            let (policy, own_policy) = policies.products.get(&product.id).copied().unwrap_or((policies.default, false));
            ProductPlan { code: product.code, name: product.name, product_id: product.id, policy, own_policy, counts }
        })
        .collect();
    Ok(Plan { on, products, totals })
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RunOutcome {
    pub archived: u64,
    pub purged: u64,
    pub held: u64,
}

/// Runs retention for the tenant on `today`: archives and purges what the shared rule says, a batch at a
/// time, under the outbox's `lease` on the job (renewed between batches; the run stops when it is lost).
/// Running it again moves nothing more: each batch takes only what is still due.
pub async fn run(store: &dyn Store, tenant_id: &str, today: Date, lease: &Lease<'_>) -> Result<RunOutcome, StoreError> {
    let run_id = lease.job_id;
    let (policies, _) = load_policies(store, tenant_id).await?;
    let holds = Holds::new(&store.holds(tenant_id, false).await?);
    let mut outcome = RunOutcome::default();
    let mut resting = Resting::new(store, tenant_id, policies.rested_by(today));
    while let Some(page) = resting.next().await? {
        let (mut to_archive, mut to_purge) = (Vec::new(), Vec::new());
        for unit in page {
            match judge(&unit, &policies, &holds, today) {
                Fate::Moves { to: Place::Purged } => to_purge.push(unit.id),
                Fate::Moves { .. } => to_archive.push(unit.id),
                Fate::Held { .. } => outcome.held += 1,
                Fate::Stays => {}
            }
        }
        outcome.archived += store.archive_units(tenant_id, &to_archive, run_id).await?.units;
        outcome.purged += store.purge_units(tenant_id, &to_purge, run_id).await?.units;
        if !lease.renew().await {
            return Err(StoreError::Unavailable("the run's lease was lost: another server took it over".into()));
        }
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serialtrack_shared::retention::CountedFrom;
    use time::macros::date;

    fn unit(id: &str, product: &str, lot: Option<&str>, last_event: Date, expiry: Option<&str>) -> RestingUnit {
        RestingUnit {
            id: id.into(),
            product_id: product.into(),
            lot: lot.map(str::to_owned),
            place: "hot".into(),
            state: serde_json::json!({ "expiry": expiry }).to_string(),
            updated_at: last_event.midnight().assume_utc().unix_timestamp() * 1000,
        }
    }

    fn hold(scope: &str, product: &str, lot: Option<&str>, unit: Option<&str>) -> HoldRecord {
        HoldRecord {
            id: "h".into(),
            tenant_id: "t".into(),
            scope: scope.into(),
            product_id: product.into(),
            lot: lot.map(str::to_owned),
            unit_id: unit.map(str::to_owned),
            serial: None,
            reason: "litigation".into(),
            placed_by: "user:ada".into(),
            placed_at: 0,
            lifted_by: None,
            lifted_at: None,
            lift_reason: None,
        }
    }

    #[test]
    fn each_unit_is_judged_under_its_products_policy_its_expiry_and_the_holds() {
        let mut policies = Policies::new(RetentionPolicy::default(), &[]);
        let last_event =
            RetentionPolicy { keep_years: Some(3), archive_after_years: Some(1), counted_from: CountedFrom::LastEvent };
        policies.products.insert("p2".into(), (last_event, true));
        let holds = Holds::new(&[hold("lot", "p1", Some("L9"), None)]);
        let today = date!(2030 - 06 - 01);
        let given_then = [
            // The default (7 years, archived after 2, from expiry): expired 2027-01-01, so archived in 2029.
            (
                unit("u1", "p1", Some("L1"), date!(2025 - 01 - 01), Some("2027-01-01")),
                Fate::Moves { to: Place::Archived },
            ),
            // Its expiry is in 2029: not yet two years at rest.
            (unit("u2", "p1", Some("L1"), date!(2025 - 01 - 01), Some("2029-01-01")), Fate::Stays),
            // The same as u1, but its lot is held.
            (
                unit("u3", "p1", Some("L9"), date!(2025 - 01 - 01), Some("2027-01-01")),
                Fate::Held { due: Place::Archived },
            ),
            // p2's own policy, counted from the last event: three years after 2026-01-01.
            (unit("u4", "p2", None, date!(2026 - 01 - 01), Some("2040-01-01")), Fate::Moves { to: Place::Purged }),
            (unit("u5", "p2", None, date!(2029 - 01 - 01), None), Fate::Moves { to: Place::Archived }),
        ];
        for (unit, then) in given_then {
            assert_eq!(judge(&unit, &policies, &holds, today), then, "{}", unit.id);
        }
    }

    #[test]
    fn a_lifted_hold_holds_nothing() {
        let mut lifted = hold("product", "p1", None, None);
        lifted.lifted_at = Some(1);
        let holds = Holds::new(&[lifted, hold("unit", "p1", None, Some("u7"))]);
        assert!(!holds.cover(&unit("u1", "p1", None, date!(2020 - 01 - 01), None)));
        assert!(holds.cover(&unit("u7", "p1", None, date!(2020 - 01 - 01), None)));
    }

    #[test]
    fn no_unit_rested_after_the_earliest_day_any_policy_moves_is_read() {
        let policies = Policies::new(RetentionPolicy::default(), &[]);
        let by = policies.rested_by(date!(2030 - 06 - 01));
        // Two years (the default's archive) before, and a day of margin.
        assert_eq!(date_of(by), date!(2028 - 06 - 02));
        let never = Policies::new(
            RetentionPolicy { keep_years: None, archive_after_years: None, counted_from: CountedFrom::LastEvent },
            &[],
        );
        assert_eq!(never.rested_by(date!(2030 - 06 - 01)), i64::MIN);
        assert_eq!(date_of(policies.rested_by(date!(2028 - 02 - 29))), date!(2026 - 03 - 01), "from a leap day");
    }
}
