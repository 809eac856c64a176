//! `berth export --k8s`: the YAML written from the typed model reads back, with the project's own
//! manifest parser, into the same typed objects (every kind, every field the model keeps); the
//! example scenarios export exactly; the CLI's output and exit codes.
//! (tests/export_k8s.py checks the same output against the official Kubernetes client models.)

use berth::cli::{load_scenario, run, Output, EXIT_INVALID, EXIT_OK, EXIT_USAGE};
use berth::engine::k8s::export::{export_manifests, export_objects, scenario_manifests};
use berth::engine::k8s::manifest::{parse, Manifest};
use berth::engine::k8s::model::Object;

/// The typed objects without source positions (which differ between the two texts by design):
/// their JSON form, plus the HPA scaling rules (not part of the JSON form).
fn typed(m: &Manifest) -> Vec<(serde_json::Value, String)> {
    m.objects
        .iter()
        .map(|p| {
            let rules = match &p.object {
                Object::HorizontalPodAutoscaler(h) => format!("{:?} {:?}", h.scale_up, h.scale_down),
                _ => String::new(),
            };
            (serde_json::to_value(&p.object).unwrap_or_default(), rules)
        })
        .collect()
}

/// Parses `text`, exports it, parses the export: same objects, no diagnostics at all.
fn round_trip(text: &str) -> String {
    let first = parse(text);
    assert!(!first.has_errors(), "source manifest has errors: {:?}", first.errors());
    let objects: Vec<Object> = first.objects.iter().map(|p| p.object.clone()).collect();
    let yaml = export_objects(&objects);
    let second = parse(&yaml);
    assert!(second.diagnostics.is_empty(), "exported YAML has diagnostics: {:?}\n{yaml}", second.diagnostics);
    assert_eq!(second.objects.len(), first.objects.len(), "{yaml}");
    assert_eq!(typed(&second), typed(&first), "{yaml}");
    // Exporting the re-read objects gives the same text (the export is a fixed point).
    let again: Vec<Object> = second.objects.iter().map(|p| p.object.clone()).collect();
    assert_eq!(export_objects(&again), yaml);
    yaml
}

/// Also written for the Kubernetes client check: `python3 tests/export_k8s.py target/export-k8s`.
fn write_for_python_check(name: &str, yaml: &str) {
    let dir = std::path::PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into())).join("export-k8s");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(name), yaml);
}

fn example_scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir("docs/examples/scenarios")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path().display().to_string()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        let name = p.rsplit('/').next().unwrap_or_default();
        name.starts_with("k8s-") && name.ends_with(".json") && !name.ends_with(".report.json")
    });
    v.sort();
    v
}

#[test]
fn every_k8s_example_scenario_round_trips() {
    let files = example_scenarios();
    assert!(files.len() >= 2, "expected the k8s-*.json examples, found {files:?}");
    for f in files {
        let s = load_scenario(&f).unwrap_or_else(|e| panic!("{f}: {}", e.1));
        let manifests = scenario_manifests(&s).unwrap_or_else(|| panic!("{f}: no kubernetes section"));
        assert!(!manifests.is_empty(), "{f}: no manifests");
        let yaml = export_manifests(&manifests).unwrap_or_else(|(i, d)| panic!("{f}: manifests[{i}]: {d:?}"));
        let all = manifests.join("\n---\n");
        assert_eq!(round_trip(&all), yaml, "{f}");
    }
}

