//! The line screen: a line operator picks a packaging order, reserves a block of its serials for this tablet
//! (online), then commissions packs one by one — by a big button or by scanning the printed code — offline too.
//! Just-commissioned units can be decommissioned (e.g. damaged at the line) from here.

use super::device::Device;
use super::line_state::{self, LineState};
use super::unit_actions_panel::ActionPanel;
use super::unit_card::status_words;
use super::unit_state;
use crate::line_work::{progress_words, scanned_serial, OrderRecord, DEFAULT_BLOCK_SIZE};
use crate::model::UnitRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serialtrack_shared::unit::{CommandKind, UnitCommand};

/// What the line offers on a just-commissioned unit.
const LINE_ACTIONS: &[CommandKind] = &[CommandKind::Decommission, CommandKind::UndoDecommission];

#[component]
pub fn LinePage() -> impl IntoView {
    let device = expect_context::<Device>();
    let line = LineState::new();
    spawn_local(line_state::start(device, line));
    // The server's counts follow this tablet's pushes: re-read the order whenever the outbox drains.
    Effect::new(move |_| {
        if device.sync.waiting.get() == 0 && device.online.get() {
            spawn_local(line_state::refresh_orders(device, line));
        }
    });
    view! {
        <section class="panel line-page" aria-labelledby="line-heading">
            <h1 id="line-heading">"Packaging line"</h1>
            {move || match line.order() {
                None => view! { <OrderList line=line/> }.into_any(),
                Some(order) => view! { <OrderWork line=line order=order/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OrderList(line: LineState) -> impl IntoView {
    let device = expect_context::<Device>();
    view! {
        <div class="toolbar">
            <button
                type="button"
                class="secondary"
                disabled=move || !device.online.get()
                on:click=move |_| spawn_local(line_state::refresh_orders(device, line))
            >
                "Refresh orders"
            </button>
        </div>
        <LineMessage line=line/>
        {move || {
            line.orders.with(Vec::is_empty).then(|| view! {
                <p class="hint">"No packaging orders on this device: connect, then refresh the orders."</p>
            })
        }}
        <ul class="order-list" aria-label="Packaging orders">
            <For each=move || line.orders.get() key=|order| (order.id.clone(), order.counts.clone()) let:order>
                <li class="order-item">
                    <button
                        type="button"
                        class="order-open"
                        on:click={
                            let id = order.id.clone();
                            move |_| spawn_local(line_state::open_order(device, line, Some(id.clone())))
                        }
                    >
                        <strong>{order.title()}</strong>
                        <span class="hint">
                            {format!("{} commissioned · expiry {}", order.counts.commissioned, order.expiry)}
                        </span>
                    </button>
                </li>
            </For>
        </ul>
    }
}

#[component]
fn OrderWork(line: LineState, order: OrderRecord) -> impl IntoView {
    let device = expect_context::<Device>();
    let count = RwSignal::new(DEFAULT_BLOCK_SIZE.to_string());
    let scanned = RwSignal::new(String::new());
    let progress = {
        let order = order.clone();
        move || progress_words(&order, line.pending.get(), line.block.with(|block| block.serials.len()))
    };
    let reserve = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match count.get_untracked().trim().parse::<u32>() {
            Ok(wanted @ 1..=10_000) => spawn_local(line_state::reserve(device, line, wanted)),
            _ => line.message.set(Some((true, "Reserve between 1 and 10,000 serials at a time.".into()))),
        }
    };
    let scan = {
        let order = order.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let input = scanned.get_untracked();
            scanned.set(String::new());
            match scanned_serial(&input, None, &order) {
                Ok(serial) => spawn_local(line_state::commission(device, line, Some(serial))),
                Err(message) => line.message.set(Some((true, message))),
            }
        }
    };
    let not_given = || "—".to_owned();
    view! {
        <button type="button" class="secondary small" on:click=move |_| spawn_local(line_state::open_order(device, line, None))>
            "All orders"
        </button>
        <h2>{order.title()}</h2>
        <dl class="facts order-facts">
            <dt>"Product"</dt><dd>{format!("{} · {}", order.product_name, order.code)}</dd>
            <dt>"Lot"</dt><dd>{order.lot.clone()}</dd>
            <dt>"Expiry"</dt><dd>{order.expiry.clone()}</dd>
            <dt>"Line"</dt><dd>{order.line.clone().unwrap_or_else(not_given)}</dd>
            <dt>"Quantity"</dt><dd>{order.quantity}</dd>
            <dt>"Counts"</dt>
            <dd>{format!(
                "{} assigned · {} reserved · {} commissioned (as the server last said)",
                order.counts.assigned, order.counts.reserved, order.counts.commissioned
            )}</dd>
        </dl>
        <p class="line-progress" role="status" aria-label="Progress">{progress}</p>
        <div class="line-commission">
            <button
                type="button"
                class="line-next"
                on:click=move |_| spawn_local(line_state::commission(device, line, None))
            >
                "Commission next unit"
            </button>
            <form class="line-scan" on:submit=scan aria-label="Scan form">
                <label for="line-scan">"Scan printed code"</label>
                <input
                    id="line-scan"
                    type="text"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    placeholder="(01)…(21)… as the scanner sends it"
                    prop:value=scanned
                    on:input=move |event| scanned.set(event_target_value(&event))
                />
                <button type="submit" class="secondary">"Commission scanned"</button>
            </form>
        </div>
        <LineMessage line=line/>
        <LastUnits line=line/>
        <section class="line-block" aria-labelledby="block-heading">
            <h3 id="block-heading">"This tablet's serials"</h3>
            <form class="toolbar" on:submit=reserve>
                <div class="field">
                    <label for="reserve-count">"Serials to reserve"</label>
                    <input
                        id="reserve-count"
                        type="number"
                        min="1"
                        max="10000"
                        prop:value=count
                        on:input=move |event| count.set(event_target_value(&event))
                    />
                </div>
                <button type="submit" disabled=move || !device.online.get() || line.busy.get()>
                    "Reserve serials for this tablet"
                </button>
                <button
                    type="button"
                    class="secondary"
                    disabled=move || !device.online.get() || line.busy.get()
                    on:click=move |_| spawn_local(line_state::return_unused(device, line))
                >
                    "Return unused serials"
                </button>
            </form>
            {move || (!device.online.get()).then(|| view! {
                <p class="hint">"Reserving and returning serials needs the network; commissioning does not."</p>
            })}
        </section>
    }
}

/// The outcome of the last action: a problem as an alert, a success as a status.
#[component]
fn LineMessage(line: LineState) -> impl IntoView {
    move || {
        line.message.get().map(|(problem, sentence)| {
            if problem {
                view! { <p class="form-error" role="alert">{sentence}</p> }.into_any()
            } else {
                view! { <p class="notice" role="status">{sentence}</p> }.into_any()
            }
        })
    }
}

/// The last units commissioned on this tablet; one can be opened for its line actions (decommission, undo).
#[component]
fn LastUnits(line: LineState) -> impl IntoView {
    let device = expect_context::<Device>();
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    let act = Callback::new(move |command: UnitCommand| {
        spawn_local(async move {
            unit_state::act(device, command).await;
            // Done: close the unit's actions; refused: keep them open under the reason.
            if device.sync.action_error.get_untracked().is_none() {
                chosen.set(None);
            }
            line_state::after_unit_change(device, line).await;
        })
    });
    view! {
        <section class="line-last" aria-labelledby="last-heading">
            <h3 id="last-heading">"Last units"</h3>
            <ul class="last-units" aria-labelledby="last-heading">
                {move || line.last_units.get().into_iter().map(|unit: UnitRecord| {
                    let key = unit.key.clone();
                    let open = chosen.get().as_deref() == Some(key.as_str());
                    let status = unit.status.clone();
                    view! {
                        <li class="last-unit">
                            <span class="serial">{unit.serial.clone()}</span>
                            <span class=format!("status-badge status-{}", unit.status)>{status_words(&unit.status)}</span>
                            <button
                                type="button"
                                class="secondary small"
                                aria-expanded=open.to_string()
                                aria-label=format!("{} for {}", if open { "Close actions" } else { "Actions" }, unit.serial)
                                on:click={
                                    let key = key.clone();
                                    move |_| {
                                        device.sync.action_error.set(None);
                                        line.message.set(None);
                                        device.sync.current_unit.set(Some(key.clone()));
                                        chosen.set((!open).then(|| key.clone()));
                                    }
                                }
                            >
                                {if open { "Close actions" } else { "Actions" }}
                            </button>
                            {open.then(|| view! {
                                <ActionPanel status=status on_act=act error=device.sync.action_error only=LINE_ACTIONS/>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
