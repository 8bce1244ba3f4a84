//! A ratio of two amounts of money kept exact until it is read: a DSCR, an LTV.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::Money;

/// `numerator / denominator`, two amounts of money with a denominator that is not 0:
/// the senior `DSCR_k = CFADS_k / debt service_k` and `LTV_k = balance_k / book
/// value_k` of a period (methodology section 11).
///
/// The run keeps the two amounts and divides only when the figure is read
/// ([`MoneyRatio::value`]): a run of 60 periods compares its DSCRs with the
/// covenants and finds their minimum with integer cross-products, and a report
/// divides the ones it prints. Every comparison gives the answer the decimal
/// quotients would give ([`MoneyRatio::cmp_decimal`], [`Ord`]).
///
/// ```
/// use boxflow_core::{Money, MoneyRatio};
/// use rust_decimal::Decimal;
/// use std::cmp::Ordering;
///
/// // CFADS 1,300.00 over a debt service of 1,000.00: a DSCR of exactly 1.3.
/// let dscr = MoneyRatio::new(Money::from_cents(130_000), Money::from_cents(100_000)).unwrap();
/// assert_eq!(dscr.value(), Decimal::new(13, 1));
/// assert_eq!(dscr.cmp_decimal(Decimal::new(125, 2)), Ordering::Greater);
/// // 2 / 3 = 0.666…: the decimal quotient has 28 decimals.
/// let third = MoneyRatio::new(Money::from_cents(2), Money::from_cents(3)).unwrap();
/// assert_eq!(third.value().to_string(), "0.6666666666666666666666666667");
/// assert!(third < dscr);
/// // No ratio over 0.
/// assert_eq!(MoneyRatio::new(Money::from_cents(1), Money::ZERO), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MoneyRatio {
    numerator: Money,
    denominator: Money,
}

/// The decimal quotient is rounded to at most 28 decimals within 96 bits: it is off
/// the exact quotient `q` by at most `1e-28 · max(1, |q|)`. Two figures whose exact
/// difference is more than ten times that apart compare the same way as decimals;
/// [`SEPARATED`] is the scale at which the integer tests below prove it.
const SEPARATED: u128 = 10_u128.pow(27);

impl MoneyRatio {
    /// `numerator / denominator`; `None` when the denominator is 0.
    pub fn new(numerator: Money, denominator: Money) -> Option<MoneyRatio> {
        (!denominator.is_zero()).then_some(MoneyRatio {
            numerator,
            denominator,
        })
    }

    /// The numerator.
    pub fn numerator(self) -> Money {
        self.numerator
    }

    /// The denominator (never 0).
    pub fn denominator(self) -> Money {
        self.denominator
    }

    /// The decimal quotient, as `rust_decimal` divides: exact when it has at most 28
    /// decimals, else rounded to 28 significant places. Every quotient of two amounts
    /// within [`Money`]'s range (at most 1e20 over at least 0.01) fits a decimal
    /// (should a sum of amounts ever leave that range, the value saturates at the
    /// decimal's bounds rather than fail).
    pub fn value(self) -> Decimal {
        match self
            .numerator
            .amount()
            .checked_div(self.denominator.amount())
        {
            Some(q) => q,
            None if self.numerator.is_negative() != self.denominator.is_negative() => Decimal::MIN,
            None => Decimal::MAX,
        }
    }

    /// How [`MoneyRatio::value`] compares with `threshold`, found with integer
    /// cross-products when the exact quotient is far enough from the threshold that
    /// the decimal's rounding cannot change the answer, else by dividing.
    pub fn cmp_decimal(self, threshold: Decimal) -> Ordering {
        self.cmp_level(&Level::new(threshold))
    }

    /// [`MoneyRatio::cmp_decimal`] with a [`Level`] prepared once (a covenant tested
    /// every period).
    #[inline]
    pub fn cmp_level(self, level: &Level) -> Ordering {
        match self.fast_cmp_level(level) {
            Some(order) => order,
            None => self.divided_cmp_level(level),
        }
    }

    /// [`MoneyRatio::cmp_level`] by dividing: the rare ratio a hair from its level.
    #[cold]
    #[inline(never)]
    fn divided_cmp_level(self, level: &Level) -> Ordering {
        self.value().cmp(&level.value)
    }

