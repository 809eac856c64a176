//! The kubectl console's `describe`: pods, nodes, Deployments, ReplicaSets, Services,
//! HorizontalPodAutoscalers and PodDisruptionBudgets, in
//! kubectl's own layout, from the snapshot on screen and the engine's event log. Like `get`
//! (`shell::kubectl_get`) it only reads: no journal entry, no timeline mark.
//!
//! The layout is k8s.io/kubectl `pkg/describe/describe.go`: `describePod` (with
//! `describeContainers`, `describeContainerState`, `describeResources`,
//! `describeContainerProbe`), `describeNode` and `describeNodeResource`, `describeDeployment`,
//! `DescribePodTemplate`, `describeReplicaSet`, `describeService`,
//! `describeHorizontalPodAutoscalerV2`, `describePodDisruptionBudgetV1`, `DescribeEvents`,
//! `printLabelsMultiline`, `printNodeTaintsMultiline`, `printTolerationsMultilineWithIndent`;
//! every description goes through `tabbedString`, a `text/tabwriter` with padding 2, which this
//! module reproduces ([`tabbed`]: a column is as wide as its widest cell in a run of consecutive
//! lines that have it, plus two). Lines are printed without the trailing blanks kubectl's
//! padding leaves (`IP:` of a pending pod, the conditions' `True `). Which objects are described
//! follows `pkg/cmd/describe/describe.go`: `TYPE`, `TYPE NAME...`, `TYPE/NAME...`, `-l`,
//! `-n`, `-A`, `--show-events=false`; a `TYPE NAME` that does not exist describes every object
//! whose name starts with NAME (`DescribeMatchingResources`: `describe pod web` shows the
//! `web-...` pods); several descriptions are separated by two blank lines.
//!
//! **Events** come from the engine's log, as kubectl would find them on the object: the log's
//! pod, node and ReplicaSet events mapped to the reasons and sources the kubelet, the scheduler
//! and the controllers use (see `pod_events`, `node_events`, `deployment_events`,
//! `replica_set_events`); identical events (type, reason, source, message) are counted as the
//! event correlator does (`5m (x3 over 12m)`: the last one 5 minutes ago, the first 12), sorted
//! by their last time, and dropped an hour after it, as the API server's `--event-ttl` (1h)
//! does.
//!
//! **Not in the snapshot, so not shown** (rather than invented): times of day (`Start Time`,
//! `CreationTimestamp`, a container's `Started`/`Finished`, node conditions' heartbeat and
//! transition times, the node lease): the snapshot has the virtual clock, not the scenario's
//! date; annotations (except a Deployment's revision); Service accounts, environment variables,
//! volume mounts and volumes; container and image IDs; the containers of pods that no
//! ReplicaSet owns (DaemonSet, Job and bare pods: their `Containers` section is left out);
//! node capacity beyond CPU, memory and pods; machine, system and boot IDs; the node's
//! `ProviderID`, lease and the kubelet's `Kube-Proxy Version`; pods' limits on a node (its
//! tables show requests only); the kubelet's `Pulling`/`Pulled` events of a first start (whether
//! the image was on the node, and how long the pull took, is not in the log); a probe failure's
//! detail (`HTTP probe failed with statuscode: 500`); Deployment and Service labels of their own;
//! the API server's own `kubernetes` Service.

use std::collections::BTreeSet;

use crate::engine::event::{Event, EventKind};
use crate::engine::k8s::model::Labels;
use crate::engine::k8s::quantity::{fmt_bytes, fmt_milli};
use crate::engine::k8s::services::ServiceView;
use crate::engine::k8s::sim::{ContainerSpecView, DeploymentView, HpaView, KubeView, NodeView, PdbView, PodPhase, PodTemplateView, PodView, ReplicaSetView};
use crate::engine::snapshot::Snapshot;
use crate::engine::lifecycle::CONTAINER_START_MS;
use crate::engine::time::{Millis, SECOND};
use crate::shell::kubectl_get::{self, age, pod_ips};

/// How long the API server keeps an event after its last occurrence (`kube-apiserver
/// --event-ttl`, default 1h0m0s; EKS keeps the default).
const EVENT_TTL: Millis = 3600 * SECOND;
/// What the console describes, for the error messages.
const DESCRIBES: &str = "pods, nodes, deployments, replicasets, services, horizontalpodautoscalers and poddisruptionbudgets";

/// `None` when `args` is not a `describe` command (`kubectl` in front and namespace flags before
/// the verb are allowed); otherwise what kubectl prints, or its error. `events` is the engine's
/// log (`Engine::events`) up to the snapshot's time.
pub fn describe(s: &Snapshot, events: &[Event], args: &str) -> Option<Result<String, String>> {
    let words = match kubectl_get::split_words(args) {
        Ok(w) => w,
        Err(e) => {
            let rough: Vec<String> = args.split_whitespace().map(str::to_string).collect();
            return describe_words(&rough).map(|_| Err(e));
        }
    };
    let words = describe_words(&words)?;
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Some(run(s, events, &words))
}

/// The words after `describe` (see [`kubectl_get::verb_first`]); `None` when the verb is not
/// `describe`.
fn describe_words(words: &[String]) -> Option<Vec<String>> {
    let mut rest = kubectl_get::verb_first(words)?;
    if rest[0] != "describe" {
        return None;
    }
    rest.remove(0);
    Some(rest)
}

// ---------------------------------------------------------------------------------------------
// Flags and targets
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Opts {
    namespace: Option<String>,
    all_namespaces: bool,
    selector: Option<String>,
    show_events: bool,
    words: Vec<String>,
}

/// `kubectl describe`'s flags: (long, shorthand, takes a value).
const FLAGS: &[(&str, Option<char>, bool)] = &[
    ("namespace", Some('n'), true),
    ("all-namespaces", Some('A'), false),
    ("selector", Some('l'), true),
    ("show-events", None, false),
    ("chunk-size", None, true),
    ("filename", Some('f'), true),
    ("kustomize", Some('k'), true),
    ("recursive", Some('R'), false),
    ("help", Some('h'), false),
    ("context", None, true),
    ("cluster", None, true),
    ("kubeconfig", None, true),
    ("user", None, true),
];

fn opts(words: &[&str]) -> Result<Opts, String> {
    let mut o = Opts { show_events: true, ..Opts::default() };
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "--" {
            o.words.extend(words[i + 1..].iter().map(|w| w.to_string()));
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let &(long, _, takes) = FLAGS.iter().find(|f| f.0 == name).ok_or_else(|| format!("error: unknown flag: --{name}"))?;
            let value = match (takes, inline) {
                (true, None) => {
                    i += 1;
                    Some(words.get(i).ok_or_else(|| format!("error: flag needs an argument: --{name}"))?.to_string())
                }
                (_, v) => v,
            };
            set(&mut o, long, value.as_deref())?;
        } else if w.len() > 1 && w.starts_with('-') {
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let &(long, _, takes) = FLAGS.iter().find(|f| f.1 == Some(c)).ok_or_else(|| format!("error: unknown shorthand flag: '{c}' in {w}"))?;
                let rest: String = chars[j + 1..].iter().collect();
                if takes {
                    let value = match rest.strip_prefix('=').map(str::to_string).or((!rest.is_empty()).then_some(rest)) {
                        Some(v) => v,
                        None => {
                            i += 1;
                            words.get(i).ok_or_else(|| format!("error: flag needs an argument: '{c}' in {w}"))?.to_string()
                        }
                    };
                    set(&mut o, long, Some(&value))?;
                    break;
                }
                if let Some(v) = rest.strip_prefix('=') {
                    set(&mut o, long, Some(v))?;
                    break;
                }
                set(&mut o, long, None)?;
                j += 1;
            }
        } else {
            o.words.push(w.to_string());
        }
        i += 1;
    }
    Ok(o)
}

fn set(o: &mut Opts, long: &str, value: Option<&str>) -> Result<(), String> {
    let on = || match value {
        None | Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(v) => Err(format!("error: invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax")),
    };
    let refuse = |why: &str| Err(format!("error: --{long} is not supported in Berth: {why}"));
    match long {
        "namespace" => o.namespace = value.map(str::to_string),
        "all-namespaces" => o.all_namespaces = on()?,
        "selector" => o.selector = value.map(str::to_string),
        "show-events" => o.show_events = on()?,
        "chunk-size" => {}
        "filename" | "kustomize" | "recursive" => return refuse("the page has no files: name the resource instead (describe pod NAME)"),
        "help" => return refuse("docs/kubernetes.md lists what the console answers"),
        _ => return refuse("the console talks to this scenario's one cluster"),
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pods,
    Nodes,
    Deployments,
    ReplicaSets,
    Services,
    Hpas,
    Pdbs,
}

impl Kind {
    /// The resource as the API server's NotFound error names it.
    fn resource(self) -> &'static str {
        match self {
            Kind::Pods => "pods",
            Kind::Nodes => "nodes",
            Kind::Deployments => "deployments.apps",
            Kind::ReplicaSets => "replicasets.apps",
            Kind::Services => "services",
            Kind::Hpas => "horizontalpodautoscalers.autoscaling",
            Kind::Pdbs => "poddisruptionbudgets.policy",
        }
    }
    /// The word `get` knows it by (for selecting by label through `kubectl_get`).
    fn get_word(self) -> &'static str {
        match self {
            Kind::Pods => "pods",
            Kind::Nodes => "nodes",
            Kind::Deployments => "deployments",
            Kind::ReplicaSets => "replicasets",
            Kind::Services => "services",
            Kind::Hpas => "hpa",
            Kind::Pdbs => "pdb",
        }
    }
}

