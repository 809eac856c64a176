//! Kubernetes in the simulation: what a learner sees when a Deployment runs on an EKS node group.
//! Every test runs a scenario through the same engine as ECS and checks exact placements, event
//! texts and times.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: REPLICAS
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests:
              cpu: CPU
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /
              port: 80
            initialDelaySeconds: 5
            periodSeconds: 5
";

fn web(replicas: u32, cpu: &str) -> String {
    WEB.replace("REPLICAS", &replicas.to_string()).replace("CPU", cpu)
}

/// A scenario with three AZs and the given `kubernetes` section, timeline and behaviours.
fn engine(kube: Value, timeline: Value, behaviors: Value, seed: u64) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "k8s test",
        "seed": seed,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": kube,
        "timeline": timeline,
        "behaviors": behaviors,
    });
    start(&s)
}

fn three_nodes(manifests: Vec<String>) -> Value {
    json!({ "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.medium", "desiredSize": 3 }], "manifests": manifests })
}

fn kubectl(e: &mut Engine, args: &str) -> Result<(), String> {
    e.apply(Command::Kubectl { args: args.into(), manifest: None })
}

/// (pod, node) for every pod of the snapshot, in creation order.
fn placements(e: &Engine) -> Vec<(String, String)> {
    let snap = e.snapshot();
    let k = snap.kube.expect("kubernetes view");
    k.pods.iter().map(|p| (p.name.clone(), p.node.clone().unwrap_or_default())).collect()
}

fn pods_per_node(e: &Engine) -> Vec<(String, usize)> {
    let k = e.snapshot().kube.expect("kubernetes view");
    k.nodes.iter().map(|n| (n.name.clone(), n.pods.len())).collect()
}

const A: &str = "ip-10-0-1-10.ec2.internal";
const B: &str = "ip-10-0-2-10.ec2.internal";
const C: &str = "ip-10-0-3-10.ec2.internal";

#[test]
fn six_replicas_spread_two_per_node_by_the_default_topology_spread() {
    let mut e = engine(three_nodes(vec![web(6, "250m")]), json!([]), json!({}), 7);
    e.run_until(60_000);
    assert_eq!(pods_per_node(&e), vec![(A.into(), 2), (B.into(), 2), (C.into(), 2)]);
    // The exact node of every pod for seed 7 (ties among equal nodes are drawn from the seeded
    // k8s-tie-break stream).
    let nodes: Vec<String> = placements(&e).into_iter().map(|(_, n)| n).collect();
    assert_eq!(nodes, vec![A, B, C, A, C, B]);
    // Why the 4th pod went to A: all three nodes scored the same (one pod each), a tie.
    let fourth = placements(&e)[3].0.clone();
    let why = e.explain_pod(&fourth).expect("a decision");
    let tb = why.tie_break.as_ref().expect("a tie");
    assert_eq!(tb.among, vec![A.to_string(), B.to_string(), C.to_string()]);
    let scores: Vec<(String, i64)> = why.node(A).unwrap().scores.iter().map(|s| (s.plugin.to_string(), s.weighted)).collect();
    // 3 nodes → ln(5) weight; every node has 1 matching pod: all score 100 on spread.
    assert!(scores.contains(&("PodTopologySpread".into(), 200)), "{scores:?}");
    assert!(scores.contains(&("TaintToleration".into(), 300)), "{scores:?}");
    // Every pod is Ready at 9 s: 3 s image pull (150 MB at 50 MB/s), 1 s start, readiness probe 5 s later.
    let k = e.snapshot().kube.unwrap();
    assert!(k.pods.iter().all(|p| p.ready && p.status == "Running" && p.qos == "Burstable"));
    let d = &k.deployments[0];
    assert_eq!((d.desired, d.ready, d.available, d.updated, d.revision), (6, 6, 6, 6, 1));
    // A node's requested resources add up: 2 × 250m.
    assert_eq!(k.nodes[0].requested_cpu_milli, 500);
    assert_eq!(k.nodes[0].allocatable_cpu_milli, 1930);
}