    /// True when [`MoneyRatio::value`] is below `level`.
    #[inline]
    pub fn is_below_level(self, level: &Level) -> bool {
        self.cmp_level(level) == Ordering::Less
    }

    /// True when [`MoneyRatio::value`] is above `level`.
    #[inline]
    pub fn is_above_level(self, level: &Level) -> bool {
        self.cmp_level(level) == Ordering::Greater
    }

    /// True when [`MoneyRatio::value`] is below `threshold`.
    pub fn is_below(self, threshold: Decimal) -> bool {
        self.cmp_decimal(threshold) == Ordering::Less
    }

    /// True when [`MoneyRatio::value`] is above `threshold`.
    pub fn is_above(self, threshold: Decimal) -> bool {
        self.cmp_decimal(threshold) == Ordering::Greater
    }

    /// The numerator and denominator in cents, the denominator made positive, when
    /// both fit `i64` (every amount up to about 92 quadrillion, 9.2e16).
    #[inline(always)]
    fn normalized(self) -> Option<(i64, i64)> {
        let a = i64::try_from(self.numerator.cents()).ok()?;
        let b = i64::try_from(self.denominator.cents()).ok()?;
        if b < 0 {
            Some((a.checked_neg()?, b.checked_neg()?))
        } else {
            Some((a, b))
        }
    }

    /// [`MoneyRatio::fast_cmp_level`] of the level `threshold`.
    #[cfg(test)]
    fn fast_cmp_decimal(self, threshold: Decimal) -> Option<Ordering> {
        self.fast_cmp_level(&Level::new(threshold))
    }

    /// `q = a / b` against `t = m / 10^s`: the sign of `a · 10^s - m · b` (`b > 0`) is
    /// that of `q - t`. When `q = t` the division is exact (`t` has at most 28
    /// decimals) and the decimal quotient is `t`. When `q != t` it decides for the
    /// decimals too if `10^s · max(|a|, b) < 1e27`, that is `max(|a|, b) <
    /// ⌈1e27 / 10^s⌉` (the level's `separated`): then `|q - t| >= 1 / (b · 10^s) >
    /// 1e-27 · max(1, |q|)`, more than the decimal quotient's rounding. `None`
    /// otherwise, and when an
    /// amount, the mantissa or `10^s` does not fit `i64` (every product below is then
    /// one 64 by 64-bit multiplication, which cannot overflow).
    #[inline(always)]
    fn fast_cmp_level(self, level: &Level) -> Option<Ordering> {
        let (m, power, separated) = level.terms?;
        let (a, b) = self.normalized()?;
        let left = i128::from(a) * i128::from(power);
        let right = i128::from(m) * i128::from(b);
        let size = a.unsigned_abs().max(b.unsigned_abs());
        (left == right || size < separated).then(|| left.cmp(&right))
    }

    /// `q1 = a / b` against `q2 = c / d`: the sign of `a · d - c · b` (`b, d > 0`).
    /// Equal fractions have equal decimal quotients (the division rounds the exact
    /// quotient, whatever its terms). Different ones compare the same way as decimals
    /// when `max(|a|, b) · d + max(|c|, d) · b < 1e27`: then `|q1 - q2| >= 1 / (b d)`,
    /// more than both quotients' rounding together. `None` otherwise, and when an
    /// amount does not fit `i64`.
    fn fast_cmp(self, other: MoneyRatio) -> Option<Ordering> {
        let (a, b) = self.normalized()?;
        let (c, d) = other.normalized()?;
        let left = i128::from(a) * i128::from(d);
        let right = i128::from(c) * i128::from(b);
        let size = |x: i64, y: i64| u128::from(x.unsigned_abs().max(y.unsigned_abs()));
        // Each product is below 2^126: their sum fits u128.
        let spread = size(a, b) * d.unsigned_abs() as u128 + size(c, d) * b.unsigned_abs() as u128;
        (left == right || spread < SEPARATED).then(|| left.cmp(&right))
    }
}

