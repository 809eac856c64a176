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
