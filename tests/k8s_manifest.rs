//! Kubernetes manifests: typed objects with Kubernetes' defaults, and the errors a learner sees
//! (line:col, field path, message) for the mistakes the API server would reject.

use berth::engine::diag::Severity;
use berth::engine::k8s::manifest::{parse, parse_with_limits, Manifest};
use berth::engine::k8s::model::*;
use berth::engine::k8s::yaml::Limits;

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

const WEB: &str = include_str!("fixtures/k8s/web.yaml");

/// apimachinery's `ErrFormatWrong` (resource/quantity.go), as the API server words it.
const FORMAT_WRONG: &str = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

#[test]
fn deployment_and_service_with_defaults() {
    let m = parse(WEB);
    assert_eq!(rendered(&m), Vec::<String>::new());
    assert_eq!(m.objects.len(), 2);
    let Object::Deployment(d) = &m.objects[0].object else { panic!("not a deployment") };
    assert_eq!(d.meta.name, "web");
    assert_eq!(d.meta.namespace.as_deref(), Some("shop"));
    assert_eq!(d.replicas, 3);
    assert_eq!(d.strategy, DeploymentStrategy::RollingUpdate { max_surge: IntOrPercent::Int(1), max_unavailable: IntOrPercent::Percent(50) });
    assert_eq!(d.revision_history_limit, 10);
    assert_eq!(d.progress_deadline_seconds, 600);
    let c = &d.template.spec.containers[0];
    assert_eq!(c.resources.requests.cpu_milli, Some(250));
    assert_eq!(c.resources.requests.memory, Some(256 << 20));
    assert_eq!(c.resources.limits.memory, Some(512 << 20));
    assert_eq!(c.resources.limits.cpu_milli, None);
    let probe = c.readiness_probe.as_ref().expect("probe");
    assert_eq!((probe.period_seconds, probe.timeout_seconds, probe.failure_threshold, probe.success_threshold, probe.initial_delay_seconds), (5, 1, 3, 1, 0));
    assert_eq!(c.refs, vec![ObjectRef::ConfigMap("web-config".into())]);
    assert_eq!(d.template.spec.tolerations[0].effect, Some(TaintEffect::NoSchedule));
    let tsc = &d.template.spec.topology_spread_constraints[0];
    assert_eq!((tsc.max_skew, tsc.topology_key.as_str(), tsc.when_unsatisfiable), (1, "topology.kubernetes.io/zone", WhenUnsatisfiable::DoNotSchedule));
    assert_eq!(d.template.spec.scheduler_name, "default-scheduler");
    assert_eq!(m.objects[1].document, 1);
    assert_eq!(m.objects[1].pos.line, 55);
    let Object::Service(s) = &m.objects[1].object else { panic!("not a service") };
    assert_eq!(s.service_type, ServiceType::LoadBalancer);
    assert_eq!(s.ports[0].target_port, IntOrString::Int(80));
}

fn one_container(resources: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: app\n          image: nginx\n{resources}"
    )
}

#[test]
fn a_bad_memory_quantity_points_at_the_value_with_its_path() {
    let text = one_container("          resources:\n            limits:\n              memory: 512Mb\n");
    let m = parse(&text);
    assert_eq!(
        rendered(&m),
        vec![format!("19:23: error: spec.template.spec.containers[0].resources.limits.memory: {FORMAT_WRONG}: \"512Mb\"; did you mean 512Mi?")]
    );
    assert!(m.objects.is_empty(), "a document with errors yields no object");
    let d = &m.diagnostics[0];
    assert_eq!(
        d.render("web.yaml"),
        format!("web.yaml:19:23: error: spec.template.spec.containers[0].resources.limits.memory: {FORMAT_WRONG}: \"512Mb\"; did you mean 512Mi?")
    );
    assert_eq!(&text[d.pos.offset..d.pos.offset + 5], "512Mb");
}

