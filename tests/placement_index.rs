//! The placement index (`placement::index::Placer`) against the full pipeline
//! (`placement::place`): on random clusters and random sequences of requests, stops, drains,
//! disconnected agents, new and removed instances, both must put every task on the same instance
//! with the same host ports, give the same `why` sentence and the same "why pending" decision,
//! and leave both seeded random streams in the same state. The journal of `Instances` must also
//! rebuild, for every placement, the exact `Decision` the full pipeline made at that moment.

use std::collections::BTreeMap;

use berth::engine::catalog;
use berth::engine::cluster::{ContainerInstance, InstanceStatus, Instances};
use berth::engine::placement::index::{Placement, Placer};
use berth::engine::placement::{self, BinpackField, Constraint, Decision, Outcome, PlacementRng, Request, Strategy};
use berth::engine::rng::Rng;
use berth::engine::taskdef::model::Protocol;
use proptest::prelude::*;
use proptest::strategy::Strategy as _;

const TYPES: [&str; 5] = ["m5.large", "m5.xlarge", "c5.large", "t3.micro", "r5.large"];
const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
const GROUPS: [&str; 3] = ["service:a", "service:b", "family:batch"];
const EXPRESSIONS: [&str; 6] = [
    "attribute:ecs.instance-type =~ m5.*",
    "runningTasksCount < 3",
    "attribute:rack == a",
    "task:group != service:a",
    "attribute:rack exists and attribute:ecs.availability-zone != us-east-1c",
    "agentConnected == true",
];

fn strategy_of(i: u8) -> Strategy {
    match i % 7 {
        0 => Strategy::Spread { field: "attribute:ecs.availability-zone".into() },
        1 => Strategy::Spread { field: "instanceId".into() },
        2 => Strategy::Spread { field: "attribute:rack".into() },
        3 => Strategy::Binpack { field: BinpackField::Cpu },
        4 => Strategy::Binpack { field: BinpackField::Memory },
        5 => Strategy::Random,
        _ => Strategy::Spread { field: "host".into() },
    }
}

#[derive(Debug, Clone)]
struct Shape {
    group: u8,
    cpu: u32,
    memory: u32,
    ports: u8,
    eni: bool,
    constraints: Vec<u8>,
    strategies: Vec<u8>,
}

fn request(s: &Shape, task: &str) -> Request {
    let host_ports = match s.ports % 5 {
        0 | 1 => vec![],
        2 => vec![(80, Protocol::Tcp)],
        3 => vec![(0, Protocol::Tcp)],
        _ => vec![(0, Protocol::Tcp), (0, Protocol::Tcp), (8080, Protocol::Udp)],
    };
    Request {
        task: task.to_string(),
        group: GROUPS[s.group as usize % GROUPS.len()].to_string(),
        cpu: s.cpu,
        memory: s.memory,
        host_ports,
        needs_eni: s.eni,
        constraints: s
            .constraints
            .iter()
            .map(|&c| if c as usize >= EXPRESSIONS.len() { Constraint::DistinctInstance } else { Constraint::MemberOf { expression: EXPRESSIONS[c as usize].to_string() } })
            .collect(),
        strategies: s.strategies.iter().map(|&i| strategy_of(i)).collect(),
    }
}

#[derive(Debug, Clone)]
enum Op {
    Place(usize),
    /// Stop the k-th live task (mod the count).
    Stop(usize),
    Drain(usize),
    Agent(usize, bool),
    Add(u8, u8, u8),
    Remove(usize),
    /// Touch every instance through `values_mut`.
    TouchAll,
}

fn shape_strategy() -> impl proptest::strategy::Strategy<Value = Shape> {
    (0u8..3, prop::sample::select(vec![0u32, 128, 256, 512, 1024]), prop::sample::select(vec![0u32, 256, 512, 1024, 3000]), 0u8..5, prop::bool::weighted(0.15), prop::collection::vec(0u8..8, 0..3), prop::collection::vec(0u8..7, 0..4))
        .prop_map(|(group, cpu, memory, ports, eni, constraints, strategies)| Shape { group, cpu, memory, ports, eni, constraints, strategies })
}

