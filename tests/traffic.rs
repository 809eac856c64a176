//! Traffic, load balancing, metrics, alarms and Service Auto Scaling through whole scenarios:
//! exact scaling sequences, health transitions and numbers a learner can check by hand.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use berth::engine::time::{MINUTE, SECOND};
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::{no_files, start};

fn lab() -> Engine {
    let text = std::fs::read_to_string("docs/examples/scenarios/autoscaling-lab.json").expect("the lab scenario is committed");
    let files = |n: &str| std::fs::read_to_string(format!("docs/examples/scenarios/{n}")).map_err(|e| e.to_string());
    parse_scenario(&text, &files).expect("the lab scenario parses").start(None)
}

/// (time in seconds, from, to) of every scaling activity.
fn scaling(e: &Engine) -> Vec<(u64, u32, u32)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::ScalingActivity { from, to, .. } => Some((ev.t / SECOND, *from, *to)),
            _ => None,
        })
        .collect()
}

/// A Fargate service of `desired` 0.5-vCPU tasks (50 requests/s each at 100 % CPU) with `extra`
/// service fields, and the top-level fields in `top`.
fn fargate(desired: u32, extra: Value, top: Value) -> Value {
    let mut svc = json!({"serviceName": "web", "taskDefinition": "web", "desiredCount": desired, "launchType": "FARGATE"});
    for (k, v) in extra.as_object().cloned().unwrap_or_default() {
        svc[k] = v;
    }
    let mut s = json!({
        "berth": 1, "name": "traffic", "seed": 3,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
            "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true, "portMappings": [{"containerPort": 8080}]}]}],
        "behaviors": {"web": {"cpuMsPerRequest": 10, "baseLatencyMs": 20, "memoryMib": 256, "memoryPerRequestMib": 1}},
        "services": [svc]
    });
    for (k, v) in top.as_object().cloned().unwrap_or_default() {
        s[k] = v;
    }
    s
}

#[test]
fn the_course_lab_scales_out_with_the_ramp_and_back_in_after_the_cooldowns() {
    let mut e = lab();
    e.run_until(90 * MINUTE);
    // Out: 3 one-minute datapoints above 70 % CPU; proportional (ceil(current × cpu / 70)),
    // no faster than the 60 s scale-out cooldown allows for an equal step.
    // In: 15 datapoints below 63 % (0.9 × 70), then one task (10 %, at least 1) per 300 s.
    assert_eq!(
        scaling(&e),
        vec![(840, 3, 5), (1080, 5, 7), (1380, 7, 8), (2460, 8, 7), (2760, 7, 6), (3060, 6, 5), (3360, 5, 4), (3660, 4, 3), (3960, 3, 2)]
    );
    let snap = e.snapshot();
    let web = &snap.services[0];
    assert_eq!((web.desired, web.running), (2, 2));
    let sc = web.scaling.as_ref().expect("the service has a scalable target");
    assert_eq!((sc.min, sc.max), (2, 10));
    assert_eq!(sc.policies, vec!["cpu-target-tracking", "memory-target-tracking"]);
    // Never outside [min, max].
    for (_, from, to) in scaling(&e) {
        assert!((2..=10).contains(&from) && (2..=10).contains(&to));
    }
}

