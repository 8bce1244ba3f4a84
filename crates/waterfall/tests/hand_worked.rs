//! A three-period deal small enough to work out every figure by hand.
//!
//! Close 2026-01-01, monthly, 3 months: periods of 31, 28 and 31 days.
//! - 10 GPUs at 1.00 per GPU-hour: invoices 10·24·31 = 7,440.00; 10·24·28 = 6,720.00; 7,440.00.
//! - One purchase order: 1 unit at 10,000.00 paid at close, 12-month life, residual 0.5.
//! - One expense of 1,000.00 a month; no data center, no fee, no prepayment.
//! - A fixed 6,000.00 loan at 12% fixed, ACT/360, straight line, repaid by month 3,
//!   upfront fee 1%; a 1-month DSRA funded at close; lock-up below 1.5x, default below 1.2x.

mod common;

use boxflow_core::Money;
use boxflow_waterfall::{run, Event, Step};
use common::*;

#[test]
fn every_figure_by_hand() {
    let r = run(&valid(tiny("1000"))).unwrap();
    assert!(r.verify().is_empty());

    // Schedule: straight line round2(6,000 / 3) = 2,000.00 a month.
    // Interest: 6,000 · 0.12 · 31/360 = 62.00; 4,000 · 0.12 · 28/360 = 37.333 → 37.33;
    //           2,000 · 0.12 · 31/360 = 20.666 → 20.67.
    let rows = &r.plan.facilities[0].schedule.rows;
    let interest: Vec<Money> = rows.iter().map(|r| r.interest).collect();
    assert_eq!(interest, [m("62.00"), m("37.33"), m("20.67")]);
    assert!(rows.iter().all(|r| r.principal == m("2000.00")));

    // Closing: DSRA target = interest_1 + min(p_1, C) = 62.00 + 2,000.00 = 2,062.00;
    // uses = 10,000.00 + 60.00 + 2,062.00 = 12,122.00; sources = 6,000.00 + equity 6,122.00.
    let c = &r.closing;
    assert_eq!(c.dsra, m("2062.00"));
    assert_eq!(c.upfront_fees[0].1, m("60.00"));
    assert_eq!(c.equity, m("6122.00"));
    assert_eq!(c.sources(), m("12122.00"));

    // Period 1: 7,440 - 1,000 = 6,440 CFADS; - 62 - 2,000 = 4,378; the DSRA target is
    // now 37.33 + min(2,000, 4,000) = 2,037.33, releasing 24.67: distribution 4,402.67.
    let p = &r.periods;
    assert_eq!(p[0].operations.invoice, m("7440.00"));
    assert_eq!(p[0].operations.cfads, m("6440.00"));
    assert_eq!(p[0].dsra.target, m("2037.33"));
    assert_eq!(p[0].dsra.release, m("24.67"));
    assert_eq!(p[0].distribution, m("4402.67"));
    // DSCR = 6,440 / 2,062 = 3.1231813773...
    assert_eq!(
        boxflow_core::round10(p[0].dscr.unwrap().value()).to_string(),
        "3.1231813773"
    );
    // LTV = 4,000 / round2(10,000 · 11/12 = 9,166.67) = 0.43636347768...
    assert_eq!(p[0].book_value, m("9166.67"));
    assert_eq!(
        boxflow_core::round10(p[0].ltv.unwrap().value()).to_string(),
        "0.4363634777"
    );

    // Period 2: 6,720 - 1,000 - 37.33 - 2,000 = 3,682.67; target 20.67 + 2,000 = 2,020.67,
    // release 2,037.33 - 2,020.67 = 16.66: distribution 3,699.33.
    assert_eq!(p[1].dsra.release, m("16.66"));
    assert_eq!(p[1].distribution, m("3699.33"));
    // Period 3: 7,440 - 1,000 - 20.67 - 2,000 = 4,419.33; repaid, target 0, release 2,020.67.
    assert_eq!(p[2].dsra.target, m("0.00"));
    assert_eq!(p[2].dsra.release, m("2020.67"));
    assert_eq!(p[2].distribution, m("6440.00"));
    assert_eq!(p[2].facilities[0].closing, m("0.00"));

    // Terminal: 10,000 · 0.5 = 5,000.00, all the sponsor's.
    assert_eq!(r.terminal.terminal_value, m("5000.00"));
    assert_eq!(r.terminal.sponsor, m("5000.00"));

    let s = &r.summary;
    // Halfway period floor(3 · 0.5) = 1 still owes 4,000.00: the covenant fails.
    assert_eq!(s.halfway_period, 1);
    assert_eq!(s.senior_balance_at_halfway, m("4000.00"));
    assert!(!s.halfway_covenant);
    assert_eq!(s.senior_repaid_period, Some(3));
    assert_eq!(s.total_interest, m("120.00"));
    assert_eq!(s.total_principal, m("6000.00"));
    assert_eq!(s.total_distributions, m("14542.00"));
    assert_eq!(s.total_equity, m("6122.00"));
    // Sponsor: -6,122.00; -1,719.33 after period 1; +1,980.00 after period 2.
    assert_eq!(s.payback_period, Some(2));
    // Min DSCR in period 2: 5,720 / 2,037.33 = 2.80759621661...
    assert_eq!(s.min_dscr_period, Some(2));
    assert_eq!(
        boxflow_core::round10(s.min_dscr.unwrap()).to_string(),
        "2.8075962166"
    );
    // WAL: 2,000 each after 31, 59 and 90 days: (31 + 59 + 90) / 3 / 365 = 60/365.
    assert_eq!(
        boxflow_core::round10(s.wal_years.unwrap()).to_string(),
        "0.1643835616"
    );
    assert!(r.events.is_empty());
}

