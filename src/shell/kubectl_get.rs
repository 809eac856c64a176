//! The kubectl console's read-only commands: `get` (pods, deployments, replicasets, daemonsets,
//! jobs, nodes, services, endpointslices, endpoints, hpa, namespaces, `all`, comma lists such as
//! `svc,ep`) and `rollout status` / `rollout history` (`--revision=N`: the revision's pod
//! template, as `DescribePodTemplate` prints it), answered from the snapshot in kubectl's own layout. They
//! change nothing, so they never reach the engine: no journal entry, no timeline mark, and an
//! exercise's `limits.kubectl` does not restrict them.
//!
//! Formats follow kubectl against an EKS 1.33 cluster. `get` prints the API server's tables
//! (kubernetes `pkg/printers/internalversion/printers.go`: the column lists of `AddHandlers`,
//! `printPod`, `printDeployment`, `printDaemonSet`, `printJob`, `printNode`, `printService`, `printEndpointSlice`,
//! `formatEndpoints`, `formatHPAMetrics`, `printNamespace`), padded by three spaces as kubectl's
//! tabwriter does; `-L` and `--show-labels` add label columns after them (cli-runtime
//! `formatLabelHeaders`: the key's last `/` segment, upper-cased; `labels.FormatLabels`);
//! several resource types print one table each, names prefixed `deployment.apps/web`, with a
//! blank line between. Flags are read as pflag reads them: `-owide`, `-o=wide`, `-ndefault`,
//! `-lapp=web`, `--selector=app=web`, `--output wide`, and words may be quoted (`-l "app=web"`).
//! `rollout status` prints the messages of kubectl's `DeploymentStatusViewer`
//! (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), once, as `--watch=false` does.
//!
//! AGE is the time since the object's creation as the engine records it (objects of the
//! scenario's start, the built-in `kubernetes` Service and the system namespaces were created at
//! 0). Labels that `-l`, `-L` and `--show-labels` read for objects whose labels the snapshot
//! lacks: a Deployment's are its pod template's (its pods' labels without
//! `pod-template-hash`), a ReplicaSet's its pods' (template labels plus `pod-template-hash`), a
//! Service's its selector, an HPA has none; EndpointSlices carry their Service's plus
//! `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`.
//!
//! Berth's pods have no IP addresses; this module gives each pod a stable one ([`pod_ips`]) so
//! that `get pods -o wide`, `get endpointslices` and `get endpoints` agree with each other.

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::k8s::model::Labels;
use crate::engine::k8s::services::ServiceView;
use crate::engine::k8s::sim::{ContainerSpecView, KubeView, PodPhase, PodTemplateView, PodView, ReplicaSetView, CHANGE_CAUSE};
use crate::engine::snapshot::Snapshot;
use crate::engine::time::{Millis, SECOND};

/// What a read command answered: its output, or kubectl's error.
pub type Answer = Result<String, String>;

/// The kubelet version every node reports (VERSION): an EKS 1.33 node AMI's, as
/// `kubectl get nodes` prints it on a 1.33 managed node group (May 2025 AMI, Amazon Linux 2023).
pub const NODE_VERSION: &str = "v1.33.0-eks-802817d";
/// OS-IMAGE, KERNEL-VERSION (without the architecture) and CONTAINER-RUNTIME of that AMI.
pub const OS_IMAGE: &str = "Amazon Linux 2023.7.20250512";
pub const KERNEL: &str = "6.1.134-152.225.amzn2023";
pub const CONTAINER_RUNTIME: &str = "containerd://1.7.27";
/// The API server's warning for every v1 Endpoints request since Kubernetes 1.33.
const ENDPOINTS_WARNING: &str = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";
/// The Service every cluster has in `default`: the API server, at the first address of EKS's
/// default service range 10.100.0.0/16 (the EKS API's `serviceIpv4Cidr`: "Kubernetes assigns
/// addresses from either the 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks"; Berth's Services
/// start at 10.100.0.10, `services.rs`).
const KUBERNETES_SERVICE_IP: &str = "10.100.0.1";
/// The namespaces of a new EKS cluster.
const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];
/// The resource types `get` answers, for the error messages.
const LISTS: &str = "pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, endpoints, hpa, pdb and namespaces (and all)";

