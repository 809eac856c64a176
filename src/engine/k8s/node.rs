//! Kubernetes nodes as EKS creates them: labels, taints, capacity versus allocatable, max pods,
//! and Fargate profiles (one right-sized node per pod).
//!
//! Sources:
//! - **Max pods (VPC CNI)**: `maxPods = ENIs × (IPv4 addresses per ENI − 1) + 2` — one address of
//!   each ENI is the ENI's own primary address, and the `+2` are the host-network pods (aws-node
//!   and kube-proxy). EKS user guide, "Amazon VPC CNI" / `eni-max-pods.txt` and
//!   `max-pods-calculator.sh` in awslabs/amazon-eks-ami. ENIs and IPv4 addresses per ENI come
//!   from `engine::catalog` (EC2 "Elastic network interfaces" per-type table).
//! - **Kubelet reservations**: awslabs/amazon-eks-ami `files/bootstrap.sh`,
//!   `get_memory_mebibytes_to_reserve` (`11 × maxPods + 255` MiB) and
//!   `get_cpu_millicores_to_reserve` (6 % of the first core, 1 % of the second, 0.5 % of cores
//!   3–4, 0.25 % of the rest, in integer millicores), plus `evictionHard: memory.available: 100Mi`.
//!   Allocatable = capacity − kubeReserved − eviction threshold (the AMI sets no systemReserved).
//! - **Well-known labels**: kubernetes.io/docs/reference/labels-annotations-taints
//!   (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`, `node.kubernetes.io/instance-type`,
//!   `kubernetes.io/arch`, `kubernetes.io/os`) and the EKS managed node group labels
//!   (`eks.amazonaws.com/nodegroup`, `eks.amazonaws.com/capacityType`: ON_DEMAND or SPOT).
//! - **Fargate**: EKS user guide "Fargate pod configuration": the pod's vCPU and memory are the
//!   larger of (the sum of the regular containers' requests, the largest init container request),
//!   plus 256 MB of memory for the Kubernetes components (kubelet, kube-proxy, containerd), rounded
//!   up to the smallest Fargate combination that holds both (the same table as ECS Fargate tasks,
//!   `taskdef::fargate::FARGATE_SIZES`); with no requests, the smallest (0.25 vCPU, 0.5 GB).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::catalog::{self, InstanceType};
use crate::engine::sort;
use crate::engine::taskdef::fargate::FARGATE_SIZES;

use super::model::{Labels, LabelSelector, Pod, TaintEffect};
use super::quantity::{fmt_bytes, fmt_milli};

pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
pub const LABEL_REGION: &str = "topology.kubernetes.io/region";
pub const LABEL_INSTANCE_TYPE: &str = "node.kubernetes.io/instance-type";
pub const LABEL_ARCH: &str = "kubernetes.io/arch";
pub const LABEL_OS: &str = "kubernetes.io/os";
pub const LABEL_NODEGROUP: &str = "eks.amazonaws.com/nodegroup";
pub const LABEL_CAPACITY_TYPE: &str = "eks.amazonaws.com/capacityType";
pub const LABEL_COMPUTE_TYPE: &str = "eks.amazonaws.com/compute-type";
/// The taint `kubectl cordon` implies (the NodeUnschedulable plugin checks `spec.unschedulable`).
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

const MIB: i64 = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

impl Taint {
    pub fn new(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint { key: key.into(), value: value.into(), effect }
    }
    /// `{key: value}` as kube-scheduler prints an untolerated taint.
    pub fn shown(&self) -> String {
        format!("{{{}: {}}}", self.key, self.value)
    }
}

/// CPU in millicores, memory in bytes, pods as a count.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct NodeResources {
    pub cpu_milli: i64,
    pub memory: i64,
    pub pods: i64,
    /// Extended resources such as `nvidia.com/gpu`.
    pub extended: BTreeMap<String, i64>,
}

/// What the kubelet holds back on an EKS node, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reservation {
    pub kube_reserved_cpu_milli: i64,
    pub kube_reserved_memory: i64,
    pub eviction_memory: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub name: String,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    /// `spec.unschedulable` (set by `kubectl cordon`).
    pub unschedulable: bool,
    pub capacity: NodeResources,
    pub allocatable: NodeResources,
    /// Images already pulled, with their size in bytes (for ImageLocality).
    pub images: BTreeMap<String, i64>,
    /// `Some` for EKS EC2 nodes: the kubelet reservation that makes allocatable smaller.
    pub reservation: Option<Reservation>,
    /// True for a Fargate node (one pod only).
    pub fargate: bool,
}

