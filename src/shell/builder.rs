//! The lesson builder's pure part: turning what an author does in the sandbox into a lesson file.
//!
//! The flow (docs/authoring.md, "The lesson builder"):
//!
//! 1. **Start recording** keeps the sandbox's [`Scene`] at that moment: its scenario, seed, editor
//!    text and the journal so far. The journal so far becomes the lesson's `setup` (replayed
//!    before the learner takes over, so the exercise opens exactly where the author stood).
//! 2. **Stop recording** takes the journal entries made since, each preceded by `runUntil` its
//!    time, and a last `runUntil` the moment shown: the reference `solution`. Deploys become
//!    `editTaskDefinition` with the service they went to (found by replaying, as the sandbox
//!    chose it), so the solution does not depend on which service runs which family.
//! 3. **Make this a goal** offers goals read from the cluster as it is now ([`suggest_goals`]);
//!    any goal can also be typed in the goal language ([`goal_from_text`]).
//! 4. The prose, hints, disabled actions and limit are plain fields of the [`Draft`].
//! 5. [`lesson_text`] writes the lesson file (one self-contained file: scenario files inlined,
//!    prose as `proseMarkdown`); [`check`] runs the same check as `berth lesson check`;
//!    [`encode_lesson_link`] makes a `#lesson=` link and [`open_lesson`] reads a file or link back.
//!
//! Nothing here touches the browser, so all of it is tested natively (`tests/builder.rs`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::engine::history::{apply_input, deploy_target, Entry, Input};
use crate::engine::lesson::goal::parse_goal_text;
use crate::engine::lesson::run::{check_exercise, ExerciseReport};
use crate::engine::lesson::{parse_exercise, Exercise};
use crate::engine::scenario::parse_scenario;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::taskdef::parse_task_definition;
use crate::engine::time::{Clock, Millis};

use super::share::{pack, unpack, Scene};

/// The draft format version this Berth writes and reads (localStorage `berth.builder`).
pub const DRAFT_VERSION: u32 = 1;
/// Largest lesson file accepted from a file or a link (a lesson is text: this is generous).
pub const MAX_LESSON_BYTES: usize = 1024 * 1024;
/// The exercise kinds the builder writes (predict needs choices, written by hand: docs/lessons.md).
pub const KINDS: [&str; 3] = ["do", "fix", "sandbox"];

/// Every action name `disabledActions` accepts that a learner can take, in three groups:
/// ECS (the editor's Deploy, the Services tab's forms), failures (which Kubernetes nodes suffer
/// too) and Kubernetes. (`kubeSetup` is accepted as well but only a scenario uses it.)
pub const ECS_ACTIONS: [&str; 16] = [
    "editTaskDefinition",
    "registerTaskDefinition",
    "createService",
    "updateService",
    "putAutoScaling",
    "runTask",
    "stopTask",
    "addInstances",
    "terminateInstance",
    "drainInstance",
    "createAutoScalingGroup",
    "setDesiredCapacity",
    "createCapacityProvider",
    "putMetricAlarm",
    "createQueue",
    "setTraffic",
];
pub const FAILURE_ACTIONS: [&str; 3] = ["spotInterruption", "azOutage", "azRecover"];
pub const KUBE_ACTIONS: [&str; 1] = ["kubectl"];

/// The disabled-action choices to show, as (heading, names): the scenario's own kind first; in a
/// Kubernetes scenario the ECS actions come last (the learner's Deploy is `kubectl apply` there).
pub fn action_groups(kube: bool) -> Vec<(&'static str, Vec<&'static str>)> {
    let ecs = ("ECS", ECS_ACTIONS.to_vec());
    let failures = ("Failures", FAILURE_ACTIONS.to_vec());
    let k8s = ("Kubernetes", KUBE_ACTIONS.to_vec());
    if kube {
        vec![k8s, failures, ("ECS (not used by a Kubernetes scenario)", ECS_ACTIONS.to_vec())]
    } else {
        vec![ecs, failures, k8s]
    }
}

/// The kubectl commands `limits.kubectl` can name (as `kubectl_verb` reads a command: the first
/// word, or the first two for `set`, `rollout` and `scale nodegroup`).
pub const KUBECTL_COMMANDS: [&str; 15] = [
    "apply",
    "create",
    "scale",
    "scale nodegroup",
    "set image",
    "set load",
    "rollout undo",
    "rollout restart",
    "rollout pause",
    "rollout resume",
    "rollout status",
    "cordon",
    "uncordon",
    "drain",
    "delete",
];

