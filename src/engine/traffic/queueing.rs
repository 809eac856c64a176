//! The per-task performance model: how many requests a task can answer, how busy that keeps its
//! CPU and how long each request takes. Deliberately simple, and documented in
//! `docs/traffic.md` so a learner can check every number by hand:
//!
//! * **Capacity.** A request costs `cpuMsPerRequest` ms of one vCPU, so a task with `c` vCPU
//!   answers at most `μ = c × 1000 / cpuMsPerRequest` requests per second. (A Kubernetes pod
//!   goes through the same model with the CPU it may use, in millicores, in place of
//!   `c × 1000`: see `k8s/load.rs`, [`capacity_rps`], [`serve`].)
//! * **Admission.** Of the offered `λ` requests/s, `min(λ, μ)` are served; the rest are rejected
//!   with HTTP 503 (the task is saturated).
//! * **Utilisation.** `ρ = served / μ`; the task's CPU utilisation is `100 × ρ` % of its reserved
//!   CPU — ECS's CPUUtilization is "CPU used / CPU reserved".
//! * **Latency (M/M/1).** Service time `S = 1000 / μ` ms; the time in the task is exponentially
//!   distributed with mean `S / (1 − ρ)` (ρ capped at 0.99), plus the revision's fixed
//!   `baseLatencyMs`. So the mean is `base + S/(1−ρ)` and the q-quantile is
//!   `base + S/(1−ρ) × ln(1/(1−q))`: p50 = ln 2, p95 = ln 20, p99 = ln 100 times the mean wait.
//! * **Errors.** The revision's `errorRate` of served requests fail with HTTP 5xx.
//! * **Memory.** Working set `memoryMib` plus `memoryPerRequestMib` for each request in flight
//!   (Little's law: in flight = served × mean latency).

/// ln(1/(1−q)) for q = 0.50, 0.95, 0.99.
pub const LN_P50: f64 = std::f64::consts::LN_2;
pub const LN_P95: f64 = 2.995_732_273_553_991;
pub const LN_P99: f64 = 4.605_170_185_988_092;
/// Utilisation used in the latency formula never goes above this (the wait would be infinite).
pub const RHO_CAP: f64 = 0.99;

/// One task's inputs for one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskInput {
    /// Requests per second routed to the task.
    pub offered_rps: f64,
    /// vCPU reserved for the task (task `cpu` / 1024).
    pub vcpu: f64,
    pub cpu_ms_per_request: f64,
    pub base_latency_ms: f64,
    pub error_rate: f64,
}

/// One task's outputs for that instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TaskOutput {
    pub capacity_rps: f64,
    pub served_rps: f64,
    /// Rejected with 503 because the task is saturated.
    pub rejected_rps: f64,
    /// Served but failed with a 5xx by the app itself.
    pub error_rps: f64,
    /// Percent of reserved CPU.
    pub cpu_percent: f64,
    /// Mean time in the task beyond `base_latency_ms` (the exponential part), ms.
    pub mean_wait_ms: f64,
    pub base_latency_ms: f64,
    /// Requests in flight (Little's law).
    pub in_flight: f64,
}

impl TaskOutput {
    pub fn mean_latency_ms(&self) -> f64 {
        self.base_latency_ms + self.mean_wait_ms
    }
    /// The q-quantile of latency given `ln(1/(1−q))` (see [`LN_P95`]).
    pub fn quantile_ms(&self, ln_q: f64) -> f64 {
        self.base_latency_ms + self.mean_wait_ms * ln_q
    }
}

/// Requests per second a server answers at most when it has `cpu_ms_per_second` ms of CPU time
/// each second (1000 per vCPU; for a Kubernetes pod, its CPU in millicores) and a request costs
/// `cpu_ms_per_request` ms of it. Unbounded when requests cost nothing.
pub fn capacity_rps(cpu_ms_per_second: f64, cpu_ms_per_request: f64) -> f64 {
    if cpu_ms_per_request > 0.0 {
        cpu_ms_per_second / cpu_ms_per_request
    } else {
        f64::INFINITY
    }
}

