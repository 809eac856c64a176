//! The engine with the placement index and explanations built on demand, against the same engine
//! placing with the full pipeline and building every explanation at once
//! (`Engine::set_full_pipeline`): on random clusters, services, RunTasks, stops, scaling, drains,
//! terminations, AZ outages and time, the two event logs must be identical, and every kept "why
//! here" `Decision` (rebuilt from the instance journal) must equal the one the full pipeline made.

use std::collections::BTreeMap;

use berth::engine::placement::{BinpackField, Constraint, Strategy as Place};
use berth::engine::sim::{ClusterConfig, Command, Engine};
use berth::engine::task::{LaunchType, RunTaskSpec, ServiceSpec};
use berth::engine::taskdef::parse_task_definition;
use proptest::prelude::*;

const TASKDEFS: [&str; 3] = [
    r#"{"family":"web","containerDefinitions":[{"name":"w","image":"nginx:1","cpu":256,"memory":512,"portMappings":[{"containerPort":80,"hostPort":0}]}]}"#,
    r#"{"family":"api","containerDefinitions":[{"name":"a","image":"api:1","cpu":512,"memory":1024,"portMappings":[{"containerPort":8080,"hostPort":8080}]}]}"#,
    r#"{"family":"vpc","networkMode":"awsvpc","cpu":"256","memory":"512","containerDefinitions":[{"name":"v","image":"v:1"}]}"#,
];
const TYPES: [&str; 5] = ["m5.large", "t3.medium", "c5.large", "m5.xlarge", "r5.large"];
const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

fn place(i: u8) -> Place {
    match i % 6 {
        0 => Place::Spread { field: "attribute:ecs.availability-zone".into() },
        1 => Place::Spread { field: "instanceId".into() },
        2 => Place::Binpack { field: BinpackField::Memory },
        3 => Place::Binpack { field: BinpackField::Cpu },
        4 => Place::Random,
        _ => Place::Spread { field: "attribute:ecs.instance-type".into() },
    }
}

fn constraint(i: u8) -> Constraint {
    match i % 4 {
        0 => Constraint::DistinctInstance,
        1 => Constraint::MemberOf { expression: "attribute:ecs.instance-type =~ m5.*".into() },
        2 => Constraint::MemberOf { expression: "runningTasksCount < 4".into() },
        _ => Constraint::MemberOf { expression: "attribute:ecs.availability-zone != us-east-1c".into() },
    }
}

#[derive(Debug, Clone)]
enum Act {
    Service(u8, u32, Option<Vec<u8>>, Vec<u8>),
    Scale(u8, u32),
    Run(u8, u8, Option<Vec<u8>>),
    Stop(usize),
    Add(u8, u8, u8),
    Terminate(usize),
    Drain(usize),
    Outage(u8),
    Recover(u8),
    Advance(u32),
}

fn act() -> impl proptest::strategy::Strategy<Value = Act> {
    let strategies = proptest::option::of(prop::collection::vec(0u8..6, 0..3));
    prop_oneof![
        2 => (0u8..3, 0u32..25, strategies.clone(), prop::collection::vec(0u8..4, 0..2)).prop_map(|(t, n, s, c)| Act::Service(t, n, s, c)),
        2 => (0u8..4, 0u32..30).prop_map(|(s, n)| Act::Scale(s, n)),
        2 => (0u8..3, 1u8..6, strategies).prop_map(|(t, n, s)| Act::Run(t, n, s)),
        2 => any::<usize>().prop_map(Act::Stop),
        1 => (0u8..5, 0u8..3, 1u8..4).prop_map(|(t, a, n)| Act::Add(t, a, n)),
        1 => any::<usize>().prop_map(Act::Terminate),
        1 => any::<usize>().prop_map(Act::Drain),
        1 => (0u8..3).prop_map(Act::Outage),
        1 => (0u8..3).prop_map(Act::Recover),
        3 => (0u32..200_000).prop_map(Act::Advance),
    ]
}

fn engine(seed: u64, full: bool, journal_limit: u64) -> Engine {
    let azs: Vec<String> = AZS.iter().map(|s| s.to_string()).collect();
    let mut e = Engine::new(ClusterConfig { name: "p".into(), region: "us-east-1".into(), azs, fargate_azs: vec![], epoch_unix: 1_700_000_000 }, seed, "placement");
    e.set_full_pipeline(full);
    e.set_journal_limit(journal_limit);
    for t in TASKDEFS {
        e.register(parse_task_definition(t).task_definition.expect("valid task definition"));
    }
    e
}

