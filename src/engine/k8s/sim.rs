//! Kubernetes in the simulation: nodes, pods and their controllers, driven by the same queue and
//! virtual clock as ECS.
//!
//! - `kube_setup` reads the scenario's `kubernetes` section (node groups, Fargate profiles,
//!   manifests, scheduler profile); `kubectl` carries out timeline/UI commands (`kubectl.rs`).
//! - After every engine step `kube_reconcile` runs the controllers (Deployment → ReplicaSet →
//!   pods, DaemonSets; `controllers.rs`) and then the scheduler: one scheduling cycle per pending
//!   pod, oldest first. A pod that fits nowhere keeps the scheduler's message and is retried only
//!   when something that could help happens (a pod is deleted, a node joins or is uncordoned).
//! - Pods then follow the kubelet's lifecycle on virtual time (`pods.rs`, arithmetic in
//!   `kubelet.rs`): image pull, start, probes, restarts with back-off, termination.
//!
//! Randomness: two streams of their own, `k8s-tie-break` (the scheduler's `selectHost`) and
//! `k8s-names` (the five random characters of pod names), so Kubernetes never shifts ECS numbers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::event::EventKind;
use crate::engine::rng::Rng;
use crate::engine::sim::{Engine, Item};
use crate::engine::sort;
use crate::engine::time::Millis;

use super::kubelet::Kill;
use super::model::*;
use super::node::{fargate_node, fargate_profile_for, fargate_size, FargateProfile, FargateSelector, Node, Taint, LABEL_ZONE};
use super::quantity::{fmt_bytes, fmt_milli};
use super::scheduler::{self, Cluster, Outcome, PlacedPod, Profile, ScheduleResult};

/// The most nodes a scenario may ask for (node groups together).
pub const MAX_NODES: usize = 1_000;
/// The most pods the simulation keeps (a runaway controller stops here with an error event).
pub const MAX_PODS: usize = 5_000;

