//! Property tests for Service Auto Scaling inside the simulation: whatever the load does, the
//! desired count never leaves [min, max]; two scale-ins are never closer than the scale-in
//! cooldown; a scale-out never follows another within the scale-out cooldown unless it adds more
//! tasks than the one before (Application Auto Scaling's rule); and the same seed gives the same log.

use berth::engine::event::EventKind;
use berth::engine::invariants;
use berth::engine::scenario::parse_scenario;
use berth::engine::time::{MINUTE, SECOND};
use proptest::prelude::*;
use serde_json::json;

fn scenario(min: u32, max: u32, start: u32, steps: &[(u64, f64)], out_cd: u64, in_cd: u64) -> String {
    let steps: Vec<_> = steps.iter().map(|(m, r)| json!([format!("{m}m"), r])).collect();
    json!({
        "berth": 1, "name": "prop", "seed": 5,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": start, "launchType": "FARGATE",
            "autoScaling": {"minCapacity": min, "maxCapacity": max, "targetTracking": [
                {"metric": "ECSServiceAverageCPUUtilization", "target": 60, "scaleOutCooldown": format!("{out_cd}s"), "scaleInCooldown": format!("{in_cd}s")}]}}],
        "traffic": [{"service": "web", "load": {"shape": "step", "steps": steps}}]
    })
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn scaling_stays_in_range_and_respects_cooldowns(
        min in 1u32..4,
        span in 0u32..10,
        start_off in 0u32..12,
        loads in prop::collection::vec(0.0f64..400.0, 1..6),
        out_cd in 30u64..300,
        in_cd in 60u64..600,
    ) {
        let max = min + span;
        let start = (min + start_off).min(max);
        let steps: Vec<(u64, f64)> = loads.iter().enumerate().map(|(i, r)| (i as u64 * 10, *r)).collect();
        let text = scenario(min, max, start, &steps, out_cd, in_cd);
        let s = parse_scenario(&text, &|n: &str| Err(format!("{n}"))).map_err(|d| TestCaseError::fail(format!("{d:?}")))?;
        let run = || {
            let mut e = s.start(None);
            let end = (loads.len() as u64 * 10 + 20) * MINUTE;
            while e.now() < end && e.step() {
                if let Err(v) = invariants::check(&e) {
                    return Err(v);
                }
            }
            Ok(e)
        };
        let e = run().map_err(|v| TestCaseError::fail(v))?;
        let mut last_out: Option<(u64, u32)> = None;
        let mut last_in: Option<u64> = None;
        for ev in e.events() {
            if let EventKind::ScalingActivity { from, to, .. } = &ev.kind {
                prop_assert!((min..=max).contains(to), "{ev:?}");
                if to > from {
                    if let Some((t, added)) = last_out {
                        prop_assert!(ev.t >= t + out_cd * SECOND || to - from > added, "scale-out within the cooldown: {ev:?}");
                    }
                    last_out = Some((ev.t, to - from));
                    // A scale-out ends the scale-in cooldown.
                    last_in = None;
                } else if to < from {
                    if let Some(t) = last_in {
                        prop_assert!(ev.t >= t + in_cd * SECOND, "scale-in within the cooldown: {ev:?}");
                    }
                    last_in = Some(ev.t);
                }
            }
        }
        for sv in e.snapshot().services {
            prop_assert!((min..=max).contains(&sv.desired));
        }
        let again = run().map_err(|v| TestCaseError::fail(v))?;
        prop_assert_eq!(e.log_hash(), again.log_hash());
    }
}

/// The property above is only worth something if scaling happens: a load step up and down
/// produces both directions within its window.
#[test]
fn the_property_scenario_scales_both_ways() {
    let text = scenario(1, 8, 2, &[(0, 20.0), (10, 300.0), (20, 10.0)], 60, 120);
    let s = parse_scenario(&text, &|n: &str| Err(n.to_string())).expect("parses");
    let mut e = s.start(None);
    e.run_until(60 * MINUTE);
    let acts: Vec<(u32, u32)> = e.events().iter().filter_map(|ev| match &ev.kind { EventKind::ScalingActivity { from, to, .. } => Some((*from, *to)), _ => None }).collect();
    assert!(acts.iter().any(|(f, t)| t > f) && acts.iter().any(|(f, t)| t < f), "{acts:?}");
}

