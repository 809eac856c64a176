//! Shared simulation controls for every page that runs an engine (the sandbox and the lesson
//! exercises): the play loop, Play/Pause, Step, the speeds, and the keyboard shortcuts.
//!
//! The play loop runs on `requestAnimationFrame`: each frame advances virtual time by the wall
//! time since the last frame (at most [`MAX_FRAME_MS`], so a background tab does not jump)
//! times the speed. "max" runs as much virtual time as fits in [`MAX_BUDGET_MS`] of each frame
//! (at most [`MAX_PER_FRAME_MS`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::time::Millis;

/// What the controls drive.
pub trait Driver {
    fn now(&self) -> Millis;
    /// Run to `t`. `false` when the simulation cannot go on (it stopped at a limit); playing
    /// then pauses.
    fn advance_to(&mut self, t: Millis) -> bool;
    /// Process the next moment something happens.
    fn step(&mut self);
}

impl Driver for crate::engine::lesson::Session {
    fn now(&self) -> Millis {
        crate::engine::lesson::Session::now(self)
    }
    fn advance_to(&mut self, t: Millis) -> bool {
        self.run_until(t);
        true
    }
    fn step(&mut self) {
        let t = self.engine.next_due().unwrap_or(self.now() + 1000).max(self.now());
        self.run_until(t);
    }
}

/// A speed: virtual milliseconds per wall-clock millisecond, or `None` for "max".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed {
    pub label: &'static str,
    /// Spoken name (screen readers say "one quarter" better than "¼×").
    pub name: &'static str,
    pub factor: Option<f64>,
}

pub const SPEEDS: [Speed; 6] = [
    Speed { label: "¼×", name: "quarter speed", factor: Some(0.25) },
    Speed { label: "1×", name: "real time", factor: Some(1.0) },
    Speed { label: "4×", name: "4 times", factor: Some(4.0) },
    Speed { label: "16×", name: "16 times", factor: Some(16.0) },
    Speed { label: "64×", name: "64 times", factor: Some(64.0) },
    Speed { label: "max", name: "as fast as possible", factor: None },
];
/// 4×: the page opens playing at this speed.
pub const DEFAULT_SPEED: usize = 2;
/// Longest wall time one frame may account for.
pub const MAX_FRAME_MS: f64 = 100.0;
/// Wall time "max" may spend per frame.
pub const MAX_BUDGET_MS: f64 = 12.0;
/// Virtual time "max" runs per slice (it runs slices until the frame's budget is spent).
pub const MAX_SLICE_MS: Millis = 5_000;
/// Most virtual time "max" runs in one frame (10 minutes: about 10 hours a second at 60 frames),
/// so a quiet cluster does not race to the end of time before the learner can look.
pub const MAX_PER_FRAME_MS: Millis = 600_000;

/// Virtual milliseconds to run for `wall_ms` at `factor`, carrying the fraction to the next
/// frame so ¼× still advances smoothly.
pub fn virtual_ms(factor: f64, wall_ms: f64, carry: &mut f64) -> Millis {
    let v = wall_ms.clamp(0.0, MAX_FRAME_MS) * factor + *carry;
    let whole = v.floor().max(0.0);
    *carry = v - whole;
    whole as Millis
}

/// The controls' state and actions, for the top bar and the shortcuts.
#[derive(Clone, PartialEq)]
pub struct SimControls {
    pub playing: bool,
    /// Index into [`SPEEDS`].
    pub speed: usize,
    /// False while the page forbids moving time (a predict exercise before its reveal).
    pub enabled: bool,
    pub toggle: Callback<()>,
    pub set_playing: Callback<bool>,
    pub step: Callback<()>,
    pub set_speed: Callback<usize>,
}

impl SimControls {
    pub fn faster(&self) {
        self.set_speed.emit((self.speed + 1).min(SPEEDS.len() - 1));
    }
    pub fn slower(&self) {
        self.set_speed.emit(self.speed.saturating_sub(1));
    }
}

struct Loop {
    handle: RefCell<Option<AnimationFrame>>,
    stopped: Cell<bool>,
    last: Cell<Option<f64>>,
    carry: Cell<f64>,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Play/pause, step and speed for `sim`, re-rendering the calling component on every frame.
#[hook]
pub fn use_sim_controls<D: Driver + 'static>(sim: Rc<RefCell<D>>, initially_playing: bool, enabled: bool) -> SimControls {
    let redraw = use_force_update();
    let playing = use_state_eq(|| initially_playing);
    let speed = use_state_eq(|| DEFAULT_SPEED);

