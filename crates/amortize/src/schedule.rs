//! The close schedule of a facility (methodology sections 6 and 7): its projected
//! balance, interest, commitment fee and scheduled principal, period by period.

use boxflow_core::{ArithmeticError, DayCount, Money, Ratio, Share};

use crate::exact::floor2_ratio;
use crate::Factor;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ScheduleError;

/// The shape of the scheduled principal inside the repayment window.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// `p_k = max(0, cap_k - interest_k - commitment_fee_k)`: debt service at CFADS / DSCR.
    Sculpted,
    /// A level annuity at the rate at close.
    Level,
    /// `round2(C / n)` each window period.
    StraightLine,
    /// Everything at the deadline `H`.
    Bullet,
    /// `round2(C · share_j)` for the j-th window period; exactly `n` shares summing to 1.
    Custom(Vec<Share>),
}

/// One period as the schedule sees it: its dates, its rate and the cash that services it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SchedulePeriod {
    /// `start_k`.
    pub start: NaiveDate,
    /// `end_k`.
    pub end: NaiveDate,
    /// `r_k`, the facility's annual rate in the period (section 6).
    pub rate: Decimal,
    /// `CFADS_k`, the period's cash flow available for debt service.
    pub cfads: Money,
    /// Debt service ranking ahead of this facility in period k (the senior's scheduled
    /// debt service, for a rank-2 facility), taken off the cap; zero for the senior.
    pub prior_debt_service: Money,
}

/// A capex payment that the facility funds pro rata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CapexPayment {
    /// The date the draw bears interest from: the payment date, or close for a payment
    /// on or before close.
    pub date: NaiveDate,
    /// The period it belongs to: 0 for closing, else `k` with `start_k < date <= end_k`.
    pub period: usize,
    /// The amount paid.
    pub amount: Money,
}

/// Everything the schedule of one facility depends on except its commitment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScheduleTerms {
    /// Periods 1..N.
    pub periods: Vec<SchedulePeriod>,
    /// Every capex payment, ordered by date then order of appearance: the last one
    /// with a non-zero amount draws the remainder.
    pub capex: Vec<CapexPayment>,
    /// `T`, total capex.
    pub total_capex: Money,
    /// The facility's day count.
    pub day_count: DayCount,
    /// The annual commitment fee on the undrawn amount.
    pub commitment_fee: Decimal,
    /// The amortization profile.
    pub profile: Profile,
    /// `g`, interest-only periods.
    pub interest_only_periods: usize,
    /// `H`, the period by which the projected balance is cleared.
    pub deadline: usize,
    /// The DSCR that sets the cap: `sizing.dscr` or `target_dscr`; `None` means no cap.
    pub dscr: Option<Ratio>,
    /// The section 6 rate at close, for the level profile (`r = rate · m / 12`).
    pub rate_at_close: Decimal,
    /// `m`, months per period, for the level profile's periodic rate `r = rate · m / 12`.
    pub months_per_period: u32,
}

/// One period of a projected schedule.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScheduleRow {
    /// `k`.
    pub period: usize,
    /// Projected balance at the period's start.
    pub opening: Money,
    /// Draws in the period.
    pub draws: Money,
    /// `interest_k`, on the opening balance and on each draw from its date.
    pub interest: Money,
    /// `commitment_fee_k`, on the undrawn amount at the period's start.
    pub commitment_fee: Money,
    /// `p_k`, scheduled principal.
    pub principal: Money,
    /// Projected balance at the period's end.
    pub closing: Money,
    /// `cap_k = floor2(CFADS_k / dscr) - prior debt service`, when a DSCR applies.
    pub cap: Option<Money>,
    /// `CFADS_k`.
    pub cfads: Money,
}

impl ScheduleRow {
    /// Scheduled debt service: interest + commitment fee + principal.
    pub fn debt_service(&self) -> Money {
        self.interest + self.commitment_fee + self.principal
    }

    /// `CFADS_k / debt service`, `None` when the debt service is zero.
    pub fn dscr(&self) -> Option<Decimal> {
        let ds = self.debt_service();
        if ds.is_zero() {
            None
        } else {
            self.cfads.amount().checked_div(ds.amount())
        }
    }
}

