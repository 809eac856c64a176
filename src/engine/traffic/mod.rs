//! Traffic: load generators, the load balancer in front of a service, the per-task performance
//! model, metrics and alarms. Runs once per virtual second (an `Item::Tick` in the queue) as soon
//! as any service has a load generator, a load balancer, autoscaling or an alarm; a scenario with
//! none of these never ticks, so its event log is exactly what it was before traffic existed.
//!
//! Each tick: target health checks that are due; then, per service, the offered requests are split
//! between routable targets (see [`balancer`]) and each task's share goes through the queueing
//! model ([`queueing`]); the results are kept as "live" values (for the UI) and summed into the
//! current minute. At each whole minute the sums become one-minute datapoints ([`metrics`]),
//! alarms are evaluated, and the autoscalers look at the new datapoints.

pub mod balancer;
pub mod load;
pub mod metrics;
pub mod queueing;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::event::EventKind;
use crate::engine::sim::{Engine, Item};
use crate::engine::sort;
use crate::engine::task::{LaunchType, TaskStatus};
use crate::engine::time::{Millis, MINUTE, SECOND};

use balancer::{Target, TargetGroup, TargetHealth};
use load::Load;
use metrics::{Alarm, MetricStore};
use queueing::{TaskInput, LN_P50, LN_P95, LN_P99};

/// One tick of traffic: one virtual second.
pub const TICK_MS: Millis = SECOND;

/// `serviceDiscovery` of a service: a Cloud Map private DNS namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceDiscoverySpec {
    pub namespace: String,
}

/// A Cloud Map namespace name: DNS labels of letters, digits and hyphens, separated by dots.
pub fn validate_namespace(ns: &str) -> Result<(), String> {
    let ok = !ns.is_empty() && ns.len() <= 253 && ns.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !l.starts_with('-') && !l.ends_with('-'));
    if ok {
        Ok(())
    } else {
        Err(format!("serviceDiscovery.namespace {ns:?} is not a DNS name (e.g. internal.example.com)"))
    }
}

/// An SQS-like queue whose messages a service's tasks process (`queues` in a scenario).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueSpec {
    pub name: String,
    /// The service whose tasks consume the messages (its revision's `cpuMsPerRequest` is the CPU
    /// cost of one message).
    pub service: String,
    /// Messages arriving per second, as a load shape.
    pub arrival: load::LoadSpec,
    /// Messages already waiting at the start.
    #[serde(default)]
    pub initial_messages: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Queue {
    pub name: String,
    pub service: String,
    #[serde(skip)]
    pub arrival: Load,
    /// `ApproximateNumberOfMessagesVisible`.
    pub visible: f64,
}

/// What one service's traffic looked like at the last tick.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTraffic {
    /// Requests per second arriving at the service.
    pub offered_rps: f64,
    pub served_rps: f64,
    /// Rejected by saturated tasks (503 from the targets).
    pub rejected_rps: f64,
    /// Failed by the app (its revision's error rate).
    pub error_rps: f64,
    /// Arrived while no target could take them (503 from the load balancer).
    pub no_target_rps: f64,
    /// Σ CPU used / Σ CPU reserved over the service's running tasks, percent.
    pub cpu_percent: f64,
    pub memory_percent: f64,
    pub mean_latency_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// Targets receiving requests.
    pub routable_targets: u32,
    pub healthy_targets: u32,
}

impl ServiceTraffic {
    /// Share of arriving requests answered with a 5xx, percent.
    pub fn error_percent(&self) -> f64 {
        if self.offered_rps > 0.0 {
            100.0 * (self.rejected_rps + self.error_rps + self.no_target_rps) / self.offered_rps
        } else {
            0.0
        }
    }
}

/// One task's usage at the last tick.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskUsage {
    pub rps: f64,
    pub cpu_percent: f64,
    pub memory_mib: f64,
    pub memory_percent: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct MinuteAcc {
    ticks: u32,
    cpu_used: f64,
    cpu_reserved: f64,
    mem_used: f64,
    mem_reserved: f64,
    requests: f64,
    served: f64,
    target_5xx: f64,
    elb_5xx: f64,
    healthy: f64,
    unhealthy: f64,
    /// (base bits, wait bits) → requests served with that latency distribution.
    latency: BTreeMap<(u64, u64), f64>,
}

#[derive(Debug, Clone, PartialEq)]
struct RosterEntry {
    id: String,
    task_definition: String,
    /// Index into `TrafficState::revisions` (running tasks only).
    rev: Option<usize>,
    running: bool,
    /// Desired RUNNING (not being stopped): with `running`, what `Task::is_live` says.
    desired_running: bool,
    /// RUNNING and healthy by its container health check.
    serving: bool,
    started_at: Option<Millis>,
    vcpu: f64,
    memory_reserved: f64,
    target: Option<TargetHealth>,
    usage: TaskUsage,
}