/// Simulator finding (seed 2876): Application Auto Scaling clamped a desired count set above
/// MaxCapacity back down while the service was replacing a task on a DRAINING instance at
/// minimumHealthyPercent 100 / maximumPercent 100. The scheduler started no stop, so 3 tasks were
/// RUNNING or PENDING against maximumPercent's 2 until the new task came up. It must get back under
/// the ceiling in the same step, stopping the task it was replacing anyway.
#[test]
fn a_clamp_below_the_running_tasks_stops_the_draining_task_at_once() {
    let text = json!({
        "berth": 1, "name": "clamp during drain", "seed": 7,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
            "instances": [{"type": "t3.medium", "az": "us-east-1a"}, {"type": "t3.medium", "az": "us-east-1b"}, {"type": "t3.medium", "az": "us-east-1c"}]},
        "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "app", "image": "example/web:1", "cpu": 256, "memory": 256, "essential": true, "portMappings": [{"containerPort": 8080}]}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 2,
            "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 100},
            "autoScaling": {"minCapacity": 0, "maxCapacity": 2, "targetTracking": [{"metric": "ECSServiceAverageCPUUtilization", "target": 60}]}}],
        "timeline": [
            {"at": "30s", "action": "drainInstance", "instance": "i-01"},
            {"at": "119s", "action": "updateService", "service": "web", "desiredCount": 3}
        ]
    })
    .to_string();
    let s = parse_scenario(&text, &|n: &str| Err(n.to_string())).expect("parses");
    let mut e = s.start(None);
    while e.now() < 125 * SECOND && e.step() {
        if let Err(v) = invariants::check(&e) {
            panic!("at {} ms: {v}", e.now());
        }
    }
    let lines: Vec<String> = e.events().iter().filter(|ev| (119 * SECOND..=123 * SECOND).contains(&ev.t)).map(|ev| serde_json::to_string(ev).unwrap()).collect();
    let want = [
        r#"{"t":119000,"type":"serviceUpdated","service":"web","taskDefinition":"web:1","desiredCount":3}"#,
        r#"{"t":119000,"type":"taskPlaced","task":"web-3","group":"service:web","taskDefinition":"web:1","service":"web","instance":"i-02","az":"us-east-1b","hostPorts":[32768],"why":"spread(attribute:ecs.availability-zone): us-east-1b has 0 of service:web"}"#,
        r#"{"t":119000,"type":"taskStatus","task":"web-3","status":"PENDING"}"#,
        r#"{"t":119000,"type":"deploymentProgress","service":"web","deployment":1,"started":1,"stopped":0,"oldRunning":1,"oldHealthy":1,"newRunning":1,"newHealthy":1}"#,
        // The clamp, and in the same step the stop that brings 3 live tasks back to 2.
        r#"{"t":120000,"type":"scalingActivity","service":"web","policy":"target tracking","from":3,"to":2,"cause":"3 is above MaxCapacity 2; CPUUtilization = 0"}"#,
        r#"{"t":120000,"type":"serviceUpdated","service":"web","taskDefinition":"web:1","desiredCount":2}"#,
        r#"{"t":120000,"type":"taskStopping","task":"web-1","stopCode":"ServiceSchedulerInitiated","reason":"Container instance i-01 is draining: replaced on another instance"}"#,
        r#"{"t":120000,"type":"taskStatus","task":"web-1","status":"DEACTIVATING"}"#,
        r#"{"t":120000,"type":"taskStatus","task":"web-1","status":"STOPPING"}"#,
        r#"{"t":120000,"type":"deploymentProgress","service":"web","deployment":1,"started":0,"stopped":1,"oldRunning":0,"oldHealthy":0,"newRunning":1,"newHealthy":1}"#,
        r#"{"t":121000,"type":"taskStopped","task":"web-1","stopCode":"ServiceSchedulerInitiated","reason":"Container instance i-01 is draining: replaced on another instance"}"#,
        r#"{"t":123000,"type":"taskStatus","task":"web-3","status":"ACTIVATING"}"#,
        r#"{"t":123000,"type":"taskRunning","task":"web-3"}"#,
        r#"{"t":123000,"type":"serviceSteadyState","service":"web"}"#,
    ];
    assert_eq!(lines, want, "events from 119 s to 123 s");
    // The drained instance is empty and the service runs its 2 tasks elsewhere.
    let snap = e.snapshot();
    let web = snap.services.iter().find(|s| s.name == "web").expect("service web");
    assert_eq!((web.desired, web.running, web.pending), (2, 2, 0));
}
