//! The builders apply the defaults of methodology section 1, and validation gives a
//! deal built in code the same errors, by deal-sheet path, as a sheet.

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Share};
use boxflow_model::*;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn date(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn minimal() -> DealBuilder {
    let close = date(2026, 1, 1);
    Deal::builder("Box", close, Frequency::Monthly)
        .contract(ContractBuilder::new("Lab", 12).capacity(CapacityBuilder::new(8, d("2.20"))))
        .purchase_order(PurchaseOrderBuilder::new(1, d("300000"), 72).payment(close, d("1")))
}

#[test]
fn every_default_of_section_1() {
    let close = date(2026, 1, 1);
    let deal = minimal()
        .datacenter(DatacenterBuilder::new(d("100"), d("140"), d("65")))
        .expense(ExpenseBuilder::per_month(d("1000")))
        .fee(FeeBuilder::per_year(d("12000")))
        .facility(
            FacilityBuilder::fixed("Loan", RateSpec::fixed(d("0.08")), d("100000"))
                .amortization(Amortization::Level),
        )
        .covenants(CovenantsBuilder::new())
        .reserve(3)
        .build()
        .unwrap();
    // deal.currency = "USD"
    assert_eq!(deal.currency, "USD");
    // contract escalator and prepayment = 0
    assert_eq!(deal.contract.escalator, Rate::ZERO);
    assert_eq!(deal.contract.prepayment, Money::ZERO);
    // capacity online = close
    assert_eq!(deal.contract.capacity[0].online, close);
    // residual_share = 0
    assert_eq!(deal.purchase_orders[0].residual_share, Share::ZERO);
    // datacenter escalator 0, pue = load_factor = 1, start = close, open-ended
    let dc = &deal.datacenters[0];
    assert_eq!(dc.escalator, Rate::ZERO);
    assert_eq!(dc.pue, Quantity::new(Decimal::ONE));
    assert_eq!(dc.load_factor, Quantity::new(Decimal::ONE));
    assert_eq!((dc.start, dc.term_months), (close, None));
    // expense escalator 0, item start = close, open-ended
    assert_eq!(deal.expenses[0].escalator, Rate::ZERO);
    assert_eq!(
        (deal.expenses[0].start, deal.expenses[0].end),
        (close, None)
    );
    assert_eq!((deal.fees[0].start, deal.fees[0].end), (close, None));
    // facility rank 1, repay_by halfway, ACT/360, fees, sweep and IO periods 0
    let f = &deal.facilities[0];
    assert_eq!(f.rank, Rank::Senior);
    assert_eq!(f.repay_by, RepayBy::Halfway);
    assert_eq!(f.day_count, DayCount::Act360);
    assert_eq!((f.upfront_fee, f.commitment_fee), (Rate::ZERO, Rate::ZERO));
    assert_eq!((f.sweep, f.interest_only_periods), (Share::ZERO, 0));
    // reserve.funded_at_close = true; repaid_by_fraction = 0.5; lockup_action = sweep
    assert!(deal.reserve.as_ref().unwrap().funded_at_close);
    let c = deal.covenants.as_ref().unwrap();
    assert_eq!(c.repaid_by_fraction, Share::new(d("0.5")));
    assert_eq!(c.lockup_action, LockupAction::Sweep);
    assert_eq!((c.min_dscr, c.lockup_dscr, c.max_ltv), (None, None, None));
}

#[test]
fn a_sculpted_facility_defaults_to_sculpted() {
    let deal = minimal()
        .facility(FacilityBuilder::sized(
            "Loan",
            RateSpec::fixed(d("0.08")),
            d("1.3"),
            d("0.8"),
        ))
        .build()
        .unwrap();
    assert_eq!(deal.facilities[0].amortization, Amortization::Sculpted);
}

#[test]
fn a_deal_built_in_code_gets_the_sheets_errors_by_path() {
    // A sculpted fixed amount needs a target_dscr (section 1), and a payment share
    // of 0.9 does not sum to 1: two errors at once, each at its deal-sheet path.
    let close = date(2026, 1, 1);
    let errors = Deal::builder("Box", close, Frequency::Monthly)
        .contract(ContractBuilder::new("Lab", 12).capacity(CapacityBuilder::new(8, d("2.20"))))
        .purchase_order(PurchaseOrderBuilder::new(1, d("300000"), 72).payment(close, d("0.9")))
        .facility(FacilityBuilder::fixed(
            "Loan",
            RateSpec::fixed(d("0.08")),
            d("1000"),
        ))
        .build()
        .unwrap_err();
    let paths: Vec<&str> = errors.invalid.iter().map(|i| i.path.as_str()).collect();
    assert!(paths.contains(&"purchase_order[0].payments"), "{paths:?}");
    assert!(
        paths.iter().any(|p| p.starts_with("facility[0]")),
        "{paths:?}"
    );
    assert_eq!(errors.invalid.len(), 2, "{errors}");
}

#[test]
fn a_builder_without_a_contract_is_refused() {
    let errors = Deal::builder("Box", date(2026, 1, 1), Frequency::Monthly)
        .build()
        .unwrap_err();
    assert!(
        errors
            .invalid
            .iter()
            .any(|i| i.path.starts_with("contract")),
        "{errors}"
    );
}

#[test]
fn with_scenario_checks_the_scenario_and_shocks_the_deal() {
    let valid = Deal::example().validate().unwrap();
    // 10% off 2.50 is 2.25 exactly; a two-month delay from close 2026-01-01 is 2026-03-01.
    let mut s = Scenario::new("cut and late");
    s.price_haircut = Share::new(d("0.10"));
    s.online_delay_months = 2;
    let shocked = valid.with_scenario(&s).unwrap();
    assert_eq!(
        shocked.contract.capacity[0].price_per_gpu_hour,
        Quantity::new(d("2.25"))
    );
    assert_eq!(shocked.contract.capacity[0].online, date(2026, 3, 1));
    // The debt terms are untouched.
    assert_eq!(shocked.facilities, valid.facilities);
    // A default after the 24 periods of the term is refused, at the scenario's path.
    let mut late = Scenario::new("late");
    late.customer_default = Some(CustomerDefault {
        period: 25,
        re_lease: None,
    });
    let e = valid.with_scenario(&late).unwrap_err();
    assert_eq!(e.invalid[0].path, "scenario.default_period");
}