/// What the traffic tick computes once for a run of tasks of one revision with the same vCPU and
/// the same offered requests (they get the same answer).
struct SameTasks {
    key: (usize, u64, u64),
    o: queueing::TaskOutput,
    /// `vcpu × cpu% / 100` and `vcpu × 1024 × cpu% / 100`.
    cpu_used: f64,
    cpu_units: f64,
    /// Memory in use, when the revision does not leak (then it does not depend on the task).
    mem: Option<f64>,
    /// (memory bits, reserved bits, percent) of the last task.
    mem_percent: Option<(u64, u64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
struct RevisionModel {
    behavior: crate::engine::behavior::Behavior,
    working_mib: f64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrafficState {
    pub(crate) ticking: bool,
    pub(crate) loads: BTreeMap<String, Load>,
    pub(crate) groups: BTreeMap<String, TargetGroup>,
    pub(crate) discovery: BTreeMap<String, String>,
    /// Registered targets by task id.
    pub(crate) targets: BTreeMap<String, Target>,
    /// Private IPv4 of awsvpc and Fargate tasks.
    pub(crate) addresses: BTreeMap<String, String>,
    next_ip: u32,
    pub(crate) live: BTreeMap<String, ServiceTraffic>,
    /// Per service, its live tasks as the tick needs them (rebuilt when the log grows).
    rosters: BTreeMap<String, Vec<RosterEntry>>,
    revisions: Vec<RevisionModel>,
    roster_at: Option<usize>,
    acc: BTreeMap<String, MinuteAcc>,
    pub(crate) metrics: MetricStore,
    pub(crate) alarms: Vec<Alarm>,
    /// Queues by name.
    pub(crate) queues: BTreeMap<String, Queue>,
    /// Per service, per-task CPU and memory use seen so far (for right-sizing).
    pub(crate) usage_stats: BTreeMap<String, crate::engine::rightsizing::UsageStats>,
    /// Target ids by the next time their health check may be due (a superset: each tick re-checks
    /// the exact rule in [`health_check_due`], so this only saves scanning every target).
    check_schedule: BTreeMap<Millis, Vec<String>>,
}

/// Is a health check of target `t` due at `now`? (Every `interval` after registration, never
/// while draining.)
fn health_check_due(t: &Target, now: Millis) -> bool {
    t.state != TargetHealth::Draining && now > t.registered_at && t.interval_ms > 0 && (now - t.registered_at) % t.interval_ms == 0
}

/// The first time after `after` at which [`health_check_due`] can hold for `t`.
fn next_check_after(t: &Target, after: Millis) -> Option<Millis> {
    if t.interval_ms == 0 || t.state == TargetHealth::Draining {
        return None;
    }
    let from = after.max(t.registered_at);
    Some(t.registered_at + ((from - t.registered_at) / t.interval_ms + 1) * t.interval_ms)
}

/// When target `t` (just checked, or looked at, at `now`) must next be checked. Usually its next
/// check; but while the checks in between can change nothing, the first check at which something
/// can: a healthy target whose app keeps passing (counters at their caps) next matters when the
/// app starts failing (`failHealthCheckAfter`); an unhealthy one whose app keeps failing, when the
/// app becomes ready or the grace period ends (the service then replaces it). A task leaving
/// RUNNING re-schedules its target ([`Engine::traffic_on_status`]). Skipping those checks is
/// exact: each would have left the target as it was.
fn next_wanted_check(t: &Target, now: Millis) -> Option<Millis> {
    if t.interval_ms == 0 || t.state == TargetHealth::Draining {
        return None;
    }
    let first_from = |x: Millis| next_check_after(t, x.max(now + 1) - 1);
    let passes = t.app_passes(now);
    let started = t.started_at.unwrap_or(0);
    if passes && t.state == TargetHealth::Healthy && t.failures == 0 && t.successes >= t.healthy_threshold {
        return t.fail_after.and_then(|f| first_from(started + f));
    }
    if !passes && t.state == TargetHealth::Unhealthy && t.successes == 0 && t.failures >= t.unhealthy_threshold {
        let grace_end = first_from(started + t.grace_ms);
        let becomes_ready = t.task_running && t.started_at.is_some() && now.saturating_sub(started) < t.ready_after && t.fail_after.is_none_or(|f| t.ready_after < f);
        let ready = if becomes_ready { first_from(started + t.ready_after) } else { None };
        return [grace_end, ready].into_iter().flatten().min();
    }
    next_check_after(t, now)
}

/// `map[key]`, inserting the default first if absent (without allocating a key when present).
fn slot<'a, V: Default>(map: &'a mut BTreeMap<String, V>, key: &str) -> &'a mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).map_or_else(|| unreachable!("inserted above"), |v| v)
}

/// `lat[key] += w` on a short list of latency components (usually one).
fn add_latency(lat: &mut Vec<((u64, u64), f64)>, key: (u64, u64), w: f64) {
    match lat.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => *v += w,
        None => lat.push((key, 0.0 + w)),
    }
}

fn latency_parts(map: &BTreeMap<(u64, u64), f64>) -> Vec<(f64, f64, f64)> {
    map.iter().map(|((b, w), n)| (*n, f64::from_bits(*b), f64::from_bits(*w))).collect()
}

impl Engine {
    /// Start the once-a-second traffic tick (idempotent).
    pub(crate) fn ensure_ticking(&mut self) {
        if self.traffic.ticking {
            return;
        }
        self.traffic.ticking = true;
        let next = (self.now() / TICK_MS + 1) * TICK_MS;
        self.push(next, Item::Tick);
    }

    /// Does the traffic tick run (load, load balancers, autoscaling, alarms)? Then the queue is
    /// never empty.
    pub fn has_traffic(&self) -> bool {
        self.traffic.ticking
    }

    /// The metrics recorded so far (one-minute datapoints).
    pub fn metrics(&self) -> &MetricStore {
        &self.traffic.metrics
    }
    /// Live traffic per service at the last tick.
    pub fn traffic(&self) -> &BTreeMap<String, ServiceTraffic> {
        &self.traffic.live
    }
    pub fn alarms(&self) -> &[Alarm] {
        &self.traffic.alarms
    }
    pub fn targets(&self) -> &BTreeMap<String, Target> {
        &self.traffic.targets
    }
    /// A task's usage at the last tick (tasks of services with traffic).
    pub fn task_usage(&self, task: &str) -> Option<&TaskUsage> {
        let service = self.tasks.get(task)?.service.as_ref()?;
        let list = self.traffic.rosters.get(service)?;
        let i = list.binary_search_by(|e| e.id.as_str().cmp(task)).ok()?;
        list.get(i).filter(|e| e.running && self.traffic.roster_at.is_some()).map(|e| &e.usage)
    }

