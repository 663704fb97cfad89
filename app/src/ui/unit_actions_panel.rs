//! The unit screen's actions: one button per move the transition table allows from the unit's status, plus
//! the facts (move, note, service, inspection). A button opens the form of its command; "Confirm" records it
//! on this device at once — the network is never waited for.

use crate::unit_actions::{actions_for, command, UnitAction};
use leptos::prelude::*;
use serialtrack_shared::unit::{CommandKind, UnitCommand, UnitStatus};
use std::collections::HashMap;

/// `only`: offer just these of the allowed actions (the line screen offers decommission and its undo).
#[component]
pub fn ActionPanel(
    /// The unit's status: the buttons follow it, and a form the user opened stays open when it changes.
    #[prop(into)]
    status: Signal<String>,
    on_act: Callback<UnitCommand>,
    error: RwSignal<Option<String>>,
    #[prop(optional)] only: Option<&'static [CommandKind]>,
) -> impl IntoView {
    let actions = Memo::new(move |_| {
        let mut actions = status.with(|status| UnitStatus::from_code(status).map(actions_for).unwrap_or_default());
        if let Some(only) = only {
            actions.retain(|action| only.contains(&action.kind));
        }
        actions
    });
    let chosen: RwSignal<Option<UnitAction>> = RwSignal::new(None);
    view! {
        <section class="panel unit-actions" aria-labelledby="actions-heading">
            <h3 id="actions-heading">"Actions"</h3>
            {move || actions.with(Vec::is_empty).then(|| view! { <p class="hint">"No more changes are possible for this unit."</p> })}
            <div class="action-buttons">
                {move || actions
                    .get()
                    .into_iter()
                    .map(|action| view! {
                        <button
                            type="button"
                            class="secondary"
                            aria-pressed=move || chosen.get().map(|c| c.kind == action.kind).unwrap_or(false).to_string()
                            on:click=move |_| {
                                error.set(None);
                                chosen.set(Some(action));
                            }
                        >
                            {action.label}
                        </button>
                    })
                    .collect_view()}
            </div>
            {move || chosen.get().map(|action| view! { <ActionForm action=action on_act=on_act chosen=chosen error=error/> })}
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
        </section>
    }
}

#[component]
fn ActionForm(
    action: UnitAction,
    on_act: Callback<UnitCommand>,
    chosen: RwSignal<Option<UnitAction>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let values: RwSignal<HashMap<&'static str, String>> = RwSignal::new(HashMap::new());
    for field in action.fields {
        if let Some((first, _)) = field.choices.first() {
            values.update(|values| {
                values.insert(field.name, (*first).to_owned());
            });
        }
    }
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = values.get_untracked();
        match command(action.kind, |name| typed.get(name).cloned().unwrap_or_default()) {
            Ok(command) => {
                chosen.set(None);
                on_act.run(command);
            }
            Err(message) => error.set(Some(message)),
        }
    };
    view! {
        <form class="action-form" on:submit=submit aria-label=format!("{} form", action.label)>
            <h4>{action.label}</h4>
            {action
                .fields
                .iter()
                .map(|field| {
                    let id = format!("action-{}", field.name);
                    let name = field.name;
                    let input = if field.choices.is_empty() {
                        view! {
                            <input
                                id=id.clone()
                                type="text"
                                required=field.required
                                on:input=move |event| {
                                    let value = event_target_value(&event);
                                    values.update(|values| { values.insert(name, value); });
                                }
                            />
                        }
                        .into_any()
                    } else {
                        view! {
                            <select
                                id=id.clone()
                                on:change=move |event| {
                                    let value = event_target_value(&event);
                                    values.update(|values| { values.insert(name, value); });
                                }
                            >
                                {field.choices.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                            </select>
                        }
                        .into_any()
                    };
                    view! {
                        <label class="field" for=id>
                            <span>{field.label}{(!field.required).then_some(" (optional)")}</span>
                        </label>
                        {input}
                    }
                })
                .collect_view()}
            <div class="form-buttons">
                <button type="submit">"Confirm"</button>
                <button type="button" class="secondary" on:click=move |_| chosen.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
