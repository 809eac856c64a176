//! Cluster capacity: Auto Scaling groups, ECS capacity providers with managed scaling, and the
//! course's simple reservation rule — the part that adds and removes EC2 instances.
//!
//! * **Auto Scaling group**: `minSize ≤ desiredCapacity ≤ maxSize`; a new instance registers with
//!   the cluster `launchTime` after the group decides to launch it (default 90 s: boot plus the ECS
//!   agent registering); instances go to the zone with the fewest of the group's instances. On
//!   scale-in the group picks from the zone with the most of its instances, newest first
//!   (the default termination policy balances zones first), skipping instances protected from
//!   scale-in.
//! * **Capacity provider, managed scaling** (sources in `autoscaling/capacity_provider.rs`):
//!   every minute `CapacityProviderReservation = M / N × 100` with N = the group's instances
//!   (running or launching) and M = the instances needed: when services using the provider have
//!   tasks waiting for room, `M = N + ` the extra instances those tasks need (their total CPU,
//!   memory and count of tasks per instance, each divided by an empty instance's capacity, the
//!   largest of the three, at least 1) beyond the instances already launching (the waiting tasks
//!   will land there; counting them again each minute would scale out twice for the same tasks);
//!   when the launching instances can hold them, M = the instances running a task + those the
//!   waiting tasks need; otherwise the instances running at least one task. The
//!   group's desired size becomes `ceil(M × 100 / targetCapacity)`, clamped by the step sizes and
//!   the group's min/max. Scale-out acts on 1 datapoint; scale-in only after 15 consecutive
//!   minutes wanting fewer (the alarms ECS creates: 1 of 1 and 15 of 15 datapoints).
//!   With managed termination protection, instances running tasks are never picked for scale-in.
//! * **Course rule** (`customScaling` on a group): every minute, from the group's CPU and memory
//!   reservation, +2 instances when either is above 80 %, −1 when both are below 30 %, with a
//!   300 s cooldown after each change (the numbers are parameters).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::autoscaling::capacity_provider::{self, ManagedScaling};
use crate::engine::event::EventKind;
use crate::engine::sim::{Engine, Item};
use crate::engine::time::{parse_duration, Millis, SECOND};

/// An Auto Scaling group as written in a scenario (`cluster.autoScalingGroups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AsgSpec {
    pub name: String,
    pub instance_type: String,
    pub desired_capacity: u32,
    /// Default 0.
    #[serde(default)]
    pub min_size: Option<u32>,
    /// Default: `desiredCapacity`.
    #[serde(default)]
    pub max_size: Option<u32>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Time from launch to the instance registering with the cluster (default `90s`).
    #[serde(default)]
    pub launch_time: Option<String>,
    /// Spot instances (attribute `lifecycle=spot`: Spot prices, may be interrupted).
    #[serde(default)]
    pub spot: bool,
    /// The course's rule-based cluster autoscaler for this group.
    #[serde(default)]
    pub custom_scaling: Option<CustomScalingSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomScalingSpec {
    #[serde(default = "d80")]
    pub scale_out_above: f64,
    #[serde(default = "d30")]
    pub scale_in_below: f64,
    #[serde(default = "d2")]
    pub scale_out_by: u32,
    #[serde(default = "d1")]
    pub scale_in_by: u32,
    #[serde(default)]
    pub cooldown: Option<String>,
}
fn d80() -> f64 {
    80.0
}
fn d30() -> f64 {
    30.0
}
fn d2() -> u32 {
    2
}
fn d1() -> u32 {
    1
}

