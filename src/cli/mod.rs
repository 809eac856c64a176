//! The native `berth` command: run scenarios headlessly, validate and export task definitions.
//!
//! Exit codes: 0 success; 1 invalid input (the file has errors, which are printed as
//! `file:line:col: message`); 2 usage error or unreadable file; 3 engine failure (a bug: please
//! report it with the scenario and seed).

mod demo;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::engine::diag::Diagnostic;
use crate::engine::event::to_jsonl;
use crate::engine::scenario::{parse_scenario, Scenario};
use crate::engine::snapshot::Snapshot;
use crate::engine::sort;
use crate::engine::taskdef::{export, parse_task_definition};
use crate::engine::time::{parse_duration, Millis, HOUR};

pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_ENGINE: i32 = 3;

/// How long `berth run` simulates when neither `--until` nor the scenario's `runUntil` says:
/// until nothing is left to do, but never past this.
pub const DEFAULT_LIMIT: Millis = 24 * HOUR;

pub const USAGE: &str = "berth — a container-orchestration playground (headless shell)

USAGE:
    berth run SCENARIO.json [--seed N] [--until DURATION] [--events FILE.jsonl]
        Run a scenario and print the final report as JSON. --events writes the event log
        as JSON lines (use - for standard output, after the report).
    berth validate TASKDEF.json...
        Check ECS task definitions; print problems as file:line:col: message.
    berth validate-scenario SCENARIO.json...
        Check scenario files the same way.
    berth export FILE.json [--out DIR]
        Print register-task-definition JSON for a task definition, or for every task
        definition of a scenario (one file per family with --out).
    berth export --k8s SCENARIO.json [--out DIR]
        Print the scenario's Kubernetes objects as kubectl-appliable YAML (--out writes
        DIR/SCENARIO.yaml).
    berth lesson check PATH... [--events]
        Check lessons: run each exercise's reference solution headlessly and report every
        goal; PATH is an exercise file, a chapter folder or lessons/index.json. --events
        also prints the event log of each reference run.
    berth demo check PATH...
        Play presenter demos headlessly, step by step: each step must run without an error
        and change something (a new event); PATH is a demo file or a folder (lessons/demos).
    berth help

Exit codes: 0 ok, 1 invalid input, 2 usage error, 3 engine failure.";

/// Where the output goes: collected so tests can call [`run`] directly.
#[derive(Default, Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    fn out(&mut self, s: &str) {
        self.stdout.push_str(s);
        if !s.ends_with('\n') {
            self.stdout.push('\n');
        }
    }
    fn err(&mut self, s: &str) {
        self.stderr.push_str(s);
        if !s.ends_with('\n') {
            self.stderr.push('\n');
        }
    }
}

/// Run the CLI with `args` (without the program name). Returns the exit code.
pub fn run(args: &[String], out: &mut Output) -> i32 {
    let Some(cmd) = args.first() else {
        out.err(USAGE);
        return EXIT_USAGE;
    };
    let rest = &args[1..];
    match cmd.as_str() {
        "run" => cmd_run(rest, out),
        "validate" => cmd_validate(rest, out),
        "validate-scenario" => cmd_validate_scenario(rest, out),
        "export" => cmd_export(rest, out),
        "lesson" => cmd_lesson(rest, out),
        "demo" => demo::cmd_demo(rest, out),
        "help" | "--help" | "-h" => {
            out.out(USAGE);
            EXIT_OK
        }
        other => {
            out.err(&format!("berth: unknown command {other:?}\n\n{USAGE}"));
            EXIT_USAGE
        }
    }
}

struct Flags {
    positional: Vec<String>,
    options: Vec<(String, String)>,
}

fn flags(args: &[String], with_value: &[&str]) -> Result<Flags, String> {
    let mut f = Flags { positional: Vec::new(), options: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if let Some(name) = a.strip_prefix("--") {
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (name, None),
            };
            if !with_value.contains(&name) {
                return Err(format!("unknown option --{name}"));
            }
            let v = match inline {
                Some(v) => v,
                None => {
                    i += 1;
                    args.get(i).cloned().ok_or_else(|| format!("--{name} needs a value"))?
                }
            };
            f.options.push((name.to_string(), v));
        } else {
            f.positional.push(a.clone());
        }
        i += 1;
    }
    Ok(f)
}