#[test]
fn the_lab_cpu_metric_follows_the_model() {
    let mut e = lab();
    e.run_until(10 * MINUTE);
    // At 9–10 min the ramp gives 20 + 230 × (t − 5 min)/15 min requests/s over 3 tasks of
    // 50 requests/s: CPU = offered / 150. The minute's datapoint averages its 60 ticks
    // (t = 9:01 … 10:00), i.e. the rate at 9:30.5 → 20 + 230 × 270.5/900 = 89.127 rps.
    let (t, cpu) = e.metrics().latest("myapp-service/CPUUtilization").expect("a datapoint every minute");
    assert_eq!(t, 10 * MINUTE);
    let expected = 100.0 * (20.0 + 230.0 * 270.5 / 900.0) / 150.0;
    assert!((cpu - expected).abs() < 1e-9, "{cpu} vs {expected}");
    // RequestCount is the sum over the minute; RequestCountPerTarget divides by healthy targets.
    let (_, n) = e.metrics().latest("myapp-service/RequestCount").unwrap();
    assert!((n - 60.0 * (20.0 + 230.0 * 270.5 / 900.0)).abs() < 1e-6, "{n}");
    let (_, per) = e.metrics().latest("myapp-service/RequestCountPerTarget").unwrap();
    assert!((per - n / 3.0).abs() < 1e-9);
    // Cluster metrics are EC2-only: a Fargate-only cluster has none.
    assert!(e.metrics().latest("cluster/CPUReservation").is_none());
}

#[test]
fn targets_need_two_passing_checks_and_scale_in_waits_for_the_deregistration_delay() {
    let mut e = lab();
    e.run_until(70 * MINUTE);
    let kinds: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter(|ev| ev.kind.task() == Some("myapp-task-1") && ev.kind.name().starts_with("target"))
        .map(|ev| (ev.t, ev.kind.name().to_string()))
        .collect();
    let running = e.events().iter().find(|ev| matches!(&ev.kind, EventKind::TaskRunning { task } if task == "myapp-task-1")).map(|ev| ev.t).unwrap();
    assert_eq!(kinds[0], (running, "targetRegistered".into()));
    // Checks every 30 s after registration; healthy after 2 passes.
    assert_eq!(kinds[1], (running + 60 * SECOND, "targetHealthChanged".into()));
    let draining = kinds.iter().find(|k| k.1 == "targetDraining").map(|k| k.0).expect("the task is scaled in");
    let stopped = e.events().iter().find(|ev| matches!(&ev.kind, EventKind::TaskStopped { task, .. } if task == "myapp-task-1")).map(|ev| ev.t).unwrap();
    // 300 s deregistration delay, then SIGTERM (the app exits in 1 s), then the ENI detaches.
    assert!(stopped >= draining + 300 * SECOND && stopped <= draining + 305 * SECOND, "drained at {draining}, stopped at {stopped}");
    assert_eq!(kinds.last().map(|k| k.1.as_str()), Some("targetDeregistered"));
}

#[test]
fn overload_is_rejected_with_503_and_latency_grows_as_m_m_1() {
    // 2 tasks × 50 requests/s capacity, 150 offered: each saturated task answers 50 and rejects 25.
    let s = fargate(2, json!({}), json!({"traffic": [{"service": "web", "load": {"shape": "constant", "rps": 150}}]}));
    let mut e = start(&s);
    e.run_until(2 * MINUTE);
    let snap = e.snapshot();
    let load = snap.services[0].load.as_ref().expect("live traffic");
    assert_eq!((load.offered_rps, load.served_rps, load.rejected_rps), (150.0, 100.0, 50.0));
    assert!((load.cpu_percent - 100.0).abs() < 1e-9);
    assert!((load.error_percent() - 100.0 / 3.0).abs() < 1e-9);
    // ρ capped at 0.99: mean wait = 20 ms / 0.01 = 2 s, plus 20 ms base.
    assert!((load.mean_latency_ms.unwrap() - 2020.0).abs() < 1e-6);
    let (_, five) = e.metrics().latest("web/HTTPCode_Target_5XX_Count").unwrap();
    assert!((five - 50.0 * 60.0).abs() < 1e-6);
    // Half the load: ρ = 0.75, mean = 20 + 20/(1 − 0.75) = 100 ms; p95 = 20 + 80 ln 20.
    let mut e = start(&fargate(2, json!({}), json!({"traffic": [{"service": "web", "load": {"shape": "constant", "rps": 75}}]})));
    e.run_until(2 * MINUTE);
    let snap = e.snapshot();
    let load = snap.services[0].load.as_ref().unwrap();
    assert!((load.mean_latency_ms.unwrap() - 100.0).abs() < 1e-9);
    assert!((load.p95_ms.unwrap() - (20.0 + 80.0 * 20f64.ln())).abs() < 1e-6);
    let t = &snap.tasks[0];
    let u = t.usage.as_ref().unwrap();
    assert!((u.cpu_percent - 75.0).abs() < 1e-9);
    // 256 MiB working set + (37.5 req/s × 0.1 s in flight) × 1 MiB.
    assert!((u.memory_mib - (256.0 + 3.75)).abs() < 1e-9);
    assert!(t.ip.as_deref().is_some_and(|ip| ip.starts_with("10.0.")));
}

