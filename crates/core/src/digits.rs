//! Fixed-point numbers as text with integer code, on the stack: the digits of
//! [`Money`](crate::Money)'s display and of [`crate::json::decimal`], written without
//! `core::fmt` or an allocation (the JSON report writes some twenty thousand of them;
//! docs/performance.md, sixth pass).
//!
//! Only the code path changes, not the text: money is its cents with a point before
//! the last two digits, a ratio its mantissa at scale 10 with a point before the last
//! ten, exactly as the decimal's own display writes them (tested against it).

/// The longest text: a sign, the 39 digits of `u128::MAX`, a point and a leading `0`.
const CAPACITY: usize = 48;

/// The longest text of [`Digits::write_cents`]: a sign, the 18 digits of
/// `u64::MAX / 100`, a point and two decimals.
pub const CENTS_TEXT_MAX: usize = 22;

/// `10^19`, the largest power of ten below `u64::MAX`.
const TEN_POW_19: u128 = 10_000_000_000_000_000_000;

/// `10^k` for every `k` whose power fits `i128` (0 to 38): the one table of powers
/// of ten of the workspace (the digits' scales, the covenant levels, the exact
/// roundings of `boxflow_amortize`).
///
/// ```
/// assert_eq!(boxflow_core::POW10[2], 100);
/// assert_eq!(Some(boxflow_core::POW10[38]), 10_i128.checked_pow(38));
/// ```
pub const POW10: [i128; 39] = {
    let mut table = [1_i128; 39];
    let mut k = 1;
    while k < 39 {
        table[k] = table[k - 1] * 10;
        k += 1;
    }
    table
};

/// "00" to "99", the two digits of each number below 100.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// A number's text, built from its last character backwards.
pub struct Digits {
    buf: [u8; CAPACITY],
    start: usize,
}

impl Digits {
    /// `-` when `negative`, then `abs / 10^decimals`, a point and the last `decimals`
    /// digits of `abs` (at most 19 decimals: more are read as 19; no point when 0): the text of the
    /// fixed-point number `±abs · 10^-decimals`.
    ///
    /// ```
    /// use boxflow_core::Digits;
    /// assert_eq!(Digits::fixed_point(true, 123_456, 2).as_str(), "-1234.56");
    /// assert_eq!(Digits::fixed_point(false, 7, 3).as_str(), "0.007");
    /// assert_eq!(Digits::fixed_point(false, 42, 0).as_str(), "42");
    /// ```
    #[inline]
    pub fn fixed_point(negative: bool, abs: u128, decimals: u32) -> Digits {
        // The JSON report's scales, money's 2 and a ratio's 10, and integers' 0 have
        // their own copies, whose divisions by a constant are multiplications.
        match decimals {
            0 => Digits::fixed::<0>(negative, abs),
            2 => Digits::fixed::<2>(negative, abs),
            10 => Digits::fixed::<10>(negative, abs),
            // More than 19 decimals would not fit `u64`: 19 is the most (no caller
            // asks for more than 10).
            _ => Digits::fixed_at(negative, abs, decimals.min(19)),
        }
    }

    /// A decimal's text exactly as its `Display` writes it (every decimal of its scale;
    /// `-` for a negative sign, a negative zero's too), without `core::fmt`: the
    /// grid's point values in its rows and scenario names.
    ///
    /// ```
    /// use boxflow_core::{Decimal, Digits};
    /// assert_eq!(Digits::decimal(Decimal::new(161, 2)).as_str(), "1.61");
    /// assert_eq!(Digits::decimal(Decimal::new(-5, 3)).as_str(), "-0.005");
    /// assert_eq!(Digits::decimal(Decimal::new(495, 0)).as_str(), "495");
    /// ```
    pub fn decimal(x: rust_decimal::Decimal) -> Digits {
        match x.scale() {
            // A mantissa of at most 96 bits at a scale `fixed_at` writes.
            scale @ 0..=19 => {
                Digits::fixed_point(x.is_sign_negative(), x.mantissa().unsigned_abs(), scale)
            }
            _ => Digits::text(&x.to_string()),
        }
    }

