//! Application Auto Scaling **target tracking** for ECS services, as a small deterministic state
//! machine.
//!
//! Sources (Application Auto Scaling User Guide):
//! * "How target tracking scaling for Application Auto Scaling works",
//!   <https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html>:
//!   - above the target, capacity is added "proportional to the metric as fast as it can";
//!   - "a target tracking scaling policy is more aggressive in adding capacity when utilization
//!     increases than it is in removing capacity when utilization decreases": it removes capacity
//!     only when utilization passes a threshold "far enough below the target value (usually more
//!     than 10% lower)";
//!   - with several policies, "scale out if any of the target tracking policies are ready for
//!     scale out, but will scale in only if all of the target tracking policies (with the scale-in
//!     portion enabled) are ready to scale in";
//!   - cooldowns: a scale-out cooldown does not stop "a larger scale out"; a scale-in is blocked
//!     during the scale-in cooldown, and a scale-out ends it.
//! * ECS: "Automatically scale your Amazon ECS service" (ECS Developer Guide): the default
//!   cooldowns are 300 s; Service Auto Scaling does not scale in while a deployment is in progress
//!   (scale-in is suspended during deployments) — here a boolean input.
//! * `DisableScaleIn`: `TargetTrackingScalingPolicyConfiguration` in the Application Auto Scaling
//!   API reference.
//!
//! **Berth's rules where AWS documents no formula** (the exact alarm and scale-in arithmetic is not
//! published):
//! * Scale out: `desired = ceil(current × metric / target)` once the metric has been above the
//!   target for `high_datapoints` one-minute datapoints. Default 3: the `AlarmHigh` that target
//!   tracking creates (3 of 3 one-minute datapoints, as reported in
//!   <https://github.com/hashicorp/terraform-provider-aws/issues/42553>; capacity-provider alarms
//!   use 1 of 1, <https://github.com/aws/containers-roadmap/issues/638>). AWS does not document
//!   these numbers; they are parameters.
//! * Scale in: only when the metric is below `0.9 × target` (the "usually more than 10 % lower"
//!   above) for `low_datapoints` datapoints (default 15, the `AlarmLow` of 15 of 15 one-minute
//!   datapoints in the containers-roadmap issue above; the Terraform issue reports 3 of 3 for a
//!   custom-metric policy, so this is a parameter too); the proportional value
//!   `ceil(current × metric / target)` is then approached **gradually**: one scale-in activity
//!   removes at most `max(1, floor(current × 10 %))` tasks, and activities are spaced by the
//!   scale-in cooldown.
//! * A policy whose metric is missing (no datapoints, `NaN`, negative) never asks to scale out and
//!   vetoes scale-in (it is not "ready to scale in").

use crate::engine::time::{Millis, MINUTE, SECOND};

/// ECS default for both cooldowns.
pub const DEFAULT_COOLDOWN_MS: Millis = 300 * SECOND;
/// Scale in only below this fraction of the target ("usually more than 10% lower").
pub const SCALE_IN_THRESHOLD: f64 = 0.9;
/// One scale-in activity removes at most this percentage of the current capacity (at least 1).
pub const MAX_SCALE_IN_PERCENT: u32 = 10;

/// One `TargetTrackingScaling` policy (the simulated subset).
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    /// `TargetValue`, e.g. 70.0 for 70 % CPU.
    pub target: f64,
    pub scale_out_cooldown_ms: Millis,
    pub scale_in_cooldown_ms: Millis,
    pub disable_scale_in: bool,
    /// Datapoints (of `period_ms`) above target before the high alarm fires.
    pub high_datapoints: u32,
    /// Datapoints below `0.9 × target` before the low alarm fires.
    pub low_datapoints: u32,
    pub period_ms: Millis,
}

impl Policy {
    /// A policy with the ECS defaults: cooldowns 300 s, 3 high / 15 low one-minute datapoints.
    pub fn new(name: &str, target: f64) -> Policy {
        Policy {
            name: name.to_string(),
            target,
            scale_out_cooldown_ms: DEFAULT_COOLDOWN_MS,
            scale_in_cooldown_ms: DEFAULT_COOLDOWN_MS,
            disable_scale_in: false,
            high_datapoints: 3,
            low_datapoints: 15,
            period_ms: MINUTE,
        }
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(self.target.is_finite() && self.target > 0.0) {
            return Err(format!("policy {:?}: TargetValue must be a positive number; got {}", self.name, self.target));
        }
        if self.high_datapoints == 0 || self.low_datapoints == 0 || self.period_ms == 0 {
            return Err(format!("policy {:?}: datapoints and period must be at least 1", self.name));
        }
        Ok(())
    }

