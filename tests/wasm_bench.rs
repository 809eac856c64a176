//! The placement benchmark in WebAssembly, in headless Chromium (`make bench`, or
//! `cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture`).
//! The same workload as the native Criterion benchmark (benches/workload.rs); prints placements
//! per second through the browser console. Not part of `make test` (it is slow and only measures).
//! Each test stays well under ChromeDriver's 30 s renderer timeout and yields to the browser
//! between rounds.

#![cfg(target_arch = "wasm32")]

#[path = "../benches/workload.rs"]
mod workload;
#[path = "../benches/day.rs"]
mod day;

use std::time::Duration;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Best of three runs of `run` on fresh state from `setup`: placements per second.
async fn best_of_3<S>(setup: impl Fn() -> S, run: impl Fn(&mut S) -> usize) -> (f64, usize) {
    let mut best = 0.0f64;
    let mut placed = 0;
    for _ in 0..3 {
        let mut s = setup();
        let t = now_ms();
        placed = run(&mut s);
        let secs = ((now_ms() - t) / 1000.0).max(1e-3);
        best = best.max(placed as f64 / secs);
        drop(s);
        yew::platform::time::sleep(Duration::from_millis(10)).await;
    }
    (best, placed)
}

#[wasm_bindgen_test]
fn wasm_places_as_the_engine_does() {
    let mut e = workload::cluster(300, 1);
    workload::place_all(&mut e, 2, 400);
    let mut d = workload::Direct::new(300, 1);
    d.place_all(2, 400);
    assert_eq!(workload::layout(&e), d.layout());
    let mut f = workload::ScanFloor::new(300, 1);
    f.place_all(2, 400);
    assert_eq!(f.layout(), d.layout());
    let mut x = workload::Indexed::new(300, 1);
    x.place_all(2, 400);
    assert_eq!(x.layout(), d.layout());
}

/// The full workload through the placement index: 50,000 tasks onto 5,000 instances.
#[wasm_bindgen_test]
async fn wasm_indexed() {
    for (instances, services, per_service) in [(5_000usize, 10usize, 5_000u32), (500, 1, 2_000)] {
        let fresh = workload::Indexed::new(instances, 1);
        let (rate, placed) = best_of_3(|| fresh.clone(), |d| d.place_all(services, per_service).0).await;
        console_log!("wasm indexed/{instances}-instances/{}-tasks: {placed} placements, best of 3: {rate:.0} placements/s", services * per_service as usize);
    }
}

/// The full workload through the engine (`CreateService` with desiredCount 5,000, ten times),
/// one service per stretch with a yield in between; placements per second of busy time.
#[wasm_bindgen_test]
async fn wasm_engine_full() {
    let mut best = 0.0f64;
    for _ in 0..2 {
        let mut e = workload::cluster(workload::INSTANCES, 1);
        let mut busy_ms = 0.0;
        for s in 0..workload::SERVICES {
            let t = now_ms();
            workload::place_service(&mut e, s, workload::TASKS_PER_SERVICE);
            busy_ms += now_ms() - t;
            yew::platform::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(e.tasks().len(), workload::SERVICES * workload::TASKS_PER_SERVICE as usize);
        best = best.max(e.tasks().len() as f64 / (busy_ms / 1000.0).max(1e-3));
    }
    console_log!("wasm engine/5000-instances/50000-tasks: best of 2: {best:.0} placements/s");
}

#[wasm_bindgen_test]
async fn wasm_direct() {
    for (instances, tasks) in [(5_000usize, 500u32), (500, 2_000)] {
        let fresh = workload::Direct::new(instances, 1);
        let (rate, placed) = best_of_3(|| fresh.clone(), |d| d.place_all(1, tasks).0).await;
        console_log!("wasm direct/{instances}-instances/{tasks}-tasks: {placed} placements, best of 3: {rate:.0} placements/s");
    }
}

#[wasm_bindgen_test]
async fn wasm_engine() {
    for (instances, tasks) in [(5_000usize, 5_000u32), (500, 2_000)] {
        let (rate, placed) = best_of_3(|| workload::cluster(instances, 1), |e| workload::place_all(e, 1, tasks)).await;
        console_log!("wasm engine/{instances}-instances/{tasks}-tasks: {placed} placements, best of 3: {rate:.0} placements/s");
    }
}

/// Not an engine path: the same decisions with nothing recorded (docs/performance.md).
#[wasm_bindgen_test]
async fn wasm_scan_floor() {
    for (instances, tasks) in [(5_000usize, 2_000u32), (500, 20_000)] {
        let fresh = workload::ScanFloor::new(instances, 1);
        let (rate, placed) = best_of_3(|| fresh.clone(), |f| f.place_all(1, tasks)).await;
        console_log!("wasm scan-floor/{instances}-instances/{tasks}-tasks: {placed} placements, best of 3: {rate:.0} placements/s");
    }
}

/// The 24-hour simulation (benches/day.rs), an hour at a time with a yield between hours so no
/// single stretch nears the renderer timeout. Prints simulated seconds per wall-clock second.
#[wasm_bindgen_test]
async fn wasm_simulated_day() {
    let hours: u64 = 24;
    let mut e = day::engine();
    let mut busy_ms = 0.0;
    for h in 1..=hours {
        let t = now_ms();
        e.run_until(h * berth::engine::time::HOUR);
        busy_ms += now_ms() - t;
        yew::platform::time::sleep(Duration::from_millis(5)).await;
    }
    let secs = (busy_ms / 1000.0).max(1e-3);
    console_log!("wasm simulation/day: {hours} h simulated in {secs:.2} s = {:.0}× real time; {} events; log {}", (hours * 3600) as f64 / secs, e.events().len(), e.log_hash());
}
