//! The page's service forms, as pure functions: what the learner typed into "Create service"
//! (with a capacity provider strategy, grace period and load balancer), "Run task", a service's
//! deployment settings, placement and Service Auto Scaling, an Auto Scaling group's desired capacity, "Create capacity provider" and
//! the kubectl console becomes an engine [`Command`], or a message naming the field that is
//! wrong and why. The Yew panel (`ui::service_panel`) only collects
//! the strings; everything checkable is checked here, natively tested.

use crate::engine::deployment::{CircuitBreakerConfig, DeploymentConfiguration, DeploymentConfigurationPatch};
use crate::engine::autoscaling::capacity_provider::{self, StrategyItem};
use crate::engine::capacity::{CapacityProviderSpec, ManagedScalingSpec};
use crate::engine::placement::cql;
use crate::engine::sim::Command;
use crate::engine::snapshot::{GroupView, ServiceView};

/// A form field that is wrong: `field` is the label the learner sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

fn err<T>(field: &'static str, message: impl Into<String>) -> Result<T, FieldError> {
    Err(FieldError { field, message: message.into() })
}

/// The placement strategy presets the forms offer (the chains the course teaches).
pub const STRATEGIES: &[(&str, &str)] = &[
    ("default", "ECS default: spread by AZ, then by instance"),
    ("binpack-memory", "binpack on memory"),
    ("binpack-cpu", "binpack on CPU"),
    ("spread-az-binpack-memory", "spread by AZ, then binpack on memory"),
    ("spread-instance", "spread by instance"),
    ("random", "random"),
];

/// The `placementStrategy` JSON for a preset (`None` for the ECS default).
pub fn strategy_json(preset: &str) -> Result<Option<serde_json::Value>, FieldError> {
    use serde_json::json;
    Ok(match preset {
        "" | "default" => None,
        "binpack-memory" => Some(json!([{"type": "binpack", "field": "memory"}])),
        "binpack-cpu" => Some(json!([{"type": "binpack", "field": "cpu"}])),
        "spread-az-binpack-memory" => {
            Some(json!([{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]))
        }
        "spread-instance" => Some(json!([{"type": "spread", "field": "instanceId"}])),
        "random" => Some(json!([{"type": "random"}])),
        other => return err("Placement strategy", format!("unknown preset {other:?}")),
    })
}

fn whole(field: &'static str, text: &str, max: u32) -> Result<u32, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return err(field, "is empty; enter a whole number");
    }
    match t.parse::<u32>() {
        Ok(n) if n <= max => Ok(n),
        Ok(n) => err(field, format!("{n} is more than the {max} Berth allows")),
        Err(_) => err(field, format!("must be a whole number from 0 to {max}; {t:?} is not")),
    }
}

/// The largest desired count the page's forms accept (the editor's desired count beside Deploy
/// and "Create service"). A playground limit, below the engine's (`engine::sim::MAX_DESIRED`,
/// ECS's quota of 5,000 tasks per service, which a scenario file may use): a slip of the keyboard
/// (an extra zero or two) must not launch thousands of tasks into a sandbox of a few instances.
pub const MAX_FORM_DESIRED: u32 = 1000;

/// A desired count typed into a form: a whole number from 0 to [`MAX_FORM_DESIRED`]. Anything
/// else is refused with the range in the message (never clamped, never quietly dropped).
pub fn desired_count(text: &str) -> Result<u32, FieldError> {
    let t = text.trim();
    let range = format!("must be a whole number from 0 to {MAX_FORM_DESIRED}");
    if t.is_empty() {
        return err("Desired count", format!("{range}; the field is empty"));
    }
    match t.parse::<u32>() {
        Ok(n) if n <= MAX_FORM_DESIRED => Ok(n),
        // Digits only, however many: a number too large (not "not a number").
        _ if t.bytes().all(|b| b.is_ascii_digit()) => err(
            "Desired count",
            format!(
                "{range}; {t} is too many (Berth's forms stop at {MAX_FORM_DESIRED} tasks per service so that a typo cannot flood the sandbox; ECS's own quota is {})",
                crate::engine::sim::MAX_DESIRED
            ),
        ),
        _ => err("Desired count", format!("{range}; {t:?} is not")),
    }
}

