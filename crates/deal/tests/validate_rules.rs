//! `validate` on deals built or changed in code: one test per rule of methodology
//! section 1 that a built `Deal` can break, each checking the path it reports.

use std::str::FromStr;

use boxflow_core::{Frequency, Money, Quantity, Rate, Ratio, Share};
use boxflow_deal::{parse, ErrorKind};
use boxflow_model::{
    validate, Amortization, CapexPayment, Commitment, Curve, Deal, Facility, Invalid, Rank,
    RateSpec, RepayBy, Reserve,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const REFERENCE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../fixtures/reference.toml"
));

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn reference() -> Deal {
    parse(REFERENCE, "reference.toml").unwrap().into_deal()
}

/// The one broken rule of `deal`.
fn only(deal: &Deal) -> Invalid {
    let mut invalid = validate(deal);
    assert_eq!(invalid.len(), 1, "{invalid:#?}");
    invalid.remove(0)
}

fn assert_rule(deal: &Deal, kind: ErrorKind, path: &str, words: &str) {
    let invalid = only(deal);
    assert_eq!(ErrorKind::from(invalid.kind), kind, "{invalid:?}");
    assert_eq!(invalid.path, path, "{invalid:?}");
    assert!(
        invalid.message.contains(words),
        "{:?} lacks {words:?}",
        invalid.message
    );
    assert!(!invalid.help.is_empty());
}

fn junior(name: &str, amount: i64) -> Facility {
    Facility {
        name: name.to_string(),
        rank: Rank::Junior,
        commitment: Commitment::Fixed {
            amount: Money::from_cents(amount * 100),
            target_dscr: None,
        },
        rate: RateSpec::Fixed(Rate::new(dec("0.11"))),
        day_count: boxflow_core::DayCount::Act360,
        amortization: Amortization::StraightLine,
        interest_only_periods: 0,
        repay_by: RepayBy::Halfway,
        upfront_fee: Rate::ZERO,
        commitment_fee: Rate::ZERO,
        sweep: Share::ZERO,
    }
}

#[test]
fn count_not_positive() {
    let mut deal = reference();
    deal.contract.capacity[1].gpus = 0;
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.capacity[1].gpus",
        "positive whole number",
    );
    let mut deal = reference();
    deal.purchase_orders[0].units = 0;
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "purchase_order[0].units",
        "positive whole number",
    );
    let mut deal = reference();
    deal.purchase_orders[1].useful_life_months = 0;
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "purchase_order[1].useful_life_months",
        "positive",
    );
}

#[test]
fn negative_money_price_or_rate() {
    let mut deal = reference();
    deal.contract.prepayment = Money::from_cents(-1);
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.prepayment",
        "negative",
    );
    let mut deal = reference();
    deal.contract.capacity[0].price_per_gpu_hour = Quantity::new(dec("-2.2"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.capacity[0].price_per_gpu_hour",
        "negative",
    );
    let mut deal = reference();
    deal.facilities[0].rate = RateSpec::Floating {
        index: "SOFR3M".into(),
        margin: Rate::new(dec("-0.01")),
        floor: Rate::ZERO,
    };
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "facility[0].rate.margin",
        "negative",
    );
    let mut deal = reference();
    deal.curves.get_mut("SOFR3M").unwrap().points[2].1 = Rate::new(dec("-0.001"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "curves.SOFR3M.points[2][1]",
        "negative",
    );
}

