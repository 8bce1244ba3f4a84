//! Solvers over the whole waterfall: bisection over a measure that is monotone in
//! its input, on an integer grid (the tolerance), each result checked by running
//! the found point and the point one step beyond.
//!
//! - [`min_price`]: the lowest price per GPU-hour, to $0.0001, at which the senior
//!   debt sized at close reaches a target gearing with the halfway covenant passing.
//!   The price changes the deal as signed, so each step re-sizes the debt.
//! - [`earliest_safe_default`]: the earliest customer-default period from which on the
//!   senior lender is still repaid in full, under re-lease assumptions, against the
//!   debt sized at close.
//! - [`max_rate_shock`]: the largest shock on the index, to 1 basis point, that the
//!   deal survives without a `payment_default`, against the debt sized at close.

use boxflow_core::{Money, Quantity, Share};
use boxflow_model::{CustomerDefault, Rank, ReLease, Scenario, ValidDeal};
use boxflow_waterfall::{run_plan, Plan, Run};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::{Base, ScenarioError};

/// The price solver's step and tolerance: $0.0001 per GPU-hour.
pub const PRICE_TICK: Decimal = Decimal::from_parts(1, 0, 0, false, 4);

/// The highest price the price solver tries: $10,000 per GPU-hour.
pub const MAX_PRICE: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// The largest rate shock the rate solver tries: 100,000 bps (+1,000%), the most a
/// `[[scenario]]` may hold.
pub const MAX_RATE_SHOCK_BPS: i64 = 100_000;

/// The smallest `x` in `lo + 1 ..= hi` where `holds(x)`, by bisection, given
/// `!holds(lo)` and `holds(hi)` and a measure that is monotone (false, then true);
/// also the number of evaluations. Exact on the integer grid: the answer and the
/// point below it are adjacent.
///
/// ```
/// let (x, evaluations) = boxflow_scenario::solve::first_true(0, 1000, |x| Ok::<_, ()>(x * x >= 200)).unwrap();
/// assert_eq!(x, 15); // 14² = 196 < 200 <= 225 = 15²
/// assert!(evaluations <= 10);
/// ```
pub fn first_true<E>(
    mut lo: i64,
    mut hi: i64,
    mut holds: impl FnMut(i64) -> Result<bool, E>,
) -> Result<(i64, u32), E> {
    let mut evaluations = 0;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        evaluations += 1;
        if holds(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok((hi, evaluations))
}

/// The senior facility's loss at the end of a run.
fn senior_loss(run: &Run) -> Money {
    run.plan
        .facilities
        .iter()
        .zip(&run.terminal.facilities)
        .filter(|(f, _)| f.rank == Rank::Senior)
        .map(|(_, t)| t.loss)
        .sum()
}

/// One evaluation of a solver's measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Probe {
    /// The input: a price, a default period or a rate shock in bps.
    pub at: Decimal,
    /// Whether the condition holds there.
    pub holds: bool,
    /// The figure the condition reads: the commitment (price), the senior loss
    /// (default), the number of payment defaults (rate).
    pub figure: Decimal,
}

/// The minimum price per GPU-hour.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PriceSolution {
    /// The capacity line priced (0-based, the others as written), or `None` when every
    /// line is set to the price.
    pub line: Option<usize>,
    /// The target gearing: senior commitment / total capex.
    pub target_gearing: Share,
    /// `floor2(target_gearing · T)`: the commitment to reach (sizing caps the
    /// commitment at `floor2(max_gearing · T)`).
    pub target_commitment: Money,
    /// The lowest price, in steps of $0.0001, at which the commitment sized at close
    /// reaches the target and the halfway covenant passes; `None` when no price up to
    /// [`MAX_PRICE`] does.
    pub price: Option<Decimal>,
    /// The found price, run again: the condition holds.
    pub at: Option<Probe>,
    /// The price one step ($0.0001) below, run again: the condition fails (`None` when
    /// the answer is 0).
    pub below: Option<Probe>,
    /// Measure evaluations, the checks included.
    pub evaluations: u32,
}

impl PriceSolution {
    /// True when the found price holds and the step below fails.
    pub fn checked(&self) -> bool {
        self.at.as_ref().is_some_and(|p| p.holds) && self.below.as_ref().is_none_or(|p| !p.holds)
    }
}

