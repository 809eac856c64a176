//! Node-pressure eviction: the kubelet's eviction manager for memory, in the running simulation.
//!
//! After the Kubernetes documentation, "Node-pressure Eviction"
//! (<https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/>) and
//! kubernetes/kubernetes `pkg/kubelet/eviction/` (`eviction_manager.go`, `helpers.go`):
//!
//! - The signal is `memory.available` = the node's memory capacity − what is in use. Berth
//!   counts the kubelet's and the system's reservation (`kubeReserved`, `node.rs`) as in use, plus
//!   the working set of every running pod (`load.rs`: the behaviour's `memoryMib`, leaks, requests
//!   in flight). With EKS's `kubeReserved` this is below the hard threshold exactly when the pods'
//!   working sets exceed the node's allocatable memory.
//! - The hard threshold is the kubelet's default **`memory.available<100Mi`** (what EKS's AMI also
//!   sets). Below it the node reports **`MemoryPressure=True`**, and the node lifecycle controller
//!   taints it **`node.kubernetes.io/memory-pressure:NoSchedule`** (TaintNodesByCondition), so no
//!   new pod lands there (DaemonSet pods tolerate it).
//! - The kubelet then evicts **one pod per housekeeping interval (10 s)** — "we kill at most a
//!   single pod during each eviction interval" (eviction_manager.go) — in the order of
//!   `rankMemoryPressure` ([`super::qos::memory_pressure_order`]): pods using more than they
//!   request first (BestEffort pods request nothing), then by priority, then by how far usage
//!   exceeds the request. A hard eviction has no grace period: the pod ends at once, phase
//!   **Failed**, reason **`Evicted`**, with the kubelet's message (`helpers.go`):
//!   `The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki.
//!   Container web was using 1200Mi, request is 512Mi, has larger consumption of memory.`
//!   Its controller creates a replacement (which the taint keeps off the node).
//! - The condition is cleared only after the signal has stayed above the threshold for
//!   `evictionPressureTransitionPeriod` (**5 minutes**), which stops a node from flapping.
//!
//! When it is checked: after every event, when the scenario has something that can use more
//! memory than requested (a behaviour with `memoryMib` or `memoryLeakMibPerMinute`, or a load);
//! and every 10 s while a running pod leaks memory or a node is under pressure.

use serde::Serialize;

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{Millis, SECOND};

use super::model::TaintEffect;
use super::node::Taint;
use super::qos::{memory_pressure_order, EvictionCandidate};
use super::quantity::fmt_bytes;
use super::sim::{KubeItem, PodPhase};

const MIB: i64 = 1 << 20;
/// The kubelet's default hard eviction threshold, `memory.available<100Mi`.
pub const HARD_THRESHOLD_MEMORY: i64 = 100 * MIB;
/// The kubelet's housekeeping interval: the eviction manager looks (and evicts) this often.
pub const HOUSEKEEPING: Millis = 10 * SECOND;
/// `evictionPressureTransitionPeriod`'s default.
pub const PRESSURE_TRANSITION: Millis = 5 * 60 * SECOND;
pub const TAINT_MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";

/// A node's memory pressure state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodePressure {
    /// When the threshold was last seen crossed.
    pub last_seen: Millis,
    /// The next eviction may happen at this time.
    pub next_eviction: Millis,
}

/// `memory.available`: capacity − reserved − Σ working sets, bytes.
pub fn memory_available(capacity: i64, reserved: i64, working_sets: i64) -> i64 {
    capacity - reserved - working_sets
}

/// The status message of an evicted pod (`helpers.go`: `nodeLowMessageFmt`,
/// `thresholdMetMessageFmt`, `containerMessageFmt`); `containers`: (name, usage, request) of the
/// containers using more than they request.
pub fn eviction_message(threshold: i64, available: i64, containers: &[(String, i64, i64)]) -> String {
    let mut m = format!("The node was low on resource: memory. Threshold quantity: {}, available: {}.", quantity(threshold), quantity(available));
    for (name, usage, request) in containers {
        m.push_str(&format!(" Container {name} was using {}, request is {}, has larger consumption of memory.", quantity(*usage), quantity(*request)));
    }
    m
}