/// A projected close schedule for one commitment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schedule {
    /// `C`.
    pub commitment: Money,
    /// Draws at close (period 0).
    pub closing_draws: Money,
    /// Periods 1..N.
    pub rows: Vec<ScheduleRow>,
}

impl Schedule {
    /// Row of period `k` (1-based).
    pub fn row(&self, k: usize) -> Option<&ScheduleRow> {
        k.checked_sub(1).and_then(|i| self.rows.get(i))
    }

    /// Scheduled debt service of every period, 1..N.
    pub fn debt_service(&self) -> Vec<Money> {
        self.rows.iter().map(ScheduleRow::debt_service).collect()
    }
}

/// Pro-rata draws (methodology section 4): the facility funds the share `C / T` of
/// every capex payment, `round2(C · payment / T)`, and the last payment with a
/// non-zero amount (by date, then order of appearance: `payments` comes in that
/// order) draws the remainder, so the draws sum to exactly `C`; a zero payment draws
/// nothing (ruling A98).
///
/// ```
/// use boxflow_amortize::pro_rata_draws;
/// use boxflow_core::Money;
/// let payments = [Money::from_cents(100), Money::from_cents(100), Money::from_cents(100)];
/// let draws = pro_rata_draws(Money::from_cents(100), &payments, Money::from_cents(300)).unwrap();
/// // 1/3 of 1.00 is 0.33, 0.33, and the last takes the remainder 0.34
/// assert_eq!(draws, [Money::from_cents(33), Money::from_cents(33), Money::from_cents(34)]);
/// ```
pub fn pro_rata_draws(
    commitment: Money,
    payments: &[Money],
    total_capex: Money,
) -> Result<Vec<Money>, ArithmeticError> {
    let mut draws = Vec::with_capacity(payments.len());
    if total_capex.is_zero() || commitment.is_zero() {
        draws.resize(payments.len(), Money::ZERO);
        return Ok(draws);
    }
    // The remainder-taker; with T > 0 some payment is non-zero.
    let last = payments.iter().rposition(|p| !p.is_zero());
    let mut drawn = Money::ZERO;
    for (i, payment) in payments.iter().enumerate() {
        let draw = if payment.is_zero() {
            Money::ZERO
        } else if Some(i) == last {
            commitment - drawn
        } else {
            Factor::ratio(payment.amount(), total_capex.amount()).on(commitment)?
        };
        drawn += draw;
        draws.push(draw);
    }
    Ok(draws)
}

/// `cap_k = floor2(CFADS_k / dscr)` less the debt service ranking ahead.
pub fn debt_service_cap(
    cfads: Money,
    dscr: Ratio,
    prior_debt_service: Money,
) -> Result<Money, ArithmeticError> {
    let cap = match floor_cents_over(cfads.cents(), dscr.value()) {
        Some(cents) => Money::checked_cents(cents)?,
        None => floor2_ratio(&[cfads.amount()], &[dscr.value()])?,
    };
    Ok(cap - prior_debt_service)
}

/// `floor2(c / 100 / dscr)` in cents on `i128` for `dscr = m · 10^-s > 0`: the exact
/// quotient `c · 10^s / m` floored (`div_euclid` by a positive divisor), the cent
/// [`floor2_ratio`] gives; `None` when `m <= 0` or the product does not fit (the
/// exact path then answers, or reports the error).
fn floor_cents_over(cents: i128, dscr: Decimal) -> Option<i128> {
    let m = dscr.mantissa();
    if m <= 0 {
        return None;
    }
    let power = *crate::exact::POW10.get(dscr.scale() as usize)?;
    Some(cents.checked_mul(power)?.div_euclid(m))
}

/// Interest of a period (section 6): `round2(opening · r · yf(start, end))` plus, for
/// each draw, `round2(draw · r · yf(draw_date, end))`.
pub fn period_interest(
    day_count: DayCount,
    rate: Decimal,
    start: NaiveDate,
    end: NaiveDate,
    opening: Money,
    draws: impl IntoIterator<Item = (NaiveDate, Money)>,
) -> Result<Money, ArithmeticError> {
    let accrue = |amount: Money, from: NaiveDate| -> Result<Money, ArithmeticError> {
        Factor::accrual(rate, day_count.fraction(from, end)).on(amount)
    };
    let mut interest = accrue(opening, start)?;
    for (date, amount) in draws {
        interest += accrue(amount, date.max(start))?;
    }
    Ok(interest)
}