    /// [`Digits::fixed_point`] at two decimals, inlined where it is called: the text
    /// of an amount of money from its cents ([`Money::text`](crate::Money::text); the
    /// JSON report writes thousands).
    ///
    /// ```
    /// use boxflow_core::Digits;
    /// assert_eq!(Digits::cents(-123_456).as_str(), "-1234.56");
    /// assert_eq!(Digits::cents(5).as_str(), "0.05");
    /// ```
    #[inline(always)]
    pub fn cents(cents: i128) -> Digits {
        Digits::fixed::<2>(cents < 0, cents.unsigned_abs())
    }

    /// [`Digits::cents`]'s text written at the start of `out` (no stack copy of a
    /// [`Digits`]: the JSON writer's amounts go straight into its buffer), and its
    /// length; `None`, with nothing written, for cents beyond `u64`, which no amount
    /// has. The whole part's digits are counted first, then written from the last.
    ///
    /// ```
    /// use boxflow_core::{Digits, CENTS_TEXT_MAX};
    /// let mut out = [0; CENTS_TEXT_MAX];
    /// assert_eq!(Digits::write_cents(-123_456, &mut out), Some(8));
    /// assert_eq!(&out[..8], b"-1234.56");
    /// assert_eq!(Digits::write_cents(i128::MAX, &mut out), None);
    /// ```
    #[inline(always)]
    pub fn write_cents(cents: i128, out: &mut [u8; CENTS_TEXT_MAX]) -> Option<usize> {
        let abs = u64::try_from(cents.unsigned_abs()).ok()?;
        let negative = cents < 0;
        let whole = abs / 100;
        // At most 18 digits (`u64::MAX / 100`): the sign, 18 digits, a point and two
        // decimals fill `out`.
        let digits = whole.checked_ilog10().map_or(1, |l| l as usize + 1);
        let point = usize::from(negative) + digits;
        if negative {
            out[0] = b'-';
        }
        let start = write_u64_into(out, point, whole);
        debug_assert_eq!(start, usize::from(negative));
        out[point] = b'.';
        let pair = 2 * (abs % 100) as usize;
        out[point + 1..point + 3].copy_from_slice(&PAIRS[pair..pair + 2]);
        Some(point + 3)
    }

    /// [`Digits::fixed_point`] at `D` decimals (`D <= 19`).
    #[inline(always)]
    fn fixed<const D: u32>(negative: bool, abs: u128) -> Digits {
        Digits::fixed_at(negative, abs, D)
    }

    /// [`Digits::fixed_point`] at `decimals <= 19` decimals.
    #[inline(always)]
    fn fixed_at(negative: bool, abs: u128, decimals: u32) -> Digits {
        let mut d = Digits {
            buf: [b'0'; CAPACITY],
            start: CAPACITY,
        };
        // `decimals <= 19`: `10^19` fits `u64`.
        let unit = POW10[decimals as usize] as u64;
        // Every realistic amount fits `u64`, whose division is a multiplication: its
        // digits are written with the position in a local (no call, fewer checks).
        if let Ok(abs) = u64::try_from(abs) {
            let mut at = CAPACITY;
            if decimals > 0 {
                at = write_u64(&mut d.buf, at, abs % unit, decimals as usize);
                at -= 1;
                d.buf[at] = b'.';
            }
            at = write_u64(&mut d.buf, at, abs / unit, 1);
            if negative {
                at -= 1;
                d.buf[at] = b'-';
            }
            d.start = at;
            return d;
        }
        Digits::wide(negative, abs, decimals)
    }

    /// [`Digits::fixed_at`] of a number beyond `u64` (out of line: no amount is).
    #[cold]
    #[inline(never)]
    fn wide(negative: bool, abs: u128, decimals: u32) -> Digits {
        let mut d = Digits {
            buf: [b'0'; CAPACITY],
            start: CAPACITY,
        };
        let unit = POW10[decimals as usize] as u64;
        let (whole, fraction) = (abs / u128::from(unit), (abs % u128::from(unit)) as u64);
        if decimals > 0 {
            d.push_u64(fraction, decimals as usize);
            d.push(b'.');
        }
        d.push_u128(whole);
        if negative {
            d.push(b'-');
        }
        d
    }