fn kind_of(word: &str) -> Result<Kind, String> {
    let w = word.to_lowercase();
    let base = w.split('.').next().unwrap_or(&w);
    Ok(match base {
        "pod" | "pods" | "po" => Kind::Pods,
        "node" | "nodes" | "no" => Kind::Nodes,
        "deployment" | "deployments" | "deploy" => Kind::Deployments,
        "replicaset" | "replicasets" | "rs" => Kind::ReplicaSets,
        "service" | "services" | "svc" => Kind::Services,
        "horizontalpodautoscaler" | "horizontalpodautoscalers" | "hpa" => Kind::Hpas,
        "poddisruptionbudget" | "poddisruptionbudgets" | "pdb" => Kind::Pdbs,
        "daemonset" | "daemonsets" | "ds" | "job" | "jobs" | "cronjob" | "cronjobs" | "cj" | "statefulset" | "statefulsets" | "sts"
        | "endpointslice" | "endpointslices" | "endpoints" | "endpoint" | "ep" | "namespace" | "namespaces" | "ns" | "secret" | "secrets"
        | "configmap" | "configmaps" | "cm" | "ingress" | "ingresses" | "ing" | "networkpolicy" | "networkpolicies" | "netpol" | "event"
        | "events" | "ev" | "resourcequota" | "resourcequotas" | "quota" | "limitrange" | "limitranges" | "limits" | "priorityclass"
        | "priorityclasses" | "pc" | "serviceaccount" | "serviceaccounts" | "sa" | "persistentvolume" | "persistentvolumes" | "pv"
        | "persistentvolumeclaim" | "persistentvolumeclaims" | "pvc" | "storageclass" | "storageclasses" | "sc" | "role" | "roles"
        | "rolebinding" | "rolebindings" | "clusterrole" | "clusterroles" | "clusterrolebinding" | "clusterrolebindings" | "lease" | "leases" => {
            return Err(format!("error: Berth's console describes {DESCRIBES}, not \"{word}\" (kubectl get lists the others it knows; the event log has the rest)"))
        }
        _ => return Err(format!("error: the server doesn't have a resource type \"{word}\"")),
    })
}

/// What was asked for: each type with the names wanted (none: all of that type).
fn targets(words: &[String]) -> Result<Vec<(Kind, Vec<String>)>, String> {
    let first = words.first().ok_or("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.")?;
    let mut out: Vec<(Kind, Vec<String>)> = Vec::new();
    let mut add = |kind: Kind, name: Option<&str>| {
        let i = out.iter().position(|(k, _)| *k == kind).unwrap_or_else(|| {
            out.push((kind, Vec::new()));
            out.len() - 1
        });
        out[i].1.extend(name.map(str::to_string));
    };
    if first.contains('/') {
        for w in words {
            let (k, n) = w.split_once('/').filter(|(_, n)| !n.is_empty() && !n.contains('/')).ok_or_else(|| format!("error: arguments in resource/name form must have a single resource and name: \"{w}\""))?;
            add(kind_of(k)?, Some(n));
        }
    } else {
        if words[1..].iter().any(|n| n.contains('/')) {
            return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
        }
        for k in first.split(',').filter(|k| !k.is_empty()) {
            add(kind_of(k)?, None);
        }
        for (_, names) in out.iter_mut() {
            names.extend(words[1..].iter().cloned());
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

/// What the describers read.
struct Cx<'a> {
    s: &'a Snapshot,
    kv: &'a KubeView,
    events: &'a [Event],
    now: Millis,
    ips: std::collections::BTreeMap<String, String>,
    show_events: bool,
}

fn run(s: &Snapshot, events: &[Event], words: &[&str]) -> Result<String, String> {
    let o = opts(words)?;
    let wanted = targets(&o.words)?;
    let kv = s.kube.as_ref().ok_or_else(|| "this scenario has no Kubernetes cluster (add a \"kubernetes\" section)".to_string())?;
    let named = wanted.iter().any(|(_, n)| !n.is_empty());
    if named && o.selector.is_some() {
        return Err("error: name cannot be provided when a selector is specified".into());
    }
    if named && o.all_namespaces {
        return Err("error: a resource cannot be retrieved by name across all namespaces".into());
    }
    let ns = o.namespace.clone().unwrap_or_else(|| "default".into());
    let cx = Cx { s, kv, events, now: s.time_ms, ips: pod_ips(s, kv), show_events: o.show_events };
    let mut outputs: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    // `describe TYPE NAME` of a name that does not exist: every object whose name starts with it.
    let prefix_form = o.words.len() == 2 && !o.words[0].contains('/') && wanted.len() == 1;
    for (kind, names) in &wanted {
        let mut all = objects(&cx, *kind);
        all.retain(|(n, _)| *kind == Kind::Nodes || o.all_namespaces || n.as_deref() == Some(ns.as_str()));
        if let Some(sel) = &o.selector {
            let chosen = select(s, *kind, sel)?;
            all.retain(|(n, name)| chosen.contains(&(n.clone().unwrap_or_default(), name.clone())));
        }
        if names.is_empty() {
            outputs.extend(all.iter().map(|(n, name)| describe_one(&cx, *kind, n.as_deref(), name)));
            continue;
        }
        for name in names {
            if all.iter().any(|(_, n)| n == name) {
                let n = if *kind == Kind::Nodes { None } else { Some(ns.as_str()) };
                outputs.push(describe_one(&cx, *kind, n, name));
                continue;
            }
            if *kind == Kind::Services && name == "kubernetes" && ns == "default" {
                errors.push("error: Berth's console does not describe the API server's own Service \"kubernetes\" (kubectl get svc kubernetes and kubectl get endpoints kubernetes show it)".into());
                continue;
            }
            let not_found = format!("Error from server (NotFound): {} \"{name}\" not found", kind.resource());
            if prefix_form {
                let matching: Vec<String> = all.iter().filter(|(_, n)| n.starts_with(name.as_str())).map(|(n, m)| describe_one(&cx, *kind, n.as_deref(), m) + "\n").collect();
                if !matching.is_empty() {
                    // `DescribeMatchingResources` prints each followed by a newline: one blank
                    // line between them.
                    let text = matching.concat();
                    return Ok(text.trim_end_matches('\n').to_string());
                }
            }
            errors.push(not_found);
        }
    }
    if outputs.is_empty() {
        if !errors.is_empty() {
            return Err(errors.join("\n"));
        }
        return Ok(if o.all_namespaces { "No resources found".to_string() } else { format!("No resources found in {ns} namespace.") });
    }
    // The first description as it is, each next one after "\n\n" (each ends with a newline).
    let mut out = outputs.join("\n\n");
    while out.ends_with('\n') {
        out.pop();
    }
    for e in errors {
        out.push('\n');
        out.push_str(&e);
    }
    Ok(out)
}

/// Every object of a type as (namespace, name), in the API server's order (namespace, name).
fn objects(cx: &Cx, kind: Kind) -> Vec<(Option<String>, String)> {
    let mut v: Vec<(Option<String>, String)> = match kind {
        Kind::Pods => cx.kv.pods.iter().map(|p| (Some(p.namespace.clone()), p.name.clone())).collect(),
        Kind::Nodes => cx.kv.nodes.iter().map(|n| (None, n.name.clone())).collect(),
        Kind::Deployments => cx.kv.deployments.iter().map(|d| (Some(d.namespace.clone()), d.name.clone())).collect(),
        Kind::ReplicaSets => cx.kv.replica_sets.iter().map(|r| (Some(r.namespace.clone()), r.name.clone())).collect(),
        Kind::Services => cx.kv.services.iter().map(|v| (Some(v.namespace.clone()), v.name.clone())).collect(),
        Kind::Hpas => cx.kv.hpas.iter().map(|h| (Some(h.namespace.clone()), h.name.clone())).collect(),
        Kind::Pdbs => cx.kv.pdbs.iter().map(|b| (Some(b.namespace.clone()), b.name.clone())).collect(),
    };
    crate::engine::sort::sort(&mut v);
    v
}

/// The objects a label selector picks, as (namespace, name): asked of `kubectl get`, so that the
/// selector is read (and refused) exactly as there, against the same labels.
fn select(s: &Snapshot, kind: Kind, selector: &str) -> Result<BTreeSet<(String, String)>, String> {
    let quoted = format!("'{}'", selector.replace('\'', "'\\''"));
    let args = format!("get {} -A --no-headers -l {quoted}", kind.get_word());
    let text = match kubectl_get::answer(s, &args) {
        Some(Ok(t)) => t,
        Some(Err(e)) => return Err(e),
        None => return Ok(BTreeSet::new()),
    };
    if text.starts_with("No resources found") {
        return Ok(BTreeSet::new());
    }
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            if kind == Kind::Nodes {
                f.next().map(|n| (String::new(), n.to_string()))
            } else {
                Some((f.next()?.to_string(), f.next()?.to_string()))
            }
        })
        .collect())
}

