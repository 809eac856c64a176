//! Placement tables: one per plugin, then the strategy chains from the ECS docs.

use std::collections::BTreeMap;

use super::*;
use crate::engine::catalog::lookup;
use crate::engine::cluster::{ContainerInstance, InstanceStatus};
use crate::engine::rng::Rng;

fn inst(id: &str, ty: &str, az: &str) -> ContainerInstance {
    ContainerInstance::new(id.to_string(), lookup(ty).unwrap(), az, 0, 0)
}

fn with_used(mut i: ContainerInstance, cpu: u32, mem: u32) -> ContainerInstance {
    i.remaining.cpu -= cpu;
    i.remaining.memory -= mem;
    i
}

fn with_group(mut i: ContainerInstance, group: &str, n: u32) -> ContainerInstance {
    for k in 0..n {
        i.tasks.push(format!("{group}-{k}"));
    }
    i.group_counts.insert(group.to_string(), n);
    i
}

fn cluster(list: Vec<ContainerInstance>) -> BTreeMap<String, ContainerInstance> {
    list.into_iter().map(|i| (i.id.clone(), i)).collect()
}

fn req(cpu: u32, memory: u32) -> Request {
    Request { task: "t-1".into(), group: "service:web".into(), cpu, memory, host_ports: vec![], needs_eni: false, constraints: vec![], strategies: vec![] }
}

fn run(r: &Request, c: &BTreeMap<String, ContainerInstance>, seed: u64) -> Decision {
    let mut a = Rng::derive(seed, "random-strategy");
    let mut b = Rng::derive(seed, "tie-break");
    place(r, c, 0, PlacementRng { random_strategy: &mut a, tie_break: &mut b })
}

fn verdicts(d: &Decision) -> Vec<(String, Option<(String, String)>)> {
    d.candidates.iter().map(|c| (c.instance.clone(), c.rejected.as_ref().map(|r| (r.plugin.clone(), r.reason.clone())))).collect()
}

fn v(id: &str, rej: Option<(&str, &str)>) -> (String, Option<(String, String)>) {
    (id.to_string(), rej.map(|(p, r)| (p.to_string(), r.to_string())))
}

#[test]
fn filter_cpu_and_memory_table() {
    // (instance remaining cpu, remaining memory, task cpu, task memory, expected rejection)
    let rows: &[(u32, u32, u32, u32, Option<(&str, &str)>)] = &[
        (2048, 8192, 256, 512, None),
        (256, 512, 256, 512, None), // exactly enough fits
        (255, 8192, 256, 512, Some(("cpu", "needs 256 CPU units, 255 free"))),
        (2048, 256, 256, 512, Some(("memory", "needs 512 MiB, 256 MiB free"))),
        (0, 0, 256, 512, Some(("cpu", "needs 256 CPU units, 0 free"))), // cpu is checked first
    ];
    for (cpu_left, mem_left, cpu, mem, want) in rows {
        let i = inst("i-01", "m5.large", "us-east-1a");
        let used = with_used(i, 2048 - cpu_left, 8192 - mem_left);
        let d = run(&req(*cpu, *mem), &cluster(vec![used]), 1);
        assert_eq!(verdicts(&d), vec![v("i-01", *want)], "row {cpu_left}/{mem_left} for {cpu}/{mem}");
        assert_eq!(d.placed_on().is_some(), want.is_none());
    }
}

#[test]
fn filter_status_rejects_draining() {
    let mut i = inst("i-01", "m5.large", "us-east-1a");
    i.status = InstanceStatus::Draining;
    let d = run(&req(256, 512), &cluster(vec![i]), 1);
    assert_eq!(verdicts(&d), vec![v("i-01", Some(("status", "instance is DRAINING and takes no new tasks")))]);
}

