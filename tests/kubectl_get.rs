//! The kubectl console's read-only commands (`src/shell/kubectl_get.rs`): `get` and
//! `rollout status|history`, answered from the snapshot in kubectl's layout.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::engine::snapshot::Snapshot;
use berth::engine::time::parse_duration;
use berth::shell::kubectl_get::{age, answer};

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

fn engine_at(t: &str) -> Engine {
    let sc = parse_scenario(KUBE, &|_| Err("no files".into())).unwrap();
    let mut e = sc.start(None);
    e.run_until(parse_duration(t).unwrap());
    e
}

fn ok(s: &Snapshot, args: &str) -> String {
    match answer(s, args) {
        Some(Ok(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

fn err(s: &Snapshot, args: &str) -> String {
    match answer(s, args) {
        Some(Err(text)) => text,
        other => panic!("{args}: {other:?}"),
    }
}

#[test]
fn get_lists_what_the_cluster_holds_in_kubectls_layout() {
    let s = engine_at("2m").snapshot();
    assert_eq!(
        ok(&s, "get pods"),
        "NAME                   READY   STATUS    RESTARTS   AGE\n\
         big                    0/1     Pending   0          2m\n\
         web-656f47cf96-jzj9p   1/1     Running   0          2m\n\
         web-656f47cf96-w28n2   1/1     Running   0          2m"
    );
    assert_eq!(
        ok(&s, "kubectl get po -l app=web -o wide"),
        "NAME                   READY   STATUS    RESTARTS   AGE   NODE                        NOMINATED NODE\n\
         web-656f47cf96-jzj9p   1/1     Running   0          2m    ip-10-0-1-10.ec2.internal   <none>\n\
         web-656f47cf96-w28n2   1/1     Running   0          2m    ip-10-0-2-10.ec2.internal   <none>"
    );
    assert_eq!(ok(&s, "get deployments"), "NAME   READY   UP-TO-DATE   AVAILABLE\nweb    2/2     2            2");
    assert_eq!(ok(&s, "get rs"), "NAME             DESIRED   CURRENT   READY\nweb-656f47cf96   2         2         2");
    assert_eq!(ok(&s, "get nodes"), "NAME                        STATUS\nip-10-0-1-10.ec2.internal   Ready\nip-10-0-2-10.ec2.internal   Ready");
    assert_eq!(
        ok(&s, "get svc -o wide"),
        "NAME   TYPE           CLUSTER-IP    EXTERNAL-IP                                              PORT(S)        SELECTOR\n\
         web    LoadBalancer   10.100.0.10   k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com   80:30000/TCP   app=wbe"
    );
    // The selector's typo shows as a Service with no endpoints.
    assert_eq!(
        ok(&s, "get endpointslices"),
        "SERVICE   PORTS   ENDPOINTS   SELECTOR\nweb       80      <unset>     app=wbe\n(ENDPOINTS lists the ready pods: Berth names pods where kubectl prints their IP addresses)"
    );
    assert_eq!(
        ok(&s, "get pods -A").lines().next(),
        Some("NAMESPACE   NAME                   READY   STATUS    RESTARTS   AGE")
    );
    assert_eq!(ok(&s, "get hpa"), "No resources found in default namespace.");
    assert_eq!(ok(&s, "get pods -n kube-system"), "No resources found in kube-system namespace.");
}

#[test]
fn rollout_status_says_what_kubectl_would_and_history_lists_revisions() {
    let mut e = engine_at("2m");
    assert_eq!(ok(&e.snapshot(), "rollout status deployment/web"), "deployment \"web\" successfully rolled out");
    e.apply(Command::Kubectl { args: "set image deployment/web web=nginx:1.28".into(), manifest: None }).unwrap();
    let s = e.snapshot();
    assert!(ok(&s, "rollout status deploy/web").starts_with("Waiting for deployment \"web\" rollout to finish: "), "{}", ok(&s, "rollout status deploy/web"));
    e.run_until(parse_duration("5m").unwrap());
    let s = e.snapshot();
    assert_eq!(ok(&s, "rollout status deployment web"), "deployment \"web\" successfully rolled out");
    assert_eq!(ok(&s, "rollout history deployment/web"), "deployment.apps/web\nREVISION   CHANGE-CAUSE\n1          <none>\n2          <none>");
}

#[test]
fn mistakes_get_kubectls_errors_and_other_commands_go_to_the_engine() {
    let s = engine_at("1m").snapshot();
    assert_eq!(err(&s, "get pod nope"), "Error from server (NotFound): pods \"nope\" not found");
    assert_eq!(err(&s, "rollout status deployment/nope"), "Error from server (NotFound): deployments.apps \"nope\" not found");
    assert_eq!(err(&s, "get pods -o yaml"), "error: Berth's console prints tables only (-o wide); -o yaml is not supported");
    assert_eq!(err(&s, "get"), "error: you must specify the type of resource to get. Berth's console lists pods, deployments, replicasets, nodes, services, endpointslices and hpa");
    assert!(err(&s, "get secrets").starts_with("error: Berth's console lists pods, deployments"));
    assert_eq!(err(&s, "get pods -l app!=web"), "error: Berth's console understands label selectors of the form key=value; \"app!=web\" is not one");
    for engine_side in ["apply -f -", "scale deployment/web --replicas=3", "rollout undo deployment/web", "rollout restart deployment/web", "delete pod big"] {
        assert!(answer(&s, engine_side).is_none(), "{engine_side}");
    }
}

#[test]
fn ages_read_as_kubectl_prints_them() {
    let sec = 1000;
    assert_eq!(age(45 * sec), "45s");
    assert_eq!(age(119 * sec), "119s");
    assert_eq!(age(192 * sec), "3m12s");
    assert_eq!(age(600 * sec), "10m");
    assert_eq!(age(3 * 3600 * sec + 120 * sec), "3h2m");
    assert_eq!(age(9 * 3600 * sec), "9h");
    assert_eq!(age(3 * 86_400 * sec + 4 * 3600 * sec), "3d4h");
    assert_eq!(age(10 * 86_400 * sec), "10d");
}
