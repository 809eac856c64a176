//! Load on Kubernetes Deployments: the scenario's `kubernetes.traffic` gives a Deployment a
//! load generator (the same [`LoadSpec`] shapes as ECS services, docs/traffic.md), and this module
//! turns it into each pod's CPU usage, as the metrics API would report it to the HPA.
//!
//! The model (see docs/kubernetes.md, "Load and CPU usage"):
//! * the Service spreads requests **evenly over the Ready pods** of the Deployment (kube-proxy's
//!   iptables mode picks an endpoint uniformly at random, so the long-run shares are equal);
//! * a pod's CPU usage is `served × cpuMsPerRequest` millicores (one request costing 10 ms of one
//!   CPU, at 20 requests/s, keeps 200 m busy), from the pod's behaviour;
//! * usage is **capped at the pod's CPU limit** (Σ of its containers' limits; CFS throttling holds
//!   the container there) — or at the node's allocatable CPU when a container has no limit;
//! * whole millicores, truncated; only `+ − × ÷` (ARCHITECTURE.md: no f64 transcendentals here).
//!
//! Usage is instantaneous (a pure function of virtual time): metrics-server's averaging window
//! (its `--metric-resolution`, 15 s by default) is not modelled.
//!
//! Response times and 5xx (`k_pod_response`, docs/kubernetes.md "Response times and 5xx"): each
//! Ready pod goes through the ECS services' queueing model (`traffic/queueing.rs`) with the CPU
//! it may use as its CPU — the same cap as its usage above: its **CPU limit**, or with no limit
//! its node's allocatable CPU. A pod's capacity is `cap millicores / cpuMsPerRequest` requests/s
//! (a millicore is one ms of CPU per second); requests beyond it get a 503 (CFS throttling holds
//! the pod at its limit, so the excess cannot be served), the behaviour's `errorRate` of the rest
//! a 5xx, and the latency is `baseLatencyMs` + an exponential wait of mean `S / (1 − ρ)` with
//! `S = 1000 / capacity` ms and `ρ = served / capacity` (capped at 0.99). The ECS model takes the
//! task's reserved CPU because ECS holds a task there; a pod's request is only what the
//! scheduler sets aside (the pod may use more, as its usage shows), so its cap is the limit.
//!
//! Memory (for an HPA on memory, [`Engine::k_pod_memory`]): a running pod's working set is its
//! behaviour's `memoryMib` (default: half its first container's memory request, as the kubelet
//! model in `pods.rs` starts it), plus `memoryLeakMibPerMinute` × minutes since the container
//! started, plus the requests in flight (requests/s × `baseLatencyMs` / 1000, Little's law) ×
//! `memoryPerRequestMib` — the same parts as an ECS task's memory in the traffic model.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::engine::sim::Engine;
use crate::engine::time::Millis;
use crate::engine::traffic::load::{Load, LoadSpec};
use crate::engine::traffic::queueing::{self, TaskOutput};

use super::sim::{key, PodPhase};

/// One entry of the `kubernetes.traffic` list.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct KubeTrafficSpec {
    /// The Deployment whose Ready pods share the load...
    #[serde(default)]
    pub deployment: Option<String>,
    /// ...or the Service whose ready endpoints share it (what kube-proxy does).
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    /// Requests from outside the cluster; none for a Deployment that is only called by others.
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// Calls each request these pods serve makes to other Services (`calls.rs`).
    #[serde(default)]
    pub calls: Vec<super::calls::CallSpec>,
}

/// A pod's share of its Deployment's load at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PodLoad {
    /// Requests per second sent to the pod.
    pub rps: f64,
    /// CPU the pod uses, millicores (capped at its limit).
    pub cpu_milli: i64,
    /// The cap that applied (limit, else node allocatable).
    pub cap_milli: i64,
    /// What the requests would use without a cap, millicores.
    pub demand_milli: i64,
    /// The demand is above the pod's CPU limit: CFS throttling holds it at the limit (requests
    /// queue and slow down).
    pub throttled: bool,
}

/// `rps × cpuMsPerRequest` millicores, truncated, at most `cap`.
pub(crate) fn cpu_milli(rps: f64, cpu_ms_per_request: f64, cap: i64) -> i64 {
    let m = rps * cpu_ms_per_request;
    if !m.is_finite() || m <= 0.0 {
        return 0;
    }
    if m >= cap as f64 {
        return cap.max(0);
    }
    m as i64
}

