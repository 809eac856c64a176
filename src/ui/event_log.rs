//! The event log, newest first, with filters by service, kind and severity. Each event is a
//! button when the page passes `on_select` (it gets the event's virtual time, to move the
//! timeline there).

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use yew::prelude::*;

use crate::engine::event::{Event, EventKind, Level};
use crate::engine::time::Clock;

#[derive(Properties)]
pub struct Props {
    /// The newest events (at most [`SHOWN`]), oldest first.
    pub events: Rc<Vec<Event>>,
    /// How many events the log holds in all.
    pub total: usize,
    /// Called with an event's virtual time (ms) when the learner clicks it.
    #[prop_or_default]
    pub on_select: Option<Callback<u64>>,
}

/// The same `Rc` of events is equal at once (the sandbox takes the newest again only when the log
/// changed); other pages make a new one each render and compare the events.
impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        (Rc::ptr_eq(&self.events, &o.events) || self.events == o.events) && self.total == o.total && self.on_select == o.on_select
    }
}

/// How many of the newest events are listed.
pub const SHOWN: usize = 200;

/// The props for the newest events of a log: copies at most [`SHOWN`], however long the run.
pub fn newest(events: &[Event]) -> (Rc<Vec<Event>>, usize) {
    let from = events.len().saturating_sub(SHOWN);
    (Rc::new(events[from..].to_vec()), events.len())
}

/// The event filters. `None` means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub service: Option<String>,
    pub kind: Option<String>,
    /// The least severity shown.
    pub min_level: Option<Level>,
}

/// The service an event is about: named in the event, or (for task events) the service of the
/// task as its `taskPlaced` event in `placed` says.
pub fn service_of<'a>(kind: &'a EventKind, placed: &'a HashMap<&str, &str>) -> Option<&'a str> {
    match kind {
        EventKind::ServiceCreated { service, .. }
        | EventKind::ServiceUpdated { service, .. }
        | EventKind::ServiceSteadyState { service }
        | EventKind::DeploymentStarted { service, .. }
        | EventKind::DeploymentProgress { service, .. }
        | EventKind::DeploymentCompleted { service, .. }
        | EventKind::DeploymentStuck { service, .. }
        | EventKind::DeploymentFailed { service, .. }
        | EventKind::ServiceThrottled { service, .. }
        | EventKind::TrafficShifted { service, .. }
        | EventKind::DeploymentRolledBack { service, .. } => Some(service),
        EventKind::TaskPlaced { service, .. } | EventKind::TaskUnplaceable { service, .. } => service.as_deref(),
        other => other.task().and_then(|t| placed.get(t).copied()),
    }
}

/// Task id → service, from the `taskPlaced` events in `events`.
pub fn placements(events: &[Event]) -> HashMap<&str, &str> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskPlaced { task, service: Some(s), .. } => Some((task.as_str(), s.as_str())),
            _ => None,
        })
        .collect()
}

/// Indices of the events that pass `f`, newest first, at most `limit`.
pub fn filtered(events: &[Event], f: &Filter, limit: usize) -> Vec<usize> {
    let placed = placements(events);
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate().rev() {
        if out.len() == limit {
            break;
        }
        if f.min_level.is_some_and(|l| e.kind.level() < l) {
            continue;
        }
        if f.kind.as_deref().is_some_and(|k| e.kind.name() != k) {
            continue;
        }
        if f.service.as_deref().is_some_and(|s| service_of(&e.kind, &placed) != Some(s)) {
            continue;
        }
        out.push(i);
    }
    out
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
    let events = &props.events;
    let placed = placements(events);
    let mut services: BTreeSet<&str> = events.iter().filter_map(|e| service_of(&e.kind, &placed)).collect();
    let mut kinds: BTreeSet<&str> = events.iter().map(|e| e.kind.name()).collect();
    // Keep the chosen values listed even when no shown event has them any more.
    if let Some(s) = &filter.service {
        services.insert(s);
    }
    if let Some(k) = &filter.kind {
        kinds.insert(k);
    }
    let shown = filtered(events, &filter, SHOWN);

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

    let items = shown.iter().filter_map(|&i| events.get(i)).map(|e| {
        let level = level_class(e.kind.level());
        let content = html! { <><time>{Clock(e.t).to_string()}</time>{" "}{e.kind.describe()}</> };
        match &props.on_select {
            Some(cb) => {
                let cb = cb.clone();
                let t = e.t;
                html! {
                    <li class={level} data-testid="event" data-kind={e.kind.name()} data-t={e.t.to_string()}>
                        <button class="ev-jump" title={format!("Show the cluster at {}", Clock(e.t))} onclick={Callback::from(move |_: MouseEvent| cb.emit(t))}>{content}</button>
                    </li>
                }
            }
            None => html! { <li class={level} data-testid="event" data-kind={e.kind.name()} data-t={e.t.to_string()}>{content}</li> },
        }
    });
    let f = &*filter;
    html! {
        <section class="events" aria-label="Event log">
            <h2>{format!("Events ({})", props.total)}</h2>
            <div class="ev-filters" role="group" aria-label="Filter events">
                <label>{"Service "}
                    <select data-testid="event-filter-service" onchange={on_service}>
                        <option value="" selected={f.service.is_none()}>{"all"}</option>
                        { for services.iter().map(|s| html! { <option value={s.to_string()} selected={f.service.as_deref() == Some(*s)}>{s.to_string()}</option> }) }
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
                    <span class="ev-count" data-testid="event-filter-count" aria-live="polite">{format!("{} of the newest {} shown", shown.len(), events.len())}</span>
                }
            </div>
            // Focusable so keyboard users can scroll it.
            <ol reversed=true tabindex="0" aria-label="Events, newest first">{ for items }</ol>
        </section>
    }
}
