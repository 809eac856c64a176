//! Presenter demos (lessons/demos/*.json, src/engine/demo.rs): every demo loads and every step
//! plays without an error and changes something the class can see; the self-healing and
//! rolling-update demos show exactly what their captions say.

use std::path::Path;

use berth::engine::demo::{parse_demo, DemoRun};
use berth::engine::sim::Engine;
use berth::engine::task::TaskStatus;

fn files(name: &str) -> Result<String, String> {
    std::fs::read_to_string(Path::new("lessons").join(name)).map_err(|e| e.to_string())
}

fn load(name: &str) -> DemoRun {
    let text = files(&format!("demos/{name}")).expect("committed");
    match parse_demo(&text, &files) {
        Ok(d) => DemoRun::new(d),
        Err(diags) => panic!("{name}: {diags:?}"),
    }
}

/// (running, waiting to be placed) tasks of a service, by task definition.
fn running(e: &Engine, td: &str) -> usize {
    e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running && t.task_definition == td).count()
}

/// Plays the current step to its end the way the page does (in frames of 100 ms).
fn play(run: &mut DemoRun, mut each: impl FnMut(&Engine)) {
    let mut t = run.session.now();
    loop {
        t += 100;
        let more = run.advance_to(t);
        each(&run.session.engine);
        if !more {
            break;
        }
    }
}

#[test]
fn every_demo_loads_names_a_chapter_and_every_step_changes_something() {
    let index = std::fs::read_to_string("lessons/index.json").expect("index");
    let mut count = 0;
    for entry in std::fs::read_dir("lessons/demos").expect("lessons/demos") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            continue; // demos/scenarios/: start scenarios named by `"scenario": {"file": ...}`
        }
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let mut run = load(&name);
        assert!(index.contains(&format!("\"id\": \"{}\"", run.demo.chapter)), "{name}: chapter {} is not in lessons/index.json", run.demo.chapter);
        assert!(run.caption().is_none());
        while !run.finished() {
            let before = run.session.engine.events().len();
            run.next_step().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!run.over(), "{name}: step {} has just started", run.done);
            play(&mut run, |_| {});
            assert!(run.session.engine.events().len() > before, "{name}: step {} changes nothing", run.done);
            assert!(run.caption().is_some_and(|c| c.len() > 20));
        }
        assert!(run.over(), "{name}: played out");
        assert_eq!(run.next_step(), Err("the demo is over".to_string()));
        count += 1;
    }
    assert!(count >= 2, "{count} demos");
}

#[test]
fn every_chapter_has_a_demo_named_after_it() {
    // The page offers "▶ Presenter demo" for a chapter when lessons/demos/<chapter id>.json exists
    // (src/ui/demo.rs `has_demo`), so the file name must be the chapter's id and say so inside.
    let index: serde_json::Value = serde_json::from_str(&std::fs::read_to_string("lessons/index.json").expect("index")).expect("json");
    let chapters: Vec<String> = index["chapters"].as_array().expect("chapters").iter().filter_map(|c| c["id"].as_str().map(str::to_string)).collect();
    assert_eq!(chapters.len(), 15);
    for id in &chapters {
        let run = load(&format!("{id}.json"));
        assert_eq!(&run.demo.chapter, id);
        assert!((2..=8).contains(&run.demo.steps.len()), "{id}: {} steps", run.demo.steps.len());
    }
}

#[test]
fn the_self_healing_demo_shows_loss_waiting_and_replacement() {
    let mut run = load("self-healing.json");
    run.next_step().expect("step 1");
    play(&mut run, |_| {});
    assert_eq!(running(&run.session.engine, "web:1"), 6);
    assert_eq!(run.progress_text(), "Step 1 of 4 · plays to 00:01:00");

    run.next_step().expect("step 2: i-01 fails");
    play(&mut run, |_| {});
    let s = run.session.engine.snapshot();
    assert_eq!(running(&run.session.engine, "web:1"), 4);
    assert_eq!(s.services[0].unplaced, 2, "two tasks wait for room");

    run.next_step().expect("step 3: add capacity");
    play(&mut run, |_| {});
    assert_eq!(running(&run.session.engine, "web:1"), 6);
    assert_eq!(run.session.engine.snapshot().services[0].unplaced, 0);

    run.next_step().expect("step 4: stop a task");
    play(&mut run, |_| {});
    let e = &run.session.engine;
    assert_eq!(e.tasks()["web-2"].last_status, TaskStatus::Stopped);
    assert_eq!(running(e, "web:1"), 6, "the service replaced it");
}

#[test]
fn the_rolling_update_demo_never_drops_below_two_healthy_nor_above_four() {
    let mut run = load("rolling-updates.json");
    run.next_step().expect("step 1");
    play(&mut run, |_| {});
    assert_eq!(running(&run.session.engine, "web:1"), 4);
    let (mut low, mut high) = (usize::MAX, 0);
    for _ in 1..3 {
        run.next_step().expect("step");
        play(&mut run, |e| {
            let live = e.tasks().values().filter(|t| t.desired_status == TaskStatus::Running).count();
            low = low.min(running(e, "web:1") + running(e, "web:2"));
            high = high.max(live);
        });
    }
    assert_eq!((low, high), (2, 4));
    assert_eq!(running(&run.session.engine, "web:2"), 4);
    assert_eq!(run.session.engine.snapshot().services[0].rollout_state, "COMPLETED");
}

