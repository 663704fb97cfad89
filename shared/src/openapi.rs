//! The OpenAPI schemas of the identifiers the sync wire types carry (the `utoipa` feature, which the server
//! turns on for its document, `server/src/web/openapi.rs`). Each says what its `parse` accepts, as far as a
//! pattern can (a pattern cannot check a check digit).

use crate::ids::{CodeSchema, Lot, ProductCode, Serial, Sscc};
use utoipa::openapi::schema::{
    KnownFormat, Object, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A calendar date, `YYYY-MM-DD` (29 February is left out: a pattern does not know leap years).
const DATE: &str = r"^\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))$";

/// A UUID in its hyphenated form.
const UUID: &str = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A string of a format, with the pattern that says it (a format alone is only an annotation in OpenAPI 3.1).
fn formatted(format: KnownFormat, pattern: &str, nullable: bool) -> Object {
    let string = if nullable { SchemaType::from_iter([Type::String, Type::Null]) } else { Type::String.into() };
    ObjectBuilder::new()
        .schema_type(string)
        .format(Some(SchemaFormat::KnownFormat(format)))
        .pattern(Some(pattern))
        .build()
}

/// For `#[schema(schema_with = …)]`: a date, `YYYY-MM-DD`.
pub fn date() -> Object {
    formatted(KnownFormat::Date, DATE, false)
}

pub fn optional_date() -> Object {
    formatted(KnownFormat::Date, DATE, true)
}

/// For `#[schema(schema_with = …)]`: a UUID.
pub fn uuid() -> Object {
    formatted(KnownFormat::Uuid, UUID, false)
}

pub fn optional_uuid() -> Object {
    formatted(KnownFormat::Uuid, UUID, true)
}

/// The characters of GS1 CSET 82 (`ids::cset82`), as a regular expression class.
const CSET82: &str = r#"[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]"#;

/// 1 to 20 characters of CSET 82, what `ids::serial`'s text fields take.
fn text_field(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(20))
        .pattern(Some(format!("^{CSET82}{{1,20}}$")))
        .description(Some(description))
        .into()
}

impl PartialSchema for Serial {
    fn schema() -> RefOr<Schema> {
        text_field("A serial number (AI 21): 1 to 20 characters of GS1 CSET 82.")
    }
}

impl ToSchema for Serial {}

impl PartialSchema for Lot {
    fn schema() -> RefOr<Schema> {
        text_field("A batch or lot number (AI 10): 1 to 20 characters of GS1 CSET 82.")
    }
}

impl ToSchema for Lot {}

impl PartialSchema for ProductCode {
    fn schema() -> RefOr<Schema> {
        let code = |schemas: &[CodeSchema], pattern: &str| {
            let names = schemas.iter().map(|schema| serde_json::to_value(schema).expect("a schema's name"));
            ObjectBuilder::new()
                .property("schema", ObjectBuilder::new().schema_type(Type::String).enum_values(Some(names)))
                .property("code", ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)))
                .required("schema")
                .required("code")
        };
        OneOfBuilder::new()
            .item(code(&[CodeSchema::Gtin, CodeSchema::Ntin], r"^(\d{8}|\d{12,14})$"))
            .item(code(&[CodeSchema::Ppn], "^[0-9A-Z]{4,12}$"))
            .item(code(&[CodeSchema::Internal], r"^[A-Za-z0-9._/-]{1,40}$"))
            .description(Some(
                "A product code and its schema: a GTIN or NTIN (8, 12, 13 or 14 digits, returned as 14), a PPN, \
                 or an internal code such as `CM-500`.",
            ))
            .into()
    }
}

impl ToSchema for ProductCode {}

impl PartialSchema for Sscc {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^\d{18}$"))
            .description(Some("A Serial Shipping Container Code: 18 digits with its check digit."))
            .into()
    }
}

impl ToSchema for Sscc {}
