//! Drawing the cluster on two stacked canvases.
//!
//! * The **base** canvas holds what changes only with the snapshot: zone columns, instance cards
//!   (hatched when DRAINING, grey when unreachable), CPU/memory reservation bars, task chips and
//!   the pending lane. It is redrawn when a new snapshot arrives or a flight lands, not per frame.
//! * The **overlay** canvas holds motion and highlights: chips flying from the pending lane to
//!   their instance, stopping tasks fading, failed tasks flashing red and leaving a ghost, Spot
//!   countdown rings and the selection outline. It is redrawn every animation frame while
//!   anything moves, and the frame loop stops when nothing does.
//!
//! The animation state is diffed from consecutive snapshots ([`Anim::update`]); the engine knows
//! nothing about it. With `prefers-reduced-motion: reduce` nothing moves: state changes are shown
//! at once.

use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::layout::{CardKind, Density, Layout, Rect, PENDING_CHIP, PENDING_PAD};
use crate::engine::cluster::InstanceStatus;
use crate::engine::snapshot::{Snapshot, TaskView};
use crate::engine::task::TaskStatus;

/// Service colours by slot (same hues as the `.c0`–`.c7` classes in the stylesheets).
// No grey: a grey chip would read as a stopping task.
pub const SVC: [&str; 8] = ["#1f6feb", "#8250df", "#bf3989", "#a45200", "#1a7f37", "#0a7c86", "#000048", "#9a6700"];
/// The same hues mixed 55 % with white: older revisions during a rolling update.
pub const SVC_OLD: [&str; 8] = ["#9dbef7", "#c6aaef", "#e3a3c8", "#d6ae8c", "#93c4a0", "#8ac2c6", "#8c8cad", "#b0b4b9"];

const INK: &str = "#1f2328";
const MUTED: &str = "#57606a";
const LINE: &str = "#d0d7de";
const CARD: &str = "#ffffff";
const ZONE: &str = "#f3f5f8";
const ZONE_DOWN: &str = "#fbe9e9";
const ERR: &str = "#cf222e";
const WARN: &str = "#bc4c00";
const ACCENT: &str = "#1f6feb";
const GREY: &str = "#8c959f";
/// What tasks use (with traffic), inside the reservation bars.
const USED: &str = "#0a3069";

/// Flight time from the pending lane to an instance, ms.
pub const FLIGHT_MS: f64 = 700.0;
/// A stopping task fading out, ms.
pub const FADE_MS: f64 = 600.0;
/// A failed task: red flash, then a ghost outline, ms in all.
pub const GHOST_MS: f64 = 2600.0;
const FLASH_MS: f64 = 600.0;
/// At most this many flights (and as many fades) at once; the rest change in place.
pub const MAX_FLIGHTS: usize = 300;

/// How a chip is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChipStyle {
    pub slot: u8,
    /// An older revision than its service's current task definition.
    pub old: bool,
    /// Placed but not yet RUNNING.
    pub starting: bool,
    /// Desired status STOPPED: on its way out.
    pub stopping: bool,
    pub unhealthy: bool,
    pub revision: u32,
}

/// The revision a service currently deploys (`web:3` → 3), by service name.
fn current_revisions(s: &Snapshot) -> HashMap<&str, u32> {
    s.services.iter().filter_map(|v| v.task_definition.rsplit(':').next().and_then(|r| r.parse().ok()).map(|r| (v.name.as_str(), r))).collect()
}

pub fn chip_styles(s: &Snapshot) -> Vec<ChipStyle> {
    let current = current_revisions(s);
    s.tasks
        .iter()
        .map(|t| ChipStyle {
            slot: super::colour_slot(t.service.as_deref().unwrap_or(&t.group)) as u8,
            old: t.service.as_deref().and_then(|n| current.get(n)).is_some_and(|&r| t.revision < r),
            starting: t.last_status < TaskStatus::Running && t.desired_status == TaskStatus::Running,
            stopping: t.desired_status == TaskStatus::Stopped || t.last_status > TaskStatus::Running,
            unhealthy: t.health == "UNHEALTHY",
            revision: t.revision,
        })
        .collect()
}

/// A chip on its way from the pending lane to its instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    pub task: String,
    pub chip: usize,
    pub from: Rect,
    pub start: Option<f64>,
}

/// A task that left: fading (stopped on request) or flashing red and leaving a ghost (failed).
#[derive(Debug, Clone, PartialEq)]
pub struct Fade {
    pub rect: Rect,
    pub style: ChipStyle,
    pub failed: bool,
    pub start: Option<f64>,
}

/// An instance that left the cluster (terminated, reclaimed, scaled in): its card stays a moment
/// where it was, greyed and crossed, while its tasks' replacements fly in elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct LostCard {
    pub rect: Rect,
    pub id: String,
    pub start: Option<f64>,
}

/// How long a lost instance's ghost card stays, ms.
pub const LOST_MS: f64 = 2200.0;

/// Everything the canvases need between frames.
pub struct Anim {
    /// What is drawn: the latest snapshot, plus (for [`LOST_MS`]) the instances that just left,
    /// as empty grey cards that keep their place under their ghost.
    pub snapshot: Rc<Snapshot>,
    /// The latest snapshot as the page handed it over.
    pub real: Rc<Snapshot>,
    pub layout: Layout,
    pub styles: Vec<ChipStyle>,
    /// Per chip: drawn by a flight, not by the base layer (yet).
    pub in_flight: Vec<bool>,
    pub flights: Vec<Flight>,
    pub fades: Vec<Fade>,
    pub lost: Vec<LostCard>,
    pub base_dirty: bool,
    pub overlay_dirty: bool,
    pub reduced_motion: bool,
    /// What the details panel shows, outlined on the overlay.
    pub selected: Option<super::Selection>,
    /// Spot interruptions: instance id → virtual time it is reclaimed.
    pub spot: HashMap<String, u64>,
    /// What each instance's tasks use (once traffic runs), in thousandths of its CPU and memory
    /// (`shell::usage`): the darker bars inside the reservation bars.
    pub usage: std::collections::BTreeMap<String, (u16, u16)>,
    pub width: f64,
    pub max_height: f64,
    pub last_ts: f64,
}

impl Anim {
    pub fn new(snapshot: Rc<Snapshot>, width: f64, max_height: f64) -> Anim {
        let layout = Layout::compute(&snapshot, width, max_height);
        let styles = chip_styles(&snapshot);
        let n = layout.chips.len();
        let usage = usage_permille(&snapshot);
        Anim { real: snapshot.clone(), snapshot, layout, styles, in_flight: vec![false; n], flights: Vec::new(), fades: Vec::new(), lost: Vec::new(), base_dirty: true, overlay_dirty: true, reduced_motion: false, selected: None, spot: HashMap::new(), usage, width, max_height, last_ts: 0.0 }
    }

