//! Which task definition revision the editor's text stands for, so the page can say when the
//! cluster has moved on (a scenario's timeline registered `web:2` while the editor still holds
//! `web:1`'s text) and offer the newer one.

use serde_json::Value;

use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::sim::Engine;
use crate::engine::snapshot::ServiceView;
use crate::engine::taskdef::{export_pretty, Compatibility, TaskDefinition};

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

/// The revision of `family` a deploy registered, given the newest revision before it
/// (`before`, from [`latest_revision`]): `Some(n)` when a newer one now exists. The editor then
/// holds that revision, even when the service refused it afterwards.
pub fn registered_since(engine: &Engine, family: &str, before: u32) -> Option<u32> {
    Some(latest_revision(engine, family)).filter(|now| *now > before)
}

/// What the editor's live check needs to know of a service a Deploy could update (a few strings
/// each, compared cheaply on every render, unlike a whole snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployTarget {
    pub name: String,
    /// `family:revision`.
    pub task_definition: String,
    /// `EC2` or `FARGATE`.
    pub launch_type: String,
}

impl DeployTarget {
    /// The services, in the order Deploy looks at them.
    pub fn all(services: &[ServiceView]) -> Vec<DeployTarget> {
        services.iter().map(|s| DeployTarget { name: s.name.clone(), task_definition: s.task_definition.clone(), launch_type: s.launch_type.clone() }).collect()
    }
}

/// The rule id of [`launch_type_warning`].
pub const RULE_LAUNCH_TYPE: &str = "launch-type-mismatch";

/// A lint warning for the editor's live check when the text's `requiresCompatibilities` cannot
/// run on the launch type of the service Deploy would point at it (the service running its
/// family, else the first: `history::deploy_target`). Deploy would still register the revision
/// (RegisterTaskDefinition does not know the service) and the service would then refuse it
/// (UpdateService: "web:2 is not compatible with EC2"), as in AWS; the warning says so before.
/// The same rule as the engine's (`Engine::check_launch_type`): a FARGATE service needs
/// "FARGATE" in the list; an EC2 service needs "EC2" in it, or no list at all. `text` is the
/// text `td` was parsed from (for the position of `requiresCompatibilities`).
pub fn launch_type_warning(text: &str, td: &TaskDefinition, services: &[DeployTarget]) -> Option<Diagnostic> {
    let target = services.iter().find(|s| s.task_definition.split(':').next() == Some(td.family.as_str())).or(services.first())?;
    let listed: Vec<&str> = td.requires_compatibilities.iter().map(|c| c.as_str()).collect();
    let fits = match target.launch_type.as_str() {
        "FARGATE" => td.is_fargate(),
        "EC2" => listed.is_empty() || td.requires_compatibilities.contains(&Compatibility::Ec2),
        _ => true,
    };
    if fits {
        return None;
    }
    let key = crate::engine::json::parse(text).ok().and_then(|j| j.get_member("requiresCompatibilities").map(|(k, _)| k.pos));
    let pos = key.unwrap_or(Pos { line: 1, col: 1, offset: 0 });
    let has = if listed.is_empty() { "no requiresCompatibilities".to_string() } else { format!("requiresCompatibilities {listed:?}") };
    let message = format!(
        "service {} runs on {} but this text has {has}: Deploy would register the new revision, then the service would refuse it (add \"{}\" to requiresCompatibilities)",
        target.name, target.launch_type, target.launch_type
    );
    Some(Diagnostic::warning(pos, "requiresCompatibilities", RULE_LAUNCH_TYPE, message))
}
