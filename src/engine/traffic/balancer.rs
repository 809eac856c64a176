//! An Application Load Balancer's target group: target health and request routing.
//!
//! Sources: Elastic Load Balancing, "Health checks for Application Load Balancer target groups"
//! (defaults: interval 30 s, timeout 5 s, healthy threshold 5, unhealthy threshold 2; a new
//! target is `initial` until it passes; "if no enabled Availability Zone has a healthy target,
//! the load balancer routes requests to all registered targets" — fail open) and "Target groups
//! for your Application Load Balancers" (deregistration delay default 300 s; routing algorithms
//! round_robin and least_outstanding_requests; sticky sessions). ECS registers a service task
//! when it reaches RUNNING and deregisters it before stopping it ("Use load balancing to
//! distribute Amazon ECS service traffic").
//!
//! Routing is modelled as each target's share of the offered requests:
//! * `round_robin`: equal shares.
//! * `least_outstanding_requests`: shares proportional to each target's capacity (requests/s at
//!   100 % CPU) — in steady state, sending the next request to the target with the fewest in
//!   flight equalises queue lengths, which gives faster targets proportionally more.
//! * `ip_hash` (sticky clients): 100 clients of equal weight, each pinned to the target with the
//!   highest hash of (client, target) — rendezvous hashing, so a target leaving moves only its own
//!   clients. Shares are therefore uneven, as with real sticky traffic.

use serde::{Deserialize, Serialize};

use crate::engine::rng::fnv1a;
use crate::engine::time::{parse_duration, Millis, SECOND};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    #[default]
    RoundRobin,
    LeastOutstandingRequests,
    IpHash,
}

/// The `loadBalancer` of a service in a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadBalancerSpec {
    /// Target group name (default `<service>-tg`).
    #[serde(default)]
    pub target_group: Option<String>,
    #[serde(default)]
    pub algorithm: Algorithm,
    #[serde(default)]
    pub health_check: HealthCheckSpec,
    /// Default `300s`.
    #[serde(default)]
    pub deregistration_delay: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HealthCheckSpec {
    #[serde(default)]
    pub path: Option<String>,
    /// Default `30s` (5 s to 300 s).
    #[serde(default)]
    pub interval: Option<String>,
    /// Default 5 (2 to 10).
    #[serde(default)]
    pub healthy_threshold: Option<u32>,
    /// Default 2 (2 to 10).
    #[serde(default)]
    pub unhealthy_threshold: Option<u32>,
}

/// Resolved target group settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroup {
    pub name: String,
    pub algorithm: Algorithm,
    pub health_check_path: String,
    pub interval_ms: Millis,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    pub deregistration_delay_ms: Millis,
}

impl LoadBalancerSpec {
    pub fn resolve(&self, service: &str) -> Result<TargetGroup, String> {
        let hc = &self.health_check;
        let interval_ms = hc.interval.as_deref().map(parse_duration).transpose().map_err(|e| format!("healthCheck.interval: {e}"))?.unwrap_or(30 * SECOND);
        if !(5 * SECOND..=300 * SECOND).contains(&interval_ms) {
            return Err(format!("healthCheck.interval must be between 5s and 300s (as ALB allows); got {}", crate::engine::time::Clock(interval_ms)));
        }
        let threshold = |name: &str, v: Option<u32>, default: u32| -> Result<u32, String> {
            let v = v.unwrap_or(default);
            if !(2..=10).contains(&v) {
                return Err(format!("healthCheck.{name} must be between 2 and 10; got {v}"));
            }
            Ok(v)
        };
        let delay = self.deregistration_delay.as_deref().map(parse_duration).transpose().map_err(|e| format!("deregistrationDelay: {e}"))?.unwrap_or(300 * SECOND);
        if delay > 3600 * SECOND {
            return Err("deregistrationDelay must be at most 3600s".into());
        }
        Ok(TargetGroup {
            name: self.target_group.clone().unwrap_or_else(|| format!("{service}-tg")),
            algorithm: self.algorithm,
            health_check_path: hc.path.clone().unwrap_or_else(|| "/".into()),
            interval_ms,
            healthy_threshold: threshold("healthyThreshold", hc.healthy_threshold, 5)?,
            unhealthy_threshold: threshold("unhealthyThreshold", hc.unhealthy_threshold, 2)?,
            deregistration_delay_ms: delay,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetHealth {
    Initial,
    Healthy,
    Unhealthy,
    Draining,
}

impl TargetHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetHealth::Initial => "initial",
            TargetHealth::Healthy => "healthy",
            TargetHealth::Unhealthy => "unhealthy",
            TargetHealth::Draining => "draining",
        }
    }
}

/// One registered target (a task).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub service: String,
    /// `10.0.x.y:port` (awsvpc task IP) or `i-xx:hostPort` (bridge mode, dynamic host port).
    pub address: String,
    pub state: TargetHealth,
    pub registered_at: Millis,
    pub successes: u32,
    pub failures: u32,
    /// While draining: when deregistration completes.
    pub draining_until: Option<Millis>,
    /// The target group's health check interval (copied at registration).
    #[serde(skip)]
    pub interval_ms: Millis,
    /// The target group's thresholds (copied at registration).
    #[serde(skip)]
    pub healthy_threshold: u32,
    #[serde(skip)]
    pub unhealthy_threshold: u32,
    /// What a health check asks of the task, copied from it so that a check needs no lookups:
    /// is it RUNNING (kept in sync by the lifecycle's `set_status`), since when, and when its
    /// revision's app answers (`readyAfter`) and stops answering (`failHealthCheckAfter`).
    #[serde(skip)]
    pub task_running: bool,
    #[serde(skip)]
    pub started_at: Option<Millis>,
    #[serde(skip)]
    pub ready_after: Millis,
    #[serde(skip)]
    pub fail_after: Option<Millis>,
    /// The service's health check grace period (copied at registration).
    #[serde(skip)]
    pub grace_ms: Millis,
    /// The last time this target was checked (a target is checked at most once per instant).
    #[serde(skip)]
    pub checked_at: Option<Millis>,
}

