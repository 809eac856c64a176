//! A pod's life on its node, on virtual time: ContainerCreating (Fargate provisioning, init
//! containers, image pulls at 50 MB/s with a per-node cache, as ECS), Running, Ready per the
//! probes (`kubelet::plan`), restarts with CrashLoopBackOff, ErrImagePull / ImagePullBackOff,
//! Terminating with `terminationGracePeriodSeconds`.
//!
//! **Behaviours.** A pod's app behaves as the scenario's `behaviors` say, looked up by, in order:
//! the first container's image exactly (`"web:2.0"`), then `<deployment>:<revision>` (the
//! Deployment revision of the pod's ReplicaSet), then the Deployment (or ReplicaSet, DaemonSet,
//! pod) name; otherwise it behaves well. The behaviour applies to the pod's first container;
//! its `initRunsFor` to each regular init container, and a non-zero `initExitCode` fails the
//! first init container that is not a sidecar (`k_init_exited`).

use crate::engine::behavior::Behavior;
use crate::engine::event::EventKind;
use crate::engine::lifecycle::{CONTAINER_START_MS, FARGATE_PROVISION_MS};
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{Millis, SECOND};

use super::kubelet::{self, Kill, BACKOFF_RESET_AFTER};
use super::model::RestartPolicy;
use super::scheduler::ScheduleResult;
use super::sim::{key, KubeItem, PodPhase, PodStep};

const MIB: i64 = 1 << 20;

impl Engine {
    /// The behaviour of a pod's app (see the module doc for the lookup order).
    pub(crate) fn k_behavior(&self, pod_key: &str) -> Behavior {
        let Some(p) = self.kube.pods.get(pod_key) else { return Behavior::well_behaved() };
        if let Some(c) = p.pod.spec.containers.first() {
            if let Some(b) = self.behaviors.get(&c.image) {
                return b.clone();
            }
        }
        let family = match &p.owner {
            Some((kind, rs)) if kind == "ReplicaSet" => {
                self.kube.replica_sets.get(&key(&p.namespace, rs)).and_then(|r| r.deployment.as_ref()).map(|d| d.rsplit('/').next().unwrap_or(d).to_string()).unwrap_or_else(|| rs.clone())
            }
            Some((_, n)) => n.clone(),
            None => p.name().to_string(),
        };
        self.behavior_for(&family, p.revision as u32)
    }

