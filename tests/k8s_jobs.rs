//! Jobs in the simulation: completions and parallelism, the failure back-off (10 s, 20 s, ...),
//! backoffLimit → Failed with reason BackoffLimitExceeded, activeDeadlineSeconds, and
//! ttlSecondsAfterFinished. A pod's exit comes from its behaviour (`exitAfter`, `exitCode`).

use berth::engine::event::EventKind;
use berth::engine::k8s::jobs::JobView;
use berth::engine::sim::Engine;
use serde_json::{json, Value};

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn job(name: &str, spec: &str, restart: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{spec}  template:
    spec:
      restartPolicy: {restart}
      containers:
        - name: work
          image: busybox:1.36
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
"
    )
}

fn engine(manifest: String, behaviors: Value) -> Engine {
    let s = json!({
        "berth": 1,
        "name": "jobs test",
        "seed": 4,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "t3.medium", "desiredSize": 1 }], "manifests": [manifest] },
        "behaviors": behaviors,
    });
    start(&s)
}

fn jobs(e: &Engine) -> Vec<JobView> {
    e.snapshot().kube.map(|k| k.jobs).unwrap_or_default()
}

/// (t in s, what) for pod creations and pod ends (Succeeded/Failed as `podNotReady`/`podDeleted` do not say).
fn timeline(e: &Engine) -> Vec<(u64, String)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::PodCreated { .. } => Some((ev.t / 1000, "created".to_string())),
            EventKind::PodRunning { .. } => Some((ev.t / 1000, "running".to_string())),
            EventKind::PodDeleted { .. } => Some((ev.t / 1000, "deleted".to_string())),
            EventKind::PodTerminating { reason, .. } => Some((ev.t / 1000, format!("terminating: {reason}"))),
            _ => None,
        })
        .collect()
}

fn status(e: &Engine) -> Vec<(String, String, usize, usize, u32, Option<(String, u64)>)> {
    jobs(e).into_iter().map(|j| (j.status, j.completions, j.active, j.succeeded, j.failed, j.end.map(|x| (x.reason, x.at / 1000)))).collect()
}

#[test]
fn completions_and_parallelism() {
    // 3 completions, 2 at a time; each pod runs 20 s after a 4 s start (150 MB pull, then 1 s).
    let mut e = engine(job("batch", "  completions: 3\n  parallelism: 2\n  ttlSecondsAfterFinished: 60\n", "Never"), json!({ "batch": { "exitAfter": "20s", "exitCode": 0 } }));
    e.run_until(30_000);
    assert_eq!(status(&e), vec![("Running".to_string(), "2/3".to_string(), 1, 2, 0, None)]);
    e.run_until(60_000);
    assert_eq!(status(&e), vec![("Complete".to_string(), "3/3".to_string(), 0, 3, 0, Some(("Completed".to_string(), 45)))]);
    // status.startTime and status.completionTime (kubectl's DURATION: 45 s).
    assert_eq!(jobs(&e).iter().map(|j| (j.start_time, j.completion_time)).collect::<Vec<_>>(), vec![(0, Some(45_000))]);
    // Two pods at 0 s, both done at 24 s; the third (min(2, 3 − 2) = 1) starts at 25 s (image
    // cached) and ends at 45 s: Complete.
    assert_eq!(timeline(&e), vec![(0, "created".into()), (0, "created".into()), (4, "running".into()), (4, "running".into()), (24, "created".into()), (25, "running".into())]);
    let k = e.snapshot().kube.unwrap_or_else(|| panic!("no kube"));
    assert!(k.pods.iter().all(|p| p.status == "Completed" && p.labels.get("job-name").map(String::as_str) == Some("batch")));
    // ttlSecondsAfterFinished: the Job and its pods are gone 60 s after it finished.
    e.run_until(104_000);
    assert_eq!(jobs(&e).len(), 1);
    e.run_until(106_000);
    assert!(jobs(&e).is_empty());
    assert!(e.snapshot().kube.map(|k| k.pods.is_empty()).unwrap_or(false));
}

#[test]
fn backoff_limit_exceeded() {
    // Every pod exits with code 1 after 20 s. backoffLimit 2: the third failure fails the Job.
    let mut e = engine(job("flaky", "  backoffLimit: 2\n", "Never"), json!({ "flaky": { "exitAfter": "20s", "exitCode": 1 } }));
    e.run_until(200_000);
    // Failures at 24 s, 55 s and 96 s; replacements after 10 s, then 20 s of back-off.
    assert_eq!(timeline(&e), vec![(0, "created".into()), (4, "running".into()), (34, "created".into()), (35, "running".into()), (75, "created".into()), (76, "running".into())]);
    assert_eq!(status(&e), vec![("Failed".to_string(), "0/1".to_string(), 0, 0, 3, Some(("BackoffLimitExceeded".to_string(), 96)))]);
    // Only a Job that succeeded gets a completion time.
    assert_eq!(jobs(&e)[0].completion_time, None);
    assert_eq!(jobs(&e)[0].end.as_ref().map(|x| x.message.clone()), Some("Job has reached the specified backoff limit".to_string()));
    let finished: Vec<(u64, String)> = e.events().iter().filter(|ev| ev.kind.name() == "jobFinished").map(|ev| (ev.t / 1000, ev.kind.describe())).collect();
    assert_eq!(finished, vec![(96, "job flaky Failed (BackoffLimitExceeded): Job has reached the specified backoff limit".to_string())]);
}

#[test]
fn on_failure_restarts_count_towards_the_backoff_limit() {
    // restartPolicy OnFailure: the kubelet restarts the container (at once, then after 10 s);
    // the Job fails once its pods' restart counts add up to backoffLimit
    // (pastBackoffLimitOnFailure: `>=`). backoffLimit 1: the first restart (at 25 s, a second
    // after the exit) fails the Job, and its pod is deleted.
    let mut e = engine(job("retry", "  backoffLimit: 1\n", "OnFailure"), json!({ "retry": { "exitAfter": "20s", "exitCode": 1 } }));
    e.run_until(200_000);
    let restarts: Vec<u64> = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::ContainerRestarted { .. })).map(|ev| ev.t / 1000).collect();
    assert_eq!(restarts, vec![24]);
    assert_eq!(status(&e), vec![("Failed".to_string(), "0/1".to_string(), 0, 0, 1, Some(("BackoffLimitExceeded".to_string(), 25)))]);
    assert!(timeline(&e).contains(&(25, "terminating: BackoffLimitExceeded".to_string())), "{:?}", timeline(&e));
}

#[test]
fn active_deadline() {
    // The pod never exits; activeDeadlineSeconds 30 fails the Job and stops the pod.
    let mut e = engine(job("slow", "  activeDeadlineSeconds: 30\n", "Never"), json!({}));
    e.run_until(60_000);
    assert_eq!(status(&e), vec![("Failed".to_string(), "0/1".to_string(), 0, 0, 0, Some(("DeadlineExceeded".to_string(), 30)))]);
    assert_eq!(timeline(&e), vec![(0, "created".into()), (4, "running".into()), (30, "terminating: DeadlineExceeded".into()), (31, "deleted".into())]);
}
