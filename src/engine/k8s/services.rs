//! Kubernetes Services in the simulation: what the API server allocates when a Service is
//! created (cluster IP, node ports, a load balancer for `type: LoadBalancer`), the quota checks
//! on Services, and the endpoints (EndpointSlice-like) that follow pod readiness.
//!
//! * **Cluster IP**: from EKS's default service range 10.100.0.0/16, in creation order from
//!   10.100.0.10 (10.100.0.1 is the `kubernetes` Service, 10.100.0.10 on a real cluster is
//!   CoreDNS — Berth has no CoreDNS Service, so its first Service gets .10). `clusterIP: None`
//!   makes a headless Service. ExternalName Services get no cluster IP.
//! * **Node ports** (`NodePort` and `LoadBalancer`): the given `nodePort`, or the lowest free port
//!   from 30000 (`--service-node-port-range` 30000-32767). Upstream picks a free port at random
//!   (`portallocator.AllocateNext`); Berth takes the lowest so runs are repeatable without a
//!   random stream. A port another Service holds is refused as the API server does
//!   (kubernetes/kubernetes `pkg/registry/core/service/portallocator/allocator.go`:
//!   `ErrAllocated = errors.New("provided port is already allocated")`, reported as
//!   `field.Invalid(spec.ports[i].nodePort, ...)`), in kubectl's words:
//!   `The Service "web-2" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`.
//! * **LoadBalancer**: an NLB-like external endpoint (what the AWS Load Balancer Controller
//!   creates, `k8s-<namespace>-<name>-<hash>.elb.<region>.amazonaws.com`), listening on the
//!   Service's ports and forwarding to the node ports.
//! * **ResourceQuota** `services`, `services.loadbalancers` and `services.nodeports` (a NodePort
//!   Service counts its ports; a LoadBalancer Service counts its ports as node ports too) are
//!   checked at creation with the quota text pods get (`admission.rs`).
//! * **Endpoints**: pods in the Service's namespace whose labels match its selector and that have
//!   started on a node (they have an IP), finished pods excepted. Each has the EndpointSlice
//!   conditions: `ready` (the pod is Ready and not terminating), `serving` (Ready, even while
//!   terminating) and `terminating`. kube-proxy sends traffic only to `ready` endpoints. A Service
//!   without a selector (and every ExternalName Service) has no managed endpoints.
//!   After every step the endpoints are compared with the previous ones; each change (a pod
//!   added, ready, not ready, terminating, removed) is kept (newest 200) for the snapshot's
//!   `kube.endpointChanges`.

use crate::engine::event::EventKind;
use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::Millis;

use super::model::{IntOrString, Object, Service, ServiceType};
use super::sim::{key, ns_of, PodPhase};

pub const NODE_PORT_MIN: i64 = 30000;
pub const NODE_PORT_MAX: i64 = 32767;
/// Endpoint changes kept for the snapshot.
pub const KEEP_CHANGES: usize = 200;

/// What the API server allocated for one Service.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ServiceAlloc {
    pub cluster_ip: Option<String>,
    /// One per `spec.ports` entry (None for ClusterIP/ExternalName).
    pub node_ports: Vec<Option<i64>>,
    pub load_balancer: Option<String>,
}

/// One endpoint of a Service (an EndpointSlice entry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointView {
    pub pod: String,
    pub node: String,
    pub zone: String,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortView {
    pub name: Option<String>,
    pub port: i64,
    /// A number or a container port name.
    pub target_port: String,
    pub node_port: Option<i64>,
    pub protocol: String,
}

/// A Service as `kubectl get svc` and `kubectl get endpointslices` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub name: String,
    pub namespace: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
    #[serde(rename = "type")]
    pub service_type: String,
    /// `None` for ExternalName; `"None"` for a headless Service.
    pub cluster_ip: Option<String>,
    /// The load balancer's DNS name (EXTERNAL-IP), or the ExternalName target.
    pub external: Option<String>,
    pub ports: Vec<ServicePortView>,
    pub selector: BTreeMap<String, String>,
    pub endpoints: Vec<EndpointView>,
    /// Endpoints with `ready` (what kube-proxy routes to).
    pub ready_endpoints: usize,
    /// `metadata.creationTimestamp` (kubectl's AGE).
    pub created: crate::engine::time::Millis,
}

/// A change of one Service's endpoints: `added` (not ready yet), `ready`, `notReady`,
/// `terminating`, `removed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointChange {
    pub t: Millis,
    pub service: String,
    pub namespace: String,
    pub pod: String,
    pub change: String,
    /// Ready endpoints of the Service after the change.
    pub ready_endpoints: usize,
}

