//! Rounded formulas evaluated exactly (methodology section 0): "a rounded formula is
//! evaluated as one product divided by one denominator, dividing last, and only its
//! result is rounded".
//!
//! [`round2_ratio`] and [`floor2_ratio`] take the factors of the numerator and of the
//! denominator as exact decimals and round `Π numerator / Π denominator` once, to
//! cents. Nothing is rounded before that: a decimal `m · 10^-s` enters as the integer
//! `m` and the power of ten, the products are exact integers (`i128` when they fit,
//! else a small arbitrary-precision integer), and one integer division with its
//! remainder decides the rounding. A factor that would be a repeating decimal on its
//! own (`rate · m / 12`, `days / 360`) is passed as its numerator and denominator, so
//! it is never represented.
//!
//! `rust_decimal`'s own product keeps 28 significant digits: when the exact product
//! needs more (an escalation factor `1.03^15`, a 28-decimal rate times a large
//! balance), it rounds before the division. These functions never do.

use std::cmp::Ordering;

use boxflow_core::{ArithmeticError, Money};
use rust_decimal::Decimal;

/// The largest quotient in cents these functions return before [`Money::checked`]
/// judges it: anything with more bits is far above [`Money::max_amount`] (1e22 cents
/// is below 2^74).
const MAX_QUOTIENT_BITS: u32 = 100;

pub(crate) use boxflow_core::POW10;

/// `round2(Π numerator / Π denominator)`, half away from zero, evaluated exactly and
/// rounded once.
///
/// ```
/// use boxflow_amortize::exact::round2_ratio;
/// use boxflow_core::Money;
/// use rust_decimal::Decimal;
/// // 191,722,200.00 · 0.0925 · 1 / 12 = 1,477,858.625 exactly → 1,477,858.63
/// let nominal = Decimal::new(191_722_200_00, 2);
/// let a = round2_ratio(&[nominal, Decimal::new(925, 4), Decimal::ONE], &[Decimal::from(12)]);
/// assert_eq!(a.unwrap(), Money::from_cents(147_785_863));
/// ```
pub fn round2_ratio(
    numerator: &[Decimal],
    denominator: &[Decimal],
) -> Result<Money, ArithmeticError> {
    ratio_cents(numerator, denominator, Rounding::HalfAwayFromZero)
}

/// `floor2(Π numerator / Π denominator)`, toward negative infinity, evaluated exactly
/// and rounded once.
///
/// ```
/// use boxflow_amortize::exact::floor2_ratio;
/// use boxflow_core::Money;
/// use rust_decimal::Decimal;
/// // 13,108,541.96 / 1.30 = 10,083,493.8153… → 10,083,493.81
/// let cap = floor2_ratio(&[Decimal::new(13_108_541_96, 2)], &[Decimal::new(130, 2)]);
/// assert_eq!(cap.unwrap(), Money::from_cents(1_008_349_381));
/// ```
pub fn floor2_ratio(
    numerator: &[Decimal],
    denominator: &[Decimal],
) -> Result<Money, ArithmeticError> {
    ratio_cents(numerator, denominator, Rounding::Floor)
}

/// How the quotient in cents is rounded to a whole cent.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rounding {
    HalfAwayFromZero,
    Floor,
}

fn ratio_cents(
    numerator: &[Decimal],
    denominator: &[Decimal],
    rounding: Rounding,
) -> Result<Money, ArithmeticError> {
    if let Some(result) = small_ratio_cents(numerator, denominator, rounding) {
        return result;
    }
    let (num, num_scale, num_negative) = integer_product(numerator);
    let (den, den_scale, den_negative) = integer_product(denominator);
    if den.is_zero() {
        return Err(ArithmeticError::DivisionByZero);
    }
    // value = num · 10^-num_scale / (den · 10^-den_scale); cents = value · 100.
    let shift = i64::from(den_scale) + 2 - i64::from(num_scale);
    let (num, den) = if shift >= 0 {
        (num.mul(&Big::pow10(shift as u32)), den)
    } else {
        (num, den.mul(&Big::pow10((-shift) as u32)))
    };
    let negative = !num.is_zero() && (num_negative != den_negative);
    let (mut quotient, remainder) = num.div_rem(&den).ok_or(ArithmeticError::Overflow)?;
    let round_up = match rounding {
        Rounding::HalfAwayFromZero => remainder.shl(1).cmp(&den) != Ordering::Less,
        Rounding::Floor => negative && !remainder.is_zero(),
    };
    if round_up {
        quotient += 1;
    }
    let cents = i128::try_from(quotient).map_err(|_| ArithmeticError::Overflow)?;
    let cents = if negative { -cents } else { cents };
    Money::checked_cents(cents)
}

