//! The dry run on the Retention tab: what a run on a chosen day (today unless another is chosen) would do,
//! product by product, changing nothing: where the units' histories are now, what would be archived or purged,
//! and what is due but held.

use super::admin_parts::{outcome_view, Outcome};
use crate::admin_view::field;
use crate::api;
use crate::retention_view::{plan_rows, plan_summary, plan_totals, PlanRow, NOW_COUNTS, PLAN_COUNTS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// Today by the device's clock, as a date field writes it (`2026-11-20`).
fn today() -> String {
    let now = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", now.get_full_year(), now.get_month() + 1, now.get_date())
}

/// `holds_changed` moves when a hold is placed or lifted: a dry run on the screen is read again.
#[component]
pub fn RetentionDryRun(#[prop(into)] holds_changed: Signal<u32>) -> impl IntoView {
    let on = RwSignal::new(today());
    let plan = RwSignal::new(None::<Value>);
    let outcome = RwSignal::new(Outcome::None);
    let read = move || {
        let day = on.get_untracked();
        if day.trim().is_empty() {
            return outcome.set(Outcome::Failed("Choose the day to see what a run would move on it.".into()));
        }
        spawn_local(async move {
            match api::retention_plan(Some(&day)).await {
                Ok(read) => {
                    outcome.set(Outcome::None);
                    plan.set(Some(read));
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    Effect::watch(
        move || holds_changed.get(),
        move |_, _, _| {
            if plan.with_untracked(Option::is_some) {
                read()
            }
        },
        false,
    );
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        read();
    };
    let row = |row: PlanRow| {
        let whose = format!("({})", row.whose);
        // On a narrow screen the policy goes under the product (style/admin.css), so the counts fit beside it.
        view! {
            <tr>
                <th scope="row">
                    <span class="code">{row.code}</span><br/><span class="muted">{row.name}</span>
                    <span class="plan-policy-inline"><br/>{row.policy.clone()}" "{whose.clone()}</span>
                </th>
                <td class="plan-policy">{row.policy}<br/><span class="muted">{whose}</span></td>
                {row.counts.into_iter().map(|count| view! { <td class="number">{count}</td> }).collect_view()}
            </tr>
        }
    };
    let table = move || {
        plan.get().map(|plan| {
            let on = field(&plan, "on");
            view! {
                <p class="plan-summary" role="status">{plan_summary(&plan)}</p>
                <div class="table-scroll">
                    <table class="pool-table plan-table">
                        <caption class="visually-hidden">{format!("What a run on {on} would do")}</caption>
                        <thead>
                            <tr>
                                <th scope="col" rowspan="2">"Product"</th>
                                <th scope="col" rowspan="2" class="plan-policy">"Policy"</th>
                                <th scope="colgroup" colspan=NOW_COUNTS.to_string() class="group">"Now"</th>
                                <th scope="colgroup" colspan=(PLAN_COUNTS.len() - NOW_COUNTS).to_string() class="group">
                                    {format!("Due on {on}")}
                                </th>
                            </tr>
                            <tr>
                                {PLAN_COUNTS.iter().map(|(_, title)| view! { <th scope="col" class="number">{*title}</th> }).collect_view()}
                            </tr>
                        </thead>
                        <tbody>{plan_rows(&plan).into_iter().map(row).collect_view()}</tbody>
                        <tfoot>
                            <tr>
                                <th scope="row">"All products"</th>
                                <td class="plan-policy"></td>
                                {plan_totals(&plan).into_iter().map(|count| view! { <td class="number">{count}</td> }).collect_view()}
                            </tr>
                        </tfoot>
                    </table>
                </div>
            }
        })
    };
    view! {
        <section class="panel editor retention-part" aria-labelledby="dry-run-heading">
            <h2 id="dry-run-heading">"Dry run"</h2>
            <p class="hint">"What a run on a day would move, counted in units; nothing is changed."</p>
            <form class="toolbar" aria-label="Dry run" on:submit=submit>
                <div class="field">
                    <label for="dry-run-on">"Day"</label>
                    <input id="dry-run-on" type="date" prop:value=move || on.get()
                        on:input=move |event| on.set(event_target_value(&event))/>
                </div>
                <div class="field"><button type="submit">"See what would move"</button></div>
            </form>
            {outcome_view(outcome)}
            {table}
        </section>
    }
}