impl Flags {
    fn get(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn read(path: &str) -> Result<String, String> {
    read_file(Path::new(path)).map_err(|e| format!("berth: cannot read {path}: {e}"))
}

/// Reads a text file the way every input is read: a regular file (a FIFO or a device such as
/// `/dev/zero` would block or never end) of at most [`crate::engine::json::MAX_INPUT_BYTES`].
fn read_file(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let limit = crate::engine::json::MAX_INPUT_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes)).map_err(|e| e.to_string())?;
    if bytes.len() > limit {
        return Err(format!("it is larger than {} MiB", limit >> 20));
    }
    String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())
}

fn print_diags(out: &mut Output, file: &str, diags: &[Diagnostic]) {
    for d in diags {
        out.err(&d.render(file));
    }
}

/// Load a scenario file, resolving `{"file": ...}` relative to its directory.
pub fn load_scenario(path: &str) -> Result<Scenario, (i32, String)> {
    let text = read(path).map_err(|e| (EXIT_USAGE, e))?;
    let dir: PathBuf = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
    let files = move |name: &str| read_file(&dir.join(name));
    parse_scenario(&text, &files).map_err(|diags| {
        let lines: Vec<String> = diags.iter().map(|d| d.render(path)).collect();
        (EXIT_INVALID, lines.join("\n"))
    })
}

fn cmd_run(args: &[String], out: &mut Output) -> i32 {
    let f = match flags(args, &["seed", "until", "events"]) {
        Ok(f) => f,
        Err(e) => {
            out.err(&format!("berth run: {e}\n\n{USAGE}"));
            return EXIT_USAGE;
        }
    };
    let [path] = f.positional.as_slice() else {
        out.err(&format!("berth run: expected one scenario file\n\n{USAGE}"));
        return EXIT_USAGE;
    };
    let seed = match f.get("seed").map(str::parse::<u64>) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            out.err("berth run: --seed needs a whole number from 0 to 18446744073709551615");
            return EXIT_USAGE;
        }
    };
    let until = match f.get("until").map(parse_duration) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            out.err(&format!("berth run: --until: {e}"));
            return EXIT_USAGE;
        }
    };
    let scenario = match load_scenario(path) {
        Ok(s) => s,
        Err((code, msg)) => {
            out.err(&msg);
            return code;
        }
    };
    for w in &scenario.warnings {
        out.err(&w.render(path));
    }
    let result = std::panic::catch_unwind(|| {
        let mut engine = scenario.start(seed);
        match until.or(scenario.run_until) {
            Some(t) => engine.run_until(t),
            None => engine.run_to_quiet(DEFAULT_LIMIT),
        }
        let advice: Vec<_> = engine.recommendations().into_values().filter(|r| r.oom_kills > 0 || r.peak_memory_mib.is_some()).collect();
        (engine.snapshot(), to_jsonl(engine.events()), advice)
    });
    let (snap, log, advice) = match result {
        Ok(r) => r,
        Err(_) => {
            out.err(&format!("berth: engine failure while running {path} (seed {}); please report this with the scenario", seed.unwrap_or(scenario.seed)));
            return EXIT_ENGINE;
        }
    };
    let mut report = report(&snap);
    if !advice.is_empty() {
        report["rightSizing"] = json!(advice.iter().map(|r| json!({"service": r.service, "notes": r.notes})).collect::<Vec<_>>());
    }
    out.out(&serde_json::to_string_pretty(&report).unwrap_or_default());
    match f.get("events") {
        None => {}
        Some("-") => out.stdout.push_str(&log),
        Some(file) => {
            if let Err(e) = std::fs::write(file, &log) {
                out.err(&format!("berth: cannot write {file}: {e}"));
                return EXIT_USAGE;
            }
        }
    }
    EXIT_OK
}

