//! The browser APIs the sync loop needs, wrapped: window events, the BroadcastChannel, Server-Sent Events and
//! Web Locks (called through `Reflect`, as web-sys marks `navigator.locks` unstable).

use std::future::Future;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const SYNC_LOCK: &str = "serialtrack-sync";

pub fn on_window_event(name: &str, handler: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else { return };
    let listener = Closure::<dyn Fn()>::new(handler);
    let _ = window.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
    // Lives as long as the page: the app shell is never torn down.
    listener.forget();
}

pub fn on_channel_message(channel: &web_sys::BroadcastChannel, handler: impl Fn() + 'static) {
    let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_event| handler());
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    listener.forget();
}

/// An `EventSource` that calls `on_poke` for every `poke` event and `on_error` when the stream breaks.
pub fn listen_for_pokes(
    url: &str,
    on_poke: impl Fn() + 'static,
    on_error: impl Fn() + 'static,
) -> Option<web_sys::EventSource> {
    let source = web_sys::EventSource::new(url).ok()?;
    let poke = Closure::<dyn Fn()>::new(on_poke);
    let _ = source.add_event_listener_with_callback("poke", poke.as_ref().unchecked_ref());
    poke.forget();
    let error = Closure::<dyn Fn()>::new(on_error);
    source.set_onerror(Some(error.as_ref().unchecked_ref()));
    error.forget();
    Some(source)
}

/// Runs `work` holding the tab-wide sync lock, so only one tab of this browser syncs at a time; without Web
/// Locks (an old browser) it just runs.
pub async fn with_sync_lock<T: 'static>(work: impl Future<Output = T> + 'static) -> T {
    let Some(window) = web_sys::window() else { return work.await };
    let locks = js_sys::Reflect::get(&window.navigator(), &"locks".into()).ok().filter(|locks| !locks.is_undefined());
    let request = locks
        .as_ref()
        .and_then(|locks| js_sys::Reflect::get(locks, &"request".into()).ok()?.dyn_into::<js_sys::Function>().ok());
    let (Some(locks), Some(request)) = (locks, request) else { return work.await };
    let result: std::rc::Rc<std::cell::RefCell<Option<T>>> = Default::default();
    let slot = result.clone();
    let callback = Closure::once(move |_lock: JsValue| -> js_sys::Promise {
        wasm_bindgen_futures::future_to_promise(async move {
            *slot.borrow_mut() = Some(work.await);
            Ok(JsValue::UNDEFINED)
        })
    });
    let promise = request.call2(&locks, &SYNC_LOCK.into(), callback.as_ref().unchecked_ref());
    if let Ok(promise) = promise.and_then(|promise| promise.dyn_into::<js_sys::Promise>()) {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
    drop(callback);
    let outcome = result.borrow_mut().take();
    outcome.expect("the lock callback ran the work before its promise settled")
}