/// Everything Kubernetes the engine holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubeState {
    pub(crate) enabled: bool,
    /// In the order the scheduler visits them (creation order: zones interleave).
    pub(crate) nodes: Vec<Node>,
    pub(crate) node_meta: BTreeMap<String, NodeMeta>,
    pub(crate) node_groups: Vec<NodeGroup>,
    pub(crate) fargate_profiles: Vec<FargateProfile>,
    /// By `namespace/name`.
    pub(crate) pods: BTreeMap<String, PodState>,
    pub(crate) deployments: BTreeMap<String, DeploymentState>,
    pub(crate) replica_sets: BTreeMap<String, RsState>,
    pub(crate) daemon_sets: BTreeMap<String, DsState>,
    /// Every other object (Service, PDB, ResourceQuota, LimitRange, ...) by `Kind/namespace/name`.
    pub(crate) objects: BTreeMap<String, Object>,
    pub(crate) namespaces: BTreeMap<String, Labels>,
    /// When each object was created (`metadata.creationTimestamp`, for kubectl's AGE), by
    /// `Kind/namespace/name` (`Namespace//name` for namespaces). Objects of the scenario's start
    /// are created at 0; nodes and pods keep their own times.
    pub(crate) created: BTreeMap<String, Millis>,
    pub(crate) profile: Option<Profile>,
    pub(crate) next_start: usize,
    pub(crate) rng_tie: Option<Rng>,
    pub(crate) rng_names: Option<Rng>,
    /// Creation counter (pods are scheduled oldest first).
    pub(crate) seq: u64,
    /// Bumped when capacity may have appeared: unschedulable pods retry.
    pub(crate) version: u64,
    /// Nodes being drained → `--force` given.
    pub(crate) draining: BTreeMap<String, bool>,
    /// Next host number per AZ index, for node names.
    pub(crate) hosts: BTreeMap<usize, u32>,
    /// Load generators by Deployment (`namespace/name`): `kubernetes.traffic` (`load.rs`).
    pub(crate) loads: BTreeMap<String, crate::engine::traffic::load::Load>,
    /// HorizontalPodAutoscaler controller state by object key (`horizontal.rs`).
    pub(crate) hpas: BTreeMap<String, super::horizontal::HpaRuntime>,
    /// The 15-second HPA loop is queued.
    pub(crate) hpa_ticking: bool,
    /// The Cluster Autoscaler, when the scenario has `kubernetes.clusterAutoscaler`.
    pub(crate) ca: Option<super::cluster_autoscaler::CaState>,
    /// The Karpenter-style provisioner, when the scenario has `kubernetes.provisioner`.
    pub(crate) provisioner: Option<super::provisioner::ProvState>,
    /// Services: allocations, endpoints, endpoint changes (`services.rs`).
    pub(crate) services: super::services::ServicesState,
    /// Availability Zones that are down (`disruption.rs`).
    pub(crate) down_zones: std::collections::BTreeSet<String>,
    /// Jobs by `namespace/name` (`jobs.rs`).
    pub(crate) jobs: BTreeMap<String, super::jobs::JobState>,
    /// Load generators by Service (`namespace/name`): `kubernetes.traffic` with `service`.
    pub(crate) service_loads: BTreeMap<String, crate::engine::traffic::load::Load>,
    /// Calls between Services (`calls.rs`), in scenario order.
    pub(crate) calls: Vec<super::calls::CallRoute>,
    /// The policy situations blocking each call route at the last check (by route index).
    pub(crate) calls_blocked: BTreeMap<usize, Vec<String>>,
    /// Nodes under MemoryPressure (`pressure.rs`).
    pub(crate) pressure: BTreeMap<String, super::pressure::NodePressure>,
    /// The kubelet's 10-second housekeeping tick is queued.
    pub(crate) pressure_ticking: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeMeta {
    pub zone: String,
    pub instance_type: String,
    pub nodegroup: String,
    pub capacity_type: String,
    pub fargate: bool,
    /// When the node was launched (billing starts), and its price per hour (`cost.rs`).
    pub launched_at: Millis,
    pub hourly_usd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodeGroup {
    pub name: String,
    pub instance_type: String,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub spot: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PodState {
    pub pod: Pod,
    pub namespace: String,
    pub seq: u64,
    pub created: Millis,
    /// (`ReplicaSet` | `DaemonSet`, name).
    pub owner: Option<(String, String)>,
    /// The Deployment revision of the owning ReplicaSet (for behaviours).
    pub revision: u64,
    pub node: Option<String>,
    pub phase: PodPhase,
    /// kubectl's STATUS column: Pending, ContainerCreating, Running, CrashLoopBackOff, ...
    pub status: String,
    pub ready: bool,
    pub ready_since: Option<Millis>,
    pub started_at: Option<Millis>,
    pub restarts: u32,
    pub backoffs: u32,
    pub pull_failures: u32,
    pub gen: u32,
    pub terminating: bool,
    pub tried_version: Option<u64>,
    /// The last FailedScheduling message while Pending.
    pub message: Option<String>,
    pub decision: Option<ScheduleResult>,
    /// `status.nominatedNodeName`: the node preemption freed for this pod (`preemption.rs`).
    pub nominated: Option<String>,
    /// When each init container finishes (a sidecar: has started), from the bind (`pods.rs`
    /// `k_bind`): they run one after another, each after its image is pulled. Empty without init
    /// containers; shorter than the list when one of them fails (`init_failing`).
    pub init_done: Vec<Millis>,
    /// The init container that exits with the behaviour's non-zero `initExitCode` (the first
    /// one that is not a sidecar), while the pod has not got past it.
    pub init_failing: Option<usize>,
    /// Its restarts (the kubelet restarts a failed init container under `restartPolicy`
    /// Always/OnFailure, with the CrashLoopBackOff back-off) and back-offs since the last reset.
    pub init_restarts: u32,
    pub init_backoffs: u32,
    /// Its last exit: when, and the exit code (describe's `Last State`, RESTARTS `(Xs ago)`).
    pub init_last_exit: Option<(Millis, i32)>,
    /// The app container's exit code once the pod has finished (Succeeded or Failed).
    pub exit_code: Option<i32>,
    /// When each init container first started, from the bind (`pods.rs` `k_bind`; the failing
    /// one included), for `kubectl describe pod`'s Created/Started events.
    pub init_started: Vec<Millis>,
    /// Each container's image at its first start (init containers, then the app's): (image,
    /// pull start, pull end — equal when it was already on the node —, size in bytes).
    pub pulls: Vec<(String, Millis, Millis, i64)>,
    /// When a container last died and was restarted (`lastState.terminated.finishedAt`, for
    /// kubectl's `RESTARTS 3 (45s ago)`).
    pub last_restart: Option<Millis>,
}

impl PodState {
    pub fn name(&self) -> &str {
        &self.pod.meta.name
    }
    pub fn terminal(&self) -> bool {
        matches!(self.phase, PodPhase::Succeeded | PodPhase::Failed)
    }
    /// Counted by controllers (`FilterActivePods`): not terminating, not finished.
    pub fn active(&self) -> bool {
        !self.terminating && !self.terminal()
    }
    pub fn owned_by(&self, kind: &str, name: &str) -> bool {
        self.owner.as_ref().is_some_and(|(k, n)| k == kind && n == name)
    }
    pub fn available(&self, now: Millis, min_ready_seconds: i64) -> bool {
        self.ready && self.ready_since.is_some_and(|t| t + (min_ready_seconds.max(0) as Millis) * 1000 <= now)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DeploymentState {
    pub d: Deployment,
    pub namespace: String,
    pub seq: u64,
    /// Last time the rollout made progress (Progressing condition's lastUpdateTime).
    pub progress_at: Millis,
    /// (new RS replicas, old RS replicas, new RS available): a change is progress.
    pub progress_sig: (i64, i64, i64, String),
    /// Progressing condition: (status, reason).
    pub progressing: (bool, String),
    pub complete_revision: u64,
    pub deadline_revision: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RsState {
    pub rs: ReplicaSet,
    pub namespace: String,
    pub seq: u64,
    /// `namespace/name` of the owning Deployment.
    pub deployment: Option<String>,
    pub revision: u64,
    pub hash: String,
    /// The last pod-creation error and the cluster version it happened at (no retry spam).
    pub create_error: Option<(String, u64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DsState {
    pub ds: DaemonSet,
    pub namespace: String,
    pub hash: String,
}

/// A queued Kubernetes timer (pod start, probe, eviction, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KubeItem {
    /// A step of a pod's life, valid while the pod's `gen` is unchanged.
    Pod { pod: String, gen: u32, step: PodStep },
    /// Look again (minReadySeconds passed, a progress deadline is due).
    Wake,
    /// `kubectl drain` retries refused evictions every 5 s.
    DrainRetry { node: String },
    /// The HorizontalPodAutoscaler controller's 15-second sync.
    HpaSync,
    /// The Cluster Autoscaler's scan (every `scanInterval`).
    CaScan,
    /// A node the Cluster Autoscaler launched joins its group.
    CaNodeJoin { group: String },
    /// The provisioner's scan (every 10 s).
    ProvScan,
    /// A node the provisioner launched joins.
    ProvNodeJoin { instance_type: String, spot: bool },
    /// Taint-based eviction of the pods on an unreachable node (300 s after the taint).
    TaintEviction { node: String },
    /// A Spot node's two-minute notice is over: the instance is reclaimed.
    SpotReclaim { node: String },
    /// A cheaper node the provisioner launched to replace `replaces` (consolidation) joins.
    ProvReplacementJoin { instance_type: String, spot: bool, replaces: String },
    /// The kubelets' housekeeping (eviction manager) every 10 s, while memory can run short.
    KubeletHousekeeping,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PodStep {
    /// Images pulled, containers started.
    Started,
    /// The image pull failed (bad tag).
    PullFailed,
    /// ImagePullBackOff is over: try again.
    PullRetry,
    Ready,
    NotReady,
    Kill(Kill),
    /// The app exited after SIGTERM (or the grace period ran out): the pod is gone.
    Terminated,
    /// The failing init container (`PodState::init_failing`) exited with `initExitCode`.
    InitExited,
    /// The kubelet's next sync after that exit (1 s, the PLEG relist period) found it in its
    /// restart back-off: `Init:CrashLoopBackOff`.
    InitBackOff,
    /// The back-off is over: the init container runs again.
    InitRestart,
}

// ---------------------------------------------------------------------------------------------
// The snapshot
// ---------------------------------------------------------------------------------------------

/// What the snapshot shows of Kubernetes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeView {
    /// `default-scheduler` or `bin-packing`.
    pub scheduler: String,
    pub nodes: Vec<NodeView>,
    pub pods: Vec<PodView>,
    pub deployments: Vec<DeploymentView>,
    pub replica_sets: Vec<ReplicaSetView>,
    pub daemon_sets: Vec<DaemonSetView>,
    /// Pending pods no node could take, with the scheduler's message.
    pub unschedulable: Vec<UnschedulableView>,
    /// HorizontalPodAutoscalers as `kubectl get hpa` shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hpas: Vec<HpaView>,
    /// Services with their endpoints (`kubectl get svc`, `kubectl get endpointslices`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<super::services::ServiceView>,
    /// The newest changes of Service endpoints (a pod added, ready, not ready, terminating,
    /// removed), oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoint_changes: Vec<super::services::EndpointChange>,
    /// Jobs as `kubectl get jobs` shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs: Vec<super::jobs::JobView>,
    /// Calls between Services now (`kubernetes.traffic[].calls`): rates, timeouts from
    /// NetworkPolicies, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<super::calls::CallView>,
    /// Requests/s offered from outside now: every Deployment's load plus every Service's
    /// (`kubernetes.traffic`), each counted once; `None` when the scenario has no load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered_rps: Option<f64>,
    /// PodDisruptionBudgets (`kubectl get pdb`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pdbs: Vec<PdbView>,
    /// Every namespace with its creation time (`kubectl get ns`), by name.
    pub namespaces: Vec<(String, Millis)>,
    /// The other objects the cluster holds, as `Kind/namespace/name` (`Kind//name` when
    /// cluster-scoped): NetworkPolicies, ResourceQuotas, LimitRanges, ConfigMaps, Secrets,
    /// PriorityClasses — so the console can say `configured` when one is applied again.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_objects: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaView {
    pub name: String,
    pub namespace: String,
    /// `Deployment/web`.
    pub reference: String,
    /// CPU utilization target, % of request (none without a CPU utilization metric).
    pub target_utilization: Option<i64>,
    /// The utilization the last sync saw (none before the first successful sync).
    pub current_utilization: Option<i64>,
    pub min_replicas: i64,
    pub max_replicas: i64,
    /// The target's `spec.replicas` now.
    pub replicas: i64,
    /// kubectl's TARGETS column, one entry per metric, at the last sync: `cpu: 56%/50%`,
    /// `pods/requests_per_second: 16/10`, `memory: <unknown>/60%`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// `status.conditions` as `kubectl describe hpa` lists them (none before the first sync).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<HpaCondition>,
    /// `metadata.creationTimestamp` (kubectl's AGE).
    pub created: Millis,
}

/// One of an HPA's `status.conditions` (`AbleToScale`, `ScalingActive`, `ScalingLimited`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaCondition {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: bool,
    pub reason: String,
    pub message: String,
}

/// A PodDisruptionBudget as `kubectl get pdb` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbView {
    pub name: String,
    pub namespace: String,
    /// As written (`2`, `50%`); `None` when the budget gives the other one.
    pub min_available: Option<String>,
    pub max_unavailable: Option<String>,
    /// How many pods may be evicted now (the Eviction API's `disruptionsAllowed`).
    pub disruptions_allowed: i64,
    /// `status.currentHealthy`: the selected pods that are Ready (and not terminating).
    pub current_healthy: i64,
    /// `status.desiredHealthy`: how many must stay healthy.
    pub desired_healthy: i64,
    /// `status.expectedPods`: the owning controllers' replicas (bare pods count themselves).
    pub expected_pods: i64,
    pub selector: String,
    pub labels: Labels,
    pub created: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub name: String,
    pub zone: String,
    pub instance_type: String,
    pub nodegroup: String,
    /// `ON_DEMAND`, `SPOT` or `FARGATE`.
    pub capacity_type: String,
    pub fargate: bool,
    pub allocatable_cpu_milli: i64,
    pub allocatable_memory: i64,
    pub max_pods: i64,
    /// Σ requests of the pods bound here (what the scheduler subtracts).
    pub requested_cpu_milli: i64,
    pub requested_memory: i64,
    /// `namespace/name` of the pods bound here.
    pub pods: Vec<String>,
    /// `key=value:Effect`.
    pub taints: Vec<String>,
    pub unschedulable: bool,
    pub labels: Labels,
    /// Node conditions that are True besides Ready (`MemoryPressure`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// `memory.available` as the kubelet's eviction manager sees it, bytes (scenarios where pods
    /// can use more memory than they request: `pressure.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_available: Option<i64>,
    /// When the node joined (kubectl's AGE).
    pub created: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    /// A pod no controller owns: its own spec, as `kubectl describe pod` lists it (a
    /// controller's pods read their controller's template: ReplicaSet, DaemonSet, Job).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateView>,
    pub node: Option<String>,
    pub phase: PodPhase,
    /// kubectl's STATUS column (ContainerCreating, `Init:1/2`, PodInitializing, CrashLoopBackOff,
    /// Terminating, ...).
    pub status: String,
    pub ready: bool,
    /// kubectl's READY column, `ready_containers/containers`: the pod's containers and its
    /// sidecars (init containers with `restartPolicy: Always`), and how many are ready (see
    /// `ready_containers`).
    pub containers: u32,
    pub ready_containers: u32,
    /// kubectl's RESTARTS (printPod): while the pod initializes, its init containers' restarts;
    /// then its containers' (and sidecars', which Berth never restarts).
    pub restarts: u32,
    /// When a container last died and was restarted: RESTARTS `3 (45s ago)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_restart: Option<Millis>,
    /// The app container's exit code once the pod finished (describe's `Exit Code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// When each init container first started (describe's Created/Started events).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_started: Vec<Millis>,
    /// Each container's image at its first start: (image, pull start, pull end — equal when it
    /// was already on the node —, size in bytes), for describe's Pulling/Pulled events.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pulls: Vec<(String, Millis, Millis, i64)>,
    /// Each init container's status, in order, once the pod is bound (`kubectl describe pod`'s
    /// Init Containers).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<InitContainerView>,
    /// Guaranteed, Burstable or BestEffort.
    pub qos: String,
    /// `ReplicaSet/web-5d8f9c7b4`, `DaemonSet/fluent-bit`, or none.
    pub owner: Option<String>,
    pub requests_cpu_milli: i64,
    pub requests_memory: i64,
    /// With init containers, how the CPU request is worked out (`PodSpec::effective_working`):
    /// `max(containers 900m + sidecars 100m, init migrate 1850m + sidecars 100m)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_cpu_working: Option<String>,
    pub labels: Labels,
    pub created: Millis,
    /// CPU in use, millicores, for pods of a Deployment with a load (`kubernetes.traffic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_usage_milli: Option<i64>,
    /// `status.nominatedNodeName`: where preemption made room for this pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nominated_node: Option<String>,
    /// `spec.priority` as admission resolved it (from the PriorityClass), when not 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// Why the pod's CPU is throttled now (its requests need more than its CPU limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_throttled: Option<String>,
    /// The pod's memory working set, bytes (when the scenario can put nodes under pressure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_working_set: Option<i64>,
}

/// An init container's status as `kubectl describe pod` shows it (`describeContainerState`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InitContainerView {
    pub name: String,
    /// `restartPolicy: Always`: a sidecar.
    pub sidecar: bool,
    /// `Waiting`, `Running` or `Terminated`.
    pub state: String,
    /// The waiting or terminated reason: `PodInitializing`, `CrashLoopBackOff`, `Completed`,
    /// `Error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// `Last State: Terminated` with `Reason: Error` and this exit code, once it was restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_exit_code: Option<i32>,
    pub ready: bool,
    pub restart_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionView {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: bool,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentView {
    pub name: String,
    pub namespace: String,
    pub desired: i64,
    /// Active pods of every ReplicaSet.
    pub replicas: i64,
    pub ready: i64,
    pub updated: i64,
    pub available: i64,
    pub revision: u64,
    /// `RollingUpdate 25%/25%` or `Recreate`.
    pub strategy: String,
    pub conditions: Vec<ConditionView>,
    /// `metadata.creationTimestamp` (kubectl's AGE).
    pub created: Millis,
    /// The template's containers and images, and the selector (`kubectl get deploy -o wide`).
    pub containers: Vec<String>,
    pub images: Vec<String>,
    pub selector: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetView {
    pub name: String,
    pub namespace: String,
    pub deployment: Option<String>,
    pub desired: i64,
    pub current: i64,
    pub ready: i64,
    pub revision: u64,
    pub pod_template_hash: String,
    /// `metadata.creationTimestamp` (kubectl's AGE).
    pub created: Millis,
    /// The template's containers and images, and the selector (`kubectl get rs -o wide`).
    pub containers: Vec<String>,
    pub images: Vec<String>,
    pub selector: String,
    /// The pod template (`kubectl rollout history deployment/web --revision=2`).
    pub template: PodTemplateView,
    /// The `kubernetes.io/change-cause` annotation (copied from the Deployment while this was
    /// its newest ReplicaSet): `rollout history`'s CHANGE-CAUSE.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_cause: Option<String>,
}

/// A pod template with what kubectl's `DescribePodTemplate` prints of it (k8s.io/kubectl
/// `pkg/describe/describe.go`), as far as Berth's model keeps it: no environment variables,
/// volume mounts, volumes, commands or service account.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateView {
    pub labels: Labels,
    /// Without `kubectl.kubernetes.io/last-applied-configuration` (describe's `skipAnnotations`).
    pub annotations: Labels,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<ContainerSpecView>,
    pub containers: Vec<ContainerSpecView>,
    /// `describeTopologySpreadConstraints`, by topology key: `topology.kubernetes.io/zone:DoNotSchedule
    /// when max skew 1 is exceeded for selector app=web`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraints: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    pub node_selector: Labels,
    /// `printTolerationsMultilineWithIndent`, by key: `node.kubernetes.io/not-ready:NoExecute
    /// op=Exists for 300s`.
    pub tolerations: Vec<String>,
}

/// One container of a pod template (`describeContainerBasicInfo`, `describeResources`,
/// `describeContainerProbe`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerSpecView {
    pub name: String,
    pub image: String,
    /// `80/TCP`, one per port.
    pub ports: Vec<String>,
    /// `0/TCP` (the host port, 0 when none), one per port.
    pub host_ports: Vec<String>,
    /// (resource, quantity as Kubernetes prints it), sorted by resource name.
    pub limits: Vec<(String, String)>,
    pub requests: Vec<(String, String)>,
    /// `DescribeProbe`: `http-get http://:8080/healthz delay=5s timeout=1s period=10s #success=1 #failure=3`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub startup: Option<String>,
    /// `command` and `args` as written (describe's `Command:` and `Args:`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

/// A DaemonSet as `kubectl get ds` shows it (printers.go `printDaemonSet`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetView {
    pub name: String,
    pub namespace: String,
    /// `desiredNumberScheduled`: nodes that should run the pod.
    pub desired: i64,
    /// `currentNumberScheduled`: its pods (not terminating, not finished).
    pub current: i64,
    pub ready: i64,
    /// `updatedNumberScheduled`: pods of the current template (`controller-revision-hash`).
    pub updated: i64,
    /// `numberAvailable`: ready for `minReadySeconds`.
    pub available: i64,
    /// The template's `nodeSelector` (NODE SELECTOR).
    pub node_selector: Labels,
    pub labels: Labels,
    pub created: Millis,
    /// The template's containers and images, and the selector (`kubectl get ds -o wide`).
    pub containers: Vec<String>,
    pub images: Vec<String>,
    pub selector: String,
    /// The pod template (`kubectl describe pod` of its pods).
    pub template: PodTemplateView,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnschedulableView {
    pub pod: String,
    pub namespace: String,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// The scenario's `kubernetes` section
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SetupSpec {
    #[serde(default)]
    node_groups: Vec<serde_json::Value>,
    #[serde(default)]
    fargate_profiles: Vec<serde_json::Value>,
    #[serde(default)]
    manifests: Vec<serde_json::Value>,
    #[serde(default)]
    scheduler: Option<SchedulerSpec>,
    /// Load generators for Deployments: `{"deployment": "web", "load": {...}}` (`load.rs`).
    #[serde(default)]
    traffic: Vec<serde_json::Value>,
    /// The Cluster Autoscaler (`cluster_autoscaler.rs`).
    #[serde(default)]
    cluster_autoscaler: Option<serde_json::Value>,
    /// A Karpenter-style NodePool (`provisioner.rs`).
    #[serde(default)]
    provisioner: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SchedulerSpec {
    profile: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NodeGroupSpec {
    name: String,
    instance_type: String,
    desired_size: u32,
    #[serde(default)]
    min_size: Option<u32>,
    #[serde(default)]
    max_size: Option<u32>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    taints: Vec<TaintSpec>,
    #[serde(default)]
    capacity_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TaintSpec {
    key: String,
    #[serde(default)]
    value: String,
    effect: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FargateProfileSpec {
    name: String,
    selectors: Vec<FargateSelectorSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FargateSelectorSpec {
    namespace: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

fn typed<T: serde::de::DeserializeOwned>(v: &serde_json::Value, path: &str) -> Result<T, String> {
    serde_json::from_value(v.clone()).map_err(|e| format!("{path}: {e}"))
}

fn parse_effect(s: &str, path: &str) -> Result<TaintEffect, String> {
    match s {
        "NoSchedule" | "NO_SCHEDULE" => Ok(TaintEffect::NoSchedule),
        "PreferNoSchedule" | "PREFER_NO_SCHEDULE" => Ok(TaintEffect::PreferNoSchedule),
        "NoExecute" | "NO_EXECUTE" => Ok(TaintEffect::NoExecute),
        _ => Err(format!("{path}: unknown taint effect {s:?}; use NoSchedule, PreferNoSchedule or NoExecute")),
    }
}

/// `rand.SafeEncodeString`'s alphabet (no vowels, no 0/1/3: no bad words, no look-alikes).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a, 32-bit (Go's `fnv.New32a`).
fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= *b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The `pod-template-hash` of a template: as the deployment controller's `ComputeHash`, FNV-32a of
/// the template then `SafeEncodeString` of its decimal digits (kubernetes/kubernetes
/// `pkg/controller/controller_utils.go`). Upstream hashes Go's `%#v` dump of the object; Berth
/// hashes its own canonical JSON of the template, so the letters differ from a real cluster's but
/// are as stable: the same template always gives the same hash.
pub fn pod_template_hash(t: &PodTemplate) -> String {
    let json = serde_json::to_string(t).unwrap_or_default();
    let digits = fnv32a(json.as_bytes()).to_string();
    digits.bytes().map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char).collect()
}

pub(crate) fn ns_of(meta: &ObjectMeta) -> String {
    meta.namespace.clone().unwrap_or_else(|| "default".into())
}

pub(crate) fn key(ns: &str, name: &str) -> String {
    format!("{ns}/{name}")
}

/// The key of [`KubeState::created`]: `Kind/namespace/name`, `Namespace//name` for a namespace.
pub(crate) fn created_key(kind: &str, ns: &str, name: &str) -> String {
    if kind == "Namespace" {
        format!("Namespace//{name}")
    } else {
        format!("{kind}/{ns}/{name}")
    }
}

impl Engine {
    pub(crate) fn k_rng_names(&mut self) -> Rng {
        self.kube.rng_names.take().unwrap_or_else(|| Rng::derive(self.seed, "k8s-names"))
    }

    /// Five random characters for a generated pod name, from the `k8s-names` stream.
    pub(crate) fn k_random_suffix(&mut self) -> String {
        let mut rng = self.k_rng_names();
        let s: String = (0..5).map(|_| ALPHANUMS[rng.pick(ALPHANUMS.len())] as char).collect();
        self.kube.rng_names = Some(rng);
        s
    }

    pub(crate) fn k_next_seq(&mut self) -> u64 {
        self.kube.seq += 1;
        self.kube.seq
    }

    /// Set up the Kubernetes side from the scenario's `kubernetes` section (manifests given as
    /// files are already inlined as strings by the scenario reader).
    pub(crate) fn kube_setup(&mut self, spec: &serde_json::Value) -> Result<(), String> {
        let spec: SetupSpec = serde_json::from_value(spec.clone()).map_err(|e| e.to_string())?;
        self.kube.enabled = true;
        self.kube.namespaces.entry("default".into()).or_default();
        self.kube.namespaces.entry("kube-system".into()).or_default();
        self.kube.profile = Some(match spec.scheduler.as_ref().map(|s| s.profile.as_str()) {
            None | Some("default-scheduler") => Profile::default_scheduler(),
            Some("bin-packing") | Some("bin-packing-scheduler") => Profile::bin_packing(),
            Some(other) => return Err(format!("scheduler.profile: unknown profile {other:?}; use \"default-scheduler\" (LeastAllocated) or \"bin-packing\" (MostAllocated)")),
        });
        let mut total = 0usize;
        for (i, v) in spec.node_groups.iter().enumerate() {
            let path = format!("nodeGroups[{i}]");
            let g: NodeGroupSpec = typed(v, &path)?;
            if crate::engine::catalog::lookup(&g.instance_type).is_none() {
                return Err(format!("{path}.instanceType: {}", crate::engine::catalog::suggest(&g.instance_type)));
            }
            let min = g.min_size.unwrap_or(0);
            let max = g.max_size.unwrap_or(g.desired_size.max(min));
            if min > max || g.desired_size < min || g.desired_size > max {
                return Err(format!("{path}: need minSize ≤ desiredSize ≤ maxSize; got {min} ≤ {} ≤ {max}", g.desired_size));
            }
            if self.kube.node_groups.iter().any(|n| n.name == g.name) {
                return Err(format!("{path}.name: node group {:?} is defined twice", g.name));
            }
            total += g.desired_size as usize;
            if total > MAX_NODES {
                return Err(format!("{path}.desiredSize: at most {MAX_NODES} nodes in all"));
            }
            let spot = match g.capacity_type.as_deref() {
                None | Some("ON_DEMAND") => false,
                Some("SPOT") => true,
                Some(o) => return Err(format!("{path}.capacityType: {o:?} is not ON_DEMAND or SPOT")),
            };
            let mut taints = Vec::new();
            for (j, t) in g.taints.iter().enumerate() {
                taints.push(Taint { key: t.key.clone(), value: t.value.clone(), effect: parse_effect(&t.effect, &format!("{path}.taints[{j}].effect"))? });
            }
            let group = NodeGroup { name: g.name.clone(), instance_type: g.instance_type.clone(), min, max, desired: g.desired_size, labels: g.labels, taints, spot };
            self.kube.node_groups.push(group.clone());
            for _ in 0..g.desired_size {
                self.k_add_node(&group)?;
            }
        }
        for (i, v) in spec.fargate_profiles.iter().enumerate() {
            let path = format!("fargateProfiles[{i}]");
            let p: FargateProfileSpec = typed(v, &path)?;
            if p.selectors.is_empty() || p.selectors.len() > 5 {
                return Err(format!("{path}.selectors: a Fargate profile has 1 to 5 selectors; got {}", p.selectors.len()));
            }
            let zones = if self.config.fargate_azs.is_empty() { self.config.azs.clone() } else { self.config.fargate_azs.clone() };
            self.kube.fargate_profiles.push(FargateProfile {
                name: p.name,
                selectors: p.selectors.into_iter().map(|s| FargateSelector { namespace: s.namespace, labels: s.labels }).collect(),
                zones,
            });
        }
        for (i, m) in spec.manifests.iter().enumerate() {
            let text = m.as_str().ok_or_else(|| format!("manifests[{i}]: a manifest is a YAML string or {{\"file\": \"web.yaml\"}}"))?;
            self.k_apply_text(text, &format!("manifests[{i}]"))?;
        }
        self.k_setup_traffic(&spec.traffic)?;
        if let Some(ca) = &spec.cluster_autoscaler {
            self.k_setup_cluster_autoscaler(ca)?;
        }
        if let Some(p) = &spec.provisioner {
            self.k_setup_provisioner(p)?;
        }
        self.kube_reconcile();
        Ok(())
    }

    /// The zone (index into the cluster's zones) a node group launches its next node in: the one
    /// with the fewest of the group's nodes, the first such zone on a tie. A managed node group
    /// is an EC2 Auto Scaling group, which "maintains an equal number of instances across enabled
    /// Availability Zones" (Amazon EC2 Auto Scaling User Guide, "Auto Scaling group Availability
    /// Zone distribution"): a group filled from empty goes a, b, c, a, …, and a node lost in one
    /// zone is replaced in that zone. The ECS side's groups do the same (`capacity.rs`).
    pub(crate) fn k_next_zone(&self, group: &str) -> usize {
        let azs = &self.config.azs;
        let mut count = vec![0usize; azs.len()];
        for m in self.kube.node_meta.values().filter(|m| m.nodegroup == group && !m.fargate) {
            if let Some(i) = azs.iter().position(|z| *z == m.zone) {
                count[i] += 1;
            }
        }
        (0..count.len()).min_by_key(|&i| count[i]).unwrap_or(0)
    }

    /// Adds one node of a group, in the zone [`Self::k_next_zone`] picks, named as EKS names EC2
    /// nodes: the private DNS name `ip-10-0-<AZ index + 1>-<host>.ec2.internal` (us-east-1) or
    /// `....<region>.compute.internal`.
    pub(crate) fn k_add_node(&mut self, g: &NodeGroup) -> Result<String, String> {
        let azs = self.config.azs.clone();
        if azs.is_empty() {
            return Err("the cluster has no Availability Zones".into());
        }
        let a = self.k_next_zone(&g.name);
        let host = self.kube.hosts.entry(a).or_insert(10);
        let h = *host;
        *host += 1;
        let domain = if self.config.region == "us-east-1" { "ec2.internal".to_string() } else { format!("{}.compute.internal", self.config.region) };
        let name = format!("ip-10-0-{}-{h}.{domain}", a + 1);
        let zone = azs[a].clone();
        let mut node = Node::eks(&name, &g.instance_type, &zone, &g.name, g.spot)?;
        for (k, v) in &g.labels {
            node.labels.insert(k.clone(), v.clone());
        }
        node.taints = g.taints.clone();
        self.emit(EventKind::KubeNodeReady {
            node: name.clone(),
            zone: zone.clone(),
            instance_type: g.instance_type.clone(),
            nodegroup: g.name.clone(),
            allocatable_cpu: fmt_milli(node.allocatable.cpu_milli),
            allocatable_memory: fmt_bytes(node.allocatable.memory),
            max_pods: node.allocatable.pods,
        });
        let purchase = if g.spot { crate::engine::pricing::Purchase::Spot } else { crate::engine::pricing::Purchase::OnDemand };
        let hourly_usd = crate::engine::pricing::ec2_hourly(&g.instance_type, purchase).unwrap_or(0.0);
        let launched_at = self.now();
        self.kube.node_meta.insert(
            name.clone(),
            NodeMeta { zone, instance_type: g.instance_type.clone(), nodegroup: g.name.clone(), capacity_type: if g.spot { "SPOT".into() } else { "ON_DEMAND".into() }, fargate: false, launched_at, hourly_usd },
        );
        self.kube.nodes.push(node);
        self.kube.version += 1;
        Ok(name)
    }

    /// A node leaves the cluster (its pods must already be gone): its bill is closed
    /// (`cost.rs`) and every trace of it is removed.
    pub(crate) fn k_forget_node(&mut self, name: &str) {
        self.bill_kube_node_end(name);
        self.kube.nodes.retain(|n| n.name != name);
        self.kube.node_meta.remove(name);
        self.kube.draining.remove(name);
    }

    /// Parses a manifest and applies every object; errors keep their line:col.
    pub(crate) fn k_apply_text(&mut self, text: &str, label: &str) -> Result<Vec<String>, String> {
        let m = super::manifest::parse(text);
        if m.has_errors() {
            let lines: Vec<String> = m
                .errors()
                .iter()
                .map(|d| if d.path.is_empty() { format!("{label} {}:{}: {}", d.pos.line, d.pos.col, d.message) } else { format!("{label} {}:{}: {}: {}", d.pos.line, d.pos.col, d.path, d.message) })
                .collect();
            return Err(lines.join("\n"));
        }
        let objects: Vec<Object> = m.objects.into_iter().map(|p| p.object).collect();
        self.k_apply(objects)
    }

    /// `kubectl apply`: namespaces, policies and config first, then workloads, in file order.
    pub(crate) fn k_apply(&mut self, objects: Vec<Object>) -> Result<Vec<String>, String> {
        let mut done = Vec::new();
        let (first, rest): (Vec<Object>, Vec<Object>) = objects.into_iter().partition(|o| {
            matches!(
                o,
                Object::Namespace(_) | Object::ResourceQuota(_) | Object::LimitRange(_) | Object::ConfigMap(_) | Object::Secret(_) | Object::PodDisruptionBudget(_) | Object::Service(_) | Object::NetworkPolicy(_) | Object::PriorityClass(_)
            )
        });
        for o in first.into_iter().chain(rest) {
            let kind = o.kind();
            let ns = ns_of(o.meta());
            let name = o.meta().name.clone();
            let existed = self.k_exists(kind, &ns, &name);
            if !matches!(o, Object::Namespace(_)) && !self.kube.namespaces.contains_key(&ns) {
                return Err(format!("Error from server (NotFound): error when creating {kind} {name:?}: namespaces {ns:?} not found"));
            }
            match o {
                Object::Namespace(n) => {
                    self.kube.namespaces.insert(n.meta.name.clone(), n.meta.labels.clone());
                }
                Object::Deployment(d) => self.k_apply_deployment(d, &ns),
                Object::ReplicaSet(rs) => {
                    let k = key(&ns, &rs.meta.name);
                    let hash = pod_template_hash(&rs.template);
                    let seq = self.k_next_seq();
                    match self.kube.replica_sets.get_mut(&k) {
                        Some(existing) => existing.rs = rs,
                        None => {
                            self.kube.replica_sets.insert(k, RsState { rs, namespace: ns.clone(), seq, deployment: None, revision: 0, hash, create_error: None });
                        }
                    }
                }
                Object::DaemonSet(ds) => {
                    let k = key(&ns, &ds.meta.name);
                    let hash = pod_template_hash(&ds.template);
                    self.kube.daemon_sets.insert(k, DsState { ds, namespace: ns.clone(), hash });
                }
                Object::Job(job) => self.k_apply_job(job, &ns),
                Object::Service(svc) => {
                    self.k_apply_service(svc, &ns)?;
                    // A new selector changes the default topology spread of matching pods.
                    self.kube.version += 1;
                }
                Object::Pod(p) => {
                    let k = key(&ns, &p.meta.name);
                    if !self.kube.pods.contains_key(&k) {
                        self.k_create_pod(p, &ns, None, 0).map_err(|e| format!("Error from server (Forbidden): error when creating pod: {e}"))?;
                    }
                }
                other => {
                    self.kube.objects.insert(format!("{kind}/{ns}/{name}"), other);
                    // A new quota or limit may unblock a ReplicaSet.
                    self.kube.version += 1;
                    self.k_hpa_started();
                }
            }
            if !existed {
                let now = self.now();
                self.kube.created.insert(created_key(kind, &ns, &name), now);
            }
            done.push(format!("{}/{name}", kind.to_lowercase()));
        }
        Ok(done)
    }

    /// When an object was created (0 for the scenario's own objects and unknown ones).
    pub(crate) fn k_created(&self, kind: &str, ns: &str, name: &str) -> Millis {
        self.kube.created.get(&created_key(kind, ns, name)).copied().unwrap_or(0)
    }

    fn k_apply_deployment(&mut self, d: Deployment, ns: &str) {
        let k = key(ns, &d.meta.name);
        let now = self.now();
        let seq = self.k_next_seq();
        match self.kube.deployments.get_mut(&k) {
            Some(existing) => {
                if existing.d.template != d.template {
                    existing.progress_at = now;
                }
                existing.d = d;
            }
            None => {
                self.kube.deployments.insert(
                    k,
                    DeploymentState { d, namespace: ns.to_string(), seq, progress_at: now, progress_sig: (0, 0, 0, String::new()), progressing: (true, "NewReplicaSetCreated".into()), complete_revision: 0, deadline_revision: 0 },
                );
            }
        }
    }

    /// Creates a pod through admission (LimitRange defaults, ResourceQuota); returns its name.
    pub(crate) fn k_create_pod(&mut self, mut pod: Pod, ns: &str, owner: Option<(String, String)>, revision: u64) -> Result<String, String> {
        if self.kube.pods.len() >= MAX_PODS {
            return Err(format!("Berth keeps at most {MAX_PODS} pods"));
        }
        pod.meta.namespace = Some(ns.to_string());
        self.k_admit(&mut pod, ns)?;
        let name = pod.meta.name.clone();
        let seq = self.k_next_seq();
        let owner_text = owner.as_ref().map(|(k, n)| format!("{k}/{n}")).unwrap_or_default();
        let state = PodState {
            pod,
            namespace: ns.to_string(),
            seq,
            created: self.now(),
            owner,
            revision,
            node: None,
            phase: PodPhase::Pending,
            status: "Pending".into(),
            ready: false,
            ready_since: None,
            started_at: None,
            restarts: 0,
            backoffs: 0,
            pull_failures: 0,
            gen: 0,
            terminating: false,
            tried_version: None,
            message: None,
            decision: None,
            nominated: None,
            init_done: Vec::new(),
            init_failing: None,
            init_restarts: 0,
            init_backoffs: 0,
            init_last_exit: None,
            exit_code: None,
            init_started: Vec::new(),
            pulls: Vec::new(),
            last_restart: None,
        };
        self.kube.pods.insert(key(ns, &name), state);
        self.emit(EventKind::PodCreated { pod: name.clone(), namespace: ns.to_string(), owner: owner_text });
        Ok(name)
    }

    pub(crate) fn k_push(&mut self, after: Millis, item: KubeItem) {
        let at = self.now() + after;
        self.push(at, Item::Kube(item));
    }

    pub(crate) fn kube_process(&mut self, item: KubeItem) {
        match item {
            KubeItem::Pod { pod, gen, step } => self.k_pod_step(&pod, gen, step),
            KubeItem::Wake => {}
            KubeItem::DrainRetry { node } => self.k_drain_pass(&node),
            KubeItem::HpaSync => self.k_hpa_sync(),
            KubeItem::CaScan => self.k_ca_scan(),
            KubeItem::CaNodeJoin { group } => self.k_ca_node_join(&group),
            KubeItem::ProvScan => self.k_prov_scan(),
            KubeItem::ProvNodeJoin { instance_type, spot } => self.k_prov_join(&instance_type, spot),
            KubeItem::ProvReplacementJoin { instance_type, spot, replaces } => self.k_prov_replacement_join(&instance_type, spot, &replaces),
            KubeItem::TaintEviction { node } => self.k_taint_eviction(&node),
            KubeItem::SpotReclaim { node } => self.k_spot_reclaim(&node),
            // The check itself runs in `kube_reconcile`, after this step.
            KubeItem::KubeletHousekeeping => self.kube.pressure_ticking = false,
        }
    }

    /// Called after every step, like the ECS service scheduler: controllers until nothing
    /// changes (bounded), then the scheduler, then rollout conditions.
    pub(crate) fn kube_reconcile(&mut self) {
        if !self.kube.enabled {
            return;
        }
        // The kubelets' eviction managers first: evicted pods are replaced in this same pass.
        self.k_pressure_check();
        for _ in 0..32 {
            let mut changed = self.k_sync_deployments();
            changed |= self.k_sync_replica_sets();
            changed |= self.k_sync_daemon_sets();
            changed |= self.k_sync_jobs();
            changed |= self.k_schedule_pending();
            if !changed {
                break;
            }
        }
        self.k_deployment_status();
        self.k_drain_check();
        self.k_track_endpoints();
        self.k_check_calls();
    }

    /// Pods bound to nodes that still hold resources (everything but finished pods).
    pub(crate) fn k_placed(&self) -> Vec<PlacedPod> {
        self.kube.pods.values().filter_map(|p| p.node.as_ref().filter(|_| !p.terminal()).map(|n| PlacedPod { pod: p.pod.clone(), node: n.clone() })).collect()
    }

    /// The selector the system default spread constraints use for a pod: its ReplicaSet's, else
    /// the first Service that selects it.
    pub(crate) fn k_default_selector(&self, p: &PodState) -> Option<LabelSelector> {
        if let Some((kind, name)) = &p.owner {
            if kind == "ReplicaSet" {
                return self.kube.replica_sets.get(&key(&p.namespace, name)).map(|r| r.rs.selector.clone());
            }
            return None;
        }
        self.kube.objects.values().find_map(|o| match o {
            Object::Service(s) if ns_of(&s.meta) == p.namespace && !s.selector.is_empty() && s.selector.iter().all(|(k, v)| p.pod.meta.labels.get(k) == Some(v)) => {
                Some(LabelSelector { match_labels: s.selector.clone(), match_expressions: Vec::new() })
            }
            _ => None,
        })
    }

    /// One scheduling cycle per pending pod, oldest first. Returns true if a pod was bound.
    fn k_schedule_pending(&mut self) -> bool {
        let version = self.kube.version;
        let mut pending: Vec<(i64, u64, String)> = self
            .kube
            .pods
            .iter()
            .filter(|(_, p)| p.node.is_none() && p.active() && p.tried_version != Some(version))
            .map(|(k, p)| (-(p.pod.spec.priority.unwrap_or(0) as i64), p.seq, k.clone()))
            .collect();
        if pending.is_empty() {
            return false;
        }
        // PrioritySort (the default QueueSort): higher priority first, then the oldest.
        sort::sort(&mut pending);
        let profile = self.kube.profile.clone().unwrap_or_else(Profile::default_scheduler);
        let mut placed = self.k_placed();
        let mut bound = false;
        let mut rng = self.kube.rng_tie.take().unwrap_or_else(|| Rng::derive(self.seed, "k8s-tie-break"));
        for (_, _, k) in pending {
            let Some(p) = self.kube.pods.get(&k).cloned() else { continue };
            // Fargate profiles capture matching pods before the default scheduler sees them.
            if let Some(fp) = fargate_profile_for(&self.kube.fargate_profiles, &p.namespace, &p.pod.meta.labels).cloned() {
                match fargate_size(&p.pod) {
                    Ok(size) => {
                        let idx = self.kube.node_meta.values().filter(|m| m.fargate).count() + p.seq as usize;
                        // Zones that are down (disruption.rs) get no new Fargate pods.
                        let up: Vec<usize> = (0..fp.zones.len()).filter(|i| fp.zones.get(*i).is_some_and(|z| !self.kube.down_zones.contains(z))).collect();
                        let zi = if up.len() == fp.zones.len() { idx % fp.zones.len().max(1) } else { up.get(idx % up.len().max(1)).copied().unwrap_or(0) };
                        let zone = fp.zones.get(zi).cloned().unwrap_or_default();
                        let host = 100 + self.kube.seq;
                        let name = format!("fargate-ip-10-0-{}-{host}.ec2.internal", zi + 1);
                        let mut node = fargate_node(&name, &zone, &size);
                        node.taints.push(Taint::new("eks.amazonaws.com/compute-type", "fargate", TaintEffect::NoSchedule));
                        self.kube.node_meta.insert(name.clone(), NodeMeta { zone, instance_type: format!("fargate {}", size.explanation.rsplit("size ").next().unwrap_or("")), nodegroup: fp.name.clone(), capacity_type: "FARGATE".into(), fargate: true, launched_at: self.now(), hourly_usd: crate::engine::pricing::fargate_hourly(size.cpu_units, size.memory_mib, crate::engine::pricing::Purchase::OnDemand) });
                        self.emit(EventKind::KubeNodeReady {
                            node: name.clone(),
                            zone: node.labels.get(LABEL_ZONE).cloned().unwrap_or_default(),
                            instance_type: "fargate".into(),
                            nodegroup: fp.name.clone(),
                            allocatable_cpu: fmt_milli(node.allocatable.cpu_milli),
                            allocatable_memory: fmt_bytes(node.allocatable.memory),
                            max_pods: 1,
                        });
                        self.kube.nodes.push(node);
                        let why = format!("fargate-scheduler, profile {}: {}", fp.name, size.explanation);
                        self.k_bind(&k, &name, why, None);
                        placed.push(PlacedPod { pod: p.pod.clone(), node: name });
                        bound = true;
                    }
                    Err(e) => {
                        if let Some(ps) = self.kube.pods.get_mut(&k) {
                            ps.tried_version = Some(version);
                            ps.message = Some(e.clone());
                        }
                        self.emit(EventKind::PodFailedScheduling { pod: p.name().to_string(), namespace: p.namespace.clone(), message: e });
                    }
                }
                continue;
            }
            let selector = self.k_default_selector(&p);
            let cluster = Cluster { pods: &placed, namespaces: &self.kube.namespaces, default_spread_selector: selector.as_ref() };
            let result = scheduler::schedule_from(&p.pod, &self.kube.nodes, &cluster, &profile, self.kube.next_start, &mut rng);
            self.kube.next_start = result.next_start_index;
            match result.outcome.clone() {
                Outcome::Scheduled { node, .. } => {
                    let why = why_here(&result, &node);
                    if let Some(ps) = self.kube.pods.get_mut(&k) {
                        ps.nominated = None;
                    }
                    placed.push(PlacedPod { pod: p.pod.clone(), node: node.clone() });
                    self.k_bind(&k, &node, why, Some(result));
                    bound = true;
                }
                Outcome::Unschedulable { message } => {
                    // PostFilter: DefaultPreemption (`preemption.rs`).
                    let message = self.k_preempt(&k, &placed, &profile, &result, &message);
                    if let Some(ps) = self.kube.pods.get_mut(&k) {
                        ps.tried_version = Some(version);
                        ps.message = Some(message.clone());
                        ps.decision = Some(result);
                    }
                    self.emit(EventKind::PodFailedScheduling { pod: p.name().to_string(), namespace: p.namespace.clone(), message });
                }
            }
        }
        self.kube.rng_tie = Some(rng);
        bound
    }

    /// Why the scheduler placed a pod where it is (every node's filters and scores), for the UI.
    /// `name` is `namespace/name` or a pod name (first match in namespace order).
    pub fn explain_pod(&self, name: &str) -> Option<ScheduleResult> {
        let p = self.kube.pods.get(name).or_else(|| self.kube.pods.values().find(|p| p.name() == name))?;
        p.decision.clone()
    }

    /// `None` when the scenario has no Kubernetes.
    pub(crate) fn kube_snapshot(&self) -> Option<KubeView> {
        if !self.kube.enabled {
            return None;
        }
        let now = self.now();
        let k = &self.kube;
        let pressure_possible = self.k_pressure_possible();
        let node_memory = if pressure_possible { self.k_node_memory(now) } else { BTreeMap::new() };
        let nodes = k
            .nodes
            .iter()
            .map(|n| {
                let meta = k.node_meta.get(&n.name);
                let here: Vec<&PodState> = k.pods.values().filter(|p| p.node.as_deref() == Some(n.name.as_str()) && !p.terminal()).collect();
                let (cpu, mem) = here.iter().map(|p| scheduler::pod_requests(&p.pod.spec, false)).fold((0, 0), |(a, b), (c, m)| (a + c, b + m));
                NodeView {
                    name: n.name.clone(),
                    zone: meta.map(|m| m.zone.clone()).unwrap_or_default(),
                    instance_type: meta.map(|m| m.instance_type.clone()).unwrap_or_default(),
                    nodegroup: meta.map(|m| m.nodegroup.clone()).unwrap_or_default(),
                    capacity_type: meta.map(|m| m.capacity_type.clone()).unwrap_or_default(),
                    fargate: n.fargate,
                    allocatable_cpu_milli: n.allocatable.cpu_milli,
                    allocatable_memory: n.allocatable.memory,
                    max_pods: n.allocatable.pods,
                    requested_cpu_milli: cpu,
                    requested_memory: mem,
                    pods: here.iter().map(|p| key(&p.namespace, p.name())).collect(),
                    taints: n.taints.iter().map(|t| if t.value.is_empty() { format!("{}:{}", t.key, t.effect.as_str()) } else { format!("{}={}:{}", t.key, t.value, t.effect.as_str()) }).collect(),
                    unschedulable: n.unschedulable,
                    labels: n.labels.clone(),
                    conditions: if k.pressure.contains_key(&n.name) { vec!["MemoryPressure".to_string()] } else { Vec::new() },
                    memory_available: node_memory.get(&n.name).map(|m| m.available),
                    created: meta.map(|m| m.launched_at).unwrap_or(0),
                }
            })
            .collect();
        let mut pod_list: Vec<&PodState> = k.pods.values().collect();
        sort::sort_by_key(&mut pod_list, |p| p.seq);
        let loads = self.k_pod_loads(now);
        let pods = pod_list
            .iter()
            .map(|p| {
                let (cpu, mem) = scheduler::pod_requests(&p.pod.spec, false);
                PodView {
                    name: p.name().to_string(),
                    namespace: p.namespace.clone(),
                    template: p.owner.is_none().then(|| template_view(&PodTemplate { meta: p.pod.meta.clone(), spec: p.pod.spec.clone() })),
                    node: p.node.clone(),
                    phase: p.phase,
                    status: pod_status(p, now),
                    ready: p.ready,
                    containers: (p.pod.spec.containers.len() + p.pod.spec.sidecars.len()) as u32,
                    ready_containers: ready_containers(p, now),
                    restarts: if initializing(p, now) { p.init_restarts } else { p.restarts },
                    exit_code: p.exit_code,
                    init_started: p.init_started.clone(),
                    pulls: p.pulls.clone(),
                    last_restart: if initializing(p, now) { p.init_last_exit.filter(|_| p.init_restarts > 0).map(|(t, _)| t) } else { p.last_restart },
                    init_containers: init_views(p, now),
                    qos: super::qos::qos_class(&p.pod.spec).as_str().to_string(),
                    owner: p.owner.as_ref().map(|(k, n)| format!("{k}/{n}")),
                    requests_cpu_milli: cpu,
                    requests_memory: mem,
                    requests_cpu_working: p.pod.spec.effective_working(&|c| c.resources.requests.cpu_milli.unwrap_or(0), &|m| format!("{m}m")).map(|w| match p.pod.spec.overhead.cpu_milli {
                        Some(o) if o > 0 => format!("{w} + overhead {o}m"),
                        _ => w,
                    }),
                    labels: p.pod.meta.labels.clone(),
                    created: p.created,
                    cpu_usage_milli: if !self.k_has_loads() {
                        None
                    } else {
                        Some(loads.get(&key(&p.namespace, p.name())).map(|l| l.cpu_milli).unwrap_or(0))
                    },
                    nominated_node: p.nominated.clone(),
                    priority: p.pod.spec.priority.filter(|v| *v != 0),
                    cpu_throttled: loads.get(&key(&p.namespace, p.name())).filter(|l| l.throttled).map(|l| {
                        format!(
                            "CPU throttled: {:.1} requests/s need {}, the CPU limit is {} (CFS quota): the container gets {} and its requests queue",
                            l.rps,
                            fmt_milli(l.demand_milli),
                            fmt_milli(l.cap_milli),
                            fmt_milli(l.cap_milli)
                        )
                    }),
                    memory_working_set: if pressure_possible {
                        let pk = key(&p.namespace, p.name());
                        self.k_pod_memory(&pk, now, loads.get(&pk).map(|l| l.rps).unwrap_or(0.0))
                    } else {
                        None
                    },
                }
            })
            .collect();
        let deployments = k.deployments.iter().map(|(dk, d)| self.k_deployment_view(dk, d, now)).collect();
        let mut rs_list: Vec<&RsState> = k.replica_sets.values().collect();
        sort::sort_by_key(&mut rs_list, |r| r.seq);
        let replica_sets = rs_list
            .iter()
            .map(|r| {
                let owned: Vec<&PodState> = k.pods.values().filter(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &r.rs.meta.name) && p.active()).collect();
                ReplicaSetView {
                    name: r.rs.meta.name.clone(),
                    namespace: r.namespace.clone(),
                    deployment: r.deployment.as_ref().map(|d| d.rsplit('/').next().unwrap_or(d).to_string()),
                    desired: r.rs.replicas,
                    current: owned.len() as i64,
                    ready: owned.iter().filter(|p| p.ready).count() as i64,
                    revision: r.revision,
                    pod_template_hash: r.hash.clone(),
                    created: self.k_created("ReplicaSet", &r.namespace, &r.rs.meta.name),
                    containers: r.rs.template.spec.containers.iter().map(|c| c.name.clone()).collect(),
                    images: r.rs.template.spec.containers.iter().map(|c| c.image.clone()).collect(),
                    selector: r.rs.selector.to_text(),
                    template: template_view(&r.rs.template),
                    change_cause: r.rs.meta.annotations.get(CHANGE_CAUSE).cloned(),
                }
            })
            .collect();
        let daemon_sets = k
            .daemon_sets
            .values()
            .map(|d| {
                let owned: Vec<&PodState> = k.pods.values().filter(|p| p.namespace == d.namespace && p.owned_by("DaemonSet", &d.ds.meta.name) && p.active()).collect();
                DaemonSetView {
                    name: d.ds.meta.name.clone(),
                    namespace: d.namespace.clone(),
                    desired: self.k_daemon_nodes(d).len() as i64,
                    current: owned.len() as i64,
                    ready: owned.iter().filter(|p| p.ready).count() as i64,
                    updated: owned.iter().filter(|p| p.pod.meta.labels.get("controller-revision-hash") == Some(&d.hash)).count() as i64,
                    available: owned.iter().filter(|p| p.available(now, d.ds.min_ready_seconds)).count() as i64,
                    node_selector: d.ds.template.spec.node_selector.clone(),
                    labels: d.ds.meta.labels.clone(),
                    created: self.k_created("DaemonSet", &d.namespace, &d.ds.meta.name),
                    containers: d.ds.template.spec.containers.iter().map(|c| c.name.clone()).collect(),
                    images: d.ds.template.spec.containers.iter().map(|c| c.image.clone()).collect(),
                    selector: d.ds.selector.to_text(),
                    template: template_view(&d.ds.template),
                }
            })
            .collect();
        let unschedulable = pod_list
            .iter()
            .filter(|p| p.node.is_none() && p.active())
            .filter_map(|p| p.message.as_ref().map(|m| UnschedulableView { pod: p.name().to_string(), namespace: p.namespace.clone(), message: m.clone() }))
            .collect();
        let scheduler = match &k.profile {
            Some(p) if p.scheduler_name == "bin-packing-scheduler" => "bin-packing".to_string(),
            _ => "default-scheduler".to_string(),
        };
        let hpas = k
            .objects
            .iter()
            .filter_map(|(ok, o)| match o {
                Object::HorizontalPodAutoscaler(h) => Some((ok, h)),
                _ => None,
            })
            .map(|(ok, h)| {
                let ns = ns_of(&h.meta);
                HpaView {
                    name: h.meta.name.clone(),
                    namespace: ns.clone(),
                    reference: format!("{}/{}", h.scale_target_ref.kind, h.scale_target_ref.name),
                    target_utilization: super::horizontal::cpu_target(h),
                    current_utilization: k.hpas.get(ok).and_then(|r| r.last).map(|(u, _)| u).filter(|u| *u >= 0),
                    min_replicas: h.min_replicas,
                    max_replicas: h.max_replicas,
                    replicas: k.deployments.get(&key(&ns, &h.scale_target_ref.name)).map(|d| d.d.replicas).unwrap_or(0),
                    targets: k.hpas.get(ok).map(|r| r.targets.clone()).unwrap_or_default(),
                    conditions: k.hpas.get(ok).map(|r| r.conditions.clone()).unwrap_or_default(),
                    created: self.k_created("HorizontalPodAutoscaler", &ns, &h.meta.name),
                }
            })
            .collect();
        let services = self.k_service_views();
        let endpoint_changes = k.services.changes.iter().cloned().collect();
        let jobs = self.k_job_views();
        let calls = self.k_call_views(now);
        let offered_rps = (!k.loads.is_empty() || !k.service_loads.is_empty())
            .then(|| k.loads.values().chain(k.service_loads.values()).map(|l| l.rps_at(now)).sum::<f64>());
        let pdbs = k
            .objects
            .values()
            .filter_map(|o| match o {
                Object::PodDisruptionBudget(b) => Some(b),
                _ => None,
            })
            .map(|b| {
                let ns = ns_of(&b.meta);
                let st = self.k_pdb_status(b);
                let (min_available, max_unavailable) = match &b.budget {
                    DisruptionBudget::MinAvailable(v) => (Some(v.to_string()), None),
                    DisruptionBudget::MaxUnavailable(v) => (None, Some(v.to_string())),
                };
                PdbView {
                    name: b.meta.name.clone(),
                    created: self.k_created("PodDisruptionBudget", &ns, &b.meta.name),
                    namespace: ns,
                    min_available,
                    max_unavailable,
                    disruptions_allowed: (st.current_healthy - st.desired_healthy).max(0),
                    current_healthy: st.current_healthy,
                    desired_healthy: st.desired_healthy,
                    expected_pods: st.expected_pods,
                    selector: b.selector.to_text(),
                    labels: b.meta.labels.clone(),
                }
            })
            .collect();
        let namespaces = k.namespaces.keys().map(|n| (n.clone(), self.k_created("Namespace", "", n))).collect();
        let other_objects = k
            .objects
            .values()
            .filter_map(|o| match o {
                Object::NetworkPolicy(_) | Object::ResourceQuota(_) | Object::LimitRange(_) | Object::ConfigMap(_) | Object::Secret(_) => Some(format!("{}/{}/{}", o.kind(), ns_of(o.meta()), o.meta().name)),
                Object::PriorityClass(_) => Some(format!("PriorityClass//{}", o.meta().name)),
                _ => None,
            })
            .collect();
        Some(KubeView { scheduler, nodes, pods, deployments, replica_sets, daemon_sets, unschedulable, hpas, services, endpoint_changes, jobs, calls, offered_rps, pdbs, namespaces, other_objects })
    }
}

/// The annotation `kubectl rollout history` reads for CHANGE-CAUSE.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// A pod template as kubectl's `DescribePodTemplate` prints it (see [`PodTemplateView`]).
pub(crate) fn template_view(t: &PodTemplate) -> PodTemplateView {
    let mut annotations = t.meta.annotations.clone();
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    let mut spread: Vec<&TopologySpreadConstraint> = t.spec.topology_spread_constraints.iter().collect();
    sort::sort_by(&mut spread, |a, b| a.topology_key.cmp(&b.topology_key));
    let mut tolerations: Vec<&Toleration> = t.spec.tolerations.iter().collect();
    sort::sort_by(&mut tolerations, |a, b| a.key.cmp(&b.key));
    PodTemplateView {
        labels: t.meta.labels.clone(),
        annotations,
        init_containers: t.spec.init_containers.iter().map(container_view).collect(),
        containers: t.spec.containers.iter().map(container_view).collect(),
        topology_spread_constraints: spread
            .iter()
            .map(|c| {
                let when = match c.when_unsatisfiable {
                    WhenUnsatisfiable::DoNotSchedule => "DoNotSchedule",
                    WhenUnsatisfiable::ScheduleAnyway => "ScheduleAnyway",
                };
                let mut s = format!("{}:{when} when max skew {} is exceeded", c.topology_key, c.max_skew);
                if let Some(sel) = &c.label_selector {
                    let text = if sel.match_labels.is_empty() && sel.match_expressions.is_empty() { "<none>".to_string() } else { sel.to_text() };
                    s.push_str(&format!(" for selector {text}"));
                }
                s
            })
            .collect(),
        priority_class_name: t.spec.priority_class_name.clone().filter(|n| !n.is_empty()),
        node_selector: t.spec.node_selector.clone(),
        tolerations: tolerations
            .iter()
            .map(|t| {
                let mut s = t.key.clone();
                if !t.value.is_empty() {
                    s.push_str(&format!("={}", t.value));
                }
                if let Some(e) = t.effect {
                    s.push_str(&format!(":{}", e.as_str()));
                }
                // An empty key with Exists tolerates everything.
                if t.operator == TolerationOp::Exists && t.value.is_empty() {
                    s.push_str(if t.key.is_empty() && t.effect.is_none() { "op=Exists" } else { " op=Exists" });
                }
                if let Some(secs) = t.toleration_seconds {
                    s.push_str(&format!(" for {secs}s"));
                }
                s
            })
            .collect(),
    }
}

fn container_view(c: &Container) -> ContainerSpecView {
    ContainerSpecView {
        name: c.name.clone(),
        image: c.image.clone(),
        ports: c.ports.iter().map(|p| format!("{}/{}", p.container_port, p.protocol.as_str())).collect(),
        host_ports: c.ports.iter().map(|p| format!("{}/{}", p.host_port.unwrap_or(0), p.protocol.as_str())).collect(),
        limits: resource_list(&c.resources.limits),
        requests: resource_list(&c.resources.requests),
        liveness: c.liveness_probe.as_ref().map(probe_text),
        readiness: c.readiness_probe.as_ref().map(probe_text),
        startup: c.startup_probe.as_ref().map(probe_text),
        command: c.command.clone(),
        args: c.args.clone(),
    }
}

/// (name, quantity) sorted by name (describe's `SortedResourceNames`), quantities in canonical
/// form: `250m`, `1`, `256Mi`, `1G`.
fn resource_list(r: &ResourceList) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(c) = r.cpu_milli {
        out.push(("cpu".into(), fmt_milli(c)));
    }
    if let Some(m) = r.memory {
        out.push(("memory".into(), fmt_quantity_bytes(m)));
    }
    if let Some(e) = r.ephemeral_storage {
        out.push(("ephemeral-storage".into(), fmt_quantity_bytes(e)));
    }
    out.extend(r.extended.iter().map(|(k, v)| (k.clone(), v.to_string())));
    sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
    out
}

/// Bytes as a quantity prints: the largest binary unit that divides them (`512Mi`), else the
/// largest decimal SI unit (`1G`), else plain.
fn fmt_quantity_bytes(bytes: i64) -> String {
    let binary = fmt_bytes(bytes);
    if bytes == 0 || !binary.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return binary;
    }
    for (suffix, unit) in [("E", 1_000_000_000_000_000_000i64), ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1000)] {
        if bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    binary
}

/// describe.go `DescribeProbe`: the action, then `delay=0s timeout=1s period=10s #success=1
/// #failure=3`. Berth's HTTP probes have no scheme or host of their own (HTTP, the pod's IP).
fn probe_text(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds, p.timeout_seconds, p.period_seconds, p.success_threshold, p.failure_threshold
    );
    let port = |v: &IntOrString| match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::Str(s) => s.clone(),
    };
    match &p.action {
        ProbeAction::HttpGet { path, port: pt } => {
            let path = if path.is_empty() || path.starts_with('/') { path.clone() } else { format!("/{path}") };
            format!("http-get http://:{}{path} {attrs}", port(pt))
        }
        ProbeAction::TcpSocket { port: pt } => format!("tcp-socket :{} {attrs}", port(pt)),
        ProbeAction::Exec { command } => format!("exec [{}] {attrs}", command.join(" ")),
        ProbeAction::Grpc { port: pt } => format!("grpc <pod>:{pt}  {attrs}"),
    }
}

/// kubectl's STATUS of a pod (printers.go `printPod`). While the init containers run (one after
/// another, `PodState::init_done`) it is `Init:<finished>/<all>`, a started sidecar counting as
/// finished (printPod skips a restartable init container that has started); a failed init
/// container shows its terminated reason, `Init:Error`, and while the kubelet waits out its
/// restart back-off its waiting reason, `Init:CrashLoopBackOff` (`PodState::status`, set by
/// `pods.rs`; under `restartPolicy: Never` the pod is Failed and stays `Init:Error`). Once they
/// are done and the app's containers are still being pulled or started, their waiting reason
/// `PodInitializing` (the kubelet's default for a pod with init containers).
fn pod_status(p: &PodState, now: Millis) -> String {
    let n = p.pod.spec.init_containers.len();
    if n == 0 || p.phase != PodPhase::Pending || p.status != "ContainerCreating" || (p.init_done.is_empty() && p.init_failing.is_none()) {
        return p.status.clone();
    }
    let done = p.init_done.iter().filter(|t| **t <= now).count();
    if done < n {
        format!("Init:{done}/{n}")
    } else {
        "PodInitializing".into()
    }
}

/// printPod's `initializing`: an init container has not finished (or a sidecar not started).
fn initializing(p: &PodState, now: Millis) -> bool {
    pod_status(p, now).starts_with("Init:")
}

/// How many of a pod's containers are ready (printPod: ready and running). The engine runs the
/// first container's app (its behaviour and probes decide `PodState::ready`); the others run
/// while the pod runs and never fail. So: all of them when the pod is Ready; otherwise, while
/// the pod runs (not terminating, not finished), the other containers that have neither a
/// readiness nor a startup probe (the kubelet calls such a container ready as soon as it
/// runs); the first is not ready. A container with probes is counted ready with the pod.
/// Sidecars count the same way from the moment they started (printPod counts a started
/// restartable init container that is ready, also while the pod initializes).
fn ready_containers(p: &PodState, now: Millis) -> u32 {
    let spec = &p.pod.spec;
    let live = !p.terminating && !p.terminal();
    let sidecars = spec
        .sidecars
        .iter()
        .filter(|i| live && p.init_done.get(**i).is_some_and(|t| *t <= now))
        .filter(|i| p.ready || spec.init_containers.get(**i).is_some_and(|c| c.readiness_probe.is_none() && c.startup_probe.is_none()))
        .count() as u32;
    let containers = &spec.containers;
    if p.ready {
        return containers.len() as u32 + sidecars;
    }
    if p.phase != PodPhase::Running || p.terminating || p.started_at.is_none() {
        return sidecars;
    }
    containers.iter().skip(1).filter(|c| c.readiness_probe.is_none() && c.startup_probe.is_none()).count() as u32 + sidecars
}

/// Each init container's status for `kubectl describe pod` (none before the pod is bound):
/// those before the current one finished (`Completed`, exit code 0) or, sidecars, run; the
/// current one runs, or failed (`Error` with the exit code) or waits out its back-off
/// (`CrashLoopBackOff`, with the last exit as `Last State`); the later ones wait
/// (`PodInitializing`).
fn init_views(p: &PodState, now: Millis) -> Vec<InitContainerView> {
    let spec = &p.pod.spec;
    if p.node.is_none() || spec.init_containers.is_empty() {
        return Vec::new();
    }
    let status = pod_status(p, now);
    let current = if status.starts_with("Init:") { p.init_done.iter().filter(|t| **t <= now).count() } else { spec.init_containers.len() };
    let live = !p.terminating && !p.terminal();
    spec.init_containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let sidecar = spec.is_sidecar(i);
            let failing = p.init_failing == Some(i);
            let restart_count = if failing { p.init_restarts } else { 0 };
            let last_exit_code = if failing && p.init_restarts > 0 { p.init_last_exit.map(|(_, code)| code) } else { None };
            let view = |state: &str, reason: Option<&str>, exit_code: Option<i32>, last_exit_code: Option<i32>, ready: bool| InitContainerView {
                name: c.name.clone(),
                sidecar,
                state: state.into(),
                reason: reason.map(str::to_string),
                exit_code,
                last_exit_code,
                ready,
                restart_count,
            };
            if i < current {
                if sidecar {
                    let ready = live && (p.ready || (c.readiness_probe.is_none() && c.startup_probe.is_none()));
                    view(if live { "Running" } else { "Terminated" }, (!live).then_some("Completed"), (!live).then_some(0), None, ready)
                } else {
                    view("Terminated", Some("Completed"), Some(0), None, true)
                }
            } else if i == current {
                match status.as_str() {
                    "Init:Error" => view("Terminated", Some("Error"), p.init_last_exit.map(|(_, code)| code), None, false),
                    "Init:CrashLoopBackOff" => view("Waiting", Some("CrashLoopBackOff"), None, p.init_last_exit.map(|(_, code)| code), false),
                    _ => view("Running", None, None, last_exit_code, false),
                }
            } else {
                view("Waiting", Some("PodInitializing"), None, None, false)
            }
        })
        .collect()
}

/// "score 481 — TaintToleration 3×100, NodeAffinity 2×0, ..." for the podScheduled event.
fn why_here(result: &ScheduleResult, node: &str) -> String {
    let feasible = result.nodes.iter().filter(|n| n.feasible).count();
    let total = result.nodes.len();
    let Some(r) = result.node(node) else { return String::new() };
    if r.scores.is_empty() {
        return format!("the only node of {total} that passed every filter");
    }
    let parts: Vec<String> = r.scores.iter().map(|s| format!("{} {}×{}", s.plugin, s.weight, s.normalized)).collect();
    let mut out = format!("highest score {} of {feasible} feasible node(s) out of {total}: {}", r.total.unwrap_or(0), parts.join(", "));
    if let Some(tb) = &result.tie_break {
        out.push_str(&format!("; tied with {} other(s), chosen at random", tb.among.len().saturating_sub(1)));
    }
    out
}
