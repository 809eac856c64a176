//! NodeResourcesFit (plugins/noderesources/fit.go, least_allocated.go, most_allocated.go,
//! requested_to_capacity_ratio.go, resource_allocation.go).
//!
//! Filter: the pod's requests (`max(Σ containers, max init) + overhead`, no defaults for missing
//! requests) must fit in allocatable − Σ requests of the pods already there, and the node must
//! have room for one more pod. Reasons: "Insufficient cpu", "Insufficient memory",
//! "Insufficient <extended resource>", "Too many pods" (Unschedulable; one node can give several).
//!
//! Score (per resource, then a weighted average over cpu and memory, integer division):
//! - LeastAllocated: `(allocatable − requested) × 100 / allocatable` (0 if requested > allocatable)
//! - MostAllocated: `requested × 100 / allocatable` (requested capped at allocatable)
//! - RequestedToCapacityRatio: the broken-linear `shape` at `requested × 100 / allocatable`,
//!   shape scores × 10, averaged over resources whose score is > 0, rounded.
//!
//! "requested" here is the node's existing requests plus the pod's, where a container without a
//! request counts as 100m CPU / 200Mi memory (`NonMissingContainerRequests`).

use super::{pod_requests, Ctx, FilterVerdict, Scored, ScoringStrategy, MAX_NODE_SCORE, NODE_RESOURCES_FIT};
use crate::engine::k8s::node::Node;
use crate::engine::k8s::quantity::{fmt_bytes, fmt_milli};

/// `leastRequestedScore`.
pub fn least_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// `mostRequestedScore`.
pub fn most_requested(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 {
        return 0;
    }
    requested.min(capacity) * MAX_NODE_SCORE / capacity
}

/// `(requested, allocatable, weight)` per resource → LeastAllocated node score.
pub fn least_allocated_score(resources: &[(i64, i64, i64)]) -> i64 {
    weighted(resources, least_requested)
}

pub fn most_allocated_score(resources: &[(i64, i64, i64)]) -> i64 {
    weighted(resources, most_requested)
}

fn weighted(resources: &[(i64, i64, i64)], f: fn(i64, i64) -> i64) -> i64 {
    let (mut score, mut wsum) = (0, 0);
    for &(req, alloc, w) in resources {
        if alloc == 0 {
            continue;
        }
        score += f(req, alloc) * w;
        wsum += w;
    }
    if wsum == 0 {
        0
    } else {
        score / wsum
    }
}

/// `helper.BuildBrokenLinearFunction` over `shape` (utilization %, score already × 10).
fn broken_linear(shape: &[(i64, i64)], p: i64) -> i64 {
    for (i, &(u, s)) in shape.iter().enumerate() {
        if p <= u {
            if i == 0 {
                return s;
            }
            let (pu, ps) = shape[i - 1];
            return ps + (s - ps) * (p - pu) / (u - pu);
        }
    }
    shape.last().map(|x| x.1).unwrap_or(0)
}

/// RequestedToCapacityRatio node score; `shape` in the API's units (score 0–10).
pub fn requested_to_capacity_ratio_score(shape: &[(i64, i64)], resources: &[(i64, i64, i64)]) -> i64 {
    let scaled: Vec<(i64, i64)> = shape.iter().map(|&(u, s)| (u, s * (MAX_NODE_SCORE / 10))).collect();
    let (mut score, mut wsum) = (0i64, 0i64);
    for &(req, alloc, w) in resources {
        if alloc == 0 {
            continue;
        }
        let util = if req > alloc { 100 } else { req * 100 / alloc };
        let s = broken_linear(&scaled, util);
        if s > 0 {
            score += s * w;
            wsum += w;
        }
    }
    if wsum == 0 {
        0
    } else {
        (score as f64 / wsum as f64).round() as i64
    }
}

