//! Benchmarks of the scenario engine (issue 6):
//! - `grid_10k`: a 10,000-scenario grid of the reference deal (100 prices × 100 rate
//!   shocks), every run's invariants checked, in parallel (target: ≤ 1 s wall on 2 cores);
//! - `grid_10k_unverified`: the same grid without the invariant checks;
//! - `portfolio_1000`: 1,000 generated boxes (the six portfolio fixtures at varied
//!   prices, 50 customers; `benches/support/portfolio.rs`) run and consolidated
//!   (target of issue 10: ≤ 100 ms on 2 threads).

#[path = "support/portfolio.rs"]
mod portfolio;

use boxflow::scenario::portfolio::{consolidate, run_boxes};
use boxflow::scenario::{run_grid, Base, Grid};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::time::Duration;

const REFERENCE: &str = include_str!("../fixtures/reference.toml");

fn benches(c: &mut Criterion) {
    let deal =
        boxflow::deal::parse(REFERENCE, "reference.toml").expect("the reference deal parses");
    let base = Base::new(deal).expect("the reference deal plans");
    let grid = Grid::parse("price=1.61..2.60:0.01,rate=0..495:5").expect("a grid");
    assert_eq!(grid.len(), 10_000);

    let mut g = c.benchmark_group("scenarios");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("grid_10k", |b| {
        b.iter(|| black_box(run_grid(&base, &grid, true, &|| {})))
    });
    g.bench_function("grid_10k_unverified", |b| {
        b.iter(|| black_box(run_grid(&base, &grid, false, &|| {})))
    });
    let boxes = portfolio::generated_boxes();
    g.bench_function("portfolio_1000", |b| {
        b.iter_batched(
            || boxes.clone(),
            |deals| {
                let entries: Vec<_> = run_boxes(deals)
                    .into_iter()
                    .map(|r| r.expect("every box runs"))
                    .collect();
                black_box(consolidate(&entries).expect("consolidates"))
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(scenarios, benches);
criterion_main!(scenarios);
