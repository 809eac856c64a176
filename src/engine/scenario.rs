//! The scenario format (`"berth": 1`): a cluster, task definitions, services, RunTask calls and a
//! timeline of actions at virtual times. Documented in `docs/scenario.md` with a JSON Schema in
//! `docs/scenario.schema.json`; lessons, tests and teachers depend on it, so changes must stay
//! backwards compatible (new optional fields only, or a new version number).
//!
//! The engine does no I/O: task definitions given as `{"file": "..."}` are read by the shell,
//! through the `files` callback.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::json::{self, value_end, Json};
use crate::engine::sim::{ClusterConfig, Command, Engine};
use crate::engine::sort;
use crate::engine::task::{RunTaskSpec, ServiceSpec};
use crate::engine::taskdef::{parse_task_definition, TaskDefinition};
use crate::engine::time::{parse_duration, Millis};

/// The scenario format version this engine reads.
pub const FORMAT_VERSION: u64 = 1;

/// Unix time of virtual t = 0 when a scenario sets no `startTime`: 2026-01-01T00:00:00Z.
pub const DEFAULT_EPOCH_UNIX: i64 = 1_767_225_600;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct File {
    berth: u64,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    seed: u64,
    cluster: ClusterSpec,
    #[serde(default)]
    task_definitions: Vec<Value>,
    #[serde(default)]
    services: Vec<Value>,
    #[serde(default)]
    run_tasks: Vec<Value>,
    #[serde(default)]
    timeline: Vec<Value>,
    #[serde(default)]
    run_until: Option<String>,
    #[serde(default)]
    start_time: Option<String>,
    /// How each revision's app behaves: `family:revision` or `family` → behaviour.
    #[serde(default)]
    behaviors: BTreeMap<String, crate::engine::behavior::BehaviorSpec>,
    /// CloudWatch alarms (created before the services, so step scaling policies can name them).
    #[serde(default)]
    alarms: Vec<Value>,
    /// Load generators: `{"service": "web", "load": {"shape": "constant", "rps": 100}}`.
    #[serde(default)]
    traffic: Vec<Value>,
    /// SQS-like queues consumed by services.
    #[serde(default)]
    queues: Vec<Value>,
    /// Kubernetes: node groups, Fargate profiles, manifests (see docs/kubernetes.md).
    #[serde(default)]
    kubernetes: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TrafficEntry {
    service: String,
    load: crate::engine::traffic::load::LoadSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClusterSpec {
    #[serde(default = "default_cluster_name")]
    name: String,
    #[serde(default = "default_region")]
    region: String,
    #[serde(default)]
    availability_zones: Vec<String>,
    #[serde(default)]
    instances: Vec<Value>,
    #[serde(default)]
    auto_scaling_groups: Vec<Value>,
    /// ECS capacity providers, each for one Auto Scaling group.
    #[serde(default)]
    capacity_providers: Vec<Value>,
    /// `true` (every AZ) or a list of AZs where Fargate may place tasks.
    #[serde(default)]
    fargate: FargateSpec,
}

#[derive(Debug, Deserialize, Default)]
#[serde(untagged)]
enum FargateSpec {
    #[default]
    Off,
    All(bool),
    Zones(Vec<String>),
}


fn default_cluster_name() -> String {
    "default".into()
}
fn default_region() -> String {
    "us-east-1".into()
}

/// A parsed scenario: everything needed to start an engine, any number of times.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    pub config: ClusterConfig,
    /// Commands run at t = 0, in order, each with the path of the entry it came from.
    pub setup: Vec<(String, Command)>,
    /// Timeline actions: (time, path, command).
    pub timeline: Vec<(Millis, String, Command)>,
    pub run_until: Option<Millis>,
    pub behaviors: BTreeMap<String, crate::engine::behavior::Behavior>,
    /// Not-simulated fields and other lint, with positions in the scenario text.
    pub warnings: Vec<Diagnostic>,
}

impl Scenario {
    /// A fresh engine at t = 0 with the setup applied and the timeline queued.
    /// Setup errors were already reported by [`parse_scenario`], so they cannot happen here;
    /// should one slip through it is logged as an `actionFailed` event, never a panic.
    pub fn start(&self, seed: Option<u64>) -> Engine {
        let mut e = Engine::new(self.config.clone(), seed.unwrap_or(self.seed), &self.name);
        e.set_behaviors(self.behaviors.clone());
        for (_, cmd) in &self.setup {
            e.schedule(0, cmd.clone());
        }
        for (at, _, cmd) in &self.timeline {
            e.schedule(*at, cmd.clone());
        }
        e.run_until(0);
        e
    }

    /// Every task definition the scenario registers at t = 0 (latest revision per family).
    pub fn task_definitions(&self) -> Vec<&TaskDefinition> {
        self.setup
            .iter()
            .filter_map(|(_, c)| match c {
                Command::RegisterTaskDefinition { task_definition: Some(td) } => Some(td.as_ref()),
                _ => None,
            })
            .collect()
    }
}

/// `["services", "0", "desiredCount"]` → `services[0].desiredCount`.
fn path_text(path: &[&str]) -> String {
    let mut out = String::new();
    for seg in path {
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

fn locate_node<'a>(root: &'a Json, path: &[&str]) -> Option<&'a Json> {
    let mut node = root;
    for seg in path {
        node = match seg.parse::<usize>() {
            Ok(i) => node.as_array().and_then(|a| a.get(i))?,
            Err(_) => node.get(seg)?,
        };
    }
    Some(node)
}

/// Where a value at `path` (e.g. `["services", "0", "desiredCount"]`) starts in the text.
fn locate(root: &Json, path: &[&str]) -> Pos {
    let mut node = root;
    for seg in path {
        let next = match seg.parse::<usize>() {
            Ok(i) => node.as_array().and_then(|a| a.get(i)),
            Err(_) => node.get(seg),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node.pos
}


/// Move a diagnostic found in a sub-text that starts at `base` into the enclosing text.
fn shift(mut d: Diagnostic, base: Pos, path_prefix: &str) -> Diagnostic {
    if d.pos.line == 1 {
        d.pos.col += base.col - 1;
    }
    d.pos.line += base.line - 1;
    d.pos.offset += base.offset;
    d.path = if d.path.is_empty() { path_prefix.to_string() } else { format!("{path_prefix}.{}", d.path) };
    d
}

struct Ctx<'a> {
    text: &'a str,
    root: &'a Json,
    files: &'a dyn Fn(&str) -> Result<String, String>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn err(&mut self, path: &[&str], rule: &str, message: impl Into<String>) {
        let pos = locate(self.root, path);
        self.errors.push(Diagnostic::error(pos, path_text(path), rule, message));
    }

    /// A task definition given inline or as `{"file": "path"}`.
    fn task_definition(&mut self, value: &Value, path: &[&str]) -> Option<TaskDefinition> {
            let path_text = path_text(path);
        if let Some(file) = value.get("file").and_then(Value::as_str) {
            if value.as_object().is_some_and(|o| o.len() > 1) {
                self.err(path, "scenario-taskdef", "a task definition given by \"file\" must have no other fields");
                return None;
            }
            let text = match (self.files)(file) {
                Ok(t) => t,
                Err(e) => {
                    self.err(&[path, &["file"]].concat(), "scenario-file", format!("cannot read {file:?}: {e}"));
                    return None;
                }
            };
            let parsed = parse_task_definition(&text);
            let mut ok = true;
            for d in parsed.diagnostics {
                let mut d = d;
                d.path = if d.path.is_empty() { format!("{file}") } else { format!("{file}: {}", d.path) };
                d.message = format!("in {file} at {}:{}: {}", d.pos.line, d.pos.col, d.message);
                d.pos = locate(self.root, &[path, &["file"]].concat());
                if d.is_error() {
                    ok = false;
                    self.errors.push(d);
                } else {
                    self.warnings.push(d);
                }
            }
            return if ok { parsed.task_definition } else { None };
        }
        let start = locate(self.root, path);
        let end = value_end(self.text, start.offset);
        let sub = self.text.get(start.offset..end).unwrap_or("");
        let parsed = parse_task_definition(sub);
        for d in parsed.diagnostics {
            let d = shift(d, start, &path_text);
            if d.is_error() {
                self.errors.push(d);
            } else {
                self.warnings.push(d);
            }
        }
        parsed.task_definition
    }

    /// Check the `memberOf` expressions of `placementConstraints` at `path`, pointing into the string.
    fn check_expressions(&mut self, constraints: &[crate::engine::placement::Constraint], path: &[&str]) -> bool {
        let mut ok = true;
        for (j, c) in constraints.iter().enumerate() {
            if let crate::engine::placement::Constraint::MemberOf { expression } = c {
                if let Err(e) = crate::engine::placement::cql::parse(expression) {
                    let idx = j.to_string();
                    let p = [path, &["placementConstraints", &idx, "expression"]].concat();
                    let string_pos = locate(self.root, &p);
                    let pos = json::string_offset_pos(self.text, string_pos, e.offset);
                    self.errors.push(Diagnostic::error(pos, path_text(&p), "cql-syntax", format!("memberOf expression: {}", e.message)));
                    ok = false;
                }
            }
        }
        ok
    }

    fn typed<T: for<'de> Deserialize<'de>>(&mut self, value: &Value, path: &[&str], what: &str) -> Option<T> {
        match serde_json::from_value::<T>(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                let msg = e.to_string();
                // Point at the offending key when serde names one.
                let key = msg.strip_prefix("unknown field `").and_then(|r| r.split('`').next()).map(str::to_string);
                match key {
                    Some(k) => {
                        let node = locate_node(self.root, path);
                        let pos = node.and_then(|n| n.get_member(&k)).map(|(key, _)| key.pos).unwrap_or_else(|| locate(self.root, path));
                        let p = format!("{}.{k}", path_text(path));
                        self.errors.push(Diagnostic::error(pos, p, "scenario-shape", format!("{what}: {msg}")));
                    }
                    None => self.err(path, "scenario-shape", format!("{what}: {msg}")),
                }
                None
            }
        }
    }
}

