//! Reading task definitions: JSON types, field names, units, the describe-output wrapper, the
//! model's defaults, and the contract of `parse_task_definition`.

use berth::engine::diag::{Pos, Severity};
use berth::engine::taskdef::*;

const C: &str = r#"{"name":"web","image":"nginx:1.27","memory":256}"#;

fn ec2(containers: &str) -> String {
    format!(r#"{{"family":"f","containerDefinitions":[{containers}]}}"#)
}

/// Position of the `nth` (1-based) occurrence of `needle` in `text`.
fn pos_of(text: &str, needle: &str, nth: usize) -> Pos {
    let mut from = 0;
    let mut at = 0;
    for _ in 0..nth {
        let i = text[from..].find(needle).unwrap_or_else(|| panic!("needle {needle:?} not in {text}"));
        at = from + i;
        from = at + needle.len().max(1);
    }
    let before = &text[..at];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos { line, col: text[line_start..at].chars().count() as u32 + 1, offset: at }
}

fn show(p: &Parsed) -> String {
    p.diagnostics.iter().map(|d| format!("  {}", d.render("input"))).collect::<Vec<_>>().join("\n")
}

/// (name, document, rule, severity, needle, path, message substring)
type Row = (&'static str, String, &'static str, Severity, &'static str, &'static str, &'static str);

fn check(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for (name, doc, rule, sev, needle, path, msg) in rows {
        let p = parse_task_definition(&doc);
        let want = pos_of(&doc, needle, 1);
        let hit = p.diagnostics.iter().any(|d| d.rule == rule && d.severity == sev && d.pos == want && d.path == path && d.message.contains(msg));
        if !hit {
            failures.push(format!(
                "[{name}] expected {rule} ({sev:?}) at {}:{} path {path:?} containing {msg:?}\n  doc: {doc}\n  got:\n{}",
                want.line,
                want.col,
                show(&p)
            ));
        }
    }
    assert!(failures.is_empty(), "{} row(s) failed:\n{}", failures.len(), failures.join("\n\n"));
}

#[test]
fn shape_table() {
    use Severity::{Error, Warning};
    let rows: Vec<Row> = vec![
        (
            "memory as a string with a unit",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":"512Mb"}"#),
            "wrong-type",
            Error,
            "\"512Mb\"",
            "containerDefinitions[0].memory",
            "expected a number of MiB, got a string \"512Mb\"",
        ),
        (
            "container memory as a numeric string",
            ec2(r#"{"name":"web","image":"nginx:1.27","memory":"512"}"#),
            "wrong-type",
            Error,
            "\"512\"",
            "containerDefinitions[0].memory",
            "expected a number of MiB, got a string \"512\" (write 512 without quotes)",
        ),
        ("fractional cpu", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"cpu":1.5}"#), "invalid-number", Error, "1.5", "containerDefinitions[0].cpu", "as a whole number, got 1.5"),
        ("huge memory", ec2(r#"{"name":"web","image":"nginx:1.27","memory":5000000000}"#), "invalid-number", Error, "5000000000", "containerDefinitions[0].memory", "too large"),
        ("essential quoted", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"essential":"true"}"#), "wrong-type", Error, "\"true\"", "containerDefinitions[0].essential", "expected true or false, got a string \"true\" (remove the quotes)"),
        ("null value", ec2(r#"{"name":"web","image":"nginx:1.27","memory":null}"#), "wrong-type", Error, "null", "containerDefinitions[0].memory", "leave the field out instead of writing null"),
        ("family not a string", r#"{"family":42,"containerDefinitions":[]}"#.to_string(), "wrong-type", Error, "42", "family", "expected a family name string, got a number 42"),
        ("containers not a list", r#"{"family":"f","containerDefinitions":{"name":"web"}}"#.to_string(), "wrong-type", Error, "{\"name", "containerDefinitions", "a list of container definitions (an array [ ... ]), got an object"),
        ("container not an object", r#"{"family":"f","containerDefinitions":["web"]}"#.to_string(), "wrong-type", Error, "\"web\"", "containerDefinitions[0]", "expected a container definition"),
        ("portMappings not a list", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":80}"#), "wrong-type", Error, "80", "containerDefinitions[0].portMappings", "a list of port mappings"),
        ("environment value not a string", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"environment":[{"name":"N","value":4}]}"#), "wrong-type", Error, "4}", "containerDefinitions[0].environment[0].value", "expected a string, got a number 4"),
        ("healthCheck command a string", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"healthCheck":{"command":"curl localhost"}}"#), "wrong-type", Error, "\"curl localhost\"", "containerDefinitions[0].healthCheck.command", "a command list"),
        ("root not an object", "[1, 2]".to_string(), "wrong-type", Error, "[", "", "expected a task definition object"),
        ("task cpu as a boolean", r#"{"family":"f","cpu":true,"containerDefinitions":[]}"#.to_string(), "wrong-type", Error, "true", "cpu", "CPU units as a number or numeric string"),
        ("negative task memory", r#"{"family":"f","memory":-512,"containerDefinitions":[]}"#.to_string(), "invalid-number", Error, "-512", "memory", "cannot be negative"),
        // Field names.
        ("typo in a container field", ec2(r#"{"name":"web","image":"nginx:1.27","memmory":256}"#), "unknown-field", Warning, "\"memmory\"", "containerDefinitions[0].memmory", "\"memmory\" is not a field of an ECS container definition; did you mean \"memory\"?"),
        ("PascalCase top-level field", r#"{"Family":"f","family":"f","containerDefinitions":[]}"#.to_string(), "unknown-field", Warning, "\"Family\"", "Family", "did you mean \"family\"?"),
        ("snake_case field", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"port_mappings":[]}"#), "unknown-field", Warning, "\"port_mappings\"", "containerDefinitions[0].port_mappings", "did you mean \"portMappings\"?"),
        ("unrelated field", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"replicas":3}"#), "unknown-field", Warning, "\"replicas\"", "containerDefinitions[0].replicas", "it is ignored and dropped on export"),
        ("typo in a port mapping", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"portMappings":[{"containerPort":80,"hostport":80}]}"#), "unknown-field", Warning, "\"hostport\"", "containerDefinitions[0].portMappings[0].hostport", "did you mean \"hostPort\"?"),
        ("volumes", r#"{"family":"f","volumes":[{"name":"data"}],"containerDefinitions":[]}"#.to_string(), "not-simulated", Warning, "\"volumes\"", "volumes", "kept for export, not simulated by Berth"),
        ("logConfiguration", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"logConfiguration":{"logDriver":"json-file"}}"#), "not-simulated", Warning, "\"logConfiguration\"", "containerDefinitions[0].logConfiguration", "kept for export, not simulated by Berth"),
        ("ulimits", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":4096}]}"#), "not-simulated", Warning, "\"ulimits\"", "containerDefinitions[0].ulimits", "not simulated"),
        ("command as a string", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"command":"npm start"}"#), "wrong-type", Error, "\"npm start\"", "containerDefinitions[0].command", "expected a list of strings [\"...\"], e.g. [\"npm\", \"start\"], got a string \"npm start\""),
        ("logConfiguration without logDriver", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"logConfiguration":{"options":{}}}"#), "required-field", Error, "\"logConfiguration\"", "containerDefinitions[0].logConfiguration", "logConfiguration needs a \"logDriver\""),
        ("ulimit incomplete", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"ulimits":[{"name":"nofile","softLimit":1024}]}"#), "required-field", Error, "{\"name\":\"nofile", "containerDefinitions[0].ulimits[0]", "ulimits needs a \"hardLimit\""),
        ("privileged quoted", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"privileged":"true"}"#), "wrong-type", Error, "\"true\"", "containerDefinitions[0].privileged", "expected true or false"),
        ("volumes not a list", r#"{"family":"f","volumes":{"name":"data"},"containerDefinitions":[]}"#.to_string(), "wrong-type", Error, "{\"name", "volumes", "a list of objects"),
        ("read-only field", r#"{"family":"f","revision":3,"containerDefinitions":[]}"#.to_string(), "read-only-field", Warning, "\"revision\"", "revision", "ignored and dropped on export"),
        ("duplicate key", ec2(r#"{"name":"web","image":"nginx:1.27","memory":64,"memory":128}"#), "duplicate-key", Warning, "\"memory\":128", "containerDefinitions[0].memory", "appears more than once"),
        ("JSON syntax", "{\"family\": \"f\",\n \"containerDefinitions\": [,]}".to_string(), "json-syntax", Error, ",]", "", "expected a JSON value"),
    ];
    check(rows);
}

#[test]
fn describe_output_is_unwrapped() {
    let text = r#"{
  "taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
    "family": "web",
    "revision": 7,
    "status": "ACTIVE",
    "containerDefinitions": [
      {"name": "web", "image": "nginx:1.27", "memory": 256, "cpu": 0, "portMappings": [], "environment": [], "mountPoints": [], "volumesFrom": []}
    ],
    "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.docker-remote-api.1.18"}],
    "compatibilities": ["EC2"],
    "registeredAt": "2024-05-01T10:00:00.000Z",
    "registeredBy": "arn:aws:iam::123456789012:user/admin"
  },
  "tags": []
}"#;
    let p = parse_task_definition(text);
    let td = p.task_definition.as_ref().unwrap_or_else(|| panic!("{}", show(&p)));
    assert_eq!(td.family, "web");
    assert_eq!(td.revision, 0, "the registry assigns revisions, not the input");
    let w = p.diagnostics.iter().find(|d| d.rule == "describe-output").expect("warning");
    assert_eq!(w.pos, pos_of(text, "\"taskDefinition\"", 1));
    assert!(w.message.contains("revision, status"), "{}", w.message);
    // No per-field read-only warnings, and empty not-simulated lists stay quiet.
    assert!(!p.diagnostics.iter().any(|d| d.rule == "read-only-field" || d.rule == "not-simulated"), "{}", show(&p));
    // Paths are relative to the task definition; positions are absolute.
    let bad = text.replace("\"memory\": 256", "\"memory\": \"x\"");
    let p = parse_task_definition(&bad);
    let d = p.errors().next().unwrap();
    assert_eq!(d.path, "containerDefinitions[0].memory");
    assert_eq!(d.pos, pos_of(&bad, "\"x\"", 1));
}

/// Real `aws ecs describe-task-definition` output (Fargate, awslogs, empty lists everywhere).
#[test]
fn describe_output_fixture() {
    let text = include_str!("fixtures/taskdefs/describe-output.json");
    let p = parse_task_definition(text);
    let td = p.task_definition.as_ref().unwrap_or_else(|| panic!("{}", show(&p)));
    assert_eq!((td.family.as_str(), td.cpu, td.memory), ("hello-web", Some(256), Some(512)));
    assert!(td.is_fargate());
    let rules: Vec<&str> = p.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    // The wrapper, then portMappings[0].name, .appProtocol and logConfiguration; the empty "tags"
    // beside the task definition is not worth a warning.
    assert_eq!(rules, ["describe-output", "not-simulated", "not-simulated", "not-simulated"], "{}", show(&p));
    let exported = export(td);
    for ro in ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy"] {
        assert!(exported.get(ro).is_none(), "{ro} exported");
    }
    assert_eq!(exported["containerDefinitions"][0]["logConfiguration"]["logDriver"], "awslogs");
}

#[test]
fn runtime_platform_is_read_without_warnings() {
    let doc = r#"{"family":"f","runtimePlatform":{"cpuArchitecture":"ARM64","operatingSystemFamily":"LINUX"},"containerDefinitions":[{"name":"web","image":"nginx:1.27","memory":64}]}"#;
    let p = parse_task_definition(doc);
    assert!(p.diagnostics.is_empty(), "{}", show(&p));
}

#[test]
fn defaults_follow_aws() {
    let doc = ec2(r#"{"name":"web","image":"nginx:1.27","memory":256,"portMappings":[{"containerPort":80}],"healthCheck":{"command":["CMD","true"]}}"#);
    let td = parse_task_definition(&doc).task_definition.unwrap();
    assert_eq!(td.network_mode, NetworkMode::Bridge);
    assert!(td.requires_compatibilities.is_empty());
    assert_eq!((td.cpu, td.memory), (None, None));
    let c = &td.container_definitions[0];
    assert!(c.essential);
    assert_eq!(c.cpu, 0);
    assert_eq!(c.port_mappings, vec![PortMapping { container_port: 80, host_port: None, protocol: Protocol::Tcp }]);
    let hc = c.health_check.as_ref().unwrap();
    assert_eq!((hc.interval, hc.timeout, hc.retries, hc.start_period), (30, 5, 3, 0));
    assert_eq!(c.pos, pos_of(&doc, "{\"name", 1));
    assert_eq!(td.raw["containerDefinitions"][0]["memory"], 256);
    assert_eq!(c.raw["name"], "web");
}

#[test]
fn every_simulated_field_is_read() {
    let doc = r#"{
  "family": "shop",
  "taskRoleArn": "arn:aws:iam::1:role/task",
  "executionRoleArn": "arn:aws:iam::1:role/exec",
  "networkMode": "host",
  "requiresCompatibilities": ["EC2", "EXTERNAL"],
  "cpu": "2 vCPU",
  "memory": "4GB",
  "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}],
  "containerDefinitions": [
    {
      "name": "api", "image": "shop/api:1.0", "cpu": 1024, "memory": 2048, "memoryReservation": 1024,
      "essential": true,
      "portMappings": [{"containerPort": 8080, "hostPort": 8080, "protocol": "udp"}],
      "environment": [{"name": "A", "value": "1"}, {"name": "B"}],
      "secrets": [{"name": "S", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/s"}],
      "healthCheck": {"command": ["CMD-SHELL", "exit 0"], "interval": 10, "timeout": 2, "retries": 1, "startPeriod": 300},
      "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
      "startTimeout": 90, "stopTimeout": 10
    },
    {"name": "init", "image": "shop/init:1.0", "memory": 64, "essential": false}
  ]
}"#;
    let p = parse_task_definition(doc);
    let td = p.task_definition.as_ref().unwrap_or_else(|| panic!("{}", show(&p)));
    assert!(p.diagnostics.is_empty(), "{}", show(&p));
    assert_eq!(td.task_role_arn.as_deref(), Some("arn:aws:iam::1:role/task"));
    assert_eq!(td.execution_role_arn.as_deref(), Some("arn:aws:iam::1:role/exec"));
    assert_eq!(td.network_mode, NetworkMode::Host);
    assert_eq!(td.requires_compatibilities, vec![Compatibility::Ec2, Compatibility::External]);
    assert_eq!((td.cpu, td.memory), (Some(2048), Some(4096)));
    assert_eq!(td.placement_constraints, vec![TaskPlacementConstraint { kind: "memberOf".into(), expression: "attribute:ecs.os-type == linux".into() }]);
    let c = &td.container_definitions[0];
    assert_eq!((c.cpu, c.memory, c.memory_reservation), (1024, Some(2048), Some(1024)));
    assert_eq!(c.port_mappings[0], PortMapping { container_port: 8080, host_port: Some(8080), protocol: Protocol::Udp });
    assert_eq!(c.environment, vec![("A".into(), "1".into()), ("B".into(), String::new())]);
    assert_eq!(c.secrets, vec![("S".into(), "arn:aws:ssm:us-east-1:1:parameter/s".into())]);
    assert_eq!(c.health_check, Some(HealthCheck { command: vec!["CMD-SHELL".into(), "exit 0".into()], interval: 10, timeout: 2, retries: 1, start_period: 300 }));
    assert_eq!(c.depends_on, vec![DependsOn { container_name: "init".into(), condition: DependsOnCondition::Success }]);
    assert_eq!((c.start_timeout, c.stop_timeout), (Some(90), Some(10)));
    assert!(!td.container_definitions[1].essential);
    assert_eq!(td.host_ports(), vec![(8080, Protocol::Udp)]);
}

#[test]
fn task_size_units() {
    let cases: &[(&str, Option<u32>, Option<u32>)] = &[
        (r#""cpu":1024,"memory":2048"#, Some(1024), Some(2048)),
        (r#""cpu":"1024","memory":"2048""#, Some(1024), Some(2048)),
        (r#""cpu":"1 vCPU","memory":"2 GB""#, Some(1024), Some(2048)),
        (r#""cpu":"1vCPU","memory":"2GB""#, Some(1024), Some(2048)),
        (r#""cpu":"0.25 vcpu","memory":"0.5 GB""#, Some(256), Some(512)),
        (r#""cpu":"0.125 vCPU","memory":"512""#, Some(128), Some(512)),
    ];
    for (extra, cpu, memory) in cases {
        let doc = format!(r#"{{"family":"f",{extra},"containerDefinitions":[{C}]}}"#);
        let p = parse_task_definition(&doc);
        let td = p.task_definition.unwrap_or_else(|| panic!("{extra}: {:?}", p.diagnostics));
        assert_eq!((td.cpu, td.memory), (*cpu, *memory), "{extra}");
    }
}

#[test]
fn contract_some_iff_no_errors_and_sorted() {
    let docs = [
        ec2(C),
        ec2(r#"{"name":"web","image":"nginx","memory":64,"volumesFrom":[{"sourceContainer":"x"}]}"#),
        ec2(r#"{"name":"web","image":"nginx","memory":4,"memoryReservation":8,"essential":false}"#),
        "{\"family\": \"f\"".to_string(),
    ];
    for doc in docs {
        let p = parse_task_definition(&doc);
        assert_eq!(p.task_definition.is_some(), !p.has_errors(), "{}", show(&p));
        let offsets: Vec<usize> = p.diagnostics.iter().map(|d| d.pos.offset).collect();
        let mut sorted = offsets.clone();
        sorted.sort();
        assert_eq!(offsets, sorted);
    }
    // Warnings alone do not block.
    let p = parse_task_definition(&ec2(r#"{"name":"web","image":"nginx","memory":64}"#));
    assert!(p.task_definition.is_some());
    assert_eq!(p.warnings().count(), 1);
}

#[test]
fn several_errors_are_reported_together() {
    let doc = ec2(r#"{"name":"web","image":"nginx:1.27","memory":"lots","cpu":"x","portMappings":[{"containerPort":99999}]}"#);
    let p = parse_task_definition(&doc);
    let rules: Vec<&str> = p.errors().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, vec!["wrong-type", "wrong-type", "port-range"], "{}", show(&p));
}

#[test]
fn string_values_point_at_the_opening_quote() {
    let doc = "{\n  \"family\": \"my app\",\n  \"containerDefinitions\": [{\"name\": \"w\", \"image\": \"x:1\", \"memory\": 64}]\n}";
    let p = parse_task_definition(doc);
    let d = p.errors().next().unwrap();
    assert_eq!((d.pos.line, d.pos.col), (2, 13));
    assert_eq!(&doc[d.pos.offset..d.pos.offset + 1], "\"");
    assert_eq!(d.render("td.json"), "td.json:2:13: error: family: family must be 1 to 255 letters, digits, hyphens (-) and underscores (_); \"my app\" contains a space");
}
