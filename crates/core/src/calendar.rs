//! The period calendar, day counts, escalation and active days (methodology section 2).

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::{ArithmeticError, SheetEnum};

/// How often the waterfall runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Frequency {
    /// Every month: `m = 1`.
    Monthly,
    /// Every three months: `m = 3`.
    Quarterly,
}

impl Frequency {
    /// `m`, the period length in months.
    pub fn months(self) -> u32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
        }
    }

    /// The deal-sheet spelling ([`SheetEnum::NAMES`]).
    pub fn as_str(self) -> &'static str {
        self.name()
    }
}

/// Serialized by its deal-sheet name.
impl Serialize for Frequency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl SheetEnum for Frequency {
    const WHAT: &'static str = "frequency";
    const NAMES: &'static [(&'static str, Frequency)] = &[
        ("monthly", Frequency::Monthly),
        ("quarterly", Frequency::Quarterly),
    ];
}

/// `add_months(date, n)`: the same day `n` months later, clamped to the month's
/// last day (chrono `checked_add_months`); `None` past the calendar's range.
///
/// ```
/// use boxflow_core::add_months;
/// use chrono::NaiveDate;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// assert_eq!(add_months(d(2027, 1, 31), 1), Some(d(2027, 2, 28)));
/// assert_eq!(add_months(d(2028, 1, 31), 1), Some(d(2028, 2, 29)));
/// ```
pub fn add_months(date: NaiveDate, n: u32) -> Option<NaiveDate> {
    date.checked_add_months(Months::new(n))
}

/// A day-count convention for year fractions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DayCount {
    /// Actual days / 360.
    Act360,
    /// Actual days / 365.
    Act365F,
    /// ISDA 30/360 bond basis (QuantLib `Thirty360.BondBasis`).
    Thirty360,
}

/// Serialized by its deal-sheet name.
impl Serialize for DayCount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl SheetEnum for DayCount {
    const WHAT: &'static str = "day count";
    const NAMES: &'static [(&'static str, DayCount)] = &[
        ("ACT/360", DayCount::Act360),
        ("ACT/365F", DayCount::Act365F),
        ("30/360", DayCount::Thirty360),
    ];
}

impl DayCount {
    /// The deal-sheet spelling ([`SheetEnum::NAMES`]).
    pub fn as_str(self) -> &'static str {
        self.name()
    }

    /// `yf(a, b)` as one numerator and one denominator, so that a rounded formula
    /// can multiply by the numerator and divide last.
    ///
    /// - `ACT/360`: `(b - a) / 360`; `ACT/365F`: `(b - a) / 365`;
    /// - `30/360`: `(360·(Y2-Y1) + 30·(M2-M1) + (D2-D1)) / 360` with D1 = 31 → 30,
    ///   and D2 = 31 → 30 when D1 ≥ 30.
    ///
    /// ```
    /// use boxflow_core::DayCount;
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// assert_eq!(DayCount::Thirty360.fraction(d(2026, 1, 31), d(2026, 3, 31)), (60, 360));
    /// assert_eq!(DayCount::Act360.fraction(d(2026, 1, 1), d(2026, 2, 1)), (31, 360));
    /// ```
    pub fn fraction(self, a: NaiveDate, b: NaiveDate) -> (i64, i64) {
        self.counted(a, b, || (b - a).num_days())
    }

    /// `yf(start_k, end_k)` of a calendar period, as [`DayCount::fraction`] counts it:
    /// the actual days are the period's `days_k = end_k - start_k`, already counted.
    ///
    /// ```
    /// use boxflow_core::{Calendar, DayCount, Frequency};
    /// use chrono::NaiveDate;
    /// let close = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    /// let calendar = Calendar::new(close, Frequency::Monthly, 3).unwrap();
    /// for p in calendar.periods() {
    ///     for dc in [DayCount::Act360, DayCount::Act365F, DayCount::Thirty360] {
    ///         assert_eq!(dc.period_fraction(p), dc.fraction(p.start, p.end));
    ///     }
    /// }
    /// ```
    pub fn period_fraction(self, period: &Period) -> (i64, i64) {
        self.counted(period.start, period.end, || period.days)
    }

    /// The fraction of [`DayCount::fraction`], `actual_days` counting `b - a`.
    fn counted(self, a: NaiveDate, b: NaiveDate, actual_days: impl FnOnce() -> i64) -> (i64, i64) {
        match self {
            DayCount::Act360 => (actual_days(), 360),
            DayCount::Act365F => (actual_days(), 365),
            DayCount::Thirty360 => {
                let d1 = if a.day() == 31 { 30 } else { a.day() as i64 };
                let d2 = if b.day() == 31 && d1 >= 30 {
                    30
                } else {
                    b.day() as i64
                };
                let y = (b.year() - a.year()) as i64;
                let m = b.month() as i64 - a.month() as i64;
                (360 * y + 30 * m + (d2 - d1), 360)
            }
        }
    }

    /// `yf(a, b)` as an exact decimal.
    pub fn year_fraction(self, a: NaiveDate, b: NaiveDate) -> Decimal {
        let (num, den) = self.fraction(a, b);
        Decimal::from(num) / Decimal::from(den)
    }
}

