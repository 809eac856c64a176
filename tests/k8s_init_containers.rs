//! Init containers that fail (the behaviour's `initExitCode`) and native sidecars (init
//! containers with `restartPolicy: Always`, Kubernetes 1.29+), as a learner sees them in
//! `kubectl get pods`, `kubectl describe pod`, the event log and the scheduler's decisions.

use berth::engine::diag::Severity;
use berth::engine::event::EventKind;
use berth::engine::k8s::admission::pod_usage;
use berth::engine::k8s::export::export_objects;
use berth::engine::k8s::manifest::{parse, Manifest};
use berth::engine::k8s::model::{Object, PodSpec};
use berth::engine::k8s::node::fargate_size;
use berth::engine::k8s::scheduler::pod_requests;
use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::engine::time::parse_duration;
use berth::shell::kubectl_describe::describe;
use berth::shell::kubectl_get::answer;

/// One m5.large node (1930m and 7518Mi allocatable) in one zone; images pull in 3 s (150 MB at
/// 50 MB/s), a container starts 1 s after its image is there.
fn start(manifest: &str, behaviors: serde_json::Value) -> Engine {
    let v = serde_json::json!({
        "berth": 1, "name": "init containers", "seed": 4,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 1, "minSize": 1, "maxSize": 1 }],
            "manifests": [manifest]
        },
        "behaviors": behaviors
    });
    let sc = parse_scenario(&v.to_string(), &|_| Err("no files".into())).unwrap();
    sc.start(None)
}

fn at(e: &mut Engine, t: &str) {
    e.run_until(parse_duration(t).unwrap());
}

