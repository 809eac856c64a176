//! The goal language: small JSON predicates over the simulation, written by teachers.
//!
//! A goal is a JSON object whose key says what it checks (`{"service": "web", "running": {">=": 6}}`,
//! `{"hourlyCost": {"<": 0.5}}`, `{"throughout": {...}}`, ...). The reference is
//! `docs/lessons.md`; this module parses goals (with positions for every mistake) and describes
//! them in words. [`super::check`] evaluates them against a running engine.

use serde_json::Value;

use super::read::{did_you_mean, Reader};
use crate::engine::json::{Json, JsonKind};

/// A comparison operator of the goal language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Every operator as written in JSON, in the order messages list them.
pub const OPS: [(&str, Op); 6] = [("==", Op::Eq), ("!=", Op::Ne), ("<", Op::Lt), ("<=", Op::Le), (">", Op::Gt), (">=", Op::Ge)];

/// Two numbers closer than this are equal (hourly costs are sums of decimal prices).
const EPSILON: f64 = 1e-9;

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Lt => "<",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Ge => "≥",
        }
    }

    pub fn holds(self, actual: f64, expected: f64) -> bool {
        let eq = (actual - expected).abs() <= EPSILON;
        match self {
            Op::Eq => eq,
            Op::Ne => !eq,
            Op::Lt => actual < expected && !eq,
            Op::Le => actual < expected || eq,
            Op::Gt => actual > expected && !eq,
            Op::Ge => actual > expected || eq,
        }
    }

    /// Which way a value went when this comparison failed ("dropped to" / "rose to").
    pub fn direction(self) -> Direction {
        match self {
            Op::Gt | Op::Ge => Direction::Down,
            Op::Lt | Op::Le => Direction::Up,
            Op::Eq | Op::Ne => Direction::Other,
        }
    }
}

/// How a numeric goal failed: its value went below a lower bound, above an upper bound, or
/// missed an exact value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Down,
    Up,
    Other,
}

/// A comparison: one or more `(operator, number)` pairs that must all hold
/// (`{">=": 2, "<=": 4}`). A bare number means `==`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmp(pub Vec<(Op, f64)>);

impl Cmp {
    /// `None` when every pair holds, else the first pair that does not.
    pub fn failing(&self, actual: f64) -> Option<(Op, f64)> {
        self.0.iter().copied().find(|(op, n)| !op.holds(actual, *n))
    }

    pub fn holds(&self, actual: f64) -> bool {
        self.failing(actual).is_none()
    }

    /// `≥ 6`, `≤ 2`, `≥ 2 and ≤ 4`; `6` for `== 6` when `bare_eq` (counts read "6 running tasks").
    pub fn text(&self, bare_eq: bool, fmt: fn(f64) -> String) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(op, n)| if *op == Op::Eq && bare_eq { fmt(*n) } else { format!("{} {}", op.symbol(), fmt(*n)) })
            .collect();
        parts.join(" and ")
    }

    /// `true` if the only number is 1: "≤ 1 task" rather than "≤ 1 tasks".
    pub fn is_one(&self) -> bool {
        self.0.len() == 1 && (self.0[0].1 - 1.0).abs() < EPSILON
    }
}

/// A number as messages show it: `6`, `0.5`, `1.25`.
pub fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Dollars: `$0.50`, `$0.1664`.
pub fn usd(n: f64) -> String {
    let s = format!("{n:.4}");
    let trimmed = s.trim_end_matches('0');
    let decimals = trimmed.split('.').nth(1).map_or(0, str::len);
    if decimals < 2 {
        format!("${n:.2}")
    } else {
        format!("${trimmed}")
    }
}

/// A goal: what it checks, and an optional label for the learner's checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// Shown instead of the generated description when set.
    pub label: Option<String>,
    pub kind: GoalKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GoalKind {
    All(Vec<Goal>),
    Any(Vec<Goal>),
    Not(Box<Goal>),
    /// Once it holds, must hold at every later observation (and so at the end); fails if it
    /// never holds.
    Throughout(Box<Goal>),
    /// Must hold at one observation at least.
    Eventually(Box<Goal>),
    /// `{"service": "web", "running": {">=": 6}, "taskDefinition": "web:2"}`
    Service {
        service: String,
        checks: Vec<ServiceCheck>,
    },
    /// `{"tasks": {"service": "web", "az": "us-east-1a", "==": 2}}`: how many tasks match.
    Tasks {
        filter: TaskFilter,
        cmp: Cmp,
    },
    /// `{"taskOn": {"service": "web", "instanceType": "m5.large"}}`: every matching task is on a
    /// matching place (and there is at least one such task).
    TaskOn {
        filter: TaskFilter,
    },
    /// Every AZ of the cluster holds a number of the service's tasks that satisfies `cmp`.
    TasksPerAz {
        service: String,
        cmp: Cmp,
    },
    /// Every container instance holds a number of the service's tasks that satisfies `cmp`.
    TasksPerInstance {
        service: String,
        cmp: Cmp,
    },
    /// Tasks waiting for room (a service's, or all services' and RunTask calls').
    Unplaced {
        service: Option<String>,
        cmp: Cmp,
    },
    /// How many container instances match.
    Instances {
        filter: InstanceFilter,
        cmp: Cmp,
    },
    /// What the cluster costs per hour now (EC2 on demand and Spot, Fargate): snapshot `cost`.
    HourlyCost(Cmp),
    /// The newest one-minute datapoint of a metric (`{"metric": {"name": "web/CPUUtilization", "<": 70}}`).
    Metric {
        name: String,
        cmp: Cmp,
    },
    /// Events in the log so far whose fields match (`type` is one of them).
    Event {
        fields: Vec<(String, Value)>,
        times: Cmp,
    },
    /// The latest registered revision of a family, or the revision a service points at.
    TaskDefinition {
        of: TdOf,
        checks: Vec<TdCheck>,
    },
    /// Kubernetes: `{"deployment": "web", "ready": 3}`, a Deployment's counts as `kubectl get
    /// deployment` shows them.
    Deployment {
        name: String,
        namespace: Option<String>,
        checks: Vec<(DeploymentMetric, Cmp)>,
    },
    /// Kubernetes: `{"pods": {"deployment": "web", "zone": "us-east-1a", "==": 2}}`: how many
    /// pods match.
    Pods {
        filter: PodFilter,
        cmp: Cmp,
    },
    /// Kubernetes: every matching pod is on a matching node (and there is at least one such pod).
    PodOn {
        filter: PodFilter,
    },
    /// Kubernetes: every node holds a number of the matching pods that satisfies `cmp`.
    PodsPerNode {
        filter: PodFilter,
        cmp: Cmp,
    },
    /// Kubernetes: every zone of the cluster holds a number of the matching pods that satisfies
    /// `cmp` (zones with none count as 0).
    PodsPerZone {
        filter: PodFilter,
        cmp: Cmp,
    },
    /// Kubernetes: how many nodes match.
    Nodes {
        filter: NodeFilter,
        cmp: Cmp,
    },
    /// Kubernetes: how many endpoints a Service has (`ready`: only those kube-proxy routes to,
    /// or only those it does not).
    Endpoints {
        service: String,
        namespace: Option<String>,
        ready: Option<bool>,
        cmp: Cmp,
    },
}

