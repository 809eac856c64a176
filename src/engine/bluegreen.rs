//! Blue/green deployments (the CodeDeploy deployment controller) and canary releases with
//! automatic rollback.
//!
//! Source: Amazon ECS developer guide, "Blue/green deployment with CodeDeploy", and the CodeDeploy
//! user guide, "Deployment configurations on an Amazon ECS compute platform": a green task set is
//! started at full size next to the blue one; optionally test traffic is served for a while; then
//! production traffic shifts to green all at once, linearly (N % every M minutes) or as a canary
//! (N %, then the rest after M minutes); after `terminationWaitTimeInMinutes` the blue task set is
//! terminated. An alarm during the shift or the wait rolls traffic back to blue.
//!
//! Berth's alarm is the green revision's error rate (the behaviour model's `errorRate`) compared
//! with `rollbackErrorRateAbove`, checked before every shift after the first and at the end of the
//! wait. The course's canary (5 %, 25 %, 50 %, 100 %, rolling back above 2 % errors) is
//! `{"steps": [5, 25, 50, 100], "intervalMinutes": 1, "rollbackErrorRateAbove": 0.02}`.

use serde::{Deserialize, Serialize};

use crate::engine::time::{Millis, MINUTE};

/// How long the green task set may take to become healthy before the deployment is rolled
/// back. CodeDeploy's own limit depends on the deployment group; 10 minutes is Berth's choice.
pub const GREEN_READY_TIMEOUT_MS: Millis = 10 * MINUTE;

/// `deploymentController` of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ControllerType {
    #[default]
    Ecs,
    CodeDeploy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeploymentController {
    #[serde(rename = "type", default)]
    pub kind: ControllerType,
}

/// The blue/green settings (a CodeDeploy deployment group and configuration, in one object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BlueGreenConfig {
    /// `CodeDeployDefault.ECSAllAtOnce`, `...ECSLinear10PercentEvery1Minutes`,
    /// `...ECSLinear10PercentEvery3Minutes`, `...ECSCanary10Percent5Minutes`,
    /// `...ECSCanary10Percent15Minutes`; or leave it out and give `steps`.
    #[serde(default)]
    pub deployment_config_name: Option<String>,
    /// Custom traffic percentages for green, one per interval, ending at 100.
    #[serde(default)]
    pub steps: Option<Vec<u32>>,
    #[serde(default = "one")]
    pub interval_minutes: u32,
    /// Minutes green serves only the test listener before production traffic shifts.
    #[serde(default)]
    pub test_traffic_minutes: u32,
    #[serde(default = "five")]
    pub termination_wait_time_in_minutes: u32,
    /// Roll back when green's error rate is above this (0–1). No alarm if absent.
    #[serde(default)]
    pub rollback_error_rate_above: Option<f64>,
}

fn one() -> u32 {
    1
}
fn five() -> u32 {
    5
}

impl Default for BlueGreenConfig {
    fn default() -> Self {
        BlueGreenConfig { deployment_config_name: None, steps: None, interval_minutes: 1, test_traffic_minutes: 0, termination_wait_time_in_minutes: 5, rollback_error_rate_above: None }
    }
}

