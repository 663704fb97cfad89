//! Turns a product's serial scheme into serials, with the shared generator.

use crate::store::{ProductRecord, Store, StoreError};
use serialtrack_shared::serials::{SerialGenerator, SerialScheme, ValidScheme};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SchemeError {
    #[error("the product's serial_scheme is not usable: {0}")]
    Invalid(String),
}

/// The scheme a product gets when none is given: 12 characters of digits and capitals without I and O
/// (randomised, as EU FMD asks).
pub fn default_scheme() -> SerialScheme {
    SerialScheme::Randomised { alphabet: "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".into(), length: 12 }
}

/// Reads and checks a scheme as stored or sent; an empty object means the default.
pub fn parse_scheme(json: &serde_json::Value) -> Result<(SerialScheme, ValidScheme), SchemeError> {
    let scheme = if json.as_object().is_some_and(|object| object.is_empty()) {
        default_scheme()
    } else {
        serde_json::from_value::<SerialScheme>(json.clone()).map_err(|error| SchemeError::Invalid(error.to_string()))?
    };
    let valid = scheme.validate().map_err(|error| SchemeError::Invalid(error.to_string()))?;
    Ok((scheme, valid))
}

/// The year a patterned scheme's counter runs in; randomised schemes run in one endless "year" 0.
pub fn counter_year(product: &ProductRecord) -> Result<i64, SchemeError> {
    Ok(match parse_stored(product)? {
        ValidScheme::Randomised(_) => 0,
        ValidScheme::Patterned(_) => i64::from(time::OffsetDateTime::now_utc().year()),
    })
}

/// Reserves `count` counters for the product and turns them into serials: the one way new serials are made.
pub async fn issue(store: &dyn Store, product: &ProductRecord, count: usize) -> Result<Vec<String>, IssueError> {
    let year = counter_year(product)?;
    let first = store.product_reserve_counters(&product.tenant_id, &product.id, count as i64, year).await?;
    let key = serial_key(store, product).await?;
    let mut serials = generate(product, key, first as u64, count, year as i32)?;
    // In serial order, the pool's B-trees take them as appends rather than random inserts: several times faster
    // for a request of 500,000, and a randomised serial's place in the list means nothing.
    serials.sort_unstable();
    Ok(serials)
}

/// The product's generator key: derived from the tenant's secret and the product id, so each product's
/// sequence differs, stays stable, and cannot be predicted by anyone who does not hold the secret.
pub async fn serial_key(store: &dyn Store, product: &ProductRecord) -> Result<[u8; 16], IssueError> {
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|error| IssueError::Random(error.to_string()))?;
    let secret = store.tenant_serial_secret(&product.tenant_id, &hex(&fresh)).await?;
    // SHA-256 over secret ‖ separator ‖ id: the secret is 32 random bytes and the digest is never shown, so this
    // is a sound key derivation here without a separate HMAC.
    let digest = Sha256::new().chain_update(secret.as_bytes()).chain_update([0u8]).chain_update(product.id.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest.finalize()[..16]);
    Ok(key)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error(transparent)]
    Scheme(#[from] SchemeError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("no randomness for a new secret: {0}")]
    Random(String),
}

fn parse_stored(product: &ProductRecord) -> Result<ValidScheme, SchemeError> {
    let json: serde_json::Value =
        serde_json::from_str(&product.serial_scheme).map_err(|error| SchemeError::Invalid(error.to_string()))?;
    Ok(parse_scheme(&json)?.1)
}

/// `count` serials from generator counter `first` on (a patterned scheme numbers them within `year`).
pub fn generate(
    product: &ProductRecord,
    key: [u8; 16],
    first: u64,
    count: usize,
    year: i32,
) -> Result<Vec<String>, SchemeError> {
    let invalid = |error: serialtrack_shared::serials::SerialError| SchemeError::Invalid(error.to_string());
    match parse_stored(product)? {
        ValidScheme::Randomised(scheme) => {
            let generator = SerialGenerator::new(scheme, key);
            generator
                .serials(first..first + count as u64)
                .map(|serial| serial.map(|s| s.as_str().to_owned()).map_err(invalid))
                .collect()
        }
        ValidScheme::Patterned(pattern) => (first..first + count as u64)
            .map(|counter| pattern.render(year, counter + 1).map(|s| s.as_str().to_owned()).map_err(invalid))
            .collect(),
    }
}
