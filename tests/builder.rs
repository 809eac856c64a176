//! The lesson builder (src/shell/builder.rs): a sandbox session recorded as a lesson replays
//! exactly, its suggested goals read the cluster, and files and links read back with messages.

use std::collections::BTreeMap;

use berth::engine::history::{History, Input};
use berth::engine::lesson::run::Session;
use berth::engine::sim::Command;
use berth::engine::time::parse_duration;
use berth::shell::builder::{
    action_groups, check, decode_lesson_link, duration_text, encode_lesson_link, goal_from_text, is_kube_scenario, lesson_text, lesson_value, manifest_objects,
    open_lesson, parse_draft, rank_suggestions, start_recording, step_text, stop_recording, suggest_goals, to_saved, Draft, SuggestionNote, KUBECTL_COMMANDS,
};
use berth::shell::share::Scene;
use serde_json::json;

const SCENARIO: &str = include_str!("../docs/examples/scenarios/first-page.json");
const WEB: &str = include_str!("../docs/examples/scenarios/taskdefs/web.json");

fn base() -> Scene {
    let files: BTreeMap<String, String> = [("taskdefs/web.json".to_string(), WEB.to_string())].into();
    Scene::new(SCENARIO, files, 7, WEB)
}

fn history(scene: &Scene) -> History {
    let (_, h) = scene.open().expect("the sample opens");
    h
}

fn scene_of(base: &Scene, h: &History) -> Scene {
    Scene { journal: h.journal().to_vec(), time: h.now(), furthest: h.furthest(), ..base.clone() }
}

fn update(desired: u32) -> Input {
    Input::Command(serde_json::from_value::<Command>(json!({"action": "updateService", "service": "web", "desiredCount": desired})).unwrap())
}

/// The v2 of the sample's task definition: more memory.
fn v2() -> String {
    WEB.replacen("\"memory\": 512", "\"memory\": 768", 1)
}

/// A sandbox session: terminate an instance before recording; record scaling to 9 and a deploy.
fn recorded_draft() -> (Draft, History, String, String) {
    let b = base();
    let mut h = history(&b);
    h.advance_to(60_000);
    h.input(Input::Command(serde_json::from_value(json!({"action": "terminateInstance", "instance": "i-01"})).unwrap()));
    h.advance_to(90_000);
    let mut d = Draft { title: "Scale and ship".into(), id: "my-lessons/scale-and-ship".into(), ..Draft::default() };
    start_recording(&mut d, &scene_of(&b, &h)).unwrap();
    let at_start = h.engine().log_hash();
    h.advance_to(120_000);
    h.input(update(9));
    h.advance_to(150_500);
    h.input(Input::Deploy(v2()));
    h.advance_to(600_000);
    stop_recording(&mut d, &scene_of(&b, &h)).unwrap();
    let at_end = h.engine().log_hash();
    (d, h, at_start, at_end)
}

#[test]
fn durations_are_written_as_the_lesson_format_reads_them() {
    assert_eq!(duration_text(0), "0s");
    assert_eq!(duration_text(90_000), "1m30s");
    assert_eq!(duration_text(3_723_450), "1h2m3s450ms");
    for ms in [1, 999, 60_000, 3_600_001, 86_400_000] {
        assert_eq!(parse_duration(&duration_text(ms)), Ok(ms));
    }
}

#[test]
fn a_recording_becomes_setup_and_solution_with_the_times_and_the_deploy_target() {
    let (d, _, _, _) = recorded_draft();
    let rec = d.recorded.as_ref().unwrap();
    assert!(d.recording.is_none(), "stopping ends the recording");
    assert_eq!((rec.start, rec.end), (90_000, 600_000));
    assert_eq!(
        rec.setup,
        vec![
            json!({"action": "runUntil", "at": "1m"}),
            json!({"action": "terminateInstance", "instance": "i-01"}),
            json!({"action": "runUntil", "at": "1m30s"}),
        ]
    );
    assert_eq!(rec.solution.len(), 5);
    assert_eq!(rec.solution[0], json!({"action": "runUntil", "at": "2m"}));
    assert_eq!(rec.solution[1]["action"], "updateService");
    assert_eq!(rec.solution[1]["desiredCount"], 9);
    assert_eq!(rec.solution[2], json!({"action": "runUntil", "at": "2m30s500ms"}));
    assert_eq!(rec.solution[3], json!({"action": "editTaskDefinition", "text": v2(), "service": "web"}));
    assert_eq!(rec.solution[4], json!({"action": "runUntil", "at": "10m"}));
    // The scenario is self-contained: the task definition file is inlined, the seed is the sandbox's.
    assert_eq!(rec.scenario["taskDefinitions"][0]["family"], "web");
    assert_eq!(rec.scenario["seed"], 7);
}

