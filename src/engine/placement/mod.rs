//! Task placement, in the order the Amazon ECS developer guide ("How Amazon ECS places tasks on
//! container instances") documents it:
//!
//! 1. **Filters** keep instances with enough CPU, memory, free host ports (and ENIs for `awsvpc`).
//! 2. **Constraints** (`distinctInstance`, `memberOf` with the cluster query language).
//! 3. **Strategies** in the order given, each keeping only the best candidates by its measure, so
//!    the next strategy breaks the previous one's ties.
//! 4. A **seeded tie-break** among whatever is left.
//!
//! Every plugin lives in its own file and answers with a reason a learner can read. The whole
//! decision is returned as data ([`Decision`]) so the UI can show "why here" and "why pending".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::cluster::ContainerInstance;
use crate::engine::rng::Rng;
use crate::engine::taskdef::Protocol;

pub mod cql;
pub mod cql_regex;
mod filter_cpu;
mod filter_eni;
mod filter_memory;
mod filter_ports;
mod filter_status;
mod constraint_distinct_instance;
mod constraint_member_of;
mod strategy_binpack;
mod strategy_random;
mod strategy_spread;
mod tiebreak;
pub mod fargate;
pub mod index;
pub mod scale_in;

#[cfg(test)]
mod tests;

/// A placement strategy, as written in `placementStrategy` (`{"type": "binpack", "field": "memory"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Strategy {
    /// Leave the least of `field` (`cpu` or `memory`) unused.
    Binpack { field: BinpackField },
    /// Even out this group's task count across the values of `field` (`instanceId`, `host`, or `attribute:<name>`).
    Spread { field: String },
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BinpackField {
    Cpu,
    Memory,
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Strategy::Binpack { field: BinpackField::Cpu } => write!(f, "binpack(cpu)"),
            Strategy::Binpack { field: BinpackField::Memory } => write!(f, "binpack(memory)"),
            Strategy::Spread { field } => write!(f, "spread({field})"),
            Strategy::Random => write!(f, "random"),
        }
    }
}

impl Strategy {
    /// Checks the strategy's field, returning a learner-readable error.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Strategy::Spread { field } => {
                if field == "instanceId" || field == "host" {
                    Ok(())
                } else if let Some(attr) = field.strip_prefix("attribute:") {
                    if attr.is_empty() {
                        Err("spread field \"attribute:\" needs an attribute name, e.g. attribute:ecs.availability-zone".into())
                    } else {
                        Ok(())
                    }
                } else {
                    Err(format!("spread field {field:?} is not valid; use instanceId, host or attribute:<name> (e.g. attribute:ecs.availability-zone)"))
                }
            }
            _ => Ok(()),
        }
    }
}

/// The ECS default for services: spread across Availability Zones, then across instances.
/// Source: ECS developer guide, task placement strategies ("For tasks running as part of an Amazon
/// ECS service, the task placement strategy is spread using the attribute:ecs.availability-zone")
/// and the CreateService API reference, which then favours "container instances with the fewest
/// number of running tasks for this service".
pub fn default_service_strategy() -> Vec<Strategy> {
    vec![
        Strategy::Spread { field: "attribute:ecs.availability-zone".into() },
        Strategy::Spread { field: "instanceId".into() },
    ]
}

/// The ECS default for `RunTask`: tasks are distributed randomly across the cluster.
pub fn default_run_task_strategy() -> Vec<Strategy> {
    vec![Strategy::Random]
}

/// A placement constraint (`{"type": "distinctInstance"}` or `{"type": "memberOf", "expression": "..."}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Constraint {
    #[serde(rename = "distinctInstance")]
    DistinctInstance,
    #[serde(rename = "memberOf")]
    MemberOf { expression: String },
}

/// What is being placed.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The task's id, for messages.
    pub task: String,
    /// `service:web`, `family:batch` or a custom group: spread and distinctInstance count per group.
    pub group: String,
    pub cpu: u32,
    pub memory: u32,
    /// `(port, protocol)`; port 0 asks for any free ephemeral port.
    pub host_ports: Vec<(u16, Protocol)>,
    /// `awsvpc` tasks on EC2 each need an ENI.
    pub needs_eni: bool,
    pub constraints: Vec<Constraint>,
    pub strategies: Vec<Strategy>,
}

/// Everything a filter or strategy may look at besides the instance itself.
pub struct Ctx<'a> {
    pub request: &'a Request,
    pub instances: &'a BTreeMap<String, ContainerInstance>,
    /// Unix time of virtual t = 0 (for `registeredAt` in the query language).
    pub epoch_unix: i64,
}

/// A plugin's answer about one instance.
pub type Verdict = Result<(), String>;

/// One step of the filter and constraint chain.
pub(crate) trait Filter {
    /// Short name shown in explanations (`memory`, `memberOf`, ...).
    fn name(&self) -> &'static str;
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict;
}

