//! Numbers are read exactly as written (methodology section 0) and every default of
//! section 1 applies when a key is left out.

use std::str::FromStr;

use boxflow_core::{DayCount, Money, Quantity, Rate, Share};
use boxflow_deal::{parse, ErrorKind};
use boxflow_model::{
    Amortization, Commitment, Covenants, Deal, LockupAction, Rank, RateSpec, RepayBy,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A deal sheet with only the required keys (and a sized facility, a reserve, empty
/// covenants, a data center, an expense and a fee whose optional keys are left out).
const MINIMAL: &str = r#"
[deal]
name = "Minimal"
close = 2026-01-01
frequency = "monthly"

[contract]
customer = "Lab"
term_months = 24

[[contract.capacity]]
gpus = 1024
price_per_gpu_hour = "2.40"

[[purchase_order]]
units = 128
unit_cost = "290000"
payments = [{ date = 2026-01-01, share = "1" }]
useful_life_months = 72

[[datacenter]]
critical_kw = 1350
rate_per_kw_month = "160"
power_price_per_mwh = "65"

[[expense]]
per_month = "80000"

[[fee]]
per_year = "100000"

[[facility]]
name = "DDTL"
sizing = { dscr = "1.30", max_gearing = "0.70" }
rate = { index = "SOFR3M" }

[reserve]
months = 3

[covenants]

[curves.SOFR3M]
points = [[2026-01-01, "0.0365"]]
"#;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn minimal() -> Deal {
    parse(MINIMAL, "minimal.toml").unwrap().into_deal()
}

/// MINIMAL with `old` replaced by `new` (which must be there once).
fn with(old: &str, new: &str) -> String {
    assert_eq!(MINIMAL.matches(old).count(), 1, "{old}");
    MINIMAL.replace(old, new)
}

fn price_of(written: &str) -> Quantity {
    let sheet = with(
        "price_per_gpu_hour = \"2.40\"",
        &format!("price_per_gpu_hour = {written}"),
    );
    parse(&sheet, "price.toml").unwrap().contract.capacity[0].price_per_gpu_hour
}

#[test]
fn bare_quoted_and_short_forms_are_the_same_value() {
    let expected = Quantity::new(dec("2.2"));
    for written in [
        "2.20",
        "\"2.20\"",
        "2.2",
        "\"2.2\"",
        "22e-1",
        "\"0.22E+1\"",
        "2.200_0",
    ] {
        assert_eq!(price_of(written), expected, "{written}");
    }
}

#[test]
fn floats_are_read_from_their_text_not_through_f64() {
    // 0.1 as f64 is 0.1000000000000000055511151231257827...
    assert_eq!(price_of("0.1").value(), dec("0.1"));
    assert_eq!(
        price_of("1.0000000000000000000001").value(),
        dec("1.0000000000000000000001")
    );
    assert_eq!(price_of("1_000").value(), dec("1000"));
    assert_eq!(price_of("1e3").value(), dec("1000"));
    assert_eq!(price_of("\"1e3\"").value(), dec("1000"));
    assert_eq!(price_of("0x10").value(), dec("16"));
}

#[test]
fn large_money_stays_exact() {
    for written in ["99999999999999.99", "\"99999999999999.99\""] {
        let sheet = with(
            "customer = \"Lab\"",
            &format!(
                "customer = \"Lab\"\nprepayment = {written}\nprepayment_credit_share = \"0.2\""
            ),
        );
        let deal = parse(&sheet, "big.toml").unwrap().into_deal();
        assert_eq!(deal.contract.prepayment.to_string(), "99999999999999.99");
        assert_eq!(deal.contract.prepayment.cents(), 9_999_999_999_999_999);
    }
    let sheet = with(
        "sizing = { dscr = \"1.30\", max_gearing = \"0.70\" }",
        "amount = 12345678.90\ntarget_dscr = 1.3",
    );
    let deal = parse(&sheet, "amount.toml").unwrap().into_deal();
    assert_eq!(
        deal.facilities[0].commitment,
        Commitment::Fixed {
            amount: Money::from_cents(1_234_567_890),
            target_dscr: Some(boxflow_core::Ratio::new(dec("1.3"))),
        }
    );
}

#[test]
fn money_with_trailing_zeros_is_fine() {
    // "judged on the value: `100.000` is fine"
    let sheet = with(
        "customer = \"Lab\"",
        "customer = \"Lab\"\nprepayment = \"100.000\"\nprepayment_credit_share = 0.5",
    );
    assert_eq!(
        parse(&sheet, "x.toml").unwrap().contract.prepayment,
        Money::from_cents(10_000)
    );
}

#[test]
fn dates_may_be_native_or_quoted() {
    let sheet = with("close = 2026-01-01", "close = \"2026-01-01\"");
    assert_eq!(parse(&sheet, "x.toml").unwrap().into_deal(), minimal());
}

#[test]
fn counts_are_toml_integers() {
    let e = parse(&with("gpus = 1024", "gpus = \"1024\""), "x.toml").unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::WrongType);
    assert_eq!(
        e.errors[0].help.as_deref(),
        Some("write the number without quotes: 1024")
    );
    let e = parse(&with("gpus = 1024", "gpus = 1024.0"), "x.toml").unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::InvalidValue);
    assert!(e.errors[0].message.contains("positive whole number"));
    // interest_only_periods may be 0
    let sheet = with(
        "rate = { index",
        "interest_only_periods = 0\nrate = { index",
    );
    assert_eq!(
        parse(&sheet, "x.toml").unwrap().facilities[0].interest_only_periods,
        0
    );
}

