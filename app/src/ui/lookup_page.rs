//! Unit lookup: scan or type a code, press Enter, see the unit and its history — from this device's data,
//! refreshed from the server when online.

use super::pack_history::PackHistory;
use super::pending_changes::PendingChanges;
use super::scan_box::ScanBox;
use super::unit_actions_panel::ActionPanel;
use super::unit_card::UnitCard;
use crate::model::{HistoryRecord, UnitRecord};
use crate::sync_view::PendingChange;
use leptos::prelude::*;
use serialtrack_shared::unit::UnitCommand;

/// What the lookup panel shows.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupState {
    Idle,
    Searching,
    Found { unit: UnitRecord, history: Vec<HistoryRecord>, fresh: bool, changes: Vec<PendingChange> },
    Missing(String),
}

#[component]
pub fn LookupPage(
    state: ReadSignal<LookupState>,
    on_lookup: Callback<(String, Option<char>)>,
    on_act: Callback<UnitCommand>,
    action_error: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <ScanBox heading="Unit lookup" on_enter=on_lookup/>
        <section class="panel lookup-result" aria-live="polite" aria-label="Lookup result">
            {move || match state.get() {
                LookupState::Idle => view! {
                    <p class="hint">"Scan a unit, or type its code and press Enter, to see its status and history."</p>
                }
                .into_any(),
                LookupState::Searching => view! { <p class="hint">"Looking up…"</p> }.into_any(),
                LookupState::Missing(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                LookupState::Found { unit, history, fresh, changes } => view! {
                    {(!fresh).then(|| view! {
                        <p class="notice">"Shown from this device's data, as saved when it was last looked up online."</p>
                    })}
                    <UnitCard unit=unit.clone() history=history>
                        <ActionPanel status=unit.status.clone() on_act=on_act error=action_error/>
                        <PendingChanges changes=changes/>
                        <PackHistory unit=unit.clone()/>
                    </UnitCard>
                }
                .into_any(),
            }}
        </section>
    }
}
