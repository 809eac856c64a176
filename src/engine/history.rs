//! Time travel: a journal of the learner's inputs with their virtual times, plus periodic engine
//! checkpoints, so any past moment can be rebuilt exactly by deterministic replay.
//!
//! The state at time `t` is defined as: start from the scenario's engine, and for each journal
//! entry (in order) `run_until(entry.t)` then apply it; finally `run_until(t)`. Entries at exactly
//! `t` are included. [`straight_run`] computes it the slow way; [`History::seek`] computes the same
//! thing from the last checkpoint at or before `t`. The live page goes through the very same
//! steps ([`History::input`] runs `run_until(now)` before applying), so a replay can never differ
//! from what the learner saw.
//!
//! Checkpoints are spaced by the interval, and at least [`SPACING_PER_WEIGHT`] ms of virtual time
//! per unit of the engine's weight, so a big engine is cloned proportionally less often (a clone
//! is a long frame in the page).
//!
//! Memory stays bounded: at most `max_checkpoints` engine clones are kept, and their summed
//! weight (events + tasks + instances) stays under `max_weight`; when either limit is passed every
//! other old checkpoint is dropped and the spacing doubles (the first, at the start, always stays).
//! The journal itself is small (one entry per click).

use serde::{Deserialize, Serialize};

use crate::engine::diag::Diagnostic;
use crate::engine::sim::{Command, Engine};
use crate::engine::taskdef::parse_task_definition;
use crate::engine::time::Millis;

/// Something the learner did to the cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Input {
    /// A cluster command: scale a service, terminate or drain an instance, an AZ outage, ...
    Command(Command),
    /// Deploy the editor's task definition text: register it, then point its service at it.
    Deploy(String),
}

/// One journal entry: an input and the virtual time it was made at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub t: Millis,
    pub input: Input,
}

/// What applying an input did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A command was carried out.
    Done,
    /// The engine refused the command (the reason says why). Still journaled: the attempt is
    /// part of the run, and replaying it gives the same refusal.
    Failed(String),
    /// The deploy text is not a valid task definition: nothing happened, nothing is journaled.
    Invalid(Vec<Diagnostic>),
    /// Registered `key`; `service` (empty if the cluster has no service) now runs it.
    Deployed { key: String, service: String, warnings: Vec<Diagnostic> },
    /// A Kubernetes manifest was applied (`kubectl apply`): the objects, as `deployment/web`.
    Applied { objects: Vec<String>, warnings: Vec<Diagnostic> },
}

impl Outcome {
    /// Whether the engine saw the input at all (everything but an invalid deploy).
    pub fn reached_engine(&self) -> bool {
        !matches!(self, Outcome::Invalid(_))
    }
}

/// The service a deploy of `family` points at: the one running that family, else the first.
pub fn deploy_target(engine: &Engine, family: &str) -> Option<String> {
    engine
        .services()
        .values()
        .find(|s| s.task_definition.split(':').next() == Some(family))
        .or_else(|| engine.services().values().next())
        .map(|s| s.name.clone())
}

/// Whether the editor's `text` is a Kubernetes manifest (YAML) rather than a task definition
/// (JSON): in a scenario with Kubernetes, anything that does not start with `{`.
pub fn is_manifest(engine: &Engine, text: &str) -> bool {
    engine.kube_enabled() && !text.trim_start().starts_with('{')
}

/// What Deploy finds wrong with a manifest from the editor: the API server's checks, and a text
/// with no object at all (nothing to apply).
pub fn check_manifest(text: &str) -> Vec<Diagnostic> {
    let parsed = crate::engine::k8s::manifest::parse(text);
    let mut found = parsed.diagnostics;
    if parsed.objects.is_empty() && !found.iter().any(Diagnostic::is_error) {
        let pos = crate::engine::diag::Pos { line: 1, col: 1, offset: 0 };
        found.push(Diagnostic::error(pos, "", "manifest-empty", "the manifest has no objects: write at least one (apiVersion, kind, metadata, spec)"));
    }
    found
}

