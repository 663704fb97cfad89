//! Shows whether the device is online; a line operator must see at a glance that work is being kept locally.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// A signal that follows the browser's online/offline events.
pub fn use_online() -> ReadSignal<bool> {
    let window = web_sys::window().expect("a browser window");
    let (online, set_online) = signal(window.navigator().on_line());
    for (event, value) in [("online", true), ("offline", false)] {
        let listener = Closure::<dyn Fn()>::new(move || set_online.set(value));
        let _ = window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        // The listeners live as long as the page: the app shell is never torn down.
        listener.forget();
    }
    online
}

#[component]
pub fn OnlineBadge(online: ReadSignal<bool>) -> impl IntoView {
    view! {
        <span
            class="online-badge"
            class:offline=move || !online.get()
            role="status"
            aria-live="polite"
        >
            {move || if online.get() { "Online" } else { "Offline — working from this device" }}
        </span>
    }
}
