//! Changing an existing service's settings: its placement strategy and constraints through
//! `updateService` (a new deployment for a rolling-update service, none for blue/green), and its
//! Service Auto Scaling through `putAutoScaling` (the desired count moved into the new range).

#[path = "common/start.rs"]
mod common_start;

use std::collections::BTreeSet;

use berth::engine::event::EventKind;
use berth::engine::invariants;
use berth::engine::sim::{Command, Engine};
use berth::engine::task::TaskStatus;
use common_start::start;
use serde_json::{json, Value};

fn scenario(service_extra: Value) -> Value {
    let mut service = json!({ "serviceName": "web", "taskDefinition": "web", "desiredCount": 6, "launchType": "EC2" });
    if let (Some(s), Some(extra)) = (service.as_object_mut(), service_extra.as_object()) {
        s.extend(extra.clone());
    }
    json!({
        "berth": 1,
        "name": "settings",
        "seed": 7,
        "cluster": {
            "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
            "instances": [
                { "type": "m5.large", "az": "us-east-1a", "count": 2 },
                { "type": "m5.large", "az": "us-east-1b", "count": 2 },
                { "type": "m5.large", "az": "us-east-1c", "count": 2 }
            ]
        },
        "taskDefinitions": [{
            "family": "web", "cpu": "256", "memory": "512",
            "containerDefinitions": [{ "name": "web", "image": "nginx:1.25", "essential": true }]
        }],
        "services": [service]
    })
}

fn command(v: Value) -> Command {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("command does not parse: {e}"))
}

fn run(e: &mut Engine, until: u64) {
    while e.next_due().is_some_and(|t| t <= until) {
        e.step();
        if let Err(m) = invariants::check(e) {
            panic!("invariant broken at {}: {m}", e.now());
        }
    }
    e.run_until(until);
}

/// Instances holding a RUNNING task of `web`.
fn hosts(e: &Engine) -> BTreeSet<String> {
    e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.is_live()).filter_map(|t| t.instance.clone()).collect()
}

fn names(e: &Engine, from: usize) -> Vec<&'static str> {
    e.events()[from..].iter().map(|ev| ev.kind.name()).collect()
}

#[test]
fn a_new_placement_strategy_redeploys_a_rolling_service_onto_the_new_layout() {
    let mut e = start(&scenario(json!({})));
    run(&mut e, 60_000);
    assert_eq!(hosts(&e).len(), 6, "the default spread puts one task on each instance");
    let before = e.events().len();
    e.apply(command(json!({ "action": "updateService", "service": "web", "placementStrategy": [{ "type": "binpack", "field": "memory" }] })))
        .expect("binpack accepted");
    let started: Vec<_> = e.events()[before..].iter().filter_map(|ev| match &ev.kind {
        EventKind::DeploymentStarted { deployment, task_definition, .. } => Some((*deployment, task_definition.clone())),
        _ => None,
    }).collect();
    assert_eq!(started, vec![(2, "web:1".to_string())], "a new deployment of the same revision");
    run(&mut e, 20 * 60_000);
    // Six 512 MiB tasks fit on one m5.large: binpack on memory packs them all there.
    assert_eq!(hosts(&e).len(), 1, "hosts: {:?}", hosts(&e));
    assert_eq!(e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.is_live()).count(), 6);
    // The same strategy again changes nothing and starts nothing.
    let before = e.events().len();
    e.apply(command(json!({ "action": "updateService", "service": "web", "placementStrategy": [{ "type": "binpack", "field": "memory" }] })))
        .expect("same strategy accepted");
    assert_eq!(names(&e, before), vec!["serviceUpdated", "serviceSteadyState"], "no deploymentStarted");
}

#[test]
fn a_constraint_added_later_moves_tasks_off_instances_it_excludes() {
    let mut e = start(&scenario(json!({})));
    run(&mut e, 60_000);
    e.apply(command(json!({
        "action": "updateService", "service": "web",
        "placementConstraints": [{ "type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a" }]
    })))
    .expect("memberOf accepted");
    run(&mut e, 20 * 60_000);
    let zones = |e: &Engine| -> BTreeSet<String> { hosts(e).iter().filter_map(|i| e.snapshot().instances.iter().find(|x| &x.id == i).map(|x| x.az.clone())).collect() };
    assert_eq!(zones(&e), BTreeSet::from(["us-east-1a".to_string()]));
    // `[]` removes the constraint and redeploys. The default spread counts the service's tasks
    // still running in us-east-1a while the new ones are placed, so the six new tasks go to the
    // other two zones; the old ones then stop, leaving us-east-1a empty.
    e.apply(command(json!({ "action": "updateService", "service": "web", "placementConstraints": [] }))).expect("cleared");
    run(&mut e, 40 * 60_000);
    assert_eq!(hosts(&e), BTreeSet::from(["i-03", "i-04", "i-05", "i-06"].map(String::from)));
    assert_eq!(zones(&e), BTreeSet::from(["us-east-1b".to_string(), "us-east-1c".to_string()]));
}