/// The same quotient on `i128` alone, `None` when a product does not fit (the
/// caller then takes the big-integer path). Every deal's ordinary figures fit.
fn small_ratio_cents(
    numerator: &[Decimal],
    denominator: &[Decimal],
    rounding: Rounding,
) -> Option<Result<Money, ArithmeticError>> {
    if let ([a, b], []) = (numerator, denominator) {
        if let Some(cents) = two_factor_cents(*a, *b, rounding) {
            return Some(Money::checked_cents(cents));
        }
    }
    let product = |factors: &[Decimal]| -> Option<(i128, u32)> {
        factors.iter().try_fold((1_i128, 0_u32), |(p, s), f| {
            Some((p.checked_mul(f.mantissa())?, s + f.scale()))
        })
    };
    let (mut num, num_scale) = product(numerator)?;
    let (mut den, den_scale) = product(denominator)?;
    if den == 0 {
        return Some(Err(ArithmeticError::DivisionByZero));
    }
    let shift = i64::from(den_scale) + 2 - i64::from(num_scale);
    let power = *POW10.get(usize::try_from(shift.unsigned_abs()).ok()?)?;
    if shift >= 0 {
        num = num.checked_mul(power)?;
    } else {
        den = den.checked_mul(power)?;
    }
    if den < 0 {
        num = num.checked_neg()?;
        den = den.checked_neg()?;
    }
    Some(Money::checked_cents(rounded_quotient(num, den, rounding)?))
}

/// `a · b` in cents, rounded, when both mantissas fit `i64` (a price times a
/// quantity, an invoice times a share): their product is one 64 by 64-bit
/// multiplication, which cannot overflow `i128`, over a power of ten. The same
/// quotient as the general path; `None` when a mantissa or the power does not fit.
fn two_factor_cents(a: Decimal, b: Decimal, rounding: Rounding) -> Option<i128> {
    let product = i128::from(i64::try_from(a.mantissa()).ok()?)
        * i128::from(i64::try_from(b.mantissa()).ok()?);
    let scale = a.scale() + b.scale();
    if scale <= 2 {
        product.checked_mul(*POW10.get((2 - scale) as usize)?)
    } else {
        rounded_quotient(product, *POW10.get((scale - 2) as usize)?, rounding)
    }
}

/// `num / den` (`den > 0`) rounded to a whole number as `rounding` says; `None` when
/// twice the remainder does not fit.
fn rounded_quotient(num: i128, den: i128, rounding: Rounding) -> Option<i128> {
    let (quotient, remainder) = match (i64::try_from(num), i64::try_from(den)) {
        (Ok(n), Ok(d)) => (i128::from(n.div_euclid(d)), i128::from(n.rem_euclid(d))),
        _ => (num.div_euclid(den), num.rem_euclid(den)),
    };
    // div_euclid with den > 0 is the floor; remainder in [0, den).
    Some(match rounding {
        Rounding::Floor => quotient,
        Rounding::HalfAwayFromZero => {
            let twice = remainder.checked_mul(2)?;
            if quotient >= 0 {
                quotient + i128::from(twice >= den)
            } else {
                // floor(x) + 1 when the fraction is above one half; at exactly one half
                // a negative x rounds away from zero, i.e. stays at the floor.
                quotient + i128::from(twice > den)
            }
        }
    })
}

/// `Π |mantissa_i|`, `Σ scale_i` and whether the product is negative.
fn integer_product(factors: &[Decimal]) -> (Big, u32, bool) {
    let mut product = Big::from_u128(1);
    let mut scale = 0_u32;
    let mut negative = false;
    for f in factors {
        product = product.mul(&Big::from_u128(f.mantissa().unsigned_abs()));
        scale += f.scale();
        negative ^= f.is_sign_negative() && !f.is_zero();
    }
    (product, scale, negative)
}

