//! Unit lookup: scan or type a code, press Enter, see the unit and its history — from this device's data,
//! refreshed from the server when online.

use super::device::LookupState;
use super::pack_history::PackHistory;
use super::pending_changes::PendingChanges;
use super::scan_box::ScanBox;
use super::unit_actions_panel::ActionPanel;
use super::unit_card::UnitCard;
use crate::lookup_key::PatternedProduct;
use crate::model::{HistoryRecord, UnitRecord};
use crate::sync_view::PendingChange;
use leptos::prelude::*;
use serialtrack_shared::ids::Serial;
use serialtrack_shared::unit::{UnitCommand, UnitKey};

/// Which panel is shown: a unit counts by its key alone, so a sync pass that changes the unit on screen (a
/// pending change confirmed, a status pulled) updates it in place and never rebuilds it — the form the user
/// is typing in, a selection and the scroll position stay.
#[derive(Debug, Clone, PartialEq)]
enum Panel {
    Idle,
    Searching,
    Missing(String),
    Choose(Serial, Vec<PatternedProduct>),
    Unit(String),
}

impl Panel {
    fn of(state: &LookupState) -> Panel {
        match state {
            LookupState::Idle => Panel::Idle,
            LookupState::Searching => Panel::Searching,
            LookupState::Missing(message) => Panel::Missing(message.clone()),
            LookupState::Choose { serial, products } => Panel::Choose(serial.clone(), products.clone()),
            LookupState::Found { unit, .. } => Panel::Unit(unit.key.clone()),
        }
    }
}

#[component]
pub fn LookupPage(
    state: ReadSignal<LookupState>,
    on_lookup: Callback<(String, Option<char>)>,
    /// Opens the unit the person chose among several products.
    on_open: Callback<UnitKey>,
    on_act: Callback<UnitCommand>,
    action_error: RwSignal<Option<String>>,
    patterned: Signal<Vec<PatternedProduct>>,
) -> impl IntoView {
    let panel = Memo::new(move |_| state.with(Panel::of));
    view! {
        <ScanBox heading="Unit lookup" on_enter=on_lookup patterned=patterned/>
        <section class="panel lookup-result" aria-live="polite" aria-label="Lookup result">
            {move || match panel.get() {
                Panel::Idle => view! {
                    <p class="hint">"Scan a unit, or type its code and press Enter, to see its status and history."</p>
                }
                .into_any(),
                Panel::Searching => view! { <p class="hint">"Looking up…"</p> }.into_any(),
                Panel::Missing(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                Panel::Choose(serial, products) => view! {
                    <p id="choose-heading">{format!("Units of {} products have serial {serial}: which one?", products.len())}</p>
                    <ul class="choices" aria-labelledby="choose-heading">
                        {products
                            .into_iter()
                            .map(|product| {
                                let label = format!("{} · {}", product.code, product.name);
                                let key = UnitKey { product: product.code, serial: serial.clone() };
                                view! {
                                    <li>
                                        <button type="button" class="secondary" on:click=move |_| on_open.run(key.clone())>
                                            {label}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
                Panel::Unit(_) => view! { <FoundUnit state=state on_act=on_act action_error=action_error/> }.into_any(),
            }}
        </section>
    }
}

/// The unit on screen; each part follows the lookup state, keeping its last value while the panel turns away.
#[component]
fn FoundUnit(
    state: ReadSignal<LookupState>,
    on_act: Callback<UnitCommand>,
    action_error: RwSignal<Option<String>>,
) -> impl IntoView {
    let LookupState::Found { unit, history, fresh, changes } = state.get_untracked() else {
        return ().into_any();
    };
    let unit = follow(state, unit, |unit, _, _, _| unit.clone());
    let history = follow(state, history, |_, history, _, _| history.clone());
    let fresh = follow(state, fresh, |_, _, fresh, _| *fresh);
    let changes = follow(state, changes, |_, _, _, changes| changes.clone());
    let status = Signal::derive(move || unit.with(|unit| unit.status.clone()));
    view! {
        {move || (!fresh.get()).then(|| view! {
            <p class="notice">"Shown from this device's data, as saved when it was last looked up online."</p>
        })}
        <UnitCard unit=unit.into() history=history.into()>
            <ActionPanel status=status on_act=on_act error=action_error/>
            <PendingChanges changes=changes.into()/>
            <PackHistory unit=unit.into()/>
        </UnitCard>
    }
    .into_any()
}

/// One part of the found unit as a memo: it changes only when that part does.
fn follow<T: Clone + PartialEq + Send + Sync + 'static>(
    state: ReadSignal<LookupState>,
    initial: T,
    part: fn(&UnitRecord, &Vec<HistoryRecord>, &bool, &Vec<PendingChange>) -> T,
) -> Memo<T> {
    Memo::new(move |previous: Option<&T>| {
        state.with(|state| match state {
            LookupState::Found { unit, history, fresh, changes } => part(unit, history, fresh, changes),
            _ => previous.cloned().unwrap_or_else(|| initial.clone()),
        })
    })
}