#[test]
fn bin_packing_profile_scores_fuller_nodes_higher_but_the_default_spread_still_wins() {
    let run = |profile: &str| {
        let mut kube = three_nodes(vec![web(6, "250m")]);
        kube["scheduler"] = json!({ "profile": profile });
        let mut e = engine(kube, json!([]), json!({}), 7);
        e.run_until(60_000);
        e
    };
    // The second pod: one node already holds a pod, the two others are empty.
    let fit = |e: &Engine| -> (i64, i64) {
        let second = placements(e)[1].0.clone();
        let first_node = placements(e)[0].1.clone();
        let why = e.explain_pod(&second).unwrap();
        let score = |node: &str| why.node(node).unwrap().scores.iter().find(|s| s.plugin == "NodeResourcesFit").unwrap().normalized;
        let empty = [A, B, C].into_iter().find(|n| *n != first_node && why.chosen() != Some(*n)).unwrap();
        (score(&first_node), score(empty))
    };
    let packing = run("bin-packing");
    let spreading = run("default-scheduler");
    let (busy, empty) = fit(&packing);
    assert!(busy > empty, "MostAllocated prefers the node with a pod: {busy} vs {empty}");
    let (busy, empty) = fit(&spreading);
    assert!(busy < empty, "LeastAllocated prefers the empty node: {busy} vs {empty}");
    // But 250m pods move NodeResourcesFit by ~13 points (weight 1), while the system default
    // topology spread moves ~34 points at weight 2: both profiles end 2/2/2.
    for e in [&packing, &spreading] {
        assert_eq!(pods_per_node(e).into_iter().map(|(_, c)| c).collect::<Vec<_>>(), vec![2, 2, 2]);
    }
    assert_eq!(packing.snapshot().kube.unwrap().scheduler, "bin-packing");
}

#[test]
fn a_pod_too_big_stays_pending_with_the_schedulers_message() {
    let mut e = engine(three_nodes(vec![web(1, "3")]), json!([]), json!({}), 1);
    e.run_until(30_000);
    let msg = "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    let k = e.snapshot().kube.unwrap();
    assert_eq!(k.unschedulable.len(), 1);
    assert_eq!(k.unschedulable[0].message, msg);
    assert_eq!(k.pods[0].status, "Pending");
    let failed: Vec<&str> = e.events().iter().filter_map(|ev| if let EventKind::PodFailedScheduling { message, .. } = &ev.kind { Some(message.as_str()) } else { None }).collect();
    // Tried once; nothing changed since, so no retry spam.
    assert_eq!(failed, vec![msg]);
    // The why-pending data has each node's verdict with the numbers.
    let why = e.explain_pod(&k.pods[0].name).unwrap();
    let fit = why.node(A).unwrap().filters.iter().find(|f| !f.passed).unwrap();
    assert_eq!(fit.plugin, "NodeResourcesFit");
    assert_eq!(fit.reasons, vec!["Insufficient cpu".to_string()]);
}

#[test]
fn tainted_nodes_and_a_freed_slot_goes_to_the_oldest_pending_pod() {
    // Two tainted nodes and one plain one; pods of 1500m: one fits per node.
    let kube = json!({
        "nodeGroups": [
            { "name": "plain", "instanceType": "t3.medium", "desiredSize": 1 },
            { "name": "gpu", "instanceType": "t3.medium", "desiredSize": 2, "taints": [{ "key": "dedicated", "value": "gpu", "effect": "NoSchedule" }] }
        ],
        "manifests": [web(2, "1500m")]
    });
    let mut e = engine(kube, json!([]), json!({}), 3);
    e.run_until(30_000);
    let k = e.snapshot().kube.unwrap();
    assert_eq!(
        k.unschedulable[0].message,
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
    );
    let pending = k.unschedulable[0].pod.clone();
    let running = k.pods.iter().find(|p| p.node.is_some()).unwrap().name.clone();
    // Deleting the running pod frees its slot: the ReplicaSet's replacement is newer, so the pod
    // that waited gets the node first (FIFO), and the replacement is now the one pending.
    kubectl(&mut e, &format!("delete pod {running}")).unwrap();
    e.run_until(60_000);
    let k = e.snapshot().kube.unwrap();
    let node_of = |n: &str| k.pods.iter().find(|p| p.name == n).and_then(|p| p.node.clone());
    assert_eq!(node_of(&pending).as_deref(), Some("ip-10-0-1-10.ec2.internal"));
    assert_eq!(k.unschedulable.len(), 1);
    assert_ne!(k.unschedulable[0].pod, pending);
}

