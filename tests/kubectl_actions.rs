//! The kubectl console's commands that change the cluster (`src/engine/k8s/kubectl.rs`), read
//! as real kubectl reads them: each verb takes its own flags only (pflag's messages), no dry
//! runs, `--replicas 5` / `-nshop` / quoted values, drain refusing DaemonSet pods, `create`
//! refusing what exists, `delete` for every kind Berth models. Exact messages throughout.

use berth::engine::event::EventKind;
use berth::engine::sim::{Command, Engine};
use serde_json::json;

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

include!("common/kubectl_cluster.rs");

fn k(e: &mut Engine, args: &str) -> Result<(), String> {
    e.apply(Command::Kubectl { args: args.into(), manifest: None })
}

fn km(e: &mut Engine, args: &str, manifest: &str) -> Result<(), String> {
    e.apply(Command::Kubectl { args: args.into(), manifest: Some(manifest.into()) })
}

/// (namespace/name → desired replicas) of a Deployment.
fn desired(e: &Engine, ns: &str, name: &str) -> Option<i64> {
    e.snapshot().kube?.deployments.iter().find(|d| d.namespace == ns && d.name == name).map(|d| d.desired)
}

fn pods(e: &Engine, ns: &str) -> Vec<String> {
    e.snapshot().kube.unwrap().pods.iter().filter(|p| p.namespace == ns && p.status != "Terminating").map(|p| p.name.clone()).collect()
}

fn cordoned(e: &Engine, node: &str) -> bool {
    e.snapshot().kube.unwrap().nodes.iter().any(|n| n.name == node && n.unschedulable)
}

const NEW_API: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: cart\n  template:\n    metadata:\n      labels:\n        app: cart\n    spec:\n      containers:\n        - name: cart\n          image: example/cart:1\n";

