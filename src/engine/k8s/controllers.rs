//! The workload controllers of kube-controller-manager, as `Engine` methods run by
//! `kube_reconcile` until nothing changes:
//!
//! - **Deployment** (kubernetes/kubernetes `pkg/controller/deployment/rolling.go`, `recreate.go`,
//!   `sync.go`, `progress.go`): finds or creates the ReplicaSet of the current template
//!   (`<name>-<pod-template-hash>`, revision = highest + 1), then one rolling step per pass:
//!   `reconcileNewReplicaSet` scales the new ReplicaSet up to `desired + maxSurge` pods in all;
//!   otherwise `reconcileOldReplicaSets` first scales down old ReplicaSets' unavailable pods, then
//!   old available pods while more than `desired − maxUnavailable` stay available (maxSurge and
//!   maxUnavailable from `deployment::resolve_fenceposts`). Recreate scales the old ReplicaSets to
//!   0, waits for their pods to be gone, then scales the new one up. Conditions: Available
//!   (MinimumReplicasAvailable) and Progressing (NewReplicaSetAvailable, or
//!   ProgressDeadlineExceeded after `progressDeadlineSeconds` without progress). Completed
//!   rollouts keep `revisionHistoryLimit` old ReplicaSets.
//! - **ReplicaSet** (`pkg/controller/replicaset/replica_set.go`): creates or deletes pods to match
//!   `replicas`; deletes first, by `controller.ActivePodsWithRanks`: unscheduled, then pending,
//!   then not ready, then on nodes with more of its pods, then ready for less time, then more
//!   restarts, then newer.
//! - **DaemonSet** (`pkg/controller/daemon`): one pod per node whose labels and taints the
//!   template accepts (nodes added later included), pinned with node affinity on
//!   `metadata.name` and tolerating `node.kubernetes.io/unschedulable`; a changed template
//!   replaces pods one node at a time (RollingUpdate maxUnavailable 1).

use crate::engine::deployment::resolve_fenceposts;
use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{Millis, SECOND};

use super::model::*;
use super::node::TAINT_UNSCHEDULABLE;
use super::scheduler::{required_match, tolerated};
use super::sim::{key, pod_template_hash, ConditionView, DeploymentState, DeploymentView, DsState, KubeItem, PodState, RsState};

/// `ActivePodsWithRanks` order, smallest deleted first: (assigned, phase, ready, −pods of the
/// ReplicaSet on the node, ready for ms, −restarts, −creation).
type DeletionRank = (u8, u8, u8, i64, i64, i64, i64);

pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";

impl Engine {
    /// ReplicaSets owned by a Deployment (key), oldest first.
    pub(crate) fn k_owned_rs(&self, dkey: &str) -> Vec<String> {
        let mut v: Vec<(u64, String)> = self.kube.replica_sets.iter().filter(|(_, r)| r.deployment.as_deref() == Some(dkey)).map(|(k, r)| (r.seq, k.clone())).collect();
        sort::sort(&mut v);
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// (active pods, ready, available) of a ReplicaSet.
    pub(crate) fn k_rs_counts(&self, rkey: &str) -> (i64, i64, i64) {
        let Some(r) = self.kube.replica_sets.get(rkey) else { return (0, 0, 0) };
        let now = self.now();
        let mut c = (0, 0, 0);
        for p in self.kube.pods.values().filter(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &r.rs.meta.name) && p.active()) {
            c.0 += 1;
            if p.ready {
                c.1 += 1;
            }
            if p.available(now, r.rs.min_ready_seconds) {
                c.2 += 1;
            }
        }
        c
    }

    fn k_scale_rs(&mut self, rkey: &str, to: i64) {
        let Some(r) = self.kube.replica_sets.get_mut(rkey) else { return };
        let from = r.rs.replicas;
        if from == to {
            return;
        }
        r.rs.replicas = to;
        let (name, ns) = (r.rs.meta.name.clone(), r.namespace.clone());
        let deployment = r.deployment.as_ref().map(|d| d.rsplit('/').next().unwrap_or(d).to_string()).unwrap_or_default();
        self.emit(EventKind::ReplicaSetScaled { replica_set: name, namespace: ns, deployment, from, to });
    }

