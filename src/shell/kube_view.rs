//! Kubernetes in the cluster view: the page draws nodes and pods with the same canvas as ECS
//! instances and tasks. [`as_cluster`] maps a snapshot's `kube` part into instance cards (EC2
//! nodes), chips (pods, coloured by their Deployment / DaemonSet / Job, shaded by ReplicaSet
//! revision), Fargate pods in their zone's Fargate pool, and Pending pods in the pending lane with
//! the scheduler's message. Pure, natively tested; the page only calls it.

use std::collections::BTreeMap;

use crate::engine::cluster::InstanceStatus;
use crate::engine::k8s::sim::{KubeView, NodeView, PodPhase, PodView};
use crate::engine::snapshot::{InstanceView, Snapshot, TaskView, UnplacedView};
use crate::engine::sort;
use crate::engine::task::TaskStatus;

/// Millicores → CPU units (1 vCPU = 1000 m = 1024 units), rounded to the nearest unit so that
/// [`Words::cpu`] gives the same millicores back: |units − m × 1.024| ≤ ½, so
/// |units ÷ 1.024 − m| < ½ and rounding returns m (7910m → 8100 units → 7910m; truncating gave
/// 8099 → 7909m).
pub fn units_of_millicores(milli: i64) -> u32 {
    ((milli.max(0) as u64 * 1024 + 500) / 1000).min(u32::MAX as u64) as u32
}

/// Bytes → MiB.
fn mib(bytes: i64) -> u32 {
    (bytes.max(0) as u64 / (1024 * 1024)).min(u32::MAX as u64) as u32
}

/// The words the cluster view uses for what it draws: ECS's (instances, tasks, CPU units) or, for
/// a Kubernetes scenario, Kubernetes' own (nodes, pods, CPU in millicores as `kubectl` shows it).
/// The picture is the same; a learner on EKS should not have to translate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Words {
    pub kube: bool,
}

impl Words {
    pub fn of(s: &Snapshot) -> Words {
        Words { kube: s.kube.is_some() }
    }
    /// "instance" or "node".
    pub fn node(self) -> &'static str {
        if self.kube { "node" } else { "instance" }
    }
    /// "instances" or "nodes".
    pub fn nodes(self) -> &'static str {
        if self.kube { "nodes" } else { "instances" }
    }
    /// "task" or "pod".
    pub fn task(self) -> &'static str {
        if self.kube { "pod" } else { "task" }
    }
    /// "tasks" or "pods".
    pub fn tasks(self) -> &'static str {
        if self.kube { "pods" } else { "tasks" }
    }
    /// The heading of the CPU column.
    pub fn cpu_unit(self) -> &'static str {
        if self.kube { "CPU (millicores)" } else { "CPU units" }
    }
    /// What the Pending / Unplaced details say about a waiting group: `3 × web Pending: no node
    /// has room for them. The kube-scheduler tries again after every change in the cluster.`
    pub fn waiting(self, count: u32, name: &str) -> String {
        if self.kube {
            let them = if count == 1 { "it" } else { "them" };
            format!("{count} × {name} Pending: no node passes every check for {them}. The kube-scheduler tries again after every change in the cluster.")
        } else {
            format!("{count} × {name} waiting for room: no instance passes every check. The scheduler tries again after every change in the cluster.")
        }
    }
    /// A CPU amount in the view's unit (the cluster view counts CPU units; Kubernetes shows
    /// millicores, 1,024 units = 1,000 m): `256` or `250m`.
    pub fn cpu(self, units: u32) -> String {
        if self.kube {
            format!("{}m", (u64::from(units) * 1000 + 512) / 1024)
        } else {
            units.to_string()
        }
    }
}

/// The workload a pod belongs to: its Deployment (from the ReplicaSet), DaemonSet or Job, else
/// the pod's own name.
pub fn workload(pod: &PodView, kube: &KubeView) -> String {
    match pod.owner.as_deref().and_then(|o| o.split_once('/')) {
        Some(("ReplicaSet", rs)) => kube
            .replica_sets
            .iter()
            .find(|r| r.name == rs && r.namespace == pod.namespace)
            .and_then(|r| r.deployment.clone())
            .unwrap_or_else(|| rs.to_string()),
        Some((_, name)) => name.to_string(),
        None => pod.name.clone(),
    }
}

