//! The event log, newest first.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::event::{Event, Level};
use crate::engine::time::Clock;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub events: Rc<Vec<Event>>,
}

/// How many of the newest events are listed.
const SHOWN: usize = 200;

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
            <h2>{format!("Events ({})", props.events.len())}</h2>
            // Focusable so keyboard users can scroll it.
            <ol reversed=true tabindex="0" aria-label="Events, newest first">{ for items }</ol>
        </section>
    }
}
