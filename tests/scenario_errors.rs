//! Scenario mistakes come back as diagnostics at the right line and column, never a panic.

use berth::engine::scenario::parse_scenario;

fn no_files(name: &str) -> Result<String, String> {
    Err(format!("{name} not found"))
}

fn errors(text: &str) -> Vec<(u32, u32, String, String)> {
    match parse_scenario(text, &no_files) {
        Ok(_) => vec![],
        Err(d) => d.into_iter().map(|d| (d.pos.line, d.pos.col, d.path, d.message)).collect(),
    }
}

const HEAD: &str = "{\n  \"berth\": 1,\n  \"name\": \"t\",\n";

#[test]
fn scenario_error_table() {
    // (body after the header, line, col, path, message substring)
    let rows: &[(&str, u32, u32, &str, &str)] = &[
        ("  \"cluster\": {}\n}", 0, 0, "", ""), // valid: no errors
        ("  \"cluster\": {\"instances\": [{\"type\": \"m5.huge\"}]}\n}", 4, 29, "cluster.instances[0]", "unknown instance type \"m5.huge\"; known types: m5.large"),
        ("  \"cluster\": {\"instances\": [{\"type\": \"m5.large\", \"az\": \"mars-1a\"}]}\n}", 4, 29, "cluster.instances[0]", "availability zone \"mars-1a\" is not in the cluster; its zones are us-east-1a, us-east-1b, us-east-1c"),
        ("  \"cluster\": {\"instances\": [{\"type\": \"m5.large\", \"colour\": 1}]}\n}", 4, 50, "cluster.instances[0].colour", "unknown field `colour`"),
        ("  \"cluster\": {},\n  \"services\": [{\"serviceName\": \"w\", \"taskDefinition\": \"web\", \"desiredCount\": 1}]\n}", 5, 16, "services[0]", "task definition family \"web\" is not registered"),
        ("  \"cluster\": {},\n  \"runUntil\": \"ten minutes\"\n}", 5, 15, "runUntil", "duration \"ten minutes\""),
        ("  \"cluster\": {},\n  \"timeline\": [{\"action\": \"terminateInstance\", \"instance\": \"i-01\"}]\n}", 5, 16, "timeline[0]", "timeline entry needs \"at\""),
        ("  \"cluster\": {},\n  \"taskDefinitions\": [{\"file\": \"web.json\"}]\n}", 5, 32, "taskDefinitions[0].file", "cannot read \"web.json\": web.json not found"),
        ("  \"cluster\": {\"fargate\": [\"us-east-1z\"]}\n}", 4, 27, "cluster.fargate[0]", "Fargate zone \"us-east-1z\" is not one of the cluster's zones"),
        ("  \"cluster\": {},\n  \"startTime\": \"someday\"\n}", 5, 16, "startTime", "startTime \"someday\" is not a date"),
        ("  \"cluster\": {}\n", 5, 1, "", "expected ',' or '}' after object member, found end of input"),
        ("  \"cluster\": {},\n  \"services\": [{\"serviceName\": \"w\", \"taskDefinition\": \"x\", \"desiredCount\": -1}]\n}", 0, 0, "", "invalid value: integer `-1`"),
        // A query-language error points at the offending character inside the string: `t2` at col 69.
        ("  \"cluster\": {},\n  \"runTasks\": [{\"taskDefinition\": \"x\", \"placementConstraints\": [\n    {\"type\": \"memberOf\", \"expression\": \"attribute:ecs.instance-type t2\"}]}]\n}", 6, 69, "runTasks[0].placementConstraints[0].expression", "found 't2'"),
    ];
    for (body, line, col, path, msg) in rows {
        let text = format!("{HEAD}{body}");
        let got = errors(&text);
        if msg.is_empty() {
            assert!(got.is_empty(), "{body}: {got:?}");
            continue;
        }
        let first = got.first().unwrap_or_else(|| panic!("no error for {body}"));
        assert!(first.3.contains(msg), "{body}: message {:?} lacks {msg:?}", first.3);
        if *line > 0 {
            assert_eq!((first.0, first.1, first.2.as_str()), (*line, *col, *path), "{body}: {}", first.3);
        }
    }
}

#[test]
fn inline_task_definition_errors_point_inside_the_scenario() {
    let text = format!(
        "{HEAD}  \"cluster\": {{}},\n  \"taskDefinitions\": [\n    {{\n      \"family\": \"web\",\n      \"requiresCompatibilities\": [\"FARGATE\"],\n      \"networkMode\": \"awsvpc\",\n      \"cpu\": \"256\",\n      \"memory\": \"4096\",\n      \"containerDefinitions\": [{{\"name\": \"a\", \"image\": \"nginx:1\"}}]\n    }}\n  ]\n}}"
    );
    let got = errors(&text);
    let fargate = got.iter().find(|e| e.3.contains("Fargate")).unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!((fargate.0, fargate.1, fargate.2.as_str()), (11, 17, "taskDefinitions[0].memory"), "{fargate:?}");
    assert!(fargate.3.starts_with("Fargate 0.25 vCPU (256) allows 512, 1024 or 2048 MiB; got 4096"), "{fargate:?}");
}

#[test]
fn garbage_never_panics() {
    for text in ["", "null", "[]", "{", "{\"berth\": 1}", "\u{0}", "{\"berth\":1,\"name\":\"x\",\"cluster\":{\"instances\":[{\"type\":\"m5.large\",\"count\":4294967295}]}}"] {
        let _ = parse_scenario(text, &no_files);
    }
}


#[test]
fn a_byte_order_mark_is_skipped_and_columns_count_characters() {
    // Editors on Windows start files with a BOM: the scenario reads as without it.
    let plain = format!("{HEAD}  \"cluster\": {{}}\n}}");
    assert!(errors(&plain).is_empty());
    assert_eq!(errors(&format!("\u{feff}{plain}")), vec![]);
    // A type error found by serde: the column counts characters (each € is one), at the value.
    let text = "{\"berth\":1,\"name\":\"€€€€€€€€€€\",\"cluster\":{\"instances\":[]},\"seed\":-1}";
    let d = parse_scenario(text, &no_files).err().expect("an error");
    // serde reports the end of the token: the `1` of `-1`, character 67 (byte 87).
    let minus = text.find("-1").expect("-1");
    assert_eq!(text[..minus].chars().count() + 1, 66);
    assert_eq!((d[0].pos.line, d[0].pos.col), (1, 67), "{:?}", d[0]);
    assert_eq!(&text[d[0].pos.offset..d[0].pos.offset + 1], "1", "the offset is the character's byte offset");
    assert!(d[0].message.contains("invalid value: integer `-1`"), "{}", d[0].message);
}
