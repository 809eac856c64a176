//! PriorityClasses and preemption (src/engine/k8s/preemption.rs, admission.rs): priorities
//! resolved at admission with the API server's errors, and kube-scheduler's DefaultPreemption —
//! victims chosen on the node whose most important victim matters least, deleted gracefully,
//! `nominatedNodeName` set, the preemptor scheduled there once they are gone.

use berth::engine::event::EventKind;
use berth::engine::k8s::sim::PodView;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

const CLASSES: &str = "apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: low
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: medium
value: 500
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high
value: 1000
description: user-facing
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high-polite
value: 1000
preemptionPolicy: Never
";

fn deployment(name: &str, class: Option<&str>, replicas: u32, cpu: &str, pool: Option<&str>) -> String {
    let class = class.map(|c| format!("      priorityClassName: {c}\n")).unwrap_or_default();
    let sel = pool.map(|p| format!("      nodeSelector:\n        pool: {p}\n")).unwrap_or_default();
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
{class}{sel}      containers:
      - name: {name}
        image: app:1
        resources:
          requests:
            cpu: {cpu}
            memory: 128Mi
"
    )
}

fn engine(timeline: Value) -> Engine {
    let manifests = vec![
        CLASSES.to_string(),
        deployment("low-batch", Some("low"), 2, "800m", Some("a")),
        deployment("mid-batch", Some("medium"), 2, "800m", Some("b")),
    ];
    let s = json!({
        "berth": 1,
        "name": "preemption",
        "seed": 2,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": {
            "nodeGroups": [
                { "name": "pool-a", "instanceType": "t3.medium", "desiredSize": 1, "labels": { "pool": "a" } },
                { "name": "pool-b", "instanceType": "t3.medium", "desiredSize": 1, "labels": { "pool": "b" } }
            ],
            "manifests": manifests,
        },
        "timeline": timeline,
    });
    start(&s)
}

fn pods(e: &Engine) -> Vec<PodView> {
    e.snapshot().kube.map(|k| k.pods).unwrap_or_default()
}

fn node_of_pool(e: &Engine, pool: &str) -> String {
    let nodes = e.snapshot().kube.map(|k| k.nodes).unwrap_or_default();
    nodes.into_iter().find(|n| n.labels.get("pool").map(String::as_str) == Some(pool)).map(|n| n.name).unwrap_or_default()
}

#[test]
fn a_high_priority_pod_preempts_the_least_important_victim() {
    let mut e = engine(json!([{ "at": "1m", "action": "kubectl", "args": "apply", "manifest": deployment("critical", Some("high"), 1, "1", None) }]));
    e.run_until(59_000);
    // Both t3.medium nodes (1930m allocatable) hold two 800m pods: 330m free each.
    let prios: Vec<(String, Option<i32>)> = pods(&e).iter().map(|p| (p.name.split('-').take(2).collect::<Vec<_>>().join("-"), p.priority)).collect();
    assert_eq!(prios.iter().filter(|(n, p)| n == "low-batch" && *p == Some(100)).count(), 2);
    assert_eq!(prios.iter().filter(|(n, p)| n == "mid-batch" && *p == Some(500)).count(), 2);
    e.run_until(60_500);
    let a = node_of_pool(&e, "a");
    let critical = pods(&e).into_iter().find(|p| p.name.starts_with("critical-")).unwrap_or_else(|| panic!("no critical pod"));
    assert_eq!((critical.priority, critical.node.clone(), critical.nominated_node.clone()), (Some(1000), None, Some(a.clone())));
    // The FailedScheduling message is the filters' only: preemption succeeded.
    let failed: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodFailedScheduling { pod, message, .. } if pod.starts_with("critical-") => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, vec!["0/2 nodes are available: 2 Insufficient cpu.".to_string()]);
    // On either node one 800m victim is enough (the other is reprieved); pool a's victim has
    // priority 100, pool b's 500: the lowest highest-priority victim decides.
    let pre: Vec<(Vec<String>, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodPreempted { victims, node, .. } => Some((victims.clone(), format!("{node}|{}", ev.kind.describe()))),
            _ => None,
        })
        .collect();
    assert_eq!(pre.len(), 1, "{pre:?}");
    let (victims, text) = &pre[0];
    assert_eq!(victims.len(), 1);
    assert!(victims[0].starts_with("default/low-batch-"), "{victims:?}");
    assert_eq!(
        text,
        &format!(
            "{a}|default/{} (priority 1000) preempts 1 pod(s) on {a}: {} (priority 100); nominatedNodeName={a} (lowest highest-priority victim among 2 candidate nodes)",
            critical.name, victims[0]
        )
    );
    let victim_name = victims[0].trim_start_matches("default/").to_string();
    let term: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodTerminating { pod, reason, .. } if *pod == victim_name => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(term, vec![format!("Preempted by default/{} on node {a}", critical.name)]);
    // The victim exits 1 s later; the critical pod lands on the nominated node, and the victim's
    // replacement (priority 100, nothing lower to preempt) waits.
    e.run_until(70_000);
    let critical = pods(&e).into_iter().find(|p| p.name.starts_with("critical-")).unwrap_or_else(|| panic!("no critical pod"));
    assert_eq!((critical.node.as_deref(), critical.nominated_node.as_deref()), (Some(a.as_str()), None));
    let unsched = e.snapshot().kube.map(|k| k.unschedulable).unwrap_or_default();
    assert_eq!(unsched.len(), 1);
    assert!(unsched[0].pod.starts_with("low-batch-"));
    assert_eq!(
        unsched[0].message,
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
    );
}

