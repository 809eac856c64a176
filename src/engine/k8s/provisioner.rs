//! A Karpenter-style provisioner (a NodePool): instead of growing fixed node groups, it launches
//! whichever allowed instance type is cheapest for the pods that are pending, and removes nodes
//! that stay empty. Modelled on Karpenter's documented behaviour (karpenter.sh, "NodePools":
//! `requirements` on `node.kubernetes.io/instance-type` and `karpenter.sh/capacity-type`;
//! "Disruption": `ttlSecondsAfterEmpty` in the v1alpha5 Provisioner, `consolidateAfter` with
//! `WhenEmpty` in v1), much simplified:
//!
//! * Every `scanInterval` (10 s), pods the scheduler has tried against the current nodes and could
//!   not place are packed, in creation order, first-fit onto a template node of each *offering*
//!   (allowed instance type × allowed capacity type). If some offerings hold all of them, the
//!   cheapest of those is launched; otherwise the offering that holds the most (cheapest among
//!   equals), and the rest go round again, until every pod has a node or `maxNodes` is reached.
//! * Price: on-demand is `catalog::InstanceType::hourly_usd`; Spot is on-demand × (1 − the
//!   family's discount in `pricing::ec2_spot_discount`). Ties go to the earlier instance type in
//!   `instanceTypes`, then on-demand.
//! * Nodes join `launchDelay` (60 s) later, labelled `karpenter.sh/nodepool` and
//!   `karpenter.sh/capacity-type`. A node of the pool with no pods but DaemonSet pods for
//!   `ttlSecondsAfterEmpty` (30 s) is removed.
//!
//! * **Consolidation** (`consolidationPolicy: WhenEmptyOrUnderutilized`), after Karpenter's
//!   documented disruption flow (<https://karpenter.sh/docs/concepts/disruption/>: "Identify a
//!   list of prioritized candidates ... Execute a scheduling simulation with the pods on the node
//!   to find if any replacement nodes are needed ... Pre-spin any replacement nodes needed ...
//!   and wait for them to become ready ... Delete the node(s)") and its design
//!   (kubernetes-sigs/karpenter `designs/consolidation.md`: *node deletion* "if all of the pods
//!   can schedule against existing nodes, the node can be deleted"; *node replacement* "if ...
//!   a single new cheaper node ... can support all of the pods, then we can launch the new cheaper
//!   node and *when it is ready* delete the existing more expensive node"; "the disruption cost
//!   here is calculated from the number of pods"). Every scan with nothing launching and no
//!   consolidation under way, the pool's nodes whose pods have not changed for `consolidateAfter`
//!   are candidates, fewest pods first (least disruption), then the most expensive, then by
//!   name. A candidate is skipped if a pod on it has no controller or may not be evicted now
//!   (PodDisruptionBudget). **Delete** if the scheduler places all its pods (DaemonSet pods
//!   aside) on the other nodes; else **replace** if the cheapest offering that holds all its pods
//!   by itself costs less than the node: launch it, and when it joins, drain the old node.
//!   Draining is `kubectl drain`'s (cordon, evictions honouring budgets, retries every 5 s); the
//!   node goes when only DaemonSet pods are left. One action at a time.
//!
//! Not modelled: multi-node consolidation (several nodes into one), drift, expiry, Spot
//! interruption, disruption budgets of the NodePool, the pool's CPU/memory `limits` (only a node
//! count), pod topology across zones when choosing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::engine::event::EventKind;
use crate::engine::pricing::{ec2_hourly, Purchase};
use crate::engine::rng::Rng;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::{parse_duration, Clock, Millis, SECOND};

use super::model::Labels;
use super::node::Node;
use super::scheduler::{self, Cluster, Outcome, Profile};
use super::sim::{key, KubeItem, NodeGroup};

