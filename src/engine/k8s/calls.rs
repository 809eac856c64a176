//! Calls between Services, and the NetworkPolicies that drop them.
//!
//! A `kubernetes.traffic` entry may declare `calls`: every request the caller's pods serve (a
//! Deployment's Ready pods, or a Service's ready endpoints) makes `perRequest` calls to a Service
//! at one of its ports:
//!
//! ```json
//! { "deployment": "frontend", "namespace": "shop", "load": { "shape": "constant", "rps": 20 },
//!   "calls": [{ "service": "backend", "namespace": "shop", "port": 8080 }] }
//! ```
//!
//! Each caller pod's calls are spread evenly over the Service's ready endpoints (kube-proxy), and
//! each (caller pod, endpoint) pair is checked with [`super::netpol::evaluate`] against every
//! NetworkPolicy of the cluster: the caller's egress and the endpoint's ingress must both allow
//! the endpoint's target port. Calls a policy drops never arrive — the caller sees a connection
//! timeout (a dropped SYN, not a refusal): they are the route's `timeoutsPerSecond` in the
//! snapshot (`kube.calls`), and a `trafficBlocked` event names the policy situation whenever the
//! set of blocking policies of a route changes (`trafficAllowed` when none blocks any more).
//! Calls that arrive are requests the endpoint serves (CPU, memory, HPA metrics), and may in turn
//! make the endpoint's own calls: chains are followed up to [`MAX_HOPS`] hops.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::Millis;

use super::model::{IntOrString, Labels, Object, Protocol};
use super::netpol::{self, Connection, Peer, Scoped, Verdict};
use super::sim::key;

/// Calls are followed this many hops (a cycle of calls stops growing here).
pub const MAX_HOPS: usize = 8;

/// One entry of a traffic entry's `calls`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct CallSpec {
    pub service: String,
    #[serde(default)]
    pub namespace: Option<String>,
    /// The Service port called (`spec.ports[].port`).
    pub port: i64,
    /// Calls per request served (default 1).
    #[serde(default)]
    pub per_request: Option<f64>,
}

/// Who makes the calls.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Caller {
    /// A Deployment's Ready pods (`namespace/name`).
    Deployment(String),
    /// A Service's ready endpoints (`namespace/name`).
    Service(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CallRoute {
    pub caller: Caller,
    /// `frontend` (the Deployment's or Service's name).
    pub from: String,
    pub namespace: String,
    /// The called Service's key and name.
    pub to_key: String,
    pub to: String,
    pub to_namespace: String,
    pub port: i64,
    pub target_port: IntOrString,
    pub protocol: Protocol,
    pub per_request: f64,
}

/// A route's flow at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    /// `deployment/frontend` or `service/frontend`.
    pub from: String,
    pub namespace: String,
    pub to: String,
    pub to_namespace: String,
    pub port: i64,
    /// Calls made per second.
    pub calls_per_second: f64,
    /// Calls that reached an endpoint.
    pub delivered_per_second: f64,
    /// Calls a NetworkPolicy dropped: the caller waits and times out.
    pub timeouts_per_second: f64,
    /// Calls with no ready endpoint to go to (connection refused).
    pub no_endpoint_per_second: f64,
    /// (caller pod, endpoint) pairs now, and how many of them a policy blocks.
    pub pairs: usize,
    pub blocked_pairs: usize,
    /// Why, for each distinct policy situation (first pair of each).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
}

/// Every pod's requests/s (external and from calls) and every route's flow.
#[derive(Debug, Clone, Default)]
pub(crate) struct Flows {
    pub served: BTreeMap<String, f64>,
    pub routes: Vec<CallView>,
}

/// The pairs of one route with their verdicts (independent of the rates).
struct RoutePairs {
    callers: Vec<String>,
    endpoints: Vec<String>,
    /// `(caller index, endpoint index)` → blocked reason (`None`: allowed).
    verdicts: BTreeMap<(usize, usize), Option<(String, String)>>,
}

