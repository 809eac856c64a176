//! Kubernetes (EKS) objects and the kube-scheduler, in the same pure engine as ECS.
//! Filled in by the Kubernetes issue; see ARCHITECTURE.md.
