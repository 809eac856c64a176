//! The placement workload shared by the native Criterion benchmark (`benches/placement.rs`) and the
//! Wasm harness (`tests/wasm_bench.rs`): 50,000 tasks onto 5,000 container instances with a
//! `spread(attribute:ecs.availability-zone)` → `binpack(memory)` chain and a `memberOf`
//! constraint, through the real engine (`Engine::apply(Command::CreateService ...)`).
//!
//! The engine caps a service at 5,000 tasks (`MAX_DESIRED`), so the 50,000 tasks are ten services
//! of 5,000 each. Four fifths of the instances are `m5.*` (the constraint's targets), one fifth
//! `c5.xlarge`/`r5.large`, so `memberOf` really rejects instances on every placement.

#![allow(dead_code)]

use std::collections::BTreeMap;

use berth::engine::cluster::{ContainerInstance, Instances};
use berth::engine::placement::index::{Placement, Placer};
use berth::engine::placement::{self, BinpackField, Constraint, Outcome, PlacementRng, Request, Strategy};
use berth::engine::rng::Rng;
use berth::engine::sim::{ClusterConfig, Command, Engine};
use berth::engine::task::ServiceSpec;
use berth::engine::taskdef::{parse_task_definition, NetworkMode, TaskDefinition};

pub const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];
/// m5 types come first and four times as often: instance i gets `TYPES[i % 5]`.
pub const TYPES: [&str; 5] = ["m5.large", "m5.xlarge", "m5.2xlarge", "m5.large", "c5.xlarge"];
pub const MEMBER_OF: &str = "attribute:ecs.instance-type =~ m5.*";
pub const TASK_DEFINITION: &str = r#"{"family":"web","containerDefinitions":[{"name":"web","image":"nginx:1","cpu":64,"memory":256}]}"#;

/// The full-size workload of the issue.
pub const INSTANCES: usize = 5_000;
pub const SERVICES: usize = 10;
pub const TASKS_PER_SERVICE: u32 = 5_000;

pub fn strategies() -> Vec<Strategy> {
    vec![Strategy::Spread { field: "attribute:ecs.availability-zone".into() }, Strategy::Binpack { field: BinpackField::Memory }]
}

pub fn constraints() -> Vec<Constraint> {
    vec![Constraint::MemberOf { expression: MEMBER_OF.into() }]
}

/// An engine with `instances` registered instances (ids `i-0001`...), round-robin over three AZs,
/// and the `web` task definition registered. Not part of the timed section.
pub fn cluster(instances: usize, seed: u64) -> Engine {
    let azs: Vec<String> = AZS.iter().map(|s| s.to_string()).collect();
    let config = ClusterConfig { name: "bench".into(), region: "us-east-1".into(), azs: azs.clone(), fargate_azs: azs, epoch_unix: 1_700_000_000 };
    let mut e = Engine::new(config, seed, "placement benchmark");
    let td = parse_task_definition(TASK_DEFINITION).task_definition.expect("the benchmark task definition is valid");
    e.register(td);
    for i in 0..instances {
        e.apply(Command::AddInstances {
            instance_type: TYPES[i % TYPES.len()].into(),
            az: Some(AZS[i % AZS.len()].into()),
            count: 1,
            attributes: BTreeMap::new(),
            ids: vec![format!("i-{:04}", i + 1)],
            reserved_memory: 0,
        })
        .expect("instance registers");
    }
    e
}

/// The timed section: create `services` services of `per_service` tasks each; the service
/// controller places every task before `apply` returns. Returns the number of tasks placed.
pub fn place_all(e: &mut Engine, services: usize, per_service: u32) -> usize {
    for s in 0..services {
        place_service(e, s, per_service);
    }
    let placed = e.tasks().len();
    assert_eq!(placed, services * per_service as usize, "every task was placed");
    placed
}