    {
        let sim = sim.clone();
        let redraw = redraw.clone();
        let playing = playing.clone();
        use_effect_with((*playing && enabled, *speed), move |&(run, speed)| {
            let state = Rc::new(Loop { handle: RefCell::new(None), stopped: Cell::new(false), last: Cell::new(None), carry: Cell::new(0.0) });
            if run {
                let factor = SPEEDS.get(speed).and_then(|s| s.factor);
                schedule(state.clone(), sim, redraw, playing, factor);
            }
            move || {
                state.stopped.set(true);
                state.handle.borrow_mut().take();
            }
        });
    }

    let toggle = {
        let playing = playing.clone();
        Callback::from(move |()| playing.set(!*playing))
    };
    let set_playing = {
        let playing = playing.clone();
        Callback::from(move |p: bool| playing.set(p))
    };
    let step = {
        let sim = sim.clone();
        let redraw = redraw.clone();
        let playing = playing.clone();
        Callback::from(move |()| {
            if !enabled {
                return;
            }
            playing.set(false);
            sim.borrow_mut().step();
            redraw.force_update();
        })
    };
    let set_speed = {
        let speed = speed.clone();
        Callback::from(move |i: usize| speed.set(i.min(SPEEDS.len() - 1)))
    };
    SimControls { playing: *playing, speed: *speed, enabled, toggle, set_playing, step, set_speed }
}

fn schedule<D: Driver + 'static>(state: Rc<Loop>, sim: Rc<RefCell<D>>, redraw: UseForceUpdateHandle, playing: UseStateHandle<bool>, factor: Option<f64>) {
    let s = state.clone();
    let handle = request_animation_frame(move |ts| {
        if s.stopped.get() {
            return;
        }
        let dt = s.last.replace(Some(ts)).map_or(0.0, |last| ts - last);
        let go_on = {
            let mut sim = sim.borrow_mut();
            match factor {
                Some(f) => {
                    let mut carry = s.carry.get();
                    let d = virtual_ms(f, dt, &mut carry);
                    s.carry.set(carry);
                    let t = sim.now().saturating_add(d);
                    sim.advance_to(t)
                }
                None => {
                    let started = now_ms();
                    let target = sim.now().saturating_add(MAX_PER_FRAME_MS);
                    let mut ok = true;
                    while ok && sim.now() < target && now_ms() - started < MAX_BUDGET_MS {
                        let t = sim.now().saturating_add(MAX_SLICE_MS).min(target);
                        ok = sim.advance_to(t);
                    }
                    ok
                }
            }
        };
        redraw.force_update();
        if go_on {
            schedule(s.clone(), sim.clone(), redraw.clone(), playing.clone(), factor);
        } else {
            playing.set(false);
        }
    });
    *state.handle.borrow_mut() = Some(handle);
}

/// A callback that is the same object on every render and calls the closure given at the latest
/// render. Children whose props hold it then compare equal and skip re-rendering (a
/// `Callback::from` made during render is new each time, so props holding one never compare
/// equal, and the play loop renders the page every frame).
#[hook]
pub fn use_latest_callback<IN: 'static, OUT: 'static, F: Fn(IN) -> OUT + 'static>(f: F) -> Callback<IN, OUT> {
    let f: Rc<dyn Fn(IN) -> OUT> = Rc::new(f);
    let latest = use_mut_ref({
        let f = f.clone();
        move || f
    });
    *latest.borrow_mut() = f;
    let cb = use_memo((), move |_| {
        Callback::from(move |x: IN| {
            // Release the borrow before calling: the closure may render (and so replace itself).
            let f = latest.borrow().clone();
            f(x)
        })
    });
    (*cb).clone()
}

// ---------------------------------------------------------------------------------------------
// Keyboard shortcuts

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    PlayPause,
    Step,
    Slower,
    Faster,
    Escape,
    Help,
}

