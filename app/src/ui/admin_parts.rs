//! What the administration tabs share: the line under a form that says what was done or refused, a labelled
//! text input, the question before what cannot be quietly undone and the one that asks why. A leaf: the tabs
//! take from it, and the page that holds the tabs takes the tabs.

use crate::api::ApiError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::future::Future;

/// What a tab shows after a call: nothing yet, the server's refusal, or what was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    None,
    Failed(String),
    Done(String),
}

/// An outcome as a line under a form: an alert for a refusal, a status for what was done.
pub fn outcome_view(outcome: RwSignal<Outcome>) -> impl IntoView {
    move || match outcome.get() {
        Outcome::None => None,
        Outcome::Failed(message) => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
        Outcome::Done(message) => Some(view! { <p class="done" role="status">{message}</p> }.into_any()),
    }
}

/// A labelled text input bound to `value`.
pub fn text_input(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" prop:value=move || value.get() on:input=move |event| value.set(event_target_value(&event))/>
        </div>
    }
}

/// Asks the person to confirm what cannot be quietly undone (revoking a key, signing someone out).
pub fn confirmed(question: &str) -> bool {
    web_sys::window().and_then(|window| window.confirm_with_message(question).ok()).unwrap_or(false)
}

/// Asks the person why, before what goes on the audit trail with a reason (lifting a legal hold); `None` when
/// they cancelled.
pub fn reason_asked(question: &str) -> Option<String> {
    web_sys::window().and_then(|window| window.prompt_with_message(question).ok().flatten())
}

/// Reads what a tab lists into `list`, now and each time the returned reader is called after a change; a
/// refusal shows as the tab's outcome.
pub fn list_reader<T, F>(
    list: RwSignal<T>,
    outcome: RwSignal<Outcome>,
    read: impl Fn() -> F + Copy + 'static,
) -> impl Fn() + Copy + 'static
where
    T: Send + Sync + 'static,
    F: Future<Output = Result<T, ApiError>> + 'static,
{
    let load = move || {
        spawn_local(async move {
            match read().await {
                Ok(read) => list.set(read),
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        })
    };
    load();
    load
}
