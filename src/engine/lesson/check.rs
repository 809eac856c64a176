//! The goal checker: evaluates goals against a running engine, one observation at a time.
//!
//! The shell (the lesson runner natively, the page in the browser) calls [`Checker::observe`]
//! after every engine step and every applied action. Plain goals are judged on the latest
//! observation; `throughout` remembers the first observation where its goal failed, `eventually`
//! the first where it held, and `event` goals count matching events as they arrive. Pure: no I/O,
//! no clock, ordered iteration only.

use serde_json::Value;

use super::goal::{usd, Cmp, DeploymentMetric, Direction, Goal, GoalKind, InstanceFilter, Metric, NodeFilter, PodFilter, ServiceCheck, TaskFilter, TdCheck, TdOf};
use crate::engine::k8s::sim::{KubeView, NodeView, PodView};
use crate::engine::sim::Engine;
use crate::engine::snapshot::{Snapshot, TaskView};
use crate::engine::sort;
use crate::engine::task::TaskStatus;
use crate::engine::time::{Clock, Millis};

/// What one goal looked like at one observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub ok: bool,
    /// What was seen, ending with the time: `4 at 00:05:00`, `web-3 is on i-02 (t3.medium, us-east-1b) at 00:01:00`.
    pub actual: String,
    /// For numeric goals: the value as shown and, if the goal failed, which way it missed.
    pub measured: Option<(String, Direction)>,
}

impl Outcome {
    fn new(ok: bool, actual: String) -> Self {
        Outcome { ok, actual, measured: None }
    }
}

/// A goal's standing for the learner's checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalStatus {
    /// The label, or the generated description.
    pub title: String,
    pub ok: bool,
    /// `✓`-side: `≥ 6 running tasks of web: 6 at 00:05:00`; `✗`-side:
    /// `expected ≥ 6 running tasks of web; 4 at 00:05:00`.
    pub message: String,
    /// The result can no longer change: a `throughout` goal that failed, an `eventually` goal
    /// that held.
    pub settled: bool,
}

/// Per-goal memory between observations, shaped like the goal tree.
#[derive(Debug, Clone)]
enum State {
    Leaf,
    Many(Vec<State>),
    One(Box<State>),
    /// `since`: the first observation where the goal held; `failed`: the first after that where
    /// it did not.
    Throughout { inner: Box<State>, failed: Option<Outcome>, since: Option<Millis> },
    Eventually { inner: Box<State>, met: Option<Millis> },
    Event { count: u64, first: Option<Millis> },
}

fn state_for(g: &Goal) -> State {
    match &g.kind {
        GoalKind::All(gs) | GoalKind::Any(gs) => State::Many(gs.iter().map(state_for).collect()),
        GoalKind::Not(g) => State::One(Box::new(state_for(g))),
        GoalKind::Throughout(g) => State::Throughout {
            inner: Box::new(state_for(g)),
            failed: None,
            since: None,
        },
        GoalKind::Eventually(g) => State::Eventually {
            inner: Box::new(state_for(g)),
            met: None,
        },
        GoalKind::Event { .. } => State::Event { count: 0, first: None },
        _ => State::Leaf,
    }
}

/// One observation of the engine.
struct Obs<'a> {
    engine: &'a Engine,
    snap: &'a Snapshot,
    now: Millis,
    clock: String,
    /// Events since the previous observation, as their JSON objects, with their times.
    new_events: &'a [(Millis, Value)],
}

/// Evaluates a list of goals over a run.
#[derive(Debug, Clone)]
pub struct Checker {
    goals: Vec<Goal>,
    states: Vec<State>,
    last: Vec<Outcome>,
    events_seen: usize,
    observations: u64,
    now: Millis,
}

impl Checker {
    pub fn new(goals: Vec<Goal>) -> Self {
        let states = goals.iter().map(state_for).collect();
        Checker {
            goals,
            states,
            last: Vec::new(),
            events_seen: 0,
            observations: 0,
            now: 0,
        }
    }

    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// How many times [`Checker::observe`] ran.
    pub fn observations(&self) -> u64 {
        self.observations
    }

