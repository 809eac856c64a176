//! Cluster capacity: Auto Scaling groups, capacity providers with managed scaling, the course's
//! reservation rule, capacity provider strategies (EC2 and Fargate Spot).

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::engine::time::{MINUTE, SECOND};
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::{no_files, start};

fn example() -> Engine {
    let text = std::fs::read_to_string("docs/examples/scenarios/cluster-autoscaling.json").expect("committed");
    parse_scenario(&text, &no_files).expect("parses").start(None)
}

/// (seconds, group, from, to) of every Auto Scaling group resize.
fn resizes(e: &Engine) -> Vec<(u64, String, u32, u32)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::AutoScalingGroupResized { group, from, to, .. } => Some((ev.t / SECOND, group.clone(), *from, *to)),
            _ => None,
        })
        .collect()
}

#[test]
fn tasks_scale_out_then_the_capacity_provider_adds_instances_then_both_scale_in() {
    let mut e = example();
    e.run_until(2 * 3600 * SECOND);
    let g = |t: u64, from: u32, to: u32| (t, "asg-web".to_string(), from, to);
    // The service outgrows 2 × m5.large (2 vCPU each, 1-vCPU tasks): tasks wait, M/N goes to
    // 150 %, the group grows to cover the waiting tasks — counting what the instances still
    // launching will hold, so it never overshoots (it used to reach 8 and shed 2 again 15
    // minutes later); when load falls, empty instances go after 15 minutes of wanting fewer.
    assert_eq!(resizes(&e), vec![g(600, 2, 3), g(660, 3, 5), g(720, 5, 6), g(4140, 6, 2), g(5100, 2, 1)]);
    // Managed termination protection: no instance with tasks was terminated.
    for ev in e.events() {
        if let EventKind::InstanceTerminated { tasks_stopped, .. } = &ev.kind {
            assert!(tasks_stopped.is_empty(), "{:?}", ev);
        }
    }
    // Instances register 90 s after the group decides.
    let registered: Vec<u64> = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::InstanceRegistered { .. })).map(|ev| ev.t / SECOND).collect();
    assert_eq!(registered, vec![0, 0, 690, 750, 750, 810]);
    // Every task ran on the provider's group.
    assert!(e.tasks().values().all(|t| t.capacity_provider.as_deref() == Some("cp-web")));
    let (_, r) = e.metrics().series("cp-web/CapacityProviderReservation").find(|(t, _)| *t == 10 * MINUTE).expect("a datapoint at 10:00");
    assert_eq!(r, 150.0);
}

#[test]
fn the_course_rule_adds_two_and_removes_one() {
    let s = json!({
        "berth": 1, "name": "rule", "seed": 1,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "autoScalingGroups": [
            {"name": "asg", "instanceType": "m5.large", "desiredCapacity": 2, "minSize": 1, "maxSize": 6, "launchTime": "60s", "customScaling": {}}]},
        "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "app", "image": "example/web:1", "cpu": 1700, "memory": 1024, "essential": true}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 2}],
        "timeline": [{"at": "20m", "action": "updateService", "service": "web", "desiredCount": 0}]
    });
    let mut e = start(&s);
    e.run_until(40 * MINUTE);
    // 2 tasks of 1700 on 2 × 2048 CPU: 83 % > 80 → +2 at 1:00; then 41.5 % (no change);
    // after the service goes to 0 at 20:00: 0 % < 30 → −1 at 21:00, 26:00, 31:00 (300 s cooldown)
    // until the minimum of 1.
    let got: Vec<(u64, u32, u32)> = resizes(&e).into_iter().map(|(t, _, a, b)| (t, a, b)).collect();
    assert_eq!(got, vec![(60, 2, 4), (1260, 4, 3), (1560, 3, 2), (1860, 2, 1)]);
}

#[test]
fn set_desired_capacity_by_hand() {
    let s = json!({"berth": 1, "name": "asg", "cluster": {"availabilityZones": ["us-east-1a"], "autoScalingGroups": [
        {"name": "asg", "instanceType": "t3.medium", "desiredCapacity": 1, "maxSize": 3, "launchTime": "2m"}]}});
    let mut e = start(&s);
    assert_eq!(e.apply(Command::SetDesiredCapacity { group: "asg".into(), desired: 5 }).unwrap_err(), "desired capacity 5 is outside asg's range 0–3");
    assert_eq!(e.apply(Command::SetDesiredCapacity { group: "nope".into(), desired: 1 }).unwrap_err(), "no Auto Scaling group \"nope\"");
    e.apply(Command::SetDesiredCapacity { group: "asg".into(), desired: 3 }).unwrap();
    e.run_until(MINUTE);
    assert_eq!(e.instances().len(), 1, "still launching");
    e.run_until(2 * MINUTE);
    assert_eq!(e.instances().len(), 3);
    assert_eq!(e.auto_scaling_groups()["asg"].desired, 3);
}

