//! The pure simulation core. See ARCHITECTURE.md for the invariants this module keeps.

pub mod behavior;
pub mod bluegreen;
pub mod catalog;
pub mod cluster;
pub mod deployment;
pub mod diag;
pub mod event;
pub mod invariants;
pub mod history;
pub mod sim;
pub mod snapshot;
pub mod task;
pub mod json;
pub mod lifecycle;
pub mod service;
pub mod rng;
pub mod scenario;
pub mod taskdef;
pub mod time;
pub mod placement;
pub mod lesson;
pub mod autoscaling;
pub mod pricing;
pub mod k8s;
