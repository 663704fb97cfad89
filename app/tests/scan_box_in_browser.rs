//! The scan box mounted in a real (headless) Chromium: typing a code shows its elements.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Lets Leptos run the effects scheduled by the last change.
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

async fn type_into_scan_box(text: &str) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    leptos::mount::mount_to(root.clone(), || {
        leptos::view! { <serialtrack_app::ui::scan_box::ScanBox heading="Scan"/> }
    })
    .forget();
    let input: HtmlInputElement = root.query_selector("#scan-input").unwrap().unwrap().unchecked_into();
    input.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    next_tick().await;
    root
}

#[wasm_bindgen_test]
async fn typing_a_bracketed_code_shows_its_elements() {
    let root = type_into_scan_box("(01)09506000134352(21)ABC123").await;
    let table = root.query_selector("table.elements").unwrap().expect("the elements table is shown");
    let text = table.text_content().unwrap_or_default();
    assert!(text.contains("09506000134352"), "{text}");
    assert!(text.contains("ABC123"), "{text}");
    root.remove();
}

#[wasm_bindgen_test]
async fn a_wrong_check_digit_shows_an_alert() {
    let root = type_into_scan_box("(01)09506000134353").await;
    let alert = root.query_selector("[role=alert]").unwrap().expect("an alert is shown");
    assert!(!alert.text_content().unwrap_or_default().is_empty());
    assert!(root.query_selector("table.elements").unwrap().is_none());
    root.remove();
}