/// A Deployment's numbers (`kubectl get deployment`: READY, UP-TO-DATE, AVAILABLE).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeploymentMetric {
    /// `spec.replicas`.
    Desired,
    /// Active pods of every ReplicaSet.
    Replicas,
    Ready,
    Available,
    Updated,
    Revision,
}

impl DeploymentMetric {
    pub const ALL: [(&'static str, DeploymentMetric); 6] = [
        ("desired", DeploymentMetric::Desired),
        ("replicas", DeploymentMetric::Replicas),
        ("ready", DeploymentMetric::Ready),
        ("available", DeploymentMetric::Available),
        ("updated", DeploymentMetric::Updated),
        ("revision", DeploymentMetric::Revision),
    ];
}

/// Which pods a Kubernetes goal looks at (`pod`, `deployment`, `labels`, `namespace`, `phase`,
/// `status`, `ready`, `qos`, `unschedulable`) and where they are (`node`, `zone`, `nodegroup`,
/// `instanceType`, `capacityType`, `fargate`). Every field given must match; lists mean "any
/// of these".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodFilter {
    pub namespace: Option<String>,
    /// A pod's name.
    pub pod: Option<String>,
    /// Pods of this Deployment (through their ReplicaSet).
    pub deployment: Option<String>,
    /// `app=web,tier=front`: every pair must be among the pod's labels.
    pub labels: Option<Vec<(String, String)>>,
    /// `Pending`, `Running`, `Succeeded`, `Failed` (terminating pods are left out).
    pub phase: Option<Vec<String>>,
    /// kubectl's STATUS column (`CrashLoopBackOff`, `Terminating`, ...): replaces the default rule.
    pub status: Option<Vec<String>>,
    pub ready: Option<bool>,
    /// `Guaranteed`, `Burstable`, `BestEffort`.
    pub qos: Option<Vec<String>>,
    /// Pending pods the scheduler could not place: `Some("")` any, else ones whose
    /// FailedScheduling message contains this text.
    pub unschedulable: Option<String>,
    /// The pod's CPU request in millicores (the sum over its containers, as the scheduler
    /// counts it): `{">=": 400}`.
    pub cpu_request: Option<Cmp>,
    pub node: Option<Vec<String>>,
    pub zone: Option<Vec<String>>,
    pub nodegroup: Option<Vec<String>>,
    pub instance_type: Option<Vec<String>>,
    /// `ON_DEMAND`, `SPOT`, `FARGATE`.
    pub capacity_type: Option<Vec<String>>,
    pub fargate: Option<bool>,
}

impl PodFilter {
    /// Fields saying *which* pods (the rest say *where*).
    pub fn has_selector(&self) -> bool {
        self.pod.is_some() || self.deployment.is_some() || self.labels.is_some()
    }
    pub fn has_place(&self) -> bool {
        self.node.is_some()
            || self.zone.is_some()
            || self.nodegroup.is_some()
            || self.instance_type.is_some()
            || self.capacity_type.is_some()
            || self.fargate.is_some()
    }
}

/// Which Kubernetes nodes a `nodes` goal counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeFilter {
    pub nodegroup: Option<Vec<String>>,
    pub zone: Option<Vec<String>>,
    pub instance_type: Option<Vec<String>>,
    pub capacity_type: Option<Vec<String>>,
    pub fargate: Option<bool>,
    /// `true`: cordoned (`spec.unschedulable`).
    pub cordoned: Option<bool>,
    /// `true`: no pods bound (DaemonSet pods count as pods).
    pub empty: Option<bool>,
}

/// Which revision a `taskDefinition` goal checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TdOf {
    /// `"family": "web"`: the family's latest registered revision.
    Family(String),
    /// `"service": "web"`: the revision the service points at (what its deployment rolls out),
    /// so a goal holds for whichever revision the learner's last accepted deploy registered.
    Service(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Running,
    Pending,
    Placed,
    Desired,
    Unplaced,
    Revision,
    /// RUNNING tasks of the revision the service points at.
    Current,
}

