//! Kubernetes autoscaling in the simulation: load on a Deployment becomes pod CPU usage, and the
//! HorizontalPodAutoscaler scales the Deployment every 15 s. Exact numbers, worked out by hand in
//! the comments.

use berth::engine::event::EventKind;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
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
              cpu: 200m
              memory: 128Mi
            limits:
              cpu: 500m
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 50
";

fn engine(kube: Value, behaviors: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "k8s autoscaling test",
        "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": kube,
        "behaviors": behaviors,
    });
    start(&s)
}

/// (t in s, from, to, current %, reason) of every hpaScaled event.
fn hpa_steps(e: &Engine) -> Vec<(u64, u32, u32, i64, String)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::HpaScaled { from, to, current, reason, .. } => Some((ev.t / 1000, *from, *to, *current, reason.clone())),
            _ => None,
        })
        .collect()
}

fn kube(manifests: Vec<&str>, load: Value) -> Value {
    json!({
        "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 3 }],
        "manifests": manifests,
        "traffic": [{ "deployment": "web", "load": load }]
    })
}

const ABOVE: &str = "cpu resource utilization (percentage of request) above target";

/// Requests 200m, target 50 %: one pod should carry 100m = 10 requests/s at 10 ms each. The load
/// ramps 20 → 90 requests/s from 1m to 8m (+2.5 requests/s per 15 s sync). Each row checked by
/// hand: at 75 s, 22.5 rps / 2 pods × 10 ms = 112m → 56 % → ceil(1.12 × 2) = 3. At 270 s,
/// 55 rps / 5 = 110m → 55 %: |1 − 55/50| is 0.10000000000000009 in float64 (as in Go), just over
/// the 0.1 tolerance, so the HPA scales to ceil(1.1 × 5) = 6 — and likewise 405 s (77.5 / 7 →
/// 110m, 55 %). Every new pod is Ready within 4 s, before the next sync.
#[test]
fn hpa_follows_a_ramp_one_pod_at_a_time() {
    let mut e = engine(kube(vec![WEB, HPA], json!({ "shape": "ramp", "from": 20, "to": 90, "start": "1m", "duration": "7m" })), json!({}));
    e.run_until(12 * 60 * 1000);
    let want: Vec<(u64, u32, u32, i64)> = vec![(75, 2, 3, 56), (150, 3, 4, 58), (210, 4, 5, 56), (270, 5, 6, 55), (345, 6, 7, 56), (405, 7, 8, 55), (480, 8, 9, 56)];
    let got: Vec<(u64, u32, u32, i64)> = hpa_steps(&e).into_iter().map(|(t, f, to, c, _)| (t, f, to, c)).collect();
    assert_eq!(got, want);
    assert!(hpa_steps(&e).iter().all(|s| s.4 == ABOVE));
    let snap = e.snapshot();
    let k = snap.kube.expect("kubernetes view");
    let d = k.deployments.iter().find(|d| d.name == "web").expect("web");
    assert_eq!((d.desired, d.ready), (9, 9));
    // 90 requests/s over 9 Ready pods: 10 each, 100m each.
    assert!(k.pods.iter().all(|p| p.cpu_usage_milli == Some(100)), "{:?}", k.pods.iter().map(|p| p.cpu_usage_milli).collect::<Vec<_>>());
    // `kubectl get hpa`: TARGETS 50%/50%, MINPODS 2, MAXPODS 10, REPLICAS 9.
    let h = k.hpas.first().expect("one HPA");
    assert_eq!((h.reference.as_str(), h.current_utilization, h.target_utilization, h.min_replicas, h.max_replicas, h.replicas), ("Deployment/web", Some(50), Some(50), 2, 10, 9));
}

