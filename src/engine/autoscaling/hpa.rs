//! The Kubernetes **HorizontalPodAutoscaler**: the replica calculator and the default scaling
//! behaviour, as pure functions and a small deterministic state machine.
//!
//! Sources (kubernetes/kubernetes, `pkg/controller/podautoscaler/`):
//! * `replica_calculator.go`, `GetResourceReplicas` / `calcPlainMetricReplicas`
//!   (<https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/podautoscaler/replica_calculator.go>):
//!   ignored pods (failed, being deleted) and unready pods are removed from the metrics; the usage
//!   ratio is `utilization / target` where `utilization = (Σ usage × 100) / Σ requests` in
//!   **integer** arithmetic over the pods that have metrics; if nothing is missing and no unready
//!   pod matters, `|1 − ratio| ≤ tolerance` keeps the count, else `ceil(ratio × readyPods)`.
//!   Otherwise missing pods count as `max(100, target)` % of their request on a scale-down and as
//!   0 on a scale-up; unready pods count as 0 on a scale-up; the ratio is recomputed and the count
//!   is kept if it is within tolerance or flips direction, or if the new count moves against the
//!   ratio; else `ceil(newRatio × len(metrics))`.
//! * `replica_calculator_test.go`: the cases reproduced in the tests below.
//! * `horizontal.go`, `stabilizeRecommendationWithBehaviors`, `convertDesiredReplicasWithBehaviorRate`,
//!   `calculateScaleUpLimitWithScalingRules`, `calculateScaleDownLimitWithBehaviors`, and the
//!   defaults in `pkg/apis/autoscaling/v2/defaults.go` (as documented at
//!   <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#default-behavior>):
//!   scale up: no stabilisation, policies `Percent 100 / 15 s` and `Pods 4 / 15 s`, `selectPolicy
//!   Max`; scale down: 300 s stabilisation, `Percent 100 / 15 s`. The sync period is 15 s
//!   (`--horizontal-pod-autoscaler-sync-period`), the tolerance 0.1.

use crate::engine::time::{Millis, SECOND};

