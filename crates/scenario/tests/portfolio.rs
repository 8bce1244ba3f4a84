//! The portfolio of two three-period boxes, consolidated by hand, and the bundled
//! portfolio of six vintages.

mod common;

use boxflow_core::{Money, Rate};
use boxflow_model::{Deal, RateSpec, ValidDeal};
use boxflow_scenario::portfolio::{consolidate, run_boxes, Entry};
use common::*;
use rust_decimal::Decimal;

/// The tiny deal one month later (close 2026-02-01: periods of 28, 31 and 30 days,
/// invoices 6,720.00, 7,440.00 and 7,200.00), at 6% fixed, for customer `D`.
fn later() -> Deal {
    let mut deal = tiny();
    let close = date("2026-02-01");
    deal.close = close;
    deal.contract.customer = "D".into();
    deal.contract.capacity[0].online = close;
    deal.purchase_orders[0].payments[0].date = close;
    deal.expenses[0].start = close;
    deal.facilities[0].rate = RateSpec::Fixed(Rate::new(d("0.06")));
    deal
}

fn entries(deals: Vec<Deal>) -> Vec<Entry> {
    let named = deals
        .into_iter()
        .enumerate()
        .map(|(i, d)| (format!("box{i}.toml"), valid(d)))
        .collect();
    run_boxes(named).into_iter().map(|r| r.unwrap()).collect()
}

#[test]
fn two_boxes_by_hand() {
    let p = consolidate(&entries(vec![later(), tiny()])).unwrap();
    assert_eq!(p.currency, "USD");
    // Ordered by close: the January box first.
    assert_eq!(p.boxes[0].customer, "C");
    assert_eq!(p.boxes[1].customer, "D");

    // January to May 2026: the first close to the last contract end (2026-05-01).
    let months: Vec<String> = p.months.iter().map(|m| m.month.to_string()).collect();
    assert_eq!(
        months,
        [
            "2026-01-01",
            "2026-02-01",
            "2026-03-01",
            "2026-04-01",
            "2026-05-01"
        ]
    );
    let col = |f: fn(&boxflow_scenario::portfolio::MonthRow) -> Money| -> Vec<Money> {
        p.months.iter().map(f).collect()
    };
    // Collections move on end_k: C's January on Feb 1; D's February on Mar 1.
    // Mar: 6,720 (C) + 6,720 (D); Apr: 7,440 + 7,440; May: 7,200 (D).
    assert_eq!(
        col(|m| m.collections),
        [m("0"), m("7440"), m("13440"), m("14880"), m("7200")]
    );
    assert_eq!(
        col(|m| m.capex),
        [m("10000"), m("10000"), m("0"), m("0"), m("0")]
    );
    assert_eq!(
        col(|m| m.draws),
        [m("6000"), m("6000"), m("0"), m("0"), m("0")]
    );
    // Equity at close: C 10,000 + 60 + 2,062 - 6,000 = 6,122.00; D's DSRA covers
    // 6,000 · 0.06 · 28/360 = 28.00 of interest: 10,000 + 60 + 2,028 - 6,000 = 6,088.00.
    assert_eq!(col(|m| m.equity_in)[..2], [m("6122.00"), m("6088.00")]);
    // Interest: C 62.00, 37.33, 20.67; D 28.00, 4,000 · 0.06 · 31/360 = 20.67,
    // 2,000 · 0.06 · 30/360 = 10.00.
    assert_eq!(
        col(|m| m.interest),
        [m("0"), m("62.00"), m("65.33"), m("41.34"), m("10.00")]
    );
    assert_eq!(
        col(|m| m.principal),
        [m("0"), m("2000"), m("4000"), m("4000"), m("2000")]
    );
    // Debt at each month's end: C 6,000, 4,000, 2,000, 0; D from February.
    assert_eq!(
        col(|m| m.debt_outstanding),
        [m("6000"), m("10000"), m("6000"), m("2000"), m("0")]
    );
    // Cost: Feb (4,000 · 12% + 6,000 · 6%) / 10,000 = 8.4%; Mar (2,000 · 12% +
    // 4,000 · 6%) / 6,000 = 8%; Apr 6%; May: no debt.
    let cost: Vec<Option<Decimal>> = p.months.iter().map(|m| m.cost_of_debt).collect();
    assert_eq!(
        cost,
        [
            Some(d("0.12")),
            Some(d("0.084")),
            Some(d("0.08")),
            Some(d("0.06")),
            None
        ]
    );
    assert_eq!(
        p.months[2].cost_by_vintage,
        [Some(d("0.12")), Some(d("0.06"))]
    );
    let boxes: Vec<usize> = p.months.iter().map(|m| m.boxes).collect();
    assert_eq!(boxes, [1, 2, 2, 1, 0]);

    // Vintages: one box each; over its life each costs its own rate.
    assert_eq!(p.vintages.len(), 2);
    assert_eq!(p.vintages[0].close, date("2026-01-01"));
    assert_eq!(p.vintages[0].rate_at_close, Some(d("0.12")));
    assert_eq!(p.vintages[0].cost_of_debt, Some(d("0.12")));
    assert_eq!(p.vintages[1].cost_of_debt, Some(d("0.06")));
    assert_eq!(p.vintages[1].margin_at_close, None);
    assert_eq!(p.vintages[1].commitments, m("6000"));

    // Customers: C 7,440 + 6,720 + 7,440 = 21,600.00; D 6,720 + 7,440 + 7,200 =
    // 21,360.00, of 42,960.00.
    assert_eq!(p.customers[0].customer, "C");
    assert_eq!(p.customers[0].contract_value, m("21600.00"));
    assert_eq!(p.customers[1].contract_value, m("21360.00"));
    let (a, b, t) = (d("21600"), d("21360"), d("42960"));
    assert_eq!(p.customers[0].share, Some(a / t));
    assert_eq!(p.customers[0].debt_share, Some(d("0.5")));
    assert_eq!(p.customer_hhi, Some((a / t) * (a / t) + (b / t) * (b / t)));
    assert_eq!(p.boxes[0].gearing, Some(d("0.6")));
}