#[test]
fn cpu_in_cores_words() {
    let m = parse(&one_container("          resources:\n            requests:\n              cpu: 0.5 cores\n"));
    assert_eq!(rendered(&m), vec![format!("19:20: error: spec.template.spec.containers[0].resources.requests.cpu: {FORMAT_WRONG}: \"0.5 cores\"; did you mean 0.5?")]);
}

#[test]
fn requests_default_to_limits_and_may_not_exceed_them() {
    let m = parse(&one_container("          resources:\n            limits:\n              cpu: 1\n              memory: 1Gi\n"));
    assert!(m.diagnostics.is_empty(), "{:?}", rendered(&m));
    let Object::Deployment(d) = &m.objects[0].object else { panic!() };
    let r = &d.template.spec.containers[0].resources;
    assert_eq!((r.requests.cpu_milli, r.requests.memory), (Some(1000), Some(1 << 30)));

    let m = parse(&one_container("          resources:\n            requests:\n              cpu: 2\n            limits:\n              cpu: 1500m\n"));
    assert_eq!(rendered(&m), vec!["19:15: error: spec.template.spec.containers[0].resources.requests.cpu: Invalid value: \"2\": must be less than or equal to cpu limit of 1500m"]);
}

#[test]
fn selector_must_match_template_labels() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: app\n          image: nginx\n";
    let m = parse(text);
    assert_eq!(
        rendered(&m),
        vec!["12:9: error: spec.template.metadata.labels: Invalid value: {app=api}: `selector` does not match template `labels` (selector app=web); the Deployment would never find its own pods"]
    );
}

#[test]
fn unknown_kind_and_old_api_versions() {
    let m = parse("apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\nspec: {}\n");
    assert_eq!(rendered(&m), vec!["2:7: error: kind: no matches for kind \"Deploymnet\" in version \"apps/v1\"; did you mean Deployment?"]);
    let m = parse("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\nspec: {}\n");
    assert_eq!(
        rendered(&m),
        vec!["1:13: error: apiVersion: no matches for kind \"Deployment\" in version \"extensions/v1beta1\"; Deployment is served as apiVersion: apps/v1"]
    );
    let m = parse("apiVersion: v1\nkind: CronTab\nmetadata:\n  name: x\n");
    assert!(rendered(&m)[0].starts_with("2:7: error: kind: no matches for kind \"CronTab\" in version \"v1\" (Berth understands Pod, Service,"), "{:?}", rendered(&m));
}

#[test]
fn unknown_fields_warn_with_a_suggestion_and_keep_the_object() {
    let m = parse(&one_container("          imagePullPolcy: Always\n          resourses: {}\n          command: [\"nginx\"]\n"));
    assert_eq!(
        rendered(&m),
        vec![
            "17:11: warning: spec.template.spec.containers[0].imagePullPolcy: unknown field \"imagePullPolcy\"; did you mean imagePullPolicy?",
            "18:11: warning: spec.template.spec.containers[0].resourses: unknown field \"resourses\"; did you mean resources?",
        ]
    );
    assert_eq!(m.objects.len(), 1, "warnings do not drop the object");
    // What the kubectl console prints after applying it.
    assert_eq!(
        m.unknown_field_warnings(),
        vec![
            "Warning: unknown field \"spec.template.spec.containers[0].imagePullPolcy\" (line 17); did you mean imagePullPolicy? It was ignored; kubectl's default strict validation would refuse the manifest.",
            "Warning: unknown field \"spec.template.spec.containers[0].resourses\" (line 18); did you mean resources? It was ignored; kubectl's default strict validation would refuse the manifest.",
        ]
    );
    let m = parse("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  zzzzzzzzzz: 1\n");
    assert_eq!(
        m.unknown_field_warnings(),
        vec!["Warning: unknown field \"metadata.zzzzzzzzzz\" (line 5). It was ignored; kubectl's default strict validation would refuse the manifest."]
    );
}