/// `true` when the scenario's text has a `kubernetes` section (the builder then speaks of pods,
/// nodes and Deployments, as the cluster view does).
pub fn is_kube_scenario(scenario: &str) -> bool {
    serde_json::from_str::<Value>(scenario).is_ok_and(|v| v.get("kubernetes").is_some_and(|k| !k.is_null()))
}

/// A lesson being built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Draft {
    pub v: u32,
    pub id: String,
    pub title: String,
    /// `do`, `fix` or `sandbox`.
    pub kind: String,
    /// Markdown.
    pub prose: String,
    #[serde(default)]
    pub hints: Vec<String>,
    /// Goals in the goal language (each checked by [`goal_from_text`] before it is added).
    #[serde(default)]
    pub goals: Vec<Value>,
    #[serde(default)]
    pub disabled_actions: Vec<String>,
    #[serde(default)]
    pub max_instances: Option<u32>,
    /// `limits.maxDesiredCount`.
    #[serde(default)]
    pub max_desired_count: Option<u32>,
    /// `limits.instanceTypes` as the author typed it (commas or spaces between types; checked
    /// against the catalogue when the file is written). Empty: any type.
    #[serde(default)]
    pub instance_types: String,
    /// `limits.kubectl`: the kubectl commands the learner may use ([`KUBECTL_COMMANDS`]). Empty:
    /// any.
    #[serde(default)]
    pub kubectl: Vec<String>,
    /// The sandbox when recording started; `Some` while recording.
    #[serde(default)]
    pub recording: Option<Scene>,
    /// What the last recording produced.
    #[serde(default)]
    pub recorded: Option<Recorded>,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            v: DRAFT_VERSION,
            id: "my-lessons/first".to_string(),
            title: String::new(),
            kind: "do".to_string(),
            prose: String::new(),
            hints: Vec::new(),
            goals: Vec::new(),
            disabled_actions: Vec::new(),
            max_instances: None,
            max_desired_count: None,
            instance_types: String::new(),
            kubectl: Vec::new(),
            recording: None,
            recorded: None,
        }
    }
}

/// A finished recording: the lesson's start state and its reference solution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recorded {
    /// The scenario, self-contained (files inlined, the sandbox's seed).
    pub scenario: Value,
    /// The editor's text when recording started (the learner's starting text).
    pub editor: String,
    /// Actions before the recording (the sandbox's history), in lesson-action JSON.
    pub setup: Vec<Value>,
    /// The recorded actions, in lesson-action JSON.
    pub solution: Vec<Value>,
    /// When recording started and stopped (virtual time).
    pub start: Millis,
    pub end: Millis,
}

/// A duration as the lesson format writes it: `1h2m3s450ms`, `0s`.
pub fn duration_text(ms: Millis) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s"), (milli, "ms")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

/// Starts recording at the scene's moment. Journal entries after the moment shown (the learner
/// scrubbed back) are not part of the start: the sandbox drops them too once time moves on.
pub fn start_recording(draft: &mut Draft, scene: &Scene) -> Result<(), String> {
    scene.check().map_err(|e| format!("the sandbox cannot be recorded: {e}"))?;
    let mut start = scene.clone();
    start.journal.retain(|e| e.t <= scene.time);
    start.furthest = scene.time;
    // Fail now, not at Stop, if the scenario cannot be made self-contained.
    inline_scenario(&start)?;
    draft.recording = Some(start);
    Ok(())
}

/// Stops recording: the journal since the start becomes the solution. The sandbox must still be
/// the one recording started in, with the same history before the start.
pub fn stop_recording(draft: &mut Draft, now: &Scene) -> Result<(), String> {
    let Some(start) = draft.recording.clone() else {
        return Err("nothing is being recorded: press Start recording first".to_string());
    };
    if now.scenario != start.scenario || now.files != start.files || now.seed != start.seed {
        return Err("the sandbox now runs another scenario or seed than when recording started (it was reset or a link was opened); start recording again".to_string());
    }
    let at = Clock(start.time);
    if now.time < start.time {
        return Err(format!("the clock shows {}, before the recording started at {at}: move the timeline to the end of what you recorded, then stop", Clock(now.time)));
    }
    let before = start.journal.len();
    if now.journal.len() < before || now.journal[..before] != start.journal[..] {
        return Err(format!("the history before {at} was changed (you went back and acted before the recording started); start recording again"));
    }
    let recorded: Vec<Entry> = now.journal[before..].iter().filter(|e| e.t <= now.time && e.t >= start.time).cloned().collect();
    let (setup, solution) = actions_for(&start, &recorded, now.time)?;
    draft.recorded = Some(Recorded {
        scenario: inline_scenario(&start)?,
        editor: start.editor.clone(),
        setup,
        solution,
        start: start.time,
        end: now.time,
    });
    draft.recording = None;
    Ok(())
}