/// The shortcut for a key press, given what has focus: `focus` is the element's tag name, or
/// `input:<type>` for an input. Text fields and lists keep every key but Escape; a slider keeps
/// its arrow keys; buttons, links and check boxes keep Space (it presses them). Escape always
/// reaches the page.
pub fn shortcut_for(key: &str, focus: &str, editable: bool, modifier: bool) -> Option<Shortcut> {
    if key == "Escape" {
        return Some(Shortcut::Escape);
    }
    let (slider, presses) = match focus {
        "input:range" => (true, false),
        "input:checkbox" | "input:radio" | "input:button" | "input:submit" | "input:reset" | "button" | "a" | "summary" => (false, true),
        "textarea" | "select" => return None,
        f if f.starts_with("input") => return None,
        _ => (false, false),
    };
    if modifier || editable {
        return None;
    }
    match key {
        " " | "Spacebar" if !presses => Some(Shortcut::PlayPause),
        "ArrowRight" if !slider => Some(Shortcut::Step),
        "[" => Some(Shortcut::Slower),
        "]" => Some(Shortcut::Faster),
        "?" => Some(Shortcut::Help),
        _ => None,
    }
}

/// Calls `on` for shortcut keys pressed anywhere on the page (see [`shortcut_for`]).
#[hook]
pub fn use_shortcuts(on: Callback<Shortcut>) {
    let current = use_mut_ref(|| on.clone());
    *current.borrow_mut() = on;
    use_effect_with((), move |_| {
        let listener = web_sys::window().and_then(|w| w.document()).map(|doc| {
            // Not passive: Space and the arrows must not also scroll the page.
            EventListener::new_with_options(&doc, "keydown", gloo::events::EventListenerOptions::enable_prevent_default(), move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
                let focus = match target.as_ref() {
                    Some(t) => match t.dyn_ref::<web_sys::HtmlInputElement>() {
                        Some(i) => format!("input:{}", i.type_().to_ascii_lowercase()),
                        None => t.tag_name().to_ascii_lowercase(),
                    },
                    None => String::new(),
                };
                let editable = target.as_ref().is_some_and(|t| t.is_content_editable());
                let modifier = e.ctrl_key() || e.meta_key() || e.alt_key();
                if let Some(s) = shortcut_for(&e.key(), &focus, editable, modifier) {
                    if s != Shortcut::Escape {
                        e.prevent_default();
                    }
                    let cb = current.borrow().clone();
                    cb.emit(s);
                }
            })
        });
        move || drop(listener)
    });
}

/// The keys a page with simulation controls answers (lessons, the presenter demo): Space plays
/// or pauses, → steps, `[` and `]` change the speed, `?` opens the shortcut list (`help`), Esc
/// closes it. Returns the callbacks that do the same for the page's Help button and the list's
/// close button: (open, close).
#[hook]
pub fn use_control_shortcuts(controls: &SimControls, help: &UseStateHandle<bool>) -> (Callback<MouseEvent>, Callback<()>) {
    let open = {
        let help = help.clone();
        Callback::from(move |_: MouseEvent| help.set(true))
    };
    let close = {
        let help = help.clone();
        Callback::from(move |()| help.set(false))
    };
    let controls = controls.clone();
    let help = help.clone();
    use_shortcuts(Callback::from(move |s: Shortcut| match s {
        Shortcut::PlayPause => controls.toggle.emit(()),
        Shortcut::Step => controls.step.emit(()),
        Shortcut::Slower => controls.slower(),
        Shortcut::Faster => controls.faster(),
        Shortcut::Help => help.set(true),
        Shortcut::Escape => help.set(false),
    }));
    (open, close)
}

/// The sandbox's timeline. Time stops at the share format's limit ([`MAX_TIME`]), so a session can
/// always be saved and shared.
///
/// [`MAX_TIME`]: crate::shell::share::MAX_TIME
/// Whether the keyboard focus is in a text field (a textarea, a text-like input, or editable
/// content): Escape there belongs to the field, not to the page.
pub fn typing_in_a_field() -> bool {
    use wasm_bindgen::JsCast;
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()) else { return false };
    if let Some(i) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        return !matches!(i.type_().to_ascii_lowercase().as_str(), "checkbox" | "radio" | "range" | "button" | "submit" | "reset" | "file" | "color");
    }
    el.tag_name().eq_ignore_ascii_case("textarea") || el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable())
}

impl Driver for crate::engine::history::History {
    fn now(&self) -> Millis {
        crate::engine::history::History::now(self)
    }
    fn advance_to(&mut self, t: Millis) -> bool {
        let limit = crate::shell::share::MAX_TIME;
        crate::engine::history::History::advance_to(self, t.min(limit));
        self.now() < limit
    }
    fn step(&mut self) {
        if self.next_instant() <= crate::shell::share::MAX_TIME {
            crate::engine::history::History::step(self);
        }
    }
}
