//! A product's pool actions, for the roles that manage the pool: one button per action opens its form.
//! Each form talks to the server, so it needs the network; the counts it changes are kept on the device.

use super::assign_form::AssignForm;
use super::device::Device;
use super::generate_form::GenerateForm;
use super::import_form::ImportForm;
use super::pool_state::role;
use super::release_form::ReleaseForm;
use crate::pool_actions::PoolActions;
use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Generate,
    Import,
    Assign,
    Release,
}

impl Action {
    fn label(self) -> &'static str {
        match self {
            Action::Generate => "Generate serials",
            Action::Import => "Import serials",
            Action::Assign => "Assign serials",
            Action::Release => "Release serials",
        }
    }
}

#[component]
pub fn PoolActionsPanel(product_id: String, serial_source: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let allowed = PoolActions::for_user(&role(device), &serial_source);
    let offered: Vec<Action> = [
        (allowed.generate, Action::Generate),
        (allowed.import, Action::Import),
        (allowed.assign, Action::Assign),
        (allowed.release, Action::Release),
    ]
    .into_iter()
    .filter_map(|(allowed, action)| allowed.then_some(action))
    .collect();
    if offered.is_empty() {
        return None;
    }
    let chosen = RwSignal::new(None::<Action>);
    let heading_id = format!("pool-actions-{product_id}");
    let labelled_by = heading_id.clone();
    Some(view! {
        <section class="pool-actions" aria-labelledby=labelled_by>
            <h3 id=heading_id>"Pool actions"</h3>
            <div class="action-buttons">
                {offered
                    .into_iter()
                    .map(|action| view! {
                        <button
                            type="button"
                            class="secondary"
                            aria-pressed=move || (chosen.get() == Some(action)).to_string()
                            on:click=move |_| chosen.update(|open| {
                                *open = if *open == Some(action) { None } else { Some(action) }
                            })
                        >
                            {action.label()}
                        </button>
                    })
                    .collect_view()}
            </div>
            {move || (!device.online.get()).then(|| view! {
                <p class="hint">"These actions need the network: connect, then try again."</p>
            })}
            {move || {
                let product_id = product_id.clone();
                chosen.get().map(|action| match action {
                    Action::Generate => view! { <GenerateForm product_id=product_id/> }.into_any(),
                    Action::Import => view! { <ImportForm product_id=product_id/> }.into_any(),
                    Action::Assign => view! { <AssignForm product_id=product_id/> }.into_any(),
                    Action::Release => view! { <ReleaseForm product_id=product_id/> }.into_any(),
                })
            }}
        </section>
    })
}
