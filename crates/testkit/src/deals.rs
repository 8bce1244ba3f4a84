//! Deals written in code, key by key, and the helpers that write them: the reference
//! deal of the bundled sheet and a three-period deal small enough to work out by hand.
//!
//! The helpers take literals and panic on a malformed one: they are for tests.
//!
//! ```
//! use boxflow_testkit::deals::{m, reference_deal, valid};
//!
//! let deal = valid(reference_deal());
//! assert_eq!(deal.contract.prepayment, m("150000000"));
//! ```

use std::collections::BTreeMap;
use std::str::FromStr;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
use boxflow_model::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A decimal literal: `d("0.20")`.
///
/// # Panics
/// When `s` is not a decimal.
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A money literal: `m("1234.56")`.
///
/// # Panics
/// When `s` is not an amount with at most two decimals.
pub fn m(s: &str) -> Money {
    Money::exact(d(s)).unwrap()
}

/// A date literal: `date("2026-01-01")`.
///
/// # Panics
/// When `s` is not a `YYYY-MM-DD` date.
pub fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

/// A deal validated as the engine requires.
///
/// # Panics
/// When the deal breaks a validation rule (the message lists them).
pub fn valid(deal: Deal) -> ValidDeal {
    match deal.validate() {
        Ok(v) => v,
        Err(e) => panic!("the test deal is not valid: {e}"),
    }
}

/// The reference deal of the bundled `fixtures/reference.toml`, written in code key
/// by key.
pub fn reference_deal() -> Deal {
    let close = date("2026-01-01");
    Deal {
        name: "Box 7 - Hyperscaler A, H100 cluster".into(),
        currency: "USD".into(),
        close,
        frequency: Frequency::Monthly,
        contract: Contract {
            customer: "Hyperscaler A".into(),
            term_months: 60,
            escalator: Rate::new(d("0.00")),
            prepayment: m("150000000"),
            prepayment_credit_share: Share::new(d("0.20")),
            capacity: vec![
                CapacityLine {
                    name: Some("Phase 1".into()),
                    gpus: 16384,
                    online: close,
                    price_per_gpu_hour: Quantity::new(d("2.20")),
                },
                CapacityLine {
                    name: Some("Phase 2".into()),
                    gpus: 8192,
                    online: date("2026-03-16"),
                    price_per_gpu_hour: Quantity::new(d("2.20")),
                },
            ],
        },
        purchase_orders: vec![
            PurchaseOrder {
                item: Some("HGX H100 8-GPU servers, Phase 1".into()),
                units: 2048,
                unit_cost: Quantity::new(d("310000")),
                payments: vec![CapexPayment {
                    date: close,
                    share: Share::ONE,
                }],
                useful_life_months: 72,
                residual_share: Share::new(d("0.20")),
            },
            PurchaseOrder {
                item: Some("HGX H100 8-GPU servers, Phase 2".into()),
                units: 1024,
                unit_cost: Quantity::new(d("310000")),
                payments: vec![
                    CapexPayment {
                        date: close,
                        share: Share::new(d("0.30")),
                    },
                    CapexPayment {
                        date: date("2026-03-10"),
                        share: Share::new(d("0.70")),
                    },
                ],
                useful_life_months: 72,
                residual_share: Share::new(d("0.20")),
            },
        ],
        datacenters: vec![Datacenter {
            site: Some("Site A, 35 MW critical IT".into()),
            critical_kw: Quantity::new(d("35000")),
            rate_per_kw_month: Quantity::new(d("140")),
            escalator: Rate::new(d("0.03")),
            start: close,
            term_months: None,
            power_price_per_mwh: Quantity::new(d("65")),
            pue: Quantity::new(d("1.30")),
            load_factor: Quantity::new(d("0.85")),
        }],
        expenses: vec![
            Expense {
                name: Some("Operations and maintenance".into()),
                basis: ExpenseBasis::PerMonth(Quantity::new(d("1200000"))),
                escalator: Rate::new(d("0.03")),
                start: close,
                end: None,
            },
            Expense {
                name: Some("Insurance".into()),
                basis: ExpenseBasis::PerMonth(Quantity::new(d("350000"))),
                escalator: Rate::ZERO,
                start: close,
                end: None,
            },
        ],
        fees: vec![Fee {
            name: Some("Agent and trustee".into()),
            per_year: Quantity::new(d("300000")),
            start: close,
            end: None,
        }],
        facilities: vec![Facility {
            name: "DDTL".into(),
            rank: Rank::Senior,
            commitment: Commitment::Sized {
                dscr: Ratio::new(d("1.30")),
                max_gearing: Share::new(d("0.80")),
            },
            rate: RateSpec::Floating {
                index: "SOFR3M".into(),
                margin: Rate::new(d("0.0400")),
                floor: Rate::new(d("0")),
            },
            day_count: DayCount::Act360,
            amortization: Amortization::Sculpted,
            interest_only_periods: 0,
            repay_by: RepayBy::Halfway,
            upfront_fee: Rate::new(d("0.0150")),
            commitment_fee: Rate::new(d("0.0050")),
            sweep: Share::ZERO,
        }],
        reserve: Some(Reserve {
            months: 6,
            funded_at_close: true,
        }),
        covenants: Some(Covenants {
            min_dscr: Some(Ratio::new(d("1.10"))),
            lockup_dscr: Some(Ratio::new(d("1.20"))),
            lockup_action: LockupAction::Sweep,
            repaid_by_fraction: Share::new(d("0.5")),
            max_ltv: Some(Ratio::new(d("0.85"))),
        }),
        curves: BTreeMap::from([(
            "SOFR3M".to_string(),
            Curve {
                points: vec![
                    (date("2026-01-01"), Rate::new(d("0.0365"))),
                    (date("2026-07-01"), Rate::new(d("0.0350"))),
                    (date("2027-01-01"), Rate::new(d("0.0340"))),
                    (date("2028-01-01"), Rate::new(d("0.0330"))),
                ],
            },
        )]),
        analysis: Some(Analysis {
            discount_rate: Rate::new(d("0.12")),
        }),
        scenarios: vec![],
        simulation: None,
        properties: vec![],
    }
}

/// A three-period deal small enough to work out every figure by hand (the waterfall's and
/// the scenario crate's hand-worked tests work it out):
/// - close 2026-01-01, monthly, 3 months: periods of 31, 28 and 31 days;
/// - 10 GPUs at 1.00 per GPU-hour: invoices 7,440.00; 6,720.00; 7,440.00;
/// - one purchase order: 1 unit at 10,000.00 paid at close, 12-month life, residual 0.5;
/// - one expense of `expense_per_month`; no data center, no fee, no prepayment;
/// - a fixed 6,000.00 loan at 12% fixed, ACT/360, straight line (2,000.00 a month),
///   repaid by month 3, upfront fee 1%; a 1-month DSRA funded at close; lock-up below
///   1.5x, default below 1.2x.
pub fn tiny(expense_per_month: &str) -> Deal {
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
            basis: ExpenseBasis::PerMonth(Quantity::new(d(expense_per_month))),
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
        simulation: None,
        properties: vec![],
    }
}
