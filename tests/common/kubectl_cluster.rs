// The cluster the kubectl console tests share (included by tests/kubectl_actions.rs and
// tests/kubectl_said.rs, which import `start`, `json` and `Engine`).

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 4
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
";

const LOGS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logs
spec:
  selector:
    matchLabels:
      app: logs
  template:
    metadata:
      labels:
        app: logs
    spec:
      containers:
        - name: agent
          image: fluent-bit:3
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
";

const POLICY: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: web
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 4
  maxReplicas: 6
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 80
";

const SHOP: &str = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: example/api:1
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app: api
  ports:
    - port: 80
";

/// Three t3.medium nodes (one per zone): web (4 pods) with a budget and an HPA, the logs
/// DaemonSet, and the shop namespace with api (2 pods) and its Service; everything Ready at 1m.
fn cluster() -> Engine {
    let mut e = start(&json!({
        "berth": 1, "name": "kubectl actions", "seed": 5,
        "cluster": { "availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"] },
        "kubernetes": {
            "nodeGroups": [{ "name": "ng-1", "instanceType": "t3.medium", "desiredSize": 3, "minSize": 1, "maxSize": 5 }],
            "manifests": [WEB, LOGS, POLICY, SHOP]
        }
    }));
    e.run_until(60_000);
    e
}

#[allow(dead_code)]
const A: &str = "ip-10-0-1-10.ec2.internal";
#[allow(dead_code)]
const B: &str = "ip-10-0-2-10.ec2.internal";
