//! `make bench`: simulate 24 hours of the day workload (benches/day.rs) at 1-second traffic
//! resolution and print simulated seconds per wall-clock second. Not a Criterion benchmark: one
//! run takes seconds, and the number that matters is the ratio to real time.

#[path = "day.rs"]
mod day;

use std::time::Instant;

use berth::engine::time::HOUR;

fn main() {
    let hours: u64 = std::env::var("BERTH_BENCH_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24);
    let t0 = Instant::now();
    let mut e = day::engine();
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    for h in 1..=hours {
        e.run_until(h * HOUR);
    }
    let secs = t1.elapsed().as_secs_f64();
    let simulated = (hours * 3600) as f64;
    let snap = e.snapshot();
    let tasks: u32 = snap.services.iter().map(|s| s.running).sum();
    println!(
        "simulation/day: {hours} h simulated in {secs:.2} s (setup {setup:.2} s) = {:.0}× real time; {} events, {} running tasks at the end; log {}",
        simulated / secs,
        e.events().len(),
        tasks,
        e.log_hash()
    );
}
