//! The Share dialog: the link for the current scene (see `crate::shell::share`), copied to the
//! clipboard when the browser allows it and always shown, selectable, for copying by hand.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::help::Modal;

/// The page's address without its fragment.
pub fn page_address() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!("{}{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
        })
        .unwrap_or_default()
}

/// Replaces the address's fragment without a new history entry and without a `hashchange`.
pub fn replace_hash(hash: &str) {
    let Some(w) = web_sys::window() else { return };
    let url = if hash.is_empty() {
        let l = w.location();
        format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
    } else {
        format!("#{hash}")
    };
    let Ok(history) = js_sys::Reflect::get(&w, &JsValue::from_str("history")) else { return };
    let Ok(replace) = js_sys::Reflect::get(&history, &JsValue::from_str("replaceState")) else { return };
    if let Ok(f) = replace.dyn_into::<js_sys::Function>() {
        let _ = f.call3(&history, &JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(&url));
    }
}

#[derive(Clone, PartialEq)]
enum Copy {
    Trying,
    Copied,
    Failed,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The link, or why there is none.
    pub link: Result<AttrValue, AttrValue>,
    pub on_close: Callback<()>,
}

#[function_component(ShareDialog)]
pub fn share_dialog(props: &Props) -> Html {
    let copy = use_state(|| Copy::Trying);
    {
        let copy = copy.clone();
        let link = props.link.clone();
        use_effect_with((), move |_| {
            match link {
                Ok(link) => write_clipboard(&link, copy),
                Err(_) => copy.set(Copy::Failed),
            }
            || ()
        });
    }
    let select_all = Callback::from(|e: FocusEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        input.select();
    });
    let body = match &props.link {
        Ok(link) => {
            let status = match *copy {
                Copy::Trying => "Copying the link…",
                Copy::Copied => "Copied to the clipboard. Anyone who opens it sees this cluster, this moment and the whole timeline.",
                Copy::Failed => "The clipboard is not available here: select the link below and copy it.",
            };
            html! {
                <>
                    <p data-testid="share-status" role="status">{status}</p>
                    <label class="share-link">{"Link "}
                        <input type="text" readonly=true data-testid="share-link" data-autofocus="true" value={link.clone()} onfocus={select_all} />
                    </label>
                    <p class="muted">{format!("{} characters. The link holds the scenario, your edits and actions, the seed and the time; nothing is uploaded.", link.len())}</p>
                </>
            }
        }
        Err(e) => html! { <p class="err" data-testid="share-error" role="alert">{format!("This scene cannot be shared as a link: {e}.")}</p> },
    };
    html! {
        <Modal title="Share this scene" testid="share-dialog" on_close={props.on_close.clone()}>{body}</Modal>
    }
}

fn write_clipboard(text: &str, state: UseStateHandle<Copy>) {
    let Some(w) = web_sys::window() else {
        state.set(Copy::Failed);
        return;
    };
    // `navigator.clipboard` is missing on insecure pages; look before calling.
    let nav = w.navigator();
    let has = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard")).map(|c| !c.is_undefined() && !c.is_null()).unwrap_or(false);
    if !has {
        state.set(Copy::Failed);
        return;
    }
    let promise = nav.clipboard().write_text(text);
    let ok = {
        let state = state.clone();
        Closure::once(move |_: JsValue| state.set(Copy::Copied))
    };
    let failed = Closure::once(move |_: JsValue| state.set(Copy::Failed));
    let _ = promise.then2(&ok, &failed);
    ok.forget();
    failed.forget();
}
