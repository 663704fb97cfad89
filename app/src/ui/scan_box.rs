//! The scan box: a keyboard-wedge scanner or a person types into it, and the parsed elements show as they type.

use crate::lookup_key::PatternedProduct;
use crate::scan_view::{scan_view, ScanView, SEPARATOR_CHOICES};
use leptos::prelude::*;

/// `on_enter` receives the box's text when Enter is pressed — a keyboard-wedge scanner ends each scan with Enter.
/// `patterned`: the internal-code products whose serials are read alone (the lookup reads with the same ones).
#[component]
pub fn ScanBox(
    #[prop(into)] heading: String,
    #[prop(optional)] on_enter: Option<Callback<(String, Option<char>)>>,
    #[prop(optional)] patterned: Option<Signal<Vec<PatternedProduct>>>,
) -> impl IntoView {
    let (input, set_input) = signal(String::new());
    let (separator, set_separator) = signal(None::<char>);
    let view_of_input = Memo::new(move |_| {
        let patterned = patterned.map(|patterned| patterned.get()).unwrap_or_default();
        scan_view(&input.get(), separator.get(), &patterned)
    });

    view! {
        <section class="panel scan-panel" aria-labelledby="scan-heading">
            <h1 id="scan-heading">{heading}</h1>
            <div class="field">
                <label for="scan-input">"Scan or enter a code"</label>
                <input
                    id="scan-input"
                    class="scan-input"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    autofocus
                    placeholder="(01)09506000134352(21)ABC123 or a Digital Link"
                    prop:value=input
                    on:input=move |event| set_input.set(event_target_value(&event))
                    on:keydown=move |event: leptos::ev::KeyboardEvent| {
                        if event.key() == "Enter" {
                            event.prevent_default();
                            if let Some(on_enter) = on_enter {
                                on_enter.run((input.get_untracked(), separator.get_untracked()));
                            }
                        }
                    }
                />
            </div>
            <div class="field field-inline">
                <label for="separator-select">"Scanner sends GS as"</label>
                <select
                    id="separator-select"
                    on:change=move |event| {
                        let index: usize = event_target_value(&event).parse().unwrap_or(0);
                        set_separator.set(SEPARATOR_CHOICES.get(index).and_then(|(_, c)| *c));
                    }
                >
                    {SEPARATOR_CHOICES
                        .iter()
                        .enumerate()
                        .map(|(index, (label, _))| view! { <option value=index.to_string()>{*label}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="scan-result" aria-live="polite">
                {move || match view_of_input.get() {
                    ScanView::Empty => view! {
                        <p class="hint">"Scan a GS1 DataMatrix, type a code in brackets, or paste a Digital Link."</p>
                    }
                    .into_any(),
                    ScanView::Parsed { rows, bracketed } => view! {
                        <table class="elements">
                            <caption>"Parsed elements"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"AI"</th>
                                    <th scope="col">"Meaning"</th>
                                    <th scope="col">"Value"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|row| view! {
                                        <tr>
                                            <td class="ai">{format!("({})", row.ai)}</td>
                                            <td>{row.title}</td>
                                            <td class="value">{row.value}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                        <p class="bracketed">"Human-readable: " <code>{bracketed}</code></p>
                    }
                    .into_any(),
                    ScanView::PatternedSerial { serial, products } => view! {
                        <p class="bracketed">
                            "Serial " <code>{serial}</code> " of " {products.join(" or ")}
                        </p>
                    }
                    .into_any(),
                    ScanView::Invalid { message, marked } => view! {
                        <div class="scan-error" role="alert">
                            <p class="error-message">{message}</p>
                            {marked.map(|(before, at, after)| view! {
                                <p class="marked"><code>{before}<mark>{at}</mark>{after}</code></p>
                            })}
                        </div>
                    }
                    .into_any(),
                }}
            </div>
        </section>
    }
}
