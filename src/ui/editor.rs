//! The task-definition editor: JSON text (or, in a Kubernetes scenario, a manifest in YAML that
//! Deploy applies with `kubectl apply`), Deploy, and errors with line:col (click one to put the
//! cursor there). The text is never replaced by the app, so nothing the learner typed is lost.
//!
//! Live check: a moment after the learner stops typing ([`LIVE_CHECK_MS`]) the text gets the same
//! check Deploy does (`taskdef::parse_task_definition`): errors and lint warnings are listed
//! apart, each with line:col, and marked in the line-number gutter. So the marks always belong
//! to the text on screen; Deploy checks at once.
//!
//! A paste over the engine's 1 MiB limit (`json::MAX_INPUT_BYTES`) is refused here, by its
//! length alone, in the input event itself: the textarea gets the previous text back before the
//! browser ever lays the megabyte out (with it on screen every frame took 100–300 ms in headless
//! Chromium), the app never sees it (no parse, no autosave of a megabyte), and the size error
//! shows at once. See docs/security.md.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::app::DeployStatus;
use crate::engine::diag::{Diagnostic, Severity};
use crate::engine::json::{too_large, MAX_INPUT_BYTES};
use crate::engine::sim::Command;
use crate::shell::forms::MAX_FORM_DESIRED;
use crate::shell::revisions::DeployTarget;
use crate::engine::snapshot::Snapshot;

#[derive(Properties)]
pub struct Props {
    /// Shared, so re-rendering several times a second never copies a large paste.
    pub text: AttrValue,
    pub on_change: Callback<String>,
    pub on_deploy: Callback<()>,
    pub status: DeployStatus,
    pub snapshot: Rc<Snapshot>,
    pub on_command: Callback<Command>,
    /// The text is a Kubernetes manifest (YAML, deployed with `kubectl apply`), not a task
    /// definition (`history::is_manifest`).
    #[prop_or_default]
    pub manifest: bool,
    /// `(latest, held)`: a newer revision of the editor's family is registered (`web:2`) than the
    /// one the editor's text stands for (`web:1`), e.g. by the scenario's timeline.
    #[prop_or_default]
    pub newer: Option<(AttrValue, AttrValue)>,
    /// Put the newer revision's JSON in the editor.
    #[prop_or_default]
    pub on_load_newer: Callback<()>,
}

/// The snapshot compares by pointer (the page hands over a new one only when the engine changed).
impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &o.snapshot) && self.manifest == o.manifest && self.text == o.text && self.status == o.status && self.on_change == o.on_change && self.on_deploy == o.on_deploy && self.on_command == o.on_command
            && self.newer == o.newer && self.on_load_newer == o.on_load_newer
    }
}

/// What Deploy would find wrong with `text`: the task definition check, or for a Kubernetes
/// manifest the API server's checks (`k8s::manifest`), each with line:col.
///
/// A task definition that would register also gets a lint warning when the service Deploy
/// points it at cannot run it (`shell::revisions::launch_type_warning`): Deploy registers it all
/// the same, then the service refuses it.
fn check_text(text: &str, manifest: bool, services: &[DeployTarget]) -> Vec<Diagnostic> {
    if manifest {
        return crate::engine::history::check_manifest(text);
    }
    let parsed = crate::engine::taskdef::parse_task_definition(text);
    let mut found = parsed.diagnostics;
    if let Some(w) = parsed.task_definition.as_ref().and_then(|td| crate::shell::revisions::launch_type_warning(text, td, services)) {
        let at = found.iter().position(|d| d.pos.offset > w.pos.offset).unwrap_or(found.len());
        found.insert(at, w);
    }
    found
}

