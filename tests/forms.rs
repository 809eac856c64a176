//! The page's service forms (src/shell/forms.rs): what a learner types becomes the command a
//! lesson's reference solution would send, or a message naming the field.

use berth::engine::sim::Command;
use berth::engine::task::TaskStatus;
use berth::engine::time::MINUTE;
use berth::engine::event::EventKind;
use berth::shell::forms::{self, AutoScalingForm, CapacityProviderForm, DeploymentForm, KubectlForm, PlacementForm, RunTaskForm, ServiceForm, StrategyRow};
use serde_json::json;

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

fn cluster() -> berth::engine::sim::Engine {
    start(&json!({
        "berth": 1, "name": "forms", "seed": 7,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b"], "instances": [{"type": "m5.large", "count": 4}]},
        "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "app", "image": "example/web:1", "cpu": 256, "memory": 512, "essential": true}]}]
    }))
}

fn form() -> ServiceForm {
    ServiceForm { name: "web".into(), task_definition: "web".into(), desired: "4".into(), launch_type: "EC2".into(), strategy: "default".into(), ..Default::default() }
}

fn live_per_instance(e: &berth::engine::sim::Engine) -> Vec<(String, usize)> {
    let mut m = std::collections::BTreeMap::<String, usize>::new();
    for t in e.tasks().values().filter(|t| t.last_status == TaskStatus::Running) {
        if let Some(i) = &t.instance {
            *m.entry(i.clone()).or_default() += 1;
        }
    }
    m.into_iter().collect()
}

#[test]
fn create_service_builds_the_command_a_solution_would_send() {
    let f = ServiceForm { strategy: "binpack-memory".into(), distinct_instance: false, member_of: "attribute:ecs.availability-zone == us-east-1a".into(), ..form() };
    let cmd = forms::create_service(&f).expect("valid");
    let expected: Command = serde_json::from_value(json!({
        "action": "createService", "serviceName": "web", "taskDefinition": "web", "desiredCount": 4, "launchType": "EC2",
        "placementStrategy": [{"type": "binpack", "field": "memory"}],
        "placementConstraints": [{"type": "memberOf", "expression": "attribute:ecs.availability-zone == us-east-1a"}]
    }))
    .expect("reference command");
    assert_eq!(cmd, expected);
}

#[test]
fn a_created_service_places_its_tasks_as_the_strategy_says() {
    // binpack on memory with a memberOf on us-east-1a: all four tasks on the first 1a instance.
    let mut e = cluster();
    let f = ServiceForm { strategy: "binpack-memory".into(), member_of: "attribute:ecs.availability-zone == us-east-1a".into(), ..form() };
    e.apply(forms::create_service(&f).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    let placed = live_per_instance(&e);
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert_eq!(placed[0].1, 4);
    let az = &e.instances()[&placed[0].0].az;
    assert_eq!(az, "us-east-1a");
    // distinctInstance with the default strategy: one task per instance.
    let mut e = cluster();
    e.apply(forms::create_service(&ServiceForm { distinct_instance: true, ..form() }).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    assert_eq!(live_per_instance(&e).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 1, 1, 1]);
}

#[test]
fn create_service_names_the_wrong_field() {
    let cases: Vec<(ServiceForm, &str)> = vec![
        (ServiceForm { name: "".into(), ..form() }, "Service name: is empty"),
        (ServiceForm { name: "my web".into(), ..form() }, "Service name: ' ' is not allowed: use letters, digits, hyphens and underscores"),
        (ServiceForm { task_definition: " ".into(), ..form() }, "Task definition: choose a registered task definition (deploy one from the editor first)"),
        (ServiceForm { desired: "four".into(), ..form() }, "Desired count: must be a whole number from 0 to 1000; \"four\" is not"),
        (ServiceForm { desired: "-1".into(), ..form() }, "Desired count: must be a whole number from 0 to 1000; \"-1\" is not"),
        (
            ServiceForm { desired: "5000".into(), ..form() },
            "Desired count: must be a whole number from 0 to 1000; 5000 is too many (Berth's forms stop at 1000 tasks per service so that a typo cannot flood the sandbox; ECS's own quota is 5000)",
        ),
        (ServiceForm { launch_type: "LAMBDA".into(), ..form() }, "Launch type: \"LAMBDA\" is not EC2 or FARGATE"),
    ];
    for (f, want) in cases {
        assert_eq!(forms::create_service(&f).map_err(|e| e.to_string()), Err(want.to_string()), "{f:?}");
    }
    // A broken memberOf expression is reported with the query language's own message.
    let e = forms::create_service(&ServiceForm { member_of: "attribute:ecs.instance-type ==".into(), ..form() }).unwrap_err();
    assert_eq!(e.field, "memberOf expression");
    assert!(!e.message.is_empty());
}

#[test]
fn run_task_limits_and_placement() {
    assert_eq!(
        forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "11".into(), ..Default::default() }).map_err(|e| e.to_string()),
        Err("Count: 11 is more than the 10 Berth allows".to_string())
    );
    assert_eq!(
        forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "0".into(), ..Default::default() }).map_err(|e| e.to_string()),
        Err("Count: must be at least 1".to_string())
    );
    let mut e = cluster();
    let cmd = forms::run_task(&RunTaskForm { task_definition: "web".into(), count: "3".into(), launch_type: "EC2".into(), strategy: "spread-instance".into() }).expect("valid");
    e.apply(cmd).expect("accepted");
    e.run_until(2 * MINUTE);
    assert_eq!(live_per_instance(&e).iter().map(|(_, n)| *n).collect::<Vec<_>>(), vec![1, 1, 1]);
    assert!(e.tasks().values().all(|t| t.service.is_none()));
}

