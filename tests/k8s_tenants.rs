//! The course's EKS multi-tenancy example (course material 004, "EKS Multi-Tenancy (Namespace
//! Isolation)"): a namespace per tenant labelled `tenant: <name>`, a ResourceQuota
//! (`requests.cpu: "10"`, `requests.memory: 20Gi`, `persistentvolumeclaims: "5"`,
//! `services.loadbalancers: "2"`) and the isolation NetworkPolicy (all pods, ingress and egress
//! only with namespaces labelled with the same tenant) — as a running scenario: quota refusals
//! with the API server's text, and calls between Services that flow inside a tenant and time out
//! across tenants.

use berth::engine::event::{EventKind, Level};
use berth::engine::k8s::calls::CallView;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::json;

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

/// The course's three documents for one tenant, verbatim but for the tenant's name.
fn tenant(t: &str) -> String {
    format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: {t}
  labels:
    tenant: {t}
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: {t}-quota
  namespace: {t}
spec:
  hard:
    requests.cpu: \"10\"
    requests.memory: 20Gi
    persistentvolumeclaims: \"5\"
    services.loadbalancers: \"2\"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {t}-isolation
  namespace: {t}
spec:
  podSelector: {{}}
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          tenant: {t}
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          tenant: {t}
"
    )
}

/// A frontend and a backend (port 8080) with a Service each, in namespace `ns`.
fn app(ns: &str) -> String {
    let mut out = String::new();
    for name in ["frontend", "backend"] {
        out.push_str(&format!(
            "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: {name}
        image: nginx:1.25
        ports:
        - name: http
          containerPort: 8080
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {name}
  ports:
  - port: 8080
    targetPort: http
"
        ));
    }
    out
}

/// A Deployment of three 3-CPU pods in tenant-a: with the apps' 500m, the third pod would bring
/// requests.cpu to 9.5 + 3 > 10.
const BATCH: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch
  namespace: tenant-a
spec:
  replicas: 4
  selector:
    matchLabels:
      app: batch
  template:
    metadata:
      labels:
        app: batch
    spec:
      containers:
      - name: batch
        image: busybox:1.36
        resources:
          requests:
            cpu: \"3\"
            memory: 1Gi
";

fn lb(name: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: tenant-a
spec:
  type: LoadBalancer
  selector:
    app: frontend
  ports:
  - port: 80
    targetPort: http
"
    )
}

fn engine() -> Engine {
    let manifests = format!("{}---\n{}{}{}", tenant("tenant-a"), tenant("tenant-b"), app("tenant-a"), app("tenant-b"));
    let shared = "apiVersion: v1
kind: Namespace
metadata:
  name: shared
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: client
  namespace: shared
spec:
  replicas: 1
  selector:
    matchLabels:
      app: client
  template:
    metadata:
      labels:
        app: client
    spec:
      containers:
      - name: client
        image: curl:8
";
    let s = json!({
        "berth": 1,
        "name": "tenant isolation",
        "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng", "instanceType": "m5.2xlarge", "desiredSize": 2 }],
            "manifests": [manifests, shared],
            "traffic": [
                { "deployment": "frontend", "namespace": "tenant-a", "load": { "shape": "constant", "rps": 20 },
                  "calls": [
                      { "service": "backend", "port": 8080 },
                      { "service": "backend", "namespace": "tenant-b", "port": 8080 }
                  ] },
                { "deployment": "frontend", "namespace": "tenant-b", "load": { "shape": "constant", "rps": 10 },
                  "calls": [{ "service": "backend", "port": 8080 }] },
                { "deployment": "client", "namespace": "shared", "load": { "shape": "constant", "rps": 5 },
                  "calls": [{ "service": "backend", "namespace": "tenant-a", "port": 8080, "perRequest": 2 }] }
            ]
        },
        "timeline": [
            { "at": "1m", "action": "kubectl", "args": "apply", "manifest": BATCH },
            { "at": "2m", "action": "kubectl", "args": "apply", "manifest": lb("lb-1") },
            { "at": "2m", "action": "kubectl", "args": "apply", "manifest": lb("lb-2") },
            { "at": "2m", "action": "kubectl", "args": "apply", "manifest": lb("lb-3") },
            { "at": "3m", "action": "kubectl", "args": "apply", "manifest": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: no-requests\n  namespace: tenant-b\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n" }
        ],
        "runUntil": "4m"
    });
    start(&s)
}

fn calls(e: &Engine) -> Vec<CallView> {
    e.snapshot().kube.map(|k| k.calls).unwrap_or_default()
}

fn route(e: &Engine, from: &str, ns: &str, to_ns: &str) -> CallView {
    calls(e).into_iter().find(|c| c.from == from && c.namespace == ns && c.to_namespace == to_ns).unwrap_or_else(|| panic!("no route {from} in {ns} → {to_ns}"))
}

fn pod_name(e: &Engine, ns: &str, prefix: &str) -> String {
    let snap = e.snapshot();
    let pods = snap.kube.map(|k| k.pods).unwrap_or_default();
    pods.into_iter().find(|p| p.namespace == ns && p.name.starts_with(prefix)).map(|p| p.name).unwrap_or_else(|| panic!("no pod {prefix}* in {ns}"))
}