    /// Looks at the engine now: call after every step and every applied action.
    pub fn observe(&mut self, engine: &Engine) {
        let snap = engine.snapshot();
        let events = engine.events();
        if events.len() < self.events_seen {
            // A different engine (restarted): its events are all new.
            self.events_seen = 0;
        }
        let new_events: Vec<(Millis, Value)> = events[self.events_seen..].iter().map(|e| (e.t, serde_json::to_value(e).unwrap_or(Value::Null))).collect();
        self.events_seen = events.len();
        let now = engine.now();
        let obs = Obs {
            engine,
            snap: &snap,
            now,
            clock: Clock(now).to_string(),
            new_events: &new_events,
        };
        self.last = self.goals.iter().zip(self.states.iter_mut()).map(|(g, s)| eval(g, s, &obs)).collect();
        self.observations += 1;
        self.now = now;
    }

    /// Each goal's standing at the latest observation.
    pub fn status(&self) -> Vec<GoalStatus> {
        self.goals
            .iter()
            .enumerate()
            .map(|(i, g)| match self.last.get(i) {
                Some(o) => GoalStatus {
                    title: g.title(),
                    ok: o.ok,
                    message: message(g, o),
                    settled: settled(g, &self.states[i]),
                },
                None => GoalStatus {
                    title: g.title(),
                    ok: false,
                    message: format!("expected {}; not checked yet", g.describe()),
                    settled: false,
                },
            })
            .collect()
    }

    /// Every goal holds at the latest observation.
    pub fn all_met(&self) -> bool {
        !self.last.is_empty() && self.last.iter().all(|o| o.ok)
    }
}

/// The sentence for a goal's outcome.
pub fn message(g: &Goal, o: &Outcome) -> String {
    if o.ok {
        format!("{}: {}", g.describe(), o.actual)
    } else {
        format!("expected {}; {}", g.describe(), o.actual)
    }
}

fn settled(g: &Goal, s: &State) -> bool {
    match (&g.kind, s) {
        (GoalKind::Throughout(_), State::Throughout { failed, .. }) => failed.is_some(),
        (GoalKind::Eventually(_), State::Eventually { met, .. }) => met.is_some(),
        _ => false,
    }
}

fn numeric(cmp: &Cmp, value: f64, shown: String, clock: &str) -> Outcome {
    let fail = cmp.failing(value);
    Outcome {
        ok: fail.is_none(),
        actual: format!("{shown} at {clock}"),
        measured: Some((shown, fail.map_or(Direction::Other, |(op, _)| op.direction()))),
    }
}

fn eval(g: &Goal, s: &mut State, o: &Obs) -> Outcome {
    match (&g.kind, s) {
        (GoalKind::All(gs), State::Many(ss)) => {
            let outs: Vec<Outcome> = gs.iter().zip(ss.iter_mut()).map(|(g, s)| eval(g, s, o)).collect();
            let failing: Vec<String> = gs.iter().zip(&outs).filter(|(_, out)| !out.ok).map(|(g, out)| format!("{} ({})", g.describe(), out.actual)).collect();
            if failing.is_empty() {
                Outcome::new(true, format!("all {} hold at {}", gs.len(), o.clock))
            } else {
                let measured = if gs.len() == 1 { outs[0].measured.clone() } else { None };
                Outcome {
                    ok: false,
                    actual: format!("not met: {}", failing.join(", ")),
                    measured,
                }
            }
        }
        (GoalKind::Any(gs), State::Many(ss)) => {
            let outs: Vec<Outcome> = gs.iter().zip(ss.iter_mut()).map(|(g, s)| eval(g, s, o)).collect();
            match gs.iter().zip(&outs).find(|(_, out)| out.ok) {
                Some((g, out)) => Outcome::new(true, format!("{} ({})", g.describe(), out.actual)),
                None => Outcome::new(false, format!("none held: {}", gs.iter().zip(&outs).map(|(g, x)| format!("{} ({})", g.describe(), x.actual)).collect::<Vec<_>>().join(", "))),
            }
        }
        (GoalKind::Not(inner), State::One(s)) => {
            let out = eval(inner, s, o);
            Outcome {
                ok: !out.ok,
                actual: out.actual,
                measured: None,
            }
        }
        (GoalKind::Throughout(inner), State::Throughout { inner: s, failed, since }) => {
            let out = eval(inner, s, o);
            // It counts from the first observation where it holds (tasks need a few seconds to
            // start, so "≥ 6 running" cannot hold at t = 0); from then on every one must hold.
            if out.ok && since.is_none() {
                *since = Some(o.now);
            }
            if !out.ok && since.is_some() && failed.is_none() {
                *failed = Some(out.clone());
            }
            let Some(since) = *since else {
                return Outcome::new(false, format!("never held ({})", out.actual));
            };
            match failed {
                Some(f) => {
                    let actual = match &f.measured {
                        Some((_, Direction::Down)) => format!("dropped to {}", f.actual),
                        Some((_, Direction::Up)) => format!("rose to {}", f.actual),
                        _ => f.actual.clone(),
                    };
                    Outcome {
                        ok: false,
                        actual,
                        measured: f.measured.clone(),
                    }
                }
                None => Outcome::new(true, format!("held from {} to {}", Clock(since), o.clock)),
            }
        }
        (GoalKind::Eventually(inner), State::Eventually { inner: s, met }) => {
            let out = eval(inner, s, o);
            if out.ok && met.is_none() {
                *met = Some(o.now);
            }
            match met {
                Some(t) => Outcome::new(true, format!("first held at {}", Clock(*t))),
                None => Outcome::new(false, format!("never held ({})", out.actual)),
            }
        }
        (GoalKind::Event { fields, times }, State::Event { count, first }) => {
            for (t, ev) in o.new_events {
                if fields.iter().all(|(k, want)| field_matches(ev.get(k), want)) {
                    *count += 1;
                    first.get_or_insert(*t);
                }
            }
            let default_times = times.0 == [(super::goal::Op::Ge, 1.0)];
            if default_times {
                match first {
                    Some(t) => Outcome::new(true, format!("happened at {}", Clock(*t))),
                    None => Outcome::new(false, format!("none by {}", o.clock)),
                }
            } else {
                let mut out = numeric(times, *count as f64, count.to_string(), &o.clock);
                out.actual = format!("{count} by {}", o.clock);
                out
            }
        }
        (kind, _) => eval_atom(kind, o),
    }
}

