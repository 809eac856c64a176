//! Learner actions: what a reference solution (and later the page) does to the cluster.
//!
//! The scenario timeline's actions (`createService`, `updateService`, `addInstances`, ...) plus
//! `editTaskDefinition` (what the page's Deploy button does: validate the editor text, register
//! it, point the service at it) and the time controls `runFor` / `runUntil`. Each exercise can
//! disable actions and set limits; [`apply`] enforces them and carries the action out.

use crate::engine::diag::Diagnostic;
use crate::engine::json::Json;
use crate::engine::sim::{Command, Engine};
use crate::engine::taskdef::parse_task_definition;
use crate::engine::time::{parse_duration, Clock, Millis};

use super::read::{did_you_mean, value_end, Reader};

/// One learner action.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// A scenario timeline action other than `registerTaskDefinition`.
    Command(Command),
    /// `registerTaskDefinition`: the task definition's JSON text, validated when applied.
    Register { text: String },
    /// The editor's Deploy: validate `text`, register it, point `service` (default: the service
    /// running this family) at the new revision.
    EditTaskDefinition { text: String, service: Option<String> },
    /// Let virtual time pass.
    RunFor(Millis),
    /// Let virtual time pass up to this time since the start.
    RunUntil(Millis),
}

/// The usual learner actions, as written in `"action"` and `disabledActions`. Every other
/// engine command (`drainInstance`, `azOutage`, ...) is accepted too: see [`is_action_name`].
pub const LEARNER_ACTIONS: [&str; 9] = [
    "editTaskDefinition",
    "registerTaskDefinition",
    "createService",
    "updateService",
    "runTask",
    "stopTask",
    "addInstances",
    "terminateInstance",
    "kubectl",
];

/// `true` for `editTaskDefinition` and every engine command name (asked of the engine's own
/// `Command` type, so commands added later are known at once).
pub fn is_action_name(name: &str) -> bool {
    if name == "editTaskDefinition" || name == "registerTaskDefinition" {
        return true;
    }
    match serde_json::from_value::<Command>(serde_json::json!({ "action": name })) {
        Ok(_) => true,
        Err(e) => !e.to_string().starts_with("unknown variant"),
    }
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Command(c) => c.name(),
            Action::Register { .. } => "registerTaskDefinition",
            Action::EditTaskDefinition { .. } => "editTaskDefinition",
            Action::RunFor(_) => "runFor",
            Action::RunUntil(_) => "runUntil",
        }
    }

    /// A short readable form for reports: `terminateInstance i-02`, `runFor 00:05:00`.
    pub fn summary(&self) -> String {
        match self {
            Action::Command(c) => match c {
                Command::CreateService(s) => format!("createService {} ({} × {})", s.service_name, s.desired_count, s.task_definition),
                Command::UpdateService {
                    service,
                    desired_count,
                    task_definition,
                    placement_strategy,
                    placement_constraints,
                    ..
                } => {
                    let mut parts = Vec::new();
                    if let Some(n) = desired_count {
                        parts.push(format!("desiredCount {n}"));
                    }
                    if let Some(td) = task_definition {
                        parts.push(format!("taskDefinition {td}"));
                    }
                    if placement_strategy.is_some() {
                        parts.push("placementStrategy".to_string());
                    }
                    if placement_constraints.is_some() {
                        parts.push("placementConstraints".to_string());
                    }
                    format!("updateService {service} {}", parts.join(", "))
                }
                Command::RunTask(r) => format!("runTask {} × {}", r.count, r.task_definition),
                Command::StopTask { task, .. } => format!("stopTask {task}"),
                Command::AddInstances { instance_type, az, count, .. } => match az {
                    Some(az) => format!("addInstances {count} × {instance_type} in {az}"),
                    None => format!("addInstances {count} × {instance_type}"),
                },
                Command::TerminateInstance { instance } => format!("terminateInstance {instance}"),
                Command::Kubectl { args, .. } => format!("kubectl {args}"),
                other => other.name().to_string(),
            },
            Action::Register { .. } => "registerTaskDefinition".to_string(),
            Action::EditTaskDefinition { service: Some(s), .. } => format!("editTaskDefinition (deploy to {s})"),
            Action::EditTaskDefinition { .. } => "editTaskDefinition".to_string(),
            Action::RunFor(d) => format!("runFor {}", Clock(*d)),
            Action::RunUntil(t) => format!("runUntil {}", Clock(*t)),
        }
    }
}

