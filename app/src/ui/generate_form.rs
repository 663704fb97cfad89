//! "Generate serials": up to 500,000 at once, sent in calls of 50,000 so a progress bar (with its state in
//! words) moves; the counts and the donut follow each answer.

use super::count_field::CountField;
use super::device::Device;
use super::pool_state::{keep_counts, refresh_counts};
use crate::api;
use crate::pool_actions::{after_added, generation_calls, generation_progress, parse_count, MAX_GENERATE};
use crate::pool_import::group_thousands;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// How long to wait before each retry of a call that met no network or a busy server.
const RETRY_WAITS_MS: [u32; 3] = [1_000, 3_000, 9_000];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Run {
    Idle,
    Running { done: u64, total: u64 },
    Done { total: u64 },
    Failed { done: u64, total: u64, message: String },
}

#[component]
pub fn GenerateForm(product_id: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let count = RwSignal::new(String::new());
    let run = RwSignal::new(Run::Idle);
    let error = RwSignal::new(None::<String>);
    let running = move || matches!(run.get(), Run::Running { .. });
    let input_id = format!("generate-count-{product_id}");
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if running() {
            return;
        }
        match parse_count(&count.get_untracked(), MAX_GENERATE) {
            Err(message) => error.set(Some(message)),
            Ok(total) => {
                error.set(None);
                spawn_local(generate(device, product_id.clone(), total, run));
            }
        }
    };
    view! {
        <form class="action-form" aria-label="Generate serials" on:submit=submit>
            <h4>"Generate serials"</h4>
            <CountField id=input_id max=MAX_GENERATE count=count/>
            <div class="form-buttons">
                <button type="submit" disabled=move || running() || !device.online.get()>"Generate"</button>
            </div>
            {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            {move || progress_view(run.get())}
        </form>
    }
}

fn progress_view(run: Run) -> Option<AnyView> {
    let (done, total, words) = match run {
        Run::Idle => return None,
        Run::Running { done, total } => (done, total, generation_progress(done, total)),
        Run::Done { total } => (total, total, generation_progress(total, total)),
        Run::Failed { done, total, message } => {
            let words = format!(
                "Generated {} of {} serials, then the server refused: {message}",
                group_thousands(done),
                group_thousands(total)
            );
            return Some(view! { <p class="form-error progress-words" role="alert">{words}</p> }.into_any());
        }
    };
    let percent = (done * 100).checked_div(total).unwrap_or(0);
    Some(
        view! {
            <div
                class="progress"
                role="progressbar"
                aria-label="Generating serials"
                aria-valuemin="0"
                aria-valuemax=total.to_string()
                aria-valuenow=done.to_string()
                aria-valuetext=words.clone()
            >
                <div class="progress-fill" style=format!("width: {percent}%")></div>
            </div>
            <p class="progress-words" role="status">{words}</p>
        }
        .into_any(),
    )
}

/// One call, retried (with the same idempotency key, so never generated twice) while the network or the server
/// says "not now".
async fn generate_call(product_id: &str, count: u32) -> Result<u64, api::ApiError> {
    let key = crate::db::new_op_id().to_string();
    let mut answer = api::pool_generate(product_id, count, &key).await;
    for wait_ms in RETRY_WAITS_MS {
        match &answer {
            Err(error) if error.is_transient() => {
                gloo_timers::future::TimeoutFuture::new(wait_ms).await;
                answer = api::pool_generate(product_id, count, &key).await;
            }
            _ => break,
        }
    }
    answer
}

/// Sends the calls one after the other; each answer moves the bar and the counts.
async fn generate(device: Device, product_id: String, total: u32, run: RwSignal<Run>) {
    let total = u64::from(total);
    let mut done = 0;
    run.try_set(Run::Running { done, total });
    for call in generation_calls(total as u32) {
        match generate_call(&product_id, call).await {
            Ok(added) => {
                done += added;
                keep_counts(device, &product_id, |product| after_added(product, added)).await;
                run.try_set(Run::Running { done, total });
            }
            Err(error) => {
                run.try_set(Run::Failed { done, total, message: error.sentence() });
                refresh_counts(device).await;
                return;
            }
        }
    }
    run.try_set(Run::Done { total: done });
}