/// The ReplicaSet revision of a pod (1 when it has none), so old and new pods of a rollout get
/// different shades.
fn revision(pod: &PodView, kube: &KubeView) -> u32 {
    match pod.owner.as_deref().and_then(|o| o.strip_prefix("ReplicaSet/")) {
        Some(rs) => kube.replica_sets.iter().find(|r| r.name == rs && r.namespace == pod.namespace).map_or(1, |r| r.revision.max(1) as u32),
        None => 1,
    }
}

/// The chip's health: Ready pods are healthy; a pod whose STATUS says a container is failing
/// (a crash loop, an init container that exits with an error, an image that cannot be pulled,
/// an OOM kill, a failed pod) is drawn with the unhealthy outline, so it stands apart from a pod
/// that is only starting; the rest are unknown (starting, not ready yet).
fn health(pod: &PodView) -> &'static str {
    let failing = matches!(pod.status.as_str(), "CrashLoopBackOff" | "Init:CrashLoopBackOff" | "Init:Error" | "Error" | "ImagePullBackOff" | "ErrImagePull" | "OOMKilled")
        || pod.phase == PodPhase::Failed;
    if pod.ready {
        "HEALTHY"
    } else if failing {
        "UNHEALTHY"
    } else {
        "UNKNOWN"
    }
}

fn status(pod: &PodView) -> (TaskStatus, TaskStatus) {
    let terminating = pod.status == "Terminating";
    let last = match pod.phase {
        PodPhase::Pending if pod.node.is_some() => TaskStatus::Activating,
        PodPhase::Pending => TaskStatus::Pending,
        PodPhase::Running if terminating => TaskStatus::Stopping,
        PodPhase::Running if pod.ready => TaskStatus::Running,
        PodPhase::Running => TaskStatus::Activating,
        PodPhase::Succeeded | PodPhase::Failed => TaskStatus::Stopped,
    };
    let desired = if terminating || matches!(pod.phase, PodPhase::Succeeded | PodPhase::Failed) { TaskStatus::Stopped } else { TaskStatus::Running };
    (last, desired)
}

/// What an EC2 node costs an hour: the price the engine bills it at when it joins (its node
/// group's or NodePool's instance type, on-demand or Spot: `engine::pricing::ec2_hourly`), so the
/// node's details and the cost summary agree. 0 for a type the catalogue does not know.
pub fn node_hourly(n: &NodeView) -> f64 {
    use crate::engine::pricing::{ec2_hourly, Purchase};
    let purchase = if n.capacity_type == "SPOT" { Purchase::Spot } else { Purchase::OnDemand };
    ec2_hourly(&n.instance_type, purchase).unwrap_or(0.0)
}

