//! Tasks and services as the engine tracks them.

use serde::{Deserialize, Serialize};

use crate::engine::deployment::DeploymentConfiguration;
use crate::engine::placement::{Constraint, Decision, Strategy};
use crate::engine::taskdef::Protocol;
use crate::engine::time::Millis;

/// ECS task lifecycle states (`lastStatus` / `desiredStatus`). Source: ECS developer guide,
/// "Amazon ECS task lifecycle": PROVISIONING (awsvpc ENI / Fargate capacity) → PENDING (image
/// pull, container start) → ACTIVATING → RUNNING → DEACTIVATING → STOPPING (SIGTERM, then SIGKILL
/// after `stopTimeout`) → DEPROVISIONING (ENI detach) → STOPPED.
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

/// Container health as ECS reports it (`healthStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HealthStatus {
    Unknown,
    Healthy,
    Unhealthy,
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
    /// Health of the essential containers' health check; UNKNOWN when there is none.
    pub health: HealthStatus,
    pub has_health_check: bool,
    /// Consecutive failed health checks.
    pub health_failures: u32,
    pub exit_code: Option<i32>,
    /// The service deployment this task belongs to.
    pub deployment: Option<u32>,
    /// The essential container's image (for the per-instance image cache).
    pub image: String,
    /// The capacity provider that runs the task (`FARGATE_SPOT`, an ASG provider), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_provider: Option<String>,
    /// Bumped whenever the task's path changes, so timers set for an older path are ignored.
    #[serde(skip)]
    pub gen: u32,
}

impl Task {
    /// Counts toward a service's desired count: desired RUNNING and not stopped.
    pub fn is_live(&self) -> bool {
        self.desired_status == TaskStatus::Running && self.last_status != TaskStatus::Stopped
    }

    /// RUNNING and, if it has a health check, HEALTHY (ECS treats a task without a container
    /// health check as healthy once RUNNING).
    pub fn is_healthy(&self) -> bool {
        self.last_status == TaskStatus::Running && self.desired_status == TaskStatus::Running && (!self.has_health_check || self.health == HealthStatus::Healthy)
    }
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
    #[serde(default)]
    pub deployment_configuration: DeploymentConfiguration,
    /// Seconds after a task starts during which failed health checks do not get it replaced.
    #[serde(default)]
    pub health_check_grace_period_seconds: u32,
    /// `{"type": "ECS"}` (rolling updates, the default) or `{"type": "CODE_DEPLOY"}` (blue/green).
    #[serde(default)]
    pub deployment_controller: crate::engine::bluegreen::DeploymentController,
    /// Blue/green and canary settings, for CODE_DEPLOY services.
    #[serde(default)]
    pub blue_green: Option<crate::engine::bluegreen::BlueGreenConfig>,
    /// An Application Load Balancer target group in front of the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<crate::engine::traffic::balancer::LoadBalancerSpec>,
    /// Service Auto Scaling: the scalable target and its policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling: Option<crate::engine::scaling::AutoScalingSpec>,
    /// Capacity providers and how tasks split between them (instead of a launch type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_provider_strategy: Vec<crate::engine::autoscaling::capacity_provider::StrategyItem>,
    /// A Cloud Map namespace (`internal.example.com`): the service gets a DNS name
    /// `<service>.<namespace>` whose records follow its healthy tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_discovery: Option<crate::engine::traffic::ServiceDiscoverySpec>,
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
    pub config: DeploymentConfiguration,
    pub grace_ms: Millis,
    /// Newest last. The PRIMARY deployment is the last one not INACTIVE.
    pub deployments: Vec<Deployment>,
    /// Tasks that stopped before reaching RUNNING, in a row (the service throttle).
    pub throttle_failures: u32,
    /// No new task is launched before this time (the throttle's back-off).
    pub next_launch_at: Millis,
    #[serde(skip)]
    pub stuck_reported: bool,
    pub controller: crate::engine::bluegreen::ControllerType,
    pub blue_green_config: crate::engine::bluegreen::BlueGreenConfig,
    /// The blue/green deployment in progress, if any.
    pub blue_green: Option<crate::engine::bluegreen::BlueGreenState>,
    /// Capacity provider strategy (empty: the launch type decides).
    pub capacity_provider_strategy: Vec<crate::engine::autoscaling::capacity_provider::StrategyItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DeploymentStatus {
    Primary,
    Active,
    Inactive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

/// One ECS service deployment: a task definition the service is moving to (or ran).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: u32,
    pub task_definition: String,
    pub status: DeploymentStatus,
    pub rollout_state: RolloutState,
    /// Circuit-breaker failure count (tasks that failed to start or failed health checks).
    pub failed_tasks: u32,
    pub created_at: Millis,
    /// Set when this deployment is an automatic rollback.
    pub rollback: bool,
    /// A forced new deployment replaces every task, even of the same revision.
    pub forced: bool,
}

impl Service {
    pub fn primary(&self) -> Option<&Deployment> {
        self.deployments.iter().rev().find(|d| d.status == DeploymentStatus::Primary)
    }
    pub fn primary_mut(&mut self) -> Option<&mut Deployment> {
        self.deployments.iter_mut().rev().find(|d| d.status == DeploymentStatus::Primary)
    }
}

impl Service {
    pub fn group(&self) -> String {
        format!("service:{}", self.name)
    }
}
