//! The administration bundle's entry point (`app/admin/index.html`): only the settings screens, online, so the
//! tablets' app stays without them (README.md, "The app's weight").

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(serialtrack_app::ui::AdminApp);
}

/// Like the app's own entry point: a native build exists only for `cargo test`.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the administration bundle runs in a browser: `scripts/build-app` builds it into dist/admin/.");
}