/// The snapshot with its Kubernetes nodes and pods added as instances, tasks and pending groups.
/// A snapshot without Kubernetes is returned as it is.
pub fn as_cluster(s: &Snapshot) -> Snapshot {
    let Some(kube) = &s.kube else { return s.clone() };
    let mut out = s.clone();
    let node_zone: BTreeMap<&str, (&str, bool)> = sort::collect_map(kube.nodes.iter().map(|n| (n.name.as_str(), (n.zone.as_str(), n.fargate))));
    for n in &kube.nodes {
        if !n.zone.is_empty() && !out.availability_zones.contains(&n.zone) {
            out.availability_zones.push(n.zone.clone());
        }
    }
    for n in kube.nodes.iter().filter(|n| !n.fargate) {
        let mut attributes: Vec<(String, String)> = n.labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        attributes.extend(n.taints.iter().map(|t| ("taint".to_string(), t.clone())));
        attributes.push(("nodegroup".to_string(), n.nodegroup.clone()));
        attributes.push(("capacity-type".to_string(), n.capacity_type.clone()));
        out.instances.push(InstanceView {
            id: n.name.clone(),
            instance_type: n.instance_type.clone(),
            az: n.zone.clone(),
            status: if n.unschedulable { InstanceStatus::Draining } else { InstanceStatus::Active },
            agent_connected: !s.down_zones.contains(&n.zone),
            registered_cpu: units_of_millicores(n.allocatable_cpu_milli),
            registered_memory: mib(n.allocatable_memory),
            remaining_cpu: units_of_millicores(n.allocatable_cpu_milli - n.requested_cpu_milli),
            remaining_memory: mib(n.allocatable_memory - n.requested_memory),
            used_ports: Vec::new(),
            tasks: n.pods.iter().map(|p| p.rsplit('/').next().unwrap_or(p).to_string()).collect(),
            attributes,
            hourly_usd: node_hourly(n),
        });
    }
    let mut waiting: BTreeMap<String, (u32, String)> = BTreeMap::new();
    for p in &kube.pods {
        let name = workload(p, kube);
        let (last, desired) = status(p);
        if last == TaskStatus::Stopped {
            continue;
        }
        if p.node.is_none() {
            let message = kube.unschedulable.iter().find(|u| u.pod == p.name && u.namespace == p.namespace).map(|u| u.message.clone()).unwrap_or_default();
            let e = waiting.entry(name.clone()).or_insert((0, message.clone()));
            e.0 += 1;
            if e.1.is_empty() {
                e.1 = message;
            }
        }
        let (az, fargate) = p.node.as_deref().and_then(|n| node_zone.get(n).copied()).map_or((String::new(), false), |(z, f)| (z.to_string(), f));
        let rev = revision(p, kube);
        out.tasks.push(TaskView {
            id: p.name.clone(),
            task_definition: format!("{name}:{rev}"),
            revision: rev,
            group: name.clone(),
            service: Some(name),
            launch_type: if fargate { "FARGATE".to_string() } else { "EC2".to_string() },
            instance: if fargate { None } else { p.node.clone() },
            az,
            last_status: last,
            desired_status: desired,
            health: health(p).to_string(),
            cpu: units_of_millicores(p.requests_cpu_milli),
            memory: mib(p.requests_memory),
            host_ports: Vec::new(),
            usage: None,
            target: None,
            ip: None,
            capacity_provider: None,
        });
    }
    for (name, (count, reason)) in waiting {
        let reason = if reason.is_empty() { "waiting for the scheduler".to_string() } else { reason };
        out.unplaced.push(UnplacedView { service: Some(name.clone()), group: name, count, reason, decision: None });
    }
    // Fargate pods run in their zone's Fargate pool, as Fargate tasks do.
    for n in kube.nodes.iter().filter(|n| n.fargate) {
        if !out.fargate_zones.contains(&n.zone) {
            out.fargate_zones.push(n.zone.clone());
        }
    }
    out
}

/// What a pod's details show beyond its chip: (label, text) rows in display order, the way
/// `kubectl get pod -o wide` and `kubectl describe pod` put them. Rows that do not apply (no
/// nominated node, no usage yet, not throttled) are left out.
pub fn pod_facts(pod: &PodView) -> Vec<(&'static str, String)> {
    use crate::engine::k8s::quantity::{fmt_bytes, fmt_milli};
    let mut rows = vec![
        ("namespace", pod.namespace.clone()),
        ("status", format!("{} (phase {:?}, {})", pod.status, pod.phase, if pod.ready { "ready" } else { "not ready" })),
        ("node", pod.node.clone().unwrap_or_else(|| "none yet (Pending)".to_string())),
        ("QoS class", pod.qos.clone()),
        ("priority", match pod.priority {
            Some(p) => p.to_string(),
            None => "0 (no PriorityClass)".to_string(),
        }),
        ("requests", format!("cpu {}, memory {}", fmt_milli(pod.requests_cpu_milli), fmt_bytes(pod.requests_memory))),
        ("restarts", pod.restarts.to_string()),
    ];
    // Each init container while the pod initializes or when one failed (describe's Init
    // Containers): `migrate: waiting (CrashLoopBackOff), last exit code 1, 3 restarts`.
    let initializing = pod.status.starts_with("Init:") || pod.init_containers.iter().any(|c| c.exit_code.is_some_and(|x| x != 0) || c.last_exit_code.is_some());
    if initializing {
        for c in &pod.init_containers {
            let mut text = format!("{}{}: {}", c.name, if c.sidecar { " (sidecar)" } else { "" }, c.state.to_lowercase());
            if let Some(r) = &c.reason {
                text.push_str(&format!(" ({r})"));
            }
            if let Some(code) = c.exit_code {
                text.push_str(&format!(", exit code {code}"));
            } else if let Some(code) = c.last_exit_code {
                text.push_str(&format!(", last exit code {code}"));
            }
            if c.restart_count > 0 {
                text.push_str(&format!(", {} restart{}", c.restart_count, if c.restart_count == 1 { "" } else { "s" }));
            }
            rows.push(("init container", text));
        }
    }
    if let Some(n) = &pod.nominated_node {
        rows.push(("nominated node", format!("{n} (preemption is making room there)")));
    }
    if let Some(m) = pod.cpu_usage_milli {
        rows.push(("CPU in use", fmt_milli(m)));
    }
    if let Some(why) = &pod.cpu_throttled {
        rows.push(("CPU throttled", why.clone()));
    }
    if let Some(b) = pod.memory_working_set {
        rows.push(("memory working set", format!("{} MiB", b / (1024 * 1024))));
    }
    if let Some(owner) = &pod.owner {
        rows.push(("owner", owner.clone()));
    }
    rows
}