#[test]
fn one_currency_and_at_least_one_box() {
    let mut euro = later();
    euro.currency = "EUR".into();
    let e = consolidate(&entries(vec![tiny(), euro])).unwrap_err();
    assert!(e.to_string().contains("mixes currencies"), "{e}");
    assert!(consolidate(&[]).is_err());
}

/// The boxes of fixtures/portfolio, each with its path.
fn bundled_portfolio() -> Vec<(String, ValidDeal)> {
    let dir = format!("{}/../../fixtures/portfolio", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.display().to_string(),
                boxflow_deal::read_file(&path).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_bundled_portfolio_spans_four_vintages_with_falling_margins() {
    let deals = bundled_portfolio();
    let boxes: Vec<Entry> = run_boxes(deals).into_iter().map(|b| b.unwrap()).collect();
    assert!(boxes.len() >= 5);
    for b in &boxes {
        assert!(b.run.verify().is_empty(), "{}", b.source);
        assert!(b.run.summary.halfway_covenant, "{}", b.source);
    }
    let p = consolidate(&boxes).unwrap();
    let years: std::collections::BTreeSet<i32> = p
        .vintages
        .iter()
        .map(|v| chrono::Datelike::year(&v.close))
        .collect();
    assert_eq!(
        years.into_iter().collect::<Vec<_>>(),
        [2023, 2024, 2025, 2026]
    );
    // Margins as in the domain notes: 9.62% (2023), 6.50% and 6.00% (2024), 4.00%
    // (2025), 2.25% (2026); the 2026 fixed tranche has none.
    let margins: Vec<Decimal> = p
        .vintages
        .iter()
        .filter_map(|v| v.margin_at_close)
        .collect();
    assert_eq!(
        margins,
        [d("0.0962"), d("0.065"), d("0.06"), d("0.04"), d("0.0225")]
    );
    assert!(p.customers.len() >= 4);
    // The consolidated months add up to the boxes' own totals.
    let collections: Money = p.months.iter().map(|m| m.collections).sum();
    let own: Money = boxes.iter().map(|b| b.run.summary.total_collections).sum();
    assert_eq!(collections, own);
    let first = p.months.first().unwrap().month;
    let last = p.months.last().unwrap().month;
    assert_eq!(first, date("2023-08-01"));
    assert!(last > date("2031-01-01"));
    assert_eq!(
        p.months.last().unwrap().debt_outstanding,
        Money::ZERO,
        "all debt is repaid or written off by the last contract end"
    );
}

/// `run_boxes` runs each box with `Detail::Outcome`: the consolidated portfolio (every
/// table and figure) is the one of the same boxes run with every figure computed, and
/// each box's periods, events and ledger are the full run's.
#[test]
fn the_portfolio_of_outcome_runs_is_the_portfolio_of_full_runs() {
    let mut deals = bundled_portfolio();
    deals.push(("tiny.toml".into(), valid(tiny())));
    deals.push(("later.toml".into(), valid(later())));
    let outcome: Vec<Entry> = run_boxes(deals.clone())
        .into_iter()
        .map(|b| b.unwrap())
        .collect();
    let full: Vec<Entry> = deals
        .into_iter()
        .map(|(source, deal)| {
            let run = boxflow_waterfall::run(&deal).unwrap();
            Entry { source, deal, run }
        })
        .collect();
    for (o, f) in outcome.iter().zip(&full) {
        assert_eq!(o.run.summary.detail, boxflow_waterfall::Detail::Outcome);
        assert_eq!(o.run.periods, f.run.periods, "{}", o.source);
        assert_eq!(o.run.events, f.run.events, "{}", o.source);
        assert_eq!(o.run.ledger, f.run.ledger, "{}", o.source);
        assert_eq!(o.run.terminal, f.run.terminal, "{}", o.source);
        assert_eq!(o.run.plan, f.run.plan, "{}", o.source);
    }
    assert_eq!(consolidate(&outcome).unwrap(), consolidate(&full).unwrap());
}
