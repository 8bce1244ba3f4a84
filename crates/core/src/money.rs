//! Exact money: amounts in cents, rounded only where the methodology says.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

use crate::{ArithmeticError, Digits};

/// [`Money::max_amount`] in cents.
const MAX_CENTS: u128 = 10_000_000_000_000_000_000_000;

/// `round2(x)`: round to cents, half away from zero (methodology section 0).
///
/// ```
/// use boxflow_core::round2;
/// use rust_decimal::Decimal;
/// assert_eq!(round2(Decimal::new(12345, 3)), Decimal::new(1235, 2)); // 12.345 -> 12.35
/// assert_eq!(round2(Decimal::new(-12345, 3)), Decimal::new(-1235, 2)); // -12.345 -> -12.35
/// ```
pub fn round2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `floor2(x)`: round down to cents, toward negative infinity (methodology section 0).
///
/// ```
/// use boxflow_core::floor2;
/// use rust_decimal::Decimal;
/// assert_eq!(floor2(Decimal::new(10083493815, 3)), Decimal::new(1008349381, 2));
/// assert_eq!(floor2(Decimal::new(-1001, 3)), Decimal::new(-101, 2)); // -1.001 -> -1.01
/// ```
pub fn floor2(x: Decimal) -> Decimal {
    x.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)
}

/// Evaluates a rounded formula the way methodology section 0 prescribes: one
/// product of `factors`, divided last by `denominator`, unrounded.
///
/// Returns an error instead of overflowing or dividing by zero.
pub fn quotient(factors: &[Decimal], denominator: Decimal) -> Result<Decimal, ArithmeticError> {
    let numerator = product(factors)?;
    if denominator.is_zero() {
        return Err(ArithmeticError::DivisionByZero);
    }
    numerator
        .checked_div(denominator)
        .ok_or(ArithmeticError::Overflow)
}

/// The exact product of `factors`, or an error when it leaves the decimal range.
pub fn product(factors: &[Decimal]) -> Result<Decimal, ArithmeticError> {
    factors.iter().try_fold(Decimal::ONE, |acc, f| {
        acc.checked_mul(*f).ok_or(ArithmeticError::Overflow)
    })
}

