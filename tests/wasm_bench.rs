//! The placement benchmark in WebAssembly, in headless Chromium (`make bench`, or
//! `cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture`).
//! The same workload as the native Criterion benchmark (benches/workload.rs); prints placements
//! per second through the browser console. Not part of `make test` (it is slow and only measures).

#![cfg(target_arch = "wasm32")]

#[path = "../benches/workload.rs"]
mod workload;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Best of `rounds` runs of `run` on fresh state: placements per second.
fn best_rate<S>(rounds: usize, setup: impl Fn() -> S, run: impl Fn(&mut S) -> usize) -> (f64, usize) {
    let mut best = 0.0f64;
    let mut placed = 0;
    for _ in 0..rounds {
        let mut s = setup();
        let t = now_ms();
        placed = run(&mut s);
        let secs = ((now_ms() - t) / 1000.0).max(1e-3);
        best = best.max(placed as f64 / secs);
    }
    (best, placed)
}

#[wasm_bindgen_test]
fn placement_throughput_in_wasm() {
    // Same check as the native benchmark: the direct path places exactly as the engine does.
    let mut e = workload::cluster(300, 1);
    workload::place_all(&mut e, 2, 400);
    let mut d = workload::Direct::new(300, 1);
    d.place_all(2, 400);
    assert_eq!(workload::layout(&e), d.layout());

    for (instances, tasks) in [(5_000usize, 500u32), (500, 2_000)] {
        let fresh = workload::Direct::new(instances, 1);
        let (rate, placed) = best_rate(3, || fresh.clone(), |d| d.place_all(1, tasks).0);
        console_log!("wasm direct/{instances}-instances/{tasks}-tasks: {placed} placements, best of 3: {rate:.0} placements/s");
    }
    for (instances, tasks) in [(5_000usize, 200u32), (500, 2_000)] {
        let (rate, placed) = best_rate(3, || workload::cluster(instances, 1), |e| workload::place_all(e, 1, tasks));
        console_log!("wasm engine/{instances}-instances/{tasks}-tasks: {placed} placements, best of 3: {rate:.0} placements/s");
    }
}
