//! The presenter's demo player (`#demo/<chapter>`): a chapter's scripted demo
//! (`lessons/demos/<chapter>.json`, see `engine::demo`) shown on the big screen. "Next step"
//! (or N / Page Down, what a presentation clicker sends) says the next caption and plays that
//! step's actions; the clock stops at the step's end until the teacher goes on.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::cluster_view::ClusterView;
use super::controls::sim_controls;
use super::event_log::EventLog;
use super::help::{shortcuts_help, Modal};
use super::hooks::{use_control_shortcuts, use_sim_controls, Driver};
use crate::engine::demo::{parse_demo, Demo, DemoRun};
use crate::engine::time::Millis;

impl Driver for DemoRun {
    fn now(&self) -> Millis {
        self.session.now()
    }
    fn advance_to(&mut self, t: Millis) -> bool {
        DemoRun::advance_to(self, t)
    }
    fn step(&mut self) {
        // `advance_to` never runs past the step's end.
        let next = self.session.engine.next_due().unwrap_or(self.now() + 1000).max(self.now());
        DemoRun::advance_to(self, next);
    }
}

/// The demo of a chapter, or why there is none.
pub fn load_demo(chapter: &str) -> Result<Demo, String> {
    let path = format!("demos/{chapter}.json");
    let text = super::lessons::bundled(&path).map_err(|_| format!("chapter {chapter:?} has no presenter demo"))?;
    parse_demo(&text, &super::lessons::bundled).map_err(|d| d.iter().map(|d| d.render(&format!("lessons/{path}"))).collect::<Vec<_>>().join("\n"))
}

/// Whether a chapter has a demo (the picker offers a link).
pub fn has_demo(chapter: &str) -> bool {
    super::lessons::bundled(&format!("demos/{chapter}.json")).is_ok()
}

/// Captions longer than this (in characters) are set smaller (`.demo-caption.long`).
const LONG_CAPTION: usize = 320;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub chapter: String,
    pub nav: Html,
    /// Presenter mode: the cluster is drawn larger, as in the sandbox.
    #[prop_or_default]
    pub present: bool,
}

#[function_component(DemoPage)]
pub fn demo_page(props: &Props) -> Html {
    let loaded = use_memo(props.chapter.clone(), |c| load_demo(c));
    match loaded.as_ref() {
        Ok(demo) => html! { <DemoPlayer key={props.chapter.clone()} demo={Rc::new(demo.clone())} nav={props.nav.clone()} present={props.present} /> },
        Err(e) => html! {
            <div class="app">
                <header class="topbar"><h1 class="brand">{"Berth"}</h1>{props.nav.clone()}</header>
                <main class="fatal" data-testid="demo-error"><h2>{"This demo could not be opened"}</h2><pre>{e.clone()}</pre>
                    <p><a href="#lessons">{"Back to the lessons"}</a></p></main>
            </div>
        },
    }
}

#[derive(Properties)]
struct PlayerProps {
    demo: Rc<Demo>,
    nav: Html,
    present: bool,
}

impl PartialEq for PlayerProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.demo, &o.demo) && self.present == o.present
    }
}