    /// Set (or replace) a service's load generator.
    pub(crate) fn set_traffic(&mut self, service: &str, spec: &load::LoadSpec) -> Result<(), String> {
        if !self.services.contains_key(service) {
            return Err(self.unknown_service(service));
        }
        let load = spec.resolve()?;
        let rps = load.rps_at(self.now());
        self.traffic.loads.insert(service.to_string(), load);
        self.emit(EventKind::TrafficChanged { service: service.to_string(), rps: round2(rps) });
        self.ensure_ticking();
        Ok(())
    }

    pub(crate) fn add_queue(&mut self, spec: &QueueSpec) -> Result<(), String> {
        if self.traffic.queues.contains_key(&spec.name) {
            return Err(format!("queue {:?} already exists", spec.name));
        }
        if !self.services.contains_key(&spec.service) {
            return Err(self.unknown_service(&spec.service));
        }
        if self.traffic.queues.values().any(|q| q.service == spec.service) {
            return Err(format!("service {} already consumes a queue", spec.service));
        }
        if !(spec.initial_messages.is_finite() && spec.initial_messages >= 0.0) {
            return Err(format!("initialMessages must be 0 or more; got {}", spec.initial_messages));
        }
        let arrival = spec.arrival.resolve().map_err(|e| format!("arrival: {e}"))?;
        self.traffic.queues.insert(spec.name.clone(), Queue { name: spec.name.clone(), service: spec.service.clone(), arrival, visible: spec.initial_messages });
        self.ensure_ticking();
        Ok(())
    }

    pub fn queues(&self) -> &BTreeMap<String, Queue> {
        &self.traffic.queues
    }

    pub(crate) fn add_alarm(&mut self, spec: &metrics::AlarmSpec) -> Result<(), String> {
        if self.traffic.alarms.iter().any(|a| a.name == spec.name) {
            return Err(format!("alarm {:?} already exists", spec.name));
        }
        // The service may be created later (a step scaling policy names the alarm, so alarms come
        // first); until it exists the alarm has no data.
        self.traffic.alarms.push(spec.resolve()?);
        self.ensure_ticking();
        Ok(())
    }

    /// A service with a load balancer or service discovery was created.
    pub(crate) fn traffic_on_service_created(&mut self, service: &str, group: Option<TargetGroup>, namespace: Option<String>) {
        if let Some(g) = group {
            self.traffic.groups.insert(service.to_string(), g);
            self.ensure_ticking();
        }
        if let Some(ns) = namespace {
            self.traffic.discovery.insert(service.to_string(), ns);
        }
    }

    /// A task reached RUNNING: give it an address and register it with its service's target group.
    pub(crate) fn traffic_on_running(&mut self, id: &str) {
        let Some(t) = self.tasks.get(id) else { return };
        let Some(service) = t.service.clone() else { return };
        let awsvpc = t.uses_eni || t.launch_type == LaunchType::Fargate;
        let az_index = self.config.azs.iter().position(|a| *a == t.az).unwrap_or(0) as u32;
        let instance = t.instance.clone();
        let host_port = t.host_ports.first().map(|(p, _)| *p);
        if awsvpc {
            let n = self.traffic.next_ip;
            self.traffic.next_ip += 1;
            // 10.0.<16 × AZ + block>.<host>: one /20 per AZ, hosts 4–253 (AWS reserves .0–.3).
            let ip = format!("10.0.{}.{}", az_index * 16 + (n / 250) % 16, n % 250 + 4);
            self.traffic.addresses.insert(id.to_string(), ip);
        }
        let Some(group) = self.traffic.groups.get(&service) else { return };
        let port = self.container_port_of(id).unwrap_or(80);
        let address = match (self.traffic.addresses.get(id), instance) {
            (Some(ip), _) => format!("{ip}:{port}"),
            (None, Some(i)) => format!("{i}:{}", host_port.unwrap_or(port)),
            (None, None) => format!("{id}:{port}"),
        };
        let target_group = group.name.clone();
        let mut target = Target::new(&service, address.clone(), self.now());
        target.interval_ms = group.interval_ms;
        target.healthy_threshold = group.healthy_threshold;
        target.unhealthy_threshold = group.unhealthy_threshold;
        if let Some(t) = self.tasks.get(id) {
            // The behaviours are set once, before the first task starts (`set_behaviors`).
            let b = self.behavior_of_task(t);
            target.task_running = t.last_status == TaskStatus::Running;
            target.started_at = t.started_at;
            target.ready_after = b.ready_after;
            target.fail_after = b.fail_health_check_after;
        }
        target.grace_ms = self.services.get(&service).map(|s| s.grace_ms).unwrap_or(0);
        if let Some(at) = next_check_after(&target, target.registered_at) {
            self.traffic.check_schedule.entry(at).or_default().push(id.to_string());
        }
        self.traffic.targets.insert(id.to_string(), target);
        self.emit(EventKind::TargetRegistered { service, task: id.to_string(), target_group, address });
    }

    fn container_port_of(&self, id: &str) -> Option<u16> {
        let t = self.tasks.get(id)?;
        let td = self.resolve_task_definition(&t.task_definition).ok()?;
        td.container_definitions.iter().filter(|c| c.essential).find_map(|c| c.port_mappings.first().map(|p| p.container_port))
    }