/// A jump from 20 to 100 requests/s at 2m: each pod hits its 500m limit (250 % of the request),
/// the calculator asks for ceil(5 × 2) = 10, but the default scale-up policy allows
/// max(+100 %, +4 pods) = 6 per 15 s. At 135 s: 100 / 6 = 16.67 rps → 166m → 83 % → ceil(1.66 × 6)
/// = 10 = maxReplicas. At 20m the load falls to 10 requests/s (5 %): the default 300 s scale-down
/// stabilization keeps 10 until the last "10" recommendation (19m45s) leaves the window, at
/// 24m45s, then drops to minReplicas 2 (100 %-per-15 s policy, floored by minReplicas).
#[test]
fn hpa_scale_up_is_rate_limited_and_scale_down_waits_for_stabilization() {
    let mut e = engine(kube(vec![WEB, HPA], json!({ "shape": "step", "steps": [["0s", 20], ["2m", 100], ["20m", 10]] })), json!({}));
    e.run_until(40 * 60 * 1000);
    assert_eq!(
        hpa_steps(&e),
        vec![(120, 2, 6, 250, ABOVE.to_string()), (135, 6, 10, 83, ABOVE.to_string()), (1485, 10, 2, 5, "All metrics below target".to_string())]
    );
    let last = e.events().iter().rev().find(|ev| ev.kind.name() == "hpaScaled").map(|ev| ev.kind.describe());
    assert_eq!(last.as_deref(), Some("horizontalpodautoscaler/web: New size: 2; reason: All metrics below target"));
}

/// Usage = requests × cpuMsPerRequest, spread evenly over Ready pods, capped at the CPU limit;
/// without a limit the cap is the node's allocatable CPU (t3.large: 1930m).
#[test]
fn pod_cpu_usage_comes_from_the_load_and_is_capped_at_the_limit() {
    let usage = |e: &Engine| -> Vec<Option<i64>> { e.snapshot().kube.expect("kube").pods.iter().map(|p| p.cpu_usage_milli).collect() };
    // 30 rps / 2 pods × 7 ms = 105m.
    let mut e = engine(kube(vec![WEB], json!({ "shape": "step", "steps": [["0s", 30], ["1m", 150]] })), json!({ "web": { "cpuMsPerRequest": 7 } }));
    e.run_until(30_000);
    assert_eq!(usage(&e), vec![Some(105), Some(105)]);
    // 150 rps / 2 × 7 ms = 525m > the 500m limit: throttled at 500m.
    e.run_until(60_000);
    assert_eq!(usage(&e), vec![Some(500), Some(500)]);
    // No limit: 400 rps / 2 × 10 ms = 2000m, capped at the node's 1930m.
    let no_limit = WEB.replace("            limits:\n              cpu: 500m\n", "");
    let mut e = engine(kube(vec![&no_limit], json!({ "shape": "constant", "rps": 400 })), json!({}));
    e.run_until(30_000);
    assert_eq!(usage(&e), vec![Some(1930), Some(1930)]);
}

#[test]
fn traffic_for_an_unknown_deployment_is_refused_with_the_field_path() {
    let s = json!({
        "berth": 1, "name": "bad", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.large", "desiredSize": 1 }], "manifests": [WEB], "traffic": [{ "deployment": "api", "load": { "shape": "constant", "rps": 5 } }] },
    });
    let err = match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))) {
        Ok(_) => panic!("should not load"),
        Err(d) => format!("{d:?}"),
    };
    assert!(err.contains("traffic[0].deployment: no Deployment \\\"api\\\" in namespace \\\"default\\\" (the manifests define: web)"), "{err}");
}

const API: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api:1
          resources:
            requests:
              cpu: 600m
              memory: 512Mi
";

fn ca_engine(general_min: u32, timeline: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "cluster autoscaler test",
        "seed": 5,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": {
            "nodeGroups": [
                { "name": "general", "instanceType": "m5.large", "desiredSize": 1, "minSize": general_min, "maxSize": 4 },
                { "name": "compute", "instanceType": "c5.large", "desiredSize": 0, "minSize": 0, "maxSize": 4 }
            ],
            "manifests": [API],
            "clusterAutoscaler": {}
        },
        "timeline": timeline,
    });
    match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))) {
        Ok(sc) => sc.start(None),
        Err(d) => panic!("scenario does not load: {d:?}"),
    }
}

/// (t in s, text) of the Cluster Autoscaler's events and the node changes they cause.
fn ca_log(e: &Engine) -> Vec<(u64, String)> {
    e.events()
        .iter()
        .filter(|ev| matches!(ev.kind.name(), "clusterAutoscalerScaleUp" | "clusterAutoscalerScaleDown" | "kubeNodeReady" | "nodeDrained"))
        .map(|ev| (ev.t / 1000, ev.kind.describe()))
        .collect()
}