/// (ReplicaSet revision, from, to) of every replicaSetScaled event after `after` ms.
fn rs_steps(e: &Engine, after: u64, new_rs: &str) -> Vec<(&'static str, i64, i64)> {
    e.events()
        .iter()
        .filter(|ev| ev.t >= after)
        .filter_map(|ev| match &ev.kind {
            EventKind::ReplicaSetScaled { replica_set, from, to, .. } => Some((if replica_set == new_rs { "new" } else { "old" }, *from, *to)),
            _ => None,
        })
        .collect()
}

fn new_rs_name(e: &Engine) -> String {
    let k = e.snapshot().kube.unwrap();
    k.replica_sets.iter().max_by_key(|r| r.revision).unwrap().name.clone()
}

#[test]
fn rolling_update_25_25_keeps_availability_step_by_step() {
    let mut e = engine(three_nodes(vec![web(4, "250m")]), json!([]), json!({}), 5);
    e.run_until(60_000);
    kubectl(&mut e, "set image deployment/web web=nginx:1.26").unwrap();
    // 4 replicas, 25 %/25 %: maxSurge ⌈1⌉ = 1, maxUnavailable ⌊1⌋ = 1. At every step at least
    // 3 pods are available and at most 5 exist (terminating ones excluded, as the controller counts).
    let mut min_available = i64::MAX;
    let mut max_pods = 0;
    while e.now() < 180_000 && e.step() {
        let k = e.snapshot().kube.unwrap();
        min_available = min_available.min(k.deployments[0].available);
        max_pods = max_pods.max(k.deployments[0].replicas);
    }
    assert_eq!(min_available, 3);
    assert_eq!(max_pods, 5);
    let new_rs = new_rs_name(&e);
    // The deployment controller's sequence (rolling.go): surge one new, drop one old, and so on.
    assert_eq!(rs_steps(&e, 60_000, &new_rs), vec![("new", 0, 1), ("old", 4, 3), ("new", 1, 2), ("old", 3, 1), ("new", 2, 4), ("old", 1, 0)]);
    let k = e.snapshot().kube.unwrap();
    let d = &k.deployments[0];
    assert_eq!((d.updated, d.available, d.revision), (4, 4, 2));
    assert!(d.conditions.iter().any(|c| c.kind == "Progressing" && c.status && c.reason == "NewReplicaSetAvailable"));
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::DeploymentRollout { status, revision: 2, .. } if status == "complete")));
}

#[test]
fn rollout_undo_goes_back_to_the_previous_replica_set() {
    let mut e = engine(three_nodes(vec![web(3, "250m")]), json!([]), json!({}), 5);
    assert_eq!(kubectl(&mut e, "rollout undo deployment/web"), Err("error: no rollout history found for deployment \"web\"".into()));
    e.run_until(60_000);
    let first = new_rs_name(&e);
    kubectl(&mut e, "set image deployment/web web=nginx:1.26").unwrap();
    e.run_until(120_000);
    let second = new_rs_name(&e);
    assert_ne!(first, second);
    kubectl(&mut e, "rollout undo deployment/web").unwrap();
    e.run_until(200_000);
    let k = e.snapshot().kube.unwrap();
    // The first ReplicaSet is reused (same template, same hash) and becomes revision 3.
    let rs = |n: &str| k.replica_sets.iter().find(|r| r.name == n).unwrap().clone();
    assert_eq!((rs(&first).desired, rs(&first).revision), (3, 3));
    assert_eq!((rs(&second).desired, rs(&second).revision), (0, 2));
    assert_eq!(k.deployments[0].revision, 3);
    assert!(k.pods.iter().all(|p| p.owner.as_deref() == Some(&format!("ReplicaSet/{first}"))));
    assert_eq!(kubectl(&mut e, "rollout undo deployment/web --to-revision=9"), Err("error: unable to find specified revision 9 in history".into()));
}

