//! The API keys tab: keys for machines (line systems, ERPs, partners' systems) made with a role and a limit,
//! the key shown once when it is made, limits changed and keys revoked.

use super::admin_parts::{confirmed, list_reader, outcome_view, text_input, Outcome};
use crate::admin_view::{api_key_body, count_field, field, key_state, role_words, serials_limit, time_field};
use crate::api;
use crate::ceilings_form::{daily_words, key_ceiling};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use serialtrack_shared::unit::Role;

#[component]
pub fn ApiKeysTab() -> impl IntoView {
    let keys = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let made = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let limit = RwSignal::new("100,000".to_owned());
    let reads_extra = RwSignal::new(false);
    let daily = RwSignal::new(String::new());
    let load = list_reader(keys, outcome, api::api_keys);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        made.set(None);
        let body = api_key_body(
            &name.get_untracked(),
            &role.get_untracked(),
            &limit.get_untracked(),
            reads_extra.get_untracked(),
        );
        let body = body.and_then(|mut body| {
            body["max_exported_serials_per_day"] = key_ceiling(&daily.get_untracked())?;
            Ok(body)
        });
        let body = match body {
            Ok(body) => body,
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::create_api_key(&body).await {
                Ok(answer) => {
                    outcome.set(Outcome::None);
                    made.set(Some(field(&answer, "key")));
                    name.set(String::new());
                    load();
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let row = move |key: &Value| {
        let id = field(key, "id");
        let key_name = field(key, "name");
        let revoked = key.get("revoked_at").is_some_and(|at| !at.is_null());
        let new_limit = RwSignal::new(count_field(key, "max_serials_per_request"));
        let new_daily = RwSignal::new(count_field(key, "max_exported_serials_per_day"));
        let limit_label = format!("Serials per request for {key_name}");
        let revoke_label = format!("Revoke {key_name}");
        let daily_label = format!("Exported serials a day for {key_name}");
        let save = {
            let id = id.clone();
            move |_| {
                let id = id.clone();
                let limits = serials_limit(&new_limit.get_untracked())
                    .and_then(|max| Ok((max, key_ceiling(&new_daily.get_untracked())?)));
                let (max, daily) = match limits {
                    Ok(limits) => limits,
                    Err(message) => return outcome.set(Outcome::Failed(message)),
                };
                spawn_local(async move {
                    let body = json!({ "max_serials_per_request": max, "max_exported_serials_per_day": daily });
                    let done = api::update_api_key(&id, &body).await;
                    outcome.set(match done {
                        Ok(key) => Outcome::Done(format!(
                            "{} may now ask for {} serials per request; {}.",
                            field(&key, "name"),
                            count_field(&key, "max_serials_per_request"),
                            daily_words(&key)
                        )),
                        Err(error) => Outcome::Failed(error.sentence()),
                    });
                    load();
                });
            }
        };
        let revoke = move |_| {
            let id = id.clone();
            if confirmed("Revoke this key? Machines using it stop at once.") {
                spawn_local(async move {
                    outcome.set(match api::revoke_api_key(&id).await {
                        Ok(()) => Outcome::Done("The key is revoked.".into()),
                        Err(error) => Outcome::Failed(error.sentence()),
                    });
                    load();
                });
            }
        };
        view! {
            <tr>
                <td>{key_name}</td>
                <td>{role_words(&field(key, "role"))}</td>
                <td class="code">{field(key, "prefix")}"…"</td>
                <td>{time_field(key, "created_at", "")}</td>
                <td>{time_field(key, "last_used_at", "Never")}</td>
                <td>{key_state(key)}</td>
                <td>
                    <span class="inline-edit">
                        <input type="text" inputmode="numeric" aria-label=limit_label disabled=revoked
                            prop:value=move || new_limit.get() on:input=move |event| new_limit.set(event_target_value(&event))/>
                        <input type="text" inputmode="numeric" aria-label=daily_label disabled=revoked placeholder="role's"
                            prop:value=move || new_daily.get() on:input=move |event| new_daily.set(event_target_value(&event))/>
                        <button type="button" class="secondary small" disabled=revoked on:click=save>"Set"</button>
                    </span>
                </td>
                <td>{(!revoked).then(|| view! { <button type="button" class="secondary small danger" aria-label=revoke_label on:click=revoke>"Revoke"</button> })}</td>
            </tr>
        }
    };
    view! {
        <form class="action-form" aria-label="New API key" on:submit=submit>
            <h4>"Make a key"</h4>
            {text_input("key-name", "What it is for", name)}
            <div class="field">
                <label for="key-role">"Acts as"</label>
                <select id="key-role" prop:value=move || role.get() on:change=move |event| role.set(event_target_value(&event))>
                    {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role_words(role.as_str())}</option> }).collect_view()}
                </select>
            </div>
            {text_input("key-limit", "Serials per request", limit)}
            {text_input("key-daily", "Exported serials a day (empty: the role's ceiling)", daily)}
            <label class="choice">
                <input type="checkbox" prop:checked=move || reads_extra.get() on:change=move |event| reads_extra.set(event_target_checked(&event))/>
                "Reads the pool's extra per-serial parameters"
            </label>
            <div class="form-buttons"><button type="submit">"Make the key"</button></div>
            {move || made.get().map(|key| view! {
                <div class="key-once" role="status">
                    <p>"The new key, shown only this once: copy it into the machine's settings now."</p>
                    <code>{key}</code>
                </div>
            })}
            {outcome_view(outcome)}
        </form>
        <div class="table-scroll">
            <table class="pool-table">
                <caption class="visually-hidden">"API keys"</caption>
                <thead>
                    <tr>
                        <th scope="col">"For"</th>
                        <th scope="col">"Acts as"</th>
                        <th scope="col">"Starts with"</th>
                        <th scope="col">"Made"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Serials per request, exported a day"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{move || keys.with(|list| list.iter().map(row).collect_view())}</tbody>
            </table>
        </div>
    }
}
