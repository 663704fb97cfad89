//! The server ended this device's session (it ran out, or an admin ended it) while the device holds work:
//! signing in again as the same user keeps everything on the device and lets the waiting changes go out.
//! Signing out instead would clear the device, so it stays blocked while changes wait.

use super::sign_in::PasswordAndSubmit;
use crate::model::SignedInUser;
use leptos::prelude::*;

#[component]
pub fn SessionEnded(
    user: SignedInUser,
    waiting: ReadSignal<usize>,
    /// Called with (username, password).
    on_sign_in: Callback<(String, String)>,
    error: ReadSignal<Option<String>>,
    busy: ReadSignal<bool>,
) -> impl IntoView {
    let (password, set_password) = signal(String::new());
    let username = user.username.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_sign_in.run((username.clone(), password.get_untracked()));
    };
    let what = move || match waiting.get() {
        0 => "Nothing on this device is lost.".to_owned(),
        1 => "The change waiting on this device goes out once you do; nothing is lost.".to_owned(),
        n => format!("The {n} changes waiting on this device go out once you do; nothing is lost."),
    };
    view! {
        <section class="panel session-ended" aria-labelledby="session-ended-heading">
            <h2 id="session-ended-heading">"Your session has ended"</h2>
            <p>{format!("Sign in again as {} ({}). ", user.display_name, user.username)}{what}</p>
            <form on:submit=submit aria-label="Sign in again">
                <PasswordAndSubmit
                    id="session-password"
                    password
                    set_password
                    error
                    busy
                    action="Sign in again"
                />
            </form>
        </section>
    }
}
