//! "What this device keeps": the units it opens (the default), or every unit of the tenant, filled from the
//! server's snapshot with a recent-history window and kept current by pulling.

use crate::sync_wire::KeepMode;
use leptos::prelude::*;

#[component]
pub fn SettingsPage(
    keep: ReadSignal<KeepMode>,
    progress: ReadSignal<Option<usize>>,
    data_from: ReadSignal<Option<String>>,
    fill_stopped_at: ReadSignal<Option<usize>>,
    on_keep: Callback<KeepMode>,
) -> impl IntoView {
    let option = move |mode: KeepMode, explanation: &'static str| {
        let id = format!("keep-{mode:?}");
        view! {
            <div class="choice">
                <input
                    type="radio"
                    name="keep"
                    id=id.clone()
                    prop:checked=move || keep.get() == mode
                    on:change=move |_| on_keep.run(mode)
                />
                <label for=id>
                    <strong>{mode.label()}</strong>
                    <span class="hint">{explanation}</span>
                </label>
            </div>
        }
    };
    view! {
        <section class="panel settings" aria-labelledby="keep-heading">
            <h2 id="keep-heading">"What this device keeps"</h2>
            <fieldset>
                <legend>"Keep on this device"</legend>
                {option(KeepMode::UnitsIOpen, "The units you look up, kept current while online.")}
                {option(KeepMode::AllUnits, "Every unit with its recent history, to work offline anywhere.")}
            </fieldset>
            <p role="status" class="hint">
                {move || match (progress.get(), fill_stopped_at.get(), data_from.get()) {
                    (Some(loaded), _, _) => format!("Loading units… {loaded} so far"),
                    (None, Some(loaded), _) => format!(
                        "Filling stopped after {loaded} units; it goes on by itself once the server can be reached"
                    ),
                    (None, None, Some(at)) => {
                        format!("Data from {}", crate::history_view::shown_minute(&at))
                    }
                    (None, None, None) => "Not filled from the server yet".to_owned(),
                }}
            </p>
        </section>
    }
}
