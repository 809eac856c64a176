//! Every lesson is a test: each exercise in `lessons/index.json` is loaded and checked the way
//! `berth lesson check` does it. Its reference solution must meet every goal, its unmodified
//! start state must not, its wrong solutions must fail, and a prediction's answer must be what
//! the simulation does whatever the seed.

use std::collections::BTreeSet;
use std::path::Path;

use berth::cli::{lesson_files, load_exercise, run, Output, EXIT_INVALID, EXIT_OK};
use berth::engine::lesson::{check_exercise, parse_index, Kind};

const INDEX: &str = "lessons/index.json";

fn berth(args: &[&str]) -> (i32, Output) {
    let mut out = Output::default();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let code = run(&args, &mut out);
    (code, out)
}

#[test]
fn every_exercise_passes_its_check() {
    let files = lesson_files(INDEX).unwrap_or_else(|(_, e)| panic!("{e}"));
    assert!(files.len() >= 45, "the course has {} exercises", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let exercise = match load_exercise(path) {
            Ok(e) => e,
            Err((_, msg)) => {
                failures.push(format!("{path}: does not load:\n{msg}"));
                continue;
            }
        };
        let report = check_exercise(&exercise);
        if !report.passed() {
            failures.push(format!("{path}:\n{}", report.render()));
        }
    }
    assert!(failures.is_empty(), "{} exercise(s) failed:\n\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_index_lists_every_exercise_once_and_each_chapter_ends_with_a_prediction() {
    let text = std::fs::read_to_string(INDEX).unwrap();
    let index = parse_index(&text).unwrap_or_else(|d| panic!("{d:?}"));
    assert!(index.chapters.len() >= 15, "{} chapters", index.chapters.len());
    let mut listed = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut last_folder = String::new();
    for ch in &index.chapters {
        let intro = ch.intro.as_ref().unwrap_or_else(|| panic!("chapter {} has no intro", ch.id));
        // A chapter is one folder ("06-health-checks/..."): its intro and exercises live there,
        // and the folders' numbers follow the order of the course.
        let folder = intro.split('/').next().unwrap_or_default().to_string();
        assert!(folder > last_folder, "chapter {} (folder {folder}) comes after folder {last_folder} in {INDEX}", ch.id);
        for e in &ch.exercises {
            assert!(e.starts_with(&format!("{folder}/")), "{e} is listed in chapter {} but is not in its folder {folder}", ch.id);
        }
        last_folder = folder;
        let intro_text = std::fs::read_to_string(Path::new("lessons").join(intro)).unwrap();
        assert!(intro_text.starts_with("# "), "{intro} should open with a heading");
        assert!(ch.exercises.len() >= 3, "chapter {} has {} exercises", ch.id, ch.exercises.len());
        for (i, e) in ch.exercises.iter().enumerate() {
            assert!(listed.insert(e.clone()), "{e} is listed twice");
            let path = format!("lessons/{e}");
            let ex = load_exercise(&path).unwrap_or_else(|(_, m)| panic!("{m}"));
            assert!(ids.insert(ex.id.clone()), "id {} is used twice", ex.id);
            assert!(ex.id.starts_with(&format!("{}/", ch.id)), "{path}: id {} should start with the chapter id {}/", ex.id, ch.id);
            assert!(!ex.prose.trim().is_empty(), "{path} has no prose");
            assert!(!ex.hints.is_empty(), "{path} has no hints");
            if i == ch.exercises.len() - 1 {
                assert_eq!(ex.kind, Kind::Predict, "chapter {} should end with a predict exercise; {path} is {:?}", ch.id, ex.kind);
            }
        }
    }
    // No exercise file is left out of the index.
    let mut on_disk = BTreeSet::new();
    for ch in std::fs::read_dir("lessons").unwrap().flatten().filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(ch.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_some_and(|x| x == "json") && berth::engine::lesson::looks_like_exercise(&std::fs::read_to_string(&p).unwrap()) {
                on_disk.insert(p.strip_prefix("lessons").unwrap().display().to_string());
            }
        }
    }
    let missing: Vec<&String> = on_disk.difference(&listed).collect();
    assert!(missing.is_empty(), "exercise files not in {INDEX}: {missing:?}");
}

#[test]
fn the_command_checks_the_whole_course() {
    let (code, out) = berth(&["lesson", "check", INDEX]);
    assert_eq!(code, EXIT_OK, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains(" ok, 0 failed"), "{}", out.stdout);
    assert!(out.stdout.contains("✓ 4 running tasks of web: 4 at 00:00:32"), "{}", out.stdout);
}

