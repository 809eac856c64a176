//! The presenter demo page's figures (src/shell/vitals.rs).

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use berth::engine::time::MINUTE;
use berth::shell::vitals::vitals;

fn example(name: &str) -> Engine {
    let dir = std::path::Path::new("docs/examples/scenarios");
    let text = std::fs::read_to_string(dir.join(name)).expect("committed example");
    let files = |n: &str| std::fs::read_to_string(dir.join(n)).map_err(|e| e.to_string());
    parse_scenario(&text, &files).expect("parses").start(None)
}

fn shown(e: &Engine) -> Vec<(String, String)> {
    vitals(&e.snapshot()).into_iter().map(|v| (v.key.to_string(), v.value)).collect()
}

#[test]
fn without_traffic_the_page_shows_tasks_and_the_hourly_cost() {
    // Six m5.large at $0.096 an hour: $0.576, shown to the cent.
    let mut e = example("first-page.json");
    e.run_until(2 * MINUTE);
    assert_eq!(shown(&e), vec![("running".into(), "6".into()), ("cost".into(), "$0.58/hour".into())]);
}

#[test]
fn with_traffic_it_adds_requests_the_worst_p95_and_the_failed_share() {
    // The lab's load starts at a constant 20 requests/s and ramps from minute 5.
    let mut e = example("autoscaling-lab.json");
    e.run_until(3 * MINUTE);
    let v = shown(&e);
    let keys: Vec<&str> = v.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["running", "cost", "requests", "p95", "errors"]);
    assert_eq!(v[2].1, "20/s");
    assert!(v[3].1.ends_with(" ms"), "{v:?}");
    assert_eq!(v[4].1, "0.0 %");
    let s = e.snapshot();
    let p95 = s.services.iter().filter_map(|x| x.load.as_ref()?.p95_ms).fold(0.0f64, f64::max);
    assert_eq!(v[3].1, format!("{p95:.0} ms"));
}

#[test]
fn a_kubernetes_scenario_shows_pods_ready_cost_and_the_requests_offered() {
    // The web Deployment's spike: 20 requests/s until 3m, 360 from then until 18m.
    let mut e = example("k8s-autoscaling.json");
    e.run_until(2 * MINUTE);
    let before = shown(&e);
    let keys: Vec<&str> = before.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["running", "cost", "requests"], "{before:?}");
    assert_eq!(before[2].1, "20/s");
    e.run_until(10 * MINUTE);
    assert_eq!(shown(&e)[2], ("requests".to_string(), "360/s".to_string()));
    assert_eq!(e.snapshot().kube.and_then(|k| k.offered_rps), Some(360.0));
}

#[test]
fn a_kubernetes_scenario_without_load_shows_no_requests() {
    let mut e = example("k8s-deployment.json");
    e.run_until(2 * MINUTE);
    let v = shown(&e);
    assert_eq!(v.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["running", "cost"], "{v:?}");
    assert_eq!(v[0].1, e.snapshot().kube.map(|k| k.pods.iter().filter(|p| p.ready).count()).unwrap_or(0).to_string());
}