    /// The scheduler wants a registered task stopped: start deregistration and say how long the
    /// target drains before the task gets SIGTERM (`None`: not registered, stop at once).
    pub(crate) fn traffic_begin_drain(&mut self, id: &str) -> Option<Millis> {
        let now = self.now();
        let t = self.traffic.targets.get_mut(id)?;
        if t.state == TargetHealth::Draining {
            return None;
        }
        let delay = self.traffic.groups.get(&t.service).map(|g| g.deregistration_delay_ms).unwrap_or(0);
        t.state = TargetHealth::Draining;
        t.draining_until = Some(now + delay);
        let service = t.service.clone();
        self.emit(EventKind::TargetDraining { service, task: id.to_string(), until: now + delay });
        Some(delay)
    }

    /// A task's status changed: its target's health check reads whether it is RUNNING, so the
    /// target is looked at again from now on (see [`next_wanted_check`]).
    pub(crate) fn traffic_on_status(&mut self, id: &str, running: bool) {
        let Some(t) = self.traffic.targets.get_mut(id) else { return };
        if t.task_running == running {
            return;
        }
        t.task_running = running;
        if t.state != TargetHealth::Draining {
            let now = self.now();
            self.traffic.check_schedule.entry(now).or_default().push(id.to_string());
        }
    }

    /// The task is STOPPED: it is no longer a target, and its address is free.
    pub(crate) fn traffic_on_stopped(&mut self, id: &str) {
        self.traffic.addresses.remove(id);
        if let Some(t) = self.traffic.targets.remove(id) {
            self.emit(EventKind::TargetDeregistered { service: t.service, task: id.to_string() });
        }
    }

    pub(crate) fn on_tick(&mut self) {
        let now = self.now();
        self.health_checks(now);
        self.route_traffic();
        if now % MINUTE == 0 {
            self.publish_minute(now);
            self.evaluate_alarms(now);
            self.scaling_minute(now);
            self.capacity_minute(now);
        }
        self.push(now + TICK_MS, Item::Tick);
    }

    fn health_checks(&mut self, now: Millis) {
        // Every target whose check is due now is checked (each target carries what its check
        // needs, so this is one lookup per check); each scheduled target that still exists is
        // scheduled again for its next check. Checks are independent of each other, so the
        // results are then acted on in task id order (as a scan of `targets` finds them).
        let mut noteworthy: Vec<(String, Option<TargetHealth>)> = Vec::new();
        let traffic = &mut self.traffic;
        while let Some(entry) = traffic.check_schedule.first_entry() {
            if *entry.key() > now {
                break;
            }
            for id in entry.remove() {
                let Some(t) = traffic.targets.get_mut(&id) else { continue };
                if t.checked_at == Some(now) {
                    continue;
                }
                if health_check_due(t, now) {
                    t.checked_at = Some(now);
                    let changed = t.check_copied(t.app_passes(now));
                    if changed.is_some() || (t.state == TargetHealth::Unhealthy && now >= t.started_at.unwrap_or(0) + t.grace_ms) {
                        noteworthy.push((id.clone(), changed));
                    }
                }
                let next = next_wanted_check(t, now);
                if let Some(at) = next {
                    traffic.check_schedule.entry(at).or_default().push(id);
                }
            }
        }
        if noteworthy.is_empty() {
            return;
        }
        sort::sort_by(&mut noteworthy, |a, b| a.0.cmp(&b.0));
        for (id, changed) in noteworthy {
            let Some(t) = self.traffic.targets.get(&id) else { continue };
            let (service, started, grace, unhealthy) = (t.service.clone(), t.started_at.unwrap_or(0), t.grace_ms, t.state == TargetHealth::Unhealthy);
            if let Some(state) = changed {
                self.emit(EventKind::TargetHealthChanged { service: service.clone(), task: id.clone(), state: state.as_str().to_string() });
            }
            // ECS replaces a task its load balancer reports unhealthy once the service's health
            // check grace period since the task started has passed: "the period of time, in
            // seconds, that the Amazon ECS service scheduler ignores unhealthy Elastic Load
            // Balancing […] health checks after a task has first started" (ECS API reference,
            // CreateService `healthCheckGracePeriodSeconds`). So a target that turned unhealthy
            // inside the grace period is replaced at its first check after the period, if it is
            // still unhealthy then (a check while unhealthy after the period replaces the task).
            if unhealthy {
                if now >= started + grace {
                    let tg_name = self.traffic.groups.get(&service).map(|g| g.name.clone()).unwrap_or_default();
                    self.request_stop(&id, "ServiceSchedulerInitiated", &format!("Task failed ELB health checks in (target-group {tg_name})"));
                }
            }
        }
    }