/// Deploy the editor's text: a Kubernetes manifest is applied (`kubectl apply -f -`), a task
/// definition is validated, registered, and the service running its family (else the first
/// service) is pointed at the new revision.
pub fn deploy(engine: &mut Engine, text: &str) -> Outcome {
    if is_manifest(engine, text) {
        let found = check_manifest(text);
        if found.iter().any(Diagnostic::is_error) {
            return Outcome::Invalid(found);
        }
        return match engine.apply_manifest(text) {
            Ok(objects) => Outcome::Applied { objects, warnings: found },
            Err(e) => Outcome::Failed(e),
        };
    }
    let parsed = parse_task_definition(text);
    let Some(td) = parsed.task_definition else {
        return Outcome::Invalid(parsed.diagnostics);
    };
    let warnings = parsed.diagnostics;
    let service = deploy_target(engine, &td.family);
    let key = engine.register(td);
    let Some(service) = service else {
        return Outcome::Deployed { key, service: String::new(), warnings };
    };
    let update = Command::UpdateService {
        service: service.clone(),
        desired_count: None,
        task_definition: Some(key.clone()),
        deployment_configuration: None,
        force_new_deployment: false,
        placement_strategy: None,
        placement_constraints: None,
    };
    match engine.apply(update) {
        Ok(()) => Outcome::Deployed { key, service, warnings },
        Err(e) => Outcome::Failed(e),
    }
}

/// Apply one input to an engine at its current time (no journaling).
pub fn apply_input(engine: &mut Engine, input: &Input) -> Outcome {
    match input {
        Input::Command(c) => match engine.apply(c.clone()) {
            Ok(()) => Outcome::Done,
            Err(e) => Outcome::Failed(e),
        },
        Input::Deploy(text) => deploy(engine, text),
    }
}

/// The state at `t` computed the slow way: from `start`, every entry at its time, then `t`.
/// The reference [`History::seek`] is tested against.
pub fn straight_run(start: &Engine, journal: &[Entry], t: Millis) -> Engine {
    let mut e = start.clone();
    for entry in journal.iter().take_while(|x| x.t <= t) {
        e.run_until(entry.t);
        apply_input(&mut e, &entry.input);
    }
    e.run_until(t);
    e
}

/// How far apart checkpoints start (virtual time); the spacing doubles each time they are thinned.
pub const DEFAULT_INTERVAL: Millis = 10_000;
/// Virtual time between checkpoints per unit of engine weight (events + tasks + instances): an
/// engine of weight 1,000 (the sample after a few minutes) keeps the 10 s interval; one of weight
/// 15,000 (5,000 tasks) is checkpointed every 150 s.
pub const SPACING_PER_WEIGHT: Millis = 10;
/// Most checkpoints kept.
pub const DEFAULT_MAX_CHECKPOINTS: usize = 48;
/// Most summed checkpoint weight (events + tasks + instances of every kept engine).
pub const DEFAULT_MAX_WEIGHT: usize = 400_000;

#[derive(Clone)]
struct Checkpoint {
    t: Millis,
    /// How many journal entries the engine had applied.
    applied: usize,
    weight: usize,
    engine: Engine,
}

fn weight(e: &Engine) -> usize {
    e.events().len() + e.tasks().len() + e.instances().len() + 1
}

/// The learner's timeline: the engine shown now, the journal, and checkpoints.
#[derive(Clone)]
pub struct History {
    engine: Engine,
    /// Journal entries applied to `engine`.
    cursor: usize,
    journal: Vec<Entry>,
    /// Per journal entry: the engine refused it (known once it has been applied; a replay
    /// applies every entry). Not part of a link or a save: replaying gives the same answers.
    refused: Vec<bool>,
    checkpoints: Vec<Checkpoint>,
    furthest: Millis,
    interval: Millis,
    max_checkpoints: usize,
    max_weight: usize,
    /// How many times the checkpoints were thinned (for tests and the docs).
    thinned: u32,
}

impl History {
    /// A timeline starting at `start` (a fresh scenario engine), with the default limits.
    pub fn new(start: Engine) -> Self {
        Self::with_limits(start, DEFAULT_INTERVAL, DEFAULT_MAX_CHECKPOINTS, DEFAULT_MAX_WEIGHT)
    }

