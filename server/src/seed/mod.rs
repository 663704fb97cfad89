//! What an empty database starts with: only an admin account, or with `--demo` a whole demo system.

mod admin;
mod demo;
mod demo_units;

pub use admin::{bootstrap_admin, AdminPassword};
pub use demo::{demo_password, seed_demo};

use crate::store::ProductRecord;

/// `count` serials of a product's scheme from counter `first` on.
fn demo_serials(product: &ProductRecord, first: u64, count: usize) -> anyhow::Result<Vec<String>> {
    Ok(crate::domain::serials::generate(product, first, count)?)
}