#[test]
fn missing_required_fields_and_wrong_types() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    version: 1\nspec:\n  containers:\n    - name: app\n      ports:\n        - containerPort: http\n";
    let m = parse(text);
    assert_eq!(
        rendered(&m),
        vec![
            "6:14: error: metadata.labels.version: expected a string, got the number 1; quote it: \"1\"",
            "9:7: error: spec.containers[0].image: Required value: the field \"image\" is missing",
            "11:26: error: spec.containers[0].ports[0].containerPort: expected an integer, got the string \"http\"",
        ]
    );
}

#[test]
fn names_follow_the_api_servers_rules() {
    let m = parse("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Team_A\n");
    assert_eq!(
        rendered(&m),
        vec!["4:9: error: metadata.name: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"]
    );
}

#[test]
fn rolling_update_values() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  strategy:\n    rollingUpdate:\n      maxSurge: \"25\"\n      maxUnavailable: 0\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: app, image: nginx}]\n";
    let m = parse(text);
    assert_eq!(
        rendered(&m),
        vec!["8:17: error: spec.strategy.rollingUpdate.maxSurge: Invalid value: \"25\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%') (write 25 without quotes for a count, or \"25%\" for a percentage)"]
    );
    let both_zero = text.replace("\"25\"", "0");
    assert_eq!(
        rendered(&parse(&both_zero)),
        vec!["8:7: error: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0 (the rollout could never make progress)"]
    );
}

#[test]
fn job_restart_policy_and_defaults() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers: [{name: pi, image: perl}]\n";
    assert_eq!(rendered(&parse(job)), vec!["8:22: error: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""]);
    let m = parse(&job.replace("Always", "Never"));
    let Object::Job(j) = &m.objects[0].object else { panic!("{:?}", rendered(&m)) };
    assert_eq!((j.completions, j.parallelism, j.backoff_limit), (Some(1), 1, 6));
}

#[test]
fn services_nodeports_and_external_names() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 8080\n";
    assert_eq!(
        rendered(&parse(svc)),
        vec!["10:17: error: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767"]
    );
    let ext = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: db.example.com\n";
    let m = parse(ext);
    let Object::Service(s) = &m.objects[0].object else { panic!() };
    assert_eq!((s.service_type, s.external_name.as_deref()), (ServiceType::ExternalName, Some("db.example.com")));
    let typo = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: Loadbalancer\n  ports: [{port: 80}]\n";
    assert_eq!(
        rendered(&parse(typo)),
        vec!["6:9: error: spec.type: Unsupported value: \"Loadbalancer\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\" (did you mean LoadBalancer?)"]
    );
}

#[test]
fn affinity_tolerations_and_spread() {
    let pod = r#"apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers: [{name: app, image: nginx}]
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: node.kubernetes.io/instance-type, operator: In, values: [m5.large, m5.xlarge]}
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          preference:
            matchExpressions:
              - {key: eks.amazonaws.com/capacityType, operator: In, values: [SPOT]}
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        - labelSelector: {matchLabels: {app: p}}
          topologyKey: kubernetes.io/hostname
  tolerations:
    - {operator: Exists}
    - {key: gpu, operator: Exists, value: "yes"}
    - {key: x, operator: Equal, value: y, tolerationSeconds: 30}
"#;
    let m = parse(pod);
    assert_eq!(
        rendered(&m),
        vec![
            "24:43: error: spec.tolerations[1].operator: Invalid value: \"yes\": value must be empty when `operator` is 'Exists'",
            "25:62: error: spec.tolerations[2].effect: Invalid value: effect must be 'NoExecute' when `tolerationSeconds` is set",
        ]
    );
    let fixed = pod.replace(", value: \"yes\"", "").replace("tolerationSeconds: 30", "effect: NoExecute, tolerationSeconds: 30");
    let m = parse(&fixed);
    let Object::Pod(p) = &m.objects[0].object else { panic!("{:?}", rendered(&m)) };
    let a = p.spec.affinity.as_ref().expect("affinity");
    let na = a.node_affinity.as_ref().expect("node affinity");
    assert_eq!(na.required.as_ref().map(|t| t.len()), Some(1));
    assert_eq!(na.preferred[0].weight, 50);
    assert_eq!(a.pod_anti_affinity.as_ref().map(|x| x.required[0].topology_key.as_str()), Some("kubernetes.io/hostname"));
    assert_eq!(p.spec.tolerations[2].toleration_seconds, Some(30));
}