#[test]
fn filter_ports_table() {
    let mut busy = inst("i-02", "m5.large", "us-east-1a");
    busy.used_ports.insert((80, Protocol::Tcp), "web-1".into());
    busy.used_ports.insert((32768, Protocol::Tcp), "web-2".into());
    let c = cluster(vec![inst("i-01", "m5.large", "us-east-1a"), busy]);
    // (requested host ports, instance, expected rejection, expected ports if placed there)
    let rows: Vec<(Vec<(u16, Protocol)>, &str, Option<(&str, &str)>)> = vec![
        (vec![(80, Protocol::Tcp)], "i-01", None),
        (vec![(80, Protocol::Tcp)], "i-02", Some(("ports", "host port 80/tcp is already used by web-1"))),
        (vec![(80, Protocol::Udp)], "i-02", None), // same number, other protocol
        (vec![(22, Protocol::Tcp)], "i-01", Some(("ports", "host port 22/tcp is reserved on the instance"))),
        (vec![(51679, Protocol::Tcp)], "i-01", Some(("ports", "host port 51679/tcp is reserved on the instance"))),
        (vec![(0, Protocol::Tcp)], "i-02", None),
    ];
    for (ports, id, want) in rows {
        let mut r = req(256, 512);
        r.host_ports = ports.clone();
        let got = verdicts(&run(&r, &c, 1)).into_iter().find(|(i, _)| i == id).unwrap();
        assert_eq!(got, v(id, want), "{ports:?} on {id}");
    }
}

#[test]
fn dynamic_ports_take_the_lowest_free_ephemeral_ports() {
    let mut i = inst("i-01", "m5.large", "us-east-1a");
    i.used_ports.insert((32768, Protocol::Tcp), "web-1".into());
    let mut r = req(256, 512);
    r.host_ports = vec![(0, Protocol::Tcp), (0, Protocol::Tcp), (8080, Protocol::Tcp)];
    let d = run(&r, &cluster(vec![i]), 1);
    assert_eq!(d.outcome, Outcome::Placed { instance: "i-01".into(), host_ports: vec![(32769, Protocol::Tcp), (32770, Protocol::Tcp), (8080, Protocol::Tcp)] });
}

#[test]
fn filter_eni_limits_awsvpc_tasks() {
    // t3.micro has 2 ENIs: the primary one and one for a task.
    let mut full = inst("i-01", "t3.micro", "us-east-1a");
    full.eni_used = 1;
    let free = inst("i-02", "t3.micro", "us-east-1a");
    let mut r = req(128, 128);
    r.needs_eni = true;
    let d = run(&r, &cluster(vec![full, free]), 1);
    assert_eq!(
        verdicts(&d),
        vec![v("i-01", Some(("eni", "awsvpc task needs a free ENI; t3.micro allows 1 task ENIs and all are in use"))), v("i-02", None)]
    );
    assert_eq!(d.placed_on(), Some("i-02"));
}

#[test]
fn distinct_instance_table() {
    let c = cluster(vec![with_group(inst("i-01", "m5.large", "a"), "service:web", 1), with_group(inst("i-02", "m5.large", "a"), "service:other", 2), inst("i-03", "m5.large", "a")]);
    let mut r = req(256, 512);
    r.constraints = vec![Constraint::DistinctInstance];
    let d = run(&r, &c, 1);
    assert_eq!(
        verdicts(&d),
        vec![
            v("i-01", Some(("distinctInstance", "already runs a task of service:web (distinctInstance allows one per instance)"))),
            v("i-02", None), // other groups do not count
            v("i-03", None),
        ]
    );
}

#[test]
fn member_of_instance_type_regex_from_the_docs() {
    let c = cluster(vec![inst("i-01", "t2.medium", "us-east-1a"), inst("i-02", "m5.large", "us-east-1a"), inst("i-03", "t2.small", "us-east-1b")]);
    let mut r = req(256, 512);
    r.constraints = vec![Constraint::MemberOf { expression: "attribute:ecs.instance-type =~ t2.*".into() }];
    let d = run(&r, &c, 1);
    let rejected: Vec<&str> = d.candidates.iter().filter(|c| c.rejected.is_some()).map(|c| c.instance.as_str()).collect();
    assert_eq!(rejected, vec!["i-02"]);
    let reason = &d.candidates[1].rejected.as_ref().unwrap().reason;
    assert!(reason.starts_with("does not satisfy attribute:ecs.instance-type =~ t2.*: "), "{reason}");
    assert!(reason.contains("m5.large"), "{reason}");
    assert!(matches!(d.placed_on(), Some("i-01") | Some("i-03")));
}

#[test]
fn member_of_with_a_bad_expression_explains_instead_of_placing() {
    let c = cluster(vec![inst("i-01", "t2.medium", "us-east-1a")]);
    let mut r = req(256, 512);
    r.constraints = vec![Constraint::MemberOf { expression: "attribute:ecs.instance-type ==".into() }];
    let d = run(&r, &c, 1);
    match &d.outcome {
        Outcome::Unplaced { summary } => assert!(summary.starts_with("memberOf expression \"attribute:ecs.instance-type ==\": "), "{summary}"),
        o => panic!("{o:?}"),
    }
}