#[test]
fn every_default_of_section_1() {
    let deal = minimal();
    let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    assert_eq!(deal.currency, "USD");
    // contract
    assert_eq!(deal.contract.escalator, Rate::ZERO);
    assert_eq!(deal.contract.prepayment, Money::ZERO);
    assert_eq!(deal.contract.prepayment_credit_share, Share::ZERO);
    let line = &deal.contract.capacity[0];
    assert_eq!(line.name, None);
    assert_eq!(line.online, close);
    // purchase order
    let po = &deal.purchase_orders[0];
    assert_eq!(po.item, None);
    assert_eq!(po.residual_share, Share::ZERO);
    // data center
    let dc = &deal.datacenters[0];
    assert_eq!(dc.site, None);
    assert_eq!(dc.escalator, Rate::ZERO);
    assert_eq!(dc.start, close);
    assert_eq!(dc.term_months, None);
    assert_eq!(dc.pue, Quantity::ONE);
    assert_eq!(dc.load_factor, Quantity::ONE);
    // expense and fee
    let ex = &deal.expenses[0];
    assert_eq!(
        (ex.name.as_deref(), ex.escalator, ex.start, ex.end),
        (None, Rate::ZERO, close, None)
    );
    let fee = &deal.fees[0];
    assert_eq!(
        (fee.name.as_deref(), fee.start, fee.end),
        (None, close, None)
    );
    // facility
    let f = &deal.facilities[0];
    assert_eq!(f.rank, Rank::Senior);
    assert_eq!(f.amortization, Amortization::Sculpted);
    assert_eq!(f.repay_by, RepayBy::Halfway);
    assert_eq!(f.day_count, DayCount::Act360);
    assert_eq!(
        f.rate,
        RateSpec::Floating {
            index: "SOFR3M".to_string(),
            margin: Rate::ZERO,
            floor: Rate::ZERO
        }
    );
    assert_eq!(f.upfront_fee, Rate::ZERO);
    assert_eq!(f.commitment_fee, Rate::ZERO);
    assert_eq!(f.sweep, Share::ZERO);
    assert_eq!(f.interest_only_periods, 0);
    // reserve and covenants
    assert!(deal.reserve.as_ref().unwrap().funded_at_close);
    let c = deal.covenants.as_ref().unwrap();
    assert_eq!(c.repaid_by_fraction, Share::new(dec("0.5")));
    assert_eq!(c.lockup_action, LockupAction::Sweep);
    assert_eq!((c.min_dscr, c.lockup_dscr, c.max_ltv), (None, None, None));
    // no [analysis]: npv is null
    assert_eq!(deal.analysis, None);
}