/// `Some` when `args` is a read-only command this module answers; `None` for everything else
/// (the engine runs it). `kubectl` in front and namespace flags before the verb
/// (`-n kube-system get pods`) are allowed.
pub fn answer(s: &Snapshot, args: &str) -> Option<Answer> {
    let words = match split_words(args) {
        Ok(w) => w,
        Err(e) => {
            // Decide on the bare words whether this was a read at all.
            let rough: Vec<String> = args.split_whitespace().map(str::to_string).collect();
            return verb_first(&rough).filter(|w| is_read(w)).map(|_| Err(e));
        }
    };
    let words = verb_first(&words)?;
    if !is_read(&words) {
        return None;
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Some(match words[0] {
        "get" => get(s, &words[1..]),
        _ => rollout(s, words[1], &words[2..]),
    })
}

fn is_read(words: &[String]) -> bool {
    match words.first().map(String::as_str) {
        Some("get") => true,
        Some("rollout") => matches!(words.get(1).map(String::as_str), Some("status" | "history")),
        _ => false,
    }
}

/// The words with `kubectl` dropped and namespace flags written before the verb moved after it;
/// `None` when no verb is left.
pub(crate) fn verb_first(words: &[String]) -> Option<Vec<String>> {
    let mut rest: Vec<String> = words.iter().skip_while(|w| *w == "kubectl").cloned().collect();
    let mut moved = Vec::new();
    while let Some(w) = rest.first().cloned() {
        if w == "-n" || w == "--namespace" {
            if rest.len() < 2 {
                return None;
            }
            moved.extend(rest.drain(..2));
        } else if w.starts_with("--namespace=") || (w.starts_with("-n") && !w.starts_with("--")) {
            moved.push(rest.remove(0));
        } else {
            break;
        }
    }
    if rest.is_empty() {
        return None;
    }
    rest.extend(moved);
    Some(rest)
}

/// The command line split into words as a shell does: spaces separate, `'...'` keeps everything,
/// `"..."` keeps everything but `\"` and `\\`, a backslash escapes the next character.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let unterminated = |q: char| format!("error: the command line has an unterminated {q} quote");
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err(unterminated('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err(unterminated('"')),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err(unterminated('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

// ---------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Output {
    #[default]
    Table,
    Wide,
    Name,
}

/// Flags the read commands understand.
#[derive(Default)]
struct Opts {
    namespace: Option<String>,
    all_namespaces: bool,
    output: Output,
    selector: Option<Vec<Requirement>>,
    label_columns: Vec<String>,
    show_labels: bool,
    no_headers: bool,
    ignore_not_found: bool,
    show_kind: bool,
    revision: Option<u64>,
    words: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Get,
    Rollout,
}

/// One flag: its long name, shorthand, whether it takes a value, and which commands have it.
struct Flag {
    long: &'static str,
    short: Option<char>,
    value: bool,
    get: bool,
    rollout: bool,
}

const fn flag(long: &'static str, short: Option<char>, value: bool, get: bool, rollout: bool) -> Flag {
    Flag { long, short, value, get, rollout }
}

/// kubectl's flags that Berth reads, and the real ones it refuses with a reason ([`unsupported`]).
const FLAGS: &[Flag] = &[
    flag("namespace", Some('n'), true, true, true),
    flag("all-namespaces", Some('A'), false, true, false),
    flag("output", Some('o'), true, true, true),
    flag("selector", Some('l'), true, true, true),
    flag("label-columns", Some('L'), true, true, false),
    flag("show-labels", None, false, true, false),
    flag("no-headers", None, false, true, false),
    flag("ignore-not-found", None, false, true, false),
    flag("show-kind", None, false, true, false),
    flag("revision", None, true, false, true),
    flag("watch", Some('w'), false, true, true),
    flag("timeout", None, true, false, true),
    flag("chunk-size", None, true, true, false),
    flag("watch-only", None, false, true, false),
    flag("output-watch-events", None, false, true, false),
    flag("sort-by", None, true, true, false),
    flag("field-selector", None, true, true, false),
    flag("filename", Some('f'), true, true, true),
    flag("kustomize", Some('k'), true, true, true),
    flag("recursive", Some('R'), false, true, true),
    flag("raw", None, true, true, false),
    flag("template", None, true, true, true),
    flag("subresource", None, true, true, false),
    flag("help", Some('h'), false, true, true),
    flag("context", None, true, true, true),
    flag("cluster", None, true, true, true),
    flag("kubeconfig", None, true, true, true),
    flag("user", None, true, true, true),
];

/// Why Berth refuses a real kubectl flag, and what to use instead; `None` for the flags it reads.
fn unsupported(long: &str, cmd: Cmd) -> Option<String> {
    let why = match long {
        "watch" if cmd == Cmd::Rollout => return None,
        "watch" | "watch-only" | "output-watch-events" => {
            "the console answers once, from the cluster on screen: run the command again as the simulation moves on (Play or Step), or follow the event log"
        }
        "sort-by" => "lists come in the API server's order, by namespace and name",
        "field-selector" => "select by label with -l, or name the object; -o wide shows each pod's node",
        "filename" | "kustomize" | "recursive" => "the page has no files: name the resource instead (get deployment web)",
        "raw" | "subresource" | "template" => "the console prints tables (-o wide, -o name)",
        "help" => "docs/playground.md lists what the console answers",
        "context" | "cluster" | "kubeconfig" | "user" => "the console talks to this scenario's one cluster",
        _ => return None,
    };
    Some(format!("error: --{long} is not supported in Berth: {why}"))
}

fn opts(words: &[&str], cmd: Cmd) -> Result<Opts, String> {
    let mut o = Opts::default();
    let known = |f: &&Flag| if cmd == Cmd::Get { f.get } else { f.rollout };
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if w == "--" {
            o.words.extend(words[i + 1..].iter().map(|w| w.to_string()));
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (body, None),
            };
            let f = FLAGS.iter().filter(known).find(|f| f.long == name).ok_or_else(|| format!("error: unknown flag: --{name}"))?;
            let value = if f.value {
                match inline {
                    Some(v) => Some(v.to_string()),
                    None => {
                        i += 1;
                        Some(words.get(i).ok_or_else(|| format!("error: flag needs an argument: --{name}"))?.to_string())
                    }
                }
            } else {
                inline.map(str::to_string)
            };
            set(&mut o, f, value.as_deref(), cmd)?;
        } else if w.len() > 1 && w.starts_with('-') {
            let chars: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let f = FLAGS.iter().filter(known).find(|f| f.short == Some(c)).ok_or_else(|| format!("error: unknown shorthand flag: '{c}' in {w}"))?;
                let rest: String = chars[j + 1..].iter().collect();
                let inline = rest.strip_prefix('=').map(str::to_string).or(if rest.is_empty() { None } else { Some(rest) });
                if f.value {
                    let value = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            words.get(i).ok_or_else(|| format!("error: flag needs an argument: '{c}' in {w}"))?.to_string()
                        }
                    };
                    set(&mut o, f, Some(&value), cmd)?;
                    break;
                }
                // A boolean shorthand: `-A`, `-w=false`, or several together (`-Aw`).
                if chars.get(j + 1) == Some(&'=') {
                    set(&mut o, f, Some(&chars[j + 2..].iter().collect::<String>()), cmd)?;
                    break;
                }
                set(&mut o, f, None, cmd)?;
                j += 1;
            }
        } else {
            o.words.push(w.to_string());
        }
        i += 1;
    }
    Ok(o)
}

