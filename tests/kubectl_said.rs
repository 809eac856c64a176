//! What the kubectl console prints after a command that changed something succeeded
//! (`src/shell/kubectl_said.rs`): kubectl's own lines, worked out from the command, the manifest
//! and the snapshot taken before the command ran. Each case runs the command on a real engine
//! first (it must succeed), then compares the exact text.

use berth::engine::sim::{Command, Engine};
use berth::shell::kubectl_said::said;
use serde_json::json;

#[path = "common/start.rs"]
mod common_start;
use common_start::start;

include!("common/kubectl_cluster.rs");

/// Runs `args` (with `manifest`) and returns what the console says.
fn run(e: &mut Engine, args: &str, manifest: Option<&str>) -> String {
    let before = e.snapshot();
    let mark = e.events().len();
    e.apply(Command::Kubectl { args: args.into(), manifest: manifest.map(str::to_string) }).unwrap_or_else(|err| panic!("{args}: {err}"));
    said(args, manifest, &before, &e.events()[mark..])
}

#[test]
fn scale_set_image_and_rollouts() {
    let mut e = cluster();
    assert_eq!(run(&mut e, "scale deployment/web --replicas 5", None), "deployment.apps/web scaled");
    assert_eq!(run(&mut e, "kubectl -n shop scale deploy api --replicas=3", None), "deployment.apps/api scaled");
    assert_eq!(run(&mut e, "scale rs web-8496954888 --replicas=5", None), "replicaset.apps/web-8496954888 scaled");
    assert_eq!(run(&mut e, "set image deployment/web web=nginx:1.26", None), "deployment.apps/web image updated");
    e.run_until(240_000);
    assert_eq!(run(&mut e, "rollout undo deployment/web", None), "deployment.apps/web rolled back");
    assert_eq!(run(&mut e, "rollout restart deploy/web", None), "deployment.apps/web restarted");
    assert_eq!(run(&mut e, "rollout pause deployment web", None), "deployment.apps/web paused");
    assert_eq!(run(&mut e, "rollout resume deployment/web", None), "deployment.apps/web resumed");
    // Berth's own commands have no kubectl output: the console says "done.".
    assert_eq!(run(&mut e, "scale nodegroup ng-1 --nodes=4", None), "");
    assert_eq!(run(&mut e, "set load deployment/web --rps=50", None), "");
}

#[test]
fn cordon_uncordon_and_drain() {
    let mut e = cluster();
    assert_eq!(run(&mut e, &format!("cordon {A}"), None), format!("node/{A} cordoned"));
    assert_eq!(run(&mut e, &format!("cordon node/{A}"), None), format!("node/{A} already cordoned"));
    assert_eq!(run(&mut e, &format!("uncordon {A}"), None), format!("node/{A} uncordoned"));
    assert_eq!(run(&mut e, &format!("uncordon {A}"), None), format!("node/{A} already uncordoned"));
    assert_eq!(
        run(&mut e, &format!("drain {B} --ignore-daemonsets"), None),
        [
            format!("node/{B} cordoned"),
            "Warning: ignoring DaemonSet-managed Pods: default/logs-g867t".to_string(),
            "evicting pod default/web-8496954888-mmmzf".to_string(),
            "evicting pod shop/api-68948f88-q5wf8".to_string(),
            "pod/web-8496954888-mmmzf evicted".to_string(),
            "pod/api-68948f88-q5wf8 evicted".to_string(),
            format!("node/{B} drained"),
        ]
        .join("\n")
    );
    // A bare pod with --force, on an already cordoned node.
    let mut e = cluster();
    let bare = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n  nodeName: {A}\n  containers:\n    - name: c\n      image: busybox\n");
    run(&mut e, "apply -f -", Some(&bare));
    e.run_until(70_000);
    run(&mut e, &format!("cordon {A}"), None);
    assert_eq!(
        run(&mut e, &format!("drain {A} --ignore-daemonsets --force"), None),
        [
            format!("node/{A} already cordoned"),
            "Warning: ignoring DaemonSet-managed Pods: default/logs-rskrb; deleting Pods that declare no controller: default/lonely".to_string(),
            "evicting pod default/lonely".to_string(),
            "evicting pod default/web-8496954888-4nj2r".to_string(),
            "evicting pod shop/api-68948f88-j2m6b".to_string(),
            "pod/lonely evicted".to_string(),
            "pod/web-8496954888-4nj2r evicted".to_string(),
            "pod/api-68948f88-j2m6b evicted".to_string(),
            format!("node/{A} drained"),
        ]
        .join("\n")
    );
}

