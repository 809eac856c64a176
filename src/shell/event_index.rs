//! The event log's filters (service, kind, least severity) over the *whole* log of a run, kept
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

/// A run's log, mirrored for the event list: every event, which service each task belongs to,
/// and the services and kinds that occur (the filters' choices).
#[derive(Debug, Default)]
pub struct EventIndex {
    events: Vec<Event>,
    placed: BTreeMap<String, String>,
    services: BTreeSet<String>,
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
            if f.service.as_deref().is_some_and(|s| service_of(&e.kind, &self.placed) != Some(s)) {
                continue;
            }
            out.push(i);
        }
        out
    }
}