/// What "Create service" collects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceForm {
    pub name: String,
    /// `family` or `family:revision`.
    pub task_definition: String,
    pub desired: String,
    /// `EC2` or `FARGATE`.
    pub launch_type: String,
    /// A key of [`STRATEGIES`].
    pub strategy: String,
    pub distinct_instance: bool,
    /// A cluster query language expression, or empty.
    pub member_of: String,
    /// Capacity provider strategy rows; when there is any, the launch type is not used.
    pub capacity_providers: Vec<StrategyRow>,
    /// Health check grace period in seconds, or empty (0).
    pub grace_period: String,
    /// Put the service behind an Application Load Balancer with default settings.
    pub load_balancer: bool,
    /// A key of [`DEPLOYMENT_TYPES`]: `ECS` (rolling update; also when empty) or a CodeDeploy
    /// deployment configuration (blue/green).
    pub deployment: String,
}

/// The deployment types "Create service" offers: the ECS rolling update, or blue/green through
/// CodeDeploy with one of its predefined configurations for ECS (CodeDeploy user guide,
/// "Deployment configurations on an Amazon ECS compute platform"; `engine::bluegreen`).
pub const DEPLOYMENT_TYPES: &[(&str, &str)] = &[
    ("ECS", "Rolling update (ECS)"),
    ("CodeDeployDefault.ECSAllAtOnce", "Blue/green: all traffic at once"),
    ("CodeDeployDefault.ECSCanary10Percent5Minutes", "Blue/green canary: 10 %, the rest after 5 min"),
    ("CodeDeployDefault.ECSCanary10Percent15Minutes", "Blue/green canary: 10 %, the rest after 15 min"),
    ("CodeDeployDefault.ECSLinear10PercentEvery1Minutes", "Blue/green linear: 10 % more every minute"),
    ("CodeDeployDefault.ECSLinear10PercentEvery3Minutes", "Blue/green linear: 10 % more every 3 min"),
];

/// One row of "Create service"'s capacity provider strategy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StrategyRow {
    pub provider: String,
    /// Empty means 0.
    pub base: String,
    /// Empty means 0 (the ECS default).
    pub weight: String,
}

/// The longest health check grace period ECS accepts: 2,147,483,647 seconds ("about 69 years",
/// `healthCheckGracePeriodSeconds`, ECS API reference, CreateService / UpdateService).
pub const MAX_GRACE_SECONDS: u32 = 2_147_483_647;

/// The strategy rows → `capacityProviderStrategy` items, checked with the ECS rules
/// (`engine::autoscaling::capacity_provider::validate`: one base at most, weights 0–1000, at
/// most 6 providers, no mixing of Fargate and Auto Scaling group providers).
pub fn strategy_items(rows: &[StrategyRow]) -> Result<Vec<StrategyItem>, FieldError> {
    const FIELD: &str = "Capacity provider strategy";
    let number = |row: usize, what: &str, text: &str, max: u32| -> Result<u32, FieldError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(0);
        }
        match t.parse::<u32>() {
            Ok(n) if n <= max => Ok(n),
            Ok(n) => err(FIELD, format!("row {row}: {what} must be 0–{max}; got {n}")),
            Err(_) => err(FIELD, format!("row {row}: {what} {t:?} is not a whole number")),
        }
    };
    let mut items = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let provider = r.provider.trim();
        if provider.is_empty() {
            return err(FIELD, format!("row {}: choose a capacity provider", i + 1));
        }
        let base = number(i + 1, "base", &r.base, capacity_provider::MAX_BASE)?;
        let weight = number(i + 1, "weight", &r.weight, capacity_provider::MAX_WEIGHT)?;
        items.push(StrategyItem::new(provider, base, weight));
    }
    if !items.is_empty() {
        capacity_provider::validate(&items).or_else(|e| err(FIELD, e))?;
    }
    Ok(items)
}

/// Service names: up to 255 letters, digits, hyphens and underscores (the ECS rule).
fn service_name(name: &str) -> Result<String, FieldError> {
    let n = name.trim();
    if n.is_empty() {
        return err("Service name", "is empty");
    }
    if n.len() > 255 {
        return err("Service name", "is longer than 255 characters");
    }
    if let Some(c) = n.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return err("Service name", format!("{c:?} is not allowed: use letters, digits, hyphens and underscores"));
    }
    Ok(n.to_string())
}

fn constraints(distinct: bool, member_of: &str) -> Result<Vec<serde_json::Value>, FieldError> {
    let mut out = Vec::new();
    if distinct {
        out.push(serde_json::json!({"type": "distinctInstance"}));
    }
    let expr = member_of.trim();
    if !expr.is_empty() {
        if let Err(e) = cql::parse(expr) {
            return err("memberOf expression", e.to_string());
        }
        out.push(serde_json::json!({"type": "memberOf", "expression": expr}));
    }
    Ok(out)
}

