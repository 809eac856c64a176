//! Property tests for the autoscaling arithmetic: results stay inside min/max, bad input never
//! panics, and the capacity-provider split always adds up.

use berth::engine::autoscaling::capacity_provider::{split, StrategyItem};
use berth::engine::autoscaling::hpa::{resource_replicas, HpaBehavior, Pod, PodState, DEFAULT_TOLERANCE};
use berth::engine::autoscaling::schedule;
use berth::engine::autoscaling::step::{self, AdjustmentType, StepAdjustment, StepPolicy};
use berth::engine::autoscaling::target_tracking::{Policy, TargetTracker};
use proptest::prelude::*;

proptest! {
    #[test]
    fn target_tracking_stays_in_range(min in 0u32..5, span in 0u32..20, steps in prop::collection::vec((0.0f64..300.0, 0.0f64..150.0, any::<bool>()), 1..80)) {
        let max = min + span;
        let p = |n: &str, t: f64| Policy { high_datapoints: 1, low_datapoints: 2, ..Policy::new(n, t) };
        let mut t = TargetTracker::new(min, max, vec![p("cpu", 70.0), p("mem", 80.0)]).unwrap();
        let mut current = min;
        for (i, (cpu, mem, deploying)) in steps.into_iter().enumerate() {
            let d = t.evaluate(i as u64 * 60_000, current, &[Some(cpu), Some(mem)], deploying);
            prop_assert!(d.desired >= min && d.desired <= max, "{d:?}");
            current = d.desired;
        }
    }

    #[test]
    fn hpa_behavior_stays_in_range(min in 1u32..5, span in 0u32..30, recs in prop::collection::vec(0u32..100, 1..60)) {
        let max = min + span;
        let mut b = HpaBehavior::with_defaults(min, max);
        let mut current = min;
        for (i, r) in recs.into_iter().enumerate() {
            current = b.normalize(i as u64 * 15_000, current, r);
            prop_assert!(current >= min && current <= max, "{current} outside {min}..={max}");
        }
    }

    #[test]
    fn replica_calculator_never_panics(current in 0u32..50, pods in prop::collection::vec((0u64..4000, prop::option::of(0u64..10_000), 0u8..3), 0..12), target in 0u32..400) {
        let pods: Vec<Pod> = pods.into_iter().map(|(request, usage, s)| Pod { request, usage, state: [PodState::Ready, PodState::Unready, PodState::Ignored][s as usize] }).collect();
        let _ = resource_replicas(current, &pods, target, DEFAULT_TOLERANCE);
    }

    #[test]
    fn step_scaling_stays_in_range(adj in -100i64..=100, current in 0u32..100, min in 0u32..10, span in 0u32..50, metric in -100.0f64..200.0, mam in prop::option::of(1u32..5)) {
        let max = min + span;
        for kind in [AdjustmentType::ChangeInCapacity, AdjustmentType::PercentChangeInCapacity, AdjustmentType::ExactCapacity] {
            let down = if kind == AdjustmentType::ExactCapacity { adj.abs() / 2 } else { -adj.abs() };
            let policy = StepPolicy { adjustment_type: kind, steps: vec![StepAdjustment { lower: None, upper: Some(0.0), adjustment: down }, StepAdjustment { lower: Some(0.0), upper: None, adjustment: adj.abs() }], min_adjustment_magnitude: mam };
            prop_assert!(step::validate(&policy).is_ok());
            if let Some(n) = step::evaluate(&policy, 50.0, metric, current, min, max) {
                prop_assert!(n >= min && n <= max);
            }
        }
    }

    #[test]
    fn schedule_parser_never_panics(s in "\\PC{0,40}") {
        let _ = schedule::parse(&s);
        let _ = schedule::parse(&format!("cron({s})"));
        let _ = schedule::parse(&format!("rate({s})"));
        let _ = schedule::parse(&format!("at({s})"));
    }

    #[test]
    fn cron_next_is_after_and_matches_again(min in 0u32..60, hour in 0u32..24, t in 0u64..4_000_000_000_000u64) {
        let s = schedule::parse(&format!("cron({min} {hour} * * ? *)")).unwrap();
        let next = s.next_after(t, 0).unwrap();
        prop_assert!(next > t && next - t <= 24 * 3_600_000);
        prop_assert_eq!(next % 60_000, 0);
        prop_assert_eq!((next / 60_000) % (24 * 60), (hour * 60 + min) as u64);
    }

    #[test]
    fn split_adds_up(weights in prop::collection::vec(0u32..20, 1..6), base in 0u32..10, n in 0u32..500) {
        let mut st: Vec<StrategyItem> = weights.iter().enumerate().map(|(i, w)| StrategyItem::new(&format!("cp{i}"), 0, *w)).collect();
        st[0].base = base;
        match split(&st, n) {
            Ok(counts) => {
                prop_assert_eq!(counts.iter().sum::<u32>(), n);
                for (c, it) in counts.iter().zip(&st) {
                    if st.len() > 1 && it.weight == 0 {
                        prop_assert!(*c <= it.base, "weight-0 provider got more than its base");
                    }
                }
            }
            Err(e) => prop_assert!(st.len() > 1 && weights.iter().all(|w| *w == 0), "{e}"),
        }
    }
}
