//! What the tasks on each instance *use*, next to what they reserve: once traffic runs, each
//! task reports its CPU (percent of its reservation) and memory (MiB), and an instance card draws
//! the sum as a darker bar inside its reservation bar. Pure, natively tested; the page only calls
//! it.

use std::collections::BTreeMap;

use crate::engine::snapshot::Snapshot;

/// Used CPU units and MiB of one instance's tasks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Used {
    pub cpu: f64,
    pub memory: f64,
}

/// Instance id → what its tasks use now. Only instances with at least one task that reports
/// usage (a service with traffic) are listed: without traffic there is nothing to draw.
pub fn instance_usage(s: &Snapshot) -> BTreeMap<&str, Used> {
    let mut out: BTreeMap<&str, Used> = BTreeMap::new();
    for t in &s.tasks {
        let (Some(inst), Some(u)) = (&t.instance, &t.usage) else { continue };
        let e = out.entry(inst.as_str()).or_default();
        // `cpu_percent` is of the task's own reservation (CPUUtilization as ECS reports it).
        e.cpu += f64::from(t.cpu) * u.cpu_percent / 100.0;
        e.memory += u.memory_mib;
    }
    out
}

/// The used share of a bar, in thousandths (0–1000, capped): what the card draws, and what
/// decides whether it must be drawn again (usage moves a little every tick).
pub fn permille(used: f64, total: u32) -> u16 {
    if total == 0 || !used.is_finite() || used <= 0.0 {
        return 0;
    }
    ((used / f64::from(total)) * 1000.0).round().clamp(0.0, 1000.0) as u16
}
