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
        vec!["19:23: error: spec.template.spec.containers[0].resources.limits.memory: \"512Mb\" is not a quantity; did you mean 512Mi?"]
    );
    assert!(m.objects.is_empty(), "a document with errors yields no object");
    let d = &m.diagnostics[0];
    assert_eq!(d.render("web.yaml"), "web.yaml:19:23: error: spec.template.spec.containers[0].resources.limits.memory: \"512Mb\" is not a quantity; did you mean 512Mi?");
    assert_eq!(&text[d.pos.offset..d.pos.offset + 5], "512Mb");
}

#[test]
fn cpu_in_cores_words() {
    let m = parse(&one_container("          resources:\n            requests:\n              cpu: 0.5 cores\n"));
    assert_eq!(rendered(&m), vec!["19:20: error: spec.template.spec.containers[0].resources.requests.cpu: \"0.5 cores\" is not a quantity; did you mean 0.5?"]);
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
        vec!["6:9: error: spec.type: Unsupported value: \"Loadbalancer\": supported values: \"ClusterIP\", \"NodePort\", \"LoadBalancer\", \"ExternalName\" (did you mean LoadBalancer?)"]
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
