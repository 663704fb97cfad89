//! Hash routes (`#/pool`, `#/lookup`): a reload, or opening the app offline, returns to the same screen.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Pool,
    Lookup,
    Settings,
    Attention,
    Line,
}

impl Screen {
    pub const ALL: [Screen; 5] = [Screen::Pool, Screen::Lookup, Screen::Settings, Screen::Attention, Screen::Line];
    /// The screens in the navigation bar; "Needs attention" is reached from the header's count.
    pub const NAV: [Screen; 4] = [Screen::Pool, Screen::Line, Screen::Lookup, Screen::Settings];

    pub fn hash(self) -> &'static str {
        match self {
            Screen::Pool => "#/pool",
            Screen::Lookup => "#/lookup",
            Screen::Settings => "#/settings",
            Screen::Attention => "#/attention",
            Screen::Line => "#/line",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Pool => "Serial number pool",
            Screen::Lookup => "Unit lookup",
            Screen::Settings => "What this device keeps",
            Screen::Attention => "Needs attention",
            Screen::Line => "Packaging line",
        }
    }

    fn from_hash(hash: &str) -> Screen {
        Screen::ALL.into_iter().find(|screen| screen.hash() == hash).unwrap_or(Screen::Pool)
    }
}

/// The current screen, following `location.hash`.
pub fn use_screen() -> ReadSignal<Screen> {
    let window = web_sys::window().expect("a browser window");
    let current =
        move || Screen::from_hash(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default());
    let (screen, set_screen) = signal(current());
    let listener = Closure::<dyn Fn()>::new(move || set_screen.set(current()));
    let _ = window.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
    listener.forget();
    screen
}

#[component]
pub fn Nav(screen: ReadSignal<Screen>) -> impl IntoView {
    view! {
        <nav class="app-nav" aria-label="Screens">
            {Screen::NAV
                .into_iter()
                .map(|target| view! {
                    <a
                        href=target.hash()
                        class="nav-link"
                        aria-current=move || (screen.get() == target).then_some("page")
                    >
                        {target.title()}
                    </a>
                })
                .collect_view()}
        </nav>
    }
}