fn describe_one(cx: &Cx, kind: Kind, ns: Option<&str>, name: &str) -> String {
    let ns = ns.unwrap_or("");
    let text = match kind {
        Kind::Pods => cx.kv.pods.iter().find(|p| p.namespace == ns && p.name == name).map(|p| describe_pod(cx, p)),
        Kind::Nodes => cx.kv.nodes.iter().find(|n| n.name == name).map(|n| describe_node(cx, n)),
        Kind::Deployments => cx.kv.deployments.iter().find(|d| d.namespace == ns && d.name == name).map(|d| describe_deployment(cx, d)),
        Kind::ReplicaSets => cx.kv.replica_sets.iter().find(|r| r.namespace == ns && r.name == name).map(|r| describe_replica_set(cx, r)),
        Kind::Services => cx.kv.services.iter().find(|v| v.namespace == ns && v.name == name).map(|v| describe_service(cx, v)),
        Kind::Hpas => cx.kv.hpas.iter().find(|h| h.namespace == ns && h.name == name).map(|h| describe_hpa(cx, h)),
        Kind::Pdbs => cx.kv.pdbs.iter().find(|b| b.namespace == ns && b.name == name).map(|b| describe_pdb(cx, b)),
    };
    tabbed(&text.unwrap_or_default())
}

// ---------------------------------------------------------------------------------------------
// The writer: describe.go's PrefixWriter (two spaces a level) into a text/tabwriter
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct W(String);

impl W {
    fn line(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
        self.0.push('\n');
    }
    /// `printLabelsMultiline`: `Title:\tk=v`, each next entry on its own line after a tab,
    /// `<none>` for none.
    fn multiline(&mut self, title: &str, entries: &[String]) {
        if entries.is_empty() {
            self.line(0, &format!("{title}:\t<none>"));
        }
        for (i, e) in entries.iter().enumerate() {
            if i == 0 {
                self.line(0, &format!("{title}:\t{e}"));
            } else {
                self.line(0, &format!("\t{e}"));
            }
        }
    }
}

fn label_entries(labels: &Labels) -> Vec<String> {
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// Go's `text/tabwriter` as describe's `tabbedString` sets it up (minwidth 0, padding 2, padded
/// with spaces, no flags): cells end at a tab; the text after a line's last tab is not part of
/// any column; a column block is a run of consecutive lines that have a cell in that column, as
/// wide as its widest cell plus 2. Trailing blanks are then dropped from every line.
pub fn tabbed(text: &str) -> String {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<Vec<&str>> = body.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut widths: Vec<usize> = Vec::new();
    format_block(&lines, &mut widths, 0, lines.len(), &mut out);
    let mut s: String = out.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n");
    s.push('\n');
    s
}

/// tabwriter's `format`: the lines `line0..line1` with the widths of the columns left of
/// `widths.len()` known.
fn format_block(lines: &[Vec<&str>], widths: &mut Vec<usize>, line0: usize, line1: usize, out: &mut Vec<String>) {
    let column = widths.len();
    let mut start = line0;
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, widths, start, this, out);
        start = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + 2);
            this += 1;
        }
        widths.push(width);
        format_block(lines, widths, start, this, out);
        widths.pop();
        start = this;
    }
    write_lines(lines, widths, start, line1, out);
}

fn write_lines(lines: &[Vec<&str>], widths: &[usize], from: usize, to: usize, out: &mut Vec<String>) {
    for cells in &lines[from..to] {
        let mut l = String::new();
        for (j, c) in cells.iter().enumerate() {
            l.push_str(c);
            if j < widths.len() && j + 1 < cells.len() {
                l.push_str(&" ".repeat(widths[j].saturating_sub(c.chars().count())));
            }
        }
        out.push(l);
    }
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// The log's events from `from` to `to` (both included); the log is in time order.
fn window(events: &[Event], from: Millis, to: Millis) -> &[Event] {
    let lo = events.partition_point(|e| e.t < from);
    let hi = events.partition_point(|e| e.t <= to).max(lo);
    &events[lo..hi]
}

/// One event about an object, as the API server would hold it.
struct KEvent {
    t: Millis,
    warning: bool,
    reason: String,
    from: String,
    message: String,
}

fn normal(t: Millis, reason: &str, from: &str, message: String) -> KEvent {
    KEvent { t, warning: false, reason: reason.into(), from: from.into(), message }
}

fn warning(t: Millis, reason: &str, from: &str, message: String) -> KEvent {
    KEvent { t, warning: true, reason: reason.into(), from: from.into(), message }
}

/// The kubelet's `Created` and `Started` for one container.
fn container_started(out: &mut Vec<KEvent>, t: Millis, container: &str) {
    out.push(normal(t, "Created", "kubelet", format!("Created container: {container}")));
    out.push(normal(t, "Started", "kubelet", format!("Started container {container}")));
}

/// The kubelet's `Pulled` for an image the node already has.
fn image_present(t: Millis, image: &str) -> KEvent {
    normal(t, "Pulled", "kubelet", format!("Container image \"{image}\" already present on machine"))
}

/// The kubelet's `BackOff` for a container waiting to be restarted (`format.Pod` names the pod).
fn restart_back_off(t: Millis, container: &str, pod: &str, namespace: &str) -> KEvent {
    warning(t, "BackOff", "kubelet", format!("Back-off restarting failed container {container} in pod {pod}_{namespace}({})", kubectl_get::uid("pod", namespace, pod)))
}

/// `DescribeEvents`: identical events counted together (client-go's event correlator), sorted by
/// their last time, those an hour past their last time dropped (`--event-ttl`); `Events:
/// <none>` when none is left.
fn write_events(w: &mut W, cx: &Cx, mut list: Vec<KEvent>) {
    if !cx.show_events {
        return;
    }
    crate::engine::sort::sort_by(&mut list, |a, b| a.t.cmp(&b.t));
    // (first event, last time, count, position of the last one): ties in time keep the order
    // in which the last occurrences happened.
    let mut merged: Vec<(KEvent, Millis, u32, usize)> = Vec::new();
    for (i, e) in list.into_iter().enumerate() {
        match merged.iter_mut().find(|(m, ..)| m.warning == e.warning && m.reason == e.reason && m.from == e.from && m.message == e.message) {
            Some(m) => {
                m.1 = e.t;
                m.2 += 1;
                m.3 = i;
            }
            None => {
                let t = e.t;
                merged.push((e, t, 1, i));
            }
        }
    }
    merged.retain(|(_, last, ..)| cx.now.saturating_sub(*last) < EVENT_TTL);
    crate::engine::sort::sort_by(&mut merged, |a, b| (a.1, a.3).cmp(&(b.1, b.3)));
    if merged.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for (e, last, count, _) in merged {
        let first = age(cx.now.saturating_sub(e.t));
        let interval = if count > 1 { format!("{} (x{count} over {first})", age(cx.now.saturating_sub(last))) } else { first };
        w.line(1, &format!("{}\t{}\t{interval}\t{}\t{}", if e.warning { "Warning" } else { "Normal" }, e.reason, e.from, e.message.trim()));
    }
}

/// The scheduler that binds pods: `fargate-scheduler` for EKS Fargate's nodes, else the
/// scenario's profile (`default-scheduler`, or `bin-packing-scheduler`).
fn scheduler_for(kv: &KubeView, node: &str) -> &'static str {
    if node.starts_with("fargate-") {
        "fargate-scheduler"
    } else if kv.scheduler == "bin-packing" {
        "bin-packing-scheduler"
    } else {
        "default-scheduler"
    }
}

