//! Service Auto Scaling wired into the simulation: a service's `autoScaling` (the scalable target
//! with MinCapacity/MaxCapacity) and its target-tracking, step and scheduled policies. The
//! arithmetic lives in `autoscaling/` (pure, table-tested); this file feeds it the one-minute
//! datapoints of `traffic::metrics` and carries out its decisions by changing the service's
//! desired count, with a `scalingActivity` event that says why.
//!
//! * Target tracking: evaluated every minute with the newest datapoint of each policy's metric
//!   (`ECSServiceAverageCPUUtilization` → the service's `CPUUtilization`,
//!   `ECSServiceAverageMemoryUtilization` → `MemoryUtilization`, `ALBRequestCountPerTarget` →
//!   `RequestCountPerTarget`, or any other metric name of the service, e.g. `BacklogPerTask`).
//!   Scale-in is suspended while a deployment is in progress.
//! * Step scaling: runs when its alarm is in ALARM at the alarm's evaluation (CloudWatch keeps
//!   invoking Auto Scaling actions while the alarm stays in ALARM), with the alarm's newest value;
//!   not again within the policy's `cooldown` (default 300 s) after its last activity.
//! * Scheduled: at each fire time the action's min/max replace the target's, and the current
//!   capacity is moved inside the new range (checked every virtual second).

use serde::{Deserialize, Serialize};

