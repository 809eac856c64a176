//! The page: routing (sandbox or lessons, share links, presenter mode), and the sandbox
//! playground — top bar, timeline, cluster, editor and event log. The sandbox's engine lives in a
//! [`History`] (time travel); every learner action goes through [`History::input`], so it is
//! journaled, replayable, saved and shareable.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

use gloo::events::EventListener;
use yew::prelude::*;

use super::charts::{chart_data, Charts};
use super::cluster_view::ClusterView;
use super::controls::sim_controls;
use super::editor::Editor;
use super::event_log::EventLog;
use super::service_panel::ServicePanel;
use super::help::{shortcuts_help, Modal};
use super::hooks::{use_latest_callback, use_shortcuts, use_sim_controls, Shortcut};
use super::lessons::LessonsPage;
use super::share::{page_address, replace_hash, ShareDialog};
use super::timeline::Timeline;
use super::{presenter, sample, storage};
use crate::engine::diag::Diagnostic;
use crate::engine::history::{History, Input, Outcome};
use crate::engine::scenario::Scenario;
use crate::engine::sim::Command;
use crate::engine::snapshot::Snapshot;
use crate::engine::time::{Clock, Millis};
use crate::shell::share::{decode_link, encode_link, Scene, MAX_TIME};

/// Outcome of the last Deploy press (or a refused command), shown under the editor.
#[derive(Clone, PartialEq)]
pub enum DeployStatus {
    None,
    Invalid(Vec<Diagnostic>),
    Deployed { key: String, service: String, warnings: Vec<Diagnostic> },
    /// A Kubernetes manifest was applied: the objects (`deployment/web`).
    Applied { objects: Vec<String>, warnings: Vec<Diagnostic> },
    Failed(String),
}

// ---------------------------------------------------------------------------------------------
// Routing: the address's fragment is `&`-separated parts: `lessons` or `lessons/<id>`, `s=<link>`,
// `present`.

#[derive(Clone, PartialEq, Debug)]
pub enum Mode {
    Sandbox,
    Lessons(Option<String>),
    /// A chapter's presenter demo (`demo/<chapter id>`).
    Demo(String),
    /// A chapter's printable summary (`summary/<chapter id>`).
    Summary(String),
    /// A lesson carried in the address (`lesson=<payload>`, made by the Lesson builder).
    Lesson(String),
}

#[derive(Clone, PartialEq, Debug)]
pub struct Route {
    pub mode: Mode,
    /// A share link's payload (after `s=`).
    pub link: Option<String>,
    pub present: bool,
}

pub fn parse_hash(hash: &str) -> Route {
    let mut route = Route { mode: Mode::Sandbox, link: None, present: false };
    for part in hash.trim_start_matches('#').split('&') {
        if part == "lessons" {
            route.mode = Mode::Lessons(None);
        } else if let Some(id) = part.strip_prefix("lessons/") {
            route.mode = Mode::Lessons(Some(id.to_string()));
        } else if let Some(c) = part.strip_prefix("summary/") {
            route.mode = Mode::Summary(c.to_string());
        } else if let Some(c) = part.strip_prefix("demo/") {
            route.mode = Mode::Demo(c.to_string());
        } else if let Some(p) = part.strip_prefix("lesson=") {
            route.mode = Mode::Lesson(p.to_string());
        } else if let Some(s) = part.strip_prefix("s=") {
            route.link = Some(s.to_string());
        } else if part == "present" || part == "present=1" {
            route.present = true;
        }
    }
    route
}

/// The fragment for a mode and the presenter flag (links are never written back).
pub fn hash_for(mode: &Mode, present: bool) -> String {
    let mut parts: Vec<String> = Vec::new();
    match mode {
        Mode::Sandbox => {}
        Mode::Lessons(None) => parts.push("lessons".into()),
        Mode::Lessons(Some(id)) => parts.push(format!("lessons/{id}")),
        Mode::Demo(c) => parts.push(format!("demo/{c}")),
        Mode::Summary(c) => parts.push(format!("summary/{c}")),
        Mode::Lesson(p) => parts.push(format!("lesson={p}")),
    }
    if present {
        parts.push("present".into());
    }
    parts.join("&")
}

fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

