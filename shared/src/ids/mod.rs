//! Validated identifiers. Every type here is built only through a `parse` constructor, so holding a value
//! proves it is well formed: a `Gtin` always has 14 digits and a correct check digit, a `Serial` is always
//! 1–20 characters of CSET 82.

mod check_digit;
mod cset82;
mod gs1_keys;
mod product_code;
mod serial;

pub use check_digit::{gs1_check_digit, has_valid_check_digit};
pub use cset82::{first_non_cset82, is_cset82};
pub use gs1_keys::{Gln, Gtin, KeyError, Sscc};
pub use product_code::{CodeSchema, ProductCode, ProductCodeError};
pub use serial::{Lot, Serial, TextFieldError};