impl Metric {
    pub const ALL: [(&'static str, Metric); 7] = [
        ("running", Metric::Running),
        ("pending", Metric::Pending),
        ("placed", Metric::Placed),
        ("desired", Metric::Desired),
        ("unplaced", Metric::Unplaced),
        ("revision", Metric::Revision),
        ("current", Metric::Current),
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub enum ServiceCheck {
    Metric(Metric, Cmp),
    /// The service points at this task definition (`web:2`, or a family: any revision of it).
    TaskDefinition(String),
}

/// Which tasks a `tasks` or `taskOn` goal looks at. Every field given must match; lists mean
/// "any of these".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TaskFilter {
    pub service: Option<String>,
    pub task: Option<String>,
    pub family: Option<String>,
    /// `web:2`.
    pub task_definition: Option<String>,
    /// `RUNNING`, `PENDING`, ... (default: any status but STOPPED).
    pub status: Option<Vec<String>>,
    pub instance: Option<Vec<String>>,
    pub instance_type: Option<Vec<String>>,
    pub az: Option<Vec<String>>,
    /// `EC2` or `FARGATE`.
    pub launch_type: Option<String>,
    /// The capacity provider that runs the task (`FARGATE`, `FARGATE_SPOT`, an Auto Scaling
    /// group provider).
    pub capacity_provider: Option<Vec<String>>,
}

impl TaskFilter {
    /// Fields saying *which* tasks (the rest say *where*).
    pub fn has_selector(&self) -> bool {
        self.service.is_some() || self.task.is_some() || self.family.is_some() || self.task_definition.is_some()
    }
    pub fn has_place(&self) -> bool {
        self.instance.is_some() || self.instance_type.is_some() || self.az.is_some() || self.launch_type.is_some() || self.capacity_provider.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstanceFilter {
    pub instance_type: Option<Vec<String>>,
    pub az: Option<Vec<String>>,
    /// Instances holding at least one task of this service.
    pub service: Option<String>,
    /// `true`: instances with no tasks; `false`: instances with some.
    pub empty: Option<bool>,
    /// Instances of this Auto Scaling group (attribute `aws:autoscaling:groupName`).
    pub group: Option<Vec<String>>,
    /// `true`: Spot instances (attribute `lifecycle=spot`); `false`: on-demand.
    pub spot: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TdCheck {
    /// `true`: a revision of the family is registered (only valid task definitions can be).
    Valid(bool),
    Revision(Cmp),
    Fargate(bool),
    /// CPU units / MiB a task of it reserves.
    Cpu(Cmp),
    Memory(Cmp),
    Containers(Cmp),
    EssentialContainers(Cmp),
    /// The names of the essential containers, exactly (order does not matter).
    Essential(Vec<String>),
    NetworkMode(String),
    /// A container of it runs this image, exactly (`nginx:1.28`).
    Image(String),
}

/// The keys that name a goal, for error messages.
pub const GOAL_KEYS: [&str; 27] = [
    "service",
    "tasks",
    "taskOn",
    "tasksPerAz",
    "maxTasksPerAz",
    "tasksPerInstance",
    "maxTasksPerInstance",
    "unplaced",
    "instances",
    "hourlyCost",
    "metric",
    "event",
    "taskDefinition",
    "deployment",
    "pods",
    "podOn",
    "podsPerNode",
    "maxPodsPerNode",
    "podsPerZone",
    "maxPodsPerZone",
    "nodes",
    "endpoints",
    "all",
    "any",
    "not",
    "throughout",
    "eventually",
];

/// Parses a goal written on its own (`{"service": "web", "running": 6}`), for shells and tests.
pub fn parse_goal_text(text: &str) -> Result<Goal, Vec<crate::engine::diag::Diagnostic>> {
    let root = crate::engine::json::parse(text).map_err(|d| vec![d])?;
    let mut r = Reader::default();
    match parse_goal(&mut r, &root, "") {
        Some(g) if !r.has_errors() => Ok(g),
        _ => Err(r.diags),
    }
}

/// Parses one goal at `path` (e.g. `goals[2]`). Mistakes go to `r` with their positions.
pub fn parse_goal(r: &mut Reader, node: &Json, path: &str) -> Option<Goal> {
    let Some(members) = node.as_object() else {
        r.error(
            node.pos,
            path,
            "lesson-goal",
            format!("a goal is an object such as {{\"service\": \"web\", \"running\": {{\">=\": 6}}}}; found {}", node.describe()),
        );
        return None;
    };
    let label = match node.get("label") {
        None => None,
        Some(l) => match l.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                r.error(l.pos, &crate::engine::json::join_path(path, "label"), "lesson-goal", format!("label must be a string; found {}", l.describe()));
                None
            }
        },
    };
    let keys: Vec<&str> = members.iter().map(|(k, _)| k.name.as_str()).filter(|k| *k != "label").collect();
    // A service goal spreads its checks over several keys.
    if node.get("service").is_some() {
        return parse_service(r, node, path).map(|kind| Goal { label, kind });
    }
    // So does a Deployment goal.
    if node.get("deployment").is_some() {
        return parse_deployment(r, node, path).map(|kind| Goal { label, kind });
    }
    let [key] = keys.as_slice() else {
        if keys.is_empty() {
            r.error(node.pos, path, "lesson-goal", format!("a goal needs one of: {}", GOAL_KEYS.join(", ")));
        } else {
            let (k, _) = members.iter().find(|(k, _)| k.name != "label" && k.name != keys[0]).unwrap_or(&members[0]);
            r.error(
                k.pos,
                path,
                "lesson-goal",
                format!(
                    "a goal has exactly one key besides \"label\" (combine goals with \"all\"); found {}",
                    keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        return None;
    };
    let key = key.to_string();
    let (k, value) = node.get_member(&key)?;
    let sub = crate::engine::json::join_path(path, &key);
    let kind = match key.as_str() {
        "all" | "any" => {
            let Some(items) = value.as_array() else {
                r.error(value.pos, &sub, "lesson-goal", format!("\"{key}\" takes a list of goals; found {}", value.describe()));
                return None;
            };
            if items.is_empty() {
                r.error(value.pos, &sub, "lesson-goal", format!("\"{key}\" needs at least one goal"));
                return None;
            }
            let mut goals = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if let Some(g) = parse_goal(r, item, &format!("{sub}[{i}]")) {
                    goals.push(g);
                }
            }
            if goals.len() != items.len() {
                return None;
            }
            if key == "all" {
                GoalKind::All(goals)
            } else {
                GoalKind::Any(goals)
            }
        }
        "not" => GoalKind::Not(Box::new(parse_goal(r, value, &sub)?)),
        "throughout" => GoalKind::Throughout(Box::new(parse_goal(r, value, &sub)?)),
        "eventually" => GoalKind::Eventually(Box::new(parse_goal(r, value, &sub)?)),
        "tasks" => {
            let (filter, cmp) = parse_task_filter(r, value, &sub, true)?;
            GoalKind::Tasks { filter, cmp: cmp? }
        }
        "taskOn" => {
            let (filter, _) = parse_task_filter(r, value, &sub, false)?;
            if !filter.has_selector() || !filter.has_place() {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    "taskOn needs which tasks (service, task, family or taskDefinition) and where (instance, instanceType, az, launchType or capacityProvider)",
                );
                return None;
            }
            GoalKind::TaskOn { filter }
        }
        "tasksPerAz" | "tasksPerInstance" | "maxTasksPerAz" | "maxTasksPerInstance" => {
            let short = key.starts_with("max");
            let mut f = r.fields(value, &sub, &key)?;
            let service = f.string("service", true)?;
            let cmp = if short {
                let max = f.number("max")?;
                Cmp(vec![(Op::Le, max)])
            } else {
                f.cmp(true)?
            };
            f.finish()?;
            let service = service?;
            if key.ends_with("Az") {
                GoalKind::TasksPerAz { service, cmp }
            } else {
                GoalKind::TasksPerInstance { service, cmp }
            }
        }
        "unplaced" => {
            let mut f = r.fields(value, &sub, &key)?;
            let service = f.string("service", false)?;
            let cmp = f.cmp(true)?;
            f.finish()?;
            GoalKind::Unplaced { service, cmp }
        }
        "instances" => {
            let mut f = r.fields(value, &sub, &key)?;
            let instance_type = f.strings("type")?;
            let az = f.strings("az")?;
            let service = f.string("service", false)?;
            let empty = f.boolean("empty")?;
            let group = f.strings("autoScalingGroup")?;
            let spot = f.boolean("spot")?;
            let cmp = f.cmp(true)?;
            f.finish()?;
            GoalKind::Instances {
                filter: InstanceFilter { instance_type, az, service, empty, group, spot },
                cmp,
            }
        }
        "hourlyCost" => GoalKind::HourlyCost(r.cmp_value(value, &sub)?),
        "metric" => {
            let mut f = r.fields(value, &sub, &key)?;
            let name = f.string("name", true)?;
            let cmp = f.cmp(true)?;
            f.finish()?;
            GoalKind::Metric { name: name?, cmp }
        }
        "event" => {
            let Some(obj) = value.as_object() else {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    format!("\"event\" takes an object such as {{\"type\": \"taskStopped\", \"task\": \"web-1\"}}; found {}", value.describe()),
                );
                return None;
            };
            let mut fields = Vec::new();
            let mut times = Cmp(vec![(Op::Ge, 1.0)]);
            let mut has_type = false;
            for (k, v) in obj {
                if k.name == "times" {
                    times = r.cmp_value(v, &format!("{sub}.times"))?;
                    continue;
                }
                if k.name == "type" {
                    if v.as_str().is_none() {
                        r.error(
                            v.pos,
                            &format!("{sub}.type"),
                            "lesson-goal",
                            format!("type is an event type such as \"taskStopped\"; found {}", v.describe()),
                        );
                        return None;
                    }
                    has_type = true;
                }
                if matches!(v.kind, JsonKind::Object(_) | JsonKind::Null) {
                    r.error(
                        v.pos,
                        &format!("{sub}.{}", k.name),
                        "lesson-goal",
                        format!("event fields match strings, numbers, booleans or lists; found {}", v.describe()),
                    );
                    return None;
                }
                fields.push((k.name.clone(), v.to_value()));
            }
            if !has_type {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    "\"event\" needs \"type\", an event type such as \"taskStopped\" (see docs/cli.md for the list)",
                );
                return None;
            }
            GoalKind::Event { fields, times }
        }
        "taskDefinition" => {
            let mut f = r.fields(value, &sub, &key)?;
            let family = f.string("family", false)?;
            let service = f.string("service", false)?;
            let mut checks = Vec::new();
            if let Some(b) = f.boolean("valid")? {
                checks.push(TdCheck::Valid(b));
            }
            if let Some(c) = f.cmp_field("revision")? {
                checks.push(TdCheck::Revision(c));
            }
            if let Some(b) = f.boolean("fargate")? {
                checks.push(TdCheck::Fargate(b));
            }
            if let Some(c) = f.cmp_field("cpu")? {
                checks.push(TdCheck::Cpu(c));
            }
            if let Some(c) = f.cmp_field("memory")? {
                checks.push(TdCheck::Memory(c));
            }
            if let Some(c) = f.cmp_field("containers")? {
                checks.push(TdCheck::Containers(c));
            }
            if let Some(c) = f.cmp_field("essentialContainers")? {
                checks.push(TdCheck::EssentialContainers(c));
            }
            if let Some(names) = f.strings("essential")? {
                checks.push(TdCheck::Essential(names));
            }
            if let Some(m) = f.string("networkMode", false)? {
                checks.push(TdCheck::NetworkMode(m));
            }
            if let Some(i) = f.string("image", false)? {
                checks.push(TdCheck::Image(i));
            }
            f.finish()?;
            if checks.is_empty() {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    "taskDefinition needs something to check: valid, revision, fargate, cpu, memory, containers, essentialContainers, essential, networkMode or image",
                );
                return None;
            }
            let of = match (family, service) {
                (Some(family), None) => TdOf::Family(family),
                (None, Some(service)) => TdOf::Service(service),
                (family, _) => {
                    let why = if family.is_some() { "either \"family\" or \"service\", not both" } else { "\"family\" (its latest revision) or \"service\" (the revision the service points at)" };
                    r.error(value.pos, &sub, "lesson-goal", format!("taskDefinition needs {why}"));
                    return None;
                }
            };
            GoalKind::TaskDefinition { of, checks }
        }
        "pods" => {
            let (filter, cmp) = parse_pod_filter(r, value, &sub, "pods", true)?;
            GoalKind::Pods { filter, cmp: cmp.flatten()? }
        }
        "podOn" => {
            let (filter, _) = parse_pod_filter(r, value, &sub, "podOn", false)?;
            if !filter.has_selector() || !filter.has_place() {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    "podOn needs which pods (pod, deployment or labels) and where (node, zone, nodegroup, instanceType, capacityType or fargate)",
                );
                return None;
            }
            GoalKind::PodOn { filter }
        }
        "podsPerNode" | "podsPerZone" | "maxPodsPerNode" | "maxPodsPerZone" => {
            let (filter, cmp) = parse_pod_filter(r, value, &sub, &key, true)?;
            if !filter.has_selector() || filter.has_place() {
                r.error(
                    value.pos,
                    &sub,
                    "lesson-goal",
                    format!("{key} needs which pods (pod, deployment or labels) and no place (it looks at every {})", if key.ends_with("Node") { "node" } else { "zone" }),
                );
                return None;
            }
            // For maxPodsPer*, parse_pod_filter read `max` into the comparison.
            let cmp = cmp.flatten()?;
            if key.ends_with("Node") {
                GoalKind::PodsPerNode { filter, cmp }
            } else {
                GoalKind::PodsPerZone { filter, cmp }
            }
        }
        "nodes" => {
            let mut f = r.fields(value, &sub, &key)?;
            let filter = NodeFilter {
                nodegroup: f.strings("nodegroup")?,
                zone: f.strings("zone")?,
                instance_type: f.strings("instanceType")?,
                capacity_type: f.strings("capacityType")?,
                fargate: f.boolean("fargate")?,
                cordoned: f.boolean("cordoned")?,
                empty: f.boolean("empty")?,
            };
            let cmp = f.cmp(true)?;
            f.finish()?;
            GoalKind::Nodes { filter, cmp }
        }
        "endpoints" => {
            let mut f = r.fields(value, &sub, &key)?;
            let service = f.string("service", true)?;
            let namespace = f.string("namespace", false)?;
            let ready = f.boolean("ready")?;
            let cmp = f.cmp(true)?;
            f.finish()?;
            GoalKind::Endpoints { service: service?, namespace, ready, cmp }
        }
        other => {
            let hint = did_you_mean(other, &GOAL_KEYS).map(|s| format!("; did you mean {s:?}?")).unwrap_or_default();
            r.error(k.pos, &sub, "lesson-goal", format!("unknown goal {other:?}{hint} Goals: {}", GOAL_KEYS.join(", ")));
            return None;
        }
    };
    Some(Goal { label, kind })
}