/// The scenario as one JSON value: every `{"file": NAME}` object replaced by that file's JSON,
/// and the sandbox's seed.
pub fn inline_scenario(scene: &Scene) -> Result<Value, String> {
    let mut v: Value = serde_json::from_str(&scene.scenario).map_err(|e| format!("the sandbox's scenario is not JSON ({e})"))?;
    inline_files(&mut v, &scene.files)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("seed".to_string(), json!(scene.seed));
    }
    Ok(v)
}

fn inline_files(v: &mut Value, files: &BTreeMap<String, String>) -> Result<(), String> {
    match v {
        Value::Object(o) => {
            if o.len() == 1 {
                if let Some(Value::String(name)) = o.get("file") {
                    let text = files.get(name).ok_or_else(|| format!("the scenario names {name:?}, which the sandbox does not have"))?;
                    // A Kubernetes manifest file goes in as its YAML text (a `manifests` entry may
                    // be the text itself).
                    *v = if name.ends_with(".yaml") || name.ends_with(".yml") {
                        Value::String(text.clone())
                    } else {
                        serde_json::from_str(text).map_err(|e| format!("{name} is not JSON ({e}); only JSON and YAML files can be put into a lesson"))?
                    };
                    return Ok(());
                }
            }
            o.values_mut().try_for_each(|x| inline_files(x, files))
        }
        Value::Array(a) => a.iter_mut().try_for_each(|x| inline_files(x, files)),
        _ => Ok(()),
    }
}

/// The setup (the journal before the start, then `runUntil` the start) and the solution (each
/// recorded entry after `runUntil` its time, then `runUntil` the end), as lesson-action JSON.
/// Replays the journal so a deploy names the service the sandbox sent it to.
fn actions_for(start: &Scene, recorded: &[Entry], end: Millis) -> Result<(Vec<Value>, Vec<Value>), String> {
    let files = |name: &str| start.files.get(name).cloned().ok_or_else(|| format!("{name} is not included"));
    let scenario = parse_scenario(&start.scenario, &files).map_err(|d| {
        let first = d.iter().find(|d| d.is_error()).or(d.first()).map(|d| d.render("scenario")).unwrap_or_default();
        format!("the sandbox's scenario does not load: {first}")
    })?;
    let mut engine = scenario.start(Some(start.seed));
    let mut clock: Millis = 0;
    let mut setup = Vec::new();
    for e in &start.journal {
        setup.extend(step(&mut engine, &mut clock, e)?);
    }
    if start.time > clock {
        setup.push(run_until(start.time));
        clock = start.time;
    }
    let mut solution = Vec::new();
    for e in recorded {
        solution.extend(step(&mut engine, &mut clock, e)?);
    }
    if end > clock {
        solution.push(run_until(end));
    }
    Ok((setup, solution))
}

fn run_until(t: Millis) -> Value {
    json!({"action": "runUntil", "at": duration_text(t)})
}

/// One journal entry as actions: `runUntil` its time (if the clock is behind), then the input.
fn step(engine: &mut Engine, clock: &mut Millis, e: &Entry) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    if e.t > *clock {
        out.push(run_until(e.t));
        *clock = e.t;
    }
    engine.run_until(e.t);
    let action = match &e.input {
        Input::Command(c) => serde_json::to_value(c).map_err(|err| format!("the action at {} could not be written ({err})", Clock(e.t)))?,
        // A Kubernetes manifest from the editor is what `kubectl apply` does.
        Input::Deploy(text) if crate::engine::history::is_manifest(engine, text) => {
            serde_json::to_value(crate::engine::sim::Command::Kubectl { args: "apply".into(), manifest: Some(text.clone()) }).map_err(|err| format!("the action at {} could not be written ({err})", Clock(e.t)))?
        }
        Input::Deploy(text) => {
            let family = parse_task_definition(text).task_definition.map(|td| td.family);
            let service = family.and_then(|f| deploy_target(engine, &f));
            let mut a = json!({"action": "editTaskDefinition", "text": text});
            if let (Some(s), Some(o)) = (service, a.as_object_mut()) {
                o.insert("service".to_string(), json!(s));
            }
            a
        }
    };
    apply_input(engine, &e.input);
    out.push(action);
    Ok(out)
}

