//! `make bench`: simulate 24 hours of the day workload (benches/day.rs) at 1-second traffic
//! resolution and print simulated seconds per wall-clock second. Not a Criterion benchmark: one
//! run takes seconds, and the number that matters is the ratio to real time.

#[path = "day.rs"]
mod day;

use std::time::Instant;

use berth::engine::time::HOUR;

/// CPU seconds this process has spent in user mode (Linux `/proc/self/stat`, 100 ticks per
/// second), or `None` elsewhere. On a shared machine this is steadier than wall time.
fn user_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let utime: f64 = rest.split_whitespace().nth(11)?.parse().ok()?;
    Some(utime / 100.0)
}

fn main() {
    let hours: u64 = std::env::var("BERTH_BENCH_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(24);
    let t0 = Instant::now();
    let mut e = day::engine();
    let setup = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let cpu0 = user_cpu_secs();
    for h in 1..=hours {
        e.run_until(h * HOUR);
    }
    let secs = t1.elapsed().as_secs_f64();
    let cpu = cpu0.and_then(|c0| user_cpu_secs().map(|c1| c1 - c0));
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
    if let Some(cpu) = cpu {
        println!("simulation/day: {cpu:.2} s of user CPU time = {:.0}× real time per CPU second", simulated / cpu.max(0.01));
    }
}
