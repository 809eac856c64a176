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
//! Not modelled: consolidation of under-used (non-empty) nodes, drift, expiry, Spot interruption,
//! the pool's CPU/memory `limits` (only a node count), pod topology across zones when choosing.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::engine::event::EventKind;
use crate::engine::pricing::{ec2_hourly, Purchase};
use crate::engine::rng::Rng;
use crate::engine::sim::Engine;
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
        pending.sort();
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
        self.kube.provisioner = Some(p);
        self.k_push(SCAN_INTERVAL, KubeItem::ProvScan);
    }
}