/// An event's field against the goal's value: equal, or (for a list field) contains it.
fn field_matches(got: Option<&Value>, want: &Value) -> bool {
    match (got, want) {
        (None, _) => false,
        (Some(Value::Array(items)), w) if !w.is_array() => items.contains(w),
        (Some(Value::Number(a)), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Some(g), w) => g == w,
    }
}

fn family_of(task_definition: &str) -> &str {
    task_definition.rsplit_once(':').map_or(task_definition, |(f, _)| f)
}

fn status_name(t: &TaskView) -> String {
    match serde_json::to_value(t.last_status) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

fn one_of(list: &Option<Vec<String>>, value: Option<&str>) -> bool {
    match list {
        None => true,
        Some(l) => value.is_some_and(|v| l.iter().any(|x| x == v)),
    }
}

fn instance_type_of<'a>(snap: &'a Snapshot, t: &TaskView) -> Option<&'a str> {
    let id = t.instance.as_deref()?;
    snap.instances.iter().find(|i| i.id == id).map(|i| i.instance_type.as_str())
}

fn selected(f: &TaskFilter, t: &TaskView) -> bool {
    f.service.as_ref().is_none_or(|s| t.service.as_deref() == Some(s.as_str()))
        && f.task.as_ref().is_none_or(|id| &t.id == id)
        && f.family.as_ref().is_none_or(|fam| family_of(&t.task_definition) == fam)
        && f.task_definition.as_ref().is_none_or(|td| &t.task_definition == td)
        && match &f.status {
            Some(_) => one_of(&f.status, Some(&status_name(t))),
            None => kept(t),
        }
}

/// A task counts (without a `status` filter) when it is placed and not on its way out: not
/// STOPPED, and its desired status is RUNNING.
fn kept(t: &TaskView) -> bool {
    t.desired_status == TaskStatus::Running
}

fn placed_as(f: &TaskFilter, engine: &Engine, snap: &Snapshot, t: &TaskView) -> bool {
    one_of(&f.capacity_provider, engine.tasks().get(&t.id).and_then(|x| x.capacity_provider.as_deref()))
        && one_of(&f.instance, t.instance.as_deref())
        && one_of(&f.instance_type, instance_type_of(snap, t))
        && one_of(&f.az, Some(&t.az))
        && f.launch_type.as_ref().is_none_or(|l| l.eq_ignore_ascii_case(&t.launch_type))
}

fn where_is(snap: &Snapshot, t: &TaskView) -> String {
    match (&t.instance, instance_type_of(snap, t)) {
        (Some(i), Some(ty)) => format!("{} is on {i} ({ty}, {})", t.id, t.az),
        (Some(i), None) => format!("{} is on {i} ({})", t.id, t.az),
        (None, _) => format!("{} is on {} in {}", t.id, t.launch_type, t.az),
    }
}

