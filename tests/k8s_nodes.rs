//! EKS node arithmetic (max pods, kubelet reservations, allocatable), Fargate sizing, QoS classes
//! and the eviction order.

use berth::engine::k8s::manifest;
use berth::engine::k8s::model::{Object, Pod};
use berth::engine::k8s::node::*;
use berth::engine::k8s::qos::*;

fn pod(text: &str) -> Pod {
    let m = manifest::parse(text);
    assert!(!m.has_errors(), "{:?}", m.diagnostics);
    match &m.objects[0].object {
        Object::Pod(p) => p.clone(),
        other => panic!("{other:?}"),
    }
}

fn with_resources(res: &str) -> Pod {
    pod(&format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n    - name: c\n      image: nginx\n      resources: {res}\n"))
}

#[test]
fn vpc_cni_max_pods_matches_eni_max_pods_txt() {
    // eni-max-pods.txt (awslabs/amazon-eks-ami): t3.medium 17, m5.large 29, m5.xlarge 58, m5.4xlarge 234, t3.nano 4
    let mp = |t: &str| Node::eks("n", t, "us-east-1a", "ng", false).map(|n| n.allocatable.pods);
    assert_eq!(mp("t3.medium"), Ok(17));
    assert_eq!(mp("m5.large"), Ok(29));
    assert_eq!(mp("m5.xlarge"), Ok(58));
    assert_eq!(mp("m5.4xlarge"), Ok(234));
    assert_eq!(mp("t3.nano"), Ok(4));
    assert!(mp("m9.huge").is_err());
}

#[test]
fn kubelet_reservations_like_the_eks_ami() {
    assert_eq!(kube_reserved_cpu_milli(1), 60);
    assert_eq!(kube_reserved_cpu_milli(2), 70);
    assert_eq!(kube_reserved_cpu_milli(4), 80);
    assert_eq!(kube_reserved_cpu_milli(8), 90);
    assert_eq!(kube_reserved_cpu_milli(16), 110);
    assert_eq!(kube_reserved_memory_mib(29), 574);
    let n = Node::eks("ip-10-0-1-5", "m5.large", "us-east-1a", "web", true).expect("node");
    // 8 GiB − (11 × 29 + 255) MiB − 100 MiB eviction threshold = 7518 MiB
    assert_eq!(n.allocatable.memory, 7518 << 20);
    assert_eq!(n.allocatable.cpu_milli, 1930);
    assert_eq!(n.describe_allocatable(), "capacity 2 CPU, 8Gi memory, 29 pods; allocatable 1930m CPU, 7518Mi memory, 29 pods");
    assert_eq!(n.labels.get(LABEL_ZONE).map(String::as_str), Some("us-east-1a"));
    assert_eq!(n.labels.get(LABEL_REGION).map(String::as_str), Some("us-east-1"));
    assert_eq!(n.labels.get(LABEL_CAPACITY_TYPE).map(String::as_str), Some("SPOT"));
    assert_eq!(n.labels.get(LABEL_NODEGROUP).map(String::as_str), Some("web"));
    assert_eq!(n.labels.get(LABEL_INSTANCE_TYPE).map(String::as_str), Some("m5.large"));
    assert_eq!(n.labels.get(LABEL_HOSTNAME).map(String::as_str), Some("ip-10-0-1-5"));
    let arm = Node::eks("g", "m6g.large", "us-east-1b", "arm", false).expect("node");
    assert_eq!(arm.labels.get(LABEL_ARCH).map(String::as_str), Some("arm64"));
}

#[test]
fn fargate_pods_are_rounded_up_to_a_fargate_size() {
    let size = |res: &str| fargate_size(&with_resources(res)).map(|s| (s.cpu_units, s.memory_mib));
    assert_eq!(size("{requests: {cpu: 250m, memory: 512Mi}}"), Ok((256, 1024)), "512Mi + 256Mi = 768Mi → 1 GB");
    assert_eq!(size("{}"), Ok((256, 512)), "no requests: the smallest size");
    assert_eq!(size("{requests: {cpu: 1, memory: 3Gi}}"), Ok((1024, 4096)));
    assert_eq!(size("{requests: {cpu: 2, memory: 15Gi}}"), Ok((2048, 16384)));
    assert_eq!(size("{requests: {cpu: 500m, memory: 4Gi}}"), Ok((1024, 5120)), "4Gi + 256Mi exceeds the 0.5 vCPU row's 4 GB");
    assert_eq!(
        size("{requests: {cpu: 20, memory: 1Gi}}"),
        Err("no Fargate size holds 20 CPU and 1280Mi memory (including 256Mi for the Kubernetes components); the largest is 16 vCPU / 120 GB".into())
    );
    let s = fargate_size(&with_resources("{requests: {cpu: 250m, memory: 512Mi}}")).expect("size");
    assert_eq!(s.explanation, "requests 250m CPU and 512Mi memory; + 256Mi for kubelet, kube-proxy and containerd = 768Mi; rounded up to the Fargate size 0.25 vCPU / 1 GB");
    let node = fargate_node("fargate-ip-10-0-3-7", "us-east-1c", &s);
    assert_eq!((node.allocatable.cpu_milli, node.allocatable.memory, node.allocatable.pods), (250, 1 << 30, 1));
}

#[test]
fn fargate_profiles_select_by_namespace_and_labels() {
    let profiles = vec![
        FargateProfile { name: "batch".into(), selectors: vec![FargateSelector { namespace: "jobs".into(), labels: [("fargate".to_string(), "yes".to_string())].into() }], zones: vec![] },
        FargateProfile { name: "system".into(), selectors: vec![FargateSelector { namespace: "kube-system".into(), labels: Default::default() }], zones: vec![] },
    ];
    let labels = |kv: &[(&str, &str)]| kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    assert_eq!(fargate_profile_for(&profiles, "kube-system", &labels(&[("k8s-app", "coredns")])).map(|p| p.name.as_str()), Some("system"));
    assert_eq!(fargate_profile_for(&profiles, "jobs", &labels(&[("fargate", "yes"), ("x", "y")])).map(|p| p.name.as_str()), Some("batch"));
    assert_eq!(fargate_profile_for(&profiles, "jobs", &labels(&[("fargate", "no")])), None);
    assert_eq!(fargate_profile_for(&profiles, "default", &labels(&[])), None);
}

#[test]
fn qos_classes() {
    let q = |res: &str| qos_class(&with_resources(res).spec);
    assert_eq!(q("{}"), QosClass::BestEffort);
    assert_eq!(q("{limits: {cpu: 500m, memory: 256Mi}}"), QosClass::Guaranteed, "requests default to limits");
    assert_eq!(q("{requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}"), QosClass::Guaranteed);
    assert_eq!(q("{requests: {cpu: 250m, memory: 256Mi}, limits: {cpu: 500m, memory: 256Mi}}"), QosClass::Burstable);
    assert_eq!(q("{requests: {memory: 128Mi}}"), QosClass::Burstable);
    assert_eq!(q("{limits: {memory: 128Mi}}"), QosClass::Burstable, "no CPU limit");
}

#[test]
fn memory_pressure_eviction_order() {
    let c = |name: &str, priority, usage_mi: i64, request_mi: i64, qos| EvictionCandidate { name: name.into(), priority, usage: usage_mi << 20, request: request_mi << 20, qos };
    let pods = vec![
        c("guaranteed", 0, 500, 512, QosClass::Guaranteed),
        c("burst-small-over", 0, 300, 256, QosClass::Burstable),
        c("besteffort", 0, 100, 0, QosClass::BestEffort),
        c("burst-big-over", 0, 900, 256, QosClass::Burstable),
        c("burst-under", 0, 100, 256, QosClass::Burstable),
        c("critical-over", 1000, 2000, 256, QosClass::Burstable),
    ];
    let order: Vec<String> = memory_pressure_order(&pods).into_iter().map(|p| p.name).collect();
    assert_eq!(order, vec!["burst-big-over", "besteffort", "burst-small-over", "critical-over", "guaranteed", "burst-under"]);
    assert_eq!(memory_pressure_order(&pods)[0].reason(), "burst-big-over (Burstable): uses 644Mi over its 256Mi request, priority 0");
}
