//! Proptest strategies over a deal's scenario space: each shock of a `[[scenario]]`
//! on its own, [`scenario`], any combination of them within a deal's term, and
//! [`line_scenario`] / [`any_line_scenario`], the shocks of one capacity line of a
//! multi-line deal, targeted by its name as `[[scenario]] line = ...` and the
//! `key@line=value` spec target it.
//!
//! Every value drawn is valid for the deal it is drawn for (a default period within
//! the term, shares in [0, 1], shocks above -1), in whole basis points or months, so
//! a failing case shrinks toward the base case and prints as a spec
//! (`boxflow_scenario::parse_scenario` reads it back).
//!
//! ```
//! use boxflow_scenario::Base;
//! use boxflow_testkit::{deals, scenarios};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! let base = Base::new(deals::valid(deals::reference_deal())).unwrap();
//! let mut runner = TestRunner::new(Config { cases: 4, ..Config::default() });
//! runner
//!     .run(&scenarios::scenario(&base.deal), |s| {
//!         let run = base.run_scenario(&s).unwrap();
//!         prop_assert!(run.verify().is_empty());
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use boxflow_core::{Decimal, Rate, Share};
use boxflow_model::{CustomerDefault, Deal, ReLease, Scenario};
use proptest::prelude::*;

/// A share in whole basis points from 0 to `max_bp` (at most 10,000).
fn share_bp(max_bp: u32) -> impl Strategy<Value = Share> {
    (0..=max_bp.min(10_000)).prop_map(|bp| Share::new(Decimal::new(i64::from(bp), 4)))
}

/// A price haircut from 0 to `max_bp` basis points of the price.
pub fn price_haircut(max_bp: u32) -> impl Strategy<Value = Share> {
    share_bp(max_bp)
}

/// A customer default in a period from 1 to `periods` (none when `periods` is 0),
/// half the time with a re-lease after 0 to 12 periods at 0% to 100% of the contract
/// price.
pub fn customer_default(periods: u32) -> impl Strategy<Value = Option<CustomerDefault>> {
    let re_lease = prop::option::of((0_u32..=12, share_bp(10_000)).prop_map(
        |(after_periods, price_share)| ReLease {
            after_periods,
            price_share,
        },
    ));
    (1..=periods.max(1), re_lease).prop_map(move |(period, re_lease)| {
        (periods > 0).then_some(CustomerDefault { period, re_lease })
    })
}

/// A rate shock in whole basis points from `lo` to `hi`.
pub fn rate_shock_bps(lo: i32, hi: i32) -> impl Strategy<Value = Decimal> {
    (lo..=hi.max(lo)).prop_map(Decimal::from)
}

/// An opex or power shock in whole basis points from `-max_bp` to `max_bp` (at
/// most 9,999 below: a shock stays above -1).
pub fn cost_shock(max_bp: u32) -> impl Strategy<Value = Rate> {
    let lo = -i64::from(max_bp.min(9_999));
    (lo..=i64::from(max_bp)).prop_map(|bp| Rate::new(Decimal::new(bp, 4)))
}

/// An online delay from 0 to `max_months` months.
pub fn online_delay_months(max_months: u32) -> impl Strategy<Value = u32> {
    0..=max_months
}

/// A residual share from 0% to 100% of cost, in whole percent.
pub fn residual_share() -> impl Strategy<Value = Share> {
    (0_i64..=100).prop_map(|pct| Share::new(Decimal::new(pct, 2)))
}

/// The number of periods of a deal's contract (0 when its term is not a whole number
/// of periods: a deal that does not validate).
pub fn periods(deal: &Deal) -> u32 {
    let m = deal.frequency.months();
    match deal.contract.term_months.checked_rem(m) {
        Some(0) => deal.contract.term_months / m,
        _ => 0,
    }
}

