//! XIRR and XNPV of a box deal: one large outflow at close, then 60 monthly
//! inflows. `xnpv_61_monthly_flows` is the exact decimal path; `xnpv_cents_61_monthly_flows`
//! the f64 path with its error bound that the summary prints (the same cent).
//! Target: XIRR median at most 20 µs (the summary computes three per run).
//!
//! Run with `cargo bench --bench xirr`.

use std::hint::black_box;

use boxflow::amortize::metrics::{xirr, xnpv, xnpv_cents, DatedFlow};
use boxflow::core::{Decimal, Money};
use chrono::{Datelike, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};

/// -400,000,000.00 at close on 2026-01-31, then 60 month-end inflows of about
/// 9.9 million that grow and vary a little, as collections do: an XIRR near 17%.
fn box_deal() -> (Vec<DatedFlow>, NaiveDate) {
    let close = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let mut flows = vec![DatedFlow::new(close, Money::from_cents(-400_000_000_00))];
    for k in 1..=60_i64 {
        let months = close.month0() as i64 + k + 1; // the first day of the next month
        let next = NaiveDate::from_ymd_opt(
            close.year() + (months / 12) as i32,
            (months % 12) as u32 + 1,
            1,
        )
        .unwrap();
        let month_end = next.pred_opt().unwrap();
        let cents = 9_900_000_00 + k * 12_345_67 + (k * 7_919 % 1_000) * 1_000_00;
        flows.push(DatedFlow::new(month_end, Money::from_cents(cents)));
    }
    (flows, close)
}

fn bench_xirr(c: &mut Criterion) {
    let (flows, close) = box_deal();
    let rate = xirr(&flows, close).expect("the box deal has an XIRR");
    assert_eq!(flows.len(), 61);
    assert!(rate > Decimal::ZERO && rate < Decimal::ONE, "{rate}");
    c.bench_function("xirr_61_monthly_flows", |b| {
        b.iter(|| xirr(black_box(&flows), black_box(close)))
    });
    c.bench_function("xnpv_61_monthly_flows", |b| {
        b.iter(|| {
            xnpv(
                black_box(Decimal::new(12, 2)),
                black_box(&flows),
                black_box(close),
            )
        })
    });
    c.bench_function("xnpv_cents_61_monthly_flows", |b| {
        b.iter(|| {
            xnpv_cents(
                black_box(Decimal::new(12, 2)),
                black_box(&flows),
                black_box(close),
            )
        })
    });
}

criterion_group!(benches, bench_xirr);
criterion_main!(benches);
