//! The kube-scheduler's scheduling cycle for one pod, as pure data in and data out:
//!
//! 1. **Filter** (one file per plugin, in the default profile's order: NodeUnschedulable,
//!    NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, PodTopologySpread,
//!    InterPodAffinity). A node's filtering stops at the first plugin that rejects it, as in the
//!    framework's `RunFilterPlugins`. Nodes are visited from a rotating start index and the search
//!    stops once `numFeasibleNodesToFind` feasible nodes are found (`percentageOfNodesToScore`).
//! 2. **Score** every feasible node with each score plugin (0–100 after its `NormalizeScore`),
//!    final score = Σ weight × score. With a single feasible node, scoring is skipped (as upstream).
//! 3. **Select** the best; ties are broken by reservoir sampling (`selectHost`) with the seeded
//!    `Rng` the caller passes in.
//! 4. If no node passes, the FailedScheduling message in kube-scheduler's format
//!    (`0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: ...`).
//!
//! Sources (kubernetes/kubernetes): `pkg/scheduler/schedule_one.go` (`findNodesThatFitPod`,
//! `numFeasibleNodesToFind`, `prioritizeNodes`, `selectHost`), `pkg/scheduler/framework/types.go`
//! (`FitError.Error`), `pkg/scheduler/apis/config/v1/default_plugins.go` (plugins and weights),
//! and each plugin's file under `pkg/scheduler/framework/plugins/`, cited in the plugin's module.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::rng::Rng;
use crate::engine::sort;

use super::model::{Labels, Pod, PodSpec};
use super::node::Node;

mod balanced_allocation;
mod image_locality;
mod inter_pod_affinity;
mod node_affinity;
mod node_name;
mod node_ports;
mod node_resources_fit;
mod node_unschedulable;
mod pod_topology_spread;
mod taint_toleration;

pub use node_resources_fit::{least_allocated_score, most_allocated_score, requested_to_capacity_ratio_score};
pub use balanced_allocation::balanced_score;
pub use node_affinity::required_match;
pub use taint_toleration::{tolerated, tolerates};

/// `framework.MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;
/// `DefaultMilliCPURequest` (pkg/scheduler/util/pod_resources.go): what a container without a
/// CPU request counts as when *scoring*.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `DefaultMemoryRequest`: 200 MiB.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;
/// `minFeasibleNodesToFind` and `minFeasibleNodesPercentageToFind` (schedule_one.go).
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// A pod already bound to a node.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedPod {
    pub pod: Pod,
    pub node: String,
}

impl PlacedPod {
    pub fn namespace(&self) -> &str {
        namespace_of(&self.pod)
    }
}

pub fn namespace_of(pod: &Pod) -> &str {
    pod.meta.namespace.as_deref().unwrap_or("default")
}

/// How NodeResourcesFit scores (`scoringStrategy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ScoringStrategy {
    /// Default: prefer the emptiest node (spreads load).
    LeastAllocated,
    /// Prefer the fullest node (bin-packing).
    MostAllocated,
    /// A piecewise-linear `shape` of (utilization %, score 0–10) points.
    RequestedToCapacityRatio { shape: Vec<(i64, i64)> },
}

/// A scheduler profile: which score plugins count and how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    pub scheduler_name: String,
    /// Score-plugin weights; a plugin with weight 0 (or absent) does not score.
    pub weights: BTreeMap<String, i64>,
    pub scoring_strategy: ScoringStrategy,
    /// Resource weights for NodeResourcesFit scoring (`scoringStrategy.resources`): cpu and memory, 1 each.
    pub fit_resources: Vec<(String, i64)>,
    /// 0 = the adaptive default.
    pub percentage_of_nodes_to_score: usize,
    /// PodTopologySpread `defaultingType: System`: the cluster default constraints apply to pods
    /// that have none (hostname maxSkew 3, zone maxSkew 5, both ScheduleAnyway).
    pub system_default_spread: bool,
    /// InterPodAffinity `hardPodAffinityWeight` (default 1).
    pub hard_pod_affinity_weight: i64,
}

