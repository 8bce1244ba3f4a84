//! Builds a `Deal` in code (no TOML), runs it and reads figures from the `Run`: what a
//! portfolio system linking the crates would do.
//!
//! Run with `cargo run -p boxflow-waterfall --example deal_in_code`.

use boxflow_core::Frequency;
use boxflow_model::{
    CapacityBuilder, ContractBuilder, CovenantsBuilder, DatacenterBuilder, Deal, FacilityBuilder,
    PurchaseOrderBuilder, RateSpec,
};
use boxflow_waterfall::run;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() {
    let close = NaiveDate::from_ymd_opt(2026, 7, 1).expect("a valid date");
    let dec = |units: i64, scale: u32| Decimal::new(units, scale);
    // Every key not set here takes its deal-sheet default (methodology section 1):
    // capacity online at close, ACT/360, sculpted, repaid by halfway, no sweep...
    let deal = Deal::builder(
        "In-code box: 4,096 H100s for an AI lab",
        close,
        Frequency::Quarterly,
    )
    .contract(
        ContractBuilder::new("AI Lab B", 36).capacity(CapacityBuilder::new(4096, dec(245, 2))),
    )
    .purchase_order(
        PurchaseOrderBuilder::new(512, dec(290_000, 0), 72)
            .item("HGX H100 8-GPU servers")
            .payment(close, Decimal::ONE)
            .residual_share(dec(15, 2)),
    )
    .datacenter(
        DatacenterBuilder::new(dec(5_300, 0), dec(150, 0), dec(70, 0))
            .escalator(dec(3, 2))
            .pue(dec(130, 2))
            .load_factor(dec(85, 2)),
    )
    .facility(
        FacilityBuilder::sized(
            "DDTL",
            RateSpec::fixed(dec(590, 4)),
            dec(125, 2),
            dec(85, 2),
        )
        .upfront_fee(dec(100, 4)),
    )
    .reserve(3)
    .covenants(
        CovenantsBuilder::new()
            .min_dscr(dec(110, 2))
            .lockup_dscr(dec(115, 2)),
    )
    .build()
    // A deal built in code gets the same errors as a deal sheet, by deal-sheet path.
    .unwrap_or_else(|e| panic!("{e}"));
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