#[test]
fn the_command_takes_a_chapter_folder_or_one_file() {
    let (code, out) = berth(&["lesson", "check", "lessons/03-placement-strategies"]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    assert!(out.stdout.ends_with("3 exercise(s): 3 ok, 0 failed\n"), "{}", out.stdout);
    let (code, out) = berth(&["lesson", "check", "lessons/05-self-healing/03-predict-scale-in.json"]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    assert!(out.stdout.contains("✓ answer \"us-east-1a\""), "{}", out.stdout);
}

/// A lesson whose goals already hold at the start is a defect, and the command says so.
#[test]
fn a_goal_that_is_already_true_is_reported() {
    let dir = std::env::temp_dir().join(format!("berth-lesson-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trivial.json");
    std::fs::write(
        &path,
        r#"{
  "lesson": 1, "id": "t/trivial", "title": "Already solved", "kind": "do",
  "scenario": {"berth": 1, "name": "one instance", "cluster": {"instances": [{"type": "t3.small"}]}},
  "goals": [{"instances": {"==": 1}}],
  "hints": ["none needed"],
  "solution": [{"action": "runFor", "duration": "1m"}]
}"#,
    )
    .unwrap();
    let p = path.display().to_string();
    let (code, out) = berth(&["lesson", "check", &p]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, EXIT_INVALID, "{}", out.stdout);
    assert!(out.stdout.contains("DEFECT: the start state already meets every goal (no actions, run to 00:01:00)"), "{}", out.stdout);
}

#[test]
fn a_broken_exercise_file_is_reported_with_its_position() {
    let dir = std::env::temp_dir().join(format!("berth-lesson-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.json");
    std::fs::write(
        &path,
        r#"{
  "lesson": 1, "id": "t/broken", "title": "Broken", "kind": "do",
  "scenario": {"berth": 1, "name": "x", "cluster": {"instances": [{"type": "t3.small"}]}},
  "goals": [{"service": "web", "runing": 2}],
  "solution": []
}"#,
    )
    .unwrap();
    let p = path.display().to_string();
    let (code, out) = berth(&["lesson", "check", &p]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, EXIT_INVALID);
    assert!(out.stderr.contains(":4:32: error: goals[0].runing: unknown field \"runing\" in service goal; did you mean \"running\"?"), "{}", out.stderr);
}

/// The code block after `marker` in a Markdown file.
fn block_after(doc: &str, marker: &str) -> String {
    let start = doc.find(marker).unwrap_or_else(|| panic!("{marker} not found"));
    let rest = &doc[start..];
    let open = rest.find("```").unwrap();
    let body = &rest[open..];
    let body = &body[body.find('\n').unwrap() + 1..];
    body[..body.find("```").unwrap()].to_string()
}

#[test]
fn the_annotated_example_in_the_authoring_guide_is_the_real_lesson() {
    let doc = std::fs::read_to_string("docs/authoring.md").unwrap();
    let annotated = block_after(&doc, "## A complete example, annotated");
    let stripped: String = annotated.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
    let shown: serde_json::Value = serde_json::from_str(&stripped).unwrap_or_else(|e| panic!("{e}\n{stripped}"));
    let path = "lessons/05-self-healing/01-retire-instance.json";
    let real: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(shown, real, "docs/authoring.md's example differs from {path}");
    // And the output shown below it is what the command prints.
    let shown_output = block_after(&doc, "`berth lesson check lessons/05-self-healing/01-retire-instance.json` prints:");
    let (code, out) = berth(&["lesson", "check", path]);
    assert_eq!(code, EXIT_OK);
    assert_eq!(out.stdout, shown_output);
}

#[test]
fn the_example_in_the_cli_docs_is_the_real_output() {
    let doc = std::fs::read_to_string("docs/cli.md").unwrap();
    let shown = block_after(&doc, "## Checking lessons");
    let (code, out) = berth(&["lesson", "check", "lessons/02-clusters/01-add-capacity.json"]);
    assert_eq!(code, EXIT_OK);
    assert_eq!(out.stdout, shown);
}

/// Prose stays within the Markdown the page renders: headings, paragraphs, lists, fenced code,
/// inline code, bold, italic, links. No tables, images or HTML.
#[test]
fn prose_uses_simple_markdown() {
    let mut problems = Vec::new();
    for ch in std::fs::read_dir("lessons").unwrap().flatten().filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(ch.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_none_or(|x| x != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            if !text.starts_with("# ") {
                problems.push(format!("{}: should start with a # heading", p.display()));
            }
            let mut in_code = false;
            for (i, line) in text.lines().enumerate() {
                let t = line.trim_start();
                if t.starts_with("```") {
                    in_code = !in_code;
                    continue;
                }
                if in_code {
                    continue;
                }
                let bad = if t.starts_with('|') {
                    Some("a table")
                } else if t.contains("![") {
                    Some("an image")
                } else if t.contains("</") || t.contains("<br") || t.contains("<img") || t.contains("<div") {
                    Some("HTML")
                } else {
                    None
                };
                if let Some(what) = bad {
                    problems.push(format!("{}:{}: {what}", p.display(), i + 1));
                }
            }
            if in_code {
                problems.push(format!("{}: a code block is not closed", p.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn parse_errors(text: &str) -> Vec<String> {
    let files = |name: &str| Err(format!("no file {name}"));
    match berth::engine::lesson::parse_exercise(text, &files) {
        Ok(_) => Vec::new(),
        Err(diags) => diags.iter().filter(|d| d.is_error()).map(|d| d.render("x.json")).collect(),
    }
}

#[test]
fn mistakes_in_exercise_files_point_at_their_place() {
    // An error inside the inline scenario points into the exercise file.
    let text = r#"{
  "lesson": 1, "id": "t/x", "title": "x", "kind": "sandbox",
  "scenario": {
    "berth": 1, "name": "x",
    "cluster": {"instances": [{"type": "t3.huge"}]}
  }
}"#;
    let errs = parse_errors(text);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].starts_with("x.json:5:31: error: scenario.cluster.instances[0]"), "{errs:?}");
    assert!(errs[0].contains("unknown instance type \"t3.huge\""), "{errs:?}");

    let text = r#"{
  "lesson": 2, "id": "Bad Id", "title": "x", "kind": "quiz",
  "scenario": {"berth": 1, "name": "x", "cluster": {}},
  "disabledActions": ["terminate"],
  "limits": {"maxInstance": 3}
}"#;
    let errs = parse_errors(text);
    let want = [
        "x.json:2:13: error: lesson: this Berth reads lesson format 1; the file says 2",
        "x.json:2:22: error: id: id must be lowercase letters, digits, - and /, e.g. \"placement/binpack\"; found \"Bad Id\"",
        "x.json:2:54: error: kind: kind must be do, predict, fix or sandbox; found a string \"quiz\"",
        "x.json:4:23: error: disabledActions[0]: unknown action \"terminate\"",
        "x.json:5:14: error: limits.maxInstance: unknown field \"maxInstance\" in limits; did you mean \"maxInstances\"?",
    ];
    assert_eq!(errs.len(), want.len(), "{errs:#?}");
    for (e, w) in errs.iter().zip(want) {
        assert!(e.starts_with(w), "{e}\n  should start with\n{w}\n{errs:#?}");
    }

    let text = r#"{
  "lesson": 1, "id": "t/p", "title": "x", "kind": "predict",
  "scenario": {"berth": 1, "name": "x", "cluster": {}},
  "predict": {"question": "q", "explanation": "e", "answer": "three",
    "choices": [{"text": "one", "goal": {"instances": {"==": 1}}}, {"text": "two", "goal": {"instances": {"==": 2}}}]},
  "wrongSolutions": []
}"#;
    let errs = parse_errors(text);
    assert_eq!(
        errs,
        [
            "x.json:4:62: error: predict.answer: answer \"three\" is not the text of any choice (\"one\", \"two\")",
            "x.json:6:21: error: wrongSolutions: a predict exercise has no wrong solutions: its wrong choices play that part",
        ]
    );

    let errs = parse_errors(r#"{"lesson": 1, "id": "t/d", "title": "x", "kind": "do", "scenario": {"berth": 1, "name": "x", "cluster": {}}}"#);
    assert_eq!(
        errs,
        [
            "x.json:1:1: error: goals: a do exercise needs at least one goal",
            "x.json:1:1: error: solution: a do or fix exercise needs a reference solution (the actions that solve it), so it can be checked",
        ]
    );
}

#[test]
fn a_sandbox_needs_no_goals() {
    let files = |name: &str| Err(format!("no file {name}"));
    let text = r#"{"lesson": 1, "id": "t/s", "title": "Play", "kind": "sandbox",
      "scenario": {"berth": 1, "name": "x", "cluster": {"instances": [{"type": "t3.small"}]}},
      "solution": [{"action": "addInstances", "type": "t3.small"}, {"action": "runFor", "duration": "1m"}]}"#;
    let ex = berth::engine::lesson::parse_exercise(text, &files).unwrap();
    let report = check_exercise(&ex);
    assert!(report.passed(), "{}", report.render());
    assert_eq!(report.end, 60_000);
}

/// The page serves the course from the blob `build.rs` deflates into the `.wasm`
/// (`shell::course`): it holds exactly the files under `lessons/`, byte for byte.
#[test]
fn the_bundled_course_is_the_lessons_directory_byte_for_byte() {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("read lessons/").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "json" || x == "md") {
                let rel = p.strip_prefix("lessons").expect("under lessons/").to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).expect("UTF-8 lesson file")));
            }
        }
    }
    let mut on_disk = Vec::new();
    walk(Path::new("lessons"), &mut on_disk);
    on_disk.sort();
    let bundled = berth::shell::course::files();
    assert!(bundled.len() >= 100, "only {} files bundled", bundled.len());
    assert_eq!(bundled.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), on_disk.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>());
    assert!(bundled == on_disk.as_slice(), "a bundled file differs from its copy in lessons/");
    let index = &on_disk.iter().find(|(p, _)| p == "index.json").expect("index.json").1;
    assert_eq!(berth::shell::course::bundled("01-first-deploy/../index.json").as_ref(), Ok(index));
}

