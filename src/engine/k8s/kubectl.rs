//! `kubectl` as a timeline / UI action: the subset a learner needs, with kubectl's own wording
//! for results and errors.
//!
//! | command | what happens |
//! |---|---|
//! | `apply` (with `manifest`) | creates or updates every object; a changed Deployment template starts a rollout |
//! | `scale deployment/web --replicas=5` | sets replicas (also `rs/NAME`) |
//! | `set image deployment/web web=nginx:1.25` | changes a container's image: a rollout |
//! | `rollout undo deployment/web [--to-revision=N]` | the previous (or given) revision's template |
//! | `rollout restart deployment/web` | a new template annotation: every pod is replaced |
//! | `rollout pause` / `resume deployment/web` | |
//! | `cordon NODE` / `uncordon NODE` | `spec.unschedulable` |
//! | `drain NODE [--ignore-daemonsets] [--force]` | cordon, then evict every pod but DaemonSet pods, through the Eviction API: PodDisruptionBudgets are respected and refused evictions retried every 5 s |
//! | `delete pod NAME` / `delete deployment NAME` | graceful deletion (the ReplicaSet replaces a deleted pod) |
//! | `scale nodegroup NAME --nodes=N` | Berth's stand-in for `eksctl scale nodegroup`: nodes join at once; removed nodes are drained of pods first (no PDB check) |
//!
//! `-n NAMESPACE` / `--namespace=NAMESPACE` selects the namespace (default `default`).
//!
//! PodDisruptionBudget arithmetic (kubernetes/kubernetes `pkg/controller/disruption/disruption.go`,
//! `getExpectedPodCount`, and `pkg/registry/core/pod/storage/eviction.go`): `currentHealthy` =
//! the budget's pods that are Ready and not terminating; `desiredHealthy` = `minAvailable` (a
//! count), or `minAvailable %` × expected rounded up, or expected − `maxUnavailable` (a count, or
//! a percent of expected rounded up), where expected is the sum of the owning controllers'
//! replicas; an eviction is allowed while `currentHealthy − desiredHealthy > 0`, else refused with
//! "Cannot evict pod as it would violate the pod's disruption budget.".

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::SECOND;

use super::model::*;
use super::sim::{key, ns_of, KubeItem, PodState};

/// How long `kubectl drain` waits before retrying a refused eviction.
pub const DRAIN_RETRY: u64 = 5 * SECOND;

struct Args {
    words: Vec<String>,
    namespace: String,
    flags: Vec<(String, Option<String>)>,
}

impl Args {
    fn parse(text: &str) -> Result<Args, String> {
        let mut words = Vec::new();
        let mut flags = Vec::new();
        let mut namespace = "default".to_string();
        let toks: Vec<&str> = text.split_whitespace().collect();
        let mut i = 0;
        while i < toks.len() {
            let t = toks[i];
            if t == "-n" || t == "--namespace" {
                namespace = toks.get(i + 1).ok_or("error: flag needs an argument: 'n' in -n")?.to_string();
                i += 2;
                continue;
            }
            if let Some(ns) = t.strip_prefix("--namespace=").or_else(|| t.strip_prefix("-n=")) {
                namespace = ns.to_string();
            } else if let Some(f) = t.strip_prefix("--") {
                match f.split_once('=') {
                    Some((k, v)) => flags.push((k.to_string(), Some(v.to_string()))),
                    None => flags.push((f.to_string(), None)),
                }
            } else {
                words.push(t.to_string());
            }
            i += 1;
        }
        if words.first().is_some_and(|w| w == "kubectl") {
            words.remove(0);
        }
        Ok(Args { words, namespace, flags })
    }
    fn flag(&self, name: &str) -> Option<Option<&str>> {
        self.flags.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_deref())
    }
    fn int_flag(&self, name: &str) -> Result<Option<i64>, String> {
        match self.flag(name) {
            None => Ok(None),
            Some(None) => Err(format!("error: flag needs an argument: --{name}")),
            Some(Some(v)) => v.parse::<i64>().map(Some).map_err(|_| format!("error: invalid argument {v:?} for \"--{name}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax")),
        }
    }
}