impl BlueGreenConfig {
    /// The traffic schedule: (minutes after the shift starts, green %), ending at 100.
    pub fn schedule(&self) -> Result<Vec<(Millis, u32)>, String> {
        let linear = |p: u32, m: u32| -> Vec<(Millis, u32)> {
            let mut v = Vec::new();
            let mut pct = 0;
            let mut k = 0;
            while pct < 100 {
                pct = (pct + p).min(100);
                v.push((k as Millis * m as Millis * MINUTE, pct));
                k += 1;
            }
            v
        };
        let out = match (self.deployment_config_name.as_deref(), &self.steps) {
            (Some(_), Some(_)) => return Err("give either deploymentConfigName or steps, not both".into()),
            (Some("CodeDeployDefault.ECSAllAtOnce"), None) | (None, None) => vec![(0, 100)],
            (Some("CodeDeployDefault.ECSLinear10PercentEvery1Minutes"), None) => linear(10, 1),
            (Some("CodeDeployDefault.ECSLinear10PercentEvery3Minutes"), None) => linear(10, 3),
            (Some("CodeDeployDefault.ECSCanary10Percent5Minutes"), None) => vec![(0, 10), (5 * MINUTE, 100)],
            (Some("CodeDeployDefault.ECSCanary10Percent15Minutes"), None) => vec![(0, 10), (15 * MINUTE, 100)],
            (Some(other), None) => {
                return Err(format!(
                    "unknown deploymentConfigName {other:?}; use CodeDeployDefault.ECSAllAtOnce, CodeDeployDefault.ECSLinear10PercentEvery1Minutes, CodeDeployDefault.ECSLinear10PercentEvery3Minutes, CodeDeployDefault.ECSCanary10Percent5Minutes or CodeDeployDefault.ECSCanary10Percent15Minutes, or give steps"
                ))
            }
            (None, Some(steps)) => {
                if steps.last() != Some(&100) {
                    return Err(format!("steps must end at 100 (all traffic on green); got {steps:?}"));
                }
                if steps.windows(2).any(|w| w[0] >= w[1]) || steps.iter().any(|s| *s == 0 || *s > 100) {
                    return Err(format!("steps must rise from 1 to 100; got {steps:?}"));
                }
                if self.interval_minutes == 0 {
                    return Err("intervalMinutes must be at least 1".into());
                }
                steps.iter().enumerate().map(|(i, p)| (i as Millis * self.interval_minutes as Millis * MINUTE, *p)).collect()
            }
        };
        if let Some(r) = self.rollback_error_rate_above {
            if !(0.0..=1.0).contains(&r) {
                return Err(format!("rollbackErrorRateAbove must be between 0 and 1; got {r}"));
            }
        }
        Ok(out)
    }
}

/// Where a blue/green deployment is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "phase", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Phase {
    /// Starting the green task set at full size (since then).
    Provisioning { since: Millis },
    /// Green serves the test listener until then.
    TestTraffic { until: Millis },
    /// Shifting production traffic: the next schedule entry and when it is due.
    Shifting { next: usize, at: Millis, started: Millis },
    /// All traffic on green; blue is terminated at `until`.
    Waiting { until: Millis },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueGreenState {
    pub deployment: u32,
    pub blue: String,
    pub green: String,
    pub phase: Phase,
    /// Share of production traffic on green, percent.
    pub green_percent: u32,
    #[serde(skip)]
    pub schedule: Vec<(Millis, u32)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(name: Option<&str>, steps: Option<Vec<u32>>) -> BlueGreenConfig {
        BlueGreenConfig { deployment_config_name: name.map(str::to_string), steps, ..Default::default() }
    }

    #[test]
    fn predefined_configurations() {
        assert_eq!(cfg(None, None).schedule().unwrap(), vec![(0, 100)]);
        assert_eq!(cfg(Some("CodeDeployDefault.ECSCanary10Percent5Minutes"), None).schedule().unwrap(), vec![(0, 10), (300_000, 100)]);
        let lin = cfg(Some("CodeDeployDefault.ECSLinear10PercentEvery3Minutes"), None).schedule().unwrap();
        assert_eq!(lin.len(), 10);
        assert_eq!(lin[0], (0, 10));
        assert_eq!(lin[9], (27 * 60_000, 100));
    }

    #[test]
    fn course_canary_steps() {
        let c = BlueGreenConfig { steps: Some(vec![5, 25, 50, 100]), interval_minutes: 2, ..Default::default() };
        assert_eq!(c.schedule().unwrap(), vec![(0, 5), (120_000, 25), (240_000, 50), (360_000, 100)]);
    }

    #[test]
    fn bad_configurations_say_why() {
        assert!(cfg(None, Some(vec![10, 50])).schedule().unwrap_err().contains("must end at 100"));
        assert!(cfg(None, Some(vec![50, 20, 100])).schedule().unwrap_err().contains("must rise"));
        assert!(cfg(Some("Fast"), None).schedule().unwrap_err().starts_with("unknown deploymentConfigName \"Fast\""));
    }
}

