//! Same scenario + same seed ⇒ the same event log, byte for byte (and the same hash in Wasm:
//! tests/wasm.rs checks the very same golden value in headless Chromium).

#[path = "common/golden.rs"]
mod golden;

use berth::engine::event::{log_hash, to_jsonl};

#[test]
fn native_log_matches_the_golden_hash() {
    let e = golden::run();
    assert_eq!(e.log_hash(), log_hash(e.events()), "incremental and whole-log hashes agree");
    assert_eq!(e.log_hash(), golden::GOLDEN_HASH.trim(), "the event log changed; if intended, update tests/golden/self-healing.hash\n{}", to_jsonl(e.events()));
}

#[test]
fn same_seed_same_log_different_seed_different_log() {
    let a = to_jsonl(golden::run().events());
    let b = to_jsonl(golden::run().events());
    assert_eq!(a, b);
    // A different seed changes tie-breaks, hence placements.
    let files = |name: &str| if name == "taskdefs/web.json" { Ok(golden::WEB.to_string()) } else { Err("nope".to_string()) };
    let s = berth::engine::scenario::parse_scenario(golden::SCENARIO, &files).unwrap();
    let mut other = s.start(Some(99));
    other.run_until(10 * 60 * 1000);
    assert_ne!(a, to_jsonl(other.events()));
}

#[test]
fn traffic_and_kubernetes_logs_match_their_golden_hashes() {
    let lab = golden::run_text(golden::LAB, 90 * 60 * 1000);
    assert_eq!(lab.log_hash(), golden::LAB_HASH.trim(), "the lab's event log changed; if intended, update tests/golden/autoscaling-lab.hash");
    let k8s = golden::run_text(golden::K8S, 30 * 60 * 1000);
    assert_eq!(k8s.log_hash(), golden::K8S_HASH.trim(), "the Kubernetes example's event log changed; if intended, update tests/golden/k8s-deployment.hash");
}
