//! The boxflow waterfall: runs a [`Deal`](boxflow_model::Deal) period by period into a
//! [`Run`] that keeps every transfer.
//!
//! [`run`] builds the [`Plan`] fixed at close (operating lines, capex, the sized
//! schedules) and then runs the ten steps of methodology section 9 in every period,
//! and the end of the run of section 10. Every movement of cash is a [`Transfer`] in
//! the run's [`Ledger`]; the period table and the summary read their paid amounts
//! back from it, and [`Run::verify`] checks the invariants of section 14.

mod events;
mod funding;
mod headroom;
mod ledger;
mod operations;
mod plan;
mod run;
mod summary;
mod tranches;
mod verdict;
mod verify;
mod waterfall;
mod years;

pub use events::{event_keys, first_new_event, legend, Event, EventKeys, Severity};
pub use funding::{funding, Funding, FundingAmounts, FundingDate};
pub use headroom::{
    headroom, run_headroom, Headroom, LevelHeadroom, Levels, MinHeadroom, MinLevels,
    PeriodHeadroom, RunHeadroom,
};
pub use ledger::{Account, Ledger, Step, Transfer, Transfers};
pub use operations::{
    colocation, expense, fee, invoice, invoice_at, power, prepayment_credit, project_operations,
    revenue_factors, Operations,
};
pub use plan::{
    facility_rate, halfway_period, shocked_facility_rate, shocked_facility_rates, terminal_value,
    CapexLine, FacilityPlan, Plan, ScheduleTotals,
};
pub use run::{
    run, run_plan, run_plan_with, Closing, DsraPeriod, FacilityPeriod, LockupPeriod, PeriodEvents,
    PeriodFacilities, PeriodOperations, PeriodResult, Run, Terminal, TerminalFacility,
};
pub use summary::{Detail, Summary};
pub use tranches::{debt_service_due, facility_deadlines, min_dscr_total, FacilityDeadline};
pub use verdict::{verdicts, Verdict};
pub use verify::Violation;
pub use years::{moic, year_of, years, Moic, Year, YearBasis, YearFacility};

use boxflow_amortize::ScheduleError;
use boxflow_core::{ArithmeticError, CalendarError};

/// Why a deal can't be run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The calendar can't be built.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// A schedule can't be projected or sized.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    /// A computed amount left the exact range.
    #[error(transparent)]
    Arithmetic(#[from] ArithmeticError),
    /// The deal breaks a rule that validation would have caught.
    #[error("invalid deal: {0}")]
    Invalid(String),
}
