//! The goal language (docs/lessons.md): every operator and goal kind, `throughout` and
//! `eventually`, the exact sentences a learner reads, parse errors with positions, and the
//! rules an exercise sets on actions.
//!
//! One small scenario serves every test: three web tasks, one per instance; at 4m10s i-01 is
//! terminated, its task stops and a replacement (placed at once on i-03, RUNNING a second
//! later) takes its place.

use berth::engine::lesson::action::parse_action_text;
use berth::engine::lesson::goal::parse_goal_text;
use berth::engine::lesson::{GoalStatus, Limits, Rules, Session};
use berth::engine::scenario::{parse_scenario, Scenario};
use berth::engine::time::parse_duration;

const SCENARIO: &str = r#"{
  "berth": 1,
  "name": "goal language",
  "seed": 1,
  "cluster": {
    "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"],
    "instances": [
      { "type": "t3.medium", "az": "us-east-1a" },
      { "type": "t3.medium", "az": "us-east-1b" },
      { "type": "m5.large", "az": "us-east-1c" }
    ]
  },
  "taskDefinitions": [
    { "family": "web", "containerDefinitions": [{ "name": "web", "image": "nginx:1.27", "cpu": 1024, "memory": 1024 }] }
  ],
  "services": [{ "serviceName": "web", "taskDefinition": "web", "desiredCount": 3 }],
  "timeline": [{ "at": "4m10s", "action": "terminateInstance", "instance": "i-01" }]
}"#;

fn scenario() -> Scenario {
    parse_scenario(SCENARIO, &|_| Err("no files".into())).unwrap()
}

fn session(goals: &[&str], rules: Rules) -> Session {
    let goals = goals.iter().map(|g| parse_goal_text(g).unwrap_or_else(|e| panic!("{g}: {e:?}"))).collect();
    Session::start(&scenario(), goals, rules)
}

/// Runs the scenario with `actions` (at t = 0) to `until` and returns each goal's standing.
fn check(goals: &[&str], actions: &[&str], until: &str) -> Vec<GoalStatus> {
    let mut s = session(goals, Rules::default());
    for a in actions {
        let action = parse_action_text(a).unwrap_or_else(|e| panic!("{a}: {e:?}"));
        s.act(&action).unwrap_or_else(|e| panic!("{a}: {e}"));
    }
    s.run_until(parse_duration(until).unwrap());
    s.checker.status()
}

/// One goal, run to 5 minutes: (ok, message).
fn one(goal: &str) -> (bool, String) {
    let st = check(&[goal], &[], "5m").remove(0);
    (st.ok, st.message)
}

fn pass(goal: &str, message: &str) {
    assert_eq!(one(goal), (true, message.to_string()), "{goal}");
}

fn fail(goal: &str, message: &str) {
    assert_eq!(one(goal), (false, message.to_string()), "{goal}");
}

