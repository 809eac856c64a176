//! `berth export --k8s`: the Kubernetes objects of a scenario as kubectl-appliable YAML.
//!
//! Objects are written from the typed [`model`](super::model) — after the reader's defaults, so
//! every defaulted field is explicit, quantities are canonical (`500m`, `"1"`, `512Mi`) and
//! `apiVersion`/`kind` are the ones Berth serves ([`KINDS`]). Each object becomes a
//! `serde_json::Value` with its keys in Kubernetes' usual order (apiVersion, kind, metadata,
//! spec, ...), then a small block-style YAML emitter ([`to_yaml`]) writes it; documents are
//! separated by `---`. `tests/k8s_export.rs` reads the output back with [`super::manifest::parse`]
//! and checks that the same typed objects come out; `tests/export_k8s.py` loads it into the
//! official Kubernetes Python client's models.
//!
//! What the model does not keep is not exported: ConfigMap and Secret values (only their keys
//! are kept, exported with empty values), `env` values (only the ConfigMaps and Secrets they name,
//! exported as `envFrom`), volumes other than ConfigMap and Secret volumes (exported as `ref-N`
//! volumes), and fields Berth ignores (`workingDir`, `securityContext`, ...).

use serde_json::{json, Map, Value};

use crate::engine::autoscaling::hpa::{PolicyKind, ScalingRules, SelectPolicy};
use crate::engine::sim::Command;
use crate::engine::diag::Diagnostic;
use crate::engine::scenario::Scenario;
use crate::engine::time::SECOND;

use super::manifest::{self, KINDS};
use super::model::*;
use super::quantity::{fmt_bytes as fmt_binary, fmt_milli};

/// A byte count in canonical form: the largest binary unit that divides it (`512Mi`), else the
/// largest decimal SI unit (`100M`, as Kubernetes keeps a DecimalSI quantity), else plain.
fn fmt_bytes(bytes: i64) -> String {
    let binary = fmt_binary(bytes);
    if bytes == 0 || !binary.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return binary;
    }
    fmt_decimal(bytes)
}

/// Whole units with the largest decimal SI suffix that divides them: `10k`, `100M`, `7`.
fn fmt_decimal(v: i64) -> String {
    if v != 0 {
        for (suffix, unit) in [("E", 1_000_000_000_000_000_000i64), ("P", 1_000_000_000_000_000), ("T", 1_000_000_000_000), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1000)] {
            if v % unit == 0 {
                return format!("{}{suffix}", v / unit);
            }
        }
    }
    v.to_string()
}

/// The manifests of a scenario's `kubernetes` section (files already inlined by the scenario
/// reader), in order; `None` when the scenario has no `kubernetes` section.
pub fn scenario_manifests(s: &Scenario) -> Option<Vec<String>> {
    let spec = s.setup.iter().find_map(|(_, c)| match c {
        Command::KubeSetup(v) => Some(v),
        _ => None,
    })?;
    let list = spec.get("manifests").and_then(Value::as_array).cloned().unwrap_or_default();
    Some(list.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
}

/// Parses each manifest and exports every object. Errors: `(manifest index, diagnostics)` of the
/// first manifest with errors.
pub fn export_manifests(texts: &[String]) -> Result<String, (usize, Vec<Diagnostic>)> {
    let mut objects = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        let m = manifest::parse(t);
        if m.has_errors() {
            return Err((i, m.diagnostics));
        }
        objects.extend(m.objects.into_iter().map(|p| p.object));
    }
    Ok(export_objects(&objects))
}

/// Multi-document YAML for `objects`, one document each, separated by `---`.
pub fn export_objects(objects: &[Object]) -> String {
    let docs: Vec<String> = objects.iter().map(|o| to_yaml(&object_json(o))).collect();
    docs.join("---\n")
}

/// The served apiVersion of a kind (from [`KINDS`]).
fn api_version(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, a)| *a).unwrap_or("v1")
}

/// Builds a JSON object keeping insertion order (serde_json's `preserve_order`).
struct Obj(Map<String, Value>);