/// Applies one flag (`value` is the text after `=` for a boolean flag, if any).
fn set(o: &mut Opts, f: &Flag, value: Option<&str>, cmd: Cmd) -> Result<(), String> {
    if let Some(e) = unsupported(f.long, cmd) {
        return Err(e);
    }
    let on = || -> Result<bool, String> {
        match value {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(format!("error: invalid argument \"{v}\" for \"--{}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax", f.long)),
        }
    };
    let v = value.unwrap_or_default();
    match f.long {
        "namespace" => o.namespace = Some(v.to_string()),
        "all-namespaces" => o.all_namespaces = on()?,
        "output" => o.output = output(v)?,
        "selector" => o.selector = Some(parse_selector(v)?),
        "label-columns" => o.label_columns.extend(v.split(',').map(str::trim).filter(|k| !k.is_empty()).map(str::to_string)),
        "show-labels" => o.show_labels = on()?,
        "no-headers" => o.no_headers = on()?,
        "ignore-not-found" => o.ignore_not_found = on()?,
        "show-kind" => o.show_kind = on()?,
        "revision" => o.revision = Some(v.parse().map_err(|_| format!("error: invalid argument \"{v}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))?),
        // `rollout status` answers once whatever --watch says; --timeout and --chunk-size change
        // nothing here.
        _ => {}
    }
    Ok(())
}

/// `-o wide` and `-o name`; the other formats kubectl knows are refused with a reason.
fn output(v: &str) -> Result<Output, String> {
    match v {
        "wide" => Ok(Output::Wide),
        "name" => Ok(Output::Name),
        _ => {
            let format = v.split('=').next().unwrap_or(v);
            const KNOWN: [&str; 12] = ["custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "template", "templatefile", "yaml", "kyaml"];
            if KNOWN.contains(&format) {
                Err(format!(
                    "error: -o {format} is not supported in Berth: the console prints tables (-o wide adds columns, -o name lists names; -L and --show-labels show labels); the manifest editor holds the objects you applied"
                ))
            } else {
                Err(format!(
                    "error: unable to match a printer suitable for the output format \"{v}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
                ))
            }
        }
    }
}

impl Opts {
    /// The namespace filter: `None` for all (`-A`), else the one given or `default`.
    fn ns(&self) -> Option<&str> {
        if self.all_namespaces {
            None
        } else {
            Some(self.namespace.as_deref().unwrap_or("default"))
        }
    }
    fn in_ns(&self, ns: &str) -> bool {
        self.ns().is_none_or(|n| n == ns)
    }
    fn wide(&self) -> bool {
        self.output == Output::Wide
    }
}

// ---------------------------------------------------------------------------------------------
// Label selectors (k8s.io/apimachinery/pkg/labels/selector.go, `labels.Parse`)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Equals(String),
    NotEquals(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
    GreaterThan(i64),
    LessThan(i64),
}

#[derive(Debug, Clone, PartialEq)]
struct Requirement {
    key: String,
    op: Op,
}

impl Requirement {
    fn matches(&self, labels: &Labels) -> bool {
        let have = labels.get(&self.key);
        match &self.op {
            Op::Equals(v) => have == Some(v),
            Op::NotEquals(v) => have != Some(v),
            Op::In(vs) => have.is_some_and(|h| vs.contains(h)),
            Op::NotIn(vs) => have.is_none_or(|h| !vs.contains(h)),
            Op::Exists => have.is_some(),
            Op::DoesNotExist => have.is_none(),
            Op::GreaterThan(n) => have.and_then(|h| h.parse::<i64>().ok()).is_some_and(|h| h > *n),
            Op::LessThan(n) => have.and_then(|h| h.parse::<i64>().ok()).is_some_and(|h| h < *n),
        }
    }
}

fn matches_all(sel: &Option<Vec<Requirement>>, labels: &Labels) -> bool {
    sel.as_ref().is_none_or(|reqs| reqs.iter().all(|r| r.matches(labels)))
}

/// The tokens of a selector: `(`, `)`, `,`, `!`, `=`, `==`, `!=`, `<`, `>`, or an identifier.
fn selector_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cs: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '=' && cs.get(i + 1) == Some(&'=') {
            out.push("==".to_string());
            i += 2;
        } else if c == '!' && cs.get(i + 1) == Some(&'=') {
            out.push("!=".to_string());
            i += 2;
        } else if "(),!=<>".contains(c) {
            out.push(c.to_string());
            i += 1;
        } else {
            let start = i;
            while i < cs.len() && !cs[i].is_whitespace() && !"(),!=<>".contains(cs[i]) {
                i += 1;
            }
            out.push(cs[start..i].iter().collect());
        }
    }
    out
}

/// `app=web`, `app==web`, `app!=web`, `tier in (a,b)`, `tier notin (a)`, `app`, `!app`, `n>3`,
/// comma-separated; all must hold.
fn parse_selector(text: &str) -> Result<Vec<Requirement>, String> {
    let err = |found: &str, expected: &str| format!("error: unable to parse requirement: found '{found}', expected: {expected}");
    let toks = selector_tokens(text);
    let is_ident = |t: &str| !matches!(t, "(" | ")" | "," | "!" | "=" | "==" | "!=" | "<" | ">");
    let mut reqs = Vec::new();
    let mut i = 0;
    let next = |i: &mut usize| -> String {
        let t = toks.get(*i).cloned().unwrap_or_default();
        *i += 1;
        t
    };
    while i < toks.len() {
        let mut t = next(&mut i);
        let negated = t == "!";
        if negated {
            t = next(&mut i);
        }
        if t.is_empty() || !is_ident(&t) {
            return Err(err(&t, "identifier"));
        }
        let key = t;
        let at_end = |i: usize| toks.get(i).is_none_or(|t| t == ",");
        let op = if negated {
            Op::DoesNotExist
        } else if at_end(i) {
            Op::Exists
        } else {
            let op = next(&mut i);
            match op.as_str() {
                "=" | "==" | "!=" => {
                    let value = if at_end(i) { String::new() } else { next(&mut i) };
                    if !is_ident(&value) {
                        return Err(err(&value, "identifier"));
                    }
                    if op == "!=" {
                        Op::NotEquals(value)
                    } else {
                        Op::Equals(value)
                    }
                }
                "<" | ">" => {
                    let value = next(&mut i);
                    let n: i64 = value.parse().map_err(|_| format!("error: unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {value:?}"))?;
                    if op == ">" {
                        Op::GreaterThan(n)
                    } else {
                        Op::LessThan(n)
                    }
                }
                "in" | "notin" => {
                    let open = next(&mut i);
                    if open != "(" {
                        return Err(err(&open, "'('"));
                    }
                    let mut values = Vec::new();
                    loop {
                        let v = next(&mut i);
                        match v.as_str() {
                            ")" => break,
                            "," => {}
                            "" => return Err(err("", "')'")),
                            v if is_ident(v) => values.push(v.to_string()),
                            v => return Err(err(v, "identifier")),
                        }
                    }
                    if op == "in" {
                        Op::In(values)
                    } else {
                        Op::NotIn(values)
                    }
                }
                other => return Err(err(other, "'=', '!=', '==', 'in', notin'")),
            }
        };
        reqs.push(Requirement { key, op });
        match toks.get(i).map(String::as_str) {
            None => {}
            Some(",") => i += 1,
            Some(other) => return Err(err(other, "',' or 'end of string'")),
        }
    }
    Ok(reqs)
}

/// `labels.FormatLabels`: `k=v,...` by key, `<none>` for none.
fn format_labels(labels: &Labels) -> String {
    if labels.is_empty() {
        "<none>".into()
    } else {
        labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
    }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// kubectl's AGE column (`duration.HumanDuration`): `45s`, `3m12s` under 10 minutes, `42m`,
/// `5h12m` under 8 hours, `20h`, `3d4h` under 8 days, `42d`, `2y30d` under 8 years, `9y`.
pub fn age(ms: Millis) -> String {
    let s = ms / SECOND;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
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
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        if h % 24 == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{}h", h % 24)
        }
    } else if d < 365 * 2 {
        format!("{d}d")
    } else if d < 365 * 8 {
        if d % 365 == 0 {
            format!("{}y", d / 365)
        } else {
            format!("{}y{}d", d / 365, d % 365)
        }
    } else {
        format!("{}y", d / 365)
    }
}

/// Columns padded to the widest cell plus three spaces, as kubectl's tabwriter does.
fn table(header: Option<&[String]>, rows: &[Vec<String>]) -> String {
    let cols = header.map_or_else(|| rows.first().map_or(0, Vec::len), <[String]>::len);
    let mut width = vec![0; cols];
    for r in header.into_iter().chain(rows.iter().map(Vec::as_slice)) {
        for (i, c) in r.iter().enumerate() {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            out.push_str(c);
            if i < last {
                out.push_str(&" ".repeat(width[i] - c.chars().count() + 3));
            }
        }
        out
    };
    header.into_iter().chain(rows.iter().map(Vec::as_slice)).map(line).collect::<Vec<_>>().join("\n")
}

/// kubectl's lists of at most `max` entries: `a,b,c + 2 more...`, `<unset>` for none
/// (`listWithMoreString`).
fn list_with_more(items: &[String], max: usize) -> String {
    if items.is_empty() {
        "<unset>".into()
    } else if items.len() > max {
        format!("{} + {} more...", items[..max].join(","), items.len() - max)
    } else {
        items.join(",")
    }
}

fn kube(s: &Snapshot) -> Result<&KubeView, String> {
    s.kube.as_ref().ok_or_else(|| "this scenario has no Kubernetes cluster (add a \"kubernetes\" section)".to_string())
}

// ---------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Pods,
    Services,
    Deployments,
    ReplicaSets,
    Hpas,
    Nodes,
    EndpointSlices,
    Endpoints,
    Namespaces,
    Pdbs,
    DaemonSets,
    Jobs,
}