    /// A timeline with explicit checkpoint spacing and limits (at least 2 checkpoints).
    pub fn with_limits(start: Engine, interval: Millis, max_checkpoints: usize, max_weight: usize) -> Self {
        let first = Checkpoint { t: start.now(), applied: 0, weight: weight(&start), engine: start.clone() };
        History {
            furthest: start.now(),
            engine: start,
            cursor: 0,
            journal: Vec::new(),
            refused: Vec::new(),
            checkpoints: vec![first],
            interval: interval.max(1),
            max_checkpoints: max_checkpoints.max(2),
            max_weight,
            thinned: 0,
        }
    }

    /// The engine at the moment shown.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
    /// The start of the timeline (a clone of the first engine).
    pub fn start(&self) -> &Engine {
        &self.checkpoints[0].engine
    }
    pub fn now(&self) -> Millis {
        self.engine.now()
    }
    /// The latest moment reached; the scrubber spans `start..=furthest`.
    pub fn furthest(&self) -> Millis {
        self.furthest
    }
    pub fn journal(&self) -> &[Entry] {
        &self.journal
    }
    /// Whether the engine refused each journal entry (same length as [`History::journal`]): a
    /// refused command changed nothing, so the timeline does not mark it as an action.
    pub fn refused(&self) -> &[bool] {
        &self.refused
    }
    /// True when the moment shown is the latest one (not looking at the past).
    pub fn is_live(&self) -> bool {
        self.cursor == self.journal.len() && self.engine.now() >= self.furthest
    }
    /// Times of the kept checkpoints, oldest first.
    pub fn checkpoint_times(&self) -> Vec<Millis> {
        self.checkpoints.iter().map(|c| c.t).collect()
    }
    /// Summed weight of the kept checkpoints.
    pub fn checkpoint_weight(&self) -> usize {
        self.checkpoints.iter().map(|c| c.weight).sum()
    }
    pub fn interval(&self) -> Millis {
        self.interval
    }
    pub fn times_thinned(&self) -> u32 {
        self.thinned
    }

    fn latest_checkpoint(&self) -> Millis {
        self.checkpoints.last().map_or(0, |c| c.t)
    }

    fn push_checkpoint(&mut self) {
        let w = weight(&self.engine);
        self.checkpoints.push(Checkpoint { t: self.engine.now(), applied: self.cursor, weight: w, engine: self.engine.clone() });
        while self.checkpoints.len() > 2 && (self.checkpoints.len() > self.max_checkpoints || self.checkpoint_weight() > self.max_weight) {
            let last = self.checkpoints.len() - 1;
            let mut i = 0;
            self.checkpoints.retain(|_| {
                let keep = i == 0 || i == last || i % 2 == 0;
                i += 1;
                keep
            });
            self.interval = self.interval.saturating_mul(2);
            self.thinned += 1;
        }
    }

    /// The spacing of the next checkpoint: the interval, but at least [`SPACING_PER_WEIGHT`] ms of
    /// virtual time per unit of the engine's weight, so a big engine (whose clone is a long frame
    /// in the page: 30–60 ms at 5,000 tasks) is cloned proportionally less often. Seeking replays
    /// at most this much virtual time, which costs about as much as the clone it saves.
    fn spacing(&self) -> Millis {
        self.interval.max((weight(&self.engine) as Millis).saturating_mul(SPACING_PER_WEIGHT))
    }

    /// Run the engine to `t` (no inputs), taking checkpoints on the way where none exist yet.
    fn run_to(&mut self, t: Millis) {
        loop {
            let latest = self.latest_checkpoint();
            let due = latest.saturating_add(self.spacing());
            if due > t {
                break;
            }
            if due > self.engine.now() {
                self.engine.run_until(due);
            }
            if self.engine.now() > latest {
                self.push_checkpoint();
            } else {
                break;
            }
        }
        self.engine.run_until(t);
    }