fn op_strategy(shapes: usize) -> impl proptest::strategy::Strategy<Value = Op> {
    prop_oneof![
        12 => (0..shapes).prop_map(Op::Place),
        3 => any::<usize>().prop_map(Op::Stop),
        1 => any::<usize>().prop_map(Op::Drain),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(i, b)| Op::Agent(i, b)),
        1 => (0u8..5, 0u8..3, 0u8..3).prop_map(|(t, a, r)| Op::Add(t, a, r)),
        1 => any::<usize>().prop_map(Op::Remove),
        1 => Just(Op::TouchAll),
    ]
}

fn instance(n: usize, t: u8, az: u8, rack: u8) -> ContainerInstance {
    let it = catalog::lookup(TYPES[t as usize % TYPES.len()]).expect("a catalogue type");
    let mut inst = ContainerInstance::new(format!("i-{n:03}"), it, AZS[az as usize % AZS.len()], 0, n as u64 * 1000);
    if rack < 2 {
        inst.attributes.insert("rack".into(), ["a", "b"][rack as usize].into());
    }
    inst
}

/// The engine's bookkeeping for a placed task (as `Engine::place_one` does it).
fn book(inst: &mut ContainerInstance, task: &str, r: &Request, ports: &[(u16, Protocol)]) {
    inst.remaining.cpu -= r.cpu;
    inst.remaining.memory -= r.memory;
    for p in ports {
        inst.used_ports.insert(*p, task.to_string());
    }
    if r.needs_eni {
        inst.eni_used += 1;
    }
    inst.tasks.push(task.to_string());
    *inst.group_counts.entry(r.group.clone()).or_insert(0) += 1;
}

/// A live task: (id, instance, request, ports).
type Live = (String, String, Request, Vec<(u16, Protocol)>);

fn release(inst: &mut ContainerInstance, (id, _, r, ports): &Live) {
    inst.remaining.cpu += r.cpu;
    inst.remaining.memory += r.memory;
    for p in ports {
        inst.used_ports.remove(p);
    }
    if r.needs_eni {
        inst.eni_used -= 1;
    }
    inst.tasks.retain(|t| t != id);
    if let Some(n) = inst.group_counts.get_mut(&r.group) {
        *n -= 1;
        if *n == 0 {
            inst.group_counts.remove(&r.group);
        }
    }
}

/// What the full pipeline decided at one placement, and what rebuilds it.
struct Record {
    seq: u64,
    request: Request,
    random: Rng,
    tie: Rng,
    decision: Decision,
}