#[test]
fn comparison_operators() {
    pass(r#"{"service": "web", "running": 3}"#, "3 running tasks of web: 3 at 00:05:00");
    pass(r#"{"service": "web", "running": {"==": 3}}"#, "3 running tasks of web: 3 at 00:05:00");
    fail(r#"{"service": "web", "running": {"!=": 3}}"#, "expected ≠ 3 running tasks of web; 3 at 00:05:00");
    fail(r#"{"service": "web", "running": {"<": 3}}"#, "expected < 3 running tasks of web; 3 at 00:05:00");
    pass(r#"{"service": "web", "running": {"<=": 3}}"#, "≤ 3 running tasks of web: 3 at 00:05:00");
    pass(r#"{"service": "web", "running": {">": 2}}"#, "> 2 running tasks of web: 3 at 00:05:00");
    fail(r#"{"service": "web", "running": {">=": 4}}"#, "expected ≥ 4 running tasks of web; 3 at 00:05:00");
    pass(r#"{"service": "web", "running": {">=": 2, "<=": 4}}"#, "≥ 2 and ≤ 4 running tasks of web: 3 at 00:05:00");
    fail(r#"{"service": "web", "running": {">=": 2, "<=": 2}}"#, "expected ≥ 2 and ≤ 2 running tasks of web; 3 at 00:05:00");
}

#[test]
fn service_checks() {
    pass(r#"{"service": "web", "desired": 3, "revision": 1, "taskDefinition": "web:1"}"#, "desired count of web = 3 and web on revision 1 and web runs web:1: desired 3, revision 1, runs web:1 at 00:05:00");
    pass(r#"{"service": "web", "pending": 0, "unplaced": 0}"#, "0 pending tasks of web and 0 unplaced tasks of web: pending 0, unplaced 0 at 00:05:00");
    pass(r#"{"service": "web", "taskDefinition": "web"}"#, "web runs web: web runs web:1 at 00:05:00");
    fail(r#"{"service": "web", "taskDefinition": "web:2"}"#, "expected web runs web:2; web runs web:1 at 00:05:00");
    fail(r#"{"service": "api", "running": 1}"#, "expected 1 running task of api; there is no service api at 00:05:00");
    // Right after the termination the replacement is placed but not yet RUNNING.
    let st = check(&[r#"{"service": "web", "running": 2, "pending": 1, "placed": 3}"#], &[], "4m10s").remove(0);
    assert!(st.ok, "{}", st.message);
    assert_eq!(st.message, "2 running tasks of web and 1 pending task of web and 3 placed tasks of web: running 2, pending 1, placed 3 at 00:04:10");
}

#[test]
fn labels_title_the_checklist_but_messages_stay_precise() {
    let st = check(&[r#"{"label": "Three web tasks", "service": "web", "running": 4}"#], &[], "5m").remove(0);
    assert_eq!(st.title, "Three web tasks");
    assert_eq!(st.message, "expected 4 running tasks of web; 3 at 00:05:00");
    let st = check(&[r#"{"service": "web", "running": 3}"#], &[], "5m").remove(0);
    assert_eq!(st.title, "3 running tasks of web");
}

#[test]
fn throughout() {
    fail(r#"{"throughout": {"service": "web", "running": {">=": 3}}}"#, "expected ≥ 3 running tasks of web throughout; dropped to 2 at 00:04:10");
    // A replacement is placed in the same instant, so the placed count never drops.
    pass(r#"{"throughout": {"service": "web", "placed": {">=": 3}}}"#, "≥ 3 placed tasks of web throughout: held from 00:00:00 to 00:05:00");
    // It counts from when it first holds: the tasks are RUNNING at 4 s.
    let st = check(&[r#"{"throughout": {"service": "web", "running": {">=": 3}}}"#], &[], "4m").remove(0);
    assert_eq!((st.ok, st.message.as_str(), st.settled), (true, "≥ 3 running tasks of web throughout: held from 00:00:04 to 00:04:00", false));
    fail(r#"{"throughout": {"service": "web", "running": {">=": 4}}}"#, "expected ≥ 4 running tasks of web throughout; never held (3 at 00:05:00)");
    // Upper bounds rise; per-place goals say where.
    let st = check(&[r#"{"throughout": {"instances": {"<=": 3}}}"#], &[r#"{"action": "runFor", "duration": "1m"}"#, r#"{"action": "addInstances", "type": "t3.small"}"#], "5m").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (false, "expected ≤ 3 instances throughout; rose to 4 at 00:01:00"));
    fail(r#"{"throughout": {"tasksPerAz": {"service": "web", "<=": 1}}}"#, "expected ≤ 1 task of web in every AZ throughout; us-east-1c has 2 at 00:04:10");
    // Once failed, it stays failed even when the value recovers.
    let st = check(&[r#"{"throughout": {"service": "web", "running": {">=": 3}}}"#], &[], "5m").remove(0);
    assert!(st.settled);
}

#[test]
fn eventually() {
    let st = check(&[r#"{"eventually": {"instances": {"==": 2}}}"#], &[], "5m").remove(0);
    assert_eq!((st.ok, st.message.as_str(), st.settled), (true, "2 instances at some point: first held at 00:04:10", true));
    fail(r#"{"eventually": {"instances": {"==": 5}}}"#, "expected 5 instances at some point; never held (2 at 00:05:00)");
    // A plain goal is judged at the end only: 3 instances held until 4m10s, but not now.
    fail(r#"{"instances": {"==": 3}}"#, "expected 3 instances; 2 at 00:05:00");
    pass(r#"{"eventually": {"instances": {"==": 3}}}"#, "3 instances at some point: first held at 00:00:00");
}

#[test]
fn events() {
    pass(r#"{"event": {"type": "instanceTerminated", "instance": "i-01"}}"#, "an instanceTerminated event (instance i-01): happened at 00:04:10");
    fail(r#"{"event": {"type": "instanceTerminated", "instance": "i-02"}}"#, "expected an instanceTerminated event (instance i-02); none by 00:05:00");
    pass(r#"{"not": {"event": {"type": "taskUnplaceable"}}}"#, "no taskUnplaceable event: none by 00:05:00");
    fail(r#"{"not": {"event": {"type": "taskStopped"}}}"#, "expected no taskStopped event; happened at 00:04:10");
    pass(r#"{"event": {"type": "taskPlaced", "service": "web", "times": {">=": 4}}}"#, "≥ 4 taskPlaced events (service web): 4 by 00:05:00");
    fail(r#"{"event": {"type": "taskPlaced", "service": "web", "times": 3}}"#, "expected 3 taskPlaced events (service web); 4 by 00:05:00");
    // A list field matches when it contains the value.
    pass(r#"{"event": {"type": "instanceTerminated", "tasksStopped": "web-2"}}"#, "an instanceTerminated event (tasksStopped web-2): happened at 00:04:10");
    // Numbers compare as numbers.
    pass(r#"{"event": {"type": "serviceCreated", "desiredCount": 3.0}}"#, "a serviceCreated event (desiredCount 3.0): happened at 00:00:00");
}

#[test]
fn tasks_and_where_they_run() {
    pass(r#"{"tasks": {"service": "web", "az": "us-east-1a", "==": 0}}"#, "0 tasks of web in us-east-1a: 0 at 00:05:00");
    pass(r#"{"tasks": {"service": "web", "instanceType": "m5.large", ">=": 1}}"#, "≥ 1 task of web on m5.large: 2 at 00:05:00");
    pass(r#"{"tasks": {"family": "web", "status": ["RUNNING", "PENDING"], "==": 3}}"#, "3 running or pending tasks of family web: 3 at 00:05:00");
    pass(r#"{"tasks": {"taskDefinition": "web:1", "instance": ["i-02", "i-03"], "launchType": "EC2", "==": 3}}"#, "3 tasks of web:1 on i-02 or i-03 on EC2: 3 at 00:05:00");
    pass(r#"{"taskOn": {"service": "web", "instanceType": ["t3.medium", "m5.large"]}}"#, "every task of web on t3.medium or m5.large: 3 tasks at 00:05:00");
    fail(r#"{"taskOn": {"service": "web", "az": "us-east-1c"}}"#, "expected every task of web in us-east-1c; web-3 is on i-02 (t3.medium, us-east-1b) at 00:05:00");
    fail(r#"{"taskOn": {"task": "web-2", "instance": "i-01"}}"#, "expected web-2 on i-01; web-2 is not running at 00:05:00");
    pass(r#"{"taskOn": {"task": "web-4", "instance": "i-03"}}"#, "web-4 on i-03: web-4 is on i-03 (m5.large, us-east-1c) at 00:05:00");
    fail(r#"{"taskOn": {"service": "api", "az": "us-east-1a"}}"#, "expected every task of api in us-east-1a; there is no task of api at 00:05:00");
}

#[test]
fn per_az_and_per_instance() {
    fail(r#"{"tasksPerAz": {"service": "web", ">=": 1}}"#, "expected ≥ 1 task of web in every AZ; us-east-1a has 0 at 00:05:00");
    fail(r#"{"maxTasksPerAz": {"service": "web", "max": 1}}"#, "expected ≤ 1 task of web in every AZ; us-east-1c has 2 at 00:05:00");
    pass(r#"{"maxTasksPerAz": {"service": "web", "max": 2}}"#, "≤ 2 tasks of web in every AZ: us-east-1a 0, us-east-1b 1, us-east-1c 2 at 00:05:00");
    pass(r#"{"tasksPerInstance": {"service": "web", "<=": 2}}"#, "≤ 2 tasks of web on every instance: i-02 1, i-03 2 at 00:05:00");
    fail(r#"{"maxTasksPerInstance": {"service": "web", "max": 1}}"#, "expected ≤ 1 task of web on every instance; i-03 has 2 at 00:05:00");
}

#[test]
fn unplaced_instances_and_cost() {
    pass(r#"{"unplaced": {"==": 0}}"#, "0 unplaced tasks: 0 at 00:05:00");
    fail(r#"{"unplaced": {"service": "web", ">": 0}}"#, "expected > 0 unplaced tasks of web; 0 at 00:05:00");
    // Ask for more than fits: two t3.medium-sized slots are left after the termination.
    let st = check(&[r#"{"unplaced": {"service": "web", "==": 2}}"#], &[r#"{"action": "updateService", "service": "web", "desiredCount": 6}"#], "5m").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (true, "2 unplaced tasks of web: 2 at 00:05:00"));
    pass(r#"{"instances": {"type": "t3.medium", "==": 1}}"#, "1 instance of type t3.medium: 1 at 00:05:00");
    pass(r#"{"instances": {"empty": true, "==": 0}}"#, "0 instances with no tasks: 0 at 00:05:00");
    pass(r#"{"instances": {"service": "web", "==": 2}}"#, "2 instances running tasks of web: 2 at 00:05:00");
    pass(r#"{"instances": {"az": ["us-east-1a", "us-east-1b"], "<=": 1}}"#, "≤ 1 instance in us-east-1a or us-east-1b: 1 at 00:05:00");
    pass(r#"{"hourlyCost": {"<": 0.15}}"#, "hourly cost < $0.15: $0.1376 at 00:05:00");
    fail(r#"{"hourlyCost": {">=": 0.5}}"#, "expected hourly cost ≥ $0.50; $0.1376 at 00:05:00");
    let st = check(&[r#"{"hourlyCost": {"<": 0.15}}"#], &[], "1m").remove(0);
    assert_eq!(st.message, "expected hourly cost < $0.15; $0.1792 at 00:01:00");
}

#[test]
fn task_definitions() {
    pass(
        r#"{"taskDefinition": {"family": "web", "valid": true, "revision": 1, "fargate": false, "cpu": 1024, "memory": 1024, "containers": 1, "essentialContainers": 1, "essential": ["web"], "networkMode": "bridge"}}"#,
        "task definition web: registered (valid), revision 1, not Fargate-compatible, CPU units 1024, memory 1024 MiB, containers 1, essential containers 1, essential: web, network mode bridge: web:1 (1024 CPU units, 1024 MiB) at 00:05:00",
    );
    fail(r#"{"taskDefinition": {"family": "web", "fargate": true}}"#, "expected task definition web: Fargate-compatible; web:1 is not Fargate-compatible (requiresCompatibilities has no FARGATE) at 00:05:00");
    fail(r#"{"taskDefinition": {"family": "web", "memory": {">=": 2048}}}"#, "expected task definition web: memory ≥ 2048 MiB; web:1 reserves 1024 MiB at 00:05:00");
    fail(r#"{"taskDefinition": {"family": "web", "revision": {">=": 2}}}"#, "expected task definition web: revision ≥ 2; the latest is web:1 at 00:05:00");
    fail(r#"{"taskDefinition": {"family": "web", "essential": ["web", "sidecar"]}}"#, "expected task definition web: essential: web, sidecar; web:1's essential containers are web at 00:05:00");
    pass(r#"{"taskDefinition": {"family": "api", "valid": false}}"#, "task definition api: not registered: no revision of api is registered at 00:05:00");
    fail(r#"{"taskDefinition": {"family": "api", "valid": true}}"#, "expected task definition api: registered (valid); no revision of api is registered at 00:05:00");
}

#[test]
fn all_any_not() {
    fail(
        r#"{"all": [{"service": "web", "running": 3}, {"instances": {"==": 3}}, {"hourlyCost": {"<": 0.1}}]}"#,
        "expected all of: 3 running tasks of web; 3 instances; hourly cost < $0.10; not met: 3 instances (2 at 00:05:00), hourly cost < $0.10 ($0.1376 at 00:05:00)",
    );
    pass(r#"{"all": [{"service": "web", "running": 3}, {"instances": {"==": 2}}]}"#, "all of: 3 running tasks of web; 2 instances: all 2 hold at 00:05:00");
    pass(r#"{"any": [{"instances": {"==": 2}}, {"hourlyCost": {"<": 0.1}}]}"#, "one of: 2 instances; hourly cost < $0.10: 2 instances (2 at 00:05:00)");
    fail(
        r#"{"any": [{"instances": {"==": 3}}, {"hourlyCost": {"<": 0.1}}]}"#,
        "expected one of: 3 instances; hourly cost < $0.10; none held: 3 instances (2 at 00:05:00), hourly cost < $0.10 ($0.1376 at 00:05:00)",
    );
    fail(r#"{"not": {"service": "web", "running": 3}}"#, "expected not (3 running tasks of web); 3 at 00:05:00");
    pass(r#"{"not": {"service": "web", "running": 4}}"#, "not (4 running tasks of web): 3 at 00:05:00");
    // Temporal goals nest: "at some point, all three AZs had a web task".
    pass(r#"{"eventually": {"tasksPerAz": {"service": "web", "==": 1}}}"#, "1 task of web in every AZ at some point: first held at 00:00:00");
}

#[test]
fn goals_are_checked_after_every_step() {
    // Nothing happens between 4 s and 4m10s; the checker looks after each processed instant.
    let mut s = session(&[r#"{"service": "web", "running": 3}"#], Rules::default());
    assert_eq!(s.checker.observations(), 1);
    assert!(!s.checker.all_met(), "the tasks are PENDING at t = 0");
    s.run_until(parse_duration("5m").unwrap());
    assert!(s.checker.all_met());
    // t = 0 (start), 4 s (RUNNING), 4m10s (termination), 4m11s (replacement RUNNING), 5m (clock).
    assert_eq!(s.checker.observations(), 5);
}

fn parse_error(goal: &str) -> String {
    let diags = parse_goal_text(goal).expect_err(goal);
    diags.iter().map(|d| format!("{}:{}: {}: {}", d.pos.line, d.pos.col, d.path, d.message)).collect::<Vec<_>>().join("\n")
}

#[test]
fn mistakes_in_goals_point_at_their_place() {
    assert_eq!(parse_error(r#"{"servce": "web"}"#), r#"1:2: servce: unknown goal "servce"; did you mean "service"? Goals: service, tasks, taskOn, tasksPerAz, maxTasksPerAz, tasksPerInstance, maxTasksPerInstance, unplaced, instances, hourlyCost, metric, event, taskDefinition, all, any, not, throughout, eventually"#);
    assert_eq!(parse_error(r#"{"service": "web", "runing": 3}"#), r#"1:20: runing: unknown field "runing" in service goal; did you mean "running"? (known: label, service, running, pending, placed, desired, unplaced, revision, taskDefinition)"#);
    assert_eq!(parse_error(r#"{"service": "web", "running": {">==": 3}}"#), r#"1:32: running: unknown comparison ">=="; use ==, !=, <, <=, >, >="#);
    assert_eq!(parse_error(r#"{"hourlyCost": {"<": 1}, "instances": {"==": 1}}"#), r#"1:26: : a goal has exactly one key besides "label" (combine goals with "all"); found "hourlyCost", "instances""#);
    assert_eq!(parse_error(r#"{"unplaced": {"service": "web"}}"#), r#"1:14: unplaced: unplaced needs a comparison such as ">=": 1 (operators: ==, !=, <, <=, >, >=)"#);
    assert_eq!(parse_error(r#"{"event": {"task": "web-1"}}"#), r#"1:11: event: "event" needs "type", an event type such as "taskStopped" (see docs/cli.md for the list)"#);
    assert_eq!(parse_error(r#"{"taskOn": {"service": "web"}}"#), r#"1:12: taskOn: taskOn needs which tasks (service, task, family or taskDefinition) and where (instance, instanceType, az or launchType)"#);
    assert_eq!(parse_error(r#"{"all": []}"#), r#"1:9: all: "all" needs at least one goal"#);
    assert_eq!(parse_error("[1]"), r#"1:1: : a goal is an object such as {"service": "web", "running": {">=": 6}}; found an array"#);
    assert_eq!(parse_error(r#"{"throughout": {"instances": {"==": "two"}}}"#), r#"1:37: throughout.instances.==: == must be a number; found a string "two""#);
}

#[test]
fn actions_follow_the_exercise_rules() {
    let rules = Rules { disabled: vec!["terminateInstance".into()], limits: Limits { max_instances: Some(4), max_desired_count: Some(5), instance_types: Some(vec!["t3.small".into(), "t3.medium".into()]) } };
    let mut s = session(&[], rules);
    let act = |s: &mut Session, a: &str| s.act(&parse_action_text(a).unwrap()).map_err(|e| e.message);
    assert_eq!(act(&mut s, r#"{"action": "terminateInstance", "instance": "i-01"}"#), Err("terminateInstance is not available in this exercise".into()));
    assert_eq!(act(&mut s, r#"{"action": "addInstances", "type": "m5.large"}"#), Err("this exercise allows instance types t3.small, t3.medium; asked for m5.large".into()));
    assert_eq!(act(&mut s, r#"{"action": "addInstances", "type": "t3.small", "count": 2}"#), Err("this exercise allows at most 4 container instances; the cluster has 3 and 2 more were asked for".into()));
    assert_eq!(act(&mut s, r#"{"action": "addInstances", "type": "t3.small"}"#), Ok(()));
    assert_eq!(act(&mut s, r#"{"action": "updateService", "service": "web", "desiredCount": 6}"#), Err("this exercise allows a desired count of at most 5; asked for 6".into()));
    assert_eq!(act(&mut s, r#"{"action": "updateService", "service": "nope", "desiredCount": 2}"#).map_err(|e| e.contains("nope")), Err(true));
    assert_eq!(act(&mut s, r#"{"action": "runUntil", "at": "1m"}"#), Ok(()));
    assert_eq!(act(&mut s, r#"{"action": "runUntil", "at": "30s"}"#), Err("runUntil 00:00:30 is in the past (the clock shows 00:01:00)".into()));
}

#[test]
fn edit_task_definition_deploys_or_reports_the_problems() {
    let mut s = session(&[r#"{"service": "web", "taskDefinition": "web:2", "running": 3}"#], Rules::default());
    let broken = r#"{"action": "editTaskDefinition", "text": "{\"family\": \"web\", \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1.27\", \"essential\": false, \"memory\": 512}]}"}"#;
    let err = s.act(&parse_action_text(broken).unwrap()).unwrap_err();
    assert!(err.message.starts_with("the task definition is not valid: 1:"), "{}", err.message);
    assert!(err.diagnostics.iter().any(|d| d.rule == "no-essential-container"), "{:?}", err.diagnostics);
    let fixed = r#"{"action": "editTaskDefinition", "text": "{\"family\": \"web\", \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1.27\", \"cpu\": 256, \"memory\": 512}]}"}"#;
    s.act(&parse_action_text(fixed).unwrap()).unwrap();
    s.run_until(parse_duration("1m").unwrap());
    let st = s.checker.status().remove(0);
    assert!(st.ok, "{}", st.message);
}

#[test]
fn mistakes_in_actions_point_at_their_place() {
    let e = parse_action_text(r#"{"action": "terminateInstanse", "instance": "i-01"}"#).unwrap_err();
    assert_eq!((e[0].pos.line, e[0].pos.col), (1, 12));
    assert!(e[0].message.starts_with(r#"unknown action "terminateInstanse"; did you mean "terminateInstance"?"#), "{}", e[0].message);
    let e = parse_action_text(r#"{"action": "runFor", "duration": "5 minutes"}"#).unwrap_err();
    assert_eq!((e[0].pos.col, e[0].path.as_str()), (34, "duration"));
    let e = parse_action_text(r#"{"action": "addInstances", "type": "t3.small", "cont": 2}"#).unwrap_err();
    assert_eq!(e[0].pos.col, 48);
    assert!(e[0].message.contains("unknown field `cont`"), "{}", e[0].message);
}
