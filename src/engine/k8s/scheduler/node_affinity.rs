//! NodeAffinity (plugins/nodeaffinity), which also enforces `nodeSelector`.
//!
//! Filter: every `nodeSelector` label must match, and if required node affinity is set, at least
//! one of its terms must match (terms are ORed, expressions inside a term ANDed; In, NotIn,
//! Exists, DoesNotExist, Gt, Lt). Reason: "node(s) didn't match Pod's node affinity/selector"
//! (UnschedulableAndUnresolvable).
//! Score: Σ weight of the matching preferred terms, normalised with `DefaultNormalizeScore(100, false)`.

use super::{default_normalize, Ctx, FilterVerdict, Scored, NODE_AFFINITY};
use crate::engine::k8s::model::Pod;
use crate::engine::k8s::node::Node;

/// Whether the pod's nodeSelector and required node affinity admit the node (also used by
/// PodTopologySpread's `nodeAffinityPolicy: Honor`).
pub fn required_match(pod: &Pod, node: &Node) -> Result<String, String> {
    for (k, v) in &pod.spec.node_selector {
        if node.labels.get(k) != Some(v) {
            let have = node.labels.get(k).map(|x| format!("has {k}={x}")).unwrap_or_else(|| format!("has no label {k}"));
            return Err(format!("nodeSelector {k}={v} does not match (the node {have})"));
        }
    }
    let required = pod.spec.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()).and_then(|na| na.required.as_ref());
    if let Some(terms) = required {
        match terms.iter().position(|t| t.matches(&node.name, &node.labels)) {
            Some(i) => return Ok(format!("required node affinity term {} matches ({})", i + 1, terms[i].to_text())),
            None => {
                let list: Vec<String> = terms.iter().map(|t| format!("[{}]", t.to_text())).collect();
                return Err(format!("no required node affinity term matches: {}", list.join(" OR ")));
            }
        }
    }
    if pod.spec.node_selector.is_empty() {
        Ok("no nodeSelector or required node affinity".into())
    } else {
        Ok("nodeSelector matches".into())
    }
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    match required_match(ctx.pod, node) {
        Ok(d) => FilterVerdict::pass(NODE_AFFINITY, d),
        Err(d) => FilterVerdict::fail(NODE_AFFINITY, "node(s) didn't match Pod's node affinity/selector", format!("{}: {d}", node.name), true),
    }
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let preferred = ctx.pod.spec.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()).map(|na| na.preferred.clone()).unwrap_or_default();
    let mut raw = Vec::new();
    let mut parts = Vec::new();
    for n in nodes {
        let matched: Vec<i64> = preferred.iter().filter(|p| p.preference.matches(&n.name, &n.labels)).map(|p| p.weight as i64).collect();
        raw.push(matched.iter().sum());
        parts.push(matched);
    }
    let normalized = default_normalize(&raw, false);
    let max = raw.iter().copied().max().unwrap_or(0);
    let arithmetic = raw
        .iter()
        .zip(&normalized)
        .zip(&parts)
        .map(|((r, s), m)| {
            if preferred.is_empty() {
                "no preferred node affinity → 0".to_string()
            } else if max == 0 {
                "no preferred term matches any node → 0".to_string()
            } else {
                let w: Vec<String> = m.iter().map(|x| x.to_string()).collect();
                format!("matching preferred weights {} = {r}; 100 × {r} / {max} = {s}", if w.is_empty() { "none".into() } else { w.join(" + ") })
            }
        })
        .collect();
    Some(Scored { raw, normalized, arithmetic })
}
