//! Starting inline test scenarios (shared by the tests that write their scenario as JSON inline:
//! traffic, capacity, forms and most of the Kubernetes ones).

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::Value;

/// The file callback for scenarios that name no files.
pub fn no_files(n: &str) -> Result<String, String> {
    Err(format!("{n}: no files in this test"))
}

/// A fresh engine for a scenario written as JSON; panics with the diagnostics if it does not parse.
pub fn start(v: &Value) -> Engine {
    match parse_scenario(&v.to_string(), &no_files) {
        Ok(s) => s.start(None),
        Err(d) => panic!("scenario does not parse: {d:?}"),
    }
}
