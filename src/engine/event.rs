//! The event log: everything that happened, in order, as data.
//!
//! The log is the engine's contract with the outside: the UI lists it, the CLI prints it as JSON
//! lines, lessons check it, and the determinism tests hash it. Same scenario + same seed ⇒ the
//! same log, byte for byte, natively and in Wasm.

use serde::Serialize;

use crate::engine::rng::fnv1a;
use crate::engine::time::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Virtual time, ms.
    pub t: Millis,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EventKind {
    ScenarioStarted { name: String, seed: u64 },
    InstanceRegistered { instance: String, instance_type: String, az: String, cpu: u32, memory: u32 },
    InstanceTerminated { instance: String, tasks_stopped: Vec<String> },
    TaskDefinitionRegistered { family: String, revision: u32 },
    ServiceCreated { service: String, task_definition: String, desired_count: u32, launch_type: String },
    ServiceUpdated { service: String, task_definition: String, desired_count: u32 },
    /// A task was placed: on an instance (EC2) or in an AZ (Fargate).
    TaskPlaced {
        task: String,
        group: String,
        task_definition: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
        az: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        host_ports: Vec<u16>,
        /// The strategy step that decided, in words (e.g. "spread(attribute:ecs.availability-zone): us-east-1b has 0 of service:web").
        why: String,
    },
    TaskRunning { task: String },
    TaskStopped { task: String, stop_code: String, reason: String },
    /// A service or RunTask call could not place a task.
    TaskUnplaceable {
        #[serde(skip_serializing_if = "Option::is_none")]
        service: Option<String>,
        group: String,
        /// How many tasks are waiting for room.
        count: u32,
        reason: String,
    },
    ServiceSteadyState { service: String },
    /// A timeline action could not be carried out (unknown service, invalid task definition...).
    ActionFailed { action: String, message: String },
}

impl EventKind {
    pub fn level(&self) -> Level {
        match self {
            EventKind::TaskUnplaceable { .. } | EventKind::ActionFailed { .. } => Level::Error,
            EventKind::InstanceTerminated { .. } => Level::Warning,
            EventKind::TaskStopped { stop_code, .. } if stop_code != "ServiceSchedulerInitiated" && stop_code != "UserInitiated" => Level::Warning,
            _ => Level::Info,
        }
    }

    /// The event's type name as it appears in the JSON log (`taskPlaced`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::ScenarioStarted { .. } => "scenarioStarted",
            EventKind::InstanceRegistered { .. } => "instanceRegistered",
            EventKind::InstanceTerminated { .. } => "instanceTerminated",
            EventKind::TaskDefinitionRegistered { .. } => "taskDefinitionRegistered",
            EventKind::ServiceCreated { .. } => "serviceCreated",
            EventKind::ServiceUpdated { .. } => "serviceUpdated",
            EventKind::TaskPlaced { .. } => "taskPlaced",
            EventKind::TaskRunning { .. } => "taskRunning",
            EventKind::TaskStopped { .. } => "taskStopped",
            EventKind::TaskUnplaceable { .. } => "taskUnplaceable",
            EventKind::ServiceSteadyState { .. } => "serviceSteadyState",
            EventKind::ActionFailed { .. } => "actionFailed",
        }
    }

    /// One readable line for event lists.
    pub fn describe(&self) -> String {
        match self {
            EventKind::ScenarioStarted { name, seed } => format!("scenario \"{name}\" started with seed {seed}"),
            EventKind::InstanceRegistered { instance, instance_type, az, cpu, memory } => {
                format!("{instance} ({instance_type}, {az}) registered with {cpu} CPU units and {memory} MiB")
            }
            EventKind::InstanceTerminated { instance, tasks_stopped } => {
                format!("{instance} terminated; {} task(s) stopped", tasks_stopped.len())
            }
            EventKind::TaskDefinitionRegistered { family, revision } => format!("task definition {family}:{revision} registered"),
            EventKind::ServiceCreated { service, task_definition, desired_count, launch_type } => {
                format!("service {service} created: {desired_count} × {task_definition} on {launch_type}")
            }
            EventKind::ServiceUpdated { service, task_definition, desired_count } => {
                format!("service {service} updated: desired {desired_count}, {task_definition}")
            }
            EventKind::TaskPlaced { task, instance, az, why, .. } => match instance {
                Some(i) => format!("{task} placed on {i} ({az}) — {why}"),
                None => format!("{task} placed on Fargate in {az} — {why}"),
            },
            EventKind::TaskRunning { task } => format!("{task} is RUNNING"),
            EventKind::TaskStopped { task, stop_code, reason } => format!("{task} stopped ({stop_code}): {reason}"),
            EventKind::TaskUnplaceable { service, group, count, reason } => match service {
                Some(s) => format!("service {s} was unable to place {count} task(s): {reason}"),
                None => format!("{group}: {count} task(s) could not be placed: {reason}"),
            },
            EventKind::ServiceSteadyState { service } => format!("service {service} has reached a steady state"),
            EventKind::ActionFailed { action, message } => format!("{action} failed: {message}"),
        }
    }
}

/// The log as JSON lines (one event per line, `t` first).
pub fn to_jsonl(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        // Serialising these plain structs cannot fail.
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// FNV-1a 64 of the JSON-lines log, as 16 hex digits: the determinism fingerprint.
pub fn log_hash(events: &[Event]) -> String {
    format!("{:016x}", fnv1a(to_jsonl(events).as_bytes()))
}

/// The same hash as [`log_hash`], kept up to date one event at a time.
#[derive(Debug, Clone)]
pub struct LogHasher(u64);

impl Default for LogHasher {
    fn default() -> Self {
        LogHasher(fnv1a(b""))
    }
}

impl LogHasher {
    pub fn update(&mut self, e: &Event) {
        let mut line = serde_json::to_string(e).unwrap_or_default();
        line.push('\n');
        for b in line.as_bytes() {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
