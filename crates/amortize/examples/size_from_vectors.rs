//! Sizes a facility from plain vectors, with no deal sheet: what a pricing tool or a
//! portfolio system linking `boxflow-amortize` alone would do.
//!
//! Run with `cargo run -p boxflow-amortize --example size_from_vectors`.

use boxflow_amortize::{halfway_check, CapexPayment, Profile, SchedulePeriod, ScheduleTerms};
use boxflow_core::{Calendar, DayCount, Frequency, Money, Ratio};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn main() {
    let close = NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date");
    // A 3-year monthly contract: CFADS of 12.5M a month, ramping from 6M in month 1.
    let calendar = Calendar::new(close, Frequency::Monthly, 36).expect("36 months");
    let cfads: Vec<Money> = (1..=36)
        .map(|k: i64| Money::from_cents(if k == 1 { 600_000_000 } else { 1_250_000_000 }))
        .collect();
    let periods = calendar
        .periods()
        .iter()
        .zip(&cfads)
        .map(|(p, c)| SchedulePeriod {
            start: p.start,
            end: p.end,
            rate: Decimal::new(6_15, 4), // 6.15%: SOFR 3.65% + 2.50%
            cfads: *c,
            prior_debt_service: Money::ZERO,
        })
        .collect();
    let capex = Money::from_cents(40_000_000_000); // 400M of GPUs, paid 70/30
    let terms = ScheduleTerms {
        periods,
        capex: vec![
            CapexPayment {
                date: close,
                period: 0,
                amount: Money::from_cents(28_000_000_000),
            },
            CapexPayment {
                date: NaiveDate::from_ymd_opt(2026, 3, 15).expect("a valid date"),
                period: 3,
                amount: Money::from_cents(12_000_000_000),
            },
        ],
        total_capex: capex,
        day_count: DayCount::Act360,
        commitment_fee: Decimal::new(50, 4),
        profile: Profile::Sculpted,
        interest_only_periods: 0,
        deadline: 18, // the halfway point of 36 months
        dscr: Some(Ratio::new(Decimal::new(125, 2))),
        rate_at_close: Decimal::new(6_15, 4),
        months_per_period: 1,
    };
    let upper = Money::floor2(Decimal::new(85, 2) * capex.amount());
    let sizing = terms.size(upper).expect("sizes");
    println!(
        "commitment {} (binding: {}, {} evaluations)",
        sizing.commitment,
        sizing.binding.as_str(),
        sizing.iterations
    );
    let closing: Vec<Money> = sizing.schedule.rows.iter().map(|r| r.closing).collect();
    let draws: Vec<Money> = sizing.schedule.rows.iter().map(|r| r.draws).collect();
    let check = halfway_check(sizing.schedule.closing_draws, &closing, &draws, 18);
    println!(
        "repaid in period {:?}; halfway covenant {}",
        check.repaid_period,
        if check.passes { "passes" } else { "fails" }
    );
    for row in sizing.schedule.rows.iter().take(4) {
        println!(
            "period {:>2}: interest {:>14} fee {:>10} principal {:>14} closing {:>16}",
            row.period, row.interest, row.commitment_fee, row.principal, row.closing
        );
    }
}
