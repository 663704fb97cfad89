//! The Leptos components. `App` lays out the shell; each screen is its own file.

mod scan_box;

use leptos::prelude::*;
use scan_box::ScanBox;

#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="app-header">
            <a class="brand" href="/">"serialtrack"</a>
        </header>
        <main class="app-main" id="main">
            <ScanBox/>
        </main>
    }
}
