//! Cluster view and event log tests in headless Chromium:
//! `cargo test --target wasm32-unknown-unknown --test wasm_cluster`.
//!
//! The view's modules are private to the crate's `ui` module, so they are compiled into this
//! test crate from their files; `use berth::engine` and `use berth::shell` make their
//! `crate::engine` and `crate::shell` paths resolve.
//!
//! The frame-time benchmark (500 instances, 5,000 tasks, 16×) is a Playwright test,
//! e2e/perf.spec.mjs: requestAnimationFrame does not run in this test runner's page.

#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use berth::engine;
#[allow(unused_imports)]
use berth::shell;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

#[allow(dead_code)]
#[path = "../src/ui/cluster_view/mod.rs"]
mod cluster_view;
#[allow(dead_code)]
#[path = "../src/ui/event_log.rs"]
mod event_log;

use cluster_view::canvas::Anim;
use cluster_view::layout::{Density, Hit, Layout};
use cluster_view::why::WhyTable;
use engine::event::Level;
use engine::placement::{CandidateReport, Decision, Outcome, Rating, Rejection, StrategyStep, TieBreak};
use engine::sim::{Command, Engine};
use engine::snapshot::Snapshot;

wasm_bindgen_test_configure!(run_in_browser);

fn sample() -> Engine {
    let s = berth::ui::sample::scenario().expect("the sample scenario parses");
    let mut e = s.start(None);
    e.run_until(60_000);
    e
}

// ---------------------------------------------------------------- layout and hit-testing

/// The sample cluster (3 zones × 2 m5.large, 6 tasks) in a 732 px wide canvas: full detail,
/// three 237.3 px columns, one card per row, and clicks land on the right things.
#[wasm_bindgen_test]
fn sample_layout_and_hit_testing() {
    let e = sample();
    let s = e.snapshot();
    let l = Layout::compute(&s, 732.0, 600.0);
    assert_eq!(l.density, Density::Full);
    assert_eq!(l.columns.len(), 3);
    let col_w = (732.0 - 2.0 * 10.0) / 3.0;
    for (i, c) in l.columns.iter().enumerate() {
        assert!((c.rect.w - col_w).abs() < 1e-9, "column {i} is {} wide", c.rect.w);
        assert!((c.rect.x - i as f64 * (col_w + 10.0)).abs() < 1e-9);
    }
    assert_eq!(l.cards.len(), 6);
    assert_eq!(l.chips.len(), 6);
    // Card height: 8 pad + 22 header + 2 × (12 + 3) bars + one row of chips (20 + 4) + 8 pad.
    assert_eq!(l.cards[0].rect.h, 92.0);
    assert_eq!(l.cards[0].rect, cluster_view::layout::Rect { x: 6.0, y: 72.0, w: col_w - 12.0, h: 92.0 });
    // i-02 sits under i-01, 8 px apart; the picture is as tall as two cards plus the lane.
    assert_eq!(l.cards[1].rect.y, 72.0 + 92.0 + 8.0);
    assert_eq!(l.height, 72.0 + 92.0 + 8.0 + 92.0 + 6.0 + 4.0);

    assert_eq!(l.hit(&s, 46.0, 84.0), Some(Hit::Instance("i-01".into())));
    assert_eq!(l.hit(&s, 6.0 + col_w - 13.0, 72.0 + 100.0 + 20.0), Some(Hit::Instance("i-02".into())));
    assert_eq!(l.hit(&s, col_w + 10.0 + 20.0, 84.0), Some(Hit::Instance("i-03".into())));
    // The first chip of i-01: x 14–34, y 132–152.
    let on_i01 = s.instances[0].tasks[0].clone();
    assert_eq!(l.hit(&s, 24.0, 142.0), Some(Hit::Task(on_i01.clone())));
    assert_eq!(l.hit(&s, 35.5, 142.0), Some(Hit::Task(on_i01)), "within 2 px of a chip still counts");
    assert_eq!(l.hit(&s, 38.0, 142.0), Some(Hit::Instance("i-01".into())), "further away it is the card");
    assert_eq!(l.hit(&s, 50.0, 60.0), Some(Hit::Zone("us-east-1a".into())));
    assert_eq!(l.hit(&s, 3.0, 300.0), None, "between cards and column edge");
    assert_eq!(l.hit(&s, 100.0, 19.0), None, "an empty pending lane");
}

/// A snapshot of `n` instances over three zones with `k` tasks each (no engine needed).
fn synthetic(n: usize, k: usize) -> Snapshot {
    let mut s = sample().snapshot();
    let zones = s.availability_zones.clone();
    let proto_i = s.instances[0].clone();
    let proto_t = s.tasks[0].clone();
    s.instances.clear();
    s.tasks.clear();
    for i in 0..n {
        let mut inst = proto_i.clone();
        inst.id = format!("i-{i:04}");
        inst.az = zones[i % 3].clone();
        inst.tasks.clear();
        for j in 0..k {
            let mut t = proto_t.clone();
            t.id = format!("web-{:05}", i * k + j);
            t.instance = Some(inst.id.clone());
            t.az = inst.az.clone();
            inst.tasks.push(t.id.clone());
            s.tasks.push(t);
        }
        s.instances.push(inst);
    }
    s
}

/// 500 instances and 5,000 tasks: the layout shrinks to fit, every task gets a chip inside its
/// own card, cards in a column never overlap, and it takes milliseconds.
#[wasm_bindgen_test]
fn big_cluster_layout_fits_and_is_fast() {
    let s = synthetic(500, 10);
    let t0 = js_sys::Date::now();
    let l = Layout::compute(&s, 900.0, 700.0);
    let ms = js_sys::Date::now() - t0;
    assert!(l.height <= 700.0, "{} px tall at density {:?}", l.height, l.density);
    assert!(l.density > Density::Full);
    assert_eq!(l.cards.len(), 500);
    assert_eq!(l.chips.len(), 5000);
    assert_eq!(l.chip_of.len(), 5000);
    for c in &l.chips {
        let card = l.cards[c.card].rect;
        assert!(c.rect.x >= card.x && c.rect.x + c.rect.w <= card.x + card.w + 1e-9, "chip outside its card");
        assert!(c.rect.y >= card.y && c.rect.y + c.rect.h <= card.y + card.h + 1e-9);
        let cluster_view::layout::CardKind::Instance(i) = l.cards[c.card].kind else { panic!("EC2 task in a Fargate pool") };
        assert_eq!(s.tasks[c.task].instance.as_deref(), Some(s.instances[i].id.as_str()));
    }
    let mut cards: Vec<_> = l.cards.iter().map(|c| c.rect).collect();
    cards.sort_by(|a, b| (a.x, a.y).partial_cmp(&(b.x, b.y)).unwrap());
    for w in cards.windows(2) {
        if w[0].x == w[1].x {
            assert!(w[0].y + w[0].h <= w[1].y, "cards overlap: {:?} {:?}", w[0], w[1]);
        }
    }
    // Hit-testing finds a chip in the middle of the picture.
    let c = &l.chips[2500];
    let (x, y) = c.rect.centre();
    assert_eq!(l.hit(&s, x, y), Some(Hit::Task(s.tasks[c.task].id.clone())));
    assert!(ms < 100.0, "layout took {ms} ms");
    // With room to spare the same cluster is drawn in more detail.
    let roomy = Layout::compute(&s, 900.0, 20_000.0);
    assert!(roomy.density < l.density);
}

// ---------------------------------------------------------------- Why here? / Why pending?