/// 3 pods of 600m fill the one m5.large (1930m allocatable); scaling to 8 leaves 5 Pending.
/// Either group needs 2 new nodes (3 pods of 600m per 2-vCPU node). Least waste, on capacity:
/// CPU (4000 − 3000)/4000 = 25 % for both; memory (2 × 4096 − 5 × 512)/(2 × 4096) = 68.75 % on
/// c5.large against (2 × 8192 − 2560)/(2 × 8192) = 84.4 % on m5.large: c5.large wins. The nodes
/// join 90 s later. At 5m the Deployment shrinks to 3 (gone at 301 s). The m5.large keeps one
/// pod (600m = 31 % of 1930m) and one c5.large is empty from then on: both are unneeded from
/// the 310 s scan, so at 910 s (10 minutes later; the 10-minute delay after the 60 s scale-up is
/// long over) the first, in node order, is drained — its pod lands on the empty c5.large, which
/// is still under 50 % and goes too at the next scan, its pod moving to the last node.
#[test]
fn cluster_autoscaler_adds_the_least_waste_group_and_removes_unneeded_nodes() {
    let mut e = ca_engine(0, json!([
        { "at": "1m", "action": "kubectl", "args": "scale deployment/api --replicas=8" },
        { "at": "5m", "action": "kubectl", "args": "scale deployment/api --replicas=3" }
    ]));
    e.run_until(20 * 60 * 1000);
    let want: Vec<(u64, &str)> = vec![
        (0, "node ip-10-0-1-10.ec2.internal (m5.large, us-east-1a) is Ready: allocatable 1930m CPU, 7518Mi memory, 29 pods"),
        (60, "cluster-autoscaler: TriggeredScaleUp: node group compute 0 → 2: 5 pod(s) unschedulable; 2 new node(s) fit them; expander least-waste: c5.large leaves 25.0% CPU and 68.8% memory idle (best of 2 groups); joining in 00:01:30"),
        (150, "node ip-10-0-1-11.ec2.internal (c5.large, us-east-1a) is Ready: allocatable 1930m CPU, 3422Mi memory, 29 pods"),
        (150, "node ip-10-0-2-10.ec2.internal (c5.large, us-east-1b) is Ready: allocatable 1930m CPU, 3422Mi memory, 29 pods"),
        (910, "cluster-autoscaler: ScaleDown: removing node ip-10-0-1-10.ec2.internal (node group general 1 → 0): requested CPU 31% and memory 6% of allocatable, below 50%, for 00:10:00; its 1 pod(s) fit on other nodes"),
        (911, "node/ip-10-0-1-10.ec2.internal drained"),
        (920, "cluster-autoscaler: ScaleDown: removing node ip-10-0-2-10.ec2.internal (node group compute 2 → 1): requested CPU 31% and memory 14% of allocatable, below 50%, for 00:10:10; its 1 pod(s) fit on other nodes"),
        (921, "node/ip-10-0-2-10.ec2.internal drained"),
    ];
    assert_eq!(ca_log(&e), want.iter().map(|(t, s)| (*t, s.to_string())).collect::<Vec<_>>());
    let k = e.snapshot().kube.expect("kube");
    let nodes: Vec<(String, usize)> = k.nodes.iter().map(|n| (n.name.clone(), n.pods.len())).collect();
    assert_eq!(nodes, vec![("ip-10-0-1-11.ec2.internal".to_string(), 3)]);
    assert!(k.unschedulable.is_empty());
}

