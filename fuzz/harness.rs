//! What each fuzz target does with one input. Shared by the libFuzzer targets
//! (`fuzz/fuzz_targets/*.rs`, through `fuzz/src/lib.rs`) and the regression tests that replay
//! committed inputs on stable Rust (`tests/fuzz_regressions.rs`, through `#[path]`), so a
//! reproducer exercises exactly the code that crashed.
//!
//! Every function panics only on a bug: a panic inside Berth, or a property below that failed.

#![allow(dead_code)]

use std::collections::BTreeMap;

use berth::engine::catalog::CATALOG;
use berth::engine::invariants;
use berth::engine::json;
use berth::engine::placement::cql::{self, CqlInstance};
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{ClusterConfig, Command, Engine};
use berth::engine::taskdef::{export_pretty, parse_task_definition};
use serde_json::{json, Value};

/// The fuzz targets, by name (the names of `fuzz/fuzz_targets/*.rs` and of the folders of
/// `tests/fixtures/fuzz/`).
pub const TARGETS: [(&str, fn(&[u8])); 11] = [
    ("taskdef", taskdef),
    ("json", json_value),
    ("cql", cql_expr),
    ("scenario", scenario),
    ("engine", engine),
    ("k8s_yaml", k8s_yaml),
    ("quantity", quantity),
    ("lesson", lesson),
    ("share_link", share_link),
    ("progress", progress),
    ("demo", demo),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `parse_task_definition` never panics; a definition it accepts exports to JSON that it
/// accepts again (the export is what `berth export` hands to `aws ecs register-task-definition`).
pub fn taskdef(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let parsed = parse_task_definition(text);
    for d in &parsed.diagnostics {
        let _ = d.render("fuzz.json");
    }
    if let Some(td) = &parsed.task_definition {
        let exported = export_pretty(td);
        let again = parse_task_definition(&exported);
        let errors: Vec<String> = again.errors().map(|d| d.render("export.json")).collect();
        assert!(errors.is_empty(), "the export of an accepted task definition is rejected: {errors:?}\n{exported}");
    }
}

/// The positioned JSON parser never panics, and whatever it accepts, `serde_json` reads the same.
pub fn json_value(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(doc) = json::parse(text) else { return };
    let _ = json::duplicate_keys(&doc);
    let _ = doc.describe();
    let mine = doc.to_value();
    // Walk every string and point into it, as the scenario and task-definition checks do.
    fn walk(text: &str, j: &json::Json) {
        match &j.kind {
            json::JsonKind::String(s) => {
                for off in [0, s.len() / 2, s.len(), s.len() + 3] {
                    let _ = json::string_offset_pos(text, j.pos, off);
                }
            }
            json::JsonKind::Array(items) => items.iter().for_each(|i| walk(text, i)),
            json::JsonKind::Object(members) => members.iter().for_each(|(_, v)| walk(text, v)),
            _ => {}
        }
    }
    walk(text, &doc);
    if let Ok(theirs) = serde_json::from_str::<Value>(text) {
        assert_eq!(mine, theirs, "json::parse and serde_json disagree on {text:?}");
    }
}

/// A fixed container instance for the query language.
struct Inst {
    attrs: BTreeMap<&'static str, &'static str>,
    id: &'static str,
    running: u32,
    groups: Vec<String>,
    agent: &'static str,
    connected: bool,
}

impl CqlInstance for Inst {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).copied()
    }
    fn ec2_instance_id(&self) -> &str {
        self.id
    }
    fn registered_at_unix(&self) -> i64 {
        1_767_225_600
    }
    fn running_tasks_count(&self) -> u32 {
        self.running
    }
    fn task_groups(&self) -> Vec<String> {
        self.groups.clone()
    }
    fn agent_version(&self) -> &str {
        self.agent
    }
    fn agent_connected(&self) -> bool {
        self.connected
    }
}

fn instances() -> [Inst; 2] {
    [
        Inst {
            attrs: [("ecs.instance-type", "m5.large"), ("ecs.availability-zone", "us-east-1a"), ("ecs.os-type", "linux"), ("ecs.cpu-architecture", "x86_64"), ("stack", "prod")].into_iter().collect(),
            id: "i-01",
            running: 3,
            groups: vec!["service:web".into(), "service:web".into(), "family:batch".into()],
            agent: "1.87.0",
            connected: true,
        },
        Inst { attrs: [("ecs.instance-type", "t3.micro"), ("ecs.availability-zone", "us-east-1c"), ("custom", "")].into_iter().collect(), id: "i-0abc", running: 0, groups: vec![], agent: "x", connected: false },
    ]
}

