//! Preemption: kube-scheduler's DefaultPreemption PostFilter plugin, run when a pod fits nowhere.
//!
//! After kubernetes/kubernetes `pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go`
//! (`SelectVictimsOnNode`, `PodEligibleToPreemptOthers`, `filterPodsWithPDBViolation`) and
//! `pkg/scheduler/framework/preemption/preemption.go` (`Preempt`, `pickOneNodeForPreemption`):
//!
//! 1. **Eligible?** A pod whose PriorityClass says `preemptionPolicy: Never` does not preempt
//!    (`preemption: not eligible due to preemptionPolicy=Never.`); nor does a pod whose nominated
//!    node still has lower-priority pods terminating (`not eligible due to a terminating pod on the
//!    nominated node.`) — it waits for the victims it already chose.
//! 2. **Candidates**: every node the filters rejected for a reason removing pods can fix (not
//!    taints, affinity, cordons: those say `Preemption is not helpful for scheduling`). On each,
//!    all pods of lower priority are removed; if the pod still does not fit, the node is out
//!    (with the filter's reason); with no lower-priority pods, `No preemption victims found for
//!    incoming pod`.
//! 3. **Reprieve**: the removed pods, most important first (higher priority, then earlier start),
//!    PodDisruptionBudget-violating ones before the others, are put back one by one whenever the pod
//!    still fits with them; the rest are the node's **victims**.
//! 4. **Pick a node** ([`pick_one_node`]): fewest PDB violations, then the lowest highest-priority
//!    victim, the smallest sum of victim priorities, the fewest victims, the latest start of the
//!    highest-priority victims, then the first node.
//! 5. The victims are deleted (gracefully: `Preempted by <ns>/<pod> on node <node>`), the pod's
//!    `nominatedNodeName` is set and a `podPreempted` event lists the victims; the pod is scheduled
//!    in a later cycle, once they are gone. The pending queue is sorted by priority (PrioritySort),
//!    so the preemptor goes before lower-priority pods waiting for the same room.

use serde::Serialize;

use crate::engine::event::EventKind;
use crate::engine::sim::Engine;
use crate::engine::sort;
use crate::engine::time::Millis;

use super::model::Object;
use super::scheduler::{self, Cluster, PlacedPod, Profile, ScheduleResult};
use super::sim::{key, ns_of};

/// One pod a preemption would remove.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Victim {
    /// `namespace/name`.
    pub pod: String,
    pub priority: i32,
    /// When it started running (its start time; creation time if it never started).
    pub start: Millis,
}

/// A node where preemption would make room, with its victims (most important first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub node: String,
    pub victims: Vec<Victim>,
    pub pdb_violations: usize,
}

