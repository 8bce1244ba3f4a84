//! The analyst views (years, MOIC and cash-on-cash, total funding, covenant headroom)
//! added up independently: hand-worked figures of the reference deal, and invariants
//! over generated deals (each view against the run's totals, its ledger or its events).

mod common;

use std::path::Path;

use boxflow_core::{Decimal, Money};
use boxflow_model::ValidDeal;
use boxflow_waterfall::{
    funding, headroom, moic, run, run_headroom, year_of, years, Account, Event, Levels, Run, Step,
    YearBasis,
};
use common::generate::{arb_deal, Debt};
use common::{d, date, m, valid};
use proptest::prelude::*;

fn reference() -> (ValidDeal, Run) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/reference.toml");
    let deal = boxflow_deal::read_file(&path).expect("the reference deal reads");
    let r = run(&deal).expect("the reference deal runs");
    (deal, r)
}

#[test]
fn contract_years_end_on_anniversaries() {
    let close = date("2026-01-01");
    // A period ending on the anniversary closes its year; the day after opens the next.
    assert_eq!(year_of(YearBasis::Contract, close, date("2026-02-01")), 1);
    assert_eq!(year_of(YearBasis::Contract, close, date("2027-01-01")), 1);
    assert_eq!(year_of(YearBasis::Contract, close, date("2027-01-02")), 2);
    assert_eq!(year_of(YearBasis::Contract, close, date("2031-01-01")), 5);
    assert_eq!(
        year_of(YearBasis::Calendar, close, date("2027-01-01")),
        2027
    );
    // A close on 29 February: the anniversary in a common year is 28 February.
    let leap = date("2024-02-29");
    assert_eq!(year_of(YearBasis::Contract, leap, date("2025-02-28")), 1);
    assert_eq!(year_of(YearBasis::Contract, leap, date("2025-03-01")), 2);
    assert_eq!(year_of(YearBasis::Contract, leap, date("2028-02-29")), 4);
}

#[test]
fn reference_years_by_hand() {
    let (_, r) = reference();
    // Monthly from 2026-01-01: periods 1-12 end 2026-02-01 .. 2027-01-01 (year 1).
    let ys = years(&r, YearBasis::Contract);
    let spans: Vec<(i32, usize, usize)> = ys
        .iter()
        .map(|y| (y.year, y.first_period, y.last_period))
        .collect();
    assert_eq!(
        spans,
        [
            (1, 1, 12),
            (2, 13, 24),
            (3, 25, 36),
            (4, 37, 48),
            (5, 49, 60)
        ]
    );
    // Calendar: 2026 holds the periods ending 2026-02-01 .. 2026-12-01 (1-11); 2031
    // holds period 60 alone (ending 2031-01-01).
    let cal = years(&r, YearBasis::Calendar);
    assert_eq!(
        (cal[0].year, cal[0].first_period, cal[0].last_period),
        (2026, 1, 11)
    );
    let last = cal.last().unwrap();
    assert_eq!(
        (last.year, last.first_period, last.last_period),
        (2031, 60, 60)
    );
    // Year 3 of the reference: the senior is repaid in period 30 (balance 0 at its end).
    assert_eq!(ys[2].facilities[0].closing, Money::ZERO);
    // Year 1's distributions: periods 6-15 of the period table (1-5 locked up):
    // 4,012,194.44 + 5,641,263.34 + 7,897,626.20 + 4,663,506.10 + 6,393,384.29
    // + 4,663,506.10 + 6,393,384.29 = 39,664,864.76.
    assert_eq!(ys[0].distribution, m("39664864.76"));
    // Cash-on-cash year 1: 39,664,864.76 / 377,729,984.47 (closing equity
    // 276,604,738.15 + the period-3 contribution 101,125,246.32).
    assert_eq!(ys[0].equity_to_date, m("377729984.47"));
    assert_eq!(
        ys[0].cash_on_cash,
        Some(d("39664864.76") / d("377729984.47"))
    );
}

