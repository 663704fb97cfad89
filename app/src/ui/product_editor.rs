//! The form that adds a product or changes one: its code (fixed once the product exists), name, where its
//! serials come from, its serial scheme and its workflow. Checked on the device by the shared rules; the
//! server decides.

use super::product_details_fields::ProductDetailsFields;
use super::workflow_grid::WorkflowGrid;
use crate::api;
use crate::product_form::{ProductDraft, ALPHABETS, CODE_SCHEMAS, SERIAL_SOURCES};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ProductEditor(draft: ProductDraft, on_saved: Callback<String>, on_cancel: Callback<()>) -> impl IntoView {
    let adding = draft.id.is_none();
    let heading = if adding { "Add a product".to_owned() } else { format!("Change {}", draft.name) };
    let draft = RwSignal::new(draft);
    let error = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let form = draft.get_untracked();
        let body = match form.body() {
            Ok(body) => body,
            Err(message) => return error.set(Some(message)),
        };
        error.set(None);
        saving.set(true);
        spawn_local(async move {
            match api::save_product(form.id.as_deref(), &body).await {
                Ok(_) => on_saved.run(format!("{} is saved.", form.name.trim())),
                Err(refused) => error.set(Some(refused.sentence())),
            }
            saving.set(false);
        });
    };
    // A text field of the draft: `get` reads it, `set` writes what was typed.
    let text = move |id: &'static str,
                     label: &'static str,
                     get: fn(&ProductDraft) -> &String,
                     set: fn(&mut ProductDraft, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="text" prop:value=move || draft.with(|d| get(d).clone())
                    on:input=move |event| draft.update(|d| set(d, event_target_value(&event)))/>
            </div>
        }
    };
    let choices = move |id: &'static str,
                        label: &'static str,
                        list: &'static [(&'static str, &'static str)],
                        get: fn(&ProductDraft) -> &String,
                        set: fn(&mut ProductDraft, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <select id=id prop:value=move || draft.with(|d| get(d).clone())
                    on:change=move |event| draft.update(|d| set(d, event_target_value(&event)))>
                    {list.iter().map(|(name, words)| view! { <option value=*name>{*words}</option> }).collect_view()}
                </select>
            </div>
        }
    };
    let code = if adding {
        view! {
            {choices("product-schema", "Kind of code", &CODE_SCHEMAS, |d| &d.code_schema, |d, v| d.code_schema = v)}
            {text("product-code", "Product code", |d| &d.code, |d, v| d.code = v)}
        }
        .into_any()
    } else {
        let code = draft.with_untracked(|d| d.code.clone());
        view! { <p class="field">"Product code "<strong class="code">{code}</strong>" (fixed: units carry it)"</p> }
            .into_any()
    };
    let kind = move |patterned: bool, label: &'static str| {
        view! {
            <label class="choice">
                <input type="radio" name="scheme-kind" prop:checked=move || draft.with(|d| d.patterned == patterned)
                    on:change=move |_| draft.update(|d| d.patterned = patterned)/>
                {label}
            </label>
        }
    };
    let label = heading.clone();
    // The scheme's fields are drawn again only when its kind changes: drawn on each keystroke, they would lose
    // the focus of the field being typed in.
    let patterned = Memo::new(move |_| draft.with(|d| d.patterned));
    view! {
        <form class="panel editor" aria-label=label on:submit=submit>
            <h2>{heading}</h2>
            <div class="editor-fields">
                {code}
                {text("product-name", "Name", |d| &d.name, |d, v| d.name = v)}
                {choices("product-source", "Serials from", &SERIAL_SOURCES, |d| &d.serial_source, |d, v| d.serial_source = v)}
            </div>
            <fieldset class="choices">
                <legend>"Serial scheme"</legend>
                {kind(false, "Random serials")}
                {kind(true, "A pattern with a counter")}
            </fieldset>
            {move || if patterned.get() {
                view! {
                    <div class="editor-fields">
                        {text("product-template", "Pattern, e.g. CM500-{YYYY}-{NNNN}", |d| &d.template, |d, v| d.template = v)}
                    </div>
                }.into_any()
            } else {
                view! {
                    <div class="editor-fields">
                        <div class="field">
                            <label for="product-alphabet">"Characters"</label>
                            <select id="product-alphabet" prop:value=move || draft.with(|d| d.alphabet.clone())
                                on:change=move |event| draft.update(|d| d.alphabet = event_target_value(&event))>
                                {ALPHABETS.iter().map(|(name, words)| view! { <option value=*name>{*words}</option> }).collect_view()}
                            </select>
                        </div>
                        {text("product-length", "Length", |d| &d.length, |d, v| d.length = v)}
                    </div>
                    <p class="hint">{move || draft.with(ProductDraft::room_words)}</p>
                }.into_any()
            }}
            <ProductDetailsFields draft=draft/>
            <WorkflowGrid draft=draft/>
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <div class="form-buttons">
                <button type="submit" disabled=move || saving.get()>{if adding { "Add the product" } else { "Save changes" }}</button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </form>
    }
}