#[test]
fn an_app_failing_its_health_endpoint_is_replaced_after_the_grace_period() {
    let s = fargate(
        1,
        json!({"healthCheckGracePeriodSeconds": 120, "loadBalancer": {"healthCheck": {"interval": "10s", "healthyThreshold": 2, "unhealthyThreshold": 2}, "deregistrationDelay": "30s"}}),
        json!({"behaviors": {"web": {"failHealthCheckAfter": "5m"}}}),
    );
    let mut e = start(&s);
    e.run_until(8 * MINUTE);
    let health: Vec<(String, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::TargetHealthChanged { task, state, .. } => Some((task.clone(), state.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(&health[..2], &[("web-1".to_string(), "healthy".to_string()), ("web-1".to_string(), "unhealthy".to_string())]);
    let stopping = e
        .events()
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::TaskStopping { task, reason, .. } if task == "web-1" => Some(reason.clone()),
            _ => None,
        })
        .expect("the unhealthy target's task is stopped");
    assert_eq!(stopping, "Task failed ELB health checks in (target-group web-tg)");
    assert!(e.tasks().contains_key("web-2"), "and replaced");
}

#[test]
fn a_target_still_unhealthy_when_the_grace_period_ends_is_replaced_at_the_next_check() {
    // Checks every 10 s after registration, unhealthy after 2 failures: the target turns
    // unhealthy 20 s after the task started, inside the 65 s grace period, so ECS ignores it then.
    // The first check after the grace period (70 s; the one at 60 s is still inside it) finds it
    // still unhealthy, and the service replaces the task.
    let s = fargate(
        1,
        json!({"healthCheckGracePeriodSeconds": 65, "loadBalancer": {"healthCheck": {"interval": "10s", "healthyThreshold": 2, "unhealthyThreshold": 2}, "deregistrationDelay": "30s"}}),
        json!({"behaviors": {"web": {"readyAfter": "2h"}}}),
    );
    let mut e = start(&s);
    e.run_until(5 * MINUTE);
    let at = |pred: &dyn Fn(&EventKind) -> bool| e.events().iter().find(|ev| pred(&ev.kind)).map(|ev| ev.t);
    let running = at(&|k| matches!(k, EventKind::TaskRunning { task } if task == "web-1")).expect("web-1 runs");
    let unhealthy = at(&|k| matches!(k, EventKind::TargetHealthChanged { task, state, .. } if task == "web-1" && state == "unhealthy"));
    assert_eq!(unhealthy, Some(running + 20 * SECOND));
    let stopping: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::TaskStopping { task, reason, .. } if task == "web-1" => Some(((ev.t - running) / SECOND, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(stopping, vec![(70, "Task failed ELB health checks in (target-group web-tg)".to_string())]);
    let draining = at(&|k| matches!(k, EventKind::TargetDraining { task, .. } if task == "web-1"));
    assert_eq!(draining, Some(running + 70 * SECOND));
    assert!(e.tasks().contains_key("web-2"), "and replaced");
}

#[test]
fn fail_open_when_no_target_is_healthy() {
    // The app never passes its health check: targets go unhealthy, yet the ALB still sends
    // them requests (fail open) rather than answering 503 itself. A long grace period keeps
    // ECS from replacing them in this window.
    let s = fargate(
        2,
        json!({"healthCheckGracePeriodSeconds": 3600, "loadBalancer": {"healthCheck": {"interval": "10s"}}}),
        json!({"behaviors": {"web": {"readyAfter": "2h"}}, "traffic": [{"service": "web", "load": {"shape": "constant", "rps": 10}}]}),
    );
    let mut e = start(&s);
    e.run_until(3 * MINUTE);
    let snap = e.snapshot();
    assert!(snap.tasks.iter().all(|t| t.target.as_deref() == Some("unhealthy")));
    let load = snap.services[0].load.as_ref().unwrap();
    assert_eq!((load.routable_targets, load.healthy_targets, load.no_target_rps), (2, 0, 0.0));
}

#[test]
fn step_scaling_from_an_alarm() {
    let s = fargate(
        2,
        json!({"autoScaling": {"minCapacity": 1, "maxCapacity": 6, "stepScaling": [
            {"name": "out", "alarm": "cpu-high", "steps": [{"lower": 0, "upper": 20, "adjustment": 1}, {"lower": 20, "adjustment": 3}], "cooldown": "2m"}]}}),
        json!({
            "alarms": [{"name": "cpu-high", "service": "web", "metric": "CPUUtilization", "comparison": "GreaterThanThreshold", "threshold": 60, "evaluationPeriods": 2}],
            "traffic": [{"service": "web", "load": {"shape": "constant", "rps": 85}}]
        }),
    );
    let mut e = start(&s);
    e.run_until(10 * MINUTE);
    // 85 requests/s over 2 tasks of 50: CPU 85 % — 25 above the threshold → +3 (the second step).
    // The alarm needs 2 of 2 breaching minutes (datapoints at 1:00 and 2:00), so it fires at 2:00.
    let alarm: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::AlarmStateChanged { state, .. } => Some((ev.t / SECOND, state.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(alarm[..2], [(60, "OK".to_string()), (120, "ALARM".to_string())]);
    assert_eq!(scaling(&e)[0], (120, 2, 5));
    // With 5 tasks CPU falls to 34 %: the alarm returns to OK and nothing more happens.
    assert_eq!(scaling(&e).len(), 1);
    assert_eq!(e.snapshot().alarms[0].state, "OK");
}

#[test]
fn scheduled_actions_move_capacity_into_the_new_range() {
    let s = fargate(
        2,
        json!({"autoScaling": {"minCapacity": 1, "maxCapacity": 10, "scheduled": [
            {"name": "morning", "schedule": "cron(0 9 * * ? *)", "minCapacity": 6},
            {"name": "evening", "schedule": "cron(0 18 * * ? *)", "minCapacity": 1, "maxCapacity": 3}]}}),
        json!({"startTime": "2026-03-02T08:00:00Z"}),
    );
    let mut e = start(&s);
    e.run_until(11 * 3600 * SECOND);
    // 09:00 is 1 h after the start, 18:00 is 10 h after.
    assert_eq!(scaling(&e), vec![(3600, 2, 6), (36000, 6, 3)]);
    let sc = e.snapshot().services[0].scaling.clone().unwrap();
    assert_eq!((sc.min, sc.max), (1, 3));
}

#[test]
fn service_discovery_records_follow_healthy_tasks() {
    let s = fargate(3, json!({"serviceDiscovery": {"namespace": "internal.example.com"}}), json!({"timeline": [{"at": "2m", "action": "stopTask", "task": "web-2"}]}));
    let mut e = start(&s);
    e.run_until(MINUTE);
    let dns = e.snapshot().dns;
    assert_eq!(dns.len(), 1);
    assert_eq!(dns["web.internal.example.com"].len(), 3);
    let ip2 = e.snapshot().tasks.iter().find(|t| t.id == "web-2").and_then(|t| t.ip.clone()).unwrap();
    e.run_until(2 * MINUTE + 30 * SECOND);
    let after = &e.snapshot().dns["web.internal.example.com"];
    assert!(!after.contains(&ip2), "the stopped task's record is gone: {after:?}");
}

#[test]
fn cost_of_fargate_tasks() {
    // Two tasks of 0.5 vCPU and 1 GB: 2 × (0.5 × 0.04048 + 1 × 0.004445) = $0.04937 per hour.
    let mut e = start(&fargate(2, json!({}), json!({})));
    e.run_until(3600 * SECOND);
    let c = e.snapshot().cost;
    assert!((c.fargate_hourly_usd - 0.04937).abs() < 1e-12, "{}", c.fargate_hourly_usd);
    assert!((c.by_service["web"] - 0.04937).abs() < 1e-12);
    // Billed from launch: one hour of both tasks.
    assert!((c.total_usd - 0.04937).abs() < 1e-9, "{}", c.total_usd);
}

#[test]
fn cost_of_ec2_on_demand_and_spot() {
    let s = json!({
        "berth": 1, "name": "cost", "seed": 1,
        "cluster": {"availabilityZones": ["us-east-1a"], "instances": [
            {"type": "m5.large", "count": 1}, {"type": "m5.large", "count": 1, "attributes": {"lifecycle": "spot"}}]},
        "timeline": [{"at": "30m", "action": "terminateInstance", "instance": "i-02"}]
    });
    let mut e = start(&s);
    e.run_until(3600 * SECOND);
    let c = e.snapshot().cost;
    let od = berth::engine::pricing::ec2_hourly("m5.large", berth::engine::pricing::Purchase::OnDemand).unwrap();
    let spot = berth::engine::pricing::ec2_hourly("m5.large", berth::engine::pricing::Purchase::Spot).unwrap();
    assert_eq!((c.ec2_on_demand_hourly_usd, c.ec2_spot_hourly_usd), (od, 0.0));
    // An hour on demand plus the Spot instance's half hour.
    assert!((c.total_usd - (od + spot / 2.0)).abs() < 1e-9, "{} vs {}", c.total_usd, od + spot / 2.0);
    assert!((c.idle_hourly_usd - od).abs() < 1e-12, "no tasks: all capacity idle");
}

#[test]
fn invalid_traffic_settings_point_at_their_entry() {
    let bad = fargate(1, json!({"autoScaling": {"minCapacity": 5, "maxCapacity": 2}}), json!({}));
    let err = parse_scenario(&bad.to_string(), &no_files).unwrap_err();
    assert_eq!(err[0].message, "autoScaling: minCapacity 5 is greater than maxCapacity 2");
    let bad = fargate(1, json!({}), json!({"traffic": [{"service": "api", "load": {"shape": "constant", "rps": 5}}]}));
    let err = parse_scenario(&bad.to_string(), &no_files).unwrap_err();
    assert!(err[0].message.contains("\"api\""), "{}", err[0].message);
    let bad = fargate(1, json!({"autoScaling": {"minCapacity": 1, "maxCapacity": 2, "stepScaling": [{"name": "s", "alarm": "nope", "steps": [{"lower": 0, "adjustment": 1}]}]}}), json!({}));
    let err = parse_scenario(&bad.to_string(), &no_files).unwrap_err();
    assert_eq!(err[0].message, "step scaling policy \"s\" uses alarm \"nope\", which does not exist (alarms: none)");
}

#[test]
fn the_same_seed_gives_the_same_log_with_traffic() {
    let mut a = lab();
    let mut b = lab();
    a.run_until(45 * MINUTE);
    b.run_until(45 * MINUTE);
    assert_eq!(a.log_hash(), b.log_hash());
    assert_eq!(a.snapshot(), b.snapshot());
}

#[test]
fn scenarios_without_traffic_never_tick() {
    let s = json!({"berth": 1, "name": "quiet", "cluster": {"availabilityZones": ["us-east-1a"], "instances": [{"type": "m5.large"}]}});
    let mut e = start(&s);
    e.run_until(MINUTE);
    assert_eq!(e.next_due(), None, "nothing queued: no traffic tick");
}

#[test]
fn queue_workers_drain_a_backlog_and_scale_on_backlog_per_task() {
    // Workers of 0.25 vCPU at 50 ms of CPU per message process 5 messages/s each; 20 arrive per
    // second. Two workers fall behind by 10 per second until target tracking on BacklogPerTask
    // (target 100 messages per task) adds workers.
    let s = json!({
        "berth": 1, "name": "queue", "seed": 4,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true},
        "taskDefinitions": [{"family": "worker", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "worker", "image": "example/worker:1", "essential": true}]}],
        "behaviors": {"worker": {"cpuMsPerRequest": 50}},
        "services": [{"serviceName": "worker", "taskDefinition": "worker", "desiredCount": 2, "launchType": "FARGATE",
            "autoScaling": {"minCapacity": 2, "maxCapacity": 12, "targetTracking": [{"name": "backlog", "metric": "BacklogPerTask", "target": 100, "scaleOutCooldown": "60s"}]}}],
        "queues": [{"name": "jobs", "service": "worker", "arrival": {"shape": "step", "steps": [["0s", 20], ["20m", 0]]}}]
    });
    let mut e = start(&s);
    e.run_until(MINUTE);
    let running_at = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::TaskRunning { .. })).map(|ev| ev.t).max().unwrap();
    // Ticks at 1 s … 60 s; both workers process from the first tick at or after they run.
    let working_ticks = (1..=60u64).filter(|k| k * SECOND >= running_at).count() as f64;
    let (_, visible) = e.metrics().latest("jobs/ApproximateNumberOfMessagesVisible").unwrap();
    assert!((visible - (20.0 * 60.0 - 10.0 * working_ticks)).abs() < 1e-6, "{visible}, running at {running_at}");
    let (_, per_task) = e.metrics().latest("worker/BacklogPerTask").unwrap();
    assert!((per_task - visible / 2.0).abs() < 1e-9);
    let (_, cpu) = e.metrics().latest("worker/CPUUtilization").unwrap();
    assert!(cpu > 90.0, "busy workers: {cpu}");
    // Scales out on the backlog, then the queue drains after arrivals stop.
    e.run_until(40 * MINUTE);
    assert!(scaling(&e).iter().any(|(_, from, to)| to > from), "{:?}", scaling(&e));
    assert_eq!(e.queues()["jobs"].visible, 0.0);
    assert_eq!(e.snapshot().queues[0].visible, 0.0);
    assert_eq!(e.snapshot().services[0].load.as_ref().map(|l| l.rejected_rps), None, "queue workers have no load balancer or load");
}

