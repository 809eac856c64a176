//! Each Deployment's one-minute metrics, recorded with the cluster's other minute metrics
//! (`traffic/metrics.rs`, `Engine::record_minute_metrics_through`): what the sandbox's Charts tab
//! draws for a Deployment and what a lesson's `metric` goal can name. The scope is the
//! Deployment's `namespace/name`, so the series are `default/web/ReadyReplicas` and so on
//! (docs/kubernetes.md, "Metrics").
//!
//! * `DesiredReplicas` (`spec.replicas`), `ReadyReplicas` (pods Ready), `NotReadyReplicas`
//!   (pods that exist but are not Ready: pending, starting, failing their readiness probe) —
//!   as `kubectl get deployment` would show them at the end of the minute;
//! * once the scenario has any load (a Deployment's or a Service's; every Deployment then gets
//!   them, 0 for one that serves nothing): `CPUUtilization` and `MemoryUtilization` — Σ usage /
//!   Σ requests over the Deployment's Ready pods, % (the ratio the HPA's resource metric works
//!   out, before its tolerance), and `RequestsPerSecond` sent to those pods, all at that
//!   instant (the load model is instantaneous, see `load.rs`);
//! * with the load, the response-time model of the ECS services (`traffic/queueing.rs`, applied
//!   to each pod by `load.rs`): `5xxPerSecond` (requests/s beyond the pods' capacity, rejected
//!   with a 503, plus the behaviour's `errorRate` of those served) and, while the pods serve
//!   anything, `TargetResponseTime` (mean) and `TargetResponseTime:p50`, `:p95`, `:p99` in
//!   seconds, as ECS names and measures them: the quantiles of the mix of the Ready pods'
//!   latency distributions, each weighted by the requests it serves.

use std::collections::BTreeMap;

use crate::engine::sim::Engine;
use crate::engine::time::Millis;
use crate::engine::traffic::queueing::latency_summary;

use super::load::PodLoad;
use super::scheduler::pod_requests;

/// What a Deployment's Ready pods answer at one instant: the ECS response-time model applied to
/// each pod (`Engine::k_pod_response`), summed, and the latency of their mix.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeploymentResponse {
    /// Requests/s sent to the Ready pods.
    pub offered_rps: f64,
    /// Answered (not rejected for want of capacity); the app's errors included.
    pub served_rps: f64,
    /// Rejected beyond the pods' capacity (503) plus the behaviour's `errorRate` of those served.
    pub failed_rps: f64,
    /// Mean and quantiles of the response time, ms; `None` while nothing is served.
    pub mean_ms: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// A Deployment as it is between two steps: its replica counts and its Ready pods' requests.
