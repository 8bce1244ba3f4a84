//! Every tranche's true ratios: the combined DSCR over the debt service of every
//! facility, and each facility's repayment against its own deadline.
//!
//! The senior DSCR of methodology section 11 (`PeriodResult::dscr`) is what the
//! covenants test. A junior sized to a DSCR is sized on the combined figure (section 7:
//! its cap is `floor2(CFADS_k / dscr)` minus the senior's debt service), so a junior's
//! true cover is CFADS over the debt service of both facilities, never CFADS over its
//! own debt service alone.

use boxflow_amortize::halfway_check_of_path;
use boxflow_core::{Money, MoneyRatio};
use boxflow_model::Rank;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::plan::Plan;
use crate::run::{Closing, FacilityPeriod, PeriodResult};

/// A facility's debt service due in a period, as the DSCR of section 11 counts it:
/// `interest_k + commitment_fee_k + principal_due_k`, arrears excluded.
pub fn debt_service_due(f: &FacilityPeriod) -> Money {
    f.interest_due + f.commitment_fee_due + f.principal_due
}

impl PeriodResult {
    /// The combined DSCR: `CFADS_k / Σ_f (interest_k + commitment_fee_k +
    /// principal_due_k)` over every facility (arrears excluded, as in section 11);
    /// `None` when that debt service is 0. With a senior facility alone it equals
    /// [`PeriodResult::dscr`].
    pub fn dscr_total(&self) -> Option<Decimal> {
        let due: Money = self.facilities.iter().map(debt_service_due).sum();
        MoneyRatio::new(self.operations.cfads, due).map(MoneyRatio::value)
    }
}

/// The lowest non-null combined DSCR over all periods and the first period at it.
///
/// The same minimum and period as comparing every period's [`PeriodResult::dscr_total`]
/// (the first period wins a tie), with one decimal division in all rather than one
/// per period: the periods' ratios are compared by [`MoneyRatio`]'s order, which is
/// that of their decimal quotients.
pub fn min_dscr_total(periods: &[PeriodResult]) -> Option<(Decimal, usize)> {
    let ratios = periods.iter().filter_map(|p| {
        let due: Money = p.facilities.iter().map(debt_service_due).sum();
        MoneyRatio::new(p.operations.cfads, due).map(|x| (x, p.period))
    });
    crate::summary::lowest_ratio(ratios).map(|(m, k)| (m.value(), k))
}

/// One facility's repayment in the run against its own deadline `H` (`repay_by`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FacilityDeadline {
    /// The facility's name.
    pub name: String,
    /// Its rank (1 or 2 in JSON).
    #[serde(serialize_with = "rank_number")]
    pub rank: Rank,
    /// `H`: the period its close schedule repays it by.
    pub repay_by_period: usize,
    /// The first period whose closing balance is 0 with no draws after it; `None` if
    /// never.
    pub repaid_period: Option<usize>,
    /// The closing balance of period `H`.
    pub balance_at_deadline: Money,
    /// True when that balance is 0 (`"deadline": "pass"` or `"fail"` in JSON).
    #[serde(rename = "deadline", serialize_with = "crate::summary::pass_or_fail")]
    pub passes: bool,
}

fn rank_number<S: serde::Serializer>(rank: &Rank, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u8(rank.number())
}

