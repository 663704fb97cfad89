//! The users tab: the organisation's people with their roles; an admin adds one, changes a role, disables or
//! enables, sets a new password, and sees and ends a person's sessions.

use super::admin_parts::{confirmed, list_reader, outcome_view, text_input, Outcome};
use super::admin_user_panel::{PasswordForm, SessionsList};
use crate::admin_view::{field, role_words};
use crate::api;
use crate::user_form::{is_disabled, new_user_body, user_state};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use serialtrack_shared::unit::Role;

/// What is open under the table for one user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    Password { id: String, username: String },
    Sessions { id: String, username: String },
}

#[component]
pub fn UsersTab() -> impl IntoView {
    let users = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let opened = RwSignal::new(None::<Opened>);
    let (username, name, role, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("operator".to_owned()),
        RwSignal::new(String::new()),
    );
    let load = list_reader(users, outcome, api::users);
    // A change to one user; `done` says what was done with the saved record.
    let change = move |id: String, body: Value, done: fn(&Value) -> String| {
        spawn_local(async move {
            outcome.set(match api::update_user(&id, &body).await {
                Ok(saved) => Outcome::Done(done(&saved)),
                Err(error) => Outcome::Failed(error.sentence()),
            });
            load();
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let body = new_user_body(
            &username.get_untracked(),
            &name.get_untracked(),
            &role.get_untracked(),
            &password.get_untracked(),
        );
        let body = match body {
            Ok(body) => body,
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::create_user(&body).await {
                Ok(saved) => {
                    outcome.set(Outcome::Done(format!("{} can sign in now.", field(&saved, "username"))));
                    username.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    load();
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let row = move |user: &Value| {
        let (id, login) = (field(user, "id"), field(user, "username"));
        let disabled = is_disabled(user);
        let new_role = RwSignal::new(field(user, "role"));
        let set_role = {
            let id = id.clone();
            move |_| {
                let body = json!({ "role": new_role.get_untracked() });
                change(id.clone(), body, |saved| {
                    format!("{} is now {}.", field(saved, "username"), role_words(&field(saved, "role")).to_lowercase())
                });
            }
        };
        let toggle = {
            let (id, login) = (id.clone(), login.clone());
            move |_| {
                let ask = format!("Disable {login}? They are signed out everywhere at once.");
                if !disabled && !confirmed(&ask) {
                    return;
                }
                change(id.clone(), json!({ "disabled": !disabled }), |saved| match is_disabled(saved) {
                    true => format!("{} is disabled and signed out.", field(saved, "username")),
                    false => format!("{} may sign in again.", field(saved, "username")),
                });
            }
        };
        let open = {
            let (id, login) = (id.clone(), login.clone());
            move |make: fn(String, String) -> Opened| {
                let (id, login) = (id.clone(), login.clone());
                move |_| {
                    outcome.set(Outcome::None);
                    opened.set(Some(make(id.clone(), login.clone())));
                }
            }
        };
        let role_label = format!("Role of {login}");
        let toggle_words = if disabled { format!("Enable {login}") } else { format!("Disable {login}") };
        view! {
            <tr class:muted=disabled>
                <td><span class="code">{login.clone()}</span><br/><span class="muted">{field(user, "display_name")}</span></td>
                <td>
                    <span class="inline-edit">
                        <select aria-label=role_label prop:value=move || new_role.get()
                            on:change=move |event| new_role.set(event_target_value(&event))>
                            {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role_words(role.as_str())}</option> }).collect_view()}
                        </select>
                        <button type="button" class="secondary small" on:click=set_role>"Set"</button>
                    </span>
                </td>
                <td>{user_state(user)}</td>
                <td class="row-actions">
                    <button type="button" class="secondary small" aria-label=format!("New password for {login}")
                        on:click=open(|id, username| Opened::Password { id, username })>"New password"</button>
                    <button type="button" class="secondary small" aria-label=format!("Sessions of {login}")
                        on:click=open(|id, username| Opened::Sessions { id, username })>"Sessions"</button>
                    <button type="button" class="secondary small" class:danger=!disabled on:click=toggle>{toggle_words}</button>
                </td>
            </tr>
        }
    };
    let close = Callback::new(move |words: Option<String>| {
        opened.set(None);
        if let Some(words) = words {
            outcome.set(Outcome::Done(words));
        }
    });
    view! {
        <form class="action-form" aria-label="New user" on:submit=submit>
            <h4>"Add a user"</h4>
            {text_input("user-username", "Username", username)}
            {text_input("user-name", "Name", name)}
            <div class="field">
                <label for="user-role">"Role"</label>
                <select id="user-role" prop:value=move || role.get() on:change=move |event| role.set(event_target_value(&event))>
                    {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role_words(role.as_str())}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="user-password">"First password (12 characters or more)"</label>
                <input id="user-password" type="password" autocomplete="new-password" prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))/>
            </div>
            <div class="form-buttons"><button type="submit">"Add the user"</button></div>
        </form>
        {outcome_view(outcome)}
        {move || opened.get().map(|shown| match shown {
            Opened::Password { id, username } => view! { <PasswordForm id=id username=username on_done=close/> }.into_any(),
            Opened::Sessions { id, username } => view! { <SessionsList id=id username=username on_done=close/> }.into_any(),
        })}
        <div class="table-scroll">
            <table class="pool-table">
                <caption class="visually-hidden">"Users"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Username and name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{move || users.with(|list| list.iter().map(row).collect_view())}</tbody>
            </table>
        </div>
    }
}