fn known_decision() -> Decision {
    let cand = |instance: &str, az: &str, rejected: Option<(&str, &str)>, passed| CandidateReport {
        instance: instance.into(),
        az: az.into(),
        rejected: rejected.map(|(p, r)| Rejection { plugin: p.into(), reason: r.into() }),
        passed,
    };
    let rating = |instance: &str, key, shown: &str| Rating { instance: instance.into(), key, shown: shown.into() };
    Decision {
        task: "web-7".into(),
        group: "service:web".into(),
        outcome: Outcome::Placed { instance: "i-04".into(), host_ports: vec![] },
        candidates: vec![
            cand("i-01", "us-east-1a", Some(("memory", "needs 3072 MiB, 2048 free")), 2),
            cand("i-02", "us-east-1a", None, 4),
            cand("i-03", "us-east-1b", Some(("cpu", "needs 1024 CPU units, 0 free")), 1),
            cand("i-04", "us-east-1b", None, 4),
            cand("i-05", "us-east-1c", None, 4),
        ],
        steps: vec![
            StrategyStep {
                strategy: "spread(attribute:ecs.availability-zone)".into(),
                ratings: vec![rating("i-02", 2, "2 tasks in us-east-1a"), rating("i-04", 1, "1 task in us-east-1b"), rating("i-05", 1, "1 task in us-east-1c")],
                kept: vec!["i-04".into(), "i-05".into()],
            },
            StrategyStep { strategy: "binpack(memory)".into(), ratings: vec![rating("i-04", 4096, "4096 MiB left"), rating("i-05", 4096, "4096 MiB left")], kept: vec!["i-04".into(), "i-05".into()] },
        ],
        tie_break: Some(TieBreak { among: vec!["i-04".into(), "i-05".into()], chose: "i-04".into() }),
    }
}

#[wasm_bindgen_test]
fn why_here_rows_for_a_known_decision() {
    let t = WhyTable::of(&known_decision());
    assert_eq!(t.strategies, vec!["spread(attribute:ecs.availability-zone)", "binpack(memory)"]);
    assert_eq!(t.winner.as_deref(), Some("i-04"));
    assert_eq!(t.verdict, "placed on i-04");
    assert_eq!(t.tie_break.as_deref(), Some("seeded tie-break among i-04, i-05 → i-04"));
    assert_eq!(t.rows.len(), 5);
    let r1 = &t.rows[0];
    assert_eq!(r1.rejected, Some(("memory".into(), "needs 3072 MiB, 2048 free".into())));
    assert_eq!(r1.scores, vec![None, None]);
    let r2 = &t.rows[1];
    assert_eq!(r2.rejected, None);
    assert_eq!(r2.scores, vec![Some(("2 tasks in us-east-1a".into(), false)), None], "dropped by the first strategy");
    let r4 = &t.rows[3];
    assert!(r4.winner && r4.in_tie_break && !r4.closest);
    assert_eq!(r4.scores, vec![Some(("1 task in us-east-1b".into(), true)), Some(("4096 MiB left".into(), true))]);
    assert_eq!(t.rows.iter().filter(|r| r.winner).count(), 1);
    assert_eq!(t.tally(), vec![("memory".to_string(), 1), ("cpu".to_string(), 1)]);
}

#[wasm_bindgen_test]
fn why_pending_names_the_closest_match() {
    let mut d = known_decision();
    d.outcome = Outcome::Unplaced { summary: "no container instance met all of its requirements".into() };
    d.steps.clear();
    d.tie_break = None;
    for c in &mut d.candidates {
        if c.rejected.is_none() {
            c.rejected = Some(Rejection { plugin: "ports".into(), reason: "host port 80 is taken".into() });
            c.passed = 3;
        }
    }
    let t = WhyTable::of(&d);
    assert_eq!(t.winner, None);
    assert_eq!(t.rows.iter().filter(|r| r.winner).count(), 0);
    // i-02 is the first with the most checks passed (3).
    assert_eq!(t.rows.iter().filter(|r| r.closest).map(|r| r.instance.as_str()).collect::<Vec<_>>(), vec!["i-02"]);
    assert_eq!(t.tally(), vec![("memory".to_string(), 1), ("ports".to_string(), 3), ("cpu".to_string(), 1)]);
    assert_eq!(t.alike, None, "some instances got further than others");
    assert_eq!(t.summary(), t.verdict);
}

/// Six instances, every one rejected by `cpu` after the same two checks: the engine's summary names
/// i-01 (the first of equals) as the closest match.
fn all_alike() -> Decision {
    let cand = |i: usize, az: &str| CandidateReport {
        instance: format!("i-0{i}"),
        az: az.into(),
        rejected: Some(Rejection { plugin: "cpu".into(), reason: "needs 1024 CPU units, 0 free".into() }),
        passed: 2,
    };
    Decision {
        task: "web-13".into(),
        group: "service:web".into(),
        outcome: Outcome::Unplaced {
            summary: "no container instance met all of its requirements; the closest match i-01 was rejected by cpu (needs 1024 CPU units, 0 free). Rejections by check: cpu: 6".into(),
        },
        candidates: vec![cand(1, "us-east-1a"), cand(2, "us-east-1a"), cand(3, "us-east-1b"), cand(4, "us-east-1b"), cand(5, "us-east-1c"), cand(6, "us-east-1c")],
        steps: vec![],
        tie_break: None,
    }
}

/// All failed alike: no row is singled out as the closest match; one line says they failed alike.
#[wasm_bindgen_test]
fn why_pending_when_every_instance_failed_alike_names_no_closest_match() {
    let t = WhyTable::of(&all_alike());
    assert_eq!(t.rows.len(), 6);
    assert_eq!(t.rows.iter().filter(|r| r.closest).count(), 0);
    assert_eq!(t.alike.as_deref(), Some("All 6 instances rejected alike by cpu (needs 1024 CPU units, 0 free)"));
    assert_eq!(t.verdict, "no container instance met all of its requirements");
    assert_eq!(t.summary(), "no container instance met all of its requirements. All 6 instances rejected alike by cpu (needs 1024 CPU units, 0 free).");
    // Same check, different numbers: still alike, without a reason that would hold for only some.
    let mut d = all_alike();
    if let Some(r) = d.candidates[3].rejected.as_mut() {
        r.reason = "needs 1024 CPU units, 512 free".into();
    }
    let t = WhyTable::of(&d);
    assert_eq!(t.alike.as_deref(), Some("All 6 instances rejected alike by cpu"));
    assert_eq!(t.rows.iter().filter(|r| r.closest).count(), 0);
    // One instance got a check further: it is the real closest match, and the summary stays.
    let mut d = all_alike();
    d.candidates[4].passed = 3;
    let t = WhyTable::of(&d);
    assert_eq!(t.alike, None);
    assert_eq!(t.rows.iter().filter(|r| r.closest).map(|r| r.instance.as_str()).collect::<Vec<_>>(), vec!["i-05"]);
    assert!(t.verdict.contains("the closest match"), "{}", t.verdict);
    // As far, but stopped by different checks: not alike either.
    let mut d = all_alike();
    if let Some(r) = d.candidates[0].rejected.as_mut() {
        r.plugin = "memory".into();
    }
    let t = WhyTable::of(&d);
    assert_eq!(t.alike, None);
    assert_eq!(t.rows.iter().filter(|r| r.closest).map(|r| r.instance.as_str()).collect::<Vec<_>>(), vec!["i-01"]);
    // A placed task is never "alike".
    let mut d = all_alike();
    d.outcome = Outcome::Placed { instance: "i-01".into(), host_ports: vec![] };
    assert_eq!(WhyTable::of(&d).alike, None);
}

/// The real engine, a task no instance can take (every m5.large full): the table agrees.
#[wasm_bindgen_test]
fn why_pending_for_a_real_unplaced_task_failed_alike() {
    let mut e = sample();
    let td = engine::taskdef::parse_task_definition(&berth::ui::sample::WEB_TASKDEF.replace("\"cpu\": 256,", "\"cpu\": 1024,").replace("\"memory\": 512,", "\"memory\": 3072,")).task_definition.unwrap();
    let key = e.register(td);
    e.apply(Command::UpdateService { service: "web".into(), desired_count: Some(13), task_definition: Some(key), deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    e.run_until(e.now() + 600_000);
    let s = e.snapshot();
    let u = s.unplaced.first().expect("the 13th task waits");
    let t = WhyTable::of(u.decision.as_ref().expect("its explanation"));
    assert_eq!(t.rows.iter().filter(|r| r.closest).count(), 0, "{t:#?}");
    // (The numbers are those of the last attempt, which may have been mid-deployment.)
    assert!(t.alike.as_deref().is_some_and(|a| a.starts_with("All 6 instances rejected alike by cpu (needs 1024 CPU units, ")), "{:?}", t.alike);
    assert!(!t.verdict.contains("closest"), "{}", t.verdict);
}

// ---------------------------------------------------------------- canvas text and chips

/// Long names are shortened by measured width (here 7 px a character): a host name first to its
/// host part, then with "…"; nothing is squeezed.
#[wasm_bindgen_test]
fn long_names_are_shortened_not_squeezed() {
    use cluster_view::canvas::{ellipsize, shorten_name};
    let seven = |t: &str| t.chars().count() as f64 * 7.0;
    assert_eq!(shorten_name("i-01", 100.0, &seven), "i-01");
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 25.0 * 7.0, &seven), "ip-10-0-1-10.ec2.internal");
    // The part that tells nodes apart, whole, without its shared domain and without "…".
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 100.0, &seven), "ip-10-0-1-10");
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 12.0 * 7.0, &seven), "ip-10-0-1-10");
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 70.0, &seven), "ip-10-0-1…");
    assert_eq!(shorten_name("a-very-long-instance-name", 56.0, &seven), "a-very-…");
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 7.0, &seven), "…");
    assert_eq!(shorten_name("ip-10-0-1-10.ec2.internal", 3.0, &seven), "");
    // Other text (an instance type and its state) is cut at the end, never to before its first dot.
    assert_eq!(ellipsize("m5.large · unreachable", 15.0 * 7.0, &seven), "m5.large · unr…");
    assert_eq!(ellipsize("m5.large", 8.0 * 7.0, &seven), "m5.large");
    // Whatever the room, the result fits it.
    for max in 0..200 {
        for out in [shorten_name("ip-10-0-1-10.ec2.internal", max as f64, &seven), ellipsize("m5.large · unreachable", max as f64, &seven)] {
            assert!(seven(&out) <= max as f64, "{out:?} in {max}");
        }
    }
}

