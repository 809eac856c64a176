//! The kubelet's view of one container, as pure arithmetic: when probes first pass or fail, when
//! the container gets killed, and how long the restart back-off is. The simulation (`sim.rs`)
//! turns a [`Plan`] into timers, so a probe that runs every 10 s costs one timer, not one per
//! period.
//!
//! The app's behaviour comes from the scenario's `behaviors` (see `engine::behavior`): it answers
//! its probes from `readyAfter` on, stops answering from `failHealthCheckAfter`, exits at
//! `exitAfter`, and is OOM-killed when a leak reaches the container's memory limit.
//!
//! Probe semantics (kubernetes.io "Configure Liveness, Readiness and Startup Probes" and
//! `pkg/kubelet/prober/worker.go`): the first probe runs `initialDelaySeconds` after the container
//! starts, then every `periodSeconds`. A result only counts after `successThreshold` consecutive
//! successes or `failureThreshold` consecutive failures. While a startup probe has not succeeded,
//! the liveness and readiness probes are disabled; a startup probe that fails `failureThreshold`
//! times kills the container. A liveness failure kills the container; a readiness failure only
//! removes the pod from Service endpoints. A container without a readiness probe is ready as soon
//! as it runs (and its startup probe, if any, succeeded) — whether or not the app is.
//!
//! Restart back-off (kubernetes.io "Pod Lifecycle", "Container restarts"; `pkg/kubelet/kubelet.go`
//! `backOffPeriod` 10 s, `MaxContainerBackOff` 300 s): the first restart is immediate, then the
//! delay doubles from 10 s up to 5 minutes; a container that ran 10 minutes without trouble
//! resets it.

use crate::engine::behavior::Behavior;
use crate::engine::sort;
use crate::engine::time::{Millis, MINUTE, SECOND};

use super::model::Probe;

/// `backOffPeriod`.
pub const BACKOFF_INITIAL: Millis = 10 * SECOND;
/// `MaxContainerBackOff`.
pub const BACKOFF_MAX: Millis = 300 * SECOND;
/// A container that ran this long resets its back-off.
pub const BACKOFF_RESET_AFTER: Millis = 10 * MINUTE;

/// The delay before restart number `n + 1`, where `n` is the number of earlier back-offs since
/// the last reset: 0, 10 s, 20 s, 40 s, 80 s, 160 s, 300 s, 300 s, ...
pub fn restart_backoff(n: u32) -> Millis {
    if n == 0 {
        return 0;
    }
    let mut d = BACKOFF_INITIAL;
    for _ in 1..n {
        d = d.saturating_mul(2);
        if d >= BACKOFF_MAX {
            return BACKOFF_MAX;
        }
    }
    d.min(BACKOFF_MAX)
}

/// Why the kubelet kills or loses a container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Kill {
    /// The liveness probe failed `failureThreshold` times in a row.
    Liveness,
    /// The startup probe never succeeded within `failureThreshold` tries.
    Startup,
    /// The app exited by itself with this code.
    Exit(i32),
    /// The app leaked memory up to the container's limit: exit code 137.
    OomKilled,
}

impl Kill {
    pub fn reason(&self) -> String {
        match self {
            Kill::Liveness => "Liveness probe failed".into(),
            Kill::Startup => "Startup probe failed".into(),
            Kill::Exit(0) => "Completed".into(),
            Kill::Exit(_) => "Error".into(),
            Kill::OomKilled => "OOMKilled".into(),
        }
    }
    pub fn exit_code(&self) -> i32 {
        match self {
            // The kubelet kills with SIGTERM, then SIGKILL: 137 when the app ignores SIGTERM;
            // Berth's apps exit on SIGTERM, so 143 (128 + 15).
            Kill::Liveness | Kill::Startup => 143,
            Kill::Exit(c) => *c,
            Kill::OomKilled => 137,
        }
    }
}

/// What will happen to a container that starts at 0, in ms after its start.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// When the pod becomes Ready (readiness probe passes), if before any kill.
    pub ready_at: Option<Millis>,
    /// When it stops being Ready again (readiness failures), if before any kill.
    pub not_ready_at: Option<Millis>,
    /// When and why the container dies.
    pub kill: Option<(Millis, Kill)>,
}

