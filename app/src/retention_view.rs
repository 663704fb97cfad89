//! The Retention tab's records in words (docs/RETENTION.md, "The API"): a policy, what a legal hold covers and
//! who placed or lifted it, the dry run's table and what it says would move, a run and its state, and which
//! parts of the tab a role may use. Records are read as JSON fields, like the other administration screens'.

use crate::admin_view::{count_field, field, time_field};
use crate::history_view::{sentence_case, shown_time};
use crate::model::ProductRecord;
use serde_json::Value;

/// What a role may do on the Retention tab: every role that sees it reads; the server's `ManageRetention`
/// (admins) sets the default and queues runs, `PlaceHolds` (quality, admins) places and lifts holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    pub manages: bool,
    pub holds: bool,
}

impl Access {
    pub fn of(role: &str) -> Self {
        Self { manages: role == "admin", holds: matches!(role, "quality" | "admin") }
    }
}

/// A policy in words: "kept 7 years, archived after 2, counted from expiry".
pub fn policy_words(policy: &Value) -> String {
    let years = |name: &str| policy.get(name).and_then(Value::as_u64);
    let kept = match years("keep_years") {
        Some(1) => "kept 1 year".to_owned(),
        Some(years) => format!("kept {years} years"),
        None => "kept for ever".to_owned(),
    };
    let archived = match years("archive_after_years") {
        Some(years) => format!("archived after {years}"),
        None => "never archived".to_owned(),
    };
    let from = match field(policy, "counted_from").as_str() {
        "last_event" => "counted from the last event",
        _ => "counted from expiry",
    };
    format!("{kept}, {archived}, {from}")
}

/// The organisation's default as `GET /retention/policy` answers it: the policy, and whether it is the one
/// built in (never set).
pub fn default_policy_words(answer: &Value) -> String {
    let policy = policy_words(answer.get("policy").unwrap_or(&Value::Null));
    match answer.get("is_default").and_then(Value::as_bool) {
        Some(true) => format!("The built-in default: {policy}. No one has set the organisation's own yet."),
        _ => format!("Set for the organisation: {policy}."),
    }
}

/// A product by its code and name, as the tenant's products list it; its id when it is not among them.
fn product_words(product_id: &str, products: &[ProductRecord]) -> String {
    match products.iter().find(|product| product.id == product_id) {
        Some(product) => named_product(product),
        None => product_id.to_owned(),
    }
}

/// "09506000134352 (Ibuprofen 400 mg)".
pub fn named_product(product: &ProductRecord) -> String {
    format!("{} ({})", product.code, product.name)
}

/// What a hold covers, e.g. "Lot L1 of 09506000134352 (Ibuprofen 400 mg)".
pub fn scope_words(scope: &Value, products: &[ProductRecord]) -> String {
    let product = product_words(&field(scope, "product_id"), products);
    match field(scope, "scope").as_str() {
        "lot" => format!("Lot {} of {product}", field(scope, "lot")),
        "unit" => match field(scope, "serial") {
            serial if serial.is_empty() => format!("Unit {} of {product}", field(scope, "unit_id")),
            serial => format!("Unit serial {serial} of {product}"),
        },
        _ => format!("Product {product}"),
    }
}

/// What a hold covers inside a sentence ("the hold on lot L1 of …").
pub fn in_sentence(scope_words: &str) -> String {
    let mut chars = scope_words.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Who placed a hold and when; and who lifted it, when and why, once it is lifted.
pub fn hold_history(hold: &Value) -> String {
    let placed = format!("Placed by {} {}", who(&field(hold, "placed_by")), time_field(hold, "placed_at", ""));
    match hold.get("lifted_at").and_then(Value::as_str) {
        None => placed,
        Some(_) => format!(
            "{placed}; lifted by {} {}: {}",
            who(&field(hold, "lifted_by")),
            time_field(hold, "lifted_at", ""),
            field(hold, "lift_reason")
        ),
    }
}

/// Whether a hold still stands.
pub fn is_standing(hold: &Value) -> bool {
    hold.get("lifted_at").is_none_or(Value::is_null)
}

/// An actor as the audit trail names one (`user:ada`), as people read it (`ada`); `system` is the server
/// itself (its daily run).
fn who(actor: &str) -> &str {
    match actor {
        "system" => "the server",
        actor => actor.strip_prefix("user:").unwrap_or(actor),
    }
}

/// The dry run's counts, in the table's order: where the units are now ([`NOW_COUNTS`] of them), then what is
/// due on the day: moved by a run, or kept by a hold.
pub const PLAN_COUNTS: [(&str, &str); 6] = [
    ("hot", "Hot"),
    ("archived", "Archived"),
    ("purged", "Purged"),
    ("to_archive", "To archive"),
    ("to_purge", "To purge"),
    ("held", "Held"),
];

/// How many of [`PLAN_COUNTS`] say where units are now.
pub const NOW_COUNTS: usize = 3;

/// One product's line of the dry run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub code: String,
    pub name: String,
    /// The policy in words, and whose it is: the product's own or the organisation's.
    pub policy: String,
    pub whose: &'static str,
    /// The [`PLAN_COUNTS`] in thousands.
    pub counts: Vec<String>,
}