#[test]
fn hpa_quota_limitrange_networkpolicy_pdb() {
    let text = r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 60}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: team-a}
spec:
  hard: {requests.cpu: "4", requests.memory: 8Gi, pods: "20", services.loadbalancers: "1"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr, namespace: team-a}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: team-a}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: "50%"
  selector: {matchLabels: {app: web}}
"#;
    let m = parse(text);
    assert_eq!(rendered(&m), Vec::<String>::new());
    let kinds: Vec<&str> = m.objects.iter().map(|o| o.object.kind()).collect();
    assert_eq!(kinds, ["HorizontalPodAutoscaler", "ResourceQuota", "LimitRange", "NetworkPolicy", "PodDisruptionBudget"]);
    let Object::HorizontalPodAutoscaler(h) = &m.objects[0].object else { panic!() };
    assert_eq!((h.min_replicas, h.max_replicas), (2, 10));
    assert_eq!(h.metrics, vec![HpaMetric::Resource { name: "cpu".into(), target: MetricTarget::Utilization(60) }]);
    assert_eq!(h.scale_down.stabilization_window_ms, 60_000);
    assert_eq!(h.scale_up.policies.len(), 2, "scale-up keeps the default policies");
    let Object::ResourceQuota(q) = &m.objects[1].object else { panic!() };
    assert_eq!(q.hard.get("requests.cpu"), Some(&4000));
    assert_eq!(q.hard.get("requests.memory"), Some(&(8 << 30)));
    assert_eq!(q.hard.get("pods"), Some(&20));
    let Object::LimitRange(l) = &m.objects[2].object else { panic!() };
    assert_eq!(l.limits[0].default_request.cpu_milli, Some(100));
    let Object::NetworkPolicy(n) = &m.objects[3].object else { panic!() };
    assert!(n.ingress_enabled && n.egress_enabled && n.ingress.is_empty() && n.pod_selector.is_empty());
    let Object::PodDisruptionBudget(p) = &m.objects[4].object else { panic!() };
    assert_eq!(p.budget, DisruptionBudget::MinAvailable(IntOrPercent::Percent(50)));
}

#[test]
fn yaml_syntax_errors_and_limits() {
    let m = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n");
    assert_eq!(m.diagnostics.len(), 1);
    assert_eq!(m.diagnostics[0].rule, "yaml-syntax");
    assert_eq!(m.diagnostics[0].pos.line, 5);
    // A tab that indents a line is marked at the tab, not at the value on the line before.
    let m = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n\tselector: {}\n");
    assert_eq!(m.diagnostics.len(), 1, "{:?}", m.diagnostics);
    assert_eq!((m.diagnostics[0].rule.as_str(), m.diagnostics[0].pos.line, m.diagnostics[0].pos.col), ("yaml-syntax", 7, 1), "{:?}", m.diagnostics);
    let many = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n".repeat(5);
    let limits = Limits { max_documents: 3, ..Limits::default() };
    let m = parse_with_limits(&many, &limits);
    assert_eq!(m.objects.len(), 3);
    assert_eq!(rendered(&m).last().map(String::as_str), Some("12:1: error: : more than 3 documents in one manifest"));
    let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
    let m = parse(&deep);
    assert_eq!(m.diagnostics[0].message, "nesting deeper than 64 levels");
    let m = parse_with_limits("a: 1\n", &Limits { max_bytes: 3, ..Limits::default() });
    assert_eq!(m.diagnostics[0].message, "the manifest is 5 bytes; at most 3 bytes are accepted");
}