/// Create service `web{s}` with `per_service` tasks (placed before `apply` returns).
pub fn place_service(e: &mut Engine, s: usize, per_service: u32) {
    // Through serde, so fields added to CreateService later take their defaults here too.
    let spec: ServiceSpec = serde_json::from_value(serde_json::json!({
        "serviceName": format!("web{s}"),
        "taskDefinition": "web",
        "desiredCount": per_service,
        "launchType": "EC2",
        "placementStrategy": strategies(),
        "placementConstraints": constraints(),
    }))
    .expect("the benchmark service spec deserialises");
    e.apply(Command::CreateService(spec)).expect("service is created");
}

/// The same placements without the engine around them: a `Request` per task, exactly as
/// `Engine::place_one` builds it, `placement::place`, then the instance bookkeeping the engine
/// does for a placed EC2 task (resources, ports, task list, group counts) and the `why` text of
/// the `taskPlaced` event. What is left out is the engine's own work: task records, events, and
/// keeping each `Decision` for "why here" (see docs/performance.md for what that costs).
#[derive(Clone)]
pub struct Direct {
    pub instances: BTreeMap<String, ContainerInstance>,
    pub epoch_unix: i64,
    rng_random: Rng,
    rng_tie: Rng,
    td: TaskDefinition,
    next_task: u32,
}

impl Direct {
    /// The same cluster as [`cluster`], with the streams an engine seeded with `seed` would use.
    pub fn new(instances: usize, seed: u64) -> Direct {
        let e = cluster(instances, seed);
        Direct {
            instances: e.instances().clone(),
            epoch_unix: e.config().epoch_unix,
            rng_random: Rng::derive(seed, "random-strategy"),
            rng_tie: Rng::derive(seed, "tie-break"),
            td: e.task_definitions("web")[0].clone(),
            next_task: 0,
        }
    }

    /// Place `per_service` tasks for each of `services` services (in service order, as the
    /// engine's controller does after each `CreateService`). Returns the number placed and a
    /// checksum of the `why` texts (so nothing is optimised away).
    pub fn place_all(&mut self, services: usize, per_service: u32) -> (usize, u64) {
        let mut placed = 0;
        let mut sum = 0u64;
        for s in 0..services {
            let group = format!("service:web{s}");
            for _ in 0..per_service {
                self.next_task += 1;
                let task = format!("{}-{}", self.td.family, self.next_task);
                let request = request_for(&self.td, &task, &group);
                let d = placement::place(&request, &self.instances, self.epoch_unix, PlacementRng { random_strategy: &mut self.rng_random, tie_break: &mut self.rng_tie });
                let Outcome::Placed { instance, host_ports } = &d.outcome else { panic!("{task} was not placed: {:?}", d.outcome) };
                let inst = self.instances.get_mut(instance).expect("placed on a known instance");
                inst.remaining.cpu = inst.remaining.cpu.saturating_sub(request.cpu);
                inst.remaining.memory = inst.remaining.memory.saturating_sub(request.memory);
                for p in host_ports {
                    inst.used_ports.insert(*p, task.clone());
                }
                inst.tasks.push(task.clone());
                *inst.group_counts.entry(group.clone()).or_insert(0) += 1;
                let why = d
                    .steps
                    .last()
                    .and_then(|s| s.ratings.iter().find(|r| &r.instance == instance).map(|r| format!("{}: {}", s.strategy, r.shown)))
                    .unwrap_or_else(|| "the only instance that fits".to_string());
                let why = match &d.tie_break {
                    Some(tb) => format!("{why}; tie-break among {}", tb.among.len()),
                    None => why,
                };
                sum = sum.wrapping_mul(31).wrapping_add(why.len() as u64);
                placed += 1;
            }
        }
        (placed, sum)
    }

    /// Where each task ended up: instance id → its tasks, in placement order.
    pub fn layout(&self) -> Vec<(String, Vec<String>)> {
        self.instances.values().map(|i| (i.id.clone(), i.tasks.clone())).collect()
    }
}

