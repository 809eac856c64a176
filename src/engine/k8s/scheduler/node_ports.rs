//! NodePorts (plugins/nodeports): a `hostPort` must be free on the node (same port, protocol and
//! an overlapping host IP; `0.0.0.0` or empty overlaps everything).
//! Reason: "node(s) didn't have free ports for the requested pod ports" (Unschedulable).

use super::{Ctx, FilterVerdict, NODE_PORTS};
use crate::engine::k8s::model::Pod;
use crate::engine::k8s::node::Node;

fn host_ports(pod: &Pod) -> Vec<(i64, &'static str, String)> {
    pod.spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .flat_map(|c| c.ports.iter())
        .filter_map(|p| p.host_port.filter(|hp| *hp > 0).map(|hp| (hp, p.protocol.as_str(), p.host_ip.clone().unwrap_or_default())))
        .collect()
}

fn overlaps(a: &str, b: &str) -> bool {
    a.is_empty() || b.is_empty() || a == "0.0.0.0" || b == "0.0.0.0" || a == b
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    let wanted = host_ports(ctx.pod);
    if wanted.is_empty() {
        return FilterVerdict::pass(NODE_PORTS, "no host ports requested");
    }
    for existing in ctx.pods_on(&node.name) {
        for (port, proto, ip) in host_ports(&existing.pod) {
            if let Some(w) = wanted.iter().find(|(wp, wproto, wip)| *wp == port && *wproto == proto && overlaps(wip, &ip)) {
                return FilterVerdict::fail(
                    NODE_PORTS,
                    "node(s) didn't have free ports for the requested pod ports",
                    format!("{}: hostPort {}/{} is already used by pod {}", node.name, w.0, w.1, existing.pod.meta.name),
                    false,
                );
            }
        }
    }
    let list: Vec<String> = wanted.iter().map(|(p, proto, _)| format!("{p}/{proto}")).collect();
    FilterVerdict::pass(NODE_PORTS, format!("host ports {} are free", list.join(", ")))
}
