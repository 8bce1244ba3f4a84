//! The portfolio's monthly sources and uses reconcile: in every month the sources equal
//! the uses to the cent, and each column adds up, independently of the ledger, to what
//! the boxes' own runs say: collections from the period rows, the prepayment from the
//! closing, capex and draws from the plan, the terminal value from the end of the run.
//! Checked over the bundled portfolio and over boxes generated from it at other prices
//! (lower ones trap cash in lock-ups and draw on the DSRA).

use boxflow_core::{Money, Quantity};
use boxflow_model::ValidDeal;
use boxflow_scenario::portfolio::{consolidate, distinct, run_boxes, Entry, Portfolio};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

fn bundled() -> Vec<(String, ValidDeal)> {
    let dir = format!("{}/../../fixtures/portfolio", env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| (p.display().to_string(), boxflow_deal::read_file(p).unwrap()))
        .collect()
}

/// The bundled boxes at prices from 40% to 125% of their own, each under its own name.
fn generated() -> Vec<(String, ValidDeal)> {
    let base = bundled();
    (0..30)
        .filter_map(|i| {
            let (_, deal) = &base[i % base.len()];
            let mut deal = deal.clone().into_deal();
            let factor = Decimal::new(40 + 3 * i as i64, 2);
            for line in &mut deal.contract.capacity {
                line.price_per_gpu_hour = Quantity::new(line.price_per_gpu_hour.value() * factor);
            }
            deal.name = format!("Box {i}");
            deal.validate().ok().map(|d| (format!("box-{i}.toml"), d))
        })
        .collect()
}

fn run_all(deals: Vec<(String, ValidDeal)>) -> Vec<Entry> {
    run_boxes(deals)
        .into_iter()
        .filter_map(Result::ok)
        .collect()
}

fn month_of(d: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap()
}

/// Each month's prepayments, collections, capex, draws and terminal value, added up
/// from the runs' closing, period rows, plan and end of run (not from the ledger).
fn by_hand(entries: &[Entry]) -> std::collections::BTreeMap<NaiveDate, [Money; 5]> {
    let mut out = std::collections::BTreeMap::new();
    let mut add = |d: NaiveDate, i: usize, m: Money| {
        let row: &mut [Money; 5] = out.entry(month_of(d)).or_insert([Money::ZERO; 5]);
        row[i] += m;
    };
    for e in entries {
        let close = e.deal.close;
        add(close, 0, e.run.closing.prepayment);
        for p in &e.run.periods {
            add(p.end, 1, p.operations.collections);
        }
        for (j, line) in e.run.plan.capex.iter().enumerate() {
            add(line.effective_date(close), 2, line.amount);
            let draws: Money = e.run.plan.facilities.iter().map(|f| f.draws[j]).sum();
            add(line.effective_date(close), 3, draws);
        }
        add(e.run.plan.calendar.end(), 4, e.run.terminal.terminal_value);
    }
    out
}

fn check(entries: &[Entry]) -> Portfolio {
    let p = consolidate(entries).unwrap();
    let hand = by_hand(entries);
    let mut moved = Money::ZERO;
    for m in &p.months {
        let c = &m.cash;
        assert_eq!(
            c.sources(),
            c.uses(),
            "{}: sources and uses differ",
            m.month
        );
        let expected = hand.get(&m.month).copied().unwrap_or([Money::ZERO; 5]);
        assert_eq!(
            [
                c.prepayments,
                c.collections,
                c.capex,
                c.draws,
                c.terminal_value
            ],
            expected,
            "{}",
            m.month
        );
        moved += c.sources();
    }
    // Every month of the hand sums is a month of the portfolio.
    for month in hand.keys() {
        assert!(p.months.iter().any(|m| m.month == *month), "{month}");
    }
    // Over the whole life, the uses are every transfer out of the boxes' cash, plus
    // what the DSRA paid lenders directly (a release and a payment).
    let mut out_of_box = Money::ZERO;
    for e in entries {
        for t in e.run.ledger.transfers() {
            use boxflow_waterfall::Account;
            let through = !matches!(t.to, Account::Box) && !matches!(t.from, Account::Box);
            if matches!(t.from, Account::Box) && !matches!(t.to, Account::Box) || through {
                out_of_box += t.amount;
            }
        }
    }
    assert_eq!(moved, out_of_box);
    p
}

#[test]
fn the_bundled_portfolio_reconciles_every_month() {
    let entries = run_all(bundled());
    assert_eq!(entries.len(), 6);
    let p = check(&entries);
    // The prepayments and equity of the closes show in their months.
    assert!(p.months.iter().any(|m| m.cash.equity.is_positive()));
    assert!(p
        .months
        .iter()
        .any(|m| m.cash.reserve_deposits.is_positive()));
}

#[test]
fn generated_boxes_reconcile_every_month() {
    let entries = run_all(generated());
    assert!(entries.len() >= 20, "{}", entries.len());
    let p = check(&entries);
    // the low prices release reserves
    assert!(
        p.months
            .iter()
            .any(|m| m.cash.reserve_releases.is_positive()),
        "no reserve release in {} boxes",
        entries.len()
    );
}

#[test]
fn one_box_given_twice_is_counted_once_and_two_boxes_of_one_name_twice() {
    let mut deals = bundled();
    let (source, copy) = deals[0].clone();
    deals.push((format!("{source}.copy"), copy.clone()));
    let mut renamed = deals[1].1.clone().into_deal();
    renamed.name = copy.name.clone();
    deals.push(("same-name.toml".to_string(), renamed.validate().unwrap()));
    let (kept, warnings) = distinct(deals);
    // 6 bundled + the renamed one; the copy is dropped
    assert_eq!(kept.len(), 7);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].ends_with("counted once"), "{}", warnings[0]);
    assert!(warnings[1].contains("both counted"), "{}", warnings[1]);
    let p = check(&run_all(kept));
    assert_eq!(p.boxes.len(), 7);
}
