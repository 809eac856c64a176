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
//! Metrics (`computeReplicasForMetrics`): every metric of `spec.metrics` proposes a replica
//! count; the HPA takes the **largest** proposal (the first one on a tie) and names that metric;
//! a metric Berth cannot supply is invalid and skipped; if every metric is invalid the HPA does
//! nothing this round — all as upstream (horizontal.go, `computeReplicasForMetrics`: "if err ==
//! nil && (replicas == 0 || replicaCountProposal > replicas)", and "If all metrics are invalid
//! return error"). The metrics Berth supplies:
//! * `Resource` `cpu` / `memory`, target `Utilization` ([`hpa::resource_replicas`]) or
//!   `AverageValue` (`GetRawResourceReplicas`: the plain per-pod calculation below). For CPU,
//!   pods that are Pending or not Ready are unready; for memory only Pending pods are (upstream's
//!   `groupPods` checks readiness for CPU only). Memory usage: [`Engine::k_pod_memory`].
//! * `Pods` `requests_per_second` (also `http_requests_per_second`): each Ready pod's requests/s
//!   from the load model, target `AverageValue` ([`plain_metric_replicas`],
//!   `calcPlainMetricReplicas`).
//! * `Object` `requests_per_second` of a `Service` or `Deployment` (`describedObject`): the load
//!   offered to it; target `Value` (`GetObjectMetricReplicas`: `ceil(usage/target × ready pods)`)
//!   or `AverageValue` (`GetObjectPerPodMetricReplicas`: `ceil(usage/target)`).
//! * `External` `requests_per_second`: the load offered to the scale target (its Deployment's
//!   load plus the loads of Services whose selector matches its pods); target `Value` or
//!   `AverageValue`, as for Object.
//! Values are compared in milli-units (`MilliValue`), as upstream.

use crate::engine::autoscaling::hpa::{self, HpaBehavior};
use crate::engine::event::EventKind;
use crate::engine::sim::Engine;

use super::model::{HorizontalPodAutoscaler, HpaMetric, MetricTarget, Object};
use super::sim::{key, ns_of, HpaCondition, KubeItem, PodPhase};

/// An HPA's controller state: the behaviour with its history of recommendations and scale
/// events, rebuilt when the HPA's spec changes.
#[derive(Debug, Clone)]
pub(crate) struct HpaRuntime {
    pub spec: HorizontalPodAutoscaler,
    pub behavior: HpaBehavior,
    /// The last observed utilization (% of request) and desired replicas, for the snapshot.
    pub last: Option<(i64, u32)>,
    /// kubectl's TARGETS column at the last sync, one entry per metric (`memory: 40%/60%`,
    /// `pods/requests_per_second: 16/10`, `<unknown>` when Berth could not supply it).
    pub targets: Vec<String>,
    /// `status.conditions` (AbleToScale, ScalingActive, ScalingLimited) in the order they were
    /// first set, each updated in place as upstream's `setCondition` does.
    pub conditions: Vec<HpaCondition>,
}

impl HpaRuntime {
    fn new(spec: &HorizontalPodAutoscaler, min: u32, max: u32) -> HpaRuntime {
        HpaRuntime { spec: spec.clone(), behavior: HpaBehavior::new(min, max, spec.scale_up.clone(), spec.scale_down.clone()), last: None, targets: Vec::new(), conditions: Vec::new() }
    }

    /// horizontal.go `setCondition`: replaces the condition of that type, or appends it.
    fn set(&mut self, kind: &str, status: bool, reason: &str, message: String) {
        let c = HpaCondition { kind: kind.to_string(), status, reason: reason.to_string(), message };
        match self.conditions.iter_mut().find(|x| x.kind == kind) {
            Some(x) => *x = c,
            None => self.conditions.push(c),
        }
    }
}

impl PartialEq for HpaRuntime {
    fn eq(&self, other: &Self) -> bool {
        // `HpaBehavior` keeps its history private; its Debug text shows all of it.
        self.spec == other.spec && self.last == other.last && self.targets == other.targets && self.conditions == other.conditions && format!("{:?}", self.behavior) == format!("{:?}", other.behavior)
    }
}

/// The CPU utilization target of an HPA, if it has one.
pub(crate) fn cpu_target(h: &HorizontalPodAutoscaler) -> Option<i64> {
    h.metrics.iter().find_map(|m| match m {
        HpaMetric::Resource { name, target: MetricTarget::Utilization(u) } if name == "cpu" => Some(*u),
        _ => None,
    })
}

