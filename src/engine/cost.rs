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

    /// Close a Fargate task's bill (it stopped).
    pub(crate) fn bill_task_end(&mut self, id: &str) {
        if let Some(t) = self.tasks.get(id).filter(|t| t.launch_type == LaunchType::Fargate) {
            // Per-second billing with a one-minute minimum.
            let billed = self.now().saturating_sub(t.created_at).max(crate::engine::time::MINUTE);
            self.ledger.closed_usd += pricing::cost_for(fargate_task_hourly(t), billed);
        }
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
        v.hourly_usd = v.ec2_on_demand_hourly_usd + v.ec2_spot_hourly_usd + v.fargate_hourly_usd;
        v.total_usd = self.ledger.closed_usd + open;
        v
    }
}