#[function_component(DemoPlayer)]
fn demo_player(props: &PlayerProps) -> Html {
    let run = {
        let demo = (*props.demo).clone();
        use_mut_ref(move || DemoRun::new(demo))
    };
    let controls = use_sim_controls(run.clone(), false, true);
    let error = use_state(|| None::<String>);
    let redraw = use_force_update();

    let next = {
        let run = run.clone();
        let play = controls.set_playing.clone();
        let error = error.clone();
        let redraw = redraw.clone();
        Callback::from(move |()| {
            let r = run.borrow_mut().next_step();
            match r {
                Ok(()) => {
                    error.set(None);
                    play.emit(true);
                }
                Err(e) => error.set(Some(e)),
            }
            redraw.force_update();
        })
    };
    let restart = {
        let run = run.clone();
        let demo = props.demo.clone();
        let play = controls.set_playing.clone();
        let redraw = redraw.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            *run.borrow_mut() = DemoRun::new((*demo).clone());
            play.emit(false);
            error.set(None);
            redraw.force_update();
        })
    };
    // The sandbox's keys work here too: Space, →, [ and ], ? and Esc.
    let help = use_state(|| false);
    let (open_help, close_help) = use_control_shortcuts(&controls, &help);
    // A demo opens at the top of the page (from the lesson list, the browser would keep the
    // list's scroll position and hide the caption and Start).
    use_effect_with((), |_| {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    // N and Page Down (outside text fields and menus) advance: what a presentation clicker sends.
    {
        let next = next.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                // Not passive: N and Page Down must not also scroll the page.
                EventListener::new_with_options(&w, "keydown", gloo::events::EventListenerOptions::enable_prevent_default(), move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    let in_field = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
                    if in_field || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    if matches!(e.key().as_str(), "n" | "N" | "PageDown") {
                        e.prevent_default();
                        next.emit(());
                    }
                })
            });
            move || drop(listener)
        });
    }

    let r = run.borrow();
    let snap = Rc::new(r.session.engine.snapshot());
    let inspect = {
        let run = run.clone();
        Callback::from(move |task: String| run.borrow().session.engine.inspect_task(&task))
    };
    let on_command = Callback::from(|_| {});
    let caption = r.caption().map(str::to_string);
    let long = caption.as_ref().is_some_and(|c| c.chars().count() > LONG_CAPTION);
    let finished = r.finished();
    // The last step started but still playing: not "over" until it has played out.
    let over = r.over();
    let started = r.done > 0;
    let progress = r.progress_text();
    let total = r.demo.steps.len();
    let (event_index, generation) = super::event_log::use_event_index(r.session.engine.events(), (0, 0));
    drop(r);
    let on_next = {
        let next = next.clone();
        Callback::from(move |_: MouseEvent| next.emit(()))
    };
    html! {
        <div class="app demo-page">
            <header class="topbar">
                <h1 class="brand">{"Berth"}</h1>
                {props.nav.clone()}
                <span class="scenario-name">{format!("Demo: {}", props.demo.title)}</span>
                {sim_controls(&controls, None)}
                <span class="clock" data-testid="clock" role="timer" aria-label="virtual time">{super::app::clock_text(snap.time_ms, controls.playing || props.present)}</span>
                <button data-testid="help" onclick={open_help} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">{"? Help"}</button>
            </header>
            if *help {
                <Modal title="Keyboard shortcuts" testid="help-dialog" on_close={close_help}>
                    {shortcuts_help()}
                    <p>{"In a demo, "}<kbd>{"N"}</kbd>{" or "}<kbd>{"Page Down"}</kbd>{" (what a presentation clicker sends) goes to the next step."}</p>
                </Modal>
            }
            <section class={classes!("demo-caption", long.then_some("long"))} aria-label="Demo step" aria-live="polite" data-testid="demo-caption">
                if let Some(c) = caption {
                    <p class="say">{c}</p>
                } else {
                    <p class="say muted">{format!("{total} steps. Press \"Start\" (or N / Page Down) to begin.")}</p>
                }
                <div class="demo-actions">
                    <span class="muted" data-testid="demo-progress">{ if started { progress } else { format!("Step 0 of {total}") } }</span>
                    <button class="primary" data-testid="demo-next" onclick={on_next} disabled={finished} aria-keyshortcuts="N PageDown">
                        { if over { "The demo is over" } else if finished { "Last step playing…" } else if started { "Next step →" } else { "Start →" } }
                    </button>
                    <button data-testid="demo-restart" onclick={restart}>{"Restart"}</button>
                </div>
                if let Some(e) = &*error {
                    <p class="error" role="alert">{e.clone()}</p>
                }
            </section>
            // A region (a labelled section), so every part of the page is in a landmark.
            <section aria-label="The cluster now">
                <dl class="demo-vitals" data-testid="demo-vitals">
                    { for crate::shell::vitals::vitals(&snap).into_iter().map(|v| html! {
                        <div class="vital"><dt>{v.label}</dt><dd data-testid={format!("vital-{}", v.key)}>{v.value}</dd></div>
                    }) }
                </dl>
            </section>
            <main class="workspace">
                <ClusterView snapshot={if snap.kube.is_some() { Rc::new(crate::shell::kube_view::as_cluster(&snap)) } else { snap }} {on_command} {inspect}
                    zoom={if props.present { super::cluster_view::PRESENTER_ZOOM } else { 1.0 }} />
                <aside class="side"><EventLog log={event_index} {generation} /></aside>
            </main>
        </div>
    }
}
