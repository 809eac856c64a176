//! Services, lifecycle, failures and deployments, through whole scenarios: exact event sequences.

use berth::engine::deployment::bounds;
use berth::engine::event::EventKind;
use berth::engine::invariants;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use berth::engine::task::TaskStatus;
use serde_json::{json, Value};

fn no_files(n: &str) -> Result<String, String> {
    Err(format!("{n}: no files in this test"))
}

fn taskdef(family: &str, extra: Value) -> Value {
    let mut c = json!({"name": "app", "image": format!("example/{family}:1"), "cpu": 256, "memory": 512, "essential": true});
    if let (Some(o), Some(e)) = (c.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    json!({"family": family, "containerDefinitions": [c]})
}

/// A cluster of `n` m5.xlarge (4096 CPU units, 16 GiB) across two AZs, service `web` of
/// `desired` tasks, and a timeline that deploys `web:2` at 1 minute.
fn rolling(desired: u32, min: u32, max: u32, v2_extra: Value, behaviors: Value, breaker: Value) -> Value {
    json!({
        "berth": 1, "name": "rolling", "seed": 9,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "instances": [{"type": "m5.xlarge", "count": 4}]},
        "taskDefinitions": [taskdef("web", json!({}))],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": desired,
                      "deploymentConfiguration": {"minimumHealthyPercent": min, "maximumPercent": max, "deploymentCircuitBreaker": breaker}}],
        "behaviors": behaviors,
        "timeline": [
            {"at": "1m", "action": "registerTaskDefinition", "taskDefinition": taskdef("web", v2_extra)},
            {"at": "1m", "action": "updateService", "service": "web", "taskDefinition": "web:2"}
        ]
    })
}

fn start(v: &Value) -> Engine {
    let text = serde_json::to_string_pretty(v).unwrap();
    match parse_scenario(&text, &no_files) {
        Ok(s) => s.start(None),
        Err(d) => panic!("scenario does not load: {d:?}"),
    }
}

/// Run to `until`, checking the invariants (and `check`) after every event.
fn run(e: &mut Engine, until: u64, mut check: impl FnMut(&Engine)) {
    while e.next_due().is_some_and(|t| t <= until) {
        e.step();
        if let Err(m) = invariants::check(e) {
            panic!("invariant broken at {}: {m}", e.now());
        }
        check(e);
    }
    e.run_until(until);
}

fn healthy(e: &Engine, service: &str) -> u32 {
    e.tasks().values().filter(|t| t.service.as_deref() == Some(service) && t.is_healthy()).count() as u32
}

fn live(e: &Engine, service: &str) -> u32 {
    e.tasks().values().filter(|t| t.service.as_deref() == Some(service) && t.is_live()).count() as u32
}

fn running_of(e: &Engine, td: &str) -> usize {
    e.tasks().values().filter(|t| t.task_definition == td && t.last_status == TaskStatus::Running && t.is_live()).count()
}

/// The rolling update as a list of "stop N" / "start N" actions, from deploymentProgress events.
fn actions(e: &Engine) -> Vec<String> {
    let mut out = Vec::new();
    for ev in e.events() {
        if let EventKind::DeploymentProgress { stopped, started, .. } = &ev.kind {
            if *stopped > 0 {
                out.push(format!("stop {stopped}"));
            }
            if *started > 0 {
                out.push(format!("start {started}"));
            }
        }
    }
    out
}

fn kinds(e: &Engine, name: &str) -> usize {
    e.events().iter().filter(|ev| ev.kind.name() == name).count()
}

#[test]
fn course_scenario_one_minimum_50_maximum_100() {
    let mut e = start(&rolling(4, 50, 100, json!({}), json!({}), json!({})));
    let mut min_healthy_during = u32::MAX;
    run(&mut e, 10 * 60_000, |e| {
        if e.now() >= 60_000 && kinds(e, "deploymentCompleted") < 2 {
            min_healthy_during = min_healthy_during.min(healthy(e, "web"));
        }
        assert!(live(e, "web") <= 4, "maximumPercent 100 of 4 allows 4 tasks RUNNING or PENDING");
    });
    assert_eq!(actions(&e), vec!["stop 2", "start 2", "stop 2", "start 2"]);
    assert_eq!(min_healthy_during, 2, "minimumHealthyPercent 50 of 4 keeps 2 healthy, and it does go down to 2");
    assert_eq!(running_of(&e, "web:2"), 4);
    assert_eq!(running_of(&e, "web:1"), 0);
    assert_eq!(kinds(&e, "deploymentCompleted"), 2, "the initial deployment and web:2");
}