/// Sizes and runs the deal with every capacity line at `price`: the senior
/// commitment, and whether it reaches `target` with the halfway covenant passing.
fn price_probe(
    deal: &ValidDeal,
    line: Option<usize>,
    price: Decimal,
    target: Money,
) -> Result<Probe, ScenarioError> {
    let priced = crate::apply::priced(deal, price, line)?;
    let plan = Plan::new(&priced)?;
    let commitment = plan.senior().map_or(Money::ZERO, |s| s.commitment);
    let holds = if commitment < target {
        false
    } else {
        run_plan(&priced, plan)?.summary.halfway_covenant
    };
    Ok(Probe {
        at: price,
        holds,
        figure: commitment.amount(),
    })
}

/// The minimum price per GPU-hour, to $0.0001, at which the senior commitment sized
/// at close reaches `target_gearing` of total capex (`C ≥ floor2(target · T)`) with the
/// halfway covenant of the run passing. Every capacity line is set to the price;
/// everything else is the deal as written. The measure is monotone: a higher price
/// raises every period's CFADS, so the sized commitment and the cash to repay it.
///
/// Bisection over whole ten-thousandths of a dollar between a price that fails and
/// one that holds (found by doubling from the deal's highest price, up to
/// [`MAX_PRICE`]); the answer is rerun, and so is the price one step below.
pub fn min_price(deal: &ValidDeal, target_gearing: Share) -> Result<PriceSolution, ScenarioError> {
    solve_price(deal, target_gearing, None)
}

/// [`min_price`] for one capacity line (0-based): the lowest price of that line, to
/// $0.0001, with every other line at its price as written. For a deal whose lines
/// have different prices (an A100 line and an H200 line), where one price for every
/// line answers no question a sponsor asks. The same measure, monotone for the same
/// reason: a higher price of one line raises every period's CFADS.
pub fn min_price_of_line(
    deal: &ValidDeal,
    target_gearing: Share,
    line: usize,
) -> Result<PriceSolution, ScenarioError> {
    if line >= deal.contract.capacity.len() {
        return Err(ScenarioError::NoSuchLine {
            line,
            lines: deal.contract.capacity.len(),
        });
    }
    solve_price(deal, target_gearing, Some(line))
}

/// True when the deal's capacity lines do not all have one price: the price solver then
/// answers per line ([`min_price_of_line`]).
pub fn prices_differ(deal: &ValidDeal) -> bool {
    let mut prices = deal.contract.capacity.iter().map(|l| l.price_per_gpu_hour);
    let first = prices.next();
    prices.any(|p| Some(p) != first)
}

fn solve_price(
    deal: &ValidDeal,
    target_gearing: Share,
    line: Option<usize>,
) -> Result<PriceSolution, ScenarioError> {
    if deal.senior().is_none() {
        return Err(ScenarioError::NoSenior);
    }
    let t = Plan::new(deal)?.total_capex;
    let target = Money::floor2_quotient(&[target_gearing.value(), t.amount()], Decimal::ONE)
        .map_err(boxflow_waterfall::RunError::from)?;
    let mut evaluations = 0u32;
    let tick = |x: i64| Decimal::new(x, 4);
    let mut probe = |x: i64| -> Result<bool, ScenarioError> {
        evaluations += 1;
        Ok(price_probe(deal, line, tick(x), target)?.holds)
    };
    let mut solution = PriceSolution {
        line,
        target_gearing,
        target_commitment: target,
        price: None,
        at: None,
        below: None,
        evaluations: 0,
    };
    let found = if probe(0)? {
        Some(0)
    } else {
        let start = deal
            .contract
            .capacity
            .iter()
            .enumerate()
            .filter(|(i, _)| line.is_none_or(|l| l == *i))
            .map(|(_, l)| l.price_per_gpu_hour.value())
            .max()
            .unwrap_or(Decimal::ONE)
            .max(Decimal::ONE);
        let max = i64::try_from((MAX_PRICE / PRICE_TICK).trunc().mantissa()).unwrap_or(i64::MAX);
        let mut lo = 0i64;
        let mut hi = i64::try_from((start / PRICE_TICK).ceil().mantissa())
            .unwrap_or(max)
            .min(max);
        loop {
            if probe(hi)? {
                break Some(first_true(lo, hi, &mut probe)?.0);
            }
            if hi >= max {
                break None;
            }
            lo = hi;
            hi = hi.saturating_mul(2).min(max);
        }
    };
    if let Some(x) = found {
        solution.price = Some(tick(x));
        solution.at = Some(price_probe(deal, line, tick(x), target)?);
        solution.below = if x > 0 {
            Some(price_probe(deal, line, tick(x - 1), target)?)
        } else {
            None
        };
        evaluations += 1 + u32::from(x > 0);
    }
    solution.evaluations = evaluations;
    Ok(solution)
}

