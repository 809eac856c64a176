//! NetworkPolicy evaluation as a pure function, with the examples of the Kubernetes
//! documentation, "Network Policies"
//! (<https://kubernetes.io/docs/concepts/services-networking/network-policies/>): the
//! `test-network-policy` example, the default policies (deny / allow all ingress, deny / allow all
//! egress, deny all), the AND-versus-OR `namespaceSelector`/`podSelector` example, the `endPort`
//! example, and targeting a namespace by its name label.

use berth::engine::k8s::manifest;
use berth::engine::k8s::model::{Labels, NetworkPolicy, Object, Protocol};
use berth::engine::k8s::netpol::{evaluate, parse_ipv4, Connection, Peer, Scoped, Side};

fn policies(yaml: &str) -> Vec<NetworkPolicy> {
    let m = manifest::parse(yaml);
    assert!(!m.has_errors(), "{:?}", m.diagnostics);
    m.objects
        .into_iter()
        .filter_map(|p| match p.object {
            Object::NetworkPolicy(n) => Some(n),
            _ => None,
        })
        .collect()
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

struct Pod {
    name: String,
    ns: Option<String>,
    ns_labels: Labels,
    labels: Labels,
    ip: Option<u32>,
}

/// A pod in `ns` (its namespace labelled `kubernetes.io/metadata.name` plus `ns_labels`).
fn pod(ns: &str, ns_labels: &[(&str, &str)], pod_labels: &[(&str, &str)]) -> Pod {
    let mut nl = labels(ns_labels);
    nl.insert("kubernetes.io/metadata.name".into(), ns.into());
    Pod { name: format!("{ns}/p"), ns: Some(ns.into()), ns_labels: nl, labels: labels(pod_labels), ip: None }
}

/// An address outside the cluster.
fn addr(ip: &str) -> Pod {
    Pod { name: ip.into(), ns: None, ns_labels: Labels::new(), labels: Labels::new(), ip: parse_ipv4(ip) }
}

fn peer(p: &Pod) -> Peer<'_> {
    Peer { name: &p.name, namespace: p.ns.as_deref(), namespace_labels: &p.ns_labels, labels: &p.labels, ip: p.ip }
}

fn tcp(port: i64) -> Connection {
    Connection { port, port_name: None, protocol: Protocol::TCP }
}

fn allowed(pols: &[NetworkPolicy], src: &Pod, dst: &Pod, conn: &Connection) -> bool {
    let scoped: Vec<Scoped> = pols.iter().map(|p| Scoped { namespace: p.meta.namespace.as_deref().unwrap_or("default"), policy: p }).collect();
    evaluate(&scoped, &peer(src), &peer(dst), conn).allowed()
}

const TEST_NETWORK_POLICY: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: test-network-policy
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - ipBlock:
        cidr: 172.17.0.0/16
        except:
        - 172.17.1.0/24
    - namespaceSelector:
        matchLabels:
          project: myproject
    - podSelector:
        matchLabels:
          role: frontend
    ports:
    - protocol: TCP
      port: 6379
  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/24
    ports:
    - protocol: TCP
      port: 5978
";