#[test]
fn escalator_at_or_below_minus_one() {
    let mut deal = reference();
    deal.datacenters[0].escalator = Rate::new(dec("-1"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "datacenter[0].escalator",
        "at or below -1",
    );
    // a price that steps down is fine
    deal.datacenters[0].escalator = Rate::new(dec("-0.05"));
    deal.contract.escalator = Rate::new(dec("-0.999"));
    assert_eq!(validate(&deal), []);
}

#[test]
fn share_outside_0_1() {
    let mut deal = reference();
    deal.contract.prepayment_credit_share = Share::new(dec("1.01"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.prepayment_credit_share",
        "outside [0, 1]",
    );
    let mut deal = reference();
    deal.facilities[0].sweep = Share::new(dec("-0.1"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "facility[0].sweep",
        "outside [0, 1]",
    );
    let mut deal = reference();
    deal.covenants.as_mut().unwrap().repaid_by_fraction = Share::new(dec("1.5"));
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "covenants.repaid_by_fraction",
        "outside [0, 1]",
    );
}

#[test]
fn reserve_months_below_1_or_not_whole_periods() {
    let mut deal = reference();
    deal.reserve = Some(Reserve {
        months: 0,
        funded_at_close: true,
    });
    assert_rule(&deal, ErrorKind::InvalidValue, "reserve.months", "below 1");
    let mut deal = reference();
    deal.frequency = Frequency::Quarterly;
    deal.reserve = Some(Reserve {
        months: 4,
        funded_at_close: true,
    });
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "reserve.months",
        "not a multiple of the period length",
    );
}

#[test]
fn term_not_whole_periods_and_term_over_600() {
    let mut deal = reference();
    deal.frequency = Frequency::Quarterly;
    deal.contract.term_months = 61;
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "contract.term_months",
        "not a multiple of the period length (3 months for quarterly)",
    );
    let mut deal = reference();
    deal.contract.term_months = 601;
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.term_months",
        "a term over 600 months",
    );
    deal.contract.term_months = 600;
    assert_eq!(validate(&deal), []);
    let mut deal = reference();
    deal.datacenters[0].term_months = Some(1200);
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "datacenter[0].term_months",
        "a term over 600 months",
    );
}

#[test]
fn repay_by_not_whole_periods_or_beyond_the_term() {
    let mut deal = reference();
    deal.facilities[0].repay_by = RepayBy::Months(61);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].repay_by",
        "beyond the 60-month term",
    );
    let mut deal = reference();
    deal.frequency = Frequency::Quarterly;
    deal.reserve = None;
    deal.facilities[0].repay_by = RepayBy::Months(31);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].repay_by",
        "not a multiple of the period length",
    );
    // a repay_by beyond the halfway period is allowed
    let mut deal = reference();
    deal.facilities[0].repay_by = RepayBy::Months(48);
    assert_eq!(validate(&deal), []);
}

#[test]
fn empty_repayment_window() {
    let mut deal = reference();
    deal.facilities[0].interest_only_periods = 30; // H = floor(60 · 0.5) = 30
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].interest_only_periods",
        "H - g = 0",
    );
    deal.facilities[0].interest_only_periods = 29;
    assert_eq!(validate(&deal), []);
    let mut deal = reference();
    deal.covenants.as_mut().unwrap().repaid_by_fraction = Share::new(dec("0.01")); // H = 0
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].repay_by",
        "floor(60 · 0.01) = 0",
    );
}

#[test]
fn custom_schedule_must_have_n_shares_summing_to_1() {
    let mut deal = reference();
    deal.facilities[0].repay_by = RepayBy::Months(6);
    deal.facilities[0].interest_only_periods = 2; // n = 6 - 2 = 4
    deal.facilities[0].amortization = Amortization::Custom(vec![Share::new(dec("0.25")); 4]);
    deal.purchase_orders[1].payments[1].date = date(2026, 3, 1); // before end_H = 2026-07-01
    assert_eq!(validate(&deal), []);
    deal.facilities[0].amortization = Amortization::Custom(vec![Share::new(dec("0.2")); 5]);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].schedule",
        "has 5 shares, but its repayment window has n = H - g = 4 periods",
    );
    deal.facilities[0].amortization = Amortization::Custom(vec![
        Share::new(dec("0.25")),
        Share::new(dec("0.25")),
        Share::new(dec("0.25")),
        Share::new(dec("0.2499")),
    ]);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].schedule",
        "sums to 0.9999, not exactly 1",
    );
}

#[test]
fn payment_shares_sum_exactly_to_1() {
    let mut deal = reference();
    deal.purchase_orders[1].payments[1].share = Share::new(dec("0.70000001"));
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "purchase_order[1].payments",
        "sum to 1.00000001",
    );
    let mut deal = reference();
    deal.purchase_orders[0].payments.clear();
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "purchase_order[0].payments",
        "empty",
    );
}

