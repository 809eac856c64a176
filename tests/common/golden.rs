//! The scenario both determinism tests run: natively (tests/determinism.rs) and in Wasm under
//! headless Chromium (tests/wasm.rs). Both must produce the log whose hash is in GOLDEN_HASH.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;

pub const SCENARIO: &str = include_str!("../../docs/examples/scenarios/self-healing.json");
pub const WEB: &str = include_str!("../../docs/examples/scenarios/taskdefs/web.json");
/// FNV-1a 64 of the JSON-lines event log of SCENARIO run to 10 minutes with seed 1234.
pub const GOLDEN_HASH: &str = include_str!("../golden/self-healing.hash");

pub fn run() -> Engine {
    let files = |name: &str| match name {
        "taskdefs/web.json" => Ok(WEB.to_string()),
        other => Err(format!("{other} not bundled")),
    };
    let scenario = match parse_scenario(SCENARIO, &files) {
        Ok(s) => s,
        Err(d) => panic!("self-healing.json does not load: {d:?}"),
    };
    let mut e = scenario.start(Some(1234));
    e.run_until(10 * 60 * 1000);
    e
}

/// The course lab with traffic, alarms-free target tracking and an ALB, run to 90 minutes: its
/// floating-point traffic model must give the same decisions natively and in Wasm.
pub const LAB: &str = include_str!("../../docs/examples/scenarios/autoscaling-lab.json");
pub const LAB_HASH: &str = include_str!("../golden/autoscaling-lab.hash");
/// Kubernetes: a Deployment, a rollout and a drain under a PodDisruptionBudget.
pub const K8S: &str = include_str!("../../docs/examples/scenarios/k8s-deployment.json");
pub const K8S_WEB: &str = include_str!("../../docs/examples/scenarios/k8s/web.yaml");
pub const K8S_HASH: &str = include_str!("../golden/k8s-deployment.hash");

/// Run a bundled scenario (by its text) to `until_ms`.
pub fn run_text(text: &str, until_ms: u64) -> Engine {
    let files = |name: &str| match name {
        "k8s/web.yaml" => Ok(K8S_WEB.to_string()),
        "taskdefs/web.json" => Ok(WEB.to_string()),
        other => Err(format!("{other} not bundled")),
    };
    let scenario = match parse_scenario(text, &files) {
        Ok(s) => s,
        Err(d) => panic!("a golden scenario does not load: {d:?}"),
    };
    let mut e = scenario.start(None);
    e.run_until(until_ms);
    e
}
