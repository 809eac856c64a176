//! Kubernetes in the simulation: nodes, pods and their controllers, driven by the same queue and
//! virtual clock as ECS. (Wiring placeholder: the hooks below are called by `sim.rs`,
//! `service.rs`, `snapshot.rs` and `scenario.rs`; the Kubernetes issue fills them in.)

use serde::{Deserialize, Serialize};

use crate::engine::sim::Engine;

/// Everything Kubernetes the engine holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KubeState {}

/// A queued Kubernetes timer (pod start, probe, eviction, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KubeItem {}

/// What the snapshot shows of Kubernetes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeView {}

impl Engine {
    /// Set up the Kubernetes side from the scenario's `kubernetes` section (manifests given as
    /// files are already inlined as strings by the scenario reader).
    pub(crate) fn kube_setup(&mut self, _spec: &serde_json::Value) -> Result<(), String> {
        Err("Kubernetes scenarios are not simulated yet".into())
    }

    /// A `kubectl` action: `apply` (with `manifest`), `scale`, `rollout undo`, `cordon`, `drain`...
    pub(crate) fn kubectl(&mut self, args: &str, _manifest: Option<&str>) -> Result<(), String> {
        Err(format!("kubectl {args}: Kubernetes is not simulated yet"))
    }

    pub(crate) fn kube_process(&mut self, item: KubeItem) {
        match item {}
    }

    /// Called after every step, like the ECS service scheduler.
    pub(crate) fn kube_reconcile(&mut self) {}

    /// `None` when the scenario has no Kubernetes.
    pub(crate) fn kube_snapshot(&self) -> Option<KubeView> {
        None
    }
}
