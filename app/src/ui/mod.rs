//! The Leptos components. `App` lays out the shell and owns the device's state; each screen is its own file.

mod app_state;
mod lookup_page;
mod nav;
mod online_badge;
mod pool_page;
pub mod scan_box;
mod sign_in;
mod unit_card;

pub use app::App;

mod app;