/// `deployment/web`, `deploy web`, `deployments.apps/web` → ("deployment", "web").
fn resource(words: &[String], what: &str) -> Result<(String, String, usize), String> {
    let first = words.first().ok_or_else(|| format!("error: you must specify the type of resource to {what}"))?;
    let (kind, name, used) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), n.to_string(), 1),
        None => (first.clone(), words.get(1).cloned().ok_or("error: resource(s) were provided, but no name was specified")?, 2),
    };
    let kind = kind.split('.').next().unwrap_or(&kind).to_lowercase();
    let canonical = match kind.as_str() {
        "deployment" | "deployments" | "deploy" => "deployment",
        "replicaset" | "replicasets" | "rs" => "replicaset",
        "pod" | "pods" | "po" => "pod",
        "node" | "nodes" | "no" => "node",
        "daemonset" | "daemonsets" | "ds" => "daemonset",
        "nodegroup" | "nodegroups" | "ng" => "nodegroup",
        "service" | "services" | "svc" => "service",
        "job" | "jobs" => "job",
        "networkpolicy" | "networkpolicies" | "netpol" => "networkpolicy",
        other => return Err(format!("error: the server doesn't have a resource type \"{other}\"")),
    };
    Ok((canonical.to_string(), name, used))
}

impl Engine {
    /// A `kubectl` action: `apply` (with `manifest`), `scale`, `rollout undo`, `cordon`, `drain`...
    pub(crate) fn kubectl(&mut self, args: &str, manifest: Option<&str>) -> Result<(), String> {
        if !self.kube.enabled {
            return Err(format!("kubectl {args}: this scenario has no Kubernetes cluster (add a \"kubernetes\" section)"));
        }
        let a = Args::parse(args)?;
        let verb = a.words.first().cloned().unwrap_or_default();
        let rest: Vec<String> = a.words.iter().skip(1).cloned().collect();
        let ns = a.namespace.clone();
        let r = match verb.as_str() {
            "apply" | "create" => {
                let text = manifest.ok_or("error: must specify a manifest (the action's \"manifest\" field) for kubectl apply")?;
                self.k_apply_text(text, "manifest").map(|_| ())
            }
            "scale" => {
                let (kind, name, _) = resource(&rest, "scale")?;
                if kind == "nodegroup" {
                    let n = a.int_flag("nodes")?.ok_or("error: --nodes is required")?;
                    return self.k_scale_nodegroup(&name, n);
                }
                let n = a.int_flag("replicas")?.ok_or("error: required flag(s) \"replicas\" not set")?;
                if !(0..=5000).contains(&n) {
                    return Err(format!("error: --replicas={n}: must be between 0 and 5000"));
                }
                self.k_scale(&kind, &ns, &name, n)
            }
            "set" if rest.first().map(String::as_str) == Some("load") => self.k_set_load(&rest[1..], &ns, a.flag("rps"), manifest),
            "set" => {
                if rest.first().map(String::as_str) != Some("image") {
                    return Err("error: Berth understands `kubectl set image deployment/NAME CONTAINER=IMAGE` (and its own `kubectl set load deployment/NAME --rps=N`)".into());
                }
                let (kind, name, used) = resource(&rest[1..], "set image")?;
                if kind != "deployment" {
                    return Err(format!("error: set image: Berth supports deployments, not {kind}"));
                }
                let pairs: Vec<&String> = rest.iter().skip(1 + used).collect();
                if pairs.is_empty() {
                    return Err("error: at least one image update is required".into());
                }
                let d = self.kube.deployments.get_mut(&key(&ns, &name)).ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
                for p in pairs {
                    let (c, img) = p.split_once('=').ok_or_else(|| format!("error: {p:?}: expected CONTAINER=IMAGE"))?;
                    let cont = d.d.template.spec.containers.iter_mut().find(|x| x.name == c || c == "*").ok_or_else(|| format!("error: unable to find container named \"{c}\""))?;
                    cont.image = img.to_string();
                }
                Ok(())
            }
            "rollout" => {
                let sub = rest.first().cloned().unwrap_or_default();
                let (kind, name, _) = resource(&rest[1.min(rest.len())..], "rollout")?;
                if kind != "deployment" {
                    return Err(format!("error: rollout {sub}: Berth supports deployments, not {kind}"));
                }
                let dkey = key(&ns, &name);
                if !self.kube.deployments.contains_key(&dkey) {
                    return Err(format!("Error from server (NotFound): deployments.apps \"{name}\" not found"));
                }
                match sub.as_str() {
                    "undo" => self.k_rollout_undo(&dkey, a.int_flag("to-revision")?.unwrap_or(0)),
                    "restart" => {
                        let now = crate::engine::time::Clock(self.now()).to_string();
                        if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                            d.d.template.meta.annotations.insert("kubectl.kubernetes.io/restartedAt".into(), now);
                        }
                        Ok(())
                    }
                    "pause" | "resume" => {
                        if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                            d.d.paused = sub == "pause";
                        }
                        Ok(())
                    }
                    "status" | "history" => Ok(()),
                    other => Err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"; use undo, restart, pause, resume or status")),
                }
            }
            "cordon" | "uncordon" => {
                let node = self.k_node_arg(&rest)?;
                self.k_cordon(&node, verb == "cordon");
                Ok(())
            }
            "drain" => {
                let node = self.k_node_arg(&rest)?;
                let force = a.flag("force").is_some();
                self.k_cordon(&node, true);
                let bare: Vec<String> = self.kube.pods.values().filter(|p| p.node.as_deref() == Some(node.as_str()) && p.owner.is_none() && p.active()).map(|p| key(&p.namespace, p.name())).collect();
                if !bare.is_empty() && !force {
                    return Err(format!(
                        "error: unable to drain node \"{node}\" due to error: cannot delete Pods that declare no controller (use --force to override): {}",
                        bare.join(", ")
                    ));
                }
                self.kube.draining.insert(node.clone(), force);
                self.k_drain_pass(&node);
                Ok(())
            }
            "delete" => {
                let (kind, name, _) = resource(&rest, "delete")?;
                match kind.as_str() {
                    "pod" => {
                        let pk = key(&ns, &name);
                        if self.kube.pods.get(&pk).is_none_or(|p| p.terminating) {
                            return Err(format!("Error from server (NotFound): pods \"{name}\" not found"));
                        }
                        self.k_delete_pod(&pk, "Deleted by kubectl");
                        Ok(())
                    }
                    "deployment" => {
                        let dkey = key(&ns, &name);
                        self.kube.deployments.remove(&dkey).ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
                        // Cascading deletion: its ReplicaSets and their pods.
                        for rk in self.k_owned_rs(&dkey) {
                            self.k_delete_rs(&rk);
                        }
                        Ok(())
                    }
                    "replicaset" => {
                        let rk = key(&ns, &name);
                        if !self.kube.replica_sets.contains_key(&rk) {
                            return Err(format!("Error from server (NotFound): replicasets.apps \"{name}\" not found"));
                        }
                        self.k_delete_rs(&rk);
                        Ok(())
                    }
                    "daemonset" => {
                        let dk = key(&ns, &name);
                        self.kube.daemon_sets.remove(&dk).ok_or_else(|| format!("Error from server (NotFound): daemonsets.apps \"{name}\" not found"))?;
                        let pods: Vec<String> = self.kube.pods.values().filter(|p| p.namespace == ns && p.owned_by("DaemonSet", &name)).map(|p| key(&p.namespace, p.name())).collect();
                        for pk in pods {
                            self.k_delete_pod(&pk, "DaemonSet deleted");
                        }
                        Ok(())
                    }
                    "service" => self.k_delete_service(&ns, &name),
                    "job" => self.k_delete_job(&ns, &name),
                    "networkpolicy" => {
                        self.kube.objects.remove(&format!("NetworkPolicy/{ns}/{name}")).ok_or_else(|| format!("Error from server (NotFound): networkpolicies.networking.k8s.io \"{name}\" not found"))?;
                        Ok(())
                    }
                    other => Err(format!("error: delete {other}: Berth deletes pods, deployments, replicasets, daemonsets, services, jobs and networkpolicies")),
                }
            }
            "" => Err("error: no kubectl command given".into()),
            other => Err(format!(
                "error: unknown command \"{other}\" for \"kubectl\"; Berth understands apply, scale, set image, rollout (undo, restart, pause, resume, status, history), cordon, uncordon, drain, delete, and get (pods, deployments, replicasets, nodes, services, endpointslices, hpa) in the console"
            )),
        };
        self.kube_reconcile();
        r
    }

    fn k_node_arg(&self, rest: &[String]) -> Result<String, String> {
        let n = rest.first().ok_or("error: node name required")?;
        let n = n.strip_prefix("node/").unwrap_or(n).to_string();
        if !self.kube.nodes.iter().any(|x| x.name == n) {
            return Err(format!("Error from server (NotFound): nodes \"{n}\" not found"));
        }
        Ok(n)
    }

    fn k_delete_rs(&mut self, rk: &str) {
        let Some(r) = self.kube.replica_sets.remove(rk) else { return };
        let pods: Vec<String> = self.kube.pods.values().filter(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &r.rs.meta.name)).map(|p| key(&p.namespace, p.name())).collect();
        for pk in pods {
            self.k_delete_pod(&pk, "owner deleted");
        }
    }

    fn k_scale(&mut self, kind: &str, ns: &str, name: &str, n: i64) -> Result<(), String> {
        match kind {
            "deployment" => {
                let d = self.kube.deployments.get_mut(&key(ns, name)).ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
                let from = d.d.replicas;
                d.d.replicas = n;
                let revision = d.complete_revision;
                self.emit(EventKind::DeploymentRollout { deployment: name.to_string(), namespace: ns.to_string(), revision, status: "scaled".into(), message: format!("deployment.apps/{name} scaled from {from} to {n}") });
                Ok(())
            }
            "replicaset" => {
                let r = self.kube.replica_sets.get_mut(&key(ns, name)).ok_or_else(|| format!("Error from server (NotFound): replicasets.apps \"{name}\" not found"))?;
                r.rs.replicas = n;
                Ok(())
            }
            other => Err(format!("error: scale {other}: Berth scales deployments and replicasets (and nodegroups)")),
        }
    }

    fn k_rollout_undo(&mut self, dkey: &str, to_revision: i64) -> Result<(), String> {
        let owned = self.k_owned_rs(dkey);
        let Some(d) = self.kube.deployments.get(dkey) else { return Err("deployment not found".into()) };
        let name = d.d.meta.name.clone();
        let current_hash = super::sim::pod_template_hash(&d.d.template);
        let current_rev = owned.iter().filter_map(|k| self.kube.replica_sets.get(k)).filter(|r| r.hash == current_hash).map(|r| r.revision).max().unwrap_or(0);
        let target = if to_revision > 0 {
            owned.iter().filter_map(|k| self.kube.replica_sets.get(k)).find(|r| r.revision == to_revision as u64).ok_or_else(|| format!("error: unable to find specified revision {to_revision} in history"))?
        } else {
            owned
                .iter()
                .filter_map(|k| self.kube.replica_sets.get(k))
                .filter(|r| r.revision < current_rev)
                .max_by_key(|r| r.revision)
                .ok_or_else(|| format!("error: no rollout history found for deployment \"{name}\""))?
        };
        let mut template = target.rs.template.clone();
        template.meta.labels.remove(super::controllers::POD_TEMPLATE_HASH);
        let rev = target.revision;
        let ns = target.namespace.clone();
        if let Some(d) = self.kube.deployments.get_mut(dkey) {
            d.d.template = template;
        }
        self.emit(EventKind::DeploymentRollout { deployment: name.clone(), namespace: ns, revision: rev, status: "rolledBack".into(), message: format!("deployment.apps/{name} rolled back (to the template of revision {rev})") });
        Ok(())
    }

    pub(crate) fn k_cordon(&mut self, node: &str, on: bool) {
        let Some(n) = self.kube.nodes.iter_mut().find(|n| n.name == node) else { return };
        if n.unschedulable == on {
            return;
        }
        n.unschedulable = on;
        if !on {
            self.kube.version += 1;
        }
        self.emit(EventKind::NodeCordoned { node: node.to_string(), unschedulable: on });
    }

    /// The PodDisruptionBudget that forbids evicting this pod now, if any: (name, message).
    pub(crate) fn k_eviction_blocked(&self, p: &PodState) -> Option<String> {
        for o in self.kube.objects.values() {
            let Object::PodDisruptionBudget(pdb) = o else { continue };
            if ns_of(&pdb.meta) != p.namespace || !pdb.selector.matches(&p.pod.meta.labels) {
                continue;
            }
            if self.k_pdb_disruptions_allowed(pdb) <= 0 {
                return Some(pdb.meta.name.clone());
            }
        }
        None
    }

    /// A budget's `status.disruptionsAllowed`: `currentHealthy − desiredHealthy` (may be ≤ 0).
    pub(crate) fn k_pdb_disruptions_allowed(&self, pdb: &PodDisruptionBudget) -> i64 {
        let ns = ns_of(&pdb.meta);
        let pods: Vec<&PodState> = self.kube.pods.values().filter(|q| q.namespace == ns && !q.terminal() && pdb.selector.matches(&q.pod.meta.labels)).collect();
        let healthy = pods.iter().filter(|q| q.ready && !q.terminating).count() as i64;
        // Expected: the owning controllers' replicas (bare pods count themselves).
        let mut owners: Vec<(String, String)> = Vec::new();
        let mut bare = 0;
        for q in &pods {
            match &q.owner {
                Some(o) if !owners.contains(o) => owners.push(o.clone()),
                Some(_) => {}
                None => bare += 1,
            }
        }
        let expected: i64 = bare
            + owners
                .iter()
                .map(|(k, n)| match k.as_str() {
                    "ReplicaSet" => self.kube.replica_sets.get(&key(&ns, n)).map(|r| r.rs.replicas).unwrap_or(0),
                    _ => pods.iter().filter(|q| q.owned_by(k, n)).count() as i64,
                })
                .sum::<i64>();
        let desired_healthy = match &pdb.budget {
            DisruptionBudget::MinAvailable(IntOrPercent::Int(n)) => *n,
            DisruptionBudget::MinAvailable(v) => v.scaled(expected, true),
            DisruptionBudget::MaxUnavailable(v) => expected - v.scaled(expected, true),
        };
        healthy - desired_healthy
    }

    /// One pass of `kubectl drain`: evict what may be evicted, retry the rest in 5 s.
    pub(crate) fn k_drain_pass(&mut self, node: &str) {
        if !self.kube.draining.contains_key(node) {
            return;
        }
        let mut on: Vec<(u64, String)> = self
            .kube
            .pods
            .values()
            .filter(|p| p.node.as_deref() == Some(node) && p.active() && p.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"))
            .map(|p| (p.seq, key(&p.namespace, p.name())))
            .collect();
        sort::sort(&mut on);
        let mut refused = false;
        for (_, pk) in on {
            let Some(p) = self.kube.pods.get(&pk) else { continue };
            if let Some(pdb) = self.k_eviction_blocked(p) {
                let (name, ns) = (p.name().to_string(), p.namespace.clone());
                self.emit(EventKind::EvictionRefused {
                    pod: name.clone(),
                    namespace: ns.clone(),
                    node: node.to_string(),
                    pdb,
                    message: format!("error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget."),
                });
                refused = true;
            } else {
                self.k_delete_pod(&pk, "Evicted (kubectl drain)");
            }
        }
        if refused {
            self.k_push(DRAIN_RETRY, KubeItem::DrainRetry { node: node.to_string() });
        }
    }

    /// A drain is done when only DaemonSet pods are left on the node.
    pub(crate) fn k_drain_check(&mut self) {
        let nodes: Vec<String> = self.kube.draining.keys().cloned().collect();
        for node in nodes {
            let left = self.kube.pods.values().any(|p| p.node.as_deref() == Some(node.as_str()) && !p.terminal() && p.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"));
            if !left {
                self.kube.draining.remove(&node);
                self.emit(EventKind::NodeDrained { node });
            }
        }
    }

    /// `kubectl set load deployment/NAME --rps=N` — not a real kubectl command but Berth's way to
    /// change a Deployment's load on the timeline: a constant rate, or any load shape given as
    /// JSON in the action's `manifest` field (`{"shape": "ramp", ...}`, docs/traffic.md).
    fn k_set_load(&mut self, words: &[String], ns: &str, rps: Option<Option<&str>>, manifest: Option<&str>) -> Result<(), String> {
        let (kind, name, _) = resource(words, "set load")?;
        if kind != "deployment" && kind != "service" {
            return Err(format!("error: set load: Berth gives load to deployments and services, not {kind}"));
        }
        let dkey = key(ns, &name);
        if kind == "service" && !self.kube.objects.contains_key(&format!("Service/{dkey}")) {
            return Err(format!("Error from server (NotFound): services \"{name}\" not found"));
        }
        if kind == "deployment" && !self.kube.deployments.contains_key(&dkey) {
            return Err(format!("Error from server (NotFound): deployments.apps \"{name}\" not found"));
        }
        let spec: crate::engine::traffic::load::LoadSpec = match (rps, manifest) {
            (Some(Some(v)), None) => {
                let r: f64 = v.parse().map_err(|_| format!("error: invalid argument {v:?} for \"--rps\" flag: a number of requests per second"))?;
                crate::engine::traffic::load::LoadSpec::Constant { rps: r }
            }
            (Some(None), _) => return Err("error: flag needs an argument: --rps".into()),
            (None, Some(text)) => serde_json::from_str(text).map_err(|e| format!("error: set load: the manifest field is not a load shape: {e}"))?,
            (Some(_), Some(_)) => return Err("error: set load: give --rps or a load shape in the manifest field, not both".into()),
            (None, None) => return Err("error: set load: give --rps=N or a load shape (JSON) in the action's manifest field".into()),
        };
        let load = spec.resolve().map_err(|e| format!("error: set load: {e}"))?;
        if kind == "service" {
            self.kube.service_loads.insert(dkey, load);
        } else {
            self.kube.loads.insert(dkey, load);
        }
        Ok(())
    }

    /// `scale nodegroup NAME --nodes=N` (eksctl): add nodes, or remove the newest ones.
    fn k_scale_nodegroup(&mut self, name: &str, n: i64) -> Result<(), String> {
        let g = self.kube.node_groups.iter().find(|g| g.name == name).cloned().ok_or_else(|| format!("Error: nodegroup {name:?} not found"))?;
        if n < g.min as i64 || n > g.max as i64 {
            return Err(format!("Error: the number of nodes must be between the node group's minSize {} and maxSize {}; got {n}", g.min, g.max));
        }
        let current: Vec<String> = self.kube.nodes.iter().filter(|x| x.labels.get(super::node::LABEL_NODEGROUP).map(String::as_str) == Some(name)).map(|x| x.name.clone()).collect();
        if n as usize > current.len() {
            if self.kube.nodes.len() + (n as usize - current.len()) > super::sim::MAX_NODES {
                return Err(format!("at most {} nodes", super::sim::MAX_NODES));
            }
            for _ in current.len()..n as usize {
                self.k_add_node(&g)?;
            }
        } else {
            for node in current.iter().rev().take(current.len() - n as usize) {
                let pods: Vec<String> = self.kube.pods.values().filter(|p| p.node.as_deref() == Some(node.as_str())).map(|p| key(&p.namespace, p.name())).collect();
                for pk in pods {
                    self.k_remove_pod(&pk);
                }
                self.k_forget_node(node);
            }
        }
        if let Some(gr) = self.kube.node_groups.iter_mut().find(|x| x.name == name) {
            gr.desired = n as u32;
        }
        self.kube_reconcile();
        Ok(())
    }
}
