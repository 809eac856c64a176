//! The `berth` command, called through `berth::cli::run` (same code as the binary).
//!
//! `berth run` on every example scenario must print exactly the report committed next to it
//! (`docs/examples/scenarios/NAME.report.json`), and the report shown in docs/cli.md must be the
//! real output. Set BERTH_BLESS=1 to rewrite the committed reports after an intended change.

use std::path::Path;

use berth::cli::{run, Output, EXIT_INVALID, EXIT_OK, EXIT_USAGE};

fn berth(args: &[&str]) -> (i32, Output) {
    let mut out = Output::default();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let code = run(&args, &mut out);
    (code, out)
}

fn scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("docs/examples/scenarios")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".json") && !p.ends_with(".report.json"))
        .collect();
    v.sort();
    v
}

#[test]
fn run_prints_the_committed_report_for_every_example() {
    let bless = std::env::var("BERTH_BLESS").is_ok();
    let list = scenarios();
    assert!(list.len() >= 6, "{list:?}");
    for path in list {
        let (code, out) = berth(&["run", &path]);
        assert_eq!(code, EXIT_OK, "{path}: {}", out.stderr);
        let golden = path.replace(".json", ".report.json");
        if bless {
            std::fs::write(&golden, &out.stdout).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_else(|_| panic!("missing {golden}; run with BERTH_BLESS=1"));
        assert_eq!(out.stdout, want, "{path}");
    }
}

#[test]
fn the_report_in_docs_cli_md_is_real() {
    let doc = std::fs::read_to_string("docs/cli.md").unwrap();
    let (_, out) = berth(&["run", "docs/examples/scenarios/first-page.json"]);
    assert!(doc.contains(out.stdout.trim_end()), "docs/cli.md must show the exact output of `berth run docs/examples/scenarios/first-page.json`:\n{}", out.stdout);
}

#[test]
fn documented_examples_place_as_the_docs_say() {
    let report = |p: &str| -> serde_json::Value { serde_json::from_str(&berth(&["run", p]).1.stdout).unwrap() };
    let tasks_of = |r: &serde_json::Value, id: &str| -> usize { r["instances"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()["tasks"].as_array().unwrap().len() };

    // binpack(memory) fills one t3.medium (8 × 512 MiB) before using another, and leaves the third empty.
    let r = report("docs/examples/scenarios/binpack.json");
    let mut counts: Vec<usize> = ["i-01", "i-02", "i-03"].iter().map(|i| tasks_of(&r, i)).collect();
    counts.sort();
    assert_eq!(counts, vec![0, 2, 8]);

    // Default service strategy: one task per instance, two per AZ.
    let r = report("docs/examples/scenarios/first-page.json");
    for i in ["i-01", "i-02", "i-03", "i-04", "i-05", "i-06"] {
        assert_eq!(tasks_of(&r, i), 1, "{i}");
    }

    // memberOf t2.*: nothing on the m5 and c5 instances.
    let r = report("docs/examples/scenarios/member-of.json");
    assert_eq!(tasks_of(&r, "i-02"), 0);
    assert_eq!(tasks_of(&r, "i-04"), 0);
    assert_eq!(tasks_of(&r, "i-01") + tasks_of(&r, "i-03"), 4);

    // distinctInstance: 4 instances (3 + 1 added at 2m), 5 wanted → 1 unplaced, with the reason.
    let r = report("docs/examples/scenarios/distinct-instance.json");
    assert_eq!(r["services"][0]["running"], 4);
    assert_eq!(r["services"][0]["unplaced"], 1);
    let reason = r["unplaced"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("rejected by distinctInstance"), "{reason}");
    assert!(reason.ends_with("Rejections by check: distinctInstance: 4"), "{reason}");

    // Spread across AZs then binpack memory: after scale-in to 2, one task per AZ.
    let r = report("docs/examples/scenarios/spread-then-binpack.json");
    assert_eq!(tasks_of(&r, "i-01") + tasks_of(&r, "i-02"), 1);
    assert_eq!(tasks_of(&r, "i-03") + tasks_of(&r, "i-04"), 1);
}

#[test]
fn validate_prints_file_line_col_and_exits_1() {
    let dir = std::env::temp_dir().join("berth-cli-test");
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [\n    {\"name\": \"a\", \"image\": \"nginx:1\", \"memory\": 512,}\n  ]\n}\n").unwrap();
    let p = bad.display().to_string();
    let (code, out) = berth(&["validate", &p]);
    assert_eq!(code, EXIT_INVALID);
    assert!(out.stderr.starts_with(&format!("{p}:4:52: error: ")), "{}", out.stderr);

    let (code, out) = berth(&["validate", "docs/examples/scenarios/taskdefs/web.json"]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    assert_eq!(out.stdout, "docs/examples/scenarios/taskdefs/web.json: ok: web (1 container(s))\n");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(berth(&[]).0, EXIT_USAGE);
    assert_eq!(berth(&["frobnicate"]).0, EXIT_USAGE);
    assert_eq!(berth(&["run"]).0, EXIT_USAGE);
    let (code, out) = berth(&["run", "docs/examples/scenarios/first-page.json", "--seed", "minus one"]);
    assert_eq!(code, EXIT_USAGE);
    assert!(out.stderr.contains("--seed needs a whole number"), "{}", out.stderr);
    assert_eq!(berth(&["run", "no/such/file.json"]).0, EXIT_USAGE);
}

#[test]
fn scenario_errors_point_into_the_scenario_file() {
    let dir = std::env::temp_dir().join("berth-cli-test2");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("s.json");
    let text = r#"{
  "berth": 1,
  "name": "broken",
  "cluster": { "instances": [{ "type": "m5.huge", "az": "us-east-1a" }] },
  "taskDefinitions": [{ "family": "x", "containerDefinitions": [{ "name": "a", "image": "i:1", "memory": 4, "cpu": 10 }] }],
  "services": [{ "serviceName": "s", "taskDefinition": "nope", "desiredCount": 1 }]
}"#;
    std::fs::write(&f, text).unwrap();
    let p = f.display().to_string();
    let (code, out) = berth(&["run", &p]);
    assert_eq!(code, EXIT_INVALID);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // The inline task definition's error is positioned inside the scenario file (line 5).
    assert!(lines.iter().any(|l| l.starts_with(&format!("{p}:5:")) && l.contains("memory")), "{}", out.stderr);
    assert!(Path::new(&p).exists());
}

#[test]
fn export_writes_register_task_definition_json() {
    let (code, out) = berth(&["export", "docs/examples/scenarios/taskdefs/web.json"]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["family"], "web");
    assert_eq!(v["containerDefinitions"][0]["portMappings"][0]["hostPort"], 0);
    let dir = std::env::temp_dir().join("berth-export-test");
    let (code, out) = berth(&["export", "docs/examples/scenarios/self-healing.json", "--out", &dir.display().to_string()]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 2, "web and batch");
    let batch: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("batch.json")).unwrap()).unwrap();
    assert_eq!(batch["cpu"], "512");
    assert_eq!(batch["memory"], "1024");
}

#[test]
fn files_a_scenario_names_must_be_small_regular_files() {
    let dir = std::env::temp_dir().join("berth-cli-files-test");
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = |name: &str, file: &str| {
        let p = dir.join(name);
        std::fs::write(&p, format!("{{\"berth\":1,\"name\":\"f\",\"cluster\":{{}},\"taskDefinitions\":[{{\"file\":\"{file}\"}}]}}")).unwrap();
        p.display().to_string()
    };
    // A device never ends: refused before reading, not read until memory runs out.
    let (code, out) = berth(&["validate-scenario", &scenario("dev.json", "/dev/zero")]);
    assert_eq!(code, EXIT_INVALID);
    assert!(out.stderr.contains("taskDefinitions[0].file: cannot read \"/dev/zero\": not a regular file"), "{}", out.stderr);
    // Over 1 MiB: refused after reading 1 MiB and one byte.
    std::fs::write(dir.join("huge.json"), " ".repeat((1 << 20) + 10)).unwrap();
    let (code, out) = berth(&["validate-scenario", &scenario("big.json", "huge.json")]);
    assert_eq!(code, EXIT_INVALID);
    assert!(out.stderr.contains("cannot read \"huge.json\": it is larger than 1 MiB"), "{}", out.stderr);
}
