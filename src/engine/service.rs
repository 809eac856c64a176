//! The ECS service scheduler: keep the desired count, roll deployments within
//! minimumHealthyPercent / maximumPercent, replace unhealthy tasks, throttle tasks that keep
//! failing to start, trip the deployment circuit breaker, and react to draining, Spot
//! interruptions and AZ outages.

use crate::engine::cluster::InstanceStatus;
use crate::engine::deployment::{self, circuit_breaker_threshold, Counts};
use crate::engine::event::EventKind;
use crate::engine::placement::{self, scale_in, Outcome, Strategy};
use crate::engine::sim::{Engine, Item};
use crate::engine::task::{Deployment, DeploymentStatus, HealthStatus, LaunchType, RolloutState, Service, ServiceSpec, TaskStatus};
use crate::engine::time::{Millis, MINUTE, SECOND};

/// The service throttle's first back-off; it doubles with each further failure.
/// ECS documents exponential back-off up to 15 minutes, not its first step: 10 s is Berth's choice.
pub const THROTTLE_BASE_MS: Millis = 10 * SECOND;
pub const THROTTLE_MAX_MS: Millis = 15 * MINUTE;
/// A Spot interruption notice comes two minutes before the capacity is reclaimed.
pub const SPOT_WARNING_MS: Millis = 2 * MINUTE;

/// Back-off after `failures` tasks in a row failed to start.
pub fn throttle_delay(failures: u32) -> Millis {
    if failures == 0 {
        return 0;
    }
    let shift = (failures - 1).min(20);
    (THROTTLE_BASE_MS << shift).min(THROTTLE_MAX_MS)
}

