//! The organisation's default retention on the Retention tab: the policy every product without its own follows,
//! whether it is still the built-in one, and (for admins) a Save.

use super::admin_parts::{outcome_view, Outcome};
use super::retention_fields::RetentionFields;
use crate::api;
use crate::product_details_form::RetentionDraft;
use crate::retention_view::{default_policy_words, policy_words};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use serialtrack_shared::json::to_value;

/// `manages`: the role may set the default (`ManageRetention`); the others see it.
#[component]
pub fn DefaultRetention(manages: bool) -> impl IntoView {
    let answer = RwSignal::new(None::<Value>);
    let draft = RwSignal::new(RetentionDraft::default());
    let outcome = RwSignal::new(Outcome::None);
    // The fields are drawn once the default is read, not again with each answer.
    let loaded = Memo::new(move |_| answer.with(Option::is_some));
    let show = move |read: Value| {
        draft.set(RetentionDraft::of(read.get("policy").unwrap_or(&Value::Null)));
        answer.set(Some(read));
    };
    spawn_local(async move {
        match api::retention_policy().await {
            Ok(read) => show(read),
            Err(error) => outcome.set(Outcome::Failed(error.sentence())),
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let policy = match draft.get_untracked().policy() {
            Ok(policy) => to_value(&policy).unwrap_or_default(),
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::save_retention_policy(&policy).await {
                Ok(saved) => {
                    let words = policy_words(saved.get("policy").unwrap_or(&Value::Null));
                    outcome.set(Outcome::Done(format!("The organisation's default is saved: {words}.")));
                    show(saved);
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    view! {
        <form class="panel editor retention-part" aria-labelledby="default-retention-heading" on:submit=submit>
            <h2 id="default-retention-heading">"Organisation's default retention"</h2>
            <p class="hint">
                {move || answer.with(|answer| match answer {
                    Some(answer) => default_policy_words(answer),
                    None => "Reading the organisation's default…".to_owned(),
                })}
                " Products with a policy of their own (the Products tab) follow theirs."
            </p>
            {move || loaded.get().then(|| view! {
                <RetentionFields prefix="default-retention" draft=draft disabled=!manages
                    change=Callback::new(move |(which, typed)| draft.update(|d| d.set(which, typed)))/>
            })}
            {manages.then(|| view! { <div class="form-buttons"><button type="submit">"Save the default"</button></div> })}
            {outcome_view(outcome)}
        </form>
    }
}
