//! Filter: only ACTIVE instances with a connected agent take new tasks (a DRAINING instance
//! takes none; ECS developer guide, "Container instance draining").

use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::{ContainerInstance, InstanceStatus};

pub(crate) struct Status;

impl Filter for Status {
    fn name(&self) -> &'static str {
        "status"
    }
    fn check(&self, inst: &ContainerInstance, _ctx: &Ctx) -> Verdict {
        if inst.status == InstanceStatus::Draining {
            return Err("instance is DRAINING and takes no new tasks".into());
        }
        if !inst.agent_connected {
            return Err("the ECS agent is disconnected".into());
        }
        Ok(())
    }
}
