//! Builds a `Deal` in code (no TOML), runs it and reads figures from the `Run`: what a
//! portfolio system linking the crates would do.
//!
//! Run with `cargo run -p boxflow-waterfall --example deal_in_code`.

use std::collections::BTreeMap;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
use boxflow_model::{
    Amortization, CapacityLine, CapexPayment, Commitment, Contract, Covenants, Datacenter, Deal,
    Facility, LockupAction, PurchaseOrder, Rank, RateSpec, RepayBy, Reserve,
};
use boxflow_waterfall::run;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() {
    let close = NaiveDate::from_ymd_opt(2026, 7, 1).expect("a valid date");
    let dec = |units: i64, scale: u32| Decimal::new(units, scale);
    let deal = Deal {
        name: "In-code box: 4,096 H100s for an AI lab".into(),
        currency: "USD".into(),
        close,
        frequency: Frequency::Quarterly,
        contract: Contract {
            customer: "AI Lab B".into(),
            term_months: 36,
            escalator: Rate::ZERO,
            prepayment: Money::ZERO,
            prepayment_credit_share: Share::ZERO,
            capacity: vec![CapacityLine {
                name: None,
                gpus: 4096,
                online: close,
                price_per_gpu_hour: Quantity::new(dec(245, 2)),
            }],
        },
        purchase_orders: vec![PurchaseOrder {
            item: Some("HGX H100 8-GPU servers".into()),
            units: 512,
            unit_cost: Quantity::new(dec(290_000, 0)),
            payments: vec![CapexPayment {
                date: close,
                share: Share::ONE,
            }],
            useful_life_months: 72,
            residual_share: Share::new(dec(15, 2)),
        }],
        datacenters: vec![Datacenter {
            site: None,
            critical_kw: Quantity::new(dec(5_300, 0)),
            rate_per_kw_month: Quantity::new(dec(150, 0)),
            escalator: Rate::new(dec(3, 2)),
            start: close,
            term_months: None,
            power_price_per_mwh: Quantity::new(dec(70, 0)),
            pue: Quantity::new(dec(130, 2)),
            load_factor: Quantity::new(dec(85, 2)),
        }],
        expenses: vec![],
        fees: vec![],
        facilities: vec![Facility {
            name: "DDTL".into(),
            rank: Rank::Senior,
            commitment: Commitment::Sized {
                dscr: Ratio::new(dec(125, 2)),
                max_gearing: Share::new(dec(85, 2)),
            },
            rate: RateSpec::Fixed(Rate::new(dec(590, 4))),
            day_count: DayCount::Act360,
            amortization: Amortization::Sculpted,
            interest_only_periods: 0,
            repay_by: RepayBy::Halfway,
            upfront_fee: Rate::new(dec(100, 4)),
            commitment_fee: Rate::ZERO,
            sweep: Share::ZERO,
        }],
        reserve: Some(Reserve {
            months: 3,
            funded_at_close: true,
        }),
        covenants: Some(Covenants {
            min_dscr: Some(Ratio::new(dec(110, 2))),
            lockup_dscr: Some(Ratio::new(dec(115, 2))),
            lockup_action: LockupAction::Sweep,
            repaid_by_fraction: Share::new(dec(5, 1)),
            max_ltv: None,
        }),
        curves: BTreeMap::new(),
        analysis: None,
        scenarios: vec![],
    };
    let deal = deal.validate().unwrap_or_else(|e| panic!("{e}"));
    let run = run(&deal).expect("the deal runs");
    assert!(run.verify().is_empty());
    let s = &run.summary;
    println!("{}", deal.name);
    println!(
        "senior commitment {} (binding {:?}), repaid in period {:?} of {} (halfway {}): {}",
        s.senior_commitment,
        s.sizing_binding.map(|b| b.as_str()),
        s.senior_repaid_period,
        run.periods.len(),
        s.halfway_period,
        if s.halfway_covenant { "pass" } else { "fail" }
    );
    println!(
        "equity IRR {:?}, total distributions {}, events {}",
        s.equity_irr.map(|r| r.round_dp(4)),
        s.total_distributions,
        run.events.len()
    );
}
