//! NodeResourcesBalancedAllocation (plugins/noderesources/balanced_allocation.go): prefers nodes
//! whose CPU and memory would be used in the same proportion. For each resource
//! `fraction = requested / allocatable` (capped at 1, actual requests — `useRequested: true`),
//! `std` is `|f_cpu − f_mem| / 2` for two resources (the population standard deviation in
//! general), and the score is `int((1 − std) × 100)`.

use super::node_resources_fit::node_requested;
use super::{pod_requests, Ctx, Scored, MAX_NODE_SCORE};
use crate::engine::k8s::node::Node;

/// `balancedResourceScorer` over (requested, allocatable) pairs.
pub fn balanced_score(pairs: &[(i64, i64)]) -> i64 {
    let fractions: Vec<f64> = pairs.iter().filter(|(_, a)| *a != 0).map(|(r, a)| (*r as f64 / *a as f64).min(1.0)).collect();
    let std = match fractions.len() {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            (fractions.iter().map(|f| (f - mean) * (f - mean)).sum::<f64>() / n as f64).sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let (pcpu, pmem) = pod_requests(&ctx.pod.spec, false);
    let mut raw = Vec::new();
    let mut arithmetic = Vec::new();
    for n in nodes {
        let (ucpu, umem, _) = node_requested(ctx, &n.name, false);
        let (c, m) = (ucpu + pcpu, umem + pmem);
        let s = balanced_score(&[(c, n.allocatable.cpu_milli), (m, n.allocatable.memory)]);
        let fc = if n.allocatable.cpu_milli > 0 { (c as f64 / n.allocatable.cpu_milli as f64).min(1.0) } else { 0.0 };
        let fm = if n.allocatable.memory > 0 { (m as f64 / n.allocatable.memory as f64).min(1.0) } else { 0.0 };
        raw.push(s);
        arithmetic.push(format!("cpu fraction {fc:.3}, memory fraction {fm:.3}; std = |{fc:.3} − {fm:.3}| / 2 = {:.3}; (1 − std) × 100 → {s}", ((fc - fm) / 2.0).abs()));
    }
    Some(Scored { normalized: raw.clone(), raw, arithmetic })
}