/// `--horizontal-pod-autoscaler-tolerance` default.
pub const DEFAULT_TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-sync-period` default.
pub const SYNC_PERIOD_MS: Millis = 15 * SECOND;

/// How the calculator sees a pod (the result of `groupPods`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodState {
    Ready,
    /// Not ready yet (or CPU still initialising): counts 0 on a scale-up, ignored otherwise.
    /// `groupPods` marks pods unready only for the CPU resource; for memory pass `Ready`.
    Unready,
    /// Failed or being deleted: not counted at all.
    Ignored,
}

/// One pod: its request and usage in the same unit (e.g. millicores), and its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pod {
    pub request: u64,
    /// `None`: the metrics API returned nothing for this pod.
    pub usage: Option<u64>,
    pub state: PodState,
}

impl Pod {
    pub fn ready(request: u64, usage: u64) -> Pod {
        Pod { request, usage: Some(usage), state: PodState::Ready }
    }
}

/// The calculator's answer: replicas and the utilization (percent of request) it saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recommendation {
    pub replicas: u32,
    pub utilization: i64,
}

/// `GetResourceUtilizationRatio`: (ratio, utilization %) over (usage, request) pairs.
fn utilization_ratio(samples: &[(u64, u64)], target: u32) -> Result<(f64, i64), String> {
    let used: u128 = samples.iter().map(|s| s.0 as u128).sum();
    let req: u128 = samples.iter().map(|s| s.1 as u128).sum();
    if req == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let util = (used * 100 / req).min(i64::MAX as u128) as i64;
    Ok((util as f64 / target as f64, util))
}

fn within(ratio: f64, tolerance: f64) -> bool {
    (1.0 - ratio).abs() <= tolerance
}

fn ceil_u32(x: f64) -> u32 {
    let c = x.ceil();
    if c <= 0.0 {
        0
    } else if c >= u32::MAX as f64 {
        u32::MAX
    } else {
        c as u32
    }
}

/// `GetResourceReplicas` for a resource metric with a target **utilization** (percent of
/// request). Errors (no pods, no metrics, a pod without a request) come back as text.
pub fn resource_replicas(current: u32, pods: &[Pod], target_utilization: u32, tolerance: f64) -> Result<Recommendation, String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    if target_utilization == 0 {
        return Err("target utilization must be greater than 0".into());
    }
    if let Some(i) = pods.iter().position(|p| p.request == 0 && p.state != PodState::Ignored) {
        return Err(format!("missing request for pod {}", i + 1));
    }
    let ready: Vec<&Pod> = pods.iter().filter(|p| p.state == PodState::Ready && p.usage.is_some()).collect();
    let unready: Vec<&Pod> = pods.iter().filter(|p| p.state == PodState::Unready).collect();
    let missing: Vec<&Pod> = pods.iter().filter(|p| p.state == PodState::Ready && p.usage.is_none()).collect();
    if ready.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let mut samples: Vec<(u64, u64)> = ready.iter().map(|p| (p.usage.unwrap_or(0), p.request)).collect();
    let (ratio, util) = utilization_ratio(&samples, target_utilization)?;
    let scale_up_with_unready = !unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && missing.is_empty() {
        if within(ratio, tolerance) {
            return Ok(Recommendation { replicas: current, utilization: util });
        }
        return Ok(Recommendation { replicas: ceil_u32(ratio * ready.len() as f64), utilization: util });
    }
    if ratio < 1.0 {
        let fallback = target_utilization.max(100) as u64;
        samples.extend(missing.iter().map(|p| (p.request.saturating_mul(fallback) / 100, p.request)));
    } else if ratio > 1.0 {
        samples.extend(missing.iter().map(|p| (0, p.request)));
    }
    if scale_up_with_unready {
        samples.extend(unready.iter().map(|p| (0, p.request)));
    }
    let (new_ratio, _) = utilization_ratio(&samples, target_utilization)?;
    if within(new_ratio, tolerance) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(Recommendation { replicas: current, utilization: util });
    }
    let replicas = ceil_u32(new_ratio * samples.len() as f64);
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(Recommendation { replicas: current, utilization: util });
    }
    Ok(Recommendation { replicas, utilization: util })
}

/// `calcPlainMetricReplicas` for a per-pod metric with a target **average value** (e.g. requests
/// per second). `groupPods` only marks pods unready for the CPU resource, so here every pod that is
/// not ignored counts as ready; pods without a value count as the target on a scale-down and as 0
/// on a scale-up. `utilization` in the answer is the average usage (integer division, as Go).
pub fn plain_metric_replicas(current: u32, pods: &[(Option<u64>, PodState)], target_usage: u64, tolerance: f64) -> Result<Recommendation, String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    if target_usage == 0 {
        return Err("target value must be greater than 0".into());
    }
    let avg = |v: &[u64]| -> (f64, i64) {
        let total: u128 = v.iter().map(|x| *x as u128).sum();
        let usage = (total / v.len().max(1) as u128).min(i64::MAX as u128) as i64;
        (usage as f64 / target_usage as f64, usage)
    };
    let counted = pods.iter().filter(|p| p.1 != PodState::Ignored);
    let mut values: Vec<u64> = counted.clone().filter_map(|p| p.0).collect();
    let ready = values.len();
    let missing = counted.filter(|p| p.0.is_none()).count();
    if ready == 0 {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    let (ratio, usage) = avg(&values);
    if missing == 0 {
        if within(ratio, tolerance) {
            return Ok(Recommendation { replicas: current, utilization: usage });
        }
        return Ok(Recommendation { replicas: ceil_u32(ratio * ready as f64), utilization: usage });
    }
    if ratio < 1.0 {
        values.extend(std::iter::repeat_n(target_usage, missing));
    } else if ratio > 1.0 {
        values.extend(std::iter::repeat_n(0, missing));
    }
    let (new_ratio, _) = avg(&values);
    if within(new_ratio, tolerance) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(Recommendation { replicas: current, utilization: usage });
    }
    let replicas = ceil_u32(new_ratio * values.len() as f64);
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(Recommendation { replicas: current, utilization: usage });
    }
    Ok(Recommendation { replicas, utilization: usage })
}

/// `HPAScalingPolicyType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    Pods,
    Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScalingPolicy {
    pub kind: PolicyKind,
    pub value: u32,
    pub period_ms: Millis,
}

/// `selectPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectPolicy {
    Max,
    Min,
    Disabled,
}

/// `HPAScalingRules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalingRules {
    pub stabilization_window_ms: Millis,
    pub select: SelectPolicy,
    pub policies: Vec<ScalingPolicy>,
}