/// The level profile's annuity (section 7), `A = round2(C · r / (1 - (1+r)^-n))` with
/// `r = rate · m / 12`, evaluated exactly and divided last. With `R = rate · m =
/// a / 10^s` (a an integer), `B = 12 · 10^s + a` and `T = 12 · 10^s`:
///
/// `A = C · R · (12+R)^n / (12 · ((12+R)^n - 12^n)) = C · a · B^n / (10^s · 12 · (B^n - T^n))`.
///
/// `round2(C / n)` when `r = 0`.
pub fn level_annuity(
    commitment: Money,
    rate: Decimal,
    months_per_period: u32,
    n: usize,
) -> Result<Money, ArithmeticError> {
    if n == 0 {
        return Err(ArithmeticError::DivisionByZero);
    }
    let n_u32 = u32::try_from(n).map_err(|_| ArithmeticError::Overflow)?;
    let big_r = rate
        .checked_mul(Decimal::from(months_per_period))
        .ok_or(ArithmeticError::Overflow)?
        .normalize();
    if big_r.is_zero() {
        return round2_ratio(&[commitment.amount()], &[Decimal::from(n as u64)]);
    }
    let s = big_r.scale();
    let a = big_r.mantissa();
    let t = 12_i128
        .checked_mul(10_i128.pow(s))
        .ok_or(ArithmeticError::Overflow)?;
    let b = t.checked_add(a).ok_or(ArithmeticError::Overflow)?;
    if b <= 0 {
        // 1 + r <= 0: no annuity exists.
        return Err(ArithmeticError::Overflow);
    }
    let b_n = Big::from_u128(b.unsigned_abs()).pow(n_u32);
    let t_n = Big::from_u128(t.unsigned_abs()).pow(n_u32);
    // B^n - T^n has the sign of a; so has a: the quotient is positive for C > 0.
    let gap = match b_n.cmp(&t_n) {
        Ordering::Greater => b_n.sub(&t_n),
        Ordering::Less => t_n.sub(&b_n),
        Ordering::Equal => return Err(ArithmeticError::DivisionByZero),
    };
    let c = commitment.cents();
    let num = Big::from_u128(c.unsigned_abs())
        .mul(&Big::from_u128(a.unsigned_abs()))
        .mul(&b_n);
    let den = Big::pow10(s).mul(&Big::from_u128(12)).mul(&gap);
    let (mut quotient, remainder) = num.div_rem(&den).ok_or(ArithmeticError::Overflow)?;
    if remainder.shl(1).cmp(&den) != Ordering::Less {
        quotient += 1;
    }
    let cents = i128::try_from(quotient).map_err(|_| ArithmeticError::Overflow)?;
    let cents = if c < 0 { -cents } else { cents };
    Money::checked(
        Decimal::try_from_i128_with_scale(cents, 2).map_err(|_| ArithmeticError::Overflow)?,
    )
}

/// An exact rational `num / den` as the nearest decimal of at most 28 significant
/// digits (half away from zero): the one rounding of a ratio that is not money.
/// `None` when the value does not fit a decimal or `den` is zero.
pub(crate) fn rational_to_decimal(negative: bool, num: &Big, den: &Big) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    if num.is_zero() {
        return Some(Decimal::ZERO);
    }
    // The largest scale (at most 28) whose scaled quotient fits a 96-bit mantissa.
    let limit = Big::from_u128(1 << 96);
    let mut chosen = None;
    for scale in (0..=28_u32).rev() {
        let scaled = num.mul(&Big::pow10(scale));
        // A quotient below 2^96 needs scaled < 2^96 · den.
        if scaled.cmp(&limit.mul(den)) == Ordering::Less {
            chosen = Some((scale, scaled));
            break;
        }
    }
    let (scale, scaled) = chosen?;
    let (mut q, r) = scaled.div_rem(den)?;
    if r.shl(1).cmp(den) != Ordering::Less {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    let value = Decimal::try_from_i128_with_scale(if negative { -q } else { q }, scale).ok()?;
    Some(value.normalize())
}

