//! Autoscaling arithmetic: pure functions and small deterministic state machines.
//!
//! Nothing here reads a clock or does I/O: time comes in as `now_ms` (virtual milliseconds) and
//! metrics come in as plain numbers. The traffic/metrics engine that will produce those numbers
//! (load generators, CloudWatch-like metrics, alarms) is not built yet; see `docs/autoscaling.md`.
//!
//! * [`target_tracking`]: Application Auto Scaling target tracking for ECS services.
//! * [`step`]: step scaling policies (step adjustments, adjustment types, validation).
//! * [`hpa`]: the Kubernetes HorizontalPodAutoscaler replica calculator and default behaviour.
//! * [`schedule`]: scheduled-action expressions `at()`, `rate()`, `cron()`.
//! * [`capacity_provider`]: ECS capacity provider strategies and managed scaling.

pub mod capacity_provider;
pub mod hpa;
pub mod schedule;
pub mod step;
pub mod target_tracking;
