//! Which task a service stops when its desired count goes down.
//!
//! ECS developer guide, task placement strategies: with **binpack**, "the container instance that
//! will have the most available resources left after task termination will have that task
//! terminated"; with **spread**, ECS "will select tasks to terminate that maintains a balance
//! across Availability Zones. Within an Availability Zone, tasks will be selected at random."
//! Berth applies the service's strategies in order, each keeping the tasks whose removal is best
//! by its measure (spread: the most crowded value; binpack: the most left after removal), then
//! draws among the rest with the seeded tie-break stream.

use std::collections::BTreeMap;

use super::strategy_spread::value_of;
use super::{BinpackField, Rating, Strategy, StrategyStep, TieBreak};
use crate::engine::cluster::ContainerInstance;
use crate::engine::rng::Rng;

/// A running task that could be stopped.
pub struct Victim<'a> {
    pub task: String,
    /// `None` for a Fargate task.
    pub instance: Option<&'a ContainerInstance>,
    pub az: String,
    pub cpu: u32,
    pub memory: u32,
}

fn spread_value<'a>(field: &str, v: &'a Victim) -> &'a str {
    match v.instance {
        Some(inst) => value_of(field, inst),
        None if field == "attribute:ecs.availability-zone" => &v.az,
        None if field == "instanceId" || field == "host" => &v.task,
        None => "(none)",
    }
}

/// Returns the index into `victims` of the task to stop, and the steps that chose it.
/// `victims` must not be empty.
pub fn choose(strategies: &[Strategy], victims: &[Victim], random: &mut Rng, tie_break: &mut Rng) -> (usize, Vec<StrategyStep>, Option<TieBreak>) {
    let mut pool: Vec<usize> = (0..victims.len()).collect();
    let mut steps = Vec::new();
    for s in strategies {
        if pool.len() <= 1 {
            break;
        }
        // Lower key = better to stop.
        let ratings: Vec<(usize, Rating)> = match s {
            Strategy::Spread { field } => {
                let mut per_value: BTreeMap<&str, i64> = BTreeMap::new();
                for v in victims {
                    *per_value.entry(spread_value(field, v)).or_default() += 1;
                }
                pool.iter()
                    .map(|&i| {
                        let val = spread_value(field, &victims[i]);
                        let n = per_value.get(val).copied().unwrap_or(0);
                        (i, Rating { instance: victims[i].task.clone(), key: -n, shown: format!("{val} has {n}") })
                    })
                    .collect()
            }
            Strategy::Binpack { field } => pool
                .iter()
                .map(|&i| {
                    let v = &victims[i];
                    let left = match (field, v.instance) {
                        (BinpackField::Cpu, Some(inst)) => inst.remaining.cpu + v.cpu,
                        (BinpackField::Memory, Some(inst)) => inst.remaining.memory + v.memory,
                        (_, None) => 0,
                    };
                    (i, Rating { instance: v.task.clone(), key: -(left as i64), shown: format!("would leave {left} free") })
                })
                .collect(),
            Strategy::Random => {
                let pick = random.pick(pool.len());
                pool.iter()
                    .enumerate()
                    .map(|(k, &i)| (i, Rating { instance: victims[i].task.clone(), key: if k == pick { 0 } else { 1 }, shown: if k == pick { "drawn".into() } else { "not drawn".into() } }))
                    .collect()
            }
        };
        let best = ratings.iter().map(|(_, r)| r.key).min().unwrap_or(0);
        pool = ratings.iter().filter(|(_, r)| r.key == best).map(|(i, _)| *i).collect();
        let kept = pool.iter().map(|&i| victims[i].task.clone()).collect();
        steps.push(StrategyStep { strategy: s.to_string(), ratings: ratings.into_iter().map(|(_, r)| r).collect(), kept });
    }
    if pool.len() == 1 {
        return (pool[0], steps, None);
    }
    let k = tie_break.pick(pool.len());
    let chosen = pool[k];
    let tb = TieBreak { among: pool.iter().map(|&i| victims[i].task.clone()).collect(), chose: victims[chosen].task.clone() };
    (chosen, steps, Some(tb))
}
