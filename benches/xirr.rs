//! XIRR and XNPV of a box deal: one large outflow at close, then 60 monthly
//! inflows. `xnpv_61_monthly_flows` is the exact decimal path; `xnpv_cents_61_monthly_flows`
//! the f64 path with its error bound that the summary prints (the same cent).
//! Target: XIRR median at most 20 µs (the summary computes three per run).
//! `xirr_reference_run`: the three XIRRs of the reference run's summary (equity, one
//! sign change; project, several; senior lender, several once same-day flows net).
//!
//! Run with `cargo bench --bench xirr`.

use std::hint::black_box;

use boxflow::amortize::metrics::{xirr, xnpv, xnpv_cents, DatedFlow};
use boxflow::core::{Decimal, Money};
use boxflow::waterfall::{run, Account, Transfer};
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

const REFERENCE: &str = include_str!("../fixtures/reference.toml");

/// The three flow sets whose XIRRs the summary of the reference run computes, read
/// from the run as `Summary` reads them: the sponsor's and the senior lender's flows
/// from the ledger, and the project's (capex out; the prepayment, every period's
/// CFADS and the terminal flow in). With the summary's three XIRRs.
fn reference_run_flows() -> ([Vec<DatedFlow>; 3], NaiveDate, [Option<Decimal>; 3]) {
    let deal =
        boxflow::deal::parse(REFERENCE, "reference.toml").expect("the reference deal parses");
    let run = run(&deal).expect("the reference deal runs");
    let close = deal.close;
    let dated = |(t, amount): (&Transfer, Money)| DatedFlow::new(t.date, amount);
    let sponsor: Vec<DatedFlow> = run.ledger.flows(Account::Sponsor).map(dated).collect();
    let lender: Vec<DatedFlow> = run.ledger.flows(Account::Lender(0)).map(dated).collect();
    let mut project: Vec<DatedFlow> = run
        .plan
        .capex
        .iter()
        .map(|line| DatedFlow::new(line.effective_date(close), -line.amount))
        .collect();
    project.push(DatedFlow::new(close, deal.contract.prepayment));
    project.extend(
        run.periods
            .iter()
            .map(|p| DatedFlow::new(p.end, p.operations.cfads)),
    );
    project.push(DatedFlow::new(
        run.terminal.date,
        run.terminal.terminal_value - run.terminal.refund_paid,
    ));
    let s = &run.summary;
    (
        [sponsor, project, lender],
        close,
        [s.equity_irr, s.project_irr, s.senior_lender_irr],
    )
}

fn bench_xirr(c: &mut Criterion) {
    let (reference, close_ref, summary) = reference_run_flows();
    for (flows, printed) in reference.iter().zip(summary) {
        // The same flows as the summary's: the same XIRR.
        assert_eq!(xirr(flows, close_ref), printed);
        assert!(printed.is_some());
    }
    c.bench_function("xirr_reference_run", |b| {
        b.iter(|| {
            reference
                .iter()
                .map(|flows| xirr(black_box(flows), black_box(close_ref)))
                .collect::<Vec<_>>()
        })
    });

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