#[test]
fn progress_deadline_exceeded_when_the_new_image_cannot_be_pulled() {
    let mut e = engine(three_nodes(vec![web(3, "250m").replace("        - name: web\n", "        - name: web\n").replace("kind: Deployment\nmetadata:\n  name: web\nspec:\n", "kind: Deployment\nmetadata:\n  name: web\nspec:\n  progressDeadlineSeconds: 120\n")]), json!([]), json!({ "nginx:9.99": { "imagePullFails": true } }), 5);
    e.run_until(60_000);
    kubectl(&mut e, "set image deployment/web web=nginx:9.99").unwrap();
    e.run_until(400_000);
    let deadline: Vec<u64> = e.events().iter().filter(|ev| matches!(&ev.kind, EventKind::DeploymentRollout { status, .. } if status == "ProgressDeadlineExceeded")).map(|ev| ev.t).collect();
    // The last progress was the new ReplicaSet's first scale-up and the old one's scale-down at
    // 60 s (nothing new becomes available after), so the deadline is 60 s + 120 s.
    assert_eq!(deadline, vec![180_000]);
    let k = e.snapshot().kube.unwrap();
    let d = &k.deployments[0];
    assert!(d.conditions.iter().any(|c| c.kind == "Progressing" && !c.status && c.reason == "ProgressDeadlineExceeded"));
    // maxUnavailable ⌊0.75⌋ = 0, maxSurge 1: the old pods keep serving.
    assert_eq!(d.available, 3);
    assert!(k.pods.iter().any(|p| p.status == "ImagePullBackOff"));
}

#[test]
fn drain_respects_the_pod_disruption_budget() {
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web-pdb\nspec:\n  minAvailable: 5\n  selector:\n    matchLabels:\n      app: web\n".to_string();
    let mut e = engine(three_nodes(vec![web(6, "250m"), pdb]), json!([{ "at": "1m", "action": "kubectl", "args": format!("drain {A} --ignore-daemonsets") }]), json!({}), 7);
    e.run_until(120_000);
    let refused: Vec<(u64, String)> = e.events().iter().filter_map(|ev| if let EventKind::EvictionRefused { message, pdb, .. } = &ev.kind { assert_eq!(pdb, "web-pdb"); Some((ev.t, message.clone())) } else { None }).collect();
    // 6 healthy, 5 required: the first eviction is allowed, the second refused until the
    // replacement is Ready (image cached on its node: 1 s start + 5 s readiness → 66 s), so the
    // 65 s retry is refused and the 70 s one evicts; the pod exits 1 s after SIGTERM.
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].0, 60_000);
    assert_eq!(refused[1].0, 65_000);
    let pod = refused[0].1.split('"').nth(1).unwrap().to_string();
    assert_eq!(refused[0].1, format!("error when evicting pods/\"{pod}\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."));
    let drained: Vec<u64> = e.events().iter().filter(|ev| matches!(&ev.kind, EventKind::NodeDrained { node } if node == A)).map(|ev| ev.t).collect();
    assert_eq!(drained, vec![71_000]);
    let k = e.snapshot().kube.unwrap();
    assert!(k.nodes[0].unschedulable);
    assert_eq!(pods_per_node(&e), vec![(A.into(), 0), (B.into(), 3), (C.into(), 3)]);
    assert!(k.deployments[0].available >= 5);
    // Cordoned: new pods avoid it with the plugin's reason.
    kubectl(&mut e, "uncordon ip-10-0-1-10.ec2.internal").unwrap();
    assert!(!e.snapshot().kube.unwrap().nodes[0].unschedulable);
}

#[test]
fn a_failing_liveness_probe_restarts_with_crash_loop_back_off() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      image: app:broken\n      livenessProbe:\n        httpGet:\n          path: /healthz\n          port: 8080\n        periodSeconds: 10\n        failureThreshold: 3\n";
    let mut e = engine(three_nodes(vec![pod.into()]), json!([]), json!({ "app:broken": { "failHealthCheckAfter": "30s" } }), 1);
    e.run_until(250_000);
    let k = e.snapshot().kube.unwrap();
    assert_eq!((k.pods[0].restarts, k.pods[0].status.as_str(), k.pods[0].ready), (3, "CrashLoopBackOff", false));
    e.run_until(300_000);
    let restarts: Vec<(u64, u32, u64, String)> = e
        .events()
        .iter()
        .filter_map(|ev| if let EventKind::ContainerRestarted { restart_count, back_off_ms, reason, .. } = &ev.kind { Some((ev.t, *restart_count, *back_off_ms, reason.clone())) } else { None })
        .collect();
    // Started at 4 s (3 s pull + 1 s); broken from 30 s after each start; probes every 10 s from
    // the start fail at 30, 40, 50 s → killed 50 s after each start. Restarts: immediately, then
    // after 10 s, 20 s, 40 s (each start takes 1 s).
    let l = "Liveness probe failed".to_string();
    assert_eq!(restarts, vec![(54_000, 1, 0, l.clone()), (105_000, 2, 10_000, l.clone()), (166_000, 3, 20_000, l.clone()), (237_000, 4, 40_000, l)]);
    let k = e.snapshot().kube.unwrap();
    // Back from the 40 s back-off: Running again, restart count 4.
    assert_eq!((k.pods[0].restarts, k.pods[0].status.as_str()), (4, "Running"));
    assert_eq!(k.pods[0].qos, "BestEffort");
}

