//! The one exact factor of a rounded formula (methodology section 0: "a rounded
//! formula is evaluated as one product divided by one denominator, dividing last, and
//! only its result is rounded").
//!
//! A [`Factor`] is `value · times / per` held as one integer ratio `num / den`
//! (`den > 0`): the decimal `value = m · 10^-s` and the decimal `per` enter by their
//! mantissas and powers of ten, so a factor that would be a repeating decimal on its
//! own (`0.0925 · 31 / 360`, `0.0925 · 1 / 12`, `1 / 3`) is never represented. An
//! amount of `c` cents then yields `round2(c · num / den)` cents, half away from zero,
//! with nothing rounded before: one `i128` product and one division (on `i64` when
//! both fit). When the product does not fit `i128`, [`Factor::on`] takes the
//! big-integer path of [`round2_ratio`] on the same decimals: the result is the same
//! cent either way.
//!
//! Every rounded product of an amount by a rate, a day-count fraction or a share in
//! the schedule, the sizing and the period loop is a `Factor`: interest
//! (`rate · days / basis`), the commitment fee, the level profile's interest on the
//! nominal balance (`rate · m / 12`), the sweep and a custom profile's share, the
//! straight line's `1 / n` and a pro-rata draw's `payment / T`.

use boxflow_core::{ArithmeticError, Money};
use rust_decimal::Decimal;

use crate::exact::{round2_ratio, POW10};

/// The largest amount [`Money::checked`] lets through, in cents (1e20 · 100).
const MAX_CENTS: i128 = 10_000_000_000_000_000_000_000;

/// `value · times / per`, exact, applied to amounts as `round2(amount · value · times
/// / per)`.
///
/// ```
/// use boxflow_amortize::Factor;
/// use boxflow_core::Money;
/// use rust_decimal::Decimal;
/// // 100,000,000.00 · 0.0925 · 31 / 360 = 796,527.777… → 796,527.78
/// let interest = Factor::accrual(Decimal::new(925, 4), (31, 360));
/// assert_eq!(interest.on(Money::from_cents(10_000_000_000)).unwrap(), Money::from_cents(79_652_778));
/// // 191,722,200.00 · 0.0925 · 1 / 12 = 1,477,858.625 exactly → 1,477,858.63
/// let monthly = Factor::accrual(Decimal::new(925, 4), (1, 12));
/// assert_eq!(monthly.on(Money::from_cents(19_172_220_000)).unwrap(), Money::from_cents(147_785_863));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Factor {
    /// `value`, a decimal (a rate, a share, an amount).
    value: Decimal,
    /// `times`, an integer (days, months per period, 1).
    times: i64,
    /// `per`, a decimal (a day-count basis, 12, `n`, an amount).
    per: Decimal,
    /// `(num, den)` with `num / den = value · times / per` and `den > 0`, when both
    /// fit `i128`.
    small: Option<(i128, i128)>,
    /// `floor((2^64 - 1) / den)` when [`Factor::prepared`] computed it (`den` fits
    /// `u64`), else 0: a quotient of `u64` by `den` is then a multiplication.
    reciprocal: u64,
    /// `(num, den)` of `small` as `(i64, u64)` when [`Factor::prepared`] found both
    /// fit (and so computed `reciprocal`): [`Factor::apply`]'s product of an `i64`
    /// amount is then one widening multiplication that cannot overflow.
    narrow: Option<(i64, u64)>,
}

impl Factor {
    /// `rate · days / basis`, `(days, basis)` a day-count fraction
    /// ([`boxflow_core::DayCount::fraction`]) or `(m, 12)`, a period of `m` months.
    pub fn accrual(rate: Decimal, (days, basis): (i64, i64)) -> Factor {
        Factor::new(rate, days, Decimal::from(basis))
    }