#[test]
fn the_lesson_replays_exactly_what_the_sandbox_showed() {
    let (mut d, _, at_start, at_end) = recorded_draft();
    d.goals.push(json!({"service": "web", "running": 9}));
    let text = lesson_text(&d).unwrap();
    let ex = open_lesson(&text, "lesson.json").unwrap();
    // After the setup the learner sees the sandbox as it was when recording started...
    let mut s = Session::for_exercise(&ex, None, ex.goals.clone());
    assert_eq!(s.now(), 90_000);
    assert_eq!(s.engine.log_hash(), at_start);
    // ...and the reference solution ends where the author stopped, event for event.
    for a in &ex.solution {
        s.act(a).unwrap();
    }
    assert_eq!(s.now(), 600_000);
    assert_eq!(s.engine.log_hash(), at_end);
}

#[test]
fn suggested_goals_read_the_cluster_and_a_good_pick_passes_the_check() {
    let (mut d, h, _, _) = recorded_draft();
    let suggestions = suggest_goals(h.engine(), 90_000);
    let labels: Vec<&str> = suggestions.iter().map(|s| s.label.as_str()).collect();
    let find = |goal: serde_json::Value| suggestions.iter().find(|s| s.goal == goal).unwrap_or_else(|| panic!("{goal} not in {labels:#?}")).clone();
    let running = find(json!({"service": "web", "running": 9}));
    // Deployed while recording: the learner's own revision, not a fixed "web:2".
    let revision = find(json!({"service": "web", "revision": {">=": 2}, "current": 9}));
    assert!(!suggestions.iter().any(|s| s.goal.get("taskDefinition").is_some()), "{labels:#?}");
    find(json!({"maxTasksPerAz": {"service": "web", "max": 3}}));
    find(json!({"instances": {"<=": 5}}));
    // Its deployment completing, for whichever revision the learner's deploy registers.
    find(json!({"all": [{"event": {"type": "deploymentCompleted", "service": "web"}}, {"service": "web", "revision": {">=": 2}}]}));
    // The termination happened before the recording: not offered.
    assert!(!suggestions.iter().any(|s| s.goal["event"]["type"] == "instanceTerminated"), "{labels:#?}");
    assert!(running.label.contains("web") && running.label.contains('9'), "{}", running.label);

    d.goals = vec![running.goal, revision.goal];
    d.hints = vec!["Scale first.".into(), "Then deploy the new memory size.".into()];
    let c = check(&d).unwrap();
    assert!(c.ready(), "{}", c.text());
    assert!(c.text().starts_with("✓ Ready"), "{}", c.text());
}

#[test]
fn a_goal_already_true_at_the_start_is_reported_by_the_check() {
    let (mut d, _, _, _) = recorded_draft();
    // Five instances remain after the setup terminated one: true before the learner does anything.
    d.goals = vec![json!({"instances": {"<=": 5}})];
    let c = check(&d).unwrap();
    assert!(!c.ready());
    assert!(c.text().starts_with("✗ Not ready yet: the start state already meets every goal"), "{}", c.text());
}

