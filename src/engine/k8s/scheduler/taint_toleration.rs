//! TaintToleration (plugins/tainttoleration).
//!
//! Filter: the node's `NoSchedule` and `NoExecute` taints must all be tolerated; the first that is
//! not gives "node(s) had untolerated taint {key: value}" (UnschedulableAndUnresolvable).
//! Score: the number of `PreferNoSchedule` taints the pod does not tolerate, normalised with
//! `DefaultNormalizeScore(100, reverse = true)` — fewer intolerable taints score higher.
//! Toleration matching follows `v1.Toleration.ToleratesTaint` (empty key + Exists matches all;
//! an empty effect matches every effect; Exists ignores the value).

use super::{default_normalize, Ctx, FilterVerdict, Scored, TAINT_TOLERATION};
use crate::engine::k8s::model::{TaintEffect, Toleration, TolerationOp};
use crate::engine::k8s::node::{Node, Taint};

pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(e) = t.effect {
        if e != taint.effect {
            return false;
        }
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match t.operator {
        TolerationOp::Exists => true,
        TolerationOp::Equal => t.value == taint.value,
    }
}

pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    let untolerated = node
        .taints
        .iter()
        .filter(|t| matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute))
        .find(|t| !tolerated(&ctx.pod.spec.tolerations, t));
    match untolerated {
        Some(t) => FilterVerdict::fail(
            TAINT_TOLERATION,
            format!("node(s) had untolerated taint {}", t.shown()),
            format!("{}: taint {}={}:{} is not tolerated by the pod", node.name, t.key, t.value, t.effect.as_str()),
            true,
        ),
        None if node.taints.is_empty() => FilterVerdict::pass(TAINT_TOLERATION, "no taints"),
        None => FilterVerdict::pass(TAINT_TOLERATION, "every NoSchedule/NoExecute taint is tolerated"),
    }
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let raw: Vec<i64> = nodes
        .iter()
        .map(|n| n.taints.iter().filter(|t| t.effect == TaintEffect::PreferNoSchedule && !tolerated(&ctx.pod.spec.tolerations, t)).count() as i64)
        .collect();
    let normalized = default_normalize(&raw, true);
    let max = raw.iter().copied().max().unwrap_or(0);
    let arithmetic = raw
        .iter()
        .zip(&normalized)
        .map(|(r, s)| {
            if max == 0 {
                format!("{r} intolerable PreferNoSchedule taints on every node → 100")
            } else {
                format!("{r} intolerable PreferNoSchedule taint(s); 100 − 100 × {r} / {max} (most on any node) = {s}")
            }
        })
        .collect();
    Some(Scored { raw, normalized, arithmetic })
}
