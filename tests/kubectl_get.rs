//! The kubectl console's read-only commands (`src/shell/kubectl_get.rs`): `get` and
//! `rollout status|history`, answered from the snapshot in kubectl's layout. Every expectation is
//! a whole table, as a learner would read it in the console.

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::{Command, Engine};
use berth::engine::snapshot::Snapshot;
use berth::engine::time::parse_duration;
use berth::shell::kubectl_get::{age, answer};

/// Deployment web (2 replicas, app=web), a LoadBalancer Service whose selector has a typo
/// (app=wbe), and a pod too big for any node.
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

/// Namespace shop with Deployment api (5 replicas, app=api + tier=back, ready 30 s after start)
/// behind a ClusterIP Service; in default Deployment web behind a NodePort Service, an
/// ExternalName Service and an HPA. Two m5.large nodes labelled team=shop, one Graviton node with
/// a role label.
const SHOP: &str = r#"{
  "berth": 1, "name": "shop", "seed": 3,
  "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
  "kubernetes": {
    "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 2, "minSize": 1, "maxSize": 4, "labels": { "team": "shop" } },
                   { "name": "arm", "instanceType": "m6g.large", "desiredSize": 1, "minSize": 1, "maxSize": 2, "labels": { "node-role.kubernetes.io/batch": "" } }],
    "manifests": ["apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 5\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n        tier: back\n    spec:\n      containers:\n      - name: api\n        image: shop/api:1.0\n        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: 8080\n          initialDelaySeconds: 30\n          periodSeconds: 5\n        resources:\n          requests:\n            cpu: 100m\n            memory: 128Mi\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n  - port: 80\n    targetPort: 8080\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        resources:\n          requests:\n            cpu: 250m\n            memory: 256Mi\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: db.example.com\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 6\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 60\n"]
  }
}"#;