fn cpu(e: &Engine, ns: &str, prefix: &str) -> Option<i64> {
    let snap = e.snapshot();
    let pods = snap.kube.map(|k| k.pods).unwrap_or_default();
    pods.into_iter().find(|p| p.namespace == ns && p.name.starts_with(prefix)).and_then(|p| p.cpu_usage_milli)
}

#[test]
fn same_tenant_calls_flow_and_cross_tenant_calls_time_out() {
    let mut e = engine();
    e.run_until(30_000);
    // Inside tenant-a: 20 calls/s, all delivered.
    let inside = route(&e, "deployment/frontend", "tenant-a", "tenant-a");
    assert_eq!((inside.calls_per_second, inside.delivered_per_second, inside.timeouts_per_second), (20.0, 20.0, 0.0));
    assert_eq!((inside.pairs, inside.blocked_pairs), (1, 0));
    // tenant-a → tenant-b: tenant-a's own egress rule lets nothing out of the tenant.
    let across = route(&e, "deployment/frontend", "tenant-a", "tenant-b");
    assert_eq!((across.calls_per_second, across.delivered_per_second, across.timeouts_per_second), (20.0, 0.0, 20.0));
    let fa = pod_name(&e, "tenant-a", "frontend-");
    let bb = pod_name(&e, "tenant-b", "backend-");
    let ba = pod_name(&e, "tenant-a", "backend-");
    let cl = pod_name(&e, "shared", "client-");
    assert_eq!(across.blocked, vec![format!("pod {fa} is selected by NetworkPolicy tenant-a-isolation in namespace tenant-a and no egress rule allows traffic to pod {bb} in namespace tenant-b on TCP/8080")]);
    // From a namespace without policies into tenant-a: its egress is open, tenant-a's ingress is not.
    let shared = route(&e, "deployment/client", "shared", "tenant-a");
    assert_eq!((shared.calls_per_second, shared.timeouts_per_second), (10.0, 10.0));
    assert_eq!(shared.blocked, vec![format!("pod {ba} is selected by NetworkPolicy tenant-a-isolation in namespace tenant-a and no ingress rule allows it (from pod {cl} in namespace shared on TCP/8080)")]);
    // Inside tenant-b: 10 calls/s flow.
    let b_inside = route(&e, "deployment/frontend", "tenant-b", "tenant-b");
    assert_eq!((b_inside.delivered_per_second, b_inside.timeouts_per_second), (10.0, 0.0));
    // What arrives is work: tenant-a's backend serves only tenant-a's 20 calls/s (200m at 10 ms
    // each), tenant-b's backend only tenant-b's 10 (100m).
    assert_eq!(cpu(&e, "tenant-a", "backend-"), Some(200));
    assert_eq!(cpu(&e, "tenant-b", "backend-"), Some(100));
    // One event per blocked route, when the pods on both sides became ready, naming the policy.
    let blocked: Vec<(String, String)> = e
        .events()
        .iter()
        .filter(|ev| matches!(ev.kind, EventKind::TrafficBlocked { .. }))
        .map(|ev| {
            assert_eq!(ev.kind.level(), Level::Warning);
            let EventKind::TrafficBlocked { namespace, .. } = &ev.kind else { unreachable!() };
            (namespace.clone(), ev.kind.describe())
        })
        .collect();
    assert_eq!(
        blocked,
        vec![
            (
                "tenant-a".to_string(),
                format!("frontend → backend:8080 blocked: pod {fa} is selected by NetworkPolicy tenant-a-isolation in namespace tenant-a and no egress rule allows traffic to pod {bb} in namespace tenant-b on TCP/8080")
            ),
            (
                "shared".to_string(),
                format!("client → backend:8080 blocked: pod {ba} is selected by NetworkPolicy tenant-a-isolation in namespace tenant-a and no ingress rule allows it (from pod {cl} in namespace shared on TCP/8080)")
            ),
        ]
    );
}

#[test]
fn quotas_refuse_with_the_api_servers_text() {
    let mut e = engine();
    e.run_until(240_000);
    let failed: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodCreateFailed { owner, namespace, message } if namespace == "tenant-a" => Some(format!("{owner}: {message}")),
            _ => None,
        })
        .collect();
    // 250m + 250m + 3 × 3 = 9.5 CPUs; the fourth batch pod would make 12.5 > 10. The ReplicaSet
    // tries again whenever something changes in the cluster (here the Services at 2m and the pod
    // at 3m) and is refused each time.
    assert_eq!(failed.len(), 3, "{failed:?}");
    for f in &failed {
        let rs = f.split(':').next().unwrap_or_default().to_string();
        assert!(rs.starts_with("ReplicaSet/batch-"), "{rs}");
        let text = &f[rs.len() + 2..];
        assert!(text.starts_with("pods \"batch-"), "{text}");
        assert!(text.ends_with("\" is forbidden: exceeded quota: tenant-a-quota, requested: requests.cpu=3, used: requests.cpu=9500m, limited: requests.cpu=10"), "{text}");
    }
    let snap = e.snapshot();
    let kube = snap.kube.as_ref().map(|k| k.pods.iter().filter(|p| p.name.starts_with("batch-")).count());
    assert_eq!(kube, Some(3));
    // services.loadbalancers: "2" — the third LoadBalancer Service is refused.
    let actions: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::ActionFailed { .. } => Some(ev.kind.describe()),
            _ => None,
        })
        .collect();
    assert!(
        actions.iter().any(|a| a.contains("Error from server (Forbidden): error when creating Service \"lb-3\": services \"lb-3\" is forbidden: exceeded quota: tenant-a-quota, requested: services.loadbalancers=1, used: services.loadbalancers=2, limited: services.loadbalancers=2")),
        "{actions:#?}"
    );
    // A pod without requests in a namespace with a compute quota.
    assert!(
        actions.iter().any(|a| a.contains("pods \"no-requests\" is forbidden: failed quota: tenant-b-quota: must specify requests.cpu,requests.memory")),
        "{actions:#?}"
    );
}