/// What the engine now does for each EC2 placement, without the engine around it: the same
/// `Request` as [`Direct`], answered by the placement index (`placement::index::Placer`, which
/// gives the same instance, ports, random draws and `why` as `placement::place`), then the same
/// instance bookkeeping through the journaled `Instances` (`Instances::place_task`).
#[derive(Clone)]
pub struct Indexed {
    pub instances: Instances,
    pub epoch_unix: i64,
    placer: Placer,
    rng_random: Rng,
    rng_tie: Rng,
    td: TaskDefinition,
    next_task: u32,
}

/// The `Request` for one task, built as `Engine::place_one` builds it: the service's constraints
/// plus the task definition's own `memberOf`, and the service's strategies.
fn request_for(td: &TaskDefinition, task: &str, group: &str) -> Request {
    let mut all_constraints = constraints();
    for c in &td.placement_constraints {
        all_constraints.push(Constraint::MemberOf { expression: c.expression.clone() });
    }
    Request {
        task: task.to_string(),
        group: group.to_string(),
        cpu: td.reserved_cpu(),
        memory: td.reserved_memory(),
        host_ports: td.host_ports(),
        needs_eni: td.network_mode == NetworkMode::Awsvpc,
        constraints: all_constraints,
        strategies: strategies(),
    }
}

impl Indexed {
    pub fn new(instances: usize, seed: u64) -> Indexed {
        let d = Direct::new(instances, seed);
        Indexed { instances: Instances::from(d.instances), epoch_unix: d.epoch_unix, placer: Placer::new(), rng_random: d.rng_random, rng_tie: d.rng_tie, td: d.td, next_task: 0 }
    }

    /// As [`Direct::place_all`].
    pub fn place_all(&mut self, services: usize, per_service: u32) -> (usize, u64) {
        let mut placed = 0;
        let mut sum = 0u64;
        for s in 0..services {
            let group = format!("service:web{s}");
            for _ in 0..per_service {
                self.next_task += 1;
                let task = format!("{}-{}", self.td.family, self.next_task);
                let request = request_for(&self.td, &task, &group);
                let p = self.placer.place(&request, &self.instances, self.epoch_unix, PlacementRng { random_strategy: &mut self.rng_random, tie_break: &mut self.rng_tie });
                let Placement::Placed { instance, host_ports, why } = p else { panic!("{task} was not placed: {p:?}") };
                self.instances.place_task(&instance, &task, &group, request.cpu, request.memory, &host_ports, request.needs_eni);
                // The journal only has to reach back to where the index last looked.
                let keep = self.placer.oldest_cursor().unwrap_or(self.instances.seq());
                self.instances.forget_before(keep);
                sum = sum.wrapping_mul(31).wrapping_add(why.len() as u64);
                placed += 1;
            }
        }
        (placed, sum)
    }

    pub fn layout(&self) -> Vec<(String, Vec<String>)> {
        self.instances.values().map(|i| (i.id.clone(), i.tasks.clone())).collect()
    }
}

/// Where each task of an engine run ended up, comparable with [`Direct::layout`].
pub fn layout(e: &Engine) -> Vec<(String, Vec<String>)> {
    e.instances().values().map(|i| (i.id.clone(), i.tasks.clone())).collect()
}

/// A floor for any placement that scans every instance: the same decision as [`Direct`] for this
/// workload's chain (same filters, same spread → binpack → seeded tie-break, same random draws),
/// but nothing recorded — no candidate reports, no ratings, no strings. Specific to this
/// workload's request (no ports, no ENIs); it is a measuring stick for docs/performance.md, not
/// an engine path.
#[derive(Clone)]
pub struct ScanFloor {
    pub instances: BTreeMap<String, ContainerInstance>,
    epoch_unix: i64,
    rng_tie: Rng,
    expr: std::rc::Rc<berth::engine::placement::cql::Expr>,
    cpu: u32,
    memory: u32,
    next_task: u32,
}