#[test]
fn course_scenario_two_minimum_100_maximum_150() {
    let mut e = start(&rolling(4, 100, 150, json!({}), json!({}), json!({})));
    let mut max_live = 0;
    run(&mut e, 10 * 60_000, |e| {
        if e.now() >= 60_000 {
            assert!(healthy(e, "web") >= 4 || e.now() < 5_000, "100 % must stay healthy at {}", e.now());
        }
        max_live = max_live.max(live(e, "web"));
    });
    assert_eq!(actions(&e), vec!["start 2", "stop 2", "start 2", "stop 2"]);
    assert_eq!(max_live, 6, "150 % of 4");
    assert_eq!(running_of(&e, "web:2"), 4);
}

#[test]
fn a_deployment_that_cannot_move_reports_itself_stuck() {
    let mut e = start(&rolling(3, 100, 125, json!({}), json!({}), json!({})));
    run(&mut e, 5 * 60_000, |_| {});
    let stuck: Vec<&EventKind> = e.events().iter().map(|ev| &ev.kind).filter(|k| k.name() == "deploymentStuck").collect();
    assert_eq!(stuck.len(), 1, "reported once");
    match stuck[0] {
        EventKind::DeploymentStuck { reason, .. } => assert_eq!(
            reason,
            "minimumHealthyPercent 100 and maximumPercent 125 of 3 task(s) allow neither stopping an old task (at least 3 must stay healthy; 3 are) nor starting a new one (at most 3 may run; 3 do)"
        ),
        _ => unreachable!(),
    }
    assert_eq!(running_of(&e, "web:1"), 3, "the old tasks keep serving");
}

#[test]
fn circuit_breaker_rolls_back_a_release_whose_image_cannot_be_pulled() {
    let v2 = rolling(4, 100, 200, json!({"image": "example/web:does-not-exist"}), json!({"web:2": {"imagePullFails": true}}), json!({"enable": true, "rollback": true}));
    let mut e = start(&v2);
    run(&mut e, 30 * 60_000, |_| {});
    let failed: Vec<(u32, u32)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::DeploymentFailed { failed_tasks, threshold, .. } => Some((*failed_tasks, *threshold)),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec![(3, 3)], "threshold = max(3, ceil(0.5 × 4)) = 3");
    let rollback = e.events().iter().any(|ev| matches!(&ev.kind, EventKind::DeploymentStarted { rollback: true, task_definition, .. } if task_definition == "web:1"));
    assert!(rollback, "rolled back to the last completed revision");
    assert_eq!(running_of(&e, "web:1"), 4);
    assert_eq!(running_of(&e, "web:2"), 0);
    let stopped_v2 = e.tasks().values().filter(|t| t.task_definition == "web:2").all(|t| t.last_status == TaskStatus::Stopped && t.stop_code.as_deref() != Some("EssentialContainerExited"));
    assert!(stopped_v2);
    let reason = e.tasks().values().find(|t| t.task_definition == "web:2" && t.stop_code.as_deref() == Some("TaskFailedToStart")).and_then(|t| t.stopped_reason.clone()).unwrap();
    assert!(reason.starts_with("CannotPullContainerError"), "{reason}");
    assert_eq!(e.services()["web"].task_definition, "web:1");
}