fn live_of<'a>(snap: &'a Snapshot, service: &'a str) -> impl Iterator<Item = &'a TaskView> + 'a {
    snap.tasks.iter().filter(move |t| t.service.as_deref() == Some(service) && kept(t))
}

fn instance_matches(f: &InstanceFilter, snap: &Snapshot, i: &crate::engine::snapshot::InstanceView) -> bool {
    one_of(&f.instance_type, Some(&i.instance_type))
        && one_of(&f.az, Some(&i.az))
        && f.service
            .as_ref()
            .is_none_or(|s| i.tasks.iter().any(|id| snap.tasks.iter().any(|t| &t.id == id && t.service.as_deref() == Some(s.as_str()) && kept(t))))
        && f.empty.is_none_or(|e| e == i.tasks.is_empty())
        && one_of(&f.group, attribute(i, "aws:autoscaling:groupName"))
        && f.spot.is_none_or(|s| s == (attribute(i, "lifecycle") == Some("spot")))
}

fn attribute<'a>(i: &'a crate::engine::snapshot::InstanceView, name: &str) -> Option<&'a str> {
    i.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn eval_atom(kind: &GoalKind, o: &Obs) -> Outcome {
    let snap = o.snap;
    let clock = o.clock.as_str();
    match kind {
        GoalKind::Service { service, checks } => {
            let Some(sv) = snap.services.iter().find(|s| &s.name == service) else {
                return Outcome::new(false, format!("there is no service {service} at {clock}"));
            };
            let mut parts = Vec::new();
            let mut first_fail: Option<Outcome> = None;
            for c in checks {
                let out = match c {
                    ServiceCheck::Metric(m, cmp) => {
                        let v = match m {
                            Metric::Running => sv.running,
                            Metric::Pending => sv.pending,
                            Metric::Placed => live_of(snap, service).count() as u32,
                            Metric::Desired => sv.desired,
                            Metric::Unplaced => sv.unplaced,
                            Metric::Revision => sv.task_definition.rsplit_once(':').and_then(|(_, r)| r.parse().ok()).unwrap_or(0),
                            Metric::Current => {
                                live_of(snap, service).filter(|t| t.last_status == TaskStatus::Running && t.task_definition == sv.task_definition).count() as u32
                            }
                        };
                        let out = numeric(cmp, v as f64, v.to_string(), clock);
                        let name = Metric::ALL.iter().find(|(_, x)| x == m).map_or("", |(n, _)| n);
                        parts.push(format!("{name} {v}"));
                        out
                    }
                    ServiceCheck::TaskDefinition(td) => {
                        let ok = if td.contains(':') { &sv.task_definition == td } else { family_of(&sv.task_definition) == td };
                        parts.push(format!("runs {}", sv.task_definition));
                        Outcome::new(ok, format!("{service} runs {} at {clock}", sv.task_definition))
                    }
                };
                if !out.ok && first_fail.is_none() {
                    first_fail = Some(out.clone());
                }
                if checks.len() == 1 {
                    return out;
                }
            }
            let actual = format!("{} at {clock}", parts.join(", "));
            match first_fail {
                Some(f) => Outcome {
                    ok: false,
                    actual,
                    measured: f.measured,
                },
                None => Outcome::new(true, actual),
            }
        }
        GoalKind::Tasks { filter, cmp } => {
            let n = snap.tasks.iter().filter(|t| selected(filter, t) && placed_as(filter, o.engine, snap, t)).count();
            numeric(cmp, n as f64, n.to_string(), clock)
        }
        GoalKind::TaskOn { filter } => {
            let mine: Vec<&TaskView> = snap.tasks.iter().filter(|t| selected(filter, t)).collect();
            if mine.is_empty() {
                let who = super::goal::selection_text(filter);
                let who = if filter.task.is_some() && !(filter.service.is_some() || filter.family.is_some() || filter.task_definition.is_some()) {
                    format!("{who} is not running")
                } else {
                    format!("there is no task {who}")
                };
                return Outcome::new(false, format!("{who} at {clock}"));
            }
            match mine.iter().find(|t| !placed_as(filter, o.engine, snap, t)) {
                Some(t) => Outcome::new(false, format!("{} at {clock}", where_is(snap, t))),
                None if mine.len() == 1 => Outcome::new(true, format!("{} at {clock}", where_is(snap, mine[0]))),
                None => Outcome::new(true, format!("{} tasks at {clock}", mine.len())),
            }
        }
        GoalKind::TasksPerAz { service, cmp } => {
            let mut azs: Vec<String> = snap.availability_zones.clone();
            for t in live_of(snap, service) {
                if !azs.contains(&t.az) {
                    azs.push(t.az.clone());
                }
            }
            let counts: Vec<(String, usize)> = azs.iter().map(|az| (az.clone(), live_of(snap, service).filter(|t| &t.az == az).count())).collect();
            per_place(cmp, &counts, clock)
        }
        GoalKind::TasksPerInstance { service, cmp } => {
            let counts: Vec<(String, usize)> = snap
                .instances
                .iter()
                .map(|i| (i.id.clone(), live_of(snap, service).filter(|t| t.instance.as_deref() == Some(i.id.as_str())).count()))
                .collect();
            if counts.is_empty() {
                return Outcome::new(true, format!("no instances at {clock}"));
            }
            per_place(cmp, &counts, clock)
        }
        GoalKind::Unplaced { service, cmp } => {
            let n: u32 = snap
                .unplaced
                .iter()
                .filter(|u| service.as_ref().is_none_or(|s| u.service.as_deref() == Some(s.as_str())))
                .map(|u| u.count)
                .sum();
            numeric(cmp, n as f64, n.to_string(), clock)
        }
        GoalKind::Instances { filter, cmp } => {
            let n = snap.instances.iter().filter(|i| instance_matches(filter, snap, i)).count();
            numeric(cmp, n as f64, n.to_string(), clock)
        }
        GoalKind::HourlyCost(cmp) => {
            let total = snap.cost.hourly_usd;
            numeric(cmp, total, usd(total), clock)
        }
        GoalKind::Metric { name, cmp } => match o.engine.metrics().latest(name) {
            Some((_, v)) => numeric(cmp, v, format!("{}", (v * 100.0).round() / 100.0), clock),
            None => Outcome::new(false, format!("no datapoint of {name} yet at {clock}")),
        },
        GoalKind::TaskDefinition { of: TdOf::Family(family), checks } => eval_task_definition(o.engine, family, None, checks, clock),
        GoalKind::TaskDefinition { of: TdOf::Service(service), checks } => {
            let Some(sv) = snap.services.iter().find(|s| &s.name == service) else {
                return Outcome::new(false, format!("there is no service {service} at {clock}"));
            };
            let (family, revision) = match sv.task_definition.rsplit_once(':') {
                Some((f, r)) => (f, r.parse::<u32>().ok()),
                None => (sv.task_definition.as_str(), None),
            };
            eval_task_definition(o.engine, family, Some(revision.unwrap_or(0)), checks, clock)
        }
        GoalKind::Deployment { name, namespace, checks } => eval_deployment(snap.kube.as_ref(), name, namespace.as_deref(), checks, clock),
        GoalKind::Pods { filter, cmp } => {
            let n = snap.kube.as_ref().map_or(0, |kv| kv.pods.iter().filter(|p| pod_selected(filter, kv, p) && pod_placed(filter, kv, p)).count());
            numeric(cmp, n as f64, n.to_string(), clock)
        }
        GoalKind::PodOn { filter } => {
            let Some(kv) = snap.kube.as_ref() else {
                return Outcome::new(false, format!("there is no Kubernetes cluster at {clock}"));
            };
            let mine: Vec<&PodView> = kv.pods.iter().filter(|p| pod_selected(filter, kv, p)).collect();
            if mine.is_empty() {
                return Outcome::new(false, format!("there is no pod{} at {clock}", super::goal::pod_selection_text(filter)));
            }
            match mine.iter().find(|p| !pod_placed(filter, kv, p)) {
                Some(p) => Outcome::new(false, format!("{} at {clock}", pod_where(kv, p))),
                None if mine.len() == 1 => Outcome::new(true, format!("{} at {clock}", pod_where(kv, mine[0]))),
                None => Outcome::new(true, format!("{} pods at {clock}", mine.len())),
            }
        }
        GoalKind::PodsPerNode { filter, cmp } => {
            let Some(kv) = snap.kube.as_ref() else {
                return Outcome::new(false, format!("there is no Kubernetes cluster at {clock}"));
            };
            let counts: Vec<(String, usize)> = kv
                .nodes
                .iter()
                .map(|n| (n.name.clone(), kv.pods.iter().filter(|p| p.node.as_deref() == Some(n.name.as_str()) && pod_selected(filter, kv, p)).count()))
                .collect();
            if counts.is_empty() {
                return Outcome::new(true, format!("no nodes at {clock}"));
            }
            per_place(cmp, &counts, clock)
        }
        GoalKind::PodsPerZone { filter, cmp } => {
            let Some(kv) = snap.kube.as_ref() else {
                return Outcome::new(false, format!("there is no Kubernetes cluster at {clock}"));
            };
            let mut zones: Vec<String> = snap.availability_zones.clone();
            for n in &kv.nodes {
                if !n.zone.is_empty() && !zones.contains(&n.zone) {
                    zones.push(n.zone.clone());
                }
            }
            let counts: Vec<(String, usize)> = zones
                .iter()
                .map(|z| {
                    let n = kv.pods.iter().filter(|p| pod_selected(filter, kv, p) && node_of(kv, p).is_some_and(|n| &n.zone == z)).count();
                    (z.clone(), n)
                })
                .collect();
            per_place(cmp, &counts, clock)
        }
        GoalKind::Endpoints { service, namespace, ready, cmp } => {
            let found = snap.kube.as_ref().and_then(|kv| kv.services.iter().find(|s| &s.name == service && namespace.as_ref().is_none_or(|ns| &s.namespace == ns)));
            let Some(sv) = found else {
                let ns = namespace.as_ref().map(|n| format!(" in namespace {n}")).unwrap_or_default();
                return Outcome::new(false, format!("there is no Service {service}{ns} at {clock}"));
            };
            let n = sv.endpoints.iter().filter(|e| ready.is_none_or(|r| e.ready == r)).count();
            let mut out = numeric(cmp, n as f64, n.to_string(), clock);
            if n == 0 && sv.endpoints.is_empty() && !out.ok {
                // Say why: a selector that matches no pod is the usual mistake.
                let sel: Vec<String> = sv.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
                out.actual = format!("0 at {clock} (its selector {} matches no pod)", if sel.is_empty() { "(none)".to_string() } else { sel.join(",") });
            }
            out
        }
        GoalKind::Nodes { filter, cmp } => {
            let n = snap.kube.as_ref().map_or(0, |kv| kv.nodes.iter().filter(|n| node_matches(filter, n)).count());
            numeric(cmp, n as f64, n.to_string(), clock)
        }
        // Composite kinds are handled in `eval`; a state mismatch cannot happen, but stay panic-free.
        _ => Outcome::new(false, format!("not checked at {clock}")),
    }
}

