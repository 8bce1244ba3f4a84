//! Shocks of one capacity line (a scenario's `line`), worked out by hand on the
//! three-period deal of the waterfall's tests with a second line; the first new event
//! of a scenario; the price breakpoint of each line of a deal whose lines' prices differ.

mod common;

use boxflow_core::{Money, Quantity, Share};
use boxflow_model::{CapacityLine, CustomerDefault, Deal, ReLease, Scenario};
use boxflow_scenario::{parse_scenario, solve, Base};
use boxflow_waterfall::{run, Plan};
use common::*;

/// The tiny deal (line `A`: 10 GPUs at $1.00 from close) with a line `B`: 5 GPUs at
/// $2.00 from close. Each line bills `gpus · price · 24 · days`: 7,440.00 in January
/// (31 days), 6,720.00 in February (28), 7,440.00 in March, so 14,880.00; 13,440.00;
/// 14,880.00 in all.
fn two_lines() -> Deal {
    let mut deal = tiny();
    deal.contract.capacity[0].name = Some("A".into());
    deal.contract.capacity.push(CapacityLine {
        name: Some("B".into()),
        gpus: 5,
        online: date("2026-01-01"),
        price_per_gpu_hour: Quantity::new(d("2.00")),
    });
    deal
}

fn invoices(r: &boxflow_waterfall::Run) -> Vec<Money> {
    r.periods.iter().map(|p| p.operations.invoice).collect()
}

#[test]
fn a_haircut_of_one_line_costs_that_line_s_units_hours_price_and_haircut() {
    let base = Base::new(valid(two_lines())).unwrap();
    let before = invoices(&base.run().unwrap());
    assert_eq!(before, [m("14880.00"), m("13440.00"), m("14880.00")]);

    let s = parse_scenario("price_haircut@B=0.25").unwrap();
    assert_eq!(s.line.as_deref(), Some("B"));
    let r = base.run_scenario(&s).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    // Line B alone loses 5 GPUs · 24 · days · $2.00 · 0.25: 5 · 744 · 0.50 = 1,860.00 in
    // January and March, 5 · 672 · 0.50 = 1,680.00 in February; line A bills as written.
    assert_eq!(
        invoices(&r),
        [m("13020.00"), m("11760.00"), m("13020.00")],
        "14,880 - 1,860; 13,440 - 1,680; 14,880 - 1,860"
    );
    // The same haircut of every line costs twice as much as line B's alone would be
    // wrong: line A (7,440 in January) loses 7,440 · 0.25 = 1,860.00 too.
    let all = base
        .run_scenario(&parse_scenario("haircut=0.25").unwrap())
        .unwrap();
    assert_eq!(invoices(&all)[0], m("11160.00"), "14,880 · 0.75");
}

#[test]
fn a_new_price_or_a_delay_of_one_line_leaves_the_other_as_written() {
    let base = Base::new(valid(two_lines())).unwrap();
    // Line A at $1.50: A bills 10 · 744 · 1.50 = 11,160.00 in January, B 7,440.00.
    let r = base
        .run_scenario(&parse_scenario("price@A=1.50").unwrap())
        .unwrap();
    assert_eq!(invoices(&r)[0], m("18600.00"), "11,160 + 7,440");
    // Line A a month late: January bills line B only (7,440.00); February and March
    // both lines, as in the base case.
    let r = base
        .run_scenario(&parse_scenario("delay@A=1").unwrap())
        .unwrap();
    assert!(r.verify().is_empty());
    assert_eq!(invoices(&r), [m("7440.00"), m("13440.00"), m("14880.00")]);
}