impl Node {
    /// A bare node with the given allocatable (= capacity) and the hostname label; for tests and
    /// self-managed nodes.
    pub fn new(name: &str, cpu_milli: i64, memory: i64, pods: i64) -> Node {
        let res = NodeResources { cpu_milli, memory, pods, extended: BTreeMap::new() };
        let mut labels = Labels::new();
        labels.insert(LABEL_HOSTNAME.into(), name.into());
        Node { name: name.into(), labels, taints: Vec::new(), unschedulable: false, capacity: res.clone(), allocatable: res, images: BTreeMap::new(), reservation: None, fargate: false }
    }

    pub fn with_label(mut self, key: &str, value: &str) -> Node {
        self.labels.insert(key.into(), value.into());
        self
    }

    pub fn with_taint(mut self, key: &str, value: &str, effect: TaintEffect) -> Node {
        self.taints.push(Taint::new(key, value, effect));
        self
    }

    /// An EKS managed node group node of `instance_type` in `zone`.
    pub fn eks(name: &str, instance_type: &str, zone: &str, nodegroup: &str, spot: bool) -> Result<Node, String> {
        let it = catalog::lookup(instance_type).ok_or_else(|| catalog::suggest(instance_type))?;
        let max_pods = eni_max_pods(it);
        let capacity = NodeResources { cpu_milli: it.vcpu as i64 * 1000, memory: it.memory_mib as i64 * MIB, pods: max_pods, extended: BTreeMap::new() };
        let reservation = Reservation {
            kube_reserved_cpu_milli: kube_reserved_cpu_milli(it.vcpu as i64),
            kube_reserved_memory: kube_reserved_memory_mib(max_pods) * MIB,
            eviction_memory: 100 * MIB,
        };
        let allocatable = NodeResources {
            cpu_milli: capacity.cpu_milli - reservation.kube_reserved_cpu_milli,
            memory: capacity.memory - reservation.kube_reserved_memory - reservation.eviction_memory,
            pods: max_pods,
            extended: BTreeMap::new(),
        };
        let mut labels = Labels::new();
        labels.insert(LABEL_HOSTNAME.into(), name.into());
        labels.insert(LABEL_ZONE.into(), zone.into());
        let region: String = zone.trim_end_matches(|c: char| c.is_ascii_lowercase()).to_string();
        labels.insert(LABEL_REGION.into(), region);
        labels.insert(LABEL_INSTANCE_TYPE.into(), instance_type.into());
        labels.insert(LABEL_ARCH.into(), if it.arch == "arm64" { "arm64".into() } else { "amd64".into() });
        labels.insert(LABEL_OS.into(), "linux".into());
        labels.insert(LABEL_NODEGROUP.into(), nodegroup.into());
        labels.insert(LABEL_CAPACITY_TYPE.into(), if spot { "SPOT".into() } else { "ON_DEMAND".into() });
        Ok(Node { name: name.into(), labels, taints: Vec::new(), unschedulable: false, capacity, allocatable, images: BTreeMap::new(), reservation: Some(reservation), fargate: false })
    }

    /// "capacity 2 CPU / 8Gi, allocatable 1930m / 7...": for explanations.
    pub fn describe_allocatable(&self) -> String {
        format!(
            "capacity {} CPU, {} memory, {} pods; allocatable {} CPU, {} memory, {} pods",
            fmt_milli(self.capacity.cpu_milli),
            fmt_bytes(self.capacity.memory),
            self.capacity.pods,
            fmt_milli(self.allocatable.cpu_milli),
            fmt_bytes(self.allocatable.memory),
            self.allocatable.pods
        )
    }
}

/// VPC CNI max pods: ENIs × (IPv4 per ENI − 1) + 2.
pub fn eni_max_pods(it: &InstanceType) -> i64 {
    it.max_enis as i64 * (it.ipv4_per_eni as i64 - 1) + 2
}

/// `get_memory_mebibytes_to_reserve`: 11 MiB per pod + 255 MiB.
pub fn kube_reserved_memory_mib(max_pods: i64) -> i64 {
    11 * max_pods + 255
}

/// `get_cpu_millicores_to_reserve` with the script's integer arithmetic:
/// ranges (0–1000, 1000–2000, 2000–4000, 4000–total) at 600, 100, 50, 25 hundredths of a percent.
pub fn kube_reserved_cpu_milli(vcpus: i64) -> i64 {
    let total = vcpus * 1000;
    let ranges = [(0, 1000, 600), (1000, 2000, 100), (2000, 4000, 50), (4000, total, 25)];
    ranges
        .iter()
        .map(|&(start, end, pct)| if total > start { ((total.min(end)) - start) * pct / 100 / 100 } else { 0 })
        .sum()
}

