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
    Retention,
}

impl Screen {
    pub const ALL: [Screen; 13] = [
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
        Screen::Retention,
    ];
    /// The administration screens, in the order of their tabs.
    pub const ADMIN: [Screen; 7] = [
        Screen::Products,
        Screen::Locations,
        Screen::Users,
        Screen::ApiKeys,
        Screen::Partners,
        Screen::DataProtection,
        Screen::Retention,
    ];
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
            Screen::Retention => "#/admin/retention",
        }
    }

    /// A screen's title in the tablets' app: an administration screen is "Administration" there (its tabs are
    /// named by [`Screen::tab_title`], which only the administration bundle carries).
    pub fn title(self) -> &'static str {
        match self {
            Screen::Pool => "Serial number pool",
            Screen::Lookup => "Unit lookup",
            Screen::Settings => "What this device keeps",
            Screen::Attention => "Needs attention",
            Screen::Line => "Packaging line",
            Screen::Audit => "Audit trail",
            _ => "Administration",
        }
    }

    /// An administration tab's title.
    pub fn tab_title(self) -> &'static str {
        match self {
            Screen::Products => "Products",
            Screen::Locations => "Locations",
            Screen::ApiKeys => "API keys",
            Screen::Partners => "Partners",
            Screen::Users => "Users",
            Screen::DataProtection => "Data protection",
            Screen::Retention => "Retention",
            _ => self.title(),
        }
    }

    /// Whether a role may use an administration screen: the server's permissions (`server/src/auth/role.rs`)
    /// decide; the app only leaves out the tabs a role would be refused on. Products and locations are
    /// `ManageCatalog` (supervisors and admins); users, keys, partners and data protection are admins'; retention
    /// is read with `Audit` (auditors, quality, admins), who may change what there the tab itself says.
    pub fn administered_by(self, role: &str) -> bool {
        match self {
            Screen::Products | Screen::Locations => matches!(role, "supervisor" | "admin"),
            Screen::Users | Screen::ApiKeys | Screen::Partners | Screen::DataProtection => role == "admin",
            Screen::Retention => audits(role),
            _ => false,
        }
    }

    /// The first administration tab a role has, if any.
    pub fn first_administered(role: &str) -> Option<Screen> {
        Screen::ADMIN.into_iter().find(|tab| tab.administered_by(role))
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
                let admin = Screen::first_administered(&role).is_some();
                Screen::NAV
                    .into_iter()
                    .map(|target| link(target, target.title(), |shown, target| shown == target))
                    .chain(audits(&role).then(|| view! {
                        // The audit trail is in the administration bundle, online only, like the settings.
                        <a href="/admin/#/audit" class="nav-link">"Audit trail"</a>
                    }))
                    .chain(admin.then(|| view! {
                        // Administration is its own bundle, online only (`admin_app.rs`): a page of its own,
                        // which opens the role's first tab.
                        <a href="/admin/" class="nav-link">"Administration"</a>
                    }))
                    .collect_view()
            }}
        </nav>
    }
}