/// With the general group at its minSize the lone m5.large stays; groups stop at maxSize; pods
/// that no group can ever take (3 CPUs on 2-vCPU types) trigger nothing.
#[test]
fn cluster_autoscaler_respects_max_size_and_ignores_pods_no_group_fits() {
    let mut e = ca_engine(1, json!([{ "at": "1m", "action": "kubectl", "args": "scale deployment/api --replicas=30" }]));
    e.run_until(10 * 60 * 1000);
    let ups: Vec<String> = e.events().iter().filter(|ev| ev.kind.name() == "clusterAutoscalerScaleUp").map(|ev| format!("{} {}", ev.t / 1000, ev.kind.describe())).collect();
    // 27 pending: compute (least waste) adds its 4 nodes = 12 pods at once; the 15 left then
    // fill general's room, 3 nodes = 9 pods; 6 stay Pending for good.
    assert_eq!(ups.len(), 2, "{ups:?}");
    assert!(ups[0].starts_with("60 cluster-autoscaler: TriggeredScaleUp: node group compute 0 → 4: 12 pod(s)"), "{}", ups[0]);
    assert!(ups[1].contains("node group general 1 → 4: 9 pod(s)"), "{}", ups[1]);
    let k = e.snapshot().kube.expect("kube");
    assert_eq!(k.nodes.len(), 8);
    assert_eq!(k.unschedulable.len(), 6);

    let big = API.replace("cpu: 600m", "cpu: \"3\"");
    let s = json!({
        "berth": 1, "name": "too big", "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "g", "instanceType": "c5.large", "desiredSize": 1, "minSize": 1, "maxSize": 3 }], "manifests": [big], "clusterAutoscaler": {} },
    });
    let mut e = parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))).map(|sc| sc.start(None)).unwrap_or_else(|d| panic!("{d:?}"));
    e.run_until(5 * 60 * 1000);
    assert!(e.events().iter().any(|ev| ev.kind.name() == "podFailedScheduling"));
    assert!(e.events().iter().all(|ev| ev.kind.name() != "clusterAutoscalerScaleUp"));
}

fn prov_engine(provisioner: Value, timeline: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "provisioner test",
        "seed": 9,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": { "manifests": [API.replace("replicas: 3", "replicas: 5")], "provisioner": provisioner },
        "timeline": timeline,
    });
    match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))) {
        Ok(sc) => sc.start(None),
        Err(d) => panic!("scenario does not load: {d:?}"),
    }
}

fn prov_log(e: &Engine) -> Vec<(u64, String)> {
    e.events()
        .iter()
        .filter(|ev| matches!(ev.kind.name(), "provisionerLaunched" | "provisionerNodeRemoved" | "kubeNodeReady"))
        .map(|ev| (ev.t / 1000, ev.kind.describe()))
        .collect()
}

/// Five pods of 600m (3000m) and no nodes. Only c5.xlarge (4 vCPU, 3920m allocatable) holds all
/// five on one node; its Spot price is 0.17 × (1 − 0.60) = $0.068/h, below on-demand $0.17. It
/// joins 60 s after the 10 s scan. Scaled to 0 at 5m, the pods are gone at 301 s; the node is
/// empty from the 310 s scan and removed 30 s later.
#[test]
fn provisioner_launches_the_cheapest_offering_that_fits_all_pending_pods_and_removes_it_when_empty() {
    let mut e = prov_engine(
        json!({ "name": "general", "instanceTypes": ["t3.medium", "c5.large", "c5.xlarge", "m5.large"], "capacityTypes": ["spot", "on-demand"] }),
        json!([{ "at": "5m", "action": "kubectl", "args": "scale deployment/api --replicas=0" }]),
    );
    e.run_until(10 * 60 * 1000);
    let want: Vec<(u64, &str)> = vec![
        (10, "nodepool general: launching c5.xlarge (spot, $0.0680/h): the cheapest of 2 offering(s) that fit all 5 pending pod(s); joining in 00:01:00"),
        (70, "node ip-10-0-1-10.ec2.internal (c5.xlarge, us-east-1a) is Ready: allocatable 3920m CPU, 7199Mi memory, 58 pods"),
        (340, "nodepool general: removing node ip-10-0-1-10.ec2.internal: empty for 00:00:30 (ttlSecondsAfterEmpty 30)"),
    ];
    assert_eq!(prov_log(&e), want.iter().map(|(t, s)| (*t, s.to_string())).collect::<Vec<_>>());
    let placed = e.events().iter().filter(|ev| ev.kind.name() == "podScheduled" && ev.t == 70_000).count();
    assert_eq!(placed, 5);
}