    /// How long the metric must stay past a threshold before the alarm fires: the first breaching
    /// datapoint counts, so `n` datapoints span `(n − 1)` periods.
    fn alarm_delay(&self, datapoints: u32) -> Millis {
        (datapoints.saturating_sub(1) as Millis).saturating_mul(self.period_ms)
    }
}

/// `ceil(current × metric / target)`; `None` for a metric or target that is not a usable number.
pub fn proportional_desired(current: u32, metric: f64, target: f64) -> Option<u32> {
    if !(metric.is_finite() && metric >= 0.0 && target.is_finite() && target > 0.0) {
        return None;
    }
    let raw = (current as f64 * metric / target).ceil();
    Some(if raw >= u32::MAX as f64 { u32::MAX } else { raw as u32 })
}

/// The gradual scale-in step: the proportional value, but never more than
/// `max(1, floor(current × MAX_SCALE_IN_PERCENT / 100))` tasks below `current`.
pub fn gradual_scale_in(current: u32, proportional: u32) -> u32 {
    let step = (current as u64 * MAX_SCALE_IN_PERCENT as u64 / 100).max(1) as u32;
    proportional.max(current.saturating_sub(step)).min(current)
}

/// What one policy thinks at this evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// No usable metric: never scales out, vetoes scale-in.
    NoData,
    /// Between `0.9 × target` and `target`: content.
    Hold,
    /// Above target but the high alarm has not fired yet.
    HighPending { remaining_ms: Millis },
    /// Below the scale-in threshold but the low alarm has not fired yet.
    LowPending { remaining_ms: Millis },
    /// Below the scale-in threshold, but `DisableScaleIn` is set.
    ScaleInDisabled,
    ScaleOut { desired: u32 },
    ScaleIn { desired: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyVerdict {
    pub policy: String,
    pub metric: Option<f64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    None,
    ScaleOut,
    ScaleIn,
}

/// The tracker's answer: the new desired count, why, and every policy's verdict (decisions are
/// data, as in placement).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub action: Action,
    pub desired: u32,
    pub reason: String,
    pub policies: Vec<PolicyVerdict>,
}

/// The scalable target (`RegisterScalableTarget`) and its policies, plus the little state the
/// alarms and cooldowns need. Call [`TargetTracker::evaluate`] once per evaluation (e.g. every
/// minute, when a datapoint arrives); the same calls give the same decisions.
#[derive(Debug, Clone)]
pub struct TargetTracker {
    pub min: u32,
    pub max: u32,
    pub policies: Vec<Policy>,
    /// Per policy: since when the metric has been above target / below the scale-in threshold.
    high_since: Vec<Option<Millis>>,
    low_since: Vec<Option<Millis>>,
    /// Last scale-out: (time, tasks added, the deciding policy's cooldown).
    last_out: Option<(Millis, u32, Millis)>,
    /// Last scale-in: (time, the deciding policy's cooldown).
    last_in: Option<(Millis, Millis)>,
}

impl TargetTracker {
    pub fn new(min: u32, max: u32, policies: Vec<Policy>) -> Result<TargetTracker, String> {
        if min > max {
            return Err(format!("MinCapacity {min} is greater than MaxCapacity {max}"));
        }
        if policies.is_empty() {
            return Err("a target tracker needs at least one policy".into());
        }
        for p in &policies {
            p.validate()?;
        }
        let n = policies.len();
        Ok(TargetTracker { min, max, policies, high_since: vec![None; n], low_since: vec![None; n], last_out: None, last_in: None })
    }

