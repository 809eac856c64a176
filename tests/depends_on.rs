//! Container start order: `dependsOn` conditions and `startTimeout`.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

fn no_files(n: &str) -> Result<String, String> {
    Err(format!("{n}: no files here"))
}

fn run(containers: Value, behavior: Value) -> Engine {
    let v = json!({
        "berth": 1, "name": "deps", "cluster": {"instances": [{"type": "m5.large"}]},
        "taskDefinitions": [{"family": "app", "containerDefinitions": containers}],
        "runTasks": [{"taskDefinition": "app"}],
        "behaviors": {"app": behavior}
    });
    let s = parse_scenario(&serde_json::to_string(&v).unwrap(), &no_files).unwrap_or_else(|d| panic!("{d:?}"));
    let mut e = s.start(None);
    e.run_until(5 * 60_000);
    e
}

fn running_at(e: &Engine) -> Option<u64> {
    e.events().iter().find(|ev| matches!(ev.kind, EventKind::TaskRunning { .. })).map(|ev| ev.t)
}

fn sidecar(start_timeout: Option<u32>) -> Value {
    let mut app = json!({"name": "app", "image": "example/app:1", "memory": 256, "dependsOn": [{"containerName": "proxy", "condition": "HEALTHY"}]});
    if let Some(t) = start_timeout {
        app["startTimeout"] = json!(t);
    }
    json!([
        {"name": "proxy", "image": "example/proxy:1", "memory": 128,
         "healthCheck": {"command": ["CMD-SHELL", "exit 0"], "interval": 5, "retries": 3}},
        app
    ])
}

#[test]
fn healthy_dependency_delays_the_app_until_the_sidecar_passes_its_check() {
    // Pull 3 s; proxy started at +1 s; checks every 5 s, ready after 12 s → first pass at the
    // third check, 15 s after it started; app starts 1 s later: RUNNING at 3 + 1 + 15 + 1 = 20 s.
    let e = run(sidecar(None), json!({"readyAfter": "12s"}));
    assert_eq!(running_at(&e), Some(20_000));
}

#[test]
fn start_timeout_fails_the_task_when_the_dependency_is_too_slow() {
    let e = run(sidecar(Some(10)), json!({"readyAfter": "12s"}));
    assert_eq!(running_at(&e), None);
    let t = &e.tasks()["app-1"];
    assert_eq!(t.stop_code.as_deref(), Some("TaskFailedToStart"));
    assert!(t.stopped_reason.as_deref().unwrap().starts_with("DependencyTimeout"), "{:?}", t.stopped_reason);
    assert_eq!(t.stopped_at, Some(3_000 + 10_000));
}

#[test]
fn a_dependency_that_is_never_healthy_blocks_the_start() {
    // Without startTimeout the app waits for ever: the task stays PENDING.
    let e = run(sidecar(None), json!({"failHealthCheckAfter": "0s"}));
    assert_eq!(running_at(&e), None);
    let t = &e.tasks()["app-1"];
    assert_eq!(t.last_status, berth::engine::task::TaskStatus::Pending);
    assert_eq!(t.stopped_reason, None);
    // With startTimeout 30 s it gives up then.
    let e = run(sidecar(Some(30)), json!({"failHealthCheckAfter": "0s"}));
    let t = &e.tasks()["app-1"];
    assert!(t.stopped_reason.as_deref().unwrap().starts_with("DependencyNeverHealthy"));
    assert_eq!(t.stopped_at, Some(3_000 + 30_000));
}

fn init(code: i32) -> Engine {
    run(
        json!([
            {"name": "migrate", "image": "example/migrate:1", "memory": 128, "essential": false},
            {"name": "app", "image": "example/app:1", "memory": 256, "dependsOn": [{"containerName": "migrate", "condition": "SUCCESS"}]}
        ]),
        json!({"initRunsFor": "5s", "initExitCode": code}),
    )
}

#[test]
fn success_waits_for_an_init_container_to_exit_zero() {
    // Pull 3 s; migrate starts at +1 s and exits 5 s later; app starts 1 s after: 3 + 1 + 5 + 1.
    assert_eq!(running_at(&init(0)), Some(10_000));
    let failed = init(1);
    assert_eq!(running_at(&failed), None);
    assert!(failed.tasks()["app-1"].stopped_reason.as_deref().unwrap().starts_with("DependencyFailed"));
}

#[test]
fn start_dependency_only_waits_for_the_start() {
    let e = run(
        json!([
            {"name": "a", "image": "example/a:1", "memory": 128},
            {"name": "b", "image": "example/b:1", "memory": 128, "dependsOn": [{"containerName": "a", "condition": "START"}]}
        ]),
        json!({}),
    );
    // a started at +1 s, b 1 s after that: 3 + 2.
    assert_eq!(running_at(&e), Some(5_000));
}
