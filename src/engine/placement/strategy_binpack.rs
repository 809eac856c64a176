//! Strategy `binpack`: "Tasks are placed on container instances so as to leave the least amount of
//! unused CPU or memory" (ECS developer guide, task placement strategies). The instance that would
//! have the least of the field left after placing the task wins.

use super::{BinpackField, Ctx, Rating};
use crate::engine::cluster::ContainerInstance;

pub(crate) fn rate(field: BinpackField, pool: &[&ContainerInstance], ctx: &Ctx) -> Vec<Rating> {
    pool.iter()
        .map(|inst| {
            let (left, unit) = match field {
                BinpackField::Cpu => (inst.remaining.cpu.saturating_sub(ctx.request.cpu), "CPU units"),
                BinpackField::Memory => (inst.remaining.memory.saturating_sub(ctx.request.memory), "MiB"),
            };
            Rating { instance: inst.id.clone(), key: left as i64, shown: format!("would have {left} {unit} left") }
        })
        .collect()
}