/// Metric names Berth can supply for Pods, Object and External metrics.
pub const RPS_METRICS: &[&str] = &["requests_per_second", "http_requests_per_second"];

/// One metric's proposal (`computeReplicasForMetric`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Proposal {
    pub replicas: u32,
    /// Short name for the event's `metric` field: `cpu`, `memory`, `pods/requests_per_second`, ...
    pub metric: String,
    /// Upstream's metric name for the reason text (`memory resource utilization (percentage of request)`).
    pub reason_name: String,
    /// The current value and target in the event's units: % for utilization, millicores for CPU
    /// values, MiB for memory values, requests/s for the rest.
    pub current: i64,
    pub target: i64,
}

fn within(ratio: f64, tolerance: f64) -> bool {
    (1.0 - ratio).abs() <= tolerance
}

fn ceil_u32(x: f64) -> u32 {
    let c = x.ceil();
    if c <= 0.0 {
        0
    } else if c >= u32::MAX as f64 {
        u32::MAX
    } else {
        c as u32
    }
}

/// `calcPlainMetricReplicas` (replica_calculator.go) for a per-pod metric with an average-value
/// target, milli-units. `pods`: each pod's value (`None`: no metric) and its `groupPods` state.
/// Unready pods are dropped, and count 0 when the ratio says scale up; pods without a metric count
/// as the target on a scale-down and 0 on a scale-up; the answer is kept if the ratio is within
/// the tolerance or the extra pods flip its direction. Returns (replicas, average usage).
pub(crate) fn plain_metric_replicas(current: u32, pods: &[(Option<u64>, hpa::PodState)], target: u64, tolerance: f64) -> Result<(u32, i64), String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    if target == 0 {
        return Err("target value must be greater than 0".into());
    }
    let mut values: Vec<u64> = pods.iter().filter(|p| p.1 == hpa::PodState::Ready).filter_map(|p| p.0).collect();
    let ready = values.len();
    let missing = pods.iter().filter(|p| p.1 == hpa::PodState::Ready && p.0.is_none()).count();
    let unready = pods.iter().filter(|p| p.1 == hpa::PodState::Unready).count();
    if ready == 0 {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    // GetMetricUsageRatio: the average in integer division, over the target.
    let avg = |v: &[u64]| -> (f64, i64) {
        let total: u128 = v.iter().map(|x| *x as u128).sum();
        let usage = (total / v.len().max(1) as u128).min(i64::MAX as u128) as i64;
        (usage as f64 / target as f64, usage)
    };
    let (ratio, usage) = avg(&values);
    let scale_up_with_unready = unready > 0 && ratio > 1.0;
    if !scale_up_with_unready && missing == 0 {
        if within(ratio, tolerance) {
            return Ok((current, usage));
        }
        return Ok((ceil_u32(ratio * ready as f64), usage));
    }
    if missing > 0 {
        if ratio < 1.0 {
            values.extend(std::iter::repeat_n(target, missing));
        } else {
            values.extend(std::iter::repeat_n(0, missing));
        }
    }
    if scale_up_with_unready {
        values.extend(std::iter::repeat_n(0, unready));
    }
    let (new_ratio, _) = avg(&values);
    if within(new_ratio, tolerance) || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok((current, usage));
    }
    let replicas = ceil_u32(new_ratio * values.len() as f64);
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok((current, usage));
    }
    Ok((replicas, usage))
}

/// `getUsageRatioReplicaCount` (Object and External metrics with a `Value` target): within the
/// tolerance keep `current`, else `ceil(usage/target × ready pods)` (Running and Ready).
pub(crate) fn value_replicas(current: u32, usage: u64, target: u64, ready_pods: u32, tolerance: f64) -> Result<u32, String> {
    if target == 0 {
        return Err("target value must be greater than 0".into());
    }
    let ratio = usage as f64 / target as f64;
    if current == 0 {
        return Ok(ceil_u32(ratio));
    }
    if within(ratio, tolerance) {
        return Ok(current);
    }
    Ok(ceil_u32(ratio * ready_pods as f64))
}

