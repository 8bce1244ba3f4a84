//! Numbers for machines: `serialize_with` functions that write the JSON report's
//! numbers as methodology section 13 defines them.
//!
//! Money needs none: [`Money`](crate::Money) serializes itself as a string with
//! exactly two decimals, never `-0.00`. Ratios, rates, IRRs and years are strings
//! rounded half away from zero to 10 decimals ([`round10`](crate::round10)); undefined is `null`.
//!
//! ```
//! use boxflow_core::{Decimal, Ratio};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Row {
//!     #[serde(serialize_with = "boxflow_core::json::decimal")]
//!     rate: Decimal,
//!     #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
//!     dscr: Option<Decimal>,
//!     #[serde(serialize_with = "boxflow_core::json::ratio")]
//!     level: Ratio,
//! }
//! let row = Row {
//!     rate: Decimal::new(765, 4),
//!     dscr: None,
//!     level: Ratio::new(Decimal::new(13, 1)),
//! };
//! assert_eq!(
//!     serde_json::to_string(&row).unwrap(),
//!     r#"{"rate":"0.0765000000","dscr":null,"level":"1.3000000000"}"#
//! );
//! ```

use rust_decimal::Decimal;
use serde::Serializer;

use crate::{round10_text, Ratio};

/// A decimal as a string rounded half away from zero to 10 decimals.
///
/// ```
/// # use boxflow_core::Decimal;
/// let mut out = Vec::new();
/// let mut ser = serde_json::Serializer::new(&mut out);
/// // 0.123456789050: the 11th decimal is a 5, rounded away from zero.
/// boxflow_core::json::decimal(&Decimal::new(-123456789050, 12), &mut ser).unwrap();
/// assert_eq!(out, br#""-0.1234567891""#);
/// ```
pub fn decimal<S: Serializer>(x: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(round10_text(*x).as_str())
}

/// An optional decimal: [`decimal`], or `null`.
pub fn opt_decimal<S: Serializer>(x: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => decimal(x, s),
        None => s.serialize_none(),
    }
}

/// A [`Ratio`] (a covenant level) as [`decimal`].
pub fn ratio<S: Serializer>(x: &Ratio, s: S) -> Result<S::Ok, S::Error> {
    decimal(&x.value(), s)
}
