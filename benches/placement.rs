//! Placement throughput (`make bench`, or `cargo bench --bench placement`).
//!
//! The workload (benches/workload.rs): 5,000 container instances in three AZs, four fifths `m5.*`;
//! services of a 64-CPU-unit / 256-MiB task with `spread(attribute:ecs.availability-zone)` then
//! `binpack(memory)` and `memberOf(attribute:ecs.instance-type =~ m5.*)`. The full size is
//! 50,000 tasks (ten services of 5,000, the engine's per-service cap).
//!
//! * Criterion groups time slices of that workload, each from a fresh cluster: `indexed` is the
//!   placement index (`placement::index::Placer`) plus the engine's instance bookkeeping — what
//!   the engine now does per EC2 placement; `engine` is `Engine::apply(CreateService)`, with
//!   everything the engine does per task; `direct` is the full pipeline (`placement::place`, a
//!   `Decision` listing every instance) plus the same bookkeeping — what every placement cost
//!   before the index, and what rebuilding one explanation costs now.
//! * After Criterion, the whole 50,000-task workload runs once through `indexed` and once through
//!   `engine` and prints placements per second (the numbers in docs/performance.md);
//!   `BERTH_BENCH_FULL=1` also runs it through `direct` (about 10 minutes).
//!
//! Numbers and the machine they came from: docs/performance.md.

mod workload;

use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion, Throughput};

fn indexed(c: &mut Criterion) {
    let mut g = c.benchmark_group("indexed");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    for (instances, tasks) in [(5_000, 5_000), (500, 2_000)] {
        let fresh = workload::Indexed::new(instances, 1);
        g.throughput(Throughput::Elements(tasks as u64));
        g.bench_function(format!("{instances}-instances/{tasks}-tasks"), |b| {
            b.iter_batched(|| fresh.clone(), |mut d| d.place_all(1, tasks), BatchSize::PerIteration)
        });
    }
    g.finish();
}

fn direct(c: &mut Criterion) {
    let mut g = c.benchmark_group("direct");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(20));
    for (instances, tasks) in [(5_000, 500), (500, 2_000)] {
        let fresh = workload::Direct::new(instances, 1);
        g.throughput(Throughput::Elements(tasks as u64));
        g.bench_function(format!("{instances}-instances/{tasks}-tasks"), |b| {
            b.iter_batched(|| fresh.clone(), |mut d| d.place_all(1, tasks), BatchSize::PerIteration)
        });
    }
    g.finish();
}

fn engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(20));
    for (instances, tasks) in [(5_000, 5_000), (500, 2_000)] {
        g.throughput(Throughput::Elements(tasks as u64));
        g.bench_function(format!("{instances}-instances/{tasks}-tasks"), |b| {
            b.iter_batched(|| workload::cluster(instances, 1), |mut e| workload::place_all(&mut e, 1, tasks), BatchSize::PerIteration)
        });
    }
    g.finish();
}

/// Not an engine path: the same decisions with nothing recorded (see `workload::ScanFloor`), to
/// show what scanning every instance costs by itself.
fn scan_floor(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan-floor");
    g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    for (instances, tasks) in [(5_000, 2_000), (500, 20_000)] {
        let fresh = workload::ScanFloor::new(instances, 1);
        g.throughput(Throughput::Elements(tasks as u64));
        g.bench_function(format!("{instances}-instances/{tasks}-tasks"), |b| {
            b.iter_batched(|| fresh.clone(), |mut d| d.place_all(1, tasks), BatchSize::PerIteration)
        });
    }
    g.finish();
}

criterion_group!(benches, indexed, engine, direct, scan_floor);

/// The full workload once, 50,000 tasks onto 5,000 instances, through `path`.
fn full(path: &str) {
    let (placed, secs) = match path {
        "indexed" => {
            let mut d = workload::Indexed::new(workload::INSTANCES, 1);
            let start = Instant::now();
            let (placed, _) = d.place_all(workload::SERVICES, workload::TASKS_PER_SERVICE);
            (placed, start.elapsed().as_secs_f64())
        }
        "engine" => {
            let mut e = workload::cluster(workload::INSTANCES, 1);
            let start = Instant::now();
            let placed = workload::place_all(&mut e, workload::SERVICES, workload::TASKS_PER_SERVICE);
            (placed, start.elapsed().as_secs_f64())
        }
        _ => {
            let mut d = workload::Direct::new(workload::INSTANCES, 1);
            let start = Instant::now();
            let (placed, _) = d.place_all(workload::SERVICES, workload::TASKS_PER_SERVICE);
            (placed, start.elapsed().as_secs_f64())
        }
    };
    println!("full/{path}: {placed} tasks onto {} instances in {secs:.2} s = {:.0} placements/s", workload::INSTANCES, placed as f64 / secs);
}

fn main() {
    // The direct path must place exactly as the engine does (checked on a small cluster).
    let mut e = workload::cluster(300, 1);
    workload::place_all(&mut e, 2, 400);
    let mut d = workload::Direct::new(300, 1);
    d.place_all(2, 400);
    assert_eq!(workload::layout(&e), d.layout(), "the direct path places differently from the engine");
    let mut f = workload::ScanFloor::new(300, 1);
    f.place_all(2, 400);
    assert_eq!(f.layout(), d.layout(), "the scan floor places differently from the engine");
    let mut x = workload::Indexed::new(300, 1);
    x.place_all(2, 400);
    assert_eq!(x.layout(), d.layout(), "the index places differently from the full pipeline");

    benches();
    Criterion::default().configure_from_args().final_summary();
    full("indexed");
    full("engine");
    if std::env::var("BERTH_BENCH_FULL").is_ok_and(|v| !v.is_empty() && v != "0") {
        full("direct");
    }
}
