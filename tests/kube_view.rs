//! Kubernetes drawn by the cluster view (src/shell/kube_view.rs): nodes become cards, pods chips, Pending pods wait in the pending lane with the scheduler's
//! message.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Command;
use berth::engine::task::TaskStatus;
use berth::engine::time::MINUTE;
use berth::shell::kube_view::as_cluster;

fn example() -> berth::engine::sim::Engine {
    let text = std::fs::read_to_string("docs/examples/scenarios/k8s-deployment.json").expect("committed");
    let files = |n: &str| std::fs::read_to_string(std::path::Path::new("docs/examples/scenarios").join(n)).map_err(|e| e.to_string());
    parse_scenario(&text, &files).expect("parses").start(None)
}

#[test]
fn nodes_are_cards_and_pods_are_chips_on_them() {
    let mut e = example();
    e.run_until(2 * MINUTE);
    let s = e.snapshot();
    let kube = s.kube.clone().expect("a Kubernetes scenario");
    let c = as_cluster(&s);
    let ec2: Vec<_> = kube.nodes.iter().filter(|n| !n.fargate).collect();
    assert_eq!(c.instances.len(), s.instances.len() + ec2.len());
    for n in &ec2 {
        let card = c.instances.iter().find(|i| i.id == n.name).expect("a card per node");
        assert_eq!(card.az, n.zone);
        assert_eq!(card.registered_cpu as i64, n.allocatable_cpu_milli * 1024 / 1000);
        assert_eq!(card.registered_cpu - card.remaining_cpu, ((n.allocatable_cpu_milli * 1024 / 1000) - ((n.allocatable_cpu_milli - n.requested_cpu_milli) * 1024 / 1000)) as u32);
        assert_eq!(card.tasks.len(), n.pods.len());
    }
    let bound: Vec<_> = kube.pods.iter().filter(|p| p.node.is_some()).collect();
    for p in &bound {
        let chip = c.tasks.iter().find(|t| t.id == p.name).expect("a chip per pod");
        assert_eq!(chip.instance, p.node.clone().filter(|n| ec2.iter().any(|x| &x.name == n)));
        assert_eq!(chip.last_status == TaskStatus::Running, p.ready && p.status != "Terminating");
    }
    // Chips are grouped (coloured) by Deployment.
    for d in &kube.deployments {
        let mine = c.tasks.iter().filter(|t| t.service.as_deref() == Some(d.name.as_str())).count();
        assert!(mine > 0, "deployment {} has chips", d.name);
    }
}

#[test]
fn pending_pods_wait_in_the_lane_with_the_schedulers_reason() {
    let mut e = example();
    e.run_until(2 * MINUTE);
    // Scale far beyond the nodes: the extra pods wait, with the scheduler's message.
    let d = e.snapshot().kube.expect("kube").deployments[0].name.clone();
    e.apply(Command::Kubectl { args: format!("scale deployment/{d} --replicas=200"), manifest: None }).expect("scaled");
    e.run_until(3 * MINUTE);
    let s = e.snapshot();
    let c = as_cluster(&s);
    let waiting = c.unplaced.iter().find(|u| u.service.as_deref() == Some(d.as_str())).expect("pending pods wait in the lane");
    let pending_pods = s.kube.as_ref().expect("kube").pods.iter().filter(|p| p.node.is_none()).count() as u32;
    assert_eq!(waiting.count, pending_pods);
    assert!(waiting.reason.contains("Insufficient") || waiting.reason.contains("nodes are available"), "{}", waiting.reason);
}

#[test]
fn an_ecs_snapshot_is_unchanged() {
    let text = std::fs::read_to_string("docs/examples/scenarios/first-page.json").expect("committed");
    let files = |n: &str| std::fs::read_to_string(std::path::Path::new("docs/examples/scenarios").join(n)).map_err(|e| e.to_string());
    let mut e = parse_scenario(&text, &files).expect("parses").start(None);
    e.run_until(MINUTE);
    let s = e.snapshot();
    assert_eq!(as_cluster(&s), s);
}