pub(crate) fn set_hash(hash: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(hash);
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let route = use_state(|| parse_hash(&current_hash()));
    // Bumped when a new share link arrives in this tab, so the playground starts over with it.
    let generation = use_mut_ref(|| Cell::new(0u32));
    {
        let route = route.clone();
        let generation = generation.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "hashchange", move |_| {
                    let r = parse_hash(&current_hash());
                    if r.link.is_some() {
                        let g = generation.borrow();
                        g.set(g.get() + 1);
                    }
                    route.set(r);
                })
            });
            move || drop(listener)
        });
    }
    use_effect_with(route.present, |on| {
        presenter::apply(*on);
        || ()
    });

    let switch = |to: Mode| {
        let present = route.present;
        let route = route.clone();
        Callback::from(move |_: MouseEvent| {
            set_hash(&hash_for(&to, present));
            route.set(Route { mode: to.clone(), link: None, present });
        })
    };
    let on_presenter = {
        let route = route.clone();
        Callback::from(move |()| {
            let r = Route { link: None, present: !route.present, mode: route.mode.clone() };
            replace_hash(&hash_for(&r.mode, r.present));
            route.set(r);
        })
    };
    let in_lessons = matches!(route.mode, Mode::Lessons(_) | Mode::Demo(_) | Mode::Summary(_) | Mode::Lesson(_));
    let nav = html! {
        <nav class="modes" aria-label="Mode">
            <button data-testid="mode-sandbox" aria-pressed={(!in_lessons).to_string()} onclick={switch(Mode::Sandbox)}>{"Sandbox"}</button>
            <button data-testid="mode-lessons" aria-pressed={in_lessons.to_string()} onclick={switch(Mode::Lessons(None))}>{"Lessons"}</button>
        </nav>
    };
    let generation = generation.borrow().get();
    match &route.mode {
        Mode::Lessons(open) => html! { <LessonsPage nav={nav} open={open.clone()} present={route.present} /> },
        Mode::Demo(chapter) => html! { <super::demo::DemoPage chapter={chapter.clone()} nav={nav} present={route.present} /> },
        Mode::Summary(chapter) => html! { <super::lessons::SummaryPage chapter={chapter.clone()} nav={nav} /> },
        Mode::Lesson(payload) => html! { <super::lessons::LinkedLesson payload={payload.clone()} nav={nav} present={route.present} /> },
        Mode::Sandbox => html! {
            <Playground key={generation} link={route.link.clone()} nav={nav} present={route.present} {on_presenter} />
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Starting the sandbox: a share link, else the saved session, else the sample.

thread_local! {
    /// The side tab the next playground opens on (set just before a link replaces this one).
    static OPEN_TAB: Cell<Option<SideTab>> = const { Cell::new(None) };
}

#[derive(Clone, PartialEq, Debug)]
pub struct Notice {
    /// `link-error`, `link-opened`, `example-opened`, `storage-error`, `save-error`, `past-changed`.
    pub kind: &'static str,
    pub error: bool,
    pub text: String,
    /// Offer to bring back the session a share link replaced.
    pub restore: bool,
}

struct Boot {
    scenario: Rc<Scenario>,
    /// The scene as opened (its scenario text and files are kept for saving and sharing).
    scene: Scene,
    history: History,
    notices: Vec<Notice>,
    /// False after a bad link: the saved session is not overwritten until the learner acts.
    autosave: bool,
    playing: bool,
}

fn sample_files() -> BTreeMap<String, String> {
    BTreeMap::from([("taskdefs/web.json".to_string(), sample::WEB_TASKDEF.to_string())])
}

fn default_scene() -> Result<(Scene, Scenario), String> {
    let scenario = sample::scenario()?;
    Ok((Scene::new(sample::SCENARIO, sample_files(), scenario.seed, sample::WEB_TASKDEF), scenario))
}

fn open_default(notices: Vec<Notice>, autosave: bool) -> Result<Boot, String> {
    let (scene, scenario) = default_scene()?;
    let history = History::new(scenario.start(Some(scene.seed)));
    Ok(Boot { scenario: Rc::new(scenario), scene, history, notices, autosave, playing: true })
}

fn boot(link: Option<&str>) -> Result<Boot, String> {
    if let Some(payload) = link {
        replace_hash(&hash_for(&Mode::Sandbox, parse_hash(&current_hash()).present));
        return match decode_link(payload).and_then(|scene| scene.open().map(|(s, h)| (scene, s, h))) {
            Ok((scene, scenario, history)) => {
                let restore = keep_own_session_aside();
                let _ = storage::set(storage::OPENED_LINK_KEY, &crate::shell::share::to_saved(&scene));
                let (text, kind) = match crate::shell::examples::matching(&scene) {
                    Some(example) => (crate::shell::script::example_notice(&example.name, &example.description, &scenario.timeline, restore), "example-opened"),
                    None => (crate::shell::share::opened_notice(history.now(), history.furthest(), restore), "link-opened"),
                };
                let notice = Notice { kind, error: false, text, restore };
                Ok(Boot { scenario: Rc::new(scenario), scene, history, notices: vec![notice], autosave: true, playing: false })
            }
            Err(e) => {
                // A bad link must never cost the learner their session: it is kept aside exactly
                // as for a good link, so acting in the sample shown instead (which then saves)
                // leaves "Go back to my own session". Until the learner acts nothing is saved, so
                // reloading the page without the link also brings their session straight back.
                // The previous link's scene (`OPENED_LINK_KEY`) is left as it is: the saved
                // session was not replaced by anything opened.
                let restore = keep_own_session_aside();
                let text = crate::shell::share::bad_link_notice(&e, restore);
                open_default(vec![Notice { kind: "link-error", error: true, text, restore }], false)
            }
        };
    }
    match storage::load() {
        storage::Saved::Nothing => open_default(Vec::new(), true),
        storage::Saved::Scene(scene) => match scene.open() {
            Ok((scenario, history)) => {
                let playing = history.is_live();
                Ok(Boot { scenario: Rc::new(scenario), scene, history, notices: Vec::new(), autosave: true, playing })
            }
            Err(e) => {
                storage::set_aside(&crate::shell::share::to_saved(&scene));
                open_default(vec![storage_notice(&e)], true)
            }
        },
        storage::Saved::SetAside(e) => open_default(vec![storage_notice(&e)], true),
    }
}

/// Before a link (good or bad) puts another scene on screen: the saved session is kept aside for
/// "Go back to my own session", unless it is only the previous link looked at (then the learner's
/// own session, aside already, stays there). Whether there is a session to go back to.
fn keep_own_session_aside() -> bool {
    let aside = storage::get(storage::BEFORE_LINK_KEY).is_some();
    match storage::get(storage::KEY) {
        Some(previous) if crate::shell::share::keep_aside(&previous, storage::get(storage::OPENED_LINK_KEY).as_deref(), aside) => {
            storage::set(storage::BEFORE_LINK_KEY, &previous).is_ok()
        }
        _ => aside,
    }
}

fn storage_notice(e: &str) -> Notice {
    Notice {
        kind: "storage-error",
        error: true,
        text: format!("Your saved session could not be read: {e}. It was set aside (kept in this browser under \"{}\") and the sample scenario is shown.", storage::CORRUPT_KEY),
        restore: false,
    }
}

// ---------------------------------------------------------------------------------------------
// The playground

#[derive(Properties, PartialEq)]
struct PlaygroundProps {
    link: Option<String>,
    nav: Html,
    present: bool,
    on_presenter: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Help,
    Share(Result<AttrValue, AttrValue>),
}

/// What the autosave last wrote, to skip identical writes.
#[derive(Default, PartialEq, Clone)]
struct SavedMark {
    text: AttrValue,
    journal: usize,
    time: Millis,
    furthest: Millis,
    seed: u64,
    wall: f64,
}

#[function_component(Playground)]
fn playground(props: &PlaygroundProps) -> Html {
    let booted = {
        let link = props.link.clone();
        use_memo((), move |_| boot(link.as_deref()))
    };
    match booted.as_ref() {
        Ok(_) => {}
        Err(e) => {
            return html! {
                <main class="fatal" data-testid="fatal">
                    {props.nav.clone()}
                    <h1>{"Berth could not load its sample scenario"}</h1>
                    <pre>{e.clone()}</pre>
                </main>
            }
        }
    }
    html! { <Sandbox boot={Rc::new(BootProps(booted.clone()))} nav={props.nav.clone()} present={props.present} on_presenter={props.on_presenter.clone()} /> }
}

/// The booted state, shared (and compared by pointer).
struct BootProps(Rc<Result<Boot, String>>);

impl PartialEq for BootProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

#[derive(Properties, PartialEq)]
struct SandboxProps {
    boot: Rc<BootProps>,
    nav: Html,
    present: bool,
    on_presenter: Callback<()>,
}

#[function_component(Sandbox)]
fn sandbox(props: &SandboxProps) -> Html {
    // Playground only renders this with a booted state.
    let Ok(boot) = props.boot.0.as_ref() else { return html! {} };
    let scenario = boot.scenario.clone();
    // The scenario's scripted actions, in words, for the timeline's marks.
    let scripted = use_memo(Rc::as_ptr(&scenario) as usize, {
        let scenario = scenario.clone();
        move |_| Rc::new(scenario.timeline.iter().map(|(t, _, c)| (*t, crate::shell::script::command_words(c))).collect::<Vec<_>>())
    });
    // The initial values are cloned inside the hooks' closures, i.e. on the first render only:
    // cloning the booted History (a whole engine) on every frame cost most of a frame.
    let base = use_memo((), |_| boot.scene.clone());
    let sim = use_mut_ref(|| boot.history.clone());
    let text = use_state(|| AttrValue::from(boot.scene.editor.clone()));
    // The task definition revision the editor's text stands for, as (family, revision): the
    // newest registered when the text first names the family, again after a deploy, a load or a
    // reset. A newer one (registered by the scenario's timeline) is offered in the editor.
    let editor_base = use_mut_ref(|| None::<(String, u32)>);
    let family = use_memo((*text).clone(), |t| crate::shell::revisions::family_of(t));
    let status = use_state(|| DeployStatus::None);
    let notices = use_state(|| boot.notices.clone());
    let dialog = use_state(|| Dialog::None);
    let show_editor = use_state(|| false);
    let autosave = use_mut_ref({
        let on = boot.autosave;
        move || on
    });
    let saved = use_mut_ref(SavedMark::default);
    // The side panel's tab (editor or charts) and the charted service.
    let tab = use_state_eq(|| OPEN_TAB.with(Cell::take).unwrap_or(SideTab::Editor));
    let chart_service = use_state_eq(String::new);
    let controls = use_sim_controls(sim.clone(), boot.playing, true);
    // Whether the scene has played since it opened: a shared scene's "press Play" hint goes then.
    let played = use_mut_ref(|| false);
    if controls.playing {
        *played.borrow_mut() = true;
    }
    let redraw = use_force_update();

    // Keyboard shortcuts.
    {
        let controls = controls.clone();
        let dialog = dialog.clone();
        let show_editor = show_editor.clone();
        use_shortcuts(Callback::from(move |s: Shortcut| match s {
            Shortcut::PlayPause => controls.toggle.emit(()),
            Shortcut::Step => controls.step.emit(()),
            Shortcut::Slower => controls.slower(),
            Shortcut::Faster => controls.faster(),
            Shortcut::Help => dialog.set(Dialog::Help),
            Shortcut::Escape => {
                if *dialog != Dialog::None {
                    dialog.set(Dialog::None);
                } else if *show_editor && !super::hooks::typing_in_a_field() {
                    // Presenter mode: Esc hides the editor again, but not while typing in it.
                    show_editor.set(false);
                }
            }
        }));
    }

    // The snapshot, the cluster view's copy of it and the event log's newest events are taken
    // again only when the engine's state changed (see `ViewCache`); the play loop renders this
    // component every frame, and a snapshot of 5,000 tasks costs more than a frame.
    let view_cache = use_mut_ref(ViewCache::default);
    let (snap, cluster_snap, now, furthest, live, marks, seed, journal_len, log) = {
        let h = sim.borrow();
        let (snap, cluster_snap, log) = view_cache.borrow_mut().refresh(&h, controls.playing, js_sys::Date::now());
        (
            snap,
            cluster_snap,
            h.now(),
            h.furthest(),
            h.is_live(),
            // What the learner did, for the timeline's marks; refused commands changed nothing.
            h.journal()
                .iter()
                .zip(h.refused())
                .filter(|(_, refused)| !**refused)
                .map(|(e, _)| {
                    let what = match &e.input {
                        crate::engine::history::Input::Command(c) => crate::shell::script::command_words(c),
                        crate::engine::history::Input::Deploy(_) => "deploy the editor's text".to_string(),
                    };
                    (e.t, what)
                })
                .collect::<Vec<_>>(),
            h.start().seed(),
            h.journal().len(),
            log,
        )
    };

    // ECS services, then Kubernetes Deployments as `namespace/name`.
    let mut service_names: Vec<String> = snap.services.iter().map(|s| s.name.clone()).collect();
    service_names.extend(snap.kube.iter().flat_map(|k| k.deployments.iter().map(|d| format!("{}/{}", d.namespace, d.name))));
    let charted = if service_names.contains(&chart_service) {
        (*chart_service).clone()
    } else {
        // Default: the first service with traffic, else the first service, else the first
        // Deployment.
        snap.services.iter().find(|s| s.load.is_some()).or(snap.services.first()).map(|s| s.name.clone()).or_else(|| service_names.first().cloned()).unwrap_or_default()
    };
    let charts_data = (*tab == SideTab::Charts).then(|| {
        let mut c = view_cache.borrow_mut();
        match &c.charts {
            Some(((s, name), d)) if Rc::ptr_eq(s, &snap) && *name == charted => d.clone(),
            _ => {
                let d = Rc::new(chart_data(sim.borrow().engine(), &scenario, &snap, &charted));
                c.charts = Some(((snap.clone(), charted.clone()), d.clone()));
                d
            }
        }
    });

    // The current scene: what Share encodes, autosave stores and a bug report quotes.
    let scene_now = {
        let sim = sim.clone();
        let base = base.clone();
        let text = text.clone();
        move || {
            let h = sim.borrow();
            Scene { editor: text.to_string(), seed: h.start().seed(), journal: h.journal().to_vec(), time: h.now(), furthest: h.furthest(), ..(*base).clone() }
        }
    };

    // The bug report's context is written again only when one of its parts changed (not every
    // frame); the virtual time goes in separately, without allocating.
    {
        let key = (journal_len, seed, (*text).clone());
        let mut c = view_cache.borrow_mut();
        if c.panic_key.as_ref() != Some(&key) {
            c.panic_key = Some(key);
            let journal = sim.borrow().journal().iter().rev().take(50).map(|e| serde_json::to_string(e).unwrap_or_default()).collect::<Vec<_>>();
            super::panic::set_context(format!(
                "scenario: {}\nseed: {seed}\njournal ({journal_len} inputs, newest first, at most 50):\n{}\ntask definition in editor:\n{}",
                snap.scenario,
                super::panic::excerpt(&journal.join("\n")),
                super::panic::excerpt(&text)
            ));
        }
    }
    super::panic::set_time(now, furthest);

    // Autosave: at once when the editor or the journal changed, else at most once a second.
    {
        let scene_now = scene_now.clone();
        let saved = saved.clone();
        let autosave = autosave.clone();
        let notices = notices.clone();
        let text = (*text).clone();
        use_effect(move || {
            if *autosave.borrow() {
                let wall = js_sys::Date::now();
                let last = saved.borrow().clone();
                let changed = last.text != text || last.journal != journal_len || last.seed != seed;
                let moved = last.time != now || last.furthest != furthest;
                if changed || (moved && wall - last.wall >= 1000.0) {
                    let r = storage::save(&scene_now());
                    *saved.borrow_mut() = SavedMark { text, journal: journal_len, time: now, furthest, seed, wall };
                    if let Err(e) = r {
                        if !notices.iter().any(|n| n.kind == "save-error") {
                            let mut n = (*notices).clone();
                            n.push(Notice { kind: "save-error", error: true, text: format!("Your session is not being saved: {e}."), restore: false });
                            notices.set(n);
                        }
                    }
                }
            }
            || ()
        });
    }
    // Also save when the page is hidden or closed.
    {
        let scene_now = scene_now.clone();
        let autosave = autosave.clone();
        let current = use_mut_ref(|| None::<Rc<dyn Fn() -> Scene>>);
        *current.borrow_mut() = Some(Rc::new(scene_now));
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                EventListener::new(&w, "pagehide", move |_| {
                    if *autosave.borrow() {
                        if let Some(f) = current.borrow().as_ref() {
                            let _ = storage::save(&f());
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Learner input: journaled; in the past it first forgets the later timeline.
    let act = {
        let sim = sim.clone();
        let notices = notices.clone();
        let autosave = autosave.clone();
        let redraw = redraw.clone();
        move |input: Input| -> Outcome {
            *autosave.borrow_mut() = true;
            let (outcome, forgot) = {
                let mut h = sim.borrow_mut();
                let forgot = (!h.is_live()).then(|| (h.now(), h.furthest()));
                (h.input(input), forgot)
            };
            if let (Some((at, end)), true) = (forgot, outcome.reached_engine()) {
                let mut n: Vec<Notice> = notices.iter().filter(|n| n.kind != "past-changed").cloned().collect();
                n.push(Notice {
                    kind: "past-changed",
                    error: false,
                    text: format!("You changed the past at {}: the timeline after it (up to {}) was replaced by what happens now.", Clock(at), Clock(end)),
                    restore: false,
                });
                notices.set(n);
            }
            redraw.force_update();
            outcome
        }
    };
    let on_command = {
        let act = act.clone();
        let status = status.clone();
        use_latest_callback(move |cmd: Command| {
            if let Outcome::Failed(e) = act(Input::Command(cmd)) {
                status.set(DeployStatus::Failed(e));
            }
        })
    };
    // The Services panel's forms want the outcome back, and the kubectl console the events the
    // command logged (a drain's refused evictions): those after every event up to now (in the
    // past, the history replays to now first, and that part of the log is the same).
    let on_panel_command = {
        let act = act.clone();
        let sim = sim.clone();
        use_latest_callback(move |cmd: Command| {
            let mark = {
                let h = sim.borrow();
                let now = h.now();
                h.engine().events().partition_point(|e| e.t <= now)
            };
            match act(Input::Command(cmd)) {
                Outcome::Failed(e) => Err(e),
                _ => Ok(sim.borrow().engine().events().get(mark..).map(<[_]>::to_vec).unwrap_or_default()),
            }
        })
    };
    let on_deploy = {
        let act = act.clone();
        let status = status.clone();
        let text = text.clone();
        let editor_base = editor_base.clone();
        let sim = sim.clone();
        use_latest_callback(move |()| {
            let family = crate::shell::revisions::family_of(&text);
            let before = family.as_deref().map(|f| crate::shell::revisions::latest_revision(sim.borrow().engine(), f));
            let target = family.as_deref().and_then(|f| crate::engine::history::deploy_target(sim.borrow().engine(), f)).unwrap_or_default();
            let outcome = act(Input::Deploy(text.to_string()));
            // A deploy that registered a revision leaves the editor holding it, whether or not the
            // service then accepted it (RegisterTaskDefinition succeeds and UpdateService fails
            // for a Fargate-only text on an EC2 service, as in AWS).
            let mut registered = None;
            if let (Some(f), Some(before)) = (family, before) {
                if let Some(n) = crate::shell::revisions::registered_since(sim.borrow().engine(), &f, before) {
                    registered = Some(format!("{f}:{n}"));
                    *editor_base.borrow_mut() = Some((f, n));
                }
            }
            status.set(match outcome {
                Outcome::Done => DeployStatus::None,
                Outcome::Failed(e) => DeployStatus::Failed(match registered {
                    Some(key) => format!("Registered {key}, but service {target} refused it: {}.", e.trim_end_matches('.')),
                    None => e,
                }),
                Outcome::Invalid(d) => DeployStatus::Invalid(d),
                Outcome::Deployed { key, service, warnings } => DeployStatus::Deployed { key, service, warnings },
                Outcome::Applied { objects, warnings } => DeployStatus::Applied { objects, warnings },
            });
        })
    };
    let on_text = {
        let text = text.clone();
        let autosave = autosave.clone();
        let status = status.clone();
        use_latest_callback(move |t: String| {
            *autosave.borrow_mut() = true;
            text.set(AttrValue::from(t));
            // "Not deployed: n error(s)" was about the text Deploy saw; the live check speaks for
            // the text on screen from now on.
            if matches!(*status, DeployStatus::Invalid(_)) {
                status.set(DeployStatus::None);
            }
        })
    };
    let on_reset = {
        let sim = sim.clone();
        let scenario = scenario.clone();
        let status = status.clone();
        let redraw = redraw.clone();
        let autosave = autosave.clone();
        let editor_base = editor_base.clone();
        Callback::from(move |_: MouseEvent| {
            // Your actions are the work Reset throws away: ask first when there are some.
            let actions = sim.borrow().journal().len();
            if actions > 0 {
                let question = format!("Start the scenario over at 00:00:00? Your {actions} action(s) on the timeline are discarded; your editor text stays.");
                let sure = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
                if !sure {
                    return;
                }
            }
            *autosave.borrow_mut() = true;
            let seed = sim.borrow().start().seed();
            *sim.borrow_mut() = History::new(scenario.start(Some(seed)));
            *editor_base.borrow_mut() = None;
            status.set(DeployStatus::None);
            redraw.force_update();
        })
    };
    let on_load_newer = {
        let sim = sim.clone();
        let text = text.clone();
        let family = family.clone();
        let editor_base = editor_base.clone();
        let autosave = autosave.clone();
        Callback::from(move |()| {
            let Some(f) = family.as_ref().clone() else { return };
            let s = sim.borrow();
            if let Some((_, json)) = crate::shell::revisions::newer_than(s.engine(), &f, 0) {
                *editor_base.borrow_mut() = Some((f.clone(), crate::shell::revisions::latest_revision(s.engine(), &f)));
                *autosave.borrow_mut() = true;
                text.set(AttrValue::from(json));
            }
        })
    };
    let inspect = {
        let sim = sim.clone();
        use_latest_callback(move |task: String| sim.borrow().engine().inspect_task(&task))
    };
    let on_seek = {
        let sim = sim.clone();
        let redraw = redraw.clone();
        let pause = controls.set_playing.clone();
        use_latest_callback(move |t: Millis| {
            pause.emit(false);
            sim.borrow_mut().seek(t);
            redraw.force_update();
        })
    };
    let on_live = {
        let sim = sim.clone();
        let redraw = redraw.clone();
        use_latest_callback(move |()| {
            sim.borrow_mut().go_live();
            redraw.force_update();
        })
    };
    let on_resume = {
        let sim = sim.clone();
        let redraw = redraw.clone();
        let autosave = autosave.clone();
        use_latest_callback(move |()| {
            *autosave.borrow_mut() = true;
            sim.borrow_mut().resume_here();
            redraw.force_update();
        })
    };
    let on_share = {
        let dialog = dialog.clone();
        let scene_now = scene_now.clone();
        let present = props.present;
        Callback::from(move |_: MouseEvent| {
            let link = encode_link(&scene_now())
                .map(|p| AttrValue::from(format!("{}#s={p}{}", page_address(), if present { "&present" } else { "" })))
                .map_err(AttrValue::from);
            dialog.set(Dialog::Share(link));
        })
    };
    let on_help = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Dialog::Help))
    };
    let close_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(Dialog::None))
    };
    let on_presenter = {
        let cb = props.on_presenter.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let toggle_editor = {
        let show_editor = show_editor.clone();
        Callback::from(move |_: MouseEvent| show_editor.set(!*show_editor))
    };

    // The second sample opens as a share link would (the first session is kept aside, with a
    // "Go back" notice), through the address's fragment.
    let on_open_lab = {
        let notices = notices.clone();
        Callback::from(move |_: MouseEvent| match crate::shell::examples::scene("autoscaling-lab.json").and_then(|scene| encode_link(&scene)) {
            Ok(p) => {
                // The lab opens on the Charts tab (where its button was), at the top of the page,
                // where its notice is.
                OPEN_TAB.with(|t| t.set(Some(SideTab::Charts)));
                if let Some(w) = web_sys::window() {
                    w.scroll_to_with_x_and_y(0.0, 0.0);
                }
                set_hash(&format!("s={p}"))
            }
            Err(e) => {
                let mut n = (*notices).clone();
                n.push(Notice { kind: "link-error", error: true, text: format!("The Autoscaling lab could not be opened: {e}."), restore: false });
                notices.set(n);
            }
        })
    };
    let on_picker_error = {
        let notices = notices.clone();
        Callback::from(move |text: String| {
            let mut n = (*notices).clone();
            n.push(Notice { kind: "link-error", error: true, text, restore: false });
            notices.set(n);
        })
    };
    let on_chart_service = {
        let chart_service = chart_service.clone();
        use_latest_callback(move |s: String| chart_service.set(s))
    };
    // Arrow keys move between the tabs (the WAI-ARIA tabs pattern; automatic activation).
    let on_tab_key = {
        let tab = tab.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => Some(tab.next()),
                "ArrowLeft" => Some(tab.prev()),
                "Home" => Some(SideTab::ALL[0]),
                "End" => Some(SideTab::ALL[SideTab::ALL.len() - 1]),
                _ => None,
            };
            if let Some(t) = next {
                e.prevent_default();
                tab.set(t);
                if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&format!("tab-{}", t.id()))) {
                    if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                        let _ = el.focus();
                    }
                }
            }
        })
    };

    let notice_list = notices.iter().enumerate().map(|(i, n)| {
        let dismiss = {
            let notices = notices.clone();
            Callback::from(move |_: MouseEvent| {
                let mut v = (*notices).clone();
                if i < v.len() {
                    v.remove(i);
                }
                notices.set(v);
            })
        };
        let restore = n.restore.then(|| {
            let autosave = autosave.clone();
            Callback::from(move |_: MouseEvent| {
                if let Some(prev) = storage::get(storage::BEFORE_LINK_KEY) {
                    // No more saving of the scene on screen: the page's "pagehide" save would
                    // overwrite the session being brought back.
                    *autosave.borrow_mut() = false;
                    if storage::set(storage::KEY, &prev).is_ok() {
                        storage::remove(storage::BEFORE_LINK_KEY);
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }
                }
            })
        });
        html! {
            <div class={classes!("notice", if n.error { "error" } else { "info" })} role={if n.error { "alert" } else { "status" }} data-testid="notice" data-kind={n.kind}>
                <p>{n.text.clone()}
                    if matches!(n.kind, "link-opened" | "example-opened") && !*played.borrow() {
                        {" "}{crate::shell::share::OPENED_PAUSED_HINT}
                    }
                </p>
                if let Some(restore) = restore {
                    <button data-testid="notice-restore" onclick={restore}>{"Go back to my own session"}</button>
                }
                <button class="dismiss" data-testid="notice-dismiss" onclick={dismiss} aria-label="Dismiss this message">{"Dismiss"}</button>
            </div>
        }
    });

    let note = (now >= MAX_TIME).then(|| AttrValue::from(format!("The playground stops at {} of virtual time. Reset to start over.", Clock(MAX_TIME))));
    let editor_shown = !props.present || *show_editor;
    let kube_only = snap.kube.is_some() && snap.services.is_empty();
    let newer = family.as_ref().as_ref().and_then(|f| {
        let s = sim.borrow();
        let latest = crate::shell::revisions::latest_revision(s.engine(), f);
        let mut base = editor_base.borrow_mut();
        if base.as_ref().is_none_or(|(bf, _)| bf != f) {
            *base = Some((f.clone(), latest));
        }
        let held = base.as_ref().map_or(0, |b| b.1);
        (latest > held && held > 0).then(|| (AttrValue::from(format!("{f}:{latest}")), AttrValue::from(format!("{f}:{held}"))))
    });
    let dialog_view = match &*dialog {
        Dialog::None => html! {},
        Dialog::Help => html! { <Modal title="Keyboard shortcuts" testid="help-dialog" on_close={close_dialog.clone()}>{shortcuts_help()}</Modal> },
        Dialog::Share(link) => html! { <ShareDialog link={link.clone()} on_close={close_dialog.clone()} /> },
    };
    let (event_index, generation) = log;

    html! {
        <div class="app">
            <div class="chrome">
            <header class="topbar">
                <h1 class="brand">{"Berth"}</h1>
                {props.nav.clone()}
                <super::picker::ScenarioPicker current={AttrValue::from(snap.scenario.clone())} description={AttrValue::from(scenario.description.clone())} present={props.present} on_error={on_picker_error} />
                {sim_controls(&controls, None)}
                <span class="clock" data-testid="clock" role="timer" aria-label="virtual time">{clock_text(now, controls.playing || props.present)}</span>
                <span class="seed" data-testid="seed">{format!("seed {}", snap.seed)}</span>
                <div class="bar-actions" role="group" aria-label="Scene">
                    <button data-testid="reset" onclick={on_reset} title="Start the scenario over (your editor text stays)">{"Reset"}</button>
                    <button data-testid="share" onclick={on_share} title="Copy a link to this exact scene">{"Share"}</button>
                    <button data-testid="presenter" aria-pressed={props.present.to_string()} onclick={on_presenter} title="Larger type and high contrast for a projector">{"Presenter"}</button>
                    <button data-testid="help" onclick={on_help} aria-keyshortcuts="?" title="Keyboard shortcuts (?)">{"? Help"}</button>
                </div>
            </header>
            // While playing, the timeline moves in whole virtual seconds (as the clock does): its
            // props then stay equal between most frames, and the page is not repainted for it.
            <Timeline now={clock_ms(now, controls.playing)} furthest={clock_ms(furthest, controls.playing)} live={live} marks={marks} scripted={(*scripted).clone()} on_seek={on_seek.clone()} on_live={on_live} on_resume={on_resume} note={note} coarse={controls.playing} />
            </div>
            if !notices.is_empty() {
                <div class="notices">{ for notice_list }</div>
            }
            <main class="workspace">
                // For keyboard users: the cluster's tables hold many buttons (three per instance);
                // this first stop after the timeline jumps past them to the side panel's tabs.
                <button class="skip-link" data-testid="skip-to-panel" onclick={Callback::from(|_: MouseEvent| {
                    if let Some(tab) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".side-tabs [aria-selected=true]").ok().flatten()) {
                        if let Ok(tab) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(tab) {
                            let _ = tab.focus();
                        }
                    }
                })}>{"Skip past the cluster to the side panel"}</button>
                <ClusterView snapshot={cluster_snap} on_command={on_command.clone()} {inspect} zoom={if props.present { super::cluster_view::PRESENTER_ZOOM } else { 1.0 }} />
                <aside class="side">
                    if props.present {
                        <button data-testid="toggle-editor" aria-expanded={editor_shown.to_string()} onclick={toggle_editor}>
                            { if editor_shown { "Hide the editor" } else { "Show the editor" } }
                        </button>
                    }
                    <div class="side-tabs" role="tablist" aria-label="Side panel" onkeydown={on_tab_key}>
                        { for SideTab::ALL.into_iter().map(|t| {
                            let selected = *tab == t;
                            let onclick = { let tab = tab.clone(); Callback::from(move |_: MouseEvent| tab.set(t)) };
                            html! {
                                <button role="tab" id={format!("tab-{}", t.id())} data-testid={format!("tab-{}", t.id())} aria-selected={selected.to_string()}
                                    aria-controls={format!("panel-{}", t.id())} tabindex={if selected { "0" } else { "-1" }} {onclick}>{t.label(kube_only)}</button>
                            }
                        }) }
                    </div>
                    <div role="tabpanel" id={format!("panel-{}", tab.id())} aria-labelledby={format!("tab-{}", tab.id())} class="side-panel">
                        if *tab == SideTab::Charts {
                            if let Some(data) = charts_data {
                                <Charts snapshot={snap.clone()} {data} services={service_names} on_select={on_chart_service} on_command={on_command.clone()} />
                            }
                            if !scenario.name.starts_with("Lab: target tracking") {
                                <p class="open-lab">
                                    <button data-testid="open-lab" onclick={on_open_lab}>{"Open the Autoscaling lab"}</button>
                                    {" A second sample with a load balancer, target tracking at 70 % CPU and a load ramp. It opens like a share link: your session is kept aside and can be brought back."}
                                </p>
                            }
                        } else if *tab == SideTab::Builder {
                            <super::builder::Builder scene={{ let f = scene_now.clone(); Callback::from(move |()| f()) }} now={now}
                                suggest={{ let sim = sim.clone(); Callback::from(move |since| crate::shell::builder::suggest_goals(sim.borrow().engine(), since)) }} />
                        } else if *tab == SideTab::Services {
                            <ServicePanel snapshot={snap.clone()} on_command={on_panel_command}
                                describe={{ let sim = sim.clone(); let snap = snap.clone(); Some(Callback::from(move |args: String| crate::shell::kubectl_describe::describe(&snap, sim.borrow().engine().events(), &args))) }} />
                        } else if editor_shown {
                            <Editor text={(*text).clone()} on_change={on_text} on_deploy={on_deploy} status={(*status).clone()} snapshot={snap.clone()} on_command={on_command}
                                manifest={crate::engine::history::is_manifest(sim.borrow().engine(), &text)} {newer} {on_load_newer} />
                        } else {
                            <p class="editor-hidden" data-testid="editor-hidden">{"Presenter mode hides the editor: press \u{201c}Show the editor\u{201d} above to edit."}</p>
                        }
                    </div>
                    <EventLog log={event_index} {generation} on_select={Some(on_seek)} />
                </aside>
            </main>
            {dialog_view}
        </div>
    }
}