#[test]
fn deployment_settings_change_the_rolling_update_bounds() {
    let mut e = cluster();
    e.apply(forms::create_service(&form()).expect("valid")).expect("accepted");
    e.run_until(2 * MINUTE);
    let f = DeploymentForm { minimum_healthy_percent: "50".into(), maximum_percent: "100".into(), circuit_breaker: true, rollback: true };
    assert_eq!(forms::bounds_text(4, &f).as_deref(), Some("with 4 desired: at least 2 healthy, at most 4 running or pending during a deployment"));
    e.apply(forms::update_deployment("web", &f, true).expect("valid")).expect("accepted");
    let cfg = &e.services()["web"].config;
    assert_eq!((cfg.minimum_healthy_percent, cfg.maximum_percent), (50, 100));
    assert!(cfg.deployment_circuit_breaker.enable && cfg.deployment_circuit_breaker.rollback);
    // The forced deployment replaces two tasks at a time: never more than 4 live, never fewer
    // than 2 running.
    let mut min_running = u32::MAX;
    let mut max_live = 0;
    let end = e.now() + 5 * MINUTE;
    while e.now() < end && e.step() {
        let live = e.tasks().values().filter(|t| t.desired_status == TaskStatus::Running && t.service.is_some()).count() as u32;
        let running = e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.desired_status == TaskStatus::Running).count() as u32;
        max_live = max_live.max(live);
        min_running = min_running.min(running);
    }
    assert_eq!(max_live, 4);
    assert_eq!(min_running, 2);
    assert_eq!(e.snapshot().services[0].rollout_state, "COMPLETED", "the new deployment completed");

    let bad = |min: &str, max: &str, cb: bool, rb: bool| {
        forms::update_deployment("web", &DeploymentForm { minimum_healthy_percent: min.into(), maximum_percent: max.into(), circuit_breaker: cb, rollback: rb }, false)
            .map_err(|e| e.to_string())
    };
    assert_eq!(bad("101", "200", false, false), Err("Minimum healthy percent: 101 is more than the 100 Berth allows".into()));
    assert_eq!(bad("-1", "200", false, false), Err("Minimum healthy percent: must be a whole number from 0 to 100; \"-1\" is not".into()));
    assert_eq!(bad("100", "90", false, false), Err("Maximum percent: must be at least 100; got 90".into()));
    assert_eq!(bad("100", "200", false, true), Err("Rollback: needs the circuit breaker turned on".into()));
}

