//! "Needs attention": each change the server refused, with what the user did, what the server had (who,
//! when, which device) and why, and what can be done about it. A refused change is never dropped silently.

use super::unit_state::Choice;
use crate::sync_view::AttentionItem;
use leptos::prelude::*;

#[component]
pub fn AttentionPage(items: ReadSignal<Vec<AttentionItem>>, on_choice: Callback<(String, Choice)>) -> impl IntoView {
    view! {
        <section class="panel attention" aria-labelledby="attention-heading">
            <h2 id="attention-heading">"Needs attention"</h2>
            {move || {
                let items = items.get();
                if items.is_empty() {
                    view! { <p class="hint">"Nothing needs attention: every change from this device was accepted."</p> }.into_any()
                } else {
                    view! {
                        <ul class="attention-list" aria-labelledby="attention-heading">
                            {items.into_iter().map(|item| view! { <AttentionCard item=item on_choice=on_choice/> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn AttentionCard(item: AttentionItem, on_choice: Callback<(String, Choice)>) -> impl IntoView {
    let choose = move |choice: Choice| {
        let op_id = item.op_id.clone();
        move |_| on_choice.run((op_id.clone(), choice))
    };
    view! {
        <li class="attention-item" aria-label=format!("Refused change on {}", item.unit)>
            <h3>{format!("Unit {}", item.unit)}</h3>
            <dl class="facts">
                <dt>"What you did"</dt><dd>{item.attempted.clone()}</dd>
                <dt>"What the server had"</dt><dd>{item.server_had.clone()}</dd>
                <dt>"Why it was refused"</dt><dd>{item.why.clone()}</dd>
            </dl>
            {item.escalated.then(|| {
                let said = if item.escalation_sent {
                    "Escalated: the supervisors have it."
                } else {
                    "Escalated: it reaches the supervisors when this device is next online."
                };
                view! { <p class="notice" role="status">{said}</p> }
            })}
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=choose(Choice::Discard)>"Discard"</button>
                <button type="button" class="secondary" on:click=choose(Choice::Redo)>"Redo on current state"</button>
                <button type="button" class="secondary" on:click=choose(Choice::KeepAsNote)>"Keep as note"</button>
                <button type="button" class="secondary" on:click=choose(Choice::Escalate) disabled=item.escalated>
                    "Escalate to supervisor"
                </button>
            </div>
        </li>
    }
}