/// `cql::parse` never panics; an expression it accepts evaluates and explains itself on real
/// instances, and its canonical form (`Display`) parses back to the same expression.
pub fn cql_expr(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(expr) = cql::parse(text) else { return };
    for inst in instances() {
        let holds = expr.eval(&inst);
        let why = cql::explain_false(&expr, &inst);
        assert!(!why.is_empty());
        assert_eq!(holds, expr.eval(&inst), "evaluation is deterministic");
    }
    let canonical = expr.to_string();
    match cql::parse(&canonical) {
        Ok(again) => assert_eq!(again, expr, "{text:?} prints as {canonical:?}, which parses to something else"),
        Err(e) => panic!("{text:?} prints as {canonical:?}, which does not parse: {e}"),
    }
}

/// The task definition every file a fuzzed scenario names reads as.
pub const SCENARIO_TASKDEF: &str = r#"{"family":"web","containerDefinitions":[{"name":"web","image":"nginx:1.27","cpu":256,"memory":512,"portMappings":[{"containerPort":80,"hostPort":0}]}]}"#;

/// Largest setup (instances, tasks) a fuzzed scenario is also run with; bigger ones are only parsed.
const SCENARIO_RUN_LIMIT: u32 = 64;

/// Instances and tasks a scenario's setup and timeline ask for, in all (the `count` and
/// `desiredCount` of its commands).
fn scenario_size(s: &berth::engine::scenario::Scenario) -> u32 {
    s.setup
        .iter()
        .map(|(_, c)| c)
        .chain(s.timeline.iter().map(|(_, _, c)| c))
        .map(|c| match serde_json::to_value(c) {
            Ok(v) => ["count", "desiredCount"].iter().filter_map(|k| v.get(*k).and_then(Value::as_u64)).sum::<u64>().min(u32::MAX as u64) as u32,
            Err(_) => 0,
        })
        .fold(0u32, u32::saturating_add)
}

/// `parse_scenario` never panics; a small scenario it accepts starts and runs for up to a virtual
/// day with the bookkeeping invariants holding after every event.
pub fn scenario(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let files = |name: &str| if name.ends_with(".json") { Ok(SCENARIO_TASKDEF.to_string()) } else { Err(format!("{name}: no such file")) };
    let Ok(s) = parse_scenario(text, &files) else { return };
    if scenario_size(&s) > SCENARIO_RUN_LIMIT {
        return;
    }
    let mut e = s.start(None);
    invariants::check(&e).unwrap_or_else(|m| panic!("after start: {m}"));
    let limit = s.run_until.unwrap_or(24 * 3_600_000).min(24 * 3_600_000);
    for _ in 0..20_000 {
        match e.next_due() {
            Some(t) if t <= limit => {
                e.step();
                invariants::check(&e).unwrap_or_else(|m| panic!("at t={} ms: {m}", e.now()));
            }
            _ => break,
        }
    }
    let _ = e.snapshot();
}

/// Reads fuzz bytes as small numbers; zeros once exhausted.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n.max(1)
    }
    fn done(&self) -> bool {
        self.at >= self.data.len()
    }
}

const ENGINE_AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ENGINE_FAMILIES: [&str; 4] = ["web", "api", "vpc", "pin"];
const ENGINE_TASKDEFS: [&str; 4] = [
    r#"{"family":"web","containerDefinitions":[{"name":"w","image":"nginx:1","cpu":256,"memory":512,"portMappings":[{"containerPort":80,"hostPort":0}],"healthCheck":{"command":["CMD-SHELL","true"]}}]}"#,
    r#"{"family":"api","containerDefinitions":[{"name":"a","image":"api:1","cpu":512,"memoryReservation":1024,"memory":2048,"portMappings":[{"containerPort":8080,"hostPort":8080}]}]}"#,
    r#"{"family":"vpc","networkMode":"awsvpc","requiresCompatibilities":["EC2","FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"v","image":"v:1"}]}"#,
    r#"{"family":"pin","placementConstraints":[{"type":"memberOf","expression":"attribute:ecs.instance-type =~ t3.*"}],"containerDefinitions":[{"name":"p","image":"p:1","cpu":128,"memory":300}]}"#,
];
const ENGINE_STRATEGIES: [&str; 6] = [
    r#"{"type":"binpack","field":"cpu"}"#,
    r#"{"type":"binpack","field":"memory"}"#,
    r#"{"type":"spread","field":"attribute:ecs.availability-zone"}"#,
    r#"{"type":"spread","field":"instanceId"}"#,
    r#"{"type":"random"}"#,
    r#"{"type":"spread","field":"attribute:stack"}"#,
];
const ENGINE_CONSTRAINTS: [&str; 4] = [
    r#"{"type":"distinctInstance"}"#,
    r#"{"type":"memberOf","expression":"attribute:ecs.instance-type =~ m5.*"}"#,
    r#"{"type":"memberOf","expression":"not(attribute:ecs.availability-zone == us-east-1c)"}"#,
    r#"{"type":"memberOf","expression":"attribute:stack == blue or runningTasksCount < 2"}"#,
];

