//! The run by year: its periods grouped into contract years (counted from close) or
//! calendar years, flows summed, balances at the year's end, the lowest DSCR of the
//! year, and the sponsor's cash-on-cash yield (docs/methodology.md, "Years").
//!
//! A reading of the run's periods: nothing here is computed twice, every flow is the
//! sum of the periods' own amounts, so the years add up to the run's totals to the
//! cent.

use boxflow_core::{Money, MoneyRatio};
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::run::{PeriodResult, Run};
use crate::tranches::min_dscr_total;

/// How periods are grouped into years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum YearBasis {
    /// Contract year `y` holds the periods ending after `close + (y-1)` years and on or
    /// before `close + y` years (a period ending on an anniversary closes its year).
    #[default]
    Contract,
    /// Calendar year: the year of the period's end date.
    Calendar,
}

impl YearBasis {
    /// `contract` or `calendar`, as in `--by` and the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            YearBasis::Contract => "contract",
            YearBasis::Calendar => "calendar",
        }
    }
}

/// One facility in one year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct YearFacility {
    /// The facility's name.
    pub name: String,
    /// Draws in the year's periods.
    pub draws: Money,
    /// Σ interest paid at step 3 or 6.
    pub interest_paid: Money,
    /// Σ principal paid at step 4 or 7.
    pub principal_paid: Money,
    /// Σ prepaid at steps 8 and 9.
    pub prepaid: Money,
    /// The closing balance of the year's last period.
    pub closing: Money,
}

/// One year of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Year {
    /// The contract year (1, 2, ...) or the calendar year (2026, ...).
    pub year: i32,
    /// The first period's start.
    pub start: NaiveDate,
    /// The last period's end.
    pub end: NaiveDate,
    /// The first period of the year.
    pub first_period: usize,
    /// The last period of the year.
    pub last_period: usize,
    /// Σ invoice.
    pub invoice: Money,
    /// Σ collections.
    pub collections: Money,
    /// Σ opex due (the periods' own amounts).
    pub opex: Money,
    /// Σ fees due (the periods' own amounts).
    pub fees: Money,
    /// Σ CFADS.
    pub cfads: Money,
    /// Σ capex paid inside the term.
    pub capex: Money,
    /// Σ equity contributions inside the term.
    pub equity_contribution: Money,
    /// Each facility, senior first.
    pub facilities: Vec<YearFacility>,
    /// The DSRA balance at the year's end.
    pub dsra_closing: Money,
    /// The lock-up account's balance at the year's end.
    pub lockup_closing: Money,
    /// Σ sweep (step 8).
    pub sweep: Money,
    /// Σ distributions (step 10).
    pub distribution: Money,
    /// The lowest senior DSCR of the year's periods (none when no period has one).
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub min_dscr: Option<Decimal>,
    /// The first period at that minimum.
    pub min_dscr_period: Option<usize>,
    /// The lowest combined DSCR of the year's periods.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub min_dscr_total: Option<Decimal>,
    /// The number of events in the year's periods.
    pub events: usize,
    /// Equity contributed by the year's end: closing equity plus every contribution in
    /// periods up to the year's last.
    pub equity_to_date: Money,
    /// `distribution / equity_to_date`; none when no equity was contributed by then.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub cash_on_cash: Option<Decimal>,
}

impl Year {
    /// Σ interest paid by every facility.
    pub fn interest_paid(&self) -> Money {
        self.facilities.iter().map(|f| f.interest_paid).sum()
    }

    /// Σ principal paid and prepaid by every facility.
    pub fn principal(&self) -> Money {
        self.facilities
            .iter()
            .map(|f| f.principal_paid + f.prepaid)
            .sum()
    }
}

/// The key of the year a period ending on `end` falls in: its contract year (the
/// smallest `y >= 1` with `end <= close + y years`) or its calendar year.
pub fn year_of(basis: YearBasis, close: NaiveDate, end: NaiveDate) -> i32 {
    match basis {
        YearBasis::Calendar => end.year(),
        YearBasis::Contract => {
            // A first guess from the years between the dates, then at most a step
            // either way to land on the anniversary rule.
            let mut y = (end.year() - close.year()).max(1);
            let anniversary = |y: i32| {
                u32::try_from(y)
                    .ok()
                    .and_then(|y| y.checked_mul(12))
                    .and_then(|m| close.checked_add_months(Months::new(m)))
            };
            while y > 1 && anniversary(y - 1).is_some_and(|a| end <= a) {
                y -= 1;
            }
            while anniversary(y).is_some_and(|a| end > a) {
                y += 1;
            }
            y
        }
    }
}

