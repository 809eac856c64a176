//! Kubernetes Services in the simulation: cluster IPs, node ports (allocated from 30000, or the
//! given one; a port already held is refused with the API server's text), LoadBalancer Services
//! and the `services.loadbalancers` quota, ExternalName, and endpoints that follow readiness —
//! with load sent only to ready endpoints.

use berth::engine::event::EventKind;
use berth::engine::k8s::services::{EndpointView, ServiceView};
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

/// Two web pods (Deployment) and a canary pod with the same label whose readiness probe starts
/// failing 60 s after it starts; Services of every type; a quota of one load balancer.
const MANIFESTS: &str = "apiVersion: v1
kind: ResourceQuota
metadata:
  name: lb-quota
spec:
  hard:
    services.loadbalancers: \"1\"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests:
              cpu: 250m
              memory: 128Mi
          readinessProbe:
            httpGet:
              path: /
              port: 80
            periodSeconds: 10
            failureThreshold: 3
---
apiVersion: v1
kind: Pod
metadata:
  name: canary
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:canary
      resources:
        requests:
          cpu: 250m
          memory: 128Mi
      readinessProbe:
        httpGet:
          path: /
          port: 80
        periodSeconds: 10
        failureThreshold: 3
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web-np
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web-lb
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - port: 443
      targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: db.example.com
";

fn engine(timeline: Value, traffic: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "k8s services test",
        "seed": 5,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 2 }],
            "manifests": [MANIFESTS],
            "traffic": traffic,
        },
        "behaviors": { "nginx:canary": { "failHealthCheckAfter": "60s" } },
        "timeline": timeline,
    });
    start(&s)
}

fn services(e: &Engine) -> Vec<ServiceView> {
    e.snapshot().kube.map(|k| k.services).unwrap_or_default()
}

fn service(e: &Engine, name: &str) -> ServiceView {
    services(e).into_iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no Service {name}"))
}

/// (pod, ready, terminating) of a Service's endpoints in pod creation order; Deployment pods
/// shown as `web`.
fn endpoints(e: &Engine, name: &str) -> Vec<(String, bool, bool)> {
    service(e, name).endpoints.iter().map(|x: &EndpointView| (if x.pod.starts_with("web-") { "web".to_string() } else { x.pod.clone() }, x.ready, x.terminating)).collect()
}

fn failures(e: &Engine) -> Vec<String> {
    e.events().iter().filter_map(|ev| match &ev.kind {
        EventKind::ActionFailed { message, .. } => Some(message.clone()),
        _ => None,
    }).collect()
}

#[test]
fn allocations_for_every_service_type() {
    let e = engine(json!([]), json!([]));
    let web = service(&e, "web");
    assert_eq!((web.service_type.as_str(), web.cluster_ip.as_deref(), web.external.as_deref()), ("ClusterIP", Some("10.100.0.10"), None));
    assert_eq!(web.ports[0].target_port, "8080");
    assert_eq!(web.ports[0].node_port, None);
    // Cluster IPs in manifest order from 10.100.0.10.
    let np = service(&e, "web-np");
    assert_eq!((np.service_type.as_str(), np.cluster_ip.as_deref(), np.ports[0].node_port), ("NodePort", Some("10.100.0.11"), Some(30000)));
    let lb = service(&e, "web-lb");
    assert_eq!(lb.service_type, "LoadBalancer");
    assert_eq!(lb.ports[0].node_port, Some(30001), "a LoadBalancer Service gets a node port too");
    let host = lb.external.clone().unwrap_or_default();
    assert!(host.starts_with("k8s-default-web-lb-") && host.ends_with(".elb.us-east-1.amazonaws.com"), "{host}");
    let db = service(&e, "db");
    assert_eq!((db.service_type.as_str(), db.cluster_ip.as_deref(), db.external.as_deref()), ("ExternalName", None, Some("db.example.com")));
    assert!(db.endpoints.is_empty());
}

#[test]
fn a_taken_node_port_and_a_second_load_balancer_are_refused() {
    let dup = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-np2\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n    - port: 80\n      nodePort: 30000\n";
    let lb2 = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-lb2\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n    - port: 80\n";
    let free = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-np3\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n    - port: 80\n    - port: 81\n      nodePort: 30002\n";
    let mut e = engine(
        json!([
            { "at": "10s", "action": "kubectl", "args": "apply", "manifest": dup },
            { "at": "20s", "action": "kubectl", "args": "apply", "manifest": lb2 },
            { "at": "30s", "action": "kubectl", "args": "apply", "manifest": free },
            { "at": "40s", "action": "kubectl", "args": "delete svc web-np" },
            { "at": "50s", "action": "kubectl", "args": "apply", "manifest": dup }
        ]),
        json!([]),
    );
    e.run_until(60_000);
    assert_eq!(
        failures(&e),
        vec![
            "The Service \"web-np2\" is invalid: spec.ports[0].nodePort: Invalid value: 30000: provided port is already allocated".to_string(),
            "Error from server (Forbidden): error when creating Service \"web-lb2\": services \"web-lb2\" is forbidden: exceeded quota: lb-quota, requested: services.loadbalancers=1, used: services.loadbalancers=1, limited: services.loadbalancers=1".to_string(),
        ]
    );
    // 30000 and 30001 are taken, 30002 is asked for: the first port gets 30003.
    let np3 = service(&e, "web-np3");
    assert_eq!(np3.ports.iter().map(|p| p.node_port).collect::<Vec<_>>(), vec![Some(30003), Some(30002)]);
    // Once web-np is deleted, 30000 is free again and web-np2 gets it.
    assert_eq!(service(&e, "web-np2").ports[0].node_port, Some(30000));
    assert!(services(&e).iter().all(|s| s.name != "web-lb2"));
}