/// Any scenario of the deal: each shock present about half the time, within the
/// ranges above (haircut up to 50%, a default in the term, rate shock -100 to +500
/// bps, opex and power shocks of ±50%, delays up to 12 months, any residual share).
/// A shock left out is neutral, so shrinking moves toward the base case.
pub fn scenario(deal: &Deal) -> impl Strategy<Value = Scenario> {
    let n = periods(deal);
    let price = (
        prop::option::of(price_haircut(5_000)),
        prop::option::of(customer_default(n)),
        prop::option::of(online_delay_months(12)),
    );
    let costs = (
        prop::option::of(rate_shock_bps(-100, 500)),
        prop::option::of(cost_shock(5_000)),
        prop::option::of(cost_shock(5_000)),
        prop::option::of(residual_share()),
    );
    (price, costs).prop_map(
        |((haircut, default, delay), (rate, opex, power, residual))| {
            let mut s = Scenario::new("generated");
            s.price_haircut = haircut.unwrap_or(Share::ZERO);
            s.customer_default = default.flatten();
            s.online_delay_months = delay.unwrap_or(0);
            s.rate_shock_bps = rate.unwrap_or(Decimal::ZERO);
            s.opex_shock = opex.unwrap_or(Rate::ZERO);
            s.power_shock = power.unwrap_or(Rate::ZERO);
            s.residual_share = residual;
            s
        },
    )
}

/// The names of a deal's named capacity lines, in the sheet's order (a line without a
/// `name` cannot be targeted).
pub fn line_names(deal: &Deal) -> Vec<String> {
    deal.contract
        .capacity
        .iter()
        .filter_map(|l| l.name.clone())
        .collect()
}

/// Any scenario of one capacity line, `line` by name (`[[scenario]] line = "Phase 2"`,
/// or `price_haircut@Phase 2=0.2` in a spec): its line shocks reach that line only,
/// the other lines bill as in the base case. A price haircut of 1 basis point to 50%
/// is always drawn (a scenario with a `line` must shock it: the rule `scenario_line`
/// of `boxflow_model::validate`), so a failure shrinks toward the mildest shock of the
/// line; a customer default in the term and an online delay up to 12 months are each
/// present about half the time. The deal-wide shocks (rate, costs, residual) are left at
/// the base case: combine with [`scenario`]'s for them.
///
/// ```
/// use boxflow_scenario::Base;
/// use boxflow_testkit::{deals, scenarios};
/// use proptest::prelude::*;
/// use proptest::test_runner::{Config, TestRunner};
///
/// let base = Base::new(deals::valid(deals::reference_deal())).unwrap();
/// // The reference deal has two lines, "Phase 1" and "Phase 2".
/// assert_eq!(scenarios::line_names(&base.deal), ["Phase 1", "Phase 2"]);
/// let mut runner = TestRunner::new(Config { cases: 4, ..Config::default() });
/// runner
///     .run(&scenarios::line_scenario(&base.deal, "Phase 2"), |s| {
///         prop_assert_eq!(s.line.as_deref(), Some("Phase 2"));
///         let run = base.run_scenario(&s).unwrap();
///         prop_assert!(run.verify().is_empty());
///         Ok(())
///     })
///     .unwrap();
/// ```
pub fn line_scenario(deal: &Deal, line: &str) -> impl Strategy<Value = Scenario> {
    let n = periods(deal);
    let line = line.to_string();
    (
        (1_i64..=5_000).prop_map(|bp| Share::new(Decimal::new(bp, 4))),
        prop::option::of(customer_default(n)),
        prop::option::of(online_delay_months(12)),
    )
        .prop_map(move |(haircut, default, delay)| {
            let mut s = Scenario::new(format!("generated on {line}"));
            s.line = Some(line.clone());
            s.price_haircut = haircut;
            s.customer_default = default.flatten();
            s.online_delay_months = delay.unwrap_or(0);
            s
        })
}

/// A [`line_scenario`] of any named capacity line of the deal (the line drawn first,
/// shrinking toward the first line); `None` when no line has a name.
pub fn any_line_scenario(deal: &Deal) -> Option<impl Strategy<Value = Scenario>> {
    let names = line_names(deal);
    if names.is_empty() {
        return None;
    }
    let deal = deal.clone();
    Some((0..names.len()).prop_flat_map(move |i| line_scenario(&deal, &names[i])))
}
