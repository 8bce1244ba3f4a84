//! Deals for the scenario tests: the waterfall's three-period hand-worked deal and
//! the bundled fixtures.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::str::FromStr;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
use boxflow_deal::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn m(s: &str) -> Money {
    Money::exact(d(s)).unwrap()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

/// A bundled fixture, read as a user would.
pub fn fixture(name: &str) -> Deal {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    boxflow_deal::read_file(std::path::Path::new(&path)).unwrap()
}

/// Close 2026-01-01, monthly, 3 months: periods of 31, 28 and 31 days.
/// - 10 GPUs at 1.00 per GPU-hour: invoices 7,440.00; 6,720.00; 7,440.00.
/// - One purchase order: 1 unit at 10,000.00 paid at close, 12-month life, residual 0.5.
/// - One expense of 1,000.00 a month; no data center, no fee, no prepayment.
/// - A fixed 6,000.00 loan at 12% fixed, ACT/360, straight line (2,000.00 a month),
///   repaid by month 3, upfront fee 1%; a 1-month DSRA funded at close; lock-up
///   below 1.5x, default below 1.2x.
pub fn tiny() -> Deal {
    let close = date("2026-01-01");
    Deal {
        name: "tiny".into(),
        currency: "USD".into(),
        close,
        frequency: Frequency::Monthly,
        contract: Contract {
            customer: "C".into(),
            term_months: 3,
            escalator: Rate::ZERO,
            prepayment: Money::ZERO,
            prepayment_credit_share: Share::ZERO,
            capacity: vec![CapacityLine {
                name: None,
                gpus: 10,
                online: close,
                price_per_gpu_hour: Quantity::new(d("1.00")),
            }],
        },
        purchase_orders: vec![PurchaseOrder {
            item: None,
            units: 1,
            unit_cost: Quantity::new(d("10000")),
            payments: vec![CapexPayment {
                date: close,
                share: Share::ONE,
            }],
            useful_life_months: 12,
            residual_share: Share::new(d("0.5")),
        }],
        datacenters: vec![],
        expenses: vec![Expense {
            name: None,
            basis: ExpenseBasis::PerMonth(Quantity::new(d("1000"))),
            escalator: Rate::ZERO,
            start: close,
            end: None,
        }],
        fees: vec![],
        facilities: vec![Facility {
            name: "loan".into(),
            rank: Rank::Senior,
            commitment: Commitment::Fixed {
                amount: m("6000"),
                target_dscr: None,
            },
            rate: RateSpec::Fixed(Rate::new(d("0.12"))),
            day_count: DayCount::Act360,
            amortization: Amortization::StraightLine,
            interest_only_periods: 0,
            repay_by: RepayBy::Months(3),
            upfront_fee: Rate::new(d("0.01")),
            commitment_fee: Rate::ZERO,
            sweep: Share::ZERO,
        }],
        reserve: Some(Reserve {
            months: 1,
            funded_at_close: true,
        }),
        covenants: Some(Covenants {
            min_dscr: Some(Ratio::new(d("1.2"))),
            lockup_dscr: Some(Ratio::new(d("1.5"))),
            lockup_action: LockupAction::Sweep,
            repaid_by_fraction: Share::new(d("0.5")),
            max_ltv: None,
        }),
        curves: BTreeMap::new(),
        analysis: None,
        scenarios: vec![],
    }
}

/// The tiny deal with its loan at `index + margin` (floor `floor`): the index 8%
/// from before close, the margin 4%, so 12% as in [`tiny`] without a shock.
pub fn tiny_floating(floor: &str) -> Deal {
    let mut deal = tiny();
    deal.facilities[0].rate = RateSpec::Floating {
        index: "SOFR".into(),
        margin: Rate::new(d("0.04")),
        floor: Rate::new(d(floor)),
    };
    deal.curves.insert(
        "SOFR".into(),
        Curve {
            points: vec![(date("2025-12-01"), Rate::new(d("0.08")))],
        },
    );
    deal
}
