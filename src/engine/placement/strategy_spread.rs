//! Strategy `spread`: "Tasks are placed evenly based on the specified value" (ECS developer guide).
//! For each candidate, count this group's tasks (a service's tasks, or a standalone task group)
//! that already run on instances sharing the candidate's value of the field; fewest wins.
//! `instanceId` and `host` mean the instance itself. Instances without the attribute share the
//! value "(none)" — the ECS docs do not say; this is Berth's documented choice.

use std::collections::BTreeMap;

use super::{Ctx, Rating};
use crate::engine::cluster::ContainerInstance;

pub(crate) fn value_of<'a>(field: &str, inst: &'a ContainerInstance) -> &'a str {
    if field == "instanceId" || field == "host" {
        return &inst.id;
    }
    let attr = field.strip_prefix("attribute:").unwrap_or(field);
    inst.attributes.get(attr).map(String::as_str).unwrap_or("(none)")
}

pub(crate) fn rate(field: &str, pool: &[&ContainerInstance], ctx: &Ctx) -> Vec<Rating> {
    let group = &ctx.request.group;
    // Count over the whole cluster, not only the candidates: a full AZ still has its tasks.
    let mut per_value: BTreeMap<&str, u32> = BTreeMap::new();
    for inst in ctx.instances.values() {
        // An instance with none of the group's tasks adds nothing (and a missing value reads as 0).
        let n = if inst.group_counts.is_empty() { 0 } else { inst.group_count(group) };
        if n > 0 {
            *per_value.entry(value_of(field, inst)).or_default() += n;
        }
    }
    pool.iter()
        .map(|inst| {
            let v = value_of(field, inst);
            let n = per_value.get(v).copied().unwrap_or(0);
            Rating { instance: inst.id.clone(), key: n as i64, shown: super::spread_shown(field, v, n, group) }
        })
        .collect()
}