impl fmt::Display for DayCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One period of the calendar: `start_k = add_months(close, (k-1)·m)`,
/// `end_k = add_months(close, k·m)`, always counted from close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Period {
    /// `k`, from 1.
    pub index: usize,
    /// First day of the period (inclusive).
    pub start: NaiveDate,
    /// Last day of the period (exclusive for accrual; cash moves on it).
    pub end: NaiveDate,
    /// `days_k = end_k - start_k`.
    pub days: i64,
}

/// Where a dated event falls in the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// On or before close: period 0, treated as made at close.
    Closing,
    /// In period `k` (`start_k < date <= end_k`).
    Period(usize),
    /// After the last period's end.
    AfterTerm,
}

/// The period calendar of a deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    close: NaiveDate,
    frequency: Frequency,
    periods: Vec<Period>,
}

/// Why a calendar can't be built.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The term is not a positive multiple of the period length.
    #[error("term of {term_months} months is not a positive whole number of {m}-month periods")]
    TermNotMultiple {
        /// The term in months.
        term_months: u32,
        /// The period length in months.
        m: u32,
    },
    /// A period end falls beyond the supported date range.
    #[error("the term runs past the last supported date")]
    OutOfRange,
}

impl Calendar {
    /// Builds the `N = term_months / m` periods from `close`.
    ///
    /// ```
    /// use boxflow_core::{Calendar, Frequency};
    /// use chrono::NaiveDate;
    /// let close = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
    /// let cal = Calendar::new(close, Frequency::Monthly, 3).unwrap();
    /// let ends: Vec<_> = cal.periods().iter().map(|p| p.end.to_string()).collect();
    /// // always from close, never chained: March 31, not March 28
    /// assert_eq!(ends, ["2027-02-28", "2027-03-31", "2027-04-30"]);
    /// ```
    pub fn new(
        close: NaiveDate,
        frequency: Frequency,
        term_months: u32,
    ) -> Result<Calendar, CalendarError> {
        let m = frequency.months();
        if term_months == 0 || term_months % m != 0 {
            return Err(CalendarError::TermNotMultiple { term_months, m });
        }
        let n = (term_months / m) as usize;
        let mut periods = Vec::with_capacity(n);
        for k in 1..=n {
            let start = add_months(close, (k as u32 - 1) * m).ok_or(CalendarError::OutOfRange)?;
            let end = add_months(close, k as u32 * m).ok_or(CalendarError::OutOfRange)?;
            periods.push(Period {
                index: k,
                start,
                end,
                days: (end - start).num_days(),
            });
        }
        Ok(Calendar {
            close,
            frequency,
            periods,
        })
    }

    /// The closing date.
    pub fn close(&self) -> NaiveDate {
        self.close
    }

    /// The frequency.
    pub fn frequency(&self) -> Frequency {
        self.frequency
    }

    /// `m`, months per period.
    pub fn months_per_period(&self) -> u32 {
        self.frequency.months()
    }

    /// `N`, the number of periods.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// True when there are no periods (never, for a built calendar).
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// Periods 1..N, in order (index 0 of the slice is period 1).
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Period `k` (1-based).
    pub fn period(&self, k: usize) -> Option<&Period> {
        k.checked_sub(1).and_then(|i| self.periods.get(i))
    }

    /// The contract end, `end_N` (exclusive for accrual).
    pub fn end(&self) -> NaiveDate {
        self.periods.last().map_or(self.close, |p| p.end)
    }

    /// The slot of a dated event: closing when on or before close, the period k with
    /// `start_k < date <= end_k`, or after the term.
    pub fn slot(&self, date: NaiveDate) -> Slot {
        if date <= self.close {
            return Slot::Closing;
        }
        let i = self.periods.partition_point(|p| p.end < date);
        if i < self.periods.len() {
            Slot::Period(i + 1)
        } else {
            Slot::AfterTerm
        }
    }
}

