//! The serial number pool (seed 000): products with code, schema, name and source of serials; a search by code or
//! part of the name; each row expands to the product's details and a donut of Available versus Assigned, and,
//! for those who manage the pool, its actions (generate, import, assign, release).

use super::pool_actions_panel::PoolActionsPanel;
use crate::donut::{assigned_percent, pool_donut_svg};
use crate::model::ProductRecord;
use crate::pool_filter;
use crate::product_view::{schema_words, scheme_words, source_words};
use leptos::prelude::*;

#[component]
pub fn PoolPage(products: Signal<Vec<ProductRecord>>) -> impl IntoView {
    let (search, set_search) = signal(String::new());
    let (expanded, set_expanded) = signal(None::<String>);
    let visible = Memo::new(move |_| {
        products.with(|all| pool_filter::filter(all, &search.get()).into_iter().cloned().collect::<Vec<_>>())
    });

    view! {
        <section class="panel" aria-labelledby="pool-heading">
            <h1 id="pool-heading">"Serial number pool"</h1>
            <div class="toolbar" role="search">
                <div class="field grow">
                    <label for="pool-search">"Search products"</label>
                    <input
                        id="pool-search"
                        type="search"
                        placeholder="Product code or part of the name"
                        prop:value=search
                        on:input=move |event| set_search.set(event_target_value(&event))
                    />
                </div>
                <button type="button" class="secondary" on:click=move |_| set_search.set(String::new())>
                    "Reset filters"
                </button>
            </div>
            <p class="count" aria-live="polite">
                {move || format!("{} of {} products", visible.with(Vec::len), products.with(Vec::len))}
            </p>
            <table class="pool-table">
                <caption class="visually-hidden">"Products in the serial number pool"</caption>
                <thead>
                    <tr>
                        <th scope="col"><span class="visually-hidden">"Details"</span></th>
                        <th scope="col">"Product code"</th>
                        <th scope="col">"Code schema"</th>
                        <th scope="col">"Product name"</th>
                        <th scope="col">"Source of serials"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || visible.get() key=|product| product.id.clone() let:product>
                        <ProductRows product=product products=products expanded=expanded set_expanded=set_expanded/>
                    </For>
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn ProductRows(
    product: ProductRecord,
    products: Signal<Vec<ProductRecord>>,
    expanded: ReadSignal<Option<String>>,
    set_expanded: WriteSignal<Option<String>>,
) -> impl IntoView {
    let id = product.id.clone();
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| expanded.get().as_deref() == Some(id.as_str()))
    };
    let toggle = move |_| {
        set_expanded.update(|open| *open = if open.as_deref() == Some(id.as_str()) { None } else { Some(id.clone()) })
    };
    let details_id = format!("product-details-{}", product.id);
    // The row is keyed by id; its counts follow the product as pool actions and refreshes change it.
    let details = {
        let (id, first) = (product.id.clone(), product.clone());
        Memo::new(move |_| {
            products
                .with(|all| all.iter().find(|candidate| candidate.id == id).cloned())
                .unwrap_or_else(|| first.clone())
        })
    };
    view! {
        <tr class="product-row" class:open=is_open>
            <td>
                <button
                    type="button"
                    class="expand"
                    aria-label=format!("Expand {}", product.code)
                    aria-expanded=move || is_open.get().to_string()
                    aria-controls=details_id.clone()
                    on:click=toggle
                >
                    <span aria-hidden="true">{move || if is_open.get() { "▾" } else { "▸" }}</span>
                </button>
            </td>
            <td class="code">{product.code.clone()}</td>
            <td>{schema_words(&product)}</td>
            <td>{product.name.clone()}</td>
            <td>{source_words(&product)}</td>
        </tr>
        <Show when=move || is_open.get()>
            <tr class="details-row" id=details_id.clone()>
                <td colspan="5">
                    <ProductDetails product=details/>
                </td>
            </tr>
        </Show>
    }
}

#[component]
fn ProductDetails(product: Memo<ProductRecord>) -> impl IntoView {
    let counts = move || product.with(|product| (product.available, product.assigned));
    let summary = move || {
        let (available, assigned) = counts();
        format!("Available: {available} serials. Assigned: {assigned} serials.")
    };
    let facts = product.get_untracked();
    view! {
        <div class="product-details">
            <dl class="facts">
                <dt>"Product code"</dt><dd>{facts.code.clone()}</dd>
                <dt>"Code schema"</dt><dd>{schema_words(&facts)}</dd>
                <dt>"Product name"</dt><dd>{facts.name.clone()}</dd>
                <dt>"Source of serials"</dt><dd>{source_words(&facts)}</dd>
                <dt>"Serial scheme"</dt><dd>{scheme_words(&facts)}</dd>
            </dl>
            <figure class="donut">
                // The chart is focusable so keyboard users get the same tooltip as mouse users.
                <div
                    class="donut-chart"
                    tabindex="0"
                    role="img"
                    aria-label=move || format!("Pool status of {}: {}", facts.code, summary())
                    inner_html=move || {
                        let (available, assigned) = counts();
                        pool_donut_svg(available, assigned, 180)
                    }
                ></div>
                <div class="donut-tooltip" aria-hidden="true">
                    {move || {
                        let (available, assigned) = counts();
                        format!("Available {available} · Assigned {assigned}")
                    }}
                </div>
                <figcaption>
                    <ul class="legend">
                        <li><span class="swatch available" aria-hidden="true"></span>{move || format!("Available: {}", counts().0)}</li>
                        <li><span class="swatch assigned" aria-hidden="true"></span>{move || format!("Assigned: {}", counts().1)}</li>
                    </ul>
                    <p class="muted">{move || {
                        let (available, assigned) = counts();
                        format!("{}% assigned", assigned_percent(available, assigned))
                    }}</p>
                </figcaption>
            </figure>
        </div>
        <PoolActionsPanel product_id=facts.id.clone() serial_source=facts.serial_source.clone()/>
    }
}
