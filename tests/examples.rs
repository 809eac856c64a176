//! The sandbox's scenario picker (src/shell/examples.rs): every example scenario under
//! docs/examples/scenarios/ is bundled, listed by name, and opens as the same cluster and
//! timeline as the scenario file read from disk.

use std::collections::BTreeMap;
use std::path::Path;

use berth::engine::history::History;
use berth::engine::scenario::parse_scenario;
use berth::shell::examples::{list, scene};
use berth::shell::share::{decode_link, encode_link, MAX_LINK_BYTES};

const DIR: &str = "docs/examples/scenarios";

fn read(name: &str) -> Result<String, String> {
    std::fs::read_to_string(Path::new(DIR).join(name)).map_err(|e| format!("{name}: {e}"))
}

fn snapshot_at(h: &mut History, t: u64) -> String {
    h.advance_to(t);
    serde_json::to_string(&h.engine().snapshot()).expect("snapshot serialises")
}

#[test]
fn every_scenario_file_on_disk_is_in_the_picker_with_its_name() {
    let mut on_disk: Vec<String> = std::fs::read_dir(DIR)
        .expect("examples folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".report.json"))
        .collect();
    on_disk.sort();
    let listed = list();
    let mut files: Vec<String> = listed.iter().map(|e| e.file.clone()).collect();
    files.sort();
    assert_eq!(files, on_disk);
    let first = &listed[0];
    assert_eq!(first.file, "first-page.json");
    assert_eq!(first.name, "Six web tasks across three AZs");
    assert!(first.description.starts_with("Two m5.large instances in each of three Availability Zones"), "{}", first.description);
    let last = listed.last().expect("examples");
    assert_eq!(last.name, "Kubernetes: HPA and Cluster Autoscaler under a traffic spike");
}

/// The picker's tooltip and the opened notice say what an example shows: every example has a
/// description, and it names the cluster the file builds (the failures example once claimed
/// four instances while building six).
#[test]
fn every_example_says_what_it_shows() {
    for e in list() {
        assert!(e.description.len() > 60, "{}: a description of what it shows, not {:?}", e.file, e.description);
    }
    let failures = list().into_iter().find(|e| e.file == "failures.json").expect("failures example");
    let opened = scene("failures.json").expect("opens");
    let instances = opened.scenario.matches("\"m5.large\"").count();
    assert_eq!(instances, 1, "one instance group of m5.large");
    assert!(opened.scenario.contains("\"count\": 6"), "six instances");
    assert!(failures.description.starts_with("Six web tasks on six m5.large instances"), "{}", failures.description);
}

#[test]
fn each_example_opens_as_the_file_on_disk_would_run() {
    for e in list() {
        let opened = scene(&e.file).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let disk = read(&e.file).expect("scenario file");
        assert_eq!(opened.scenario, disk, "{}: scenario text", e.file);
        for (name, body) in &opened.files {
            assert_eq!(Some(body.clone()), read(name).ok(), "{}: bundled {name}", e.file);
        }
        let scenario = parse_scenario(&disk, &read).unwrap_or_else(|d| panic!("{}: {d:?}", e.file));
        assert_eq!(opened.seed, scenario.seed, "{}: seed", e.file);
        let (_, mut from_scene) = opened.open().unwrap_or_else(|err| panic!("{}: {err}", e.file));
        let mut from_disk = History::new(scenario.start(None));
        for t in [0, 90_000, 600_000] {
            assert_eq!(snapshot_at(&mut from_scene, t), snapshot_at(&mut from_disk, t), "{} at {t} ms", e.file);
        }
        // It travels as a share link too.
        let link = encode_link(&opened).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert!(link.len() < MAX_LINK_BYTES, "{}: {} bytes", e.file, link.len());
        assert_eq!(decode_link(&link).as_ref(), Ok(&opened), "{}", e.file);
    }
}

#[test]
fn the_editor_starts_with_the_first_task_definition_or_manifest() {
    let first = scene("first-page.json").expect("first page");
    assert_eq!(first.editor, read("taskdefs/web.json").expect("web.json"));
    assert_eq!(first.files.keys().cloned().collect::<Vec<_>>(), vec!["taskdefs/web.json".to_string()]);
    let rolling = scene("rolling-50-100.json").expect("rolling");
    assert_eq!(
        rolling.files.keys().cloned().collect::<Vec<_>>(),
        vec!["taskdefs/web-v2.json".to_string(), "taskdefs/web.json".to_string()],
        "the v2 file its timeline registers is included"
    );
    let lab = scene("autoscaling-lab.json").expect("lab");
    assert!(lab.editor.contains("\"family\""), "inline task definition shown: {}", lab.editor);
    assert!(lab.files.is_empty());
    let k8s = scene("k8s-deployment.json").expect("k8s");
    // A Kubernetes example: its first manifest, the YAML Deploy applies.
    assert_eq!(k8s.editor, read("k8s/web.yaml").expect("yaml"));
    assert_eq!(k8s.files, BTreeMap::from([("k8s/web.yaml".to_string(), read("k8s/web.yaml").expect("yaml"))]));
}

#[test]
fn an_untouched_example_is_recognised_and_named_in_the_notice() {
    use berth::shell::examples::{matching, opened_notice};
    let lab = scene("autoscaling-lab.json").expect("lab");
    assert_eq!(matching(&lab).map(|e| e.name), Some("Lab: target tracking on CPU and memory behind an ALB".to_string()));
    // Through a link and back it is still the example.
    let back = decode_link(&encode_link(&lab).expect("encodes")).expect("decodes");
    assert_eq!(matching(&back).map(|e| e.file), Some("autoscaling-lab.json".to_string()));
    // Edited or acted on, it is a shared scene like any other.
    let mut edited = lab.clone();
    edited.editor.push(' ');
    assert_eq!(matching(&edited), None);
    let mut reseeded = lab.clone();
    reseeded.seed += 1;
    assert_eq!(matching(&reseeded), None);
    let (_, mut h) = lab.open().expect("opens");
    h.advance_to(1_000);
    h.input(berth::engine::history::Input::Command(berth::engine::sim::Command::TerminateInstance { instance: "i-01".into() }));
    let mut acted = lab.clone();
    acted.journal = h.journal().to_vec();
    assert_eq!(matching(&acted), None);
    assert_eq!(opened_notice("Canary release with automatic rollback", true), "Opened the example \u{201c}Canary release with automatic rollback\u{201d}. Your own session was kept aside.");
    assert_eq!(opened_notice("x", false), "Opened the example \u{201c}x\u{201d}.");
}

/// Opening an example says what it shows and what its timeline will do, so a learner does not
/// watch a steady cluster for a minute wondering what to look at.
#[test]
fn the_opened_notice_tells_what_the_example_will_do_and_when() {
    use berth::shell::script::example_notice;
    let open = |file: &str| {
        let s = scene(file).expect("example");
        let (scenario, _) = s.open().expect("opens");
        let e = list().into_iter().find(|e| e.file == file).expect("listed");
        (e, scenario)
    };
    let (e, s) = open("rolling-50-100.json");
    assert_eq!(
        example_notice(&e.name, &e.description, &s.timeline, false),
        format!("Opened the example \u{201c}{}\u{201d}. Four web tasks move from web:1 to web:2 without ever running more than four: stop 2, start 2, stop 2, start 2. Scripted: at 00:01:00 register the next revision of web and update service web to web:2.", e.name)
    );
    // Kept aside goes last; an example without a timeline has no "Scripted".
    let (e, s) = open("binpack.json");
    let text = example_notice(&e.name, &e.description, &s.timeline, true);
    assert!(s.timeline.is_empty(), "binpack has no timeline");
    assert!(!text.contains("Scripted"), "{text}");
    assert!(text.ends_with(" Your own session was kept aside."), "{text}");
    assert!(text.contains(e.description.trim()), "{text}");
}

#[test]
fn scripted_commands_read_as_actions() {
    use berth::engine::sim::Command;
    use berth::shell::script::{command_words, timeline_words};
    assert_eq!(command_words(&Command::TerminateInstance { instance: "i-03".into() }), "terminate i-03");
    assert_eq!(command_words(&Command::AzOutage { az: "us-east-1a".into() }), "take zone us-east-1a down");
    assert_eq!(command_words(&Command::Kubectl { args: " scale deployment/web --replicas=5 ".into(), manifest: None }), "kubectl scale deployment/web --replicas=5");
    let t = |ms, c| (ms, String::new(), c);
    let timeline = vec![
        t(60_000, Command::DrainInstance { instance: "i-01".into() }),
        t(60_000, Command::SpotInterruption { instance: Some("i-02".into()), task: None }),
        t(180_000, Command::AzRecover { az: "us-east-1b".into() }),
    ];
    assert_eq!(timeline_words(&timeline).as_deref(), Some("at 00:01:00 drain i-01 and Spot interruption of i-02; at 00:03:00 recover zone us-east-1b"));
    assert_eq!(timeline_words(&[]), None);
    // Long scripts are cut after six moments.
    let many: Vec<_> = (1..=8).map(|m| t(m * 60_000, Command::TerminateInstance { instance: format!("i-0{m}") })).collect();
    assert!(timeline_words(&many).is_some_and(|w| w.ends_with("; at 00:06:00 terminate i-06; 2 more")));
}

/// An example opens with a task definition the editor has nothing to say about: a warning on
/// first sight would teach the learner to ignore warnings.
#[test]
fn every_example_opens_with_a_clean_task_definition() {
    use berth::engine::taskdef::parse_task_definition;
    for e in list() {
        let s = scene(&e.file).expect("example");
        if s.editor.trim_start().starts_with('{') {
            let parsed = parse_task_definition(&s.editor);
            let said: Vec<String> = parsed.diagnostics.iter().map(|d| format!("{d:?}")).collect();
            assert!(said.is_empty(), "{}: {said:?}", e.file);
        }
    }
}

/// The rolling example registers web:2 at 00:01:00 from its timeline: from then on the page can
/// tell that the editor (opened with web:1's file) holds an older revision, and offer web:2.
#[test]
fn a_revision_registered_by_the_timeline_is_newer_than_the_editor() {
    use berth::shell::revisions::{family_of, latest_revision, newer_than};
    let s = scene("rolling-50-100.json").expect("example");
    assert_eq!(family_of(&s.editor).as_deref(), Some("web"));
    assert_eq!(family_of("{\"family\": 3}"), None);
    assert_eq!(family_of("not json"), None);
    let (_, mut h) = s.open().expect("opens");
    let base = latest_revision(h.engine(), "web");
    assert_eq!(base, 1);
    assert_eq!(newer_than(h.engine(), "web", base), None);
    h.advance_to(61_000);
    let (name, text) = newer_than(h.engine(), "web", base).expect("web:2 registered at 1m");
    assert_eq!(name, "web:2");
    assert_eq!(family_of(&text).as_deref(), Some("web"));
    assert!(text.contains("nginx:1.28") && !text.contains("nginx:1.27"), "web-v2.json's image: {text}");
    assert!(berth::engine::taskdef::parse_task_definition(&text).task_definition.is_some(), "the offered text deploys as it is");
    assert_eq!(newer_than(h.engine(), "web", 2), None);
}
