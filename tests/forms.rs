//! The page's service forms (src/shell/forms.rs): what a learner types becomes the command a
//! lesson's reference solution would send, or a message naming the field.

use berth::engine::sim::Command;
use berth::engine::task::TaskStatus;
use berth::engine::time::MINUTE;
use berth::shell::forms::{self, DeploymentForm, RunTaskForm, ServiceForm};
use serde_json::json;

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn cluster() -> berth::engine::sim::Engine {
    start(&json!({
        "berth": 1, "name": "forms", "seed": 7,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "instances": [{"type": "m5.large", "count": 4}]},
        "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "app", "image": "example/web:1", "cpu": 256, "memory": 512, "essential": true}]}]
    }))
}

fn form() -> ServiceForm {
    ServiceForm { name: "web".into(), task_definition: "web".into(), desired: "4".into(), launch_type: "EC2".into(), strategy: "default".into(), ..Default::default() }
}

fn live_per_instance(e: &berth::engine::sim::Engine) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::<String, usize>::new();
    for t in e.tasks().values().filter(|t| t.last_status == TaskStatus::Running) {
        if let Some(i) = &t.instance {
            *m.entry(i.clone()).or_default() += 1;
        }
    }
    m.into_iter().collect()
}

#[test]
fn create_service_builds_the_command_a_solution_would_send() {
    let f = ServiceForm { strategy: "binpack-memory".into(), distinct_instance: false, member_of: "attribute:ecs.availability-zone == us-east-1a".into(), ..form() };
    let cmd = forms::create_service(&f).expect("valid");
    let expected: Command = serde_json::from_value(json!({
        "action": "createService", "serviceName": "web", "taskDefinition": "web", "desiredCount": 4, "launchType": "EC2",
        "placementStrategy": [{"type": "binpack", "field": "memory"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a"}]
    }))
    .expect("reference command");
    assert_eq!(cmd, expected);
}

#[test]
fn a_created_service_places_its_tasks_as_the_strategy_says() {
    // binpack on memory with a memberOf on us-east-1a: all four tasks on the first 1a instance.
    let mut e = cluster();
    let f = ServiceForm { strategy: "binpack-memory".into(), member_of: "attribute:ecs.availability-zone == us-east-1a".into(), ..form() };
    e.apply(forms::create_service(&f).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    let placed = live_per_instance(&e);
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert_eq!(placed[0].1, 4);
    let az = &e.instances()[&placed[0].0].az;
    assert_eq!(az, "us-east-1a");
    // distinctInstance with the default strategy: one task per instance.
    let mut e = cluster();
    e.apply(forms::create_service(&ServiceForm { distinct_instance: true, ..form() }).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    assert_eq!(live_per_instance(&e).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 1, 1, 1]);
}

#[test]
fn create_service_names_the_wrong_field() {
    let cases: Vec<(ServiceForm, &str)> = vec![
        (ServiceForm { name: "".into(), ..form() }, "Service name: is empty"),
        (ServiceForm { name: "my web".into(), ..form() }, "Service name: ' ' is not allowed: use letters, digits, hyphens and underscores"),
        (ServiceForm { task_definition: " ".into(), ..form() }, "Task definition: choose a registered task definition (deploy one from the editor first)"),
        (ServiceForm { desired: "four".into(), ..form() }, "Desired count: \"four\" is not a whole number"),
        (ServiceForm { desired: "5000".into(), ..form() }, "Desired count: 5000 is more than the 1000 Berth allows"),
        (ServiceForm { launch_type: "LAMBDA".into(), ..form() }, "Launch type: \"LAMBDA\" is not EC2 or FARGATE"),
    ];
    for (f, want) in cases {
        assert_eq!(forms::create_service(&f).map_err(|e| e.to_string()), Err(want.to_string()), "{f:?}");
    }
    // A broken memberOf expression is reported with the query language's own message.
    let e = forms::create_service(&ServiceForm { member_of: "attribute:ecs.instance-type ==".into(), ..form() }).unwrap_err();
    assert_eq!(e.field, "memberOf expression");
    assert!(!e.message.is_empty());
}

#[test]
fn run_task_limits_and_placement() {
    assert_eq!(
        forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "11".into(), ..Default::default() }).map_err(|e| e.to_string()),
        Err("Count: 11 is more than the 10 Berth allows".to_string())
    );
    assert_eq!(
        forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "0".into(), ..Default::default() }).map_err(|e| e.to_string()),
        Err("Count: must be at least 1".to_string())
    );
    let mut e = cluster();
    let cmd = forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "3".into(), launch_type: "EC2".into(), strategy: "spread-instance".into() }).expect("valid");
    e.apply(cmd).expect("accepted");
    e.run_until(2 * MINUTE);
    assert_eq!(live_per_instance(&e).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 1, 1]);
    assert!(e.tasks().values().all(|t| t.service.is_none()));
}

#[test]
fn deployment_settings_change_the_rolling_update_bounds() {
    let mut e = cluster();
    e.apply(forms::create_service(&form()).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    let f = DeploymentForm { minimum_healthy_percent: "50".into(), maximum_percent: "100".into(), circuit_breaker: true, rollback: true };
    assert_eq!(forms::bounds_text(4, &f).as_deref(), Some("with 4 desired: at least 2 healthy, at most 4 running or pending during a deployment"));
    e.apply(forms::update_deployment("web", &f, true).expect("valid")).expect("accepted");
    let cfg = &e.services()["web"].config;
    assert_eq!((cfg.minimum_healthy_percent, cfg.maximum_percent), (50, 100));
    assert!(cfg.deployment_circuit_breaker.enable && cfg.deployment_circuit_breaker.rollback);
    // The forced deployment replaces two tasks at a time: never more than 4 live, never fewer
    // than 2 running.
    let mut min_running = u32::MAX;
    let mut max_live = 0;
    let end = e.now() + 5 * MINUTE;
    while e.now() < end && e.step() {
        let live = e.tasks().values().filter(|t| t.desired_status == TaskStatus::Running && t.service.is_some()).count() as u32;
        let running = e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running).count() as u32;
        max_live = max_live.max(live);
        min_running = min_running.min(running);
    }
    assert_eq!(max_live, 4);
    assert_eq!(min_running, 2);
    assert_eq!(e.snapshot().services[0].rollout_state, "COMPLETED", "the new deployment completed");

    let bad = |min: &str, max: &str, cb: bool, rb: bool| {
        forms::update_deployment("web", &DeploymentForm { minimum_healthy_percent: min.into(), maximum_percent: max.into(), circuit_breaker: cb, rollback: rb }, false)
            .map_err(|e| e.to_string())
    };
    assert_eq!(bad("101", "200", false, false), Err("Minimum healthy percent: 101 is more than the 100 Berth allows".into()));
    assert_eq!(bad("100", "90", false, false), Err("Maximum percent: must be at least 100; got 90".into()));
    assert_eq!(bad("100", "200", false, true), Err("Rollback: needs the circuit breaker turned on".into()));
}
