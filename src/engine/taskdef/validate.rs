//! Validation rules for a task definition: what `RegisterTaskDefinition` (and, for a few lints,
//! experience) would object to, checked on the typed model with positions from [`Locations`].
//!
//! Each rule has a stable id (the `rule` of its [`Diagnostic`]); see [`RULES`]. Sources are cited
//! on each check. "API reference" means the Amazon ECS API Reference (`RegisterTaskDefinition`,
//! `ContainerDefinition`, `PortMapping`, `HealthCheck`, `ContainerDependency`); "developer guide"
//! means the Amazon ECS Developer Guide page "Amazon ECS task definition parameters".

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::diag::{Diagnostic, Pos};
use crate::engine::json;

use super::fargate;
use super::locations::Locations;
use super::model::*;

/// Every rule id the task-definition parser and validator can report, with its severity.
pub const RULES: &[(&str, &str)] = &[
    ("json-syntax", "error"),
    ("json-too-large", "error"),
    ("json-too-deep", "error"),
    ("duplicate-key", "warning"),
    ("describe-output", "warning"),
    ("read-only-field", "warning"),
    ("unknown-field", "warning"),
    ("not-simulated", "warning"),
    ("wrong-type", "error"),
    ("invalid-number", "error"),
    ("required-field", "error"),
    ("network-mode", "error"),
    ("compatibility", "error"),
    ("runtime-platform", "error"),
    ("task-cpu-format", "error"),
    ("task-memory-format", "error"),
    ("protocol", "error"),
    ("depends-on-condition", "error"),
    ("family-format", "error"),
    ("container-count", "error"),
    ("container-name-format", "error"),
    ("container-name-duplicate", "error"),
    ("no-essential-container", "error"),
    ("container-memory-min", "error"),
    ("memory-reservation", "error"),
    ("container-memory-required", "error"),
    ("container-cpu-sum", "error"),
    ("container-memory-sum", "error"),
    ("task-cpu-range", "error"),
    ("fargate-network-mode", "error"),
    ("fargate-task-size", "error"),
    ("fargate-cpu", "error"),
    ("fargate-size", "error"),
    ("fargate-placement-constraints", "error"),
    ("port-range", "error"),
    ("host-port-mismatch", "error"),
    ("network-none-ports", "error"),
    ("host-port-conflict", "error"),
    ("placement-constraint-type", "error"),
    ("placement-constraints-count", "error"),
    ("placement-expression", "error"),
    ("health-check-command", "error"),
    ("health-check-range", "error"),
    ("start-timeout", "error"),
    ("stop-timeout", "error"),
    ("depends-on-target", "error"),
    ("depends-on-healthy", "error"),
    ("depends-on-essential", "error"),
    ("depends-on-cycle", "error"),
    ("secrets-execution-role", "error"),
    ("awslogs-execution-role", "warning"),
    ("ecr-execution-role", "warning"),
    ("duplicate-env", "warning"),
    ("image-tag", "warning"),
];

/// Largest number of containers in one task definition. Source: Amazon ECS service quotas,
/// "Containers per task definition: 10" (not adjustable).
pub const MAX_CONTAINERS: usize = 10;

/// Largest number of placement constraints per task. Source: API reference,
/// `RegisterTaskDefinition.placementConstraints`: "You can specify a maximum of 10 constraints
/// for each task."
pub const MAX_PLACEMENT_CONSTRAINTS: usize = 10;

/// Smallest container memory, MiB. Source: API reference, `ContainerDefinition.memory`: "The
/// Docker 20.10.0 or later daemon reserves a minimum of 6 MiB of memory for a container."
pub const MIN_CONTAINER_MEMORY: u32 = 6;

/// Task-level cpu range outside Fargate. Source: API reference, `RegisterTaskDefinition.cpu`:
/// "If you're using the EC2 launch type or the external launch type, this field is optional.
/// Supported values are between 128 CPU units (0.125 vCPUs) and 196608 CPU units (192 vCPUs)."
pub const EC2_TASK_CPU: (u32, u32) = (128, 196_608);