/// One goal the builder offers from the cluster as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The goal's own description (as the checklist shows it).
    pub label: String,
    pub goal: Value,
    /// What [`rank_suggestions`] found, if it ran: the goal already holds in the start state left
    /// alone (a rule to keep, not work to do), or the reference solution misses it.
    pub note: Option<SuggestionNote>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionNote {
    /// Holds in the start state left alone: it cannot be the lesson's only goal.
    HoldsAtStart,
    /// The reference solution, run as the check runs it, does not meet it.
    MissedByReference,
}

impl SuggestionNote {
    pub fn text(self) -> &'static str {
        match self {
            SuggestionNote::HoldsAtStart => "already true at the start: a rule to keep, not work to do",
            SuggestionNote::MissedByReference => "the reference solution does not meet it when the check ends",
        }
    }
}

/// Goals read from the engine as it is now: per service its running count, the revision it
/// runs, how evenly its tasks sit across AZs, that nothing waits for room, the minimum healthy
/// floor held throughout; the instance count and the hourly cost as ceilings; notable events
/// since `since` (deployments completed or rolled back, scaling, terminated instances);
/// Kubernetes Deployments' ready counts. Every suggestion is a valid goal (read back by the goal
/// parser, which also words its label).
pub fn suggest_goals(engine: &Engine, since: Millis) -> Vec<Suggestion> {
    let snap = engine.snapshot();
    let mut goals: Vec<Value> = Vec::new();
    // The first revision of each family registered since the recording started: a deploy made
    // while recording.
    let mut registered: BTreeMap<String, u32> = BTreeMap::new();
    for e in engine.events().iter().filter(|e| e.t >= since) {
        if let crate::engine::event::EventKind::TaskDefinitionRegistered { family, revision } = &e.kind {
            registered.entry(family.clone()).or_insert(*revision);
        }
    }
    for s in &snap.services {
        let name = &s.name;
        goals.push(json!({"service": name, "running": s.running}));
        let (family, revision) = s.task_definition.rsplit_once(':').map_or((s.task_definition.as_str(), 1), |(f, r)| (f, r.parse().unwrap_or(1)));
        match registered.get(family) {
            // Deployed while recording: the learner's own revision, whichever number it gets
            // (docs/lessons.md, "Goals about the learner's own revision"), with its tasks running.
            Some(first) if revision >= *first => {
                let current = snap.tasks.iter().filter(|t| t.service.as_deref() == Some(name.as_str()) && t.task_definition == s.task_definition && t.last_status == crate::engine::task::TaskStatus::Running).count();
                goals.push(json!({"service": name, "revision": {">=": first}, "current": current}));
                // What the deploy changed, when it is the image: a goal pressing Deploy on the
                // unchanged text cannot meet.
                let revs = engine.task_definitions(family);
                let now_images: Vec<&str> = revs.iter().find(|td| td.revision == revision).map(|td| td.container_definitions.iter().map(|c| c.image.as_str()).collect()).unwrap_or_default();
                let before: Vec<&str> = revs.iter().filter(|td| td.revision < *first).last().map(|td| td.container_definitions.iter().map(|c| c.image.as_str()).collect()).unwrap_or_default();
                if let Some(new_image) = now_images.iter().find(|i| !i.is_empty() && !before.contains(i)) {
                    goals.push(json!({"taskDefinition": {"service": name, "image": new_image}}));
                }
            }
            // A revision the scenario or the setup registered.
            _ if revision != 1 => goals.push(json!({"service": name, "taskDefinition": s.task_definition})),
            _ => {}
        }
        let mut per_az: BTreeMap<&str, u32> = sort::collect_map(snap.availability_zones.iter().map(|z| (z.as_str(), 0)));
        for t in snap.tasks.iter().filter(|t| t.service.as_deref() == Some(name.as_str()) && !t.az.is_empty()) {
            *per_az.entry(t.az.as_str()).or_default() += 1;
        }
        if per_az.len() > 1 {
            if let Some(max) = per_az.values().max().filter(|m| **m > 0) {
                goals.push(json!({"maxTasksPerAz": {"service": name, "max": max}}));
            }
        }
        goals.push(json!({"unplaced": {"service": name, "==": 0}}));
        let floor = (u64::from(s.desired) * u64::from(s.deployment.minimum_healthy_percent)).div_ceil(100);
        if floor > 0 {
            goals.push(json!({"throughout": {"service": name, "running": {">=": floor}}}));
        }
    }
    if !snap.instances.is_empty() {
        goals.push(json!({"instances": {"<=": snap.instances.len()}}));
    }
    if snap.cost.hourly_usd > 0.0 {
        // The next whole cent above the current rate.
        let cap = ((snap.cost.hourly_usd * 100.0).floor() + 1.0) / 100.0;
        goals.push(json!({"hourlyCost": {"<": cap}}));
    }
    // Notable events since the recording started, each once.
    let mut seen: Vec<Value> = Vec::new();
    for e in engine.events().iter().filter(|e| e.t >= since) {
        let Ok(Value::Object(fields)) = serde_json::to_value(&e.kind) else { continue };
        let keep: &[&str] = match fields.get("type").and_then(Value::as_str) {
            Some("deploymentCompleted") => &["type", "service", "taskDefinition"],
            Some("deploymentRolledBack") | Some("deploymentFailed") => &["type", "service"],
            Some("instanceTerminated") | Some("instanceDraining") => &["type", "instance"],
            Some("spotInterruptionWarning") => &["type", "instance", "task"],
            Some("azOutage") | Some("azRecovered") => &["type", "az"],
            Some("nodeDrained") => &["type", "node"],
            Some("nodeCordoned") => &["type", "node", "unschedulable"],
            Some("scalingActivity") => &["type", "service"],
            Some("deploymentRollout") => &["type", "deployment", "status"],
            _ => continue,
        };
        let mut picked: Map<String, Value> = keep.iter().filter_map(|k| fields.get(*k).map(|v| (k.to_string(), v.clone()))).collect();
        // A deployment of a revision deployed while recording: the learner's own, whichever
        // number it gets (a refused or repeated deploy makes it web:3), so not a fixed "web:2".
        let own = picked.get("taskDefinition").and_then(Value::as_str).and_then(|td| td.rsplit_once(':')).and_then(|(family, rev)| {
            let first = *registered.get(family)?;
            (rev.parse::<u32>().ok()? >= first).then_some(first)
        });
        let goal = match (own, picked.get("service").cloned()) {
            (Some(first), Some(service)) => {
                picked.remove("taskDefinition");
                json!({"all": [{"event": picked}, {"service": service, "revision": {">=": first}}]})
            }
            _ => json!({"event": picked}),
        };
        if !seen.contains(&goal) {
            seen.push(goal);
        }
    }
    goals.extend(seen);
    if let Some(kube) = &snap.kube {
        for d in &kube.deployments {
            let mut g = json!({"deployment": d.name, "ready": d.ready});
            if d.namespace != "default" {
                if let Some(o) = g.as_object_mut() {
                    o.insert("namespace".to_string(), json!(d.namespace));
                }
            }
            goals.push(g);
        }
    }
    goals
        .into_iter()
        .filter_map(|goal| {
            let text = goal.to_string();
            parse_goal_text(&text).ok().map(|g| Suggestion { label: g.describe(), goal, note: None })
        })
        .collect()
}

