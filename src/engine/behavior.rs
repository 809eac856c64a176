//! How a revision's application behaves once started: the scenario's way to create broken
//! releases ("v2 fails its health check after 30 s", "crashes now and then", "leaks memory").
//!
//! Keys in the scenario's `behaviors` map are `family:revision` or `family` (every revision
//! without its own entry). Durations are strings (`"30s"`); omitted fields mean "behaves well".

use serde::{Deserialize, Serialize};

use crate::engine::time::{parse_duration, Millis};

/// As written in the scenario.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BehaviorSpec {
    /// Time from container start until health checks pass (and the app is ready).
    #[serde(default)]
    pub ready_after: Option<String>,
    /// Health checks fail from this long after the container started.
    #[serde(default)]
    pub fail_health_check_after: Option<String>,
    /// Chance, each minute of running, that the essential container crashes (0–1).
    #[serde(default)]
    pub crash_probability_per_minute: Option<f64>,
    /// The essential container exits this long after it started...
    #[serde(default)]
    pub exit_after: Option<String>,
    /// ...with this exit code (default 1; 0 means a batch job that completed).
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// Memory growth in MiB per minute; the container is OOM-killed at its hard `memory` limit.
    #[serde(default)]
    pub memory_leak_mib_per_minute: Option<f64>,
    /// Working set at start, MiB (default: the container's memoryReservation, else half its limit).
    #[serde(default)]
    pub memory_mib: Option<u32>,
    /// The image cannot be pulled (a bad tag): the task stops with CannotPullContainerError.
    #[serde(default)]
    pub image_pull_fails: bool,
    /// Compressed image size, MB (pull time at 50 MB/s; cached images are not pulled again).
    #[serde(default)]
    pub image_size_mb: Option<u32>,
    /// Fraction of requests answered with HTTP 5xx (used by traffic and canary analysis).
    #[serde(default)]
    pub error_rate: Option<f64>,
    /// Time the app takes to exit after SIGTERM (default 1 s); past `stopTimeout` it is killed.
    #[serde(default)]
    pub shutdown_after: Option<String>,
    /// How long a non-essential container that others wait on with COMPLETE or SUCCESS (an
    /// init container) runs before it exits (default 2 s)... In Kubernetes: each of the pod's
    /// regular init containers.
    #[serde(default)]
    pub init_runs_for: Option<String>,
    /// ...and its exit code (default 0; non-zero never satisfies SUCCESS). In Kubernetes a
    /// non-zero code fails the pod's first init container that is not a sidecar every time it
    /// runs: `Init:Error`, then restarts with back-off (`Init:CrashLoopBackOff`), or a Failed pod
    /// under `restartPolicy: Never` (`k8s/pods.rs`).
    #[serde(default)]
    pub init_exit_code: Option<i32>,
    /// CPU time one request costs, ms of one vCPU (default 10): a task with `c` vCPU answers at
    /// most `c × 1000 / cpuMsPerRequest` requests per second.
    #[serde(default)]
    pub cpu_ms_per_request: Option<f64>,
    /// Fixed part of each request's latency, ms (default 20).
    #[serde(default)]
    pub base_latency_ms: Option<f64>,
    /// Memory each request in flight holds, MiB (default 1).
    #[serde(default)]
    pub memory_per_request_mib: Option<f64>,
}

/// Parsed, with defaults applied.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Behavior {
    pub ready_after: Millis,
    pub fail_health_check_after: Option<Millis>,
    pub crash_probability_per_minute: f64,
    pub exit_after: Option<Millis>,
    pub exit_code: i32,
    pub memory_leak_mib_per_minute: f64,
    pub memory_mib: Option<u32>,
    pub image_pull_fails: bool,
    pub image_size_mb: u32,
    pub error_rate: f64,
    pub shutdown_after: Millis,
    pub init_runs_for: Millis,
    pub init_exit_code: i32,
    pub cpu_ms_per_request: f64,
    pub base_latency_ms: f64,
    pub memory_per_request_mib: f64,
}

/// Image pull throughput, MB per second.
pub const PULL_MB_PER_SECOND: u32 = 50;
/// Image size when a scenario does not say, MB.
pub const DEFAULT_IMAGE_MB: u32 = 150;