fn parse_service(r: &mut Reader, node: &Json, path: &str) -> Option<GoalKind> {
    let mut f = r.fields(node, path, "service goal")?;
    f.skip("label");
    let service = f.string("service", true)?;
    let mut checks = Vec::new();
    for (name, metric) in Metric::ALL {
        if let Some(c) = f.cmp_field(name)? {
            checks.push(ServiceCheck::Metric(metric, c));
        }
    }
    if let Some(td) = f.string("taskDefinition", false)? {
        checks.push(ServiceCheck::TaskDefinition(td));
    }
    f.finish()?;
    if checks.is_empty() {
        r.error(
            node.pos,
            path,
            "lesson-goal",
            "a service goal needs a check: running, pending, placed, desired, unplaced, revision, current or taskDefinition",
        );
        return None;
    }
    Some(GoalKind::Service { service: service?, checks })
}

fn parse_deployment(r: &mut Reader, node: &Json, path: &str) -> Option<GoalKind> {
    let mut f = r.fields(node, path, "deployment goal")?;
    f.skip("label");
    let name = f.string("deployment", true)?;
    let namespace = f.string("namespace", false)?;
    let mut checks = Vec::new();
    for (key, metric) in DeploymentMetric::ALL {
        if let Some(c) = f.cmp_field(key)? {
            checks.push((metric, c));
        }
    }
    f.finish()?;
    if checks.is_empty() {
        r.error(
            node.pos,
            path,
            "lesson-goal",
            "a deployment goal needs a check: desired, replicas, ready, available, updated or revision",
        );
        return None;
    }
    Some(GoalKind::Deployment { name: name?, namespace, checks })
}

