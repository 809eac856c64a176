//! The task lifecycle: how long each state lasts, health checks, and the ways a task ends.
//!
//! Source: ECS developer guide, "Amazon ECS task lifecycle" and the `HealthCheck` /
//! `ContainerDefinition.stopTimeout` API reference. Durations Berth chooses (documented in
//! docs/lifecycle.md): ENI attach 2 s (awsvpc on EC2), Fargate capacity 10 s, image pull at
//! 50 MB/s unless the instance has the image cached, container start 1 s, ENI detach 2 s.

use crate::engine::behavior::Behavior;
use crate::engine::event::EventKind;
use crate::engine::sim::{Engine, Item};
use crate::engine::task::{HealthStatus, LaunchType, TaskStatus};
use crate::engine::taskdef::{HealthCheck, NetworkMode, TaskDefinition};
use crate::engine::time::{Millis, SECOND};

pub const ENI_ATTACH_MS: Millis = 2_000;
pub const FARGATE_PROVISION_MS: Millis = 10_000;
pub const CONTAINER_START_MS: Millis = 1_000;
pub const ENI_DETACH_MS: Millis = 2_000;
/// `stopTimeout` when the task definition sets none (ECS_CONTAINER_STOP_TIMEOUT default, and
/// the Fargate default).
pub const DEFAULT_STOP_TIMEOUT_MS: Millis = 30_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// PROVISIONING done (ENI attached / Fargate capacity ready): start pulling.
    Provisioned,
    /// Image pulled and container started (or the pull failed).
    Started,
    HealthCheck,
    /// The essential container exits by itself with this code.
    Exit(ExitKind),
    /// The app exited after SIGTERM, or `stopTimeout` ran out.
    Stopped,
    /// The load balancer's deregistration delay is over: send SIGTERM.
    Drained,
    /// ENI detached: the task is STOPPED.
    Deprovisioned,
    /// A container's `dependsOn` condition cannot be met (or not within `startTimeout`).
    DependencyFailed(DependencyFailure),
}

/// Why a container could not start, kept small so timers stay `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependencyFailure {
    StartTimeout,
    NeverHealthy,
    InitFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    Planned,
    Crash,
    OutOfMemory,
}

impl Engine {
    pub(crate) fn behavior_for(&self, family: &str, revision: u32) -> Behavior {
        self.behaviors.get(&format!("{family}:{revision}")).or_else(|| self.behaviors.get(family)).cloned().unwrap_or_else(Behavior::well_behaved)
    }

    /// [`Self::behavior_for`] a task's own revision (its `task_definition` is `family:revision`),
    /// without building the key.
    pub(crate) fn behavior_of_task(&self, t: &crate::engine::task::Task) -> Behavior {
        self.behaviors.get(&t.task_definition).or_else(|| self.behaviors.get(&t.family)).cloned().unwrap_or_else(Behavior::well_behaved)
    }

    fn schedule_timer(&mut self, task: &str, after: Millis, timer: Timer) {
        let gen = self.tasks.get(task).map(|t| t.gen).unwrap_or(0);
        self.push(self.now().saturating_add(after), Item::Task { task: task.to_string(), gen, timer });
    }

    fn set_status(&mut self, task: &str, status: TaskStatus) {
        if let Some(t) = self.tasks.get_mut(task) {
            if t.last_status == status {
                return;
            }
            t.last_status = status;
        }
        // A load-balancer target mirrors whether its task is RUNNING (its health check reads it).
        self.traffic_on_status(task, status == TaskStatus::Running);
        let name = format!("{status:?}").to_uppercase();
        self.emit(EventKind::TaskStatus { task: task.to_string(), status: name });
    }

    /// A task was just placed: start its way to RUNNING.
    pub(crate) fn begin_lifecycle(&mut self, id: &str, td: &TaskDefinition) {
        let fargate = self.tasks.get(id).is_some_and(|t| t.launch_type == LaunchType::Fargate);
        if fargate {
            self.set_status(id, TaskStatus::Provisioning);
            self.schedule_timer(id, FARGATE_PROVISION_MS, Timer::Provisioned);
        } else if td.network_mode == NetworkMode::Awsvpc {
            self.set_status(id, TaskStatus::Provisioning);
            self.schedule_timer(id, ENI_ATTACH_MS, Timer::Provisioned);
        } else {
            self.start_pending(id);
        }
    }

