//! The Cluster Autoscaler for EKS managed node groups (kubernetes/autoscaler
//! `cluster-autoscaler`), simplified. Defaults from its FAQ
//! (<https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md>, "What are
//! the parameters to CA?"): `scan-interval` 10 s, `scale-down-unneeded-time` 10 minutes,
//! `scale-down-utilization-threshold` 0.5, `scale-down-delay-after-add` 10 minutes. The launch
//! delay (EC2 instance boot + kubelet registration) is Berth's: 90 s by default.
//!
//! Every scan:
//! * **Scale-up.** Pods that failed scheduling (and are not already waiting for a node being
//!   launched) are tried on an empty *template node* of each node group below its `maxSize`:
//!   the real scheduler filters decide which pods that group could take (taints, node selectors,
//!   affinity, resources). A first-fit binpacking estimate gives how many new nodes those pods
//!   need (capped by `maxSize`). The **least-waste** expander (`expander/waste/waste.go`) picks
//!   the group whose new nodes would leave the least idle CPU + memory, as fractions of the new
//!   nodes' capacity: `(cap − requested)/cap` for CPU plus the same for memory; ties are broken at
//!   random (the seeded stream `k8s-cluster-autoscaler`). The group's desired size grows at once;
//!   the nodes join `launchDelay` later.
//! * **Scale-down** (not in the scan that scaled up, nor within `scale-down-delay-after-add` of a
//!   scale-up, nor while nodes are launching): a node of a group above its `minSize` is
//!   *unneeded* while max(Σ CPU requests / allocatable, Σ memory requests / allocatable) — its
//!   DaemonSet pods included, as upstream by default — is below the threshold. After being
//!   unneeded for `scale-down-unneeded-time`, it is removed if every pod on it (but DaemonSet pods)
//!   has a controller, no PodDisruptionBudget forbids its eviction now, and the scheduler would
//!   place it on another node. One node per scan. Removal is `kubectl drain`: cordon, evict (PDBs
//!   retried every 5 s), then the node leaves the cluster and the group shrinks.
//!
//! Not modelled: DaemonSet pods in the template node (a new node's DaemonSet pods are not counted
//! in the estimate), `max-empty-bulk-delete` (empty nodes also go one per scan), scale-down of
//! unready nodes, the `safe-to-evict` annotations and local storage.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::engine::event::EventKind;
use crate::engine::rng::Rng;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{parse_duration, Clock, Millis, SECOND};

use super::node::Node;
use super::scheduler::{self, Cluster, Outcome, PlacedPod, Profile};
use super::sim::{key, KubeItem, NodeGroup};

/// The scenario's `kubernetes.clusterAutoscaler`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CaSpec {
    #[serde(default)]
    expander: Option<String>,
    #[serde(default)]
    launch_delay: Option<String>,
    #[serde(default)]
    scan_interval: Option<String>,
    #[serde(default)]
    scale_down_unneeded_time: Option<String>,
    #[serde(default)]
    scale_down_delay_after_add: Option<String>,
    #[serde(default)]
    scale_down_utilization_threshold: Option<f64>,
    #[serde(default)]
    scale_down_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CaState {
    pub random_expander: bool,
    pub launch_delay: Millis,
    pub scan_interval: Millis,
    pub unneeded_time: Millis,
    pub delay_after_add: Millis,
    pub threshold: f64,
    pub scale_down: bool,
    /// Nodes launching: (node group, due).
    pub launching: Vec<(String, Millis)>,
    /// Pods a launch is for (not counted again while nodes are launching).
    pub triggered: BTreeSet<String>,
    pub unneeded_since: BTreeMap<String, Millis>,
    /// Nodes being drained for removal.
    pub removing: BTreeSet<String>,
    pub last_scale_up: Option<Millis>,
    pub rng: Rng,
}

