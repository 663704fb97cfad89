//! The serialtrack browser app (Leptos, client-side rendering, compiled to WebAssembly).
//!
//! - [`donut`]: the pool's donut chart drawn with plotters as SVG.
//! - [`history_view`]: a recorded event as a timeline line (who, when, where, what, why).
//! - [`pool_filter`]: the pool list's search.
//! - [`lookup_key`]: which unit a scanned or typed lookup means.
//! - [`model`]: the records kept on the device and shown by the screens.
//! - [`scan_view`]: what the scan box shows for an input — plain logic, tested natively.
//! - `ui` (wasm32 only): the Leptos components; they hold no logic beyond wiring signals to views.

pub mod donut;
pub mod history_view;
pub mod lookup_key;
pub mod model;
pub mod pool_filter;
pub mod scan_view;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod db;
#[cfg(target_arch = "wasm32")]
pub mod ui;