impl Engine {
    /// Checks one `calls` entry at setup.
    pub(crate) fn k_call_route(&self, caller: &Caller, ns: &str, c: &CallSpec, path: &str) -> Result<CallRoute, String> {
        let to_ns = c.namespace.clone().unwrap_or_else(|| ns.to_string());
        let to_key = key(&to_ns, &c.service);
        let svc = match self.kube.objects.get(&format!("Service/{to_key}")) {
            Some(Object::Service(s)) => s,
            _ => {
                let known: Vec<String> = self.k_services().into_iter().filter(|(k, _)| k.starts_with(&format!("{to_ns}/"))).map(|(_, x)| x.meta.name.clone()).collect();
                return Err(format!(
                    "{path}.service: no Service {:?} in namespace {to_ns:?}{}",
                    c.service,
                    if known.is_empty() { String::new() } else { format!(" (the manifests define: {})", known.join(", ")) }
                ));
            }
        };
        let Some(sp) = svc.ports.iter().find(|p| p.port == c.port) else {
            let ports: Vec<String> = svc.ports.iter().map(|p| p.port.to_string()).collect();
            return Err(format!("{path}.port: Service {:?} has no port {} (its ports: {})", c.service, c.port, if ports.is_empty() { "none".into() } else { ports.join(", ") }));
        };
        let per_request = c.per_request.unwrap_or(1.0);
        if !per_request.is_finite() || !(0.0..=100.0).contains(&per_request) {
            return Err(format!("{path}.perRequest: {per_request} is not between 0 and 100"));
        }
        let from = match caller {
            Caller::Deployment(k) | Caller::Service(k) => k.rsplit('/').next().unwrap_or(k).to_string(),
        };
        Ok(CallRoute {
            caller: caller.clone(),
            from,
            namespace: ns.to_string(),
            to_key,
            to: c.service.clone(),
            to_namespace: to_ns,
            port: c.port,
            target_port: sp.target_port.clone(),
            protocol: sp.protocol,
            per_request,
        })
    }

    fn k_caller_pods(&self, c: &Caller) -> Vec<String> {
        match c {
            Caller::Deployment(d) => self.k_deployment_ready_pods(d),
            Caller::Service(s) => self.k_ready_endpoint_pods(s),
        }
    }

    /// A namespace's labels as policies see them (with `kubernetes.io/metadata.name`).
    fn k_namespace_labels(&self, ns: &str) -> Labels {
        let mut l = self.kube.namespaces.get(ns).cloned().unwrap_or_default();
        l.insert("kubernetes.io/metadata.name".into(), ns.to_string());
        l
    }

    /// The connection a call to `route` makes to the endpoint pod `pk`: the target port resolved
    /// on the pod's containers (a named target port by name, a number with its name if any).
    fn k_call_connection(&self, route: &CallRoute, pk: &str) -> Connection {
        let ports: Vec<(Option<String>, i64)> = self
            .kube
            .pods
            .get(pk)
            .map(|p| p.pod.spec.containers.iter().flat_map(|c| c.ports.iter().map(|cp| (cp.name.clone(), cp.container_port))).collect())
            .unwrap_or_default();
        match &route.target_port {
            IntOrString::Int(n) => Connection { port: *n, port_name: ports.iter().find(|(_, p)| p == n).and_then(|(nm, _)| nm.clone()), protocol: route.protocol },
            IntOrString::Str(name) => Connection {
                port: ports.iter().find(|(nm, _)| nm.as_deref() == Some(name.as_str())).map(|(_, p)| *p).unwrap_or(0),
                port_name: Some(name.clone()),
                protocol: route.protocol,
            },
        }
    }

    fn k_route_pairs(&self, route: &CallRoute, policies: &[Scoped]) -> RoutePairs {
        let callers = self.k_caller_pods(&route.caller);
        let endpoints = self.k_ready_endpoint_pods(&route.to_key);
        let mut verdicts = BTreeMap::new();
        for (i, ck) in callers.iter().enumerate() {
            let Some(cp) = self.kube.pods.get(ck) else { continue };
            let c_ns = self.k_namespace_labels(&cp.namespace);
            let src = Peer { name: ck, namespace: Some(&cp.namespace), namespace_labels: &c_ns, labels: &cp.pod.meta.labels, ip: None };
            for (j, ek) in endpoints.iter().enumerate() {
                let Some(ep) = self.kube.pods.get(ek) else { continue };
                let e_ns = self.k_namespace_labels(&ep.namespace);
                let dst = Peer { name: ek, namespace: Some(&ep.namespace), namespace_labels: &e_ns, labels: &ep.pod.meta.labels, ip: None };
                let conn = self.k_call_connection(route, ek);
                let v: Verdict = netpol::evaluate(policies, &src, &dst, &conn);
                let why = v.explain(&src, &dst, &conn).map(|text| (situation(&v), text));
                verdicts.insert((i, j), why);
            }
        }
        RoutePairs { callers, endpoints, verdicts }
    }

