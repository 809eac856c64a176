//! Export: a task definition as `RegisterTaskDefinition` input, ready for
//! `aws ecs register-task-definition --cli-input-json file://td.json`.
//!
//! The learner's object is kept as written (member order, fields Berth does not simulate), with:
//! * read-only fields of `describe-task-definition` output removed (`revision`, `status`, ...);
//! * fields unknown to the ECS API removed (they were reported as `unknown-field`);
//! * the simulated fields written from the model, so a model edited in code exports its edits;
//! * task-level `cpu`/`memory` in the API's form, a string of an integer (`"256"`, `"512"`),
//!   and container `cpu`/`memory`/`memoryReservation` as integers.
//!
//! Shapes: the `RegisterTaskDefinition` input shape of the ECS service model (botocore).

use serde_json::{json, Map, Value};

use super::fields::{self, FieldSet};
use super::model::*;

/// The `RegisterTaskDefinition` input for `td`. Pure: same model, same output.
pub fn export(td: &TaskDefinition) -> Value {
    let mut out = object_of(&td.raw, &fields::TASK);
    let had = |k: &str| td.raw.get(k).is_some();

    out.insert("family".into(), Value::String(td.family.clone()));
    set_opt(&mut out, "taskRoleArn", td.task_role_arn.clone().map(Value::String));
    set_opt(&mut out, "executionRoleArn", td.execution_role_arn.clone().map(Value::String));
    if had("networkMode") || td.network_mode != NetworkMode::Bridge {
        out.insert("networkMode".into(), Value::String(td.network_mode.as_str().into()));
    }
    if had("requiresCompatibilities") || !td.requires_compatibilities.is_empty() {
        let list = td.requires_compatibilities.iter().map(|c| Value::String(c.as_str().into())).collect();
        out.insert("requiresCompatibilities".into(), Value::Array(list));
    }
    set_opt(&mut out, "cpu", td.cpu.map(|c| Value::String(c.to_string())));
    set_opt(&mut out, "memory", td.memory.map(|m| Value::String(m.to_string())));

    let raw_containers = td.raw.get("containerDefinitions").and_then(Value::as_array);
    let containers = td
        .container_definitions
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let base = raw_containers.and_then(|a| a.get(i)).unwrap_or(&c.raw);
            Value::Object(container(c, base))
        })
        .collect();
    out.insert("containerDefinitions".into(), Value::Array(containers));

    if had("placementConstraints") || !td.placement_constraints.is_empty() {
        let list = td
            .placement_constraints
            .iter()
            .map(|pc| {
                let mut m = Map::new();
                m.insert("type".into(), Value::String(pc.kind.clone()));
                if !pc.expression.is_empty() {
                    m.insert("expression".into(), Value::String(pc.expression.clone()));
                }
                Value::Object(m)
            })
            .collect();
        out.insert("placementConstraints".into(), Value::Array(list));
    }
    if let Some(rp) = td.raw.get("runtimePlatform") {
        out.insert("runtimePlatform".into(), Value::Object(object_of(rp, &fields::RUNTIME_PLATFORM)));
    }
    Value::Object(out)
}

/// [`export`] as pretty-printed JSON text (2-space indent, trailing newline).
pub fn export_pretty(td: &TaskDefinition) -> String {
    let mut s = serde_json::to_string_pretty(&export(td)).unwrap_or_default();
    s.push('\n');
    s
}

/// The members of `raw` (if an object) that the ECS API knows at this level, in order.
fn object_of(raw: &Value, set: &FieldSet) -> Map<String, Value> {
    match raw {
        Value::Object(m) => m.iter().filter(|(k, _)| set.is_known(k)).map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Map::new(),
    }
}

fn set_opt(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            m.insert(key.into(), v);
        }
        None => {
            m.shift_remove(key);
        }
    }
}