/// The earliest safe customer default.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DefaultSolution {
    /// The re-lease assumed after the default.
    pub re_lease: Option<ReLease>,
    /// `N`: the contract's periods.
    pub periods: usize,
    /// The earliest period `d` in 1..=N from which on a default leaves the senior
    /// lender repaid in full; `N + 1` when only a customer who pays every period
    /// does; `None` when the senior lender is hurt even in the base case. (Without a
    /// senior facility nothing can hurt it: 1.)
    pub period: Option<usize>,
    /// The customer must pay `period - 1` periods before the lender is safe.
    pub periods_paid: Option<usize>,
    /// The found period, run again: the senior loss is 0 (for `N + 1`, the base case).
    pub at: Option<Probe>,
    /// A default one period earlier, run again: the senior loss is positive (`None`
    /// when the answer is period 1).
    pub before: Option<Probe>,
    /// Measure evaluations, the checks included.
    pub evaluations: u32,
}

impl DefaultSolution {
    /// True when the found period is safe and the period before is not.
    pub fn checked(&self) -> bool {
        self.at.as_ref().is_some_and(|p| p.holds) && self.before.as_ref().is_none_or(|p| !p.holds)
    }
}

/// Runs a customer default at period `d` (the base case for `d = N + 1`): whether the
/// senior facility ends with no loss, and its loss.
fn default_probe(
    base: &Base,
    d: usize,
    re_lease: Option<&ReLease>,
) -> Result<Probe, ScenarioError> {
    let n = base.plan.calendar.len();
    let run = if d > n {
        base.run()?
    } else {
        let mut s = Scenario::new(format!("default={d}"));
        s.customer_default = Some(CustomerDefault {
            period: u32::try_from(d).unwrap_or(u32::MAX),
            re_lease: re_lease.cloned(),
        });
        base.run_scenario(&s)?
    };
    let loss = senior_loss(&run);
    Ok(Probe {
        at: Decimal::from(d as u64),
        holds: loss.is_zero(),
        figure: loss.amount(),
    })
}

/// The earliest customer-default period `d` from which on the senior lender is still
/// repaid in full (its loss at the end of the run is 0) under the re-lease
/// assumptions, against the debt sized at close: how long the customer must pay
/// before the lender is safe.
///
/// Bisection over whole periods in `1 ..= N + 1` (`N + 1`: no default), on a measure
/// that is monotone without a re-lease or with an immediate one (a property test
/// checks it); then every later period is run, and an unsafe one moves the search
/// past it, so the answer is exact whatever the re-lease (a re-lease after a gap
/// moves with the default and can break monotonicity). The answer is rerun, and so
/// is the period before it.
pub fn earliest_safe_default(
    base: &Base,
    re_lease: Option<ReLease>,
) -> Result<DefaultSolution, ScenarioError> {
    let n = base.plan.calendar.len();
    let mut evaluations = 0u32;
    let mut probe = |d: i64| -> Result<bool, ScenarioError> {
        evaluations += 1;
        let d = usize::try_from(d).unwrap_or(0);
        Ok(default_probe(base, d, re_lease.as_ref())?.holds)
    };
    let last = i64::try_from(n).unwrap_or(i64::MAX) + 1;
    let found = if !probe(last)? {
        None
    } else if probe(1)? {
        Some(1)
    } else {
        Some(first_true(1, last, &mut probe)?.0)
    };
    // "From which on": every later default is run too. A re-lease after a gap moves
    // with the default, so an earlier default can leave the lender better off than a
    // later one; the last unsafe period moves the answer past it.
    let found = match found {
        Some(d) => {
            let mut answer = d;
            for k in d + 1..last {
                if !probe(k)? {
                    answer = k + 1;
                }
            }
            Some(answer)
        }
        None => None,
    };
    let mut solution = DefaultSolution {
        re_lease: re_lease.clone(),
        periods: n,
        period: None,
        periods_paid: None,
        at: None,
        before: None,
        evaluations: 0,
    };
    if let Some(d) = found {
        let d = usize::try_from(d).unwrap_or(0);
        solution.period = Some(d);
        solution.periods_paid = Some(d - 1);
        solution.at = Some(default_probe(base, d, re_lease.as_ref())?);
        solution.before = if d > 1 {
            Some(default_probe(base, d - 1, re_lease.as_ref())?)
        } else {
            None
        };
        evaluations += 1 + u32::from(d > 1);
    }
    solution.evaluations = evaluations;
    Ok(solution)
}