/// How long (wall time) a snapshot is reused while playing when no event happened: numbers that
/// move without events (cost so far, traffic use) refresh twice a second, or less often when a
/// snapshot is expensive (100 times its cost: 1.5 s with 5,000 tasks).
const SNAPSHOT_REFRESH_MS: f64 = 500.0;
const SNAPSHOT_REFRESH_SPACING: f64 = 100.0;
/// While playing, the next snapshot waits at least this many times as long as the last one took,
/// so that at most about 1 frame in 25 takes one: with thousands of tasks a snapshot (and the
/// cluster view's work on it) takes most of a frame. Small clusters (a snapshot of a few ms) still
/// get one every few frames; 5,000 tasks a few a second. Motion in between (flights, fades) is
/// drawn every frame.
const SNAPSHOT_SPACING: f64 = 25.0;

/// The sandbox's derived views, kept between renders. The play loop renders the page every
/// animation frame, but the engine's state changes only when something happens: a new snapshot
/// is taken when the log grew (or shrank: time travel), a learner input was journaled, the seed
/// or the time went back, while paused (every render then follows an action), and at least every
/// [`SNAPSHOT_REFRESH_MS`] while playing. Reusing the same `Rc` lets the panels skip re-rendering
/// (their props compare snapshots by pointer).
#[derive(Default)]
struct ViewCache {
    snapshot: Option<Rc<Snapshot>>,
    /// What the cluster view draws: the snapshot, or Kubernetes nodes and pods as its cards.
    cluster: Option<Rc<Snapshot>>,
    /// The run's log mirrored for the event list (synced with only the new events).
    log: Rc<RefCell<crate::shell::event_index::EventIndex>>,
    /// (events, journal length, seed) when the snapshot was taken, and the wall time.
    key: (usize, usize, u64),
    wall: f64,
    /// Wall time the last snapshot took, ms.
    cost: f64,
    /// The chart data, for this snapshot (held, so its address cannot be reused) and service.
    charts: Option<((Rc<Snapshot>, String), Rc<super::charts::ChartData>)>,
    panic_key: Option<(usize, u64, AttrValue)>,
}

