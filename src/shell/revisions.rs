//! Which task definition revision the editor's text stands for, so the page can say when the
//! cluster has moved on (a scenario's timeline registered `web:2` while the editor still holds
//! `web:1`'s text) and offer the newer one.

use serde_json::Value;

use crate::engine::sim::Engine;
use crate::engine::taskdef::export_pretty;

/// The `family` a task definition text names, if it is JSON with a string `family`.
pub fn family_of(text: &str) -> Option<String> {
    match serde_json::from_str::<Value>(text).ok()?.get("family")? {
        Value::String(f) if !f.trim().is_empty() => Some(f.clone()),
        _ => None,
    }
}

/// The newest registered revision of `family` (0 if none).
pub fn latest_revision(engine: &Engine, family: &str) -> u32 {
    engine.task_definitions(family).last().map_or(0, |td| td.revision)
}

/// `Some(("web:2", text))` when a revision of `family` newer than `base` is registered: its
/// name and its JSON as the editor would show it.
pub fn newer_than(engine: &Engine, family: &str, base: u32) -> Option<(String, String)> {
    let td = engine.task_definitions(family).last().filter(|td| td.revision > base)?;
    Some((format!("{}:{}", td.family, td.revision), export_pretty(td)))
}
