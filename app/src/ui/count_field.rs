//! "How many serials": the count field of the pool forms, a number typed on a tablet's numeric keypad.

use crate::pool_import::group_thousands;
use leptos::prelude::*;

#[component]
pub fn CountField(id: String, max: u32, count: RwSignal<String>) -> impl IntoView {
    view! {
        <label for=id.clone()>"How many serials"</label>
        <input
            id=id
            type="text"
            inputmode="numeric"
            autocomplete="off"
            placeholder=format!("1 to {}", group_thousands(u64::from(max)))
            prop:value=count
            on:input=move |event| count.set(event_target_value(&event))
        />
    }
}