mod run {
    use super::{BlueGreenState, Phase, GREEN_READY_TIMEOUT_MS};
    use crate::engine::event::EventKind;
    use crate::engine::sim::{Engine, Item};
    use crate::engine::task::{DeploymentStatus, HealthStatus, RolloutState};

    impl Engine {
        /// The CodeDeploy controller's pass over a service with a blue/green deployment.
        pub(crate) fn reconcile_blue_green(&mut self, name: &str) {
            let now = self.now();
            let Some(svc) = self.services.get(name).cloned() else { return };
            let Some(mut bg) = svc.blue_green.clone() else { return };
            let cfg = svc.blue_green_config.clone();
            // Unhealthy tasks of either set are replaced as usual (after the grace period).
            let unhealthy: Vec<String> = self
                .tasks
                .values()
                .filter(|t| t.service.as_deref() == Some(name) && t.is_live() && t.health == HealthStatus::Unhealthy && now.saturating_sub(t.started_at.unwrap_or(now)) >= svc.grace_ms)
                .map(|t| t.id.clone())
                .collect();
            for id in unhealthy {
                self.request_stop(&id, "ServiceSchedulerInitiated", "Task failed container health checks");
            }
            let green_live = self.tasks.values().filter(|t| t.service.as_deref() == Some(name) && t.is_live() && t.task_definition == bg.green).count() as u32;
            let green_healthy = self.tasks.values().filter(|t| t.service.as_deref() == Some(name) && t.is_healthy() && t.task_definition == bg.green).count() as u32;
            let desired = svc.desired_count;
            let mut events = Vec::new();
            let mut unplaced = 0;
            let mut failure = None;
            // Several phases may pass in one instant (e.g. no test traffic, all at once).
            for _ in 0..4 {
                match bg.phase.clone() {
                    Phase::Provisioning { since } => {
                        if now >= since + GREEN_READY_TIMEOUT_MS {
                            let reason = format!("the green task set did not become healthy within {} minutes", GREEN_READY_TIMEOUT_MS / crate::engine::time::MINUTE);
                            self.roll_back_blue_green(name, &bg, &reason);
                            return;
                        }
                        self.push(since + GREEN_READY_TIMEOUT_MS, Item::ServiceRetry(name.to_string()));
                        if green_live < desired && now >= svc.next_launch_at {
                            if let Ok(td) = self.resolve_task_definition(&bg.green).cloned() {
                                for k in 0..(desired - green_live) {
                                    let d = self.place_service_task(&td, name, &svc);
                                    if d.placed_on().is_none() {
                                        unplaced = desired - green_live - k;
                                        failure = Some(d);
                                        break;
                                    }
                                }
                            }
                        }
                        if green_healthy < desired {
                            break;
                        }
                        bg.phase = if cfg.test_traffic_minutes > 0 {
                            let until = now + cfg.test_traffic_minutes as u64 * crate::engine::time::MINUTE;
                            self.push(until, Item::ServiceRetry(name.to_string()));
                            Phase::TestTraffic { until }
                        } else {
                            Phase::Shifting { next: 0, at: now, started: now }
                        };
                    }
                    Phase::TestTraffic { until } => {
                        if now < until {
                            break;
                        }
                        bg.phase = Phase::Shifting { next: 0, at: now, started: now };
                    }
                    Phase::Shifting { next, at, started } => {
                        if now < at {
                            break;
                        }
                        if next > 0 {
                            if let Some(reason) = self.green_alarm(&bg, &cfg) {
                                self.roll_back_blue_green(name, &bg, &reason);
                                return;
                            }
                        }
                        let Some(&(_, pct)) = bg.schedule.get(next) else { break };
                        bg.green_percent = pct;
                        events.push(EventKind::TrafficShifted { service: name.to_string(), deployment: bg.deployment, green_percent: pct });
                        bg.phase = match bg.schedule.get(next + 1) {
                            Some(&(offset, _)) => {
                                self.push(started + offset, Item::ServiceRetry(name.to_string()));
                                Phase::Shifting { next: next + 1, at: started + offset, started }
                            }
                            None => {
                                let until = now + cfg.termination_wait_time_in_minutes as u64 * crate::engine::time::MINUTE;
                                self.push(until, Item::ServiceRetry(name.to_string()));
                                Phase::Waiting { until }
                            }
                        };
                    }
                    Phase::Waiting { until } => {
                        if now < until {
                            break;
                        }
                        if let Some(reason) = self.green_alarm(&bg, &cfg) {
                            self.roll_back_blue_green(name, &bg, &reason);
                            return;
                        }
                        let blue: Vec<String> = self.tasks.values().filter(|t| t.service.as_deref() == Some(name) && t.is_live() && t.task_definition != bg.green).map(|t| t.id.clone()).collect();
                        for id in blue {
                            self.request_stop(&id, "ServiceSchedulerInitiated", "Blue/green: the original task set was terminated");
                        }
                        if let Some(s) = self.services.get_mut(name) {
                            for d in s.deployments.iter_mut() {
                                if d.id == bg.deployment {
                                    d.rollout_state = RolloutState::Completed;
                                } else {
                                    d.status = DeploymentStatus::Inactive;
                                }
                            }
                            s.blue_green = None;
                        }
                        for e in events {
                            self.emit(e);
                        }
                        self.emit(EventKind::DeploymentCompleted { service: name.to_string(), deployment: bg.deployment, task_definition: bg.green.clone() });
                        return;
                    }
                }
            }
            if let Some(s) = self.services.get_mut(name) {
                s.blue_green = Some(bg);
                s.unplaced = unplaced;
                s.last_failure = failure;
            }
            for e in events {
                self.emit(e);
            }
        }