#[test]
fn reference_moic_and_funding_by_hand() {
    let (_, r) = reference();
    // MOIC: distributions 1,177,522,067.64 + the terminal value left to the sponsor
    // 190,464,000.00 (no closing excess) = 1,367,986,067.64, over 377,729,984.47.
    let x = moic(&r);
    assert_eq!(x.returned, m("1367986067.64"));
    assert_eq!(x.contributed, m("377729984.47"));
    assert_eq!(
        x.moic.unwrap().round_dp(4),
        d("3.6216") // 1,367,986,067.64 / 377,729,984.47 = 3.62159...
    );
    let f = funding(&r);
    // Capex: 2,048 servers · 310,000 + 1,024 · 310,000 = 952,320,000.00, paid at close
    // and on 2026-03-10; the DDTL draws its whole commitment over the two dates.
    assert_eq!(f.dates.len(), 2);
    assert_eq!(f.construction_end, date("2026-03-10"));
    assert_eq!(f.total.capex, m("952320000.00"));
    assert_eq!(f.total.draws[0].1, m("518926087.20"));
    // Upfront fee: round2(518,926,087.20 · 0.015) = round2(7,783,891.308) = 7,783,891.31.
    assert_eq!(f.total.upfront_fees[0].1, m("7783891.31"));
    assert_eq!(f.total.prepayment, m("150000000.00"));
    // Sources 518,926,087.20 + 150,000,000.00 + 377,729,984.47 = 1,046,656,071.67 =
    // uses 952,320,000.00 + 7,783,891.31 + 86,552,180.36.
    assert_eq!(f.total.sources(), m("1046656071.67"));
    assert_eq!(f.total.uses(), m("1046656071.67"));
}