/// `cluster-autoscaler` FAQ defaults.
pub const SCAN_INTERVAL: Millis = 10 * SECOND;
pub const UNNEEDED_TIME: Millis = 600 * SECOND;
pub const DELAY_AFTER_ADD: Millis = 600 * SECOND;
pub const UTILIZATION_THRESHOLD: f64 = 0.5;
/// Berth's default time from the scale-up decision to the node being Ready.
pub const LAUNCH_DELAY: Millis = 90 * SECOND;

fn dur(v: &Option<String>, default: Millis, path: &str) -> Result<Millis, String> {
    match v {
        None => Ok(default),
        Some(s) => parse_duration(s).map_err(|e| format!("clusterAutoscaler.{path}: {e}")),
    }
}

/// One expansion option of the least-waste expander.
#[derive(Debug, Clone)]
struct Option_ {
    group: usize,
    nodes: u32,
    pods: Vec<String>,
    waste: f64,
    cpu_waste: f64,
    mem_waste: f64,
}

impl Engine {
    pub(crate) fn k_setup_cluster_autoscaler(&mut self, v: &serde_json::Value) -> Result<(), String> {
        let s: CaSpec = serde_json::from_value(v.clone()).map_err(|e| format!("clusterAutoscaler: {e}"))?;
        let random_expander = match s.expander.as_deref() {
            None | Some("least-waste") => false,
            Some("random") => true,
            Some(o) => return Err(format!("clusterAutoscaler.expander: {o:?} is not \"least-waste\" or \"random\"")),
        };
        let threshold = s.scale_down_utilization_threshold.unwrap_or(UTILIZATION_THRESHOLD);
        if !(0.0..=1.0).contains(&threshold) {
            return Err(format!("clusterAutoscaler.scaleDownUtilizationThreshold: a fraction from 0 to 1; got {threshold}"));
        }
        let scan_interval = dur(&s.scan_interval, SCAN_INTERVAL, "scanInterval")?;
        if scan_interval < SECOND {
            return Err("clusterAutoscaler.scanInterval: at least 1s".into());
        }
        self.kube.ca = Some(CaState {
            random_expander,
            launch_delay: dur(&s.launch_delay, LAUNCH_DELAY, "launchDelay")?,
            scan_interval,
            unneeded_time: dur(&s.scale_down_unneeded_time, UNNEEDED_TIME, "scaleDownUnneededTime")?,
            delay_after_add: dur(&s.scale_down_delay_after_add, DELAY_AFTER_ADD, "scaleDownDelayAfterAdd")?,
            threshold,
            scale_down: s.scale_down_enabled.unwrap_or(true),
            launching: Vec::new(),
            triggered: BTreeSet::new(),
            unneeded_since: BTreeMap::new(),
            removing: BTreeSet::new(),
            last_scale_up: None,
            rng: Rng::derive(self.seed, "k8s-cluster-autoscaler"),
        });
        self.k_push(scan_interval, KubeItem::CaScan);
        Ok(())
    }

    /// A node the Cluster Autoscaler asked for has booted: it joins its group.
    pub(crate) fn k_ca_node_join(&mut self, group: &str) {
        let Some(g) = self.kube.node_groups.iter().find(|g| g.name == group).cloned() else { return };
        let now = self.now();
        if let Some(ca) = self.kube.ca.as_mut() {
            if let Some(i) = ca.launching.iter().position(|(n, t)| n == group && *t <= now) {
                ca.launching.remove(i);
            }
            if ca.launching.is_empty() {
                ca.triggered.clear();
            }
        }
        if let Err(e) = self.k_add_node(&g) {
            self.emit(EventKind::ActionFailed { action: "clusterAutoscaler".into(), message: e });
        }
    }

    /// A node as the group would create it next (for the scale-up simulation).
    fn k_template_node(&self, g: &NodeGroup) -> Option<Node> {
        let azs = &self.config.azs;
        let zone = azs.get(self.k_next_zone(&g.name))?;
        let mut node = Node::eks(&format!("template-node-for-{}", g.name), &g.instance_type, zone, &g.name, g.spot).ok()?;
        for (k, v) in &g.labels {
            node.labels.insert(k.clone(), v.clone());
        }
        node.taints = g.taints.clone();
        Some(node)
    }