fn launch_type(text: &str) -> Result<&'static str, FieldError> {
    match text.trim() {
        "" | "EC2" => Ok("EC2"),
        "FARGATE" => Ok("FARGATE"),
        other => err("Launch type", format!("{other:?} is not EC2 or FARGATE")),
    }
}

fn task_definition(text: &str) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty() {
        return err("Task definition", "choose a registered task definition (deploy one from the editor first)");
    }
    Ok(t.to_string())
}

/// "Create service" → `createService`. The engine still checks what needs the cluster (the task
/// definition exists, the name is free, Fargate is enabled, the providers exist).
///
/// ECS: "If a capacityProviderStrategy is specified, the launchType parameter must be omitted"
/// (CreateService, ECS API reference). So with strategy rows the form's launch type is ignored;
/// Berth's service model still records one, the one the providers imply (FARGATE for
/// `FARGATE`/`FARGATE_SPOT`, EC2 for Auto Scaling group providers), which is what the lessons'
/// reference solutions send.
pub fn create_service(f: &ServiceForm) -> Result<Command, FieldError> {
    let name = service_name(&f.name)?;
    let td = task_definition(&f.task_definition)?;
    let desired = desired_count(&f.desired)?;
    let items = strategy_items(&f.capacity_providers)?;
    let launch = match items.first() {
        Some(first) if first.is_fargate() => "FARGATE",
        Some(_) => "EC2",
        None => launch_type(&f.launch_type)?,
    };
    let grace = if f.grace_period.trim().is_empty() { 0 } else { whole("Health check grace period", &f.grace_period, MAX_GRACE_SECONDS)? };
    let mut spec = serde_json::json!({
        "action": "createService",
        "serviceName": name,
        "taskDefinition": td,
        "desiredCount": desired,
        "launchType": launch,
        "placementConstraints": constraints(f.distinct_instance, &f.member_of)?,
    });
    if let Some(s) = strategy_json(&f.strategy)? {
        spec["placementStrategy"] = s;
    }
    if !items.is_empty() {
        spec["capacityProviderStrategy"] = serde_json::to_value(&items).or_else(|e| err("Capacity provider strategy", e.to_string()))?;
    }
    if grace > 0 {
        spec["healthCheckGracePeriodSeconds"] = grace.into();
    }
    if f.load_balancer {
        // An empty spec: target group `<service>-tg`, round robin, health check `/` every 30 s,
        // 5 healthy / 2 unhealthy, 300 s deregistration delay (`traffic::balancer`).
        spec["loadBalancer"] = serde_json::json!({});
    }
    match f.deployment.trim() {
        "" | "ECS" => {}
        config if DEPLOYMENT_TYPES.iter().any(|(k, _)| *k == config) => {
            spec["deploymentController"] = serde_json::json!({"type": "CODE_DEPLOY"});
            spec["blueGreen"] = serde_json::json!({"deploymentConfigName": config});
        }
        other => {
            let known: Vec<&str> = DEPLOYMENT_TYPES.iter().map(|(k, _)| *k).collect();
            return err("Deployment type", format!("unknown {other:?}; choose one of {}", known.join(", ")));
        }
    }
    serde_json::from_value(spec).or_else(|e| err("Service", e.to_string()))
}

/// What "Run task" collects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunTaskForm {
    pub task_definition: String,
    pub count: String,
    pub launch_type: String,
    pub strategy: String,
}

/// "Run task" → `runTask` (RunTask starts at most 10 tasks per call, as in ECS).
pub fn run_task(f: &RunTaskForm) -> Result<Command, FieldError> {
    let td = task_definition(&f.task_definition)?;
    let count = whole("Count", &f.count, 10)?;
    if count == 0 {
        return err("Count", "must be at least 1");
    }
    let launch = launch_type(&f.launch_type)?;
    let mut cmd = serde_json::json!({"action": "runTask", "taskDefinition": td, "count": count, "launchType": launch});
    if let Some(s) = strategy_json(&f.strategy)? {
        cmd["placementStrategy"] = s;
    }
    serde_json::from_value(cmd).or_else(|e| err("Run task", e.to_string()))
}

/// A service's deployment settings as the panel shows them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeploymentForm {
    pub minimum_healthy_percent: String,
    pub maximum_percent: String,
    pub circuit_breaker: bool,
    pub rollback: bool,
}

