//! Sign-in: username and password; the device remembers who signed in so it can open offline.

use leptos::prelude::*;

/// The password field, the refusal in words and the submit button: the end of both sign-in forms.
#[component]
pub fn PasswordAndSubmit(
    id: &'static str,
    password: ReadSignal<String>,
    set_password: WriteSignal<String>,
    error: ReadSignal<Option<String>>,
    busy: ReadSignal<bool>,
    /// The button's words.
    action: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>"Password"</label>
            <input
                id=id
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
            {move || if busy.get() { "Signing in…" } else { action }}
        </button>
    }
}

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
                <PasswordAndSubmit id="password" password set_password error busy action="Sign in"/>
            </form>
        </section>
    }
}