#[test]
fn resource_quota_rejects_the_pod_with_the_api_servers_text() {
    let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: team-a-quota\n  namespace: team-a\nspec:\n  hard:\n    requests.cpu: 1800m\n    pods: \"10\"\n";
    let dep = web(4, "500m").replace("  name: web\n", "  name: web\n  namespace: team-a\n");
    let mut e = engine(three_nodes(vec![ns.into(), dep]), json!([]), json!({}), 2);
    e.run_until(60_000);
    let failures: Vec<(String, String)> = e.events().iter().filter_map(|ev| if let EventKind::PodCreateFailed { owner, message, .. } = &ev.kind { Some((owner.clone(), message.clone())) } else { None }).collect();
    assert_eq!(failures.len(), 1, "one error, no retry storm: {failures:?}");
    let (owner, msg) = &failures[0];
    let rs = owner.strip_prefix("ReplicaSet/").unwrap();
    let name = msg.split('"').nth(1).unwrap();
    assert!(name.starts_with(&format!("{rs}-")) && name.len() == rs.len() + 6, "{name}");
    assert_eq!(msg, &format!("pods \"{name}\" is forbidden: exceeded quota: team-a-quota, requested: requests.cpu=500m, used: requests.cpu=1500m, limited: requests.cpu=1800m"));
    assert_eq!(e.snapshot().kube.unwrap().pods.len(), 3);
    // A quota on CPU requires every container to say how much.
    let bare = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: greedy\n  namespace: team-a\nspec:\n  containers:\n    - name: c\n      image: busybox\n";
    let err = e.apply(Command::Kubectl { args: "apply".into(), manifest: Some(bare.into()) }).unwrap_err();
    assert_eq!(err, "Error from server (Forbidden): error when creating pod: pods \"greedy\" is forbidden: failed quota: team-a-quota: must specify requests.cpu");
}

#[test]
fn limit_range_defaults_apply_at_pod_creation() {
    let lr = "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n    - type: Container\n      default:\n        cpu: 500m\n        memory: 512Mi\n      defaultRequest:\n        cpu: 100m\n        memory: 128Mi\n      max:\n        cpu: \"1\"\n";
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\nspec:\n  containers:\n    - name: c\n      image: busybox\n";
    let mut e = engine(three_nodes(vec![lr.into(), pod.into()]), json!([]), json!({}), 2);
    e.run_until(10_000);
    let k = e.snapshot().kube.unwrap();
    let p = &k.pods[0];
    assert_eq!((p.requests_cpu_milli, p.requests_memory, p.qos.as_str()), (100, 128 << 20, "Burstable"));
    let big = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n    - name: c\n      image: busybox\n      resources:\n        limits:\n          cpu: \"2\"\n";
    let err = e.apply(Command::Kubectl { args: "apply".into(), manifest: Some(big.into()) }).unwrap_err();
    assert_eq!(err, "Error from server (Forbidden): error when creating pod: pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2");
}

