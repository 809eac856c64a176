//! Each Deployment's one-minute metrics, recorded with the cluster's other minute metrics
//! (`traffic/metrics.rs`, `Engine::record_minute_metrics_through`): what the sandbox's Charts tab
//! draws for a Deployment and what a lesson's `metric` goal can name. The scope is the
//! Deployment's `namespace/name`, so the series are `default/web/ReadyReplicas` and so on
//! (docs/kubernetes.md, "Metrics").
//!
//! * `DesiredReplicas` (`spec.replicas`), `ReadyReplicas` (pods Ready), `NotReadyReplicas`
//!   (pods that exist but are not Ready: pending, starting, failing their readiness probe) —
//!   as `kubectl get deployment` would show them at the end of the minute;
//! * with a load on the cluster: `CPUUtilization` and `MemoryUtilization` — Σ usage / Σ requests
//!   over the Deployment's Ready pods, % (the ratio the HPA's resource metric works out, before
//!   its tolerance), and `RequestsPerSecond` served by those pods, all at that instant (the load
//!   model is instantaneous, see `load.rs`).

use crate::engine::sim::Engine;
use crate::engine::time::Millis;

use super::scheduler::pod_requests;

impl Engine {
    /// Every Deployment's datapoints at the minute boundary `t` (the cluster as it is now; no
    /// step has run since `t`). A series with a datapoint at `t` already is left alone.
    pub(crate) fn k_publish_minute(&mut self, t: Millis) {
        if !self.kube.enabled || self.kube.deployments.is_empty() {
            return;
        }
        let loaded = self.k_has_loads();
        let loads = if loaded { self.k_pod_loads(t) } else { Default::default() };
        let mut rows: Vec<(String, Vec<(&'static str, f64)>)> = Vec::new();
        for (dkey, ds) in &self.kube.deployments {
            let v = self.k_deployment_view(dkey, ds, t);
            let mut points = vec![("DesiredReplicas", v.desired as f64), ("ReadyReplicas", v.ready as f64), ("NotReadyReplicas", (v.replicas - v.ready).max(0) as f64)];
            if loaded {
                let (mut cpu_used, mut cpu_req, mut mem_used, mut mem_req, mut rps) = (0i64, 0i64, 0i64, 0i64, 0f64);
                for pk in self.k_deployment_ready_pods(dkey) {
                    let Some(p) = self.kube.pods.get(&pk) else { continue };
                    let (rc, rm) = pod_requests(&p.pod.spec, false);
                    let l = loads.get(&pk);
                    let served = l.map(|l| l.rps).unwrap_or(0.0);
                    cpu_used += l.map(|l| l.cpu_milli).unwrap_or(0);
                    mem_used += self.k_pod_memory(&pk, t, served).unwrap_or(0);
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
            rows.push((dkey.clone(), points));
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