impl BehaviorSpec {
    pub fn resolve(&self) -> Result<Behavior, String> {
        let dur = |name: &str, v: &Option<String>| -> Result<Option<Millis>, String> {
            v.as_deref().map(parse_duration).transpose().map_err(|e| format!("{name}: {e}"))
        };
        let p = self.crash_probability_per_minute.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&p) {
            return Err(format!("crashProbabilityPerMinute must be between 0 and 1; got {p}"));
        }
        let e = self.error_rate.unwrap_or(0.0);
        if !(0.0..=1.0).contains(&e) {
            return Err(format!("errorRate must be between 0 and 1; got {e}"));
        }
        let leak = self.memory_leak_mib_per_minute.unwrap_or(0.0);
        if !(0.0..=1_000_000.0).contains(&leak) {
            return Err(format!("memoryLeakMibPerMinute must be 0 or more; got {leak}"));
        }
        let nonneg = |name: &str, v: Option<f64>, default: f64, max: f64| -> Result<f64, String> {
            let v = v.unwrap_or(default);
            if !(v.is_finite() && (0.0..=max).contains(&v)) {
                return Err(format!("{name} must be between 0 and {max}; got {v}"));
            }
            Ok(v)
        };
        let cpu_ms_per_request = nonneg("cpuMsPerRequest", self.cpu_ms_per_request, 10.0, 3_600_000.0)?;
        if cpu_ms_per_request == 0.0 {
            return Err("cpuMsPerRequest must be more than 0 (every request costs some CPU)".into());
        }
        Ok(Behavior {
            cpu_ms_per_request,
            base_latency_ms: nonneg("baseLatencyMs", self.base_latency_ms, 20.0, 3_600_000.0)?,
            memory_per_request_mib: nonneg("memoryPerRequestMib", self.memory_per_request_mib, 1.0, 1_000_000.0)?,
            ready_after: dur("readyAfter", &self.ready_after)?.unwrap_or(0),
            fail_health_check_after: dur("failHealthCheckAfter", &self.fail_health_check_after)?,
            crash_probability_per_minute: p,
            exit_after: dur("exitAfter", &self.exit_after)?,
            exit_code: self.exit_code.unwrap_or(1),
            memory_leak_mib_per_minute: leak,
            memory_mib: self.memory_mib,
            image_pull_fails: self.image_pull_fails,
            image_size_mb: self.image_size_mb.unwrap_or(DEFAULT_IMAGE_MB),
            error_rate: e,
            shutdown_after: dur("shutdownAfter", &self.shutdown_after)?.unwrap_or(1_000),
            init_runs_for: dur("initRunsFor", &self.init_runs_for)?.unwrap_or(2_000),
            init_exit_code: self.init_exit_code.unwrap_or(0),
        })
    }
}

impl Behavior {
    pub fn well_behaved() -> Self {
        BehaviorSpec::default().resolve().unwrap_or_default()
    }

    /// Milliseconds to pull an image of this size (0 when cached).
    pub fn pull_ms(&self, cached: bool) -> Millis {
        if cached {
            0
        } else {
            (self.image_size_mb as u64 * 1000).div_ceil(PULL_MB_PER_SECOND as u64)
        }
    }

    /// When a leaking container reaches `limit` MiB, starting from `start` MiB: ms after start.
    pub fn oom_after(&self, start: u32, limit: u32) -> Option<Millis> {
        if self.memory_leak_mib_per_minute <= 0.0 || limit == 0 {
            return None;
        }
        let room = limit.saturating_sub(start) as f64;
        Some(((room / self.memory_leak_mib_per_minute) * 60_000.0).ceil() as Millis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_behave_well() {
        let b = Behavior::well_behaved();
        assert_eq!(b.ready_after, 0);
        assert_eq!(b.fail_health_check_after, None);
        assert_eq!(b.exit_code, 1);
        assert_eq!(b.pull_ms(false), 3_000); // 150 MB at 50 MB/s
        assert_eq!(b.pull_ms(true), 0);
        assert_eq!(b.shutdown_after, 1_000);
    }

    #[test]
    fn oom_time() {
        let b = BehaviorSpec { memory_leak_mib_per_minute: Some(64.0), ..Default::default() }.resolve().unwrap();
        // 256 MiB at start, 512 MiB limit, 64 MiB/min → 4 minutes.
        assert_eq!(b.oom_after(256, 512), Some(240_000));
        assert_eq!(Behavior::well_behaved().oom_after(256, 512), None);
    }

    #[test]
    fn bad_values_say_why() {
        let e = BehaviorSpec { crash_probability_per_minute: Some(1.5), ..Default::default() }.resolve().unwrap_err();
        assert_eq!(e, "crashProbabilityPerMinute must be between 0 and 1; got 1.5");
        let e = BehaviorSpec { ready_after: Some("soon".into()), ..Default::default() }.resolve().unwrap_err();
        assert!(e.starts_with("readyAfter: duration \"soon\""), "{e}");
    }
}