#[test]
fn stopping_refuses_a_sandbox_that_changed_under_the_recording() {
    let b = base();
    let mut h = history(&b);
    h.advance_to(30_000);
    let mut d = Draft::default();
    assert_eq!(stop_recording(&mut d, &scene_of(&b, &h)).unwrap_err(), "nothing is being recorded: press Start recording first");
    start_recording(&mut d, &scene_of(&b, &h)).unwrap();
    // Another seed: the sandbox was reset.
    let other = Scene { seed: 8, ..scene_of(&b, &h) };
    assert!(stop_recording(&mut d, &other).unwrap_err().contains("another scenario or seed"));
    // The timeline moved back before the start.
    let mut back = scene_of(&b, &h);
    back.time = 10_000;
    assert_eq!(
        stop_recording(&mut d, &back).unwrap_err(),
        "the clock shows 00:00:10, before the recording started at 00:00:30: move the timeline to the end of what you recorded, then stop"
    );
    // History before the start was rewritten.
    let mut rewritten = scene_of(&b, &h);
    rewritten.journal.insert(0, berth::engine::history::Entry { t: 5_000, input: update(3) });
    rewritten.time = 40_000;
    rewritten.furthest = 40_000;
    let mut d2 = d.clone();
    d2.recording.as_mut().unwrap().journal.push(berth::engine::history::Entry { t: 1_000, input: update(4) });
    assert!(stop_recording(&mut d2, &rewritten).unwrap_err().contains("the history before 00:00:30 was changed"));
    assert!(d.recording.is_some(), "a refused stop keeps recording");
}

#[test]
fn a_lesson_needs_a_recording_first() {
    assert_eq!(
        lesson_text(&Draft::default()).unwrap_err(),
        "record the reference solution first: press Start recording, do what the learner should do, then Stop recording"
    );
}

#[test]
fn lesson_links_round_trip_and_damaged_ones_say_why() {
    let (mut d, _, _, _) = recorded_draft();
    d.goals = vec![json!({"service": "web", "running": 9})];
    d.prose = "# Scale and ship\n\nScale **web** to 9, then deploy v2.".into();
    let text = lesson_text(&d).unwrap();
    let link = encode_lesson_link(&text).unwrap();
    assert_eq!(decode_lesson_link(&link).unwrap(), text);
    let ex = open_lesson(&decode_lesson_link(&link).unwrap(), "link").unwrap();
    assert_eq!(ex.title, "Scale and ship");
    assert!(ex.prose.starts_with("# Scale and ship"));
    assert_eq!(decode_lesson_link("").unwrap_err(), "it is empty after \"lesson=\" (it was probably cut off)");
    assert!(decode_lesson_link("ab*c").unwrap_err().contains("character '*' at position 3"));
    assert!(decode_lesson_link(&link[..link.len() / 2]).unwrap_err().contains("damaged"));
}

#[test]
fn a_lesson_from_a_file_must_stand_alone_and_errors_have_positions() {
    let (d, _, _, _) = recorded_draft();
    let mut v: serde_json::Value = serde_json::from_str(&lesson_text(&Draft { goals: vec![json!({"service": "web", "running": 9})], prose: "Scale web.".into(), ..d }).unwrap()).unwrap();
    v["prose"] = json!("intro.md");
    let e = open_lesson(&serde_json::to_string_pretty(&v).unwrap(), "mine.json").unwrap_err();
    assert!(e.contains("give the prose once"), "{e}");
    v.as_object_mut().unwrap().remove("proseMarkdown");
    let e = open_lesson(&serde_json::to_string_pretty(&v).unwrap(), "mine.json").unwrap_err();
    assert!(e.starts_with("mine.json:"), "{e}");
    assert!(e.contains("must be one file") && e.contains("proseMarkdown"), "{e}");
    let e = open_lesson("{\"lesson\": 1,\n \"id\": 5}", "x.json").unwrap_err();
    assert!(e.contains("x.json:2:"), "{e}");
    let big = " ".repeat(1024 * 1024 + 1);
    assert_eq!(open_lesson(&big, "big.json").unwrap_err(), "big.json is 1025 KiB; a lesson file can be at most 1024 KiB");
}

#[test]
fn typed_goals_are_checked_with_line_and_column() {
    assert_eq!(goal_from_text("{\"service\": \"web\", \"running\": 6}").unwrap(), json!({"service": "web", "running": 6}));
    let e = goal_from_text("{\"service\": \"web\",\n \"runing\": 6}").unwrap_err();
    assert!(e.starts_with("goal:2:"), "{e}");
    assert!(e.contains("running"), "{e}");
    assert!(goal_from_text("  ").unwrap_err().starts_with("write a goal first"));
}

