//! `kubectl` as a timeline / UI action: the subset a learner needs, with kubectl's own wording
//! for results and errors.
//!
//! | command | what happens |
//! |---|---|
//! | `apply -f -` (with `manifest`) | creates or updates every object; a changed Deployment template starts a rollout |
//! | `create -f -` (with `manifest`) | creates every object; one that exists already is refused (`AlreadyExists`), the others are created |
//! | `create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`, `create namespace NAME` | kubectl's generators |
//! | `scale deployment/web --replicas=5` | sets replicas (also `rs/NAME`, several names) |
//! | `set image deployment/web web=nginx:1.25` | changes a container's image: a rollout |
//! | `rollout undo deployment/web [--to-revision=N]` | the previous (or given) revision's template |
//! | `rollout restart deployment/web` | a new template annotation: every pod is replaced (refused while paused) |
//! | `rollout pause` / `resume deployment/web` | |
//! | `cordon NODE` / `uncordon NODE` | `spec.unschedulable` |
//! | `drain NODE --ignore-daemonsets [--force] [--delete-emptydir-data]` | cordon, then evict every pod but DaemonSet pods, through the Eviction API: PodDisruptionBudgets are respected and refused evictions retried every 5 s |
//! | `delete TYPE NAME...`, `delete TYPE --all`, `delete pods -l k=v`, `--force` | every kind Berth models; a namespace takes its contents with it |
//! | `scale nodegroup NAME --nodes=N` | Berth's stand-in for `eksctl scale nodegroup`: nodes join at once; removed nodes are drained of pods first (no PDB check) |
//!
//! `-n NAMESPACE` / `--namespace=NAMESPACE` (also `-nNS`, `-n=NS`) selects the namespace (default
//! `default`), before or after the verb.
//!
//! **Flags** are read as kubectl's parser (spf13/pflag under cobra) reads them: `--replicas=5`
//! or `--replicas 5`, `-r5`, `-r=5`, `--force=false`, `--` ending the flags; the command line is
//! split like a shell's, one level of matching `'…'` / `"…"` quotes taken off ([`tokenize`]). Each
//! verb takes only its own flags ([`Line::parse`]): anything else is refused with pflag's
//! `error: unknown flag: --foo` before anything changes, and a flag real kubectl has but Berth
//! does not model (`--timeout`, `-o yaml`, `--grace-period=30`, ...) says so instead of being
//! ignored. `--dry-run` (`client`, `server`, or alone) is refused with "Berth does not do dry
//! runs" and changes nothing (`--dry-run=none` is a normal run).
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
use super::sim::{key, ns_of, KubeItem, PodPhase, PodState};

/// How long `kubectl drain` waits before retrying a refused eviction.
pub const DRAIN_RETRY: u64 = 5 * SECOND;

// ---------------------------------------------------------------------------------------------
// The command line, read as kubectl reads it
// ---------------------------------------------------------------------------------------------

/// Splits a command line into words as a shell would for what a learner types: whitespace
/// separates words, and one level of matching single or double quotes is taken off
/// (`-l "app=web"` → `-l`, `app=web`; `--selector='app=web'` → `--selector=app=web`). There are
/// no escapes. An unclosed quote is an error (a shell would wait for the rest of the line).
pub fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if let Some(q) = quote {
        return Err(format!("error: the command line has an unclosed {q}: close the quote"));
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

/// Words back into one command line that [`tokenize`] reads into the same words (a word with a
/// space or a quote in it, or an empty one, is quoted).
pub fn join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            if !w.is_empty() && !w.chars().any(|c| c.is_whitespace() || c == '"' || c == '\'') {
                w.clone()
            } else if w.contains('\'') {
                format!("\"{w}\"")
            } else {
                format!("'{w}'")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a flag takes its value (spf13/pflag): a bool (`--force`, `--force=false`), a string or an
/// integer (`--replicas=5`, `--replicas 5`, `-r5`, `-r=5`), or an optional value only `=` gives
/// (pflag's `NoOptDefVal`: `--dry-run` alone does not take the next word).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Takes {
    Bool,
    Text,
    Int,
    Optional,
}

/// A flag of one kubectl command; `berth: false` for a flag real kubectl has that Berth does not
/// model (refused with a message that says so, never silently ignored).
#[derive(Debug, Clone, Copy)]
struct Flag {
    long: &'static str,
    short: Option<char>,
    takes: Takes,
    berth: bool,
}

const fn yes(long: &'static str, short: Option<char>, takes: Takes) -> Flag {
    Flag { long, short, takes, berth: true }
}
const fn no(long: &'static str, short: Option<char>, takes: Takes) -> Flag {
    Flag { long, short, takes, berth: false }
}

use Takes::{Bool, Int, Optional, Text};

/// kubectl's global flags (`kubectl options`): only the namespace means something in Berth.
const GLOBAL: &[Flag] = &[
    yes("namespace", Some('n'), Text),
    no("context", None, Text),
    no("cluster", None, Text),
    no("kubeconfig", None, Text),
    no("user", None, Text),
    no("server", Some('s'), Text),
    no("token", None, Text),
    no("request-timeout", None, Text),
    no("v", Some('v'), Text),
];
/// `cmdutil.AddDryRunFlag`: every command that changes something has it.
const DRY_RUN: Flag = yes("dry-run", None, Optional);
// The flags of each command, from kubectl's `NewCmd*` functions (staging/src/k8s.io/kubectl/pkg/cmd/).
const APPLY: &[Flag] = &[
    yes("filename", Some('f'), Text),
    no("output", Some('o'), Text),
    no("selector", Some('l'), Text),
    no("recursive", Some('R'), Bool),
    no("kustomize", Some('k'), Text),
    no("server-side", None, Bool),
    no("force-conflicts", None, Bool),
    no("prune", None, Bool),
    no("validate", None, Optional),
    no("field-manager", None, Text),
    no("force", None, Bool),
    no("grace-period", None, Int),
    no("overwrite", None, Bool),
    no("timeout", None, Text),
    no("wait", None, Bool),
    no("all", None, Bool),
    no("record", None, Bool),
];
const CREATE_FILE: &[Flag] = &[
    yes("filename", Some('f'), Text),
    no("output", Some('o'), Text),
    no("validate", None, Optional),
    no("save-config", None, Bool),
    no("edit", None, Bool),
    no("raw", None, Text),
    no("selector", Some('l'), Text),
    no("recursive", Some('R'), Bool),
    no("kustomize", Some('k'), Text),
    no("windows-line-endings", None, Bool),
    no("field-manager", None, Text),
    no("record", None, Bool),
];
/// create_deployment.go: `--image` (a string slice, required), `-r/--replicas`, `--port`.
const CREATE_DEPLOYMENT: &[Flag] = &[
    yes("image", None, Text),
    yes("replicas", Some('r'), Int),
    yes("port", None, Int),
    no("output", Some('o'), Text),
    no("save-config", None, Bool),
    no("validate", None, Optional),
    no("field-manager", None, Text),
    no("template", None, Text),
    no("show-managed-fields", None, Bool),
    no("allow-missing-template-keys", None, Bool),
];
const CREATE_NAMESPACE: &[Flag] = &[no("output", Some('o'), Text), no("save-config", None, Bool), no("validate", None, Optional), no("field-manager", None, Text)];
/// scale.go; `--nodes` is eksctl's, for Berth's `scale nodegroup`.
const SCALE: &[Flag] = &[
    yes("replicas", None, Int),
    yes("nodes", None, Int),
    no("current-replicas", None, Int),
    no("resource-version", None, Text),
    no("selector", Some('l'), Text),
    no("all", None, Bool),
    no("timeout", None, Text),
    no("filename", Some('f'), Text),
    no("output", Some('o'), Text),
    no("record", None, Bool),
    no("recursive", Some('R'), Bool),
    no("kustomize", Some('k'), Text),
];
const SET_IMAGE: &[Flag] = &[
    no("all", None, Bool),
    no("selector", Some('l'), Text),
    no("local", None, Bool),
    no("output", Some('o'), Text),
    no("filename", Some('f'), Text),
    no("record", None, Bool),
    no("recursive", Some('R'), Bool),
    no("field-manager", None, Text),
];
/// Berth's own `set load` (not kubectl's).
const SET_LOAD: &[Flag] = &[yes("rps", None, Text)];
const ROLLOUT_UNDO: &[Flag] = &[yes("to-revision", None, Int), no("filename", Some('f'), Text), no("selector", Some('l'), Text), no("output", Some('o'), Text), no("recursive", Some('R'), Bool)];
const ROLLOUT_CHANGE: &[Flag] = &[no("filename", Some('f'), Text), no("selector", Some('l'), Text), no("output", Some('o'), Text), no("recursive", Some('R'), Bool), no("field-manager", None, Text)];
/// `rollout status|history` only read: on the timeline they do nothing (the console answers them).
const ROLLOUT_READ: &[Flag] = &[yes("watch", Some('w'), Bool), yes("timeout", None, Text), yes("revision", None, Int), yes("output", Some('o'), Text), no("filename", Some('f'), Text), no("selector", Some('l'), Text), no("recursive", Some('R'), Bool)];
const CORDON: &[Flag] = &[no("selector", Some('l'), Text)];
/// drain.go. Berth models no emptyDir volumes, so `--delete-emptydir-data` changes nothing.
const DRAIN: &[Flag] = &[
    yes("ignore-daemonsets", None, Bool),
    yes("force", None, Bool),
    yes("delete-emptydir-data", None, Bool),
    no("grace-period", None, Int),
    no("timeout", None, Text),
    no("pod-selector", None, Text),
    no("selector", Some('l'), Text),
    no("disable-eviction", None, Bool),
    no("skip-wait-for-delete-timeout", None, Int),
    no("chunk-size", None, Int),
    no("delete-local-data", None, Bool),
];
/// delete.go / delete_flags.go.
const DELETE: &[Flag] = &[
    yes("all", None, Bool),
    yes("selector", Some('l'), Text),
    yes("force", None, Bool),
    yes("grace-period", None, Int),
    yes("now", None, Bool),
    no("ignore-not-found", None, Bool),
    no("cascade", None, Optional),
    no("wait", None, Bool),
    no("timeout", None, Text),
    no("field-selector", None, Text),
    no("all-namespaces", Some('A'), Bool),
    no("output", Some('o'), Text),
    no("interactive", Some('i'), Bool),
    no("raw", None, Text),
    no("recursive", Some('R'), Bool),
    no("kustomize", Some('k'), Text),
    no("filename", Some('f'), Text),
];
const EVERY_TABLE: &[&[Flag]] = &[GLOBAL, APPLY, CREATE_FILE, CREATE_DEPLOYMENT, CREATE_NAMESPACE, SCALE, SET_IMAGE, SET_LOAD, ROLLOUT_UNDO, ROLLOUT_CHANGE, ROLLOUT_READ, CORDON, DRAIN, DELETE];

/// The verbs the engine carries out.
const VERBS: &[&str] = &["apply", "create", "scale", "set", "rollout", "cordon", "uncordon", "drain", "delete"];

fn unknown_command(verb: &str) -> String {
    format!(
        "error: unknown command \"{verb}\" for \"kubectl\"; Berth understands apply, create, scale, set image, rollout (undo, restart, pause, resume, status, history), cordon, uncordon, drain, delete, and get (pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, endpoints, hpa, pdb, namespaces, all) and describe (pods, nodes, deployments, replicasets, services, hpa, pdb) in the console"
    )
}

/// A kubectl command line, parsed: the verb, its subcommand (`rollout undo`, `set image`,
/// `create deployment`), the other words, and the flags given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub verb: String,
    pub sub: Option<String>,
    /// The positional words after the verb (and its subcommand), before any `--`.
    pub words: Vec<String>,
    /// The words after `--` (`create deployment web --image=x -- sleep 5`).
    pub after_dash: Vec<String>,
    /// `-n` / `--namespace`, when given.
    pub namespace: Option<String>,
    /// Every flag given, by its long name, in order; a bool given bare has `"true"`.
    pub flags: Vec<(String, Option<String>)>,
}