fn get(e: &Engine, args: &str) -> String {
    match answer(&e.snapshot(), args) {
        Some(Ok(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

fn desc(e: &Engine, args: &str) -> String {
    match describe(&e.snapshot(), e.events(), args) {
        Some(Ok(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

fn lines(rows: &[&str]) -> String {
    rows.join("\n")
}

/// (time in s, container, exit code, restart count, back-off in s, restart) of every
/// `initContainerFailed` event of pods whose name starts with `prefix`.
fn init_failures(e: &Engine, prefix: &str) -> Vec<(u64, String, i32, u32, u64, bool)> {
    e.events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::InitContainerFailed { pod, container, exit_code, restart_count, back_off_ms, restart, .. } if pod.starts_with(prefix) => {
                Some((ev.t / 1000, container.clone(), *exit_code, *restart_count, back_off_ms / 1000, *restart))
            }
            _ => None,
        })
        .collect()
}

/// Deployment web (one replica, progress deadline 120 s): init container `migrate`, app `web`.
/// Its behaviour (looked up by the app's image) makes `migrate` run 5 s and exit with code 1.
const FAILING: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  progressDeadlineSeconds: 120
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
      - name: migrate
        image: shop/migrate:1.0
      containers:
      - name: web
        image: shop/web:2.0
";

fn failing() -> Engine {
    start(FAILING, serde_json::json!({ "shop/web:2.0": { "initExitCode": 1, "initRunsFor": "5s" } }))
}

const POD: &str = "web-586656d66b-5qcnr";

#[test]
fn a_failing_init_container_goes_through_init_error_and_init_crash_loop_back_off() {
    let mut e = failing();
    let row = |e: &mut Engine, t: &str| {
        at(e, t);
        get(e, &format!("get pod {POD} --no-headers"))
    };
    // Its image pulls (3 s), it runs 5 s and exits with code 1 at 8 s: Init:Error.
    assert_eq!(row(&mut e, "7s"), format!("{POD}   0/1   Init:0/1   0   7s"));
    // RESTARTS counts restarts that happened: the kubelet raises it when it creates the next
    // container (kuberuntime_container.go), so the first exit shows 0.
    assert_eq!(row(&mut e, "8s"), format!("{POD}   0/1   Init:Error   0   8s"));
    // The kubelet restarts it at once the first time (its next sync, 1 s later): running again.
    assert_eq!(row(&mut e, "9s"), format!("{POD}   0/1   Init:0/1   1 (1s ago)   9s"));
    // Second exit at 14 s; from 15 s the kubelet waits out a 10 s back-off.
    assert_eq!(row(&mut e, "14s"), format!("{POD}   0/1   Init:Error   1 (0s ago)   14s"));
    assert_eq!(row(&mut e, "15s"), format!("{POD}   0/1   Init:CrashLoopBackOff   1 (1s ago)   15s"));
    assert_eq!(row(&mut e, "24s"), format!("{POD}   0/1   Init:CrashLoopBackOff   1 (10s ago)   24s"));
    // Back-off over: running again at 25 s, exits at 30 s, then waits 20 s.
    assert_eq!(row(&mut e, "25s"), format!("{POD}   0/1   Init:0/1   2 (11s ago)   25s"));
    assert_eq!(row(&mut e, "30s"), format!("{POD}   0/1   Init:Error   2 (0s ago)   30s"));
    assert_eq!(row(&mut e, "31s"), format!("{POD}   0/1   Init:CrashLoopBackOff   2 (1s ago)   31s"));
    assert_eq!(row(&mut e, "50s"), format!("{POD}   0/1   Init:CrashLoopBackOff   2 (20s ago)   50s"));
    assert_eq!(row(&mut e, "51s"), format!("{POD}   0/1   Init:0/1   3 (21s ago)   51s"));
    // The back-off doubles up to 5 minutes: 0, 10, 20, 40, 80, 160, 300, 300 s.
    at(&mut e, "30m");
    let backoffs: Vec<u64> = init_failures(&e, POD).iter().map(|f| f.4).take(8).collect();
    assert_eq!(backoffs, vec![0, 10, 20, 40, 80, 160, 300, 300]);
    let first: Vec<(u64, String, i32, u32, u64, bool)> = init_failures(&e, POD).into_iter().take(4).collect();
    assert_eq!(
        first,
        vec![
            (8, "migrate".to_string(), 1, 1, 0, true),
            (14, "migrate".to_string(), 1, 2, 10, true),
            (30, "migrate".to_string(), 1, 3, 20, true),
            (56, "migrate".to_string(), 1, 4, 40, true),
        ]
    );
    // The app never starts: no podRunning, the pod never Ready.
    assert!(!e.events().iter().any(|ev| matches!(ev.kind, EventKind::PodRunning { .. } | EventKind::PodReady { .. })));
}

#[test]
fn the_rollout_stalls_until_its_progress_deadline() {
    let mut e = failing();
    at(&mut e, "119s");
    assert_eq!(get(&e, "get deploy web"), lines(&["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    0/1     1            0           119s"]));
    assert!(!e.events().iter().any(|ev| matches!(&ev.kind, EventKind::DeploymentRollout { status, .. } if status == "ProgressDeadlineExceeded")));
    at(&mut e, "2m");
    let exceeded: Vec<u64> = e.events().iter().filter(|ev| matches!(&ev.kind, EventKind::DeploymentRollout { status, .. } if status == "ProgressDeadlineExceeded")).map(|ev| ev.t / 1000).collect();
    assert_eq!(exceeded, vec![120]);
    assert_eq!(answer(&e.snapshot(), "rollout status deployment/web"), Some(Err("error: deployment \"web\" exceeded its progress deadline".to_string())));
}

#[test]
fn describe_shows_the_init_containers_state_last_state_and_back_off() {
    let mut e = failing();
    at(&mut e, "8s");
    let d = desc(&e, &format!("describe pod {POD}"));
    assert!(
        d.contains(&lines(&[
            "Init Containers:",
            "  migrate:",
            "    Image:          shop/migrate:1.0",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Terminated",
            "      Reason:       Error",
            "      Exit Code:    1",
            "    Ready:          False",
            // Not restarted yet: the count goes up when the next container is created.
            "    Restart Count:  0",
            "Containers:",
        ])),
        "{d}"
    );
    at(&mut e, "3m");
    assert_eq!(
        desc(&e, &format!("describe pod {POD}")),
        lines(&[
            "Name:       web-586656d66b-5qcnr",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-1-10.ec2.internal/10.0.1.10",
            "Labels:     app=web",
            "            pod-template-hash=586656d66b",
            "Status:     Pending",
            // The sandbox is up before the init containers run: the pod has its address.
            "IP:         10.0.1.224",
            "IPs:",
            "  IP:           10.0.1.224",
            "Controlled By:  ReplicaSet/web-586656d66b",
            "Init Containers:",
            "  migrate:",
            "    Image:          shop/migrate:1.0",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Waiting",
            "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated",
            "      Reason:       Error",
            "      Exit Code:    1",
            "    Ready:          False",
            "    Restart Count:  4",
            "Containers:",
            "  web:",
            "    Image:          shop/web:2.0",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Waiting",
            "      Reason:       PodInitializing",
            "    Ready:          False",
            "    Restart Count:  0",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 False",
            "  Ready                       False",
            "  ContainersReady             False",
            "  PodScheduled                True",
            "QoS Class:                    BestEffort",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason     Age                  From               Message",
            "  ----     ------     ----                 ----               -------",
            "  Normal   Scheduled  3m                   default-scheduler  Successfully assigned default/web-586656d66b-5qcnr to ip-10-0-1-10.ec2.internal",
            "  Normal   Pulling    3m                   kubelet            Pulling image \"shop/migrate:1.0\"",
            "  Normal   Pulled     2m57s                kubelet            Successfully pulled image \"shop/migrate:1.0\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal   Pulled     83s (x4 over 2m51s)  kubelet            Container image \"shop/migrate:1.0\" already present on machine",
            // Five runs (the first at 3 s, after the pull) and four restarts.
            "  Normal   Created    83s (x5 over 2m57s)  kubelet            Created container: migrate",
            "  Normal   Started    83s (x5 over 2m57s)  kubelet            Started container migrate",
            "  Warning  BackOff    77s (x4 over 2m45s)  kubelet            Back-off restarting failed container migrate in pod web-586656d66b-5qcnr_default(648a1af0-46a5-80ac-5e65-efaedb699448)",
        ])
    );
}

#[test]
fn deleting_a_crash_looping_pod_cancels_its_timers() {
    let mut e = failing();
    at(&mut e, "20s");
    e.apply(Command::Kubectl { args: format!("delete pod {POD}"), manifest: None }).unwrap();
    at(&mut e, "2m");
    // The old pod's restart (due at 25 s) never happens; its replacement starts from scratch.
    let old = init_failures(&e, POD);
    assert_eq!(old.iter().map(|f| f.0).collect::<Vec<_>>(), vec![8, 14]);
    let pods = get(&e, "get pods --no-headers");
    assert!(!pods.contains(POD), "{pods}");
    let new = pods.split_whitespace().next().unwrap().to_string();
    // Created at 20 s, its init image is on the node now: exits at 25 s, 31 s, 47 s, 73 s, 119 s.
    assert_eq!(init_failures(&e, &new).iter().map(|f| (f.0, f.3, f.4)).collect::<Vec<_>>(), vec![(25, 1, 0), (31, 2, 10), (47, 3, 20), (73, 4, 40), (119, 5, 80)]);
}

#[test]
fn a_node_that_stops_reporting_voids_the_kubelets_restarts() {
    let mut e = failing();
    at(&mut e, "20s");
    e.apply(Command::AzOutage { az: "us-east-1a".into() }).unwrap();
    at(&mut e, "4m");
    // Nothing reports from the node: no restart at 25 s or later; the pod shows what the
    // kubelet last said.
    assert_eq!(init_failures(&e, POD).iter().map(|f| f.0).collect::<Vec<_>>(), vec![8, 14]);
    assert_eq!(get(&e, &format!("get pod {POD} --no-headers")), format!("{POD}   0/1   Init:CrashLoopBackOff   1 (3m46s ago)   4m"));
}

/// A bare pod with `restartPolicy: Never` whose init container fails.
const NEVER: &str = "apiVersion: v1
kind: Pod
metadata:
  name: once
spec:
  restartPolicy: Never
  initContainers:
  - name: fetch
    image: busybox:1.36
  containers:
  - name: app
    image: shop/once:1.0
";

#[test]
fn restart_policy_never_fails_the_pod() {
    let mut e = start(NEVER, serde_json::json!({ "shop/once:1.0": { "initExitCode": 2, "initRunsFor": "4s" } }));
    at(&mut e, "6s");
    assert_eq!(get(&e, "get pod once --no-headers"), "once   0/1   Init:0/1   0   6s");
    at(&mut e, "7s");
    assert_eq!(get(&e, "get pod once --no-headers"), "once   0/1   Init:Error   0   7s");
    at(&mut e, "10m");
    assert_eq!(get(&e, "get pod once"), lines(&["NAME   READY   STATUS       RESTARTS   AGE", "once   0/1     Init:Error   0          10m"]));
    assert_eq!(init_failures(&e, "once"), vec![(7, "fetch".to_string(), 2, 0, 0, false)]);
    // describe leaves out the containers of pods no ReplicaSet owns (docs/kubernetes.md); the
    // phase and the conditions are there.
    let d = desc(&e, "describe pod once");
    assert!(d.contains("Status:     Failed\n"), "{d}");
    assert!(d.contains(&lines(&["  PodReadyToStartContainers   False", "  Initialized                 False"])), "{d}");
}

/// A Job (`restartPolicy: OnFailure`, backoffLimit 2) whose init container fails: the init
/// container's restarts count against the back-off limit (pastBackoffLimitOnFailure).
#[test]
fn init_container_restarts_count_against_a_jobs_backoff_limit() {
    let job = "apiVersion: batch/v1
kind: Job
metadata:
  name: report
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      initContainers:
      - name: fetch
        image: busybox:1.36
      containers:
      - name: report
        image: shop/report:1.0
";
    let mut e = start(job, serde_json::json!({ "shop/report:1.0": { "initExitCode": 1 } }));
    at(&mut e, "2m");
    let finished: Vec<(u64, String, String)> = e
        .events()
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::JobFinished { condition, reason, .. } => Some((ev.t / 1000, condition.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    // Exits at 5 s (pull 3 s + 2 s) and 8 s (restarted at 6 s, at once); restarted again at
    // 19 s after a 10 s back-off: two restarts reach the limit of 2 (pastBackoffLimitOnFailure:
    // restart counts >= backoffLimit) and the Job fails.
    assert_eq!(init_failures(&e, "report").iter().map(|f| (f.0, f.3)).collect::<Vec<_>>(), vec![(5, 1), (8, 2)]);
    assert_eq!(finished, vec![(19, "Failed".to_string(), "BackoffLimitExceeded".to_string())]);
}

// ---------------------------------------------------------------------------------------------
// Sidecars
// ---------------------------------------------------------------------------------------------

fn spec_of(yaml: &str) -> PodSpec {
    let m = parse(yaml);
    assert!(!m.has_errors(), "{:?}", m.errors());
    match &m.objects[0].object {
        Object::Pod(p) => p.spec.clone(),
        _ => panic!("not a pod"),
    }
}

/// A pod with, in order, `inits` (name, cpu, restartPolicy Always?) and one app container.
fn pod(inits: &[(&str, &str, bool)], app_cpu: &str) -> String {
    let mut y = String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n");
    for (name, cpu, sidecar) in inits {
        y.push_str(&format!("  - name: {name}\n    image: busybox:1.36\n    resources:\n      requests:\n        cpu: {cpu}\n        memory: 64Mi\n"));
        if *sidecar {
            y.push_str("    restartPolicy: Always\n");
        }
    }
    y.push_str(&format!("  containers:\n  - name: app\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: {app_cpu}\n        memory: 128Mi\n"));
    y
}

#[test]
fn the_effective_request_adds_sidecars_to_the_app_and_to_later_init_containers() {
    // max(app + sidecar, init alone) = max(100 + 50, 200) = 200m: the init container declared
    // before the sidecar runs without it.
    let s = spec_of(&pod(&[("init", "200m", false), ("proxy", "50m", true)], "100m"));
    assert_eq!(pod_requests(&s, false).0, 200);
    // max(300 + 50, 200) = 350m.
    let s = spec_of(&pod(&[("init", "200m", false), ("proxy", "50m", true)], "300m"));
    assert_eq!(pod_requests(&s, false).0, 350);
    // An init container after the sidecar runs next to it: max(100 + 50, 200 + 50) = 250m
    // (without the sidecar rule it would be max(100, 200) = 200m).
    let s = spec_of(&pod(&[("proxy", "50m", true), ("init", "200m", false)], "100m"));
    assert_eq!(pod_requests(&s, false).0, 250);
    // Memory the same way: 64Mi sidecar + 128Mi app = 192Mi; the init container 64 + 64 = 128Mi.
    assert_eq!(pod_requests(&s, false).1, 192 << 20);
    // ResourceQuota usage and Fargate sizing use the same formula.
    assert_eq!(pod_usage(&s)["requests.cpu"], 250);
    assert_eq!(pod_usage(&s)["requests.memory"], 192 << 20);
    let Object::Pod(p) = &parse(&pod(&[("proxy", "50m", true), ("init", "200m", false)], "100m")).objects[0].object else { panic!() };
    assert_eq!(fargate_size(p).map(|f| f.requested_cpu_milli), Ok(250));
    // Two sidecars: the second init container runs next to both.
    let s = spec_of(&pod(&[("a", "100m", true), ("init", "500m", false), ("b", "100m", true), ("late", "400m", false)], "100m"));
    // max(100 + 100 + 100, 100 + 500, 100 + 100 + 400) = 600m.
    assert_eq!(pod_requests(&s, false).0, 600);
}

#[test]
fn a_pod_that_fits_only_without_its_sidecar_stays_pending() {
    // 1500m app + 500m sidecar = 2000m > 1930m allocatable; the old formula said 1500m.
    let m = "apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  initContainers:
  - name: proxy
    image: envoy:1.30
    restartPolicy: Always
    resources:
      requests:
        cpu: 500m
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests:
        cpu: 1500m
";
    let mut e = start(m, serde_json::json!({}));
    at(&mut e, "30s");
    assert_eq!(get(&e, "get pod big --no-headers"), "big   0/2   Pending   0   30s");
    let message = e
        .events()
        .iter()
        .find_map(|ev| match &ev.kind {
            EventKind::PodFailedScheduling { pod, message, .. } if pod == "big" => Some(message.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(message, "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");
}

/// Deployment web: a `log-shipper` sidecar, then init container `migrate`, then the app.
const SIDECAR: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
      - name: log-shipper
        image: fluent/fluent-bit:3.0
        restartPolicy: Always
      - name: migrate
        image: busybox:1.36
      containers:
      - name: web
        image: shop/web:1.0
";

#[test]
fn a_sidecar_starts_in_its_place_and_counts_in_ready() {
    let mut e = start(SIDECAR, serde_json::json!({}));
    let row = |e: &mut Engine, t: &str| {
        at(e, t);
        get(e, "get pods --no-headers")
    };
    // The sidecar's image pulls (3 s) and it starts (1 s): at 4 s it counts as done, and ready.
    assert_eq!(row(&mut e, "3s"), "web-55fc54f895-5qcnr   0/2   Init:0/2   0   3s");
    assert_eq!(row(&mut e, "4s"), "web-55fc54f895-5qcnr   1/2   Init:1/2   0   4s");
    // migrate: pull 3 s, run 2 s: done at 9 s; the app's image pulls until 12 s, starts at 13 s.
    assert_eq!(row(&mut e, "9s"), "web-55fc54f895-5qcnr   1/2   PodInitializing   0   9s");
    assert_eq!(row(&mut e, "13s"), "web-55fc54f895-5qcnr   2/2   Running   0   13s");
    let d = desc(&e, "describe pod web");
    assert!(
        d.contains(&lines(&[
            "Init Containers:",
            "  log-shipper:",
            "    Image:          fluent/fluent-bit:3.0",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Running",
            "    Ready:          True",
            "    Restart Count:  0",
            "  migrate:",
            "    Image:          busybox:1.36",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Terminated",
            "      Reason:       Completed",
            "      Exit Code:    0",
            "    Ready:          True",
            "    Restart Count:  0",
            "Containers:",
        ])),
        "{d}"
    );
    // The kubelet's events for each init container's run, in order: the sidecar at 3 s (after
    // its pull), migrate at 7 s, then the app.
    let events: Vec<&str> = d.lines().skip_while(|l| !l.starts_with("Events:")).filter(|l| l.contains("container")).collect();
    assert_eq!(
        events,
        vec![
            "  Normal  Created    10s   kubelet            Created container: log-shipper",
            "  Normal  Started    10s   kubelet            Started container log-shipper",
            "  Normal  Created    6s    kubelet            Created container: migrate",
            "  Normal  Started    6s    kubelet            Started container migrate",
            "  Normal  Created    0s    kubelet            Created container: web",
            "  Normal  Started    0s    kubelet            Started container web",
        ],
        "{d}"
    );
}

#[test]
fn a_sidecar_does_not_keep_a_job_from_completing() {
    let job = "apiVersion: batch/v1
kind: Job
metadata:
  name: report
spec:
  template:
    spec:
      restartPolicy: Never
      initContainers:
      - name: proxy
        image: envoy:1.30
        restartPolicy: Always
      containers:
      - name: report
        image: shop/report:1.0
";
    let mut e = start(job, serde_json::json!({ "shop/report:1.0": { "exitAfter": "10s", "exitCode": 0 } }));
    at(&mut e, "1m");
    // Sidecar at 4 s, report's image at 7 s, running 8 s, exits 18 s: Completed, the Job too.
    assert_eq!(get(&e, "get jobs"), lines(&["NAME     STATUS     COMPLETIONS   DURATION   AGE", "report   Complete   1/1           18s        60s"]));
    let pods = get(&e, "get pods --no-headers");
    assert!(pods.contains("0/2   Completed"), "{pods}");
}

/// Every diagnostic as `line:col: severity: path: message`.
fn rendered(m: &Manifest) -> Vec<String> {
    m.diagnostics
        .iter()
        .map(|d| {
            let sev = if d.severity == Severity::Error { "error" } else { "warning" };
            format!("{}:{}: {sev}: {}: {}", d.pos.line, d.pos.col, d.path, d.message)
        })
        .collect()
}

#[test]
fn restart_policy_on_containers_is_checked_as_the_api_server_does() {
    let m = parse(
        "apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  initContainers:
  - name: proxy
    image: envoy:1.30
    restartPolicy: OnFailure
  - name: migrate
    image: busybox:1.36
    readinessProbe:
      tcpSocket:
        port: 80
  - name: shipper
    image: fluent/fluent-bit:3.0
    restartPolicy: Always
    readinessProbe:
      tcpSocket:
        port: 2020
  containers:
  - name: app
    image: nginx:1.27
    restartPolicy: Always
",
    );
    assert_eq!(
        rendered(&m),
        vec![
            "9:20: error: spec.initContainers[0].restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"",
            "13:7: error: spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always",
            "24:20: error: spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
        ]
    );
}

#[test]
fn export_keeps_a_sidecars_restart_policy() {
    let m = parse(SIDECAR);
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    let objects: Vec<Object> = m.objects.iter().map(|p| p.object.clone()).collect();
    let yaml = export_objects(&objects);
    assert!(
        yaml.contains("      initContainers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.0\n          restartPolicy: Always\n        - name: migrate\n          image: busybox:1.36\n"),
        "{yaml}"
    );
    let again = parse(&yaml);
    let Object::Deployment(d) = &again.objects[0].object else { panic!() };
    assert_eq!(d.template.spec.sidecars, vec![0]);
}

/// Two replicas whose init container keeps failing, and a budget of one.
const STUCK: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      initContainers:
        - name: migrate
          image: busybox:1.36
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
";

/// The Eviction API deletes a Pending pod (here `Init:CrashLoopBackOff`) without consulting the
/// budget (eviction.go `canIgnorePDB`): a crash-looping Deployment does not hold up a drain.
#[test]
fn a_drain_evicts_pods_stuck_in_init_whatever_the_budget() {
    let mut e = start(STUCK, serde_json::json!({ "web": { "initExitCode": 1 } }));
    at(&mut e, "40s");
    assert!(get(&e, "get pods").contains("Init:CrashLoopBackOff"), "{}", get(&e, "get pods"));
    let node = e.snapshot().kube.and_then(|k| k.nodes.first().map(|n| n.name.clone())).unwrap();
    e.apply(Command::Kubectl { args: format!("drain {node} --ignore-daemonsets"), manifest: None }).unwrap();
    let refused = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::EvictionRefused { .. })).count();
    assert_eq!(refused, 0);
    at(&mut e, "50s");
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::NodeDrained { node: n } if *n == node)));
}

/// A Running pod that is not Ready costs the budget nothing, so the default policy
/// (`IfHealthyBudget`) evicts it only while the budget is met; `AlwaysAllow` always does.
#[test]
fn unready_pods_and_the_unhealthy_pod_eviction_policy() {
    let manifest = |policy: &str| {
        STUCK.replace("      initContainers:\n        - name: migrate\n          image: busybox:1.36\n", "").replace(
            "          image: nginx:1.27\n",
            "          image: nginx:1.27\n          readinessProbe:\n            httpGet:\n              path: /\n              port: 80\n",
        ) + policy
    };
    // Ready only after 10 minutes: at 1 minute both pods run, neither is Ready, so the budget
    // (1 healthy wanted, 0 healthy) is not met and the default policy refuses.
    for (policy, refused) in [("", 2), ("  unhealthyPodEvictionPolicy: AlwaysAllow\n", 0)] {
        let mut e = start(&manifest(policy), serde_json::json!({ "web": { "readyAfter": "10m" } }));
        at(&mut e, "1m");
        let pods = get(&e, "get pods");
        assert_eq!(pods.matches("0/1     Running").count(), 2, "{pods}");
        let node = e.snapshot().kube.and_then(|k| k.nodes.first().map(|n| n.name.clone())).unwrap();
        e.apply(Command::Kubectl { args: format!("drain {node} --ignore-daemonsets"), manifest: None }).unwrap();
        let n = e.events().iter().filter(|ev| matches!(ev.kind, EventKind::EvictionRefused { .. })).count();
        assert_eq!(n, refused, "policy {policy:?}");
    }
}

/// A pod whose app container failed under `restartPolicy: Never` shows its exit code
/// (describeStatus prints `Exit Code` under every `Terminated`).
#[test]
fn a_failed_pod_shows_its_exit_code() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  containers:\n    - name: app\n      image: shop/app:1.0\n";
    let mut e = start(pod, serde_json::json!({ "once": { "exitAfter": "20s", "exitCode": 3 } }));
    at(&mut e, "1m");
    let text = desc(&e, "describe pod once");
    assert!(text.contains("Status:     Failed\n"), "{text}");
    assert!(text.contains("    State:          Terminated\n      Reason:       Error\n      Exit Code:    3\n"), "{text}");
}

/// "Why pending?" says how a pod with init containers and sidecars arrives at its CPU request.
#[test]
fn why_pending_shows_how_the_request_is_worked_out() {
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  initContainers:\n    - name: proxy\n      image: envoy:1.30\n      restartPolicy: Always\n      resources:\n        requests:\n          cpu: 100m\n    - name: migrate\n      image: busybox:1.36\n      resources:\n        requests:\n          cpu: 1850m\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests:\n          cpu: 900m\n";
    let mut e = start(manifest, serde_json::json!({}));
    at(&mut e, "30s");
    let s = e.snapshot();
    let kube = s.kube.as_ref().expect("kube");
    let pod = kube.pods.iter().find(|p| p.name == "big").expect("big");
    assert_eq!(pod.requests_cpu_working.as_deref(), Some("max(containers 900m + sidecars 100m, init migrate 1850m + sidecars 100m)"));
    let room = berth::shell::kube_view::pod_room(pod, kube);
    assert_eq!(room.needs, "needs 1950m CPU — max(containers 900m + sidecars 100m, init migrate 1850m + sidecars 100m) — and 0Mi memory");
}

/// `command` and `args` are kept: `describe pod` lists them word by word (describeContainerCommand)
/// and export writes them back.
#[test]
fn describe_shows_command_and_args() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: once\nspec:\n  restartPolicy: Never\n  initContainers:\n    - name: migrate\n      image: busybox:1.36\n      command: [sh, -c, 'exit 2']\n  containers:\n    - name: app\n      image: shop/app:1.0\n      args: [--port, \"8080\"]\n";
    let m = parse(pod);
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
    let mut e = start(pod, serde_json::json!({ "once": { "initExitCode": 2 } }));
    at(&mut e, "30s");
    let d = desc(&e, "describe pod once");
    // The `Command:` line has no tab, so it ends a tabwriter block: the lines above it align
    // among themselves, as in kubectl's own output.
    assert!(d.contains("  migrate:\n    Image:      busybox:1.36\n    Port:       <none>\n    Host Port:  <none>\n    Command:\n      sh\n      -c\n      exit 2\n    State:          Terminated\n"), "{d}");
    assert!(d.contains("    Host Port:  <none>\n    Args:\n      --port\n      8080\n    State:          Waiting\n"), "{d}");
    let objects: Vec<Object> = m.objects.iter().map(|p| p.object.clone()).collect();
    let yaml = export_objects(&objects);
    let again = parse(&yaml);
    assert!(again.diagnostics.is_empty(), "{yaml}");
    let back: Vec<Object> = again.objects.iter().map(|p| p.object.clone()).collect();
    let Object::Pod(p) = &back[0] else { panic!("{yaml}") };
    assert_eq!((p.spec.init_containers[0].command.clone(), p.spec.containers[0].args.clone()), (vec!["sh".to_string(), "-c".into(), "exit 2".into()], vec!["--port".to_string(), "8080".into()]), "{yaml}");
}

/// Under memory pressure the kubelet compares a pod's usage with `podRequest`: the larger of its
/// containers' sum and its largest init container.
#[test]
fn eviction_ranking_reads_the_largest_init_container_request() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n    - name: warm\n      image: busybox:1.36\n      resources:\n        requests:\n          memory: 512Mi\n  containers:\n    - name: app\n      image: nginx:1.27\n      resources:\n        requests:\n          memory: 128Mi\n";
    let m = parse(yaml);
    let Object::Pod(p) = &m.objects[0].object else { panic!("a pod") };
    let c = berth::engine::k8s::qos::EvictionCandidate::from_pod(p, 300 * 1024 * 1024);
    assert_eq!(c.request, 512 * 1024 * 1024);
    // 300Mi in use is within the 512Mi request: not among the first to go.
    assert!(c.usage <= c.request);
}

/// The kubelet's image events: a pod whose image is not on the node yet is `Pulling`, then
/// `Pulled` with the time and size (kuberuntime_image.go); a later pod on the same node finds
/// the image there.
#[test]
fn describe_shows_image_pulls_and_images_already_present() {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
    let mut e = start(deployment, serde_json::json!({}));
    at(&mut e, "1m");
    let first = desc(&e, "describe pod web");
    assert!(first.contains("Pulling    60s   kubelet            Pulling image \"nginx:1.27\"\n"), "{first}");
    assert!(first.contains("Pulled     57s   kubelet            Successfully pulled image \"nginx:1.27\" in 3s (3s including waiting). Image size: 150000000 bytes.\n"), "{first}");
    e.apply(Command::Kubectl { args: "scale deployment/web --replicas=2".into(), manifest: None }).unwrap();
    at(&mut e, "2m");
    let both = desc(&e, "describe pods -l app=web");
    assert_eq!(both.matches("already present on machine").count(), 1, "{both}");
    assert!(both.contains("Pulled     60s   kubelet            Container image \"nginx:1.27\" already present on machine\n"), "{both}");
}