/// `GetExternalPerPodMetricReplicas` / `GetObjectPerPodMetricReplicas` (`AverageValue` target):
/// the ratio is `usage / (target × current pods)`; outside the tolerance, `ceil(usage / target)`.
pub(crate) fn per_pod_replicas(status_replicas: u32, usage: u64, target: u64, tolerance: f64) -> Result<u32, String> {
    if target == 0 {
        return Err("target value must be greater than 0".into());
    }
    let ratio = usage as f64 / (target as f64 * status_replicas as f64);
    if within(ratio, tolerance) {
        return Ok(status_replicas);
    }
    Ok(ceil_u32(usage as f64 / target as f64))
}

fn milli(rps: f64) -> u64 {
    let m = rps * 1000.0;
    if !m.is_finite() || m <= 0.0 {
        0
    } else {
        m as u64
    }
}

impl Engine {
    /// Starts the 15-second HPA loop the first time an HPA exists.
    pub(crate) fn k_hpa_started(&mut self) {
        if !self.kube.hpa_ticking && self.kube.objects.values().any(|o| matches!(o, Object::HorizontalPodAutoscaler(_))) {
            self.kube.hpa_ticking = true;
            self.k_push(0, KubeItem::HpaSync);
        }
    }

    /// Requests/s offered to a Deployment: its own load plus the loads of Services whose selector
    /// matches its pod template (what an ALB or an external metrics adapter would count).
    fn k_offered_rps(&self, dkey: &str, now: crate::engine::time::Millis) -> f64 {
        let mut rps = self.k_deployment_rps(dkey, now);
        if let Some(d) = self.kube.deployments.get(dkey) {
            let labels = &d.d.template.meta.labels;
            for (skey, s) in self.k_services() {
                if ns_of(&s.meta) == d.namespace && !s.selector.is_empty() && s.selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                    rps += self.k_service_rps(&skey, now);
                }
            }
        }
        rps
    }

    /// One metric's proposal, or why it is invalid.
    fn k_hpa_metric(&self, m: &HpaMetric, ns: &str, dkey: &str, current: u32, loads: &std::collections::BTreeMap<String, super::load::PodLoad>) -> Result<Proposal, String> {
        let now = self.now();
        let Some(d) = self.kube.deployments.get(dkey) else { return Err("no target".into()) };
        let selector = &d.d.selector;
        let pods: Vec<(&String, &super::sim::PodState)> = self.kube.pods.iter().filter(|(_, p)| p.namespace == ns && selector.matches(&p.pod.meta.labels)).collect();
        let ignored = |p: &super::sim::PodState| p.terminating || p.terminal();
        let tol = hpa::DEFAULT_TOLERANCE;
        let ready_pods = pods.iter().filter(|(_, p)| !ignored(p) && p.ready && p.phase == PodPhase::Running).count() as u32;
        let status_replicas = pods.iter().filter(|(_, p)| !ignored(p)).count() as u32;
        match m {
            HpaMetric::Resource { name, target } if name == "cpu" || name == "memory" => {
                let cpu = name == "cpu";
                let samples: Vec<hpa::Pod> = pods
                    .iter()
                    .map(|(pk, p)| {
                        let (rc, rm) = super::scheduler::pod_requests(&p.pod.spec, false);
                        let state = if ignored(p) {
                            hpa::PodState::Ignored
                        } else if p.phase == PodPhase::Pending || (cpu && !p.ready) {
                            hpa::PodState::Unready
                        } else {
                            hpa::PodState::Ready
                        };
                        let rps = loads.get(*pk).map(|l| l.rps).unwrap_or(0.0);
                        let usage = if cpu { Some(loads.get(*pk).map(|l| l.cpu_milli.max(0) as u64).unwrap_or(0)) } else { self.k_pod_memory(pk, now, rps).map(|b| b.max(0) as u64) };
                        hpa::Pod { request: if cpu { rc.max(0) as u64 } else { rm.max(0) as u64 }, usage, state }
                    })
                    .collect();
                match target {
                    MetricTarget::Utilization(u) => {
                        let rec = hpa::resource_replicas(current, &samples, (*u).clamp(0, u32::MAX as i64) as u32, tol)?;
                        Ok(Proposal { replicas: rec.replicas, metric: name.clone(), reason_name: format!("{name} resource utilization (percentage of request)"), current: rec.utilization, target: *u })
                    }
                    MetricTarget::AverageValueMilli(v) => {
                        // GetRawResourceReplicas: the plain per-pod calculation on usage (milli-units:
                        // millicores, or bytes × 1000 for memory).
                        let scale = if cpu { 1 } else { 1000 };
                        let values: Vec<(Option<u64>, hpa::PodState)> = samples.iter().map(|p| (p.usage.map(|x| x.saturating_mul(scale)), p.state)).collect();
                        let (replicas, usage) = plain_metric_replicas(current, &values, (*v).max(0) as u64, tol)?;
                        let show = |x: i64| if cpu { x } else { x / 1000 / (1 << 20) };
                        Ok(Proposal { replicas, metric: name.clone(), reason_name: format!("{name} resource"), current: show(usage), target: show(*v) })
                    }
                    MetricTarget::ValueMilli(_) => Err(format!("invalid resource metric source: {name} needs a Utilization or AverageValue target")),
                }
            }
            HpaMetric::Resource { name, .. } => Err(format!("unable to get metrics for resource {name}: Berth's metrics cover cpu and memory")),
            HpaMetric::ContainerResource { name, .. } => Err(format!("unable to get metrics for container resource {name}: not simulated")),
            HpaMetric::Other { metric_type, name, target, object } => {
                if !RPS_METRICS.contains(&name.as_str()) {
                    return Err(format!("unable to get metric {name}: Berth supplies {} only", RPS_METRICS.join(", ")));
                }
                let show = |x: i64| x / 1000;
                match (metric_type.as_str(), target) {
                    ("Pods", MetricTarget::AverageValueMilli(v)) => {
                        let values: Vec<(Option<u64>, hpa::PodState)> = pods
                            .iter()
                            .map(|(pk, p)| {
                                let state = if ignored(p) { hpa::PodState::Ignored } else if p.phase == PodPhase::Pending { hpa::PodState::Unready } else { hpa::PodState::Ready };
                                (Some(milli(loads.get(*pk).map(|l| l.rps).unwrap_or(0.0))), state)
                            })
                            .collect();
                        let (replicas, usage) = plain_metric_replicas(current, &values, (*v).max(0) as u64, tol)?;
                        Ok(Proposal { replicas, metric: format!("pods/{name}"), reason_name: format!("pods metric {name}"), current: show(usage), target: show(*v) })
                    }
                    ("Pods", _) => Err("a Pods metric needs an AverageValue target".into()),
                    ("Object" | "External", MetricTarget::AverageValueMilli(v) | MetricTarget::ValueMilli(v)) => {
                        let (usage, label, reason_name) = if metric_type == "Object" {
                            let (kind, oname) = object.clone().unwrap_or_default();
                            let rps = match kind.as_str() {
                                "Service" => {
                                    let skey = super::sim::key(ns, &oname);
                                    if !self.kube.objects.contains_key(&format!("Service/{skey}")) {
                                        return Err(format!("unable to get metric {name}: Service {oname:?} not found"));
                                    }
                                    self.k_service_rps(&skey, now)
                                }
                                "Deployment" => self.k_offered_rps(&super::sim::key(ns, &oname), now),
                                other => return Err(format!("unable to get metric {name}: Berth measures Services and Deployments, not {other:?}")),
                            };
                            (milli(rps), format!("object/{kind}/{oname}/{name}"), format!("{kind} metric {name}"))
                        } else {
                            (milli(self.k_offered_rps(dkey, now)), format!("external/{name}"), format!("external metric {name}(nil)"))
                        };
                        let target_m = (*v).max(0) as u64;
                        let (replicas, current_v) = if matches!(target, MetricTarget::ValueMilli(_)) {
                            (value_replicas(current, usage, target_m, ready_pods, tol)?, usage as i64)
                        } else {
                            let r = per_pod_replicas(status_replicas, usage, target_m, tol)?;
                            // The status shows the per-pod average, rounded up (as upstream).
                            (r, (usage as f64 / status_replicas.max(1) as f64).ceil() as i64)
                        };
                        Ok(Proposal { replicas, metric: label, reason_name, current: show(current_v), target: show(*v) })
                    }
                    _ => Err(format!("invalid {metric_type} metric source: neither a value target nor an average value target was set")),
                }
            }
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
            let rt = self.kube.hpas.entry(hk.clone()).or_insert_with(|| HpaRuntime::new(&h, min, max));
            if rt.spec != h {
                *rt = HpaRuntime::new(&h, min, max);
            }
            if h.scale_target_ref.kind != "Deployment" {
                continue;
            }
            let dkey = key(&ns, &h.scale_target_ref.name);
            let target = self.kube.deployments.get(&dkey).map(|d| d.d.replicas.clamp(0, u32::MAX as i64) as u32);
            let Some(rt) = self.kube.hpas.get_mut(&hk) else { continue };
            // reconcileAutoscaler: the target's scale first, then the metrics.
            let Some(current) = target else {
                rt.set("AbleToScale", false, "FailedGetScale", format!("the HPA controller was unable to get the target's current scale: deployments.apps \"{}\" not found", h.scale_target_ref.name));
                continue;
            };
            rt.set("AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale".into());
            if current == 0 {
                rt.set("ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero".into());
                continue;
            }
            let (desired, reason, shown) = if current > max {
                (max, "Current number of replicas above Spec.MaxReplicas".to_string(), None)
            } else if current < min {
                (min, "Current number of replicas below Spec.MinReplicas".to_string(), None)
            } else {
                // computeReplicasForMetrics: the largest valid proposal; none valid → no change.
                let mut best: Option<Proposal> = None;
                let mut targets = Vec::new();
                // The last invalid metric's condition (computeReplicasForMetrics).
                let mut invalid: Option<(&str, String)> = None;
                for m in &h.metrics {
                    let unit = if matches!(m, HpaMetric::Resource { target: MetricTarget::Utilization(_), .. }) { "%" } else { "" };
                    let p = match self.k_hpa_metric(m, &ns, &dkey, current, &loads) {
                        Ok(p) => p,
                        Err(e) => {
                            targets.push(format!("{}: <unknown>/{}{unit}", metric_label(m), target_of(m)));
                            // computeStatusForResourceMetricGeneric wraps the calculator's error.
                            let e = match m {
                                HpaMetric::Resource { name, .. } | HpaMetric::ContainerResource { name, .. } => format!("failed to get {name} utilization: {e}"),
                                HpaMetric::Other { .. } => e,
                            };
                            invalid = Some((failed_reason(m), e));
                            continue;
                        }
                    };
                    targets.push(format!("{}: {}{unit}/{}{unit}", p.metric, p.current, p.target));
                    if best.as_ref().is_none_or(|b| p.replicas > b.replicas) {
                        best = Some(p);
                    }
                }
                let Some(rt) = self.kube.hpas.get_mut(&hk) else { continue };
                rt.targets = targets;
                let Some(best) = best else {
                    if let Some((reason, e)) = invalid {
                        rt.set("ScalingActive", false, reason, format!("the HPA was unable to compute the replica count: {e}"));
                    }
                    continue;
                };
                rt.set("ScalingActive", true, "ValidMetricFound", format!("the HPA was able to successfully calculate a replica count from {}", best.reason_name));
                let reason = if best.replicas > current { format!("{} above target", best.reason_name) } else { "All metrics below target".to_string() };
                let n = rt.behavior.normalize_explained(now, current, best.replicas);
                rt.set("AbleToScale", true, n.able.0, n.able.1.into());
                match n.limited {
                    Some((r, m)) => rt.set("ScalingLimited", true, r, m.into()),
                    None => rt.set("ScalingLimited", false, "DesiredWithinRange", "the desired count is within the acceptable range".into()),
                }
                (n.replicas, reason, Some(best))
            };
            // The snapshot's CPU utilization (kubectl's TARGETS column for a CPU HPA).
            let cpu_util = match &shown {
                None => Some(-1),
                Some(p) if p.metric == "cpu" && cpu_target(&h).is_some() => Some(p.current),
                Some(_) => cpu_target(&h).and_then(|_| {
                    h.metrics.iter().find(|m| matches!(m, HpaMetric::Resource { name, target: MetricTarget::Utilization(_) } if name == "cpu")).and_then(|m| self.k_hpa_metric(m, &ns, &dkey, current, &loads).ok()).map(|p| p.current)
                }),
            };
            let Some(rt) = self.kube.hpas.get_mut(&hk) else { continue };
            rt.last = Some((cpu_util.unwrap_or(-1), desired));
            if desired == current {
                continue;
            }
            rt.set("AbleToScale", true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"));
            if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                d.d.replicas = desired as i64;
            }
            let (metric, cur, target) = match &shown {
                Some(p) => (p.metric.clone(), p.current, p.target),
                None => (h.metrics.first().map(metric_label).unwrap_or_else(|| "cpu".into()), -1, h.metrics.first().map(target_of).unwrap_or(0)),
            };
            self.emit(EventKind::HpaScaled {
                hpa: h.meta.name.clone(),
                namespace: ns.clone(),
                target_ref: format!("Deployment/{}", h.scale_target_ref.name),
                from: current,
                to: desired,
                metric,
                current: cur,
                target,
                reason,
            });
        }
        self.k_push(hpa::SYNC_PERIOD_MS, KubeItem::HpaSync);
    }
}