    pub(crate) fn k_sync_deployments(&mut self) -> bool {
        let keys: Vec<String> = self.kube.deployments.keys().cloned().collect();
        let mut changed = false;
        for k in keys {
            changed |= self.k_sync_deployment(&k);
        }
        changed
    }

    fn k_sync_deployment(&mut self, dkey: &str) -> bool {
        let Some(ds) = self.kube.deployments.get(dkey).cloned() else { return false };
        let d = &ds.d;
        let desired = d.replicas.max(0);
        let hash = pod_template_hash(&d.template);
        let owned = self.k_owned_rs(dkey);
        let max_rev = owned.iter().filter_map(|k| self.kube.replica_sets.get(k)).map(|r| r.revision).max().unwrap_or(0);
        let new_key = owned.iter().find(|k| self.kube.replica_sets.get(*k).is_some_and(|r| r.hash == hash)).cloned();
        let (ms, mu) = match &d.strategy {
            DeploymentStrategy::RollingUpdate { max_surge, max_unavailable } => resolve_fenceposts(Some(&max_surge.to_string()), Some(&max_unavailable.to_string()), desired as u32).unwrap_or((1, 0)),
            DeploymentStrategy::Recreate => (0, desired as u32),
        };
        let (ms, mu) = (ms as i64, mu as i64);
        let replicas_of = |e: &Engine, k: &str| e.kube.replica_sets.get(k).map(|r| r.rs.replicas).unwrap_or(0);
        let new_key = match new_key {
            Some(k) => {
                // A rollback to an older template: that ReplicaSet becomes the newest revision.
                let rev = self.kube.replica_sets.get(&k).map(|r| r.revision).unwrap_or(0);
                if rev < max_rev {
                    if let Some(r) = self.kube.replica_sets.get_mut(&k) {
                        r.revision = max_rev + 1;
                        r.rs.meta.annotations.insert(REVISION_ANNOTATION.into(), (max_rev + 1).to_string());
                    }
                    self.k_rollout_started(dkey, &k, max_rev + 1);
                }
                // The newest ReplicaSet keeps the Deployment's annotations (change-cause).
                if let Some(r) = self.kube.replica_sets.get_mut(&k) {
                    copy_annotations(&d.meta.annotations, &mut r.rs.meta.annotations);
                }
                k
            }
            None => {
                // newRS replicas at creation (NewRSNewReplicas with the new RS at 0).
                let total: i64 = owned.iter().map(|k| replicas_of(self, k)).sum();
                let initial = match &d.strategy {
                    DeploymentStrategy::Recreate => 0,
                    _ if owned.is_empty() => desired,
                    _ => (desired + ms - total).clamp(0, desired),
                };
                let name = format!("{}-{hash}", d.meta.name);
                let rkey = key(&ds.namespace, &name);
                let mut template = d.template.clone();
                template.meta.labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
                let mut selector = d.selector.clone();
                selector.match_labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
                let mut meta = ObjectMeta { name: name.clone(), namespace: Some(ds.namespace.clone()), labels: template.meta.labels.clone(), ..Default::default() };
                meta.annotations.insert(REVISION_ANNOTATION.into(), (max_rev + 1).to_string());
                copy_annotations(&d.meta.annotations, &mut meta.annotations);
                let rs = ReplicaSet { meta, replicas: 0, selector, template, min_ready_seconds: d.min_ready_seconds };
                let seq = self.k_next_seq();
                let now = self.now();
                self.kube.created.insert(super::sim::created_key("ReplicaSet", &ds.namespace, &rs.meta.name), now);
                self.kube.replica_sets.insert(rkey.clone(), RsState { rs, namespace: ds.namespace.clone(), seq, deployment: Some(dkey.to_string()), revision: max_rev + 1, hash: hash.clone(), create_error: None });
                self.k_rollout_started(dkey, &rkey, max_rev + 1);
                self.k_scale_rs(&rkey, initial);
                return true;
            }
        };
        if d.paused {
            return false;
        }
        let old: Vec<String> = owned.iter().filter(|k| **k != new_key).cloned().collect();
        let new_replicas = replicas_of(self, &new_key);
        match &d.strategy {
            DeploymentStrategy::Recreate => {
                let mut changed = false;
                for k in &old {
                    if replicas_of(self, k) > 0 {
                        self.k_scale_rs(k, 0);
                        changed = true;
                    }
                }
                if changed {
                    return true;
                }
                // Wait until every old pod is gone (terminating ones too).
                let old_names: Vec<(String, String)> = old.iter().filter_map(|k| self.kube.replica_sets.get(k)).map(|r| (r.namespace.clone(), r.rs.meta.name.clone())).collect();
                let old_pods = self.kube.pods.values().any(|p| !p.terminal() && old_names.iter().any(|(ns, n)| p.namespace == *ns && p.owned_by("ReplicaSet", n)));
                if old_pods || new_replicas == desired {
                    return false;
                }
                self.k_scale_rs(&new_key, desired);
                true
            }
            DeploymentStrategy::RollingUpdate { .. } => {
                // reconcileNewReplicaSet
                if new_replicas > desired {
                    self.k_scale_rs(&new_key, desired);
                    return true;
                }
                let total: i64 = owned.iter().map(|k| replicas_of(self, k)).sum();
                if new_replicas < desired {
                    let max_total = desired + ms;
                    if total < max_total {
                        let up = (max_total - total).min(desired - new_replicas);
                        self.k_scale_rs(&new_key, new_replicas + up);
                        return true;
                    }
                }
                // reconcileOldReplicaSets
                let old_total: i64 = old.iter().map(|k| replicas_of(self, k)).sum();
                if old_total == 0 {
                    return false;
                }
                let min_available = desired - mu;
                let (_, _, new_available) = self.k_rs_counts(&new_key);
                let new_unavailable = new_replicas - new_available;
                let max_scaled_down = total - min_available - new_unavailable;
                if max_scaled_down <= 0 {
                    return false;
                }
                let mut changed = false;
                // cleanupUnhealthyReplicas: old ReplicaSets' unavailable pods first.
                let mut cleaned = 0;
                for k in &old {
                    if cleaned >= max_scaled_down {
                        break;
                    }
                    let reps = replicas_of(self, k);
                    let (_, _, avail) = self.k_rs_counts(k);
                    let unhealthy = reps - avail;
                    if reps == 0 || unhealthy <= 0 {
                        continue;
                    }
                    let down = (max_scaled_down - cleaned).min(unhealthy);
                    self.k_scale_rs(k, reps - down);
                    cleaned += down;
                    changed = true;
                }
                // scaleDownOldReplicaSetsForRollingUpdate
                let all_keys: Vec<String> = owned.clone();
                let available: i64 = all_keys.iter().map(|k| self.k_rs_counts(k).2).sum();
                if available > min_available {
                    let mut left = available - min_available;
                    for k in &old {
                        if left <= 0 {
                            break;
                        }
                        let reps = replicas_of(self, k);
                        if reps == 0 {
                            continue;
                        }
                        let down = reps.min(left);
                        self.k_scale_rs(k, reps - down);
                        left -= down;
                        changed = true;
                    }
                }
                changed
            }
        }
    }

