//! Benchmark of Monte Carlo (issue 15): `simulate_100k`, 100,000 simulated runs of
//! the reference deal with the `[simulation]` of `fixtures/simulation.toml` (customer
//! default and re-lease, market price path, rate shocks), in parallel (target: at
//! most 10 s wall on 2 cores). Ten samples of one run each: a sample takes seconds.

use boxflow::scenario::simulate::simulate;
use boxflow::scenario::Base;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

const SHEET: &str = include_str!("../fixtures/simulation.toml");

fn benches(c: &mut Criterion) {
    let deal = boxflow::deal::parse(SHEET, "simulation.toml").expect("the sheet parses");
    let mut sim = deal.simulation.clone().expect("a [simulation]");
    sim.runs = 100_000;
    let base = Base::new(deal).expect("the reference deal plans");
    let mut g = c.benchmark_group("simulate");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("simulate_100k", |b| {
        b.iter(|| black_box(simulate(&base, &sim, &|| {}).expect("every run runs")))
    });
    g.finish();
}

criterion_group!(simulate_benches, benches);
criterion_main!(simulate_benches);
