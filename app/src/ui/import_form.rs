//! "Import serials" from a file (CSV or text, one serial per line): checked on the device first, every bad
//! line listed; only a clean file is sent, and the server takes it whole or lists what it refuses — nothing
//! is ever half imported.

use super::device::Device;
use super::pool_state::{keep_counts, refresh_counts};
use super::problem_list::ProblemList;
use crate::api;
use crate::pool_actions::after_added;
use crate::pool_import::{group_thousands, problems_heading, read_serials, FileKind, ItemProblem};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serialtrack_shared::ids::Serial;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Import {
    NoFile,
    Reading,
    Unreadable,
    Ready { name: String, count: usize },
    BadLines(Vec<ItemProblem>),
    Sending { count: usize },
    Imported { added: u64 },
    Refused { message: String, problems: Vec<ItemProblem> },
}

#[component]
pub fn ImportForm(product_id: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let state = RwSignal::new(Import::NoFile);
    let checked: StoredValue<Vec<Serial>> = StoredValue::new(Vec::new());
    let input_id = format!("import-file-{product_id}");
    let on_file = move |event: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&event);
        match input.files().and_then(|files| files.get(0)) {
            Some(file) => spawn_local(check_file(file, state, checked)),
            None => state.set(Import::NoFile),
        }
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Import::Ready { count, .. } = state.get_untracked() {
            state.set(Import::Sending { count });
            spawn_local(import(device, product_id.clone(), checked, state));
        }
    };
    let ready = move || matches!(state.get(), Import::Ready { .. }) && device.online.get();
    view! {
        <form class="action-form" aria-label="Import serials" on:submit=submit>
            <h4>"Import serials"</h4>
            <label for=input_id.clone()>"File of serials (CSV or text, one per line)"</label>
            <input id=input_id type="file" accept=".csv,.txt,text/csv,text/plain" on:change=on_file/>
            <div class="form-buttons">
                <button type="submit" disabled=move || !ready()>"Import"</button>
            </div>
            {move || state_view(state.get())}
        </form>
    }
}

fn state_view(state: Import) -> Option<AnyView> {
    let words = |text: String| Some(view! { <p class="progress-words" role="status">{text}</p> }.into_any());
    match state {
        Import::NoFile => None,
        Import::Reading => words("Checking the file…".into()),
        Import::Unreadable => Some(
            view! { <p class="form-error" role="alert">"This file could not be read as text: choose a CSV or text file."</p> }
                .into_any(),
        ),
        Import::Ready { name, count } => {
            words(format!("{name}: {} serials, all valid. Import them?", group_thousands(count as u64)))
        }
        Import::BadLines(problems) => Some(
            view! { <ProblemList heading=problems_heading(problems.len()) label="Problems in the file" problems=problems/> }
                .into_any(),
        ),
        Import::Sending { count } => words(format!("Importing {} serials…", group_thousands(count as u64))),
        Import::Imported { added } => words(format!("Imported {} serials.", group_thousands(added))),
        Import::Refused { message, problems } if problems.is_empty() => Some(
            view! { <p class="form-error" role="alert">{format!("Nothing was imported: {message}")}</p> }.into_any(),
        ),
        Import::Refused { message, problems } => Some(
            view! {
                <ProblemList heading=format!("Nothing was imported: {message}") label="Problems the server found" problems=problems/>
            }
            .into_any(),
        ),
    }
}

async fn check_file(file: web_sys::File, state: RwSignal<Import>, checked: StoredValue<Vec<Serial>>) {
    state.try_set(Import::Reading);
    let name = file.name();
    let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|text| text.as_string());
    let Some(text) = text else {
        state.try_set(Import::Unreadable);
        return;
    };
    match read_serials(&text, FileKind::from_name(&name)) {
        Ok(serials) => {
            let count = serials.len();
            checked.set_value(serials);
            state.try_set(Import::Ready { name, count });
        }
        Err(problems) => {
            checked.set_value(Vec::new());
            state.try_set(Import::BadLines(problems));
        }
    }
}

async fn import(device: Device, product_id: String, checked: StoredValue<Vec<Serial>>, state: RwSignal<Import>) {
    let serials = checked.get_value();
    match api::pool_import(&product_id, &serials).await {
        Ok(added) => {
            checked.set_value(Vec::new());
            keep_counts(device, &product_id, |product| after_added(product, added)).await;
            state.try_set(Import::Imported { added });
            refresh_counts(device).await;
        }
        Err((error, problems)) => {
            state.try_set(Import::Refused { message: error.sentence(), problems });
        }
    }
}