/// Runs the check on the suggestions as if each were a goal of the recorded lesson, notes which
/// already hold in the start state left alone and which the reference solution misses, and puts
/// those after the others (order otherwise kept). Without a recording, returns them unchanged.
pub fn rank_suggestions(draft: &Draft, suggestions: Vec<Suggestion>) -> Vec<Suggestion> {
    if draft.recorded.is_none() || suggestions.is_empty() {
        return suggestions;
    }
    let trial = Draft {
        id: "builder/suggestions".into(),
        title: "suggestions".into(),
        kind: "do".into(),
        hints: vec!["-".into()],
        goals: suggestions.iter().map(|s| s.goal.clone()).collect(),
        ..draft.clone()
    };
    let Ok(report) = lesson_text(&trial).and_then(|t| open_lesson(&t, "lesson")).map(|ex| check_exercise(&ex)) else {
        return suggestions;
    };
    let mut out: Vec<(u8, Suggestion)> = suggestions
        .into_iter()
        .enumerate()
        .map(|(i, mut s)| {
            let missed = report.goals.get(i).is_some_and(|g| !g.ok);
            let at_start = report.start_goals.get(i).is_some_and(|g| g.ok);
            s.note = if missed {
                Some(SuggestionNote::MissedByReference)
            } else if at_start {
                Some(SuggestionNote::HoldsAtStart)
            } else {
                None
            };
            let rank = match s.note {
                None => 0,
                Some(SuggestionNote::HoldsAtStart) => 1,
                Some(SuggestionNote::MissedByReference) => 2,
            };
            (rank, s)
        })
        .collect();
    sort::sort_by_key(&mut out, |(r, _)| *r);
    out.into_iter().map(|(_, s)| s).collect()
}

