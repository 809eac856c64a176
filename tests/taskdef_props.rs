//! Property tests: `parse_task_definition` never panics, keeps its contract (a task definition
//! if and only if no error; diagnostics sorted; positions that agree with the text) on arbitrary
//! strings, on mutated valid documents and on random documents built from the task-definition
//! vocabulary; and valid documents survive export → parse unchanged.

use berth::engine::diag::Diagnostic;
use berth::engine::taskdef::{export, parse_task_definition, ContainerDefinition, TaskDefinition};
use proptest::prelude::*;
use serde_json::{Map, Value};

const SAMPLES: &[&str] = &[
    include_str!("../docs/examples/taskdefs/nginx-ec2-bridge.json"),
    include_str!("../docs/examples/taskdefs/fargate-web.json"),
    include_str!("../docs/examples/taskdefs/app-with-redis.json"),
    include_str!("../docs/examples/taskdefs/memberof-t3.json"),
    include_str!("../docs/examples/taskdefs/worker-reservation.json"),
    include_str!("../docs/examples/taskdefs/fargate-8vcpu.json"),
];

/// Line and column of a byte offset, computed independently of the parser.
fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..offset].chars().count() as u32 + 1)
}

fn check_contract(text: &str) -> Result<(), TestCaseError> {
    let p = parse_task_definition(text);
    let has_error = p.diagnostics.iter().any(Diagnostic::is_error);
    prop_assert_eq!(p.task_definition.is_some(), !has_error);
    for w in p.diagnostics.windows(2) {
        prop_assert!(w[0].pos.offset <= w[1].pos.offset, "unsorted: {:?}", p.diagnostics);
    }
    let skip_bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for d in &p.diagnostics {
        prop_assert!(d.pos.offset <= text.len(), "offset past the end: {:?}", d);
        prop_assert!(text.is_char_boundary(d.pos.offset), "offset inside a char: {:?}", d);
        if d.pos.offset >= skip_bom && skip_bom == 0 {
            prop_assert_eq!((d.pos.line, d.pos.col), line_col(text, d.pos.offset), "position disagrees: {:?}", d);
        }
        prop_assert!(!d.rule.is_empty() && !d.message.is_empty());
    }
    Ok(())
}

/// The simulated part of a task definition (what must survive export).
fn simulated(td: &TaskDefinition) -> TaskDefinition {
    let strip = |c: &ContainerDefinition| ContainerDefinition { raw: Value::Null, pos: Default::default(), ..c.clone() };
    TaskDefinition {
        raw: Value::Null,
        container_definitions: td.container_definitions.iter().map(strip).collect(),
        ..td.clone()
    }
}

fn check_round_trip(text: &str) -> Result<(), TestCaseError> {
    if let Some(td) = parse_task_definition(text).task_definition {
        let exported = serde_json::to_string_pretty(&export(&td)).unwrap();
        let again = parse_task_definition(&exported);
        let td2 = again.task_definition.as_ref();
        prop_assert!(td2.is_some(), "export does not validate:\n{}\n{:?}", exported, again.diagnostics);
        prop_assert_eq!(simulated(td2.unwrap()), simulated(&td));
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, char),
    Replace(usize, char),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let ch = prop_oneof![
        Just('{'),
        Just('}'),
        Just('['),
        Just(']'),
        Just('"'),
        Just(','),
        Just(':'),
        Just('\\'),
        Just('0'),
        Just('-'),
        Just('\n'),
        Just('é'),
        any::<char>(),
    ];
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), ch.clone()).prop_map(|(a, c)| Edit::Insert(a, c)),
        (any::<usize>(), ch).prop_map(|(a, c)| Edit::Replace(a, c)),
        (any::<usize>(), 1usize..80).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn boundary(s: &str, i: usize) -> usize {
    let mut i = i % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut s = text.to_string();
    for e in edits {
        match *e {
            Edit::Delete(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, (a + n).min(s.len()));
                s.replace_range(a..b.max(a), "");
            }
            Edit::Insert(a, c) => {
                let a = boundary(&s, a);
                s.insert(a, c);
            }
            Edit::Replace(a, c) => {
                let a = boundary(&s, a);
                if let Some(old) = s[a..].chars().next() {
                    s.replace_range(a..a + old.len_utf8(), &c.to_string());
                }
            }
            Edit::Duplicate(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, (a + n).min(s.len()));
                let piece = s[a..b.max(a)].to_string();
                s.insert_str(a, &piece);
            }
        }
    }
    s
}