    /// Rebuild the per-service rosters if anything happened since the last tick (every task or
    /// target change is an event, so an unchanged log means unchanged rosters).
    fn refresh_rosters(&mut self) {
        if self.traffic.roster_at == Some(self.events().len()) {
            return;
        }
        // Services by position (one name lookup per task, none when it has the previous task's
        // service); the previous rosters, to reuse their id and revision strings: tasks, targets
        // and every roster are in task id order, so one walk along each finds the matches.
        let mut old = std::mem::take(&mut self.traffic.rosters);
        let names: Vec<&String> = self.services.keys().collect();
        let position: BTreeMap<&str, usize> = sort::collect_map(names.iter().enumerate().map(|(i, n)| (n.as_str(), i)));
        let mut lists: Vec<Vec<RosterEntry>> = names.iter().map(|n| Vec::with_capacity(old.get(n.as_str()).map_or(0, Vec::len))).collect();
        let mut previous: Vec<std::iter::Peekable<std::vec::IntoIter<RosterEntry>>> =
            names.iter().map(|n| old.remove(n.as_str()).unwrap_or_default().into_iter().peekable()).collect();
        let mut revisions: Vec<RevisionModel> = Vec::new();
        let mut rev_index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut last_service: Option<(&str, usize)> = None;
        let mut last_rev: Option<(&str, usize)> = None;
        let mut targets = self.traffic.targets.iter().peekable();
        for (id, t) in &self.tasks {
            if t.last_status == TaskStatus::Stopped {
                continue;
            }
            let Some(service) = t.service.as_deref() else { continue };
            let si = match last_service {
                Some((name, i)) if name == service => i,
                _ => {
                    let Some(&i) = position.get(service) else { continue };
                    last_service = Some((service, i));
                    i
                }
            };
            let (Some(list), Some(old)) = (lists.get_mut(si), previous.get_mut(si)) else { continue };
            let rev = if t.last_status == TaskStatus::Running {
                let key = t.task_definition.as_str();
                Some(match last_rev {
                    Some((k, r)) if k == key => r,
                    _ => {
                        let r = *rev_index.entry(key).or_insert_with(|| {
                            let b = self.behavior_for(&t.family, t.revision);
                            let working = self.memory_of(&t.task_definition, &b).map(|(s, _)| s as f64).unwrap_or(0.0);
                            revisions.push(RevisionModel { behavior: b, working_mib: working });
                            revisions.len() - 1
                        });
                        last_rev = Some((key, r));
                        r
                    }
                })
            } else {
                None
            };
            // (Usually the next target and the next old entry are this task's: try equality first.)
            if !targets.peek().is_some_and(|(k, _)| *k == id) {
                while targets.peek().is_some_and(|(k, _)| k.as_str() < id.as_str()) {
                    targets.next();
                }
            }
            let target = targets.peek().filter(|(k, _)| *k == id).map(|(_, x)| x.state);
            if !old.peek().is_some_and(|e| e.id == *id) {
                while old.peek().is_some_and(|e| e.id.as_str() < id.as_str()) {
                    old.next();
                }
            }
            let reused = if old.peek().is_some_and(|e| e.id == *id && e.task_definition == t.task_definition) { old.next().map(|e| (e.id, e.task_definition)) } else { None };
            let (id, task_definition) = reused.unwrap_or_else(|| (id.clone(), t.task_definition.clone()));
            list.push(RosterEntry {
                id,
                rev,
                task_definition,
                running: t.last_status == TaskStatus::Running,
                desired_running: t.desired_status == TaskStatus::Running,
                serving: t.is_healthy(),
                started_at: t.started_at,
                vcpu: t.cpu.max(128) as f64 / 1024.0,
                memory_reserved: t.memory.max(1) as f64,
                target,
                usage: TaskUsage::default(),
            });
        }
        let rosters: BTreeMap<String, Vec<RosterEntry>> = sort::collect_map(names.into_iter().cloned().zip(lists));
        self.traffic.rosters = rosters;
        self.traffic.revisions = revisions;
        self.traffic.roster_at = Some(self.events().len());
    }

