//! A retention policy's fields: years kept (empty: for ever), years until archived (empty: never) and what they
//! are counted from. The product form edits a product's own policy with them, the Retention tab the
//! organisation's default; both hold a `RetentionDraft` (`product_details_form.rs`).

use crate::product_details_form::{RetentionDraft, RetentionField, COUNTED_FROM};
use leptos::prelude::*;

/// `prefix` makes the fields' ids (`{prefix}-keep`, `{prefix}-archive`, `{prefix}-from`); `change` is handed
/// what was typed into which field. `disabled`: shown, not changed (a role that only reads).
#[component]
pub fn RetentionFields(
    prefix: &'static str,
    #[prop(into)] draft: Signal<RetentionDraft>,
    change: Callback<(RetentionField, String)>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let text = move |which: RetentionField, label: &'static str| {
        let id = match which {
            RetentionField::KeepYears => format!("{prefix}-keep"),
            _ => format!("{prefix}-archive"),
        };
        let shown = move || {
            draft.with(
                |d| if which == RetentionField::KeepYears { d.keep_years.clone() } else { d.archive_years.clone() },
            )
        };
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id type="text" inputmode="numeric" disabled=disabled prop:value=shown
                    on:input=move |event| change.run((which, event_target_value(&event)))/>
            </div>
        }
    };
    let from_id = format!("{prefix}-from");
    view! {
        <div class="retention-fields">
            {text(RetentionField::KeepYears, "Kept for (years; empty: for ever)")}
            {text(RetentionField::ArchiveYears, "Archived after (years; empty: never)")}
            <div class="field">
                <label for=from_id.clone()>"Counted from"</label>
                <select id=from_id disabled=disabled prop:value=move || draft.with(|d| d.counted_from.clone())
                    on:change=move |event| change.run((RetentionField::CountedFrom, event_target_value(&event)))>
                    {COUNTED_FROM.iter().map(|(name, words)| view! { <option value=*name>{*words}</option> }).collect_view()}
                </select>
            </div>
        </div>
    }
}