impl DeploymentForm {
    pub fn from_config(c: &DeploymentConfiguration) -> Self {
        DeploymentForm {
            minimum_healthy_percent: c.minimum_healthy_percent.to_string(),
            maximum_percent: c.maximum_percent.to_string(),
            circuit_breaker: c.deployment_circuit_breaker.enable,
            rollback: c.deployment_circuit_breaker.rollback,
        }
    }
}

/// The deployment settings → `updateService` with a `deploymentConfiguration` (and, when
/// `force` is set, a new deployment of the same task definition).
pub fn update_deployment(service: &str, f: &DeploymentForm, force: bool) -> Result<Command, FieldError> {
    let min = whole("Minimum healthy percent", &f.minimum_healthy_percent, 100)?;
    let max = whole("Maximum percent", &f.maximum_percent, 1000)?;
    if max < 100 {
        return err("Maximum percent", format!("must be at least 100; got {max}"));
    }
    if f.rollback && !f.circuit_breaker {
        return err("Rollback", "needs the circuit breaker turned on");
    }
    Ok(Command::UpdateService {
        service: service.to_string(),
        desired_count: None,
        task_definition: None,
        deployment_configuration: Some(DeploymentConfigurationPatch {
            minimum_healthy_percent: Some(min),
            maximum_percent: Some(max),
            deployment_circuit_breaker: Some(CircuitBreakerConfig { enable: f.circuit_breaker, rollback: f.rollback }),
        }),
        force_new_deployment: force,
        placement_strategy: None,
        placement_constraints: None,
    })
}

/// An existing service's placement as its settings show it: a preset of [`STRATEGIES`] (empty:
/// keep the current strategy) and the two constraints the forms offer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlacementForm {
    pub strategy: String,
    pub distinct_instance: bool,
    pub member_of: String,
}

impl PlacementForm {
    /// The service's current constraints (from the snapshot's `distinctInstance` /
    /// `memberOf(<expression>)` strings), strategy kept.
    pub fn from_view(v: &ServiceView) -> Self {
        PlacementForm {
            strategy: String::new(),
            distinct_instance: v.constraints.iter().any(|c| c == "distinctInstance"),
            member_of: v.constraints.iter().find_map(|c| c.strip_prefix("memberOf(").and_then(|x| x.strip_suffix(')'))).unwrap_or_default().to_string(),
        }
    }
}

/// The placement settings → `updateService` with `placementConstraints` (always: unticked and
/// empty clear them) and, unless kept, `placementStrategy` ("default" is the ECS default chain
/// written out, as UpdateService has no "back to default").
pub fn update_placement(service: &str, f: &PlacementForm) -> Result<Command, FieldError> {
    let mut cmd = serde_json::json!({"action": "updateService", "service": service, "placementConstraints": constraints(f.distinct_instance, &f.member_of)?});
    match f.strategy.as_str() {
        "" | "keep" => {}
        preset => {
            cmd["placementStrategy"] = match strategy_json(preset)? {
                Some(s) => s,
                None => serde_json::to_value(crate::engine::placement::default_service_strategy()).or_else(|e| err("Placement strategy", e.to_string()))?,
            }
        }
    }
    serde_json::from_value(cmd).or_else(|e| err("Placement", e.to_string()))
}

/// The target-tracking metrics the Service Auto Scaling form offers (ECS's predefined metrics).
pub const SCALING_METRICS: &[(&str, &str)] = &[
    ("ECSServiceAverageCPUUtilization", "average CPU utilisation (%)"),
    ("ECSServiceAverageMemoryUtilization", "average memory utilisation (%)"),
    ("ALBRequestCountPerTarget", "requests per target per minute (needs a load balancer)"),
];

/// A service's Service Auto Scaling as the form shows it: off, or a range with one
/// target-tracking policy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AutoScalingForm {
    pub enabled: bool,
    pub min: String,
    pub max: String,
    /// A key of [`SCALING_METRICS`].
    pub metric: String,
    pub target: String,
}

impl AutoScalingForm {
    /// The service's range and, when its first policy has a default name
    /// (`<metric>-<target>`), that policy; otherwise CPU at 70 %.
    pub fn from_view(v: &ServiceView) -> Self {
        let Some(sc) = &v.scaling else {
            return AutoScalingForm { enabled: false, min: "1".into(), max: (v.desired.max(1) * 2).to_string(), metric: SCALING_METRICS[0].0.into(), target: "70".into() };
        };
        let policy = sc.policies.iter().find_map(|p| {
            let (m, t) = p.rsplit_once('-')?;
            (SCALING_METRICS.iter().any(|(k, _)| *k == m) && t.parse::<f64>().is_ok()).then(|| (m.to_string(), t.to_string()))
        });
        let (metric, target) = policy.unwrap_or_else(|| (SCALING_METRICS[0].0.into(), "70".into()));
        AutoScalingForm { enabled: true, min: sc.min.to_string(), max: sc.max.to_string(), metric, target }
    }
}

