//! Kubernetes manifests (multi-document YAML) into typed [`Object`]s, with the checks the API
//! server makes (required fields, types, enum values, names, selectors that must match template
//! labels, requests ≤ limits, ...) and warnings for unknown fields. Every diagnostic carries the
//! `line:col` of the offending value and its field path, e.g.
//! `spec.template.spec.containers[0].resources.limits.memory: unable to parse quantity's suffix: "500mi"; did you mean 500Mi?`
//! (the API server's words first, then Berth's hint). Unit slips the API server accepts
//! (`cpu: 500`, `memory: 256`) are lint warnings.
//!
//! Defaults follow `pkg/apis/core/v1/defaults.go`, `pkg/apis/apps/v1/defaults.go`,
//! `pkg/apis/batch/v1/defaults.go` and `pkg/apis/autoscaling/v2/defaults.go` in kubernetes/kubernetes.

use crate::engine::autoscaling::hpa::{PolicyKind, ScalingPolicy, ScalingRules, SelectPolicy};
use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::sort;
use crate::engine::time::SECOND;

use super::model::*;
use super::reader::{closest, dns1123_label_error, dns1123_subdomain_error, join, Reader};
use super::yaml::{self, Limits, Node, Scalar, Value};

/// One object read from a manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub object: Object,
    /// 0-based document index in the file.
    pub document: usize,
    /// Where the document's top-level mapping starts.
    pub pos: Pos,
}

/// The result of reading a manifest file: objects from documents without errors, and every
/// diagnostic (errors and warnings) in file order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifest {
    pub objects: Vec<Parsed>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Manifest {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error()).collect()
    }

    /// The unknown fields as the kubectl console reports them after an apply, in the form
    /// `kubectl apply --validate=warn` prints (`Warning: unknown field "spec.replica"`), with the
    /// line and Berth's suggestion. kubectl's default (`--validate=strict`) would refuse the
    /// manifest instead; Berth applies it without the field, so the learner must be told.
    pub fn unknown_field_warnings(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| !d.is_error() && d.rule == "k8s-unknown-field")
            .map(|d| {
                let hint = d.message.find("; did you mean").map_or(".", |i| &d.message[i..]);
                format!("Warning: unknown field {:?} (line {}){hint} It was ignored; kubectl's default strict validation would refuse the manifest.", d.path, d.pos.line)
            })
            .collect()
    }
}