/// The verb and subcommand of a command line (`kubectl` and flags before the verb skipped),
/// reading flag values as any kubectl command would (a lenient first look, as cobra's `Find`).
pub fn verb_and_sub(tokens: &[String]) -> (String, Option<String>) {
    let toks = strip_kubectl(tokens);
    let mut pos: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < toks.len() && pos.len() < 2 {
        let t = toks[i].as_str();
        i += 1;
        if t == "--" {
            break;
        }
        if t == "-" || !t.starts_with('-') {
            pos.push(t);
            continue;
        }
        // A value flag without `=` takes the next word.
        let takes_next = if let Some(long) = t.strip_prefix("--") {
            !long.contains('=') && EVERY_TABLE.iter().flat_map(|t| t.iter()).any(|f| f.long == long && matches!(f.takes, Text | Int))
        } else {
            let c = t.chars().nth(1);
            t.chars().count() == 2 && EVERY_TABLE.iter().flat_map(|t| t.iter()).any(|f| f.short == c && matches!(f.takes, Text | Int))
        };
        if takes_next {
            i += 1;
        }
    }
    let verb = pos.first().map(|s| s.to_string()).unwrap_or_default();
    let sub = if matches!(verb.as_str(), "rollout" | "set" | "create") { pos.get(1).map(|s| s.to_string()) } else { None };
    (verb, sub)
}

fn strip_kubectl(tokens: &[String]) -> &[String] {
    match tokens.first() {
        Some(w) if w == "kubectl" => &tokens[1..],
        _ => tokens,
    }
}

/// Go's `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