#[test]
fn a_broken_demo_says_where() {
    let cases = [
        (r#"{"demo": 2, "chapter": "x", "title": "t", "startFrom": "05-self-healing/01-retire-instance.json", "steps": [{"say": "hi", "do": []}]}"#, "this Berth reads demo version 1; found a number 2"),
        (r#"{"demo": 1, "chapter": "x", "title": "t", "startFrom": "nope.json", "steps": [{"say": "hi", "do": []}]}"#, "cannot read \"nope.json\""),
        (r#"{"demo": 1, "chapter": "x", "title": "t", "startFrom": "05-self-healing/01-retire-instance.json", "steps": []}"#, "a demo needs at least one step"),
        (r#"{"demo": 1, "chapter": "x", "title": "t", "startFrom": "05-self-healing/01-retire-instance.json", "steps": [{"say": "hi", "do": [{"action": "explode"}]}]}"#, "steps[0].do[0]"),
    ];
    for (text, want) in cases {
        let diags = parse_demo(text, &files).err().unwrap_or_else(|| panic!("{text} should be refused"));
        let all = diags.iter().map(|d| format!("{} {}", d.path, d.message)).collect::<Vec<_>>().join("\n");
        assert!(all.contains(want), "{text}\n→ {all}\nwanted {want:?}");
    }
}

#[test]
fn a_failing_command_is_reported_once_and_the_demo_goes_on() {
    let text = r#"{"demo": 1, "chapter": "self-healing", "title": "t", "startFrom": "05-self-healing/01-retire-instance.json", "steps": [
        {"say": "Scale to four and terminate an instance that does not exist.", "do": [
            {"action": "updateService", "service": "web", "desiredCount": 4},
            {"action": "terminateInstance", "instance": "i-99"},
            {"action": "stopTask", "task": "web-1"},
            {"action": "runFor", "duration": "30s"}]},
        {"say": "The next step plays as written.", "do": [{"action": "runFor", "duration": "10s"}]}]}"#;
    let mut run = DemoRun::new(parse_demo(text, &files).expect("a valid demo"));
    let err = run.next_step().expect_err("i-99 does not exist");
    assert!(err.starts_with("step 1: terminateInstance failed: "), "{err}");
    assert_eq!(run.caption(), Some("Scale to four and terminate an instance that does not exist."));
    assert_eq!(run.progress_text(), "Step 1 of 2 · plays to 00:00:30");
    play(&mut run, |_| {});
    let e = &run.session.engine;
    assert_eq!(e.services()["web"].desired_count, 4, "the command before the failure happened");
    assert_eq!(e.tasks()["web-1"].desired_status, TaskStatus::Stopped, "and the one after it");
    assert_eq!(run.next_step(), Ok(()), "the next key goes on instead of repeating step 1");
    assert_eq!(run.progress_text(), "Step 2 of 2 · plays to 00:00:40");
}

#[test]
fn the_placement_demo_packs_then_balances() {
    let mut run = load("placement-strategies.json");
    run.next_step().expect("step 1");
    play(&mut run, |_| {});
    let on = |run: &DemoRun, svc: &str| {
        let mut m = std::collections::BTreeMap::<(String, String), usize>::new();
        for t in run.session.engine.tasks().values().filter(|t| t.service.as_deref() == Some(svc) && t.last_status == TaskStatus::Running) {
            let i = t.instance.clone().unwrap_or_default();
            let az = run.session.engine.instances()[&i].az.clone();
            *m.entry((az, i)).or_default() += 1;
        }
        m.into_values().collect::<Vec<_>>()
    };
    assert_eq!(on(&run, "packed"), vec![3], "binpack: all three on one instance");
    run.next_step().expect("step 2");
    play(&mut run, |_| {});
    let per_zone = |run: &DemoRun| {
        let mut m = std::collections::BTreeMap::<String, usize>::new();
        for t in run.session.engine.tasks().values().filter(|t| t.service.as_deref() == Some("balanced") && t.last_status == TaskStatus::Running) {
            *m.entry(t.az.clone()).or_default() += 1;
        }
        m.into_values().collect::<Vec<_>>()
    };
    assert_eq!(per_zone(&run), vec![2, 2]);
}

#[test]
fn the_failures_demo_moves_the_lost_zones_tasks_to_the_zone_with_room() {
    let mut run = load("failures.json");
    run.next_step().expect("step 1");
    play(&mut run, |_| {});
    run.next_step().expect("step 2: us-east-1b is down");
    play(&mut run, |_| {});
    let per_zone = |run: &DemoRun| {
        let mut m = std::collections::BTreeMap::<String, usize>::new();
        for t in run.session.engine.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running) {
            *m.entry(t.az.clone()).or_default() += 1;
        }
        m
    };
    let m = per_zone(&run);
    assert_eq!(m.get("us-east-1a"), Some(&4));
    assert_eq!(m.get("us-east-1b"), None);
    assert_eq!(m.get("us-east-1c"), Some(&2));
    run.next_step().expect("step 3: recovered");
    play(&mut run, |_| {});
    assert_eq!(per_zone(&run), m, "nothing moves back by itself");
}

/// Live (RUNNING, not being stopped) tasks of a task-definition family, counted per instance.
fn per_instance(e: &Engine, family: &str) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for t in e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running) {
        if t.task_definition.rsplit_once(':').map_or(t.task_definition.as_str(), |(f, _)| f) == family {
            *m.entry(t.instance.clone().unwrap_or_else(|| "fargate".to_string())).or_default() += 1;
        }
    }
    m
}

/// Live tasks of a family counted per Availability Zone.
fn per_zone(e: &Engine, family: &str) -> std::collections::BTreeMap<String, usize> {
    let mut m = std::collections::BTreeMap::new();
    for t in e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running) {
        if t.task_definition.rsplit_once(':').map_or(t.task_definition.as_str(), |(f, _)| f) == family {
            *m.entry(t.az.clone()).or_default() += 1;
        }
    }
    m
}

fn counts(pairs: &[(&str, usize)]) -> std::collections::BTreeMap<String, usize> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Plays the next step to its end.
fn next(run: &mut DemoRun) {
    let step = run.done + 1;
    run.next_step().unwrap_or_else(|e| panic!("step {step}: {e}"));
    play(run, |_| {});
}