        /// The alarm: green's error rate above the configured threshold.
        fn green_alarm(&self, bg: &BlueGreenState, cfg: &super::BlueGreenConfig) -> Option<String> {
            let limit = cfg.rollback_error_rate_above?;
            let td = self.resolve_task_definition(&bg.green).ok()?;
            let rate = self.behavior_for(&td.family, td.revision).error_rate;
            (rate > limit).then(|| format!("the green task set's error rate {:.1} % is above the alarm threshold {:.1} %", rate * 100.0, limit * 100.0))
        }

        fn roll_back_blue_green(&mut self, name: &str, bg: &BlueGreenState, reason: &str) {
            self.emit(EventKind::TrafficShifted { service: name.to_string(), deployment: bg.deployment, green_percent: 0 });
            self.emit(EventKind::DeploymentRolledBack { service: name.to_string(), deployment: bg.deployment, reason: reason.to_string() });
            let green: Vec<String> = self.tasks.values().filter(|t| t.service.as_deref() == Some(name) && t.is_live() && t.task_definition == bg.green).map(|t| t.id.clone()).collect();
            for id in green {
                self.request_stop(&id, "ServiceSchedulerInitiated", "Blue/green rollback: the replacement task set was terminated");
            }
            if let Some(s) = self.services.get_mut(name) {
                s.task_definition = bg.blue.clone();
                for d in s.deployments.iter_mut() {
                    if d.id == bg.deployment {
                        d.rollout_state = RolloutState::Failed;
                        d.status = DeploymentStatus::Inactive;
                    } else if d.task_definition == bg.blue && d.status == DeploymentStatus::Active {
                        d.status = DeploymentStatus::Primary;
                    }
                }
                s.blue_green = None;
            }
        }
    }
}