/// `app=web,tier=front` → pairs.
fn parse_labels(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        match part.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => out.push((k.trim().to_string(), v.trim().to_string())),
            _ => return Err(format!("labels is a selector such as \"app=web\" or \"app=web,tier=front\"; found {text:?}")),
        }
    }
    Ok(out)
}

/// Pod filter fields. `kind` is the goal's key; `pods` and `podsPer*` take a comparison
/// (`with_cmp`), `maxPodsPer*` a `max` (returned as `Some(Some(≤ max))`).
fn parse_pod_filter(r: &mut Reader, value: &Json, path: &str, kind: &str, with_cmp: bool) -> Option<(PodFilter, Option<Option<Cmp>>)> {
    let mut f = r.fields(value, path, kind)?;
    let labels = match f.string("labels", false)? {
        None => None,
        Some(text) => match parse_labels(&text) {
            Ok(l) => Some(l),
            Err(e) => {
                let pos = value.get("labels").map_or(value.pos, |n| n.pos);
                let sub = crate::engine::json::join_path(path, "labels");
                drop(f);
                r.error(pos, &sub, "lesson-goal", e);
                return None;
            }
        },
    };
    let unschedulable = match f.get("unschedulable") {
        None => None,
        Some(v) => match (&v.kind, v.as_str()) {
            (JsonKind::Bool(true), _) => Some(String::new()),
            (_, Some(s)) if !s.is_empty() => Some(s.to_string()),
            _ => {
                let (pos, desc) = (v.pos, v.describe());
                let sub = crate::engine::json::join_path(path, "unschedulable");
                drop(f);
                r.error(
                    pos,
                    &sub,
                    "lesson-goal",
                    format!("unschedulable is true (any pod the scheduler could not place) or text its FailedScheduling message contains, such as \"Insufficient cpu\"; found {desc}"),
                );
                return None;
            }
        },
    };
    let filter = PodFilter {
        namespace: f.string("namespace", false)?,
        pod: f.string("pod", false)?,
        deployment: f.string("deployment", false)?,
        labels,
        phase: f.strings("phase")?,
        status: f.strings("status")?,
        ready: f.boolean("ready")?,
        qos: f.strings("qos")?,
        unschedulable,
        cpu_request: f.cmp_field("cpuRequest")?,
        node: f.strings("node")?,
        zone: f.strings("zone")?,
        nodegroup: f.strings("nodegroup")?,
        instance_type: f.strings("instanceType")?,
        capacity_type: f.strings("capacityType")?,
        fargate: f.boolean("fargate")?,
    };
    let cmp = if kind.starts_with("max") {
        let max = f.number("max")?;
        Some(Some(Cmp(vec![(Op::Le, max)])))
    } else if with_cmp {
        Some(Some(f.cmp(true)?))
    } else {
        None
    };
    f.finish()?;
    Some((filter, cmp))
}

