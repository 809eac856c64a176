//! What a Kubernetes cluster costs: the EKS control plane ($0.10/h per cluster), EC2 nodes at
//! their on-demand price from launch to removal, and the `cluster/HourlyCost` one-minute metric.
//! Prices: m5.large $0.096/h on-demand (src/engine/catalog.rs), EKS $0.10/h (pricing.rs).

use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn engine(kube: Value, timeline: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "k8s cost test",
        "seed": 1,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": kube,
        "timeline": timeline,
    });
    start(&s)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn two_m5_large_nodes_and_the_control_plane() {
    let mut e = engine(
        json!({ "nodeGroups": [{ "name": "ng", "instanceType": "m5.large", "desiredSize": 2, "minSize": 1, "maxSize": 3 }] }),
        json!([
            { "at": "30m", "action": "kubectl", "args": "scale nodegroup ng --nodes=3" },
            { "at": "45m", "action": "kubectl", "args": "scale nodegroup ng --nodes=1" }
        ]),
    );
    let c = e.cost();
    // 2 × 0.096 + 0.10 = 0.292 $/h.
    assert!(close(c.hourly_usd, 0.292), "{c:?}");
    assert!(close(c.ec2_on_demand_hourly_usd, 0.192), "{c:?}");
    assert!(close(c.eks_control_plane_hourly_usd, 0.10), "{c:?}");
    // No pods: both nodes are idle capacity.
    assert!(close(c.idle_hourly_usd, 0.192), "{c:?}");

    e.run_until(60 * 60_000);
    let c = e.cost();
    // One node left (the two newest went at 45m): 0.096 + 0.10.
    assert!(close(c.hourly_usd, 0.196), "{c:?}");
    // Spent: node 1 for 60 min (0.096) + node 2 for 45 min (0.072) + node 3 for 15 min (0.024)
    // + the control plane for 60 min (0.10) = 0.292.
    assert!(close(c.total_usd, 0.292), "{c:?}");

    // The metric: one datapoint per minute boundary the simulation reached, the rate at that
    // instant after everything that happened at it; quiet minutes after the 45m action too.
    let pts: Vec<(u64, f64)> = e.metrics().series("cluster/HourlyCost").map(|(t, v)| (t / 60_000, (v * 1e6).round() / 1e6)).collect();
    assert_eq!(pts.len(), 60, "{pts:?}");
    assert_eq!(pts.first(), Some(&(1, 0.292)));
    assert_eq!(pts.get(28), Some(&(29, 0.292)));
    assert_eq!(pts.get(29), Some(&(30, 0.388)), "the third node joined at 30m");
    assert_eq!(pts.get(43), Some(&(44, 0.388)));
    assert_eq!(pts.get(44), Some(&(45, 0.196)), "back to one node at 45m");
    assert_eq!(pts.last(), Some(&(60, 0.196)));
}

#[test]
fn spot_nodes_and_fargate_pods() {
    let pod = "apiVersion: v1
kind: Pod
metadata:
  name: job
  namespace: batch
  labels:
    compute: fargate
spec:
  containers:
    - name: job
      image: busybox:1.36
      resources:
        requests:
          cpu: 250m
          memory: 256Mi
";
    let mut e = engine(
        json!({
            "nodeGroups": [{ "name": "spot", "instanceType": "m5.large", "desiredSize": 1, "capacityType": "SPOT" }],
            "fargateProfiles": [{ "name": "fp", "selectors": [{ "namespace": "batch" }] }],
            "manifests": ["apiVersion: v1\nkind: Namespace\nmetadata:\n  name: batch\n", pod]
        }),
        json!([]),
    );
    e.run_until(60_000);
    let c = e.cost();
    // Spot m5.large: 0.096 × (1 − 0.60) = 0.0384.
    assert!(close(c.ec2_spot_hourly_usd, 0.0384), "{c:?}");
    // 250m, 256Mi + 256Mi overhead = 512Mi → Fargate 0.25 vCPU / 0.5 GB:
    // 0.25 × 0.04048 + 0.5 × 0.004445 = 0.0123425.
    assert!(close(c.fargate_hourly_usd, 0.0123425), "{c:?}");
    assert!(close(c.hourly_usd, 0.0384 + 0.0123425 + 0.10), "{c:?}");
}