    /// Moves to a new snapshot (or size), starting flights for tasks that appeared and fades for
    /// tasks that left. A jump back in time (time travel) or a different scenario changes state
    /// without motion.
    pub fn update(&mut self, next: Rc<Snapshot>, width: f64, max_height: f64, failed: &dyn Fn(&str) -> Option<bool>) {
        let resized = (width - self.width).abs() >= 0.5 || (max_height - self.max_height).abs() >= 0.5;
        if !resized && (Rc::ptr_eq(&self.real, &next) || *self.real == *next) {
            return;
        }
        let styles = chip_styles(&next);
        let usage = usage_permille(&next);
        if usage != self.usage {
            self.usage = usage;
            self.base_dirty = true;
        }
        // The play loop hands over a snapshot every frame; most differ only in the clock. Keep
        // the layout (and the base picture) unless something drawn changed.
        // While a ghost shows, the picture holds the lost instances' places: a frame that changes
        // only the clock or the chips' looks keeps that layout too (no relayout, no full scan).
        if !resized && !self.lost.is_empty() && same_structure(&self.real, &next) {
            let shown = Rc::new(with_lost_cards(&next, &self.snapshot, &self.lost));
            if styles != self.styles || !same_visuals(&self.snapshot, &shown) {
                self.base_dirty = true;
            }
            self.styles = styles;
            self.snapshot = shown;
            self.real = next;
            self.overlay_dirty = true;
            return;
        }
        if !resized && self.lost.is_empty() && same_structure(&self.snapshot, &next) {
            if styles != self.styles || !same_visuals(&self.snapshot, &next) {
                self.base_dirty = true;
            }
            self.styles = styles;
            self.snapshot = next.clone();
            self.real = next;
            self.overlay_dirty = true;
            return;
        }
        let forward = next.time_ms >= self.real.time_ms && next.scenario == self.real.scenario && next.seed == self.real.seed;
        let motion = forward && !self.reduced_motion;
        let mut lost = std::mem::take(&mut self.lost);
        if motion {
            // Instances that left: a ghost card where each was (one pass over each list: this
            // runs on every relayout, with hundreds of instances).
            if next.instances.len() < self.real.instances.len() || self.real.instances.iter().zip(&next.instances).any(|(a, b)| a.id != b.id) {
                let still: std::collections::BTreeSet<&str> = crate::engine::sort::collect_set(next.instances.iter().map(|i| i.id.as_str()));
                for inst in self.real.instances.iter().filter(|i| !still.contains(i.id.as_str())) {
                    if lost.len() >= MAX_FLIGHTS {
                        break;
                    }
                    if let Some(c) = self.layout.card_of_instance(&self.snapshot, &inst.id) {
                        lost.push(LostCard { rect: c.rect, id: inst.id.clone(), start: None });
                    }
                }
            }
        } else {
            lost.clear();
        }
        // While a ghost shows, its instance keeps its place as an empty grey card, so the cards
        // after it do not move under the cross until it is gone (then `tick` lays out again).
        let shown = if lost.is_empty() { next.clone() } else { Rc::new(with_lost_cards(&next, &self.snapshot, &lost)) };
        let layout = Layout::compute(&shown, width, max_height);
        // Each cross goes where its card's place is now (a new width or density moves it).
        for c in &mut lost {
            if let Some(card) = layout.card_of_instance(&shown, &c.id) {
                c.rect = card.rect;
            }
        }
        let mut in_flight = vec![false; layout.chips.len()];
        let mut flights = Vec::new();
        let mut fades = std::mem::take(&mut self.fades);
        if motion {
            // Flights under way keep going, towards wherever their chip is now.
            for f in std::mem::take(&mut self.flights) {
                if let Some(&i) = layout.chip_of.get(&f.task) {
                    in_flight[i] = true;
                    flights.push(Flight { chip: i, ..f });
                }
            }
            // Arrivals: in the new layout, not in the old one.
            let from_lane = |service: &str| -> Rect {
                let p = self.layout.pending.iter().find(|p| {
                    self.snapshot.unplaced.get(p.unplaced).is_some_and(|u| u.service.as_deref().unwrap_or(&u.group) == service)
                });
                match p {
                    Some(p) => p.chip_rect(0),
                    None => Rect { x: 70.0, y: 12.0, w: PENDING_CHIP, h: PENDING_CHIP },
                }
            };
            for (i, c) in layout.chips.iter().enumerate() {
                if flights.len() >= MAX_FLIGHTS {
                    break;
                }
                let Some(t) = next.tasks.get(c.task) else { continue };
                if self.layout.chip_of.contains_key(&t.id) {
                    continue;
                }
                in_flight[i] = true;
                flights.push(Flight { task: t.id.clone(), chip: i, from: from_lane(t.service.as_deref().unwrap_or(&t.group)), start: None });
            }
            // Departures: in the old layout, gone now.
            for (id, &ci) in &self.layout.chip_of {
                if layout.chip_of.contains_key(id) {
                    continue;
                }
                if fades.len() >= MAX_FLIGHTS {
                    break;
                }
                let Some(c) = self.layout.chips.get(ci) else { continue };
                let Some(t) = self.snapshot.tasks.get(c.task) else { continue };
                let style = self.styles.get(c.task).copied().unwrap_or(ChipStyle { slot: 0, old: false, starting: false, stopping: true, unhealthy: false, revision: 0 });
                // A stop nobody asked for (crash, failed health check, lost instance) is a failure.
                let failed = failed(id).unwrap_or(style.unhealthy || t.desired_status == TaskStatus::Running);
                fades.push(Fade { rect: c.rect, style, failed, start: None });
            }
        } else {
            fades.clear();
        }
        self.lost = lost;
        self.snapshot = shown;
        self.real = next;
        self.layout = layout;
        self.styles = styles;
        self.in_flight = in_flight;
        self.flights = flights;
        self.fades = fades;
        self.width = width;
        self.max_height = max_height;
        self.base_dirty = true;
        self.overlay_dirty = true;
    }

    pub fn animating(&self) -> bool {
        !self.flights.is_empty() || !self.fades.is_empty() || !self.lost.is_empty()
    }

    /// Advances the clock to `ts` (a requestAnimationFrame timestamp): finished flights land
    /// (their chips join the base layer), finished fades go.
    pub fn tick(&mut self, ts: f64) {
        self.last_ts = ts;
        let mut landed = false;
        for f in &mut self.flights {
            let start = *f.start.get_or_insert(ts);
            if ts - start >= FLIGHT_MS {
                if let Some(x) = self.in_flight.get_mut(f.chip) {
                    *x = false;
                }
                landed = true;
            }
        }
        if landed {
            self.flights.retain(|f| f.start.is_some_and(|s| ts - s < FLIGHT_MS));
            self.base_dirty = true;
        }
        for f in &mut self.fades {
            f.start.get_or_insert(ts);
        }
        self.fades.retain(|f| f.start.is_some_and(|s| ts - s < if f.failed { GHOST_MS } else { FADE_MS }));
        for c in &mut self.lost {
            c.start.get_or_insert(ts);
        }
        let had_lost = !self.lost.is_empty();
        self.lost.retain(|c| c.start.is_some_and(|s| ts - s < LOST_MS));
        if had_lost && self.lost.is_empty() && !Rc::ptr_eq(&self.snapshot, &self.real) {
            self.drop_lost_cards();
        }
        self.overlay_dirty = true;
    }