impl Target {
    pub fn new(service: &str, address: String, now: Millis) -> Target {
        Target {
            service: service.to_string(),
            address,
            state: TargetHealth::Initial,
            registered_at: now,
            successes: 0,
            failures: 0,
            draining_until: None,
            interval_ms: 30 * SECOND,
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            task_running: false,
            started_at: None,
            ready_after: 0,
            fail_after: None,
            grace_ms: 0,
            checked_at: None,
        }
    }

    /// Does the app behind this target answer its health check at `now`? (The same rule as the
    /// container health check: RUNNING, ready after `readyAfter`, failing from
    /// `failHealthCheckAfter`.)
    pub fn app_passes(&self, now: Millis) -> bool {
        let Some(started) = self.started_at.filter(|_| self.task_running) else { return false };
        let since = now.saturating_sub(started);
        since >= self.ready_after && self.fail_after.is_none_or(|f| since < f)
    }

    /// Record one health check against `tg`'s thresholds; returns the new state if it changed.
    pub fn check(&mut self, passed: bool, tg: &TargetGroup) -> Option<TargetHealth> {
        self.healthy_threshold = tg.healthy_threshold;
        self.unhealthy_threshold = tg.unhealthy_threshold;
        self.check_copied(passed)
    }

    /// Record one health check against the thresholds copied at registration; returns the new
    /// state if it changed.
    pub fn check_copied(&mut self, passed: bool) -> Option<TargetHealth> {
        if self.state == TargetHealth::Draining {
            return None;
        }
        // The counters count consecutive results up to the threshold that acts on them (a
        // healthy target's passes or an unhealthy one's failures change nothing beyond it).
        if passed {
            self.failures = 0;
            self.successes = self.successes.saturating_add(1).min(self.healthy_threshold.max(1));
            if self.state != TargetHealth::Healthy && self.successes >= self.healthy_threshold {
                self.state = TargetHealth::Healthy;
                return Some(self.state);
            }
        } else {
            self.successes = 0;
            self.failures = self.failures.saturating_add(1).min(self.unhealthy_threshold.max(1));
            // A new target fails over to unhealthy after the unhealthy threshold too.
            if self.state != TargetHealth::Unhealthy && self.failures >= self.unhealthy_threshold {
                self.state = TargetHealth::Unhealthy;
                return Some(self.state);
            }
        }
        None
    }
}

/// Which of `targets` get requests: the healthy ones, or — fail open — every registered target
/// that is not draining when none is healthy. Returns indexes into `targets`.
pub fn routable(targets: &[TargetHealth]) -> Vec<usize> {
    let healthy: Vec<usize> = targets.iter().enumerate().filter(|(_, s)| **s == TargetHealth::Healthy).map(|(i, _)| i).collect();
    if !healthy.is_empty() {
        return healthy;
    }
    targets.iter().enumerate().filter(|(_, s)| **s != TargetHealth::Draining).map(|(i, _)| i).collect()
}