/// A signed big integer for sums of terms of either sign.
#[derive(Clone, Debug)]
pub(crate) struct SignedBig {
    pub(crate) negative: bool,
    pub(crate) magnitude: Big,
}

impl SignedBig {
    pub(crate) fn from_i128(x: i128) -> SignedBig {
        SignedBig {
            negative: x < 0,
            magnitude: Big::from_u128(x.unsigned_abs()),
        }
    }

    pub(crate) fn mul_big(&self, other: &Big) -> SignedBig {
        let magnitude = self.magnitude.mul(other);
        SignedBig {
            negative: self.negative && !magnitude.is_zero(),
            magnitude,
        }
    }

    pub(crate) fn add(&self, other: &SignedBig) -> SignedBig {
        if self.negative == other.negative {
            return SignedBig {
                negative: self.negative,
                magnitude: self.magnitude.add(&other.magnitude),
            };
        }
        match self.magnitude.cmp(&other.magnitude) {
            Ordering::Less => SignedBig {
                negative: other.negative,
                magnitude: other.magnitude.sub(&self.magnitude),
            },
            _ => {
                let magnitude = self.magnitude.sub(&other.magnitude);
                SignedBig {
                    negative: self.negative && !magnitude.is_zero(),
                    magnitude,
                }
            }
        }
    }
}

/// A non-negative integer of any size: little-endian base-2^32 limbs, no trailing
/// zero limb (zero is empty). Only what exact rounding needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Big(Vec<u32>);

impl Big {
    pub(crate) fn from_u128(mut x: u128) -> Big {
        let mut limbs = Vec::with_capacity(4);
        while x > 0 {
            limbs.push(x as u32);
            x >>= 32;
        }
        Big(limbs)
    }

    pub(crate) fn pow10(e: u32) -> Big {
        // 10^38 is the largest power of ten in a u128.
        let mut result = Big::from_u128(1);
        let mut left = e;
        while left > 0 {
            let step = left.min(38);
            result = result.mul(&Big::from_u128(10_u128.pow(step)));
            left -= step;
        }
        result
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(mut self) -> Big {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(top) => 32 * (self.0.len() as u64 - 1) + u64::from(32 - top.leading_zeros()),
        }
    }

