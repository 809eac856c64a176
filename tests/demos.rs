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
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let mut run = load(&name);
        assert!(index.contains(&format!("\"id\": \"{}\"", run.demo.chapter)), "{name}: chapter {} is not in lessons/index.json", run.demo.chapter);
        assert!(run.caption().is_none());
        while !run.finished() {
            let before = run.session.engine.events().len();
            run.next_step().unwrap_or_else(|e| panic!("{name}: {e}"));
            play(&mut run, |_| {});
            assert!(run.session.engine.events().len() > before, "{name}: step {} changes nothing", run.done);
            assert!(run.caption().is_some_and(|c| c.len() > 20));
        }
        assert_eq!(run.next_step(), Err("the demo is over".to_string()));
        count += 1;
    }
    assert!(count >= 2, "{count} demos");
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