/// An exercise's JSON (scenario and reference solution) from lessons/.
fn exercise(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{}/lessons/{path}", env!("CARGO_MANIFEST_DIR"))).expect("lesson file");
    serde_json::from_str(&text).expect("lesson JSON")
}

fn row(provider: &str, base: &str, weight: &str) -> StrategyRow {
    StrategyRow { provider: provider.into(), base: base.into(), weight: weight.into() }
}

fn instances_of(e: &berth::engine::sim::Engine, group: &str) -> Vec<String> {
    e.instances().values().filter(|i| i.attributes.get("aws:autoscaling:groupName").is_some_and(|g| g == group)).map(|i| i.id.clone()).collect()
}

fn running_on(e: &berth::engine::sim::Engine, instance: &str) -> usize {
    e.tasks().values().filter(|t| t.last_status == TaskStatus::Running && t.instance.as_deref() == Some(instance)).count()
}

#[test]
fn capacity_provider_and_strategy_forms_solve_the_target_capacity_exercise() {
    // Chapter 11's "Managed scaling with one instance of headroom", done with the page's forms.
    let ex = exercise("11-cluster-capacity/02-target-capacity.json");
    let cp = forms::create_capacity_provider(&CapacityProviderForm {
        name: "cp-web".into(),
        group: "asg-web".into(),
        managed_scaling: true,
        target_capacity: "75".into(),
        termination_protection: false,
    })
    .expect("valid");
    let svc = forms::create_service(&ServiceForm {
        desired: "6".into(),
        launch_type: "FARGATE".into(), // ignored: a strategy replaces the launch type
        strategy: "binpack-memory".into(),
        capacity_providers: vec![row("cp-web", "", "1")],
        ..form()
    })
    .expect("valid");
    // The same commands as the exercise's reference solution.
    let solution: Vec<Command> = ex["solution"].as_array().expect("solution")[1..].iter().map(|a| serde_json::from_value(a.clone()).expect("command")).collect();
    assert_eq!(vec![cp.clone(), svc.clone()], solution);

    let mut e = start(&ex["scenario"]);
    e.run_until(10_000);
    e.apply(cp).expect("provider accepted");
    e.apply(svc).expect("service accepted");
    // Scale-out overshoots while tasks wait; scale-in follows 15 minutes later.
    e.run_until(25 * MINUTE);
    assert_eq!(e.snapshot().services[0].running, 6);
    let group = instances_of(&e, "asg-web");
    // 3 / 4 × 100 = 75: three busy m5.large (two 1-vCPU tasks each) and one kept empty.
    let mut per_instance: Vec<usize> = group.iter().map(|i| running_on(&e, i)).collect();
    per_instance.sort();
    assert_eq!(per_instance, vec![0, 2, 2, 2]);
    let snap = e.snapshot();
    assert_eq!(snap.capacity_providers[0].target_capacity, Some(75));
    assert_eq!(snap.groups[0].desired, 4);
}

#[test]
fn a_fargate_strategy_splits_base_then_weights() {
    let cmd = forms::create_service(&ServiceForm { desired: "8".into(), capacity_providers: vec![row("FARGATE", "2", "1"), row("FARGATE_SPOT", "", "1")], ..form() }).expect("valid");
    let expected: Command = serde_json::from_value(json!({
        "action": "createService", "serviceName": "web", "taskDefinition": "web", "desiredCount": 8, "launchType": "FARGATE",
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "base": 2, "weight": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}]
    }))
    .expect("reference command");
    assert_eq!(cmd, expected);
    // On the Fargate Spot exercise's cluster: the base 2 plus half of the other six on FARGATE.
    let ex = exercise("11-cluster-capacity/03-fargate-spot.json");
    let mut e = start(&ex["scenario"]);
    e.apply(cmd).expect("accepted");
    e.run_until(3 * MINUTE);
    let live: Vec<_> = e.tasks().values().filter(|t| t.last_status == TaskStatus::Running).collect();
    assert_eq!(live.len(), 8);
    let on_provider = |p: &str| live.iter().filter(|t| t.capacity_provider.as_deref() == Some(p)).count();
    assert_eq!((on_provider("FARGATE"), on_provider("FARGATE_SPOT")), (5, 3));
}

