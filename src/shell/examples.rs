//! The example scenarios the sandbox's scenario picker offers: the files under
//! `docs/examples/scenarios/` (bundled into the page by `build.rs`), listed in the order the
//! course meets their topics, each opened as a fresh scene with the task definitions and
//! manifests it names.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::engine::scenario::parse_scenario;
use crate::engine::sort;
use crate::shell::course::{example as bundled, example_files};
use crate::shell::share::Scene;

/// The teaching order: placement, healing and failures, deployments, scaling, Kubernetes. A
/// scenario added to the folder but not named here is listed after these, by file name.
const ORDER: &[&str] = &[
    "first-page.json",
    "binpack.json",
    "spread-then-binpack.json",
    "distinct-instance.json",
    "member-of.json",
    "self-healing.json",
    "failures.json",
    "rolling-50-100.json",
    "rolling-100-150.json",
    "circuit-breaker.json",
    "blue-green.json",
    "canary.json",
    "autoscaling-lab.json",
    "cluster-autoscaling.json",
    "k8s-deployment.json",
    "k8s-autoscaling.json",
];

/// One entry of the picker.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Its file name under `docs/examples/scenarios/` (the picker's value).
    pub file: String,
    /// The scenario's `name`.
    pub name: String,
    /// The scenario's `description` (empty if it has none).
    pub description: String,
}

/// The bundled example scenarios (top-level `.json` files), in teaching order.
pub fn list() -> Vec<Example> {
    let mut out: Vec<(usize, Example)> = example_files()
        .iter()
        .filter(|(path, _)| !path.contains('/') && path.ends_with(".json"))
        .map(|(path, text)| {
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            let name = match field("name") {
                n if n.is_empty() => path.trim_end_matches(".json").to_string(),
                n => n,
            };
            let rank = ORDER.iter().position(|o| o == path).unwrap_or(ORDER.len());
            (rank, Example { file: path.clone(), name, description: field("description") })
        })
        .collect();
    // Unlisted files keep the bundle's order (sorted by path) after the listed ones.
    sort::sort_by_key(&mut out, |(rank, _)| *rank);
    out.into_iter().map(|(_, e)| e).collect()
}

/// Every `{"file": "..."}` the scenario names, in document order.
fn named_files(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(f)) = map.get("file") {
                out.push(f.clone());
            }
            map.values().for_each(|x| named_files(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| named_files(x, out)),
        _ => {}
    }
}

/// The example as a scene at its start: its text, the files it names, its seed, and in the
/// editor its first task definition (for a Kubernetes-only scenario, its first manifest).
pub fn scene(file: &str) -> Result<Scene, String> {
    let text = bundled(file)?;
    let v: Value = serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let mut names = Vec::new();
    named_files(&v, &mut names);
    let mut files = BTreeMap::new();
    for name in names {
        let body = bundled(&name).map_err(|e| format!("{file} names {e}"))?;
        files.insert(name, body.to_string());
    }
    let lookup = |name: &str| files.get(name).cloned().ok_or_else(|| format!("{name} is not bundled with the page"));
    let scenario = parse_scenario(text, &lookup)
        .map_err(|d| d.iter().find(|d| d.is_error()).or(d.first()).map(|d| d.render(file)).unwrap_or_default())?;
    // The editor: the first task definition, else (Kubernetes) the first manifest, YAML.
    let first_manifest = v.get("kubernetes").and_then(|k| k.get("manifests")).and_then(|m| m.get(0));
    let editor = match (v.get("taskDefinitions").and_then(|t| t.get(0)), first_manifest) {
        (Some(first), _) => match first.get("file").and_then(Value::as_str) {
            Some(name) => files.get(name).cloned().unwrap_or_default(),
            None => serde_json::to_string_pretty(first).unwrap_or_default(),
        },
        (None, Some(m)) => match (m.get("file").and_then(Value::as_str), m.as_str()) {
            (Some(name), _) => files.get(name).cloned().unwrap_or_default(),
            (None, Some(text)) => text.to_string(),
            (None, None) => String::new(),
        },
        (None, None) => String::new(),
    };
    Ok(Scene::new(text, files, scenario.seed, &editor))
}

/// The example a scene is, untouched (its text, files, seed and editor as the picker opens it,
/// no actions yet), so the page can say which example it opened rather than "a shared scene".
pub fn matching(opened: &Scene) -> Option<Example> {
    if !opened.journal.is_empty() {
        return None;
    }
    let file = example_files().iter().find(|(path, text)| !path.contains('/') && *text == opened.scenario).map(|(path, _)| path.clone())?;
    let fresh = scene(&file).ok()?;
    let same = fresh.files == opened.files && fresh.seed == opened.seed && fresh.editor == opened.editor;
    if !same {
        return None;
    }
    list().into_iter().find(|e| e.file == file)
}

/// The notice when the picker (or a link to an untouched example) opened one.
pub fn opened_notice(name: &str, kept_aside: bool) -> String {
    let mut text = format!("Opened the example \u{201c}{name}\u{201d}.");
    if kept_aside {
        text.push_str(" Your own session was kept aside.");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_follows_the_teaching_order_and_holds_every_scenario_file() {
        let files: Vec<String> = list().into_iter().map(|e| e.file).collect();
        assert_eq!(files, ORDER.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn an_unknown_file_says_it_is_not_bundled() {
        assert_eq!(scene("nope.json"), Err("nope.json is not bundled with the page".to_string()));
    }
}
