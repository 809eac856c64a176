//! PodTopologySpread (plugins/podtopologyspread: filtering.go, scoring.go, common.go).
//!
//! Filter (`whenUnsatisfiable: DoNotSchedule` constraints): the node must have the topology key
//! ("node(s) didn't match pod topology spread constraints (missing required label)",
//! UnschedulableAndUnresolvable), and placing the pod must keep
//! `skew = matching pods in the node's domain + (1 if the pod matches itself) − min over domains`
//! at most `maxSkew` ("node(s) didn't match pod topology spread constraints", Unschedulable). With
//! `minDomains` and fewer domains than that, the minimum counts as 0. Pods are counted on nodes
//! that pass the pod's node affinity/selector (`nodeAffinityPolicy: Honor`) and, with
//! `nodeTaintsPolicy: Honor`, whose taints the pod tolerates; only pods of the same namespace.
//!
//! Score (`ScheduleAnyway` constraints, or the system defaults — hostname maxSkew 3 and zone
//! maxSkew 5 — for a pod with no constraints): per constraint `count × log(domains + 2) +
//! (maxSkew − 1)`, summed and rounded; normalised as `100 × (max + min − score) / max`, so the
//! least crowded domain scores 100. Nodes missing a key score 0.

use std::collections::{BTreeMap, BTreeSet};

use super::node_affinity::required_match;
use super::taint_toleration::tolerated;
use super::{namespace_of, Ctx, FilterVerdict, Scored, MAX_NODE_SCORE, POD_TOPOLOGY_SPREAD};
use crate::engine::k8s::model::{InclusionPolicy, LabelSelector, SelectorOp, SelectorRequirement, TaintEffect, TopologySpreadConstraint, WhenUnsatisfiable};
use crate::engine::k8s::node::{Node, LABEL_HOSTNAME, LABEL_ZONE};
use crate::engine::sort;

/// The constraints that apply, with their effective selector (`matchLabelKeys` folded in).
fn constraints(ctx: &Ctx, when: WhenUnsatisfiable) -> Vec<(TopologySpreadConstraint, LabelSelector)> {
    let pod = ctx.pod;
    let own = &pod.spec.topology_spread_constraints;
    if own.is_empty() {
        if when == WhenUnsatisfiable::ScheduleAnyway && ctx.profile.system_default_spread {
            if let Some(sel) = ctx.default_spread_selector {
                let mk = |key: &str, skew: i32| TopologySpreadConstraint {
                    max_skew: skew,
                    topology_key: key.into(),
                    when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                    label_selector: Some(sel.clone()),
                    min_domains: None,
                    match_label_keys: Vec::new(),
                    node_affinity_policy: InclusionPolicy::Honor,
                    node_taints_policy: InclusionPolicy::Ignore,
                };
                return vec![(mk(LABEL_HOSTNAME, 3), sel.clone()), (mk(LABEL_ZONE, 5), sel.clone())];
            }
        }
        return Vec::new();
    }
    own.iter()
        .filter(|c| c.when_unsatisfiable == when)
        .map(|c| {
            let mut sel = c.label_selector.clone().unwrap_or(LabelSelector {
                // A nil selector matches nothing.
                match_labels: Default::default(),
                match_expressions: vec![SelectorRequirement { key: "\u{0}nothing".into(), operator: SelectorOp::Exists, values: Vec::new() }],
            });
            for k in &c.match_label_keys {
                if let Some(v) = pod.meta.labels.get(k) {
                    sel.match_expressions.push(SelectorRequirement { key: k.clone(), operator: SelectorOp::In, values: vec![v.clone()] });
                }
            }
            (c.clone(), sel)
        })
        .collect()
}

/// Whether pods on `node` are counted for this constraint (the inclusion policies).
fn eligible(ctx: &Ctx, c: &TopologySpreadConstraint, node: &Node, all: &[(TopologySpreadConstraint, LabelSelector)]) -> bool {
    if !all.iter().all(|(k, _)| node.labels.contains_key(&k.topology_key)) {
        return false;
    }
    if c.node_affinity_policy == InclusionPolicy::Honor && required_match(ctx.pod, node).is_err() {
        return false;
    }
    if c.node_taints_policy == InclusionPolicy::Honor
        && node.taints.iter().any(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute) && !tolerated(&ctx.pod.spec.tolerations, t))
    {
        return false;
    }
    true
}

