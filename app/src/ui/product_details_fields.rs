//! The product form's details: attributes as rows of name and value (added and removed), the product's own
//! retention or the organisation's, and the yield range its packaging orders are expected to land in.

use super::retention_fields::RetentionFields;
use crate::product_details_form::DetailsDraft;
use crate::product_form::ProductDraft;
use leptos::prelude::*;

#[component]
pub fn ProductDetailsFields(draft: RwSignal<ProductDraft>) -> impl IntoView {
    // The rows are drawn again only when one is added or removed, not on each keystroke.
    let rows = Memo::new(move |_| draft.with(|d| d.details.attributes.len()));
    let own_retention = Memo::new(move |_| draft.with(|d| d.details.own_retention));
    let attribute = move |at: usize| {
        let get = move |name: bool| {
            draft.with(|d| d.details.attributes.get(at).map(|(n, v)| if name { n.clone() } else { v.clone() }))
        };
        let set = move |name: bool, typed: String| {
            draft.update(|d| {
                if let Some(row) = d.details.attributes.get_mut(at) {
                    if name {
                        row.0 = typed
                    } else {
                        row.1 = typed
                    }
                }
            })
        };
        let remove = move |_| {
            draft.update(|d| {
                if at < d.details.attributes.len() {
                    d.details.attributes.remove(at);
                }
            })
        };
        let number = at + 1;
        view! {
            <li class="attribute">
                <input type="text" aria-label=format!("Attribute {number}: name") placeholder="e.g. strength"
                    prop:value=move || get(true).unwrap_or_default() on:input=move |event| set(true, event_target_value(&event))/>
                <input type="text" aria-label=format!("Attribute {number}: value") placeholder="e.g. 20 mg"
                    prop:value=move || get(false).unwrap_or_default() on:input=move |event| set(false, event_target_value(&event))/>
                <button type="button" class="secondary small" aria-label=format!("Remove attribute {number}") on:click=remove>
                    "Remove"
                </button>
            </li>
        }
    };
    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&DetailsDraft) -> &String,
                     set: fn(&mut DetailsDraft, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" inputmode="numeric" prop:value=move || draft.with(|d| get(&d.details).clone())
                    on:input=move |event| draft.update(|d| set(&mut d.details, event_target_value(&event)))/>
            </div>
        }
    };
    let own = move |value: bool, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="retention-kind" prop:checked=move || draft.with(|d| d.details.own_retention == value)
                    on:change=move |_| draft.update(|d| d.details.own_retention = value)/>
                {label}
            </label>
        }
    };
    view! {
        <fieldset class="details">
            <legend>"Attributes"</legend>
            <ul class="attributes">{move || (0..rows.get()).map(attribute).collect_view()}</ul>
            <button type="button" class="secondary small"
                on:click=move |_| draft.update(|d| d.details.attributes.push((String::new(), String::new())))>
                "Add an attribute"
            </button>
        </fieldset>
        <fieldset class="details">
            <legend>"History retention"</legend>
            <div class="choices">
                {own(false, "The organisation's default")}
                {own(true, "This product's own")}
            </div>
            {move || own_retention.get().then(|| view! {
                <RetentionFields prefix="retention" draft=Signal::derive(move || draft.with(|d| d.details.retention.clone()))
                    change=Callback::new(move |(which, typed)| draft.update(|d| d.details.retention.set(which, typed)))/>
            })}
        </fieldset>
        <fieldset class="details">
            <legend>"Yield range of a packaging order (percent of its quantity; empty: none)"</legend>
            <div class="editor-fields">
                {text("yield-min", "Lowest %", |d| &d.yield_min, |d, v| d.yield_min = v)}
                {text("yield-max", "Highest %", |d| &d.yield_max, |d, v| d.yield_max = v)}
            </div>
        </fieldset>
    }
}
