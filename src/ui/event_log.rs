//! The event log, newest first, with filters by service, kind and severity over the whole log
//! (`shell::event_index`). Each event is a button when the page passes `on_select` (it gets the
//! event's virtual time, to move the timeline there).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::event::{Event, Level};
use crate::engine::time::Clock;
pub use crate::shell::event_index::{EventIndex, Filter};

#[derive(Properties)]
pub struct Props {
    /// The run's log, mirrored (the page keeps it in step with the engine).
    pub log: Rc<RefCell<EventIndex>>,
    /// The index's generation when the page rendered (so a changed log re-renders the list).
    pub generation: u64,
    /// Called with an event's virtual time (ms) when the learner clicks it.
    #[prop_or_default]
    pub on_select: Option<Callback<u64>>,
}

impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.log, &o.log) && self.generation == o.generation && self.on_select == o.on_select
    }
}

/// How many events the list shows (the newest that pass the filters).
pub const SHOWN: usize = 200;

/// An index a page keeps for its engine's log, synced on every render (only new events cost
/// anything). `run` tells runs apart (journal length, seed).
#[hook]
pub fn use_event_index(events: &[Event], run: (usize, u64)) -> (Rc<RefCell<EventIndex>>, u64) {
    let index = use_mut_ref(EventIndex::default);
    let generation = {
        let mut ix = index.borrow_mut();
        ix.sync(events, run);
        ix.generation()
    };
    (index, generation)
}

fn level_class(l: Level) -> &'static str {
    match l {
        Level::Info => "info",
        Level::Warning => "warning",
        Level::Error => "error",
    }
}

