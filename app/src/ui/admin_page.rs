//! "Administration": the organisation's settings, one tab each (products, locations, users, API keys,
//! partners, data protection, retention), for the roles the server lets change them (retention also for those
//! who only read it). Settings live on the server: the tabs read and write them while online and say so
//! offline.

use super::admin_exports::DataProtectionTab;
use super::admin_keys::ApiKeysTab;
use super::admin_locations::LocationsTab;
use super::admin_partners::PartnersTab;
use super::admin_products::ProductsTab;
use super::admin_retention::RetentionTab;
use super::admin_users::UsersTab;
use super::nav::Screen;
use leptos::prelude::*;

#[component]
pub fn AdminPage(screen: Screen, role: String, online: ReadSignal<bool>) -> impl IntoView {
    let tabs = Screen::ADMIN.into_iter().filter(|tab| tab.administered_by(&role)).map(|tab| {
        view! {
            <a href=tab.hash() class="tab" aria-current=(tab == screen).then_some("page")>{tab.tab_title()}</a>
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
        Screen::Retention => view! { <RetentionTab role=role.clone()/> }.into_any(),
        _ => view! { <ProductsTab/> }.into_any(),
    };
    view! {
        <section class="panel admin" aria-labelledby="admin-heading">
            <h1 id="admin-heading">"Administration"</h1>
            <nav class="tabs" aria-label="Settings">{tabs.collect_view()}</nav>
            {move || (!online.get()).then(|| view! {
                <p class="notice" role="status">"Settings are changed on the server: this device is offline."</p>
            })}
            {content}
        </section>
    }
}
