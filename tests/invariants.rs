//! Property tests: random clusters, services and actions; the invariants hold after every step,
//! and the same seed always gives the same log.

use std::collections::BTreeMap;

use berth::engine::catalog::CATALOG;
use berth::engine::invariants;
use berth::engine::placement::{BinpackField, Constraint, Strategy as Place};
use berth::engine::sim::{ClusterConfig, Command, Engine};
use berth::engine::task::{LaunchType, ServiceSpec};
use berth::engine::taskdef::parse_task_definition;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Act {
    Scale(usize, u32),
    Terminate(usize),
    Add(usize, usize),
    Stop(usize),
    Advance(u32),
}

fn act() -> impl Strategy<Value = Act> {
    prop_oneof![
        (0..3usize, 0..14u32).prop_map(|(s, n)| Act::Scale(s, n)),
        (0..12usize).prop_map(Act::Terminate),
        (0..CATALOG.len(), 0..3usize).prop_map(|(t, az)| Act::Add(t, az)),
        (0..40usize).prop_map(Act::Stop),
        (0..20_000u32).prop_map(Act::Advance),
    ]
}

fn strategy_list() -> impl Strategy<Value = Option<Vec<Place>>> {
    let one = prop_oneof![
        Just(Place::Binpack { field: BinpackField::Cpu }),
        Just(Place::Binpack { field: BinpackField::Memory }),
        Just(Place::Spread { field: "attribute:ecs.availability-zone".into() }),
        Just(Place::Spread { field: "instanceId".into() }),
        Just(Place::Random),
    ];
    proptest::option::of(proptest::collection::vec(one, 0..3))
}

fn constraints() -> impl Strategy<Value = Vec<Constraint>> {
    let one = prop_oneof![
        Just(Constraint::DistinctInstance),
        Just(Constraint::MemberOf { expression: "attribute:ecs.instance-type =~ t3.*".into() }),
        Just(Constraint::MemberOf { expression: "not(attribute:ecs.availability-zone == us-east-1c)".into() }),
    ];
    proptest::collection::vec(one, 0..2)
}

const TASKDEFS: [&str; 3] = [
    r#"{"family":"web","containerDefinitions":[{"name":"w","image":"nginx:1","cpu":256,"memory":512,"portMappings":[{"containerPort":80,"hostPort":0}]}]}"#,
    r#"{"family":"api","containerDefinitions":[{"name":"a","image":"api:1","cpu":512,"memoryReservation":1024,"memory":2048,"portMappings":[{"containerPort":8080,"hostPort":8080}]}]}"#,
    r#"{"family":"vpc","networkMode":"awsvpc","cpu":"256","memory":"512","containerDefinitions":[{"name":"v","image":"v:1"}]}"#,
];

fn build(seed: u64, instances: &[(usize, usize)], services: &[(usize, u32, Option<Vec<Place>>, Vec<Constraint>)]) -> Engine {
    let azs: Vec<String> = vec!["us-east-1a".into(), "us-east-1b".into(), "us-east-1c".into()];
    let mut e = Engine::new(ClusterConfig { name: "p".into(), region: "us-east-1".into(), azs: azs.clone(), fargate_azs: azs.clone(), epoch_unix: 0 }, seed, "prop");
    for text in TASKDEFS {
        let td = parse_task_definition(text).task_definition.expect("test task definitions are valid");
        e.register(td);
    }
    for (t, az) in instances {
        e.apply(Command::AddInstances { instance_type: CATALOG[*t].name.into(), az: Some(azs[*az].clone()), count: 1, attributes: BTreeMap::new(), ids: vec![], reserved_memory: 0 }).unwrap();
    }
    for (i, (td, n, strat, cons)) in services.iter().enumerate() {
        let family = ["web", "api", "vpc"][*td];
        e.apply(Command::CreateService(ServiceSpec {
            service_name: format!("s{i}"),
            task_definition: family.into(),
            desired_count: *n,
            launch_type: LaunchType::Ec2,
            placement_strategy: strat.clone(),
            placement_constraints: cons.clone(),
            deployment_configuration: Default::default(),
            health_check_grace_period_seconds: 0,
            deployment_controller: Default::default(),
            blue_green: None,
            load_balancer: None,
            auto_scaling: None,
            service_discovery: None,
            capacity_provider_strategy: Vec::new(),
        }))
        .unwrap();
    }
    e
}