fn diag_item(d: &Diagnostic, area: &NodeRef, text: &str) -> Html {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let jump = {
        let area = area.clone();
        // Convert line:col to a UTF-16 offset for setSelectionRange.
        let offset: u32 = text
            .split_inclusive('\n')
            .take((d.pos.line.saturating_sub(1)) as usize)
            .map(|l| l.encode_utf16().count() as u32)
            .sum::<u32>()
            + text.lines().nth(d.pos.line.saturating_sub(1) as usize).map(|l| l.chars().take(d.pos.col.saturating_sub(1) as usize).map(char::len_utf16).sum::<usize>() as u32).unwrap_or(0);
        Callback::from(move |_| {
            if let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() {
                let _ = t.focus();
                let _ = t.set_selection_range(offset, offset + 1);
            }
        })
    };
    let where_ = if d.path.is_empty() { String::new() } else { format!(" {}", d.path) };
    html! {
        <li class={kind} data-testid={format!("diag-{kind}")}>
            <button class="link" onclick={jump} title="Show in the editor">{format!("line {}, col {}", d.pos.line, d.pos.col)}</button>
            <span class="path">{where_}</span>{": "}{&d.message}
        </li>
    }
}

/// The textarea's text, or its UTF-8 size in bytes if that is over [`MAX_INPUT_BYTES`]. One copy
/// out of the DOM (a few milliseconds per MiB), no parsing.
fn read_limited(t: &web_sys::HtmlTextAreaElement) -> Result<String, usize> {
    let text = t.value();
    if text.len() > MAX_INPUT_BYTES {
        return Err(text.len());
    }
    Ok(text)
}

/// Shows (or, with `None`, clears) the refused-paste error in `node`, straight in the DOM and in
/// the input event itself: a Yew re-render would wait behind whatever else is scheduled (the
/// play loop's redraw of the whole page), 100–200 ms on a loaded machine. Text nodes only.
fn show_refused(node: &NodeRef, bytes: Option<usize>) {
    let Some(el) = node.cast::<web_sys::Element>() else { return };
    el.set_text_content(None);
    let Some(bytes) = bytes else { return };
    let Some(doc) = el.owner_document() else { return };
    let d = too_large(bytes);
    let build = || -> Result<(), wasm_bindgen::JsValue> {
        let p = doc.create_element("p")?;
        p.set_class_name("error");
        p.set_text_content(Some("That paste was not put in the editor: it is too large. The editor still holds your previous text."));
        let ul = doc.create_element("ul")?;
        let li = doc.create_element("li")?;
        li.set_class_name("error");
        li.set_attribute("data-testid", "diag-error")?;
        li.set_text_content(Some(&format!("line {}, col {}: {}", d.pos.line, d.pos.col, d.message)));
        ul.append_child(&li)?;
        el.append_child(&p)?;
        el.append_child(&ul)?;
        Ok(())
    };
    let _ = build();
}

/// How long after the last keystroke the text is checked (a check of a few KB takes well under a
/// millisecond; the pause keeps a near-1 MiB text from being parsed on every keystroke).
pub const LIVE_CHECK_MS: u32 = 250;

/// The errors and warnings of the last live check, apart (errors first), as the editor lists
/// them: `(errors, warnings)`.
fn live_list(diags: &[Diagnostic], area: &NodeRef, text: &str) -> Html {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    let warnings: Vec<&Diagnostic> = diags.iter().filter(|d| !d.is_error()).collect();
    let summary = match (errors.len(), warnings.len()) {
        (0, 0) => "✓ No problems found.".to_string(),
        (e, 0) => format!("{e} error(s): Deploy will refuse it."),
        (0, w) => format!("No errors; {w} warning(s) (it deploys, but have a look)."),
        (e, w) => format!("{e} error(s) and {w} warning(s): Deploy will refuse it."),
    };
    html! {
        <div class="diagnostics live-check" data-testid="live-check" data-errors={errors.len().to_string()} data-warnings={warnings.len().to_string()}>
            <p class={if errors.is_empty() { "ok" } else { "error" }} aria-live="polite">{summary}</p>
            if !errors.is_empty() {
                <h3 class="diag-heading">{"Errors"}</h3>
                <ul>{ for errors.iter().map(|d| diag_item(d, area, text)) }</ul>
            }
            if !warnings.is_empty() {
                <h3 class="diag-heading">{"Warnings (lint)"}</h3>
                <ul>{ for warnings.iter().map(|d| diag_item(d, area, text)) }</ul>
            }
        </div>
    }
}