/// `pickOneNodeForPreemption`: the index of the chosen candidate and the criterion that decided
/// (`only candidate`, `fewest PodDisruptionBudget violations`, ...).
pub fn pick_one_node(cands: &[Candidate]) -> Option<(usize, &'static str)> {
    if cands.is_empty() {
        return None;
    }
    if cands.len() == 1 {
        return Some((0, "the only candidate"));
    }
    // Each criterion as a score, higher is better (upstream's score functions).
    type Score = fn(&Candidate) -> i64;
    let criteria: [(&'static str, Score); 5] = [
        ("fewest PodDisruptionBudget violations", |c| -(c.pdb_violations as i64)),
        ("lowest highest-priority victim", |c| -(c.victims.first().map(|v| v.priority).unwrap_or(i32::MIN) as i64)),
        // MaxInt32 + 1 added to each priority so that negative priorities count as more victims.
        ("smallest sum of victim priorities", |c| -c.victims.iter().map(|v| v.priority as i64 + i32::MAX as i64 + 1).sum::<i64>()),
        ("fewest victims", |c| -(c.victims.len() as i64)),
        ("latest start of the highest-priority victims", |c| {
            let top = c.victims.first().map(|v| v.priority).unwrap_or(0);
            c.victims.iter().filter(|v| v.priority == top).map(|v| v.start as i64).min().unwrap_or(i64::MIN)
        }),
    ];
    let mut left: Vec<usize> = (0..cands.len()).collect();
    for (name, f) in criteria {
        let best = left.iter().map(|&i| f(&cands[i])).max().unwrap_or(i64::MIN);
        left.retain(|&i| f(&cands[i]) == best);
        if left.len() == 1 {
            return Some((left[0], name));
        }
    }
    left.first().map(|&i| (i, "first of the tied nodes"))
}

impl Engine {
    /// The dry run on one node: its victims, or why preemption cannot help there.
    fn k_select_victims(&self, pod_key: &str, placed: &[PlacedPod], idx: usize, profile: &Profile, pdb_allowed: &[(String, super::model::LabelSelector, i64)]) -> Result<Candidate, String> {
        let Some(p) = self.kube.pods.get(pod_key) else { return Err(String::new()) };
        let Some(node) = self.kube.nodes.get(idx) else { return Err(String::new()) };
        let prio = p.pod.spec.priority.unwrap_or(0);
        // Potential victims: lower priority, on this node, not already terminating.
        let mut potential: Vec<Victim> = self
            .kube
            .pods
            .iter()
            .filter(|(_, q)| q.node.as_deref() == Some(node.name.as_str()) && q.active() && q.pod.spec.priority.unwrap_or(0) < prio)
            .map(|(k, q)| Victim { pod: k.clone(), priority: q.pod.spec.priority.unwrap_or(0), start: q.started_at.unwrap_or(q.created) })
            .collect();
        if potential.is_empty() {
            return Err("No preemption victims found for incoming pod".into());
        }
        let selector = self.k_default_selector(p);
        let fits = |removed: &[String]| -> Option<String> {
            let rest: Vec<PlacedPod> = placed.iter().filter(|pp| !(pp.node == node.name && removed.contains(&key(&ns_of(&pp.pod.meta), &pp.pod.meta.name)))).cloned().collect();
            let cluster = Cluster { pods: &rest, namespaces: &self.kube.namespaces, default_spread_selector: selector.as_ref() };
            scheduler::filter_node(&p.pod, &self.kube.nodes, &cluster, profile, idx).map(|v| v.reasons.join(", "))
        };
        let all: Vec<String> = potential.iter().map(|v| v.pod.clone()).collect();
        if let Some(reason) = fits(&all) {
            return Err(reason);
        }
        // Most important first: higher priority, then earlier start.
        sort::sort_by(&mut potential, |a, b| b.priority.cmp(&a.priority).then(a.start.cmp(&b.start)).then(a.pod.cmp(&b.pod)));
        // filterPodsWithPDBViolation: each matching budget's allowance is used up in this order.
        let mut allowed: Vec<i64> = pdb_allowed.iter().map(|(_, _, a)| *a).collect();
        let (mut violating, mut fine) = (Vec::new(), Vec::new());
        for v in potential {
            let Some(q) = self.kube.pods.get(&v.pod) else { continue };
            let mut violated = false;
            for (i, (ns, sel, _)) in pdb_allowed.iter().enumerate() {
                if *ns == q.namespace && !sel.is_empty() && sel.matches(&q.pod.meta.labels) {
                    if let Some(a) = allowed.get_mut(i) {
                        *a -= 1;
                        violated |= *a < 0;
                    }
                }
            }
            if violated {
                violating.push(v);
            } else {
                fine.push(v);
            }
        }
        // Reprieve: put pods back while the pod still fits.
        let mut removed: Vec<String> = all;
        let mut victims = Vec::new();
        let mut pdb_violations = 0;
        for (group, is_violating) in [(violating, true), (fine, false)] {
            for v in group {
                removed.retain(|r| r != &v.pod);
                if fits(&removed).is_some() {
                    removed.push(v.pod.clone());
                    if is_violating {
                        pdb_violations += 1;
                    }
                    victims.push(v);
                }
            }
        }
        sort::sort_by(&mut victims, |a, b| b.priority.cmp(&a.priority).then(a.start.cmp(&b.start)).then(a.pod.cmp(&b.pod)));
        Ok(Candidate { node: node.name.clone(), victims, pdb_violations })
    }

    /// The PostFilter for a pod the scheduler could not place: preempts if it can. Returns the
    /// FailedScheduling message to record (upstream's FitError, with the preemption summary when
    /// preemption did not help).
    pub(crate) fn k_preempt(&mut self, pod_key: &str, placed: &[PlacedPod], profile: &Profile, result: &ScheduleResult, message: &str) -> String {
        let base = message.split(" preemption: ").next().unwrap_or(message).to_string();
        let Some(p) = self.kube.pods.get(pod_key) else { return message.to_string() };
        let prio = p.pod.spec.priority.unwrap_or(0);
        let never = p
            .pod
            .spec
            .priority_class_name
            .as_ref()
            .and_then(|n| self.k_priority_classes().into_iter().find(|c| &c.meta.name == n).map(|c| c.preempt_never))
            .unwrap_or(false);
        if never {
            return format!("{base} preemption: not eligible due to preemptionPolicy=Never.");
        }
        if let Some(nom) = &p.nominated {
            let waiting = self.kube.pods.values().any(|q| q.node.as_deref() == Some(nom.as_str()) && q.terminating && !q.terminal() && q.pod.spec.priority.unwrap_or(0) < prio);
            if waiting {
                return format!("{base} preemption: not eligible due to a terminating pod on the nominated node.");
            }
        }
        // No lower-priority pod anywhere: nothing to try (upstream gets the same statuses).
        if !self.kube.pods.values().any(|q| q.node.is_some() && q.active() && q.pod.spec.priority.unwrap_or(0) < prio) {
            return message.to_string();
        }
        let pdbs: Vec<(String, super::model::LabelSelector, i64)> = self
            .kube
            .objects
            .values()
            .filter_map(|o| if let Object::PodDisruptionBudget(b) = o { Some(b) } else { None })
            .map(|b| (ns_of(&b.meta), b.selector.clone(), self.k_pdb_disruptions_allowed(b).max(0)))
            .collect();
        let mut statuses: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        let mut cands = Vec::new();
        for (idx, node) in self.kube.nodes.iter().enumerate() {
            let resolvable = result.node(&node.name).is_some_and(|r| r.evaluated && r.filters.iter().find(|f| !f.passed).is_some_and(|f| !f.unresolvable));
            if !resolvable {
                *statuses.entry("Preemption is not helpful for scheduling".into()).or_default() += 1;
                continue;
            }
            match self.k_select_victims(pod_key, placed, idx, profile, &pdbs) {
                Ok(c) => cands.push(c),
                Err(reason) => *statuses.entry(reason).or_default() += 1,
            }
        }
        let Some((chosen, why)) = pick_one_node(&cands) else {
            let parts: Vec<String> = statuses.iter().map(|(r, c)| format!("{c} {r}")).collect();
            return format!("{base} preemption: 0/{} nodes are available: {}.", self.kube.nodes.len(), parts.join(", "));
        };
        let Some(c) = cands.get(chosen).cloned() else { return message.to_string() };
        let (name, ns) = (p.name().to_string(), p.namespace.clone());
        if let Some(ps) = self.kube.pods.get_mut(pod_key) {
            ps.nominated = Some(c.node.clone());
        }
        let victims: Vec<String> = c.victims.iter().map(|v| format!("{} (priority {})", v.pod, v.priority)).collect();
        let others = cands.len() - 1;
        self.emit(EventKind::PodPreempted {
            pod: name.clone(),
            namespace: ns.clone(),
            node: c.node.clone(),
            victims: c.victims.iter().map(|v| v.pod.clone()).collect(),
            message: format!(
                "{ns}/{name} (priority {prio}) preempts {} pod(s) on {}: {}; nominatedNodeName={} ({}{})",
                c.victims.len(),
                c.node,
                victims.join(", "),
                c.node,
                why,
                if others > 0 { format!(" among {} candidate nodes", cands.len()) } else { String::new() }
            ),
        });
        for v in &c.victims {
            self.k_delete_pod(&v.pod, &format!("Preempted by {ns}/{name} on node {}", c.node));
        }
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pod: &str, priority: i32, start: Millis) -> Victim {
        Victim { pod: pod.into(), priority, start }
    }

    fn c(node: &str, victims: Vec<Victim>, pdb: usize) -> Candidate {
        Candidate { node: node.into(), victims, pdb_violations: pdb }
    }

    /// One case per criterion of `pickOneNodeForPreemption`, in its order of precedence.
    #[test]
    fn pick_one_node_criteria() {
        let cases: Vec<(&str, Vec<Candidate>, &str, &str)> = vec![
            ("one candidate", vec![c("a", vec![v("x", 5, 0)], 1)], "a", "the only candidate"),
            ("PDB violations first", vec![c("a", vec![v("x", 1, 0)], 1), c("b", vec![v("y", 9, 0), v("z", 9, 0)], 0)], "b", "fewest PodDisruptionBudget violations"),
            ("lowest highest priority", vec![c("a", vec![v("x", 10, 0)], 0), c("b", vec![v("y", 5, 0), v("z", 5, 0)], 0)], "b", "lowest highest-priority victim"),
            ("smallest sum", vec![c("a", vec![v("x", 5, 0), v("w", 4, 0)], 0), c("b", vec![v("y", 5, 0), v("z", 1, 0)], 0)], "b", "smallest sum of victim priorities"),
            // Negative priorities still count per victim (MaxInt32 + 1 added to each).
            ("negative priorities", vec![c("a", vec![v("x", -5, 0), v("w", -5, 0)], 0), c("b", vec![v("y", -5, 0)], 0)], "b", "smallest sum of victim priorities"),
            ("latest start", vec![c("a", vec![v("x", 5, 100)], 0), c("b", vec![v("y", 5, 200)], 0)], "b", "latest start of the highest-priority victims"),
            ("all tied", vec![c("a", vec![v("x", 5, 100)], 0), c("b", vec![v("y", 5, 100)], 0)], "a", "first of the tied nodes"),
        ];
        for (name, cands, want, why) in cases {
            let got = pick_one_node(&cands).map(|(i, w)| (cands[i].node.as_str(), w));
            assert_eq!(got, Some((want, why)), "{name}");
        }
        assert_eq!(pick_one_node(&[]), None);
    }
}