#[test]
fn without_rollback_a_failed_deployment_stops_launching() {
    let v2 = rolling(4, 100, 200, json!({}), json!({"web:2": {"imagePullFails": true}}), json!({"enable": true, "rollback": false}));
    let mut e = start(&v2);
    run(&mut e, 30 * 60_000, |_| {});
    assert_eq!(kinds(&e, "deploymentFailed"), 1);
    let v2_tasks = e.tasks().values().filter(|t| t.task_definition == "web:2").count();
    assert_eq!(v2_tasks, 4, "the four launched before the breaker tripped, no more");
    assert_eq!(running_of(&e, "web:1"), 4, "minimumHealthyPercent 100 kept the old tasks");
}

#[test]
fn without_a_circuit_breaker_the_throttle_backs_off() {
    let v2 = rolling(1, 100, 200, json!({}), json!({"web:2": {"imagePullFails": true}}), json!({}));
    let mut e = start(&v2);
    run(&mut e, 10 * 60_000, |_| {});
    let delays: Vec<u64> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::ServiceThrottled { retry_in_ms, .. } => Some(*retry_in_ms),
            _ => None,
        })
        .collect();
    assert!(delays.len() >= 5, "{delays:?}");
    assert_eq!(&delays[..5], &[10_000, 20_000, 40_000, 80_000, 160_000]);
    assert_eq!(running_of(&e, "web:1"), 1, "the old task keeps running");
}

#[test]
fn health_check_timing_healthy_then_unhealthy_then_replaced() {
    let hc = json!({"healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10, "retries": 3}});
    let v2 = rolling(2, 100, 200, hc, json!({"web:2": {"failHealthCheckAfter": "25s"}}), json!({}));
    let mut e = start(&v2);
    run(&mut e, 10 * 60_000, |_| {});
    // HEALTHY at the first check (10 s after start), failing from 25 s: checks at 30, 40, 50 s
    // fail → UNHEALTHY at the third (retries 3) → the service replaces it.
    let first_v2 = e.tasks().values().find(|t| t.task_definition == "web:2").unwrap().id.clone();
    let health: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::TaskHealthChanged { task, health } if *task == first_v2 => Some((ev.t, health.clone())),
            _ => None,
        })
        .collect();
    let started = e.tasks()[&first_v2].started_at.unwrap();
    assert_eq!(health, vec![(started + 10_000, "HEALTHY".to_string()), (started + 50_000, "UNHEALTHY".to_string())]);
    assert_eq!(e.tasks()[&first_v2].stopped_reason.as_deref(), Some("Task failed container health checks"));
    assert!(e.tasks().values().filter(|t| t.task_definition == "web:2").count() > 2, "replaced, again and again");
}

#[test]
fn a_release_that_never_gets_healthy_trips_the_breaker_in_stage_two() {
    let hc = json!({"healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10, "retries": 3}});
    let v2 = rolling(2, 100, 200, hc, json!({"web:2": {"failHealthCheckAfter": "0s"}}), json!({"enable": true, "rollback": true}));
    let mut e = start(&v2);
    run(&mut e, 30 * 60_000, |_| {});
    assert_eq!(kinds(&e, "deploymentFailed"), 1);
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::DeploymentStarted { rollback: true, .. })));
    assert_eq!(running_of(&e, "web:1"), 2);
    let failed_v2 = e.tasks().values().filter(|t| t.task_definition == "web:2" && t.stopped_reason.as_deref() == Some("Task failed container health checks")).count();
    assert!(failed_v2 >= 3, "{failed_v2}");
}

fn single(behavior: Value, extra: Value, desired: u32) -> Engine {
    start(&json!({
        "berth": 1, "name": "single", "seed": 3,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "instances": [{"type": "m5.large", "count": 2}]},
        "taskDefinitions": [taskdef("web", extra)],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": desired}],
        "behaviors": {"web": behavior}
    }))
}

#[test]
fn a_memory_leak_ends_in_an_oom_kill_and_a_replacement() {
    let mut e = single(json!({"memoryLeakMibPerMinute": 64.0, "memoryMib": 256}), json!({}), 1);
    run(&mut e, 4 * 60_000 + 10_000, |_| {});
    let first = &e.tasks()["web-1"];
    assert_eq!(first.last_status, TaskStatus::Stopped);
    assert_eq!(first.exit_code, Some(137));
    assert_eq!(first.stopped_reason.as_deref(), Some("OutOfMemoryError: Container killed due to memory usage"));
    // 256 → 512 MiB at 64 MiB/min: 4 minutes after it started.
    assert_eq!(first.stopped_at.unwrap() - first.started_at.unwrap(), 240_000);
    assert!(e.tasks().contains_key("web-2"), "replaced");
}