impl Line {
    /// Reads a command line as cobra and pflag do: the command first (an unknown verb is
    /// `error: unknown command`), then every flag against that command's own flags, with pflag's
    /// messages (`error: unknown flag: --foo`, `error: unknown shorthand flag: 'x' in -x`,
    /// `error: flag needs an argument: --replicas`, `error: invalid argument "x" for "--replicas"
    /// flag: strconv.ParseInt: parsing "x": invalid syntax`). Then a flag kubectl has but Berth
    /// does not model is refused, and so is `--dry-run` (Berth does not do dry runs).
    pub fn parse(text: &str) -> Result<Line, String> {
        let tokens = tokenize(text)?;
        let (verb, sub) = verb_and_sub(&tokens);
        if verb.is_empty() {
            return Err("error: no kubectl command given".into());
        }
        if !VERBS.contains(&verb.as_str()) {
            return Err(unknown_command(&verb));
        }
        let specific: &[Flag] = match (verb.as_str(), sub.as_deref()) {
            ("apply", _) => APPLY,
            ("create", Some("deployment" | "deploy")) => CREATE_DEPLOYMENT,
            ("create", Some("namespace" | "ns")) => CREATE_NAMESPACE,
            ("create", Some(other)) => {
                return Err(format!("error: Berth's kubectl create makes a deployment (create deployment NAME --image=IMAGE) or a namespace (create namespace NAME), or reads a manifest (create -f -); create {other} is not supported in Berth: write the object in the manifest box and use apply -f -"))
            }
            ("create", None) => CREATE_FILE,
            ("scale", _) => SCALE,
            ("set", Some("image")) => SET_IMAGE,
            ("set", Some("load")) => SET_LOAD,
            ("set", _) => return Err("error: Berth understands `kubectl set image deployment/NAME CONTAINER=IMAGE` (and its own `kubectl set load deployment/NAME --rps=N`)".into()),
            ("rollout", Some("undo")) => ROLLOUT_UNDO,
            ("rollout", Some("restart" | "pause" | "resume")) => ROLLOUT_CHANGE,
            ("rollout", Some("status" | "history")) => ROLLOUT_READ,
            ("rollout", None) => return Err("error: Berth understands kubectl rollout undo, restart, pause, resume, status and history".into()),
            ("rollout", Some(other)) => return Err(format!("error: unknown command \"{other}\" for \"kubectl rollout\"; use undo, restart, pause, resume or status")),
            ("cordon" | "uncordon", _) => CORDON,
            ("drain", _) => DRAIN,
            ("delete", _) => DELETE,
            _ => return Err(unknown_command(&verb)),
        };
        // `set load` is Berth's own and changes no object kubectl knows: no --dry-run.
        let dry: &[Flag] = if verb == "set" && sub.as_deref() == Some("load") { &[] } else { std::slice::from_ref(&DRY_RUN) };
        let table: Vec<Flag> = GLOBAL.iter().chain(dry).chain(specific).copied().collect();
        let toks = strip_kubectl(&tokens);
        let mut line = Line { verb: verb.clone(), sub: sub.clone(), ..Line::default() };
        let mut positional: Vec<String> = Vec::new();
        let mut unmodelled: Option<String> = None;
        let mut put = |line: &mut Line, f: &Flag, value: Option<String>| -> Result<(), String> {
            let value = match (f.takes, value) {
                (Bool, None) => Some("true".to_string()),
                (Bool, Some(v)) => match parse_bool(&v) {
                    Some(b) => Some(b.to_string()),
                    None => return Err(format!("error: invalid argument {v:?} for \"{}\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax", flag_name(f))),
                },
                (Int, Some(v)) => {
                    if let Err(e) = v.parse::<i64>() {
                        let why = if matches!(e.kind(), std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow) { "value out of range" } else { "invalid syntax" };
                        return Err(format!("error: invalid argument {v:?} for \"{}\" flag: strconv.ParseInt: parsing {v:?}: {why}", flag_name(f)));
                    }
                    Some(v)
                }
                (_, v) => v,
            };
            if !f.berth && unmodelled.is_none() {
                unmodelled = Some(f.long.to_string());
            }
            if f.long == "namespace" {
                line.namespace = value.clone();
            }
            line.flags.push((f.long.to_string(), value));
            Ok(())
        };
        let mut i = 0;
        let mut dash = false;
        while i < toks.len() {
            let t = toks[i].clone();
            i += 1;
            if dash {
                line.after_dash.push(t);
                continue;
            }
            if t == "--" {
                dash = true;
                continue;
            }
            if t == "-" || !t.starts_with('-') {
                positional.push(t);
                continue;
            }
            if let Some(body) = t.strip_prefix("--") {
                let (name, value) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (body, None),
                };
                let f = table.iter().find(|f| f.long == name).ok_or_else(|| format!("error: unknown flag: --{name}"))?;
                let value = match (f.takes, value) {
                    (Text | Int, None) => {
                        let v = toks.get(i).cloned().ok_or_else(|| format!("error: flag needs an argument: --{name}"))?;
                        i += 1;
                        Some(v)
                    }
                    (_, v) => v,
                };
                put(&mut line, f, value)?;
                continue;
            }
            // Shorthands: `-n NS`, `-nNS`, `-n=NS`; bools may be grouped (`-wR`).
            let chars: Vec<char> = t.chars().skip(1).collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let f = table.iter().find(|f| f.short == Some(c)).ok_or_else(|| format!("error: unknown shorthand flag: '{c}' in {t}"))?;
                let rest: String = chars[j + 1..].iter().collect();
                if f.takes == Bool {
                    if let Some(v) = rest.strip_prefix('=') {
                        put(&mut line, f, Some(v.to_string()))?;
                        break;
                    }
                    put(&mut line, f, None)?;
                    j += 1;
                    continue;
                }
                // pflag: `-n=` gives an empty value; `-n` alone takes the next word.
                let value = if let Some(v) = rest.strip_prefix('=') {
                    v.to_string()
                } else if !rest.is_empty() {
                    rest
                } else {
                    let v = toks.get(i).cloned().ok_or_else(|| format!("error: flag needs an argument: '{c}' in {t}"))?;
                    i += 1;
                    v
                };
                put(&mut line, f, Some(value))?;
                break;
            }
        }
        // The verb and the subcommand are the first positional words.
        if positional.first() == Some(&verb) {
            positional.remove(0);
        }
        if sub.is_some() && positional.first() == sub.as_ref() {
            positional.remove(0);
        }
        line.words = positional;
        if let Some(name) = unmodelled {
            let what = match &line.sub {
                Some(s) if line.verb != "create" || matches!(s.as_str(), "deployment" | "deploy" | "namespace" | "ns") => format!("{} {s}", line.verb),
                _ => line.verb.clone(),
            };
            return Err(format!("error: --{name}: real kubectl {what} has this flag, Berth's does not; nothing was changed"));
        }
        line.refuse_dry_run()?;
        Ok(line)
    }

    /// `--dry-run=none` is an ordinary run; any other dry run is refused (cmdutil.GetDryRunStrategy).
    fn refuse_dry_run(&self) -> Result<(), String> {
        match self.flag("dry-run") {
            None | Some(Some("none")) => Ok(()),
            Some(None) | Some(Some("client")) | Some(Some("server")) => {
                let given = match self.flag("dry-run") {
                    Some(Some(v)) => format!("--dry-run={v}"),
                    _ => "--dry-run".to_string(),
                };
                Err(format!("error: {given}: Berth does not do dry runs, so nothing was changed; run the command without --dry-run to make the change"))
            }
            Some(Some(other)) => Err(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
        }
    }

    /// The namespace the command works in: `-n`, else `default`.
    pub fn ns(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// The last value given for a flag (`Some(None)`: an optional-value flag given bare).
    pub fn flag(&self, long: &str) -> Option<Option<&str>> {
        self.flags.iter().rev().find(|(k, _)| k == long).map(|(_, v)| v.as_deref())
    }

    /// Every value given for a flag, in order (`--image=a --image=b`).
    pub fn values(&self, long: &str) -> Vec<&str> {
        self.flags.iter().filter(|(k, _)| k == long).filter_map(|(_, v)| v.as_deref()).collect()
    }

    /// A bool flag: given and not `=false`.
    pub fn on(&self, long: &str) -> bool {
        self.flag(long) == Some(Some("true"))
    }

    /// An integer flag (already checked by [`Line::parse`]).
    pub fn int(&self, long: &str) -> Option<i64> {
        self.flag(long).flatten().and_then(|v| v.parse().ok())
    }
}

/// pflag names a flag with its shorthand in errors: `"-r, --replicas"`.
fn flag_name(f: &Flag) -> String {
    match f.short {
        Some(c) => format!("-{c}, --{}", f.long),
        None => format!("--{}", f.long),
    }
}

// ---------------------------------------------------------------------------------------------
// Resource types
// ---------------------------------------------------------------------------------------------

/// A kind Berth models, as kubectl names it: `deployment.apps/web` when printing an object,
/// `deployments.apps "web"` in the API server's errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindInfo {
    pub kind: &'static str,
    /// The plural resource name (`deployments`).
    pub resource: &'static str,
    /// The API group (`apps`); empty for the core group.
    pub group: &'static str,
    pub namespaced: bool,
    /// kubectl's short names (`deploy`).
    pub short: &'static [&'static str],
}

