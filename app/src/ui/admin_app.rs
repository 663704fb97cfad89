//! The administration bundle's shell (`app/admin/index.html`, served at `/admin/`). Settings are changed
//! online only, and the audit trail is read online only, so they live in a bundle of their own that the
//! tablets' app does not download (README.md, "The app's weight"). The session is the app's own (the same cookie); who is signed in comes from `GET /me`.

use super::admin_page::AdminPage;
use super::audit_page::AuditTrailPage;
use super::nav::{audits, use_screen, Screen};
use super::online_badge::{use_online, OnlineBadge};
use crate::admin_view::field;
use crate::api::{self, ApiError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn AdminApp() -> impl IntoView {
    let online = use_online();
    let screen = use_screen();
    let me = RwSignal::new(None::<Result<Value, ApiError>>);
    spawn_local(async move { me.set(Some(api::me().await)) });
    let role = move || me.with(|me| me.as_ref().and_then(|me| me.as_ref().ok()).map(|me| field(me, "role")));
    let who = move || {
        me.with(|me| match me {
            Some(Ok(me)) => format!("{} · {}", field(me, "display_name"), field(me, "role")),
            _ => String::new(),
        })
    };
    let content = move || match me.get() {
        None => view! { <p class="hint">"Reading who is signed in…"</p> }.into_any(),
        Some(Err(ApiError::SignedOut)) => view! {
            <section class="panel">
                <h1>"Administration"</h1>
                <p>"Sign in first; then come back here from Administration."</p>
                <a class="button-link" href="/">"Sign in"</a>
            </section>
        }
        .into_any(),
        Some(Err(error)) => view! { <p class="form-error" role="alert">{error.sentence()}</p> }.into_any(),
        Some(Ok(me)) if screen.get() == Screen::Audit && audits(&field(&me, "role")) => {
            view! { <AuditTrailPage online=online/> }.into_any()
        }
        Some(Ok(me)) => {
            let shown = screen.get();
            let role = field(&me, "role");
            let first = Screen::first_administered(&role).unwrap_or(Screen::Products);
            let shown = if Screen::ADMIN.contains(&shown) { shown } else { first };
            view! { <AdminPage screen=shown role=role online=online/> }.into_any()
        }
    };
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href="/">"serialtrack"</a>
            <nav class="app-nav" aria-label="Screens">
                <a class="nav-link" href="/#/pool">"Back to the app"</a>
                {move || role().filter(|role| audits(role)).map(|_| view! {
                    <a class="nav-link" href=Screen::Audit.hash()
                        aria-current=move || (screen.get() == Screen::Audit).then_some("page")>"Audit trail"</a>
                })}
                <a class="nav-link" aria-current=move || (screen.get() != Screen::Audit).then_some("page")
                    href=move || role().and_then(|role| Screen::first_administered(&role)).unwrap_or(Screen::Products).hash()>
                    "Administration"
                </a>
            </nav>
            <div class="header-status">
                <OnlineBadge online=online/>
                <span class="user">{who}</span>
            </div>
        </header>
        <main id="main" class="app-main">{content}</main>
    }
}
