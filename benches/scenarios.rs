//! Benchmarks of the scenario engine (issue 6):
//! - `grid_10k`: a 10,000-scenario grid of the reference deal (100 prices × 100 rate
//!   shocks), every run's invariants checked, in parallel (target: ≤ 1 s wall on 2 cores);
//! - `grid_10k_unverified`: the same grid without the invariant checks;
//! - `portfolio_1000`: 1,000 generated boxes (the six portfolio fixtures at varied
//!   prices, 50 customers) run and consolidated (target: ≤ 0.5 s).

use boxflow::core::Quantity;
use boxflow::deal::ValidDeal;
use boxflow::scenario::portfolio::{consolidate, run_boxes};
use boxflow::scenario::{run_grid, Base, Grid};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::time::Duration;

const REFERENCE: &str = include_str!("../fixtures/reference.toml");

/// 1,000 boxes: the portfolio fixtures in turn, each at a price from 90% to 110% of
/// its own, for one of 50 customers.
fn generated_boxes() -> Vec<(String, ValidDeal)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/portfolio");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixtures/portfolio")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    let deals: Vec<ValidDeal> = paths
        .iter()
        .map(|p| boxflow::deal::read_file(p).expect("a portfolio box"))
        .collect();
    (0..1000)
        .map(|i| {
            let mut deal = deals[i % deals.len()].clone().into_deal();
            let factor = Decimal::new(90 + (i % 21) as i64, 2);
            for line in &mut deal.contract.capacity {
                line.price_per_gpu_hour = Quantity::new(line.price_per_gpu_hour.value() * factor);
            }
            deal.name = format!("Box {i}");
            deal.contract.customer = format!("Customer {}", i % 50);
            (
                format!("box-{i}.toml"),
                deal.validate().expect("a valid box"),
            )
        })
        .collect()
}

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
    let boxes = generated_boxes();
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
