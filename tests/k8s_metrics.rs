//! Each Kubernetes Deployment's minute metrics (src/engine/k8s/metrics.rs): replicas, CPU and
//! memory utilisation and requests per second under `namespace/name`, the same figures the
//! snapshot shows at that minute, for the Charts tab and lesson goals.

use std::path::Path;

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;

const MIN: u64 = 60_000;

fn autoscaling_example() -> Engine {
    let dir = Path::new("docs/examples/scenarios");
    let text = std::fs::read_to_string(dir.join("k8s-autoscaling.json")).expect("example");
    let files = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    match parse_scenario(&text, &files) {
        Ok(s) => s.start(None),
        Err(d) => panic!("{d:?}"),
    }
}

fn at(e: &Engine, name: &str, t: u64) -> Option<f64> {
    e.metrics().series(&format!("default/web/{name}")).find(|(x, _)| *x == t).map(|(_, v)| v)
}

#[test]
fn deployment_metrics_are_what_the_snapshot_shows_each_minute() {
    let mut e = autoscaling_example();
    let mut desired = Vec::new();
    let mut not_ready = Vec::new();
    for m in 1..=30u64 {
        let t = m * MIN;
        e.run_until(t);
        let snap = e.snapshot();
        let kube = snap.kube.as_ref().expect("a Kubernetes scenario");
        let d = kube.deployments.iter().find(|d| d.name == "web").expect("web");
        assert_eq!(at(&e, "DesiredReplicas", t), Some(d.desired as f64), "minute {m}");
        assert_eq!(at(&e, "ReadyReplicas", t), Some(d.ready as f64), "minute {m}");
        assert_eq!(at(&e, "NotReadyReplicas", t), Some((d.replicas - d.ready) as f64), "minute {m}");
        desired.push(d.desired);
        not_ready.push(d.replicas - d.ready);
        // Σ usage / Σ requests over the Ready pods of web's ReplicaSets, from the pod list.
        let ready: Vec<_> = kube.pods.iter().filter(|p| p.ready && p.status != "Terminating" && p.owner.as_deref().and_then(|o| o.strip_prefix("ReplicaSet/")?.rsplit_once('-')).is_some_and(|(d, _)| d == "web")).collect();
        let used: i64 = ready.iter().map(|p| p.cpu_usage_milli.unwrap_or(0)).sum();
        let requested: i64 = ready.iter().map(|p| p.requests_cpu_milli).sum();
        let cpu = at(&e, "CPUUtilization", t).expect("CPU utilisation with a load");
        assert!((cpu - 100.0 * used as f64 / requested as f64).abs() < 1e-9, "minute {m}: {cpu} vs {used}/{requested}");
    }
    // Before the spike (20 requests/s × 10 ms = 200m over two pods' 1000m requested): 20 %.
    assert_eq!(at(&e, "CPUUtilization", 2 * MIN), Some(20.0));
    assert_eq!(at(&e, "RequestsPerSecond", 2 * MIN), Some(20.0));
    // The spike (3m) makes the HPA scale out; some new pods wait for the new nodes.
    assert_eq!(desired[1], 2);
    assert!(desired.iter().max() > Some(&4), "{desired:?}");
    assert!(not_ready.iter().any(|n| *n > 0), "{not_ready:?}");
}

#[test]
fn the_charts_load_control_sets_a_deployments_load_with_kubectl() {
    use berth::engine::sim::Command;
    use berth::engine::traffic::load::LoadSpec;
    use berth::shell::forms::deployment_load;

    let constant = deployment_load("default/web", &LoadSpec::Constant { rps: 100.0 });
    assert_eq!(constant, Command::Kubectl { args: "set load deployment/web -n default --rps=100".into(), manifest: None });
    let spike = deployment_load("default/web", &LoadSpec::Spike { base: 10.0, peak: 100.0, at: "150s".into(), duration: "5m".into() });
    assert_eq!(spike, Command::Kubectl { args: "set load deployment/web -n default".into(), manifest: Some(r#"{"shape":"spike","base":10.0,"peak":100.0,"at":"150s","duration":"5m"}"#.into()) });

    // 100 requests/s replaces the example's 20 at 30 s: 1000m used (10 ms each) over 500m
    // requested per Ready pod — 100 % on the two pods, which the HPA (60 %) scales out.
    let mut e = autoscaling_example();
    e.run_until(30_000);
    assert_eq!(e.apply(constant), Ok(()));
    e.run_until(MIN);
    assert_eq!(at(&e, "RequestsPerSecond", MIN), Some(100.0));
    let ready = at(&e, "ReadyReplicas", MIN).unwrap_or_default();
    assert!(ready > 2.0, "the HPA scaled out: {ready}");
    assert_eq!(at(&e, "CPUUtilization", MIN), Some(100.0 * 1000.0 / (500.0 * ready)));
    // The spike: 10 requests/s until 2m30s, then 100.
    assert_eq!(e.apply(spike), Ok(()));
    e.run_until(3 * MIN);
    let rps: Vec<f64> = e.metrics().series("default/web/RequestsPerSecond").map(|(_, v)| v).collect();
    assert_eq!(rps, vec![100.0, 10.0, 100.0]);
}