    /// A text that is already written (a decimal's display, at most 31 characters);
    /// a longer one, which no caller has, would be cut to the first 48.
    pub(crate) fn text(text: &str) -> Digits {
        let mut d = Digits {
            buf: [b'0'; CAPACITY],
            start: CAPACITY,
        };
        let bytes = &text.as_bytes()[..text.len().min(CAPACITY)];
        d.start = CAPACITY - bytes.len();
        d.buf[d.start..].copy_from_slice(bytes);
        d
    }

    /// The text's bytes (ASCII digits, a point and a sign): [`Digits::as_str`] without
    /// checking that they are UTF-8, for a writer of bytes.
    ///
    /// ```
    /// use boxflow_core::Digits;
    /// assert_eq!(Digits::fixed_point(true, 5, 2).as_bytes(), b"-0.05");
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, a point and a sign were written: always valid UTF-8.
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }

    fn push(&mut self, byte: u8) {
        self.start -= 1;
        self.buf[self.start] = byte;
    }

    /// `n` in decimal, padded with zeros to at least `min` digits: two digits at a
    /// time from a table, as the standard library's integer display does.
    fn push_u64(&mut self, mut n: u64, min: usize) {
        let end = self.start;
        // At most 20 digits from the end of the buffer: `start >= 2` before each pair
        // while the buffer holds at most 40 bytes of a text (a pair fits).
        while n >= 100 && self.start >= 2 {
            let pair = 2 * (n % 100) as usize;
            n /= 100;
            self.start -= 2;
            let at = self.start;
            self.buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        }
        if n >= 10 && self.start >= 2 {
            let pair = 2 * n as usize;
            self.start -= 2;
            let at = self.start;
            self.buf[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
        } else {
            self.push(b'0' + n as u8);
        }
        // The buffer starts as zeros: padding only moves the start.
        self.start = self.start.min(end.saturating_sub(min));
    }

    /// `n` in decimal: `u64` arithmetic on 19 digits at a time.
    fn push_u128(&mut self, n: u128) {
        match u64::try_from(n) {
            Ok(n) => self.push_u64(n, 1),
            Err(_) => {
                self.push_u64((n % TEN_POW_19) as u64, 19);
                self.push_u128(n / TEN_POW_19);
            }
        }
    }
}

/// Writes `n` in decimal into `buf` so that it ends before `end`, padded with zeros
/// (the buffer's own) to at least `min` digits, and returns where it starts. In
/// [`Digits`]' buffer `end` is at least 20 + `min` - 1 (a `u64` has at most 20
/// digits; `min` is at most 19, and 19 + 1 + 20 < 48).
#[inline(always)]
fn write_u64(buf: &mut [u8; CAPACITY], end: usize, n: u64, min: usize) -> usize {
    write_u64_into(buf, end, n).min(end.saturating_sub(min))
}