    /// `round2(amount · rate · days / basis)`: the same cent as
    /// `Factor::accrual(rate, (days, basis)).on(amount)`, the same integers, without
    /// building the factor when they fit `i64` (an accrual of the period loop: a rate
    /// of a few decimals, a period's days, and the amount's cents times `m · days`
    /// within 2^63): `num = m · days` and `den = basis · 10^s` for `rate = m ·
    /// 10^-s`, as the factor's own integer ratio is built, and the product divided
    /// once, rounded half away from zero, as the factor divides it. The factor
    /// answers otherwise (and reports the errors).
    ///
    /// ```
    /// use boxflow_amortize::Factor;
    /// use boxflow_core::Money;
    /// use rust_decimal::Decimal;
    /// // 100,000,000.00 · 0.0925 · 31 / 360 = 796,527.777… → 796,527.78
    /// let interest = Factor::accrued(Decimal::new(925, 4), (31, 360), Money::from_cents(10_000_000_000));
    /// assert_eq!(interest.unwrap(), Money::from_cents(79_652_778));
    /// ```
    #[inline(never)]
    pub fn accrued(
        rate: Decimal,
        (days, basis): (i64, i64),
        amount: Money,
    ) -> Result<Money, ArithmeticError> {
        match Factor::accrued_64(rate, days, basis, amount) {
            Some(cents) => Ok(Money::from_cents(cents)),
            None => Factor::accrued_by_factor(rate, (days, basis), amount),
        }
    }

    /// [`Factor::accrued`] past `i64`: the factor built and applied. Kept out of the
    /// `i64` path, which then needs no stack frame of its own.
    #[cold]
    #[inline(never)]
    fn accrued_by_factor(
        rate: Decimal,
        fraction: (i64, i64),
        amount: Money,
    ) -> Result<Money, ArithmeticError> {
        Factor::accrual(rate, fraction).on(amount)
    }

    /// [`Factor::accrued`] on `i64`, in cents; `None` when a product does not fit or
    /// `basis <= 0`.
    #[inline]
    fn accrued_64(rate: Decimal, days: i64, basis: i64, amount: Money) -> Option<i64> {
        // A decimal's scale is at most 28; 10^s fits i64 up to s = 18.
        let power = i64::try_from(*POW10.get(rate.scale() as usize)?).ok()?;
        let den = basis.checked_mul(power)?;
        if den <= 0 {
            return None;
        }
        let num = i64::try_from(rate.mantissa()).ok()?.checked_mul(days)?;
        let product = i64::try_from(amount.cents()).ok()?.checked_mul(num)?;
        // |result| <= |product| / den + 1 <= 2^63 < MAX_CENTS: no range check.
        Some(round_half_away_64(product, den))
    }

    /// A share on its own (the sweep, a custom profile's share of the commitment).
    pub fn share(share: Decimal) -> Factor {
        Factor::new(share, 1, Decimal::ONE)
    }

    /// `part / whole` (a pro-rata draw's `payment / T`, the straight line's `1 / n`).
    pub fn ratio(part: Decimal, whole: Decimal) -> Factor {
        Factor::new(part, 1, whole)
    }

    fn new(value: Decimal, times: i64, per: Decimal) -> Factor {
        Factor {
            value,
            times,
            per,
            small: Factor::integer_ratio(value, times, per),
            reciprocal: 0,
            narrow: None,
        }
    }

    /// `m_v · times · 10^s_p / (m_p · 10^s_v)` with the common power of ten taken
    /// out, the sign on the numerator; `None` when it does not fit or `per` is 0.
    fn integer_ratio(value: Decimal, times: i64, per: Decimal) -> Option<(i128, i128)> {
        if let Some(ratio) = Factor::integer_ratio_64(value, times, per) {
            return Some(ratio);
        }
        let (sv, sp) = (value.scale(), per.scale());
        // A decimal's scale is at most 28.
        let power = |k: u32| POW10.get(k as usize).copied();
        let num = value
            .mantissa()
            .checked_mul(i128::from(times))?
            .checked_mul(power(sp.saturating_sub(sv))?)?;
        let den = per.mantissa().checked_mul(power(sv.saturating_sub(sp))?)?;
        match den.signum() {
            1 => Some((num, den)),
            -1 => Some((num.checked_neg()?, den.checked_neg()?)),
            _ => None,
        }
    }

