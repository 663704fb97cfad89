//! The browser entry point: it only mounts the app. Everything else lives in the library crate.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(serialtrack_app::ui::App);
}

/// The app runs only in a browser; a native build exists so `cargo test` can cover its plain logic.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "serialtrack-app runs in a browser: build it with `scripts/build-app` and open it through `serialtrack serve`."
    );
}