#[test]
fn distressed_by_hand() {
    // Expenses of 6,000.00 a month leave CFADS of 1,440.00, 720.00 and 1,440.00.
    let r = run(&valid(tiny("6000"))).unwrap();
    assert!(r.verify().is_empty());
    let p = &r.periods;
    // Period 1: 1,440 - 62 = 1,378 toward 2,000 of principal; the DSRA pays 622.00.
    assert_eq!(p[0].dsra.draw, m("622.00"));
    assert_eq!(p[0].facilities[0].principal_paid, m("2000.00"));
    assert_eq!(p[0].dsra.closing, m("1440.00"));
    // Period 2: 720 - 37.33 = 682.67 in cash, 1,317.33 from the DSRA, leaving 122.67.
    assert_eq!(p[1].dsra.draw, m("1317.33"));
    assert_eq!(p[1].dsra.closing, m("122.67"));
    // Period 3: 1,440 - 20.67 = 1,419.33 in cash + 122.67 from the DSRA = 1,542.00 of 2,000.
    assert_eq!(p[2].facilities[0].principal_paid, m("1542.00"));
    assert_eq!(p[2].facilities[0].principal_arrears, m("458.00"));
    assert!(p.iter().all(|p| p.distribution.is_zero()));
    let names: Vec<(usize, &str)> = r.events.iter().map(|e| (e.period(), e.name())).collect();
    assert_eq!(
        names,
        [
            (1, "lockup"),
            (1, "dscr_default"),
            (2, "lockup"),
            (2, "dscr_default"),
            (3, "payment_default"),
            (3, "lockup"),
            (3, "dscr_default"),
        ]
    );
    assert!(r.events.iter().any(|e| matches!(e,
        Event::PaymentDefault { step: Step::SeniorPrincipal, due, paid, shortfall, .. }
            if *due == m("2000.00") && *paid == m("1542.00") && *shortfall == m("458.00"))));
    // The end of the run: the 5,000.00 terminal value repays the 458.00; the sponsor gets 4,542.00.
    assert_eq!(r.terminal.facilities[0].principal_paid, m("458.00"));
    assert_eq!(r.terminal.sponsor, m("4542.00"));
    assert_eq!(r.summary.lender_loss, m("0.00"));
}

/// Section 0 for the operating lines: each is one product divided last and rounded
/// once, half away from zero. Every figure below is an exact half cent.
///
/// Escalation (the slip fixed here): `esc_k = (1+e)^y` was one decimal of 28
/// significant digits, so a product with it could round before the division. A 25%
/// escalator in its 16th year (y = 15, period 2041-01-01 to 2041-02-01, 31 days of 31)
/// on 5,368,709.12 a month = 4^15 · 0.005: 5,368,709.12 · 1.25^15 = 4^15 · 0.005 ·
/// 5^15 / 4^15 = 0.005 · 30,517,578,125 = 152,587,890.625 → 152,587,890.63. The exact
/// 1.25^15 = 28.421709430404007434844970703125 has 32 digits; kept to 28
/// (28.42170943040400743484497070) it made the product 152,587,890.62499… → .62.
/// The same for colocation with 1 kW at 5,368,709.12 per kW-month.
#[test]
fn operating_lines_round_exact_half_cents_away_from_zero() {
    use boxflow_core::{Calendar, Frequency, Quantity, Rate, Share};
    use boxflow_model::{Datacenter, Expense, ExpenseBasis, Fee};
    use boxflow_waterfall::{colocation, expense, fee, power, prepayment_credit};
    let anchor = date("2026-01-01");
    let calendar = Calendar::new(date("2041-01-01"), Frequency::Monthly, 1).unwrap();
    let period = &calendar.periods()[0];
    assert_eq!(period.days, 31);
    let q = |s: &str| Quantity::new(d(s));

    let escalated = Expense {
        name: None,
        basis: ExpenseBasis::PerMonth(q("5368709.12")),
        escalator: Rate::new(d("0.25")),
        start: anchor,
        end: None,
    };
    assert_eq!(
        expense(&escalated, 1, period, Money::ZERO).unwrap(),
        m("152587890.63")
    );
    let dc = Datacenter {
        site: None,
        critical_kw: q("1"),
        rate_per_kw_month: q("5368709.12"),
        escalator: Rate::new(d("0.25")),
        start: anchor,
        term_months: None,
        power_price_per_mwh: q("1.15"),
        pue: q("1"),
        load_factor: q("1.25"),
    };
    assert_eq!(colocation(&dc, 1, period).unwrap(), m("152587890.63"));
    // Power, 30 active days (started 2041-01-02): 1 kW · 1.25 load · 1 PUE · 24 · 30 ·
    // 1.15 per MWh / 1000 = 1.035 → 1.04.
    let late = Datacenter {
        start: date("2041-01-02"),
        ..dc.clone()
    };
    assert_eq!(power(&late, period).unwrap(), m("1.04"));
    // Share of revenue: 100.01 · 0.5 · 31 / 31 = 50.005 → 50.01.
    let share = Expense {
        basis: ExpenseBasis::ShareOfRevenue(Share::new(d("0.5"))),
        ..escalated.clone()
    };
    assert_eq!(expense(&share, 1, period, m("100.01")).unwrap(), m("50.01"));
    // Fee: 1,200.06 · 1 · 31 / (12 · 31) = 100.005 → 100.01.
    let f = Fee {
        name: None,
        per_year: q("1200.06"),
        start: anchor,
        end: None,
    };
    assert_eq!(fee(&f, 1, period).unwrap(), m("100.01"));
    // Prepayment credit: 100.01 · 0.5 = 50.005 → 50.01.
    assert_eq!(
        prepayment_credit(m("100.01"), d("0.5"), m("1000")).unwrap(),
        m("50.01")
    );
}