/// Commitment fee of a period (section 6): `round2(undrawn · fee · yf(start, end))`,
/// undrawn at the period's start.
pub fn commitment_fee(
    day_count: DayCount,
    fee: Decimal,
    start: NaiveDate,
    end: NaiveDate,
    undrawn: Money,
) -> Result<Money, ArithmeticError> {
    Factor::accrual(fee, day_count.fraction(start, end)).on(undrawn)
}

/// The level profile's annuity (section 7): `r = rate · m / 12`,
/// `A = round2(C · r / (1 - (1+r)^-n))`, or `round2(C / n)` when `r = 0`, evaluated
/// exactly and divided last ([`crate::exact::level_annuity`]): `r` is never
/// represented on its own (0.0925 / 12 is a repeating decimal).
///
/// ```
/// use boxflow_amortize::level_payment;
/// use boxflow_core::Money;
/// use rust_decimal::Decimal;
/// // PMT(0.05/12, 360, 100000) = 536.82
/// let a = level_payment(Money::from_cents(10_000_000), Decimal::new(5, 2), 1, 360).unwrap();
/// assert_eq!(a, Money::from_cents(53_682));
/// ```
pub fn level_payment(
    commitment: Money,
    rate: Decimal,
    months_per_period: u32,
    n: usize,
) -> Result<Money, ArithmeticError> {
    crate::exact::level_annuity(commitment, rate, months_per_period, n)
}

/// The level profile's fall of the nominal balance in one window period (section 7):
/// `A - round2(nominal · rate · m / 12)`, the product divided last by 12.
pub fn level_fall(
    annuity: Money,
    nominal: Money,
    rate: Decimal,
    months_per_period: u32,
) -> Result<Money, ArithmeticError> {
    let interest = Factor::accrual(rate, (i64::from(months_per_period), 12)).on(nominal)?;
    Ok(annuity - interest)
}

impl ScheduleTerms {
    /// `n = H - g`, the number of repayment periods.
    pub fn window_len(&self) -> usize {
        self.deadline.saturating_sub(self.interest_only_periods)
    }

    /// True when period `k` is in the repayment window `g+1 ..= H`.
    pub fn in_window(&self, k: usize) -> bool {
        k > self.interest_only_periods && k <= self.deadline
    }

    fn check(&self) -> Result<(), ScheduleError> {
        let n = self.periods.len();
        if self.window_len() == 0 {
            return Err(ScheduleError::EmptyWindow {
                interest_only_periods: self.interest_only_periods,
                deadline: self.deadline,
            });
        }
        if self.deadline > n {
            return Err(ScheduleError::DeadlineBeyondTerm {
                deadline: self.deadline,
                periods: n,
            });
        }
        if let Some(dscr) = self.dscr {
            if dscr.value() <= Decimal::ZERO {
                return Err(ScheduleError::NonPositiveDscr);
            }
        } else if self.profile == Profile::Sculpted {
            return Err(ScheduleError::SculptedWithoutDscr);
        }
        if let Profile::Custom(shares) = &self.profile {
            if shares.len() != self.window_len() {
                return Err(ScheduleError::CustomLength {
                    shares: shares.len(),
                    window: self.window_len(),
                });
            }
        }
        Ok(())
    }

    /// The first capex payment after the deadline `H`: a commitment above zero would
    /// draw on it and could not be repaid by `H`.
    fn late_payment(&self) -> Option<&CapexPayment> {
        self.capex
            .iter()
            .find(|p| p.period > self.deadline && !p.amount.is_zero())
    }

    /// The debt-service caps of periods 1..N, `None` without a DSCR.
    pub fn caps(&self) -> Result<Vec<Option<Money>>, ScheduleError> {
        self.periods
            .iter()
            .map(|p| match self.dscr {
                Some(dscr) => Ok(Some(debt_service_cap(p.cfads, dscr, p.prior_debt_service)?)),
                None => Ok(None),
            })
            .collect()
    }