#[function_component(EventLog)]
pub fn event_log(props: &Props) -> Html {
    let filter = use_state(Filter::default);
    let log = props.log.borrow();
    let events = log.events();
    let mut services: Vec<&str> = log.services().iter().map(String::as_str).collect();
    let deployments: Vec<&str> = log.deployments().iter().map(String::as_str).collect();
    // The filter's label names what it lists: ECS services, Kubernetes Deployments or both.
    let label = match (services.is_empty(), deployments.is_empty()) {
        (false, false) => "Service or Deployment ",
        (true, false) => "Deployment ",
        _ => "Service ",
    };
    // A Deployment shows as `web` (`web (team-a)` outside the default namespace), or
    // `Deployment web` beside ECS services.
    let with_services = !services.is_empty();
    let deployment_text = move |key: &str| -> String {
        let (ns, name) = key.strip_prefix("Deployment ").and_then(|r| r.split_once('/')).unwrap_or(("default", key));
        let shown = if ns == "default" { name.to_string() } else { format!("{name} ({ns})") };
        if with_services { format!("Deployment {shown}") } else { shown }
    };
    let mut kinds: Vec<&str> = log.kinds().iter().copied().collect();
    // Keep the chosen values listed even when the log no longer has them (after a rewind).
    let mut deployments = deployments;
    if let Some(s) = filter.service.as_deref().filter(|s| !services.contains(s) && !deployments.contains(s)) {
        if s.starts_with("Deployment ") {
            deployments.push(s);
        } else {
            services.push(s);
        }
    }
    if let Some(k) = filter.kind.as_deref().filter(|k| !kinds.contains(k)) {
        kinds.push(k);
    }
    let shown = log.filtered(&filter, SHOWN);
    let total = log.len();

    let on_service = {
        let filter = filter.clone();
        Callback::from(move |e: yew::Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            filter.set(Filter { service: (!v.is_empty()).then_some(v), ..(*filter).clone() });
        })
    };
    let on_kind = {
        let filter = filter.clone();
        Callback::from(move |e: yew::Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            filter.set(Filter { kind: (!v.is_empty()).then_some(v), ..(*filter).clone() });
        })
    };
    let on_level = {
        let filter = filter.clone();
        Callback::from(move |e: yew::Event| {
            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
            let min_level = match v.as_str() {
                "warning" => Some(Level::Warning),
                "error" => Some(Level::Error),
                _ => None,
            };
            filter.set(Filter { min_level, ..(*filter).clone() });
        })
    };
    let active = *filter != Filter::default();
    let clear = {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| filter.set(Filter::default()))
    };

    let items = shown.iter().filter_map(|&i| events.get(i)).enumerate().map(|(n, e)| {
        let level = level_class(e.kind.level());
        let content = html! { <><time>{Clock(e.t).to_string()}</time>{" "}{e.kind.describe()}</> };
        match &props.on_select {
            Some(cb) => {
                let cb = cb.clone();
                let t = e.t;
                html! {
                    <li class={level} data-testid="event" data-kind={e.kind.name()} data-t={e.t.to_string()}>
                        // One tab stop for the whole list (the newest event); the arrow keys move
                        // between events.
                        <button class="ev-jump" tabindex={if n == 0 { "0" } else { "-1" }} title={format!("Show the cluster at {}", Clock(e.t))} onclick={Callback::from(move |_: MouseEvent| cb.emit(t))}>{content}</button>
                    </li>
                }
            }
            None => html! { <li class={level} data-testid="event" data-kind={e.kind.name()} data-t={e.t.to_string()}>{content}</li> },
        }
    });
    let f = &*filter;
    // ↑ / ↓ / Home / End move the focus between the events' buttons.
    let on_list_key = Callback::from(|e: KeyboardEvent| {
        use wasm_bindgen::JsCast;
        let key = e.key();
        if !matches!(key.as_str(), "ArrowDown" | "ArrowUp" | "Home" | "End") {
            return;
        }
        let Some(button) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).filter(|el| el.class_name().split_whitespace().any(|c| c == "ev-jump")) else { return };
        let Some(li) = button.parent_element() else { return };
        let to = match key.as_str() {
            "ArrowDown" => li.next_element_sibling(),
            "ArrowUp" => li.previous_element_sibling(),
            "Home" => li.parent_element().and_then(|ol| ol.first_element_child()),
            _ => li.parent_element().and_then(|ol| ol.last_element_child()),
        };
        if let Some(next) = to.and_then(|li| li.first_element_child()).and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
            e.prevent_default();
            let _ = next.focus();
        }
    });
    html! {
        <section class="events" aria-label="Event log">
            <h2>{format!("Events ({total})")}</h2>
            <div class="ev-filters" role="group" aria-label="Filter events">
                // ECS services (the log's events name them) and Kubernetes Deployments (their
                // pods' events match too). With neither, the filter would offer only "all": it
                // hides.
                <label hidden={services.is_empty() && deployments.is_empty()}>{label}
                    <select data-testid="event-filter-service" onchange={on_service}>
                        <option value="" selected={f.service.is_none()}>{"all"}</option>
                        { for services.iter().map(|s| html! { <option value={s.to_string()} selected={f.service.as_deref() == Some(*s)}>{s.to_string()}</option> }) }
                        { for deployments.iter().map(|d| html! { <option value={d.to_string()} selected={f.service.as_deref() == Some(*d)}>{deployment_text(d)}</option> }) }
                    </select>
                </label>
                <label>{"Kind "}
                    <select data-testid="event-filter-kind" onchange={on_kind}>
                        <option value="" selected={f.kind.is_none()}>{"all"}</option>
                        { for kinds.iter().map(|k| html! { <option value={k.to_string()} selected={f.kind.as_deref() == Some(*k)}>{k.to_string()}</option> }) }
                    </select>
                </label>
                <label>{"Severity "}
                    <select data-testid="event-filter-level" onchange={on_level}>
                        <option value="" selected={f.min_level.is_none()}>{"all"}</option>
                        <option value="warning" selected={f.min_level == Some(Level::Warning)}>{"warnings and errors"}</option>
                        <option value="error" selected={f.min_level == Some(Level::Error)}>{"errors"}</option>
                    </select>
                </label>
                if active {
                    <button class="small" data-testid="event-filter-clear" onclick={clear}>{"Clear"}</button>
                    <span class="ev-count" data-testid="event-filter-count" aria-live="polite">{filter_count(shown.len(), total)}</span>
                }
            </div>
            // Focusable (to scroll it) only when its events are not buttons.
            <ol reversed=true tabindex={props.on_select.is_none().then_some("0")} aria-label="Events, newest first" onkeydown={on_list_key}>{ for items }</ol>
        </section>
    }
}

/// The count beside the filters: how many of the run's events match (the list shows the newest
/// [`SHOWN`] of them).
fn filter_count(matching: usize, total: usize) -> String {
    if matching >= SHOWN {
        format!("the newest {SHOWN} matches of {total} events shown")
    } else {
        format!("{matching} of {total} events match")
    }
}
