//! The serialtrack browser app (Leptos, client-side rendering, compiled to WebAssembly).
//!
//! - [`admin_view`]: the administration screens' records in words, and their small forms checked.
//! - [`ceilings_form`]: the data-protection settings (export ceilings, label downloads, alerts) as typed.
//! - [`product_details_form`]: a product's attributes, retention and yield range on the product form; a
//!   retention policy as typed, which the Retention tab also edits.
//! - [`hold_form`]: a legal hold placed (product, lot or unit, and why) or lifted, checked; a scanned pack code.
//! - [`retention_view`]: the Retention tab in words: policies, holds, the dry run, runs, what a role may do.
//! - [`product_form`]: a product being added or changed: code, serial scheme, workflow grid, checked.
//! - [`user_form`]: a new user or password checked, a user's state and sessions in words.
//! - [`audit_view`]: the audit trail screen's filters, entries and chain check in words.
//! - [`device_names`]: the names people gave the devices, and a device in words.
//! - [`donut`]: the pool's donut chart drawn with plotters as SVG.
//! - [`history_view`]: a recorded event as a timeline line (who, when, where, what, why).
//! - [`pool_history`]: a unit's serial as the pool knows it (status, assignment, pool actions), in words.
//! - [`pool_filter`]: the pool list's search.
//! - [`line_work`]: the line screen's orders, this tablet's serial block and the commission an order makes.
//! - [`pool_import`]: a file of serials checked line by line on the device, every bad line listed.
//! - [`pool_actions`]: the pool actions a user has, generation in calls with progress, the counts after answers.
//! - [`lookup_key`]: which unit a scanned or typed lookup means.
//! - [`model`]: the records kept on the device and shown by the screens; the workflow a unit is decided with.
//! - [`product_view`]: a product's facts in words for the pool screen.
//! - [`product_wire`]: the server's products and pool counts as the device's product records.
//! - [`scan_view`]: what the scan box shows for an input — plain logic, tested natively.
//! - [`unit_actions`]: the actions the unit screen offers for a status, and the command each form makes.
//! - [`replica_parts`]: the shared `DeviceReplica` taken apart into IndexedDB records and put back together.
//! - [`store_changes`]: what a replica step changed in one IndexedDB store, to write only that.
//! - [`sync_wire`]: the server's snapshot and unit JSON as sync types; what this device keeps.
//! - [`sync_view`]: pending changes, the "needs attention" inbox and the header's counts, in words.
//! - `clock` (wasm32 only): the device's clock, read in one place.
//! - `sync` (wasm32 only): the sync loop: push, pull, snapshot, backoff, one syncing tab.
//! - `ui` (wasm32 only): the Leptos components; they hold no logic beyond wiring signals to views.

pub mod admin_view;
pub mod audit_view;
pub mod ceilings_form;
pub mod device_names;
pub mod donut;
pub mod history_view;
pub mod hold_form;
pub mod line_work;
pub mod lookup_key;
pub mod model;
pub mod pool_actions;
pub mod pool_filter;
pub mod pool_history;
pub mod pool_import;
pub mod product_details_form;
pub mod product_form;
pub mod product_view;
pub mod product_wire;
pub mod replica_parts;
pub mod retention_view;
pub mod scan_view;
pub mod store_changes;
pub mod sync_view;
pub mod sync_wire;
pub mod unit_actions;
pub mod user_form;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
pub mod db;
#[cfg(target_arch = "wasm32")]
pub mod sync;
#[cfg(target_arch = "wasm32")]
pub mod ui;