/// A learner who deploys a wrong but valid revision first (web:2, the sidecar essential too)
/// and then the fix (web:3) still solves "Add a sidecar": the goals follow the revision the
/// service runs, not a fixed "web:2". And the fix does not count before its tasks run.
#[test]
fn a_wrong_deploy_first_does_not_make_an_exercise_impossible() {
    use berth::engine::lesson::{action::parse_action_text, Session};
    use berth::engine::time::parse_duration;
    let ex = load_exercise("lessons/01-task-definitions/02-essential-containers.json").unwrap_or_else(|(_, e)| panic!("{e}"));
    let mut s = Session::for_exercise(&ex, None, ex.goals.clone());
    let deploy = |log_router_essential: bool| {
        let text = format!(
            r#"{{"family": "web", "containerDefinitions": [{{"name": "app", "image": "public.ecr.aws/docker/library/httpd:2.4", "essential": true, "cpu": 256, "memory": 512, "portMappings": [{{"containerPort": 80, "hostPort": 0}}]}}, {{"name": "log-router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4", "essential": {log_router_essential}, "cpu": 64, "memory": 128}}]}}"#
        );
        parse_action_text(&serde_json::json!({"action": "editTaskDefinition", "text": text}).to_string()).unwrap()
    };
    s.act(&deploy(true)).unwrap();
    s.run_until(parse_duration("2m").unwrap());
    assert!(!s.checker.all_met(), "web:2 makes the log router essential");
    s.act(&deploy(false)).unwrap();
    let st = s.checker.status();
    assert!(!st[0].ok, "web:3's tasks are not running yet: {}", st[0].message);
    assert!(st[2].ok, "{}", st[2].message);
    s.run_until(parse_duration("5m").unwrap());
    let st = s.checker.status();
    assert!(s.checker.all_met(), "{st:?}");
    assert_eq!(st[0].message, "web on revision ≥ 2 and 2 running tasks of web on the revision it points at: revision 3, current 2 at 00:05:00");
}