/// Checks `td`. `locs` gives positions (an empty one gives `Pos::default()` everywhere);
/// `text` is the source, used only to point inside placement expressions (may be empty).
pub fn validate(td: &TaskDefinition, locs: &Locations, text: &str) -> Vec<Diagnostic> {
    let mut v = Validator { td, locs, text, diags: Vec::new() };
    v.family();
    v.containers();
    v.task_size();
    v.fargate();
    v.placement_constraints();
    v.diags
}

struct Validator<'a> {
    td: &'a TaskDefinition,
    locs: &'a Locations,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

fn cpath(i: usize) -> String {
    format!("containerDefinitions[{i}]")
}

/// Letters, digits, hyphens and underscores, 1 to 255 of them — the charset the API reference
/// gives for both `family` and container `name`. Returns what is wrong, if anything.
fn name_problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    if len == 0 {
        return Some("is empty".to_string());
    }
    if len > 255 {
        return Some(format!("is {len} characters long"));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .map(|c| if c == ' ' { "contains a space".to_string() } else { format!("contains '{c}'") })
}

fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

impl<'a> Validator<'a> {
    fn error(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(pos, path, rule, message));
    }

    fn warning(&mut self, pos: Pos, path: &str, rule: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(pos, path, rule, message));
    }

    /// Position of the value at `path`.
    fn at(&self, path: &str) -> Pos {
        self.locs.value(path)
    }

    /// Position of a key (falls back to the value).
    fn at_key(&self, path: &str) -> Pos {
        match self.locs.get(path) {
            Some(loc) => loc.key.unwrap_or(loc.value),
            None => self.at(path),
        }
    }

    /// Whether the launch type is known (no unreadable `requiresCompatibilities` entry), so
    /// EC2-only and Fargate-only rules can be applied without guessing.
    fn launch_type_known(&self) -> bool {
        !self.locs.any_invalid_under("requiresCompatibilities")
    }

    /// Source: API reference, `RegisterTaskDefinition.family` (required): "Up to 255 letters
    /// (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
    fn family(&mut self) {
        if !self.locs.has("family") {
            let pos = self.locs.missing("");
            self.error(pos, "family", "required-field", "family is required: the name that groups the revisions of this task definition");
            return;
        }
        if self.locs.is_invalid("family") {
            return;
        }
        if let Some(problem) = name_problem(&self.td.family) {
            self.error(
                self.at("family"),
                "family",
                "family-format",
                format!("family must be 1 to 255 letters, digits, hyphens (-) and underscores (_); {} {problem}", quoted(&self.td.family)),
            );
        }
    }

    fn containers(&mut self) {
        let td = self.td;
        if !self.locs.has("containerDefinitions") {
            let pos = self.locs.missing("");
            self.error(pos, "containerDefinitions", "required-field", "containerDefinitions is required: a task definition needs at least one container");
            return;
        }
        if self.locs.is_invalid("containerDefinitions") {
            return;
        }
        let n = td.container_definitions.len();
        if n == 0 {
            self.error(self.at("containerDefinitions"), "containerDefinitions", "container-count", "a task definition needs at least one container definition; got 0");
            return;
        }
        if n > MAX_CONTAINERS {
            self.error(
                self.at("containerDefinitions"),
                "containerDefinitions",
                "container-count",
                format!("a task definition can have at most {MAX_CONTAINERS} container definitions; got {n}"),
            );
        }

        // Names: required, charset, unique.
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, c) in td.container_definitions.iter().enumerate() {
            let p = cpath(i);
            if self.locs.is_invalid(&p) {
                continue;
            }
            let np = format!("{p}.name");
            if !self.locs.has(&np) {
                self.error(self.locs.missing(&p), &p, "required-field", "container definition needs a \"name\"");
            } else if !self.locs.is_invalid(&np) {
                if let Some(problem) = name_problem(&c.name) {
                    self.error(
                        self.at(&np),
                        &np,
                        "container-name-format",
                        format!("container name must be 1 to 255 letters, digits, hyphens (-) and underscores (_); {} {problem}", quoted(&c.name)),
                    );
                } else if let Some(first) = names.get(c.name.as_str()) {
                    self.error(
                        self.at(&np),
                        &np,
                        "container-name-duplicate",
                        format!("container name {} is already used by {}; names must be unique within a task definition", quoted(&c.name), cpath(*first)),
                    );
                } else {
                    names.insert(&c.name, i);
                }
            }
            let ip = format!("{p}.image");
            if !self.locs.has(&ip) {
                self.error(self.locs.missing(&p), &p, "required-field", "container definition needs an \"image\", e.g. \"nginx:1.27\"");
            } else if !self.locs.is_invalid(&ip) {
                if c.image.trim().is_empty() {
                    self.error(self.at(&ip), &ip, "required-field", "image must not be empty");
                } else {
                    self.image_lint(c, &ip);
                }
            }
        }

        // Source: developer guide, `essential`: "All tasks must have at least one essential container."
        let any_invalid = td.container_definitions.iter().enumerate().any(|(i, _)| self.locs.is_invalid(&format!("{}.essential", cpath(i))) || self.locs.is_invalid(&cpath(i)));
        if !any_invalid && !td.container_definitions.iter().any(|c| c.essential) {
            self.error(
                self.at("containerDefinitions"),
                "containerDefinitions",
                "no-essential-container",
                "at least one container must be essential (\"essential\" defaults to true); every container here sets \"essential\": false",
            );
        }

        for (i, c) in td.container_definitions.iter().enumerate() {
            if self.locs.is_invalid(&cpath(i)) {
                continue;
            }
            self.container_memory(i, c);
            self.ports(i, c);
            self.health_check(i, c);
            self.timeouts(i, c);
            self.roles_and_env(i, c);
        }
        self.port_conflicts();
        self.dependencies(&names);
    }

    /// Lint: an image without a tag means `:latest`, which changes under you.
    fn image_lint(&mut self, c: &ContainerDefinition, path: &str) {
        let image = c.image.as_str();
        if image.contains('@') {
            return; // pinned by digest
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        match last.split_once(':') {
            None => self.warning(
                self.at(path),
                path,
                "image-tag",
                format!("image {} has no tag, so it means {}; pin a version (e.g. {}) for repeatable deployments", quoted(image), quoted(&format!("{image}:latest")), quoted(&format!("{image}:1.2.3"))),
            ),
            Some((_, "latest")) => self.warning(
                self.at(path),
                path,
                "image-tag",
                format!("image {} uses the \"latest\" tag, which can change between deployments; pin a version", quoted(image)),
            ),
            Some(_) => {}
        }
    }

    fn container_memory(&mut self, i: usize, c: &ContainerDefinition) {
        let p = cpath(i);
        for (field, value) in [("memory", c.memory), ("memoryReservation", c.memory_reservation)] {
            if let Some(m) = value {
                if m < MIN_CONTAINER_MEMORY {
                    let fp = format!("{p}.{field}");
                    self.error(
                        self.at(&fp),
                        &fp,
                        "container-memory-min",
                        format!("{field} must be at least {MIN_CONTAINER_MEMORY} MiB (Docker 20.10+ reserves 6 MiB per container); got {m}"),
                    );
                }
            }
        }
        // Source: API reference, `ContainerDefinition.memoryReservation`: "If you specify both,
        // memory must be greater than memoryReservation."
        if let (Some(hard), Some(soft)) = (c.memory, c.memory_reservation) {
            if hard < soft {
                let fp = format!("{p}.memoryReservation");
                self.error(
                    self.at(&fp),
                    &fp,
                    "memory-reservation",
                    format!("memoryReservation (soft limit, {soft} MiB) must not exceed memory (hard limit, {hard} MiB)"),
                );
            }
        }
        // Source: API reference, `ContainerDefinition.memory`: "If you're using the EC2 launch
        // type, you must specify either a task-level memory value or a container-level memory
        // value."
        if self.launch_type_known()
            && !self.td.is_fargate()
            && !self.locs.has("memory")
            && !self.locs.has(&format!("{p}.memory"))
            && !self.locs.has(&format!("{p}.memoryReservation"))
        {
            let name = if c.name.is_empty() { String::new() } else { format!(" {}", quoted(&c.name)) };
            self.error(
                self.locs.missing(&p),
                &p,
                "container-memory-required",
                format!("container{name} needs memory or memoryReservation (MiB): on EC2 every container needs one unless the task sets task-level memory"),
            );
        }
    }

    /// Source: API reference, `PortMapping`: in `awsvpc` and `host` network modes "the hostPort
    /// can either be left blank or set to the same value as the containerPort"; developer guide,
    /// `networkMode`: with `none` "the task's containers do not have external connectivity and
    /// port mappings can't be specified".
    fn ports(&mut self, i: usize, c: &ContainerDefinition) {
        let pp = format!("{}.portMappings", cpath(i));
        if c.port_mappings.is_empty() || self.locs.any_invalid_under(&pp) || self.locs.is_invalid("networkMode") {
            return;
        }
        match self.td.network_mode {
            NetworkMode::None => self.error(
                self.at(&pp),
                &pp,
                "network-none-ports",
                format!("networkMode \"none\" gives the task no network, so it cannot have portMappings; got {}", c.port_mappings.len()),
            ),
            mode @ (NetworkMode::Awsvpc | NetworkMode::Host) => {
                for (j, pm) in c.port_mappings.iter().enumerate() {
                    if let Some(h) = pm.host_port {
                        if h != pm.container_port {
                            let hp = format!("{pp}[{j}].hostPort");
                            self.error(
                                self.at(&hp),
                                &hp,
                                "host-port-mismatch",
                                format!(
                                    "in {} network mode the hostPort can either be left blank or set to the same value as the containerPort ({}); got {h}",
                                    mode.as_str(),
                                    pm.container_port
                                ),
                            );
                        }
                    }
                }
            }
            NetworkMode::Bridge => {}
        }
    }

    /// The same host port and protocol cannot be mapped twice in one task: the second mapping
    /// could never be bound. In `awsvpc` the "host" is the task's own network interface.
    fn port_conflicts(&mut self) {
        if self.locs.is_invalid("networkMode") || self.td.network_mode == NetworkMode::None {
            return;
        }
        let mode = self.td.network_mode;
        let mut used: BTreeMap<(u16, u8), String> = BTreeMap::new();
        for (i, c) in self.td.container_definitions.iter().enumerate() {
            let pp = format!("{}.portMappings", cpath(i));
            if self.locs.is_invalid(&cpath(i)) || self.locs.any_invalid_under(&pp) {
                continue;
            }
            for (j, pm) in c.port_mappings.iter().enumerate() {
                let (port, field) = match (mode, pm.host_port) {
                    (NetworkMode::Bridge, Some(h)) if h != 0 => (h, "hostPort"),
                    (NetworkMode::Bridge, _) => continue, // dynamic host port
                    (_, Some(h)) => (h, "hostPort"),
                    (_, None) => (pm.container_port, "containerPort"),
                };
                let proto = match pm.protocol {
                    Protocol::Tcp => "tcp",
                    Protocol::Udp => "udp",
                };
                let here = format!("{pp}[{j}]");
                let key = (port, pm.protocol as u8);
                if let Some(first) = used.get(&key) {
                    let fp = format!("{here}.{field}");
                    let what = if mode == NetworkMode::Awsvpc { "port" } else { "host port" };
                    self.error(
                        self.at(&fp),
                        &fp,
                        "host-port-conflict",
                        format!("{what} {port}/{proto} is already used by {first}; one task cannot map the same {what} twice"),
                    );
                } else {
                    used.insert(key, here);
                }
            }
        }
    }

    /// Source: API reference, `HealthCheck`: command "must start with CMD to run the command
    /// arguments directly, or CMD-SHELL to run the command with the container's default shell";
    /// interval 5–300 s (default 30), timeout 2–60 s (default 5), retries 1–10 (default 3),
    /// startPeriod 0–300 s (default off).
    fn health_check(&mut self, i: usize, c: &ContainerDefinition) {
        let Some(hc) = &c.health_check else { return };
        let hp = format!("{}.healthCheck", cpath(i));
        let cp = format!("{hp}.command");
        match hc.command.first().map(String::as_str) {
            None => self.error(
                self.at(&cp),
                &cp,
                "health-check-command",
                "healthCheck.command is empty; start it with \"CMD\" (run directly) or \"CMD-SHELL\" (run in the shell), e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]",
            ),
            Some("CMD") | Some("CMD-SHELL") if hc.command.len() == 1 => self.error(
                self.at(&cp),
                &cp,
                "health-check-command",
                format!("healthCheck.command has only {}; add the command to run after it", quoted(&hc.command[0])),
            ),
            Some("CMD") | Some("CMD-SHELL") | Some("NONE") => {}
            Some(other) => {
                let fp = format!("{cp}[0]");
                self.error(
                    self.at(&fp),
                    &fp,
                    "health-check-command",
                    format!(
                        "healthCheck.command must start with \"CMD\" or \"CMD-SHELL\"; got {} (e.g. [\"CMD-SHELL\", {}])",
                        quoted(other),
                        quoted(&hc.command.join(" "))
                    ),
                );
            }
        }
        for (field, value, lo, hi, unit) in [
            ("interval", hc.interval, 5, 300, " seconds"),
            ("timeout", hc.timeout, 2, 60, " seconds"),
            ("retries", hc.retries, 1, 10, ""),
            ("startPeriod", hc.start_period, 0, 300, " seconds"),
        ] {
            if value < lo || value > hi {
                let fp = format!("{hp}.{field}");
                self.error(self.at(&fp), &fp, "health-check-range", format!("healthCheck.{field} must be {lo} to {hi}{unit}; got {value}"));
            }
        }
    }

    /// Source: API reference, `ContainerDefinition.startTimeout` ("The valid values for Fargate
    /// are 2-120 seconds") and `stopTimeout` ("For tasks using the Fargate launch type, the max
    /// stop timeout value is 120 seconds").
    fn timeouts(&mut self, i: usize, c: &ContainerDefinition) {
        if !self.td.is_fargate() {
            return;
        }
        let p = cpath(i);
        if let Some(t) = c.start_timeout {
            if !(2..=120).contains(&t) {
                let fp = format!("{p}.startTimeout");
                self.error(self.at(&fp), &fp, "start-timeout", format!("on Fargate startTimeout must be 2 to 120 seconds; got {t}"));
            }
        }
        if let Some(t) = c.stop_timeout {
            if t > 120 {
                let fp = format!("{p}.stopTimeout");
                self.error(self.at(&fp), &fp, "stop-timeout", format!("on Fargate stopTimeout can be at most 120 seconds (default 30); got {t}"));
            }
        }
    }

    fn roles_and_env(&mut self, i: usize, c: &ContainerDefinition) {
        let p = cpath(i);
        let has_exec_role = self.locs.has("executionRoleArn");
        // Source: developer guide, "Pass sensitive data to an Amazon ECS container": "The task
        // execution role is required" for secrets from Secrets Manager or Parameter Store.
        if !c.secrets.is_empty() && !has_exec_role {
            let sp = format!("{p}.secrets");
            self.error(
                self.at(&sp),
                &sp,
                "secrets-execution-role",
                "secrets are fetched by the ECS agent using the task execution role; set executionRoleArn",
            );
        }
        if self.td.is_fargate() && !has_exec_role {
            // Source: developer guide, "Amazon ECS task execution IAM role": Fargate tasks need it
            // to pull images from private ECR repositories and to send logs with awslogs.
            let driver = c.raw.get("logConfiguration").and_then(|l| l.get("logDriver")).and_then(|d| d.as_str());
            if driver == Some("awslogs") {
                let lp = format!("{p}.logConfiguration");
                self.warning(
                    self.at_key(&lp),
                    &lp,
                    "awslogs-execution-role",
                    "on Fargate the awslogs log driver sends logs using the task execution role; without executionRoleArn the task fails to start",
                );
            }
            if is_ecr_image(&c.image) {
                let ip = format!("{p}.image");
                self.warning(
                    self.at(&ip),
                    &ip,
                    "ecr-execution-role",
                    "on Fargate pulling from a private ECR repository uses the task execution role; set executionRoleArn",
                );
            }
        }
        // Duplicate environment names: the container sees only one of them.
        let ep = format!("{p}.environment");
        if !self.locs.any_invalid_under(&ep) {
            let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
            for (j, (name, _)) in c.environment.iter().enumerate() {
                if let Some(first) = seen.get(name.as_str()) {
                    let np = format!("{ep}[{j}].name");
                    self.warning(
                        self.at(&np),
                        &np,
                        "duplicate-env",
                        format!("environment variable {} is already set by {ep}[{first}]; the container sees only one value", quoted(name)),
                    );
                } else {
                    seen.insert(name, j);
                }
            }
        }
    }

    /// Source: API reference, `ContainerDependency`: containerName names another container;
    /// `COMPLETE`/`SUCCESS` "can't be set on an essential container"; `HEALTHY` "requires that
    /// the dependent container has health checks configured". A cycle can never start.
    fn dependencies(&mut self, names: &BTreeMap<&str, usize>) {
        let td = self.td;
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); td.container_definitions.len()];
        let all_names = names.keys().copied().collect::<Vec<_>>().join(", ");
        for (i, c) in td.container_definitions.iter().enumerate() {
            let dp = format!("{}.dependsOn", cpath(i));
            if self.locs.is_invalid(&cpath(i)) || self.locs.any_invalid_under(&dp) {
                continue;
            }
            for (j, d) in c.depends_on.iter().enumerate() {
                let ep = format!("{dp}[{j}]");
                let np = format!("{ep}.containerName");
                let Some(&target) = names.get(d.container_name.as_str()) else {
                    self.error(
                        self.at(&np),
                        &np,
                        "depends-on-target",
                        format!("no container named {} in this task definition (containers: {all_names})", quoted(&d.container_name)),
                    );
                    continue;
                };
                if target == i || d.container_name == c.name {
                    self.error(self.at(&np), &np, "depends-on-target", format!("container {} cannot depend on itself", quoted(&c.name)));
                    continue;
                }
                edges[i].push(target);
                let t = &td.container_definitions[target];
                let cond_p = format!("{ep}.condition");
                match d.condition {
                    DependsOnCondition::Healthy => {
                        let has_hc = t.health_check.is_some() || self.locs.has(&format!("{}.healthCheck", cpath(target)));
                        if !has_hc {
                            self.error(
                                self.at(&cond_p),
                                &cond_p,
                                "depends-on-healthy",
                                format!("condition HEALTHY needs container {} to have a healthCheck, and it has none", quoted(&t.name)),
                            );
                        }
                    }
                    DependsOnCondition::Complete | DependsOnCondition::Success => {
                        if t.essential && !self.locs.is_invalid(&format!("{}.essential", cpath(target))) {
                            let cond = if d.condition == DependsOnCondition::Complete { "COMPLETE" } else { "SUCCESS" };
                            self.error(
                                self.at(&cond_p),
                                &cond_p,
                                "depends-on-essential",
                                format!(
                                    "condition {cond} waits for {} to exit, but it is essential and an essential container exiting stops the task; set \"essential\": false on it",
                                    quoted(&t.name)
                                ),
                            );
                        }
                    }
                    DependsOnCondition::Start => {}
                }
            }
        }
        for cycle in find_cycles(&edges) {
            let first = cycle[0];
            let names_in_cycle: Vec<&str> = cycle.iter().map(|&k| td.container_definitions[k].name.as_str()).collect();
            let dp = format!("{}.dependsOn", cpath(first));
            self.error(
                self.at_key(&dp),
                &dp,
                "depends-on-cycle",
                format!("dependsOn cycle: {} → {}; none of these containers can ever start", names_in_cycle.join(" → "), names_in_cycle[0]),
            );
        }
    }

    /// Task-level cpu/memory against the containers. Source: developer guide, "Task size": the
    /// container-level cpu and memory must fit in the task-level values.
    fn task_size(&mut self) {
        let td = self.td;
        let valid: Vec<(usize, &ContainerDefinition)> =
            td.container_definitions.iter().enumerate().filter(|(i, _)| !self.locs.is_invalid(&cpath(*i))).collect();
        if let Some(cpu) = td.cpu {
            let parts: Vec<(String, u32)> = valid.iter().filter(|(_, c)| c.cpu > 0).map(|(_, c)| (c.name.clone(), c.cpu)).collect();
            let sum: u64 = parts.iter().map(|(_, n)| u64::from(*n)).sum();
            if sum > u64::from(cpu) {
                self.error(
                    self.at("cpu"),
                    "cpu",
                    "container-cpu-sum",
                    format!("containers reserve {sum} CPU units in total ({}), more than the task's cpu {cpu}", breakdown(&parts)),
                );
            }
        }
        if let Some(mem) = td.memory {
            for (label, pick) in [("memory", 0), ("memoryReservation", 1)] {
                let parts: Vec<(String, u32)> = valid
                    .iter()
                    .filter_map(|(_, c)| if pick == 0 { c.memory } else { c.memory_reservation }.map(|m| (c.name.clone(), m)))
                    .collect();
                let sum: u64 = parts.iter().map(|(_, n)| u64::from(*n)).sum();
                if sum > u64::from(mem) {
                    self.error(
                        self.at("memory"),
                        "memory",
                        "container-memory-sum",
                        format!("container {label} adds up to {sum} MiB ({}), more than the task's memory {mem} MiB", breakdown(&parts)),
                    );
                }
            }
        }
        if self.launch_type_known() && !td.is_fargate() {
            if let Some(cpu) = td.cpu {
                let (lo, hi) = EC2_TASK_CPU;
                if cpu < lo || cpu > hi {
                    self.error(
                        self.at("cpu"),
                        "cpu",
                        "task-cpu-range",
                        format!("task-level cpu on EC2 must be {lo} to {hi} CPU units (0.125 to 192 vCPU); got {cpu}"),
                    );
                }
            }
        }
    }

    /// Source: API reference, `RegisterTaskDefinition.networkMode` ("If using the Fargate launch
    /// type, the awsvpc network mode is required"), `cpu`/`memory` ("If you use the Fargate launch
    /// type, this field is required"), and the size table in [`fargate`]; developer guide, "Amazon
    /// ECS task placement": placement constraints are not supported on Fargate.
    fn fargate(&mut self) {
        let td = self.td;
        if !td.is_fargate() {
            return;
        }
        if td.network_mode != NetworkMode::Awsvpc && !self.locs.is_invalid("networkMode") {
            if self.locs.has("networkMode") {
                self.error(
                    self.at("networkMode"),
                    "networkMode",
                    "fargate-network-mode",
                    format!("Fargate requires networkMode \"awsvpc\"; got \"{}\"", td.network_mode.as_str()),
                );
            } else {
                self.error(
                    self.locs.missing(""),
                    "networkMode",
                    "fargate-network-mode",
                    "Fargate requires networkMode \"awsvpc\"; networkMode is not set, so it defaults to \"bridge\"",
                );
            }
        }
        if !self.locs.has("cpu") {
            let cpus: Vec<String> = fargate::FARGATE_SIZES.iter().map(|r| r.cpu.to_string()).collect();
            self.error(
                self.locs.missing(""),
                "cpu",
                "fargate-task-size",
                format!("Fargate requires task-level cpu: one of {} CPU units (e.g. \"256\" or \"0.25 vCPU\")", cpus.join(", ")),
            );
        }
        if !self.locs.has("memory") {
            let options = match td.cpu.and_then(fargate::row) {
                Some(r) => format!("with cpu {} it can be {}", r.cpu, r.memory.describe()),
                None => "e.g. \"512\" or \"0.5 GB\"".to_string(),
            };
            self.error(self.locs.missing(""), "memory", "fargate-task-size", format!("Fargate requires task-level memory; {options}"));
        }
        if let Some(cpu) = td.cpu {
            match fargate::row(cpu) {
                None => self.error(self.at("cpu"), "cpu", "fargate-cpu", fargate::invalid_cpu_message(cpu)),
                Some(_) => {
                    if let Some(mem) = td.memory {
                        if let Err(message) = fargate::check_size(cpu, mem) {
                            self.error(self.at("memory"), "memory", "fargate-size", message);
                        }
                    }
                }
            }
        }
        if !td.placement_constraints.is_empty() {
            self.error(
                self.at("placementConstraints"),
                "placementConstraints",
                "fargate-placement-constraints",
                "Fargate does not support placement constraints (Fargate chooses where tasks run); remove placementConstraints",
            );
        }
    }

    /// Source: API reference, `TaskDefinitionPlacementConstraint`: "type: The type of
    /// constraint. The MemberOf constraint restricts selection to be from a group of valid
    /// candidates." (`distinctInstance` is only valid on services and run-task.)
    fn placement_constraints(&mut self) {
        let td = self.td;
        let n = td.placement_constraints.len();
        if n > MAX_PLACEMENT_CONSTRAINTS {
            self.error(
                self.at("placementConstraints"),
                "placementConstraints",
                "placement-constraints-count",
                format!("at most {MAX_PLACEMENT_CONSTRAINTS} placement constraints per task; got {n}"),
            );
        }
        if self.locs.any_invalid_under("placementConstraints") {
            return;
        }
        for (i, pc) in td.placement_constraints.iter().enumerate() {
            let p = format!("placementConstraints[{i}]");
            if pc.kind != "memberOf" {
                let tp = format!("{p}.type");
                let hint = if pc.kind == "distinctInstance" {
                    "; distinctInstance can be set on the service or on run-task, not in a task definition"
                } else if pc.kind.eq_ignore_ascii_case("memberOf") {
                    " (the value is case-sensitive)"
                } else {
                    ""
                };
                self.error(
                    self.at(&tp),
                    &tp,
                    "placement-constraint-type",
                    format!("task definitions only allow placement constraints of type \"memberOf\"; got {}{hint}", quoted(&pc.kind)),
                );
                continue;
            }
            let ep = format!("{p}.expression");
            if pc.expression.trim().is_empty() {
                let pos = if self.locs.has(&ep) { self.at(&ep) } else { self.locs.missing(&p) };
                self.error(pos, &ep, "placement-expression", "memberOf needs an expression, e.g. \"attribute:ecs.instance-type =~ t3.*\"");
                continue;
            }
            if let Err((offset, message)) = check_expression(&pc.expression) {
                let start = self.at(&ep);
                let pos = if self.text.is_empty() { start } else { json::string_offset_pos(self.text, start, offset) };
                self.error(pos, &ep, "placement-expression", format!("invalid cluster query language expression: {message}"));
            }
        }
    }
}

