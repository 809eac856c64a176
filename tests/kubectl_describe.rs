//! The kubectl console's `describe` (`src/shell/kubectl_describe.rs`): pods, nodes, Deployments,
//! ReplicaSets, Services, HPAs and PodDisruptionBudgets in kubectl's layout, with the events of the engine's log as kubectl
//! shows them. Every expectation is a whole description, as a learner reads it in the console.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::engine::time::parse_duration;
use berth::shell::kubectl_describe::{describe, tabbed};

/// Deployment web (2 replicas of nginx:1.27, 250m / 256Mi) on two t3.medium nodes, a
/// LoadBalancer Service whose selector has a typo (app=wbe), and a bare pod `big` asking for 8 CPUs.
const KUBE: &str = r#"{
  "berth": 1,
  "name": "kubectl get",
  "seed": 1,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
  "kubernetes": {
    "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.medium", "desiredSize": 2, "minSize": 1, "maxSize": 4 }],
    "manifests": ["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources:\n          requests:\n            cpu: 250m\n            memory: 256Mi\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector:\n    app: wbe\n  ports:\n  - port: 80\n    targetPort: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  labels:\n    app: big\nspec:\n  containers:\n  - name: big\n    image: nginx:1.27\n    resources:\n      requests:\n        cpu: '8'\n"]
  }
}"#;

/// Three Deployments that go wrong on two m5.large nodes: `api` (Guaranteed, a liveness probe on
/// :8080) fails its health checks 60 s after starting, `crash` exits with code 1 after 20 s,
/// `bad` asks for an image that does not exist (`nginx:9.99`).
const LAB: &str = r#"{
  "berth": 1, "name": "lab", "seed": 7,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
  "behaviors": { "api": { "failHealthCheckAfter": "60s" }, "crash": { "exitAfter": "20s", "exitCode": 1 }, "nginx:9.99": { "imagePullFails": true } },
  "kubernetes": {
    "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 2, "minSize": 1, "maxSize": 4 }],
    "manifests": ["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n      - name: api\n        image: shop/api:1.0\n        ports:\n        - containerPort: 8080\n        livenessProbe:\n          httpGet:\n            path: /healthz\n            port: 8080\n          periodSeconds: 10\n          failureThreshold: 3\n        resources:\n          requests:\n            cpu: 500m\n            memory: 512Mi\n          limits:\n            cpu: 500m\n            memory: 512Mi\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: crash\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: crash\n  template:\n    metadata:\n      labels:\n        app: crash\n    spec:\n      containers:\n      - name: crash\n        image: busybox:1.36\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: bad\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: bad\n  template:\n    metadata:\n      labels:\n        app: bad\n    spec:\n      containers:\n      - name: bad\n        image: nginx:9.99\n"]
  }
}"#;

/// Deployment web (4 replicas) behind a ClusterIP Service with a named port, and an ExternalName
/// Service.
const SVC: &str = r#"{
  "berth": 1, "name": "services", "seed": 5,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
  "kubernetes": {
    "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 2, "minSize": 1, "maxSize": 4 }],
    "manifests": ["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 4\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - name: http\n    port: 80\n    targetPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: db.example.com\n"]
  }
}"#;

/// One m5.large; a BestEffort pod using 3000 MiB, a Burstable one leaking 200 MiB a minute from
/// 1000 MiB, a Guaranteed one using 2000 MiB (tests/k8s_pressure.rs): at 464 s the node is under
/// MemoryPressure and the kubelet evicts the BestEffort pod.
fn pressure() -> Engine {
    let deployment = |name: &str, resources: &str| format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: {name}\n        image: app:{name}\n{resources}");
    let manifests = [
        deployment("besteffort", ""),
        deployment("burstable", "        resources:\n          requests:\n            memory: 512Mi\n            cpu: 100m\n"),
        deployment("guaranteed", "        resources:\n          limits:\n            memory: 2Gi\n            cpu: 500m\n"),
    ]
    .concat();
    let v = serde_json::json!({
        "berth": 1, "name": "node pressure", "seed": 11,
        "cluster": { "availabilityZones": ["us-east-1a"] },
        "kubernetes": { "nodeGroups": [{ "name": "ng", "instanceType": "m5.large", "desiredSize": 1 }], "manifests": [manifests] },
        "behaviors": {
            "app:besteffort": { "memoryMib": 3000 },
            "app:burstable": { "memoryMib": 1000, "memoryLeakMibPerMinute": 200 },
            "app:guaranteed": { "memoryMib": 2000 }
        }
    });
    let sc = parse_scenario(&v.to_string(), &|_| Err("no files".into())).unwrap();
    sc.start(None)
}

fn engine_at(scenario: &str, t: &str) -> Engine {
    let sc = parse_scenario(scenario, &|_| Err("no files".into())).unwrap();
    let mut e = sc.start(None);
    e.run_until(parse_duration(t).unwrap());
    e
}

fn kubectl(e: &mut Engine, args: &str) {
    e.apply(Command::Kubectl { args: args.into(), manifest: None }).unwrap();
}

