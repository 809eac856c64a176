//! The kube-scheduler plugins, with the examples of the upstream unit tests
//! (kubernetes/kubernetes pkg/scheduler/framework/plugins/...). Upstream tests give node capacity
//! as `"cpu": "4000"` (cores) and requests like `"cpu": "1000"`; the formulas only use ratios, so
//! the same numbers are used here as millicores.

use std::collections::BTreeMap;

use berth::engine::k8s::manifest;
use berth::engine::k8s::model::*;
use berth::engine::k8s::node::{Node, LABEL_ZONE};
use berth::engine::k8s::scheduler::*;
use berth::engine::rng::Rng;

fn container(cpu: Option<i64>, mem: Option<i64>) -> Container {
    Container {
        command: Vec::new(),
        args: Vec::new(),
        name: "c".into(),
        image: "nginx".into(),
        ports: Vec::new(),
        resources: ResourceRequirements { requests: ResourceList { cpu_milli: cpu, memory: mem, ..Default::default() }, limits: ResourceList::default() },
        liveness_probe: None,
        readiness_probe: None,
        startup_probe: None,
        refs: Vec::new(),
        pos: Default::default(),
    }
}

/// `st.MakePod().Req(...).Req(...)`: one container per (cpu, memory) pair.
fn pod(name: &str, reqs: &[(i64, i64)]) -> Pod {
    let mut p = Pod { meta: ObjectMeta { name: name.into(), ..Default::default() }, spec: PodSpec::default() };
    for (c, m) in reqs {
        p.spec.containers.push(container(Some(*c), Some(*m)));
    }
    p
}

fn on(p: Pod, node: &str) -> PlacedPod {
    PlacedPod { pod: p, node: node.into() }
}

/// A pod read from YAML (the way a learner writes it).
fn yaml_pod(text: &str) -> Pod {
    let m = manifest::parse(text);
    assert!(!m.has_errors(), "{:?}", m.diagnostics);
    match &m.objects[0].object {
        Object::Pod(p) => p.clone(),
        other => panic!("{other:?}"),
    }
}

fn fit_scores(pod: &Pod, nodes: &[Node], existing: &[PlacedPod], profile: &Profile) -> Vec<i64> {
    let r = schedule(pod, nodes, existing, profile, &mut Rng::new(1));
    nodes.iter().map(|n| r.node(&n.name).and_then(|x| x.scores.iter().find(|s| s.plugin == "NodeResourcesFit")).map(|s| s.normalized).unwrap_or(-1)).collect()
}

fn only(plugin: &str, strategy: ScoringStrategy) -> Profile {
    let mut p = Profile::default_scheduler();
    p.weights = BTreeMap::from([(plugin.to_string(), 1)]);
    p.scoring_strategy = strategy;
    p
}

#[test]
fn least_allocated_upstream_table() {
    // TestLeastAllocatedScoringStrategy (least_allocated_test.go)
    let least = only("NodeResourcesFit", ScoringStrategy::LeastAllocated);
    let n = |name: &str, c, m| Node::new(name, c, m, 110);
    let two_containers = pod("p", &[(1000, 2000), (2000, 3000)]);
    // "nothing scheduled, resources requested, differently sized nodes": 37, 50
    assert_eq!(fit_scores(&two_containers, &[n("node1", 4000, 10000), n("node2", 6000, 10000)], &[], &least), vec![37, 50]);
    // "no resources requested, pods scheduled with resources": 70, 57 (a pod with no containers)
    let empty = pod("p", &[]);
    let existing = vec![
        on(pod("a", &[(3000, 0)]), "node1"),
        on(pod("b", &[(3000, 0)]), "node1"),
        on(pod("c", &[(3000, 0)]), "node2"),
        on(pod("d", &[(3000, 5000)]), "node2"),
    ];
    assert_eq!(fit_scores(&empty, &[n("node1", 10000, 20000), n("node2", 10000, 20000)], &existing, &least), vec![70, 57]);
    // "resources requested, pods scheduled with resources": 57, 45
    let existing = vec![on(pod("a", &[(3000, 0)]), "node1"), on(pod("b", &[(3000, 5000)]), "node2")];
    assert_eq!(fit_scores(&two_containers, &[n("node1", 10000, 20000), n("node2", 10000, 20000)], &existing, &least), vec![57, 45]);
    // "... differently sized nodes": 57, 60
    assert_eq!(fit_scores(&two_containers, &[n("node1", 10000, 20000), n("node2", 10000, 50000)], &existing, &least), vec![57, 60]);
    // "requested resources exceed node capacity": 50, 25 (Score called directly, as upstream does;
    // in a real cycle the Fit filter would already have rejected both nodes)
    assert_eq!(least_allocated_score(&[(6000, 4000, 1), (0, 10000, 1)]), 50);
    assert_eq!(least_allocated_score(&[(6000, 4000, 1), (5000, 10000, 1)]), 25);
    // weighted resources {memory: 2, cpu: 1}: 41, 50
    assert_eq!(least_allocated_score(&[(3000, 4000, 1), (5000, 10000, 2)]), 41);
    assert_eq!(least_allocated_score(&[(3000, 6000, 1), (5000, 10000, 2)]), 50);
    // "zero node resources": MinNodeScore
    assert_eq!(least_allocated_score(&[(3000, 0, 1), (0, 0, 1)]), 0);
}