/// `n`'s digits in `out`, ending before `end`, two at a time from the table; where
/// they start (`end` minus the number of digits, at least one: `0` for zero). The one
/// digit writer of [`Digits`]' buffer ([`write_u64`]) and of a caller's
/// ([`Digits::write_cents`]).
#[inline(always)]
fn write_u64_into<const N: usize>(out: &mut [u8; N], end: usize, mut n: u64) -> usize {
    let mut at = end;
    while n >= 100 && at >= 2 {
        let pair = 2 * (n % 100) as usize;
        n /= 100;
        at -= 2;
        out[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 && at >= 2 {
        let pair = 2 * n as usize;
        at -= 2;
        out[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else if at >= 1 {
        at -= 1;
        out[at] = b'0' + n as u8;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    #[test]
    fn worked_examples() {
        assert_eq!(Digits::fixed_point(false, 0, 2).as_str(), "0.00");
        assert_eq!(Digits::fixed_point(true, 5, 2).as_str(), "-0.05");
        assert_eq!(
            Digits::fixed_point(false, 123_456_789, 2).as_str(),
            "1234567.89"
        );
        assert_eq!(
            Digits::fixed_point(false, 13_000_000_000, 10).as_str(),
            "1.3000000000"
        );
        assert_eq!(Digits::fixed_point(true, 7, 10).as_str(), "-0.0000000007");
        assert_eq!(Digits::fixed_point(false, 42, 0).as_str(), "42");
        // 39 digits: u128::MAX = 340282366920938463463374607431768211455.
        assert_eq!(
            Digits::fixed_point(true, u128::MAX, 2).as_str(),
            "-3402823669209384634633746074317682114.55"
        );
        assert_eq!(
            Digits::fixed_point(false, u128::MAX, 19).as_str(),
            "34028236692093846346.3374607431768211455"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// The decimal's own display of `±abs · 10^-decimals` (96-bit mantissas).
        #[test]
        fn the_same_text_as_the_decimal(
            abs in prop_oneof![0_u128..1_000_000, 0_u128..(1 << 64), 0_u128..(1 << 96)],
            negative: bool,
            decimals in 0_u32..=19,
        ) {
            let m = if negative { -(abs as i128) } else { abs as i128 };
            let decimal = Decimal::from_i128_with_scale(m, decimals).to_string();
            // The decimal writes "-0.00" for a negative zero; callers never ask for it.
            let expected = if abs == 0 { decimal.trim_start_matches('-').to_string() } else { decimal };
            let text = Digits::fixed_point(negative && abs != 0, abs, decimals);
            prop_assert_eq!(text.as_str(), expected);
        }

        /// `Digits::decimal` is the decimal's display at every scale (0 to 28), for
        /// every sign, a negative zero's included.
        #[test]
        fn a_decimals_digits_are_its_display(
            abs in prop_oneof![0_u128..1_000, 0_u128..(1 << 64), 0_u128..(1 << 96)],
            negative: bool,
            scale in 0_u32..=28,
        ) {
            let x = Decimal::from_parts(
                abs as u32,
                (abs >> 32) as u32,
                (abs >> 64) as u32,
                negative,
                scale,
            );
            let digits = Digits::decimal(x);
            prop_assert_eq!(digits.as_str(), x.to_string());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// Written straight into a buffer, an amount's text is its cents' text: the
        /// sign, the whole part and two decimals, for every `u64` of cents either way.
        #[test]
        fn written_cents_are_the_cents_text(
            abs in prop_oneof![0_u64..1_000, 0_u64..100_000_000_000, any::<u64>()],
            negative: bool,
        ) {
            let cents = if negative { -i128::from(abs) } else { i128::from(abs) };
            let mut out = [b'?'; CENTS_TEXT_MAX];
            let n = Digits::write_cents(cents, &mut out);
            let expected = Decimal::from_i128_with_scale(cents, 2).to_string();
            prop_assert_eq!(n.map(|n| &out[..n]), Some(expected.as_bytes()));
        }
    }

    #[test]
    fn cents_at_the_edges_of_u64_are_written_or_left_to_digits() {
        let mut out = [0; CENTS_TEXT_MAX];
        let max = i128::from(u64::MAX);
        assert_eq!(Digits::write_cents(-max, &mut out), Some(CENTS_TEXT_MAX));
        assert_eq!(&out[..], b"-184467440737095516.15");
        assert_eq!(Digits::write_cents(0, &mut out), Some(4));
        assert_eq!(&out[..4], b"0.00");
        assert_eq!(Digits::write_cents(-99, &mut out), Some(5));
        assert_eq!(&out[..5], b"-0.99");
        assert_eq!(Digits::write_cents(max + 1, &mut out), None);
        assert_eq!(Digits::write_cents(-max - 1, &mut out), None);
    }

    #[test]
    fn a_negative_zeros_digits_keep_its_sign() {
        for scale in [0, 2, 19, 20, 28] {
            let mut zero = Decimal::new(0, scale);
            zero.set_sign_negative(true);
            assert!(zero.is_sign_negative());
            let expected = match scale {
                0 => "-0".to_string(),
                s => format!("-0.{}", "0".repeat(s as usize)),
            };
            assert_eq!(Digits::decimal(zero).as_str(), expected);
        }
    }
}
