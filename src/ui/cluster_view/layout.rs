//! Where everything goes on the cluster canvas: pure arithmetic over a [`Snapshot`], no browser
//! calls, so it is unit-tested in `tests/wasm_cluster.rs` and costs O(instances + tasks).
//!
//! The picture, top to bottom: the pending lane (tasks no instance could take, one group per
//! service), then one column per Availability Zone holding instance cards (wrapped into a grid
//! when there are many) and, last in the column, the zone's Fargate pool. Cards shrink through
//! four [`Density`] levels until the whole cluster fits the height the page offers.

use std::collections::HashMap;

use crate::engine::snapshot::Snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x < self.x + self.w && y >= self.y && y < self.y + self.h
    }
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// How much detail a card gets. Larger clusters get smaller cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Density {
    /// Instance id, type, labelled bars, chips with the revision number in them.
    Full,
    /// Instance id, thin bars, small chips.
    Medium,
    /// No text; bars and chips only.
    Small,
    /// Hundreds of instances: a dot per task.
    Tiny,
}

/// Sizes in CSS pixels for one density.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    pub card_min_w: f64,
    pub card_pad: f64,
    pub header_h: f64,
    /// Height of one resource bar (CPU, then memory).
    pub bar_h: f64,
    pub bar_gap: f64,
    pub chip: f64,
    pub chip_gap: f64,
    pub card_gap: f64,
    pub text: bool,
}

impl Density {
    pub const ALL: [Density; 4] = [Density::Full, Density::Medium, Density::Small, Density::Tiny];

    pub fn metrics(self) -> Metrics {
        match self {
            Density::Full => Metrics { card_min_w: 190.0, card_pad: 8.0, header_h: 22.0, bar_h: 12.0, bar_gap: 3.0, chip: 20.0, chip_gap: 4.0, card_gap: 8.0, text: true },
            Density::Medium => Metrics { card_min_w: 118.0, card_pad: 5.0, header_h: 15.0, bar_h: 4.0, bar_gap: 2.0, chip: 10.0, chip_gap: 2.0, card_gap: 5.0, text: true },
            Density::Small => Metrics { card_min_w: 62.0, card_pad: 3.0, header_h: 0.0, bar_h: 3.0, bar_gap: 1.0, chip: 5.0, chip_gap: 1.0, card_gap: 3.0, text: false },
            Density::Tiny => Metrics { card_min_w: 30.0, card_pad: 2.0, header_h: 0.0, bar_h: 2.0, bar_gap: 1.0, chip: 3.0, chip_gap: 1.0, card_gap: 2.0, text: false },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Density::Full => "full",
            Density::Medium => "medium",
            Density::Small => "small",
            Density::Tiny => "tiny",
        }
    }
}