/// A policy applied and deleted on the timeline: the calls time out from the moment it exists,
/// and flow again once it is gone (`trafficBlocked`, then `trafficAllowed`).
#[test]
fn a_policy_applied_then_deleted_blocks_then_lets_calls_through() {
    let deny = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-backend
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: backend
  policyTypes:
  - Ingress
";
    let s = json!({
        "berth": 1,
        "name": "policy on the timeline",
        "seed": 9,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng", "instanceType": "m5.large", "desiredSize": 1 }],
            "manifests": [format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n{}", app("shop"))],
            "traffic": [{ "deployment": "frontend", "namespace": "shop", "load": { "shape": "constant", "rps": 20 },
                          "calls": [{ "service": "backend", "port": 8080 }] }]
        },
        "timeline": [
            { "at": "30s", "action": "kubectl", "args": "apply", "manifest": deny },
            { "at": "60s", "action": "kubectl", "args": "delete networkpolicy deny-backend -n shop" },
            { "at": "70s", "action": "kubectl", "args": "delete networkpolicy deny-backend -n shop" }
        ],
        "runUntil": "80s"
    });
    let mut e = match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files in tests"))) {
        Ok(sc) => sc.start(None),
        Err(d) => panic!("scenario does not load: {d:?}"),
    };
    e.run_until(20_000);
    let r = route(&e, "deployment/frontend", "shop", "shop");
    assert_eq!((r.delivered_per_second, r.timeouts_per_second), (20.0, 0.0));
    e.run_until(45_000);
    let r = route(&e, "deployment/frontend", "shop", "shop");
    assert_eq!((r.delivered_per_second, r.timeouts_per_second, r.blocked_pairs), (0.0, 20.0, 1));
    e.run_until(80_000);
    let r = route(&e, "deployment/frontend", "shop", "shop");
    assert_eq!((r.delivered_per_second, r.timeouts_per_second), (20.0, 0.0));
    let backend = pod_name(&e, "shop", "backend-");
    let frontend = pod_name(&e, "shop", "frontend-");
    let log: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter(|ev| matches!(ev.kind, EventKind::TrafficBlocked { .. } | EventKind::TrafficAllowed { .. } | EventKind::ActionFailed { .. }))
        .map(|ev| (ev.t, ev.kind.describe()))
        .collect();
    assert_eq!(log.len(), 3, "{log:#?}");
    assert_eq!(
        log[0],
        (30_000, format!("frontend → backend:8080 blocked: pod {backend} is selected by NetworkPolicy deny-backend in namespace shop and no ingress rule allows it (from pod {frontend} in namespace shop on TCP/8080)"))
    );
    assert_eq!(log[1], (60_000, "frontend → backend:8080: no NetworkPolicy blocks the calls any more".to_string()));
    assert_eq!(log[2].0, 70_000);
    assert!(log[2].1.contains("Error from server (NotFound): networkpolicies.networking.k8s.io \"deny-backend\" not found"), "{}", log[2].1);
}

/// The Services tab's "Calls between Services" rows (`shell::kube_view::call_rows`).
#[test]
fn the_page_lists_each_route_with_what_happens_to_its_calls() {
    let mut e = engine();
    e.run_until(30_000);
    let rows = berth::shell::kube_view::call_rows(&calls(&e));
    let row = |route: &str| rows.iter().find(|r| r.route == route).unwrap_or_else(|| panic!("no row {route}: {rows:?}"));
    let inside = row("frontend (tenant-a) → backend (tenant-a) :8080");
    assert_eq!((inside.rate.as_str(), inside.outcome.as_str(), inside.blocked), ("20/s", "all delivered", false));
    assert!(inside.why.is_empty());
    let across = row("frontend (tenant-a) → backend (tenant-b) :8080");
    assert_eq!((across.rate.as_str(), across.outcome.as_str(), across.blocked), ("20/s", "0/s delivered, 20/s time out (dropped by a NetworkPolicy)", true));
    assert_eq!(across.why.len(), 1);
    assert!(across.why[0].contains("NetworkPolicy tenant-a-isolation"), "{:?}", across.why);
}