/// CPU use (millicores) of the canary (a bare pod, created first) and the two web pods.
fn usage(e: &Engine) -> Vec<(String, Option<i64>)> {
    let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
    k.pods.iter().map(|p| (if p.name.starts_with("web-") { "web".to_string() } else { p.name.clone() }, p.cpu_usage_milli)).collect()
}

#[test]
fn a_pod_leaves_the_endpoints_when_its_readiness_probe_fails() {
    let mut e = engine(json!([{ "at": "3m", "action": "kubectl", "args": "delete pod canary" }]), json!([{ "service": "web", "load": { "shape": "constant", "rps": 30 } }]));
    e.run_until(60_000);
    // Every pod started at 4 s (a 150 MB image pull at 50 MB/s, then 1 s) and passed its first
    // readiness probe at once: three ready endpoints.
    assert_eq!(endpoints(&e, "web"), vec![("canary".into(), true, false), ("web".into(), true, false), ("web".into(), true, false)]);
    assert_eq!(service(&e, "web").ready_endpoints, 3);
    // 30 requests/s over 3 ready endpoints: 10 each × 10 ms = 100m of CPU.
    assert_eq!(usage(&e), vec![("canary".into(), Some(100)), ("web".into(), Some(100)), ("web".into(), Some(100))]);

    e.run_until(100_000);
    // The canary fails its probes at 60, 70 and 80 s after starting: NotReady at 84 s. It stays an
    // endpoint, not ready, and gets no requests: the two web pods take 15 requests/s each.
    assert_eq!(endpoints(&e, "web"), vec![("canary".into(), false, false), ("web".into(), true, false), ("web".into(), true, false)]);
    assert_eq!(usage(&e), vec![("canary".into(), Some(0)), ("web".into(), Some(150)), ("web".into(), Some(150))]);
    // The NodePort and LoadBalancer Services select the same pods.
    assert_eq!(service(&e, "web-lb").ready_endpoints, 2);

    e.run_until(180_500);
    // Deleted at 3m: Terminating (SIGTERM) — still listed, terminating, not ready.
    assert_eq!(endpoints(&e, "web").first(), Some(&("canary".to_string(), false, true)));

    e.run_until(240_000);
    assert_eq!(endpoints(&e, "web").len(), 2, "gone once the app exited (1 s after SIGTERM)");
    let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
    let changes: Vec<(u64, String, String, usize)> = k
        .endpoint_changes
        .iter()
        .filter(|c| c.service == "web")
        .map(|c| (c.t, if c.pod.starts_with("web-") { "web".to_string() } else { c.pod.clone() }, c.change.clone(), c.ready_endpoints))
        .collect();
    assert_eq!(
        changes,
        vec![
            (4000, "canary".into(), "ready".into(), 3),
            (4000, "web".into(), "ready".into(), 3),
            (4000, "web".into(), "ready".into(), 3),
            (84000, "canary".into(), "notReady".into(), 2),
            (180000, "canary".into(), "terminating".into(), 2),
            (181000, "canary".into(), "removed".into(), 2),
        ]
    );
    // The event log says it too, as a warning a learner sees in the page.
    let ev = e
        .events()
        .iter()
        .find(|ev| matches!(&ev.kind, berth::engine::event::EventKind::EndpointsChanged { change, .. } if change == "notReady"))
        .expect("an endpointsChanged event");
    assert_eq!(ev.t, 84000);
    assert_eq!(ev.kind.level(), berth::engine::event::Level::Warning);
    assert_eq!(ev.kind.describe(), "service web: endpoint canary no longer receives traffic (not ready); 2 ready endpoint(s)");
}

#[test]
fn load_on_an_unknown_or_external_name_service_is_refused() {
    let s = |traffic: Value| {
        json!({
            "berth": 1, "name": "t", "seed": 1,
            "cluster": { "availabilityZones": ["us-east-1a"] },
            "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 1 }], "manifests": [MANIFESTS], "traffic": traffic },
        })
        .to_string()
    };
    let err = |traffic: Value| match parse_scenario(&s(traffic), &|f: &str| Err(format!("{f}: no files"))) {
        Ok(_) => panic!("accepted"),
        Err(d) => d.iter().map(|x| x.message.clone()).collect::<Vec<_>>().join("\n"),
    };
    assert!(err(json!([{ "service": "api", "load": { "shape": "constant", "rps": 1 } }])).contains("traffic[0].service: no Service \"api\" in namespace \"default\" (the manifests define: db, web, web-lb, web-np)"));
    assert!(err(json!([{ "service": "db", "load": { "shape": "constant", "rps": 1 } }])).contains("traffic[0].service: Service \"db\" is an ExternalName Service: it has no endpoints to send requests to"));
}
