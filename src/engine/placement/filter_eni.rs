//! Filter: an `awsvpc` task on EC2 gets its own elastic network interface, so the instance needs
//! a free ENI (its primary ENI is not available to tasks). Source: ECS developer guide, "Amazon ECS
//! task networking options for EC2" (ENI trunking, which raises the limit, is not simulated).

use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::ContainerInstance;

pub(crate) struct Eni;

impl Filter for Eni {
    fn name(&self) -> &'static str {
        "eni"
    }
    fn check(&self, inst: &ContainerInstance, _ctx: &Ctx) -> Verdict {
        if inst.eni_used < inst.eni_limit {
            Ok(())
        } else {
            Err(format!(
                "awsvpc task needs a free ENI; {} allows {} task ENIs and all are in use",
                inst.instance_type, inst.eni_limit
            ))
        }
    }
}
