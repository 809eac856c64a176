//! ECS **capacity provider strategies** (how tasks split across providers) and **managed scaling**
//! (how a provider's Auto Scaling group is sized), as pure functions.
//!
//! Sources:
//! * `CapacityProviderStrategyItem`, ECS API reference
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html>):
//!   "Only one capacity provider in a capacity provider strategy can have a base defined" (base
//!   0–100000, default 0); weight 0–1000, default 0; "When multiple capacity providers are
//!   specified within a capacity provider strategy, at least one of the capacity providers must
//!   have a weight value greater than zero and any capacity providers with a weight of 0 will not
//!   be used to place tasks. If you specify multiple capacity providers in a strategy that all have
//!   a weight of 0, any RunTask or CreateService actions using the capacity provider strategy will
//!   fail"; weights 1 and 4 mean "for every one task that's run using capacityProviderA, four tasks
//!   would use capacityProviderB". "A capacity provider strategy may contain a maximum of 6
//!   capacity providers" (the SDK docs of the same shape, e.g. aws-sdk-ecs on docs.rs).
//!   Fargate strategies use `FARGATE` / `FARGATE_SPOT`. That a strategy can't mix Fargate and
//!   Auto Scaling group providers is from the ECS Developer Guide's capacity provider pages
//!   (recalled, not re-read in this session).
//! * Managed scaling, ECS Developer Guide "Automatically manage Amazon ECS capacity with cluster
//!   auto scaling" (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html>)
//!   and the blog it links, "Deep Dive on Amazon ECS Cluster Auto Scaling"
//!   (<https://aws.amazon.com/blogs/containers/deep-dive-on-amazon-ecs-cluster-auto-scaling/>):
//!   `CapacityProviderReservation = M / N × 100`, N = instances running in the group, M = instances
//!   needed to run all tasks (running and provisioning); the group's target tracking policy keeps
//!   it at `targetCapacity` (1–100). Special cases as the blog describes them (recalled, not
//!   re-read in this session): M = 0 and N = 0 → 100; N = 0 and M > 0 → 200. Scale-out steps
//!   are clamped to `minimumScalingStepSize` (default 1) and `maximumScalingStepSize` (default
//!   10000) (`ManagedScaling`, ECS API reference); scale-in is not affected by them.
//!
//! **Berth's split rounding** (AWS documents the ratio, not the rounding): `base` tasks go to the
//! provider with a base first; every further task goes, one at a time, to the weighted provider
//! that is furthest below its share — the smallest `count / weight` — ties to the larger weight,
//! then to the earlier provider in the strategy. So a split of N+1 tasks is the split of N plus
//! one task (scaling out never moves existing tasks), and exact multiples split exactly (1:4 of 5
//! tasks is 1 and 4).

pub const MAX_PROVIDERS: usize = 6;
pub const MAX_BASE: u32 = 100_000;
pub const MAX_WEIGHT: u32 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StrategyItem {
    pub capacity_provider: String,
    #[serde(default)]
    pub base: u32,
    #[serde(default)]
    pub weight: u32,
}

impl StrategyItem {
    pub fn new(capacity_provider: &str, base: u32, weight: u32) -> StrategyItem {
        StrategyItem { capacity_provider: capacity_provider.to_string(), base, weight }
    }

    pub fn is_fargate(&self) -> bool {
        matches!(self.capacity_provider.as_str(), "FARGATE" | "FARGATE_SPOT")
    }
}

/// Check a strategy against the ECS rules; each error is a sentence naming the provider(s).
pub fn validate(strategy: &[StrategyItem]) -> Result<(), String> {
    if strategy.is_empty() {
        return Err("a capacity provider strategy needs at least one capacity provider".into());
    }
    if strategy.len() > MAX_PROVIDERS {
        return Err(format!("a capacity provider strategy may contain at most {MAX_PROVIDERS} capacity providers; this one has {}", strategy.len()));
    }
    for (i, it) in strategy.iter().enumerate() {
        if it.capacity_provider.is_empty() {
            return Err(format!("capacity provider {} has an empty name", i + 1));
        }
        if strategy[..i].iter().any(|o| o.capacity_provider == it.capacity_provider) {
            return Err(format!("capacity provider {:?} appears twice in the strategy", it.capacity_provider));
        }
        if it.base > MAX_BASE {
            return Err(format!("{:?}: base must be 0–{MAX_BASE}; got {}", it.capacity_provider, it.base));
        }
        if it.weight > MAX_WEIGHT {
            return Err(format!("{:?}: weight must be 0–{MAX_WEIGHT}; got {}", it.capacity_provider, it.weight));
        }
    }
    let with_base: Vec<&str> = strategy.iter().filter(|i| i.base > 0).map(|i| i.capacity_provider.as_str()).collect();
    if with_base.len() > 1 {
        return Err(format!("only one capacity provider in a strategy can have a base; {} do", with_base.join(", ")));
    }
    if strategy.len() > 1 && strategy.iter().all(|i| i.weight == 0) {
        return Err("at least one capacity provider must have a weight greater than 0; with all weights 0, RunTask and CreateService fail".into());
    }
    let fargate: Vec<&str> = strategy.iter().filter(|i| i.is_fargate()).map(|i| i.capacity_provider.as_str()).collect();
    if !fargate.is_empty() && fargate.len() < strategy.len() {
        let asg: Vec<&str> = strategy.iter().filter(|i| !i.is_fargate()).map(|i| i.capacity_provider.as_str()).collect();
        return Err(format!("a strategy can't mix Fargate ({}) and Auto Scaling group ({}) capacity providers", fargate.join(", "), asg.join(", ")));
    }
    Ok(())
}

