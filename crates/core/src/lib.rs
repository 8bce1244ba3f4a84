//! The foundation of boxflow: exact money, rates and the period calendar.
//!
//! - [`Money`]: an exact number of cents, rounded only with [`round2`] or [`floor2`]
//!   (methodology section 0). It adds to money, never to a [`Rate`].
//! - [`Rate`], [`Share`], [`Ratio`], [`Quantity`]: exact decimals that are never rounded;
//!   [`MoneyRatio`]: a DSCR or an LTV kept as its two amounts until read.
//! - [`format`]: numbers for people (tables, reports); [`json`]: numbers for the JSON
//!   report.
//! - [`Calendar`]: the periods of a deal counted from close (methodology section 2),
//!   with [`DayCount`] year fractions, [`active_days`] and [`escalation_factor`].
//!
//! ```
//! use boxflow_core::{Calendar, DayCount, Frequency, Money};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let calendar = Calendar::new(close, Frequency::Monthly, 60).unwrap();
//! let p1 = calendar.period(1).unwrap();
//! let (days, basis) = DayCount::Act360.fraction(p1.start, p1.end);
//! // interest = round2(balance · rate · days / 360), dividing last
//! let interest = Money::round2_quotient(
//!     &[Decimal::new(397_843_333_52, 2), Decimal::new(765, 4), Decimal::from(days)],
//!     Decimal::from(basis),
//! )
//! .unwrap();
//! assert_eq!(interest.to_string(), "2620792.96");
//! ```

mod calendar;
mod digits;
pub mod format;
pub mod json;
mod money;
mod money_ratio;
mod names;
mod quantile;
mod ratio;

pub use calendar::{
    active_days, add_months, anniversaries, escalation_factor, Calendar, CalendarError, DayCount,
    Frequency, Period, Slot,
};
pub use digits::{Digits, CENTS_TEXT_MAX, POW10};
pub use money::{floor2, product, quotient, round2, Money, MONEY_NEWTYPE};
pub use money_ratio::{Level, MoneyRatio};
pub use names::SheetEnum;
pub use quantile::nearest_rank;
pub use ratio::{round10, round10_text, Quantity, Rate, Ratio, Share};

pub use rust_decimal::Decimal;

/// An exact computation that left the decimal range or divided by zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithmeticError {
    /// A product or sum left the range of exact decimals (about 7.9e28) or the
    /// engine's money range (1e20).
    #[error("a computed amount is out of range")]
    Overflow,
    /// A denominator was zero.
    #[error("division by zero")]
    DivisionByZero,
}
