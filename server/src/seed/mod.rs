//! What an empty database starts with: only an admin account, or with `--demo` a whole demo system.

mod admin;
mod demo;
mod demo_units;

pub use admin::{bootstrap_admin, AdminPassword};
pub use demo::{demo_password, seed_demo};
