//! The Job controller in the simulation (kubernetes/kubernetes `pkg/controller/job/job_controller.go`,
//! as documented at <https://kubernetes.io/docs/concepts/workloads/controllers/job/>):
//!
//! * Pods are named `<job>-<5 random characters>` and labelled `job-name` and
//!   `batch.kubernetes.io/job-name`; their owner is the Job.
//! * **Parallelism and completions**: with `completions` set, the controller keeps
//!   `min(parallelism, completions − succeeded)` pods active until `completions` pods succeeded:
//!   the Job is **Complete**. Without `completions` (a work queue), it keeps `parallelism` pods
//!   active until one succeeds, then creates no more; it is Complete when one succeeded and none
//!   is active.
//! * **Failures** are the Job's failed pods plus, with `restartPolicy: OnFailure`, the restarts of
//!   its pods' containers ("the number of retries ... is the number of pod failures, and with
//!   OnFailure, container restarts too"). A failed pod is replaced after the back-off "10s, 20s,
//!   40s ... capped at six minutes". Once more pods have failed than `backoffLimit` (default 6),
//!   or, with OnFailure, the restart counts of its Running and Pending pods add up to
//!   `backoffLimit` (any restart when it is 0: `pastBackoffLimitOnFailure`), the Job is
//!   **Failed** with reason `BackoffLimitExceeded` ("Job has reached the specified backoff
//!   limit") and its running pods are deleted.
//! * **activeDeadlineSeconds**: past it the Job is Failed with reason `DeadlineExceeded` ("Job
//!   was active longer than specified deadline") and its running pods are deleted.
//! * **ttlSecondsAfterFinished**: that long after it finished, the Job and its pods are deleted.
//!
//! A pod's fate comes from its behaviour (`exitAfter`, `exitCode`; looked up by image, then by the
//! Job's name): with `restartPolicy: Never` an exit ends the pod Succeeded (code 0) or Failed.

use crate::engine::event::EventKind;
use crate::engine::k8s::sim::ns_of;
use serde::Serialize;

use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{Millis, SECOND};

use super::model::{Job, Labels, Pod, RestartPolicy};
use super::sim::{key, KubeItem, PodPhase};

/// Longest back-off between a failure and the replacement pod (six minutes).
pub const MAX_BACKOFF: Millis = 6 * 60 * SECOND;

/// The Job controller's back-off before re-creating pods after `failures` failures:
/// 10 s × 2^(failures − 1), at most six minutes; none before the first failure.
pub fn backoff(failures: u32) -> Millis {
    if failures == 0 {
        return 0;
    }
    let shift = (failures - 1).min(16);
    (10 * SECOND).saturating_mul(1 << shift).min(MAX_BACKOFF)
}

/// How a Job ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobEnd {
    /// `Complete` or `Failed`.
    pub condition: String,
    /// `Completed`, `BackoffLimitExceeded` or `DeadlineExceeded`.
    pub reason: String,
    pub message: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JobState {
    pub job: Job,
    pub namespace: String,
    pub started: Millis,
    pub end: Option<JobEnd>,
    /// No new pod before this (the failure back-off).
    pub next_create_at: Millis,
    /// Failures already seen (a rise starts a back-off).
    pub failures_seen: u32,
}

/// A Job as `kubectl get jobs` / `kubectl describe job` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub name: String,
    pub namespace: String,
    /// `Running`, `Complete` or `Failed`.
    pub status: String,
    /// The COMPLETIONS column: `2/3` (`1/1 of 1` as `1/1`; a work queue shows `succeeded/1`).
    pub completions: String,
    pub active: usize,
    pub succeeded: usize,
    /// Failed pods, plus container restarts with `restartPolicy: OnFailure`.
    pub failed: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<JobEnd>,
    /// `metadata.creationTimestamp` (AGE).
    pub created: Millis,
    /// `status.startTime`: when the controller started the Job.
    pub start_time: Millis,
    /// `status.completionTime`: set only when the Job completed successfully (a Failed Job has
    /// none, so kubectl's DURATION keeps counting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<Millis>,
    /// The Job's labels: its own, else its pod template's (batch/v1 `SetDefaults_Job`).
    pub labels: Labels,
    /// The template's containers and images (`kubectl get jobs -o wide`).
    pub containers: Vec<String>,
    pub images: Vec<String>,
    /// The pod template (`kubectl describe pod` of its pods).
    pub template: super::sim::PodTemplateView,
}