/// A goal typed by the author: checked by the goal parser (errors with line:col), returned as JSON.
pub fn goal_from_text(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Err("write a goal first, e.g. {\"service\": \"web\", \"running\": 6}".to_string());
    }
    parse_goal_text(text).map_err(|d| d.iter().map(|d| d.render("goal")).collect::<Vec<_>>().join("\n"))?;
    serde_json::from_str(text).map_err(|e| format!("goal: {e}"))
}

/// A goal's description for the builder's list (the JSON itself if it no longer reads).
pub fn goal_label(goal: &Value) -> String {
    parse_goal_text(&goal.to_string()).map(|g| g.describe()).unwrap_or_else(|_| goal.to_string())
}

/// The lesson file as JSON.
pub fn lesson_value(draft: &Draft) -> Result<Value, String> {
    let Some(rec) = &draft.recorded else {
        return Err("record the reference solution first: press Start recording, do what the learner should do, then Stop recording".to_string());
    };
    let mut o = Map::new();
    o.insert("lesson".into(), json!(1));
    o.insert("id".into(), json!(draft.id));
    o.insert("title".into(), json!(draft.title));
    o.insert("kind".into(), json!(draft.kind));
    if !draft.prose.trim().is_empty() {
        o.insert("proseMarkdown".into(), json!(draft.prose));
    }
    o.insert("scenario".into(), rec.scenario.clone());
    if !rec.editor.trim().is_empty() {
        o.insert("taskDefinitionEditor".into(), json!(rec.editor));
    }
    if !rec.setup.is_empty() {
        o.insert("setup".into(), json!(rec.setup));
    }
    o.insert("goals".into(), json!(draft.goals));
    o.insert("hints".into(), json!(draft.hints.iter().filter(|h| !h.trim().is_empty()).collect::<Vec<_>>()));
    o.insert("solution".into(), json!(rec.solution));
    if !draft.disabled_actions.is_empty() {
        o.insert("disabledActions".into(), json!(draft.disabled_actions));
    }
    if let Some(limits) = limits_value(draft)? {
        o.insert("limits".into(), limits);
    }
    Ok(Value::Object(o))
}

