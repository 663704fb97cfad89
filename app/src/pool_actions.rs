//! What the pool screen lets a user do to a product's pool, and the plain steps behind it: who may, the
//! generation split into calls (so progress can be shown), the forms' checks, and the counts after an answer.

use crate::model::ProductRecord;
use crate::pool_import::group_thousands;
use serialtrack_shared::ids::Lot;

/// The most serials one "Generate serials" asks for.
pub const MAX_GENERATE: u32 = 500_000;
/// The most serials one assignment takes (the server's limit for `pool/assign` and printing orders).
pub const MAX_ASSIGN: u32 = 100_000;
/// Generation is sent in calls of this many serials: each call answers within seconds, so the progress bar
/// moves and a lost connection costs one call, not the whole request.
pub const GENERATE_CALL_SIZE: u32 = 50_000;

/// The pool actions a user has on a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolActions {
    pub generate: bool,
    pub import: bool,
    pub assign: bool,
    pub release: bool,
}

impl PoolActions {
    /// Supervisors and admins manage the pool (the server's permission table says the same and decides).
    /// A partner's product gets its serials from the brand owner: it cannot generate or import more, nor release
    /// them (they go back to the brand owner only by the owner's release).
    pub fn for_user(role: &str, serial_source: &str) -> PoolActions {
        let manages = matches!(role, "supervisor" | "admin");
        let own_serials = serial_source != "partner";
        PoolActions {
            generate: manages && own_serials,
            import: manages && own_serials,
            assign: manages,
            release: manages && own_serials,
        }
    }

    pub fn any(self) -> bool {
        self.generate || self.import || self.assign || self.release
    }
}

/// A count typed into a form: a whole number from 1 to `max`.
pub fn parse_count(text: &str, max: u32) -> Result<u32, String> {
    let cleaned: String = text.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    match cleaned.parse::<u32>() {
        Ok(count) if (1..=max).contains(&count) => Ok(count),
        _ => Err(format!("Enter a whole number from 1 to {}.", group_thousands(u64::from(max)))),
    }
}

/// The sizes of the calls that generate `count` serials.
pub fn generation_calls(count: u32) -> Vec<u32> {
    let full = count / GENERATE_CALL_SIZE;
    let rest = count % GENERATE_CALL_SIZE;
    let mut calls = vec![GENERATE_CALL_SIZE; full as usize];
    if rest > 0 {
        calls.push(rest);
    }
    calls
}

/// The progress of a generation in words (also the progress bar's value text).
pub fn generation_progress(done: u64, total: u64) -> String {
    if done >= total {
        format!("Generated {} serials.", group_thousands(total))
    } else {
        format!("Generating serials: {} of {} done…", group_thousands(done), group_thousands(total))
    }
}

/// The product's counts once the server added `added` serials to its pool.
pub fn after_added(product: &ProductRecord, added: u64) -> ProductRecord {
    ProductRecord { available: product.available + added, ..product.clone() }
}

/// The product's counts once the server assigned `assigned` of its available serials.
pub fn after_assigned(product: &ProductRecord, assigned: u64) -> ProductRecord {
    let moved = assigned.min(product.available);
    ProductRecord { available: product.available - moved, assigned: product.assigned + moved, ..product.clone() }
}

/// The product's counts once the server released `released` assigned serials.
pub fn after_released(product: &ProductRecord, released: u64) -> ProductRecord {
    let moved = released.min(product.assigned);
    ProductRecord { available: product.available + moved, assigned: product.assigned - moved, ..product.clone() }
}

/// A printing order's fields, checked on the device with the shared lot rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintingOrder {
    pub lot: String,
    pub expiry: String,
    pub quantity: u32,
}

/// Checks the printing order form; every field's problem at once.
pub fn printing_order(lot: &str, expiry: &str, quantity: &str) -> Result<PrintingOrder, Vec<String>> {
    let mut problems = Vec::new();
    let lot = lot.trim();
    if let Err(error) = Lot::parse(lot) {
        problems.push(format!("Lot: {error}."));
    }
    let expiry = expiry.trim();
    if serialtrack_shared::unit::iso_date::parse(expiry).is_none() {
        problems.push("Expiry: choose a date.".to_owned());
    }
    let quantity = parse_count(quantity, MAX_ASSIGN).map_err(|message| problems.push(format!("Count: {message}")));
    match quantity {
        Ok(quantity) if problems.is_empty() => {
            Ok(PrintingOrder { lot: lot.to_owned(), expiry: expiry.to_owned(), quantity })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(available: u64, assigned: u64) -> ProductRecord {
        ProductRecord {
            id: "p".into(),
            code: "CM-500".into(),
            code_schema: "internal".into(),
            name: "Coffee machine".into(),
            serial_source: "generated".into(),
            serial_scheme: serde_json::Value::Null,
            available,
            assigned,
            workflow: Default::default(),
            details: Default::default(),
        }
    }

    #[test]
    fn only_supervisors_and_admins_manage_and_a_partner_product_takes_no_new_serials_nor_releases_them() {
        let all = PoolActions { generate: true, import: true, assign: true, release: true };
        assert_eq!(PoolActions::for_user("admin", "generated"), all);
        assert_eq!(PoolActions::for_user("supervisor", "imported"), all);
        assert!(!PoolActions::for_user("operator", "generated").any());
        assert!(!PoolActions::for_user("auditor", "generated").any());
        let partner = PoolActions::for_user("admin", "partner");
        assert_eq!(partner, PoolActions { generate: false, import: false, assign: true, release: false });
    }

    #[test]
    fn a_count_is_a_whole_number_within_the_limit() {
        assert_eq!(parse_count(" 500,000 ", MAX_GENERATE), Ok(500_000));
        assert_eq!(parse_count("12", MAX_GENERATE), Ok(12));
        for bad in ["0", "500001", "-3", "1.5", "", "ten"] {
            assert_eq!(parse_count(bad, MAX_GENERATE), Err("Enter a whole number from 1 to 500,000.".into()), "{bad}");
        }
    }

    #[test]
    fn generation_is_split_into_calls_that_add_up() {
        assert_eq!(generation_calls(10), [10]);
        assert_eq!(generation_calls(50_000), [50_000]);
        assert_eq!(generation_calls(120_000), [50_000, 50_000, 20_000]);
        assert_eq!(generation_calls(MAX_GENERATE).iter().sum::<u32>(), MAX_GENERATE);
    }

    #[test]
    fn progress_is_said_in_words() {
        assert_eq!(generation_progress(100_000, 500_000), "Generating serials: 100,000 of 500,000 done…");
        assert_eq!(generation_progress(500_000, 500_000), "Generated 500,000 serials.");
    }

    #[test]
    fn counts_follow_the_answers() {
        assert_eq!((after_added(&product(5, 1), 10).available, after_added(&product(5, 1), 10).assigned), (15, 1));
        let assigned = after_assigned(&product(5, 1), 3);
        assert_eq!((assigned.available, assigned.assigned), (2, 4));
        let released = after_released(&product(2, 4), 4);
        assert_eq!((released.available, released.assigned), (6, 0));
    }

    #[test]
    fn a_printing_order_needs_a_lot_an_expiry_and_a_count() {
        let order = printing_order(" L-42 ", "2028-12-31", "100").unwrap();
        assert_eq!(order, PrintingOrder { lot: "L-42".into(), expiry: "2028-12-31".into(), quantity: 100 });
        let problems = printing_order("", "", "0").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("Lot: "), "{problems:?}");
        assert_eq!(problems[1], "Expiry: choose a date.");
        assert!(problems[2].starts_with("Count: Enter a whole number"), "{problems:?}");
    }
}