#[test]
fn reference_headroom_by_hand() {
    let (deal, r) = reference();
    let h = run_headroom(&r, Levels::of(deal.covenants.as_ref()));
    // Period 1: CFADS 13,108,541.96; debt service interest 2,620,792.96 + commitment
    // fee 52,132.85 + principal 7,410,568.00 = 10,083,493.81.
    // To lock-up 1.20x: 13,108,541.96 - 12,100,192.572 = 1,008,349.388 -> 1,008,349.38.
    // To default 1.10x: 13,108,541.96 - 11,091,843.191 = 2,016,698.769 -> 2,016,698.76
    // (rounded down: round2 would give .77, a cent the covenant does not have).
    let p1 = &h.periods[0].senior;
    assert_eq!(p1.lockup.unwrap().amount, m("1008349.38"));
    assert_eq!(p1.default.unwrap().amount, m("2016698.76"));
    assert_eq!(
        p1.lockup.unwrap().percent,
        Some(d("1008349.388") / d("13108541.96"))
    );
    // The lowest amount: period 2, CFADS 11,213,360.48, debt service 2,323,074.95 +
    // 47,087.74 + 6,255,499.21 = 8,625,661.90; 11,213,360.48 - 10,350,794.28 = 862,566.20.
    let low = h.senior_minimum.lockup.unwrap();
    assert_eq!((low.amount, low.amount_period), (m("862566.20"), 2));
    // The percent is 1 - L / DSCR: lowest in the period of the lowest DSCR.
    assert_eq!(
        h.senior_minimum.lockup.unwrap().percent_period,
        r.summary.min_dscr_period
    );
    assert!(h.total_minimum.is_none());
    // A single case by hand: CFADS 100.00, debt service 99.99, level 1.1: 100.00 -
    // 109.989 = -9.989, floored to -9.99 (CFADS must rise by 9.99 at least).
    let below = headroom(m("100.00"), m("99.99"), d("1.1")).unwrap();
    assert_eq!(below.amount, m("-9.99"));
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// `floor((cfads - level · ds) / 1 cent)` in integer cents: level = mantissa / 10^scale.
fn floor_cents(cfads: Money, ds: Money, level: Decimal) -> i128 {
    let scale = 10i128.pow(level.scale());
    let num = cfads.cents() * scale - level.mantissa() * ds.cents();
    num.div_euclid(scale)
}

proptest! {
    #![proptest_config(config(256))]

    /// The years add up to the run's totals to the cent, in both bases: every flow
    /// summed over the years equals its total over the periods, the years cover the
    /// periods once each in order, balances are the last period's, and the lowest
    /// yearly DSCR is the run's.
    #[test]
    fn years_sum_to_the_run(deal in arb_deal(Debt::Any)) {
        let r = run(&valid(deal)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let s = &r.summary;
        for basis in [YearBasis::Contract, YearBasis::Calendar] {
            let ys = years(&r, basis);
            let total = |f: &dyn Fn(&boxflow_waterfall::Year) -> Money| ys.iter().map(f).sum::<Money>();
            prop_assert_eq!(total(&|y| y.invoice), s.total_invoice);
            prop_assert_eq!(total(&|y| y.collections), s.total_collections);
            prop_assert_eq!(total(&|y| y.opex), s.total_opex);
            prop_assert_eq!(total(&|y| y.fees), s.total_fees);
            prop_assert_eq!(total(&|y| y.interest_paid()), s.total_interest);
            prop_assert_eq!(total(&|y| y.principal()), s.total_principal);
            prop_assert_eq!(total(&|y| y.distribution), s.total_distributions);
            prop_assert_eq!(
                total(&|y| y.cfads),
                r.periods.iter().map(|p| p.operations.cfads).sum::<Money>()
            );
            prop_assert_eq!(
                r.closing.equity + total(&|y| y.equity_contribution),
                s.total_equity
            );
            prop_assert_eq!(ys.last().map(|y| y.equity_to_date), r.periods.last().map(|_| s.total_equity));
            prop_assert_eq!(ys.iter().map(|y| y.events).sum::<usize>(), r.events.len());
            let mut next = 1;
            for y in &ys {
                prop_assert_eq!(y.first_period, next);
                prop_assert!(y.last_period >= y.first_period);
                next = y.last_period + 1;
                let last = &r.periods[y.last_period - 1];
                prop_assert_eq!(y.dsra_closing, last.dsra.closing);
                for (yf, pf) in y.facilities.iter().zip(&last.facilities) {
                    prop_assert_eq!(yf.closing, pf.closing);
                }
            }
            prop_assert_eq!(next, r.periods.len() + 1);
            let lowest = ys.iter().filter_map(|y| y.min_dscr).min();
            prop_assert_eq!(lowest, s.min_dscr);
        }
    }

    /// MOIC's two sides are the sponsor's ledger flows: what it receives less what it
    /// pays is its net flow over the whole run.
    #[test]
    fn moic_reads_the_sponsor_ledger(deal in arb_deal(Debt::Any)) {
        let r = run(&valid(deal)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let x = moic(&r);
        let net = r.ledger.net(Account::Sponsor, |_| true);
        prop_assert_eq!(x.returned - x.contributed, net);
        if let Some(v) = x.moic {
            prop_assert!(x.contributed.is_positive());
            prop_assert_eq!(v, x.returned.amount() / x.contributed.amount());
        }
    }

    /// Total funding balances on every date and in total; its sides are the plan's
    /// capex, each facility's draws, the deal's prepayment and the run's equity.
    #[test]
    fn funding_reconciles(deal in arb_deal(Debt::Any)) {
        let r = run(&valid(deal)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let f = funding(&r);
        for day in &f.dates {
            prop_assert_eq!(day.amounts.sources(), day.amounts.uses(), "{:?}", day);
        }
        prop_assert_eq!(f.total.sources(), f.total.uses());
        prop_assert_eq!(f.total.capex, r.plan.total_capex);
        prop_assert_eq!(f.total.prepayment, r.closing.prepayment);
        prop_assert_eq!(f.total.equity, r.summary.total_equity);
        prop_assert_eq!(f.total.dsra, r.closing.dsra);
        // A lender's net flow over closing and capex: the upfront fee it receives less
        // what it lends.
        for (i, (_, drawn)) in f.total.draws.iter().enumerate() {
            let lender = Account::lender(i).expect("at most two facilities");
            let net = r
                .ledger
                .net(lender, |t| matches!(t.step, Step::Closing | Step::Capex));
            prop_assert_eq!(*drawn, f.total.upfront_fees[i].1 - net);
            let period_draws: Money = r.periods.iter().map(|p| p.facilities[i].draws).sum();
            prop_assert_eq!(*drawn, r.closing.draws[i].1 + period_draws);
        }
    }

    /// Headroom is `floor2(CFADS - L · debt service)` (checked in integer cents), and its
    /// sign is the covenant's verdict: negative exactly when the run reports the DSCR
    /// below the lock-up level (a lock-up for the DSCR) or a DSCR default.
    #[test]
    fn headroom_matches_the_covenant_events(deal in arb_deal(Debt::Any)) {
        let v = valid(deal);
        let r = run(&v).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let levels = Levels::of(v.covenants.as_ref());
        let h = run_headroom(&r, levels);
        for (p, ph) in r.periods.iter().zip(&h.periods) {
            let ds = p.senior().map_or(Money::ZERO, boxflow_waterfall::debt_service_due);
            if let (Some(l), Some(room)) = (levels.default, ph.senior.default) {
                prop_assert_eq!(room.amount.cents(), floor_cents(p.operations.cfads, ds, l.value()));
                let defaulted = p.events.iter().any(|e| matches!(e, Event::DscrDefault { .. }));
                prop_assert_eq!(room.amount.is_negative(), defaulted, "period {}", p.period);
            }
            if let (Some(l), Some(room)) = (levels.lockup, ph.senior.lockup) {
                prop_assert_eq!(room.amount.cents(), floor_cents(p.operations.cfads, ds, l.value()));
                let below = p.events.iter().any(|e| matches!(e, Event::Lockup { dscr_below: true, .. }));
                prop_assert_eq!(room.amount.is_negative(), below, "period {}", p.period);
            }
            if ds.is_zero() {
                prop_assert!(ph.senior.lockup.is_none() && ph.senior.default.is_none());
            }
        }
    }
}