/// Deploying the starting editor text unchanged is checked for fix exercises only (docs/lessons.md,
/// "Kinds"): in a do exercise that text is the learner's material ("change the image and
/// deploy"), and any deploy of it may well meet the goals.
#[test]
fn only_a_fix_exercise_must_not_pass_by_deploying_the_starting_text() {
    let td = r#"{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27", "cpu": 256, "memory": 512}]}"#;
    let lesson = |kind: &str| {
        serde_json::json!({
            "lesson": 1, "id": "x/ship", "title": "Ship it", "kind": kind, "hints": ["Deploy."],
            "scenario": {"berth": 1, "name": "one", "cluster": {"instances": [{"type": "t3.medium", "az": "us-east-1a"}]},
                "taskDefinitions": [serde_json::from_str::<serde_json::Value>(td).unwrap()],
                "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1}]},
            "taskDefinitionEditor": td.replace("1.27", "1.28"),
            "goals": [{"service": "web", "revision": {">=": 2}, "current": 1}],
            "solution": [{"action": "runFor", "duration": "10s"}, {"action": "editTaskDefinition", "text": td.replace("1.27", "1.28")}]
        })
        .to_string()
    };
    let no_files = |p: &str| Err(format!("no file {p}"));
    let ex = berth::engine::lesson::parse_exercise(&lesson("do"), &no_files).unwrap();
    let r = check_exercise(&ex);
    assert!(r.passed(), "{}", r.render());
    assert_eq!(r.editor_goals, None);
    assert!(!r.render().contains("unchanged editor text"), "{}", r.render());
    let ex = berth::engine::lesson::parse_exercise(&lesson("fix"), &no_files).unwrap();
    let r = check_exercise(&ex);
    assert_eq!(r.defects, vec!["deploying the starting editor text unchanged already meets every goal".to_string()]);
    assert!(r.render().contains("  unchanged editor text deployed: meets every goal\n"), "{}", r.render());
}