#[test]
fn most_allocated_upstream_table() {
    // TestMostAllocatedScoringStrategy (most_allocated_test.go)
    let most = only("NodeResourcesFit", ScoringStrategy::MostAllocated);
    let n = |name: &str, c, m| Node::new(name, c, m, 110);
    let two_containers = pod("p", &[(1000, 2000), (2000, 3000)]);
    // "nothing scheduled, resources requested, differently sized nodes": (75+50)/2 = 62, 50
    assert_eq!(fit_scores(&two_containers, &[n("node1", 4000, 10000), n("node2", 6000, 10000)], &[], &most), vec![62, 50]);
    // "resources requested, pods scheduled with resources": (60+25)/2 = 42, (60+50)/2 = 55
    let existing = vec![on(pod("a", &[(3000, 0)]), "node1"), on(pod("b", &[(3000, 5000)]), "node2")];
    assert_eq!(fit_scores(&two_containers, &[n("node1", 10000, 20000), n("node2", 10000, 20000)], &existing, &most), vec![42, 55]);
    // requested above capacity is capped: cpu 6000 on 4000 counts as 100
    assert_eq!(most_allocated_score(&[(6000, 4000, 1), (0, 10000, 1)]), 50);
}

#[test]
fn balanced_allocation_upstream_table() {
    // TestNodeResourcesBalancedAllocation (balanced_allocation_test.go)
    // "nothing scheduled, resources requested, differently sized nodes":
    // node1 fractions 3000/4000 = 0.75, 5000/10000 = 0.5 → std 0.125 → 87; node2 0.5/0.5 → 100
    assert_eq!(balanced_score(&[(3000, 4000), (5000, 10000)]), 87);
    assert_eq!(balanced_score(&[(3000, 6000), (5000, 10000)]), 100);
    // "resources requested, pods scheduled with resources": node1 0.6/0.25 → 82; node2 0.6/0.5 → 95
    assert_eq!(balanced_score(&[(6000, 10000), (5000, 20000)]), 82);
    assert_eq!(balanced_score(&[(6000, 10000), (10000, 20000)]), 95);
    // the same through the scheduler, with the arithmetic shown
    let mut p = Profile::default_scheduler();
    p.weights = BTreeMap::from([("NodeResourcesBalancedAllocation".to_string(), 1)]);
    let r = schedule(&pod("p", &[(1000, 2000), (2000, 3000)]), &[Node::new("node1", 4000, 10000, 110), Node::new("node2", 6000, 10000, 110)], &[], &p, &mut Rng::new(1));
    let s = &r.node("node1").expect("node1").scores[0];
    assert_eq!((s.raw, s.normalized), (87, 87));
    assert_eq!(s.arithmetic, "cpu fraction 0.750, memory fraction 0.500; std = |0.750 − 0.500| / 2 = 0.125; (1 − std) × 100 → 87");
    assert_eq!(r.chosen(), Some("node2"));
}

