//! The kubectl console's read-only commands: `get` (pods, deployments, replicasets, nodes,
//! services, endpointslices, hpa) and `rollout status` / `rollout history`, answered from the
//! snapshot in kubectl's own layout. They change nothing, so they never reach the engine: no
//! journal entry, no timeline mark, and an exercise's `limits.kubectl` does not restrict them.
//!
//! Formats follow kubectl 1.30: `get` prints a table with columns padded by three spaces
//! (kubectl's tabwriter); `rollout status` prints the messages of kubectl's
//! `DeploymentStatusViewer` (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), once,
//! as `--watch=false` does.

use crate::engine::k8s::sim::{KubeView, PodView};
use crate::engine::snapshot::Snapshot;
use crate::engine::time::{Millis, MINUTE, SECOND};

/// What a read command answered: its output, or kubectl's error.
pub type Answer = Result<String, String>;

/// `Some` when `args` is a read-only command this module answers; `None` for everything else
/// (the engine runs it).
pub fn answer(s: &Snapshot, args: &str) -> Option<Answer> {
    let words: Vec<&str> = args.split_whitespace().skip_while(|w| *w == "kubectl").collect();
    match words.first().copied() {
        Some("get") => Some(get(s, &words[1..])),
        Some("rollout") if matches!(words.get(1).copied(), Some("status" | "history")) => Some(rollout(s, words[1], &words[2..])),
        _ => None,
    }
}

/// Flags the read commands understand.
#[derive(Default)]
struct Opts<'a> {
    namespace: Option<&'a str>,
    all_namespaces: bool,
    wide: bool,
    selector: Vec<(&'a str, &'a str)>,
    words: Vec<&'a str>,
}

fn opts<'a>(words: &[&'a str]) -> Result<Opts<'a>, String> {
    let mut o = Opts::default();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let value = |i: usize, flag: &str| words.get(i + 1).copied().ok_or_else(|| format!("error: flag needs an argument: {flag}"));
        match w {
            "-n" | "--namespace" => {
                o.namespace = Some(value(i, "'n' in -n")?);
                i += 1;
            }
            "-A" | "--all-namespaces" => o.all_namespaces = true,
            "-o" | "--output" => {
                o.wide = output(value(i, "'o' in -o")?)?;
                i += 1;
            }
            "-l" | "--selector" => {
                o.selector = selector(value(i, "'l' in -l")?)?;
                i += 1;
            }
            _ => {
                if let Some(ns) = w.strip_prefix("--namespace=").or_else(|| w.strip_prefix("-n=")) {
                    o.namespace = Some(ns);
                } else if let Some(v) = w.strip_prefix("-o=").or_else(|| w.strip_prefix("--output=")) {
                    o.wide = output(v)?;
                } else if let Some(v) = w.strip_prefix("--selector=").or_else(|| w.strip_prefix("-l=")) {
                    o.selector = selector(v)?;
                } else if w.starts_with('-') {
                    return Err(format!("error: unknown flag: {w}"));
                } else {
                    o.words.push(w);
                }
            }
        }
        i += 1;
    }
    Ok(o)
}

/// `-o wide` (`true`); any other output format is refused.
fn output(v: &str) -> Result<bool, String> {
    if v == "wide" {
        Ok(true)
    } else {
        Err(format!("error: Berth's console prints tables only (-o wide); -o {v} is not supported"))
    }
}

/// `app=web,tier=front` (equality only).
fn selector(text: &str) -> Result<Vec<(&str, &str)>, String> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            part.split_once("==")
                .or_else(|| part.split_once('='))
                .filter(|(k, _)| !k.is_empty() && !k.ends_with('!'))
                .ok_or_else(|| format!("error: Berth's console understands label selectors of the form key=value; {part:?} is not one"))
        })
        .collect()
}

impl Opts<'_> {
    /// The namespace filter: `None` for all (`-A`), else the one given or `default`.
    fn ns(&self) -> Option<&str> {
        if self.all_namespaces {
            None
        } else {
            Some(self.namespace.unwrap_or("default"))
        }
    }
    fn in_ns(&self, ns: &str) -> bool {
        self.ns().is_none_or(|n| n == ns)
    }
}

