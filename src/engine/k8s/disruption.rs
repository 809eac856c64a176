//! Failures that hit Kubernetes nodes: an Availability Zone outage and a Spot interruption.
//! The controllers then do what they always do: a ReplicaSet replaces pods that are gone or
//! being deleted, and the scheduler places the replacements on the nodes that are left.
//!
//! * **AZ outage** ([`Engine::k_az_outage`]): every EC2 node in the zone stops reporting. The node
//!   lifecycle controller marks it NotReady and taints it `node.kubernetes.io/unreachable`
//!   (NoSchedule and NoExecute), so nothing new is scheduled there; its pods' Ready condition
//!   turns False ("NodeNotReady"), so they leave Service endpoints. Pods tolerate the NoExecute
//!   taint for **300 s** (the `DefaultTolerationSeconds` admission plugin adds
//!   `tolerationSeconds: 300` for `node.kubernetes.io/unreachable`); then taint-based eviction
//!   deletes them — they stay listed `Terminating` (the kubelet cannot confirm) until the zone
//!   comes back, but no longer count for their ReplicaSet, which creates replacements elsewhere.
//!   Fargate pods in the zone are lost at once. (The node monitor's 40 s grace period before
//!   NotReady is not modelled: the node is NotReady at once.)
//! * **AZ recovery** ([`Engine::k_az_recover`]): the nodes report again; the taints go, the
//!   Terminating pods are confirmed gone, and the pods that were not evicted yet are Ready again.
//! * **Spot interruption** ([`Engine::k_spot_interruption`]): the two-minute warning; the node is
//!   cordoned and drained as the AWS Node Termination Handler (or Karpenter's interruption
//!   handling) does — evictions honour PodDisruptionBudgets and are retried every 5 s — and two
//!   minutes later the instance is reclaimed with whatever still runs on it
//!   (`instanceTerminated`). A node group's Auto Scaling group launches a replacement (it joins
//!   90 s later, as the Cluster Autoscaler's default launch delay); a provisioner node is simply
//!   gone and the provisioner launches for the pods left pending.
//!
//! These are entry points for the engine's `azOutage`, `azRecover` and `spotInterruption`
//! actions: `service.rs` (not part of the Kubernetes code) calls them — `k_az_outage` /
//! `k_az_recover` from `az_outage` / `az_recover`, and `k_spot_interruption` when
//! `spotInterruption`'s `instance` names a Kubernetes node.

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{Millis, SECOND};

use super::model::TaintEffect;
use super::node::Taint;
use super::sim::{key, KubeItem, PodPhase};

/// `tolerationSeconds` the DefaultTolerationSeconds admission plugin gives every pod for
/// `node.kubernetes.io/unreachable:NoExecute`.
pub const UNREACHABLE_TOLERATION: Millis = 300 * SECOND;
/// The Spot interruption notice.
pub const SPOT_WARNING: Millis = 120 * SECOND;
/// How long a node group's replacement for a reclaimed Spot node takes to join.
pub const REPLACEMENT_DELAY: Millis = 90 * SECOND;
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";

impl Engine {
    /// The EC2 nodes of a zone stop reporting (see the module docs). Returns the nodes hit.
    pub(crate) fn k_az_outage(&mut self, az: &str) -> Vec<String> {
        if !self.kube.enabled || !self.kube.down_zones.insert(az.to_string()) {
            return Vec::new();
        }
        let nodes: Vec<(String, bool)> = self.kube.nodes.iter().filter(|n| self.kube.node_meta.get(&n.name).is_some_and(|m| m.zone == az)).map(|n| (n.name.clone(), n.fargate)).collect();
        let mut hit = Vec::new();
        for (name, fargate) in nodes {
            let pods: Vec<String> = self.kube.pods.iter().filter(|(_, p)| p.node.as_deref() == Some(name.as_str()) && !p.terminal()).map(|(k, _)| k.clone()).collect();
            if fargate {
                // The microVM is gone with its pod.
                for pk in pods {
                    self.k_remove_pod(&pk);
                }
                continue;
            }
            if let Some(n) = self.kube.nodes.iter_mut().find(|n| n.name == name) {
                for effect in [TaintEffect::NoSchedule, TaintEffect::NoExecute] {
                    if !n.taints.iter().any(|t| t.key == TAINT_UNREACHABLE && t.effect == effect) {
                        n.taints.push(Taint::new(TAINT_UNREACHABLE, "", effect));
                    }
                }
            }
            for pk in pods {
                let Some(p) = self.kube.pods.get_mut(&pk) else { continue };
                // The kubelet's timers for the pod are void: nothing reports from the node.
                p.gen += 1;
                let was_ready = p.ready;
                p.ready = false;
                p.ready_since = None;
                if p.phase == PodPhase::Running {
                    p.status = "Unknown".into();
                }
                let (pod, ns) = (p.name().to_string(), p.namespace.clone());
                if was_ready {
                    self.emit(EventKind::PodNotReady { pod, namespace: ns, reason: format!("NodeNotReady: node {name} is unreachable (Availability Zone {az} is down)") });
                }
            }
            self.k_push(UNREACHABLE_TOLERATION, KubeItem::TaintEviction { node: name.clone() });
            hit.push(name);
        }
        self.kube.version += 1;
        hit
    }