    fn start_pending(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id) else { return };
        let b = self.behavior_for(&t.family, t.revision);
        let cached = t.instance.as_ref().and_then(|i| self.instances.get(i)).is_some_and(|i| i.images.contains(&t.image));
        let pull = if b.image_pull_fails { 5 * SECOND } else { b.pull_ms(cached) };
        let key = t.task_definition.clone();
        self.set_status(id, TaskStatus::Pending);
        if b.image_pull_fails {
            self.schedule_timer(id, pull + CONTAINER_START_MS, Timer::Started);
            return;
        }
        let plan = self.resolve_task_definition(&key).map(|td| container_start_plan(td, &b)).unwrap_or(Ok(CONTAINER_START_MS));
        match plan {
            Ok(after_pull) => self.schedule_timer(id, pull + after_pull, Timer::Started),
            Err((Some(after_pull), reason)) => self.schedule_timer(id, pull + after_pull, Timer::DependencyFailed(reason)),
            // Waits for ever, as a container with no startTimeout does: the task stays PENDING.
            Err((None, _)) => {}
        }
    }

    pub(crate) fn on_timer(&mut self, id: &str, gen: u32, timer: Timer) {
        let Some(t) = self.tasks.get(id) else { return };
        if t.gen != gen || t.last_status == TaskStatus::Stopped {
            return;
        }
        match timer {
            Timer::Provisioned => self.start_pending(id),
            Timer::Started => self.on_started(id),
            Timer::HealthCheck => self.on_health_check(id),
            Timer::Exit(kind) => self.on_exit(id, kind),
            Timer::Stopped => self.on_app_stopped(id),
            Timer::Drained => {
                let Some((family, revision, key)) = self.tasks.get(id).map(|t| (t.family.clone(), t.revision, t.task_definition.clone())) else { return };
                self.send_sigterm(id, &family, revision, &key);
            }
            Timer::Deprovisioned => self.finish_stop(id),
            Timer::DependencyFailed(why) => {
                let reason = match why {
                    DependencyFailure::StartTimeout => "DependencyTimeout: a container's dependsOn condition was not met within its startTimeout",
                    DependencyFailure::NeverHealthy => "DependencyNeverHealthy: a container waits for a dependency that never becomes HEALTHY",
                    DependencyFailure::InitFailed => "DependencyFailed: a container waits for a dependency to succeed, but it exited with a non-zero code",
                };
                self.fail_to_start(id, reason);
            }
        }
    }

    fn on_started(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id).cloned() else { return };
        let b = self.behavior_for(&t.family, t.revision);
        if b.image_pull_fails {
            let reason = format!("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {}: not found", t.image);
            self.fail_to_start(id, &reason);
            return;
        }
        if let Some(inst) = t.instance.as_ref().and_then(|i| self.instances.get_mut(i)) {
            inst.images.insert(t.image.clone());
        }
        self.set_status(id, TaskStatus::Activating);
        let now = self.now();
        if let Some(t) = self.tasks.get_mut(id) {
            t.last_status = TaskStatus::Running;
            t.started_at = Some(now);
        }
        self.emit(EventKind::TaskRunning { task: id.to_string() });
        self.traffic_on_running(id);
        self.on_task_running(id);
        if let Some(hc) = self.health_check_of(&t.task_definition) {
            self.schedule_timer(id, hc.interval as Millis * SECOND, Timer::HealthCheck);
        }
        // The ways the app may end on its own; the earliest wins (the others are then stale).
        let mut ends: Vec<(Millis, ExitKind)> = Vec::new();
        if let Some(after) = b.exit_after {
            ends.push((after, ExitKind::Planned));
        }
        if b.crash_probability_per_minute > 0.0 {
            // Minutes until the first crash: geometric with success probability p per minute.
            let p = b.crash_probability_per_minute;
            let mut minute = 1;
            while minute < 24 * 60 * 7 && (self.rng_failures.next_u64() as f64 / u64::MAX as f64) >= p {
                minute += 1;
            }
            ends.push((minute * 60 * SECOND, ExitKind::Crash));
        }
        if let Some((start, limit)) = self.memory_of(&t.task_definition, &b) {
            if let Some(after) = b.oom_after(start, limit) {
                ends.push((after, ExitKind::OutOfMemory));
            }
        }
        if let Some((after, kind)) = ends.into_iter().min_by_key(|(a, _)| *a) {
            self.schedule_timer(id, after, Timer::Exit(kind));
        }
    }

    /// (working set at start, hard limit) of the essential container, MiB.
    pub(crate) fn memory_of(&self, key: &str, b: &Behavior) -> Option<(u32, u32)> {
        let td = self.resolve_task_definition(key).ok()?;
        let c = td.container_definitions.iter().find(|c| c.essential)?;
        let limit = c.memory.or(td.memory)?;
        let start = b.memory_mib.or(c.memory_reservation).unwrap_or(limit / 2);
        Some((start, limit))
    }

    fn health_check_of(&self, key: &str) -> Option<HealthCheck> {
        let td = self.resolve_task_definition(key).ok()?;
        td.container_definitions.iter().filter(|c| c.essential).find_map(|c| c.health_check.clone())
    }

    /// One run of the container health check. It passes when the app is ready and not (yet)
    /// broken. HEALTHY on the first pass; UNHEALTHY after `retries` consecutive failures outside
    /// `startPeriod` (failures inside it do not count). Source: ECS API reference, `HealthCheck`.
    fn on_health_check(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id).cloned() else { return };
        let Some(hc) = self.health_check_of(&t.task_definition) else { return };
        if t.last_status != TaskStatus::Running {
            return;
        }
        let b = self.behavior_for(&t.family, t.revision);
        let since = self.now().saturating_sub(t.started_at.unwrap_or(self.now()));
        let passes = since >= b.ready_after && b.fail_health_check_after.is_none_or(|f| since < f);
        let in_start_period = since < hc.start_period as Millis * SECOND;
        let mut changed = None;
        if let Some(task) = self.tasks.get_mut(id) {
            if passes {
                task.health_failures = 0;
                if task.health != HealthStatus::Healthy {
                    task.health = HealthStatus::Healthy;
                    changed = Some("HEALTHY");
                }
            } else if !in_start_period {
                task.health_failures += 1;
                if task.health_failures >= hc.retries.max(1) && task.health != HealthStatus::Unhealthy {
                    task.health = HealthStatus::Unhealthy;
                    changed = Some("UNHEALTHY");
                }
            }
        }
        if let Some(h) = changed {
            self.emit(EventKind::TaskHealthChanged { task: id.to_string(), health: h.to_string() });
            if h == "HEALTHY" {
                self.on_task_healthy(id);
            }
        }
        self.schedule_timer(id, hc.interval as Millis * SECOND, Timer::HealthCheck);
    }

    fn on_exit(&mut self, id: &str, kind: ExitKind) {
        let Some(t) = self.tasks.get(id).cloned() else { return };
        let b = self.behavior_for(&t.family, t.revision);
        let (code, reason) = match kind {
            ExitKind::Planned => (b.exit_code, format!("Essential container in task exited (exit code {})", b.exit_code)),
            ExitKind::Crash => (b.exit_code.max(1), "Essential container in task exited: the application crashed".to_string()),
            ExitKind::OutOfMemory => (137, "OutOfMemoryError: Container killed due to memory usage".to_string()),
        };
        self.stop_now(id, "EssentialContainerExited", &reason, Some(code));
    }

    /// The task never reached RUNNING.
    fn fail_to_start(&mut self, id: &str, reason: &str) {
        self.stop_now(id, "TaskFailedToStart", reason, None);
    }

    /// The scheduler or a user asks a task to stop: DEACTIVATING → STOPPING (SIGTERM; SIGKILL after
    /// `stopTimeout`) → DEPROVISIONING → STOPPED. A task that is not RUNNING yet stops at once.
    pub(crate) fn request_stop(&mut self, id: &str, stop_code: &str, reason: &str) {
        let Some(t) = self.tasks.get_mut(id) else { return };
        if t.desired_status == TaskStatus::Stopped || t.last_status == TaskStatus::Stopped {
            return;
        }
        t.desired_status = TaskStatus::Stopped;
        t.stop_code = Some(stop_code.to_string());
        t.stopped_reason = Some(reason.to_string());
        t.gen += 1;
        let running = t.last_status == TaskStatus::Running;
        let (family, revision, key) = (t.family.clone(), t.revision, t.task_definition.clone());
        self.emit(EventKind::TaskStopping { task: id.to_string(), stop_code: stop_code.to_string(), reason: reason.to_string() });
        if !running {
            self.finish_stop(id);
            return;
        }
        self.set_status(id, TaskStatus::Deactivating);
        // Behind a load balancer the task first drains: deregistered, it finishes in-flight
        // requests for the target group's deregistration delay, then gets SIGTERM.
        if let Some(delay) = self.traffic_begin_drain(id) {
            self.schedule_timer(id, delay, Timer::Drained);
            return;
        }
        self.send_sigterm(id, &family, revision, &key);
    }

    /// STOPPING: SIGTERM to the app, which exits after its `shutdownAfter` or is killed at
    /// `stopTimeout`.
    fn send_sigterm(&mut self, id: &str, family: &str, revision: u32, key: &str) {
        self.set_status(id, TaskStatus::Stopping);
        let b = self.behavior_for(family, revision);
        let timeout = self
            .resolve_task_definition(key)
            .ok()
            .and_then(|td| td.container_definitions.iter().filter_map(|c| c.stop_timeout).max())
            .map(|s| s as Millis * SECOND)
            .unwrap_or(DEFAULT_STOP_TIMEOUT_MS);
        if b.shutdown_after > timeout {
            if let Some(t) = self.tasks.get_mut(id) {
                t.exit_code = Some(137);
            }
        }
        self.schedule_timer(id, b.shutdown_after.min(timeout), Timer::Stopped);
    }

    fn on_app_stopped(&mut self, id: &str) {
        let eni = self.tasks.get(id).is_some_and(|t| t.uses_eni || t.launch_type == LaunchType::Fargate);
        if eni {
            self.set_status(id, TaskStatus::Deprovisioning);
            self.schedule_timer(id, ENI_DETACH_MS, Timer::Deprovisioned);
        } else {
            self.finish_stop(id);
        }
    }

    /// Stop at once (the container exited, the host vanished): straight to STOPPED.
    pub(crate) fn stop_now(&mut self, id: &str, stop_code: &str, reason: &str, exit_code: Option<i32>) {
        let Some(t) = self.tasks.get_mut(id) else { return };
        if t.last_status == TaskStatus::Stopped {
            return;
        }
        t.desired_status = TaskStatus::Stopped;
        t.stop_code = Some(stop_code.to_string());
        t.stopped_reason = Some(reason.to_string());
        if exit_code.is_some() {
            t.exit_code = exit_code;
        }
        self.finish_stop(id);
    }

    /// The task is STOPPED: give its resources back and tell the service.
    pub(crate) fn finish_stop(&mut self, id: &str) {
        let now = self.now();
        let Some(t) = self.tasks.get_mut(id) else { return };
        if t.last_status == TaskStatus::Stopped {
            return;
        }
        let reached_running = t.started_at.is_some();
        t.last_status = TaskStatus::Stopped;
        if let Some(live) = t.service.as_ref().and_then(|s| self.live_by_service.get_mut(s)) {
            live.remove(id);
        }
        t.desired_status = TaskStatus::Stopped;
        t.gen += 1;
        t.stopped_at = Some(now);
        let stop_code = t.stop_code.clone().unwrap_or_else(|| "ServiceSchedulerInitiated".into());
        let reason = t.stopped_reason.clone().unwrap_or_default();
        let t = t.clone();
        if let Some(inst) = t.instance.as_ref().and_then(|i| self.instances.get_mut(i)) {
            inst.remaining.cpu = (inst.remaining.cpu + t.cpu).min(inst.registered.cpu);
            inst.remaining.memory = (inst.remaining.memory + t.memory).min(inst.registered.memory);
            for p in &t.host_ports {
                inst.used_ports.remove(p);
            }
            if t.uses_eni {
                inst.eni_used = inst.eni_used.saturating_sub(1);
            }
            inst.tasks.retain(|x| x != id);
            if let Some(n) = inst.group_counts.get_mut(&t.group) {
                *n -= 1;
                if *n == 0 {
                    inst.group_counts.remove(&t.group);
                }
            }
        }
        self.decisions.remove(id);
        self.traffic_on_stopped(id);
        self.bill_task_end(id);
        self.emit(EventKind::TaskStopped { task: id.to_string(), stop_code: stop_code.clone(), reason, exit_code: t.exit_code });
        self.on_task_stopped(id, reached_running, &stop_code);
    }
}