#[test]
fn preemption_policy_never_and_admission_errors() {
    let mut e = engine(json!([
        { "at": "1m", "action": "kubectl", "args": "apply", "manifest": deployment("polite", Some("high-polite"), 1, "1", None) },
        { "at": "1m", "action": "kubectl", "args": "apply", "manifest": deployment("typo", Some("hihg"), 1, "100m", None) },
        { "at": "1m", "action": "kubectl", "args": "apply", "manifest": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: liar\nspec:\n  priorityClassName: low\n  priority: 5000\n  containers:\n  - name: c\n    image: app:1\n" }
    ]));
    e.run_until(65_000);
    let polite = pods(&e).into_iter().find(|p| p.name.starts_with("polite-")).unwrap_or_else(|| panic!("no polite pod"));
    assert_eq!((polite.priority, polite.node, polite.nominated_node), (Some(1000), None, None));
    let unsched = e.snapshot().kube.map(|k| k.unschedulable).unwrap_or_default();
    assert_eq!(unsched.iter().map(|u| u.message.as_str()).collect::<Vec<_>>(), vec!["0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."]);
    assert!(!e.events().iter().any(|ev| matches!(ev.kind, EventKind::PodPreempted { .. })));
    let created: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodCreateFailed { owner, message, .. } if owner.starts_with("ReplicaSet/typo-") => Some(message.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(created.len(), 1, "{created:?}");
    assert!(created[0].starts_with("pods \"typo-") && created[0].ends_with("\" is forbidden: no PriorityClass with name hihg was found"), "{}", created[0]);
    let failed: Vec<String> = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::ActionFailed { .. })).map(|ev| ev.kind.describe()).collect();
    assert!(
        failed.iter().any(|f| f.contains("pods \"liar\" is forbidden: the integer value of priority (5000) must not be provided in pod spec; priority admission controller computed 100 from the given PriorityClass name")),
        "{failed:#?}"
    );
}

#[test]
fn a_global_default_class_applies_to_pods_without_one() {
    let default_class = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: everyone\nvalue: 42\nglobalDefault: true\n";
    let mut e = engine(json!([
        { "at": "1m", "action": "kubectl", "args": "apply", "manifest": default_class },
        { "at": "2m", "action": "kubectl", "args": "apply", "manifest": deployment("plain", None, 1, "100m", None) }
    ]));
    e.run_until(130_000);
    let plain = pods(&e).into_iter().find(|p| p.name.starts_with("plain-")).unwrap_or_else(|| panic!("no plain pod"));
    assert_eq!(plain.priority, Some(42));
}

#[test]
fn a_disruption_budget_outweighs_priority_when_choosing_the_node() {
    // low-batch may lose no pod (minAvailable 2 of 2): preempting on pool a would violate it, so
    // pool b's medium-priority pod is preempted instead (fewest PDB violations comes first).
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: low-batch\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app: low-batch\n";
    let mut e = engine(json!([
        { "at": "30s", "action": "kubectl", "args": "apply", "manifest": pdb },
        { "at": "1m", "action": "kubectl", "args": "apply", "manifest": deployment("critical", Some("high"), 1, "1", None) }
    ]));
    e.run_until(60_500);
    let b = node_of_pool(&e, "b");
    let pre: Vec<String> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodPreempted { victims, node, .. } => {
                assert_eq!(node, &b);
                Some(victims.join(","))
            }
            _ => None,
        })
        .collect();
    assert_eq!(pre.len(), 1);
    assert!(pre[0].starts_with("default/mid-batch-"), "{pre:?}");
    let text = e.events().iter().find(|ev| matches!(ev.kind, EventKind::PodPreempted { .. })).map(|ev| ev.kind.describe()).unwrap_or_default();
    assert!(text.ends_with("(fewest PodDisruptionBudget violations among 2 candidate nodes)"), "{text}");
}