/// The i-th run time of a probe (ms after container start).
fn probe_time(p: &Probe, k: i64) -> Millis {
    ((p.initial_delay_seconds.max(0) + k * p.period_seconds.max(1)) as Millis) * SECOND
}

/// The index of the first probe at or after `t`.
fn first_probe_at_or_after(p: &Probe, t: Millis) -> i64 {
    let d = p.initial_delay_seconds.max(0) as Millis * SECOND;
    if t <= d {
        return 0;
    }
    let per = p.period_seconds.max(1) as Millis * SECOND;
    (t - d).div_ceil(per) as i64
}

/// Whether the app answers a probe at `t`: from `readyAfter` until `failHealthCheckAfter`.
fn healthy_at(b: &Behavior, t: Millis) -> bool {
    t >= b.ready_after && b.fail_health_check_after.is_none_or(|f| t < f)
}

/// The plan for one container start. `memory_limit_mib`: the container's memory limit (0: none),
/// `memory_start_mib`: its working set at start.
pub fn plan(b: &Behavior, startup: Option<&Probe>, readiness: Option<&Probe>, liveness: Option<&Probe>, memory_start_mib: u32, memory_limit_mib: u32) -> Plan {
    let mut kills: Vec<(Millis, Kill)> = Vec::new();
    if let Some(e) = b.exit_after {
        kills.push((e, Kill::Exit(b.exit_code)));
    }
    if let Some(o) = b.oom_after(memory_start_mib, memory_limit_mib) {
        kills.push((o, Kill::OomKilled));
    }
    // Startup probe: the first success, or a kill after failureThreshold failures.
    let mut started_at: Option<Millis> = Some(0);
    if let Some(s) = startup {
        let k = first_probe_at_or_after(s, b.ready_after);
        let ft = s.failure_threshold.max(1);
        let t_ok = probe_time(s, k);
        if k >= ft || !healthy_at(b, t_ok) {
            // failureThreshold consecutive failures (or the app broke before it ever answered).
            let fails_from = if k >= ft { 0 } else { k };
            kills.push((probe_time(s, fails_from + ft - 1), Kill::Startup));
            started_at = None;
        } else {
            started_at = Some(t_ok);
        }
    }
    // Liveness: fails while the app does not answer, once the startup probe succeeded.
    if let (Some(l), Some(t0)) = (liveness, started_at) {
        let ft = l.failure_threshold.max(1);
        let first = first_probe_at_or_after(l, t0);
        // Failures before the app is up.
        let up = first_probe_at_or_after(l, b.ready_after);
        if up - first >= ft {
            kills.push((probe_time(l, first + ft - 1), Kill::Liveness));
        } else if let Some(f) = b.fail_health_check_after {
            let k = first_probe_at_or_after(l, f.max(t0));
            kills.push((probe_time(l, k + ft - 1), Kill::Liveness));
        }
    }
    sort::sort_by_key(&mut kills, |(t, _)| *t);
    let kill = kills.into_iter().next();
    let before_kill = |t: Millis| kill.as_ref().is_none_or(|(k, _)| t < *k);
    let mut out = Plan { ready_at: None, not_ready_at: None, kill: kill.clone() };
    let Some(t0) = started_at else { return out };
    match readiness {
        None => {
            if before_kill(t0) {
                out.ready_at = Some(t0);
            }
        }
        Some(r) => {
            let st = r.success_threshold.max(1);
            let k = first_probe_at_or_after(r, b.ready_after.max(t0));
            let t_first = probe_time(r, k);
            let t_ready = probe_time(r, k + st - 1);
            if healthy_at(b, t_first) && healthy_at(b, t_ready) && before_kill(t_ready) {
                out.ready_at = Some(t_ready);
                if let Some(f) = b.fail_health_check_after {
                    let kf = first_probe_at_or_after(r, f.max(t_ready + 1));
                    let t_nr = probe_time(r, kf + r.failure_threshold.max(1) - 1);
                    if before_kill(t_nr) {
                        out.not_ready_at = Some(t_nr);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::behavior::BehaviorSpec;
    use crate::engine::k8s::model::ProbeAction;

    fn probe(delay: i64, period: i64, ft: i64, st: i64) -> Probe {
        Probe { action: ProbeAction::TcpSocket { port: crate::engine::k8s::model::IntOrString::Int(80) }, initial_delay_seconds: delay, period_seconds: period, timeout_seconds: 1, success_threshold: st, failure_threshold: ft }
    }
    fn behavior(ready: &str, fail: Option<&str>) -> Behavior {
        BehaviorSpec { ready_after: Some(ready.into()), fail_health_check_after: fail.map(String::from), ..Default::default() }.resolve().unwrap()
    }

    #[test]
    fn backoff_doubles_to_five_minutes() {
        let d: Vec<Millis> = (0..9).map(restart_backoff).collect();
        assert_eq!(d, vec![0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    }

    #[test]
    fn readiness_waits_for_the_app_and_the_period() {
        // App ready after 12 s; probe from 5 s every 10 s: fails at 5 s, passes at 15 s.
        let p = plan(&behavior("12s", None), None, Some(&probe(5, 10, 3, 1)), None, 0, 0);
        assert_eq!(p.ready_at, Some(15_000));
        // successThreshold 2: one more period.
        let p = plan(&behavior("12s", None), None, Some(&probe(5, 10, 3, 2)), None, 0, 0);
        assert_eq!(p.ready_at, Some(25_000));
        // No readiness probe: Ready at once, even though the app is not.
        let p = plan(&behavior("12s", None), None, None, None, 0, 0);
        assert_eq!(p.ready_at, Some(0));
    }

    #[test]
    fn liveness_restarts_a_broken_app() {
        // Breaks at 60 s; liveness every 10 s from 0, failureThreshold 3: fails at 60, 70, 80 → killed at 80 s.
        let b = behavior("0s", Some("60s"));
        let p = plan(&b, None, Some(&probe(0, 10, 3, 1)), Some(&probe(0, 10, 3, 1)), 0, 0);
        assert_eq!(p.kill, Some((80_000, Kill::Liveness)));
        assert_eq!(p.ready_at, Some(0));
        assert_eq!(p.not_ready_at, None, "readiness fails at 80 s too, but the kill comes first");
    }

    #[test]
    fn liveness_too_early_kills_a_slow_starter() {
        // App needs 45 s; liveness from 10 s every 10 s, 3 failures → killed at 30 s, forever.
        let p = plan(&behavior("45s", None), None, None, Some(&probe(10, 10, 3, 1)), 0, 0);
        assert_eq!(p.kill, Some((30_000, Kill::Liveness)));
        // A startup probe (30 × 5 s) protects it: startup passes at 45 s, no kill.
        let p = plan(&behavior("45s", None), Some(&probe(0, 5, 30, 1)), None, Some(&probe(10, 10, 3, 1)), 0, 0);
        assert_eq!(p.kill, None);
        assert_eq!(p.ready_at, Some(45_000));
        // A startup probe that gives up too soon (3 × 5 s): killed at 10 s.
        let p = plan(&behavior("45s", None), Some(&probe(0, 5, 3, 1)), None, None, 0, 0);
        assert_eq!(p.kill, Some((10_000, Kill::Startup)));
        assert_eq!(p.ready_at, None);
    }

    #[test]
    fn exits_and_oom() {
        let b = BehaviorSpec { exit_after: Some("2m".into()), exit_code: Some(3), ..Default::default() }.resolve().unwrap();
        assert_eq!(plan(&b, None, None, None, 0, 0).kill, Some((120_000, Kill::Exit(3))));
        let b = BehaviorSpec { memory_leak_mib_per_minute: Some(64.0), ..Default::default() }.resolve().unwrap();
        let p = plan(&b, None, None, None, 256, 512);
        assert_eq!(p.kill, Some((240_000, Kill::OomKilled)));
        assert_eq!(Kill::OomKilled.exit_code(), 137);
    }
}
