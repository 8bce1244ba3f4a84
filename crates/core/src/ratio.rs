//! Rates, shares and ratios: exact decimals that are never rounded.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

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