/// Enum values are case-sensitive, as the API server's are: `always` is refused with its
/// `Unsupported value` wording (core validation's `field.NotSupported`, values listed in its
/// order) and Berth's hint, which for a case-only slip is the right case. Selector operators get
/// the API server's `Invalid value: ...: not a valid selector operator`.
#[test]
fn enum_values_are_case_sensitive_like_the_api_server() {
    let text = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: rollingUpdate
  selector:
    matchLabels: {app: web}
    matchExpressions:
      - {key: tier, operator: in, values: [front]}
  template:
    metadata:
      labels: {app: web, tier: front}
    spec:
      dnsPolicy: clusterFirst
      restartPolicy: always
      containers:
        - name: web
          image: nginx
          imagePullPolicy: always
          ports:
            - {containerPort: 80, protocol: tcp}
          readinessProbe:
            httpGet: {path: /, port: 80, scheme: https}
      tolerations:
        - {key: gpu, operator: exists}
        - {key: gpu, operator: Exists, effect: noSchedule}
      topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: doNotSchedule, labelSelector: {matchLabels: {app: web}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: nodePort
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: edge}
spec:
  type: LoadBalancer
  sessionAffinity: clientIP
  externalTrafficPolicy: local
  selector: {app: web}
  ports: [{port: 80, protocol: udp}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [ingress]
  ingress:
    - ports: [{port: 5432, protocol: tcp}]
"#;
    let m = parse(text);
    assert_eq!(
        rendered(&m),
        vec![
            "7:11: error: spec.strategy.type: Unsupported value: \"rollingUpdate\": supported values: \"Recreate\", \"RollingUpdate\" (did you mean RollingUpdate?)",
            "11:31: error: spec.selector.matchExpressions[0].operator: Invalid value: \"in\": not a valid selector operator (did you mean In?)",
            "16:18: error: spec.template.spec.dnsPolicy: Unsupported value: \"clusterFirst\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\" (did you mean ClusterFirst?)",
            "17:22: error: spec.template.spec.restartPolicy: Unsupported value: \"always\": supported values: \"Always\", \"OnFailure\", \"Never\" (did you mean Always?)",
            "21:28: error: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"always\": supported values: \"Always\", \"IfNotPresent\", \"Never\" (did you mean Always?)",
            "23:45: error: spec.template.spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\" (did you mean TCP?)",
            "25:50: error: spec.template.spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: \"https\": supported values: \"HTTP\", \"HTTPS\" (did you mean HTTPS?)",
            "27:32: error: spec.template.spec.tolerations[0].operator: Unsupported value: \"exists\": supported values: \"Equal\", \"Exists\" (did you mean Exists?)",
            "28:48: error: spec.template.spec.tolerations[1].effect: Unsupported value: \"noSchedule\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\" (did you mean NoSchedule?)",
            "30:62: error: spec.template.spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"doNotSchedule\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\" (did you mean DoNotSchedule?)",
            "36:9: error: spec.type: Unsupported value: \"nodePort\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\" (did you mean NodePort?)",
            "44:20: error: spec.sessionAffinity: Unsupported value: \"clientIP\": supported values: \"ClientIP\", \"None\" (did you mean ClientIP?)",
            "45:26: error: spec.externalTrafficPolicy: Unsupported value: \"local\": supported values: \"Cluster\", \"Local\" (did you mean Local?)",
            "47:32: error: spec.ports[0].protocol: Unsupported value: \"udp\": supported values: \"SCTP\", \"TCP\", \"UDP\" (did you mean UDP?)",
            "54:17: error: spec.policyTypes[0]: Unsupported value: \"ingress\": supported values: \"Ingress\", \"Egress\" (did you mean Ingress?)",
            "56:38: error: spec.ingress[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"TCP\", \"UDP\", \"SCTP\" (did you mean TCP?)",
        ]
    );
    // Every mark sits on the offending value itself.
    for d in &m.diagnostics {
        let bad = d.message.split('"').nth(1).expect("the value in quotes");
        assert_eq!(&text[d.pos.offset..d.pos.offset + bad.len()], bad, "{}", d.message);
    }
    assert!(m.objects.is_empty(), "every document has an error");
    // The right case is accepted, and an empty imagePullPolicy is left to the API server's defaulting.
    let fixed = text
        .replace("rollingUpdate", "RollingUpdate")
        .replace("operator: in", "operator: In")
        .replace("clusterFirst", "ClusterFirst")
        .replace("always", "Always")
        .replace("imagePullPolicy: Always", "imagePullPolicy: \"\"")
        .replace("tcp", "TCP")
        .replace("https", "HTTPS")
        .replace("exists", "Exists")
        .replace("noSchedule", "NoSchedule")
        .replace("doNotSchedule", "DoNotSchedule")
        .replace("nodePort", "NodePort")
        .replace("clientIP", "ClientIP")
        .replace("local", "Local")
        .replace("udp", "UDP")
        .replace("[ingress]", "[Ingress]");
    let m = parse(&fixed);
    assert_eq!(rendered(&m), Vec::<String>::new());
    assert_eq!(m.objects.len(), 4);
}

/// Other fixed sets the API server checks with a sentence of its own (`field.Invalid`), not a list.
#[test]
fn enum_slips_the_api_server_words_as_invalid_values() {
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  metrics:\n    - type: resource\n      resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}\n    - type: Resource\n      resource: {name: cpu, target: {type: utilization, averageUtilization: 60}}\n  behavior:\n    scaleUp: {selectPolicy: max, policies: [{type: pods, value: 1, periodSeconds: 15}]}\n";
    let m = parse(hpa);
    assert_eq!(
        rendered(&m),
        vec![
            "8:13: error: spec.metrics[0].type: Unsupported value: \"resource\": supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\" (did you mean Resource?)",
            "11:44: error: spec.metrics[1].resource.target.type: Invalid value: \"utilization\": must be either Utilization, Value, or AverageValue (did you mean Utilization?)",
            "13:29: error: spec.behavior.scaleUp.selectPolicy: Unsupported value: \"max\": supported values: \"Disabled\", \"Max\", \"Min\" (did you mean Max?)",
            "13:52: error: spec.behavior.scaleUp.policies[0].type: Unsupported value: \"pods\": supported values: \"Percent\", \"Pods\" (did you mean Pods?)",
        ]
    );
    for d in &m.diagnostics {
        let bad = d.message.split('"').nth(1).expect("the value in quotes");
        assert_eq!(&hpa[d.pos.offset..d.pos.offset + bad.len()], bad, "{}", d.message);
    }
    let lr = "apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits:\n    - type: container\n      default: {cpu: 500m}\n";
    assert_eq!(
        rendered(&parse(lr)),
        vec!["6:13: error: spec.limits[0].type: Invalid value: \"container\": must be a standard limit type or fully qualified (did you mean Container?)"]
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app, image: nginx}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n          - matchExpressions:\n              - {key: zone, operator: notin, values: [a]}\n";
    assert_eq!(
        rendered(&parse(pod)),
        vec!["11:39: error: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: \"notin\": not a valid selector operator (did you mean NotIn?)"]
    );
}

