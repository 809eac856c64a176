//! The price table: what Berth charges, per hour, for the capacity a scenario runs on.
//!
//! A teaching snapshot (us-east-1, Linux/x86, USD), not a billing reference:
//! * **EC2 on-demand**: `hourly_usd` in [`crate::engine::catalog`].
//! * **Fargate** (<https://aws.amazon.com/fargate/pricing/>): $0.04048 per vCPU-hour and
//!   $0.004445 per GB-hour (the figures in the course and issue 4; the same pair is quoted by
//!   <https://tomgregory.com/aws/aws-fargate-spot-vs-fargate-price-comparison/> and
//!   <https://fortem.dev/fargate-spot/>, which also notes the GB-hour rate has been listed as
//!   $0.004446 — Berth keeps $0.004445). Billed per second with a one-minute minimum; Berth
//!   prices durations exactly and leaves the minimum to the caller ([`fargate_task_cost`]).
//! * **Fargate Spot**: AWS advertises "up to a 70% discount off the Fargate price"
//!   (<https://aws.amazon.com/fargate/pricing/>, also <https://www.nclouds.com/blog/aws-fargate-spot-cost-optimization/>);
//!   the live Spot price varies (reported between 50 % and 70 % off). Berth uses the advertised
//!   **70 %**, i.e. Spot costs 0.30 × on-demand.
//! * **EKS control plane**: $0.10 per cluster-hour (<https://aws.amazon.com/eks/pricing/>,
//!   standard support).
//! * **EC2 Spot**: AWS says Spot Instances are "up to 90% off" on-demand
//!   (<https://aws.amazon.com/ec2/spot/pricing/>); real prices move per type, AZ and hour.
//!   Berth uses one fixed, **illustrative** discount per family ([`ec2_spot_discount`]), chosen
//!   inside the ranges the Spot Instance Advisor typically shows; they are Berth's assumption, not
//!   a quoted price, and lessons should say so.

use crate::engine::catalog;
use crate::engine::time::{Millis, HOUR};

pub const FARGATE_VCPU_HOUR_USD: f64 = 0.04048;
pub const FARGATE_GB_HOUR_USD: f64 = 0.004445;
/// Fargate Spot discount (fraction off on-demand): the advertised "up to 70%".
pub const FARGATE_SPOT_DISCOUNT: f64 = 0.70;
pub const EKS_CONTROL_PLANE_HOUR_USD: f64 = 0.10;

/// On-demand or Spot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purchase {
    OnDemand,
    Spot,
}

/// Berth's illustrative EC2 Spot discount per instance family (fraction off on-demand).
/// Families not listed get [`DEFAULT_EC2_SPOT_DISCOUNT`].
pub const EC2_SPOT_DISCOUNTS: &[(&str, f64)] = &[
    ("t2", 0.70),
    ("t3", 0.70),
    ("m5", 0.60),
    ("c5", 0.60),
    ("r5", 0.65),
    ("m6g", 0.55),
    ("c6g", 0.55),
];
pub const DEFAULT_EC2_SPOT_DISCOUNT: f64 = 0.60;

/// The Spot discount for an instance type's family (`m5.large` → `m5`).
pub fn ec2_spot_discount(instance_type: &str) -> f64 {
    let family = instance_type.split('.').next().unwrap_or("");
    EC2_SPOT_DISCOUNTS.iter().find(|(f, _)| *f == family).map(|(_, d)| *d).unwrap_or(DEFAULT_EC2_SPOT_DISCOUNT)
}

/// Hourly price of one EC2 instance; `None` for a type not in the catalogue.
pub fn ec2_hourly(instance_type: &str, purchase: Purchase) -> Option<f64> {
    let od = catalog::lookup(instance_type)?.hourly_usd;
    Some(match purchase {
        Purchase::OnDemand => od,
        Purchase::Spot => od * (1.0 - ec2_spot_discount(instance_type)),
    })
}

/// Hourly price of a Fargate task of `cpu_units` (1024 = 1 vCPU) and `memory_mib` (1024 = 1 GB,
/// as Fargate bills memory in GB of 1024 MiB).
pub fn fargate_hourly(cpu_units: u32, memory_mib: u32, purchase: Purchase) -> f64 {
    let od = cpu_units as f64 / 1024.0 * FARGATE_VCPU_HOUR_USD + memory_mib as f64 / 1024.0 * FARGATE_GB_HOUR_USD;
    match purchase {
        Purchase::OnDemand => od,
        Purchase::Spot => od * (1.0 - FARGATE_SPOT_DISCOUNT),
    }
}

/// Cost of running something at `hourly_usd` for `duration` milliseconds of virtual time.
pub fn cost_for(hourly_usd: f64, duration: Millis) -> f64 {
    hourly_usd * duration as f64 / HOUR as f64
}

/// Cost of one Fargate task that ran for `duration`, with the one-minute billing minimum.
pub fn fargate_task_cost(cpu_units: u32, memory_mib: u32, purchase: Purchase, duration: Millis) -> f64 {
    cost_for(fargate_hourly(cpu_units, memory_mib, purchase), duration.max(60_000))
}

/// Hourly price of an EKS cluster's control plane.
pub fn eks_control_plane_hourly() -> f64 {
    EKS_CONTROL_PLANE_HOUR_USD
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn fargate_table() {
        // (cpu units, MiB, purchase) → $/hour
        let rows = [
            (1024, 2048, Purchase::OnDemand, 0.04048 + 2.0 * 0.004445), // 0.04937
            (256, 512, Purchase::OnDemand, 0.25 * 0.04048 + 0.5 * 0.004445), // 0.0123425
            (4096, 8192, Purchase::OnDemand, 4.0 * 0.04048 + 8.0 * 0.004445),
            (1024, 2048, Purchase::Spot, 0.3 * (0.04048 + 2.0 * 0.004445)),
        ];
        for (cpu, mib, p, want) in rows {
            assert!(close(fargate_hourly(cpu, mib, p), want), "{cpu}/{mib} {p:?}: {}", fargate_hourly(cpu, mib, p));
        }
        // tomgregory.com's example: 0.25 vCPU, 0.5 GB for 24 h = $0.29622
        assert!(close(cost_for(fargate_hourly(256, 512, Purchase::OnDemand), 24 * HOUR), 0.29622));
        // one-minute minimum
        assert!(close(fargate_task_cost(1024, 2048, Purchase::OnDemand, 5_000), 0.04937 / 60.0));
    }

    #[test]
    fn ec2_and_eks() {
        assert_eq!(ec2_hourly("m5.large", Purchase::OnDemand), Some(0.096));
        assert!(close(ec2_hourly("m5.large", Purchase::Spot).unwrap(), 0.096 * 0.4));
        assert!(close(ec2_hourly("t3.micro", Purchase::Spot).unwrap(), 0.0104 * 0.3));
        assert_eq!(ec2_hourly("x9.huge", Purchase::OnDemand), None);
        assert_eq!(ec2_spot_discount("z1d.large"), DEFAULT_EC2_SPOT_DISCOUNT);
        assert!(close(cost_for(eks_control_plane_hourly(), 24 * HOUR), 2.4));
        // every catalogue family has a documented discount
        for t in catalog::CATALOG {
            let fam = t.name.split('.').next().unwrap_or("");
            assert!(EC2_SPOT_DISCOUNTS.iter().any(|(f, _)| *f == fam), "{fam} has no Spot discount");
        }
    }
}