impl Kind {
    /// The name kubectl prefixes with when it lists several types (`deployment.apps/web`).
    fn prefix(self) -> &'static str {
        match self {
            Kind::Pods => "pod",
            Kind::Services => "service",
            Kind::Deployments => "deployment.apps",
            Kind::ReplicaSets => "replicaset.apps",
            Kind::Hpas => "horizontalpodautoscaler.autoscaling",
            Kind::Nodes => "node",
            Kind::EndpointSlices => "endpointslice.discovery.k8s.io",
            Kind::Endpoints => "endpoints",
            Kind::Namespaces => "namespace",
            Kind::Pdbs => "poddisruptionbudget.policy",
            Kind::DaemonSets => "daemonset.apps",
            Kind::Jobs => "job.batch",
        }
    }
    /// The resource as the API server's NotFound error names it.
    fn resource(self) -> &'static str {
        match self {
            Kind::Pods => "pods",
            Kind::Services => "services",
            Kind::Deployments => "deployments.apps",
            Kind::ReplicaSets => "replicasets.apps",
            Kind::Hpas => "horizontalpodautoscalers.autoscaling",
            Kind::Nodes => "nodes",
            Kind::EndpointSlices => "endpointslices.discovery.k8s.io",
            Kind::Endpoints => "endpoints",
            Kind::Namespaces => "namespaces",
            Kind::Pdbs => "poddisruptionbudgets.policy",
            Kind::DaemonSets => "daemonsets.apps",
            Kind::Jobs => "jobs.batch",
        }
    }
    fn namespaced(self) -> bool {
        !matches!(self, Kind::Nodes | Kind::Namespaces)
    }
    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Pods => &["READY", "STATUS", "RESTARTS", "AGE"],
            Kind::Services => &["TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
            Kind::Deployments => &["READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            Kind::ReplicaSets => &["DESIRED", "CURRENT", "READY", "AGE"],
            Kind::Hpas => &["REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
            Kind::Nodes => &["STATUS", "ROLES", "AGE", "VERSION"],
            Kind::EndpointSlices => &["ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
            Kind::Endpoints => &["ENDPOINTS", "AGE"],
            Kind::Namespaces => &["STATUS", "AGE"],
            // printers.go `podDisruptionBudgetColumnDefinitions`.
            Kind::Pdbs => &["MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"],
            // `daemonSetColumnDefinitions`; `jobColumnDefinitions` (STATUS since kubectl 1.31).
            Kind::DaemonSets => &["DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
            Kind::Jobs => &["STATUS", "COMPLETIONS", "DURATION", "AGE"],
        }
    }
    /// The columns `-o wide` adds (priority-1 columns of the API server's table).
    fn wide_columns(self) -> &'static [&'static str] {
        match self {
            Kind::Pods => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
            Kind::Services => &["SELECTOR"],
            Kind::Deployments | Kind::ReplicaSets | Kind::DaemonSets | Kind::Jobs => &["CONTAINERS", "IMAGES", "SELECTOR"],
            Kind::Nodes => &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
            _ => &[],
        }
    }
}

/// The types a `get` word names, kubectl's short names and `.group` suffixes included.
fn kinds_of(word: &str) -> Result<Vec<Kind>, String> {
    let w = word.to_lowercase();
    let base = w.split('.').next().unwrap_or(&w);
    Ok(vec![match base {
        // The `all` category in discovery order: core, apps, autoscaling, batch.
        "all" => return Ok(vec![Kind::Pods, Kind::Services, Kind::DaemonSets, Kind::Deployments, Kind::ReplicaSets, Kind::Hpas, Kind::Jobs]),
        "pod" | "pods" | "po" => Kind::Pods,
        "service" | "services" | "svc" => Kind::Services,
        "deployment" | "deployments" | "deploy" => Kind::Deployments,
        "replicaset" | "replicasets" | "rs" => Kind::ReplicaSets,
        "horizontalpodautoscaler" | "horizontalpodautoscalers" | "hpa" => Kind::Hpas,
        "node" | "nodes" | "no" => Kind::Nodes,
        "endpointslice" | "endpointslices" => Kind::EndpointSlices,
        "endpoints" | "endpoint" | "ep" => Kind::Endpoints,
        "namespace" | "namespaces" | "ns" => Kind::Namespaces,
        "poddisruptionbudget" | "poddisruptionbudgets" | "pdb" => Kind::Pdbs,
        "daemonset" | "daemonsets" | "ds" => Kind::DaemonSets,
        "job" | "jobs" => Kind::Jobs,
        "cronjob" | "cronjobs" | "cj" | "statefulset" | "statefulsets" | "sts" | "secret"
        | "secrets" | "configmap" | "configmaps" | "cm" | "ingress" | "ingresses" | "ing" | "networkpolicy" | "networkpolicies" | "netpol"
        | "event" | "events" | "ev" | "resourcequota" | "resourcequotas" | "quota" | "limitrange" | "limitranges" | "limits"
        | "priorityclass" | "priorityclasses" | "pc" | "serviceaccount" | "serviceaccounts" | "sa" | "persistentvolume"
        | "persistentvolumes" | "pv" | "persistentvolumeclaim" | "persistentvolumeclaims" | "pvc" | "storageclass" | "storageclasses"
        | "sc" | "role" | "roles" | "rolebinding" | "rolebindings" | "clusterrole" | "clusterroles" | "clusterrolebinding"
        | "clusterrolebindings" | "replicationcontroller" | "replicationcontrollers" | "rc" | "lease" | "leases" => {
            return Err(format!("error: Berth's console lists {LISTS}, not \"{word}\" (the cluster view and the event log show the rest)"))
        }
        _ => return Err(format!("error: the server doesn't have a resource type \"{word}\"")),
    }])
}

/// Each type asked for, with the names wanted (none: all of them).
type Wanted = Vec<(Kind, Vec<String>)>;

/// What `get` was asked for: each type with the names wanted (none: all of them), and whether the
/// tables name the type (several types, or `all`).
fn targets(words: &[String]) -> Result<(Wanted, bool), String> {
    let first = words.first().ok_or(format!("error: you must specify the type of resource to get. Berth's console lists {LISTS}"))?;
    let mut out: Vec<(Kind, Vec<String>)> = Vec::new();
    let mut add = |kind: Kind, name: Option<&str>| {
        let i = match out.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                out.push((kind, Vec::new()));
                out.len() - 1
            }
        };
        if let Some(n) = name {
            out[i].1.push(n.to_string());
        }
    };
    let mut several = false;
    if first.contains('/') {
        // `pod/web-1 svc/web`: every word is TYPE/NAME.
        for w in words {
            let (k, n) = w.split_once('/').ok_or_else(|| format!("error: arguments in resource/name form must have a single resource and name: \"{w}\""))?;
            let kinds = kinds_of(k)?;
            if kinds.len() > 1 || n.is_empty() {
                return Err(format!("error: arguments in resource/name form must have a single resource and name: \"{w}\""));
            }
            add(kinds[0], Some(n));
        }
    } else {
        several = first.eq_ignore_ascii_case("all");
        for k in first.split(',').filter(|k| !k.is_empty()) {
            for kind in kinds_of(k)? {
                add(kind, None);
            }
        }
        let names = &words[1..];
        if names.iter().any(|n| n.contains('/')) {
            return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
        }
        for (_, wanted) in out.iter_mut() {
            wanted.extend(names.iter().cloned());
        }
    }
    several |= out.len() > 1;
    Ok((out, several))
}

/// One object of a table.
struct Item {
    /// `None` for cluster-scoped objects.
    ns: Option<String>,
    name: String,
    labels: Labels,
    cells: Vec<String>,
    wide: Vec<String>,
}

/// What the item builders read.
struct Cx<'a> {
    s: &'a Snapshot,
    kv: &'a KubeView,
    now: Millis,
    ips: BTreeMap<String, String>,
}

impl Cx<'_> {
    /// The AGE of something created at `t`.
    fn since(&self, t: Millis) -> String {
        age(self.now.saturating_sub(t))
    }
}

