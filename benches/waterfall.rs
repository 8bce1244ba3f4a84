//! Benchmarks of the engine on the reference deal:
//! - `size_senior`: sizing the senior facility (target: median ≤ 1 ms);
//! - `run_sized`: the waterfall with the schedule already sized (target: ≤ 20 µs);
//! - `parse_size_run`: parse + size + run end to end (target: ≤ 2 ms).

use boxflow::core::Money;
use boxflow::waterfall::{run, run_plan, Plan};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;

const REFERENCE: &str = include_str!("../fixtures/reference.toml");

fn benches(c: &mut Criterion) {
    let deal =
        boxflow::deal::parse(REFERENCE, "reference.toml").expect("the reference deal parses");
    let plan = Plan::new(&deal).expect("the reference deal plans");
    let senior = &plan.facilities[0];
    let upper = Money::floor2(rust_decimal::Decimal::new(80, 2) * plan.total_capex.amount());

    c.bench_function("size_senior", |b| {
        b.iter(|| black_box(senior.terms.size(black_box(upper)).expect("sizes")))
    });
    c.bench_function("run_sized", |b| {
        b.iter_batched(
            || plan.clone(),
            |p| black_box(run_plan(&deal, p).expect("runs")),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("parse_size_run", |b| {
        b.iter(|| {
            let deal =
                boxflow::deal::parse(black_box(REFERENCE), "reference.toml").expect("parses");
            black_box(run(&deal).expect("runs"))
        })
    });
}

criterion_group!(engine, benches);
criterion_main!(engine);
