//! Time travel (src/engine/history.rs): seeking rebuilds exactly the state a straight run
//! reaches, memory stays bounded over long runs, and changing the past gives the same run as
//! starting over with the changed inputs.

use berth::engine::history::{apply_input, straight_run, Entry, History, Input, Outcome};
use berth::engine::scenario::{parse_scenario, Scenario};
use berth::engine::sim::{Command, Engine};

const SELF_HEALING: &str = include_str!("../docs/examples/scenarios/self-healing.json");
const FIRST_PAGE: &str = include_str!("../docs/examples/scenarios/first-page.json");
const WEB: &str = include_str!("../docs/examples/scenarios/taskdefs/web.json");

const S: u64 = 1000;
const MIN: u64 = 60 * S;

fn scenario(text: &str) -> Scenario {
    let files = |name: &str| match name {
        "taskdefs/web.json" => Ok(WEB.to_string()),
        other => Err(format!("{other} not bundled")),
    };
    match parse_scenario(text, &files) {
        Ok(s) => s,
        Err(d) => panic!("scenario does not load: {d:?}"),
    }
}

fn snapshot_json(e: &Engine) -> String {
    serde_json::to_string(&e.snapshot()).unwrap()
}

fn scale(n: u32) -> Input {
    Input::Command(Command::UpdateService { service: "web".into(), desired_count: Some(n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None })
}

fn bigger_web() -> Input {
    Input::Deploy(WEB.replace("\"cpu\": 256,", "\"cpu\": 512,"))
}

/// Drives a history the way the page does: irregular play-loop chunks, inputs in between.
fn drive(h: &mut History, plan: &[(u64, Input)], until: u64, chunk: u64) {
    let mut plan = plan.iter().peekable();
    while h.now() < until {
        while let Some((at, input)) = plan.peek() {
            if *at > h.now() {
                break;
            }
            let outcome = h.input(input.clone());
            assert!(outcome.reached_engine(), "{outcome:?}");
            plan.next();
        }
        let next = plan.peek().map_or(until, |(at, _)| (*at).min(until));
        let t = (h.now() + chunk).min(next);
        h.advance_to(t);
    }
}

fn plan() -> Vec<(u64, Input)> {
    vec![
        (30 * S, Input::Command(Command::TerminateInstance { instance: "i-01".into() })),
        (90 * S, scale(10)),
        (90 * S, Input::Command(Command::DrainInstance { instance: "i-03".into() })),
        (4 * MIN + 250, bigger_web()),
        (6 * MIN, Input::Command(Command::TerminateInstance { instance: "i-does-not-exist".into() })),
        (7 * MIN, scale(3)),
    ]
}

#[test]
fn seeking_gives_exactly_the_state_of_a_straight_run() {
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::with_limits(start.clone(), 20 * S, 64, usize::MAX);
    drive(&mut h, &plan(), 10 * MIN, 1_370);
    assert_eq!(h.now(), 10 * MIN);
    assert_eq!(h.furthest(), 10 * MIN);
    // Six inputs, including the refused terminate (journaled: it is part of the run).
    assert_eq!(h.journal().len(), 6);
    assert!(h.is_live());
    let live_hash = h.engine().log_hash();
    let live_snap = snapshot_json(h.engine());

    // Backwards and forwards, including exact input times and checkpoint times.
    for t in [9 * MIN, 0, 30 * S, 30 * S - 1, 95 * S, 4 * MIN + 250, 20 * S, 7 * MIN + 1, 3 * MIN, 10 * MIN] {
        h.seek(t);
        let reference = straight_run(&start, h.journal(), t);
        assert_eq!(h.now(), t);
        assert_eq!(h.engine().log_hash(), reference.log_hash(), "log at {t} ms");
        assert_eq!(h.engine().events().len(), reference.events().len(), "events at {t} ms");
        assert_eq!(snapshot_json(h.engine()), snapshot_json(&reference), "snapshot at {t} ms");
        assert_eq!(h.is_live(), t == 10 * MIN);
    }
    assert_eq!(h.engine().log_hash(), live_hash);
    assert_eq!(snapshot_json(h.engine()), live_snap);

    // At 95 s the terminate (30 s) happened, the scale to 10 has been asked for.
    h.seek(95 * S);
    assert!(!h.engine().instances().contains_key("i-01"));
    assert_eq!(h.engine().services().get("web").map(|s| s.desired_count), Some(10));
    // Before it, i-01 is still there and the service wants 8.
    h.seek(29 * S);
    assert!(h.engine().instances().contains_key("i-01"));
    assert_eq!(h.engine().services().get("web").map(|s| s.desired_count), Some(8));
    // Seeking never loses the future.
    h.go_live();
    assert_eq!(h.engine().log_hash(), live_hash);
    assert_eq!(h.journal().len(), 6);
}

#[test]
fn the_timeline_plays_forward_from_the_past_through_the_same_inputs() {
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::with_limits(start.clone(), 15 * S, 64, usize::MAX);
    drive(&mut h, &plan(), 8 * MIN, 2_000);
    let live = h.engine().log_hash();
    h.seek(40 * S);
    assert!(!h.is_live());
    // Play from 40 s in uneven chunks and steps: the journal's inputs happen again at their times.
    while h.now() < 8 * MIN {
        if h.now() % 3 == 0 {
            h.step();
        } else {
            let t = (h.now() + 777).min(8 * MIN);
            h.advance_to(t);
        }
    }
    assert_eq!(h.now(), 8 * MIN);
    assert!(h.is_live());
    assert_eq!(h.engine().log_hash(), live);
}

#[test]
fn step_goes_to_the_next_queued_moment_or_journal_entry() {
    let sc = scenario(FIRST_PAGE);
    let mut h = History::new(sc.start(None));
    let due = h.engine().next_due().expect("the sample scenario has tasks starting");
    h.step();
    assert_eq!(h.now(), due);
    h.advance_to(10 * MIN);
    let outcome = h.input(scale(2));
    assert_eq!(outcome, Outcome::Done);
    h.seek(9 * MIN);
    // The next thing after 9 minutes is the learner's scale-in at 10 minutes (nothing else is due
    // in a settled cluster).
    assert_eq!(h.next_instant(), 10 * MIN);
    h.step();
    assert_eq!(h.now(), 10 * MIN);
    assert_eq!(h.engine().services().get("web").map(|s| s.desired_count), Some(2));
}

#[test]
fn memory_stays_bounded_over_a_long_run() {
    let sc = scenario(FIRST_PAGE);
    let start = sc.start(None);
    let max = 12;
    let mut h = History::with_limits(start.clone(), 5 * S, max, usize::MAX);
    // Twelve hours, scaling between 3 and 9 every 20 minutes.
    let mut plan = Vec::new();
    for i in 0..36u64 {
        plan.push((i * 20 * MIN + 7 * S, scale(3 + (i % 4) as u32 * 2)));
    }
    let until = 12 * 60 * MIN;
    let mut most = 0;
    let mut p = plan.iter().peekable();
    while h.now() < until {
        while let Some((at, input)) = p.peek() {
            if *at > h.now() {
                break;
            }
            h.input(input.clone());
            p.next();
        }
        let t = (h.now() + 3 * MIN).min(p.peek().map_or(until, |(at, _)| *at));
        h.advance_to(t);
        most = most.max(h.checkpoint_times().len());
    }
    assert!(most <= max, "{most} checkpoints kept, limit {max}");
    assert!(h.times_thinned() >= 5, "thinned {} times", h.times_thinned());
    // Spacing grew from 5 s to cover 12 hours in at most 12 checkpoints.
    assert!(h.interval() >= 12 * 60 * MIN / max as u64, "interval {} ms", h.interval());
    let times = h.checkpoint_times();
    assert_eq!(times.first(), Some(&0), "the start is always kept");
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    // Still exact after all the thinning.
    for t in [until / 3, 17 * MIN, until - 1, until] {
        h.seek(t);
        assert_eq!(h.engine().log_hash(), straight_run(&start, h.journal(), t).log_hash(), "at {t} ms");
    }
}

#[test]
fn the_weight_limit_also_thins_checkpoints() {
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::with_limits(start.clone(), S, 1000, 2_000);
    drive(&mut h, &plan(), 10 * MIN, 5_000);
    assert!(h.checkpoint_weight() <= 2_000 || h.checkpoint_times().len() == 2, "weight {}", h.checkpoint_weight());
    assert!(h.checkpoint_times().len() < 100);
    h.seek(5 * MIN);
    assert_eq!(h.engine().log_hash(), straight_run(&start, h.journal(), 5 * MIN).log_hash());
}

#[test]
fn changing_the_past_discards_the_future_and_matches_a_fresh_run() {
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::with_limits(start.clone(), 10 * S, 64, usize::MAX);
    drive(&mut h, &plan(), 10 * MIN, 1_000);
    assert_eq!(h.journal().len(), 6);

    // Back to 2 minutes: the terminate (30 s) and the scale to 10 plus the drain (90 s) stay.
    h.seek(2 * MIN);
    let outcome = h.input(scale(5));
    assert_eq!(outcome, Outcome::Done);
    assert_eq!(h.furthest(), 2 * MIN);
    assert_eq!(h.journal().len(), 4);
    assert!(h.checkpoint_times().iter().all(|t| *t <= 2 * MIN), "{:?}", h.checkpoint_times());
    h.advance_to(10 * MIN);

    // The same inputs from a fresh engine, as a learner would have made them.
    let mut fresh = start.clone();
    let mut journal = Vec::new();
    for (at, input) in plan().into_iter().take(3).chain([(2 * MIN, scale(5))]) {
        fresh.run_until(at);
        apply_input(&mut fresh, &input);
        journal.push(Entry { t: at, input });
    }
    fresh.run_until(10 * MIN);
    assert_eq!(h.journal(), &journal[..]);
    assert_eq!(h.engine().log_hash(), fresh.log_hash());
    assert_eq!(snapshot_json(h.engine()), snapshot_json(&fresh));
    // The learner's 5 holds until the scenario's own timeline scales to 4 at 3 minutes; the
    // discarded scale to 3 at 7 minutes never happens.
    assert_eq!(fresh.services().get("web").map(|s| s.desired_count), Some(4));
    h.seek(150 * S);
    assert_eq!(h.engine().services().get("web").map(|s| s.desired_count), Some(5));
    h.go_live();

    // "Resume here" without an input: the future is dropped, the state is unchanged.
    h.seek(3 * MIN);
    let before = h.engine().log_hash();
    assert_eq!(h.resume_here(), 0, "nothing after 2 min in the journal");
    assert_eq!(h.furthest(), 3 * MIN);
    assert!(h.is_live());
    assert_eq!(h.engine().log_hash(), before);
    h.seek(10 * MIN);
    assert_eq!(h.now(), 3 * MIN, "the old future is gone");
}

#[test]
fn an_invalid_deploy_is_reported_and_not_journaled() {
    let sc = scenario(FIRST_PAGE);
    let mut h = History::new(sc.start(None));
    h.advance_to(MIN);
    let before = h.engine().log_hash();
    match h.input(Input::Deploy("{ \"family\": ".into())) {
        Outcome::Invalid(d) => assert!(!d.is_empty()),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(h.journal().is_empty());
    assert_eq!(h.engine().log_hash(), before);
    match h.input(bigger_web()) {
        Outcome::Deployed { key, service, .. } => assert_eq!((key.as_str(), service.as_str()), ("web:2", "web")),
        other => panic!("expected Deployed, got {other:?}"),
    }
    assert_eq!(h.journal().len(), 1);
    assert_eq!(h.journal()[0].t, MIN);
}

#[test]
fn replaying_a_journal_rebuilds_the_timeline_and_refuses_disorder() {
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::new(start.clone());
    drive(&mut h, &plan(), 9 * MIN, 3_000);
    h.seek(5 * MIN);
    let shown = snapshot_json(h.engine());
    let rebuilt = History::replay(start.clone(), h.journal().to_vec(), h.furthest(), h.now()).unwrap();
    assert_eq!(rebuilt.now(), 5 * MIN);
    assert_eq!(rebuilt.furthest(), 9 * MIN);
    assert_eq!(snapshot_json(rebuilt.engine()), shown);
    assert!(!rebuilt.is_live());

    let mut bad = h.journal().to_vec();
    bad.swap(0, 3);
    let err = History::replay(start, bad, 9 * MIN, 0).err().unwrap();
    assert_eq!(err, "journal entry 1 is at 90000 ms, before entry 0 (240250 ms): entries must be in time order");
}

/// The page's Spot countdown rings come from the snapshot, so a scripted interruption, a scrub
/// back and a reload (a replayed journal) all show exactly the rings of that moment.
#[test]
fn spot_countdowns_are_part_of_the_snapshot_at_every_moment() {
    let sc = scenario(FIRST_PAGE);
    let mut h = History::new(sc.start(None));
    h.advance_to(MIN);
    assert!(h.engine().snapshot().spot_reclaims.is_empty());
    let id = h.engine().snapshot().instances[0].id.clone();
    assert!(matches!(h.input(Input::Command(Command::SpotInterruption { instance: Some(id.clone()), task: None })), Outcome::Done));
    let want = std::collections::BTreeMap::from([(id.clone(), 3 * MIN)]);
    assert_eq!(h.engine().snapshot().spot_reclaims, want);
    h.advance_to(2 * MIN + 59 * S);
    assert_eq!(h.engine().snapshot().spot_reclaims, want, "still counting down");
    h.advance_to(3 * MIN);
    assert!(h.engine().snapshot().spot_reclaims.is_empty(), "reclaimed: no ring");
    assert!(!h.engine().snapshot().instances.iter().any(|i| i.id == id));
    // Back before the notice: no ring; back inside the two minutes: the ring again.
    h.seek(30 * S);
    assert!(h.engine().snapshot().spot_reclaims.is_empty());
    h.seek(2 * MIN);
    assert_eq!(h.engine().snapshot().spot_reclaims, want);
}

#[test]
fn minute_metrics_without_traffic_are_the_same_live_and_replayed() {
    // An ECS scenario without traffic: `cluster/HourlyCost` and the task counts have a datapoint
    // for every minute, the cost the rate a straight run shows at that minute, however the run
    // was cut into pieces, and a scrub back and forth (or a replay of the journal, as a reload
    // does) draws the same lines.
    let sc = scenario(SELF_HEALING);
    let start = sc.start(None);
    let mut h = History::with_limits(start.clone(), 20 * S, 64, usize::MAX);
    drive(&mut h, &plan(), 12 * MIN, 1_370);
    let series = |e: &Engine| e.metrics().series("cluster/HourlyCost").collect::<Vec<_>>();
    let live = series(h.engine());
    assert_eq!(live.iter().map(|(t, _)| t / MIN).collect::<Vec<_>>(), (1..=12).collect::<Vec<_>>());
    for &(t, v) in &live {
        let rate = straight_run(&start, h.journal(), t).snapshot().cost.hourly_usd;
        assert!((v - rate).abs() < 1e-12, "minute {}: metric {v}, cost view {rate}", t / MIN);
    }
    // Two of the four t3.large instances are gone by the first minute (30 s and 1 m): the bill
    // is two instances' price lower than at 0:00 ($0.0832/h each).
    let first = live.first().map(|p| p.1).unwrap_or_default();
    let at_start = start.snapshot().cost.hourly_usd;
    assert!((at_start - first - 2.0 * 0.0832).abs() < 1e-9, "at 0:00 {at_start}, minute 1 {first}");

    // The task counts too, without traffic: desired 8, then 10 (asked for at 90 s), 4 (the
    // scenario's own update at 3m, counted at 3m), and 3 from the learner's scale at 7m (an input
    // made at a minute boundary counts from the next minute: the boundary was recorded first).
    let counts = |e: &Engine, name: &str| e.metrics().series(&format!("web/{name}")).map(|(_, v)| v as u32).collect::<Vec<_>>();
    assert_eq!(counts(h.engine(), "DesiredTaskCount"), vec![8, 10, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3]);
    assert_eq!(counts(h.engine(), "RunningTaskCount").last(), Some(&3));
    assert_eq!(counts(h.engine(), "PendingTaskCount").last(), Some(&0));

    h.seek(150 * S);
    assert_eq!(series(h.engine()), live[..2].to_vec(), "two minutes in, two datapoints");
    h.seek(12 * MIN);
    assert_eq!(series(h.engine()), live);
    let replayed = History::replay(start.clone(), h.journal().to_vec(), h.furthest(), 12 * MIN).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(series(replayed.engine()), live);
    for name in ["DesiredTaskCount", "RunningTaskCount", "PendingTaskCount"] {
        assert_eq!(counts(replayed.engine(), name), counts(h.engine(), name), "{name}");
    }
    assert_eq!(series(&straight_run(&start, h.journal(), 12 * MIN)), live);
}

#[test]
fn a_drained_instances_tasks_are_replaced_and_say_why() {
    // ECS replaces a DRAINING instance's service tasks under the deployment limits, like an old
    // revision; the stop reason names the drain, not a deployment.
    let sc = scenario(FIRST_PAGE);
    let mut h = History::new(sc.start(None));
    h.advance_to(30 * S);
    let on_i01: Vec<String> = h.engine().instances().get("i-01").map(|i| i.tasks.iter().cloned().collect()).unwrap_or_default();
    assert_eq!(on_i01.len(), 1, "{on_i01:?}");
    assert_eq!(h.input(Input::Command(Command::DrainInstance { instance: "i-01".into() })), Outcome::Done);
    h.advance_to(3 * MIN);
    let reasons: Vec<String> = h
        .engine()
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            berth::engine::event::EventKind::TaskStopping { task, reason, .. } if on_i01.contains(task) => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, vec!["Container instance i-01 is draining: replaced on another instance".to_string()]);
    assert!(!h.engine().events().iter().any(|e| matches!(&e.kind, berth::engine::event::EventKind::TaskStopping { reason, .. } if reason.starts_with("Deployment:"))));
}

/// A refused command is journaled (replaying it gives the same refusal) but known as refused,
/// so the timeline does not mark it as something the learner did; a replay (a link, a reload)
/// finds the same answers, and going back in time forgets the later ones.
#[test]
fn refused_inputs_are_journaled_and_known_as_refused() {
    let mut h = History::new(scenario(FIRST_PAGE).start(None));
    h.advance_to(10 * S);
    assert_eq!(h.input(scale(4)), Outcome::Done);
    h.advance_to(20 * S);
    let terminate_nothing = Input::Command(Command::TerminateInstance { instance: "i-99".into() });
    assert!(matches!(h.input(terminate_nothing), Outcome::Failed(_)));
    h.advance_to(30 * S);
    assert_eq!(h.input(scale(5)), Outcome::Done);
    assert_eq!(h.refused(), [false, true, false]);
    h.advance_to(40 * S);

    let again = History::replay(scenario(FIRST_PAGE).start(None), h.journal().to_vec(), h.furthest(), 15 * S).unwrap();
    assert_eq!(again.refused(), [false, true, false], "a replay applies every entry");
    let mut back = again.clone();
    back.seek(25 * S);
    back.resume_here();
    assert_eq!(back.refused(), [false, true]);
    assert_eq!(back.journal().len(), 2);
}
