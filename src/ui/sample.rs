//! The scenario the first page opens with, bundled into the Wasm (the page makes no requests).

use crate::engine::scenario::{parse_scenario, Scenario};

pub const SCENARIO: &str = include_str!("../../docs/examples/scenarios/first-page.json");
pub const WEB_TASKDEF: &str = include_str!("../../docs/examples/scenarios/taskdefs/web.json");

fn files(name: &str) -> Result<String, String> {
    match name {
        "taskdefs/web.json" => Ok(WEB_TASKDEF.to_string()),
        other => Err(format!("{other} is not bundled with the page")),
    }
}

/// The bundled scenario. It is checked by a native test, so failure here means a broken build;
/// the error is still returned, not panicked on.
pub fn scenario() -> Result<Scenario, String> {
    parse_scenario(SCENARIO, &files).map_err(|d| d.iter().map(|d| d.render("first-page.json")).collect::<Vec<_>>().join("\n"))
}

/// The second sample, "Autoscaling lab" (the course's ECS lab: a Fargate service behind an ALB
/// with target tracking on CPU 70 % and memory 80 %, and a load ramp), for the Charts tab.
pub const LAB: &str = include_str!("../../docs/examples/scenarios/autoscaling-lab.json");

/// The lab as a scene to open (its editor shows the lab's task definition).
pub fn lab_scene() -> Result<crate::shell::share::Scene, String> {
    let v: serde_json::Value = serde_json::from_str(LAB).map_err(|e| format!("autoscaling-lab.json: {e}"))?;
    let seed = v.get("seed").and_then(|s| s.as_u64()).unwrap_or(7);
    let editor = v.get("taskDefinitions").and_then(|t| t.get(0)).and_then(|t| serde_json::to_string_pretty(t).ok()).unwrap_or_default();
    Ok(crate::shell::share::Scene::new(LAB, std::collections::BTreeMap::new(), seed, &editor))
}