    /// The scheduler (or the Fargate scheduler) bound the pod: start creating its containers.
    pub(crate) fn k_bind(&mut self, pod_key: &str, node: &str, why: String, decision: Option<ScheduleResult>) {
        let b = self.k_behavior(pod_key);
        let fargate = self.kube.node_meta.get(node).is_some_and(|m| m.fargate);
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        p.node = Some(node.to_string());
        p.status = "ContainerCreating".into();
        p.message = None;
        p.init_done = Vec::new();
        p.pulls = Vec::new();
        p.init_failing = None;
        if decision.is_some() {
            p.decision = decision;
        }
        p.gen += 1;
        let gen = p.gen;
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        let init_images: Vec<String> = p.pod.spec.init_containers.iter().map(|c| c.image.clone()).collect();
        let app_images: Vec<String> = p.pod.spec.containers.iter().map(|c| c.image.clone()).collect();
        let sidecars = p.pod.spec.sidecars.clone();
        let mut images: Vec<String> = p.pod.spec.init_containers.iter().chain(p.pod.spec.containers.iter()).map(|c| c.image.clone()).collect();
        sort::sort(&mut images);
        images.dedup();
        // The behaviour's non-zero `initExitCode` fails the first init container that is not a
        // sidecar (a sidecar keeps running; it never "completes").
        let failing = if b.init_exit_code != 0 { (0..init_images.len()).find(|i| !sidecars.contains(i)) } else { None };
        self.emit(EventKind::PodScheduled { pod: name, namespace: ns, node: node.to_string(), why });
        let cached = self.kube.nodes.iter().find(|n| n.name == node).map(|n| images.iter().all(|i| n.images.contains_key(i))).unwrap_or(false);
        let prov = if fargate { FARGATE_PROVISION_MS } else { 0 };
        if b.image_pull_fails && !cached {
            self.k_push(prov + SECOND, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::PullFailed });
            return;
        }
        // The kubelet's order (kuberuntime_manager.go SyncPod: one init container at a time,
        // `computeInitContainerActions`): each init container after its image is pulled (an
        // image pulls once); a regular one runs `initRunsFor` and must exit 0 before the next
        // starts; a sidecar (`restartPolicy: Always`) lets the next one start as soon as it has
        // started (1 s, as any container start) and keeps running. Then the remaining images,
        // then the app's containers start. No timer per init container: the snapshot reads
        // the times (`Init:1/2`); only a failing one gets a timer (`InitExited`).
        let on_node = self.kube.nodes.iter().find(|n| n.name == node).map(|n| &n.images);
        let mut t = self.now() + prov;
        let mut init_done = Vec::with_capacity(init_images.len());
        let mut init_started = Vec::with_capacity(init_images.len());
        let mut fails_at = None;
        // Each container's image as the kubelet's EnsureImageExists reports it: (image, when the
        // pull started, when it ended; equal when the image was already there), pulling it at
        // `t` unless the node had it or this pod pulled it already; returns when it is there.
        let size = b.image_size_mb as i64 * 1_000_000;
        let mut pulls: Vec<(String, Millis, Millis, i64)> = Vec::new();
        let mut ensure = |image: &String, t: Millis| {
            let there = on_node.is_some_and(|m| m.contains_key(image)) || pulls.iter().any(|(i, ..)| i == image);
            let end = if there { t } else { t + b.pull_ms(false) };
            pulls.push((image.clone(), t, end, size));
            end
        };
        for (i, image) in init_images.iter().enumerate() {
            t = ensure(image, t);
            init_started.push(t);
            if sidecars.contains(&i) {
                t += CONTAINER_START_MS;
                init_done.push(t);
                continue;
            }
            t += b.init_runs_for;
            if failing == Some(i) {
                fails_at = Some(t);
                break;
            }
            init_done.push(t);
        }
        if fails_at.is_none() {
            // The app's containers, in order: each image not yet there is pulled (once).
            for image in &app_images {
                t = ensure(image, t);
            }
        }
        if let Some(p) = self.kube.pods.get_mut(pod_key) {
            p.init_done = init_done;
            p.init_started = init_started;
            p.init_failing = failing;
            p.pulls = pulls;
        }
        if let Some(at) = fails_at {
            self.k_push(at - self.now(), KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::InitExited });
            return;
        }
        let delay = t + CONTAINER_START_MS - self.now();
        self.k_push(delay, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::Started });
    }

    /// The failing init container exited (`initExitCode`): `Init:Error`. The kubelet restarts
    /// it under `restartPolicy` Always (or OnFailure, the code being non-zero) with the same
    /// back-off as any container (kuberuntime_manager.go: init containers go through `start`,
    /// hence `doBackOff`: at once the first time, then 10 s doubling up to 300 s,
    /// `MaxContainerBackOff`): 1 s later (the PLEG relist period) it shows
    /// `Init:CrashLoopBackOff` until the back-off is over, then it runs again (`Init:0/1`).
    /// Under `Never` the pod fails (docs "Init Containers": "if the Pod has a restartPolicy of
    /// Never, and an init container fails during startup of that Pod, Kubernetes treats the
    /// overall Pod as failed"). The restart is counted when it happens (`InitRestart`).
    fn k_init_exited(&mut self, pod_key: &str) {
        let b = self.k_behavior(pod_key);
        let now = self.now();
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        let idx = p.init_failing.unwrap_or(0);
        let container = p.pod.spec.init_containers.get(idx).map(|c| c.name.clone()).unwrap_or_default();
        let code = b.init_exit_code;
        // The kubelet pulled the images of the init containers that ran: the node keeps them.
        let node = p.node.clone().unwrap_or_default();
        let pulled: Vec<String> = p.pod.spec.init_containers.iter().take(idx + 1).map(|c| c.image.clone()).collect();
        let size = b.image_size_mb as i64 * 1_000_000;
        if let Some(n) = self.kube.nodes.iter_mut().find(|n| n.name == node) {
            for i in pulled {
                n.images.entry(i).or_insert(size);
            }
        }
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        p.init_last_exit = Some((now, code));
        p.status = "Init:Error".into();
        p.gen += 1;
        let gen = p.gen;
        let restart = match p.pod.spec.restart_policy {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => code != 0,
            RestartPolicy::Never => false,
        };
        if !restart {
            p.phase = PodPhase::Failed;
            let restart_count = p.init_restarts;
            self.kube.version += 1;
            self.emit(EventKind::InitContainerFailed { pod: name, namespace: ns, container, exit_code: code, restart_count, back_off_ms: 0, restart: false });
            return;
        }
        if b.init_runs_for >= BACKOFF_RESET_AFTER {
            p.init_backoffs = 0;
        }
        let delay = kubelet::restart_backoff(p.init_backoffs);
        p.init_backoffs += 1;
        // The count goes up when the kubelet creates the next container (InitRestart), as
        // kuberuntime_container.go's `restartCount = containerStatus.RestartCount + 1`; the
        // event says which restart this one will be.
        let restart_count = p.init_restarts + 1;
        self.emit(EventKind::InitContainerFailed { pod: name, namespace: ns, container, exit_code: code, restart_count, back_off_ms: delay, restart: true });
        if delay > 0 {
            self.k_push(SECOND, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::InitBackOff });
        }
        self.k_push(delay + CONTAINER_START_MS, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::InitRestart });
    }

    pub(crate) fn k_pod_step(&mut self, pod_key: &str, gen: u32, step: PodStep) {
        let Some(p) = self.kube.pods.get(pod_key) else { return };
        if p.gen != gen {
            return;
        }
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        let now = self.now();
        match step {
            PodStep::Started => {
                let b = self.k_behavior(pod_key);
                let size = b.image_size_mb as i64 * 1_000_000;
                let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
                let node = p.node.clone().unwrap_or_default();
                let first = p.started_at.is_none();
                p.phase = PodPhase::Running;
                p.status = "Running".into();
                p.started_at = Some(now);
                // A restart: the new container's restartCount (kuberuntime_container.go).
                if !first {
                    p.restarts += 1;
                }
                let c = p.pod.spec.containers.first().cloned();
                let images: Vec<String> = p.pod.spec.init_containers.iter().chain(p.pod.spec.containers.iter()).map(|c| c.image.clone()).collect();
                if let Some(n) = self.kube.nodes.iter_mut().find(|n| n.name == node) {
                    for i in images {
                        n.images.entry(i).or_insert(size);
                    }
                }
                if first {
                    self.emit(EventKind::PodRunning { pod: name, namespace: ns, node });
                }
                let Some(c) = c else { return };
                let limit_mib = (c.resources.limits.memory.unwrap_or(0) / MIB) as u32;
                let start_mib = b.memory_mib.unwrap_or_else(|| (c.resources.requests.memory.unwrap_or(0) / MIB) as u32 / 2);
                let plan = kubelet::plan(&b, c.startup_probe.as_ref(), c.readiness_probe.as_ref(), c.liveness_probe.as_ref(), start_mib, limit_mib);
                if let Some(t) = plan.ready_at {
                    self.k_push(t, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::Ready });
                }
                if let Some(t) = plan.not_ready_at {
                    self.k_push(t, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::NotReady });
                }
                if let Some((t, kill)) = plan.kill {
                    self.k_push(t, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::Kill(kill) });
                }
            }
            PodStep::Ready => {
                let min_ready = self.k_min_ready_seconds(pod_key);
                if let Some(p) = self.kube.pods.get_mut(pod_key) {
                    p.ready = true;
                    p.ready_since = Some(now);
                }
                self.emit(EventKind::PodReady { pod: name, namespace: ns });
                if min_ready > 0 {
                    self.k_push(min_ready as Millis * SECOND, KubeItem::Wake);
                }
            }
            PodStep::NotReady => {
                if let Some(p) = self.kube.pods.get_mut(pod_key) {
                    p.ready = false;
                    p.ready_since = None;
                }
                self.emit(EventKind::PodNotReady { pod: name, namespace: ns, reason: "Readiness probe failed".into() });
            }
            PodStep::Kill(kill) => self.k_container_died(pod_key, kill),
            PodStep::PullFailed => {
                let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
                p.pull_failures += 1;
                p.status = "ImagePullBackOff".into();
                let image = p.pod.spec.containers.first().map(|c| c.image.clone()).unwrap_or_default();
                let delay = kubelet::restart_backoff(p.pull_failures);
                self.emit(EventKind::PodWaiting {
                    pod: name,
                    namespace: ns,
                    reason: "ErrImagePull".into(),
                    message: format!("Failed to pull image \"{image}\": not found; back-off {} before pulling again (ImagePullBackOff)", crate::engine::time::Clock(delay)),
                });
                self.k_push(delay, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::PullRetry });
            }
            PodStep::PullRetry => {
                if let Some(p) = self.kube.pods.get_mut(pod_key) {
                    p.status = "ContainerCreating".into();
                }
                self.k_push(SECOND, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::PullFailed });
            }
            PodStep::Terminated => self.k_remove_pod(pod_key),
            PodStep::InitExited => self.k_init_exited(pod_key),
            PodStep::InitBackOff => {
                if let Some(p) = self.kube.pods.get_mut(pod_key) {
                    p.status = "Init:CrashLoopBackOff".into();
                }
            }
            PodStep::InitRestart => {
                let b = self.k_behavior(pod_key);
                if let Some(p) = self.kube.pods.get_mut(pod_key) {
                    // Running again: `Init:<i>/<n>` (`sim.rs` `pod_status`).
                    p.status = "ContainerCreating".into();
                    p.init_restarts += 1;
                }
                self.k_push(b.init_runs_for, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::InitExited });
            }
        }
    }

    fn k_min_ready_seconds(&self, pod_key: &str) -> i64 {
        let Some(p) = self.kube.pods.get(pod_key) else { return 0 };
        match &p.owner {
            Some((kind, rs)) if kind == "ReplicaSet" => self.kube.replica_sets.get(&key(&p.namespace, rs)).map(|r| r.rs.min_ready_seconds).unwrap_or(0),
            _ => 0,
        }
    }

    /// The container died: restart it after the back-off, or finish the pod (Jobs' policies).
    fn k_container_died(&mut self, pod_key: &str, kill: Kill) {
        let now = self.now();
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        p.gen += 1;
        let gen = p.gen;
        let was_ready = p.ready;
        p.ready = false;
        p.ready_since = None;
        let code = kill.exit_code();
        let restart = match p.pod.spec.restart_policy {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => code != 0,
            RestartPolicy::Never => false,
        };
        let container = p.pod.spec.containers.first().map(|c| c.name.clone()).unwrap_or_default();
        if was_ready {
            self.emit(EventKind::PodNotReady { pod: name.clone(), namespace: ns.clone(), reason: kill.reason() });
        }
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        if !restart {
            p.phase = if code == 0 { PodPhase::Succeeded } else { PodPhase::Failed };
            p.status = if code == 0 { "Completed".into() } else { kill.reason() };
            p.exit_code = Some(code);
            self.kube.version += 1;
            return;
        }
        if p.started_at.is_some_and(|s| now.saturating_sub(s) >= BACKOFF_RESET_AFTER) {
            p.backoffs = 0;
        }
        let delay = kubelet::restart_backoff(p.backoffs);
        p.backoffs += 1;
        // Counted when the container is started again (PodStep::Started), as the kubelet does;
        // the event says which restart this one will be.
        p.last_restart = Some(now);
        p.status = if delay > 0 { "CrashLoopBackOff".into() } else { "Running".into() };
        let restarts = p.restarts + 1;
        self.emit(EventKind::ContainerRestarted { pod: name, namespace: ns, container, restart_count: restarts, reason: kill.reason(), exit_code: code, back_off_ms: delay });
        self.k_push(delay + CONTAINER_START_MS, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::Started });
    }

    /// Deletes a pod gracefully: out of endpoints at once, SIGTERM, gone when the app exits
    /// (`shutdownAfter`, default 1 s) or after `terminationGracePeriodSeconds`. A pod that never
    /// started goes at once.
    pub(crate) fn k_delete_pod(&mut self, pod_key: &str, reason: &str) {
        let b = self.k_behavior(pod_key);
        let Some(p) = self.kube.pods.get_mut(pod_key) else { return };
        if p.terminating {
            return;
        }
        if p.started_at.is_none() || p.terminal() {
            self.k_remove_pod(pod_key);
            return;
        }
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        p.terminating = true;
        p.gen += 1;
        let gen = p.gen;
        let was_ready = p.ready;
        p.ready = false;
        p.status = "Terminating".into();
        let grace = (p.pod.spec.termination_grace_period_seconds.max(0) as Millis) * SECOND;
        let after = b.shutdown_after.min(grace);
        if was_ready {
            self.emit(EventKind::PodNotReady { pod: name.clone(), namespace: ns.clone(), reason: "Terminating".into() });
        }
        self.emit(EventKind::PodTerminating { pod: name, namespace: ns, reason: reason.to_string(), grace_ms: grace });
        self.k_push(after, KubeItem::Pod { pod: pod_key.to_string(), gen, step: PodStep::Terminated });
    }

    /// The pod is gone: its requests are free; a Fargate pod's node goes with it.
    pub(crate) fn k_remove_pod(&mut self, pod_key: &str) {
        let Some(p) = self.kube.pods.remove(pod_key) else { return };
        let node = p.node.clone().unwrap_or_default();
        self.emit(EventKind::PodDeleted { pod: p.name().to_string(), namespace: p.namespace.clone(), node: node.clone() });
        if self.kube.node_meta.get(&node).is_some_and(|m| m.fargate) {
            self.k_forget_node(&node);
        }
        self.kube.version += 1;
    }

    /// Pods of the whole cluster whose phase is `phase` (for tests and lessons).
    pub fn kube_pod_names(&self) -> Vec<String> {
        let mut v: Vec<(u64, String)> = self.kube.pods.values().map(|p| (p.seq, key(&p.namespace, p.name()))).collect();
        sort::sort(&mut v);
        v.into_iter().map(|(_, k)| k).collect()
    }
}