/// Most lines the gutter numbers (a 1 MiB paste is refused anyway; beyond this the gutter stops).
const GUTTER_LINES: usize = 20_000;

/// The line-number gutter beside the text: one text run of numbers, with the lines that have an
/// error (or a warning) marked, their messages as tooltips. Few nodes however long the text.
pub fn gutter(lines: usize, marks: &[(u32, bool, String)]) -> Html {
    let lines = lines.clamp(1, GUTTER_LINES);
    let mut out: Vec<Html> = Vec::new();
    let mut run = String::new();
    for n in 1..=lines {
        let here: Vec<&(u32, bool, String)> = marks.iter().filter(|(l, _, _)| *l as usize == n).collect();
        if here.is_empty() {
            run.push_str(&n.to_string());
            run.push('\n');
            continue;
        }
        if !run.is_empty() {
            out.push(html! { {std::mem::take(&mut run)} });
        }
        let error = here.iter().any(|(_, e, _)| *e);
        let title = here.iter().map(|(_, _, m)| m.as_str()).collect::<Vec<_>>().join("\n");
        let (class, sign) = if error { ("ln-err", "✖") } else { ("ln-warn", "▲") };
        out.push(html! { <mark class={class} data-testid={format!("gutter-{class}")} data-line={n.to_string()} {title}>{format!("{sign}{n}")}</mark> });
        out.push(html! { {"\n"} });
    }
    if !run.is_empty() {
        out.push(html! { {run} });
    }
    html! { <>{ for out }</> }
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let area = use_node_ref();
    // The refused-paste error (until the next edit or Deploy); filled by `show_refused` only.
    let refused = use_node_ref();
    // The text the textarea and the app last agreed on. The textarea has no `value` attribute:
    // Yew would read the whole DOM value back on every render (several a second while the
    // simulation plays: a copy of up to 1 MiB each time). Instead the DOM value is
    // set here, only when the app's text changes by something other than typing (first render,
    // a share link, a lesson's Reset).
    let agreed = use_mut_ref(|| None::<AttrValue>);
    // The last live check: the text it checked and what it found.
    let live = use_state(|| None::<(AttrValue, Rc<Vec<Diagnostic>>)>);
    // The services a Deploy could update (their launch types matter to the check).
    let targets = DeployTarget::all(&props.snapshot.services);
    {
        let live = live.clone();
        use_effect_with((props.text.clone(), props.manifest, targets.clone()), move |(text, manifest, targets)| {
            let (text, manifest, targets) = (text.clone(), *manifest, targets.clone());
            let check = gloo::timers::callback::Timeout::new(LIVE_CHECK_MS, move || {
                let found = check_text(&text, manifest, &targets);
                live.set(Some((text, Rc::new(found))));
            });
            move || drop(check)
        });
    }
    {
        let area = area.clone();
        let agreed = agreed.clone();
        let refused = refused.clone();
        use_effect_with(props.text.clone(), move |text| {
            let typed = agreed.borrow().as_ref() == Some(text);
            if !typed {
                if let Some(t) = area.cast::<web_sys::HtmlTextAreaElement>() {
                    t.set_value(text);
                }
                show_refused(&refused, None);
            }
            *agreed.borrow_mut() = Some(text.clone());
        });
    }
    let oninput = {
        let cb = props.on_change.clone();
        let refused = refused.clone();
        let agreed = agreed.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                match read_limited(&t) {
                    Ok(text) => {
                        show_refused(&refused, None);
                        *agreed.borrow_mut() = Some(AttrValue::from(text.clone()));
                        cb.emit(text);
                    }
                    Err(bytes) => {
                        // Put the text the app has back (the paste is still on the clipboard).
                        t.set_value(agreed.borrow().as_deref().unwrap_or(""));
                        show_refused(&refused, Some(bytes));
                    }
                }
            }
        })
    };
    let deploy = {
        let cb = props.on_deploy.clone();
        let refused = refused.clone();
        let live = live.clone();
        let text = props.text.clone();
        let manifest = props.manifest;
        let targets = targets.clone();
        Callback::from(move |_| {
            show_refused(&refused, None);
            // Deploy checks at once: the list below matches what Deploy found.
            if live.as_ref().map(|(t, _)| t) != Some(&text) {
                live.set(Some((text.clone(), Rc::new(check_text(&text, manifest, &targets)))));
            }
            cb.emit(());
        })
    };
    let status = match &props.status {
        DeployStatus::None => html! {},
        // The errors themselves are in the live check's list below (one list, always about the
        // text on screen).
        DeployStatus::Invalid(diags) => {
            let errors = diags.iter().filter(|d| d.is_error()).count();
            html! {
                <div class="diagnostics" data-testid="diagnostics" role="alert">
                    <p class="error">{format!("Not deployed: {errors} error(s), listed below. Fix them and press Deploy again.")}</p>
                </div>
            }
        }
        DeployStatus::Deployed { key, service, warnings } => html! {
            <div class="diagnostics" data-testid="deployed" role="status">
                <p class="ok">{ if service.is_empty() { format!("Registered {key}.") } else { format!("Registered {key}; service {service} now runs it.") } }</p>
                if !warnings.is_empty() {
                    <p class="muted">{format!("With {} warning(s), listed below.", warnings.len())}</p>
                }
            </div>
        },
        DeployStatus::Applied { objects, warnings } => html! {
            <div class="diagnostics" data-testid="deployed" role="status">
                <p class="ok">{ if objects.is_empty() { "Applied: the manifest has no objects.".to_string() } else { format!("Applied {} (kubectl apply).", objects.join(", ")) } }</p>
                if !warnings.is_empty() {
                    <p class="muted">{format!("With {} warning(s), listed below.", warnings.len())}</p>
                }
            </div>
        },
        DeployStatus::Failed(msg) => html! { <div class="diagnostics" data-testid="failed" role="alert"><p class="error">{msg.clone()}</p></div> },
    };
    // The gutter: line numbers, the live check's errors and warnings marked on their lines.
    let live_diags: Rc<Vec<Diagnostic>> = live.as_ref().map(|(_, d)| d.clone()).unwrap_or_default();
    let marks: Vec<(u32, bool, String)> = live_diags.iter().map(|d| (d.pos.line, d.is_error(), format!("col {}: {}", d.pos.col, d.message))).collect();
    // Built again only when a new check lands (the page re-renders several times a second).
    let live_html = {
        let area = area.clone();
        // Keyed by the findings too (the same text is checked again when a service's launch type
        // changes); `Rc<Vec<Diagnostic>>` compares by pointer first, so this stays cheap.
        use_memo(live.as_ref().map(|(checked, d)| (checked.clone(), d.clone())), move |_| live.as_ref().map(|(checked, d)| live_list(d, &area, checked)))
    };
    let line_count = props.text.lines().count() + usize::from(props.text.ends_with('\n'));
    // Built again only when the line count or the marks change (the page re-renders every frame).
    let gutter_html = use_memo((line_count, marks), |(n, m)| gutter(*n, m));
    let gutter_ref = use_node_ref();
    let onscroll = {
        let g = gutter_ref.clone();
        Callback::from(move |e: Event| {
            if let (Some(t), Some(g)) = (e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()), g.cast::<web_sys::Element>()) {
                g.set_scroll_top(t.scroll_top());
            }
        })
    };
    // Service settings: desired count.
    let services = props.snapshot.services.iter().map(|s| {
        html! { <DesiredCount key={s.name.clone()} service={s.name.clone()} desired={s.desired} on_command={props.on_command.clone()} /> }
    });
    html! {
        <section class="editor" aria-label={if props.manifest { "Kubernetes manifest editor" } else { "Task definition editor" }}>
            <h2>{ if props.manifest { "Kubernetes manifest (kubectl apply YAML)" } else { "Task definition (register-task-definition JSON)" } }</h2>
            <div class="editor-body">
                <pre class="gutter" ref={gutter_ref} aria-hidden="true" data-testid="editor-gutter">{(*gutter_html).clone()}</pre>
                <textarea ref={area} data-testid="taskdef-editor" data-language={if props.manifest { "yaml" } else { "json" }} spellcheck="false" wrap="off" aria-label={if props.manifest { "Kubernetes manifest YAML" } else { "Task definition JSON" }} {oninput} {onscroll} rows="18" />
            </div>
            <div ref={refused} class="diagnostics" data-testid="paste-refused" role="alert"></div>
            <div class="editor-actions">
                <button class="primary" data-testid="deploy" onclick={deploy}>{"Deploy"}</button>
                { for services }
            </div>
            // Always present (hidden when there is nothing to say): see the note on live-slot.
            <p class="newer-revision" data-testid="newer-revision" role="status" hidden={props.newer.is_none()}>
                if let Some((latest, held)) = &props.newer {
                    {format!("{latest} is now the latest revision; the editor still holds {held}. Deploying this text would register a new revision from it. ")}
                    <button data-testid="load-newer" onclick={{ let cb = props.on_load_newer.clone(); Callback::from(move |_: MouseEvent| cb.emit(())) }}>{format!("Edit {latest} instead")}</button>
                }
            </p>
            {status}
            // A stable wrapper: Yew matches unkeyed children from the end, so a child appearing
            // at the end of this section would make it rebuild (and empty) the textarea.
            <div class="live-slot">{ for (*live_html).clone() }</div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DesiredProps {
    service: String,
    desired: u32,
    on_command: Callback<Command>,
}

/// A service's desired count. Keeps what the learner is typing (the play loop re-renders several
/// times a second) and sends an UpdateService when the field is committed (Enter or leaving it).
/// A value outside 0–[`MAX_FORM_DESIRED`] (`shell::forms::desired_count`) is refused with a
/// message under the field naming the range; nothing is sent and the field keeps what was typed.
#[function_component(DesiredCount)]
fn desired_count(props: &DesiredProps) -> Html {
    let draft = use_state(|| props.desired.to_string());
    // The refusal of the last committed value, until the field is changed or committed again.
    let refusal = use_state(|| None::<String>);
    {
        let draft = draft.clone();
        let refusal = refusal.clone();
        // The service's desired count changed (an action, autoscaling, time travel): show it,
        // unless the field holds a refused value the learner is still looking at.
        use_effect_with(props.desired, move |d| {
            if refusal.is_none() {
                draft.set(d.to_string());
            }
        });
    }
    let oninput = {
        let draft = draft.clone();
        let refusal = refusal.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                draft.set(input.value());
                if refusal.is_some() {
                    refusal.set(None);
                }
            }
        })
    };
    let onchange = {
        let cb = props.on_command.clone();
        let name = props.service.clone();
        let draft = draft.clone();
        let refusal = refusal.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            // A number field reports "" for text it cannot read as a number ("1e", "--1").
            let typed = input.value();
            match crate::shell::forms::desired_count(&typed) {
                Ok(n) => {
                    refusal.set(None);
                    draft.set(n.to_string());
                    cb.emit(Command::UpdateService { service: name.clone(), desired_count: Some(n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None });
                }
                Err(e) => {
                    draft.set(typed);
                    refusal.set(Some(format!("{} of {name} {}. Nothing was changed.", e.field, e.message)));
                }
            }
        })
    };
    let id = format!("desired-{}-error", props.service);
    html! {
        <>
            <label class="field">{format!("{} desired count ", props.service)}
                <input type="number" min="0" max={MAX_FORM_DESIRED.to_string()} value={(*draft).clone()} data-testid={format!("desired-{}", props.service)}
                    aria-invalid={refusal.is_some().to_string()} aria-describedby={refusal.is_some().then(|| id.clone())} {oninput} {onchange} />
            </label>
            <p class="field-error" id={id} data-testid={format!("desired-{}-error", props.service)} role="alert" hidden={refusal.is_none()}>
                {(*refusal).clone().unwrap_or_default()}
            </p>
        </>
    }
}