fn drive(e: &mut Engine, acts: &[Act]) -> Result<(), String> {
    invariants::check(e)?;
    for a in acts {
        let _ = match a {
            Act::Scale(s, n) => e.apply(Command::UpdateService { service: format!("s{s}"), desired_count: Some(*n), task_definition: None, deployment_configuration: None, force_new_deployment: false, placement_strategy: None, placement_constraints: None }),
            Act::Terminate(i) => {
                let id = e.instances().keys().nth(*i).cloned();
                match id {
                    Some(id) => e.apply(Command::TerminateInstance { instance: id }),
                    None => Ok(()),
                }
            }
            Act::Add(t, az) => e.apply(Command::AddInstances { instance_type: CATALOG[*t].name.into(), az: Some(["us-east-1a", "us-east-1b", "us-east-1c"][*az].into()), count: 1, attributes: BTreeMap::new(), ids: vec![], reserved_memory: 0 }),
            Act::Stop(k) => {
                let id = e.tasks().values().filter(|t| t.instance.is_some()).map(|t| t.id.clone()).nth(*k);
                match id {
                    Some(id) => e.apply(Command::StopTask { task: id, reason: None }),
                    None => Ok(()),
                }
            }
            Act::Advance(ms) => {
                let t = e.now() + *ms as u64;
                while e.next_due().is_some_and(|d| d <= t) {
                    e.step();
                    invariants::check(e)?;
                }
                e.run_until(t);
                Ok(())
            }
        };
        invariants::check(e).map_err(|m| format!("after {a:?}: {m}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_step(
        seed in any::<u64>(),
        instances in proptest::collection::vec((0..CATALOG.len(), 0..3usize), 0..10),
        services in proptest::collection::vec((0..3usize, 0..12u32, strategy_list(), constraints()), 1..4),
        acts in proptest::collection::vec(act(), 0..25),
    ) {
        let mut e = build(seed, &instances, &services);
        if let Err(m) = drive(&mut e, &acts) {
            prop_assert!(false, "seed {seed}: {m}");
        }
    }

    #[test]
    fn same_seed_same_log(
        seed in any::<u64>(),
        instances in proptest::collection::vec((0..CATALOG.len(), 0..3usize), 1..8),
        services in proptest::collection::vec((0..3usize, 0..10u32, strategy_list(), constraints()), 1..3),
        acts in proptest::collection::vec(act(), 0..15),
    ) {
        let mut a = build(seed, &instances, &services);
        let mut b = build(seed, &instances, &services);
        let _ = drive(&mut a, &acts);
        let _ = drive(&mut b, &acts);
        prop_assert_eq!(a.log_hash(), b.log_hash());
        prop_assert_eq!(a.events(), b.events());
    }
}

#[test]
fn only_the_newest_placement_explanations_are_kept() {
    use berth::engine::sim::KEPT_DECISIONS;
    let mut e = Engine::new(ClusterConfig { name: "p".into(), region: "us-east-1".into(), azs: vec!["us-east-1a".into()], fargate_azs: vec![], epoch_unix: 0 }, 1, "kept");
    e.register(parse_task_definition(TASKDEFS[0]).task_definition.expect("valid"));
    e.apply(Command::AddInstances { instance_type: "m5.4xlarge".into(), az: None, count: 40, attributes: BTreeMap::new(), ids: vec![], reserved_memory: 0 }).unwrap();
    e.apply(Command::RunTask(berth::engine::task::RunTaskSpec { task_definition: "web".into(), count: 10, group: None, launch_type: LaunchType::Ec2, placement_strategy: None, placement_constraints: vec![] })).unwrap();
    for _ in 0..((KEPT_DECISIONS as u32 + 40) / 10) {
        e.apply(Command::RunTask(berth::engine::task::RunTaskSpec { task_definition: "web".into(), count: 10, group: None, launch_type: LaunchType::Ec2, placement_strategy: None, placement_constraints: vec![] })).unwrap();
    }
    let placed: Vec<&String> = e.tasks().keys().collect();
    assert!(placed.len() > KEPT_DECISIONS);
    let kept = e.tasks().keys().filter(|t| e.decision(t).is_some()).count();
    assert_eq!(kept, KEPT_DECISIONS);
    let newest = e.tasks().values().max_by_key(|t| (t.created_at, t.id.len(), t.id.clone())).unwrap();
    assert!(e.decision(&newest.id).is_some());
}