impl Engine {
    /// Reads `kubernetes.traffic` (after the manifests, so the Deployments exist).
    pub(crate) fn k_setup_traffic(&mut self, specs: &[serde_json::Value]) -> Result<(), String> {
        for (i, v) in specs.iter().enumerate() {
            let path = format!("traffic[{i}]");
            let t: KubeTrafficSpec = serde_json::from_value(v.clone()).map_err(|e| format!("{path}: {e}"))?;
            let ns = t.namespace.clone().unwrap_or_else(|| "default".into());
            let load = match &t.load {
                Some(l) => Some(l.resolve().map_err(|e| format!("{path}.load: {e}"))?),
                None if t.calls.is_empty() => return Err(format!("{path}: give a \"load\", \"calls\" or both")),
                None => None,
            };
            let caller = match (&t.deployment, &t.service) {
                (Some(d), None) => super::calls::Caller::Deployment(key(&ns, d)),
                (None, Some(sv)) => super::calls::Caller::Service(key(&ns, sv)),
                _ => return Err(format!("{path}: give either \"deployment\" or \"service\" (the load goes to that Deployment's Ready pods or that Service's ready endpoints)")),
            };
            match (&t.deployment, &t.service) {
                (Some(d), None) => {
                    let dkey = key(&ns, d);
                    if !self.kube.deployments.contains_key(&dkey) {
                        let known: Vec<String> = self.kube.deployments.values().filter(|x| x.namespace == ns).map(|x| x.d.meta.name.clone()).collect();
                        return Err(format!(
                            "{path}.deployment: no Deployment {d:?} in namespace {ns:?}{}",
                            if known.is_empty() { String::new() } else { format!(" (the manifests define: {})", known.join(", ")) }
                        ));
                    }
                    if let Some(load) = load {
                        self.kube.loads.insert(dkey, load);
                    }
                }
                (None, Some(sv)) => {
                    let skey = key(&ns, sv);
                    match self.kube.objects.get(&format!("Service/{skey}")) {
                        Some(super::model::Object::Service(x)) if x.service_type == super::model::ServiceType::ExternalName => {
                            return Err(format!("{path}.service: Service {sv:?} is an ExternalName Service: it has no endpoints to send requests to"));
                        }
                        Some(_) => {}
                        None => {
                            let known: Vec<String> = self.k_services().into_iter().filter(|(k, _)| k.starts_with(&format!("{ns}/"))).map(|(_, x)| x.meta.name.clone()).collect();
                            return Err(format!(
                                "{path}.service: no Service {sv:?} in namespace {ns:?}{}",
                                if known.is_empty() { String::new() } else { format!(" (the manifests define: {})", known.join(", ")) }
                            ));
                        }
                    }
                    if let Some(load) = load {
                        self.kube.service_loads.insert(skey, load);
                    }
                }
                _ => return Err(format!("{path}: give either \"deployment\" or \"service\" (the load goes to that Deployment's Ready pods or that Service's ready endpoints)")),
            }
            for (j, c) in t.calls.iter().enumerate() {
                let route = self.k_call_route(&caller, &ns, c, &format!("{path}.calls[{j}]"))?;
                self.kube.calls.push(route);
            }
        }
        Ok(())
    }

    /// Requests per second arriving at a Deployment (`namespace/name`) now; 0 without a load.
    pub(crate) fn k_deployment_rps(&self, dkey: &str, now: Millis) -> f64 {
        self.kube.loads.get(dkey).map(|l: &Load| l.rps_at(now)).unwrap_or(0.0)
    }

    /// A running pod's memory working set now, bytes (`None` before its container started or
    /// after it finished). `rps`: the requests/s it serves.
    pub(crate) fn k_pod_memory(&self, pod_key: &str, now: Millis, rps: f64) -> Option<i64> {
        let p = self.kube.pods.get(pod_key)?;
        if p.terminal() || p.phase != PodPhase::Running {
            return None;
        }
        let started = p.started_at?;
        let b = self.k_behavior(pod_key);
        let c = p.pod.spec.containers.first()?;
        let mib: i64 = 1 << 20;
        let start = b.memory_mib.map(|m| m as f64).unwrap_or_else(|| ((c.resources.requests.memory.unwrap_or(0) / mib) / 2) as f64);
        let minutes = now.saturating_sub(started) as f64 / 60_000.0;
        let in_flight = rps * b.base_latency_ms / 1000.0;
        let total = start + b.memory_leak_mib_per_minute * minutes + in_flight * b.memory_per_request_mib;
        if !total.is_finite() || total <= 0.0 {
            return Some(0);
        }
        Some((total * mib as f64) as i64)
    }

    /// Requests per second arriving at a Service (`namespace/name`) now; 0 without a load.
    pub(crate) fn k_service_rps(&self, skey: &str, now: Millis) -> f64 {
        self.kube.service_loads.get(skey).map(|l| l.rps_at(now)).unwrap_or(0.0)
    }

