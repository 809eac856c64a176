//! The Kubernetes objects Berth understands, with the fields the scheduler and the controllers
//! need. Defaults are Kubernetes' own (`pkg/apis/*/v1/defaults.go`), applied by the reader.
//! CPU is in millicores, memory and storage in bytes (see [`super::quantity`]).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::autoscaling::hpa::ScalingRules;
use crate::engine::diag::Pos;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ObjectMeta {
    pub name: String,
    /// `None` means the object's namespace is taken from context (`default` for `kubectl apply`).
    pub namespace: Option<String>,
    pub labels: Labels,
    pub annotations: Labels,
    #[serde(skip)]
    pub pos: Pos,
}

/// `matchExpressions` operators of a label selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SelectorOp {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelectorRequirement {
    pub key: String,
    pub operator: SelectorOp,
    pub values: Vec<String>,
}

/// `metav1.LabelSelector`. An empty selector matches everything (where the API allows it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Vec<SelectorRequirement>,
}

/// Node selector operators (node affinity): the label-selector ones plus `Gt` and `Lt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum NodeSelectorOp {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeSelectorRequirement {
    pub key: String,
    pub operator: NodeSelectorOp,
    pub values: Vec<String>,
}

/// One `nodeSelectorTerms` entry: its expressions are ANDed; terms are ORed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// `matchFields` (only `metadata.name` exists upstream).
    pub match_fields: Vec<NodeSelectorRequirement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreferredSchedulingTerm {
    /// 1–100.
    pub weight: i32,
    pub preference: NodeSelectorTerm,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NodeAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`; `None` when absent.
    pub required: Option<Vec<NodeSelectorTerm>>,
    pub preferred: Vec<PreferredSchedulingTerm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PodAffinityTerm {
    pub label_selector: Option<LabelSelector>,
    /// Empty with no `namespaceSelector`: the pod's own namespace.
    pub namespaces: Vec<String>,
    pub namespace_selector: Option<LabelSelector>,
    pub topology_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeightedPodAffinityTerm {
    pub weight: i32,
    pub term: PodAffinityTerm,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PodAffinity {
    pub required: Vec<PodAffinityTerm>,
    pub preferred: Vec<WeightedPodAffinityTerm>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Affinity {
    pub node_affinity: Option<NodeAffinity>,
    pub pod_affinity: Option<PodAffinity>,
    pub pod_anti_affinity: Option<PodAffinity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn as_str(&self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TolerationOp {
    Equal,
    Exists,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Toleration {
    /// Empty key with `Exists` tolerates every taint.
    pub key: String,
    pub operator: TolerationOp,
    pub value: String,
    /// `None` matches every effect.
    pub effect: Option<TaintEffect>,
    pub toleration_seconds: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum WhenUnsatisfiable {
    DoNotSchedule,
    ScheduleAnyway,
}

/// `nodeAffinityPolicy` / `nodeTaintsPolicy` of a spread constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InclusionPolicy {
    Honor,
    Ignore,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopologySpreadConstraint {
    pub max_skew: i32,
    pub topology_key: String,
    pub when_unsatisfiable: WhenUnsatisfiable,
    pub label_selector: Option<LabelSelector>,
    pub min_domains: Option<i32>,
    pub match_label_keys: Vec<String>,
    /// Default `Honor`.
    pub node_affinity_policy: InclusionPolicy,
    /// Default `Ignore`.
    pub node_taints_policy: InclusionPolicy,
}

/// CPU in millicores, memory and ephemeral storage in bytes; other names (e.g. `nvidia.com/gpu`,
/// `pods`) in whole units.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ResourceList {
    pub cpu_milli: Option<i64>,
    pub memory: Option<i64>,
    pub ephemeral_storage: Option<i64>,
    pub extended: BTreeMap<String, i64>,
}

impl ResourceList {
    pub fn is_empty(&self) -> bool {
        self.cpu_milli.is_none() && self.memory.is_none() && self.ephemeral_storage.is_none() && self.extended.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ResourceRequirements {
    pub requests: ResourceList,
    pub limits: ResourceList,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ProbeAction {
    HttpGet { path: String, port: IntOrString },
    TcpSocket { port: IntOrString },
    Exec { command: Vec<String> },
    Grpc { port: i64 },
}

/// A liveness, readiness or startup probe with Kubernetes' defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    pub action: ProbeAction,
    pub initial_delay_seconds: i64,
    /// Default 10.
    pub period_seconds: i64,
    /// Default 1.
    pub timeout_seconds: i64,
    /// Default 1 (must be 1 for liveness and startup probes).
    pub success_threshold: i64,
    /// Default 3.
    pub failure_threshold: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Protocol {
    TCP,
    UDP,
    SCTP,
}

impl Protocol {
    pub fn as_str(&self) -> &'static str {
        match self {
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::SCTP => "SCTP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: i64,
    /// A host port makes the NodePorts filter apply.
    pub host_port: Option<i64>,
    pub host_ip: Option<String>,
    pub protocol: Protocol,
}

/// A ConfigMap or Secret the pod refers to (Berth only checks that they exist).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ObjectRef {
    ConfigMap(String),
    Secret(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub ports: Vec<ContainerPort>,
    pub resources: ResourceRequirements,
    pub liveness_probe: Option<Probe>,
    pub readiness_probe: Option<Probe>,
    pub startup_probe: Option<Probe>,
    /// ConfigMaps and Secrets named by `env[].valueFrom` and `envFrom`.
    pub refs: Vec<ObjectRef>,
    /// `command` and `args`, as written (shown by `kubectl describe`, kept by export; Berth runs
    /// the scenario's behaviours, not commands). Left out of the template hash when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(skip)]
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodSpec {
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub node_name: Option<String>,
    pub node_selector: Labels,
    pub affinity: Option<Affinity>,
    pub tolerations: Vec<Toleration>,
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    pub priority: Option<i32>,
    pub priority_class_name: Option<String>,
    /// Default `default-scheduler`.
    pub scheduler_name: String,
    pub restart_policy: RestartPolicy,
    /// Default 30.
    pub termination_grace_period_seconds: i64,
    pub host_network: bool,
    /// `volumes[].configMap` / `volumes[].secret`.
    pub refs: Vec<ObjectRef>,
    /// `spec.overhead` (RuntimeClass overhead), added to requests by the scheduler.
    pub overhead: ResourceList,
    /// Indexes into `init_containers` of the ones with `restartPolicy: Always`: native sidecars
    /// (Kubernetes 1.29+), which start in their place among the init containers and then run
    /// for the pod's life. Kept here rather than on `Container` so the container stays a plain
    /// record. Not serialised when empty, so pod-template hashes stay what they were.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sidecars: Vec<usize>,
}

impl PodSpec {
    /// Init container `i` has `restartPolicy: Always` (a sidecar).
    pub fn is_sidecar(&self, i: usize) -> bool {
        self.sidecars.contains(&i)
    }

    /// The pod's effective amount of one resource (`f` reads it from a container), as
    /// `resourcehelper.PodRequests` / `PodLimits` compute it (k8s.io/component-helpers
    /// `resource/helpers.go`; docs "Sidecar containers" › "Resource sharing within containers"):
    /// the app containers and every sidecar run together, so they add up; regular init container
    /// `i` runs alone next to the sidecars declared before it (`InitContainerUse(i) = Σ sidecars
    /// with index < i + request(i)`); the pod needs the larger of the two:
    /// `max(Σ containers + Σ sidecars, max_i InitContainerUse(i))`. Without sidecars this is the
    /// classic `max(Σ containers, max init container)`.
    pub fn effective(&self, f: &dyn Fn(&Container) -> i64) -> i64 {
        let mut total: i64 = self.containers.iter().map(f).sum();
        let mut sidecars = 0i64;
        let mut init_max = 0i64;
        for (i, c) in self.init_containers.iter().enumerate() {
            let v = f(c);
            if self.is_sidecar(i) {
                total += v;
                sidecars += v;
                init_max = init_max.max(sidecars);
            } else {
                init_max = init_max.max(sidecars + v);
            }
        }
        total.max(init_max)
    }

    /// How [`PodSpec::effective`] gets its value, for a pod with init containers (else none):
    /// `max(containers 900m + sidecars 100m, init migrate 1850m + sidecars 100m)`, each amount
    /// written by `show`. A learner checking "Why pending?" sees where the number comes from.
    pub fn effective_working(&self, f: &dyn Fn(&Container) -> i64, show: &dyn Fn(i64) -> String) -> Option<String> {
        if self.init_containers.is_empty() {
            return None;
        }
        let apps: i64 = self.containers.iter().map(f).sum();
        let sidecars: i64 = self.init_containers.iter().enumerate().filter(|(i, _)| self.is_sidecar(*i)).map(|(_, c)| f(c)).sum();
        let with = |what: String, side: i64| if side > 0 { format!("{what} + sidecars {}", show(side)) } else { what };
        let mut terms = vec![with(format!("containers {}", show(apps)), sidecars)];
        let mut before = 0;
        for (i, c) in self.init_containers.iter().enumerate() {
            if self.is_sidecar(i) {
                before += f(c);
            } else {
                terms.push(with(format!("init {} {}", c.name, show(f(c))), before));
            }
        }
        Some(format!("max({})", terms.join(", ")))
    }
}

