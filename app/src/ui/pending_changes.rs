//! "Changes on this device": a unit's recorded changes the server has not folded in yet, each with its state
//! (queued, sending, confirmed, predicted conflict).

use crate::sync_view::{status_words, PendingChange};
use leptos::prelude::*;

/// Follows `changes` in place: a sync pass moves their states without rebuilding the unit screen.
#[component]
pub fn PendingChanges(changes: Signal<Vec<PendingChange>>) -> impl IntoView {
    move || {
        let changes = changes.get();
        (!changes.is_empty()).then(|| {
            view! {
                <section class="panel pending-changes" aria-labelledby="pending-heading">
                    <h3 id="pending-heading">"Changes on this device"</h3>
                    <ul class="change-list" aria-labelledby="pending-heading">
                        {changes
                            .into_iter()
                            .map(|change| {
                                let state = status_words(change.status);
                                let class = format!("change-state state-{}", state.to_lowercase().replace(' ', "-"));
                                view! {
                                    <li class="change-item">
                                        <strong>{change.what}</strong>
                                        <span class=class>{state}</span>
                                        <time class="change-time">{change.at}</time>
                                        {change.why.map(|why| view! { <p class="change-why">{why}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