fn get(s: &Snapshot, words: &[&str]) -> Answer {
    let o = opts(words, Cmd::Get)?;
    let kv = kube(s)?;
    let (wanted, several) = targets(&o.words)?;
    let named = wanted.iter().any(|(_, names)| !names.is_empty());
    if named && o.selector.is_some() {
        return Err("error: name cannot be provided when a selector is specified".into());
    }
    if named && o.all_namespaces {
        return Err("error: a resource cannot be retrieved by name across all namespaces".into());
    }
    let cx = Cx { s, kv, now: s.time_ms, ips: pod_ips(s, kv) };
    let with_kind = several || o.show_kind;
    let mut sections: Vec<String> = Vec::new();
    let mut names_out: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    for (kind, names) in &wanted {
        let mut items: Vec<Item> = items(*kind, &cx)
            .into_iter()
            .filter(|it| it.ns.as_deref().is_none_or(|ns| o.in_ns(ns)))
            .filter(|it| names.is_empty() || names.contains(&it.name))
            .filter(|it| matches_all(&o.selector, &it.labels))
            .collect();
        // The API server lists by namespace, then name.
        crate::engine::sort::sort_by(&mut items, |a, b| (&a.ns, &a.name).cmp(&(&b.ns, &b.name)));
        for n in names {
            if !items.iter().any(|it| &it.name == n) && !o.ignore_not_found {
                errors.push(format!("Error from server (NotFound): {} \"{n}\" not found", kind.resource()));
            }
        }
        if items.is_empty() {
            continue;
        }
        if o.output == Output::Name {
            names_out.extend(items.iter().map(|it| format!("{}/{}", kind.prefix(), it.name)));
            continue;
        }
        sections.push(render(*kind, &items, &o, with_kind));
    }
    let warning = wanted.iter().any(|(k, _)| *k == Kind::Endpoints).then_some(ENDPOINTS_WARNING);
    let body = if o.output == Output::Name { names_out.join("\n") } else { sections.join("\n\n") };
    let mut out: Vec<String> = warning.iter().map(|w| w.to_string()).collect();
    if body.is_empty() {
        if !errors.is_empty() {
            out.extend(errors);
            return Err(out.join("\n"));
        }
        if !named {
            let cluster_scoped = wanted.iter().all(|(k, _)| !k.namespaced());
            out.push(match o.ns() {
                Some(ns) if !cluster_scoped => format!("No resources found in {ns} namespace."),
                _ => "No resources found".to_string(),
            });
        }
        return Ok(out.join("\n"));
    }
    out.push(body);
    out.extend(errors);
    Ok(out.join("\n"))
}

/// One type's table: NAMESPACE (with `-A`), NAME, the type's columns, `-o wide`'s, then `-L`'s and
/// LABELS.
fn render(kind: Kind, items: &[Item], o: &Opts, with_kind: bool) -> String {
    let namespace_col = kind.namespaced() && o.ns().is_none();
    let mut header: Vec<String> = Vec::new();
    if namespace_col {
        header.push("NAMESPACE".into());
    }
    header.push("NAME".into());
    header.extend(kind.columns().iter().map(|c| c.to_string()));
    if o.wide() {
        header.extend(kind.wide_columns().iter().map(|c| c.to_string()));
    }
    header.extend(o.label_columns.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_uppercase()));
    if o.show_labels {
        header.push("LABELS".into());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|it| {
            let mut row = Vec::new();
            if namespace_col {
                row.push(it.ns.clone().unwrap_or_default());
            }
            row.push(if with_kind { format!("{}/{}", kind.prefix(), it.name) } else { it.name.clone() });
            row.extend(it.cells.iter().cloned());
            if o.wide() {
                row.extend(it.wide.iter().cloned());
            }
            row.extend(o.label_columns.iter().map(|k| it.labels.get(k).cloned().unwrap_or_default()));
            if o.show_labels {
                row.push(format_labels(&it.labels));
            }
            row
        })
        .collect();
    table(if o.no_headers { None } else { Some(header.as_slice()) }, &rows)
}

