//! Scenarios on the three-period deal of the waterfall's hand-worked tests (see
//! `common::tiny`), every figure worked out by hand in the comments, and the
//! reference deal's period 1 (its figures are in the shared worked example).

mod common;

use boxflow_core::{round10, Money, Quantity, Rate, Share};
use boxflow_model::{CustomerDefault, ReLease, Scenario};
use boxflow_scenario::{parse_scenario, shocked_rate, Base, Outcome};
use boxflow_waterfall::{project_operations, run, Event, Step};
use common::*;

fn base(deal: boxflow_model::Deal) -> Base {
    Base::new(valid(deal)).unwrap()
}

fn default_at(period: u32, re_lease: Option<(u32, &str)>) -> Scenario {
    let mut s = Scenario::new(format!("default in {period}"));
    s.customer_default = Some(CustomerDefault {
        period,
        re_lease: re_lease.map(|(after, share)| ReLease {
            after_periods: after,
            price_share: Share::new(d(share)),
        }),
    });
    s
}

#[test]
fn a_neutral_scenario_is_the_base_case() {
    let deal = fixture("reference.toml");
    let b = base(deal.clone().into_deal());
    let stressed = b.run_scenario(&Scenario::new("as is")).unwrap();
    let plain = run(&deal).unwrap();
    assert_eq!(stressed.periods, plain.periods);
    assert_eq!(stressed.summary, plain.summary);
    assert_eq!(stressed.terminal, plain.terminal);
}

#[test]
fn a_customer_default_in_period_2_by_hand() {
    let b = base(tiny());
    let r = b.run_scenario(&default_at(2, None)).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    // The debt is the one sized at close: the same plan facilities.
    assert_eq!(r.plan.facilities, b.plan.facilities);
    assert!(!r.plan.refund_unused_prepayment);
    let p = &r.periods;

    // Period 1 is the base case: 7,440 - 1,000 = 6,440 CFADS, interest 62.00 and
    // principal 2,000.00 paid, the DSRA releases 24.67: distribution 4,402.67.
    assert_eq!(p[0].operations.collections, m("7440.00"));
    assert_eq!(p[0].distribution, m("4402.67"));

    // Period 2: no invoice, no collections; the 1,000.00 expense goes unpaid.
    // Interest 4,000 · 0.12 · 28/360 = 37.33 and principal 2,000.00 come from the
    // DSRA (2,037.33 after period 1), which ends empty.
    assert_eq!(p[1].operations.invoice, m("0"));
    assert_eq!(p[1].operations.collections, m("0"));
    assert_eq!(p[1].operations.opex, m("1000.00"));
    assert_eq!(p[1].operations.cfads, m("-1000.00"));
    assert_eq!(p[1].opex_arrears, m("1000.00"));
    assert_eq!(p[1].dsra.draw, m("2037.33"));
    assert_eq!(p[1].dsra.closing, m("0"));
    assert_eq!(p[1].facilities[0].closing, m("2000.00"));
    // DSCR = -1,000 / 2,037.33 = -0.490838499...: below 1.2, a dscr_default.
    assert_eq!(
        round10(p[1].dscr.unwrap().value()).to_string(),
        "-0.4908384994"
    );

    // Period 3: opex due 2,000.00 (with arrears), nothing to pay it with; interest
    // 2,000 · 0.12 · 31/360 = 20.67 and principal 2,000.00 unpaid: two payment defaults.
    assert_eq!(p[2].opex_arrears, m("2000.00"));
    assert_eq!(p[2].facilities[0].interest_arrears, m("20.67"));
    assert_eq!(p[2].facilities[0].principal_arrears, m("2000.00"));
    let names: Vec<(usize, &str)> = r.events.iter().map(|e| (e.period(), e.name())).collect();
    assert_eq!(
        names,
        [
            (2, "opex_shortfall"),
            (2, "lockup"),
            (2, "dscr_default"),
            (3, "opex_shortfall"),
            (3, "payment_default"),
            (3, "payment_default"),
            (3, "lockup"),
            (3, "dscr_default"),
        ]
    );
    assert!(r.events.iter().any(|e| matches!(e,
        Event::PaymentDefault { step: Step::SeniorInterest, shortfall, .. } if *shortfall == m("20.67"))));

    // The end of the run: the 5,000.00 terminal value pays opex arrears 2,000.00,
    // interest 20.67 and principal 2,000.00; the sponsor gets 979.33; no loss.
    let t = &r.terminal;
    assert_eq!(t.opex_arrears_paid, m("2000.00"));
    assert_eq!(t.facilities[0].interest_paid, m("20.67"));
    assert_eq!(t.facilities[0].principal_paid, m("2000.00"));
    assert_eq!(t.sponsor, m("979.33"));
    assert_eq!(t.lender_loss, m("0"));

    let o = Outcome::of("default", &r, true);
    assert!(!o.covenants);
    assert_eq!(o.payment_defaults, 2);
    assert_eq!(o.violations, Some(0));
    let first = o.first_event.unwrap();
    assert_eq!((first.event, first.period), ("opex_shortfall", 2));
}

