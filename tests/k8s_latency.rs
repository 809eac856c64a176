//! Response times and 5xx of a Kubernetes Deployment (src/engine/k8s/load.rs `k_pod_response`,
//! src/engine/k8s/metrics.rs): each Ready pod goes through the ECS services' queueing model
//! (src/engine/traffic/queueing.rs) with its CPU limit as its CPU, and the Deployment records
//! `5xxPerSecond` and `TargetResponseTime` (mean, `:p50`, `:p95`, `:p99`, seconds) each minute.
//! The numbers are the ones a learner can work out by hand (docs/kubernetes.md, "Response times
//! and 5xx"; docs/traffic.md for the formulas).

use berth::engine::sim::Engine;
use berth::engine::traffic::queueing::{evaluate, TaskInput, LN_P50, LN_P95, LN_P99};
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

const MIN: u64 = 60_000;

/// Three pods of `cpu` requested and (if `limit`) that CPU limit.
fn web(request: &str, limit: Option<&str>) -> String {
    let limits = limit.map(|l| format!("            limits:\n              cpu: {l}\n")).unwrap_or_default();
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
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
              cpu: {request}
              memory: 256Mi
{limits}"
    )
}

/// Web's three pods on two t3.large nodes (1930m allocatable each) under `load`, with
/// `behaviors` (by default 10 ms of CPU and 20 ms base latency per request).
fn engine(manifest: &str, load: Value, behaviors: Value) -> Engine {
    start(&json!({
        "berth": 1,
        "name": "k8s latency test",
        "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "behaviors": behaviors,
        "kubernetes": {
            "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 2 }],
            "manifests": [manifest],
            "traffic": [{ "deployment": "web", "load": load }]
        },
    }))
}

fn at(e: &Engine, name: &str, t: u64) -> Option<f64> {
    e.metrics().series(&format!("default/web/{name}")).find(|(x, _)| *x == t).map(|(_, v)| v)
}

/// The ECS model for one task of `vcpu` offered `rps` (10 ms per request, 20 ms base).
fn ecs(rps: f64, vcpu: f64, error_rate: f64) -> berth::engine::traffic::queueing::TaskOutput {
    evaluate(TaskInput { offered_rps: rps, vcpu, cpu_ms_per_request: 10.0, base_latency_ms: 20.0, error_rate })
}