impl Engine {
    pub(crate) fn create_service(&mut self, spec: ServiceSpec) -> Result<(), String> {
        if self.services.contains_key(&spec.service_name) {
            return Err(format!("service {:?} already exists", spec.service_name));
        }
        if spec.service_name.is_empty() || spec.service_name.len() > 255 || !spec.service_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("service name {:?} must be 1–255 letters, digits, hyphens or underscores", spec.service_name));
        }
        let td = self.resolve_task_definition(&spec.task_definition)?;
        Self::check_launch_type(td, spec.launch_type)?;
        Self::check_placement(spec.launch_type, &spec.placement_strategy, &spec.placement_constraints)?;
        spec.deployment_configuration.validate()?;
        let bg_config = spec.blue_green.clone().unwrap_or_default();
        bg_config.schedule()?;
        if spec.deployment_controller.kind == crate::engine::bluegreen::ControllerType::CodeDeploy && spec.deployment_configuration.deployment_circuit_breaker.enable {
            return Err("the deployment circuit breaker works with the ECS (rolling update) controller only; CODE_DEPLOY services roll back on alarms (blueGreen.rollbackErrorRateAbove)".into());
        }
        if spec.blue_green.is_some() && spec.deployment_controller.kind != crate::engine::bluegreen::ControllerType::CodeDeploy {
            return Err("blueGreen settings need \"deploymentController\": {\"type\": \"CODE_DEPLOY\"}".into());
        }
        if spec.desired_count > crate::engine::sim::MAX_DESIRED {
            return Err(format!("desiredCount {} is above the limit of {} tasks per service", spec.desired_count, crate::engine::sim::MAX_DESIRED));
        }
        self.check_capacity_provider_strategy(&spec.capacity_provider_strategy, spec.launch_type)?;
        let group = spec.load_balancer.as_ref().map(|lb| lb.resolve(&spec.service_name)).transpose().map_err(|e| format!("loadBalancer: {e}"))?;
        if let Some(sd) = &spec.service_discovery {
            crate::engine::traffic::validate_namespace(&sd.namespace)?;
        }
        let key = td.key();
        let (scaling, namespace) = (spec.auto_scaling.clone(), spec.service_discovery.as_ref().map(|s| s.namespace.clone()));
        let strategies = match (spec.launch_type, spec.placement_strategy) {
            (LaunchType::Fargate, _) => Vec::new(),
            (_, Some(s)) => s,
            (_, None) => placement::default_service_strategy(),
        };
        let cfg = spec.deployment_configuration.clone();
        let svc = Service {
            name: spec.service_name.clone(),
            task_definition: key.clone(),
            desired_count: spec.desired_count,
            launch_type: spec.launch_type,
            strategies,
            constraints: spec.placement_constraints,
            created_at: self.now(),
            unplaced: 0,
            last_failure: None,
            reported_failure: None,
            steady_reported: false,
            config: cfg.clone(),
            grace_ms: spec.health_check_grace_period_seconds as Millis * SECOND,
            deployments: vec![Deployment { id: 1, task_definition: key.clone(), status: DeploymentStatus::Primary, rollout_state: RolloutState::InProgress, failed_tasks: 0, created_at: self.now(), rollback: false, forced: false }],
            throttle_failures: 0,
            next_launch_at: 0,
            stuck_reported: false,
            controller: spec.deployment_controller.kind,
            blue_green_config: bg_config,
            blue_green: None,
            capacity_provider_strategy: spec.capacity_provider_strategy.clone(),
        };
        let name = spec.service_name.clone();
        self.services.insert(name.clone(), svc);
        if let Some(a) = &scaling {
            if let Err(e) = self.attach_scaler(&name, a) {
                self.services.remove(&name);
                return Err(e);
            }
        }
        self.emit(EventKind::ServiceCreated { service: spec.service_name, task_definition: key, desired_count: spec.desired_count, launch_type: spec.launch_type.as_str().to_string() });
        self.traffic_on_service_created(&name, group, namespace);
        Ok(())
    }

    /// The placement an `updateService` asks for, checked: `Some((strategies, constraints))`
    /// when it differs from the service's, `None` when nothing changes. A field left out keeps
    /// the service's; `[]` clears it (UpdateService API reference).
    pub(crate) fn placement_update(&self, name: &str, strategy: Option<Vec<placement::Strategy>>, constraints: Option<Vec<placement::Constraint>>) -> Result<Option<(Vec<placement::Strategy>, Vec<placement::Constraint>)>, String> {
        if strategy.is_none() && constraints.is_none() {
            return Ok(None);
        }
        let svc = self.services.get(name).ok_or_else(|| self.unknown_service(name))?;
        Self::check_placement(svc.launch_type, &strategy, constraints.as_deref().unwrap_or_default())?;
        let strategies = strategy.unwrap_or_else(|| svc.strategies.clone());
        let constraints = constraints.unwrap_or_else(|| svc.constraints.clone());
        Ok((strategies != svc.strategies || constraints != svc.constraints).then_some((strategies, constraints)))
    }

    pub(crate) fn update_service(&mut self, name: &str, desired: Option<u32>, task_definition: Option<String>, patch: Option<deployment::DeploymentConfigurationPatch>, force: bool) -> Result<(), String> {
        let launch_type = self.services.get(name).ok_or_else(|| self.unknown_service(name))?.launch_type;
        let new_td = match &task_definition {
            Some(t) => {
                let td = self.resolve_task_definition(t)?;
                Self::check_launch_type(td, launch_type)?;
                Some(td.key())
            }
            None => None,
        };
        let cfg = match &patch {
            Some(p) => {
                let merged = p.apply(&self.services.get(name).map(|s| s.config.clone()).unwrap_or_default());
                merged.validate()?;
                Some(merged)
            }
            None => None,
        };
        if let Some(d) = desired.filter(|d| *d > crate::engine::sim::MAX_DESIRED) {
            return Err(format!("desiredCount {d} is above the limit of {} tasks per service", crate::engine::sim::MAX_DESIRED));
        }
        let now = self.now();
        let code_deploy = self.services.get(name).is_some_and(|s| s.controller == crate::engine::bluegreen::ControllerType::CodeDeploy);
        if code_deploy && cfg.as_ref().is_some_and(|c| c.deployment_circuit_breaker.enable) {
            return Err("the deployment circuit breaker works with the ECS (rolling update) controller only; CODE_DEPLOY services roll back on alarms (blueGreen.rollbackErrorRateAbove)".into());
        }
        if code_deploy && force {
            return Err("forceNewDeployment is for ECS (rolling update) services; for a CODE_DEPLOY service register a new revision and deploy it".into());
        }
        let svc = self.services.get_mut(name).ok_or_else(|| format!("service {name:?} does not exist"))?;
        if let Some(d) = desired {
            svc.desired_count = d;
        }
        if let Some(c) = cfg {
            svc.config = c;
        }
        let mut started = None;
        if let Some(k) = new_td {
            if svc.blue_green.is_some() && k != svc.task_definition {
                return Err(format!("service {name} has a blue/green deployment in progress; wait for it to finish or roll back"));
            }
            if k != svc.task_definition || force {
                let blue = svc.task_definition.clone();
                svc.task_definition = k.clone();
                let id = start_deployment(svc, &k, now, false);
                if force {
                    if let Some(d) = svc.deployments.iter_mut().find(|d| d.id == id) {
                        d.forced = true;
                    }
                }
                if svc.controller == crate::engine::bluegreen::ControllerType::CodeDeploy {
                    let schedule = svc.blue_green_config.schedule()?;
                    svc.blue_green = Some(crate::engine::bluegreen::BlueGreenState { deployment: id, blue, green: k.clone(), phase: crate::engine::bluegreen::Phase::Provisioning { since: now }, green_percent: 0, schedule });
                }
                started = Some(id);
            }
        } else if force {
            let k = svc.task_definition.clone();
            let id = start_deployment(svc, &k, now, false);
            if let Some(d) = svc.deployments.iter_mut().find(|d| d.id == id) {
                d.forced = true;
            }
            started = Some(id);
        }
        svc.steady_reported = false;
        svc.reported_failure = None;
        let (task_definition, desired_count) = (svc.task_definition.clone(), svc.desired_count);
        let (min, max) = (svc.config.minimum_healthy_percent, svc.config.maximum_percent);
        self.emit(EventKind::ServiceUpdated { service: name.to_string(), task_definition: task_definition.clone(), desired_count });
        if let Some(id) = started {
            self.emit(EventKind::DeploymentStarted { service: name.to_string(), deployment: id, task_definition, minimum_healthy_percent: min, maximum_percent: max, rollback: false });
        }
        Ok(())
    }

    pub(crate) fn reconcile_all(&mut self) {
        let names: Vec<String> = self.services.keys().cloned().collect();
        for n in names {
            self.reconcile(&n);
        }
        self.kube_reconcile();
    }

    /// A task the current deployment replaces: another revision, on a draining instance, or
    /// from before a forced new deployment.
    fn is_old(&self, t: &crate::engine::task::Task, primary: &Deployment) -> bool {
        t.task_definition != primary.task_definition || self.on_draining_instance(&t.instance) || (primary.forced && t.deployment != Some(primary.id))
    }

    /// [`Self::is_old`], given whether any instance is DRAINING at all (if none is, no task is on one).
    fn is_old_with(&self, t: &crate::engine::task::Task, primary: &Deployment, any_draining: bool) -> bool {
        t.task_definition != primary.task_definition || (any_draining && self.on_draining_instance(&t.instance)) || (primary.forced && t.deployment != Some(primary.id))
    }

    fn on_draining_instance(&self, instance: &Option<String>) -> bool {
        instance.as_ref().and_then(|i| self.instances.get(i)).is_some_and(|i| i.status == InstanceStatus::Draining)
    }

    /// The scheduler's pass over one service.
    fn reconcile(&mut self, name: &str) {
        let Some(svc) = self.services.get(name).cloned() else { return };
        let Some(primary) = svc.primary().cloned() else { return };
        let now = self.now();
        if svc.blue_green.is_some() {
            self.reconcile_blue_green(name);
            return;
        }

        // One pass over the service's tasks: replace those whose container health check failed
        // (after the grace period), then count the rest (a second pass only if something was
        // stopped, so the counts see the stops).
        let any_draining = self.instances.values().any(|i| i.status == InstanceStatus::Draining);
        let mut scan = self.scan_service(name, &primary, now, svc.grace_ms, any_draining);
        if !scan.unhealthy.is_empty() {
            for id in std::mem::take(&mut scan.unhealthy) {
                self.request_stop(&id, "ServiceSchedulerInitiated", "Task failed container health checks");
            }
            scan = self.scan_service(name, &primary, now, svc.grace_ms, any_draining);
        }
        let ServiceScan { old_healthy, old_other, new_healthy, new_other, starting, stopping, .. } = scan;
        let can_launch = primary.rollout_state != RolloutState::Failed && now >= svc.next_launch_at;
        if now < svc.next_launch_at {
            self.push(svc.next_launch_at, Item::ServiceRetry(name.to_string()));
        }
        let desired = svc.desired_count;
        let mut to_start = 0u32;
        let mut stopped = 0u32;
        let mut scaled_in = 0u32;
        if old_healthy.is_empty() && old_other.is_empty() {
            let live = new_healthy + new_other;
            if live < desired {
                to_start = desired - live;
            } else if live > desired {
                for _ in 0..(live - desired) {
                    let Some(victim) = self.choose_victim(name, &svc, |_| true) else { break };
                    self.request_stop(&victim, "ServiceSchedulerInitiated", &format!("Scale-in: desired count lowered to {desired}"));
                    scaled_in += 1;
                }
            }
        } else {
            let counts = Counts { desired, old_healthy: old_healthy.len() as u32, old_other: old_other.len() as u32, new_healthy, new_other };
            let step = deployment::step(&svc.config, counts, starting || stopping || !can_launch);
            // "Old" covers a task of the current revision on a DRAINING instance too (ECS replaces
            // those under the same minimum healthy / maximum percent): say which it is.
            let reason = |me: &Self, id: &str| -> String {
                let t = me.tasks.get(id);
                match t.and_then(|t| t.instance.clone()).filter(|_| t.is_some_and(|t| t.task_definition == primary.task_definition)) {
                    Some(instance) if me.on_draining_instance(&Some(instance.clone())) => format!("Container instance {instance} is draining: replaced on another instance"),
                    _ => format!("Deployment: replaced by {}", primary.task_definition),
                }
            };
            for id in old_other.iter().take(step.stop_old_other as usize) {
                let why = reason(self, id);
                self.request_stop(id, "ServiceSchedulerInitiated", &why);
                stopped += 1;
            }
            for _ in 0..step.stop_old_healthy {
                let Some(victim) = self.choose_victim(name, &svc, |id| old_healthy.iter().any(|o| o == id)) else { break };
                let why = reason(self, &victim);
                self.request_stop(&victim, "ServiceSchedulerInitiated", &why);
                stopped += 1;
            }
            to_start = step.start_new;
            // The desired count went below what the new revision already runs: scale those in too.
            let new_live = new_healthy + new_other;
            if new_live > desired {
                let primary_for_filter = primary.clone();
                for _ in 0..(new_live - desired) {
                    let candidates: Vec<String> = self
                        .tasks
                        .values()
                        .filter(|t| t.service.as_deref() == Some(name) && t.is_live() && !self.is_old(t, &primary_for_filter))
                        .map(|t| t.id.clone())
                        .collect();
                    let Some(victim) = self.choose_victim(name, &svc, |id| candidates.iter().any(|c| c == id)) else { break };
                    self.request_stop(&victim, "ServiceSchedulerInitiated", &format!("Scale-in: desired count lowered to {desired}"));
                    stopped += 1;
                }
            }
            // maximumPercent is a hard ceiling: "an upper limit on the number of tasks in a service
            // that are allowed in the RUNNING or PENDING state during a deployment, as a percentage
            // of the desired number of tasks (rounded down to the nearest integer), and while any
            // container instances are in the DRAINING state" (ECS API reference,
            // DeploymentConfiguration.maximumPercent). A desired count lowered mid-replacement (by
            // updateService, or by Application Auto Scaling, which "anytime a scaling policy is
            // invoked ... compares [the current capacity] to the minimum and maximum capacity. If it
            // falls outside of the minimum-maximum range, then the capacity is updated to comply",
            // Application Auto Scaling concepts) or a lowered maximumPercent can leave more tasks
            // than that ceiling while minimumHealthyPercent protects the healthy old ones (at
            // 100/100 always). Like the scale-in above, the scheduler then gets back under the
            // ceiling in this same pass, stopping old tasks first: they are being replaced anyway,
            // so the rollout (or the drain) moves on instead of going back.
            let (_, upper) = svc.config.bounds(desired);
            let mut live = self.live_tasks_of(name).filter(|t| t.is_live()).count() as u32;
            while live > upper.max(desired) {
                let Some(victim) = self.choose_victim(name, &svc, |id| old_healthy.iter().any(|o| o == id)) else { break };
                let why = reason(self, &victim);
                self.request_stop(&victim, "ServiceSchedulerInitiated", &why);
                stopped += 1;
                live -= 1;
            }
            match step.stuck {
                Some(why) if !svc.stuck_reported => {
                    if let Some(s) = self.services.get_mut(name) {
                        s.stuck_reported = true;
                    }
                    self.emit(EventKind::DeploymentStuck { service: name.to_string(), deployment: primary.id, reason: why });
                }
                _ => {}
            }
        }

        // Launch, unless throttled or the deployment failed.
        let mut unplaced = 0;
        let mut failure = None;
        let mut started = 0u32;
        if to_start > 0 && can_launch {
            if let Ok(td) = self.resolve_task_definition(&primary.task_definition).cloned() {
                for k in 0..to_start {
                    let d = self.place_service_task(&td, name, &svc);
                    if d.placed_on().is_none() {
                        unplaced = to_start - k;
                        failure = Some(d);
                        break;
                    }
                    started += 1;
                }
            }
        }
        if (started > 0 || stopped > 0) && !(old_healthy.is_empty() && old_other.is_empty()) {
            self.emit_progress(name, primary.id, started, stopped);
        }
        // Nothing was stopped or placed since the count: the task counts still hold.
        let unchanged = stopped == 0 && scaled_in == 0 && !(to_start > 0 && can_launch);
        let counted = unchanged.then(|| (new_healthy, stopping || !old_healthy.is_empty() || !old_other.is_empty() || new_other > 0));
        self.after_reconcile(name, unplaced, failure, counted);
    }

    /// The service's non-STOPPED tasks, classified against the primary deployment.
    /// The service's tasks not yet STOPPED, in id order (the order of `tasks`).
    fn live_tasks_of<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a crate::engine::task::Task> + 'a {
        self.live_by_service.get(name).into_iter().flatten().filter_map(|id| self.tasks.get(id))
    }

    fn scan_service(&self, name: &str, primary: &Deployment, now: Millis, grace_ms: Millis, any_draining: bool) -> ServiceScan {
        let mut scan = ServiceScan::default();
        for t in self.live_tasks_of(name) {
            if t.last_status == TaskStatus::Stopped {
                continue;
            }
            if !t.is_live() {
                scan.stopping = true;
                continue;
            }
            if t.health == HealthStatus::Unhealthy && now.saturating_sub(t.started_at.unwrap_or(now)) >= grace_ms {
                scan.unhealthy.push(t.id.clone());
            }
            let old = self.is_old_with(t, primary, any_draining);
            match (old, t.is_healthy()) {
                (true, true) => scan.old_healthy.push(t.id.clone()),
                (true, false) => scan.old_other.push(t.id.clone()),
                (false, true) => scan.new_healthy += 1,
                (false, false) => {
                    scan.new_other += 1;
                    if t.last_status != TaskStatus::Running || t.health == HealthStatus::Unknown {
                        scan.starting = true;
                    }
                }
            }
        }
        scan
    }

    fn emit_progress(&mut self, name: &str, deployment: u32, started: u32, stopped: u32) {
        let Some(svc) = self.services.get(name) else { return };
        let Some(primary) = svc.primary() else { return };
        let (mut or, mut oh, mut nr, mut nh) = (0, 0, 0, 0);
        for t in self.live_tasks_of(name).filter(|t| t.is_live()) {
            let old = self.is_old(t, primary);
            let running = t.last_status == TaskStatus::Running;
            let healthy = t.is_healthy();
            if old {
                or += running as u32;
                oh += healthy as u32;
            } else {
                nr += running as u32;
                nh += healthy as u32;
            }
        }
        self.emit(EventKind::DeploymentProgress { service: name.to_string(), deployment, started, stopped, old_running: or, old_healthy: oh, new_running: nr, new_healthy: nh });
    }

    /// Unplaced reporting, deployment completion and steady state. `counted`: (new healthy tasks,
    /// any other non-STOPPED task) when the caller's count of the tasks is still current.
    fn after_reconcile(&mut self, name: &str, unplaced: u32, failure: Option<placement::Decision>, counted: Option<(u32, bool)>) {
        let reason = failure.as_ref().and_then(|d| match &d.outcome {
            Outcome::Unplaced { summary } => Some(summary.clone()),
            Outcome::Placed { .. } => None,
        });
        let mut emit_unplaced = None;
        let group;
        {
            let Some(s) = self.services.get_mut(name) else { return };
            group = s.group();
            s.unplaced = unplaced;
            s.last_failure = failure;
            match reason {
                Some(r) => {
                    let key = (unplaced, r.clone());
                    if s.reported_failure.as_ref() != Some(&key) {
                        s.reported_failure = Some(key);
                        emit_unplaced = Some((unplaced, r));
                    }
                }
                None => s.reported_failure = None,
            }
        }
        if let Some((count, reason)) = emit_unplaced {
            self.emit(EventKind::TaskUnplaceable { service: Some(name.to_string()), group, count, reason });
        }
        let Some(svc) = self.services.get(name) else { return };
        let Some(primary) = svc.primary().cloned() else { return };
        let (all_new_healthy, any_other) = match counted {
            Some(c) => c,
            None => {
                let mut all_new_healthy = 0u32;
                let mut any_other = false;
                for t in self.tasks.values().filter(|t| t.service.as_deref() == Some(name) && t.last_status != TaskStatus::Stopped) {
                    let old = self.is_old(t, &primary);
                    if !old && t.is_healthy() {
                        all_new_healthy += 1;
                    } else {
                        any_other = true;
                    }
                }
                (all_new_healthy, any_other)
            }
        };
        let steady = all_new_healthy == svc.desired_count && !any_other && svc.unplaced == 0;
        let mut events = Vec::new();
        if let Some(s) = self.services.get_mut(name) {
            if steady {
                if primary.rollout_state == RolloutState::InProgress {
                    for d in s.deployments.iter_mut() {
                        if d.id == primary.id {
                            d.rollout_state = RolloutState::Completed;
                        } else if d.status != DeploymentStatus::Inactive {
                            d.status = DeploymentStatus::Inactive;
                        }
                    }
                    s.stuck_reported = false;
                    events.push(EventKind::DeploymentCompleted { service: name.to_string(), deployment: primary.id, task_definition: primary.task_definition.clone() });
                }
                if !s.steady_reported {
                    s.steady_reported = true;
                    events.push(EventKind::ServiceSteadyState { service: name.to_string() });
                }
            } else {
                s.steady_reported = false;
            }
        }
        for e in events {
            self.emit(e);
        }
    }

    /// Which of the service's live tasks to stop, by its strategies (see `placement::scale_in`).
    fn choose_victim(&mut self, name: &str, svc: &Service, allowed: impl Fn(&str) -> bool) -> Option<String> {
        let victims: Vec<scale_in::Victim> = self
            .tasks
            .values()
            .filter(|t| t.service.as_deref() == Some(name) && t.is_live() && allowed(&t.id))
            .map(|t| scale_in::Victim { task: t.id.clone(), instance: t.instance.as_ref().and_then(|i| self.instances.get(i)), az: t.az.clone(), cpu: t.cpu, memory: t.memory })
            .collect();
        if victims.is_empty() {
            return None;
        }
        let strategies = if svc.launch_type == LaunchType::Fargate { vec![Strategy::Spread { field: "attribute:ecs.availability-zone".into() }] } else { svc.strategies.clone() };
        let (i, _, _) = scale_in::choose(&strategies, &victims, &mut self.rng_random, &mut self.rng_tie);
        Some(victims[i].task.clone())
    }

    /// A service task reached RUNNING: the throttle resets; without a health check it is also
    /// healthy now.
    pub(crate) fn on_task_running(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id) else { return };
        let (service, healthy) = (t.service.clone(), !t.has_health_check);
        if let Some(s) = service.and_then(|s| self.services.get_mut(&s)) {
            s.throttle_failures = 0;
            s.next_launch_at = 0;
        }
        if healthy {
            self.on_task_healthy(id);
        }
    }

    /// A new task is healthy: the circuit breaker's failure count starts again.
    pub(crate) fn on_task_healthy(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id) else { return };
        let (service, dep) = (t.service.clone(), t.deployment);
        if let Some(s) = service.and_then(|s| self.services.get_mut(&s)) {
            if let Some(p) = s.primary_mut() {
                if Some(p.id) == dep {
                    p.failed_tasks = 0;
                }
            }
        }
    }

    /// A task reached STOPPED: feed the throttle and the circuit breaker.
    pub(crate) fn on_task_stopped(&mut self, id: &str, reached_running: bool, stop_code: &str) {
        let Some(t) = self.tasks.get(id).cloned() else { return };
        let Some(name) = t.service.clone() else { return };
        let now = self.now();
        let health_failure = t.stopped_reason.as_deref() == Some("Task failed container health checks");
        let crashed = stop_code == "EssentialContainerExited" && t.exit_code != Some(0);
        let Some(s) = self.services.get_mut(&name) else { return };
        let mut events = Vec::new();
        // Only tasks that failed on their own count: not ones the scheduler, a user or a lost
        // host stopped while they were starting.
        let failed_itself = stop_code == "TaskFailedToStart" || stop_code == "EssentialContainerExited";
        let of_primary = s.primary().map(|p| p.id) == t.deployment;
        if !reached_running && of_primary && failed_itself {
            s.throttle_failures += 1;
            let delay = throttle_delay(s.throttle_failures);
            s.next_launch_at = now + delay;
            events.push(EventKind::ServiceThrottled { service: name.clone(), failures: s.throttle_failures, retry_in_ms: delay });
        }
        let desired = s.desired_count;
        let breaker = s.config.deployment_circuit_breaker.clone();
        let mut rollback_to = None;
        if let Some(p) = s.primary_mut() {
            if Some(p.id) == t.deployment && p.rollout_state == RolloutState::InProgress && ((!reached_running && failed_itself) || health_failure || crashed) {
                p.failed_tasks += 1;
                let threshold = circuit_breaker_threshold(desired);
                if breaker.enable && p.failed_tasks >= threshold {
                    p.rollout_state = RolloutState::Failed;
                    events.push(EventKind::DeploymentFailed { service: name.clone(), deployment: p.id, failed_tasks: p.failed_tasks, threshold });
                    if breaker.rollback {
                        rollback_to = Some(p.id);
                    }
                }
            }
        }
        if let Some(failed) = rollback_to {
            let last_good = s.deployments.iter().rev().find(|d| d.id != failed && d.rollout_state == RolloutState::Completed).map(|d| d.task_definition.clone());
            if let Some(td) = last_good {
                s.task_definition = td.clone();
                s.throttle_failures = 0;
                s.next_launch_at = 0;
                let id = start_deployment(s, &td, now, true);
                events.push(EventKind::DeploymentStarted { service: name.clone(), deployment: id, task_definition: td, minimum_healthy_percent: s.config.minimum_healthy_percent, maximum_percent: s.config.maximum_percent, rollback: true });
            }
        }
        if !reached_running && of_primary && failed_itself {
            let at = s.next_launch_at;
            self.push(at, Item::ServiceRetry(name.clone()));
        }
        for e in events {
            self.emit(e);
        }
    }

    pub(crate) fn terminate_instance(&mut self, id: &str) -> Result<(), String> {
        // A Kubernetes node (the page's ✕ on a node card, or `terminateInstance` in a scenario).
        if self.kube.enabled && !self.instances.contains_key(id) {
            return self.k_terminate_node(id);
        }
        self.terminate_instance_with(id, "TerminationNotice", &format!("Host EC2 (instance {id}) terminated."))
    }

    pub(crate) fn terminate_instance_with(&mut self, id: &str, stop_code: &str, reason: &str) -> Result<(), String> {
        let inst = self.instances.get(id).ok_or_else(|| format!("no container instance {id:?}"))?;
        let tasks = inst.tasks.clone();
        for t in &tasks {
            self.stop_now(t, stop_code, reason, None);
        }
        self.bill_instance_end(id);
        self.instances.remove(id);
        self.emit(EventKind::InstanceTerminated { instance: id.to_string(), tasks_stopped: tasks });
        Ok(())
    }

    pub(crate) fn drain_instance(&mut self, id: &str) -> Result<(), String> {
        // A Kubernetes node: what `kubectl drain NODE --ignore-daemonsets` does, as EKS users run
        // it (cordon, then evict within the PodDisruptionBudgets; DaemonSet pods stay; a pod with
        // no controller refuses the drain, as kubectl does).
        if self.kube.enabled && !self.instances.contains_key(id) {
            return self.kubectl(&format!("drain {id} --ignore-daemonsets"), None);
        }
        let inst = self.instances.get_mut(id).ok_or_else(|| format!("no container instance {id:?}"))?;
        if inst.status == InstanceStatus::Draining {
            return Err(format!("{id} is already DRAINING"));
        }
        inst.status = InstanceStatus::Draining;
        self.emit(EventKind::InstanceDraining { instance: id.to_string() });
        Ok(())
    }

    pub(crate) fn az_outage(&mut self, az: &str) -> Result<(), String> {
        if !self.config.azs.iter().any(|a| a == az) {
            return Err(format!("availability zone {az:?} is not in the cluster; its zones are {}", self.config.azs.join(", ")));
        }
        if !self.down_azs.insert(az.to_string()) {
            return Err(format!("{az} is already down"));
        }
        let ids: Vec<String> = self.instances.values().filter(|i| i.az == az).map(|i| i.id.clone()).collect();
        self.emit(EventKind::AzOutage { az: az.to_string(), instances: ids.clone() });
        for id in &ids {
            let tasks = self.instances.get(id).map(|i| i.tasks.clone()).unwrap_or_default();
            if let Some(i) = self.instances.get_mut(id) {
                i.agent_connected = false;
            }
            for t in tasks {
                self.stop_now(&t, "TerminationNotice", &format!("Host EC2 (instance {id}) is unreachable: Availability Zone {az} is down"), None);
            }
        }
        let fargate: Vec<String> = self.tasks.values().filter(|t| t.launch_type == LaunchType::Fargate && t.az == az && t.last_status != TaskStatus::Stopped).map(|t| t.id.clone()).collect();
        for t in fargate {
            self.stop_now(&t, "TerminationNotice", &format!("Fargate capacity in {az} is unavailable: Availability Zone {az} is down"), None);
        }
        // Kubernetes nodes (and Fargate pods) in the zone too (k8s/disruption.rs).
        self.k_az_outage(az);
        Ok(())
    }

    pub(crate) fn az_recover(&mut self, az: &str) -> Result<(), String> {
        if !self.down_azs.remove(az) {
            return Err(format!("{az} is not down"));
        }
        for i in self.instances.values_mut().filter(|i| i.az == az) {
            i.agent_connected = true;
        }
        self.k_az_recover(az);
        self.emit(EventKind::AzRecovered { az: az.to_string() });
        Ok(())
    }

    pub(crate) fn spot_interruption(&mut self, instance: Option<String>, task: Option<String>) -> Result<(), String> {
        let stop_at = self.now() + SPOT_WARNING_MS;
        match (instance, task) {
            (Some(id), None) => {
                if self.kube.node_meta.contains_key(&id) {
                    return self.k_spot_interruption(&id);
                }
                let inst = self.instances.get_mut(&id).ok_or_else(|| format!("no container instance {id:?}"))?;
                // ECS_ENABLE_SPOT_INSTANCE_DRAINING: the agent sets the instance to DRAINING.
                inst.status = InstanceStatus::Draining;
                self.emit(EventKind::SpotInterruptionWarning { instance: Some(id.clone()), task: None, stop_at });
                self.emit(EventKind::InstanceDraining { instance: id.clone() });
                self.spot_deadlines.insert(id.clone(), stop_at);
                self.push(stop_at, Item::SpotReclaim(id));
                Ok(())
            }
            (None, Some(id)) => {
                let t = self.tasks.get(&id).ok_or_else(|| format!("no task {id:?}"))?;
                if t.launch_type != LaunchType::Fargate {
                    return Err(format!("{id} is not a Fargate task; interrupt its instance instead"));
                }
                if !t.is_live() {
                    return Err(format!("{id} is not running"));
                }
                // The warning is also a SIGTERM: the task starts stopping now (the service launches
                // its replacement), and the capacity is reclaimed two minutes later regardless.
                self.emit(EventKind::SpotInterruptionWarning { instance: None, task: Some(id.clone()), stop_at });
                self.request_stop(&id, "SpotInterruption", "Your Spot Task was interrupted.");
                self.push(stop_at, Item::SpotReclaimTask(id));
                Ok(())
            }
            _ => Err("spotInterruption needs exactly one of \"instance\" or \"task\"".into()),
        }
    }
}

