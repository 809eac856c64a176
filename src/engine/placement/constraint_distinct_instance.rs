//! Constraint `distinctInstance`: place each task of the group on a different container instance.

use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::ContainerInstance;

pub(crate) struct DistinctInstance;

impl Filter for DistinctInstance {
    fn name(&self) -> &'static str {
        "distinctInstance"
    }
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict {
        let n = inst.group_count(&ctx.request.group);
        if n == 0 {
            Ok(())
        } else {
            Err(format!("already runs a task of {} (distinctInstance allows one per instance)", ctx.request.group))
        }
    }
}