#[test]
fn stop_timeout_kills_an_app_that_ignores_sigterm() {
    let mut e = single(json!({"shutdownAfter": "60s"}), json!({"stopTimeout": 10}), 1);
    run(&mut e, 30_000, |_| {});
    e.apply(berth::engine::sim::Command::StopTask { task: "web-1".into(), reason: None }).unwrap();
    let asked = e.now();
    run(&mut e, 120_000, |_| {});
    let t = &e.tasks()["web-1"];
    assert_eq!(t.stopped_at, Some(asked + 10_000));
    assert_eq!(t.exit_code, Some(137));
    assert_eq!(t.stop_code.as_deref(), Some("UserInitiated"));
}

#[test]
fn lifecycle_states_and_timings() {
    // bridge mode on EC2: PENDING (pull 150 MB at 50 MB/s = 3 s, start 1 s) → ACTIVATING → RUNNING.
    let mut e = single(json!({}), json!({}), 1);
    run(&mut e, 60_000, |_| {});
    let seq: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::TaskStatus { task, status } if task == "web-1" => Some((ev.t, status.clone())),
            EventKind::TaskRunning { task } if task == "web-1" => Some((ev.t, "RUNNING".into())),
            _ => None,
        })
        .collect();
    assert_eq!(seq, vec![(0, "PENDING".into()), (4_000, "ACTIVATING".into()), (4_000, "RUNNING".into())]);
}

#[test]
fn draining_replaces_tasks_elsewhere_before_stopping_them() {
    let mut e = single(json!({}), json!({}), 2);
    run(&mut e, 30_000, |_| {});
    let on_01: Vec<String> = e.instances()["i-01"].tasks.clone();
    assert_eq!(on_01.len(), 1);
    e.apply(berth::engine::sim::Command::DrainInstance { instance: "i-01".into() }).unwrap();
    let mut min_healthy = u32::MAX;
    run(&mut e, 5 * 60_000, |e| min_healthy = min_healthy.min(healthy(e, "web")));
    assert_eq!(min_healthy, 2, "minimumHealthyPercent 100: the replacement runs before the old task stops");
    assert!(e.instances()["i-01"].tasks.is_empty());
    assert_eq!(e.instances()["i-02"].tasks.len(), 2);
    assert_eq!(e.tasks()[&on_01[0]].stop_code.as_deref(), Some("ServiceSchedulerInitiated"));
}

#[test]
fn an_az_outage_moves_the_service_to_the_surviving_zone() {
    let mut e = single(json!({}), json!({}), 4);
    run(&mut e, 30_000, |_| {});
    e.apply(berth::engine::sim::Command::AzOutage { az: "us-east-1a".into() }).unwrap();
    run(&mut e, 60_000, |_| {});
    let in_b = e.tasks().values().filter(|t| t.is_live() && t.az == "us-east-1b").count();
    let in_a = e.tasks().values().filter(|t| t.is_live() && t.az == "us-east-1a").count();
    assert_eq!((in_a, in_b), (0, 4));
    e.apply(berth::engine::sim::Command::AzRecover { az: "us-east-1a".into() }).unwrap();
    assert_eq!(kinds(&e, "azOutage"), 1);
    assert_eq!(kinds(&e, "azRecovered"), 1);
}

#[test]
fn spot_interruption_warns_drains_and_reclaims_after_two_minutes() {
    let mut e = single(json!({}), json!({}), 2);
    run(&mut e, 30_000, |_| {});
    e.apply(berth::engine::sim::Command::SpotInterruption { instance: Some("i-01".into()), task: None }).unwrap();
    run(&mut e, 30_000 + 119_000, |_| {});
    assert!(e.instances().contains_key("i-01"), "still there during the warning");
    run(&mut e, 30_000 + 121_000, |_| {});
    assert!(!e.instances().contains_key("i-01"), "reclaimed");
    assert_eq!(healthy(&e, "web"), 2);
    assert_eq!(kinds(&e, "spotInterruptionWarning"), 1);
}