impl Default for PodSpec {
    fn default() -> Self {
        PodSpec {
            containers: Vec::new(),
            init_containers: Vec::new(),
            node_name: None,
            node_selector: Labels::new(),
            affinity: None,
            tolerations: Vec::new(),
            topology_spread_constraints: Vec::new(),
            priority: None,
            priority_class_name: None,
            scheduler_name: "default-scheduler".into(),
            restart_policy: RestartPolicy::Always,
            termination_grace_period_seconds: 30,
            host_network: false,
            refs: Vec::new(),
            overhead: ResourceList::default(),
            sidecars: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pod {
    pub meta: ObjectMeta,
    pub spec: PodSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodTemplate {
    pub meta: ObjectMeta,
    pub spec: PodSpec,
}

/// An `IntOrString` field: `maxSurge: 1` or `maxSurge: "25%"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum IntOrString {
    Int(i64),
    Str(String),
}

/// `maxSurge` / `maxUnavailable` / `minAvailable`: a count or a percentage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum IntOrPercent {
    Int(i64),
    Percent(i64),
}

impl IntOrPercent {
    /// `intstr.GetScaledValueFromIntOrPercent`: percent × total / 100, rounded up or down.
    pub fn scaled(&self, total: i64, round_up: bool) -> i64 {
        match *self {
            IntOrPercent::Int(i) => i,
            IntOrPercent::Percent(p) => {
                let n = p * total;
                if round_up {
                    (n + 99).div_euclid(100)
                } else {
                    n.div_euclid(100)
                }
            }
        }
    }
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(i) => write!(f, "{i}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DeploymentStrategy {
    /// Defaults 25 % / 25 %.
    RollingUpdate { max_surge: IntOrPercent, max_unavailable: IntOrPercent },
    Recreate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deployment {
    pub meta: ObjectMeta,
    /// Default 1.
    pub replicas: i64,
    pub selector: LabelSelector,
    pub template: PodTemplate,
    pub strategy: DeploymentStrategy,
    /// Default 10.
    pub revision_history_limit: i64,
    /// Default 600.
    pub progress_deadline_seconds: i64,
    pub min_ready_seconds: i64,
    pub paused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplicaSet {
    pub meta: ObjectMeta,
    pub replicas: i64,
    pub selector: LabelSelector,
    pub template: PodTemplate,
    pub min_ready_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DaemonSetStrategy {
    /// Defaults maxUnavailable 1, maxSurge 0.
    RollingUpdate { max_unavailable: IntOrPercent, max_surge: IntOrPercent },
    OnDelete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DaemonSet {
    pub meta: ObjectMeta,
    pub selector: LabelSelector,
    pub template: PodTemplate,
    pub update_strategy: DaemonSetStrategy,
    pub min_ready_seconds: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub meta: ObjectMeta,
    /// `None`: the job is done when any pod succeeds (work-queue style); default 1 when both
    /// completions and parallelism are unset.
    pub completions: Option<i64>,
    /// Default 1.
    pub parallelism: i64,
    /// Default 6.
    pub backoff_limit: i64,
    pub active_deadline_seconds: Option<i64>,
    pub ttl_seconds_after_finished: Option<i64>,
    pub template: PodTemplate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: i64,
    /// Defaults to `port`.
    pub target_port: IntOrString,
    pub node_port: Option<i64>,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Service {
    pub meta: ObjectMeta,
    pub service_type: ServiceType,
    /// Empty: no endpoints are managed (e.g. ExternalName or manual endpoints).
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    pub cluster_ip: Option<String>,
    pub external_name: Option<String>,
    pub session_affinity_client_ip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Namespace {
    pub meta: ObjectMeta,
}

/// `spec.hard` of a ResourceQuota, by resource name (`requests.cpu`, `pods`, `services.loadbalancers`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceQuota {
    pub meta: ObjectMeta,
    /// Each value as Kubernetes would count it: CPU names in millicores, everything else in units.
    pub hard: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LimitType {
    Container,
    Pod,
    PersistentVolumeClaim,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitRangeItem {
    pub limit_type: LimitType,
    pub default: ResourceList,
    pub default_request: ResourceList,
    pub max: ResourceList,
    pub min: ResourceList,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LimitRange {
    pub meta: ObjectMeta,
    pub limits: Vec<LimitRangeItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpBlock {
    pub cidr: String,
    pub except: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NetworkPolicyPeer {
    pub pod_selector: Option<LabelSelector>,
    pub namespace_selector: Option<LabelSelector>,
    pub ip_block: Option<IpBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkPolicyPort {
    pub protocol: Protocol,
    pub port: Option<IntOrString>,
    pub end_port: Option<i64>,
}

/// One ingress (`from`) or egress (`to`) rule. Empty `peers` means "everyone"; empty `ports` "every port".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NetworkPolicyRule {
    pub peers: Vec<NetworkPolicyPeer>,
    pub ports: Vec<NetworkPolicyPort>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkPolicy {
    pub meta: ObjectMeta,
    pub pod_selector: LabelSelector,
    /// Defaulted as the API server does: Ingress always, Egress when egress rules exist.
    pub ingress_enabled: bool,
    pub egress_enabled: bool,
    pub ingress: Vec<NetworkPolicyRule>,
    pub egress: Vec<NetworkPolicyRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrossVersionObjectReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum MetricTarget {
    /// Percent of the request.
    Utilization(i64),
    /// Per-pod average, in milli-units (`MilliValue`).
    AverageValueMilli(i64),
    ValueMilli(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum HpaMetric {
    /// `type: Resource` (cpu, memory).
    Resource { name: String, target: MetricTarget },
    /// `type: ContainerResource`.
    ContainerResource { name: String, container: String, target: MetricTarget },
    /// `Pods`, `Object` and `External` metrics, by name; `object` is an Object metric's
    /// `describedObject` (kind, name).
    Other { metric_type: String, name: String, target: MetricTarget, object: Option<(String, String)> },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HorizontalPodAutoscaler {
    pub meta: ObjectMeta,
    pub scale_target_ref: CrossVersionObjectReference,
    /// Default 1.
    pub min_replicas: i64,
    pub max_replicas: i64,
    /// Default: one CPU metric at 80 % utilization.
    pub metrics: Vec<HpaMetric>,
    #[serde(skip)]
    pub scale_up: ScalingRules,
    #[serde(skip)]
    pub scale_down: ScalingRules,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigMap {
    pub meta: ObjectMeta,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Secret {
    pub meta: ObjectMeta,
    /// Default `Opaque`.
    pub secret_type: String,
    pub keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DisruptionBudget {
    MinAvailable(IntOrPercent),
    MaxUnavailable(IntOrPercent),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodDisruptionBudget {
    pub meta: ObjectMeta,
    pub selector: LabelSelector,
    pub budget: DisruptionBudget,
    /// `spec.unhealthyPodEvictionPolicy: AlwaysAllow`: a Running pod that is not Ready may always
    /// be evicted (the default, `IfHealthyBudget`, only while the budget is met).
    pub always_allow_unhealthy: bool,
}

/// `scheduling.k8s.io/v1` PriorityClass (cluster-scoped): the priority a pod naming it gets at
/// admission, and whether such pods may preempt others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriorityClass {
    pub meta: ObjectMeta,
    /// Up to 1,000,000,000 for user classes (higher values are reserved for system classes).
    pub value: i32,
    pub global_default: bool,
    /// `PreemptLowerPriority` (default) or `Never`.
    pub preempt_never: bool,
    pub description: Option<String>,
}

/// Any object a manifest may hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind")]
pub enum Object {
    Pod(Pod),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    DaemonSet(DaemonSet),
    Job(Job),
    Service(Service),
    Namespace(Namespace),
    ResourceQuota(ResourceQuota),
    LimitRange(LimitRange),
    NetworkPolicy(NetworkPolicy),
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    ConfigMap(ConfigMap),
    Secret(Secret),
    PodDisruptionBudget(PodDisruptionBudget),
    PriorityClass(PriorityClass),
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Pod(_) => "Pod",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::DaemonSet(_) => "DaemonSet",
            Object::Job(_) => "Job",
            Object::Service(_) => "Service",
            Object::Namespace(_) => "Namespace",
            Object::ResourceQuota(_) => "ResourceQuota",
            Object::LimitRange(_) => "LimitRange",
            Object::NetworkPolicy(_) => "NetworkPolicy",
            Object::HorizontalPodAutoscaler(_) => "HorizontalPodAutoscaler",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::PriorityClass(_) => "PriorityClass",
        }
    }

    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Pod(o) => &o.meta,
            Object::Deployment(o) => &o.meta,
            Object::ReplicaSet(o) => &o.meta,
            Object::DaemonSet(o) => &o.meta,
            Object::Job(o) => &o.meta,
            Object::Service(o) => &o.meta,
            Object::Namespace(o) => &o.meta,
            Object::ResourceQuota(o) => &o.meta,
            Object::LimitRange(o) => &o.meta,
            Object::NetworkPolicy(o) => &o.meta,
            Object::HorizontalPodAutoscaler(o) => &o.meta,
            Object::ConfigMap(o) => &o.meta,
            Object::Secret(o) => &o.meta,
            Object::PodDisruptionBudget(o) => &o.meta,
            Object::PriorityClass(o) => &o.meta,
        }
    }
}