#[test]
fn requested_to_capacity_ratio_shape() {
    // requested_to_capacity_ratio.go: shape scores × 10, broken-linear, averaged, rounded.
    // shape {0: 0, 100: 10} (bin-packing): cpu 75 %, memory 50 % → (75 + 50) / 2 = 62.5 → 63
    let shape = vec![(0, 0), (100, 10)];
    assert_eq!(requested_to_capacity_ratio_score(&shape, &[(3000, 4000, 1), (5000, 10000, 1)]), 63);
    // shape {0: 10, 100: 0} (spreading): 25 and 50 → 37.5 → 38
    let spread = vec![(0, 10), (100, 0)];
    assert_eq!(requested_to_capacity_ratio_score(&spread, &[(3000, 4000, 1), (5000, 10000, 1)]), 38);
    // resources scoring 0 are left out of the average: cpu 100 % → 0 is skipped, memory 50 % → 50
    assert_eq!(requested_to_capacity_ratio_score(&spread, &[(4000, 4000, 1), (5000, 10000, 1)]), 50);
}

#[test]
fn taint_toleration_score_upstream() {
    // TestTaintTolerationScore: "the more intolerable taints a node has, the lower score it gets"
    let pod = yaml_pod("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n  tolerations:\n    - {key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}\n");
    let nodes = vec![
        Node::new("nodeA", 4000, 8 << 30, 110),
        Node::new("nodeB", 4000, 8 << 30, 110).with_taint("cpu-type", "arm64", TaintEffect::PreferNoSchedule),
        Node::new("nodeC", 4000, 8 << 30, 110).with_taint("cpu-type", "arm64", TaintEffect::PreferNoSchedule).with_taint("disk-type", "ssd", TaintEffect::PreferNoSchedule),
        Node::new("nodeD", 4000, 8 << 30, 110).with_taint("foo", "bar", TaintEffect::PreferNoSchedule),
    ];
    let mut p = Profile::default_scheduler();
    p.weights = BTreeMap::from([("TaintToleration".to_string(), 3)]);
    let r = schedule(&pod, &nodes, &[], &p, &mut Rng::new(1));
    let got: Vec<(i64, i64, i64)> = nodes.iter().map(|n| r.node(&n.name).map(|x| (x.scores[0].raw, x.scores[0].normalized, x.total.unwrap_or(-1))).unwrap_or((-1, -1, -1))).collect();
    assert_eq!(got, vec![(0, 100, 300), (1, 50, 150), (2, 0, 0), (0, 100, 300)]);
}

#[test]
fn node_affinity_preferred_weights_are_normalised() {
    // TestNodeAffinityPriority: weights of the matching preferred terms, × 100 / max.
    let pod = yaml_pod(
        r#"apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: nginx}]
  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 2
          preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}]}
        - weight: 4
          preference: {matchExpressions: [{key: key, operator: In, values: [value]}]}
        - weight: 5
          preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}, {key: key, operator: In, values: [value]}, {key: az, operator: In, values: [az1]}]}
"#,
    );
    let nodes = vec![
        Node::new("node1", 4000, 8 << 30, 110).with_label("foo", "bar"),
        Node::new("node2", 4000, 8 << 30, 110).with_label("key", "value"),
        Node::new("node3", 4000, 8 << 30, 110).with_label("foo", "bar").with_label("key", "value").with_label("az", "az1"),
    ];
    let mut p = Profile::default_scheduler();
    p.weights = BTreeMap::from([("NodeAffinity".to_string(), 2)]);
    let r = schedule(&pod, &nodes, &[], &p, &mut Rng::new(1));
    // raw 2, 4, 11 → 100 × raw / 11 = 18, 36, 100 (upstream "all nodes matches the preferred scheduling requirements of pod but with different priorities")
    let got: Vec<(i64, i64)> = nodes.iter().map(|n| r.node(&n.name).map(|x| (x.scores[0].raw, x.scores[0].normalized)).unwrap_or((-1, -1))).collect();
    assert_eq!(got, vec![(2, 18), (4, 36), (11, 100)]);
    assert_eq!(r.chosen(), Some("node3"));
    assert_eq!(r.node("node1").map(|x| x.scores[0].arithmetic.as_str()), Some("matching preferred weights 2 = 2; 100 × 2 / 11 = 18"));
}