/// One pass over a service's tasks (see `Engine::scan_service`).
#[derive(Default)]
struct ServiceScan {
    /// Live tasks failing their container health check past the grace period.
    unhealthy: Vec<String>,
    old_healthy: Vec<String>,
    old_other: Vec<String>,
    new_healthy: u32,
    new_other: u32,
    /// A new task is still starting (not RUNNING, or its health is not known yet).
    starting: bool,
    /// A task is on its way to STOPPED.
    stopping: bool,
}

/// Make `td` the PRIMARY deployment; earlier ones become ACTIVE (until their tasks are gone).
fn start_deployment(s: &mut Service, td: &str, now: Millis, rollback: bool) -> u32 {
    let id = s.deployments.iter().map(|d| d.id).max().unwrap_or(0) + 1;
    for d in s.deployments.iter_mut() {
        if d.status == DeploymentStatus::Primary {
            d.status = DeploymentStatus::Active;
        }
    }
    s.deployments.push(Deployment { id, task_definition: td.to_string(), status: DeploymentStatus::Primary, rollout_state: RolloutState::InProgress, failed_tasks: 0, created_at: now, rollback, forced: false });
    // Keep the list short: the primary, what is still active, and the last completed one.
    let keep_from = s.deployments.len().saturating_sub(6);
    s.deployments.drain(..keep_from);
    s.throttle_failures = 0;
    s.next_launch_at = 0;
    s.stuck_reported = false;
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_backs_off_exponentially_to_fifteen_minutes() {
        let delays: Vec<Millis> = (0..10).map(throttle_delay).collect();
        assert_eq!(delays, vec![0, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 900_000, 900_000]);
        assert_eq!(throttle_delay(u32::MAX), 900_000);
    }
}