    /// [`Factor::integer_ratio`] when every product fits `i64` (a rate of a few
    /// decimals, days, a basis): the same integers, each product on 64 bits; `None`
    /// when one does not fit (the 128-bit products then answer) or `per` is 0.
    #[inline]
    fn integer_ratio_64(value: Decimal, times: i64, per: Decimal) -> Option<(i128, i128)> {
        let (sv, sp) = (value.scale(), per.scale());
        let power = |k: u32| POW10.get(k as usize).and_then(|&p| i64::try_from(p).ok());
        let (mv, mp) = (
            i64::try_from(value.mantissa()).ok()?,
            i64::try_from(per.mantissa()).ok()?,
        );
        let num = mv
            .checked_mul(times)?
            .checked_mul(power(sp.saturating_sub(sv))?)?;
        let den = mp.checked_mul(power(sv.saturating_sub(sp))?)?;
        match den.signum() {
            1 => Some((i128::from(num), i128::from(den))),
            -1 => Some((-i128::from(num), -i128::from(den))),
            _ => None,
        }
    }

    /// The same factor prepared to be applied many times (the sizing's, built once per
    /// sizing): its integer ratio in lowest terms (more products within 64 bits) and
    /// the reciprocal of its denominator (a division becomes a multiplication and one
    /// correction). The same cents from [`Factor::apply`] and [`Factor::on`]; a
    /// factor applied once is cheaper as it comes.
    ///
    /// ```
    /// use boxflow_amortize::Factor;
    /// use rust_decimal::Decimal;
    /// // 30,000,000.00 of 100,000,000.00 is 3/10: 3/10 of 123.45 = 37.035 → 37.04
    /// let share = Factor::ratio(Decimal::new(3_000_000_000, 2), Decimal::new(10_000_000_000, 2));
    /// assert_eq!(share.apply(12_345), Some(3_704));
    /// assert_eq!(share.prepared().apply(12_345), Some(3_704));
    /// ```
    #[must_use]
    pub fn prepared(self) -> Factor {
        let small = self.small.map(|(num, den)| {
            let g = gcd(num.unsigned_abs(), den.unsigned_abs());
            // 1 <= g <= den (den > 0), so g and both quotients fit i128.
            (num / g as i128, den / g as i128)
        });
        let reciprocal = small
            .and_then(|(_, den)| u64::try_from(den).ok())
            .map_or(0, |den| u64::MAX / den);
        let narrow =
            small.and_then(|(num, den)| Some((i64::try_from(num).ok()?, u64::try_from(den).ok()?)));
        Factor {
            small,
            reciprocal,
            narrow,
            ..self
        }
    }

    /// True when the factor is 0 (its value or its `times` is 0).
    pub fn is_zero(&self) -> bool {
        self.value.is_zero() || self.times == 0
    }

    /// `round2(amount · value · times / per)`, half away from zero: 0 when the amount
    /// or the factor is 0; an error when the result is beyond [`Money::max_amount`]
    /// (or `per` is 0).
    pub fn on(&self, amount: Money) -> Result<Money, ArithmeticError> {
        if amount.is_zero() || self.is_zero() {
            return Ok(Money::ZERO);
        }
        if let Some(cents) = self.apply(amount.cents()) {
            return Money::checked_cents(cents);
        }
        round2_ratio(
            &[amount.amount(), self.value, Decimal::from(self.times)],
            &[self.per],
        )
    }

