//! The cluster: a picture on a canvas (zones as columns, instance cards, task chips, the pending
//! queue, with motion that teaches), the same information as tables for screen readers and
//! keyboards, a details panel with "Why here?" / "Why pending?", and a rollout gauge per service.
//!
//! * `layout.rs` — where things go (pure; O(instances + tasks)); hit-testing.
//! * `canvas.rs` — drawing and the animation state diffed from consecutive snapshots.
//! * `table.rs` — the accessible view (tables with the action buttons).
//! * `details.rs`, `why.rs` — the details panel and the placement explanation.
//!
//! Users' guide: docs/cluster-view.md.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::engine::sim::Command;
use crate::engine::snapshot::{ServiceView, Snapshot, TaskInspection};
use crate::engine::task::TaskStatus;

pub mod canvas;
pub mod details;
pub mod layout;
pub mod table;
pub mod why;

#[derive(Properties)]
pub struct Props {
    pub snapshot: Rc<Snapshot>,
    pub on_command: Callback<Command>,
    /// Placement explanation and history of a task, asked for when the learner clicks it.
    pub inspect: Callback<String, TaskInspection>,
    /// How much larger the picture is drawn: 1, or [`PRESENTER_ZOOM`] in presenter mode (text,
    /// cards and chips all grow; the layout is made for the width divided by it). Left out, the
    /// view follows presenter mode itself ([`auto_zoom`]: the `presenter` class on the page), so
    /// every page that shows a cluster (sandbox, demo, exercise) draws it at the same size.
    #[prop_or_default]
    pub zoom: Option<f64>,
}

/// The cluster picture's scale in presenter mode: a class at the back of the room reads the
/// instance ids, the bars' numbers and the chips' revisions.
pub const PRESENTER_ZOOM: f64 = 1.4;

/// The zoom of a view whose page gives none: [`PRESENTER_ZOOM`] while the page is in presenter
/// mode (`html.presenter`, set by `presenter::apply`), else 1.
pub fn auto_zoom() -> f64 {
    if presenter_on() {
        PRESENTER_ZOOM
    } else {
        1.0
    }
}

/// Whether the page is in presenter mode now (`html.presenter`, set by `presenter::apply`).
pub fn presenter_on() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("class"))
        .is_some_and(|c| c.split_whitespace().any(|c| c == "presenter"))
}

/// Snapshots compare by pointer: the page hands over a new `Rc` only when the engine's state
/// changed, and comparing 5,000 tasks field by field on every frame costs more than drawing them.
impl PartialEq for Props {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.snapshot, &o.snapshot) && self.on_command == o.on_command && self.inspect == o.inspect && self.zoom == o.zoom
    }
}

/// A snapshot compared by pointer: a new `Rc` is a new snapshot (comparing contents costs
/// O(tasks)).
struct ByPtr(Rc<Snapshot>);

impl PartialEq for ByPtr {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.0, &o.0)
    }
}

/// What the details panel shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Instance(String),
    Task(String),
    /// A group of tasks waiting for placement, by its group (`service:web`): by name, not by its
    /// position in the list, so the panel stays on it when another group gets placed.
    Pending(String),
    /// The Fargate pool of a zone.
    Fargate(String),
}

/// A stable colour slot (0–7) per service or task group, so each service keeps its colour.
pub fn colour_slot(group: &str) -> usize {
    (crate::engine::rng::fnv1a(group.as_bytes()) % 8) as usize
}

/// Above this many tasks the tables start hidden (they cost more to update than the picture);
/// the "Table view" button shows them.
pub const TABLE_AUTO_LIMIT: usize = 400;

/// What the rollout gauge shows for a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gauge {
    pub desired: u32,
    /// RUNNING, wanted, and not UNHEALTHY.
    pub healthy: u32,
    /// Tasks counted against maximumPercent: not yet stopping.
    pub total: u32,
    /// ceil(desired × minimumHealthyPercent / 100): the rolling update's floor (none for a
    /// blue/green service, which CodeDeploy shifts instead).
    pub min_healthy: Option<u32>,
    /// floor(desired × maximumPercent / 100): its ceiling.
    pub max_total: Option<u32>,
    /// Tasks on the current revision / older ones.
    pub new: u32,
    pub old: u32,
}