#[test]
fn deployment_example_exports_defaults_and_canonical_quantities() {
    let s = load_scenario("docs/examples/scenarios/k8s-autoscaling.json").unwrap_or_else(|e| panic!("{}", e.1));
    let yaml = export_manifests(&scenario_manifests(&s).unwrap_or_default()).unwrap_or_else(|(_, d)| panic!("{d:?}"));
    let docs: Vec<&str> = yaml.split("---\n").collect();
    assert_eq!(docs.len(), 2);
    assert!(docs[0].starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n"), "{}", docs[0]);
    // Quantities are strings in canonical form; "1" (one CPU) is quoted so it stays a string.
    assert!(docs[0].contains("            requests:\n              cpu: \"500m\"\n              memory: \"512Mi\"\n            limits:\n              cpu: \"1\"\n              memory: \"1Gi\"\n"), "{}", docs[0]);
    // Defaults the source left out are explicit.
    for line in [
        "            timeoutSeconds: 1\n",
        "            failureThreshold: 3\n",
        "      schedulerName: default-scheduler\n",
        "      terminationGracePeriodSeconds: 30\n",
        "      maxSurge: \"25%\"\n",
        "  revisionHistoryLimit: 10\n",
        "  progressDeadlineSeconds: 600\n",
    ] {
        assert!(docs[0].contains(line), "missing {line:?} in\n{}", docs[0]);
    }
    assert!(docs[1].starts_with("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"), "{}", docs[1]);
    assert!(docs[1].contains("    scaleDown:\n      stabilizationWindowSeconds: 300\n      selectPolicy: Max\n"), "{}", docs[1]);
}

/// Every kind the manifest reader knows, with most of the fields the model keeps.
const EVERY_KIND: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: "on"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data:
  mode: "yes"
  z-last: x
  a-first: y
---
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
type: Opaque
stringData:
  password: hunter2
---
apiVersion: v1
kind: Pod
metadata:
  name: tool
  namespace: shop
  labels: {app: tool, version: "512"}
  annotations: {note: "a: b # c", empty: ""}
spec:
  restartPolicy: OnFailure
  nodeName: ip-10-0-1-10.ec2.internal
  nodeSelector: {kubernetes.io/arch: amd64}
  priority: 1000
  priorityClassName: high
  schedulerName: my-scheduler
  terminationGracePeriodSeconds: 5
  hostNetwork: true
  overhead: {cpu: 100m, memory: 64Mi}
  volumes:
    - name: cfg
      configMap: {name: settings}
    - name: sec
      secret: {secretName: creds}
  initContainers:
    - name: init
      image: busybox
      resources:
        limits: {cpu: "2", memory: 1Gi, ephemeral-storage: 2Gi, nvidia.com/gpu: 1}
  containers:
    - name: main
      image: "shop/tool:1.0"
      ports:
        - {name: http, containerPort: 8080, hostPort: 8080, hostIP: 0.0.0.0, protocol: TCP}
        - {containerPort: 53, protocol: UDP}
      resources:
        requests: {cpu: 0.25, memory: 100M}
        limits: {cpu: 1500m, memory: 256Mi}
      env:
        - name: A
          valueFrom: {configMapKeyRef: {name: settings, key: mode}}
      envFrom:
        - secretRef: {name: creds}
      livenessProbe:
        exec: {command: [cat, /tmp/ok]}
        failureThreshold: 5
      readinessProbe:
        tcpSocket: {port: http}
        successThreshold: 2
      startupProbe:
        grpc: {port: 9090}
        periodSeconds: 3
  tolerations:
    - {key: dedicated, operator: Equal, value: tools, effect: NoSchedule}
    - {operator: Exists}
    - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: topology.kubernetes.io/zone, operator: In, values: [us-east-1a, us-east-1b]}
              - {key: cpus, operator: Gt, values: ["2"]}
          - matchFields:
              - {key: metadata.name, operator: NotIn, values: [n1]}
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 10
          preference:
            matchExpressions:
              - {key: spot, operator: DoesNotExist}
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector: {matchLabels: {app: db}}
          namespaces: [data]
          topologyKey: kubernetes.io/hostname
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          podAffinityTerm:
            labelSelector:
              matchExpressions:
                - {key: app, operator: Exists}
            namespaceSelector: {}
            topologyKey: topology.kubernetes.io/zone
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: topology.kubernetes.io/zone
      whenUnsatisfiable: DoNotSchedule
      labelSelector: {matchLabels: {app: tool}}
      minDomains: 3
      matchLabelKeys: [pod-template-hash]
      nodeAffinityPolicy: Ignore
      nodeTaintsPolicy: Honor
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  paused: true
  minReadySeconds: 10
  revisionHistoryLimit: 2
  progressDeadlineSeconds: 120
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector:
    matchLabels: {app: web}
    matchExpressions:
      - {key: tier, operator: NotIn, values: [batch]}
  template:
    metadata:
      labels: {app: web, tier: front}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      containers:
        - name: web
          image: nginx
          livenessProbe:
            httpGet: {path: /healthz, port: 80}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch}
