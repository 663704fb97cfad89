//! A product's workflow as a grid: every move of the lifecycle, who may make it, whether it needs a second
//! person's approval, whether it is a machine's job. The moves come from the shared transition table.

use crate::history_view::sentence_case;
use crate::product_form::{
    restrictable_roles, set_approval, set_automatic, set_role, workflow_rows, ProductDraft, WorkflowRow,
};
use leptos::prelude::*;

#[component]
pub fn WorkflowGrid(draft: RwSignal<ProductDraft>) -> impl IntoView {
    let roles: Vec<_> = restrictable_roles().collect();
    let headers = roles.iter().map(|role| view! { <th scope="col">{sentence_case(role.as_str())}</th> }).collect_view();
    let row = move |row: WorkflowRow| {
        let (from, to) = (row.from, row.to);
        let name = format!("{} → {}", from.label(), to.label());
        let cells = restrictable_roles()
            .map(|role| {
                let ticked = row.roles.contains(&role);
                let label = format!("{name}: {}", role.as_str());
                view! {
                    <td><input type="checkbox" aria-label=label prop:checked=ticked
                        on:change=move |event| draft.update(|d| set_role(&mut d.workflow, from, to, role, event_target_checked(&event)))/></td>
                }
            })
            .collect_view();
        let approval = format!("{name}: needs approval");
        let automatic = format!("{name}: automatic");
        view! {
            <tr>
                <th scope="row">{name.clone()}<span class="hint">" · "{row.meaning}</span></th>
                {cells}
                <td><input type="checkbox" aria-label=approval prop:checked=row.needs_approval
                    on:change=move |event| draft.update(|d| set_approval(&mut d.workflow, from, to, event_target_checked(&event)))/></td>
                <td><input type="checkbox" aria-label=automatic prop:checked=row.automatic
                    on:change=move |event| draft.update(|d| set_automatic(&mut d.workflow, from, to, event_target_checked(&event)))/></td>
            </tr>
        }
    };
    view! {
        <fieldset class="workflow">
            <legend>"Workflow"</legend>
            <p class="hint">"Tick the roles that may make a move; none ticked: anyone but auditors."</p>
            <div class="table-scroll">
                <table class="pool-table workflow-grid">
                    <thead>
                        <tr><th scope="col">"Move"</th>{headers}<th scope="col">"Needs approval"</th><th scope="col">"Automatic"</th></tr>
                    </thead>
                    // Rows are made once from the draft the form opened with; each tick changes the draft only.
                    <tbody>{draft.with_untracked(|d| workflow_rows(&d.workflow)).into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </fieldset>
    }
}