fn run(cluster: Vec<(u8, u8, u8)>, shapes: Vec<Shape>, ops: Vec<Op>, seed: u64) -> Result<usize, TestCaseError> {
    // World A: the full pipeline on a plain map. World B: the index on a journaled map.
    let mut a: BTreeMap<String, ContainerInstance> = BTreeMap::new();
    let mut b = Instances::new();
    b.keep_before(true);
    for (n, &(t, az, rack)) in cluster.iter().enumerate() {
        let inst = instance(n, t, az, rack);
        a.insert(inst.id.clone(), inst.clone());
        b.insert(inst.id.clone(), inst);
    }
    let mut next_instance = cluster.len();
    let (mut ra, mut ta) = (Rng::derive(seed, "random-strategy"), Rng::derive(seed, "tie-break"));
    let (mut rb, mut tb) = (ra.clone(), ta.clone());
    let mut placer = Placer::new();
    let mut live: Vec<Live> = Vec::new();
    let mut records: Vec<Record> = Vec::new();
    let mut placed = 0;
    for (k, op) in ops.iter().enumerate() {
        match *op {
            Op::Place(s) => {
                let task = format!("t-{k}");
                let r = request(&shapes[s], &task);
                let (random, tie, seq) = (ra.clone(), ta.clone(), b.seq());
                let full = placement::place(&r, &a, 0, PlacementRng { random_strategy: &mut ra, tie_break: &mut ta });
                let fast = placer.place(&r, &b, 0, PlacementRng { random_strategy: &mut rb, tie_break: &mut tb });
                prop_assert_eq!(&ra, &rb, "random-strategy stream after {}", task);
                prop_assert_eq!(&ta, &tb, "tie-break stream after {}", task);
                match (&full.outcome, fast) {
                    (Outcome::Placed { instance, host_ports }, Placement::Placed { instance: i2, host_ports: p2, why }) => {
                        prop_assert_eq!(instance, &i2, "{} placed differently", task);
                        prop_assert_eq!(host_ports, &p2);
                        prop_assert_eq!(full.why(), Some(why));
                        if let Some(inst) = a.get_mut(instance) {
                            book(inst, &task, &r, host_ports);
                        }
                        b.place_task(instance, &task, &r.group, r.cpu, r.memory, host_ports, r.needs_eni);
                        live.push((task.clone(), instance.clone(), r.clone(), host_ports.clone()));
                        placed += 1;
                    }
                    (_, Placement::Full(d)) => prop_assert_eq!(&full, &d),
                    (o, f) => prop_assert!(false, "{task}: full pipeline {o:?}, index {f:?}"),
                }
                records.push(Record { seq, request: r, random, tie, decision: full });
            }
            Op::Stop(i) if !live.is_empty() => {
                let t = live.remove(i % live.len());
                if let Some(inst) = a.get_mut(&t.1) {
                    release(inst, &t);
                }
                if let Some(inst) = b.get_mut(&t.1) {
                    release(inst, &t);
                }
            }
            Op::Drain(i) | Op::Agent(i, _) if !a.is_empty() => {
                let id = a.keys().nth(i % a.len()).cloned().unwrap_or_default();
                for inst in [a.get_mut(&id), b.get_mut(&id)].into_iter().flatten() {
                    match *op {
                        Op::Agent(_, on) => inst.agent_connected = on,
                        _ => inst.status = InstanceStatus::Draining,
                    }
                }
            }
            Op::Add(t, az, rack) => {
                let inst = instance(next_instance, t, az, rack);
                next_instance += 1;
                a.insert(inst.id.clone(), inst.clone());
                b.insert(inst.id.clone(), inst);
            }
            Op::Remove(i) if !a.is_empty() => {
                let id = a.keys().nth(i % a.len()).cloned().unwrap_or_default();
                a.remove(&id);
                b.remove(&id);
                live.retain(|t| t.1 != id);
            }
            Op::TouchAll => {
                for inst in b.values_mut() {
                    inst.images.insert("touched".into());
                }
                for inst in a.values_mut() {
                    inst.images.insert("touched".into());
                }
            }
            _ => {}
        }
        prop_assert_eq!(&a, b.map());
    }
    // Every placement's decision, rebuilt from the journal, is the one the pipeline made.
    let stops: Vec<u64> = records.iter().map(|r| r.seq).collect();
    let mut rebuilt = 0;
    b.walk_back(&stops, |seq, state| {
        for r in records.iter().filter(|r| r.seq == seq) {
            let (mut random, mut tie) = (r.random.clone(), r.tie.clone());
            let d = placement::place(&r.request, state, 0, PlacementRng { random_strategy: &mut random, tie_break: &mut tie });
            assert_eq!(d, r.decision, "rebuilt decision for {}", r.request.task);
            rebuilt += 1;
        }
    });
    prop_assert_eq!(rebuilt, records.len());
    Ok(placed)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn the_index_places_exactly_as_the_full_pipeline(
        cluster in prop::collection::vec((0u8..5, 0u8..3, 0u8..3), 0..24),
        shapes in prop::collection::vec(shape_strategy(), 1..4),
        seed in any::<u64>(),
        ops in prop::collection::vec(op_strategy(3), 1..80),
    ) {
        let ops: Vec<Op> = ops.into_iter().map(|o| match o { Op::Place(s) => Op::Place(s % shapes.len()), o => o }).collect();
        run(cluster, shapes, ops, seed)?;
    }
}

/// A fixed, larger case: the benchmark's chain on 600 instances, 3,000 placements, a few stops.
#[test]
fn the_benchmark_chain_places_identically_at_scale() {
    let cluster: Vec<(u8, u8, u8)> = (0..600).map(|i| ((i % 5) as u8, (i % 3) as u8, (i % 3) as u8)).collect();
    let shape = Shape { group: 0, cpu: 64, memory: 256, ports: 0, eni: false, constraints: vec![0], strategies: vec![0, 4] };
    let other = Shape { group: 1, cpu: 128, memory: 512, ports: 3, eni: false, constraints: vec![], strategies: vec![0, 1] };
    let mut ops = Vec::new();
    for k in 0..3_000 {
        ops.push(Op::Place(if k % 7 == 3 { 1 } else { 0 }));
        if k % 50 == 49 {
            ops.push(Op::Stop(k * 31));
        }
    }
    let placed = run(cluster, vec![shape, other], ops, 42).expect("identical");
    assert!(placed > 2_500, "placed {placed}");
}