/// A decimal level `t = m / 10^s` that ratios are compared with many times (a
/// covenant's `min_dscr`, `lockup_dscr` or `max_ltv`, tested every period): its
/// mantissa and power of ten taken apart once. [`MoneyRatio::cmp_level`] gives the
/// answer [`MoneyRatio::cmp_decimal`] gives for `t`.
///
/// ```
/// use boxflow_core::{Level, Money, MoneyRatio};
/// use rust_decimal::Decimal;
/// let lockup = Level::new(Decimal::new(120, 2));
/// let dscr = MoneyRatio::new(Money::from_cents(119_999), Money::from_cents(100_000)).unwrap();
/// assert!(dscr.is_below_level(&lockup));
/// assert_eq!(lockup.value(), Decimal::new(120, 2));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    /// `t`.
    value: Decimal,
    /// `(m, 10^s, separated)` when `m` and `10^s` fit `i64`: `separated =
    /// ⌈1e27 / 10^s⌉` (at most `u64::MAX`, more than any amount in cents that fits
    /// `i64`), so that `x · 10^s < 1e27` exactly when `x < separated`.
    terms: Option<(i64, i64, u64)>,
}

impl Level {
    /// The level `value`.
    pub fn new(value: Decimal) -> Level {
        let power = crate::POW10
            .get(value.scale() as usize)
            .and_then(|&p| i64::try_from(p).ok());
        let m = i64::try_from(value.mantissa()).ok();
        let terms = m.zip(power).map(|(m, power)| {
            let separated = SEPARATED.div_ceil(power.unsigned_abs().into());
            (m, power, u64::try_from(separated).unwrap_or(u64::MAX))
        });
        Level { value, terms }
    }

    /// `t`.
    pub fn value(self) -> Decimal {
        self.value
    }
}

impl Ord for MoneyRatio {
    /// The order of the decimal quotients ([`MoneyRatio::value`]): two ratios whose
    /// decimals are equal are equal here, whatever their amounts (so `1/3` and `2/6`
    /// are). Decided by cross-products, dividing only when the two are closer than the
    /// decimals' rounding.
    fn cmp(&self, other: &MoneyRatio) -> Ordering {
        self.fast_cmp(*other)
            .unwrap_or_else(|| self.value().cmp(&other.value()))
    }
}

impl PartialOrd for MoneyRatio {
    fn partial_cmp(&self, other: &MoneyRatio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for MoneyRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value(), f)
    }
}

impl fmt::Debug for MoneyRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MoneyRatio({} / {})", self.numerator, self.denominator)
    }
}

