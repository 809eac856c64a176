//! Fargate placement. There are no container instances to choose: each task gets its own
//! right-sized capacity in one of the Availability Zones Fargate may use. "By default, Fargate
//! tasks are spread across Availability Zones" (ECS developer guide, task placement), so Berth
//! counts the group's Fargate tasks per AZ and picks the AZ with the fewest, breaking ties with
//! the seeded tie-break stream.

use std::collections::BTreeMap;

use super::{CandidateReport, Decision, Outcome, Rating, StrategyStep, TieBreak};
use crate::engine::rng::Rng;

/// `per_az` holds this group's running Fargate tasks per AZ.
pub fn place(task: &str, group: &str, azs: &[String], per_az: &BTreeMap<String, u32>, tie_break: &mut Rng) -> Decision {
    if azs.is_empty() {
        return Decision {
            task: task.to_string(),
            group: group.to_string(),
            outcome: Outcome::Unplaced { summary: "Fargate is not available in this cluster (no Availability Zones configured for it)".into() },
            candidates: Vec::new(),
            steps: Vec::new(),
            tie_break: None,
        };
    }
    let candidates = azs.iter().map(|az| CandidateReport { instance: az.clone(), az: az.clone(), rejected: None, passed: 0 }).collect();
    let ratings: Vec<Rating> = azs
        .iter()
        .map(|az| {
            let n = per_az.get(az).copied().unwrap_or(0);
            Rating { instance: az.clone(), key: n as i64, shown: format!("{az} has {n} of {group}") }
        })
        .collect();
    let best = ratings.iter().map(|r| r.key).min().unwrap_or(0);
    let kept: Vec<String> = ratings.iter().filter(|r| r.key == best).map(|r| r.instance.clone()).collect();
    let (chosen, tb) = if kept.len() == 1 {
        (kept[0].clone(), None)
    } else {
        let c = kept[tie_break.pick(kept.len())].clone();
        (c.clone(), Some(TieBreak { among: kept.clone(), chose: c }))
    };
    Decision {
        task: task.to_string(),
        group: group.to_string(),
        outcome: Outcome::Placed { instance: chosen, host_ports: Vec::new() },
        candidates,
        steps: vec![StrategyStep { strategy: "spread(attribute:ecs.availability-zone)".into(), ratings, kept }],
        tie_break: tb,
    }
}