fn matching_on(ctx: &Ctx, node: &str, sel: &LabelSelector) -> i64 {
    let ns = namespace_of(ctx.pod);
    ctx.pods_on(node).filter(|p| p.namespace() == ns && sel.matches(&p.pod.meta.labels)).count() as i64
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    let cs = constraints(ctx, WhenUnsatisfiable::DoNotSchedule);
    if cs.is_empty() {
        return FilterVerdict::pass(POD_TOPOLOGY_SPREAD, "no DoNotSchedule spread constraints");
    }
    let mut details = Vec::new();
    for (c, sel) in &cs {
        let Some(value) = node.labels.get(&c.topology_key) else {
            return FilterVerdict::fail(
                POD_TOPOLOGY_SPREAD,
                "node(s) didn't match pod topology spread constraints (missing required label)",
                format!("{}: has no label {}", node.name, c.topology_key),
                true,
            );
        };
        let mut domains: BTreeMap<&str, i64> = BTreeMap::new();
        for n in ctx.nodes.iter().filter(|n| eligible(ctx, c, n, &cs)) {
            if let Some(v) = n.labels.get(&c.topology_key) {
                *domains.entry(v.as_str()).or_default() += matching_on(ctx, &n.name, sel);
            }
        }
        let mut min = domains.values().copied().min().unwrap_or(0);
        if let Some(md) = c.min_domains {
            if (domains.len() as i64) < md as i64 {
                min = 0;
            }
        }
        let here = domains.get(value.as_str()).copied().unwrap_or(0);
        let self_match = i64::from(sel.matches(&ctx.pod.meta.labels));
        let skew = here + self_match - min;
        let counts: Vec<String> = domains.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if skew > c.max_skew as i64 {
            return FilterVerdict::fail(
                POD_TOPOLOGY_SPREAD,
                "node(s) didn't match pod topology spread constraints",
                format!(
                    "{}: {} {value} would have skew {here} + {self_match} − {min} = {skew} > maxSkew {} (matching pods per domain: {})",
                    node.name,
                    c.topology_key,
                    c.max_skew,
                    counts.join(", ")
                ),
                false,
            );
        }
        details.push(format!("{} {value}: skew {skew} ≤ {}", c.topology_key, c.max_skew));
    }
    FilterVerdict::pass(POD_TOPOLOGY_SPREAD, details.join("; "))
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let cs = constraints(ctx, WhenUnsatisfiable::ScheduleAnyway);
    if cs.is_empty() {
        return None;
    }
    let ignored: BTreeSet<&str> = sort::collect_set(nodes.iter().filter(|n| !cs.iter().all(|(c, _)| n.labels.contains_key(&c.topology_key))).map(|n| n.name.as_str()));
    let mut raws = Vec::new();
    let mut parts: Vec<Vec<String>> = Vec::new();
    for (c, sel) in &cs {
        // Domains present among the scored (non-ignored) nodes.
        let domains: BTreeSet<&str> = sort::collect_set(nodes.iter().filter(|n| !ignored.contains(n.name.as_str())).filter_map(|n| n.labels.get(&c.topology_key).map(String::as_str)));
        let size = if c.topology_key == LABEL_HOSTNAME { nodes.len() - ignored.len() } else { domains.len() };
        // `topologyNormalizingWeight`: math.Log(size + 2), here from + − × ÷ only (detmath) so the
        // score is bit-identical natively and in Wasm.
        let weight = crate::engine::detmath::ln((size + 2) as f64);
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        if c.topology_key != LABEL_HOSTNAME {
            for n in ctx.nodes.iter().filter(|n| eligible(ctx, c, n, &cs)) {
                if let Some(v) = n.labels.get(&c.topology_key) {
                    if domains.contains(v.as_str()) {
                        *counts.entry(v.as_str()).or_default() += matching_on(ctx, &n.name, sel);
                    }
                }
            }
        }
        raws.push((c.clone(), sel.clone(), weight, size + 2, sort::collect_map::<String, i64, _>(counts.into_iter().map(|(k, v)| (k.to_string(), v)))));
    }
    let mut raw = Vec::new();
    for n in nodes {
        if ignored.contains(n.name.as_str()) {
            raw.push(0);
            parts.push(vec!["missing a topology key → 0".into()]);
            continue;
        }
        let mut s = 0.0;
        let mut p = Vec::new();
        for (c, sel, w, arg, counts) in &raws {
            let cnt = if c.topology_key == LABEL_HOSTNAME {
                matching_on(ctx, &n.name, sel)
            } else {
                n.labels.get(&c.topology_key).and_then(|v| counts.get(v)).copied().unwrap_or(0)
            };
            s += cnt as f64 * w + (c.max_skew - 1) as f64;
            p.push(format!("{}: {cnt} × ln({arg}) + ({} − 1)", c.topology_key, c.max_skew));
        }
        raw.push(s.round() as i64);
        parts.push(p);
    }
    // NormalizeScore.
    let scored: Vec<i64> = nodes.iter().zip(&raw).filter(|(n, _)| !ignored.contains(n.name.as_str())).map(|(_, r)| *r).collect();
    let min = scored.iter().copied().min().unwrap_or(0);
    let max = scored.iter().copied().max().unwrap_or(0);
    let normalized: Vec<i64> = nodes
        .iter()
        .zip(&raw)
        .map(|(n, &s)| {
            if ignored.contains(n.name.as_str()) {
                0
            } else if max == 0 {
                MAX_NODE_SCORE
            } else {
                MAX_NODE_SCORE * (max + min - s) / max
            }
        })
        .collect();
    let arithmetic = parts
        .iter()
        .zip(&raw)
        .zip(&normalized)
        .map(|((p, r), s)| if max == 0 { format!("{} = {r}; all 0 → 100", p.join(" + ")) } else { format!("{} = {r}; 100 × ({max} + {min} − {r}) / {max} = {s}", p.join(" + ")) })
        .collect();
    Some(Scored { raw, normalized, arithmetic })
}