/// Each facility's repayment in the run, senior first, against its own deadline
/// (the halfway covenant is the senior's alone: a junior due after halfway is judged
/// at its own `repay_by`).
pub fn facility_deadlines(
    plan: &Plan,
    closing: &Closing,
    periods: &[PeriodResult],
) -> Vec<FacilityDeadline> {
    plan.facilities
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let path = periods.iter().map(|p| {
                p.facilities
                    .get(i)
                    .map_or((Money::ZERO, Money::ZERO), |x| (x.closing, x.draws))
            });
            let at_close = closing.draws.get(i).map_or(Money::ZERO, |d| d.1);
            let check = halfway_check_of_path(at_close, path, f.deadline);
            FacilityDeadline {
                name: String::from(&*f.name),
                rank: f.rank,
                repay_by_period: f.deadline,
                repaid_period: check.repaid_period,
                balance_at_deadline: check.balance_at_halfway,
                passes: check.passes,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_period() -> PeriodResult {
        let deal = boxflow_model::Deal::example().validate().unwrap();
        let run = crate::run(&deal).unwrap();
        run.periods[0].clone()
    }

    #[test]
    fn the_combined_dscr_counts_every_facility() {
        let mut p = example_period();
        let m = Money::from_cents;
        p.operations.cfads = m(130_00);
        let mut senior = p.facilities[0].clone();
        senior.interest_due = m(30_00);
        senior.commitment_fee_due = m(50);
        senior.principal_due = m(49_50);
        // Arrears are not debt service due (section 11).
        senior.interest_arrears_in = m(1_000_00);
        let mut junior = senior.clone();
        junior.rank = Rank::Junior;
        junior.interest_due = m(12_00);
        junior.commitment_fee_due = m(0);
        junior.principal_due = m(8_00);
        p.facilities = vec![senior, junior].into();
        // Senior 30.00 + 0.50 + 49.50 = 80.00; junior 12.00 + 8.00 = 20.00;
        // combined 130.00 / 100.00 = 1.3 (the senior's own: 130 / 80 = 1.625).
        assert_eq!(debt_service_due(&p.facilities[0]), m(80_00));
        assert_eq!(p.dscr_total(), Some(Decimal::new(13, 1)));
        assert_eq!(
            min_dscr_total(std::slice::from_ref(&p)),
            Some((Decimal::new(13, 1), p.period))
        );

        for f in &mut p.facilities {
            f.interest_due = Money::ZERO;
            f.commitment_fee_due = Money::ZERO;
            f.principal_due = Money::ZERO;
        }
        assert_eq!(p.dscr_total(), None);
    }

    /// The minimum as the definition reads it: every period's decimal quotient,
    /// compared in order, the first period winning a tie.
    fn min_by_division(periods: &[PeriodResult]) -> Option<(Decimal, usize)> {
        let mut min: Option<(Decimal, usize)> = None;
        for p in periods {
            if let Some(d) = p.dscr_total() {
                if min.is_none_or(|(m, _)| d < m) {
                    min = Some((d, p.period));
                }
            }
        }
        min
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// The screened minimum is the divided one, period included, on CFADS and debt
        /// service from -1e20 to 1e20 (zero included): exact ties (the same fraction
        /// scaled), near ties (one cent apart on amounts up to 1e20, whose quotients
        /// agree to about 20 digits) and cross-products past `i128`.
        #[test]
        fn the_screened_minimum_is_the_divided_one(
            pairs in proptest::collection::vec(
                (
                    -100_000_000_000_000_000_000i128..=100_000_000_000_000_000_000,
                    -100_000_000_000_000_000_000i128..=100_000_000_000_000_000_000,
                    0u8..4,
                    1i128..1_000,
                ),
                1..40,
            ),
            small in proptest::bool::ANY,
        ) {
            let base = example_period();
            let mut periods = Vec::new();
            let mut last: Option<(i128, i128)> = None;
            for (k, &(a, b, kind, scale)) in pairs.iter().enumerate() {
                let (a, b) = if small { (a % 1_000_000, b % 10_000) } else { (a, b) };
                // 0: free; 1: the previous fraction scaled (a tie); 2: one cent off
                // the previous numerator (a near tie); 3: no debt service.
                let (a, b) = match (kind, last) {
                    (1, Some((pa, pb))) if (pa * scale).abs() <= 10i128.pow(22)
                        && (pb * scale).abs() <= 10i128.pow(22) => (pa * scale, pb * scale),
                    (2, Some((pa, pb))) => (pa + 1, pb),
                    (3, _) => (a, 0),
                    _ => (a, b),
                };
                last = Some((a, b));
                let mut p = base.clone();
                p.period = k + 1;
                p.operations.cfads = Money::checked_cents(a).unwrap();
                p.facilities.truncate(1);
                let f = &mut p.facilities[0];
                f.interest_due = Money::checked_cents(b).unwrap();
                f.commitment_fee_due = Money::ZERO;
                f.principal_due = Money::ZERO;
                periods.push(p);
            }
            proptest::prop_assert_eq!(min_dscr_total(&periods), min_by_division(&periods));
        }
    }
}
