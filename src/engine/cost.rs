//! What the cluster costs: the hourly rate now and the total so far, by capacity type and by
//! service, priced with `pricing` (documented in docs/traffic.md#cost).
//!
//! * EC2: each instance at its hourly price from launch to termination; an instance with the
//!   attribute `lifecycle=spot` (the EC2 instance-metadata name) is billed at the Spot price.
//! * Fargate: each task by its vCPU and memory from the moment it starts provisioning until it
//!   stops (billing is per second with a one-minute minimum, as AWS bills Fargate).
//! * Per service: its Fargate tasks, plus for EC2 a share of each instance's price equal to the
//!   larger of the task's CPU and memory share of that instance's registered capacity (the
//!   unreserved rest stays "idle" capacity, which is what binpack saves).
//! * Kubernetes (EKS): the control plane at $0.10 per cluster-hour from the start of any scenario
//!   with a `kubernetes` section (<https://aws.amazon.com/eks/pricing/>); each EC2 node at its
//!   on-demand or Spot price from launch until it leaves the cluster; each Fargate pod's node at
//!   its Fargate size, with the one-minute minimum. A node's capacity that no pod requests
//!   (the larger of the CPU and memory share of allocatable) counts as idle.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::pricing::{self, Purchase};
use crate::engine::sim::Engine;
use crate::engine::task::{LaunchType, TaskStatus};
use crate::engine::time::Millis;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CostView {
    /// Dollars per hour at this moment.
    pub hourly_usd: f64,
    pub ec2_on_demand_hourly_usd: f64,
    pub ec2_spot_hourly_usd: f64,
    pub fargate_hourly_usd: f64,
    /// The EKS control plane ($0.10/h per cluster), when the scenario has Kubernetes.
    pub eks_control_plane_hourly_usd: f64,
    /// EC2 capacity no task reserves, per hour.
    pub idle_hourly_usd: f64,
    /// Per service, dollars per hour.
    pub by_service: BTreeMap<String, f64>,
    /// Dollars spent since the scenario started.
    pub total_usd: f64,
}

/// Cost of capacity that is gone (terminated instances, stopped Fargate tasks), kept by the engine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    pub closed_usd: f64,
}

pub fn instance_hourly(i: &crate::engine::cluster::ContainerInstance) -> f64 {
    if i.attributes.get("lifecycle").is_some_and(|v| v == "spot") {
        pricing::ec2_hourly(&i.instance_type, Purchase::Spot).unwrap_or(i.hourly_usd)
    } else {
        i.hourly_usd
    }
}

fn fargate_task_hourly(t: &crate::engine::task::Task) -> f64 {
    let purchase = if t.capacity_provider.as_deref() == Some("FARGATE_SPOT") { Purchase::Spot } else { Purchase::OnDemand };
    pricing::fargate_hourly(t.cpu, t.memory, purchase)
}

impl Engine {
    /// Close an instance's bill (it is being terminated).
    pub(crate) fn bill_instance_end(&mut self, id: &str) {
        if let Some(i) = self.instances.get(id) {
            let usd = pricing::cost_for(instance_hourly(i), self.now().saturating_sub(i.registered_at));
            self.ledger.closed_usd += usd;
        }
    }

    /// Close a Kubernetes node's bill (it leaves the cluster). A Fargate pod's node is billed at
    /// least one minute.
    pub(crate) fn bill_kube_node_end(&mut self, name: &str) {
        if let Some(m) = self.kube.node_meta.get(name) {
            let mut ran = self.now().saturating_sub(m.launched_at);
            if m.fargate {
                ran = ran.max(crate::engine::time::MINUTE);
            }
            self.ledger.closed_usd += pricing::cost_for(m.hourly_usd, ran);
        }
    }

    /// Close a Fargate task's bill (it stopped).
    pub(crate) fn bill_task_end(&mut self, id: &str) {
        if let Some(t) = self.tasks.get(id).filter(|t| t.launch_type == LaunchType::Fargate) {
            // Per-second billing with a one-minute minimum.
            let billed = self.now().saturating_sub(t.created_at).max(crate::engine::time::MINUTE);
            self.ledger.closed_usd += pricing::cost_for(fargate_task_hourly(t), billed);
        }
    }