spec:
  strategy: {type: Recreate}
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec:
      containers: [{name: b, image: b}]
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  replicas: 0
  minReadySeconds: 3
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec:
      containers: [{name: r, image: r}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: "10%", maxSurge: 0}}
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: a, image: a, resources: {requests: {cpu: 50m, memory: 50Mi}}}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent2}
spec:
  updateStrategy: {type: OnDelete}
  selector: {matchLabels: {app: agent2}}
  template:
    metadata: {labels: {app: agent2}}
    spec:
      containers: [{name: a, image: a}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: report}
spec:
  parallelism: 2
  backoffLimit: 3
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 100
  template:
    spec:
      restartPolicy: Never
      containers: [{name: j, image: j}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: j, image: j}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  sessionAffinity: ClientIP
  ports:
    - {name: http, port: 80, targetPort: http, nodePort: 30080}
    - {port: 53, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: lb}
spec:
  type: LoadBalancer
  clusterIP: 10.100.0.10
  selector: {app: web}
  ports: [{port: 443, targetPort: 8443}]
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec:
  type: ExternalName
  externalName: db.example.com
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: shop}
spec:
  hard:
    requests.cpu: "4"
    limits.cpu: 6500m
    requests.memory: 8Gi
    pods: "10"
    services.loadbalancers: 1
    requests.storage: 100Gi
    count/deployments.apps: 5
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: shop}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 512Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
      max: {cpu: "2"}
      min: {memory: 4Mi}
    - type: Pod
      max: {memory: 4Gi}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: lb}}
          namespaceSelector: {matchLabels: {team: "on"}}
        - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.5.0/24]}
      ports:
        - {port: 80}
        - {protocol: UDP, port: 1000, endPort: 2000}
    - {}
  egress:
    - to: [{namespaceSelector: {}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-egress}
spec:
  podSelector: {}
  policyTypes: [Egress]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 3
  maxReplicas: 30
  metrics:
    - type: Resource
      resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}
    - type: ContainerResource
      containerResource: {name: cpu, container: web, target: {type: Utilization, averageUtilization: 70}}
    - type: Pods
      pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: 1500m}}
    - type: Object
      object:
        metric: {name: hits}
        describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}
        target: {type: Value, value: 10k}
    - type: External
      external: {metric: {name: queue_depth}, target: {type: AverageValue, averageValue: "30"}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 60
      selectPolicy: Min
      policies: [{type: Pods, value: 2, periodSeconds: 60}]
    scaleDown:
      selectPolicy: Disabled
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: v1}
spec:
  scaleTargetRef: {kind: Deployment, name: batch}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 50
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb, namespace: shop}
spec:
  maxUnavailable: "30%"
  selector: {matchLabels: {app: web}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
description: user-facing
"#;

#[test]
fn every_kind_round_trips_through_the_manifest_parser() {
    let yaml = round_trip(EVERY_KIND);
    write_for_python_check("every-kind.yaml", &yaml);
    assert_eq!(yaml.matches("---\n").count(), 21, "22 documents");
    assert!(
        yaml.contains("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\nglobalDefault: false\npreemptionPolicy: PreemptLowerPriority\ndescription: user-facing\n"),
        "{yaml}"
    );
    // Strings YAML would misread come out quoted; the rest plain.
    for want in [
        "    team: \"on\"\n",
        "  mode: \"\"\n",
        "    version: \"512\"\n",
        "    note: \"a: b # c\"\n",
        "    empty: \"\"\n",
        "    prometheus.io/scrape: \"true\"\n",
        "      image: shop/tool:1.0\n",
        "        requests:\n          cpu: \"250m\"\n          memory: \"100M\"\n",
        "          nvidia.com/gpu: \"1\"\n",
        "    limits.cpu: \"6500m\"\n",
        "    pods: \"10\"\n",
        "    requests.storage: \"100Gi\"\n",
        "          averageValue: \"500Mi\"\n",
        "          value: \"10k\"\n",
        "          averageValue: \"1500m\"\n",
        "          averageValue: \"30\"\n",
    ] {
        assert!(yaml.contains(want), "missing {want:?} in\n{yaml}");
    }
}

#[test]
fn v1_hpa_is_exported_as_autoscaling_v2() {
    let m = parse("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 50\n");
    let objects: Vec<Object> = m.objects.into_iter().map(|p| p.object).collect();
    let yaml = export_objects(&objects);
    assert!(yaml.starts_with("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\nspec:\n  scaleTargetRef:\n    kind: Deployment\n    name: web\n  minReplicas: 1\n  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n        target:\n          type: Utilization\n          averageUtilization: 50\n"), "{yaml}");
}

fn berth(args: &[&str]) -> (i32, Output) {
    let mut out = Output::default();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let code = run(&args, &mut out);
    (code, out)
}

#[test]
fn cli_prints_yaml_or_writes_one_file_per_scenario() {
    let (code, out) = berth(&["export", "--k8s", "docs/examples/scenarios/k8s-deployment.json"]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    assert!(out.stdout.starts_with("apiVersion: apps/v1\nkind: Deployment\n"), "{}", out.stdout);
    assert!(out.stdout.contains("---\napiVersion: policy/v1\nkind: PodDisruptionBudget\n"), "{}", out.stdout);

    let dir = std::env::temp_dir().join(format!("berth-k8s-export-{}", std::process::id()));
    let dir_s = dir.display().to_string();
    let (code, out) = berth(&["export", "docs/examples/scenarios/k8s-deployment.json", "--k8s", "--out", &dir_s]);
    assert_eq!(code, EXIT_OK, "{}", out.stderr);
    let file = dir.join("k8s-deployment.yaml");
    assert_eq!(out.stdout.trim(), file.display().to_string());
    let written = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    let (_, printed) = berth(&["export", "--k8s", "docs/examples/scenarios/k8s-deployment.json"]);
    assert_eq!(written, printed.stdout);
}

#[test]
fn cli_rejects_a_scenario_without_kubernetes_and_bad_usage() {
    let (code, out) = berth(&["export", "--k8s", "docs/examples/scenarios/binpack.json"]);
    assert_eq!(code, EXIT_INVALID);
    assert_eq!(out.stderr, "docs/examples/scenarios/binpack.json: the scenario has no \"kubernetes\" section, so there is nothing to export with --k8s\n");
    let (code, out) = berth(&["export", "--k8s"]);
    assert_eq!(code, EXIT_USAGE);
    assert!(out.stderr.starts_with("berth export: expected one file"), "{}", out.stderr);
    let (code, _) = berth(&["export", "--k8s", "no/such/file.json"]);
    assert_eq!(code, EXIT_USAGE);
}

#[test]
fn tricky_strings_come_back_unchanged() {
    let values = [
        "", "yes", "No", "ON", "off", "true", "False", "null", "~", "=", "<<", "512", "0x1F", "1e3", "1:20", "-1", "+1", ".5", ".inf",
        "a: b", "a #b", "#c", "- x", "x:", " lead", "trail ", "*ref", "&a", "!tag", "{}", "[x]", "%d", "@x", "`x`", "'q", "\"q", "back\\slash",
        "tab\there", "line\nbreak", "bell\u{7}", "héllo wörld", "emoji 🚀", "nginx:1.25", "plain words",
    ];
    let mut pod = match parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: i}]\n").objects.pop().map(|p| p.object) {
        Some(Object::Pod(p)) => p,
        other => panic!("{other:?}"),
    };
    for (i, v) in values.iter().enumerate() {
        pod.meta.annotations.insert(format!("k{i:02}"), v.to_string());
    }
    // Keys YAML would misread, too.
    pod.meta.annotations.insert("on".into(), "off".into());
    pod.meta.annotations.insert("123".into(), "x".into());
    let yaml = export_objects(&[Object::Pod(pod.clone())]);
    write_for_python_check("tricky-strings.yaml", &yaml);
    let back = parse(&yaml);
    assert!(back.diagnostics.is_empty(), "{:?}\n{yaml}", back.diagnostics);
    match back.objects.first().map(|p| &p.object) {
        Some(Object::Pod(p)) => assert_eq!(p.meta.annotations, pod.meta.annotations, "{yaml}"),
        other => panic!("{other:?}"),
    }
    assert!(yaml.contains("\n    \"123\": x\n") && yaml.contains("\n    \"on\": \"off\"\n"), "{yaml}");
}