#[test]
fn drafts_are_stored_with_a_version() {
    let (d, _, _, _) = recorded_draft();
    assert_eq!(parse_draft(&to_saved(&d)).unwrap(), d);
    assert_eq!(parse_draft("{\"v\": 2}").unwrap_err(), "it uses format version 2; this Berth reads version 1");
    assert!(parse_draft("[").unwrap_err().starts_with("it is not valid JSON"));
    assert_eq!(parse_draft("{}").unwrap_err(), "it has no format version (\"v\")");
}

#[test]
fn setup_must_be_a_list_of_actions_and_says_where() {
    let (d, _, _, _) = recorded_draft();
    let mut v: serde_json::Value = serde_json::from_str(&lesson_text(&Draft { goals: vec![json!({"service": "web", "running": 9})], ..d }).unwrap()).unwrap();
    v["setup"] = json!(5);
    let text = serde_json::to_string_pretty(&v).unwrap();
    let line = text.lines().position(|l| l.contains("\"setup\": 5")).unwrap() + 1;
    let e = open_lesson(&text, "mine.json").unwrap_err();
    assert!(e.starts_with(&format!("mine.json:{line}:")), "{e}");
    assert!(e.contains("setup is a list of actions; found a number"), "{e}");
    v["setup"] = json!([{"action": "terminateInstanse", "instance": "i-01"}]);
    let e = open_lesson(&serde_json::to_string_pretty(&v).unwrap(), "mine.json").unwrap_err();
    assert!(e.contains("setup[0].action") && e.contains("did you mean \"terminateInstance\"?"), "{e}");
}

#[test]
fn a_manifest_deploy_is_recorded_as_kubectl_apply_and_replays() {
    // In a Kubernetes scenario the editor deploys YAML: the lesson step is what kubectl apply
    // does, and the reference solution ends where the sandbox did.
    let b = berth::shell::examples::scene("k8s-deployment.json").expect("the example");
    let (_, mut h) = b.open().expect("it opens");
    h.advance_to(30_000);
    let mut d = Draft { title: "More replicas".into(), id: "my-lessons/more-replicas".into(), ..Draft::default() };
    start_recording(&mut d, &scene_of(&b, &h)).unwrap();
    let nine = b.editor.replacen("replicas: 6", "replicas: 9", 1);
    h.advance_to(60_000);
    h.input(Input::Deploy(nine.clone()));
    h.advance_to(180_000);
    stop_recording(&mut d, &scene_of(&b, &h)).unwrap();
    let at_end = h.engine().log_hash();
    let rec = d.recorded.as_ref().unwrap();
    assert_eq!(rec.solution[1], json!({"action": "kubectl", "args": "apply", "manifest": nine}));
    // The manifest file travels inside the lesson as its YAML text.
    assert_eq!(rec.scenario["kubernetes"]["manifests"][0], json!(b.editor));
    d.goals.push(json!({"deployment": "web", "ready": 9}));
    let text = lesson_text(&d).unwrap();
    let ex = open_lesson(&text, "lesson.json").unwrap();
    let mut s = Session::for_exercise(&ex, None, ex.goals.clone());
    for a in &ex.solution {
        s.act(a).unwrap();
    }
    assert_eq!(s.engine.log_hash(), at_end);
}

/// Records, from 00:00:30, what `input` does at 00:01:00, then runs to `end`.
fn record(title: &str, input: Input, end: u64) -> (Draft, History) {
    let b = base();
    let mut h = history(&b);
    h.advance_to(30_000);
    let mut d = Draft { title: title.into(), id: "my-lessons/recorded".into(), hints: vec!["Look at the cluster.".into()], ..Draft::default() };
    start_recording(&mut d, &scene_of(&b, &h)).unwrap();
    h.advance_to(60_000);
    h.input(input);
    h.advance_to(end);
    stop_recording(&mut d, &scene_of(&b, &h)).unwrap();
    (d, h)
}

