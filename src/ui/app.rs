//! The page: top bar, cluster, editor and event log. Holds the engine; every change goes through
//! an engine command, then the page re-renders from a fresh snapshot.

use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use super::cluster_view::ClusterView;
use super::editor::Editor;
use super::event_log::EventLog;
use super::lessons::LessonsPage;
use super::sample;
use crate::engine::diag::Diagnostic;
use crate::engine::scenario::Scenario;
use crate::engine::sim::{Command, Engine};
use crate::engine::taskdef::parse_task_definition;
use crate::engine::time::Clock;

/// Virtual milliseconds per wall-clock tick (250 ms) at 1×.
const TICK_MS: u32 = 250;
const SPEEDS: [u32; 5] = [1, 4, 16, 64, 256];

/// Outcome of the last Deploy press, shown under the editor.
#[derive(Clone, PartialEq)]
pub enum DeployStatus {
    None,
    Invalid(Vec<Diagnostic>),
    Deployed { key: String, service: String, warnings: Vec<Diagnostic> },
    Failed(String),
}

/// What the page shows: the free sandbox, or the course (the picker, or one exercise). The
/// address keeps it across a reload: `#lessons`, `#lessons/<exercise id>`.
#[derive(Clone, PartialEq)]
enum Mode {
    Sandbox,
    Lessons(Option<String>),
}

fn mode_from_hash() -> Mode {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let hash = hash.trim_start_matches('#');
    if hash == "lessons" {
        Mode::Lessons(None)
    } else if let Some(id) = hash.strip_prefix("lessons/") {
        Mode::Lessons(Some(id.to_string()))
    } else {
        Mode::Sandbox
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let scenario: Rc<Result<Scenario, String>> = use_memo((), |_| sample::scenario());
    let mode = use_state(mode_from_hash);
    let switch = |to: Mode| {
        let mode = mode.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_hash(if to == Mode::Sandbox { "" } else { "lessons" });
            }
            mode.set(to.clone());
        })
    };
    let in_lessons = matches!(*mode, Mode::Lessons(_));
    let nav = html! {
        <nav class="modes" aria-label="Mode">
            <button data-testid="mode-sandbox" aria-pressed={(!in_lessons).to_string()} onclick={switch(Mode::Sandbox)}>{"Sandbox"}</button>
            <button data-testid="mode-lessons" aria-pressed={in_lessons.to_string()} onclick={switch(Mode::Lessons(None))}>{"Lessons"}</button>
        </nav>
    };
    match (&*mode, scenario.as_ref()) {
        (Mode::Lessons(open), _) => html! { <LessonsPage nav={nav} open={open.clone()} /> },
        (Mode::Sandbox, Ok(s)) => html! { <Playground scenario={Rc::new(s.clone())} nav={nav} /> },
        (Mode::Sandbox, Err(e)) => html! {
            <main class="fatal" data-testid="fatal">
                {nav}
                <h1>{"Berth could not load its sample scenario"}</h1>
                <pre>{e.clone()}</pre>
            </main>
        },
    }
}

#[derive(Properties)]
struct PlaygroundProps {
    scenario: Rc<Scenario>,
    nav: Html,
}

impl PartialEq for PlaygroundProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scenario, &other.scenario) && self.nav == other.nav
    }
}