impl Serialize for MoneyRatio {
    /// As its decimal value, rounded for output ([`crate::json::decimal`]).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::json::decimal(&self.value(), s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ratio(a: i128, b: i128) -> MoneyRatio {
        let m = |c| Money::checked_cents(c).unwrap();
        MoneyRatio::new(m(a), m(b)).unwrap()
    }

    #[test]
    fn a_quotient_a_hair_from_the_threshold_is_compared_as_the_decimals_do() {
        // 1,000,000,000,000,000,000.00 / 0.03 = 333,333,333,333,333,333,333.333…: exactly
        // above the threshold 333,333,333,333,333,333,333.33333333, but the decimal
        // quotient keeps only 28 digits (8 decimals here) and is not above it. The
        // ratio follows the decimals.
        let q = ratio(10_i128.pow(21), 3);
        let t = Decimal::from_i128_with_scale(33_333_333_333_333_333_333_333_333_333, 8);
        assert_ne!(q.value().cmp(&t), Ordering::Greater);
        assert_eq!(q.cmp_decimal(t), q.value().cmp(&t));
        assert_eq!(q.fast_cmp_decimal(t), None);
        // Far from it: 1.2499 < 1.25, decided without dividing.
        let far = ratio(12_499, 10_000);
        assert_eq!(
            far.fast_cmp_decimal(Decimal::new(125, 2)),
            Some(Ordering::Less)
        );
        // Exactly on it: equal, without dividing.
        assert_eq!(
            ratio(125, 100).fast_cmp_decimal(Decimal::new(125, 2)),
            Some(Ordering::Equal)
        );
        assert_eq!(ratio(125, 100).value(), Decimal::new(125, 2));
    }

    #[test]
    fn a_level_decides_without_dividing_exactly_below_its_separation() {
        // t = 1e-18: 10^18 · max(|a|, b) < 1e27 exactly when max(|a|, b) < 10^9.
        let tiny = Level::new(Decimal::new(1, 18));
        assert_eq!(tiny.terms.map(|(_, _, s)| s), Some(1_000_000_000));
        let below = ratio(2, 999_999_999);
        assert_eq!(below.fast_cmp_level(&tiny), Some(Ordering::Greater));
        assert_eq!(ratio(2, 1_000_000_000).fast_cmp_level(&tiny), None);
        assert_eq!(ratio(2, 1_000_000_000).cmp_level(&tiny), Ordering::Greater);
        // t = 1.25: 10^27 / 100 = 10^25, more than any amount of i64 cents.
        let level = Level::new(Decimal::new(125, 2));
        assert_eq!(level.terms.map(|(_, _, s)| s), Some(u64::MAX));
        // 10^19 does not fit i64: always divided.
        assert_eq!(Level::new(Decimal::new(3, 19)).terms, None);
    }

    #[test]
    fn negative_denominators_and_numerators_keep_their_order() {
        // -1/3 < 1/4; 1/-3 = -1/3; -2/-4 = 0.5
        assert!(ratio(-1, 3) < ratio(1, 4));
        assert_eq!(ratio(1, -3).cmp(&ratio(-1, 3)), Ordering::Equal);
        assert_eq!(ratio(-2, -4).value(), Decimal::new(5, 1));
        assert!(ratio(-308, 100).is_below(Decimal::new(11, 1)));
        assert!(ratio(-2, -4).is_above(Decimal::new(4, 1)));
    }

    #[test]
    fn the_widest_ratio_of_money_fits_a_decimal() {
        // The largest amount (1e20, 1e22 cents) over the smallest (0.01): 1e22.
        assert_eq!(
            ratio(10_i128.pow(22), 1).value(),
            Decimal::from(10_i128.pow(22))
        );
        assert_eq!(
            ratio(-(10_i128.pow(22)), 1).value(),
            -Decimal::from(10_i128.pow(22))
        );
    }

    fn cents() -> impl Strategy<Value = i128> {
        prop_oneof![
            -1_000_i128..1_000,
            -10_000_000_000_000_i128..10_000_000_000_000,
            -(10_i128.pow(22))..=10_i128.pow(22),
        ]
    }

    fn threshold() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0_i64..1_000, 0_u32..4).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i64>(), 0_u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        /// The comparisons are those of the decimal quotients, on random amounts and
        /// thresholds, and on ratios made a hair from a threshold.
        #[test]
        fn compares_as_the_decimal_quotients(
            a in cents(), b in cents().prop_filter("not 0", |b| *b != 0),
            c in cents(), d in cents().prop_filter("not 0", |d| *d != 0),
            t in threshold(),
        ) {
            let (x, y) = (ratio(a, b), ratio(c, d));
            prop_assert_eq!(x.cmp(&y), x.value().cmp(&y.value()));
            prop_assert_eq!(x.cmp_decimal(t), x.value().cmp(&t));
            prop_assert_eq!(x.cmp_level(&Level::new(t)), x.value().cmp(&t));
            // The same fraction in other terms: equal, as the decimals are.
            for k in [2_i128, 3, 7, 1_000_003] {
                if let (Ok(ak), Ok(bk)) = (Money::checked_cents(a * k), Money::checked_cents(b * k)) {
                    let scaled = MoneyRatio::new(ak, bk).unwrap();
                    prop_assert_eq!(scaled.value(), x.value());
                    prop_assert_eq!(scaled.cmp(&x), Ordering::Equal);
                }
            }
            // b · t ± 1 cent over b: within a cent of the threshold.
            let near = t.mantissa().checked_mul(b).map(|m| m / 10_i128.pow(t.scale()));
            if let Some(n) = near {
                for delta in [-1, 0, 1] {
                    let Ok(numerator) = Money::checked_cents(n + delta) else {
                        continue;
                    };
                    let z = MoneyRatio::new(numerator, Money::checked_cents(b).unwrap()).unwrap();
                    prop_assert_eq!(z.cmp_decimal(t), z.value().cmp(&t));
                    prop_assert_eq!(z.cmp(&x), z.value().cmp(&x.value()));
                }
            }
        }
    }
}