#[test]
fn the_task_definition_demo_shows_memory_deciding_then_soft_limits() {
    let mut run = load("task-definitions.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 1), ("i-02", 1)]), "1536 MiB: one per t3.small");
    assert_eq!(e.snapshot().services[0].unplaced, 2);
    let i01 = &e.snapshot().instances[0];
    assert_eq!((i01.remaining_cpu, i01.remaining_memory), (1024, 512), "CPU left over, memory not");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(running(e, "web:2"), 4);
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 2), ("i-02", 2)]));
    assert_eq!(e.snapshot().services[0].unplaced, 0);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_instance(e, "shop"), counts(&[("i-01", 1), ("i-02", 1)]), "the soft limits (384 MiB) fit in 512 MiB");
    let s = e.snapshot();
    assert_eq!(s.tasks.iter().find(|t| t.id == "shop-1").map(|t| (t.cpu, t.memory)), Some((384, 384)));
    assert!(s.instances.iter().all(|i| (i.remaining_cpu, i.remaining_memory) == (640, 128)));

    next(&mut run);
    let s = run.session.engine.snapshot();
    assert_eq!(per_instance(&run.session.engine, "shop").values().sum::<usize>(), 2);
    let refused = s.unplaced.iter().find(|u| u.group == "family:shop").expect("the third shop task is refused");
    assert!(refused.reason.contains("rejected by memory (needs 384 MiB, 128 MiB free)"), "{}", refused.reason);
}

#[test]
fn the_clusters_demo_shows_unplaced_tasks_a_new_zone_a_port_limit_and_fargate() {
    let mut run = load("clusters.json");
    next(&mut run);
    let s = run.session.engine.snapshot();
    assert_eq!(per_instance(&run.session.engine, "web"), counts(&[("i-01", 2), ("i-02", 2)]));
    assert!(s.unplaced.iter().any(|u| u.count == 2 && u.reason.contains("rejected by cpu (needs 1024 CPU units, 0 free)")), "{:?}", s.unplaced);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(e.instances()["i-03"].az, "us-east-1c", "the zone with the fewest instances");
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 2), ("i-02", 2), ("i-03", 2)]));
    assert!((e.snapshot().cost.hourly_usd - 3.0 * 0.0416).abs() < 1e-9);

    next(&mut run);
    let s = run.session.engine.snapshot();
    assert_eq!(per_instance(&run.session.engine, "edge"), counts(&[("i-01", 1), ("i-02", 1), ("i-03", 1)]), "one port 80 per instance");
    let edge = s.unplaced.iter().find(|u| u.service.as_deref() == Some("edge")).expect("the fourth edge task waits");
    assert_eq!(edge.count, 1);
    assert!(edge.reason.contains("rejected by ports (host port 80/tcp is already used by") && edge.reason.contains("ports: 3"), "{}", edge.reason);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_zone(e, "api"), counts(&[("us-east-1a", 1), ("us-east-1b", 1), ("us-east-1c", 1)]));
    let s = e.snapshot();
    let api: Vec<_> = s.tasks.iter().filter(|t| t.service.as_deref() == Some("api")).collect();
    assert!(api.iter().all(|t| t.instance.is_none() && t.launch_type == "FARGATE" && t.ip.is_some()), "{api:?}");
    assert_eq!(s.instances.len(), 3, "Fargate adds no instance");
    assert_eq!(event_times(e, "taskRunning", Some("api-1")), vec![104_000], "14 s after it was placed at 1:30");
    assert_eq!(event_times(e, "taskRunning", Some("edge-1")), vec![64_000], "4 s on a warm instance");
    // Fargate in us-east-1: $0.04048 per vCPU-hour and $0.004445 per GB-hour; 3 × (0.5 vCPU + 1 GB).
    assert!((s.cost.fargate_hourly_usd - 3.0 * (0.5 * 0.04048 + 0.004445)).abs() < 1e-9, "{}", s.cost.fargate_hourly_usd);
}

#[test]
fn the_constraints_demo_filters_before_spreading_and_shows_unplaced_reasons() {
    let mut run = load("placement-constraints.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_zone(e, "web"), counts(&[("us-east-1a", 2), ("us-east-1c", 2)]), "2, 0, 2: spread cannot overrule memberOf");
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 2), ("i-05", 2)]), "only the t3.medium instances");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_instance(e, "quorum"), counts(&[("i-01", 1), ("i-02", 1), ("i-03", 1), ("i-04", 1), ("i-05", 1)]));
    let s = e.snapshot();
    let q = s.unplaced.iter().find(|u| u.service.as_deref() == Some("quorum")).expect("the sixth waits");
    assert_eq!(q.count, 1);
    assert!(q.reason.contains("distinctInstance: 5"), "{}", q.reason);

    next(&mut run);
    let s = run.session.engine.snapshot();
    let r = s.unplaced.iter().find(|u| u.service.as_deref() == Some("reports")).expect("all reports wait");
    assert_eq!(r.count, 3);
    assert!(r.reason.contains("attribute:ecs.availability-zone is us-east-1a, not us-east-1") && r.reason.contains("memberOf: 5"), "{}", r.reason);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(running(e, "reports:2"), 3);
    let zones = per_zone(e, "reports");
    assert_eq!(zones.get("us-east-1c"), None, "{zones:?}");
    assert_eq!(zones.values().sum::<usize>(), 3);
    assert!(!e.snapshot().unplaced.iter().any(|u| u.service.as_deref() == Some("reports")));
}

/// The health a task shows now (HEALTHY, UNHEALTHY, UNKNOWN).
fn health(e: &Engine, task: &str) -> String {
    e.snapshot().tasks.iter().find(|t| t.id == task).map(|t| t.health.clone()).unwrap_or_default()
}

/// Times (ms) of events of one type, optionally for one task.
fn event_times(e: &Engine, kind: &str, task: Option<&str>) -> Vec<u64> {
    e.events()
        .iter()
        .filter_map(|ev| {
            let v = serde_json::to_value(ev).ok()?;
            let ok = v["type"] == kind && task.is_none_or(|t| v["task"] == t);
            ok.then(|| v["t"].as_u64()).flatten()
        })
        .collect()
}