/// Task filter fields, plus a comparison when `with_cmp`.
fn parse_task_filter(r: &mut Reader, value: &Json, path: &str, with_cmp: bool) -> Option<(TaskFilter, Option<Cmp>)> {
    let what = if with_cmp { "tasks" } else { "taskOn" };
    let mut f = r.fields(value, path, what)?;
    let filter = TaskFilter {
        service: f.string("service", false)?,
        task: f.string("task", false)?,
        family: f.string("family", false)?,
        task_definition: f.string("taskDefinition", false)?,
        status: f.strings("status")?,
        instance: f.strings("instance")?,
        instance_type: f.strings("instanceType")?,
        az: f.strings("az")?,
        launch_type: f.string("launchType", false)?,
        capacity_provider: f.strings("capacityProvider")?,
    };
    let cmp = if with_cmp { Some(f.cmp(true)?) } else { None };
    f.finish()?;
    Some((filter, cmp))
}

// ---------------------------------------------------------------------------------------------
// Descriptions

fn list(values: &[String]) -> String {
    match values {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn tasks_word(cmp: &Cmp) -> &'static str {
    if cmp.is_one() {
        "task"
    } else {
        "tasks"
    }
}

/// "of web", "of family api", "of web:2", "of web on web:2"; `task` names one task.
pub fn selection_text(f: &TaskFilter) -> String {
    let mut parts = Vec::new();
    if let Some(t) = &f.task {
        parts.push(t.clone());
    }
    if let Some(s) = &f.service {
        parts.push(format!("of {s}"));
    }
    if let Some(fam) = &f.family {
        parts.push(format!("of family {fam}"));
    }
    if let Some(td) = &f.task_definition {
        // "of web on web:1", not "of web of web:1".
        let word = if f.service.is_some() || f.family.is_some() { "on" } else { "of" };
        parts.push(format!("{word} {td}"));
    }
    parts.join(" ")
}

/// " on i-01 or i-02 on t3.medium in us-east-1a on FARGATE".
pub fn place_text(f: &TaskFilter) -> String {
    let mut s = String::new();
    if let Some(i) = &f.instance {
        s.push_str(&format!(" on {}", list(i)));
    }
    if let Some(t) = &f.instance_type {
        s.push_str(&format!(" on {}", list(t)));
    }
    if let Some(a) = &f.az {
        s.push_str(&format!(" in {}", list(a)));
    }
    if let Some(l) = &f.launch_type {
        s.push_str(&format!(" on {l}"));
    }
    if let Some(c) = &f.capacity_provider {
        s.push_str(&format!(" on capacity provider {}", list(c)));
    }
    s
}

fn status_text(f: &TaskFilter) -> String {
    match &f.status {
        Some(s) => format!("{} ", s.iter().map(|x| x.to_lowercase()).collect::<Vec<_>>().join(" or ")),
        None => String::new(),
    }
}

impl Goal {
    /// What the learner's checklist shows: the label, or the generated description.
    pub fn title(&self) -> String {
        self.label.clone().unwrap_or_else(|| self.describe())
    }

    /// The goal in words, generated from its JSON (`≥ 6 running tasks of web`).
    pub fn describe(&self) -> String {
        match &self.kind {
            GoalKind::All(gs) => format!("all of: {}", gs.iter().map(Goal::describe).collect::<Vec<_>>().join("; ")),
            GoalKind::Any(gs) => format!("one of: {}", gs.iter().map(Goal::describe).collect::<Vec<_>>().join("; ")),
            GoalKind::Not(g) => match &g.kind {
                GoalKind::Event { fields, times } if times.0 == [(Op::Ge, 1.0)] => format!("no {}", event_text(fields)),
                _ => format!("not ({})", g.describe()),
            },
            GoalKind::Throughout(g) => format!("{} throughout", g.describe()),
            GoalKind::Eventually(g) => format!("{} at some point", g.describe()),
            GoalKind::Service { service, checks } => checks.iter().map(|c| service_check_text(service, c)).collect::<Vec<_>>().join(" and "),
            GoalKind::Tasks { filter, cmp } => {
                let sel = selection_text(filter);
                let sel = if sel.is_empty() { String::new() } else { format!(" {sel}") };
                format!("{} {}{}{sel}{}", cmp.text(true, num), status_text(filter), tasks_word(cmp), place_text(filter)).replace("  ", " ")
            }
            GoalKind::TaskOn { filter } => {
                let who = match (&filter.task, filter.service.is_some() || filter.family.is_some() || filter.task_definition.is_some()) {
                    (Some(_), false) => format!("{}{}", status_text(filter), selection_text(filter)),
                    _ => format!("every {}task {}", status_text(filter), selection_text(filter)),
                };
                format!("{who}{}", place_text(filter))
            }
            GoalKind::TasksPerAz { service, cmp } => format!("{} {} of {service} in every AZ", cmp.text(true, num), tasks_word(cmp)),
            GoalKind::TasksPerInstance { service, cmp } => format!("{} {} of {service} on every instance", cmp.text(true, num), tasks_word(cmp)),
            GoalKind::Unplaced { service, cmp } => match service {
                Some(s) => format!("{} unplaced {} of {s}", cmp.text(true, num), tasks_word(cmp)),
                None => format!("{} unplaced {}", cmp.text(true, num), tasks_word(cmp)),
            },
            GoalKind::Instances { filter, cmp } => {
                let mut s = format!("{} {}", cmp.text(true, num), if cmp.is_one() { "instance" } else { "instances" });
                if let Some(t) = &filter.instance_type {
                    s.push_str(&format!(" of type {}", list(t)));
                }
                if let Some(a) = &filter.az {
                    s.push_str(&format!(" in {}", list(a)));
                }
                if let Some(g) = &filter.group {
                    s.push_str(&format!(" of group {}", list(g)));
                }
                match filter.spot {
                    Some(true) => s.push_str(" on Spot"),
                    Some(false) => s.push_str(" on demand"),
                    None => {}
                }
                if let Some(svc) = &filter.service {
                    s.push_str(&format!(" running tasks of {svc}"));
                }
                match filter.empty {
                    Some(true) => s.push_str(" with no tasks"),
                    Some(false) => s.push_str(" with tasks"),
                    None => {}
                }
                s
            }
            GoalKind::HourlyCost(cmp) => format!("hourly cost {}", cmp.text(false, usd)),
            GoalKind::Metric { name, cmp } => format!("{name} {}", cmp.text(false, num)),
            GoalKind::Event { fields, times } => {
                if times.0 == [(Op::Ge, 1.0)] {
                    let text = event_text(fields);
                    let article = if text.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                    format!("{article} {text}")
                } else {
                    format!("{} {}", times.text(true, num), event_text_plural(fields))
                }
            }
            GoalKind::TaskDefinition { of, checks } => {
                let parts: Vec<String> = checks
                    .iter()
                    .map(|c| match c {
                        TdCheck::Valid(true) => "registered (valid)".to_string(),
                        TdCheck::Valid(false) => "not registered".to_string(),
                        TdCheck::Revision(c) => format!("revision {}", c.text(true, num)),
                        TdCheck::Fargate(true) => "Fargate-compatible".to_string(),
                        TdCheck::Fargate(false) => "not Fargate-compatible".to_string(),
                        TdCheck::Cpu(c) => format!("CPU units {}", c.text(true, num)),
                        TdCheck::Memory(c) => format!("memory {} MiB", c.text(true, num)),
                        TdCheck::Containers(c) => format!("containers {}", c.text(true, num)),
                        TdCheck::EssentialContainers(c) => format!("essential containers {}", c.text(true, num)),
                        TdCheck::Essential(names) => format!("essential: {}", names.join(", ")),
                        TdCheck::NetworkMode(m) => format!("network mode {m}"),
                        TdCheck::Image(i) => format!("image {i}"),
                    })
                    .collect();
                match of {
                    TdOf::Family(family) => format!("task definition {family}: {}", parts.join(", ")),
                    TdOf::Service(service) => format!("the task definition {service} runs: {}", parts.join(", ")),
                }
            }
            GoalKind::Deployment { name, namespace, checks } => {
                checks.iter().map(|(m, c)| deployment_check_text(name, namespace.as_deref(), *m, c)).collect::<Vec<_>>().join(" and ")
            }
            GoalKind::Pods { filter, cmp } => {
                format!("{} {}{}{}{}", cmp.text(true, num), pod_adjectives(filter), pods_word(cmp), pod_selection_text(filter), pod_place_text(filter))
            }
            GoalKind::PodOn { filter } => {
                let adj = pod_adjectives(filter);
                match (&filter.pod, filter.deployment.is_some() || filter.labels.is_some()) {
                    (Some(_), false) => format!("{adj}pod{}{}", pod_selection_text(filter), pod_place_text(filter)),
                    _ => format!("every {adj}pod{}{}", pod_selection_text(filter), pod_place_text(filter)),
                }
            }
            GoalKind::PodsPerNode { filter, cmp } => {
                format!("{} {}{}{} on every node", cmp.text(true, num), pod_adjectives(filter), pods_word(cmp), pod_selection_text(filter))
            }
            GoalKind::PodsPerZone { filter, cmp } => {
                format!("{} {}{}{} in every zone", cmp.text(true, num), pod_adjectives(filter), pods_word(cmp), pod_selection_text(filter))
            }
            GoalKind::Endpoints { service, namespace, ready, cmp } => endpoints_text(service, namespace.as_deref(), *ready, cmp),
            GoalKind::Nodes { filter, cmp } => {
                let mut s = format!("{} {}", cmp.text(true, num), if cmp.is_one() { "node" } else { "nodes" });
                if let Some(g) = &filter.nodegroup {
                    s.push_str(&format!(" of node group {}", list(g)));
                }
                if let Some(t) = &filter.instance_type {
                    s.push_str(&format!(" of type {}", list(t)));
                }
                if let Some(z) = &filter.zone {
                    s.push_str(&format!(" in {}", list(z)));
                }
                if let Some(c) = &filter.capacity_type {
                    s.push_str(&format!(" on {} capacity", list(c)));
                }
                match filter.fargate {
                    Some(true) => s.push_str(" on Fargate"),
                    Some(false) => s.push_str(" not on Fargate"),
                    None => {}
                }
                match filter.cordoned {
                    Some(true) => s.push_str(", cordoned"),
                    Some(false) => s.push_str(", not cordoned"),
                    None => {}
                }
                match filter.empty {
                    Some(true) => s.push_str(" with no pods"),
                    Some(false) => s.push_str(" with pods"),
                    None => {}
                }
                s
            }
        }
    }
}

fn endpoints_text(service: &str, namespace: Option<&str>, ready: Option<bool>, cmp: &Cmp) -> String {
    let adj = match ready {
        Some(true) => "ready ",
        Some(false) => "unready ",
        None => "",
    };
    let word = if cmp.is_one() { "endpoint" } else { "endpoints" };
    let ns = namespace.map(|n| format!(" (namespace {n})")).unwrap_or_default();
    format!("{} {adj}{word} of Service {service}{ns}", cmp.text(true, num))
}

fn pods_word(cmp: &Cmp) -> &'static str {
    if cmp.is_one() {
        "pod"
    } else {
        "pods"
    }
}