#[test]
fn right_sizing_recommends_peak_times_one_and_a_half() {
    let mut e = lab();
    e.run_until(45 * MINUTE);
    let r = e.recommendation("myapp-service").expect("a known service");
    assert_eq!((r.current_cpu, r.current_memory_mib), (512, 1024));
    let (avg_cpu, peak_cpu) = (r.average_cpu_units.unwrap(), r.peak_cpu_units.unwrap());
    let (avg_mem, peak_mem) = (r.average_memory_mib.unwrap(), r.peak_memory_mib.unwrap());
    assert!(avg_cpu < peak_cpu && peak_cpu <= 512.0, "{avg_cpu} {peak_cpu}");
    assert!(avg_mem >= 300.0 && peak_mem > avg_mem, "working set 300 MiB plus requests in flight: {avg_mem} {peak_mem}");
    assert_eq!(r.cpu_limit, Some((peak_cpu * 1.5).ceil() as u32));
    assert_eq!(r.memory_limit_mib, Some((peak_mem * 1.5).ceil() as u32));
    assert_eq!(r.memory_request_mib, Some(avg_mem.ceil() as u32));
    assert_eq!(r.oom_kills, 0);
    assert!(e.recommendation("nope").is_none());
}

#[test]
fn right_sizing_explains_oom_kills() {
    // 256 MiB at start, leaking 64 MiB a minute into a 512 MiB limit: killed after 4 minutes.
    let s = json!({
        "berth": 1, "name": "leak", "seed": 1,
        "cluster": {"availabilityZones": ["us-east-1a"], "instances": [{"type": "m5.large"}]},
        "taskDefinitions": [{"family": "api", "containerDefinitions": [{"name": "api", "image": "example/api:1", "cpu": 256, "memory": 512, "essential": true}]}],
        "behaviors": {"api": {"memoryMib": 256, "memoryLeakMibPerMinute": 64}},
        "services": [{"serviceName": "api", "taskDefinition": "api", "desiredCount": 1}]
    });
    let mut e = start(&s);
    e.run_until(10 * MINUTE);
    let r = e.recommendation("api").unwrap();
    assert_eq!(r.oom_kills, 2);
    assert_eq!(r.memory_limit_mib, Some(768));
    assert_eq!(
        r.notes,
        vec!["2 task(s) were killed for running out of memory (exit code 137): they needed more than their 512 MiB limit; give them at least 768 MiB (× 1.5), and if memory keeps growing, look for a leak".to_string()]
    );
}