#[test]
fn a_batch_job_runs_to_completion_and_is_not_replaced() {
    let mut e = start(&json!({
        "berth": 1, "name": "batch", "cluster": {"instances": [{"type": "m5.large"}]},
        "taskDefinitions": [taskdef("job", json!({}))],
        "runTasks": [{"taskDefinition": "job", "count": 2}],
        "behaviors": {"job": {"exitAfter": "30s", "exitCode": 0}}
    }));
    run(&mut e, 5 * 60_000, |_| {});
    let done: Vec<(Option<i32>, Option<String>)> = e.tasks().values().map(|t| (t.exit_code, t.stop_code.clone())).collect();
    assert_eq!(done, vec![(Some(0), Some("EssentialContainerExited".into())); 2]);
    assert_eq!(e.tasks().len(), 2);
}

#[test]
fn bounds_from_the_issue() {
    assert_eq!(bounds(4, 50, 200).0, 2);
    assert_eq!(bounds(2, 75, 200).0, 2);
    assert_eq!(bounds(3, 100, 125).1, 3);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Across desired counts, percentages and failing releases: never fewer healthy tasks than
        /// the lower bound (after the service first became steady) unless the deployment reported
        /// itself stuck or failed; never more live tasks than the upper bound; and with a good
        /// release and room, the deployment completes.
        #[test]
        fn rolling_updates_respect_their_bounds(desired in 1u32..7, min in prop::sample::select(vec![0u32, 25, 50, 75, 100]), max in prop::sample::select(vec![100u32, 125, 150, 200]), broken in any::<bool>(), fail_after in 5u32..40) {
            let behaviors = if broken { json!({"web:2": {"exitAfter": format!("{fail_after}s")}}) } else { json!({}) };
            let mut e = start(&rolling(desired, min, max, json!({}), behaviors, json!({})));
            let (lower, upper) = bounds(desired, min, max);
            let mut violation = None;
            run(&mut e, 20 * 60_000, |e| {
                if e.now() < 60_000 { return; }
                let l = live(e, "web");
                if l > upper.max(desired) { violation = Some(format!("{l} live > {upper} at {}", e.now())); }
                let h = healthy(e, "web");
                let excused = kinds(e, "deploymentStuck") > 0 || broken;
                if h < lower && !excused { violation = Some(format!("{h} healthy < {lower} at {}", e.now())); }
            });
            prop_assert!(violation.is_none(), "{:?}", violation);
            let stuck = kinds(&e, "deploymentStuck") > 0;
            if !broken && !stuck {
                prop_assert_eq!(running_of(&e, "web:2"), desired as usize);
            }
            if !broken && (min == 100 && upper <= desired) {
                prop_assert!(stuck, "min 100 with no room above desired must report stuck");
            }
        }
    }
}

#[test]
fn force_new_deployment_replaces_every_task_of_the_same_revision() {
    let mut e = single(json!({}), json!({}), 2);
    run(&mut e, 30_000, |_| {});
    let before: Vec<String> = e.tasks().keys().cloned().collect();
    e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: None, force_new_deployment: true, placement_strategy: None, placement_constraints: None }).unwrap();
    run(&mut e, 5 * 60_000, |_| {});
    for id in &before {
        assert_eq!(e.tasks()[id].last_status, TaskStatus::Stopped, "{id} replaced");
    }
    assert_eq!(healthy(&e, "web"), 2);
    assert_eq!(kinds(&e, "deploymentCompleted"), 2);
}

#[test]
fn a_partial_deployment_configuration_keeps_the_other_fields() {
    let mut e = start(&rolling(4, 50, 100, json!({}), json!({}), json!({"enable": true, "rollback": true})));
    run(&mut e, 30_000, |_| {});
    let patch: berth::engine::deployment::DeploymentConfigurationPatch = serde_json::from_value(json!({"maximumPercent": 150})).unwrap();
    e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: Some(patch), force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    let cfg = &e.services()["web"].config;
    assert_eq!((cfg.minimum_healthy_percent, cfg.maximum_percent, cfg.deployment_circuit_breaker.enable), (50, 150, true));
}