fn engine_at(scenario: &str, t: &str) -> Engine {
    let sc = parse_scenario(scenario, &|_| Err("no files".into())).unwrap();
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

/// A table (or any output) line by line.
fn lines(rows: &[&str]) -> String {
    rows.join("\n")
}

#[test]
fn get_lists_what_the_cluster_holds_in_kubectls_layout() {
    let s = engine_at(KUBE, "2m").snapshot();
    assert_eq!(
        ok(&s, "get pods"),
        lines(&[
            "NAME                   READY   STATUS    RESTARTS   AGE",
            "big                    0/1     Pending   0          2m",
            "web-656f47cf96-jzj9p   1/1     Running   0          2m",
            "web-656f47cf96-w28n2   1/1     Running   0          2m",
        ])
    );
    // -o wide: the pod's IP (none while Pending), node, nominated node, readiness gates.
    assert_eq!(
        ok(&s, "kubectl get po -o wide"),
        lines(&[
            "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE                        NOMINATED NODE   READINESS GATES",
            "big                    0/1     Pending   0          2m    <none>       <none>                      <none>           <none>",
            "web-656f47cf96-jzj9p   1/1     Running   0          2m    10.0.1.228   ip-10-0-1-10.ec2.internal   <none>           <none>",
            "web-656f47cf96-w28n2   1/1     Running   0          2m    10.0.2.168   ip-10-0-2-10.ec2.internal   <none>           <none>",
        ])
    );
    // AGE of every object: the time since its creation (these came with the scenario).
    assert_eq!(ok(&s, "get deployments"), lines(&["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    2/2     2            2           2m"]));
    assert_eq!(
        ok(&s, "get deploy -o wide"),
        lines(&[
            "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR",
            "web    2/2     2            2           2m    web          nginx:1.27   app=web",
        ])
    );
    assert_eq!(ok(&s, "get rs"), lines(&["NAME             DESIRED   CURRENT   READY   AGE", "web-656f47cf96   2         2         2       2m"]));
    assert_eq!(
        ok(&s, "get nodes"),
        lines(&[
            "NAME                        STATUS   ROLES    AGE   VERSION",
            "ip-10-0-1-10.ec2.internal   Ready    <none>   2m    v1.33.0-eks-802817d",
            "ip-10-0-2-10.ec2.internal   Ready    <none>   2m    v1.33.0-eks-802817d",
        ])
    );
    // The API server's own Service comes with the cluster (at the scenario's start).
    assert_eq!(
        ok(&s, "get svc"),
        lines(&[
            "NAME         TYPE           CLUSTER-IP    EXTERNAL-IP                                              PORT(S)        AGE",
            "kubernetes   ClusterIP      10.100.0.1    <none>                                                   443/TCP        2m",
            "web          LoadBalancer   10.100.0.10   k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com   80:30000/TCP   2m",
        ])
    );
    // The selector, and its typo, are read with -o wide.
    assert_eq!(
        ok(&s, "get svc -o wide"),
        lines(&[
            "NAME         TYPE           CLUSTER-IP    EXTERNAL-IP                                              PORT(S)        AGE   SELECTOR",
            "kubernetes   ClusterIP      10.100.0.1    <none>                                                   443/TCP        2m    <none>",
            "web          LoadBalancer   10.100.0.10   k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com   80:30000/TCP   2m    app=wbe",
        ])
    );
    // A selector that matches nothing: the controller's placeholder slice, no ports, no addresses.
    assert_eq!(
        ok(&s, "get endpointslices"),
        lines(&[
            "NAME         ADDRESSTYPE   PORTS     ENDPOINTS               AGE",
            "kubernetes   IPv4          443       10.0.1.254,10.0.2.253   2m",
            "web-vdgb8    IPv4          <unset>   <unset>                 2m",
        ])
    );
    assert_eq!(
        ok(&s, "get ep"),
        lines(&[
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
            "NAME         ENDPOINTS                       AGE",
            "kubernetes   10.0.1.254:443,10.0.2.253:443   2m",
            "web          <none>                          2m",
        ])
    );
    assert_eq!(ok(&s, "get pods -A").lines().next(), Some("NAMESPACE   NAME                   READY   STATUS    RESTARTS   AGE"));
    assert_eq!(ok(&s, "get hpa"), "No resources found in default namespace.");
    assert_eq!(ok(&s, "get pods -n kube-system"), "No resources found in kube-system namespace.");
}

#[test]
fn get_all_prints_one_table_per_type_with_kubectls_prefixes() {
    let s = engine_at(KUBE, "2m").snapshot();
    assert_eq!(
        ok(&s, "get all"),
        lines(&[
            "NAME                       READY   STATUS    RESTARTS   AGE",
            "pod/big                    0/1     Pending   0          2m",
            "pod/web-656f47cf96-jzj9p   1/1     Running   0          2m",
            "pod/web-656f47cf96-w28n2   1/1     Running   0          2m",
            "",
            "NAME                 TYPE           CLUSTER-IP    EXTERNAL-IP                                              PORT(S)        AGE",
            "service/kubernetes   ClusterIP      10.100.0.1    <none>                                                   443/TCP        2m",
            "service/web          LoadBalancer   10.100.0.10   k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com   80:30000/TCP   2m",
            "",
            "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
            "deployment.apps/web   2/2     2            2           2m",
            "",
            "NAME                             DESIRED   CURRENT   READY   AGE",
            "replicaset.apps/web-656f47cf96   2         2         2       2m",
        ])
    );
    let s = engine_at(SHOP, "3m").snapshot();
    assert_eq!(
        ok(&s, "get all -n shop"),
        lines(&[
            "NAME                       READY   STATUS    RESTARTS   AGE",
            "pod/api-657b66b9db-2cqnw   1/1     Running   0          3m",
            "pod/api-657b66b9db-6gbr7   1/1     Running   0          3m",
            "pod/api-657b66b9db-djvk7   1/1     Running   0          3m",
            "pod/api-657b66b9db-ggbpj   1/1     Running   0          3m",
            "pod/api-657b66b9db-mb6l2   1/1     Running   0          3m",
            "",
            "NAME          TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE",
            "service/api   ClusterIP   10.100.0.10   <none>        80/TCP    3m",
            "",
            "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
            "deployment.apps/api   5/5     5            5           3m",
            "",
            "NAME                             DESIRED   CURRENT   READY   AGE",
            "replicaset.apps/api-657b66b9db   5         5         5       3m",
        ])
    );
    // Several types in one request, or --show-kind, name the type too; a missing name is
    // reported after what was found.
    assert_eq!(
        ok(&s, "get deploy,hpa --show-kind"),
        lines(&[
            "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
            "deployment.apps/web   2/2     2            2           3m",
            "",
            "NAME                                      REFERENCE        TARGETS       MINPODS   MAXPODS   REPLICAS   AGE",
            "horizontalpodautoscaler.autoscaling/web   Deployment/web   cpu: 0%/60%   2         6         2          3m",
        ])
    );
    assert_eq!(
        ok(&s, "get deploy/web svc/web pod/nope"),
        lines(&[
            "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
            "deployment.apps/web   2/2     2            2           3m",
            "",
            "NAME          TYPE       CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE",
            "service/web   NodePort   10.100.0.11   <none>        80:30000/TCP   3m",
            "Error from server (NotFound): pods \"nope\" not found",
        ])
    );
    assert_eq!(
        ok(&s, "get svc,ep -n shop"),
        lines(&[
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
            "NAME          TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE",
            "service/api   ClusterIP   10.100.0.10   <none>        80/TCP    3m",
            "",
            "NAME            ENDPOINTS                                                     AGE",
            "endpoints/api   10.0.1.121:8080,10.0.1.147:8080,10.0.1.162:8080 + 2 more...   3m",
        ])
    );
    assert_eq!(
        ok(&s, "get all -A -o name"),
        lines(&[
            "pod/web-656f47cf96-jk284",
            "pod/web-656f47cf96-xlb9p",
            "pod/api-657b66b9db-2cqnw",
            "pod/api-657b66b9db-6gbr7",
            "pod/api-657b66b9db-djvk7",
            "pod/api-657b66b9db-ggbpj",
            "pod/api-657b66b9db-mb6l2",
            "service/db",
            "service/kubernetes",
            "service/web",
            "service/api",
            "deployment.apps/web",
            "deployment.apps/api",
            "replicaset.apps/web-656f47cf96",
            "replicaset.apps/api-657b66b9db",
            "horizontalpodautoscaler.autoscaling/web",
        ])
    );
}

#[test]
fn label_selectors_apply_to_every_resource_with_labels() {
    let s = engine_at(KUBE, "2m").snapshot();
    // A Deployment's and a ReplicaSet's labels are their pods' (template) labels; a Service's its
    // selector.
    assert_eq!(ok(&s, "get deployments -l app=nope"), "No resources found in default namespace.");
    assert_eq!(ok(&s, "get deployments -l app=web"), lines(&["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    2/2     2            2           2m"]));
    assert_eq!(ok(&s, "get rs -l app=web"), lines(&["NAME             DESIRED   CURRENT   READY   AGE", "web-656f47cf96   2         2         2       2m"]));
    assert_eq!(ok(&s, "get svc -l app=web"), "No resources found in default namespace.");
    assert_eq!(
        ok(&s, "get svc -l app=wbe"),
        lines(&[
            "NAME   TYPE           CLUSTER-IP    EXTERNAL-IP                                              PORT(S)        AGE",
            "web    LoadBalancer   10.100.0.10   k8s-default-web-0824d634bb.elb.us-east-1.amazonaws.com   80:30000/TCP   2m",
        ])
    );
    assert_eq!(
        ok(&s, "get endpointslices -l kubernetes.io/service-name=web"),
        lines(&["NAME        ADDRESSTYPE   PORTS     ENDPOINTS   AGE", "web-vdgb8   IPv4          <unset>   <unset>     2m"])
    );
    assert_eq!(
        ok(&s, "get ep -l app=nope"),
        lines(&["Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice", "No resources found in default namespace."])
    );
    assert_eq!(ok(&s, "get hpa -l app=web"), "No resources found in default namespace.");

    let s = engine_at(SHOP, "3m").snapshot();
    assert_eq!(
        ok(&s, "get deploy -A --show-labels"),
        lines(&[
            "NAMESPACE   NAME   READY   UP-TO-DATE   AVAILABLE   AGE   LABELS",
            "default     web    2/2     2            2           3m    app=web",
            "shop        api    5/5     5            5           3m    app=api,tier=back",
        ])
    );
    // Set-based requirements, existence, and -L's columns (the key's last path segment).
    assert_eq!(
        ok(&s, "get pods -n shop -l 'tier in (back, front)' -L tier"),
        lines(&[
            "NAME                   READY   STATUS    RESTARTS   AGE   TIER",
            "api-657b66b9db-2cqnw   1/1     Running   0          3m    back",
            "api-657b66b9db-6gbr7   1/1     Running   0          3m    back",
            "api-657b66b9db-djvk7   1/1     Running   0          3m    back",
            "api-657b66b9db-ggbpj   1/1     Running   0          3m    back",
            "api-657b66b9db-mb6l2   1/1     Running   0          3m    back",
        ])
    );
    let web_pods = lines(&[
        "NAMESPACE   NAME                   READY   STATUS    RESTARTS   AGE",
        "default     web-656f47cf96-jk284   1/1     Running   0          3m",
        "default     web-656f47cf96-xlb9p   1/1     Running   0          3m",
    ]);
    assert_eq!(ok(&s, "get pods -A -l 'tier notin (back)'"), web_pods);
    assert_eq!(ok(&s, "get pods -A -l !tier"), web_pods);
    assert_eq!(ok(&s, "get pods -A -l app!=api"), web_pods);
    assert_eq!(
        ok(&s, "get pods -A -l tier,app==api -o name"),
        lines(&["pod/api-657b66b9db-2cqnw", "pod/api-657b66b9db-6gbr7", "pod/api-657b66b9db-djvk7", "pod/api-657b66b9db-ggbpj", "pod/api-657b66b9db-mb6l2"])
    );
    assert_eq!(
        ok(&s, "get svc -A -l '!app'"),
        lines(&[
            "NAMESPACE   NAME         TYPE           CLUSTER-IP   EXTERNAL-IP      PORT(S)   AGE",
            "default     db           ExternalName   <none>       db.example.com   <none>    3m",
            "default     kubernetes   ClusterIP      10.100.0.1   <none>           443/TCP   3m",
        ])
    );
    assert_eq!(
        ok(&s, "get nodes -l team=shop"),
        lines(&[
            "NAME                        STATUS   ROLES    AGE   VERSION",
            "ip-10-0-1-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d",
            "ip-10-0-2-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d",
        ])
    );
    assert_eq!(ok(&s, "get ns -l kubernetes.io/metadata.name=shop"), lines(&["NAME   STATUS   AGE", "shop   Active   3m"]));

    // After a rollout the old ReplicaSet has no pods; its labels are the template's with its own
    // pod-template-hash.
    let mut e = engine_at(SHOP, "3m");
    e.apply(Command::Kubectl { args: "set image deployment/web web=nginx:1.28".into(), manifest: None }).unwrap();
    e.run_until(parse_duration("6m").unwrap());
    let s = e.snapshot();
    assert_eq!(
        ok(&s, "get rs --show-labels"),
        lines(&[
            "NAME             DESIRED   CURRENT   READY   AGE   LABELS",
            "web-656f47cf96   0         0         0       6m    app=web,pod-template-hash=656f47cf96",
            "web-65787f4dbc   2         2         2       3m    app=web,pod-template-hash=65787f4dbc",
        ])
    );
    assert_eq!(ok(&s, "get rs -l pod-template-hash=65787f4dbc -o name"), "replicaset.apps/web-65787f4dbc");

    let s = engine_at(KUBE, "1m").snapshot();
    assert_eq!(err(&s, "get pods -l 'app in (web'"), "error: unable to parse requirement: found '', expected: ')'");
    assert_eq!(err(&s, "get pods -l 'app foo'"), "error: unable to parse requirement: found 'foo', expected: '=', '!=', '==', 'in', notin'");
    assert_eq!(err(&s, "get deploy web -l app=web"), "error: name cannot be provided when a selector is specified");
}

#[test]
fn flags_read_as_kubectl_reads_them() {
    let s = engine_at(SHOP, "3m").snapshot();
    let wide = ok(&s, "get pods -o wide -n shop -l app=api");
    assert!(wide.starts_with("NAME                   READY   STATUS    RESTARTS   AGE   IP"), "{wide}");
    for spelling in [
        "get pods -owide -nshop -lapp=api",
        "get pods -o=wide --namespace=shop --selector=app=api",
        "get pods --output wide --namespace shop --selector app=api",
        "get pods --output=wide -n=shop -l=app=api",
        "get pods -o wide -n shop -l \"app=api\"",
        "get pods -o wide -n shop -l 'app=api'",
        "get pods -o wide -n shop -l 'app = api'",
        "-n shop get pods -o wide -l app=api",
        "kubectl --namespace=shop get pods -o wide -l app=api",
        "kubectl -nshop get pods -owide -lapp=api",
    ] {
        assert_eq!(ok(&s, spelling), wide, "{spelling}");
    }
    assert_eq!(ok(&s, "get pods -Ao wide"), ok(&s, "get pods -A -o wide"));
    assert_eq!(ok(&s, "get pods -A --all-namespaces=false"), ok(&s, "get pods"));
    assert_eq!(
        ok(&s, "get pods --no-headers -n shop"),
        lines(&[
            "api-657b66b9db-2cqnw   1/1   Running   0   3m",
            "api-657b66b9db-6gbr7   1/1   Running   0   3m",
            "api-657b66b9db-djvk7   1/1   Running   0   3m",
            "api-657b66b9db-ggbpj   1/1   Running   0   3m",
            "api-657b66b9db-mb6l2   1/1   Running   0   3m",
        ])
    );
    assert_eq!(ok(&s, "get pods --ignore-not-found nope"), "");
    assert_eq!(err(&s, "get pods -l \"app=api"), "error: the command line has an unterminated \" quote");
    assert_eq!(err(&s, "get pods -n"), "error: flag needs an argument: 'n' in -n");
    assert_eq!(err(&s, "get pods --selector"), "error: flag needs an argument: --selector");
    assert_eq!(err(&s, "get pods --frob"), "error: unknown flag: --frob");
    assert_eq!(err(&s, "get pods -x"), "error: unknown shorthand flag: 'x' in -x");
    assert_eq!(
        err(&s, "get pods --show-labels=maybe"),
        "error: invalid argument \"maybe\" for \"--show-labels\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
    );
    assert_eq!(err(&s, "get deploy web -A"), "error: a resource cannot be retrieved by name across all namespaces");
}

#[test]
fn real_flags_berth_does_not_have_say_what_to_use_instead() {
    let s = engine_at(KUBE, "1m").snapshot();
    let watch = "error: --watch is not supported in Berth: the console answers once, from the cluster on screen: run the command again as the simulation moves on (Play or Step), or follow the event log";
    assert_eq!(err(&s, "get pods -w"), watch);
    assert_eq!(err(&s, "get pods --watch"), watch);
    assert_eq!(err(&s, "get pods --sort-by=.metadata.name"), "error: --sort-by is not supported in Berth: lists come in the API server's order, by namespace and name");
    assert_eq!(
        err(&s, "get pods --field-selector=spec.nodeName=x"),
        "error: --field-selector is not supported in Berth: select by label with -l, or name the object; -o wide shows each pod's node"
    );
    assert_eq!(err(&s, "get -f web.yaml"), "error: --filename is not supported in Berth: the page has no files: name the resource instead (get deployment web)");
    let yaml = "error: -o yaml is not supported in Berth: the console prints tables (-o wide adds columns, -o name lists names; -L and --show-labels show labels); the manifest editor holds the objects you applied";
    assert_eq!(err(&s, "get pods -o yaml"), yaml);
    assert_eq!(err(&s, "get pods -oyaml"), yaml);
    assert!(err(&s, "get pods -o jsonpath='{.items[*].metadata.name}'").starts_with("error: -o jsonpath is not supported in Berth: "));
    assert_eq!(
        err(&s, "get pods -o foo"),
        "error: unable to match a printer suitable for the output format \"foo\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    );
    assert_eq!(ok(&s, "get pdb"), "No resources found in default namespace.");
}

/// AGE counts from each object's creation: the scenario's own objects at 0, later ones from the
/// apply that created them (re-applying does not reset it); `get pdb` shows the budget as
/// written and how many evictions it allows now.
#[test]
fn ages_count_from_creation_and_budgets_are_listed() {
    let mut e = engine_at(SHOP, "3m");
    let budgets = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web-pdb\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: api-pdb\n  namespace: shop\nspec:\n  minAvailable: 50%\n  selector:\n    matchLabels:\n      app: api\n";
    e.apply(Command::Kubectl { args: "apply -f -".into(), manifest: Some(budgets.into()) }).unwrap();
    e.run_until(parse_duration("4m").unwrap());
    // The same budget applied again a minute later keeps its creation time.
    e.apply(Command::Kubectl { args: "apply -f -".into(), manifest: Some(budgets.into()) }).unwrap();
    e.run_until(parse_duration("5m30s").unwrap());
    let s = e.snapshot();
    // Two ready web pods, at most one unavailable: one eviction allowed.
    assert_eq!(ok(&s, "get pdb"), lines(&["NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE", "web-pdb   N/A             1                 1                     2m30s"]));
    // Five api pods, half of them must stay: ceil(2.5) = 3, so two evictions.
    assert_eq!(
        ok(&s, "get poddisruptionbudgets -A"),
        lines(&[
            "NAMESPACE   NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE",
            "default     web-pdb   N/A             1                 1                     2m30s",
            "shop        api-pdb   50%             N/A               2                     2m30s",
        ])
    );
    assert_eq!(ok(&s, "get deploy"), lines(&["NAME   READY   UP-TO-DATE   AVAILABLE   AGE", "web    2/2     2            2           5m30s"]));
    assert_eq!(ok(&s, "get ns shop"), lines(&["NAME   STATUS   AGE", "shop   Active   5m30s"]));
}

#[test]
fn nodes_are_listed_by_name_with_eks_details_and_label_columns() {
    let s = engine_at(SHOP, "3m").snapshot();
    assert_eq!(
        ok(&s, "get nodes"),
        lines(&[
            "NAME                        STATUS   ROLES    AGE   VERSION",
            "ip-10-0-1-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d",
            "ip-10-0-1-11.ec2.internal   Ready    batch    3m    v1.33.0-eks-802817d",
            "ip-10-0-2-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d",
        ])
    );
    assert_eq!(
        ok(&s, "get nodes -o wide"),
        lines(&[
            "NAME                        STATUS   ROLES    AGE   VERSION               INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                       KERNEL-VERSION                     CONTAINER-RUNTIME",
            "ip-10-0-1-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d   10.0.1.10     <none>        Amazon Linux 2023.7.20250512   6.1.134-152.225.amzn2023.x86_64    containerd://1.7.27",
            "ip-10-0-1-11.ec2.internal   Ready    batch    3m    v1.33.0-eks-802817d   10.0.1.11     <none>        Amazon Linux 2023.7.20250512   6.1.134-152.225.amzn2023.aarch64   containerd://1.7.27",
            "ip-10-0-2-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d   10.0.2.10     <none>        Amazon Linux 2023.7.20250512   6.1.134-152.225.amzn2023.x86_64    containerd://1.7.27",
        ])
    );
    assert_eq!(
        ok(&s, "get nodes -L node.kubernetes.io/instance-type,topology.kubernetes.io/zone -L eks.amazonaws.com/capacityType"),
        lines(&[
            "NAME                        STATUS   ROLES    AGE   VERSION               INSTANCE-TYPE   ZONE         CAPACITYTYPE",
            "ip-10-0-1-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d   m5.large        us-east-1a   ON_DEMAND",
            "ip-10-0-1-11.ec2.internal   Ready    batch    3m    v1.33.0-eks-802817d   m6g.large       us-east-1a   ON_DEMAND",
            "ip-10-0-2-10.ec2.internal   Ready    <none>   3m    v1.33.0-eks-802817d   m5.large        us-east-1b   ON_DEMAND",
        ])
    );
    assert_eq!(ok(&s, "get no ip-10-0-2-10.ec2.internal -o name"), "node/ip-10-0-2-10.ec2.internal");
    assert_eq!(err(&s, "get node nope"), "Error from server (NotFound): nodes \"nope\" not found");
}

#[test]
fn endpoints_and_slices_list_the_pods_addresses_as_kubectl_does() {
    // 20 s in, the api pods run but are not Ready yet: the slice lists them, v1 Endpoints holds
    // them as notReadyAddresses, which kubectl leaves out (an empty cell).
    let s = engine_at(SHOP, "20s").snapshot();
    assert_eq!(
        ok(&s, "get ep,endpointslices -n shop"),
        lines(&[
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
            "NAME            ENDPOINTS   AGE",
            "endpoints/api               20s",
            "",
            "NAME                                       ADDRESSTYPE   PORTS   ENDPOINTS                                      AGE",
            "endpointslice.discovery.k8s.io/api-gdk7h   IPv4          8080    10.0.1.121,10.0.2.148,10.0.1.162 + 2 more...   20s",
        ])
    );
    let s = engine_at(SHOP, "3m").snapshot();
    // The addresses are the pods' IPs, as get pods -o wide shows them.
    assert_eq!(
        ok(&s, "get pods -n shop -o wide"),
        lines(&[
            "NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE                        NOMINATED NODE   READINESS GATES",
            "api-657b66b9db-2cqnw   1/1     Running   0          3m    10.0.1.162   ip-10-0-1-11.ec2.internal   <none>           <none>",
            "api-657b66b9db-6gbr7   1/1     Running   0          3m    10.0.2.197   ip-10-0-2-10.ec2.internal   <none>           <none>",
            "api-657b66b9db-djvk7   1/1     Running   0          3m    10.0.1.147   ip-10-0-1-10.ec2.internal   <none>           <none>",
            "api-657b66b9db-ggbpj   1/1     Running   0          3m    10.0.1.121   ip-10-0-1-10.ec2.internal   <none>           <none>",
            "api-657b66b9db-mb6l2   1/1     Running   0          3m    10.0.2.148   ip-10-0-2-10.ec2.internal   <none>           <none>",
        ])
    );
    assert_eq!(
        ok(&s, "get endpointslices -n shop"),
        lines(&[
            "NAME        ADDRESSTYPE   PORTS   ENDPOINTS                                      AGE",
            "api-gdk7h   IPv4          8080    10.0.1.121,10.0.2.148,10.0.1.162 + 2 more...   3m",
        ])
    );
    assert_eq!(
        ok(&s, "get endpoints -n shop"),
        lines(&[
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
            "NAME   ENDPOINTS                                                     AGE",
            "api    10.0.1.121:8080,10.0.1.147:8080,10.0.1.162:8080 + 2 more...   3m",
        ])
    );
    // A slice is named <service>-<5 characters>: the name alone is not the Service's.
    assert_eq!(err(&s, "get endpointslices api -n shop"), "Error from server (NotFound): endpointslices.discovery.k8s.io \"api\" not found");
    assert_eq!(ok(&s, "get endpointslices api-gdk7h -n shop -o name"), "endpointslice.discovery.k8s.io/api-gdk7h");
    assert_eq!(
        ok(&s, "get svc -A -o wide"),
        lines(&[
            "NAMESPACE   NAME         TYPE           CLUSTER-IP    EXTERNAL-IP      PORT(S)        AGE   SELECTOR",
            "default     db           ExternalName   <none>        db.example.com   <none>         3m    <none>",
            "default     kubernetes   ClusterIP      10.100.0.1    <none>           443/TCP        3m    <none>",
            "default     web          NodePort       10.100.0.11   <none>           80:30000/TCP   3m    app=web",
            "shop        api          ClusterIP      10.100.0.10   <none>           80/TCP         3m    app=api",
        ])
    );
}

#[test]
fn namespaces_and_hpas() {
    let s = engine_at(SHOP, "3m").snapshot();
    assert_eq!(
        ok(&s, "get ns"),
        lines(&[
            "NAME              STATUS   AGE",
            "default           Active   3m",
            "kube-node-lease   Active   3m",
            "kube-public       Active   3m",
            "kube-system       Active   3m",
            "shop              Active   3m",
        ])
    );
    assert_eq!(ok(&s, "get namespace default"), lines(&["NAME      STATUS   AGE", "default   Active   3m"]));
    assert_eq!(
        ok(&s, "get hpa"),
        lines(&[
            "NAME   REFERENCE        TARGETS       MINPODS   MAXPODS   REPLICAS   AGE",
            "web    Deployment/web   cpu: 0%/60%   2         6         2          3m",
        ])
    );
}

#[test]
fn rollout_status_says_what_kubectl_would_and_history_lists_revisions() {
    let mut e = engine_at(KUBE, "2m");
    assert_eq!(ok(&e.snapshot(), "rollout status deployment/web"), "deployment \"web\" successfully rolled out");
    e.apply(Command::Kubectl { args: "set image deployment/web web=nginx:1.28".into(), manifest: None }).unwrap();
    let s = e.snapshot();
    assert!(ok(&s, "rollout status deploy/web").starts_with("Waiting for deployment \"web\" rollout to finish: "), "{}", ok(&s, "rollout status deploy/web"));
    e.run_until(parse_duration("5m").unwrap());
    let s = e.snapshot();
    assert_eq!(ok(&s, "rollout status deployment web"), "deployment \"web\" successfully rolled out");
    assert_eq!(ok(&s, "rollout status deploy/web -w --timeout=30s"), "deployment \"web\" successfully rolled out");
    assert_eq!(ok(&s, "rollout status deploy/web --watch=false --revision=2"), "deployment \"web\" successfully rolled out");
    assert_eq!(err(&s, "rollout status deploy/web --revision=1"), "error: desired revision (1) is different from the running revision (2)");
    assert_eq!(ok(&s, "rollout history deployment/web"), lines(&["deployment.apps/web", "REVISION   CHANGE-CAUSE", "1          <none>", "2          <none>"]));
    assert_eq!(err(&s, "rollout history deployment/web --revision=7"), "error: unable to find the specified revision");
    // A revision's pod template, as kubectl's DescribePodTemplate prints it (its tabs at 8-column stops).
    assert_eq!(
        ok(&s, "rollout history deployment/web --revision=2"),
        lines(&[
            "deployment.apps/web with revision #2",
            "Pod Template:",
            "  Labels:       app=web",
            "        pod-template-hash=65787f4dbc",
            "  Containers:",
            "   web:",
            "    Image:      nginx:1.28",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "    Requests:",
            "      cpu:      250m",
            "      memory:   256Mi",
            "  Node-Selectors:       <none>",
            "  Tolerations:  <none>",
        ])
    );
    assert_eq!(err(&s, "rollout status deploy/web -A"), "error: unknown shorthand flag: 'A' in -A");
}

#[test]
fn mistakes_get_kubectls_errors_and_other_commands_go_to_the_engine() {
    let s = engine_at(KUBE, "1m").snapshot();
    assert_eq!(err(&s, "get pod nope"), "Error from server (NotFound): pods \"nope\" not found");
    assert_eq!(
        err(&s, "get pods nope1 nope2"),
        lines(&["Error from server (NotFound): pods \"nope1\" not found", "Error from server (NotFound): pods \"nope2\" not found"])
    );
    assert_eq!(err(&s, "rollout status deployment/nope"), "Error from server (NotFound): deployments.apps \"nope\" not found");
    assert_eq!(
        err(&s, "get"),
        "error: you must specify the type of resource to get. Berth's console lists pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, endpoints, hpa, pdb and namespaces (and all)"
    );
    assert_eq!(
        err(&s, "get secrets"),
        "error: Berth's console lists pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, endpoints, hpa, pdb and namespaces (and all), not \"secrets\" (the cluster view and the event log show the rest)"
    );
    assert_eq!(err(&s, "get podz"), "error: the server doesn't have a resource type \"podz\"");
    assert_eq!(
        err(&s, "get deploy web/x"),
        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"
    );
    for engine_side in ["apply -f -", "scale deployment/web --replicas=3", "rollout undo deployment/web", "rollout restart deployment/web", "delete pod big", "-n default scale deployment/web --replicas=3", "describe pod big", "set image deployment/web web=\"nginx"] {
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
    assert_eq!(age(800 * 86_400 * sec), "2y70d");
    assert_eq!(age(3000 * 86_400 * sec), "8y");
}

/// Deployment web (one replica): an init container `migrate`, the app `web` (ready 40 s after it
/// starts, readiness probe every 5 s) and a `log-shipper` sidecar without probes.
const WEB_WITH_SIDECAR: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kubernetes.io/change-cause: first release
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
      - name: migrate
        image: busybox:1.36
      containers:
      - name: web
        image: shop/web:1.0
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet:
            path: /healthz
            port: 8080
          periodSeconds: 5
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
          limits:
            memory: 512Mi
      - name: log-shipper
        image: fluent/fluent-bit:3.0
      tolerations:
      - key: dedicated
        operator: Equal
        value: web
        effect: NoSchedule
";

/// [`WEB_WITH_SIDECAR`]; pod `setup` with two init containers of 20 s each; pod `crasher`, whose
/// app exits with code 1 10 s after each start; DaemonSet `node-agent` on Linux nodes; Job
/// `report` (two completions of 20 s each). Two m5.large nodes; images pull in 3 s.
fn pods_scenario() -> String {
    let others = "---
apiVersion: v1
kind: Pod
metadata:
  name: setup
spec:
  initContainers:
  - name: fetch
    image: busybox:1.36
  - name: render
    image: alpine:3.20
  containers:
  - name: app
    image: nginx:1.27
---
apiVersion: v1
kind: Pod
metadata:
  name: crasher
spec:
  containers:
  - name: app
    image: shop/crash:1.0
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  labels:
    app: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: agent
        image: shop/agent:2.1
---
apiVersion: batch/v1
kind: Job
metadata:
  name: report
spec:
  completions: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: report
        image: shop/report:1.0
";
    serde_json::json!({
        "berth": 1, "name": "pods", "seed": 5,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng-1", "instanceType": "m5.large", "desiredSize": 2, "minSize": 1, "maxSize": 3 }],
            "manifests": [format!("{WEB_WITH_SIDECAR}{others}")]
        },
        "behaviors": {
            "shop/web:1.0": { "readyAfter": "40s" },
            "nginx:1.27": { "initRunsFor": "20s" },
            "shop/crash:1.0": { "exitAfter": "10s", "exitCode": 1 },
            "shop/report:1.0": { "exitAfter": "20s", "exitCode": 0 }
        }
    })
    .to_string()
}

#[test]
fn pods_show_their_containers_init_progress_and_last_restart() {
    let sc = pods_scenario();
    // 3 s: web's init container is pulling its image and running (3 s + 2 s), setup's first of
    // two (3 s + 20 s); the others pull their images (3 s) and start 1 s later.
    assert_eq!(
        ok(&engine_at(&sc, "3s").snapshot(), "get pods"),
        lines(&[
            "NAME                   READY   STATUS              RESTARTS   AGE",
            "crasher                0/1     ContainerCreating   0          3s",
            "node-agent-4nj2r       0/1     ContainerCreating   0          3s",
            "node-agent-mmmzf       0/1     ContainerCreating   0          3s",
            "report-xzxb4           0/1     ContainerCreating   0          3s",
            "setup                  0/1     Init:0/2            0          3s",
            "web-84985cb66c-gcdsz   0/2     Init:0/1            0          3s",
        ])
    );
    // 8 s: web's init container is done (5 s); its two images pull until 11 s: PodInitializing.
    assert_eq!(
        ok(&engine_at(&sc, "8s").snapshot(), "get pods web-84985cb66c-gcdsz setup crasher"),
        lines(&[
            "NAME                   READY   STATUS            RESTARTS   AGE",
            "crasher                1/1     Running           0          8s",
            "setup                  0/1     Init:0/2          0          8s",
            "web-84985cb66c-gcdsz   0/2     PodInitializing   0          8s",
        ])
    );
    // 30 s: web runs (12 s) but its app is not ready before 52 s: only the sidecar, which has no
    // probe, is ready. setup's first init container finished at 23 s. crasher's app exited at
    // 14 s (restarted at once) and at 25 s (back-off 10 s). The Job's second pod started at 25 s
    // (its image already on the node).
    assert_eq!(
        ok(&engine_at(&sc, "30s").snapshot(), "get pods"),
        lines(&[
            "NAME                   READY   STATUS             RESTARTS     AGE",
            "crasher                0/1     CrashLoopBackOff   1 (5s ago)   30s",
            "node-agent-4nj2r       1/1     Running            0            30s",
            "node-agent-mmmzf       1/1     Running            0            30s",
            "report-j2m6b           1/1     Running            0            6s",
            "report-xzxb4           0/1     Completed          0            30s",
            "setup                  0/1     Init:1/2           0            30s",
            "web-84985cb66c-gcdsz   1/2     Running            0            30s",
        ])
    );
    // 48 s: both init containers done (46 s), nginx pulls until 49 s and starts at 50 s.
    assert_eq!(ok(&engine_at(&sc, "48s").snapshot(), "get pod setup --no-headers"), "setup   0/1   PodInitializing   0   48s");
    // 2 m: web is ready; crasher runs again since 118 s, its last exit was at 77 s.
    assert_eq!(
        ok(&engine_at(&sc, "2m").snapshot(), "get pods -l '!job-name'"),
        lines(&[
            "NAME                   READY   STATUS    RESTARTS      AGE",
            "crasher                1/1     Running   4 (43s ago)   2m",
            "node-agent-4nj2r       1/1     Running   0             2m",
            "node-agent-mmmzf       1/1     Running   0             2m",
            "setup                  1/1     Running   0             2m",
            "web-84985cb66c-gcdsz   2/2     Running   0             2m",
        ])
    );
}

#[test]
fn daemonsets_and_jobs_are_listed_and_in_get_all() {
    let sc = pods_scenario();
    let s = engine_at(&sc, "30s").snapshot();
    assert_eq!(
        ok(&s, "get ds"),
        lines(&[
            "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE",
            "node-agent   2         2         2       2            2           kubernetes.io/os=linux   30s",
        ])
    );
    assert_eq!(
        ok(&s, "get daemonsets -o wide -l app=node-agent"),
        lines(&[
            "NAME         DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE   CONTAINERS   IMAGES           SELECTOR",
            "node-agent   2         2         2       2            2           kubernetes.io/os=linux   30s   agent        shop/agent:2.1   app=node-agent",
        ])
    );
    // One of two pods succeeded (24 s); the Job runs on, so DURATION counts to now.
    assert_eq!(ok(&s, "get jobs"), lines(&["NAME     STATUS    COMPLETIONS   DURATION   AGE", "report   Running   1/2           30s        30s"]));
    assert_eq!(
        ok(&s, "get job report -o wide"),
        lines(&[
            "NAME     STATUS    COMPLETIONS   DURATION   AGE   CONTAINERS   IMAGES            SELECTOR",
            "report   Running   1/2           30s        30s   report       shop/report:1.0   batch.kubernetes.io/controller-uid=bb1672de-2fe0-8e5d-f15e-70d1ef151511",
        ])
    );
    assert_eq!(ok(&s, "get ds,jobs -o name"), lines(&["daemonset.apps/node-agent", "job.batch/report"]));
    // Complete at 45 s: DURATION stops there, AGE goes on.
    let s = engine_at(&sc, "60s").snapshot();
    assert_eq!(ok(&s, "get jobs"), lines(&["NAME     STATUS     COMPLETIONS   DURATION   AGE", "report   Complete   2/2           45s        60s"]));
    // `get all`: kubectl's order (core, apps, autoscaling, batch).
    assert_eq!(
        ok(&s, "get all"),
        lines(&[
            "NAME                       READY   STATUS             RESTARTS      AGE",
            "pod/crasher                0/1     CrashLoopBackOff   2 (14s ago)   60s",
            "pod/node-agent-4nj2r       1/1     Running            0             60s",
            "pod/node-agent-mmmzf       1/1     Running            0             60s",
            "pod/report-j2m6b           0/1     Completed          0             36s",
            "pod/report-xzxb4           0/1     Completed          0             60s",
            "pod/setup                  1/1     Running            0             60s",
            "pod/web-84985cb66c-gcdsz   2/2     Running            0             60s",
            "",
            "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE",
            "service/kubernetes   ClusterIP   10.100.0.1   <none>        443/TCP   60s",
            "",
            "NAME                        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE",
            "daemonset.apps/node-agent   2         2         2       2            2           kubernetes.io/os=linux   60s",
            "",
            "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
            "deployment.apps/web   1/1     1            1           60s",
            "",
            "NAME                             DESIRED   CURRENT   READY   AGE",
            "replicaset.apps/web-84985cb66c   1         1         1       60s",
            "",
            "NAME               STATUS     COMPLETIONS   DURATION   AGE",
            "job.batch/report   Complete   2/2           45s        60s",
        ])
    );
}

#[test]
fn rollout_history_shows_change_causes_and_a_revisions_pod_template() {
    let sc = pods_scenario();
    let mut e = engine_at(&sc, "1m");
    assert_eq!(ok(&e.snapshot(), "rollout history deployment/web"), lines(&["deployment.apps/web", "REVISION   CHANGE-CAUSE", "1          first release"]));
    // A new template without a new change-cause: the new ReplicaSet copies the Deployment's
    // annotation as it is (kubectl's well-known stale CHANGE-CAUSE).
    e.apply(Command::Kubectl { args: "set image deployment/web web=shop/web:1.1".into(), manifest: None }).unwrap();
    e.run_until(parse_duration("2m").unwrap());
    assert_eq!(
        ok(&e.snapshot(), "rollout history deploy web"),
        lines(&["deployment.apps/web", "REVISION   CHANGE-CAUSE", "1          first release", "2          first release"])
    );
    // Applied with a new change-cause: the newest revision follows it, the older keep theirs.
    let v3 = WEB_WITH_SIDECAR.replace("first release", "fluent-bit 3.1").replace("fluent/fluent-bit:3.0", "fluent/fluent-bit:3.1");
    e.apply_manifest(&v3).unwrap();
    e.run_until(parse_duration("3m").unwrap());
    let s = e.snapshot();
    assert_eq!(
        ok(&s, "rollout history deployment/web"),
        lines(&["deployment.apps/web", "REVISION   CHANGE-CAUSE", "1          first release", "2          first release", "3          fluent-bit 3.1"])
    );
    assert_eq!(
        ok(&s, "rollout history deployment/web --revision=1"),
        lines(&[
            "deployment.apps/web with revision #1",
            "Pod Template:",
            "  Labels:       app=web",
            "        pod-template-hash=84985cb66c",
            "  Annotations:  kubernetes.io/change-cause: first release",
            "  Init Containers:",
            "   migrate:",
            "    Image:      busybox:1.36",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "  Containers:",
            "   web:",
            "    Image:      shop/web:1.0",
            "    Port:       8080/TCP",
            "    Host Port:  0/TCP",
            "    Limits:",
            "      memory:   512Mi",
            "    Requests:",
            "      cpu:      250m",
            "      memory:   256Mi",
            "    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3",
            "   log-shipper:",
            "    Image:      fluent/fluent-bit:3.0",
            "    Port:       <none>",
            "    Host Port:  <none>",
            "  Node-Selectors:       <none>",
            "  Tolerations:  dedicated=web:NoSchedule",
        ])
    );
}

/// A node in a zone that is down stops reporting: `get nodes` says NotReady, as the node
/// lifecycle controller's unreachable taint says (and `describe node` agrees).
#[test]
fn a_node_in_a_zone_that_is_down_is_not_ready() {
    let mut e = engine_at(SHOP, "2m");
    e.apply(Command::AzOutage { az: "us-east-1a".into() }).unwrap();
    e.run_until(parse_duration("3m").unwrap());
    let s = e.snapshot();
    let status: Vec<(String, String)> = ok(&s, "get nodes --no-headers")
        .lines()
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap_or_default().to_string(), w.next().unwrap_or_default().to_string())
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("ip-10-0-1-10.ec2.internal".to_string(), "NotReady".to_string()),
            ("ip-10-0-1-11.ec2.internal".to_string(), "NotReady".to_string()),
            ("ip-10-0-2-10.ec2.internal".to_string(), "Ready".to_string()),
        ]
    );
}
