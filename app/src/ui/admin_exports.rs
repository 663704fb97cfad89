//! The data-protection tab: how many serials each role may export in a day, how many times a printing order's
//! labels may be downloaded, and when the audit trail raises an alert (docs/DATA_PROTECTION.md).

use super::admin_page::{outcome_view, text_input, Outcome};
use crate::api;
use crate::ceilings_form::CeilingsDraft;
use crate::history_view::sentence_case;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serialtrack_shared::unit::Role;

/// The form's fields, one signal each, made once the settings are read.
#[derive(Clone, Copy)]
struct Fields {
    per_role: StoredValue<Vec<(Role, RwSignal<String>)>>,
    label_downloads: RwSignal<String>,
    alert_exports: RwSignal<String>,
    alert_sign_ins: RwSignal<String>,
}

impl Fields {
    fn new(draft: CeilingsDraft) -> Self {
        Self {
            per_role: StoredValue::new(
                draft.per_role.into_iter().map(|(role, typed)| (role, RwSignal::new(typed))).collect(),
            ),
            label_downloads: RwSignal::new(draft.label_downloads),
            alert_exports: RwSignal::new(draft.alert_exports),
            alert_sign_ins: RwSignal::new(draft.alert_sign_ins),
        }
    }

    fn draft(self) -> CeilingsDraft {
        CeilingsDraft {
            per_role: self
                .per_role
                .with_value(|roles| roles.iter().map(|(role, typed)| (*role, typed.get_untracked())).collect()),
            label_downloads: self.label_downloads.get_untracked(),
            alert_exports: self.alert_exports.get_untracked(),
            alert_sign_ins: self.alert_sign_ins.get_untracked(),
        }
    }

    /// Shows what the server saved (its figures grouped in thousands).
    fn show(self, saved: CeilingsDraft) {
        self.per_role.with_value(|roles| {
            for ((_, typed), (_, saved)) in roles.iter().zip(saved.per_role) {
                typed.set(saved);
            }
        });
        self.label_downloads.set(saved.label_downloads);
        self.alert_exports.set(saved.alert_exports);
        self.alert_sign_ins.set(saved.alert_sign_ins);
    }
}

#[component]
pub fn DataProtectionTab() -> impl IntoView {
    let fields = RwSignal::new(None::<Fields>);
    let outcome = RwSignal::new(Outcome::None);
    spawn_local(async move {
        match api::export_ceilings().await {
            Ok(settings) => fields.set(Some(Fields::new(CeilingsDraft::of(&settings)))),
            Err(error) => outcome.set(Outcome::Failed(error.sentence())),
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(shown) = fields.get_untracked() else { return };
        let body = match shown.draft().body() {
            Ok(body) => body,
            Err(message) => return outcome.set(Outcome::Failed(message)),
        };
        spawn_local(async move {
            match api::save_export_ceilings(&body).await {
                Ok(saved) => {
                    shown.show(CeilingsDraft::of(&saved));
                    outcome.set(Outcome::Done("The data-protection settings are saved.".into()));
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let form = move || {
        fields.get().map(|shown| {
            let role_fields = shown.per_role.with_value(|roles| {
                roles
                    .iter()
                    .map(|(role, value)| {
                        let value = *value;
                        let id = format!("ceiling-{}", role.as_str());
                        let label = format!("{} (serials a day)", sentence_case(role.as_str()));
                        view! {
                            <div class="field">
                                <label for=id.clone()>{label}</label>
                                <input id=id type="text" inputmode="numeric" prop:value=move || value.get()
                                    on:input=move |event| value.set(event_target_value(&event))/>
                            </div>
                        }
                    })
                    .collect_view()
            });
            view! {
                <fieldset class="ceilings">
                    <legend>"Exported serials per person or key, per day (UTC), by role"</legend>
                    <p class="hint">"A key may have a ceiling of its own, set on the API keys tab."</p>
                    <div class="editor-fields">{role_fields}</div>
                </fieldset>
                <fieldset class="ceilings">
                    <legend>"Labels and alerts"</legend>
                    <div class="editor-fields">
                        {text_input("label-downloads", "Downloads of one printing order's labels", shown.label_downloads)}
                        {text_input("alert-exports", "Alert when one exports more serials in an hour than", shown.alert_exports)}
                        {text_input("alert-sign-ins", "Alert after this many failed sign-ins in an hour", shown.alert_sign_ins)}
                    </div>
                </fieldset>
                <div class="form-buttons"><button type="submit">"Save the settings"</button></div>
            }
        })
    };
    view! {
        <form class="panel editor" aria-label="Data protection" on:submit=submit>
            <h2>"Data protection"</h2>
            <p class="hint">
                "Serials are what counterfeiters want: every export is on the audit trail, and an export past its "
                "ceiling is refused."
            </p>
            {form}
            {outcome_view(outcome)}
        </form>
    }
}
