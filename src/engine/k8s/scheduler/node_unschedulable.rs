//! NodeUnschedulable (plugins/nodeunschedulable): a cordoned node (`spec.unschedulable`) takes no
//! new pods unless the pod tolerates `node.kubernetes.io/unschedulable:NoSchedule`.
//! Reason: "node(s) were unschedulable" (UnschedulableAndUnresolvable).

use super::{Ctx, FilterVerdict, NODE_UNSCHEDULABLE};
use crate::engine::k8s::model::{TaintEffect, TolerationOp};
use crate::engine::k8s::node::{Node, TAINT_UNSCHEDULABLE};

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    if !node.unschedulable {
        return FilterVerdict::pass(NODE_UNSCHEDULABLE, "not cordoned");
    }
    let tolerated = ctx.pod.spec.tolerations.iter().any(|t| {
        (t.key == TAINT_UNSCHEDULABLE || (t.key.is_empty() && t.operator == TolerationOp::Exists))
            && (t.effect.is_none() || t.effect == Some(TaintEffect::NoSchedule))
    });
    if tolerated {
        FilterVerdict::pass(NODE_UNSCHEDULABLE, "cordoned, but the pod tolerates node.kubernetes.io/unschedulable")
    } else {
        FilterVerdict::fail(NODE_UNSCHEDULABLE, "node(s) were unschedulable", format!("{}: cordoned (spec.unschedulable: true)", node.name), true)
    }
}