fn drive(e: &mut Engine, acts: &[Act]) {
    let mut services = 0u8;
    for a in acts {
        let cmd = match a {
            Act::Service(t, n, s, c) => {
                services += 1;
                let family = ["web", "api", "vpc"][*t as usize % 3];
                let spec: ServiceSpec = serde_json::from_value(serde_json::json!({
                    "serviceName": format!("s{services}"),
                    "taskDefinition": family,
                    "desiredCount": n,
                    "launchType": "EC2",
                }))
                .expect("spec");
                let spec = ServiceSpec { placement_strategy: s.as_ref().map(|s| s.iter().map(|&i| place(i)).collect()), placement_constraints: c.iter().map(|&i| constraint(i)).collect(), ..spec };
                Command::CreateService(spec)
            }
            Act::Scale(s, n) => Command::UpdateService { service: format!("s{}", s % services.max(1) + 1), desired_count: Some(*n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None },
            Act::Run(t, n, s) => Command::RunTask(RunTaskSpec {
                task_definition: ["web", "api", "vpc"][*t as usize % 3].into(),
                count: *n as u32,
                group: None,
                launch_type: LaunchType::Ec2,
                placement_strategy: s.as_ref().map(|s| s.iter().map(|&i| place(i)).collect()),
                placement_constraints: vec![],
            }),
            Act::Stop(k) => {
                let live: Vec<String> = e.tasks().values().filter(|t| t.stopped_at.is_none()).map(|t| t.id.clone()).collect();
                let Some(task) = live.get(k % live.len().max(1)).cloned() else { continue };
                Command::StopTask { task, reason: None }
            }
            Act::Add(t, az, n) => Command::AddInstances { instance_type: TYPES[*t as usize % 5].into(), az: Some(AZS[*az as usize % 3].into()), count: *n as u32, attributes: BTreeMap::new(), ids: vec![], reserved_memory: 0 },
            Act::Terminate(k) | Act::Drain(k) => {
                let ids: Vec<String> = e.instances().keys().cloned().collect();
                let Some(instance) = ids.get(k % ids.len().max(1)).cloned() else { continue };
                if matches!(a, Act::Drain(_)) {
                    Command::DrainInstance { instance }
                } else {
                    Command::TerminateInstance { instance }
                }
            }
            Act::Outage(z) => Command::AzOutage { az: AZS[*z as usize % 3].into() },
            Act::Recover(z) => Command::AzRecover { az: AZS[*z as usize % 3].into() },
            Act::Advance(ms) => {
                e.run_until(e.now() + *ms as u64);
                continue;
            }
        };
        let _ = e.apply(cmd);
    }
}

/// Both engines, driven alike: same log, and the same explanation for every live task.
fn compare(seed: u64, instances: &[(u8, u8, u8)], acts: &[Act], journal_limit: u64) -> Result<usize, TestCaseError> {
    let mut full = engine(seed, true, journal_limit);
    let mut fast = engine(seed, false, journal_limit);
    let setup: Vec<Act> = instances.iter().map(|&(t, a, n)| Act::Add(t, a, n)).collect();
    drive(&mut full, &setup);
    drive(&mut fast, &setup);
    let mut explained = 0;
    for chunk in acts.chunks(4) {
        drive(&mut full, chunk);
        drive(&mut fast, chunk);
        prop_assert_eq!(full.log_hash(), fast.log_hash());
        // Ask about a few tasks now (so some explanations are built early, the rest later).
        for t in fast.tasks().keys().rev().take(3).cloned().collect::<Vec<_>>() {
            prop_assert_eq!(full.decision(&t), fast.decision(&t), "explanation of {}", t);
        }
    }
    prop_assert_eq!(full.events(), fast.events());
    for t in full.tasks().keys() {
        let (a, b) = (full.decision(t), fast.decision(t));
        prop_assert_eq!(a, b, "explanation of {}", t);
        if let Some(d) = b {
            prop_assert_eq!(d.placed_on(), fast.tasks().get(t).and_then(|t| t.instance.as_deref()));
            explained += 1;
        }
    }
    Ok(explained)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn the_engine_with_the_index_matches_the_full_pipeline(
        seed in any::<u64>(),
        instances in prop::collection::vec((0u8..5, 0u8..3, 1u8..4), 1..8),
        acts in prop::collection::vec(act(), 1..40),
        small_journal in any::<bool>(),
    ) {
        // A tiny journal limit forces the "build every pending explanation now" path often.
        compare(seed, &instances, &acts, if small_journal { 3 } else { 8_192 })?;
    }
}

/// More placements than explanations kept, tasks starting and stopping between placements (so
/// the journal holds instance copies), an explanation asked for long after its placement.
#[test]
fn explanations_rebuilt_late_are_the_ones_the_pipeline_made() {
    let mut acts = vec![Act::Service(0, 120, Some(vec![0, 2]), vec![1]), Act::Service(2, 40, None, vec![]), Act::Advance(60_000)];
    for k in 0..30usize {
        acts.push(Act::Stop(k * 7));
        acts.push(Act::Scale(0, 120 + (k as u32 % 5) * 30));
        acts.push(Act::Run(1, 3, Some(vec![4])));
        acts.push(Act::Advance(40_000));
    }
    let instances: Vec<(u8, u8, u8)> = (0..12).map(|i| (i % 5, i % 3, 3)).collect();
    let explained = compare(7, &instances, &acts, 8_192).expect("identical");
    assert!(explained >= 100, "only {explained} explanations compared");
    let explained = compare(7, &instances, &acts, 5).expect("identical with a tiny journal");
    assert!(explained >= 100, "only {explained} explanations compared");
}
