//! For supervisors, quality and admins: the refused changes people escalated from their devices, each with what
//! was done and why it was refused, settled with a note saying what was decided. They live on the server, so the
//! list shows while online; offline it says so.

use crate::api::{self, Escalation};
use crate::history_view::{sentence_case, shown_time};
use crate::sync_view::escalated_change;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn EscalationsPanel(online: ReadSignal<bool>) -> impl IntoView {
    let (escalations, set_escalations) = signal(None::<Result<Vec<Escalation>, String>>);
    let load = move || {
        spawn_local(async move {
            set_escalations.set(Some(api::escalations().await.map_err(|error| error.sentence())));
        })
    };
    Effect::new(move |_| {
        if online.get() {
            load();
        }
    });
    let settled = Callback::new(move |_: ()| load());
    view! {
        <section class="panel escalations" aria-labelledby="escalations-heading">
            <h2 id="escalations-heading">"Escalated to supervisors"</h2>
            {move || match (online.get(), escalations.get()) {
                (false, _) => view! { <p class="hint">"Escalated changes show when this device is online."</p> }.into_any(),
                (true, None) => view! { <p class="hint" role="status">"Loading escalated changes…"</p> }.into_any(),
                (true, Some(Err(message))) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
                (true, Some(Ok(list))) if list.is_empty() => {
                    view! { <p class="hint">"No escalated changes are open."</p> }.into_any()
                }
                (true, Some(Ok(list))) => view! {
                    <ul class="attention-list" aria-labelledby="escalations-heading">
                        {list.into_iter().map(|escalation| view! { <EscalationCard escalation settled/> }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn EscalationCard(escalation: Escalation, settled: Callback<()>) -> impl IntoView {
    let (decision, set_decision) = signal(String::new());
    let (error, set_error) = signal(None::<String>);
    let note_id = format!("settle-{}", escalation.op_id);
    let op_id = escalation.op_id.clone();
    let settle = move |_| {
        let (op_id, note) = (op_id.clone(), decision.get_untracked());
        if note.trim().is_empty() {
            set_error.set(Some("Say what was decided before settling.".into()));
            return;
        }
        spawn_local(async move {
            match api::settle_escalation(&op_id, note.trim()).await {
                Ok(()) => settled.run(()),
                Err(problem) => set_error.set(Some(problem.sentence())),
            }
        });
    };
    let unit = format!("{} / {}", escalation.product, escalation.serial);
    let on = expect_context::<super::device::Device>().device_words(&escalation.device_id);
    let what = escalated_change(&escalation.command, &escalation.actor, &on, &escalation.client_time);
    let by = escalation.escalated_by.split_once(':').map_or(escalation.escalated_by.clone(), |(_, name)| name.into());
    view! {
        <li class="attention-item" aria-label=format!("Escalated change on {unit}")>
            <h3>{format!("Unit {unit}")}</h3>
            <dl class="facts">
                <dt>"What was done"</dt><dd>{what}</dd>
                <dt>"Why it was refused"</dt><dd>{sentence_case(&escalation.refusal)}</dd>
                <dt>"Escalated"</dt><dd>{format!("by {by} at {}", shown_time(&escalation.escalated_at))}</dd>
                {escalation.note.clone().map(|note| view! { <dt>"Note"</dt><dd>{note}</dd> })}
            </dl>
            <label for=note_id.clone()>"What was decided"</label>
            <input id=note_id type="text" prop:value=decision on:input=move |event| set_decision.set(event_target_value(&event))/>
            {move || error.get().map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <div class="form-buttons">
                <button type="button" on:click=settle>"Settle"</button>
            </div>
        </li>
    }
}
