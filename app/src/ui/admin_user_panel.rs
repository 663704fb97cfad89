//! What opens under the users table for one person: a new password set by an admin (which signs them out
//! everywhere), or their live sessions, each of which an admin may end.

use super::admin_parts::{confirmed, list_reader, outcome_view, Outcome};
use crate::admin_view::field;
use crate::api;
use crate::user_form::{checked_password, session_words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn PasswordForm(id: String, username: String, on_done: Callback<Option<String>>) -> impl IntoView {
    let password = RwSignal::new(String::new());
    let outcome = RwSignal::new(Outcome::None);
    let heading = format!("New password for {username}");
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let typed = password.get_untracked();
        if let Err(message) = checked_password(&typed) {
            return outcome.set(Outcome::Failed(message));
        }
        let (id, username) = (id.clone(), username.clone());
        spawn_local(async move {
            match api::set_user_password(&id, &typed).await {
                Ok(()) => on_done.run(Some(format!("{username} has a new password and is signed out everywhere."))),
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let label = heading.clone();
    view! {
        <form class="action-form panel" aria-label=label on:submit=submit>
            <h4>{heading}</h4>
            <div class="field">
                <label for="new-password">"Password (12 characters or more)"</label>
                <input id="new-password" type="password" autocomplete="new-password" prop:value=move || password.get()
                    on:input=move |event| password.set(event_target_value(&event))/>
            </div>
            <div class="form-buttons">
                <button type="submit">"Set the password"</button>
                <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Cancel"</button>
            </div>
            {outcome_view(outcome)}
        </form>
    }
}

#[component]
pub fn SessionsList(id: String, username: String, on_done: Callback<Option<String>>) -> impl IntoView {
    let sessions = RwSignal::new(None::<Vec<Value>>);
    let outcome = RwSignal::new(Outcome::None);
    let user_id = StoredValue::new(id);
    let load =
        list_reader(sessions, outcome, move || async move { api::user_sessions(&user_id.get_value()).await.map(Some) });
    let item = move |session: &Value| {
        let session_id = field(session, "id");
        let words = session_words(session);
        let end = move |_| {
            if !confirmed("End this session? The person is signed out on that device.") {
                return;
            }
            let session_id = session_id.clone();
            spawn_local(async move {
                outcome.set(match api::end_session(&user_id.get_value(), &session_id).await {
                    Ok(()) => Outcome::Done("The session is ended.".into()),
                    Err(error) => Outcome::Failed(error.sentence()),
                });
                load();
            });
        };
        let label = format!("End the session: {words}");
        view! {
            <li class="session">
                <span>{words}</span>
                <button type="button" class="secondary small danger" aria-label=label on:click=end>"End"</button>
            </li>
        }
    };
    let heading = format!("Sessions of {username}");
    let label = heading.clone();
    view! {
        <section class="panel sessions" aria-label=label>
            <h4>{heading}</h4>
            {move || sessions.with(|list| match list {
                None => view! { <p class="hint">"Reading the sessions…"</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="hint">"Not signed in anywhere."</p> }.into_any(),
                Some(list) => view! { <ul class="session-list">{list.iter().map(item).collect_view()}</ul> }.into_any(),
            })}
            {outcome_view(outcome)}
            <div class="form-buttons">
                <button type="button" class="secondary" on:click=move |_| on_done.run(None)>"Close"</button>
            </div>
        </section>
    }
}
