//! Kubernetes (EKS) objects and the kube-scheduler, in the same pure engine as ECS.
//!
//! - [`quantity`]: resource quantities parsed exactly as Kubernetes does.
//! See docs/kubernetes.md for what a learner can write and how the scheduler decides.

pub mod quantity;