impl Obj {
    fn new() -> Obj {
        Obj(Map::new())
    }
    fn set(mut self, k: &str, v: Value) -> Obj {
        self.0.insert(k.to_string(), v);
        self
    }
    fn opt(self, k: &str, v: Option<Value>) -> Obj {
        match v {
            Some(v) => self.set(k, v),
            None => self,
        }
    }
    fn nonempty(self, k: &str, v: Value) -> Obj {
        let empty = match &v {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if empty {
            self
        } else {
            self.set(k, v)
        }
    }
    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

fn string_map(m: &Labels) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

/// The object as the JSON the API server would accept, keys in the usual order.
pub fn object_json(o: &Object) -> Value {
    let kind = o.kind();
    let head = Obj::new().set("apiVersion", json!(api_version(kind))).set("kind", json!(kind)).set("metadata", meta(o.meta()));
    match o {
        Object::Pod(p) => head.set("spec", pod_spec(&p.spec)).done(),
        Object::Deployment(d) => head
            .set(
                "spec",
                Obj::new()
                    .set("replicas", json!(d.replicas))
                    .set("selector", selector(&d.selector))
                    .set("template", template(&d.template))
                    .set(
                        "strategy",
                        match &d.strategy {
                            DeploymentStrategy::RollingUpdate { max_surge, max_unavailable } => json!({
                                "type": "RollingUpdate",
                                "rollingUpdate": { "maxSurge": int_or_percent(max_surge), "maxUnavailable": int_or_percent(max_unavailable) }
                            }),
                            DeploymentStrategy::Recreate => json!({ "type": "Recreate" }),
                        },
                    )
                    .set("revisionHistoryLimit", json!(d.revision_history_limit))
                    .set("progressDeadlineSeconds", json!(d.progress_deadline_seconds))
                    .set("minReadySeconds", json!(d.min_ready_seconds))
                    .opt("paused", d.paused.then(|| json!(true)))
                    .done(),
            )
            .done(),
        Object::ReplicaSet(r) => head
            .set(
                "spec",
                Obj::new()
                    .set("replicas", json!(r.replicas))
                    .set("selector", selector(&r.selector))
                    .set("template", template(&r.template))
                    .set("minReadySeconds", json!(r.min_ready_seconds))
                    .done(),
            )
            .done(),
        Object::DaemonSet(d) => head
            .set(
                "spec",
                Obj::new()
                    .set("selector", selector(&d.selector))
                    .set("template", template(&d.template))
                    .set(
                        "updateStrategy",
                        match &d.update_strategy {
                            DaemonSetStrategy::RollingUpdate { max_unavailable, max_surge } => json!({
                                "type": "RollingUpdate",
                                "rollingUpdate": { "maxUnavailable": int_or_percent(max_unavailable), "maxSurge": int_or_percent(max_surge) }
                            }),
                            DaemonSetStrategy::OnDelete => json!({ "type": "OnDelete" }),
                        },
                    )
                    .set("minReadySeconds", json!(d.min_ready_seconds))
                    .done(),
            )
            .done(),
        Object::Job(j) => head
            .set(
                "spec",
                Obj::new()
                    .opt("completions", j.completions.map(|c| json!(c)))
                    .set("parallelism", json!(j.parallelism))
                    .set("backoffLimit", json!(j.backoff_limit))
                    .opt("activeDeadlineSeconds", j.active_deadline_seconds.map(|v| json!(v)))
                    .opt("ttlSecondsAfterFinished", j.ttl_seconds_after_finished.map(|v| json!(v)))
                    .set("template", template(&j.template))
                    .done(),
            )
            .done(),
        Object::Service(s) => head.set("spec", service_spec(s)).done(),
        Object::Namespace(_) => head.done(),
        Object::ResourceQuota(q) => {
            let hard: Map<String, Value> = q.hard.iter().map(|(k, v)| (k.clone(), json!(quota_value(k, *v)))).collect();
            head.set("spec", Obj::new().set("hard", Value::Object(hard)).done()).done()
        }
        Object::LimitRange(l) => {
            let limits: Vec<Value> = l
                .limits
                .iter()
                .map(|i| {
                    let ty = match i.limit_type {
                        LimitType::Container => "Container",
                        LimitType::Pod => "Pod",
                        LimitType::PersistentVolumeClaim => "PersistentVolumeClaim",
                    };
                    Obj::new()
                        .set("type", json!(ty))
                        .nonempty("default", resource_list(&i.default))
                        .nonempty("defaultRequest", resource_list(&i.default_request))
                        .nonempty("max", resource_list(&i.max))
                        .nonempty("min", resource_list(&i.min))
                        .done()
                })
                .collect();
            head.set("spec", json!({ "limits": limits })).done()
        }
        Object::NetworkPolicy(n) => head.set("spec", network_policy_spec(n)).done(),
        Object::HorizontalPodAutoscaler(h) => head.set("spec", hpa_spec(h)).done(),
        Object::ConfigMap(c) => {
            let data: Map<String, Value> = c.keys.iter().map(|k| (k.clone(), json!(""))).collect();
            head.set("data", Value::Object(data)).done()
        }
        Object::Secret(s) => {
            let data: Map<String, Value> = s.keys.iter().map(|k| (k.clone(), json!(""))).collect();
            head.set("type", json!(s.secret_type)).set("data", Value::Object(data)).done()
        }
        Object::PodDisruptionBudget(p) => {
            let spec = Obj::new().set("selector", selector(&p.selector));
            let spec = match &p.budget {
                DisruptionBudget::MinAvailable(v) => spec.set("minAvailable", int_or_percent(v)),
                DisruptionBudget::MaxUnavailable(v) => spec.set("maxUnavailable", int_or_percent(v)),
            };
            let spec = if p.always_allow_unhealthy { spec.set("unhealthyPodEvictionPolicy", json!("AlwaysAllow")) } else { spec };
            head.set("spec", spec.done()).done()
        }
        Object::PriorityClass(c) => head
            .set("value", json!(c.value))
            .set("globalDefault", json!(c.global_default))
            .set("preemptionPolicy", json!(if c.preempt_never { "Never" } else { "PreemptLowerPriority" }))
            .opt("description", c.description.as_ref().map(|d| json!(d)))
            .done(),
    }
}

fn meta(m: &ObjectMeta) -> Value {
    Obj::new()
        .set("name", json!(m.name))
        .opt("namespace", m.namespace.as_ref().map(|n| json!(n)))
        .nonempty("labels", string_map(&m.labels))
        .nonempty("annotations", string_map(&m.annotations))
        .done()
}

fn int_or_percent(v: &IntOrPercent) -> Value {
    match v {
        IntOrPercent::Int(i) => json!(i),
        IntOrPercent::Percent(p) => json!(format!("{p}%")),
    }
}

fn int_or_string(v: &IntOrString) -> Value {
    match v {
        IntOrString::Int(i) => json!(i),
        IntOrString::Str(s) => json!(s),
    }
}

fn selector(s: &LabelSelector) -> Value {
    let exprs: Vec<Value> = s
        .match_expressions
        .iter()
        .map(|e| {
            let op = match e.operator {
                SelectorOp::In => "In",
                SelectorOp::NotIn => "NotIn",
                SelectorOp::Exists => "Exists",
                SelectorOp::DoesNotExist => "DoesNotExist",
            };
            Obj::new().set("key", json!(e.key)).set("operator", json!(op)).nonempty("values", json!(e.values)).done()
        })
        .collect();
    Obj::new().nonempty("matchLabels", string_map(&s.match_labels)).nonempty("matchExpressions", json!(exprs)).done()
}

fn template(t: &PodTemplate) -> Value {
    let m = Obj::new().nonempty("labels", string_map(&t.meta.labels)).nonempty("annotations", string_map(&t.meta.annotations)).done();
    Obj::new().set("metadata", m).set("spec", pod_spec(&t.spec)).done()
}

/// CPU in millicores (`250m`, `"2"`), memory and storage in binary units (`512Mi`), extended
/// resources as whole units.
fn resource_list(r: &ResourceList) -> Value {
    let mut o = Obj::new();
    if let Some(c) = r.cpu_milli {
        o = o.set("cpu", json!(fmt_milli(c)));
    }
    if let Some(m) = r.memory {
        o = o.set("memory", json!(fmt_bytes(m)));
    }
    if let Some(e) = r.ephemeral_storage {
        o = o.set("ephemeral-storage", json!(fmt_bytes(e)));
    }
    for (k, v) in &r.extended {
        o = o.set(k, json!(v.to_string()));
    }
    o.done()
}

/// A ResourceQuota `hard` value: CPU names are held in millicores, memory and storage in bytes,
/// everything else (pods, services, count/...) as a count.
fn quota_value(name: &str, v: i64) -> String {
    if matches!(name, "cpu" | "requests.cpu" | "limits.cpu") {
        fmt_milli(v)
    } else if name.contains("memory") || name.contains("storage") {
        fmt_bytes(v)
    } else {
        v.to_string()
    }
}

fn protocol(p: Protocol) -> Value {
    json!(p.as_str())
}

fn probe(p: &Probe) -> Value {
    let o = match &p.action {
        ProbeAction::HttpGet { path, port } => Obj::new().set("httpGet", json!({ "path": path, "port": int_or_string(port) })),
        ProbeAction::TcpSocket { port } => Obj::new().set("tcpSocket", json!({ "port": int_or_string(port) })),
        ProbeAction::Exec { command } => Obj::new().set("exec", json!({ "command": command })),
        ProbeAction::Grpc { port } => Obj::new().set("grpc", json!({ "port": port })),
    };
    o.set("initialDelaySeconds", json!(p.initial_delay_seconds))
        .set("periodSeconds", json!(p.period_seconds))
        .set("timeoutSeconds", json!(p.timeout_seconds))
        .set("successThreshold", json!(p.success_threshold))
        .set("failureThreshold", json!(p.failure_threshold))
        .done()
}

fn container(c: &Container) -> Value {
    let ports: Vec<Value> = c
        .ports
        .iter()
        .map(|p| {
            Obj::new()
                .opt("name", p.name.as_ref().map(|n| json!(n)))
                .set("containerPort", json!(p.container_port))
                .opt("hostPort", p.host_port.map(|h| json!(h)))
                .opt("hostIP", p.host_ip.as_ref().map(|h| json!(h)))
                .set("protocol", protocol(p.protocol))
                .done()
        })
        .collect();
    let resources = Obj::new().nonempty("requests", resource_list(&c.resources.requests)).nonempty("limits", resource_list(&c.resources.limits)).done();
    let env_from: Vec<Value> = c
        .refs
        .iter()
        .map(|r| match r {
            ObjectRef::ConfigMap(n) => json!({ "configMapRef": { "name": n } }),
            ObjectRef::Secret(n) => json!({ "secretRef": { "name": n } }),
        })
        .collect();
    Obj::new()
        .set("name", json!(c.name))
        .set("image", json!(c.image))
        .nonempty("command", json!(c.command))
        .nonempty("args", json!(c.args))
        .nonempty("ports", json!(ports))
        .nonempty("resources", resources)
        .opt("livenessProbe", c.liveness_probe.as_ref().map(probe))
        .opt("readinessProbe", c.readiness_probe.as_ref().map(probe))
        .opt("startupProbe", c.startup_probe.as_ref().map(probe))
        .nonempty("envFrom", json!(env_from))
        .done()
}

fn node_op(op: NodeSelectorOp) -> &'static str {
    match op {
        NodeSelectorOp::In => "In",
        NodeSelectorOp::NotIn => "NotIn",
        NodeSelectorOp::Exists => "Exists",
        NodeSelectorOp::DoesNotExist => "DoesNotExist",
        NodeSelectorOp::Gt => "Gt",
        NodeSelectorOp::Lt => "Lt",
    }
}

fn node_term(t: &NodeSelectorTerm) -> Value {
    let reqs = |v: &[NodeSelectorRequirement]| -> Value {
        Value::Array(v.iter().map(|r| Obj::new().set("key", json!(r.key)).set("operator", json!(node_op(r.operator))).nonempty("values", json!(r.values)).done()).collect())
    };
    Obj::new().nonempty("matchExpressions", reqs(&t.match_expressions)).nonempty("matchFields", reqs(&t.match_fields)).done()
}

fn pod_term(t: &PodAffinityTerm) -> Value {
    Obj::new()
        .opt("labelSelector", t.label_selector.as_ref().map(selector))
        .nonempty("namespaces", json!(t.namespaces))
        .opt("namespaceSelector", t.namespace_selector.as_ref().map(selector))
        .set("topologyKey", json!(t.topology_key))
        .done()
}

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED: &str = "preferredDuringSchedulingIgnoredDuringExecution";

fn affinity(a: &Affinity) -> Value {
    let node = a.node_affinity.as_ref().map(|n| {
        let preferred: Vec<Value> = n.preferred.iter().map(|p| json!({ "weight": p.weight, "preference": node_term(&p.preference) })).collect();
        Obj::new()
            .opt(REQUIRED, n.required.as_ref().map(|terms| json!({ "nodeSelectorTerms": terms.iter().map(node_term).collect::<Vec<_>>() })))
            .nonempty(PREFERRED, json!(preferred))
            .done()
    });
    let pod = |p: &PodAffinity| {
        let required: Vec<Value> = p.required.iter().map(pod_term).collect();
        let preferred: Vec<Value> = p.preferred.iter().map(|w| json!({ "weight": w.weight, "podAffinityTerm": pod_term(&w.term) })).collect();
        Obj::new().nonempty(REQUIRED, json!(required)).nonempty(PREFERRED, json!(preferred)).done()
    };
    Obj::new()
        .opt("nodeAffinity", node)
        .opt("podAffinity", a.pod_affinity.as_ref().map(pod))
        .opt("podAntiAffinity", a.pod_anti_affinity.as_ref().map(pod))
        .done()
}

fn toleration(t: &Toleration) -> Value {
    let op = match t.operator {
        TolerationOp::Equal => "Equal",
        TolerationOp::Exists => "Exists",
    };
    Obj::new()
        .opt("key", (!t.key.is_empty()).then(|| json!(t.key)))
        .set("operator", json!(op))
        .opt("value", (!t.value.is_empty()).then(|| json!(t.value)))
        .opt("effect", t.effect.map(|e| json!(e.as_str())))
        .opt("tolerationSeconds", t.toleration_seconds.map(|s| json!(s)))
        .done()
}

fn spread(c: &TopologySpreadConstraint) -> Value {
    let policy = |p: InclusionPolicy| match p {
        InclusionPolicy::Honor => "Honor",
        InclusionPolicy::Ignore => "Ignore",
    };
    let when = match c.when_unsatisfiable {
        WhenUnsatisfiable::DoNotSchedule => "DoNotSchedule",
        WhenUnsatisfiable::ScheduleAnyway => "ScheduleAnyway",
    };
    Obj::new()
        .set("maxSkew", json!(c.max_skew))
        .set("topologyKey", json!(c.topology_key))
        .set("whenUnsatisfiable", json!(when))
        .opt("labelSelector", c.label_selector.as_ref().map(selector))
        .opt("minDomains", c.min_domains.map(|m| json!(m)))
        .nonempty("matchLabelKeys", json!(c.match_label_keys))
        .set("nodeAffinityPolicy", json!(policy(c.node_affinity_policy)))
        .set("nodeTaintsPolicy", json!(policy(c.node_taints_policy)))
        .done()
}

fn pod_spec(s: &PodSpec) -> Value {
    let restart = match s.restart_policy {
        RestartPolicy::Always => "Always",
        RestartPolicy::OnFailure => "OnFailure",
        RestartPolicy::Never => "Never",
    };
    let volumes: Vec<Value> = s
        .refs
        .iter()
        .enumerate()
        .map(|(i, r)| match r {
            ObjectRef::ConfigMap(n) => json!({ "name": format!("ref-{i}"), "configMap": { "name": n } }),
            ObjectRef::Secret(n) => json!({ "name": format!("ref-{i}"), "secret": { "secretName": n } }),
        })
        .collect();
    Obj::new()
        .set("containers", Value::Array(s.containers.iter().map(container).collect()))
        .nonempty(
            "initContainers",
            Value::Array(
                s.init_containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let mut v = container(c);
                        // A native sidecar keeps its `restartPolicy: Always`.
                        if let (true, Value::Object(m)) = (s.is_sidecar(i), &mut v) {
                            m.insert("restartPolicy".into(), json!("Always"));
                        }
                        v
                    })
                    .collect(),
            ),
        )
        .opt("nodeName", s.node_name.as_ref().map(|n| json!(n)))
        .nonempty("nodeSelector", string_map(&s.node_selector))
        .opt("affinity", s.affinity.as_ref().map(affinity))
        .nonempty("tolerations", Value::Array(s.tolerations.iter().map(toleration).collect()))
        .nonempty("topologySpreadConstraints", Value::Array(s.topology_spread_constraints.iter().map(spread).collect()))
        .opt("priority", s.priority.map(|p| json!(p)))
        .opt("priorityClassName", s.priority_class_name.as_ref().map(|p| json!(p)))
        .set("schedulerName", json!(s.scheduler_name))
        .set("restartPolicy", json!(restart))
        .set("terminationGracePeriodSeconds", json!(s.termination_grace_period_seconds))
        .opt("hostNetwork", s.host_network.then(|| json!(true)))
        .nonempty("volumes", json!(volumes))
        .nonempty("overhead", resource_list(&s.overhead))
        .done()
}

