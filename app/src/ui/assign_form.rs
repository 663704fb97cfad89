//! "Assign serials": a count and what for — a printing order (lot, expiry; its labels then download as CSV)
//! or a partner (a CMO, which then finds them available in its own pool).

use super::count_field::CountField;
use super::device::Device;
use super::pool_state::{keep_counts, refresh_counts};
use crate::api::{self, Partner};
use crate::pool_actions::{after_assigned, parse_count, printing_order, MAX_ASSIGN};
use crate::pool_import::group_thousands;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    PrintingOrder,
    Partner,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Idle,
    Sending,
    Printing { order_id: String, quantity: u64 },
    Partnered { count: u64, partner: String },
    Refused(Vec<String>),
}

/// The partners to choose from: a list from the server, or (when it lists none) a typed tenant id.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Partners {
    Loading,
    Listed(Vec<Partner>),
    Typed,
    Unavailable(String),
}

#[component]
pub fn AssignForm(product_id: String) -> impl IntoView {
    let device = expect_context::<Device>();
    let purpose = RwSignal::new(Purpose::PrintingOrder);
    let count = RwSignal::new(String::new());
    let lot = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let partner_id = RwSignal::new(String::new());
    let partners = RwSignal::new(Partners::Loading);
    let outcome = RwSignal::new(Outcome::Idle);
    spawn_local(load_partners(partners, partner_id));
    let id = |field: &str| format!("assign-{field}-{product_id}");
    let (count_id, lot_id, expiry_id, partner_field_id) = (id("count"), id("lot"), id("expiry"), id("partner"));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if outcome.get_untracked() == Outcome::Sending {
            return;
        }
        let request = match purpose.get_untracked() {
            Purpose::PrintingOrder => {
                printing_order(&lot.get_untracked(), &expiry.get_untracked(), &count.get_untracked())
                    .map(Request::Printing)
            }
            Purpose::Partner => partner_request(&count.get_untracked(), &partner_id.get_untracked(), &partners),
        };
        match request {
            Err(problems) => outcome.set(Outcome::Refused(problems)),
            Ok(request) => {
                outcome.set(Outcome::Sending);
                spawn_local(assign(device, product_id.clone(), request, outcome));
            }
        }
    };
    let radio = move |value: Purpose, label: &'static str| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="assign-purpose"
                    prop:checked=move || purpose.get() == value
                    on:change=move |_| purpose.set(value)
                />
                {label}
            </label>
        }
    };
    view! {
        <form class="action-form" aria-label="Assign serials" on:submit=submit>
            <h4>"Assign serials"</h4>
            <CountField id=count_id max=MAX_ASSIGN count=count/>
            <fieldset class="choices">
                <legend>"What for"</legend>
                {radio(Purpose::PrintingOrder, "Printing order")}
                {radio(Purpose::Partner, "Partner")}
            </fieldset>
            <Show when=move || purpose.get() == Purpose::PrintingOrder>
                <label for=lot_id.clone()>"Lot"</label>
                <input id=lot_id.clone() type="text" autocomplete="off" prop:value=lot
                    on:input=move |event| lot.set(event_target_value(&event))/>
                <label for=expiry_id.clone()>"Expiry"</label>
                <input id=expiry_id.clone() type="date" prop:value=expiry
                    on:input=move |event| expiry.set(event_target_value(&event))/>
            </Show>
            <Show when=move || purpose.get() == Purpose::Partner>
                <label for=partner_field_id.clone()>
                    {move || if partners.get() == Partners::Typed { "Partner's tenant id" } else { "Which partner" }}
                </label>
                {
                    let field_id = partner_field_id.clone();
                    move || partner_field(field_id.clone(), partners.get(), partner_id)
                }
            </Show>
            <div class="form-buttons">
                <button type="submit" disabled=move || outcome.get() == Outcome::Sending || !device.online.get()>
                    "Assign"
                </button>
            </div>
            {move || outcome_view(outcome.get())}
        </form>
    }
}

