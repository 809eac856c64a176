//! **Step scaling** policies (Application Auto Scaling / EC2 Auto Scaling), as pure functions.
//!
//! Sources:
//! * `StepAdjustment` (Application Auto Scaling / EC2 Auto Scaling API reference; the same text is
//!   in the AWS SDK docs, e.g.
//!   <https://aws-amplify.github.io/aws-sdk-ios/docs/reference/AWSAutoScaling/Classes/AWSAutoScalingStepAdjustment.html>):
//!   bounds are relative to the alarm's breach threshold. "If the metric value is above the breach
//!   threshold, the lower bound is inclusive (the metric must be greater than or equal to the
//!   threshold plus the lower bound) ... the upper bound is exclusive"; below the threshold it is
//!   the other way round (lower exclusive, upper inclusive). Example with threshold 50: `[0, 10)`
//!   is 50 ≤ m < 60 and `(-10, 0]` is 40 < m ≤ 50. Rules: "The ranges of your step adjustments
//!   can't overlap or have a gap"; at most one null lower bound, and a negative lower bound needs
//!   a step with a null lower bound; at most one null upper bound, and a positive upper bound needs
//!   a step with a null upper bound; a step can't have both bounds null.
//! * `MinAdjustmentMagnitude`
//!   (<https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/applicationautoscaling/aws.sdk.kotlin.services.applicationautoscaling.model/-step-scaling-policy-configuration/min-adjustment-magnitude.html>):
//!   "scale out an Amazon ECS service by 25 percent ... MinAdjustmentMagnitude of 2. If the service
//!   has 4 tasks ... 25 percent of 4 is 1. However ... scales out the service by 2 tasks."
//! * Rounding of `PercentChangeInCapacity` (Application Auto Scaling User Guide, "Step scaling
//!   policies", <https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html>,
//!   and the EC2 Auto Scaling "scaling adjustment types" page): values greater than 1 are rounded
//!   down (12.7 → 12), values between 0 and 1 are rounded to 1, values between 0 and −1 to −1, and
//!   values less than −1 are rounded up (−6.67 → −6). (From memory of those pages; the search
//!   index in this session did not return that paragraph. It did return the worked example the
//!   user guide gives, as reproduced in
//!   <https://www.pulumi.com/docs/reference/pkg/nodejs/pulumi/awsx/classes/classic.autoscaling.StepScalingPolicy.html>:
//!   +10 % of 10 → 11; "+30 percent of 11, 3.3, rounded down to 3" → 14; "remove 10 percent of
//!   14, 1.4, rounded down to 1" → 13 — which agrees.)
//! * `ScalingAdjustment` for ExactCapacity must be non-negative; PercentChangeInCapacity values
//!   range −100..100 is not enforced by AWS for scale-out (e.g. +200 % is allowed), so Berth only
//!   rejects values below −100.

/// `AdjustmentType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentType {
    ChangeInCapacity,
    PercentChangeInCapacity,
    ExactCapacity,
}

/// One `StepAdjustment`: bounds relative to the alarm threshold (`None` = infinity).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepPolicy {
    pub adjustment_type: AdjustmentType,
    pub steps: Vec<StepAdjustment>,
    pub min_adjustment_magnitude: Option<u32>,
}

fn show(b: Option<f64>, inf: &str) -> String {
    b.map(|v| v.to_string()).unwrap_or_else(|| inf.to_string())
}

fn describe(s: &StepAdjustment) -> String {
    format!("[{}, {})", show(s.lower, "-∞"), show(s.upper, "+∞"))
}