/// One ECS task's answer: its capacity from its reserved vCPU, then [`serve`].
pub fn evaluate(i: TaskInput) -> TaskOutput {
    serve(capacity_rps(i.vcpu * 1000.0, i.cpu_ms_per_request), i.offered_rps, i.base_latency_ms, i.error_rate)
}

/// The model for one server (an ECS task, a Kubernetes pod) that answers at most `capacity`
/// requests per second (see [`capacity_rps`]) and is offered `offered_rps`: admission (the excess
/// rejected with a 503), utilisation, the M/M/1 wait, the app's own errors, requests in flight.
pub fn serve(capacity: f64, offered_rps: f64, base_latency_ms: f64, error_rate: f64) -> TaskOutput {
    let offered = offered_rps.max(0.0);
    let served = offered.min(capacity);
    let rejected = offered - served;
    let rho = if capacity.is_finite() && capacity > 0.0 { served / capacity } else { 0.0 };
    let service_ms = if capacity.is_finite() && capacity > 0.0 { 1000.0 / capacity } else { 0.0 };
    let mean_wait = service_ms / (1.0 - rho.min(RHO_CAP));
    TaskOutput {
        capacity_rps: capacity,
        served_rps: served,
        rejected_rps: rejected,
        error_rps: served * error_rate,
        cpu_percent: 100.0 * rho,
        mean_wait_ms: mean_wait,
        base_latency_ms,
        in_flight: served * (base_latency_ms + mean_wait) / 1000.0,
    }
}

/// Merge latency components with the same base whose mean waits differ by less than `rel`
/// (relative): one component with their total weight and weighted mean wait. Keeps a minute's
/// percentile (60 per-second distributions that drift slowly) cheap; exact for equal waits.
pub fn merge_close(parts: &[(f64, f64, f64)], rel: f64) -> Vec<(f64, f64, f64)> {
    let mut sorted: Vec<(f64, f64, f64)> = parts.iter().copied().filter(|p| p.0 > 0.0).collect();
    crate::engine::sort::sort_by(&mut sorted, |a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)));
    let mut out: Vec<(f64, f64, f64)> = Vec::new();
    let mut first_wait = 0.0;
    for (w, base, wait) in sorted {
        match out.last_mut() {
            Some(last) if last.1 == base && wait <= first_wait * (1.0 + rel) => {
                last.2 = (last.2 * last.0 + wait * w) / (last.0 + w);
                last.0 += w;
            }
            _ => {
                first_wait = wait;
                out.push((w, base, wait));
            }
        }
    }
    out
}

/// Mean, p50, p95 and p99 latency (ms) of a mix of servers `parts` (requests/s served, base ms,
/// mean wait ms) that served `served` requests/s in all: the mean weighted by the requests each
/// served, the quantiles by [`mixture_quantile`]. All `None` when nothing was served.
pub fn latency_summary(parts: &[(f64, f64, f64)], served: f64) -> [Option<f64>; 4] {
    let mean = (served > 0.0).then(|| parts.iter().map(|(n, b, w)| n * (b + w)).sum::<f64>() / served);
    [mean, mixture_quantile(parts, LN_P50), mixture_quantile(parts, LN_P95), mixture_quantile(parts, LN_P99)]
}