impl Engine {
    /// `kubectl apply` of a Job: a new Job starts at once; an existing one is left as it is (a
    /// Job's template cannot change).
    pub(crate) fn k_apply_job(&mut self, job: Job, ns: &str) {
        let k = key(ns, &job.meta.name);
        if self.kube.jobs.contains_key(&k) {
            return;
        }
        let now = self.now();
        if let Some(d) = job.active_deadline_seconds {
            self.k_push((d.max(0) as Millis) * SECOND, KubeItem::Wake);
        }
        self.kube.jobs.insert(k, JobState { job, namespace: ns.to_string(), started: now, end: None, next_create_at: now, failures_seen: 0 });
    }

    /// (active, succeeded, failures) of a Job's pods.
    fn k_job_counts(&self, j: &JobState) -> (usize, usize, u32) {
        let (active, succeeded, failed, restarts) = self.k_job_tally(j);
        (active, succeeded, failed + restarts)
    }

    /// (active, succeeded, failed pods, container restarts) of a Job's pods; the restarts only
    /// with `restartPolicy: OnFailure`, summed as pastBackoffLimitOnFailure (job_controller.go)
    /// does: the init containers' and the containers' restart counts of the pods that are
    /// Running or Pending.
    fn k_job_tally(&self, j: &JobState) -> (usize, usize, u32, u32) {
        let name = &j.job.meta.name;
        let pods: Vec<_> = self.kube.pods.values().filter(|p| p.namespace == j.namespace && p.owned_by("Job", name)).collect();
        let active = pods.iter().filter(|p| p.active()).count();
        let succeeded = pods.iter().filter(|p| p.phase == PodPhase::Succeeded).count();
        let failed = pods.iter().filter(|p| p.phase == PodPhase::Failed).count() as u32;
        let restarts = if j.job.template.spec.restart_policy == RestartPolicy::OnFailure {
            pods.iter().filter(|p| matches!(p.phase, PodPhase::Running | PodPhase::Pending)).map(|p| p.restarts + p.init_restarts).sum::<u32>()
        } else {
            0
        };
        (active, succeeded, failed, restarts)
    }

