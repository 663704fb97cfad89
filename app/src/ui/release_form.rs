//! "Release serials": assigned serials (pasted, one per line) back to Available — all or none; a refusal
//! lists each serial the server would not release and why.

use super::device::Device;
use super::pool_state::{keep_counts, refresh_counts};
use super::problem_list::ProblemList;
use crate::api;
use crate::pool_actions::after_released;
use crate::pool_import::{group_thousands, problems_heading, read_serials, FileKind, ItemProblem};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Release {
    Idle,
    BadLines(Vec<ItemProblem>),
    Sending { count: usize },
    Released { count: u64 },
    Refused { message: String, problems: Vec<ItemProblem> },
}

#[component]
pub fn ReleaseForm(product_id: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let text = RwSignal::new(String::new());
    let state = RwSignal::new(Release::Idle);
    let input_id = format!("release-serials-{product_id}");
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if matches!(state.get_untracked(), Release::Sending { .. }) {
            return;
        }
        match read_serials(&text.get_untracked(), FileKind::Text) {
            Err(problems) => state.set(Release::BadLines(problems)),
            Ok(serials) => {
                state.set(Release::Sending { count: serials.len() });
                let product_id = product_id.clone();
                spawn_local(async move {
                    let answer = api::pool_release(&product_id, &serials).await;
                    released(device, &product_id, answer, state, text).await;
                });
            }
        }
    };
    view! {
        <form class="action-form" aria-label="Release serials" on:submit=submit>
            <h4>"Release serials"</h4>
            <label for=input_id.clone()>"Serials to release, one per line"</label>
            <textarea
                id=input_id
                rows="5"
                autocomplete="off"
                spellcheck="false"
                prop:value=text
                on:input=move |event| text.set(event_target_value(&event))
            ></textarea>
            <div class="form-buttons">
                <button
                    type="submit"
                    disabled=move || matches!(state.get(), Release::Sending { .. }) || !device.online.get()
                >
                    "Release"
                </button>
            </div>
            {move || state_view(state.get())}
        </form>
    }
}

async fn released(
    device: Device,
    product_id: &str,
    answer: Result<u64, api::ListedError>,
    state: RwSignal<Release>,
    text: RwSignal<String>,
) {
    match answer {
        Ok(count) => {
            keep_counts(device, product_id, |product| after_released(product, count)).await;
            text.try_set(String::new());
            state.try_set(Release::Released { count });
            refresh_counts(device).await;
        }
        Err((error, listed)) => {
            // The server lists every refused serial with why in `errors`.
            state.try_set(Release::Refused { message: error.sentence(), problems: listed });
        }
    }
}

fn state_view(state: Release) -> Option<AnyView> {
    match state {
        Release::Idle => None,
        Release::BadLines(problems) => Some(
            view! { <ProblemList heading=problems_heading(problems.len()) label="Problems in the list" problems=problems/> }
                .into_any(),
        ),
        Release::Sending { count } => Some(
            view! { <p class="progress-words" role="status">{format!("Releasing {} serials…", group_thousands(count as u64))}</p> }
                .into_any(),
        ),
        Release::Released { count } => Some(
            view! { <p class="progress-words" role="status">{format!("Released {} serials: they are available again.", group_thousands(count))}</p> }
                .into_any(),
        ),
        Release::Refused { message, problems } if problems.is_empty() => Some(
            view! { <p class="form-error" role="alert">{format!("Nothing was released: {message}")}</p> }.into_any(),
        ),
        Release::Refused { problems, .. } => Some(
            view! {
                <ProblemList
                    heading=format!("Nothing was released: {} of the serials cannot be released.", problems.len())
                    label="Serials not released"
                    problems=problems
                />
            }
            .into_any(),
        ),
    }
}
