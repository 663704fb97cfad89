//! The form that places a legal hold: on a whole product, one lot of it or one unit by its serial, and why.
//! A keyboard-wedge scanner ends a scan with Enter: Enter in the lot or serial field reads a pack's code into
//! the form (product, lot, serial) and moves on to the reason, never sending the form half filled.

use super::admin_parts::{outcome_view, Outcome};
use crate::api;
use crate::hold_form::{HoldDraft, HOLD_SCOPES};
use crate::model::ProductRecord;
use crate::retention_view::{in_sentence, named_product, scope_words};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `on_placed` is told what the new hold covers, in words.
#[component]
pub fn PlaceHoldForm(products: RwSignal<Vec<ProductRecord>>, on_placed: Callback<String>) -> impl IntoView {
    let draft = RwSignal::new(HoldDraft::default());
    let outcome = RwSignal::new(Outcome::None);
    let reason_field = NodeRef::<Input>::new();
    // The lot or serial field is drawn again only when the scope changes, not on each keystroke.
    let scope = Memo::new(move |_| draft.with(|d| d.scope.clone()));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = match draft.with_untracked(HoldDraft::body) {
            Ok(body) => body,
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::place_hold(&body).await {
                Ok(hold) => {
                    outcome.set(Outcome::None);
                    draft.update(|d| (d.lot, d.serial, d.reason) = Default::default());
                    let covers = products.with_untracked(|list| scope_words(hold.get("scope").unwrap_or(&hold), list));
                    on_placed.run(in_sentence(&covers));
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    // Enter in the lot or serial field: a scanned pack code fills the form; what was typed stays as it is.
    let scanned = move |event: leptos::ev::KeyboardEvent| {
        if event.key() != "Enter" {
            return;
        }
        event.prevent_default();
        let typed = event_target_value(&event);
        let filled = products.with_untracked(|list| {
            let mut filled = draft.get_untracked();
            filled.fill_from_scan(&typed, list).map(|read| read.then_some(filled))
        });
        match filled {
            Ok(Some(filled)) => draft.set(filled),
            Ok(None) => {}
            Err(message) => return outcome.set(Outcome::Failed(message)),
        }
        outcome.set(Outcome::None);
        if let Some(reason) = reason_field.get_untracked() {
            let _ = reason.focus();
        }
    };
    let scope_choice = move |(name, words): (&'static str, &'static str)| {
        view! {
            <label class="choice">
                <input type="radio" name="hold-scope" value=name prop:checked=move || draft.with(|d| d.scope == name)
                    on:change=move |_| draft.update(|d| d.scope = name.to_owned())/>
                {words}
            </label>
        }
    };
    let scope_field = move || {
        let (id, label, placeholder, lot) = match scope.get().as_str() {
            "lot" => ("hold-lot", "Lot", "scan or type", true),
            "unit" => ("hold-serial", "Serial", "scan or type", false),
            _ => return None,
        };
        let shown = move || draft.with(|d| if lot { d.lot.clone() } else { d.serial.clone() });
        let typed = move |event: leptos::ev::Event| {
            let typed = event_target_value(&event);
            draft.update(|d| if lot { d.lot = typed } else { d.serial = typed });
        };
        Some(view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" autocomplete="off" autocapitalize="off" spellcheck="false" placeholder=placeholder
                    prop:value=shown on:input=typed on:keydown=scanned/>
            </div>
        })
    };
    view! {
        <form class="hold-form" aria-label="Place a legal hold" on:submit=submit>
            <h3>"Place a legal hold"</h3>
            <fieldset class="choices">
                <legend>"What it covers"</legend>
                {HOLD_SCOPES.into_iter().map(scope_choice).collect_view()}
            </fieldset>
            <div class="hold-fields">
                <div class="field">
                    <label for="hold-product">"Product"</label>
                    <select id="hold-product" prop:value=move || draft.with(|d| d.product_id.clone())
                        on:change=move |event| draft.update(|d| d.product_id = event_target_value(&event))>
                        <option value="">"Choose a product"</option>
                        {move || products.with(|list| list.iter().map(|product| {
                            let selected = draft.with_untracked(|d| d.product_id == product.id);
                            view! {
                                <option value=product.id.clone() selected=selected>
                                    {named_product(product)}
                                </option>
                            }
                        }).collect_view())}
                    </select>
                </div>
                {scope_field}
            </div>
            <div class="field">
                <label for="hold-reason">"Why (on the audit trail)"</label>
                <input id="hold-reason" type="text" node_ref=reason_field prop:value=move || draft.with(|d| d.reason.clone())
                    on:input=move |event| draft.update(|d| d.reason = event_target_value(&event))/>
            </div>
            <div class="form-buttons"><button type="submit">"Place the hold"</button></div>
            {outcome_view(outcome)}
        </form>
    }
}