/// Every place's count against `cmp`; the first that misses is reported.
fn per_place(cmp: &Cmp, counts: &[(String, usize)], clock: &str) -> Outcome {
    for (place, n) in counts {
        if cmp.failing(*n as f64).is_some() {
            // No "dropped to" / "rose to" in front of "us-east-1b has 3": the sentence says it.
            return Outcome { ok: false, actual: format!("{place} has {n} at {clock}"), measured: Some((n.to_string(), Direction::Other)) };
        }
    }
    let all: Vec<String> = counts.iter().map(|(p, n)| format!("{p} {n}")).collect();
    Outcome::new(true, format!("{} at {clock}", all.join(", ")))
}

/// `revision`: that revision of the family (the one a service points at), else the latest.
fn eval_task_definition(engine: &Engine, family: &str, revision: Option<u32>, checks: &[TdCheck], clock: &str) -> Outcome {
    let revs = engine.task_definitions(family);
    let found = match revision {
        Some(r) => revs.iter().find(|td| td.revision == r),
        None => revs.last(),
    };
    let Some(td) = found else {
        let ok = checks.iter().all(|c| matches!(c, TdCheck::Valid(false)));
        return Outcome::new(ok, format!("no revision of {family} is registered at {clock}"));
    };
    let key = td.key();
    for c in checks {
        let fail = match c {
            TdCheck::Valid(b) => (!*b).then(|| Outcome::new(false, format!("{key} is registered at {clock}"))),
            TdCheck::Revision(cmp) => {
                let out = numeric(cmp, td.revision as f64, td.revision.to_string(), clock);
                (!out.ok).then(|| Outcome {
                    actual: format!("{} {key} at {clock}", if revision.is_some() { "the service runs" } else { "the latest is" }),
                    ..out
                })
            }
            TdCheck::Fargate(b) => (td.is_fargate() != *b).then(|| {
                let what = if td.is_fargate() {
                    "is Fargate-compatible"
                } else {
                    "is not Fargate-compatible (requiresCompatibilities has no FARGATE)"
                };
                Outcome::new(false, format!("{key} {what} at {clock}"))
            }),
            TdCheck::Cpu(cmp) => {
                let v = td.reserved_cpu();
                let out = numeric(cmp, v as f64, v.to_string(), clock);
                (!out.ok).then(|| Outcome {
                    actual: format!("{key} reserves {v} CPU units at {clock}"),
                    ..out
                })
            }
            TdCheck::Memory(cmp) => {
                let v = td.reserved_memory();
                let out = numeric(cmp, v as f64, v.to_string(), clock);
                (!out.ok).then(|| Outcome {
                    actual: format!("{key} reserves {v} MiB at {clock}"),
                    ..out
                })
            }
            TdCheck::Containers(cmp) => {
                let v = td.container_definitions.len();
                let out = numeric(cmp, v as f64, v.to_string(), clock);
                (!out.ok).then(|| Outcome {
                    actual: format!("{key} has {v} container(s) at {clock}"),
                    ..out
                })
            }
            TdCheck::EssentialContainers(cmp) => {
                let v = td.container_definitions.iter().filter(|c| c.essential).count();
                let out = numeric(cmp, v as f64, v.to_string(), clock);
                (!out.ok).then(|| Outcome {
                    actual: format!("{key} has {v} essential container(s) at {clock}"),
                    ..out
                })
            }
            TdCheck::Essential(names) => {
                let mut want: Vec<&str> = names.iter().map(String::as_str).collect();
                let mut have: Vec<&str> = td.container_definitions.iter().filter(|c| c.essential).map(|c| c.name.as_str()).collect();
                sort::sort(&mut want);
                sort::sort(&mut have);
                (want != have).then(|| {
                    let shown = if have.is_empty() { "none".to_string() } else { have.join(", ") };
                    Outcome::new(false, format!("{key}'s essential containers are {shown} at {clock}"))
                })
            }
            TdCheck::NetworkMode(m) => (td.network_mode.as_str() != m).then(|| Outcome::new(false, format!("{key} uses network mode {} at {clock}", td.network_mode.as_str()))),
            TdCheck::Image(i) => (!td.container_definitions.iter().any(|c| &c.image == i)).then(|| {
                let images: Vec<&str> = td.container_definitions.iter().map(|c| c.image.as_str()).collect();
                Outcome::new(false, format!("{key} runs {} at {clock}", images.join(", ")))
            }),
        };
        if let Some(f) = fail {
            return f;
        }
    }
    let size = format!("{} CPU units, {} MiB", td.reserved_cpu(), td.reserved_memory());
    let launch = if td.is_fargate() { ", Fargate" } else { "" };
    Outcome::new(true, format!("{key} ({size}{launch}) at {clock}"))
}