/// Clients used for `ip_hash` routing.
pub const STICKY_CLIENTS: u32 = 100;

/// Each routable target's share (summing to 1) of the offered requests. `ids` name the targets
/// (for sticky hashing); `capacity` is each target's requests/s at 100 % CPU.
pub fn shares(algorithm: Algorithm, ids: &[&str], capacity: &[f64]) -> Vec<f64> {
    let n = ids.len();
    if n == 0 {
        return Vec::new();
    }
    match algorithm {
        Algorithm::RoundRobin => vec![1.0 / n as f64; n],
        Algorithm::LeastOutstandingRequests => {
            let total: f64 = capacity.iter().filter(|c| c.is_finite()).sum();
            if !(total > 0.0) || capacity.len() != n || capacity.iter().any(|c| !c.is_finite()) {
                return vec![1.0 / n as f64; n];
            }
            capacity.iter().map(|c| c / total).collect()
        }
        Algorithm::IpHash => {
            let mut counts = vec![0u32; n];
            for client in 0..STICKY_CLIENTS {
                let best = (0..n).max_by_key(|&i| (fnv1a(format!("client-{client}|{}", ids[i]).as_bytes()), std::cmp::Reverse(i)));
                if let Some(b) = best {
                    counts[b] += 1;
                }
            }
            counts.iter().map(|c| *c as f64 / STICKY_CLIENTS as f64).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tg() -> TargetGroup {
        LoadBalancerSpec::default().resolve("web").unwrap()
    }

    #[test]
    fn defaults_are_the_alb_defaults() {
        let t = tg();
        assert_eq!((t.name.as_str(), t.interval_ms, t.healthy_threshold, t.unhealthy_threshold, t.deregistration_delay_ms), ("web-tg", 30_000, 5, 2, 300_000));
    }

    #[test]
    fn a_new_target_needs_five_passing_checks() {
        let tg = tg();
        let mut t = Target::new("web", "10.0.1.4:80".into(), 0);
        for _ in 0..4 {
            assert_eq!(t.check(true, &tg), None);
        }
        assert_eq!(t.check(true, &tg), Some(TargetHealth::Healthy));
        assert_eq!(t.check(false, &tg), None);
        assert_eq!(t.check(false, &tg), Some(TargetHealth::Unhealthy));
        assert_eq!(t.check(true, &tg), None);
    }

    #[test]
    fn fail_open_when_nothing_is_healthy() {
        use TargetHealth::*;
        assert_eq!(routable(&[Healthy, Unhealthy, Initial, Healthy]), vec![0, 3]);
        assert_eq!(routable(&[Unhealthy, Draining, Initial]), vec![0, 2]);
        assert_eq!(routable(&[Draining]), Vec::<usize>::new());
    }

    #[test]
    fn routing_shares() {
        assert_eq!(shares(Algorithm::RoundRobin, &["a", "b", "c", "d"], &[1.0; 4]), vec![0.25; 4]);
        assert_eq!(shares(Algorithm::LeastOutstandingRequests, &["a", "b"], &[25.0, 75.0]), vec![0.25, 0.75]);
        let s = shares(Algorithm::IpHash, &["t-1", "t-2", "t-3"], &[1.0; 3]);
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_ne!(s, vec![1.0 / 3.0; 3], "sticky routing is uneven");
        // Rendezvous hashing: removing t-3 keeps every client of t-1 and t-2 where it was.
        let s2 = shares(Algorithm::IpHash, &["t-1", "t-2"], &[1.0; 2]);
        assert!(s2[0] >= s[0] && s2[1] >= s[1]);
    }

    #[test]
    fn invalid_settings() {
        let bad = LoadBalancerSpec { health_check: HealthCheckSpec { interval: Some("2s".into()), ..Default::default() }, ..Default::default() };
        assert_eq!(bad.resolve("web").unwrap_err(), "healthCheck.interval must be between 5s and 300s (as ALB allows); got 00:00:02");
        let bad = LoadBalancerSpec { health_check: HealthCheckSpec { healthy_threshold: Some(1), ..Default::default() }, ..Default::default() };
        assert_eq!(bad.resolve("web").unwrap_err(), "healthCheck.healthyThreshold must be between 2 and 10; got 1");
    }
}
