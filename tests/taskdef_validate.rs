//! Validation rules: one table row per rule (and per notable variant), each checking the rule id,
//! the severity, the exact position and a substring of the message; plus every boundary of the
//! Fargate size table.
//!
//! Positions are given as a *needle*: the expected diagnostic starts at the first character of
//! the `nth` occurrence (1-based) of the needle in the input. That keeps rows readable while
//! still checking line, column and byte offset exactly.

use berth::engine::diag::{Diagnostic, Pos, Severity};
use berth::engine::taskdef::fargate::{self, FARGATE_SIZES};
use berth::engine::taskdef::{parse_task_definition, Parsed, RULES};

/// A container that passes every rule on EC2.
const C: &str = r#"{"name":"web","image":"nginx:1.27","memory":256}"#;

fn ec2(containers: &str) -> String {
    format!(r#"{{"family":"f","containerDefinitions":[{containers}]}}"#)
}

fn ec2_with(extra: &str, containers: &str) -> String {
    format!(r#"{{"family":"f",{extra},"containerDefinitions":[{containers}]}}"#)
}

fn fargate_with(extra: &str, containers: &str) -> String {
    format!(
        r#"{{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"256","memory":"512",{extra}"containerDefinitions":[{containers}]}}"#
    )
}

/// Position of the `nth` (1-based) occurrence of `needle` in `text`.
fn pos_of(text: &str, needle: &str, nth: usize) -> Pos {
    let mut from = 0;
    let mut at = None;
    for _ in 0..nth {
        let i = text[from..].find(needle).unwrap_or_else(|| panic!("needle {needle:?} not found {nth} times in {text}"));
        at = Some(from + i);
        from += i + needle.len().max(1);
    }
    let offset = at.unwrap();
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() as u32 + 1;
    Pos { line, col, offset }
}

struct Row {
    name: &'static str,
    doc: String,
    rule: &'static str,
    at: (&'static str, usize),
    msg: &'static str,
}

fn row(name: &'static str, doc: impl Into<String>, rule: &'static str, at: &'static str, msg: &'static str) -> Row {
    Row { name, doc: doc.into(), rule, at: (at, 1), msg }
}

fn row_nth(name: &'static str, doc: impl Into<String>, rule: &'static str, at: &'static str, nth: usize, msg: &'static str) -> Row {
    Row { name, doc: doc.into(), rule, at: (at, nth), msg }
}

fn severity_of(rule: &str) -> Severity {
    match RULES.iter().find(|(r, _)| *r == rule) {
        Some((_, "warning")) => Severity::Warning,
        Some(_) => Severity::Error,
        None => panic!("rule {rule} is not listed in RULES"),
    }
}

fn show(p: &Parsed) -> String {
    p.diagnostics.iter().map(|d| format!("  {}", d.render("input"))).collect::<Vec<_>>().join("\n")
}

fn check(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for r in rows {
        let parsed = parse_task_definition(&r.doc);
        let want = pos_of(&r.doc, r.at.0, r.at.1);
        let found = parsed.diagnostics.iter().find(|d: &&Diagnostic| d.rule == r.rule && d.pos == want && d.message.contains(r.msg));
        match found {
            None => failures.push(format!(
                "[{}] expected {} at {}:{} containing {:?}\n  doc: {}\n  got:\n{}",
                r.name,
                r.rule,
                want.line,
                want.col,
                r.msg,
                r.doc,
                show(&parsed)
            )),
            Some(d) => {
                if d.severity != severity_of(r.rule) {
                    failures.push(format!("[{}] wrong severity {:?}", r.name, d.severity));
                }
                if d.is_error() && parsed.task_definition.is_some() {
                    failures.push(format!("[{}] task definition returned despite an error", r.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} row(s) failed:\n{}", failures.len(), failures.join("\n\n"));
}

/// Documents that must produce no diagnostic with `rule` (and, when `clean`, no error at all).
fn check_absent(rows: Vec<(&'static str, String, &'static str)>) {
    for (name, doc, rule) in rows {
        let parsed = parse_task_definition(&doc);
        assert!(
            !parsed.diagnostics.iter().any(|d| d.rule == rule),
            "[{name}] unexpected {rule}:\n{}\n  doc: {doc}",
            show(&parsed)
        );
    }
}

#[test]
fn rule_table() {
    let eleven = (0..11)
        .map(|i| format!(r#"{{"name":"c{i}","image":"nginx:1.27","memory":16}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let eleven_constraints = [r#"{"type":"memberOf","expression":"attribute:a == b"}"#; 11].join(",");
    let long_family = format!(r#"{{"family":"{}","containerDefinitions":[{C}]}}"#, "a".repeat(256));
    let rows = vec![
        // --- family ---
        row("family missing", format!(r#"{{"containerDefinitions":[{C}]}}"#), "required-field", "{", "family is required"),
        row("family with space", r#"{"family":"my app","containerDefinitions":[{"name":"a","image":"x:1","memory":64}]}"#, "family-format", "\"my app\"", "contains a space"),
        row("family too long", long_family, "family-format", "\"aaa", "is 256 characters long"),
        row("family empty", r#"{"family":"","containerDefinitions":[{"name":"a","image":"x:1","memory":64}]}"#, "family-format", "\"\"", "is empty"),
        // --- containers ---
        row("containerDefinitions missing", r#"{"family":"f"}"#, "required-field", "{", "containerDefinitions is required"),
        row("no containers", r#"{"family":"f","containerDefinitions":[]}"#, "container-count", "[", "at least one container definition; got 0"),
        row("eleven containers", ec2(&eleven), "container-count", "[", "at most 10 container definitions; got 11"),
        row("container name missing", ec2(r#"{"image":"nginx:1.27","memory":64}"#), "required-field", "{\"image", "needs a \"name\""),
        row("container name charset", ec2(r#"{"name":"web.1","image":"nginx:1.27","memory":64}"#), "container-name-format", "\"web.1\"", "contains '.'"),
        row_nth("container name duplicate", ec2(&format!("{C},{C}")), "container-name-duplicate", "\"web\"", 2, "already used by containerDefinitions[0]"),
        row("image missing", ec2(r#"{"name":"web","memory":64}"#), "required-field", "{\"name", "needs an \"image\""),
        row("image empty", ec2(r#"{"name":"web","image":"","memory":64}"#), "required-field", "\"\"", "image must not be empty"),
        row("no essential container", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"essential":false}"#), "no-essential-container", "[", "at least one container must be essential"),
        // --- memory ---
        row("container memory below 6 MiB", ec2(r#"{"name":"web","image":"nginx:1.27","memory":4}"#), "container-memory-min", "4}", "at least 6 MiB"),
        row("reservation below 6 MiB", ec2(r#"{"name":"web","image":"nginx:1.27","memoryReservation":5}"#), "container-memory-min", "5}", "memoryReservation must be at least 6 MiB"),
        row("reservation above hard limit", ec2(r#"{"name":"web","image":"nginx:1.27","memory":256,"memoryReservation":512}"#), "memory-reservation", "512", "memoryReservation (soft limit, 512 MiB) must not exceed memory (hard limit, 256 MiB)"),
        row("EC2 container without memory", ec2(r#"{"name":"web","image":"nginx:1.27"}"#), "container-memory-required", "{\"name", "needs memory or memoryReservation"),
        row(
            "cpu sum over task cpu",
            ec2_with(r#""cpu":"256""#, r#"{"name":"a","image":"x:1","memory":64,"cpu":200},{"name":"b","image":"x:1","memory":64,"cpu":100}"#),
            "container-cpu-sum",
            "\"256\"",
            "containers reserve 300 CPU units in total (a 200 + b 100), more than the task's cpu 256",
        ),
        row(
            "memory sum over task memory",
            ec2_with(r#""memory":"1 GB""#, r#"{"name":"a","image":"x:1","memory":768},{"name":"b","image":"x:1","memory":512}"#),
            "container-memory-sum",
            "\"1 GB\"",
            "container memory adds up to 1280 MiB (a 768 + b 512), more than the task's memory 1024 MiB",
        ),
        row(
            "reservation sum over task memory",
            ec2_with(r#""memory":"512""#, r#"{"name":"a","image":"x:1","memoryReservation":300},{"name":"b","image":"x:1","memoryReservation":300}"#),
            "container-memory-sum",
            "\"512\"",
            "container memoryReservation adds up to 600 MiB",
        ),
        row("EC2 task cpu too small", ec2_with(r#""cpu":64"#, C), "task-cpu-range", "64", "128 to 196608 CPU units"),
        row("EC2 task cpu too large", ec2_with(r#""cpu":"200 vCPU""#, C), "task-cpu-range", "\"200 vCPU\"", "got 204800"),
        // --- enums and formats read by the parser ---
        row("network mode case", ec2_with(r#""networkMode":"AWSVPC""#, C), "network-mode", "\"AWSVPC\"", "did you mean \"awsvpc\"?"),
        row("network mode unknown", ec2_with(r#""networkMode":"nat""#, C), "network-mode", "\"nat\"", "networkMode must be one of \"awsvpc\", \"bridge\", \"host\", \"none\"; got \"nat\""),
        row("compatibility unknown", ec2_with(r#""requiresCompatibilities":["fargate"]"#, C), "compatibility", "\"fargate\"", "did you mean \"FARGATE\"?"),
        row("runtime platform arch", ec2_with(r#""runtimePlatform":{"cpuArchitecture":"x86_64"}"#, C), "runtime-platform", "\"x86_64\"", "did you mean \"X86_64\"?"),
        row("task cpu format", ec2_with(r#""cpu":"1 cpu""#, C), "task-cpu-format", "\"1 cpu\"", "\"0.25 vCPU\""),
        row("task cpu not whole", ec2_with(r#""cpu":"0.3 vCPU""#, C), "task-cpu-format", "\"0.3 vCPU\"", "not a whole number of CPU units"),
        row("task memory format", ec2_with(r#""memory":"512 MiB""#, C), "task-memory-format", "\"512 MiB\"", "1 GB = 1024 MiB"),
        row("task memory not whole", ec2_with(r#""memory":"1.3 GB""#, C), "task-memory-format", "\"1.3 GB\"", "not a whole number of MiB"),
        // --- Fargate ---
        row("Fargate with bridge", fargate_with(r#""networkMode":"bridge","#, C).replacen(r#""networkMode":"awsvpc","#, "", 1), "fargate-network-mode", "\"bridge\"", "Fargate requires networkMode \"awsvpc\"; got \"bridge\""),
        row(
            "Fargate without network mode",
            fargate_with("", C).replacen(r#""networkMode":"awsvpc","#, "", 1),
            "fargate-network-mode",
            "{",
            "networkMode is not set, so it defaults to \"bridge\"",
        ),
        row("Fargate without cpu", fargate_with("", C).replacen(r#""cpu":"256","#, "", 1), "fargate-task-size", "{", "Fargate requires task-level cpu"),
        row("Fargate without memory", fargate_with("", C).replacen(r#""memory":"512","#, "", 1), "fargate-task-size", "{", "Fargate requires task-level memory"),
        row(
            "Fargate invalid cpu",
            fargate_with("", C).replacen(r#""cpu":"256""#, r#""cpu":"300""#, 1),
            "fargate-cpu",
            "\"300\"",
            "Fargate task cpu must be 256, 512, 1024, 2048, 4096, 8192 or 16384 (0.25 to 16 vCPU); got 300",
        ),
        row(
            "Fargate size",
            fargate_with("", C).replacen(r#""memory":"512""#, r#""memory":"4096""#, 1),
            "fargate-size",
            "\"4096\"",
            "Fargate 0.25 vCPU (256) allows 512, 1024 or 2048 MiB; got 4096",
        ),
        row(
            "Fargate placement constraints",
            fargate_with(r#""placementConstraints":[{"type":"memberOf","expression":"attribute:a == b"}],"#, C),
            "fargate-placement-constraints",
            "[{\"type",
            "Fargate does not support placement constraints",
        ),
        row("Fargate startTimeout low", fargate_with("", r#"{"name":"web","image":"nginx:1.27","startTimeout":1}"#), "start-timeout", "1}", "2 to 120 seconds; got 1"),
        row("Fargate startTimeout high", fargate_with("", r#"{"name":"web","image":"nginx:1.27","startTimeout":121}"#), "start-timeout", "121", "got 121"),
        row("Fargate stopTimeout high", fargate_with("", r#"{"name":"web","image":"nginx:1.27","stopTimeout":121}"#), "stop-timeout", "121", "at most 120 seconds"),
        // --- ports ---
        row("containerPort 0", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":0}]}"#), "port-range", "0}", "port must be 1 to 65535; got 0"),
        row("containerPort too big", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":65536}]}"#), "port-range", "65536", "got 65536"),
        row("hostPort too big", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":70000}]}"#), "port-range", "70000", "port must be 0 to 65535"),
        row("hostPort negative", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":-1}]}"#), "invalid-number", "-1", "cannot be negative"),
        row("containerPort missing", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"hostPort":80}]}"#), "required-field", "{\"hostPort", "needs a \"containerPort\""),
        row("protocol case", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"protocol":"TCP"}]}"#), "protocol", "\"TCP\"", "did you mean \"tcp\"?"),
        row(
            "awsvpc hostPort differs",
            ec2_with(r#""networkMode":"awsvpc""#, r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":8080}]}"#),
            "host-port-mismatch",
            "8080",
            "in awsvpc network mode the hostPort can either be left blank or set to the same value as the containerPort (80); got 8080",
        ),
        row(
            "host mode hostPort differs",
            ec2_with(r#""networkMode":"host""#, r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":0}]}"#),
            "host-port-mismatch",
            "0}",
            "in host network mode",
        ),
        row(
            "none mode with ports",
            ec2_with(r#""networkMode":"none""#, r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80}]}"#),
            "network-none-ports",
            "[{\"containerPort",
            "cannot have portMappings; got 1",
        ),
        row(
            "bridge host port used twice",
            ec2(r#"{"name":"a","image":"x:1","memory":64,"portMappings":[{"containerPort":80,"hostPort":8080}]},{"name":"b","image":"x:1","memory":64,"portMappings":[{"containerPort":81,"hostPort":8080}]}"#),
            "host-port-conflict",
            "8080",
            "host port 8080/tcp is already used by containerDefinitions[0].portMappings[0]",
        )
        .nth(2),
        row(
            "awsvpc container port used twice",
            ec2_with(r#""networkMode":"awsvpc""#, r#"{"name":"a","image":"x:1","memory":64,"portMappings":[{"containerPort":80}]},{"name":"b","image":"x:1","memory":64,"portMappings":[{"containerPort":80}]}"#),
            "host-port-conflict",
            "80}",
            "port 80/tcp is already used",
        )
        .nth(2),
        // --- placement constraints ---
        row(
            "distinctInstance in a task definition",
            ec2_with(r#""placementConstraints":[{"type":"distinctInstance"}]"#, C),
            "placement-constraint-type",
            "\"distinctInstance\"",
            "only allow placement constraints of type \"memberOf\"",
        ),
        row("eleven constraints", ec2_with(&format!(r#""placementConstraints":[{eleven_constraints}]"#), C), "placement-constraints-count", "[{", "at most 10 placement constraints per task; got 11"),
        row("memberOf without expression", ec2_with(r#""placementConstraints":[{"type":"memberOf"}]"#, C), "placement-expression", "{\"type", "memberOf needs an expression"),
        row(
            "memberOf bad expression",
            ec2_with(r#""placementConstraints":[{"type":"memberOf","expression":"attribute:ecs.instance-type = t2.micro"}]"#, C),
            "placement-expression",
            "= t2",
            "invalid cluster query language expression",
        ),
        row(
            "memberOf error after an escape",
            ec2_with(r#""placementConstraints":[{"type":"memberOf","expression":"attribute:x\u0020== a and"}]"#, C),
            "placement-expression",
            "\"}]",
            "invalid cluster query language expression",
        ),
        // --- health checks ---
        row("healthCheck without command", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"interval":30}}"#), "required-field", "\"healthCheck\"", "healthCheck needs a \"command\""),
        row("healthCheck empty command", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":[]}}"#), "health-check-command", "[]", "healthCheck.command is empty"),
        row("healthCheck without CMD", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["curl","-f","http://localhost/"]}}"#), "health-check-command", "\"curl\"", "must start with \"CMD\" or \"CMD-SHELL\"; got \"curl\""),
        row("healthCheck CMD alone", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD-SHELL"]}}"#), "health-check-command", "[\"CMD-SHELL\"]", "add the command to run"),
        row("healthCheck interval low", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"interval":4}}"#), "health-check-range", "4}", "healthCheck.interval must be 5 to 300 seconds; got 4"),
        row("healthCheck interval high", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"interval":301}}"#), "health-check-range", "301", "got 301"),
        row("healthCheck timeout low", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"timeout":1}}"#), "health-check-range", "1}", "healthCheck.timeout must be 2 to 60 seconds; got 1"),
        row("healthCheck timeout high", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"timeout":61}}"#), "health-check-range", "61", "got 61"),
        row("healthCheck retries low", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"retries":0}}"#), "health-check-range", "0}", "healthCheck.retries must be 1 to 10; got 0"),
        row("healthCheck retries high", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"retries":11}}"#), "health-check-range", "11}", "got 11"),
        row("healthCheck startPeriod high", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":["CMD","true"],"startPeriod":301}}"#), "health-check-range", "301", "healthCheck.startPeriod must be 0 to 300 seconds; got 301"),
        // --- dependsOn ---
        row("depends on unknown container", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"db","condition":"START"}]}"#), "depends-on-target", "\"db\"", "no container named \"db\" in this task definition (containers: web)"),
        row("depends on itself", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"web","condition":"START"}]}"#), "depends-on-target", "\"web\",\"condition", "cannot depend on itself"),
        row("depends-on condition", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"db","condition":"healthy"}]},{"name":"db","image":"x:1","memory":64}"#), "depends-on-condition", "\"healthy\"", "did you mean \"HEALTHY\"?"),
        row("depends-on entry incomplete", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"db"}]},{"name":"db","image":"x:1","memory":64}"#), "required-field", "{\"containerName", "needs a \"condition\""),
        row(
            "HEALTHY without healthCheck",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"db","condition":"HEALTHY"}]},{"name":"db","image":"x:1","memory":64}"#),
            "depends-on-healthy",
            "\"HEALTHY\"",
            "condition HEALTHY needs container \"db\" to have a healthCheck",
        ),
        row(
            "COMPLETE on essential",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"init","condition":"COMPLETE"}]},{"name":"init","image":"x:1","memory":64}"#),
            "depends-on-essential",
            "\"COMPLETE\"",
            "condition COMPLETE waits for \"init\" to exit, but it is essential",
        ),
        row(
            "dependency cycle",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"sidecar","condition":"START"}]},{"name":"sidecar","image":"x:1","memory":64,"dependsOn":[{"containerName":"web","condition":"START"}]}"#),
            "depends-on-cycle",
            "\"dependsOn\"",
            "dependsOn cycle: web → sidecar → web",
        ),
        // --- roles, environment, lints ---
        row("secrets without execution role", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"secrets":[{"name":"PW","valueFrom":"arn:aws:ssm:us-east-1:1:parameter/pw"}]}"#), "secrets-execution-role", "[{\"name\":\"PW", "set executionRoleArn"),
        row("secret without valueFrom", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"secrets":[{"name":"PW"}]}"#), "required-field", "{\"name\":\"PW", "secret needs a \"valueFrom\""),
        row(
            "Fargate awslogs without execution role",
            fargate_with("", r#"{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs","options":{}}}"#),
            "awslogs-execution-role",
            "\"logConfiguration\"",
            "awslogs log driver sends logs using the task execution role",
        ),
        row(
            "Fargate ECR image without execution role",
            fargate_with("", r#"{"name":"web","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0"}"#),
            "ecr-execution-role",
            "\"123456789012",
            "private ECR repository",
        ),
        row(
            "duplicate environment name",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"environment":[{"name":"A","value":"1"},{"name":"A","value":"2"}]}"#),
            "duplicate-env",
            "\"A\"",
            "environment variable \"A\" is already set by containerDefinitions[0].environment[0]",
        )
        .nth(2),
        row("image without tag", ec2(r#"{"name":"web","image":"nginx","memory":64}"#), "image-tag", "\"nginx\"", "has no tag, so it means \"nginx:latest\""),
        row("image latest", ec2(r#"{"name":"web","image":"nginx:latest","memory":64}"#), "image-tag", "\"nginx:latest\"", "uses the \"latest\" tag"),
        row("registry port is not a tag", ec2(r#"{"name":"web","image":"registry.local:5000/team/web","memory":64}"#), "image-tag", "\"registry", "has no tag"),
    ];
    check(rows);
}

trait Nth {
    fn nth(self, n: usize) -> Row;
}
impl Nth for Row {
    fn nth(mut self, n: usize) -> Row {
        self.at.1 = n;
        self
    }
}

#[test]
fn rules_that_must_not_fire() {
    check_absent(vec![
        ("task memory covers containers", ec2_with(r#""memory":"512""#, r#"{"name":"web","image":"nginx:1.27"}"#), "container-memory-required"),
        ("reservation alone is enough", ec2(r#"{"name":"web","image":"nginx:1.27","memoryReservation":128}"#), "container-memory-required"),
        ("Fargate needs no container memory", fargate_with("", r#"{"name":"web","image":"nginx:1.27"}"#), "container-memory-required"),
        ("memory equal to reservation", ec2(r#"{"name":"web","image":"nginx:1.27","memory":256,"memoryReservation":256}"#), "memory-reservation"),
        ("exactly 6 MiB", ec2(r#"{"name":"web","image":"nginx:1.27","memory":6}"#), "container-memory-min"),
        ("dynamic host ports twice", ec2(r#"{"name":"a","image":"x:1","memory":64,"portMappings":[{"containerPort":80,"hostPort":0},{"containerPort":81}]},{"name":"b","image":"x:1","memory":64,"portMappings":[{"containerPort":80,"hostPort":0}]}"#), "host-port-conflict"),
        ("same port tcp and udp", ec2(r#"{"name":"a","image":"x:1","memory":64,"portMappings":[{"containerPort":53,"hostPort":53},{"containerPort":53,"hostPort":53,"protocol":"udp"}]}"#), "host-port-conflict"),
        ("awsvpc hostPort equal", ec2_with(r#""networkMode":"awsvpc""#, r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":80}]}"#), "host-port-mismatch"),
        ("bridge hostPort differs", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostPort":8080}]}"#), "host-port-mismatch"),
        ("COMPLETE on non-essential", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"dependsOn":[{"containerName":"init","condition":"SUCCESS"}]},{"name":"init","image":"x:1","memory":64,"essential":false}"#), "depends-on-essential"),
        ("EC2 startTimeout unchecked", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"startTimeout":600}"#), "start-timeout"),
        ("image by digest", ec2(r#"{"name":"web","image":"nginx@sha256:0123","memory":64}"#), "image-tag"),
        ("Fargate awslogs with role", fargate_with(r#""executionRoleArn":"arn:aws:iam::1:role/x","#, r#"{"name":"web","image":"nginx:1.27","logConfiguration":{"logDriver":"awslogs"}}"#), "awslogs-execution-role"),
        ("EC2 task cpu at bounds", ec2_with(r#""cpu":128"#, C), "task-cpu-range"),
        ("EC2 task cpu 192 vCPU", ec2_with(r#""cpu":"192 vCPU""#, C), "task-cpu-range"),
        ("no cycle in a chain", ec2(r#"{"name":"a","image":"x:1","memory":64,"dependsOn":[{"containerName":"b","condition":"START"}]},{"name":"b","image":"x:1","memory":64,"dependsOn":[{"containerName":"c","condition":"START"}]},{"name":"c","image":"x:1","memory":64}"#), "depends-on-cycle"),
        ("wrong-typed memory does not also demand memory", ec2(r#"{"name":"web","image":"nginx:1.27","memory":"512Mb"}"#), "container-memory-required"),
    ]);
}

#[test]
fn every_listed_rule_is_exercised() {
    // A reminder: each rule in RULES appears in a test row in this file or in taskdef_parse.rs /
    // taskdef_json.rs.
    let sources = [
        include_str!("taskdef_validate.rs"),
        include_str!("taskdef_parse.rs"),
        include_str!("taskdef_json.rs"),
    ]
    .concat();
    for (rule, _) in RULES {
        assert!(sources.contains(&format!("\"{rule}\"")), "rule {rule} has no test row");
    }
}

#[test]
fn three_container_cycle_is_reported_once() {
    let doc = ec2(
        r#"{"name":"a","image":"x:1","memory":64,"dependsOn":[{"containerName":"b","condition":"START"}]},{"name":"b","image":"x:1","memory":64,"dependsOn":[{"containerName":"c","condition":"START"}]},{"name":"c","image":"x:1","memory":64,"dependsOn":[{"containerName":"a","condition":"START"}]}"#,
    );
    let p = parse_task_definition(&doc);
    let cycles: Vec<&Diagnostic> = p.diagnostics.iter().filter(|d| d.rule == "depends-on-cycle").collect();
    assert_eq!(cycles.len(), 1, "{}", show(&p));
    assert!(cycles[0].message.contains("a → b → c → a"), "{}", cycles[0].message);
}

fn fargate_doc(cpu: u32, memory: u32) -> String {
    format!(
        r#"{{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"{cpu}","memory":"{memory}","containerDefinitions":[{{"name":"web","image":"nginx:1.27"}}]}}"#
    )
}

/// Every valid pair of every row registers; one step below the first, one step above the last,
/// and the off-step values in between are rejected with `fargate-size`.
#[test]
fn fargate_table_boundaries() {
    let mut checked = 0;
    for r in FARGATE_SIZES {
        let valid = r.memory.values();
        for &m in &valid {
            let p = parse_task_definition(&fargate_doc(r.cpu, m));
            assert!(p.task_definition.is_some(), "cpu {} memory {m} should be valid:\n{}", r.cpu, show(&p));
            checked += 1;
        }
        let first = valid[0];
        let last = *valid.last().unwrap();
        let step = if valid.len() > 1 { valid[1] - valid[0] } else { 1024 };
        let mut invalid = vec![first - 1, first - step, last + 1, last + step];
        if valid.len() > 1 {
            invalid.push(first + step / 2);
            invalid.push(first + 1);
        }
        for m in invalid {
            if valid.contains(&m) {
                continue;
            }
            let doc = fargate_doc(r.cpu, m);
            let p = parse_task_definition(&doc);
            let d = p.diagnostics.iter().find(|d| d.rule == "fargate-size");
            let d = d.unwrap_or_else(|| panic!("cpu {} memory {m} should be rejected:\n{}", r.cpu, show(&p)));
            let key = pos_of(&doc, &format!("\"memory\":\"{m}\""), 1);
            assert_eq!(d.pos, Pos { line: 1, col: key.col + 9, offset: key.offset + 9 });
            assert!(d.message.contains(&format!("got {m}")), "{}", d.message);
            assert!(p.task_definition.is_none());
        }
    }
    // 3 + 4 + 7 + 13 + 23 + 12 + 12 valid pairs.
    assert_eq!(checked, 74);
}

#[test]
fn fargate_table_matches_aws_text() {
    let expect = [
        (256, "512, 1024 or 2048 MiB"),
        (512, "1024 to 4096 MiB in steps of 1024"),
        (1024, "2048 to 8192 MiB in steps of 1024"),
        (2048, "4096 to 16384 MiB in steps of 1024"),
        (4096, "8192 to 30720 MiB in steps of 1024"),
        (8192, "16384 to 61440 MiB in steps of 4096"),
        (16384, "32768 to 122880 MiB in steps of 8192"),
    ];
    assert_eq!(FARGATE_SIZES.len(), expect.len());
    for (cpu, text) in expect {
        assert_eq!(fargate::row(cpu).unwrap().memory.describe(), text);
    }
    for cpu in [0, 128, 384, 768, 3072, 32768] {
        let p = parse_task_definition(&fargate_doc(cpu, 2048));
        assert!(p.diagnostics.iter().any(|d| d.rule == "fargate-cpu"), "cpu {cpu}:\n{}", show(&p));
    }
    assert!(fargate::check_size(8192, 16384 + 1024).unwrap_err().contains("Linux platform version 1.4.0"));
}

#[test]
fn vcpu_and_gb_forms_reach_the_fargate_table() {
    let doc = r#"{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"0.25 vCPU","memory":"0.5 GB","containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#;
    let td = parse_task_definition(doc).task_definition.expect("valid");
    assert_eq!((td.cpu, td.memory), (Some(256), Some(512)));
    let doc = doc.replace("0.5 GB", "3GB");
    let p = parse_task_definition(&doc);
    let d = p.diagnostics.iter().find(|d| d.rule == "fargate-size").expect("rejected");
    assert!(d.message.contains("3072 MiB is available with 0.5 (512) or 1 (1024) vCPU"), "{}", d.message);
}