    /// One Cluster Autoscaler loop.
    pub(crate) fn k_ca_scan(&mut self) {
        let Some(mut ca) = self.kube.ca.take() else { return };
        let now = self.now();
        let profile = self.kube.profile.clone().unwrap_or_else(Profile::default_scheduler);
        self.k_ca_finish_removals(&mut ca);
        // Only pods the scheduler has tried against the current nodes count as unschedulable (a
        // node that just joined has not been offered to them yet).
        let version = self.kube.version;
        let mut pending: Vec<(u64, String)> = self
            .kube
            .pods
            .iter()
            .filter(|(k, p)| p.node.is_none() && p.active() && p.message.is_some() && p.tried_version == Some(version) && !ca.triggered.contains(*k))
            .filter(|(_, p)| super::node::fargate_profile_for(&self.kube.fargate_profiles, &p.namespace, &p.pod.meta.labels).is_none())
            .map(|(k, p)| (p.seq, k.clone()))
            .collect();
        sort::sort(&mut pending);
        let pending: Vec<String> = pending.into_iter().map(|(_, k)| k).collect();
        let scaled_up = !pending.is_empty() && self.k_ca_scale_up(&mut ca, &pending, &profile);
        if scaled_up {
            ca.last_scale_up = Some(now);
        }
        self.k_ca_unneeded(&mut ca, now);
        let cooldown = scaled_up || !ca.launching.is_empty() || ca.last_scale_up.is_some_and(|t| t + ca.delay_after_add > now);
        if ca.scale_down && !cooldown && ca.removing.is_empty() {
            self.k_ca_scale_down(&mut ca, now, &profile);
        }
        let next = ca.scan_interval;
        self.kube.ca = Some(ca);
        self.k_push(next, KubeItem::CaScan);
    }