/// Gap between zone columns and the page margin inside the canvas.
pub const COLUMN_GAP: f64 = 10.0;
pub const COLUMN_PAD: f64 = 6.0;
pub const COLUMN_HEADER_H: f64 = 26.0;
pub const PENDING_H: f64 = 38.0;
/// Chip size in the pending lane.
pub const PENDING_CHIP: f64 = 14.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    /// Index into `snapshot.instances`.
    Instance(usize),
    /// The Fargate pool of the zone with this index in `snapshot.availability_zones`.
    Fargate(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnBox {
    /// Index into `snapshot.availability_zones`.
    pub az: usize,
    pub rect: Rect,
    pub header: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CardBox {
    pub kind: CardKind,
    pub rect: Rect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChipBox {
    /// Index into `snapshot.tasks`.
    pub task: usize,
    /// Index into [`Layout::cards`].
    pub card: usize,
    pub rect: Rect,
}

/// One service's (or group's) waiting tasks in the pending lane.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingBox {
    /// Index into `snapshot.unplaced`.
    pub unplaced: usize,
    pub rect: Rect,
    /// Chips drawn for it (at most [`PENDING_SHOWN`], fewer when the lane needs the room for the
    /// whole name; the label gives the count, `+4` the tasks without a chip).
    pub chips: usize,
    /// Width kept for the label (`3 × web`): the whole name, unless the lane is too narrow.
    pub label_w: f64,
    /// Waiting tasks without a chip (`+4` after the chips), when the group has more than
    /// [`PENDING_SHOWN`].
    pub more: u32,
    /// The waiting tasks the chips stand for, by index into `snapshot.tasks`, when the snapshot
    /// has them (Kubernetes' Pending pods; ECS's unplaced tasks do not exist yet): a click on
    /// one opens it.
    pub tasks: Vec<usize>,
}

impl PendingBox {
    /// Where chip `k` of the box is drawn.
    pub fn chip_rect(&self, k: usize) -> Rect {
        Rect { x: self.rect.x + PENDING_PAD + self.label_w + PENDING_PAD + k as f64 * (PENDING_CHIP + 3.0), y: self.rect.y + (self.rect.h - PENDING_CHIP) / 2.0, w: PENDING_CHIP, h: PENDING_CHIP }
    }

    /// The `+4` marker after the chips (tasks without a chip), if the group has more tasks than
    /// chips: its text and where its left edge is.
    pub fn more_label(&self) -> Option<(String, f64)> {
        (self.more > 0).then(|| (format!("+{}", self.more), self.chip_rect(self.chips).x))
    }
}

/// The font of a pending box's label and its `+4` marker.
pub const PENDING_FONT: &str = "600 11px system-ui, sans-serif";

thread_local! {
    /// A canvas (never shown) to measure the pending lane's text with, in [`PENDING_FONT`].
    static MEASURE: Option<web_sys::CanvasRenderingContext2d> = {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())
            .and_then(|c| c.get_context("2d").ok().flatten())
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    };
}

/// The width of `text` as the canvas draws it in [`PENDING_FONT`]: measured on a canvas with the
/// page's fonts (the canvas measures again when drawing and only cuts what does not fit), or
/// estimated from its characters ([`label_width`]) where there is no canvas.
pub fn measured_label_width(text: &str) -> f64 {
    MEASURE
        .with(|m| {
            m.as_ref().and_then(|ctx| {
                ctx.set_font(PENDING_FONT);
                ctx.measure_text(text).ok().map(|t| t.width())
            })
        })
        .filter(|w| w.is_finite() && *w > 0.0)
        .map(|w| w.ceil() + 1.0)
        .unwrap_or_else(|| label_width(text))
}

/// Padding inside a pending box, left of its label and between label and chips.
pub const PENDING_PAD: f64 = 5.0;
/// Where the first pending box starts (the lane's own label is on its left).
pub const PENDING_X: f64 = 92.0;

/// The width of a pending box's label as the canvas draws it (600 11px system-ui), estimated
/// from its characters without a canvas: generous, as for the widest common system font
/// (DejaVu Sans Bold), so the whole name fits; the canvas measures it again when drawing.
pub fn label_width(text: &str) -> f64 {
    text.chars()
        .map(|c| match c {
            'i' | 'l' | 'j' | '.' | ',' | ':' | '\'' | '|' | '!' => 3.8,
            ' ' | '-' | 'f' | 't' | 'r' | '(' | ')' => 5.0,
            'm' | 'w' | 'M' | 'W' => 10.8,
            c if c.is_ascii_uppercase() => 8.2,
            _ => 7.4,
        })
        .sum::<f64>()
        .ceil()
}

/// At most this many chips per waiting group are drawn; the label carries the exact count.
pub const PENDING_SHOWN: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub density: Density,
    pub pending_lane: Rect,
    pub pending: Vec<PendingBox>,
    pub columns: Vec<ColumnBox>,
    pub cards: Vec<CardBox>,
    pub chips: Vec<ChipBox>,
    /// Task id → index into `chips`.
    pub chip_of: HashMap<String, usize>,
}

/// What a point on the canvas lands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hit {
    Task(String),
    Instance(String),
    /// The Fargate pool of a zone.
    Fargate(String),
    /// Index into `snapshot.unplaced`.
    Pending(usize),
    /// A zone's column header.
    Zone(String),
}

