//! The reference deal sheet reads exactly as written, with the defaults of
//! methodology section 1. Expected values are read off the sheet by hand.

use std::str::FromStr;

use boxflow_core::{DayCount, Frequency, Money, Quantity, Rate, Ratio, Share};
use boxflow_deal::parse;
use boxflow_model::{
    validate, Amortization, Commitment, Deal, ExpenseBasis, LockupAction, Rank, RateSpec, RepayBy,
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

#[test]
fn deal_section() {
    let deal = reference();
    assert_eq!(deal.name, "Box 7 - Hyperscaler A, H100 cluster");
    assert_eq!(deal.currency, "USD");
    assert_eq!(deal.close, date(2026, 1, 1));
    assert_eq!(deal.frequency, Frequency::Monthly);
}

#[test]
fn contract_and_capacity() {
    let k = reference().contract;
    assert_eq!(k.customer, "Hyperscaler A");
    assert_eq!(k.term_months, 60);
    assert_eq!(k.escalator, Rate::ZERO);
    assert_eq!(k.prepayment, Money::from_cents(150_000_000_00));
    assert_eq!(k.prepayment.to_string(), "150000000.00");
    assert_eq!(k.prepayment_credit_share, Share::new(dec("0.20")));
    assert_eq!(k.capacity.len(), 2);
    let (p1, p2) = (&k.capacity[0], &k.capacity[1]);
    assert_eq!(p1.name.as_deref(), Some("Phase 1"));
    assert_eq!(p1.gpus, 16384);
    assert_eq!(p1.online, date(2026, 1, 1));
    // "2.20" is exactly 2.2: no binary float in between
    assert_eq!(p1.price_per_gpu_hour, Quantity::new(dec("2.2")));
    assert_eq!(p1.price_per_gpu_hour.value().to_string(), "2.2");
    assert_eq!(p2.name.as_deref(), Some("Phase 2"));
    assert_eq!(p2.gpus, 8192);
    assert_eq!(p2.online, date(2026, 3, 16));
    assert_eq!(p2.price_per_gpu_hour, Quantity::new(dec("2.20")));
}

#[test]
fn purchase_orders() {
    let deal = reference();
    let pos = &deal.purchase_orders;
    assert_eq!(pos.len(), 2);
    assert_eq!(
        pos[0].item.as_deref(),
        Some("HGX H100 8-GPU servers, Phase 1")
    );
    assert_eq!(pos[0].units, 2048);
    assert_eq!(pos[0].unit_cost, Quantity::new(dec("310000")));
    assert_eq!(pos[0].payments.len(), 1);
    assert_eq!(pos[0].payments[0].date, date(2026, 1, 1));
    assert_eq!(pos[0].payments[0].share, Share::ONE);
    assert_eq!(pos[0].useful_life_months, 72);
    assert_eq!(pos[0].residual_share, Share::new(dec("0.2")));
    assert_eq!(pos[1].units, 1024);
    let shares: Vec<(NaiveDate, Decimal)> = pos[1]
        .payments
        .iter()
        .map(|p| (p.date, p.share.value()))
        .collect();
    assert_eq!(
        shares,
        [
            (date(2026, 1, 1), dec("0.3")),
            (date(2026, 3, 10), dec("0.7"))
        ]
    );
    // T = 2048 · 310000 + 1024 · 310000 = 952,320,000 (worked example)
    let total: Decimal = pos
        .iter()
        .map(|p| Decimal::from(p.units) * p.unit_cost.value())
        .sum();
    assert_eq!(total, dec("952320000"));
}

#[test]
fn datacenter_expenses_and_fees() {
    let deal = reference();
    assert_eq!(deal.datacenters.len(), 1);
    let dc = &deal.datacenters[0];
    assert_eq!(dc.site.as_deref(), Some("Site A, 35 MW critical IT"));
    assert_eq!(dc.critical_kw, Quantity::new(dec("35000")));
    assert_eq!(dc.rate_per_kw_month, Quantity::new(dec("140")));
    assert_eq!(dc.escalator, Rate::new(dec("0.03")));
    assert_eq!(dc.start, date(2026, 1, 1));
    assert_eq!(dc.term_months, None);
    assert_eq!(dc.power_price_per_mwh, Quantity::new(dec("65")));
    assert_eq!(dc.pue, Quantity::new(dec("1.3")));
    assert_eq!(dc.load_factor, Quantity::new(dec("0.85")));

    assert_eq!(deal.expenses.len(), 2);
    let om = &deal.expenses[0];
    assert_eq!(om.name.as_deref(), Some("Operations and maintenance"));
    assert_eq!(
        om.basis,
        ExpenseBasis::PerMonth(Quantity::new(dec("1200000")))
    );
    assert_eq!(om.escalator, Rate::new(dec("0.03")));
    assert_eq!(om.start, deal.close); // default: close
    assert_eq!(om.end, None);
    let insurance = &deal.expenses[1];
    assert_eq!(
        insurance.basis,
        ExpenseBasis::PerMonth(Quantity::new(dec("350000")))
    );
    assert_eq!(insurance.escalator, Rate::ZERO); // default

    assert_eq!(deal.fees.len(), 1);
    assert_eq!(deal.fees[0].name.as_deref(), Some("Agent and trustee"));
    assert_eq!(deal.fees[0].per_year, Quantity::new(dec("300000")));
    assert_eq!(deal.fees[0].start, deal.close);
    assert_eq!(deal.fees[0].end, None);
}

#[test]
fn facility() {
    let deal = reference();
    assert_eq!(deal.facilities.len(), 1);
    let f = deal.senior().unwrap();
    assert_eq!(f.name, "DDTL");
    assert_eq!(f.rank, Rank::Senior);
    assert_eq!(
        f.commitment,
        Commitment::Sized {
            dscr: Ratio::new(dec("1.30")),
            max_gearing: Share::new(dec("0.80")),
        }
    );
    assert_eq!(
        f.rate,
        RateSpec::Floating {
            index: "SOFR3M".to_string(),
            margin: Rate::new(dec("0.04")),
            floor: Rate::ZERO,
        }
    );
    assert_eq!(f.day_count, DayCount::Act360);
    assert_eq!(f.amortization, Amortization::Sculpted);
    assert_eq!(f.interest_only_periods, 0);
    assert_eq!(f.repay_by, RepayBy::Halfway);
    assert_eq!(f.upfront_fee, Rate::new(dec("0.015")));
    assert_eq!(f.commitment_fee, Rate::new(dec("0.005")));
    assert_eq!(f.sweep, Share::ZERO);
    assert_eq!(f.schedule_dscr(), Some(Ratio::new(dec("1.3"))));
    assert!(deal.junior().is_none());
}

#[test]
fn reserve_covenants_curves_analysis() {
    let deal = reference();
    let r = deal.reserve.as_ref().unwrap();
    assert_eq!(r.months, 6);
    assert!(r.funded_at_close);
    let c = deal.covenants.as_ref().unwrap();
    assert_eq!(c.min_dscr, Some(Ratio::new(dec("1.10"))));
    assert_eq!(c.lockup_dscr, Some(Ratio::new(dec("1.20"))));
    assert_eq!(c.lockup_action, LockupAction::Sweep);
    assert_eq!(c.repaid_by_fraction, Share::new(dec("0.5")));
    assert_eq!(c.max_ltv, Some(Ratio::new(dec("0.85"))));
    assert_eq!(deal.repaid_by_fraction(), Share::new(dec("0.5")));

    let sofr = &deal.curves["SOFR3M"];
    let points: Vec<(NaiveDate, Decimal)> =
        sofr.points.iter().map(|(d, v)| (*d, v.value())).collect();
    assert_eq!(
        points,
        [
            (date(2026, 1, 1), dec("0.0365")),
            (date(2026, 7, 1), dec("0.0350")),
            (date(2027, 1, 1), dec("0.0340")),
            (date(2028, 1, 1), dec("0.0330")),
        ]
    );
    assert_eq!(
        sofr.value_at(date(2026, 6, 30)),
        Some(Rate::new(dec("0.0365")))
    );
    assert_eq!(
        sofr.value_at(date(2030, 1, 1)),
        Some(Rate::new(dec("0.033")))
    );
    assert_eq!(
        deal.analysis.as_ref().unwrap().discount_rate,
        Rate::new(dec("0.12"))
    );
}

#[test]
fn the_reference_deal_is_valid() {
    assert_eq!(validate(&reference()), []);
}

#[test]
fn bare_numbers_read_the_same_as_strings() {
    // Unquote every number of the reference deal: nothing changes.
    let bare = REFERENCE
        .lines()
        .map(|line| {
            if line.contains("name") || line.contains("item") || line.contains("site") {
                return line.to_string();
            }
            let mut out = String::new();
            let mut rest = line;
            while let Some(i) = rest.find('"') {
                let (before, after) = rest.split_at(i);
                out.push_str(before);
                let after = &after[1..];
                let j = after.find('"').unwrap();
                let inner = &after[..j];
                if Decimal::from_str(inner).is_ok() {
                    out.push_str(inner);
                } else {
                    out.push('"');
                    out.push_str(inner);
                    out.push('"');
                }
                rest = &after[j + 1..];
            }
            out.push_str(rest);
            out
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(bare.contains("price_per_gpu_hour = 2.20"));
    assert!(bare.contains("prepayment = 150000000"));
    assert_eq!(parse(&bare, "bare.toml").unwrap().into_deal(), reference());
}