/// A pod's events, from its creation on. The log's pod events read as the components that
/// record them on a real cluster:
///
/// | log | Type | Reason | From | Message |
/// |---|---|---|---|---|
/// | podScheduled | Normal | Scheduled | the scheduler | `Successfully assigned default/web-x to NODE` |
/// | podFailedScheduling | Warning | FailedScheduling | the scheduler | the scheduler's message |
/// | podPreempted (a victim) | Normal | Preempted | the scheduler | `Preempted by NS/POD on node NODE` |
/// | podWaiting ErrImagePull | Normal, Warning | Pulling (1 s before), Failed, BackOff | kubelet | `Pulling image "X"`, `Failed to pull image "X": not found`, `Error: ErrImagePull`, `Back-off pulling image "X"`, `Error: ImagePullBackOff` |
/// | podRunning | Normal | Created, Started | kubelet | `Created container: web`, `Started container web` |
/// | podNotReady (readiness probe) | Warning | Unhealthy | kubelet | `Readiness probe failed` |
/// | containerRestarted (liveness, startup) | Warning, Normal | Unhealthy, Killing | kubelet | `Liveness probe failed`, `Container web failed liveness probe, will be restarted` |
/// | containerRestarted with a back-off | Warning | BackOff | kubelet | `Back-off restarting failed container web in pod web-x_default(<uid>)` |
/// | containerRestarted, back-off over | Normal | Pulled, Created, Started | kubelet | `Container image "X" already present on machine`, ... |
/// | initContainerFailed with a back-off (1 s later) | Warning | BackOff | kubelet | `Back-off restarting failed container migrate in pod web-x_default(<uid>)` |
/// | initContainerFailed, back-off over | Normal | Pulled, Created, Started | kubelet | as for a container |
/// | (each init container's first start, from the snapshot) | Normal | Created, Started | kubelet | `Created container: migrate`, `Started container migrate` |
/// | (each container's image at its first start, from the snapshot) | Normal | Pulling, Pulled | kubelet | `Pulling image "X"`, `Successfully pulled image "X" in 3s (3s including waiting). Image size: 150000000 bytes.`, `Container image "X" already present on machine` |
/// | podTerminating | Normal | Killing | kubelet | `Stopping container web` |
/// | podTerminating (node unreachable) | Normal | TaintManagerEviction | taint-eviction-controller | `Marking for deletion Pod default/web-x` |
/// | podEvicted | Warning | Evicted | kubelet | the kubelet's message |
///
/// The kubelet's messages are `kuberuntime_container.go`'s and `kuberuntime_manager.go`'s
/// (`doBackOff`; the pod as `format.Pod` writes it, `name_namespace(uid)`, with a UID Berth makes
/// from the pod's name: `kubectl_get::uid`); a probe's failure detail (`HTTP probe failed with
/// statuscode: 500`) is not in the log.
fn pod_events(cx: &Cx, p: &PodView, images: &[(String, String)], init_images: &[(String, String)]) -> Vec<KEvent> {
    let containers: Vec<&String> = images.iter().map(|(c, _)| c).collect();
    let me = |pod: &str, ns: &str| pod == p.name && ns == p.namespace;
    let key = format!("{}/{}", p.namespace, p.name);
    // When the kubelet stopped working on the pod (it went away, or its node stopped
    // reporting): a start planned after that never happened.
    let stops: Vec<Millis> = window(cx.events, p.created, cx.now)
        .iter()
        .filter(|x| match &x.kind {
            EventKind::PodTerminating { pod: q, namespace: n, .. } | EventKind::PodDeleted { pod: q, namespace: n, .. } | EventKind::PodEvicted { pod: q, namespace: n, .. } => me(q, n),
            EventKind::AzOutage { instances, .. } => p.node.as_ref().is_some_and(|node| instances.contains(node)),
            _ => false,
        })
        .map(|x| x.t)
        .collect();
    let interrupted = |from: Millis, until: Millis| stops.iter().any(|s| (from..=until).contains(s));
    let mut out = Vec::new();
    for e in window(cx.events, p.created, cx.now) {
        let t = e.t;
        match &e.kind {
            EventKind::PodScheduled { pod, namespace, node, .. } if me(pod, namespace) => {
                out.push(normal(t, "Scheduled", scheduler_for(cx.kv, node), format!("Successfully assigned {namespace}/{pod} to {node}")));
            }
            EventKind::PodFailedScheduling { pod, namespace, message } if me(pod, namespace) => {
                out.push(warning(t, "FailedScheduling", scheduler_for(cx.kv, ""), message.clone()));
            }
            EventKind::PodPreempted { pod, namespace, node, victims, .. } if victims.contains(&key) => {
                out.push(normal(t, "Preempted", scheduler_for(cx.kv, node), format!("Preempted by {namespace}/{pod} on node {node}")));
            }
            EventKind::PodWaiting { pod, namespace, reason, message } if me(pod, namespace) && reason == "ErrImagePull" => {
                let image = message.split('"').nth(1).unwrap_or_default();
                let failed = message.split(';').next().unwrap_or(message);
                out.push(normal(t.saturating_sub(SECOND), "Pulling", "kubelet", format!("Pulling image \"{image}\"")));
                out.push(warning(t, "Failed", "kubelet", failed.to_string()));
                out.push(warning(t, "Failed", "kubelet", "Error: ErrImagePull".into()));
                out.push(normal(t, "BackOff", "kubelet", format!("Back-off pulling image \"{image}\"")));
                out.push(warning(t, "Failed", "kubelet", "Error: ImagePullBackOff".into()));
            }
            EventKind::PodRunning { pod, namespace, .. } if me(pod, namespace) => {
                for c in &containers {
                    container_started(&mut out, t, c);
                }
            }
            EventKind::PodNotReady { pod, namespace, reason } if me(pod, namespace) && reason == "Readiness probe failed" => {
                out.push(warning(t, "Unhealthy", "kubelet", reason.clone()));
            }
            EventKind::ContainerRestarted { pod, namespace, container, reason, back_off_ms, .. } if me(pod, namespace) => {
                for (probe, word) in [("Liveness probe failed", "liveness"), ("Startup probe failed", "startup")] {
                    if reason == probe {
                        out.push(warning(t, "Unhealthy", "kubelet", probe.to_string()));
                        out.push(normal(t, "Killing", "kubelet", format!("Container {container} failed {word} probe, will be restarted")));
                    }
                }
                if *back_off_ms > 0 {
                    out.push(restart_back_off(t, container, pod, namespace));
                }
                // The kubelet starts the container again after the back-off (`pods.rs`: the
                // back-off plus the container's start), from the image already on the node,
                // unless the pod went away or its node stopped reporting first.
                let again = t + back_off_ms + CONTAINER_START_MS;
                if again <= cx.now && !interrupted(t + 1, again) {
                    if let Some((_, image)) = images.iter().find(|(c, _)| c == container) {
                        out.push(image_present(again, image));
                    }
                    container_started(&mut out, again, container);
                }
            }
            EventKind::InitContainerFailed { pod, namespace, container, back_off_ms, restart: true, .. } if me(pod, namespace) => {
                // The kubelet's next sync (1 s later, `pods.rs`) finds the init container in its
                // back-off (doBackOff); once it is over the container starts again.
                if *back_off_ms > 0 && t + SECOND <= cx.now && !interrupted(t + 1, t + SECOND) {
                    out.push(restart_back_off(t + SECOND, container, pod, namespace));
                }
                let again = t + back_off_ms + CONTAINER_START_MS;
                if again <= cx.now && !interrupted(t + 1, again) {
                    if let Some((_, image)) = init_images.iter().find(|(c, _)| c == container) {
                        out.push(image_present(again, image));
                    }
                    container_started(&mut out, again, container);
                }
            }
            EventKind::PodTerminating { pod, namespace, reason, .. } if me(pod, namespace) => {
                if reason.starts_with("TaintManagerEviction") {
                    out.push(normal(t, "TaintManagerEviction", "taint-eviction-controller", format!("Marking for deletion Pod {namespace}/{pod}")));
                } else {
                    for c in &containers {
                        out.push(normal(t, "Killing", "kubelet", format!("Stopping container {c}")));
                    }
                }
            }
            EventKind::PodEvicted { pod, namespace, reason, message, .. } if me(pod, namespace) => {
                out.push(warning(t, reason, "kubelet", message.clone()));
                for c in &containers {
                    out.push(normal(t, "Killing", "kubelet", format!("Stopping container {c}")));
                }
            }
            _ => {}
        }
    }
    // Each init container's first run, one after another from the bind (the snapshot carries
    // the times; a restart's events come from `initContainerFailed` above) — unless the kubelet
    // had stopped working on the pod.
    let happened = |t: Millis| t <= cx.now && !interrupted(p.created, t);
    for ((c, _), &t) in init_images.iter().zip(&p.init_started) {
        if happened(t) {
            container_started(&mut out, t, c);
        }
    }
    // Each container's image at its first start (kuberuntime_image.go EnsureImageExists):
    // pulled, or already on the node.
    for (image, start, end, size) in &p.pulls {
        if !happened(*start) {
            continue;
        }
        if end == start {
            out.push(image_present(*start, image));
            continue;
        }
        out.push(normal(*start, "Pulling", "kubelet", format!("Pulling image \"{image}\"")));
        if happened(*end) {
            let took = go_duration(end - start);
            out.push(normal(*end, "Pulled", "kubelet", format!("Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {size} bytes.")));
        }
    }
    out
}

/// A duration as Go's `time.Duration` prints it, to the millisecond: `3s`, `2.5s`, `1m4s`, `800ms`.
fn go_duration(ms: Millis) -> String {
    if ms < SECOND {
        return format!("{ms}ms");
    }
    let secs = |ms: Millis| {
        let text = format!("{}.{:03}", ms / 1000, ms % 1000);
        format!("{}s", text.trim_end_matches('0').trim_end_matches('.'))
    };
    if ms < 60 * SECOND {
        return secs(ms);
    }
    let (m, rest) = (ms / (60 * SECOND), ms % (60 * SECOND));
    if m < 60 {
        return format!("{m}m{}", secs(rest));
    }
    format!("{}h{}m{}", m / 60, m % 60, secs(rest))
}

/// A node's events since it joined: the kubelet's `Starting` and `NodeReady` and the node
/// controller's `RegisteredNode` when it joins; `NodeNotSchedulable` / `NodeSchedulable` on
/// cordon and uncordon (a drain cordons); `NodeHasInsufficientMemory` (with the eviction
/// manager's `EvictionThresholdMet`) and `NodeHasSufficientMemory` as MemoryPressure comes and
/// goes; the node controller's `NodeNotReady` when its zone goes down and the kubelet's
/// `NodeReady` when it is back. Messages as `nodeutil.RecordNodeStatusChange` words them
/// (`Node X status is now: NodeNotSchedulable`).
fn node_events(cx: &Cx, n: &NodeView) -> Vec<KEvent> {
    let name = n.name.as_str();
    let status = |what: &str| format!("Node {name} status is now: {what}");
    let mut out = Vec::new();
    for e in window(cx.events, n.created, cx.now) {
        let t = e.t;
        match &e.kind {
            EventKind::KubeNodeReady { node, .. } if node == name => {
                out.push(normal(t, "Starting", "kubelet", "Starting kubelet.".into()));
                out.push(normal(t, "RegisteredNode", "node-controller", format!("Node {name} event: Registered Node {name} in Controller")));
                out.push(normal(t, "NodeReady", "kubelet", status("NodeReady")));
            }
            EventKind::NodeCordoned { node, unschedulable } if node == name => {
                let what = if *unschedulable { "NodeNotSchedulable" } else { "NodeSchedulable" };
                out.push(normal(t, what, "kubelet", status(what)));
            }
            EventKind::NodeCondition { node, condition, status: on, .. } if node == name && condition == "MemoryPressure" => {
                if *on {
                    out.push(normal(t, "NodeHasInsufficientMemory", "kubelet", status("NodeHasInsufficientMemory")));
                    out.push(warning(t, "EvictionThresholdMet", "kubelet", "Attempting to reclaim memory".into()));
                } else {
                    out.push(normal(t, "NodeHasSufficientMemory", "kubelet", status("NodeHasSufficientMemory")));
                }
            }
            EventKind::AzOutage { az, instances } if *az == n.zone || instances.iter().any(|i| i == name) => {
                out.push(normal(t, "NodeNotReady", "node-controller", status("NodeNotReady")));
            }
            EventKind::AzRecovered { az } if *az == n.zone => {
                out.push(normal(t, "NodeReady", "kubelet", status("NodeReady")));
            }
            _ => {}
        }
    }
    out
}

