//! InterPodAffinity (plugins/interpodaffinity: filtering.go, scoring.go).
//!
//! Filter, for a node N and each term's `topologyKey` domain of N:
//! - an existing pod's *required anti-affinity* matching the incoming pod forbids N
//!   ("node(s) didn't satisfy existing pods anti-affinity rules", Unschedulable);
//! - each of the pod's *required affinity* terms needs a matching pod in N's domain — unless no pod
//!   anywhere matches and the pod matches its own term (the first pod of a group)
//!   ("node(s) didn't match pod affinity rules", UnschedulableAndUnresolvable);
//! - the pod's *required anti-affinity* forbids a matching pod in N's domain
//!   ("node(s) didn't match pod anti-affinity rules", Unschedulable).
//!
//! Score: for every existing pod in the same domain as N, + weight of each of the pod's preferred
//! affinity terms it matches, − weight for preferred anti-affinity, and symmetrically the existing
//! pod's own preferred terms (and its required affinity terms × `hardPodAffinityWeight`) that match
//! the incoming pod. Normalised `100 × (score − min) / (max − min)`. Skipped (0 everywhere) when
//! neither the pod nor any existing pod has affinity terms.
//!
//! A term's namespaces: `namespaces` ∪ those matched by `namespaceSelector` (an empty selector is
//! every namespace); neither set means the pod's own namespace.

use super::{namespace_of, Ctx, FilterVerdict, PlacedPod, Scored, INTER_POD_AFFINITY, MAX_NODE_SCORE};
use crate::engine::k8s::model::{Pod, PodAffinityTerm};
use crate::engine::k8s::node::Node;

/// Does `target` (in `target_ns`) match `term`, written on a pod in `owner_ns`?
fn term_matches(ctx: &Ctx, term: &PodAffinityTerm, owner_ns: &str, target: &Pod) -> bool {
    let target_ns = namespace_of(target);
    let ns_ok = if term.namespaces.is_empty() && term.namespace_selector.is_none() {
        target_ns == owner_ns
    } else {
        term.namespaces.iter().any(|n| n == target_ns)
            || term.namespace_selector.as_ref().is_some_and(|sel| {
                sel.is_empty() || ctx.namespaces.get(target_ns).is_some_and(|labels| sel.matches(labels))
            })
    };
    ns_ok && term.label_selector.as_ref().is_some_and(|s| s.matches(&target.meta.labels))
}

fn same_domain(ctx: &Ctx, key: &str, node: &Node, other: &str) -> bool {
    let Some(v) = node.labels.get(key) else { return false };
    ctx.node(other).and_then(|o| o.labels.get(key)) == Some(v)
}

fn terms(pod: &Pod, anti: bool) -> (Vec<PodAffinityTerm>, Vec<(i64, PodAffinityTerm)>) {
    let a = pod.spec.affinity.as_ref();
    let pa = if anti { a.and_then(|a| a.pod_anti_affinity.as_ref()) } else { a.and_then(|a| a.pod_affinity.as_ref()) };
    match pa {
        Some(pa) => (pa.required.clone(), pa.preferred.iter().map(|w| (w.weight as i64, w.term.clone())).collect()),
        None => (Vec::new(), Vec::new()),
    }
}

