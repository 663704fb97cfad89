//! A unit as last known on this device, and its history as a timeline, newest first.

use crate::model::{HistoryRecord, UnitRecord};
use leptos::prelude::*;

/// "under_service" → "Under service".
pub fn status_words(status: &str) -> String {
    let spaced = status.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// `children`: what sits between the unit's facts and its history (its actions and pending changes).
#[component]
pub fn UnitCard(unit: UnitRecord, history: Vec<HistoryRecord>, children: Children) -> impl IntoView {
    let not_given = || "—".to_owned();
    view! {
        <article class="unit-card" aria-labelledby="unit-heading">
            <header class="unit-header">
                <h2 id="unit-heading">{format!("Unit {} · {}", unit.gtin, unit.serial)}</h2>
                <span class=format!("status-badge status-{}", unit.status) role="status">
                    {status_words(&unit.status)}
                </span>
            </header>
            <dl class="facts unit-facts">
                <dt>"Status"</dt><dd>{status_words(&unit.status)}</dd>
                <dt>"Product"</dt><dd>{unit.product_name.clone().unwrap_or_else(not_given)}</dd>
                <dt>"Lot"</dt><dd>{unit.lot.clone().unwrap_or_else(not_given)}</dd>
                <dt>"Expiry"</dt><dd>{unit.expiry.clone().unwrap_or_else(not_given)}</dd>
                <dt>"Location"</dt><dd>{unit.location.clone().unwrap_or_else(not_given)}</dd>
                <dt>"Owner"</dt><dd>{unit.owner.clone().unwrap_or_else(not_given)}</dd>
            </dl>
            {children()}
            <h3 id="history-heading">"History"</h3>
            <ol class="timeline" aria-labelledby="history-heading">
                {history.into_iter().map(|entry| view! { <HistoryItem entry=entry/> }).collect_view()}
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
    let place = [entry.location.clone(), entry.device.clone().map(|device| format!("device {device}"))]
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
