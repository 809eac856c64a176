//! The event log's filters (service or Kubernetes Deployment, kind, least severity) over the *whole* log of a run, kept
//! up to date incrementally: the page syncs an [`EventIndex`] with the engine's log after each
//! change, which costs only the new events (a rewind or a changed past rebuilds it once), and
//! the list shows the newest events that pass the filter, however far back they are.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::event::{Event, EventKind, Level};

/// The event filters. `None` means "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub service: Option<String>,
    pub kind: Option<String>,
    /// The least severity shown.
    pub min_level: Option<Level>,
}

/// The service an event names itself (task events name none: see [`EventIndex`]).
fn named_service(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::ServiceCreated { service, .. }
        | EventKind::ServiceUpdated { service, .. }
        | EventKind::ServiceSteadyState { service }
        | EventKind::DeploymentStarted { service, .. }
        | EventKind::DeploymentProgress { service, .. }
        | EventKind::DeploymentCompleted { service, .. }
        | EventKind::DeploymentStuck { service, .. }
        | EventKind::DeploymentFailed { service, .. }
        | EventKind::ServiceThrottled { service, .. }
        | EventKind::TrafficShifted { service, .. }
        | EventKind::ScalingActivity { service, .. }
        | EventKind::ScheduledActionRan { service, .. }
        | EventKind::AutoScalingUpdated { service, .. }
        | EventKind::DeploymentRolledBack { service, .. } => Some(service),
        EventKind::TaskPlaced { service, .. } | EventKind::TaskUnplaceable { service, .. } => service.as_deref(),
        _ => None,
    }
}

/// The service an event is about: named in the event, or (for task events) the service of the
/// task as its `taskPlaced` event in `placed` (task id → service) says.
pub fn service_of<'a>(kind: &'a EventKind, placed: &'a BTreeMap<String, String>) -> Option<&'a str> {
    named_service(kind).or_else(|| kind.task().and_then(|t| placed.get(t).map(String::as_str)))
}

/// The filter's value for a Kubernetes Deployment (`Deployment default/web`): told apart from an
/// ECS service of the same name.
pub fn deployment_key(namespace: &str, name: &str) -> String {
    format!("Deployment {namespace}/{name}")
}

/// The pod a Kubernetes event is about, as (namespace, name).
fn pod_of(kind: &EventKind) -> Option<(&str, &str)> {
    match kind {
        EventKind::PodCreated { pod, namespace, .. }
        | EventKind::PodScheduled { pod, namespace, .. }
        | EventKind::PodFailedScheduling { pod, namespace, .. }
        | EventKind::PodRunning { pod, namespace, .. }
        | EventKind::PodReady { pod, namespace }
        | EventKind::PodNotReady { pod, namespace, .. }
        | EventKind::EndpointsChanged { pod, namespace, .. }
        | EventKind::PodWaiting { pod, namespace, .. }
        | EventKind::ContainerRestarted { pod, namespace, .. }
        | EventKind::InitContainerFailed { pod, namespace, .. }
        | EventKind::PodTerminating { pod, namespace, .. }
        | EventKind::PodDeleted { pod, namespace, .. }
        | EventKind::EvictionRefused { pod, namespace, .. }
        | EventKind::PodEvicted { pod, namespace, .. }
        | EventKind::PodPreempted { pod, namespace, .. } => Some((namespace, pod)),
        _ => None,
    }
}

/// Which Deployment each pod and ReplicaSet belongs to, learnt from the log as it goes
/// (`replicaSetScaled` names a ReplicaSet's Deployment, `podCreated` a pod's owner).
#[derive(Debug, Default)]
struct Owners {
    /// (namespace, ReplicaSet) → Deployment.
    replica_sets: BTreeMap<(String, String), String>,
    /// (namespace, pod) → `ReplicaSet/name` (or another owner).
    pods: BTreeMap<(String, String), String>,
}

impl Owners {
    fn learn(&mut self, kind: &EventKind) {
        match kind {
            EventKind::ReplicaSetScaled { replica_set, namespace, deployment, .. } if !deployment.is_empty() => {
                self.replica_sets.entry((namespace.clone(), replica_set.clone())).or_insert_with(|| deployment.clone());
            }
            EventKind::PodCreated { pod, namespace, owner } if !owner.is_empty() => {
                self.pods.insert((namespace.clone(), pod.clone()), owner.clone());
            }
            _ => {}
        }
    }