fn items(kind: Kind, cx: &Cx) -> Vec<Item> {
    match kind {
        Kind::Pods => cx.kv.pods.iter().map(|p| pod_item(p, cx)).collect(),
        Kind::Deployments => cx
            .kv
            .deployments
            .iter()
            .map(|d| Item {
                ns: Some(d.namespace.clone()),
                name: d.name.clone(),
                labels: deployment_labels(cx.kv, &d.namespace, &d.name),
                cells: vec![format!("{}/{}", d.ready, d.desired), d.updated.to_string(), d.available.to_string(), cx.since(d.created)],
                wide: vec![d.containers.join(","), d.images.join(","), d.selector.clone()],
            })
            .collect(),
        Kind::ReplicaSets => cx
            .kv
            .replica_sets
            .iter()
            .map(|r| Item {
                ns: Some(r.namespace.clone()),
                name: r.name.clone(),
                labels: replica_set_labels(cx.kv, r),
                cells: vec![r.desired.to_string(), r.current.to_string(), r.ready.to_string(), cx.since(r.created)],
                wide: vec![r.containers.join(","), r.images.join(","), r.selector.clone()],
            })
            .collect(),
        Kind::Nodes => cx
            .kv
            .nodes
            .iter()
            .map(|n| {
                // A node whose instance lost its agent (a zone outage) stops posting status.
                // (Kubernetes nodes: the node lifecycle controller's unreachable / not-ready taint.)
                let unreachable = n.taints.iter().any(|t| t.starts_with("node.kubernetes.io/unreachable") || t.starts_with("node.kubernetes.io/not-ready"));
                let ready = if unreachable || cx.s.instances.iter().any(|i| i.id == n.name && !i.agent_connected) { "NotReady" } else { "Ready" };
                let status = if n.unschedulable { format!("{ready},SchedulingDisabled") } else { ready.to_string() };
                // printers.go `findNodeRoles`: `node-role.kubernetes.io/<role>` and
                // `kubernetes.io/role=<role>` labels; EKS nodes have neither.
                let mut roles: BTreeSet<String> = BTreeSet::new();
                for (k, v) in &n.labels {
                    if let Some(r) = k.strip_prefix("node-role.kubernetes.io/").filter(|r| !r.is_empty()) {
                        roles.insert(r.to_string());
                    } else if k == "kubernetes.io/role" && !v.is_empty() {
                        roles.insert(v.clone());
                    }
                }
                let roles = if roles.is_empty() { "<none>".to_string() } else { roles.into_iter().collect::<Vec<_>>().join(",") };
                let arch = if n.labels.get("kubernetes.io/arch").map(String::as_str) == Some("arm64") { "aarch64" } else { "x86_64" };
                Item {
                    ns: None,
                    name: n.name.clone(),
                    labels: n.labels.clone(),
                    cells: vec![status, roles, cx.since(n.created), NODE_VERSION.into()],
                    wide: vec![
                        node_ip(&n.name).map_or_else(|| "<none>".to_string(), |ip| ip_text(&ip)),
                        "<none>".into(),
                        OS_IMAGE.into(),
                        format!("{KERNEL}.{arch}"),
                        CONTAINER_RUNTIME.into(),
                    ],
                }
            })
            .collect(),
        Kind::Services => {
            let mut out: Vec<Item> = Vec::new();
            if !cx.kv.services.iter().any(|v| v.namespace == "default" && v.name == "kubernetes") {
                out.push(Item {
                    ns: Some("default".into()),
                    name: "kubernetes".into(),
                    labels: kubernetes_service_labels(),
                    cells: vec!["ClusterIP".into(), KUBERNETES_SERVICE_IP.into(), "<none>".into(), "443/TCP".into(), age(cx.now)],
                    wide: vec!["<none>".into()],
                });
            }
            out.extend(cx.kv.services.iter().map(|v| {
                let ports: Vec<String> = v
                    .ports
                    .iter()
                    .map(|p| match p.node_port {
                        Some(np) => format!("{}:{np}/{}", p.port, p.protocol),
                        None => format!("{}/{}", p.port, p.protocol),
                    })
                    .collect();
                let external = match v.service_type.as_str() {
                    "LoadBalancer" => v.external.clone().unwrap_or_else(|| "<pending>".into()),
                    "ExternalName" => v.external.clone().unwrap_or_default(),
                    _ => "<none>".into(),
                };
                Item {
                    ns: Some(v.namespace.clone()),
                    name: v.name.clone(),
                    labels: v.selector.clone(),
                    cells: vec![
                        v.service_type.clone(),
                        v.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
                        external,
                        if ports.is_empty() { "<none>".into() } else { ports.join(",") },
                        cx.since(v.created),
                    ],
                    wide: vec![format_labels(&v.selector)],
                }
            }));
            out
        }
        Kind::EndpointSlices => {
            let mut out: Vec<Item> = Vec::new();
            if !cx.kv.services.iter().any(|v| v.namespace == "default" && v.name == "kubernetes") {
                let mut labels = Labels::new();
                labels.insert("kubernetes.io/service-name".into(), "kubernetes".into());
                out.push(Item {
                    ns: Some("default".into()),
                    name: "kubernetes".into(),
                    labels,
                    cells: vec!["IPv4".into(), "443".into(), list_with_more(&control_plane_ips(cx.s).iter().map(ip_text).collect::<Vec<_>>(), 3), age(cx.now)],
                    wide: vec![],
                });
            }
            out.extend(managed(cx.kv).map(|v| {
                let addresses: Vec<String> = v.endpoints.iter().filter_map(|e| cx.ips.get(&key(&v.namespace, &e.pod)).cloned()).collect();
                // With no endpoints the controller keeps a placeholder slice without ports.
                let ports: Vec<String> = if addresses.is_empty() { Vec::new() } else { v.ports.iter().map(|p| p.target_port.clone()).collect() };
                let mut labels = v.selector.clone();
                labels.insert("kubernetes.io/service-name".into(), v.name.clone());
                labels.insert("endpointslice.kubernetes.io/managed-by".into(), "endpointslice-controller.k8s.io".into());
                Item {
                    ns: Some(v.namespace.clone()),
                    name: slice_name(&v.namespace, &v.name),
                    labels,
                    cells: vec!["IPv4".into(), list_with_more(&ports, 3), list_with_more(&addresses, 3), cx.since(v.created)],
                    wide: vec![],
                }
            }));
            out
        }
        Kind::Endpoints => {
            let mut out: Vec<Item> = Vec::new();
            if !cx.kv.services.iter().any(|v| v.namespace == "default" && v.name == "kubernetes") {
                let mut labels = Labels::new();
                labels.insert("endpointslice.kubernetes.io/skip-mirror".into(), "true".into());
                let pairs: Vec<String> = control_plane_ips(cx.s).iter().map(|ip| format!("{}:443", ip_text(ip))).collect();
                out.push(Item { ns: Some("default".into()), name: "kubernetes".into(), labels, cells: vec![pairs.join(","), age(cx.now)], wide: vec![] });
            }
            out.extend(managed(cx.kv).map(|v| Item {
                ns: Some(v.namespace.clone()),
                name: v.name.clone(),
                labels: v.selector.clone(),
                cells: vec![endpoints_cell(v, &cx.ips), cx.since(v.created)],
                wide: vec![],
            }));
            out
        }
        Kind::Hpas => cx
            .kv
            .hpas
            .iter()
            .map(|h| {
                let targets = if h.targets.is_empty() {
                    match h.target_utilization {
                        Some(t) => format!("cpu: {}/{t}%", h.current_utilization.map_or("<unknown>".to_string(), |c| format!("{c}%"))),
                        None => "<none>".into(),
                    }
                } else if h.targets.len() > 2 {
                    // formatHPAMetrics: two metrics, then `+ N more...`.
                    format!("{} + {} more...", h.targets[..2].join(", "), h.targets.len() - 2)
                } else {
                    h.targets.join(", ")
                };
                Item {
                    ns: Some(h.namespace.clone()),
                    name: h.name.clone(),
                    labels: Labels::new(),
                    cells: vec![h.reference.clone(), targets, h.min_replicas.to_string(), h.max_replicas.to_string(), h.replicas.to_string(), cx.since(h.created)],
                    wide: vec![],
                }
            })
            .collect(),
        Kind::Namespaces => {
            // Every namespace the engine knows, with its creation time; the system ones came
            // with the cluster, at the scenario's start.
            let mut created: BTreeMap<String, Millis> = SYSTEM_NAMESPACES.iter().map(|n| (n.to_string(), 0)).collect();
            created.extend(cx.kv.namespaces.iter().cloned());
            created
                .into_iter()
                .map(|(n, t)| {
                    let mut labels = Labels::new();
                    labels.insert("kubernetes.io/metadata.name".into(), n.clone());
                    Item { ns: None, name: n, labels, cells: vec!["Active".into(), cx.since(t)], wide: vec![] }
                })
                .collect()
        }
        Kind::Pdbs => cx
            .kv
            .pdbs
            .iter()
            .map(|b| Item {
                ns: Some(b.namespace.clone()),
                name: b.name.clone(),
                labels: b.labels.clone(),
                // printPodDisruptionBudget: the budget not given reads N/A.
                cells: vec![
                    b.min_available.clone().unwrap_or_else(|| "N/A".into()),
                    b.max_unavailable.clone().unwrap_or_else(|| "N/A".into()),
                    b.disruptions_allowed.to_string(),
                    cx.since(b.created),
                ],
                wide: vec![],
            })
            .collect(),
        // printers.go `printDaemonSet`: NODE SELECTOR is the template's nodeSelector.
        Kind::DaemonSets => cx
            .kv
            .daemon_sets
            .iter()
            .map(|d| Item {
                ns: Some(d.namespace.clone()),
                name: d.name.clone(),
                labels: d.labels.clone(),
                cells: vec![
                    d.desired.to_string(),
                    d.current.to_string(),
                    d.ready.to_string(),
                    d.updated.to_string(),
                    d.available.to_string(),
                    format_labels(&d.node_selector),
                    cx.since(d.created),
                ],
                wide: vec![d.containers.join(","), d.images.join(","), d.selector.clone()],
            })
            .collect(),
        // printers.go `printJob`: DURATION from the start to the completion (a Job that has not
        // completed, or failed, counts on to now).
        Kind::Jobs => cx
            .kv
            .jobs
            .iter()
            .map(|j| Item {
                ns: Some(j.namespace.clone()),
                name: j.name.clone(),
                labels: j.labels.clone(),
                cells: vec![
                    j.status.clone(),
                    j.completions.clone(),
                    age(j.completion_time.unwrap_or(cx.now).saturating_sub(j.start_time)),
                    cx.since(j.created),
                ],
                wide: vec![j.containers.join(","), j.images.join(","), format!("batch.kubernetes.io/controller-uid={}", job_uid(&j.namespace, &j.name))],
            })
            .collect(),
    }
}

/// A Job's `metadata.uid`, which its selector names (`batch.kubernetes.io/controller-uid`): the
/// API server draws a random UUID; Berth has none, so it makes a stable one from FNV-1a of the
/// Job's namespace and name, in the UUID's 8-4-4-4-12 layout.
fn job_uid(ns: &str, name: &str) -> String {
    uid("job", ns, name)
}

