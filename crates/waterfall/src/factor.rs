//! Exact factors of the period loop: `rate · days / basis` as one integer ratio, so
//! that a rounded formula of the loop costs one `i128` product and one division.
//!
//! Section 0: "a rounded formula is evaluated as one product divided by one
//! denominator, dividing last, and only its result is rounded." A [`Factor`] keeps the
//! decimal `rate = m · 10^-s` and the day-count fraction `days / basis` as the integers
//! `m · days` and `10^s · basis`; an amount of `c` cents then yields
//! `round2(c · m · days / (10^s · basis))` cents, half away from zero, with nothing
//! rounded before. When a product does not fit `i128` (or the result does not fit
//! [`Money::from_cents`]), [`Factor::on`] takes the big-integer path of
//! [`round2_ratio`] on the same decimals: the result is the same number either way.

use boxflow_amortize::exact::round2_ratio;
use boxflow_core::{ArithmeticError, Money};
use rust_decimal::Decimal;

/// `rate · days / basis`, exact: a rate times a day-count fraction (interest, the
/// commitment fee) or a share alone (`days = basis = 1`, the sweep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Factor {
    rate: Decimal,
    days: i64,
    basis: i64,
    /// `m · days`, when it fits.
    numerator: Option<i128>,
    /// `10^s · basis`, positive, when it fits.
    denominator: Option<i128>,
}

impl Factor {
    /// `rate · days / basis`, `(days, basis)` a day-count fraction
    /// ([`boxflow_core::DayCount::fraction`]).
    pub(crate) fn accrual(rate: Decimal, (days, basis): (i64, i64)) -> Factor {
        let numerator = rate.mantissa().checked_mul(i128::from(days));
        let denominator = 10_i128
            .checked_pow(rate.scale())
            .and_then(|p| p.checked_mul(i128::from(basis)))
            .filter(|d| *d > 0);
        Factor {
            rate,
            days,
            basis,
            numerator,
            denominator,
        }
    }

    /// A share on its own.
    pub(crate) fn share(share: Decimal) -> Factor {
        Factor::accrual(share, (1, 1))
    }

    /// `round2(amount · rate · days / basis)`: 0 when the amount or the rate is 0.
    pub(crate) fn on(self, amount: Money) -> Result<Money, ArithmeticError> {
        if amount.is_zero() || self.rate.is_zero() {
            return Ok(Money::ZERO);
        }
        if let Some(cents) = self.small_cents(amount.cents()) {
            return Ok(Money::from_cents(cents));
        }
        round2_ratio(
            &[amount.amount(), self.rate, Decimal::from(self.days)],
            &[Decimal::from(self.basis)],
        )
    }

    /// `round2(cents · numerator / denominator)` on `i128`, half away from zero;
    /// `None` when a product or the result does not fit.
    fn small_cents(self, cents: i128) -> Option<i64> {
        let num = cents.checked_mul(self.numerator?)?;
        let den = self.denominator?;
        let (quotient, remainder) = (num.div_euclid(den), num.rem_euclid(den));
        // div_euclid with den > 0 is the floor; remainder in [0, den).
        let twice = remainder.checked_mul(2)?;
        let rounded = if quotient >= 0 {
            quotient + i128::from(twice >= den)
        } else {
            // At exactly one half a negative value rounds away from zero: the floor.
            quotient + i128::from(twice > den)
        };
        i64::try_from(rounded).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interest_is_one_product_divided_last() {
        // 100,000,000.00 · 0.0925 · 31 / 360 = 796,527.777… → 796,527.78
        let f = Factor::accrual(Decimal::new(925, 4), (31, 360));
        let interest = f.on(Money::from_cents(10_000_000_000)).unwrap();
        assert_eq!(interest, Money::from_cents(79_652_778));
    }

    #[test]
    fn halves_round_away_from_zero() {
        // 0.01 · 0.5 = 0.005 → 0.01; -0.01 · 0.5 = -0.005 → -0.01
        let half = Factor::share(Decimal::new(5, 1));
        assert_eq!(half.on(Money::from_cents(1)).unwrap(), Money::from_cents(1));
        assert_eq!(
            half.on(Money::from_cents(-1)).unwrap(),
            Money::from_cents(-1)
        );
        // -0.03 · 0.5 = -0.015 → -0.02; 0.03 · 0.25 = 0.0075 → 0.01
        assert_eq!(
            half.on(Money::from_cents(-3)).unwrap(),
            Money::from_cents(-2)
        );
        let quarter = Factor::share(Decimal::new(25, 2));
        assert_eq!(
            quarter.on(Money::from_cents(3)).unwrap(),
            Money::from_cents(1)
        );
    }

    #[test]
    fn a_product_too_large_for_i128_takes_the_exact_path() {
        // A 28-decimal rate: m · days overflows nothing, but cents · m does.
        let rate = Decimal::from_i128_with_scale(9_250_000_000_000_000_000_000_000_001, 28);
        let f = Factor::accrual(rate, (30, 360));
        let amount = Money::from_cents(1_000_000_000_000_000);
        let expected = round2_ratio(
            &[amount.amount(), rate, Decimal::from(30)],
            &[Decimal::from(360)],
        )
        .unwrap();
        assert_eq!(f.on(amount).unwrap(), expected);
        // 10,000,000,000,000.00 · 0.925 / 12 = 770,833,333,333.333… → …333.33
        assert_eq!(expected, Money::from_cents(77_083_333_333_333));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// The integer path and the exact path of `round2_ratio` agree on every amount,
        /// rate (up to 28 decimals) and day-count fraction, rounding included: half
        /// the draws are small enough for `i128`, half take the big-integer fallback.
        #[test]
        fn agrees_with_round2_ratio(
            cents in proptest::prop_oneof![
                -100_000_000_000_i128..100_000_000_000,
                -1_000_000_000_000_000_000_i128..1_000_000_000_000_000_000,
            ],
            mantissa in proptest::prop_oneof![
                0_i128..1_000_000_000,
                0_i128..100_000_000_000_000_000_000_000_000,
            ],
            scale in 0_u32..=28,
            days in -400_i64..4_000,
            basis in proptest::sample::select(vec![360_i64, 365, 1]),
        ) {
            let rate = Decimal::from_i128_with_scale(mantissa, scale);
            let amount = Money::checked(Decimal::from_i128_with_scale(cents, 2)).unwrap();
            let expected = round2_ratio(
                &[amount.amount(), rate, Decimal::from(days)],
                &[Decimal::from(basis)],
            );
            proptest::prop_assert_eq!(Factor::accrual(rate, (days, basis)).on(amount), expected);
        }
    }
}
