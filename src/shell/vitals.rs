//! The few numbers a class watches on the presenter's demo page: what the cluster costs now, and,
//! once a service has traffic, the requests it gets, the slowest tail of their latency and the
//! errors (in a Kubernetes scenario, the requests offered to its Deployments and Services). Pure, natively tested (tests/vitals.rs); the page only renders the rows.

use crate::engine::snapshot::Snapshot;

/// One figure: a short label, its value as shown, and a stable key for tests and styling.
#[derive(Debug, Clone, PartialEq)]
pub struct Vital {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The figures for `s`: tasks running, the hourly cost, and with traffic the requests per second
/// (offered to every service together), the worst service's p95 latency and the share of requests
/// that failed (5xx and rejected, over offered).
pub fn vitals(s: &Snapshot) -> Vec<Vital> {
    let running = match &s.kube {
        Some(k) => k.pods.iter().filter(|p| p.ready).count(),
        None => s.services.iter().map(|v| v.running as usize).sum::<usize>() + s.tasks.iter().filter(|t| t.service.is_none() && t.last_status == crate::engine::task::TaskStatus::Running).count(),
    };
    let mut out = vec![
        Vital { key: "running", label: if s.kube.is_some() { "pods ready" } else { "tasks running" }, value: thousands(running as u64) },
        Vital { key: "cost", label: "cost now", value: format!("${:.2}/hour", s.cost.hourly_usd) },
    ];
    // Kubernetes: the requests offered from outside (Berth models no latency or errors there).
    if let Some(rps) = s.kube.as_ref().and_then(|k| k.offered_rps) {
        out.push(Vital { key: "requests", label: "requests", value: format!("{}/s", thousands(rps.round() as u64)) });
        return out;
    }
    let loads: Vec<_> = s.services.iter().filter_map(|v| v.load.as_ref()).collect();
    if !loads.is_empty() {
        let offered: f64 = loads.iter().map(|l| l.offered_rps).sum();
        let failed: f64 = loads.iter().map(|l| l.error_rps + l.rejected_rps + l.no_target_rps).sum();
        out.push(Vital { key: "requests", label: "requests", value: format!("{}/s", thousands(offered.round() as u64)) });
        let p95 = loads.iter().filter_map(|l| l.p95_ms).fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        out.push(Vital { key: "p95", label: "p95 latency", value: p95.map_or("–".to_string(), |p| format!("{p:.0} ms")) });
        let pct = if offered > 0.0 { 100.0 * failed / offered } else { 0.0 };
        out.push(Vital { key: "errors", label: "failed", value: if pct > 0.0 && pct < 0.1 { "<0.1 %".to_string() } else { format!("{pct:.1} %") } });
    }
    out
}
