//! Node-pressure eviction and CPU throttling in the running simulation (src/engine/k8s/pressure.rs,
//! load.rs): a leaking pod drives an m5.large below the kubelet's `memory.available<100Mi`; the
//! node reports MemoryPressure and is tainted; the kubelet evicts the BestEffort pod first with
//! its message; the replacement waits for the taint to go (5 minutes without pressure).

use berth::engine::event::{EventKind, Level};
use berth::engine::k8s::sim::{NodeView, PodView};
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn deployment(name: &str, resources: &str) -> String {
    format!(
        "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: {name}
        image: app:{name}
{resources}"
    )
}

fn engine(manifests: String, behaviors: Value, traffic: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "node pressure",
        "seed": 11,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng", "instanceType": "m5.large", "desiredSize": 1 }],
            "manifests": [manifests],
            "traffic": traffic,
        },
        "behaviors": behaviors,
    });
    start(&s)
}

fn pods(e: &Engine) -> Vec<PodView> {
    e.snapshot().kube.map(|k| k.pods).unwrap_or_default()
}

fn node(e: &Engine) -> NodeView {
    e.snapshot().kube.and_then(|k| k.nodes.into_iter().next()).unwrap_or_else(|| panic!("no node"))
}

fn three_qos_classes() -> Engine {
    let manifests = [
        deployment("besteffort", ""),
        deployment("burstable", "        resources:\n          requests:\n            memory: 512Mi\n            cpu: 100m\n"),
        deployment("guaranteed", "        resources:\n          limits:\n            memory: 2Gi\n            cpu: 500m\n"),
    ]
    .concat();
    engine(
        manifests,
        json!({
            "app:besteffort": { "memoryMib": 3000 },
            "app:burstable": { "memoryMib": 1000, "memoryLeakMibPerMinute": 200 },
            "app:guaranteed": { "memoryMib": 2000 }
        }),
        json!([]),
    )
}

const MIB: i64 = 1 << 20;

#[test]
fn memory_pressure_evicts_best_effort_first_and_taints_the_node() {
    let mut e = three_qos_classes();
    e.run_until(60_000);
    // m5.large: 8192 MiB − kubeReserved (11 × 29 + 255 = 574 MiB) − working sets.
    let n = node(&e);
    let ws: Vec<(String, String, Option<i64>)> = pods(&e).iter().map(|p| (p.name.split('-').next().unwrap_or_default().to_string(), p.qos.clone(), p.memory_working_set.map(|b| b / MIB))).collect();
    // The leak started when the container did (4 s: a 150 MB pull at 50 MB/s + 1 s): 56 s × 200/60.
    assert_eq!(
        ws,
        vec![
            ("besteffort".to_string(), "BestEffort".to_string(), Some(3000)),
            ("burstable".to_string(), "Burstable".to_string(), Some(1186)),
            ("guaranteed".to_string(), "Guaranteed".to_string(), Some(2000)),
        ]
    );
    assert!(n.conditions.is_empty());
    assert_eq!(n.memory_available.map(|b| b / MIB), Some(8192 - 574 - 3000 - 2000 - 1186 - 1));
    // available = 1618 MiB − 200 MiB/min × (t − 4 s) falls below 100 MiB at 459.4 s; the kubelet
    // looks every 10 s (14, 24, ... 464 s).
    e.run_until(470_000);
    let cond: Vec<(u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::NodeCondition { status: true, .. } => Some((ev.t, ev.kind.describe())),
            _ => None,
        })
        .collect();
    assert_eq!(cond.len(), 1, "{cond:?}");
    assert_eq!(cond[0].0, 464_000);
    assert_eq!(
        cond[0].1,
        "node/ip-10-0-1-10.ec2.internal MemoryPressure=True: KubeletHasInsufficientMemory: memory.available 86698Ki < 100Mi (pods' working sets 7714133Ki); tainted node.kubernetes.io/memory-pressure:NoSchedule"
    );
    let evicted: Vec<(u64, String, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodEvicted { pod, reason, message, .. } => {
                assert_eq!(ev.kind.level(), Level::Warning);
                Some((ev.t, format!("{pod} {reason}"), message.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(evicted.len(), 1, "{evicted:?}");
    let (t, who, message) = &evicted[0];
    assert_eq!(*t, 464_000);
    assert!(who.starts_with("besteffort-") && who.ends_with(" Evicted"), "{who}");
    // available = 8192 − 574 − 3000 − 2000 − (1000 + 200 × 460/60) MiB = 84.67 MiB.
    assert_eq!(
        message,
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 86698Ki. Container besteffort was using 3000Mi, request is 0, has larger consumption of memory."
    );
    // The evicted pod is Failed/Evicted; its ReplicaSet's replacement cannot land on the tainted node.
    let n = node(&e);
    assert_eq!(n.conditions, vec!["MemoryPressure".to_string()]);
    assert!(n.taints.contains(&"node.kubernetes.io/memory-pressure:NoSchedule".to_string()), "{:?}", n.taints);
    let be: Vec<PodView> = pods(&e).into_iter().filter(|p| p.name.starts_with("besteffort-")).collect();
    assert_eq!(be.len(), 2);
    assert_eq!((be[0].status.as_str(), be[0].ready), ("Evicted", false));
    assert_eq!((be[1].status.as_str(), be[1].node.as_deref()), ("Pending", None));
    let unsched = e.snapshot().kube.map(|k| k.unschedulable).unwrap_or_default();
    assert_eq!(unsched.len(), 1);
    assert_eq!(unsched[0].message, "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/memory-pressure: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
    // The Guaranteed and Burstable pods still run; one eviction was enough.
    assert!(pods(&e).iter().filter(|p| !p.name.starts_with("besteffort-")).all(|p| p.status == "Running"));
    // Five minutes without pressure: the condition and the taint go, the replacement is scheduled.
    e.run_until(464_000 + 5 * 60_000 + 10_000);
    let cleared: Vec<u64> = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::NodeCondition { status: false, .. })).map(|ev| ev.t).collect();
    assert_eq!(cleared, vec![764_000]);
    let be: Vec<PodView> = pods(&e).into_iter().filter(|p| p.name.starts_with("besteffort-")).collect();
    assert_eq!(be[1].node.as_deref(), Some(n.name.as_str()));
}

#[test]
fn cpu_throttling_is_shown_with_the_arithmetic() {
    let manifests = deployment("web", "        resources:\n          requests:\n            cpu: 250m\n            memory: 256Mi\n          limits:\n            cpu: 500m\n            memory: 256Mi\n");
    let mut e = engine(manifests, json!({}), json!([{ "deployment": "web", "load": { "shape": "step", "steps": [["0s", 30], ["1m", 80]] } }]));
    e.run_until(30_000);
    let p = pods(&e).into_iter().next().unwrap_or_else(|| panic!("no pod"));
    // 30 requests/s × 10 ms = 300m < 500m: not throttled.
    assert_eq!((p.cpu_usage_milli, p.cpu_throttled.clone()), (Some(300), None));
    e.run_until(90_000);
    let p = pods(&e).into_iter().next().unwrap_or_else(|| panic!("no pod"));
    assert_eq!(p.cpu_usage_milli, Some(500));
    assert_eq!(p.cpu_throttled.as_deref(), Some("CPU throttled: 80.0 requests/s need 800m, the CPU limit is 500m (CFS quota): the container gets 500m and its requests queue"));
}
