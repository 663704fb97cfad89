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
    Audit,
    Products,
    Locations,
    ApiKeys,
    Partners,
    Users,
    DataProtection,
}

impl Screen {
    pub const ALL: [Screen; 12] = [
        Screen::Pool,
        Screen::Lookup,
        Screen::Settings,
        Screen::Attention,
        Screen::Line,
        Screen::Audit,
        Screen::Products,
        Screen::Locations,
        Screen::ApiKeys,
        Screen::Partners,
        Screen::Users,
        Screen::DataProtection,
    ];
    /// The administration screens, in the order of their tabs.
    pub const ADMIN: [Screen; 6] =
        [Screen::Products, Screen::Locations, Screen::Users, Screen::ApiKeys, Screen::Partners, Screen::DataProtection];
    /// The screens in the navigation bar; "Needs attention" is reached from the header's count.
    pub const NAV: [Screen; 4] = [Screen::Pool, Screen::Line, Screen::Lookup, Screen::Settings];

    pub fn hash(self) -> &'static str {
        match self {
            Screen::Pool => "#/pool",
            Screen::Lookup => "#/lookup",
            Screen::Settings => "#/settings",
            Screen::Attention => "#/attention",
            Screen::Line => "#/line",
            Screen::Audit => "#/audit",
            Screen::Products => "#/admin/products",
            Screen::Locations => "#/admin/locations",
            Screen::ApiKeys => "#/admin/api-keys",
            Screen::Partners => "#/admin/partners",
            Screen::Users => "#/admin/users",
            Screen::DataProtection => "#/admin/data-protection",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Pool => "Serial number pool",
            Screen::Lookup => "Unit lookup",
            Screen::Settings => "What this device keeps",
            Screen::Attention => "Needs attention",
            Screen::Line => "Packaging line",
            Screen::Audit => "Audit trail",
            Screen::Products => "Products",
            Screen::Locations => "Locations",
            Screen::ApiKeys => "API keys",
            Screen::Partners => "Partners",
            Screen::Users => "Users",
            Screen::DataProtection => "Data protection",
        }
    }

    /// Whether a role may use an administration screen: the server's permissions (`server/src/auth/role.rs`)
    /// decide; the app only leaves out the tabs a role would be refused on. Products and locations are
    /// `ManageCatalog` (supervisors and admins); users, keys, partners and data protection are admins'.
    pub fn administered_by(self, role: &str) -> bool {
        match self {
            Screen::Products | Screen::Locations => matches!(role, "supervisor" | "admin"),
            Screen::Users | Screen::ApiKeys | Screen::Partners | Screen::DataProtection => role == "admin",
            _ => false,
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

/// Whether a role reads the audit trail: the server's `Permission::Audit` (`server/src/auth/role.rs`), which
/// decides; the app only leaves the screen out for the others.
pub fn audits(role: &str) -> bool {
    matches!(role, "auditor" | "quality" | "admin")
}

#[component]
pub fn Nav(screen: ReadSignal<Screen>, role: Signal<String>) -> impl IntoView {
    let link = move |target: Screen, title: &'static str, current: fn(Screen, Screen) -> bool| {
        view! {
            <a href=target.hash() class="nav-link" aria-current=move || current(screen.get(), target).then_some("page")>
                {title}
            </a>
        }
    };
    view! {
        <nav class="app-nav" aria-label="Screens">
            {move || {
                let role = role.get();
                let admin = Screen::ADMIN.into_iter().find(|tab| tab.administered_by(&role));
                Screen::NAV
                    .into_iter()
                    .chain(audits(&role).then_some(Screen::Audit))
                    .map(|target| link(target, target.title(), |shown, target| shown == target))
                    .chain(admin.map(|first| link(first, "Administration", |shown, _| Screen::ADMIN.contains(&shown))))
                    .collect_view()
            }}
        </nav>
    }
}