#[test]
fn fargate_spot_strategy_splits_tasks_and_bills_spot() {
    let s = json!({
        "berth": 1, "name": "spot", "seed": 2,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "2048",
            "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 6, "launchType": "FARGATE",
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}]}]
    });
    let mut e = start(&s);
    e.run_until(MINUTE);
    let mut per: std::collections::BTreeMap<String, u32> = Default::default();
    for t in e.tasks().values() {
        *per.entry(t.capacity_provider.clone().unwrap_or_default()).or_default() += 1;
    }
    // Base 2 on FARGATE, the other 4 split 1:3.
    assert_eq!(per.get("FARGATE"), Some(&3));
    assert_eq!(per.get("FARGATE_SPOT"), Some(&3));
    let c = e.snapshot().cost;
    let od = berth::engine::pricing::fargate_hourly(1024, 2048, berth::engine::pricing::Purchase::OnDemand);
    let spot = berth::engine::pricing::fargate_hourly(1024, 2048, berth::engine::pricing::Purchase::Spot);
    assert!((c.fargate_hourly_usd - (3.0 * od + 3.0 * spot)).abs() < 1e-12);
}

#[test]
fn a_new_deployment_keeps_the_strategy_base() {
    // Base 2 on FARGATE, weight 1:3 for the rest. A new deployment must end with the same split
    // as the first one: its new tasks are split on their own, not counted together with the old
    // ones being replaced.
    let s = json!({
        "berth": 1, "name": "spot-deploy", "seed": 2,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true}]},
            {"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "example/web:2", "essential": true}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web:1", "desiredCount": 4, "launchType": "FARGATE",
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 3}]}]
    });
    let per = |e: &Engine| {
        let mut m: std::collections::BTreeMap<String, u32> = Default::default();
        for t in e.tasks().values().filter(|t| t.is_live()) {
            *m.entry(t.capacity_provider.clone().unwrap_or_default()).or_default() += 1;
        }
        m
    };
    let mut e = start(&s);
    e.run_until(MINUTE);
    let before = per(&e);
    assert_eq!(before.values().sum::<u32>(), 4);
    assert!(before.get("FARGATE").copied().unwrap_or(0) >= 2, "{before:?}");
    e.apply(serde_json::from_value(json!({"action": "updateService", "service": "web", "taskDefinition": "web:2"})).expect("command")).expect("accepted");
    e.run_until(10 * MINUTE);
    assert!(e.tasks().values().filter(|t| t.is_live()).all(|t| t.task_definition == "web:2"));
    assert_eq!(per(&e), before);
}

#[test]
fn strategy_errors_name_the_provider() {
    let base = |strategy: Value, lt: &str| {
        json!({"berth": 1, "name": "x", "cluster": {"availabilityZones": ["us-east-1a"], "fargate": true},
            "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE", "EC2"], "cpu": "256", "memory": "512",
                "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true}]}],
            "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "launchType": lt, "capacityProviderStrategy": strategy}]})
    };
    let msg = |v: Value| parse_scenario(&v.to_string(), &no_files).unwrap_err()[0].message.clone();
    assert_eq!(msg(base(json!([{"capacityProvider": "cp-x", "weight": 1}]), "EC2")), "capacityProviderStrategy: capacity provider \"cp-x\" does not exist (cluster providers: none; add cluster.capacityProviders)");
    assert_eq!(msg(base(json!([{"capacityProvider": "FARGATE_SPOT", "weight": 1}]), "EC2")), "capacityProviderStrategy: FARGATE_SPOT needs \"launchType\": \"FARGATE\"");
    assert!(msg(base(json!([{"capacityProvider": "FARGATE", "weight": 0}, {"capacityProvider": "FARGATE_SPOT", "weight": 0}]), "FARGATE")).starts_with("capacityProviderStrategy: "));
}
