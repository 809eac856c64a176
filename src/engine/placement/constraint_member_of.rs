//! Constraint `memberOf`: the instance must satisfy a cluster query language expression.

use super::cql::{self, CqlInstance, Expr};
use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::ContainerInstance;

pub(crate) struct MemberOf {
    pub source: String,
    /// Shared with the parse cache in `placement/mod.rs`.
    pub expr: std::rc::Rc<Expr>,
}

/// Lets the query language read a container instance.
struct View<'a> {
    inst: &'a ContainerInstance,
    epoch_unix: i64,
}

impl CqlInstance for View<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.inst.attributes.get(name).map(String::as_str)
    }
    fn ec2_instance_id(&self) -> &str {
        &self.inst.id
    }
    fn registered_at_unix(&self) -> i64 {
        self.epoch_unix + (self.inst.registered_at / 1000) as i64
    }
    fn running_tasks_count(&self) -> u32 {
        self.inst.tasks.len() as u32
    }
    fn task_groups(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (g, n) in &self.inst.group_counts {
            for _ in 0..*n {
                out.push(g.clone());
            }
        }
        out
    }
    fn agent_version(&self) -> &str {
        &self.inst.agent_version
    }
    fn agent_connected(&self) -> bool {
        self.inst.agent_connected
    }
}

impl Filter for MemberOf {
    fn name(&self) -> &'static str {
        "memberOf"
    }
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict {
        let view = View { inst, epoch_unix: ctx.epoch_unix };
        if self.expr.eval(&view) {
            Ok(())
        } else {
            Err(format!("does not satisfy {}: {}", self.source, cql::explain_false(&self.expr, &view)))
        }
    }
}