    pub(crate) fn mul(&self, other: &Big) -> Big {
        if self.is_zero() || other.is_zero() {
            return Big(Vec::new());
        }
        let mut out = vec![0_u32; self.0.len() + other.0.len()];
        for (i, &x) in self.0.iter().enumerate() {
            let mut carry = 0_u64;
            for (j, &y) in other.0.iter().enumerate() {
                let t = u64::from(x) * u64::from(y) + u64::from(out[i + j]) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            let mut k = i + other.0.len();
            while carry > 0 {
                let t = u64::from(out[k]) + carry;
                out[k] = t as u32;
                carry = t >> 32;
                k += 1;
            }
        }
        Big(out).trim()
    }

    fn pow(&self, mut e: u32) -> Big {
        let mut base = self.clone();
        let mut result = Big::from_u128(1);
        while e > 0 {
            if e & 1 == 1 {
                result = result.mul(&base);
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
            }
        }
        result
    }

    pub(crate) fn add(&self, other: &Big) -> Big {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut out = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0_u64;
        for (i, &x) in long.0.iter().enumerate() {
            let t = u64::from(x) + u64::from(short.0.get(i).copied().unwrap_or(0)) + carry;
            out.push(t as u32);
            carry = t >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Big(out).trim()
    }

    /// `self - other`, for `self >= other`.
    pub(crate) fn sub(&self, other: &Big) -> Big {
        let mut out = self.0.clone();
        let mut borrow = 0_i64;
        for (i, limb) in out.iter_mut().enumerate() {
            let y = i64::from(other.0.get(i).copied().unwrap_or(0));
            let mut t = i64::from(*limb) - y - borrow;
            borrow = 0;
            if t < 0 {
                t += 1 << 32;
                borrow = 1;
            }
            *limb = t as u32;
        }
        Big(out).trim()
    }

    pub(crate) fn shl(&self, bits: u64) -> Big {
        if self.is_zero() {
            return self.clone();
        }
        let limbs = (bits / 32) as usize;
        let rest = (bits % 32) as u32;
        let mut out = vec![0_u32; limbs];
        out.reserve(self.0.len() + 1);
        let mut carry = 0_u32;
        for &x in &self.0 {
            if rest == 0 {
                out.push(x);
            } else {
                out.push((x << rest) | carry);
                carry = x >> (32 - rest);
            }
        }
        if carry > 0 {
            out.push(carry);
        }
        Big(out).trim()
    }

    pub(crate) fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// `(self / den, self % den)` by binary long division; `None` when the quotient
    /// has more than [`MAX_QUOTIENT_BITS`] bits (or `den` is zero).
    pub(crate) fn div_rem(&self, den: &Big) -> Option<(u128, Big)> {
        if den.is_zero() {
            return None;
        }
        if self.cmp(den) == Ordering::Less {
            return Some((0, self.clone()));
        }
        let span = self.bits() - den.bits(); // the quotient has span or span + 1 bits
        if span >= u64::from(MAX_QUOTIENT_BITS) {
            return None;
        }
        let mut rest = self.clone();
        let mut quotient = 0_u128;
        for i in (0..=span).rev() {
            let shifted = den.shl(i);
            if rest.cmp(&shifted) != Ordering::Less {
                rest = rest.sub(&shifted);
                quotient |= 1 << i;
            }
        }
        Some((quotient, rest))
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
    fn big_arithmetic_against_u128() {
        let a = Big::from_u128(0xFFFF_FFFF_FFFF_FFFF_1234);
        let b = Big::from_u128(0xABCD_EF01);
        assert_eq!(
            a.mul(&b),
            Big::from_u128(0xFFFF_FFFF_FFFF_FFFF_1234 * 0xABCD_EF01)
        );
        assert_eq!(
            a.sub(&b),
            Big::from_u128(0xFFFF_FFFF_FFFF_FFFF_1234 - 0xABCD_EF01)
        );
        assert_eq!(b.shl(40), Big::from_u128(0xABCD_EF01 << 40));
        assert_eq!(Big::from_u128(7).pow(40), Big::from_u128(7_u128.pow(40)));
        assert_eq!(Big::pow10(30), Big::from_u128(10_u128.pow(30)));
        let (q, r) = Big::from_u128(1_000_000_007)
            .div_rem(&Big::from_u128(97))
            .unwrap();
        assert_eq!(
            (q, r),
            (1_000_000_007 / 97, Big::from_u128(1_000_000_007 % 97))
        );
        assert_eq!(Big::from_u128(5).div_rem(&Big(Vec::new())), None);
    }

    #[test]
    fn halves_round_away_from_zero_and_floors_go_down() {
        // 0.005 → 0.01, -0.005 → -0.01 (round2); floor2(-0.001) = -0.01.
        assert_eq!(
            round2_ratio(&[d("0.005")], &[]).unwrap(),
            Money::from_cents(1)
        );
        assert_eq!(
            round2_ratio(&[d("-0.005")], &[]).unwrap(),
            Money::from_cents(-1)
        );
        assert_eq!(
            round2_ratio(&[d("1")], &[d("-200")]).unwrap(),
            Money::from_cents(-1)
        );
        assert_eq!(
            floor2_ratio(&[d("-0.001")], &[]).unwrap(),
            Money::from_cents(-1)
        );
        assert_eq!(
            floor2_ratio(&[d("0.019")], &[]).unwrap(),
            Money::from_cents(1)
        );
        assert_eq!(round2_ratio(&[d("0.0049999")], &[]).unwrap(), Money::ZERO);
        assert_eq!(
            round2_ratio(&[d("1")], &[Decimal::ZERO]),
            Err(ArithmeticError::DivisionByZero)
        );
    }

    #[test]
    fn products_beyond_28_digits_stay_exact() {
        // 1.03^15 = 103^15 / 10^30 = 1.557967416600764580522382952407 (31 digits, more
        // than a decimal holds) → 1.56.
        let esc = vec![d("1.03"); 15];
        assert_eq!(round2_ratio(&esc, &[]).unwrap(), Money::from_cents(156));
        // 1.999999999999999999999999999 · 0.0025 = 0.0049999999999999999999999999975
        // exactly, below half a cent: 0.00. A 28-decimal product rounds it to 0.005
        // first, which round2 takes to 0.01.
        let x = d("1.999999999999999999999999999");
        assert_eq!(round2_ratio(&[x, d("0.0025")], &[]).unwrap(), Money::ZERO);
        assert_eq!(
            round2_ratio(&[x, d("0.0025")], &[d("-1")]).unwrap(),
            Money::ZERO
        );
        // And just above: 2.000000000000000000000000001 · 0.0025 → 0.01.
        let y = d("2.000000000000000000000000001");
        assert_eq!(
            round2_ratio(&[y, d("0.0025")], &[]).unwrap(),
            Money::from_cents(1)
        );
    }

    #[test]
    fn the_small_and_big_paths_agree() {
        let cases: &[(&[&str], &[&str])] = &[
            (&["0.005"], &[]),
            (&["-0.005"], &[]),
            (&["-0.015"], &[]),
            (&["-0.0151"], &[]),
            (&["-0.0149"], &[]),
            (&["1"], &["-200"]),
            (&["-1"], &["-200"]),
            (&["-1"], &["300"]),
            (&["191722200.00", "0.0925", "1"], &["12"]),
            (&["397843333.52", "0.0765", "31"], &["360"]),
            (&["-13108541.96"], &["1.30"]),
            (&["0"], &["7"]),
        ];
        for (num, den) in cases {
            let num: Vec<Decimal> = num.iter().map(|x| d(x)).collect();
            let den: Vec<Decimal> = den.iter().map(|x| d(x)).collect();
            for rounding in [Rounding::HalfAwayFromZero, Rounding::Floor] {
                let small = small_ratio_cents(&num, &den, rounding).unwrap();
                // Force the big path with a factor pair whose mantissa product overflows
                // i128 but whose value is 1: (10^30 · 10^-30) twice.
                let one = Decimal::from_i128_with_scale(10_i128.pow(27), 27);
                let mut big_num = num.clone();
                big_num.extend([one, one]);
                let mut big_den = den.clone();
                big_den.extend([one, one]);
                assert!(small_ratio_cents(&big_num, &big_den, rounding).is_none());
                let big = ratio_cents(&big_num, &big_den, rounding);
                assert_eq!(small, big, "{num:?} / {den:?}");
            }
        }
        assert_eq!(
            round2_ratio(&[d("-0.015")], &[]).unwrap(),
            Money::from_cents(-2)
        );
        assert_eq!(
            floor2_ratio(&[d("-0.0149")], &[]).unwrap(),
            Money::from_cents(-2)
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// A product of two factors (the two-factor path) is the big-integer path's
        /// cent, with both roundings, at every scale, around half cents and for
        /// mantissas beyond `i64`.
        #[test]
        fn two_factors_are_the_big_paths_cents(
            ma in proptest::prop_oneof![-1_000_000_i128..1_000_000, -(1_i128 << 70)..(1_i128 << 70)],
            mb in proptest::prop_oneof![-10_000_i128..10_000, -(1_i128 << 63)..(1_i128 << 63)],
            sa in 0_u32..=28, sb in 0_u32..=28, half in proptest::bool::ANY,
        ) {
            // Half of an amount in cents: a tie at every odd number of cents.
            let (a, b) = if half {
                (Decimal::from_i128_with_scale(ma, 2), Decimal::new(5, 1))
            } else {
                (Decimal::from_i128_with_scale(ma, sa), Decimal::from_i128_with_scale(mb, sb))
            };
            let one = Decimal::from_i128_with_scale(10_i128.pow(27), 27);
            for rounding in [Rounding::HalfAwayFromZero, Rounding::Floor] {
                let fast = ratio_cents(&[a, b], &[], rounding);
                let big = ratio_cents(&[a, b, one, one], &[one, one], rounding);
                proptest::prop_assert_eq!(fast, big, "{} · {}", a, b);
            }
        }
    }

    #[test]
    fn absurd_quotients_are_errors() {
        let big = d("1000000000000000");
        assert_eq!(
            round2_ratio(&[big, big, big], &[]),
            Err(ArithmeticError::Overflow)
        );
        assert_eq!(
            round2_ratio(&[big, big], &[]),
            Err(ArithmeticError::Overflow)
        );
    }
}