    /// Dollars per hour now — the same total as [`Engine::cost`]'s `hourly_usd`, without the
    /// breakdown (cheap enough to run after every step).
    pub fn hourly_rate(&self) -> f64 {
        let mut h: f64 = self.instances.values().map(instance_hourly).sum();
        h += self.tasks.values().filter(|t| t.launch_type == LaunchType::Fargate && t.last_status != TaskStatus::Stopped).map(fargate_task_hourly).sum::<f64>();
        if self.kube.enabled {
            h += pricing::eks_control_plane_hourly();
            h += self.kube.nodes.iter().filter_map(|n| self.kube.node_meta.get(&n.name)).map(|m| m.hourly_usd).sum::<f64>();
        }
        h
    }

    pub fn cost(&self) -> CostView {
        let now: Millis = self.now();
        let mut v = CostView::default();
        let mut open = 0.0;
        for i in self.instances.values() {
            let h = instance_hourly(i);
            if i.attributes.get("lifecycle").is_some_and(|x| x == "spot") {
                v.ec2_spot_hourly_usd += h;
            } else {
                v.ec2_on_demand_hourly_usd += h;
            }
            open += pricing::cost_for(h, now.saturating_sub(i.registered_at));
            let mut used_share = 0.0;
            for tid in &i.tasks {
                let Some(t) = self.tasks.get(tid) else { continue };
                let share = (t.cpu as f64 / i.registered.cpu.max(1) as f64).max(t.memory as f64 / i.registered.memory.max(1) as f64).min(1.0);
                used_share += share;
                if let Some(s) = &t.service {
                    *v.by_service.entry(s.clone()).or_default() += h * share;
                }
            }
            v.idle_hourly_usd += h * (1.0 - used_share).max(0.0);
        }
        for t in self.tasks.values().filter(|t| t.launch_type == LaunchType::Fargate && t.last_status != TaskStatus::Stopped) {
            let h = fargate_task_hourly(t);
            v.fargate_hourly_usd += h;
            open += pricing::cost_for(h, now.saturating_sub(t.created_at));
            if let Some(s) = &t.service {
                *v.by_service.entry(s.clone()).or_default() += h;
            }
        }
        if self.kube.enabled {
            v.eks_control_plane_hourly_usd = pricing::eks_control_plane_hourly();
            open += pricing::cost_for(v.eks_control_plane_hourly_usd, now);
            // Σ requests per node, in one pass over the pods.
            let mut requested: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
            for p in self.kube.pods.values().filter(|p| !p.terminal()) {
                if let Some(n) = p.node.as_deref() {
                    let (c, m) = crate::engine::k8s::scheduler::pod_requests(&p.pod.spec, false);
                    let e = requested.entry(n).or_default();
                    e.0 += c;
                    e.1 += m;
                }
            }
            for n in &self.kube.nodes {
                let Some(m) = self.kube.node_meta.get(&n.name) else { continue };
                let h = m.hourly_usd;
                match m.capacity_type.as_str() {
                    "FARGATE" => v.fargate_hourly_usd += h,
                    "SPOT" => v.ec2_spot_hourly_usd += h,
                    _ => v.ec2_on_demand_hourly_usd += h,
                }
                open += pricing::cost_for(h, now.saturating_sub(m.launched_at));
                if !m.fargate {
                    let (cpu, mem) = requested.get(n.name.as_str()).copied().unwrap_or_default();
                    let share = (cpu as f64 / n.allocatable.cpu_milli.max(1) as f64).max(mem as f64 / n.allocatable.memory.max(1) as f64).min(1.0);
                    v.idle_hourly_usd += h * (1.0 - share).max(0.0);
                }
            }
        }
        v.hourly_usd = v.ec2_on_demand_hourly_usd + v.ec2_spot_hourly_usd + v.fargate_hourly_usd + v.eks_control_plane_hourly_usd;
        v.total_usd = self.ledger.closed_usd + open;
        v
    }
}