#[test]
fn the_unused_prepayment_is_kept_not_refunded() {
    // A 3,000.00 prepayment credited at 10% of each invoice.
    let mut deal = tiny();
    deal.contract.prepayment = m("3000");
    deal.contract.prepayment_credit_share = Share::new(d("0.1"));
    let b = base(deal);

    // Base case: credits 744.00, 672.00, 744.00; 3,000 - 2,160 = 840.00 refunded.
    let plain = b.run().unwrap();
    assert_eq!(plain.terminal.refund_due, m("840.00"));
    assert_eq!(plain.terminal.refund_paid, m("840.00"));

    // Default in period 2: the credit stops with the collections; 3,000 - 744 =
    // 2,256.00 stays unused and the box keeps it.
    let r = b.run_scenario(&default_at(2, None)).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    let credits: Vec<Money> = r
        .periods
        .iter()
        .map(|p| p.operations.prepayment_credit)
        .collect();
    assert_eq!(credits, [m("744.00"), m("0"), m("0")]);
    assert_eq!(r.periods[0].operations.collections, m("6696.00"));
    assert_eq!(r.periods[2].prepayment_closing, m("2256.00"));
    assert_eq!(r.terminal.refund_due, m("0"));
    assert_eq!(r.terminal.refund_paid, m("0"));
}