    /// The ghosts are gone: lay the latest snapshot out without their places (flights under way
    /// go on towards wherever their chip is now).
    fn drop_lost_cards(&mut self) {
        let layout = Layout::compute(&self.real, self.width, self.max_height);
        let mut in_flight = vec![false; layout.chips.len()];
        let flights: Vec<Flight> = std::mem::take(&mut self.flights)
            .into_iter()
            .filter_map(|f| {
                let i = *layout.chip_of.get(&f.task)?;
                if let Some(x) = in_flight.get_mut(i) {
                    *x = true;
                }
                Some(Flight { chip: i, ..f })
            })
            .collect();
        self.flights = flights;
        self.in_flight = in_flight;
        self.layout = layout;
        self.snapshot = self.real.clone();
        self.base_dirty = true;
    }
}

/// `next` with the instances of `lost` put back where `shown` (the picture before) had them: empty,
/// unreachable cards that hold their place while their ghost shows.
fn with_lost_cards(next: &Snapshot, shown: &Snapshot, lost: &[LostCard]) -> Snapshot {
    let mut out = next.clone();
    for c in lost {
        if out.instances.iter().any(|i| i.id == c.id) {
            continue;
        }
        let Some(old) = shown.instances.iter().find(|i| i.id == c.id) else { continue };
        let mut card = old.clone();
        card.tasks.clear();
        card.agent_connected = false;
        card.remaining_cpu = card.registered_cpu;
        card.remaining_memory = card.registered_memory;
        card.used_ports.clear();
        // Before the first instance that came after it in the picture before.
        let after: std::collections::BTreeSet<&str> = crate::engine::sort::collect_set(shown.instances.iter().skip_while(|i| i.id != c.id).skip(1).map(|i| i.id.as_str()));
        let at = out.instances.iter().position(|i| after.contains(&i.id.as_str())).unwrap_or(out.instances.len());
        out.instances.insert(at, card);
    }
    out
}

/// Same instances, tasks and waiting groups in the same places: the layout still holds.
pub fn same_structure(a: &Snapshot, b: &Snapshot) -> bool {
    a.availability_zones == b.availability_zones
        && a.instances.len() == b.instances.len()
        && a.tasks.len() == b.tasks.len()
        && a.unplaced.len() == b.unplaced.len()
        && a.instances.iter().zip(&b.instances).all(|(x, y)| x.id == y.id && x.az == y.az && x.tasks == y.tasks)
        && a.tasks.iter().zip(&b.tasks).all(|(x, y)| x.id == y.id && x.instance == y.instance && x.az == y.az)
        && a.unplaced.iter().zip(&b.unplaced).all(|(x, y)| x.count == y.count && x.service == y.service && x.group == y.group)
}

/// What the base layer draws apart from chip styles: instance states and bars, downed zones.
fn same_visuals(a: &Snapshot, b: &Snapshot) -> bool {
    a.down_zones == b.down_zones
        && a.instances.iter().zip(&b.instances).all(|(x, y)| {
            x.status == y.status && x.agent_connected == y.agent_connected && x.remaining_cpu == y.remaining_cpu && x.remaining_memory == y.remaining_memory && x.instance_type == y.instance_type
        })
}