    fn k_policies(&self) -> Vec<Scoped<'_>> {
        self.kube
            .objects
            .values()
            .filter_map(|o| match o {
                Object::NetworkPolicy(p) => Some(p),
                _ => None,
            })
            .map(|p| Scoped { namespace: p.meta.namespace.as_deref().unwrap_or("default"), policy: p })
            .collect()
    }

    /// Every pod's requests/s now — external load plus the calls that reach it — and each
    /// route's flow. Without calls, just the external load.
    pub(crate) fn k_flows(&self, now: Millis) -> Flows {
        let external = self.k_external_rps(now);
        if self.kube.calls.is_empty() {
            return Flows { served: external, routes: Vec::new() };
        }
        let policies = self.k_policies();
        let pairs: Vec<RoutePairs> = self.kube.calls.iter().map(|r| self.k_route_pairs(r, &policies)).collect();
        let mut served = external.clone();
        let mut routes = Vec::new();
        for _ in 0..=MAX_HOPS {
            let mut next = external.clone();
            routes.clear();
            for (route, rp) in self.kube.calls.iter().zip(&pairs) {
                let (mut offered, mut delivered, mut dropped, mut refused) = (0.0, 0.0, 0.0, 0.0);
                for (i, ck) in rp.callers.iter().enumerate() {
                    let calls = served.get(ck).copied().unwrap_or(0.0) * route.per_request;
                    offered += calls;
                    if rp.endpoints.is_empty() {
                        refused += calls;
                        continue;
                    }
                    let each = calls / rp.endpoints.len() as f64;
                    for (j, ek) in rp.endpoints.iter().enumerate() {
                        match rp.verdicts.get(&(i, j)) {
                            Some(None) => {
                                *next.entry(ek.clone()).or_default() += each;
                                delivered += each;
                            }
                            _ => dropped += each,
                        }
                    }
                }
                let mut reasons: Vec<(String, String)> = rp.verdicts.values().flatten().cloned().collect();
                let mut seen = std::collections::BTreeSet::new();
                reasons.retain(|(sit, _)| seen.insert(sit.clone()));
                routes.push(CallView {
                    from: format!("{}/{}", if matches!(route.caller, Caller::Deployment(_)) { "deployment" } else { "service" }, route.from),
                    namespace: route.namespace.clone(),
                    to: route.to.clone(),
                    to_namespace: route.to_namespace.clone(),
                    port: route.port,
                    calls_per_second: offered,
                    delivered_per_second: delivered,
                    timeouts_per_second: dropped,
                    no_endpoint_per_second: refused,
                    pairs: rp.verdicts.len(),
                    blocked_pairs: rp.verdicts.values().filter(|v| v.is_some()).count(),
                    blocked: reasons.into_iter().map(|(_, t)| t).collect(),
                });
            }
            if next == served {
                break;
            }
            served = next;
        }
        Flows { served, routes }
    }

    /// After every step: a `trafficBlocked` event when the policy situations blocking a route
    /// change, `trafficAllowed` when none blocks it any more.
    pub(crate) fn k_check_calls(&mut self) {
        if self.kube.calls.is_empty() {
            return;
        }
        let policies = self.k_policies();
        let mut emits = Vec::new();
        for (idx, route) in self.kube.calls.iter().enumerate() {
            let rp = self.k_route_pairs(route, &policies);
            let mut situations: Vec<String> = rp.verdicts.values().flatten().map(|(s, _)| s.clone()).collect();
            sort::sort(&mut situations);
            situations.dedup();
            let last = self.kube.calls_blocked.get(&idx).cloned().unwrap_or_default();
            if situations == last {
                continue;
            }
            let first = rp.verdicts.values().flatten().next().map(|(_, t)| t.clone());
            let blocked = rp.verdicts.values().filter(|v| v.is_some()).count();
            emits.push((idx, situations, route.clone(), first, blocked, rp.verdicts.len()));
        }
        drop(policies);
        for (idx, situations, route, first, blocked, pairs) in emits {
            match first {
                Some(message) => self.emit(EventKind::TrafficBlocked {
                    from: route.from.clone(),
                    namespace: route.namespace.clone(),
                    to: route.to.clone(),
                    to_namespace: route.to_namespace.clone(),
                    port: route.port,
                    blocked,
                    pairs,
                    message,
                }),
                None => self.emit(EventKind::TrafficAllowed { from: route.from.clone(), namespace: route.namespace.clone(), to: route.to.clone(), to_namespace: route.to_namespace.clone(), port: route.port }),
            }
            if situations.is_empty() {
                self.kube.calls_blocked.remove(&idx);
            } else {
                self.kube.calls_blocked.insert(idx, situations);
            }
        }
    }

    /// The routes' flows now, for the snapshot.
    pub(crate) fn k_call_views(&self, now: Millis) -> Vec<CallView> {
        self.k_flows(now).routes
    }
}

/// What blocks a pair, without pod names: the side, the policies and their namespace.
fn situation(v: &Verdict) -> String {
    use super::netpol::Side;
    match (&v.egress, &v.ingress) {
        (Side::Denied { policies }, _) => format!("egress:{}", policies.join(",")),
        (_, Side::Denied { policies }) => format!("ingress:{}", policies.join(",")),
        _ => String::new(),
    }
}
