//! Sign-in: username and password; the device remembers who signed in so it can open offline.

use leptos::prelude::*;

#[component]
pub fn SignInPage(
    /// Called with (username, password); resolves to an error sentence to show, or None on success.
    on_sign_in: Callback<(String, String)>,
    error: ReadSignal<Option<String>>,
    busy: ReadSignal<bool>,
) -> impl IntoView {
    let (username, set_username) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_sign_in.run((username.get_untracked(), password.get_untracked()));
    };
    view! {
        <section class="panel sign-in" aria-labelledby="sign-in-heading">
            <h1 id="sign-in-heading">"Sign in"</h1>
            <form on:submit=submit>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        name="username"
                        autocomplete="username"
                        autocapitalize="off"
                        required
                        prop:value=username
                        on:input=move |event| set_username.set(event_target_value(&event))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |event| set_password.set(event_target_value(&event))
                    />
                </div>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
