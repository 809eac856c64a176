//! Tests that run in headless Chromium (`cargo test --target wasm32-unknown-unknown --test wasm`).

#![cfg(target_arch = "wasm32")]

#[path = "common/golden.rs"]
mod golden;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn wasm_log_matches_the_native_golden_hash() {
    let e = golden::run();
    assert_eq!(e.log_hash(), golden::GOLDEN_HASH.trim());
}

async fn mount() -> web_sys::Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<berth::ui::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

#[wasm_bindgen_test]
async fn app_renders_the_sample_cluster() {
    let root = mount().await;
    let chips = root.query_selector_all("[data-testid=task-chip]").unwrap();
    assert_eq!(chips.length(), 6, "six web tasks");
    let azs = root.query_selector_all("[data-testid=az]").unwrap();
    assert_eq!(azs.length(), 3);
    let instances = root.query_selector_all("[data-testid=instance]").unwrap();
    assert_eq!(instances.length(), 6);
    let editor = root.query_selector("[data-testid=taskdef-editor]").unwrap().unwrap();
    let text = editor.unchecked_into::<web_sys::HtmlTextAreaElement>().value();
    assert!(text.contains("\"family\": \"web\""), "{text}");
}

use wasm_bindgen::JsCast;