/// A Deployment's events: the deployment controller's `ScalingReplicaSet` (`Scaled up replica
/// set web-x from 0 to 3`, deployment/sync.go `scaleReplicaSet`).
fn deployment_events(cx: &Cx, d: &DeploymentView) -> Vec<KEvent> {
    window(cx.events, d.created, cx.now)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ReplicaSetScaled { replica_set, namespace, deployment, from, to } if *namespace == d.namespace && *deployment == d.name => {
                Some(normal(e.t, "ScalingReplicaSet", "deployment-controller", format!("Scaled {} replica set {replica_set} from {from} to {to}", if to >= from { "up" } else { "down" })))
            }
            _ => None,
        })
        .collect()
}

/// A ReplicaSet's events: the ReplicaSet controller's `SuccessfulCreate` (`Created pod: x`),
/// `FailedCreate` (`Error creating: ...`, a quota or limit refused) and `SuccessfulDelete`
/// (`Deleted pod: x`) when it scales down.
fn replica_set_events(cx: &Cx, r: &ReplicaSetView) -> Vec<KEvent> {
    let owner = format!("ReplicaSet/{}", r.name);
    let mine = |pod: &str| pod.strip_prefix(r.name.as_str()).is_some_and(|rest| rest.starts_with('-'));
    window(cx.events, r.created, cx.now)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::PodCreated { pod, namespace, owner: o } if *namespace == r.namespace && *o == owner => Some(normal(e.t, "SuccessfulCreate", "replicaset-controller", format!("Created pod: {pod}"))),
            EventKind::PodCreateFailed { owner: o, namespace, message } if *namespace == r.namespace && *o == owner => {
                Some(warning(e.t, "FailedCreate", "replicaset-controller", format!("Error creating: {message}")))
            }
            EventKind::PodTerminating { pod, namespace, reason, .. } if *namespace == r.namespace && reason == "ReplicaSet scaled down" && mine(pod) => {
                Some(normal(e.t, "SuccessfulDelete", "replicaset-controller", format!("Deleted pod: {pod}")))
            }
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------------------------

/// The pod's ReplicaSet, whose template it was made from.
fn owner_rs<'a>(kv: &'a KubeView, p: &PodView) -> Option<&'a ReplicaSetView> {
    let rs = p.owner.as_deref()?.strip_prefix("ReplicaSet/")?;
    kv.replica_sets.iter().find(|r| r.namespace == p.namespace && r.name == rs)
}

/// The spec a pod was made from: its ReplicaSet's, DaemonSet's or Job's template, or, for a pod
/// no controller owns, its own.
fn template_of<'a>(kv: &'a KubeView, p: &'a PodView) -> Option<&'a PodTemplateView> {
    let Some(owner) = p.owner.as_deref() else { return p.template.as_ref() };
    let (kind, name) = owner.split_once('/')?;
    match kind {
        "ReplicaSet" => owner_rs(kv, p).map(|r| &r.template),
        "DaemonSet" => kv.daemon_sets.iter().find(|d| d.namespace == p.namespace && d.name == name).map(|d| &d.template),
        "Job" => kv.jobs.iter().find(|j| j.namespace == p.namespace && j.name == name).map(|j| &j.template),
        _ => None,
    }
}

fn phase_text(p: PodPhase) -> &'static str {
    match p {
        PodPhase::Pending => "Pending",
        PodPhase::Running => "Running",
        PodPhase::Succeeded => "Succeeded",
        PodPhase::Failed => "Failed",
    }
}

/// `duration.HumanDuration` of `to - from`, which may be negative: within 2 s it is `0s`,
/// further in the future `<invalid>`.
fn since(from: Millis, to: Millis) -> String {
    if to >= from {
        age(to - from)
    } else if from - to >= 2 * SECOND {
        "<invalid>".into()
    } else {
        "0s".into()
    }
}

fn describe_pod(cx: &Cx, p: &PodView) -> String {
    let mut w = W::default();
    let template = template_of(cx.kv, p);
    let mine = |pod: &str, ns: &str| pod == p.name && ns == p.namespace;
    let log = || window(cx.events, p.created, cx.now).iter();
    w.line(0, &format!("Name:\t{}", p.name));
    w.line(0, &format!("Namespace:\t{}", p.namespace));
    // The Priority admission plugin sets every pod's priority (0 without a PriorityClass).
    w.line(0, &format!("Priority:\t{}", p.priority.unwrap_or(0)));
    if let Some(pc) = template.and_then(|t| t.priority_class_name.as_ref()) {
        w.line(0, &format!("Priority Class Name:\t{pc}"));
    }
    match &p.node {
        None => w.line(0, "Node:\t<none>"),
        Some(n) => {
            let ip = kubectl_get::node_ip(n).map(|ip| format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])).unwrap_or_default();
            w.line(0, &format!("Node:\t{n}/{ip}"));
        }
    }
    w.multiline("Labels", &label_entries(&p.labels));
    // A deleted pod: `deletionTimestamp` is the deletion plus the grace period, so `lasts` reads
    // `<invalid>` until the grace period is over.
    let mut deleted = log().filter_map(|e| match &e.kind {
        EventKind::PodTerminating { pod, namespace, grace_ms, .. } if mine(pod, namespace) => Some((e.t, *grace_ms)),
        _ => None,
    });
    match deleted.next_back().filter(|_| p.status == "Terminating" && matches!(p.phase, PodPhase::Pending | PodPhase::Running)) {
        Some((t, grace)) => {
            w.line(0, &format!("Status:\tTerminating (lasts {})", since(t + grace, cx.now)));
            w.line(0, &format!("Termination Grace Period:\t{}s", grace / SECOND));
        }
        None => w.line(0, &format!("Status:\t{}", phase_text(p.phase))),
    }
    if p.status == "Evicted" {
        let mut message = log().filter_map(|e| match &e.kind {
            EventKind::PodEvicted { pod, namespace, message, .. } if mine(pod, namespace) => Some(message.clone()),
            _ => None,
        });
        w.line(0, "Reason:\tEvicted");
        if let Some(m) = message.next_back() {
            w.line(0, &format!("Message:\t{m}"));
        }
    }
    let ip = if kubectl_get::has_ip(p) { cx.ips.get(&format!("{}/{}", p.namespace, p.name)) } else { None };
    w.line(0, &format!("IP:\t{}", ip.map_or("", String::as_str)));
    match ip {
        None => w.line(0, "IPs:\t<none>"),
        Some(ip) => {
            w.line(0, "IPs:");
            w.line(1, &format!("IP:\t{ip}"));
        }
    }
    if let Some(o) = &p.owner {
        w.line(0, &format!("Controlled By:\t{o}"));
    }
    if let Some(n) = &p.nominated_node {
        w.line(0, &format!("NominatedNodeName:\t{n}"));
    }
    let scheduled = p.node.is_some();
    // `Init:1/2`, `Init:Error`, `Init:CrashLoopBackOff`: the pod is initializing.
    let initializing = p.status.starts_with("Init:");
    if let Some(t) = template {
        if !t.init_containers.is_empty() {
            w.line(0, "Init Containers:");
            for (i, c) in t.init_containers.iter().enumerate() {
                container_spec(&mut w, c, "");
                // describeContainerState: State, Last State, Ready, Restart Count.
                if let Some(v) = p.init_containers.get(i).filter(|_| scheduled) {
                    let mut details: Vec<(&str, String)> = Vec::new();
                    if let Some(r) = &v.reason {
                        details.push(("Reason", r.clone()));
                    }
                    if let Some(code) = v.exit_code {
                        details.push(("Exit Code", code.to_string()));
                    }
                    state(&mut w, "State", &v.state, &details);
                    if let Some(code) = v.last_exit_code {
                        state(&mut w, "Last State", "Terminated", &[("Reason", "Error".into()), ("Exit Code", code.to_string())]);
                    }
                    w.line(2, &format!("Ready:\t{}", if v.ready { "True" } else { "False" }));
                    w.line(2, &format!("Restart Count:\t{}", v.restart_count));
                }
                container_resources(&mut w, c);
            }
        }
        w.line(0, &format!("Containers:{}", if t.containers.is_empty() { " <none>" } else { "" }));
        // The last container death, for `Last State`.
        let app = t.containers.first().map(|c| c.name.as_str()).unwrap_or_default();
        let mut last = log().filter_map(|e| match &e.kind {
            EventKind::ContainerRestarted { pod, namespace, container, reason, exit_code, .. } if mine(pod, namespace) && container == app => Some((reason.clone(), *exit_code)),
            _ => None,
        });
        let last = last.next_back();
        for (i, c) in t.containers.iter().enumerate() {
            container_spec(&mut w, c, "");
            if scheduled {
                // The engine runs the first container's app (its behaviour, probes and
                // restarts); the others run whenever the pod runs.
                let first = i == 0;
                let ready = p.ready || (!first && p.phase == PodPhase::Running && p.status != "Terminating" && c.readiness.is_none() && c.startup.is_none() && p.ready_containers > 0);
                container_state(&mut w, p, first, initializing);
                if first && p.restarts > 0 && !initializing {
                    if let Some((reason, code)) = &last {
                        let reason = if reason == "OOMKilled" { "OOMKilled" } else if *code == 0 { "Completed" } else { "Error" };
                        state(&mut w, "Last State", "Terminated", &[("Reason", reason.into()), ("Exit Code", code.to_string())]);
                    }
                }
                w.line(2, &format!("Ready:\t{}", if ready { "True" } else { "False" }));
                // While the pod initializes, RESTARTS counts the init containers' restarts.
                w.line(2, &format!("Restart Count:\t{}", if first && !initializing { p.restarts } else { 0 }));
            }
            container_resources(&mut w, c);
        }
    }
    // Conditions, in the order the kubelet keeps them.
    let terminal = matches!(p.phase, PodPhase::Succeeded | PodPhase::Failed);
    let b = |v: bool| if v { "True" } else { "False" };
    let mut conditions: Vec<(&str, &str)> = Vec::new();
    if scheduled {
        conditions.push(("PodReadyToStartContainers", b(!terminal)));
        conditions.push(("Initialized", b(!initializing)));
        conditions.push(("Ready", b(p.ready)));
        conditions.push(("ContainersReady", b(p.ready)));
    }
    conditions.push(("PodScheduled", b(scheduled)));
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus");
    for (kind, status) in conditions {
        w.line(1, &format!("{kind} \t{status} "));
    }
    w.line(0, &format!("QoS Class:\t{}", p.qos));
    if let Some(t) = template {
        w.multiline("Node-Selectors", &label_entries(&t.node_selector));
        w.multiline("Tolerations", &pod_tolerations(t));
        for (i, c) in t.topology_spread_constraints.iter().enumerate() {
            w.line(0, &if i == 0 { format!("Topology Spread Constraints:\t{c}") } else { format!("\t{c}") });
        }
    }
    let images: Vec<(String, String)> = template.map(|t| t.containers.iter().map(|c| (c.name.clone(), c.image.clone())).collect()).unwrap_or_default();
    let init_images: Vec<(String, String)> = template.map(|t| t.init_containers.iter().map(|c| (c.name.clone(), c.image.clone())).collect()).unwrap_or_default();
    write_events(&mut w, cx, pod_events(cx, p, &images, &init_images));
    w.0
}