    fn k_ca_scale_up(&mut self, ca: &mut CaState, pending: &[String], profile: &Profile) -> bool {
        let mut options: Vec<Option_> = Vec::new();
        let mut scratch = Rng::derive(self.seed, "k8s-cluster-autoscaler-sim");
        for (gi, g) in self.kube.node_groups.iter().enumerate() {
            if g.desired >= g.max {
                continue;
            }
            let Some(template) = self.k_template_node(g) else { continue };
            let nodes = [template.clone()];
            let cluster = Cluster { pods: &[], namespaces: &self.kube.namespaces, default_spread_selector: None };
            // First fit over new nodes, at most maxSize − desired of them.
            let room = g.max - g.desired;
            let mut free: Vec<(i64, i64, i64)> = Vec::new();
            let mut pods = Vec::new();
            let (mut req_cpu, mut req_mem) = (0i64, 0i64);
            for pk in pending {
                let Some(p) = self.kube.pods.get(pk) else { continue };
                let r = scheduler::schedule_from(&p.pod, &nodes, &cluster, profile, 0, &mut scratch);
                if !matches!(r.outcome, Outcome::Scheduled { .. }) {
                    continue;
                }
                let (c, m) = scheduler::pod_requests(&p.pod.spec, false);
                let slot = free.iter().position(|(fc, fm, fp)| *fc >= c && *fm >= m && *fp >= 1);
                let slot = match slot {
                    Some(i) => i,
                    None if (free.len() as u32) < room => {
                        free.push((template.allocatable.cpu_milli, template.allocatable.memory, template.allocatable.pods));
                        free.len() - 1
                    }
                    None => continue,
                };
                if let Some(f) = free.get_mut(slot) {
                    f.0 -= c;
                    f.1 -= m;
                    f.2 -= 1;
                }
                req_cpu += c;
                req_mem += m;
                pods.push(pk.clone());
            }
            if pods.is_empty() {
                continue;
            }
            let n = free.len() as i64;
            // waste.go: capacity (not allocatable) of the new nodes.
            let avail_cpu = template.capacity.cpu_milli * n;
            let avail_mem = template.capacity.memory * n;
            let cpu_waste = (avail_cpu - req_cpu) as f64 / avail_cpu.max(1) as f64;
            let mem_waste = (avail_mem - req_mem) as f64 / avail_mem.max(1) as f64;
            options.push(Option_ { group: gi, nodes: n as u32, pods, waste: cpu_waste + mem_waste, cpu_waste, mem_waste });
        }
        if options.is_empty() {
            return false;
        }
        let best: Vec<&Option_> = if ca.random_expander {
            options.iter().collect()
        } else {
            let least = options.iter().map(|o| o.waste).fold(f64::INFINITY, f64::min);
            options.iter().filter(|o| o.waste == least).collect()
        };
        let pick = if best.len() > 1 { ca.rng.pick(best.len()) } else { 0 };
        let Some(choice) = best.get(pick).map(|o| (*o).clone()) else { return false };
        let tied = best.len();
        let Some(g) = self.kube.node_groups.get_mut(choice.group) else { return false };
        let from = g.desired;
        g.desired += choice.nodes;
        let to = g.desired;
        let name = g.name.clone();
        let instance_type = g.instance_type.clone();
        let due = self.now() + ca.launch_delay;
        for _ in 0..choice.nodes {
            ca.launching.push((name.clone(), due));
            self.k_push(ca.launch_delay, KubeItem::CaNodeJoin { group: name.clone() });
        }
        ca.triggered.extend(choice.pods.iter().cloned());
        let how = if ca.random_expander {
            format!("expander random among {} group(s)", options.len())
        } else {
            let mut s = format!("expander least-waste: {instance_type} leaves {:.1}% CPU and {:.1}% memory idle", choice.cpu_waste * 100.0, choice.mem_waste * 100.0);
            if options.len() > 1 {
                s.push_str(&format!(" (best of {} groups", options.len()));
                if tied > 1 {
                    s.push_str(&format!(", tied with {} other(s), chosen at random", tied - 1));
                }
                s.push(')');
            }
            s
        };
        let reason = format!("{} pod(s) unschedulable; {} new node(s) fit them; {how}; joining in {}", choice.pods.len(), choice.nodes, Clock(ca.launch_delay));
        let pods: Vec<String> = choice.pods.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_string()).collect();
        self.emit(EventKind::ClusterAutoscalerScaleUp { nodegroup: name, from, to, pods, reason });
        true
    }

    /// (cpu, memory) requested on a node by its non-finished pods, DaemonSet pods included.
    fn k_node_requested(&self, node: &str) -> (i64, i64) {
        self.kube
            .pods
            .values()
            .filter(|p| p.node.as_deref() == Some(node) && !p.terminal())
            .map(|p| scheduler::pod_requests(&p.pod.spec, false))
            .fold((0, 0), |(a, b), (c, m)| (a + c, b + m))
    }

    fn k_ca_unneeded(&mut self, ca: &mut CaState, now: Millis) {
        let mut still = BTreeMap::new();
        for n in &self.kube.nodes {
            if n.fargate || n.unschedulable || ca.removing.contains(&n.name) {
                continue;
            }
            let Some(meta) = self.kube.node_meta.get(&n.name) else { continue };
            let Some(g) = self.kube.node_groups.iter().find(|g| g.name == meta.nodegroup) else { continue };
            if g.desired <= g.min {
                continue;
            }
            let (c, m) = self.k_node_requested(&n.name);
            let util = (c as f64 / n.allocatable.cpu_milli.max(1) as f64).max(m as f64 / n.allocatable.memory.max(1) as f64);
            if util < ca.threshold {
                still.insert(n.name.clone(), ca.unneeded_since.get(&n.name).copied().unwrap_or(now));
            }
        }
        ca.unneeded_since = still;
    }

    fn k_ca_scale_down(&mut self, ca: &mut CaState, now: Millis, profile: &Profile) {
        let mut due: Vec<(Millis, usize, String)> = ca
            .unneeded_since
            .iter()
            .filter(|(_, since)| **since + ca.unneeded_time <= now)
            .filter_map(|(n, since)| self.kube.nodes.iter().position(|x| &x.name == n).map(|i| (*since, i, n.clone())))
            .collect();
        sort::sort(&mut due);
        let mut scratch = Rng::derive(self.seed, "k8s-cluster-autoscaler-sim");
        for (since, _, node) in due {
            let mut movers: Vec<(u64, String)> = self
                .kube
                .pods
                .iter()
                .filter(|(_, p)| p.node.as_deref() == Some(node.as_str()) && p.active() && p.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"))
                .map(|(k, p)| (p.seq, k.clone()))
                .collect();
            sort::sort(&mut movers);
            let mut blocked = None;
            let others: Vec<Node> = self.kube.nodes.iter().filter(|n| n.name != node && !n.unschedulable && !ca.removing.contains(&n.name)).cloned().collect();
            let mut placed: Vec<PlacedPod> = self.k_placed().into_iter().filter(|p| p.node != node).collect();
            for (_, pk) in &movers {
                let Some(p) = self.kube.pods.get(pk) else { continue };
                if p.owner.is_none() {
                    blocked = Some(format!("pod {} is not backed by a controller", p.name()));
                    break;
                }
                if let Some(pdb) = self.k_eviction_blocked(p) {
                    blocked = Some(format!("evicting pod {} would violate PodDisruptionBudget {pdb}", p.name()));
                    break;
                }
                let cluster = Cluster { pods: &placed, namespaces: &self.kube.namespaces, default_spread_selector: None };
                let r = scheduler::schedule_from(&p.pod, &others, &cluster, profile, 0, &mut scratch);
                match r.outcome {
                    Outcome::Scheduled { node: to, .. } => placed.push(PlacedPod { pod: p.pod.clone(), node: to }),
                    Outcome::Unschedulable { .. } => {
                        blocked = Some(format!("pod {} fits on no other node", p.name()));
                        break;
                    }
                }
            }
            if blocked.is_some() {
                continue;
            }
            let Some(meta) = self.kube.node_meta.get(&node).cloned() else { continue };
            let Some(g) = self.kube.node_groups.iter_mut().find(|g| g.name == meta.nodegroup) else { continue };
            let from = g.desired;
            g.desired = g.desired.saturating_sub(1);
            let to = g.desired;
            let (c, m) = self.k_node_requested(&node);
            let (ac, am) = self.kube.nodes.iter().find(|n| n.name == node).map(|n| (n.allocatable.cpu_milli.max(1), n.allocatable.memory.max(1))).unwrap_or((1, 1));
            let reason = format!(
                "requested CPU {}% and memory {}% of allocatable, below {}%, for {}; its {} pod(s) fit on other nodes",
                c * 100 / ac,
                m * 100 / am,
                (ca.threshold * 100.0) as i64,
                Clock(now - since),
                movers.len()
            );
            self.emit(EventKind::ClusterAutoscalerScaleDown { node: node.clone(), nodegroup: meta.nodegroup.clone(), from, to, reason });
            ca.removing.insert(node.clone());
            ca.unneeded_since.remove(&node);
            self.k_cordon(&node, true);
            self.kube.draining.insert(node.clone(), false);
            self.k_drain_pass(&node);
            return;
        }
    }

    /// Nodes whose drain is over leave the cluster (their DaemonSet pods with them).
    fn k_ca_finish_removals(&mut self, ca: &mut CaState) {
        let nodes: Vec<String> = ca.removing.iter().cloned().collect();
        for node in nodes {
            let busy = self.kube.pods.values().any(|p| p.node.as_deref() == Some(node.as_str()) && !p.terminal() && p.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"));
            if busy {
                continue;
            }
            let left: Vec<String> = self.kube.pods.values().filter(|p| p.node.as_deref() == Some(node.as_str())).map(|p| key(&p.namespace, p.name())).collect();
            for pk in left {
                self.k_remove_pod(&pk);
            }
            self.k_forget_node(&node);
            ca.removing.remove(&node);
        }
    }
}