impl ScalingRules {
    /// The default scale-up rules: no stabilisation, max(100 %, 4 pods) per 15 s.
    pub fn default_scale_up() -> ScalingRules {
        ScalingRules {
            stabilization_window_ms: 0,
            select: SelectPolicy::Max,
            policies: vec![
                ScalingPolicy { kind: PolicyKind::Percent, value: 100, period_ms: 15 * SECOND },
                ScalingPolicy { kind: PolicyKind::Pods, value: 4, period_ms: 15 * SECOND },
            ],
        }
    }

    /// The default scale-down rules: 300 s stabilisation, 100 % per 15 s.
    pub fn default_scale_down() -> ScalingRules {
        ScalingRules {
            stabilization_window_ms: 300 * SECOND,
            select: SelectPolicy::Max,
            policies: vec![ScalingPolicy { kind: PolicyKind::Percent, value: 100, period_ms: 15 * SECOND }],
        }
    }
}

/// The `behavior` field plus the history it needs (recommendations and scale events), so
/// `normalize` is a deterministic function of the calls made so far.
#[derive(Debug, Clone)]
pub struct HpaBehavior {
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub scale_up: ScalingRules,
    pub scale_down: ScalingRules,
    recommendations: Vec<(Millis, u32)>,
    up_events: Vec<(Millis, u32)>,
    down_events: Vec<(Millis, u32)>,
}

impl HpaBehavior {
    pub fn new(min_replicas: u32, max_replicas: u32, scale_up: ScalingRules, scale_down: ScalingRules) -> HpaBehavior {
        HpaBehavior { min_replicas, max_replicas, scale_up, scale_down, recommendations: Vec::new(), up_events: Vec::new(), down_events: Vec::new() }
    }

    /// The defaults (`behavior` left out of the HPA spec).
    pub fn with_defaults(min_replicas: u32, max_replicas: u32) -> HpaBehavior {
        HpaBehavior::new(min_replicas, max_replicas, ScalingRules::default_scale_up(), ScalingRules::default_scale_down())
    }

    /// Replicas changed within the last `period` (events strictly after `now − period`).
    fn changed_in(events: &[(Millis, u32)], now: Millis, period: Millis) -> u32 {
        events.iter().filter(|(t, _)| t.saturating_add(period) > now).map(|e| e.1).sum()
    }

    fn scale_up_limit(&self, now: Millis, current: u32) -> u32 {
        let r = &self.scale_up;
        if r.select == SelectPolicy::Disabled || r.policies.is_empty() {
            return current;
        }
        let mut result: Option<i64> = None;
        for p in &r.policies {
            let start = current as i64 - Self::changed_in(&self.up_events, now, p.period_ms) as i64 + Self::changed_in(&self.down_events, now, p.period_ms) as i64;
            let proposed = match p.kind {
                PolicyKind::Pods => start.saturating_add(p.value as i64),
                PolicyKind::Percent => (start as f64 * (1.0 + p.value as f64 / 100.0)).ceil() as i64,
            };
            result = Some(match (result, r.select) {
                (None, _) => proposed,
                (Some(x), SelectPolicy::Min) => x.min(proposed),
                (Some(x), _) => x.max(proposed),
            });
        }
        result.unwrap_or(current as i64).clamp(0, u32::MAX as i64) as u32
    }

    fn scale_down_limit(&self, now: Millis, current: u32) -> u32 {
        let r = &self.scale_down;
        if r.select == SelectPolicy::Disabled || r.policies.is_empty() {
            return current;
        }
        let mut result: Option<i64> = None;
        for p in &r.policies {
            let start = current as i64 - Self::changed_in(&self.up_events, now, p.period_ms) as i64 + Self::changed_in(&self.down_events, now, p.period_ms) as i64;
            let proposed = match p.kind {
                PolicyKind::Pods => start - p.value as i64,
                // Go: int32(float64(start) * (1 - value/100)) truncates.
                PolicyKind::Percent => (start as f64 * (1.0 - p.value as f64 / 100.0)) as i64,
            };
            // Max selects the biggest change, i.e. the lowest floor; Min the smallest change.
            result = Some(match (result, r.select) {
                (None, _) => proposed,
                (Some(x), SelectPolicy::Min) => x.max(proposed),
                (Some(x), _) => x.min(proposed),
            });
        }
        result.unwrap_or(current as i64).clamp(0, u32::MAX as i64) as u32
    }

    /// `normalizeDesiredReplicasWithBehaviors`: stabilise the calculator's `desired`, then limit
    /// the rate of change, and record the result as a scale event. Returns the replicas to set.
    pub fn normalize(&mut self, now: Millis, current: u32, desired: u32) -> u32 {
        self.normalize_explained(now, current, desired).replicas
    }