/// The template's tolerations plus the two the DefaultTolerationSeconds admission plugin adds to
/// every pod that has none for these taints (`node.kubernetes.io/not-ready` and `unreachable`,
/// NoExecute, 300 s: what the engine waits before evicting from an unreachable node), by key.
fn pod_tolerations(t: &PodTemplateView) -> Vec<String> {
    let mut all = t.tolerations.clone();
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        // A toleration of the key for NoExecute (or every effect), or of every taint, is enough.
        let tolerated = |x: &String| (x.starts_with(key) && (x.contains(":NoExecute") || !x.contains(':'))) || x.starts_with("op=Exists") || x.starts_with(":NoExecute");
        if !all.iter().any(tolerated) {
            all.push(format!("{key}:NoExecute op=Exists for 300s"));
        }
    }
    crate::engine::sort::sort_by(&mut all, |a, b| a.split([':', '=', ' ']).next().cmp(&b.split([':', '=', ' ']).next()));
    all
}

/// `describeStatus`: `State:\tWaiting` and its details one level in.
fn state(w: &mut W, title: &str, what: &str, details: &[(&str, String)]) {
    w.line(2, &format!("{title}:\t{what}"));
    for (k, v) in details {
        w.line(3, &format!("{k}:\t{v}"));
    }
}

/// A container's `State` from the pod's status (kubectl's STATUS column, which is the waiting
/// or terminated reason of the first container that has one).
fn container_state(w: &mut W, p: &PodView, first: bool, initializing: bool) {
    let status = p.status.as_str();
    if initializing || status == "PodInitializing" {
        return state(w, "State", "Waiting", &[("Reason", "PodInitializing".into())]);
    }
    match status {
        "ContainerCreating" => state(w, "State", "Waiting", &[("Reason", "ContainerCreating".into())]),
        "ImagePullBackOff" | "ErrImagePull" => state(w, "State", "Waiting", &[("Reason", status.into())]),
        "CrashLoopBackOff" if first => state(w, "State", "Waiting", &[("Reason", "CrashLoopBackOff".into())]),
        "Completed" => state(w, "State", "Terminated", &[("Reason", "Completed".into()), ("Exit Code", "0".into())]),
        "OOMKilled" if first => state(w, "State", "Terminated", &[("Reason", "OOMKilled".into()), ("Exit Code", "137".into())]),
        // The kubelet killed the containers; what it reported is not in the snapshot.
        "Evicted" => {}
        // describeStatus: `Terminated` always shows the exit code.
        _ if p.phase == PodPhase::Failed && first => {
            let mut details = vec![("Reason", status.to_string())];
            if let Some(code) = p.exit_code {
                details.push(("Exit Code", code.to_string()));
            }
            state(w, "State", "Terminated", &details)
        }
        _ => w.line(2, "State:\tRunning"),
    }
}

/// `describeContainerBasicInfo` without what the snapshot lacks (container and image IDs): the
/// name one level in (`space` adds one more blank, as a pod template's do), image, ports.
fn container_spec(w: &mut W, c: &ContainerSpecView, space: &str) {
    w.line(1, &format!("{space}{}:", c.name));
    w.line(2, &format!("Image:\t{}", c.image));
    for (one, many, list) in [("Port", "Ports", &c.ports), ("Host Port", "Host Ports", &c.host_ports)] {
        let text = list.join(", ");
        if list.len() > 1 {
            w.line(2, &format!("{many}:\t{text}"));
        } else {
            w.line(2, &format!("{one}:\t{}", if text.is_empty() { "<none>" } else { &text }));
        }
    }
    // describeContainerCommand: each word on its own line, a word's own lines split.
    for (title, words) in [("Command", &c.command), ("Args", &c.args)] {
        if !words.is_empty() {
            w.line(2, &format!("{title}:"));
            for line in words.iter().flat_map(|x| x.split('\n')) {
                w.line(3, line);
            }
        }
    }
}

/// `describeResources` (limits, then requests, by resource name) and `describeContainerProbe`.
fn container_resources(w: &mut W, c: &ContainerSpecView) {
    for (title, list) in [("Limits", &c.limits), ("Requests", &c.requests)] {
        if !list.is_empty() {
            w.line(2, &format!("{title}:"));
        }
        for (k, v) in list {
            w.line(3, &format!("{k}:\t{v}"));
        }
    }
    for (title, probe) in [("Liveness", &c.liveness), ("Readiness", &c.readiness), ("Startup", &c.startup)] {
        if let Some(p) = probe {
            w.line(2, &format!("{title}:\t{p}"));
        }
    }
}

/// `DescribePodTemplate`: labels, annotations, containers (one blank further in), priority
/// class, node selectors, tolerations.
fn pod_template(w: &mut W, t: &PodTemplateView) {
    w.line(0, "Pod Template:");
    w.multiline("  Labels", &label_entries(&t.labels));
    if !t.annotations.is_empty() {
        let entries: Vec<String> = t.annotations.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        w.multiline("  Annotations", &entries);
    }
    for (label, list) in [("Init Containers", &t.init_containers), ("Containers", &t.containers)] {
        if label == "Init Containers" && list.is_empty() {
            continue;
        }
        w.line(0, &format!("  {label}:{}", if list.is_empty() { " <none>" } else { "" }));
        for c in list.iter() {
            container_spec(w, c, " ");
            container_resources(w, c);
        }
    }
    for (i, c) in t.topology_spread_constraints.iter().enumerate() {
        w.line(0, &if i == 0 { format!("  Topology Spread Constraints:\t{c}") } else { format!("  \t{c}") });
    }
    if let Some(pc) = &t.priority_class_name {
        w.line(1, &format!("Priority Class Name:\t{pc}"));
    }
    w.multiline("  Node-Selectors", &label_entries(&t.node_selector));
    w.multiline("  Tolerations", &t.tolerations);
}

// ---------------------------------------------------------------------------------------------
// Nodes
// ---------------------------------------------------------------------------------------------

/// `int64(float64(part) / float64(whole) * 100)`, as describe computes its percentages.
fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        (part as f64 / whole as f64 * 100.0) as i64
    }
}