#[test]
fn value_above_1e15() {
    let mut deal = reference();
    deal.purchase_orders[0].unit_cost = Quantity::new(dec("1000000000000000.01"));
    let invalid = validate(&deal);
    assert_eq!(invalid[0].path, "purchase_order[0].unit_cost");
    assert!(invalid[0].message.contains("above the limit of 1e15"));
    let mut deal = reference();
    deal.contract.capacity[0].gpus = 1_000_000_000_000_001;
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.capacity[0].gpus",
        "above the limit of 1e15",
    );
    // 1e15 itself is allowed as a value (with products the engine can form: no
    // colocation or power to multiply it by)
    let mut deal = reference();
    deal.datacenters[0].critical_kw = Quantity::new(dec("1000000000000000"));
    deal.datacenters[0].rate_per_kw_month = Quantity::new(Decimal::ZERO);
    deal.datacenters[0].power_price_per_mwh = Quantity::new(Decimal::ZERO);
    assert_eq!(validate(&deal), []);
}

#[test]
fn prepayment_needs_a_credit_share() {
    let mut deal = reference();
    deal.contract.prepayment_credit_share = Share::ZERO;
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "contract.prepayment",
        "without a `prepayment_credit_share`",
    );
    deal.contract.prepayment = Money::ZERO;
    assert_eq!(validate(&deal), []);
}

#[test]
fn capacity_online_after_the_contract_ends() {
    let mut deal = reference();
    deal.contract.capacity[1].online = date(2031, 1, 1); // the contract ends on 2031-01-01
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "contract.capacity[1].online",
        "after the contract ends on 2031-01-01",
    );
    deal.contract.capacity[1].online = date(2030, 12, 31);
    assert_eq!(validate(&deal), []);
    // online before close is treated as close
    deal.contract.capacity[1].online = date(2025, 6, 1);
    assert_eq!(validate(&deal), []);
}

#[test]
fn capex_after_the_repayment_deadline() {
    // end_H = add_months(2026-01-01, 30) = 2028-07-01
    let mut deal = reference();
    deal.purchase_orders[1].payments[1].date = date(2028, 7, 1);
    assert_eq!(validate(&deal), []);
    deal.purchase_orders[1].payments[1].date = date(2028, 7, 2);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "purchase_order[1].payments[1].date",
        "end_H = 2028-07-01 of facility `DDTL`",
    );
    // a facility with nothing committed funds nothing
    deal.facilities[0].commitment = Commitment::Fixed {
        amount: Money::ZERO,
        target_dscr: Some(Ratio::new(dec("1.3"))),
    };
    assert_eq!(validate(&deal), []);
    // a junior with a later deadline still funds the payment pro rata: the
    // senior's deadline is the earliest
    let mut deal = reference();
    let mut j = junior("Junior", 1_000_000);
    j.repay_by = RepayBy::Months(48);
    deal.facilities.push(j);
    deal.purchase_orders[1].payments[1].date = date(2029, 1, 1);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "purchase_order[1].payments[1].date",
        "facility `DDTL`",
    );
}

#[test]
fn curve_points_in_order_from_close() {
    let mut deal = reference();
    deal.curves.get_mut("SOFR3M").unwrap().points.swap(1, 2);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "curves.SOFR3M.points[2][0]",
        "not in increasing date order",
    );
    let mut deal = reference();
    let p = &mut deal.curves.get_mut("SOFR3M").unwrap().points;
    p[1].0 = p[0].0; // equal dates are not increasing
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "curves.SOFR3M.points[1][0]",
        "not in increasing date order",
    );
    let mut deal = reference();
    deal.curves.get_mut("SOFR3M").unwrap().points[0].0 = date(2026, 1, 2);
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "curves.SOFR3M.points[0][0]",
        "after close",
    );
    let mut deal = reference();
    deal.curves.insert("EMPTY".into(), Curve { points: vec![] });
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "curves.EMPTY.points",
        "no points",
    );
}

#[test]
fn facility_naming_an_unknown_curve() {
    let mut deal = reference();
    let curve = deal.curves.remove("SOFR3M").unwrap();
    deal.curves.insert("SOFR3M_2026".into(), curve);
    assert_rule(
        &deal,
        ErrorKind::UnknownReference,
        "facility[0].rate.index",
        "`SOFR3M`, which is not defined",
    );
}

#[test]
fn duplicate_names_and_ranks() {
    let mut deal = reference();
    deal.facilities.push(junior("DDTL", 1_000_000));
    assert_rule(
        &deal,
        ErrorKind::Duplicate,
        "facility[1].name",
        "two facilities are named `DDTL`",
    );
    let mut deal = reference();
    let mut second = junior("Second", 1_000_000);
    second.rank = Rank::Senior;
    deal.facilities.push(second);
    assert_rule(
        &deal,
        ErrorKind::Duplicate,
        "facility[1].rank",
        "two facilities of rank 1: `DDTL` and `Second`",
    );
}

