//! ECS rolling-update arithmetic and the deployment circuit breaker, as pure functions.
//!
//! Source: Amazon ECS Developer Guide, "Deploy Amazon ECS services by replacing tasks" and the
//! `DeploymentConfiguration` API reference:
//! * `minimumHealthyPercent` (default 100) is a lower limit on the number of tasks that must stay
//!   RUNNING and healthy during a deployment, rounded **up**: `ceil(desired × min / 100)`.
//! * `maximumPercent` (default 200) is an upper limit on the number of tasks in the RUNNING or
//!   PENDING state, rounded **down**: `floor(desired × max / 100)`.
//!
//! The scheduler starts new tasks while under the upper limit and stops old ones only while the
//! lower limit still holds; if it can do neither and the deployment is not finished, the
//! deployment is stuck.

use serde::{Deserialize, Serialize};

/// `deploymentConfiguration` of a service (the simulated subset, AWS field names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentConfiguration {
    #[serde(default = "default_min")]
    pub minimum_healthy_percent: u32,
    #[serde(default = "default_max")]
    pub maximum_percent: u32,
    #[serde(default)]
    pub deployment_circuit_breaker: CircuitBreakerConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CircuitBreakerConfig {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
}

fn default_min() -> u32 {
    100
}
fn default_max() -> u32 {
    200
}

/// `deploymentConfiguration` as given to UpdateService: fields left out keep their values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentConfigurationPatch {
    #[serde(default)]
    pub minimum_healthy_percent: Option<u32>,
    #[serde(default)]
    pub maximum_percent: Option<u32>,
    #[serde(default)]
    pub deployment_circuit_breaker: Option<CircuitBreakerConfig>,
}

impl DeploymentConfigurationPatch {
    pub fn apply(&self, to: &DeploymentConfiguration) -> DeploymentConfiguration {
        DeploymentConfiguration {
            minimum_healthy_percent: self.minimum_healthy_percent.unwrap_or(to.minimum_healthy_percent),
            maximum_percent: self.maximum_percent.unwrap_or(to.maximum_percent),
            deployment_circuit_breaker: self.deployment_circuit_breaker.clone().unwrap_or_else(|| to.deployment_circuit_breaker.clone()),
        }
    }
}

impl Default for DeploymentConfiguration {
    fn default() -> Self {
        DeploymentConfiguration { minimum_healthy_percent: 100, maximum_percent: 200, deployment_circuit_breaker: CircuitBreakerConfig::default() }
    }
}

impl DeploymentConfiguration {
    /// The AWS validation rules for the two percentages.
    pub fn validate(&self) -> Result<(), String> {
        if self.minimum_healthy_percent > 100 {
            return Err(format!("minimumHealthyPercent must be 0–100; got {}", self.minimum_healthy_percent));
        }
        if self.maximum_percent < 100 {
            return Err(format!("maximumPercent must be at least 100; got {}", self.maximum_percent));
        }
        if self.maximum_percent > 1000 {
            return Err(format!("maximumPercent above 1000 is not allowed in Berth; got {}", self.maximum_percent));
        }
        Ok(())
    }

    /// (lower, upper): tasks that must stay healthy, and tasks allowed RUNNING or PENDING.
    pub fn bounds(&self, desired: u32) -> (u32, u32) {
        bounds(desired, self.minimum_healthy_percent, self.maximum_percent)
    }
}

/// `(ceil(desired × min / 100), floor(desired × max / 100))`, in integer arithmetic.
pub fn bounds(desired: u32, min_pct: u32, max_pct: u32) -> (u32, u32) {
    let d = desired as u64;
    let lower = (d * min_pct as u64).div_ceil(100);
    let upper = d * max_pct as u64 / 100;
    (lower as u32, upper as u32)
}

/// What the service has, as the rolling update sees it. "Old" tasks are those to be replaced
/// (another revision, or on a draining instance); "live" means desired status RUNNING.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub desired: u32,
    pub old_healthy: u32,
    /// Old tasks not (or not yet) healthy: stopping them never lowers the healthy count.
    pub old_other: u32,
    pub new_healthy: u32,
    pub new_other: u32,
}

/// One step of the rolling update: how many of each to stop and start now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Step {
    pub stop_old_other: u32,
    pub stop_old_healthy: u32,
    pub start_new: u32,
    /// Set when nothing can move although the deployment is not done (and nothing is in flight).
    pub stuck: Option<String>,
}