fn describe_node(cx: &Cx, n: &NodeView) -> String {
    let mut w = W::default();
    let name = n.name.as_str();
    w.line(0, &format!("Name:\t{name}"));
    // printers.go / describe.go `findNodeRoles`.
    let mut roles: BTreeSet<String> = BTreeSet::new();
    for (k, v) in &n.labels {
        if let Some(r) = k.strip_prefix("node-role.kubernetes.io/").filter(|r| !r.is_empty()) {
            roles.insert(r.to_string());
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v.clone());
        }
    }
    w.line(0, &format!("Roles:\t{}", if roles.is_empty() { "<none>".to_string() } else { roles.into_iter().collect::<Vec<_>>().join(",") }));
    w.multiline("Labels", &label_entries(&n.labels));
    // The node lifecycle controller taints a cordoned node (TaintNodesByCondition); taints by
    // effect, then key (`printTaintsMultilineWithIndent`).
    let mut taints = n.taints.clone();
    if n.unschedulable && !taints.iter().any(|t| t.starts_with("node.kubernetes.io/unschedulable")) {
        taints.push("node.kubernetes.io/unschedulable:NoSchedule".into());
    }
    let sort_key = |t: &String| {
        let (kv, effect) = t.rsplit_once(':').unwrap_or((t.as_str(), ""));
        format!("{effect},{}", kv.split('=').next().unwrap_or(kv))
    };
    crate::engine::sort::sort_by(&mut taints, |a, b| sort_key(a).cmp(&sort_key(b)));
    w.multiline("Taints", &taints);
    w.line(0, &format!("Unschedulable:\t{}", n.unschedulable));
    // A node in a zone that is down stops posting status: the node controller marks its
    // conditions Unknown and taints it `node.kubernetes.io/unreachable`.
    let reporting = !n.taints.iter().any(|t| t.starts_with("node.kubernetes.io/unreachable")) && !cx.s.instances.iter().any(|i| i.id == n.name && !i.agent_connected);
    let pressure = n.conditions.iter().any(|c| c == "MemoryPressure");
    let rows: [(&str, bool, &str, &str); 4] = [
        ("MemoryPressure", pressure, if pressure { "KubeletHasInsufficientMemory" } else { "KubeletHasSufficientMemory" }, if pressure { "kubelet has insufficient memory available" } else { "kubelet has sufficient memory available" }),
        ("DiskPressure", false, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", false, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", true, "KubeletReady", "kubelet is posting ready status"),
    ];
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason\tMessage");
    w.line(1, "----\t------\t------\t-------");
    for (kind, on, reason, message) in rows {
        if reporting {
            w.line(1, &format!("{kind} \t{} \t{reason} \t{message}", if on { "True" } else { "False" }));
        } else {
            w.line(1, &format!("{kind} \tUnknown \tNodeStatusUnknown \tKubelet stopped posting node status."));
        }
    }
    w.line(0, "Addresses:");
    if let Some(ip) = kubectl_get::node_ip(name) {
        w.line(1, &format!("InternalIP:\t{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]));
    }
    w.line(1, &format!("InternalDNS:\t{name}"));
    w.line(1, &format!("Hostname:\t{name}"));
    // Capacity: the instance type's (a Fargate node is exactly its pod's size).
    let capacity = if n.fargate {
        Some((n.allocatable_cpu_milli, n.allocatable_memory))
    } else {
        crate::engine::catalog::lookup(&n.instance_type).map(|it| (it.vcpu as i64 * 1000, it.memory_mib as i64 * (1 << 20)))
    };
    if let Some((cpu, memory)) = capacity {
        w.line(0, "Capacity:");
        w.line(1, &format!("cpu:\t{}", fmt_milli(cpu)));
        w.line(1, &format!("memory:\t{}", fmt_bytes(memory)));
        w.line(1, &format!("pods:\t{}", n.max_pods));
    }
    w.line(0, "Allocatable:");
    w.line(1, &format!("cpu:\t{}", fmt_milli(n.allocatable_cpu_milli)));
    w.line(1, &format!("memory:\t{}", fmt_bytes(n.allocatable_memory)));
    w.line(1, &format!("pods:\t{}", n.max_pods));
    let arm = n.labels.get("kubernetes.io/arch").map(String::as_str) == Some("arm64");
    w.line(0, "System Info:");
    w.line(1, &format!("Kernel Version:\t{}.{}", kubectl_get::KERNEL, if arm { "aarch64" } else { "x86_64" }));
    w.line(1, &format!("OS Image:\t{}", kubectl_get::OS_IMAGE));
    w.line(1, &format!("Operating System:\t{}", n.labels.get("kubernetes.io/os").map_or("linux", String::as_str)));
    w.line(1, &format!("Architecture:\t{}", if arm { "arm64" } else { "amd64" }));
    w.line(1, &format!("Container Runtime Version:\t{}", kubectl_get::CONTAINER_RUNTIME));
    w.line(1, &format!("Kubelet Version:\t{}", kubectl_get::NODE_VERSION));
    // describeNodeResource: the node's pods that have not finished, by namespace and name.
    let mut pods: Vec<&PodView> = cx.kv.pods.iter().filter(|p| p.node.as_deref() == Some(name) && !matches!(p.phase, PodPhase::Succeeded | PodPhase::Failed)).collect();
    crate::engine::sort::sort_by(&mut pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let (cpu_all, mem_all) = (n.allocatable_cpu_milli, n.allocatable_memory);
    w.line(0, &format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line(1, "Namespace\tName\t\tCPU Requests\tMemory Requests\tAge");
    w.line(1, "---------\t----\t\t------------\t---------------\t---");
    for p in &pods {
        w.line(
            1,
            &format!(
                "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{}",
                p.namespace,
                p.name,
                fmt_milli(p.requests_cpu_milli),
                percent(p.requests_cpu_milli, cpu_all),
                fmt_bytes(p.requests_memory),
                percent(p.requests_memory, mem_all),
                age(cx.now.saturating_sub(p.created))
            ),
        );
    }
    let cpu: i64 = pods.iter().map(|p| p.requests_cpu_milli).sum();
    let mem: i64 = pods.iter().map(|p| p.requests_memory).sum();
    w.line(0, "Allocated resources:");
    w.line(1, "Resource\tRequests");
    w.line(1, "--------\t--------");
    w.line(1, &format!("cpu\t{} ({}%)", fmt_milli(cpu), percent(cpu, cpu_all)));
    w.line(1, &format!("memory\t{} ({}%)", fmt_bytes(mem), percent(mem, mem_all)));
    write_events(&mut w, cx, node_events(cx, n));
    w.0
}

// ---------------------------------------------------------------------------------------------
// Deployments and ReplicaSets
// ---------------------------------------------------------------------------------------------

fn describe_deployment(cx: &Cx, d: &DeploymentView) -> String {
    let mut w = W::default();
    let mut sets: Vec<&ReplicaSetView> = cx.kv.replica_sets.iter().filter(|r| r.namespace == d.namespace && r.deployment.as_deref() == Some(d.name.as_str())).collect();
    crate::engine::sort::sort_by(&mut sets, |a, b| a.name.cmp(&b.name));
    let new_rs = sets.iter().find(|r| r.revision == d.revision && d.revision > 0).copied();
    w.line(0, &format!("Name:\t{}", d.name));
    w.line(0, &format!("Namespace:\t{}", d.namespace));
    if d.revision > 0 {
        w.line(0, &format!("Annotations:\tdeployment.kubernetes.io/revision: {}", d.revision));
    }
    w.line(0, &format!("Selector:\t{}", d.selector));
    // status.unavailableReplicas: the ReplicaSets' desired replicas less the available pods.
    let total_desired: i64 = sets.iter().map(|r| r.desired).sum();
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.desired,
            d.updated,
            d.replicas,
            d.available,
            (total_desired - d.available).max(0)
        ),
    );
    match d.strategy.strip_prefix("RollingUpdate maxSurge ").and_then(|r| r.split_once(", maxUnavailable ")) {
        Some((surge, unavailable)) => {
            w.line(0, "StrategyType:\tRollingUpdate");
            w.line(0, &format!("RollingUpdateStrategy:\t{unavailable} max unavailable, {surge} max surge"));
        }
        None => w.line(0, &format!("StrategyType:\t{}", d.strategy)),
    }
    if let Some(r) = new_rs.or_else(|| sets.iter().max_by_key(|r| r.revision).copied()) {
        let mut t = r.template.clone();
        t.labels.remove("pod-template-hash");
        pod_template(&mut w, &t);
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason");
    w.line(1, "----\t------\t------");
    for c in &d.conditions {
        w.line(1, &format!("{} \t{}\t{}", c.kind, if c.status { "True" } else { "False" }, c.reason));
    }
    let created = |r: &ReplicaSetView| format!("{} ({}/{} replicas created)", r.name, r.current, r.desired);
    let old: Vec<String> = sets.iter().filter(|r| new_rs.is_none_or(|n| n.name != r.name)).map(|r| created(r)).collect();
    if !sets.is_empty() {
        w.line(0, &format!("OldReplicaSets:\t{}", if old.is_empty() { "<none>".to_string() } else { old.join(", ") }));
        w.line(0, &format!("NewReplicaSet:\t{}", new_rs.map_or("<none>".to_string(), created)));
    }
    write_events(&mut w, cx, deployment_events(cx, d));
    w.0
}

fn describe_replica_set(cx: &Cx, r: &ReplicaSetView) -> String {
    let mut w = W::default();
    w.line(0, &format!("Name:\t{}", r.name));
    w.line(0, &format!("Namespace:\t{}", r.namespace));
    w.line(0, &format!("Selector:\t{}", r.selector));
    // The ReplicaSet's own labels are its template's (the Deployment copies them, with the hash).
    w.multiline("Labels", &label_entries(&r.template.labels));
    if let Some(d) = &r.deployment {
        w.line(0, &format!("Controlled By:\tDeployment/{d}"));
    }
    w.line(0, &format!("Replicas:\t{} current / {} desired", r.current, r.desired));
    let owner = format!("ReplicaSet/{}", r.name);
    let mine: Vec<&PodView> = cx.kv.pods.iter().filter(|p| p.namespace == r.namespace && p.owner.as_deref() == Some(owner.as_str())).collect();
    let count = |phase: PodPhase| mine.iter().filter(|p| p.phase == phase).count();
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count(PodPhase::Running),
            count(PodPhase::Pending),
            count(PodPhase::Succeeded),
            count(PodPhase::Failed)
        ),
    );
    pod_template(&mut w, &r.template);
    write_events(&mut w, cx, replica_set_events(cx, r));
    w.0
}