/// How a strategy rates one candidate: lower `key` is better; `shown` is the readable value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    pub instance: String,
    pub key: i64,
    pub shown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The plugin that said no.
    pub plugin: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateReport {
    pub instance: String,
    pub az: String,
    /// `None` when the instance passed every filter and constraint.
    pub rejected: Option<Rejection>,
    /// How many plugins it passed before being rejected (used to name the closest match).
    pub passed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrategyStep {
    pub strategy: String,
    /// Every candidate that entered this step, with its value.
    pub ratings: Vec<Rating>,
    /// Those that came out (the best by this strategy's measure).
    pub kept: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TieBreak {
    pub among: Vec<String>,
    pub chose: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum Outcome {
    Placed {
        instance: String,
        /// Host ports the task got (dynamic ones resolved).
        host_ports: Vec<(u16, Protocol)>,
    },
    Unplaced {
        /// One sentence, in the style of the ECS service event.
        summary: String,
    },
}

/// The full record of one placement decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub task: String,
    pub group: String,
    pub outcome: Outcome,
    pub candidates: Vec<CandidateReport>,
    pub steps: Vec<StrategyStep>,
    pub tie_break: Option<TieBreak>,
}

impl Decision {
    pub fn placed_on(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Placed { instance, .. } => Some(instance),
            Outcome::Unplaced { .. } => None,
        }
    }

    /// The one-line reason the `taskPlaced` event gives: the deciding (last) strategy's value for
    /// the chosen instance, and the size of the tie-break if there was one. `None` if unplaced.
    /// [`index::Placer`] builds the same text without a `Decision`.
    pub fn why(&self) -> Option<String> {
        let Outcome::Placed { instance, .. } = &self.outcome else { return None };
        let why = self
            .steps
            .last()
            .and_then(|s| s.ratings.iter().find(|r| &r.instance == instance).map(|r| format!("{}: {}", s.strategy, r.shown)))
            .unwrap_or_else(|| ONLY_FIT.to_string());
        Some(match &self.tie_break {
            Some(tb) => format!("{why}; tie-break among {}", tb.among.len()),
            None => why,
        })
    }

    /// Why the task went where it did (or nowhere), as short lines.
    pub fn explain(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for c in &self.candidates {
            if let Some(r) = &c.rejected {
                lines.push(format!("{}: {} — {}", c.instance, r.plugin, r.reason));
            }
        }
        for s in &self.steps {
            let vals: Vec<String> = s.ratings.iter().map(|r| format!("{} {}", r.instance, r.shown)).collect();
            lines.push(format!("{}: {} → kept {}", s.strategy, vals.join(", "), s.kept.join(", ")));
        }
        if let Some(t) = &self.tie_break {
            lines.push(format!("tie-break among {} → {}", t.among.join(", "), t.chose));
        }
        match &self.outcome {
            Outcome::Placed { instance, .. } => lines.push(format!("placed on {instance}")),
            Outcome::Unplaced { summary } => lines.push(summary.clone()),
        }
        lines
    }
}

/// The `why` of a placement no strategy had to rate (one candidate, or no strategies).
pub(crate) const ONLY_FIT: &str = "the only instance that fits";

/// How `binpack` shows a candidate's value (shared with [`index`], so both say the same).
pub(crate) fn binpack_shown(field: BinpackField, left: u32) -> String {
    let unit = match field {
        BinpackField::Cpu => "CPU units",
        BinpackField::Memory => "MiB",
    };
    format!("would have {left} {unit} left")
}

/// How `spread` shows a candidate's value: `n` tasks of `group` share its value `v` of `field`.
pub(crate) fn spread_shown(field: &str, v: &str, n: u32, group: &str) -> String {
    if field == "instanceId" || field == "host" {
        format!("runs {n} of {group}")
    } else {
        format!("{v} has {n} of {group}")
    }
}

/// The seeded random streams placement draws from.
pub struct PlacementRng<'a> {
    pub random_strategy: &'a mut Rng,
    pub tie_break: &'a mut Rng,
}

/// `memberOf` expressions compile to regular expressions, which costs far more than evaluating
/// them, and a service places many tasks with the same few expressions: keep the last few parsed
/// ones (and parse errors) per thread. A cache hit is the same `Expr` parsing would give, so this
/// changes nothing observable.
const PARSED_CACHE: usize = 16;

thread_local! {
    static PARSED: std::cell::RefCell<Vec<(String, Result<std::rc::Rc<cql::Expr>, String>)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn parse_member_of(expression: &str) -> Result<std::rc::Rc<cql::Expr>, String> {
    PARSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, hit)) = cache.iter().find(|(src, _)| src == expression) {
            return hit.clone();
        }
        let parsed = cql::parse(expression).map(std::rc::Rc::new).map_err(|e| format!("memberOf expression {expression:?}: {e}"));
        if cache.len() == PARSED_CACHE {
            drop(cache.remove(0));
        }
        cache.push((expression.to_string(), parsed.clone()));
        parsed
    })
}

