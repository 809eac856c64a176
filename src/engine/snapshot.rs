//! Snapshots: an immutable, serialisable view of the whole cluster at one moment, for the UI, the
//! CLI report and lesson goals. Built from the engine; never fed back into it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::cluster::InstanceStatus;
use crate::engine::placement::Decision;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::task::TaskStatus;
use crate::engine::time::{Clock, Millis};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub scenario: String,
    pub seed: u64,
    pub time_ms: Millis,
    /// `hh:mm:ss`.
    pub time: String,
    pub cluster: String,
    pub region: String,
    pub availability_zones: Vec<String>,
    pub fargate_zones: Vec<String>,
    /// Zones currently down (an AZ outage).
    pub down_zones: Vec<String>,
    pub instances: Vec<InstanceView>,
    /// Tasks not yet stopped, in id order.
    pub tasks: Vec<TaskView>,
    pub services: Vec<ServiceView>,
    /// Tasks that could not be placed, with the reason.
    pub unplaced: Vec<UnplacedView>,
    /// Latest revision of each registered family (`family:revision`).
    pub task_definitions: Vec<String>,
    pub stopped_task_count: usize,
    /// What the cluster costs now and has cost so far.
    pub cost: crate::engine::cost::CostView,
    /// CloudWatch alarms and their states.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alarms: Vec<AlarmView>,
    /// SQS-like queues: messages waiting.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub queues: Vec<crate::engine::traffic::Queue>,
    /// Service discovery: DNS name → addresses of healthy tasks.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub dns: std::collections::BTreeMap<String, Vec<String>>,
    /// Instances and nodes under a Spot interruption notice → when they are reclaimed (the
    /// page's two-minute countdown rings).
    #[serde(skip)]
    pub spot_reclaims: std::collections::BTreeMap<String, Millis>,
    /// Kubernetes nodes, pods and workloads (scenarios with a `kubernetes` section).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kube: Option<crate::engine::k8s::sim::KubeView>,
    /// FNV-1a of the event log so far.
    pub event_log_hash: String,
    /// Auto Scaling groups (for the page's capacity controls; reports carry them elsewhere).
    #[serde(skip)]
    pub groups: Vec<GroupView>,
    /// ECS capacity providers backed by Auto Scaling groups.
    #[serde(skip)]
    pub capacity_providers: Vec<ProviderView>,
}

/// An Auto Scaling group as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    pub name: String,
    pub instance_type: String,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    /// Launched, not yet registered.
    pub launching: u32,
    pub spot: bool,
}

/// A capacity provider as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderView {
    pub name: String,
    pub group: String,
    /// Managed scaling's target capacity, percent (`None`: not managed).
    pub target_capacity: Option<u32>,
    /// The last CapacityProviderReservation, percent.
    pub reservation: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmView {
    pub name: String,
    pub metric: String,
    pub state: String,
    /// `> 70`.
    pub condition: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// A service's scalable target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScalingView {
    pub min: u32,
    pub max: u32,
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    pub id: String,
    pub instance_type: String,
    pub az: String,
    pub status: InstanceStatus,
    /// False while the instance is unreachable (its AZ is down).
    pub agent_connected: bool,
    pub registered_cpu: u32,
    pub registered_memory: u32,
    pub remaining_cpu: u32,
    pub remaining_memory: u32,
    /// Host ports used by tasks.
    pub used_ports: Vec<u16>,
    pub tasks: Vec<String>,
    pub attributes: Vec<(String, String)>,
    pub hourly_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskView {
    pub id: String,
    pub task_definition: String,
    pub revision: u32,
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub launch_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    pub az: String,
    pub last_status: TaskStatus,
    pub desired_status: TaskStatus,
    /// HEALTHY, UNHEALTHY or UNKNOWN.
    pub health: String,
    pub cpu: u32,
    pub memory: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub host_ports: Vec<u16>,
    /// CPU, memory and requests at the last traffic tick.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<crate::engine::traffic::TaskUsage>,
    /// Load balancer target state: initial, healthy, unhealthy, draining.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Private IP (awsvpc and Fargate tasks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The capacity provider that launched it (`capacityProviderName` in DescribeTasks), when the
    /// task came from a capacity provider strategy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub name: String,
    pub task_definition: String,
    pub launch_type: String,
    pub desired: u32,
    /// Tasks whose last status is RUNNING (stopping ones too, until they leave RUNNING).
    pub running: u32,
    /// ECS's `pendingCount`: placed, not RUNNING yet (PROVISIONING, PENDING, ACTIVATING).
    pub pending: u32,
    /// On their way out: DEACTIVATING, STOPPING, DEPROVISIONING.
    pub stopping: u32,
    /// Tasks the scheduler could not find room for.
    pub unplaced: u32,
    pub strategy: Vec<String>,
    pub constraints: Vec<String>,
    /// Share of production traffic per task definition, percent (blue/green shifts it).
    pub traffic: Vec<(String, u32)>,
    /// The PRIMARY deployment's rollout state (IN_PROGRESS, COMPLETED, FAILED).
    pub rollout_state: String,
    /// Requests, utilisation and latency at the last traffic tick (services with traffic).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load: Option<crate::engine::traffic::ServiceTraffic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaling: Option<ScalingView>,
    /// The deployment settings the page's service panel edits (not in reports: they repeat the
    /// scenario).
    #[serde(skip)]
    pub deployment: crate::engine::deployment::DeploymentConfiguration,
    /// `ECS` (rolling update) or `CODE_DEPLOY` (blue/green).
    #[serde(skip)]
    pub controller: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnplacedView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub group: String,
    pub count: u32,
    pub reason: String,
    /// Per-instance verdicts of the failed attempt.
    #[serde(skip)]
    pub decision: Option<Decision>,
}

/// Everything the page shows about one task when it is clicked: where and why it was placed, and
/// its lifecycle so far.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskInspection {
    /// Why the task is where it is (live tasks only).
    pub decision: Option<Decision>,
    /// The events about this task, oldest first.
    pub history: Vec<crate::engine::event::Event>,
}

