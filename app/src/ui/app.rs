//! The app shell: opens the device's database, decides between signing in and working, lays out the screens.

use super::app_state;
use super::attention_page::AttentionPage;
use super::device::Device;
use super::escalations_panel::EscalationsPanel;
use super::line_page::LinePage;
use super::lookup_page::LookupPage;
use super::name_device::NameDevice;
use super::nav::{use_screen, Nav, Screen};
use super::online_badge::{use_online, OnlineBadge};
use super::pool_page::PoolPage;
use super::scan_box::ScanBox;
use super::session_ended::SessionEnded;
use super::settings_page::SettingsPage;
use super::sign_in::SignInPage;
use super::sync_badge::SyncBadge;
use super::unit_state::{self, Choice};
use crate::lookup_key::patterned_products;
use crate::sync_wire::KeepMode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serialtrack_shared::unit::UnitCommand;

#[component]
pub fn App() -> impl IntoView {
    let online = use_online();
    let screen = use_screen();
    let device = Device::new(online);
    // The pool's action forms reach the device's state from here rather than through every layer above them.
    provide_context(device);
    spawn_local(app_state::start(device));

    let sign_in = {
        Callback::new(move |(username, password): (String, String)| {
            spawn_local(app_state::sign_in(device, username, password));
        })
    };
    let sign_out = { move |_| spawn_local(app_state::sign_out(device)) };
    let refresh = { move |_| spawn_local(app_state::refresh(device)) };
    let lookup = {
        Callback::new(move |(input, separator): (String, Option<char>)| {
            spawn_local(app_state::look_up(device, input, separator));
        })
    };
    let open = Callback::new(move |key| spawn_local(app_state::open_unit(device, key)));
    let act = Callback::new(move |command: UnitCommand| spawn_local(unit_state::act(device, command)));
    let choose =
        Callback::new(move |(op_id, choice): (String, Choice)| spawn_local(unit_state::resolve(device, op_id, choice)));
    let keep = Callback::new(move |mode: KeepMode| spawn_local(unit_state::set_keep_mode(device, mode)));
    let sync = device.sync;
    let Device { user, products, last_refreshed, notice, sign_in_error, busy, lookup: lookup_state, ready, .. } =
        device;

    // The internal-code products whose serials the scan box reads alone.
    let patterned = Signal::derive(move || products.with(|products| patterned_products(products)));
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <span class="brand">"serialtrack"</span>
            <Show when=move || user.get().is_some()>
                <Nav screen=screen role=Signal::derive(move || user.with(|user| user.as_ref().map(|user| user.role.clone()).unwrap_or_default()))/>
            </Show>
            <div class="header-status">
                <OnlineBadge online=online/>
                <Show when=move || user.get().is_some()>
                    <SyncBadge status=sync.status.read_only() waiting=sync.waiting.read_only() attention=sync.attention.read_only()/>
                    <span class="last-refreshed">
                        {move || match last_refreshed.get() {
                            Some(at) => format!("Data from {}", crate::history_view::shown_minute(&at)),
                            None => "Not refreshed yet".to_owned(),
                        }}
                    </span>
                    <button type="button" class="secondary small" on:click=refresh disabled=move || !online.get()>
                        "Refresh"
                    </button>
                    <span class="user">{move || user.get().map(|u| format!("{} · {}", u.display_name, u.role))}</span>
                    <button type="button" class="secondary small" on:click=sign_out>"Sign out"</button>
                </Show>
            </div>
        </header>
        <main class="app-main" id="main">
            {move || notice.get().map(|message| view! { <p class="notice" role="status">{message}</p> })}
            <Show when=move || user.get().is_some()>
                <NameDevice/>
            </Show>
            {move || {
                let ended = device.session_ended.get() || sync.status.with(|status| status.signed_out);
                let user = user.get().filter(|_| ended)?;
                Some(view! {
                    <SessionEnded
                        user=user
                        waiting=sync.waiting.read_only()
                        on_sign_in=sign_in
                        error=sign_in_error.read_only()
                        busy=busy.read_only()
                    />
                })
            }}
            {move || {
                if !ready.get() {
                    view! { <p class="hint">"Opening this device's data…"</p> }.into_any()
                } else if user.get().is_none() {
                    view! {
                        <SignInPage on_sign_in=sign_in error=sign_in_error.read_only() busy=busy.read_only()/>
                        <ScanBox heading="Check a code"/>
                    }
                    .into_any()
                } else {
                    match screen.get() {
                        Screen::Pool => view! { <PoolPage products=products.into()/> }.into_any(),
                        Screen::Lookup => view! {
                            <LookupPage
                                state=lookup_state.read_only()
                                on_lookup=lookup
                                on_open=open
                                on_act=act
                                action_error=sync.action_error
                                patterned=patterned
                            />
                        }
                        .into_any(),
                        Screen::Settings => view! {
                            <SettingsPage
                                keep=sync.keep.read_only()
                                progress=sync.progress.read_only()
                                data_from=sync.data_from.read_only()
                                fill_stopped_at=sync.fill_stopped_at.read_only()
                                on_keep=keep
                            />
                        }
                        .into_any(),
                        Screen::Line => view! { <LinePage/> }.into_any(),
                        Screen::Audit | Screen::Products | Screen::Locations | Screen::Users | Screen::ApiKeys
                        | Screen::Partners | Screen::DataProtection | Screen::Retention => {
                            // The audit trail and administration are a bundle of their own (`admin_app.rs`): a
                            // link opens them there.
                            // Served this page at /admin/, the server has no such bundle: going there again
                            // would only come back here.
                            let location = web_sys::window().map(|window| window.location());
                            let Some(location) = location.filter(|here| {
                                !here.pathname().is_ok_and(|path| path.starts_with("/admin"))
                            }) else {
                                return view! {
                                    <p class="form-error" role="alert">
                                        "Administration and the audit trail are not built on this server: run \
                                         scripts/build-app there."
                                    </p>
                                }
                                .into_any();
                            };
                            let _ = location.assign(&format!("/admin/{}", screen.get().hash()));
                            view! { <p class="hint">"Opening Administration…"</p> }.into_any()
                        }
                        Screen::Attention => {
                            // Supervisors, quality and admins also settle what others escalated.
                            let settles = user
                                .get_untracked()
                                .is_some_and(|user| matches!(user.role.as_str(), "supervisor" | "quality" | "admin"));
                            view! {
                                <AttentionPage items=sync.attention.read_only() on_choice=choose/>
                                {settles.then(|| view! { <EscalationsPanel online=online/> })}
                            }
                            .into_any()
                        }
                    }
                }
            }}
        </main>
    }
}
