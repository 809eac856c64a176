//! The sandbox's editor in a Kubernetes scenario (engine::history::deploy): the text is a
//! manifest, Deploy applies it as `kubectl apply -f -`, a broken one is refused with line:col and
//! nothing happens, and the journal replays it like any other deploy.

use berth::engine::history::{is_manifest, straight_run, History, Input, Outcome};
use berth::shell::examples::scene;

const MIN: u64 = 60_000;

fn opened(file: &str) -> (berth::shell::share::Scene, History) {
    let sc = scene(file).unwrap_or_else(|e| panic!("{e}"));
    let files = sc.files.clone();
    let scenario = berth::engine::scenario::parse_scenario(&sc.scenario, &|n: &str| files.get(n).cloned().ok_or_else(|| format!("{n} missing"))).unwrap_or_else(|d| panic!("{d:?}"));
    let h = History::new(scenario.start(Some(sc.seed)));
    (sc, h)
}

#[test]
fn a_kubernetes_example_opens_with_its_manifest_in_the_editor() {
    let (sc, h) = opened("k8s-deployment.json");
    assert_eq!(sc.editor, std::fs::read_to_string("docs/examples/scenarios/k8s/web.yaml").expect("manifest"));
    assert!(is_manifest(h.engine(), &sc.editor));
    // An ECS example keeps its task definition, JSON.
    let (ecs, h) = opened("first-page.json");
    assert!(ecs.editor.trim_start().starts_with('{'));
    assert!(!is_manifest(h.engine(), &ecs.editor));
}

#[test]
fn deploy_applies_the_manifest_and_replays() {
    let (sc, mut h) = opened("k8s-deployment.json");
    h.advance_to(MIN);
    let ready = |h: &History| h.engine().snapshot().kube.as_ref().and_then(|k| k.deployments.iter().find(|d| d.name == "web").map(|d| (d.desired, d.ready)));
    assert_eq!(ready(&h), Some((6, 6)));
    let nine = sc.editor.replacen("replicas: 6", "replicas: 9", 1);
    assert_ne!(nine, sc.editor, "the manifest sets replicas: 6");
    match h.input(Input::Deploy(nine.clone())) {
        Outcome::Applied { objects, warnings } => {
            // Policies before workloads, as Berth's kubectl apply orders them.
            assert_eq!(objects, vec!["poddisruptionbudget/web".to_string(), "deployment/web".to_string()]);
            assert!(warnings.is_empty(), "{warnings:?}");
        }
        other => panic!("{other:?}"),
    }
    h.advance_to(2 * MIN);
    assert_eq!(ready(&h).map(|r| r.0), Some(9));
    assert_eq!(h.journal().len(), 1);
    // Replaying the journal (a reload, a share link) applies it again at the same moment.
    let replayed = straight_run(h.start(), h.journal(), 2 * MIN);
    assert_eq!(replayed.log_hash(), h.engine().log_hash());

    // A broken manifest: refused with the line and column, nothing journaled.
    let broken = nine.replacen("replicas: 9", "replicas: nine", 1);
    match h.input(Input::Deploy(broken)) {
        Outcome::Invalid(d) => {
            let first = d.iter().find(|d| d.is_error()).expect("an error");
            let line = nine.lines().position(|l| l.contains("replicas: 9")).expect("the line") as u32 + 1;
            assert_eq!((first.pos.line, first.pos.col), (line, 13), "{first:?}");
            assert_eq!(first.path, "spec.replicas", "{first:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.journal().len(), 1);
}

#[test]
fn an_empty_manifest_is_refused_not_journaled() {
    let (_, mut h) = opened("k8s-deployment.json");
    match h.input(Input::Deploy("# nothing yet\n".into())) {
        Outcome::Invalid(d) => assert_eq!(d.iter().map(|d| (d.pos.line, d.rule.as_str())).collect::<Vec<_>>(), vec![(1, "manifest-empty")]),
        other => panic!("{other:?}"),
    }
    assert!(h.journal().is_empty());
}

/// What the editor's check lists for the classic unit slips: lint warnings (listed apart from
/// errors, Deploy still applies the manifest), each on its value with a distinct rule; and a bad
/// suffix, an error in the API server's words that Deploy refuses.
#[test]
fn unit_slips_are_lint_warnings_and_a_bad_suffix_is_an_error() {
    use berth::engine::history::check_manifest;
    let (sc, mut h) = opened("k8s-deployment.json");
    let slips = sc.editor.replacen("cpu: 250m", "cpu: 250", 1).replacen("memory: 256Mi", "memory: 256", 1);
    assert_ne!(slips, sc.editor, "the manifest requests cpu: 250m and memory: 256Mi");
    let found = check_manifest(&slips);
    let shown: Vec<(bool, u32, u32, &str, &str)> = found.iter().map(|d| (d.is_error(), d.pos.line, d.pos.col, d.rule.as_str(), d.message.as_str())).collect();
    assert_eq!(
        shown,
        vec![
            (false, 20, 20, "k8s-unitless-cpu", "\"250\" is 250 whole CPUs (a CPU quantity without a suffix counts cores); did you mean 250m?"),
            (false, 21, 23, "k8s-unitless-memory", "\"256\" is 256 bytes (a memory quantity without a suffix counts bytes); did you mean 256Mi?"),
        ]
    );
    match h.input(Input::Deploy(slips)) {
        Outcome::Applied { objects, warnings } => {
            assert_eq!(objects, vec!["poddisruptionbudget/web".to_string(), "deployment/web".to_string()]);
            assert_eq!(warnings.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(), ["k8s-unitless-cpu", "k8s-unitless-memory"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.journal().len(), 1);

    let suffix = sc.editor.replacen("memory: 256Mi", "memory: 500mi", 1);
    match h.input(Input::Deploy(suffix)) {
        Outcome::Invalid(d) => {
            let shown: Vec<(u32, u32, &str)> = d.iter().map(|d| (d.pos.line, d.pos.col, d.message.as_str())).collect();
            assert_eq!(shown, vec![(21, 23, "unable to parse quantity's suffix: \"500mi\"; did you mean 500Mi?")]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(h.journal().len(), 1, "a refused manifest is not journaled");
}