/// The event's `metric` for an HPA's metric spec.
fn metric_label(m: &HpaMetric) -> String {
    match m {
        HpaMetric::Resource { name, .. } | HpaMetric::ContainerResource { name, .. } => name.clone(),
        HpaMetric::Other { metric_type, name, object, .. } => match (metric_type.as_str(), object) {
            ("Object", Some((k, o))) => format!("object/{k}/{o}/{name}"),
            (t, _) => format!("{}/{name}", t.to_lowercase()),
        },
    }
}

/// The `ScalingActive` reason when a metric of this type cannot be read (horizontal.go
/// `computeStatusForResourceMetric` and its siblings).
fn failed_reason(m: &HpaMetric) -> &'static str {
    match m {
        HpaMetric::Resource { .. } => "FailedGetResourceMetric",
        HpaMetric::ContainerResource { .. } => "FailedGetContainerResourceMetric",
        HpaMetric::Other { metric_type, .. } => match metric_type.as_str() {
            "Pods" => "FailedGetPodsMetric",
            "Object" => "FailedGetObjectMetric",
            _ => "FailedGetExternalMetric",
        },
    }
}

/// The event's `target` for an HPA's metric spec (see [`Proposal`] for the units).
fn target_of(m: &HpaMetric) -> i64 {
    let t = match m {
        HpaMetric::Resource { target, .. } | HpaMetric::ContainerResource { target, .. } | HpaMetric::Other { target, .. } => target,
    };
    match t {
        MetricTarget::Utilization(u) => *u,
        MetricTarget::AverageValueMilli(v) | MetricTarget::ValueMilli(v) => *v / 1000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hpa::PodState::{Ignored, Ready, Unready};

    #[test]
    fn plain_metric_like_upstream() {
        // replica_calculator_test.go "TestReplicaCalcScaleUpCM": 3 pods at 20000, 10000, 30000
        // milli-units, target 15000 → average 20000, ratio 4/3 → ceil(4) = 4.
        assert_eq!(plain_metric_replicas(3, &[(Some(20000), Ready), (Some(10000), Ready), (Some(30000), Ready)], 15000, 0.1), Ok((4, 20000)));
        // "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale"-style: an unready pod counts 0 on a
        // scale-up: ready average 20000 / 15000 > 1; with the unready pod: (20000+20000+0)/3 =
        // 13333 / 15000 < 1 — the direction flips, so the count stays.
        assert_eq!(plain_metric_replicas(3, &[(Some(20000), Ready), (Some(20000), Ready), (None, Unready)], 15000, 0.1), Ok((3, 20000)));
        // Within the tolerance: 10500 / 10000.
        assert_eq!(plain_metric_replicas(2, &[(Some(10500), Ready), (Some(10500), Ready)], 10000, 0.1), Ok((2, 10500)));
        // Scale down: 5000 / 10000 × 4 = 2; ignored pods do not count.
        assert_eq!(plain_metric_replicas(4, &[(Some(5000), Ready), (Some(5000), Ready), (Some(5000), Ready), (Some(5000), Ready), (Some(90000), Ignored)], 10000, 0.1), Ok((2, 5000)));
    }

    #[test]
    fn object_and_external_targets() {
        // Value: 150 rps against 100 with 2 ready pods → ceil(1.5 × 2) = 3.
        assert_eq!(value_replicas(2, 150_000, 100_000, 2, 0.1), Ok(3));
        assert_eq!(value_replicas(2, 105_000, 100_000, 2, 0.1), Ok(2));
        // AverageValue: 150 rps, 10 per pod, 5 pods → ratio 3 → ceil(15) = 15.
        assert_eq!(per_pod_replicas(5, 150_000, 10_000, 0.1), Ok(15));
        assert_eq!(per_pod_replicas(15, 150_000, 10_000, 0.1), Ok(15));
    }
}