const KEYS: &[&str] = &[
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "requiresCompatibilities", "cpu", "memory",
    "containerDefinitions", "placementConstraints", "runtimePlatform", "volumes", "revision", "name", "image",
    "memoryReservation", "essential", "portMappings", "containerPort", "hostPort", "protocol", "environment",
    "value", "secrets", "valueFrom", "healthCheck", "command", "interval", "timeout", "retries", "startPeriod",
    "dependsOn", "containerName", "condition", "startTimeout", "stopTimeout", "type", "expression",
    "logConfiguration", "logDriver", "memmory", "taskDefinition", "containerPortRange", "links",
];

const STRINGS: &[&str] = &[
    "web", "db", "f", "nginx:1.27", "nginx", "awsvpc", "bridge", "host", "none", "EC2", "FARGATE", "EXTERNAL",
    "256", "512", "1024", "2048", "1 vCPU", "0.25 vCPU", "2 GB", "0.5 GB", "tcp", "udp", "CMD", "CMD-SHELL",
    "START", "COMPLETE", "SUCCESS", "HEALTHY", "memberOf", "distinctInstance", "attribute:a == b",
    "attribute:ecs.instance-type =~ t3.*", "awslogs", "arn:aws:iam::1:role/x", "", "my app", "8000-8010",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop::sample::select(vec![0i64, 1, 2, 5, 6, 30, 80, 120, 121, 256, 512, 1024, 2048, 4096, 65535, 65536, -1, 4294967296])
            .prop_map(Value::from),
        Just(Value::from(1.5)),
        prop::sample::select(STRINGS).prop_map(Value::from),
    ]
}

fn doc() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect::<Map<_, _>>())),
        ]
    })
}

/// A document shaped like a task definition, with random members filled in.
fn task_doc() -> impl Strategy<Value = Value> {
    let container = prop::collection::vec((prop::sample::select(KEYS), doc()), 0..8).prop_map(|kv| {
        let mut m: Map<String, Value> = kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        m.entry("name").or_insert(Value::from("web"));
        m.entry("image").or_insert(Value::from("nginx:1.27"));
        Value::Object(m)
    });
    (prop::collection::vec((prop::sample::select(KEYS), doc()), 0..6), prop::collection::vec(container, 1..4)).prop_map(|(top, cs)| {
        let mut m: Map<String, Value> = top.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        m.insert("family".into(), Value::from("f"));
        m.insert("containerDefinitions".into(), Value::Array(cs));
        Value::Object(m)
    })
}

fn opt<T: std::fmt::Debug + Clone + 'static>(values: Vec<T>) -> impl Strategy<Value = Option<T>> {
    prop::option::of(prop::sample::select(values))
}

fn insert_opt(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.into(), v);
    }
}