    /// Taint-based eviction on an unreachable node, 300 s after the taint.
    pub(crate) fn k_taint_eviction(&mut self, node: &str) {
        let down = self.kube.node_meta.get(node).is_some_and(|m| self.kube.down_zones.contains(&m.zone));
        if !down {
            return;
        }
        let mut pods: Vec<(u64, String)> = self
            .kube
            .pods
            .iter()
            .filter(|(_, p)| p.node.as_deref() == Some(node) && p.active() && p.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"))
            .map(|(k, p)| (p.seq, k.clone()))
            .collect();
        sort::sort(&mut pods);
        for (_, pk) in pods {
            let Some(p) = self.kube.pods.get_mut(&pk) else { continue };
            p.terminating = true;
            p.gen += 1;
            p.status = "Terminating".into();
            let grace = (p.pod.spec.termination_grace_period_seconds.max(0) as Millis) * SECOND;
            let (pod, ns) = (p.name().to_string(), p.namespace.clone());
            self.emit(EventKind::PodTerminating { pod, namespace: ns, reason: format!("TaintManagerEviction: node {node} unreachable for 300s; stays Terminating until the node reports again"), grace_ms: grace });
        }
        self.kube.version += 1;
    }

    /// The zone is back (see the module docs).
    pub(crate) fn k_az_recover(&mut self, az: &str) {
        if !self.kube.down_zones.remove(az) {
            return;
        }
        let nodes: Vec<String> = self.kube.nodes.iter().filter(|n| self.kube.node_meta.get(&n.name).is_some_and(|m| m.zone == az)).map(|n| n.name.clone()).collect();
        for name in nodes {
            if let Some(n) = self.kube.nodes.iter_mut().find(|n| n.name == name) {
                n.taints.retain(|t| t.key != TAINT_UNREACHABLE);
            }
            let pods: Vec<String> = self.kube.pods.iter().filter(|(_, p)| p.node.as_deref() == Some(name.as_str()) && !p.terminal()).map(|(k, _)| k.clone()).collect();
            for pk in pods {
                let Some(p) = self.kube.pods.get(&pk) else { continue };
                if p.terminating {
                    // The kubelet confirms: the evicted pods are gone.
                    self.k_remove_pod(&pk);
                } else if p.phase == PodPhase::Running {
                    // The kubelet reports again; its probes start over.
                    let gen = p.gen;
                    if let Some(p) = self.kube.pods.get_mut(&pk) {
                        p.status = "Running".into();
                    }
                    self.k_push(0, KubeItem::Pod { pod: pk.clone(), gen, step: super::sim::PodStep::Started });
                }
            }
        }
        self.kube.version += 1;
    }

    /// A Spot interruption notice for a node (see the module docs).
    pub(crate) fn k_spot_interruption(&mut self, node: &str) -> Result<(), String> {
        let meta = self.kube.node_meta.get(node).ok_or_else(|| format!("Error from server (NotFound): nodes {node:?} not found"))?;
        if meta.fargate {
            return Err(format!("{node} is a Fargate node; Fargate pods on EKS do not run on Spot"));
        }
        let stop_at = self.now() + SPOT_WARNING;
        self.emit(EventKind::SpotInterruptionWarning { instance: Some(node.to_string()), task: None, stop_at });
        self.spot_deadlines.insert(node.to_string(), stop_at);
        self.k_cordon(node, true);
        self.kube.draining.insert(node.to_string(), true);
        self.k_drain_pass(node);
        self.k_push(SPOT_WARNING, KubeItem::SpotReclaim { node: node.to_string() });
        Ok(())
    }

    /// A node's EC2 instance is terminated at once (the page's ✕, `terminateInstance`): like a
    /// Spot reclaim without the notice. Its pods are gone without eviction (no grace period, no
    /// PodDisruptionBudget), their controllers create replacements, and a managed node group's
    /// Auto Scaling group launches a new instance.
    pub(crate) fn k_terminate_node(&mut self, node: &str) -> Result<(), String> {
        let meta = self.kube.node_meta.get(node).ok_or_else(|| format!("Error from server (NotFound): nodes {node:?} not found"))?;
        if meta.fargate {
            return Err(format!("{node} is a Fargate node: it exists only for its pod; delete the pod instead (kubectl delete pod NAME)"));
        }
        self.k_spot_reclaim(node);
        Ok(())
    }

    /// Two minutes after the notice the instance is gone, with whatever still runs on it.
    pub(crate) fn k_spot_reclaim(&mut self, node: &str) {
        let Some(meta) = self.kube.node_meta.get(node).cloned() else { return };
        let pods: Vec<String> = self.kube.pods.iter().filter(|(_, p)| p.node.as_deref() == Some(node)).map(|(k, _)| k.clone()).collect();
        let names: Vec<String> = pods.iter().filter_map(|k| self.kube.pods.get(k)).filter(|p| !p.terminal()).map(|p| key(&p.namespace, p.name())).collect();
        for pk in pods {
            self.k_remove_pod(&pk);
        }
        self.k_forget_node(node);
        self.emit(EventKind::InstanceTerminated { instance: node.to_string(), tasks_stopped: names });
        if let Some(p) = self.kube.provisioner.as_mut() {
            p.nodes.remove(node);
            p.empty_since.remove(node);
            p.pods_since.remove(node);
            if p.consolidating.as_ref().is_some_and(|c| c.node == node) {
                p.consolidating = None;
            }
            if meta.nodegroup == p.name {
                return;
            }
        }
        if self.kube.node_groups.iter().any(|g| g.name == meta.nodegroup) {
            self.k_push(REPLACEMENT_DELAY, KubeItem::CaNodeJoin { group: meta.nodegroup.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::event::EventKind;
    use crate::engine::scenario::parse_scenario;
    use crate::engine::sim::Engine;

    const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
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
              cpu: 250m
              memory: 128Mi
";

    fn engine() -> Engine {
        let s = serde_json::json!({
            "berth": 1, "name": "k8s disruption", "seed": 9,
            "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
            "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 2, "maxSize": 3 }], "manifests": [WEB] },
        });
        match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files"))) {
            Ok(sc) => sc.start(None),
            Err(d) => panic!("{d:?}"),
        }
    }

    /// (node, pods there that are Ready, pods there in all) per node.
    fn per_node(e: &Engine) -> Vec<(String, usize, usize)> {
        let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
        k.nodes
            .iter()
            .map(|n| {
                let here: Vec<_> = k.pods.iter().filter(|p| p.node.as_deref() == Some(n.name.as_str())).collect();
                (n.name.clone(), here.iter().filter(|p| p.ready).count(), here.len())
            })
            .collect()
    }

    #[test]
    fn az_outage_moves_pods_after_the_300_second_toleration() {
        let mut e = engine();
        e.run_until(60_000);
        let a = "ip-10-0-1-10.ec2.internal".to_string();
        let b = "ip-10-0-2-10.ec2.internal".to_string();
        assert_eq!(per_node(&e), vec![(a.clone(), 2, 2), (b.clone(), 2, 2)]);
        assert_eq!(e.k_az_outage("us-east-1a"), vec![a.clone()]);
        e.run_until(120_000);
        // Not Ready at once (out of endpoints), but not replaced yet: the pods tolerate the
        // unreachable taint for 300 s.
        assert_eq!(per_node(&e), vec![(a.clone(), 0, 2), (b.clone(), 2, 2)]);
        e.run_until(361_000);
        // At 360 s they are evicted (Terminating, stuck on the unreachable node) and replaced on
        // the other node, which now holds all four Ready pods.
        assert_eq!(per_node(&e), vec![(a.clone(), 0, 2), (b.clone(), 4, 4)]);
        let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
        assert!(k.pods.iter().filter(|p| p.node.as_deref() == Some(a.as_str())).all(|p| p.status == "Terminating"));
        let n = k.nodes.iter().find(|n| n.name == a).unwrap_or_else(|| panic!("node"));
        assert_eq!(n.taints, vec!["node.kubernetes.io/unreachable:NoSchedule".to_string(), "node.kubernetes.io/unreachable:NoExecute".to_string()]);
        // The zone comes back: the stuck pods are confirmed gone, the taints lifted.
        e.k_az_recover("us-east-1a");
        e.run_until(400_000);
        assert_eq!(per_node(&e), vec![(a, 0, 0), (b, 4, 4)]);
    }

    #[test]
    fn fargate_pods_in_a_lost_zone_come_back_in_another() {
        let s = serde_json::json!({
            "berth": 1, "name": "k8s fargate outage", "seed": 9,
            "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
            "kubernetes": { "fargateProfiles": [{ "name": "fp", "selectors": [{ "namespace": "default" }] }], "manifests": [WEB] },
        });
        let mut e = match parse_scenario(&s.to_string(), &|f: &str| Err(format!("{f}: no files"))) {
            Ok(sc) => sc.start(None),
            Err(d) => panic!("{d:?}"),
        };
        e.run_until(60_000);
        let zones = |e: &Engine| {
            let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
            let mut z: Vec<String> = k.nodes.iter().map(|n| n.zone.clone()).collect();
            z.sort();
            z
        };
        assert_eq!(zones(&e), vec!["us-east-1a", "us-east-1a", "us-east-1b", "us-east-1b"]);
        assert_eq!(e.k_az_outage("us-east-1a"), Vec::<String>::new(), "no EC2 node there");
        // What the engine does after every action: the controllers run.
        e.kube_reconcile();
        e.run_until(120_000);
        // The two Fargate pods in us-east-1a are gone at once; their replacements run in us-east-1b.
        assert_eq!(zones(&e), vec!["us-east-1b", "us-east-1b", "us-east-1b", "us-east-1b"]);
    }

    #[test]
    fn spot_interruption_drains_then_reclaims_and_the_group_replaces_the_node() {
        let mut e = engine();
        e.run_until(60_000);
        let a = "ip-10-0-1-10.ec2.internal".to_string();
        let b = "ip-10-0-2-10.ec2.internal".to_string();
        e.k_spot_interruption(&a).unwrap_or_else(|m| panic!("{m}"));
        e.run_until(70_000);
        // Cordoned and drained at once; the evicted pods' replacements run on the other node.
        assert_eq!(per_node(&e), vec![(a.clone(), 0, 0), (b.clone(), 4, 4)]);
        e.run_until(181_000);
        // Reclaimed at 180 s; the group's replacement joins 90 s later, in the zone that lost
        // the node (an Auto Scaling group keeps its zones balanced): us-east-1a.
        assert_eq!(per_node(&e), vec![(b.clone(), 4, 4)]);
        e.run_until(271_000);
        let names: Vec<String> = per_node(&e).into_iter().map(|x| x.0).collect();
        assert_eq!(names, vec![b, "ip-10-0-1-11.ec2.internal".to_string()]);
        let kinds: Vec<(u64, &str)> = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::SpotInterruptionWarning { .. } | EventKind::InstanceTerminated { .. } | EventKind::NodeDrained { .. } | EventKind::KubeNodeReady { .. })).map(|ev| (ev.t / 1000, ev.kind.name())).collect();
        assert_eq!(kinds, vec![(0, "kubeNodeReady"), (0, "kubeNodeReady"), (60, "spotInterruptionWarning"), (61, "nodeDrained"), (180, "instanceTerminated"), (270, "kubeNodeReady")]);
        assert!(e.k_spot_interruption("fargate-x").is_err());
    }
}