#[test]
fn placement_updates_are_checked() {
    let mut e = start(&scenario(json!({})));
    let bad = e.apply(command(json!({
        "action": "updateService", "service": "web",
        "placementConstraints": [{ "type": "memberOf", "expression": "attribute:ecs.instance-type =~ (" }]
    })));
    assert!(bad.as_ref().is_err_and(|m| m.starts_with("memberOf expression \"attribute:ecs.instance-type =~ (\"")), "{bad:?}");
    let six = e.apply(command(json!({ "action": "updateService", "service": "web", "placementStrategy": [{ "type": "random" }, { "type": "random" }, { "type": "random" }, { "type": "random" }, { "type": "random" }, { "type": "random" }] })));
    assert_eq!(six, Err("at most 5 placement strategies are allowed; got 6".to_string()));
    let nobody = e.apply(command(json!({ "action": "updateService", "service": "api", "placementStrategy": [] })));
    assert_eq!(nobody, Err("service \"api\" does not exist; services: web".to_string()));
    // A refused update changes nothing else either.
    assert_eq!(e.snapshot().services[0].desired, 6);
}

#[test]
fn put_auto_scaling_moves_desired_into_the_range_and_can_be_removed() {
    let mut e = start(&scenario(json!({})));
    run(&mut e, 60_000);
    let before = e.events().len();
    e.apply(command(json!({
        "action": "putAutoScaling", "service": "web",
        "autoScaling": { "minCapacity": 1, "maxCapacity": 4, "targetTracking": [{ "metric": "ECSServiceAverageCPUUtilization", "target": 50 }] }
    })))
    .expect("accepted");
    let messages: Vec<String> = e.events()[before..].iter().map(|ev| ev.kind.describe()).collect();
    assert_eq!(
        messages[..2],
        [
            "service web: Service Auto Scaling set to 1–4 tasks with ECSServiceAverageCPUUtilization-50".to_string(),
            "service web: RegisterScalableTarget set desired count 6 → 4 (desired count 6 is outside the new range 1–4)".to_string(),
        ],
        "{messages:#?}"
    );
    assert_eq!(e.snapshot().services[0].desired, 4);
    assert_eq!(e.scaler("web").map(|s| (s.min, s.max)), Some((1, 4)));
    // Inside the range nothing is scaled.
    let before = e.events().len();
    e.apply(command(json!({ "action": "putAutoScaling", "service": "web", "autoScaling": { "minCapacity": 2, "maxCapacity": 8 } }))).expect("accepted");
    assert_eq!(names(&e, before), vec!["autoScalingUpdated"]);
    // Removed: the count stays; removing twice says there is nothing to remove.
    e.apply(command(json!({ "action": "putAutoScaling", "service": "web", "autoScaling": null }))).expect("removed");
    assert!(e.scaler("web").is_none());
    assert_eq!(e.events().last().map(|ev| ev.kind.describe()), Some("service web: Service Auto Scaling removed; its desired count stays as it is".to_string()));
    assert_eq!(e.apply(command(json!({ "action": "putAutoScaling", "service": "web" }))), Err("service web has no Service Auto Scaling to remove".to_string()));
    assert_eq!(e.snapshot().services[0].desired, 4);
}

#[test]
fn a_refused_auto_scaling_change_keeps_the_old_one() {
    let mut e = start(&scenario(json!({ "autoScaling": { "minCapacity": 2, "maxCapacity": 6 } })));
    let bad = e.apply(command(json!({ "action": "putAutoScaling", "service": "web", "autoScaling": { "minCapacity": 5, "maxCapacity": 3 } })));
    assert_eq!(bad, Err("autoScaling: minCapacity 5 is greater than maxCapacity 3".to_string()));
    assert_eq!(e.scaler("web").map(|s| (s.min, s.max)), Some((2, 6)));
}

#[test]
fn updates_without_placement_serialise_as_before() {
    let c = command(json!({ "action": "updateService", "service": "web", "desiredCount": 3 }));
    assert_eq!(
        serde_json::to_string(&c).expect("serialises"),
        r#"{"action":"updateService","service":"web","desiredCount":3,"taskDefinition":null,"deploymentConfiguration":null,"forceNewDeployment":false}"#
    );
}