#[test]
fn binpack_table() {
    // Binpack memory: the instance left with the least memory wins; cpu likewise.
    let c = cluster(vec![
        with_used(inst("i-01", "m5.large", "a"), 0, 4096),    // 4096 MiB free, 2048 cpu
        with_used(inst("i-02", "m5.large", "a"), 1536, 1024), // 7168 MiB free, 512 cpu
        with_used(inst("i-03", "m5.large", "a"), 1024, 6144), // 2048 MiB free, 1024 cpu
    ]);
    let rows = [(BinpackField::Memory, "i-03", vec![("i-01", 3584), ("i-02", 6656), ("i-03", 1536)]), (BinpackField::Cpu, "i-02", vec![("i-01", 1792), ("i-02", 256), ("i-03", 768)])];
    for (field, winner, left) in rows {
        let mut r = req(256, 512);
        r.strategies = vec![Strategy::Binpack { field }];
        let d = run(&r, &c, 1);
        assert_eq!(d.placed_on(), Some(winner), "{field:?}");
        let keys: Vec<(&str, i64)> = d.steps[0].ratings.iter().map(|r| (r.instance.as_str(), r.key)).collect();
        assert_eq!(keys, left.iter().map(|(i, k)| (*i, *k as i64)).collect::<Vec<_>>());
        assert!(d.tie_break.is_none());
    }
}

#[test]
fn spread_table() {
    let c = cluster(vec![
        with_group(inst("i-01", "m5.large", "us-east-1a"), "service:web", 2),
        inst("i-02", "m5.large", "us-east-1a"),
        with_group(inst("i-03", "m5.large", "us-east-1b"), "service:web", 1),
        with_group(inst("i-04", "m5.large", "us-east-1c"), "service:web", 1),
        with_group(inst("i-05", "m5.large", "us-east-1c"), "service:other", 5),
    ]);
    // Spread by AZ: a=2, b=1, c=1 → b or c. Then by instance: i-03 has 1, i-04 has 1, i-05 has 0 → i-05.
    let mut r = req(256, 512);
    r.strategies = default_service_strategy();
    let d = run(&r, &c, 1);
    assert_eq!(d.steps[0].kept, vec!["i-03", "i-04", "i-05"]);
    assert_eq!(d.steps[0].ratings[0].shown, "us-east-1a has 2 of service:web");
    assert_eq!(d.steps[1].kept, vec!["i-05"]);
    assert_eq!(d.placed_on(), Some("i-05"));
    // Spread by instanceId alone picks one of the empty ones.
    r.strategies = vec![Strategy::Spread { field: "host".into() }];
    let d = run(&r, &c, 1);
    assert_eq!(d.steps[0].kept, vec!["i-02", "i-05"]);
    assert_eq!(d.tie_break.as_ref().map(|t| t.among.clone()), Some(vec!["i-02".to_string(), "i-05".to_string()]));
}

#[test]
fn spread_on_a_custom_attribute_counts_missing_values_together() {
    let mut a = inst("i-01", "m5.large", "a");
    a.attributes.insert("rack".into(), "r1".into());
    let a = with_group(a, "service:web", 1);
    let b = inst("i-02", "m5.large", "a"); // no rack attribute
    let c = cluster(vec![a, b]);
    let mut r = req(256, 512);
    r.strategies = vec![Strategy::Spread { field: "attribute:rack".into() }];
    let d = run(&r, &c, 1);
    assert_eq!(d.steps[0].ratings[1].shown, "(none) has 0 of service:web");
    assert_eq!(d.placed_on(), Some("i-02"));
}

#[test]
fn random_strategy_is_seeded() {
    let c = cluster((1..=8).map(|n| inst(&format!("i-{n:02}"), "m5.large", "a")).collect());
    let mut r = req(256, 512);
    r.strategies = vec![Strategy::Random];
    let picks: Vec<String> = (0..6).map(|s| run(&r, &c, s).placed_on().unwrap().to_string()).collect();
    let again: Vec<String> = (0..6).map(|s| run(&r, &c, s).placed_on().unwrap().to_string()).collect();
    assert_eq!(picks, again, "same seed, same choice");
    let distinct: std::collections::BTreeSet<&String> = picks.iter().collect();
    assert!(distinct.len() > 1, "different seeds should not all agree: {picks:?}");
}