/// A suffix Kubernetes does not know: the API server's own words (`ErrSuffix`), then Berth's
/// spelling, marked on the value.
#[test]
fn a_bad_quantity_suffix_says_what_the_api_server_says() {
    let text = one_container("          resources:\n            requests:\n              memory: 500mi\n              cpu: 250M\n            limits:\n              memory: 1gb\n");
    let m = parse(&text);
    assert_eq!(
        rendered(&m),
        vec![
            "19:23: error: spec.template.spec.containers[0].resources.requests.memory: unable to parse quantity's suffix: \"500mi\"; did you mean 500Mi?".to_string(),
            format!("22:23: error: spec.template.spec.containers[0].resources.limits.memory: {FORMAT_WRONG}: \"1gb\"; did you mean 1Gi?"),
        ]
    );
    assert_eq!(&text[m.diagnostics[0].pos.offset..m.diagnostics[0].pos.offset + 5], "500mi");
    assert!(m.objects.is_empty());
}

/// Valid, but almost certainly not meant: a CPU without a suffix counts whole cores, a memory
/// without one counts bytes. Lint warnings on the value; the object is kept.
#[test]
fn unitless_cpu_and_memory_get_a_lint_warning() {
    let text = one_container(
        "          resources:\n            requests:\n              cpu: 500\n              memory: 256\n            limits:\n              cpu: \"640\"\n              memory: 1000\n",
    );
    let m = parse(&text);
    assert_eq!(
        rendered(&m),
        vec![
            "19:20: warning: spec.template.spec.containers[0].resources.requests.cpu: \"500\" is 500 whole CPUs (a CPU quantity without a suffix counts cores); did you mean 500m?",
            "20:23: warning: spec.template.spec.containers[0].resources.requests.memory: \"256\" is 256 bytes (a memory quantity without a suffix counts bytes); did you mean 256Mi?",
            "22:20: warning: spec.template.spec.containers[0].resources.limits.cpu: \"640\" is 640 whole CPUs (a CPU quantity without a suffix counts cores); did you mean 640m?",
            "23:23: warning: spec.template.spec.containers[0].resources.limits.memory: \"1000\" is 1000 bytes (a memory quantity without a suffix counts bytes); did you mean 1000Mi?",
        ]
    );
    let rules: Vec<&str> = m.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(rules, ["k8s-unitless-cpu", "k8s-unitless-memory", "k8s-unitless-cpu", "k8s-unitless-memory"]);
    assert!(m.diagnostics.iter().all(|d| d.severity == Severity::Warning));
    assert_eq!(&text[m.diagnostics[0].pos.offset..m.diagnostics[0].pos.offset + 3], "500");
    // Warnings only: the Deployment is read, with what was written (500 CPUs, 256 bytes).
    let Object::Deployment(d) = &m.objects[0].object else { panic!("{:?}", rendered(&m)) };
    let r = &d.template.spec.containers[0].resources;
    assert_eq!((r.requests.cpu_milli, r.requests.memory), (Some(500_000), Some(256)));

    // No warning for what people mean: a few whole cores, millicores, suffixed or large memory,
    // exponents, and zero.
    let fine = one_container(
        "          resources:\n            requests:\n              cpu: 63\n              memory: 1048576\n            limits:\n              cpu: 64000m\n              memory: 2e9\n          livenessProbe:\n            tcpSocket: {port: 80}\n",
    );
    assert_eq!(rendered(&parse(&fine)), Vec::<String>::new());
    let zero = one_container("          resources:\n            requests:\n              memory: 0\n");
    assert_eq!(rendered(&parse(&zero)), Vec::<String>::new());
}

/// A container name used twice: the API server names the second one's `name`, a regular
/// container's among the containers, an init container's after the containers and the init
/// containers before it (validateContainers, validateInitContainers).
#[test]
fn duplicate_container_names_point_at_the_second_one() {
    let pod = |init: &str, containers: &str| format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  initContainers:\n{init}  containers:\n{containers}");
    let c = |name: &str| format!("    - name: {name}\n      image: busybox\n");
    let m = parse(&pod(&c("a"), &(c("a") + &c("b"))));
    assert_eq!(rendered(&m), vec!["7:7: error: spec.initContainers[0].name: Duplicate value: \"a\": container names must be unique within a pod"]);
    let m = parse(&pod(&(c("s") + &c("s")), &c("b")));
    assert_eq!(rendered(&m), vec!["9:7: error: spec.initContainers[1].name: Duplicate value: \"s\": container names must be unique within a pod"]);
    let m = parse(&pod(&c("i"), &(c("b") + &c("b"))));
    assert_eq!(rendered(&m), vec!["12:7: error: spec.containers[1].name: Duplicate value: \"b\": container names must be unique within a pod"]);
}
