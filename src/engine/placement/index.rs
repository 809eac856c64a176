//! The placement index: the same answer as [`place`](super::place) — same instance, same host
//! ports, same draws from the seeded streams in the same order, same `why` sentence — without
//! visiting every instance for every task.
//!
//! Why this can work for *every* request: each filter and constraint (status, cpu, memory, ports,
//! eni, `distinctInstance`, and `memberOf` — whose query language reads only the instance's own
//! attributes, id, registration time, task count, task groups and agent) is a function of one
//! instance and the request. So is every strategy's value, except `spread` over an attribute, which
//! is a sum over the instances sharing the value. An index built for one request *shape* (the
//! request without its task id) therefore only has to look again at the instances written since
//! it last looked; [`Instances`] journals every write.
//!
//! For one shape the index keeps, per instance (by position in id order): whether it passes every
//! check, its per-instance strategy values (binpack's "left after placing", spread(instanceId)'s
//! count) and its contribution to each spread attribute's per-value counts. Instances are grouped
//! into *cells* by their values of the spread attributes; in a cell every attribute-spread value
//! is the same, so the cell's best candidates are the first entry of an ordered map from the
//! per-instance values to the (sorted) positions that have them. The strategies' chain picks the
//! lexicographically smallest key (strategy order) — exactly what rating and keeping the best, one
//! strategy after another, does — so the tied set is the union of a few cells' first entries,
//! kept in id order, and the seeded draw indexes into it as the full pipeline's would. A `random`
//! strategy ends the ranking: it draws from the tied set so far, and nothing after it matters.
//!
//! A placement then costs O(cells + changed instances × log n) instead of O(n) with a report and a
//! sentence per instance. When nothing fits, [`Placer::place`] runs the full pipeline (its
//! `Decision` carries the "why pending" table and the event's summary).

use std::collections::BTreeMap;

use super::{filters, spread_shown, strategy_binpack, strategy_spread, BinpackField, Ctx, Decision, Filter, PlacementRng, Request, Strategy};
use crate::engine::cluster::{Change, ContainerInstance, Instances};
use crate::engine::sort;
use crate::engine::taskdef::Protocol;

/// Most request shapes indexed at once (least recently used is dropped).
const SHAPES: usize = 8;
/// Most strategies before a `random` one that the index ranks by (ECS allows 5 in all).
const MAX_RANKED: usize = 5;

type Key = [i64; MAX_RANKED];

/// The answer for one task.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    Placed {
        instance: String,
        host_ports: Vec<(u16, Protocol)>,
        /// The `taskPlaced` event's reason, as [`Decision::why`] gives it.
        why: String,
    },
    /// The full pipeline's decision: nothing fits (an `Unplaced` outcome), or the request could
    /// not be indexed (then it may be `Placed`).
    Full(Decision),
}

/// Indexes for the most recently used request shapes. Cloning gives an empty one (an index is
/// only a cache; it rebuilds itself on first use).
#[derive(Default)]
pub struct Placer {
    shapes: Vec<Shape>,
}

impl Clone for Placer {
    fn clone(&self) -> Self {
        Placer::default()
    }
}

impl std::fmt::Debug for Placer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Placer({} shapes)", self.shapes.len())
    }
}

impl Placer {
    pub fn new() -> Self {
        Self::default()
    }

    /// The oldest journal position an index still reads from (`None`: no index kept).
    pub fn oldest_cursor(&self) -> Option<u64> {
        self.shapes.iter().map(|s| s.cursor).min()
    }

    /// Drop every index (they rebuild on next use).
    pub fn clear(&mut self) {
        self.shapes.clear();
    }

