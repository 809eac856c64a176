//! Presenter mode for classrooms: larger type, high contrast, a big clock, the editor hidden
//! unless asked for. Switched by the top bar's "Presenter" button or the `present` flag in the
//! address (`#present`, `#lessons&present`); the styles are `html.presenter` rules in style.css.

/// Sets or clears the `presenter` class on the document element.
pub fn apply(on: bool) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let classes = root.get_attribute("class").unwrap_or_default();
    let mut list: Vec<&str> = classes.split_whitespace().filter(|c| *c != "presenter").collect();
    if on {
        list.push("presenter");
    }
    let _ = root.set_attribute("class", &list.join(" "));
}
