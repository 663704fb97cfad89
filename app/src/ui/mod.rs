//! The Leptos components. `App` lays out the shell and owns the device's state; each screen is its own file.

mod admin_exports;
mod admin_invitations;
mod admin_keys;
mod admin_locations;
mod admin_page;
mod admin_partners;
mod admin_products;
mod admin_user_panel;
mod admin_users;
mod app_state;
mod assign_form;
mod attention_page;
mod audit_alerts;
mod audit_page;
mod count_field;
mod device;
mod escalations_panel;
mod generate_form;
mod import_form;
mod line_page;
mod line_state;
mod lookup_page;
mod name_device;
mod nav;
mod online_badge;
mod pack_history;
mod pending_changes;
mod pool_actions_panel;
mod pool_page;
mod pool_state;
mod problem_list;
mod product_details_fields;
mod product_editor;
mod release_form;
pub mod scan_box;
mod session_ended;
mod settings_page;
mod sign_in;
mod sync_badge;
mod unit_actions_panel;
mod unit_card;
mod unit_state;
mod workflow_grid;

pub use app::App;

mod app;