/// Decide the next step. `in_flight` is true while tasks are still starting or stopping (the
/// deployment is then waiting, not stuck).
pub fn step(cfg: &DeploymentConfiguration, c: Counts, in_flight: bool) -> Step {
    let (lower, upper) = cfg.bounds(c.desired);
    let healthy = c.old_healthy + c.new_healthy;
    let mut s = Step::default();
    // Old tasks that are not healthy can go at any time: they are not holding the lower bound.
    s.stop_old_other = c.old_other;
    // Healthy old tasks may go while the lower bound still holds. New tasks beyond the desired
    // count never exist, so the bound is on the total healthy count.
    let spare = healthy.saturating_sub(lower);
    // Never stop more old tasks than would leave the service short once the new ones are counted.
    s.stop_old_healthy = spare.min(c.old_healthy);
    let live_after_stops = c.old_healthy - s.stop_old_healthy + c.new_healthy + c.new_other;
    let wanted_new = c.desired.saturating_sub(c.new_healthy + c.new_other);
    s.start_new = upper.saturating_sub(live_after_stops).min(wanted_new);
    let done = c.old_healthy + c.old_other == 0 && c.new_healthy == c.desired;
    if !done && !in_flight && s.stop_old_other == 0 && s.stop_old_healthy == 0 && s.start_new == 0 {
        s.stuck = Some(format!(
            "minimumHealthyPercent {} and maximumPercent {} of {} task(s) allow neither stopping an old task (at least {lower} must stay healthy; {healthy} are) nor starting a new one (at most {upper} may run; {} do)",
            cfg.minimum_healthy_percent,
            cfg.maximum_percent,
            c.desired,
            live_after_stops
        ));
    }
    s
}

