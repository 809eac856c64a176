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