// ---------------------------------------------------------------------------------------------
// Kubernetes

fn eval_deployment(kv: Option<&KubeView>, name: &str, namespace: Option<&str>, checks: &[(DeploymentMetric, Cmp)], clock: &str) -> Outcome {
    let d = kv.and_then(|kv| kv.deployments.iter().find(|d| d.name == name && namespace.is_none_or(|ns| d.namespace == ns)));
    let Some(d) = d else {
        let where_ = namespace.map(|ns| format!(" in namespace {ns}")).unwrap_or_default();
        return Outcome::new(false, format!("there is no deployment {name}{where_} at {clock}"));
    };
    let mut parts = Vec::new();
    let mut first_fail: Option<Outcome> = None;
    for (m, cmp) in checks {
        let v = match m {
            DeploymentMetric::Desired => d.desired,
            DeploymentMetric::Replicas => d.replicas,
            DeploymentMetric::Ready => d.ready,
            DeploymentMetric::Available => d.available,
            DeploymentMetric::Updated => d.updated,
            DeploymentMetric::Revision => d.revision as i64,
        };
        let out = numeric(cmp, v as f64, v.to_string(), clock);
        if checks.len() == 1 {
            return out;
        }
        let key = DeploymentMetric::ALL.iter().find(|(_, x)| x == m).map_or("", |(k, _)| k);
        parts.push(format!("{key} {v}"));
        if !out.ok && first_fail.is_none() {
            first_fail = Some(out);
        }
    }
    let actual = format!("{} at {clock}", parts.join(", "));
    match first_fail {
        Some(f) => Outcome { ok: false, actual, measured: f.measured },
        None => Outcome::new(true, actual),
    }
}