/// When the task's essential containers are all started, in ms after the image pull, following
/// the containers' `dependsOn` conditions (ECS API reference, `ContainerDependency`):
/// START waits for the dependency to start; HEALTHY for its first passing health check;
/// COMPLETE for it to exit; SUCCESS for it to exit with code 0. A container whose condition is
/// not met within its `startTimeout` (or never) makes the task fail to start: `Err((when, why))`.
/// `Err((None, _))`: the condition can never be met and there is no `startTimeout`: the
/// container waits for ever.
pub fn container_start_plan(td: &TaskDefinition, b: &Behavior) -> Result<Millis, (Option<Millis>, DependencyFailure)> {
    use crate::engine::taskdef::DependsOnCondition as C;
    let n = td.container_definitions.len();
    let index = |name: &str| td.container_definitions.iter().position(|c| c.name == name);
    // start[i]: when container i has started (after its own 1 s start); None = not yet computed.
    let mut start: Vec<Option<Millis>> = vec![None; n];
    // The validator rejects cycles; n rounds are enough for any acyclic graph.
    for _ in 0..=n {
        for i in 0..n {
            if start[i].is_some() {
                continue;
            }
            let c = &td.container_definitions[i];
            let mut ready_at: Millis = 0;
            let mut all_known = true;
            for dep in &c.depends_on {
                let Some(j) = index(&dep.container_name) else { continue };
                let Some(sj) = start[j] else {
                    all_known = false;
                    break;
                };
                let dc = &td.container_definitions[j];
                let at = match dep.condition {
                    C::Start => Some(sj),
                    C::Healthy => dc.health_check.as_ref().and_then(|hc| {
                        let interval = hc.interval.max(1) as Millis * SECOND;
                        // First check at `interval` after start; passes once the app is ready.
                        let k = b.ready_after.div_ceil(interval).max(1);
                        let first_pass = k * interval;
                        match b.fail_health_check_after {
                            Some(f) if f <= first_pass => None,
                            _ => Some(sj + first_pass),
                        }
                    }),
                    C::Complete => Some(sj + b.init_runs_for),
                    C::Success => (b.init_exit_code == 0).then_some(sj + b.init_runs_for),
                };
                let timeout = c.start_timeout.map(|s| s as Millis * SECOND);
                match at {
                    Some(a) => {
                        if let Some(t) = timeout {
                            if a > t {
                                return Err((Some(t), DependencyFailure::StartTimeout));
                            }
                        }
                        ready_at = ready_at.max(a);
                    }
                    None => {
                        let why = if dep.condition == C::Healthy { DependencyFailure::NeverHealthy } else { DependencyFailure::InitFailed };
                        // An init container that failed is known at its exit; a dependency that
                        // is never healthy is only given up on at startTimeout.
                        let when = match why {
                            DependencyFailure::InitFailed => Some(timeout.map_or(sj + b.init_runs_for, |t| t.min(sj + b.init_runs_for))),
                            _ => timeout,
                        };
                        return Err((when, why));
                    }
                }
            }
            if all_known {
                start[i] = Some(ready_at + CONTAINER_START_MS);
            }
        }
    }
    let essential_started = td.container_definitions.iter().enumerate().filter(|(_, c)| c.essential).filter_map(|(i, _)| start[i]).max();
    Ok(essential_started.unwrap_or(CONTAINER_START_MS))
}
