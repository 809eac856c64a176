//! Blue/green (CodeDeploy) deployments and canaries with automatic rollback.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use berth::engine::task::TaskStatus;
use serde_json::{json, Value};

fn no_files(n: &str) -> Result<String, String> {
    Err(format!("{n}: no files here"))
}

fn td(tag: &str) -> Value {
    json!({"family": "web", "containerDefinitions": [{"name": "app", "image": format!("example/web:{tag}"), "cpu": 256, "memory": 512}]})
}

fn scenario(blue_green: Value, behaviors: Value) -> Engine {
    let v = json!({
        "berth": 1, "name": "bg", "seed": 5,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "instances": [{"type": "m5.xlarge", "count": 2}]},
        "taskDefinitions": [td("v1")],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 4,
                      "deploymentController": {"type": "CODE_DEPLOY"}, "blueGreen": blue_green}],
        "behaviors": behaviors,
        "timeline": [
            {"at": "1m", "action": "registerTaskDefinition", "taskDefinition": td("v2")},
            {"at": "1m", "action": "updateService", "service": "web", "taskDefinition": "web:2"}
        ]
    });
    let s = parse_scenario(&serde_json::to_string(&v).unwrap(), &no_files).unwrap_or_else(|d| panic!("{d:?}"));
    let mut e = s.start(None);
    while e.next_due().is_some_and(|t| t <= 40 * 60_000) {
        e.step();
        if let Err(m) = berth::engine::invariants::check(&e) {
            panic!("{m}");
        }
    }
    e
}

/// (time, green %) of every traffic shift.
fn shifts(e: &Engine) -> Vec<(u64, u32)> {
    e.events().iter().filter_map(|ev| match &ev.kind { EventKind::TrafficShifted { green_percent, .. } => Some((ev.t, *green_percent)), _ => None }).collect()
}

fn running(e: &Engine, td: &str) -> usize {
    e.tasks().values().filter(|t| t.task_definition == td && t.is_live() && t.last_status == TaskStatus::Running).count()
}

#[test]
fn all_at_once_then_blue_terminated_after_the_wait() {
    let e = scenario(json!({"terminationWaitTimeInMinutes": 5}), json!({}));
    // Green starts at 1m and is RUNNING 4 s later (pull 3 s + start 1 s); all traffic moves then.
    assert_eq!(shifts(&e), vec![(64_000, 100)]);
    let done = e.events().iter().find(|ev| ev.kind.name() == "deploymentCompleted" && matches!(&ev.kind, EventKind::DeploymentCompleted { deployment: 2, .. })).map(|ev| ev.t);
    assert_eq!(done, Some(64_000 + 5 * 60_000));
    assert_eq!((running(&e, "web:1"), running(&e, "web:2")), (0, 4));
    // Blue and green ran side by side: 8 tasks at the peak.
    let max_live = e.tasks().values().filter(|t| t.service.as_deref() == Some("web")).count();
    assert_eq!(max_live, 8);
}

#[test]
fn the_course_canary_with_a_good_release() {
    let e = scenario(json!({"steps": [5, 25, 50, 100], "intervalMinutes": 2, "terminationWaitTimeInMinutes": 1, "rollbackErrorRateAbove": 0.02}), json!({"web:2": {"errorRate": 0.001}}));
    assert_eq!(shifts(&e), vec![(64_000, 5), (184_000, 25), (304_000, 50), (424_000, 100)]);
    assert_eq!(running(&e, "web:2"), 4);
    assert!(!e.events().iter().any(|ev| ev.kind.name() == "deploymentRolledBack"));
}

#[test]
fn the_course_canary_rolls_back_a_release_with_5_percent_errors() {
    let e = scenario(json!({"steps": [5, 25, 50, 100], "intervalMinutes": 2, "rollbackErrorRateAbove": 0.02}), json!({"web:2": {"errorRate": 0.05}}));
    // 5 % of traffic goes to green at 64 s; at the next step (184 s) the alarm sees 5 % errors.
    assert_eq!(shifts(&e), vec![(64_000, 5), (184_000, 0)]);
    let reason = e.events().iter().find_map(|ev| match &ev.kind { EventKind::DeploymentRolledBack { reason, .. } => Some(reason.clone()), _ => None }).unwrap();
    assert_eq!(reason, "the green task set's error rate 5.0 % is above the alarm threshold 2.0 %");
    assert_eq!((running(&e, "web:1"), running(&e, "web:2")), (4, 0));
    assert_eq!(e.services()["web"].task_definition, "web:1");
    let snap = e.snapshot();
    assert_eq!(snap.services[0].traffic, vec![("web:1".to_string(), 100)]);
}

#[test]
fn linear_and_test_traffic() {
    let e = scenario(json!({"deploymentConfigName": "CodeDeployDefault.ECSLinear10PercentEvery1Minutes", "testTrafficMinutes": 3, "terminationWaitTimeInMinutes": 0}), json!({}));
    let s = shifts(&e);
    assert_eq!(s.len(), 10);
    assert_eq!(s[0], (64_000 + 180_000, 10), "production traffic waits for 3 minutes of test traffic");
    assert_eq!(s[9], (64_000 + 180_000 + 9 * 60_000, 100));
}

#[test]
fn bad_blue_green_settings_are_reported() {
    let v = json!({"berth": 1, "name": "x", "cluster": {}, "taskDefinitions": [td("v1")],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "blueGreen": {"steps": [10, 50]}}]});
    let err = parse_scenario(&serde_json::to_string(&v).unwrap(), &no_files).unwrap_err();
    assert!(err[0].message.contains("steps must end at 100"), "{err:?}");
    let v = json!({"berth": 1, "name": "x", "cluster": {}, "taskDefinitions": [td("v1")],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 1, "blueGreen": {}}]});
    let err = parse_scenario(&serde_json::to_string(&v).unwrap(), &no_files).unwrap_err();
    assert!(err[0].message.contains("need \"deploymentController\": {\"type\": \"CODE_DEPLOY\"}"), "{err:?}");
}

#[test]
fn a_green_task_set_that_never_gets_healthy_is_rolled_back_after_ten_minutes() {
    let e = scenario(json!({"terminationWaitTimeInMinutes": 1}), json!({"web:2": {"imagePullFails": true}}));
    let rolled = e.events().iter().find_map(|ev| match &ev.kind { EventKind::DeploymentRolledBack { reason, .. } => Some((ev.t, reason.clone())), _ => None });
    assert_eq!(rolled, Some((60_000 + 600_000, "the green task set did not become healthy within 10 minutes".to_string())));
    assert_eq!(running(&e, "web:1"), 4);
    assert_eq!(e.services()["web"].task_definition, "web:1");
}

#[test]
fn code_deploy_refuses_a_forced_deployment_and_a_circuit_breaker() {
    let mut e = scenario(json!({}), json!({}));
    let force = e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: None, force_new_deployment: true, placement_strategy: None, placement_constraints: None });
    assert!(force.unwrap_err().starts_with("forceNewDeployment is for ECS"));
    let patch: berth::engine::deployment::DeploymentConfigurationPatch = serde_json::from_value(json!({"deploymentCircuitBreaker": {"enable": true, "rollback": true}})).unwrap();
    let breaker = e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: Some(patch), force_new_deployment: false, placement_strategy: None, placement_constraints: None });
    assert!(breaker.unwrap_err().contains("ECS (rolling update) controller only"));
}