pub const TAINT_TOLERATION: &str = "TaintToleration";
pub const NODE_AFFINITY: &str = "NodeAffinity";
pub const NODE_RESOURCES_FIT: &str = "NodeResourcesFit";
pub const POD_TOPOLOGY_SPREAD: &str = "PodTopologySpread";
pub const INTER_POD_AFFINITY: &str = "InterPodAffinity";
pub const BALANCED_ALLOCATION: &str = "NodeResourcesBalancedAllocation";
pub const IMAGE_LOCALITY: &str = "ImageLocality";
pub const NODE_UNSCHEDULABLE: &str = "NodeUnschedulable";
pub const NODE_NAME: &str = "NodeName";
pub const NODE_PORTS: &str = "NodePorts";

impl Profile {
    /// `default-scheduler` as `default_plugins.go` configures it: TaintToleration 3,
    /// NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2, InterPodAffinity 2,
    /// NodeResourcesBalancedAllocation 1, ImageLocality 1; LeastAllocated on cpu and memory.
    pub fn default_scheduler() -> Profile {
        let weights = [
            (TAINT_TOLERATION, 3),
            (NODE_AFFINITY, 2),
            (NODE_RESOURCES_FIT, 1),
            (POD_TOPOLOGY_SPREAD, 2),
            (INTER_POD_AFFINITY, 2),
            (BALANCED_ALLOCATION, 1),
            (IMAGE_LOCALITY, 1),
        ];
        Profile {
            scheduler_name: "default-scheduler".into(),
            weights: sort::collect_map(weights.iter().map(|(k, v)| (k.to_string(), *v))),
            scoring_strategy: ScoringStrategy::LeastAllocated,
            fit_resources: vec![("cpu".into(), 1), ("memory".into(), 1)],
            percentage_of_nodes_to_score: 0,
            system_default_spread: true,
            hard_pod_affinity_weight: 1,
        }
    }

    /// The default profile with NodeResourcesFit's `MostAllocated` strategy (bin-packing).
    pub fn bin_packing() -> Profile {
        Profile { scheduler_name: "bin-packing-scheduler".into(), scoring_strategy: ScoringStrategy::MostAllocated, ..Profile::default_scheduler() }
    }

    fn weight(&self, plugin: &str) -> i64 {
        self.weights.get(plugin).copied().unwrap_or(0)
    }
}

/// `numFeasibleNodesToFind`: all nodes below 100; otherwise `percentage` of them (adaptive
/// default `50 − nodes/125`, at least 5 %), never fewer than 100.
pub fn num_feasible_nodes_to_find(percentage_of_nodes_to_score: usize, num_all_nodes: usize) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let mut percentage = percentage_of_nodes_to_score;
    if percentage == 0 {
        percentage = 50usize.saturating_sub(num_all_nodes / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    }
    let n = num_all_nodes * percentage.min(100) / 100;
    n.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// A filter plugin's answer about one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilterVerdict {
    pub plugin: &'static str,
    pub passed: bool,
    /// The reasons as kube-scheduler counts them in FailedScheduling (`Insufficient cpu`).
    pub reasons: Vec<String>,
    /// A sentence for the learner, with the numbers (`Insufficient memory (requests 512Mi, 256Mi allocatable free)`).
    pub detail: String,
    /// `UnschedulableAndUnresolvable`: preemption cannot help on this node.
    pub unresolvable: bool,
}

impl FilterVerdict {
    pub(crate) fn pass(plugin: &'static str, detail: impl Into<String>) -> Self {
        FilterVerdict { plugin, passed: true, reasons: Vec::new(), detail: detail.into(), unresolvable: false }
    }
    pub(crate) fn fail(plugin: &'static str, reason: impl Into<String>, detail: impl Into<String>, unresolvable: bool) -> Self {
        FilterVerdict { plugin, passed: false, reasons: vec![reason.into()], detail: detail.into(), unresolvable }
    }
}

/// One score plugin's result on one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PluginScore {
    pub plugin: &'static str,
    pub weight: i64,
    /// The plugin's `Score` before `NormalizeScore`.
    pub raw: i64,
    /// After `NormalizeScore` (0–100).
    pub normalized: i64,
    /// weight × normalized.
    pub weighted: i64,
    /// How the raw score and its normalisation were computed.
    pub arithmetic: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeReport {
    pub node: String,
    /// False if the search stopped before reaching this node (`percentageOfNodesToScore`).
    pub evaluated: bool,
    pub filters: Vec<FilterVerdict>,
    pub feasible: bool,
    pub scores: Vec<PluginScore>,
    /// Σ weight × normalized, for feasible nodes that were scored.
    pub total: Option<i64>,
}