/// A UID for an object Berth names but does not give one (the snapshot has none): a UUID-shaped
/// hash of its kind, namespace and name, so it stays the same from one look to the next.
pub fn uid(kind: &str, ns: &str, name: &str) -> String {
    let hex = format!("{:016x}{:016x}", fnv64(&key(ns, name)), fnv64(&format!("{kind}/{}", key(ns, name))));
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn pod_item(p: &PodView, cx: &Cx) -> Item {
    // A pod has its address once its sandbox runs (`has_ip`).
    let ip = if has_ip(p) { cx.ips.get(&key(&p.namespace, &p.name)).cloned() } else { None };
    let none = || "<none>".to_string();
    Item {
        ns: Some(p.namespace.clone()),
        name: p.name.clone(),
        labels: p.labels.clone(),
        // printPod: READY is ready containers / containers; RESTARTS adds the time since the
        // last container restart (`3 (45s ago)`, kubectl ≥ 1.28).
        cells: vec![format!("{}/{}", p.ready_containers, p.containers), p.status.clone(), restarts_cell(p, cx.now), age(cx.now.saturating_sub(p.created))],
        wide: vec![ip.unwrap_or_else(none), p.node.clone().unwrap_or_else(none), p.nominated_node.clone().unwrap_or_else(none), none()],
    }
}

/// printPod's RESTARTS: the count, and once a container restarted, how long ago it last died.
fn restarts_cell(p: &PodView, now: Millis) -> String {
    match p.last_restart {
        Some(t) if p.restarts != 0 => format!("{} ({} ago)", p.restarts, age(now.saturating_sub(t))),
        _ => p.restarts.to_string(),
    }
}

/// Services whose endpoints the control plane manages: a selector, and not ExternalName.
fn managed(kv: &KubeView) -> impl Iterator<Item = &ServiceView> {
    kv.services.iter().filter(|v| !v.selector.is_empty() && v.service_type != "ExternalName")
}

/// v1 Endpoints' ENDPOINTS (`formatEndpoints`): `ip:port` of the ready addresses, port by port,
/// three at most then `+ N more...`; `<none>` without subsets; empty when the only addresses are
/// not ready (they are `notReadyAddresses`, which kubectl does not print). Terminating pods are
/// not in v1 Endpoints. The endpoints controller sorts addresses by IP.
fn endpoints_cell(v: &ServiceView, ips: &BTreeMap<String, String>) -> String {
    let mut ready: Vec<&String> = v.endpoints.iter().filter(|e| e.ready).filter_map(|e| ips.get(&key(&v.namespace, &e.pod))).collect();
    crate::engine::sort::sort(&mut ready);
    let not_ready = v.endpoints.iter().filter(|e| !e.ready && !e.terminating).count();
    if ready.is_empty() && not_ready == 0 {
        return "<none>".into();
    }
    let pairs: Vec<String> = v.ports.iter().flat_map(|p| ready.iter().map(move |ip| format!("{ip}:{}", p.target_port))).collect();
    if pairs.is_empty() {
        String::new()
    } else {
        list_with_more(&pairs, 3)
    }
}

fn key(ns: &str, name: &str) -> String {
    format!("{ns}/{name}")
}

/// Labels of the built-in `kubernetes` Service.
fn kubernetes_service_labels() -> Labels {
    let mut l = Labels::new();
    l.insert("component".into(), "apiserver".into());
    l.insert("provider".into(), "kubernetes".into());
    l
}

/// The labels a ReplicaSet's pods carry (template labels plus `pod-template-hash`, exactly the
/// ReplicaSet's own labels); for a ReplicaSet without pods, a sibling's with this one's hash.
fn replica_set_labels(kv: &KubeView, rs: &ReplicaSetView) -> Labels {
    let owner = format!("ReplicaSet/{}", rs.name);
    if let Some(p) = kv.pods.iter().find(|p| p.namespace == rs.namespace && p.owner.as_deref() == Some(owner.as_str())) {
        return p.labels.clone();
    }
    let mut labels = rs.deployment.as_deref().map(|d| deployment_labels(kv, &rs.namespace, d)).unwrap_or_default();
    labels.insert("pod-template-hash".into(), rs.pod_template_hash.clone());
    labels
}

/// A Deployment's pod template labels, read from the pods of its newest ReplicaSet that has any
/// (without `pod-template-hash`); none when no ReplicaSet has pods.
fn deployment_labels(kv: &KubeView, ns: &str, name: &str) -> Labels {
    let mut sets: Vec<&ReplicaSetView> = kv.replica_sets.iter().filter(|r| r.namespace == ns && r.deployment.as_deref() == Some(name)).collect();
    crate::engine::sort::sort_by(&mut sets, |a, b| b.revision.cmp(&a.revision));
    for rs in sets {
        let owner = format!("ReplicaSet/{}", rs.name);
        if let Some(p) = kv.pods.iter().find(|p| p.namespace == ns && p.owner.as_deref() == Some(owner.as_str())) {
            let mut labels = p.labels.clone();
            labels.remove("pod-template-hash");
            return labels;
        }
    }
    Labels::new()
}

// ---------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------

/// FNV-1a 64.
fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// An EndpointSlice's name: the controller asks for `generateName: <service>-` and the API server
/// appends five characters of `rand.String` (k8s.io/apimachinery/pkg/util/rand: consonants and
/// digits, `bcdfghjklmnpqrstvwxz2456789`). Berth picks them from FNV-1a of `namespace/service`,
/// so a Service's slice keeps its name.
fn slice_name(ns: &str, service: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = fnv64(&key(ns, service));
    let mut suffix = String::new();
    for _ in 0..5 {
        suffix.push(ALPHANUMS[(h % ALPHANUMS.len() as u64) as usize] as char);
        h /= ALPHANUMS.len() as u64;
    }
    format!("{service}-{suffix}")
}

/// The address in a node's name: `ip-10-0-1-10.ec2.internal` (and `fargate-ip-...`) is 10.0.1.10.
pub fn node_ip(name: &str) -> Option<[u32; 4]> {
    let host = name.split('.').next()?;
    let host = host.strip_prefix("fargate-").unwrap_or(host).strip_prefix("ip-")?;
    let parts: Vec<u32> = host.split('-').map(|p| p.parse().ok()).collect::<Option<Vec<u32>>>()?;
    <[u32; 4]>::try_from(parts).ok()
}

fn ip_text(ip: &[u32; 4]) -> String {
    format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])
}

/// The EKS control plane's network interfaces in the cluster's subnets (the `kubernetes`
/// Service's endpoints): one in each of the first two zones' subnets (10.0.<zone + 1>.0/24, as
/// the nodes' names have them), at host 250–254 picked from the cluster's name.
fn control_plane_ips(s: &Snapshot) -> Vec<[u32; 4]> {
    let zones = s.availability_zones.len().clamp(1, 2);
    (0..zones).map(|z| [10, 0, z as u32 + 1, 250 + (fnv64(&format!("{}/{z}", s.cluster)) % 5) as u32]).collect()
}

/// A stable address for every pod on a node, by `namespace/name`. As the VPC CNI does on EKS, a
/// pod on an EC2 node gets a secondary address of the node's subnet (10.0.<zone>.0/24): host
/// 40–249 picked by FNV-1a of `namespace/name`, the next free one on a clash (older pods keep
/// theirs), never a node's or the control plane's; a Fargate pod has its node's address.
/// Whether kubectl shows the pod's IP: its sandbox is up (the CNI gave it an address before any
/// init container runs), so a pod that is initializing (`Init:0/1`, `Init:CrashLoopBackOff`,
/// PodInitializing) has one; a pod still being created (sandbox, pulls) or not bound has none.
pub fn has_ip(p: &PodView) -> bool {
    p.node.is_some() && (p.phase != PodPhase::Pending || (p.status != "ContainerCreating" && p.status != "Pending"))
}