#[test]
fn dry_runs_change_nothing_and_say_so() {
    let mut e = cluster();
    let events = e.events().len();
    assert_eq!(
        k(&mut e, &format!("drain {A} --ignore-daemonsets --dry-run=client")),
        Err("error: --dry-run=client: Berth does not do dry runs, so nothing was changed; run the command without --dry-run to make the change".into())
    );
    assert!(!cordoned(&e, A));
    assert_eq!(
        k(&mut e, "scale deployment/web --dry-run=server --replicas=5"),
        Err("error: --dry-run=server: Berth does not do dry runs, so nothing was changed; run the command without --dry-run to make the change".into())
    );
    assert_eq!(desired(&e, "default", "web"), Some(4));
    assert_eq!(
        km(&mut e, "apply -f - --dry-run", NEW_API),
        Err("error: --dry-run: Berth does not do dry runs, so nothing was changed; run the command without --dry-run to make the change".into())
    );
    assert_eq!(desired(&e, "default", "cart"), None);
    assert_eq!(k(&mut e, "scale deployment/web --replicas=5 --dry-run=maybe"), Err("error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".".into()));
    // Nothing happened but the refusals.
    assert!(e.events()[events..].iter().all(|ev| matches!(ev.kind, EventKind::ActionFailed { .. })));
    // --dry-run=none is an ordinary run.
    k(&mut e, "scale deployment/web --replicas=5 --dry-run=none").unwrap();
    assert_eq!(desired(&e, "default", "web"), Some(5));
}

#[test]
fn each_verb_takes_its_own_flags_only() {
    let mut e = cluster();
    let refused = [
        ("scale deployment/web --replicas=5 --foo", "error: unknown flag: --foo"),
        ("scale deployment/web --replicas=5 -x", "error: unknown shorthand flag: 'x' in -x"),
        ("scale deployment/web -r 5", "error: unknown shorthand flag: 'r' in -r"),
        (&format!("cordon {A} --ignore-daemonsets"), "error: unknown flag: --ignore-daemonsets"),
        ("delete pod web-8496954888-4nj2r --replicas=3", "error: unknown flag: --replicas"),
        ("scale deployment/web --replicas=abc", "error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"),
        ("scale deployment/web --replicas", "error: flag needs an argument: --replicas"),
        (&format!("drain {A} --ignore-daemonsets=perhaps"), "error: invalid argument \"perhaps\" for \"--ignore-daemonsets\" flag: strconv.ParseBool: parsing \"perhaps\": invalid syntax"),
        ("scale deployment/web -n", "error: flag needs an argument: 'n' in -n"),
        // Real kubectl has these; Berth says it does not, rather than ignoring them.
        (&format!("drain {A} --ignore-daemonsets --timeout=60s"), "error: --timeout: real kubectl drain has this flag, Berth's does not; nothing was changed"),
        ("scale deployment/web --replicas=5 --current-replicas=4", "error: --current-replicas: real kubectl scale has this flag, Berth's does not; nothing was changed"),
        ("create deployment hello --image=nginx -o yaml", "error: --output: real kubectl create deployment has this flag, Berth's does not; nothing was changed"),
        ("scale deployment/web --replicas=5 --context=prod", "error: --context: real kubectl scale has this flag, Berth's does not; nothing was changed"),
        ("scale deployment/web --replicas=-1", "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"),
        ("scale deployment/web --replicas -1", "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"),
        ("scale deployment/web --nodes=3", "error: unknown flag: --nodes"),
        ("frobnicate web", "error: unknown command \"frobnicate\" for \"kubectl\"; Berth understands apply, create, scale, set image, rollout (undo, restart, pause, resume, status, history), cordon, uncordon, drain, delete, and get (pods, deployments, replicasets, daemonsets, jobs, nodes, services, endpointslices, endpoints, hpa, pdb, namespaces, all) and describe (pods, nodes, deployments, replicasets, services, hpa, pdb) in the console"),
        ("scale deployment/web --replicas='5", "error: the command line has an unclosed ': close the quote"),
    ];
    for (args, want) in refused {
        assert_eq!(k(&mut e, args), Err(want.to_string()), "{args}");
    }
    assert_eq!(desired(&e, "default", "web"), Some(4));
    assert!(!cordoned(&e, A));
}

#[test]
fn flags_and_values_are_spelled_as_kubectl_allows() {
    let mut e = cluster();
    k(&mut e, "scale deployment/web --replicas 5").unwrap();
    assert_eq!(desired(&e, "default", "web"), Some(5));
    k(&mut e, "scale deployment api -nshop --replicas=3").unwrap();
    assert_eq!(desired(&e, "shop", "api"), Some(3));
    k(&mut e, "kubectl -n=shop scale deploy/api --replicas=\"4\"").unwrap();
    assert_eq!(desired(&e, "shop", "api"), Some(4));
    k(&mut e, "kubectl --namespace shop scale deployments.apps api --replicas '1'").unwrap();
    assert_eq!(desired(&e, "shop", "api"), Some(1));
    k(&mut e, "-n shop scale deployment.v1.apps/api --replicas=2").unwrap();
    assert_eq!(desired(&e, "shop", "api"), Some(2));
    // A quoted selector, both quote styles: the pods go (Terminating) and the ReplicaSet
    // replaces them at once.
    let old = pods(&e, "shop");
    k(&mut e, "delete pods -l \"app=api\" -n shop").unwrap();
    let new = pods(&e, "shop");
    assert_eq!(new.len(), 2);
    assert!(new.iter().all(|p| !old.contains(p)), "{old:?} {new:?}");
    k(&mut e, "delete pods --selector='app=api' --namespace=shop").unwrap();
    assert!(pods(&e, "shop").iter().all(|p| !new.contains(p)));
    // Nothing else was touched.
    assert_eq!(pods(&e, "default").len(), 5 + 3, "five web pods, three logs pods");
}

#[test]
fn drain_refuses_daemonset_pods_without_ignore_daemonsets_but_cordons_first() {
    let mut e = cluster();
    let before = e.snapshot().kube.unwrap().nodes.iter().map(|n| n.pods.clone()).collect::<Vec<_>>();
    assert_eq!(
        k(&mut e, &format!("drain {A}")),
        Err(format!("error: unable to drain node \"{A}\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/logs-rskrb"))
    );
    // kubectl cordons before it lists the pods (drain.go RunDrain): the node stays cordoned,
    // and no pod was evicted.
    assert!(cordoned(&e, A));
    e.run_until(70_000);
    assert_eq!(e.snapshot().kube.unwrap().nodes.iter().map(|n| n.pods.clone()).collect::<Vec<_>>(), before);
    // A DaemonSet pod and a bare pod: both errors, aggregated in brackets.
    let bare = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n  nodeName: {B}\n  containers:\n    - name: c\n      image: busybox\n");
    km(&mut e, "apply -f -", &bare).unwrap();
    e.run_until(80_000);
    assert_eq!(
        k(&mut e, &format!("drain {B}")),
        Err(format!("error: unable to drain node \"{B}\" due to error: [cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): default/logs-g867t, cannot delete Pods that declare no controller (use --force to override): default/lonely]"))
    );
    // With the flag, the drain goes ahead and leaves the DaemonSet pod.
    k(&mut e, &format!("drain {A} --ignore-daemonsets")).unwrap();
    e.run_until(200_000);
    let k8s = e.snapshot().kube.unwrap();
    assert_eq!(k8s.nodes[0].pods, vec!["default/logs-rskrb".to_string()]);
    assert!(e.events().iter().any(|ev| matches!(&ev.kind, EventKind::NodeDrained { node } if node == A)));
}

/// The cluster view's Drain button is `kubectl drain NODE --ignore-daemonsets`, as EKS users run it.
#[test]
fn the_drain_button_drains_a_node_with_daemonset_pods() {
    let mut e = cluster();
    e.apply(Command::DrainInstance { instance: A.into() }).unwrap();
    e.run_until(200_000);
    assert!(cordoned(&e, A));
    assert_eq!(e.snapshot().kube.unwrap().nodes[0].pods, vec!["default/logs-rskrb".to_string()]);
}

#[test]
fn create_creates_and_refuses_what_exists() {
    let mut e = cluster();
    km(&mut e, "create -f -", NEW_API).unwrap();
    assert_eq!(desired(&e, "default", "cart"), Some(1));
    assert_eq!(km(&mut e, "create -f -", NEW_API), Err("Error from server (AlreadyExists): error when creating \"STDIN\": deployments.apps \"cart\" already exists".into()));
    // The new objects of a manifest are created, the existing ones refused (ContinueOnError).
    let mixed = format!("{NEW_API}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: cart\nspec:\n  selector:\n    app: cart\n  ports:\n    - port: 80\n");
    assert_eq!(
        km(&mut e, "create -f -", &mixed),
        Err("service/cart created\nError from server (AlreadyExists): error when creating \"STDIN\": deployments.apps \"cart\" already exists".into())
    );
    assert!(e.snapshot().kube.unwrap().services.iter().any(|s| s.name == "cart"));
    assert_eq!(k(&mut e, "create"), Err("error: must specify one of -f and -k".into()));
    assert_eq!(km(&mut e, "create -f web.yaml", NEW_API), Err("error: the path \"web.yaml\" does not exist (Berth has no files: use -f - and give the YAML as the action's manifest)".into()));
    assert_eq!(
        k(&mut e, "create secret generic db --from-literal=a=b"),
        Err("error: Berth's kubectl create makes a deployment (create deployment NAME --image=IMAGE) or a namespace (create namespace NAME), or reads a manifest (create -f -); create secret is not supported in Berth: write the object in the manifest box and use apply -f -".into())
    );
}

#[test]
fn create_deployment_builds_what_kubectls_generator_builds() {
    let mut e = cluster();
    k(&mut e, "create deployment hello --image=registry.k8s.io/e2e/nginx:1.27 --replicas=2 --port=80").unwrap();
    e.run_until(120_000);
    let k8s = e.snapshot().kube.unwrap();
    let d = k8s.deployments.iter().find(|d| d.name == "hello").unwrap();
    assert_eq!((d.desired, d.ready), (2, 2));
    // Labels app=NAME on the pods; the container is named after the image (no registry, no tag).
    assert!(k8s.pods.iter().filter(|p| p.name.starts_with("hello-")).all(|p| p.labels.get("app").map(String::as_str) == Some("hello")));
    assert_eq!(k(&mut e, "set image deployment/hello hello=nginx:1.28"), Err("error: unable to find container named \"hello\"".into()));
    k(&mut e, "set image deployment/hello nginx=nginx:1.28").unwrap();
    assert_eq!(k(&mut e, "create deployment hello --image=nginx"), Err("error: failed to create deployment: deployments.apps \"hello\" already exists".into()));
    assert_eq!(k(&mut e, "create deployment other"), Err("error: required flag(s) \"image\" not set".into()));
    assert_eq!(k(&mut e, "create deployment --image=nginx"), Err("error: exactly one NAME is required, got 0".into()));
    assert_eq!(k(&mut e, "create deployment x --image=nginx -n nowhere"), Err("error: failed to create deployment: namespaces \"nowhere\" not found".into()));
    // In a namespace, one replica by default.
    k(&mut e, "create deploy worker --image nginx -n shop").unwrap();
    assert_eq!(desired(&e, "shop", "worker"), Some(1));
    // create namespace.
    k(&mut e, "create namespace team-c").unwrap();
    k(&mut e, "create deployment x --image=nginx -n team-c").unwrap();
    assert_eq!(desired(&e, "team-c", "x"), Some(1));
    assert_eq!(k(&mut e, "create ns team-c"), Err("Error from server (AlreadyExists): namespaces \"team-c\" already exists".into()));
}

#[test]
fn delete_covers_every_kind_berth_models() {
    let mut e = cluster();
    k(&mut e, "delete pdb web-pdb").unwrap();
    assert_eq!(k(&mut e, "delete poddisruptionbudget web-pdb"), Err("Error from server (NotFound): poddisruptionbudgets.policy \"web-pdb\" not found".into()));
    k(&mut e, "delete hpa web").unwrap();
    assert!(e.snapshot().kube.unwrap().hpas.is_empty());
    assert_eq!(k(&mut e, "delete horizontalpodautoscalers/web"), Err("Error from server (NotFound): horizontalpodautoscalers.autoscaling \"web\" not found".into()));
    k(&mut e, "delete svc api -n shop").unwrap();
    assert!(e.snapshot().kube.unwrap().services.is_empty());
    // Two pods at once; a missing one is reported after the others are deleted.
    k(&mut e, "delete pod web-8496954888-4nj2r web-8496954888-mmmzf").unwrap();
    assert_eq!(pods(&e, "default").iter().filter(|p| p.starts_with("web-8496954888-")).count(), 2 + 2, "two new, two old");
    assert_eq!(
        k(&mut e, "delete pod web-8496954888-gcdsz nope"),
        Err("pod \"web-8496954888-gcdsz\" deleted from default namespace\nError from server (NotFound): pods \"nope\" not found".into())
    );
    // A namespace takes its contents with it; the cluster's own may not be deleted.
    k(&mut e, "delete ns shop").unwrap();
    let k8s = e.snapshot().kube.unwrap();
    assert!(k8s.deployments.iter().all(|d| d.namespace != "shop"));
    assert!(k8s.pods.iter().filter(|p| p.namespace == "shop").all(|p| p.status == "Terminating"));
    assert_eq!(k(&mut e, "delete namespace shop"), Err("Error from server (NotFound): namespaces \"shop\" not found".into()));
    assert_eq!(k(&mut e, "delete namespace default"), Err("Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted".into()));
    assert_eq!(km(&mut e, "apply -f -", &NEW_API.replacen("name: cart", "name: cart\n  namespace: shop", 1)), Err("Error from server (NotFound): error when creating Deployment \"cart\": namespaces \"shop\" not found".into()));
    // Kinds Berth does not model, and types no server has.
    assert!(k(&mut e, "delete statefulset db").unwrap_err().starts_with("error: Berth does not model statefulset; it models pods, deployments, "));
    assert_eq!(k(&mut e, "delete frobs x"), Err("error: the server doesn't have a resource type \"frobs\"".into()));
    assert_eq!(k(&mut e, &format!("delete node {A}")), Err(format!("error: Berth does not delete Node objects: drain {A}, then terminate it (✕ on its card) or scale its node group down")));
    assert_eq!(k(&mut e, "delete pods"), Err("error: resource(s) were provided, but no name was specified".into()));
    assert_eq!(k(&mut e, "delete pod a pod/b"), Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into()));
}

#[test]
fn delete_all_force_and_grace_periods() {
    let mut e = cluster();
    // --force: gone at once (no Terminating phase); its ReplicaSet replaces it.
    k(&mut e, "delete pod web-8496954888-4nj2r --force").unwrap();
    assert!(!e.snapshot().kube.unwrap().pods.iter().any(|p| p.name == "web-8496954888-4nj2r"));
    k(&mut e, "delete pod web-8496954888-mmmzf --grace-period=0 --force").unwrap();
    assert!(!e.snapshot().kube.unwrap().pods.iter().any(|p| p.name == "web-8496954888-mmmzf"));
    assert_eq!(k(&mut e, "delete pod web-8496954888-gcdsz --force --grace-period=5"), Err("error: --force and --grace-period greater than 0 cannot be specified together".into()));
    assert_eq!(k(&mut e, "delete pod web-8496954888-gcdsz --now --grace-period=5"), Err("error: --now and --grace-period cannot be specified together".into()));
    assert_eq!(k(&mut e, "delete pod web-8496954888-gcdsz --grace-period=30"), Err("error: --grace-period=30: Berth gives a deleted pod its own terminationGracePeriodSeconds (or none with --force); nothing was changed".into()));
    assert_eq!(k(&mut e, "delete pods --all -l app=web"), Err("error: cannot set --all and --selector at the same time".into()));
    // --all: every pod of the namespace (their ReplicaSet replaces them).
    let old = pods(&e, "shop");
    k(&mut e, "delete pods --all -n shop").unwrap();
    assert!(pods(&e, "shop").iter().all(|p| !old.contains(p)));
    k(&mut e, "delete deployments --all -n shop").unwrap();
    assert_eq!(desired(&e, "shop", "api"), None);
    assert_eq!(pods(&e, "shop"), Vec::<String>::new());
    // Nothing to delete is fine.
    k(&mut e, "delete deployments --all -n shop").unwrap();
}

#[test]
fn rollout_restart_of_a_paused_deployment_is_refused() {
    let mut e = cluster();
    k(&mut e, "rollout pause deployment/web").unwrap();
    assert_eq!(k(&mut e, "rollout restart deployment/web"), Err("error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)".into()));
    k(&mut e, "rollout resume deployment/web").unwrap();
    k(&mut e, "rollout restart deployment/web").unwrap();
}

#[test]
fn apply_with_a_namespace_puts_objects_there_or_refuses_a_mismatch() {
    let mut e = cluster();
    km(&mut e, "apply -n shop -f -", NEW_API).unwrap();
    assert_eq!(desired(&e, "shop", "cart"), Some(1));
    assert_eq!(desired(&e, "default", "cart"), None);
    let elsewhere = NEW_API.replacen("name: cart", "name: cart\n  namespace: default", 1);
    assert_eq!(
        km(&mut e, "apply -f - -n shop", &elsewhere),
        Err("error: the namespace from the provided object \"default\" does not match the namespace \"shop\". You must pass '--namespace=default' to perform this operation.".into())
    );
}