    /// Place `request` on `instances`: the same result and the same random draws as
    /// [`super::place`].
    pub fn place(&mut self, request: &Request, instances: &Instances, epoch_unix: i64, rng: PlacementRng) -> Placement {
        let pos = self.shapes.iter().position(|s| s.matches(request));
        let mut shape = match pos {
            Some(i) => self.shapes.remove(i),
            None => match Shape::new(request, instances, epoch_unix) {
                Some(s) => s,
                None => return Placement::Full(super::place(request, instances, epoch_unix, rng)),
            },
        };
        shape.sync(instances, epoch_unix);
        let result = shape.choose(request, instances, epoch_unix, rng);
        self.shapes.push(shape);
        if self.shapes.len() > SHAPES {
            self.shapes.remove(0);
        }
        result
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// `spread(attribute:…)`: index into `Shape::attrs`.
    Attr(usize),
    /// A per-instance value, at this position of the key's per-instance part.
    Binpack(BinpackField, usize),
    SpreadInstance(usize),
}

struct Attr {
    field: String,
    index: BTreeMap<String, u32>,
    values: Vec<String>,
    /// This group's tasks per value, over every instance (as `spread` counts them).
    counts: Vec<u32>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    feasible: bool,
    cell: u32,
    /// The per-instance strategy values, in strategy order.
    key: Key,
    /// This group's tasks on the instance.
    contrib: u32,
}

struct Cell {
    /// Value index per spread attribute.
    vals: Vec<u32>,
    /// Feasible instances by per-instance key; positions sorted (= id order).
    groups: BTreeMap<Key, Vec<u32>>,
    feasible: usize,
}

struct Shape {
    request: Request,
    chain: Vec<Box<dyn Filter>>,
    steps: Vec<Step>,
    /// A `random` strategy follows the ranked ones.
    random: bool,
    attrs: Vec<Attr>,
    membership: u64,
    cursor: u64,
    ids: Vec<String>,
    position: BTreeMap<String, u32>,
    slots: Vec<Slot>,
    cells: Vec<Cell>,
    cell_of: BTreeMap<Vec<u32>, u32>,
    feasible: usize,
    /// Scratch: the cells tied for best.
    tied: Vec<u32>,
}

impl Shape {
    fn new(request: &Request, instances: &Instances, epoch_unix: i64) -> Option<Shape> {
        let chain = filters(request).ok()?;
        let mut steps = Vec::new();
        let mut attrs = Vec::new();
        let mut random = false;
        let mut per_instance = 0;
        for s in &request.strategies {
            match s {
                Strategy::Random => {
                    random = true;
                    break;
                }
                Strategy::Binpack { field } => {
                    steps.push(Step::Binpack(*field, per_instance));
                    per_instance += 1;
                }
                Strategy::Spread { field } if field == "instanceId" || field == "host" => {
                    steps.push(Step::SpreadInstance(per_instance));
                    per_instance += 1;
                }
                Strategy::Spread { field } => {
                    steps.push(Step::Attr(attrs.len()));
                    attrs.push(Attr { field: field.clone(), index: BTreeMap::new(), values: Vec::new(), counts: Vec::new() });
                }
            }
        }
        if steps.len() > MAX_RANKED {
            return None;
        }
        let mut request = request.clone();
        request.task.clear();
        let mut shape = Shape {
            request,
            chain,
            steps,
            random,
            attrs,
            membership: 0,
            cursor: 0,
            ids: Vec::new(),
            position: BTreeMap::new(),
            slots: Vec::new(),
            cells: Vec::new(),
            cell_of: BTreeMap::new(),
            feasible: 0,
            tied: Vec::new(),
        };
        shape.rebuild(instances, epoch_unix);
        Some(shape)
    }

    fn matches(&self, r: &Request) -> bool {
        let s = &self.request;
        s.group == r.group && s.cpu == r.cpu && s.memory == r.memory && s.needs_eni == r.needs_eni && s.host_ports == r.host_ports && s.strategies == r.strategies && s.constraints == r.constraints
    }

