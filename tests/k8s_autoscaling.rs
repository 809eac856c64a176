//! Kubernetes autoscaling in the simulation: load on a Deployment becomes pod CPU usage, and the
//! HorizontalPodAutoscaler scales the Deployment every 15 s. Exact numbers, worked out by hand in
//! the comments.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

const WEB: &str = "apiVersion: apps/v1
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
              cpu: 200m
              memory: 128Mi
            limits:
              cpu: 500m
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 50
";

fn engine(kube: Value, behaviors: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "k8s autoscaling test",
        "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": kube,
        "behaviors": behaviors,
    });
    match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files in tests"))) {
        Ok(sc) => sc.start(None),
        Err(d) => panic!("scenario does not load: {d:?}"),
    }
}

/// (t in s, from, to, current %, reason) of every hpaScaled event.
fn hpa_steps(e: &Engine) -> Vec<(u64, u32, u32, i64, String)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::HpaScaled { from, to, current, reason, .. } => Some((ev.t / 1000, *from, *to, *current, reason.clone())),
            _ => None,
        })
        .collect()
}

fn kube(manifests: Vec<&str>, load: Value) -> Value {
    json!({
        "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 3 }],
        "manifests": manifests,
        "traffic": [{ "deployment": "web", "load": load }]
    })
}

const ABOVE: &str = "cpu resource utilization (percentage of request) above target";

/// Requests 200m, target 50 %: one pod should carry 100m = 10 requests/s at 10 ms each. The load
/// ramps 20 → 90 requests/s from 1m to 8m (+2.5 requests/s per 15 s sync). Each row checked by
/// hand: at 75 s, 22.5 rps / 2 pods × 10 ms = 112m → 56 % → ceil(1.12 × 2) = 3. At 270 s,
/// 55 rps / 5 = 110m → 55 %: |1 − 55/50| is 0.10000000000000009 in float64 (as in Go), just over
/// the 0.1 tolerance, so the HPA scales to ceil(1.1 × 5) = 6 — and likewise 405 s (77.5 / 7 →
/// 110m, 55 %). Every new pod is Ready within 4 s, before the next sync.
#[test]
fn hpa_follows_a_ramp_one_pod_at_a_time() {
    let mut e = engine(kube(vec![WEB, HPA], json!({ "shape": "ramp", "from": 20, "to": 90, "start": "1m", "duration": "7m" })), json!({}));
    e.run_until(12 * 60 * 1000);
    let want: Vec<(u64, u32, u32, i64)> = vec![(75, 2, 3, 56), (150, 3, 4, 58), (210, 4, 5, 56), (270, 5, 6, 55), (345, 6, 7, 56), (405, 7, 8, 55), (480, 8, 9, 56)];
    let got: Vec<(u64, u32, u32, i64)> = hpa_steps(&e).into_iter().map(|(t, f, to, c, _)| (t, f, to, c)).collect();
    assert_eq!(got, want);
    assert!(hpa_steps(&e).iter().all(|s| s.4 == ABOVE));
    let snap = e.snapshot();
    let k = snap.kube.expect("kubernetes view");
    let d = k.deployments.iter().find(|d| d.name == "web").expect("web");
    assert_eq!((d.desired, d.ready), (9, 9));
    // 90 requests/s over 9 Ready pods: 10 each, 100m each.
    assert!(k.pods.iter().all(|p| p.cpu_usage_milli == Some(100)), "{:?}", k.pods.iter().map(|p| p.cpu_usage_milli).collect::<Vec<_>>());
}

/// A jump from 20 to 100 requests/s at 2m: each pod hits its 500m limit (250 % of the request),
/// the calculator asks for ceil(5 × 2) = 10, but the default scale-up policy allows
/// max(+100 %, +4 pods) = 6 per 15 s. At 135 s: 100 / 6 = 16.67 rps → 166m → 83 % → ceil(1.66 × 6)
/// = 10 = maxReplicas. At 20m the load falls to 10 requests/s (5 %): the default 300 s scale-down
/// stabilization keeps 10 until the last "10" recommendation (19m45s) leaves the window, at
/// 24m45s, then drops to minReplicas 2 (100 %-per-15 s policy, floored by minReplicas).
#[test]
fn hpa_scale_up_is_rate_limited_and_scale_down_waits_for_stabilization() {
    let mut e = engine(kube(vec![WEB, HPA], json!({ "shape": "step", "steps": [["0s", 20], ["2m", 100], ["20m", 10]] })), json!({}));
    e.run_until(40 * 60 * 1000);
    assert_eq!(
        hpa_steps(&e),
        vec![(120, 2, 6, 250, ABOVE.to_string()), (135, 6, 10, 83, ABOVE.to_string()), (1485, 10, 2, 5, "All metrics below target".to_string())]
    );
    let last = e.events().iter().rev().find(|ev| ev.kind.name() == "hpaScaled").map(|ev| ev.kind.describe());
    assert_eq!(last.as_deref(), Some("horizontalpodautoscaler/web: New size: 2; reason: All metrics below target"));
}

/// Usage = requests × cpuMsPerRequest, spread evenly over Ready pods, capped at the CPU limit;
/// without a limit the cap is the node's allocatable CPU (t3.large: 1930m).
#[test]
fn pod_cpu_usage_comes_from_the_load_and_is_capped_at_the_limit() {
    let usage = |e: &Engine| -> Vec<Option<i64>> { e.snapshot().kube.expect("kube").pods.iter().map(|p| p.cpu_usage_milli).collect() };
    // 30 rps / 2 pods × 7 ms = 105m.
    let mut e = engine(kube(vec![WEB], json!({ "shape": "step", "steps": [["0s", 30], ["1m", 150]] })), json!({ "web": { "cpuMsPerRequest": 7 } }));
    e.run_until(30_000);
    assert_eq!(usage(&e), vec![Some(105), Some(105)]);
    // 150 rps / 2 × 7 ms = 525m > the 500m limit: throttled at 500m.
    e.run_until(60_000);
    assert_eq!(usage(&e), vec![Some(500), Some(500)]);
    // No limit: 400 rps / 2 × 10 ms = 2000m, capped at the node's 1930m.
    let no_limit = WEB.replace("            limits:\n              cpu: 500m\n", "");
    let mut e = engine(kube(vec![&no_limit], json!({ "shape": "constant", "rps": 400 })), json!({}));
    e.run_until(30_000);
    assert_eq!(usage(&e), vec![Some(1930), Some(1930)]);
}

#[test]
fn traffic_for_an_unknown_deployment_is_refused_with_the_field_path() {
    let s = json!({
        "berth": 1, "name": "bad", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 1 }], "manifests": [WEB], "traffic": [{ "deployment": "api", "load": { "shape": "constant", "rps": 5 } }] },
    });
    let err = match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))) {
        Ok(_) => panic!("should not load"),
        Err(d) => format!("{d:?}"),
    };
    assert!(err.contains("traffic[0].deployment: no Deployment \\\"api\\\" in namespace \\\"default\\\" (the manifests define: web)"), "{err}");
}