/// Bytes as the kubelet prints a memory quantity (whole Ki, the largest exact binary suffix).
fn quantity(bytes: i64) -> String {
    if bytes < 0 {
        return format!("-{}", quantity(-bytes));
    }
    fmt_bytes(bytes / 1024 * 1024)
}

/// A node's memory as the eviction manager sees it (for the snapshot and tests).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeMemory {
    pub working_sets: i64,
    pub available: i64,
    pub threshold: i64,
}

impl Engine {
    /// Can pods use more memory than they request in this scenario?
    pub(crate) fn k_pressure_possible(&self) -> bool {
        self.kube.enabled && (self.k_has_loads() || self.behaviors.values().any(|b| b.memory_leak_mib_per_minute > 0.0 || b.memory_mib.is_some()))
    }

    /// Every running pod's working set on `node` now (pod key → bytes).
    fn k_node_working_sets(&self, node: &str, rps: &std::collections::BTreeMap<String, f64>, now: Millis) -> Vec<(String, i64)> {
        self.kube
            .pods
            .iter()
            .filter(|(_, p)| p.node.as_deref() == Some(node) && !p.terminal() && p.phase == PodPhase::Running)
            .filter_map(|(k, _)| self.k_pod_memory(k, now, rps.get(k).copied().unwrap_or(0.0)).map(|m| (k.clone(), m)))
            .collect()
    }

    /// `memory.available` of every EC2 node now.
    pub(crate) fn k_node_memory(&self, now: Millis) -> std::collections::BTreeMap<String, NodeMemory> {
        let rps: std::collections::BTreeMap<String, f64> = if self.k_has_loads() { sort::collect_map(self.k_pod_loads(now).into_iter().map(|(k, l)| (k, l.rps))) } else { Default::default() };
        let mut out = std::collections::BTreeMap::new();
        for n in self.kube.nodes.iter().filter(|n| !n.fargate) {
            let ws: i64 = self.k_node_working_sets(&n.name, &rps, now).iter().map(|(_, m)| m).sum();
            let (reserved, threshold) = match &n.reservation {
                Some(r) => (r.kube_reserved_memory, r.eviction_memory),
                None => (0, HARD_THRESHOLD_MEMORY),
            };
            out.insert(n.name.clone(), NodeMemory { working_sets: ws, available: memory_available(n.capacity.memory, reserved, ws), threshold });
        }
        out
    }

    /// The eviction manager's pass over every node (after every event when pressure is
    /// possible, and on the housekeeping tick).
    pub(crate) fn k_pressure_check(&mut self) {
        if !self.k_pressure_possible() {
            return;
        }
        let now = self.now();
        let memory = self.k_node_memory(now);
        self.kube.pressure.retain(|n, _| memory.contains_key(n));
        for (node, m) in &memory {
            let low = m.available < m.threshold;
            let under = self.kube.pressure.contains_key(node);
            if low {
                if !under {
                    self.kube.pressure.insert(node.clone(), super::pressure::NodePressure { last_seen: now, next_eviction: now });
                    if let Some(n) = self.kube.nodes.iter_mut().find(|n| &n.name == node) {
                        if !n.taints.iter().any(|t| t.key == TAINT_MEMORY_PRESSURE) {
                            n.taints.push(Taint::new(TAINT_MEMORY_PRESSURE, "", TaintEffect::NoSchedule));
                        }
                    }
                    self.emit(EventKind::NodeCondition {
                        node: node.clone(),
                        condition: "MemoryPressure".into(),
                        status: true,
                        message: format!("KubeletHasInsufficientMemory: memory.available {} < {} (pods' working sets {}); tainted {TAINT_MEMORY_PRESSURE}:NoSchedule", quantity(m.available), quantity(m.threshold), quantity(m.working_sets)),
                    });
                }
                let due = self.kube.pressure.get(node).map(|p| p.next_eviction <= now).unwrap_or(false);
                if let Some(p) = self.kube.pressure.get_mut(node) {
                    p.last_seen = now;
                }
                if due {
                    self.k_evict_one(node, m.available, m.threshold, now);
                }
            } else if under && self.kube.pressure.get(node).is_some_and(|p| now.saturating_sub(p.last_seen) >= PRESSURE_TRANSITION) {
                self.kube.pressure.remove(node);
                if let Some(n) = self.kube.nodes.iter_mut().find(|n| &n.name == node) {
                    n.taints.retain(|t| t.key != TAINT_MEMORY_PRESSURE);
                }
                self.kube.version += 1;
                self.emit(EventKind::NodeCondition {
                    node: node.clone(),
                    condition: "MemoryPressure".into(),
                    status: false,
                    message: format!("KubeletHasSufficientMemory: memory.available {} for 5 minutes (evictionPressureTransitionPeriod); taint removed", quantity(m.available)),
                });
            }
        }
        let leaking = self.kube.pods.iter().any(|(k, p)| p.phase == PodPhase::Running && !p.terminal() && p.node.is_some() && self.k_behavior(k).memory_leak_mib_per_minute > 0.0);
        if !self.kube.pressure_ticking && (leaking || !self.kube.pressure.is_empty()) {
            self.kube.pressure_ticking = true;
            self.k_push(HOUSEKEEPING, KubeItem::KubeletHousekeeping);
        }
    }

