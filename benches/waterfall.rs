//! Benchmarks of the engine on the reference deal:
//! - `size_senior`: sizing the senior facility (target: median ≤ 1 ms);
//! - `run_sized`: the waterfall with the schedule already sized (target: ≤ 20 µs);
//! - `parse_size_run`: parse + size + run end to end (target: ≤ 2 ms);
//! - `run_sized_600`: the reference deal stretched to a 600-month contract, sized,
//!   then run (target: about 10× `run_sized`: the loop's cost is linear in periods).
//!
//! The two `run_sized` benches drop each run inside the timed routine, as a stress
//! grid drops each point's run: the drop is part of a run's cost, and a batch of
//! runs kept alive and freed together (criterion's `iter_batched` otherwise returns
//! them after the batch) has glibc hand a 600-month batch's megabytes back to the
//! kernel and fault them in again for the next batch, a cost of the bench's batching
//! that no workload has (docs/performance.md, the thirtieth pass).

use boxflow::core::Money;
use boxflow::deal::ValidDeal;
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
            |p| drop(black_box(run_plan(&deal, p).expect("runs"))),
            BatchSize::SmallInput,
        )
    });
    let long = stretched(&deal, 600);
    let long_plan = Plan::new(&long).expect("the 600-month deal plans");
    assert_eq!(long_plan.calendar.len(), 600);
    c.bench_function("run_sized_600", |b| {
        b.iter_batched(
            || long_plan.clone(),
            |p| drop(black_box(run_plan(&long, p).expect("runs"))),
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

/// The deal with a contract of `months` months (everything else as written).
fn stretched(deal: &ValidDeal, months: u32) -> ValidDeal {
    let mut long = deal.clone().into_deal();
    long.contract.term_months = months;
    long.validate().expect("the stretched deal is valid")
}

criterion_group!(engine, benches);
criterion_main!(engine);