#[test]
fn the_bill_is_a_metric_in_ecs_scenarios_too() {
    // cluster/HourlyCost: one datapoint a minute, the rate the cost view shows at that moment.
    let mut e = lab();
    for minute in 1..=12u64 {
        e.run_until(minute * 60_000);
        let (t, v) = e.metrics().latest("cluster/HourlyCost").expect("a datapoint");
        assert_eq!(t, minute * 60_000);
        assert!((v - e.snapshot().cost.hourly_usd).abs() < 1e-12, "minute {minute}: metric {v}, cost view {}", e.snapshot().cost.hourly_usd);
    }
    assert_eq!(e.metrics().series("cluster/HourlyCost").count(), 12);
}

#[test]
fn instance_cards_add_up_what_their_tasks_use() {
    use berth::shell::usage::{instance_usage, permille};
    // Two 512-unit tasks on one m5.large (2048 units) serving a steady load.
    let s = json!({
        "berth": 1, "name": "used", "seed": 1,
        "cluster": {"availabilityZones": ["us-east-1a"], "instances": [{"type": "m5.large", "count": 1}]},
        "taskDefinitions": [{"family": "web", "cpu": "512", "memory": "1024", "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true, "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]}],
        "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 2}],
        "traffic": [{"service": "web", "load": {"shape": "constant", "rps": 40}}]
    });
    let mut e = start(&s);
    // Before any traffic tick: nothing reported, nothing listed.
    assert!(instance_usage(&e.snapshot()).is_empty());
    e.run_until(5 * MINUTE);
    let snap = e.snapshot();
    let used = instance_usage(&snap);
    assert_eq!(used.keys().copied().collect::<Vec<_>>(), vec!["i-01"]);
    // The sum of each task's share of its own 512 units, and of its memory.
    let want_cpu: f64 = snap.tasks.iter().filter_map(|t| t.usage.as_ref().map(|u| 512.0 * u.cpu_percent / 100.0)).sum();
    let want_mem: f64 = snap.tasks.iter().filter_map(|t| t.usage.as_ref().map(|u| u.memory_mib)).sum();
    assert!(want_cpu > 0.0 && want_mem > 0.0);
    assert!((used["i-01"].cpu - want_cpu).abs() < 1e-9 && (used["i-01"].memory - want_mem).abs() < 1e-9, "{used:?}");
    // Less than the reservation (1024 of 2048 units): the darker bar sits inside the reserved one.
    assert!(permille(used["i-01"].cpu, 2048) < 500);
    assert_eq!((permille(1024.0, 2048), permille(5000.0, 2048), permille(1.0, 0), permille(f64::NAN, 10)), (500, 1000, 0, 0));
}