/// The kinds Berth reads, with the apiVersion each is served at.
pub const KINDS: &[(&str, &str)] = &[
    ("Pod", "v1"),
    ("Service", "v1"),
    ("Namespace", "v1"),
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("ResourceQuota", "v1"),
    ("LimitRange", "v1"),
    ("Deployment", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ("PodDisruptionBudget", "policy/v1"),
    ("PriorityClass", "scheduling.k8s.io/v1"),
];

/// Reads every document with the default [`Limits`].
pub fn parse(text: &str) -> Manifest {
    parse_with_limits(text, &Limits::default())
}

pub fn parse_with_limits(text: &str, limits: &Limits) -> Manifest {
    let (docs, mut diagnostics) = yaml::parse_stream(text, limits);
    let mut objects = Vec::new();
    for doc in docs {
        let Some(root) = doc.root else { continue };
        let mut r = Reader::new();
        let obj = read_object(&mut r, &root);
        let failed = r.error_count() > 0;
        diagnostics.extend(r.diags);
        if let (Some(object), false) = (obj, failed) {
            objects.push(Parsed { object, document: doc.index, pos: root.pos });
        }
    }
    sort::sort_by_key(&mut diagnostics, |d| d.pos.offset);
    Manifest { objects, diagnostics }
}

const META_IGNORED: &[&str] = &[
    "generateName", "uid", "resourceVersion", "generation", "creationTimestamp", "finalizers",
    "ownerReferences", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink",
];

fn read_object(r: &mut Reader, root: &Node) -> Option<Object> {
    if !matches!(root.value, Value::Map(_)) {
        r.error(root.pos, "", "k8s-type", format!("a Kubernetes object must be a mapping with apiVersion, kind and metadata, got {}", root.describe()));
        return None;
    }
    let kind = r.req_string(root, "kind", "");
    let api = r.req_string(root, "apiVersion", "");
    let (kind, api) = (kind?, api?);
    let kind_pos = root.get("kind").map(|n| n.pos).unwrap_or(root.pos);
    let api_pos = root.get("apiVersion").map(|n| n.pos).unwrap_or(root.pos);
    let Some((k, want_api)) = KINDS.iter().find(|(k, _)| *k == kind) else {
        let names: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
        let hint = match closest(&kind, &names) {
            Some(s) => format!("; did you mean {s}?"),
            None => format!(" (Berth understands {})", names.join(", ")),
        };
        r.error(kind_pos, "kind", "k8s-kind", format!("no matches for kind {kind:?} in version {api:?}{hint}"));
        return None;
    };
    let api_ok = api == *want_api || (*k == "HorizontalPodAutoscaler" && api == "autoscaling/v1");
    if !api_ok {
        r.error(api_pos, "apiVersion", "k8s-api-version", format!("no matches for kind {kind:?} in version {api:?}; {kind} is served as apiVersion: {want_api}"));
        return None;
    }
    let mut top = vec!["apiVersion", "kind", "metadata"];
    let ignored: &[&str] = &["status"];
    match *k {
        "ConfigMap" => top.extend(["data", "binaryData", "immutable"]),
        "Secret" => top.extend(["data", "stringData", "type", "immutable"]),
        "Namespace" => top.push("spec"),
        "PriorityClass" => top.extend(["value", "globalDefault", "preemptionPolicy", "description"]),
        _ => top.push("spec"),
    }
    r.fields(root, "", &top, ignored);
    let meta = read_meta(r, root, k);
    let spec = r.get(root, "spec");
    let needs_spec = !matches!(*k, "ConfigMap" | "Secret" | "Namespace" | "PriorityClass");
    if needs_spec && spec.is_none() {
        r.required(root, "", "spec");
        return None;
    }
    let empty = Node { pos: root.pos, value: Value::Map(Vec::new()) };
    let spec = spec.unwrap_or(&empty);
    if needs_spec && !r.is_map(spec, "spec") {
        return None;
    }
    Some(match *k {
        "Pod" => Object::Pod(Pod { meta, spec: read_pod_spec(r, spec, "spec", PodOwner::Pod) }),
        "Deployment" => Object::Deployment(read_deployment(r, meta, spec)),
        "ReplicaSet" => {
            r.fields(spec, "spec", &["replicas", "selector", "template", "minReadySeconds"], &[]);
            let (selector, template) = read_selector_and_template(r, spec, "ReplicaSet", PodOwner::Controller);
            Object::ReplicaSet(ReplicaSet {
                meta,
                replicas: r.int_min(spec, "replicas", "spec", 0, 1),
                selector,
                template,
                min_ready_seconds: r.int_min(spec, "minReadySeconds", "spec", 0, 0),
            })
        }
        "DaemonSet" => Object::DaemonSet(read_daemonset(r, meta, spec)),
        "Job" => Object::Job(read_job(r, meta, spec)),
        "Service" => Object::Service(read_service(r, meta, spec)),
        "Namespace" => Object::Namespace(Namespace { meta }),
        "ResourceQuota" => Object::ResourceQuota(read_quota(r, meta, spec)),
        "LimitRange" => Object::LimitRange(read_limit_range(r, meta, spec)),
        "NetworkPolicy" => Object::NetworkPolicy(read_network_policy(r, meta, spec)),
        "HorizontalPodAutoscaler" => Object::HorizontalPodAutoscaler(read_hpa(r, meta, spec, &api)),
        "PodDisruptionBudget" => Object::PodDisruptionBudget(read_pdb(r, meta, spec)?),
        "PriorityClass" => Object::PriorityClass(read_priority_class(r, meta, root)?),
        "ConfigMap" => {
            let mut keys = data_keys(r, root, "data");
            keys.extend(data_keys(r, root, "binaryData"));
            Object::ConfigMap(ConfigMap { meta, keys })
        }
        "Secret" => {
            let mut keys = data_keys(r, root, "data");
            keys.extend(data_keys(r, root, "stringData"));
            sort::sort(&mut keys);
            keys.dedup();
            let secret_type = r.opt_string(root, "type", "").unwrap_or_else(|| "Opaque".into());
            Object::Secret(Secret { meta, secret_type, keys })
        }
        _ => return None,
    })
}

fn data_keys(r: &mut Reader, root: &Node, key: &str) -> Vec<String> {
    match r.get(root, key) {
        Some(n) if r.is_map(n, key) => n.entries().iter().map(|(k, _, _)| k.clone()).collect(),
        _ => Vec::new(),
    }
}

fn read_meta(r: &mut Reader, obj: &Node, kind: &str) -> ObjectMeta {
    let mut meta = ObjectMeta { pos: obj.pos, ..Default::default() };
    let Some(m) = r.get(obj, "metadata") else {
        r.required(obj, "", "metadata");
        return meta;
    };
    if !r.fields(m, "metadata", &["name", "namespace", "labels", "annotations"], META_IGNORED) {
        return meta;
    }
    meta.pos = m.pos;
    if let Some(name) = r.req_string(m, "name", "metadata") {
        let label_only = matches!(kind, "Service" | "Namespace");
        let err = if label_only { dns1123_label_error(&name) } else { dns1123_subdomain_error(&name) };
        if let Some(msg) = err {
            let pos = m.get("name").map(|n| n.pos).unwrap_or(m.pos);
            r.error(pos, "metadata.name", "k8s-name", format!("Invalid value: {name:?}: {msg}"));
        }
        meta.name = name;
    }
    if let Some(ns) = r.opt_string(m, "namespace", "metadata") {
        if kind == "Namespace" {
            let pos = m.get("namespace").map(|n| n.pos).unwrap_or(m.pos);
            r.warning(pos, "metadata.namespace", "k8s-cluster-scoped", "a Namespace is not namespaced; this field is ignored");
        } else {
            if let Some(msg) = dns1123_label_error(&ns) {
                let pos = m.get("namespace").map(|n| n.pos).unwrap_or(m.pos);
                r.error(pos, "metadata.namespace", "k8s-name", format!("Invalid value: {ns:?}: {msg}"));
            }
            meta.namespace = Some(ns);
        }
    }
    if let Some(l) = r.get(m, "labels") {
        meta.labels = r.labels(l, "metadata.labels");
    }
    if let Some(a) = r.get(m, "annotations") {
        meta.annotations = r.string_map(a, "metadata.annotations");
    }
    meta
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PodOwner {
    Pod,
    /// Deployment, ReplicaSet, DaemonSet: restartPolicy must be Always.
    Controller,
    Job,
}

const POD_SPEC_KNOWN: &[&str] = &[
    "containers", "initContainers", "nodeName", "nodeSelector", "affinity", "tolerations",
    "topologySpreadConstraints", "priority", "priorityClassName", "schedulerName", "restartPolicy",
    "terminationGracePeriodSeconds", "hostNetwork", "volumes", "overhead",
];
const POD_SPEC_IGNORED: &[&str] = &[
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "securityContext",
    "imagePullSecrets", "dnsPolicy", "dnsConfig", "hostname", "subdomain", "hostPID", "hostIPC",
    "shareProcessNamespace", "runtimeClassName", "enableServiceLinks", "preemptionPolicy",
    "readinessGates", "activeDeadlineSeconds", "ephemeralContainers", "hostAliases", "os",
    "setHostnameAsFQDN", "schedulingGates", "resourceClaims", "hostUsers", "resources",
];

fn read_pod_spec(r: &mut Reader, spec: &Node, path: &str, owner: PodOwner) -> PodSpec {
    let mut ps = PodSpec::default();
    if !r.fields(spec, path, POD_SPEC_KNOWN, POD_SPEC_IGNORED) {
        return ps;
    }
    match r.get(spec, "containers") {
        Some(c) => {
            let cpath = join(path, "containers");
            for (n, p) in r.list(c, &cpath) {
                if let Some(c) = read_container(r, n, &p) {
                    // validateContainers: "These fields are disallowed for regular containers"
                    // (kubernetes/kubernetes pkg/apis/core/validation/validation.go).
                    if let Some(rp) = r.get(n, "restartPolicy") {
                        r.error(rp.pos, &join(&p, "restartPolicy"), "k8s-forbidden", "Forbidden: may not be set for non-init containers");
                    }
                    ps.containers.push(c);
                }
            }
            if ps.containers.is_empty() && matches!(c.value, Value::Seq(_)) {
                r.error(c.pos, &cpath, "k8s-required", "Required value: a pod needs at least one container");
            }
        }
        None => r.required(spec, path, "containers"),
    }
    for (n, p) in r.opt_list(spec, "initContainers", path) {
        if let Some(c) = read_container(r, n, &p) {
            // validateInitContainers (validation.go): `restartPolicy` may only be `Always` (a
            // native sidecar, validateInitContainerRestartPolicy's field.NotSupported); a regular
            // init container may not have probes ("may not be set for init containers without
            // restartPolicy=Always").
            let sidecar = match r.get(n, "restartPolicy") {
                Some(rp) => r.enum_value(rp, &join(&p, "restartPolicy"), &[("Always", true)]).unwrap_or(false),
                None => false,
            };
            if !sidecar && r.get(n, "restartPolicy").is_none() {
                for key in ["livenessProbe", "readinessProbe", "startupProbe"] {
                    if let Some(pr) = r.get(n, key) {
                        r.error(pr.pos, &join(&p, key), "k8s-forbidden", "Forbidden: may not be set for init containers without restartPolicy=Always");
                    }
                }
            }
            if sidecar {
                ps.sidecars.push(ps.init_containers.len());
            }
            ps.init_containers.push(c);
        }
    }
    // Container names are unique across containers and init containers: validateContainers
    // checks the containers among themselves, validateInitContainers each init container against
    // the containers and the init containers before it; the error names the duplicate's `name`.
    let mut seen: Vec<&str> = Vec::new();
    let all = ps.containers.iter().enumerate().map(|(i, c)| (c, format!("containers[{i}].name"))).chain(ps.init_containers.iter().enumerate().map(|(i, c)| (c, format!("initContainers[{i}].name"))));
    for (c, at) in all {
        if seen.contains(&c.name.as_str()) {
            r.error(c.pos, &join(path, &at), "k8s-duplicate", format!("Duplicate value: {:?}: container names must be unique within a pod", c.name));
        }
        seen.push(&c.name);
    }
    ps.node_name = r.opt_string(spec, "nodeName", path);
    if let Some(ns) = r.get(spec, "nodeSelector") {
        ps.node_selector = r.string_map(ns, &join(path, "nodeSelector"));
    }
    if let Some(a) = r.get(spec, "affinity") {
        ps.affinity = Some(read_affinity(r, a, &join(path, "affinity")));
    }
    for (n, p) in r.opt_list(spec, "tolerations", path) {
        if let Some(t) = read_toleration(r, n, &p) {
            ps.tolerations.push(t);
        }
    }
    for (n, p) in r.opt_list(spec, "topologySpreadConstraints", path) {
        if let Some(t) = read_spread(r, n, &p) {
            ps.topology_spread_constraints.push(t);
        }
    }
    if let Some(p) = r.opt_int(spec, "priority", path) {
        ps.priority = Some(p.clamp(i32::MIN as i64, i32::MAX as i64) as i32);
    }
    ps.priority_class_name = r.opt_string(spec, "priorityClassName", path);
    if let Some(s) = r.opt_string(spec, "schedulerName", path) {
        ps.scheduler_name = s;
    }
    ps.termination_grace_period_seconds = r.int_min(spec, "terminationGracePeriodSeconds", path, 0, 30);
    ps.host_network = r.opt_bool(spec, "hostNetwork", path).unwrap_or(false);
    // validateDNSPolicy lists them in this order.
    check_enum(r, spec, "dnsPolicy", path, &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]);
    let rp_path = join(path, "restartPolicy");
    let rp = r.get(spec, "restartPolicy").and_then(|n| {
        r.enum_value(n, &rp_path, &[("Always", RestartPolicy::Always), ("OnFailure", RestartPolicy::OnFailure), ("Never", RestartPolicy::Never)])
    });
    match owner {
        PodOwner::Pod => ps.restart_policy = rp.unwrap_or(RestartPolicy::Always),
        PodOwner::Controller => {
            ps.restart_policy = RestartPolicy::Always;
            if let Some(bad) = rp.filter(|p| *p != RestartPolicy::Always) {
                let pos = spec.get("restartPolicy").map(|n| n.pos).unwrap_or(spec.pos);
                r.error(pos, &rp_path, "k8s-enum", format!("Unsupported value: \"{bad:?}\": supported values: \"Always\""));
            }
        }
        PodOwner::Job => match rp {
            Some(RestartPolicy::Always) => {
                let pos = spec.get("restartPolicy").map(|n| n.pos).unwrap_or(spec.pos);
                r.error(pos, &rp_path, "k8s-enum", "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
            }
            Some(p) => ps.restart_policy = p,
            None => {
                if spec.get("restartPolicy").is_none() {
                    r.error(spec.pos, &rp_path, "k8s-required", "Required value: valid values: \"OnFailure\", \"Never\"");
                }
            }
        },
    }
    for (n, p) in r.opt_list(spec, "volumes", path) {
        if !r.is_map(n, &p) {
            continue;
        }
        if let Some(cm) = r.get(n, "configMap") {
            if let Some(name) = r.opt_string(cm, "name", &join(&p, "configMap")) {
                ps.refs.push(ObjectRef::ConfigMap(name));
            }
        }
        if let Some(s) = r.get(n, "secret") {
            if let Some(name) = r.opt_string(s, "secretName", &join(&p, "secret")) {
                ps.refs.push(ObjectRef::Secret(name));
            }
        }
    }
    if let Some(o) = r.get(spec, "overhead") {
        ps.overhead = read_resource_list(r, o, &join(path, "overhead"));
    }
    ps
}

const CONTAINER_KNOWN: &[&str] = &["name", "image", "ports", "resources", "livenessProbe", "readinessProbe", "startupProbe", "env", "envFrom", "restartPolicy", "command", "args"];
const CONTAINER_IGNORED: &[&str] = &[
    "workingDir", "volumeMounts", "imagePullPolicy", "securityContext", "lifecycle",
    "terminationMessagePath", "terminationMessagePolicy", "stdin", "stdinOnce", "tty", "volumeDevices",
    "resizePolicy",
];

fn read_container(r: &mut Reader, n: &Node, path: &str) -> Option<Container> {
    if !r.fields(n, path, CONTAINER_KNOWN, CONTAINER_IGNORED) {
        return None;
    }
    let name = r.req_string(n, "name", path).unwrap_or_default();
    if !name.is_empty() {
        if let Some(msg) = dns1123_label_error(&name) {
            let pos = n.get("name").map(|x| x.pos).unwrap_or(n.pos);
            r.error(pos, &join(path, "name"), "k8s-name", format!("Invalid value: {name:?}: {msg}"));
        }
    }
    let image = r.req_string(n, "image", path).unwrap_or_default();
    // Not simulated, but checked as the API server does (validateContainerCommon in core
    // validation: validatePullPolicy lists `sets.List(supportedPullPolicies)`).
    check_enum(r, n, "imagePullPolicy", path, &["Always", "IfNotPresent", "Never"]);
    check_enum(r, n, "terminationMessagePolicy", path, &["File", "FallbackToLogsOnError"]);
    let mut c = Container {
        name,
        image,
        ports: Vec::new(),
        resources: ResourceRequirements::default(),
        liveness_probe: None,
        readiness_probe: None,
        startup_probe: None,
        refs: Vec::new(),
        command: r.string_list(n, "command", path),
        args: r.string_list(n, "args", path),
        pos: n.pos,
    };
    for (pn, p) in r.opt_list(n, "ports", path) {
        if !r.fields(pn, &p, &["containerPort", "hostPort", "protocol", "name", "hostIP"], &[]) {
            continue;
        }
        let Some(cp) = r.opt_int(pn, "containerPort", &p) else {
            if pn.get("containerPort").is_none() {
                r.required(pn, &p, "containerPort");
            }
            continue;
        };
        port_range(r, pn, "containerPort", &p, cp);
        let host_port = r.opt_int(pn, "hostPort", &p);
        if let Some(hp) = host_port {
            port_range(r, pn, "hostPort", &p, hp);
        }
        let protocol = read_protocol(r, pn, &p, &PORT_PROTOCOLS);
        c.ports.push(ContainerPort { name: r.opt_string(pn, "name", &p), container_port: cp, host_port, host_ip: r.opt_string(pn, "hostIP", &p), protocol });
    }
    if let Some(res) = r.get(n, "resources") {
        c.resources = read_resources(r, res, &join(path, "resources"));
    }
    c.liveness_probe = read_probe(r, n, "livenessProbe", path);
    c.readiness_probe = read_probe(r, n, "readinessProbe", path);
    c.startup_probe = read_probe(r, n, "startupProbe", path);
    for (e, p) in r.opt_list(n, "env", path) {
        if let Some(vf) = e.get("valueFrom") {
            if let Some(k) = vf.get("configMapKeyRef") {
                if let Some(name) = r.opt_string(k, "name", &join(&join(&p, "valueFrom"), "configMapKeyRef")) {
                    c.refs.push(ObjectRef::ConfigMap(name));
                }
            }
            if let Some(k) = vf.get("secretKeyRef") {
                if let Some(name) = r.opt_string(k, "name", &join(&join(&p, "valueFrom"), "secretKeyRef")) {
                    c.refs.push(ObjectRef::Secret(name));
                }
            }
        }
    }
    for (e, p) in r.opt_list(n, "envFrom", path) {
        if let Some(k) = e.get("configMapRef") {
            if let Some(name) = r.opt_string(k, "name", &join(&p, "configMapRef")) {
                c.refs.push(ObjectRef::ConfigMap(name));
            }
        }
        if let Some(k) = e.get("secretRef") {
            if let Some(name) = r.opt_string(k, "name", &join(&p, "secretRef")) {
                c.refs.push(ObjectRef::Secret(name));
            }
        }
    }
    Some(c)
}

fn port_range(r: &mut Reader, n: &Node, key: &str, path: &str, v: i64) {
    if !(1..=65535).contains(&v) {
        let pos = n.get(key).map(|x| x.pos).unwrap_or(n.pos);
        r.error(pos, &join(path, key), "k8s-range", format!("Invalid value: {v}: must be between 1 and 65535, inclusive"));
    }
}

/// A field Berth accepts without simulating it whose value the API server still checks against a
/// fixed list (`imagePullPolicy`, `dnsPolicy`, ...; kubernetes/kubernetes
/// pkg/apis/core/validation/validation.go), with its `Unsupported value` wording. An empty string
/// is left alone: the API server's defaulting fills it in before validation.
fn check_enum(r: &mut Reader, parent: &Node, key: &str, path: &str, values: &[&str]) {
    let Some(n) = r.get(parent, key) else { return };
    if matches!(n.scalar(), Some(Scalar::Str(""))) {
        return;
    }
    let options: Vec<(&str, ())> = values.iter().map(|v| (*v, ())).collect();
    r.enum_value(n, &join(path, key), &options);
}

/// Container and Service ports: core validation lists `sets.List(supportedPortProtocols)`, sorted.
const PORT_PROTOCOLS: [(&str, Protocol); 3] = [("SCTP", Protocol::SCTP), ("TCP", Protocol::TCP), ("UDP", Protocol::UDP)];
/// NetworkPolicy ports: networking validation (ValidateNetworkPolicyPort) lists them in this order.
const NETPOL_PROTOCOLS: [(&str, Protocol); 3] = [("TCP", Protocol::TCP), ("UDP", Protocol::UDP), ("SCTP", Protocol::SCTP)];

fn read_protocol(r: &mut Reader, n: &Node, path: &str, options: &[(&str, Protocol)]) -> Protocol {
    match r.get(n, "protocol") {
        Some(p) => r.enum_value(p, &join(path, "protocol"), options).unwrap_or(Protocol::TCP),
        None => Protocol::TCP,
    }
}

fn read_resource_list(r: &mut Reader, n: &Node, path: &str) -> ResourceList {
    let mut out = ResourceList::default();
    if !r.is_map(n, path) {
        return out;
    }
    for (k, _, v) in n.entries() {
        let p = join(path, k);
        let Some(q) = r.quantity(v, &p) else { continue };
        if q.is_negative() {
            r.error(v.pos, &p, "k8s-range", format!("Invalid value: \"{q}\": must be greater than or equal to 0"));
            continue;
        }
        match k.as_str() {
            "cpu" => {
                unit_slip(r, v, &p, true, q.milli_value());
                out.cpu_milli = Some(q.milli_value());
            }
            "memory" => {
                unit_slip(r, v, &p, false, q.value());
                out.memory = Some(q.value());
            }
            "ephemeral-storage" => out.ephemeral_storage = Some(q.value()),
            other => {
                if let Some(s) = closest(other, &["cpu", "memory", "ephemeral-storage"]) {
                    r.warning(v.pos, &p, "k8s-unknown-resource", format!("unknown resource {other:?}; did you mean {s}? (it is treated as an extended resource)"));
                }
                out.extended.insert(other.to_string(), q.value());
            }
        }
    }
    out
}

/// From this many whole cores up, a CPU quantity without a suffix is taken for a slip (`cpu: 500`
/// meant 500m): no EKS instance type Berth offers has that many.
const UNITLESS_CPU_CORES: i64 = 64;

/// Lint warnings (the API server accepts both) for the classic unit slips, on the value:
/// `cpu: 500` is 500 whole CPUs (did you mean 500m?) and `memory: 256` is 256 bytes (did you mean
/// 256Mi?). Only a bare number counts (no suffix, no exponent); `cpu` is in millicores, `memory`
/// in bytes.
fn unit_slip(r: &mut Reader, v: &Node, path: &str, cpu: bool, amount: i64) {
    let Value::Scalar { text, .. } = &v.value else { return };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return;
    }
    if cpu && amount >= UNITLESS_CPU_CORES * 1000 {
        r.warning(v.pos, path, "k8s-unitless-cpu", format!("{text:?} is {text} whole CPUs (a CPU quantity without a suffix counts cores); did you mean {text}m?"));
    } else if !cpu && amount > 0 && amount < 1 << 20 {
        r.warning(v.pos, path, "k8s-unitless-memory", format!("{text:?} is {text} bytes (a memory quantity without a suffix counts bytes); did you mean {text}Mi?"));
    }
}

/// requests and limits; a request left out defaults to the limit (core/v1 defaults), and a
/// request above its limit is rejected as the API server does.
fn read_resources(r: &mut Reader, n: &Node, path: &str) -> ResourceRequirements {
    let mut rr = ResourceRequirements::default();
    if !r.fields(n, path, &["requests", "limits"], &["claims"]) {
        return rr;
    }
    if let Some(l) = r.get(n, "limits") {
        rr.limits = read_resource_list(r, l, &join(path, "limits"));
    }
    if let Some(q) = r.get(n, "requests") {
        rr.requests = read_resource_list(r, q, &join(path, "requests"));
    }
    let rpath = join(path, "requests");
    let rpos = n.get("requests").map(|x| x.pos).unwrap_or(n.pos);
    let pairs = [
        ("cpu", rr.requests.cpu_milli, rr.limits.cpu_milli, true),
        ("memory", rr.requests.memory, rr.limits.memory, false),
    ];
    for (name, req, lim, milli) in pairs {
        if let (Some(q), Some(l)) = (req, lim) {
            if q > l {
                let show = |v: i64| if milli { super::quantity::fmt_milli(v) } else { super::quantity::fmt_bytes(v) };
                r.error(rpos, &join(&rpath, name), "k8s-request-over-limit", format!("Invalid value: \"{}\": must be less than or equal to {name} limit of {}", show(q), show(l)));
            }
        }
    }
    if rr.requests.cpu_milli.is_none() {
        rr.requests.cpu_milli = rr.limits.cpu_milli;
    }
    if rr.requests.memory.is_none() {
        rr.requests.memory = rr.limits.memory;
    }
    if rr.requests.ephemeral_storage.is_none() {
        rr.requests.ephemeral_storage = rr.limits.ephemeral_storage;
    }
    for (k, v) in rr.limits.extended.clone() {
        rr.requests.extended.entry(k).or_insert(v);
    }
    rr
}

fn read_probe(r: &mut Reader, c: &Node, key: &str, path: &str) -> Option<Probe> {
    let n = r.get(c, key)?;
    let path = join(path, key);
    let known = [
        "httpGet", "tcpSocket", "exec", "grpc", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
        "successThreshold", "failureThreshold", "terminationGracePeriodSeconds",
    ];
    if !r.fields(n, &path, &known, &[]) {
        return None;
    }
    let mut actions = Vec::new();
    if let Some(h) = r.get(n, "httpGet") {
        let hp = join(&path, "httpGet");
        r.fields(h, &hp, &["path", "port", "host", "scheme", "httpHeaders"], &[]);
        check_enum(r, h, "scheme", &hp, &["HTTP", "HTTPS"]);
        let port = int_or_string(r, h, "port", &hp);
        actions.push(ProbeAction::HttpGet { path: r.opt_string(h, "path", &hp).unwrap_or_else(|| "/".into()), port: port.unwrap_or(IntOrString::Int(0)) });
    }
    if let Some(t) = r.get(n, "tcpSocket") {
        let tp = join(&path, "tcpSocket");
        r.fields(t, &tp, &["port", "host"], &[]);
        actions.push(ProbeAction::TcpSocket { port: int_or_string(r, t, "port", &tp).unwrap_or(IntOrString::Int(0)) });
    }
    if let Some(e) = r.get(n, "exec") {
        let ep = join(&path, "exec");
        r.fields(e, &ep, &["command"], &[]);
        actions.push(ProbeAction::Exec { command: r.string_list(e, "command", &ep) });
    }
    if let Some(g) = r.get(n, "grpc") {
        let gp = join(&path, "grpc");
        r.fields(g, &gp, &["port", "service"], &[]);
        actions.push(ProbeAction::Grpc { port: r.opt_int(g, "port", &gp).unwrap_or(0) });
    }
    if actions.len() != 1 {
        let msg = if actions.is_empty() {
            "Required value: must specify a handler type (httpGet, tcpSocket, exec or grpc)"
        } else {
            "Forbidden: may not specify more than 1 handler type"
        };
        r.error(n.pos, &path, "k8s-probe", msg);
        return None;
    }
    let success_threshold = r.int_min(n, "successThreshold", &path, 1, 1);
    if key != "readinessProbe" && success_threshold != 1 {
        let pos = n.get("successThreshold").map(|x| x.pos).unwrap_or(n.pos);
        r.error(pos, &join(&path, "successThreshold"), "k8s-probe", format!("Invalid value: {success_threshold}: must be 1"));
    }
    Some(Probe {
        action: actions.remove(0),
        initial_delay_seconds: r.int_min(n, "initialDelaySeconds", &path, 0, 0),
        period_seconds: r.int_min(n, "periodSeconds", &path, 1, 10),
        timeout_seconds: r.int_min(n, "timeoutSeconds", &path, 1, 1),
        success_threshold,
        failure_threshold: r.int_min(n, "failureThreshold", &path, 1, 3),
    })
}

fn int_or_string(r: &mut Reader, parent: &Node, key: &str, path: &str) -> Option<IntOrString> {
    let n = r.get(parent, key)?;
    match n.scalar() {
        Some(Scalar::Int(i)) => Some(IntOrString::Int(i)),
        Some(Scalar::Str(s)) => Some(IntOrString::Str(s.to_string())),
        _ => {
            r.error(n.pos, &join(path, key), "k8s-type", format!("expected an integer or a string, got {}", n.describe()));
            None
        }
    }
}

/// `maxSurge: 1` or `maxSurge: 25%`.
fn int_or_percent(r: &mut Reader, parent: &Node, key: &str, path: &str, default: IntOrPercent) -> IntOrPercent {
    let Some(n) = r.get(parent, key) else { return default };
    let p = join(path, key);
    let v = match n.scalar() {
        Some(Scalar::Int(i)) => Some(IntOrPercent::Int(i)),
        Some(Scalar::Str(s)) => match s.strip_suffix('%').map(|x| x.parse::<i64>()) {
            Some(Ok(pct)) => Some(IntOrPercent::Percent(pct)),
            _ => {
                let hint = if s.parse::<i64>().is_ok() { format!(" (write {s} without quotes for a count, or \"{s}%\" for a percentage)") } else { String::new() };
                r.error(n.pos, &p, "k8s-int-or-percent", format!("Invalid value: {s:?}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%'){hint}"));
                None
            }
        },
        _ => {
            r.error(n.pos, &p, "k8s-type", format!("expected an integer or a percentage like \"25%\", got {}", n.describe()));
            None
        }
    };
    match v {
        Some(IntOrPercent::Int(i)) | Some(IntOrPercent::Percent(i)) if i < 0 => {
            r.error(n.pos, &p, "k8s-range", format!("Invalid value: {i}: must be greater than or equal to 0"));
            default
        }
        Some(IntOrPercent::Percent(i)) if i > 100 && key != "maxSurge" => {
            r.error(n.pos, &p, "k8s-range", format!("Invalid value: \"{i}%\": must not be greater than 100%"));
            default
        }
        Some(v) => v,
        None => default,
    }
}

fn read_selector_and_template(r: &mut Reader, spec: &Node, kind: &str, owner: PodOwner) -> (LabelSelector, PodTemplate) {
    let selector = match r.get(spec, "selector") {
        Some(s) => {
            let sel = r.label_selector(s, "spec.selector");
            if sel.is_empty() {
                r.error(s.pos, "spec.selector", "k8s-selector", format!("Invalid value: {{}}: empty selector is invalid for {}", kind.to_ascii_lowercase()));
            }
            Some((sel, s.pos))
        }
        None => {
            r.required(spec, "spec", "selector");
            None
        }
    };
    let template = read_template(r, spec, owner);
    if let (Some((sel, _)), Some(t)) = (&selector, r.get(spec, "template")) {
        if !sel.is_empty() && !sel.matches(&template.meta.labels) {
            let pos = t.get("metadata").and_then(|m| m.get("labels")).map(|l| l.pos).unwrap_or(t.pos);
            r.error(
                pos,
                "spec.template.metadata.labels",
                "k8s-selector-mismatch",
                format!(
                    "Invalid value: {{{}}}: `selector` does not match template `labels` (selector {}); the {kind} would never find its own pods",
                    super::labels::labels_text(&template.meta.labels),
                    sel.to_text()
                ),
            );
        }
    }
    (selector.map(|(s, _)| s).unwrap_or_default(), template)
}

fn read_template(r: &mut Reader, spec: &Node, owner: PodOwner) -> PodTemplate {
    let mut t = PodTemplate { meta: ObjectMeta::default(), spec: PodSpec::default() };
    let Some(tn) = r.get(spec, "template") else {
        r.required(spec, "spec", "template");
        return t;
    };
    if !r.fields(tn, "spec.template", &["metadata", "spec"], &[]) {
        return t;
    }
    if let Some(m) = r.get(tn, "metadata") {
        if r.fields(m, "spec.template.metadata", &["labels", "annotations", "name", "namespace"], META_IGNORED) {
            if let Some(l) = r.get(m, "labels") {
                t.meta.labels = r.labels(l, "spec.template.metadata.labels");
            }
            if let Some(a) = r.get(m, "annotations") {
                t.meta.annotations = r.string_map(a, "spec.template.metadata.annotations");
            }
        }
        t.meta.pos = m.pos;
    }
    match r.get(tn, "spec") {
        Some(s) => t.spec = read_pod_spec(r, s, "spec.template.spec", owner),
        None => r.required(tn, "spec.template", "spec"),
    }
    t
}

fn read_deployment(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> Deployment {
    r.fields(
        spec,
        "spec",
        &["replicas", "selector", "template", "strategy", "revisionHistoryLimit", "progressDeadlineSeconds", "minReadySeconds", "paused"],
        &[],
    );
    let (selector, template) = read_selector_and_template(r, spec, "Deployment", PodOwner::Controller);
    let mut strategy = DeploymentStrategy::RollingUpdate { max_surge: IntOrPercent::Percent(25), max_unavailable: IntOrPercent::Percent(25) };
    if let Some(s) = r.get(spec, "strategy") {
        if r.fields(s, "spec.strategy", &["type", "rollingUpdate"], &[]) {
            let ty = match r.get(s, "type") {
                // ValidateDeploymentStrategy lists "Recreate", "RollingUpdate" (at `spec.strategy`,
                // with the whole strategy as the value; Berth points at the type itself).
                Some(t) => r.enum_value(t, "spec.strategy.type", &[("Recreate", false), ("RollingUpdate", true)]).unwrap_or(true),
                None => true,
            };
            if ty {
                let (surge, unavail) = match r.get(s, "rollingUpdate") {
                    Some(ru) => {
                        r.fields(ru, "spec.strategy.rollingUpdate", &["maxSurge", "maxUnavailable"], &[]);
                        (
                            int_or_percent(r, ru, "maxSurge", "spec.strategy.rollingUpdate", IntOrPercent::Percent(25)),
                            int_or_percent(r, ru, "maxUnavailable", "spec.strategy.rollingUpdate", IntOrPercent::Percent(25)),
                        )
                    }
                    None => (IntOrPercent::Percent(25), IntOrPercent::Percent(25)),
                };
                let zero = |v: &IntOrPercent| matches!(v, IntOrPercent::Int(0) | IntOrPercent::Percent(0));
                if zero(&surge) && zero(&unavail) {
                    let pos = s.get("rollingUpdate").map(|n| n.pos).unwrap_or(s.pos);
                    r.error(pos, "spec.strategy.rollingUpdate.maxUnavailable", "k8s-rolling-update", "Invalid value: 0: may not be 0 when `maxSurge` is 0 (the rollout could never make progress)");
                }
                strategy = DeploymentStrategy::RollingUpdate { max_surge: surge, max_unavailable: unavail };
            } else {
                if let Some(ru) = s.get("rollingUpdate") {
                    r.error(ru.pos, "spec.strategy.rollingUpdate", "k8s-forbidden", "Forbidden: may not be specified when strategy `type` is 'Recreate'");
                }
                strategy = DeploymentStrategy::Recreate;
            }
        }
    }
    Deployment {
        meta,
        replicas: r.int_min(spec, "replicas", "spec", 0, 1),
        selector,
        template,
        strategy,
        revision_history_limit: r.int_min(spec, "revisionHistoryLimit", "spec", 0, 10),
        progress_deadline_seconds: r.int_min(spec, "progressDeadlineSeconds", "spec", 1, 600),
        min_ready_seconds: r.int_min(spec, "minReadySeconds", "spec", 0, 0),
        paused: r.opt_bool(spec, "paused", "spec").unwrap_or(false),
    }
}

fn read_daemonset(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> DaemonSet {
    r.fields(spec, "spec", &["selector", "template", "updateStrategy", "minReadySeconds", "revisionHistoryLimit"], &[]);
    let (selector, template) = read_selector_and_template(r, spec, "DaemonSet", PodOwner::Controller);
    let mut update_strategy = DaemonSetStrategy::RollingUpdate { max_unavailable: IntOrPercent::Int(1), max_surge: IntOrPercent::Int(0) };
    if let Some(s) = r.get(spec, "updateStrategy") {
        if r.fields(s, "spec.updateStrategy", &["type", "rollingUpdate"], &[]) {
            let rolling = match r.get(s, "type") {
                Some(t) => r.enum_value(t, "spec.updateStrategy.type", &[("RollingUpdate", true), ("OnDelete", false)]).unwrap_or(true),
                None => true,
            };
            if rolling {
                if let Some(ru) = r.get(s, "rollingUpdate") {
                    r.fields(ru, "spec.updateStrategy.rollingUpdate", &["maxSurge", "maxUnavailable"], &[]);
                    update_strategy = DaemonSetStrategy::RollingUpdate {
                        max_unavailable: int_or_percent(r, ru, "maxUnavailable", "spec.updateStrategy.rollingUpdate", IntOrPercent::Int(1)),
                        max_surge: int_or_percent(r, ru, "maxSurge", "spec.updateStrategy.rollingUpdate", IntOrPercent::Int(0)),
                    };
                }
            } else {
                update_strategy = DaemonSetStrategy::OnDelete;
            }
        }
    }
    DaemonSet { meta, selector, template, update_strategy, min_ready_seconds: r.int_min(spec, "minReadySeconds", "spec", 0, 0) }
}

fn read_job(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> Job {
    r.fields(
        spec,
        "spec",
        &["completions", "parallelism", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished", "template"],
        &["selector", "manualSelector", "completionMode", "suspend", "podFailurePolicy", "backoffLimitPerIndex", "maxFailedIndexes", "podReplacementPolicy", "successPolicy"],
    );
    let completions_set = r.get(spec, "completions").is_some();
    let parallelism_set = r.get(spec, "parallelism").is_some();
    let mut completions = r.get(spec, "completions").and_then(|_| Some(r.int_min(spec, "completions", "spec", 0, 1)));
    // batch/v1 defaults: both unset → completions = parallelism = 1.
    if !completions_set && !parallelism_set {
        completions = Some(1);
    }
    Job {
        meta,
        completions,
        parallelism: r.int_min(spec, "parallelism", "spec", 0, 1),
        backoff_limit: r.int_min(spec, "backoffLimit", "spec", 0, 6),
        active_deadline_seconds: r.opt_int(spec, "activeDeadlineSeconds", "spec"),
        ttl_seconds_after_finished: r.opt_int(spec, "ttlSecondsAfterFinished", "spec"),
        template: read_template(r, spec, PodOwner::Job),
    }
}

fn read_service(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> Service {
    r.fields(
        spec,
        "spec",
        &["type", "selector", "ports", "clusterIP", "externalName", "sessionAffinity"],
        &[
            "clusterIPs", "externalIPs", "loadBalancerIP", "loadBalancerSourceRanges", "externalTrafficPolicy",
            "internalTrafficPolicy", "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig",
            "ipFamilies", "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass", "trafficDistribution",
        ],
    );
    let service_type = match r.get(spec, "type") {
        Some(t) => r
            .enum_value(
                t,
                "spec.type",
                // `sets.List(supportedServiceType)`: sorted.
                &[("ClusterIP", ServiceType::ClusterIP), ("ExternalName", ServiceType::ExternalName), ("LoadBalancer", ServiceType::LoadBalancer), ("NodePort", ServiceType::NodePort)],
            )
            .unwrap_or(ServiceType::ClusterIP),
        None => ServiceType::ClusterIP,
    };
    let selector = match r.get(spec, "selector") {
        Some(s) => r.labels(s, "spec.selector"),
        None => Labels::new(),
    };
    let mut ports = Vec::new();
    for (pn, p) in r.opt_list(spec, "ports", "spec") {
        if !r.fields(pn, &p, &["name", "port", "targetPort", "nodePort", "protocol"], &["appProtocol"]) {
            continue;
        }
        let Some(port) = r.opt_int(pn, "port", &p) else {
            if pn.get("port").is_none() {
                r.required(pn, &p, "port");
            }
            continue;
        };
        port_range(r, pn, "port", &p, port);
        let node_port = r.opt_int(pn, "nodePort", &p);
        if let Some(np) = node_port {
            if !(30000..=32767).contains(&np) {
                let pos = pn.get("nodePort").map(|x| x.pos).unwrap_or(pn.pos);
                r.error(pos, &join(&p, "nodePort"), "k8s-range", format!("Invalid value: {np}: provided port is not in the valid range. The range of valid ports is 30000-32767"));
            }
            if service_type == ServiceType::ClusterIP {
                let pos = pn.get("nodePort").map(|x| x.pos).unwrap_or(pn.pos);
                r.error(pos, &join(&p, "nodePort"), "k8s-forbidden", "Forbidden: may not be used when `type` is 'ClusterIP'");
            }
        }
        let target_port = int_or_string(r, pn, "targetPort", &p).unwrap_or(IntOrString::Int(port));
        ports.push(ServicePort { name: r.opt_string(pn, "name", &p), port, target_port, node_port, protocol: read_protocol(r, pn, &p, &PORT_PROTOCOLS) });
    }
    let external_name = r.opt_string(spec, "externalName", "spec");
    if service_type == ServiceType::ExternalName {
        if external_name.is_none() {
            r.required(spec, "spec", "externalName");
        }
    } else if ports.is_empty() && r.get(spec, "ports").is_none() {
        r.required(spec, "spec", "ports");
    }
    let affinity = match r.get(spec, "sessionAffinity") {
        Some(n) => r.enum_value(n, "spec.sessionAffinity", &[("ClientIP", true), ("None", false)]).unwrap_or(false),
        None => false,
    };
    // Checked only where it may be set (validateServiceExternalTrafficPolicy: externally
    // accessible Services); `sets.List`, sorted.
    if matches!(service_type, ServiceType::NodePort | ServiceType::LoadBalancer) {
        check_enum(r, spec, "externalTrafficPolicy", "spec", &["Cluster", "Local"]);
    }
    check_enum(r, spec, "internalTrafficPolicy", "spec", &["Cluster", "Local"]);
    Service { meta, service_type, selector, ports, cluster_ip: r.opt_string(spec, "clusterIP", "spec"), external_name, session_affinity_client_ip: affinity }
}

/// Quota names whose values are CPU (counted in millicores).
fn is_cpu_name(name: &str) -> bool {
    matches!(name, "cpu" | "requests.cpu" | "limits.cpu")
}

fn read_quota(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> ResourceQuota {
    r.fields(spec, "spec", &["hard"], &["scopes", "scopeSelector"]);
    let mut hard = std::collections::BTreeMap::new();
    if let Some(h) = r.get(spec, "hard") {
        if r.is_map(h, "spec.hard") {
            const KNOWN: &[&str] = &[
                "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods", "services",
                "services.loadbalancers", "services.nodeports", "persistentvolumeclaims", "requests.storage",
                "configmaps", "secrets", "replicationcontrollers", "resourcequotas", "requests.ephemeral-storage",
                "limits.ephemeral-storage", "ephemeral-storage",
            ];
            for (k, kpos, v) in h.entries() {
                let p = join("spec.hard", k);
                if !KNOWN.contains(&k.as_str()) && !k.starts_with("count/") && !k.starts_with("requests.") {
                    let hint = closest(k, KNOWN).map(|s| format!("; did you mean {s}?")).unwrap_or_default();
                    r.warning(*kpos, &p, "k8s-unknown-resource", format!("quota resource {k:?} is not one Berth counts{hint}"));
                }
                if let Some(q) = r.quantity(v, &p) {
                    hard.insert(k.clone(), if is_cpu_name(k) { q.milli_value() } else { q.value() });
                }
            }
        }
    }
    ResourceQuota { meta, hard }
}

fn read_limit_range(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> LimitRange {
    r.fields(spec, "spec", &["limits"], &[]);
    let mut limits = Vec::new();
    for (n, p) in r.opt_list(spec, "limits", "spec") {
        if !r.fields(n, &p, &["type", "default", "defaultRequest", "max", "min"], &["maxLimitRequestRatio"]) {
            continue;
        }
        let limit_type = match r.get(n, "type") {
            // validateLimitRangeTypeName: `field.Invalid`, no list (a fully qualified custom type
            // such as example.com/x would pass the API server; Berth knows only these three).
            Some(t) => r.enum_invalid(
                t,
                &join(&p, "type"),
                &[("Container", LimitType::Container), ("Pod", LimitType::Pod), ("PersistentVolumeClaim", LimitType::PersistentVolumeClaim)],
                "must be a standard limit type or fully qualified",
            ),
            None => {
                r.required(n, &p, "type");
                None
            }
        };
        let Some(limit_type) = limit_type else { continue };
        let mut list = |key: &str| match r.get(n, key) {
            Some(x) => read_resource_list(r, x, &join(&p, key)),
            None => ResourceList::default(),
        };
        let item = LimitRangeItem { limit_type, default: list("default"), default_request: list("defaultRequest"), max: list("max"), min: list("min") };
        limits.push(item);
    }
    LimitRange { meta, limits }
}

fn read_network_policy(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> NetworkPolicy {
    r.fields(spec, "spec", &["podSelector", "policyTypes", "ingress", "egress"], &[]);
    let pod_selector = match r.get(spec, "podSelector") {
        Some(s) => r.label_selector(s, "spec.podSelector"),
        None => {
            // An empty mapping `podSelector: {}` is the usual "all pods"; absent is also accepted.
            LabelSelector::default()
        }
    };
    let read_rules = |r: &mut Reader, key: &str, peer_key: &str| -> Vec<NetworkPolicyRule> {
        let mut rules = Vec::new();
        for (n, p) in r.opt_list(spec, key, "spec") {
            if !r.fields(n, &p, &[peer_key, "ports"], &[]) {
                continue;
            }
            let mut rule = NetworkPolicyRule::default();
            for (pn, pp) in r.opt_list(n, peer_key, &p) {
                if !r.fields(pn, &pp, &["podSelector", "namespaceSelector", "ipBlock"], &[]) {
                    continue;
                }
                let peer = NetworkPolicyPeer {
                    pod_selector: r.get(pn, "podSelector").map(|s| r.label_selector(s, &join(&pp, "podSelector"))),
                    namespace_selector: r.get(pn, "namespaceSelector").map(|s| r.label_selector(s, &join(&pp, "namespaceSelector"))),
                    ip_block: r.get(pn, "ipBlock").map(|b| IpBlock { cidr: r.req_string(b, "cidr", &join(&pp, "ipBlock")).unwrap_or_default(), except: r.string_list(b, "except", &join(&pp, "ipBlock")) }),
                };
                if peer.ip_block.is_some() && (peer.pod_selector.is_some() || peer.namespace_selector.is_some()) {
                    r.error(pn.pos, &pp, "k8s-forbidden", "Forbidden: may not specify both ipBlock and another peer");
                }
                rule.peers.push(peer);
            }
            for (pn, pp) in r.opt_list(n, "ports", &p) {
                if !r.fields(pn, &pp, &["protocol", "port", "endPort"], &[]) {
                    continue;
                }
                rule.ports.push(NetworkPolicyPort { protocol: read_protocol(r, pn, &pp, &NETPOL_PROTOCOLS), port: int_or_string(r, pn, "port", &pp), end_port: r.opt_int(pn, "endPort", &pp) });
            }
            rules.push(rule);
        }
        rules
    };
    let ingress = read_rules(r, "ingress", "from");
    let egress = read_rules(r, "egress", "to");
    let (mut ingress_enabled, mut egress_enabled) = (true, spec.get("egress").is_some());
    if let Some(pt) = r.get(spec, "policyTypes") {
        ingress_enabled = false;
        egress_enabled = false;
        for (n, p) in r.list(pt, "spec.policyTypes") {
            match r.enum_value(n, &p, &[("Ingress", true), ("Egress", false)]) {
                Some(true) => ingress_enabled = true,
                Some(false) => egress_enabled = true,
                None => {}
            }
        }
    }
    NetworkPolicy { meta, pod_selector, ingress_enabled, egress_enabled, ingress, egress }
}

fn read_metric_target(r: &mut Reader, n: &Node, path: &str) -> Option<MetricTarget> {
    if !r.fields(n, path, &["type", "averageUtilization", "averageValue", "value"], &[]) {
        return None;
    }
    let ty = match r.get(n, "type") {
        // validateMetricTarget (autoscaling validation) uses `field.Invalid` with this sentence.
        Some(t) => r.enum_invalid(t, &join(path, "type"), &[("Utilization", 0), ("AverageValue", 1), ("Value", 2)], "must be either Utilization, Value, or AverageValue")?,
        None => {
            r.required(n, path, "type");
            return None;
        }
    };
    let q = |r: &mut Reader, key: &str| -> Option<i64> {
        match r.get(n, key) {
            Some(v) => r.quantity(v, &join(path, key)).map(|q| q.milli_value()),
            None => {
                r.required(n, path, key);
                None
            }
        }
    };
    match ty {
        0 => match r.opt_int(n, "averageUtilization", path) {
            Some(u) if u > 0 => Some(MetricTarget::Utilization(u)),
            Some(u) => {
                r.error(n.pos, &join(path, "averageUtilization"), "k8s-range", format!("Invalid value: {u}: must be greater than 0"));
                None
            }
            None => {
                r.required(n, path, "averageUtilization");
                None
            }
        },
        1 => q(r, "averageValue").map(MetricTarget::AverageValueMilli),
        _ => q(r, "value").map(MetricTarget::ValueMilli),
    }
}

fn read_rules(r: &mut Reader, n: &Node, path: &str, default: ScalingRules) -> ScalingRules {
    let mut rules = default;
    if !r.fields(n, path, &["stabilizationWindowSeconds", "selectPolicy", "policies"], &["tolerance"]) {
        return rules;
    }
    if let Some(w) = r.opt_int(n, "stabilizationWindowSeconds", path) {
        if (0..=3600).contains(&w) {
            rules.stabilization_window_ms = w as u64 * SECOND;
        } else {
            r.error(n.pos, &join(path, "stabilizationWindowSeconds"), "k8s-range", format!("Invalid value: {w}: must be between 0 and 3600"));
        }
    }
    if let Some(s) = r.get(n, "selectPolicy") {
        // `validSelectPolicyTypes.List()`: sorted.
        if let Some(v) = r.enum_value(s, &join(path, "selectPolicy"), &[("Disabled", SelectPolicy::Disabled), ("Max", SelectPolicy::Max), ("Min", SelectPolicy::Min)]) {
            rules.select = v;
        }
    }
    if r.get(n, "policies").is_some() {
        rules.policies.clear();
        for (pn, p) in r.opt_list(n, "policies", path) {
            if !r.fields(pn, &p, &["type", "value", "periodSeconds"], &[]) {
                continue;
            }
            let kind = r.get(pn, "type").and_then(|t| r.enum_value(t, &join(&p, "type"), &[("Percent", PolicyKind::Percent), ("Pods", PolicyKind::Pods)]));
            let value = r.int_min(pn, "value", &p, 1, 1);
            let period = r.int_min(pn, "periodSeconds", &p, 1, 15);
            if let Some(kind) = kind {
                rules.policies.push(ScalingPolicy { kind, value: value.min(u32::MAX as i64) as u32, period_ms: period.min(1800) as u64 * SECOND });
            }
        }
    }
    rules
}

fn read_hpa(r: &mut Reader, meta: ObjectMeta, spec: &Node, api: &str) -> HorizontalPodAutoscaler {
    let v1 = api == "autoscaling/v1";
    let known: &[&str] = if v1 {
        &["scaleTargetRef", "minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"]
    } else {
        &["scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"]
    };
    r.fields(spec, "spec", known, &[]);
    let mut target = CrossVersionObjectReference { api_version: String::new(), kind: String::new(), name: String::new() };
    match r.get(spec, "scaleTargetRef") {
        Some(t) => {
            if r.fields(t, "spec.scaleTargetRef", &["apiVersion", "kind", "name"], &[]) {
                target.api_version = r.opt_string(t, "apiVersion", "spec.scaleTargetRef").unwrap_or_default();
                target.kind = r.req_string(t, "kind", "spec.scaleTargetRef").unwrap_or_default();
                target.name = r.req_string(t, "name", "spec.scaleTargetRef").unwrap_or_default();
            }
        }
        None => r.required(spec, "spec", "scaleTargetRef"),
    }
    let min_replicas = r.int_min(spec, "minReplicas", "spec", 1, 1);
    let max_replicas = match r.opt_int(spec, "maxReplicas", "spec") {
        Some(m) => {
            if m < min_replicas {
                let pos = spec.get("maxReplicas").map(|n| n.pos).unwrap_or(spec.pos);
                r.error(pos, "spec.maxReplicas", "k8s-range", format!("Invalid value: {m}: must be greater than or equal to `minReplicas` ({min_replicas})"));
            }
            m
        }
        None => {
            if spec.get("maxReplicas").is_none() {
                r.required(spec, "spec", "maxReplicas");
            }
            min_replicas
        }
    };
    let mut metrics = Vec::new();
    if v1 {
        let pct = r.opt_int(spec, "targetCPUUtilizationPercentage", "spec").unwrap_or(80);
        metrics.push(HpaMetric::Resource { name: "cpu".into(), target: MetricTarget::Utilization(pct) });
    }
    for (n, p) in r.opt_list(spec, "metrics", "spec") {
        if !r.fields(n, &p, &["type", "resource", "containerResource", "pods", "object", "external"], &[]) {
            continue;
        }
        let Some(t) = r.get(n, "type") else {
            r.required(n, &p, "type");
            continue;
        };
        // `validMetricSourceTypes.List()`: sorted.
        let sources = [("ContainerResource", "containerResource"), ("External", "external"), ("Object", "object"), ("Pods", "pods"), ("Resource", "resource")];
        let Some(ty) = r.enum_value(t, &join(&p, "type"), &sources) else { continue };
        let Some(body) = r.get(n, ty) else {
            r.required(n, &p, ty);
            continue;
        };
        let bp = join(&p, ty);
        match ty {
            "resource" | "containerResource" => {
                let known: &[&str] = if ty == "resource" { &["name", "target"] } else { &["name", "target", "container"] };
                if !r.fields(body, &bp, known, &[]) {
                    continue;
                }
                let name = r.req_string(body, "name", &bp).unwrap_or_default();
                let Some(tn) = r.get(body, "target") else {
                    r.required(body, &bp, "target");
                    continue;
                };
                let Some(target) = read_metric_target(r, tn, &join(&bp, "target")) else { continue };
                if ty == "resource" {
                    metrics.push(HpaMetric::Resource { name, target });
                } else {
                    let container = r.req_string(body, "container", &bp).unwrap_or_default();
                    metrics.push(HpaMetric::ContainerResource { name, container, target });
                }
            }
            _ => {
                if !r.is_map(body, &bp) {
                    continue;
                }
                let name = body.get("metric").and_then(|m| m.get("name")).and_then(|n| match n.scalar() {
                    Some(Scalar::Str(s)) => Some(s.to_string()),
                    _ => None,
                });
                let Some(tn) = r.get(body, "target") else {
                    r.required(body, &bp, "target");
                    continue;
                };
                let Some(target) = read_metric_target(r, tn, &join(&bp, "target")) else { continue };
                let metric_type = match ty {
                    "pods" => "Pods",
                    "object" => "Object",
                    _ => "External",
                };
                let text = |n: Option<&Node>| {
                    n.and_then(|x| match x.scalar() {
                        Some(Scalar::Str(s)) => Some(s.to_string()),
                        _ => None,
                    })
                };
                let object = body.get("describedObject").map(|d| (text(d.get("kind")).unwrap_or_default(), text(d.get("name")).unwrap_or_default()));
                if ty == "object" && object.is_none() {
                    r.required(body, &bp, "describedObject");
                }
                metrics.push(HpaMetric::Other { metric_type: metric_type.into(), name: name.unwrap_or_default(), target, object });
            }
        }
    }
    if metrics.is_empty() {
        // autoscaling/v2 defaults: a CPU utilization target of 80 %.
        metrics.push(HpaMetric::Resource { name: "cpu".into(), target: MetricTarget::Utilization(80) });
    }
    let (mut scale_up, mut scale_down) = (ScalingRules::default_scale_up(), ScalingRules::default_scale_down());
    if let Some(b) = r.get(spec, "behavior") {
        if r.fields(b, "spec.behavior", &["scaleUp", "scaleDown"], &[]) {
            if let Some(u) = r.get(b, "scaleUp") {
                scale_up = read_rules(r, u, "spec.behavior.scaleUp", scale_up);
            }
            if let Some(d) = r.get(b, "scaleDown") {
                scale_down = read_rules(r, d, "spec.behavior.scaleDown", scale_down);
            }
        }
    }
    HorizontalPodAutoscaler { meta, scale_target_ref: target, min_replicas, max_replicas, metrics, scale_up, scale_down }
}

/// A PriorityClass, with the API server's checks (`pkg/apis/scheduling/validation`): `value` is
/// required and at most 1,000,000,000 (`HighestUserDefinablePriority`) for user classes; names
/// starting `system-` are reserved.
fn read_priority_class(r: &mut Reader, mut meta: ObjectMeta, root: &Node) -> Option<PriorityClass> {
    if meta.namespace.is_some() {
        let pos = root.get("metadata").and_then(|m| m.get("namespace")).map(|n| n.pos).unwrap_or(root.pos);
        r.warning(pos, "metadata.namespace", "k8s-cluster-scoped", "a PriorityClass is not namespaced; this field is ignored");
        meta.namespace = None;
    }
    let Some(value) = r.opt_int(root, "value", "") else {
        r.required(root, "", "value");
        return None;
    };
    let pos = root.get("value").map(|n| n.pos).unwrap_or(root.pos);
    if value > 1_000_000_000 {
        r.error(pos, "value", "k8s-priority", format!("Invalid value: {value}: maximum allowed value of a user defined priority is 1000000000"));
        return None;
    }
    if value < i32::MIN as i64 {
        r.error(pos, "value", "k8s-priority", format!("Invalid value: {value}: must be a 32-bit integer"));
        return None;
    }
    if meta.name.starts_with("system-") {
        r.error(meta.pos, "metadata.name", "k8s-priority", format!("Invalid value: {:?}: priority class names with 'system-' prefix are reserved", meta.name));
        return None;
    }
    let global_default = r.opt_bool(root, "globalDefault", "").unwrap_or(false);
    let preempt_never = match root.get("preemptionPolicy") {
        Some(n) => r.enum_value(n, "preemptionPolicy", &[("PreemptLowerPriority", false), ("Never", true)]).unwrap_or(false),
        None => false,
    };
    let description = r.opt_string(root, "description", "");
    Some(PriorityClass { meta, value: value as i32, global_default, preempt_never, description })
}

fn read_pdb(r: &mut Reader, meta: ObjectMeta, spec: &Node) -> Option<PodDisruptionBudget> {
    r.fields(spec, "spec", &["selector", "minAvailable", "maxUnavailable", "unhealthyPodEvictionPolicy"], &[]);
    let always_allow_unhealthy = match spec.get("unhealthyPodEvictionPolicy") {
        Some(n) => r.enum_value(n, "spec.unhealthyPodEvictionPolicy", &[("IfHealthyBudget", false), ("AlwaysAllow", true)]).unwrap_or(false),
        None => false,
    };
    let selector = match r.get(spec, "selector") {
        Some(s) => r.label_selector(s, "spec.selector"),
        None => LabelSelector::default(),
    };
    let min = spec.get("minAvailable").is_some().then(|| int_or_percent(r, spec, "minAvailable", "spec", IntOrPercent::Int(0)));
    let max = spec.get("maxUnavailable").is_some().then(|| int_or_percent(r, spec, "maxUnavailable", "spec", IntOrPercent::Int(0)));
    let budget = match (min, max) {
        (Some(m), None) => DisruptionBudget::MinAvailable(m),
        (None, Some(m)) => DisruptionBudget::MaxUnavailable(m),
        (Some(_), Some(_)) => {
            r.error(spec.pos, "spec", "k8s-pdb", "minAvailable and maxUnavailable cannot be both set");
            return None;
        }
        (None, None) => {
            r.error(spec.pos, "spec", "k8s-pdb", "Required value: set minAvailable or maxUnavailable");
            return None;
        }
    };
    Some(PodDisruptionBudget { meta, selector, budget, always_allow_unhealthy })
}

fn read_node_term(r: &mut Reader, n: &Node, path: &str) -> NodeSelectorTerm {
    let mut t = NodeSelectorTerm::default();
    if !r.fields(n, path, &["matchExpressions", "matchFields"], &[]) {
        return t;
    }
    for key in ["matchExpressions", "matchFields"] {
        for (e, p) in r.opt_list(n, key, path) {
            if !r.fields(e, &p, &["key", "operator", "values"], &[]) {
                continue;
            }
            let k = r.req_string(e, "key", &p).unwrap_or_default();
            let values = r.string_list(e, "values", &p);
            let Some(opn) = r.get(e, "operator") else {
                r.required(e, &p, "operator");
                continue;
            };
            let ops = [
                ("In", NodeSelectorOp::In),
                ("NotIn", NodeSelectorOp::NotIn),
                ("Exists", NodeSelectorOp::Exists),
                ("DoesNotExist", NodeSelectorOp::DoesNotExist),
                ("Gt", NodeSelectorOp::Gt),
                ("Lt", NodeSelectorOp::Lt),
            ];
            // ValidateNodeSelectorRequirement: `field.Invalid(..., "not a valid selector operator")`.
            let Some(op) = r.enum_invalid(opn, &join(&p, "operator"), &ops, "not a valid selector operator") else { continue };
            let vp = join(&p, "values");
            match op {
                NodeSelectorOp::In | NodeSelectorOp::NotIn if values.is_empty() => r.error(e.pos, &vp, "k8s-required", "Required value: must be specified when `operator` is 'In' or 'NotIn'"),
                NodeSelectorOp::Exists | NodeSelectorOp::DoesNotExist if !values.is_empty() => r.error(e.pos, &vp, "k8s-forbidden", "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
                NodeSelectorOp::Gt | NodeSelectorOp::Lt if values.len() != 1 || values[0].parse::<i64>().is_err() => {
                    r.error(e.pos, &vp, "k8s-invalid", "Required value: must be specified single value when `operator` is 'Lt' or 'Gt' (an integer)")
                }
                _ => {}
            }
            let req = NodeSelectorRequirement { key: k, operator: op, values };
            if key == "matchExpressions" {
                t.match_expressions.push(req);
            } else {
                t.match_fields.push(req);
            }
        }
    }
    t
}

fn weight(r: &mut Reader, n: &Node, path: &str) -> i32 {
    match r.opt_int(n, "weight", path) {
        Some(w) if (1..=100).contains(&w) => w as i32,
        Some(w) => {
            let pos = n.get("weight").map(|x| x.pos).unwrap_or(n.pos);
            r.error(pos, &join(path, "weight"), "k8s-range", format!("Invalid value: {w}: must be in the range 1-100"));
            1
        }
        None => {
            if n.get("weight").is_none() {
                r.required(n, path, "weight");
            }
            1
        }
    }
}

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED: &str = "preferredDuringSchedulingIgnoredDuringExecution";

fn read_affinity(r: &mut Reader, n: &Node, path: &str) -> Affinity {
    let mut a = Affinity::default();
    if !r.fields(n, path, &["nodeAffinity", "podAffinity", "podAntiAffinity"], &[]) {
        return a;
    }
    if let Some(na) = r.get(n, "nodeAffinity") {
        let np = join(path, "nodeAffinity");
        let mut out = NodeAffinity::default();
        if r.fields(na, &np, &[REQUIRED, PREFERRED], &[]) {
            if let Some(req) = r.get(na, REQUIRED) {
                let rp = join(&np, REQUIRED);
                if r.fields(req, &rp, &["nodeSelectorTerms"], &[]) {
                    let terms: Vec<NodeSelectorTerm> = r.opt_list(req, "nodeSelectorTerms", &rp).into_iter().map(|(t, p)| read_node_term(r, t, &p)).collect();
                    if terms.is_empty() {
                        r.error(req.pos, &join(&rp, "nodeSelectorTerms"), "k8s-required", "Required value: must have at least one node selector term");
                    }
                    out.required = Some(terms);
                }
            }
            for (pn, p) in r.opt_list(na, PREFERRED, &np) {
                if !r.fields(pn, &p, &["weight", "preference"], &[]) {
                    continue;
                }
                let w = weight(r, pn, &p);
                let preference = match r.get(pn, "preference") {
                    Some(t) => read_node_term(r, t, &join(&p, "preference")),
                    None => {
                        r.required(pn, &p, "preference");
                        continue;
                    }
                };
                out.preferred.push(PreferredSchedulingTerm { weight: w, preference });
            }
        }
        a.node_affinity = Some(out);
    }
    for (key, anti) in [("podAffinity", false), ("podAntiAffinity", true)] {
        let Some(pa) = r.get(n, key) else { continue };
        let pp = join(path, key);
        let mut out = PodAffinity::default();
        if r.fields(pa, &pp, &[REQUIRED, PREFERRED], &[]) {
            for (t, p) in r.opt_list(pa, REQUIRED, &pp) {
                if let Some(term) = read_pod_term(r, t, &p) {
                    out.required.push(term);
                }
            }
            for (t, p) in r.opt_list(pa, PREFERRED, &pp) {
                if !r.fields(t, &p, &["weight", "podAffinityTerm"], &[]) {
                    continue;
                }
                let w = weight(r, t, &p);
                match r.get(t, "podAffinityTerm") {
                    Some(pt) => {
                        if let Some(term) = read_pod_term(r, pt, &join(&p, "podAffinityTerm")) {
                            out.preferred.push(WeightedPodAffinityTerm { weight: w, term });
                        }
                    }
                    None => r.required(t, &p, "podAffinityTerm"),
                }
            }
        }
        if anti {
            a.pod_anti_affinity = Some(out);
        } else {
            a.pod_affinity = Some(out);
        }
    }
    a
}

fn read_pod_term(r: &mut Reader, n: &Node, path: &str) -> Option<PodAffinityTerm> {
    if !r.fields(n, path, &["labelSelector", "namespaces", "namespaceSelector", "topologyKey"], &["matchLabelKeys", "mismatchLabelKeys"]) {
        return None;
    }
    let topology_key = r.req_string(n, "topologyKey", path)?;
    Some(PodAffinityTerm {
        label_selector: r.get(n, "labelSelector").map(|s| r.label_selector(s, &join(path, "labelSelector"))),
        namespaces: r.string_list(n, "namespaces", path),
        namespace_selector: r.get(n, "namespaceSelector").map(|s| r.label_selector(s, &join(path, "namespaceSelector"))),
        topology_key,
    })
}

fn read_toleration(r: &mut Reader, n: &Node, path: &str) -> Option<Toleration> {
    if !r.fields(n, path, &["key", "operator", "value", "effect", "tolerationSeconds"], &[]) {
        return None;
    }
    let operator = match r.get(n, "operator") {
        Some(o) => r.enum_value(o, &join(path, "operator"), &[("Equal", TolerationOp::Equal), ("Exists", TolerationOp::Exists)])?,
        None => TolerationOp::Equal,
    };
    let key = r.opt_string(n, "key", path).unwrap_or_default();
    let value = r.opt_string(n, "value", path).unwrap_or_default();
    if operator == TolerationOp::Exists && !value.is_empty() {
        let pos = n.get("value").map(|x| x.pos).unwrap_or(n.pos);
        r.error(pos, &join(path, "operator"), "k8s-toleration", format!("Invalid value: {value:?}: value must be empty when `operator` is 'Exists'"));
    }
    if key.is_empty() && operator == TolerationOp::Equal {
        r.error(n.pos, &join(path, "operator"), "k8s-toleration", "Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
    }
    let effect = match r.get(n, "effect") {
        Some(e) => r.enum_value(e, &join(path, "effect"), &[("NoSchedule", TaintEffect::NoSchedule), ("PreferNoSchedule", TaintEffect::PreferNoSchedule), ("NoExecute", TaintEffect::NoExecute)]),
        None => None,
    };
    let toleration_seconds = r.opt_int(n, "tolerationSeconds", path);
    if toleration_seconds.is_some() && effect != Some(TaintEffect::NoExecute) {
        let pos = n.get("tolerationSeconds").map(|x| x.pos).unwrap_or(n.pos);
        r.error(pos, &join(path, "effect"), "k8s-toleration", "Invalid value: effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
    Some(Toleration { key, operator, value, effect, toleration_seconds })
}

fn read_spread(r: &mut Reader, n: &Node, path: &str) -> Option<TopologySpreadConstraint> {
    if !r.fields(n, path, &["maxSkew", "topologyKey", "whenUnsatisfiable", "labelSelector", "minDomains", "matchLabelKeys", "nodeAffinityPolicy", "nodeTaintsPolicy"], &[]) {
        return None;
    }
    let max_skew = match r.opt_int(n, "maxSkew", path) {
        Some(s) if s > 0 => s as i32,
        Some(s) => {
            let pos = n.get("maxSkew").map(|x| x.pos).unwrap_or(n.pos);
            r.error(pos, &join(path, "maxSkew"), "k8s-range", format!("Invalid value: {s}: must be greater than zero"));
            return None;
        }
        None => {
            if n.get("maxSkew").is_none() {
                r.required(n, path, "maxSkew");
            }
            return None;
        }
    };
    let topology_key = r.req_string(n, "topologyKey", path)?;
    let when_unsatisfiable = match r.get(n, "whenUnsatisfiable") {
        Some(w) => r.enum_value(w, &join(path, "whenUnsatisfiable"), &[("DoNotSchedule", WhenUnsatisfiable::DoNotSchedule), ("ScheduleAnyway", WhenUnsatisfiable::ScheduleAnyway)])?,
        None => {
            r.required(n, path, "whenUnsatisfiable");
            return None;
        }
    };
    let min_domains = r.opt_int(n, "minDomains", path).map(|m| m as i32);
    if let Some(m) = min_domains {
        let pos = n.get("minDomains").map(|x| x.pos).unwrap_or(n.pos);
        if m <= 0 {
            r.error(pos, &join(path, "minDomains"), "k8s-range", format!("Invalid value: {m}: must be greater than 0"));
        } else if when_unsatisfiable != WhenUnsatisfiable::DoNotSchedule {
            r.error(pos, &join(path, "minDomains"), "k8s-forbidden", format!("Invalid value: {m}: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"));
        }
    }
    let policy = |r: &mut Reader, key: &str, default: InclusionPolicy| match r.get(n, key) {
        Some(v) => r.enum_value(v, &join(path, key), &[("Honor", InclusionPolicy::Honor), ("Ignore", InclusionPolicy::Ignore)]).unwrap_or(default),
        None => default,
    };
    let node_affinity_policy = policy(r, "nodeAffinityPolicy", InclusionPolicy::Honor);
    let node_taints_policy = policy(r, "nodeTaintsPolicy", InclusionPolicy::Ignore);
    Some(TopologySpreadConstraint {
        max_skew,
        topology_key,
        when_unsatisfiable,
        label_selector: r.get(n, "labelSelector").map(|s| r.label_selector(s, &join(path, "labelSelector"))),
        min_domains,
        match_label_keys: r.string_list(n, "matchLabelKeys", path),
        node_affinity_policy,
        node_taints_policy,
    })
}