/// A structured container definition: every simulated field, with plausible values.
fn container(i: usize) -> impl Strategy<Value = Value> {
    let ports = prop::collection::vec(
        (prop::sample::select(vec![80u16, 443, 8080]), opt(vec![0u16, 80, 8080]), opt(vec!["tcp", "udp"])),
        0..3,
    );
    let env = prop::collection::vec((prop::sample::select(vec!["A", "B", "C"]), prop::option::of("[a-z]{0,3}")), 0..3);
    let health = prop::option::of((
        prop::sample::select(vec![vec!["CMD-SHELL", "exit 0"], vec!["CMD", "true"], vec!["NONE"]]),
        opt(vec![5u32, 30, 300]),
        opt(vec![2u32, 5, 60]),
        opt(vec![1u32, 3, 10]),
        opt(vec![0u32, 300]),
    ));
    let deps = prop::collection::vec(
        (prop::sample::select(vec!["c0", "c1", "c2"]), prop::sample::select(vec!["START", "COMPLETE", "SUCCESS", "HEALTHY"])),
        0..2,
    );
    (
        opt(vec![0u32, 128, 256, 1024]),
        opt(vec![64u32, 128, 512, 2048]),
        opt(vec![32u32, 64, 256]),
        opt(vec![true, false]),
        ports,
        env,
        health,
        deps,
        (opt(vec![2u32, 60, 120]), opt(vec![0u32, 30, 120]), opt(vec!["awslogs"])),
    )
        .prop_map(move |(cpu, memory, reservation, essential, ports, env, health, deps, (start, stop, log))| {
            let mut m = Map::new();
            m.insert("name".into(), Value::from(format!("c{i}")));
            m.insert("image".into(), Value::from("nginx:1.27"));
            insert_opt(&mut m, "cpu", cpu.map(Value::from));
            insert_opt(&mut m, "memory", memory.map(Value::from));
            insert_opt(&mut m, "memoryReservation", reservation.map(Value::from));
            insert_opt(&mut m, "essential", essential.map(Value::from));
            if !ports.is_empty() {
                let list = ports
                    .into_iter()
                    .map(|(c, h, p)| {
                        let mut pm = Map::new();
                        pm.insert("containerPort".into(), Value::from(c));
                        insert_opt(&mut pm, "hostPort", h.map(Value::from));
                        insert_opt(&mut pm, "protocol", p.map(Value::from));
                        Value::Object(pm)
                    })
                    .collect();
                m.insert("portMappings".into(), Value::Array(list));
            }
            if !env.is_empty() {
                let list = env
                    .into_iter()
                    .map(|(n, v)| {
                        let mut e = Map::new();
                        e.insert("name".into(), Value::from(n));
                        insert_opt(&mut e, "value", v.map(Value::from));
                        Value::Object(e)
                    })
                    .collect();
                m.insert("environment".into(), Value::Array(list));
            }
            if let Some((command, interval, timeout, retries, start_period)) = health {
                let mut h = Map::new();
                h.insert("command".into(), Value::from(command));
                insert_opt(&mut h, "interval", interval.map(Value::from));
                insert_opt(&mut h, "timeout", timeout.map(Value::from));
                insert_opt(&mut h, "retries", retries.map(Value::from));
                insert_opt(&mut h, "startPeriod", start_period.map(Value::from));
                m.insert("healthCheck".into(), Value::Object(h));
            }
            if !deps.is_empty() {
                let list = deps
                    .into_iter()
                    .map(|(n, c)| serde_json::json!({ "containerName": n, "condition": c }))
                    .collect();
                m.insert("dependsOn".into(), Value::Array(list));
            }
            insert_opt(&mut m, "startTimeout", start.map(Value::from));
            insert_opt(&mut m, "stopTimeout", stop.map(Value::from));
            insert_opt(&mut m, "logConfiguration", log.map(|d| serde_json::json!({ "logDriver": d })));
            Value::Object(m)
        })
}