fn service_spec(s: &Service) -> Value {
    let ty = match s.service_type {
        ServiceType::ClusterIP => "ClusterIP",
        ServiceType::NodePort => "NodePort",
        ServiceType::LoadBalancer => "LoadBalancer",
        ServiceType::ExternalName => "ExternalName",
    };
    let ports: Vec<Value> = s
        .ports
        .iter()
        .map(|p| {
            Obj::new()
                .opt("name", p.name.as_ref().map(|n| json!(n)))
                .set("protocol", protocol(p.protocol))
                .set("port", json!(p.port))
                .set("targetPort", int_or_string(&p.target_port))
                .opt("nodePort", p.node_port.map(|n| json!(n)))
                .done()
        })
        .collect();
    let o = Obj::new().set("type", json!(ty)).nonempty("selector", string_map(&s.selector));
    // An ExternalName Service needs no ports; every other type must list them.
    let o = if s.service_type == ServiceType::ExternalName { o.nonempty("ports", json!(ports)) } else { o.set("ports", json!(ports)) };
    o.opt("clusterIP", s.cluster_ip.as_ref().map(|c| json!(c)))
        .opt("externalName", s.external_name.as_ref().map(|c| json!(c)))
        .set("sessionAffinity", json!(if s.session_affinity_client_ip { "ClientIP" } else { "None" }))
        .done()
}