/// An exact amount of money, always a whole number of cents.
///
/// Money can be added to and subtracted from money, never to a rate: a
/// [`crate::Rate`] times an amount is computed on the underlying decimals and
/// rounded back with [`Money::round2`] or [`Money::floor2`]. It is stored as whole
/// cents, so sums, differences and comparisons are exact integer operations.
///
/// ```
/// use boxflow_core::Money;
/// use rust_decimal::Decimal;
/// let a = Money::round2(Decimal::new(26817331_20, 2));
/// let credit = Money::round2(a.amount() * Decimal::new(20, 2));
/// assert_eq!(credit.to_string(), "5363466.24");
/// assert_eq!((a - credit).to_string(), "21453864.96");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i128);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// `round2(x)` as money.
    pub fn round2(x: Decimal) -> Money {
        Money::from_rounded(round2(x))
    }

    /// `floor2(x)` as money.
    pub fn floor2(x: Decimal) -> Money {
        Money::from_rounded(floor2(x))
    }

    /// Money from a decimal with at most two decimals.
    fn from_rounded(mut x: Decimal) -> Money {
        x.rescale(2);
        Money(x.mantissa())
    }

    /// `round2(Π factors / denominator)`, evaluated exactly and rounded once.
    pub fn round2_quotient(
        factors: &[Decimal],
        denominator: Decimal,
    ) -> Result<Money, ArithmeticError> {
        Money::checked(round2(quotient(factors, denominator)?))
    }

    /// `floor2(Π factors / denominator)`, evaluated exactly and rounded once.
    pub fn floor2_quotient(
        factors: &[Decimal],
        denominator: Decimal,
    ) -> Result<Money, ArithmeticError> {
        Money::checked(floor2(quotient(factors, denominator)?))
    }

    /// `round2(x)` as money, or an error when it exceeds [`Money::max_amount`] in size.
    pub fn checked(x: Decimal) -> Result<Money, ArithmeticError> {
        if x.abs() > Money::max_amount() {
            Err(ArithmeticError::Overflow)
        } else {
            Ok(Money::round2(x))
        }
    }

    /// The exact amount when `x` is a whole number of cents (`100.000` is),
    /// `None` when it has a non-zero third decimal or exceeds [`Money::max_amount`].
    pub fn exact(x: Decimal) -> Option<Money> {
        if round2(x) == x && x.abs() <= Money::max_amount() {
            Some(Money::from_rounded(x))
        } else {
            None
        }
    }

    /// Money from whole cents.
    pub fn from_cents(cents: i64) -> Money {
        Money(i128::from(cents))
    }

    /// Money from whole cents, as [`Money::checked`] reads the same cents at scale 2:
    /// [`ArithmeticError::Overflow`] above [`Money::max_amount`] (1e22 cents), with no
    /// decimal in between (the exact quotients of `boxflow_amortize` end here).
    pub fn checked_cents(cents: i128) -> Result<Money, ArithmeticError> {
        if cents.unsigned_abs() > MAX_CENTS {
            Err(ArithmeticError::Overflow)
        } else {
            Ok(Money(cents))
        }
    }

    /// The amount in cents.
    pub fn cents(self) -> i128 {
        self.0
    }

    /// The largest amount the engine computes: 1e20. Every deal-sheet value is
    /// at most 1e15, so only absurd products reach it; sums of many such
    /// amounts still fit the decimal range.
    pub fn max_amount() -> Decimal {
        Decimal::from_i128_with_scale(100_000_000_000_000_000_000, 0)
    }

    /// The amount as a decimal with two decimal places.
    pub fn amount(self) -> Decimal {
        Decimal::from_i128_with_scale(self.0, 2)
    }

    /// True when zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True when above zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// True when below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// `max(self, 0)`.
    pub fn at_least_zero(self) -> Money {
        self.max(Money::ZERO)
    }
}

impl Money {
    /// The amount as [`Display`](fmt::Display) writes it (exactly two decimals, never
    /// `-0.00`), built on the stack with integer code: what the JSON, CSV and table
    /// writers ask for every amount.
    ///
    /// ```
    /// use boxflow_core::Money;
    /// assert_eq!(Money::from_cents(-123456789).text().as_str(), "-1234567.89");
    /// assert_eq!(Money::from_cents(5).text().as_str(), "0.05");
    /// ```
    pub fn text(self) -> Digits {
        Digits::cents(self.0)
    }
}

impl fmt::Display for Money {
    /// Exactly two decimals, never `-0.00` ([`Money::text`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

/// The name of the newtype struct [`Money`] serializes as: a printer that knows it
/// (the JSON report's) asks the amount for its cents and writes their text itself,
/// without checking it for characters to escape (docs/performance.md, fifteenth pass).
/// Every other serializer sees the amount's text ([`Money::text`]) in a human-readable
/// format such as JSON, its cents as an integer in a compact one.
pub const MONEY_NEWTYPE: &str = "$boxflow::Money";

impl Serialize for Money {
    /// A string with exactly two decimals, never `-0.00`, in a human-readable format
    /// (JSON: `"1234.56"`), through the newtype struct [`MONEY_NEWTYPE`].
    ///
    /// ```
    /// use boxflow_core::Money;
    /// assert_eq!(serde_json::to_string(&Money::from_cents(-5)).unwrap(), r#""-0.05""#);
    /// ```
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(MONEY_NEWTYPE, &Cents(self.0))
    }
}

/// The inside of [`Money`]'s newtype struct: the amount's text, or its cents in a
/// format that is not human-readable.
struct Cents(i128);