    /// Projects the close schedule of `commitment` (section 7): as if every scheduled
    /// payment is made and nothing is swept.
    pub fn project(&self, commitment: Money) -> Result<Schedule, ScheduleError> {
        self.check()?;
        if let (false, Some(late)) = (commitment.is_zero(), self.late_payment()) {
            return Err(ScheduleError::DrawAfterDeadline {
                period: late.period,
                deadline: self.deadline,
            });
        }
        let caps = self.caps()?;
        self.project_with(commitment, &caps, None)
            .map(|(schedule, _)| schedule)
    }

    /// Projects the schedule; when `test_window` is set, stops at the first window
    /// period whose debt service exceeds its cap and reports feasibility.
    fn project_with(
        &self,
        commitment: Money,
        caps: &[Option<Money>],
        test_window: Option<()>,
    ) -> Result<(Schedule, bool), ScheduleError> {
        let payments: Vec<Money> = self.capex.iter().map(|p| p.amount).collect();
        let draws = pro_rata_draws(commitment, &payments, self.total_capex)?;
        let closing_draws: Money = self
            .capex
            .iter()
            .zip(&draws)
            .filter(|(p, _)| p.period == 0)
            .map(|(_, d)| *d)
            .sum();
        let n = self.window_len();
        let level = match self.profile {
            Profile::Level => Some(level_payment(
                commitment,
                self.rate_at_close,
                self.months_per_period,
                n,
            )?),
            _ => None,
        };
        let mut nominal = commitment;
        let mut balance = closing_draws;
        let mut drawn = closing_draws;
        let mut rows = Vec::with_capacity(self.periods.len());
        let mut next_draw = self
            .capex
            .iter()
            .position(|p| p.period > 0)
            .unwrap_or(self.capex.len());
        for (i, period) in self.periods.iter().enumerate() {
            let k = i + 1;
            let opening = balance;
            let first = next_draw;
            while next_draw < self.capex.len() && self.capex[next_draw].period == k {
                next_draw += 1;
            }
            let period_draws = (first..next_draw).map(|j| (self.capex[j].date, draws[j]));
            let draws_k: Money = draws[first..next_draw].iter().sum();
            let interest = period_interest(
                self.day_count,
                period.rate,
                period.start,
                period.end,
                opening,
                period_draws,
            )?;
            let fee = commitment_fee(
                self.day_count,
                self.commitment_fee,
                period.start,
                period.end,
                commitment - drawn,
            )?;
            drawn += draws_k;
            let after_draws = opening + draws_k;
            let cap = caps.get(i).copied().flatten();
            let principal = if !self.in_window(k) {
                Money::ZERO
            } else if k == self.deadline {
                after_draws
            } else {
                let j = k - self.interest_only_periods; // 1-based index in the window
                let wanted = match &self.profile {
                    Profile::Sculpted => {
                        cap.map_or(Money::ZERO, |c| (c - interest - fee).at_least_zero())
                    }
                    Profile::Level => {
                        let fall = level_fall(
                            level.unwrap_or(Money::ZERO),
                            nominal,
                            self.rate_at_close,
                            self.months_per_period,
                        )?;
                        nominal -= fall;
                        fall.at_least_zero()
                    }
                    Profile::StraightLine => straight_line(n).on(commitment)?,
                    Profile::Bullet => Money::ZERO,
                    Profile::Custom(shares) => {
                        let share = shares.get(j - 1).map_or(Decimal::ZERO, |s| s.value());
                        Factor::share(share).on(commitment)?
                    }
                };
                wanted.min(after_draws)
            };
            balance = after_draws - principal;
            let row = ScheduleRow {
                period: k,
                opening,
                draws: draws_k,
                interest,
                commitment_fee: fee,
                principal,
                closing: balance,
                cap,
                cfads: period.cfads,
            };
            let breaks = test_window.is_some()
                && self.in_window(k)
                && cap.is_some_and(|c| row.debt_service() > c);
            rows.push(row);
            if breaks {
                return Ok((
                    Schedule {
                        commitment,
                        closing_draws,
                        rows,
                    },
                    false,
                ));
            }
            if test_window.is_some() && k == self.deadline {
                break;
            }
        }
        Ok((
            Schedule {
                commitment,
                closing_draws,
                rows,
            },
            true,
        ))
    }

    /// `feasible(C)` (section 7): `interest_k + commitment_fee_k + p_k <= cap_k` for
    /// every k in `g+1 ..= H` of C's schedule. `C = 0` is feasible; a commitment above
    /// zero is not when a capex payment falls after `H` (its draw can't be repaid by `H`).
    pub fn feasible(&self, commitment: Money) -> Result<bool, ScheduleError> {
        self.check()?;
        let caps = self.caps()?;
        self.feasible_with(commitment, &caps)
    }

