//! Legal holds on the Retention tab: the standing ones (and, asked for, the lifted ones) with what each covers,
//! why, who placed it and when; for quality and admins, the form that places one and a Lift per hold, which
//! asks why before anything is sent.

use super::admin_parts::{list_reader, outcome_view, reason_asked, Outcome};
use super::place_hold_form::PlaceHoldForm;
use crate::admin_view::field;
use crate::api;
use crate::hold_form::lift_body;
use crate::model::ProductRecord;
use crate::retention_view::{hold_history, in_sentence, is_standing, scope_words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

/// `holds`: the role may place and lift holds (`PlaceHolds`); `on_change` is called after each placed or
/// lifted hold (the dry run is read again).
#[component]
pub fn LegalHolds(products: RwSignal<Vec<ProductRecord>>, holds: bool, on_change: Callback<()>) -> impl IntoView {
    let list = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let lifted_too = RwSignal::new(false);
    let load = list_reader(list, outcome, move || api::holds(lifted_too.get_untracked()));
    let placed = Callback::new(move |covers: String| {
        outcome.set(Outcome::Done(format!("The hold on {covers} is placed.")));
        load();
        on_change.run(());
    });
    let row = move |hold: &Value| {
        let covers = products.with(|list| scope_words(hold.get("scope").unwrap_or(&Value::Null), list));
        let standing = is_standing(hold);
        let lift = {
            let (id, covers) = (field(hold, "id"), in_sentence(&covers));
            move |_| {
                let asked = reason_asked(&format!(
                    "Why is the hold on {covers} lifted? Its histories may then be archived or purged by the next run."
                ));
                let body = match lift_body(asked.as_deref()) {
                    Ok(Some(body)) => body,
                    Ok(None) => return,
                    Err(message) => return outcome.set(Outcome::Failed(message)),
                };
                let (id, covers) = (id.clone(), covers.clone());
                spawn_local(async move {
                    outcome.set(match api::lift_hold(&id, &body).await {
                        Ok(_) => Outcome::Done(format!("The hold on {covers} is lifted.")),
                        Err(error) => Outcome::Failed(error.sentence()),
                    });
                    load();
                    on_change.run(());
                });
            }
        };
        let lift_label = format!("Lift the hold on {}", in_sentence(&covers));
        view! {
            <tr class:muted=!standing>
                <td>{covers}</td>
                <td class="hold-reason">{field(hold, "reason")}<br/><span class="muted">{hold_history(hold)}</span></td>
                <td>
                    {(holds && standing).then(|| view! {
                        <button type="button" class="secondary small danger" aria-label=lift_label on:click=lift>"Lift"</button>
                    })}
                </td>
            </tr>
        }
    };
    view! {
        <section class="panel editor retention-part" aria-labelledby="holds-heading">
            <h2 id="holds-heading">"Legal holds"</h2>
            <p class="hint">"A held history does not move — not archived, not purged — until its hold is lifted."</p>
            {holds.then(|| view! { <PlaceHoldForm products=products on_placed=placed/> })}
            {outcome_view(outcome)}
            <div class="toolbar holds-list">
                <h3 class="grow">{move || if lifted_too.get() { "Standing and lifted holds" } else { "Standing holds" }}</h3>
                <label class="choice">
                    <input type="checkbox" prop:checked=move || lifted_too.get()
                        on:change=move |event| { lifted_too.set(event_target_checked(&event)); load() }/>
                    "Show lifted holds"
                </label>
            </div>
            {move || match list.with(Vec::is_empty) {
                true => view! {
                    <p class="count">{if lifted_too.get() { "No hold has been placed." } else { "No hold stands." }}</p>
                }
                .into_any(),
                false => view! {
                    <div class="table-scroll">
                        <table class="pool-table">
                            <caption class="visually-hidden">"Legal holds"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Covers"</th>
                                    <th scope="col">"Why, and who placed it"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{list.with(|holds| holds.iter().map(row).collect_view())}</tbody>
                        </table>
                    </div>
                }
                .into_any(),
            }}
        </section>
    }
}