/// On-demand only, 2-vCPU types: no node holds all five 600m pods. t3.medium ($0.0416/h) and
/// c5.large both hold three; t3.medium is cheaper; the other two then fit one more t3.medium.
#[test]
fn provisioner_splits_pods_over_the_cheapest_nodes_when_none_holds_them_all() {
    let mut e = prov_engine(json!({ "instanceTypes": ["c5.large", "t3.medium"], "ttlSecondsAfterEmpty": 60 }), json!([]));
    e.run_until(3 * 60 * 1000);
    let launches: Vec<(u64, String)> = prov_log(&e).into_iter().filter(|(_, s)| s.contains("launching")).collect();
    assert_eq!(
        launches,
        vec![
            (10, "nodepool default: launching t3.medium (on-demand, $0.0416/h): no offering fits all 5 pending pods; the cheapest that fits the most (3); joining in 00:01:00".to_string()),
            (10, "nodepool default: launching t3.medium (on-demand, $0.0416/h): the cheapest of 2 offering(s) that fit all 2 pending pod(s); joining in 00:01:00".to_string()),
        ]
    );
    let k = e.snapshot().kube.expect("kube");
    // The plan is not binding: the scheduler places the pods (spread over the two zones, 2 + 3).
    assert_eq!(k.nodes.iter().map(|n| (n.instance_type.clone(), n.pods.len())).collect::<Vec<_>>(), vec![("t3.medium".to_string(), 2), ("t3.medium".to_string(), 3)]);
    assert!(k.unschedulable.is_empty());
    assert_eq!(k.nodes.iter().map(|n| n.labels.get("karpenter.sh/capacity-type").cloned().unwrap_or_default()).collect::<Vec<_>>(), vec!["on-demand", "on-demand"]);
}

/// The manifest's `behavior` replaces the defaults: scale-up at most 1 pod per 60 s and a 60 s
/// scale-down window. The same jump to 100 requests/s (250 % of request, the calculator asks for
/// 10) now adds one pod a minute: 2 → 3 at 120 s, → 4 at 180 s, ...; the utilization seen at
/// each step is 100 rps / n pods × 10 ms over 200m: 2 pods → 500m (the limit) = 250 %, 3 → 333m
/// = 166 %, 4 → 250m = 125 %, 5 → 100 %, 6 → 83 %, 7 → 71 %, 8 → 62 %, 9 → 111m = 55 % (beyond
/// the tolerance in float64, so it scales), 10 → 50 %.
#[test]
fn hpa_uses_the_manifests_behavior() {
    let hpa = format!(
        "{HPA}  behavior:
    scaleUp:
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
    scaleDown:
      stabilizationWindowSeconds: 60
"
    );
    let mut e = engine(kube(vec![WEB, &hpa], json!({ "shape": "step", "steps": [["0s", 20], ["2m", 100], ["15m", 20]] })), json!({}));
    e.run_until(20 * 60 * 1000);
    let got: Vec<(u64, u32, u32, i64)> = hpa_steps(&e).into_iter().map(|(t, f, to, c, _)| (t, f, to, c)).collect();
    let want = vec![
        (120, 2, 3, 250),
        (180, 3, 4, 166),
        (240, 4, 5, 125),
        (300, 5, 6, 100),
        (360, 6, 7, 83),
        (420, 7, 8, 71),
        (480, 8, 9, 62),
        (540, 9, 10, 55),
        // 20 rps from 15m: 2 rps × 10 ms = 20m = 10 % → ceil(0.2 × 10) = 2, once the last "10"
        // recommendation (885 s) has left the 60 s window: at 945 s.
        (945, 10, 2, 10),
    ];
    assert_eq!(got, want);
}

/// `kubectl set load` (Berth's own command) changes the load on the timeline: the same 20 → 100
/// → 10 requests/s as the step test above, so the same HPA steps at the same times.
#[test]
fn kubectl_set_load_changes_a_deployments_load_on_the_timeline() {
    let s = json!({
        "berth": 1, "name": "set load", "seed": 3,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": kube(vec![WEB, HPA], json!({ "shape": "constant", "rps": 20 })),
        "timeline": [
            { "at": "2m", "action": "kubectl", "args": "set load deployment/web --rps=100" },
            { "at": "20m", "action": "kubectl", "args": "set load deployment/web", "manifest": "{\"shape\": \"constant\", \"rps\": 10}" }
        ],
    });
    let mut e = parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: none"))).map(|sc| sc.start(None)).unwrap_or_else(|d| panic!("{d:?}"));
    e.run_until(30 * 60 * 1000);
    let got: Vec<(u64, u32, u32, i64)> = hpa_steps(&e).into_iter().map(|(t, f, to, c, _)| (t, f, to, c)).collect();
    assert_eq!(got, vec![(120, 2, 6, 250), (135, 6, 10, 83), (1485, 10, 2, 5)]);

    let mut err = |args: &str| e.apply(berth::engine::sim::Command::Kubectl { args: args.into(), manifest: None }).err().unwrap_or_default();
    assert_eq!(err("set load deployment/api --rps=5"), "Error from server (NotFound): deployments.apps \"api\" not found");
    assert_eq!(err("set load deployment/web --rps=lots"), "error: invalid argument \"lots\" for \"--rps\" flag: a number of requests per second");
    assert_eq!(err("set load deployment/web --rps=-3"), "error: set load: rps must be a number of requests per second, 0 or more; got -3");
}

