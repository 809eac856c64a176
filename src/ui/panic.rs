//! A panic must never leave a frozen page: show what happened, offer a bug report to copy (with
//! the seed, scenario, time and the learner's journal of actions), a reload button, and "start
//! fresh" (sets the saved session aside, in case replaying it is what fails).

use std::cell::RefCell;

use wasm_bindgen::JsCast;

thread_local! {
    /// What to put in a bug report: kept up to date by the app (seed, scenario, time).
    static CONTEXT: RefCell<String> = const { RefCell::new(String::new()) };
}

/// At most the first 4 KiB of a text, for bug reports (a 1 MB paste has no place in one).
pub fn excerpt(text: &str) -> String {
    const MAX: usize = 4096;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more bytes)", &text[..end], text.len() - end)
}

pub fn set_context(text: String) {
    CONTEXT.with(|c| *c.borrow_mut() = text);
}

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let context = CONTEXT.with(|c| c.borrow().clone());
        let report = format!("Berth bug report\n{context}\npanic: {info}\nuser agent: {}", user_agent());
        show(&report);
        web_sys::console::error_1(&report.clone().into());
    }));
}

fn user_agent() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default()
}

fn show(report: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(overlay) = doc.create_element("div") else { return };
    overlay.set_class_name("crash");
    overlay.set_attribute("role", "alertdialog").ok();
    overlay.set_attribute("data-testid", "crash").ok();
    let Ok(title) = doc.create_element("h2") else { return };
    title.set_text_content(Some("Berth hit a bug and stopped the simulation"));
    let Ok(p) = doc.create_element("p") else { return };
    p.set_text_content(Some(
        "Your session (editor text and actions) is saved in this browser. Copy the report below (it has the seed, the scenario, the time and your actions, so we can replay it), then reload. If it fails again after reloading, start fresh: your saved session is set aside, not deleted.",
    ));
    let Ok(pre) = doc.create_element("pre") else { return };
    pre.set_text_content(Some(report));
    let Ok(copy) = doc.create_element("button") else { return };
    copy.set_text_content(Some("Copy bug report"));
    let text = report.to_string();
    let on_copy = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
    });
    copy.add_event_listener_with_callback("click", on_copy.as_ref().unchecked_ref()).ok();
    on_copy.forget();
    let Ok(reload) = doc.create_element("button") else { return };
    reload.set_text_content(Some("Reload"));
    let on_reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    reload.add_event_listener_with_callback("click", on_reload.as_ref().unchecked_ref()).ok();
    on_reload.forget();
    let Ok(fresh) = doc.create_element("button") else { return };
    fresh.set_text_content(Some("Start fresh (set my saved session aside)"));
    fresh.set_attribute("data-testid", "crash-fresh").ok();
    let on_fresh = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(text) = super::storage::get(super::storage::KEY) {
            super::storage::set_aside(&text);
        }
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    fresh.add_event_listener_with_callback("click", on_fresh.as_ref().unchecked_ref()).ok();
    on_fresh.forget();
    for child in [&title, &p, &pre, &copy, &reload, &fresh] {
        overlay.append_child(child).ok();
    }
    if let Some(body) = doc.body() {
        body.append_child(&overlay).ok();
    }
}