/// web-pdb allows one web pod down at a time: draining both nodes at once evicts the web pod on
/// the first and is refused the one on the second, as the Eviction API answers kubectl (429).
#[test]
fn a_drain_the_budget_holds_up_says_so() {
    let mut e = cluster();
    assert_eq!(
        run(&mut e, &format!("drain {A} {B} --ignore-daemonsets"), None),
        [
            format!("node/{A} cordoned"),
            format!("node/{B} cordoned"),
            "Warning: ignoring DaemonSet-managed Pods: default/logs-rskrb".to_string(),
            "evicting pod default/web-8496954888-4nj2r".to_string(),
            "evicting pod shop/api-68948f88-j2m6b".to_string(),
            "pod/web-8496954888-4nj2r evicted".to_string(),
            "pod/api-68948f88-j2m6b evicted".to_string(),
            format!("node/{A} drained"),
            "Warning: ignoring DaemonSet-managed Pods: default/logs-g867t".to_string(),
            "evicting pod default/web-8496954888-mmmzf".to_string(),
            "evicting pod shop/api-68948f88-q5wf8".to_string(),
            "error when evicting pods/\"web-8496954888-mmmzf\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.".to_string(),
            "pod/api-68948f88-q5wf8 evicted".to_string(),
            format!("(kubectl would keep retrying every 5 s until the budget allows it. Berth's drain goes on in the background: the node stays cordoned, and the event log says nodeDrained when only DaemonSet pods are left on {B}.)"),
        ]
        .join("\n")
    );
    // Once the replacement is Ready, the retry evicts it and the drain ends.
    e.run_until(300_000);
    assert!(e.events().iter().any(|ev| ev.kind.name() == "nodeDrained" && format!("{:?}", ev.kind).contains(B)));
}

#[test]
fn delete_prints_each_object_with_its_namespace() {
    let mut e = cluster();
    assert_eq!(run(&mut e, "delete pod web-8496954888-4nj2r", None), "pod \"web-8496954888-4nj2r\" deleted from default namespace");
    // The page's Delete pod button sends this.
    assert_eq!(run(&mut e, "delete pod web-8496954888-mmmzf -n default", None), "pod \"web-8496954888-mmmzf\" deleted from default namespace");
    assert_eq!(
        run(&mut e, "delete po/web-8496954888-gcdsz pod/web-8496954888-xzxb4", None),
        "pod \"web-8496954888-gcdsz\" deleted from default namespace\npod \"web-8496954888-xzxb4\" deleted from default namespace"
    );
    assert_eq!(run(&mut e, "delete pdb web-pdb", None), "poddisruptionbudget.policy \"web-pdb\" deleted from default namespace");
    assert_eq!(run(&mut e, "delete hpa web", None), "horizontalpodautoscaler.autoscaling \"web\" deleted from default namespace");
    assert_eq!(run(&mut e, "delete svc api -n shop", None), "service \"api\" deleted from shop namespace");
    assert_eq!(
        run(&mut e, "delete pods --all -n shop", None),
        "pod \"api-68948f88-j2m6b\" deleted from shop namespace\npod \"api-68948f88-q5wf8\" deleted from shop namespace"
    );
    assert_eq!(
        run(&mut e, "delete pod logs-rskrb --force", None),
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"logs-rskrb\" force deleted from default namespace"
    );
    assert_eq!(run(&mut e, "delete deployment.apps/web", None), "deployment.apps \"web\" deleted from default namespace");
    assert_eq!(run(&mut e, "delete ds logs", None), "daemonset.apps \"logs\" deleted from default namespace");
    assert_eq!(run(&mut e, "delete ns shop", None), "namespace \"shop\" deleted");
    assert_eq!(run(&mut e, "delete deployments --all", None), "No resources found");
}

const MORE: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: team-b
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: team-b
spec:
  replicas: 1
  selector:
    matchLabels:
      app: cart
  template:
    metadata:
      labels:
        app: cart
    spec:
      containers:
        - name: cart
          image: example/cart:1
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: team-b
spec:
  podSelector: {}
  policyTypes:
    - Ingress
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
  namespace: team-b
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: busybox
";