/// An older revision's label sits on a plain patch inside the chip, with room for the stripes
/// around it.
#[wasm_bindgen_test]
fn old_revision_label_patch_leaves_a_striped_frame() {
    use cluster_view::layout::Rect;
    let chip = Rect { x: 10.0, y: 20.0, w: 20.0, h: 20.0 };
    let p = cluster_view::canvas::label_patch(chip);
    assert!(p.x >= chip.x + 3.0 && p.y >= chip.y + 3.0 && p.x + p.w <= chip.x + chip.w - 3.0 && p.y + p.h <= chip.y + chip.h - 3.0, "{p:?}");
    assert!(p.w >= 12.0 && p.h >= 10.0, "room for \"r2\": {p:?}");
}

/// The engine's own decision for a sample task: six candidates, the winner is where it runs.
#[wasm_bindgen_test]
fn why_here_for_a_real_task() {
    let e = sample();
    let s = e.snapshot();
    let task = &s.tasks[0];
    let d = e.inspect_task(&task.id).decision.expect("a placement record");
    let t = WhyTable::of(&d);
    assert_eq!(t.rows.len(), 6);
    assert_eq!(t.winner.as_deref(), task.instance.as_deref());
    assert_eq!(t.strategies, vec!["spread(attribute:ecs.availability-zone)", "spread(instanceId)"]);
}

// ---------------------------------------------------------------- event filters

