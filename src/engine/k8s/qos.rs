//! Quality-of-service classes and node-pressure eviction order, as pure functions.
//!
//! - QoS (`pkg/apis/core/v1/helper/qos/qos.go`, `GetPodQOS`): **BestEffort** when no container
//!   (init containers included) sets a CPU or memory request or limit; **Guaranteed** when every
//!   container sets CPU and memory limits and its requests equal them (a request left out defaults
//!   to the limit); otherwise **Burstable**.
//! - Eviction under memory pressure (`pkg/kubelet/eviction/helpers.go`, `rankMemoryPressure`):
//!   pods whose memory usage exceeds their request go first, then lower `priority`, then the
//!   larger usage above the request. BestEffort pods request nothing, so any usage exceeds it and
//!   they go first; Guaranteed pods, using at most their request, go last.

use serde::Serialize;

use crate::engine::sort;

use super::model::{Pod, PodSpec};
use super::quantity::fmt_bytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl QosClass {
    pub fn as_str(&self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }
}

pub fn qos_class(spec: &PodSpec) -> QosClass {
    let all: Vec<_> = spec.containers.iter().chain(spec.init_containers.iter()).collect();
    let any = all.iter().any(|c| {
        let (r, l) = (&c.resources.requests, &c.resources.limits);
        r.cpu_milli.is_some_and(|v| v > 0) || r.memory.is_some_and(|v| v > 0) || l.cpu_milli.is_some_and(|v| v > 0) || l.memory.is_some_and(|v| v > 0)
    });
    if !any {
        return QosClass::BestEffort;
    }
    let guaranteed = all.iter().all(|c| {
        let (r, l) = (&c.resources.requests, &c.resources.limits);
        match (l.cpu_milli, l.memory) {
            (Some(lc), Some(lm)) => r.cpu_milli.unwrap_or(lc) == lc && r.memory.unwrap_or(lm) == lm,
            _ => false,
        }
    });
    if guaranteed {
        QosClass::Guaranteed
    } else {
        QosClass::Burstable
    }
}

/// What the eviction manager knows about one pod on the node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvictionCandidate {
    pub name: String,
    pub priority: i32,
    /// Working-set memory in bytes.
    pub usage: i64,
    /// The pod's memory request in bytes as the eviction manager reads it (`podRequest`): the
    /// larger of the containers' sum and the largest init container.
    pub request: i64,
    pub qos: QosClass,
}

impl EvictionCandidate {
    pub fn from_pod(pod: &Pod, usage: i64) -> EvictionCandidate {
        // pkg/kubelet/eviction/helpers.go `podRequest`: "max(max of init container requests,
        // sum of container requests)" (sidecars count as init containers there).
        let sum: i64 = pod.spec.containers.iter().map(|c| c.resources.requests.memory.unwrap_or(0)).sum();
        let init = pod.spec.init_containers.iter().map(|c| c.resources.requests.memory.unwrap_or(0)).max().unwrap_or(0);
        let request = sum.max(init);
        EvictionCandidate { name: pod.meta.name.clone(), priority: pod.spec.priority.unwrap_or(0), usage, request, qos: qos_class(&pod.spec) }
    }

    fn exceeds(&self) -> bool {
        self.usage > self.request
    }

    /// Why this pod is at its place in the order.
    pub fn reason(&self) -> String {
        let over = self.usage - self.request;
        if self.exceeds() {
            format!("{} ({}): uses {} over its {} request, priority {}", self.name, self.qos.as_str(), fmt_bytes(over), fmt_bytes(self.request), self.priority)
        } else {
            format!("{} ({}): within its {} request, priority {}", self.name, self.qos.as_str(), fmt_bytes(self.request), self.priority)
        }
    }
}

/// The order the kubelet evicts pods under memory pressure (first = evicted first). Ties keep
/// the input order (the sort is stable).
pub fn memory_pressure_order(pods: &[EvictionCandidate]) -> Vec<EvictionCandidate> {
    let mut v = pods.to_vec();
    sort::sort_by(&mut v, |a, b| {
        b.exceeds()
            .cmp(&a.exceeds())
            .then(a.priority.cmp(&b.priority))
            .then((b.usage - b.request).cmp(&(a.usage - a.request)))
    });
    v
}
