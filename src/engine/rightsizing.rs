//! Right-sizing, VPA-style: from what a service's tasks actually used, recommend CPU and memory
//! reservations, with the course's rule for limits: **limit = peak × 1.5** (a 50 % buffer over the
//! peak; the course's example: peak 200 MiB → limit 300 MiB), and the request (reservation) at
//! the average use. A service whose tasks were OOM-killed (exit code 137) needed more than its hard
//! limit: the recommendation is then at least 1.5 × that limit, and says so.
//!
//! Usage is sampled by the traffic tick (every virtual second while traffic runs); OOM kills come
//! from the event log, so a scenario without traffic still gets the OOM advice.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;

/// Per service, what the traffic tick saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsageStats {
    pub samples: u64,
    pub cpu_units_sum: f64,
    pub cpu_units_peak: f64,
    pub memory_mib_sum: f64,
    pub memory_mib_peak: f64,
}

impl UsageStats {
    pub fn record(&mut self, cpu_units: f64, memory_mib: f64) {
        self.samples += 1;
        self.cpu_units_sum += cpu_units;
        self.memory_mib_sum += memory_mib;
        self.cpu_units_peak = self.cpu_units_peak.max(cpu_units);
        self.memory_mib_peak = self.memory_mib_peak.max(memory_mib);
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub service: String,
    /// What one task reserves today (task-level or summed container values).
    pub current_cpu: u32,
    pub current_memory_mib: u32,
    /// Observed per task (absent without traffic samples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_cpu_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_cpu_units: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_memory_mib: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_memory_mib: Option<f64>,
    /// Tasks stopped with exit code 137 (out of memory).
    pub oom_kills: u32,
    /// Recommended reservation (request) and hard limit.
    pub cpu_request: Option<u32>,
    pub cpu_limit: Option<u32>,
    pub memory_request_mib: Option<u32>,
    pub memory_limit_mib: Option<u32>,
    /// One sentence per finding, for the page and the CLI.
    pub notes: Vec<String>,
}

/// `ceil(x)` as u32, for MiB and CPU units.
fn up(x: f64) -> u32 {
    if x <= 0.0 {
        0
    } else if x >= u32::MAX as f64 {
        u32::MAX
    } else {
        x.ceil() as u32
    }
}

impl Engine {
    /// A right-sizing recommendation for one service (`None` for an unknown service).
    pub fn recommendation(&self, service: &str) -> Option<Recommendation> {
        let svc = self.services.get(service)?;
        let td = self.resolve_task_definition(&svc.task_definition).ok()?;
        let (current_cpu, current_memory_mib) = (td.reserved_cpu().max(td.cpu.unwrap_or(0)), td.reserved_memory().max(td.memory.unwrap_or(0)));
        let stats = self.traffic.usage_stats.get(service).filter(|s| s.samples > 0);
        let oom_kills = self
            .events()
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::TaskStopped { task, exit_code: Some(137), .. } if self.tasks.get(task).is_some_and(|t| t.service.as_deref() == Some(service))))
            .count() as u32;
        let mut r = Recommendation {
            service: service.to_string(),
            current_cpu,
            current_memory_mib,
            average_cpu_units: stats.map(|s| s.cpu_units_sum / s.samples as f64),
            peak_cpu_units: stats.map(|s| s.cpu_units_peak),
            average_memory_mib: stats.map(|s| s.memory_mib_sum / s.samples as f64),
            peak_memory_mib: stats.map(|s| s.memory_mib_peak),
            oom_kills,
            cpu_request: None,
            cpu_limit: None,
            memory_request_mib: None,
            memory_limit_mib: None,
            notes: Vec::new(),
        };
        if let (Some(avg), Some(peak)) = (r.average_cpu_units, r.peak_cpu_units) {
            r.cpu_request = Some(up(avg));
            r.cpu_limit = Some(up(peak * 1.5));
            r.notes.push(format!("CPU: average {} units, peak {} units per task → reserve {} and allow up to {} (peak × 1.5); today {current_cpu}", up(avg), up(peak), up(avg), up(peak * 1.5)));
        }
        if let (Some(avg), Some(peak)) = (r.average_memory_mib, r.peak_memory_mib) {
            r.memory_request_mib = Some(up(avg));
            r.memory_limit_mib = Some(up(peak * 1.5));
            r.notes.push(format!("Memory: average {} MiB, peak {} MiB per task → reserve {} MiB, limit {} MiB (peak × 1.5); today {current_memory_mib} MiB", up(avg), up(peak), up(avg), up(peak * 1.5)));
        }
        if oom_kills > 0 {
            let hard = td.container_definitions.iter().filter(|c| c.essential).filter_map(|c| c.memory.or(td.memory)).max().unwrap_or(current_memory_mib);
            let at_least = up(hard as f64 * 1.5);
            r.memory_limit_mib = Some(r.memory_limit_mib.unwrap_or(0).max(at_least));
            r.notes.push(format!(
                "{oom_kills} task(s) were killed for running out of memory (exit code 137): they needed more than their {hard} MiB limit; give them at least {at_least} MiB (× 1.5), and if memory keeps growing, look for a leak"
            ));
        }
        if r.notes.is_empty() {
            r.notes.push("no usage observed yet: run the service with traffic for a while".into());
        }
        Some(r)
    }

    /// Recommendations for every service, in name order.
    pub fn recommendations(&self) -> BTreeMap<String, Recommendation> {
        self.services.keys().filter_map(|s| self.recommendation(s).map(|r| (s.clone(), r))).collect()
    }
}