#[function_component(Playground)]
fn playground(props: &PlaygroundProps) -> Html {
    let scenario = props.scenario.clone();
    let engine = {
        let scenario = scenario.clone();
        use_mut_ref(move || scenario.start(None))
    };
    let redraw = use_force_update();
    let playing = use_state(|| true);
    let speed = use_state(|| 4u32);
    let text = use_state(|| AttrValue::from(sample::WEB_TASKDEF));
    let status = use_state(|| DeployStatus::None);

    // The play loop: advance virtual time while playing.
    {
        let engine = engine.clone();
        let redraw = redraw.clone();
        use_effect_with((*playing, *speed), move |(playing, speed)| {
            let interval = playing.then(|| {
                let speed = *speed;
                Interval::new(TICK_MS, move || {
                    {
                        let mut e = engine.borrow_mut();
                        let t = e.now() + (TICK_MS * speed) as u64;
                        e.run_until(t);
                    }
                    redraw.force_update();
                })
            });
            move || drop(interval)
        });
    }

    let snap = Rc::new(engine.borrow().snapshot());
    let inspect = {
        let engine = engine.clone();
        Callback::from(move |task: String| engine.borrow().inspect_task(&task))
    };
    super::panic::set_context(format!("scenario: {}\nseed: {}\nvirtual time: {} ms\ntask definition in editor:\n{}", snap.scenario, snap.seed, snap.time_ms, super::panic::excerpt(&text)));

    let on_play = {
        let playing = playing.clone();
        Callback::from(move |_| playing.set(!*playing))
    };
    let on_step = {
        let engine = engine.clone();
        let redraw = redraw.clone();
        let playing = playing.clone();
        Callback::from(move |_| {
            playing.set(false);
            {
                let mut e = engine.borrow_mut();
                if !e.step() {
                    let t = e.now() + 1000;
                    e.run_until(t);
                }
            }
            redraw.force_update();
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |e: Event| {
            let v: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = v.value().parse::<u32>() {
                speed.set(n);
            }
        })
    };
    let on_reset = {
        let engine = engine.clone();
        let redraw = redraw.clone();
        let scenario = scenario.clone();
        let status = status.clone();
        Callback::from(move |_| {
            *engine.borrow_mut() = scenario.start(None);
            status.set(DeployStatus::None);
            redraw.force_update();
        })
    };
    let on_text = {
        let text = text.clone();
        Callback::from(move |t: String| text.set(AttrValue::from(t)))
    };
    let on_deploy = {
        let engine = engine.clone();
        let redraw = redraw.clone();
        let text = text.clone();
        let status = status.clone();
        Callback::from(move |_| {
            let result = deploy(&mut engine.borrow_mut(), &text);
            status.set(result);
            redraw.force_update();
        })
    };
    let on_command = {
        let engine = engine.clone();
        let redraw = redraw.clone();
        let status = status.clone();
        Callback::from(move |cmd: Command| {
            if let Err(e) = engine.borrow_mut().apply(cmd) {
                status.set(DeployStatus::Failed(e));
            }
            redraw.force_update();
        })
    };

    let speed_options: Html = SPEEDS
        .iter()
        .map(|s| html! { <option value={s.to_string()} selected={*s == *speed}>{format!("{s}×")}</option> })
        .collect();

    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{"Berth"}</h1>
                {props.nav.clone()}
                <span class="scenario-name" title={scenario.description.clone()}>{&snap.scenario}</span>
                <div class="controls" role="toolbar" aria-label="Simulation controls">
                    <button data-testid="play" onclick={on_play} aria-pressed={(*playing).to_string()}>{ if *playing { "Pause" } else { "Play" } }</button>
                    <button data-testid="step" onclick={on_step} title="Process the next event">{"Step"}</button>
                    <label>{"Speed "}<select data-testid="speed" onchange={on_speed}>{speed_options}</select></label>
                    <button data-testid="reset" onclick={on_reset}>{"Reset"}</button>
                </div>
                <span class="clock" data-testid="clock" aria-label="virtual time">{Clock(snap.time_ms).to_string()}</span>
                <span class="seed" data-testid="seed">{format!("seed {}", snap.seed)}</span>
            </header>
            <main class="workspace">
                <ClusterView snapshot={snap.clone()} on_command={on_command.clone()} {inspect} />
                <aside class="side">
                    <Editor text={(*text).clone()} on_change={on_text} on_deploy={on_deploy} status={(*status).clone()} snapshot={snap.clone()} on_command={on_command} />
                    { { let (events, total) = super::event_log::newest(engine.borrow().events()); html! { <EventLog {events} {total} /> } } }
                </aside>
            </main>
        </div>
    }
}

/// Validate the editor text; if it is valid, register it and point the service at it.
fn deploy(engine: &mut Engine, text: &str) -> DeployStatus {
    let parsed = parse_task_definition(text);
    let Some(td) = parsed.task_definition else {
        return DeployStatus::Invalid(parsed.diagnostics);
    };
    let warnings = parsed.diagnostics;
    // The service running this family, else the first service.
    let service = engine
        .services()
        .values()
        .find(|s| s.task_definition.split(':').next() == Some(td.family.as_str()))
        .or_else(|| engine.services().values().next())
        .map(|s| s.name.clone());
    let key = engine.register(td);
    let Some(service) = service else {
        return DeployStatus::Deployed { key, service: String::new(), warnings };
    };
    match engine.apply(Command::UpdateService { service: service.clone(), desired_count: None, task_definition: Some(key.clone()), deployment_configuration: None, force_new_deployment: false }) {
        Ok(()) => DeployStatus::Deployed { key, service, warnings },
        Err(e) => DeployStatus::Failed(e),
    }
}