/// An autoscaling/v2 HPA with two metrics: memory utilization (60 % of the 128Mi request) and a
/// Pods metric, requests per second per pod (average 10). Each pod's memory is 32 MiB + the
/// requests in flight (requests/s × 1 s latency) × 4 MiB. The HPA takes the larger proposal.
#[test]
fn hpa_takes_the_largest_of_memory_and_requests_per_second() {
    let web = WEB.replace("cpu: 200m\n              memory: 128Mi\n            limits:\n              cpu: 500m\n", "cpu: 100m\n              memory: 128Mi\n");
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 20
  metrics:
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: 60
    - type: Pods
      pods:
        metric:
          name: requests_per_second
        target:
          type: AverageValue
          averageValue: \"10\"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 0
";
    let mut e = engine(
        json!({
            "nodeGroups": [{ "name": "ng", "instanceType": "m5.large", "desiredSize": 2 }],
            "manifests": [web, hpa],
            "traffic": [{ "deployment": "web", "load": { "shape": "constant", "rps": 20 } }]
        }),
        json!({ "web": { "memoryMib": 32, "baseLatencyMs": 1000, "memoryPerRequestMib": 4 } }),
    );
    e.run_until(50_000);
    // 20 requests/s on 2 pods: 10 each → 32 + 10 × 4 = 72 MiB = 56 % of 128Mi (ratio 0.93,
    // within the tolerance: 2); 10 requests/s per pod is the target (2). Nothing moves.
    assert_eq!(hpa_steps(&e), vec![]);
    e.apply(berth::engine::sim::Command::Kubectl { args: "set load deployment/web --rps=100".into(), manifest: None }).unwrap_or_else(|m| panic!("{m}"));
    e.run_until(110_000);
    e.apply(berth::engine::sim::Command::Kubectl { args: "set load deployment/web --rps=30".into(), manifest: None }).unwrap_or_else(|m| panic!("{m}"));
    e.run_until(200_000);
    let metrics: Vec<(u64, u32, u32, String, i64, i64)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::HpaScaled { from, to, metric, current, target, .. } => Some((ev.t / 1000, *from, *to, metric.clone(), *current, *target)),
            _ => None,
        })
        .collect();
    assert_eq!(
        metrics,
        vec![
            // 60 s: 50 requests/s per pod → ratio 5 → 10 (memory: 232 MiB = 181 % → 7); the
            // scale-up policy allows max(2 × 2, 2 + 4) = 6.
            (60, 2, 6, "pods/requests_per_second".to_string(), 50, 10),
            // 75 s: 100/6 = 16.666 per pod → ceil(1.6666 × 6) = 10 (memory: 98.7 MiB = 77 % → 8).
            (75, 6, 10, "pods/requests_per_second".to_string(), 16, 10),
            // 120 s (load 30 since 110 s): 3 per pod → 3; memory 44 MiB = 34 % → ceil(0.566 × 10) = 6.
            (120, 10, 6, "memory".to_string(), 34, 60),
            // 135 s: 5 per pod → 3; memory 52 MiB = 40 % → ceil(0.666 × 6) = 4.
            (135, 6, 4, "memory".to_string(), 40, 60),
        ]
    );
    // kubectl's TARGETS column after the last sync (4 pods, 7.5 requests/s each: 62 MiB = 48 %).
    let targets = e.snapshot().kube.map(|k| k.hpas.iter().flat_map(|h| h.targets.clone()).collect::<Vec<_>>()).unwrap_or_default();
    assert_eq!(targets, vec!["memory: 48%/60%".to_string(), "pods/requests_per_second: 7/10".to_string()]);
    let reasons: Vec<String> = hpa_steps(&e).into_iter().map(|s| s.4).collect();
    assert_eq!(reasons, vec!["pods metric requests_per_second above target", "pods metric requests_per_second above target", "All metrics below target", "All metrics below target"]);
}
