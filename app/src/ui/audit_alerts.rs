//! The alerts over the audit trail's last hour: someone exporting more serials than the alert threshold, or
//! many failed sign-ins (docs/DATA_PROTECTION.md). Read when the audit screen opens and on "Check again".

use crate::admin_view::field;
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn AuditAlerts() -> impl IntoView {
    let alerts = RwSignal::new(None::<Result<Vec<Value>, String>>);
    let load = move || {
        spawn_local(async move { alerts.set(Some(api::audit_alerts().await.map_err(|error| error.sentence()))) })
    };
    load();
    move || {
        alerts.with(|read| match read {
            None => None,
            Some(Err(message)) => Some(view! { <p class="form-error">{format!("Alerts: {message}")}</p> }.into_any()),
            Some(Ok(list)) if list.is_empty() => {
                Some(view! { <p class="hint">"No alerts in the last hour."</p> }.into_any())
            }
            Some(Ok(list)) => Some(
                view! {
                    <section class="audit-alerts" aria-label="Alerts">
                        <h2>{match list.len() { 1 => "1 alert in the last hour".to_owned(), many => format!("{many} alerts in the last hour") }}</h2>
                        <ul>{list.iter().map(|alert| view! { <li>{field(alert, "words")}</li> }).collect_view()}</ul>
                        <button type="button" class="secondary small" on:click=move |_| load()>"Check again"</button>
                    </section>
                }
                .into_any(),
            ),
        })
    }
}