pub(crate) fn filters(request: &Request) -> Result<Vec<Box<dyn Filter>>, String> {
    let mut chain: Vec<Box<dyn Filter>> = vec![
        Box::new(filter_status::Status),
        Box::new(filter_cpu::Cpu),
        Box::new(filter_memory::Memory),
        Box::new(filter_ports::Ports),
    ];
    if request.needs_eni {
        chain.push(Box::new(filter_eni::Eni));
    }
    for c in &request.constraints {
        match c {
            Constraint::DistinctInstance => chain.push(Box::new(constraint_distinct_instance::DistinctInstance)),
            Constraint::MemberOf { expression } => {
                let expr = parse_member_of(expression)?;
                chain.push(Box::new(constraint_member_of::MemberOf { source: expression.clone(), expr }));
            }
        }
    }
    Ok(chain)
}

/// Choose an instance for `request`. Pure apart from the two seeded streams.
pub fn place(request: &Request, instances: &BTreeMap<String, ContainerInstance>, epoch_unix: i64, rng: PlacementRng) -> Decision {
    let ctx = Ctx { request, instances, epoch_unix };
    let chain = match filters(request) {
        Ok(c) => c,
        Err(msg) => return unplaced(request, Vec::new(), msg),
    };

    let mut candidates = Vec::with_capacity(instances.len());
    let mut feasible: Vec<&ContainerInstance> = Vec::with_capacity(instances.len());
    for inst in instances.values() {
        let mut report = CandidateReport { instance: inst.id.clone(), az: inst.az.clone(), rejected: None, passed: 0 };
        for f in &chain {
            match f.check(inst, &ctx) {
                Ok(()) => report.passed += 1,
                Err(reason) => {
                    report.rejected = Some(Rejection { plugin: f.name().to_string(), reason });
                    break;
                }
            }
        }
        if report.rejected.is_none() {
            feasible.push(inst);
        }
        candidates.push(report);
    }

    if feasible.is_empty() {
        let summary = unplaced_summary(&candidates);
        return Decision { task: request.task.clone(), group: request.group.clone(), outcome: Outcome::Unplaced { summary }, candidates, steps: Vec::new(), tie_break: None };
    }

    let mut steps = Vec::new();
    let mut pool = feasible;
    for s in &request.strategies {
        if pool.len() <= 1 {
            break;
        }
        let ratings: Vec<Rating> = match s {
            Strategy::Binpack { field } => strategy_binpack::rate(*field, &pool, &ctx),
            Strategy::Spread { field } => strategy_spread::rate(field, &pool, &ctx),
            Strategy::Random => strategy_random::rate(&pool, rng.random_strategy),
        };
        let best = ratings.iter().map(|r| r.key).min().unwrap_or(0);
        // Every strategy rates the pool in order, one rating per instance, so the survivors are
        // picked by position (ids are unique: the same as keeping the instances named in `kept`).
        debug_assert!(ratings.len() == pool.len() && ratings.iter().zip(&pool).all(|(r, i)| r.instance == i.id));
        let kept: Vec<String> = ratings.iter().filter(|r| r.key == best).map(|r| r.instance.clone()).collect();
        let mut next = Vec::with_capacity(kept.len());
        next.extend(ratings.iter().zip(&pool).filter(|(r, _)| r.key == best).map(|(_, i)| *i));
        pool = next;
        steps.push(StrategyStep { strategy: s.to_string(), ratings, kept });
    }

    let (chosen, tie_break) = tiebreak::choose(&pool, rng.tie_break);
    let host_ports = filter_ports::assign(request, chosen);
    Decision {
        task: request.task.clone(),
        group: request.group.clone(),
        outcome: Outcome::Placed { instance: chosen.id.clone(), host_ports },
        candidates,
        steps,
        tie_break,
    }
}

fn unplaced(request: &Request, candidates: Vec<CandidateReport>, summary: String) -> Decision {
    Decision { task: request.task.clone(), group: request.group.clone(), outcome: Outcome::Unplaced { summary }, candidates, steps: Vec::new(), tie_break: None }
}

/// "No container instance met all of its requirements", with the closest match and a tally, as
/// the ECS service event does ("The closest matching container-instance … has insufficient
/// memory available").
fn unplaced_summary(candidates: &[CandidateReport]) -> String {
    if candidates.is_empty() {
        return "no container instances are registered in the cluster".to_string();
    }
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for c in candidates {
        if let Some(r) = &c.rejected {
            *tally.entry(r.plugin.as_str()).or_default() += 1;
        }
    }
    // The closest match got furthest down the chain; first in id order among equals.
    let closest = candidates.iter().fold(None::<&CandidateReport>, |best, c| match best {
        Some(b) if b.passed >= c.passed => Some(b),
        _ => Some(c),
    });
    let tally_text: Vec<String> = tally.iter().map(|(p, n)| format!("{p}: {n}")).collect();
    match closest.and_then(|c| c.rejected.as_ref().map(|r| (c, r))) {
        Some((c, r)) => format!(
            "no container instance met all of its requirements; the closest match {} was rejected by {} ({}). Rejections by check: {}",
            c.instance,
            r.plugin,
            r.reason,
            tally_text.join(", ")
        ),
        None => "no container instance met all of its requirements".to_string(),
    }
}