/// The instance types typed in the builder (commas or spaces between them), each checked
/// against the catalogue. The error names the field.
pub fn instance_types(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        if crate::engine::catalog::lookup(t).is_none() {
            return Err(format!("Instance types the learner may add: {}", crate::engine::catalog::suggest(t)));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    Ok(out)
}

/// The draft's `limits` object (`None` when it sets none).
pub fn limits_value(draft: &Draft) -> Result<Option<Value>, String> {
    let mut l = Map::new();
    if let Some(n) = draft.max_instances {
        l.insert("maxInstances".into(), json!(n));
    }
    if let Some(n) = draft.max_desired_count {
        l.insert("maxDesiredCount".into(), json!(n));
    }
    let types = instance_types(&draft.instance_types)?;
    if !types.is_empty() {
        l.insert("instanceTypes".into(), json!(types));
    }
    if let Some(bad) = draft.kubectl.iter().find(|k| !KUBECTL_COMMANDS.contains(&k.as_str())) {
        return Err(format!("kubectl commands the learner may use: {bad:?} is not one of {}", KUBECTL_COMMANDS.join(", ")));
    }
    if !draft.kubectl.is_empty() {
        // In the order the builder lists them, so the file does not depend on click order.
        let kubectl: Vec<&str> = KUBECTL_COMMANDS.iter().copied().filter(|k| draft.kubectl.iter().any(|d| d == k)).collect();
        l.insert("kubectl".into(), json!(kubectl));
    }
    Ok(if l.is_empty() { None } else { Some(Value::Object(l)) })
}

/// The lesson file's text (pretty JSON, ready to save or to put in `lessons/`).
pub fn lesson_text(draft: &Draft) -> Result<String, String> {
    let v = lesson_value(draft)?;
    serde_json::to_string_pretty(&v).map_err(|e| format!("the lesson could not be written ({e})"))
}

/// Reads a lesson file that must stand alone (opened from a file or a link): no other files.
pub fn open_lesson(text: &str, name: &str) -> Result<Exercise, String> {
    if text.len() > MAX_LESSON_BYTES {
        return Err(format!("{name} is {} KiB; a lesson file can be at most {} KiB", text.len().div_ceil(1024), MAX_LESSON_BYTES / 1024));
    }
    let no_files = |path: &str| {
        Err(format!(
            "a lesson opened from a file or link must be one file, so {path:?} cannot be read: write the prose as \"proseMarkdown\" and the scenario and task definitions inline"
        ))
    };
    parse_exercise(text, &no_files).map_err(|d| d.iter().filter(|d| d.is_error()).map(|d| d.render(name)).collect::<Vec<_>>().join("\n"))
}

/// What the builder's check found: the report of `berth lesson check`, the warnings it prints
/// (no hints...), and what the builder itself requires of a lesson (a title).
#[derive(Debug, Clone)]
pub struct Checked {
    pub report: ExerciseReport,
    /// The file's warnings as the CLI prints them, without the position: `hints: no hints: ...`.
    pub warnings: Vec<String>,
    /// Things to fix before the lesson is ready, besides the report's defects.
    pub problems: Vec<String>,
}

impl Checked {
    /// Ready: the check passes and nothing else is missing.
    pub fn ready(&self) -> bool {
        self.report.passed() && self.problems.is_empty()
    }

    /// The builder's verdict, the warnings, then the report as the CLI prints it.
    pub fn text(&self) -> String {
        let mut out = if self.ready() {
            "✓ Ready: the reference solution meets every goal and the start state alone does not.".to_string()
        } else {
            let all: Vec<&str> = self.problems.iter().chain(&self.report.defects).map(String::as_str).collect();
            format!("✗ Not ready yet: {}", all.join("; "))
        };
        for w in &self.warnings {
            out.push_str(&format!("\n⚠ {w}"));
        }
        out.push_str("\n\n");
        out.push_str(&self.report.render());
        out
    }
}

/// Runs the lesson check (as `berth lesson check`) on the draft, with its warnings and the
/// builder's own requirements. In a `do` exercise with a starting editor text, also says when
/// deploying that text unchanged meets every goal (not a defect there: the check does that only
/// for `fix`; but the author should know a learner can pass by pressing Deploy).
pub fn check(draft: &Draft) -> Result<Checked, String> {
    let text = lesson_text(draft)?;
    let ex = open_lesson(&text, "lesson")?;
    let report = check_exercise(&ex);
    let mut problems = Vec::new();
    if draft.title.trim().is_empty() {
        problems.push("the title is empty: write one in Title (3. Words and rules)".to_string());
    }
    let mut warnings: Vec<String> = ex
        .warnings
        .iter()
        .map(|w| if w.path.is_empty() { w.message.clone() } else { format!("{}: {}", w.path, w.message) })
        .collect();
    if let (crate::engine::lesson::Kind::Do, Some(editor)) = (ex.kind, &ex.task_definition_editor) {
        if report.passed() && crate::engine::lesson::run::unchanged_deploy(&ex, editor, report.end).1 {
            warnings.push(
                "taskDefinitionEditor: deploying the starting editor text unchanged also meets every goal, so a learner passes by pressing Deploy. Fine if any deploy counts; if the change itself is the lesson, add a goal about it (a taskDefinition goal checks cpu, memory, containers, essential containers, networkMode and image) or make it a fix exercise".to_string(),
            );
        }
    }
    Ok(Checked { report, warnings, problems })
}

/// A solution step as the builder lists it: one line, and for a deploy or `kubectl apply` the
/// text it deployed (shown on demand).
#[derive(Debug, Clone, PartialEq)]
pub struct StepText {
    pub line: String,
    pub detail: Option<String>,
}

/// `run until 00:02:00`, `updateService service web, desiredCount 9`,
/// `kubectl apply -f - (Deployment web, 24 lines)` with the YAML as the detail.
pub fn step_text(a: &Value) -> StepText {
    let name = a["action"].as_str().unwrap_or("?");
    let plain = |line: String| StepText { line, detail: None };
    if name == "runUntil" {
        let at = a["at"].as_str().and_then(|s| crate::engine::time::parse_duration(s).ok()).unwrap_or(0);
        return plain(format!("run until {}", Clock(at)));
    }
    if name == "editTaskDefinition" {
        let text = a["text"].as_str().map(str::to_string);
        let images: Vec<String> = text
            .as_deref()
            .and_then(|t| parse_task_definition(t).task_definition)
            .map(|td| td.container_definitions.iter().map(|c| c.image.clone()).filter(|i| !i.is_empty()).collect())
            .unwrap_or_default();
        let image = if images.is_empty() { String::new() } else { format!(" (image {})", images.join(", ")) };
        let line = match a["service"].as_str() {
            Some(s) => format!("deploy the editor's task definition to {s}{image}"),
            None => format!("deploy the editor's task definition{image}"),
        };
        return StepText { line, detail: text };
    }
    if name == "kubectl" {
        let args = a["args"].as_str().unwrap_or("");
        if let Some(m) = a["manifest"].as_str() {
            let objects = manifest_objects(m);
            let lines = m.lines().count();
            let what = if objects.is_empty() { format!("{lines} lines") } else { format!("{}, {lines} lines", objects.join(", ")) };
            return StepText { line: format!("kubectl {args} -f - ({what})"), detail: Some(m.to_string()) };
        }
        return plain(format!("kubectl {args}"));
    }
    let details: Vec<String> = a
        .as_object()
        // Fields left at their default (null, false) say nothing: `updateService service web, desiredCount 9`.
        .map(|o| o.iter().filter(|(k, v)| *k != "action" && !v.is_null() && **v != Value::Bool(false)).map(|(k, v)| format!("{k} {}", v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect())
        .unwrap_or_default();
    plain(format!("{name} {}", details.join(", ")).trim().to_string())
}

/// The objects of a manifest, `Kind name` each, read from each document's top-level `kind:` and
/// `metadata.name` (a quick look at the text, not the YAML parser: it only labels a step).
pub fn manifest_objects(yaml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for doc in yaml.split("\n---") {
        let mut kind = None;
        let mut name = None;
        let mut in_metadata = false;
        for line in doc.lines() {
            let top = !line.starts_with(' ') && !line.starts_with('\t');
            if top {
                in_metadata = line.trim_end() == "metadata:";
                if let Some(k) = line.strip_prefix("kind:") {
                    kind = Some(unquote(k));
                }
            } else if in_metadata && name.is_none() {
                if let Some(n) = line.trim_start().strip_prefix("name:") {
                    // Only metadata's own `name:` (the first indentation level under it).
                    if line.len() - line.trim_start().len() <= 4 {
                        name = Some(unquote(n));
                    }
                }
            }
        }
        match (kind, name) {
            (Some(k), Some(n)) => out.push(format!("{k} {n}")),
            (Some(k), None) => out.push(k),
            _ => {}
        }
    }
    out
}

fn unquote(s: &str) -> String {
    let s = s.split(" #").next().unwrap_or("").trim();
    s.trim_matches(|c| c == '"' || c == '\'').to_string()
}

/// The link payload for a lesson file (the text after `#lesson=`).
pub fn encode_lesson_link(text: &str) -> Result<String, String> {
    pack(text.as_bytes())
}

/// The lesson file's text from a link payload. The error completes "This lesson link could not
/// be opened: …".
pub fn decode_lesson_link(payload: &str) -> Result<String, String> {
    unpack(payload, "lesson=")
}

/// The stored draft as JSON.
pub fn to_saved(draft: &Draft) -> String {
    serde_json::to_string(draft).unwrap_or_default()
}

/// Reads a stored draft, version first.
pub fn parse_draft(text: &str) -> Result<Draft, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("it is not valid JSON ({e})"))?;
    match value.get("v").and_then(Value::as_u64) {
        Some(v) if v == u64::from(DRAFT_VERSION) => {}
        Some(v) => return Err(format!("it uses format version {v}; this Berth reads version {DRAFT_VERSION}")),
        None => return Err("it has no format version (\"v\")".to_string()),
    }
    serde_json::from_value(value).map_err(|e| format!("it is not readable ({e})"))
}