#[test]
fn the_health_check_demo_shows_the_replacement_loop_a_task_nobody_replaces_and_the_start_period() {
    let mut run = load("health-checks.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(e.tasks()["api-1"].last_status, TaskStatus::Stopped);
    assert_eq!(e.tasks()["api-1"].stopped_reason.as_deref(), Some("Task failed container health checks"));
    assert_eq!(event_times(e, "taskRunning", Some("api-1")), vec![4_000]);
    assert_eq!(event_times(e, "taskHealthChanged", Some("api-1")), vec![34_000], "RUNNING + 10 s × 3");
    assert_eq!(running(e, "api:1"), 2, "replacements run");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(e.tasks()["api-5"].service, None);
    assert_eq!(e.tasks()["api-5"].last_status, TaskStatus::Running);
    assert_eq!(health(e, "api-5"), "UNHEALTHY", "nobody replaces a standalone task");
    assert!(event_times(e, "taskStopped", None).len() >= 4, "the service's tasks keep being replaced");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(running(e, "api:2"), 2);
    assert_eq!(health(e, "api-8"), "HEALTHY");
    assert_eq!(e.snapshot().services[0].rollout_state, "COMPLETED");
    assert_eq!(event_times(e, "taskHealthChanged", Some("api-8")), vec![161_000], "no failure counted inside the 90 s start period");
    assert_eq!(health(e, "api-5"), "HEALTHY", "one pass is enough");
}

/// Events of one type as JSON values.
fn events_of(e: &Engine, kind: &str) -> Vec<serde_json::Value> {
    e.events().iter().filter_map(|ev| serde_json::to_value(ev).ok()).filter(|v| v["type"] == kind).collect()
}

fn service<'a>(s: &'a berth::engine::snapshot::Snapshot, name: &str) -> &'a berth::engine::snapshot::ServiceView {
    s.services.iter().find(|v| v.name == name).unwrap_or_else(|| panic!("no service {name}"))
}

fn traffic(s: &berth::engine::snapshot::Snapshot, name: &str) -> Vec<(String, u32)> {
    service(s, name).traffic.clone()
}

#[test]
fn the_safe_deployment_demo_trips_the_breaker_then_catches_a_bad_canary_at_5_percent() {
    let mut run = load("safe-deployments.json");
    next(&mut run);
    run.next_step().expect("step 2: deploy web:2 with the breaker on");
    let mut fewest = usize::MAX;
    play(&mut run, |e| fewest = fewest.min(running(e, "web:1")));
    let e = &run.session.engine;
    let failed = events_of(e, "deploymentFailed");
    assert_eq!(failed.len(), 1);
    assert_eq!((failed[0]["failedTasks"].as_u64(), failed[0]["threshold"].as_u64()), (Some(3), Some(3)));
    let rollback = events_of(e, "deploymentStarted").into_iter().find(|v| v["rollback"] == true).expect("a rollback deployment");
    assert_eq!(rollback["taskDefinition"], "web:1");
    let s = e.snapshot();
    assert_eq!((service(&s, "web").task_definition.as_str(), service(&s, "web").rollout_state.as_str()), ("web:1", "COMPLETED"));
    assert_eq!(fewest, 4, "the old tasks never stopped");
    assert_eq!(running(e, "web:2"), 0);

    next(&mut run);
    let s = run.session.engine.snapshot();
    assert_eq!(running(&run.session.engine, "shop:2"), 4, "a full green task set");
    assert_eq!(running(&run.session.engine, "shop:1"), 4, "next to blue");
    assert_eq!(traffic(&s, "shop"), vec![("shop:1".to_string(), 95), ("shop:2".to_string(), 5)]);

    next(&mut run);
    let e = &run.session.engine;
    let s = e.snapshot();
    assert_eq!(traffic(&s, "shop"), vec![("shop:1".to_string(), 100)]);
    assert_eq!(running(e, "shop:2"), 0, "green stopped");
    assert_eq!(events_of(e, "deploymentRolledBack").len(), 1);
    let shares: Vec<u64> = events_of(e, "trafficShifted").iter().filter_map(|v| v["greenPercent"].as_u64()).collect();
    assert_eq!(shares, vec![5, 0], "never more than the first 5 %");

    next(&mut run);
    let e = &run.session.engine;
    let shares: Vec<u64> = events_of(e, "trafficShifted").iter().filter(|v| v["deployment"] == 3).filter_map(|v| v["greenPercent"].as_u64()).collect();
    assert_eq!(shares, vec![5, 25, 50, 100]);
    assert_eq!(running(e, "shop:1"), 4, "blue waits out the termination wait");
    assert_eq!(service(&e.snapshot(), "shop").rollout_state, "IN_PROGRESS");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!((running(e, "shop:1"), running(e, "shop:3")), (0, 4));
    let s = e.snapshot();
    assert_eq!(service(&s, "shop").rollout_state, "COMPLETED");
    assert_eq!(traffic(&s, "shop"), vec![("shop:3".to_string(), 100)]);
}

/// (offered, served, rejected) requests per second of a service now, to 0.1.
fn load_of(e: &Engine, name: &str) -> (f64, f64, f64) {
    let s = e.snapshot();
    let l = service(&s, name).load.clone().unwrap_or_else(|| panic!("{name} has no traffic"));
    let r = |x: f64| (x * 10.0).round() / 10.0;
    (r(l.offered_rps), r(l.served_rps), r(l.rejected_rps))
}