fn pick<'a>(b: &mut Bytes, items: impl Iterator<Item = &'a String>) -> String {
    let all: Vec<&String> = items.collect();
    if all.is_empty() {
        return "i-none".into();
    }
    all[b.below(all.len())].clone()
}

/// The next command, as the JSON a scenario timeline would hold (so fields added to commands
/// later take their defaults), or a time advance in milliseconds.
fn next_action(b: &mut Bytes, e: &Engine) -> Result<Value, u64> {
    let az = |b: &mut Bytes| ENGINE_AZS[b.below(3)];
    let fam = |b: &mut Bytes| ENGINE_FAMILIES[b.below(4)];
    Ok(match b.below(16) {
        0 => {
            let mut v = json!({"action": "addInstances", "type": CATALOG[b.below(CATALOG.len())].name, "count": 1 + b.below(3)});
            if b.below(4) != 0 {
                v["az"] = json!(az(b));
            }
            if b.below(2) == 0 {
                let stack = ["blue", "green"][b.below(2)];
                v["attributes"] = json!({ "stack": stack });
            }
            v
        }
        1 => {
            let mut v = json!({"action": "createService", "serviceName": format!("s{}", b.below(4)), "taskDefinition": fam(b), "desiredCount": b.below(10)});
            if b.below(4) == 0 {
                v["launchType"] = json!("FARGATE");
            } else {
                let n = b.below(3);
                if n > 0 {
                    v["placementStrategy"] = Value::Array((0..n).map(|_| serde_json::from_str(ENGINE_STRATEGIES[b.below(6)]).unwrap()).collect());
                }
                let n = b.below(3);
                v["placementConstraints"] = Value::Array((0..n).map(|_| serde_json::from_str(ENGINE_CONSTRAINTS[b.below(4)]).unwrap()).collect());
            }
            v
        }
        2 => {
            let mut v = json!({"action": "updateService", "service": format!("s{}", b.below(4))});
            match b.below(3) {
                0 => v["desiredCount"] = json!(b.below(14)),
                1 => v["taskDefinition"] = json!(fam(b)),
                _ => v["forceNewDeployment"] = json!(true),
            }
            v
        }
        3 => {
            let mut v = json!({"action": "runTask", "taskDefinition": fam(b), "count": 1 + b.below(4)});
            if b.below(4) == 0 {
                v["launchType"] = json!("FARGATE");
            }
            v
        }
        4 => json!({"action": "stopTask", "task": pick(b, e.tasks().keys())}),
        5 => json!({"action": "terminateInstance", "instance": pick(b, e.instances().keys())}),
        6 => json!({"action": "drainInstance", "instance": pick(b, e.instances().keys())}),
        7 => json!({"action": "azOutage", "az": az(b)}),
        8 => json!({"action": "azRecover", "az": az(b)}),
        9 => json!({"action": "spotInterruption", "instance": pick(b, e.instances().keys())}),
        10 => {
            // A new revision: same family, other sizes.
            let i = b.below(4);
            let mut td: Value = serde_json::from_str(ENGINE_TASKDEFS[i]).unwrap();
            if let Some(c) = td["containerDefinitions"][0].as_object_mut() {
                if c.contains_key("cpu") {
                    c.insert("cpu".into(), json!(128 * (1 + b.below(8))));
                }
                c.insert("image".into(), json!(format!("img:{}", b.below(3))));
            }
            json!({"action": "registerTaskDefinition", "taskDefinition": td})
        }
        n => return Err(100 * (1 + b.byte() as u64) * (n as u64 - 10)),
    })
}

