//! The task-definition model: the subset of `RegisterTaskDefinition` Berth simulates, plus every
//! other field kept verbatim (so export round-trips what the learner wrote).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::diag::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    Bridge,
    Host,
    Awsvpc,
    None,
}

impl NetworkMode {
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::Bridge => "bridge",
            NetworkMode::Host => "host",
            NetworkMode::Awsvpc => "awsvpc",
            NetworkMode::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Compatibility {
    Ec2,
    Fargate,
    External,
}

impl Compatibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Compatibility::Ec2 => "EC2",
            Compatibility::Fargate => "FARGATE",
            Compatibility::External => "EXTERNAL",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    pub container_port: u16,
    /// `None` when omitted; `Some(0)` asks for a dynamic host port (bridge mode).
    pub host_port: Option<u16>,
    pub protocol: Protocol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum DependsOnCondition {
    Start,
    Complete,
    Success,
    Healthy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependsOn {
    pub container_name: String,
    pub condition: DependsOnCondition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCheck {
    /// e.g. `["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`
    pub command: Vec<String>,
    /// Seconds. Defaults as AWS documents: interval 30, timeout 5, retries 3, startPeriod 0 (off).
    pub interval: u32,
    pub timeout: u32,
    pub retries: u32,
    pub start_period: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    /// CPU units reserved for the container (0 when omitted).
    pub cpu: u32,
    /// Hard limit, MiB.
    pub memory: Option<u32>,
    /// Soft limit, MiB.
    pub memory_reservation: Option<u32>,
    /// Defaults to true.
    pub essential: bool,
    pub port_mappings: Vec<PortMapping>,
    pub environment: Vec<(String, String)>,
    /// (name, valueFrom)
    pub secrets: Vec<(String, String)>,
    pub health_check: Option<HealthCheck>,
    pub depends_on: Vec<DependsOn>,
    /// Seconds.
    pub start_timeout: Option<u32>,
    /// Seconds.
    pub stop_timeout: Option<u32>,
    /// The container definition object exactly as written (all fields, simulated or not).
    pub raw: Value,
    /// Where the container's object starts in the source text.
    pub pos: Pos,
}

impl ContainerDefinition {
    /// MiB the scheduler reserves for this container on EC2: the soft limit if set, else the hard limit.
    pub fn scheduling_memory(&self) -> u32 {
        self.memory_reservation.or(self.memory).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskPlacementConstraint {
    /// Only `memberOf` is allowed in a task definition.
    pub kind: String,
    pub expression: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDefinition {
    pub family: String,
    /// 0 until registered; the registry assigns 1, 2, ...
    pub revision: u32,
    pub task_role_arn: Option<String>,
    pub execution_role_arn: Option<String>,
    /// Defaults to bridge (EC2 on Linux), as AWS does.
    pub network_mode: NetworkMode,
    pub requires_compatibilities: Vec<Compatibility>,
    /// Task-level CPU units, if given (strings such as "1 vCPU" already converted).
    pub cpu: Option<u32>,
    /// Task-level memory MiB, if given (strings such as "2 GB" already converted).
    pub memory: Option<u32>,
    pub container_definitions: Vec<ContainerDefinition>,
    pub placement_constraints: Vec<TaskPlacementConstraint>,
    /// The whole object as written, for export and for fields Berth does not simulate.
    pub raw: Value,
}

impl TaskDefinition {
    /// `family:revision`, as ECS names a registered revision.
    pub fn key(&self) -> String {
        format!("{}:{}", self.family, self.revision)
    }

    pub fn is_fargate(&self) -> bool {
        self.requires_compatibilities.contains(&Compatibility::Fargate)
    }

    /// CPU units a task of this definition reserves on a container instance:
    /// the task-level value if set, else the sum of container `cpu`.
    pub fn reserved_cpu(&self) -> u32 {
        self.cpu.unwrap_or_else(|| self.container_definitions.iter().map(|c| c.cpu).sum())
    }

    /// MiB a task reserves on a container instance: the task-level value if set, else the sum over
    /// containers of `memoryReservation` (or `memory` when no reservation is given).
    pub fn reserved_memory(&self) -> u32 {
        self.memory.unwrap_or_else(|| self.container_definitions.iter().map(|c| c.scheduling_memory()).sum())
    }

    /// Host ports the task asks for: `(port, protocol)`, with 0 meaning "any free ephemeral port".
    /// In awsvpc mode the task has its own ENI, so it needs no host ports at all.
    pub fn host_ports(&self) -> Vec<(u16, Protocol)> {
        if self.network_mode == NetworkMode::Awsvpc || self.network_mode == NetworkMode::None {
            return Vec::new();
        }
        let mut out = Vec::new();
        for c in &self.container_definitions {
            for pm in &c.port_mappings {
                let port = match (self.network_mode, pm.host_port) {
                    (NetworkMode::Host, _) => pm.container_port,
                    (_, Some(p)) => p,
                    (_, None) => 0,
                };
                out.push((port, pm.protocol));
            }
        }
        out
    }
}