pub const KINDS: &[KindInfo] = &[
    KindInfo { kind: "Pod", resource: "pods", group: "", namespaced: true, short: &["po"] },
    KindInfo { kind: "Deployment", resource: "deployments", group: "apps", namespaced: true, short: &["deploy"] },
    KindInfo { kind: "ReplicaSet", resource: "replicasets", group: "apps", namespaced: true, short: &["rs"] },
    KindInfo { kind: "DaemonSet", resource: "daemonsets", group: "apps", namespaced: true, short: &["ds"] },
    KindInfo { kind: "Job", resource: "jobs", group: "batch", namespaced: true, short: &[] },
    KindInfo { kind: "Service", resource: "services", group: "", namespaced: true, short: &["svc"] },
    KindInfo { kind: "Namespace", resource: "namespaces", group: "", namespaced: false, short: &["ns"] },
    KindInfo { kind: "Node", resource: "nodes", group: "", namespaced: false, short: &["no"] },
    KindInfo { kind: "ResourceQuota", resource: "resourcequotas", group: "", namespaced: true, short: &["quota"] },
    KindInfo { kind: "LimitRange", resource: "limitranges", group: "", namespaced: true, short: &["limits"] },
    KindInfo { kind: "NetworkPolicy", resource: "networkpolicies", group: "networking.k8s.io", namespaced: true, short: &["netpol"] },
    KindInfo { kind: "HorizontalPodAutoscaler", resource: "horizontalpodautoscalers", group: "autoscaling", namespaced: true, short: &["hpa"] },
    KindInfo { kind: "ConfigMap", resource: "configmaps", group: "", namespaced: true, short: &["cm"] },
    KindInfo { kind: "Secret", resource: "secrets", group: "", namespaced: true, short: &[] },
    KindInfo { kind: "PodDisruptionBudget", resource: "poddisruptionbudgets", group: "policy", namespaced: true, short: &["pdb"] },
    KindInfo { kind: "PriorityClass", resource: "priorityclasses", group: "scheduling.k8s.io", namespaced: false, short: &["pc"] },
];

/// Resource types a real cluster has that Berth does not model (so not "the server doesn't
/// have a resource type").
const UNMODELLED: &[&str] = &[
    "statefulset", "statefulsets", "sts", "cronjob", "cronjobs", "cj", "ingress", "ingresses", "ing", "persistentvolumeclaim", "persistentvolumeclaims", "pvc", "persistentvolume",
    "persistentvolumes", "pv", "serviceaccount", "serviceaccounts", "sa", "role", "roles", "rolebinding", "rolebindings", "clusterrole", "clusterroles", "clusterrolebinding",
    "clusterrolebindings", "endpoints", "ep", "endpointslice", "endpointslices", "event", "events", "ev", "replicationcontroller", "replicationcontrollers", "rc", "storageclass",
    "storageclasses", "sc", "customresourcedefinition", "customresourcedefinitions", "crd", "crds", "lease", "leases", "ingressclass", "ingressclasses", "runtimeclass", "runtimeclasses",
    "certificatesigningrequest", "certificatesigningrequests", "csr",
];

impl KindInfo {
    /// `deployments`, `deployment`, `deploy`, `Deployment`, `deployments.apps`, `deployment.v1.apps`.
    pub fn lookup(word: &str) -> Result<&'static KindInfo, String> {
        let lower = word.to_lowercase();
        let base = lower.split('.').next().unwrap_or(&lower);
        if let Some(k) = KINDS.iter().find(|k| k.kind.to_lowercase() == base || k.resource == base || k.short.contains(&base)) {
            return Ok(k);
        }
        if UNMODELLED.contains(&base) {
            return Err(format!(
                "error: Berth does not model {base}; it models pods, deployments, replicasets, daemonsets, jobs, services, namespaces, nodes, resourcequotas, limitranges, networkpolicies, horizontalpodautoscalers, configmaps, secrets, poddisruptionbudgets and priorityclasses"
            ));
        }
        Err(format!("error: the server doesn't have a resource type \"{base}\""))
    }

    /// By kind (`Deployment`).
    pub fn of_kind(kind: &str) -> Option<&'static KindInfo> {
        KINDS.iter().find(|k| k.kind == kind)
    }

    /// How kubectl prints the type: `deployment.apps`, `pod`.
    pub fn printed(&self) -> String {
        if self.group.is_empty() {
            self.kind.to_lowercase()
        } else {
            format!("{}.{}", self.kind.to_lowercase(), self.group)
        }
    }

    /// How the API server names the resource: `deployments.apps`, `pods`.
    pub fn resource_group(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }

    pub fn not_found(&self, name: &str) -> String {
        format!("Error from server (NotFound): {} {name:?} not found", self.resource_group())
    }

    /// What `kubectl delete` prints (delete.go `PrintObj`): `deployment.apps "web" deleted from
    /// default namespace`, `pod "a" force deleted from default namespace`, `namespace "x" deleted`.
    pub fn deleted(&self, name: &str, ns: &str, force: bool) -> String {
        let op = if force { "force deleted" } else { "deleted" };
        if self.namespaced {
            format!("{} {name:?} {op} from {ns} namespace", self.printed())
        } else {
            format!("{} {name:?} {op}", self.printed())
        }
    }
}

/// The resources a command names (kubectl's `ResourceTypeOrNameArgs`): `TYPE NAME...` or
/// `TYPE/NAME...`, or a `TYPE` alone (for `--all` and `-l`).
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// (type word, name) pairs.
    Named(Vec<(String, String)>),
    TypeOnly(String),
}

/// Reads the resource words of a command. `what` completes "you must specify the type of
/// resource to ...".
pub fn targets(words: &[String], what: &str) -> Result<Targets, String> {
    let first = words.first().ok_or_else(|| format!("error: you must specify the type of resource to {what}"))?;
    if first.contains(',') {
        return Err("error: Berth takes one resource type at a time (no TYPE1,TYPE2 lists)".into());
    }
    let slash_form = "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'";
    if first.contains('/') {
        let mut pairs = Vec::new();
        for w in words {
            let (t, n) = w.split_once('/').ok_or(slash_form)?;
            if t.is_empty() || n.is_empty() {
                return Err(format!("error: arguments in resource/name form must have a single resource and name; {w:?} does not"));
            }
            pairs.push((t.to_string(), n.to_string()));
        }
        return Ok(Targets::Named(pairs));
    }
    if words.len() == 1 {
        return Ok(Targets::TypeOnly(first.clone()));
    }
    if words[1..].iter().any(|w| w.contains('/')) {
        return Err(slash_form.into());
    }
    Ok(Targets::Named(words[1..].iter().map(|n| (first.clone(), n.clone())).collect()))
}

/// Named targets only: a type without a name is kubectl's "no name was specified".
fn named(words: &[String], what: &str) -> Result<Vec<(String, String)>, String> {
    match targets(words, what)? {
        Targets::Named(pairs) => Ok(pairs),
        Targets::TypeOnly(_) => Err("error: resource(s) were provided, but no name was specified".into()),
    }
}

/// A `key=value[,key2!=value2]` label selector (`=`, `==`, `!=`): matches?
pub fn selector_matches(selector: &str, labels: &Labels) -> Result<bool, String> {
    let mut ok = true;
    for part in selector.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v, eq) = if let Some((k, v)) = part.split_once("!=") {
            (k, v, false)
        } else if let Some((k, v)) = part.split_once("==") {
            (k, v, true)
        } else if let Some((k, v)) = part.split_once('=') {
            (k, v, true)
        } else {
            return Err(format!("error: Berth's kubectl delete understands label selectors of the form key=value or key!=value; {part:?} is not one"));
        };
        let has = labels.get(k.trim()).map(String::as_str) == Some(v.trim());
        ok &= has == eq;
    }
    Ok(ok)
}

