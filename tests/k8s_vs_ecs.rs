//! The same workload as an ECS service and as a Kubernetes Deployment, on the same three
//! t3.medium machines (one per AZ), where one machine is already busy with a batch job. The two
//! schedulers decide differently, for the reasons docs/kubernetes.md gives:
//!
//! - ECS's default service placement (spread by AZ, then by instance) counts the *service's own
//!   tasks*, not resource use: one web task per AZ, including the busy instance.
//! - kube-scheduler sums weighted scores: LeastAllocated and BalancedAllocation see the busy
//!   node's CPU use and pull pods away from it, while the default topology spread (ScheduleAnyway,
//!   weight 2) pulls towards it.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

fn start(s: Value) -> Engine {
    match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files"))) {
        Ok(sc) => {
            let mut e = sc.start(None);
            e.run_until(120_000);
            e
        }
        Err(d) => panic!("{d:?}"),
    }
}

const AZS: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

fn taskdef(family: &str, cpu: u32, memory: u32) -> Value {
    json!({
        "family": family, "networkMode": "bridge", "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [{ "name": family, "image": "nginx:1.25", "cpu": cpu, "memory": memory, "essential": true }]
    })
}

/// Web tasks per AZ (ECS).
fn ecs(web_count: u32) -> Vec<usize> {
    let e = start(json!({
        "berth": 1, "name": "ecs side", "seed": 9,
        "cluster": { "availabilityZones": AZS, "instances": [
            { "type": "t3.medium", "az": "us-east-1a", "count": 1 },
            { "type": "t3.medium", "az": "us-east-1b", "count": 1 },
            { "type": "t3.medium", "az": "us-east-1c", "count": 1 }
        ] },
        "taskDefinitions": [taskdef("batch", 1536, 512), taskdef("web", 256, 512)],
        "runTasks": [{ "taskDefinition": "batch", "placementConstraints": [{ "type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a" }] }],
        "services": [{ "serviceName": "web", "taskDefinition": "web", "desiredCount": web_count, "launchType": "EC2" }]
    }));
    let snap = e.snapshot();
    AZS.iter().map(|az| snap.tasks.iter().filter(|t| t.az == *az && t.service.as_deref() == Some("web")).count()).collect()
}

/// Web pods per node, nodes in AZ order (Kubernetes).
fn k8s(web_count: u32) -> (Vec<usize>, Engine) {
    let batch = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: batch\nspec:\n  nodeName: ip-10-0-1-10.ec2.internal\n  containers:\n    - name: batch\n      image: batch:1\n      resources:\n        requests:\n          cpu: 1500m\n          memory: 512Mi\n";
    let web = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {web_count}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n          resources:\n            requests:\n              cpu: 250m\n              memory: 512Mi\n"
    );
    let e = start(json!({
        "berth": 1, "name": "k8s side", "seed": 9,
        "cluster": { "availabilityZones": AZS },
        "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 3 }], "manifests": [batch, web] }
    }));
    let k = e.snapshot().kube.unwrap();
    let counts = k.nodes.iter().map(|n| k.pods.iter().filter(|p| p.node.as_deref() == Some(n.name.as_str()) && p.name.starts_with("web-")).count()).collect();
    (counts, e)
}

#[test]
fn three_replicas_both_one_per_az_for_different_reasons() {
    // ECS: spread by AZ counts the service's tasks only.
    assert_eq!(ecs(3), vec![1, 1, 1]);
    // Kubernetes lands on the same layout, but as a weighed compromise: on the busy node the pod
    // loses on resources and wins on spread.
    let (counts, e) = k8s(3);
    assert_eq!(counts, vec![1, 1, 1]);
    let k = e.snapshot().kube.unwrap();
    let on_busy = k.pods.iter().find(|p| p.name.starts_with("web-") && p.node.as_deref() == Some("ip-10-0-1-10.ec2.internal")).unwrap();
    let why = e.explain_pod(&on_busy.name).unwrap();
    let busy = why.node("ip-10-0-1-10.ec2.internal").unwrap();
    let score = |n: &berth::engine::k8s::scheduler::NodeReport, plugin: &str| n.scores.iter().find(|s| s.plugin == plugin).map(|s| s.weighted).unwrap_or(0);
    for other in why.nodes.iter().filter(|n| n.node != busy.node) {
        assert!(score(busy, "NodeResourcesFit") < score(other, "NodeResourcesFit"), "{busy:?} vs {other:?}");
        assert!(score(busy, "NodeResourcesBalancedAllocation") < score(other, "NodeResourcesBalancedAllocation"));
        assert!(score(busy, "PodTopologySpread") > score(other, "PodTopologySpread"));
        assert!(busy.total.unwrap() >= other.total.unwrap());
    }
}

#[test]
fn six_replicas_ecs_keeps_counting_kubernetes_avoids_the_busy_node() {
    // Six replicas: ECS fills the busy instance's last 512 units with two web tasks — it spreads
    // by AZ whatever the load; Kubernetes has 430m free there (room for one 250m pod) and keeps
    // the second pod off it: the idle nodes' resource scores outweigh the spread.
    let ecs_counts = ecs(6);
    assert_eq!(ecs_counts.iter().sum::<usize>(), 6);
    let (k8s_counts, _) = k8s(6);
    assert_eq!(k8s_counts.iter().sum::<usize>(), 6);
    assert_ne!(ecs_counts, k8s_counts, "ECS {ecs_counts:?} vs Kubernetes {k8s_counts:?}");
    assert_eq!(ecs_counts, vec![2, 2, 2]);
    assert_eq!(k8s_counts, vec![1, 3, 2]);
}
