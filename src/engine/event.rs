//! The event log: everything that happened, in order, as data.
//!
//! The log is the engine's contract with the outside: the UI lists it, the CLI prints it as JSON
//! lines, lessons check it, and the determinism tests hash it. Same scenario + same seed ⇒ the
//! same log, byte for byte, natively and in Wasm.

use serde::Serialize;

use crate::engine::rng::fnv1a;
use crate::engine::time::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Virtual time, ms.
    pub t: Millis,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EventKind {
    ScenarioStarted { name: String, seed: u64 },
    InstanceRegistered { instance: String, instance_type: String, az: String, cpu: u32, memory: u32 },
    InstanceTerminated { instance: String, tasks_stopped: Vec<String> },
    TaskDefinitionRegistered { family: String, revision: u32 },
    ServiceCreated { service: String, task_definition: String, desired_count: u32, launch_type: String },
    ServiceUpdated { service: String, task_definition: String, desired_count: u32 },
    /// A task was placed: on an instance (EC2) or in an AZ (Fargate).
    TaskPlaced {
        task: String,
        group: String,
        task_definition: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
        az: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        host_ports: Vec<u16>,
        /// The strategy step that decided, in words (e.g. "spread(attribute:ecs.availability-zone): us-east-1b has 0 of service:web").
        why: String,
    },
    /// A task moved to another lifecycle state (PENDING, ACTIVATING, DEACTIVATING, STOPPING, ...).
    TaskStatus { task: String, status: String },
    TaskRunning { task: String },
    TaskHealthChanged { task: String, health: String },
    /// The scheduler asked a task to stop; it is on its way (DEACTIVATING → STOPPING → STOPPED).
    TaskStopping { task: String, stop_code: String, reason: String },
    TaskStopped {
        task: String,
        stop_code: String,
        reason: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        exit_code: Option<i32>,
    },
    /// A service or RunTask call could not place a task.
    TaskUnplaceable {
        #[serde(skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        group: String,
        /// How many tasks are waiting for room.
        count: u32,
        reason: String,
    },
    ServiceSteadyState { service: String },
    DeploymentStarted { service: String, deployment: u32, task_definition: String, minimum_healthy_percent: u32, maximum_percent: u32, rollback: bool },
    /// One step of a rolling update, with the counts after it.
    DeploymentProgress { service: String, deployment: u32, started: u32, stopped: u32, old_running: u32, old_healthy: u32, new_running: u32, new_healthy: u32 },
    DeploymentCompleted { service: String, deployment: u32, task_definition: String },
    DeploymentStuck { service: String, deployment: u32, reason: String },
    DeploymentFailed { service: String, deployment: u32, failed_tasks: u32, threshold: u32 },
    ServiceThrottled { service: String, failures: u32, retry_in_ms: u64 },
    /// Blue/green: production traffic moved; `green_percent` now goes to the new task set.
    TrafficShifted { service: String, deployment: u32, green_percent: u32 },
    /// Blue/green: the alarm fired and traffic went back to blue.
    DeploymentRolledBack { service: String, deployment: u32, reason: String },
    InstanceDraining { instance: String },
    AzOutage { az: String, instances: Vec<String> },
    AzRecovered { az: String },
    SpotInterruptionWarning {
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        task: Option<String>,
        stop_at: u64,
    },
    /// A timeline action could not be carried out (unknown service, invalid task definition...).
    ActionFailed { action: String, message: String },
    /// A service's load generator was set; `rps` is the rate now.
    TrafficChanged { service: String, rps: f64 },
    /// A task joined its service's target group (state `initial` until health checks pass).
    TargetRegistered { service: String, task: String, target_group: String, address: String },
    /// The load balancer's health checks moved a target to `healthy` or `unhealthy`.
    TargetHealthChanged { service: String, task: String, state: String },
    /// A target is draining before its task stops; it gets no new requests.
    TargetDraining { service: String, task: String, until: u64 },
    TargetDeregistered { service: String, task: String },
    /// A CloudWatch alarm changed state (OK, ALARM, INSUFFICIENT_DATA).
    AlarmStateChanged {
        alarm: String,
        state: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<f64>,
        threshold: f64,
        comparison: String,
        metric: String,
    },
    /// Service Auto Scaling changed a service's desired count.
    ScalingActivity { service: String, policy: String, from: u32, to: u32, cause: String },
    /// An Auto Scaling group's desired capacity changed (instances launch or terminate).
    AutoScalingGroupResized { group: String, from: u32, to: u32, cause: String },
    /// A scheduled scaling action set the scalable target's range.
    ScheduledActionRan { service: String, action: String, min_capacity: u32, max_capacity: u32 },
    /// `putAutoScaling` replaced a service's scalable target and policies (`policies` empty and
    /// both capacities 0 when it removed them).
    AutoScalingUpdated { service: String, min_capacity: u32, max_capacity: u32, policies: Vec<String>, removed: bool },
    /// Kubernetes: a node joined the cluster and is Ready (allocatable as the kubelet reports it).
    KubeNodeReady { node: String, zone: String, instance_type: String, nodegroup: String, allocatable_cpu: String, allocatable_memory: String, max_pods: i64 },
    /// Kubernetes: a controller (or `kubectl apply`) created a pod; `owner` is `ReplicaSet/web-7d9f5` or empty.
    PodCreated { pod: String, namespace: String, owner: String },
    /// Kubernetes: the API server refused to create a pod (ResourceQuota, LimitRange), with its text.
    PodCreateFailed { owner: String, namespace: String, message: String },
    /// Kubernetes: the scheduler bound a pod to a node; `why` names the winning scores.
    PodScheduled { pod: String, namespace: String, node: String, why: String },
    /// Kubernetes: no node passed the filters; the kube-scheduler's message.
    PodFailedScheduling { pod: String, namespace: String, message: String },
    /// Kubernetes: the pod's containers started (phase Running).
    PodRunning { pod: String, namespace: String, node: String },
    /// Kubernetes: the pod became Ready (it receives Service traffic).
    PodReady { pod: String, namespace: String },
    /// Kubernetes: the pod stopped being Ready.
    PodNotReady { pod: String, namespace: String, reason: String },
    /// Kubernetes: a Service's endpoints changed (`change`: ready, notReady, added, terminating,
    /// removed); `readyEndpoints` is how many now receive traffic.
    EndpointsChanged { service: String, namespace: String, pod: String, change: String, ready_endpoints: usize },
    /// Kubernetes: a Job finished (`condition` Complete or Failed, with the reason).
    JobFinished { job: String, namespace: String, condition: String, reason: String, message: String },
    /// Kubernetes: a container is waiting (ErrImagePull, ImagePullBackOff).
    PodWaiting { pod: String, namespace: String, reason: String, message: String },
    /// Kubernetes: the kubelet restarted a container (liveness failure, exit, OOM), after `backOffMs`.
    ContainerRestarted { pod: String, namespace: String, container: String, restart_count: u32, reason: String, exit_code: i32, back_off_ms: u64 },
    /// Kubernetes: an init container exited with a non-zero code (`Init:Error`); with `restart`
    /// the kubelet starts it again after `backOffMs` (`Init:CrashLoopBackOff` meanwhile), without,
    /// the pod failed (`restartPolicy: Never`).
    InitContainerFailed { pod: String, namespace: String, container: String, exit_code: i32, restart_count: u32, back_off_ms: u64, restart: bool },
    /// Kubernetes: the pod is Terminating (SIGTERM; killed after the grace period).
    PodTerminating { pod: String, namespace: String, reason: String, grace_ms: u64 },
    /// Kubernetes: the pod is gone (its resources on `node` are free).
    PodDeleted { pod: String, namespace: String, node: String },
    /// Kubernetes: a ReplicaSet's desired replicas changed (`deployment` empty for a bare ReplicaSet).
    ReplicaSetScaled { replica_set: String, namespace: String, deployment: String, from: i64, to: i64 },
    /// Kubernetes: a Deployment's rollout changed state (`started`, `complete`, `ProgressDeadlineExceeded`, `rolledBack`, `scaled`).
    DeploymentRollout { deployment: String, namespace: String, revision: u64, status: String, message: String },
    /// Kubernetes: `kubectl cordon` / `uncordon` (`unschedulable` is the new value).
    NodeCordoned { node: String, unschedulable: bool },
    /// Kubernetes: an eviction was refused (PodDisruptionBudget); kubectl drain retries.
    EvictionRefused { pod: String, namespace: String, node: String, pdb: String, message: String },
    /// Kubernetes: `kubectl drain` finished: only DaemonSet pods are left on the node.
    NodeDrained { node: String },
    /// Kubernetes: a HorizontalPodAutoscaler changed its target's replicas (`current`, `target` in % of request).
    HpaScaled { hpa: String, namespace: String, target_ref: String, from: u32, to: u32, metric: String, current: i64, target: i64, reason: String },
    /// Kubernetes: the Cluster Autoscaler grew a node group for unschedulable pods (nodes join after the launch delay).
    ClusterAutoscalerScaleUp { nodegroup: String, from: u32, to: u32, pods: Vec<String>, reason: String },
    /// Kubernetes: the Cluster Autoscaler removes an unneeded node (drained first) from its node group.
    ClusterAutoscalerScaleDown { node: String, nodegroup: String, from: u32, to: u32, reason: String },
    /// Kubernetes: the Karpenter-style provisioner launched a node for pending pods (the cheapest offering that fits them).
    ProvisionerLaunched { nodepool: String, instance_type: String, capacity_type: String, hourly_usd: String, pods: Vec<String>, reason: String },
    /// Kubernetes: the provisioner removed a node (empty for `ttlSecondsAfterEmpty`).
    ProvisionerNodeRemoved { node: String, nodepool: String, reason: String },
    /// Kubernetes: calls from `from` (a Deployment or Service in `namespace`) to the Service `to`
    /// at `port` are (partly) dropped by NetworkPolicies: `blocked` of `pairs` (caller pod,
    /// endpoint) pairs; `message` names the policy situation of the first blocked pair.
    TrafficBlocked { from: String, namespace: String, to: String, to_namespace: String, port: i64, blocked: usize, pairs: usize, message: String },
    /// Kubernetes: calls from `from` to `to` at `port` are no longer dropped by any NetworkPolicy.
    TrafficAllowed { from: String, namespace: String, to: String, to_namespace: String, port: i64 },
    /// Kubernetes: a node condition changed (`MemoryPressure`), with the kubelet's message.
    NodeCondition { node: String, condition: String, status: bool, message: String },
    /// Kubernetes: the kubelet evicted a pod under node pressure (reason `Evicted`, its message).
    PodEvicted { pod: String, namespace: String, node: String, reason: String, message: String },
    /// Kubernetes: the scheduler preempts `victims` on `node` so that `pod` fits (nominatedNodeName).
    PodPreempted { pod: String, namespace: String, node: String, victims: Vec<String>, message: String },
}