fn phase_name(p: &PodView) -> String {
    match serde_json::to_value(p.phase) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The Deployment owning a pod through its ReplicaSet.
fn deployment_of<'a>(kv: &'a KubeView, p: &PodView) -> Option<&'a str> {
    let rs = p.owner.as_deref()?.strip_prefix("ReplicaSet/")?;
    kv.replica_sets.iter().find(|r| r.name == rs && r.namespace == p.namespace).and_then(|r| r.deployment.as_deref())
}

fn node_of<'a>(kv: &'a KubeView, p: &PodView) -> Option<&'a NodeView> {
    let name = p.node.as_deref()?;
    kv.nodes.iter().find(|n| n.name == name)
}

/// Which pods count: those the filter selects; without `status`, only pods that are Pending
/// or Running (or of the `phase` given) and not terminating.
fn pod_selected(f: &PodFilter, kv: &KubeView, p: &PodView) -> bool {
    let lifecycle = match &f.status {
        Some(_) => one_of(&f.status, Some(&p.status)),
        None => {
            let phase = phase_name(p);
            let phase_ok = match &f.phase {
                Some(list) => list.iter().any(|x| x.eq_ignore_ascii_case(&phase)),
                None => phase == "Pending" || phase == "Running",
            };
            phase_ok && p.status != "Terminating"
        }
    };
    lifecycle
        && f.namespace.as_ref().is_none_or(|ns| &p.namespace == ns)
        && f.pod.as_ref().is_none_or(|n| &p.name == n)
        && f.deployment.as_ref().is_none_or(|d| deployment_of(kv, p) == Some(d.as_str()))
        && f.labels.as_ref().is_none_or(|ls| ls.iter().all(|(k, v)| p.labels.get(k) == Some(v)))
        && f.ready.is_none_or(|r| p.ready == r)
        && f.qos.as_ref().is_none_or(|q| q.iter().any(|x| x.eq_ignore_ascii_case(&p.qos)))
        && f.cpu_request.as_ref().is_none_or(|c| c.holds(p.requests_cpu_milli as f64))
        && f.unschedulable.as_ref().is_none_or(|text| {
            kv.unschedulable.iter().any(|u| u.pod == p.name && u.namespace == p.namespace && u.message.contains(text.as_str()))
        })
}