impl ViewCache {
    /// The snapshot, the cluster view's snapshot and the event log's props, taken again when
    /// needed.
    fn refresh(&mut self, h: &History, playing: bool, wall: f64) -> (Rc<Snapshot>, Rc<Snapshot>, (Rc<RefCell<crate::shell::event_index::EventIndex>>, u64)) {
        let events = h.engine().events();
        let key = (events.len(), h.journal().len(), h.start().seed());
        if let (Some(snap), Some(cluster)) = (&self.snapshot, &self.cluster) {
            let since = wall - self.wall;
            let same = self.key == key && since < SNAPSHOT_REFRESH_MS.max(self.cost * SNAPSHOT_REFRESH_SPACING);
            let too_soon = since < self.cost * SNAPSHOT_SPACING;
            // A new input (the journal grew) shows at once, even while playing.
            if playing && snap.time_ms <= h.now() && since >= 0.0 && self.key.1 == key.1 && (same || too_soon) {
                return (snap.clone(), cluster.clone(), (self.log.clone(), self.log.borrow().generation()));
            }
        }
        let snap = Rc::new(h.engine().snapshot());
        let cluster = if snap.kube.is_some() { Rc::new(crate::shell::kube_view::as_cluster(&snap)) } else { snap.clone() };

        if !playing || self.key.0 != key.0 || self.snapshot.is_none() {
            self.log.borrow_mut().sync(events, (key.1, key.2));
        }
        // Date.now() counts whole milliseconds: a snapshot under 1 ms may be taken every frame.
        self.cost = (js_sys::Date::now() - wall).max(0.0);
        self.snapshot = Some(snap.clone());
        self.cluster = Some(cluster.clone());
        self.key = key;
        self.wall = wall;
        let generation = self.log.borrow().generation();
        (snap, cluster, (self.log.clone(), generation))
    }
}