    fn k_rollout_started(&mut self, dkey: &str, rkey: &str, revision: u64) {
        let now = self.now();
        let Some(ds) = self.kube.deployments.get_mut(dkey) else { return };
        ds.progress_at = now;
        ds.progressing = (true, "NewReplicaSetCreated".into());
        let deadline = ds.d.progress_deadline_seconds.max(0) as Millis * SECOND;
        let (name, ns) = (ds.d.meta.name.clone(), ds.namespace.clone());
        let rs = rkey.rsplit('/').next().unwrap_or(rkey).to_string();
        self.emit(EventKind::DeploymentRollout { deployment: name, namespace: ns, revision, status: "started".into(), message: format!("ReplicaSet \"{rs}\" is progressing.") });
        self.k_push(deadline, KubeItem::Wake);
    }

    /// Deployment conditions: progress, completion, the progress deadline; history cleanup.
    pub(crate) fn k_deployment_status(&mut self) {
        let now = self.now();
        let keys: Vec<String> = self.kube.deployments.keys().cloned().collect();
        for dkey in keys {
            let Some(ds) = self.kube.deployments.get(&dkey).cloned() else { continue };
            let hash = pod_template_hash(&ds.d.template);
            let owned = self.k_owned_rs(&dkey);
            let Some(new_key) = owned.iter().find(|k| self.kube.replica_sets.get(*k).is_some_and(|r| r.hash == hash)).cloned() else { continue };
            let revision = self.kube.replica_sets.get(&new_key).map(|r| r.revision).unwrap_or(0);
            let new_reps = self.kube.replica_sets.get(&new_key).map(|r| r.rs.replicas).unwrap_or(0);
            let (new_active, _, new_avail) = self.k_rs_counts(&new_key);
            let mut old_reps = 0;
            let mut all_active = 0;
            for k in &owned {
                all_active += self.k_rs_counts(k).0;
                if *k != new_key {
                    old_reps += self.kube.replica_sets.get(k).map(|r| r.rs.replicas).unwrap_or(0);
                }
            }
            let desired = ds.d.replicas.max(0);
            let sig = (new_reps, old_reps, new_avail, new_key.clone());
            let deadline = ds.d.progress_deadline_seconds.max(0) as Millis * SECOND;
            let complete = new_reps == desired && new_active == desired && new_avail == desired && all_active == desired && old_reps == 0;
            let (name, ns) = (ds.d.meta.name.clone(), ds.namespace.clone());
            if sig != ds.progress_sig {
                if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                    d.progress_sig = sig;
                    d.progress_at = now;
                    if !complete && d.progressing.1 != "ProgressDeadlineExceeded" {
                        d.progressing = (true, "ReplicaSetUpdated".into());
                    }
                }
                if !complete {
                    self.k_push(deadline, KubeItem::Wake);
                }
            }
            let progress_at = self.kube.deployments.get(&dkey).map(|d| d.progress_at).unwrap_or(now);
            // Complete again after a change within the same revision (a scale): the condition
            // goes back to NewReplicaSetAvailable, as the deployment controller's syncStatus
            // sets it for a complete Deployment (no new event: the revision rolled out before).
            if complete && ds.complete_revision == revision {
                if let Some(d) = self.kube.deployments.get_mut(&dkey).filter(|d| d.progressing.1 == "ReplicaSetUpdated") {
                    d.progressing = (true, "NewReplicaSetAvailable".into());
                }
            }
            if complete && ds.complete_revision != revision {
                if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                    d.complete_revision = revision;
                    d.progressing = (true, "NewReplicaSetAvailable".into());
                }
                self.emit(EventKind::DeploymentRollout { deployment: name.clone(), namespace: ns.clone(), revision, status: "complete".into(), message: format!("deployment \"{name}\" successfully rolled out") });
                self.k_cleanup_history(&dkey);
            } else if !complete && ds.deadline_revision != revision && now >= progress_at + deadline && !ds.d.paused {
                if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                    d.deadline_revision = revision;
                    d.progressing = (false, "ProgressDeadlineExceeded".into());
                }
                let rs = new_key.rsplit('/').next().unwrap_or(&new_key).to_string();
                self.emit(EventKind::DeploymentRollout {
                    deployment: name.clone(),
                    namespace: ns,
                    revision,
                    status: "ProgressDeadlineExceeded".into(),
                    message: format!("ReplicaSet \"{rs}\" has timed out progressing. (kubectl rollout status: error: deployment \"{name}\" exceeded its progress deadline)"),
                });
            }
        }
    }

    /// Keep `revisionHistoryLimit` old ReplicaSets with no replicas and no pods (oldest go first).
    fn k_cleanup_history(&mut self, dkey: &str) {
        let Some(limit) = self.kube.deployments.get(dkey).map(|d| d.d.revision_history_limit.max(0) as usize) else { return };
        let hash = self.kube.deployments.get(dkey).map(|d| pod_template_hash(&d.d.template)).unwrap_or_default();
        let mut old: Vec<(u64, String)> = self
            .k_owned_rs(dkey)
            .into_iter()
            .filter_map(|k| self.kube.replica_sets.get(&k).filter(|r| r.hash != hash && r.rs.replicas == 0).map(|r| (r.revision, k.clone())))
            .collect();
        sort::sort(&mut old);
        while old.len() > limit {
            let (_, k) = old.remove(0);
            let has_pods = self.kube.replica_sets.get(&k).is_some_and(|r| self.kube.pods.values().any(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &r.rs.meta.name)));
            if !has_pods {
                self.kube.replica_sets.remove(&k);
            }
        }
    }

    pub(crate) fn k_deployment_view(&self, dkey: &str, ds: &DeploymentState, now: Millis) -> DeploymentView {
        let hash = pod_template_hash(&ds.d.template);
        let owned = self.k_owned_rs(dkey);
        let (mut replicas, mut ready, mut available, mut updated, mut revision) = (0, 0, 0, 0, 0);
        for k in &owned {
            let (a, r, av) = self.k_rs_counts(k);
            replicas += a;
            ready += r;
            available += av;
            if let Some(rs) = self.kube.replica_sets.get(k) {
                if rs.hash == hash {
                    updated = a;
                    revision = rs.revision;
                }
            }
        }
        let _ = now;
        let desired = ds.d.replicas;
        let (strategy, mu) = match &ds.d.strategy {
            DeploymentStrategy::RollingUpdate { max_surge, max_unavailable } => {
                let (_, mu) = resolve_fenceposts(Some(&max_surge.to_string()), Some(&max_unavailable.to_string()), desired.max(0) as u32).unwrap_or((1, 0));
                (format!("RollingUpdate maxSurge {max_surge}, maxUnavailable {max_unavailable}"), mu as i64)
            }
            DeploymentStrategy::Recreate => ("Recreate".to_string(), desired),
        };
        let avail_ok = available >= desired - mu;
        DeploymentView {
            created: self.k_created("Deployment", &ds.namespace, &ds.d.meta.name),
            containers: ds.d.template.spec.containers.iter().map(|c| c.name.clone()).collect(),
            images: ds.d.template.spec.containers.iter().map(|c| c.image.clone()).collect(),
            selector: ds.d.selector.to_text(),
            name: ds.d.meta.name.clone(),
            namespace: ds.namespace.clone(),
            desired,
            replicas,
            ready,
            updated,
            available,
            revision,
            strategy,
            conditions: vec![
                ConditionView { kind: "Available".into(), status: avail_ok, reason: if avail_ok { "MinimumReplicasAvailable".into() } else { "MinimumReplicasUnavailable".into() } },
                ConditionView { kind: "Progressing".into(), status: ds.progressing.0, reason: ds.progressing.1.clone() },
            ],
        }
    }

    pub(crate) fn k_sync_replica_sets(&mut self) -> bool {
        let keys: Vec<String> = self.kube.replica_sets.keys().cloned().collect();
        let mut changed = false;
        for rkey in keys {
            let Some(r) = self.kube.replica_sets.get(&rkey).cloned() else { continue };
            let name = r.rs.meta.name.clone();
            let active: Vec<&PodState> = self.kube.pods.values().filter(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &name) && p.active()).collect();
            let diff = active.len() as i64 - r.rs.replicas.max(0);
            if diff < 0 {
                if r.create_error.as_ref().is_some_and(|(_, v)| *v == self.kube.version) {
                    continue;
                }
                for _ in 0..(-diff) {
                    let mut pod = Pod { meta: r.rs.template.meta.clone(), spec: r.rs.template.spec.clone() };
                    let suffix = self.k_random_suffix();
                    pod.meta.name = format!("{name}-{suffix}");
                    if self.kube.pods.contains_key(&key(&r.namespace, &pod.meta.name)) {
                        continue;
                    }
                    match self.k_create_pod(pod, &r.namespace, Some(("ReplicaSet".into(), name.clone())), r.revision) {
                        Ok(_) => {
                            changed = true;
                            if let Some(rs) = self.kube.replica_sets.get_mut(&rkey) {
                                rs.create_error = None;
                            }
                        }
                        Err(message) => {
                            let version = self.kube.version;
                            if let Some(rs) = self.kube.replica_sets.get_mut(&rkey) {
                                rs.create_error = Some((message.clone(), version));
                            }
                            self.emit(EventKind::PodCreateFailed { owner: format!("ReplicaSet/{name}"), namespace: r.namespace.clone(), message });
                            break;
                        }
                    }
                }
            } else if diff > 0 {
                let now = self.now();
                let mut ranked: Vec<(String, DeletionRank)> = active
                    .iter()
                    .map(|p| {
                        let assigned = u8::from(p.node.is_some());
                        let phase = match p.phase {
                            super::sim::PodPhase::Pending => 0,
                            _ => 2,
                        };
                        let ready = u8::from(p.ready);
                        // More pods of this ReplicaSet on the same node: deleted first.
                        let colocated = p.node.as_ref().map(|n| active.iter().filter(|q| q.node.as_ref() == Some(n)).count() as i64).unwrap_or(0);
                        let ready_for = p.ready_since.map(|t| now.saturating_sub(t) as i64).unwrap_or(0);
                        (key(&p.namespace, p.name()), (assigned, phase, ready, -colocated, ready_for, -(p.restarts as i64), -(p.seq as i64)))
                    })
                    .collect();
                sort::sort_by(&mut ranked, |a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
                for (pk, _) in ranked.into_iter().take(diff as usize) {
                    self.k_delete_pod(&pk, "ReplicaSet scaled down");
                    changed = true;
                }
            }
        }
        changed
    }

    /// The nodes a DaemonSet's pods belong on.
    pub(crate) fn k_daemon_nodes(&self, d: &DsState) -> Vec<String> {
        let probe = Pod { meta: d.ds.template.meta.clone(), spec: d.ds.template.spec.clone() };
        self.kube
            .nodes
            .iter()
            .filter(|n| !n.fargate)
            .filter(|n| required_match(&probe, n).is_ok())
            .filter(|n| n.taints.iter().all(|t| t.effect == TaintEffect::PreferNoSchedule || tolerated(&probe.spec.tolerations, t)))
            .map(|n| n.name.clone())
            .collect()
    }

    pub(crate) fn k_sync_daemon_sets(&mut self) -> bool {
        let keys: Vec<String> = self.kube.daemon_sets.keys().cloned().collect();
        let mut changed = false;
        for dkey in keys {
            let Some(d) = self.kube.daemon_sets.get(&dkey).cloned() else { continue };
            let name = d.ds.meta.name.clone();
            let wanted = self.k_daemon_nodes(&d);
            let pods: Vec<(String, Option<String>, String, bool, bool)> = self
                .kube
                .pods
                .values()
                .filter(|p| p.namespace == d.namespace && p.owned_by("DaemonSet", &name) && !p.terminal())
                .map(|p| (key(&p.namespace, p.name()), daemon_target(&p.pod), p.pod.meta.labels.get("controller-revision-hash").cloned().unwrap_or_default(), p.ready, p.terminating))
                .collect();
            // Pods on nodes that no longer want them.
            for (pk, target, _, _, terminating) in &pods {
                if !terminating && target.as_ref().is_none_or(|t| !wanted.contains(t)) {
                    self.k_delete_pod(pk, "DaemonSet pod no longer needed on this node");
                    changed = true;
                }
            }
            for node in &wanted {
                if pods.iter().any(|(_, t, _, _, _)| t.as_deref() == Some(node.as_str())) {
                    continue;
                }
                let mut pod = Pod { meta: d.ds.template.meta.clone(), spec: d.ds.template.spec.clone() };
                let suffix = self.k_random_suffix();
                pod.meta.name = format!("{name}-{suffix}");
                pod.meta.labels.insert("controller-revision-hash".into(), d.hash.clone());
                let term = NodeSelectorTerm {
                    match_expressions: Vec::new(),
                    match_fields: vec![NodeSelectorRequirement { key: "metadata.name".into(), operator: NodeSelectorOp::In, values: vec![node.clone()] }],
                };
                let mut aff = pod.spec.affinity.clone().unwrap_or_default();
                aff.node_affinity = Some(NodeAffinity { required: Some(vec![term]), preferred: aff.node_affinity.map(|n| n.preferred).unwrap_or_default() });
                pod.spec.affinity = Some(aff);
                // As upstream's AddOrUpdateDaemonPodTolerations (pkg/controller/daemon/util).
                for (k, effect) in [
                    (TAINT_UNSCHEDULABLE, TaintEffect::NoSchedule),
                    ("node.kubernetes.io/not-ready", TaintEffect::NoExecute),
                    ("node.kubernetes.io/unreachable", TaintEffect::NoExecute),
                    ("node.kubernetes.io/disk-pressure", TaintEffect::NoSchedule),
                    ("node.kubernetes.io/memory-pressure", TaintEffect::NoSchedule),
                    ("node.kubernetes.io/pid-pressure", TaintEffect::NoSchedule),
                ] {
                    pod.spec.tolerations.push(Toleration { key: k.into(), operator: TolerationOp::Exists, value: String::new(), effect: Some(effect), toleration_seconds: None });
                }
                match self.k_create_pod(pod, &d.namespace, Some(("DaemonSet".into(), name.clone())), 0) {
                    Ok(_) => changed = true,
                    Err(message) => {
                        self.emit(EventKind::PodCreateFailed { owner: format!("DaemonSet/{name}"), namespace: d.namespace.clone(), message });
                        break;
                    }
                }
            }
            // RollingUpdate (maxUnavailable 1): replace one outdated pod when all are ready.
            if matches!(d.ds.update_strategy, DaemonSetStrategy::RollingUpdate { .. }) {
                let live: Vec<&(String, Option<String>, String, bool, bool)> = pods.iter().filter(|p| !p.4).collect();
                let all_ready = live.iter().all(|p| p.3) && live.len() == wanted.len();
                if all_ready {
                    if let Some(old) = live.iter().find(|p| p.2 != d.hash) {
                        self.k_delete_pod(&old.0, "DaemonSet rolling update");
                        changed = true;
                    }
                }
            }
        }
        changed
    }
}

/// The Deployment controller copies the Deployment's annotations to its newest ReplicaSet, all
/// but its own and kubectl's bookkeeping (deployment_util.go `copyDeploymentAnnotationsToReplicaSet`,
/// `annotationsToSkip`); `kubectl rollout history` reads `kubernetes.io/change-cause` there.
fn copy_annotations(from: &crate::engine::k8s::model::Labels, to: &mut crate::engine::k8s::model::Labels) {
    const SKIP: [&str; 6] = [
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION_ANNOTATION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    ];
    for (k, v) in from {
        if !SKIP.contains(&k.as_str()) && to.get(k) != Some(v) {
            to.insert(k.clone(), v.clone());
        }
    }
}

/// The node a DaemonSet pod is pinned to (its `metadata.name` node affinity).
fn daemon_target(pod: &Pod) -> Option<String> {
    pod.spec.affinity.as_ref()?.node_affinity.as_ref()?.required.as_ref()?.first()?.match_fields.first()?.values.first().cloned()
}