#[test]
fn the_docs_test_network_policy() {
    let p = policies(TEST_NETWORK_POLICY);
    let db = pod("default", &[], &[("role", "db")]);
    let frontend = pod("default", &[], &[("role", "frontend")]);
    let other = pod("default", &[], &[("role", "other")]);
    let in_myproject = pod("team-x", &[("project", "myproject")], &[("app", "anything")]);
    let frontend_elsewhere = pod("team-y", &[], &[("role", "frontend")]);
    // (source, destination, port, allowed?) — the docs: "allows connections to TCP port 6379 of
    // role=db pods in the default namespace from any pod in the default namespace with the label
    // role=frontend, any pod in a namespace with the label project=myproject, IP addresses in
    // 172.17.0.0–172.17.0.255 and 172.17.2.0–172.17.255.255".
    let cases: Vec<(&Pod, &Pod, i64, bool, &str)> = vec![
        (&frontend, &db, 6379, true, "role=frontend in default, port 6379"),
        (&frontend, &db, 80, false, "right peer, wrong port"),
        (&other, &db, 6379, false, "role=other is no peer"),
        (&in_myproject, &db, 6379, true, "any pod of a project=myproject namespace"),
        (&frontend_elsewhere, &db, 6379, false, "a podSelector alone means the policy's own namespace"),
        (&db, &frontend, 80, false, "db's egress allows only 10.0.0.0/24:5978"),
        (&frontend, &other, 80, true, "neither pod is selected: non-isolated"),
    ];
    for (src, dst, port, want, why) in cases {
        assert_eq!(allowed(&p, src, dst, &tcp(port)), want, "{why}");
    }
    let inside = addr("172.17.0.5");
    let excepted = addr("172.17.1.5");
    let high = addr("172.17.2.9");
    assert!(allowed(&p, &inside, &db, &tcp(6379)), "172.17.0.5 is in the block");
    assert!(!allowed(&p, &excepted, &db, &tcp(6379)), "172.17.1.0/24 is excepted");
    assert!(allowed(&p, &high, &db, &tcp(6379)));
    assert!(allowed(&p, &db, &addr("10.0.0.7"), &tcp(5978)), "egress to 10.0.0.0/24 on 5978");
    assert!(!allowed(&p, &db, &addr("10.0.0.7"), &tcp(5979)));
    assert!(!allowed(&p, &db, &addr("10.0.1.7"), &tcp(5978)));
}

#[test]
fn default_policies_and_additivity() {
    let deny_ingress = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
spec:
  podSelector: {}
  policyTypes:
  - Ingress
",
    );
    let allow_all_ingress = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-ingress
spec:
  podSelector: {}
  ingress:
  - {}
  policyTypes:
  - Ingress
",
    );
    let deny_egress = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-egress
spec:
  podSelector: {}
  policyTypes:
  - Egress
",
    );
    let allow_all_egress = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-all-egress
spec:
  podSelector: {}
  egress:
  - {}
  policyTypes:
  - Egress
",
    );
    let deny_all = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
",
    );
    let a = pod("default", &[], &[("app", "a")]);
    let b = pod("default", &[], &[("app", "b")]);
    let outside = pod("other", &[], &[("app", "c")]);
    let c = tcp(80);
    // Nothing selects anything: non-isolated.
    assert!(allowed(&[], &a, &b, &c));
    // Default deny ingress: nothing gets in, but pods may still send out of the namespace.
    assert!(!allowed(&deny_ingress, &a, &b, &c));
    assert!(!allowed(&deny_ingress, &outside, &a, &c));
    assert!(allowed(&deny_ingress, &a, &outside, &c));
    // Allow all ingress alone, and added to the deny: policies are additive (union).
    assert!(allowed(&allow_all_ingress, &outside, &a, &c));
    let both: Vec<NetworkPolicy> = deny_ingress.iter().chain(allow_all_ingress.iter()).cloned().collect();
    assert!(allowed(&both, &outside, &a, &c));
    // Default deny egress: nothing leaves, traffic into the namespace still arrives.
    assert!(!allowed(&deny_egress, &a, &b, &c));
    assert!(!allowed(&deny_egress, &a, &outside, &c));
    assert!(allowed(&deny_egress, &outside, &a, &c));
    let both: Vec<NetworkPolicy> = deny_egress.iter().chain(allow_all_egress.iter()).cloned().collect();
    assert!(allowed(&both, &a, &outside, &c));
    // Default deny all: neither way.
    assert!(!allowed(&deny_all, &a, &b, &c));
    assert!(!allowed(&deny_all, &outside, &a, &c));
    assert!(!allowed(&deny_all, &a, &outside, &c));
    // Which side refused, and by which policy.
    let scoped = [Scoped { namespace: "default", policy: &deny_all[0] }];
    let v = evaluate(&scoped, &peer(&a), &peer(&b), &c);
    assert_eq!(v.egress, Side::Denied { policies: vec!["default-deny-all".into()] });
    assert_eq!(v.ingress, Side::Denied { policies: vec!["default-deny-all".into()] });
    assert_eq!(
        v.explain(&peer(&a), &peer(&b), &c).as_deref(),
        Some("pod p is selected by NetworkPolicy default-deny-all in namespace default and no egress rule allows traffic to pod p in namespace default on TCP/80")
    );
    let v = evaluate(&scoped, &peer(&outside), &peer(&a), &c);
    assert_eq!(v.egress, Side::NotIsolated);
    assert_eq!(
        v.explain(&peer(&outside), &peer(&a), &c).as_deref(),
        Some("pod p is selected by NetworkPolicy default-deny-all in namespace default and no ingress rule allows it (from pod p in namespace other on TCP/80)")
    );
}

