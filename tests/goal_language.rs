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
    pass(r#"{"tasks": {"service": "web", "taskDefinition": "web:1", "status": "RUNNING", "==": 3}}"#, "3 running tasks of web on web:1: 3 at 00:05:00");
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
    // The image, exactly: nginx:1.27 is not nginx:1.28.
    pass(r#"{"taskDefinition": {"family": "web", "image": "nginx:1.27"}}"#, "task definition web: image nginx:1.27: web:1 (1024 CPU units, 1024 MiB) at 00:05:00");
    fail(r#"{"taskDefinition": {"service": "web", "image": "nginx:1.28"}}"#, "expected the task definition web runs: image nginx:1.28; web:1 runs nginx:1.27 at 00:05:00");
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
    assert_eq!(parse_error(r#"{"servce": "web"}"#), r#"1:2: servce: unknown goal "servce"; did you mean "service"? Goals: service, tasks, taskOn, tasksPerAz, maxTasksPerAz, tasksPerInstance, maxTasksPerInstance, unplaced, instances, hourlyCost, metric, event, taskDefinition, deployment, pods, podOn, podsPerNode, maxPodsPerNode, podsPerZone, maxPodsPerZone, nodes, endpoints, all, any, not, throughout, eventually"#);
    assert_eq!(parse_error(r#"{"service": "web", "runing": 3}"#), r#"1:20: runing: unknown field "runing" in service goal; did you mean "running"? (known: label, service, running, pending, placed, desired, unplaced, revision, current, taskDefinition)"#);
    assert_eq!(parse_error(r#"{"service": "web", "running": {">==": 3}}"#), r#"1:32: running: unknown comparison ">=="; use ==, !=, <, <=, >, >="#);
    assert_eq!(parse_error(r#"{"hourlyCost": {"<": 1}, "instances": {"==": 1}}"#), r#"1:26: : a goal has exactly one key besides "label" (combine goals with "all"); found "hourlyCost", "instances""#);
    assert_eq!(parse_error(r#"{"unplaced": {"service": "web"}}"#), r#"1:14: unplaced: unplaced needs a comparison such as ">=": 1 (operators: ==, !=, <, <=, >, >=)"#);
    assert_eq!(parse_error(r#"{"event": {"task": "web-1"}}"#), r#"1:11: event: "event" needs "type", an event type such as "taskStopped" (see docs/cli.md for the list)"#);
    assert_eq!(parse_error(r#"{"taskOn": {"service": "web"}}"#), r#"1:12: taskOn: taskOn needs which tasks (service, task, family or taskDefinition) and where (instance, instanceType, az, launchType or capacityProvider)"#);
    assert_eq!(parse_error(r#"{"all": []}"#), r#"1:9: all: "all" needs at least one goal"#);
    assert_eq!(parse_error("[1]"), r#"1:1: : a goal is an object such as {"service": "web", "running": {">=": 6}}; found an array"#);
    assert_eq!(parse_error(r#"{"throughout": {"instances": {"==": "two"}}}"#), r#"1:37: throughout.instances.==: == must be a number; found a string "two""#);
}

#[test]
fn actions_follow_the_exercise_rules() {
    let rules = Rules { disabled: vec!["terminateInstance".into()], limits: Limits { max_instances: Some(4), max_desired_count: Some(5), instance_types: Some(vec!["t3.small".into(), "t3.medium".into()]), kubectl: None } };
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

// ---------------------------------------------------------------------------------------------
// Kubernetes goals. The cluster: node group ng-1 (three t3.medium, one per zone) and node group
// spot (one m5.large, SPOT, tainted spot=true:NoSchedule, in us-east-1a); a Deployment web of
// three pods (250m, 256Mi, limits equal: Guaranteed), which the default spread puts one per
// t3.medium node (the Spot node's taint keeps them off it); and a bare pod big asking for 8 CPUs,
// which no node has: Pending with "Insufficient cpu".

const KUBE: &str = r#"{
  "berth": 1,
  "name": "goal language, Kubernetes",
  "seed": 1,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
  "kubernetes": {
    "nodeGroups": [
      { "name": "ng-1", "instanceType": "t3.medium", "desiredSize": 3, "minSize": 1, "maxSize": 5 },
      { "name": "spot", "instanceType": "m5.large", "desiredSize": 1, "minSize": 0, "maxSize": 3, "capacityType": "SPOT",
        "taints": [{ "key": "spot", "value": "true", "effect": "NoSchedule" }] }
    ],
    "manifests": ["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources:\n          requests:\n            cpu: 250m\n            memory: 256Mi\n          limits:\n            cpu: 250m\n            memory: 256Mi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  labels:\n    app: big\nspec:\n  containers:\n  - name: big\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: '8'\n"]
  },
  "runUntil": "2m"
}
"#;

fn kube_check(goals: &[&str], actions: &[&str], until: &str) -> Vec<GoalStatus> {
    let sc = parse_scenario(KUBE, &|_| Err("no files".into())).unwrap();
    let goals = goals.iter().map(|g| parse_goal_text(g).unwrap_or_else(|e| panic!("{g}: {e:?}"))).collect();
    let mut s = Session::start(&sc, goals, Rules::default());
    for a in actions {
        let action = parse_action_text(a).unwrap_or_else(|e| panic!("{a}: {e:?}"));
        s.act(&action).unwrap_or_else(|e| panic!("{a}: {e}"));
    }
    s.run_until(parse_duration(until).unwrap());
    s.checker.status()
}

fn kube(goal: &str) -> (bool, String) {
    let st = kube_check(&[goal], &[], "1m").remove(0);
    (st.ok, st.message)
}

fn kpass(goal: &str, message: &str) {
    assert_eq!(kube(goal), (true, message.to_string()), "{goal}");
}

fn kfail(goal: &str, message: &str) {
    assert_eq!(kube(goal), (false, message.to_string()), "{goal}");
}

#[test]
fn kubernetes_deployment_goals() {
    kpass(r#"{"deployment": "web", "ready": 3}"#, "3 ready pods of deployment web: 3 at 00:01:00");
    kfail(r#"{"deployment": "web", "available": {">=": 4}}"#, "expected ≥ 4 available pods of deployment web; 3 at 00:01:00");
    kpass(
        r#"{"deployment": "web", "namespace": "default", "desired": 3, "replicas": 3, "updated": 3, "revision": 1}"#,
        "desired replicas of deployment web (namespace default) = 3 and 3 pods of deployment web (namespace default) and 3 updated pods of deployment web (namespace default) and deployment web (namespace default) on revision 1: desired 3, replicas 3, updated 3, revision 1 at 00:01:00",
    );
    kfail(r#"{"deployment": "api", "ready": 1}"#, "expected 1 ready pod of deployment api; there is no deployment api at 00:01:00");
    kfail(r#"{"deployment": "web", "namespace": "shop", "ready": 3}"#, "expected 3 ready pods of deployment web (namespace shop); there is no deployment web in namespace shop at 00:01:00");
    // At t = 0 the pods are still being created.
    let st = kube_check(&[r#"{"deployment": "web", "ready": 3}"#], &[], "0s").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (false, "expected 3 ready pods of deployment web; 0 at 00:00:00"));
    // kubectl scale: the desired count follows at once.
    let st = kube_check(&[r#"{"deployment": "web", "desired": 5, "ready": 5}"#], &[r#"{"action": "kubectl", "args": "scale deployment/web --replicas=5"}"#], "1m").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (true, "desired replicas of deployment web = 5 and 5 ready pods of deployment web: desired 5, ready 5 at 00:01:00"));
}

#[test]
fn kubernetes_pod_counts() {
    kpass(r#"{"pods": {"deployment": "web", "==": 3}}"#, "3 pods of deployment web: 3 at 00:01:00");
    kpass(r#"{"pods": {"labels": "app=web", "ready": true, "qos": "Guaranteed", "==": 3}}"#, "3 ready Guaranteed pods with app=web: 3 at 00:01:00");
    kpass(r#"{"pods": {"deployment": "web", "zone": "us-east-1a", "nodegroup": "ng-1", "==": 1}}"#, "1 pod of deployment web in us-east-1a in node group ng-1: 1 at 00:01:00");
    kpass(r#"{"pods": {"labels": "app=web", "capacityType": "SPOT", "==": 0}}"#, "0 pods with app=web on SPOT capacity: 0 at 00:01:00");
    kfail(r#"{"pods": {"phase": "Running", ">=": 4}}"#, "expected ≥ 4 running pods; 3 at 00:01:00");
    kpass(r#"{"pods": {"pod": "big", "phase": "Pending", "qos": "Burstable", "==": 1}}"#, "1 pending Burstable pod big: 1 at 00:01:00");
    kpass(r#"{"pods": {"unschedulable": "Insufficient cpu", "==": 1}}"#, "1 unschedulable pod (\"Insufficient cpu\"): 1 at 00:01:00");
    kfail(r#"{"pods": {"unschedulable": "Insufficient memory", ">=": 1}}"#, "expected ≥ 1 unschedulable pod (\"Insufficient memory\"); 0 at 00:01:00");
    kpass(r#"{"pods": {"unschedulable": true, "labels": "app=web", "==": 0}}"#, "0 unschedulable pods with app=web: 0 at 00:01:00");
    // CPU requests in millicores: web asks for 250m, big for 8 CPUs.
    kpass(r#"{"pods": {"deployment": "web", "cpuRequest": {">=": 200, "<=": 300}, "==": 3}}"#, "3 pods of deployment web requesting ≥ 200m and ≤ 300m CPU: 3 at 00:01:00");
    kfail(r#"{"pods": {"deployment": "web", "cpuRequest": {">=": 400}, "==": 3}}"#, "expected 3 pods of deployment web requesting ≥ 400m CPU; 0 at 00:01:00");
    kpass(r#"{"pods": {"pod": "big", "cpuRequest": 8000, "==": 1}}"#, "1 pod big requesting = 8000m CPU: 1 at 00:01:00");
    // A deleted pod no longer counts.
    let st = kube_check(&[r#"{"pods": {"pod": "big", "==": 0}}"#], &[r#"{"action": "runFor", "duration": "30s"}"#, r#"{"action": "kubectl", "args": "delete pod big"}"#], "30s").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (true, "0 pods big: 0 at 00:00:30"));
}

#[test]
fn kubernetes_pod_on_and_per_place() {
    kpass(r#"{"podOn": {"deployment": "web", "nodegroup": "ng-1"}}"#, "every pod of deployment web in node group ng-1: 3 pods at 00:01:00");
    kfail(r#"{"podOn": {"labels": "app=web", "zone": "us-east-1a"}}"#, "expected every pod with app=web in us-east-1a; web-866679f4b8-w28n2 is on ip-10-0-2-10.ec2.internal (ng-1, t3.medium, ON_DEMAND, us-east-1b) at 00:01:00");
    kfail(r#"{"podOn": {"pod": "big", "fargate": false}}"#, "expected pod big not on Fargate; big is Pending: 0/4 nodes are available: 1 node(s) had untolerated taint {spot: true}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod. at 00:01:00");
    kfail(r#"{"podOn": {"deployment": "api", "zone": "us-east-1a"}}"#, "expected every pod of deployment api in us-east-1a; there is no pod of deployment api at 00:01:00");
    kpass(r#"{"maxPodsPerNode": {"deployment": "web", "max": 1}}"#, "≤ 1 pod of deployment web on every node: ip-10-0-1-10.ec2.internal 1, ip-10-0-2-10.ec2.internal 1, ip-10-0-3-10.ec2.internal 1, ip-10-0-1-11.ec2.internal 0 at 00:01:00");
    kfail(r#"{"podsPerNode": {"deployment": "web", ">=": 1}}"#, "expected ≥ 1 pod of deployment web on every node; ip-10-0-1-11.ec2.internal has 0 at 00:01:00");
    kpass(r#"{"podsPerZone": {"labels": "app=web", "==": 1}}"#, "1 pod with app=web in every zone: us-east-1a 1, us-east-1b 1, us-east-1c 1 at 00:01:00");
    // Scaled to 5, some zone holds two.
    let st = kube_check(&[r#"{"maxPodsPerZone": {"deployment": "web", "max": 1}}"#], &[r#"{"action": "kubectl", "args": "scale deployment/web --replicas=5"}"#], "1m").remove(0);
    assert!(!st.ok && st.message.starts_with("expected ≤ 1 pod of deployment web in every zone; us-east-1"), "{}", st.message);
    assert!(st.message.ends_with(" has 2 at 00:01:00"), "{}", st.message);
}

#[test]
fn kubernetes_nodes() {
    kpass(r#"{"nodes": {"==": 4}}"#, "4 nodes: 4 at 00:01:00");
    kpass(r#"{"nodes": {"nodegroup": "spot", "capacityType": "SPOT", "empty": true, "==": 1}}"#, "1 node of node group spot on SPOT capacity with no pods: 1 at 00:01:00");
    kfail(r#"{"nodes": {"zone": "us-east-1a", "instanceType": "t3.medium", ">=": 2}}"#, "expected ≥ 2 nodes of type t3.medium in us-east-1a; 1 at 00:01:00");
    let st = kube_check(&[r#"{"nodes": {"cordoned": true, "==": 1}}"#], &[r#"{"action": "kubectl", "args": "cordon ip-10-0-2-10.ec2.internal"}"#], "1m").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (true, "1 node, cordoned: 1 at 00:01:00"));
    // In an ECS scenario, a Kubernetes goal finds nothing.
    fail(r#"{"nodes": {">=": 1}}"#, "expected ≥ 1 node; 0 at 00:05:00");
    fail(r#"{"podOn": {"deployment": "web", "zone": "us-east-1a"}}"#, "expected every pod of deployment web in us-east-1a; there is no Kubernetes cluster at 00:05:00");
}

#[test]
fn kubernetes_service_endpoints() {
    let svc = |selector: &str| format!(r#"{{"action": "kubectl", "args": "apply", "manifest": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: {selector}\n  ports:\n  - port: 80\n"}}"#);
    let good = svc("web");
    let goals = [r#"{"endpoints": {"service": "web", "ready": true, "==": 3}}"#, r#"{"endpoints": {"service": "web", "namespace": "default", ">=": 1}}"#, r#"{"endpoints": {"service": "web", "ready": false, "==": 0}}"#];
    let st = kube_check(&goals, &[good.as_str()], "1m");
    assert_eq!((st[0].ok, st[0].message.as_str()), (true, "3 ready endpoints of Service web: 3 at 00:01:00"));
    assert_eq!((st[1].ok, st[1].message.as_str()), (true, "≥ 1 endpoint of Service web (namespace default): 3 at 00:01:00"));
    assert_eq!((st[2].ok, st[2].message.as_str()), (true, "0 unready endpoints of Service web: 0 at 00:01:00"));
    // A selector typo: no pod matches, and the message says so.
    let typo = svc("wbe");
    let st = kube_check(&[goals[0]], &[typo.as_str()], "1m").remove(0);
    assert_eq!((st.ok, st.message.as_str()), (false, "expected 3 ready endpoints of Service web; 0 at 00:01:00 (its selector app=wbe matches no pod)"));
    kfail(goals[0], "expected 3 ready endpoints of Service web; there is no Service web at 00:01:00");
    assert_eq!(parse_error(r#"{"endpoints": {"ready": true, "==": 1}}"#), r#"1:15: endpoints: endpoints needs "service""#);
}

#[test]
fn kubernetes_goal_mistakes() {
    assert_eq!(parse_error(r#"{"deployment": "web", "redy": 3}"#), r#"1:23: redy: unknown field "redy" in deployment goal; did you mean "ready"? (known: label, deployment, namespace, desired, replicas, ready, available, updated, revision)"#);
    assert_eq!(parse_error(r#"{"deployment": "web"}"#), r#"1:1: : a deployment goal needs a check: desired, replicas, ready, available, updated or revision"#);
    assert_eq!(parse_error(r#"{"pods": {"labels": "app", "==": 1}}"#), r#"1:21: pods.labels: labels is a selector such as "app=web" or "app=web,tier=front"; found "app""#);
    assert_eq!(parse_error(r#"{"pods": {"unschedulable": false, "==": 1}}"#), r#"1:28: pods.unschedulable: unschedulable is true (any pod the scheduler could not place) or text its FailedScheduling message contains, such as "Insufficient cpu"; found a boolean false"#);
    assert_eq!(parse_error(r#"{"podOn": {"deployment": "web"}}"#), r#"1:11: podOn: podOn needs which pods (pod, deployment or labels) and where (node, zone, nodegroup, instanceType, capacityType or fargate)"#);
    assert_eq!(parse_error(r#"{"maxPodsPerZone": {"deployment": "web", "zone": "us-east-1a", "max": 1}}"#), r#"1:20: maxPodsPerZone: maxPodsPerZone needs which pods (pod, deployment or labels) and no place (it looks at every zone)"#);
    assert_eq!(parse_error(r#"{"maxPodsPerNode": {"deployment": "web"}}"#), r#"1:20: maxPodsPerNode: maxPodsPerNode needs "max""#);
    assert_eq!(parse_error(r#"{"nodes": {"nodegroup": "ng-1"}}"#), r#"1:11: nodes: nodes needs a comparison such as ">=": 1 (operators: ==, !=, <, <=, >, >=)"#);
    assert_eq!(parse_error(r#"{"pods": {"deploymnet": "web", "==": 1}}"#), r#"1:11: pods.deploymnet: unknown field "deploymnet" in pods; did you mean "deployment"? (known: labels, unschedulable, namespace, pod, deployment, phase, status, ready, qos, cpuRequest, node, zone, nodegroup, instanceType, capacityType, fargate, ==)"#);
}

#[test]
fn kubectl_limits_name_the_allowed_commands() {
    use berth::engine::lesson::action::kubectl_verb;
    assert_eq!(kubectl_verb("scale deployment/web --replicas=3"), "scale");
    assert_eq!(kubectl_verb("kubectl -n shop set image deployment/web web=nginx:1.26"), "set image");
    assert_eq!(kubectl_verb("scale nodegroup ng-1 --nodes=4"), "scale nodegroup");
    assert_eq!(kubectl_verb("rollout undo deployment/web"), "rollout undo");
    let sc = parse_scenario(KUBE, &|_| Err("no files".into())).unwrap();
    let rules = Rules { disabled: vec![], limits: Limits { kubectl: Some(vec!["apply".into(), "cordon".into()]), ..Limits::default() } };
    let mut s = Session::start(&sc, vec![], rules);
    let act = |s: &mut Session, a: &str| s.act(&parse_action_text(a).unwrap()).map_err(|e| e.message);
    assert_eq!(act(&mut s, r#"{"action": "kubectl", "args": "scale deployment/web --replicas=9"}"#), Err("this exercise allows kubectl apply, cordon; asked for kubectl scale".into()));
    assert_eq!(act(&mut s, r#"{"action": "kubectl", "args": "cordon ip-10-0-1-10.ec2.internal"}"#), Ok(()));
    // A kubectl error is the step's error, in kubectl's words.
    let err = act(&mut s, r#"{"action": "kubectl", "args": "cordon ip-10-9-9-9.ec2.internal"}"#).unwrap_err();
    assert!(err.contains("ip-10-9-9-9.ec2.internal"), "{err}");
}

const CAPACITY: &str = r#"{
  "berth": 1, "name": "capacity goals", "seed": 2,
  "cluster": {
    "availabilityZones": ["us-east-1a", "us-east-1b"], "fargate": true,
    "autoScalingGroups": [{ "name": "asg-spot", "instanceType": "t3.medium", "desiredCapacity": 2, "spot": true }]
  },
  "taskDefinitions": [{"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
    "containerDefinitions": [{"name": "app", "image": "example/web:1", "essential": true}]}],
  "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 4, "launchType": "FARGATE",
    "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 1, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 2}]}]
}"#;

#[test]
fn capacity_providers_auto_scaling_groups_and_spot() {
    let sc = parse_scenario(CAPACITY, &|_| Err("no files".into())).unwrap();
    let goals = [
        r#"{"tasks": {"service": "web", "capacityProvider": "FARGATE_SPOT", "==": 2}}"#,
        r#"{"taskOn": {"service": "web", "capacityProvider": "FARGATE"}}"#,
        r#"{"instances": {"autoScalingGroup": "asg-spot", "spot": true, "==": 2}}"#,
        r#"{"instances": {"spot": false, ">=": 1}}"#,
    ];
    let goals = goals.iter().map(|g| parse_goal_text(g).unwrap()).collect();
    let mut s = Session::start(&sc, goals, Rules::default());
    s.run_until(parse_duration("1m").unwrap());
    let st: Vec<(bool, String)> = s.checker.status().into_iter().map(|g| (g.ok, g.message)).collect();
    // Base 1 on FARGATE, the other 3 split 1:2.
    assert_eq!(st[0], (true, "2 tasks of web on capacity provider FARGATE_SPOT: 2 at 00:01:00".to_string()));
    assert!(!st[1].0, "{}", st[1].1);
    assert!(st[1].1.starts_with("expected every task of web on capacity provider FARGATE; web-"), "{}", st[1].1);
    assert!(st[1].1.ends_with(" is on FARGATE in us-east-1a at 00:01:00") || st[1].1.ends_with(" is on FARGATE in us-east-1b at 00:01:00"), "{}", st[1].1);
    assert_eq!(st[2], (true, "2 instances of group asg-spot on Spot: 2 at 00:01:00".to_string()));
    assert_eq!(st[3], (false, "expected ≥ 1 instance on demand; 0 at 00:01:00".to_string()));
}

/// `current` counts RUNNING tasks of the revision the service points at, and a
/// `taskDefinition` goal with `service` checks that revision: goals that follow whatever
/// revision the learner's last deploy registered (web:3 after a wrong try), not a fixed one.
#[test]
fn service_goals_follow_the_revision_the_service_points_at() {
    let goals = [
        r#"{"service": "web", "revision": {">=": 2}, "current": 3}"#,
        r#"{"taskDefinition": {"service": "web", "containers": 2, "essential": ["web"]}}"#,
    ];
    let mut s = session(&goals, Rules::default());
    let deploy = |both_essential: bool| {
        let text = format!(
            r#"{{"family": "web", "containerDefinitions": [{{"name": "web", "image": "nginx:1.27", "cpu": 256, "memory": 512}}, {{"name": "log", "image": "fluent-bit:2", "essential": {}, "cpu": 64, "memory": 128}}]}}"#,
            both_essential
        );
        parse_action_text(&serde_json::json!({"action": "editTaskDefinition", "text": text}).to_string()).unwrap()
    };
    // A wrong first try (web:2: the sidecar essential too) rolls out completely.
    s.act(&deploy(true)).unwrap();
    s.run_until(parse_duration("3m").unwrap());
    let st = s.checker.status();
    assert!(st[0].ok, "{}", st[0].message);
    assert_eq!(st[1].message, "expected the task definition web runs: containers 2, essential: web; web:2's essential containers are log, web at 00:03:00");
    // The fix (web:3): the service points at it at once, but its tasks are not RUNNING yet.
    s.act(&deploy(false)).unwrap();
    let st = s.checker.status();
    assert_eq!(st[0].message, "expected web on revision ≥ 2 and 3 running tasks of web on the revision it points at; revision 3, current 0 at 00:03:00");
    assert!(st[1].ok, "{}", st[1].message);
    s.run_until(parse_duration("6m").unwrap());
    let st = s.checker.status();
    assert!(st.iter().all(|g| g.ok), "{st:?}");
    assert_eq!(st[0].message, "web on revision ≥ 2 and 3 running tasks of web on the revision it points at: revision 3, current 3 at 00:06:00");
}

#[test]
fn a_task_definition_goal_names_a_family_or_a_service() {
    assert_eq!(parse_error(r#"{"taskDefinition": {"containers": 2}}"#), r#"1:20: taskDefinition: taskDefinition needs "family" (its latest revision) or "service" (the revision the service points at)"#);
    assert_eq!(parse_error(r#"{"taskDefinition": {"family": "web", "service": "web", "containers": 2}}"#), r#"1:20: taskDefinition: taskDefinition needs either "family" or "service", not both"#);
    fail(r#"{"taskDefinition": {"service": "api", "containers": 1}}"#, "expected the task definition api runs: containers 1; there is no service api at 00:05:00");
}