pub(crate) struct DeploymentMinute {
    key: String,
    points: [(&'static str, f64); 3],
    /// (pod key, CPU requested, memory requested) of each Ready pod.
    ready: Vec<(String, i64, i64)>,
}

impl Engine {
    /// Every Deployment's replica counts and Ready pods now (nothing changes between two steps,
    /// so several minute boundaries in a row share them).
    pub(crate) fn k_minute_state(&self) -> Vec<DeploymentMinute> {
        if !self.kube.enabled {
            return Vec::new();
        }
        self.kube
            .deployments
            .iter()
            .map(|(dkey, ds)| {
                let v = self.k_deployment_view(dkey, ds, self.now());
                let ready = self
                    .k_deployment_ready_pods(dkey)
                    .into_iter()
                    .filter_map(|pk| {
                        let (rc, rm) = pod_requests(&self.kube.pods.get(&pk)?.pod.spec, false);
                        Some((pk, rc, rm))
                    })
                    .collect();
                DeploymentMinute {
                    key: dkey.clone(),
                    points: [("DesiredReplicas", v.desired as f64), ("ReadyReplicas", v.ready as f64), ("NotReadyReplicas", (v.replicas - v.ready).max(0) as f64)],
                    ready,
                }
            })
            .collect()
    }

    /// What the pods `ready` (keys) answer under `loads` (from [`Engine::k_pod_loads`]): each
    /// pod's share through the queueing model; the latency is the mix of the pods'
    /// distributions, each weighted by the requests it serves (pods alike share one component,
    /// so equal pods give the one-pod formula exactly), as for an ECS service's tasks.
    pub(crate) fn k_response_of<'a>(&self, ready: impl Iterator<Item = &'a str>, loads: &BTreeMap<String, PodLoad>) -> DeploymentResponse {
        let mut r = DeploymentResponse::default();
        // (base bits, mean wait bits) → requests/s served with that latency distribution.
        let mut latency: BTreeMap<(u64, u64), f64> = BTreeMap::new();
        for pk in ready {
            let Some(l) = loads.get(pk) else { continue };
            let o = self.k_pod_response(pk, l);
            r.offered_rps += l.rps;
            r.failed_rps += o.rejected_rps + o.error_rps;
            if o.served_rps > 0.0 {
                r.served_rps += o.served_rps;
                *latency.entry((o.base_latency_ms.to_bits(), o.mean_wait_ms.to_bits())).or_default() += o.served_rps;
            }
        }
        if r.served_rps > 0.0 {
            let parts: Vec<(f64, f64, f64)> = latency.iter().map(|((b, w), n)| (*n, f64::from_bits(*b), f64::from_bits(*w))).collect();
            [r.mean_ms, r.p50_ms, r.p95_ms, r.p99_ms] = latency_summary(&parts, r.served_rps);
        }
        r
    }

    /// What the Deployment `namespace/name` answers now (the Charts tab's live summary); `None`
    /// when the scenario has no load (then no response times are modelled).
    pub fn k_deployment_response(&self, dkey: &str) -> Option<DeploymentResponse> {
        if !self.kube.enabled || !self.k_has_loads() || !self.kube.deployments.contains_key(dkey) {
            return None;
        }
        let loads = self.k_pod_loads(self.now());
        let ready = self.k_deployment_ready_pods(dkey);
        Some(self.k_response_of(ready.iter().map(String::as_str), &loads))
    }

    /// Every Deployment's datapoints at the minute boundary `t`, from `state` (the cluster as it
    /// is now; no step has run since `t`) and the load at `t`. A series with a datapoint at `t`
    /// already is left alone.
    pub(crate) fn k_publish_minute(&mut self, t: Millis, state: &[DeploymentMinute]) {
        if state.is_empty() {
            return;
        }
        let loaded = self.k_has_loads();
        let loads = if loaded { self.k_pod_loads(t) } else { Default::default() };
        let mut rows: Vec<(String, Vec<(&'static str, f64)>)> = Vec::with_capacity(state.len());
        for d in state {
            let mut points = d.points.to_vec();
            if loaded {
                let (mut cpu_used, mut cpu_req, mut mem_used, mut mem_req, mut rps) = (0i64, 0i64, 0i64, 0i64, 0f64);
                for (pk, rc, rm) in &d.ready {
                    let l = loads.get(pk);
                    let served = l.map(|l| l.rps).unwrap_or(0.0);
                    cpu_used += l.map(|l| l.cpu_milli).unwrap_or(0);
                    mem_used += self.k_pod_memory(pk, t, served).unwrap_or(0);
                    cpu_req += rc;
                    mem_req += rm;
                    rps += served;
                }
                if cpu_req > 0 {
                    points.push(("CPUUtilization", 100.0 * cpu_used as f64 / cpu_req as f64));
                }
                if mem_req > 0 {
                    points.push(("MemoryUtilization", 100.0 * mem_used as f64 / mem_req as f64));
                }
                points.push(("RequestsPerSecond", rps));
                let r = self.k_response_of(d.ready.iter().map(|(pk, _, _)| pk.as_str()), &loads);
                points.push(("5xxPerSecond", r.failed_rps));
                if let (Some(mean), Some(p50), Some(p95), Some(p99)) = (r.mean_ms, r.p50_ms, r.p95_ms, r.p99_ms) {
                    points.extend([("TargetResponseTime", mean / 1000.0), ("TargetResponseTime:p50", p50 / 1000.0), ("TargetResponseTime:p95", p95 / 1000.0), ("TargetResponseTime:p99", p99 / 1000.0)]);
                }
            }
            rows.push((d.key.clone(), points));
        }
        let m = &mut self.traffic.metrics;
        for (dkey, points) in rows {
            for (name, value) in points {
                let series = format!("{dkey}/{name}");
                if m.latest(&series).is_none_or(|(x, _)| x < t) {
                    m.put(&series, t, value);
                }
            }
        }
    }
}
