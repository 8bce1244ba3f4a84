//! The reference deal against the figures of an independent implementation of the
//! methodology (the shared worked example), to the cent.

mod common;

use boxflow_waterfall::{run, Event};
use common::*;

#[test]
fn sizing_and_closing() {
    let r = run(&valid(reference_deal())).unwrap();
    assert_eq!(r.plan.total_capex, m("952320000.00"));
    let s = &r.plan.facilities[0];
    assert_eq!(s.commitment, m("518926087.20"));
    assert_eq!(s.binding.map(|b| b.as_str()), Some("dscr"));
    let c = &r.closing;
    assert_eq!(c.draws[0].1, m("397843333.52"));
    assert_eq!(c.prepayment, m("150000000.00"));
    assert_eq!(c.equity, m("276604738.15"));
    assert_eq!(c.sources(), m("824448071.67"));
    assert_eq!(c.capex, m("730112000.00"));
    assert_eq!(c.upfront_fees[0].1, m("7783891.31"));
    assert_eq!(c.dsra, m("86552180.36"));
    assert_eq!(c.uses(), m("824448071.67"));
}

#[test]
fn close_schedule_period_one() {
    let r = run(&valid(reference_deal())).unwrap();
    let row = r.plan.facilities[0].schedule.row(1).unwrap();
    assert_eq!(row.opening, m("397843333.52"));
    assert_eq!(row.interest, m("2620792.96"));
    assert_eq!(row.commitment_fee, m("52132.85"));
    // floor2(13,108,541.96 / 1.30) = 10,083,493.81 of debt service
    assert_eq!(row.cap, Some(m("10083493.81")));
    assert_eq!(row.principal, m("7410568.00"));
    assert_eq!(row.closing, m("390432765.52"));
    // The sized commitment is feasible and one cent more is not.
    let terms = &r.plan.facilities[0].terms;
    assert!(terms.feasible(m("518926087.20")).unwrap());
    assert!(!terms.feasible(m("518926087.21")).unwrap());
}

#[test]
fn period_one() {
    let r = run(&valid(reference_deal())).unwrap();
    let p = &r.periods[0];
    assert_eq!(
        (p.start, p.end, p.days),
        (date("2026-01-01"), date("2026-02-01"), 31)
    );
    // 16,384 GPUs x 2.20 x 24 x 31 = 26,817,331.20; Phase 2 not online yet.
    assert_eq!(p.operations.invoice, m("26817331.20"));
    assert_eq!(p.operations.prepayment_credit, m("5363466.24"));
    assert_eq!(p.operations.collections, m("21453864.96"));
    // 35,000 kW x 140 = 4,900,000.00; 35,000 x 0.85 x 1.30 x 24 x 31 x 65 / 1000 = 1,870,323.00
    assert_eq!(p.operations.colocation, m("4900000.00"));
    assert_eq!(p.operations.power, m("1870323.00"));
    assert_eq!(p.operations.expenses, m("1550000.00"));
    assert_eq!(p.operations.opex, m("8320323.00"));
    assert_eq!(p.operations.fees, m("25000.00"));
    assert_eq!(p.operations.cfads, m("13108541.96"));
    let s = &p.facilities[0];
    assert_eq!(s.opening, m("397843333.52"));
    assert_eq!(s.rate, d("0.0765"));
    assert_eq!(s.interest_due, m("2620792.96"));
    assert_eq!(s.commitment_fee_due, m("52132.85"));
    // floor2(13,108,541.96 / 1.30) - interest - fee = 10,083,493.81 - 2,672,925.81
    assert_eq!(s.principal_paid, m("7410568.00"));
    assert_eq!(s.closing, m("390432765.52"));
    assert_eq!(
        boxflow_core::round10(p.dscr.unwrap().value()).to_string(),
        "1.3000000007"
    );
    assert_eq!(p.dsra.opening, m("86552180.36"));
    assert_eq!(p.dsra.target, m("94803666.88"));
    assert_eq!(p.dsra.deposit, m("3025048.15"));
    assert_eq!(p.dsra.closing, m("89577228.51"));
    assert_eq!(p.distribution, m("0.00"));
    assert!(matches!(
        p.events.as_slice(),
        [Event::Lockup {
            dsra_below_target: true,
            ..
        }]
    ));
}

#[test]
fn halfway_period() {
    let r = run(&valid(reference_deal())).unwrap();
    let p = &r.periods[29];
    let s = &p.facilities[0];
    assert_eq!(s.opening, m("23145279.55"));
    assert_eq!(s.principal_paid, m("23145279.55"));
    assert_eq!(s.closing, m("0.00"));
    assert_eq!(
        boxflow_core::round10(p.dscr.unwrap().value()).to_string(),
        "1.3000000000"
    );
    assert_eq!(p.dsra.target, m("0.00"));
    assert_eq!(p.dsra.release, m("23286080.00"));
    assert_eq!(p.distribution, m("30271904.00"));
    let p31 = &r.periods[30];
    assert_eq!(p31.dscr, None);
    assert_eq!(p31.distribution, m("31509183.80"));
}

#[test]
fn summary() {
    let r = run(&valid(reference_deal())).unwrap();
    let s = &r.summary;
    let r10 = |x: Option<rust_decimal::Decimal>| boxflow_core::round10(x.unwrap()).to_string();
    assert_eq!(r10(s.min_dscr), "1.3000000000");
    assert_eq!(s.min_dscr_period, Some(22));
    assert_eq!(r10(s.avg_dscr), "1.3000000004");
    assert_eq!(r10(s.llcr), "1.2960376630");
    assert_eq!(s.halfway_period, 30);
    assert_eq!(s.senior_repaid_period, Some(30));
    assert!(s.halfway_covenant);
    assert_eq!(r10(s.equity_irr), "0.4738326617");
    assert_eq!(r10(s.project_irr), "0.3907908432");
    assert_eq!(r10(s.senior_lender_irr), "0.0913816635");
    assert_eq!(s.npv, Some(m("539721657.53")));
    assert_eq!(r10(s.wal_years), "1.4652179736");
    assert_eq!(s.payback_period, Some(34));
    assert_eq!(s.terminal_value, m("190464000.00"));
    assert_eq!(s.lender_loss, m("0.00"));
    assert_eq!(s.total_invoice, m("2337433190.40"));
    assert_eq!(s.total_collections, m("2187433190.40"));
    assert_eq!(s.total_opex, m("519796799.28"));
    assert_eq!(s.total_fees, m("1500000.00"));
    assert_eq!(s.total_interest, m("56240416.64"));
    assert_eq!(s.total_principal, m("518926087.20"));
    assert_eq!(s.total_distributions, m("1177522067.64"));
    assert_eq!(s.total_equity, m("377729984.47"));
}

#[test]
fn events_are_ten_lockups() {
    let r = run(&valid(reference_deal())).unwrap();
    let periods: Vec<usize> = r.events.iter().map(|e| e.period()).collect();
    assert!(r.events.iter().all(|e| e.name() == "lockup"));
    assert_eq!(periods, [1, 2, 3, 4, 5, 16, 17, 18, 19, 20]);
    // Each period holds its own: one lockup in those ten, none in the others.
    for p in &r.periods {
        let expected = usize::from(periods.contains(&p.period));
        assert_eq!(p.events.len(), expected, "period {}", p.period);
        assert!(p.events.iter().all(|e| e.period() == p.period));
    }
}

#[test]
fn invariants_hold() {
    let r = run(&valid(reference_deal())).unwrap();
    assert_eq!(r.verify(), vec![]);
}
