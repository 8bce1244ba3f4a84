//! Builds a deal in code with the builders, shows the defaults they apply, and the
//! errors validation gives a deal that breaks the rules: the same deal-sheet paths
//! and words a TOML sheet gets.
//!
//! Run with `cargo run -p boxflow-model --example build_and_validate`.

use boxflow_core::Frequency;
use boxflow_model::{
    CapacityBuilder, ContractBuilder, Deal, FacilityBuilder, PurchaseOrderBuilder, RateSpec,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() {
    let close = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date");
    let d = |s: &str| s.parse::<Decimal>().expect("a decimal");
    let builder = Deal::builder("Two-phase box", close, Frequency::Monthly)
        .contract(
            ContractBuilder::new("AI Lab", 48)
                .capacity(CapacityBuilder::new(2048, d("2.10")).name("Phase 1"))
                .capacity(
                    CapacityBuilder::new(2048, d("2.10"))
                        .name("Phase 2")
                        .online(NaiveDate::from_ymd_opt(2026, 4, 1).expect("a valid date")),
                ),
        )
        .purchase_order(
            PurchaseOrderBuilder::new(512, d("300000"), 72)
                .payment(close, d("0.5"))
                .payment(
                    NaiveDate::from_ymd_opt(2026, 3, 1).expect("a valid date"),
                    d("0.5"),
                ),
        )
        .facility(FacilityBuilder::sized(
            "Senior",
            RateSpec::fixed(d("0.085")),
            d("1.30"),
            d("0.75"),
        ));

    let deal = builder.clone().build().unwrap_or_else(|e| panic!("{e}"));
    let f = &deal.facilities[0];
    println!(
        "{}: {} months; facility {} is {:?}, {}, repaid by {:?}, day count {}",
        deal.name,
        deal.contract.term_months,
        f.name,
        f.rank,
        f.amortization.as_str(),
        f.repay_by,
        f.day_count.as_str()
    );

    // The same deal with two mistakes: payment shares that do not sum to 1 and a term
    // that is not a multiple of the period length... of a quarterly deal.
    let mut broken = builder.build_unvalidated();
    broken.frequency = Frequency::Quarterly;
    broken.contract.term_months = 50;
    broken.purchase_orders[0].payments[1].share = boxflow_core::Share::new(d("0.4"));
    match broken.validate() {
        Ok(_) => println!("unexpectedly valid"),
        Err(errors) => println!("{errors}"),
    }
}
