//! The cluster model: availability zones, container instances and their free resources.
//!
//! Units follow ECS: CPU in CPU units (1 vCPU = 1024), memory in MiB. An instance's
//! `registered` resources never change; `remaining` is what placement may still use.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::engine::catalog::InstanceType;
use crate::engine::taskdef::Protocol;
use crate::engine::time::Millis;

/// Ports the ECS agent reserves on every container instance: 22 (SSH), 2375 and 2376 (Docker),
/// 51678–51680 (the ECS agent). Source: ECS API reference, `PortMapping.hostPort`.
pub const DEFAULT_RESERVED_PORTS: [u16; 6] = [22, 2375, 2376, 51678, 51679, 51680];

/// Dynamic host ports (`hostPort: 0` in bridge mode) come from the instance's ephemeral range,
/// `/proc/sys/net/ipv4/ip_local_port_range`, which is 32768–60999 on a default Linux kernel.
/// Source: ECS API reference, `PortMapping.hostPort`.
pub const EPHEMERAL_PORTS: std::ops::RangeInclusive<u16> = 32768..=60999;

/// ECS container agent version reported by simulated instances.
pub const AGENT_VERSION: &str = "1.87.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Resources {
    /// CPU units (1 vCPU = 1024).
    pub cpu: u32,
    /// MiB.
    pub memory: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InstanceStatus {
    Active,
    Draining,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstance {
    pub id: String,
    pub instance_type: String,
    pub az: String,
    pub status: InstanceStatus,
    pub registered: Resources,
    pub remaining: Resources,
    /// Ports nobody may bind (the agent's defaults plus any from the scenario).
    pub reserved_ports: BTreeSet<u16>,
    /// Host ports in use by tasks: (port, protocol) → task id.
    pub used_ports: BTreeMap<(u16, Protocol), String>,
    /// ENIs available to `awsvpc` tasks (the primary ENI is not) and how many are in use.
    pub eni_limit: u32,
    pub eni_used: u32,
    /// Built-in (`ecs.*`) and custom attributes.
    pub attributes: BTreeMap<String, String>,
    pub registered_at: Millis,
    pub agent_version: String,
    pub agent_connected: bool,
    /// Ids of the tasks placed here and not yet stopped, in placement order.
    pub tasks: Vec<String>,
    /// Task group → number of this instance's tasks in it (`service:web`, `family:batch`, ...).
    pub group_counts: BTreeMap<String, u32>,
    /// Images already pulled here (a cached image starts without a pull).
    pub images: BTreeSet<String>,
    pub hourly_usd: f64,
}

impl ContainerInstance {
    pub fn new(id: String, it: &InstanceType, az: &str, reserved_memory: u32, registered_at: Millis) -> Self {
        let mut attributes = BTreeMap::new();
        attributes.insert("ecs.instance-type".to_string(), it.name.to_string());
        attributes.insert("ecs.availability-zone".to_string(), az.to_string());
        attributes.insert("ecs.os-type".to_string(), "linux".to_string());
        attributes.insert("ecs.cpu-architecture".to_string(), it.arch.to_string());
        let registered = Resources { cpu: it.cpu_units(), memory: it.memory_mib.saturating_sub(reserved_memory) };
        ContainerInstance {
            id,
            instance_type: it.name.to_string(),
            az: az.to_string(),
            status: InstanceStatus::Active,
            registered,
            remaining: registered,
            reserved_ports: DEFAULT_RESERVED_PORTS.iter().copied().collect(),
            used_ports: BTreeMap::new(),
            eni_limit: it.max_enis.saturating_sub(1),
            eni_used: 0,
            attributes,
            registered_at,
            agent_version: AGENT_VERSION.to_string(),
            agent_connected: true,
            tasks: Vec::new(),
            group_counts: BTreeMap::new(),
            images: BTreeSet::new(),
            hourly_usd: it.hourly_usd,
        }
    }

    pub fn port_free(&self, port: u16, proto: Protocol) -> bool {
        !self.reserved_ports.contains(&port) && !self.used_ports.contains_key(&(port, proto))
    }

    /// The lowest free port of the ephemeral range, skipping `taken` (ports already chosen for
    /// the same task).
    pub fn free_dynamic_port(&self, proto: Protocol, taken: &[(u16, Protocol)]) -> Option<u16> {
        EPHEMERAL_PORTS.clone().find(|p| self.port_free(*p, proto) && !taken.contains(&(*p, proto)))
    }
}

impl ContainerInstance {
    /// How many tasks of `group` run here.
    pub fn group_count(&self, group: &str) -> u32 {
        self.group_counts.get(group).copied().unwrap_or(0)
    }
}
