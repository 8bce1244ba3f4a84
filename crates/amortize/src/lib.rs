//! Amortization schedules, debt sizing, the halfway check and finance metrics for
//! boxflow, on exact decimals and plain inputs: no TOML, so a finance tool can link
//! this crate alone and call it on its own numbers.
//!
//! - [`ScheduleTerms`] describes a facility (periods with their rate and CFADS,
//!   capex payments it funds pro rata, the profile, the repayment window) and
//!   [`ScheduleTerms::project`]s the close schedule of a commitment.
//! - [`ScheduleTerms::size`] finds the largest commitment, in cents, whose schedule
//!   keeps debt service within `floor2(CFADS / dscr)` in every window period.
//! - [`halfway_check`] tells whether a balance path is repaid by the halfway period.
//! - [`metrics`]: XIRR, XNPV, IRR, NPV, WAL, LLCR, payback.
//! - [`exact`]: rounded formulas evaluated exactly, dividing last (section 0).
//!
//! ```
//! use boxflow_amortize::{CapexPayment, Profile, SchedulePeriod, ScheduleTerms, Binding};
//! use boxflow_core::{Calendar, DayCount, Frequency, Money, Ratio};
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//!
//! let close = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let calendar = Calendar::new(close, Frequency::Quarterly, 24).unwrap();
//! // CFADS of 10,000,000.00 a quarter, 8% fixed, sculpted to 1.25x, repaid by quarter 4.
//! let periods = calendar
//!     .periods()
//!     .iter()
//!     .map(|p| SchedulePeriod {
//!         start: p.start,
//!         end: p.end,
//!         rate: Decimal::new(8, 2),
//!         cfads: Money::from_cents(1_000_000_000),
//!         prior_debt_service: Money::ZERO,
//!     })
//!     .collect();
//! let terms = ScheduleTerms {
//!     periods,
//!     capex: vec![CapexPayment { date: close, period: 0, amount: Money::from_cents(5_000_000_000) }],
//!     total_capex: Money::from_cents(5_000_000_000),
//!     day_count: DayCount::Act360,
//!     commitment_fee: Decimal::ZERO,
//!     profile: Profile::Sculpted,
//!     interest_only_periods: 0,
//!     deadline: 4,
//!     dscr: Some(Ratio::new(Decimal::new(125, 2))),
//!     rate_at_close: Decimal::new(8, 2),
//!     months_per_period: 3,
//! };
//! let sizing = terms.size(Money::from_cents(4_000_000_000)).unwrap(); // 80% gearing of 50M
//! assert_eq!(sizing.binding, Binding::Dscr);
//! // Four quarters of 8,000,000.00 of debt service repay a bit under 30.6M.
//! assert!(sizing.commitment < Money::from_cents(3_200_000_000));
//! assert!(terms.feasible(sizing.commitment).unwrap());
//! assert!(!terms.feasible(sizing.commitment + Money::from_cents(1)).unwrap());
//! ```

pub mod exact;
mod factor;
mod halfway;
pub mod metrics;
mod schedule;

pub use factor::Factor;
pub use halfway::{halfway_check, halfway_check_of_path, HalfwayCheck};
pub use schedule::{
    commitment_fee, debt_service_cap, level_fall, level_payment, period_interest, pro_rata_draws,
    Binding, CapexPayment, Profile, Schedule, ScheduleBreach, SchedulePeriod, ScheduleRow,
    ScheduleTerms, Sizing,
};

use boxflow_core::ArithmeticError;

/// Why a schedule can't be projected or sized.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// `H - g <= 0`: no period to repay in.
    #[error("the repayment window is empty: {interest_only_periods} interest-only periods and a deadline at period {deadline}")]
    EmptyWindow {
        /// `g`.
        interest_only_periods: usize,
        /// `H`.
        deadline: usize,
    },
    /// `H > N`.
    #[error("the repayment deadline (period {deadline}) is beyond the last period ({periods})")]
    DeadlineBeyondTerm {
        /// `H`.
        deadline: usize,
        /// `N`.
        periods: usize,
    },
    /// A sculpted schedule needs a DSCR to shape it.
    #[error("a sculpted schedule needs a DSCR (`sizing.dscr` or `target_dscr`)")]
    SculptedWithoutDscr,
    /// Sizing needs a DSCR.
    #[error("sizing needs a DSCR")]
    SizingWithoutDscr,
    /// The DSCR must be positive.
    #[error("the DSCR must be above zero")]
    NonPositiveDscr,
    /// A custom schedule must have one share per window period.
    #[error(
        "the custom schedule has {shares} shares but the repayment window has {window} periods"
    )]
    CustomLength {
        /// Shares given.
        shares: usize,
        /// `n`.
        window: usize,
    },
    /// A draw after the deadline can't be repaid by it.
    #[error("a capex payment in period {period} is drawn after the repayment deadline (period {deadline})")]
    DrawAfterDeadline {
        /// The draw's period.
        period: usize,
        /// `H`.
        deadline: usize,
    },
    /// The sizing bound is 2^63 cents or more: far beyond any deal.
    #[error("the sizing bound is beyond 2^63 cents")]
    CommitmentOutOfRange,
    /// Arithmetic out of range.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
}
