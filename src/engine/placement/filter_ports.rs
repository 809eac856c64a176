//! Filter: every static host port the task asks for is free, and enough ephemeral ports remain for
//! its dynamic (`hostPort: 0`) mappings. Also assigns the ports once an instance is chosen.

use super::{Ctx, Filter, Request, Verdict};
use crate::engine::cluster::ContainerInstance;
use crate::engine::taskdef::Protocol;

pub(crate) struct Ports;

fn proto_name(p: Protocol) -> &'static str {
    match p {
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
    }
}

impl Filter for Ports {
    fn name(&self) -> &'static str {
        "ports"
    }
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict {
        for &(port, proto) in &ctx.request.host_ports {
            if port == 0 {
                continue;
            }
            if inst.reserved_ports.contains(&port) {
                return Err(format!("host port {port}/{} is reserved on the instance", proto_name(proto)));
            }
            if let Some(task) = inst.used_ports.get(&(port, proto)) {
                return Err(format!("host port {port}/{} is already used by {task}", proto_name(proto)));
            }
        }
        if ctx.request.host_ports.iter().any(|(p, _)| *p == 0) && assign_on(ctx.request, inst).is_none() {
            return Err("no free port left in the ephemeral range 32768–60999".into());
        }
        Ok(())
    }
}

fn assign_on(request: &Request, inst: &ContainerInstance) -> Option<Vec<(u16, Protocol)>> {
    let mut out: Vec<(u16, Protocol)> = Vec::with_capacity(request.host_ports.len());
    for &(port, proto) in &request.host_ports {
        if port == 0 {
            out.push((inst.free_dynamic_port(proto, &out)?, proto));
        } else {
            out.push((port, proto));
        }
    }
    Some(out)
}

/// The host ports the task gets on `inst`: static ones as asked, dynamic ones the lowest free
/// ports of the ephemeral range. Only called after [`Ports`] passed.
pub(crate) fn assign(request: &Request, inst: &ContainerInstance) -> Vec<(u16, Protocol)> {
    assign_on(request, inst).unwrap_or_default()
}
