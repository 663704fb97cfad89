//! Retention runs on the Retention tab: the last runs with their state, times and counts (read again every few
//! seconds while one is queued or running), and for admins "Run retention now", which first says what today's
//! dry run would move and asks.

use super::admin_parts::{confirmed, list_reader, outcome_view, Outcome};
use crate::admin_view::field;
use crate::api;
use crate::retention_view::{count_or_zero, is_active, queued_words, run_question, run_state, run_times};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use std::time::Duration;

/// How long a queued or running run is left before the list is read again.
const READ_AGAIN: Duration = Duration::from_secs(2);

/// `manages`: the role may queue a run (`ManageRetention`); the others see the runs.
#[component]
pub fn RetentionRuns(manages: bool) -> impl IntoView {
    let runs = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let asking = RwSignal::new(false);
    let load = list_reader(runs, outcome, api::retention_runs);
    Effect::new(move |_| {
        if runs.with(|runs| runs.iter().any(is_active)) {
            if let Ok(handle) = set_timeout_with_handle(load, READ_AGAIN) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    let run_now = move |_| {
        asking.set(true);
        spawn_local(async move {
            // The question says what today's dry run would move: read it now, not from the screen.
            let todays_plan = api::retention_plan(None).await;
            asking.set(false);
            let question = match todays_plan {
                Ok(plan) => run_question(&plan),
                Err(error) => return outcome.set(Outcome::Failed(error.sentence())),
            };
            if !confirmed(&question) {
                return;
            }
            let listed = runs.get_untracked();
            outcome.set(match api::queue_retention_run().await {
                Ok(run) => Outcome::Done(queued_words(&run, &listed)),
                Err(error) => Outcome::Failed(error.sentence()),
            });
            load();
        });
    };
    let row = |run: &Value| {
        let error = Some(field(run, "error")).filter(|error| !error.is_empty());
        view! {
            <tr>
                <td><span class=state_class(run)>{run_state(run)}</span></td>
                <td class="run-when">
                    {run_times(run).into_iter().enumerate().map(|(at, (what, time))| {
                        let time = view! { <span class="nowrap">{time}</span> };
                        match at {
                            0 => view! { <span>{what}" "{time}</span> }.into_any(),
                            1 => view! { <br/><span class="muted">{what}" "{time}</span> }.into_any(),
                            _ => view! { <span class="muted">", "{what}" "{time}</span> }.into_any(),
                        }
                    }).collect_view()}
                    {error.map(|error| view! { <br/><span class="form-error run-error">{error}</span> })}
                </td>
                <td class="number">{count_or_zero(run, "archived")}</td>
                <td class="number">{count_or_zero(run, "purged")}</td>
                <td class="number">{count_or_zero(run, "held")}</td>
            </tr>
        }
    };
    view! {
        <section class="panel editor retention-part" aria-labelledby="runs-heading">
            <h2 id="runs-heading">"Runs"</h2>
            {manages.then(|| view! {
                <div class="toolbar run-now">
                    <p class="hint grow">"A run archives and purges what today's dry run says would move."</p>
                    <button type="button" class="danger" disabled=move || asking.get() on:click=run_now>
                        "Run retention now"
                    </button>
                </div>
            })}
            {outcome_view(outcome)}
            {move || match runs.with(Vec::is_empty) {
                true => view! { <p class="count">"No run yet."</p> }.into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="pool-table">
                            <caption class="visually-hidden">"Retention runs, newest first"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"When, and what went wrong"</th>
                                    <th scope="col" class="number">"Archived"</th>
                                    <th scope="col" class="number">"Purged"</th>
                                    <th scope="col" class="number">"Held"</th>
                                </tr>
                            </thead>
                            <tbody>{runs.with(|runs| runs.iter().map(row).collect_view())}</tbody>
                        </table>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}

/// A run's state badge, coloured like a change's: waiting, under way, done, refused.
fn state_class(run: &Value) -> &'static str {
    match field(run, "state").as_str() {
        "queued" => "change-state state-queued",
        "running" => "change-state state-sending",
        "done" => "change-state state-confirmed",
        "failed" => "change-state state-refused",
        _ => "change-state",
    }
}
