//! The event log, newest first.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::event::{Event, Level};
use crate::engine::time::Clock;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The newest events (at most [`SHOWN`]), oldest first.
    pub events: Rc<Vec<Event>>,
    /// How many events the log holds in all.
    pub total: usize,
}

/// How many of the newest events are listed.
pub const SHOWN: usize = 200;

/// The props for the newest events of a log: copies at most [`SHOWN`], however long the run.
pub fn newest(events: &[Event]) -> (Rc<Vec<Event>>, usize) {
    let from = events.len().saturating_sub(SHOWN);
    (Rc::new(events[from..].to_vec()), events.len())
}

#[function_component(EventLog)]
pub fn event_log(props: &Props) -> Html {
    let items = props.events.iter().rev().take(SHOWN).map(|e| {
        let level = match e.kind.level() {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        };
        html! {
            <li class={level} data-testid="event" data-kind={e.kind.name()}>
                <time>{Clock(e.t).to_string()}</time>{" "}{e.kind.describe()}
            </li>
        }
    });
    html! {
        <section class="events" aria-label="Event log">
            <h2>{format!("Events ({})", props.total)}</h2>
            // Focusable so keyboard users can scroll it.
            <ol reversed=true tabindex="0" aria-label="Events, newest first">{ for items }</ol>
        </section>
    }
}