/// The rollout gauge of a service: its limits are the service's deployment configuration as the
/// snapshot has it (so they are right after a reload, a share link or time travel too).
pub fn gauge(s: &Snapshot, v: &ServiceView) -> Gauge {
    let limits = (v.controller == "ECS").then_some((v.deployment.minimum_healthy_percent, v.deployment.maximum_percent));
    let current: Option<u32> = v.task_definition.rsplit(':').next().and_then(|r| r.parse().ok());
    let (mut healthy, mut total, mut new, mut old) = (0, 0, 0, 0);
    for t in s.tasks.iter().filter(|t| t.service.as_deref() == Some(v.name.as_str())) {
        if t.desired_status != TaskStatus::Running {
            continue;
        }
        total += 1;
        if t.last_status == TaskStatus::Running && t.health != "UNHEALTHY" {
            healthy += 1;
        }
        if current.is_some_and(|c| t.revision < c) {
            old += 1;
        } else {
            new += 1;
        }
    }
    let bounds = limits.map(|(lo, hi)| crate::engine::deployment::bounds(v.desired, lo, hi));
    Gauge { desired: v.desired, healthy, total, min_healthy: bounds.map(|b| b.0), max_total: bounds.map(|b| b.1), new, old }
}

fn gauge_html(name: &str, g: &Gauge) -> Html {
    let scale = g.max_total.unwrap_or(0).max(g.total).max(g.desired).max(1) as f64;
    // Whole percent, as the `w-N` / `l-N` classes of cluster.css (no style attributes: CSP).
    let pc = |n: u32| ((n as f64 * 100.0 / scale).round() as u32).min(100);
    let label = match (g.min_healthy, g.max_total) {
        (Some(lo), Some(hi)) => format!("{name}: {} healthy (minimum {lo}), {} tasks (maximum {hi}); {} new, {} old revision", g.healthy, g.total, g.new, g.old),
        _ => format!("{name}: {} healthy, {} tasks of {} desired; {} new, {} old revision", g.healthy, g.total, g.desired, g.new, g.old),
    };
    html! {
        <>
        <span class="cv-gauge" data-testid="rollout-gauge" data-healthy={g.healthy.to_string()} data-total={g.total.to_string()}
              data-min={g.min_healthy.map(|x| x.to_string()).unwrap_or_default()} data-max={g.max_total.map(|x| x.to_string()).unwrap_or_default()}
              role="img" aria-label={label.clone()} title={label}>
            <span class={classes!("cv-gauge-total", format!("w-{}", pc(g.total)))}></span>
            <span class={classes!("cv-gauge-healthy", format!("w-{}", pc(g.healthy)))}></span>
            if let Some(lo) = g.min_healthy { <span class={classes!("cv-gauge-min", format!("l-{}", pc(lo)))}></span> }
            if let Some(hi) = g.max_total { <span class={classes!("cv-gauge-max", format!("l-{}", pc(hi)))}></span> }
            <span class={classes!("cv-gauge-desired", format!("l-{}", pc(g.desired)))}></span>
        </span>
        // The gauge's numbers on screen too (a tooltip does not reach the back of a classroom).
        <span class="cv-gauge-text muted cv-muted" data-testid="rollout-gauge-text" aria-hidden="true">{ match (g.min_healthy, g.max_total) {
            (Some(lo), Some(hi)) => format!(" healthy {} (min {lo}) · tasks {} (max {hi}) · {} new, {} old", g.healthy, g.total, g.new, g.old),
            _ => format!(" healthy {} · tasks {} of {} · {} new, {} old", g.healthy, g.total, g.desired, g.new, g.old),
        } }</span>
        </>
    }
}