/// The Services' runtime state (allocations, the last endpoints, recent changes).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ServicesState {
    /// By `namespace/name`.
    pub allocs: BTreeMap<String, ServiceAlloc>,
    pub next_ip: u32,
    /// The endpoints at the end of the last step, by Service key.
    pub last: BTreeMap<String, Vec<EndpointView>>,
    pub changes: VecDeque<EndpointChange>,
}

fn type_name(t: ServiceType) -> &'static str {
    match t {
        ServiceType::ClusterIP => "ClusterIP",
        ServiceType::NodePort => "NodePort",
        ServiceType::LoadBalancer => "LoadBalancer",
        ServiceType::ExternalName => "ExternalName",
    }
}

/// FNV-1a 64 of a text, for the load balancer's name suffix.
fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Engine {
    /// The API server's side of creating or updating a Service: node ports, quotas, cluster IP
    /// and load balancer. On success the Service is stored; on failure nothing changes.
    pub(crate) fn k_apply_service(&mut self, s: Service, ns: &str) -> Result<(), String> {
        let skey = key(ns, &s.meta.name);
        let existing = self.kube.services.allocs.get(&skey).cloned();
        let wants_node_ports = matches!(s.service_type, ServiceType::NodePort | ServiceType::LoadBalancer);
        // Ports held by every other Service.
        let mut taken: BTreeMap<i64, String> = BTreeMap::new();
        for (k, a) in &self.kube.services.allocs {
            if *k != skey {
                for p in a.node_ports.iter().flatten() {
                    taken.insert(*p, k.clone());
                }
            }
        }
        // Quotas: a new Service counts once towards `services`, a LoadBalancer towards
        // `services.loadbalancers`, and each node port towards `services.nodeports`.
        let old_type = self.kube.objects.get(&format!("Service/{skey}")).and_then(|o| match o {
            Object::Service(x) => Some(x.service_type),
            _ => None,
        });
        let mut want: BTreeMap<&'static str, i64> = BTreeMap::new();
        if existing.is_none() {
            want.insert("services", 1);
        }
        if s.service_type == ServiceType::LoadBalancer && old_type != Some(ServiceType::LoadBalancer) {
            want.insert("services.loadbalancers", 1);
        }
        let old_np = existing.as_ref().map(|a| a.node_ports.iter().flatten().count() as i64).unwrap_or(0);
        let new_np = if wants_node_ports { s.ports.len() as i64 } else { 0 };
        if new_np > old_np {
            want.insert("services.nodeports", new_np - old_np);
        }
        if !want.is_empty() {
            let used = self.k_service_usage(ns);
            for o in self.kube.objects.values() {
                let Object::ResourceQuota(q) = o else { continue };
                if ns_of(&q.meta) != ns {
                    continue;
                }
                let mut exceeded: Vec<&str> = want.iter().filter(|(r, n)| q.hard.get(**r).is_some_and(|h| used.get(**r).copied().unwrap_or(0) + **n > *h)).map(|(r, _)| *r).collect();
                if exceeded.is_empty() {
                    continue;
                }
                sort::sort(&mut exceeded);
                let list = |f: &dyn Fn(&str) -> i64| exceeded.iter().map(|r| format!("{r}={}", f(r))).collect::<Vec<_>>().join(",");
                return Err(format!(
                    "Error from server (Forbidden): error when creating Service {:?}: services {:?} is forbidden: exceeded quota: {}, requested: {}, used: {}, limited: {}",
                    s.meta.name,
                    s.meta.name,
                    q.meta.name,
                    list(&|r| want.get(r).copied().unwrap_or(0)),
                    list(&|r| used.get(r).copied().unwrap_or(0)),
                    list(&|r| q.hard.get(r).copied().unwrap_or(0))
                ));
            }
        }
        // Node ports: the given ones must be free; the others keep what they had, else the
        // lowest free port.
        let mut node_ports = Vec::new();
        if wants_node_ports {
            for (i, p) in s.ports.iter().enumerate() {
                if let Some(np) = p.node_port {
                    if taken.contains_key(&np) || node_ports.contains(&Some(np)) {
                        return Err(format!("The Service {:?} is invalid: spec.ports[{i}].nodePort: Invalid value: {np}: provided port is already allocated", s.meta.name));
                    }
                    node_ports.push(Some(np));
                }
                else {
                    node_ports.push(None);
                }
            }
            for i in 0..node_ports.len() {
                if node_ports.get(i).copied().flatten().is_some() {
                    continue;
                }
                let kept = existing.as_ref().and_then(|a| a.node_ports.get(i).copied().flatten()).filter(|p| !taken.contains_key(p) && !node_ports.contains(&Some(*p)));
                let port = match kept {
                    Some(p) => p,
                    None => (NODE_PORT_MIN..=NODE_PORT_MAX).find(|p| !taken.contains_key(p) && !node_ports.contains(&Some(*p))).ok_or_else(|| {
                        format!("The Service {:?} is invalid: spec.ports[{i}].nodePort: Internal error: failed to allocate a nodePort: range is full", s.meta.name)
                    })?,
                };
                if let Some(slot) = node_ports.get_mut(i) {
                    *slot = Some(port);
                }
            }
        } else {
            node_ports = vec![None; s.ports.len()];
        }
        let cluster_ip = if s.service_type == ServiceType::ExternalName {
            None
        } else if s.cluster_ip.as_deref() == Some("None") {
            Some("None".to_string())
        } else if let Some(ip) = existing.as_ref().and_then(|a| a.cluster_ip.clone()).filter(|ip| ip != "None") {
            Some(ip)
        } else if let Some(ip) = s.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
            Some(ip)
        } else {
            let n = 10 + self.kube.services.next_ip;
            self.kube.services.next_ip += 1;
            Some(format!("10.100.{}.{}", n / 256, n % 256))
        };
        let load_balancer = (s.service_type == ServiceType::LoadBalancer).then(|| {
            let h = fnv64(&skey);
            format!("k8s-{}-{}-{:010x}.elb.{}.amazonaws.com", ns, s.meta.name, h & 0xff_ffff_ffff, self.config.region)
        });
        self.kube.services.allocs.insert(skey.clone(), ServiceAlloc { cluster_ip, node_ports, load_balancer });
        self.kube.objects.insert(format!("Service/{skey}"), Object::Service(s));
        Ok(())
    }

    /// What a namespace's Services use of the Service quotas.
    fn k_service_usage(&self, ns: &str) -> BTreeMap<&'static str, i64> {
        let mut used: BTreeMap<&'static str, i64> = BTreeMap::new();
        for (k, o) in &self.kube.objects {
            let Object::Service(s) = o else { continue };
            if ns_of(&s.meta) != ns {
                continue;
            }
            *used.entry("services").or_default() += 1;
            if s.service_type == ServiceType::LoadBalancer {
                *used.entry("services.loadbalancers").or_default() += 1;
            }
            let skey = k.strip_prefix("Service/").unwrap_or(k);
            let np = self.kube.services.allocs.get(skey).map(|a| a.node_ports.iter().flatten().count() as i64).unwrap_or(0);
            *used.entry("services.nodeports").or_default() += np;
        }
        used
    }

    /// `kubectl delete service NAME`: the Service and its allocations go.
    pub(crate) fn k_delete_service(&mut self, ns: &str, name: &str) -> Result<(), String> {
        let skey = key(ns, name);
        if self.kube.objects.remove(&format!("Service/{skey}")).is_none() {
            return Err(format!("Error from server (NotFound): services {name:?} not found"));
        }
        self.kube.services.allocs.remove(&skey);
        Ok(())
    }

    /// The Services of the cluster, by `namespace/name`.
    pub(crate) fn k_services(&self) -> Vec<(String, &Service)> {
        self.kube
            .objects
            .iter()
            .filter_map(|(k, o)| match o {
                Object::Service(s) => Some((k.strip_prefix("Service/").unwrap_or(k).to_string(), s)),
                _ => None,
            })
            .collect()
    }

    /// A Service's endpoints now, in pod creation order.
    pub(crate) fn k_endpoints(&self, s: &Service) -> Vec<EndpointView> {
        if s.selector.is_empty() || s.service_type == ServiceType::ExternalName {
            return Vec::new();
        }
        let ns = ns_of(&s.meta);
        let mut pods: Vec<_> = self
            .kube
            .pods
            .values()
            .filter(|p| p.namespace == ns && !p.terminal() && p.started_at.is_some() && p.node.is_some())
            .filter(|p| s.selector.iter().all(|(k, v)| p.pod.meta.labels.get(k) == Some(v)))
            .collect();
        sort::sort_by_key(&mut pods, |p| p.seq);
        pods.iter()
            .map(|p| {
                let node = p.node.clone().unwrap_or_default();
                let zone = self.kube.node_meta.get(&node).map(|m| m.zone.clone()).unwrap_or_default();
                let serving = p.ready || (p.terminating && p.phase == PodPhase::Running && p.ready_since.is_some());
                EndpointView { pod: p.name().to_string(), node, zone, ready: p.ready && !p.terminating, serving, terminating: p.terminating }
            })
            .collect()
    }

    /// Compares every Service's endpoints with the last step's and records the changes.
    pub(crate) fn k_track_endpoints(&mut self) {
        if self.kube.services.allocs.is_empty() && self.kube.services.last.is_empty() {
            return;
        }
        let now = self.now();
        let services: Vec<(String, Service)> = self.k_services().into_iter().map(|(k, s)| (k, s.clone())).collect();
        let mut next: BTreeMap<String, Vec<EndpointView>> = BTreeMap::new();
        let mut changes = Vec::new();
        for (skey, s) in &services {
            let eps = self.k_endpoints(s);
            let before = self.kube.services.last.get(skey).cloned().unwrap_or_default();
            let ready_now = eps.iter().filter(|e| e.ready).count();
            let (ns, name) = (ns_of(&s.meta), s.meta.name.clone());
            let mut push = |pod: &str, change: &str| changes.push(EndpointChange { t: now, service: name.clone(), namespace: ns.clone(), pod: pod.to_string(), change: change.to_string(), ready_endpoints: ready_now });
            for e in &eps {
                match before.iter().find(|b| b.pod == e.pod) {
                    None => push(&e.pod, if e.ready { "ready" } else if e.terminating { "terminating" } else { "added" }),
                    Some(b) => {
                        if e.terminating && !b.terminating {
                            push(&e.pod, "terminating");
                        } else if e.ready && !b.ready {
                            push(&e.pod, "ready");
                        } else if !e.ready && b.ready && !e.terminating {
                            push(&e.pod, "notReady");
                        }
                    }
                }
            }
            for b in &before {
                if !eps.iter().any(|e| e.pod == b.pod) {
                    push(&b.pod, "removed");
                }
            }
            next.insert(skey.clone(), eps);
        }
        for c in &changes {
            self.emit(EventKind::EndpointsChanged { service: c.service.clone(), namespace: c.namespace.clone(), pod: c.pod.clone(), change: c.change.clone(), ready_endpoints: c.ready_endpoints });
        }
        let st = &mut self.kube.services;
        st.last = next;
        for c in changes {
            if st.changes.len() >= KEEP_CHANGES {
                st.changes.pop_front();
            }
            st.changes.push_back(c);
        }
    }

    /// The Services for the snapshot.
    pub(crate) fn k_service_views(&self) -> Vec<ServiceView> {
        self.k_services()
            .into_iter()
            .map(|(skey, s)| {
                let alloc = self.kube.services.allocs.get(&skey);
                let endpoints = self.k_endpoints(s);
                let ports = s
                    .ports
                    .iter()
                    .enumerate()
                    .map(|(i, p)| ServicePortView {
                        name: p.name.clone(),
                        port: p.port,
                        target_port: match &p.target_port {
                            IntOrString::Int(n) => n.to_string(),
                            IntOrString::Str(x) => x.clone(),
                        },
                        node_port: alloc.and_then(|a| a.node_ports.get(i).copied().flatten()),
                        protocol: format!("{:?}", p.protocol).to_uppercase(),
                    })
                    .collect();
                ServiceView {
                    name: s.meta.name.clone(),
                    namespace: ns_of(&s.meta),
                    service_type: type_name(s.service_type).to_string(),
                    cluster_ip: alloc.and_then(|a| a.cluster_ip.clone()),
                    external: if s.service_type == ServiceType::ExternalName { s.external_name.clone() } else { alloc.and_then(|a| a.load_balancer.clone()) },
                    ports,
                    selector: s.selector.clone(),
                    ready_endpoints: endpoints.iter().filter(|e| e.ready).count(),
                    endpoints,
                    created: self.k_created("Service", &ns_of(&s.meta), &s.meta.name),
                }
            })
            .collect()
    }

    /// The ready endpoints' pod keys of the Service `namespace/name` (where kube-proxy sends
    /// its requests); empty for an unknown Service.
    pub(crate) fn k_ready_endpoint_pods(&self, skey: &str) -> Vec<String> {
        let Some(Object::Service(s)) = self.kube.objects.get(&format!("Service/{skey}")) else { return Vec::new() };
        let ns = ns_of(&s.meta);
        self.k_endpoints(s).into_iter().filter(|e| e.ready).map(|e| key(&ns, &e.pod)).collect()
    }
}
