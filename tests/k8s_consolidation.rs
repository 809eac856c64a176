//! Karpenter-style consolidation (`consolidationPolicy: WhenEmptyOrUnderutilized`): an
//! under-used node is deleted when its pods fit on the other nodes, or replaced by a cheaper node
//! that holds them; the event says why and what it saves.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn deployment(name: &str, replicas: u32, cpu: &str, memory: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: app
          image: nginx:1.25
          resources:
            requests:
              cpu: {cpu}
              memory: {memory}
"
    )
}

fn engine(manifests: Vec<String>, provisioner: Value, timeline: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "consolidation test",
        "seed": 2,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": { "manifests": manifests, "provisioner": provisioner },
        "timeline": timeline,
    });
    start(&s)
}

/// (t in s, event type, node or instance type, reason) of the provisioner's events.
fn prov_events(e: &Engine) -> Vec<(u64, String, String, String)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::ProvisionerLaunched { instance_type, reason, .. } => Some((ev.t / 1000, "launched".to_string(), instance_type.clone(), reason.clone())),
            EventKind::ProvisionerNodeRemoved { node, reason, .. } => Some((ev.t / 1000, "removed".to_string(), node.clone(), reason.clone())),
            _ => None,
        })
        .collect()
}

/// Node names and how many pods each holds now.
fn nodes(e: &Engine) -> Vec<(String, String, usize)> {
    let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
    k.nodes.iter().map(|n| (n.name.clone(), n.instance_type.clone(), n.pods.len())).collect()
}

#[test]
fn an_under_used_node_whose_pods_fit_elsewhere_is_deleted() {
    // Two Deployments of 2 × 800m: t3.medium has 1930m allocatable, so two pods per node and
    // two nodes. At 5m both scale to one pod: each node holds 800m.
    let mut e = engine(
        vec![deployment("a", 2, "800m", "256Mi"), deployment("b", 2, "800m", "256Mi")],
        json!({ "instanceTypes": ["t3.medium"], "consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "30s" }),
        json!([
            { "at": "5m", "action": "kubectl", "args": "scale deployment/a --replicas=1" },
            { "at": "5m", "action": "kubectl", "args": "scale deployment/b --replicas=1" }
        ]),
    );
    e.run_until(10 * 60_000);
    assert_eq!(
        prov_events(&e),
        vec![
            (10, "launched".into(), "t3.medium".into(), "no offering fits all 4 pending pods; the cheapest that fits the most (2); joining in 00:01:00".into()),
            (10, "launched".into(), "t3.medium".into(), "the cheapest of 1 offering(s) that fit all 2 pending pod(s); joining in 00:01:00".into()),
            // The pods on each node last changed at the 310 s scan (the scale-down at 300 s);
            // 30 s later both nodes are candidates with one pod at the same price: the first by
            // name is cordoned and drained (its pod fits beside the other: 1600m of 1930m), and
            // at the next scan, with only its DaemonSet pods (none) left, it goes.
            (350, "removed".into(), "ip-10-0-1-10.ec2.internal".into(), "consolidation (delete): its 1 pod(s) fit on the other nodes; saves $0.0416/h (t3.medium on-demand)".into()),
        ]
    );
    assert_eq!(nodes(&e), vec![("ip-10-0-2-10.ec2.internal".to_string(), "t3.medium".to_string(), 2)]);
    // One t3.medium and the EKS control plane.
    assert!((e.cost().hourly_usd - (0.0416 + 0.10)).abs() < 1e-9);
}

#[test]
fn an_under_used_node_is_replaced_by_a_cheaper_one() {
    // 3 pods of 500m / 2Gi: only m5.large (8 GiB) holds all three; t3.medium and c5.large have
    // 4 GiB. At 5m the Deployment scales to one pod: a t3.medium ($0.0416/h) holds it.
    let mut e = engine(
        vec![deployment("web", 3, "500m", "2Gi")],
        json!({ "instanceTypes": ["t3.medium", "c5.large", "m5.large"], "consolidationPolicy": "WhenEmptyOrUnderutilized" }),
        json!([{ "at": "5m", "action": "kubectl", "args": "scale deployment/web --replicas=1" }]),
    );
    e.run_until(10 * 60_000);
    let why = "consolidation (replace): its 1 pod(s) fit on one t3.medium on-demand node at $0.0416/h instead of $0.0960/h (m5.large on-demand); saves $0.0544/h";
    assert_eq!(
        prov_events(&e),
        vec![
            (10, "launched".into(), "m5.large".into(), "the cheapest of 1 offering(s) that fit all 3 pending pod(s); joining in 00:01:00".into()),
            // Candidate from 340 s (pods unchanged since 310 s, consolidateAfter 30 s by
            // default); no other node to move to, so a cheaper replacement is launched first...
            (340, "launched".into(), "t3.medium".into(), format!("{why}; replacing ip-10-0-1-10.ec2.internal, joining in 00:01:00")),
            // ...it joins at 400 s, the old node is drained (the pod's replacement lands on the
            // t3.medium) and removed at the next scan.
            (410, "removed".into(), "ip-10-0-1-10.ec2.internal".into(), format!("{why}; replaced")),
        ]
    );
    assert_eq!(nodes(&e), vec![("ip-10-0-2-10.ec2.internal".to_string(), "t3.medium".to_string(), 1)]);
    // Spent: m5.large 70 s → 410 s (340 s), t3.medium 400 s → 600 s, control plane 600 s.
    let want = 0.096 * 340.0 / 3600.0 + 0.0416 * 200.0 / 3600.0 + 0.10 * 600.0 / 3600.0;
    assert!((e.cost().total_usd - want).abs() < 1e-9, "{} vs {want}", e.cost().total_usd);
}

#[test]
fn when_empty_keeps_under_used_nodes() {
    let mut e = engine(
        vec![deployment("web", 3, "500m", "2Gi")],
        json!({ "instanceTypes": ["t3.medium", "c5.large", "m5.large"] }),
        json!([{ "at": "5m", "action": "kubectl", "args": "scale deployment/web --replicas=1" }]),
    );
    e.run_until(10 * 60_000);
    assert_eq!(prov_events(&e).len(), 1, "only the first launch: WhenEmpty does not consolidate");
    assert_eq!(nodes(&e), vec![("ip-10-0-1-10.ec2.internal".to_string(), "m5.large".to_string(), 1)]);
}

#[test]
fn an_unknown_policy_is_refused() {
    let s = json!({
        "berth": 1, "name": "t", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "provisioner": { "instanceTypes": ["t3.medium"], "consolidationPolicy": "Always" } },
    });
    match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files"))) {
        Ok(_) => panic!("accepted"),
        Err(d) => assert!(d.iter().any(|x| x.message.contains("provisioner.consolidationPolicy: \"Always\" is not \"WhenEmpty\" or \"WhenEmptyOrUnderutilized\"")), "{d:?}"),
    }
}