/// Several results in kubectl's way (`ContinueOnError`): what succeeded is printed, then the
/// errors; the command fails if any failed. On success the lines are left to the console's
/// `shell::kubectl_said`.
fn outcome(done: Vec<String>, errors: Vec<String>) -> Result<(), String> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(done.into_iter().chain(errors).collect::<Vec<_>>().join("\n"))
    }
}

fn meta_mut(o: &mut Object) -> &mut ObjectMeta {
    match o {
        Object::Pod(o) => &mut o.meta,
        Object::Deployment(o) => &mut o.meta,
        Object::ReplicaSet(o) => &mut o.meta,
        Object::DaemonSet(o) => &mut o.meta,
        Object::Job(o) => &mut o.meta,
        Object::Service(o) => &mut o.meta,
        Object::Namespace(o) => &mut o.meta,
        Object::ResourceQuota(o) => &mut o.meta,
        Object::LimitRange(o) => &mut o.meta,
        Object::NetworkPolicy(o) => &mut o.meta,
        Object::HorizontalPodAutoscaler(o) => &mut o.meta,
        Object::ConfigMap(o) => &mut o.meta,
        Object::Secret(o) => &mut o.meta,
        Object::PodDisruptionBudget(o) => &mut o.meta,
        Object::PriorityClass(o) => &mut o.meta,
    }
}

/// kube-apiserver's NamespaceLifecycle admission: these namespaces may not be deleted.
const UNDELETABLE: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

impl Engine {
    /// A `kubectl` action: `apply` (with `manifest`), `scale`, `rollout undo`, `cordon`, `drain`...
    pub(crate) fn kubectl(&mut self, args: &str, manifest: Option<&str>) -> Result<(), String> {
        if !self.kube.enabled {
            return Err(format!("kubectl {args}: this scenario has no Kubernetes cluster (add a \"kubernetes\" section)"));
        }
        let l = Line::parse(args)?;
        let ns = l.ns().to_string();
        let r = match l.verb.as_str() {
            "apply" => {
                Self::k_stdin_only(&l)?;
                let text = manifest.ok_or("error: must specify a manifest (the action's \"manifest\" field) for kubectl apply")?;
                let objects = self.k_objects(text, &l)?;
                self.k_apply(objects).map(|_| ())
            }
            "create" => match l.sub.as_deref() {
                None => {
                    Self::k_stdin_only(&l)?;
                    let text = manifest.ok_or("error: must specify one of -f and -k")?;
                    let objects = self.k_objects(text, &l)?;
                    self.k_create(objects)
                }
                Some("namespace" | "ns") => self.k_create_namespace(&l),
                _ => self.k_create_deployment(&l),
            },
            "scale" => {
                let pairs = named(&l.words, "scale")?;
                if pairs.iter().any(|(t, _)| matches!(t.to_lowercase().as_str(), "nodegroup" | "nodegroups" | "ng")) {
                    if l.flag("replicas").is_some() {
                        return Err("error: unknown flag: --replicas".into());
                    }
                    let n = l.int("nodes").ok_or("error: --nodes is required")?;
                    let [(_, name)] = pairs.as_slice() else { return Err("error: scale one nodegroup at a time".into()) };
                    return self.k_scale_nodegroup(name, n);
                }
                if l.flag("nodes").is_some() {
                    return Err("error: unknown flag: --nodes".into());
                }
                let n = l.int("replicas").ok_or("error: required flag(s) \"replicas\" not set")?;
                // scale.go Validate.
                if n < 0 {
                    return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
                }
                if n > 5000 {
                    return Err(format!("error: --replicas={n}: Berth allows at most 5000"));
                }
                let (mut done, mut errors) = (Vec::new(), Vec::new());
                for (t, name) in &pairs {
                    let k = KindInfo::lookup(t)?;
                    match self.k_scale(k, &ns, name, n) {
                        Ok(()) => done.push(format!("{}/{name} scaled", k.printed())),
                        Err(e) => errors.push(e),
                    }
                }
                outcome(done, errors)
            }
            "set" if l.sub.as_deref() == Some("load") => self.k_set_load(&l.words, &ns, l.flag("rps"), manifest),
            "set" => {
                // `set image TYPE/NAME... CONTAINER=IMAGE...`: the resources end at the first pair.
                let split = l.words.iter().position(|w| w.contains('=')).unwrap_or(l.words.len());
                let pairs_text = &l.words[split..];
                let pairs = named(&l.words[..split], "set image")?;
                if pairs_text.is_empty() {
                    return Err("error: at least one image update is required".into());
                }
                let (mut done, mut errors) = (Vec::new(), Vec::new());
                for (t, name) in &pairs {
                    let k = KindInfo::lookup(t)?;
                    if k.kind != "Deployment" {
                        return Err(format!("error: set image: Berth supports deployments, not {}", k.resource));
                    }
                    let d = match self.kube.deployments.get_mut(&key(&ns, name)) {
                        Some(d) => d,
                        None => {
                            errors.push(k.not_found(name));
                            continue;
                        }
                    };
                    let mut template = d.d.template.clone();
                    for p in pairs_text {
                        let (c, img) = p.split_once('=').ok_or_else(|| format!("error: {p:?}: expected CONTAINER=IMAGE"))?;
                        let mut found = false;
                        for cont in template.spec.containers.iter_mut().filter(|x| x.name == c || c == "*") {
                            cont.image = img.to_string();
                            found = true;
                        }
                        if !found {
                            return Err(format!("error: unable to find container named \"{c}\""));
                        }
                    }
                    d.d.template = template;
                    done.push(format!("{}/{name} image updated", k.printed()));
                }
                outcome(done, errors)
            }
            "rollout" => {
                let sub = l.sub.clone().unwrap_or_default();
                let pairs = named(&l.words, "rollout")?;
                let (mut done, mut errors) = (Vec::new(), Vec::new());
                for (t, name) in &pairs {
                    let k = KindInfo::lookup(t)?;
                    if k.kind != "Deployment" {
                        return Err(format!("error: rollout {sub}: Berth supports deployments, not {}", k.resource));
                    }
                    match self.k_rollout(&sub, &ns, name, l.int("to-revision").unwrap_or(0)) {
                        Ok(word) => done.push(format!("deployment.apps/{name} {word}")),
                        Err(e) => errors.push(e),
                    }
                }
                outcome(done, errors)
            }
            "cordon" | "uncordon" => {
                let nodes = self.k_node_args(&l.words)?;
                for node in &nodes {
                    self.k_cordon(node, l.verb == "cordon");
                }
                Ok(())
            }
            "drain" => {
                let nodes = self.k_node_args(&l.words)?;
                self.k_drain(&nodes, l.on("ignore-daemonsets"), l.on("force"))
            }
            "delete" => self.k_delete(&l),
            _ => Err(unknown_command(&l.verb)),
        };
        self.kube_reconcile();
        r
    }

    /// `-f -` (or no `-f`): the manifest is the action's `manifest` field (the console's box).
    fn k_stdin_only(l: &Line) -> Result<(), String> {
        match l.values("filename").into_iter().find(|f| *f != "-") {
            Some(path) => Err(format!("error: the path {path:?} does not exist (Berth has no files: use -f - and give the YAML as the action's manifest)")),
            None => Ok(()),
        }
    }