impl EventKind {
    /// The task this event is about, if it is about one task.
    pub fn task(&self) -> Option<&str> {
        match self {
            EventKind::TaskPlaced { task, .. }
            | EventKind::TaskStatus { task, .. }
            | EventKind::TaskRunning { task }
            | EventKind::TaskHealthChanged { task, .. }
            | EventKind::TaskStopping { task, .. }
            | EventKind::TaskStopped { task, .. }
            | EventKind::TargetRegistered { task, .. }
            | EventKind::TargetHealthChanged { task, .. }
            | EventKind::TargetDraining { task, .. }
            | EventKind::TargetDeregistered { task, .. } => Some(task),
            EventKind::SpotInterruptionWarning { task, .. } => task.as_deref(),
            _ => None,
        }
    }

    pub fn level(&self) -> Level {
        match self {
            EventKind::TaskUnplaceable { .. } | EventKind::ActionFailed { .. } | EventKind::DeploymentFailed { .. } | EventKind::DeploymentStuck { .. } | EventKind::AzOutage { .. } | EventKind::DeploymentRolledBack { .. } => Level::Error,
            EventKind::InstanceTerminated { .. } | EventKind::ServiceThrottled { .. } | EventKind::SpotInterruptionWarning { .. } | EventKind::InstanceDraining { .. } => Level::Warning,
            EventKind::TaskHealthChanged { health, .. } if health == "UNHEALTHY" => Level::Warning,
            EventKind::TargetHealthChanged { state, .. } if state == "unhealthy" => Level::Warning,
            EventKind::AlarmStateChanged { state, .. } if state == "ALARM" => Level::Warning,
            EventKind::PodFailedScheduling { .. } | EventKind::PodCreateFailed { .. } | EventKind::EvictionRefused { .. } | EventKind::ContainerRestarted { .. } | EventKind::PodWaiting { .. } => Level::Warning,
            EventKind::InitContainerFailed { restart: true, .. } => Level::Warning,
            EventKind::InitContainerFailed { restart: false, .. } => Level::Error,
            EventKind::TrafficBlocked { .. } | EventKind::PodEvicted { .. } | EventKind::PodPreempted { .. } => Level::Warning,
            EventKind::NodeCondition { status: true, .. } => Level::Warning,
            EventKind::DeploymentRollout { status, .. } if status == "ProgressDeadlineExceeded" => Level::Error,
            EventKind::EndpointsChanged { change, .. } if change == "notReady" => Level::Warning,
            EventKind::JobFinished { condition, .. } if condition == "Failed" => Level::Error,
            EventKind::TaskStopped { stop_code, .. } if stop_code != "ServiceSchedulerInitiated" && stop_code != "UserInitiated" => Level::Warning,
            _ => Level::Info,
        }
    }