    /// Evaluate at `now_ms` with the service's `current` desired count and one metric value per
    /// policy (same order; a missing entry counts as no data).
    pub fn evaluate(&mut self, now_ms: Millis, current: u32, metrics: &[Option<f64>], deployment_in_progress: bool) -> Decision {
        let mut verdicts = Vec::with_capacity(self.policies.len());
        for (i, p) in self.policies.iter().enumerate() {
            let metric = metrics.get(i).copied().flatten().filter(|m| m.is_finite() && *m >= 0.0);
            let verdict = match metric {
                None => {
                    self.high_since[i] = None;
                    self.low_since[i] = None;
                    Verdict::NoData
                }
                Some(m) if m > p.target => {
                    self.low_since[i] = None;
                    let since = *self.high_since[i].get_or_insert(now_ms);
                    let need = p.alarm_delay(p.high_datapoints);
                    let waited = now_ms.saturating_sub(since);
                    if waited < need {
                        Verdict::HighPending { remaining_ms: need - waited }
                    } else {
                        Verdict::ScaleOut { desired: proportional_desired(current, m, p.target).unwrap_or(current) }
                    }
                }
                Some(m) if m < p.target * SCALE_IN_THRESHOLD => {
                    self.high_since[i] = None;
                    let since = *self.low_since[i].get_or_insert(now_ms);
                    let need = p.alarm_delay(p.low_datapoints);
                    let waited = now_ms.saturating_sub(since);
                    if p.disable_scale_in {
                        Verdict::ScaleInDisabled
                    } else if waited < need {
                        Verdict::LowPending { remaining_ms: need - waited }
                    } else {
                        let prop = proportional_desired(current, m, p.target).unwrap_or(current);
                        Verdict::ScaleIn { desired: gradual_scale_in(current, prop) }
                    }
                }
                Some(_) => {
                    self.high_since[i] = None;
                    self.low_since[i] = None;
                    Verdict::Hold
                }
            };
            verdicts.push(PolicyVerdict { policy: p.name.clone(), metric, verdict });
        }
        self.decide(now_ms, current, deployment_in_progress, verdicts)
    }