#[test]
fn scaling_in_tasks_that_are_still_starting_does_not_throttle() {
    let mut e = single(json!({}), json!({}), 4);
    run(&mut e, 1_000, |_| {});
    e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: Some(1), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    run(&mut e, 60_000, |_| {});
    assert_eq!(kinds(&e, "serviceThrottled"), 0);
    assert_eq!(healthy(&e, "web"), 1);
}

#[test]
fn fargate_spot_interruption_sigterm_at_the_warning_and_a_replacement() {
    let mut e = start(&json!({
        "berth": 1, "name": "fspot", "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "api", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
                             "containerDefinitions": [{"name": "api", "image": "example/api:1"}]}],
        "services": [{"serviceName": "api", "taskDefinition": "api", "desiredCount": 1, "launchType": "FARGATE"}],
        "behaviors": {"api": {"shutdownAfter": "300s"}}
    }));
    run(&mut e, 60_000, |_| {});
    e.apply(berth::engine::sim::Command::SpotInterruption { instance: None, task: Some("api-1".into()) }).unwrap();
    run(&mut e, 60_000 + 20_000, |_| {});
    // The replacement is already on its way while api-1 shuts down.
    assert!(e.tasks().contains_key("api-2"));
    assert_eq!(e.tasks()["api-1"].desired_status, TaskStatus::Stopped);
    run(&mut e, 60_000 + 121_000, |_| {});
    let t = &e.tasks()["api-1"];
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert!(t.stopped_at.unwrap() <= 60_000 + 120_000, "reclaimed within two minutes (stopTimeout 30 s here)");
    assert_eq!(t.stop_code.as_deref(), Some("SpotInterruption"));
}

#[test]
fn force_with_the_current_revision_named_also_replaces_every_task() {
    let mut e = single(json!({}), json!({}), 2);
    run(&mut e, 30_000, |_| {});
    let before: Vec<String> = e.tasks().keys().cloned().collect();
    e.apply(berth::engine::sim::Command::UpdateService { service: "web".into(), desired_count: None, task_definition: Some("web:1".into()), deployment_configuration: None, force_new_deployment: true, placement_strategy: None, placement_constraints: None }).unwrap();
    run(&mut e, 5 * 60_000, |_| {});
    assert!(before.iter().all(|id| e.tasks()[id].last_status == TaskStatus::Stopped));
    assert_eq!(healthy(&e, "web"), 2);
}

#[test]
fn the_service_summary_counts_stopping_tasks_apart_from_pending_ones() {
    // minimumHealthyPercent 50: the rollout first stops two web:1 tasks, then starts two web:2.
    let mut e = start(&rolling(4, 50, 100, json!({}), json!({}), json!({})));
    let (mut saw_stopping, mut saw_pending) = (false, false);
    run(&mut e, 10 * 60_000, |e| {
        let snap = e.snapshot();
        let v = snap.services.iter().find(|v| v.name == "web").expect("web in the snapshot");
        let of = |f: &dyn Fn(TaskStatus) -> bool| snap.tasks.iter().filter(|t| t.service.as_deref() == Some("web") && f(t.last_status)).count() as u32;
        assert_eq!(v.pending, of(&|s| matches!(s, TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating)), "at {}", e.now());
        assert_eq!(v.stopping, of(&|s| matches!(s, TaskStatus::Deactivating | TaskStatus::Stopping | TaskStatus::Deprovisioning)), "at {}", e.now());
        assert_eq!(v.running + v.pending + v.stopping, of(&|_| true), "every task counted once, at {}", e.now());
        saw_stopping |= v.stopping > 0;
        saw_pending |= v.pending > 0;
    });
    assert!(saw_stopping, "the web:1 tasks on their way out were never counted as stopping");
    assert!(saw_pending, "the web:2 tasks starting were never shown as pending");
}
