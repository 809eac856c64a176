//! Reading a task definition: JSON text → [`TaskDefinition`] model, with positions.
//!
//! This step checks *shape*: JSON types, enum spellings, numbers that must be whole and fit, and
//! field names (unknown fields, typos, fields Berth does not simulate). Cross-field rules (sizes,
//! Fargate, ports, dependencies) are in [`super::validate`].
//!
//! Accepted input: the object `aws ecs register-task-definition --cli-input-json` takes, or the
//! `aws ecs describe-task-definition` output `{"taskDefinition": {...}}`, which is unwrapped.
//! Field names and types: the ECS service model (see [`super::fields`]).

use serde_json::Value;

use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::json::{self, Json, JsonKind, Key};

use super::fields::{self, FieldSet, Shape};
use super::locations::Locations;
use super::model::*;
use super::units;

/// What reading produced: a best-effort model (fields with unusable values hold defaults and are
/// marked invalid in `locs`), the positions of everything, and the shape diagnostics.
#[derive(Debug, Clone)]
pub struct Read {
    pub td: TaskDefinition,
    pub locs: Locations,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads `text`. `Err` means nothing usable could be read (JSON syntax error, or the document is
/// not an object); the vector then holds the reason.
pub fn read(text: &str) -> Result<Read, Vec<Diagnostic>> {
    let root = json::parse(text).map_err(|d| vec![d])?;
    let mut cx = Cx::default();
    for (key, path) in json::duplicate_keys(&root) {
        cx.diags.push(Diagnostic::warning(
            key.pos,
            path,
            "duplicate-key",
            format!("key \"{}\" appears more than once in this object; only the last value is used", key.name),
        ));
    }
    let Some(members) = root.as_object() else {
        return Err(vec![Diagnostic::error(
            root.pos,
            "",
            "wrong-type",
            format!("expected a task definition object {{ ... }}, got {}", root.describe()),
        )]);
    };
    let td_json = match unwrap_describe_output(&root, members, &mut cx) {
        Some(inner) => inner,
        None => &root,
    };
    cx.locs.record("", None, td_json.pos);
    let td = cx.task_definition(td_json);
    Ok(Read { td, locs: cx.locs, diagnostics: cx.diags })
}

/// If `root` is `describe-task-definition` output, warns and returns the inner task definition.
fn unwrap_describe_output<'j>(root: &'j Json, members: &'j [(Key, Json)], cx: &mut Cx) -> Option<&'j Json> {
    if root.get("containerDefinitions").is_some() || root.get("family").is_some() {
        return None;
    }
    let (key, inner) = root.get_member("taskDefinition")?;
    inner.as_object()?;
    let read_only: Vec<&str> =
        fields::TASK_READ_ONLY.iter().copied().filter(|f| inner.get(f).is_some()).collect();
    let detail = if read_only.is_empty() {
        String::new()
    } else {
        format!("; its read-only fields ({}) are ignored and dropped on export", read_only.join(", "))
    };
    cx.diags.push(Diagnostic::warning(
        key.pos,
        "taskDefinition",
        "describe-output",
        format!("this looks like describe-task-definition output: using the task definition inside \"taskDefinition\"{detail}"),
    ));
    for (k, v) in members {
        let empty = v.as_array().is_some_and(|a| a.is_empty()) || v.as_object().is_some_and(|o| o.is_empty());
        if k.name != "taskDefinition" && !empty {
            cx.diags.push(Diagnostic::warning(
                k.pos,
                k.name.clone(),
                "describe-output",
                "outside \"taskDefinition\" in describe-task-definition output; ignored",
            ));
        }
    }
    Some(inner)
}

#[derive(Default)]
struct Cx {
    diags: Vec<Diagnostic>,
    locs: Locations,
}

fn idx(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

impl Cx {
    fn error(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(pos, path, rule, message));
    }

    fn warning(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(pos, path, rule, message));
    }

    /// A type error at `v`: marks the path invalid.
    fn wrong_type(&mut self, v: &Json, path: &str, expected: &str) {
        self.wrong_type_hint(v, path, expected, "");
    }

    /// A type error with a hint appended, e.g. ` (remove the quotes)`.
    fn wrong_type_hint(&mut self, v: &Json, path: &str, expected: &str, hint: &str) {
        let hint = if v.is_null() { " (leave the field out instead of writing null)" } else { hint };
        self.error(v.pos, path, "wrong-type", format!("expected {expected}, got {}{hint}", v.describe()));
        self.locs.mark_invalid(path);
    }

    /// Records the positions of an object's members and warns about names the ECS API does not
    /// know (`unknown-field`, with a suggestion) or that Berth does not simulate (`not-simulated`).
    /// `skip` lists names handled elsewhere.
    fn check_members(&mut self, members: &[(Key, Json)], path: &str, set: &FieldSet, skip: &[&str]) {
        for (k, v) in members {
            let child = json::join_path(path, &k.name);
            self.locs.record(&child, Some(k.pos), v.pos);
            if skip.contains(&k.name.as_str()) || set.simulated.contains(&k.name.as_str()) {
                continue;
            }
            if set.not_simulated.contains(&k.name.as_str()) {
                if let Some((shape, required)) = set.shape(&k.name) {
                    if !self.check_shape(k, v, &child, shape, required) {
                        continue;
                    }
                }
                let empty = match &v.kind {
                    JsonKind::Array(a) => a.is_empty(),
                    JsonKind::Object(o) => o.is_empty(),
                    JsonKind::Null => true,
                    _ => false,
                };
                if !empty {
                    self.warning(k.pos, &child, "not-simulated", "kept for export, not simulated by Berth");
                }
                continue;
            }
            let message = match set.suggest(&k.name) {
                Some(s) => format!(
                    "\"{}\" is not a field of an ECS {}; did you mean \"{s}\"? It is ignored and dropped on export",
                    k.name, set.what
                ),
                None => format!("\"{}\" is not a field of an ECS {}; it is ignored and dropped on export", k.name, set.what),
            };
            self.warning(k.pos, &child, "unknown-field", message);
        }
    }

    /// Checks a not-simulated field against the shape the ECS API requires (so Berth does not
    /// accept what `register-task-definition` would reject). Returns false after an error.
    fn check_shape(&mut self, key: &Key, v: &Json, path: &str, shape: Shape, required: &[&str]) -> bool {
        let before = self.diags.len();
        let ok_type = match shape {
            Shape::String => v.as_str().is_some(),
            Shape::Bool => v.as_bool().is_some(),
            Shape::Object => v.as_object().is_some(),
            Shape::ListOfStrings | Shape::ListOfObjects => v.as_array().is_some(),
        };
        if !ok_type {
            let mut expected = shape.describe().to_string();
            if let (Shape::ListOfStrings, Some(s)) = (shape, v.as_str()) {
                let words: Vec<String> = s.split_whitespace().map(json_str).collect();
                expected = format!("{expected}, e.g. [{}]", words.join(", "));
            }
            self.wrong_type(v, path, &expected);
            return false;
        }
        let check_required = |cx: &mut Cx, obj: &Json, obj_path: &str, at: Pos| {
            for r in required {
                if obj.get(r).is_none() {
                    cx.error(at, obj_path, "required-field", format!("{} needs a \"{r}\"", key.name));
                }
            }
        };
        match shape {
            Shape::Object => check_required(self, v, path, key.pos),
            Shape::ListOfStrings | Shape::ListOfObjects => {
                for (i, item) in v.as_array().unwrap_or(&[]).iter().enumerate() {
                    let ip = idx(path, i);
                    if shape == Shape::ListOfStrings && item.as_str().is_none() {
                        self.wrong_type(item, &ip, "a string");
                    } else if shape == Shape::ListOfObjects {
                        if item.as_object().is_none() {
                            self.wrong_type(item, &ip, "an object { ... }");
                        } else {
                            check_required(self, item, &ip, item.pos);
                        }
                    }
                }
            }
            Shape::String | Shape::Bool => {}
        }
        self.diags.len() == before
    }

    /// The members of an object value, or a type error.
    fn object<'j>(&mut self, v: &'j Json, path: &str, what: &str) -> Option<&'j [(Key, Json)]> {
        match v.as_object() {
            Some(m) => Some(m),
            None => {
                self.wrong_type(v, path, &format!("{what} (an object {{ ... }})"));
                None
            }
        }
    }

    fn array<'j>(&mut self, v: &'j Json, path: &str, what: &str) -> Option<&'j [Json]> {
        match v.as_array() {
            Some(a) => Some(a),
            None => {
                self.wrong_type(v, path, &format!("{what} (an array [ ... ])"));
                None
            }
        }
    }

    fn string(&mut self, v: &Json, path: &str, what: &str) -> Option<String> {
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.wrong_type(v, path, what);
                None
            }
        }
    }

    fn boolean(&mut self, v: &Json, path: &str) -> Option<bool> {
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                let hint = match v.as_str() {
                    Some("true") | Some("false") => " (remove the quotes)",
                    _ => "",
                };
                self.wrong_type_hint(v, path, "true or false", hint);
                None
            }
        }
    }

    /// A whole, non-negative JSON number that fits in `u32`. The ECS API's integer fields reject
    /// strings and fractions (botocore checks the type before sending).
    fn uint(&mut self, v: &Json, path: &str, what: &str) -> Option<u32> {
        let raw = match &v.kind {
            JsonKind::Number(_, raw) => raw,
            JsonKind::String(s) => {
                let hint = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                    format!(" (write {s} without quotes)")
                } else {
                    String::new()
                };
                self.wrong_type_hint(v, path, what, &hint);
                return None;
            }
            _ => {
                self.wrong_type(v, path, what);
                return None;
            }
        };
        let problem = if raw.contains(['.', 'e', 'E']) {
            format!("expected {what} as a whole number, got {raw}")
        } else if raw.starts_with('-') {
            if raw == "-0" {
                return Some(0);
            }
            format!("expected {what}, got {raw}: it cannot be negative")
        } else {
            match raw.parse::<u32>() {
                Ok(n) => return Some(n),
                Err(_) => format!("expected {what}, got {raw}: too large"),
            }
        };
        self.error(v.pos, path, "invalid-number", problem);
        self.locs.mark_invalid(path);
        None
    }

    /// A string that must be one of `allowed` (case-sensitive, like the ECS API's enums).
    fn choice<'a>(&mut self, v: &Json, path: &str, rule: &str, field: &str, allowed: &[&'a str]) -> Option<&'a str> {
        let s = self.string(v, path, &format!("one of {}", allowed.join(", ")))?;
        if let Some(a) = allowed.iter().find(|a| **a == s) {
            return Some(a);
        }
        let hint = match allowed.iter().find(|a| a.eq_ignore_ascii_case(&s)) {
            Some(a) => format!(" (values are case-sensitive: did you mean \"{a}\"?)"),
            None => String::new(),
        };
        let list = allowed.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ");
        self.error(v.pos, path, rule, format!("{field} must be one of {list}; got {}{hint}", json_str(&s)));
        self.locs.mark_invalid(path);
        None
    }

    fn task_definition(&mut self, obj: &Json) -> TaskDefinition {
        let members = obj.as_object().unwrap_or(&[]);
        let mut td = TaskDefinition {
            family: String::new(),
            revision: 0,
            task_role_arn: None,
            execution_role_arn: None,
            network_mode: NetworkMode::Bridge,
            requires_compatibilities: Vec::new(),
            cpu: None,
            memory: None,
            container_definitions: Vec::new(),
            placement_constraints: Vec::new(),
            raw: obj.to_value(),
        };
        self.check_members(members, "", &fields::TASK, fields::TASK_READ_ONLY);
        let wrapped = self.diags.iter().any(|d| d.rule == "describe-output");
        if !wrapped {
            for ro in fields::TASK_READ_ONLY {
                if let Some((k, _)) = obj.get_member(ro) {
                    self.warning(
                        k.pos,
                        ro,
                        "read-only-field",
                        "read-only field of describe-task-definition output; ignored and dropped on export",
                    );
                }
            }
        }

        if let Some(v) = obj.get("family") {
            td.family = self.string(v, "family", "a family name string").unwrap_or_default();
        }
        if let Some(v) = obj.get("taskRoleArn") {
            td.task_role_arn = self.string(v, "taskRoleArn", "an IAM role ARN string");
        }
        if let Some(v) = obj.get("executionRoleArn") {
            td.execution_role_arn = self.string(v, "executionRoleArn", "an IAM role ARN string");
        }
        if let Some(v) = obj.get("networkMode") {
            td.network_mode = match self.choice(v, "networkMode", "network-mode", "networkMode", &["awsvpc", "bridge", "host", "none"]) {
                Some("awsvpc") => NetworkMode::Awsvpc,
                Some("host") => NetworkMode::Host,
                Some("none") => NetworkMode::None,
                _ => NetworkMode::Bridge,
            };
        }
        if let Some(v) = obj.get("requiresCompatibilities") {
            if let Some(items) = self.array(v, "requiresCompatibilities", "a list of launch types") {
                for (i, item) in items.iter().enumerate() {
                    let p = idx("requiresCompatibilities", i);
                    self.locs.record(&p, None, item.pos);
                    match self.choice(item, &p, "compatibility", "a launch type", &["EC2", "FARGATE", "EXTERNAL"]) {
                        Some("EC2") => td.requires_compatibilities.push(Compatibility::Ec2),
                        Some("FARGATE") => td.requires_compatibilities.push(Compatibility::Fargate),
                        Some("EXTERNAL") => td.requires_compatibilities.push(Compatibility::External),
                        _ => {}
                    }
                }
            }
        }
        if let Some(v) = obj.get("cpu") {
            td.cpu = self.task_size(v, "cpu", "task-cpu-format", units::CPU_FORMS, units::parse_cpu_str);
        }
        if let Some(v) = obj.get("memory") {
            td.memory = self.task_size(v, "memory", "task-memory-format", units::MEMORY_FORMS, units::parse_memory_str);
        }
        if let Some(v) = obj.get("containerDefinitions") {
            if let Some(items) = self.array(v, "containerDefinitions", "a list of container definitions") {
                for (i, item) in items.iter().enumerate() {
                    let c = self.container(item, &idx("containerDefinitions", i));
                    td.container_definitions.push(c);
                }
            }
        }
        if let Some(v) = obj.get("placementConstraints") {
            if let Some(items) = self.array(v, "placementConstraints", "a list of placement constraints") {
                for (i, item) in items.iter().enumerate() {
                    let p = idx("placementConstraints", i);
                    self.locs.record(&p, None, item.pos);
                    let Some(m) = self.object(item, &p, "a placement constraint") else { continue };
                    self.check_members(m, &p, &fields::PLACEMENT_CONSTRAINT, &[]);
                    let kind = item.get("type").and_then(|t| self.string(t, &format!("{p}.type"), "a constraint type string"));
                    let expression = item
                        .get("expression")
                        .and_then(|e| self.string(e, &format!("{p}.expression"), "a cluster query language expression string"));
                    if item.get("type").is_none() {
                        self.error(item.pos, &p, "required-field", "placement constraint needs a \"type\" (memberOf)");
                    }
                    match kind {
                        Some(kind) => td.placement_constraints.push(TaskPlacementConstraint { kind, expression: expression.unwrap_or_default() }),
                        None => self.locs.mark_invalid(&p),
                    }
                }
            }
        }
        if let Some(v) = obj.get("runtimePlatform") {
            if let Some(m) = self.object(v, "runtimePlatform", "a runtime platform") {
                self.check_members(m, "runtimePlatform", &fields::RUNTIME_PLATFORM, &[]);
                if let Some(a) = v.get("cpuArchitecture") {
                    self.choice(a, "runtimePlatform.cpuArchitecture", "runtime-platform", "cpuArchitecture", fields::CPU_ARCHITECTURES);
                }
                if let Some(o) = v.get("operatingSystemFamily") {
                    self.choice(o, "runtimePlatform.operatingSystemFamily", "runtime-platform", "operatingSystemFamily", fields::OS_FAMILIES);
                }
            }
        }
        td
    }

    /// Task-level cpu or memory: a number, or a string in one of the documented forms.
    fn task_size(&mut self, v: &Json, path: &str, rule: &str, forms: &str, parse: fn(&str) -> Result<u32, String>) -> Option<u32> {
        match &v.kind {
            JsonKind::Number(..) => self.uint(v, path, forms),
            JsonKind::String(s) => match parse(s) {
                Ok(n) => Some(n),
                Err(message) => {
                    self.error(v.pos, path, rule, message);
                    self.locs.mark_invalid(path);
                    None
                }
            },
            _ => {
                self.wrong_type(v, path, forms);
                None
            }
        }
    }

    fn container(&mut self, v: &Json, path: &str) -> ContainerDefinition {
        self.locs.record(path, None, v.pos);
        let mut c = ContainerDefinition {
            name: String::new(),
            image: String::new(),
            cpu: 0,
            memory: None,
            memory_reservation: None,
            essential: true,
            port_mappings: Vec::new(),
            environment: Vec::new(),
            secrets: Vec::new(),
            health_check: None,
            depends_on: Vec::new(),
            start_timeout: None,
            stop_timeout: None,
            raw: v.to_value(),
            pos: v.pos,
        };
        let Some(members) = self.object(v, path, "a container definition") else { return c };
        self.check_members(members, path, &fields::CONTAINER, &[]);
        let p = |f: &str| format!("{path}.{f}");

        if let Some(x) = v.get("name") {
            c.name = self.string(x, &p("name"), "a container name string").unwrap_or_default();
        }
        if let Some(x) = v.get("image") {
            c.image = self.string(x, &p("image"), "an image reference string such as \"nginx:1.27\"").unwrap_or_default();
        }
        if let Some(x) = v.get("cpu") {
            c.cpu = self.uint(x, &p("cpu"), "a number of CPU units").unwrap_or(0);
        }
        if let Some(x) = v.get("memory") {
            c.memory = self.uint(x, &p("memory"), "a number of MiB");
        }
        if let Some(x) = v.get("memoryReservation") {
            c.memory_reservation = self.uint(x, &p("memoryReservation"), "a number of MiB");
        }
        if let Some(x) = v.get("essential") {
            c.essential = self.boolean(x, &p("essential")).unwrap_or(true);
        }
        if let Some(x) = v.get("startTimeout") {
            c.start_timeout = self.uint(x, &p("startTimeout"), "a number of seconds");
        }
        if let Some(x) = v.get("stopTimeout") {
            c.stop_timeout = self.uint(x, &p("stopTimeout"), "a number of seconds");
        }
        if let Some(x) = v.get("portMappings") {
            let pp = p("portMappings");
            if let Some(items) = self.array(x, &pp, "a list of port mappings") {
                for (i, item) in items.iter().enumerate() {
                    let ip = idx(&pp, i);
                    match self.port_mapping(item, &ip) {
                        Some(pm) => c.port_mappings.push(pm),
                        None => self.locs.mark_invalid(&ip),
                    }
                }
            }
        }
        if let Some(x) = v.get("environment") {
            c.environment = self.pairs(x, &p("environment"), &fields::KEY_VALUE, "value", false);
        }
        if let Some(x) = v.get("secrets") {
            c.secrets = self.pairs(x, &p("secrets"), &fields::SECRET, "valueFrom", true);
        }
        if let Some(x) = v.get("healthCheck") {
            c.health_check = self.health_check(x, &p("healthCheck"));
        }
        if let Some(x) = v.get("dependsOn") {
            let pp = p("dependsOn");
            if let Some(items) = self.array(x, &pp, "a list of container dependencies") {
                for (i, item) in items.iter().enumerate() {
                    let ip = idx(&pp, i);
                    match self.dependency(item, &ip) {
                        Some(d) => c.depends_on.push(d),
                        None => self.locs.mark_invalid(&ip),
                    }
                }
            }
        }
        c
    }

    fn port(&mut self, v: &Json, path: &str, min: u32) -> Option<u16> {
        let n = self.uint(v, path, "a port number")?;
        if n < min || n > 65535 {
            self.error(v.pos, path, "port-range", format!("port must be {min} to 65535; got {n}"));
            self.locs.mark_invalid(path);
            return None;
        }
        u16::try_from(n).ok()
    }

    fn port_mapping(&mut self, v: &Json, path: &str) -> Option<PortMapping> {
        self.locs.record(path, None, v.pos);
        let members = self.object(v, path, "a port mapping")?;
        self.check_members(members, path, &fields::PORT_MAPPING, &[]);
        let host_port = match v.get("hostPort") {
            Some(h) => Some(self.port(h, &format!("{path}.hostPort"), 0)?),
            None => None,
        };
        let protocol = match v.get("protocol") {
            Some(p) => match self.choice(p, &format!("{path}.protocol"), "protocol", "protocol", &["tcp", "udp"])? {
                "udp" => Protocol::Udp,
                _ => Protocol::Tcp,
            },
            None => Protocol::Tcp,
        };
        let container_port = match v.get("containerPort") {
            Some(cp) => self.port(cp, &format!("{path}.containerPort"), 1)?,
            None => {
                if v.get("containerPortRange").is_none() {
                    self.error(v.pos, path, "required-field", "port mapping needs a \"containerPort\"");
                }
                return None;
            }
        };
        Some(PortMapping { container_port, host_port, protocol })
    }

    /// `environment` (`name`/`value`) or `secrets` (`name`/`valueFrom`).
    fn pairs(&mut self, v: &Json, path: &str, set: &FieldSet, value_key: &str, value_required: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let what = format!("a list of {}s", set.what);
        let Some(items) = self.array(v, path, &what) else { return out };
        for (i, item) in items.iter().enumerate() {
            let p = idx(path, i);
            self.locs.record(&p, None, item.pos);
            let Some(members) = self.object(item, &p, &format!("a {}", set.what)) else { continue };
            self.check_members(members, &p, set, &[]);
            let name = match item.get("name") {
                Some(n) => self.string(n, &format!("{p}.name"), "a name string"),
                None => {
                    self.error(item.pos, &p, "required-field", format!("{} needs a \"name\"", set.what));
                    None
                }
            };
            let value = match item.get(value_key) {
                Some(x) => self.string(x, &format!("{p}.{value_key}"), "a string"),
                None if value_required => {
                    self.error(item.pos, &p, "required-field", format!("{} needs a \"{value_key}\"", set.what));
                    None
                }
                None => Some(String::new()),
            };
            match (name, value) {
                (Some(n), Some(val)) => out.push((n, val)),
                _ => self.locs.mark_invalid(&p),
            }
        }
        out
    }

    fn health_check(&mut self, v: &Json, path: &str) -> Option<HealthCheck> {
        let members = self.object(v, path, "a health check")?;
        self.check_members(members, path, &fields::HEALTH_CHECK, &[]);
        let mut hc = HealthCheck { command: Vec::new(), interval: 30, timeout: 5, retries: 3, start_period: 0 };
        let mut ok = true;
        match v.get("command") {
            Some(cmd) => {
                let cp = format!("{path}.command");
                match self.array(cmd, &cp, "a command list such as [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]") {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let ip = idx(&cp, i);
                            self.locs.record(&ip, None, item.pos);
                            match self.string(item, &ip, "a string") {
                                Some(s) => hc.command.push(s),
                                None => ok = false,
                            }
                        }
                    }
                    None => ok = false,
                }
            }
            None => {
                let pos = self.locs.missing(path);
                self.error(pos, path, "required-field", "healthCheck needs a \"command\", e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]");
                ok = false;
            }
        }
        for (field, slot) in [
            ("interval", &mut hc.interval),
            ("timeout", &mut hc.timeout),
            ("retries", &mut hc.retries),
            ("startPeriod", &mut hc.start_period),
        ] {
            if let Some(x) = v.get(field) {
                let what = if field == "retries" { "a number of retries" } else { "a number of seconds" };
                match self.uint(x, &format!("{path}.{field}"), what) {
                    Some(n) => *slot = n,
                    None => ok = false,
                }
            }
        }
        ok.then_some(hc)
    }

    fn dependency(&mut self, v: &Json, path: &str) -> Option<DependsOn> {
        self.locs.record(path, None, v.pos);
        let members = self.object(v, path, "a container dependency")?;
        self.check_members(members, path, &fields::DEPENDS_ON, &[]);
        let name = match v.get("containerName") {
            Some(n) => self.string(n, &format!("{path}.containerName"), "a container name string"),
            None => {
                self.error(v.pos, path, "required-field", "dependsOn entry needs a \"containerName\"");
                None
            }
        };
        let condition = match v.get("condition") {
            Some(c) => match self.choice(
                c,
                &format!("{path}.condition"),
                "depends-on-condition",
                "condition",
                &["START", "COMPLETE", "SUCCESS", "HEALTHY"],
            ) {
                Some("START") => Some(DependsOnCondition::Start),
                Some("COMPLETE") => Some(DependsOnCondition::Complete),
                Some("SUCCESS") => Some(DependsOnCondition::Success),
                Some("HEALTHY") => Some(DependsOnCondition::Healthy),
                _ => None,
            },
            None => {
                self.error(v.pos, path, "required-field", "dependsOn entry needs a \"condition\" (START, COMPLETE, SUCCESS or HEALTHY)");
                None
            }
        };
        Some(DependsOn { container_name: name?, condition: condition? })
    }
}

fn json_str(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}
