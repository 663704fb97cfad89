//! The partners tab: the organisations in a partnership with this one, and (for a brand owner) the most
//! serials one assignment may give each.

use super::admin_invitations::InvitationsPanel;
use super::admin_parts::{list_reader, outcome_view, Outcome};
use crate::admin_view::{count_field, field, partner_kind, serials_limit};
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn PartnersTab() -> impl IntoView {
    let partners = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let load = list_reader(partners, outcome, api::partner_list);
    let row = move |partner: &Value| {
        let id = field(partner, "id");
        let partner_name = field(partner, "name");
        // A CMO does not see its brand owner's limit on it: nothing to set then.
        let owned = partner.get("max_serials_per_request").is_some_and(|max| !max.is_null());
        let limit = RwSignal::new(count_field(partner, "max_serials_per_request"));
        let label = format!("Serials per assignment for {partner_name}");
        let save = move |_| {
            let id = id.clone();
            let max = match serials_limit(&limit.get_untracked()) {
                Ok(max) => max,
                Err(message) => return outcome.set(Outcome::Failed(message)),
            };
            spawn_local(async move {
                outcome.set(match api::set_partner_limit(&id, max).await {
                    Ok(saved) => Outcome::Done(format!(
                        "One assignment may now give {} up to {} serials.",
                        field(&saved, "name"),
                        count_field(&saved, "max_serials_per_request")
                    )),
                    Err(error) => Outcome::Failed(error.sentence()),
                });
                load();
            });
        };
        view! {
            <tr>
                <td>{partner_name}</td>
                <td>{partner_kind(&field(partner, "kind"))}</td>
                <td>
                    {if owned {
                        view! {
                            <span class="inline-edit">
                                <input type="text" inputmode="numeric" aria-label=label
                                    prop:value=move || limit.get() on:input=move |event| limit.set(event_target_value(&event))/>
                                <button type="button" class="secondary small" on:click=save>"Set"</button>
                            </span>
                        }.into_any()
                    } else {
                        view! { <span class="hint">"Set by the brand owner"</span> }.into_any()
                    }}
                </td>
            </tr>
        }
    };
    view! {
        <InvitationsPanel on_accepted=Callback::new(move |_| load())/>
        {outcome_view(outcome)}
        <div class="table-scroll">
            <table class="pool-table">
                <caption class="visually-hidden">"Partners"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Organisation"</th>
                        <th scope="col">"Kind"</th>
                        <th scope="col">"Serials per assignment"</th>
                    </tr>
                </thead>
                <tbody>{move || partners.with(|list| list.iter().map(row).collect_view())}</tbody>
            </table>
        </div>
        {move || partners.with(Vec::is_empty).then(|| view! { <p class="hint">"No partnerships yet."</p> })}
    }
}