/// kubectl's AGE column: `45s`, `3m12s` under 10 minutes, `42m`, `5h12m`, `3d4h`.
pub fn age(ms: Millis) -> String {
    let s = ms / SECOND;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if ms < 10 * MINUTE {
        if s % 60 == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        }
    } else if h < 3 {
        format!("{m}m")
    } else if h < 8 {
        if m % 60 == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{}m", m % 60)
        }
    } else if d < 2 {
        format!("{h}h")
    } else if d < 8 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else {
        format!("{d}d")
    }
}

/// Columns padded to the widest cell plus three spaces, as kubectl's tabwriter does.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            out.push_str(c);
            if i < last {
                out.push_str(&" ".repeat(width[i] - c.chars().count() + 3));
            }
        }
        out
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out.join("\n")
}

fn kube(s: &Snapshot) -> Result<&KubeView, String> {
    s.kube.as_ref().ok_or_else(|| "this scenario has no Kubernetes cluster (add a \"kubernetes\" section)".to_string())
}

fn none_found(o: &Opts) -> String {
    match o.ns() {
        Some(ns) => format!("No resources found in {ns} namespace."),
        None => "No resources found".to_string(),
    }
}

/// `pod/web-1`, `pods web-1` or `pods` (every one).
fn kind_and_name<'a>(words: &[&'a str]) -> Result<(String, Option<&'a str>), String> {
    let first = words.first().ok_or(
        "error: you must specify the type of resource to get. Berth's console lists pods, deployments, replicasets, nodes, services, endpointslices and hpa",
    )?;
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k, Some(n)),
        None => (*first, words.get(1).copied()),
    };
    Ok((kind.split('.').next().unwrap_or(kind).to_lowercase(), name))
}