/// The sandbox side panel's tabs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SideTab {
    Editor,
    Services,
    Charts,
    Builder,
}

impl SideTab {
    const ALL: [SideTab; 4] = [SideTab::Editor, SideTab::Services, SideTab::Charts, SideTab::Builder];
    fn index(self) -> usize {
        SideTab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
    fn next(self) -> SideTab {
        SideTab::ALL[(self.index() + 1) % SideTab::ALL.len()]
    }
    fn prev(self) -> SideTab {
        SideTab::ALL[(self.index() + SideTab::ALL.len() - 1) % SideTab::ALL.len()]
    }
    fn id(self) -> &'static str {
        match self {
            SideTab::Editor => "editor",
            SideTab::Services => "services",
            SideTab::Charts => "charts",
            SideTab::Builder => "builder",
        }
    }
    /// `kube_only`: a Kubernetes scenario without ECS services (its panel is about workloads).
    fn label(self, kube_only: bool) -> &'static str {
        match self {
            SideTab::Editor => "Editor",
            SideTab::Services if kube_only => "Workloads",
            SideTab::Services => "Services",
            SideTab::Charts => "Charts",
            SideTab::Builder => "Lesson builder",
        }
    }
}

/// The top bar's clock: whole seconds while playing (milliseconds would flicker), exact when
/// paused.
pub fn clock_text(t: Millis, playing: bool) -> String {
    Clock(clock_ms(t, playing)).to_string()
}

/// `t` as the page shows it: whole seconds while playing (and always in presenter mode, whose
/// big clock would otherwise widen and push the top bar onto a second row at each pause), exact
/// when paused.
pub fn clock_ms(t: Millis, playing: bool) -> Millis {
    if playing {
        t - t % 1000
    } else {
        t
    }
}
