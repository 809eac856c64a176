//! Tasks and services as the engine tracks them.

use serde::{Deserialize, Serialize};

use crate::engine::placement::{Constraint, Decision, Strategy};
use crate::engine::taskdef::Protocol;
use crate::engine::time::Millis;

/// ECS task lifecycle states (`lastStatus` / `desiredStatus`). Source: ECS developer guide,
/// "Amazon ECS task lifecycle". The foundation engine moves tasks PENDING → RUNNING → STOPPED;
/// the intermediate states are part of the model for the lifecycle work that builds on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    Provisioning,
    Pending,
    Activating,
    Running,
    Deactivating,
    Stopping,
    Deprovisioning,
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LaunchType {
    #[serde(alias = "ec2")]
    Ec2,
    #[serde(alias = "fargate")]
    Fargate,
}

impl LaunchType {
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchType::Ec2 => "EC2",
            LaunchType::Fargate => "FARGATE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    /// `family:revision`.
    pub task_definition: String,
    pub family: String,
    pub revision: u32,
    pub group: String,
    pub service: Option<String>,
    pub launch_type: LaunchType,
    /// The container instance (EC2); `None` on Fargate.
    pub instance: Option<String>,
    pub az: String,
    pub host_ports: Vec<(u16, Protocol)>,
    pub cpu: u32,
    pub memory: u32,
    pub uses_eni: bool,
    pub last_status: TaskStatus,
    pub desired_status: TaskStatus,
    pub created_at: Millis,
    pub started_at: Option<Millis>,
    pub stopped_at: Option<Millis>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
}

/// What `CreateService` takes (the simulated subset), with the AWS field names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceSpec {
    pub service_name: String,
    /// `family` (latest revision) or `family:revision`.
    pub task_definition: String,
    pub desired_count: u32,
    #[serde(default = "default_launch_type")]
    pub launch_type: LaunchType,
    /// `None`: the ECS default for services (spread by AZ, then by instance).
    #[serde(default)]
    pub placement_strategy: Option<Vec<Strategy>>,
    #[serde(default)]
    pub placement_constraints: Vec<Constraint>,
}

/// What `RunTask` takes (the simulated subset).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RunTaskSpec {
    pub task_definition: String,
    #[serde(default = "one")]
    pub count: u32,
    /// Defaults to `family:<family>`, as ECS does.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default = "default_launch_type")]
    pub launch_type: LaunchType,
    /// `None`: the ECS default for RunTask (random).
    #[serde(default)]
    pub placement_strategy: Option<Vec<Strategy>>,
    #[serde(default)]
    pub placement_constraints: Vec<Constraint>,
}

fn default_launch_type() -> LaunchType {
    LaunchType::Ec2
}
fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub name: String,
    pub task_definition: String,
    pub desired_count: u32,
    pub launch_type: LaunchType,
    pub strategies: Vec<Strategy>,
    pub constraints: Vec<Constraint>,
    pub created_at: Millis,
    /// Tasks the scheduler could not place on its last attempt.
    pub unplaced: u32,
    /// The decision that left them unplaced.
    pub last_failure: Option<Decision>,
    /// (count, reason) last reported, so the log is not flooded with repeats.
    #[serde(skip)]
    pub reported_failure: Option<(u32, String)>,
    #[serde(skip)]
    pub steady_reported: bool,
}

impl Service {
    pub fn group(&self) -> String {
        format!("service:{}", self.name)
    }
}