    /// Is there any load on the cluster (a Deployment's or a Service's)?
    pub(crate) fn k_has_loads(&self) -> bool {
        !self.kube.loads.is_empty() || !self.kube.service_loads.is_empty() || !self.kube.calls.is_empty()
    }

    /// Every loaded pod's share now, by pod key. Pods of Deployments without a load, and pods
    /// that are not Ready, are absent (they use no CPU for requests). A pod that gets requests
    /// from several sources (its Deployment's load and a Service's) serves their sum.
    pub(crate) fn k_pod_loads(&self, now: Millis) -> BTreeMap<String, PodLoad> {
        let rps_by_pod = self.k_flows(now).served;
        let mut out = BTreeMap::new();
        for (pk, each) in rps_by_pod {
            {
                let Some(p) = self.kube.pods.get(&pk) else { continue };
                let limits: Vec<Option<i64>> = p.pod.spec.containers.iter().map(|c| c.resources.limits.cpu_milli).collect();
                let limited = !limits.is_empty() && limits.iter().all(Option::is_some);
                let cap = if limited {
                    limits.iter().flatten().sum()
                } else {
                    p.node.as_ref().and_then(|n| self.kube.nodes.iter().find(|x| &x.name == n)).map(|n| n.allocatable.cpu_milli).unwrap_or(0)
                };
                let b = self.k_behavior(&pk);
                let demand = cpu_milli(each, b.cpu_ms_per_request, i64::MAX);
                out.insert(pk.clone(), PodLoad { rps: each, cpu_milli: cpu_milli(each, b.cpu_ms_per_request, cap), cap_milli: cap, demand_milli: demand, throttled: limited && demand > cap });
            }
        }
        out
    }

    /// The response-time model for pod `pod_key` serving `l` (see the module's comment): the ECS
    /// tasks' queueing model with the pod's CPU cap (limit, else node allocatable) as its CPU.
    pub(crate) fn k_pod_response(&self, pod_key: &str, l: &PodLoad) -> TaskOutput {
        let b = self.k_behavior(pod_key);
        queueing::serve(queueing::capacity_rps(l.cap_milli as f64, b.cpu_ms_per_request), l.rps, b.base_latency_ms, b.error_rate)
    }

    /// The Ready, running pods of a Deployment (`namespace/name`), by pod key.
    pub(crate) fn k_deployment_ready_pods(&self, dkey: &str) -> Vec<String> {
        self.kube
            .pods
            .iter()
            .filter(|(_, p)| p.active() && p.ready && p.phase == PodPhase::Running)
            .filter(|(_, p)| match &p.owner {
                Some((kind, rs)) if kind == "ReplicaSet" => self.kube.replica_sets.get(&key(&p.namespace, rs)).and_then(|r| r.deployment.as_deref()) == Some(dkey),
                _ => false,
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Requests/s each pod receives from outside the cluster now (Deployment and Service loads).
    pub(crate) fn k_external_rps(&self, now: Millis) -> BTreeMap<String, f64> {
        let mut rps_by_pod: BTreeMap<String, f64> = BTreeMap::new();
        // A Service's requests go to its ready endpoints, evenly (kube-proxy).
        for (skey, load) in &self.kube.service_loads {
            let ready = self.k_ready_endpoint_pods(skey);
            if ready.is_empty() {
                continue;
            }
            let each = load.rps_at(now) / ready.len() as f64;
            for pk in ready {
                *rps_by_pod.entry(pk).or_default() += each;
            }
        }
        for dkey in self.kube.loads.keys() {
            let rps = self.k_deployment_rps(dkey, now);
            let ready = self.k_deployment_ready_pods(dkey);
            if ready.is_empty() {
                continue;
            }
            let each = rps / ready.len() as f64;
            for pk in ready {
                *rps_by_pod.entry(pk).or_default() += each;
            }
        }
        rps_by_pod
    }
}

#[cfg(test)]
mod tests {
    use super::cpu_milli;

    #[test]
    fn usage_is_requests_times_cost_truncated_and_capped() {
        // 20 requests/s × 10 ms = 200 ms of CPU per second = 200 m.
        assert_eq!(cpu_milli(20.0, 10.0, 1000), 200);
        // 12.5 × 7 = 87.5 → 87 (truncated to whole millicores).
        assert_eq!(cpu_milli(12.5, 7.0, 1000), 87);
        // 80 × 10 = 800 m but the limit is 500 m: throttled at the limit.
        assert_eq!(cpu_milli(80.0, 10.0, 500), 500);
        assert_eq!(cpu_milli(0.0, 10.0, 500), 0);
    }
}
