//! A product's facts in words, for the pool screen: its code schema, where its serials come from, its scheme.

use crate::model::ProductRecord;
use serialtrack_shared::ids::CodeSchema;

/// "GTIN", "NTIN", "PPN", "Internal".
pub fn schema_words(product: &ProductRecord) -> String {
    match CodeSchema::from_name(&product.code_schema) {
        Some(schema) => schema.label().into(),
        None if product.code_schema.is_empty() => "—".into(),
        None => product.code_schema.clone(),
    }
}

/// "Generated here", "Imported list", "External system", "Partner".
pub fn source_words(product: &ProductRecord) -> String {
    match product.serial_source.as_str() {
        "generated" => "Generated here".into(),
        "imported" => "Imported list".into(),
        "external" => "External system".into(),
        "partner" => "Partner".into(),
        "" => "—".into(),
        other => other.replace('_', " "),
    }
}

/// "Pattern CM500-{YYYY}-{NNNN}" or "Randomised, 12 characters of 34 symbols".
pub fn scheme_words(product: &ProductRecord) -> String {
    let scheme = &product.serial_scheme;
    let text = |key: &str| scheme.get(key).and_then(|value| value.as_str()).map(str::to_owned);
    match (text("kind").as_deref(), text("template"), text("alphabet"), scheme.get("length")) {
        (Some("patterned"), Some(template), _, _) => format!("Pattern {template}"),
        (Some("randomised"), _, Some(alphabet), Some(length)) => {
            format!("Randomised, {length} characters of {} symbols", alphabet.chars().count())
        }
        _ => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product(code_schema: &str, serial_source: &str, serial_scheme: serde_json::Value) -> ProductRecord {
        ProductRecord {
            id: "p".into(),
            code: "CM-500".into(),
            code_schema: code_schema.into(),
            name: "Coffee machine".into(),
            serial_source: serial_source.into(),
            serial_scheme,
            available: 0,
            assigned: 0,
            workflow: Default::default(),
            details: Default::default(),
        }
    }

    #[test]
    fn a_products_facts_read_as_words() {
        let patterned =
            product("internal", "generated", json!({"kind": "patterned", "template": "CM500-{YYYY}-{NNNN}"}));
        assert_eq!(
            (schema_words(&patterned), source_words(&patterned), scheme_words(&patterned)),
            ("Internal".into(), "Generated here".into(), "Pattern CM500-{YYYY}-{NNNN}".into())
        );
        let random = product("gtin", "partner", json!({"kind": "randomised", "alphabet": "0123456789", "length": 12}));
        assert_eq!(scheme_words(&random), "Randomised, 12 characters of 10 symbols");
        assert_eq!(source_words(&random), "Partner");
    }

    #[test]
    fn a_record_stored_before_the_facts_were_kept_reads_as_not_known() {
        let old = product("", "", json!("Randomised"));
        assert_eq!((schema_words(&old), source_words(&old), scheme_words(&old)), ("—".into(), "—".into(), "—".into()));
    }
}
