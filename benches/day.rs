//! The 24-hour simulation workload shared by the native benchmark (benches/simulation.rs) and the
//! Wasm one (tests/wasm_bench.rs): 200 m5.xlarge instances over 3 AZs, 10 services of 200 tasks
//! (0.25 vCPU, 512 MiB) behind load balancers, each with a daily sine load (peaks spread over
//! the day) and CPU target tracking (min 150, max 260), at 1-second traffic resolution.

#![allow(dead_code)]

use berth::engine::scenario::parse_scenario;
use berth::engine::sim::Engine;
use serde_json::json;

pub const SERVICES: usize = 10;
pub const TASKS_PER_SERVICE: u32 = 200;

pub fn scenario_json() -> String {
    let services: Vec<_> = (0..SERVICES)
        .map(|i| {
            json!({
                "serviceName": format!("svc{i}"), "taskDefinition": "app", "desiredCount": TASKS_PER_SERVICE,
                "loadBalancer": {"healthCheck": {"interval": "30s", "healthyThreshold": 2}, "deregistrationDelay": "60s"},
                "autoScaling": {"minCapacity": 150, "maxCapacity": 260, "targetTracking": [
                    {"metric": "ECSServiceAverageCPUUtilization", "target": 60, "scaleOutCooldown": "60s", "scaleInCooldown": "300s"}]}
            })
        })
        .collect();
    let traffic: Vec<_> = (0..SERVICES)
        .map(|i| json!({"service": format!("svc{i}"), "load": {"shape": "sine", "mean": 2400, "amplitude": 1400, "period": "24h", "peakAt": format!("{}h", 10 + i % 6)}}))
        .collect();
    json!({
        "berth": 1, "name": "a day of a 200-instance cluster", "seed": 2026,
        "cluster": {"availabilityZones": ["us-east-1a", "us-east-1b", "us-east-1c"], "instances": [{"type": "m5.xlarge", "count": 200}]},
        "taskDefinitions": [{"family": "app", "containerDefinitions": [
            {"name": "app", "image": "example/app:1", "cpu": 256, "memory": 512, "essential": true, "portMappings": [{"containerPort": 8080, "hostPort": 0}]}]}],
        "behaviors": {"app": {"cpuMsPerRequest": 10, "baseLatencyMs": 15}},
        "services": services,
        "traffic": traffic
    })
    .to_string()
}

pub fn engine() -> Engine {
    let text = scenario_json();
    match parse_scenario(&text, &|n: &str| Err(format!("{n}: no files"))) {
        Ok(s) => s.start(None),
        Err(d) => panic!("the benchmark scenario must parse: {d:?}"),
    }
}
