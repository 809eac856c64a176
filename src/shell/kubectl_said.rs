//! What kubectl prints when a command that changes something has succeeded, for the kubectl
//! console (the engine's `kubectl` returns only success or kubectl's error text).
//!
//! [`said`] works out the lines from the command line, the manifest and the snapshot taken
//! *before* the command ran, with kubectl's wording (kubectl's printers: `<type>/<name>
//! <operation>`; `delete` prints `<type> "<name>" deleted from <ns> namespace`, delete.go
//! `PrintObj` since kubectl 1.33; drain prints as pkg/cmd/drain/drain.go does). Unknown or
//! unsupported cases give an empty string (the console then says "done.").
//!
//! Simplifications: `apply` says `configured` for an object that existed (never `unchanged`);
//! `rollout pause` on a paused
//! Deployment says `paused` (kubectl: `already paused`); `drain` prints `pod/NAME evicted` and
//! `drained` at once, while kubectl waits for each pod to be gone (Berth's pods go on
//! terminating for their grace period); a drain a disruption budget holds up prints kubectl's
//! `error when evicting` lines (from the engine's `evictionRefused` events) and a note that it
//! goes on in the background, where kubectl would keep the terminal and retry every 5 s.

use crate::engine::event::{Event, EventKind};
use crate::engine::k8s::kubectl::{targets, KindInfo, Line, Targets};
use crate::engine::k8s::sim::KubeView;
use crate::engine::snapshot::Snapshot;

/// kubectl's success output for `args` (and `manifest`), which has just succeeded on the
/// cluster `before` shows, emitting `emitted` (the events the command itself logged); lines
/// separated by `\n`; empty when Berth has nothing to add.
pub fn said(args: &str, manifest: Option<&str>, before: &Snapshot, emitted: &[Event]) -> String {
    let (Ok(l), Some(k)) = (Line::parse(args), before.kube.as_ref()) else { return String::new() };
    let lines = match (l.verb.as_str(), l.sub.as_deref()) {
        ("apply", _) => manifest.map(|m| objects(&l, m, k, false)).unwrap_or_default(),
        ("create", None) => manifest.map(|m| objects(&l, m, k, true)).unwrap_or_default(),
        ("create", Some("deployment" | "deploy")) => l.words.first().map(|n| vec![format!("deployment.apps/{n} created")]).unwrap_or_default(),
        ("create", Some("namespace" | "ns")) => l.words.first().map(|n| vec![format!("namespace/{n} created")]).unwrap_or_default(),
        ("scale", _) => each(&l.words, "scaled"),
        ("set", Some("image")) => {
            let split = l.words.iter().position(|w| w.contains('=')).unwrap_or(l.words.len());
            each(&l.words[..split], "image updated")
        }
        ("rollout", Some("undo")) => each(&l.words, "rolled back"),
        ("rollout", Some("restart")) => each(&l.words, "restarted"),
        ("rollout", Some("pause")) => each(&l.words, "paused"),
        ("rollout", Some("resume")) => each(&l.words, "resumed"),
        ("cordon" | "uncordon", _) => {
            let on = l.verb == "cordon";
            l.words.iter().map(|w| cordon_line(node_name(w), on, k)).collect()
        }
        ("drain", _) => drain(&l, k, emitted),
        ("delete", _) => delete(&l, k),
        _ => Vec::new(),
    };
    lines.join("\n")
}

/// `TYPE/NAME operation` for each named resource (`deployment.apps/web scaled`); nothing for
/// Berth's `scale nodegroup`.
fn each(words: &[String], operation: &str) -> Vec<String> {
    let Ok(Targets::Named(pairs)) = targets(words, "") else { return Vec::new() };
    let mut out = Vec::new();
    for (t, name) in pairs {
        let Ok(k) = KindInfo::lookup(&t) else { return Vec::new() };
        out.push(format!("{}/{name} {operation}", k.printed()));
    }
    out
}

fn node_name(w: &str) -> &str {
    w.strip_prefix("node/").or_else(|| w.strip_prefix("nodes/")).unwrap_or(w)
}