    /// The Deployment of an owner reference (`ReplicaSet/web-5d8f9c7b4`) in `namespace`.
    fn of_owner(&self, namespace: &str, owner: &str) -> Option<String> {
        let rs = owner.strip_prefix("ReplicaSet/")?;
        self.replica_sets.get(&(namespace.to_string(), rs.to_string())).map(|d| deployment_key(namespace, d))
    }

    /// The Deployment (as [`deployment_key`]) an event is about: named in it, or the Deployment of
    /// its pod's ReplicaSet.
    fn deployment_of(&self, kind: &EventKind) -> Option<String> {
        match kind {
            EventKind::DeploymentRollout { deployment, namespace, .. } => Some(deployment_key(namespace, deployment)),
            EventKind::ReplicaSetScaled { deployment, namespace, .. } if !deployment.is_empty() => Some(deployment_key(namespace, deployment)),
            EventKind::HpaScaled { target_ref, namespace, .. } => target_ref.strip_prefix("Deployment/").map(|d| deployment_key(namespace, d)),
            EventKind::PodCreateFailed { owner, namespace, .. } => self.of_owner(namespace, owner),
            _ => {
                let (ns, pod) = pod_of(kind)?;
                let owner = self.pods.get(&(ns.to_string(), pod.to_string()))?;
                self.of_owner(ns, owner)
            }
        }
    }
}

/// A run's log, mirrored for the event list: every event, which service each task belongs to,
/// and the services and kinds that occur (the filters' choices).
#[derive(Debug, Default)]
pub struct EventIndex {
    events: Vec<Event>,
    placed: BTreeMap<String, String>,
    services: BTreeSet<String>,
    /// Kubernetes Deployments the log names, as [`deployment_key`]s.
    deployments: BTreeSet<String>,
    owners: Owners,
    kinds: BTreeSet<&'static str>,
    /// What the log was synced against (the journal's length and the seed): a change means a
    /// different run, rebuilt from scratch.
    run: (usize, u64),
    generation: u64,
}

impl EventIndex {
    /// Bring the index up to `log` (the engine's whole log) of run `run`. Appends the new events
    /// when `log` extends what is indexed; otherwise (a rewind, another run) starts over.
    pub fn sync(&mut self, log: &[Event], run: (usize, u64)) {
        let n = self.events.len();
        let extends = run == self.run && log.len() >= n && (n == 0 || log.get(n - 1) == self.events.last());
        if !extends {
            *self = EventIndex { run, generation: self.generation + 1, ..EventIndex::default() };
        } else if log.len() == n {
            return;
        }
        for e in &log[self.events.len()..] {
            if let EventKind::TaskPlaced { task, service: Some(s), .. } = &e.kind {
                self.placed.insert(task.clone(), s.clone());
            }
            if let Some(s) = service_of(&e.kind, &self.placed) {
                if !self.services.contains(s) {
                    self.services.insert(s.to_string());
                }
            }
            self.owners.learn(&e.kind);
            if let Some(d) = self.owners.deployment_of(&e.kind) {
                self.deployments.insert(d);
            }
            self.kinds.insert(e.kind.name());
            self.events.push(e.clone());
        }
        self.generation += 1;
    }

    /// Changes whenever the indexed events do (for a component's props).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Services that occur in the log, sorted.
    pub fn services(&self) -> &BTreeSet<String> {
        &self.services
    }

    /// Kubernetes Deployments that occur in the log, as [`deployment_key`]s, sorted: the
    /// Service filter offers them too (a Deployment is what runs a workload's pods).
    pub fn deployments(&self) -> &BTreeSet<String> {
        &self.deployments
    }

    /// Event kinds that occur in the log, sorted.
    pub fn kinds(&self) -> &BTreeSet<&'static str> {
        &self.kinds
    }

    /// Indices of the events that pass `f`, newest first, at most `limit`; searched over the
    /// whole log.
    pub fn filtered(&self, f: &Filter, limit: usize) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, e) in self.events.iter().enumerate().rev() {
            if out.len() == limit {
                break;
            }
            if f.min_level.is_some_and(|l| e.kind.level() < l) {
                continue;
            }
            if f.kind.as_deref().is_some_and(|k| e.kind.name() != k) {
                continue;
            }
            if let Some(s) = f.service.as_deref() {
                let matches = if s.starts_with("Deployment ") { self.owners.deployment_of(&e.kind).as_deref() == Some(s) } else { service_of(&e.kind, &self.placed) == Some(s) };
                if !matches {
                    continue;
                }
            }
            out.push(i);
        }
        out
    }
}