/// The 2-D context of a canvas for a `w`×`h` layout drawn `zoom` times larger (so `w·zoom` ×
/// `h·zoom` CSS pixels), at the device pixel ratio.
pub fn context(canvas: &HtmlCanvasElement, w: f64, h: f64, zoom: f64) -> Option<CanvasRenderingContext2d> {
    let (w, h) = (w * zoom, h * zoom);
    let dpr = web_sys::window().map(|w| w.device_pixel_ratio()).unwrap_or(1.0).clamp(1.0, 3.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if canvas.width() != pw {
        canvas.set_width(pw);
    }
    if canvas.height() != ph {
        canvas.set_height(ph);
    }
    // Through the CSS object model, not a style attribute (the page's CSP allows none).
    let style = canvas.style();
    for (name, value) in [("width", format!("{w}px")), ("height", format!("{h}px"))] {
        if style.get_property_value(name).ok().as_deref() != Some(value.as_str()) {
            let _ = style.set_property(name, &value);
        }
    }
    let ctx = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    let _ = ctx.set_transform(dpr * zoom, 0.0, 0.0, dpr * zoom, 0.0, 0.0);
    Some(ctx)
}

fn round_rect(ctx: &CanvasRenderingContext2d, r: Rect, radius: f64) {
    ctx.begin_path();
    round_rect_path(ctx, r, radius);
}

/// A rounded rectangle added to the current path (several make one path to fill at once).
fn round_rect_path(ctx: &CanvasRenderingContext2d, r: Rect, radius: f64) {
    let rad = radius.min(r.w / 2.0).min(r.h / 2.0).max(0.0);
    ctx.move_to(r.x + rad, r.y);
    let _ = ctx.arc_to(r.x + r.w, r.y, r.x + r.w, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x + r.w, r.y + r.h, r.x, r.y + r.h, rad);
    let _ = ctx.arc_to(r.x, r.y + r.h, r.x, r.y, rad);
    let _ = ctx.arc_to(r.x, r.y, r.x + r.w, r.y, rad);
    ctx.close_path();
}

fn set_dash(ctx: &CanvasRenderingContext2d, dash: &[f64]) {
    let arr = js_sys::Array::new();
    for d in dash {
        arr.push(&JsValue::from_f64(*d));
    }
    let _ = ctx.set_line_dash(&arr);
}

/// Diagonal hatching inside `r` (a DRAINING instance).
fn hatch(ctx: &CanvasRenderingContext2d, r: Rect, step: f64, colour: &str) {
    ctx.save();
    round_rect(ctx, r, 4.0);
    ctx.clip();
    ctx.set_stroke_style_str(colour);
    ctx.set_line_width(1.5);
    ctx.begin_path();
    let mut k = -r.h;
    while k < r.w {
        ctx.move_to(r.x + k, r.y + r.h);
        ctx.line_to(r.x + k + r.h, r.y);
        k += step;
    }
    ctx.stroke();
    ctx.restore();
}

/// One chip at `r` in `style`; `alpha` multiplies its opacity.
pub fn draw_chip(ctx: &CanvasRenderingContext2d, r: Rect, st: &ChipStyle, density: Density, alpha: f64) {
    let slot = (st.slot as usize) % 8;
    let small = r.w < 8.0;
    ctx.set_global_alpha(alpha);
    if st.stopping {
        ctx.set_global_alpha(alpha * 0.45);
        ctx.set_fill_style_str(GREY);
        ctx.fill_rect(r.x, r.y, r.w, r.h);
    } else if st.starting {
        ctx.set_fill_style_str(CARD);
        ctx.fill_rect(r.x, r.y, r.w, r.h);
        ctx.set_fill_style_str(if st.old { SVC_OLD[slot] } else { SVC[slot] });
        if small {
            ctx.fill_rect(r.x, r.y, r.w, r.h / 2.0);
        } else {
            ctx.set_stroke_style_str(SVC[slot]);
            ctx.set_line_width(1.5);
            set_dash(ctx, &[3.0, 2.0]);
            ctx.stroke_rect(r.x + 0.75, r.y + 0.75, r.w - 1.5, r.h - 1.5);
            set_dash(ctx, &[]);
        }
    } else {
        ctx.set_fill_style_str(if st.old { SVC_OLD[slot] } else { SVC[slot] });
        ctx.fill_rect(r.x, r.y, r.w, r.h);
        if st.old && r.w >= 8.0 {
            // Older revision: light tint plus stripes, so it differs without colour vision too.
            ctx.save();
            ctx.begin_path();
            ctx.rect(r.x, r.y, r.w, r.h);
            ctx.clip();
            ctx.set_stroke_style_str(SVC[slot]);
            ctx.set_line_width(STRIPE_W);
            ctx.begin_path();
            let mut k = -r.h;
            while k < r.w {
                ctx.move_to(r.x + k, r.y + r.h);
                ctx.line_to(r.x + k + r.h, r.y);
                k += STRIPE_STEP;
            }
            ctx.stroke();
            ctx.restore();
            // The revision label sits on a plain patch of the tint: stripes only around it.
            if labelled(r, density) {
                let p = label_patch(r);
                ctx.fill_rect(p.x, p.y, p.w, p.h);
            }
        }
    }
    if st.unhealthy {
        ctx.set_stroke_style_str(ERR);
        ctx.set_line_width(2.0);
        ctx.stroke_rect(r.x - 1.0, r.y - 1.0, r.w + 2.0, r.h + 2.0);
    }
    if labelled(r, density) {
        ctx.set_fill_style_str(if st.stopping || st.starting || st.old { INK } else { "#ffffff" });
        ctx.set_font("600 10px system-ui, sans-serif");
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        let _ = ctx.fill_text(rev_label(st.revision), r.x + r.w / 2.0, r.y + r.h / 2.0 + 0.5);
        ctx.set_text_align("left");
        ctx.set_text_baseline("alphabetic");
    }
    ctx.set_global_alpha(1.0);
}

/// Spacing of an older revision's stripes, CSS pixels along the chip, and their width.
const STRIPE_STEP: f64 = 5.0;
const STRIPE_W: f64 = 1.5;

/// Does a chip at `r` show its revision (`r2`)? Full size only.
fn labelled(r: Rect, density: Density) -> bool {
    density == Density::Full && r.w >= 16.0
}

/// Where an older revision's label goes: a plain patch of its tint in the middle of the chip,
/// with the stripes left showing around it (so the label is not crossed by them).
pub fn label_patch(r: Rect) -> Rect {
    let (dx, dy) = (r.w * 0.175, r.h * 0.2);
    Rect { x: r.x + dx, y: r.y + dy, w: r.w - 2.0 * dx, h: r.h - 2.0 * dy }
}

/// An instance or node name cut to fit `max` CSS pixels as `measure` measures it: a host name
/// (`ip-10-0-1-10.ec2.internal`) first drops its domain, which every node shares, and shows the
/// part that tells the nodes apart (`ip-10-0-1-10`, no "…": the full name is in the canvas's
/// tooltip, the tables and the details); only then is it cut ([`ellipsize`]).
pub fn shorten_name(name: &str, max: f64, measure: &dyn Fn(&str) -> f64) -> String {
    if measure(name) <= max {
        return name.to_string();
    }
    if let Some((host, _)) = name.split_once('.') {
        if !host.is_empty() {
            return ellipsize(host, max, measure);
        }
    }
    ellipsize(name, max, measure)
}

/// `text` cut to fit `max` CSS pixels as `measure` measures it, ending in "…"; empty when not
/// even "…" fits. (`fillText`'s own maxWidth squeezes the letters instead.)
pub fn ellipsize(text: &str, max: f64, measure: &dyn Fn(&str) -> f64) -> String {
    if measure(text) <= max {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with its "…" (binary search: measuring costs).
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(std::iter::once(&'…')).collect();
        if measure(&candidate) <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 && measure("…") > max {
        return String::new();
    }
    chars[..lo].iter().chain(std::iter::once(&'…')).collect()
}

/// The width of `text` in the context's current font.
fn text_width(ctx: &CanvasRenderingContext2d, text: &str) -> f64 {
    ctx.measure_text(text).map(|m| m.width()).unwrap_or(text.chars().count() as f64 * 7.0)
}

/// "r1" … "r9" without allocating; larger revisions show their last digit after "r…".
fn rev_label(r: u32) -> &'static str {
    const L: [&str; 10] = ["r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"];
    if r < 10 {
        L[r as usize]
    } else {
        "r+"
    }
}

/// Instance id → used thousandths of (CPU, memory), for instances whose tasks report usage.
fn usage_permille(s: &Snapshot) -> std::collections::BTreeMap<String, (u16, u16)> {
    use crate::shell::usage::{instance_usage, permille};
    let used = instance_usage(s);
    if used.is_empty() {
        return std::collections::BTreeMap::new();
    }
    crate::engine::sort::collect_map(
        s.instances.iter().filter_map(|i| used.get(i.id.as_str()).map(|u| (i.id.clone(), (permille(u.cpu, i.registered_cpu), permille(u.memory, i.registered_memory))))),
    )
}

/// The font of the bars' labels and numbers.
const BAR_FONT: &str = "10px system-ui, sans-serif";
/// Room on the left of the bars for their labels ("CPU", "MiB").
const BAR_LABEL_W: f64 = 30.0;

/// The bars' labels and numbers: `("CPU", "512/2048")` (`500m/1930m` on a Kubernetes node), then
/// memory.
fn bar_values(words: crate::shell::kube_view::Words, inst: &crate::engine::snapshot::InstanceView) -> [(&'static str, String); 2] {
    let cpu = inst.registered_cpu - inst.remaining_cpu.min(inst.registered_cpu);
    let mem = inst.registered_memory - inst.remaining_memory.min(inst.registered_memory);
    [("CPU", format!("{}/{}", words.cpu(cpu), words.cpu(inst.registered_cpu))), ("MiB", format!("{mem}/{}", inst.registered_memory))]
}

/// Draws the base layer.
pub fn draw_base(ctx: &CanvasRenderingContext2d, a: &Anim) {
    let s = &a.snapshot;
    let words = crate::shell::kube_view::Words::of(s);
    let l = &a.layout;
    let m = l.density.metrics();
    ctx.clear_rect(0.0, 0.0, l.width, l.height);

    // Pending lane.
    let lane = l.pending_lane;
    ctx.set_fill_style_str(if l.pending.is_empty() { ZONE } else { "#fff5f5" });
    round_rect(ctx, lane, 6.0);
    ctx.fill();
    ctx.set_stroke_style_str(if l.pending.is_empty() { LINE } else { ERR });
    ctx.set_line_width(1.0);
    set_dash(ctx, &[4.0, 3.0]);
    ctx.stroke();
    set_dash(ctx, &[]);
    ctx.set_fill_style_str(INK);
    ctx.set_font("600 12px system-ui, sans-serif");
    // ECS: tasks no instance could take are "unplaced" (its pendingCount means placed and still
    // starting); Kubernetes: an unscheduled pod is Pending.
    let _ = ctx.fill_text(if words.kube { "Pending" } else { "Unplaced" }, 10.0, 23.0);
    if l.pending.is_empty() {
        ctx.set_fill_style_str(MUTED);
        ctx.set_font("12px system-ui, sans-serif");
        let _ = ctx.fill_text(if words.kube { "every pod has a place" } else { "every task has a place" }, 92.0, 23.0);
    }
    for p in &l.pending {
        let Some(u) = s.unplaced.get(p.unplaced) else { continue };
        let name = u.service.as_deref().unwrap_or(&u.group);
        let slot = super::colour_slot(name) % 8;
        ctx.set_fill_style_str(CARD);
        round_rect(ctx, p.rect, 4.0);
        ctx.fill();
        ctx.set_stroke_style_str(ERR);
        ctx.stroke();
        ctx.set_fill_style_str(INK);
        ctx.set_font(super::layout::PENDING_FONT);
        // The whole name (the layout made room for it); cut with "…" only when the lane is too
        // narrow for it.
        let count = format!("{} × ", u.count);
        let short = ellipsize(name, p.label_w - text_width(ctx, &count), &|t| text_width(ctx, t));
        let _ = ctx.fill_text(&format!("{count}{short}"), p.rect.x + PENDING_PAD, p.rect.y + 17.0);
        for k in 0..p.chips {
            let r = p.chip_rect(k);
            ctx.set_fill_style_str(CARD);
            ctx.fill_rect(r.x, r.y, r.w, r.h);
            ctx.set_stroke_style_str(SVC[slot]);
            set_dash(ctx, &[3.0, 2.0]);
            ctx.stroke_rect(r.x + 0.5, r.y + 0.5, r.w - 1.0, r.h - 1.0);
            set_dash(ctx, &[]);
        }
        // `+4`: the waiting tasks without a chip (the label carries the exact count).
        if let Some((more, x)) = p.more_label() {
            ctx.set_fill_style_str(MUTED);
            let _ = ctx.fill_text(&more, x, p.rect.y + 17.0);
        }
    }

    // Zone columns.
    for c in &l.columns {
        let az = s.availability_zones.get(c.az).map(String::as_str).unwrap_or("");
        let down = s.down_zones.iter().any(|d| d == az);
        ctx.set_fill_style_str(if down { ZONE_DOWN } else { ZONE });
        round_rect(ctx, c.rect, 8.0);
        ctx.fill();
        ctx.set_stroke_style_str(if down { ERR } else { LINE });
        ctx.set_line_width(1.0);
        ctx.stroke();
        ctx.set_fill_style_str(if down { ERR } else { MUTED });
        ctx.set_font("600 12px ui-monospace, SFMono-Regular, Menlo, monospace");
        ctx.set_text_align("center");
        let title = if down { format!("{az} · DOWN") } else { az.to_string() };
        let _ = ctx.fill_text_with_max_width(&title, c.rect.x + c.rect.w / 2.0, c.rect.y + 17.0, c.rect.w - 8.0);
        ctx.set_text_align("left");
    }

    // Cards: backgrounds, borders and bars batched by colour (one path each); hatching and text
    // per card (hatching is rare, text only at the larger densities).
    type Key = (&'static str, bool);
    let mut backs: std::collections::BTreeMap<Key, Vec<Rect>> = std::collections::BTreeMap::new();
    let mut borders: std::collections::BTreeMap<Key, Vec<Rect>> = std::collections::BTreeMap::new();
    let mut bar_fills: std::collections::BTreeMap<Key, Vec<Rect>> = std::collections::BTreeMap::new();
    let mut hatched: Vec<(Rect, bool)> = Vec::new();
    let mut texts: Vec<(usize, Rect)> = Vec::new();
    // Room on the right of the bars for their numbers ("500m/1930m"), measured, so a number
    // never runs into its bar: the widest of the picture's, so all bars line up.
    let labelled_bars = m.text && m.bar_h >= 10.0;
    let num_w = if labelled_bars {
        ctx.set_font(BAR_FONT);
        l.cards
            .iter()
            .filter_map(|c| match c.kind {
                CardKind::Instance(i) => s.instances.get(i),
                CardKind::Fargate(_) => None,
            })
            .flat_map(|inst| bar_values(words, inst))
            .map(|(_, text)| text_width(ctx, &text))
            .fold(0.0, f64::max)
            .ceil()
            + 6.0
    } else {
        0.0
    };
    for card in &l.cards {
        let r = card.rect;
        match card.kind {
            CardKind::Instance(i) => {
                let Some(inst) = s.instances.get(i) else { continue };
                let grey = !inst.agent_connected;
                let draining = inst.status == InstanceStatus::Draining;
                backs.entry((if grey { "#e6e8eb" } else { CARD }, grey)).or_default().push(r);
                if draining {
                    hatched.push((r, grey));
                }
                borders.entry((if draining { WARN } else { LINE }, grey)).or_default().push(r);
                let x = r.x + m.card_pad;
                let w = r.w - 2.0 * m.card_pad;
                let mut y = r.y + m.card_pad;
                if m.text {
                    texts.push((i, r));
                    y += m.header_h;
                }
                let in_use = a.usage.get(&inst.id).copied();
                for (k, (used, total)) in [
                    (inst.registered_cpu - inst.remaining_cpu.min(inst.registered_cpu), inst.registered_cpu),
                    (inst.registered_memory - inst.remaining_memory.min(inst.registered_memory), inst.registered_memory),
                ]
                .into_iter()
                .enumerate()
                {
                    let frac = if total == 0 { 0.0 } else { used as f64 / total as f64 };
                    let (lx, bw) = if labelled_bars { (BAR_LABEL_W, w - BAR_LABEL_W - num_w) } else { (0.0, w) };
                    let bw = bw.max(4.0);
                    bar_fills.entry(("#eaeef2", grey)).or_default().push(Rect { x: x + lx, y, w: bw, h: m.bar_h });
                    bar_fills.entry((if frac > 0.85 { WARN } else { ACCENT }, grey)).or_default().push(Rect { x: x + lx, y, w: (bw * frac).round(), h: m.bar_h });
                    // Used (with traffic): a darker band in the lower half of the reserved bar.
                    if let Some((cpu, mem)) = in_use {
                        let p = f64::from(if k == 0 { cpu } else { mem }) / 1000.0;
                        let h = (m.bar_h / 2.0).max(1.0);
                        bar_fills.entry((USED, grey)).or_default().push(Rect { x: x + lx, y: y + m.bar_h - h, w: (bw * p).round(), h });
                    }
                    y += m.bar_h + m.bar_gap;
                }
            }
            CardKind::Fargate(_) => {
                ctx.set_fill_style_str("#f6f0ff");
                round_rect(ctx, r, 4.0);
                ctx.fill();
                ctx.set_stroke_style_str("#8250df");
                ctx.set_line_width(1.0);
                set_dash(ctx, &[5.0, 3.0]);
                ctx.stroke();
                set_dash(ctx, &[]);
                if m.text {
                    ctx.set_fill_style_str(INK);
                    ctx.set_font("600 11px system-ui, sans-serif");
                    let _ = ctx.fill_text_with_max_width("Fargate pool", r.x + m.card_pad, r.y + m.card_pad + 10.0, r.w - 2.0 * m.card_pad);
                }
            }
        }
    }
    let card_alpha = |grey: bool| if grey { 0.5 } else { 1.0 };
    for ((colour, grey), rects) in &backs {
        ctx.set_global_alpha(card_alpha(*grey));
        ctx.set_fill_style_str(colour);
        ctx.begin_path();
        for r in rects {
            round_rect_path(ctx, *r, 4.0);
        }
        ctx.fill();
    }
    for (r, grey) in &hatched {
        ctx.set_global_alpha(card_alpha(*grey));
        hatch(ctx, *r, if m.text { 9.0 } else { 5.0 }, "#d8dde3");
    }
    ctx.set_line_width(1.0);
    for ((colour, grey), rects) in &borders {
        ctx.set_global_alpha(card_alpha(*grey));
        ctx.set_stroke_style_str(colour);
        ctx.begin_path();
        for r in rects {
            round_rect_path(ctx, *r, 4.0);
        }
        ctx.stroke();
    }
    // The track first, then the reserved part, then the band in use (traffic) over it: by layer,
    // not by colour (the map orders colours by name, and USED sorts before ACCENT).
    let layer = |c: &str| if c == "#eaeef2" { 0 } else if c == USED { 2 } else { 1 };
    for pass in 0..3 {
        for ((colour, grey), rects) in bar_fills.iter().filter(|((c, _), _)| layer(c) == pass) {
            ctx.set_global_alpha(card_alpha(*grey));
            ctx.set_fill_style_str(colour);
            ctx.begin_path();
            for r in rects {
                ctx.rect(r.x, r.y, r.w, r.h);
            }
            ctx.fill();
        }
    }
    for (i, r) in texts {
        let Some(inst) = s.instances.get(i) else { continue };
        let grey = !inst.agent_connected;
        let draining = inst.status == InstanceStatus::Draining;
        ctx.set_global_alpha(card_alpha(grey));
        let x = r.x + m.card_pad;
        let w = r.w - 2.0 * m.card_pad;
        let y = r.y + m.card_pad;
        ctx.set_fill_style_str(INK);
        // Long names (a Kubernetes node's `ip-10-0-1-10.ec2.internal`) are shortened with "…",
        // never squeezed; the full name is in the tables and the details panel.
        if l.density == Density::Full {
            // The type (and state) on the right gets what the name leaves, at least 55 %; the
            // name the rest. Short of room a state shows alone (it matters more than the type).
            ctx.set_font("600 12px ui-monospace, SFMono-Regular, Menlo, monospace");
            let id_w = text_width(ctx, &inst.id);
            ctx.set_font("11px system-ui, sans-serif");
            let room = (w - id_w - 8.0).max(w * 0.55);
            let state = if draining && words.kube { Some("cordoned") } else if draining { Some("DRAINING") } else if grey { Some("unreachable") } else { None };
            let full = match state {
                Some(st) => format!("{} · {st}", inst.instance_type),
                None => inst.instance_type.clone(),
            };
            let tag = match state {
                Some(st) if text_width(ctx, &full) > room => ellipsize(st, room, &|t| text_width(ctx, t)),
                _ => ellipsize(&full, room, &|t| text_width(ctx, t)),
            };
            let tag_w = text_width(ctx, &tag);
            ctx.set_fill_style_str(MUTED);
            if draining || grey {
                ctx.set_fill_style_str(if grey { ERR } else { WARN });
            }
            ctx.set_text_align("right");
            let _ = ctx.fill_text(&tag, x + w, y + 11.0);
            ctx.set_text_align("left");
            ctx.set_fill_style_str(INK);
            ctx.set_font("600 12px ui-monospace, SFMono-Regular, Menlo, monospace");
            let id = shorten_name(&inst.id, w - tag_w - 8.0, &|t| text_width(ctx, t));
            let _ = ctx.fill_text(&id, x, y + 11.0);
        } else {
            ctx.set_font("600 10px ui-monospace, SFMono-Regular, Menlo, monospace");
            let id = shorten_name(&inst.id, w, &|t| text_width(ctx, t));
            let _ = ctx.fill_text(&id, x, y + 9.0);
        }
        if labelled_bars {
            // The bars' labels and numbers.
            let mut by = y + m.header_h;
            ctx.set_fill_style_str(MUTED);
            ctx.set_font(BAR_FONT);
            ctx.set_text_baseline("middle");
            for (label, text) in bar_values(words, inst) {
                let _ = ctx.fill_text(label, x, by + m.bar_h / 2.0);
                ctx.set_text_align("right");
                let _ = ctx.fill_text(&text, x + w, by + m.bar_h / 2.0);
                ctx.set_text_align("left");
                by += m.bar_h + m.bar_gap;
            }
            ctx.set_text_baseline("alphabetic");
        }
    }
    ctx.set_global_alpha(1.0);

    // Chips (those in flight are drawn by the overlay), in batches.
    let mut batch = ChipBatch::default();
    for (i, c) in l.chips.iter().enumerate() {
        if a.in_flight.get(i).copied().unwrap_or(false) {
            continue;
        }
        let grey = match l.cards.get(c.card).map(|k| k.kind) {
            Some(CardKind::Instance(ii)) => s.instances.get(ii).is_some_and(|v| !v.agent_connected),
            _ => false,
        };
        if let Some(st) = a.styles.get(c.task) {
            batch.add(c.rect, st, l.density, grey);
        }
    }
    batch.draw(ctx);
}

/// Paint operations grouped by style: the base layer draws thousands of chips with one path per
/// colour (and alpha) instead of changing the context's state for every chip. Draws exactly
/// what [`draw_chip`] draws for each chip; chips never overlap, so only the order of the layers
/// within a chip matters, and the passes keep it (background, outline, stripes, health, label).
#[derive(Default)]
pub struct ChipBatch {
    /// (pass, colour, dimmed) → rectangles to fill.
    fills: std::collections::BTreeMap<(u8, &'static str, bool), Vec<Rect>>,
    /// (pass, colour, dimmed) → rectangles to stroke; pass 1 is dashed (starting), 3 unhealthy.
    strokes: std::collections::BTreeMap<(u8, &'static str, bool), Vec<Rect>>,
    /// (colour, dimmed) → stripe segments (x0, y0, x1, y1) of older-revision chips (their label
    /// patches are fills of pass 2, over the stripes).
    stripes: std::collections::BTreeMap<(&'static str, bool), Vec<(f64, f64, f64, f64)>>,
    /// Revision labels at full size: (rect, label, dark text, dimmed).
    labels: Vec<(Rect, &'static str, bool, bool)>,
}

/// Opacity of a chip on an unreachable instance.
const DIM: f64 = 0.4;

impl ChipBatch {
    pub fn add(&mut self, r: Rect, st: &ChipStyle, density: Density, dim: bool) {
        let slot = (st.slot as usize) % 8;
        let small = r.w < 8.0;
        let colour = if st.old { SVC_OLD[slot] } else { SVC[slot] };
        if st.stopping {
            self.fills.entry((0, GREY, dim)).or_default().push(r);
        } else if st.starting {
            self.fills.entry((0, CARD, dim)).or_default().push(r);
            if small {
                self.fills.entry((1, colour, dim)).or_default().push(Rect { h: r.h / 2.0, ..r });
            } else {
                self.strokes.entry((1, SVC[slot], dim)).or_default().push(Rect { x: r.x + 0.75, y: r.y + 0.75, w: r.w - 1.5, h: r.h - 1.5 });
            }
        } else {
            self.fills.entry((0, colour, dim)).or_default().push(r);
            if st.old && r.w >= 8.0 {
                let segs = self.stripes.entry((SVC[slot], dim)).or_default();
                // The 45° lines of `draw_chip` (x + k + t, y + h − t), cut to the chip.
                let mut k = -r.h;
                while k < r.w {
                    let (t0, t1) = ((-k).max(0.0), r.h.min(r.w - k));
                    if t0 < t1 {
                        segs.push((r.x + k + t0, r.y + r.h - t0, r.x + k + t1, r.y + r.h - t1));
                    }
                    k += STRIPE_STEP;
                }
                if labelled(r, density) {
                    self.fills.entry((2, colour, dim)).or_default().push(label_patch(r));
                }
            }
        }
        if st.unhealthy {
            self.strokes.entry((3, ERR, dim)).or_default().push(Rect { x: r.x - 1.0, y: r.y - 1.0, w: r.w + 2.0, h: r.h + 2.0 });
        }
        if labelled(r, density) {
            self.labels.push((r, rev_label(st.revision), st.stopping || st.starting || st.old, dim));
        }
    }

    pub fn draw(&self, ctx: &CanvasRenderingContext2d) {
        let alpha = |pass: u8, colour: &str, dim: bool| {
            let a = if dim { DIM } else { 1.0 };
            if pass == 0 && colour == GREY {
                a * 0.45
            } else {
                a
            }
        };
        // Fills and outlines, pass by pass.
        for pass in 0..4u8 {
            for ((p, colour, dim), rects) in self.fills.range((pass, "", false)..) {
                if *p != pass {
                    break;
                }
                ctx.set_global_alpha(alpha(*p, colour, *dim));
                ctx.set_fill_style_str(colour);
                ctx.begin_path();
                for r in rects {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                ctx.fill();
            }
            for ((p, colour, dim), rects) in self.strokes.range((pass, "", false)..) {
                if *p != pass {
                    break;
                }
                ctx.set_global_alpha(alpha(*p, colour, *dim));
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(if *p == 3 { 2.0 } else { 1.5 });
                if *p == 1 {
                    set_dash(ctx, &[3.0, 2.0]);
                }
                ctx.begin_path();
                for r in rects {
                    ctx.rect(r.x, r.y, r.w, r.h);
                }
                ctx.stroke();
                if *p == 1 {
                    set_dash(ctx, &[]);
                }
            }
            if pass == 1 {
                // Stripes go over the older revision's fill (pass 0), under its label's patch
                // (pass 2) and the health outline.
                for ((colour, dim), segs) in &self.stripes {
                    ctx.set_global_alpha(if *dim { DIM } else { 1.0 });
                    ctx.set_stroke_style_str(colour);
                    ctx.set_line_width(STRIPE_W);
                    ctx.begin_path();
                    for &(x0, y0, x1, y1) in segs {
                        ctx.move_to(x0, y0);
                        ctx.line_to(x1, y1);
                    }
                    ctx.stroke();
                }
            }
        }
        if !self.labels.is_empty() {
            ctx.set_font("600 10px system-ui, sans-serif");
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            for dark in [true, false] {
                ctx.set_fill_style_str(if dark { INK } else { "#ffffff" });
                for &(r, label, _, dim) in self.labels.iter().filter(|l| l.2 == dark) {
                    ctx.set_global_alpha(if dim { DIM } else { 1.0 });
                    let _ = ctx.fill_text(label, r.x + r.w / 2.0, r.y + r.h / 2.0 + 0.5);
                }
            }
            ctx.set_text_align("left");
            ctx.set_text_baseline("alphabetic");
        }
        ctx.set_global_alpha(1.0);
    }
}

fn ease_out(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    1.0 - (1.0 - t).powi(3)
}

/// Draws the overlay: flights, fades and ghosts, Spot rings, the selection.
pub fn draw_overlay(ctx: &CanvasRenderingContext2d, a: &Anim) {
    let l = &a.layout;
    let s = &a.snapshot;
    ctx.clear_rect(0.0, 0.0, l.width, l.height);
    let ts = a.last_ts;
    // Lost instances: a grey card with a red cross and "<id> · gone", fading out.
    for c in &a.lost {
        let t = c.start.map(|st| ts - st).unwrap_or(0.0);
        let k = (1.0 - t / LOST_MS).clamp(0.0, 1.0);
        let r = c.rect;
        // Light enough that the card that moves into its place shows through.
        ctx.set_global_alpha(0.45 * k);
        ctx.set_fill_style_str("#8c959f");
        round_rect(ctx, r, 6.0);
        ctx.fill();
        ctx.set_global_alpha(0.8 * k);
        ctx.set_stroke_style_str(ERR);
        ctx.set_line_width(1.5);
        ctx.begin_path();
        ctx.move_to(r.x + 6.0, r.y + 6.0);
        ctx.line_to(r.x + r.w - 6.0, r.y + r.h - 6.0);
        ctx.move_to(r.x + r.w - 6.0, r.y + 6.0);
        ctx.line_to(r.x + 6.0, r.y + r.h - 6.0);
        ctx.stroke();
        if a.layout.density.metrics().text {
            // The label on a white pill, readable over whatever is below.
            ctx.set_font("600 12px system-ui, sans-serif");
            let label = format!("{} · gone", shorten_name(&c.id, r.w - 20.0 - text_width(ctx, " · gone"), &|t| text_width(ctx, t)));
            let tw = text_width(ctx, &label).min(r.w - 8.0);
            ctx.set_global_alpha(k);
            ctx.set_fill_style_str(CARD);
            round_rect(ctx, Rect { x: r.x + (r.w - tw) / 2.0 - 6.0, y: r.y + r.h / 2.0 - 10.0, w: tw + 12.0, h: 19.0 }, 9.0);
            ctx.fill();
            ctx.set_fill_style_str(ERR);
            ctx.set_text_align("center");
            let _ = ctx.fill_text_with_max_width(&label, r.x + r.w / 2.0, r.y + r.h / 2.0 + 4.0, r.w - 8.0);
            ctx.set_text_align("left");
        }
        ctx.set_global_alpha(1.0);
    }
    for f in &a.fades {
        let t = f.start.map(|st| ts - st).unwrap_or(0.0);
        if f.failed {
            // Red flash (two pulses), then a dashed ghost that fades.
            if t < FLASH_MS {
                let pulse = (t / FLASH_MS * std::f64::consts::PI * 2.0).sin().abs();
                ctx.set_global_alpha(0.35 + 0.65 * pulse);
                ctx.set_fill_style_str(ERR);
                ctx.fill_rect(f.rect.x - 1.0, f.rect.y - 1.0, f.rect.w + 2.0, f.rect.h + 2.0);
            } else {
                let k = 1.0 - (t - FLASH_MS) / (GHOST_MS - FLASH_MS);
                ctx.set_global_alpha(k.clamp(0.0, 1.0));
                ctx.set_stroke_style_str(ERR);
                ctx.set_line_width(1.5);
                set_dash(ctx, &[2.0, 2.0]);
                ctx.stroke_rect(f.rect.x + 0.75, f.rect.y + 0.75, f.rect.w - 1.5, f.rect.h - 1.5);
                set_dash(ctx, &[]);
            }
            ctx.set_global_alpha(1.0);
        } else {
            let k = 1.0 - t / FADE_MS;
            let mut st = f.style;
            st.stopping = true;
            draw_chip(ctx, f.rect, &st, l.density, k.clamp(0.0, 1.0));
        }
    }
    for f in &a.flights {
        let (Some(c), Some(st)) = (l.chips.get(f.chip), l.chips.get(f.chip).and_then(|c| a.styles.get(c.task))) else { continue };
        let t = ease_out(f.start.map(|s0| (ts - s0) / FLIGHT_MS).unwrap_or(0.0));
        let to = c.rect;
        let r = Rect { x: f.from.x + (to.x - f.from.x) * t, y: f.from.y + (to.y - f.from.y) * t, w: f.from.w + (to.w - f.from.w) * t, h: f.from.h + (to.h - f.from.h) * t };
        // A faint trail shows where it came from.
        ctx.set_global_alpha(0.25 * (1.0 - t));
        ctx.set_stroke_style_str(SVC[(st.slot as usize) % 8]);
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(f.from.x + f.from.w / 2.0, f.from.y + f.from.h / 2.0);
        ctx.line_to(r.x + r.w / 2.0, r.y + r.h / 2.0);
        ctx.stroke();
        ctx.set_global_alpha(1.0);
        draw_chip(ctx, r, st, if r.w >= 16.0 { Density::Full } else { l.density }, 1.0);
    }
    // Spot interruption: a ring that empties over the two minutes, with the time left.
    for (id, &stop_at) in &a.spot {
        let Some(card) = l.card_of_instance(s, id) else { continue };
        let left = stop_at.saturating_sub(s.time_ms) as f64;
        let frac = (left / 120_000.0).clamp(0.0, 1.0);
        let rad = (card.rect.h.min(card.rect.w) * 0.22).clamp(4.0, 13.0);
        let (cx, cy) = if l.density == Density::Full { (card.rect.x + card.rect.w - rad - 6.0, card.rect.y + card.rect.h - rad - 6.0) } else { (card.rect.x + card.rect.w - rad - 1.0, card.rect.y + rad + 1.0) };
        ctx.set_fill_style_str(CARD);
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, rad + 2.0, 0.0, std::f64::consts::TAU);
        ctx.fill();
        ctx.set_line_width(if rad > 8.0 { 3.5 } else { 2.0 });
        ctx.set_stroke_style_str("#eaeef2");
        ctx.begin_path();
        let _ = ctx.arc(cx, cy, rad, 0.0, std::f64::consts::TAU);
        ctx.stroke();
        ctx.set_stroke_style_str(WARN);
        ctx.begin_path();
        let start = -std::f64::consts::FRAC_PI_2;
        let _ = ctx.arc(cx, cy, rad, start, start + frac * std::f64::consts::TAU);
        ctx.stroke();
        if rad > 8.0 {
            let secs = (left / 1000.0).ceil() as u64;
            ctx.set_fill_style_str(WARN);
            ctx.set_font("600 8px system-ui, sans-serif");
            ctx.set_text_align("center");
            ctx.set_text_baseline("middle");
            let _ = ctx.fill_text(&format!("{}:{:02}", secs / 60, secs % 60), cx, cy + 0.5);
            ctx.set_text_align("left");
            ctx.set_text_baseline("alphabetic");
        }
    }
    // Selection.
    let sel = match &a.selected {
        Some(super::Selection::Instance(id)) => l.card_of_instance(s, id).map(|c| c.rect),
        Some(super::Selection::Task(id)) => l.chip_of.get(id).and_then(|&i| l.chips.get(i)).map(|c| c.rect).or_else(|| l.pending_chip_of(s, id)),
        Some(super::Selection::Pending(group)) => l.pending.iter().find(|p| s.unplaced.get(p.unplaced).is_some_and(|u| &u.group == group)).map(|p| p.rect),
        Some(super::Selection::Fargate(az)) => l.cards.iter().find(|c| matches!(c.kind, CardKind::Fargate(z) if s.availability_zones.get(z) == Some(az))).map(|c| c.rect),
        None => None,
    };
    if let Some(r) = sel {
        ctx.set_stroke_style_str(INK);
        ctx.set_line_width(2.5);
        round_rect(ctx, Rect { x: r.x - 3.0, y: r.y - 3.0, w: r.w + 6.0, h: r.h + 6.0 }, 5.0);
        ctx.stroke();
    }
}

/// Is `task` (gone from the snapshot) a failure? Reads its history through `inspect`.
pub fn stop_was_failure(history: &[crate::engine::event::Event]) -> Option<bool> {
    history.iter().rev().find_map(|e| match &e.kind {
        // Planned stops (scale-in, deployments, the learner) fade; everything else, and a
        // replacement for failed health checks, is a failure.
        crate::engine::event::EventKind::TaskStopped { stop_code, reason, .. } => {
            Some(!(stop_code == "ServiceSchedulerInitiated" || stop_code == "UserInitiated") || reason.contains("health check"))
        }
        _ => None,
    })
}

/// Task views by id, for panels.
pub fn task_by_id<'a>(s: &'a Snapshot, id: &str) -> Option<&'a TaskView> {
    s.tasks.binary_search_by(|t| t.id.as_str().cmp(id)).ok().and_then(|i| s.tasks.get(i)).or_else(|| s.tasks.iter().find(|t| t.id == id))
}