/// Check the AWS rules for a set of step adjustments. Returns every problem found, each a whole
/// sentence naming the step(s) by position (1-based) and their bounds.
pub fn validate(policy: &StepPolicy) -> Result<(), Vec<String>> {
    let steps = &policy.steps;
    let mut errs = Vec::new();
    if steps.is_empty() {
        errs.push("a step scaling policy needs at least one step adjustment".to_string());
        return Err(errs);
    }
    for (i, s) in steps.iter().enumerate() {
        let n = i + 1;
        if s.lower.is_none() && s.upper.is_none() {
            errs.push(format!("step {n}: the lower and upper bound can't both be null"));
        }
        for b in [s.lower, s.upper].into_iter().flatten() {
            if !b.is_finite() {
                errs.push(format!("step {n}: bounds must be finite numbers"));
            }
        }
        if let (Some(l), Some(u)) = (s.lower, s.upper) {
            if l >= u {
                errs.push(format!("step {n}: lower bound {l} must be less than upper bound {u}"));
            }
        }
        match policy.adjustment_type {
            AdjustmentType::ExactCapacity if s.adjustment < 0 => {
                errs.push(format!("step {n}: ExactCapacity needs a non-negative ScalingAdjustment; got {}", s.adjustment))
            }
            AdjustmentType::PercentChangeInCapacity if s.adjustment < -100 => {
                errs.push(format!("step {n}: PercentChangeInCapacity can't remove more than 100 %; got {}", s.adjustment))
            }
            _ => {}
        }
    }
    let null_lower = steps.iter().filter(|s| s.lower.is_none()).count();
    let null_upper = steps.iter().filter(|s| s.upper.is_none()).count();
    if null_lower > 1 {
        errs.push(format!("{null_lower} steps have a null lower bound; at most one may"));
    }
    if null_upper > 1 {
        errs.push(format!("{null_upper} steps have a null upper bound; at most one may"));
    }
    if null_lower == 0 && steps.iter().any(|s| s.lower.is_some_and(|l| l < 0.0)) {
        errs.push("a step has a negative lower bound, so one step must have a null lower bound".to_string());
    }
    if null_upper == 0 && steps.iter().any(|s| s.upper.is_some_and(|u| u > 0.0)) {
        errs.push("a step has a positive upper bound, so one step must have a null upper bound".to_string());
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    // Gaps and overlaps: sort by lower bound (null first), then each upper must equal the next lower.
    let mut order: Vec<usize> = (0..steps.len()).collect();
    crate::engine::sort::sort_by(&mut order, |&a, &b| {
        let la = steps[a].lower.unwrap_or(f64::NEG_INFINITY);
        let lb = steps[b].lower.unwrap_or(f64::NEG_INFINITY);
        la.total_cmp(&lb).then(a.cmp(&b))
    });
    for w in order.windows(2) {
        let (a, b) = (&steps[w[0]], &steps[w[1]]);
        let au = a.upper.unwrap_or(f64::INFINITY);
        let bl = b.lower.unwrap_or(f64::NEG_INFINITY);
        if au > bl {
            errs.push(format!("steps {} {} and {} {} overlap", w[0] + 1, describe(a), w[1] + 1, describe(b)));
        } else if au < bl {
            errs.push(format!("gap between step {} {} and step {} {}: metric values from threshold{au:+} to threshold{bl:+} match no step", w[0] + 1, describe(a), w[1] + 1, describe(b)));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

/// The step that applies to `metric` for an alarm with breach `threshold` (AWS bound semantics:
/// above the threshold `[lower, upper)`, below it `(lower, upper]`). Exactly at the threshold both
/// readings are possible (the alarm may be `>=` or `<=`); Berth tries `[lower, upper)` first, then
/// `(lower, upper]`, so a scale-out step starting at 0 wins over a scale-in step ending at 0.
pub fn find_step(steps: &[StepAdjustment], threshold: f64, metric: f64) -> Option<&StepAdjustment> {
    let d = metric - threshold;
    if !d.is_finite() {
        return None;
    }
    let bounds = |s: &StepAdjustment| (s.lower.unwrap_or(f64::NEG_INFINITY), s.upper.unwrap_or(f64::INFINITY));
    let above = || steps.iter().find(|s| { let (l, u) = bounds(s); l <= d && d < u });
    let below = || steps.iter().find(|s| { let (l, u) = bounds(s); l < d && d <= u });
    if d > 0.0 {
        above()
    } else if d < 0.0 {
        below()
    } else {
        above().or_else(below)
    }
}

/// The change in capacity for `PercentChangeInCapacity`, with AWS rounding and
/// `MinAdjustmentMagnitude`, in integer arithmetic (`current × percent` in hundredths).
pub fn percent_change(current: u32, percent: i64, min_magnitude: Option<u32>) -> i64 {
    let hundredths = current as i64 * percent; // the change × 100
    let change = if hundredths > 100 {
        hundredths / 100 // > 1: round down
    } else if hundredths > 0 {
        1 // (0, 1]: 1
    } else if hundredths == 0 {
        0
    } else if hundredths >= -100 {
        -1 // [-1, 0): -1
    } else {
        hundredths / 100 // < -1: toward zero, i.e. rounded up
    };
    match min_magnitude {
        Some(m) if change != 0 && change.unsigned_abs() < m as u64 => change.signum() * m as i64,
        _ => change,
    }
}

/// New capacity after applying `step` to `current`, clamped to `[min, max]`.
pub fn apply(adjustment_type: AdjustmentType, step: &StepAdjustment, min_magnitude: Option<u32>, current: u32, min: u32, max: u32) -> u32 {
    let target: i64 = match adjustment_type {
        AdjustmentType::ChangeInCapacity => current as i64 + step.adjustment,
        AdjustmentType::PercentChangeInCapacity => current as i64 + percent_change(current, step.adjustment, min_magnitude),
        AdjustmentType::ExactCapacity => step.adjustment,
    };
    target.clamp(min as i64, max as i64) as u32
}

/// Evaluate a policy for a metric value: `None` if no step matches (then nothing happens).
pub fn evaluate(policy: &StepPolicy, threshold: f64, metric: f64, current: u32, min: u32, max: u32) -> Option<u32> {
    let step = find_step(&policy.steps, threshold, metric)?;
    Some(apply(policy.adjustment_type, step, policy.min_adjustment_magnitude, current, min, max))
}

#[cfg(test)]
mod tests {
    use super::*;
    use AdjustmentType::*;

    fn s(lower: Option<f64>, upper: Option<f64>, adjustment: i64) -> StepAdjustment {
        StepAdjustment { lower, upper, adjustment }
    }

    fn pol(t: AdjustmentType, steps: Vec<StepAdjustment>) -> StepPolicy {
        StepPolicy { adjustment_type: t, steps, min_adjustment_magnitude: None }
    }

    #[test]
    fn bounds_from_the_api_reference() {
        // threshold 50: [0, 10) is 50 ≤ m < 60; (-10, 0] is 40 < m ≤ 50
        let up = [s(Some(0.0), Some(10.0), 1), s(Some(10.0), None, 3)];
        let rows = [(50.0, Some(1)), (59.99, Some(1)), (60.0, Some(3)), (1e6, Some(3)), (49.9, None)];
        for (m, want) in rows {
            assert_eq!(find_step(&up, 50.0, m).map(|s| s.adjustment), want, "metric {m}");
        }
        let down = [s(None, Some(-10.0), -2), s(Some(-10.0), Some(0.0), -1)];
        let rows = [(50.0, Some(-1)), (40.01, Some(-1)), (40.0, Some(-2)), (0.0, Some(-2)), (50.5, None)];
        for (m, want) in rows {
            assert_eq!(find_step(&down, 50.0, m).map(|s| s.adjustment), want, "metric {m}");
        }
    }

    #[test]
    fn percent_rounding_table() {
        // (current, percent, MinAdjustmentMagnitude) → change
        let rows = [
            (4, 25, Some(2), 2),   // the MinAdjustmentMagnitude example: 1 → 2
            (4, 25, None, 1),
            (127, 10, None, 12),   // 12.7 → 12
            (2, 33, None, 1),      // 0.66 → 1
            (3, -20, None, -1),    // -0.6 → -1
            (667, -1, None, -6),   // -6.67 → -6
            (20, -50, None, -10),
            (10, 0, Some(3), 0),
            (3, -10, Some(2), -2), // -0.3 → -1 → magnitude 2
            (0, 50, None, 0),
            (10, 10, None, 1),     // exactly 1
            (10, -10, None, -1),   // exactly -1
            (11, 30, None, 3),     // the user guide's example: 3.3 → 3
            (14, -10, None, -1),   // and: -1.4 → -1
        ];
        for (c, p, m, want) in rows {
            assert_eq!(percent_change(c, p, m), want, "{p}% of {c} (min {m:?})");
        }
    }

    #[test]
    fn apply_table() {
        let step = |a| s(Some(0.0), None, a);
        assert_eq!(apply(ChangeInCapacity, &step(3), None, 4, 1, 10), 7);
        assert_eq!(apply(ChangeInCapacity, &step(-9), None, 4, 1, 10), 1);
        assert_eq!(apply(ChangeInCapacity, &step(30), None, 4, 1, 10), 10);
        assert_eq!(apply(ExactCapacity, &step(6), None, 4, 1, 10), 6);
        assert_eq!(apply(PercentChangeInCapacity, &step(25), Some(2), 4, 1, 10), 6);
        assert_eq!(apply(PercentChangeInCapacity, &step(-100), None, 4, 0, 10), 0);
    }

    #[test]
    fn validation_messages() {
        let ok = pol(ChangeInCapacity, vec![s(None, Some(-10.0), -2), s(Some(-10.0), Some(0.0), -1), s(Some(0.0), Some(10.0), 1), s(Some(10.0), None, 3)]);
        assert_eq!(validate(&ok), Ok(()));
        let cases: Vec<(StepPolicy, &str)> = vec![
            (pol(ChangeInCapacity, vec![s(Some(0.0), Some(10.0), 1), s(Some(20.0), None, 2)]), "gap between step 1 [0, 10) and step 2 [20, +∞)"),
            (pol(ChangeInCapacity, vec![s(Some(0.0), Some(15.0), 1), s(Some(10.0), None, 2)]), "steps 1 [0, 15) and 2 [10, +∞) overlap"),
            (pol(ChangeInCapacity, vec![s(None, None, 1)]), "can't both be null"),
            (pol(ChangeInCapacity, vec![s(Some(0.0), Some(10.0), 1)]), "positive upper bound"),
            (pol(ChangeInCapacity, vec![s(Some(-10.0), Some(0.0), -1)]), "negative lower bound"),
            (pol(ChangeInCapacity, vec![s(Some(0.0), None, 1), s(Some(5.0), None, 1)]), "null upper bound; at most one"),
            (pol(ChangeInCapacity, vec![s(Some(10.0), Some(0.0), 1), s(Some(10.0), None, 1)]), "must be less than upper bound"),
            (pol(ExactCapacity, vec![s(Some(0.0), None, -1)]), "non-negative"),
            (pol(PercentChangeInCapacity, vec![s(Some(0.0), None, -150)]), "more than 100"),
            (pol(ChangeInCapacity, vec![]), "at least one"),
        ];
        for (p, want) in cases {
            let errs = validate(&p).expect_err(want);
            assert!(errs.iter().any(|e| e.contains(want)), "{want:?} not in {errs:?}");
        }
    }

    #[test]
    fn evaluate_end_to_end() {
        // CPU alarm at 70 %: +1 from 70, +3 from 85.
        let both = [s(None, Some(0.0), -1), s(Some(0.0), None, 1)];
        assert_eq!(find_step(&both, 50.0, 50.0).map(|s| s.adjustment), Some(1), "at the threshold the scale-out step wins");
        let p = pol(ChangeInCapacity, vec![s(Some(0.0), Some(15.0), 1), s(Some(15.0), None, 3)]);
        assert_eq!(evaluate(&p, 70.0, 72.0, 2, 2, 10), Some(3));
        assert_eq!(evaluate(&p, 70.0, 85.0, 2, 2, 10), Some(5));
        assert_eq!(evaluate(&p, 70.0, 69.0, 2, 2, 10), None);
        assert_eq!(evaluate(&p, 70.0, f64::NAN, 2, 2, 10), None);
    }
}