impl Layout {
    /// Lay out `s` in a canvas `width` CSS pixels wide, choosing the most detailed density whose
    /// picture is at most `max_height` tall (the least detailed one if none fits).
    pub fn compute(s: &Snapshot, width: f64, max_height: f64) -> Layout {
        let width = width.max(120.0);
        let groups = Groups::of(s);
        let mut last = None;
        for d in Density::ALL {
            let l = Self::with_density(s, &groups, width, d);
            if l.height <= max_height {
                return l;
            }
            last = Some(l);
        }
        last.unwrap_or_else(|| Self::with_density(s, &groups, width, Density::Tiny))
    }

    fn with_density(s: &Snapshot, g: &Groups, width: f64, density: Density) -> Layout {
        let m = density.metrics();
        // Pending lane: one box per waiting group, left to right, wrapping onto more rows; each
        // box wide enough for its whole label (`952 × shipping-worker`).
        let mut pending = Vec::with_capacity(s.unplaced.len());
        let (box_h, row_gap) = (PENDING_H - 12.0, 6.0);
        let (mut x, mut y) = (PENDING_X, 6.0);
        for (i, u) in s.unplaced.iter().enumerate() {
            let name = u.service.as_deref().unwrap_or(&u.group);
            let whole = measured_label_width(&format!("{} × {name}", u.count));
            // The chips, then `+4` for the tasks without one: as many chips (at most
            // PENDING_SHOWN, at least one) as leave room for the whole name on the lane's row.
            let chips_width = |chips: usize| {
                let more = u.count.saturating_sub(chips as u32);
                chips as f64 * (PENDING_CHIP + 3.0) + if more > 0 { measured_label_width(&format!("+{more}")) + 2.0 } else { 0.0 }
            };
            let free = width - PENDING_X - 6.0 - 3.0 * PENDING_PAD;
            let mut chips = (u.count as usize).min(PENDING_SHOWN);
            while chips > 1 && whole + chips_width(chips) > free {
                chips -= 1;
            }
            let more = u.count.saturating_sub(chips as u32);
            let chips_w = chips_width(chips);
            let room = (free - chips_w).max(52.0);
            let label_w = whole.clamp(40.0, room);
            let tasks = g.pending_tasks.get(i).map(|t| t[..t.len().min(chips)].to_vec()).unwrap_or_default();
            let w = PENDING_PAD + label_w + PENDING_PAD + chips_w + PENDING_PAD;
            if x > PENDING_X && x + w > width - 6.0 {
                x = PENDING_X;
                y += box_h + row_gap;
            }
            pending.push(PendingBox { unplaced: i, rect: Rect { x, y, w, h: box_h }, chips, label_w, more, tasks });
            x += w + 8.0;
        }
        let pending_lane = Rect { x: 0.0, y: 0.0, w: width, h: y + box_h + 6.0 };

        let n = s.availability_zones.len().max(1) as f64;
        let col_w = ((width - (n - 1.0) * COLUMN_GAP) / n).max(m.card_min_w + 2.0 * COLUMN_PAD);
        let top = pending_lane.h + 8.0;
        let inner = col_w - 2.0 * COLUMN_PAD;
        let per_row = (((inner + m.card_gap) / (m.card_min_w + m.card_gap)).floor() as usize).max(1);
        let card_w = (inner - (per_row as f64 - 1.0) * m.card_gap) / per_row as f64;
        let chips_per_row = (((card_w - 2.0 * m.card_pad + m.chip_gap) / (m.chip + m.chip_gap)).floor() as usize).max(1);
        let card_h = |k: usize| {
            let rows = k.div_ceil(chips_per_row).max(1) as f64;
            m.card_pad + m.header_h + 2.0 * (m.bar_h + m.bar_gap) + rows * (m.chip + m.chip_gap) + m.card_pad
        };

        let mut columns = Vec::with_capacity(s.availability_zones.len());
        let mut cards = Vec::with_capacity(s.instances.len() + s.availability_zones.len());
        let mut chips = Vec::with_capacity(s.tasks.len());
        let mut height: f64 = top;
        for (zi, _) in s.availability_zones.iter().enumerate() {
            let cx = zi as f64 * (col_w + COLUMN_GAP);
            let mut y = top + COLUMN_HEADER_H;
            let mut slot = 0;
            let mut row_h: f64 = 0.0;
            let members = g.instances_by_az.get(zi).map(Vec::as_slice).unwrap_or(&[]);
            let fargate = g.fargate_by_az.get(zi).map(Vec::as_slice).unwrap_or(&[]);
            let place = |kind: CardKind, tasks: &[usize], cards: &mut Vec<CardBox>, chips: &mut Vec<ChipBox>, y: &mut f64, slot: &mut usize, row_h: &mut f64| {
                let h = card_h(tasks.len());
                let col = *slot % per_row;
                if col == 0 && *slot > 0 {
                    *y += *row_h + m.card_gap;
                    *row_h = 0.0;
                }
                let rect = Rect { x: cx + COLUMN_PAD + col as f64 * (card_w + m.card_gap), y: *y, w: card_w, h };
                *row_h = row_h.max(h);
                *slot += 1;
                let card = cards.len();
                cards.push(CardBox { kind, rect });
                let cy = rect.y + m.card_pad + m.header_h + 2.0 * (m.bar_h + m.bar_gap);
                for (k, &task) in tasks.iter().enumerate() {
                    let (r, c) = (k / chips_per_row, k % chips_per_row);
                    chips.push(ChipBox {
                        task,
                        card,
                        rect: Rect { x: rect.x + m.card_pad + c as f64 * (m.chip + m.chip_gap), y: cy + r as f64 * (m.chip + m.chip_gap), w: m.chip, h: m.chip },
                    });
                }
            };
            for &ii in members {
                let tasks = g.tasks_of_instance.get(ii).map(Vec::as_slice).unwrap_or(&[]);
                place(CardKind::Instance(ii), tasks, &mut cards, &mut chips, &mut y, &mut slot, &mut row_h);
            }
            if !fargate.is_empty() {
                place(CardKind::Fargate(zi), fargate, &mut cards, &mut chips, &mut y, &mut slot, &mut row_h);
            }
            let bottom = y + row_h + COLUMN_PAD;
            columns.push(ColumnBox { az: zi, rect: Rect { x: cx, y: top, w: col_w, h: bottom - top }, header: Rect { x: cx, y: top, w: col_w, h: COLUMN_HEADER_H } });
            height = height.max(bottom);
        }
        // Columns share one height so the zone backgrounds line up.
        for c in &mut columns {
            c.rect.h = height - top;
        }
        let total_w = (n * col_w + (n - 1.0) * COLUMN_GAP).max(width);
        let mut chip_of = HashMap::with_capacity(chips.len());
        for (i, c) in chips.iter().enumerate() {
            if let Some(t) = s.tasks.get(c.task) {
                chip_of.insert(t.id.clone(), i);
            }
        }
        Layout { width: total_w, height: height + 4.0, density, pending_lane, pending, columns, cards, chips, chip_of }
    }

