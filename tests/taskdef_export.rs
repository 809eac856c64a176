//! Export: the model as `RegisterTaskDefinition` input.
//!
//! `exports_of_examples_are_written` also writes the export of every sample in
//! `docs/examples/taskdefs/` to `target/export/*.json`, so the botocore check can run on them:
//! `python3 tests/export_botocore.py target/export/*.json`.

use std::fs;
use std::path::PathBuf;

use berth::engine::taskdef::*;
use serde_json::json;

fn examples() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/examples/taskdefs");
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn parse_ok(text: &str) -> TaskDefinition {
    let p = parse_task_definition(text);
    match p.task_definition {
        Some(td) => td,
        None => panic!("invalid:\n{}", p.diagnostics.iter().map(|d| d.render("input")).collect::<Vec<_>>().join("\n")),
    }
}

/// The simulated fields only.
fn simulated(td: &TaskDefinition) -> TaskDefinition {
    TaskDefinition {
        raw: serde_json::Value::Null,
        container_definitions: td
            .container_definitions
            .iter()
            .map(|c| ContainerDefinition { raw: serde_json::Value::Null, pos: Default::default(), ..c.clone() })
            .collect(),
        ..td.clone()
    }
}

#[test]
fn exports_of_examples_are_written() {
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/export");
    fs::create_dir_all(&out_dir).unwrap();
    let mut files = examples();
    files.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/taskdefs/describe-output.json"));
    for file in files {
        let td = parse_ok(&fs::read_to_string(&file).unwrap());
        let text = export_pretty(&td);
        fs::write(out_dir.join(file.file_name().unwrap()), &text).unwrap();
        // Round trip: the simulated fields are unchanged.
        let again = parse_ok(&text);
        assert_eq!(simulated(&again), simulated(&td), "{}", file.display());
        // Export is a fixed point after one step.
        assert_eq!(export(&again), export(&td));
    }
}

#[test]
fn cpu_and_memory_use_the_api_forms() {
    let td = parse_ok(
        r#"{"family":"f","requiresCompatibilities":["FARGATE"],"networkMode":"awsvpc","cpu":"0.25 vCPU","memory":"0.5 GB",
            "containerDefinitions":[{"name":"web","image":"nginx:1.27","cpu":128,"memory":256,"memoryReservation":128}]}"#,
    );
    let v = export(&td);
    assert_eq!(v["cpu"], json!("256"));
    assert_eq!(v["memory"], json!("512"));
    assert_eq!(v["containerDefinitions"][0]["cpu"], json!(128));
    assert_eq!(v["containerDefinitions"][0]["memory"], json!(256));
    assert_eq!(v["containerDefinitions"][0]["memoryReservation"], json!(128));
    let td = parse_ok(r#"{"family":"f","cpu":1024,"memory":2048,"containerDefinitions":[{"name":"web","image":"nginx:1.27"}]}"#);
    assert_eq!((export(&td)["cpu"].clone(), export(&td)["memory"].clone()), (json!("1024"), json!("2048")));
}

#[test]
fn read_only_and_unknown_fields_are_dropped_and_the_rest_kept() {
    let td = parse_ok(
        r#"{"taskDefinition":{
            "taskDefinitionArn":"arn:aws:ecs:us-east-1:1:task-definition/web:3","revision":3,"status":"ACTIVE",
            "family":"web","volumes":[{"name":"data"}],"compatibilities":["EC2"],"requiresAttributes":[],
            "registeredAt":"2024-01-01T00:00:00Z","registeredBy":"me","madeUp":1,
            "containerDefinitions":[{"name":"web","image":"nginx:1.27","memory":256,"memmory":1,
              "logConfiguration":{"logDriver":"json-file"},
              "portMappings":[{"containerPort":80,"hostPort":0,"name":"http","appProtocol":"http","bogus":true}]}]}}"#,
    );
    let v = export(&td);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["family", "volumes", "containerDefinitions"]);
    let c = &v["containerDefinitions"][0];
    assert_eq!(c["logConfiguration"], json!({"logDriver": "json-file"}));
    assert!(c.get("memmory").is_none());
    assert_eq!(c["portMappings"], json!([{"containerPort": 80, "hostPort": 0, "name": "http", "appProtocol": "http"}]));
}

#[test]
fn export_writes_model_edits() {
    let mut td = parse_ok(r#"{"family":"f","containerDefinitions":[{"name":"web","image":"nginx:1.27","memory":256}]}"#);
    td.memory = Some(1024);
    td.network_mode = NetworkMode::Awsvpc;
    td.container_definitions[0].essential = true;
    td.container_definitions[0].memory = None;
    td.container_definitions[0].memory_reservation = Some(128);
    td.container_definitions[0].health_check =
        Some(HealthCheck { command: vec!["CMD".into(), "true".into()], interval: 30, timeout: 5, retries: 3, start_period: 0 });
    td.container_definitions[0].port_mappings.push(PortMapping { container_port: 53, host_port: None, protocol: Protocol::Udp });
    let v = export(&td);
    assert_eq!(
        v,
        json!({
            "family": "f",
            "containerDefinitions": [{
                "name": "web", "image": "nginx:1.27", "memoryReservation": 128,
                "portMappings": [{"containerPort": 53, "protocol": "udp"}],
                "healthCheck": {"command": ["CMD", "true"]}
            }],
            "networkMode": "awsvpc",
            "memory": "1024"
        })
    );
}

#[test]
fn a_model_built_in_code_exports() {
    let td = TaskDefinition {
        family: "coded".into(),
        revision: 4,
        task_role_arn: None,
        execution_role_arn: None,
        network_mode: NetworkMode::Bridge,
        requires_compatibilities: vec![Compatibility::Ec2],
        cpu: Some(512),
        memory: None,
        container_definitions: vec![ContainerDefinition {
            name: "a".into(),
            image: "busybox:1.36".into(),
            cpu: 0,
            memory: Some(64),
            memory_reservation: None,
            essential: true,
            port_mappings: vec![],
            environment: vec![("K".into(), "V".into())],
            secrets: vec![],
            health_check: None,
            depends_on: vec![DependsOn { container_name: "a".into(), condition: DependsOnCondition::Start }],
            start_timeout: None,
            stop_timeout: Some(5),
            raw: serde_json::Value::Null,
            pos: Default::default(),
        }],
        placement_constraints: vec![],
        raw: serde_json::Value::Null,
    };
    assert_eq!(
        export(&td),
        json!({
            "family": "coded",
            "requiresCompatibilities": ["EC2"],
            "cpu": "512",
            "containerDefinitions": [{
                "name": "a", "image": "busybox:1.36", "memory": 64,
                "environment": [{"name": "K", "value": "V"}],
                "dependsOn": [{"containerName": "a", "condition": "START"}],
                "stopTimeout": 5
            }]
        })
    );
    // A model built in code can be validated too.
    let diags = validate_model(&td);
    assert!(diags.iter().any(|d| d.rule == "depends-on-target"), "{diags:?}");
}
