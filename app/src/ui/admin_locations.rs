//! The locations tab: sites, warehouses and lines with their GLN; added and renamed here.

use super::admin_parts::{list_reader, outcome_view, text_input, Outcome};
use crate::admin_view::{field, location_body, time_field};
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn LocationsTab() -> impl IntoView {
    let locations = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    // The location being changed (its id), or `None` while the form adds one.
    let editing = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let gln = RwSignal::new(String::new());
    let load = list_reader(locations, outcome, api::locations);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = match location_body(&name.get_untracked(), &gln.get_untracked()) {
            Ok(body) => body,
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::save_location(editing.get_untracked().as_deref(), &body).await {
                Ok(saved) => {
                    outcome.set(Outcome::Done(format!("{} is saved.", field(&saved, "name"))));
                    editing.set(None);
                    name.set(String::new());
                    gln.set(String::new());
                    load();
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let row = move |location: &Value| {
        let (id, shown_name, shown_gln) = (field(location, "id"), field(location, "name"), field(location, "gln"));
        let label = format!("Change {shown_name}");
        let change = {
            let (shown_name, shown_gln) = (shown_name.clone(), shown_gln.clone());
            move |_| {
                editing.set(Some(id.clone()));
                name.set(shown_name.clone());
                gln.set(shown_gln.clone());
                outcome.set(Outcome::None);
            }
        };
        view! {
            <tr>
                <td>{shown_name}</td>
                <td class="code">{shown_gln}</td>
                <td>{time_field(location, "created_at", "")}</td>
                <td><button type="button" class="secondary small" aria-label=label on:click=change>"Change"</button></td>
            </tr>
        }
    };
    view! {
        <form class="action-form" aria-label="Location" on:submit=submit>
            <h4>{move || if editing.get().is_some() { "Change the location" } else { "Add a location" }}</h4>
            {text_input("location-name", "Name", name)}
            {text_input("location-gln", "GLN (13 digits, optional)", gln)}
            <div class="form-buttons">
                <button type="submit">{move || if editing.get().is_some() { "Save changes" } else { "Add the location" }}</button>
                {move || editing.get().map(|_| view! {
                    <button type="button" class="secondary" on:click=move |_| {
                        editing.set(None);
                        name.set(String::new());
                        gln.set(String::new());
                    }>"Cancel"</button>
                })}
            </div>
            {outcome_view(outcome)}
        </form>
        <div class="table-scroll">
            <table class="pool-table">
                <caption class="visually-hidden">"Locations"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"GLN"</th>
                        <th scope="col">"Added"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{move || locations.with(|list| list.iter().map(row).collect_view())}</tbody>
            </table>
        </div>
    }
}
