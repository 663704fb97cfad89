//! The header's sync line: last synced, changes waiting, and the "Needs attention (N)" link.

use crate::sync::SyncStatus;
use crate::sync_view::{stale_warning, waiting_words, AttentionItem};
use leptos::prelude::*;

#[component]
pub fn SyncBadge(
    status: ReadSignal<SyncStatus>,
    waiting: ReadSignal<usize>,
    attention: ReadSignal<Vec<AttentionItem>>,
) -> impl IntoView {
    view! {
        <span class="sync-line" role="status" aria-live="polite">
            <span class="waiting">{move || waiting_words(waiting.get())}</span>
            <span class="last-synced">
                {move || {
                    let status = status.get();
                    match (status.syncing, status.last_synced) {
                        (true, _) => "Syncing…".to_owned(),
                        (false, Some(at)) => format!("Synced {} UTC", at.replace('T', " ").chars().skip(11).take(5).collect::<String>()),
                        (false, None) => "Not synced yet".to_owned(),
                    }
                }}
            </span>
            // Why the last pass stopped (the server down, a refused batch), until one succeeds; a session that
            // ended has its own panel.
            {move || {
                let status = status.get();
                let problem = status.problem.filter(|_| !status.syncing && !status.signed_out)?;
                Some(view! { <span class="sync-problem">{format!("Not sent: {problem}")}</span> })
            }}
        </span>
        {move || {
            let last = status.get().last_synced;
            stale_warning(last.as_deref(), crate::clock::now(), waiting.get()).map(|warning| view! { <span class="stale-warning">{warning}</span> })
        }}
        <a
            href="#/attention"
            class="attention-link"
            class:has-items=move || !attention.get().is_empty()
        >
            {move || format!("Needs attention ({})", attention.get().len())}
        </a>
    }
}