#[test]
fn a_do_exercise_that_changes_the_image_and_deploys_passes_with_every_suggested_goal() {
    // The author's steps: record, change the image in the editor, Deploy, run, stop, make every
    // suggested goal, check. The unchanged-editor check is for fix exercises only.
    let new_image = WEB.replacen("nginx:1.27", "nginx:1.28", 1);
    let (mut d, h) = record("Ship nginx 1.28", Input::Deploy(new_image), 600_000);
    let rec = d.recorded.as_ref().unwrap();
    assert_eq!(step_text(&rec.solution[1]).line, "deploy the editor's task definition to web (image public.ecr.aws/nginx/nginx:1.28)");
    let suggestions = rank_suggestions(&d, suggest_goals(h.engine(), rec.start));
    let labels: Vec<String> = suggestions.iter().map(|s| format!("{} {:?}", s.label, s.note)).collect();
    // The goals that need the deploy come first, unmarked; those true before it are marked.
    let first = &suggestions[0];
    assert_eq!(first.goal, json!({"service": "web", "revision": {">=": 2}, "current": 6}), "{labels:#?}");
    assert_eq!(first.note, None);
    let at_start = suggestions.iter().find(|s| s.goal == json!({"unplaced": {"service": "web", "==": 0}})).unwrap();
    assert_eq!(at_start.note, Some(SuggestionNote::HoldsAtStart), "{labels:#?}");
    d.goals = suggestions.iter().map(|s| s.goal.clone()).collect();
    let c = check(&d).unwrap();
    assert!(c.ready(), "{}", c.text());
    assert!(c.report.editor_goals.is_none(), "a do exercise does not deploy the starting text unchanged");
    // The image goal tells the change apart from pressing Deploy on the unchanged text.
    assert!(suggestions.iter().any(|s| s.goal == json!({"taskDefinition": {"service": "web", "image": "public.ecr.aws/nginx/nginx:1.28"}})), "{labels:#?}");
    assert!(!c.text().contains("⚠ taskDefinitionEditor"), "{}", c.text());
    // So the same lesson also works as a fix exercise: its start does not pass by pressing Deploy.
    d.kind = "fix".into();
    let c = check(&d).unwrap();
    assert!(c.ready(), "{}", c.text());
    // Without the image goal, a bare Deploy meets every goal: the builder warns (do) or refuses (fix).
    d.goals.retain(|g| g.get("taskDefinition").is_none());
    let c = check(&d).unwrap();
    assert!(!c.ready());
    assert!(c.text().starts_with("✗ Not ready yet: deploying the starting editor text unchanged already meets every goal"), "{}", c.text());
    d.kind = "do".into();
    let c = check(&d).unwrap();
    assert!(c.ready(), "{}", c.text());
    assert!(c.text().contains("⚠ taskDefinitionEditor: deploying the starting editor text unchanged also meets every goal"), "{}", c.text());
}

#[test]
fn a_recorded_drain_is_suggested_as_an_event_goal_and_passes() {
    let drain = Input::Command(serde_json::from_value(json!({"action": "drainInstance", "instance": "i-01"})).unwrap());
    let (mut d, h) = record("Drain i-01", drain, 300_000);
    let suggestions = rank_suggestions(&d, suggest_goals(h.engine(), d.recorded.as_ref().unwrap().start));
    let labels: Vec<String> = suggestions.iter().map(|s| format!("{} {:?}", s.label, s.note)).collect();
    let drained = json!({"event": {"type": "instanceDraining", "instance": "i-01"}});
    // The only suggestion the start state does not meet, so it comes first.
    assert_eq!(suggestions[0].goal, drained, "{labels:#?}");
    assert_eq!(suggestions[0].note, None);
    assert!(suggestions[1..].iter().all(|s| s.note.is_some()), "{labels:#?}");
    // Every suggestion made a goal, as the author did: now the check passes.
    d.goals = suggestions.iter().map(|s| s.goal.clone()).collect();
    let c = check(&d).unwrap();
    assert!(c.ready(), "{}", c.text());
}

#[test]
fn every_action_the_lesson_format_accepts_can_be_disabled() {
    let all: Vec<&str> = action_groups(false).into_iter().flat_map(|(_, n)| n).collect();
    for name in ["drainInstance", "spotInterruption", "azOutage", "azRecover", "kubectl", "editTaskDefinition", "setDesiredCapacity", "putAutoScaling"] {
        assert!(all.contains(&name), "{name} missing from {all:?}");
    }
    for name in &all {
        assert!(berth::engine::lesson::action::is_action_name(name), "{name} is not an action name");
    }
    assert_eq!(all.len(), 20);
    // Kubernetes first in a Kubernetes scenario.
    assert_eq!(action_groups(true)[0], ("Kubernetes", vec!["kubectl"]));
    assert_eq!(action_groups(false)[0].0, "ECS");
}