    fn route_traffic(&mut self) {
        self.refresh_rosters();
        let now = self.now();
        let mut rosters = std::mem::take(&mut self.traffic.rosters);
        let mut acc = std::mem::take(&mut self.traffic.acc);
        let mut live = std::mem::take(&mut self.traffic.live);
        let mut processed = 0usize;
        let mut stats = std::mem::take(&mut self.traffic.usage_stats);
        let revisions = &self.traffic.revisions;
        let dt = TICK_MS as f64 / SECOND as f64;
        // Queue consumers: this second's demand is the backlog plus the arrivals; what the tasks
        // do not process stays in the queue (no errors).
        let mut consumed: BTreeMap<String, (String, f64, f64)> = BTreeMap::new();
        for q in self.traffic.queues.values() {
            let arrivals = q.arrival.rps_at(now) * dt;
            consumed.insert(q.service.clone(), (q.name.clone(), q.visible + arrivals, 0.0));
        }
        for (name, roster) in rosters.iter_mut() {
            let Some(svc) = self.services.get(name) else { continue };
            let queue_demand = consumed.get(name).map(|c| c.1 / dt);
            let offered = queue_demand.unwrap_or_else(|| self.traffic.loads.get(name).map(|l| l.rps_at(now)).unwrap_or(0.0));
            let group = self.traffic.groups.get(name);
            let app_ok = |e: &RosterEntry| -> bool {
                let (Some(started), Some(r)) = (e.started_at, e.rev.and_then(|i| revisions.get(i))) else { return false };
                let since = now.saturating_sub(started);
                since >= r.behavior.ready_after && r.behavior.fail_health_check_after.is_none_or(|f| since < f)
            };
            // Indexes of the tasks that can take requests: behind a load balancer the healthy
            // targets, or (fail open) every registered target that is not draining when none is
            // healthy (`balancer::routable`).
            let (mut healthy, mut unhealthy) = (0u32, 0u32);
            let candidates: Vec<usize> = match group {
                Some(_) => {
                    let mut routable = Vec::with_capacity(roster.len());
                    for (i, e) in roster.iter().enumerate() {
                        match e.target {
                            Some(TargetHealth::Healthy) => {
                                healthy += 1;
                                routable.push(i);
                            }
                            Some(TargetHealth::Unhealthy) => unhealthy += 1,
                            _ => {}
                        }
                    }
                    if routable.is_empty() {
                        routable.extend((0..roster.len()).filter(|&i| roster[i].target.is_some_and(|s| s != TargetHealth::Draining)));
                    }
                    routable
                }
                None => (0..roster.len()).filter(|&i| roster[i].running && roster[i].serving && app_ok(&roster[i])).collect(),
            };
            let blue_green_split;
            let splits: Vec<(f64, &[usize])> = match &svc.blue_green {
                Some(bg) => {
                    let green = bg.green_percent as f64 / 100.0;
                    blue_green_split = candidates.iter().partition::<Vec<usize>, _>(|&&i| roster[i].task_definition == bg.green);
                    vec![(offered * (1.0 - green), blue_green_split.1.as_slice()), (offered * green, blue_green_split.0.as_slice())]
                }
                None => vec![(offered, candidates.as_slice())],
            };
            let algorithm = group.map(|g| g.algorithm).unwrap_or_default();
            let mut st = ServiceTraffic { offered_rps: offered, routable_targets: candidates.len() as u32, healthy_targets: healthy, ..Default::default() };
            let a = slot(&mut acc, name);
            a.ticks += 1;
            a.healthy += healthy as f64;
            a.unhealthy += unhealthy as f64;
            let mut inputs = vec![0.0f64; roster.len()];
            for &(rps, idx) in &splits {
                if idx.is_empty() {
                    st.no_target_rps += rps;
                    continue;
                }
                if algorithm == balancer::Algorithm::RoundRobin {
                    // `balancer::shares` gives every target the same 1/n.
                    let share = 1.0 / idx.len() as f64;
                    for &i in idx {
                        inputs[i] += rps * share;
                    }
                    continue;
                }
                let ids: Vec<&str> = idx.iter().map(|&i| roster[i].id.as_str()).collect();
                let caps: Vec<f64> = idx
                    .iter()
                    .map(|&i| roster[i].rev.and_then(|r| revisions.get(r)).map(|r| roster[i].vcpu * 1000.0 / r.behavior.cpu_ms_per_request).unwrap_or(0.0))
                    .collect();
                for (&i, share) in idx.iter().zip(balancer::shares(algorithm, &ids, &caps)) {
                    inputs[i] += rps * share;
                }
            }
            // Served requests by latency distribution (base bits, wait bits), in key order below.
            let mut lat: Vec<((u64, u64), f64)> = Vec::new();
            let (mut cpu_used, mut cpu_res, mut mem_used, mut mem_res) = (0.0, 0.0, 0.0, 0.0);
            // Tasks of one revision with the same share get the same answer: compute it once.
            let stats_for = slot(&mut stats, name);
            // (Each value below is computed with exactly the expression it would have per task,
            // and every sum still adds each task's value in task order, so the results are
            // bit-identical to a task-by-task loop; a run of tasks with the same answer only
            // adds its values in a tight loop.)
            let mut last: Option<SameTasks> = None;
            let mut lat_last: Option<((u64, u64), f64)> = None;
            let n = roster.len();
            let mut i = 0;
            while i < n {
                let e = &roster[i];
                i += 1;
                if !e.running {
                    continue;
                }
                let Some((ri, r)) = e.rev.and_then(|ri| revisions.get(ri).map(|r| (ri, r))) else { continue };
                let b = &r.behavior;
                let key = (ri, e.vcpu.to_bits(), inputs[i - 1].to_bits());
                if !last.as_ref().is_some_and(|d| d.key == key) {
                    let o = queueing::evaluate(TaskInput { offered_rps: inputs[i - 1], vcpu: e.vcpu, cpu_ms_per_request: b.cpu_ms_per_request, base_latency_ms: b.base_latency_ms, error_rate: b.error_rate });
                    last = Some(SameTasks { key, o, cpu_used: e.vcpu * o.cpu_percent / 100.0, cpu_units: e.vcpu * 1024.0 * o.cpu_percent / 100.0, mem: None, mem_percent: None });
                }
                let Some(d) = last.as_mut() else { continue };
                let o = d.o;
                // Without a leak the leaked term is +0.0 for every task, so the memory is the same
                // for every task with the same key.
                let leak_free = b.memory_leak_mib_per_minute == 0.0;
                let mem = match d.mem {
                    Some(m) if leak_free => m,
                    _ => {
                        let leaked = b.memory_leak_mib_per_minute * now.saturating_sub(e.started_at.unwrap_or(0)) as f64 / MINUTE as f64;
                        let m = r.working_mib + leaked + o.in_flight * b.memory_per_request_mib;
                        if leak_free {
                            d.mem = Some(m);
                        }
                        m
                    }
                };
                let (vcpu, reserved) = (e.vcpu, e.memory_reserved);
                let memory_percent = match d.mem_percent {
                    Some((m, res, p)) if m == mem.to_bits() && res == reserved.to_bits() => p,
                    _ => {
                        let p = 100.0 * mem / reserved;
                        d.mem_percent = Some((mem.to_bits(), reserved.to_bits(), p));
                        p
                    }
                };
                let usage = TaskUsage { rps: o.served_rps, cpu_percent: o.cpu_percent, memory_mib: mem, memory_percent };
                // The run: this task and the following running ones with the same answer
                // (same revision, vCPU, offered requests and reserved memory, and no leak).
                let first = i - 1;
                let mut members = 1usize;
                if leak_free {
                    while i < n {
                        let f = &roster[i];
                        if f.running {
                            if !(f.rev == Some(ri) && f.vcpu.to_bits() == key.1 && inputs[i].to_bits() == key.2 && f.memory_reserved.to_bits() == reserved.to_bits()) {
                                break;
                            }
                            members += 1;
                        }
                        i += 1;
                    }
                }
                let (mut served, mut rejected, mut errors) = (st.served_rps, st.rejected_rps, st.error_rps);
                let (mut cpu_sum, mut mem_sum) = (stats_for.cpu_units_sum, stats_for.memory_mib_sum);
                for _ in 0..members {
                    served += o.served_rps;
                    rejected += o.rejected_rps;
                    errors += o.error_rps;
                    cpu_used += d.cpu_used;
                    cpu_res += vcpu;
                    mem_used += mem;
                    mem_res += reserved;
                    cpu_sum += d.cpu_units;
                    mem_sum += mem;
                }
                (st.served_rps, st.rejected_rps, st.error_rps) = (served, rejected, errors);
                (stats_for.cpu_units_sum, stats_for.memory_mib_sum) = (cpu_sum, mem_sum);
                // `UsageStats::record` once per task: the peaks are the same after one.
                stats_for.samples += members as u64;
                stats_for.cpu_units_peak = stats_for.cpu_units_peak.max(d.cpu_units);
                stats_for.memory_mib_peak = stats_for.memory_mib_peak.max(mem);
                if o.served_rps > 0.0 {
                    let lk = (o.base_latency_ms.to_bits(), o.mean_wait_ms.to_bits());
                    let mut added = 0;
                    if !lat_last.is_some_and(|(k, _)| k == lk) {
                        if let Some((k, w)) = lat_last.take() {
                            add_latency(&mut lat, k, w);
                        }
                        lat_last = Some((lk, o.served_rps));
                        added = 1;
                    }
                    if let Some((_, w)) = lat_last.as_mut() {
                        for _ in added..members {
                            *w += o.served_rps;
                        }
                    }
                }
                for f in roster[first..i].iter_mut().filter(|f| f.running) {
                    f.usage = usage.clone();
                }
            }
            if let Some((k, w)) = lat_last.take() {
                add_latency(&mut lat, k, w);
            }
            sort::sort_by_key(&mut lat, |(k, _)| *k);
            if let Some(c) = consumed.get_mut(name) {
                // Unprocessed messages wait; nothing is rejected and there is no load balancer.
                c.2 = st.served_rps * dt;
                st.rejected_rps = 0.0;
                st.no_target_rps = 0.0;
            }
            if cpu_res > 0.0 {
                st.cpu_percent = 100.0 * cpu_used / cpu_res;
                st.memory_percent = 100.0 * mem_used / mem_res;
            }
            let parts: Vec<(f64, f64, f64)> = lat.iter().map(|((b, w), n)| (*n, f64::from_bits(*b), f64::from_bits(*w))).collect();
            [st.mean_latency_ms, st.p50_ms, st.p95_ms, st.p99_ms] = queueing::latency_summary(&parts, st.served_rps);
            a.cpu_used += cpu_used * dt;
            a.cpu_reserved += cpu_res * dt;
            a.mem_used += mem_used * dt;
            a.mem_reserved += mem_res * dt;
            a.requests += offered * dt;
            a.served += st.served_rps * dt;
            a.target_5xx += (st.rejected_rps + st.error_rps) * dt;
            a.elb_5xx += st.no_target_rps * dt;
            for (k, v) in lat {
                *a.latency.entry(k).or_default() += v * dt;
            }
            match live.get_mut(name) {
                Some(slot) => *slot = st,
                None => {
                    live.insert(name.clone(), st);
                }
            }
            processed += 1;
        }
        if live.len() != processed {
            // A service left the rosters: keep only this tick's services, as a fresh map would.
            live.retain(|k, _| rosters.contains_key(k) && self.services.contains_key(k));
        }
        for (_, (queue, demand, processed)) in consumed {
            if let Some(q) = self.traffic.queues.get_mut(&queue) {
                q.visible = (demand - processed).max(0.0);
            }
        }
        self.traffic.usage_stats = stats;
        self.traffic.rosters = rosters;
        self.traffic.acc = acc;
        self.traffic.live = live;
    }