fn network_policy_spec(n: &NetworkPolicy) -> Value {
    let rules = |rules: &[NetworkPolicyRule], peer_key: &str| -> Value {
        Value::Array(
            rules
                .iter()
                .map(|r| {
                    let peers: Vec<Value> = r
                        .peers
                        .iter()
                        .map(|p| {
                            Obj::new()
                                .opt("podSelector", p.pod_selector.as_ref().map(selector))
                                .opt("namespaceSelector", p.namespace_selector.as_ref().map(selector))
                                .opt("ipBlock", p.ip_block.as_ref().map(|b| Obj::new().set("cidr", json!(b.cidr)).nonempty("except", json!(b.except)).done()))
                                .done()
                        })
                        .collect();
                    let ports: Vec<Value> = r
                        .ports
                        .iter()
                        .map(|p| Obj::new().set("protocol", protocol(p.protocol)).opt("port", p.port.as_ref().map(int_or_string)).opt("endPort", p.end_port.map(|e| json!(e))).done())
                        .collect();
                    Obj::new().nonempty(peer_key, json!(peers)).nonempty("ports", json!(ports)).done()
                })
                .collect(),
        )
    };
    let mut types = Vec::new();
    if n.ingress_enabled {
        types.push("Ingress");
    }
    if n.egress_enabled {
        types.push("Egress");
    }
    Obj::new()
        .set("podSelector", selector(&n.pod_selector))
        .set("policyTypes", json!(types))
        .nonempty("ingress", rules(&n.ingress, "from"))
        .nonempty("egress", rules(&n.egress, "to"))
        .done()
}