#[test]
fn a_re_lease_bills_the_same_capacity_at_a_share_of_the_price() {
    let mut deal = tiny();
    deal.contract.prepayment = m("3000");
    deal.contract.prepayment_credit_share = Share::new(d("0.1"));
    let b = base(deal);
    // Default in period 2, re-let from period 2 + 1 = 3 at half the price:
    // 10 GPUs · 0.50 · 24 · 31 = 3,720.00, collected in full (no credit).
    let r = b.run_scenario(&default_at(2, Some((1, "0.5")))).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    let ops: Vec<(Money, Money, Money)> = r
        .periods
        .iter()
        .map(|p| {
            (
                p.operations.invoice,
                p.operations.prepayment_credit,
                p.operations.collections,
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            (m("7440.00"), m("744.00"), m("6696.00")),
            (m("0"), m("0"), m("0")),
            (m("3720.00"), m("0"), m("3720.00")),
        ]
    );
    // No gap: the re-lease bills from the default period on (6,720 / 2 = 3,360.00).
    let r = b.run_scenario(&default_at(2, Some((0, "0.5")))).unwrap();
    assert_eq!(r.periods[1].operations.invoice, m("3360.00"));
    assert_eq!(r.periods[1].operations.prepayment_credit, m("0"));
}

#[test]
fn price_delay_and_opex_shocks_by_hand() {
    let b = base(tiny());
    let invoices = |s: &str| -> Vec<Money> {
        let r = b.run_scenario(&parse_scenario(s).unwrap()).unwrap();
        assert!(r.verify().is_empty(), "{s}: {:?}", r.verify());
        r.periods.iter().map(|p| p.operations.invoice).collect()
    };
    // 10 · 0.75 · 24 · (31, 28, 31) days.
    assert_eq!(
        invoices("haircut=0.25"),
        [m("5580.00"), m("5040.00"), m("5580.00")]
    );
    // 2.00 less 25% = 1.50: 10 · 1.50 · 24 · days.
    assert_eq!(
        invoices("price=2,haircut=0.25"),
        [m("11160.00"), m("10080.00"), m("11160.00")]
    );
    // Online 2026-02-01 instead of 2026-01-01: nothing billed in January.
    assert_eq!(invoices("delay=1"), [m("0"), m("6720.00"), m("7440.00")]);
    // Opex +10%: the 1,000.00 expense is 1,100.00 a month; CFADS 6,340.00 in period 1.
    let r = b
        .run_scenario(&parse_scenario("opex=0.10").unwrap())
        .unwrap();
    assert_eq!(r.periods[0].operations.expenses, m("1100.00"));
    assert_eq!(r.periods[0].operations.cfads, m("6340.00"));
}

#[test]
fn opex_and_power_shocks_on_the_reference_deal_period_1() {
    // Worked example, period 1: colocation 4,900,000.00 = 35,000 kW · 140; power
    // 1,870,323.00 = 35,000 · 0.85 · 1.30 · 24 · 31 · 65 / 1000; expenses
    // 1,200,000 + 350,000.
    let b = base(fixture("reference.toml").into_deal());
    let r = b
        .run_scenario(&parse_scenario("opex=0.10,power=0.20").unwrap())
        .unwrap();
    assert!(r.verify().is_empty());
    let o = &r.periods[0].operations;
    // 35,000 · 154 = 5,390,000.00.
    assert_eq!(o.colocation, m("5390000.00"));
    // 35,000 · 0.85 · 1.30 · 24 · 31 · 78 / 1000 = 2,244,387.60.
    assert_eq!(o.power, m("2244387.60"));
    // 1,320,000 + 385,000.
    assert_eq!(o.expenses, m("1705000.00"));
    // Fees are not opex: 300,000 / 12 = 25,000.00 as in the base case.
    assert_eq!(o.fees, m("25000.00"));
    // Revenue is untouched: 16,384 · 2.20 · 24 · 31.
    assert_eq!(o.invoice, m("26817331.20"));
}

#[test]
fn reused_lines_equal_lines_recomputed_from_the_stressed_deal() {
    // Without a default, the stressed plan's lines are the section 3 and 5 lines of
    // the stressed deal, whichever were reused from the base plan.
    for name in ["reference.toml", "fixed-rate.toml", "quarterly.toml"] {
        let b = base(fixture(name).into_deal());
        for spec in [
            "price=1.85",
            "haircut=0.1,delay=2",
            "opex=0.25",
            "power=-0.2",
            "opex=0.1,power=0.3,price=3",
        ] {
            let s = parse_scenario(spec).unwrap();
            let stressed = b.stress(&s).unwrap();
            let direct =
                project_operations(&b.deal.with_scenario(&s).unwrap(), &b.plan.calendar).unwrap();
            assert_eq!(*stressed.plan.operations, direct[..], "{name} {spec}");
        }
    }
}

#[test]
fn a_rate_shock_moves_the_index_before_the_floor() {
    // Index 8% + margin 4% = 12%, as the fixed tiny deal. +200 bps: 14%.
    let b = base(tiny_floating("0"));
    let r = b
        .run_scenario(&parse_scenario("rate=200").unwrap())
        .unwrap();
    assert!(r.verify().is_empty());
    assert!(r.plan.facilities[0].rates.iter().all(|x| *x == d("0.14")));
    // Interest on the actual balance: 6,000 · 0.14 · 31/360 = 72.333... -> 72.33.
    assert_eq!(r.periods[0].facilities[0].interest_due, m("72.33"));
    // The close schedule is unchanged: 62.00 of interest, 2,000.00 of principal.
    let row = &r.plan.facilities[0].schedule.rows[0];
    assert_eq!((row.interest, row.principal), (m("62.00"), m("2000.00")));

    // With a 9% floor: max(9%, 8% + shock) + 4%.
    let deal = tiny_floating("0.09");
    let f = &deal.facilities[0];
    let at = date("2026-01-01");
    assert_eq!(shocked_rate(&deal, f, at, d("0")).unwrap(), d("0.13"));
    assert_eq!(shocked_rate(&deal, f, at, d("-0.02")).unwrap(), d("0.13"));
    assert_eq!(shocked_rate(&deal, f, at, d("0.02")).unwrap(), d("0.14"));
    // A fixed rate does not move.
    let fixed = tiny();
    assert_eq!(
        shocked_rate(&fixed, &fixed.facilities[0], at, d("0.05")).unwrap(),
        d("0.12")
    );
}

#[test]
fn residual_value_and_useful_life_by_hand() {
    let b = base(tiny());
    let mut s = Scenario::new("obsolete");
    s.residual_share = Some(Share::new(d("0.1")));
    s.useful_life_months = Some(4);
    let r = b.run_scenario(&s).unwrap();
    assert!(r.verify().is_empty());
    // 10,000 · 0.1 = 1,000.00 at the end instead of 5,000.00.
    assert_eq!(r.terminal.terminal_value, m("1000.00"));
    assert_eq!(r.terminal.sponsor, m("1000.00"));
    // Book value over 4 months: 7,500.00, 5,000.00, 2,500.00.
    let book: Vec<Money> = r.periods.iter().map(|p| p.book_value).collect();
    assert_eq!(book, [m("7500.00"), m("5000.00"), m("2500.00")]);
    // LTV after period 1: 4,000 / 7,500.
    assert_eq!(
        round10(r.periods[0].ltv.unwrap().value()).to_string(),
        "0.5333333333"
    );
}

#[test]
fn invalid_scenarios_are_errors_not_panics() {
    let b = base(tiny());
    let mut s = Scenario::new("bad");
    s.customer_default = Some(CustomerDefault {
        period: 4,
        re_lease: None,
    });
    assert!(b.run_scenario(&s).is_err());
    let mut s = Scenario::new("bad");
    s.price_per_gpu_hour = Some(Quantity::new(d("-1")));
    assert!(b.run_scenario(&s).is_err());
    let mut s = Scenario::new("bad");
    s.opex_shock = Rate::new(d("-1"));
    assert!(b.run_scenario(&s).is_err());
    // A delay far past the calendar's dates is an error too.
    let mut s = Scenario::new("far");
    s.online_delay_months = 600;
    assert!(b.run_scenario(&s).is_ok());
}