/// A structured task definition with 1 to 3 containers; a good share of these are valid.
fn structured_task() -> impl Strategy<Value = Value> {
    let containers = (1usize..4).prop_flat_map(|n| (0..n).map(container).collect::<Vec<_>>());
    (
        opt(vec!["awsvpc", "bridge", "host", "none"]),
        opt(vec![vec!["EC2"], vec!["FARGATE"], vec!["EC2", "FARGATE"], vec!["EXTERNAL"]]),
        opt(vec![Value::from(256), Value::from("512"), Value::from("1 vCPU"), Value::from("2048"), Value::from(4096)]),
        opt(vec![Value::from(512), Value::from("1024"), Value::from("2 GB"), Value::from("4GB"), Value::from(8192)]),
        opt(vec!["arn:aws:iam::1:role/exec"]),
        opt(vec!["attribute:ecs.instance-type =~ t3.*", "attribute:a == b or not(task:group exists)"]),
        containers,
    )
        .prop_map(|(mode, compat, cpu, memory, exec, constraint, containers)| {
            let mut m = Map::new();
            m.insert("family".into(), Value::from("f"));
            insert_opt(&mut m, "networkMode", mode.map(Value::from));
            insert_opt(&mut m, "requiresCompatibilities", compat.map(Value::from));
            insert_opt(&mut m, "cpu", cpu);
            insert_opt(&mut m, "memory", memory);
            insert_opt(&mut m, "executionRoleArn", exec.map(Value::from));
            insert_opt(
                &mut m,
                "placementConstraints",
                constraint.map(|e| serde_json::json!([{ "type": "memberOf", "expression": e }])),
            );
            m.insert("containerDefinitions".into(), Value::Array(containers));
            Value::Object(m)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings(s in any::<String>()) {
        check_contract(&s)?;
    }

    #[test]
    fn json_ish_strings(s in "[\\[\\]{}\":,0-9a-z \\\\\n.eE+-]{0,200}") {
        check_contract(&s)?;
    }

    #[test]
    fn mutated_samples(i in 0..SAMPLES.len(), edits in prop::collection::vec(edit(), 1..6)) {
        let text = apply(SAMPLES[i], &edits);
        check_contract(&text)?;
        check_round_trip(&text)?;
    }

    #[test]
    fn random_documents(v in doc()) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        check_contract(&text)?;
        check_round_trip(&text)?;
    }

    #[test]
    fn structured_task_definitions(v in structured_task()) {
        let text = serde_json::to_string_pretty(&v).unwrap();
        check_contract(&text)?;
        check_round_trip(&text)?;
    }

    #[test]
    fn random_task_definitions(v in task_doc()) {
        let text = serde_json::to_string(&v).unwrap();
        check_contract(&text)?;
        check_round_trip(&text)?;
    }
}

#[test]
fn samples_round_trip() {
    for s in SAMPLES {
        check_round_trip(s).unwrap();
    }
}

#[test]
fn pathological_inputs_do_not_panic() {
    let many = format!(
        r#"{{"family":"f","containerDefinitions":[{}]}}"#,
        vec![r#"{"name":"a","image":"x","dependsOn":[{"containerName":"a","condition":"START"}]}"#; 20_000].join(",")
    );
    let chain: Vec<String> = (0..5_000)
        .map(|i| format!(r#"{{"name":"c{i}","image":"x:1","memory":8,"dependsOn":[{{"containerName":"c{}","condition":"START"}}]}}"#, (i + 1) % 5_000))
        .collect();
    let chain = format!(r#"{{"family":"f","containerDefinitions":[{}]}}"#, chain.join(","));
    for text in [many, chain, "[".repeat(1 << 20), "\"".repeat(3), "{\"a\":\"\\uD800\\uDC00\"}".to_string()] {
        let _ = parse_task_definition(&text);
    }
}


/// The structured generator must produce valid task definitions often enough for the round-trip
/// property to mean something.
#[test]
fn structured_generator_reaches_valid_documents() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut valid = 0;
    for _ in 0..500 {
        let v = structured_task().new_tree(&mut runner).unwrap().current();
        if parse_task_definition(&serde_json::to_string(&v).unwrap()).task_definition.is_some() {
            valid += 1;
        }
    }
    assert!(valid >= 25, "only {valid} of 500 generated documents are valid");
}

/// With `BERTH_EXPORT_DIR` set, writes the export of every valid generated task definition
/// there, for `tests/export_botocore.py` (a broader check than the samples):
/// `BERTH_EXPORT_DIR=/tmp/gen cargo test --test taskdef_props generated_exports`.
#[test]
fn generated_exports() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let Some(dir) = std::env::var_os("BERTH_EXPORT_DIR") else { return };
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::deterministic();
    let mut n = 0;
    for _ in 0..3000 {
        let v = structured_task().new_tree(&mut runner).unwrap().current();
        if let Some(td) = parse_task_definition(&serde_json::to_string(&v).unwrap()).task_definition {
            let path = std::path::Path::new(&dir).join(format!("gen-{n:04}.json"));
            std::fs::write(path, berth::engine::taskdef::export_pretty(&td)).unwrap();
            n += 1;
        }
    }
    assert!(n > 0);
}
