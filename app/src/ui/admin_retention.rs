//! The Retention tab (docs/RETENTION.md): the organisation's default policy, legal holds, the dry run and the
//! runs. Auditors, quality and admins read it; quality and admins place and lift holds; admins set the default
//! and queue runs (`retention_view::Access`, as the server's permissions decide).

use super::admin_parts::{list_reader, outcome_view, Outcome};
use super::default_retention::DefaultRetention;
use super::legal_holds::LegalHolds;
use super::retention_dry_run::RetentionDryRun;
use super::retention_runs::RetentionRuns;
use crate::api;
use crate::model::ProductRecord;
use crate::retention_view::Access;
use leptos::prelude::*;

#[component]
pub fn RetentionTab(role: String) -> impl IntoView {
    let access = Access::of(&role);
    // Holds name their products by code and name, and the hold form offers them: read once, as nothing on this
    // tab changes them.
    let products = RwSignal::new(Vec::<ProductRecord>::new());
    let outcome = RwSignal::new(Outcome::None);
    let _read_again = list_reader(products, outcome, api::pool);
    let holds_changed = RwSignal::new(0u32);
    view! {
        <p class="hint">
            "A unit's history moves once, one way: hot, then archived, then purged, each on the day its product's "
            "policy names, unless a legal hold keeps it where it is."
        </p>
        {outcome_view(outcome)}
        <div class="retention">
            <DefaultRetention manages=access.manages/>
            <LegalHolds products=products holds=access.holds on_change=Callback::new(move |_| holds_changed.update(|n| *n += 1))/>
            <RetentionDryRun holds_changed=holds_changed/>
            <RetentionRuns manages=access.manages/>
        </div>
    }
}