/// What an exercise allows: actions it disables and limits on the cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// Names from [`LEARNER_ACTIONS`].
    pub disabled: Vec<String>,
    pub limits: Limits,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Limits {
    /// Most container instances the cluster may have after an `addInstances`.
    pub max_instances: Option<u32>,
    /// Highest desired count a `createService`/`updateService` may set.
    pub max_desired_count: Option<u32>,
    /// Instance types `addInstances` may use.
    pub instance_types: Option<Vec<String>>,
    /// kubectl commands a `kubectl` action may use, by their first word (`apply`, `cordon`) or
    /// first two (`set image`, `scale nodegroup`); `None`: any.
    pub kubectl: Option<Vec<String>>,
}

/// A kubectl command line's verb as `limits.kubectl` names it: `scale nodegroup` and `set
/// image`/`set load` by two words, the rest by the first (`-n NS` options skipped).
pub fn kubectl_verb(args: &str) -> String {
    let mut words = Vec::new();
    let mut skip_next = false;
    for w in args.split_whitespace() {
        if skip_next {
            skip_next = false;
        } else if w == "-n" || w == "--namespace" {
            skip_next = true;
        } else if !w.starts_with('-') {
            words.push(w);
        }
    }
    if words.first() == Some(&"kubectl") {
        words.remove(0);
    }
    match words.as_slice() {
        ["scale", second, ..] if second.starts_with("nodegroup") => "scale nodegroup".to_string(),
        ["set", second, ..] => format!("set {second}"),
        ["rollout", second, ..] => format!("rollout {second}"),
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

/// Why an action was refused or failed.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionError {
    pub message: String,
    /// For task-definition text: every problem found, positioned in that text.
    pub diagnostics: Vec<Diagnostic>,
}

impl ActionError {
    fn plain(message: impl Into<String>) -> Self {
        ActionError {
            message: message.into(),
            diagnostics: Vec::new(),
        }
    }
}

impl std::fmt::Display for ActionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

/// Checks the exercise's rules, then carries out an instantaneous action. Time actions
/// (`runFor`, `runUntil`) are the caller's: they are refused here.
pub fn apply(engine: &mut Engine, action: &Action, rules: &Rules) -> Result<(), ActionError> {
    check_rules(engine, action, rules)?;
    match action {
        Action::Command(cmd) => engine.apply(cmd.clone()).map_err(ActionError::plain),
        Action::Register { text } => {
            let td = parse_valid(text)?;
            engine.apply(Command::RegisterTaskDefinition { task_definition: Some(Box::new(td)) }).map_err(ActionError::plain)
        }
        Action::EditTaskDefinition { text, service } => {
            let td = parse_valid(text)?;
            let family = td.family.clone();
            let service = match service {
                Some(s) => {
                    if !engine.services().contains_key(s) {
                        return Err(ActionError::plain(format!("there is no service {s:?} to deploy to")));
                    }
                    Some(s.clone())
                }
                None => engine
                    .services()
                    .values()
                    .find(|s| s.task_definition.rsplit_once(':').map_or(s.task_definition.as_str(), |(f, _)| f) == family)
                    .map(|s| s.name.clone()),
            };
            engine.apply(Command::RegisterTaskDefinition { task_definition: Some(Box::new(td)) }).map_err(ActionError::plain)?;
            let Some(service) = service else { return Ok(()) };
            let key = engine.task_definitions(&family).last().map(|t| t.key()).unwrap_or(family);
            // Built from JSON so fields the engine adds later keep their defaults.
            let update = serde_json::json!({"action": "updateService", "service": service, "taskDefinition": key});
            let cmd: Command = serde_json::from_value(update).map_err(|e| ActionError::plain(e.to_string()))?;
            engine.apply(cmd).map_err(ActionError::plain)
        }
        Action::RunFor(_) | Action::RunUntil(_) => Err(ActionError::plain(format!("{} moves time; the runner carries it out", action.name()))),
    }
}

fn parse_valid(text: &str) -> Result<crate::engine::taskdef::TaskDefinition, ActionError> {
    let parsed = parse_task_definition(text);
    match parsed.task_definition {
        Some(td) => Ok(td),
        None => {
            let errors: Vec<&Diagnostic> = parsed.errors().collect();
            let first = errors
                .first()
                .map(|d| {
                    format!(
                        ": {}:{}: {}{}",
                        d.pos.line,
                        d.pos.col,
                        if d.path.is_empty() { String::new() } else { format!("{}: ", d.path) },
                        d.message
                    )
                })
                .unwrap_or_default();
            let more = if errors.len() > 1 { format!(" (and {} more)", errors.len() - 1) } else { String::new() };
            Err(ActionError {
                message: format!("the task definition is not valid{first}{more}"),
                diagnostics: parsed.diagnostics,
            })
        }
    }
}

fn check_rules(engine: &Engine, action: &Action, rules: &Rules) -> Result<(), ActionError> {
    let name = action.name();
    if rules.disabled.iter().any(|d| d == name) {
        return Err(ActionError::plain(format!("{name} is not available in this exercise")));
    }
    let l = &rules.limits;
    let desired = match action {
        Action::Command(Command::CreateService(s)) => Some(s.desired_count),
        Action::Command(Command::UpdateService { desired_count, .. }) => *desired_count,
        _ => None,
    };
    if let (Some(n), Some(max)) = (desired, l.max_desired_count) {
        if n > max {
            return Err(ActionError::plain(format!("this exercise allows a desired count of at most {max}; asked for {n}")));
        }
    }
    if let (Action::Command(Command::Kubectl { args, .. }), Some(allowed)) = (action, &l.kubectl) {
        let verb = kubectl_verb(args);
        if !allowed.iter().any(|a| a == &verb) {
            return Err(ActionError::plain(format!("this exercise allows kubectl {}; asked for kubectl {verb}", allowed.join(", "))));
        }
    }
    if let Action::Command(Command::AddInstances { instance_type, count, .. }) = action {
        if let Some(types) = &l.instance_types {
            if !types.contains(instance_type) {
                return Err(ActionError::plain(format!("this exercise allows instance types {}; asked for {instance_type}", types.join(", "))));
            }
        }
        if let Some(max) = l.max_instances {
            let have = engine.instances().len() as u64;
            if have + *count as u64 > max as u64 {
                return Err(ActionError::plain(format!(
                    "this exercise allows at most {max} container instances; the cluster has {have} and {count} more were asked for"
                )));
            }
        }
    }
    Ok(())
}

/// Parses an action written on its own (`{"action": "terminateInstance", "instance": "i-01"}`),
/// for shells and tests. Task definitions given by `{"file": ...}` cannot be read here.
pub fn parse_action_text(text: &str) -> Result<Action, Vec<Diagnostic>> {
    let root = crate::engine::json::parse(text).map_err(|d| vec![d])?;
    let mut r = Reader::default();
    let no_files = |name: &str| Err(format!("no files here ({name})"));
    match parse_action(&mut r, &root, text, "", &no_files) {
        Some(a) if !r.has_errors() => Ok(a),
        _ => Err(r.diags),
    }
}

/// Reads one action from lesson JSON (`solution[3]`). `text` is the whole lesson file, so inline
/// task definitions keep the author's formatting.
pub fn parse_action(r: &mut Reader, node: &Json, text: &str, path: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Option<Action> {
    let Some(name) = node.get("action").and_then(Json::as_str) else {
        r.error(
            node.pos,
            path,
            "lesson-action",
            format!("an action is an object with \"action\", one of {}, runFor, runUntil", LEARNER_ACTIONS.join(", ")),
        );
        return None;
    };
    match name {
        "runFor" | "runUntil" => {
            let key = if name == "runFor" { "duration" } else { "at" };
            let mut f = r.fields(node, path, name)?;
            f.skip("action");
            let v = f.string(key, true)?;
            f.finish()?;
            let v = v?;
            match parse_duration(&v) {
                Ok(t) if name == "runFor" => Some(Action::RunFor(t)),
                Ok(t) => Some(Action::RunUntil(t)),
                Err(e) => {
                    let pos = node.get(key).map_or(node.pos, |n| n.pos);
                    r.error(pos, &crate::engine::json::join_path(path, key), "lesson-action", e);
                    None
                }
            }
        }
        "editTaskDefinition" | "registerTaskDefinition" => {
            let mut f = r.fields(node, path, name)?;
            f.skip("action");
            let service = if name == "editTaskDefinition" { f.string("service", false)? } else { None };
            let text_field = f.get("text");
            let td_field = f.get("taskDefinition");
            let sub = f.path().to_string();
            f.finish()?;
            let text = match (text_field, td_field) {
                (Some(t), None) if name == "editTaskDefinition" => match t.as_str() {
                    Some(s) => s.to_string(),
                    None => {
                        r.error(t.pos, &crate::engine::json::join_path(&sub, "text"), "lesson-action", format!("text is the editor's text, a string; found {}", t.describe()));
                        return None;
                    }
                },
                (None, Some(td)) => task_definition_text(r, td, text, &crate::engine::json::join_path(&sub, "taskDefinition"), files)?,
                _ => {
                    let want = if name == "editTaskDefinition" {
                        "\"text\" (the editor's text) or \"taskDefinition\" (an object or {\"file\": ...})"
                    } else {
                        "\"taskDefinition\" (an object or {\"file\": ...})"
                    };
                    r.error(node.pos, path, "lesson-action", format!("{name} needs {want}"));
                    return None;
                }
            };
            Some(if name == "editTaskDefinition" {
                Action::EditTaskDefinition { text, service }
            } else {
                Action::Register { text }
            })
        }
        _ => {
            let mut value = node.to_value();
            if let Some(o) = value.as_object_mut() {
                o.remove("at");
            }
            match serde_json::from_value::<Command>(value) {
                Ok(cmd) => Some(Action::Command(cmd)),
                Err(e) => {
                    let msg = e.to_string();
                    if msg.starts_with("unknown variant") {
                        let mut names: Vec<&str> = LEARNER_ACTIONS.to_vec();
                        names.extend(["runFor", "runUntil"]);
                        let hint = did_you_mean(name, &names).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
                        let pos = node.get("action").map_or(node.pos, |n| n.pos);
                        r.error(pos, &crate::engine::json::join_path(path, "action"), "lesson-action", format!("unknown action {name:?}{hint} Actions: {}", names.join(", ")));
                    } else {
                        let key = msg.strip_prefix("unknown field `").and_then(|s| s.split('`').next());
                        let pos = key.and_then(|k| node.get_member(k)).map_or(node.pos, |(k, _)| k.pos);
                        r.error(pos, path, "lesson-action", format!("{name}: {msg}"));
                    }
                    None
                }
            }
        }
    }
}

/// A task definition given inline (its text as written) or as `{"file": "path"}`.
pub fn task_definition_text(r: &mut Reader, node: &Json, text: &str, path: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Option<String> {
    if let Some(members) = node.as_object() {
        if members.len() == 1 && members[0].0.name == "file" {
            let Some(file) = members[0].1.as_str() else {
                r.error(members[0].1.pos, &crate::engine::json::join_path(path, "file"), "lesson-file", "file must be a path, relative to the lesson file");
                return None;
            };
            return match files(file) {
                Ok(t) => Some(t),
                Err(e) => {
                    r.error(members[0].1.pos, &crate::engine::json::join_path(path, "file"), "lesson-file", format!("cannot read {file:?}: {e}"));
                    None
                }
            };
        }
        let start = node.pos.offset;
        return Some(text.get(start..value_end(text, start)).unwrap_or("").to_string());
    }
    r.error(
        node.pos,
        path,
        "lesson-action",
        format!("a task definition is an object, or {{\"file\": \"path\"}}; found {}", node.describe()),
    );
    None
}