#[test]
fn strategy_grace_period_and_load_balancer_messages() {
    let rows = |r: Vec<StrategyRow>| forms::create_service(&ServiceForm { capacity_providers: r, ..form() }).map_err(|e| e.to_string());
    assert_eq!(rows(vec![row("", "", "1")]), Err("Capacity provider strategy: row 1: choose a capacity provider".into()));
    assert_eq!(rows(vec![row("cp-web", "two", "1")]), Err("Capacity provider strategy: row 1: base \"two\" is not a whole number".into()));
    assert_eq!(rows(vec![row("FARGATE", "", "1"), row("FARGATE_SPOT", "", "1001")]), Err("Capacity provider strategy: row 2: weight must be 0–1000; got 1001".into()));
    assert_eq!(
        rows(vec![row("FARGATE", "1", "1"), row("FARGATE_SPOT", "1", "1")]),
        Err("Capacity provider strategy: only one capacity provider in a strategy can have a base; FARGATE, FARGATE_SPOT do".into())
    );
    assert_eq!(
        rows(vec![row("FARGATE", "2", "0"), row("FARGATE_SPOT", "", "0")]),
        Err("Capacity provider strategy: at least one capacity provider must have a weight greater than 0; with all weights 0, RunTask and CreateService fail".into())
    );
    assert_eq!(
        rows(vec![row("cp-web", "", "1"), row("FARGATE_SPOT", "", "1")]),
        Err("Capacity provider strategy: a strategy can't mix Fargate (FARGATE_SPOT) and Auto Scaling group (cp-web) capacity providers".into())
    );
    assert_eq!(rows(vec![row("cp-web", "", "1"), row("cp-web", "", "2")]), Err("Capacity provider strategy: capacity provider \"cp-web\" appears twice in the strategy".into()));
    let grace = |g: &str| forms::create_service(&ServiceForm { grace_period: g.into(), ..form() }).map_err(|e| e.to_string());
    assert_eq!(grace("soon"), Err(format!("Health check grace period: must be a whole number from 0 to {}; \"soon\" is not", berth::shell::forms::MAX_GRACE_SECONDS)));
    assert_eq!(grace("3000000000"), Err("Health check grace period: 3000000000 is more than the 2147483647 Berth allows".into()));

    // Grace period and a load balancer with default settings: the target group web-tg gets
    // every task, and failed checks are ignored for 120 s.
    let cmd = forms::create_service(&ServiceForm { grace_period: " 120 ".into(), load_balancer: true, ..form() }).expect("valid");
    let expected: Command = serde_json::from_value(json!({
        "action": "createService", "serviceName": "web", "taskDefinition": "web", "desiredCount": 4, "launchType": "EC2",
        "healthCheckGracePeriodSeconds": 120, "loadBalancer": {}
    }))
    .expect("reference command");
    assert_eq!(cmd, expected);
    let mut e = cluster();
    e.apply(cmd).expect("accepted");
    e.run_until(2 * MINUTE);
    assert_eq!(e.services()["web"].grace_ms, 120_000);
    let registered: Vec<&str> = e.events().iter().filter_map(|ev| match &ev.kind { EventKind::TargetRegistered { target_group, .. } => Some(target_group.as_str()), _ => None }).collect();
    assert_eq!(registered, vec!["web-tg"; 4]);
}