/// The largest rate shock survived.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateSolution {
    /// The largest shock in whole basis points, from 0 to [`MAX_RATE_SHOCK_BPS`],
    /// with no `payment_default` event; `None` when the base case already defaults.
    pub bps: Option<i64>,
    /// True when even [`MAX_RATE_SHOCK_BPS`] is survived (no floating debt, or debt
    /// that the box repays whatever the rate): `bps` is then that cap.
    pub unbounded: bool,
    /// The found shock, run again: no payment default.
    pub at: Option<Probe>,
    /// One basis point more, run again: a payment default (`None` when unbounded).
    pub beyond: Option<Probe>,
    /// Measure evaluations, the checks included.
    pub evaluations: u32,
}

impl RateSolution {
    /// True when the found shock survives and one basis point more does not (or the
    /// answer is the cap).
    pub fn checked(&self) -> bool {
        self.at.as_ref().is_some_and(|p| p.holds)
            && (self.unbounded || self.beyond.as_ref().is_some_and(|p| !p.holds))
    }
}

/// Runs a rate shock of `bps`: whether no `payment_default` event happens.
fn rate_probe(base: &Base, bps: i64) -> Result<Probe, ScenarioError> {
    let mut s = Scenario::new(format!("rate={bps}"));
    s.rate_shock_bps = Decimal::from(bps);
    let run = base.run_scenario(&s)?;
    let defaults = run
        .events
        .iter()
        .filter(|e| e.name() == "payment_default")
        .count();
    Ok(Probe {
        at: Decimal::from(bps),
        holds: defaults == 0,
        figure: Decimal::from(defaults as u64),
    })
}

/// The largest rate shock on the index, in whole basis points, that the deal survives
/// without a `payment_default` (senior interest and principal paid in full every
/// period, from cash or the DSRA), against the debt sized at close. The measure is
/// monotone: a higher index raises every floating period's interest and leaves the
/// close schedule as it is.
///
/// Bisection over whole basis points between a shock survived and one that is not
/// (found by doubling from 100 bps up to [`MAX_RATE_SHOCK_BPS`]); the answer is rerun,
/// and so is the shock one basis point above.
pub fn max_rate_shock(base: &Base) -> Result<RateSolution, ScenarioError> {
    let mut evaluations = 0u32;
    let mut fails = |bps: i64| -> Result<bool, ScenarioError> {
        evaluations += 1;
        Ok(!rate_probe(base, bps)?.holds)
    };
    let mut solution = RateSolution {
        bps: None,
        unbounded: false,
        at: None,
        beyond: None,
        evaluations: 0,
    };
    if fails(0)? {
        solution.evaluations = evaluations;
        return Ok(solution);
    }
    let mut lo = 0i64;
    let mut hi = 100i64;
    let found = loop {
        if fails(hi)? {
            break Some(first_true(lo, hi, &mut fails)?.0 - 1);
        }
        if hi >= MAX_RATE_SHOCK_BPS {
            break None;
        }
        lo = hi;
        hi = (hi * 2).min(MAX_RATE_SHOCK_BPS);
    };
    match found {
        Some(b) => {
            solution.bps = Some(b);
            solution.at = Some(rate_probe(base, b)?);
            solution.beyond = Some(rate_probe(base, b + 1)?);
            evaluations += 2;
        }
        None => {
            solution.bps = Some(MAX_RATE_SHOCK_BPS);
            solution.unbounded = true;
            solution.at = Some(rate_probe(base, MAX_RATE_SHOCK_BPS)?);
            evaluations += 1;
        }
    }
    solution.evaluations = evaluations;
    Ok(solution)
}

/// The price as a [`Quantity`], for a scenario that sets it.
pub fn price_scenario(price: Decimal) -> Scenario {
    let mut s = Scenario::new(format!("price={price}"));
    s.price_per_gpu_hour = Some(Quantity::new(price));
    s
}