/// A metric target (held in milli-units): `memory` in byte units (`500Mi`), other whole values
/// with decimal suffixes (`10k`), fractions in milli-units (`1500m`).
fn metric_target(name: &str, t: &MetricTarget) -> Value {
    let q = |milli: i64| {
        if milli % 1000 != 0 {
            fmt_milli(milli)
        } else if name == "memory" {
            fmt_bytes(milli / 1000)
        } else {
            fmt_decimal(milli / 1000)
        }
    };
    match t {
        MetricTarget::Utilization(u) => json!({ "type": "Utilization", "averageUtilization": u }),
        MetricTarget::AverageValueMilli(m) => json!({ "type": "AverageValue", "averageValue": q(*m) }),
        MetricTarget::ValueMilli(m) => json!({ "type": "Value", "value": q(*m) }),
    }
}

fn scaling_rules(r: &ScalingRules) -> Value {
    let select = match r.select {
        SelectPolicy::Max => "Max",
        SelectPolicy::Min => "Min",
        SelectPolicy::Disabled => "Disabled",
    };
    let policies: Vec<Value> = r
        .policies
        .iter()
        .map(|p| {
            let kind = match p.kind {
                PolicyKind::Pods => "Pods",
                PolicyKind::Percent => "Percent",
            };
            json!({ "type": kind, "value": p.value, "periodSeconds": p.period_ms / SECOND })
        })
        .collect();
    json!({ "stabilizationWindowSeconds": r.stabilization_window_ms / SECOND, "selectPolicy": select, "policies": policies })
}