/// The same record as ECS placement's tie-break: who tied, and who the seeded draw chose.
pub use crate::engine::placement::TieBreak;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum Outcome {
    Scheduled { node: String, score: i64 },
    Unschedulable { message: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleResult {
    pub pod: String,
    pub outcome: Outcome,
    /// Every node, in the order they were visited (evaluated first).
    pub nodes: Vec<NodeReport>,
    pub tie_break: Option<TieBreak>,
    /// How many feasible nodes the search wanted before stopping.
    pub nodes_to_find: usize,
    pub start_index: usize,
    /// Where the next scheduling cycle starts (`nextStartNodeIndex`).
    pub next_start_index: usize,
}

impl ScheduleResult {
    pub fn node(&self, name: &str) -> Option<&NodeReport> {
        self.nodes.iter().find(|n| n.node == name)
    }
    pub fn chosen(&self) -> Option<&str> {
        match &self.outcome {
            Outcome::Scheduled { node, .. } => Some(node),
            Outcome::Unschedulable { .. } => None,
        }
    }
}

/// What every plugin sees: the pod, the whole cluster, and precomputed sums.
pub struct Ctx<'a> {
    pub pod: &'a Pod,
    pub nodes: &'a [Node],
    pub pods: &'a [PlacedPod],
    /// Namespace labels, for `namespaceSelector` in pod affinity terms.
    pub namespaces: &'a BTreeMap<String, Labels>,
    pub profile: &'a Profile,
    /// Labels selecting the pod's siblings (its controller's selector), used by the system
    /// default spread constraints; `None`: no defaults apply.
    pub default_spread_selector: Option<&'a super::model::LabelSelector>,
}

impl<'a> Ctx<'a> {
    pub fn pods_on<'s>(&'s self, node: &'s str) -> impl Iterator<Item = &'a PlacedPod> + 's {
        self.pods.iter().filter(move |p| p.node == node)
    }
    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.nodes.iter().find(|n| n.name == name)
    }
}

/// The resources a pod asks for: `max(Σ containers + Σ sidecars, max init container with the
/// sidecars before it) + overhead` (`resourcehelper.PodRequests`, see `PodSpec::effective`). With `non_zero`, a container that sets no CPU or memory request
/// counts as 100m / 200Mi (used by scoring only, `NonMissingContainerRequests`).
pub fn pod_requests(spec: &PodSpec, non_zero: bool) -> (i64, i64) {
    let cpu = |c: &super::model::Container| match c.resources.requests.cpu_milli {
        Some(v) => v,
        None if non_zero => DEFAULT_MILLI_CPU_REQUEST,
        None => 0,
    };
    let mem = |c: &super::model::Container| match c.resources.requests.memory {
        Some(v) => v,
        None if non_zero => DEFAULT_MEMORY_REQUEST,
        None => 0,
    };
    // Sidecars (init containers with `restartPolicy: Always`) add to the containers' sum and
    // to every later init container's (`PodSpec::effective`).
    (spec.effective(&cpu) + spec.overhead.cpu_milli.unwrap_or(0), spec.effective(&mem) + spec.overhead.memory.unwrap_or(0))
}

type FilterFn = fn(&Ctx, &Node) -> FilterVerdict;

/// The filter chain in the default profile's order.
const FILTERS: &[FilterFn] = &[
    node_unschedulable::filter,
    node_name::filter,
    taint_toleration::filter,
    node_affinity::filter,
    node_ports::filter,
    node_resources_fit::filter,
    pod_topology_spread::filter,
    inter_pod_affinity::filter,
];

/// Raw scores for every feasible node, then normalised in place; returns (raw, normalized, arithmetic) per node.
pub(crate) struct Scored {
    pub raw: Vec<i64>,
    pub normalized: Vec<i64>,
    pub arithmetic: Vec<String>,
}

type ScoreFn = fn(&Ctx, &[&Node]) -> Option<Scored>;