    /// [`HpaBehavior::normalize`], with the reasons the HPA controller writes into its
    /// `AbleToScale` and `ScalingLimited` conditions (horizontal.go
    /// `normalizeDesiredReplicasWithBehaviors`, `stabilizeRecommendationWithBehaviors`,
    /// `convertDesiredReplicasWithBehaviorRate`).
    pub fn normalize_explained(&mut self, now: Millis, current: u32, desired: u32) -> Normalized {
        // Stabilisation: over the window, scale up to at most the lowest recommendation and down
        // to at least the highest one.
        let mut up = desired;
        let mut down = desired;
        for &(t, rec) in &self.recommendations {
            if t.saturating_add(self.scale_up.stabilization_window_ms) > now {
                up = up.min(rec);
            }
            if t.saturating_add(self.scale_down.stabilization_window_ms) > now {
                down = down.max(rec);
            }
        }
        let mut stabilized = current;
        if stabilized < up {
            stabilized = up;
        }
        if stabilized > down {
            stabilized = down;
        }
        let keep = self.scale_up.stabilization_window_ms.max(self.scale_down.stabilization_window_ms);
        self.recommendations.retain(|(t, _)| t.saturating_add(keep) > now);
        self.recommendations.push((now, desired));

        // "Determine a human-friendly message": by the direction of the raw recommendation.
        let able = if stabilized == desired {
            ("ReadyForNewScale", "recommended size matches current size")
        } else if desired >= current {
            ("ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
        } else {
            ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
        };

        // Rate limits and min/max.
        let (result, possible) = if stabilized > current {
            let limit = self.scale_up_limit(now, current).max(current);
            let why = if self.max_replicas > limit {
                ("ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            } else {
                ("TooManyReplicas", "the desired replica count is more than the maximum replica count")
            };
            (stabilized.min(limit.min(self.max_replicas)), why)
        } else if stabilized < current {
            let limit = self.scale_down_limit(now, current).min(current);
            let why = if self.min_replicas < limit {
                ("ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
            } else {
                ("TooFewReplicas", "the desired replica count is less than the minimum replica count")
            };
            (stabilized.max(limit.max(self.min_replicas)), why)
        } else {
            (stabilized, ("", ""))
        };
        let limited = (result != stabilized).then_some(possible);
        let longest = |r: &ScalingRules| r.policies.iter().map(|p| p.period_ms).max().unwrap_or(0);
        let (lu, ld) = (longest(&self.scale_up), longest(&self.scale_down));
        self.up_events.retain(|(t, _)| t.saturating_add(lu) > now);
        self.down_events.retain(|(t, _)| t.saturating_add(ld) > now);
        if result > current {
            self.up_events.push((now, result - current));
        } else if result < current {
            self.down_events.push((now, current - result));
        }
        Normalized { replicas: result, able, limited }
    }
}

/// What [`HpaBehavior::normalize_explained`] decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normalized {
    /// The replicas to set.
    pub replicas: u32,
    /// `AbleToScale`'s reason and message (status True): `ReadyForNewScale`, or
    /// `ScaleUpStabilized` / `ScaleDownStabilized` when the window changed the recommendation.
    pub able: (&'static str, &'static str),
    /// `ScalingLimited` True with this reason and message (`ScaleUpLimit`, `TooManyReplicas`,
    /// `ScaleDownLimit`, `TooFewReplicas`) when a rate or a bound cut the count; `None` is False
    /// `DesiredWithinRange`.
    pub limited: Option<(&'static str, &'static str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(req: &[u64], usage: &[Option<u64>], states: &[PodState]) -> Vec<Pod> {
        req.iter().enumerate().map(|(i, r)| Pod { request: *r, usage: usage.get(i).copied().flatten(), state: states.get(i).copied().unwrap_or(PodState::Ready) }).collect()
    }

    use PodState::{Ignored as I, Ready as R, Unready as U};

    /// Cases from `replica_calculator_test.go` (test name → current, requests in millicores,
    /// usage in millicores (None = no metric), states, target % → replicas, utilization).
    #[test]
    fn replica_calculator_test_go() {
        let s = Some;
        type Row = (&'static str, u32, Vec<u64>, Vec<Option<u64>>, Vec<PodState>, u32, u32, i64);
        let rows: Vec<Row> = vec![
            ("TestReplicaCalcScaleUp", 3, vec![1000; 3], vec![s(300), s(500), s(700)], vec![], 30, 5, 50),
            ("TestReplicaCalcScaleUpUnreadyLessScale", 3, vec![1000; 3], vec![s(300), s(500), s(700)], vec![U, R, R], 30, 4, 60),
            ("TestReplicaCalcScaleUpUnreadyNoScale", 3, vec![1000; 3], vec![s(400), s(500), s(700)], vec![R, U, U], 30, 3, 40),
            ("TestReplicaCalcScaleUpIgnoresFailedPods", 2, vec![1000; 4], vec![s(500), s(700), None, None], vec![R, R, I, I], 30, 4, 60),
            ("TestReplicaCalcScaleDown", 5, vec![1000; 5], vec![s(100), s(300), s(500), s(250), s(250)], vec![], 50, 3, 28),
            ("TestReplicaCalcScaleDownExcludeUnreadyPods", 5, vec![1000; 5], vec![s(100), s(300), s(500), s(250), s(250)], vec![R, R, R, U, U], 50, 2, 30),
            ("TestReplicaCalcTolerance", 3, vec![900, 1000, 1100], vec![s(1010), s(1030), s(1020)], vec![], 100, 3, 102),
            ("TestReplicaCalcMissingMetrics", 4, vec![1000; 4], vec![s(400), s(95), None, None], vec![], 100, 3, 24),
            ("TestReplicaCalcMissingMetricsNoChangeEq", 2, vec![1000; 2], vec![s(1000), None], vec![], 100, 2, 100),
            ("TestReplicaCalcMissingMetricsNoChangeGt", 2, vec![1000; 2], vec![s(1900), None], vec![], 100, 2, 190),
            ("TestReplicaCalcMissingMetricsNoChangeLt", 2, vec![1000; 2], vec![s(600), None], vec![], 100, 2, 60),
            ("TestReplicaCalcMissingMetricsUnreadyChange", 3, vec![1000; 3], vec![s(100), s(450), None], vec![U, R, R], 50, 3, 45),
            ("TestReplicaCalcMissingMetricsUnreadyScaleUp", 3, vec![1000; 3], vec![s(100), s(2000), None], vec![U, R, R], 50, 4, 200),
            ("TestReplicaCalcMissingMetricsUnreadyScaleDown", 4, vec![1000; 4], vec![s(100), s(100), s(100), None], vec![U, R, R, R], 50, 3, 10),
            ("TestReplicaCalcMissingMetricsScaleDownTargetOver100", 4, vec![1000, 1000, 2000, 2000], vec![s(200), s(100), s(100), None], vec![U, R, R, R], 300, 2, 6),
            ("TestReplicaCalcDuringRollingUpdateWithMaxSurge", 2, vec![1000; 3], vec![s(100), s(100), None], vec![], 50, 2, 10),
        ];
        for (name, current, req, usage, states, target, want, util) in rows {
            let pods = cpu(&req, &usage, &states);
            let got = resource_replicas(current, &pods, target, DEFAULT_TOLERANCE).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((got.replicas, got.utilization), (want, util), "{name}");
        }
    }

    #[test]
    fn plain_metric_cases() {
        let r = |v: &[u64]| v.iter().map(|x| (Some(*x), R)).collect::<Vec<_>>();
        // TestReplicaCalcScaleUpCM: qps 20000/10000/30000, target 15000 → 4
        assert_eq!(plain_metric_replicas(3, &r(&[20000, 10000, 30000]), 15000, 0.1).unwrap().replicas, 4);
        // TestReplicaCalcScaleDownCM: 5 × 12000, target 20000 → 3
        assert_eq!(plain_metric_replicas(5, &r(&[12000; 5]), 20000, 0.1).unwrap().replicas, 3);
        // TestReplicaCalcToleranceCM: 20000/21000/21000, target 20000 → 3
        assert_eq!(plain_metric_replicas(3, &r(&[20000, 21000, 21000]), 20000, 0.1).unwrap().replicas, 3);
        // TestPlainMetricReplicaCalcMissingMetricsNoChangeEq: 5 replicas, 3 metrics at the target → 5
        let mut pods = r(&[20000, 19000, 21000]);
        pods.extend([(None, R), (None, R)]);
        assert_eq!(plain_metric_replicas(5, &pods, 20000, 0.1).unwrap().replicas, 5);
        // TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: 50000/10000/(unready 30000), target 15000 → 6
        let pods = vec![(Some(50000), R), (Some(10000), R), (Some(30000), U)];
        assert_eq!(plain_metric_replicas(3, &pods, 15000, 0.1).unwrap().replicas, 6);
        // TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: 50000/15000/30000 → avg 31666 → 7
        let pods = vec![(Some(50000), U), (Some(15000), R), (Some(30000), U)];
        assert_eq!(plain_metric_replicas(3, &pods, 15000, 0.1).unwrap(), Recommendation { replicas: 7, utilization: 31666 });
    }

    #[test]
    fn errors_not_panics() {
        assert!(resource_replicas(1, &[], 50, 0.1).is_err());
        assert!(resource_replicas(1, &[Pod::ready(0, 10)], 50, 0.1).unwrap_err().contains("missing request"));
        assert!(resource_replicas(1, &[Pod { request: 100, usage: Some(5), state: U }], 50, 0.1).is_err());
        assert!(resource_replicas(1, &[Pod::ready(100, 5)], 0, 0.1).is_err());
        assert!(plain_metric_replicas(1, &[(None, R)], 10, 0.1).is_err());
        // Huge numbers saturate instead of overflowing.
        let big = resource_replicas(1, &[Pod::ready(1, u64::MAX)], 1, 0.1).unwrap();
        assert_eq!(big.replicas, u32::MAX);
    }

    #[test]
    fn default_scale_up_is_max_of_4_pods_or_100_percent_per_15s() {
        let mut b = HpaBehavior::with_defaults(1, 100);
        // (now s, current, desired) → result
        let rows = [
            (0, 1, 50, 5),     // max(1 + 4, 2 × 1) = 5
            (15, 5, 50, 10),   // max(5 + 4, 2 × 5) = 10 (the event at 0 is out of the 15 s period)
            (20, 10, 50, 10),  // within 15 s of the last event: period start 5 → max(9, 10) = 10
            (30, 10, 50, 20),
            (45, 20, 50, 40),
            (60, 40, 50, 50),
        ];
        for (t, cur, want_in, want) in rows {
            assert_eq!(b.normalize(t * 1000, cur, want_in), want, "at {t}s from {cur}");
        }
    }

    #[test]
    fn default_scale_down_waits_300s_for_the_highest_recommendation() {
        let mut b = HpaBehavior::with_defaults(1, 100);
        assert_eq!(b.normalize(0, 10, 10), 10);
        // Load drops: recommendations of 2 are stabilised to the highest of the last 300 s (10).
        for t in (15..300).step_by(15) {
            assert_eq!(b.normalize(t * 1000, 10, 2), 10, "at {t}s");
        }
        // At 300 s the recommendation from 0 s has left the window: 100 % per 15 s allows 2 at once.
        assert_eq!(b.normalize(300_000, 10, 2), 2);
        // A spike inside the window holds the floor again.
        let mut b = HpaBehavior::with_defaults(1, 100);
        b.normalize(0, 4, 4);
        b.normalize(100_000, 4, 6); // scale up to 6
        assert_eq!(b.normalize(200_000, 6, 3), 6);
        assert_eq!(b.normalize(400_001, 6, 3), 3);
    }

    #[test]
    fn custom_policies_min_select_and_disabled() {
        let down = ScalingRules {
            stabilization_window_ms: 0,
            select: SelectPolicy::Min,
            policies: vec![
                ScalingPolicy { kind: PolicyKind::Pods, value: 1, period_ms: 60_000 },
                ScalingPolicy { kind: PolicyKind::Percent, value: 50, period_ms: 60_000 },
            ],
        };
        let mut b = HpaBehavior::new(1, 100, ScalingRules::default_scale_up(), down);
        assert_eq!(b.normalize(0, 10, 2), 9); // Min: the smaller change (−1, not −5)
        assert_eq!(b.normalize(30_000, 9, 2), 9); // the −1 of this minute is used up
        assert_eq!(b.normalize(60_000, 9, 2), 8);
        let disabled = ScalingRules { stabilization_window_ms: 0, select: SelectPolicy::Disabled, policies: vec![] };
        let mut b = HpaBehavior::new(1, 100, disabled, ScalingRules::default_scale_down());
        assert_eq!(b.normalize(0, 3, 30), 3);
        // min/max still apply
        let mut b = HpaBehavior::with_defaults(2, 6);
        assert_eq!(b.normalize(0, 4, 40), 6);
        let mut b = HpaBehavior::new(2, 6, ScalingRules::default_scale_up(), ScalingRules { stabilization_window_ms: 0, ..ScalingRules::default_scale_down() });
        assert_eq!(b.normalize(0, 4, 0), 2);
    }
}