/// The form → `putAutoScaling`: off removes the service's scaling; on sets the range and one
/// target-tracking policy (replacing every policy the service had).
pub fn put_auto_scaling(service: &str, f: &AutoScalingForm) -> Result<Command, FieldError> {
    if !f.enabled {
        return serde_json::from_value(serde_json::json!({"action": "putAutoScaling", "service": service, "autoScaling": null})).or_else(|e| err("Service Auto Scaling", e.to_string()));
    }
    let max_tasks = crate::engine::sim::MAX_DESIRED;
    let min = whole("Minimum tasks", &f.min, max_tasks)?;
    let max = whole("Maximum tasks", &f.max, max_tasks)?;
    if min > max {
        return err("Maximum tasks", format!("{max} is less than the minimum, {min}"));
    }
    if !SCALING_METRICS.iter().any(|(k, _)| *k == f.metric) {
        return err("Metric", format!("{:?} is not one of the offered metrics", f.metric));
    }
    let t = f.target.trim();
    let target: f64 = match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => v,
        _ => return err("Target value", format!("{t:?} is not a number above 0")),
    };
    if f.metric != "ALBRequestCountPerTarget" && target > 100.0 {
        return err("Target value", format!("{t} is a utilisation: at most 100 (%)"));
    }
    let cmd = serde_json::json!({
        "action": "putAutoScaling", "service": service,
        "autoScaling": {"minCapacity": min, "maxCapacity": max, "targetTracking": [{"metric": f.metric, "target": target}]}
    });
    serde_json::from_value(cmd).or_else(|e| err("Service Auto Scaling", e.to_string()))
}

/// What the limits mean for a desired count, in words ("with 4 desired: at least 2 healthy,
/// at most 8 running or pending") — the panel shows it under the two percentages.
pub fn bounds_text(desired: u32, f: &DeploymentForm) -> Option<String> {
    let min = f.minimum_healthy_percent.trim().parse::<u32>().ok()?;
    let max = f.maximum_percent.trim().parse::<u32>().ok()?;
    let (lower, upper) = crate::engine::deployment::bounds(desired, min, max);
    Some(format!("with {desired} desired: at least {lower} healthy, at most {upper} running or pending during a deployment"))
}

/// "Auto Scaling groups" → `setDesiredCapacity`: a whole number within the group's
/// `minSize`–`maxSize` (Auto Scaling refuses a desired capacity outside them).
pub fn set_desired_capacity(group: &GroupView, text: &str) -> Result<Command, FieldError> {
    let n = whole("Desired capacity", text, crate::engine::sim::MAX_INSTANCES as u32)?;
    if !(group.min..=group.max).contains(&n) {
        return err("Desired capacity", format!("{n} is outside {}'s range {}–{} (minimum–maximum size)", group.name, group.min, group.max));
    }
    Ok(Command::SetDesiredCapacity { group: group.name.clone(), desired: n })
}

/// What "Create capacity provider" collects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CapacityProviderForm {
    pub name: String,
    /// An Auto Scaling group's name.
    pub group: String,
    pub managed_scaling: bool,
    /// Managed scaling's target capacity, percent (1–100).
    pub target_capacity: String,
    pub termination_protection: bool,
}

