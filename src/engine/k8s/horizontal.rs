//! The HorizontalPodAutoscaler controller in the simulation (kubernetes/kubernetes
//! `pkg/controller/podautoscaler/horizontal.go`, `reconcileAutoscaler`), on top of the pure
//! arithmetic in [`crate::engine::autoscaling::hpa`].
//!
//! Every 15 s (`--horizontal-pod-autoscaler-sync-period`; the first sync when the HPA is
//! created) each HPA, in name order:
//! 1. finds its `scaleTargetRef` Deployment (other kinds are not simulated) and its current
//!    `spec.replicas`; 0 replicas means scaling is disabled, as upstream;
//! 2. if the current count is above `maxReplicas` or below `minReplicas`, the desired count is
//!    that bound ("Current number of replicas above Spec.MaxReplicas");
//! 3. otherwise groups the pods the Deployment's selector matches as `groupPods` does — being
//!    deleted or finished: ignored; Pending or Running but not Ready: unready; Ready: its CPU usage
//!    from [`super::load`] — and asks [`hpa::resource_replicas`] for the CPU utilization target
//!    (tolerance 0.1). A metrics error (no Ready pod yet) skips the HPA this round, as upstream
//!    leaves the scale alone when every metric is invalid;
//! 4. stabilises and rate-limits the recommendation with [`hpa::HpaBehavior::normalize`] (the
//!    manifest's `behavior`, defaults filled in) and, if the count changes, sets the Deployment's
//!    replicas and logs `hpaScaled` with upstream's reason text.
//!
//! Only `type: Resource`, `name: cpu`, `target.type: Utilization` metrics are evaluated; with
//! several metrics upstream takes the largest recommendation — Berth reads the CPU one.

use crate::engine::autoscaling::hpa::{self, HpaBehavior};
use crate::engine::event::EventKind;
use crate::engine::sim::Engine;

use super::model::{HorizontalPodAutoscaler, HpaMetric, MetricTarget, Object};
use super::sim::{key, ns_of, KubeItem, PodPhase};

/// An HPA's controller state: the behaviour with its history of recommendations and scale
/// events, rebuilt when the HPA's spec changes.
#[derive(Debug, Clone)]
pub(crate) struct HpaRuntime {
    pub spec: HorizontalPodAutoscaler,
    pub behavior: HpaBehavior,
    /// The last observed utilization (% of request) and desired replicas, for the snapshot.
    pub last: Option<(i64, u32)>,
}

impl PartialEq for HpaRuntime {
    fn eq(&self, other: &Self) -> bool {
        // `HpaBehavior` keeps its history private; its Debug text shows all of it.
        self.spec == other.spec && self.last == other.last && format!("{:?}", self.behavior) == format!("{:?}", other.behavior)
    }
}

/// The CPU utilization target of an HPA, if it has one.
pub(crate) fn cpu_target(h: &HorizontalPodAutoscaler) -> Option<i64> {
    h.metrics.iter().find_map(|m| match m {
        HpaMetric::Resource { name, target: MetricTarget::Utilization(u) } if name == "cpu" => Some(*u),
        _ => None,
    })
}

impl Engine {
    /// Starts the 15-second HPA loop the first time an HPA exists.
    pub(crate) fn k_hpa_started(&mut self) {
        if !self.kube.hpa_ticking && self.kube.objects.values().any(|o| matches!(o, Object::HorizontalPodAutoscaler(_))) {
            self.kube.hpa_ticking = true;
            self.k_push(0, KubeItem::HpaSync);
        }
    }

    /// One pass of the HPA controller over every HPA; queues the next pass.
    pub(crate) fn k_hpa_sync(&mut self) {
        let now = self.now();
        let hpas: Vec<(String, HorizontalPodAutoscaler)> = self
            .kube
            .objects
            .iter()
            .filter_map(|(k, o)| match o {
                Object::HorizontalPodAutoscaler(h) => Some((k.clone(), h.clone())),
                _ => None,
            })
            .collect();
        self.kube.hpas.retain(|k, _| hpas.iter().any(|(hk, _)| hk == k));
        if hpas.is_empty() {
            self.kube.hpa_ticking = false;
            return;
        }
        let loads = self.k_pod_loads(now);
        for (hk, h) in hpas {
            let ns = ns_of(&h.meta);
            let min = h.min_replicas.clamp(0, u32::MAX as i64) as u32;
            let max = h.max_replicas.clamp(0, u32::MAX as i64) as u32;
            let rt = self.kube.hpas.entry(hk.clone()).or_insert_with(|| HpaRuntime { spec: h.clone(), behavior: HpaBehavior::new(min, max, h.scale_up.clone(), h.scale_down.clone()), last: None });
            if rt.spec != h {
                *rt = HpaRuntime { spec: h.clone(), behavior: HpaBehavior::new(min, max, h.scale_up.clone(), h.scale_down.clone()), last: None };
            }
            if h.scale_target_ref.kind != "Deployment" {
                continue;
            }
            let dkey = key(&ns, &h.scale_target_ref.name);
            let Some(d) = self.kube.deployments.get(&dkey) else { continue };
            let current = d.d.replicas.clamp(0, u32::MAX as i64) as u32;
            let selector = d.d.selector.clone();
            let Some(target) = cpu_target(&h) else { continue };
            if current == 0 {
                continue;
            }
            let target_u = target.clamp(0, u32::MAX as i64) as u32;
            let (desired, reason, util) = if current > max {
                (max, "Current number of replicas above Spec.MaxReplicas".to_string(), None)
            } else if current < min {
                (min, "Current number of replicas below Spec.MinReplicas".to_string(), None)
            } else {
                let pods: Vec<hpa::Pod> = self
                    .kube
                    .pods
                    .iter()
                    .filter(|(_, p)| p.namespace == ns && selector.matches(&p.pod.meta.labels))
                    .map(|(pk, p)| {
                        let request = super::scheduler::pod_requests(&p.pod.spec, false).0.max(0) as u64;
                        let state = if p.terminating || p.terminal() {
                            hpa::PodState::Ignored
                        } else if p.phase == PodPhase::Pending || !p.ready {
                            hpa::PodState::Unready
                        } else {
                            hpa::PodState::Ready
                        };
                        let usage = loads.get(pk).map(|l| l.cpu_milli.max(0) as u64).unwrap_or(0);
                        hpa::Pod { request, usage: Some(usage), state }
                    })
                    .collect();
                let Ok(rec) = hpa::resource_replicas(current, &pods, target_u, hpa::DEFAULT_TOLERANCE) else { continue };
                let metric = "cpu resource utilization (percentage of request)";
                let reason = if rec.replicas > current { format!("{metric} above target") } else { "All metrics below target".to_string() };
                let Some(rt) = self.kube.hpas.get_mut(&hk) else { continue };
                let normalized = rt.behavior.normalize(now, current, rec.replicas);
                (normalized, reason, Some(rec.utilization))
            };
            let Some(rt) = self.kube.hpas.get_mut(&hk) else { continue };
            rt.last = Some((util.unwrap_or(-1), desired));
            if desired == current {
                continue;
            }
            if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                d.d.replicas = desired as i64;
            }
            self.emit(EventKind::HpaScaled {
                hpa: h.meta.name.clone(),
                namespace: ns.clone(),
                target_ref: format!("Deployment/{}", h.scale_target_ref.name),
                from: current,
                to: desired,
                metric: "cpu".into(),
                current: util.unwrap_or(-1),
                target,
                reason,
            });
        }
        self.k_push(hpa::SYNC_PERIOD_MS, KubeItem::HpaSync);
    }
}
