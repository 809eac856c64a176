//! The timeline scrubber under the top bar: drag (or arrow keys) to any moment between the start
//! and the furthest moment reached; the cluster and the event log show that moment exactly
//! (see `engine::history`). "Back to live" returns to the latest moment; "Resume here" makes the
//! moment shown the latest one and forgets what came after.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::time::{Clock, Millis};

/// The time a scrubber value stands for: a number of milliseconds, rounded, within
/// `0..=furthest`. Anything unreadable is `None` (the scrubber is left alone).
pub fn value_to_time(value: &str, furthest: Millis) -> Option<Millis> {
    let v: f64 = value.trim().parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    Some((v.round().max(0.0) as Millis).min(furthest))
}

/// How far along the timeline a moment is, in percent (for the filled part of the track).
pub fn percent(now: Millis, furthest: Millis) -> f64 {
    if furthest == 0 {
        return 100.0;
    }
    (now.min(furthest) as f64 / furthest as f64 * 100.0).clamp(0.0, 100.0)
}

/// The scenario's next scripted moment after `furthest` (the live moment), with what happens
/// then (every action at that moment, joined by "and", as in the example notice): the track ends at the live moment, so a
/// scripted action still to come is said in words under it instead of marked on it.
pub fn next_scripted(scripted: &[(Millis, String)], furthest: Millis) -> Option<(Millis, String)> {
    let at = scripted.iter().map(|(t, _)| *t).filter(|t| *t > furthest).min()?;
    let what: Vec<&str> = scripted.iter().filter(|(t, _)| *t == at).map(|(_, w)| w.as_str()).collect();
    Some((at, what.join(" and ")))
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub now: Millis,
    pub furthest: Millis,
    pub live: bool,
    /// The learner's inputs the engine accepted: (moment, what was done), marked on the track.
    pub marks: Vec<(Millis, String)>,
    /// The scenario's scripted actions: (moment, what happens), marked in another colour.
    #[prop_or_default]
    pub scripted: Rc<Vec<(Millis, String)>>,
    pub on_seek: Callback<Millis>,
    pub on_live: Callback<()>,
    pub on_resume: Callback<()>,
    /// Show times to the second (while playing: milliseconds would flicker).
    #[prop_or_default]
    pub coarse: bool,
    /// A note under the timeline (e.g. the time limit reached).
    #[prop_or_default]
    pub note: Option<AttrValue>,
}

#[function_component(Timeline)]
pub fn timeline(props: &Props) -> Html {
    let furthest = props.furthest;
    let oninput = {
        let cb = props.on_seek.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Some(t) = value_to_time(&input.value(), furthest) {
                cb.emit(t);
            }
        })
    };
    let live = props.on_live.clone();
    let resume = props.on_resume.clone();
    let now_text = super::app::clock_text(props.now, props.coarse);
    let end_text = super::app::clock_text(furthest, props.coarse);
    let marks = props.marks.iter().filter(|_| furthest > 0).map(|(t, what)| {
        html! { <Mark left={format!("{:.3}%", percent(*t, furthest))} title={format!("you at {}: {what}", Clock(*t))} scripted=false at={*t} on_seek={props.on_seek.clone()} /> }
    });
    // Scripted actions the run has reached (the track ends at the furthest moment).
    let scripted = props.scripted.iter().filter(|(t, _)| furthest > 0 && *t <= furthest).map(|(t, what)| {
        html! { <Mark left={format!("{:.3}%", percent(*t, furthest))} title={format!("scripted at {}: {what}", Clock(*t))} scripted=true at={*t} on_seek={props.on_seek.clone()} /> }
    });
    html! {
        <section class={classes!("timeline", (!props.live).then_some("past"))} aria-label="Timeline" data-testid="timeline" data-live={props.live.to_string()}>
            <span class="t-start muted" aria-hidden="true">{"00:00:00"}</span>
            <div class="track">
                <input type="range" data-testid="scrubber" aria-label="Timeline: the moment shown" min="0" max={furthest.to_string()} step="any"
                    value={props.now.to_string()} aria-valuetext={format!("{now_text} of {end_text}")} {oninput} disabled={furthest == 0} />
                <div class="marks" aria-hidden="true">{ for scripted }{ for marks }</div>
            </div>
            <span class="t-end muted" aria-hidden="true">{end_text.clone()}</span>
            // The badge's slot keeps its width in the past too, so the track does not change size.
            <span class="live-slot">
                if props.live {
                    <span class="live-badge" data-testid="live-badge">{"● Live"}</span>
                }
            </span>
            if !props.live {
                // On a line of its own: the track keeps its width (and stays under the pointer)
                // when a drag leaves the live moment.
                <div class="past-row">
                    <span class="past-status" data-testid="timeline-status" role="status">{format!("Viewing the past: {now_text} of {end_text}")}</span>
                    <button data-testid="go-live" onclick={move |_| live.emit(())} title="Show the latest moment again">{"Back to live"}</button>
                    <button data-testid="resume-here" onclick={move |_| resume.emit(())} title="Continue from this moment; what happened after it is forgotten">{"Resume here"}</button>
                </div>
            }
            if let (true, Some((at, what))) = (props.live, next_scripted(&props.scripted, furthest)) {
                <span class="timeline-next muted" data-testid="timeline-next" title={format!("Next scripted, at {}: {what}", Clock(at))}>{format!("Next scripted, at {}: {what}", Clock(at))}</span>
            }
            if let Some(n) = &props.note {
                <span class="timeline-note muted" data-testid="timeline-note">{n.clone()}</span>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MarkProps {
    /// CSS `left`, e.g. `37.500%`.
    left: String,
    /// The moment it marks: a click shows the cluster then.
    at: Millis,
    on_seek: Callback<Millis>,
    title: String,
    /// A scripted action (the scenario's timeline), not the learner's.
    scripted: bool,
}

/// A mark on the track where the learner acted. Its position is set through the CSS object model
/// (the page's Content-Security-Policy allows no style attributes).
#[function_component(Mark)]
fn mark(props: &MarkProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.left.clone(), move |left| {
            if let Some(el) = node.cast::<web_sys::HtmlElement>() {
                let _ = el.style().set_property("left", left);
            }
        });
    }
    let onclick = {
        let (seek, at) = (props.on_seek.clone(), props.at);
        Callback::from(move |_: MouseEvent| seek.emit(at))
    };
    // Hover names what happened (the track's slider has no tooltip of its own); a click goes
    // there. Not a tab stop: the event log lists the same moments for the keyboard.
    html! { <span ref={node} class={classes!("mark", props.scripted.then_some("scripted"))} data-testid={if props.scripted { "scripted-mark" } else { "learner-mark" }} title={props.title.clone()} {onclick}></span> }
}