/// The circuit breaker's failure threshold: 0.5 × desired count, at least 3 and at most 200.
/// Source: ECS API reference, `ServiceDeploymentCircuitBreaker.threshold` ("minimum threshold of
/// 3 and a maximum threshold of 200 ... 0.5 * desired task count"); rounded up.
pub fn circuit_breaker_threshold(desired: u32) -> u32 {
    desired.div_ceil(2).clamp(3, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(min: u32, max: u32) -> DeploymentConfiguration {
        DeploymentConfiguration { minimum_healthy_percent: min, maximum_percent: max, ..Default::default() }
    }

    #[test]
    fn bounds_table_from_the_docs() {
        // (desired, min, max) → (lower, upper)
        let rows = [
            (4, 50, 200, 2, 8),   // "50% of 4 can stop 2"
            (2, 75, 200, 2, 4),   // "75% of 2": ceil(1.5) = 2 → cannot stop any
            (3, 100, 125, 3, 3),  // "125% of 3": floor(3.75) = 3 → cannot start any
            (4, 100, 150, 4, 6),  // course scenario 2
            (4, 50, 100, 2, 4),   // course scenario 1
            (10, 100, 200, 10, 20), // the defaults
            (0, 100, 200, 0, 0),
            (3, 0, 100, 0, 3),
        ];
        for (d, min, max, lo, up) in rows {
            assert_eq!(bounds(d, min, max), (lo, up), "{d} at {min}%/{max}%");
        }
    }

    /// Play a rolling update of 4 tasks with instant, always-healthy tasks: each step's stops
    /// and starts take effect before the next step. Returns the steps as (stopped, started).
    fn play(min: u32, max: u32, desired: u32) -> Vec<(u32, u32)> {
        let c = cfg(min, max);
        let mut counts = Counts { desired, old_healthy: desired, ..Default::default() };
        let mut out = Vec::new();
        for _ in 0..20 {
            let s = step(&c, counts, false);
            assert!(s.stuck.is_none(), "{:?}", s.stuck);
            if s.stop_old_healthy == 0 && s.start_new == 0 {
                break;
            }
            counts.old_healthy -= s.stop_old_healthy;
            counts.new_healthy += s.start_new;
            out.push((s.stop_old_healthy, s.start_new));
        }
        assert_eq!((counts.old_healthy, counts.new_healthy), (0, desired));
        out
    }

    #[test]
    fn course_scenario_one_min_50_max_100() {
        // Stop 2, start 2, stop 2, start 2 (stops and starts of one step happen together).
        assert_eq!(play(50, 100, 4), vec![(2, 2), (2, 2)]);
    }

    #[test]
    fn course_scenario_two_min_100_max_150() {
        // Start 2 (150 %), stop 2, start 2, stop 2.
        let c = cfg(100, 150);
        let mut counts = Counts { desired: 4, old_healthy: 4, ..Default::default() };
        let s1 = step(&c, counts, false);
        assert_eq!((s1.stop_old_healthy, s1.start_new), (0, 2));
        counts.new_healthy = 2;
        let s2 = step(&c, counts, false);
        assert_eq!((s2.stop_old_healthy, s2.start_new), (2, 2), "stop 2 old, then start 2 new at once");
        counts.old_healthy = 2;
        counts.new_healthy = 4;
        let s3 = step(&c, counts, false);
        assert_eq!((s3.stop_old_healthy, s3.start_new), (2, 0));
    }

    #[test]
    fn new_tasks_still_starting_hold_the_upper_bound() {
        // 100/150 of 4 with 2 new tasks PENDING: nothing to do but wait; not stuck.
        let s = step(&cfg(100, 150), Counts { desired: 4, old_healthy: 4, new_other: 2, ..Default::default() }, true);
        assert_eq!(s, Step::default());
    }

    #[test]
    fn stuck_configurations() {
        let s = step(&cfg(100, 125), Counts { desired: 3, old_healthy: 3, ..Default::default() }, false);
        assert_eq!((s.stop_old_healthy, s.start_new), (0, 0));
        assert_eq!(
            s.stuck.as_deref(),
            Some("minimumHealthyPercent 100 and maximumPercent 125 of 3 task(s) allow neither stopping an old task (at least 3 must stay healthy; 3 are) nor starting a new one (at most 3 may run; 3 do)")
        );
        let s = step(&cfg(100, 100), Counts { desired: 2, old_healthy: 2, ..Default::default() }, false);
        assert!(s.stuck.is_some());
        // 75 % of 2 cannot stop any, but 200 % can start: not stuck.
        let s = step(&cfg(75, 200), Counts { desired: 2, old_healthy: 2, ..Default::default() }, false);
        assert_eq!((s.stop_old_healthy, s.start_new, s.stuck.is_none()), (0, 2, true));
    }

    #[test]
    fn unhealthy_old_tasks_are_stopped_without_touching_the_bound() {
        // 100/100 of 4 with 2 old tasks unhealthy: stop those 2 (the healthy count stays 2, below
        // the lower bound of 4, so no healthy one may go) and start 2 new in the room they leave.
        let s = step(&cfg(100, 100), Counts { desired: 4, old_healthy: 2, old_other: 2, ..Default::default() }, false);
        assert_eq!((s.stop_old_other, s.stop_old_healthy, s.start_new), (2, 0, 2));
    }

    #[test]
    fn circuit_breaker_thresholds() {
        for (desired, t) in [(1, 3), (2, 3), (5, 3), (6, 3), (7, 4), (25, 13), (100, 50), (400, 200), (800, 200)] {
            assert_eq!(circuit_breaker_threshold(desired), t, "{desired}");
        }
    }

    #[test]
    fn validation() {
        assert!(cfg(50, 100).validate().is_ok());
        assert_eq!(cfg(101, 200).validate().unwrap_err(), "minimumHealthyPercent must be 0–100; got 101");
        assert_eq!(cfg(50, 90).validate().unwrap_err(), "maximumPercent must be at least 100; got 90");
    }
}

/// A Kubernetes `IntOrString` for `maxSurge` / `maxUnavailable`: `3` or `"25%"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(u32),
    Percent(u32),
}

impl IntOrPercent {
    /// Parse `"3"` or `"25%"`, as `intstr` does; anything else is an error naming the value.
    pub fn parse(text: &str) -> Result<IntOrPercent, String> {
        let t = text.trim();
        if let Some(p) = t.strip_suffix('%') {
            return p.parse::<u32>().map(IntOrPercent::Percent).map_err(|_| format!("invalid value {text:?}: must be an integer or a percentage like \"25%\""));
        }
        t.parse::<u32>().map(IntOrPercent::Int).map_err(|_| format!("invalid value {text:?}: must be an integer or a percentage like \"25%\""))
    }

    /// `GetScaledValueFromIntOrPercent`: a percentage of `total`, rounded up or down.
    pub fn scaled(self, total: u32, round_up: bool) -> u32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let v = p as u64 * total as u64;
                (if round_up { v.div_ceil(100) } else { v / 100 }) as u32
            }
        }
    }
}

