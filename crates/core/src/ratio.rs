//! Rates, shares and ratios: exact decimals that are never rounded.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::Digits;

macro_rules! decimal_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(Decimal);

        impl $name {
            /// Zero.
            pub const ZERO: $name = $name(Decimal::ZERO);
            /// One.
            pub const ONE: $name = $name(Decimal::ONE);

            /// Wraps an exact decimal.
            pub const fn new(value: Decimal) -> $name {
                $name(value)
            }

            /// The exact decimal value.
            pub const fn value(self) -> Decimal {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.normalize())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0.normalize())
            }
        }

        impl From<Decimal> for $name {
            fn from(value: Decimal) -> $name {
                $name(value)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0.normalize())
            }
        }
    };
}

decimal_newtype!(
    /// An annual rate (interest, margin, floor, escalator, fee), e.g. `0.0765` for 7.65%.
    Rate
);
decimal_newtype!(
    /// A share of a whole, in [0, 1] where the deal sheet says so (payment shares,
    /// prepayment credit share, gearing, residual share, sweep).
    Share
);
decimal_newtype!(
    /// A ratio such as a DSCR, an LLCR or an LTV, compared exactly.
    Ratio
);
decimal_newtype!(
    /// A unit price or physical quantity that is not money itself (price per
    /// GPU-hour, unit cost, kW, rate per kW-month, power price per MWh, PUE).
    Quantity
);

/// Rounds a ratio, rate or year count for output: half away from zero to 10 decimals
/// (methodology section 13).
///
/// ```
/// use boxflow_core::round10;
/// use rust_decimal::Decimal;
/// use std::str::FromStr;
/// let x = Decimal::from_str("1.30000000074999").unwrap();
/// assert_eq!(round10(x).to_string(), "1.3000000007");
/// assert_eq!(round10(Decimal::from_str("1.3").unwrap()).to_string(), "1.3000000000");
/// ```
pub fn round10(x: Decimal) -> Decimal {
    let mut r = x.round_dp_with_strategy(10, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    if r.is_zero() {
        r = Decimal::ZERO;
    }
    r.rescale(10);
    r
}

/// The largest mantissa of a decimal, `2^96 - 1`.
const MAX_MANTISSA: u128 = (1 << 96) - 1;

/// [`round10`]`(x)` as its display writes it, on the stack with integer code (the
/// JSON report's ratios, [`crate::json::decimal`]): the mantissa rounded half away from
/// zero to scale 10, a point before its last ten digits, no `-` on zero.
///
/// ```
/// use boxflow_core::{round10, round10_text};
/// use rust_decimal::Decimal;
/// // 0.123456789050: the 11th decimal is a 5, rounded away from zero.
/// assert_eq!(round10_text(Decimal::new(-123456789050, 12)).as_str(), "-0.1234567891");
/// let x = Decimal::new(-4, 11); // -0.00000000004 rounds to zero, written "0.0000000000"
/// assert_eq!(round10_text(x).as_str(), round10(x).to_string());
/// ```
pub fn round10_text(x: Decimal) -> Digits {
    let (m, scale) = (x.mantissa(), x.scale());
    let at_scale_10 = if scale <= 10 {
        // Exact; the decimal cannot hold more than 96 bits of mantissa (then
        // `rescale` keeps fewer decimals, and its own display is the text).
        m.checked_mul(10_i128.pow(10 - scale))
            .filter(|v| v.unsigned_abs() <= MAX_MANTISSA)
    } else {
        let unit = 10_i128.pow(scale - 10);
        let (q, r) = (m / unit, m % unit);
        Some(if 2 * r.abs() >= unit {
            q + m.signum()
        } else {
            q
        })
    };
    match at_scale_10 {
        Some(v) => Digits::fixed_point(v < 0, v.unsigned_abs(), 10),
        None => Digits::text(&round10(x).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// The same text as `round10(x).to_string()`, at every scale, around the
        /// half-way points and at the ends of the mantissa's range.
        #[test]
        fn round10_text_is_round10s_display(
            m in prop_oneof![
                -1_000_000_000_000_i128..1_000_000_000_000,
                -(1_i128 << 96) + 1..(1_i128 << 96),
                (0_i128..1_000_000).prop_map(|k| 5 * 10_i128.pow(10) + k - 500_000),
            ],
            scale in 0_u32..=28,
        ) {
            let x = Decimal::from_i128_with_scale(m, scale);
            let text = round10_text(x);
            prop_assert_eq!(text.as_str(), round10(x).to_string());
        }
    }

    #[test]
    fn round10_text_worked_examples() {
        let d = |m: i128, s: u32| Decimal::from_i128_with_scale(m, s);
        // 1.30000000005 -> 1.3000000001 (half away from zero); -1.30000000005 -> -1.3000000001.
        assert_eq!(
            round10_text(d(130_000_000_005, 11)).as_str(),
            "1.3000000001"
        );
        assert_eq!(
            round10_text(d(-130_000_000_005, 11)).as_str(),
            "-1.3000000001"
        );
        assert_eq!(
            round10_text(d(130_000_000_004_999, 14)).as_str(),
            "1.3000000000"
        );
        assert_eq!(round10_text(d(-5, 11)).as_str(), "-0.0000000001");
        assert_eq!(round10_text(d(-4, 11)).as_str(), "0.0000000000");
        assert_eq!(round10_text(d(-0, 3)).as_str(), "0.0000000000");
        assert_eq!(round10_text(d(13, 1)).as_str(), "1.3000000000");
        // 2^96 - 1 at scale 0 cannot take ten decimals: the decimal keeps scale 0.
        let max = Decimal::MAX;
        assert_eq!(round10_text(max).as_str(), round10(max).to_string());
        assert_eq!(round10_text(max).as_str(), "79228162514264337593543950335");
    }
}