/// A capacity provider as written in a scenario (`capacityProviders`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapacityProviderSpec {
    pub name: String,
    pub auto_scaling_group: String,
    #[serde(default)]
    pub managed_scaling: Option<ManagedScalingSpec>,
    #[serde(default)]
    pub managed_termination_protection: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagedScalingSpec {
    #[serde(default = "d100")]
    pub target_capacity: u32,
    #[serde(default = "d1")]
    pub minimum_scaling_step_size: u32,
    #[serde(default = "d10000")]
    pub maximum_scaling_step_size: u32,
}
fn d100() -> u32 {
    100
}
fn d10000() -> u32 {
    10_000
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Asg {
    pub name: String,
    pub instance_type: String,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub attributes: BTreeMap<String, String>,
    pub launch_ms: Millis,
    /// Instances launched and not yet registered.
    pub launching: u32,
    /// Instances protected from scale-in (managed termination protection).
    pub protect_busy: bool,
    #[serde(skip)]
    pub custom: Option<(CustomScalingSpec, Millis)>,
    #[serde(skip)]
    pub last_custom: Option<Millis>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    pub name: String,
    pub group: String,
    #[serde(skip)]
    pub managed: Option<ManagedScaling>,
    /// Minutes in a row managed scaling wanted fewer instances.
    pub low_minutes: u32,
    /// The last CapacityProviderReservation, percent.
    pub reservation: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CapacityState {
    pub groups: BTreeMap<String, Asg>,
    pub providers: BTreeMap<String, Provider>,
}

/// Minutes managed scaling must want fewer instances before it scales in.
pub const SCALE_IN_MINUTES: u32 = 15;

impl Engine {
    pub fn auto_scaling_groups(&self) -> &BTreeMap<String, Asg> {
        &self.capacity.groups
    }
    pub fn capacity_providers(&self) -> &BTreeMap<String, Provider> {
        &self.capacity.providers
    }

    pub(crate) fn create_asg(&mut self, spec: &AsgSpec) -> Result<(), String> {
        if self.capacity.groups.contains_key(&spec.name) {
            return Err(format!("Auto Scaling group {:?} already exists", spec.name));
        }
        let min = spec.min_size.unwrap_or(0);
        let max = spec.max_size.unwrap_or(spec.desired_capacity.max(min));
        if !(min <= spec.desired_capacity && spec.desired_capacity <= max) {
            return Err(format!("Auto Scaling group {}: need minSize {min} ≤ desiredCapacity {} ≤ maxSize {max}", spec.name, spec.desired_capacity));
        }
        if max as usize > crate::engine::sim::MAX_INSTANCES {
            return Err(format!("Auto Scaling group {}: maxSize {max} is above the cluster limit of {} instances", spec.name, crate::engine::sim::MAX_INSTANCES));
        }
        let launch_ms = spec.launch_time.as_deref().map(parse_duration).transpose().map_err(|e| format!("launchTime: {e}"))?.unwrap_or(90 * SECOND);
        let custom = match &spec.custom_scaling {
            Some(c) => {
                if !(c.scale_in_below < c.scale_out_above) {
                    return Err(format!("customScaling: scaleInBelow {} must be below scaleOutAbove {}", c.scale_in_below, c.scale_out_above));
                }
                let cd = c.cooldown.as_deref().map(parse_duration).transpose().map_err(|e| format!("customScaling.cooldown: {e}"))?.unwrap_or(300 * SECOND);
                Some((c.clone(), cd))
            }
            None => None,
        };
        let mut attributes = spec.attributes.clone();
        attributes.insert("aws:autoscaling:groupName".into(), spec.name.clone());
        if spec.spot {
            attributes.insert("lifecycle".into(), "spot".into());
        }
        crate::engine::catalog::lookup(&spec.instance_type).ok_or_else(|| crate::engine::catalog::suggest(&spec.instance_type))?;
        // The first instances are there at once (the scenario starts with the group in service).
        self.add_instances_for(&spec.instance_type, spec.desired_capacity, &attributes)?;
        let has_custom = custom.is_some();
        self.capacity.groups.insert(
            spec.name.clone(),
            Asg { name: spec.name.clone(), instance_type: spec.instance_type.clone(), min, max, desired: spec.desired_capacity, attributes, launch_ms, launching: 0, protect_busy: false, custom, last_custom: None },
        );
        if has_custom {
            self.ensure_ticking();
        }
        Ok(())
    }

    pub(crate) fn create_capacity_provider(&mut self, spec: &CapacityProviderSpec) -> Result<(), String> {
        if matches!(spec.name.as_str(), "FARGATE" | "FARGATE_SPOT") || self.capacity.providers.contains_key(&spec.name) {
            return Err(format!("capacity provider {:?} already exists", spec.name));
        }
        let Some(g) = self.capacity.groups.get_mut(&spec.auto_scaling_group) else {
            return Err(format!("capacity provider {}: Auto Scaling group {:?} does not exist", spec.name, spec.auto_scaling_group));
        };
        if self.capacity.providers.values().any(|p| p.group == spec.auto_scaling_group) {
            return Err(format!("Auto Scaling group {} already belongs to another capacity provider", spec.auto_scaling_group));
        }
        g.protect_busy = spec.managed_termination_protection;
        let managed = match &spec.managed_scaling {
            Some(m) => {
                let ms = ManagedScaling { target_capacity: m.target_capacity, minimum_scaling_step_size: m.minimum_scaling_step_size, maximum_scaling_step_size: m.maximum_scaling_step_size };
                ms.validate().map_err(|e| format!("capacity provider {}: {e}", spec.name))?;
                Some(ms)
            }
            None => None,
        };
        let has_managed = managed.is_some();
        self.capacity.providers.insert(spec.name.clone(), Provider { name: spec.name.clone(), group: spec.auto_scaling_group.clone(), managed, low_minutes: 0, reservation: None });
        if has_managed {
            self.ensure_ticking();
        }
        Ok(())
    }

    /// `setDesiredCapacity`: resize a group by hand.
    pub(crate) fn set_desired_capacity(&mut self, group: &str, desired: u32) -> Result<(), String> {
        let g = self.capacity.groups.get(group).ok_or_else(|| format!("no Auto Scaling group {group:?}"))?;
        if !(g.min..=g.max).contains(&desired) {
            return Err(format!("desired capacity {desired} is outside {group}'s range {}–{}", g.min, g.max));
        }
        self.resize_group(group, desired, "a user set the desired capacity".into());
        Ok(())
    }

    fn add_instances_for(&mut self, instance_type: &str, count: u32, attributes: &BTreeMap<String, String>) -> Result<(), String> {
        if count == 0 {
            return Ok(());
        }
        self.apply_add_instances(instance_type, count, attributes)
    }

    /// Instances of a group (registered), in id order.
    fn group_instances(&self, group: &str) -> Vec<String> {
        self.instances.values().filter(|i| i.attributes.get("aws:autoscaling:groupName").is_some_and(|g| g == group)).map(|i| i.id.clone()).collect()
    }

    /// Set a group's desired size: launch (arriving after the launch time) or terminate.
    fn resize_group(&mut self, group: &str, to: u32, cause: String) {
        let Some(g) = self.capacity.groups.get(group) else { return };
        let to = to.clamp(g.min, g.max);
        let from = g.desired;
        let registered = self.group_instances(group);
        let current = registered.len() as u32 + g.launching;
        if to == from && to == current {
            return;
        }
        let (launch_ms, protect) = (g.launch_ms, g.protect_busy);
        self.emit(EventKind::AutoScalingGroupResized { group: group.to_string(), from, to, cause });
        if let Some(g) = self.capacity.groups.get_mut(group) {
            g.desired = to;
        }
        if to > current {
            for _ in 0..(to - current) {
                self.push(self.now().saturating_add(launch_ms), Item::InstanceLaunched(group.to_string()));
            }
            if let Some(g) = self.capacity.groups.get_mut(group) {
                g.launching += to - current;
            }
        } else if to < current {
            let mut remove = current - to;
            // Instances still launching are cancelled first.
            if let Some(g) = self.capacity.groups.get_mut(group) {
                let cancel = g.launching.min(remove);
                g.launching -= cancel;
                remove -= cancel;
            }
            for _ in 0..remove {
                let Some(victim) = self.scale_in_victim(group, protect) else { break };
                let _ = self.terminate_instance_with(&victim, "TerminationNotice", &format!("Instance {victim} was terminated by Auto Scaling group {group} (scale-in)."));
            }
        }
    }

    /// The default termination policy, simplified: the zone with the most of the group's
    /// instances, then the newest instance there; busy instances are skipped when protected.
    fn scale_in_victim(&self, group: &str, protect_busy: bool) -> Option<String> {
        let ids = self.group_instances(group);
        let mut per_az: BTreeMap<&str, u32> = BTreeMap::new();
        for id in &ids {
            if let Some(i) = self.instances.get(id) {
                *per_az.entry(i.az.as_str()).or_default() += 1;
            }
        }
        let candidates: Vec<&crate::engine::cluster::ContainerInstance> = ids.iter().filter_map(|id| self.instances.get(id)).filter(|i| !(protect_busy && !i.tasks.is_empty())).collect();
        candidates
            .iter()
            .max_by(|a, b| per_az.get(a.az.as_str()).cmp(&per_az.get(b.az.as_str())).then(a.registered_at.cmp(&b.registered_at)).then(a.id.cmp(&b.id)))
            .map(|i| i.id.clone())
    }

    pub(crate) fn on_instance_launched(&mut self, group: &str) {
        let Some(g) = self.capacity.groups.get_mut(group) else { return };
        if g.launching == 0 {
            return; // cancelled by a scale-in
        }
        g.launching -= 1;
        let (t, attrs) = (g.instance_type.clone(), g.attributes.clone());
        if let Err(message) = self.apply_add_instances(&t, 1, &attrs) {
            self.emit(EventKind::ActionFailed { action: format!("Auto Scaling group {group} launch"), message });
        }
    }

    /// Every minute: managed scaling for each capacity provider, then the custom rule.
    pub(crate) fn capacity_minute(&mut self, now: Millis) {
        let providers: Vec<String> = self.capacity.providers.keys().cloned().collect();
        for name in providers {
            let Some(p) = self.capacity.providers.get(&name) else { continue };
            let Some(ms) = p.managed else { continue };
            let group = p.group.clone();
            let Some(g) = self.capacity.groups.get(&group) else { continue };
            let (inst_type, launching, gmin, gmax) = (g.instance_type.clone(), g.launching, g.min, g.max);
            let ids = self.group_instances(&group);
            let n = ids.len() as u32 + launching;
            let busy = ids.iter().filter(|id| self.instances.get(*id).is_some_and(|i| !i.tasks.is_empty())).count() as u32;
            // The waiting tasks land on the instances already launching: only what those cannot
            // hold is extra. Counting it again every minute until they register would scale out
            // a second time for the same tasks — what ECS's instance warm-up (300 s by default,
            // API_ManagedScaling `instanceWarmupPeriod`) prevents.
            let needed = self.instances_needed_for_waiting(&name, &inst_type);
            let extra = needed.saturating_sub(launching);
            let m = if extra > 0 {
                n + extra
            } else if needed > 0 {
                busy + needed
            } else {
                busy
            };
            let reservation = capacity_provider::capacity_provider_reservation(m, n);
            self.traffic.metrics.put(&format!("{name}/CapacityProviderReservation"), now, reservation);
            let desired = ms.desired_instances(m, n).clamp(gmin, gmax);
            let cause = format!("capacity provider {name}: CapacityProviderReservation = M/N = {m}/{n} = {}% (target {}%)", crate::engine::traffic::round2(reservation), ms.target_capacity);
            let mut low = self.capacity.providers.get(&name).map(|p| p.low_minutes).unwrap_or(0);
            if desired > n {
                low = 0;
                self.resize_group(&group, desired, cause);
            } else if desired < n {
                low += 1;
                if low >= SCALE_IN_MINUTES {
                    low = 0;
                    self.resize_group(&group, desired, cause);
                }
            } else {
                low = 0;
            }
            if let Some(p) = self.capacity.providers.get_mut(&name) {
                p.low_minutes = low;
                p.reservation = Some(reservation);
            }
        }
        // The course's rule.
        let groups: Vec<String> = self.capacity.groups.keys().cloned().collect();
        for group in groups {
            let Some(g) = self.capacity.groups.get(&group) else { continue };
            let Some((rule, cooldown)) = g.custom.clone() else { continue };
            if g.last_custom.is_some_and(|t| now < t + cooldown) {
                continue;
            }
            let (cpu, mem) = self.group_reservation(&group);
            let (Some(cpu), Some(mem)) = (cpu, mem) else { continue };
            let current = g.desired;
            let to = if cpu > rule.scale_out_above || mem > rule.scale_out_above {
                current.saturating_add(rule.scale_out_by)
            } else if cpu < rule.scale_in_below && mem < rule.scale_in_below {
                current.saturating_sub(rule.scale_in_by)
            } else {
                continue;
            };
            let to = to.clamp(g.min, g.max);
            if to == current {
                continue;
            }
            if let Some(g) = self.capacity.groups.get_mut(&group) {
                g.last_custom = Some(now);
            }
            let cause = format!("custom rule: CPU reservation {} %, memory reservation {} % (out above {} %, in below {} %)", crate::engine::traffic::round2(cpu), crate::engine::traffic::round2(mem), rule.scale_out_above, rule.scale_in_below);
            self.resize_group(&group, to, cause);
        }
    }

    /// CPU and memory reservation of one group's ACTIVE instances, percent.
    pub fn group_reservation(&self, group: &str) -> (Option<f64>, Option<f64>) {
        self.reservation_where(|i| i.attributes.get("aws:autoscaling:groupName").is_some_and(|g| g == group))
    }

    /// Extra instances of `instance_type` the waiting tasks of services using `provider` need:
    /// the largest of Σcpu / cpu per instance, Σmemory / memory per instance (rounded up), at
    /// least 1 when anything waits.
    fn instances_needed_for_waiting(&self, provider: &str, instance_type: &str) -> u32 {
        let Some(it) = crate::engine::catalog::lookup(instance_type) else { return 0 };
        let (cap_cpu, cap_mem) = (it.cpu_units().max(1) as u64, it.memory_mib.max(1) as u64);
        let (mut cpu, mut mem, mut count) = (0u64, 0u64, 0u32);
        for s in self.services.values() {
            if s.unplaced == 0 || !s.capacity_provider_strategy.iter().any(|i| i.capacity_provider == provider) {
                continue;
            }
            if let Ok(td) = self.resolve_task_definition(&s.task_definition) {
                cpu += td.reserved_cpu() as u64 * s.unplaced as u64;
                mem += td.reserved_memory() as u64 * s.unplaced as u64;
                count += s.unplaced;
            }
        }
        if count == 0 {
            return 0;
        }
        (cpu.div_ceil(cap_cpu).max(mem.div_ceil(cap_mem)).max(1)).min(u32::MAX as u64) as u32
    }

    /// Which provider of a service's strategy takes its next task: the one the split of
    /// `live + 1` tasks gives one more than it runs now (see `capacity_provider::split`).
    /// Only the service's current task definition counts: a deployment's new tasks are split on
    /// their own, so when the old ones are gone the base and weights hold for what is left.
    pub(crate) fn next_provider(&self, service: &str) -> Option<String> {
        let s = self.services.get(service)?;
        if s.capacity_provider_strategy.is_empty() {
            return None;
        }
        let mut have: BTreeMap<&str, u32> = BTreeMap::new();
        let mut live = 0;
        for t in self.tasks.values().filter(|t| t.service.as_deref() == Some(service) && t.is_live() && t.task_definition == s.task_definition) {
            live += 1;
            if let Some(p) = t.capacity_provider.as_deref() {
                *have.entry(p).or_default() += 1;
            }
        }
        let split = capacity_provider::split(&s.capacity_provider_strategy, live + 1).ok()?;
        s.capacity_provider_strategy
            .iter()
            .zip(split)
            .max_by_key(|(item, want)| (want.saturating_sub(have.get(item.capacity_provider.as_str()).copied().unwrap_or(0)), std::cmp::Reverse(item.capacity_provider.clone())))
            .map(|(item, _)| item.capacity_provider.clone())
    }

    /// The ECS rules for a service's strategy, and that its providers exist and suit the launch type.
    pub(crate) fn check_capacity_provider_strategy(&self, strategy: &[capacity_provider::StrategyItem], lt: crate::engine::task::LaunchType) -> Result<(), String> {
        if strategy.is_empty() {
            return Ok(());
        }
        capacity_provider::validate(strategy).map_err(|e| format!("capacityProviderStrategy: {e}"))?;
        for item in strategy {
            let fargate = item.is_fargate();
            if fargate && lt != crate::engine::task::LaunchType::Fargate {
                return Err(format!("capacityProviderStrategy: {} needs \"launchType\": \"FARGATE\"", item.capacity_provider));
            }
            if !fargate {
                if lt != crate::engine::task::LaunchType::Ec2 {
                    return Err(format!("capacityProviderStrategy: {} is an Auto Scaling group provider; the service's launch type must be EC2", item.capacity_provider));
                }
                if !self.capacity.providers.contains_key(&item.capacity_provider) {
                    let known: Vec<&str> = self.capacity.providers.keys().map(String::as_str).collect();
                    return Err(format!("capacityProviderStrategy: capacity provider {:?} does not exist (cluster providers: {})", item.capacity_provider, if known.is_empty() { "none; add cluster.capacityProviders".to_string() } else { known.join(", ") }));
                }
            }
        }
        Ok(())
    }

    /// Place one task of a service, on the provider its strategy picks next (ASG providers add a
    /// `memberOf` the provider's group; Fargate providers only label the task).
    pub(crate) fn place_service_task(&mut self, td: &crate::engine::taskdef::TaskDefinition, name: &str, svc: &crate::engine::task::Service) -> crate::engine::placement::Decision {
        let provider = self.next_provider(name);
        let mut constraints = svc.constraints.clone();
        if let Some(group) = provider.as_deref().and_then(|p| self.provider_group(p)) {
            constraints.push(crate::engine::placement::Constraint::MemberOf { expression: format!("attribute:aws:autoscaling:groupName == {group}") });
        }
        let d = self.place_one(td, &svc.group(), Some(name), svc.launch_type, &svc.strategies, &constraints);
        if let (Some(p), Some(_)) = (provider, d.placed_on()) {
            if let Some(t) = self.tasks.get_mut(&d.task) {
                t.capacity_provider = Some(p);
            }
        }
        d
    }

    /// The Auto Scaling group behind an ASG capacity provider.
    pub(crate) fn provider_group(&self, provider: &str) -> Option<String> {
        self.capacity.providers.get(provider).map(|p| p.group.clone())
    }
}