#[test]
fn daemon_set_runs_one_pod_per_node_including_nodes_added_later() {
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: logs\nspec:\n  selector:\n    matchLabels:\n      app: logs\n  template:\n    metadata:\n      labels:\n        app: logs\n    spec:\n      containers:\n        - name: agent\n          image: fluent-bit:3\n          resources:\n            requests:\n              cpu: 50m\n              memory: 64Mi\n";
    let kube = json!({ "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.medium", "desiredSize": 2, "maxSize": 4 }], "manifests": [ds] });
    let mut e = engine(kube, json!([]), json!({}), 4);
    e.run_until(10_000);
    assert_eq!(pods_per_node(&e).iter().map(|(_, c)| *c).collect::<Vec<_>>(), vec![1, 1]);
    kubectl(&mut e, "scale nodegroup ng-1 --nodes=3").unwrap();
    e.run_until(20_000);
    let k = e.snapshot().kube.unwrap();
    assert_eq!(k.nodes.len(), 3);
    assert_eq!(k.nodes.iter().map(|n| n.pods.len()).collect::<Vec<_>>(), vec![1, 1, 1]);
    assert_eq!((k.daemon_sets[0].desired, k.daemon_sets[0].ready), (3, 3));
    // Without --ignore-daemonsets kubectl refuses (and leaves the node cordoned, as it cordons
    // first); with it, cordoned nodes keep their DaemonSet pods (drain leaves them too).
    let ds_pod = e.snapshot().kube.unwrap().nodes[2].pods[0].clone();
    assert_eq!(
        kubectl(&mut e, "drain ip-10-0-3-10.ec2.internal"),
        Err(format!("error: unable to drain node \"ip-10-0-3-10.ec2.internal\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {ds_pod}"))
    );
    assert!(e.snapshot().kube.unwrap().nodes[2].unschedulable);
    kubectl(&mut e, "drain ip-10-0-3-10.ec2.internal --ignore-daemonsets").unwrap();
    e.run_until(30_000);
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::NodeDrained { node } if node == "ip-10-0-3-10.ec2.internal")));
    assert_eq!(e.snapshot().kube.unwrap().nodes[2].pods.len(), 1);
}

#[test]
fn manifest_errors_keep_line_and_column() {
    let bad = web(2, "250m").replace("memory: 256Mi", "memory: 512Mb");
    let s = json!({
        "berth": 1, "name": "bad", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 1 }], "manifests": [bad] }
    });
    let err = parse_scenario(&s.to_string(), &|_| Err("no".into())).unwrap_err();
    let text: Vec<&str> = err.iter().map(|d| d.message.as_str()).collect();
    assert!(
        text.iter().any(|m| m.contains("manifests[0] 21:23: spec.template.spec.containers[0].resources.requests.memory: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': \"512Mb\"") && m.contains("did you mean 512Mi?")),
        "{text:?}"
    );
    // Node group mistakes name the field.
    let s = json!({
        "berth": 1, "name": "bad", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medum", "desiredSize": 1 }] }
    });
    let err = parse_scenario(&s.to_string(), &|_| Err("no".into())).unwrap_err();
    assert!(err[0].message.starts_with("nodeGroups[0].instanceType:"), "{:?}", err[0].message);
}

#[test]
fn kubectl_errors_read_like_kubectl() {
    let mut e = engine(three_nodes(vec![web(2, "250m")]), json!([]), json!({}), 1);
    assert_eq!(kubectl(&mut e, "scale deployment/api --replicas=3"), Err("Error from server (NotFound): deployments.apps \"api\" not found".into()));
    assert_eq!(kubectl(&mut e, "scale deployment/web"), Err("error: required flag(s) \"replicas\" not set".into()));
    assert_eq!(kubectl(&mut e, "cordon ip-9-9-9-9"), Err("Error from server (NotFound): nodes \"ip-9-9-9-9\" not found".into()));
    assert!(kubectl(&mut e, "frobnicate").unwrap_err().starts_with("error: unknown command \"frobnicate\" for \"kubectl\""));
    // A bare pod stops a drain without --force, as kubectl does.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n  nodeName: ip-10-0-2-10.ec2.internal\n  containers:\n    - name: c\n      image: busybox\n";
    e.apply(Command::Kubectl { args: "apply".into(), manifest: Some(pod.into()) }).unwrap();
    e.run_until(10_000);
    assert_eq!(
        kubectl(&mut e, "drain ip-10-0-2-10.ec2.internal"),
        Err("error: unable to drain node \"ip-10-0-2-10.ec2.internal\" due to error: cannot delete Pods that declare no controller (use --force to override): default/lonely".into())
    );
    // Scaling works and is logged.
    kubectl(&mut e, "scale deployment/web --replicas=5").unwrap();
    e.run_until(30_000);
    assert_eq!(e.snapshot().kube.unwrap().deployments[0].ready, 5);
}