/// An EKS Fargate profile: up to five selectors, each a namespace plus optional labels; a pod
/// matching any selector runs on Fargate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FargateProfile {
    pub name: String,
    pub selectors: Vec<FargateSelector>,
    /// Subnets' zones the profile may use (the node gets one of these).
    pub zones: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FargateSelector {
    pub namespace: String,
    /// All must match (empty: every pod of the namespace).
    pub labels: Labels,
}

impl FargateProfile {
    /// True if any selector matches the pod's namespace and labels.
    pub fn matches(&self, namespace: &str, labels: &Labels) -> bool {
        self.selectors.iter().any(|s| {
            s.namespace == namespace && LabelSelector { match_labels: s.labels.clone(), match_expressions: Vec::new() }.matches(labels)
        })
    }
}

/// The profile that captures a pod, if any. When several match, EKS picks one; Berth takes the
/// first by name so the choice is deterministic.
pub fn fargate_profile_for<'a>(profiles: &'a [FargateProfile], namespace: &str, labels: &Labels) -> Option<&'a FargateProfile> {
    let mut sorted: Vec<&FargateProfile> = profiles.iter().collect();
    sort::sort_by(&mut sorted, |a, b| a.name.cmp(&b.name));
    sorted.into_iter().find(|p| p.matches(namespace, labels))
}

/// The Fargate size a pod gets, with the arithmetic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FargateSize {
    /// The pod's effective request (max of the containers' and sidecars' sum and the largest init
    /// container with the sidecars before it).
    pub requested_cpu_milli: i64,
    pub requested_memory: i64,
    /// The request plus 256 MiB for kubelet, kube-proxy and containerd.
    pub with_overhead_memory: i64,
    /// The chosen combination, in ECS units (1024 per vCPU) and MiB.
    pub cpu_units: u32,
    pub memory_mib: u32,
    pub explanation: String,
}

/// Sizes a Fargate pod, or explains why no Fargate size can hold it.
pub fn fargate_size(pod: &Pod) -> Result<FargateSize, String> {
    // `resourcehelper.PodRequests`, sidecars included (`PodSpec::effective`).
    let sum = |f: &dyn Fn(&super::model::Container) -> i64| -> i64 { pod.spec.effective(f) };
    let cpu = sum(&|c| c.resources.requests.cpu_milli.unwrap_or(0));
    let mem = sum(&|c| c.resources.requests.memory.unwrap_or(0));
    let with_overhead = mem + 256 * MIB;
    // ECS units: 1 vCPU = 1024 units, so 250m → 256 units.
    let cpu_units_needed = (cpu * 1024 + 999) / 1000;
    let mem_mib_needed = (with_overhead + MIB - 1) / MIB;
    for row in FARGATE_SIZES {
        if (row.cpu as i64) < cpu_units_needed {
            continue;
        }
        if let Some(m) = row.memory.values().into_iter().find(|m| *m as i64 >= mem_mib_needed) {
            let explanation = format!(
                "requests {} CPU and {} memory; + 256Mi for kubelet, kube-proxy and containerd = {}; rounded up to the Fargate size {} vCPU / {} GB",
                fmt_milli(cpu),
                fmt_bytes(mem),
                fmt_bytes(with_overhead),
                fmt_vcpu(row.cpu),
                fmt_gb(m)
            );
            return Ok(FargateSize { requested_cpu_milli: cpu, requested_memory: mem, with_overhead_memory: with_overhead, cpu_units: row.cpu, memory_mib: m, explanation });
        }
    }
    Err(format!(
        "no Fargate size holds {} CPU and {} memory (including 256Mi for the Kubernetes components); the largest is 16 vCPU / 120 GB",
        fmt_milli(cpu),
        fmt_bytes(with_overhead)
    ))
}

fn fmt_vcpu(units: u32) -> String {
    match units {
        256 => "0.25".into(),
        512 => "0.5".into(),
        u => format!("{}", u / 1024),
    }
}

fn fmt_gb(mib: u32) -> String {
    if mib % 1024 == 0 {
        format!("{}", mib / 1024)
    } else {
        format!("{}", mib as f64 / 1024.0)
    }
}

/// The node a Fargate pod runs on: exactly its size, no taints needed (nothing else is scheduled
/// there), labelled `eks.amazonaws.com/compute-type: fargate`.
pub fn fargate_node(name: &str, zone: &str, size: &FargateSize) -> Node {
    let cpu = size.cpu_units as i64 * 1000 / 1024;
    let mem = size.memory_mib as i64 * MIB;
    let mut n = Node::new(name, cpu, mem, 1);
    n.labels.insert(LABEL_ZONE.into(), zone.into());
    n.labels.insert(LABEL_COMPUTE_TYPE.into(), "fargate".into());
    n.fargate = true;
    n
}