    fn feasible_with(
        &self,
        commitment: Money,
        caps: &[Option<Money>],
    ) -> Result<bool, ScheduleError> {
        if commitment.is_zero() {
            return Ok(true);
        }
        if self.late_payment().is_some() {
            return Ok(false); // a draw after H leaves a balance at H
        }
        Ok(self.project_with(commitment, caps, Some(()))?.1)
    }

    /// [`ScheduleTerms::feasible_with`] through the integer projection `fast` when it
    /// can decide, else through the schedule itself: the same answer either way.
    fn feasible_fast(
        &self,
        commitment: Money,
        caps: &[Option<Money>],
        fast: Option<&mut IntegerTerms>,
    ) -> Result<bool, ScheduleError> {
        if commitment.is_zero() {
            return Ok(true);
        }
        if self.late_payment().is_some() {
            return Ok(false);
        }
        match fast.and_then(|f| f.feasible(self, commitment.cents())) {
            Some(feasible) => Ok(feasible),
            None => Ok(self.project_with(commitment, caps, Some(()))?.1),
        }
    }

    /// Sizes the facility (section 7): the largest commitment in cents, at most
    /// `upper = floor2(max_gearing · T)` (less what ranks ahead, for a junior), whose
    /// schedule is feasible, found by the integer-cents bisection of the methodology.
    /// An upper bound of 2^63 cents (about 9.2e16) or more is an error.
    pub fn size(&self, upper: Money) -> Result<Sizing, ScheduleError> {
        self.check()?;
        if self.dscr.is_none() {
            return Err(ScheduleError::SizingWithoutDscr);
        }
        let caps = self.caps()?;
        let hi = upper.at_least_zero();
        if hi.cents() > i128::from(i64::MAX) {
            return Err(ScheduleError::CommitmentOutOfRange);
        }
        let mut fast = IntegerTerms::new(self, &caps);
        let mut iterations = 1;
        let (commitment, binding) = if self.feasible_fast(hi, &caps, fast.as_mut())? {
            (hi, Binding::Gearing)
        } else {
            let (mut lo, mut hi) = (0_i128, hi.cents());
            while hi - lo > 1 {
                let mid = (lo + hi).div_euclid(2);
                iterations += 1;
                if self.feasible_fast(cents(mid), &caps, fast.as_mut())? {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            (cents(lo), Binding::Dscr)
        };
        let schedule = self.project_with(commitment, &caps, None)?.0;
        Ok(Sizing {
            commitment,
            binding,
            iterations,
            schedule,
        })
    }

    /// The periods of the window whose scheduled debt service exceeds the cap
    /// (a fixed `amount` with a `target_dscr`), with both figures.
    pub fn breaches(&self, schedule: &Schedule) -> Vec<ScheduleBreach> {
        schedule
            .rows
            .iter()
            .filter(|r| self.in_window(r.period))
            .filter_map(|r| {
                let cap = r.cap?;
                let ds = r.debt_service();
                (ds > cap).then_some(ScheduleBreach {
                    period: r.period,
                    debt_service: ds,
                    cap,
                })
            })
            .collect()
    }
}

/// The straight line's factor `1 / n` (section 7: `round2(C / n)`).
fn straight_line(n: usize) -> Factor {
    Factor::ratio(Decimal::ONE, Decimal::from(n as u64))
}

/// A capex payment as the integer projection sees it.
#[derive(Debug)]
struct IntegerPayment {
    /// The payment's period (0 for closing).
    period: usize,
    /// Whether it draws nothing (a zero payment, or no capex at all).
    zero: bool,
    /// `payment / T`, the share of the commitment it draws (section 4).
    share: Factor,
    /// Its draw's interest factor, from the payment date (or the period's start) to
    /// the period's end; 0 for a draw at close.
    interest: Factor,
}

/// One period as the integer projection sees it.
#[derive(Debug)]
struct IntegerPeriod {
    /// The interest factor on the opening balance.
    interest: Factor,
    /// The commitment fee factor on the undrawn amount.
    fee: Factor,
    /// `cap_k` in cents.
    cap: Option<i128>,
}

/// The schedule's formulas as [`Factor`]s built once per sizing, so that
/// `feasible(C)` runs on `i128` cents without allocating (the sizing bisection calls
/// it up to 64 times). Each is the [`Factor`] the projection itself applies, so every
/// figure is the same cent; whenever a product would not fit `i128`, the answer is
/// `None` and the caller projects the schedule itself.
#[derive(Debug)]
struct IntegerTerms {
    /// The capex payments, by date.
    payments: Vec<IntegerPayment>,
    /// The remainder-taker: the last non-zero payment.
    last_payment: Option<usize>,
    /// The first payment after close.
    first_after_close: usize,
    /// Periods 1..=H (the periods after `H` are never tested).
    periods: Vec<IntegerPeriod>,
    /// The level profile's interest factor on the nominal balance, `rate · m / 12`.
    level_rate: Factor,
    /// Straight line: `1 / n`.
    straight_line: Factor,
    /// Custom: `share_j` per window period.
    custom: Vec<Factor>,
    /// `g` and `H`.
    interest_only_periods: usize,
    deadline: usize,
    /// The draws of the commitment under test, one per payment (reused).
    draws: Vec<i128>,
}

impl IntegerTerms {
    fn new(terms: &ScheduleTerms, caps: &[Option<Money>]) -> Option<IntegerTerms> {
        if terms.deadline > terms.periods.len() {
            return None;
        }
        let no_capex = terms.total_capex.is_zero();
        let payments = terms
            .capex
            .iter()
            .map(|p| {
                let interest = match p.period.checked_sub(1) {
                    Some(i) => {
                        let period = terms.periods.get(i)?;
                        let from = p.date.max(period.start);
                        Factor::accrual(period.rate, terms.day_count.fraction(from, period.end))
                            .prepared()
                    }
                    None => Factor::share(Decimal::ZERO),
                };
                Some(IntegerPayment {
                    period: p.period,
                    zero: p.amount.is_zero() || no_capex,
                    share: Factor::ratio(p.amount.amount(), terms.total_capex.amount()).prepared(),
                    interest,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        // Periods 1..=H only: `feasible` decides at H (check() keeps 1 <= H <= N),
        // so the factors of the periods after it would never be applied.
        let periods = terms
            .periods
            .iter()
            .take(terms.deadline)
            .enumerate()
            .map(|(i, p)| {
                let fraction = terms.day_count.fraction(p.start, p.end);
                IntegerPeriod {
                    interest: Factor::accrual(p.rate, fraction).prepared(),
                    fee: Factor::accrual(terms.commitment_fee, fraction).prepared(),
                    cap: caps.get(i).copied().flatten().map(Money::cents),
                }
            })
            .collect();
        let custom = match &terms.profile {
            Profile::Custom(shares) => shares
                .iter()
                .map(|s| Factor::share(s.value()).prepared())
                .collect(),
            _ => Vec::new(),
        };
        Some(IntegerTerms {
            last_payment: terms.capex.iter().rposition(|p| !p.amount.is_zero()),
            first_after_close: terms
                .capex
                .iter()
                .position(|p| p.period > 0)
                .unwrap_or(terms.capex.len()),
            payments,
            periods,
            level_rate: Factor::accrual(
                terms.rate_at_close,
                (i64::from(terms.months_per_period), 12),
            )
            .prepared(),
            straight_line: straight_line(terms.window_len()).prepared(),
            draws: Vec::with_capacity(terms.capex.len()),
            custom,
            interest_only_periods: terms.interest_only_periods,
            deadline: terms.deadline,
        })
    }

    /// The draws on the payments (section 4), into `self.draws`:
    /// `round2(C · payment / T)`, the last non-zero payment the remainder `C - others`,
    /// a zero payment nothing.
    fn draw_all(&mut self, commitment: i128) -> Option<()> {
        self.draws.clear();
        let mut others = 0_i128;
        for (j, payment) in self.payments.iter().enumerate() {
            let draw = if payment.zero || Some(j) == self.last_payment {
                0
            } else {
                payment.share.apply(commitment)?
            };
            others = others.checked_add(draw)?;
            self.draws.push(draw);
        }
        if let Some(last) = self.last_payment {
            if !self.payments[last].zero {
                self.draws[last] = commitment.checked_sub(others)?;
            }
        }
        Some(())
    }

    /// `feasible(C)` for `C > 0` cents with no capex payment after `H`, decided
    /// exactly as [`ScheduleTerms::project_with`] decides it; `None` when a value
    /// does not fit (the caller then projects the schedule).
    fn feasible(&mut self, terms: &ScheduleTerms, commitment: i128) -> Option<bool> {
        self.draw_all(commitment)?;
        let mut closing = 0_i128;
        for (payment, draw) in self.payments.iter().zip(&self.draws) {
            if payment.period == 0 {
                closing = closing.checked_add(*draw)?;
            }
        }
        let level = match terms.profile {
            Profile::Level => Some(
                level_payment(
                    Money::from_cents(i64::try_from(commitment).ok()?),
                    terms.rate_at_close,
                    terms.months_per_period,
                    terms.window_len(),
                )
                .ok()?
                .cents(),
            ),
            _ => None,
        };
        let mut nominal = commitment;
        let mut balance = closing;
        let mut drawn = closing;
        let mut next = self.first_after_close;
        // `periods` holds 1..=H (`new` refuses H > N), so every k here is <= H, the
        // window is k > g, and the loop ends on H's test.
        let (g, h) = (self.interest_only_periods, self.deadline);
        let (payments, payment_draws) = (&self.payments, &self.draws);
        for (i, period) in self.periods.iter().enumerate() {
            let k = i + 1;
            let opening = balance;
            let mut interest = period.interest.apply(opening)?;
            let mut draws = 0_i128;
            while let Some(payment) = payments.get(next).filter(|p| p.period == k) {
                let amount = payment_draws[next];
                interest = interest.checked_add(payment.interest.apply(amount)?)?;
                draws = draws.checked_add(amount)?;
                next += 1;
            }
            let fee = period.fee.apply(commitment.checked_sub(drawn)?)?;
            drawn = drawn.checked_add(draws)?;
            let after_draws = opening.checked_add(draws)?;
            let in_window = k > g;
            let principal = if !in_window {
                0
            } else if k == h {
                after_draws
            } else {
                let j = k - g;
                let wanted = match &terms.profile {
                    Profile::Sculpted => period.cap.map_or(Some(0), |c| {
                        Some(c.checked_sub(interest)?.checked_sub(fee)?.max(0))
                    })?,
                    Profile::Level => {
                        let fall = level?.checked_sub(self.level_rate.apply(nominal)?)?;
                        nominal = nominal.checked_sub(fall)?;
                        fall.max(0)
                    }
                    Profile::StraightLine => self.straight_line.apply(commitment)?,
                    Profile::Bullet => 0,
                    Profile::Custom(_) => match self.custom.get(j - 1) {
                        Some(share) => share.apply(commitment)?,
                        None => 0,
                    },
                };
                wanted.min(after_draws)
            };
            balance = after_draws.checked_sub(principal)?;
            if in_window {
                if let Some(cap) = period.cap {
                    let debt_service = interest.checked_add(fee)?.checked_add(principal)?;
                    if debt_service > cap {
                        return Some(false);
                    }
                }
            }
        }
        Some(true)
    }
}

fn cents(c: i128) -> Money {
    Money::round2(Decimal::from_i128_with_scale(c, 2))
}

/// Which bound set the sized commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    /// The gearing cap: the schedule could repay more.
    Gearing,
    /// The DSCR: one cent more breaks the cap in some window period.
    Dscr,
}

impl Binding {
    /// `"dscr"` or `"gearing"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Gearing => "gearing",
            Binding::Dscr => "dscr",
        }
    }
}

/// The result of sizing.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sizing {
    /// The sized commitment `C`.
    pub commitment: Money,
    /// The binding bound.
    pub binding: Binding,
    /// Feasibility evaluations made: at most 64, since the upper bound is below 2^63
    /// cents (one evaluation of the bound, then at most 63 halvings).
    pub iterations: u32,
    /// The close schedule of `C`.
    pub schedule: Schedule,
}

/// A window period whose scheduled debt service exceeds `cap_k`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduleBreach {
    /// `k`.
    pub period: usize,
    /// Scheduled interest + commitment fee + principal.
    pub debt_service: Money,
    /// `cap_k`.
    pub cap: Money,
}