fn container(c: &ContainerDefinition, base: &Value) -> Map<String, Value> {
    let mut m = object_of(base, &fields::CONTAINER);
    let had = |k: &str| base.get(k).is_some();
    m.insert("name".into(), Value::String(c.name.clone()));
    m.insert("image".into(), Value::String(c.image.clone()));
    if had("cpu") || c.cpu != 0 {
        m.insert("cpu".into(), json!(c.cpu));
    }
    set_opt(&mut m, "memory", c.memory.map(|v| json!(v)));
    set_opt(&mut m, "memoryReservation", c.memory_reservation.map(|v| json!(v)));
    if had("essential") || !c.essential {
        m.insert("essential".into(), Value::Bool(c.essential));
    }
    if had("portMappings") || !c.port_mappings.is_empty() {
        m.insert("portMappings".into(), Value::Array(port_mappings(&c.port_mappings, base.get("portMappings"))));
    }
    if had("environment") || !c.environment.is_empty() {
        let list = c.environment.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect();
        m.insert("environment".into(), Value::Array(list));
    }
    if had("secrets") || !c.secrets.is_empty() {
        let list = c.secrets.iter().map(|(n, v)| json!({ "name": n, "valueFrom": v })).collect();
        m.insert("secrets".into(), Value::Array(list));
    }
    set_opt(&mut m, "healthCheck", c.health_check.as_ref().map(|hc| health_check(hc, base.get("healthCheck"))));
    if had("dependsOn") || !c.depends_on.is_empty() {
        let list = c
            .depends_on
            .iter()
            .map(|d| {
                let cond = match d.condition {
                    DependsOnCondition::Start => "START",
                    DependsOnCondition::Complete => "COMPLETE",
                    DependsOnCondition::Success => "SUCCESS",
                    DependsOnCondition::Healthy => "HEALTHY",
                };
                json!({ "containerName": d.container_name, "condition": cond })
            })
            .collect();
        m.insert("dependsOn".into(), Value::Array(list));
    }
    set_opt(&mut m, "startTimeout", c.start_timeout.map(|v| json!(v)));
    set_opt(&mut m, "stopTimeout", c.stop_timeout.map(|v| json!(v)));
    m
}

/// Port mappings from the model, keeping the non-simulated members (`name`, `appProtocol`) of
/// the mapping written at the same place, and mappings Berth skipped (`containerPortRange`).
fn port_mappings(model: &[PortMapping], raw: Option<&Value>) -> Vec<Value> {
    let raw_items: &[Value] = raw.and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::new();
    let mut next = model.iter();
    for item in raw_items {
        if item.get("containerPort").is_none() && item.get("containerPortRange").is_some() {
            out.push(Value::Object(object_of(item, &fields::PORT_MAPPING)));
            continue;
        }
        if let Some(pm) = next.next() {
            out.push(Value::Object(port_mapping(pm, item)));
        }
    }
    for pm in next {
        out.push(Value::Object(port_mapping(pm, &Value::Null)));
    }
    out
}

fn port_mapping(pm: &PortMapping, base: &Value) -> Map<String, Value> {
    let mut m = object_of(base, &fields::PORT_MAPPING);
    m.insert("containerPort".into(), json!(pm.container_port));
    set_opt(&mut m, "hostPort", pm.host_port.map(|h| json!(h)));
    if base.get("protocol").is_some() || pm.protocol == Protocol::Udp {
        let p = if pm.protocol == Protocol::Udp { "udp" } else { "tcp" };
        m.insert("protocol".into(), Value::String(p.into()));
    }
    m
}

fn health_check(hc: &HealthCheck, base: Option<&Value>) -> Value {
    let had = |k: &str| base.and_then(|b| b.get(k)).is_some();
    let mut m = Map::new();
    m.insert("command".into(), json!(hc.command));
    for (key, value, default) in [
        ("interval", hc.interval, 30),
        ("timeout", hc.timeout, 5),
        ("retries", hc.retries, 3),
        ("startPeriod", hc.start_period, 0),
    ] {
        if had(key) || value != default {
            m.insert(key.into(), json!(value));
        }
    }
    Value::Object(m)
}