/// Σ requests of the pods on a node (actual, or with the scoring defaults).
pub(crate) fn node_requested(ctx: &Ctx, node: &str, non_zero: bool) -> (i64, i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    let mut count = 0;
    for p in ctx.pods_on(node) {
        let (c, m) = pod_requests(&p.pod.spec, non_zero);
        cpu += c;
        mem += m;
        count += 1;
    }
    (cpu, mem, count)
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    let (cpu, mem) = pod_requests(&ctx.pod.spec, false);
    let (used_cpu, used_mem, pods) = node_requested(ctx, &node.name, false);
    let a = &node.allocatable;
    let mut reasons = Vec::new();
    let mut details = Vec::new();
    if pods + 1 > a.pods {
        reasons.push("Too many pods".to_string());
        details.push(format!("Too many pods ({pods} running, {} allowed)", a.pods));
    }
    if cpu > 0 && cpu > a.cpu_milli - used_cpu {
        reasons.push("Insufficient cpu".to_string());
        details.push(format!("Insufficient cpu (requests {}, {} allocatable free)", fmt_milli(cpu), fmt_milli((a.cpu_milli - used_cpu).max(0))));
    }
    if mem > 0 && mem > a.memory - used_mem {
        reasons.push("Insufficient memory".to_string());
        details.push(format!("Insufficient memory (requests {}, {} allocatable free)", fmt_bytes(mem), fmt_bytes((a.memory - used_mem).max(0))));
    }
    let mut want: std::collections::BTreeMap<&str, i64> = std::collections::BTreeMap::new();
    for c in &ctx.pod.spec.containers {
        for (k, v) in &c.resources.requests.extended {
            *want.entry(k.as_str()).or_default() += *v;
        }
    }
    for (k, v) in want {
        let used: i64 = ctx.pods_on(&node.name).flat_map(|p| p.pod.spec.containers.iter()).filter_map(|c| c.resources.requests.extended.get(k)).sum();
        let have = a.extended.get(k).copied().unwrap_or(0);
        if v > 0 && v > have - used {
            reasons.push(format!("Insufficient {k}"));
            details.push(format!("Insufficient {k} (requests {v}, {} free)", (have - used).max(0)));
        }
    }
    if reasons.is_empty() {
        FilterVerdict::pass(
            NODE_RESOURCES_FIT,
            format!(
                "fits: requests {} CPU / {} memory; free {} CPU / {} memory, {} of {} pod slots",
                fmt_milli(cpu),
                fmt_bytes(mem),
                fmt_milli(a.cpu_milli - used_cpu),
                fmt_bytes(a.memory - used_mem),
                a.pods - pods,
                a.pods
            ),
        )
    } else {
        FilterVerdict { plugin: NODE_RESOURCES_FIT, passed: false, reasons, detail: format!("{}: {}", node.name, details.join("; ")), unresolvable: false }
    }
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let (pcpu, pmem) = pod_requests(&ctx.pod.spec, true);
    let mut raw = Vec::new();
    let mut arithmetic = Vec::new();
    for n in nodes {
        let (ucpu, umem, _) = node_requested(ctx, &n.name, true);
        let mut res = Vec::new();
        for (name, w) in &ctx.profile.fit_resources {
            match name.as_str() {
                "cpu" => res.push((ucpu + pcpu, n.allocatable.cpu_milli, *w)),
                "memory" => res.push((umem + pmem, n.allocatable.memory, *w)),
                _ => {}
            }
        }
        let (s, how) = match &ctx.profile.scoring_strategy {
            ScoringStrategy::LeastAllocated => (least_allocated_score(&res), "LeastAllocated: (allocatable − requested) × 100 / allocatable"),
            ScoringStrategy::MostAllocated => (most_allocated_score(&res), "MostAllocated: requested × 100 / allocatable"),
            ScoringStrategy::RequestedToCapacityRatio { shape } => (requested_to_capacity_ratio_score(shape, &res), "RequestedToCapacityRatio: shape(requested × 100 / allocatable)"),
        };
        let per: Vec<String> = ctx
            .profile
            .fit_resources
            .iter()
            .zip(&res)
            .map(|((name, _), (req, alloc, _))| {
                if name == "cpu" {
                    format!("cpu {} of {}", fmt_milli(*req), fmt_milli(*alloc))
                } else {
                    format!("memory {} of {}", fmt_bytes(*req), fmt_bytes(*alloc))
                }
            })
            .collect();
        raw.push(s);
        arithmetic.push(format!("{how}; requested (with this pod) {} → {s}", per.join(", ")));
    }
    Some(Scored { normalized: raw.clone(), raw, arithmetic })
}