#[test]
fn the_same_seed_gives_the_same_log() {
    let run = |seed: u64| {
        let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n".to_string();
        let mut e = engine(
            three_nodes(vec![web(5, "300m"), pdb]),
            json!([{ "at": "1m", "action": "kubectl", "args": "set image deployment/web web=nginx:1.26" }, { "at": "3m", "action": "kubectl", "args": format!("drain {B}") }]),
            json!({}),
            seed,
        );
        // Bookkeeping holds after every step: no node holds more requests or pods than it can.
        while e.now() < 600_000 && e.step() {
            for n in e.snapshot().kube.unwrap().nodes {
                assert!(n.requested_cpu_milli <= n.allocatable_cpu_milli && n.requested_memory <= n.allocatable_memory, "{n:?}");
                assert!(n.pods.len() as i64 <= n.max_pods, "{n:?}");
            }
        }
        e.run_until(600_000);
        (e.log_hash(), placements(&e))
    };
    let (h1, p1) = run(11);
    let (h2, p2) = run(11);
    assert_eq!(h1, h2);
    assert_eq!(p1, p2);
    let (h3, p3) = run(12);
    assert_ne!(h1, h3);
    // Pod names come from the seed too.
    assert_ne!(p1.iter().map(|p| &p.0).collect::<Vec<_>>(), p3.iter().map(|p| &p.0).collect::<Vec<_>>());
}

/// The page's ✕ and Drain on a node card send the same commands as on an ECS instance card.
#[test]
fn terminating_a_node_loses_its_pods_and_the_group_replaces_it_in_the_same_zone() {
    let mut e = engine(three_nodes(vec![web(6, "250m")]), json!([]), json!({}), 7);
    e.run_until(60_000);
    e.apply(Command::TerminateInstance { instance: A.into() }).unwrap();
    let at = |e: &Engine, t: u64| -> Vec<&'static str> { e.events().iter().filter(|ev| ev.t == t).map(|ev| ev.kind.name()).collect() };
    // Gone at once with its two pods (no eviction, no grace period); the ReplicaSet replaces them
    // on the other nodes in the same instant.
    assert_eq!(at(&e, 60_000), vec!["podDeleted", "podDeleted", "instanceTerminated", "podCreated", "podCreated", "podScheduled", "podScheduled"]);
    let lost = e.events().iter().find_map(|ev| if let EventKind::InstanceTerminated { instance, tasks_stopped } = &ev.kind { Some((instance.clone(), tasks_stopped.len())) } else { None });
    assert_eq!(lost, Some((A.to_string(), 2)));
    assert_eq!(pods_per_node(&e), vec![(B.into(), 3), (C.into(), 3)]);
    // The node group (an Auto Scaling group) launches a replacement in the zone that lost one.
    e.run_until(400_000);
    let joined: Vec<(u64, String, String)> = e.events().iter().filter_map(|ev| if let EventKind::KubeNodeReady { node, zone, .. } = &ev.kind { (ev.t > 0).then(|| (ev.t, node.clone(), zone.clone())) } else { None }).collect();
    assert_eq!(joined, vec![(150_000, "ip-10-0-1-11.ec2.internal".to_string(), "us-east-1a".to_string())]);
    // Terminating it twice, or a node that does not exist, says so.
    assert_eq!(e.apply(Command::TerminateInstance { instance: A.into() }), Err(format!("Error from server (NotFound): nodes \"{A}\" not found")));
}

#[test]
fn draining_a_node_from_the_page_is_kubectl_drain() {
    let mut e = engine(three_nodes(vec![web(6, "250m")]), json!([]), json!({}), 7);
    e.run_until(60_000);
    e.apply(Command::DrainInstance { instance: B.into() }).unwrap();
    e.run_until(120_000);
    let k = e.snapshot().kube.unwrap();
    assert!(k.nodes.iter().find(|n| n.name == B).is_some_and(|n| n.unschedulable), "cordoned");
    assert_eq!(pods_per_node(&e), vec![(A.into(), 3), (B.into(), 0), (C.into(), 3)]);
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::NodeDrained { node } if node == B)));
    // A bare pod (no controller) refuses the drain with kubectl's message, as `kubectl drain` does.
    kubectl(&mut e, "uncordon ip-10-0-2-10.ec2.internal").unwrap();
    let bare = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n  nodeName: ip-10-0-2-10.ec2.internal\n  containers:\n    - name: c\n      image: nginx\n";
    e.apply(Command::Kubectl { args: "apply -f -".into(), manifest: Some(bare.into()) }).unwrap();
    e.run_until(130_000);
    let err = e.apply(Command::DrainInstance { instance: B.into() }).unwrap_err();
    assert!(err.contains("cannot delete Pods that declare no controller (use --force to override): default/lonely"), "{err}");
}