    fn decide(&mut self, now: Millis, current: u32, deploying: bool, policies: Vec<PolicyVerdict>) -> Decision {
        let done = |action, desired, reason: String, policies| Decision { action, desired, reason, policies };
        // The scalable target's range wins over everything.
        if current < self.min {
            return done(Action::ScaleOut, self.min, format!("{current} is below MinCapacity {}", self.min), policies);
        }
        if current > self.max {
            return done(Action::ScaleIn, self.max, format!("{current} is above MaxCapacity {}", self.max), policies);
        }
        // Scale out if any policy wants to: the largest proposal, capped at max.
        let out = policies
            .iter()
            .enumerate()
            .filter_map(|(i, v)| match v.verdict {
                Verdict::ScaleOut { desired } => Some((desired.min(self.max), i)),
                _ => None,
            })
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((desired, i)) = out {
            let name = &self.policies[i].name;
            if desired <= current {
                return done(Action::None, current, format!("{name} wants more tasks but MaxCapacity {} is reached", self.max), policies);
            }
            let added = desired - current;
            if let Some((t, prev_added, cooldown)) = self.last_out {
                if now < t.saturating_add(cooldown) && added <= prev_added {
                    return done(
                        Action::None,
                        current,
                        format!("{name} wants {desired} but the scale-out cooldown runs until {} ms and +{added} is not larger than the last scale-out (+{prev_added})", t.saturating_add(cooldown)),
                        policies,
                    );
                }
            }
            self.last_out = Some((now, added, self.policies[i].scale_out_cooldown_ms));
            self.last_in = None; // a scale-out ends the scale-in cooldown
            return done(Action::ScaleOut, desired, format!("{name} is above its target: {current} → {desired}"), policies);
        }
        // Scale in only if every policy is ready to: the smallest reduction (largest proposal).
        let mut proposal: Option<(u32, usize)> = None;
        for (i, v) in policies.iter().enumerate() {
            match v.verdict {
                Verdict::ScaleIn { desired } => {
                    if proposal.is_none_or(|(d, _)| desired > d) {
                        proposal = Some((desired, i));
                    }
                }
                _ => {
                    let why = match &v.verdict {
                        Verdict::NoData => "has no data".to_string(),
                        Verdict::Hold => "is near its target".to_string(),
                        Verdict::HighPending { remaining_ms } => format!("is above its target (alarm in {remaining_ms} ms)"),
                        Verdict::LowPending { remaining_ms } => format!("is low (scale-in alarm in {remaining_ms} ms)"),
                        Verdict::ScaleInDisabled => "has DisableScaleIn".to_string(),
                        _ => String::new(),
                    };
                    return done(Action::None, current, format!("no change: {} {why}", v.policy), policies);
                }
            }
        }
        let Some((desired, i)) = proposal else {
            return done(Action::None, current, "no change".into(), policies);
        };
        let desired = desired.max(self.min);
        if desired >= current {
            return done(Action::None, current, format!("all policies are low but MinCapacity {} is reached", self.min), policies);
        }
        if deploying {
            return done(Action::None, current, "scale-in is suspended while a deployment is in progress".into(), policies);
        }
        if let Some((t, cooldown)) = self.last_in {
            if now < t.saturating_add(cooldown) {
                return done(Action::None, current, format!("scale-in cooldown runs until {} ms", t.saturating_add(cooldown)), policies);
            }
        }
        self.last_in = Some((now, self.policies[i].scale_in_cooldown_ms));
        done(Action::ScaleIn, desired, format!("all policies are below their targets: {current} → {desired}"), policies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_table() {
        // (current, metric, target) → ceil(current × metric / target)
        let rows = [
            (2, 95.0, 70.0, Some(3)),  // 2.71 → 3
            (2, 140.0, 70.0, Some(4)), // exactly double
            (4, 100.0, 70.0, Some(6)), // 5.71 → 6
            (10, 35.0, 70.0, Some(5)),
            (3, 0.0, 70.0, Some(0)),
            (3, f64::NAN, 70.0, None),
            (3, 50.0, 0.0, None),
            (3, -1.0, 70.0, None),
        ];
        for (c, m, t, want) in rows {
            assert_eq!(proportional_desired(c, m, t), want, "{c} × {m} / {t}");
        }
    }

    #[test]
    fn gradual_scale_in_table() {
        // (current, proportional) → at most max(1, 10 %) fewer
        let rows = [(10, 5, 9), (10, 9, 9), (25, 10, 23), (3, 1, 2), (2, 0, 1), (40, 38, 38), (5, 5, 5), (5, 7, 5)];
        for (c, p, want) in rows {
            assert_eq!(gradual_scale_in(c, p), want, "{c} toward {p}");
        }
    }

    fn quick(target: f64) -> Policy {
        Policy { high_datapoints: 1, low_datapoints: 1, ..Policy::new("p", target) }
    }

    #[test]
    fn disable_scale_in_blocks_only_scale_in() {
        let mut t = TargetTracker::new(1, 10, vec![Policy { disable_scale_in: true, ..quick(50.0) }]).unwrap();
        let d = t.evaluate(0, 4, &[Some(10.0)], false);
        assert_eq!((d.action, d.desired), (Action::None, 4));
        assert_eq!(d.policies[0].verdict, Verdict::ScaleInDisabled);
        let d = t.evaluate(60_000, 4, &[Some(100.0)], false);
        assert_eq!((d.action, d.desired), (Action::ScaleOut, 8));
    }

    #[test]
    fn no_scale_in_during_deployment() {
        let mut t = TargetTracker::new(1, 10, vec![quick(50.0)]).unwrap();
        let d = t.evaluate(0, 4, &[Some(10.0)], true);
        assert_eq!(d.action, Action::None);
        assert!(d.reason.contains("deployment"), "{}", d.reason);
        assert_eq!(t.evaluate(1, 4, &[Some(10.0)], false).action, Action::ScaleIn);
    }

    #[test]
    fn missing_metric_vetoes_scale_in_but_not_scale_out() {
        let mut t = TargetTracker::new(1, 10, vec![quick(50.0), quick(50.0)]).unwrap();
        assert_eq!(t.evaluate(0, 4, &[Some(10.0), None], false).action, Action::None);
        assert_eq!(t.evaluate(0, 4, &[Some(80.0), None], false).action, Action::ScaleOut);
        assert_eq!(t.evaluate(0, 4, &[Some(80.0)], false).desired, 4, "short metric list: cooldown now, no panic");
    }

    #[test]
    fn clamps_to_range() {
        let mut t = TargetTracker::new(2, 10, vec![quick(50.0)]).unwrap();
        assert_eq!(t.evaluate(0, 1, &[Some(50.0)], false).desired, 2);
        assert_eq!(t.evaluate(0, 12, &[Some(50.0)], false).desired, 10);
        let mut t = TargetTracker::new(2, 10, vec![quick(50.0)]).unwrap();
        assert_eq!(t.evaluate(0, 8, &[Some(500.0)], false).desired, 10);
        assert!(TargetTracker::new(5, 2, vec![quick(50.0)]).is_err());
        assert!(TargetTracker::new(1, 2, vec![quick(0.0)]).is_err());
    }

    #[test]
    fn larger_scale_out_passes_the_cooldown() {
        let mut t = TargetTracker::new(1, 100, vec![Policy { scale_out_cooldown_ms: 300_000, ..quick(50.0) }]).unwrap();
        assert_eq!(t.evaluate(0, 4, &[Some(75.0)], false).desired, 6); // +2
        assert_eq!(t.evaluate(60_000, 6, &[Some(60.0)], false).action, Action::None); // +2 again: blocked
        assert_eq!(t.evaluate(120_000, 6, &[Some(150.0)], false).desired, 18); // +12: larger, allowed
        assert_eq!(t.evaluate(420_000, 18, &[Some(60.0)], false).desired, 22); // cooldown over
    }
}
