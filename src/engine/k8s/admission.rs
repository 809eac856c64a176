//! Admission of a new pod, as the API server's admission plugins do it:
//!
//! 1. **LimitRanger** (kubernetes/kubernetes `plugin/pkg/admission/limitranger/admission.go`):
//!    for each `type: Container` item of the namespace's LimitRanges, a container without a CPU
//!    or memory limit gets `default`, without a request gets `defaultRequest` (which itself
//!    defaults to `default`); then `max` (on limits) and `min` (on requests) are enforced:
//!    `maximum cpu usage per Container is 1, but limit is 2`.
//! 2. **ResourceQuota** (`staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go`,
//!    `checkRequest`): for each quota in the namespace, the pod's usage of the tracked resources
//!    (`pods`, `requests.cpu`/`cpu`, `requests.memory`/`memory`, `limits.cpu`, `limits.memory`)
//!    added to what the namespace's pods already use must stay within `hard`, else
//!    `exceeded quota: NAME, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=2`
//!    listing only the exceeded resources, sorted (`prettyPrint`). A quota on a compute resource
//!    also requires every container to set it (`failed quota: NAME: must specify requests.cpu`).
//!    Pods that finished (Succeeded, Failed) do not count.

use std::collections::BTreeMap;

use crate::engine::sim::Engine;
use crate::engine::sort;

use super::model::*;
use super::quantity::{fmt_bytes, fmt_milli};
use super::sim::ns_of;

/// Σ over containers and sidecars, `max` with the largest init container plus the sidecars
/// before it (`resourcehelper.PodRequests`/`PodLimits`, `PodSpec::effective`).
fn pod_sum(spec: &PodSpec, f: &dyn Fn(&Container) -> Option<i64>) -> i64 {
    spec.effective(&|c| f(c).unwrap_or(0))
}

/// The pod's usage of every resource a quota can track.
pub fn pod_usage(spec: &PodSpec) -> BTreeMap<&'static str, i64> {
    let mut m = BTreeMap::new();
    m.insert("pods", 1);
    let rc = pod_sum(spec, &|c| c.resources.requests.cpu_milli) + spec.overhead.cpu_milli.unwrap_or(0);
    let rm = pod_sum(spec, &|c| c.resources.requests.memory) + spec.overhead.memory.unwrap_or(0);
    m.insert("requests.cpu", rc);
    m.insert("cpu", rc);
    m.insert("requests.memory", rm);
    m.insert("memory", rm);
    m.insert("limits.cpu", pod_sum(spec, &|c| c.resources.limits.cpu_milli));
    m.insert("limits.memory", pod_sum(spec, &|c| c.resources.limits.memory));
    m
}

fn show(resource: &str, v: i64) -> String {
    if resource.ends_with("cpu") {
        fmt_milli(v)
    } else if resource.ends_with("memory") {
        fmt_bytes(v)
    } else {
        v.to_string()
    }
}