    /// What lies under (`x`, `y`) (CSS pixels from the canvas's top left): a chip wins over its
    /// card, a card over its zone. O(cards + chips).
    pub fn hit(&self, s: &Snapshot, x: f64, y: f64) -> Option<Hit> {
        if self.pending_lane.contains(x, y) {
            let p = self.pending.iter().find(|p| p.rect.contains(x, y))?;
            // A waiting pod's chip opens the pod; the rest of the box, the group.
            let chip = p.tasks.iter().take(p.chips).enumerate().find(|(k, _)| p.chip_rect(*k).contains(x, y)).and_then(|(_, &t)| s.tasks.get(t));
            return Some(match chip {
                Some(t) => Hit::Task(t.id.clone()),
                None => Hit::Pending(p.unplaced),
            });
        }
        // Chips are small: accept a click within 2 px of one, the nearest first.
        let slack = 2.0;
        let mut best: Option<(f64, usize)> = None;
        for (i, c) in self.chips.iter().enumerate() {
            let r = c.rect;
            if x >= r.x - slack && x < r.x + r.w + slack && y >= r.y - slack && y < r.y + r.h + slack {
                let (cx, cy) = r.centre();
                let d = (cx - x).powi(2) + (cy - y).powi(2);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, i));
                }
            }
        }
        if let Some((_, i)) = best {
            return s.tasks.get(self.chips[i].task).map(|t| Hit::Task(t.id.clone()));
        }
        for c in &self.cards {
            if c.rect.contains(x, y) {
                return match c.kind {
                    CardKind::Instance(i) => s.instances.get(i).map(|v| Hit::Instance(v.id.clone())),
                    CardKind::Fargate(z) => s.availability_zones.get(z).map(|a| Hit::Fargate(a.clone())),
                };
            }
        }
        self.columns.iter().find(|c| c.header.contains(x, y)).and_then(|c| s.availability_zones.get(c.az)).map(|a| Hit::Zone(a.clone()))
    }

    /// Where a waiting task's chip is drawn in the pending lane, if it is.
    pub fn pending_chip_of(&self, s: &Snapshot, id: &str) -> Option<Rect> {
        self.pending.iter().find_map(|p| p.tasks.iter().take(p.chips).position(|&t| s.tasks.get(t).is_some_and(|v| v.id == id)).map(|k| p.chip_rect(k)))
    }

    /// The card of an instance, by id.
    pub fn card_of_instance(&self, s: &Snapshot, id: &str) -> Option<&CardBox> {
        self.cards.iter().find(|c| matches!(c.kind, CardKind::Instance(i) if s.instances.get(i).is_some_and(|v| v.id == id)))
    }
}