    /// Evicts the first pod of `rankMemoryPressure` on `node`.
    fn k_evict_one(&mut self, node: &str, available: i64, threshold: i64, now: Millis) {
        let rps: std::collections::BTreeMap<String, f64> = if self.k_has_loads() { sort::collect_map(self.k_pod_loads(now).into_iter().map(|(k, l)| (k, l.rps))) } else { Default::default() };
        let ws = self.k_node_working_sets(node, &rps, now);
        let mut candidates = Vec::new();
        let mut keys = std::collections::BTreeMap::new();
        for (k, usage) in &ws {
            let Some(p) = self.kube.pods.get(k) else { continue };
            let mut c = EvictionCandidate::from_pod(&p.pod, *usage);
            // Names are unique per namespace only: rank by key.
            c.name = k.clone();
            keys.insert(k.clone(), (p.pod.spec.containers.first().map(|c| (c.name.clone(), c.resources.requests.memory.unwrap_or(0))), *usage));
            candidates.push(c);
        }
        let Some(victim) = memory_pressure_order(&candidates).into_iter().next() else { return };
        let containers: Vec<(String, i64, i64)> = match keys.get(&victim.name) {
            Some((Some((cname, req)), usage)) if usage > req => vec![(cname.clone(), *usage, *req)],
            _ => Vec::new(),
        };
        let message = eviction_message(threshold, available, &containers);
        if let Some(p) = self.kube.pressure.get_mut(node) {
            p.next_eviction = now + HOUSEKEEPING;
        }
        let Some(p) = self.kube.pods.get_mut(&victim.name) else { return };
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        p.gen += 1;
        let was_ready = p.ready;
        p.ready = false;
        p.ready_since = None;
        p.phase = PodPhase::Failed;
        p.status = "Evicted".into();
        if was_ready {
            self.emit(EventKind::PodNotReady { pod: name.clone(), namespace: ns.clone(), reason: "Evicted".into() });
        }
        self.emit(EventKind::PodEvicted { pod: name, namespace: ns.clone(), node: node.to_string(), reason: "Evicted".into(), message });
        self.kube.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubelets_message() {
        // 8 GiB m5.large: kubeReserved 574 MiB; pods using 7,550 MiB leave 68 MiB < 100 MiB.
        let avail = memory_available(8192 * MIB, 574 * MIB, 7550 * MIB);
        assert_eq!(avail, 68 * MIB);
        assert_eq!(
            eviction_message(HARD_THRESHOLD_MEMORY, avail, &[("web".into(), 1200 * MIB, 512 * MIB)]),
            "The node was low on resource: memory. Threshold quantity: 100Mi, available: 68Mi. Container web was using 1200Mi, request is 512Mi, has larger consumption of memory."
        );
        // Bytes are shown in whole Ki, as the kubelet's quantities.
        assert_eq!(eviction_message(HARD_THRESHOLD_MEMORY, 52_430_000, &[]), "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51201Ki.");
    }
}