pub const LABEL_NODEPOOL: &str = "karpenter.sh/nodepool";
pub const LABEL_KARPENTER_CAPACITY: &str = "karpenter.sh/capacity-type";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ProvisionerSpec {
    #[serde(default)]
    name: Option<String>,
    instance_types: Vec<String>,
    #[serde(default)]
    capacity_types: Option<Vec<String>>,
    #[serde(default)]
    ttl_seconds_after_empty: Option<u32>,
    #[serde(default)]
    launch_delay: Option<String>,
    #[serde(default)]
    max_nodes: Option<u32>,
    /// `WhenEmpty` (default: only empty nodes go, after `ttlSecondsAfterEmpty`) or
    /// `WhenEmptyOrUnderutilized` (also delete or replace under-used nodes).
    #[serde(default)]
    consolidation_policy: Option<String>,
    /// How long a node's pods must stay unchanged before it is considered (default `30s`).
    #[serde(default)]
    consolidate_after: Option<String>,
}

/// A consolidation under way.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Consolidation {
    /// The node being consolidated.
    pub node: String,
    /// The reason, for the removal event.
    pub reason: String,
    /// Waiting for its replacement to join (then the node is drained).
    pub awaiting_replacement: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Offering {
    pub instance_type: String,
    pub spot: bool,
    pub hourly_usd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProvState {
    pub name: String,
    pub offerings: Vec<Offering>,
    pub ttl_empty: Millis,
    pub launch_delay: Millis,
    pub max_nodes: u32,
    pub launching: u32,
    pub triggered: BTreeSet<String>,
    pub nodes: BTreeSet<String>,
    pub empty_since: BTreeMap<String, Millis>,
    /// `WhenEmptyOrUnderutilized`.
    pub underutilized: bool,
    pub consolidate_after: Millis,
    /// Per node: its pods (sorted) and since when they have been these.
    pub pods_since: BTreeMap<String, (Vec<String>, Millis)>,
    pub consolidating: Option<Consolidation>,
}

pub const SCAN_INTERVAL: Millis = 10 * SECOND;

impl Engine {
    pub(crate) fn k_setup_provisioner(&mut self, v: &serde_json::Value) -> Result<(), String> {
        let s: ProvisionerSpec = serde_json::from_value(v.clone()).map_err(|e| format!("provisioner: {e}"))?;
        if s.instance_types.is_empty() {
            return Err("provisioner.instanceTypes: list at least one instance type".into());
        }
        let caps = s.capacity_types.unwrap_or_else(|| vec!["on-demand".to_string()]);
        if caps.is_empty() {
            return Err("provisioner.capacityTypes: list \"on-demand\", \"spot\" or both".into());
        }
        let mut offerings = Vec::new();
        for (i, t) in s.instance_types.iter().enumerate() {
            if crate::engine::catalog::lookup(t).is_none() {
                return Err(format!("provisioner.instanceTypes[{i}]: {}", crate::engine::catalog::suggest(t)));
            }
            for (j, c) in caps.iter().enumerate() {
                let spot = match c.as_str() {
                    "on-demand" => false,
                    "spot" => true,
                    o => return Err(format!("provisioner.capacityTypes[{j}]: {o:?} is not \"on-demand\" or \"spot\"")),
                };
                let price = ec2_hourly(t, if spot { Purchase::Spot } else { Purchase::OnDemand }).unwrap_or(0.0);
                offerings.push(Offering { instance_type: t.clone(), spot, hourly_usd: price });
            }
        }
        let launch_delay = match &s.launch_delay {
            None => 60 * SECOND,
            Some(d) => parse_duration(d).map_err(|e| format!("provisioner.launchDelay: {e}"))?,
        };
        let underutilized = match s.consolidation_policy.as_deref() {
            None | Some("WhenEmpty") => false,
            Some("WhenEmptyOrUnderutilized") => true,
            Some(o) => return Err(format!("provisioner.consolidationPolicy: {o:?} is not \"WhenEmpty\" or \"WhenEmptyOrUnderutilized\"")),
        };
        let consolidate_after = match &s.consolidate_after {
            None => 30 * SECOND,
            Some(d) => parse_duration(d).map_err(|e| format!("provisioner.consolidateAfter: {e}"))?,
        };
        self.kube.provisioner = Some(ProvState {
            name: s.name.unwrap_or_else(|| "default".into()),
            offerings,
            ttl_empty: s.ttl_seconds_after_empty.unwrap_or(30) as Millis * SECOND,
            launch_delay,
            max_nodes: s.max_nodes.unwrap_or(10).min(super::sim::MAX_NODES as u32),
            launching: 0,
            triggered: BTreeSet::new(),
            nodes: BTreeSet::new(),
            empty_since: BTreeMap::new(),
            underutilized,
            consolidate_after,
            pods_since: BTreeMap::new(),
            consolidating: None,
        });
        self.k_push(SCAN_INTERVAL, KubeItem::ProvScan);
        Ok(())
    }

    fn k_prov_group(&self, p: &ProvState, o: &Offering) -> NodeGroup {
        let mut labels = Labels::new();
        labels.insert(LABEL_NODEPOOL.into(), p.name.clone());
        labels.insert(LABEL_KARPENTER_CAPACITY.into(), if o.spot { "spot".into() } else { "on-demand".into() });
        NodeGroup { name: p.name.clone(), instance_type: o.instance_type.clone(), min: 0, max: p.max_nodes, desired: 0, labels, taints: Vec::new(), spot: o.spot }
    }

    /// A replacement node launched by consolidation is Ready: drain the node it replaces.
    pub(crate) fn k_prov_replacement_join(&mut self, instance_type: &str, spot: bool, replaces: &str) {
        self.k_prov_join(instance_type, spot);
        let Some(mut p) = self.kube.provisioner.take() else { return };
        if let Some(c) = p.consolidating.as_mut().filter(|c| c.node == replaces) {
            c.awaiting_replacement = false;
            self.k_cordon(replaces, true);
            self.kube.draining.insert(replaces.to_string(), false);
            self.kube.provisioner = Some(p);
            self.k_drain_pass(replaces);
            return;
        }
        self.kube.provisioner = Some(p);
    }

    /// A launched node is Ready.
    pub(crate) fn k_prov_join(&mut self, instance_type: &str, spot: bool) {
        let Some(mut p) = self.kube.provisioner.take() else { return };
        p.launching = p.launching.saturating_sub(1);
        if p.launching == 0 {
            p.triggered.clear();
        }
        let o = Offering { instance_type: instance_type.to_string(), spot, hourly_usd: 0.0 };
        let g = self.k_prov_group(&p, &o);
        match self.k_add_node(&g) {
            Ok(name) => {
                p.nodes.insert(name);
            }
            Err(e) => self.emit(EventKind::ActionFailed { action: "provisioner".into(), message: e }),
        }
        self.kube.provisioner = Some(p);
    }

    /// The pods (in order) that one template node of the offering would hold.
    fn k_prov_fit(&self, p: &ProvState, o: &Offering, pending: &[String], profile: &Profile, rng: &mut Rng) -> Vec<String> {
        let g = self.k_prov_group(p, o);
        let azs = &self.config.azs;
        let in_pool = self.kube.node_meta.values().filter(|m| m.nodegroup == p.name).count() + p.launching as usize;
        let Some(zone) = azs.get(in_pool % azs.len().max(1)) else { return Vec::new() };
        let Ok(mut node) = Node::eks("template-node", &o.instance_type, zone, &p.name, o.spot) else { return Vec::new() };
        for (k, v) in &g.labels {
            node.labels.insert(k.clone(), v.clone());
        }
        let nodes = [node.clone()];
        let cluster = Cluster { pods: &[], namespaces: &self.kube.namespaces, default_spread_selector: None };
        let (mut cpu, mut mem, mut count) = (node.allocatable.cpu_milli, node.allocatable.memory, node.allocatable.pods);
        let mut out = Vec::new();
        for pk in pending {
            let Some(ps) = self.kube.pods.get(pk) else { continue };
            if !matches!(scheduler::schedule_from(&ps.pod, &nodes, &cluster, profile, 0, rng).outcome, Outcome::Scheduled { .. }) {
                continue;
            }
            let (c, m) = scheduler::pod_requests(&ps.pod.spec, false);
            if c <= cpu && m <= mem && count >= 1 {
                cpu -= c;
                mem -= m;
                count -= 1;
                out.push(pk.clone());
            }
        }
        out
    }

    pub(crate) fn k_prov_scan(&mut self) {
        let Some(mut p) = self.kube.provisioner.take() else { return };
        let now = self.now();
        let version = self.kube.version;
        let profile = self.kube.profile.clone().unwrap_or_else(Profile::default_scheduler);
        let mut pending: Vec<(u64, String)> = self
            .kube
            .pods
            .iter()
            .filter(|(k, ps)| ps.node.is_none() && ps.active() && ps.message.is_some() && ps.tried_version == Some(version) && !p.triggered.contains(*k))
            .filter(|(_, ps)| super::node::fargate_profile_for(&self.kube.fargate_profiles, &ps.namespace, &ps.pod.meta.labels).is_none())
            .map(|(k, ps)| (ps.seq, k.clone()))
            .collect();
        sort::sort(&mut pending);
        let mut remaining: Vec<String> = pending.into_iter().map(|(_, k)| k).collect();
        let mut rng = Rng::derive(self.seed, "k8s-provisioner-sim");
        while !remaining.is_empty() && (p.nodes.len() as u32 + p.launching) < p.max_nodes {
            let fits: Vec<(usize, Vec<String>)> = p.offerings.iter().enumerate().map(|(i, o)| (i, self.k_prov_fit(&p, o, &remaining, &profile, &mut rng))).collect();
            let all: Vec<&(usize, Vec<String>)> = fits.iter().filter(|(_, f)| f.len() == remaining.len()).collect();
            let cheaper = |a: &(usize, Vec<String>), b: &(usize, Vec<String>)| {
                let pa = p.offerings.get(a.0).map(|o| o.hourly_usd).unwrap_or(f64::MAX);
                let pb = p.offerings.get(b.0).map(|o| o.hourly_usd).unwrap_or(f64::MAX);
                pa.total_cmp(&pb).then(a.0.cmp(&b.0))
            };
            let (choice, why) = if let Some(best) = all.iter().min_by(|a, b| cheaper(a, b)) {
                ((*best).clone(), format!("the cheapest of {} offering(s) that fit all {} pending pod(s)", all.len(), remaining.len()))
            } else {
                let most = fits.iter().map(|(_, f)| f.len()).max().unwrap_or(0);
                if most == 0 {
                    break;
                }
                let Some(best) = fits.iter().filter(|(_, f)| f.len() == most).min_by(|a, b| cheaper(a, b)) else { break };
                (best.clone(), format!("no offering fits all {} pending pods; the cheapest that fits the most ({most})", remaining.len()))
            };
            let Some(o) = p.offerings.get(choice.0).cloned() else { break };
            remaining.retain(|k| !choice.1.contains(k));
            p.triggered.extend(choice.1.iter().cloned());
            p.launching += 1;
            self.k_push(p.launch_delay, KubeItem::ProvNodeJoin { instance_type: o.instance_type.clone(), spot: o.spot });
            let pods: Vec<String> = choice.1.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_string()).collect();
            self.emit(EventKind::ProvisionerLaunched {
                nodepool: p.name.clone(),
                instance_type: o.instance_type.clone(),
                capacity_type: if o.spot { "spot".into() } else { "on-demand".into() },
                hourly_usd: format!("{:.4}", o.hourly_usd),
                pods,
                reason: format!("{why}; joining in {}", Clock(p.launch_delay)),
            });
        }
        // Empty nodes: gone after ttlSecondsAfterEmpty.
        let mut remove = Vec::new();
        let nodes: Vec<String> = p.nodes.iter().cloned().collect();
        for n in nodes {
            if p.consolidating.as_ref().is_some_and(|c| c.node == n) {
                continue;
            }
            let busy = self.kube.pods.values().any(|ps| ps.node.as_deref() == Some(n.as_str()) && !ps.terminal() && ps.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"));
            if busy {
                p.empty_since.remove(&n);
                continue;
            }
            let since = *p.empty_since.entry(n.clone()).or_insert(now);
            if since + p.ttl_empty <= now {
                remove.push((n, now - since));
            }
        }
        for (n, empty_for) in remove {
            let left: Vec<String> = self.kube.pods.values().filter(|ps| ps.node.as_deref() == Some(n.as_str())).map(|ps| key(&ps.namespace, ps.name())).collect();
            for pk in left {
                self.k_remove_pod(&pk);
            }
            self.k_forget_node(&n);
            p.nodes.remove(&n);
            p.empty_since.remove(&n);
            self.emit(EventKind::ProvisionerNodeRemoved { node: n, nodepool: p.name.clone(), reason: format!("empty for {} (ttlSecondsAfterEmpty {})", Clock(empty_for), p.ttl_empty / SECOND) });
        }
        if p.underutilized {
            self.k_prov_consolidate(&mut p, now, &profile);
        }
        self.kube.provisioner = Some(p);
        self.k_push(SCAN_INTERVAL, KubeItem::ProvScan);
    }

    /// The pool's non-DaemonSet pods on a node that still hold resources, oldest first.
    fn k_prov_pods_on(&self, node: &str) -> Vec<String> {
        let mut v: Vec<(u64, String)> = self
            .kube
            .pods
            .iter()
            .filter(|(_, ps)| ps.node.as_deref() == Some(node) && !ps.terminal() && ps.owner.as_ref().is_none_or(|(k, _)| k != "DaemonSet"))
            .map(|(k, ps)| (ps.seq, k.clone()))
            .collect();
        sort::sort(&mut v);
        v.into_iter().map(|(_, k)| k).collect()
    }

    /// One consolidation decision (see the module docs).
    fn k_prov_consolidate(&mut self, p: &mut ProvState, now: Millis, profile: &Profile) {
        // A node being consolidated goes once only DaemonSet pods are left on it.
        if let Some(c) = p.consolidating.clone() {
            if c.awaiting_replacement {
                return;
            }
            if !self.k_prov_pods_on(&c.node).is_empty() {
                return;
            }
            let left: Vec<String> = self.kube.pods.values().filter(|ps| ps.node.as_deref() == Some(c.node.as_str())).map(|ps| key(&ps.namespace, ps.name())).collect();
            for pk in left {
                self.k_remove_pod(&pk);
            }
            self.k_forget_node(&c.node);
            p.nodes.remove(&c.node);
            p.empty_since.remove(&c.node);
            p.pods_since.remove(&c.node);
            p.consolidating = None;
            self.emit(EventKind::ProvisionerNodeRemoved { node: c.node.clone(), nodepool: p.name.clone(), reason: c.reason });
            return;
        }
        // Track how long each node's pods have been the same.
        let nodes: Vec<String> = p.nodes.iter().cloned().collect();
        p.pods_since.retain(|n, _| nodes.contains(n));
        for n in &nodes {
            let pods = self.k_prov_pods_on(n);
            match p.pods_since.get(n) {
                Some((prev, _)) if *prev == pods => {}
                _ => {
                    p.pods_since.insert(n.clone(), (pods, now));
                }
            }
        }
        if p.launching > 0 {
            return;
        }
        // Candidates: fewest pods, then the most expensive, then by name.
        let mut candidates: Vec<(usize, f64, String)> = nodes
            .iter()
            .filter_map(|n| {
                let (pods, since) = p.pods_since.get(n)?;
                if pods.is_empty() || since + p.consolidate_after > now || self.kube.nodes.iter().any(|x| &x.name == n && x.unschedulable) {
                    return None;
                }
                let price = self.kube.node_meta.get(n).map(|m| m.hourly_usd).unwrap_or(0.0);
                Some((pods.len(), price, n.clone()))
            })
            .collect();
        sort::sort_by(&mut candidates, |a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut scratch = Rng::derive(self.seed, "k8s-provisioner-sim");
        for (count, price, node) in candidates {
            let pods = self.k_prov_pods_on(&node);
            // Pods that cannot be evicted keep the node.
            let blocked = pods.iter().filter_map(|pk| self.kube.pods.get(pk)).any(|ps| ps.owner.is_none() || self.k_eviction_blocked(ps).is_some() || ps.terminating);
            if blocked {
                continue;
            }
            // Deletion: would the scheduler place every pod on the other nodes?
            let others: Vec<Node> = self.kube.nodes.iter().filter(|n| n.name != node && !n.unschedulable).cloned().collect();
            let mut placed: Vec<scheduler::PlacedPod> = self.k_placed().into_iter().filter(|x| x.node != node).collect();
            let mut fits = true;
            for pk in &pods {
                let Some(ps) = self.kube.pods.get(pk) else { continue };
                let cluster = Cluster { pods: &placed, namespaces: &self.kube.namespaces, default_spread_selector: None };
                match scheduler::schedule_from(&ps.pod, &others, &cluster, profile, 0, &mut scratch).outcome {
                    Outcome::Scheduled { node: to, .. } => placed.push(scheduler::PlacedPod { pod: ps.pod.clone(), node: to }),
                    Outcome::Unschedulable { .. } => {
                        fits = false;
                        break;
                    }
                }
            }
            let it = self.kube.node_meta.get(&node).map(|m| format!("{} {}", m.instance_type, m.capacity_type.to_lowercase().replace('_', "-"))).unwrap_or_default();
            if fits {
                let reason = format!("consolidation (delete): its {count} pod(s) fit on the other nodes; saves ${price:.4}/h ({it})");
                p.consolidating = Some(Consolidation { node: node.clone(), reason, awaiting_replacement: false });
                self.k_cordon(&node, true);
                self.kube.draining.insert(node.clone(), false);
                self.k_drain_pass(&node);
                return;
            }
            // Replacement: the cheapest offering that holds all the pods by itself, if cheaper.
            let best = p
                .offerings
                .iter()
                .filter(|o| o.hourly_usd < price)
                .filter(|o| self.k_prov_fit(p, o, &pods, profile, &mut scratch).len() == pods.len())
                .min_by(|a, b| a.hourly_usd.total_cmp(&b.hourly_usd))
                .cloned();
            let Some(o) = best else { continue };
            let cap = if o.spot { "spot" } else { "on-demand" };
            let reason = format!(
                "consolidation (replace): its {count} pod(s) fit on one {} {cap} node at ${:.4}/h instead of ${price:.4}/h ({it}); saves ${:.4}/h",
                o.instance_type,
                o.hourly_usd,
                price - o.hourly_usd
            );
            p.consolidating = Some(Consolidation { node: node.clone(), reason: format!("{reason}; replaced"), awaiting_replacement: true });
            p.launching += 1;
            self.k_push(p.launch_delay, KubeItem::ProvReplacementJoin { instance_type: o.instance_type.clone(), spot: o.spot, replaces: node.clone() });
            let names: Vec<String> = pods.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_string()).collect();
            self.emit(EventKind::ProvisionerLaunched {
                nodepool: p.name.clone(),
                instance_type: o.instance_type.clone(),
                capacity_type: cap.into(),
                hourly_usd: format!("{:.4}", o.hourly_usd),
                pods: names,
                reason: format!("{reason}; replacing {node}, joining in {}", Clock(p.launch_delay)),
            });
            return;
        }
    }
}