const SCORERS: &[(&str, ScoreFn)] = &[
    (TAINT_TOLERATION, taint_toleration::score),
    (NODE_AFFINITY, node_affinity::score),
    (NODE_RESOURCES_FIT, node_resources_fit::score),
    (POD_TOPOLOGY_SPREAD, pod_topology_spread::score),
    (INTER_POD_AFFINITY, inter_pod_affinity::score),
    (BALANCED_ALLOCATION, balanced_allocation::score),
    (IMAGE_LOCALITY, image_locality::score),
];

/// The inputs of one scheduling cycle besides the pod and the nodes.
pub struct Cluster<'a> {
    pub pods: &'a [PlacedPod],
    pub namespaces: &'a BTreeMap<String, Labels>,
    pub default_spread_selector: Option<&'a super::model::LabelSelector>,
}

/// Runs every filter for `pod` on `nodes[idx]` alone (the rest of the cluster as context), as
/// preemption's dry run does (`RunFilterPluginsWithNominatedPods`); the first failing verdict, if
/// any.
pub fn filter_node(pod: &Pod, nodes: &[Node], cluster: &Cluster, profile: &Profile, idx: usize) -> Option<FilterVerdict> {
    let node = nodes.get(idx)?;
    let ctx = Ctx { pod, nodes, pods: cluster.pods, namespaces: cluster.namespaces, profile, default_spread_selector: cluster.default_spread_selector };
    FILTERS.iter().map(|f| f(&ctx, node)).find(|v| !v.passed)
}

/// Schedules one pod, starting the node search at 0. See [`schedule_from`].
pub fn schedule(pod: &Pod, nodes: &[Node], existing: &[PlacedPod], profile: &Profile, rng: &mut Rng) -> ScheduleResult {
    let namespaces = BTreeMap::new();
    let cluster = Cluster { pods: existing, namespaces: &namespaces, default_spread_selector: None };
    schedule_from(pod, nodes, &cluster, profile, 0, rng)
}

/// One scheduling cycle. `start_index` is the scheduler's `nextStartNodeIndex` from the previous
/// cycle (the result carries the next one).
pub fn schedule_from(pod: &Pod, nodes: &[Node], cluster: &Cluster, profile: &Profile, start_index: usize, rng: &mut Rng) -> ScheduleResult {
    let ctx = Ctx {
        pod,
        nodes,
        pods: cluster.pods,
        namespaces: cluster.namespaces,
        profile,
        default_spread_selector: cluster.default_spread_selector,
    };
    let n = nodes.len();
    let to_find = num_feasible_nodes_to_find(profile.percentage_of_nodes_to_score, n);
    let start = if n == 0 { 0 } else { start_index % n };
    let mut reports: Vec<NodeReport> = Vec::new();
    let mut feasible: Vec<usize> = Vec::new();
    let mut processed = 0;
    for i in 0..n {
        if feasible.len() >= to_find {
            break;
        }
        let idx = (start + i) % n;
        let node = &nodes[idx];
        processed += 1;
        let mut filters = Vec::new();
        let mut ok = true;
        for f in FILTERS {
            let v = f(&ctx, node);
            let passed = v.passed;
            filters.push(v);
            if !passed {
                ok = false;
                break;
            }
        }
        if ok {
            feasible.push(idx);
        }
        reports.push(NodeReport { node: node.name.clone(), evaluated: true, filters, feasible: ok, scores: Vec::new(), total: None });
    }
    // Nodes the search never reached.
    for i in processed..n {
        let node = &nodes[(start + i) % n];
        reports.push(NodeReport { node: node.name.clone(), evaluated: false, filters: Vec::new(), feasible: false, scores: Vec::new(), total: None });
    }
    let next_start_index = if n == 0 { 0 } else { (start + processed) % n };
    let pod_name = pod.meta.name.clone();
    if feasible.is_empty() {
        return ScheduleResult {
            pod: pod_name,
            outcome: Outcome::Unschedulable { message: failed_scheduling_message(n, &reports) },
            nodes: reports,
            tie_break: None,
            nodes_to_find: to_find,
            start_index: start,
            next_start_index,
        };
    }
    if feasible.len() == 1 {
        let name = nodes[feasible[0]].name.clone();
        return ScheduleResult {
            pod: pod_name,
            outcome: Outcome::Scheduled { node: name, score: 0 },
            nodes: reports,
            tie_break: None,
            nodes_to_find: to_find,
            start_index: start,
            next_start_index,
        };
    }
    let feasible_nodes: Vec<&Node> = feasible.iter().map(|&i| &nodes[i]).collect();
    let mut totals = vec![0i64; feasible_nodes.len()];
    for (plugin, f) in SCORERS {
        let w = profile.weight(plugin);
        if w <= 0 {
            continue;
        }
        let Some(s) = f(&ctx, &feasible_nodes) else { continue };
        for (j, node) in feasible_nodes.iter().enumerate() {
            let normalized = s.normalized.get(j).copied().unwrap_or(0);
            totals[j] += w * normalized;
            if let Some(r) = reports.iter_mut().find(|r| r.node == node.name) {
                r.scores.push(PluginScore {
                    plugin,
                    weight: w,
                    raw: s.raw.get(j).copied().unwrap_or(0),
                    normalized,
                    weighted: w * normalized,
                    arithmetic: s.arithmetic.get(j).cloned().unwrap_or_default(),
                });
            }
        }
    }
    for (j, node) in feasible_nodes.iter().enumerate() {
        if let Some(r) = reports.iter_mut().find(|r| r.node == node.name) {
            r.total = Some(totals[j]);
        }
    }
    // selectHost: reservoir sampling among the maximum scores.
    let best = totals.iter().copied().max().unwrap_or(0);
    let among: Vec<String> = feasible_nodes.iter().zip(&totals).filter(|(_, t)| **t == best).map(|(n, _)| n.name.clone()).collect();
    let mut chosen = among.first().cloned().unwrap_or_default();
    let mut count = 0u64;
    for name in &among {
        count += 1;
        if rng.below(count) == 0 {
            chosen = name.clone();
        }
    }
    let tie_break = (among.len() > 1).then(|| TieBreak { among: among.clone(), chose: chosen.clone() });
    ScheduleResult { pod: pod_name, outcome: Outcome::Scheduled { node: chosen, score: best }, nodes: reports, tie_break, nodes_to_find: to_find, start_index: start, next_start_index }
}

