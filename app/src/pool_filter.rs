//! The pool list's search: a product matches when its code contains the text or its name contains it,
//! ignoring case and surrounding spaces — what an operator typing "cm-5" or "aspirin" expects.

use crate::model::ProductRecord;

pub fn matches(product: &ProductRecord, search: &str) -> bool {
    let needle = search.trim().to_lowercase();
    needle.is_empty() || product.code.to_lowercase().contains(&needle) || product.name.to_lowercase().contains(&needle)
}

pub fn filter<'a>(products: &'a [ProductRecord], search: &str) -> Vec<&'a ProductRecord> {
    products.iter().filter(|product| matches(product, search)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(code: &str, name: &str) -> ProductRecord {
        ProductRecord {
            id: code.into(),
            code: code.into(),
            code_schema: "gtin".into(),
            name: name.into(),
            serial_source: "generated".into(),
            serial_scheme: serde_json::Value::Null,
            available: 0,
            assigned: 0,
            workflow: Default::default(),
            details: Default::default(),
        }
    }

    #[test]
    fn a_search_matches_part_of_the_code_or_of_the_name_ignoring_case() {
        let products = [product("09520123456788", "Aspirin 500 mg"), product("CM-500", "Coffee machine")];
        let codes = |search: &str| filter(&products, search).iter().map(|p| p.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(""), ["09520123456788", "CM-500"]);
        assert_eq!(codes("  cm-5 "), ["CM-500"]);
        assert_eq!(codes("ASPIRIN"), ["09520123456788"]);
        assert_eq!(codes("500"), ["09520123456788", "CM-500"]);
        assert_eq!(codes("952012"), ["09520123456788"]);
        assert!(codes("nothing like it").is_empty());
    }
}