    /// `round2(cents · value · times / per)` in cents on `i128` alone, the same cent as
    /// [`Factor::on`]; `None` when a product does not fit `i128` or the result is
    /// beyond [`Money::max_amount`] (the exact path then answers, or reports the error).
    #[inline]
    pub fn apply(&self, cents: i128) -> Option<i128> {
        if let (Some((num, den)), Ok(amount)) = (self.narrow, i64::try_from(cents)) {
            // |amount|, |num| <= 2^63, so |product| <= 2^126 fits i128 (no check).
            let product = i128::from(amount) * i128::from(num);
            if let Ok(magnitude) = u64::try_from(product.unsigned_abs()) {
                // `narrow` is set only with `reciprocal = floor((2^64 - 1) / den)`.
                // The quotient is at most 2^64 < MAX_CENTS: no range check needed.
                // A zero amount gives a zero product, rounded to 0.
                let rounded =
                    i128::from(round_half_up_by_reciprocal(magnitude, den, self.reciprocal));
                return Some(if product < 0 { -rounded } else { rounded });
            }
        }
        self.apply_wide(cents)
    }

    /// [`Factor::apply`] when the amount or the ratio does not fit 64 bits, or the
    /// product does not (or the factor is not prepared). A factor as it comes whose
    /// amount, ratio and product fit `i64` (an accrual, a share) takes one `i64`
    /// division, the same rounding, without the `i128` product.
    fn apply_wide(&self, cents: i128) -> Option<i128> {
        let (num, den) = self.small?;
        if cents == 0 {
            return Some(0);
        }
        if let (Ok(amount), Ok(n), Ok(d)) =
            (i64::try_from(cents), i64::try_from(num), i64::try_from(den))
        {
            if let Some(product) = amount.checked_mul(n) {
                // |result| <= |product| / den + 1 <= 2^63 < MAX_CENTS: no range check.
                return Some(i128::from(round_half_away_64(product, d)));
            }
        }
        let product = cents.checked_mul(num)?;
        let rounded = match u64::try_from(product.unsigned_abs()) {
            Ok(magnitude) if self.reciprocal != 0 => {
                // den fits u64 and reciprocal = floor((2^64 - 1) / den).
                let rounded = round_half_up_by_reciprocal(magnitude, den as u64, self.reciprocal);
                let rounded = i128::from(rounded);
                if product < 0 {
                    -rounded
                } else {
                    rounded
                }
            }
            _ => round_half_away(product, den),
        };
        (rounded.abs() <= MAX_CENTS).then_some(rounded)
    }
}

/// The greatest common divisor of `a` and `b > 0` (binary GCD).
fn gcd(a: u128, b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if let (Ok(a), Ok(b)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(gcd64(a, b));
    }
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b >> b.trailing_zeros());
    while a != b {
        if a > b {
            a -= b;
            a >>= a.trailing_zeros();
        } else {
            b -= a;
            b >>= b.trailing_zeros();
        }
    }
    a << shift
}

/// [`gcd`] on `u64`, `a > 0`, `b > 0`.
fn gcd64(a: u64, b: u64) -> u64 {
    let shift = (a | b).trailing_zeros();
    let (mut a, mut b) = (a >> a.trailing_zeros(), b >> b.trailing_zeros());
    while a != b {
        if a > b {
            a -= b;
            a >>= a.trailing_zeros();
        } else {
            b -= a;
            b >>= b.trailing_zeros();
        }
    }
    a << shift
}

/// `n / d` rounded half up, `d > 0`, with `m = floor((2^64 - 1) / d)`: the estimate
/// `floor(n · m / 2^64)` is the quotient or one less (`n · m / 2^64 > n / d - 1`), so
/// one correction makes it exact.
fn round_half_up_by_reciprocal(n: u64, d: u64, m: u64) -> u64 {
    let mut q = ((u128::from(n) * u128::from(m)) >> 64) as u64;
    let mut r = n - q * d;
    if r >= d {
        q += 1;
        r -= d;
    }
    // r < d: a remainder of at least one half (2r >= d, i.e. r >= d - r) rounds up.
    q + u64::from(r >= d - r)
}

/// `num / den` rounded half away from zero, `den > 0`; on `i64` when both fit
/// ([`round_half_away_64`]).
fn round_half_away(num: i128, den: i128) -> i128 {
    if let (Ok(n), Ok(d)) = (i64::try_from(num), i64::try_from(den)) {
        return i128::from(round_half_away_64(n, d));
    }
    let (q, r) = (num / den, num % den);
    // |r| < den, so 2|r| fits; truncation toward zero, so a remainder of at least one
    // half steps away from zero.
    if 2 * r.abs() >= den {
        q + num.signum()
    } else {
        q
    }
}