#[test]
fn an_az_outage_command_reaches_kubernetes_nodes_and_their_pods_move() {
    let mut e = example();
    e.run_until(2 * MINUTE);
    let s = e.snapshot();
    let kube = s.kube.expect("kube");
    let zone = kube.nodes.iter().find(|n| !n.fargate && !n.pods.is_empty()).map(|n| n.zone.clone()).expect("a node with pods");
    e.apply(Command::AzOutage { az: zone.clone() }).expect("outage");
    // Pods on unreachable nodes are evicted after the 300 s toleration and replaced elsewhere.
    e.run_until(10 * MINUTE);
    let after = e.snapshot().kube.expect("kube");
    let down: Vec<&str> = after.nodes.iter().filter(|n| n.zone == zone).map(|n| n.name.as_str()).collect();
    let ready_elsewhere = after.pods.iter().filter(|p| p.ready && p.node.as_deref().is_some_and(|n| !down.contains(&n))).count();
    let ready_in_zone = after.pods.iter().filter(|p| p.ready && p.node.as_deref().is_some_and(|n| down.contains(&n))).count();
    assert_eq!(ready_in_zone, 0, "no pod in {zone} is ready");
    assert!(ready_elsewhere > 0);
    for d in &after.deployments {
        assert_eq!(after.pods.iter().filter(|p| p.ready && p.owner.as_deref().is_some_and(|o| o.starts_with(&format!("ReplicaSet/{}-", d.name))) && p.node.as_deref().is_some_and(|n| !down.contains(&n))).count() as i64, d.desired, "deployment {} is whole again outside {zone}", d.name);
    }
}

/// A pod's details: the facts `kubectl describe pod` would give, optional rows only when they apply.
#[test]
fn pod_details_list_qos_priority_requests_and_only_the_rows_that_apply() {
    use berth::shell::kube_view::pod_facts;
    let mut e = example();
    e.run_until(2 * MINUTE);
    let s = e.snapshot();
    let kube = s.kube.clone().expect("a Kubernetes scenario");
    let mut pod = kube.pods.iter().find(|p| p.ready).expect("a ready pod").clone();
    let node = pod.node.clone().expect("bound");
    let labels: Vec<&str> = pod_facts(&pod).iter().map(|(k, _)| *k).collect();
    assert_eq!(&labels[..7], ["namespace", "status", "node", "QoS class", "priority", "requests", "restarts"]);
    assert!(!labels.contains(&"nominated node") && !labels.contains(&"CPU throttled"));
    let facts = |p: &berth::engine::k8s::sim::PodView| pod_facts(p).into_iter().collect::<std::collections::BTreeMap<_, _>>();
    let f = facts(&pod);
    assert_eq!(f["status"], "Running (phase Running, ready)");
    assert_eq!(f["node"], node);
    assert_eq!(f["priority"], "0 (no PriorityClass)");
    pod.requests_cpu_milli = 250;
    pod.requests_memory = 256 * 1024 * 1024;
    pod.priority = Some(1_000_000);
    pod.nominated_node = Some("ip-10-0-1-7".into());
    pod.cpu_throttled = Some("needs 400m, limit 250m".into());
    pod.memory_working_set = Some(300 * 1024 * 1024 + 5);
    let f = facts(&pod);
    assert_eq!(f["requests"], "cpu 250m, memory 256Mi");
    assert_eq!(f["priority"], "1000000");
    assert_eq!(f["nominated node"], "ip-10-0-1-7 (preemption is making room there)");
    assert_eq!(f["CPU throttled"], "needs 400m, limit 250m");
    assert_eq!(f["memory working set"], "300 MiB");
}

#[test]
fn the_view_speaks_kubernetes_for_a_kubernetes_scenario() {
    use berth::shell::kube_view::Words;
    let mut e = example();
    e.run_until(2 * MINUTE);
    let w = Words::of(&as_cluster(&e.snapshot()));
    assert_eq!((w.node(), w.nodes(), w.task(), w.tasks(), w.cpu_unit()), ("node", "nodes", "pod", "pods", "CPU (millicores)"));
    // The view counts CPU units (1,024 per vCPU); Kubernetes shows millicores (1,000 per vCPU):
    // a t3.medium's 1930m allocatable is 1976 units, a 250m request 256.
    let node = &as_cluster(&e.snapshot()).instances[0];
    assert_eq!(w.cpu(node.registered_cpu), "1930m");
    assert_eq!(w.cpu(256), "250m");
    assert_eq!(w.cpu(0), "0m");
    // An ECS scenario keeps ECS's words and units.
    let ecs = Words { kube: false };
    assert_eq!(ecs.cpu(8100), "8100");
    assert_eq!((ecs.node(), ecs.task(), ecs.cpu_unit(), ecs.cpu(256)), ("instance", "task", "CPU units", "256".to_string()));
}