fn get(s: &Snapshot, words: &[&str]) -> Answer {
    let o = opts(words)?;
    let kv = kube(s)?;
    let (kind, name) = kind_and_name(&o.words)?;
    let now = s.time_ms;
    let wanted = |n: &str| name.is_none_or(|x| x == n);
    let labels_match = |labels: &crate::engine::k8s::model::Labels| o.selector.iter().all(|(k, v)| labels.get(*k).map(String::as_str) == Some(*v));
    let not_found = |what: &str| match name {
        Some(n) => Err(format!("Error from server (NotFound): {what} \"{n}\" not found")),
        None => Ok(none_found(&o)),
    };
    let with_ns = |ns: &str, mut row: Vec<String>| {
        if o.ns().is_none() {
            row.insert(0, ns.to_string());
        }
        row
    };
    let header = |cols: &[&'static str]| -> Vec<&'static str> {
        let mut h = cols.to_vec();
        if o.ns().is_none() {
            h.insert(0, "NAMESPACE");
        }
        h
    };
    match kind.as_str() {
        "pod" | "pods" | "po" => {
            let mut pods: Vec<&PodView> = kv.pods.iter().filter(|p| o.in_ns(&p.namespace) && wanted(&p.name) && labels_match(&p.labels)).collect();
            // Listed by namespace and name, as the API server returns them.
            crate::engine::sort::sort_by(&mut pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
            if pods.is_empty() {
                return not_found("pods");
            }
            let rows: Vec<Vec<String>> = pods
                .iter()
                .map(|p| {
                    let mut row = vec![
                        p.name.clone(),
                        if p.ready { "1/1".into() } else { "0/1".into() },
                        p.status.clone(),
                        p.restarts.to_string(),
                        age(now.saturating_sub(p.created)),
                    ];
                    if o.wide {
                        row.push(p.node.clone().unwrap_or_else(|| "<none>".into()));
                        row.push(p.nominated_node.clone().unwrap_or_else(|| "<none>".into()));
                    }
                    with_ns(&p.namespace, row)
                })
                .collect();
            let mut cols = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
            if o.wide {
                cols.extend(["NODE", "NOMINATED NODE"]);
            }
            Ok(table(&header(&cols), &rows))
        }
        "deployment" | "deployments" | "deploy" => {
            let rows: Vec<Vec<String>> = kv
                .deployments
                .iter()
                .filter(|d| o.in_ns(&d.namespace) && wanted(&d.name))
                .map(|d| with_ns(&d.namespace, vec![d.name.clone(), format!("{}/{}", d.ready, d.desired), d.updated.to_string(), d.available.to_string()]))
                .collect();
            if rows.is_empty() {
                return not_found("deployments.apps");
            }
            Ok(table(&header(&["NAME", "READY", "UP-TO-DATE", "AVAILABLE"]), &rows))
        }
        "replicaset" | "replicasets" | "rs" => {
            let rows: Vec<Vec<String>> = kv
                .replica_sets
                .iter()
                .filter(|r| o.in_ns(&r.namespace) && wanted(&r.name))
                .map(|r| with_ns(&r.namespace, vec![r.name.clone(), r.desired.to_string(), r.current.to_string(), r.ready.to_string()]))
                .collect();
            if rows.is_empty() {
                return not_found("replicasets.apps");
            }
            Ok(table(&header(&["NAME", "DESIRED", "CURRENT", "READY"]), &rows))
        }
        "node" | "nodes" | "no" => {
            let rows: Vec<Vec<String>> = kv
                .nodes
                .iter()
                .filter(|n| wanted(&n.name) && labels_match(&n.labels))
                .map(|n| {
                    // A node whose instance lost its agent (a zone outage) stops posting status.
                    let ready = if s.instances.iter().any(|i| i.id == n.name && !i.agent_connected) { "NotReady" } else { "Ready" };
                    let status = if n.unschedulable { format!("{ready},SchedulingDisabled") } else { ready.to_string() };
                    let mut row = vec![n.name.clone(), status];
                    if o.wide {
                        row.extend([n.instance_type.clone(), n.zone.clone(), n.capacity_type.clone()]);
                    }
                    row
                })
                .collect();
            if rows.is_empty() {
                return match name {
                    Some(n) => Err(format!("Error from server (NotFound): nodes \"{n}\" not found")),
                    None => Ok("No resources found".into()),
                };
            }
            let mut cols = vec!["NAME", "STATUS"];
            if o.wide {
                cols.extend(["INSTANCE-TYPE", "ZONE", "CAPACITY-TYPE"]);
            }
            Ok(table(&cols, &rows))
        }
        "service" | "services" | "svc" => {
            let rows: Vec<Vec<String>> = kv
                .services
                .iter()
                .filter(|v| o.in_ns(&v.namespace) && wanted(&v.name))
                .map(|v| {
                    let ports: Vec<String> = v
                        .ports
                        .iter()
                        .map(|p| match p.node_port {
                            Some(np) => format!("{}:{np}/{}", p.port, p.protocol),
                            None => format!("{}/{}", p.port, p.protocol),
                        })
                        .collect();
                    let selector: Vec<String> = v.selector.iter().map(|(k, val)| format!("{k}={val}")).collect();
                    let mut row = vec![
                        v.name.clone(),
                        v.service_type.clone(),
                        v.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
                        v.external.clone().unwrap_or_else(|| if v.service_type == "LoadBalancer" { "<pending>".into() } else { "<none>".into() }),
                        if ports.is_empty() { "<none>".into() } else { ports.join(",") },
                    ];
                    if o.wide {
                        row.push(if selector.is_empty() { "<none>".into() } else { selector.join(",") });
                    }
                    with_ns(&v.namespace, row)
                })
                .collect();
            if rows.is_empty() {
                return not_found("services");
            }
            let mut cols = vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"];
            if o.wide {
                cols.push("SELECTOR");
            }
            Ok(table(&header(&cols), &rows))
        }
        // The pods stand in for their addresses (Berth gives pods no IPs); "<unset>" as kubectl
        // prints for a slice with no endpoints.
        "endpointslice" | "endpointslices" | "endpoints" | "ep" => {
            let rows: Vec<Vec<String>> = kv
                .services
                .iter()
                .filter(|v| o.in_ns(&v.namespace) && name.is_none_or(|n| n == v.name || n.starts_with(&format!("{}-", v.name))) && !v.selector.is_empty())
                .map(|v| {
                    let ready: Vec<&str> = v.endpoints.iter().filter(|e| e.ready).map(|e| e.pod.as_str()).collect();
                    let not_ready = v.endpoints.len() - ready.len();
                    let mut list = if ready.is_empty() { "<unset>".to_string() } else { ready.join(",") };
                    if not_ready > 0 {
                        list.push_str(&format!(" (+{not_ready} not ready)"));
                    }
                    let ports: Vec<String> = v.ports.iter().map(|p| p.target_port.clone()).collect();
                    let selector: Vec<String> = v.selector.iter().map(|(k, val)| format!("{k}={val}")).collect();
                    with_ns(&v.namespace, vec![v.name.clone(), if ports.is_empty() { "<unset>".into() } else { ports.join(",") }, list, selector.join(",")])
                })
                .collect();
            if rows.is_empty() {
                return not_found("endpointslices.discovery.k8s.io");
            }
            Ok(format!(
                "{}\n(ENDPOINTS lists the ready pods: Berth names pods where kubectl prints their IP addresses)",
                table(&header(&["SERVICE", "PORTS", "ENDPOINTS", "SELECTOR"]), &rows)
            ))
        }
        "hpa" | "horizontalpodautoscaler" | "horizontalpodautoscalers" => {
            let rows: Vec<Vec<String>> = kv
                .hpas
                .iter()
                .filter(|h| o.in_ns(&h.namespace) && wanted(&h.name))
                .map(|h| {
                    let targets = if h.targets.is_empty() {
                        match h.target_utilization {
                            Some(t) => format!("cpu: {}/{t}%", h.current_utilization.map_or("<unknown>".to_string(), |c| format!("{c}%"))),
                            None => "<none>".into(),
                        }
                    } else {
                        h.targets.join(", ")
                    };
                    with_ns(&h.namespace, vec![h.name.clone(), h.reference.clone(), targets, h.min_replicas.to_string(), h.max_replicas.to_string(), h.replicas.to_string()])
                })
                .collect();
            if rows.is_empty() {
                return not_found("horizontalpodautoscalers.autoscaling");
            }
            Ok(table(&header(&["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS"]), &rows))
        }
        other => Err(format!(
            "error: Berth's console lists pods, deployments, replicasets, nodes, services, endpointslices and hpa, not \"{other}\" (the cluster view and the event log show the rest)"
        )),
    }
}

fn rollout(s: &Snapshot, sub: &str, words: &[&str]) -> Answer {
    let o = opts(words)?;
    let kv = kube(s)?;
    let (kind, name) = kind_and_name(&o.words).map_err(|_| format!("error: you must specify a deployment: kubectl rollout {sub} deployment/NAME"))?;
    if !matches!(kind.as_str(), "deployment" | "deployments" | "deploy") {
        return Err(format!("error: rollout {sub}: Berth supports deployments, not {kind}"));
    }
    let name = name.ok_or_else(|| format!("error: you must specify a deployment: kubectl rollout {sub} deployment/NAME"))?;
    let ns = o.namespace.unwrap_or("default");
    let d = kv
        .deployments
        .iter()
        .find(|d| d.name == name && d.namespace == ns)
        .ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
    if sub == "history" {
        let mut revisions: Vec<u64> = kv.replica_sets.iter().filter(|r| r.namespace == ns && r.deployment.as_deref() == Some(name)).map(|r| r.revision).collect();
        crate::engine::sort::sort(&mut revisions);
        revisions.dedup();
        let rows: Vec<Vec<String>> = revisions.iter().map(|r| vec![r.to_string(), "<none>".to_string()]).collect();
        return Ok(format!("deployment.apps/{name}\n{}", table(&["REVISION", "CHANGE-CAUSE"], &rows)));
    }
    // DeploymentStatusViewer.Status, in its order.
    if d.conditions.iter().any(|c| c.kind == "Progressing" && c.reason == "ProgressDeadlineExceeded") {
        return Err(format!("error: deployment \"{name}\" exceeded its progress deadline"));
    }
    Ok(if d.updated < d.desired {
        format!("Waiting for deployment \"{name}\" rollout to finish: {} out of {} new replicas have been updated...", d.updated, d.desired)
    } else if d.replicas > d.updated {
        format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", d.replicas - d.updated)
    } else if d.available < d.updated {
        format!("Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...", d.available, d.updated)
    } else {
        format!("deployment \"{name}\" successfully rolled out")
    })
}