fn ok(e: &Engine, args: &str) -> String {
    match describe(&e.snapshot(), e.events(), args) {
        Some(Ok(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

fn err(e: &Engine, args: &str) -> String {
    match describe(&e.snapshot(), e.events(), args) {
        Some(Err(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

/// An output line by line.
fn lines(rows: &[&str]) -> String {
    rows.join("\n")
}

/// The #1 use: why is my pod Pending? The scheduler's message, as a FailedScheduling event.
#[test]
fn a_pending_pod_shows_the_schedulers_message() {
    let e = engine_at(KUBE, "2m");
    assert_eq!(
        ok(&e, "describe pod big"),
        lines(&[
            "Name:       big",
            "Namespace:  default",
            "Priority:   0",
            "Node:       <none>",
            "Labels:     app=big",
            "Status:     Pending",
            "IP:",
            "IPs:        <none>",
            // A pod no controller owns: its own containers.
            "Containers:",
            "  big:",
            "    Image:      nginx:1.27",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:  8",
            "Conditions:",
            "  Type           Status",
            "  PodScheduled   False",
            "QoS Class:       Burstable",
            "Node-Selectors:  <none>",
            "Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason            Age   From               Message",
            "  ----     ------            ----  ----               -------",
            "  Warning  FailedScheduling  2m    default-scheduler  0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
        ])
    );
}

/// The same failure again is counted (`(x3 over 6m)`: the last one 3m51s ago); a new message is
/// a new line. The scheduler tries again when something could help: a node cordoned by a drain,
/// the rollout's pods going, a node joining.
#[test]
fn repeated_scheduling_failures_are_counted() {
    let mut e = engine_at(KUBE, "2m");
    kubectl(&mut e, "set image deployment/web web=nginx:1.28");
    e.run_until(parse_duration("3m").unwrap());
    kubectl(&mut e, "drain ip-10-0-1-10.ec2.internal --ignore-daemonsets");
    e.run_until(parse_duration("4m").unwrap());
    kubectl(&mut e, "scale nodegroup ng-1 --nodes=3");
    e.run_until(parse_duration("6m").unwrap());
    assert_eq!(
        ok(&e, "describe pod big"),
        lines(&[
            "Name:       big",
            "Namespace:  default",
            "Priority:   0",
            "Node:       <none>",
            "Labels:     app=big",
            "Status:     Pending",
            "IP:",
            "IPs:        <none>",
            // A pod no controller owns: its own containers.
            "Containers:",
            "  big:",
            "    Image:      nginx:1.27",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:  8",
            "Conditions:",
            "  Type           Status",
            "  PodScheduled   False",
            "QoS Class:       Burstable",
            "Node-Selectors:  <none>",
            "Tolerations:     node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                 node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason            Age                 From               Message",
            "  ----     ------            ----                ----               -------",
            "  Warning  FailedScheduling  3m51s (x3 over 6m)  default-scheduler  0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
            "  Warning  FailedScheduling  2m59s               default-scheduler  0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
            "  Warning  FailedScheduling  2m                  default-scheduler  0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
        ])
    );
    // Events live an hour after their last occurrence (the API server's --event-ttl).
    let e = engine_at(KUBE, "1h10m");
    assert!(ok(&e, "describe pod big").ends_with("op=Exists for 300s\nEvents:          <none>"), "{}", ok(&e, "describe pod big"));
}

/// A running pod of a Deployment: node and its address, the pod's address, the ReplicaSet, the
/// container from the ReplicaSet's template, the kubelet's conditions, the default tolerations.
#[test]
fn a_running_pod_in_kubectls_layout() {
    let e = engine_at(KUBE, "2m");
    assert_eq!(
        ok(&e, "describe pod web-656f47cf96-jzj9p"),
        lines(&[
            "Name:       web-656f47cf96-jzj9p",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-1-10.ec2.internal/10.0.1.10",
            "Labels:     app=web",
            "            pod-template-hash=656f47cf96",
            "Status:     Running",
            "IP:         10.0.1.228",
            "IPs:",
            "  IP:           10.0.1.228",
            "Controlled By:  ReplicaSet/web-656f47cf96",
            "Containers:",
            "  web:",
            "    Image:          nginx:1.27",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Running",
            "    Ready:          True",
            "    Restart Count:  0",
            "    Requests:",
            "      cpu:     250m",
            "      memory:  256Mi",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 True",
            "  Ready                       True",
            "  ContainersReady             True",
            "  PodScheduled                True",
            "QoS Class:                    Burstable",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type    Reason     Age   From               Message",
            "  ----    ------     ----  ----               -------",
            "  Normal  Scheduled  2m    default-scheduler  Successfully assigned default/web-656f47cf96-jzj9p to ip-10-0-1-10.ec2.internal",
            "  Normal  Pulling    2m    kubelet            Pulling image \"nginx:1.27\"",
            "  Normal  Pulled     117s  kubelet            Successfully pulled image \"nginx:1.27\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal  Created    116s  kubelet            Created container: web",
            "  Normal  Started    116s  kubelet            Started container web",
        ])
    );
    // The same pod by TYPE/NAME, by label, and by name prefix (`describe pod web`: every pod whose
    // name starts with it, one blank line between them).
    let one = ok(&e, "describe pod web-656f47cf96-jzj9p");
    assert_eq!(ok(&e, "kubectl describe po/web-656f47cf96-jzj9p"), one);
    let both = ok(&e, "describe pods -l app=web");
    assert_eq!(both.matches("\nNamespace:  default\n").count(), 2);
    assert!(both.starts_with(&format!("{one}\n\n\nName:       web-656f47cf96-w28n2\n")), "{both}");
    assert_eq!(ok(&e, "describe pod web"), both.replacen("\n\n\nName:", "\n\nName:", 1));
    assert_eq!(ok(&e, "describe pods -l 'app in (web, api)' -A"), both);
    // Every pod of the namespace, in name order.
    let all = ok(&e, "describe pods");
    assert!(all.starts_with("Name:       big\n") && all.ends_with(&both), "{all}");
    // --show-events=false leaves the section out.
    assert!(ok(&e, "describe pod big --show-events=false").ends_with("node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"));
}

/// A liveness probe that starts failing: the kubelet's Unhealthy and Killing, the back-off, and
/// each restart from the image already on the node; the container waits in CrashLoopBackOff with
/// the last exit (143: Berth's apps exit on SIGTERM). An app that exits: BackOff only. An image
/// that does not exist: the pull's events, counted.
#[test]
fn crash_loops_probes_and_bad_images() {
    let e = engine_at(LAB, "6m");
    assert_eq!(
        ok(&e, "describe pod -l app=api"),
        lines(&[
            "Name:       api-759958b95b-fg9r7",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-1-10.ec2.internal/10.0.1.10",
            "Labels:     app=api",
            "            pod-template-hash=759958b95b",
            "Status:     Running",
            "IP:         10.0.1.115",
            "IPs:",
            "  IP:           10.0.1.115",
            "Controlled By:  ReplicaSet/api-759958b95b",
            "Containers:",
            "  api:",
            "    Image:          shop/api:1.0",
            "    Port:           8080/TCP",
            "    Host Port:      0/TCP",
            "    State:          Waiting",
            "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated",
            "      Reason:       Error",
            "      Exit Code:    143",
            "    Ready:          False",
            "    Restart Count:  3",
            "    Limits:",
            "      cpu:     500m",
            "      memory:  512Mi",
            "    Requests:",
            "      cpu:     500m",
            "      memory:  512Mi",
            "    Liveness:  http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 True",
            "  Ready                       False",
            "  ContainersReady             False",
            "  PodScheduled                True",
            "QoS Class:                    Guaranteed",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason     Age                  From               Message",
            "  ----     ------     ----                 ----               -------",
            "  Normal   Scheduled  6m                   default-scheduler  Successfully assigned default/api-759958b95b-fg9r7 to ip-10-0-1-10.ec2.internal",
            "  Normal   Pulling    6m                   kubelet            Pulling image \"shop/api:1.0\"",
            "  Normal   Pulled     5m57s                kubelet            Successfully pulled image \"shop/api:1.0\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal   Pulled     83s (x3 over 4m35s)  kubelet            Container image \"shop/api:1.0\" already present on machine",
            "  Normal   Created    83s (x4 over 5m56s)  kubelet            Created container: api",
            "  Normal   Started    83s (x4 over 5m56s)  kubelet            Started container api",
            "  Warning  Unhealthy  3s (x4 over 4m36s)   kubelet            Liveness probe failed",
            "  Normal   Killing    3s (x4 over 4m36s)   kubelet            Container api failed liveness probe, will be restarted",
            "  Warning  BackOff    3s (x3 over 3m15s)   kubelet            Back-off restarting failed container api in pod api-759958b95b-fg9r7_default(9511d0db-6648-8f05-1337-11130103c739)",
        ])
    );
    assert_eq!(
        ok(&e, "describe pods crash"),
        lines(&[
            "Name:       crash-5bbdbd5b74-g6g95",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-2-10.ec2.internal/10.0.2.10",
            "Labels:     app=crash",
            "            pod-template-hash=5bbdbd5b74",
            "Status:     Running",
            "IP:         10.0.2.123",
            "IPs:",
            "  IP:           10.0.2.123",
            "Controlled By:  ReplicaSet/crash-5bbdbd5b74",
            "Containers:",
            "  crash:",
            "    Image:          busybox:1.36",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Waiting",
            "      Reason:       CrashLoopBackOff",
            "    Last State:     Terminated",
            "      Reason:       Error",
            "      Exit Code:    1",
            "    Ready:          False",
            "    Restart Count:  5",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 True",
            "  Ready                       False",
            "  ContainersReady             False",
            "  PodScheduled                True",
            "QoS Class:                    BestEffort",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason     Age                   From               Message",
            "  ----     ------     ----                  ----               -------",
            "  Normal   Scheduled  6m                    default-scheduler  Successfully assigned default/crash-5bbdbd5b74-g6g95 to ip-10-0-2-10.ec2.internal",
            "  Normal   Pulling    6m                    kubelet            Pulling image \"busybox:1.36\"",
            "  Normal   Pulled     5m57s                 kubelet            Successfully pulled image \"busybox:1.36\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal   Pulled     101s (x5 over 5m35s)  kubelet            Container image \"busybox:1.36\" already present on machine",
            "  Normal   Created    101s (x6 over 5m56s)  kubelet            Created container: crash",
            "  Normal   Started    101s (x6 over 5m56s)  kubelet            Started container crash",
            "  Warning  BackOff    81s (x5 over 5m15s)   kubelet            Back-off restarting failed container crash in pod crash-5bbdbd5b74-g6g95_default(f4c13ca9-2e7d-4acf-6773-d1d96d545b5b)",
        ])
    );
    assert_eq!(
        ok(&e, "describe pods bad"),
        lines(&[
            "Name:       bad-54f446bc57-xx2xq",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-2-10.ec2.internal/10.0.2.10",
            "Labels:     app=bad",
            "            pod-template-hash=54f446bc57",
            "Status:     Pending",
            // The sandbox is up while the image cannot be pulled: the pod has its address.
            "IP:         10.0.2.221",
            "IPs:",
            "  IP:           10.0.2.221",
            "Controlled By:  ReplicaSet/bad-54f446bc57",
            "Containers:",
            "  bad:",
            "    Image:          nginx:9.99",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Waiting",
            "      Reason:       ImagePullBackOff",
            "    Ready:          False",
            "    Restart Count:  0",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 True",
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
            "  Normal   Scheduled  6m                   default-scheduler  Successfully assigned default/bad-54f446bc57-xx2xq to ip-10-0-2-10.ec2.internal",
            "  Normal   Pulling    45s (x6 over 6m)     kubelet            Pulling image \"nginx:9.99\"",
            "  Warning  Failed     44s (x6 over 5m59s)  kubelet            Failed to pull image \"nginx:9.99\": not found",
            "  Warning  Failed     44s (x6 over 5m59s)  kubelet            Error: ErrImagePull",
            "  Normal   BackOff    44s (x6 over 5m59s)  kubelet            Back-off pulling image \"nginx:9.99\"",
            "  Warning  Failed     44s (x6 over 5m59s)  kubelet            Error: ImagePullBackOff",
        ])
    );
}

/// A node: labels, conditions, addresses, capacity (the instance type's) and allocatable (less the
/// kubelet's reservations), the EKS AMI's system info, its pods' requests against allocatable.
#[test]
fn a_node_with_its_pods_and_what_they_request() {
    let e = engine_at(KUBE, "2m");
    assert_eq!(
        ok(&e, "describe node ip-10-0-1-10.ec2.internal"),
        lines(&[
            "Name:           ip-10-0-1-10.ec2.internal",
            "Roles:          <none>",
            "Labels:         eks.amazonaws.com/capacityType=ON_DEMAND",
            "                eks.amazonaws.com/nodegroup=ng-1",
            "                kubernetes.io/arch=amd64",
            "                kubernetes.io/hostname=ip-10-0-1-10.ec2.internal",
            "                kubernetes.io/os=linux",
            "                node.kubernetes.io/instance-type=t3.medium",
            "                topology.kubernetes.io/region=us-east-1",
            "                topology.kubernetes.io/zone=us-east-1a",
            "Taints:         <none>",
            "Unschedulable:  false",
            "Conditions:",
            "  Type             Status  Reason                       Message",
            "  ----             ------  ------                       -------",
            "  MemoryPressure   False   KubeletHasSufficientMemory   kubelet has sufficient memory available",
            "  DiskPressure     False   KubeletHasNoDiskPressure     kubelet has no disk pressure",
            "  PIDPressure      False   KubeletHasSufficientPID      kubelet has sufficient PID available",
            "  Ready            True    KubeletReady                 kubelet is posting ready status",
            "Addresses:",
            "  InternalIP:   10.0.1.10",
            "  InternalDNS:  ip-10-0-1-10.ec2.internal",
            "  Hostname:     ip-10-0-1-10.ec2.internal",
            "Capacity:",
            "  cpu:     2",
            "  memory:  4Gi",
            "  pods:    17",
            "Allocatable:",
            "  cpu:     1930m",
            "  memory:  3554Mi",
            "  pods:    17",
            "System Info:",
            "  Kernel Version:             6.1.134-152.225.amzn2023.x86_64",
            "  OS Image:                   Amazon Linux 2023.7.20250512",
            "  Operating System:           linux",
            "  Architecture:               amd64",
            "  Container Runtime Version:  containerd://1.7.27",
            "  Kubelet Version:            v1.33.0-eks-802817d",
            "Non-terminated Pods:          (1 in total)",
            "  Namespace                   Name                    CPU Requests  Memory Requests  Age",
            "  ---------                   ----                    ------------  ---------------  ---",
            "  default                     web-656f47cf96-jzj9p    250m (12%)    256Mi (7%)       2m",
            "Allocated resources:",
            "  Resource  Requests",
            "  --------  --------",
            "  cpu       250m (12%)",
            "  memory    256Mi (7%)",
            "Events:",
            "  Type    Reason          Age   From             Message",
            "  ----    ------          ----  ----             -------",
            "  Normal  Starting        2m    kubelet          Starting kubelet.",
            "  Normal  RegisteredNode  2m    node-controller  Node ip-10-0-1-10.ec2.internal event: Registered Node ip-10-0-1-10.ec2.internal in Controller",
            "  Normal  NodeReady       2m    kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeReady",
        ])
    );
}

/// A drained node: cordoned (the unschedulable taint the node controller adds), its pods gone.
#[test]
fn a_drained_node() {
    let mut e = engine_at(KUBE, "2m");
    kubectl(&mut e, "set image deployment/web web=nginx:1.28");
    e.run_until(parse_duration("3m").unwrap());
    kubectl(&mut e, "drain ip-10-0-1-10.ec2.internal --ignore-daemonsets");
    e.run_until(parse_duration("4m").unwrap());
    kubectl(&mut e, "scale nodegroup ng-1 --nodes=3");
    e.run_until(parse_duration("6m").unwrap());
    assert_eq!(
        ok(&e, "describe no ip-10-0-1-10.ec2.internal"),
        lines(&[
            "Name:           ip-10-0-1-10.ec2.internal",
            "Roles:          <none>",
            "Labels:         eks.amazonaws.com/capacityType=ON_DEMAND",
            "                eks.amazonaws.com/nodegroup=ng-1",
            "                kubernetes.io/arch=amd64",
            "                kubernetes.io/hostname=ip-10-0-1-10.ec2.internal",
            "                kubernetes.io/os=linux",
            "                node.kubernetes.io/instance-type=t3.medium",
            "                topology.kubernetes.io/region=us-east-1",
            "                topology.kubernetes.io/zone=us-east-1a",
            "Taints:         node.kubernetes.io/unschedulable:NoSchedule",
            "Unschedulable:  true",
            "Conditions:",
            "  Type             Status  Reason                       Message",
            "  ----             ------  ------                       -------",
            "  MemoryPressure   False   KubeletHasSufficientMemory   kubelet has sufficient memory available",
            "  DiskPressure     False   KubeletHasNoDiskPressure     kubelet has no disk pressure",
            "  PIDPressure      False   KubeletHasSufficientPID      kubelet has sufficient PID available",
            "  Ready            True    KubeletReady                 kubelet is posting ready status",
            "Addresses:",
            "  InternalIP:   10.0.1.10",
            "  InternalDNS:  ip-10-0-1-10.ec2.internal",
            "  Hostname:     ip-10-0-1-10.ec2.internal",
            "Capacity:",
            "  cpu:     2",
            "  memory:  4Gi",
            "  pods:    17",
            "Allocatable:",
            "  cpu:     1930m",
            "  memory:  3554Mi",
            "  pods:    17",
            "System Info:",
            "  Kernel Version:             6.1.134-152.225.amzn2023.x86_64",
            "  OS Image:                   Amazon Linux 2023.7.20250512",
            "  Operating System:           linux",
            "  Architecture:               amd64",
            "  Container Runtime Version:  containerd://1.7.27",
            "  Kubelet Version:            v1.33.0-eks-802817d",
            "Non-terminated Pods:          (0 in total)",
            "  Namespace                   Name    CPU Requests  Memory Requests  Age",
            "  ---------                   ----    ------------  ---------------  ---",
            "Allocated resources:",
            "  Resource  Requests",
            "  --------  --------",
            "  cpu       0 (0%)",
            "  memory    0 (0%)",
            "Events:",
            "  Type    Reason              Age   From             Message",
            "  ----    ------              ----  ----             -------",
            "  Normal  Starting            6m    kubelet          Starting kubelet.",
            "  Normal  RegisteredNode      6m    node-controller  Node ip-10-0-1-10.ec2.internal event: Registered Node ip-10-0-1-10.ec2.internal in Controller",
            "  Normal  NodeReady           6m    kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeReady",
            "  Normal  NodeNotSchedulable  3m    kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeNotSchedulable",
        ])
    );
}

/// A zone goes down: its node stops reporting (conditions Unknown, the unreachable taints), and 300 s
/// later the taint manager marks its pods for deletion; they stay Terminating while nothing
/// confirms (`lasts` counts from the deletion timestamp: the deletion plus the grace period).
#[test]
fn a_node_in_a_zone_that_is_down() {
    let mut e = engine_at(KUBE, "2m");
    e.apply(Command::AzOutage { az: "us-east-1a".into() }).unwrap();
    e.run_until(parse_duration("8m").unwrap());
    assert_eq!(
        ok(&e, "describe node ip-10-0-1-10.ec2.internal"),
        lines(&[
            "Name:           ip-10-0-1-10.ec2.internal",
            "Roles:          <none>",
            "Labels:         eks.amazonaws.com/capacityType=ON_DEMAND",
            "                eks.amazonaws.com/nodegroup=ng-1",
            "                kubernetes.io/arch=amd64",
            "                kubernetes.io/hostname=ip-10-0-1-10.ec2.internal",
            "                kubernetes.io/os=linux",
            "                node.kubernetes.io/instance-type=t3.medium",
            "                topology.kubernetes.io/region=us-east-1",
            "                topology.kubernetes.io/zone=us-east-1a",
            "Taints:         node.kubernetes.io/unreachable:NoExecute",
            "                node.kubernetes.io/unreachable:NoSchedule",
            "Unschedulable:  false",
            "Conditions:",
            "  Type             Status    Reason              Message",
            "  ----             ------    ------              -------",
            "  MemoryPressure   Unknown   NodeStatusUnknown   Kubelet stopped posting node status.",
            "  DiskPressure     Unknown   NodeStatusUnknown   Kubelet stopped posting node status.",
            "  PIDPressure      Unknown   NodeStatusUnknown   Kubelet stopped posting node status.",
            "  Ready            Unknown   NodeStatusUnknown   Kubelet stopped posting node status.",
            "Addresses:",
            "  InternalIP:   10.0.1.10",
            "  InternalDNS:  ip-10-0-1-10.ec2.internal",
            "  Hostname:     ip-10-0-1-10.ec2.internal",
            "Capacity:",
            "  cpu:     2",
            "  memory:  4Gi",
            "  pods:    17",
            "Allocatable:",
            "  cpu:     1930m",
            "  memory:  3554Mi",
            "  pods:    17",
            "System Info:",
            "  Kernel Version:             6.1.134-152.225.amzn2023.x86_64",
            "  OS Image:                   Amazon Linux 2023.7.20250512",
            "  Operating System:           linux",
            "  Architecture:               amd64",
            "  Container Runtime Version:  containerd://1.7.27",
            "  Kubelet Version:            v1.33.0-eks-802817d",
            "Non-terminated Pods:          (1 in total)",
            "  Namespace                   Name                    CPU Requests  Memory Requests  Age",
            "  ---------                   ----                    ------------  ---------------  ---",
            "  default                     web-656f47cf96-jzj9p    250m (12%)    256Mi (7%)       8m",
            "Allocated resources:",
            "  Resource  Requests",
            "  --------  --------",
            "  cpu       250m (12%)",
            "  memory    256Mi (7%)",
            "Events:",
            "  Type    Reason          Age   From             Message",
            "  ----    ------          ----  ----             -------",
            "  Normal  Starting        8m    kubelet          Starting kubelet.",
            "  Normal  RegisteredNode  8m    node-controller  Node ip-10-0-1-10.ec2.internal event: Registered Node ip-10-0-1-10.ec2.internal in Controller",
            "  Normal  NodeReady       8m    kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeReady",
            "  Normal  NodeNotReady    6m    node-controller  Node ip-10-0-1-10.ec2.internal status is now: NodeNotReady",
        ])
    );
    assert_eq!(
        ok(&e, "describe pod web-656f47cf96-jzj9p"),
        lines(&[
            "Name:                      web-656f47cf96-jzj9p",
            "Namespace:                 default",
            "Priority:                  0",
            "Node:                      ip-10-0-1-10.ec2.internal/10.0.1.10",
            "Labels:                    app=web",
            "                           pod-template-hash=656f47cf96",
            "Status:                    Terminating (lasts 30s)",
            "Termination Grace Period:  30s",
            "IP:                        10.0.1.228",
            "IPs:",
            "  IP:           10.0.1.228",
            "Controlled By:  ReplicaSet/web-656f47cf96",
            "Containers:",
            "  web:",
            "    Image:          nginx:1.27",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    State:          Running",
            "    Ready:          False",
            "    Restart Count:  0",
            "    Requests:",
            "      cpu:     250m",
            "      memory:  256Mi",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   True",
            "  Initialized                 True",
            "  Ready                       False",
            "  ContainersReady             False",
            "  PodScheduled                True",
            "QoS Class:                    Burstable",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type    Reason                Age    From                       Message",
            "  ----    ------                ----   ----                       -------",
            "  Normal  Scheduled             8m     default-scheduler          Successfully assigned default/web-656f47cf96-jzj9p to ip-10-0-1-10.ec2.internal",
            "  Normal  Pulling               8m     kubelet                    Pulling image \"nginx:1.27\"",
            "  Normal  Pulled                7m57s  kubelet                    Successfully pulled image \"nginx:1.27\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal  Created               7m56s  kubelet                    Created container: web",
            "  Normal  Started               7m56s  kubelet                    Started container web",
            "  Normal  TaintManagerEviction  60s    taint-eviction-controller  Marking for deletion Pod default/web-656f47cf96-jzj9p",
        ])
    );
}

/// Memory pressure: the node's condition and the kubelet's events; the evicted pod is Failed with
/// the kubelet's reason and message.
#[test]
fn memory_pressure_and_an_evicted_pod() {
    let mut e = pressure();
    e.run_until(470_000);
    assert_eq!(
        ok(&e, "describe node"),
        lines(&[
            "Name:           ip-10-0-1-10.ec2.internal",
            "Roles:          <none>",
            "Labels:         eks.amazonaws.com/capacityType=ON_DEMAND",
            "                eks.amazonaws.com/nodegroup=ng",
            "                kubernetes.io/arch=amd64",
            "                kubernetes.io/hostname=ip-10-0-1-10.ec2.internal",
            "                kubernetes.io/os=linux",
            "                node.kubernetes.io/instance-type=m5.large",
            "                topology.kubernetes.io/region=us-east-1",
            "                topology.kubernetes.io/zone=us-east-1a",
            "Taints:         node.kubernetes.io/memory-pressure:NoSchedule",
            "Unschedulable:  false",
            "Conditions:",
            "  Type             Status  Reason                         Message",
            "  ----             ------  ------                         -------",
            "  MemoryPressure   True    KubeletHasInsufficientMemory   kubelet has insufficient memory available",
            "  DiskPressure     False   KubeletHasNoDiskPressure       kubelet has no disk pressure",
            "  PIDPressure      False   KubeletHasSufficientPID        kubelet has sufficient PID available",
            "  Ready            True    KubeletReady                   kubelet is posting ready status",
            "Addresses:",
            "  InternalIP:   10.0.1.10",
            "  InternalDNS:  ip-10-0-1-10.ec2.internal",
            "  Hostname:     ip-10-0-1-10.ec2.internal",
            "Capacity:",
            "  cpu:     2",
            "  memory:  8Gi",
            "  pods:    29",
            "Allocatable:",
            "  cpu:     1930m",
            "  memory:  7518Mi",
            "  pods:    29",
            "System Info:",
            "  Kernel Version:             6.1.134-152.225.amzn2023.x86_64",
            "  OS Image:                   Amazon Linux 2023.7.20250512",
            "  Operating System:           linux",
            "  Architecture:               amd64",
            "  Container Runtime Version:  containerd://1.7.27",
            "  Kubelet Version:            v1.33.0-eks-802817d",
            "Non-terminated Pods:          (2 in total)",
            "  Namespace                   Name                           CPU Requests  Memory Requests  Age",
            "  ---------                   ----                           ------------  ---------------  ---",
            "  default                     burstable-f85fb7c9-4792m       100m (5%)     512Mi (6%)       7m50s",
            "  default                     guaranteed-655858fbc5-kl8vf    500m (25%)    2Gi (27%)        7m50s",
            "Allocated resources:",
            "  Resource  Requests",
            "  --------  --------",
            "  cpu       600m (31%)",
            "  memory    2560Mi (34%)",
            "Events:",
            "  Type     Reason                     Age    From             Message",
            "  ----     ------                     ----   ----             -------",
            "  Normal   Starting                   7m50s  kubelet          Starting kubelet.",
            "  Normal   RegisteredNode             7m50s  node-controller  Node ip-10-0-1-10.ec2.internal event: Registered Node ip-10-0-1-10.ec2.internal in Controller",
            "  Normal   NodeReady                  7m50s  kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeReady",
            "  Normal   NodeHasInsufficientMemory  6s     kubelet          Node ip-10-0-1-10.ec2.internal status is now: NodeHasInsufficientMemory",
            "  Warning  EvictionThresholdMet       6s     kubelet          Attempting to reclaim memory",
        ])
    );
    assert_eq!(
        ok(&e, "describe pod besteffort-75c85bc89-j9rqq"),
        lines(&[
            "Name:       besteffort-75c85bc89-j9rqq",
            "Namespace:  default",
            "Priority:   0",
            "Node:       ip-10-0-1-10.ec2.internal/10.0.1.10",
            "Labels:     app=besteffort",
            "            pod-template-hash=75c85bc89",
            "Status:     Failed",
            "Reason:     Evicted",
            "Message:    The node was low on resource: memory. Threshold quantity: 100Mi, available: 86698Ki. Container besteffort was using 3000Mi, request is 0, has larger consumption of memory.",
            "IP:         10.0.1.116",
            "IPs:",
            "  IP:           10.0.1.116",
            "Controlled By:  ReplicaSet/besteffort-75c85bc89",
            "Containers:",
            "  besteffort:",
            "    Image:          app:besteffort",
            "    Port:           <none>",
            "    Host Port:      <none>",
            "    Ready:          False",
            "    Restart Count:  0",
            "Conditions:",
            "  Type                        Status",
            "  PodReadyToStartContainers   False",
            "  Initialized                 True",
            "  Ready                       False",
            "  ContainersReady             False",
            "  PodScheduled                True",
            "QoS Class:                    BestEffort",
            "Node-Selectors:               <none>",
            "Tolerations:                  node.kubernetes.io/not-ready:NoExecute op=Exists for 300s",
            "                              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s",
            "Events:",
            "  Type     Reason     Age    From               Message",
            "  ----     ------     ----   ----               -------",
            "  Normal   Scheduled  7m50s  default-scheduler  Successfully assigned default/besteffort-75c85bc89-j9rqq to ip-10-0-1-10.ec2.internal",
            "  Normal   Pulling    7m50s  kubelet            Pulling image \"app:besteffort\"",
            "  Normal   Pulled     7m47s  kubelet            Successfully pulled image \"app:besteffort\" in 3s (3s including waiting). Image size: 150000000 bytes.",
            "  Normal   Created    7m46s  kubelet            Created container: besteffort",
            "  Normal   Started    7m46s  kubelet            Started container besteffort",
            "  Warning  Evicted    6s     kubelet            The node was low on resource: memory. Threshold quantity: 100Mi, available: 86698Ki. Container besteffort was using 3000Mi, request is 0, has larger consumption of memory.",
            "  Normal   Killing    6s     kubelet            Stopping container besteffort",
        ])
    );
}

/// A Deployment before and after `set image`: replicas, strategy, the template, conditions, the
/// ReplicaSets, and the deployment controller's ScalingReplicaSet events of the rollout.
#[test]
fn a_deployment_and_its_rollout() {
    let mut e = engine_at(KUBE, "2m");
    assert_eq!(
        ok(&e, "describe deploy web"),
        lines(&[
            "Name:                   web",
            "Namespace:              default",
            "Annotations:            deployment.kubernetes.io/revision: 1",
            "Selector:               app=web",
            "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable",
            "StrategyType:           RollingUpdate",
            "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
            "Pod Template:",
            "  Labels:  app=web",
            "  Containers:",
            "   web:",
            "    Image:      nginx:1.27",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:         250m",
            "      memory:      256Mi",
            "  Node-Selectors:  <none>",
            "  Tolerations:     <none>",
            "Conditions:",
            "  Type           Status  Reason",
            "  ----           ------  ------",
            "  Available      True    MinimumReplicasAvailable",
            "  Progressing    True    NewReplicaSetAvailable",
            "OldReplicaSets:  <none>",
            "NewReplicaSet:   web-656f47cf96 (2/2 replicas created)",
            "Events:",
            "  Type    Reason             Age   From                   Message",
            "  ----    ------             ----  ----                   -------",
            "  Normal  ScalingReplicaSet  2m    deployment-controller  Scaled up replica set web-656f47cf96 from 0 to 2",
        ])
    );
    kubectl(&mut e, "set image deployment/web web=nginx:1.28");
    e.run_until(parse_duration("3m").unwrap());
    kubectl(&mut e, "drain ip-10-0-1-10.ec2.internal --ignore-daemonsets");
    e.run_until(parse_duration("4m").unwrap());
    kubectl(&mut e, "scale nodegroup ng-1 --nodes=3");
    e.run_until(parse_duration("6m").unwrap());
    assert_eq!(
        ok(&e, "describe deployment web"),
        lines(&[
            "Name:                   web",
            "Namespace:              default",
            "Annotations:            deployment.kubernetes.io/revision: 2",
            "Selector:               app=web",
            "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable",
            "StrategyType:           RollingUpdate",
            "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
            "Pod Template:",
            "  Labels:  app=web",
            "  Containers:",
            "   web:",
            "    Image:      nginx:1.28",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:         250m",
            "      memory:      256Mi",
            "  Node-Selectors:  <none>",
            "  Tolerations:     <none>",
            "Conditions:",
            "  Type           Status  Reason",
            "  ----           ------  ------",
            "  Available      True    MinimumReplicasAvailable",
            "  Progressing    True    NewReplicaSetAvailable",
            "OldReplicaSets:  web-656f47cf96 (0/0 replicas created)",
            "NewReplicaSet:   web-65787f4dbc (2/2 replicas created)",
            "Events:",
            "  Type    Reason             Age    From                   Message",
            "  ----    ------             ----   ----                   -------",
            "  Normal  ScalingReplicaSet  6m     deployment-controller  Scaled up replica set web-656f47cf96 from 0 to 2",
            "  Normal  ScalingReplicaSet  4m     deployment-controller  Scaled up replica set web-65787f4dbc from 0 to 1",
            "  Normal  ScalingReplicaSet  3m56s  deployment-controller  Scaled down replica set web-656f47cf96 from 2 to 1",
            "  Normal  ScalingReplicaSet  3m56s  deployment-controller  Scaled up replica set web-65787f4dbc from 1 to 2",
            "  Normal  ScalingReplicaSet  3m52s  deployment-controller  Scaled down replica set web-656f47cf96 from 1 to 0",
        ])
    );
    // Each ReplicaSet with its pods and the ReplicaSet controller's events (the drained pod's
    // replacement is a new create; evictions are not the ReplicaSet's deletes).
    assert_eq!(
        ok(&e, "describe rs"),
        lines(&[
            "Name:           web-656f47cf96",
            "Namespace:      default",
            "Selector:       app=web,pod-template-hash=656f47cf96",
            "Labels:         app=web",
            "                pod-template-hash=656f47cf96",
            "Controlled By:  Deployment/web",
            "Replicas:       0 current / 0 desired",
            "Pods Status:    0 Running / 0 Waiting / 0 Succeeded / 0 Failed",
            "Pod Template:",
            "  Labels:  app=web",
            "           pod-template-hash=656f47cf96",
            "  Containers:",
            "   web:",
            "    Image:      nginx:1.27",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:         250m",
            "      memory:      256Mi",
            "  Node-Selectors:  <none>",
            "  Tolerations:     <none>",
            "Events:",
            "  Type    Reason            Age    From                   Message",
            "  ----    ------            ----   ----                   -------",
            "  Normal  SuccessfulCreate  6m     replicaset-controller  Created pod: web-656f47cf96-w28n2",
            "  Normal  SuccessfulCreate  6m     replicaset-controller  Created pod: web-656f47cf96-jzj9p",
            "  Normal  SuccessfulDelete  3m56s  replicaset-controller  Deleted pod: web-656f47cf96-jzj9p",
            "  Normal  SuccessfulDelete  3m52s  replicaset-controller  Deleted pod: web-656f47cf96-w28n2",
            "",
            "",
            "Name:           web-65787f4dbc",
            "Namespace:      default",
            "Selector:       app=web,pod-template-hash=65787f4dbc",
            "Labels:         app=web",
            "                pod-template-hash=65787f4dbc",
            "Controlled By:  Deployment/web",
            "Replicas:       2 current / 2 desired",
            "Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
            "Pod Template:",
            "  Labels:  app=web",
            "           pod-template-hash=65787f4dbc",
            "  Containers:",
            "   web:",
            "    Image:      nginx:1.28",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:         250m",
            "      memory:      256Mi",
            "  Node-Selectors:  <none>",
            "  Tolerations:     <none>",
            "Events:",
            "  Type    Reason            Age    From                   Message",
            "  ----    ------            ----   ----                   -------",
            "  Normal  SuccessfulCreate  4m     replicaset-controller  Created pod: web-65787f4dbc-rst9c",
            "  Normal  SuccessfulCreate  3m56s  replicaset-controller  Created pod: web-65787f4dbc-h6mfq",
            "  Normal  SuccessfulCreate  3m     replicaset-controller  Created pod: web-65787f4dbc-xqh4l",
        ])
    );
}

/// Services: the selector, the API server's defaults, ports, the ready endpoints (three, then
/// `+ N more...`); an ExternalName Service; a LoadBalancer whose selector matches nothing.
#[test]
fn services() {
    let e = engine_at(SVC, "2m");
    assert_eq!(
        ok(&e, "describe svc"),
        lines(&[
            "Name:              db",
            "Namespace:         default",
            "Selector:          <none>",
            "Type:              ExternalName",
            "IP Families:       <none>",
            "IP:",
            "IPs:               <none>",
            "External Name:     db.example.com",
            "Session Affinity:  None",
            "Events:            <none>",
            "",
            "",
            "Name:                     web",
            "Namespace:                default",
            "Selector:                 app=web",
            "Type:                     ClusterIP",
            "IP Family Policy:         SingleStack",
            "IP Families:              IPv4",
            "IP:                       10.100.0.10",
            "IPs:                      10.100.0.10",
            "Port:                     http  80/TCP",
            "TargetPort:               80/TCP",
            "Endpoints:                10.0.2.143:80,10.0.1.206:80,10.0.1.153:80 + 1 more...",
            "Session Affinity:         None",
            "Internal Traffic Policy:  Cluster",
            "Events:                   <none>",
        ])
    );
    assert_eq!(
        ok(&e, "describe service/db"),
        lines(&[
            "Name:              db",
            "Namespace:         default",
            "Selector:          <none>",
            "Type:              ExternalName",
            "IP Families:       <none>",
            "IP:",
            "IPs:               <none>",
            "External Name:     db.example.com",
            "Session Affinity:  None",
            "Events:            <none>",
        ])
    );
    let e = engine_at(KUBE, "2m");
    assert_eq!(
        ok(&e, "describe svc web"),
        lines(&[
            "Name:                     web",
            "Namespace:                default",
            "Selector:                 app=wbe",
            "Type:                     LoadBalancer",
            "IP Family Policy:         SingleStack",
            "IP Families:              IPv4",
            "IP:                       10.100.0.10",
            "IPs:                      10.100.0.10",
            "LoadBalancer Ingress:     k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com",
            "Port:                     <unset>  80/TCP",
            "TargetPort:               80/TCP",
            "NodePort:                 <unset>  30000/TCP",
            "Endpoints:",
            "Session Affinity:         None",
            "External Traffic Policy:  Cluster",
            "Internal Traffic Policy:  Cluster",
            "Events:                   <none>",
        ])
    );
}

/// Mistakes get kubectl's errors; other commands are not describe's.
#[test]
fn mistakes_get_kubectls_errors() {
    let e = engine_at(KUBE, "2m");
    assert_eq!(err(&e, "describe pod nope"), "Error from server (NotFound): pods \"nope\" not found");
    assert_eq!(err(&e, "describe deploy/nope"), "Error from server (NotFound): deployments.apps \"nope\" not found");
    assert_eq!(err(&e, "describe nodes ip-10-0-9-10.ec2.internal"), "Error from server (NotFound): nodes \"ip-10-0-9-10.ec2.internal\" not found");
    // What exists is described, what does not is reported after it.
    let some = ok(&e, "describe po/big pod/nope");
    assert!(some.starts_with("Name:       big\n") && some.ends_with("\nError from server (NotFound): pods \"nope\" not found"), "{some}");
    assert_eq!(ok(&e, "describe deploy -l app=nope"), "No resources found in default namespace.");
    assert_eq!(ok(&e, "-n shop describe pods"), "No resources found in shop namespace.");
    assert_eq!(ok(&e, "describe svc -A -l app=nope"), "No resources found");
    assert_eq!(err(&e, "describe"), "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
    assert_eq!(err(&e, "describe podz"), "error: the server doesn't have a resource type \"podz\"");
    assert_eq!(
        err(&e, "describe ds web"),
        "error: Berth's console describes pods, nodes, deployments, replicasets, services, horizontalpodautoscalers and poddisruptionbudgets, not \"ds\" (kubectl get lists the others it knows; the event log has the rest)"
    );
    assert_eq!(err(&e, "describe pods -o wide"), "error: unknown shorthand flag: 'o' in -o");
    assert_eq!(err(&e, "describe pods --watch"), "error: unknown flag: --watch");
    assert_eq!(err(&e, "describe -f web.yaml"), "error: --filename is not supported in Berth: the page has no files: name the resource instead (describe pod NAME)");
    assert_eq!(err(&e, "describe pod big -l app=big"), "error: name cannot be provided when a selector is specified");
    assert_eq!(err(&e, "describe pod big -A"), "error: a resource cannot be retrieved by name across all namespaces");
    assert_eq!(err(&e, "describe pods -l 'app in web'"), "error: unable to parse requirement: found 'web', expected: '('");
    assert_eq!(err(&e, "describe pods --show-events=maybe"), "error: invalid argument \"maybe\" for \"--show-events\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
    assert_eq!(err(&e, "describe svc kubernetes"), "error: Berth's console does not describe the API server's own Service \"kubernetes\" (kubectl get svc kubernetes and kubectl get endpoints kubernetes show it)");
    assert_eq!(err(&e, "describe pod 'big"), "error: the command line has an unterminated ' quote");
    for other in ["get pods", "scale deployment/web --replicas=3", "delete pod big", "-n default get pods", "rollout status deployment/web"] {
        assert!(describe(&e.snapshot(), e.events(), other).is_none(), "{other}");
    }
}

/// Go's text/tabwriter as describe sets it up: a column is as wide as its widest cell plus two,
/// in each run of consecutive lines that have that column; a line without tabs ends every run;
/// the text after a line's last tab is no column.
#[test]
fn the_tabwriter_aligns_as_gos() {
    let text = "Name:\tweb\nNamespace:\tdefault\nLabels:\tapp=web\n\tpod-template-hash=1\nIPs:\n  IP:\t10.0.1.5\nControlled By:\tReplicaSet/web-1\nConditions:\n  Type\tStatus\n  Ready \tTrue \n";
    assert_eq!(
        tabbed(text),
        lines(&[
            "Name:       web",
            "Namespace:  default",
            "Labels:     app=web",
            "            pod-template-hash=1",
            "IPs:",
            "  IP:           10.0.1.5",
            "Controlled By:  ReplicaSet/web-1",
            "Conditions:",
            "  Type    Status",
            "  Ready   True",
            "",
        ])
    );
    // Nested columns: the second line has no second column, so the first and third lines' second
    // columns are separate runs (`bb` does not widen `y`).
    assert_eq!(tabbed("a\tbb\tc\naaa\tb\nx\ty\tzzz\tw\n"), "a    bb  c\naaa  b\nx    y  zzz  w\n");
}

/// Deployment web (500m CPU requested, 10 ms of CPU per request, ready 10 s after start) on two
/// m5.large nodes with an HPA at 60 % CPU (2 to 6 replicas) and a PodDisruptionBudget keeping 2
/// pods; traffic jumps from 20 to 200 requests/s at 1m, for 10 minutes.
const AUTOSCALED: &str = r#"{
  "berth": 1, "name": "autoscaled", "seed": 11,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
  "behaviors": { "web": { "readyAfter": "10s", "cpuMsPerRequest": 10 } },
  "kubernetes": {
    "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 2, "minSize": 2, "maxSize": 4 }],
    "manifests": ["apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: shop/web:1.0\n        resources:\n          requests:\n            cpu: 500m\n            memory: 512Mi\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 6\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 60\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      app: web\n"],
    "traffic": [{ "deployment": "web", "load": { "shape": "spike", "base": 20, "peak": 200, "at": "1m", "duration": "10m" } }]
  }
}"#;

/// An HPA that scaled web up under the spike, by its short and long names; the budget beside it,
/// with 4 of its 6 pods allowed to go.
#[test]
fn an_hpa_that_scaled_and_a_disruption_budget() {
    let e = engine_at(AUTOSCALED, "4m");
    let hpa = lines(&[
        "Name:                                                  web",
        "Namespace:                                             default",
        "Reference:                                             Deployment/web",
        "Metrics:                                               ( current / target )",
        "  resource cpu on pods  (as a percentage of request):  66% / 60%",
        "Min replicas:                                          2",
        "Max replicas:                                          6",
        "Deployment pods:                                       6 current / 6 desired",
        // At its maximum and still above target: the HPA would add a pod, and says why not.
        "Conditions:",
        "  Type            Status  Reason            Message",
        "  ----            ------  ------            -------",
        "  AbleToScale     True    ReadyForNewScale  recommended size matches current size",
        "  ScalingActive   True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
        "  ScalingLimited  True    TooManyReplicas   the desired replica count is more than the maximum replica count",
        "Events:",
        "  Type    Reason             Age   From                       Message",
        "  ----    ------             ----  ----                       -------",
        "  Normal  SuccessfulRescale  3m    horizontal-pod-autoscaler  New size: 6; reason: cpu resource utilization (percentage of request) above target",
    ]);
    let pdb = lines(&[
        "Name:           web",
        "Namespace:      default",
        "Min available:  2",
        "Selector:       app=web",
        "Status:",
        "    Allowed disruptions:  4",
        "    Current:              6",
        "    Desired:              2",
        "    Total:                6",
        "Events:                   <none>",
    ]);
    assert_eq!(ok(&e, "describe hpa web"), hpa);
    assert_eq!(ok(&e, "describe horizontalpodautoscalers"), hpa);
    assert_eq!(ok(&e, "describe horizontalpodautoscaler/web -n default"), hpa);
    assert_eq!(ok(&e, "describe pdb web"), pdb);
    assert_eq!(ok(&e, "describe poddisruptionbudgets -A"), pdb);
    assert_eq!(ok(&e, "describe hpa/web poddisruptionbudget/web"), format!("{hpa}\n\n\n{pdb}"));
    assert_eq!(err(&e, "describe hpa nope"), "Error from server (NotFound): horizontalpodautoscalers.autoscaling \"nope\" not found");
    assert_eq!(err(&e, "describe pdb/nope"), "Error from server (NotFound): poddisruptionbudgets.policy \"nope\" not found");
    assert_eq!(ok(&e, "-n kube-system describe hpa"), "No resources found in kube-system namespace.");
    assert_eq!(err(&e, "describe pdb web -A"), "error: a resource cannot be retrieved by name across all namespaces");
}

/// After the spike and the 5-minute stabilization window, the HPA is back at 2 pods: both
/// rescales are its events, and the budget allows no disruption.
#[test]
fn an_hpa_back_at_its_minimum() {
    let e = engine_at(AUTOSCALED, "20m");
    assert_eq!(
        ok(&e, "describe hpa"),
        lines(&[
            "Name:                                                  web",
            "Namespace:                                             default",
            "Reference:                                             Deployment/web",
            "Metrics:                                               ( current / target )",
            "  resource cpu on pods  (as a percentage of request):  20% / 60%",
            "Min replicas:                                          2",
            "Max replicas:                                          6",
            "Deployment pods:                                       2 current / 2 desired",
            // Below target, at its minimum: it would go to 1.
            "Conditions:",
            "  Type            Status  Reason            Message",
            "  ----            ------  ------            -------",
            "  AbleToScale     True    ReadyForNewScale  recommended size matches current size",
            "  ScalingActive   True    ValidMetricFound  the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
            "  ScalingLimited  True    TooFewReplicas    the desired replica count is less than the minimum replica count",
            "Events:",
            "  Type    Reason             Age    From                       Message",
            "  ----    ------             ----   ----                       -------",
            "  Normal  SuccessfulRescale  19m    horizontal-pod-autoscaler  New size: 6; reason: cpu resource utilization (percentage of request) above target",
            "  Normal  SuccessfulRescale  4m15s  horizontal-pod-autoscaler  New size: 2; reason: All metrics below target",
        ])
    );
    assert_eq!(
        ok(&e, "describe pdb"),
        lines(&["Name:           web", "Namespace:      default", "Min available:  2", "Selector:       app=web", "Status:", "    Allowed disruptions:  0", "    Current:              2", "    Desired:              2", "    Total:                2", "Events:                   <none>"])
    );
}

/// The HPA's conditions through the spike and after it, each time they change (the HPA syncs
/// every 15 s): no metrics before a pod is Ready; the rescale; at the maximum; the 5-minute
/// scale-down stabilization holding the count up; the rescale down; at the minimum.
#[test]
fn hpa_conditions_follow_the_controller() {
    let sc = parse_scenario(AUTOSCALED, &|_| Err("no files".into())).unwrap();
    let mut e = sc.start(None);
    let mut seen: Vec<String> = Vec::new();
    for step in 0..=(20 * 4) {
        e.run_until(step * 15_000);
        let snap = e.snapshot();
        let Some(h) = snap.kube.as_ref().and_then(|k| k.hpas.first()) else { continue };
        let now: Vec<String> = h.conditions.iter().map(|c| format!("{} {} {}", c.kind, if c.status { "True" } else { "False" }, c.reason)).collect();
        let line = now.join(", ");
        if seen.last().is_none_or(|l| !l.ends_with(&line)) {
            seen.push(format!("{}s: {line}", step * 15));
        }
    }
    assert_eq!(
        seen,
        [
            "0s: AbleToScale True SucceededGetScale, ScalingActive False FailedGetResourceMetric",
            "15s: AbleToScale True ReadyForNewScale, ScalingActive True ValidMetricFound, ScalingLimited True TooFewReplicas",
            "60s: AbleToScale True SucceededRescale, ScalingActive True ValidMetricFound, ScalingLimited True TooManyReplicas",
            "75s: AbleToScale True ReadyForNewScale, ScalingActive True ValidMetricFound, ScalingLimited True TooManyReplicas",
            "660s: AbleToScale True ScaleDownStabilized, ScalingActive True ValidMetricFound, ScalingLimited False DesiredWithinRange",
            "945s: AbleToScale True SucceededRescale, ScalingActive True ValidMetricFound, ScalingLimited True TooFewReplicas",
            "960s: AbleToScale True ReadyForNewScale, ScalingActive True ValidMetricFound, ScalingLimited True TooFewReplicas",
        ]
    );
    // Before any pod is Ready: the calculator's error, wrapped as upstream wraps it.
    let e0 = sc.start(None);
    let first = ok(&e0, "describe hpa web");
    assert!(first.contains("\n  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)\n"), "{first}");
    // The message a learner reads while the window holds the pods up.
    let mut e = sc.start(None);
    e.run_until(700_000);
    let describe_text = ok(&e, "describe hpa web");
    assert!(describe_text.contains("  AbleToScale     True    ScaleDownStabilized  recent recommendations were higher than current one, applying the highest recent recommendation\n"), "{describe_text}");
}