#[test]
fn apply_and_create_print_one_line_per_object() {
    let mut e = cluster();
    // Existing objects are configured, new ones created; in file order, with each kind's group.
    let again = format!("{WEB}---\n{LOGS}---\n{POLICY}---\n{SHOP}");
    assert_eq!(
        run(&mut e, "apply -f -", Some(&again)),
        [
            "deployment.apps/web configured",
            "daemonset.apps/logs configured",
            "poddisruptionbudget.policy/web-pdb configured",
            "horizontalpodautoscaler.autoscaling/web configured",
            "namespace/shop configured",
            "deployment.apps/api configured",
            "service/api configured",
        ]
        .join("\n")
    );
    assert_eq!(
        run(&mut e, "create -f -", Some(MORE)),
        ["namespace/team-b created", "deployment.apps/cart created", "networkpolicy.networking.k8s.io/deny-all created", "job.batch/once created"].join("\n")
    );
    // Objects without a namespace go to -n's.
    let lone = WEB.replace("name: web\nspec", "name: web2\nspec");
    assert_eq!(run(&mut e, "apply -n team-b -f -", Some(&lone)), "deployment.apps/web2 created");
    assert_eq!(run(&mut e, "apply -f - --namespace=team-b", Some(&lone)), "deployment.apps/web2 configured");
    assert_eq!(run(&mut e, "create deployment hello --image=nginx:1.27 --replicas=2", None), "deployment.apps/hello created");
    assert_eq!(run(&mut e, "create namespace team-c", None), "namespace/team-c created");
    // Applied again: the NetworkPolicy existed (the snapshot lists the kinds it has no table for).
    assert_eq!(
        run(&mut e, "apply -f -", Some(MORE)),
        ["namespace/team-b configured", "deployment.apps/cart configured", "networkpolicy.networking.k8s.io/deny-all configured", "job.batch/once configured"].join("\n")
    );
    let pc = "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n";
    assert_eq!(run(&mut e, "apply -f -", Some(pc)), "priorityclass.scheduling.k8s.io/high created");
    assert_eq!(run(&mut e, "apply -n shop -f -", Some(pc)), "priorityclass.scheduling.k8s.io/high configured");
}

#[test]
fn nothing_to_add_is_an_empty_string() {
    let mut e = cluster();
    let before = e.snapshot();
    assert_eq!(said("rollout status deployment/web", None, &before, &[]), "");
    assert_eq!(said("scale deployment/web --replicas=5 --foo", None, &before, &[]), "");
    assert_eq!(said("apply -f -", None, &before, &[]), "");
    assert_eq!(said("apply -f -", Some("kind: [oops"), &before, &[]), "");
    assert_eq!(run(&mut e, "rollout history deployment/web", None), "");
}

/// Bad input never panics: every line of up to four words from a vocabulary of awkward pieces
/// parses to a result, and `said` answers (usually nothing) for each.
#[test]
fn odd_command_lines_never_panic() {
    use berth::engine::k8s::kubectl::Line;
    let words = [
        "kubectl", "-n", "-n=", "-nshop", "--", "-", "scale", "drain", "create", "delete", "rollout", "undo", "deployment", "deployment/web", "web", "--replicas", "-r", "--replicas=-1", "'",
        "\"x y\"", "--dry-run", "-wR", "-f", "--all", "pods", "--force=", "-l", "node/x", "set", "image", "a=b",
    ];
    let e = cluster();
    let before = e.snapshot();
    let n = words.len();
    let mut lines = 0;
    for len in 1..=4u32 {
        for mut i in 0..n.pow(len) {
            let mut line = Vec::new();
            for _ in 0..len {
                line.push(words[i % n]);
                i /= n;
            }
            let text = line.join(" ");
            let _ = Line::parse(&text);
            let _ = said(&text, Some(WEB), &before, &[]);
            lines += 1;
        }
    }
    assert_eq!(lines, 31 + 31 * 31 + 31 * 31 * 31 + 31 * 31 * 31 * 31);
    // And the engine carries out (or refuses) every two-word line, one after the other.
    let mut e = cluster();
    for a in words {
        for b in words {
            let _ = e.apply(Command::Kubectl { args: format!("{a} {b}"), manifest: Some(WEB.into()) });
        }
    }
    e.run_until(120_000);
}

/// `kubectl describe pod` of a DaemonSet's pod and of a bare pod lists their containers, from the
/// DaemonSet's template and from the pod's own spec (a ReplicaSet's pods read its template).
#[test]
fn describe_lists_the_containers_of_pods_no_replicaset_owns() {
    let mut e = cluster();
    let bare = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\nspec:\n  nodeName: {A}\n  containers:\n    - name: c\n      image: busybox:1.36\n");
    run(&mut e, "apply -f -", Some(&bare));
    e.run_until(70_000);
    let describe = |e: &Engine, args: &str| match berth::shell::kubectl_describe::describe(&e.snapshot(), e.events(), args) {
        Some(Ok(text)) => text,
        other => panic!("{args}: {other:?}"),
    };
    let ds = describe(&e, "describe pod logs-g867t");
    assert!(ds.contains("Controlled By:  DaemonSet/logs\n"), "{ds}");
    assert!(ds.contains("Containers:\n  agent:\n    Image:          fluent-bit:3\n"), "{ds}");
    assert!(ds.contains("    Requests:\n      cpu:     50m\n      memory:  64Mi\n"), "{ds}");
    let own = describe(&e, "describe pod lonely");
    assert!(own.contains("Containers:\n  c:\n    Image:          busybox:1.36\n"), "{own}");
    assert!(!own.contains("Controlled By"), "{own}");
}