/// "deployment web", "deployment web (namespace shop)".
fn deployment_name(name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("deployment {name} (namespace {ns})"),
        None => format!("deployment {name}"),
    }
}

pub fn deployment_check_text(name: &str, namespace: Option<&str>, m: DeploymentMetric, cmp: &Cmp) -> String {
    let d = deployment_name(name, namespace);
    let w = pods_word(cmp);
    match m {
        DeploymentMetric::Desired => format!("desired replicas of {d} {}", cmp.text(false, num)),
        DeploymentMetric::Replicas => format!("{} {w} of {d}", cmp.text(true, num)),
        DeploymentMetric::Ready => format!("{} ready {w} of {d}", cmp.text(true, num)),
        DeploymentMetric::Available => format!("{} available {w} of {d}", cmp.text(true, num)),
        DeploymentMetric::Updated => format!("{} updated {w} of {d}", cmp.text(true, num)),
        DeploymentMetric::Revision => format!("{d} on revision {}", cmp.text(true, num)),
    }
}

/// "pending ", "ready ", "CrashLoopBackOff ", "Guaranteed ", "unschedulable ".
fn pod_adjectives(f: &PodFilter) -> String {
    let mut s = String::new();
    if let Some(st) = &f.status {
        s.push_str(&format!("{} ", st.join(" or ")));
    }
    if let Some(p) = &f.phase {
        s.push_str(&format!("{} ", p.iter().map(|x| x.to_lowercase()).collect::<Vec<_>>().join(" or ")));
    }
    match f.ready {
        Some(true) => s.push_str("ready "),
        Some(false) => s.push_str("unready "),
        None => {}
    }
    if let Some(q) = &f.qos {
        s.push_str(&format!("{} ", q.join(" or ")));
    }
    if f.unschedulable.is_some() {
        s.push_str("unschedulable ");
    }
    s
}