#[test]
fn namespace_and_pod_selector_and_versus_or() {
    // The docs: one element with both selectors "allows connections from Pods in the local
    // Namespace with the label role=client, or from any Pod in any namespace with the label
    // user=alice" is the two-element form; the single element allows only role=client pods in
    // namespaces labelled user=alice.
    let and = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: and-form
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          user: alice
      podSelector:
        matchLabels:
          role: client
",
    );
    let or = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: or-form
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          user: alice
    - podSelector:
        matchLabels:
          role: client
",
    );
    let target = pod("default", &[], &[("app", "db")]);
    let alice_client = pod("alice-ns", &[("user", "alice")], &[("role", "client")]);
    let alice_other = pod("alice-ns", &[("user", "alice")], &[("role", "batch")]);
    let local_client = pod("default", &[], &[("role", "client")]);
    let bob_client = pod("bob-ns", &[("user", "bob")], &[("role", "client")]);
    let c = tcp(5432);
    let cases: Vec<(&Pod, bool, bool)> = vec![
        // (source, allowed by the AND form, allowed by the OR form)
        (&alice_client, true, true),
        (&alice_other, false, true),
        (&local_client, false, true),
        (&bob_client, false, false),
    ];
    for (src, want_and, want_or) in cases {
        assert_eq!(allowed(&and, src, &target, &c), want_and, "AND form from {:?}/{:?}", src.ns, src.labels);
        assert_eq!(allowed(&or, src, &target, &c), want_or, "OR form from {:?}/{:?}", src.ns, src.labels);
    }
}

#[test]
fn port_ranges_named_ports_and_namespace_names() {
    // The docs' endPort example: egress to 10.0.0.0/24 on TCP 32000–32768.
    let range = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: multi-port-egress
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
    - Egress
  egress:
    - to:
        - ipBlock:
            cidr: 10.0.0.0/24
      ports:
        - protocol: TCP
          port: 32000
          endPort: 32768
",
    );
    let db = pod("default", &[], &[("role", "db")]);
    let ext = addr("10.0.0.20");
    for (port, want) in [(31999, false), (32000, true), (32500, true), (32768, true), (32769, false)] {
        assert_eq!(allowed(&range, &db, &ext, &tcp(port)), want, "port {port}");
    }
    assert!(!allowed(&range, &db, &ext, &Connection { port: 32000, port_name: None, protocol: Protocol::UDP }), "UDP is another protocol");
    // A named port matches the destination container's port name; a namespace by its name label.
    let named = policies(
        "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-monitoring
  namespace: default
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: monitoring
    ports:
    - port: metrics
",
    );
    let app = pod("default", &[], &[("app", "web")]);
    let prom = pod("monitoring", &[], &[("app", "prometheus")]);
    let other = pod("logging", &[], &[("app", "prometheus")]);
    let metrics = Connection { port: 9090, port_name: Some("metrics".into()), protocol: Protocol::TCP };
    let http = Connection { port: 8080, port_name: Some("http".into()), protocol: Protocol::TCP };
    assert!(allowed(&named, &prom, &app, &metrics));
    assert!(!allowed(&named, &prom, &app, &http));
    assert!(!allowed(&named, &other, &app, &metrics));
}