/// How many of `tasks` tasks each provider gets, in strategy order. Validates first.
pub fn split(strategy: &[StrategyItem], tasks: u32) -> Result<Vec<u32>, String> {
    validate(strategy)?;
    let mut counts = vec![0u32; strategy.len()];
    let mut left = tasks;
    if let Some(i) = strategy.iter().position(|s| s.base > 0) {
        let b = strategy[i].base.min(left);
        counts[i] = b;
        left -= b;
    }
    // A single provider with weight 0 takes everything (the all-zero rule is about several).
    if strategy.len() == 1 {
        counts[0] += left;
        return Ok(counts);
    }
    // Beyond the base, each provider's weighted count starts from the tasks it already has.
    let mut weighted = vec![0u64; strategy.len()];
    for _ in 0..left {
        let mut best: Option<usize> = None;
        for (i, it) in strategy.iter().enumerate() {
            if it.weight == 0 {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    // compare weighted[i] / w_i with weighted[b] / w_b by cross-multiplying
                    let lhs = weighted[i] * strategy[b].weight as u64;
                    let rhs = weighted[b] * it.weight as u64;
                    if lhs < rhs || (lhs == rhs && it.weight > strategy[b].weight) {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        let Some(b) = best else { break };
        weighted[b] += 1;
        counts[b] += 1;
    }
    Ok(counts)
}

/// `CapacityProviderReservation` in percent, from M (instances needed) and N (instances running).
pub fn capacity_provider_reservation(m: u32, n: u32) -> f64 {
    match (m, n) {
        (0, 0) => 100.0,
        (_, 0) => 200.0,
        _ => m as f64 / n as f64 * 100.0,
    }
}

/// `ManagedScaling` settings (the simulated subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedScaling {
    /// 1–100.
    pub target_capacity: u32,
    pub minimum_scaling_step_size: u32,
    pub maximum_scaling_step_size: u32,
}

impl Default for ManagedScaling {
    fn default() -> Self {
        ManagedScaling { target_capacity: 100, minimum_scaling_step_size: 1, maximum_scaling_step_size: 10_000 }
    }
}

impl ManagedScaling {
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=100).contains(&self.target_capacity) {
            return Err(format!("targetCapacity must be greater than 0 and at most 100; got {}", self.target_capacity));
        }
        if !(1..=10_000).contains(&self.minimum_scaling_step_size) || !(1..=10_000).contains(&self.maximum_scaling_step_size) {
            return Err("minimumScalingStepSize and maximumScalingStepSize must be 1–10000".into());
        }
        if self.minimum_scaling_step_size > self.maximum_scaling_step_size {
            return Err(format!("minimumScalingStepSize {} is greater than maximumScalingStepSize {}", self.minimum_scaling_step_size, self.maximum_scaling_step_size));
        }
        Ok(())
    }

    /// The group's desired instance count for M needed and N running: the target-tracking value
    /// `ceil(M × 100 / targetCapacity)` (which brings M / N × 100 to the target); a scale-out moves
    /// by at least `minimumScalingStepSize` and at most `maximumScalingStepSize` instances; a
    /// scale-in goes straight to the value. The caller clamps to the group's min/max size.
    pub fn desired_instances(&self, m: u32, n: u32) -> u32 {
        let t = self.target_capacity.clamp(1, 100) as u64;
        let ideal = (m as u64 * 100).div_ceil(t).min(u32::MAX as u64) as u32;
        if ideal > n {
            let step = (ideal - n).clamp(self.minimum_scaling_step_size, self.maximum_scaling_step_size.max(self.minimum_scaling_step_size));
            n.saturating_add(step)
        } else {
            ideal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(items: &[(&str, u32, u32)]) -> Vec<StrategyItem> {
        items.iter().map(|(n, b, w)| StrategyItem::new(n, *b, *w)).collect()
    }

    #[test]
    fn split_table() {
        // (strategy, tasks) → counts in strategy order
        let rows: Vec<(Vec<StrategyItem>, u32, Vec<u32>)> = vec![
            (s(&[("A", 0, 1), ("B", 0, 4)]), 5, vec![1, 4]),   // the API reference's 1:4
            (s(&[("A", 0, 1), ("B", 0, 4)]), 10, vec![2, 8]),
            (s(&[("A", 0, 1), ("B", 0, 1)]), 4, vec![2, 2]),   // "split evenly"
            (s(&[("A", 0, 1), ("B", 0, 1)]), 3, vec![2, 1]),   // tie → earlier provider
            (s(&[("FARGATE", 2, 1), ("FARGATE_SPOT", 0, 3)]), 10, vec![4, 6]), // base 2, then 1:3 of 8
            (s(&[("FARGATE", 2, 1), ("FARGATE_SPOT", 0, 3)]), 1, vec![1, 0]),  // base not yet met
            (s(&[("FARGATE", 2, 0), ("FARGATE_SPOT", 0, 1)]), 5, vec![2, 3]),  // weight 0: base only
            (s(&[("A", 0, 0), ("B", 0, 1), ("C", 0, 2)]), 6, vec![0, 2, 4]),   // weight 0 never used
            (s(&[("A", 3, 0)]), 5, vec![5]),
            (s(&[("A", 0, 2), ("B", 0, 3)]), 0, vec![0, 0]),
        ];
        for (st, n, want) in rows {
            assert_eq!(split(&st, n).unwrap(), want, "{st:?} × {n}");
        }
    }

    #[test]
    fn split_is_monotone() {
        let st = s(&[("A", 1, 2), ("B", 0, 3), ("C", 0, 5)]);
        let mut prev = split(&st, 0).unwrap();
        for n in 1..200 {
            let cur = split(&st, n).unwrap();
            assert_eq!(cur.iter().sum::<u32>(), n);
            let grown: u32 = cur.iter().zip(&prev).map(|(c, p)| c - p).sum();
            assert_eq!(grown, 1, "n = {n}: {prev:?} → {cur:?}");
            prev = cur;
        }
        // 199 tasks: base 1 on A, then 198 in 2:3:5 ≈ 39.6 / 59.4 / 99
        assert_eq!(prev, vec![1 + 40, 59, 99]);
    }

    #[test]
    fn validation_messages() {
        let rows: Vec<(Vec<StrategyItem>, &str)> = vec![
            (vec![], "at least one"),
            (s(&[("a", 0, 1), ("b", 0, 1), ("c", 0, 1), ("d", 0, 1), ("e", 0, 1), ("f", 0, 1), ("g", 0, 1)]), "at most 6"),
            (s(&[("A", 1, 1), ("B", 2, 1)]), "only one capacity provider in a strategy can have a base; A, B do"),
            (s(&[("A", 0, 0), ("B", 0, 0)]), "weight greater than 0"),
            (s(&[("FARGATE", 0, 1), ("my-asg", 0, 1)]), "can't mix Fargate (FARGATE) and Auto Scaling group (my-asg)"),
            (s(&[("A", 0, 1), ("A", 0, 2)]), "appears twice"),
            (s(&[("A", 0, 1001)]), "weight must be 0–1000"),
            (s(&[("A", 100_001, 1)]), "base must be"),
            (s(&[("", 0, 1)]), "empty name"),
        ];
        for (st, want) in rows {
            let e = validate(&st).expect_err(want);
            assert!(e.contains(want), "{want:?} not in {e:?}");
            assert!(split(&st, 3).is_err());
        }
    }

    #[test]
    fn reservation_and_desired_instances() {
        // (M, N) → CapacityProviderReservation
        let rows = [(0, 0, 100.0), (3, 0, 200.0), (4, 4, 100.0), (6, 4, 150.0), (2, 4, 50.0), (0, 3, 0.0)];
        for (m, n, want) in rows {
            assert_eq!(capacity_provider_reservation(m, n), want, "M {m} N {n}");
        }
        let d = ManagedScaling::default();
        // (targetCapacity, min step, max step, M, N) → desired
        let rows = [
            (100, 1, 10_000, 6, 4, 6),
            (90, 1, 10_000, 9, 9, 10),  // ceil(9 × 100 / 90) = 10: 10 % spare
            (50, 1, 10_000, 3, 3, 6),
            (100, 1, 10_000, 2, 4, 2),  // scale in to M
            (100, 1, 10_000, 0, 3, 0),
            (100, 2, 10_000, 5, 4, 6),  // at least the minimum step
            (100, 1, 3, 20, 4, 7),      // at most the maximum step
            (100, 1, 10_000, 2, 0, 2),  // from zero
        ];
        for (t, lo, hi, m, n, want) in rows {
            let ms = ManagedScaling { target_capacity: t, minimum_scaling_step_size: lo, maximum_scaling_step_size: hi };
            assert_eq!(ms.validate(), Ok(()));
            assert_eq!(ms.desired_instances(m, n), want, "{ms:?} M {m} N {n}");
        }
        assert_eq!(d.desired_instances(4, 4), 4);
        assert!(ManagedScaling { target_capacity: 0, ..d }.validate().is_err());
        assert!(ManagedScaling { target_capacity: 101, ..d }.validate().is_err());
        assert!(ManagedScaling { minimum_scaling_step_size: 5, maximum_scaling_step_size: 2, ..d }.validate().is_err());
    }
}
