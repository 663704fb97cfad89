//! Partnership invitations on the partners tab: a brand owner invites a contract manufacturer by its
//! organisation id (which the CMO's admin reads here, on its own partners tab), the CMO accepts or declines,
//! the brand owner may withdraw while it waits (docs/API.md, "Partner invitations").

use super::admin_parts::{confirmed, list_reader, outcome_view, text_input, Outcome};
use crate::admin_view::{field, invitation_words};
use crate::api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

#[component]
pub fn InvitationsPanel(on_accepted: Callback<()>) -> impl IntoView {
    let organisation = RwSignal::new(None::<(String, String)>);
    let invitations = RwSignal::new(Vec::<Value>::new());
    let outcome = RwSignal::new(Outcome::None);
    let invited = RwSignal::new(String::new());
    let load = list_reader(invitations, outcome, api::invitations);
    spawn_local(async move {
        if let Ok(me) = api::me().await {
            let tenant = me.get("tenant").cloned().unwrap_or_default();
            organisation.set(Some((field(&tenant, "id"), field(&tenant, "kind"))));
        }
    });
    let invite = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let id = invited.get_untracked().trim().to_owned();
        if id.is_empty() {
            return outcome.set(Outcome::Failed("Give the contract manufacturer's organisation id.".into()));
        }
        spawn_local(async move {
            match api::invite_partner(&id).await {
                Ok(sent) => {
                    let name = sent.get("partner").map(|partner| field(partner, "name")).unwrap_or_default();
                    outcome
                        .set(Outcome::Done(format!("{name} is invited: their admin accepts on their partners tab.")));
                    invited.set(String::new());
                    load();
                }
                Err(error) => outcome.set(Outcome::Failed(error.sentence())),
            }
        });
    };
    let item = move |invitation: &Value| {
        let id = field(invitation, "id");
        let pending = field(invitation, "status") == "pending";
        let received = field(invitation, "direction") == "received";
        let accept = {
            let id = id.clone();
            move |_| {
                let id = id.clone();
                spawn_local(async move {
                    match api::accept_invitation(&id).await {
                        Ok(_) => {
                            outcome.set(Outcome::Done("The partnership is made.".into()));
                            on_accepted.run(());
                        }
                        Err(error) => outcome.set(Outcome::Failed(error.sentence())),
                    }
                    load();
                });
            }
        };
        let refuse = move |_| {
            let ask = if received { "Decline this invitation?" } else { "Withdraw this invitation?" };
            if !confirmed(ask) {
                return;
            }
            let id = id.clone();
            spawn_local(async move {
                outcome.set(match api::drop_invitation(&id).await {
                    Ok(()) if received => Outcome::Done("The invitation is declined.".into()),
                    Ok(()) => Outcome::Done("The invitation is withdrawn.".into()),
                    Err(error) => Outcome::Failed(error.sentence()),
                });
                load();
            });
        };
        view! {
            <li class="session">
                <span>{invitation_words(invitation)}</span>
                {(pending && received).then(|| view! { <button type="button" class="small" on:click=accept>"Accept"</button> })}
                {pending.then(|| view! {
                    <button type="button" class="secondary small danger" on:click=refuse>
                        {if received { "Decline" } else { "Withdraw" }}
                    </button>
                })}
            </li>
        }
    };
    view! {
        <section class="invitations" aria-label="Invitations">
            {move || organisation.get().map(|(id, kind)| if kind == "brand_owner" {
                view! {
                    <form class="action-form" aria-label="Invite a partner" on:submit=invite>
                        <h4>"Invite a contract manufacturer"</h4>
                        {text_input("invite-organisation", "Their organisation id (their admin reads it on their partners tab)", invited)}
                        <div class="form-buttons"><button type="submit">"Send the invitation"</button></div>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p class="hint">"Your organisation id, for a brand owner to invite you: "<code class="code">{id}</code></p>
                }.into_any()
            })}
            {outcome_view(outcome)}
            {move || invitations.with(|list| (!list.is_empty()).then(|| view! {
                <h4>"Invitations"</h4>
                <ul class="session-list">{list.iter().map(item).collect_view()}</ul>
            }))}
        </section>
    }
}