/// drain.go `RunCordonOrUncordon`: `cordoned`, or `already cordoned` when nothing changed.
fn cordon_line(node: &str, on: bool, k: &KubeView) -> String {
    let was = k.nodes.iter().find(|n| n.name == node).is_some_and(|n| n.unschedulable);
    let word = if on { "cordoned" } else { "uncordoned" };
    if was == on {
        format!("node/{node} already {word}")
    } else {
        format!("node/{node} {word}")
    }
}

/// The objects of an applied (or created) manifest, in file order: `created` when the object
/// was not there before, else `configured`.
fn objects(l: &Line, manifest: &str, k: &KubeView, create: bool) -> Vec<String> {
    let m = crate::engine::k8s::manifest::parse(manifest);
    if m.has_errors() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for p in &m.objects {
        let kind = p.object.kind();
        let Some(info) = KindInfo::of_kind(kind) else { return Vec::new() };
        let name = &p.object.meta().name;
        let ns = p.object.meta().namespace.as_deref().unwrap_or(l.ns());
        let word = if !create && existed(kind, ns, name, k) { "configured" } else { "created" };
        out.push(format!("{}/{name} {word}", info.printed()));
    }
    out
}

/// Was the object in the snapshot (its own list, or `other_objects` for the rest)?
fn existed(kind: &str, ns: &str, name: &str, k: &KubeView) -> bool {
    let here = |n: &str, s: &str| n == name && s == ns;
    match kind {
        "Pod" => k.pods.iter().any(|x| here(&x.name, &x.namespace)),
        "Deployment" => k.deployments.iter().any(|x| here(&x.name, &x.namespace)),
        "ReplicaSet" => k.replica_sets.iter().any(|x| here(&x.name, &x.namespace)),
        "DaemonSet" => k.daemon_sets.iter().any(|x| here(&x.name, &x.namespace)),
        "Service" => k.services.iter().any(|x| here(&x.name, &x.namespace)),
        "Job" => k.jobs.iter().any(|x| here(&x.name, &x.namespace)),
        "HorizontalPodAutoscaler" => k.hpas.iter().any(|x| here(&x.name, &x.namespace)),
        "PodDisruptionBudget" => k.pdbs.iter().any(|x| here(&x.name, &x.namespace)),
        "Namespace" => namespace_seen(name, k),
        "PriorityClass" => k.other_objects.iter().any(|x| *x == format!("PriorityClass//{name}")),
        _ => k.other_objects.iter().any(|x| *x == format!("{kind}/{ns}/{name}")),
    }
}

/// A namespace is known to exist when it is one of the cluster's own or something is in it.
fn namespace_seen(ns: &str, k: &KubeView) -> bool {
    matches!(ns, "default" | "kube-system" | "kube-public" | "kube-node-lease")
        || k.namespaces.iter().any(|(n, _)| n == ns)
        || k.pods.iter().any(|x| x.namespace == ns)
        || k.deployments.iter().any(|x| x.namespace == ns)
        || k.replica_sets.iter().any(|x| x.namespace == ns)
        || k.daemon_sets.iter().any(|x| x.namespace == ns)
        || k.services.iter().any(|x| x.namespace == ns)
        || k.jobs.iter().any(|x| x.namespace == ns)
        || k.hpas.iter().any(|x| x.namespace == ns)
}