/// The final report `berth run` prints: per instance, per service, and what could not be placed.
pub fn report(s: &Snapshot) -> Value {
    let instances: Vec<Value> = s
        .instances
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "type": i.instance_type,
                "az": i.az,
                "tasks": i.tasks,
                "remainingCpu": i.remaining_cpu,
                "remainingMemory": i.remaining_memory,
                "registeredCpu": i.registered_cpu,
                "registeredMemory": i.registered_memory,
            })
        })
        .collect();
    let fargate: Vec<Value> = s
        .tasks
        .iter()
        .filter(|t| t.instance.is_none())
        .map(|t| json!({"task": t.id, "az": t.az, "cpu": t.cpu, "memory": t.memory}))
        .collect();
    let services: Vec<Value> = s
        .services
        .iter()
        .map(|v| {
            json!({
                "name": v.name,
                "taskDefinition": v.task_definition,
                "desired": v.desired,
                "running": v.running,
                "pending": v.pending,
                "stopping": v.stopping,
                "unplaced": v.unplaced,
            })
        })
        .collect();
    let unplaced: Vec<Value> = s
        .unplaced
        .iter()
        .map(|u| {
            let mut v = json!({"group": u.group, "count": u.count, "reason": u.reason});
            if let Some(svc) = &u.service {
                v["service"] = json!(svc);
            }
            v
        })
        .collect();
    let mut report = json!({
        "scenario": s.scenario,
        "seed": s.seed,
        "time": s.time,
        "instances": instances,
        "fargateTasks": fargate,
        "services": services,
        "unplaced": unplaced,
        "eventLogHash": s.event_log_hash,
    });
    if let Some(k) = &s.kube {
        let nodes: Vec<Value> = k
            .nodes
            .iter()
            .map(|n| {
                let pods: Vec<&str> = k.pods.iter().filter(|p| p.node.as_deref() == Some(n.name.as_str())).map(|p| p.name.as_str()).collect();
                json!({"name": n.name, "zone": n.zone, "type": n.instance_type, "unschedulable": n.unschedulable, "pods": pods})
            })
            .collect();
        let deployments: Vec<Value> = k
            .deployments
            .iter()
            .map(|d| json!({"name": d.name, "namespace": d.namespace, "desired": d.desired, "ready": d.ready, "updated": d.updated, "available": d.available, "revision": d.revision}))
            .collect();
        let unschedulable: Vec<Value> = k.unschedulable.iter().map(|u| json!({"pod": u.pod, "message": u.message})).collect();
        report["kubernetes"] = json!({"nodes": nodes, "deployments": deployments, "unschedulable": unschedulable});
    }
    if s.cost.hourly_usd > 0.0 || s.cost.total_usd > 0.0 {
        let r = |v: f64| (v * 10_000.0).round() / 10_000.0;
        report["cost"] = json!({"hourlyUsd": r(s.cost.hourly_usd), "totalUsd": r(s.cost.total_usd)});
    }
    report
}