/// A pod's requests next to one EC2 node's room, as "Why pending?" shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRoom {
    pub node: String,
    pub zone: String,
    /// `1930m`.
    pub cpu_allocatable: String,
    pub cpu_free: String,
    /// `3388Mi`.
    pub memory_allocatable: String,
    pub memory_free: String,
    /// Room enough by requests (the pod may still be kept off by a taint, selector or affinity).
    pub fits: bool,
    /// Why not, in numbers (`needs 2000m CPU, only 1930m allocatable: too small for it`), or
    /// what else may keep it off.
    pub verdict: String,
}

/// A Pending pod's requests and every EC2 node's allocatable and free CPU and memory: what the
/// kube-scheduler's NodeResourcesFit compared, so "0/3 nodes are available: 3 Insufficient cpu"
/// comes with its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodRoom {
    /// `needs 2000m CPU, 512Mi memory`.
    pub needs: String,
    pub nodes: Vec<NodeRoom>,
    /// A closing line when no node could ever take the pod as it asks (its request is larger
    /// than every node's allocatable), else none.
    pub never: Option<String>,
}

/// Bytes as whole MiB in Kubernetes' notation: `512Mi`.
fn mi(bytes: i64) -> String {
    format!("{}Mi", bytes.max(0) / (1024 * 1024))
}

