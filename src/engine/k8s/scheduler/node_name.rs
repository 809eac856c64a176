//! NodeName (plugins/nodename): a pod with `spec.nodeName` fits only that node.
//! Reason: "node(s) didn't match the requested node name" (UnschedulableAndUnresolvable).

use super::{Ctx, FilterVerdict, NODE_NAME};
use crate::engine::k8s::node::Node;

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    match &ctx.pod.spec.node_name {
        None => FilterVerdict::pass(NODE_NAME, "no nodeName set"),
        Some(n) if *n == node.name => FilterVerdict::pass(NODE_NAME, format!("nodeName is {n}")),
        Some(n) => FilterVerdict::fail(NODE_NAME, "node(s) didn't match the requested node name", format!("{}: the pod asks for nodeName {n}", node.name), true),
    }
}