/// `FitError.Error()`: `0/N nodes are available: <count reason>, ... .` with the reasons sorted as
/// strings, then the preemption summary (Berth does not preempt: nodes rejected by an
/// UnschedulableAndUnresolvable filter say "Preemption is not helpful for scheduling", the others
/// "No preemption victims found for incoming pod").
pub fn failed_scheduling_message(num_nodes: usize, reports: &[NodeReport]) -> String {
    let mut hist: BTreeMap<String, usize> = BTreeMap::new();
    let (mut unresolvable, mut resolvable) = (0, 0);
    for r in reports.iter().filter(|r| r.evaluated) {
        if let Some(f) = r.filters.iter().find(|f| !f.passed) {
            for reason in &f.reasons {
                *hist.entry(reason.clone()).or_default() += 1;
            }
            if f.unresolvable {
                unresolvable += 1;
            } else {
                resolvable += 1;
            }
        }
    }
    let mut parts: Vec<String> = hist.iter().map(|(r, c)| format!("{c} {r}")).collect();
    sort::sort(&mut parts);
    let mut pre = Vec::new();
    if resolvable > 0 {
        pre.push(format!("{resolvable} No preemption victims found for incoming pod"));
    }
    if unresolvable > 0 {
        pre.push(format!("{unresolvable} Preemption is not helpful for scheduling"));
    }
    sort::sort(&mut pre);
    let mut msg = format!("0/{num_nodes} nodes are available: {}.", parts.join(", "));
    if num_nodes == 0 {
        msg = "0/0 nodes are available: no nodes available to schedule pods.".to_string();
        return msg;
    }
    msg.push_str(&format!(" preemption: 0/{num_nodes} nodes are available: {}.", pre.join(", ")));
    msg
}

/// `DefaultNormalizeScore` (pkg/scheduler/framework/plugins/helper/normalize_score.go).
pub(crate) fn default_normalize(raw: &[i64], reverse: bool) -> Vec<i64> {
    let max = raw.iter().copied().max().unwrap_or(0).max(0);
    if max == 0 {
        return raw.iter().map(|_| if reverse { MAX_NODE_SCORE } else { 0 }).collect();
    }
    raw.iter()
        .map(|&s| {
            let v = MAX_NODE_SCORE * s / max;
            if reverse {
                MAX_NODE_SCORE - v
            } else {
                v
            }
        })
        .collect()
}