/// Active days of an item active from `from` (inclusive) to `until` (exclusive, or open)
/// within a period: `max(0, min(end_k, b) - max(start_k, a))`.
///
/// ```
/// use boxflow_core::active_days;
/// use chrono::NaiveDate;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// // Phase 2 online 2026-03-16 in the period 2026-03-01..2026-04-01: 16 days.
/// assert_eq!(active_days(d(2026, 3, 1), d(2026, 4, 1), d(2026, 3, 16), None), 16);
/// assert_eq!(active_days(d(2026, 3, 1), d(2026, 4, 1), d(2026, 5, 1), None), 0);
/// ```
pub fn active_days(
    start: NaiveDate,
    end: NaiveDate,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> i64 {
    let b = until.map_or(end, |u| u.min(end));
    let a = from.max(start);
    (b - a).num_days().max(0)
}

/// Escalation at annual rate `e` anchored at `anchor`: `(1+e)^y`, `y` the largest whole
/// number with `add_months(anchor, 12·y) <= start` (0 before the first anniversary).
///
/// ```
/// use boxflow_core::escalation_factor;
/// use chrono::NaiveDate;
/// use rust_decimal::Decimal;
/// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
/// let e = Decimal::new(3, 2); // 3%
/// assert_eq!(escalation_factor(e, d(2026, 1, 1), d(2026, 12, 1)).unwrap(), Decimal::ONE);
/// assert_eq!(escalation_factor(e, d(2026, 1, 1), d(2027, 1, 1)).unwrap(), Decimal::new(103, 2));
/// assert_eq!(escalation_factor(e, d(2026, 1, 1), d(2028, 2, 1)).unwrap(), Decimal::new(10609, 4));
/// ```
pub fn escalation_factor(
    e: Decimal,
    anchor: NaiveDate,
    start: NaiveDate,
) -> Result<Decimal, ArithmeticError> {
    let y = anniversaries(anchor, start);
    if y == 0 || e.is_zero() {
        return Ok(Decimal::ONE);
    }
    let base = Decimal::ONE + e;
    let mut acc = Decimal::ONE;
    for _ in 0..y {
        acc = acc.checked_mul(base).ok_or(ArithmeticError::Overflow)?;
    }
    Ok(acc)
}

/// `y`: the number of whole years from `anchor` to `start`, counted by
/// `add_months(anchor, 12·y) <= start`; 0 when `start` is before the first anniversary.
pub fn anniversaries(anchor: NaiveDate, start: NaiveDate) -> u32 {
    if start <= anchor {
        return 0;
    }
    let guess = (start.year() - anchor.year()).max(0) as u32;
    let mut y = guess.saturating_sub(1);
    while add_months(anchor, 12 * (y + 1)).is_some_and(|d| d <= start) {
        y += 1;
    }
    while y > 0 && add_months(anchor, 12 * y).is_none_or(|d| d > start) {
        y -= 1;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant, listed by an exhaustive match: a new variant does not compile
    /// until it is listed here, and then fails until it has a name.
    fn all_frequencies() -> Vec<Frequency> {
        let all = vec![Frequency::Monthly, Frequency::Quarterly];
        for f in &all {
            match f {
                Frequency::Monthly | Frequency::Quarterly => {}
            }
        }
        all
    }

    fn all_day_counts() -> Vec<DayCount> {
        let all = vec![DayCount::Act360, DayCount::Act365F, DayCount::Thirty360];
        for d in &all {
            match d {
                DayCount::Act360 | DayCount::Act365F | DayCount::Thirty360 => {}
            }
        }
        all
    }

    #[test]
    fn every_variant_round_trips_name_variant_name() {
        for f in all_frequencies() {
            assert_eq!(Frequency::from_name(f.name()), Some(f));
        }
        assert_eq!(Frequency::NAMES.len(), all_frequencies().len());
        for d in all_day_counts() {
            assert_eq!(DayCount::from_name(d.name()), Some(d));
        }
        assert_eq!(DayCount::NAMES.len(), all_day_counts().len());
        for (name, _) in DayCount::NAMES {
            assert_eq!(DayCount::from_name(name).map(|d| d.name()), Some(*name));
        }
        assert_eq!(Frequency::Quarterly.as_str(), "quarterly");
        assert_eq!(Frequency::from_name("Quarterly"), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_end_clamping() {
        assert_eq!(add_months(d(2027, 1, 31), 1), Some(d(2027, 2, 28)));
        assert_eq!(add_months(d(2028, 1, 31), 1), Some(d(2028, 2, 29)));
        assert_eq!(add_months(d(2026, 8, 31), 3), Some(d(2026, 11, 30)));
        assert_eq!(add_months(d(2026, 1, 1), 60), Some(d(2031, 1, 1)));
    }

    #[test]
    fn periods_count_from_close_not_chained() {
        let cal = Calendar::new(d(2026, 1, 31), Frequency::Monthly, 4).unwrap();
        let p = cal.periods();
        assert_eq!(
            (p[0].start, p[0].end, p[0].days),
            (d(2026, 1, 31), d(2026, 2, 28), 28)
        );
        // Chaining would give 2026-03-28; from close it is 2026-03-31.
        assert_eq!(
            (p[1].start, p[1].end, p[1].days),
            (d(2026, 2, 28), d(2026, 3, 31), 31)
        );
        assert_eq!((p[3].start, p[3].end), (d(2026, 4, 30), d(2026, 5, 31)));
    }

    #[test]
    fn quarterly_calendar() {
        let cal = Calendar::new(d(2026, 1, 1), Frequency::Quarterly, 12).unwrap();
        assert_eq!(cal.len(), 4);
        // Jan+Feb+Mar 2026 = 31+28+31 = 90 days
        assert_eq!(cal.periods()[0].days, 90);
        assert_eq!(cal.end(), d(2027, 1, 1));
        assert!(Calendar::new(d(2026, 1, 1), Frequency::Quarterly, 10).is_err());
        assert!(Calendar::new(d(2026, 1, 1), Frequency::Monthly, 0).is_err());
    }

    #[test]
    fn slots() {
        let cal = Calendar::new(d(2026, 1, 1), Frequency::Monthly, 3).unwrap();
        assert_eq!(cal.slot(d(2025, 12, 1)), Slot::Closing);
        assert_eq!(cal.slot(d(2026, 1, 1)), Slot::Closing);
        assert_eq!(cal.slot(d(2026, 1, 2)), Slot::Period(1));
        assert_eq!(cal.slot(d(2026, 2, 1)), Slot::Period(1));
        assert_eq!(cal.slot(d(2026, 3, 10)), Slot::Period(3));
        assert_eq!(cal.slot(d(2026, 4, 1)), Slot::Period(3));
        assert_eq!(cal.slot(d(2026, 4, 2)), Slot::AfterTerm);
    }

    #[test]
    fn thirty_360_isda_bond_basis() {
        let f = |a, b| DayCount::Thirty360.fraction(a, b).0;
        // D1 = 31 -> 30; D2 = 31 with D1 >= 30 -> 30
        assert_eq!(f(d(2026, 1, 31), d(2026, 3, 31)), 60);
        // D2 = 31 with D1 < 30 stays 31: 30·2 + (31 - 15) = 76
        assert_eq!(f(d(2026, 1, 15), d(2026, 3, 31)), 76);
        // February end is not adjusted in bond basis: 30·1 + (28 - 31→30) = 28
        assert_eq!(f(d(2026, 1, 31), d(2026, 2, 28)), 28);
        // D1 = 30, D2 = 31 -> 30: one full month
        assert_eq!(f(d(2026, 4, 30), d(2026, 5, 31)), 30);
        // a full year
        assert_eq!(f(d(2026, 2, 28), d(2027, 2, 28)), 360);
        // ACT conventions
        assert_eq!(
            DayCount::Act365F.fraction(d(2026, 1, 1), d(2027, 1, 1)),
            (365, 365)
        );
        assert_eq!(
            DayCount::Act360.fraction(d(2028, 1, 1), d(2029, 1, 1)),
            (366, 360)
        );
    }

    #[test]
    fn active_day_bounds() {
        let (s, e) = (d(2026, 1, 1), d(2026, 2, 1));
        assert_eq!(active_days(s, e, d(2025, 1, 1), None), 31);
        assert_eq!(active_days(s, e, d(2026, 1, 10), Some(d(2026, 1, 20))), 10);
        assert_eq!(active_days(s, e, d(2026, 1, 10), Some(d(2025, 1, 20))), 0);
    }

    #[test]
    fn anniversaries_from_month_end_and_leap_days() {
        // anchor 2028-02-29: first anniversary add_months(.., 12) = 2029-02-28
        assert_eq!(anniversaries(d(2028, 2, 29), d(2029, 2, 27)), 0);
        assert_eq!(anniversaries(d(2028, 2, 29), d(2029, 2, 28)), 1);
        assert_eq!(anniversaries(d(2026, 1, 1), d(2031, 1, 1)), 5);
        assert_eq!(anniversaries(d(2026, 1, 1), d(2030, 12, 31)), 4);
        assert_eq!(anniversaries(d(2026, 6, 1), d(2026, 1, 1)), 0);
        // anchor long before the period
        assert_eq!(anniversaries(d(1990, 7, 1), d(2026, 7, 1)), 36);
    }

    #[test]
    fn escalation_negative_rate_steps_down() {
        let f = escalation_factor(Decimal::new(-5, 2), d(2026, 1, 1), d(2028, 1, 1)).unwrap();
        assert_eq!(f, Decimal::new(9025, 4));
    }
}