/// The dry run's products as table rows.
pub fn plan_rows(plan: &Value) -> Vec<PlanRow> {
    let products = plan.get("products").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    products
        .iter()
        .map(|product| PlanRow {
            code: field(product, "code"),
            name: field(product, "name"),
            policy: sentence_case(&policy_words(product.get("policy").unwrap_or(&Value::Null))),
            whose: match product.get("own_policy").and_then(Value::as_bool) {
                Some(true) => "its own",
                _ => "the organisation's",
            },
            counts: counts(product),
        })
        .collect()
}

/// The dry run's totals in the order of [`PLAN_COUNTS`].
pub fn plan_totals(plan: &Value) -> Vec<String> {
    counts(plan.get("totals").unwrap_or(&Value::Null))
}

fn counts(record: &Value) -> Vec<String> {
    PLAN_COUNTS.iter().map(|(name, _)| count_or_zero(record, name)).collect()
}

/// A count of units in thousands; 0 when the record has none (a run not yet done).
pub fn count_or_zero(record: &Value, name: &str) -> String {
    match count_field(record, name) {
        count if count.is_empty() => "0".to_owned(),
        count => count,
    }
}

/// "1 unit", "2,000 units".
fn units(count: u64) -> String {
    match count {
        1 => "1 unit".into(),
        count => format!("{} units", serialtrack_shared::words::thousands(count)),
    }
}

/// What the dry run says a run on its day would do, in a sentence; plainly so when nothing would move.
pub fn plan_summary(plan: &Value) -> String {
    let on = field(plan, "on");
    let total = |name: &str| plan.get("totals").and_then(|totals| totals.get(name)).and_then(Value::as_u64);
    let (archive, purge, held) =
        (total("to_archive").unwrap_or(0), total("to_purge").unwrap_or(0), total("held").unwrap_or(0));
    let held_words = match held {
        0 => String::new(),
        1 => "; 1 unit is due but kept by a legal hold".to_owned(),
        held => format!("; {} are due but kept by legal holds", units(held)),
    };
    let moves = match (archive, purge) {
        (0, 0) => return format!("Nothing would move on {on}{held_words}."),
        (archive, 0) => format!("archive {}", units(archive)),
        (0, purge) => format!("purge {}", units(purge)),
        (archive, purge) => format!("archive {} and purge {}", units(archive), units(purge)),
    };
    format!("A run on {on} would {moves}{held_words}.")
}

/// The question before a run is queued: what today's dry run says it would move.
pub fn run_question(todays_plan: &Value) -> String {
    let said = plan_summary(todays_plan);
    format!("Run retention now? Today's dry run: {said} Archived and purged histories do not come back.")
}

/// A run's state in words.
pub fn run_state(run: &Value) -> String {
    match field(run, "state").as_str() {
        "queued" => "Queued".into(),
        "running" => "Running".into(),
        "done" => "Done".into(),
        "failed" => "Failed".into(),
        other => sentence_case(other),
    }
}

/// Whether a run is still to finish: the list is read again until none is.
pub fn is_active(run: &Value) -> bool {
    matches!(field(run, "state").as_str(), "queued" | "running")
}