fn hpa_spec(h: &HorizontalPodAutoscaler) -> Value {
    let target = Obj::new()
        .opt("apiVersion", (!h.scale_target_ref.api_version.is_empty()).then(|| json!(h.scale_target_ref.api_version)))
        .set("kind", json!(h.scale_target_ref.kind))
        .set("name", json!(h.scale_target_ref.name))
        .done();
    let metrics: Vec<Value> = h
        .metrics
        .iter()
        .map(|m| match m {
            HpaMetric::Resource { name, target } => json!({ "type": "Resource", "resource": { "name": name, "target": metric_target(name, target) } }),
            HpaMetric::ContainerResource { name, container, target } => {
                json!({ "type": "ContainerResource", "containerResource": { "name": name, "container": container, "target": metric_target(name, target) } })
            }
            HpaMetric::Other { metric_type, name, target, object } => {
                let key = match metric_type.as_str() {
                    "Pods" => "pods",
                    "Object" => "object",
                    _ => "external",
                };
                let body = Obj::new()
                    .opt("describedObject", object.as_ref().map(|(k, n)| json!({ "kind": k, "name": n })))
                    .set("metric", json!({ "name": name }))
                    .set("target", metric_target(name, target))
                    .done();
                Obj::new().set("type", json!(metric_type)).set(key, body).done()
            }
        })
        .collect();
    json!({
        "scaleTargetRef": target,
        "minReplicas": h.min_replicas,
        "maxReplicas": h.max_replicas,
        "metrics": metrics,
        "behavior": { "scaleUp": scaling_rules(&h.scale_up), "scaleDown": scaling_rules(&h.scale_down) },
    })
}