impl Serialize for Cents {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(Money(self.0).text().as_str())
        } else {
            s.serialize_i128(self.0)
        }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn checked_cents_is_checked_at_scale_2() {
        let edge = 10_i128.pow(22);
        for cents in [
            0,
            1,
            -1,
            123_456,
            edge - 1,
            edge,
            edge + 1,
            -edge,
            -edge - 1,
            (1_i128 << 96) - 1,
            1_i128 << 96,
            i128::MAX,
            i128::MIN,
        ] {
            let via_decimal = Decimal::try_from_i128_with_scale(cents, 2)
                .map_err(|_| ArithmeticError::Overflow)
                .and_then(Money::checked);
            assert_eq!(Money::checked_cents(cents), via_decimal, "{cents}");
        }
    }

    #[test]
    fn round2_is_half_away_from_zero() {
        assert_eq!(round2(d("0.005")), d("0.01"));
        assert_eq!(round2(d("0.015")), d("0.02"));
        assert_eq!(round2(d("0.025")), d("0.03")); // banker's rounding would give 0.02
        assert_eq!(round2(d("-0.005")), d("-0.01"));
        assert_eq!(round2(d("2620792.9596")), d("2620792.96"));
    }

    #[test]
    fn floor2_rounds_down() {
        assert_eq!(floor2(d("10083493.815")), d("10083493.81"));
        assert_eq!(floor2(d("0.009")), d("0.00"));
        assert_eq!(floor2(d("-0.001")), d("-0.01"));
    }

    /// Either side of the largest `u64` of cents (where the display switches from
    /// `u64` to `u128` arithmetic) the digits are the decimal's, `unit.cents`.
    #[test]
    fn display_is_the_same_across_the_u64_boundary() {
        let edge = i128::from(u64::MAX);
        for cents in [edge - 1, edge, edge + 1, edge + 99, 10_i128.pow(22) + 7] {
            for c in [cents, -cents] {
                let decimal = Decimal::from_i128_with_scale(c, 2).to_string();
                assert_eq!(Money(c).to_string(), decimal, "{c}");
            }
        }
        assert_eq!(
            Money(18_446_744_073_709_551_615).to_string(),
            "184467440737095516.15"
        );
    }

    #[test]
    fn display_has_two_decimals_and_no_negative_zero() {
        assert_eq!(Money::round2(d("5")).to_string(), "5.00");
        assert_eq!(Money::round2(d("-0.001")).to_string(), "0.00");
        assert_eq!(Money::round2(d("-1.5")).to_string(), "-1.50");
        assert_eq!(
            Money::round2(d("99999999999999.99")).to_string(),
            "99999999999999.99"
        );
    }

    #[test]
    fn exact_accepts_trailing_zeros_only() {
        assert!(Money::exact(d("100.000")).is_some());
        assert!(Money::exact(d("100.001")).is_none());
    }

    #[test]
    fn quotient_divides_last() {
        // 397,843,333.52 * 0.0765 * 31 / 360 = 2,620,792.9595741... -> 2,620,792.96
        let m =
            Money::round2_quotient(&[d("397843333.52"), d("0.0765"), d("31")], d("360")).unwrap();
        assert_eq!(m, Money::round2(d("2620792.96")));
        assert_eq!(
            quotient(&[d("1")], Decimal::ZERO),
            Err(ArithmeticError::DivisionByZero)
        );
    }

    #[test]
    fn huge_products_are_errors_not_panics() {
        let big = d("1000000000000000");
        assert_eq!(
            Money::round2_quotient(&[big, big, big], Decimal::ONE),
            Err(ArithmeticError::Overflow)
        );
        assert_eq!(
            Money::round2_quotient(&[big, big], Decimal::ONE),
            Err(ArithmeticError::Overflow)
        );
    }

    #[test]
    fn cents_roundtrip() {
        assert_eq!(Money::from_cents(123).cents(), 123);
        assert_eq!(Money::from_cents(-5).to_string(), "-0.05");
    }
}