#[test]
fn failed_scheduling_message_in_kube_scheduler_format() {
    let nodes = vec![
        Node::new("ip-10-0-1-5", 2000, 1 << 30, 110),
        Node::new("gpu-1", 8000, 32 << 30, 110).with_taint("dedicated", "gpu", TaintEffect::NoSchedule),
        Node::new("gpu-2", 8000, 32 << 30, 110).with_taint("dedicated", "gpu", TaintEffect::NoSchedule),
    ];
    let existing = vec![on(pod("busy", &[(1500, 768 << 20)]), "ip-10-0-1-5")];
    let p = pod("web", &[(1000, 512 << 20)]);
    let r = schedule(&p, &nodes, &existing, &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(
        r.outcome,
        Outcome::Unschedulable {
            message: "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.".into()
        }
    );
    let why = &r.node("ip-10-0-1-5").expect("node").filters.last().expect("verdict").detail;
    assert_eq!(why, "ip-10-0-1-5: Insufficient cpu (requests 1, 500m allocatable free); Insufficient memory (requests 512Mi, 256Mi allocatable free)");
    let taint = &r.node("gpu-1").expect("node").filters;
    assert_eq!(taint.iter().map(|f| f.plugin).collect::<Vec<_>>(), vec!["NodeUnschedulable", "NodeName", "TaintToleration"], "filtering stops at the first rejection");
}

#[test]
fn cordon_node_name_and_host_ports() {
    let mut cordoned = Node::new("a", 4000, 8 << 30, 110);
    cordoned.unschedulable = true;
    let nodes = vec![cordoned, Node::new("b", 4000, 8 << 30, 110)];
    let mut p = yaml_pod("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      ports: [{containerPort: 80, hostPort: 8080}]\n");
    let existing = vec![on(p.clone(), "b")];
    let r = schedule(&p, &nodes, &existing, &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(
        r.outcome,
        Outcome::Unschedulable {
            message: "0/2 nodes are available: 1 node(s) didn't have free ports for the requested pod ports, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.".into()
        }
    );
    p.spec.node_name = Some("a".into());
    let r = schedule(&p, &nodes, &[], &Profile::default_scheduler(), &mut Rng::new(1));
    assert!(matches!(&r.outcome, Outcome::Unschedulable { message } if message.starts_with("0/2 nodes are available: 1 node(s) didn't match the requested node name, 1 node(s) were unschedulable.")));
}

fn zone_nodes() -> Vec<Node> {
    vec![
        Node::new("a1", 4000, 8 << 30, 110).with_label(LABEL_ZONE, "us-east-1a"),
        Node::new("a2", 4000, 8 << 30, 110).with_label(LABEL_ZONE, "us-east-1a"),
        Node::new("b1", 4000, 8 << 30, 110).with_label(LABEL_ZONE, "us-east-1b"),
        Node::new("nolabel", 4000, 8 << 30, 110),
    ]
}

fn web(name: &str) -> Pod {
    let mut p = pod(name, &[(100, 64 << 20)]);
    p.meta.labels.insert("app".into(), "web".into());
    p
}

#[test]
fn pod_topology_spread_filter() {
    // filtering_test.go, "pods spread across zones as 2/0, maxSkew 1": only the empty zone fits.
    let mut p = web("new");
    p.spec.topology_spread_constraints.push(TopologySpreadConstraint {
        max_skew: 1,
        topology_key: LABEL_ZONE.into(),
        when_unsatisfiable: WhenUnsatisfiable::DoNotSchedule,
        label_selector: Some(LabelSelector { match_labels: [("app".to_string(), "web".to_string())].into(), match_expressions: Vec::new() }),
        min_domains: None,
        match_label_keys: Vec::new(),
        node_affinity_policy: InclusionPolicy::Honor,
        node_taints_policy: InclusionPolicy::Ignore,
    });
    let existing = vec![on(web("w1"), "a1"), on(web("w2"), "a2")];
    let r = schedule(&p, &zone_nodes(), &existing, &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(r.chosen(), Some("b1"));
    let a1 = r.node("a1").and_then(|n| n.filters.last()).expect("a1");
    assert_eq!(a1.detail, "a1: topology.kubernetes.io/zone us-east-1a would have skew 2 + 1 − 0 = 3 > maxSkew 1 (matching pods per domain: us-east-1a=2, us-east-1b=0)");
    let nl = r.node("nolabel").and_then(|n| n.filters.last()).expect("nolabel");
    assert_eq!(nl.reasons, vec!["node(s) didn't match pod topology spread constraints (missing required label)".to_string()]);
    // minDomains 3 with only 2 zones: the global minimum counts as 0, so with 1/1 every zone has skew 1 + 1 − 0 = 2 > 1
    p.spec.topology_spread_constraints[0].min_domains = Some(3);
    let existing = vec![on(web("w1"), "a1"), on(web("w3"), "b1")];
    let r = schedule(&p, &zone_nodes(), &existing, &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(r.outcome, Outcome::Unschedulable { message: "0/4 nodes are available: 1 node(s) didn't match pod topology spread constraints (missing required label), 3 node(s) didn't match pod topology spread constraints. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.".into() });
}

#[test]
fn pod_topology_spread_score_with_system_defaults() {
    // scoring.go: count × ln(domains + 2) + (maxSkew − 1), normalised 100 × (max + min − s) / max.
    let nodes: Vec<Node> = zone_nodes().into_iter().take(3).collect();
    let existing = vec![on(web("w1"), "a1"), on(web("w2"), "a1"), on(web("w3"), "b1")];
    let sel = LabelSelector { match_labels: [("app".to_string(), "web".to_string())].into(), match_expressions: Vec::new() };
    let ns = BTreeMap::new();
    let cluster = Cluster { pods: &existing, namespaces: &ns, default_spread_selector: Some(&sel) };
    let mut p = Profile::default_scheduler();
    p.weights = BTreeMap::from([("PodTopologySpread".to_string(), 2)]);
    let r = schedule_from(&web("new"), &nodes, &cluster, &p, 0, &mut Rng::new(1));
    // hostname (3 nodes → ln 5 = 1.609, maxSkew 3): a1 2 pods, a2 0, b1 1
    // zone (2 zones → ln 4 = 1.386, maxSkew 5): a = 2, b = 1
    // a1: 2×1.609 + 2 + 2×1.386 + 4 = 11.99 → 12; a2: 0 + 2 + 2.77 + 4 = 8.77 → 9; b1: 1.609 + 2 + 1.386 + 4 = 8.99 → 9
    let raw: Vec<i64> = ["a1", "a2", "b1"].iter().map(|n| r.node(n).map(|x| x.scores[0].raw).unwrap_or(-1)).collect();
    assert_eq!(raw, vec![12, 9, 9]);
    // normalised: 100 × (12 + 9 − s) / 12 → 75, 100, 100
    let norm: Vec<i64> = ["a1", "a2", "b1"].iter().map(|n| r.node(n).map(|x| x.scores[0].normalized).unwrap_or(-1)).collect();
    assert_eq!(norm, vec![75, 100, 100]);
    let tie = r.tie_break.as_ref().expect("a2 and b1 tie");
    assert_eq!(tie.among, vec!["a2".to_string(), "b1".to_string()]);
}

#[test]
fn inter_pod_anti_affinity_keeps_replicas_apart() {
    let text = r#"apiVersion: v1
kind: Pod
metadata: {name: new, labels: {app: web}}
spec:
  containers: [{name: c, image: nginx}]
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector: {matchLabels: {app: web}}
          topologyKey: kubernetes.io/hostname
"#;
    let p = yaml_pod(text);
    let nodes = vec![Node::new("n1", 4000, 8 << 30, 110), Node::new("n2", 4000, 8 << 30, 110)];
    let r = schedule(&p, &nodes, &[on(web("w1"), "n1")], &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(r.chosen(), Some("n2"));
    assert_eq!(r.node("n1").and_then(|n| n.filters.last()).map(|f| f.detail.as_str()), Some("n1: pod w1 on n1 matches this pod's anti-affinity within kubernetes.io/hostname"));
    // And the other way round: an existing pod's anti-affinity repels the newcomer.
    let mut guarded = p.clone();
    guarded.meta.name = "guard".into();
    let r = schedule(&web("plain"), &nodes, &[on(guarded, "n1")], &Profile::default_scheduler(), &mut Rng::new(1));
    assert_eq!(r.chosen(), Some("n2"));
    assert_eq!(r.node("n1").and_then(|n| n.filters.last()).map(|f| f.reasons[0].as_str()), Some("node(s) didn't satisfy existing pods anti-affinity rules"));
}

#[test]
fn percentage_of_nodes_to_score_and_rotation() {
    // schedule_one.go numFeasibleNodesToFind
    assert_eq!(num_feasible_nodes_to_find(0, 50), 50);
    assert_eq!(num_feasible_nodes_to_find(0, 100), 100);
    assert_eq!(num_feasible_nodes_to_find(0, 1000), 420); // 50 − 1000/125 = 42 %
    assert_eq!(num_feasible_nodes_to_find(0, 1500), 570); // 38 %
    assert_eq!(num_feasible_nodes_to_find(0, 5000), 500); // 10 %
    assert_eq!(num_feasible_nodes_to_find(0, 6000), 300); // 50 − 48 = 2 % → at least 5 %
    assert_eq!(num_feasible_nodes_to_find(10, 500), 100); // 50 nodes, but at least 100
    assert_eq!(num_feasible_nodes_to_find(100, 500), 500);
    let nodes: Vec<Node> = (0..250).map(|i| Node::new(&format!("n{i:03}"), 4000, 8 << 30, 110)).collect();
    let mut prof = Profile::default_scheduler();
    prof.percentage_of_nodes_to_score = 40;
    let p = pod("p", &[(100, 1 << 20)]);
    let r = schedule(&p, &nodes, &[], &prof, &mut Rng::new(1));
    assert_eq!(r.nodes_to_find, 100);
    assert_eq!(r.nodes.iter().filter(|n| n.evaluated).count(), 100);
    assert_eq!(r.next_start_index, 100);
    let ns = BTreeMap::new();
    let cluster = Cluster { pods: &[], namespaces: &ns, default_spread_selector: None };
    let r2 = schedule_from(&p, &nodes, &cluster, &prof, r.next_start_index, &mut Rng::new(1));
    assert_eq!(r2.nodes[0].node, "n100");
    let r3 = schedule_from(&p, &nodes, &cluster, &prof, 200, &mut Rng::new(1));
    assert_eq!(r3.nodes[0].node, "n200");
    assert_eq!(r3.next_start_index, 50, "the index wraps around");
}

#[test]
fn ties_are_broken_by_the_seeded_rng() {
    let nodes: Vec<Node> = (1..=3).map(|i| Node::new(&format!("n{i}"), 4000, 8 << 30, 110)).collect();
    let p = pod("p", &[(100, 1 << 20)]);
    let pick = |seed| schedule(&p, &nodes, &[], &Profile::default_scheduler(), &mut Rng::derive(seed, "k8s-tie-break")).chosen().map(String::from);
    assert_eq!(pick(7), pick(7));
    let seen: std::collections::BTreeSet<Option<String>> = (0..40).map(pick).collect();
    assert_eq!(seen.len(), 3, "every tied node can win: {seen:?}");
    let r = schedule(&p, &nodes, &[], &Profile::default_scheduler(), &mut Rng::new(3));
    let t = r.tie_break.expect("tie");
    assert_eq!(t.among, vec!["n1", "n2", "n3"]);
    // total = Σ weight × score: TaintToleration 3×100 + NodeAffinity 2×0 + Fit 1×LeastAllocated + Balanced 1×…
    let n1 = r.nodes.iter().find(|n| n.node == "n1").expect("n1");
    assert_eq!(n1.total, Some(n1.scores.iter().map(|s| s.weighted).sum()));
    assert_eq!(n1.scores.iter().map(|s| s.plugin).collect::<Vec<_>>(), vec!["TaintToleration", "NodeAffinity", "NodeResourcesFit", "NodeResourcesBalancedAllocation", "ImageLocality"]);
}

#[test]
fn pods_without_requests_score_as_100m_and_200mi_but_filter_as_zero() {
    // DefaultMilliCPURequest / DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go)
    let mut p = pod("p", &[]);
    p.spec.containers.push(container(None, None));
    assert_eq!(pod_requests(&p.spec, true), (100, 200 << 20));
    assert_eq!(pod_requests(&p.spec, false), (0, 0));
    // init containers: max(Σ containers, max init)
    let mut q = pod("q", &[(200, 100 << 20)]);
    q.spec.init_containers.push(container(Some(500), Some(50 << 20)));
    assert_eq!(pod_requests(&q.spec, false), (500, 100 << 20));
}