fn check(e: &Engine, after: &str) {
    if let Err(m) = invariants::check(e) {
        panic!("invariant violated after {after}: {m}");
    }
}

fn advance(e: &mut Engine, ms: u64) {
    let target = e.now() + ms;
    while let Some(due) = e.next_due() {
        if due > target {
            break;
        }
        e.step();
        check(e, &format!("a step at t={} ms", e.now()));
    }
    e.run_until(target);
}

/// Runs one input against a small cluster; returns the event-log hash.
fn engine_run(data: &[u8]) -> String {
    let azs: Vec<String> = ENGINE_AZS.iter().map(|s| s.to_string()).collect();
    let config = ClusterConfig { name: "fuzz".into(), region: "us-east-1".into(), azs: azs.clone(), fargate_azs: azs[..2].to_vec(), epoch_unix: 1_767_225_600 };
    let mut b = Bytes { data, at: 0 };
    let mut e = Engine::new(config, u64::from(b.byte()), "fuzz");
    thread_local! {
        static TASKDEFS: Vec<berth::engine::taskdef::TaskDefinition> =
            ENGINE_TASKDEFS.iter().map(|t| parse_task_definition(t).task_definition.expect("fuzz task definitions are valid")).collect();
    }
    for td in TASKDEFS.with(|t| t.clone()) {
        e.register(td);
    }
    for (i, t) in ["m5.large", "m5.large", "t3.medium", "c5.large"].iter().enumerate() {
        let cmd = Command::AddInstances { instance_type: t.to_string(), az: Some(azs[i % 3].clone()), count: 1, attributes: BTreeMap::new(), ids: vec![], reserved_memory: 0 };
        e.apply(cmd).expect("the fuzz cluster registers");
    }
    check(&e, "setup");
    // BERTH_FUZZ_TRACE=1 prints the decoded actions (to read a reproducer).
    let trace = std::env::var_os("BERTH_FUZZ_TRACE").is_some();
    let mut ops = 0;
    while !b.done() && ops < 200 {
        ops += 1;
        let action = next_action(&mut b, &e);
        if trace {
            eprintln!("t={} ms: {}", e.now(), action.as_ref().map(Value::to_string).unwrap_or_else(|ms| format!("advance {ms} ms")));
        }
        match action {
            Err(ms) => advance(&mut e, ms),
            Ok(v) => {
                let label = v.to_string();
                let cmd = if v["action"] == "registerTaskDefinition" {
                    let td = parse_task_definition(&v["taskDefinition"].to_string()).task_definition;
                    let Some(td) = td else { continue };
                    e.register(td);
                    check(&e, &label);
                    continue;
                } else {
                    match serde_json::from_value::<Command>(v) {
                        Ok(c) => c,
                        // A command this engine does not know (yet): skip it.
                        Err(_) => continue,
                    }
                };
                let _ = e.apply(cmd);
                check(&e, &label);
            }
        }
    }
    advance(&mut e, 2 * 60_000);
    let _ = e.snapshot();
    e.log_hash()
}

/// The engine driven by an arbitrary sequence of commands and time advances: the bookkeeping
/// invariants hold after every command and every event, and the same input gives the same log.
pub fn engine(data: &[u8]) {
    let first = engine_run(data);
    assert_eq!(first, engine_run(data), "the same commands gave a different event log");
}

// ---------------------------------------------------------------------------------------------
// Kubernetes manifests, quantities, lessons, share links, progress files, demos (issue 8)

/// Kubernetes manifests (multi-document YAML) → `k8s::manifest::parse`: never panics, every
/// diagnostic renders, and the objects it accepts export (`k8s::export::export_objects`, what
/// `berth export` writes) to YAML that parses again with no error into objects that export to
/// the same YAML.
pub fn k8s_yaml(data: &[u8]) {
    use berth::engine::k8s::{export, manifest};
    let Some(text) = text(data) else { return };
    let m = manifest::parse(text);
    for d in &m.diagnostics {
        let _ = d.render("fuzz.yaml");
    }
    if m.objects.is_empty() {
        return;
    }
    let objects: Vec<_> = m.objects.iter().map(|p| p.object.clone()).collect();
    let exported = export::export_objects(&objects);
    let again = manifest::parse(&exported);
    let errors: Vec<String> = again.errors().iter().map(|d| d.render("export.yaml")).collect();
    assert!(errors.is_empty(), "the export of accepted objects is rejected: {errors:?}\n--- input\n{text}\n--- export\n{exported}");
    // The objects carry source positions, so compare what they export to: exporting what the
    // export reads back as must give the same text.
    let back: Vec<_> = again.objects.iter().map(|p| p.object.clone()).collect();
    assert_eq!(back.len(), objects.len(), "the export reads back as another number of objects\n--- input\n{text}\n--- export\n{exported}");
    let twice = export::export_objects(&back);
    assert_eq!(twice, exported, "the export reads back as other objects\n--- input\n{text}");
}