/// Where a pod is, against the filter's place fields (a pod on no node matches none).
fn pod_placed(f: &PodFilter, kv: &KubeView, p: &PodView) -> bool {
    if !f.has_place() {
        return true;
    }
    let Some(n) = node_of(kv, p) else { return false };
    one_of(&f.node, Some(&n.name))
        && one_of(&f.zone, Some(&n.zone))
        && one_of(&f.nodegroup, Some(&n.nodegroup))
        && one_of(&f.instance_type, Some(&n.instance_type))
        && f.capacity_type.as_ref().is_none_or(|c| c.iter().any(|x| x.eq_ignore_ascii_case(&n.capacity_type)))
        && f.fargate.is_none_or(|b| n.fargate == b)
}

/// `web-7c9-abcde is on ip-10-0-1-10.ec2.internal (ng-1, t3.medium, us-east-1a)`, or why it is
/// on no node.
fn pod_where(kv: &KubeView, p: &PodView) -> String {
    match node_of(kv, p) {
        Some(n) if n.fargate => format!("{} is on {} (Fargate, {})", p.name, n.name, n.zone),
        Some(n) => format!("{} is on {} ({}, {}, {}, {})", p.name, n.name, n.nodegroup, n.instance_type, n.capacity_type, n.zone),
        None => match kv.unschedulable.iter().find(|u| u.pod == p.name && u.namespace == p.namespace) {
            Some(u) => format!("{} is Pending: {}", p.name, u.message),
            None => format!("{} is {} on no node", p.name, p.status),
        },
    }
}

fn node_matches(f: &NodeFilter, n: &NodeView) -> bool {
    one_of(&f.nodegroup, Some(&n.nodegroup))
        && one_of(&f.zone, Some(&n.zone))
        && one_of(&f.instance_type, Some(&n.instance_type))
        && f.capacity_type.as_ref().is_none_or(|c| c.iter().any(|x| x.eq_ignore_ascii_case(&n.capacity_type)))
        && f.fargate.is_none_or(|b| n.fargate == b)
        && f.cordoned.is_none_or(|b| n.unschedulable == b)
        && f.empty.is_none_or(|b| n.pods.is_empty() == b)
}
