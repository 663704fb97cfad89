//! "Audit trail", for auditors, quality and admins: every change the server recorded, filtered by who, object,
//! kind and period, exported as CSV, and the chain checked for edits (docs/AUDIT.md). The trail lives on the
//! server: the screen reads it while online and says so offline.

use super::audit_alerts::AuditAlerts;
use crate::api;
use crate::audit_view::{verify_words, AuditEntry, AuditFilters, OBJECT_KINDS};
use crate::history_view::{sentence_case, shown_time};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AuditTrailPage(online: ReadSignal<bool>) -> impl IntoView {
    let filters = RwSignal::new(AuditFilters::default());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let (next_after, set_next_after) = signal(None::<i64>);
    let (problem, set_problem) = signal(None::<String>);
    let (loading, set_loading) = signal(false);
    let (checked, set_checked) = signal(None::<Result<String, String>>);
    // The query the shown entries (and the export) were read with; `None` until the filters are valid.
    let shown_query = RwSignal::new(None::<Vec<(&'static str, String)>>);

    // "Show more" goes on with the query the shown entries came from, not with filters typed since.
    let load = move |more: bool| {
        let shown = if more { shown_query.get_untracked().zip(next_after.get_untracked()) } else { None };
        let (query, after) = match shown {
            Some(more) => more,
            None => match filters.get_untracked().query() {
                Ok(query) => (query, 0),
                Err(message) => return set_problem.set(Some(message)),
            },
        };
        set_problem.set(None);
        set_loading.set(true);
        spawn_local(async move {
            match api::audit_page(&query, after).await {
                Ok(page) => {
                    if more {
                        entries.update(|shown| shown.extend(page.entries));
                    } else {
                        entries.set(page.entries);
                    }
                    set_next_after.set(page.has_more.then_some(page.next_after));
                    shown_query.set(Some(query));
                }
                Err(error) => set_problem.set(Some(error.sentence())),
            }
            set_loading.set(false);
        });
    };
    Effect::new(move |_| {
        if online.get() {
            load(false);
        }
    });
    let check = move |_| {
        set_checked.set(None);
        spawn_local(async move {
            set_checked
                .set(Some(api::audit_verify().await.map(|report| verify_words(&report)).map_err(|e| e.sentence())));
        });
    };
    let field = move |id: &'static str,
                      label: &'static str,
                      hint: &'static str,
                      get: fn(&AuditFilters) -> &String,
                      set: fn(&mut AuditFilters, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input
                    id=id
                    type="text"
                    placeholder=hint
                    prop:value=move || filters.with(|filters| get(filters).clone())
                    on:input=move |event| filters.update(|filters| set(filters, event_target_value(&event)))
                    on:keydown=move |event| if event.key() == "Enter" { load(false) }
                />
            </div>
        }
    };
    view! {
        <section class="panel audit" aria-labelledby="audit-heading">
            <h1 id="audit-heading">"Audit trail"</h1>
            <p class="hint">
                "Every change the server recorded: who, what, when and why, in the order it happened. Each entry is \
                 linked to the one before it, so an edited, deleted or inserted entry shows in the check."
            </p>
            {move || online.get().then(|| view! { <AuditAlerts/> })}
            <div class="audit-filters">
                {field("audit-actor", "Who", "user:ada", |f| &f.actor, |f, v| f.actor = v)}
                <div class="field">
                    <label for="audit-object-kind">"Object"</label>
                    <select
                        id="audit-object-kind"
                        prop:value=move || filters.with(|filters| filters.object_kind.clone())
                        on:change=move |event| filters.update(|filters| filters.object_kind = event_target_value(&event))
                    >
                        <option value="">"Any object"</option>
                        {OBJECT_KINDS.iter().map(|(name, words)| view! { <option value=*name>{*words}</option> }).collect_view()}
                    </select>
                </div>
                {field("audit-object-id", "Object id", "09506000134352/A1", |f| &f.object_id, |f, v| f.object_id = v)}
                {field("audit-kind", "What happened", "unit.command", |f| &f.kind, |f, v| f.kind = v)}
                {field("audit-from", "First day", "2026-11-23", |f| &f.from_day, |f, v| f.from_day = v)}
                {field("audit-to", "Last day", "2026-11-30", |f| &f.to_day, |f, v| f.to_day = v)}
            </div>
            <div class="form-buttons">
                <button type="button" on:click=move |_| load(false) disabled=move || !online.get() || loading.get()>
                    "Show entries"
                </button>
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| filters.set(AuditFilters::default())
                >
                    "Clear filters"
                </button>
                {move || shown_query.get().map(|query| view! {
                    <a class="button-link" href=api::audit_export_url(&query) download="audit-trail.csv">
                        "Export these as CSV"
                    </a>
                })}
                <button type="button" class="secondary" on:click=check disabled=move || !online.get()>
                    "Check the chain"
                </button>
            </div>
            {move || checked.get().map(|result| match result {
                Ok(words) => view! { <p class="audit-check" role="status">{words}</p> },
                Err(message) => view! { <p class="error" role="alert">{message}</p> },
            })}
            {move || {
                let offline = (!online.get()).then(|| "The audit trail shows when this device is online.".to_owned());
                problem.get().or(offline).map(|message| view! { <p class="error" role="alert">{message}</p> })
            }}
            <p class="count" role="status">
                {move || match (loading.get(), entries.with(Vec::len)) {
                    (true, _) => "Reading entries…".to_owned(),
                    (false, 0) => "No entries match these filters.".to_owned(),
                    (false, count) => format!("{} entries shown", serialtrack_shared::words::thousands(count as u64)),
                }}
            </p>
            <div class="table-scroll">
            <table class="pool-table audit-table">
                <caption class="visually-hidden">"Audit entries"</caption>
                <thead>
                    <tr>
                        <th scope="col">"#"</th>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"What happened"</th>
                        <th scope="col">"Object"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Why"</th>
                    </tr>
                </thead>
                // Read-only rows, rebuilt when the entries change: a keyed list would weigh more than it saves.
                <tbody>{move || entries.with(|shown| shown.iter().map(entry_row).collect_view())}</tbody>
            </table>
            </div>
            {move || next_after.get().map(|_| view! {
                <button type="button" class="secondary" on:click=move |_| load(true) disabled=move || loading.get()>
                    "Show more"
                </button>
            })}
        </section>
    }
}

/// One entry as a table row: its seq, server time (and the device's, for offline work), who, what, object,
/// change and reason.
fn entry_row(entry: &AuditEntry) -> impl IntoView {
    let when = match entry.client_time.as_deref() {
        Some(device) => format!("{} (device: {})", shown_time(&entry.at), shown_time(device)),
        None => shown_time(&entry.at),
    };
    let what = entry.kind.as_deref().map(|kind| sentence_case(&kind.replace('.', ": "))).unwrap_or_default();
    view! {
        <tr>
            <td>{entry.seq}</td>
            <td>{when}</td>
            <td>{entry.who()}</td>
            <td>{what}</td>
            <td>{entry.object()}</td>
            <td class="audit-change">{entry.change()}</td>
            <td>{entry.reason.clone().unwrap_or_default()}</td>
        </tr>
    }
}