/// The run's periods grouped into years, in order. Flows are summed over the year's
/// periods, balances are those of its last period, and `min_dscr` is the lowest of
/// its periods' DSCRs.
pub fn years(run: &Run, basis: YearBasis) -> Vec<Year> {
    let close = run.plan.calendar.close();
    let mut out: Vec<Year> = Vec::new();
    let mut groups: Vec<(i32, &[PeriodResult])> = Vec::new();
    let mut first = 0;
    for (i, p) in run.periods.iter().enumerate() {
        let key = year_of(basis, close, p.end);
        let next_key = run.periods.get(i + 1).map(|q| year_of(basis, close, q.end));
        if next_key != Some(key) {
            groups.push((key, &run.periods[first..=i]));
            first = i + 1;
        }
    }
    let mut equity_to_date = run.closing.equity;
    for (key, periods) in groups {
        let (Some(head), Some(last)) = (periods.first(), periods.last()) else {
            continue;
        };
        let sum = |f: &dyn Fn(&PeriodResult) -> Money| periods.iter().map(f).sum::<Money>();
        let facilities = last
            .facilities
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let of = |g: &dyn Fn(&crate::FacilityPeriod) -> Money| {
                    periods
                        .iter()
                        .filter_map(|p| p.facilities.get(i))
                        .map(g)
                        .sum::<Money>()
                };
                YearFacility {
                    name: f.name.to_string(),
                    draws: of(&|f| f.draws),
                    interest_paid: of(&|f| f.interest_paid),
                    principal_paid: of(&|f| f.principal_paid),
                    prepaid: of(&|f| f.prepaid),
                    closing: f.closing,
                }
            })
            .collect();
        let mut min: Option<(MoneyRatio, usize)> = None;
        for p in periods {
            if let Some(d) = p.dscr {
                if min.is_none_or(|(m, _)| d < m) {
                    min = Some((d, p.period));
                }
            }
        }
        let equity_contribution = sum(&|p| p.equity_contribution);
        equity_to_date += equity_contribution;
        let distribution = sum(&|p| p.distribution);
        out.push(Year {
            year: key,
            start: head.start,
            end: last.end,
            first_period: head.period,
            last_period: last.period,
            invoice: sum(&|p| p.operations.invoice),
            collections: sum(&|p| p.operations.collections),
            opex: sum(&|p| p.operations.opex),
            fees: sum(&|p| p.operations.fees),
            cfads: sum(&|p| p.operations.cfads),
            capex: sum(&|p| p.capex),
            equity_contribution,
            facilities,
            dsra_closing: last.dsra.closing,
            lockup_closing: last.lockup.closing,
            sweep: sum(&|p| p.sweep),
            distribution,
            min_dscr: min.map(|(d, _)| d.value()),
            min_dscr_period: min.map(|(_, k)| k),
            min_dscr_total: min_dscr_total(periods).map(|(d, _)| d),
            events: periods.iter().map(|p| p.events.len()).sum(),
            equity_to_date,
            cash_on_cash: ratio(distribution, equity_to_date),
        });
    }
    out
}

/// `a / b` when `b` is positive.
pub(crate) fn ratio(a: Money, b: Money) -> Option<Decimal> {
    if b.is_positive() {
        a.amount().checked_div(b.amount())
    } else {
        None
    }
}

/// The sponsor's multiple on invested capital (docs/methodology.md, "MOIC"): everything
/// the sponsor receives (the closing excess, every distribution and its amount at the
/// end of the run) over the equity it contributed (`Summary::total_equity`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Moic {
    /// Closing excess + Σ distributions + the sponsor's end-of-run amount.
    pub returned: Money,
    /// Closing equity + Σ equity contributions (`total_equity`).
    pub contributed: Money,
    /// `returned / contributed`; none when no equity was contributed.
    #[serde(serialize_with = "boxflow_core::json::opt_decimal")]
    pub moic: Option<Decimal>,
}

/// The run's [`Moic`].
pub fn moic(run: &Run) -> Moic {
    let returned =
        run.closing.sponsor_excess + run.summary.total_distributions + run.terminal.sponsor;
    let contributed = run.summary.total_equity;
    Moic {
        returned,
        contributed,
        moic: ratio(returned, contributed),
    }
}