/// "Create capacity provider" → `createCapacityProvider`. Rules from CreateCapacityProvider (ECS
/// API reference): the name has up to 255 letters, digits, underscores and hyphens and "can't be
/// prefixed with aws, ecs, or fargate"; `targetCapacity` is greater than 0 and at most 100. The
/// ECS Developer Guide: "When using managed termination protection, managed scaling must also be
/// used otherwise managed termination protection doesn't work" — the form refuses that pair.
pub fn create_capacity_provider(f: &CapacityProviderForm) -> Result<Command, FieldError> {
    let name = f.name.trim();
    if name.is_empty() {
        return err("Capacity provider name", "is empty");
    }
    if name.len() > 255 {
        return err("Capacity provider name", "is longer than 255 characters");
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return err("Capacity provider name", format!("{c:?} is not allowed: use letters, digits, hyphens and underscores"));
    }
    let lower = name.to_ascii_lowercase();
    if let Some(p) = ["aws", "ecs", "fargate"].iter().find(|p| lower.starts_with(*p)) {
        return err("Capacity provider name", format!("can't start with {p:?} (reserved by AWS)"));
    }
    let group = f.group.trim();
    if group.is_empty() {
        return err("Auto Scaling group", "choose the group this provider scales");
    }
    let managed_scaling = if f.managed_scaling {
        let t = whole("Target capacity", &f.target_capacity, 100)?;
        if t == 0 {
            return err("Target capacity", "must be 1–100; got 0");
        }
        Some(ManagedScalingSpec { target_capacity: t, minimum_scaling_step_size: 1, maximum_scaling_step_size: 10_000 })
    } else {
        None
    };
    if f.termination_protection && !f.managed_scaling {
        return err("Managed termination protection", "needs managed scaling turned on (without it, protection does not work)");
    }
    Ok(Command::CreateCapacityProvider(CapacityProviderSpec {
        name: name.to_string(),
        auto_scaling_group: group.to_string(),
        managed_scaling,
        managed_termination_protection: f.termination_protection,
    }))
}

/// What the Kubernetes console collects: a kubectl command line and, for `apply`, the YAML.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KubectlForm {
    pub args: String,
    pub manifest: String,
}

/// The kubectl console → `kubectl`. The `kubectl` prefix is optional. The line is split as
/// kubectl's engine side splits it (`engine::k8s::kubectl::tokenize`: one level of quotes taken
/// off) and written back in one canonical spacing. `apply` and `create` without a type (`create
/// -f -`) read the manifest box, so they take `-f -` (or no `-f`); a file name is refused because
/// the page has no files; `create deployment NAME --image=...` needs no manifest. Everything else
/// (unknown verbs and flags, missing objects) is the engine's to say, in kubectl's own words.
pub fn kubectl(f: &KubectlForm) -> Result<Command, FieldError> {
    use crate::engine::k8s::kubectl::{join, tokenize, verb_and_sub};
    let Ok(mut words) = tokenize(&f.args) else {
        // An unclosed quote: the engine says so (and changes nothing).
        return Ok(Command::Kubectl { args: f.args.trim().to_string(), manifest: None });
    };
    if words.first().map(String::as_str) == Some("kubectl") {
        words.remove(0);
    }
    if words.is_empty() {
        return err("kubectl", "is empty: type a command such as `scale deployment/web --replicas=5`");
    }
    let args = join(&words);
    let (verb, sub) = verb_and_sub(&words);
    if !(verb == "apply" || (verb == "create" && sub.is_none())) {
        return Ok(Command::Kubectl { args, manifest: None });
    }
    let mut file: Option<&str> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if w == "-f" || w == "--filename" {
            file = Some(words.get(i + 1).map(String::as_str).unwrap_or(""));
            i += 1;
        } else if let Some(v) = w.strip_prefix("--filename=").or_else(|| w.strip_prefix("-f=")).or_else(|| w.strip_prefix("-f")) {
            file = Some(v);
        }
        i += 1;
    }
    match file {
        Some("-") | None => {}
        Some("") => return err("kubectl", "-f needs a value: use `-f -` to read the manifest box"),
        Some(other) => return err("kubectl", format!("-f {other}: the page has no files; use `-f -` and paste the YAML into the manifest box")),
    }
    if f.manifest.trim().is_empty() {
        return err("Manifest", format!("is empty: `kubectl {verb} -f -` reads the YAML from the manifest box"));
    }
    Ok(Command::Kubectl { args, manifest: Some(f.manifest.clone()) })
}

/// The action that gives a Kubernetes Deployment (`namespace/name`) a load from the Charts tab:
/// Berth's `kubectl set load` (docs/kubernetes.md), a constant rate as `--rps`, any other shape
/// as JSON in the action's manifest field (its times are scenario times, as the presets make).
pub fn deployment_load(deployment: &str, load: &crate::engine::traffic::load::LoadSpec) -> Command {
    use crate::engine::traffic::load::LoadSpec;
    let (ns, name) = deployment.split_once('/').unwrap_or(("default", deployment));
    match load {
        LoadSpec::Constant { rps } => Command::Kubectl { args: format!("set load deployment/{name} -n {ns} --rps={rps}"), manifest: None },
        other => Command::Kubectl { args: format!("set load deployment/{name} -n {ns}"), manifest: serde_json::to_string(other).ok() },
    }
}
