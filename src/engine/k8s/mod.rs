//! Kubernetes (EKS) objects and the kube-scheduler, in the same pure engine as ECS.
//!
//! - [`quantity`]: resource quantities parsed exactly as Kubernetes does.
//! - [`yaml`]: multi-document YAML into a positioned tree (with input limits).
//! - [`manifest`]: the tree into typed [`model`] objects, with the API server's checks.
//! - [`labels`]: label selectors and node selector terms.
//! - [`sim`]: Kubernetes in the simulation (setup, scheduling loop, snapshot), with
//!   [`controllers`] (Deployment, ReplicaSet, DaemonSet), [`pods`] (the pod lifecycle),
//!   [`kubelet`] (probe and back-off arithmetic), [`admission`] (LimitRange, ResourceQuota) and
//!   [`kubectl`] (the commands).
//! - [`load`]: a Deployment's load (`kubernetes.traffic`) as each pod's CPU usage; [`metrics`]:
//!   each Deployment's one-minute metrics (replicas, utilisation, requests) for charts and goals;
//!   [`horizontal`]: the HorizontalPodAutoscaler controller (15-second sync);
//!   [`cluster_autoscaler`]: the Cluster Autoscaler for node groups; [`provisioner`]: a
//!   Karpenter-style NodePool (cheapest instance type for the pending pods, consolidation);
//!   [`disruption`]: AZ outages and Spot interruptions on nodes;
//!   [`jobs`]: the Job controller (completions, parallelism, backoffLimit, deadlines);
//!   [`services`]: Services (cluster IP, node ports, load balancers, quotas) and their endpoints;
//!   [`netpol`]: NetworkPolicy evaluation (may one pod reach another), used by the calls between
//!   Services (`load.rs`); [`pressure`]: the kubelet's node-pressure eviction; [`preemption`]:
//!   the scheduler's DefaultPreemption (PriorityClasses resolved in [`admission`]).
//!
//! See docs/kubernetes.md for what a learner can write and how the scheduler decides.

pub mod admission;
pub mod calls;
pub mod cluster_autoscaler;
pub mod controllers;
pub mod disruption;
pub mod export;
pub mod horizontal;
pub mod jobs;
pub mod kubectl;
pub mod kubelet;
pub mod labels;
pub mod load;
pub mod manifest;
pub mod metrics;
pub mod model;
pub mod netpol;
pub mod node;
pub mod pods;
pub mod preemption;
pub mod pressure;
pub mod provisioner;
pub mod qos;
pub mod quantity;
pub mod scheduler;
pub mod services;
pub mod sim;
mod reader;
pub mod yaml;

pub use reader::{closest, edit_distance};