    /// The manifest's objects; with `-n NS`, objects without a namespace go to NS and one in
    /// another namespace is refused, as kubectl does (cli-runtime resource/visitor.go).
    fn k_objects(&mut self, text: &str, l: &Line) -> Result<Vec<Object>, String> {
        let m = super::manifest::parse(text);
        if m.has_errors() {
            // The same positioned errors as a scenario's manifests (nothing is applied).
            return self.k_apply_text(text, "manifest").map(|_| Vec::new());
        }
        let mut objects: Vec<Object> = m.objects.into_iter().map(|p| p.object).collect();
        if let Some(ns) = &l.namespace {
            for o in &mut objects {
                if KindInfo::of_kind(o.kind()).is_some_and(|k| !k.namespaced) {
                    continue;
                }
                let meta = meta_mut(o);
                match &meta.namespace {
                    Some(own) if own != ns => {
                        return Err(format!("error: the namespace from the provided object {own:?} does not match the namespace {ns:?}. You must pass '--namespace={own}' to perform this operation."));
                    }
                    _ => meta.namespace = Some(ns.clone()),
                }
            }
        }
        Ok(objects)
    }

    /// Does this object exist (the API server's `AlreadyExists` check, and whether an apply
    /// creates it)?
    pub(crate) fn k_exists(&self, kind: &str, ns: &str, name: &str) -> bool {
        let k = key(ns, name);
        match kind {
            "Namespace" => self.kube.namespaces.contains_key(name),
            "Pod" => self.kube.pods.contains_key(&k),
            "Deployment" => self.kube.deployments.contains_key(&k),
            "ReplicaSet" => self.kube.replica_sets.contains_key(&k),
            "DaemonSet" => self.kube.daemon_sets.contains_key(&k),
            "Job" => self.kube.jobs.contains_key(&k),
            "PriorityClass" => self.kube.objects.keys().any(|o| o.starts_with("PriorityClass/") && o.rsplit('/').next() == Some(name)),
            other => self.kube.objects.contains_key(&format!("{other}/{k}")),
        }
    }

    /// `kubectl create -f -`: each object is created, or refused when it exists
    /// (`Error from server (AlreadyExists): error when creating "STDIN": deployments.apps "web"
    /// already exists`, cmdutil.AddSourceToErr); the others are still created (ContinueOnError).
    fn k_create(&mut self, objects: Vec<Object>) -> Result<(), String> {
        let (mut fresh, mut done, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        let mut seen: Vec<(String, String, String)> = Vec::new();
        for o in objects {
            let (kind, name) = (o.kind(), o.meta().name.clone());
            let ns = ns_of(o.meta());
            let info = KindInfo::of_kind(kind);
            let id = (kind.to_string(), if info.is_some_and(|k| !k.namespaced) { String::new() } else { ns.clone() }, name.clone());
            if self.k_exists(kind, &ns, &name) || seen.contains(&id) {
                let resource = info.map(|k| k.resource_group()).unwrap_or_else(|| kind.to_lowercase());
                errors.push(format!("Error from server (AlreadyExists): error when creating \"STDIN\": {resource} {name:?} already exists"));
                continue;
            }
            seen.push(id);
            done.push(format!("{}/{name} created", info.map(|k| k.printed()).unwrap_or_else(|| kind.to_lowercase())));
            fresh.push(o);
        }
        self.k_apply(fresh)?;
        outcome(done, errors)
    }

    /// `kubectl create namespace NAME` (create_namespace.go).
    fn k_create_namespace(&mut self, l: &Line) -> Result<(), String> {
        let [name] = l.words.as_slice() else { return Err(format!("error: exactly one NAME is required, got {}", l.words.len())) };
        if self.kube.namespaces.contains_key(name) {
            return Err(format!("Error from server (AlreadyExists): namespaces {name:?} already exists"));
        }
        let yaml = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {}\n", serde_json::Value::from(name.as_str()));
        let m = super::manifest::parse(&yaml);
        if let Some(d) = m.errors().first() {
            return Err(format!("error: {}", d.message));
        }
        self.k_apply(m.objects.into_iter().map(|p| p.object).collect()).map(|_| ())
    }

    /// `kubectl create deployment NAME --image=IMAGE [--replicas=N] [--port=P]`, as
    /// create_deployment.go builds it: labels `app: NAME` on the Deployment, its selector and its
    /// template; one container per image, named after the image's last path segment without tag
    /// or digest (`registry/team/nginx:1.27` → `nginx`), with `_` and `.` made `-` and five random
    /// characters added (from the engine's seeded name stream); `--port` on the first container.
    /// Words after `--` (a command) are accepted; Berth does not model container commands.
    fn k_create_deployment(&mut self, l: &Line) -> Result<(), String> {
        let name = match l.words.as_slice() {
            [name] => name.clone(),
            other => return Err(format!("error: exactly one NAME is required, got {}", other.len())),
        };
        let images: Vec<String> = l.values("image").iter().flat_map(|v| v.split(',')).filter(|s| !s.is_empty()).map(str::to_string).collect();
        if images.is_empty() {
            return Err("error: required flag(s) \"image\" not set".into());
        }
        if images.len() > 1 && !l.after_dash.is_empty() {
            return Err("error: cannot specify multiple --image options and command".into());
        }
        let ns = l.ns().to_string();
        let replicas = l.int("replicas").unwrap_or(1);
        let fail = |why: String| format!("error: failed to create deployment: {why}");
        if replicas < 0 {
            return Err(fail(format!("Deployment.apps {name:?} is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0")));
        }
        if replicas > 5000 {
            return Err(format!("error: --replicas={replicas}: Berth allows at most 5000"));
        }
        let port = l.int("port").unwrap_or(-1);
        if port == 0 || port > 65535 {
            return Err(fail(format!("Deployment.apps {name:?} is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: {port}: must be between 1 and 65535, inclusive")));
        }
        if !self.kube.namespaces.contains_key(&ns) {
            return Err(fail(format!("namespaces {ns:?} not found")));
        }
        if self.kube.deployments.contains_key(&key(&ns, &name)) {
            return Err(fail(format!("deployments.apps {name:?} already exists")));
        }
        let q = |s: &str| serde_json::Value::from(s).to_string();
        let mut containers = String::new();
        for (i, image) in images.iter().enumerate() {
            let last = image.rsplit('/').next().unwrap_or(image);
            let mut cname = last.split(':').next().unwrap_or(last).split('@').next().unwrap_or(last).to_string();
            if cname.contains(['_', '.']) {
                cname = format!("{}-{}", cname.replace(['_', '.'], "-"), self.k_random_suffix());
            }
            containers.push_str(&format!("        - name: {}\n          image: {}\n", q(&cname), q(image)));
            if i == 0 && port > 0 {
                containers.push_str(&format!("          ports:\n            - containerPort: {port}\n"));
            }
        }
        let n = q(&name);
        let yaml = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {n}\n  namespace: {}\n  labels:\n    app: {n}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {n}\n  template:\n    metadata:\n      labels:\n        app: {n}\n    spec:\n      containers:\n{containers}",
            q(&ns)
        );
        let m = super::manifest::parse(&yaml);
        if let Some(d) = m.errors().first() {
            let at = if d.path.is_empty() { String::new() } else { format!("{}: ", d.path) };
            return Err(fail(format!("Deployment.apps {name:?} is invalid: {at}{}", d.message)));
        }
        self.k_apply(m.objects.into_iter().map(|p| p.object).collect()).map(|_| ())
    }