/// `prefers-reduced-motion: reduce`, asked each time (so emulation and settings changes apply).
pub fn reduced_motion() -> bool {
    let Some(w) = web_sys::window() else { return false };
    let Ok(f) = js_sys::Reflect::get(&w, &"matchMedia".into()) else { return false };
    let Ok(f) = f.dyn_into::<js_sys::Function>() else { return false };
    let Ok(mq) = f.call1(&w, &"(prefers-reduced-motion: reduce)".into()) else { return false };
    js_sys::Reflect::get(&mq, &"matches".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// A `MutationObserver` calling `f` when the document element's `class` changes (through
/// `js_sys`: the page's web-sys build has no MutationObserver binding).
fn observe_class(f: &wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>) -> Option<js_sys::Object> {
    let w = web_sys::window()?;
    let root = w.document()?.document_element()?;
    let ctor: js_sys::Function = js_sys::Reflect::get(&w, &"MutationObserver".into()).ok()?.dyn_into().ok()?;
    let observer: js_sys::Object = js_sys::Reflect::construct(&ctor, &js_sys::Array::of1(f.as_ref())).ok()?.dyn_into().ok()?;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"attributes".into(), &true.into()).ok()?;
    js_sys::Reflect::set(&options, &"attributeFilter".into(), &js_sys::Array::of1(&"class".into())).ok()?;
    let observe: js_sys::Function = js_sys::Reflect::get(&observer, &"observe".into()).ok()?.dyn_into().ok()?;
    observe.call2(&observer, &root, &options).ok()?;
    Some(observer)
}

/// Calls a method with no arguments, ignoring what it returns.
fn call0(o: &js_sys::Object, method: &str) {
    if let Some(f) = js_sys::Reflect::get(o, &method.into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
        let _ = f.call0(o);
    }
}

/// The canvases and their animation state, shared by the component and the frame loop.
struct Stage {
    anim: RefCell<Option<canvas::Anim>>,
    frame: RefCell<Option<AnimationFrame>>,
    base: NodeRef,
    overlay: NodeRef,
    wrap: NodeRef,
    /// The stage's width, read again only when the window is resized (reading it forces a
    /// layout, which costs with big tables).
    width: std::cell::Cell<(u32, f64)>,
    /// The zoom the picture was last laid out for.
    zoom: std::cell::Cell<f64>,
}

impl Stage {
    /// Draws what is dirty and keeps the frame loop going while anything moves.
    fn paint(self: &Rc<Self>) {
        let (Some(base), Some(over)) = (self.base.cast::<HtmlCanvasElement>(), self.overlay.cast::<HtmlCanvasElement>()) else { return };
        let mut guard = self.anim.borrow_mut();
        let Some(a) = guard.as_mut() else { return };
        let (w, h) = (a.layout.width, a.layout.height);
        let zoom = self.zoom.get();
        // A canvas Yew created afresh is blank: draw it whatever the diff says.
        if base.get_attribute("data-drawn").is_none() {
            a.base_dirty = true;
        }
        if a.base_dirty {
            if let Some(ctx) = canvas::context(&base, w, h, zoom) {
                canvas::draw_base(&ctx, a);
                let _ = base.set_attribute("data-drawn", "");
            }
            a.base_dirty = false;
        }
        if a.overlay_dirty {
            if let Some(ctx) = canvas::context(&over, w, h, zoom) {
                canvas::draw_overlay(&ctx, a);
            }
            a.overlay_dirty = false;
        }
        let moving = a.flights.len() + a.fades.len() + a.lost.len();
        let want = moving.to_string();
        if over.get_attribute("data-animating").as_deref() != Some(want.as_str()) {
            let _ = over.set_attribute("data-animating", &want);
        }
        let animating = a.animating();
        drop(guard);
        if animating && self.frame.borrow().is_none() {
            let me = self.clone();
            *self.frame.borrow_mut() = Some(request_animation_frame(move |ts| {
                me.frame.borrow_mut().take();
                if let Some(a) = me.anim.borrow_mut().as_mut() {
                    a.tick(ts);
                }
                me.paint();
            }));
        }
    }
}

/// The canvas's tooltip for what the pointer is over: the full names the picture may shorten
/// (`Node ip-10-0-1-10.ec2.internal (t3.medium)`, `3 × web Pending`).
pub fn tooltip(s: &Snapshot, hit: &layout::Hit) -> String {
    let w = crate::shell::kube_view::Words::of(s);
    match hit {
        layout::Hit::Instance(id) => {
            let kind = if w.kube { "Node" } else { "Instance" };
            match s.instances.iter().find(|i| &i.id == id) {
                Some(i) => format!("{kind} {id} ({})", i.instance_type),
                None => format!("{kind} {id}"),
            }
        }
        layout::Hit::Task(id) => format!("{} {id}", if w.kube && s.kube.as_ref().is_some_and(|k| k.pods.iter().any(|p| &p.name == id)) { "Pod" } else { "Task" }),
        layout::Hit::Fargate(az) => format!("Fargate in {az}"),
        layout::Hit::Pending(i) => s
            .unplaced
            .get(*i)
            .map(|u| format!("{} × {} {}", u.count, u.service.as_deref().unwrap_or(&u.group), if w.kube { "Pending: why?" } else { "unplaced: why?" }))
            .unwrap_or_default(),
        layout::Hit::Zone(_) => String::new(),
    }
}

#[function_component(ClusterView)]
pub fn cluster_view(props: &Props) -> Html {
    let s = props.snapshot.clone();
    let selected = use_state(|| None::<Selection>);
    let table_pref = use_state(|| None::<bool>);
    let resized = use_state(|| 0u32);
    let stage = use_memo((), |_| Stage { anim: RefCell::new(None), frame: RefCell::new(None), base: NodeRef::default(), overlay: NodeRef::default(), wrap: NodeRef::default(), width: std::cell::Cell::new((u32::MAX, 0.0)), zoom: std::cell::Cell::new(1.0) });
    let panel_ref = use_node_ref();
    let tables_ref = use_node_ref();
    // A row's ✕ was pressed: where the focus goes once that row is gone.
    let focus_after = use_mut_ref(|| None::<table::FocusAfter>);
    let on_command = props.on_command.clone();
    // Instances under a Spot notice, from the engine: scripted interruptions, lessons, time
    // travel and reloads all show their countdown rings.
    let spot: HashMap<String, u64> = s.spot_reclaims.iter().map(|(id, at)| (id.clone(), *at)).collect();

    let open = {
        let selected = selected.clone();
        Callback::from(move |sel: Selection| selected.set(Some(sel)))
    };
    let close = {
        let selected = selected.clone();
        Callback::from(move |_: MouseEvent| selected.set(None))
    };

    // A new width of the cluster's column re-lays the picture out: the window resized, or the
    // column changed without it (presenter mode hides the side panel, a panel opens). The count
    // lives in a cell: the state handle a listener captured keeps the value it had then.
    {
        let resized = resized.clone();
        let wrap = stage.wrap.clone();
        use_effect_with((), move |_| {
            let count = Rc::new(std::cell::Cell::new(0u32));
            let bump = move || {
                count.set(count.get().wrapping_add(1));
                resized.set(count.get());
            };
            let on_window = bump.clone();
            let on_class = bump.clone();
            let listener = web_sys::window().map(|w| gloo::events::EventListener::new(&w, "resize", move |_| on_window()));
            // Only a change of width counts (drawing changes the height).
            let last = std::cell::Cell::new(0i32);
            let watched = wrap.clone();
            let changed = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
                let w = watched.cast::<web_sys::Element>().map(|e| e.client_width()).unwrap_or(0);
                if w > 0 && w != last.get() {
                    let first = last.get() == 0;
                    last.set(w);
                    if !first {
                        bump();
                    }
                }
            });
            let observer = web_sys::ResizeObserver::new(changed.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(el)) = (&observer, wrap.cast::<web_sys::Element>()) {
                o.observe(&el);
            }
            // Presenter mode switched (the page's `presenter` class): an automatic zoom changes
            // even when the column keeps its width.
            let class_changed = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| on_class());
            let class_observer = observe_class(&class_changed);
            move || {
                drop(listener);
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(changed);
                if let Some(o) = class_observer {
                    call0(&o, "disconnect");
                }
                drop(class_changed);
            }
        });
    }
    // Esc closes the panel.
    {
        let selected = selected.clone();
        use_effect_with(selected.is_some(), move |open| {
            let listener = (*open).then(|| {
                web_sys::window().and_then(|w| w.document()).map(|d| {
                    gloo::events::EventListener::new(&d, "keydown", move |e| {
                        if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
                            if k.key() == "Escape" {
                                selected.set(None);
                            }
                        }
                    })
                })
            });
            move || drop(listener)
        });
    }
    // A newly opened panel takes the focus, so keyboard users land in it; closing it gives the
    // focus back to what opened it (a chip, a row's button, the pending list's button). Another
    // item opened from inside the panel (a link in it) keeps the focus in the panel. One effect:
    // the order in which Yew runs a component's effects is not the order they are declared in.
    {
        let panel_ref = panel_ref.clone();
        let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
        let was_open = use_mut_ref(|| false);
        use_effect_with((*selected).clone(), move |sel| {
            let doc = web_sys::window().and_then(|w| w.document());
            let active = doc.as_ref().and_then(|d| d.active_element()).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            let panel = panel_ref.cast::<web_sys::HtmlElement>();
            let opened_now = sel.is_some() && !*was_open.borrow();
            *was_open.borrow_mut() = sel.is_some();
            match (sel.is_some(), panel) {
                (true, Some(p)) => {
                    let inside = active.as_ref().is_some_and(|a| p.contains(Some(a)));
                    if opened_now {
                        *opener.borrow_mut() = active;
                    }
                    if opened_now || !inside {
                        let _ = p.focus();
                    }
                }
                (true, None) => {}
                (false, _) => {
                    if let Some(back) = opener.borrow_mut().take() {
                        if back.is_connected() {
                            let _ = back.focus();
                        }
                    }
                }
            }
        });
    }
    // An instance terminated from its row: the row (and the button that had the focus) is gone,
    // which leaves the focus on <body>. Give it to the next instance's ✕ in the zone, else the
    // zone's button — unless the learner has already moved it elsewhere.
    {
        let focus_after = focus_after.clone();
        let tables_ref = tables_ref.clone();
        use_effect_with(ByPtr(s.clone()), move |_| {
            let Some(want) = focus_after.borrow().clone() else { return };
            let Some(root) = tables_ref.cast::<web_sys::Element>() else {
                focus_after.borrow_mut().take();
                return;
            };
            let rows = root.query_selector_all("[data-testid=instance]").ok();
            let row_of = |id: &str| -> Option<web_sys::Element> {
                let rows = rows.as_ref()?;
                (0..rows.length()).filter_map(|k| rows.item(k)?.dyn_into::<web_sys::Element>().ok()).find(|r| r.get_attribute("data-instance").as_deref() == Some(id))
            };
            let doc = web_sys::window().and_then(|w| w.document());
            let active = doc.as_ref().and_then(|d| d.active_element());
            let lost = active.as_ref().is_none_or(|a| doc.as_ref().and_then(|d| d.body()).is_some_and(|b| b.is_same_node(Some(a))) || !a.is_connected());
            if row_of(&want.instance).is_some() {
                // Not gone yet (the command is on its way); forget it if the focus moved on.
                let still = active.as_ref().is_some_and(|a| a.closest("[data-testid=instance]").ok().flatten().is_some_and(|r| r.get_attribute("data-instance").as_deref() == Some(want.instance.as_str())));
                if !still && !lost {
                    focus_after.borrow_mut().take();
                }
                return;
            }
            focus_after.borrow_mut().take();
            if !lost {
                return;
            }
            let target = want
                .next
                .iter()
                // The next instance's name (its details), not its ✕: pressing Enter again must
                // not terminate another instance.
                .find_map(|id| row_of(id).and_then(|r| r.query_selector("th button.cv-link").ok().flatten()))
                .or_else(|| {
                    let zones = root.query_selector_all("[data-testid=az]").ok()?;
                    let zone = (0..zones.length()).filter_map(|k| zones.item(k)?.dyn_into::<web_sys::Element>().ok()).find(|z| z.get_attribute("data-az").as_deref() == Some(want.az.as_str()))?;
                    zone.query_selector("h3 button").ok().flatten()
                });
            if let Some(t) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = t.focus();
            }
        });
    }
    // Snapshot, size or selection changed: diff, lay out, draw.
    {
        let stage = stage.clone();
        let inspect = props.inspect.clone();
        let spot = spot.clone();
        let given = props.zoom;
        // An automatic zoom is read when the effect runs (the page may switch presenter mode
        // between render and effect); the class observer above re-runs it on a switch.
        use_effect_with((ByPtr(s.clone()), (*selected).clone(), *resized, spot.len(), given.map(|z| (z * 100.0) as u32)), move |(ByPtr(snap), sel, resized, _, _)| {
            let zoom = given.unwrap_or_else(auto_zoom).clamp(0.5, 3.0);
            let (seen, cached) = stage.width.get();
            let width = if seen == *resized && cached > 0.0 {
                cached
            } else {
                let w = stage.wrap.cast::<web_sys::Element>().map(|e| e.client_width() as f64).filter(|w| *w > 0.0).unwrap_or(900.0);
                stage.width.set((*resized, w));
                w
            };
            let max_h = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).map(|h| (h - 170.0).max(380.0)).unwrap_or(600.0);
            // Zoomed: laid out for a narrower stage, drawn larger.
            let (width, max_h) = (width / zoom, max_h / zoom);
            let rezoomed = stage.zoom.get() != zoom;
            stage.zoom.set(zoom);
            {
                let mut guard = stage.anim.borrow_mut();
                let reduced = reduced_motion();
                match guard.as_mut() {
                    None => *guard = Some(canvas::Anim::new(snap.clone(), width, max_h)),
                    Some(a) => {
                        a.reduced_motion = reduced;
                        // At most a few histories per update: the rest use the heuristic.
                        let budget = std::cell::Cell::new(12u32);
                        let failed = |id: &str| {
                            if budget.get() == 0 {
                                return None;
                            }
                            budget.set(budget.get() - 1);
                            canvas::stop_was_failure(&inspect.emit(id.to_string()).history)
                        };
                        a.update(snap.clone(), width, max_h, &failed);
                    }
                }
                if let Some(a) = guard.as_mut() {
                    a.reduced_motion = reduced;
                    if rezoomed {
                        a.base_dirty = true;
                        a.overlay_dirty = true;
                    }
                    if a.selected != *sel {
                        a.selected = sel.clone();
                        a.overlay_dirty = true;
                    }
                    if a.spot != spot {
                        a.spot = spot.clone();
                        a.overlay_dirty = true;
                    }
                }
            }
            stage.paint();
        });
    }
    // Stop the frame loop when the view goes away.
    {
        let stage = stage.clone();
        use_effect_with((), move |_| move || drop(stage.frame.borrow_mut().take()));
    }

    let on_canvas_click = {
        let stage = stage.clone();
        let open = open.clone();
        let selected = selected.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(c) = stage.overlay.cast::<web_sys::Element>() else { return };
            let r = c.get_bounding_client_rect();
            let z = stage.zoom.get();
            let (x, y) = ((e.client_x() as f64 - r.left()) / z, (e.client_y() as f64 - r.top()) / z);
            let sel = stage.anim.borrow().as_ref().and_then(|a| match a.layout.hit(&a.snapshot, x, y)? {
                layout::Hit::Task(id) => Some(Selection::Task(id)),
                layout::Hit::Instance(id) => Some(Selection::Instance(id)),
                layout::Hit::Fargate(az) => Some(Selection::Fargate(az)),
                layout::Hit::Pending(i) => a.snapshot.unplaced.get(i).map(|u| Selection::Pending(u.group.clone())),
                layout::Hit::Zone(_) => None,
            });
            match sel {
                Some(sel) => open.emit(sel),
                None => selected.set(None),
            }
        })
    };
    let on_canvas_move = {
        let stage = stage.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(c) = stage.overlay.cast::<web_sys::HtmlElement>() else { return };
            let r = c.get_bounding_client_rect();
            let z = stage.zoom.get();
            let (x, y) = ((e.client_x() as f64 - r.left()) / z, (e.client_y() as f64 - r.top()) / z);
            let (over, tip) = match stage.anim.borrow().as_ref() {
                Some(a) => {
                    let hit = a.layout.hit(&a.snapshot, x, y);
                    (hit.as_ref().is_some_and(|h| !matches!(h, layout::Hit::Zone(_))), hit.map(|h| tooltip(&a.snapshot, &h)).unwrap_or_default())
                }
                None => (false, String::new()),
            };
            let want = if over { "true" } else { "false" };
            if c.get_attribute("data-hover").as_deref() != Some(want) {
                let _ = c.set_attribute("data-hover", want);
            }
            // The full name of what is under the pointer (the picture may shorten it).
            if c.get_attribute("title").unwrap_or_default() != tip {
                if tip.is_empty() {
                    let _ = c.remove_attribute("title");
                } else {
                    let _ = c.set_attribute("title", &tip);
                }
            }
        })
    };

    let show_table = table_pref.unwrap_or(s.tasks.len() <= TABLE_AUTO_LIMIT);
    let toggle_table = {
        let table_pref = table_pref.clone();
        Callback::from(move |_: MouseEvent| table_pref.set(Some(!show_table)))
    };

    let services = s.services.iter().map(|v| {
        let g = gauge(&s, v);
        let rolling = v.rollout_state == "IN_PROGRESS" || g.old > 0;
        html! {
            <li data-testid="service-summary" data-service={v.name.clone()}>
                <span class={classes!("swatch", "cv-swatch", format!("c{}", colour_slot(&v.name)))}></span>
                <strong>{&v.name}</strong>{format!(" {} — desired {}, running {}, ", v.task_definition, v.desired, v.running)}
                // One flex item, so no gap opens before the comma.
                <span>
                    <span title="pendingCount: placed, not RUNNING yet (PROVISIONING, PENDING, ACTIVATING)">{format!("pending {}", v.pending)}</span>
                    if v.stopping > 0 { <span title="On their way out: DEACTIVATING, STOPPING, DEPROVISIONING">{format!(", stopping {}", v.stopping)}</span> }
                    if v.unplaced > 0 { <span class="warn cv-warn" title="Tasks no instance could take: see the Unplaced lane">{format!(", {} unplaced", v.unplaced)}</span> }
                </span>
                <span class="muted cv-muted">{format!(" · {}", if v.strategy.is_empty() { "Fargate AZ spread".to_string() } else { v.strategy.join(" → ") })}</span>
                if v.rollout_state != "COMPLETED" && !v.rollout_state.is_empty() {
                    <span class={classes!("rollout", (v.rollout_state == "FAILED").then_some("warn"))} data-testid="rollout">{format!(" · deployment {}", v.rollout_state)}</span>
                }
                if v.traffic.len() > 1 {
                    <span class="traffic" data-testid="traffic">{format!(" · traffic {}", v.traffic.iter().map(|(td, p)| format!("{td} {p} %")).collect::<Vec<_>>().join(" / "))}</span>
                }
                if rolling { { gauge_html(&v.name, &g) } }
            </li>
        }
    });
    // Kubernetes Deployments, as `kubectl get deployments` sums them up.
    let deployments = s.kube.iter().flat_map(|k| k.deployments.iter()).map(|d| {
        html! {
            <li data-testid="deployment-summary" data-deployment={format!("{}/{}", d.namespace, d.name)}>
                <span class={classes!("swatch", "cv-swatch", format!("c{}", colour_slot(&d.name)))}></span>
                <strong>{format!("Deployment {}", d.name)}</strong>
                {format!(" ({}) — desired {}, ready {}, up to date {}, available {}", d.namespace, d.desired, d.ready, d.updated, d.available)}
                <span class="muted cv-muted">{format!(" · {} · revision {}", d.strategy, d.revision)}</span>
            </li>
        }
    });
    let on_terminate = {
        let focus_after = focus_after.clone();
        Callback::from(move |f: table::FocusAfter| *focus_after.borrow_mut() = Some(f))
    };
    let waiting = s.unplaced.iter().map(|u| {
        let why = {
            let open = open.clone();
            let group = u.group.clone();
            Callback::from(move |_: MouseEvent| open.emit(Selection::Pending(group.clone())))
        };
        html! {
            <li data-testid="unplaced">
                <strong>{format!("{} × {}", u.count, u.service.clone().unwrap_or_else(|| u.group.clone()))}</strong>
                // The explanation's own summary: when every instance failed alike it names no
                // "closest match" (the engine's sentence names the first of equals).
                {" waiting: "}{u.decision.as_ref().map(|d| why::WhyTable::of(d).summary()).unwrap_or_else(|| u.reason.clone())}{" "}
                <button class="small" data-testid="why-pending-open" onclick={why}>{if s.kube.is_some() { "Why pending?" } else { "Why not placed?" }}</button>
                // Kubernetes: the Pending pods themselves, each opening its details (requests,
                // QoS, the FailedScheduling message), as many as the lane draws.
                if let Some(k) = &s.kube {
                    <span class="cv-chips" data-testid="pending-pod-chips">
                        { for crate::shell::kube_view::pending_pods(k, &u.group).iter().take(layout::PENDING_SHOWN).filter_map(|p| canvas::task_by_id(&s, &p.name)).map(|t| table::chip(t, None, &open, true)) }
                        if u.count as usize > layout::PENDING_SHOWN { <span class="cv-muted">{format!("+{} more", u.count as usize - layout::PENDING_SHOWN)}</span> }
                    </span>
                }
            </li>
        }
    });

    let panel = (*selected).as_ref().map(|sel| {
        let spot_at = |id: &str| spot.get(id).copied();
        let ctx = details::Ctx { snapshot: &s, on_command: &on_command, inspect: &props.inspect, open: &open, spot_at: &spot_at };
        let (title, body) = details::body(sel, &ctx);
        html! {
            // A div: an aside may not take the dialog role.
            <div class="cv-panel" data-testid="details" role="dialog" aria-modal="false" aria-label={title.clone()} tabindex="-1" ref={panel_ref.clone()}>
                <header>
                    <h2 data-testid="details-title">{title}</h2>
                    <button class="icon" data-testid="details-close" aria-label="Close details (Esc)" title="Close (Esc)" onclick={close.clone()}>{"✕"}</button>
                </header>
                { body }
            </div>
        }
    });

    let words = crate::shell::kube_view::Words::of(&s);
    let summary = format!(
        "Cluster picture: {} {} in {} Availability Zones, {} {}, {} waiting for placement. The tables below list the same.",
        s.instances.len(),
        words.nodes(),
        s.availability_zones.len(),
        s.tasks.len(),
        words.tasks(),
        s.unplaced.iter().map(|u| u.count).sum::<u32>()
    );
    let density = stage.anim.borrow().as_ref().map(|a| a.layout.density.name()).unwrap_or("full");

    html! {
        <section class="cluster cv" aria-label="Cluster">
            // The page's outline: Berth (h1) › Cluster (h2) › each zone and the pending pods (h3).
            <h2 class="visually-hidden">{"Cluster"}</h2>
            <ul class="services cv-services">{ for services }{ for deployments }</ul>
            <div class="cv-stage" ref={stage.wrap.clone()}>
                <canvas class="cv-base" ref={stage.base.clone()} aria-hidden="true"></canvas>
                <canvas class="cv-overlay" ref={stage.overlay.clone()} data-testid="cluster-canvas" data-density={density} data-zoom={props.zoom.unwrap_or_else(auto_zoom).to_string()}
                        role="img" aria-label={summary} onclick={on_canvas_click} onmousemove={on_canvas_move}></canvas>
            </div>
            <div class="cv-legend" aria-hidden="true">
                // Pods are coloured by their workload (kube_view::as_cluster), tasks by service.
                <span data-testid="legend-running"><i class="cv-key solid"></i>{match (words.kube, s.services.is_empty()) {
                    (false, _) => "running (colour: its service)",
                    (true, true) => "running (colour: its workload: Deployment, DaemonSet or Job)",
                    (true, false) => "running (colour: its service or workload)",
                }}</span>
                <span><i class="cv-key starting"></i>{"starting"}</span>
                <span><i class="cv-key old"></i>{"older revision"}</span>
                <span><i class="cv-key stopping"></i>{"stopping"}</span>
                <span><i class="cv-key unhealthy"></i>{"unhealthy"}</span>
                <span><i class="cv-key draining"></i>{"draining"}</span>
                <span><i class="cv-key ring"></i>{"Spot: 2-minute countdown"}</span>
                // What the number on a chip is (pods: their ReplicaSet's revision).
                <span><b class="cv-key-rev">{"r2"}</b>{if words.kube { "= ReplicaSet revision 2" } else { "= task definition revision 2" }}</span>
                if s.tasks.iter().any(|t| t.usage.is_some()) {
                    <span><i class="cv-key used"></i>{"in use (traffic)"}</span>
                }
            </div>
            // Only while something waits: the lane on the picture already says "every task has a
            // place" (hidden, not removed, so the section's children keep their number).
            <section class="pending-queue cv-pending" data-testid="pending-queue" hidden={s.unplaced.is_empty()} aria-label={if words.kube { "Pods waiting for a node" } else { "Tasks waiting for placement" }}>
                <h3>{if words.kube { "Pending pods" } else { "Unplaced tasks" }}</h3>
                <ul>{ for waiting }</ul>
            </section>
            <div class="cv-table-bar">
                <button data-testid="table-toggle" aria-pressed={show_table.to_string()} aria-expanded={show_table.to_string()} onclick={toggle_table}>
                    { if show_table { "Hide table view" } else { "Table view" } }
                </button>
                if !show_table { <span class="cv-muted">{format!(" The tables are hidden for speed with {} {}.", s.tasks.len(), words.tasks())}</span> }
            </div>
            // Stable wrappers: the children of this section never change in number or kind, so
            // opening the panel or the tables never makes Yew rebuild (and blank) the canvases.
            <div class="cv-table-slot" ref={tables_ref}>
                if show_table { { table::render(&s, &on_command, &open, &on_terminate) } }
            </div>
            <div class="cv-panel-slot">{ panel.unwrap_or_default() }</div>
        </section>
    }
}
