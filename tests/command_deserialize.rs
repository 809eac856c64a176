//! `Command`'s `Deserialize` (the `"action"`-tagged JSON of timelines, lessons, forms and share
//! links) is hand-dispatched for size (src/engine/command_de.rs); this pins its results and error
//! messages to those of serde's derived internally tagged enum, recorded before the change in
//! `tests/golden/command_deserialize.txt` (the output of serde's derive at commit `14c7eae`; it is
//! not to be re-recorded from the hand-written code: a difference is a change of behaviour).

use berth::engine::sim::Command;
use serde_json::{json, Value};

const NAMES: [&str; 20] = [
    "registerTaskDefinition", "createService", "updateService", "putAutoScaling", "runTask", "stopTask", "addInstances",
    "terminateInstance", "drainInstance", "azOutage", "azRecover", "spotInterruption", "createAutoScalingGroup",
    "createCapacityProvider", "setDesiredCapacity", "kubeSetup", "kubectl", "createQueue", "putMetricAlarm", "setTraffic",
];

fn inputs() -> Vec<Value> {
    let mut v = vec![
        json!(null), json!(true), json!(3), json!(-3), json!(1.5), json!("stopTask"), json!([]), json!({}),
        json!({"task": "t"}),
        json!({"action": null}), json!({"action": 3}), json!({"action": -2}), json!({"action": 2.5}), json!({"action": true}),
        json!({"action": ["stopTask"]}), json!({"action": {"stopTask": 1}}), json!({"action": "nope"}), json!({"action": "StopTask"}),
        json!({"action": "runFor"}), json!({"action": "editTaskDefinition"}),
        json!({"action": "stopTask", "task": "t-1"}),
        json!({"action": "stopTask", "task": "t-1", "reason": null}),
        json!({"action": "stopTask", "task": "t-1", "reason": "why"}),
        json!({"task": "t-1", "action": "stopTask", "zzz": 1, "aaa": 2}),
        json!({"action": "stopTask", "task": 5}),
        json!({"action": "stopTask", "task": null}),
        json!({"action": "stopTask", "task": "t", "reason": 1.25}),
        json!({"action": "updateService", "service": "web", "desiredCount": 3}),
        json!({"action": "updateService", "service": "web", "desiredCount": -3}),
        json!({"action": "updateService", "service": "web", "desiredCount": 5000000000u64}),
        json!({"action": "updateService", "service": "web", "desiredCount": 2.0}),
        json!({"action": "updateService", "service": "web", "forceNewDeployment": null}),
        json!({"action": "updateService", "service": "web", "forceNewDeployment": true, "taskDefinition": "web:2"}),
        json!({"action": "updateService", "service": "web", "placementStrategy": [], "placementConstraints": []}),
        json!({"action": "updateService", "service": "web", "placementStrategy": [{"type": "spread", "field": "attribute:ecs.availability-zone"}, {"type": "binpack", "field": "memory"}]}),
        json!({"action": "updateService", "service": "web", "placementStrategy": [{"type": "nope"}]}),
        json!({"action": "updateService", "service": "web", "placementConstraints": [{"type": "distinctInstance"}, {"type": "memberOf", "expression": "attribute:ecs.instance-type =~ t3.*"}]}),
        json!({"action": "updateService", "service": "web", "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200}}),
        json!({"action": "updateService", "service": "web", "deploymentConfiguration": {"bogus": 1}}),
        json!({"action": "addInstances", "type": "t3.large"}),
        json!({"action": "addInstances", "type": "t3.large", "az": "us-east-1a", "count": 2, "attributes": {"b": "2", "a": "1"}, "ids": ["i-x", "i-y"], "reservedMemory": 128}),
        json!({"action": "addInstances", "instanceType": "t3.large"}),
        json!({"action": "addInstances", "type": "t3.large", "attributes": {"a": 1}}),
        json!({"action": "addInstances", "type": "t3.large", "ids": "i-x"}),
        json!({"action": "terminateInstance"}),
        json!({"action": "terminateInstance", "instance": "i-01"}),
        json!({"action": "drainInstance", "instance": "i-01"}),
        json!({"action": "azOutage", "az": "us-east-1a"}),
        json!({"action": "azRecover", "az": "us-east-1a"}),
        json!({"action": "spotInterruption"}),
        json!({"action": "spotInterruption", "task": "t-1"}),
        json!({"action": "registerTaskDefinition"}),
        json!({"action": "registerTaskDefinition", "taskDefinition": {}}),
        json!({"action": "setDesiredCapacity", "group": "asg", "desired": 4}),
        json!({"action": "setDesiredCapacity", "group": "asg"}),
        json!({"action": "kubeSetup"}),
        json!({"action": "kubeSetup", "z": 1, "a": [1, 2, {"q": null}], "m": {"y": 1, "x": 2}}),
        json!({"action": "kubectl", "args": "get pods"}),
        json!({"action": "kubectl", "args": "apply", "manifest": "kind: Pod"}),
        json!({"action": "kubectl", "args": "apply", "manifest": 3}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": 2}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": 2, "bogus": 1}),
        json!({"action": "createService", "name": "web"}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": "two"}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": 2, "launchType": "FARGATE"}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": 2, "launchType": "MOON"}),
        json!({"action": "createService", "name": "web", "taskDefinition": "web", "desiredCount": 2, "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]}),
        json!({"action": "runTask", "taskDefinition": "web"}),
        json!({"action": "runTask", "taskDefinition": "web", "count": 3, "group": "g"}),
        json!({"action": "runTask"}),
        json!({"action": "createAutoScalingGroup", "name": "asg", "instanceType": "t3.large", "min": 0, "max": 3, "desired": 1}),
        json!({"action": "createAutoScalingGroup"}),
        json!({"action": "createCapacityProvider", "name": "cp", "autoScalingGroup": "asg"}),
        json!({"action": "createCapacityProvider", "name": "cp", "autoScalingGroup": "asg", "managedScaling": {"targetCapacity": 90}}),
        json!({"action": "createQueue", "name": "q", "service": "worker"}),
        json!({"action": "createQueue"}),
        json!({"action": "putMetricAlarm"}),
        json!({"action": "putMetricAlarm", "name": "a", "metric": "CPUUtilization", "service": "web", "threshold": 80, "comparison": "GreaterThanThreshold"}),
        json!({"action": "setTraffic", "service": "web", "load": {"constant": 100}}),
        json!({"action": "setTraffic", "service": "web", "load": 100}),
        json!({"action": "setTraffic", "service": "web"}),
        json!({"action": "putAutoScaling", "service": "web", "autoScaling": null}),
        json!({"action": "putAutoScaling", "service": "web", "autoScaling": {"minCapacity": 1, "maxCapacity": 4}}),
        json!({"action": "putAutoScaling", "service": "web", "autoScaling": {"minCapacity": 1, "maxCapacity": 4, "targetTracking": [{"metric": "cpu", "target": 50}]}}),
        json!({"action": "putAutoScaling", "service": "web", "autoScaling": {"nope": 1}}),
        // Internally tagged enums also read sequences: the tag first, then the fields in order.
        json!([null]), json!([3]), json!(["nope"]), json!(["stopTask"]), json!(["stopTask", "t-1"]), json!(["stopTask", "t-1", "why"]),
        json!(["stopTask", "t-1", "why", "extra"]), json!(["stopTask", 5]), json!(["terminateInstance", "i-1", 2]),
        json!(["registerTaskDefinition"]), json!(["registerTaskDefinition", 1]), json!(["kubeSetup", 1, "a"]), json!(["kubeSetup"]),
        json!(["createService"]), json!(["createService", "web"]), json!(["createQueue", "q", "w", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
        json!(["setTraffic", "web", {"constant": 1}]), json!(["setTraffic", "web", {"constant": 1}, 0]),
        json!(["addInstances", "t3.large", null, 2, {}, [], 0]), json!(["addInstances", "t3.large", null, 2, {}, [], 0, 0]),
    ];
    for n in NAMES {
        v.push(json!({ "action": n }));
        v.push(json!({ "action": n, "bogus": 1 }));
        v.push(json!([n]));
    }
    v
}

fn render() -> String {
    let mut out = String::new();
    for input in inputs() {
        let r = serde_json::from_value::<Command>(input.clone()).map_err(|e| e.to_string());
        out.push_str(&format!("{input}\n  {r:?}\n"));
        // Inside another type (a share link's journal) the same.
        let wrapped = serde_json::from_value::<berth::engine::history::Input>(json!({ "command": input })).map_err(|e| e.to_string());
        match (&r, &wrapped) {
            (Ok(a), Ok(berth::engine::history::Input::Command(b))) if a == b => {}
            (Err(a), Err(b)) if a == b => {}
            _ => out.push_str(&format!("  wrapped differs: {wrapped:?}\n")),
        }
    }
    out
}

#[test]
fn results_and_errors_are_serdes() {
    let got = render();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/command_deserialize.txt");
    let want = std::fs::read_to_string(path).expect("tests/golden/command_deserialize.txt");
    if got != want {
        for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
            if g != w {
                panic!("line {}:\n got  {g}\n want {w}", i + 1);
            }
        }
        panic!("lengths differ: {} lines, want {}", got.lines().count(), want.lines().count());
    }
}