    fn publish_minute(&mut self, now: Millis) {
        let acc = std::mem::take(&mut self.traffic.acc);
        for (service, a) in acc {
            let m = &mut self.traffic.metrics;
            let put = |m: &mut MetricStore, name: &str, v: f64| m.put(&format!("{service}/{name}"), now, v);
            if a.cpu_reserved > 0.0 {
                put(m, "CPUUtilization", 100.0 * a.cpu_used / a.cpu_reserved);
                put(m, "MemoryUtilization", 100.0 * a.mem_used / a.mem_reserved);
            }
            let has_lb = self.traffic.groups.contains_key(&service);
            if has_lb || self.traffic.loads.contains_key(&service) {
                put(m, "RequestCount", a.requests);
                put(m, "HTTPCode_Target_5XX_Count", a.target_5xx);
                put(m, "HTTPCode_ELB_5XX_Count", a.elb_5xx);
                if a.served > 0.0 {
                    let parts = queueing::merge_close(&latency_parts(&a.latency), 1e-3);
                    put(m, "TargetResponseTime", parts.iter().map(|(w, b, w8)| w * (b + w8)).sum::<f64>() / a.served / 1000.0);
                    for (suffix, lnq) in [("p50", LN_P50), ("p95", LN_P95), ("p99", LN_P99)] {
                        if let Some(q) = queueing::mixture_quantile(&parts, lnq) {
                            put(m, &format!("TargetResponseTime:{suffix}"), q / 1000.0);
                        }
                    }
                }
            }
            if has_lb && a.ticks > 0 {
                let healthy = a.healthy / a.ticks as f64;
                put(m, "HealthyHostCount", healthy);
                put(m, "UnHealthyHostCount", a.unhealthy / a.ticks as f64);
                if healthy > 0.0 {
                    put(m, "RequestCountPerTarget", a.requests / healthy);
                }
            }
        }
        // The minute metrics every scenario has (task counts, the bill, Kubernetes Deployments;
        // traffic/metrics.rs), written here so that this tick's alarms and the backlog per task
        // below see this minute.
        self.record_minute_metrics_through(now);
        let queues: Vec<(String, String, f64)> = self.traffic.queues.values().map(|q| (q.name.clone(), q.service.clone(), q.visible)).collect();
        for (name, service, visible) in queues {
            self.traffic.metrics.put(&format!("{name}/ApproximateNumberOfMessagesVisible"), now, visible);
            let running = self.traffic.metrics.latest(&format!("{service}/RunningTaskCount")).filter(|(t, _)| *t == now).map(|(_, v)| v).unwrap_or(0.0);
            // AWS's "backlog per task" for scaling queue workers (messages / running tasks).
            if running > 0.0 {
                self.traffic.metrics.put(&format!("{service}/BacklogPerTask"), now, visible / running);
            }
        }
        let (cpu, mem) = self.cluster_reservation();
        if let Some(c) = cpu {
            self.traffic.metrics.put("cluster/CPUReservation", now, c);
        }
        if let Some(m) = mem {
            self.traffic.metrics.put("cluster/MemoryReservation", now, m);
        }
    }