    fn k_job_pods(&self, j: &JobState) -> Vec<String> {
        let mut v: Vec<(u64, String)> = self.kube.pods.values().filter(|p| p.namespace == j.namespace && p.owned_by("Job", &j.job.meta.name)).map(|p| (p.seq, key(&p.namespace, p.name()))).collect();
        sort::sort(&mut v);
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// One pass of the Job controller. Returns true if it created or deleted a pod.
    pub(crate) fn k_sync_jobs(&mut self) -> bool {
        let now = self.now();
        let keys: Vec<String> = self.kube.jobs.keys().cloned().collect();
        let mut changed = false;
        for jk in keys {
            let Some(j) = self.kube.jobs.get(&jk).cloned() else { continue };
            if let Some(end) = &j.end {
                if let Some(ttl) = j.job.ttl_seconds_after_finished {
                    if now >= end.at + (ttl.max(0) as Millis) * SECOND {
                        for pk in self.k_job_pods(&j) {
                            if self.kube.pods.get(&pk).is_some_and(|p| p.terminal()) {
                                self.k_remove_pod(&pk);
                            } else {
                                self.k_delete_pod(&pk, "Job deleted (ttlSecondsAfterFinished)");
                            }
                        }
                        self.kube.jobs.remove(&jk);
                        changed = true;
                    }
                }
                continue;
            }
            let (active, succeeded, failed, restarts) = self.k_job_tally(&j);
            let failures = failed + restarts;
            let limit = j.job.backoff_limit.max(0) as u32;
            let deadline = j.job.active_deadline_seconds.map(|d| j.started + (d.max(0) as Millis) * SECOND);
            // syncJob: more failed pods than the limit, or (OnFailure) as many restarts as the
            // limit — any restart when the limit is 0 (pastBackoffLimitOnFailure).
            let past_restarts = if limit == 0 { restarts > 0 } else { restarts >= limit };
            let end = if failed > limit || past_restarts {
                Some(("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"))
            } else if deadline.is_some_and(|d| now >= d) {
                Some(("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"))
            } else {
                match j.job.completions {
                    Some(c) if succeeded as i64 >= c => Some(("Complete", "Completed", "")),
                    None if succeeded > 0 && active == 0 => Some(("Complete", "Completed", "")),
                    _ => None,
                }
            };
            if let Some((condition, reason, message)) = end {
                if condition == "Failed" {
                    for pk in self.k_job_pods(&j) {
                        if self.kube.pods.get(&pk).is_some_and(|p| p.active()) {
                            self.k_delete_pod(&pk, reason);
                            changed = true;
                        }
                    }
                }
                let ttl = j.job.ttl_seconds_after_finished;
                if let Some(s) = self.kube.jobs.get_mut(&jk) {
                    // Kept: the restarts of pods deleted now would no longer be counted.
                    s.failures_seen = s.failures_seen.max(failures);
                    s.end = Some(JobEnd { condition: condition.into(), reason: reason.into(), message: message.into(), at: now });
                }
                self.emit(EventKind::JobFinished { job: j.job.meta.name.clone(), namespace: ns_of(&j.job.meta), condition: condition.into(), reason: reason.into(), message: message.into() });
                if let Some(t) = ttl {
                    self.k_push((t.max(0) as Millis) * SECOND, KubeItem::Wake);
                }
                continue;
            }
            // A new failure starts (or lengthens) the back-off.
            if failures > j.failures_seen {
                let at = now + backoff(failures);
                if let Some(s) = self.kube.jobs.get_mut(&jk) {
                    s.failures_seen = failures;
                    s.next_create_at = at;
                }
                self.k_push(backoff(failures), KubeItem::Wake);
                continue;
            }
            if now < j.next_create_at {
                continue;
            }
            let parallelism = j.job.parallelism.max(0) as usize;
            let want = match j.job.completions {
                Some(c) => parallelism.min((c.max(0) as usize).saturating_sub(succeeded)),
                None if succeeded > 0 => 0,
                None => parallelism,
            };
            let name = j.job.meta.name.clone();
            for _ in active..want {
                let mut pod = Pod { meta: j.job.template.meta.clone(), spec: j.job.template.spec.clone() };
                pod.meta.labels.insert("job-name".into(), name.clone());
                pod.meta.labels.insert("batch.kubernetes.io/job-name".into(), name.clone());
                let suffix = self.k_random_suffix();
                pod.meta.name = format!("{name}-{suffix}");
                if self.kube.pods.contains_key(&key(&j.namespace, &pod.meta.name)) {
                    continue;
                }
                match self.k_create_pod(pod, &j.namespace, Some(("Job".into(), name.clone())), 0) {
                    Ok(_) => changed = true,
                    Err(message) => {
                        self.emit(crate::engine::event::EventKind::PodCreateFailed { owner: format!("Job/{name}"), namespace: j.namespace.clone(), message });
                        // Try again when something changes, not in a storm.
                        if let Some(s) = self.kube.jobs.get_mut(&jk) {
                            s.next_create_at = now + 10 * SECOND;
                        }
                        self.k_push(10 * SECOND, KubeItem::Wake);
                        break;
                    }
                }
            }
        }
        changed
    }

    /// `kubectl delete job NAME`: the Job and its pods.
    pub(crate) fn k_delete_job(&mut self, ns: &str, name: &str) -> Result<(), String> {
        let Some(j) = self.kube.jobs.remove(&key(ns, name)) else {
            return Err(format!("Error from server (NotFound): jobs.batch {name:?} not found"));
        };
        for pk in self.k_job_pods(&j) {
            if self.kube.pods.get(&pk).is_some_and(|p| p.terminal()) {
                self.k_remove_pod(&pk);
            } else {
                self.k_delete_pod(&pk, "Job deleted");
            }
        }
        Ok(())
    }

    /// The Jobs for the snapshot.
    pub(crate) fn k_job_views(&self) -> Vec<JobView> {
        self.kube
            .jobs
            .values()
            .map(|j| {
                let (active, succeeded, failed) = self.k_job_counts(j);
                let status = j.end.as_ref().map(|e| e.condition.clone()).unwrap_or_else(|| "Running".into());
                JobView {
                    name: j.job.meta.name.clone(),
                    namespace: j.namespace.clone(),
                    status,
                    // printers.go `printJob`: without completions, `1/1 of <parallelism>`.
                    completions: match j.job.completions {
                        Some(c) => format!("{succeeded}/{c}"),
                        None if j.job.parallelism > 1 => format!("{succeeded}/1 of {}", j.job.parallelism),
                        None => format!("{succeeded}/1"),
                    },
                    active,
                    succeeded,
                    failed: failed.max(j.failures_seen),
                    end: j.end.clone(),
                    created: self.k_created("Job", &j.namespace, &j.job.meta.name),
                    start_time: j.started,
                    completion_time: j.end.as_ref().filter(|e| e.condition == "Complete").map(|e| e.at),
                    labels: if j.job.meta.labels.is_empty() { j.job.template.meta.labels.clone() } else { j.job.meta.labels.clone() },
                    containers: j.job.template.spec.containers.iter().map(|c| c.name.clone()).collect(),
                    images: j.job.template.spec.containers.iter().map(|c| c.image.clone()).collect(),
                    template: super::sim::template_view(&j.job.template),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_ten_seconds_up_to_six_minutes() {
        let got: Vec<Millis> = (0..8).map(backoff).map(|m| m / SECOND).collect();
        assert_eq!(got, vec![0, 10, 20, 40, 80, 160, 320, 360]);
    }
}