#[test]
fn the_load_balancing_demo_shows_ports_target_health_fail_open_draining_and_capacity() {
    let mut run = load("load-balancing.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 1), ("i-02", 1)]));
    let addresses: Vec<String> = events_of(e, "targetRegistered").iter().filter_map(|v| v["address"].as_str().map(str::to_string)).collect();
    assert_eq!(addresses, vec!["i-01:80", "i-02:80"]);
    assert_eq!(load_of(e, "web"), (160.0, 100.0, 60.0), "two tasks of 50 requests a second");

    run.next_step().expect("step 2: dynamic ports");
    let mut failed_open = false;
    play(&mut run, |e| {
        let s = e.snapshot();
        if let Some(l) = &service(&s, "web").load {
            failed_open |= l.routable_targets == 4 && l.healthy_targets == 0 && l.served_rps == 160.0;
        }
    });
    assert!(failed_open, "no healthy target: the load balancer used all four");
    let e = &run.session.engine;
    assert_eq!(per_instance(e, "web"), counts(&[("i-01", 2), ("i-02", 2)]));
    let s = e.snapshot();
    let mut ports: Vec<u16> = s.tasks.iter().filter(|t| t.instance.as_deref() == Some("i-01") && t.last_status == TaskStatus::Running).flat_map(|t| t.host_ports.clone()).collect();
    ports.sort();
    assert_eq!(ports, vec![32768, 32769]);
    let drained: Vec<u64> = events_of(e, "targetDraining").iter().filter_map(|v| v["until"].as_u64()).collect();
    assert_eq!(drained, vec![71_000, 71_000], "30 s deregistration delay from 41 s");
    assert_eq!(e.tasks()["web-1"].last_status, TaskStatus::Stopped);
    assert_eq!(load_of(e, "web"), (160.0, 160.0, 0.0));
    let l = service(&s, "web").load.clone().expect("load");
    assert_eq!((l.routable_targets, l.healthy_targets), (4, 4));

    run.next_step().expect("step 3: scale in to 3");
    let mut draining_but_running = false;
    play(&mut run, |e| {
        let t = &e.tasks()["web-3"];
        draining_but_running |= t.desired_status == TaskStatus::Stopped && t.last_status != TaskStatus::Stopped && e.now() > 150_000;
    });
    assert!(draining_but_running, "the task is still there while its target drains");
    let e = &run.session.engine;
    assert_eq!(e.tasks()["web-3"].last_status, TaskStatus::Stopped);
    assert_eq!(running(e, "web:2"), 3);
    assert_eq!(load_of(e, "web"), (160.0, 150.0, 10.0));

    next(&mut run);
    assert_eq!(load_of(&run.session.engine, "web"), (120.0, 120.0, 0.0));
}

/// (time, from, to) of every scaling activity.
fn scaling(e: &Engine) -> Vec<(u64, u64, u64)> {
    events_of(e, "scalingActivity").iter().filter_map(|v| Some((v["t"].as_u64()?, v["from"].as_u64()?, v["to"].as_u64()?))).collect()
}

#[test]
fn the_autoscaling_demo_scales_out_3_5_7_9_then_in_one_task_per_cooldown() {
    let mut run = load("autoscaling.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(load_of(e, "web"), (60.0, 60.0, 0.0));
    assert_eq!(service(&e.snapshot(), "web").load.as_ref().map(|l| l.cpu_percent.round()), Some(40.0));

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(scaling(e), vec![(300_000, 3, 5)], "three datapoints above 70 %: ⌈3 × 100 ÷ 70⌉");
    assert_eq!(service(&e.snapshot(), "web").desired, 5);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(scaling(e), vec![(300_000, 3, 5), (360_000, 5, 7), (420_000, 7, 9)]);
    assert_eq!(running(e, "web:1"), 9);
    assert_eq!(load_of(e, "web"), (280.0, 280.0, 0.0));
    assert_eq!(service(&e.snapshot(), "web").load.as_ref().map(|l| l.cpu_percent.round()), Some(62.0));

    run.next_step().expect("step 4: load drops");
    let mut nine_until = 0;
    play(&mut run, |e| {
        if e.services()["web"].desired_count == 9 {
            nine_until = e.now();
        }
    });
    assert!(nine_until >= 22 * 60_000, "still 9 tasks 14 minutes after the drop ({nine_until} ms)");
    let e = &run.session.engine;
    assert_eq!(scaling(e)[3..], [(1_380_000, 9, 8), (1_680_000, 8, 7)], "one task, then one per 5-minute cooldown");
    assert_eq!(running(e, "web:1"), 7);
}

fn group_desired(e: &Engine, name: &str) -> u32 {
    e.snapshot().groups.iter().find(|g| g.name == name).map(|g| g.desired).unwrap_or_else(|| panic!("no group {name}"))
}

/// (time, from, to) of every Auto Scaling group resize.
fn resizes(e: &Engine) -> Vec<(u64, u64, u64)> {
    events_of(e, "autoScalingGroupResized").iter().filter_map(|v| Some((v["t"].as_u64()?, v["from"].as_u64()?, v["to"].as_u64()?))).collect()
}

#[test]
fn the_cluster_capacity_demo_keeps_headroom_scales_in_late_and_splits_fargate_by_base_and_weight() {
    let mut run = load("cluster-capacity.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(resizes(e), vec![(60_000, 1, 4)], "M/N = 3/1, ⌈3 × 100 ÷ 75⌉ = 4");
    assert_eq!(running(e, "web:1"), 6);
    let busy = e.instances().values().filter(|i| !i.tasks.is_empty()).count();
    assert_eq!((e.instances().len(), busy), (4, 3), "one spare instance");

    run.next_step().expect("step 2: scale to 8");
    let mut all_running_at = None;
    play(&mut run, |e| {
        if all_running_at.is_none() && running(e, "web:1") == 8 {
            all_running_at = Some(e.now());
        }
    });
    let e = &run.session.engine;
    assert!(all_running_at.is_some_and(|t| t <= 250_000), "the spare instance takes them within seconds: {all_running_at:?}");
    assert_eq!(resizes(e)[1..], [(300_000, 4, 6)], "then headroom again: ⌈4 × 100 ÷ 75⌉ = 6");
    assert_eq!(group_desired(e, "asg-web"), 6);

    run.next_step().expect("step 3: scale to 2");
    let mut six_until = 0;
    play(&mut run, |e| {
        // Every 10 s of virtual time is enough (and keeps the test fast).
        if e.now() % 10_000 == 0 && group_desired(e, "asg-web") == 6 {
            six_until = e.now();
        }
    });
    let e = &run.session.engine;
    assert!(six_until >= 420_000 + 14 * 60_000, "15 minutes of too many before scale-in ({six_until})");
    assert_eq!(resizes(e)[2..], [(1_320_000, 6, 2)]);
    assert_eq!(e.instances().len(), 2);
    assert_eq!(running(e, "web:1"), 2, "the tasks on a terminated instance started again");

    next(&mut run);
    let e = &run.session.engine;
    let mut split = std::collections::BTreeMap::<String, usize>::new();
    for t in e.tasks().values().filter(|t| t.family == "worker" && t.last_status == TaskStatus::Running) {
        *split.entry(t.capacity_provider.clone().unwrap_or_default()).or_default() += 1;
    }
    assert_eq!(split, counts(&[("FARGATE", 4), ("FARGATE_SPOT", 6)]), "base 2, then 8 shared 1 : 3");
    let fargate = e.snapshot().cost.fargate_hourly_usd;
    // 0.5 vCPU + 1 GB = $0.024685/h; Fargate Spot is 70 % off.
    assert!((fargate - (4.0 * 0.024685 + 6.0 * 0.024685 * 0.3)).abs() < 1e-6, "{fargate}");

    assert_eq!(e.tasks()["worker-3"].capacity_provider.as_deref(), Some("FARGATE_SPOT"), "the demo interrupts a Spot task");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(e.tasks()["worker-3"].last_status, TaskStatus::Stopped);
    assert_eq!(e.tasks()["worker-3"].stopped_reason.as_deref(), Some("Your Spot Task was interrupted."));
    assert_eq!(running(e, "worker:1"), 10, "replaced");
}

/// Pods per node (`name` prefix of the pods counted), for a Kubernetes demo.
fn pods_per_node(e: &Engine, prefix: &str) -> Vec<(String, usize)> {
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    k.nodes
        .iter()
        .map(|n| (n.name.clone(), n.pods.iter().filter(|p| p.split('/').nth(1).is_some_and(|p| p.starts_with(prefix))).count()))
        .filter(|(_, c)| *c > 0)
        .collect()
}

#[test]
fn the_kubernetes_demo_shows_endpoints_pending_pods_fargate_nodes_and_the_hpa() {
    let mut run = load("kubernetes.json");
    next(&mut run);
    let e = &run.session.engine;
    let one_each: Vec<(String, usize)> = ["ip-10-0-1-10.ec2.internal", "ip-10-0-2-10.ec2.internal", "ip-10-0-3-10.ec2.internal"].iter().map(|n| (n.to_string(), 1)).collect();
    assert_eq!(pods_per_node(e, "web-"), one_each, "one web pod per node");
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    assert_eq!(k.services.iter().find(|v| v.name == "web").map(|v| v.ready_endpoints), Some(3));
    assert!(k.nodes.iter().all(|n| n.allocatable_cpu_milli == 1930), "2000m − 70m");
    assert!((s.cost.eks_control_plane_hourly_usd - 0.10).abs() < 1e-9);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(pods_per_node(e, "crunch-"), one_each, "one 1-CPU pod fits beside each web pod");
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    assert_eq!(k.unschedulable.len(), 1);
    assert!(k.unschedulable[0].message.starts_with("0/3 nodes are available: 3 Insufficient cpu."), "{}", k.unschedulable[0].message);
    assert_eq!(k.pods.iter().filter(|p| p.node.is_none()).count(), 1);

    next(&mut run);
    let s = run.session.engine.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    let fargate: Vec<_> = k.nodes.iter().filter(|n| n.fargate).collect();
    assert_eq!(fargate.len(), 2);
    assert!(fargate.iter().all(|n| n.name.starts_with("fargate-ip-") && n.pods.len() == 1 && n.pods[0].starts_with("batch/report-") && n.instance_type == "fargate 0.5 vCPU / 2 GB"), "{fargate:?}");
    // 500m + 1Gi (+ 256 MiB) → 0.5 vCPU / 2 GB: 0.5 × $0.04048 + 2 × $0.004445 per pod-hour.
    assert!((s.cost.fargate_hourly_usd - 2.0 * (0.5 * 0.04048 + 2.0 * 0.004445)).abs() < 1e-9, "{}", s.cost.fargate_hourly_usd);

    next(&mut run);
    let e = &run.session.engine;
    let scaled: Vec<(i64, i64)> = events_of(e, "hpaScaled").iter().filter_map(|v| Some((v["from"].as_i64()?, v["to"].as_i64()?))).collect();
    assert_eq!(scaled, vec![(3, 7)], "⌈3 × 120 ÷ 50⌉ = 8, at most +4 per sync");
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    assert_eq!(k.hpas.first().map(|h| (h.replicas, h.current_utilization)), Some((7, Some(51))));
    assert_eq!(k.deployments.iter().find(|d| d.name == "web").map(|d| d.ready), Some(7));
    assert_eq!(k.services.iter().find(|v| v.name == "web").map(|v| v.ready_endpoints), Some(7));
}

/// Pods of a prefix on nodes of each capacity type (ON_DEMAND, SPOT, FARGATE).
fn pods_by_capacity(e: &Engine, prefix: &str) -> std::collections::BTreeMap<String, usize> {
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    let mut m = std::collections::BTreeMap::new();
    for n in &k.nodes {
        let c = n.pods.iter().filter(|p| p.split('/').nth(1).is_some_and(|p| p.starts_with(prefix))).count();
        if c > 0 {
            *m.entry(n.capacity_type.clone()).or_default() += c;
        }
    }
    m
}

#[test]
fn the_kubernetes_scheduling_demo_shows_taints_tolerations_selectors_and_a_paced_drain() {
    let mut run = load("kubernetes-scheduling.json");
    next(&mut run);
    assert_eq!(pods_by_capacity(&run.session.engine, "batch-"), counts(&[("ON_DEMAND", 4)]), "the taint keeps them off Spot");

    next(&mut run);
    assert_eq!(pods_by_capacity(&run.session.engine, "batch-"), counts(&[("ON_DEMAND", 2), ("SPOT", 2)]), "tolerated, not attracted");

    next(&mut run);
    assert_eq!(pods_by_capacity(&run.session.engine, "batch-"), counts(&[("SPOT", 4)]), "toleration + nodeSelector");

    next(&mut run);
    let two_each: Vec<(String, usize)> = ["ip-10-0-1-10.ec2.internal", "ip-10-0-2-10.ec2.internal", "ip-10-0-3-10.ec2.internal"].iter().map(|n| (n.to_string(), 2)).collect();
    assert_eq!(pods_per_node(&run.session.engine, "web-"), two_each);

    run.next_step().expect("step 5: drain");
    let mut fewest_ready = i64::MAX;
    play(&mut run, |e| {
        let s = e.snapshot();
        let ready = s.kube.as_ref().and_then(|k| k.pods.iter().filter(|p| p.name.starts_with("web-") && p.ready).count().try_into().ok()).unwrap_or(0);
        fewest_ready = fewest_ready.min(ready);
    });
    assert_eq!(fewest_ready, 5, "minAvailable 5: never two down at once");
    let e = &run.session.engine;
    let refused: Vec<u64> = events_of(e, "evictionRefused").iter().filter_map(|v| v["t"].as_u64()).collect();
    assert_eq!(refused, vec![130_000], "the second eviction waits");
    assert_eq!(event_times(e, "nodeDrained", None), vec![136_000], "retried 5 s later");
    let s = e.snapshot();
    let k = s.kube.as_ref().expect("kubernetes");
    let drained = k.nodes.iter().find(|n| n.name == "ip-10-0-1-10.ec2.internal").expect("node");
    assert!(drained.unschedulable && drained.pods.is_empty());
    assert_eq!(k.deployments.iter().find(|d| d.name == "web").map(|d| d.ready), Some(6));
}

fn hourly(e: &Engine) -> f64 {
    (e.snapshot().cost.hourly_usd * 10_000.0).round() / 10_000.0
}

/// (state, value) of every alarm state change.
fn alarm_changes(e: &Engine) -> Vec<(String, f64)> {
    events_of(e, "alarmStateChanged").iter().filter_map(|v| Some((v["state"].as_str()?.to_string(), v["value"].as_f64()?))).collect()
}

#[test]
fn the_cost_demo_shows_the_bill_following_instances_not_tasks() {
    let mut run = load("cost.json");
    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(hourly(e), 0.384, "two m5.xlarge at $0.192");
    assert_eq!(alarm_changes(e), vec![("ALARM".to_string(), 0.38)]);

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(running(e, "web:1"), 2);
    assert_eq!(hourly(e), 0.384, "scaling tasks in saves nothing on EC2");

    run.next_step().expect("step 3: smaller instances");
    let mut fewest = usize::MAX;
    play(&mut run, |e| fewest = fewest.min(running(e, "web:1")));
    let e = &run.session.engine;
    assert_eq!(fewest, 2, "never fewer tasks than before the move");
    assert_eq!(per_instance(e, "web"), counts(&[("i-03", 2), ("i-04", 2)]));
    assert_eq!(hourly(e), 0.4256, "the drained m5.xlarge are still billed");

    next(&mut run);
    let e = &run.session.engine;
    assert_eq!(hourly(e), 0.0416);
    assert_eq!(running(e, "web:1"), 4);
    assert_eq!(alarm_changes(e), vec![("ALARM".to_string(), 0.38), ("OK".to_string(), 0.04)]);
}

/// Not a check: `DEMO=cost.json cargo test --test demos dump -- --ignored --nocapture` prints
/// what each step of a demo leaves on screen, for writing its captions and tests.
#[test]
#[ignore]
fn dump() {
    let Ok(name) = std::env::var("DEMO") else { return };
    let mut run = load(&name);
    while !run.finished() {
        let from = run.session.engine.events().len();
        run.next_step().unwrap_or_else(|e| panic!("{e}"));
        let every: u64 = std::env::var("EVERY").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        play(&mut run, |e| {
            if every > 0 && e.now() % every == 0 {
                for v in e.snapshot().services {
                    if let Some(l) = &v.load {
                        println!("  {} {} offered {:.1} served {:.1} rejected {:.1} no-target {:.1} targets {}/{} healthy desired {}", berth::engine::time::Clock(e.now()), v.name, l.offered_rps, l.served_rps, l.rejected_rps, l.no_target_rps, l.routable_targets, l.healthy_targets, v.desired);
                    }
                }
            }
        });
        let s = run.session.engine.snapshot();
        println!("=== {} · {}", run.progress_text(), run.caption().unwrap_or(""));
        for i in &s.instances {
            let tasks: Vec<String> = i.tasks.iter().map(|t| {
                let v = s.tasks.iter().find(|x| &x.id == t);
                v.map(|v| format!("{}({} {:?} {})", v.id, v.task_definition, v.last_status, v.health)).unwrap_or_default()
            }).collect();
            println!("  {} {} {} {:?} free {}u/{}MiB ${:.4}/h: {}", i.id, i.instance_type, i.az, i.status, i.remaining_cpu, i.remaining_memory, i.hourly_usd, tasks.join(" "));
        }
        for t in s.tasks.iter().filter(|t| t.instance.is_none()) {
            let cp = run.session.engine.tasks().get(&t.id).and_then(|t| t.capacity_provider.clone());
            println!("  (no instance) {} {} {} {:?}/{:?} {} {:?}", t.id, t.task_definition, t.az, t.last_status, t.desired_status, t.health, cp);
        }
        for v in &s.services {
            println!("  svc {} td {} desired {} running {} pending {} unplaced {} rollout {} traffic {:?} scaling {:?}", v.name, v.task_definition, v.desired, v.running, v.pending, v.unplaced, v.rollout_state, v.traffic, v.scaling.as_ref().map(|x| (x.min, x.max)));
            if let Some(l) = &v.load {
                println!("    load offered {:.1} served {:.1} rejected {:.1} errors {:.1} no-target {:.1} cpu {:.1}% targets {}/{} healthy", l.offered_rps, l.served_rps, l.rejected_rps, l.error_rps, l.no_target_rps, l.cpu_percent, l.routable_targets, l.healthy_targets);
            }
        }
        for g in &s.groups {
            println!("  asg {} {} desired {} launching {} min {} max {}", g.name, g.instance_type, g.desired, g.launching, g.min, g.max);
        }
        for p in &s.capacity_providers {
            println!("  cp {} target {:?} reservation {:?}", p.name, p.target_capacity, p.reservation);
        }
        for a in &s.alarms {
            println!("  alarm {} {} {:?}", a.name, a.state, a.value);
        }
        println!("  cost ${:.4}/h (ec2 {:.4} spot {:.4} fargate {:.4} eks {:.4} idle {:.4}) total ${:.4} by {:?}", s.cost.hourly_usd, s.cost.ec2_on_demand_hourly_usd, s.cost.ec2_spot_hourly_usd, s.cost.fargate_hourly_usd, s.cost.eks_control_plane_hourly_usd, s.cost.idle_hourly_usd, s.cost.total_usd, s.cost.by_service);
        if let Some(k) = &s.kube {
            for n in &k.nodes {
                println!("  node {} {} {} {} req {}m/{} alloc {}m/{} unsched {} pods {:?}", n.name, n.instance_type, n.zone, n.capacity_type, n.requested_cpu_milli, n.requested_memory, n.allocatable_cpu_milli, n.allocatable_memory, n.unschedulable, n.pods);
            }
            for p in k.pods.iter().filter(|p| p.node.is_none()) {
                println!("  pod {} {}", p.name, p.status);
            }
            for d in &k.deployments {
                println!("  deploy {} desired {} ready {} updated {} available {}", d.name, d.desired, d.ready, d.updated, d.available);
            }
            for h in &k.hpas {
                println!("  hpa {} {:?} replicas {}", h.name, h.current_utilization, h.replicas);
            }
            for u in &k.unschedulable {
                println!("  unschedulable {u:?}");
            }
        }
        let n = s.unplaced.len();
        for u in &s.unplaced {
            println!("  unplaced {:?} {} {}", u.service, u.count, u.reason);
        }
        let ev = run.session.engine.events();
        let _ = n;
        let limit: usize = std::env::var("EVENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(60);
        for e in ev.iter().skip(from).take(limit) {
            println!("    {}", serde_json::to_string(e).unwrap_or_default().chars().take(220).collect::<String>());
        }
    }
}

/// `berth demo check` plays a demo headlessly, so a teacher can check one without Rust.
#[test]
fn the_demo_check_command_plays_each_step() {
    use berth::cli::{run, Output};
    let berth = |args: &[&str]| {
        let mut out = Output::default();
        let code = run(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>(), &mut out);
        (code, out)
    };
    let (code, out) = berth(&["demo", "check", "lessons/demos/self-healing.json"]);
    assert_eq!(code, 0, "{:?}", out.stderr);
    // The example in docs/cli.md is this output.
    let doc = std::fs::read_to_string("docs/cli.md").unwrap();
    let start = doc.find("## Checking presenter demos").expect("section");
    let block = &doc[start..];
    let block = &block[block.find("```").unwrap() + 4..];
    assert_eq!(out.stdout, block[..block.find("```").unwrap()], "docs/cli.md's example");
    let text = out.stdout.trim_end().to_string();
    assert!(text.starts_with("lessons/demos/self-healing.json\nA service heals itself (chapter self-healing): 4 step(s)\n  ✓ step 1 (plays to 00:01:00): "), "{text}");
    assert!(text.ends_with("  ok\n1 demo(s): 1 ok, 0 failed"), "{text}");

    // A step that fails is reported with its reason, and the exit code says so.
    let dir = std::env::temp_dir().join(format!("berth-demo-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = dir.join("broken.json");
    std::fs::write(dir.join("start.json"), r#"{"berth": 1, "name": "x", "cluster": {"availabilityZones": ["us-east-1a"], "instances": [{"type": "t3.medium"}]}}"#).unwrap();
    std::fs::write(
        &demo,
        r#"{"demo": 1, "chapter": "self-healing", "title": "Broken", "scenario": {"file": "start.json"},
  "steps": [{"say": "Terminate an instance that is not there at all, which fails.", "do": [{"action": "terminateInstance", "instance": "i-99"}, {"action": "runFor", "duration": "10s"}]}]}"#,
    )
    .unwrap();
    let (code, out) = berth(&["demo", "check", demo.to_str().unwrap()]);
    assert_eq!(code, 1);
    let text = out.stdout.trim_end().to_string();
    assert!(text.contains("  ✗ step 1 (plays to 00:00:10): step 1: terminateInstance failed: "), "{text}\n{}", out.stderr);
    assert!(text.ends_with("  FAILED\n1 demo(s): 0 ok, 1 failed"), "{text}");
    let (code, out) = berth(&["demo", "lint"]);
    assert_eq!(code, 2);
    assert!(out.stderr.starts_with("berth demo: unknown subcommand \"lint\"; expected check"));
    std::fs::remove_dir_all(&dir).ok();
}
