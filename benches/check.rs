//! `check_10mib`: reading and rendering the errors of each pathological deal sheet of
//! 10 MiB (the largest read), as `boxflow check` does (target: each about a second at
//! most; docs/limits.md). The sheets are written in code by
//! `crates/deal/tests/pathological/sheets.rs`, one per kind of mistake repeated.

#![allow(missing_docs)]

#[path = "../crates/deal/tests/pathological/sheets.rs"]
mod sheets;

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::time::Duration;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("check_10mib");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for kind in sheets::KINDS {
        let Some(text) = sheets::sheet(kind, boxflow_deal::MAX_FILE_BYTES as usize) else {
            continue;
        };
        group.bench_function(kind, |b| {
            b.iter(|| {
                let errors = boxflow_deal::parse(black_box(&text), "p.toml")
                    .expect_err("a pathological sheet is invalid");
                black_box(boxflow_deal::render(&errors))
            })
        });
    }
    group.finish();
}

criterion_group!(check, benches);
criterion_main!(check);