/// Applies a LimitRange's Container defaults to a pod spec, then checks min and max.
pub fn apply_limit_range(spec: &mut PodSpec, lr: &LimitRange) -> Result<(), String> {
    for item in lr.limits.iter().filter(|i| i.limit_type == LimitType::Container) {
        for c in spec.containers.iter_mut().chain(spec.init_containers.iter_mut()) {
            let r = &mut c.resources;
            let def_req_cpu = item.default_request.cpu_milli.or(item.default.cpu_milli);
            let def_req_mem = item.default_request.memory.or(item.default.memory);
            if r.limits.cpu_milli.is_none() {
                r.limits.cpu_milli = item.default.cpu_milli;
            }
            if r.limits.memory.is_none() {
                r.limits.memory = item.default.memory;
            }
            if r.requests.cpu_milli.is_none() {
                r.requests.cpu_milli = def_req_cpu;
            }
            if r.requests.memory.is_none() {
                r.requests.memory = def_req_mem;
            }
        }
        for c in spec.containers.iter().chain(spec.init_containers.iter()) {
            let r = &c.resources;
            // (resource, max, min, the container's limit, its request)
            let checks = [("cpu", item.max.cpu_milli, item.min.cpu_milli, r.limits.cpu_milli, r.requests.cpu_milli), ("memory", item.max.memory, item.min.memory, r.limits.memory, r.requests.memory)];
            for (res, max, min, limit, request) in checks {
                if let Some(max) = max {
                    match limit {
                        None => return Err(format!("maximum {res} usage per Container is {}.  No limit is specified", show(res, max))),
                        Some(l) if l > max => return Err(format!("maximum {res} usage per Container is {}, but limit is {}", show(res, max), show(res, l))),
                        _ => {}
                    }
                }
                if let Some(min) = min {
                    match request {
                        None => return Err(format!("minimum {res} usage per Container is {}.  No request is specified", show(res, min))),
                        Some(q) if q < min => return Err(format!("minimum {res} usage per Container is {}, but request is {}", show(res, min), show(res, q))),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok(())
}

/// The built-in classes every cluster has (`pkg/apis/scheduling/types.go`).
pub const SYSTEM_CLASSES: &[(&str, i32)] = &[("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];

/// The Priority admission plugin (`plugin/pkg/admission/priority/admission.go`): a pod naming a
/// `priorityClassName` gets that class's value (an unknown class is refused), a pod naming none
/// gets the `globalDefault` class if there is one (its name is set on the pod), else priority 0;
/// a `priority` written in the pod that differs is refused. Returns whether the pod may not
/// preempt (`preemptionPolicy: Never`).
pub fn resolve_priority(spec: &mut PodSpec, classes: &[&PriorityClass]) -> Result<bool, String> {
    let (priority, never) = match spec.priority_class_name.clone() {
        Some(name) => match classes.iter().find(|c| c.meta.name == name) {
            Some(c) => (c.value, c.preempt_never),
            None => match SYSTEM_CLASSES.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => (*v, false),
                None => return Err(format!("no PriorityClass with name {name} was found")),
            },
        },
        None => {
            // Several global defaults: upstream takes the one with the lowest value.
            match classes.iter().filter(|c| c.global_default).min_by_key(|c| c.value) {
                Some(c) => {
                    spec.priority_class_name = Some(c.meta.name.clone());
                    (c.value, c.preempt_never)
                }
                None => (0, false),
            }
        }
    };
    if let Some(p) = spec.priority {
        if p != priority {
            return Err(format!("the integer value of priority ({p}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"));
        }
    }
    spec.priority = Some(priority);
    Ok(never)
}

/// The quota check for one pod against one quota, given what the namespace already uses.
pub fn check_quota(q: &ResourceQuota, spec: &PodSpec, used: &BTreeMap<&'static str, i64>) -> Result<(), String> {
    // A compute quota requires the matching request/limit on every container.
    let mut missing = Vec::new();
    for (res, f) in [
        ("requests.cpu", (|c: &Container| c.resources.requests.cpu_milli) as fn(&Container) -> Option<i64>),
        ("requests.memory", |c: &Container| c.resources.requests.memory),
        ("limits.cpu", |c: &Container| c.resources.limits.cpu_milli),
        ("limits.memory", |c: &Container| c.resources.limits.memory),
    ] {
        let short = res.trim_start_matches("requests.");
        if (q.hard.contains_key(res) || (res.starts_with("requests.") && q.hard.contains_key(short))) && spec.containers.iter().any(|c| f(c).is_none()) {
            missing.push(res);
        }
    }
    if !missing.is_empty() {
        return Err(format!("failed quota: {}: must specify {}", q.meta.name, missing.join(",")));
    }
    let want = pod_usage(spec);
    let mut exceeded: Vec<&str> = Vec::new();
    for (res, hard) in &q.hard {
        let Some(req) = want.get(res.as_str()).copied() else { continue };
        if req == 0 {
            continue;
        }
        let u = used.get(res.as_str()).copied().unwrap_or(0);
        if u + req > *hard {
            exceeded.push(res.as_str());
        }
    }
    if exceeded.is_empty() {
        return Ok(());
    }
    sort::sort(&mut exceeded);
    let list = |f: &dyn Fn(&str) -> i64| exceeded.iter().map(|r| format!("{r}={}", show(r, f(r)))).collect::<Vec<_>>().join(",");
    Err(format!(
        "exceeded quota: {}, requested: {}, used: {}, limited: {}",
        q.meta.name,
        list(&|r| want.get(r).copied().unwrap_or(0)),
        list(&|r| used.get(r).copied().unwrap_or(0)),
        list(&|r| q.hard.get(r).copied().unwrap_or(0))
    ))
}

impl Engine {
    /// The cluster's PriorityClasses.
    pub(crate) fn k_priority_classes(&self) -> Vec<&PriorityClass> {
        self.kube.objects.values().filter_map(|o| if let Object::PriorityClass(c) = o { Some(c) } else { None }).collect()
    }

    fn k_admit_priority(&self, pod: &mut Pod) -> Result<bool, String> {
        resolve_priority(&mut pod.spec, &self.k_priority_classes())
    }

    /// LimitRange defaults and checks, then every ResourceQuota of the namespace. The error is
    /// the API server's: `pods "NAME" is forbidden: ...`.
    pub(crate) fn k_admit(&self, pod: &mut Pod, ns: &str) -> Result<(), String> {
        let forbidden = |name: &str, e: String| format!("pods \"{name}\" is forbidden: {e}");
        self.k_admit_priority(pod).map_err(|e| forbidden(&pod.meta.name, e))?;
        let lrs: Vec<&LimitRange> = self.kube.objects.values().filter_map(|o| if let Object::LimitRange(l) = o { Some(l) } else { None }).filter(|l| ns_of(&l.meta) == ns).collect();
        for lr in lrs {
            apply_limit_range(&mut pod.spec, lr).map_err(|e| forbidden(&pod.meta.name, e))?;
        }
        let quotas: Vec<&ResourceQuota> = self.kube.objects.values().filter_map(|o| if let Object::ResourceQuota(q) = o { Some(q) } else { None }).filter(|q| ns_of(&q.meta) == ns).collect();
        if quotas.is_empty() {
            return Ok(());
        }
        let mut used: BTreeMap<&'static str, i64> = BTreeMap::new();
        for p in self.kube.pods.values().filter(|p| p.namespace == ns && !p.terminal()) {
            for (k, v) in pod_usage(&p.pod.spec) {
                *used.entry(k).or_default() += v;
            }
        }
        for q in quotas {
            check_quota(q, &pod.spec, &used).map_err(|e| forbidden(&pod.meta.name, e))?;
        }
        Ok(())
    }
}