struct View<'a>(&'a ContainerInstance, i64);

impl berth::engine::placement::cql::CqlInstance for View<'_> {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.0.attributes.get(name).map(String::as_str)
    }
    fn ec2_instance_id(&self) -> &str {
        &self.0.id
    }
    fn registered_at_unix(&self) -> i64 {
        self.1 + (self.0.registered_at / 1000) as i64
    }
    fn running_tasks_count(&self) -> u32 {
        self.0.tasks.len() as u32
    }
    fn task_groups(&self) -> Vec<String> {
        self.0.group_counts.iter().flat_map(|(g, n)| std::iter::repeat_n(g.clone(), *n as usize)).collect()
    }
    fn agent_version(&self) -> &str {
        &self.0.agent_version
    }
    fn agent_connected(&self) -> bool {
        self.0.agent_connected
    }
}

impl ScanFloor {
    pub fn new(instances: usize, seed: u64) -> ScanFloor {
        let d = Direct::new(instances, seed);
        ScanFloor {
            instances: d.instances,
            epoch_unix: d.epoch_unix,
            rng_tie: Rng::derive(seed, "tie-break"),
            expr: std::rc::Rc::new(berth::engine::placement::cql::parse(MEMBER_OF).unwrap()),
            cpu: d.td.reserved_cpu(),
            memory: d.td.reserved_memory(),
            next_task: 0,
        }
    }

    pub fn place_all(&mut self, services: usize, per_service: u32) -> usize {
        use berth::engine::cluster::InstanceStatus;
        let mut placed = 0;
        for s in 0..services {
            let group = format!("service:web{s}");
            for _ in 0..per_service {
                self.next_task += 1;
                // Filters and constraint, then spread by AZ and binpack by memory in one pass
                // over the feasible set.
                let mut per_az: BTreeMap<&str, u32> = BTreeMap::new();
                for inst in self.instances.values() {
                    let n = inst.group_count(&group);
                    if n > 0 {
                        *per_az.entry(inst.attributes.get("ecs.availability-zone").map(String::as_str).unwrap_or("(none)")).or_default() += n;
                    }
                }
                let mut feasible: Vec<&str> = Vec::new();
                let (mut best_az, mut best_left) = (u32::MAX, u32::MAX);
                for inst in self.instances.values() {
                    if inst.status == InstanceStatus::Draining || !inst.agent_connected || inst.remaining.cpu < self.cpu || inst.remaining.memory < self.memory {
                        continue;
                    }
                    if !self.expr.eval(&View(inst, self.epoch_unix)) {
                        continue;
                    }
                    let az = inst.attributes.get("ecs.availability-zone").map(String::as_str).unwrap_or("(none)");
                    let n = per_az.get(az).copied().unwrap_or(0);
                    let left = inst.remaining.memory - self.memory;
                    if (n, left) < (best_az, best_left) {
                        (best_az, best_left) = (n, left);
                        feasible.clear();
                    }
                    if (n, left) == (best_az, best_left) {
                        feasible.push(&inst.id);
                    }
                }
                let chosen = if feasible.len() == 1 { feasible[0] } else { feasible[self.rng_tie.pick(feasible.len())] }.to_string();
                let task = format!("web-{}", self.next_task);
                let inst = self.instances.get_mut(&chosen).unwrap();
                inst.remaining.cpu -= self.cpu;
                inst.remaining.memory -= self.memory;
                inst.tasks.push(task);
                *inst.group_counts.entry(group.clone()).or_insert(0) += 1;
                placed += 1;
            }
        }
        placed
    }

    pub fn layout(&self) -> Vec<(String, Vec<String>)> {
        self.instances.values().map(|i| (i.id.clone(), i.tasks.clone())).collect()
    }
}