/// Lesson 13.2 ("Fix pods stuck in Pending"): three web pods asking for 2 CPUs each on t3.medium
/// nodes (1930m allocatable).
fn pending_lesson() -> berth::engine::sim::Engine {
    let text = std::fs::read_to_string("lessons/13-kubernetes/02-pending-pods.json").expect("committed");
    let lesson: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let scenario = lesson["scenario"].to_string();
    parse_scenario(&scenario, &|n: &str| Err(n.to_string())).expect("parses").start(None)
}

/// "Why pending?" in numbers: the pod's requests next to each node's allocatable and free room,
/// and the line that says no node could ever take it.
#[test]
fn why_pending_puts_the_pods_requests_next_to_every_nodes_room() {
    use berth::shell::kube_view::{pending_pods, pod_room};
    let mut e = pending_lesson();
    e.run_until(MINUTE);
    let s = e.snapshot();
    let kube = s.kube.as_ref().expect("kube");
    let pods = pending_pods(kube, "web");
    assert_eq!(pods.len(), 3, "the three web pods are Pending");
    let room = pod_room(pods[0], kube);
    assert_eq!(room.needs, "needs 2000m CPU, 512Mi memory");
    assert_eq!(room.nodes.len(), 3);
    let first = &room.nodes[0];
    assert_eq!((first.node.as_str(), first.cpu_allocatable.as_str(), first.cpu_free.as_str()), ("ip-10-0-1-10.ec2.internal", "1930m", "1930m"));
    for n in &room.nodes {
        assert!(!n.fits);
        assert_eq!(n.verdict, "needs 2000m CPU, only 1930m allocatable: too small for it");
        assert_eq!(n.memory_free, n.memory_allocatable, "nothing runs there yet");
    }
    assert_eq!(room.never.as_deref(), Some("No node could ever take it: it asks for 2000m CPU, more than any node's allocatable CPU (the most is 1930m). Freeing room on a node would not help."));
    // The group in the lane is the same three pods, with the scheduler's message.
    let c = as_cluster(&s);
    let u = c.unplaced.iter().find(|u| u.group == "web").expect("web waits");
    assert_eq!(u.count, 3);
    assert!(u.reason.starts_with("0/3 nodes are available: 3 Insufficient cpu."), "{}", u.reason);
    // A pod that fits by size but not by what is left, and a cordoned node.
    let mut k = kube.clone();
    let mut p = pods[0].clone();
    p.requests_cpu_milli = 1500;
    k.nodes[0].requested_cpu_milli = 1000;
    k.nodes[1].unschedulable = true;
    let room = pod_room(&p, &k);
    assert_eq!(room.nodes[0].verdict, "needs 1500m CPU, only 930m free");
    assert_eq!(room.nodes[1].verdict, "cordoned: takes no new pods");
    assert!(room.nodes[2].fits);
    assert!(room.nodes[2].verdict.starts_with("room enough for its requests"), "{}", room.nodes[2].verdict);
    assert_eq!(room.never, None);
}