/// `kubectl drain NODE...`: `node/X cordoned` for every node, then for each node kubectl's warning for the pods it leaves (DaemonSet
/// pods with `--ignore-daemonsets`) or deletes without a controller (`--force`), `evicting pod
/// NS/NAME` for every other pod on the node (the API's order: by namespace and name); then, for
/// each eviction the API refused (a PodDisruptionBudget: the `evictionRefused` events in
/// `emitted`), kubectl's `error when evicting …` line, and `pod/NAME evicted` for the others
/// (drain.go `evictPods`); `node/X drained` when none was refused, else a note instead of the
/// retries kubectl would keep printing every 5 s.
fn drain(l: &Line, k: &KubeView, emitted: &[Event]) -> Vec<String> {
    // drain.go RunDrain: every node is cordoned first, then drained one after another.
    let mut out: Vec<String> = l.words.iter().map(|w| cordon_line(node_name(w), true, k)).collect();
    for w in &l.words {
        let node = node_name(w);
        let mut on: Vec<_> = k.pods.iter().filter(|p| p.node.as_deref() == Some(node) && p.status != "Terminating" && !matches!(p.phase, crate::engine::k8s::sim::PodPhase::Succeeded | crate::engine::k8s::sim::PodPhase::Failed)).collect();
        on.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        let id = |p: &&crate::engine::k8s::sim::PodView| format!("{}/{}", p.namespace, p.name);
        let daemon: Vec<String> = on.iter().filter(|p| p.owner.as_deref().is_some_and(|o| o.starts_with("DaemonSet/"))).map(id).collect();
        let bare: Vec<String> = on.iter().filter(|p| p.owner.is_none()).map(id).collect();
        // pkg/drain/filters.go daemonSetWarning / unmanagedWarning, joined with "; ".
        let mut warnings = Vec::new();
        if !daemon.is_empty() {
            warnings.push(format!("ignoring DaemonSet-managed Pods: {}", daemon.join(", ")));
        }
        if !bare.is_empty() {
            warnings.push(format!("deleting Pods that declare no controller: {}", bare.join(", ")));
        }
        if !warnings.is_empty() {
            out.push(format!("Warning: {}", warnings.join("; ")));
        }
        let evicted: Vec<_> = on.iter().filter(|p| !p.owner.as_deref().is_some_and(|o| o.starts_with("DaemonSet/"))).collect();
        for p in &evicted {
            out.push(format!("evicting pod {}", id(p)));
        }
        let refused: Vec<(&str, &str, &str)> = emitted
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::EvictionRefused { pod, namespace, node: n, message, .. } if n == node => Some((namespace.as_str(), pod.as_str(), message.as_str())),
                _ => None,
            })
            .collect();
        for (_, _, message) in &refused {
            out.push((*message).to_string());
        }
        for p in evicted.iter().filter(|p| !refused.iter().any(|(ns, name, _)| *ns == p.namespace && *name == p.name)) {
            out.push(format!("pod/{} evicted", p.name));
        }
        if refused.is_empty() {
            out.push(format!("node/{node} drained"));
        } else {
            out.push(format!(
                "(kubectl would keep retrying every 5 s until the budget allows it. Berth's drain goes on in the background: the node stays cordoned, and the event log says nodeDrained when only DaemonSet pods are left on {node}.)"
            ));
        }
    }
    out
}

/// `kubectl delete`: one line per deleted object; `--all` and `-l` list what the snapshot held
/// (`No resources found` when nothing matched); `--force` adds kubectl's warning first.
fn delete(l: &Line, k: &KubeView) -> Vec<String> {
    let ns = l.ns();
    let force = l.on("force");
    let Ok(t) = targets(&l.words, "delete") else { return Vec::new() };
    let mut pairs: Vec<(&'static KindInfo, String)> = Vec::new();
    match t {
        Targets::Named(named) => {
            for (t, n) in named {
                let Ok(info) = KindInfo::lookup(&t) else { return Vec::new() };
                pairs.push((info, n));
            }
        }
        Targets::TypeOnly(t) => {
            let Ok(info) = KindInfo::lookup(&t) else { return Vec::new() };
            let mut names: Vec<String> = match (info.kind, l.flag("selector").flatten()) {
                ("Pod", Some(sel)) => k.pods.iter().filter(|p| p.namespace == ns && crate::engine::k8s::kubectl::selector_matches(sel, &p.labels).unwrap_or(false)).map(|p| p.name.clone()).collect(),
                (_, Some(_)) => return Vec::new(),
                ("Pod", None) => k.pods.iter().filter(|p| p.namespace == ns).map(|p| p.name.clone()).collect(),
                ("Deployment", None) => k.deployments.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                ("ReplicaSet", None) => k.replica_sets.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                ("DaemonSet", None) => k.daemon_sets.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                ("Service", None) => k.services.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                ("Job", None) => k.jobs.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                ("HorizontalPodAutoscaler", None) => k.hpas.iter().filter(|x| x.namespace == ns).map(|x| x.name.clone()).collect(),
                _ => return Vec::new(),
            };
            names.sort();
            if names.is_empty() {
                return vec!["No resources found".to_string()];
            }
            pairs = names.into_iter().map(|n| (info, n)).collect();
        }
    }
    let mut out = Vec::new();
    if force {
        // delete.go Validate.
        out.push("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.".to_string());
    }
    out.extend(pairs.into_iter().map(|(info, n)| info.deleted(&n, ns, force)));
    out
}
