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
//!   out, before its tolerance), and `RequestsPerSecond` served by those pods, all at that
//!   instant (the load model is instantaneous, see `load.rs`).

use crate::engine::sim::Engine;
use crate::engine::time::Millis;

use super::scheduler::pod_requests;

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
