//! The event list's filters over the whole log (src/shell/event_index.rs): kept in step with the
//! engine incrementally, rebuilt on a rewind, and finding matches however old they are.

use berth::engine::event::{EventKind, Level};
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::shell::event_index::{service_of, EventIndex, Filter};

const FIRST_PAGE: &str = include_str!("../docs/examples/scenarios/first-page.json");
const WEB: &str = include_str!("../docs/examples/scenarios/taskdefs/web.json");

fn sample() -> Engine {
    let files = |n: &str| if n == "taskdefs/web.json" { Ok(WEB.to_string()) } else { Err(n.to_string()) };
    parse_scenario(FIRST_PAGE, &files).expect("sample parses").start(None)
}

fn f(service: Option<&str>, kind: Option<&str>, min_level: Option<Level>) -> Filter {
    Filter { service: service.map(String::from), kind: kind.map(String::from), min_level }
}

#[test]
fn filters_by_service_kind_and_severity() {
    let mut e = sample();
    e.run_until(60_000);
    let mut ix = EventIndex::default();
    ix.sync(e.events(), (0, 7));
    let ev = e.events();
    let all = ix.filtered(&Filter::default(), 1000);
    assert_eq!(all.len(), ev.len());
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(ix.filtered(&f(None, Some("taskPlaced"), None), 1000).len(), 6);
    assert_eq!(ix.services().iter().cloned().collect::<Vec<_>>(), vec!["web".to_string()]);
    assert!(ix.kinds().contains("instanceRegistered") && ix.kinds().contains("taskPlaced"));
    let web = ix.filtered(&f(Some("web"), None, None), 1000);
    assert!(web.iter().all(|&i| !matches!(ev[i].kind, EventKind::InstanceRegistered { .. } | EventKind::ScenarioStarted { .. })));
    assert_eq!(web.len(), ev.iter().filter(|x| x.kind.task().is_some() || service_of(&x.kind, &Default::default()) == Some("web")).count());
    assert!(ix.filtered(&f(Some("nope"), None, None), 1000).is_empty());
    assert!(ix.filtered(&f(None, None, Some(Level::Warning)), 1000).is_empty(), "a calm start");
    assert_eq!(ix.filtered(&Filter::default(), 5).len(), 5);

    e.apply(Command::TerminateInstance { instance: "i-03".into() }).expect("terminates");
    e.run_until(120_000);
    ix.sync(e.events(), (0, 7));
    let ev = e.events();
    let warn = ix.filtered(&f(None, None, Some(Level::Warning)), 1000);
    assert!(warn.iter().any(|&i| ev[i].kind.name() == "instanceTerminated"));
    assert!(warn.iter().all(|&i| ev[i].kind.level() >= Level::Warning));
    // The stopped task's events count for web: its taskPlaced names the service.
    let stopped = ix.filtered(&f(Some("web"), Some("taskStopped"), None), 1000);
    assert_eq!(stopped.len(), 1, "the task on i-03");
}

#[test]
fn a_match_older_than_the_newest_two_hundred_is_still_found() {
    let mut e = sample();
    e.run_until(60_000);
    e.apply(Command::TerminateInstance { instance: "i-03".into() }).expect("terminates");
    // Then a long stretch of ordinary events: scale up and down many times.
    for i in 0..40u32 {
        let n = if i % 2 == 0 { 12 } else { 6 };
        e.apply(Command::UpdateService { service: "web".into(), desired_count: Some(n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).expect("scales");
        e.run_until(120_000 + u64::from(i) * 60_000);
    }
    let mut ix = EventIndex::default();
    ix.sync(e.events(), (41, 7));
    let terminated = ix.filtered(&f(None, Some("instanceTerminated"), None), 200);
    assert_eq!(terminated.len(), 1);
    assert!(e.events().len() - terminated[0] > 200, "it is older than the newest 200 ({} events)", e.events().len());
}

#[test]
fn syncing_in_steps_equals_syncing_once_and_a_rewind_starts_over() {
    let mut e = sample();
    let mut stepwise = EventIndex::default();
    let mut generations = Vec::new();
    for t in [0, 5_000, 20_000, 60_000] {
        e.run_until(t);
        stepwise.sync(e.events(), (0, 7));
        generations.push(stepwise.generation());
    }
    let mut once = EventIndex::default();
    once.sync(e.events(), (0, 7));
    assert_eq!(stepwise.events(), once.events());
    assert_eq!(stepwise.services(), once.services());
    assert_eq!(stepwise.kinds(), once.kinds());
    assert!(generations.windows(2).all(|w| w[0] <= w[1]) && generations[0] < generations[3], "{generations:?}");
    // Nothing new: same generation.
    let g = stepwise.generation();
    stepwise.sync(e.events(), (0, 7));
    assert_eq!(stepwise.generation(), g);
    // A rewind (a shorter log of the same run) and another run rebuild it.
    let mut early = sample();
    early.run_until(1_000);
    stepwise.sync(early.events(), (0, 7));
    assert_eq!(stepwise.events(), early.events());
    assert!(stepwise.generation() > g);
    stepwise.sync(e.events(), (1, 7));
    assert_eq!(stepwise.events(), e.events());
}

/// A Kubernetes run offers its Deployments in the Service filter; a Deployment's events include
/// its pods' (through their ReplicaSet) and its ReplicaSets', and no node's.
#[test]
fn a_deployment_filters_its_pods_events() {
    use berth::shell::event_index::deployment_key;
    let text = std::fs::read_to_string("docs/examples/scenarios/k8s-deployment.json").expect("committed");
    let files = |n: &str| std::fs::read_to_string(std::path::Path::new("docs/examples/scenarios").join(n)).map_err(|e| e.to_string());
    let mut e = parse_scenario(&text, &files).expect("parses").start(None);
    e.run_until(120_000);
    let mut ix = EventIndex::default();
    ix.sync(e.events(), (0, 1));
    assert!(ix.services().is_empty(), "no ECS service");
    assert_eq!(ix.deployments().iter().cloned().collect::<Vec<_>>(), vec![deployment_key("default", "web")]);
    let ev = e.events();
    let web = ix.filtered(&f(Some("Deployment default/web"), None, None), 10_000);
    let pod_events = ev.iter().filter(|x| x.kind.name().starts_with("pod") && x.kind.name() != "podCreateFailed").count();
    assert!(pod_events >= 24, "six pods created, scheduled, running and ready: {pod_events}");
    assert_eq!(web.iter().filter(|&&i| ev[i].kind.name().starts_with("pod")).count(), pod_events, "every pod here is web's");
    assert!(web.iter().any(|&i| ev[i].kind.name() == "replicaSetScaled"));
    assert!(web.iter().all(|&i| ev[i].kind.name() != "kubeNodeReady"));
    let ready = ix.filtered(&f(Some("Deployment default/web"), Some("podReady"), None), 10_000);
    assert_eq!(ready.len(), 6);
    assert!(ix.filtered(&f(Some("Deployment default/api"), None, None), 10_000).is_empty());
}