/// [`round_half_away`] on `i64`, `den > 0`: one division.
#[inline]
fn round_half_away_64(num: i64, den: i64) -> i64 {
    let (q, r) = (num / den, num % den);
    // |r| < den <= 2^63 - 1, so 2|r| fits u64; a remainder of at least one half steps
    // away from zero.
    if 2 * r.unsigned_abs() >= den.unsigned_abs() {
        q + num.signum()
    } else {
        q
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
        // The rate is never divided first: 0.0925 / 12 = 0.00770833… would give
        // 191,722,200.00 · 0.0077083333 = 1,477,858.62; the product is exactly
        // 1,477,858.625 → 1,477,858.63 (issue 10's slip, section 0).
        let monthly = Factor::accrual(Decimal::new(925, 4), (1, 12));
        assert_eq!(
            monthly.on(Money::from_cents(19_172_220_000)).unwrap(),
            Money::from_cents(147_785_863)
        );
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
        // 1.00 / 3 = 0.333… → 0.33; 2.00 / 3 = 0.666… → 0.67; 0.05 / 10 = 0.005 → 0.01
        let third = Factor::ratio(Decimal::ONE, Decimal::from(3));
        assert_eq!(third.apply(100), Some(33));
        assert_eq!(third.apply(200), Some(67));
        assert_eq!(
            Factor::ratio(Decimal::ONE, Decimal::from(10)).apply(5),
            Some(1)
        );
    }

    #[test]
    fn a_ratio_of_amounts_is_a_pro_rata_share() {
        // 100.00 of a 300.00 total, on a 1,000.00 commitment: 333.333… → 333.33
        let f = Factor::ratio(Decimal::new(10_000, 2), Decimal::new(30_000, 2));
        assert_eq!(f.apply(100_000), Some(33_333));
        // A negative denominator moves its sign to the numerator: 1.00 / -8 = -0.125 → -0.13
        let f = Factor::ratio(Decimal::ONE, Decimal::from(-8));
        assert_eq!(f.apply(100), Some(-13));
    }

    #[test]
    fn lowest_terms() {
        // gcd(28,675, 3,600,000) = 25: 0.0925 · 31 / 360 = 1,147 / 144,000
        assert_eq!(gcd(28_675, 3_600_000), 25);
        assert_eq!(gcd(0, 7), 7);
        assert_eq!(gcd(1 << 100, 3 << 90), 1 << 90);
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(POW10[28], 10_000_000_000_000_000_000_000_000_000);
        assert_eq!(Some(POW10[38]), 10_i128.checked_pow(38));
        let f = Factor::accrual(Decimal::new(925, 4), (31, 360));
        assert_eq!(f.small, Some((28_675, 3_600_000)));
        assert_eq!(f.prepared().small, Some((1_147, 144_000)));
        assert_eq!(f.prepared().reciprocal, u64::MAX / 144_000);
        // The sign stays on the numerator: -3 / 6 = -1 / 2
        let f = Factor::ratio(Decimal::from(3), Decimal::from(-6)).prepared();
        assert_eq!(f.small, Some((-1, 2)));
    }

    #[test]
    fn the_reciprocal_divides_exactly() {
        // 7 / 2 = 3.5 → 4; 5 / 3 = 1.67 → 2; 4 / 3 = 1.33 → 1; 6 / 3 = 2
        for (n, d, rounded) in [(7, 2, 4), (5, 3, 2), (4, 3, 1), (6, 3, 2), (0, 9, 0)] {
            assert_eq!(round_half_up_by_reciprocal(n, d, u64::MAX / d), rounded);
        }
        // The largest numerators: (2^64 - 1) / 1 and / (2^64 - 1), and 2^64 - 1 over
        // 2^63 + 1 = 1.99999… → 2
        let max = u64::MAX;
        assert_eq!(round_half_up_by_reciprocal(max, 1, max), max);
        assert_eq!(round_half_up_by_reciprocal(max, max, 1), 1);
        let d = (1 << 63) + 1;
        assert_eq!(round_half_up_by_reciprocal(max, d, max / d), 2);
        // Against the division on a spread of numerators and divisors.
        let mut n = 1_u64;
        for d in [
            1_u64,
            3,
            7,
            360,
            144_000,
            1 << 32,
            (1 << 40) + 17,
            u64::MAX / 3,
        ] {
            for _ in 0..2_000 {
                n = n
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let (q, r) = (n / d, n % d);
                let expected = q + u64::from(u128::from(r) * 2 >= u128::from(d));
                assert_eq!(
                    round_half_up_by_reciprocal(n, d, u64::MAX / d),
                    expected,
                    "{n} / {d}"
                );
            }
        }
    }

    #[test]
    fn the_narrow_product_and_the_wide_one_meet_at_2_pow_64() {
        // 3 · 6,148,914,691,236,517,205 = 2^64 - 1: the last product of 64 bits.
        let triple = Factor::share(Decimal::from(3)).prepared();
        assert_eq!(triple.narrow, Some((3, 1)));
        let a = 6_148_914_691_236_517_205_i128;
        assert_eq!(triple.apply(a), Some(18_446_744_073_709_551_615));
        assert_eq!(triple.apply(-a), Some(-18_446_744_073_709_551_615));
        // One cent more: 2^64 + 2, past 64 bits, is the wide path's, the same product.
        assert_eq!(triple.apply(a + 1), Some(18_446_744_073_709_551_618));
        // Halves away from zero either side: 3 / 2 = 1.5 → 2, -1.5 → -2, 0 → 0.
        let half = Factor::ratio(Decimal::ONE, Decimal::from(2)).prepared();
        assert_eq!(half.narrow, Some((1, 2)));
        assert_eq!(half.apply(3), Some(2));
        assert_eq!(half.apply(-3), Some(-2));
        assert_eq!(half.apply(0), Some(0));
        // An amount beyond i64: (2^63 + 1) / 2 = 2^62 + 0.5 → 2^62 + 1, the wide path.
        assert_eq!(half.apply((1 << 63) + 1), Some((1 << 62) + 1));
        // A factor as it comes (not prepared) has no narrow ratio.
        assert_eq!(Factor::share(Decimal::from(3)).narrow, None);
    }

    #[test]
    fn a_factor_as_it_comes_divides_on_i64_up_to_2_pow_63() {
        // 3 · 3,074,457,345,618,258,602 = 2^63 - 2, a product of i64; one cent more
        // is 2^63 + 1, past i64: the i128 product, the same exact cents either side.
        let triple = Factor::share(Decimal::from(3));
        let a = 3_074_457_345_618_258_602_i128;
        assert_eq!(triple.apply(a), Some(9_223_372_036_854_775_806));
        assert_eq!(triple.apply(-a), Some(-9_223_372_036_854_775_806));
        assert_eq!(triple.apply(a + 1), Some(9_223_372_036_854_775_809));
        // 0.0925 · 31 / 360 not in lowest terms (28,675 / 3,600,000): 100,000,000.00
        // gives 796,527.777… → 796,527.78; halves of a cent away from zero: 1 / 2 of
        // 0.01 is 0.005 → 0.01, of -0.03 is -0.015 → -0.02.
        let accrual = Factor::accrual(Decimal::new(925, 4), (31, 360));
        assert_eq!(accrual.apply(10_000_000_000), Some(79_652_778));
        let half = Factor::ratio(Decimal::ONE, Decimal::from(2));
        assert_eq!(half.apply(1), Some(1));
        assert_eq!(half.apply(-3), Some(-2));
        // The division itself: 7 / 2 = 3.5 → 4, -3.5 → -4, 5 / 3 = 1.67 → 2, -1.67 → -2,
        // 4 / 3 = 1.33 → 1; (2^63 - 1) / 2 = 2^62 - 0.5 → 2^62; -2^63 / 2 = -2^62.
        for (n, d, rounded) in [(7, 2, 4), (-7, 2, -4), (5, 3, 2), (-5, 3, -2), (4, 3, 1)] {
            assert_eq!(round_half_away_64(n, d), rounded);
            assert_eq!(
                round_half_away(i128::from(n), i128::from(d)),
                i128::from(rounded)
            );
        }
        assert_eq!(round_half_away_64(i64::MAX, 2), 1 << 62);
        assert_eq!(round_half_away_64(i64::MIN, 2), -(1 << 62));
        assert_eq!(round_half_away_64(i64::MAX, i64::MAX), 1);
    }

    #[test]
    fn an_accrual_on_i64_and_past_it() {
        let cents = |c: i128| Money::checked_cents(c).unwrap();
        // 100,000,000.00 · 0.0925 · 31 / 360 = 796,527.777… → 796,527.78;
        // 191,722,200.00 · 0.0925 · 1 / 12 = 1,477,858.625 → 1,477,858.63.
        let rate = Decimal::new(925, 4);
        let accrued = |fraction, c| Factor::accrued(rate, fraction, cents(c)).unwrap();
        assert_eq!(accrued((31, 360), 10_000_000_000), cents(79_652_778));
        assert_eq!(accrued((1, 12), 19_172_220_000), cents(147_785_863));
        // A negative rate: -796,527.777… → -796,527.78.
        let negative = Decimal::new(-925, 4);
        let interest = Factor::accrued(negative, (31, 360), cents(10_000_000_000));
        assert_eq!(interest, Ok(cents(-79_652_778)));
        // Halves of a cent away from zero: 0.01 · 0.5 = 0.005 → 0.01, -0.03 · 0.5 →
        // -0.02; a zero amount, rate or day count is 0.
        let half = Decimal::new(5, 1);
        assert_eq!(Factor::accrued(half, (1, 1), cents(1)), Ok(cents(1)));
        assert_eq!(Factor::accrued(half, (1, 1), cents(-3)), Ok(cents(-2)));
        assert_eq!(Factor::accrued(half, (1, 1), Money::ZERO), Ok(Money::ZERO));
        assert_eq!(
            Factor::accrued(Decimal::ZERO, (31, 360), cents(5)),
            Ok(Money::ZERO)
        );
        assert_eq!(Factor::accrued(half, (0, 360), cents(5)), Ok(Money::ZERO));
        // (2^63 - 1) cents · 1 is the last product of i64; · 2 is past it: 2^64 - 2.
        let max = i128::from(i64::MAX);
        assert_eq!(
            Factor::accrued(Decimal::ONE, (1, 1), cents(max)),
            Ok(cents(max))
        );
        let two = Decimal::from(2);
        assert_eq!(Factor::accrued(two, (1, 1), cents(max)), Ok(cents(2 * max)));
        // An amount past i64: 2^63 cents · 0.5 = 2^62 cents.
        assert_eq!(
            Factor::accrued(half, (1, 1), cents(max + 1)),
            Ok(cents(1 << 62))
        );
        // A rate of 19 decimals (10^19 is past i64): 0.5 written 5 · 10^18 / 10^19.
        let long_half = Decimal::from_i128_with_scale(5_000_000_000_000_000_000, 19);
        assert_eq!(Factor::accrued(long_half, (1, 1), cents(1)), Ok(cents(1)));
        // A basis of 0 divides by zero; a negative basis moves its sign: 1.00 / -8 =
        // -0.125 → -0.13.
        assert_eq!(
            Factor::accrued(half, (1, 0), cents(100)),
            Err(ArithmeticError::DivisionByZero)
        );
        assert_eq!(
            Factor::accrued(Decimal::ONE, (1, -8), cents(100)),
            Ok(cents(-13))
        );
    }

    #[test]
    fn a_zero_factor_or_amount_is_zero_and_a_zero_denominator_an_error() {
        let zero_rate = Factor::accrual(Decimal::ZERO, (31, 360));
        assert!(zero_rate.is_zero());
        assert_eq!(zero_rate.on(Money::from_cents(123)).unwrap(), Money::ZERO);
        let f = Factor::accrual(Decimal::new(5, 2), (30, 360));
        assert_eq!(f.on(Money::ZERO).unwrap(), Money::ZERO);
        let by_zero = Factor::ratio(Decimal::ONE, Decimal::ZERO);
        assert_eq!(by_zero.apply(100), None);
        assert_eq!(
            by_zero.on(Money::from_cents(100)),
            Err(ArithmeticError::DivisionByZero)
        );
    }

    #[test]
    fn a_product_too_large_for_i128_takes_the_exact_path() {
        // A 28-decimal rate: m · days fits, but cents · m does not.
        let rate = Decimal::from_i128_with_scale(9_250_000_000_000_000_000_000_000_001, 28);
        let f = Factor::accrual(rate, (30, 360));
        let amount = Money::from_cents(1_000_000_000_000_000);
        assert_eq!(f.apply(amount.cents()), None);
        // 10,000,000,000,000.00 · 0.925… / 12 = 770,833,333,333.333… → …333.33
        assert_eq!(f.on(amount).unwrap(), Money::from_cents(77_083_333_333_333));
    }

    #[test]
    fn a_result_beyond_the_largest_amount_is_an_overflow() {
        // 1e20 · 1.5 is above Money's bound of 1e20: no i128 answer, and an error.
        let f = Factor::share(Decimal::new(15, 1));
        let max = Money::checked_cents(MAX_CENTS).unwrap();
        assert_eq!(f.apply(max.cents()), None);
        assert_eq!(f.on(max), Err(ArithmeticError::Overflow));
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
            basis in proptest::sample::select(vec![360_i64, 365, 12, 1]),
        ) {
            let rate = Decimal::from_i128_with_scale(mantissa, scale);
            let amount = Money::checked(Decimal::from_i128_with_scale(cents, 2)).unwrap();
            let expected = round2_ratio(
                &[amount.amount(), rate, Decimal::from(days)],
                &[Decimal::from(basis)],
            );
            let f = Factor::accrual(rate, (days, basis));
            proptest::prop_assert_eq!(f.on(amount), expected);
            proptest::prop_assert_eq!(Factor::accrued(rate, (days, basis), amount), expected);
            if let Some(cents) = f.apply(amount.cents()) {
                proptest::prop_assert_eq!(Ok(Money::checked_cents(cents).unwrap()), expected);
            }
            // In lowest terms: the same cents, whenever either path answers.
            let reduced = f.prepared();
            proptest::prop_assert_eq!(reduced.on(amount), expected);
            if let Some(cents) = reduced.apply(amount.cents()) {
                proptest::prop_assert_eq!(Ok(Money::checked_cents(cents).unwrap()), expected);
            }
        }

        /// A ratio of two amounts (a pro-rata draw) agrees with `round2_ratio` on
        /// `C · payment / T`, whatever the signs.
        #[test]
        fn a_ratio_agrees_with_round2_ratio(
            commitment in -10_000_000_000_000_i128..10_000_000_000_000,
            part in -10_000_000_000_000_i128..10_000_000_000_000,
            whole in proptest::prop_oneof![
                1_i128..10_000_000_000_000,
                -10_000_000_000_000_i128..-1,
            ],
        ) {
            let (part, whole) = (
                Decimal::from_i128_with_scale(part, 2),
                Decimal::from_i128_with_scale(whole, 2),
            );
            let c = Money::checked(Decimal::from_i128_with_scale(commitment, 2)).unwrap();
            let expected = round2_ratio(&[c.amount(), part], &[whole]);
            proptest::prop_assert_eq!(Factor::ratio(part, whole).on(c), expected);
            proptest::prop_assert_eq!(Factor::ratio(part, whole).prepared().on(c), expected);
        }
    }
}