// ---------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------

/// `describeService`. The API server's defaults for a Service Berth does not model otherwise:
/// `SingleStack`, `IPv4`, session affinity `None`, traffic policies `Cluster`.
fn describe_service(cx: &Cx, v: &ServiceView) -> String {
    let mut w = W::default();
    let external_name = v.service_type == "ExternalName";
    w.line(0, &format!("Name:\t{}", v.name));
    w.line(0, &format!("Namespace:\t{}", v.namespace));
    w.line(0, &format!("Selector:\t{}", if v.selector.is_empty() { "<none>".to_string() } else { label_entries(&v.selector).join(",") }));
    w.line(0, &format!("Type:\t{}", v.service_type));
    if !external_name {
        w.line(0, "IP Family Policy:\tSingleStack");
        w.line(0, "IP Families:\tIPv4");
    } else {
        w.line(0, "IP Families:\t<none>");
    }
    let ip = v.cluster_ip.clone().unwrap_or_default();
    w.line(0, &format!("IP:\t{ip}"));
    w.line(0, &format!("IPs:\t{}", if ip.is_empty() { "<none>" } else { ip.as_str() }));
    if external_name {
        if let Some(e) = &v.external {
            w.line(0, &format!("External Name:\t{e}"));
        }
    } else if let Some(e) = v.external.as_ref().filter(|_| v.service_type == "LoadBalancer") {
        w.line(0, &format!("LoadBalancer Ingress:\t{e}"));
    }
    // formatEndpointSlices: the ready endpoints' `ip:port`, three at most then `+ N more...`;
    // a Service with a selector has a slice (empty when nothing matches), one without has none.
    let ready: Vec<&String> = v.endpoints.iter().filter(|e| e.ready).filter_map(|e| cx.ips.get(&format!("{}/{}", v.namespace, e.pod))).collect();
    for p in &v.ports {
        let name = p.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| "<unset>".into());
        w.line(0, &format!("Port:\t{name}\t{}/{}", p.port, p.protocol));
        w.line(0, &format!("TargetPort:\t{}/{}", p.target_port, p.protocol));
        if let Some(np) = p.node_port {
            w.line(0, &format!("NodePort:\t{name}\t{np}/{}", p.protocol));
        }
        let endpoints = if v.selector.is_empty() {
            "<none>".to_string()
        } else {
            let pairs: Vec<String> = ready.iter().map(|ip| format!("{ip}:{}", p.target_port)).collect();
            if pairs.len() > 3 {
                format!("{} + {} more...", pairs[..3].join(","), pairs.len() - 3)
            } else {
                pairs.join(",")
            }
        };
        w.line(0, &format!("Endpoints:\t{endpoints}"));
    }
    w.line(0, "Session Affinity:\tNone");
    if matches!(v.service_type.as_str(), "NodePort" | "LoadBalancer") {
        w.line(0, "External Traffic Policy:\tCluster");
    }
    if !external_name {
        w.line(0, "Internal Traffic Policy:\tCluster");
    }
    write_events(&mut w, cx, Vec::new());
    w.0
}

// ---------------------------------------------------------------------------------------------
// HorizontalPodAutoscalers and PodDisruptionBudgets
// ---------------------------------------------------------------------------------------------

/// `describeHorizontalPodAutoscalerV2` (kubectl pkg/describe/describe.go): name, namespace,
/// reference, the metrics as `( current / target )`, min and max replicas, the target's pods
/// (`Deployment pods:  3 current / 3 desired`), events. Each metric reads from the last sync's
/// TARGETS entry (`cpu: 56%/60%`): a Resource Utilization metric as `resource cpu on pods  (as a
/// percentage of request):  56% / 60%`, a Resource AverageValue one as `resource cpu on pods:
/// 200m / 500m`, a Pods metric as `"requests_per_second" on pods:  16 / 10`, an Object metric
/// as `"requests_per_second" on Service/web:  40 / 100`, an External one as `"NAME":  c / t`.
/// Left out as not in the snapshot: labels, annotations and `CreationTimestamp`; the average
/// value kubectl shows after a utilization (`56% (140m)`); whether an Object or External target
/// is a value or an average value (kubectl's `(target value)` / `(target average value)`); the
/// `Behavior` section. `Conditions` (AbleToScale, ScalingActive, ScalingLimited) come from the
/// engine's HPA controller (`k8s/horizontal.rs`), with upstream's reasons and messages.
fn describe_hpa(cx: &Cx, h: &HpaView) -> String {
    let mut w = W::default();
    w.line(0, &format!("Name:\t{}", h.name));
    w.line(0, &format!("Namespace:\t{}", h.namespace));
    w.line(0, &format!("Reference:\t{}", h.reference));
    w.line(0, "Metrics:\t( current / target )");
    if h.targets.is_empty() {
        // Before the first sync: the spec's CPU target, nothing measured yet.
        if let Some(t) = h.target_utilization {
            w.line(1, &format!("resource cpu on pods  (as a percentage of request):\t{} / {t}%", h.current_utilization.map_or("<unknown>".to_string(), |c| format!("{c}%"))));
        }
    }
    for entry in &h.targets {
        let Some((metric, values)) = entry.split_once(": ") else { continue };
        let (current, target) = values.rsplit_once('/').unwrap_or((values, ""));
        let parts: Vec<&str> = metric.split('/').collect();
        match parts.as_slice() {
            [resource] if target.ends_with('%') => w.line(1, &format!("resource {resource} on pods  (as a percentage of request):\t{current} / {target}")),
            [resource] => {
                // Berth's AverageValue numbers: millicores for cpu, MiB for memory.
                let unit = if *resource == "cpu" { "m" } else { "Mi" };
                let q = |v: &str| if v == "<unknown>" { v.to_string() } else { format!("{v}{unit}") };
                w.line(1, &format!("resource {resource} on pods:\t{} / {}", q(current), q(target)));
            }
            ["pods", name] => w.line(1, &format!("\"{name}\" on pods:\t{current} / {target}")),
            ["object", kind, object, name] => w.line(1, &format!("\"{name}\" on {kind}/{object}:\t{current} / {target}")),
            ["external", name] => w.line(1, &format!("\"{name}\":\t{current} / {target}")),
            _ => w.line(1, &format!("{metric}:\t{current} / {target}")),
        }
    }
    w.line(0, &format!("Min replicas:\t{}", h.min_replicas));
    w.line(0, &format!("Max replicas:\t{}", h.max_replicas));
    // status.currentReplicas is the target's scale status (the Deployment's pods), desired its
    // spec.replicas, which the HPA set at its last rescale.
    let (kind, target) = h.reference.split_once('/').unwrap_or(("Deployment", h.reference.as_str()));
    let current = cx.kv.deployments.iter().find(|d| d.namespace == h.namespace && d.name == target).map_or(0, |d| d.replicas);
    w.line(0, &format!("{kind} pods:\t{current} current / {} desired", h.replicas));
    if !h.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason\tMessage");
        w.line(1, "----\t------\t------\t-------");
        for c in &h.conditions {
            w.line(1, &format!("{}\t{}\t{}\t{}", c.kind, if c.status { "True" } else { "False" }, c.reason, c.message));
        }
    }
    write_events(&mut w, cx, hpa_events(cx, h));
    w.0
}

/// An HPA's events: the HPA controller's `SuccessfulRescale` (`New size: 7; reason: cpu resource
/// utilization (percentage of request) above target`, pkg/controller/podautoscaler
/// horizontal.go `reconcileAutoscaler`), from the log's `hpaScaled`.
fn hpa_events(cx: &Cx, h: &HpaView) -> Vec<KEvent> {
    window(cx.events, h.created, cx.now)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HpaScaled { hpa, namespace, to, reason, .. } if *hpa == h.name && *namespace == h.namespace => {
                Some(normal(e.t, "SuccessfulRescale", "horizontal-pod-autoscaler", format!("New size: {to}; reason: {reason}")))
            }
            _ => None,
        })
        .collect()
}

/// `describePodDisruptionBudgetV1` (kubectl pkg/describe/describe.go): name, namespace, the
/// budget it gives (`Min available` or `Max unavailable`), selector, `Status:` with `Allowed
/// disruptions`, `Current` (healthy pods), `Desired` (desired healthy) and `Total` (expected
/// pods) two levels in. Events: the disruption
/// controller's own (`NoPods`, `UnmanagedPods`) are not modelled, and a refused eviction is the
/// Eviction API's 429 answer to the caller (`kubectl drain` prints it), not an event on the
/// budget: `Events: <none>`.
fn describe_pdb(cx: &Cx, b: &PdbView) -> String {
    let mut w = W::default();
    w.line(0, &format!("Name:\t{}", b.name));
    w.line(0, &format!("Namespace:\t{}", b.namespace));
    if let Some(m) = &b.min_available {
        w.line(0, &format!("Min available:\t{m}"));
    } else if let Some(m) = &b.max_unavailable {
        w.line(0, &format!("Max unavailable:\t{m}"));
    }
    w.line(0, &format!("Selector:\t{}", if b.selector.is_empty() { "<unset>" } else { b.selector.as_str() }));
    w.line(0, "Status:");
    w.line(2, &format!("Allowed disruptions:\t{}", b.disruptions_allowed));
    w.line(2, &format!("Current:\t{}", b.current_healthy));
    w.line(2, &format!("Desired:\t{}", b.desired_healthy));
    w.line(2, &format!("Total:\t{}", b.expected_pods));
    write_events(&mut w, cx, Vec::new());
    w.0
}