pub fn pod_ips(s: &Snapshot, kv: &KubeView) -> BTreeMap<String, String> {
    let mut taken: BTreeSet<[u32; 4]> = kv.nodes.iter().filter_map(|n| node_ip(&n.name)).collect();
    taken.extend(control_plane_ips(s));
    let mut pods: Vec<&PodView> = kv.pods.iter().filter(|p| p.node.is_some()).collect();
    crate::engine::sort::sort_by(&mut pods, |a, b| (a.created, &a.namespace, &a.name).cmp(&(b.created, &b.namespace, &b.name)));
    let mut out = BTreeMap::new();
    for p in pods {
        let Some(node) = p.node.as_deref() else { continue };
        let Some(base) = node_ip(node) else { continue };
        if node.starts_with("fargate-") {
            out.insert(key(&p.namespace, &p.name), ip_text(&base));
            continue;
        }
        const FIRST: u64 = 40;
        const SLOTS: u64 = 210;
        let start = fnv64(&key(&p.namespace, &p.name)) % SLOTS;
        let free = (0..SLOTS).map(|k| [base[0], base[1], base[2], (FIRST + (start + k) % SLOTS) as u32]).find(|ip| !taken.contains(ip));
        if let Some(ip) = free {
            taken.insert(ip);
            out.insert(key(&p.namespace, &p.name), ip_text(&ip));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// rollout
// ---------------------------------------------------------------------------------------------

fn rollout(s: &Snapshot, sub: &str, words: &[&str]) -> Answer {
    let o = opts(words, Cmd::Rollout)?;
    let kv = kube(s)?;
    let usage = || format!("error: you must specify a deployment: kubectl rollout {sub} deployment/NAME");
    let first = o.words.first().ok_or_else(usage)?;
    let (kind, name) = match first.split_once('/') {
        Some((k, n)) => (k.to_string(), Some(n.to_string())),
        None => (first.clone(), o.words.get(1).cloned()),
    };
    let kind = kind.split('.').next().unwrap_or(&kind).to_lowercase();
    if !matches!(kind.as_str(), "deployment" | "deployments" | "deploy") {
        return Err(format!("error: rollout {sub}: Berth supports deployments, not {kind}"));
    }
    let name = name.filter(|n| !n.is_empty()).ok_or_else(usage)?;
    let ns = o.namespace.as_deref().unwrap_or("default");
    let d = kv
        .deployments
        .iter()
        .find(|d| d.name == name && d.namespace == ns)
        .ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
    if sub == "history" {
        // polymorphichelpers/history.go `DeploymentHistoryViewer.ViewHistory`: the Deployment's
        // ReplicaSets by revision, CHANGE-CAUSE from each one's `kubernetes.io/change-cause`.
        let mut history: BTreeMap<u64, &ReplicaSetView> = BTreeMap::new();
        for r in kv.replica_sets.iter().filter(|r| r.namespace == ns && r.deployment.as_deref() == Some(name.as_str())) {
            history.insert(r.revision, r);
        }
        if let Some(r) = o.revision {
            let rs = history.get(&r).ok_or("error: unable to find the specified revision")?;
            // `printTemplate` (describe's `DescribePodTemplate`) after `with revision #N`.
            return Ok(format!("deployment.apps/{name} with revision #{r}\n{}", describe_pod_template(&rs.template, rs.change_cause.as_deref())));
        }
        let rows: Vec<Vec<String>> =
            history.iter().map(|(r, rs)| vec![r.to_string(), rs.change_cause.clone().filter(|c| !c.is_empty()).unwrap_or_else(|| "<none>".to_string())]).collect();
        return Ok(format!("deployment.apps/{name}\n{}", table(Some(&["REVISION".to_string(), "CHANGE-CAUSE".to_string()][..]), &rows)));
    }
    if let Some(r) = o.revision {
        if r != d.revision {
            return Err(format!("error: desired revision ({r}) is different from the running revision ({})", d.revision));
        }
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

/// k8s.io/kubectl `describe.DescribePodTemplate` as `rollout history --revision=N` prints it:
/// `printTemplate` writes it through a `PrefixWriter` straight to the output, not through a
/// tabwriter, so its tabs reach the terminal, which shows them at 8-column stops; Berth expands
/// them the same way. The revision's change-cause is shown among the annotations, as
/// `ViewHistory` adds it there. Berth's model keeps no environment variables, volume mounts,
/// volumes, commands or service account, so their lines (`Environment:`, `Mounts:`, `Volumes:`)
/// are left out rather than shown as `<none>`.
fn describe_pod_template(t: &PodTemplateView, change_cause: Option<&str>) -> String {
    let mut out = String::from("Pod Template:\n");
    // printLabelsMultiline: the first entry after a tab, each next one on a line of its own
    // after a tab; `<none>` when empty.
    let multiline = |out: &mut String, title: &str, entries: Vec<String>| {
        out.push_str(&format!("{title}:\t"));
        if entries.is_empty() {
            out.push_str("<none>\n");
        }
        for (i, e) in entries.iter().enumerate() {
            if i > 0 {
                out.push('\t');
            }
            out.push_str(e);
            out.push('\n');
        }
    };
    multiline(&mut out, "  Labels", t.labels.iter().map(|(k, v)| format!("{k}={v}")).collect());
    let mut annotations = t.annotations.clone();
    if let Some(c) = change_cause.filter(|c| !c.is_empty()) {
        annotations.insert(CHANGE_CAUSE.to_string(), c.to_string());
    }
    if !annotations.is_empty() {
        // printAnnotationsMultiline: `key: value`; a value too long (key + value + 2 > 140) or
        // of several lines goes under its key, each line shortened to 138 characters.
        const MAX: usize = 140;
        let mut lines = Vec::new();
        for (k, v) in &annotations {
            let v = v.strip_suffix('\n').unwrap_or(v);
            if v.len() + k.len() + 2 > MAX || v.contains('\n') {
                let mut e = format!("{k}:");
                for l in v.split('\n') {
                    let short: String = if l.chars().count() > MAX - 2 { format!("{}...", l.chars().take(MAX - 2).collect::<String>()) } else { l.to_string() };
                    e.push_str(&format!("\n\t  {short}"));
                }
                lines.push(e);
            } else {
                lines.push(format!("{k}: {v}"));
            }
        }
        multiline(&mut out, "  Annotations", lines);
    }
    if !t.init_containers.is_empty() {
        describe_containers(&mut out, "Init Containers", &t.init_containers);
    }
    describe_containers(&mut out, "Containers", &t.containers);
    for (i, c) in t.topology_spread_constraints.iter().enumerate() {
        out.push_str(if i == 0 { "  Topology Spread Constraints:\t" } else { "  \t" });
        out.push_str(c);
        out.push('\n');
    }
    if let Some(pc) = &t.priority_class_name {
        out.push_str(&format!("  Priority Class Name:\t{pc}\n"));
    }
    multiline(&mut out, "  Node-Selectors", t.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect());
    multiline(&mut out, "  Tolerations", t.tolerations.clone());
    out.trim_end().lines().map(expand_tabs).collect::<Vec<_>>().join("\n")
}

/// describe.go `describeContainers` without statuses: name, image, ports, host ports, limits,
/// requests and probes of each container.
fn describe_containers(out: &mut String, label: &str, containers: &[ContainerSpecView]) {
    out.push_str(&format!("  {label}:{}\n", if containers.is_empty() { " <none>" } else { "" }));
    for c in containers {
        out.push_str(&format!("   {}:\n    Image:\t{}\n", c.name, c.image));
        for (one, many, list) in [("Port", "Ports", &c.ports), ("Host Port", "Host Ports", &c.host_ports)] {
            let text = list.join(", ");
            if list.len() > 1 {
                out.push_str(&format!("    {many}:\t{text}\n"));
            } else {
                out.push_str(&format!("    {one}:\t{}\n", if text.is_empty() { "<none>" } else { &text }));
            }
        }
        for (title, list) in [("Limits", &c.limits), ("Requests", &c.requests)] {
            if !list.is_empty() {
                out.push_str(&format!("    {title}:\n"));
            }
            for (k, v) in list {
                out.push_str(&format!("      {k}:\t{v}\n"));
            }
        }
        for (title, probe) in [("Liveness", &c.liveness), ("Readiness", &c.readiness), ("Startup", &c.startup)] {
            if let Some(p) = probe {
                out.push_str(&format!("    {title}:\t{p}\n"));
            }
        }
    }
}

/// Tabs shown at 8-column stops, as a terminal shows them.
fn expand_tabs(line: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let pad = 8 - col % 8;
            out.push_str(&" ".repeat(pad));
            col += pad;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}