/// Kubernetes quantities → `k8s::quantity::parse`: never panics; the error message renders and a
/// suggested spelling (`512Mb` → `512Mi`) is itself a quantity; an accepted quantity printed
/// (`Display`, what `kubectl describe` shows) parses back to exactly the same value, and
/// `value()` / `milli_value()` round up as documented.
pub fn quantity(data: &[u8]) {
    use berth::engine::k8s::quantity;
    let Some(text) = text(data) else { return };
    match quantity::parse(text) {
        Err(e) => {
            assert!(!e.message().is_empty());
            if let Some(s) = &e.suggestion {
                assert!(quantity::parse(s).is_ok(), "{text:?}: the suggestion {s:?} is not a quantity either");
            }
        }
        Ok(q) => {
            let shown = q.to_string();
            match quantity::parse(&shown) {
                Ok(again) => assert_eq!(again.nanos, q.nanos, "{text:?} prints as {shown:?}, which is another value"),
                Err(e) => panic!("{text:?} prints as {shown:?}, which does not parse: {}", e.message()),
            }
            // value() = ceil(q) and milli_value() = ceil(q × 1000), away from zero, in i64.
            let ceil = |div: i128| -> i128 {
                let (d, r) = (q.nanos / div, q.nanos % div);
                (d + r.signum()).clamp(i64::MIN as i128, i64::MAX as i128)
            };
            assert_eq!(q.value() as i128, ceil(1_000_000_000), "{text:?}: value()");
            assert_eq!(q.milli_value() as i128, ceil(1_000_000), "{text:?}: milli_value()");
        }
    }
}

/// The files a fuzzed lesson or demo names: prose (`.md`) reads as a short text, any other
/// `.json` as [`SCENARIO_TASKDEF`], everything else is missing.
fn lesson_files(name: &str) -> Result<String, String> {
    if name.ends_with(".md") {
        Ok("# Prose\n\nSome text.\n".to_string())
    } else if name.ends_with(".json") {
        Ok(SCENARIO_TASKDEF.to_string())
    } else {
        Err(format!("{name}: no such file"))
    }
}

/// Lesson files → `lesson::parse_exercise` (files as [`lesson_files`], and once with every file
/// missing) and the course index → `lesson::parse_index`: never panic, every diagnostic renders.
pub fn lesson(data: &[u8]) {
    use berth::engine::lesson;
    let Some(text) = text(data) else { return };
    let missing = |name: &str| -> Result<String, String> { Err(format!("{name}: no such file")) };
    for files in [&lesson_files as &dyn Fn(&str) -> Result<String, String>, &missing] {
        if let Err(diags) = lesson::parse_exercise(text, files) {
            assert!(!diags.is_empty(), "parse_exercise failed without saying why");
            for d in &diags {
                let _ = d.render("fuzz.json");
            }
        }
    }
    if let Err(diags) = lesson::parse_index(text) {
        assert!(!diags.is_empty(), "parse_index failed without saying why");
        for d in &diags {
            let _ = d.render("index.json");
        }
    }
    let _ = lesson::looks_like_exercise(text);
    let _ = lesson::looks_like_index(text);
}

/// A raw-deflate stream of stored (uncompressed) blocks holding `bytes` (RFC 1951 §3.2.4), so the
/// fuzzer's JSON reaches the scene reader without having to invent valid deflate data.
fn stored_deflate(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 5 * (bytes.len() / 65_535 + 1));
    let mut chunks: Vec<&[u8]> = bytes.chunks(65_535).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last = chunks.len() - 1;
    for (i, c) in chunks.into_iter().enumerate() {
        out.push(u8::from(i == last));
        let len = c.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    out
}

/// Largest journal and timeline a decoded fuzzed scene is also opened (replayed) with.
const SHARE_OPEN_JOURNAL: usize = 16;
const SHARE_OPEN_TIME: u64 = 2 * 3_600_000;

