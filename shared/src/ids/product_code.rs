//! Product codes under the schemas seen in practice: GTIN-14, NTIN, PPN and a free internal code.

use super::gs1_keys::{Gtin, KeyError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which numbering scheme a product code follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeSchema {
    /// A GS1 GTIN, held as 14 digits.
    Gtin,
    /// A national trade item number in GTIN-14 form (e.g. a PZN or CIP inside a GTIN).
    Ntin,
    /// A Pharmacy Product Number: 2-digit agency code, product reference, 2 check digits (mod 97).
    Ppn,
    /// A company's own code for non-pharma goods, such as `CM-500`.
    Internal,
}

impl CodeSchema {
    pub const ALL: [CodeSchema; 4] = [CodeSchema::Gtin, CodeSchema::Ntin, CodeSchema::Ppn, CodeSchema::Internal];

    /// Its name in JSON and in the database: "gtin", "ntin", "ppn", "internal".
    pub fn name(self) -> &'static str {
        match self {
            CodeSchema::Gtin => "gtin",
            CodeSchema::Ntin => "ntin",
            CodeSchema::Ppn => "ppn",
            CodeSchema::Internal => "internal",
        }
    }

    /// The schema a name stands for (see `name`).
    pub fn from_name(name: &str) -> Option<CodeSchema> {
        CodeSchema::ALL.into_iter().find(|schema| schema.name() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            CodeSchema::Gtin => "GTIN",
            CodeSchema::Ntin => "NTIN",
            CodeSchema::Ppn => "PPN",
            CodeSchema::Internal => "Internal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProductCodeError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(
        "a PPN has 4 to 12 characters: 2 agency digits, the product reference, 2 check digits; this one has {actual}"
    )]
    PpnLength { actual: usize },
    #[error("a PPN may hold only digits and capital letters; character {position} is '{found}'")]
    PpnCharacter { position: usize, found: char },
    #[error("the check digits of this PPN should be {expected}, not {actual}")]
    PpnCheck { expected: String, actual: String },
    #[error("an internal product code must be 1 to 40 characters of letters, digits, '-', '_', '.' or '/'; {detail}")]
    Internal { detail: String },
}

/// A validated product code together with its schema. Deserialising goes through [`ProductCode::parse`], so
/// JSON from a device or a database row cannot make a code its schema would refuse.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "ProductCodeJson")]
pub struct ProductCode {
    schema: CodeSchema,
    code: String,
}

/// The wire form of a [`ProductCode`] before it is checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductCodeJson {
    schema: CodeSchema,
    code: String,
}

impl TryFrom<ProductCodeJson> for ProductCode {
    type Error = ProductCodeError;

    fn try_from(json: ProductCodeJson) -> Result<Self, Self::Error> {
        Self::parse(json.schema, &json.code)
    }
}

impl ProductCode {
    pub fn parse(schema: CodeSchema, text: &str) -> Result<Self, ProductCodeError> {
        let code = match schema {
            CodeSchema::Gtin | CodeSchema::Ntin => Gtin::parse(text)?.as_str().to_owned(),
            CodeSchema::Ppn => parse_ppn(text)?,
            CodeSchema::Internal => parse_internal(text)?,
        };
        Ok(Self { schema, code })
    }

    pub fn schema(&self) -> CodeSchema {
        self.schema
    }

    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The GTIN, when the code is one (GTIN or NTIN schema).
    pub fn gtin(&self) -> Option<Gtin> {
        matches!(self.schema, CodeSchema::Gtin | CodeSchema::Ntin).then(|| Gtin::parse(&self.code).ok()).flatten()
    }
}

impl From<Gtin> for ProductCode {
    fn from(gtin: Gtin) -> Self {
        Self { schema: CodeSchema::Gtin, code: gtin.as_str().to_owned() }
    }
}

impl fmt::Display for ProductCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code)
    }
}

/// PPN check digits: the sum of each character's ASCII code times (its position + 2), mod 97.
fn ppn_check_digits(body: &str) -> String {
    let sum: u32 = body.bytes().enumerate().map(|(i, b)| u32::from(b) * (i as u32 + 2)).sum();
    format!("{:02}", sum % 97)
}

fn parse_ppn(text: &str) -> Result<String, ProductCodeError> {
    if let Some((position, found)) =
        text.chars().enumerate().find(|(_, c)| !(c.is_ascii_digit() || c.is_ascii_uppercase()))
    {
        return Err(ProductCodeError::PpnCharacter { position, found });
    }
    if !(4..=12).contains(&text.len()) {
        return Err(ProductCodeError::PpnLength { actual: text.len() });
    }
    let (body, check) = text.split_at(text.len() - 2);
    let expected = ppn_check_digits(body);
    if expected != check {
        return Err(ProductCodeError::PpnCheck { expected, actual: check.to_owned() });
    }
    Ok(text.to_owned())
}

fn parse_internal(text: &str) -> Result<String, ProductCodeError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 40 {
        let detail = format!("this one has {} characters", trimmed.chars().count());
        return Err(ProductCodeError::Internal { detail });
    }
    if let Some((position, found)) =
        trimmed.chars().enumerate().find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')))
    {
        return Err(ProductCodeError::Internal { detail: format!("character {position} is '{found}'") });
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schemas_name_is_its_json_name_and_reads_back() {
        for schema in CodeSchema::ALL {
            assert_eq!(serde_json::to_value(schema).unwrap(), schema.name());
            assert_eq!(CodeSchema::from_name(schema.name()), Some(schema));
        }
        assert_eq!(CodeSchema::from_name("GTIN"), None);
    }

    #[test]
    fn each_schema_accepts_its_own_codes() {
        let cases = [
            (CodeSchema::Gtin, "9506000134352", "09506000134352"),
            (CodeSchema::Ntin, "04150123456782", "04150123456782"),
            (CodeSchema::Ppn, "110375286414", "110375286414"),
            (CodeSchema::Internal, " CM-500 ", "CM-500"),
        ];
        for (schema, input, stored) in cases {
            let code = ProductCode::parse(schema, input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(code.as_str(), stored);
            assert_eq!(code.schema(), schema);
        }
    }

    #[test]
    fn each_schema_refuses_bad_codes_with_a_reason() {
        assert!(matches!(ProductCode::parse(CodeSchema::Gtin, "9506000134353"), Err(ProductCodeError::Key(_))));
        assert!(matches!(ProductCode::parse(CodeSchema::Ppn, "110375286415"), Err(ProductCodeError::PpnCheck { .. })));
        assert!(matches!(
            ProductCode::parse(CodeSchema::Ppn, "11a375286414"),
            Err(ProductCodeError::PpnCharacter { position: 2, .. })
        ));
        assert!(matches!(ProductCode::parse(CodeSchema::Internal, "CM 500"), Err(ProductCodeError::Internal { .. })));
        assert!(matches!(ProductCode::parse(CodeSchema::Internal, ""), Err(ProductCodeError::Internal { .. })));
    }
}