fn cmd_validate(args: &[String], out: &mut Output) -> i32 {
    if args.is_empty() {
        out.err(&format!("berth validate: expected one or more task definition files\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    let mut code = EXIT_OK;
    for path in args {
        let text = match read(path) {
            Ok(t) => t,
            Err(e) => {
                out.err(&e);
                code = code.max(EXIT_USAGE);
                continue;
            }
        };
        let parsed = parse_task_definition(&text);
        print_diags(out, path, &parsed.diagnostics);
        match &parsed.task_definition {
            Some(td) => out.out(&format!("{path}: ok: {} ({} container(s))", td.family, td.container_definitions.len())),
            None => code = code.max(EXIT_INVALID),
        }
    }
    code
}

fn cmd_validate_scenario(args: &[String], out: &mut Output) -> i32 {
    if args.is_empty() {
        out.err(&format!("berth validate-scenario: expected one or more scenario files\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    let mut code = EXIT_OK;
    for path in args {
        match load_scenario(path) {
            Ok(s) => {
                print_diags(out, path, &s.warnings);
                out.out(&format!("{path}: ok: {}", s.name));
            }
            Err((c, msg)) => {
                out.err(&msg);
                code = code.max(c);
            }
        }
    }
    code
}

fn cmd_export(args: &[String], out: &mut Output) -> i32 {
    // `--k8s` takes no value, so it is taken out before the other flags are read.
    let k8s = args.iter().any(|a| a == "--k8s");
    let args: Vec<String> = args.iter().filter(|a| *a != "--k8s").cloned().collect();
    let f = match flags(&args, &["out"]) {
        Ok(f) => f,
        Err(e) => {
            out.err(&format!("berth export: {e}\n\n{USAGE}"));
            return EXIT_USAGE;
        }
    };
    let [path] = f.positional.as_slice() else {
        out.err(&format!("berth export: expected one file\n\n{USAGE}"));
        return EXIT_USAGE;
    };
    let text = match read(path) {
        Ok(t) => t,
        Err(e) => {
            out.err(&e);
            return EXIT_USAGE;
        }
    };
    if k8s {
        return export_k8s(path, f.get("out"), out);
    }
    // A scenario has "berth": 1 at the top; anything else is read as a task definition.
    let is_scenario = serde_json::from_str::<Value>(text.strip_prefix('\u{feff}').unwrap_or(&text)).ok().and_then(|v| v.get("berth").cloned()).is_some();
    let exports: Vec<(String, Value)> = if is_scenario {
        match load_scenario(path) {
            Ok(s) => s.task_definitions().iter().map(|td| (td.family.clone(), export(td))).collect(),
            Err((c, msg)) => {
                out.err(&msg);
                return c;
            }
        }
    } else {
        let parsed = parse_task_definition(&text);
        match parsed.task_definition {
            Some(td) => vec![(td.family.clone(), export(&td))],
            None => {
                print_diags(out, path, &parsed.diagnostics);
                return EXIT_INVALID;
            }
        }
    };
    match f.get("out") {
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                out.err(&format!("berth: cannot create {dir}: {e}"));
                return EXIT_USAGE;
            }
            for (family, v) in &exports {
                let file = Path::new(dir).join(format!("{family}.json"));
                if let Err(e) = std::fs::write(&file, serde_json::to_string_pretty(v).unwrap_or_default() + "\n") {
                    out.err(&format!("berth: cannot write {}: {e}", file.display()));
                    return EXIT_USAGE;
                }
                out.out(&file.display().to_string());
            }
        }
        None => {
            if exports.len() == 1 {
                out.out(&serde_json::to_string_pretty(&exports[0].1).unwrap_or_default());
            } else {
                let all: Vec<&Value> = exports.iter().map(|(_, v)| v).collect();
                out.out(&serde_json::to_string_pretty(&all).unwrap_or_default());
            }
        }
    }
    EXIT_OK
}

/// `berth export --k8s`: the scenario's Kubernetes objects as multi-document YAML, on standard
/// output or in `DIR/<scenario file name>.yaml`.
fn export_k8s(path: &str, dir: Option<&str>, out: &mut Output) -> i32 {
    use crate::engine::k8s::export::{export_manifests, scenario_manifests};
    let s = match load_scenario(path) {
        Ok(s) => s,
        Err((c, msg)) => {
            out.err(&msg);
            return c;
        }
    };
    let Some(manifests) = scenario_manifests(&s) else {
        out.err(&format!("{path}: the scenario has no \"kubernetes\" section, so there is nothing to export with --k8s"));
        return EXIT_INVALID;
    };
    let yaml = match export_manifests(&manifests) {
        Ok(y) => y,
        Err((i, diags)) => {
            print_diags(out, &format!("{path}: kubernetes.manifests[{i}]"), &diags);
            return EXIT_INVALID;
        }
    };
    match dir {
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                out.err(&format!("berth: cannot create {dir}: {e}"));
                return EXIT_USAGE;
            }
            let stem = Path::new(path).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
            let file = Path::new(dir).join(format!("{stem}.yaml"));
            if let Err(e) = std::fs::write(&file, &yaml) {
                out.err(&format!("berth: cannot write {}: {e}", file.display()));
                return EXIT_USAGE;
            }
            out.out(&file.display().to_string());
        }
        None => out.out(&yaml),
    }
    EXIT_OK
}

/// `berth lesson check PATH...`: runs each exercise's reference solution and reports its goals.
fn cmd_lesson(args: &[String], out: &mut Output) -> i32 {
    let Some((sub, paths)) = args.split_first() else {
        out.err(&format!("berth lesson: expected a subcommand (check)\n\n{USAGE}"));
        return EXIT_USAGE;
    };
    if sub != "check" {
        out.err(&format!("berth lesson: unknown subcommand {sub:?}; expected check\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    let mut show_events = false;
    let paths: Vec<&String> = paths
        .iter()
        .filter(|p| {
            let flag = p.as_str() == "--events";
            show_events |= flag;
            !flag
        })
        .collect();
    if let Some(bad) = paths.iter().find(|p| p.starts_with("--")) {
        out.err(&format!("berth lesson check: unknown option {bad}\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    if paths.is_empty() {
        out.err(&format!("berth lesson check: expected an exercise file, a chapter folder or lessons/index.json\n\n{USAGE}"));
        return EXIT_USAGE;
    }
    let mut files = Vec::new();
    for p in paths {
        match lesson_files(p) {
            Ok(mut f) => files.append(&mut f),
            Err((code, msg)) => {
                out.err(&msg);
                return code;
            }
        }
    }
    let mut code = EXIT_OK;
    let (mut passed, mut failed) = (0, 0);
    let mut ids: Vec<(String, String)> = Vec::new();
    for path in &files {
        let exercise = match load_exercise(path) {
            Ok(e) => e,
            Err((c, msg)) => {
                out.err(&msg);
                failed += 1;
                code = code.max(c);
                continue;
            }
        };
        for w in &exercise.warnings {
            out.err(&w.render(path));
        }
        if let Some((_, other)) = ids.iter().find(|(id, _)| id == &exercise.id) {
            out.err(&format!("{path}: error: id {:?} is also used by {other}", exercise.id));
            failed += 1;
            code = code.max(EXIT_INVALID);
            continue;
        }
        ids.push((exercise.id.clone(), path.clone()));
        let report = match std::panic::catch_unwind(|| crate::engine::lesson::check_exercise(&exercise)) {
            Ok(r) => r,
            Err(_) => {
                out.err(&format!("berth: engine failure while checking {path}; please report this with the lesson file"));
                return EXIT_ENGINE;
            }
        };
        out.out(&format!("{path}\n{}", report.render()));
        if show_events {
            out.out(&format!("  events of the reference run:\n{}", report.render_events()));
        }
        if report.passed() {
            passed += 1;
        } else {
            failed += 1;
            code = code.max(EXIT_INVALID);
        }
    }
    out.out(&format!("{} exercise(s): {passed} ok, {failed} failed", passed + failed));
    code
}

/// The exercise files a path names: itself, the exercises in a folder (by name), or every
/// exercise of an index in course order (its chapter intros must be readable too).
pub fn lesson_files(path: &str) -> Result<Vec<String>, (i32, String)> {
    use crate::engine::lesson::{looks_like_exercise, looks_like_index, parse_index};
    let p = Path::new(path);
    if p.is_dir() {
        let index = p.join("index.json");
        if index.is_file() {
            return lesson_files(&index.display().to_string());
        }
        let entries = std::fs::read_dir(p).map_err(|e| (EXIT_USAGE, format!("berth: cannot read {path}: {e}")))?;
        let mut found: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|f| f.extension().is_some_and(|x| x == "json"))
            .filter(|f| std::fs::read_to_string(f).is_ok_and(|t| looks_like_exercise(&t)))
            .map(|f| f.display().to_string())
            .collect();
        sort::sort(&mut found);
        if found.is_empty() {
            return Err((EXIT_USAGE, format!("berth: {path} holds no exercise files (JSON with \"lesson\" and \"kind\")")));
        }
        return Ok(found);
    }
    let text = read(path).map_err(|e| (EXIT_USAGE, e))?;
    if !looks_like_index(&text) {
        return Ok(vec![path.to_string()]);
    }
    let index = parse_index(&text).map_err(|diags| (EXIT_INVALID, diags.iter().map(|d| d.render(path)).collect::<Vec<_>>().join("\n")))?;
    let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut files = Vec::new();
    for ch in &index.chapters {
        if let Some(intro) = &ch.intro {
            let f = dir.join(intro);
            if !f.is_file() {
                return Err((EXIT_INVALID, format!("{path}: error: chapter {:?}: cannot read intro {}", ch.id, f.display())));
            }
        }
        for e in &ch.exercises {
            files.push(dir.join(e).display().to_string());
        }
    }
    Ok(files)
}

/// Reads an exercise file; prose, scenarios and task definitions it names are read relative to it.
pub fn load_exercise(path: &str) -> Result<crate::engine::lesson::Exercise, (i32, String)> {
    let text = read(path).map_err(|e| (EXIT_USAGE, e))?;
    let dir: PathBuf = Path::new(path).parent().map(Path::to_path_buf).unwrap_or_default();
    let files = move |name: &str| read_file(&dir.join(name));
    crate::engine::lesson::parse_exercise(&text, &files).map_err(|diags| (EXIT_INVALID, diags.iter().map(|d| d.render(path)).collect::<Vec<_>>().join("\n")))
}
