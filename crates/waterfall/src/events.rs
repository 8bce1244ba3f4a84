//! Events a run reports (methodology section 11). The run never stops at an event.

use boxflow_core::{Money, Ratio};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::Step;

/// Something a lender or sponsor must know about a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A window period whose scheduled debt service exceeds `floor2(CFADS / target_dscr)`.
    ScheduleBreach {
        /// Period.
        period: usize,
        /// Facility.
        facility: String,
        /// Scheduled interest + commitment fee + principal.
        debt_service: Money,
        /// `cap_k`.
        cap: Money,
    },
    /// Step 1 could not be paid in full.
    OpexShortfall {
        /// Period.
        period: usize,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 2 could not be paid in full.
    FeesShortfall {
        /// Period.
        period: usize,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 3 or 4 could not be paid in full, even with the DSRA.
    PaymentDefault {
        /// Period.
        period: usize,
        /// Facility.
        facility: String,
        /// `senior_interest` or `senior_principal`.
        step: Step,
        /// Due, arrears included.
        due: Money,
        /// Paid, from cash and the DSRA.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// Step 6 or 7 could not be paid in full.
    JuniorShortfall {
        /// Period.
        period: usize,
        /// Facility.
        facility: String,
        /// `junior_interest` or `junior_principal`.
        step: Step,
        /// Due, arrears included.
        due: Money,
        /// Paid.
        paid: Money,
        /// Unpaid, carried as arrears.
        shortfall: Money,
    },
    /// The lock-up test failed: no distribution.
    Lockup {
        /// Period.
        period: usize,
        /// The senior DSCR of the period.
        dscr: Option<Decimal>,
        /// True when the DSCR is below `lockup_dscr`.
        dscr_below: bool,
        /// True when senior arrears remain.
        senior_arrears: bool,
        /// True when the DSRA is below its target.
        dsra_below_target: bool,
        /// Cash trapped: prepaid or moved to the lock-up account.
        trapped: Money,
    },
    /// `DSCR_k < min_dscr`.
    DscrDefault {
        /// Period.
        period: usize,
        /// `DSCR_k`.
        dscr: Decimal,
        /// `min_dscr`.
        min_dscr: Ratio,
    },
    /// LTV above `max_ltv`, or senior debt left with no book value.
    LtvBreach {
        /// Period.
        period: usize,
        /// `LTV_k`, null when the book value is 0.
        ltv: Option<Decimal>,
        /// `max_ltv`.
        max_ltv: Ratio,
        /// Senior closing balance.
        balance: Money,
        /// Book value.
        book_value: Money,
    },
    /// Principal or interest of a facility left unpaid at the end of the run.
    LenderLoss {
        /// Period N.
        period: usize,
        /// Facility.
        facility: String,
        /// Principal unpaid.
        principal: Money,
        /// Interest (and commitment fee) arrears unpaid.
        interest: Money,
        /// Their sum.
        loss: Money,
    },
}

impl Event {
    /// The period of the event.
    pub fn period(&self) -> usize {
        match self {
            Event::ScheduleBreach { period, .. }
            | Event::OpexShortfall { period, .. }
            | Event::FeesShortfall { period, .. }
            | Event::PaymentDefault { period, .. }
            | Event::JuniorShortfall { period, .. }
            | Event::Lockup { period, .. }
            | Event::DscrDefault { period, .. }
            | Event::LtvBreach { period, .. }
            | Event::LenderLoss { period, .. } => *period,
        }
    }

    /// The event's name in output: `schedule_breach`, `opex_shortfall`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Event::ScheduleBreach { .. } => "schedule_breach",
            Event::OpexShortfall { .. } => "opex_shortfall",
            Event::FeesShortfall { .. } => "fees_shortfall",
            Event::PaymentDefault { .. } => "payment_default",
            Event::JuniorShortfall { .. } => "junior_shortfall",
            Event::Lockup { .. } => "lockup",
            Event::DscrDefault { .. } => "dscr_default",
            Event::LtvBreach { .. } => "ltv_breach",
            Event::LenderLoss { .. } => "lender_loss",
        }
    }
}