#[test]
fn a_default_of_one_line_stops_that_line_and_its_re_lease_bills_that_line() {
    let mut deal = two_lines();
    deal.contract.prepayment = m("3000");
    deal.contract.prepayment_credit_share = Share::new(d("0.10"));
    let base = Base::new(valid(deal)).unwrap();
    let mut s = Scenario::new("B walks away in February, re-let at half price in March");
    s.line = Some("B".into());
    s.customer_default = Some(CustomerDefault {
        period: 2,
        re_lease: Some(ReLease {
            after_periods: 1,
            price_share: Share::new(d("0.5")),
        }),
    });
    let r = base.run_scenario(&s).unwrap();
    assert!(r.verify().is_empty(), "{:?}", r.verify());
    let ops: Vec<_> = r.periods.iter().map(|p| &p.operations).collect();
    // January: both lines, 14,880.00; credit min(3,000, round2(14,880 · 0.10)) =
    // 1,488.00, 1,512.00 left.
    assert_eq!(
        (ops[0].invoice, ops[0].prepayment_credit),
        (m("14880.00"), m("1488.00"))
    );
    // February: line B bills nothing; line A 6,720.00, still credited: 672.00, 840.00 left.
    assert_eq!(
        (ops[1].invoice, ops[1].prepayment_credit),
        (m("6720.00"), m("672.00"))
    );
    // March: line A 7,440.00 credited 744.00 (96.00 left), and line B re-let at
    // 5 · 744 · 2.00 · 0.5 = 3,720.00, collected in full: 11,160.00 billed,
    // 11,160 - 744 = 10,416.00 collected.
    assert_eq!(
        (ops[2].invoice, ops[2].prepayment_credit, ops[2].collections),
        (m("11160.00"), m("744.00"), m("10416.00"))
    );
    // The contract goes on for line A: the unused 96.00 is owed back at the end.
    assert!(r.plan.refund_unused_prepayment);
    assert_eq!(r.terminal.refund_due, m("96.00"));

    // A default of the whole contract in February keeps the prepayment instead.
    let mut whole = s.clone();
    whole.line = None;
    let r = base.run_scenario(&whole).unwrap();
    assert_eq!(r.terminal.refund_due, Money::ZERO);
    // March: both lines re-let at half price, 14,880 · 0.5 = 7,440.00.
    assert_eq!(r.periods[2].operations.invoice, m("7440.00"));
}

#[test]
fn a_line_that_names_no_line_or_two_lines_is_refused() {
    let base = Base::new(valid(two_lines())).unwrap();
    let err = base
        .run_scenario(&parse_scenario("haircut@C=0.1").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("names no capacity line"), "{err}");

    let mut deal = two_lines();
    deal.contract.capacity[1].name = Some("A".into());
    let base = Base::new(valid(deal)).unwrap();
    let err = base
        .run_scenario(&parse_scenario("haircut@A=0.1").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("the name of 2 capacity lines"), "{err}");
}

#[test]
fn the_first_new_event_is_the_first_the_base_case_does_not_have() {
    let base = Base::new(fixture("reference.toml")).unwrap();
    let base_run = base.run().unwrap();
    let base_events: Vec<(&str, usize)> = base_run
        .events
        .iter()
        .map(|e| (e.name(), e.period()))
        .collect();
    assert_eq!(base.outcome("base", &base_run, false).first_new_event, None);
    for spec in ["default=12", "haircut@Phase 2=0.2", "rate=500", "delay=3"] {
        let r = base.run_scenario(&parse_scenario(spec).unwrap()).unwrap();
        let o = base.outcome(spec, &r, false);
        // Every event before the first new one is the base case's, and the first new
        // one is not.
        let first_new = r
            .events
            .iter()
            .position(|e| !base_events.contains(&(e.name(), e.period())));
        match (first_new, &o.first_new_event) {
            (Some(i), Some(e)) => {
                assert_eq!(
                    (e.event, e.period),
                    (r.events[i].name(), r.events[i].period())
                );
                assert!(!base_events.contains(&(e.event, e.period)), "{spec}");
            }
            (None, None) => {}
            other => panic!("{spec}: {other:?}"),
        }
    }
}

/// The deal of `fixtures/mixed.toml` with line `i` at `price`, written into the sheet's
/// text and read again, then sized and run: independent of the solver's own pricing.
fn holds_at(i: usize, price: &str, target: Money) -> bool {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/mixed.toml"
    ))
    .unwrap();
    let written = [
        "price_per_gpu_hour = \"1.85\"",
        "price_per_gpu_hour = \"2.90\"",
    ];
    let text = text.replace(written[i], &format!("price_per_gpu_hour = \"{price}\""));
    let deal = boxflow_deal::parse(&text, "mixed.toml").unwrap();
    let plan = Plan::new(&deal).unwrap();
    plan.senior().unwrap().commitment >= target && run(&deal).unwrap().summary.halfway_covenant
}

#[test]
fn the_price_breakpoint_of_each_line_holds_and_a_tick_below_fails() {
    let deal = fixture("mixed.toml");
    assert!(solve::prices_differ(&deal));
    assert!(!solve::prices_differ(&fixture("reference.toml")));
    let gearing = Share::new(d("0.80"));
    for i in 0..2 {
        let p = solve::min_price_of_line(&deal, gearing, i).unwrap();
        assert_eq!(p.line, Some(i));
        assert!(p.checked(), "line {i}: {p:?}");
        let price = p.price.unwrap();
        let below = price - solve::PRICE_TICK;
        assert!(
            holds_at(i, &price.to_string(), p.target_commitment),
            "line {i} at {price}"
        );
        assert!(
            !holds_at(i, &below.to_string(), p.target_commitment),
            "line {i} at {below}"
        );
    }
    assert!(solve::min_price_of_line(&deal, gearing, 2).is_err());
}