/// A node's card carries the price the engine bills it at (on-demand, or Spot for a Spot node
/// group), so nothing shows $0.0000; the cost summary adds up the same figures.
#[test]
fn nodes_carry_the_price_the_engine_bills() {
    use berth::engine::pricing::{ec2_hourly, Purchase};
    let mut e = example();
    e.run_until(2 * MINUTE);
    let s = e.snapshot();
    let c = as_cluster(&s);
    let kube = s.kube.as_ref().expect("kube");
    let nodes: Vec<_> = c.instances.iter().filter(|i| kube.nodes.iter().any(|n| n.name == i.id)).collect();
    assert!(!nodes.is_empty());
    for i in &nodes {
        assert_eq!(Some(i.hourly_usd), ec2_hourly(&i.instance_type, Purchase::OnDemand), "{}", i.id);
    }
    let sum: f64 = nodes.iter().map(|i| i.hourly_usd).sum();
    assert!((sum - s.cost.ec2_on_demand_hourly_usd).abs() < 1e-9, "{sum} vs {:?}", s.cost);
    let mut spot = s.clone();
    spot.kube.as_mut().unwrap().nodes[0].capacity_type = "SPOT".into();
    let n0 = &as_cluster(&spot).instances[0];
    assert_eq!(Some(n0.hourly_usd), ec2_hourly(&n0.instance_type, Purchase::Spot));
}

/// The Pending / Unplaced details' sentence in each vocabulary.
#[test]
fn the_waiting_sentence_speaks_nodes_and_pods_for_kubernetes() {
    use berth::shell::kube_view::Words;
    assert_eq!(
        Words { kube: true }.waiting(3, "web"),
        "3 × web Pending: no node passes every check for them. The kube-scheduler tries again after every change in the cluster."
    );
    assert_eq!(Words { kube: true }.waiting(1, "web"), "1 × web Pending: no node passes every check for it. The kube-scheduler tries again after every change in the cluster.");
    assert_eq!(
        Words { kube: false }.waiting(2, "web"),
        "2 × web waiting for room: no instance passes every check. The scheduler tries again after every change in the cluster."
    );
}

/// Every millicore figure the engine reports comes back unchanged through the view's CPU units:
/// an m5.2xlarge's 7910m allocatable (8000m − 90m, the EKS reservation) showed as 7909m, a 333m
/// request as 332m, when millicores were truncated to units.
#[test]
fn millicores_survive_the_trip_through_cpu_units() {
    use berth::shell::kube_view::{units_of_millicores, Words};
    let w = Words { kube: true };
    for m in 0..=100_000i64 {
        assert_eq!(w.cpu(units_of_millicores(m)), format!("{m}m"), "{m}m");
    }
    assert_eq!(units_of_millicores(7910), 8100);
    assert_eq!(units_of_millicores(-5), 0);
}

/// A pod whose init container keeps failing is drawn unhealthy (the red outline), not as a pod
/// that is only starting; Ready pods are healthy.
#[test]
fn a_failing_pod_is_drawn_unhealthy() {
    let deployment = |name: &str, init: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n{init}      containers:\n      - name: app\n        image: nginx:1.27\n")
    };
    let v = serde_json::json!({
        "berth": 1, "name": "failing", "seed": 4,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 1, "minSize": 1, "maxSize": 1 }],
            "manifests": [deployment("web", "      initContainers:\n      - name: migrate\n        image: busybox:1.36\n"), deployment("ok", "")]
        },
        "behaviors": { "web": { "initExitCode": 1 } }
    });
    let mut e = parse_scenario(&v.to_string(), &|_| Err("no files".into())).expect("parses").start(None);
    e.run_until(MINUTE);
    let s = e.snapshot();
    let kube = s.kube.clone().expect("kube");
    let c = as_cluster(&s);
    let chip = |prefix: &str| {
        let p = kube.pods.iter().find(|p| p.name.starts_with(prefix)).expect("a pod");
        (p.status.clone(), c.tasks.iter().find(|t| t.id == p.name).expect("a chip").health.clone())
    };
    assert_eq!(chip("web-"), ("Init:CrashLoopBackOff".to_string(), "UNHEALTHY".to_string()));
    assert_eq!(chip("ok-"), ("Running".to_string(), "HEALTHY".to_string()));
    // Its details say which init container fails, how, and how often.
    let web = kube.pods.iter().find(|p| p.name.starts_with("web-")).expect("web");
    let facts = berth::shell::kube_view::pod_facts(web);
    let init: Vec<&String> = facts.iter().filter(|(k, _)| *k == "init container").map(|(_, v)| v).collect();
    assert_eq!(init, vec!["migrate: waiting (CrashLoopBackOff), last exit code 1, 3 restarts"]);
}