#[test]
fn commitments_above_total_capex() {
    // T = 952,320,000.00; a sizing doesn't count, a fixed amount does
    let mut deal = reference();
    deal.facilities.push(junior("Junior", 952_320_000));
    assert_eq!(validate(&deal), []);
    deal.facilities[1].commitment = Commitment::Fixed {
        amount: Money::from_cents(95_232_000_001),
        target_dscr: None,
    };
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[1].amount",
        "commitments of 952320000.01 are above total capex T = 952320000.00",
    );
    // a zero total capex allows no debt
    let mut deal = reference();
    for po in &mut deal.purchase_orders {
        po.unit_cost = Quantity::ZERO;
    }
    deal.facilities[0].commitment = Commitment::Fixed {
        amount: Money::from_cents(1),
        target_dscr: Some(Ratio::ONE),
    };
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].amount",
        "total capex is 0, which allows no debt",
    );
    deal.facilities[0].commitment = Commitment::Fixed {
        amount: Money::ZERO,
        target_dscr: Some(Ratio::ONE),
    };
    assert_eq!(validate(&deal), []);
}

#[test]
fn sculpted_fixed_amount_needs_a_target_dscr() {
    let mut deal = reference();
    deal.facilities[0].commitment = Commitment::Fixed {
        amount: Money::from_cents(50_000_000_000),
        target_dscr: None,
    };
    assert_rule(
        &deal,
        ErrorKind::Inconsistent,
        "facility[0].amount",
        "`sculpted` with a fixed `amount` and no `target_dscr`",
    );
    deal.facilities[0].amortization = Amortization::Level;
    assert_eq!(validate(&deal), []);
}

#[test]
fn dscr_must_be_positive() {
    let mut deal = reference();
    deal.facilities[0].commitment = Commitment::Sized {
        dscr: Ratio::ZERO,
        max_gearing: Share::new(dec("0.8")),
    };
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "facility[0].sizing.dscr",
        "above 0",
    );
}

#[test]
fn names_currency_and_dates() {
    let mut deal = reference();
    deal.facilities[0].name = String::new();
    assert_rule(&deal, ErrorKind::InvalidValue, "facility[0].name", "empty");
    let mut deal = reference();
    deal.currency = "usd".into();
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "deal.currency",
        "three-letter currency code",
    );
    let mut deal = reference();
    deal.expenses[0].end = Some(deal.expenses[0].start);
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "expense[0].end",
        "not after it starts",
    );
}

#[test]
fn at_least_one_capacity_line_and_purchase_order() {
    let mut deal = reference();
    deal.contract.capacity.clear();
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "contract.capacity",
        "no capacity line",
    );
    let mut deal = reference();
    deal.purchase_orders.clear();
    deal.facilities.clear();
    assert_rule(
        &deal,
        ErrorKind::InvalidValue,
        "purchase_order",
        "no purchase order",
    );
}

#[test]
fn far_dates_and_huge_products_are_errors_not_panics() {
    let mut deal = reference();
    deal.close = NaiveDate::MAX;
    let invalid = validate(&deal);
    assert!(
        invalid
            .iter()
            .any(|i| i.message.contains("past the last supported date")),
        "{invalid:?}"
    );
    let mut deal = reference();
    deal.purchase_orders[0].units = 1_000_000_000_000_000;
    deal.purchase_orders[0].unit_cost = Quantity::new(dec("1000000000000000"));
    deal.purchase_orders[1].payments = vec![CapexPayment {
        date: deal.close,
        share: Share::ONE,
    }];
    let invalid = validate(&deal);
    assert!(
        invalid
            .iter()
            .any(|i| i.path == "purchase_order[0].units" && i.message.contains("unit_cost")),
        "{invalid:?}"
    );
}

#[test]
fn every_rule_reports_once_and_in_a_stable_order() {
    let mut deal = reference();
    deal.contract.capacity[0].gpus = 0;
    deal.contract.prepayment_credit_share = Share::new(dec("2"));
    deal.facilities[0].sweep = Share::new(dec("2"));
    let paths: Vec<String> = validate(&deal).into_iter().map(|i| i.path).collect();
    assert_eq!(
        paths,
        [
            "contract.prepayment_credit_share",
            "contract.capacity[0].gpus",
            "facility[0].sweep"
        ]
    );
}