    /// The event's type name as it appears in the JSON log (`taskPlaced`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ScenarioStarted { .. } => "scenarioStarted",
            EventKind::InstanceRegistered { .. } => "instanceRegistered",
            EventKind::InstanceTerminated { .. } => "instanceTerminated",
            EventKind::TaskDefinitionRegistered { .. } => "taskDefinitionRegistered",
            EventKind::ServiceCreated { .. } => "serviceCreated",
            EventKind::ServiceUpdated { .. } => "serviceUpdated",
            EventKind::TaskPlaced { .. } => "taskPlaced",
            EventKind::TaskStatus { .. } => "taskStatus",
            EventKind::TaskRunning { .. } => "taskRunning",
            EventKind::TaskHealthChanged { .. } => "taskHealthChanged",
            EventKind::TaskStopping { .. } => "taskStopping",
            EventKind::TaskStopped { .. } => "taskStopped",
            EventKind::TaskUnplaceable { .. } => "taskUnplaceable",
            EventKind::ServiceSteadyState { .. } => "serviceSteadyState",
            EventKind::DeploymentStarted { .. } => "deploymentStarted",
            EventKind::DeploymentProgress { .. } => "deploymentProgress",
            EventKind::DeploymentCompleted { .. } => "deploymentCompleted",
            EventKind::DeploymentStuck { .. } => "deploymentStuck",
            EventKind::DeploymentFailed { .. } => "deploymentFailed",
            EventKind::ServiceThrottled { .. } => "serviceThrottled",
            EventKind::TrafficShifted { .. } => "trafficShifted",
            EventKind::DeploymentRolledBack { .. } => "deploymentRolledBack",
            EventKind::InstanceDraining { .. } => "instanceDraining",
            EventKind::AzOutage { .. } => "azOutage",
            EventKind::AzRecovered { .. } => "azRecovered",
            EventKind::SpotInterruptionWarning { .. } => "spotInterruptionWarning",
            EventKind::ActionFailed { .. } => "actionFailed",
            EventKind::TrafficChanged { .. } => "trafficChanged",
            EventKind::TargetRegistered { .. } => "targetRegistered",
            EventKind::TargetHealthChanged { .. } => "targetHealthChanged",
            EventKind::TargetDraining { .. } => "targetDraining",
            EventKind::TargetDeregistered { .. } => "targetDeregistered",
            EventKind::AlarmStateChanged { .. } => "alarmStateChanged",
            EventKind::ScalingActivity { .. } => "scalingActivity",
            EventKind::ScheduledActionRan { .. } => "scheduledActionRan",
            EventKind::AutoScalingUpdated { .. } => "autoScalingUpdated",
            EventKind::AutoScalingGroupResized { .. } => "autoScalingGroupResized",
            EventKind::KubeNodeReady { .. } => "kubeNodeReady",
            EventKind::PodCreated { .. } => "podCreated",
            EventKind::PodCreateFailed { .. } => "podCreateFailed",
            EventKind::PodScheduled { .. } => "podScheduled",
            EventKind::PodFailedScheduling { .. } => "podFailedScheduling",
            EventKind::PodRunning { .. } => "podRunning",
            EventKind::PodReady { .. } => "podReady",
            EventKind::PodNotReady { .. } => "podNotReady",
            EventKind::EndpointsChanged { .. } => "endpointsChanged",
            EventKind::JobFinished { .. } => "jobFinished",
            EventKind::PodWaiting { .. } => "podWaiting",
            EventKind::ContainerRestarted { .. } => "containerRestarted",
            EventKind::InitContainerFailed { .. } => "initContainerFailed",
            EventKind::PodTerminating { .. } => "podTerminating",
            EventKind::PodDeleted { .. } => "podDeleted",
            EventKind::ReplicaSetScaled { .. } => "replicaSetScaled",
            EventKind::DeploymentRollout { .. } => "deploymentRollout",
            EventKind::NodeCordoned { .. } => "nodeCordoned",
            EventKind::EvictionRefused { .. } => "evictionRefused",
            EventKind::NodeDrained { .. } => "nodeDrained",
            EventKind::HpaScaled { .. } => "hpaScaled",
            EventKind::ClusterAutoscalerScaleUp { .. } => "clusterAutoscalerScaleUp",
            EventKind::ClusterAutoscalerScaleDown { .. } => "clusterAutoscalerScaleDown",
            EventKind::ProvisionerLaunched { .. } => "provisionerLaunched",
            EventKind::ProvisionerNodeRemoved { .. } => "provisionerNodeRemoved",
            EventKind::TrafficBlocked { .. } => "trafficBlocked",
            EventKind::TrafficAllowed { .. } => "trafficAllowed",
            EventKind::NodeCondition { .. } => "nodeCondition",
            EventKind::PodEvicted { .. } => "podEvicted",
            EventKind::PodPreempted { .. } => "podPreempted",
        }
    }

    /// One readable line for event lists.
    pub fn describe(&self) -> String {
        match self {
            EventKind::ScenarioStarted { name, seed } => format!("scenario \"{name}\" started with seed {seed}"),
            EventKind::InstanceRegistered { instance, instance_type, az, cpu, memory } => {
                format!("{instance} ({instance_type}, {az}) registered with {cpu} CPU units and {memory} MiB")
            }
            EventKind::InstanceTerminated { instance, tasks_stopped } => match tasks_stopped.len() {
                0 => format!("{instance} terminated; nothing ran on it"),
                // A Kubernetes node names its pods `namespace/name`; ECS task ids have no slash.
                n if tasks_stopped.iter().all(|t| t.contains('/')) => format!("{instance} terminated; {n} pod(s) lost"),
                n => format!("{instance} terminated; {n} task(s) stopped"),
            },
            EventKind::TaskDefinitionRegistered { family, revision } => format!("task definition {family}:{revision} registered"),
            EventKind::ServiceCreated { service, task_definition, desired_count, launch_type } => {
                format!("service {service} created: {desired_count} × {task_definition} on {launch_type}")
            }
            EventKind::ServiceUpdated { service, task_definition, desired_count } => {
                format!("service {service} updated: desired {desired_count}, {task_definition}")
            }
            EventKind::TaskPlaced { task, instance, az, why, .. } => match instance {
                Some(i) => format!("{task} placed on {i} ({az}) — {why}"),
                None => format!("{task} placed on Fargate in {az} — {why}"),
            },
            EventKind::TaskStatus { task, status } => format!("{task} is {status}"),
            EventKind::TaskRunning { task } => format!("{task} is RUNNING"),
            EventKind::TaskHealthChanged { task, health } => format!("{task} is {health}"),
            EventKind::TaskStopping { task, stop_code, reason } => format!("{task} stopping ({stop_code}): {reason}"),
            EventKind::TaskStopped { task, stop_code, reason, exit_code } => match exit_code {
                Some(c) => format!("{task} stopped ({stop_code}, exit code {c}): {reason}"),
                None => format!("{task} stopped ({stop_code}): {reason}"),
            },
            EventKind::TaskUnplaceable { service, group, count, reason } => match service {
                Some(s) => format!("service {s} was unable to place {count} task(s): {reason}"),
                None => format!("{group}: {count} task(s) could not be placed: {reason}"),
            },
            EventKind::ServiceSteadyState { service } => format!("service {service} has reached a steady state"),
            EventKind::DeploymentStarted { service, deployment, task_definition, minimum_healthy_percent, maximum_percent, rollback } => format!(
                "service {service}: {}deployment {deployment} to {task_definition} started (minimum healthy {minimum_healthy_percent} %, maximum {maximum_percent} %)",
                if *rollback { "rollback " } else { "" }
            ),
            EventKind::DeploymentProgress { service, started, stopped, old_running, old_healthy, new_running, new_healthy, .. } => format!(
                "service {service}: stopped {stopped} old, started {started} new; old {old_running} running ({old_healthy} healthy), new {new_running} running ({new_healthy} healthy)"
            ),
            EventKind::DeploymentCompleted { service, deployment, task_definition } => format!("service {service}: deployment {deployment} to {task_definition} completed"),
            EventKind::DeploymentStuck { service, reason, .. } => format!("service {service}: deployment is stuck: {reason}"),
            EventKind::DeploymentFailed { service, failed_tasks, threshold, .. } => {
                format!("service {service}: deployment failed: the circuit breaker counted {failed_tasks} failed task(s) (threshold {threshold})")
            }
            EventKind::ServiceThrottled { service, failures, retry_in_ms } => format!(
                "service {service} is throttled after {failures} task(s) failed to start; next launch in {}",
                crate::engine::time::Clock(*retry_in_ms)
            ),
            EventKind::TrafficShifted { service, green_percent, .. } => format!("service {service}: {green_percent} % of traffic now goes to the green task set"),
            EventKind::DeploymentRolledBack { service, reason, .. } => format!("service {service}: blue/green deployment rolled back: {reason}"),
            EventKind::InstanceDraining { instance } => format!("{instance} is DRAINING: its service tasks will be replaced elsewhere"),
            EventKind::AzOutage { az, instances } => format!("Availability Zone {az} is down: {} instance(s) unreachable", instances.len()),
            EventKind::AzRecovered { az } => format!("Availability Zone {az} recovered"),
            EventKind::SpotInterruptionWarning { instance, task, stop_at } => format!(
                "Spot interruption warning for {}: reclaimed at {}",
                instance.as_deref().or(task.as_deref()).unwrap_or("?"),
                crate::engine::time::Clock(*stop_at)
            ),
            EventKind::ActionFailed { action, message } => format!("{action} failed: {message}"),
            EventKind::TrafficChanged { service, rps } => format!("service {service}: load set, now {rps} requests/s"),
            EventKind::TargetRegistered { task, target_group, address, .. } => format!("{task} registered in target group {target_group} as {address} (initial)"),
            EventKind::TargetHealthChanged { task, state, .. } => format!("{task}: load balancer health checks say {state}"),
            EventKind::TargetDraining { task, until, .. } => format!("{task} is draining: no new requests; deregistered at {}", crate::engine::time::Clock(*until)),
            EventKind::TargetDeregistered { task, .. } => format!("{task} left its target group"),
            EventKind::AlarmStateChanged { alarm, state, value, threshold, comparison, metric } => match value {
                Some(v) => format!("alarm {alarm} is {state}: {metric} = {v} (threshold {comparison} {threshold})"),
                None => format!("alarm {alarm} is {state}: no data for {metric}"),
            },
            EventKind::ScalingActivity { service, policy, from, to, cause } => format!("service {service}: {policy} set desired count {from} → {to} ({cause})"),
            EventKind::AutoScalingGroupResized { group, from, to, cause } => format!("Auto Scaling group {group}: desired capacity {from} → {to} ({cause})"),
            EventKind::ScheduledActionRan { service, action, min_capacity, max_capacity } => format!("service {service}: scheduled action {action} set min {min_capacity}, max {max_capacity}"),
            EventKind::AutoScalingUpdated { service, removed: true, .. } => format!("service {service}: Service Auto Scaling removed; its desired count stays as it is"),
            EventKind::AutoScalingUpdated { service, min_capacity, max_capacity, policies, .. } => format!(
                "service {service}: Service Auto Scaling set to {min_capacity}–{max_capacity} tasks{}",
                if policies.is_empty() { ", no policies".to_string() } else { format!(" with {}", policies.join(", ")) }
            ),
            EventKind::KubeNodeReady { node, zone, instance_type, allocatable_cpu, allocatable_memory, max_pods, .. } => {
                format!("node {node} ({instance_type}, {zone}) is Ready: allocatable {allocatable_cpu} CPU, {allocatable_memory} memory, {max_pods} pods")
            }
            EventKind::PodCreated { pod, namespace, owner } => {
                if owner.is_empty() { format!("pod {namespace}/{pod} created") } else { format!("{owner}: Created pod: {pod}") }
            }
            EventKind::PodCreateFailed { owner, message, .. } => format!("{owner}: Error creating: {message}"),
            EventKind::PodScheduled { pod, namespace, node, why } => format!("Successfully assigned {namespace}/{pod} to {node} — {why}"),
            EventKind::PodFailedScheduling { pod, message, .. } => format!("{pod}: FailedScheduling: {message}"),
            EventKind::PodRunning { pod, node, .. } => format!("{pod} is Running on {node}"),
            EventKind::PodReady { pod, .. } => format!("{pod} is Ready"),
            EventKind::PodNotReady { pod, reason, .. } => format!("{pod} is not Ready: {reason}"),
            EventKind::EndpointsChanged { service, pod, change, ready_endpoints, .. } => {
                let what = match change.as_str() {
                    "ready" => "receives traffic (ready)",
                    "notReady" => "no longer receives traffic (not ready)",
                    "added" => "was added, not ready yet",
                    "terminating" => "is terminating",
                    "removed" => "was removed",
                    other => other,
                };
                format!("service {service}: endpoint {pod} {what}; {ready_endpoints} ready endpoint(s)")
            }
            EventKind::JobFinished { job, condition, reason, message, .. } => format!("job {job} {condition} ({reason}): {message}"),
            EventKind::PodWaiting { pod, reason, message, .. } => format!("{pod} is waiting ({reason}): {message}"),
            EventKind::ContainerRestarted { pod, container, restart_count, reason, exit_code, back_off_ms, .. } => format!(
                "{pod}: container {container} restarted ({reason}, exit code {exit_code}); restart count {restart_count}, back-off {}",
                crate::engine::time::Clock(*back_off_ms)
            ),
            EventKind::InitContainerFailed { pod, container, exit_code, restart_count, back_off_ms, restart, .. } => {
                if *restart && *back_off_ms == 0 {
                    format!("{pod}: init container {container} failed (exit code {exit_code}, Init:Error); the kubelet restarts it at once (restart {restart_count})")
                } else if *restart {
                    format!(
                        "{pod}: init container {container} failed (exit code {exit_code}, Init:Error); the kubelet restarts it after a back-off of {} (Init:CrashLoopBackOff until then; restart {restart_count})",
                        crate::engine::time::Clock(*back_off_ms)
                    )
                } else {
                    format!("{pod}: init container {container} failed (exit code {exit_code}, Init:Error); restartPolicy Never: the pod failed")
                }
            }
            EventKind::PodTerminating { pod, reason, grace_ms, .. } => format!("{pod} is Terminating ({reason}); killed after {}", crate::engine::time::Clock(*grace_ms)),
            EventKind::PodDeleted { pod, namespace, .. } => format!("pod {namespace}/{pod} deleted"),
            EventKind::ReplicaSetScaled { replica_set, from, to, .. } => {
                format!("Scaled {} replica set {replica_set} from {from} to {to}", if to >= from { "up" } else { "down" })
            }
            EventKind::DeploymentRollout { deployment, revision, status, message, .. } => format!("deployment {deployment} (revision {revision}) {status}: {message}"),
            EventKind::NodeCordoned { node, unschedulable } => format!("node/{node} {}", if *unschedulable { "cordoned" } else { "uncordoned" }),
            EventKind::EvictionRefused { message, .. } => message.clone(),
            EventKind::NodeDrained { node } => format!("node/{node} drained"),
            EventKind::HpaScaled { hpa, to, reason, .. } => format!("horizontalpodautoscaler/{hpa}: New size: {to}; reason: {reason}"),
            EventKind::ClusterAutoscalerScaleUp { nodegroup, from, to, reason, .. } => format!("cluster-autoscaler: TriggeredScaleUp: node group {nodegroup} {from} → {to}: {reason}"),
            EventKind::ClusterAutoscalerScaleDown { node, nodegroup, from, to, reason } => format!("cluster-autoscaler: ScaleDown: removing node {node} (node group {nodegroup} {from} → {to}): {reason}"),
            EventKind::ProvisionerLaunched { nodepool, instance_type, capacity_type, hourly_usd, reason, .. } => format!("nodepool {nodepool}: launching {instance_type} ({capacity_type}, ${hourly_usd}/h): {reason}"),
            EventKind::ProvisionerNodeRemoved { node, nodepool, reason } => format!("nodepool {nodepool}: removing node {node}: {reason}"),
            EventKind::TrafficBlocked { from, to, port, message, .. } => format!("{from} → {to}:{port} blocked: {message}"),
            EventKind::TrafficAllowed { from, to, port, .. } => format!("{from} → {to}:{port}: no NetworkPolicy blocks the calls any more"),
            EventKind::NodeCondition { node, condition, status, message } => format!("node/{node} {condition}={}: {message}", if *status { "True" } else { "False" }),
            EventKind::PodEvicted { pod, reason, message, .. } => format!("{pod}: {reason}: {message}"),
            EventKind::PodPreempted { message, .. } => message.clone(),
        }
    }
}

/// The log as JSON lines (one event per line, `t` first).
pub fn to_jsonl(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        // Serialising these plain structs cannot fail.
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// FNV-1a 64 of the JSON-lines log, as 16 hex digits: the determinism fingerprint.
pub fn log_hash(events: &[Event]) -> String {
    format!("{:016x}", fnv1a(to_jsonl(events).as_bytes()))
}

/// The same hash as [`log_hash`], kept up to date one event at a time.
#[derive(Debug, Clone)]
pub struct LogHasher(u64);

impl Default for LogHasher {
    fn default() -> Self {
        LogHasher(fnv1a(b""))
    }
}

impl LogHasher {
    pub fn update(&mut self, e: &Event) {
        let mut line = serde_json::to_string(e).unwrap_or_default();
        line.push('\n');
        for b in line.as_bytes() {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