#[test]
fn set_desired_capacity_solves_the_resize_exercise() {
    let ex = exercise("11-cluster-capacity/01-resize-the-group.json");
    let mut e = start(&ex["scenario"]);
    e.run_until(30_000);
    let group = e.snapshot().groups[0].clone();
    assert_eq!((group.name.as_str(), group.min, group.desired, group.max), ("asg-web", 1, 2, 6));
    let set = |t: &str| forms::set_desired_capacity(&group, t).map_err(|e| e.to_string());
    assert_eq!(set("7"), Err("Desired capacity: 7 is outside asg-web's range 1–6 (minimum–maximum size)".into()));
    assert_eq!(set("0"), Err("Desired capacity: 0 is outside asg-web's range 1–6 (minimum–maximum size)".into()));
    assert_eq!(set("three"), Err(format!("Desired capacity: must be a whole number from 0 to {}; \"three\" is not", berth::engine::sim::MAX_INSTANCES)));
    assert_eq!(set(""), Err("Desired capacity: is empty; enter a whole number".into()));
    let cmd = forms::set_desired_capacity(&group, "3").expect("valid");
    assert_eq!(cmd, Command::SetDesiredCapacity { group: "asg-web".into(), desired: 3 });
    e.apply(cmd).expect("accepted");
    // The page shows the instance launching until it registers 90 s later.
    assert_eq!((e.snapshot().groups[0].desired, e.snapshot().groups[0].launching), (3, 1));
    e.run_until(30_000 + 89_000);
    assert_eq!(instances_of(&e, "asg-web").len(), 2);
    e.run_until(5 * MINUTE);
    assert_eq!(instances_of(&e, "asg-web").len(), 3);
    assert_eq!(e.snapshot().groups[0].launching, 0);
    assert_eq!((e.snapshot().services[0].running, e.snapshot().services[0].unplaced), (6, 0));
}