/// " web-1", " of deployment web", " with app=web", " in namespace batch".
pub fn pod_selection_text(f: &PodFilter) -> String {
    let mut s = String::new();
    if let Some(p) = &f.pod {
        s.push_str(&format!(" {p}"));
    }
    if let Some(d) = &f.deployment {
        s.push_str(&format!(" of deployment {d}"));
    }
    if let Some(l) = &f.labels {
        s.push_str(&format!(" with {}", l.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")));
    }
    if let Some(ns) = &f.namespace {
        s.push_str(&format!(" in namespace {ns}"));
    }
    if let Some(c) = &f.cpu_request {
        s.push_str(&format!(" requesting {} CPU", c.text(false, |n| format!("{n}m"))));
    }
    s
}

/// " on node ip-…", " in us-east-1a", " in node group spot", " on SPOT capacity", " on Fargate",
/// and the FailedScheduling text an `unschedulable` filter looks for.
pub fn pod_place_text(f: &PodFilter) -> String {
    let mut s = String::new();
    if let Some(n) = &f.node {
        s.push_str(&format!(" on node {}", list(n)));
    }
    if let Some(t) = &f.instance_type {
        s.push_str(&format!(" on {}", list(t)));
    }
    if let Some(z) = &f.zone {
        s.push_str(&format!(" in {}", list(z)));
    }
    if let Some(g) = &f.nodegroup {
        s.push_str(&format!(" in node group {}", list(g)));
    }
    if let Some(c) = &f.capacity_type {
        s.push_str(&format!(" on {} capacity", list(c)));
    }
    match f.fargate {
        Some(true) => s.push_str(" on Fargate"),
        Some(false) => s.push_str(" not on Fargate"),
        None => {}
    }
    if let Some(m) = f.unschedulable.as_deref().filter(|m| !m.is_empty()) {
        s.push_str(&format!(" (\"{m}\")"));
    }
    s
}

pub fn service_check_text(service: &str, c: &ServiceCheck) -> String {
    match c {
        ServiceCheck::Metric(m, cmp) => {
            let w = tasks_word(cmp);
            match m {
                Metric::Running => format!("{} running {w} of {service}", cmp.text(true, num)),
                Metric::Pending => format!("{} pending {w} of {service}", cmp.text(true, num)),
                Metric::Placed => format!("{} placed {w} of {service}", cmp.text(true, num)),
                Metric::Unplaced => format!("{} unplaced {w} of {service}", cmp.text(true, num)),
                Metric::Desired => format!("desired count of {service} {}", cmp.text(false, num)),
                Metric::Revision => format!("{service} on revision {}", cmp.text(true, num)),
                Metric::Current => format!("{} running {w} of {service} on the revision it points at", cmp.text(true, num)),
            }
        }
        ServiceCheck::TaskDefinition(td) => format!("{service} runs {td}"),
    }
}

fn field_value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `taskStopped event (task web-3, stopCode UserInitiated)`.
pub fn event_text(fields: &[(String, Value)]) -> String {
    let ty = fields.iter().find(|(k, _)| k == "type").map(|(_, v)| field_value_text(v)).unwrap_or_default();
    let rest: Vec<String> = fields.iter().filter(|(k, _)| k != "type").map(|(k, v)| format!("{k} {}", field_value_text(v))).collect();
    if rest.is_empty() {
        format!("{ty} event")
    } else {
        format!("{ty} event ({})", rest.join(", "))
    }
}

fn event_text_plural(fields: &[(String, Value)]) -> String {
    event_text(fields).replacen(" event", " events", 1)
}
