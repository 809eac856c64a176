//! Strategy `binpack`: "Tasks are placed on container instances so as to leave the least amount of
//! unused CPU or memory" (ECS developer guide, task placement strategies). The instance that would
//! have the least of the field left after placing the task wins.

use super::{BinpackField, Ctx, Rating, Request};
use crate::engine::cluster::ContainerInstance;

pub(crate) fn rate(field: BinpackField, pool: &[&ContainerInstance], ctx: &Ctx) -> Vec<Rating> {
    pool.iter()
        .map(|inst| {
            let left = left_after(field, inst, ctx.request);
            Rating { instance: inst.id.clone(), key: left as i64, shown: super::binpack_shown(field, left) }
        })
        .collect()
}

/// What `field` would have left on `inst` after placing the request (the value binpack minimises).
pub(crate) fn left_after(field: BinpackField, inst: &ContainerInstance, request: &Request) -> u32 {
    match field {
        BinpackField::Cpu => inst.remaining.cpu.saturating_sub(request.cpu),
        BinpackField::Memory => inst.remaining.memory.saturating_sub(request.memory),
    }
}