/// When a run was queued and by whom, then (once it has) when it started and finished, as pairs of words and
/// a time (a screen keeps each time whole on one line); the day is left out of a start or finish on the day
/// the run was queued.
pub fn run_times(run: &Value) -> Vec<(String, String)> {
    let queued = time_field(run, "queued_at", "");
    let day = format!("{} ", queued.split(' ').next().unwrap_or_default());
    let at = |name: &str| {
        run.get(name).and_then(Value::as_str).map(|at| {
            let at = shown_time(at);
            at.strip_prefix(&day).map(str::to_owned).unwrap_or(at)
        })
    };
    let mut times = vec![(format!("Queued by {}", who(&field(run, "queued_by"))), queued.clone())];
    times.extend(at("started_at").map(|at| ("started".to_owned(), at)));
    times.extend(at("finished_at").map(|at| ("finished".to_owned(), at)));
    times
}

/// What `POST /retention/runs` answered: a new run queued, or one queued or running already (its id among
/// the runs listed before).
pub fn queued_words(run: &Value, listed: &[Value]) -> String {
    let id = field(run, "id");
    let known = listed.iter().any(|listed| field(listed, "id") == id);
    match (known, field(run, "state").as_str()) {
        (true, "running") => "A run is already running: it is listed below.".into(),
        (true, _) => "A run is already queued: it is listed below.".into(),
        (false, _) => "A retention run is queued.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn products() -> Vec<ProductRecord> {
        vec![ProductRecord {
            id: "p1".into(),
            code: "09506000134352".into(),
            code_schema: "gtin".into(),
            name: "Ibuprofen 400 mg".into(),
            serial_source: "generated".into(),
            serial_scheme: Value::Null,
            available: 0,
            assigned: 0,
            workflow: Default::default(),
            details: Default::default(),
        }]
    }

    #[test]
    fn roles_read_and_only_some_change() {
        let given_then = [
            ("admin", Access { manages: true, holds: true }),
            ("quality", Access { manages: false, holds: true }),
            ("auditor", Access { manages: false, holds: false }),
        ];
        for (role, access) in given_then {
            assert_eq!(Access::of(role), access, "{role}");
        }
    }

    #[test]
    fn a_policy_reads_as_a_sentence() {
        let given_then = [
            (
                json!({"keep_years": 7, "archive_after_years": 2, "counted_from": "expiry"}),
                "kept 7 years, archived after 2, counted from expiry",
            ),
            (
                json!({"keep_years": null, "archive_after_years": null, "counted_from": "last_event"}),
                "kept for ever, never archived, counted from the last event",
            ),
            (
                json!({"keep_years": 1, "archive_after_years": null, "counted_from": "expiry"}),
                "kept 1 year, never archived, counted from expiry",
            ),
        ];
        for (policy, words) in given_then {
            assert_eq!(policy_words(&policy), words);
        }
        let built_in = json!({"policy": {"keep_years": 7, "archive_after_years": 2, "counted_from": "expiry"}, "is_default": true});
        assert!(default_policy_words(&built_in).starts_with("The built-in default: kept 7 years"));
        let set = json!({"policy": {"keep_years": 10, "archive_after_years": 3, "counted_from": "expiry"}, "is_default": false});
        assert_eq!(
            default_policy_words(&set),
            "Set for the organisation: kept 10 years, archived after 3, counted from expiry."
        );
    }

    #[test]
    fn a_holds_scope_names_its_product_lot_or_unit() {
        let given_then = [
            (json!({"scope": "product", "product_id": "p1"}), "Product 09506000134352 (Ibuprofen 400 mg)"),
            (json!({"scope": "lot", "product_id": "p1", "lot": "L1"}), "Lot L1 of 09506000134352 (Ibuprofen 400 mg)"),
            (
                json!({"scope": "unit", "product_id": "p1", "serial": "A1", "unit_id": "u1"}),
                "Unit serial A1 of 09506000134352 (Ibuprofen 400 mg)",
            ),
            (json!({"scope": "product", "product_id": "gone"}), "Product gone"),
        ];
        for (scope, words) in given_then {
            assert_eq!(scope_words(&scope, &products()), words);
        }
        assert_eq!(in_sentence("Lot L1 of CM-500 (Coffee)"), "lot L1 of CM-500 (Coffee)");
    }

    #[test]
    fn a_hold_says_who_placed_it_and_who_lifted_it_why() {
        let standing = json!({"placed_by": "user:quality", "placed_at": "2026-11-20T09:30:00Z", "lifted_at": null});
        assert_eq!(hold_history(&standing), "Placed by quality 2026-11-20 09:30:00 UTC");
        assert!(is_standing(&standing));
        let lifted = json!({
            "placed_by": "user:quality", "placed_at": "2026-11-20T09:30:00Z",
            "lifted_by": "user:admin", "lifted_at": "2026-11-21T10:00:00Z", "lift_reason": "Case closed",
        });
        assert_eq!(
            hold_history(&lifted),
            "Placed by quality 2026-11-20 09:30:00 UTC; lifted by admin 2026-11-21 10:00:00 UTC: Case closed"
        );
        assert!(!is_standing(&lifted));
    }

    fn plan(to_archive: u64, to_purge: u64, held: u64) -> Value {
        json!({
            "on": "2045-01-01",
            "products": [{
                "product_id": "p1", "code": "09506000134352", "name": "Ibuprofen 400 mg",
                "policy": {"keep_years": 7, "archive_after_years": 2, "counted_from": "expiry"}, "own_policy": false,
                "hot": 1200, "archived": 0, "purged": 0, "to_archive": to_archive, "to_purge": to_purge, "held": held,
            }],
            "totals": {"hot": 1200, "archived": 0, "purged": 0, "to_archive": to_archive, "to_purge": to_purge, "held": held},
        })
    }

    #[test]
    fn the_dry_run_is_a_table_and_a_sentence_that_says_plainly_when_nothing_moves() {
        let rows = plan_rows(&plan(0, 1200, 0));
        assert_eq!((rows[0].code.as_str(), rows[0].name.as_str()), ("09506000134352", "Ibuprofen 400 mg"));
        assert_eq!(
            (rows[0].policy.as_str(), rows[0].whose),
            ("Kept 7 years, archived after 2, counted from expiry", "the organisation's")
        );
        assert_eq!(rows[0].counts, ["1,200", "0", "0", "0", "1,200", "0"]);
        assert_eq!(plan_totals(&plan(0, 1200, 0)), ["1,200", "0", "0", "0", "1,200", "0"]);

        let given_then = [
            ((0, 0, 0), "Nothing would move on 2045-01-01."),
            ((0, 0, 1200), "Nothing would move on 2045-01-01; 1,200 units are due but kept by legal holds."),
            ((0, 0, 1), "Nothing would move on 2045-01-01; 1 unit is due but kept by a legal hold."),
            ((3, 1200, 0), "A run on 2045-01-01 would archive 3 units and purge 1,200 units."),
            ((1, 0, 2), "A run on 2045-01-01 would archive 1 unit; 2 units are due but kept by legal holds."),
            ((0, 7, 0), "A run on 2045-01-01 would purge 7 units."),
        ];
        for ((to_archive, to_purge, held), words) in given_then {
            assert_eq!(plan_summary(&plan(to_archive, to_purge, held)), words);
        }
        assert!(run_question(&plan(0, 0, 0)).contains("Today's dry run: Nothing would move on 2045-01-01."));
    }

    #[test]
    fn a_run_says_its_state_and_times_and_a_run_asked_for_twice_is_the_one_listed() {
        let run = json!({
            "id": "r1", "state": "done", "queued_by": "user:admin", "queued_at": "2026-11-20T09:30:00Z",
            "started_at": "2026-11-20T09:30:01Z", "finished_at": "2026-11-20T09:30:05Z",
            "archived": 10, "purged": 2, "held": 0,
        });
        assert_eq!(run_state(&run), "Done");
        assert!(!is_active(&run));
        let words =
            |run: &Value| run_times(run).into_iter().map(|(what, at)| format!("{what} {at}")).collect::<Vec<_>>();
        assert_eq!(
            words(&run),
            ["Queued by admin 2026-11-20 09:30:00 UTC", "started 09:30:01 UTC", "finished 09:30:05 UTC"]
        );
        let overnight = json!({
            "queued_by": "user:admin", "queued_at": "2026-11-20T23:59:59Z", "started_at": "2026-11-21T00:00:01Z",
        });
        assert_eq!(words(&overnight), ["Queued by admin 2026-11-20 23:59:59 UTC", "started 2026-11-21 00:00:01 UTC"]);
        let queued =
            json!({"id": "r2", "state": "queued", "queued_by": "user:admin", "queued_at": "2026-11-20T10:00:00Z"});
        assert!(is_active(&queued));
        assert_eq!(words(&queued), ["Queued by admin 2026-11-20 10:00:00 UTC"]);
        assert_eq!(queued_words(&queued, std::slice::from_ref(&run)), "A retention run is queued.");
        assert_eq!(queued_words(&queued, &[queued.clone(), run]), "A run is already queued: it is listed below.");
    }
}
