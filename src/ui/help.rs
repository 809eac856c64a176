//! Dialogs: a small modal frame (focus moves in on open and back on close, Esc closes via the
//! page's shortcuts) and the keyboard-shortcut help.

use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    pub testid: AttrValue,
    pub on_close: Callback<()>,
    pub children: Html,
}

/// A modal dialog over the page.
#[function_component(Modal)]
pub fn modal(props: &ModalProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let before = doc.as_ref().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(el) = node.cast::<web_sys::Element>() {
                // The first control inside (the dialog's own close button is last).
                let first = el.query_selector("[data-autofocus], button, input, textarea, select, a[href]").ok().flatten();
                if let Some(f) = first.and_then(|f| f.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = f.focus();
                }
            }
            move || {
                if let Some(b) = before {
                    let _ = b.focus();
                }
            }
        });
    }
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let backdrop = {
        let cb = props.on_close.clone();
        Callback::from(move |e: MouseEvent| {
            // Only a click on the backdrop itself, not inside the dialog.
            if e.target() == e.current_target() {
                cb.emit(());
            }
        })
    };
    let title_id = format!("{}-title", props.testid);
    html! {
        <div class="backdrop" onclick={backdrop}>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby={title_id.clone()} data-testid={props.testid.clone()} ref={node}>
                <h2 id={title_id}>{props.title.clone()}</h2>
                {props.children.clone()}
                <p class="dialog-actions"><button data-testid="dialog-close" onclick={close}>{"Close"}<span class="muted">{" (Esc)"}</span></button></p>
            </div>
        </div>
    }
}

/// Every shortcut, for the help dialog and the docs.
pub const SHORTCUTS: [(&str, &str); 6] = [
    ("Space", "play or pause (when focus is not on a button or a text field)"),
    ("→", "step: process the next moment something happens"),
    ("[", "slower"),
    ("]", "faster"),
    ("Esc", "close a dialog or panel"),
    ("?", "this help"),
];

/// The keyboard help's body.
pub fn shortcuts_help() -> Html {
    html! {
        <>
            <table class="shortcuts" data-testid="shortcut-table">
                <thead><tr><th scope="col">{"Key"}</th><th scope="col">{"Does"}</th></tr></thead>
                <tbody>
                    { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><td><kbd>{*k}</kbd></td><td>{*what}</td></tr> }) }
                </tbody>
            </table>
            <p class="muted">{"Tab moves between controls; Enter or Space presses the focused button. Shortcuts are off while you type in a text field."}</p>
            <p class="muted">{"The event log is one stop on the Tab path: ↑ and ↓ (Home, End) move between its events, Enter jumps the timeline to the one focused."}</p>
            <p class="muted">{"Time travel: drag the timeline under the top bar (or focus it and use the arrow keys) to see the cluster as it was. \"Resume here\" continues from that moment and forgets what came after; \"Back to live\" returns to the latest moment."}</p>
        </>
    }
}