/// Share links → `shell::share::decode_link`. An input starting with `{` is a scene's JSON and is
/// packed into a link first (base64url of a stored deflate stream); anything else is the link
/// payload itself. Never panics; a scene it accepts encodes (`encode_link`) to a link that
/// decodes to the same scene, and a small one opens (parses its scenario and replays its journal)
/// without a panic.
pub fn share_link(data: &[u8]) {
    use berth::shell::share;
    let Some(text) = text(data) else { return };
    let payload = if text.starts_with('{') { share::base64url_encode(&stored_deflate(text.as_bytes())) } else { text.to_string() };
    let Ok(scene) = share::decode_link(&payload) else { return };
    if let Ok(link) = share::encode_link(&scene) {
        match share::decode_link(&link) {
            Ok(again) => assert_eq!(again, scene, "encode_link then decode_link gives another scene"),
            Err(e) => panic!("the link encode_link made does not decode: {e}"),
        }
    }
    let saved = share::to_saved(&scene);
    match share::parse_scene(&saved) {
        Ok(again) => assert_eq!(again, scene, "to_saved then parse_scene gives another scene"),
        Err(e) => panic!("the saved session does not read back: {e}"),
    }
    if scene.journal.len() <= SHARE_OPEN_JOURNAL && scene.furthest <= SHARE_OPEN_TIME {
        // Open only scenes whose scenario is small (as the scenario target runs only small ones).
        let files = |name: &str| scene.files.get(name).cloned().ok_or_else(|| format!("{name} is not included"));
        if parse_scenario(&scene.scenario, &files).is_ok_and(|s| scenario_size(&s) <= SCENARIO_RUN_LIMIT) {
            let _ = scene.open();
        }
    }
}

/// Progress files → `shell::progress::import_progress` into empty progress: never panics; what
/// it accepts exports (`export_progress`) to a file that imports back to the same progress, and
/// importing that file again into the result changes nothing.
pub fn progress(data: &[u8]) {
    use berth::shell::progress::{export_progress, import_progress, parse_progress, Progress};
    let Some(text) = text(data) else { return };
    let _ = parse_progress(text);
    let known = vec!["self-healing/retire-instance".to_string(), "placement/binpack".to_string()];
    let Ok((merged, summary)) = import_progress(text, &Progress::default(), &known) else { return };
    assert!(summary.improved <= summary.read && summary.unknown.len() <= summary.read, "{summary:?}");
    let _ = summary.message(merged.solved());
    let file = export_progress(&merged);
    match import_progress(&file, &Progress::default(), &known) {
        Ok((again, _)) => assert_eq!(again, merged, "export then import gives other progress\n{file}"),
        Err(e) => panic!("the exported progress does not import: {e}\n{file}"),
    }
    match import_progress(&file, &merged, &known) {
        Ok((again, s)) => {
            assert_eq!(again, merged, "importing the same progress twice changes it");
            assert_eq!(s.improved, 0, "importing the same progress twice 'improves' {} record(s)", s.improved);
        }
        Err(e) => panic!("the exported progress does not import into itself: {e}"),
    }
}

/// The exercises the course's demos start from, as `files` gives them to a fuzzed demo.
const DEMO_EXERCISES: [(&str, &str); 2] = [
    ("05-self-healing/01-retire-instance.json", include_str!("../lessons/05-self-healing/01-retire-instance.json")),
    ("07-rolling-updates/03-predict-minimum-50.json", include_str!("../lessons/07-rolling-updates/03-predict-minimum-50.json")),
];

/// Presenter demos → `demo::parse_demo`, `startFrom` reading the course's real exercises
/// ([`DEMO_EXERCISES`]) and every other file as [`lesson_files`]: never panics, every diagnostic
/// renders; a demo it accepts has at least one step.
pub fn demo(data: &[u8]) {
    use berth::engine::demo::parse_demo;
    let Some(text) = text(data) else { return };
    let files = |name: &str| match DEMO_EXERCISES.iter().find(|(n, _)| *n == name) {
        Some((_, t)) => Ok(t.to_string()),
        None => lesson_files(name),
    };
    match parse_demo(text, &files) {
        Ok(d) => assert!(!d.steps.is_empty(), "a demo without steps was accepted"),
        Err(diags) => {
            assert!(!diags.is_empty(), "parse_demo failed without saying why");
            for d in &diags {
                let _ = d.render("demo.json");
            }
        }
    }
}