#[test]
fn limits_are_validated_and_written_into_the_file() {
    let (mut d, _, _, _) = recorded_draft();
    d.goals = vec![json!({"service": "web", "running": 9})];
    d.disabled_actions = vec!["drainInstance".into(), "azOutage".into()];
    d.max_instances = Some(6);
    d.max_desired_count = Some(10);
    d.instance_types = "t3.small,  t3.medium t3.small".into();
    d.kubectl = vec!["scale".into(), "apply".into()];
    let v = lesson_value(&d).unwrap();
    assert_eq!(v["limits"], json!({"maxInstances": 6, "maxDesiredCount": 10, "instanceTypes": ["t3.small", "t3.medium"], "kubectl": ["apply", "scale"]}));
    let ex = open_lesson(&lesson_text(&d).unwrap(), "lesson.json").unwrap();
    assert_eq!(ex.rules.limits.max_desired_count, Some(10));
    assert_eq!(ex.rules.disabled, vec!["drainInstance".to_string(), "azOutage".to_string()]);
    // The reference scales to 9: within a limit of 10, refused by one of 8.
    assert!(check(&d).unwrap().ready());
    d.max_desired_count = Some(8);
    assert!(check(&d).unwrap().text().contains("this exercise allows a desired count of at most 8; asked for 9"));
    d.instance_types = "t3.smal".into();
    let e = lesson_value(&d).unwrap_err();
    assert!(e.starts_with("Instance types the learner may add: unknown instance type \"t3.smal\"; known types: t3."), "{e}");
    d.instance_types = String::new();
    d.kubectl = vec!["exec".into()];
    assert!(lesson_value(&d).unwrap_err().starts_with("kubectl commands the learner may use: \"exec\" is not one of apply"));
    assert!(KUBECTL_COMMANDS.contains(&"set image") && KUBECTL_COMMANDS.contains(&"scale nodegroup"));
}

#[test]
fn an_empty_title_is_not_ready_and_the_clis_warnings_are_shown() {
    let (mut d, _, _, _) = recorded_draft();
    d.goals = vec![json!({"service": "web", "running": 9})];
    d.title = "  ".into();
    d.hints = Vec::new();
    let c = check(&d).unwrap();
    assert!(c.report.passed(), "the check itself passes");
    assert!(!c.ready());
    assert!(c.text().starts_with("✗ Not ready yet: the title is empty: write one in Title (3. Words and rules)\n⚠ hints: no hints: a stuck learner gets no help\n"), "{}", c.text());
    d.title = "Scale and ship".into();
    let c = check(&d).unwrap();
    assert!(c.ready());
    assert!(c.text().starts_with("✓ Ready: the reference solution meets every goal and the start state alone does not.\n⚠ hints: no hints"), "{}", c.text());
}

#[test]
fn a_recorded_kubectl_apply_is_listed_by_its_objects_with_the_yaml_on_demand() {
    let b = berth::shell::examples::scene("k8s-deployment.json").expect("the example");
    assert!(is_kube_scenario(&b.scenario));
    assert!(!is_kube_scenario(SCENARIO));
    let a = json!({"action": "kubectl", "args": "apply", "manifest": b.editor});
    let t = step_text(&a);
    let lines = b.editor.lines().count();
    let objects = manifest_objects(&b.editor);
    assert!(objects.contains(&"Deployment web".to_string()), "{objects:?}");
    assert_eq!(t.line, format!("kubectl apply -f - ({}, {lines} lines)", objects.join(", ")));
    assert_eq!(t.detail.as_deref(), Some(b.editor.as_str()));
    assert_eq!(manifest_objects("apiVersion: v1\nkind: Service\nmetadata:\n  name: \"web\"\n  labels:\n    name: x\n---\nkind: Deployment\nmetadata:\n  namespace: a\n  name: api\n"), vec!["Service web", "Deployment api"]);
    assert_eq!(step_text(&json!({"action": "kubectl", "args": "scale deployment/web --replicas=5"})).line, "kubectl scale deployment/web --replicas=5");
    assert_eq!(step_text(&json!({"action": "runUntil", "at": "2m"})).line, "run until 00:02:00");
}