#[test]
fn unplaced_summary_names_the_closest_match() {
    let c = cluster(vec![with_used(inst("i-01", "t3.micro", "a"), 0, 768), with_used(inst("i-02", "t3.micro", "a"), 2048, 0)]);
    let d = run(&req(256, 512), &c, 1);
    match &d.outcome {
        Outcome::Unplaced { summary } => assert_eq!(
            summary,
            "no container instance met all of its requirements; the closest match i-01 was rejected by memory (needs 512 MiB, 256 MiB free). Rejections by check: cpu: 1, memory: 1"
        ),
        o => panic!("{o:?}"),
    }
}

#[test]
fn spread_field_validation() {
    assert!(Strategy::Spread { field: "attribute:ecs.availability-zone".into() }.validate().is_ok());
    assert!(Strategy::Spread { field: "host".into() }.validate().is_ok());
    assert_eq!(
        Strategy::Spread { field: "zone".into() }.validate().unwrap_err(),
        "spread field \"zone\" is not valid; use instanceId, host or attribute:<name> (e.g. attribute:ecs.availability-zone)"
    );
}

#[test]
fn scale_in_binpack_stops_where_most_is_left() {
    let a = with_used(inst("i-01", "m5.large", "a"), 0, 6144); // 2048 left
    let b = with_used(inst("i-02", "m5.large", "a"), 0, 2048); // 6144 left
    let victims = vec![
        scale_in::Victim { task: "web-1".into(), instance: Some(&a), az: "a".into(), cpu: 256, memory: 512 },
        scale_in::Victim { task: "web-2".into(), instance: Some(&b), az: "a".into(), cpu: 256, memory: 512 },
    ];
    let (i, steps, tb) = scale_in::choose(&[Strategy::Binpack { field: BinpackField::Memory }], &victims, &mut Rng::new(1), &mut Rng::new(2));
    assert_eq!(victims[i].task, "web-2");
    assert_eq!(steps[0].ratings[1].shown, "would leave 6656 free");
    assert!(tb.is_none());
}

#[test]
fn scale_in_spread_takes_from_the_most_crowded_az() {
    let a1 = inst("i-01", "m5.large", "us-east-1a");
    let a2 = inst("i-02", "m5.large", "us-east-1a");
    let b1 = inst("i-03", "m5.large", "us-east-1b");
    let victims = vec![
        scale_in::Victim { task: "web-1".into(), instance: Some(&a1), az: "us-east-1a".into(), cpu: 256, memory: 512 },
        scale_in::Victim { task: "web-2".into(), instance: Some(&a1), az: "us-east-1a".into(), cpu: 256, memory: 512 },
        scale_in::Victim { task: "web-3".into(), instance: Some(&a2), az: "us-east-1a".into(), cpu: 256, memory: 512 },
        scale_in::Victim { task: "web-4".into(), instance: Some(&b1), az: "us-east-1b".into(), cpu: 256, memory: 512 },
    ];
    let (i, steps, _) = scale_in::choose(&default_service_strategy(), &victims, &mut Rng::new(1), &mut Rng::new(2));
    // AZ a has 3 of 4 → stop there; within a, i-01 has 2 → stop one of i-01's tasks.
    assert_eq!(steps[0].kept, vec!["web-1", "web-2", "web-3"]);
    assert_eq!(steps[1].kept, vec!["web-1", "web-2"]);
    assert!(["web-1", "web-2"].contains(&victims[i].task.as_str()));
}

#[test]
fn fargate_spreads_across_azs() {
    let azs: Vec<String> = vec!["us-east-1a".into(), "us-east-1b".into(), "us-east-1c".into()];
    let mut counts = BTreeMap::new();
    counts.insert("us-east-1a".to_string(), 2);
    counts.insert("us-east-1b".to_string(), 1);
    counts.insert("us-east-1c".to_string(), 1);
    let d = fargate::place("batch-1", "family:batch", &azs, &counts, &mut Rng::new(3));
    assert_eq!(d.steps[0].kept, vec!["us-east-1b", "us-east-1c"]);
    assert!(matches!(d.placed_on(), Some("us-east-1b") | Some("us-east-1c")));
    let none = fargate::place("batch-1", "family:batch", &[], &counts, &mut Rng::new(3));
    assert!(none.placed_on().is_none());
}
