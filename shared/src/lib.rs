//! `serialtrack-shared`: the pure domain core used by both the server and the browser app.
//!
//! No I/O, no async, nothing of HTTP, SQL or IndexedDB; it builds for wasm32 and native alike.
//!
//! - [`ids`]: validated identifiers (GTIN, SSCC, GLN, serial, lot, product codes).
//! - [`gs1`]: scanner strings (element strings, `]d2` prefixes, GS separators, the bracketed form, Digital
//!   Link URIs) parsed into (AI, value) pairs and formatted back.
//! - [`serials`]: serial number generation: randomised (a keyed permutation of a counter) and patterned.
//! - [`pool`]: the serial number pool state machine (Available / Assigned).
//! - [`unit`](mod@unit): the unit lifecycle state machine, its commands, events and EPCIS mapping.
//! - [`sync`]: the offline-first sync protocol: wire types, the server's push decision, the device's outbox.
//! - [`product_details`]: a product's attributes, retention policy and yield range, checked.
//! - [`retention`]: how long a unit's history is kept, when it is archived and purged, what a legal hold covers.
//! - [`json`]: typed values in and out of a `serde_json::Value`, one reader per type in the browser app.

pub mod gs1;
pub mod ids;
pub mod json;
#[cfg(feature = "utoipa")]
pub mod openapi;
pub mod pool;
pub mod product_details;
pub mod retention;
pub mod serials;
pub mod sync;
pub mod unit;
pub mod words;
