//! Filter: the instance has at least the task's CPU units left.

use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::ContainerInstance;

pub(crate) struct Cpu;

impl Filter for Cpu {
    fn name(&self) -> &'static str {
        "cpu"
    }
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict {
        let need = ctx.request.cpu;
        if inst.remaining.cpu >= need {
            Ok(())
        } else {
            Err(format!("needs {need} CPU units, {} free", inst.remaining.cpu))
        }
    }
}
