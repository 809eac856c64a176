//! Filter: the instance has at least the task's memory (MiB) left.

use super::{Ctx, Filter, Verdict};
use crate::engine::cluster::ContainerInstance;

pub(crate) struct Memory;

impl Filter for Memory {
    fn name(&self) -> &'static str {
        "memory"
    }
    fn check(&self, inst: &ContainerInstance, ctx: &Ctx) -> Verdict {
        let need = ctx.request.memory;
        if inst.remaining.memory >= need {
            Ok(())
        } else {
            Err(format!("needs {need} MiB, {} MiB free", inst.remaining.memory))
        }
    }
}