impl Engine {
    /// The placement explanation and lifecycle history of one task (empty for an unknown id).
    pub fn inspect_task(&self, task: &str) -> TaskInspection {
        TaskInspection {
            decision: self.decision(task).cloned(),
            history: self.events().iter().filter(|e| e.kind.task() == Some(task)).cloned().collect(),
        }
    }

    pub fn snapshot(&self) -> Snapshot {
        let instances = self
            .instances()
            .values()
            .map(|i| InstanceView {
                id: i.id.clone(),
                instance_type: i.instance_type.clone(),
                az: i.az.clone(),
                status: i.status,
                agent_connected: i.agent_connected,
                registered_cpu: i.registered.cpu,
                registered_memory: i.registered.memory,
                remaining_cpu: i.remaining.cpu,
                remaining_memory: i.remaining.memory,
                used_ports: i.used_ports.keys().map(|(p, _)| *p).collect(),
                tasks: i.tasks.clone(),
                attributes: i.attributes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                hourly_usd: i.hourly_usd,
            })
            .collect();
        let mut stopped = 0;
        let mut tasks = Vec::new();
        for t in self.tasks().values() {
            if t.last_status == TaskStatus::Stopped {
                stopped += 1;
                continue;
            }
            tasks.push(TaskView {
                id: t.id.clone(),
                task_definition: t.task_definition.clone(),
                revision: t.revision,
                group: t.group.clone(),
                service: t.service.clone(),
                launch_type: t.launch_type.as_str().to_string(),
                instance: t.instance.clone(),
                az: t.az.clone(),
                last_status: t.last_status,
                desired_status: t.desired_status,
                health: match t.health {
                    crate::engine::task::HealthStatus::Unknown => "UNKNOWN",
                    crate::engine::task::HealthStatus::Healthy => "HEALTHY",
                    crate::engine::task::HealthStatus::Unhealthy => "UNHEALTHY",
                }
                .to_string(),
                cpu: t.cpu,
                memory: t.memory,
                host_ports: t.host_ports.iter().map(|(p, _)| *p).collect(),
                usage: self.task_usage(&t.id).cloned(),
                target: self.targets().get(&t.id).map(|x| x.state.as_str().to_string()),
                ip: self.traffic.addresses.get(&t.id).cloned(),
                capacity_provider: t.capacity_provider.clone(),
            });
        }
        let mut unplaced = Vec::new();
        // (running, pending, stopping) per service, in one pass over the tasks (none is STOPPED).
        let mut counts: BTreeMap<&str, (u32, u32, u32)> = BTreeMap::new();
        for t in &tasks {
            if let Some(s) = t.service.as_deref() {
                let c = counts.entry(s).or_default();
                match t.last_status {
                    TaskStatus::Running => c.0 += 1,
                    TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => c.1 += 1,
                    TaskStatus::Deactivating | TaskStatus::Stopping | TaskStatus::Deprovisioning | TaskStatus::Stopped => c.2 += 1,
                }
            }
        }
        let services = self
            .services()
            .values()
            .map(|s| {
                let (running, pending, stopping) = counts.get(s.name.as_str()).copied().unwrap_or_default();
                if s.unplaced > 0 {
                    let reason = match s.last_failure.as_ref().map(|d| &d.outcome) {
                        Some(crate::engine::placement::Outcome::Unplaced { summary }) => summary.clone(),
                        _ => String::new(),
                    };
                    unplaced.push(UnplacedView { service: Some(s.name.clone()), group: s.group(), count: s.unplaced, reason, decision: s.last_failure.clone() });
                }
                let traffic = match &s.blue_green {
                    Some(bg) => vec![(bg.blue.clone(), 100 - bg.green_percent), (bg.green.clone(), bg.green_percent)],
                    None => vec![(s.task_definition.clone(), 100)],
                };
                let rollout_state = s.primary().map(|d| format!("{:?}", d.rollout_state)).unwrap_or_default();
                let rollout_state = match rollout_state.as_str() {
                    "InProgress" => "IN_PROGRESS".to_string(),
                    other => other.to_uppercase(),
                };
                ServiceView {
                    deployment: s.config.clone(),
                    controller: match s.controller {
                        crate::engine::bluegreen::ControllerType::CodeDeploy => "CODE_DEPLOY".to_string(),
                        _ => "ECS".to_string(),
                    },
                    load: self.traffic().get(&s.name).cloned().filter(|_| self.traffic.loads.contains_key(&s.name) || self.traffic.groups.contains_key(&s.name)),
                    scaling: self.scaler(&s.name).map(|sc| ScalingView { min: sc.min, max: sc.max, policies: sc.policy_names() }),
                    traffic,
                    rollout_state,
                    name: s.name.clone(),
                    task_definition: s.task_definition.clone(),
                    launch_type: s.launch_type.as_str().to_string(),
                    desired: s.desired_count,
                    running,
                    pending,
                    stopping,
                    unplaced: s.unplaced,
                    strategy: s.strategies.iter().map(|x| x.to_string()).collect(),
                    constraints: s
                        .constraints
                        .iter()
                        .map(|c| match c {
                            crate::engine::placement::Constraint::DistinctInstance => "distinctInstance".to_string(),
                            crate::engine::placement::Constraint::MemberOf { expression } => format!("memberOf({expression})"),
                        })
                        .collect(),
                }
            })
            .collect();
        for (group, count, d) in &self.run_task_failures {
            let reason = match &d.outcome {
                crate::engine::placement::Outcome::Unplaced { summary } => summary.clone(),
                _ => String::new(),
            };
            unplaced.push(UnplacedView { service: None, group: group.clone(), count: *count, reason, decision: Some(d.clone()) });
        }
        Snapshot {
            scenario: self.scenario_name.clone(),
            seed: self.seed(),
            time_ms: self.now(),
            time: Clock(self.now()).to_string(),
            cluster: self.config().name.clone(),
            region: self.config().region.clone(),
            availability_zones: self.config().azs.clone(),
            fargate_zones: self.config().fargate_azs.clone(),
            down_zones: self.down_azs.iter().cloned().collect(),
            instances,
            tasks,
            services,
            unplaced,
            task_definitions: self.task_definition_families().map(|t| t.key()).collect(),
            stopped_task_count: stopped,
            cost: self.cost(),
            alarms: self
                .alarms()
                .iter()
                .map(|a| AlarmView { name: a.name.clone(), metric: a.series.clone(), state: a.state.as_str().to_string(), condition: format!("{} {}", a.comparison.symbol(), a.threshold), value: a.latest() })
                .collect(),
            queues: self.queues().values().cloned().collect(),
            dns: self.dns_records(),
            spot_reclaims: sort::collect_map(
                self.spot_deadlines
                    .iter()
                    .filter(|(id, at)| **at > self.now() && (self.instances.contains_key(id.as_str()) || self.kube.node_meta.contains_key(id.as_str())))
                    .map(|(id, at)| (id.clone(), *at)),
            ),
            kube: self.kube_snapshot(),
            event_log_hash: self.log_hash(),
            groups: self
                .auto_scaling_groups()
                .values()
                .map(|g| GroupView {
                    name: g.name.clone(),
                    instance_type: g.instance_type.clone(),
                    min: g.min,
                    max: g.max,
                    desired: g.desired,
                    launching: g.launching,
                    spot: g.attributes.get("lifecycle").is_some_and(|v| v == "spot"),
                })
                .collect(),
            capacity_providers: self
                .capacity_providers()
                .values()
                .map(|p| ProviderView { name: p.name.clone(), group: p.group.clone(), target_capacity: p.managed.as_ref().map(|m| m.target_capacity), reservation: p.reservation })
                .collect(),
        }
    }
}
