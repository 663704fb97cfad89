//! `serialtrack-shared`: the pure domain core used by both the server and the browser app.
//!
//! No I/O, no async, nothing of HTTP, SQL or IndexedDB; it builds for wasm32 and native alike.
//!
//! - [`ids`]: validated identifiers (GTIN, SSCC, GLN, serial, lot, product codes).

pub mod ids;