#[test]
fn create_capacity_provider_names_the_wrong_field() {
    let ok = CapacityProviderForm { name: "cp-web".into(), group: "asg-web".into(), managed_scaling: true, target_capacity: "100".into(), termination_protection: true };
    let cases: Vec<(CapacityProviderForm, &str)> = vec![
        (CapacityProviderForm { name: " ".into(), ..ok.clone() }, "Capacity provider name: is empty"),
        (CapacityProviderForm { name: "cp web".into(), ..ok.clone() }, "Capacity provider name: ' ' is not allowed: use letters, digits, hyphens and underscores"),
        (CapacityProviderForm { name: "ECS-web".into(), ..ok.clone() }, "Capacity provider name: can't start with \"ecs\" (reserved by AWS)"),
        (CapacityProviderForm { name: "fargate2".into(), ..ok.clone() }, "Capacity provider name: can't start with \"fargate\" (reserved by AWS)"),
        (CapacityProviderForm { group: "".into(), ..ok.clone() }, "Auto Scaling group: choose the group this provider scales"),
        (CapacityProviderForm { target_capacity: "0".into(), ..ok.clone() }, "Target capacity: must be 1–100; got 0"),
        (CapacityProviderForm { target_capacity: "101".into(), ..ok.clone() }, "Target capacity: 101 is more than the 100 Berth allows"),
        (CapacityProviderForm { managed_scaling: false, ..ok.clone() }, "Managed termination protection: needs managed scaling turned on (without it, protection does not work)"),
    ];
    for (f, want) in cases {
        assert_eq!(forms::create_capacity_provider(&f).map_err(|e| e.to_string()), Err(want.to_string()), "{f:?}");
    }
    // Without managed scaling the target is not read.
    let plain = forms::create_capacity_provider(&CapacityProviderForm { managed_scaling: false, termination_protection: false, target_capacity: "junk".into(), ..ok.clone() }).expect("valid");
    let expected: Command = serde_json::from_value(json!({"action": "createCapacityProvider", "name": "cp-web", "autoScalingGroup": "asg-web"})).expect("reference");
    assert_eq!(plain, expected);
    // The engine's own refusals come back as its message (the group is unknown here).
    let mut e = cluster();
    assert_eq!(e.apply(forms::create_capacity_provider(&ok).expect("valid")), Err("capacity provider cp-web: Auto Scaling group \"asg-web\" does not exist".to_string()));
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.25\n          resources:\n            requests:\n              cpu: 250m\n              memory: 256Mi\n";

fn kube() -> berth::engine::sim::Engine {
    start(&json!({
        "berth": 1, "name": "kubectl", "seed": 3,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"]},
        "kubernetes": {"nodeGroups": [{"name": "ng-1", "instanceType": "t3.medium", "desiredSize": 3, "minSize": 1, "maxSize": 5}], "manifests": [WEB]}
    }))
}

fn deployment(e: &berth::engine::sim::Engine, name: &str) -> Option<(i64, i64)> {
    e.snapshot().kube?.deployments.iter().find(|d| d.name == name).map(|d| (d.desired, d.ready))
}

#[test]
fn kubectl_console_commands() {
    let k = |args: &str, manifest: &str| forms::kubectl(&KubectlForm { args: args.into(), manifest: manifest.into() }).map_err(|e| e.to_string());
    assert_eq!(k("  ", ""), Err("kubectl: is empty: type a command such as `scale deployment/web --replicas=5`".into()));
    assert_eq!(k("kubectl", ""), Err("kubectl: is empty: type a command such as `scale deployment/web --replicas=5`".into()));
    assert_eq!(k("apply -f web.yaml", WEB), Err("kubectl: -f web.yaml: the page has no files; use `-f -` and paste the YAML into the manifest box".into()));
    assert_eq!(k("apply -f", WEB), Err("kubectl: -f needs a value: use `-f -` to read the manifest box".into()));
    assert_eq!(k("kubectl apply -f -", " \n"), Err("Manifest: is empty: `kubectl apply -f -` reads the YAML from the manifest box".into()));
    // The prefix is optional and dropped; only apply/create send the manifest.
    assert_eq!(k("kubectl  scale deployment/web   --replicas=5", WEB), Ok(Command::Kubectl { args: "scale deployment/web --replicas=5".into(), manifest: None }));
    assert_eq!(k("apply -f -", WEB), Ok(Command::Kubectl { args: "apply -f -".into(), manifest: Some(WEB.into()) }));
    // The line is split as the engine splits it (quotes taken off) and written back canonically;
    // `-n` before the verb still finds the verb; `create deployment` needs no manifest.
    assert_eq!(k("kubectl -n shop apply -f-", WEB), Ok(Command::Kubectl { args: "-n shop apply -f-".into(), manifest: Some(WEB.into()) }));
    assert_eq!(k("create -f -", WEB), Ok(Command::Kubectl { args: "create -f -".into(), manifest: Some(WEB.into()) }));
    assert_eq!(k("create deployment web --image=nginx", WEB), Ok(Command::Kubectl { args: "create deployment web --image=nginx".into(), manifest: None }));
    assert_eq!(k("delete pods -l \"app=web\"", ""), Ok(Command::Kubectl { args: "delete pods -l app=web".into(), manifest: None }));
    assert_eq!(k("set image deployment/web 'web=my image'", ""), Ok(Command::Kubectl { args: "set image deployment/web 'web=my image'".into(), manifest: None }));

    let mut e = kube();
    e.run_until(2 * MINUTE);
    assert_eq!(deployment(&e, "web"), Some((3, 3)));
    e.apply(forms::kubectl(&KubectlForm { args: "kubectl scale deployment/web --replicas=5".into(), manifest: String::new() }).expect("valid")).expect("accepted");
    let api = WEB.replace("name: web", "name: api").replace("app: web", "app: api").replace("replicas: 3", "replicas: 2");
    e.apply(forms::kubectl(&KubectlForm { args: "apply -f -".into(), manifest: api }).expect("valid")).expect("accepted");
    e.run_until(4 * MINUTE);
    assert_eq!(deployment(&e, "web"), Some((5, 5)));
    assert_eq!(deployment(&e, "api"), Some((2, 2)));
    // What the engine refuses comes back in kubectl's words (the console shows it).
    let missing = forms::kubectl(&KubectlForm { args: "scale deployment/nope --replicas=2".into(), manifest: String::new() }).expect("valid");
    assert_eq!(e.apply(missing), Err("Error from server (NotFound): deployments.apps \"nope\" not found".to_string()));
    let unknown = forms::kubectl(&KubectlForm { args: "scale deployment/web --replicas 2 --foo".into(), manifest: String::new() }).expect("the engine's to refuse");
    assert_eq!(e.apply(unknown), Err("error: unknown flag: --foo".to_string()));
}

#[test]
fn create_service_with_a_blue_green_canary_shifts_ten_percent_then_the_rest_after_five_minutes() {
    let f = ServiceForm { deployment: "CodeDeployDefault.ECSCanary10Percent5Minutes".into(), load_balancer: true, ..form() };
    let cmd = forms::create_service(&f).expect("valid");
    let expected: Command = serde_json::from_value(json!({
        "action": "createService", "serviceName": "web", "taskDefinition": "web", "desiredCount": 4, "launchType": "EC2",
        "loadBalancer": {}, "deploymentController": {"type": "CODE_DEPLOY"},
        "blueGreen": {"deploymentConfigName": "CodeDeployDefault.ECSCanary10Percent5Minutes"}
    }))
    .expect("reference command");
    assert_eq!(cmd, expected);
    let mut e = cluster();
    e.apply(cmd).expect("accepted");
    e.run_until(2 * MINUTE);
    // The editor's Deploy: register web:2 and point the service at it.
    let v2 = json!({"family": "web", "containerDefinitions": [{"name": "app", "image": "example/web:2", "cpu": 256, "memory": 512, "essential": true}]});
    let outcome = berth::engine::history::deploy(&mut e, &v2.to_string());
    assert!(matches!(outcome, berth::engine::history::Outcome::Deployed { ref service, .. } if service == "web"), "{outcome:?}");
    e.run_until(20 * MINUTE);
    let shifts: Vec<(u64, u32)> = e.events().iter().filter_map(|ev| match &ev.kind { EventKind::TrafficShifted { green_percent, .. } => Some((ev.t, *green_percent)), _ => None }).collect();
    assert_eq!(shifts.iter().map(|s| s.1).collect::<Vec<_>>(), vec![10, 100], "{shifts:?}");
    assert_eq!(shifts[1].0 - shifts[0].0, 5 * MINUTE);
    // Rolling update (the default) and an unknown type.
    assert!(!serde_json::to_string(&forms::create_service(&ServiceForm { deployment: "ECS".into(), ..form() }).expect("valid")).expect("json").contains("CODE_DEPLOY"));
    let bad = forms::create_service(&ServiceForm { deployment: "CodeDeployDefault.ECSFast".into(), ..form() }).map_err(|e| e.to_string());
    assert!(bad.as_ref().is_err_and(|m| m.starts_with("Deployment type: unknown \"CodeDeployDefault.ECSFast\"; choose one of ECS, CodeDeployDefault.ECSAllAtOnce,")), "{bad:?}");
}

#[test]
fn placement_settings_of_an_existing_service_binpack_its_tasks_and_show_its_constraints() {
    let mut e = cluster();
    e.apply(forms::create_service(&form()).expect("valid")).expect("created");
    e.run_until(2 * MINUTE);
    assert_eq!(live_per_instance(&e).len(), 4, "the default spread: one task per instance");
    let view = e.snapshot().services[0].clone();
    let mut f = PlacementForm::from_view(&view);
    assert_eq!(f, PlacementForm::default(), "no constraints, strategy kept");
    f.strategy = "binpack-memory".into();
    let cmd = forms::update_placement("web", &f).expect("valid");
    assert_eq!(
        serde_json::to_value(&cmd).expect("serialises"),
        json!({"action": "updateService", "service": "web", "desiredCount": null, "taskDefinition": null, "deploymentConfiguration": null,
               "forceNewDeployment": false, "placementStrategy": [{"type": "binpack", "field": "memory"}], "placementConstraints": []})
    );
    e.apply(cmd).expect("applied");
    e.run_until(15 * MINUTE);
    assert_eq!(live_per_instance(&e), vec![("i-03".to_string(), 4)], "all four on one instance");
    // Constraints read back from the snapshot; "default" writes the ECS default chain out.
    f = PlacementForm { strategy: "default".into(), distinct_instance: true, member_of: "attribute:ecs.instance-type == m5.large".into() };
    e.apply(forms::update_placement("web", &f).expect("valid")).expect("applied");
    let view = e.snapshot().services[0].clone();
    assert_eq!(view.strategy, vec!["spread(attribute:ecs.availability-zone)", "spread(instanceId)"]);
    assert_eq!(PlacementForm::from_view(&view), PlacementForm { strategy: String::new(), ..f });
    let bad = forms::update_placement("web", &PlacementForm { member_of: "attribute:ecs.instance-type ==".into(), ..Default::default() });
    assert_eq!(bad.map_err(|e| e.field), Err("memberOf expression"));
}

#[test]
fn service_auto_scaling_form_sets_the_range_and_one_target_tracking_policy() {
    let mut e = cluster();
    e.apply(forms::create_service(&form()).expect("valid")).expect("created");
    let view = e.snapshot().services[0].clone();
    let f = AutoScalingForm::from_view(&view);
    assert_eq!(f, AutoScalingForm { enabled: false, min: "1".into(), max: "8".into(), metric: "ECSServiceAverageCPUUtilization".into(), target: "70".into() });
    let on = AutoScalingForm { enabled: true, min: "2".into(), max: "3".into(), ..f.clone() };
    e.apply(forms::put_auto_scaling("web", &on).expect("valid")).expect("applied");
    let view = e.snapshot().services[0].clone();
    assert_eq!(view.desired, 3, "moved into the new range");
    assert_eq!(view.scaling.as_ref().map(|s| (s.min, s.max, s.policies.clone())), Some((2, 3, vec!["ECSServiceAverageCPUUtilization-70".to_string()])));
    assert_eq!(AutoScalingForm::from_view(&view), on, "the form reads back what it set");
    // Messages name the field.
    let wrong = |g: AutoScalingForm| forms::put_auto_scaling("web", &g).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(wrong(AutoScalingForm { min: "5".into(), ..on.clone() }), Err("Maximum tasks: 3 is less than the minimum, 5".to_string()));
    assert_eq!(wrong(AutoScalingForm { target: "150".into(), ..on.clone() }), Err("Target value: 150 is a utilisation: at most 100 (%)".to_string()));
    assert_eq!(wrong(AutoScalingForm { target: "-1".into(), ..on.clone() }), Err("Target value: \"-1\" is not a number above 0".to_string()));
    assert_eq!(wrong(AutoScalingForm { metric: "Bogus".into(), ..on.clone() }), Err("Metric: \"Bogus\" is not one of the offered metrics".to_string()));
    // Off removes it.
    e.apply(forms::put_auto_scaling("web", &AutoScalingForm { enabled: false, ..on }).expect("valid")).expect("removed");
    assert!(e.snapshot().services[0].scaling.is_none());
}

#[test]
fn a_desired_count_is_a_whole_number_from_0_to_1000_never_clamped() {
    use berth::shell::forms::{desired_count, MAX_FORM_DESIRED};
    assert_eq!(MAX_FORM_DESIRED, 1000);
    assert!(MAX_FORM_DESIRED <= berth::engine::sim::MAX_DESIRED, "the forms stay within what the engine accepts");
    for (text, want) in [("0", 0), ("3", 3), (" 12 ", 12), ("1000", 1000)] {
        assert_eq!(desired_count(text), Ok(want), "{text:?}");
    }
    let refused = |t: &str| desired_count(t).map_err(|e| e.to_string()).unwrap_err();
    let too_many = "is too many (Berth's forms stop at 1000 tasks per service so that a typo cannot flood the sandbox; ECS's own quota is 5000)";
    assert_eq!(refused("100000"), format!("Desired count: must be a whole number from 0 to 1000; 100000 {too_many}"));
    assert_eq!(refused("1001"), format!("Desired count: must be a whole number from 0 to 1000; 1001 {too_many}"));
    // More digits than any integer type holds: still "too many", not "not a number".
    assert_eq!(refused("99999999999999999999999"), format!("Desired count: must be a whole number from 0 to 1000; 99999999999999999999999 {too_many}"));
    assert_eq!(refused("-1"), "Desired count: must be a whole number from 0 to 1000; \"-1\" is not");
    assert_eq!(refused("2.5"), "Desired count: must be a whole number from 0 to 1000; \"2.5\" is not");
    assert_eq!(refused(""), "Desired count: must be a whole number from 0 to 1000; the field is empty");
    assert_eq!(desired_count("-1").unwrap_err().field, "Desired count");
}
