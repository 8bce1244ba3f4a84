//! Benchmark of `prove` (issue 15): `prove_1000`, the property of
//! `fixtures/properties.toml` that holds (two ranges), checked on its 4 corners and
//! 1,000 random points of the reference deal, in parallel (target: about a second).

use boxflow::scenario::prove::{check, Property};
use boxflow::scenario::Base;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

const SHEET: &str = include_str!("../fixtures/properties.toml");

fn benches(c: &mut Criterion) {
    let deal = boxflow::deal::parse(SHEET, "properties.toml").expect("the sheet parses");
    let property = Property::from_spec(&deal.properties[0]).expect("a valid property");
    let base = Base::new(deal).expect("the reference deal plans");
    let mut g = c.benchmark_group("prove");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("prove_1000", |b| {
        b.iter(|| black_box(check(&base, &property, 1000, 0).expect("every point runs")))
    });
    g.finish();
}

criterion_group!(prove_benches, benches);
criterion_main!(prove_benches);