/// The q-quantile of latency over a mix of tasks, each weighted by the requests it served: the
/// `x` where `Σ wᵢ · P(Tᵢ > x) = (1 − q) · Σ wᵢ`, found by bisection (each `Tᵢ` is
/// `baseᵢ + Exp(meanᵢ)`). `None` when nothing was served.
pub fn mixture_quantile(parts: &[(f64, f64, f64)], ln_q: f64) -> Option<f64> {
    // parts: (weight, base, mean wait)
    let total: f64 = parts.iter().map(|p| p.0).sum();
    if !(total > 0.0) {
        return None;
    }
    if let [(_, base, mean)] = parts {
        return Some(base + mean * ln_q);
    }
    let target = total * crate::engine::detmath::exp(-ln_q);
    let survival = |x: f64| -> f64 {
        parts
            .iter()
            .filter(|p| p.0 > 0.0)
            .map(|&(w, base, mean)| if x < base { w } else if mean <= 0.0 { 0.0 } else { w * crate::engine::detmath::exp(-(x - base) / mean) })
            .sum()
    };
    let mut lo = parts.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let mut hi = parts.iter().map(|p| p.1 + p.2 * ln_q).fold(0.0, f64::max);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if survival(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(rps: f64) -> TaskInput {
        // 0.25 vCPU, 10 ms of CPU per request → 25 requests/s at 100 %.
        TaskInput { offered_rps: rps, vcpu: 0.25, cpu_ms_per_request: 10.0, base_latency_ms: 20.0, error_rate: 0.01 }
    }

    #[test]
    fn half_loaded_task() {
        let o = evaluate(input(12.5));
        assert_eq!(o.capacity_rps, 25.0);
        assert_eq!(o.cpu_percent, 50.0);
        // S = 40 ms; mean wait = 40 / (1 − 0.5) = 80 ms.
        assert_eq!(o.mean_wait_ms, 80.0);
        assert_eq!(o.mean_latency_ms(), 100.0);
        assert!((o.quantile_ms(LN_P95) - (20.0 + 80.0 * 20f64.ln())).abs() < 1e-9);
        assert_eq!(o.rejected_rps, 0.0);
        assert!((o.error_rps - 0.125).abs() < 1e-12);
        assert!((o.in_flight - 1.25).abs() < 1e-12);
    }

    #[test]
    fn saturated_task_rejects_the_excess() {
        let o = evaluate(input(40.0));
        assert_eq!((o.served_rps, o.rejected_rps, o.cpu_percent), (25.0, 15.0, 100.0));
        assert!((o.mean_wait_ms - 4000.0).abs() < 1e-6, "40 ms / (1 − 0.99)");
    }

    #[test]
    fn quantile_constants() {
        assert!((LN_P95 - 20f64.ln()).abs() < 1e-15);
        assert!((LN_P99 - 100f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn merging_close_components() {
        let m = merge_close(&[(1.0, 20.0, 100.0), (3.0, 20.0, 100.05), (1.0, 20.0, 200.0), (0.0, 5.0, 1.0)], 1e-3);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].0, 4.0);
        assert!((m[0].2 - 100.0375).abs() < 1e-12);
        assert_eq!(m[1], (1.0, 20.0, 200.0));
    }

    #[test]
    fn mixture_quantile_of_equal_tasks_is_the_task_quantile() {
        let q = mixture_quantile(&[(10.0, 20.0, 80.0), (10.0, 20.0, 80.0)], LN_P95).unwrap();
        assert!((q - (20.0 + 80.0 * LN_P95)).abs() < 1e-6);
        // A slow task serving half the requests pulls p95 up, between the two tasks' own p95s.
        let q = mixture_quantile(&[(10.0, 20.0, 80.0), (10.0, 20.0, 800.0)], LN_P95).unwrap();
        assert!(q > 20.0 + 80.0 * LN_P95 && q < 20.0 + 800.0 * LN_P95, "{q}");
        // Exactly: 0.5·e^(−w/80) + 0.5·e^(−w/800) = 0.05 at w ≈ 1842.07.
        let w = q - 20.0;
        assert!((0.5 * (-w / 80.0).exp() + 0.5 * (-w / 800.0).exp() - 0.05).abs() < 1e-9);
        assert_eq!(mixture_quantile(&[], LN_P50), None);
    }
}