/// Parses a cluster query language expression; `Err((byte offset in expr, message))`.
fn check_expression(expr: &str) -> Result<(), (usize, String)> {
    crate::engine::placement::cql::parse(expr).map(|_| ()).map_err(|e| (e.offset, e.message))
}

fn is_ecr_image(image: &str) -> bool {
    let registry = image.split('/').next().unwrap_or("");
    image.contains('/') && registry.contains(".dkr.ecr.") && registry.contains(".amazonaws.com")
}

/// "web 1024 + sidecar 256".
fn breakdown(parts: &[(String, u32)]) -> String {
    let shown: Vec<String> = parts
        .iter()
        .take(10)
        .map(|(name, n)| if name.is_empty() { n.to_string() } else { format!("{name} {n}") })
        .collect();
    let more = if parts.len() > 10 { " + …" } else { "" };
    format!("{}{more}", shown.join(" + "))
}

/// Cycles in a dependency graph (`edges[i]` = containers `i` waits for), each as the list of
/// nodes starting from its lowest index, deduplicated, in a deterministic order. Iterative, so
/// a long chain cannot overflow the stack.
fn find_cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut color = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut found: BTreeSet<Vec<usize>> = BTreeSet::new();
    for start in 0..n {
        if color[start] != 0 {
            continue;
        }
        // Stack of (node, next edge index).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        color[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match color[to] {
                    0 => {
                        color[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => {
                        if let Some(from) = stack.iter().position(|&(k, _)| k == to) {
                            let mut cycle: Vec<usize> = stack[from..].iter().map(|&(k, _)| k).collect();
                            if let Some(min_at) = cycle.iter().enumerate().min_by_key(|(_, &k)| k).map(|(i, _)| i) {
                                cycle.rotate_left(min_at);
                            }
                            found.insert(cycle);
                        }
                    }
                    _ => {}
                }
            } else {
                color[node] = 2;
                stack.pop();
            }
        }
    }
    found.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles() {
        assert_eq!(find_cycles(&[vec![1], vec![0]]), vec![vec![0, 1]]);
        assert_eq!(find_cycles(&[vec![1], vec![2], vec![1]]), vec![vec![1, 2]]);
        assert!(find_cycles(&[vec![1], vec![2], vec![]]).is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(name_problem("web_1-a"), None);
        assert!(name_problem("my app").unwrap().contains("space"));
        assert!(name_problem("").is_some());
    }
}
