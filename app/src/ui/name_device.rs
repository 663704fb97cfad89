//! Asked once, on a device's first sign-in: the name people will know this tablet by ("Line 1 tablet"),
//! shown in the other tablets' inboxes and in histories instead of its id.

use super::app_state;
use super::device::Device;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn NameDevice() -> impl IntoView {
    let device = expect_context::<Device>();
    let typed = RwSignal::new(String::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    // Only once the server's names were read, online, for a device nobody named yet.
    let unnamed = move || {
        device.names_read.get()
            && device.online.get()
            && device.this_device.get().is_some_and(|id| device.device_names.with(|names| names.name_of(&id).is_none()))
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        spawn_local(async move {
            let outcome = app_state::name_this_device(device, typed.get_untracked()).await;
            busy.set(false);
            error.set(outcome.err());
        });
    };
    view! {
        <Show when=unnamed>
            <form class="panel name-device" on:submit=submit aria-label="Name this device">
                <h2>"Name this device"</h2>
                <p class="hint">"Other tablets and the histories will call it by this name."</p>
                <div class="field">
                    <label for="device-name">"Device name"</label>
                    <input
                        id="device-name"
                        type="text"
                        placeholder="Line 1 tablet"
                        maxlength="60"
                        required
                        prop:value=typed
                        on:input=move |event| typed.set(event_target_value(&event))
                    />
                </div>
                <button type="submit" disabled=busy>"Save name"</button>
                {move || error.get().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            </form>
        </Show>
    }
}