/// The snapshot grouped once: instances per zone, tasks per instance, Fargate tasks per zone.
struct Groups {
    instances_by_az: Vec<Vec<usize>>,
    tasks_of_instance: Vec<Vec<usize>>,
    fargate_by_az: Vec<Vec<usize>>,
    /// Per entry of `snapshot.unplaced`: the waiting tasks of its group that the snapshot lists
    /// (no instance, no zone, PENDING: Kubernetes' Pending pods), at most [`PENDING_SHOWN`].
    pending_tasks: Vec<Vec<usize>>,
}

impl Groups {
    fn of(s: &Snapshot) -> Groups {
        let zone: HashMap<&str, usize> = s.availability_zones.iter().enumerate().map(|(i, a)| (a.as_str(), i)).collect();
        let inst: HashMap<&str, usize> = s.instances.iter().enumerate().map(|(i, v)| (v.id.as_str(), i)).collect();
        let mut instances_by_az = vec![Vec::new(); s.availability_zones.len()];
        for (i, v) in s.instances.iter().enumerate() {
            if let Some(&z) = zone.get(v.az.as_str()) {
                instances_by_az[z].push(i);
            }
        }
        let mut tasks_of_instance = vec![Vec::new(); s.instances.len()];
        let mut fargate_by_az = vec![Vec::new(); s.availability_zones.len()];
        for (ti, t) in s.tasks.iter().enumerate() {
            match &t.instance {
                Some(id) => {
                    if let Some(&i) = inst.get(id.as_str()) {
                        tasks_of_instance[i].push(ti);
                    }
                }
                None => {
                    if let Some(&z) = zone.get(t.az.as_str()) {
                        fargate_by_az[z].push(ti);
                    }
                }
            }
        }
        let mut pending_tasks = vec![Vec::new(); s.unplaced.len()];
        if let (Some(k), false) = (&s.kube, s.unplaced.is_empty()) {
            // Kubernetes: the Pending pods in the order the "Pending pods" list below the picture
            // shows them, so the first chip is the first pod of the list.
            let by_id: HashMap<&str, usize> = s.tasks.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
            for (u, w) in s.unplaced.iter().enumerate() {
                pending_tasks[u] = crate::shell::kube_view::pending_pods(k, &w.group).iter().take(PENDING_SHOWN).filter_map(|p| by_id.get(p.name.as_str()).copied()).collect();
            }
        } else if !s.unplaced.is_empty() {
            let group: HashMap<&str, usize> = s.unplaced.iter().enumerate().map(|(i, u)| (u.group.as_str(), i)).collect();
            for (ti, t) in s.tasks.iter().enumerate() {
                if t.instance.is_none() && t.az.is_empty() && t.last_status == crate::engine::task::TaskStatus::Pending {
                    if let Some(&u) = group.get(t.group.as_str()) {
                        if pending_tasks[u].len() < PENDING_SHOWN {
                            pending_tasks[u].push(ti);
                        }
                    }
                }
            }
        }
        Groups { instances_by_az, tasks_of_instance, fargate_by_az, pending_tasks }
    }
}