    /// Advance to `t`, applying journal entries (already made, when replaying the past) at their
    /// times. Beyond the furthest moment this is new ground and `furthest` moves along.
    pub fn advance_to(&mut self, t: Millis) {
        while let Some(entry) = self.journal.get(self.cursor) {
            if entry.t > t {
                break;
            }
            let (at, input) = (entry.t, entry.input.clone());
            self.run_to(at);
            let refused = matches!(apply_input(&mut self.engine, &input), Outcome::Failed(_));
            if let Some(r) = self.refused.get_mut(self.cursor) {
                *r = refused;
            }
            self.cursor += 1;
        }
        self.run_to(t);
        self.furthest = self.furthest.max(self.engine.now());
    }

    /// When the next thing happens: the engine's next queued item or the next journal entry,
    /// else one second from now.
    pub fn next_instant(&self) -> Millis {
        let queued = self.engine.next_due();
        let journal = self.journal.get(self.cursor).map(|e| e.t);
        match (queued, journal) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => self.engine.now().saturating_add(1000),
        }
    }

    /// Process the next instant (see [`History::next_instant`]).
    pub fn step(&mut self) {
        let t = self.next_instant().max(self.engine.now());
        self.advance_to(t);
    }

    /// Show the cluster exactly as it was at `t` (clamped to the timeline). Nothing is lost: the
    /// journal and the furthest moment stay, so seeking forward again (or [`History::go_live`])
    /// brings the later state back.
    pub fn seek(&mut self, t: Millis) {
        let t = t.clamp(self.checkpoints[0].t, self.furthest);
        if t < self.engine.now() {
            // The last checkpoint at or before t. The first is at the start, so one exists.
            let idx = self.checkpoints.iter().rposition(|c| c.t <= t).unwrap_or(0);
            if let Some(c) = self.checkpoints.get(idx) {
                self.engine = c.engine.clone();
                self.cursor = c.applied;
            }
        }
        self.advance_to(t);
    }

    /// Back to the latest moment.
    pub fn go_live(&mut self) {
        let f = self.furthest;
        self.seek(f);
    }

    /// Make the moment shown the latest one: the later journal entries and checkpoints are
    /// discarded (the learner changes the past). Returns how many inputs were discarded.
    pub fn resume_here(&mut self) -> usize {
        let now = self.engine.now();
        let cursor = self.cursor;
        let dropped = self.journal.len() - cursor.min(self.journal.len());
        self.journal.truncate(cursor);
        self.refused.truncate(cursor);
        self.checkpoints.retain(|c| c.t < now || (c.t == now && c.applied <= cursor));
        if self.checkpoints.is_empty() {
            // Cannot happen (the first checkpoint is at the start), but never leave none.
            self.checkpoints.push(Checkpoint { t: now, applied: cursor, weight: weight(&self.engine), engine: self.engine.clone() });
        }
        self.furthest = now;
        dropped
    }

    /// The learner does something now. In the past, this first discards the later timeline
    /// ([`History::resume_here`]). The input is journaled unless it never reached the engine.
    pub fn input(&mut self, input: Input) -> Outcome {
        if !self.is_live() {
            self.resume_here();
        }
        let now = self.engine.now();
        // The same steps a replay takes: run_until(entry.t), then apply.
        self.engine.run_until(now);
        let outcome = apply_input(&mut self.engine, &input);
        if outcome.reached_engine() {
            self.journal.push(Entry { t: now, input });
            self.refused.push(matches!(outcome, Outcome::Failed(_)));
            self.cursor = self.journal.len();
        }
        outcome
    }

    /// Rebuild a timeline from a journal (a share link or a saved session): replay everything to
    /// `furthest`, then show `at`. Entries must be in time order; an entry out of order is an error.
    pub fn replay(start: Engine, journal: Vec<Entry>, furthest: Millis, at: Millis) -> Result<Self, String> {
        let mut prev = start.now();
        for (i, e) in journal.iter().enumerate() {
            if e.t < prev {
                let before = if i == 0 { "the start".to_string() } else { format!("entry {}", i - 1) };
                return Err(format!("journal entry {i} is at {} ms, before {before} ({prev} ms): entries must be in time order", e.t));
            }
            prev = e.t;
        }
        let mut h = History::new(start);
        h.refused = vec![false; journal.len()];
        h.journal = journal;
        h.advance_to(furthest.max(prev));
        h.seek(at);
        Ok(h)
    }
}
