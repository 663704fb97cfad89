//! The server's use of the shared domain crate: serial generation from a product's settings, unit
//! registration, and deciding commands with the shared state machine. No SQL and no HTTP here.

pub mod audit_checkpoints;
pub mod audit_key;
pub mod audit_verify;
pub mod clock;
pub mod lease;
pub mod outbox;
pub mod pool;
pub mod push;
pub mod rebuild;
pub mod retention;
pub mod serials;
pub mod units;