/// 3 Ready pods of 500m (request = limit), 90 requests/s at 10 ms each: 30 requests/s per pod,
/// 300m of 500m → 60 % CPU. Capacity 500 / 10 = 50 requests/s per pod, ρ = 30/50 = 0.6, service
/// time S = 1000/50 = 20 ms, mean wait 20 / (1 − 0.6) = 50 ms: mean latency 20 + 50 = 70 ms,
/// p50 = 20 + 50 × ln 2 = 54.7 ms, p95 = 20 + 50 × ln 20 = 169.8 ms, p99 = 20 + 50 × ln 100 =
/// 250.3 ms; nothing fails.
#[test]
fn three_pods_at_sixty_percent_answer_p95_in_170_ms_without_5xx() {
    let mut e = engine(&web("500m", Some("500m")), json!({ "shape": "constant", "rps": 90 }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    e.run_until(2 * MIN);
    let t = 2 * MIN;
    assert_eq!(at(&e, "ReadyReplicas", t), Some(3.0));
    assert_eq!(at(&e, "RequestsPerSecond", t), Some(90.0));
    assert_eq!(at(&e, "CPUUtilization", t), Some(60.0));
    assert_eq!(at(&e, "5xxPerSecond", t), Some(0.0));
    let close = |name: &str, want_ms: f64| {
        let got = at(&e, name, t).unwrap_or_else(|| panic!("{name} recorded"));
        assert!((got * 1000.0 - want_ms).abs() < 1e-9, "{name}: {} ms, want {want_ms} ms", got * 1000.0);
    };
    close("TargetResponseTime", 70.0);
    close("TargetResponseTime:p50", 20.0 + 50.0 * LN_P50);
    close("TargetResponseTime:p95", 20.0 + 50.0 * LN_P95);
    close("TargetResponseTime:p99", 20.0 + 50.0 * LN_P99);
    // What the Charts tab and a lesson see, rounded.
    let ms = |name: &str| format!("{:.1}", at(&e, name, t).unwrap_or_default() * 1000.0);
    assert_eq!((ms("TargetResponseTime:p50"), ms("TargetResponseTime:p95"), ms("TargetResponseTime:p99")), ("54.7".into(), "169.8".into(), "250.3".into()));
    // Exactly what an ECS task of 0.5 vCPU offered 30 requests/s answers.
    assert_eq!(at(&e, "TargetResponseTime:p95", t), Some(ecs(30.0, 0.5, 0.0).quantile_ms(LN_P95) / 1000.0));
    // Every minute with the load has the series (the first points at 1m).
    assert_eq!(e.metrics().series("default/web/TargetResponseTime:p95").count(), 2);
    // The live values (the Charts tab's summary) are the same now.
    let live = e.k_deployment_response("default/web").expect("a loaded Deployment");
    assert_eq!((live.offered_rps, live.served_rps, live.failed_rps), (90.0, 90.0, 0.0));
    assert_eq!(live.p95_ms.map(|p| p / 1000.0), at(&e, "TargetResponseTime:p95", t));
    assert_eq!(e.k_deployment_response("default/api"), None);
}

/// 210 requests/s on the same three pods: 70 each against a capacity of 50. 20 requests/s per pod
/// are rejected with a 503 — 60 5xx/s in all —, the pods run at their 500m limit (100 % of
/// requests) and ρ is capped at 0.99: mean wait 20 / 0.01 = 2000 ms, p95 = 20 + 2000 × ln 20 =
/// 6011.5 ms, as the ECS model gives a saturated 0.5 vCPU task.
#[test]
fn pushed_past_capacity_the_pods_answer_503s_and_p95_climbs_to_six_seconds() {
    let mut e = engine(&web("500m", Some("500m")), json!({ "shape": "step", "steps": [["0s", 90], ["90s", 210]] }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    e.run_until(2 * MIN);
    let t = 2 * MIN;
    assert_eq!(at(&e, "RequestsPerSecond", t), Some(210.0));
    assert_eq!(at(&e, "CPUUtilization", t), Some(100.0));
    let five = at(&e, "5xxPerSecond", t).expect("5xx recorded");
    assert!((five - 60.0).abs() < 1e-9, "{five}");
    let p95 = at(&e, "TargetResponseTime:p95", t).expect("p95 recorded") * 1000.0;
    assert!((p95 - (20.0 + 2000.0 * LN_P95)).abs() < 1e-6, "{p95}");
    assert_eq!(format!("{p95:.1}"), "6011.5");
    let live = e.k_deployment_response("default/web").expect("a loaded Deployment");
    assert_eq!((live.offered_rps, live.served_rps), (210.0, 150.0));
    let o = ecs(70.0, 0.5, 0.0);
    assert_eq!((o.served_rps, o.rejected_rps), (50.0, 20.0));
    assert_eq!(at(&e, "TargetResponseTime:p95", t), Some(o.quantile_ms(LN_P95) / 1000.0));
    // The minute before (90 requests/s) had none.
    assert_eq!(at(&e, "5xxPerSecond", MIN), Some(0.0));
}

/// The behaviour's errorRate fails that share of the requests served, as for an ECS service:
/// 2 % of 90 requests/s = 1.8 5xx/s; the latency is unchanged.
#[test]
fn the_behaviours_error_rate_is_5xx() {
    let mut e = engine(&web("500m", Some("500m")), json!({ "shape": "constant", "rps": 90 }), json!({ "web": { "cpuMsPerRequest": 10, "errorRate": 0.02 } }));
    e.run_until(MIN);
    let five = at(&e, "5xxPerSecond", MIN).expect("5xx recorded");
    assert!((five - 1.8).abs() < 1e-9, "{five}");
    let p95 = at(&e, "TargetResponseTime:p95", MIN).unwrap_or_default() * 1000.0;
    assert_eq!(format!("{p95:.1}"), "169.8");
}

/// The capacity is the CPU limit, not the request: pods requesting 250m with a 500m limit use
/// 300m each at 90 requests/s (120 % of requests, what the HPA sees) and answer as the 500m pods
/// do. Without a limit a pod may use its node's allocatable CPU (1930m on a t3.large), so that is
/// its capacity: 193 requests/s, ρ = 30/193, p95 = 20 + (1000/193)/(1 − 30/193) × ln 20 = 38.4 ms.
#[test]
fn capacity_is_the_cpu_limit_or_without_one_the_nodes_allocatable_cpu() {
    let mut e = engine(&web("250m", Some("500m")), json!({ "shape": "constant", "rps": 90 }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    e.run_until(MIN);
    assert_eq!(at(&e, "CPUUtilization", MIN), Some(120.0));
    assert_eq!(at(&e, "5xxPerSecond", MIN), Some(0.0));
    assert_eq!(format!("{:.1}", at(&e, "TargetResponseTime:p95", MIN).unwrap_or_default() * 1000.0), "169.8");

    let mut e = engine(&web("250m", None), json!({ "shape": "constant", "rps": 90 }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    e.run_until(MIN);
    assert_eq!(at(&e, "CPUUtilization", MIN), Some(120.0));
    assert_eq!(at(&e, "5xxPerSecond", MIN), Some(0.0));
    let p95 = at(&e, "TargetResponseTime:p95", MIN).unwrap_or_default() * 1000.0;
    let want = 20.0 + (1000.0 / 193.0) / (1.0 - 30.0 / 193.0) * LN_P95;
    assert!((p95 - want).abs() < 1e-9, "{p95} vs {want}");
    assert_eq!(format!("{p95:.1}"), "38.4");
}

/// Pods with different limits mix: the Deployment's p95 is the quantile of the mix of the Ready
/// pods' latency distributions, each weighted by the requests it serves (as an ECS service's
/// tasks mix). Here a rolling update from a 500m to a 1000m limit, whose new pods become Ready
/// 30 s after they start (a readiness probe's initial delay), is part-way at 2m.
#[test]
fn pods_with_different_limits_mix_by_the_requests_they_serve() {
    let mut e = engine(&web("500m", Some("500m")), json!({ "shape": "constant", "rps": 120 }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    e.run_until(MIN);
    // 40 requests/s per 500m pod: ρ = 0.8, mean wait 20 / 0.2 = 100 ms, p95 = 20 + 100 × ln 20 =
    // 319.6 ms.
    let p95_ms = |e: &Engine, t: u64| format!("{:.1}", at(e, "TargetResponseTime:p95", t).unwrap_or_default() * 1000.0);
    assert_eq!(p95_ms(&e, MIN), "319.6");
    let probe = "          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n            initialDelaySeconds: 30\n            periodSeconds: 5\n";
    assert_eq!(e.apply_manifest(&(web("500m", Some("1000m")) + probe)).map(|_| ()), Ok(()));
    e.run_until(2 * MIN);
    // At 2m: one new pod Ready (1000m), two old ones (500m), 40 requests/s each. The new pod:
    // capacity 100, ρ = 0.4, S = 10 ms, mean wait 10 / 0.6 = 16.7 ms (its own p95: 69.9 ms). The
    // mix: 80 requests/s with a 100 ms mean wait, 40 with 16.7 ms — the x where
    // 80·e^(−x/100) + 40·e^(−x/16.7) = 0.05 × 120 (x = 259.0), plus the 20 ms base: 279.0 ms.
    assert_eq!(at(&e, "ReadyReplicas", 2 * MIN), Some(3.0));
    assert_eq!(at(&e, "RequestsPerSecond", 2 * MIN), Some(120.0));
    assert_eq!(p95_ms(&e, 2 * MIN), "279.0");
    let x = at(&e, "TargetResponseTime:p95", 2 * MIN).unwrap_or_default() * 1000.0 - 20.0;
    let tail = 80.0 * (-x / 100.0).exp() + 40.0 * (-x / (10.0 / 0.6)).exp();
    assert!((tail - 6.0).abs() < 1e-6, "{tail}");
    // The mean: (80 × 120 + 40 × 36.7) / 120 = 92.2 ms.
    assert_eq!(format!("{:.1}", at(&e, "TargetResponseTime", 2 * MIN).unwrap_or_default() * 1000.0), "92.2");
    // Rolled out: every pod 1000m, p95 69.9 ms.
    e.run_until(5 * MIN);
    assert_eq!(p95_ms(&e, 5 * MIN), "69.9");
}

/// The series appear only when the scenario has a load, like CPUUtilization; a Deployment that
/// serves nothing in a loaded scenario reads 0 5xx/s and has no latency.
#[test]
fn latency_series_exist_only_with_a_load_and_only_while_pods_serve() {
    let quiet = start(&json!({
        "berth": 1, "name": "no load", "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 2 }], "manifests": [web("500m", Some("500m"))] },
        "runUntil": "3m",
    }));
    let mut quiet = quiet;
    quiet.run_until(3 * MIN);
    assert_eq!(at(&quiet, "ReadyReplicas", 3 * MIN), Some(3.0));
    for name in ["CPUUtilization", "5xxPerSecond", "TargetResponseTime", "TargetResponseTime:p95"] {
        assert_eq!(at(&quiet, name, 3 * MIN), None, "{name} without a load");
    }
    assert_eq!(quiet.k_deployment_response("default/web"), None);
    // A load of 0 requests/s: the series exist, nothing fails, nothing is timed.
    let mut idle = engine(&web("500m", Some("500m")), json!({ "shape": "step", "steps": [["0s", 0], ["2m", 30]] }), json!({}));
    idle.run_until(2 * MIN);
    assert_eq!(at(&idle, "5xxPerSecond", MIN), Some(0.0));
    assert_eq!(at(&idle, "TargetResponseTime:p95", MIN), None);
    // From 2m, 30 requests/s: 10 per pod, ρ = 0.2, mean wait 25 ms, mean latency 45 ms.
    let mean = at(&idle, "TargetResponseTime", 2 * MIN).unwrap_or_default() * 1000.0;
    assert!((mean - 45.0).abs() < 1e-9, "{mean}");
}



/// A lesson's `metric` goal names the new series like the ECS capstone's
/// `web/TargetResponseTime:p95`: under the Deployment's `namespace/name`.
#[test]
fn a_lesson_metric_goal_can_name_the_deployments_p95_and_5xx() {
    use berth::engine::lesson::check::Checker;
    use berth::engine::lesson::goal::parse_goal_text;
    let goal = |text: &str| parse_goal_text(text).unwrap_or_else(|d| panic!("{d:?}"));
    let goals = vec![
        goal(r#"{"label": "95 % within 200 ms", "metric": {"name": "default/web/TargetResponseTime:p95", "<": 0.2}}"#),
        goal(r#"{"label": "No request fails", "metric": {"name": "default/web/5xxPerSecond", "==": 0}}"#),
    ];
    let mut e = engine(&web("500m", Some("500m")), json!({ "shape": "step", "steps": [["0s", 90], ["90s", 210]] }), json!({ "web": { "cpuMsPerRequest": 10 } }));
    let mut c = Checker::new(goals);
    e.run_until(MIN);
    c.observe(&e);
    assert!(c.all_met(), "{:?}", c.status());
    // Past capacity at 2m: both fail, saying what they read.
    e.run_until(2 * MIN);
    c.observe(&e);
    let msgs: Vec<(bool, String)> = c.status().into_iter().map(|s| (s.ok, s.message)).collect();
    assert_eq!(
        msgs,
        vec![
            (false, "expected default/web/TargetResponseTime:p95 < 0.2; 6.01 at 00:02:00".to_string()),
            (false, "expected default/web/5xxPerSecond = 0; 60 at 00:02:00".to_string()),
        ]
    );
}