    /// Each service's (name, RunningTaskCount, PendingTaskCount — tasks not yet running plus those
    /// with no place —, DesiredTaskCount) now: from the traffic rosters when they are current
    /// (they list every service's tasks that are not STOPPED), else from all tasks.
    pub(crate) fn task_count_rows(&self) -> Vec<(String, u32, u32, u32)> {
        let mut counts: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
        if self.traffic.roster_at == Some(self.events().len()) {
            for (service, roster) in &self.traffic.rosters {
                let c = roster.iter().filter(|e| e.desired_running).fold((0, 0), |c, e| if e.running { (c.0 + 1, c.1) } else { (c.0, c.1 + 1) });
                counts.insert(service.as_str(), c);
            }
        } else {
            for t in self.tasks.values() {
                if let (Some(s), true) = (t.service.as_deref(), t.is_live()) {
                    let c = counts.entry(s).or_default();
                    if t.last_status == TaskStatus::Running {
                        c.0 += 1;
                    } else {
                        c.1 += 1;
                    }
                }
            }
        }
        self.services.values().map(|s| {
            let (r, p) = counts.get(s.name.as_str()).copied().unwrap_or_default();
            (s.name.clone(), r, p + s.unplaced, s.desired_count)
        }).collect()
    }

    /// The task-count datapoints at `now` (a series with one at `now` already is left alone).
    pub(crate) fn put_task_counts(&mut self, now: Millis, rows: &[(String, u32, u32, u32)]) {
        let m = &mut self.traffic.metrics;
        for &(ref s, running, pending, desired) in rows {
            for (name, v) in [("RunningTaskCount", running), ("PendingTaskCount", pending), ("DesiredTaskCount", desired)] {
                let series = format!("{s}/{name}");
                if m.latest(&series).is_none_or(|(t, _)| t < now) {
                    m.put(&series, now, v as f64);
                }
            }
        }
    }

    /// CPUReservation and MemoryReservation of the cluster's EC2 capacity, percent: reserved by
    /// running tasks / registered, over ACTIVE instances (ECS's cluster metrics).
    pub fn cluster_reservation(&self) -> (Option<f64>, Option<f64>) {
        self.reservation_where(|i| i.agent_connected)
    }

    /// CPU and memory reserved by tasks / registered, percent, over the ACTIVE instances that
    /// `keep` selects (`None` when they register nothing).
    pub(crate) fn reservation_where(&self, keep: impl Fn(&crate::engine::cluster::ContainerInstance) -> bool) -> (Option<f64>, Option<f64>) {
        let (mut rc, mut uc, mut rm, mut um) = (0u64, 0u64, 0u64, 0u64);
        for i in self.instances.values().filter(|i| i.status == crate::engine::cluster::InstanceStatus::Active && keep(i)) {
            rc += i.registered.cpu as u64;
            rm += i.registered.memory as u64;
            uc += (i.registered.cpu - i.remaining.cpu.min(i.registered.cpu)) as u64;
            um += (i.registered.memory - i.remaining.memory.min(i.registered.memory)) as u64;
        }
        let pct = |u: u64, r: u64| (r > 0).then(|| 100.0 * u as f64 / r as f64);
        (pct(uc, rc), pct(um, rm))
    }

    fn evaluate_alarms(&mut self, now: Millis) {
        let mut alarms = std::mem::take(&mut self.traffic.alarms);
        for a in alarms.iter_mut().filter(|a| a.due(now)) {
            if let Some(state) = a.evaluate(&self.traffic.metrics, now) {
                let value = a.latest().map(round2);
                self.emit(EventKind::AlarmStateChanged { alarm: a.name.clone(), state: state.as_str().to_string(), value, threshold: a.threshold, comparison: a.comparison.symbol().to_string(), metric: a.series.clone() });
            }
        }
        self.traffic.alarms = alarms;
    }

    /// DNS records of the services with service discovery: `<service>.<namespace>` → the
    /// addresses of its healthy tasks (their IPs for awsvpc, `instance:port` otherwise).
    pub fn dns_records(&self) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for (service, ns) in &self.traffic.discovery {
            let mut ips: Vec<String> = self
                .tasks
                .values()
                .filter(|t| t.service.as_deref() == Some(service.as_str()) && t.is_healthy())
                .filter_map(|t| self.traffic.addresses.get(&t.id).cloned().or_else(|| t.instance.as_ref().map(|i| format!("{i}:{}", t.host_ports.first().map(|p| p.0).unwrap_or(0)))))
                .collect();
            sort::sort(&mut ips);
            out.insert(format!("{service}.{ns}"), ips);
        }
        out
    }
}

/// Two decimals, for event fields (keeps the log readable and stable).
pub fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
