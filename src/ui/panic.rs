//! A panic must never leave a frozen page: show what happened, offer a bug report to copy (with
//! the seed, scenario, time and the learner's journal of actions), a reload button, and "start
//! fresh" (sets the saved session aside, in case replaying it is what fails).

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;

thread_local! {
    /// What to put in a bug report: kept up to date by the app (seed, scenario, time).
    static CONTEXT: RefCell<String> = const { RefCell::new(String::new()) };
    /// The virtual time and the timeline's end (ms), set every frame without allocating; `None`
    /// on pages that put the time in the context themselves.
    static TIME: Cell<Option<(u64, u64)>> = const { Cell::new(None) };
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

/// The report's context. Pages call it when its parts change, not every frame (it may quote 50
/// journal entries and the editor's text).
pub fn set_context(text: String) {
    CONTEXT.with(|c| *c.borrow_mut() = text);
    TIME.with(|t| t.set(None));
}

/// The virtual time for the report (after [`set_context`], which clears it).
pub fn set_time(now: u64, furthest: u64) {
    TIME.with(|t| t.set(Some((now, furthest))));
}

/// The report's context lines: the context, with the virtual time after its first two lines
/// (scenario and seed) when [`set_time`] gave it.
pub fn context() -> String {
    let text = CONTEXT.with(|c| c.borrow().clone());
    let Some((now, furthest)) = TIME.with(|t| t.get()) else { return text };
    let mut lines = text.splitn(3, '\n');
    let head: Vec<&str> = lines.by_ref().take(2).collect();
    let rest = lines.next();
    let mut out = head.join("\n");
    out.push_str(&format!("\nvirtual time: {now} ms (furthest {furthest} ms)"));
    if let Some(r) = rest {
        out.push('\n');
        out.push_str(r);
    }
    out
}

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let context = context();
        let report = format!("Berth bug report\n{context}\npanic: {info}\nuser agent: {}", user_agent());
        show(&report);
        web_sys::console::error_1(&report.clone().into());
    }));
}

fn user_agent() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default()
}

/// Shows the crash panel with `report` (the panic hook calls it; tests call it directly, since a
/// panic in Wasm cannot be caught). Focus moves to "Copy bug report".
pub fn show(report: &str) {
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
    copy.set_attribute("data-testid", "crash-copy").ok();
    // What happened to the copy, said in words (a live region).
    let Ok(status) = doc.create_element("p") else { return };
    status.set_attribute("role", "status").ok();
    status.set_attribute("data-testid", "crash-copy-status").ok();
    let text = report.to_string();
    let (pre_el, status_el) = (pre.clone(), status.clone());
    let on_copy = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || copy_report(&text, &pre_el, &status_el));
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
    for child in [&title, &p, &pre, &copy, &reload, &fresh, &status] {
        overlay.append_child(child).ok();
    }
    if let Some(body) = doc.body() {
        body.append_child(&overlay).ok();
    }
    if let Some(b) = copy.dyn_ref::<web_sys::HtmlElement>() {
        let _ = b.focus();
    }
}

/// Copies the report, or, where the page may not write to the clipboard (no `navigator.clipboard`
/// outside a secure context, or the browser refuses), selects it so Ctrl+C copies it; `status`
/// says which.
fn copy_report(text: &str, pre: &web_sys::Element, status: &web_sys::Element) {
    let select_instead = {
        let (pre, status) = (pre.clone(), status.clone());
        move || {
            if let Some(sel) = web_sys::window().and_then(|w| w.get_selection().ok().flatten()) {
                let _ = sel.select_all_children(&pre);
            }
            status.set_text_content(Some("This browser did not let the page copy. The report is selected: press Ctrl+C (⌘C on a Mac) to copy it."));
        }
    };
    let Some(w) = web_sys::window() else { return };
    let navigator = w.navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| !c.is_undefined() && !c.is_null());
    if !has_clipboard {
        select_instead();
        return;
    }
    let done = {
        let status = status.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| status.set_text_content(Some("Copied. Paste it into your bug report.")))
    };
    let failed = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_| select_instead());
    let _ = navigator.clipboard().write_text(text).then2(&done, &failed);
    // Called at most once each, after this returns: the page is stopped anyway.
    done.forget();
    failed.forget();
}
