//! "Administration": the organisation's settings, one tab each (products, locations, users, API keys,
//! partners, data protection), for the roles the server lets change them. Settings live on the server: the
//! tabs read and write them while online and say so offline.

use super::admin_exports::DataProtectionTab;
use super::admin_keys::ApiKeysTab;
use super::admin_locations::LocationsTab;
use super::admin_partners::PartnersTab;
use super::admin_products::ProductsTab;
use super::admin_users::UsersTab;
use super::device::Device;
use super::nav::Screen;
use leptos::prelude::*;

#[component]
pub fn AdminPage(screen: Screen, role: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let tabs = Screen::ADMIN.into_iter().filter(|tab| tab.administered_by(&role)).map(|tab| {
        view! {
            <a href=tab.hash() class="tab" aria-current=(tab == screen).then_some("page")>{tab.title()}</a>
        }
    });
    let content = match screen {
        _ if !screen.administered_by(&role) => {
            view! { <p class="form-error" role="alert">"Your role does not change these settings: ask an admin."</p> }
                .into_any()
        }
        Screen::Locations => view! { <LocationsTab/> }.into_any(),
        Screen::ApiKeys => view! { <ApiKeysTab/> }.into_any(),
        Screen::Partners => view! { <PartnersTab/> }.into_any(),
        Screen::Users => view! { <UsersTab/> }.into_any(),
        Screen::DataProtection => view! { <DataProtectionTab/> }.into_any(),
        _ => view! { <ProductsTab/> }.into_any(),
    };
    view! {
        <section class="panel admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">"Administration"</h1>
            <nav class="tabs" aria-label="Settings">{tabs.collect_view()}</nav>
            {move || (!device.online.get()).then(|| view! {
                <p class="notice" role="status">"Settings are changed on the server: this device is offline."</p>
            })}
            {content}
        </section>
    }
}

/// What a tab shows after a call: nothing yet, the server's refusal, or what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    None,
    Failed(String),
    Done(String),
}

/// An outcome as a line under a form: an alert for a refusal, a status for what was done.
pub fn outcome_view(outcome: RwSignal<Outcome>) -> impl IntoView {
    move || match outcome.get() {
        Outcome::None => None,
        Outcome::Failed(message) => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
        Outcome::Done(message) => Some(view! { <p class="done" role="status">{message}</p> }.into_any()),
    }
}

/// A labelled text input bound to `value`.
pub fn text_input(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" prop:value=move || value.get() on:input=move |event| value.set(event_target_value(&event))/>
        </div>
    }
}

/// Asks the person to confirm what cannot be quietly undone (revoking a key, signing someone out).
pub fn confirmed(question: &str) -> bool {
    web_sys::window().and_then(|window| window.confirm_with_message(question).ok()).unwrap_or(false)
}
