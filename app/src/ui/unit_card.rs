//! A unit as last known on this device, and its history as a timeline, newest first.

use crate::model::{HistoryRecord, UnitRecord};
use leptos::prelude::*;

/// "under_service" → "Under service".
pub fn status_words(status: &str) -> String {
    let spaced = status.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `children`: what sits between the unit's facts and its history (its actions and pending changes). The card
/// follows `unit` and `history` in place (a sync pass changes them), so what the children hold stays.
#[component]
pub fn UnitCard(unit: Signal<UnitRecord>, history: Signal<Vec<HistoryRecord>>, children: Children) -> impl IntoView {
    let fact = move |of: fn(&UnitRecord) -> Option<String>| move || unit.with(of).unwrap_or_else(|| "—".to_owned());
    let status = move || unit.with(|unit| status_words(&unit.status));
    view! {
        <article class="unit-card" aria-labelledby="unit-heading">
            <header class="unit-header">
                <h2 id="unit-heading">{move || unit.with(|unit| format!("Unit {} · {}", unit.gtin, unit.serial))}</h2>
                <span class=move || unit.with(|unit| format!("status-badge status-{}", unit.status)) role="status">
                    {status}
                </span>
            </header>
            <dl class="facts unit-facts">
                <dt>"Status"</dt><dd>{status}</dd>
                <dt>"Product"</dt><dd>{fact(|unit| unit.product_name.clone())}</dd>
                <dt>"Lot"</dt><dd>{fact(|unit| unit.lot.clone())}</dd>
                <dt>"Expiry"</dt><dd>{fact(|unit| unit.expiry.clone())}</dd>
                <dt>"Location"</dt><dd>{fact(|unit| unit.location.clone())}</dd>
                <dt>"Owner"</dt><dd>{fact(|unit| unit.owner.clone())}</dd>
            </dl>
            {children()}
            <h3 id="history-heading">"History"</h3>
            <ol class="timeline" aria-labelledby="history-heading">
                <For each=move || history.get() key=|entry| (entry.seq, entry.at.clone()) let:entry>
                    <HistoryItem entry=entry/>
                </For>
            </ol>
        </article>
    }
}

#[component]
fn HistoryItem(entry: HistoryRecord) -> impl IntoView {
    let who = match &entry.role {
        Some(role) => format!("{} ({role})", entry.who),
        None => entry.who.clone(),
    };
    let device = expect_context::<super::device::Device>();
    let place = [entry.location.clone(), entry.device.as_deref().map(|id| device.device_words(id))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <li class="timeline-item">
            <div class="timeline-what">
                <strong>{entry.what.clone()}</strong>
                {entry.change.clone().map(|change| view! { <span class="change">{change}</span> })}
            </div>
            <div class="timeline-meta">
                <time datetime=entry.at.clone()>{crate::history_view::shown_time(&entry.at)}</time>
                " · " {who}
                {(!place.is_empty()).then(|| format!(" · {place}"))}
            </div>
            {entry.why.clone().map(|why| view! { <p class="timeline-why">{why}</p> })}
        </li>
    }
}