pub(crate) fn filter(ctx: &Ctx, node: &Node) -> FilterVerdict {
    let pod = ctx.pod;
    let ns = namespace_of(pod);
    // Existing pods' required anti-affinity.
    for e in ctx.pods {
        let (req_anti, _) = terms(&e.pod, true);
        for t in &req_anti {
            if term_matches(ctx, t, e.namespace(), pod) && same_domain(ctx, &t.topology_key, node, &e.node) {
                return FilterVerdict::fail(
                    INTER_POD_AFFINITY,
                    "node(s) didn't satisfy existing pods anti-affinity rules",
                    format!("{}: pod {} on {} has anti-affinity against this pod within {}", node.name, e.pod.meta.name, e.node, t.topology_key),
                    false,
                );
            }
        }
    }
    let (req_aff, _) = terms(pod, false);
    for t in &req_aff {
        let any_anywhere = ctx.pods.iter().any(|e| term_matches(ctx, t, ns, &e.pod));
        let here = ctx.pods.iter().any(|e| term_matches(ctx, t, ns, &e.pod) && same_domain(ctx, &t.topology_key, node, &e.node));
        if here {
            continue;
        }
        if !any_anywhere && term_matches(ctx, t, ns, pod) && node.labels.contains_key(&t.topology_key) {
            continue; // the first pod of a self-affine group may go anywhere
        }
        return FilterVerdict::fail(
            INTER_POD_AFFINITY,
            "node(s) didn't match pod affinity rules",
            format!("{}: no pod matching {} in the same {}", node.name, t.label_selector.as_ref().map(|s| s.to_text()).unwrap_or_default(), t.topology_key),
            true,
        );
    }
    let (req_anti, _) = terms(pod, true);
    for t in &req_anti {
        if let Some(e) = ctx.pods.iter().find(|e| term_matches(ctx, t, ns, &e.pod) && same_domain(ctx, &t.topology_key, node, &e.node)) {
            return FilterVerdict::fail(
                INTER_POD_AFFINITY,
                "node(s) didn't match pod anti-affinity rules",
                format!("{}: pod {} on {} matches this pod's anti-affinity within {}", node.name, e.pod.meta.name, e.node, t.topology_key),
                false,
            );
        }
    }
    FilterVerdict::pass(INTER_POD_AFFINITY, "no pod (anti-)affinity rule is violated")
}

fn has_affinity(p: &Pod) -> bool {
    p.spec.affinity.as_ref().is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
}

pub(crate) fn score(ctx: &Ctx, nodes: &[&Node]) -> Option<Scored> {
    let pod = ctx.pod;
    let ns = namespace_of(pod);
    if !has_affinity(pod) && !ctx.pods.iter().any(|e: &PlacedPod| has_affinity(&e.pod)) {
        return None;
    }
    let (_, pref_aff) = terms(pod, false);
    let (_, pref_anti) = terms(pod, true);
    let hard = ctx.profile.hard_pod_affinity_weight;
    let mut raw = Vec::new();
    for n in nodes {
        let mut s = 0i64;
        for e in ctx.pods {
            for (w, t) in &pref_aff {
                if term_matches(ctx, t, ns, &e.pod) && same_domain(ctx, &t.topology_key, n, &e.node) {
                    s += w;
                }
            }
            for (w, t) in &pref_anti {
                if term_matches(ctx, t, ns, &e.pod) && same_domain(ctx, &t.topology_key, n, &e.node) {
                    s -= w;
                }
            }
            let (e_req_aff, e_pref_aff) = terms(&e.pod, false);
            let (_, e_pref_anti) = terms(&e.pod, true);
            for t in &e_req_aff {
                if hard > 0 && term_matches(ctx, t, e.namespace(), pod) && same_domain(ctx, &t.topology_key, n, &e.node) {
                    s += hard;
                }
            }
            for (w, t) in &e_pref_aff {
                if term_matches(ctx, t, e.namespace(), pod) && same_domain(ctx, &t.topology_key, n, &e.node) {
                    s += w;
                }
            }
            for (w, t) in &e_pref_anti {
                if term_matches(ctx, t, e.namespace(), pod) && same_domain(ctx, &t.topology_key, n, &e.node) {
                    s -= w;
                }
            }
        }
        raw.push(s);
    }
    let min = raw.iter().copied().min().unwrap_or(0);
    let max = raw.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    let normalized: Vec<i64> = raw.iter().map(|&s| if diff > 0 { (MAX_NODE_SCORE as f64 * ((s - min) as f64 / diff as f64)) as i64 } else { 0 }).collect();
    let arithmetic = raw
        .iter()
        .zip(&normalized)
        .map(|(r, s)| if diff > 0 { format!("affinity weights sum to {r}; 100 × ({r} − {min}) / ({max} − {min}) = {s}") } else { format!("affinity weights sum to {r} on every node → 0") })
        .collect();
    Some(Scored { raw, normalized, arithmetic })
}
