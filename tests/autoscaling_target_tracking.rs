//! The course's ECS service autoscaling lab, replayed through `TargetTracker` with a toy load
//! model (the traffic/metrics engine does not exist yet): min 2, max 10, CPU target 70 %, memory
//! target 80 %, scale-out cooldown 60 s, scale-in cooldown 300 s, one evaluation per minute.

use berth::engine::autoscaling::target_tracking::{Action, Policy, TargetTracker};

fn lab() -> TargetTracker {
    let cpu = Policy { scale_out_cooldown_ms: 60_000, scale_in_cooldown_ms: 300_000, ..Policy::new("cpu70", 70.0) };
    let mem = Policy { scale_out_cooldown_ms: 60_000, scale_in_cooldown_ms: 300_000, ..Policy::new("mem80", 80.0) };
    TargetTracker::new(2, 10, vec![cpu, mem]).unwrap()
}

/// Toy load: `demand` is total CPU in percent of one task; CPUUtilization is demand / tasks,
/// capped at 100 %; memory stays at 50 %.
fn cpu_of(demand: f64, tasks: u32) -> f64 {
    (demand / tasks as f64).min(100.0)
}

/// Run minute by minute; returns every change as (seconds, new desired).
fn run(t: &mut TargetTracker, minutes: u64, demand: impl Fn(u64) -> f64, deploying: impl Fn(u64) -> bool) -> Vec<(u64, u32)> {
    let mut current = 2;
    let mut changes = Vec::new();
    for m in 0..minutes {
        let now = m * 60;
        let d = t.evaluate(now * 1000, current, &[Some(cpu_of(demand(now), current)), Some(50.0)], deploying(now));
        assert!((2..=10).contains(&d.desired), "{now}s: {d:?}");
        if d.action != Action::None {
            assert_ne!(d.desired, current);
            current = d.desired;
            changes.push((now, current));
        }
    }
    changes
}

#[test]
fn the_lab_scales_out_toward_ten_then_back_to_two() {
    let mut t = lab();
    // Load needs ~8.6 tasks at 70 % from t = 0 until 600 s, then drops to 1.4 tasks' worth.
    let changes = run(&mut t, 60, |s| if s < 600 { 600.0 } else { 140.0 }, |_| false);
    let expected = vec![
        // out: high alarm after 3 datapoints (0, 60, 120 s); ceil(2 × 100/70) = 3
        (120, 3),
        (180, 5), // cooldown (60 s) over: ceil(3 × 100/70) = 5
        (240, 8), // +3 is larger than the last +2: allowed inside the cooldown
        (300, 9), // ceil(8 × 75/70) = 9; the demand is then met at 66.7 %
        // in: CPU 15.6 % < 63 % from 600 s; the low alarm needs 15 datapoints (→ 1440 s);
        // one task (10 %, at least 1) per scale-in, 300 s apart
        (1440, 8),
        (1740, 7),
        (2040, 6),
        (2340, 5),
        (2640, 4),
        (2940, 3),
        (3240, 2), // 140/3 = 46.7 % → ceil(3 × 46.7/70) = 2; at 2 tasks CPU is 70 %: content
    ];
    assert_eq!(changes, expected);
}

#[test]
fn no_scale_in_during_a_deployment() {
    let mut t = lab();
    // Same load, but a deployment runs from 1400 s to 2000 s.
    let changes = run(&mut t, 60, |s| if s < 600 { 600.0 } else { 140.0 }, |s| (1400..2000).contains(&s));
    let first_in = changes.iter().find(|(s, _)| *s > 600).copied();
    // the first evaluation after the deployment (minutes: 1980 s is still inside it)
    assert_eq!(first_in, Some((2040, 8)));
}

#[test]
fn never_leaves_the_range_and_respects_the_scale_in_cooldown() {
    // A deterministic pseudo-random load (LCG), 24 hours at one evaluation per minute.
    let mut t = lab();
    let mut seed: u64 = 42;
    let mut current = 2u32;
    let mut last_in: Option<u64> = None;
    let mut demand = 300.0;
    for m in 0..24 * 60u64 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        if m % 20 == 0 {
            demand = (seed >> 33) as f64 % 1200.0;
        }
        let now = m * 60_000;
        let d = t.evaluate(now, current, &[Some(cpu_of(demand, current)), Some(50.0)], false);
        assert!((2..=10).contains(&d.desired), "minute {m}: {d:?}");
        if d.action == Action::ScaleIn {
            if let Some(prev) = last_in {
                assert!(now - prev >= 300_000, "scale-ins at {prev} and {now} ms");
            }
            assert_eq!(current - d.desired, 1, "gradual: one task at a time below 20 tasks");
            last_in = Some(now);
        }
        current = d.desired;
    }
}