/// Kubernetes Deployment RollingUpdate limits, as the deployment controller's
/// `ResolveFenceposts` (kubernetes/kubernetes, pkg/controller/deployment/util/deployment_util.go)
/// computes them: `maxSurge` rounds **up**, `maxUnavailable` rounds **down**, an unset value
/// counts as 0, and if both resolve to 0 then `maxUnavailable` becomes 1 ("on the theory that
/// surge might not work due to quota"). Returns (maxSurge, maxUnavailable) in pods.
/// (The API server defaults unset fields to 25 %/25 % before the controller sees them; see
/// [`k8s_rolling_defaults`].)
pub fn resolve_fenceposts(max_surge: Option<&str>, max_unavailable: Option<&str>, desired: u32) -> Result<(u32, u32), String> {
    let surge = match max_surge {
        Some(s) => IntOrPercent::parse(s).map_err(|e| format!("maxSurge: {e}"))?.scaled(desired, true),
        None => 0,
    };
    let unavailable = match max_unavailable {
        Some(s) => IntOrPercent::parse(s).map_err(|e| format!("maxUnavailable: {e}"))?.scaled(desired, false),
        None => 0,
    };
    Ok(if surge == 0 && unavailable == 0 { (0, 1) } else { (surge, unavailable) })
}

/// The API server's defaults for a Deployment's `strategy.rollingUpdate`: 25 % and 25 %.
pub fn k8s_rolling_defaults() -> (&'static str, &'static str) {
    ("25%", "25%")
}

/// API validation of `strategy.rollingUpdate` (ValidateRollingUpdateDeployment): both may not be
/// 0, and `maxUnavailable` may not exceed 100 %.
pub fn validate_rolling_update(max_surge: &str, max_unavailable: &str) -> Result<(), String> {
    let s = IntOrPercent::parse(max_surge).map_err(|e| format!("spec.strategy.rollingUpdate.maxSurge: {e}"))?;
    let u = IntOrPercent::parse(max_unavailable).map_err(|e| format!("spec.strategy.rollingUpdate.maxUnavailable: {e}"))?;
    let zero = |v: IntOrPercent| matches!(v, IntOrPercent::Int(0) | IntOrPercent::Percent(0));
    if zero(s) && zero(u) {
        return Err("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0".into());
    }
    if let IntOrPercent::Percent(p) = u {
        if p > 100 {
            return Err(format!("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"{p}%\": must not be greater than 100%"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod k8s_tests {
    use super::*;

    /// The cases of TestResolveFenceposts in kubernetes/kubernetes deployment_util_test.go.
    #[test]
    fn resolve_fenceposts_table() {
        let rows: &[(Option<&str>, Option<&str>, u32, Result<(u32, u32), ()>)] = &[
            (Some("0%"), Some("0%"), 0, Ok((0, 1))),
            (Some("39%"), Some("39%"), 10, Ok((4, 3))),
            (Some("oops"), Some("39%"), 10, Err(())),
            (Some("55%"), Some("urg"), 10, Err(())),
            (None, Some("39%"), 10, Ok((0, 3))),
            (Some("39%"), None, 10, Ok((4, 0))),
            (None, None, 10, Ok((0, 1))),
        ];
        for (s, u, d, want) in rows {
            let got = resolve_fenceposts(*s, *u, *d).map_err(|_| ());
            assert_eq!(&got, want, "{s:?} {u:?} {d}");
        }
    }

    #[test]
    fn defaults_round_as_documented() {
        // 25 % of 10: surge ceil(2.5) = 3, unavailable floor(2.5) = 2 (Kubernetes docs, Deployments).
        let (s, u) = k8s_rolling_defaults();
        assert_eq!(resolve_fenceposts(Some(s), Some(u), 10), Ok((3, 2)));
        // 25 % of 1: surge 1, unavailable 0.
        assert_eq!(resolve_fenceposts(Some(s), Some(u), 1), Ok((1, 0)));
        // Absolute values are taken as they are.
        assert_eq!(resolve_fenceposts(Some("2"), Some("0"), 4), Ok((2, 0)));
    }

    #[test]
    fn validation() {
        assert!(validate_rolling_update("25%", "25%").is_ok());
        assert!(validate_rolling_update("0", "1").is_ok());
        assert_eq!(validate_rolling_update("0", "0%").unwrap_err(), "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0");
        assert!(validate_rolling_update("10%", "150%").unwrap_err().contains("must not be greater than 100%"));
        assert!(validate_rolling_update("x", "1").unwrap_err().starts_with("spec.strategy.rollingUpdate.maxSurge: invalid value \"x\""));
    }
}