// ---------------------------------------------------------------------------------------------
// The YAML emitter
// ---------------------------------------------------------------------------------------------

/// Block-style YAML for a JSON value (a document: no leading `---`). Maps keep their key order;
/// sequences are indented under their key (`  - item`); empty collections are written `{}` and
/// `[]`; strings are quoted whenever a YAML 1.1 or 1.2 reader could take them for something else
/// (see [`needs_quotes`]).
pub fn to_yaml(v: &Value) -> String {
    let mut lines = Vec::new();
    match v {
        Value::Object(m) if !m.is_empty() => block(v, 0, &mut lines),
        Value::Array(a) if !a.is_empty() => block(v, 0, &mut lines),
        other => lines.push(scalar(other)),
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn is_block(v: &Value) -> bool {
    match v {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

/// Lines of a non-empty map or sequence, each indented by `indent` spaces.
fn block(v: &Value, indent: usize, lines: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                if is_block(val) {
                    lines.push(format!("{pad}{}:", quote(k)));
                    block(val, indent + 2, lines);
                } else {
                    lines.push(format!("{pad}{}: {}", quote(k), scalar(val)));
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                if is_block(item) {
                    // The item's first line, rendered 2 deeper, gets the dash in its indentation.
                    let start = lines.len();
                    block(item, indent + 2, lines);
                    if let Some(first) = lines.get_mut(start) {
                        let rest = first.get(indent + 2..).unwrap_or(first.as_str()).to_string();
                        *first = format!("{pad}- {rest}");
                    }
                } else {
                    lines.push(format!("{pad}- {}", scalar(item)));
                }
            }
        }
        other => lines.push(format!("{pad}{}", scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// A string as a plain scalar when that reads back as the same string, else double-quoted
/// (JSON escapes are valid YAML double-quoted escapes).
fn quote(s: &str) -> String {
    if needs_quotes(s) {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
    } else {
        s.to_string()
    }
}

/// YAML 1.1 words that readers such as PyYAML resolve to booleans or null (YAML 1.2 keeps only
/// true/false/null/~); `=` and `<<` are PyYAML's value and merge keys.
const RESERVED: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "=", "<<"];

/// Whether `s` must be quoted: empty; a reserved word (any case); anything that starts like a
/// number (digit, or `+ - .` — `"512"`, `"1.0"`, `".inf"`, `"1:20"` base-60 in YAML 1.1); a
/// leading indicator or space; `": "` or `" #"` inside; a trailing `:` or space; or any control
/// character.
pub fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return true };
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return true;
    }
    if first.is_ascii_digit() || "+-.".contains(first) {
        return true;
    }
    if "?:,[]{}#&*!|>'\"%@`".contains(first) || first.is_whitespace() {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.ends_with(char::is_whitespace) {
        return true;
    }
    s.chars().any(|c| c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_yaml_would_misread_are_quoted() {
        for s in ["", "yes", "No", "ON", "off", "true", "null", "~", "512", "1.0", "-1", ".inf", "1:20", "a: b", "- x", "#c", "a #b", "x:", " lead", "trail ", "*ref", "&a", "!tag", "{}", "[x]", "%d", "@x", "line\nbreak", "'q", "\"q", "500m"] {
            assert!(needs_quotes(s), "{s:?} must be quoted");
        }
        for s in ["web", "nginx:1.25", "app.kubernetes.io/name", "Always", "/healthz", "a-b", "kubernetes.io/hostname", "Mi512"] {
            assert!(!needs_quotes(s), "{s:?} can be plain");
        }
    }

    #[test]
    fn emits_nested_blocks_and_empty_collections() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": { "name": "p", "labels": { "on": "512" } },
            "spec": {
                "containers": [ { "name": "c", "ports": [ { "containerPort": 80 } ], "args": [] } ],
                "m": {},
                "nested": [["a", "b"], "c"],
                "s": "a: b"
            }
        });
        let want = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    \"on\": \"512\"\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 80\n      args: []\n  m: {}\n  nested:\n    - - a\n      - b\n    - c\n  s: \"a: b\"\n";
        assert_eq!(to_yaml(&v), want);
    }
}
