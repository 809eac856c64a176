//! The page's service forms, as pure functions: what the learner typed into "Create service",
//! "Run task" and a service's deployment settings becomes an engine [`Command`], or a message
//! naming the field that is wrong and why. The Yew panel (`ui::service_panel`) only collects
//! the strings; everything checkable is checked here, natively tested.

use crate::engine::deployment::{CircuitBreakerConfig, DeploymentConfiguration, DeploymentConfigurationPatch};
use crate::engine::placement::cql;
use crate::engine::sim::Command;

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
        Err(_) => err(field, format!("{t:?} is not a whole number")),
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
/// definition exists, the name is free, Fargate is enabled).
pub fn create_service(f: &ServiceForm) -> Result<Command, FieldError> {
    let name = service_name(&f.name)?;
    let td = task_definition(&f.task_definition)?;
    let desired = whole("Desired count", &f.desired, 1000)?;
    let launch = launch_type(&f.launch_type)?;
    let mut spec = serde_json::json!({
        "serviceName": name,
        "taskDefinition": td,
        "desiredCount": desired,
        "launchType": launch,
        "placementConstraints": constraints(f.distinct_instance, &f.member_of)?,
    });
    if let Some(s) = strategy_json(&f.strategy)? {
        spec["placementStrategy"] = s;
    }
    let mut cmd = serde_json::json!({"action": "createService"});
    if let (Some(obj), Some(fields)) = (cmd.as_object_mut(), spec.as_object()) {
        obj.extend(fields.clone());
    }
    serde_json::from_value(cmd).or_else(|e| err("Service", e.to_string()))
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
    })
}

/// What the limits mean for a desired count, in words ("with 4 desired: at least 2 healthy,
/// at most 8 running or pending") — the panel shows it under the two percentages.
pub fn bounds_text(desired: u32, f: &DeploymentForm) -> Option<String> {
    let min = f.minimum_healthy_percent.trim().parse::<u32>().ok()?;
    let max = f.maximum_percent.trim().parse::<u32>().ok()?;
    let (lower, upper) = crate::engine::deployment::bounds(desired, min, max);
    Some(format!("with {desired} desired: at least {lower} healthy, at most {upper} running or pending during a deployment"))
}