fn partner_field(id: String, partners: Partners, partner_id: RwSignal<String>) -> AnyView {
    match partners {
        Partners::Listed(list) if !list.is_empty() => view! {
            <select id=id prop:value=partner_id on:change=move |event| partner_id.set(event_target_value(&event))>
                {list.into_iter().map(|partner| view! { <option value=partner.id>{partner.name}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Partners::Listed(_) => view! { <p id=id class="hint">"Your organisation has no partners yet."</p> }.into_any(),
        Partners::Loading => view! { <p id=id class="hint">"Loading your partners…"</p> }.into_any(),
        Partners::Unavailable(message) => view! { <p id=id class="form-error">{message}</p> }.into_any(),
        Partners::Typed => view! {
            <input id=id type="text" autocomplete="off" prop:value=partner_id
                on:input=move |event| partner_id.set(event_target_value(&event))/>
        }
        .into_any(),
    }
}

async fn load_partners(partners: RwSignal<Partners>, partner_id: RwSignal<String>) {
    let loaded = match api::partners().await {
        Ok(Some(list)) => {
            if let Some(first) = list.first() {
                partner_id.try_set(first.id.clone());
            }
            Partners::Listed(list)
        }
        Ok(None) => Partners::Typed,
        Err(error) => Partners::Unavailable(error.sentence()),
    };
    partners.try_set(loaded);
}

enum Request {
    Printing(crate::pool_actions::PrintingOrder),
    Partner { count: u32, partner: Partner },
}

fn partner_request(count: &str, partner_id: &str, partners: &RwSignal<Partners>) -> Result<Request, Vec<String>> {
    let count = parse_count(count, MAX_ASSIGN).map_err(|message| vec![format!("Count: {message}")])?;
    let partner_id = partner_id.trim();
    if partner_id.is_empty() {
        return Err(vec!["Partner: choose the partner to give the serials to.".into()]);
    }
    let name = partners.with_untracked(|partners| match partners {
        Partners::Listed(list) => {
            list.iter().find(|partner| partner.id == partner_id).map(|partner| partner.name.clone())
        }
        _ => None,
    });
    let partner = Partner { id: partner_id.to_owned(), name: name.unwrap_or_else(|| partner_id.to_owned()) };
    Ok(Request::Partner { count, partner })
}

async fn assign(device: Device, product_id: String, request: Request, outcome: RwSignal<Outcome>) {
    let answer = match request {
        Request::Printing(order) => api::create_printing_order(&product_id, &order)
            .await
            .map(|order| Outcome::Printing { order_id: order.id, quantity: order.quantity }),
        Request::Partner { count, partner } => api::pool_assign_to_partner(&product_id, count, &partner)
            .await
            .map(|count| Outcome::Partnered { count, partner: partner.name }),
    };
    match answer {
        Ok(done) => {
            let moved = match &done {
                Outcome::Printing { quantity, .. } => *quantity,
                Outcome::Partnered { count, .. } => *count,
                _ => 0,
            };
            keep_counts(device, &product_id, |product| after_assigned(product, moved)).await;
            outcome.try_set(done);
            refresh_counts(device).await;
        }
        Err(error) => {
            outcome.try_set(Outcome::Refused(vec![error.sentence()]));
        }
    }
}

fn outcome_view(outcome: Outcome) -> Option<AnyView> {
    match outcome {
        Outcome::Idle => None,
        Outcome::Sending => Some(view! { <p class="progress-words" role="status">"Assigning serials…"</p> }.into_any()),
        Outcome::Printing { order_id, quantity } => Some(
            view! {
                <p class="progress-words" role="status">
                    {format!("Printing order created: {} serials assigned to it.", group_thousands(quantity))}
                </p>
                <p><a class="button-link" href=api::labels_csv_url(&order_id) download="">"Download labels (CSV)"</a></p>
            }
            .into_any(),
        ),
        Outcome::Partnered { count, partner } => Some(
            view! {
                <p class="progress-words" role="status">
                    {format!("Assigned {} serials to {partner}.", group_thousands(count))}
                </p>
            }
            .into_any(),
        ),
        Outcome::Refused(problems) => Some(
            view! {
                <div class="form-error" role="alert">
                    {problems.into_iter().map(|problem| view! { <p>{problem}</p> }).collect_view()}
                </div>
            }
            .into_any(),
        ),
    }
}