/// Where serde_json says an error is (1-based line; column = bytes of the line read so far) as a
/// Berth position: columns count characters, as everywhere else (a `€` is one column, not three),
/// and `offset` is the byte offset of the character the error points at.
fn serde_pos(text: &str, line: usize, byte_col: usize) -> Pos {
    let line = line.max(1);
    let start: usize = text.split('\n').take(line - 1).map(|l| l.len() + 1).sum::<usize>().min(text.len());
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let mut b = byte_col.min(line_text.len());
    while !line_text.is_char_boundary(b) {
        b += 1;
    }
    let read = &line_text[..b];
    let last = read.char_indices().last().map_or(0, |(i, _)| i);
    Pos { line: line as u32, col: read.chars().count().max(1) as u32, offset: start + last }
}

/// Parse a scenario and check that its setup runs: every error comes back with its position.
pub fn parse_scenario(text: &str, files: &dyn Fn(&str) -> Result<String, String>) -> Result<Scenario, Vec<Diagnostic>> {
    let root = json::parse(text).map_err(|d| vec![d])?;
    // A UTF-8 byte-order mark (editors on Windows write one) is skipped, as `json::parse` does.
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let file: File = match serde_json::from_str(&text[bom..]) {
        Ok(f) => f,
        Err(e) => {
            let mut pos = serde_pos(&text[bom..], e.line(), e.column());
            pos.offset += bom;
            let msg = e.to_string();
            // serde_json appends " at line L column C"; the position already says that.
            let msg = match msg.rfind(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            return Err(vec![Diagnostic::error(pos, "", "scenario-shape", msg)]);
        }
    };
    let mut cx = Ctx { text, root: &root, files, errors: Vec::new(), warnings: Vec::new() };
    if file.berth != FORMAT_VERSION {
        cx.err(&["berth"], "scenario-version", format!("this Berth reads scenario format {FORMAT_VERSION}; the file says {}", file.berth));
    }
    let azs = if file.cluster.availability_zones.is_empty() {
        ["a", "b", "c"].iter().map(|s| format!("{}{s}", file.cluster.region)).collect()
    } else {
        file.cluster.availability_zones.clone()
    };
    let mut seen = std::collections::BTreeSet::new();
    for (i, az) in azs.iter().enumerate() {
        if !seen.insert(az) {
            cx.err(&["cluster", "availabilityZones", &i.to_string()], "scenario-az", format!("availability zone {az:?} is listed twice"));
        }
    }
    let fargate_azs = match &file.cluster.fargate {
        FargateSpec::Off | FargateSpec::All(false) => Vec::new(),
        FargateSpec::All(true) => azs.clone(),
        FargateSpec::Zones(z) => {
            for (i, a) in z.iter().enumerate() {
                if !azs.contains(a) {
                    cx.err(&["cluster", "fargate", &i.to_string()], "scenario-az", format!("Fargate zone {a:?} is not one of the cluster's zones ({})", azs.join(", ")));
                }
            }
            z.clone()
        }
    };
    let epoch_unix = match &file.start_time {
        None => DEFAULT_EPOCH_UNIX,
        Some(s) => match parse_date(s) {
            Some(t) => t,
            None => {
                cx.err(&["startTime"], "scenario-time", format!("startTime {s:?} is not a date like 2026-01-01 or 2026-01-01T09:00:00Z"));
                DEFAULT_EPOCH_UNIX
            }
        },
    };
    let run_until = match &file.run_until {
        None => None,
        Some(s) => match parse_duration(s) {
            Ok(t) => Some(t),
            Err(e) => {
                cx.err(&["runUntil"], "scenario-time", e);
                None
            }
        },
    };

    let mut setup: Vec<(String, Command)> = Vec::new();
    for (i, v) in file.task_definitions.iter().enumerate() {
        let idx = i.to_string();
        if let Some(td) = cx.task_definition(v, &["taskDefinitions", &idx]) {
            setup.push((format!("taskDefinitions.{i}"), Command::RegisterTaskDefinition { task_definition: Some(Box::new(td)) }));
        }
    }
    for (i, v) in file.cluster.instances.iter().enumerate() {
        let idx = i.to_string();
        let path = ["cluster", "instances", &idx];
        if let Some(cmd) = cx.typed::<InstanceGroup>(v, &path, "instance group") {
            setup.push((path.join("."), cmd.into_command()));
        }
    }
    for (i, v) in file.cluster.auto_scaling_groups.iter().enumerate() {
        let idx = i.to_string();
        if let Some(spec) = cx.typed::<crate::engine::capacity::AsgSpec>(v, &["cluster", "autoScalingGroups", &idx], "Auto Scaling group") {
            setup.push((format!("cluster.autoScalingGroups.{i}"), Command::CreateAutoScalingGroup(spec)));
        }
    }
    for (i, v) in file.cluster.capacity_providers.iter().enumerate() {
        let idx = i.to_string();
        if let Some(spec) = cx.typed::<crate::engine::capacity::CapacityProviderSpec>(v, &["cluster", "capacityProviders", &idx], "capacity provider") {
            setup.push((format!("cluster.capacityProviders.{i}"), Command::CreateCapacityProvider(spec)));
        }
    }
    for (i, v) in file.alarms.iter().enumerate() {
        let idx = i.to_string();
        if let Some(spec) = cx.typed::<crate::engine::traffic::metrics::AlarmSpec>(v, &["alarms", &idx], "alarm") {
            setup.push((format!("alarms.{i}"), Command::PutMetricAlarm(spec)));
        }
    }
    for (i, v) in file.services.iter().enumerate() {
        let idx = i.to_string();
        if let Some(spec) = cx.typed::<ServiceSpec>(v, &["services", &idx], "service") {
            if !cx.check_expressions(&spec.placement_constraints, &["services", &idx]) {
                continue;
            }
            setup.push((format!("services.{i}"), Command::CreateService(spec)));
        }
    }
    for (i, v) in file.run_tasks.iter().enumerate() {
        let idx = i.to_string();
        if let Some(spec) = cx.typed::<RunTaskSpec>(v, &["runTasks", &idx], "runTask") {
            if !cx.check_expressions(&spec.placement_constraints, &["runTasks", &idx]) {
                continue;
            }
            setup.push((format!("runTasks.{i}"), Command::RunTask(spec)));
        }
    }
    if let Some(k) = &file.kubernetes {
        // Manifests given as {"file": "web.yaml"} are read here (the engine does no I/O).
        let mut k = k.clone();
        if let Some(list) = k.get_mut("manifests").and_then(Value::as_array_mut) {
            for (i, m) in list.iter_mut().enumerate() {
                if let Some(name) = m.get("file").and_then(Value::as_str).map(str::to_string) {
                    match files(&name) {
                        Ok(text) => *m = Value::String(text),
                        Err(e) => cx.err(&["kubernetes", "manifests", &i.to_string()], "scenario-file", e),
                    }
                }
            }
        }
        setup.push(("kubernetes".into(), Command::KubeSetup(k)));
    }
    for (i, v) in file.queues.iter().enumerate() {
        let idx = i.to_string();
        if let Some(q) = cx.typed::<crate::engine::traffic::QueueSpec>(v, &["queues", &idx], "queue") {
            setup.push((format!("queues.{i}"), Command::CreateQueue(q)));
        }
    }
    for (i, v) in file.traffic.iter().enumerate() {
        let idx = i.to_string();
        if let Some(t) = cx.typed::<TrafficEntry>(v, &["traffic", &idx], "traffic entry") {
            setup.push((format!("traffic.{i}"), Command::SetTraffic { service: t.service, load: t.load }));
        }
    }
    let mut timeline = Vec::new();
    for (i, v) in file.timeline.iter().enumerate() {
        let idx = i.to_string();
        let path = ["timeline", idx.as_str()];
        let Some(obj) = v.as_object() else {
            cx.err(&path, "scenario-shape", "a timeline entry is an object like {\"at\": \"5m\", \"action\": \"terminateInstance\", \"instance\": \"i-01\"}");
            continue;
        };
        let at = match obj.get("at").and_then(Value::as_str).map(parse_duration) {
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                cx.err(&[&path[..], &["at"]].concat(), "scenario-time", e);
                continue;
            }
            None => {
                cx.err(&path, "scenario-time", "timeline entry needs \"at\", a time such as \"90s\" or \"5m\"");
                continue;
            }
        };
        let mut rest = obj.clone();
        rest.remove("at");
        if rest.get("action").and_then(Value::as_str) == Some("registerTaskDefinition") {
            match rest.get("taskDefinition") {
                Some(tdv) => {
                    if let Some(td) = cx.task_definition(tdv, &[&path[..], &["taskDefinition"]].concat()) {
                        timeline.push((at, path_text(&path), Command::RegisterTaskDefinition { task_definition: Some(Box::new(td)) }));
                    }
                }
                None => cx.err(&path, "scenario-shape", "registerTaskDefinition needs \"taskDefinition\" (inline, or {\"file\": \"...\"})"),
            }
            continue;
        }
        if let Some(cmd) = cx.typed::<Command>(&Value::Object(rest), &path, "timeline action") {
            timeline.push((at, path_text(&path), cmd));
        }
    }
    sort::sort_by_key(&mut timeline, |(t, _, _)| *t);

    let mut behaviors = BTreeMap::new();
    for (key, spec) in &file.behaviors {
        match spec.resolve() {
            Ok(b) => {
                behaviors.insert(key.clone(), b);
            }
            Err(e) => cx.err(&["behaviors", key], "scenario-behavior", e),
        }
    }
    let config = ClusterConfig { name: file.cluster.name.clone(), region: file.cluster.region.clone(), azs, fargate_azs, epoch_unix };
    // Dry-run the setup so mistakes (unknown task definition, bad expression) point at their entry.
    if cx.errors.is_empty() {
        let mut e = Engine::new(config.clone(), file.seed, &file.name);
        for (path, cmd) in &setup {
            if let Err(msg) = e.apply(cmd.clone()) {
                let segs: Vec<&str> = path.split('.').collect();
                cx.err(&segs, "scenario-setup", msg);
            }
        }
    }
    if !cx.errors.is_empty() {
        let mut errs = cx.errors;
        sort::sort_by_key(&mut errs, |d| (d.pos.line, d.pos.col));
        return Err(errs);
    }
    Ok(Scenario { name: file.name, description: file.description, seed: file.seed, config, setup, timeline, run_until, behaviors, warnings: cx.warnings })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InstanceGroup {
    #[serde(rename = "type")]
    instance_type: String,
    #[serde(default)]
    az: Option<String>,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    ids: Vec<String>,
    #[serde(default)]
    reserved_memory: u32,
}

fn one() -> u32 {
    1
}

impl InstanceGroup {
    fn into_command(self) -> Command {
        Command::AddInstances { instance_type: self.instance_type, az: self.az, count: self.count, attributes: self.attributes, ids: self.ids, reserved_memory: self.reserved_memory }
    }
}

/// `2026-01-01` or `2026-01-01T09:30:00Z` (UTC) → Unix seconds.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.trim_end_matches('Z'))),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let secs = match time {
        None => 0,
        Some(t) => {
            let mut p = t.split(':');
            let h: i64 = p.next()?.parse().ok()?;
            let mi: i64 = p.next()?.parse().ok()?;
            let se: i64 = p.next().unwrap_or("0").parse().ok()?;
            if h > 23 || mi > 59 || se > 60 {
                return None;
            }
            h * 3600 + mi * 60 + se
        }
    };
    Some(crate::engine::time::days_from_civil(y, m as u32, d as u32) * 86_400 + secs)
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2026-01-01"), Some(DEFAULT_EPOCH_UNIX));
        assert_eq!(parse_date("2018-06-18T22:28:28Z"), Some(1_529_360_908));
        assert_eq!(parse_date("2018-13-01"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    #[test]
    fn value_end_respects_strings() {
        let t = r#"{"a": "}{", "b": [1, {"c": "]"}]} tail"#;
        assert_eq!(&t[..value_end(t, 0)], r#"{"a": "}{", "b": [1, {"c": "]"}]}"#);
    }
}