use crate::engine::autoscaling::schedule::{self, Schedule};
use crate::engine::autoscaling::step::{self, AdjustmentType, StepAdjustment, StepPolicy};
use crate::engine::autoscaling::target_tracking::{self, Action, Policy, TargetTracker};
use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::time::{parse_duration, Millis, SECOND};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutoScalingSpec {
    pub min_capacity: u32,
    pub max_capacity: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_tracking: Vec<TargetTrackingSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub step_scaling: Vec<StepScalingSpec>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scheduled: Vec<ScheduledSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TargetTrackingSpec {
    #[serde(default)]
    pub name: Option<String>,
    /// `ECSServiceAverageCPUUtilization`, `ECSServiceAverageMemoryUtilization`,
    /// `ALBRequestCountPerTarget`, or a metric name of the service.
    pub metric: String,
    pub target: f64,
    #[serde(default)]
    pub scale_out_cooldown: Option<String>,
    #[serde(default)]
    pub scale_in_cooldown: Option<String>,
    #[serde(default)]
    pub disable_scale_in: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepSpec {
    #[serde(default)]
    pub lower: Option<f64>,
    #[serde(default)]
    pub upper: Option<f64>,
    pub adjustment: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepScalingSpec {
    pub name: String,
    /// The alarm (from the scenario's `alarms`) that runs this policy.
    pub alarm: String,
    /// `ChangeInCapacity` (default), `PercentChangeInCapacity` or `ExactCapacity`.
    #[serde(default)]
    pub adjustment_type: Option<String>,
    pub steps: Vec<StepSpec>,
    #[serde(default)]
    pub min_adjustment_magnitude: Option<u32>,
    #[serde(default)]
    pub cooldown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduledSpec {
    pub name: String,
    /// `at(2026-01-01T09:00:00)`, `rate(1 hour)` or `cron(0 9 * * ? *)` (UTC).
    pub schedule: String,
    #[serde(default)]
    pub min_capacity: Option<u32>,
    #[serde(default)]
    pub max_capacity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepRunner {
    pub name: String,
    pub alarm: String,
    pub policy: StepPolicy,
    pub cooldown_ms: Millis,
    pub last: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScheduledRunner {
    pub name: String,
    pub schedule: Schedule,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Next fire time, virtual ms.
    pub next: Option<Millis>,
}

/// A service's scalable target and policies, with their state.
#[derive(Debug, Clone)]
pub struct Scaler {
    pub min: u32,
    pub max: u32,
    /// Target tracking (None without target-tracking policies).
    pub(crate) tracker: Option<TargetTracker>,
    /// Series each target-tracking policy watches, same order as the tracker's policies.
    pub(crate) tracked: Vec<String>,
    pub(crate) steps: Vec<StepRunner>,
    pub(crate) scheduled: Vec<ScheduledRunner>,
}

impl Scaler {
    /// Every policy's name: target tracking, step, scheduled.
    pub fn policy_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tracker.iter().flat_map(|t| t.policies.iter().map(|p| p.name.clone())).collect();
        v.extend(self.steps.iter().map(|s| s.name.clone()));
        v.extend(self.scheduled.iter().map(|s| s.name.clone()));
        v
    }
}

fn metric_series(service: &str, metric: &str) -> String {
    let name = match metric {
        "ECSServiceAverageCPUUtilization" => "CPUUtilization",
        "ECSServiceAverageMemoryUtilization" => "MemoryUtilization",
        "ALBRequestCountPerTarget" => "RequestCountPerTarget",
        other => other,
    };
    format!("{service}/{name}")
}

fn cooldown(name: &str, v: &Option<String>) -> Result<Millis, String> {
    Ok(v.as_deref().map(parse_duration).transpose().map_err(|e| format!("{name}: {e}"))?.unwrap_or(target_tracking::DEFAULT_COOLDOWN_MS))
}

impl AutoScalingSpec {
    /// Check everything and build the runtime state. `epoch_ms`/`now` place scheduled actions.
    pub(crate) fn resolve(&self, service: &str, epoch_ms: Millis, now: Millis) -> Result<Scaler, String> {
        if self.min_capacity > self.max_capacity {
            return Err(format!("autoScaling: minCapacity {} is greater than maxCapacity {}", self.min_capacity, self.max_capacity));
        }
        if self.max_capacity > crate::engine::sim::MAX_DESIRED {
            return Err(format!("autoScaling: maxCapacity {} is above the limit of {} tasks per service", self.max_capacity, crate::engine::sim::MAX_DESIRED));
        }
        let mut policies = Vec::new();
        let mut tracked = Vec::new();
        for (i, p) in self.target_tracking.iter().enumerate() {
            let name = p.name.clone().unwrap_or_else(|| format!("{}-{}", p.metric, p.target));
            let mut pol = Policy::new(&name, p.target);
            pol.scale_out_cooldown_ms = cooldown(&format!("autoScaling.targetTracking[{i}].scaleOutCooldown"), &p.scale_out_cooldown)?;
            pol.scale_in_cooldown_ms = cooldown(&format!("autoScaling.targetTracking[{i}].scaleInCooldown"), &p.scale_in_cooldown)?;
            pol.disable_scale_in = p.disable_scale_in;
            pol.validate().map_err(|e| format!("autoScaling.targetTracking[{i}]: {e}"))?;
            tracked.push(metric_series(service, &p.metric));
            policies.push(pol);
        }
        let tracker = if policies.is_empty() { None } else { Some(TargetTracker::new(self.min_capacity, self.max_capacity, policies)?) };
        let mut steps = Vec::new();
        for (i, s) in self.step_scaling.iter().enumerate() {
            let adjustment_type = match s.adjustment_type.as_deref().unwrap_or("ChangeInCapacity") {
                "ChangeInCapacity" => AdjustmentType::ChangeInCapacity,
                "PercentChangeInCapacity" => AdjustmentType::PercentChangeInCapacity,
                "ExactCapacity" => AdjustmentType::ExactCapacity,
                other => return Err(format!("autoScaling.stepScaling[{i}].adjustmentType {other:?} is not one of ChangeInCapacity, PercentChangeInCapacity, ExactCapacity")),
            };
            let policy = StepPolicy { adjustment_type, steps: s.steps.iter().map(|x| StepAdjustment { lower: x.lower, upper: x.upper, adjustment: x.adjustment }).collect(), min_adjustment_magnitude: s.min_adjustment_magnitude };
            step::validate(&policy).map_err(|errs| format!("autoScaling.stepScaling[{i}] ({}): {}", s.name, errs.join(" ")))?;
            steps.push(StepRunner { name: s.name.clone(), alarm: s.alarm.clone(), policy, cooldown_ms: cooldown(&format!("autoScaling.stepScaling[{i}].cooldown"), &s.cooldown)?, last: None });
        }
        let mut scheduled = Vec::new();
        for (i, s) in self.scheduled.iter().enumerate() {
            let sched = schedule::parse(&s.schedule).map_err(|e| format!("autoScaling.scheduled[{i}].schedule: {e}"))?;
            if s.min_capacity.is_none() && s.max_capacity.is_none() {
                return Err(format!("autoScaling.scheduled[{i}] ({}) sets neither minCapacity nor maxCapacity", s.name));
            }
            let next = next_fire(&sched, epoch_ms, now, now);
            scheduled.push(ScheduledRunner { name: s.name.clone(), schedule: sched, min: s.min_capacity, max: s.max_capacity, next });
        }
        Ok(Scaler { min: self.min_capacity, max: self.max_capacity, tracker, tracked, steps, scheduled })
    }
}

/// The next fire time after virtual `now`, in virtual ms (schedules other than `rate` use wall
/// time: virtual time + the scenario's start time).
fn next_fire(s: &Schedule, epoch_ms: Millis, now: Millis, created: Millis) -> Option<Millis> {
    match s {
        Schedule::Rate(_) => s.next_after(now, created),
        _ => s.next_after(epoch_ms + now, epoch_ms + created).and_then(|t| t.checked_sub(epoch_ms)),
    }
}

fn sc_series(scalers: &std::collections::BTreeMap<String, Scaler>, name: &str) -> Vec<String> {
    scalers.get(name).map(|s| s.tracked.clone()).unwrap_or_default()
}

impl Engine {
    pub(crate) fn attach_scaler(&mut self, service: &str, spec: &AutoScalingSpec) -> Result<(), String> {
        let epoch_ms = (self.config.epoch_unix.max(0) as Millis) * SECOND;
        let scaler = spec.resolve(service, epoch_ms, self.now())?;
        for s in &scaler.steps {
            if !self.traffic.alarms.iter().any(|a| a.name == s.alarm) {
                let known: Vec<&str> = self.traffic.alarms.iter().map(|a| a.name.as_str()).collect();
                return Err(format!("step scaling policy {:?} uses alarm {:?}, which does not exist (alarms: {})", s.name, s.alarm, if known.is_empty() { "none".into() } else { known.join(", ") }));
            }
        }
        self.scalers.insert(service.to_string(), scaler);
        self.ensure_ticking();
        Ok(())
    }

    /// `putAutoScaling`: replace (or with `None` remove) a service's scalable target and
    /// policies. As RegisterScalableTarget does, the service's desired count is moved inside
    /// the new range at once ("it changes the resource's current capacity to a value that is
    /// inside of this range", Application Auto Scaling API reference); the policies start with
    /// fresh cooldowns.
    pub(crate) fn put_auto_scaling(&mut self, service: &str, spec: Option<AutoScalingSpec>) -> Result<(), String> {
        let Some(current) = self.services.get(service).map(|s| s.desired_count) else {
            return Err(self.unknown_service(service));
        };
        let Some(spec) = spec else {
            if self.scalers.remove(service).is_none() {
                return Err(format!("service {service} has no Service Auto Scaling to remove"));
            }
            self.emit(EventKind::AutoScalingUpdated { service: service.to_string(), min_capacity: 0, max_capacity: 0, policies: Vec::new(), removed: true });
            return Ok(());
        };
        let previous = self.scalers.remove(service);
        if let Err(e) = self.attach_scaler(service, &spec) {
            if let Some(p) = previous {
                self.scalers.insert(service.to_string(), p);
            }
            return Err(e);
        }
        let policies = self.scalers.get(service).map(Scaler::policy_names).unwrap_or_default();
        self.emit(EventKind::AutoScalingUpdated { service: service.to_string(), min_capacity: spec.min_capacity, max_capacity: spec.max_capacity, policies, removed: false });
        let inside = current.clamp(spec.min_capacity, spec.max_capacity);
        self.scale_service(service, inside, "RegisterScalableTarget", format!("desired count {current} is outside the new range {}–{}", spec.min_capacity, spec.max_capacity));
        Ok(())
    }

    pub fn scaler(&self, service: &str) -> Option<&Scaler> {
        self.scalers.get(service)
    }

    fn deployment_in_progress(&self, service: &str) -> bool {
        self.services.get(service).is_some_and(|s| s.blue_green.is_some() || s.deployments.iter().filter(|d| d.status != crate::engine::task::DeploymentStatus::Inactive).count() > 1)
    }

    /// Set a service's desired count for a scaling policy, with the reason in the log.
    fn scale_service(&mut self, service: &str, to: u32, policy: &str, cause: String) {
        let Some(from) = self.services.get(service).map(|s| s.desired_count) else { return };
        if to == from {
            return;
        }
        self.emit(EventKind::ScalingActivity { service: service.to_string(), policy: policy.to_string(), from, to, cause });
        if let Err(message) = self.update_service(service, Some(to), None, None, false) {
            self.emit(EventKind::ActionFailed { action: "scaling".into(), message });
        }
    }

    /// Every virtual second: scheduled actions that are due.
    pub(crate) fn scaling_tick(&mut self, now: Millis) {
        let epoch_ms = (self.config.epoch_unix.max(0) as Millis) * SECOND;
        let names: Vec<String> = self.scalers.keys().cloned().collect();
        for name in names {
            let Some(sc) = self.scalers.get_mut(&name) else { continue };
            let mut fired = Vec::new();
            for r in sc.scheduled.iter_mut() {
                if r.next.is_some_and(|t| t <= now) {
                    fired.push((r.name.clone(), r.min, r.max));
                    r.next = next_fire(&r.schedule, epoch_ms, now, now.saturating_sub(now % SECOND));
                }
            }
            for (action, min, max) in fired {
                let Some(sc) = self.scalers.get_mut(&name) else { continue };
                let current = self.services.get(&name).map(|s| s.desired_count).unwrap_or(0);
                match schedule::apply_action(sc.min, sc.max, min, max, current) {
                    Ok((min, max, desired)) => {
                        sc.min = min;
                        sc.max = max;
                        if let Some(t) = sc.tracker.as_mut() {
                            t.min = min;
                            t.max = max;
                        }
                        self.emit(EventKind::ScheduledActionRan { service: name.clone(), action: action.clone(), min_capacity: min, max_capacity: max });
                        self.scale_service(&name, desired, &action, format!("scheduled action {action} set the range to {min}–{max}"));
                    }
                    Err(message) => self.emit(EventKind::ActionFailed { action: format!("scheduled action {action}"), message }),
                }
            }
        }
    }

    /// Every minute, after the datapoints are in: target tracking and step scaling.
    pub(crate) fn scaling_minute(&mut self, now: Millis) {
        let names: Vec<String> = self.scalers.keys().cloned().collect();
        for name in names {
            let current = self.services.get(&name).map(|s| s.desired_count).unwrap_or(0);
            let deploying = self.deployment_in_progress(&name);
            // Target tracking.
            let Some(sc) = self.scalers.get(&name) else { continue };
            let metrics: Vec<Option<f64>> = sc.tracked.iter().map(|s| self.traffic.metrics.latest(s).filter(|(t, _)| *t == now).map(|(_, v)| v)).collect();
            let decision = self.scalers.get_mut(&name).and_then(|sc| sc.tracker.as_mut()).map(|t| t.evaluate(now, current, &metrics, deploying));
            if let Some(d) = decision {
                if d.action != Action::None && d.desired != current {
                    // The deciding policy: the largest scale-out proposal, else the first scale-in.
                    let policy = match d.action {
                        Action::ScaleOut => d
                            .policies
                            .iter()
                            .filter_map(|p| match p.verdict {
                                target_tracking::Verdict::ScaleOut { desired } => Some((desired, p.policy.clone())),
                                _ => None,
                            })
                            .max_by_key(|(desired, _)| *desired)
                            .map(|(_, p)| p),
                        _ => d.policies.iter().find(|p| matches!(p.verdict, target_tracking::Verdict::ScaleIn { .. })).map(|p| p.policy.clone()),
                    }
                    .unwrap_or_else(|| "target tracking".into());
                    let values: Vec<String> = d
                        .policies
                        .iter()
                        .zip(sc_series(&self.scalers, &name))
                        .map(|(p, series)| match p.metric {
                            Some(m) => format!("{} = {}", series.rsplit('/').next().unwrap_or(&series), crate::engine::traffic::round2(m)),
                            None => format!("{}: no data", series.rsplit('/').next().unwrap_or(&series)),
                        })
                        .collect();
                    self.scale_service(&name, d.desired, &policy, format!("{}; {}", d.reason, values.join(", ")));
                    continue;
                }
            }
            // Step scaling, for alarms in ALARM that were evaluated now.
            let current = self.services.get(&name).map(|s| s.desired_count).unwrap_or(0);
            let Some(sc) = self.scalers.get(&name) else { continue };
            let mut todo = None;
            for (i, r) in sc.steps.iter().enumerate() {
                if r.last.is_some_and(|l| now < l + r.cooldown_ms) {
                    continue;
                }
                let Some(alarm) = self.traffic.alarms.iter().find(|a| a.name == r.alarm) else { continue };
                if alarm.state != crate::engine::traffic::metrics::AlarmState::Alarm || !alarm.due(now) {
                    continue;
                }
                let Some(value) = alarm.latest() else { continue };
                if let Some(to) = step::evaluate(&r.policy, alarm.threshold, value, current, sc.min, sc.max) {
                    let cause = format!("alarm {} is in ALARM ({} {} {}); step policy {} sets {current} → {to}", alarm.name, crate::engine::traffic::round2(value), alarm.comparison.symbol(), alarm.threshold, r.name);
                    todo = Some((i, to, r.name.clone(), cause));
                    break;
                }
            }
            if let Some((i, to, policy, cause)) = todo {
                if let Some(r) = self.scalers.get_mut(&name).and_then(|sc| sc.steps.get_mut(i)) {
                    r.last = Some(now);
                }
                self.scale_service(&name, to, &policy, cause);
            }
        }
    }
}
