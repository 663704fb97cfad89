//! The products tab: the tenant's products (read from the server when the tab opens and after each save; the
//! tablets read the new settings on their next refresh), and the form that adds one or changes one.

use super::admin_parts::{list_reader, outcome_view, Outcome};
use super::product_editor::ProductEditor;
use crate::api;
use crate::model::ProductRecord;
use crate::product_form::{named, scheme_words, ProductDraft, CODE_SCHEMAS, SERIAL_SOURCES};
use leptos::prelude::*;

#[component]
pub fn ProductsTab() -> impl IntoView {
    let products = RwSignal::new(Vec::<ProductRecord>::new());
    let editing = RwSignal::new(None::<ProductDraft>);
    let outcome = RwSignal::new(Outcome::None);
    let load = list_reader(products, outcome, api::pool);
    let saved = Callback::new(move |words: String| {
        editing.set(None);
        outcome.set(Outcome::Done(words));
        load();
    });
    let row = move |product: &ProductRecord| {
        let draft = ProductDraft::of(product);
        let label = format!("Change {}", product.name);
        view! {
            <tr>
                <td class="code">{product.code.clone()}</td>
                <td>{named(&CODE_SCHEMAS, &product.code_schema)}</td>
                <td>{product.name.clone()}</td>
                <td>{named(&SERIAL_SOURCES, &product.serial_source)}</td>
                <td>{scheme_words(&product.serial_scheme)}</td>
                <td>
                    <button type="button" class="secondary small" aria-label=label
                        on:click=move |_| { outcome.set(Outcome::None); editing.set(Some(draft.clone())) }>
                        "Change"
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        <div class="toolbar">
            <p class="count grow">
                {move || format!("{} products", products.with(Vec::len))}
            </p>
            <button type="button" on:click=move |_| { outcome.set(Outcome::None); editing.set(Some(ProductDraft::default())) }>
                "Add a product"
            </button>
        </div>
        {outcome_view(outcome)}
        {move || editing.get().map(|draft| view! {
            <ProductEditor draft=draft on_saved=saved on_cancel=Callback::new(move |_| editing.set(None))/>
        })}
        <div class="table-scroll">
            <table class="pool-table">
                <caption class="visually-hidden">"Products"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Code"</th>
                        <th scope="col">"Kind of code"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Serials from"</th>
                        <th scope="col">"Serial scheme"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{move || products.with(|list| list.iter().map(row).collect_view())}</tbody>
            </table>
        </div>
    }
}