#[test]
fn absent_sections_mean_no_dsra_no_covenants_no_npv() {
    let sheet = with("[reserve]\nmonths = 3\n\n[covenants]\n", "");
    let deal = parse(&sheet, "x.toml").unwrap().into_deal();
    assert_eq!(deal.reserve, None);
    assert_eq!(deal.covenants, None);
    assert_eq!(deal.analysis, None);
    assert_eq!(
        deal.repaid_by_fraction(),
        Covenants::DEFAULT_REPAID_BY_FRACTION
    );
    assert!(deal.datacenters.len() == 1 && deal.curves.len() == 1);
}

#[test]
fn format_is_optional_and_1() {
    assert_eq!(
        parse(&format!("format = 1\n{MINIMAL}"), "x.toml")
            .unwrap()
            .into_deal(),
        minimal()
    );
    let e = parse(&format!("format = 2\n{MINIMAL}"), "x.toml").unwrap_err();
    assert_eq!(e.errors[0].kind, ErrorKind::InvalidValue);
    assert_eq!((e.errors[0].line, e.errors[0].column), (1, 10));
}

#[test]
fn online_before_close_and_a_negative_escalator_are_fine() {
    let sheet = with("gpus = 1024", "gpus = 1024\nonline = 2025-12-01").replace(
        "term_months = 24",
        "term_months = 24\nescalator = \"-0.05\"",
    );
    let deal = parse(&sheet, "x.toml").unwrap().into_deal();
    assert_eq!(deal.contract.escalator, Rate::new(dec("-0.05")));
    assert_eq!(
        deal.contract.capacity[0].online,
        NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
    );
}

#[test]
fn other_choices_read() {
    let sheet = with("rate = { index = \"SOFR3M\" }", "rate = { fixed = \"0.059\" }\nday_count = \"30/360\"\namortization = \"level\"\nrepay_by = 12\nrank = 2\nsweep = 0.25")
        .replace("frequency = \"monthly\"", "frequency = \"quarterly\"")
        .replace("[covenants]", "[covenants]\nlockup_action = \"hold\"\nrepaid_by_fraction = \"0.4\"")
        .replace("[[expense]]\nper_month = \"80000\"", "[[expense]]\nshare_of_revenue = \"0.02\"\nend = 2027-01-01");
    let deal = parse(&sheet, "x.toml").unwrap().into_deal();
    let f = &deal.facilities[0];
    assert_eq!(f.rate, RateSpec::Fixed(Rate::new(dec("0.059"))));
    assert_eq!(f.day_count, DayCount::Thirty360);
    assert_eq!(f.amortization, Amortization::Level);
    assert_eq!(f.repay_by, RepayBy::Months(12));
    assert_eq!(f.rank, Rank::Junior);
    assert_eq!(f.sweep, Share::new(dec("0.25")));
    assert_eq!(deal.frequency, boxflow_core::Frequency::Quarterly);
    let c = deal.covenants.as_ref().unwrap();
    assert_eq!(c.lockup_action, LockupAction::Hold);
    assert_eq!(deal.repaid_by_fraction(), Share::new(dec("0.4")));
    assert_eq!(
        deal.expenses[0].basis,
        boxflow_model::ExpenseBasis::ShareOfRevenue(Share::new(dec("0.02")))
    );
    assert_eq!(deal.expenses[0].end, NaiveDate::from_ymd_opt(2027, 1, 1));
}