/// How `pod`'s requests compare with each EC2 node of `kube` (Fargate nodes each belong to one
/// pod and are left out).
pub fn pod_room(pod: &PodView, kube: &KubeView) -> PodRoom {
    let (cpu, mem) = (pod.requests_cpu_milli, pod.requests_memory);
    // With init containers the request is not a plain sum: say how it is worked out.
    let needs = match &pod.requests_cpu_working {
        Some(w) => format!("needs {cpu}m CPU — {w} — and {} memory", mi(mem)),
        None => format!("needs {cpu}m CPU, {} memory", mi(mem)),
    };
    let nodes: Vec<NodeRoom> = kube
        .nodes
        .iter()
        .filter(|n| !n.fargate)
        .map(|n| {
            let free_cpu = n.allocatable_cpu_milli - n.requested_cpu_milli;
            let free_mem = n.allocatable_memory - n.requested_memory;
            let mut no = Vec::new();
            if n.unschedulable {
                no.push("cordoned: takes no new pods".to_string());
            }
            if cpu > n.allocatable_cpu_milli {
                no.push(format!("needs {cpu}m CPU, only {}m allocatable: too small for it", n.allocatable_cpu_milli));
            } else if cpu > free_cpu {
                no.push(format!("needs {cpu}m CPU, only {}m free", free_cpu.max(0)));
            }
            if mem > n.allocatable_memory {
                no.push(format!("needs {} memory, only {} allocatable: too small for it", mi(mem), mi(n.allocatable_memory)));
            } else if mem > free_mem {
                no.push(format!("needs {} memory, only {} free", mi(mem), mi(free_mem)));
            }
            if n.max_pods > 0 && n.pods.len() as i64 >= n.max_pods {
                no.push(format!("full: {} pods, its maximum", n.max_pods));
            }
            let fits = no.is_empty();
            let verdict = if !fits {
                no.join("; ")
            } else if n.taints.is_empty() {
                "room enough for its requests: another check (node selector, affinity, spread) rules it out; see the scheduler's message".to_string()
            } else {
                format!("room enough for its requests; tainted {}: only pods that tolerate it", n.taints.join(", "))
            };
            NodeRoom {
                node: n.name.clone(),
                zone: n.zone.clone(),
                cpu_allocatable: format!("{}m", n.allocatable_cpu_milli),
                cpu_free: format!("{}m", free_cpu.max(0)),
                memory_allocatable: mi(n.allocatable_memory),
                memory_free: mi(free_mem),
                fits,
                verdict,
            }
        })
        .collect();
    let ec2: Vec<&NodeView> = kube.nodes.iter().filter(|n| !n.fargate).collect();
    let never = if ec2.is_empty() {
        None
    } else if ec2.iter().all(|n| cpu > n.allocatable_cpu_milli) {
        Some(format!("No node could ever take it: it asks for {cpu}m CPU, more than any node's allocatable CPU (the most is {}m). Freeing room on a node would not help.", ec2.iter().map(|n| n.allocatable_cpu_milli).max().unwrap_or(0)))
    } else if ec2.iter().all(|n| mem > n.allocatable_memory) {
        Some(format!("No node could ever take it: it asks for {} memory, more than any node's allocatable memory (the most is {}). Freeing room on a node would not help.", mi(mem), mi(ec2.iter().map(|n| n.allocatable_memory).max().unwrap_or(0))))
    } else {
        None
    };
    PodRoom { needs, nodes, never }
}

/// The Pending pods of a workload (as [`workload`] names it), oldest first.
pub fn pending_pods<'a>(kube: &'a KubeView, workload_name: &str) -> Vec<&'a PodView> {
    let mut out: Vec<&PodView> = kube.pods.iter().filter(|p| p.node.is_none() && status(p).0 == TaskStatus::Pending && workload(p, kube) == workload_name).collect();
    sort::sort_by_key(&mut out, |p| (p.created, p.name.clone()));
    out
}

/// One row of the Services tab's "Calls between Services" table.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRow {
    /// `frontend (tenant-a) → backend (tenant-b) :8080`.
    pub route: String,
    /// `20/s`.
    pub rate: String,
    /// What happens to them: `all delivered`, or the delivered, timed-out and refused parts.
    pub outcome: String,
    /// Some calls are dropped by a NetworkPolicy.
    pub blocked: bool,
    /// Why, per distinct policy situation (the engine's sentence).
    pub why: Vec<String>,
}

fn per_second(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}/s")
    } else {
        format!("{x:.1}/s")
    }
}

/// The snapshot's `kube.calls` as the table rows the page shows.
pub fn call_rows(calls: &[crate::engine::k8s::calls::CallView]) -> Vec<CallRow> {
    calls
        .iter()
        .map(|c| {
            let from = c.from.split_once('/').map_or(c.from.as_str(), |(_, n)| n);
            let outcome = if c.calls_per_second > 0.0 && c.delivered_per_second == c.calls_per_second {
                "all delivered".to_string()
            } else if c.calls_per_second == 0.0 {
                "no calls now".to_string()
            } else {
                let mut parts = vec![format!("{} delivered", per_second(c.delivered_per_second))];
                if c.timeouts_per_second > 0.0 {
                    parts.push(format!("{} time out (dropped by a NetworkPolicy)", per_second(c.timeouts_per_second)));
                }
                if c.no_endpoint_per_second > 0.0 {
                    parts.push(format!("{} refused (no ready endpoint)", per_second(c.no_endpoint_per_second)));
                }
                parts.join(", ")
            };
            CallRow {
                route: format!("{from} ({}) → {} ({}) :{}", c.namespace, c.to, c.to_namespace, c.port),
                rate: per_second(c.calls_per_second),
                outcome,
                blocked: c.timeouts_per_second > 0.0,
                why: c.blocked.clone(),
            }
        })
        .collect()
}