    /// `rollout undo|restart|pause|resume|status|history` of one Deployment: the word kubectl
    /// prints after `deployment.apps/NAME`.
    fn k_rollout(&mut self, sub: &str, ns: &str, name: &str, to_revision: i64) -> Result<&'static str, String> {
        let dkey = key(ns, name);
        let Some(d) = self.kube.deployments.get_mut(&dkey) else { return Err(format!("Error from server (NotFound): deployments.apps \"{name}\" not found")) };
        match sub {
            "undo" => self.k_rollout_undo(&dkey, to_revision).map(|_| "rolled back"),
            "restart" => {
                // polymorphichelpers/objectrestarter.go, printed by rollout_restart.go.
                if d.d.paused {
                    return Err(format!("error: deployments.apps {name:?} can't restart paused deployment (run rollout resume first)"));
                }
                let now = crate::engine::time::Clock(self.now()).to_string();
                if let Some(d) = self.kube.deployments.get_mut(&dkey) {
                    d.d.template.meta.annotations.insert("kubectl.kubernetes.io/restartedAt".into(), now);
                }
                Ok("restarted")
            }
            "pause" | "resume" => {
                d.d.paused = sub == "pause";
                Ok(if sub == "pause" { "paused" } else { "resumed" })
            }
            _ => Ok(""),
        }
    }

    /// The node names of `cordon`, `uncordon` and `drain` (`node/NAME` too); each must exist.
    fn k_node_args(&self, words: &[String]) -> Result<Vec<String>, String> {
        if words.is_empty() {
            return Err("error: USAGE: drain|cordon|uncordon NODE [flags]: a node name is required".into());
        }
        let mut out = Vec::new();
        for w in words {
            let n = w.strip_prefix("node/").or_else(|| w.strip_prefix("nodes/")).unwrap_or(w).to_string();
            if !self.kube.nodes.iter().any(|x| x.name == n) {
                return Err(format!("Error from server (NotFound): nodes \"{n}\" not found"));
            }
            out.push(n);
        }
        Ok(out)
    }

    /// `kubectl drain` (kubectl pkg/cmd/drain/drain.go `RunDrain` and pkg/drain/filters.go):
    /// every node is cordoned first; then its pods are listed, and a DaemonSet-managed pod
    /// (without `--ignore-daemonsets`) or a pod that declares no controller (without `--force`)
    /// stops the drain of that node with kubectl's message — the node stays cordoned and no pod
    /// is evicted, as with kubectl. Otherwise every pod but the DaemonSet ones is evicted
    /// through the budgets (`k_drain_pass`).
    fn k_drain(&mut self, nodes: &[String], ignore_daemonsets: bool, force: bool) -> Result<(), String> {
        for node in nodes {
            self.k_cordon(node, true);
        }
        let mut errors = Vec::new();
        for node in nodes {
            let on = |p: &&PodState| p.node.as_deref() == Some(node.as_str()) && p.active();
            let daemon: Vec<String> = self.kube.pods.values().filter(on).filter(|p| p.owner.as_ref().is_some_and(|(k, _)| k == "DaemonSet")).map(|p| key(&p.namespace, p.name())).collect();
            let bare: Vec<String> = self.kube.pods.values().filter(on).filter(|p| p.owner.is_none()).map(|p| key(&p.namespace, p.name())).collect();
            let mut fatal = Vec::new();
            if !daemon.is_empty() && !ignore_daemonsets {
                fatal.push(format!("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}", daemon.join(", ")));
            }
            if !bare.is_empty() && !force {
                fatal.push(format!("cannot delete Pods that declare no controller (use --force to override): {}", bare.join(", ")));
            }
            if !fatal.is_empty() {
                // utilerrors.NewAggregate: one error as is, several in brackets.
                let e = if fatal.len() == 1 { fatal.remove(0) } else { format!("[{}]", fatal.join(", ")) };
                errors.push(format!("error: unable to drain node \"{node}\" due to error: {e}"));
                continue;
            }
            self.kube.draining.insert(node.clone(), force);
            self.k_drain_pass(node);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }

    /// `kubectl delete` (delete.go): by `TYPE NAME...` / `TYPE/NAME...`, or `TYPE --all`, or
    /// `pods -l key=value`. `--force` (with no grace period, or `--grace-period=0`) deletes at once;
    /// otherwise pods get their own `terminationGracePeriodSeconds`.
    fn k_delete(&mut self, l: &Line) -> Result<(), String> {
        let ns = l.ns().to_string();
        let (all, selector, force, now) = (l.on("all"), l.flag("selector").flatten().map(str::to_string), l.on("force"), l.on("now"));
        // delete.go Complete and Validate.
        let given_grace = l.int("grace-period");
        if now && given_grace.is_some() {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        let mut grace = given_grace.unwrap_or(-1);
        if now {
            grace = 1;
        }
        if grace == 0 && !force {
            grace = 1;
        }
        if force && grace < 0 {
            grace = 0;
        }
        if force && grace > 0 {
            return Err("error: --force and --grace-period greater than 0 cannot be specified together".into());
        }
        if grace > 0 {
            let given = if now { "--now".to_string() } else { format!("--grace-period={}", given_grace.unwrap_or(grace)) };
            return Err(format!("error: {given}: Berth gives a deleted pod its own terminationGracePeriodSeconds (or none with --force); nothing was changed"));
        }
        if all && selector.is_some() {
            return Err("error: cannot set --all and --selector at the same time".into());
        }
        let immediate = grace == 0;
        let pairs: Vec<(&'static KindInfo, String)> = match targets(&l.words, "delete")? {
            Targets::Named(pairs) => {
                if all || selector.is_some() {
                    return Err("error: name cannot be provided when a selector is specified".into());
                }
                let mut out = Vec::new();
                for (t, n) in pairs {
                    out.push((KindInfo::lookup(&t)?, n));
                }
                out
            }
            Targets::TypeOnly(t) => {
                let k = KindInfo::lookup(&t)?;
                match (all, &selector) {
                    (true, _) => self.k_names(k, &ns).into_iter().map(|n| (k, n)).collect(),
                    (false, Some(sel)) => {
                        if k.kind != "Pod" {
                            return Err(format!("error: Berth's kubectl delete -l selects pods only, not {}", k.resource));
                        }
                        let mut out = Vec::new();
                        for p in self.kube.pods.values().filter(|p| p.namespace == ns) {
                            if selector_matches(sel, &p.pod.meta.labels)? {
                                out.push((k, p.name().to_string()));
                            }
                        }
                        out
                    }
                    (false, None) => return Err("error: resource(s) were provided, but no name was specified".into()),
                }
            }
        };
        let (mut done, mut errors) = (Vec::new(), Vec::new());
        for (k, name) in pairs {
            match self.k_delete_one(k, &ns, &name, immediate) {
                Ok(()) => done.push(k.deleted(&name, &ns, immediate)),
                Err(e) => errors.push(e),
            }
        }
        outcome(done, errors)
    }

    /// The names of every object of a kind in a namespace (for `--all`), in the API's order.
    fn k_names(&self, k: &KindInfo, ns: &str) -> Vec<String> {
        let prefix = format!("{ns}/");
        let strip = |s: &String| s.strip_prefix(&prefix).map(str::to_string);
        match k.kind {
            "Pod" => self.kube.pods.keys().filter_map(strip).collect(),
            "Deployment" => self.kube.deployments.keys().filter_map(strip).collect(),
            "ReplicaSet" => self.kube.replica_sets.keys().filter_map(strip).collect(),
            "DaemonSet" => self.kube.daemon_sets.keys().filter_map(strip).collect(),
            "Job" => self.kube.jobs.keys().filter_map(strip).collect(),
            "Namespace" => self.kube.namespaces.keys().cloned().collect(),
            "Node" => self.kube.nodes.iter().map(|n| n.name.clone()).collect(),
            "PriorityClass" => self.kube.objects.keys().filter(|o| o.starts_with("PriorityClass/")).filter_map(|o| o.rsplit('/').next().map(str::to_string)).collect(),
            kind => {
                let prefix = format!("{kind}/{ns}/");
                self.kube.objects.keys().filter_map(|o| o.strip_prefix(&prefix).map(str::to_string)).collect()
            }
        }
    }

    /// Deletes one object (its dependents too: a Deployment's ReplicaSets and pods, a
    /// namespace's contents).
    fn k_delete_one(&mut self, k: &KindInfo, ns: &str, name: &str, immediate: bool) -> Result<(), String> {
        let nk = key(ns, name);
        match k.kind {
            "Pod" => {
                // A terminating pod is still there: deleting it again changes nothing (but
                // `--force` removes it at once).
                if !self.kube.pods.contains_key(&nk) {
                    return Err(k.not_found(name));
                }
                if immediate {
                    // Force deletion: the API object goes at once (the kubelet is not waited for).
                    self.k_remove_pod(&nk);
                } else {
                    self.k_delete_pod(&nk, "Deleted by kubectl");
                }
                Ok(())
            }
            "Deployment" => {
                self.kube.deployments.remove(&nk).ok_or_else(|| k.not_found(name))?;
                // Cascading deletion: its ReplicaSets and their pods.
                for rk in self.k_owned_rs(&nk) {
                    self.k_delete_rs(&rk);
                }
                Ok(())
            }
            "ReplicaSet" => {
                if !self.kube.replica_sets.contains_key(&nk) {
                    return Err(k.not_found(name));
                }
                self.k_delete_rs(&nk);
                Ok(())
            }
            "DaemonSet" => {
                self.kube.daemon_sets.remove(&nk).ok_or_else(|| k.not_found(name))?;
                let pods: Vec<String> = self.kube.pods.values().filter(|p| p.namespace == ns && p.owned_by("DaemonSet", name)).map(|p| key(&p.namespace, p.name())).collect();
                for pk in pods {
                    self.k_delete_pod(&pk, "DaemonSet deleted");
                }
                Ok(())
            }
            "Service" => self.k_delete_service(ns, name),
            "Job" => self.k_delete_job(ns, name),
            "Namespace" => self.k_delete_namespace(name),
            "Node" => Err(format!("error: Berth does not delete Node objects: drain {name}, then terminate it (✕ on its card) or scale its node group down")),
            "PriorityClass" => {
                let found = self.kube.objects.keys().find(|o| o.starts_with("PriorityClass/") && o.rsplit('/').next() == Some(name)).cloned().ok_or_else(|| k.not_found(name))?;
                self.kube.objects.remove(&found);
                Ok(())
            }
            kind => {
                self.kube.objects.remove(&format!("{kind}/{nk}")).ok_or_else(|| k.not_found(name))?;
                if matches!(kind, "ResourceQuota" | "LimitRange") {
                    // Admission changed: a ReplicaSet held back may create its pods now.
                    self.kube.version += 1;
                }
                Ok(())
            }
        }
    }

    /// `kubectl delete namespace NAME`: the namespace controller deletes everything in it (pods
    /// gracefully). Simplified: the namespace itself is gone at once (no `Terminating` phase).
    fn k_delete_namespace(&mut self, name: &str) -> Result<(), String> {
        if UNDELETABLE.contains(&name) {
            return Err(format!("Error from server (Forbidden): namespaces {name:?} is forbidden: this namespace may not be deleted"));
        }
        if !self.kube.namespaces.contains_key(name) {
            return Err(format!("Error from server (NotFound): namespaces {name:?} not found"));
        }
        for kind in ["Deployment", "ReplicaSet", "DaemonSet", "Job", "Service", "Pod"] {
            let k = KindInfo::of_kind(kind).expect("a modelled kind");
            for n in self.k_names(k, name) {
                let _ = self.k_delete_one(k, name, &n, false);
            }
        }
        let inside = format!("/{name}/");
        self.kube.objects.retain(|o, _| o.starts_with("PriorityClass/") || !o.contains(&inside));
        let prefix = format!("{name}/");
        self.kube.loads.retain(|k, _| !k.starts_with(&prefix));
        self.kube.service_loads.retain(|k, _| !k.starts_with(&prefix));
        self.kube.namespaces.remove(name);
        self.kube.version += 1;
        Ok(())
    }

    fn k_delete_rs(&mut self, rk: &str) {
        let Some(r) = self.kube.replica_sets.remove(rk) else { return };
        let pods: Vec<String> = self.kube.pods.values().filter(|p| p.namespace == r.namespace && p.owned_by("ReplicaSet", &r.rs.meta.name)).map(|p| key(&p.namespace, p.name())).collect();
        for pk in pods {
            self.k_delete_pod(&pk, "owner deleted");
        }
    }

    fn k_scale(&mut self, k: &KindInfo, ns: &str, name: &str, n: i64) -> Result<(), String> {
        match k.kind {
            "Deployment" => {
                let d = self.kube.deployments.get_mut(&key(ns, name)).ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?;
                let from = d.d.replicas;
                d.d.replicas = n;
                let revision = d.complete_revision;
                self.emit(EventKind::DeploymentRollout { deployment: name.to_string(), namespace: ns.to_string(), revision, status: "scaled".into(), message: format!("deployment.apps/{name} scaled from {from} to {n}") });
                Ok(())
            }
            "ReplicaSet" => {
                let r = self.kube.replica_sets.get_mut(&key(ns, name)).ok_or_else(|| format!("Error from server (NotFound): replicasets.apps \"{name}\" not found"))?;
                r.rs.replicas = n;
                Ok(())
            }
            _ => Err(format!("error: scale {}: Berth scales deployments and replicasets (and nodegroups)", k.resource)),
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

    /// The PodDisruptionBudget that forbids evicting this pod now, if any (its name), as the
    /// Eviction API decides (pkg/registry/core/pod/storage/eviction.go):
    /// * `canIgnorePDB`: a pod that is Pending (not started: ContainerCreating, `Init:…`), has
    ///   finished, or is already being deleted is deleted without consulting any budget;
    /// * a Running pod that is not Ready does not count as healthy, so evicting it costs the
    ///   budget nothing: with `unhealthyPodEvictionPolicy: AlwaysAllow` it is always evicted, and
    ///   with the default `IfHealthyBudget` when `currentHealthy >= desiredHealthy` and
    ///   `desiredHealthy > 0`;
    /// * otherwise `checkAndDecrement`: refused (429) while `disruptionsAllowed` is 0.
    pub(crate) fn k_eviction_blocked(&self, p: &PodState) -> Option<String> {
        if p.phase == PodPhase::Pending || p.terminal() || p.terminating {
            return None;
        }
        for o in self.kube.objects.values() {
            let Object::PodDisruptionBudget(pdb) = o else { continue };
            if ns_of(&pdb.meta) != p.namespace || !pdb.selector.matches(&p.pod.meta.labels) {
                continue;
            }
            let st = self.k_pdb_status(pdb);
            if !p.ready && (pdb.always_allow_unhealthy || (st.current_healthy >= st.desired_healthy && st.desired_healthy > 0)) {
                continue;
            }
            if st.current_healthy - st.desired_healthy <= 0 {
                return Some(pdb.meta.name.clone());
            }
        }
        None
    }

    /// A budget's `status.disruptionsAllowed`: `currentHealthy − desiredHealthy` (may be ≤ 0).
    pub(crate) fn k_pdb_disruptions_allowed(&self, pdb: &PodDisruptionBudget) -> i64 {
        let st = self.k_pdb_status(pdb);
        st.current_healthy - st.desired_healthy
    }

    /// The disruption controller's `status` of a budget (pkg/controller/disruption
    /// `getExpectedPodCount`, `countHealthyPods`): healthy, desired healthy and expected pods.
    pub(crate) fn k_pdb_status(&self, pdb: &PodDisruptionBudget) -> PdbStatus {
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
        PdbStatus { current_healthy: healthy, desired_healthy, expected_pods: expected }
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
        let [(t, name)] = named(words, "set load")?.try_into().map_err(|_| "error: set load: one deployment or service at a time".to_string())?;
        let kind = KindInfo::lookup(&t)?.kind.to_lowercase();
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

/// A PodDisruptionBudget's `status` counts ([`Engine::k_pdb_status`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PdbStatus {
    pub current_healthy: i64,
    pub desired_healthy: i64,
    pub expected_pods: i64,
}