    fn rebuild(&mut self, instances: &Instances, epoch_unix: i64) {
        for a in &mut self.attrs {
            a.index.clear();
            a.values.clear();
            a.counts.clear();
        }
        self.cells.clear();
        self.cell_of.clear();
        self.feasible = 0;
        self.ids = instances.keys().cloned().collect();
        self.position = sort::collect_map(self.ids.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)));
        self.slots = vec![Slot::default(); self.ids.len()];
        for (p, inst) in instances.values().enumerate() {
            self.enter(p as u32, inst, instances, epoch_unix);
        }
        self.membership = instances.membership();
        self.cursor = instances.seq();
    }

    /// Bring the index up to date with the journal.
    fn sync(&mut self, instances: &Instances, epoch_unix: i64) {
        if self.membership != instances.membership() {
            return self.rebuild(instances, epoch_unix);
        }
        let Some(changes) = instances.changes_since(self.cursor) else {
            return self.rebuild(instances, epoch_unix);
        };
        let mut touched: Vec<u32> = Vec::new();
        for c in changes {
            let id = match c {
                Change::Touched { id, .. } | Change::Placed { id, .. } => id,
                Change::All { .. } => return self.rebuild(instances, epoch_unix),
            };
            match self.position.get(id.as_str()) {
                Some(&p) => touched.push(p),
                None => return self.rebuild(instances, epoch_unix),
            }
        }
        sort::sort(&mut touched);
        touched.dedup();
        for p in touched {
            let Some(inst) = instances.get(&self.ids[p as usize]) else { return self.rebuild(instances, epoch_unix) };
            self.leave(p);
            self.enter(p, inst, instances, epoch_unix);
        }
        self.cursor = instances.seq();
    }

    /// Add instance `p`'s current state.
    fn enter(&mut self, p: u32, inst: &ContainerInstance, instances: &Instances, epoch_unix: i64) {
        let group = &self.request.group;
        let contrib = inst.group_count(group);
        let mut vals = Vec::with_capacity(self.attrs.len());
        for a in &mut self.attrs {
            let v = strategy_spread::value_of(&a.field, inst);
            let i = match a.index.get(v) {
                Some(&i) => i,
                None => {
                    let i = a.values.len() as u32;
                    a.index.insert(v.to_string(), i);
                    a.values.push(v.to_string());
                    a.counts.push(0);
                    i
                }
            };
            a.counts[i as usize] += contrib;
            vals.push(i);
        }
        let cell = match self.cell_of.get(&vals) {
            Some(&c) => c,
            None => {
                let c = self.cells.len() as u32;
                self.cell_of.insert(vals.clone(), c);
                self.cells.push(Cell { vals, groups: BTreeMap::new(), feasible: 0 });
                c
            }
        };
        let ctx = Ctx { request: &self.request, instances, epoch_unix };
        let feasible = self.chain.iter().all(|f| f.check(inst, &ctx).is_ok());
        let mut key = [0i64; MAX_RANKED];
        for s in &self.steps {
            match *s {
                Step::Attr(_) => {}
                Step::Binpack(field, k) => key[k] = strategy_binpack::left_after(field, inst, &self.request) as i64,
                Step::SpreadInstance(k) => key[k] = contrib as i64,
            }
        }
        if feasible {
            let c = &mut self.cells[cell as usize];
            let g = c.groups.entry(key).or_default();
            let at = g.partition_point(|&x| x < p);
            g.insert(at, p);
            c.feasible += 1;
            self.feasible += 1;
        }
        self.slots[p as usize] = Slot { feasible, cell, key, contrib };
    }

    /// Take instance `p`'s recorded state out.
    fn leave(&mut self, p: u32) {
        let slot = self.slots[p as usize];
        let cell = &mut self.cells[slot.cell as usize];
        for (a, &v) in self.attrs.iter_mut().zip(&cell.vals) {
            a.counts[v as usize] -= slot.contrib;
        }
        if slot.feasible {
            if let Some(g) = cell.groups.get_mut(&slot.key) {
                if let Ok(at) = g.binary_search(&p) {
                    g.remove(at);
                }
                if g.is_empty() {
                    cell.groups.remove(&slot.key);
                }
            }
            cell.feasible -= 1;
            self.feasible -= 1;
        }
    }

    /// A cell's best full key (strategy order), or `None` if nothing in it fits.
    fn cell_key(&self, c: &Cell) -> Option<Key> {
        let (first, _) = c.groups.first_key_value()?;
        let mut key = [0i64; MAX_RANKED];
        for (j, s) in self.steps.iter().enumerate() {
            key[j] = match *s {
                Step::Attr(a) => self.attrs[a].counts[c.vals[a] as usize] as i64,
                Step::Binpack(_, k) | Step::SpreadInstance(k) => first[k],
            };
        }
        Some(key)
    }

    /// How many feasible instances agree with `best` on the first `j` strategies.
    fn prefix_count(&self, best: &Key, j: usize) -> usize {
        let mut n = 0;
        for c in &self.cells {
            if c.feasible == 0 {
                continue;
            }
            let mut per_instance = Vec::new();
            let mut same = true;
            for (i, s) in self.steps[..j].iter().enumerate() {
                match *s {
                    Step::Attr(a) => same &= self.attrs[a].counts[c.vals[a] as usize] as i64 == best[i],
                    Step::Binpack(_, k) | Step::SpreadInstance(k) => per_instance.push((k, best[i])),
                }
            }
            if !same {
                continue;
            }
            if per_instance.is_empty() {
                n += c.feasible;
                continue;
            }
            // Keys are ordered by their per-instance values in strategy order, and none in a cell
            // that agrees on the attributes can beat `best`: the matches come first.
            for (key, g) in &c.groups {
                if per_instance.iter().all(|&(k, v)| key[k] == v) {
                    n += g.len();
                } else {
                    break;
                }
            }
        }
        n
    }

    fn choose(&mut self, request: &Request, instances: &Instances, epoch_unix: i64, rng: PlacementRng) -> Placement {
        if self.feasible == 0 {
            return Placement::Full(super::place(request, instances, epoch_unix, rng));
        }
        let mut best: Option<Key> = None;
        let mut tied = std::mem::take(&mut self.tied);
        tied.clear();
        for (i, c) in self.cells.iter().enumerate() {
            let Some(k) = self.cell_key(c) else { continue };
            match best {
                Some(b) if k > b => {}
                Some(b) if k == b => tied.push(i as u32),
                _ => {
                    best = Some(k);
                    tied.clear();
                    tied.push(i as u32);
                }
            }
        }
        let Some(best) = best else {
            self.tied = tied;
            return Placement::Full(super::place(request, instances, epoch_unix, rng));
        };
        let lists: Vec<&Vec<u32>> = tied.iter().filter_map(|&c| self.cells[c as usize].groups.first_key_value().map(|(_, g)| g)).collect();
        let size: usize = lists.iter().map(|g| g.len()).sum();
        let pick = if size > 1 {
            if self.random {
                rng.random_strategy.pick(size)
            } else {
                rng.tie_break.pick(size)
            }
        } else {
            0
        };
        let chosen = nth_of_union(&lists, pick);
        drop(lists);
        self.tied = tied;
        let id = &self.ids[chosen as usize];
        let Some(inst) = instances.get(id) else {
            return Placement::Full(super::place(request, instances, epoch_unix, rng));
        };

        // Which strategy ran last (a strategy runs while more than one candidate is left).
        let m = self.steps.len();
        let last = if self.random && size > 1 {
            Some(m)
        } else if size > 1 {
            m.checked_sub(1)
        } else if self.feasible <= 1 {
            None
        } else {
            (1..m).rev().find(|&j| self.prefix_count(&best, j) > 1).or(Some(0)).filter(|_| m > 0)
        };
        let why = match last {
            None => super::ONLY_FIT.to_string(),
            // `j` is at most the index of the first `random`, so always a strategy of the request.
            Some(j) => {
                let group = &request.group;
                let strategy = request.strategies.get(j).cloned().unwrap_or(Strategy::Random);
                let shown = match (self.steps.get(j), &strategy) {
                    (None, _) => "drawn".to_string(),
                    (Some(Step::Attr(a)), _) => {
                        let attr = &self.attrs[*a];
                        let v = self.cells[self.slots[chosen as usize].cell as usize].vals[*a];
                        spread_shown(&attr.field, &attr.values[v as usize], attr.counts[v as usize], group)
                    }
                    (Some(Step::SpreadInstance(_)), Strategy::Spread { field }) => spread_shown(field, "", inst.group_count(group), group),
                    (Some(Step::SpreadInstance(_)), _) => spread_shown("instanceId", "", inst.group_count(group), group),
                    (Some(Step::Binpack(field, _)), _) => super::binpack_shown(*field, strategy_binpack::left_after(*field, inst, request)),
                };
                format!("{strategy}: {shown}")
            }
        };
        let why = if size > 1 && !self.random { format!("{why}; tie-break among {size}") } else { why };
        Placement::Placed { instance: id.clone(), host_ports: super::filter_ports::assign(request, inst), why }
    }
}

/// The `n`th smallest of the union of disjoint sorted lists.
fn nth_of_union(lists: &[&Vec<u32>], n: usize) -> u32 {
    if let [only] = lists {
        return only[n];
    }
    // The smallest x with more than n elements ≤ x.
    let (mut lo, mut hi) = (0u32, lists.iter().filter_map(|g| g.last()).copied().max().unwrap_or(0));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let below: usize = lists.iter().map(|g| g.partition_point(|&x| x <= mid)).sum();
        if below > n {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}