/// The event list filters the whole log: an instance termination older than the newest 200
/// events is found by the Kind filter, and the count says how many of all events match. (The
/// filter logic itself is tested natively in tests/event_index.rs.)
#[wasm_bindgen_test]
async fn event_list_filters_the_whole_log() {
    let mut e = sample();
    e.apply(Command::TerminateInstance { instance: "i-03".into() }).unwrap();
    for i in 0..40u32 {
        let n = if i % 2 == 0 { 12 } else { 6 };
        e.apply(Command::UpdateService { service: "web".into(), desired_count: Some(n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
        e.run_until(120_000 + u64::from(i) * 60_000);
    }
    let total = e.events().len();
    assert!(total > 400, "{total} events");
    let mut index = event_log::EventIndex::default();
    index.sync(e.events(), (41, e.seed()));
    let generation = index.generation();
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let props = event_log::Props { log: Rc::new(std::cell::RefCell::new(index)), generation, on_select: None };
    yew::Renderer::<event_log::EventLog>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    let items = || root.query_selector_all("[data-testid=event]").unwrap();
    assert_eq!(items().length(), 200, "the newest 200 unfiltered");
    let heading = root.query_selector("h2").unwrap().unwrap().text_content().unwrap();
    assert_eq!(heading, format!("Events ({total})"));
    let kind: web_sys::HtmlSelectElement = root.query_selector("[data-testid=event-filter-kind]").unwrap().unwrap().dyn_into().unwrap();
    kind.set_value("instanceTerminated");
    kind.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    yew::scheduler::flush().await;
    assert_eq!(items().length(), 1);
    let only = items().get(0).unwrap().dyn_into::<web_sys::Element>().unwrap();
    assert_eq!(only.get_attribute("data-t").as_deref(), Some("60000"));
    assert!(only.text_content().unwrap().contains("i-03"), "{:?}", only.text_content());
    let count = root.query_selector("[data-testid=event-filter-count]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(count, format!("1 of {total} events match"));
    // Severity: warnings and errors, over the whole log.
    kind.set_value("");
    kind.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    let level: web_sys::HtmlSelectElement = root.query_selector("[data-testid=event-filter-level]").unwrap().unwrap().dyn_into().unwrap();
    level.set_value("warning");
    level.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    yew::scheduler::flush().await;
    let warnings = e.events().iter().filter(|x| x.kind.level() >= Level::Warning).count();
    assert_eq!(items().length() as usize, warnings.min(200));
    root.remove();
}

// ---------------------------------------------------------------- animation state

fn never(_: &str) -> Option<bool> {
    None
}

#[wasm_bindgen_test]
fn new_tasks_fly_stopped_ones_fade_and_reduced_motion_does_neither() {
    let mut e = sample();
    let before = Rc::new(e.snapshot());
    let mut a = Anim::new(before.clone(), 732.0, 600.0);
    assert!(!a.animating());
    e.apply(Command::UpdateService { service: "web".into(), desired_count: Some(9), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    e.run_until(61_000);
    let grown = Rc::new(e.snapshot());
    assert_eq!(grown.tasks.len(), 9);
    a.update(grown.clone(), 732.0, 600.0, &never);
    assert_eq!(a.flights.len(), 3, "three new tasks fly in");
    assert_eq!(a.in_flight.iter().filter(|x| **x).count(), 3);
    assert!(a.fades.is_empty());
    // The next frames' snapshots differ only in the clock: the flights go on, the layout stays.
    e.run_until(61_050);
    let later = Rc::new(e.snapshot());
    let chips_before = a.layout.chips.clone();
    a.base_dirty = false;
    a.update(later, 732.0, 600.0, &never);
    assert_eq!(a.flights.len(), 3);
    assert_eq!(a.layout.chips, chips_before);
    a.tick(1000.0);
    a.tick(1000.0 + cluster_view::canvas::FLIGHT_MS + 1.0);
    assert!(a.flights.is_empty() && a.in_flight.iter().all(|x| !x), "landed");

    // Scale in: three tasks leave on request and fade (not failures).
    e.apply(Command::UpdateService { service: "web".into(), desired_count: Some(6), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    e.run_until(200_000);
    let shrunk = Rc::new(e.snapshot());
    assert_eq!(shrunk.tasks.len(), 6);
    let history = |id: &str| cluster_view::canvas::stop_was_failure(&e.inspect_task(id).history);
    a.update(shrunk.clone(), 732.0, 600.0, &history);
    assert_eq!(a.fades.len(), 3);
    assert!(a.fades.iter().all(|f| !f.failed));

    // Terminating an instance: its task flashes red, and its card stays a moment as a ghost
    // where it was; the card after it (i-06, same zone) does not move under the cross until the
    // ghost is gone.
    let card_before = a.layout.card_of_instance(&a.snapshot, "i-05").map(|c| c.rect).expect("i-05 is drawn");
    let next_card = a.layout.card_of_instance(&a.snapshot, "i-06").map(|c| c.rect).expect("i-06 is drawn");
    e.apply(Command::TerminateInstance { instance: "i-05".into() }).unwrap();
    e.run_until(201_000);
    let lost = Rc::new(e.snapshot());
    let history = |id: &str| cluster_view::canvas::stop_was_failure(&e.inspect_task(id).history);
    a.update(lost.clone(), 732.0, 600.0, &history);
    assert!(a.fades.iter().any(|f| f.failed), "the lost task is a failure");
    assert_eq!(a.lost.iter().map(|c| (c.id.as_str(), c.rect)).collect::<Vec<_>>(), vec![("i-05", card_before)]);
    assert_eq!(a.layout.card_of_instance(&a.snapshot, "i-06").map(|c| c.rect), Some(next_card), "i-06 stays put");
    assert_eq!(a.layout.card_of_instance(&a.snapshot, "i-05").map(|c| c.rect), Some(card_before), "i-05's place is kept");
    assert!(a.snapshot.instances.iter().any(|i| i.id == "i-05" && !i.agent_connected && i.tasks.is_empty()));
    // The next frame's snapshot (only the clock moved) keeps the place too.
    e.run_until(201_050);
    a.update(Rc::new(e.snapshot()), 732.0, 600.0, &never);
    assert_eq!(a.lost.len(), 1, "one ghost, not a second one for the kept card");
    assert_eq!(a.layout.card_of_instance(&a.snapshot, "i-06").map(|c| c.rect), Some(next_card));
    a.tick(5000.0);
    assert!(a.animating());
    a.tick(5000.0 + cluster_view::canvas::LOST_MS + 1.0);
    assert!(a.lost.is_empty(), "the ghost card is gone");
    assert!(!a.snapshot.instances.iter().any(|i| i.id == "i-05"), "and so is its place");
    assert!(Rc::ptr_eq(&a.snapshot, &a.real));

    // Reduced motion: the same change happens without flights or fades.
    let mut r = Anim::new(before.clone(), 732.0, 600.0);
    r.reduced_motion = true;
    r.update(grown.clone(), 732.0, 600.0, &never);
    assert!(!r.animating());
    assert_eq!(r.layout.chips.len(), 9);
    // Back in time (time travel): no motion either.
    let mut b = Anim::new(shrunk.clone(), 732.0, 600.0);
    b.update(before.clone(), 732.0, 600.0, &never);
    assert!(!b.animating());
}

// ---------------------------------------------------------------- rollout gauge

#[wasm_bindgen_test]
fn rollout_gauge_counts_and_limits() {
    let mut e = sample();
    // The limits are the service's deployment configuration in the snapshot (so a reloaded or
    // shared page draws them too): 50 % / 200 % of 6 desired → at least 3 healthy, at most 12.
    let patch = engine::deployment::DeploymentConfigurationPatch { minimum_healthy_percent: Some(50), maximum_percent: Some(200), deployment_circuit_breaker: None };
    e.apply(Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: Some(patch), force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    let s = e.snapshot();
    let g = cluster_view::gauge(&s, &s.services[0]);
    assert_eq!((g.desired, g.healthy, g.total, g.min_healthy, g.max_total, g.new, g.old), (6, 6, 6, Some(3), Some(12), 6, 0));
    // Back to 100 % / 200 % for the rollout below.
    let patch = engine::deployment::DeploymentConfigurationPatch { minimum_healthy_percent: Some(100), maximum_percent: Some(200), deployment_circuit_breaker: None };
    e.apply(Command::UpdateService { service: "web".into(), desired_count: None, task_definition: None, deployment_configuration: Some(patch), force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    // A new revision mid-rollout: some tasks are old.
    let td = engine::taskdef::parse_task_definition(&berth::ui::sample::WEB_TASKDEF.replace("\"cpu\": 256,", "\"cpu\": 512,")).task_definition.unwrap();
    let key = e.register(td);
    e.apply(Command::UpdateService { service: "web".into(), desired_count: None, task_definition: Some(key), deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();
    let (min, max) = engine::deployment::bounds(6, 100, 200);
    assert_eq!((min, max), (6, 12));
    // Watch the rollout instant by instant: the gauge's lines are the limits the scheduler keeps.
    let mut mixed = 0;
    let mut log = Vec::new();
    let mut t = 60_000;
    loop {
        t += 50;
        e.run_until(t);
        let s = e.snapshot();
        let g = cluster_view::gauge(&s, &s.services[0]);
        assert_eq!((g.min_healthy, g.max_total), (Some(min), Some(max)));
        assert!(g.total <= max, "{g:?} at {t}");
        assert!(g.healthy >= min, "{g:?} at {t}");
        log.push(format!("{t}: {g:?} {}", s.services[0].rollout_state));
        if g.old > 0 && g.new > 0 {
            mixed += 1;
        }
        if s.services[0].rollout_state == "COMPLETED" || t > 600_000 {
            assert_eq!((g.old, g.new, g.healthy), (0, 6, 6), "{g:?}");
            break;
        }
    }
    assert!(mixed > 0, "old and new revisions ran side by side: {log:#?}");
}

// ---------------------------------------------------------------- the component

async fn mount(snapshot: Rc<Snapshot>, engine: Rc<std::cell::RefCell<Engine>>) -> (web_sys::Element, Rc<std::cell::RefCell<Vec<Command>>>) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    root.set_attribute("style", "width: 900px").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let sent = Rc::new(std::cell::RefCell::new(Vec::new()));
    let on_command = {
        let sent = sent.clone();
        yew::Callback::from(move |c: Command| sent.borrow_mut().push(c))
    };
    let inspect = yew::Callback::from(move |id: String| engine.borrow().inspect_task(&id));
    let props = cluster_view::Props { snapshot, on_command, inspect, zoom: Some(1.0) };
    yew::Renderer::<cluster_view::ClusterView>::with_root_and_props(root.clone(), props).render();
    yew::scheduler::flush().await;
    (root, sent)
}

fn click(root: &web_sys::Element, selector: &str) {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into::<web_sys::HtmlElement>().click();
}

#[wasm_bindgen_test]
async fn table_rows_open_details_and_panel_actions_send_commands() {
    let e = Rc::new(std::cell::RefCell::new(sample()));
    let snap = Rc::new(e.borrow().snapshot());
    let (root, sent) = mount(snap.clone(), e.clone()).await;
    assert_eq!(root.query_selector_all("[data-testid=instance]").unwrap().length(), 6);
    assert_eq!(root.query_selector_all("[data-testid=task-chip]").unwrap().length(), 6);
    // The canvas is drawn.
    let canvas = root.query_selector("canvas.cv-base").unwrap().unwrap().unchecked_into::<web_sys::HtmlCanvasElement>();
    assert!(canvas.width() > 0 && canvas.height() > 0);

    click(&root, "[data-instance='i-04'] th button");
    yew::scheduler::flush().await;
    let title = root.query_selector("[data-testid=details-title]").unwrap().unwrap();
    assert_eq!(title.text_content().unwrap(), "Instance i-04");
    assert_eq!(root.query_selector("[data-testid=details-az]").unwrap().unwrap().text_content().unwrap(), "us-east-1b");
    click(&root, "[data-testid=details-drain]");
    click(&root, "[data-testid=details-az-toggle]");
    assert_eq!(*sent.borrow(), vec![Command::DrainInstance { instance: "i-04".into() }, Command::AzOutage { az: "us-east-1b".into() }]);

    // A chip opens the task, with Why here? and the winner marked.
    let id = snap.tasks[0].id.clone();
    click(&root, &format!("[data-testid=task-chip][data-task='{id}']"));
    yew::scheduler::flush().await;
    assert_eq!(root.query_selector("[data-testid=details-title]").unwrap().unwrap().text_content().unwrap(), format!("Task {id}"));
    let winners = root.query_selector_all("[data-testid=why-here] [data-winner=true]").unwrap();
    assert_eq!(winners.length(), 1);
    let w = winners.item(0).unwrap().unchecked_into::<web_sys::Element>();
    assert_eq!(w.get_attribute("data-instance"), snap.tasks[0].instance.clone());

    // Esc closes.
    js_sys::Function::new_no_args("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))").call0(&wasm_bindgen::JsValue::NULL).unwrap();
    yew::scheduler::flush().await;
    assert!(root.query_selector("[data-testid=details]").unwrap().is_none());
    root.remove();
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window().unwrap().document().unwrap().active_element()
}

fn text_of(root: &web_sys::Element, selector: &str) -> String {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).text_content().unwrap_or_default()
}

fn is_hidden(root: &web_sys::Element, selector: &str) -> bool {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).has_attribute("hidden")
}

/// The zone buttons say which zone; the legend says what "r2" is; the Unplaced box shows only
/// while something waits (the lane on the picture says when nothing does).
#[wasm_bindgen_test]
async fn zone_buttons_legend_and_the_unplaced_box() {
    let e = Rc::new(std::cell::RefCell::new(sample()));
    let snap = Rc::new(e.borrow().snapshot());
    assert!(snap.unplaced.is_empty());
    let (root, _) = mount(snap, e.clone()).await;
    for az in ["us-east-1a", "us-east-1b", "us-east-1c"] {
        let b = root.query_selector(&format!("[data-testid=az-toggle-{az}]")).unwrap().unwrap();
        assert_eq!(b.get_attribute("aria-label"), Some(format!("Take the zone down: {az}")));
        assert_eq!(b.text_content().unwrap(), "Take the zone down");
    }
    let legend = text_of(&root, ".cv-legend");
    assert!(legend.contains("r2= task definition revision 2"), "{legend}");
    assert!(is_hidden(&root, "[data-testid=pending-queue]"));
    assert!(!root.text_content().unwrap_or_default().contains("has a place."), "no second \"every task has a place\"");
    root.remove();
}

/// A zone with nothing in it says so instead of showing a bare table header.
#[wasm_bindgen_test]
async fn an_empty_zone_says_so() {
    let e = Rc::new(std::cell::RefCell::new(sample()));
    let mut snap = e.borrow().snapshot();
    let gone: Vec<String> = snap.instances.iter().filter(|i| i.az == "us-east-1c").map(|i| i.id.clone()).collect();
    snap.instances.retain(|i| i.az != "us-east-1c");
    snap.tasks.retain(|t| !t.instance.as_ref().is_some_and(|i| gone.contains(i)));
    let (root, _) = mount(Rc::new(snap), e.clone()).await;
    let c = "[data-testid=az][data-az='us-east-1c']";
    assert!(!is_hidden(&root, &format!("{c} [data-testid=az-empty]")));
    assert_eq!(text_of(&root, &format!("{c} [data-testid=az-empty]")), "No instances in us-east-1c");
    assert!(is_hidden(&root, &format!("{c} table")));
    // The zone keeps its heading and its button.
    assert!(text_of(&root, &format!("{c} h3")).starts_with("us-east-1c"));
    assert!(root.query_selector("[data-testid=az-toggle-us-east-1c]").unwrap().is_some());
    // The other zones show their tables.
    assert!(is_hidden(&root, "[data-testid=az][data-az='us-east-1a'] [data-testid=az-empty]"));
    assert!(!is_hidden(&root, "[data-testid=az][data-az='us-east-1a'] table"));
    root.remove();
}

/// Terminating an instance from its row gives the focus to the next instance's name in the zone (not
/// its ✕: Enter again must not terminate another), and with none left to the zone's button (not <body>).
#[wasm_bindgen_test]
async fn terminate_from_the_table_keeps_the_focus_in_the_zone() {
    let e = Rc::new(std::cell::RefCell::new(sample()));
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    let sent = Rc::new(std::cell::RefCell::new(Vec::new()));
    let on_command = {
        let sent = sent.clone();
        yew::Callback::from(move |c: Command| sent.borrow_mut().push(c))
    };
    let inspect = {
        let e = e.clone();
        yew::Callback::from(move |id: String| e.borrow().inspect_task(&id))
    };
    let props = |s: Snapshot| cluster_view::Props { snapshot: Rc::new(s), on_command: on_command.clone(), inspect: inspect.clone(), zoom: Some(1.0) };
    let mut app = yew::Renderer::<cluster_view::ClusterView>::with_root_and_props(root.clone(), props(e.borrow().snapshot())).render();
    yew::scheduler::flush().await;
    let terminate = |id: &str| {
        let b = root.query_selector(&format!("[data-instance='{id}'] [data-testid=instance-terminate]")).unwrap().unwrap_or_else(|| panic!("no ✕ for {id}"));
        assert_eq!(b.get_attribute("aria-label"), Some(format!("Terminate {id}")));
        b
    };
    for (id, focus_then) in [("i-01", "i-02's name (not its ✕)"), ("i-02", "the zone's button")] {
        let b = terminate(id).unchecked_into::<web_sys::HtmlElement>();
        b.focus().unwrap();
        b.click();
        let cmd = sent.borrow_mut().pop().expect("a command");
        assert_eq!(cmd, Command::TerminateInstance { instance: id.into() });
        e.borrow_mut().apply(cmd).unwrap();
        let now = e.borrow().now();
        e.borrow_mut().run_until(now + 1_000);
        app.update(props(e.borrow().snapshot()));
        yew::scheduler::flush().await;
        assert!(root.query_selector(&format!("[data-instance='{id}']")).unwrap().is_none(), "{id}'s row is gone");
        let active = active_element().expect("something has the focus");
        let want = if id == "i-01" {
            root.query_selector("[data-instance='i-02'] th button.cv-link").unwrap().expect("i-02's name")
        } else {
            root.query_selector("[data-testid=az-toggle-us-east-1a]").unwrap().unwrap()
        };
        assert!(active.is_same_node(Some(&want)), "after terminating {id} the focus is on {focus_then}, not {}", active.outer_html());
    }
    // Nothing left in us-east-1a: the zone says so.
    assert_eq!(text_of(&root, "[data-az='us-east-1a'] [data-testid=az-empty]"), "No instances in us-east-1a");
    app.destroy();
    root.remove();
}

/// The k8s-deployment example (six nginx pods on three t3.medium nodes) a minute in.
fn k8s_example() -> Engine {
    let text = berth::shell::course::example("k8s-deployment.json").expect("the example is bundled");
    let files = |name: &str| berth::shell::course::example(name).map(str::to_string);
    let mut e = engine::scenario::parse_scenario(text, &files).unwrap_or_else(|d| panic!("{d:?}")).start(None);
    e.run_until(60_000);
    e
}

/// A pod's details speak Kubernetes: owner, node, requests in millicores, Delete pod as kubectl
/// delete pod, and a Why here? from what the snapshot knows (no ECS words, no repository path).
#[wasm_bindgen_test]
async fn a_pod_opens_kubernetes_details_with_delete_pod_and_why_here() {
    let e = Rc::new(std::cell::RefCell::new(k8s_example()));
    let snap = Rc::new(shell::kube_view::as_cluster(&e.borrow().snapshot()));
    let kube = snap.kube.clone().expect("a Kubernetes scenario");
    let p = kube.pods.iter().find(|p| p.ready && p.node.is_some()).expect("a running pod").clone();
    let (root, sent) = mount(snap.clone(), e.clone()).await;
    click(&root, &format!("[data-testid=task-chip][data-task='{}']", p.name));
    yew::scheduler::flush().await;
    let text_of = |sel: &str| root.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel}")).text_content().unwrap_or_default();
    assert_eq!(text_of("[data-testid=details-title]"), format!("Pod {}", p.name));
    let rs = p.owner.as_deref().and_then(|o| o.strip_prefix("ReplicaSet/")).expect("a ReplicaSet's pod");
    assert_eq!(text_of("[data-testid=pod-owner]"), format!("ReplicaSet {rs} of Deployment web (revision 1)"));
    let node = p.node.clone().unwrap();
    let zone = kube.nodes.iter().find(|n| n.name == node).map(|n| n.zone.clone()).unwrap();
    assert_eq!(text_of("[data-testid=pod-node]"), format!("{node} in {zone}"));
    assert_eq!(text_of("[data-testid=pod-requests]"), "cpu 250m, memory 256Mi");
    let details = text_of("[data-testid=details]");
    for ecs in ["task definition", "CPU units", "Stop task", "docs/", "capacity provider"] {
        assert!(!details.contains(ecs), "{ecs:?} in the pod's details: {details}");
    }
    let why = text_of("[data-testid=why-here]");
    assert!(why.starts_with(&format!("Why here?The kube-scheduler bound it to {node} (t3.medium in {zone}).")), "{why}");
    assert!(why.contains("The podScheduled event in the Events list (filter Kind: podScheduled) has the scores that won."), "{why}");
    // The node is a link to its details.
    click(&root, "[data-testid=pod-node] button");
    yew::scheduler::flush().await;
    assert_eq!(text_of("[data-testid=details-title]"), format!("Node {node}"));
    click(&root, &format!("[data-testid=task-chip][data-task='{}']", p.name));
    yew::scheduler::flush().await;
    click(&root, "[data-testid=details-delete-pod]");
    assert_eq!(*sent.borrow(), vec![Command::Kubectl { args: format!("delete pod {} -n default", p.name), manifest: None }]);
    root.remove();
}

/// Why here? for a Pending pod gives the scheduler's message; a nominated node says preemption
/// is making room; the bin-packing profile says it prefers the fuller node.
#[wasm_bindgen_test]
fn pod_why_says_what_the_snapshot_knows() {
    use cluster_view::details::{pod_owner, pod_why};
    let e = k8s_example();
    let mut kube = e.snapshot().kube.expect("a Kubernetes scenario");
    let mut p = kube.pods[0].clone();
    kube.scheduler = "bin-packing".into();
    assert!(pod_why(&p, &kube)[0].ends_with("its bin-packing profile prefers the fuller node, to fill nodes up."));
    p.node = None;
    p.nominated_node = Some("ip-10-0-2-10.ec2.internal".into());
    kube.unschedulable.push(engine::k8s::sim::UnschedulableView { pod: p.name.clone(), namespace: p.namespace.clone(), message: "0/3 nodes are available: 3 Insufficient cpu.".into() });
    assert_eq!(
        pod_why(&p, &kube),
        vec![
            "Not on a node yet (Pending). The kube-scheduler's last word: 0/3 nodes are available: 3 Insufficient cpu.".to_string(),
            "Preemption is making room for it on ip-10-0-2-10.ec2.internal: lower-priority pods there are being removed, and the pod is bound once they are gone.".to_string(),
        ]
    );
    p.owner = None;
    assert_eq!(pod_owner(&p, &kube), "none: a bare pod (nothing recreates it)");
    p.owner = Some("DaemonSet/fluent-bit".into());
    assert_eq!(pod_owner(&p, &kube), "DaemonSet fluent-bit");
}

// ---------------------------------------------------------------- the view's cost per frame

/// `3 × per_az` m5.xlarge over three zones and a service of `tasks` tasks (256 CPU units, 512 MiB each).
fn big_engine(per_az: u32, tasks: u32) -> Engine {
    let text = format!(
        r#"{{ "berth": 1, "name": "big", "seed": 7,
  "cluster": {{ "name": "big", "region": "us-east-1", "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "instances": [{{ "type": "m5.xlarge", "az": "us-east-1a", "count": {per_az} }}, {{ "type": "m5.xlarge", "az": "us-east-1b", "count": {per_az} }}, {{ "type": "m5.xlarge", "az": "us-east-1c", "count": {per_az} }}] }},
  "taskDefinitions": [{{ "file": "taskdefs/web.json" }}],
  "services": [{{ "serviceName": "web", "taskDefinition": "web", "desiredCount": {tasks}, "launchType": "EC2" }}] }}"#
    );
    let files = |name: &str| if name == "taskdefs/web.json" { Ok(berth::ui::sample::WEB_TASKDEF.to_string()) } else { Err(format!("no {name}")) };
    engine::scenario::parse_scenario(&text, &files).unwrap_or_else(|d| panic!("{d:?}")).start(None)
}

fn canvas_of(w: f64, h: f64) -> web_sys::HtmlCanvasElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let c = doc.create_element("canvas").unwrap().unchecked_into::<web_sys::HtmlCanvasElement>();
    c.set_width(w as u32);
    c.set_height(h as u32);
    c
}

/// What the cluster view does per animation frame with 501 instances and 1,000 tasks at 16×: the
/// diff of the new snapshot against the last ([`Anim::update`], a re-layout when tasks come or
/// go), redrawing the base picture when something drawn changed, and the overlay (flights,
/// fades) every frame. Driven through a rolling deployment of every task, 120 frames of 16.7 ms
/// at 16×. Prints p50/p95/max. The goal is a whole frame under 16.7 ms at the 95th percentile;
/// it is not met yet (docs/cluster-view.md has the numbers), so the release check is the
/// measured level plus a margin, to catch regressions. Debug builds only report.
#[wasm_bindgen_test]
async fn view_work_per_frame_with_501_instances() {
    // Release: 501 instances and 1,000 tasks (5,000 take longer to place than the test runner
    // waits for a page); debug builds (CI): 60 instances and 150 tasks, report only.
    let (per_az, n): (u32, u32) = if cfg!(debug_assertions) { (20, 150) } else { (167, option_env!("BERTH_VIEW_TASKS").and_then(|v| v.parse().ok()).unwrap_or(1000)) };
    let t0 = js_sys::Date::now();
    let mut e = big_engine(per_az, n);
    let started = js_sys::Date::now() - t0;
    let mut t = 0;
    while t < 60_000 {
        t += 250;
        e.run_until(t);
        yew::platform::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    wasm_bindgen_test::console_log!("start {started:.0} ms, up after {:.0} ms", js_sys::Date::now() - t0);
    assert_eq!(e.snapshot().tasks.len(), n as usize);
    let td = engine::taskdef::parse_task_definition(&berth::ui::sample::WEB_TASKDEF.replace("\"memory\": 512,", "\"memory\": 600,")).task_definition.unwrap();
    let key = e.register(td);
    e.apply(Command::UpdateService { service: "web".into(), desired_count: None, task_definition: Some(key), deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }).unwrap();

    let mut anim = Anim::new(Rc::new(e.snapshot()), 1000.0, 600.0);
    let base = canvas_of(1000.0, 600.0);
    let over = canvas_of(1000.0, 600.0);
    let mut work = Vec::new();
    let mut engine_ms = Vec::new();
    let mut relayouts = 0;
    let mut flights = 0;
    let frame = 1000.0 / 60.0;
    let mut ts = 0.0;
    for _ in 0..120 {
        ts += frame;
        let t0 = js_sys::Date::now();
        let to = e.now() + (frame * 16.0) as u64;
        e.run_until(to);
        let snap = Rc::new(e.snapshot());
        let t1 = js_sys::Date::now();
        let before = anim.layout.chips.len();
        anim.update(snap, 1000.0, 600.0, &never);
        if anim.layout.chips.len() != before {
            relayouts += 1;
        }
        flights = flights.max(anim.flights.len());
        anim.tick(ts);
        if anim.base_dirty {
            let ctx = cluster_view::canvas::context(&base, anim.layout.width, anim.layout.height, 1.0).unwrap();
            cluster_view::canvas::draw_base(&ctx, &anim);
            anim.base_dirty = false;
        }
        let ctx = cluster_view::canvas::context(&over, anim.layout.width, anim.layout.height, 1.0).unwrap();
        cluster_view::canvas::draw_overlay(&ctx, &anim);
        let t2 = js_sys::Date::now();
        engine_ms.push(t1 - t0);
        work.push(t2 - t1);
        yew::platform::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let sorted = |v: &mut Vec<f64>| v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    sorted(&mut work);
    sorted(&mut engine_ms);
    let s = e.snapshot();
    let report = format!(
        "view work per frame ({}): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; engine step + snapshot p50 {:.1} ms, p95 {:.1} ms; {} re-layouts, up to {} flights; density {:?}; at {} the rollout is {} with {} tasks",
        if cfg!(debug_assertions) { "debug build" } else { "release build" },
        percentile(&work, 0.5),
        percentile(&work, 0.95),
        work[work.len() - 1],
        percentile(&engine_ms, 0.5),
        percentile(&engine_ms, 0.95),
        relayouts,
        flights,
        anim.layout.density,
        s.time,
        s.services[0].rollout_state,
        s.tasks.len()
    );
    wasm_bindgen_test::console_log!("{report}");
    assert!(relayouts > 0, "the deployment changed the picture: {report}");
    if !cfg!(debug_assertions) {
        assert!(percentile(&work, 0.95) < 25.0, "{report}");
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

// ---------------------------------------------------------------- Kubernetes words, outline

/// Every heading under `root`, in document order, as `h2 Cluster`.
fn headings(root: &web_sys::Element) -> Vec<String> {
    let list = root.query_selector_all("h1, h2, h3, h4, h5, h6").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
        .filter(|h| h.closest("[hidden]").ok().flatten().is_none())
        .map(|h| format!("{} {}", h.tag_name().to_lowercase(), h.text_content().unwrap_or_default()))
        .collect()
}

/// A node's details speak Kubernetes: its status as the table's status column (and kubectl) says
/// it, and its real hourly price — the t3.medium's on-demand $0.0416, the figure the cost summary
/// adds up per node — not "ACTIVE" and $0.0000.
#[wasm_bindgen_test]
async fn a_node_shows_its_kubernetes_status_and_its_price() {
    let e = Rc::new(std::cell::RefCell::new(k8s_example()));
    let cost = e.borrow().snapshot().cost;
    assert!((cost.ec2_on_demand_hourly_usd - 3.0 * 0.0416).abs() < 1e-9, "three t3.medium nodes: {cost:?}");
    let snap = Rc::new(shell::kube_view::as_cluster(&e.borrow().snapshot()));
    let node = "ip-10-0-1-10.ec2.internal";
    let (root, _) = mount(snap, e.clone()).await;
    click(&root, &format!("[data-instance='{node}'] th button"));
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=details-title]"), format!("Node {node}"));
    assert_eq!(text_of(&root, "[data-testid=details-status]"), "Ready");
    assert_eq!(text_of(&root, "[data-testid=details-price]"), "$0.0416 per hour (on-demand)");
    let details = text_of(&root, "[data-testid=details]");
    assert!(!details.contains("ACTIVE"), "{details}");
    // The panel is a div (an aside may not be a dialog); the Resources table's row-header column
    // has a name.
    let panel = root.query_selector("[data-testid=details]").unwrap().unwrap();
    assert_eq!((panel.tag_name().as_str(), panel.get_attribute("role").as_deref()), ("DIV", Some("dialog")));
    assert_eq!(text_of(&root, "table[aria-label=Resources] thead th:first-child"), "resource");
    root.remove();

    // Cordoned: the table and the details say Ready,SchedulingDisabled.
    e.borrow_mut().apply(Command::Kubectl { args: format!("cordon {node}"), manifest: None }).unwrap();
    let snap = Rc::new(shell::kube_view::as_cluster(&e.borrow().snapshot()));
    let (root, _) = mount(snap, e.clone()).await;
    assert!(text_of(&root, &format!("[data-instance='{node}']")).contains("Ready,SchedulingDisabled"));
    click(&root, &format!("[data-instance='{node}'] th button"));
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=details-status]"), "Ready,SchedulingDisabled (cordoned): no new pods");
    root.remove();
}

/// A Spot node is priced (and described) as Spot, as the cost summary bills it.
#[wasm_bindgen_test]
fn a_spot_node_is_priced_as_spot() {
    let e = k8s_example();
    let mut s = e.snapshot();
    let kube = s.kube.as_mut().unwrap();
    kube.nodes[0].capacity_type = "SPOT".into();
    let name = kube.nodes[0].name.clone();
    let view = shell::kube_view::as_cluster(&s);
    let i = view.instances.iter().find(|i| i.id == name).unwrap();
    let (price, purchase) = cluster_view::details::hourly_price(&view, i);
    assert_eq!(purchase, "Spot");
    assert_eq!(Some(price), engine::pricing::ec2_hourly("t3.medium", engine::pricing::Purchase::Spot));
    assert!(cluster_view::table::is_spot(i));
}

/// A Kubernetes-only cluster's legend colours pods by workload (not "its service"), and the
/// headings follow the page's outline: Cluster (h2), then each zone (h3), then the details panel
/// (h2) with its sections (h3).
#[wasm_bindgen_test]
async fn kubernetes_legend_and_the_heading_outline() {
    let e = Rc::new(std::cell::RefCell::new(k8s_example()));
    let snap = Rc::new(shell::kube_view::as_cluster(&e.borrow().snapshot()));
    let (root, _) = mount(snap, e.clone()).await;
    assert_eq!(text_of(&root, "[data-testid=legend-running]"), "running (colour: its workload: Deployment, DaemonSet or Job)");
    assert_eq!(headings(&root), vec!["h2 Cluster", "h3 us-east-1aTake the zone down", "h3 us-east-1bTake the zone down", "h3 us-east-1cTake the zone down"]);
    click(&root, "[data-instance='ip-10-0-2-10.ec2.internal'] th button");
    yew::scheduler::flush().await;
    assert_eq!(&headings(&root)[4..], ["h2 Node ip-10-0-2-10.ec2.internal", "h3 Pods (2)", "h3 Attributes", "h3 Actions"]);
    root.remove();
    // An ECS cluster keeps "its service".
    let e = Rc::new(std::cell::RefCell::new(sample()));
    let snap = Rc::new(e.borrow().snapshot());
    let (root, _) = mount(snap, e.clone()).await;
    assert_eq!(text_of(&root, "[data-testid=legend-running]"), "running (colour: its service)");
    root.remove();
}

/// The event list's Service filter lists ECS services and Kubernetes Deployments, and says which:
/// a Kubernetes-only run offers its Deployment under "Deployment". Kind still filters pod and
/// node events.
#[wasm_bindgen_test]
async fn the_service_filter_offers_deployments_in_a_kubernetes_run() {
    for (e, label_text, option) in [(k8s_example(), "Deployment ", "web"), (sample(), "Service ", "web")] {
        let mut index = event_log::EventIndex::default();
        index.sync(e.events(), (0, e.seed()));
        let generation = index.generation();
        let doc = web_sys::window().unwrap().document().unwrap();
        let root = doc.create_element("div").unwrap();
        doc.body().unwrap().append_child(&root).unwrap();
        let props = event_log::Props { log: Rc::new(std::cell::RefCell::new(index)), generation, on_select: None };
        yew::Renderer::<event_log::EventLog>::with_root_and_props(root.clone(), props).render();
        yew::scheduler::flush().await;
        let label = root.query_selector("[data-testid=event-filter-service]").unwrap().unwrap().parent_element().unwrap();
        assert!(!label.has_attribute("hidden"), "{}", label.outer_html());
        assert_eq!(label.first_child().and_then(|t| t.text_content()).as_deref(), Some(label_text));
        let options = root.query_selector_all("[data-testid=event-filter-service] option").unwrap();
        let texts: Vec<String> = (0..options.length()).map(|i| options.item(i).unwrap().text_content().unwrap_or_default()).collect();
        assert_eq!(texts, ["all", option]);
        let kinds = root.query_selector_all("[data-testid=event-filter-kind] option").unwrap().length();
        assert!(kinds > 3, "{kinds} kinds");
        root.remove();
    }
}

// ---------------------------------------------------------------- Pending pods

/// Lesson 13.2 a minute in: three web pods asking for 2 CPUs wait on three t3.medium nodes.
fn pending_lesson() -> Engine {
    let text = berth::shell::course::bundled("13-kubernetes/02-pending-pods.json").expect("bundled");
    let lesson: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let scenario = lesson["scenario"].to_string();
    let mut e = engine::scenario::parse_scenario(&scenario, &|n: &str| Err(n.to_string())).unwrap_or_else(|d| panic!("{d:?}")).start(None);
    e.run_until(60_000);
    e
}

/// A Pending pod opens like a running one (requests, QoS, the scheduler's message), and its
/// Why pending? puts its requests next to every node's allocatable and free CPU and memory; the
/// group's Why pending? says it in node and pod words and lists the pods.
#[wasm_bindgen_test]
async fn a_pending_pod_opens_with_its_requests_against_every_nodes_room() {
    let e = Rc::new(std::cell::RefCell::new(pending_lesson()));
    let snap = Rc::new(shell::kube_view::as_cluster(&e.borrow().snapshot()));
    let (root, _) = mount(snap.clone(), e.clone()).await;
    let chips = root.query_selector_all("[data-testid=pending-pod-chips] [data-testid=task-chip]").unwrap();
    assert_eq!(chips.length(), 3, "the three Pending pods, each a button");
    let first = chips.item(0).unwrap().unchecked_into::<web_sys::HtmlElement>();
    let name = first.get_attribute("data-task").unwrap();
    assert_eq!(first.get_attribute("data-status").as_deref(), Some("PENDING"));
    first.click();
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=details-title]"), format!("Pod {name}"));
    assert_eq!(text_of(&root, "[data-testid=pod-requests]"), "cpu 2, memory 512Mi");
    assert_eq!(text_of(&root, "[data-testid=pod-qos-class]"), "Burstable");
    assert_eq!(text_of(&root, "[data-testid=pod-node]"), "none yet (Pending)");
    let why = text_of(&root, "[data-testid=why-pending]");
    assert!(why.starts_with("Why pending?Not on a node yet (Pending). The kube-scheduler's last word: 0/3 nodes are available: 3 Insufficient cpu."), "{why}");
    assert_eq!(text_of(&root, "[data-testid=room-needs]"), "Each pod needs 2000m CPU, 512Mi memory. What each node has:");
    let rows = root.query_selector_all("[data-testid=room-row]").unwrap();
    assert_eq!(rows.length(), 3);
    assert_eq!(text_of(&root, "[data-testid=room-row][data-node='ip-10-0-1-10.ec2.internal'] [data-testid=room-cpu]"), "1930m of 1930m");
    assert_eq!(text_of(&root, "[data-testid=room-row] [data-testid=room-verdict]"), "needs 2000m CPU, only 1930m allocatable: too small for it");
    assert!(text_of(&root, "[data-testid=room-never]").starts_with("No node could ever take it"));
    assert!(root.query_selector("[data-testid=why-here]").unwrap().is_none());

    // The group: Kubernetes words, the same numbers, and the pods.
    click(&root, "[data-testid=why-pending-open]");
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=details-title]"), "Pending: web");
    assert_eq!(text_of(&root, "[data-testid=details-pending-count]"), "3 × web Pending: no node passes every check for them. The kube-scheduler tries again after every change in the cluster.");
    let details = text_of(&root, "[data-testid=details]");
    assert!(!details.contains("instance"), "{details}");
    assert_eq!(root.query_selector_all("[data-testid=details] [data-testid=room-row]").unwrap().length(), 3);
    assert_eq!(root.query_selector_all("[data-testid=pending-pods] [data-testid=task-chip]").unwrap().length(), 3);
    click(&root, &format!("[data-testid=pending-pods] [data-task='{name}']"));
    yew::scheduler::flush().await;
    assert_eq!(text_of(&root, "[data-testid=details-title]"), format!("Pod {name}"));
    root.remove();
}

/// The pending lane makes room for the whole group name, wraps onto another row when the lane is
/// full, and its chips are the Pending pods: a click on one opens it.
#[wasm_bindgen_test]
fn the_pending_lane_shows_whole_names_and_its_chips_open_pods() {
    let e = pending_lesson();
    let s = shell::kube_view::as_cluster(&e.snapshot());
    let l = Layout::compute(&s, 900.0, 700.0);
    assert_eq!(l.pending.len(), 1);
    let p = &l.pending[0];
    assert_eq!((p.chips, p.tasks.len()), (3, 3));
    assert!(p.label_w >= cluster_view::layout::label_width("3 × web"));
    let (cx, cy) = p.chip_rect(1).centre();
    assert_eq!(l.hit(&s, cx, cy), Some(Hit::Task(s.tasks[p.tasks[1]].id.clone())));
    assert_eq!(l.hit(&s, p.rect.x + 3.0, cy), Some(Hit::Pending(0)));
    assert_eq!(cluster_view::tooltip(&s, &Hit::Pending(0)), "3 × web Pending: why?");
    assert_eq!(cluster_view::tooltip(&s, &Hit::Instance("ip-10-0-1-10.ec2.internal".into())), "Node ip-10-0-1-10.ec2.internal (t3.medium)");
    // Long names and many groups: every label whole, boxes within the lane, more rows.
    let mut many = s.clone();
    let template = many.unplaced[0].clone();
    many.unplaced = (0..6).map(|i| engine::snapshot::UnplacedView { service: Some(format!("shipping-worker-{i}")), group: format!("shipping-worker-{i}"), count: 952, ..template.clone() }).collect();
    let l = Layout::compute(&many, 700.0, 2000.0);
    for b in &l.pending {
        assert!(b.label_w >= cluster_view::layout::label_width("952 × shipping-worker-0"), "{b:?}");
        assert!(b.rect.x + b.rect.w <= 700.0 - 6.0 + 0.01, "{b:?}");
        assert!(l.pending_lane.contains(b.rect.x, b.rect.y + b.rect.h - 1.0));
    }
    assert!(l.pending_lane.h > cluster_view::layout::PENDING_H, "wrapped onto more rows");
    assert!(l.columns.iter().all(|c| c.rect.y >= l.pending_lane.h), "zones start below the lane");
}

/// `text`'s width as a canvas draws it in the pending lane's font.
fn drawn_width(text: &str) -> f64 {
    let ctx: web_sys::CanvasRenderingContext2d = canvas_of(100.0, 100.0).get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    ctx.set_font(cluster_view::layout::PENDING_FONT);
    ctx.measure_text(text).unwrap().width()
}

/// A long service name that cannot be placed: the lane keeps the whole name (measured, not
/// guessed) whenever it has room, at normal widths and in presenter mode at 1280 px (a 744 px
/// canvas: 531 px of layout), for two groups; a group of 12 gets 8 chips and a `+4` after them,
/// or fewer chips (and a larger `+N`) where the lane needs the room for the whole name.
#[wasm_bindgen_test]
fn the_pending_lane_keeps_long_names_whole_and_counts_the_tasks_without_a_chip() {
    let mut s = sample().snapshot();
    let long = "notifications-fanout-consumer-high-priority";
    let unplaced = |name: &str, count: u32| engine::snapshot::UnplacedView { service: Some(name.into()), group: format!("service:{name}"), count, reason: "no container instance met all of its requirements".into(), decision: None };
    s.unplaced = vec![unplaced(long, 3), unplaced("notifications-fanout-consumer-low-priority", 12)];
    for width in [744.0 / cluster_view::PRESENTER_ZOOM, 1280.0 / cluster_view::PRESENTER_ZOOM, 900.0, 732.0] {
        let l = Layout::compute(&s, width, 2000.0);
        assert_eq!(l.pending.len(), 2);
        for (p, label) in l.pending.iter().zip([format!("3 × {long}"), "12 × notifications-fanout-consumer-low-priority".to_string()]) {
            assert!(p.label_w >= drawn_width(&label), "{width}: {label} fits in {}", p.label_w);
            // What the canvas draws: the name uncut.
            let count = label.split_once("× ").map(|(c, _)| format!("{c}× ")).unwrap();
            let name = &label[count.len()..];
            assert_eq!(cluster_view::canvas::ellipsize(name, p.label_w - drawn_width(&count), &drawn_width), name, "{width}");
            assert!(p.rect.x + p.rect.w <= width - 6.0 + 0.01, "{width}: {p:?}");
        }
        let (a, b) = (&l.pending[0], &l.pending[1]);
        assert_eq!((a.chips, a.more, a.more_label()), (3, 0, None));
        // 8 chips where the name fits beside them; else fewer (as many as fit beside it).
        let chips = b.chips;
        assert!(if width >= 700.0 { chips == 8 } else { (1..8).contains(&chips) }, "{width}: {chips} chips");
        assert_eq!(b.more, 12 - chips as u32, "{width}");
        let (more, x) = b.more_label().expect("+N");
        assert_eq!(more, format!("+{}", 12 - chips));
        let last = b.chip_rect(chips - 1);
        assert!(x >= last.x + last.w, "after the last chip");
        assert!(x + drawn_width(&more) <= b.rect.x + b.rect.w, "{width}: {more} inside its box");
    }
    // A lane too narrow for the name still cuts it.
    let l = Layout::compute(&s, 320.0, 2000.0);
    assert!(l.pending[0].label_w < drawn_width(&format!("3 × {long}")));
}

/// The lane's chips are the "Pending pods" list's pods in the list's order: the first chip is
/// the first pod of the list, and a click on it opens that pod.
#[wasm_bindgen_test]
fn the_pending_lane_orders_pods_like_the_pending_pods_list() {
    let e = pending_lesson();
    let s = shell::kube_view::as_cluster(&e.snapshot());
    let k = s.kube.as_ref().expect("kube");
    let list: Vec<String> = shell::kube_view::pending_pods(k, &s.unplaced[0].group).iter().map(|p| p.name.clone()).collect();
    assert_eq!(list.len(), 3);
    let l = Layout::compute(&s, 900.0, 700.0);
    let lane: Vec<String> = l.pending[0].tasks.iter().map(|&t| s.tasks[t].id.clone()).collect();
    assert_eq!(lane, list);
    for (k, id) in list.iter().enumerate() {
        let (x, y) = l.pending[0].chip_rect(k).centre();
        assert_eq!(l.hit(&s, x, y), Some(Hit::Task(id.clone())), "chip {k}");
        assert_eq!(l.pending_chip_of(&s, id), Some(l.pending[0].chip_rect(k)));
    }
}
