//! Monte Carlo over the base case: each run draws a scenario from `[simulation]`
//! ([`Simulation`]) and runs it against the debt sized at close (docs/risk.md).
//!
//! What one run draws, always in this order from its own stream (ChaCha8 seeded
//! with the seed, stream number = the run's index), so that a run's draws depend only
//! on the seed and its index, never on the thread that runs it or on the keys given:
//!
//! 1. `u₁` uniform: the customer's default time `T = ln(1 - u₁) / ln(1 - p)` years
//!    for an annual probability `p` (a constant monthly hazard); it defaults in month
//!    `⌊12 T⌋ + 1` when that month is within the term, and stops paying from the
//!    period holding that month (`⌈month / months per period⌉`);
//! 2. `u₂` uniform: the re-lease price share `lo + (hi - lo) u₂`;
//! 3. an integer uniform in `re_lease_after`: the periods without revenue `g`;
//! 4. `z₁`, `z₂` standard normal: the market price path `M(t) = exp(μ t + σ W(t))`
//!    at the re-lease's first day `t₁` (`W(t₁) = √t₁ z₁`) and at the contract end
//!    `T_N` (`W(T_N) = W(t₁) + √(T_N - t₁) z₂`; without a re-lease `t₁ = T_N`);
//! 5. `z₃`, `z₄`, `z₅` standard normal: the rate shock (whole basis points, from
//!    -10,000 to 100,000), the opex and power shocks (basis points, at least -0.99);
//! 6. an integer uniform in `online_delay_months`.
//!
//! The re-lease bills `min(1, share · M(t₁))` of the contract price (rounded to basis
//! points): a lender counts no re-lease above the contract it replaces. The terminal
//! value (residual value at the contract end) is `round2(TV · M(T_N))`, at most the
//! GPUs' cost. Everything else is the base case's: the debt as sized at close, the
//! calendar, the curves, the covenants.

use boxflow_core::{Decimal, Money, Share};
use boxflow_model::{CustomerDefault, ReLease, Scenario, Simulation};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use boxflow_waterfall::{Detail, Run};

use crate::{Base, Outcome, ScenarioError};

/// The largest market price factor `M(t)` applied: 100 times the contract price
/// (a path beyond it is taken at 100; with `σ <= 5` a year this is a tail event).
const MAX_MARKET_FACTOR: f64 = 100.0;

/// What one run drew.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Draw {
    /// The month of the customer's default (1 is the first month after close), when
    /// it falls within the term.
    pub default_month: Option<u32>,
    /// The market price factor at the re-lease's first day (1 without a re-lease).
    pub market_at_re_lease: f64,
    /// The market price factor at the contract end.
    pub market_at_end: f64,
    /// The scenario the run applies (its terminal value factor aside).
    pub scenario: Scenario,
}

/// The figures of one run that the summary reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SimulatedRun {
    /// The period the customer stops paying, if it defaults.
    pub default_period: Option<u32>,
    /// At least one `payment_default`.
    pub payment_default: bool,
    /// The halfway covenant fails.
    pub halfway_fail: bool,
    /// A `lockup` in a period where the base case has none: distributions stopped
    /// by what the run drew (the base case of a box whose DSRA fills over time locks
    /// up by design, so counting any lock-up would count every run).
    pub lockup: bool,
    /// The lender loss.
    pub lender_loss: Money,
    /// The sponsor's XIRR, if it has one.
    pub equity_irr: Option<Decimal>,
    /// The lowest senior DSCR of the run (none when no period has senior debt
    /// service).
    pub min_dscr: Option<Decimal>,
}

/// Quantiles of the lender loss.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LossQuantiles {
    /// The 95th percentile.
    pub p95: Money,
    /// The 99th percentile.
    pub p99: Money,
}

/// Quantiles of the equity IRR over the runs that have one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IrrQuantiles {
    /// The 5th percentile.
    pub p5: Option<Decimal>,
    /// The median.
    pub p50: Option<Decimal>,
    /// The 95th percentile.
    pub p95: Option<Decimal>,
}

/// What `boxflow simulate` reports (docs/output.md).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SimulationSummary {
    /// The number of runs.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// The share of runs with at least one `payment_default`.
    pub probability_of_payment_default: Decimal,
    /// The share of runs whose halfway covenant fails.
    pub probability_of_halfway_fail: Decimal,
    /// The share of runs with a `lockup` in a period where the base case has none
    /// ([`SimulatedRun::lockup`]).
    pub probability_of_lockup: Decimal,
    /// The share of runs whose customer defaults within the term.
    pub probability_of_customer_default: Decimal,
    /// The mean lender loss, `round2(Σ loss / runs)`.
    pub expected_lender_loss: Money,
    /// Quantiles of the lender loss (nearest rank).
    pub lender_loss_quantiles: LossQuantiles,
    /// Quantiles of the equity IRR (nearest rank) over the runs that have one.
    pub equity_irr_quantiles: IrrQuantiles,
    /// The runs without an equity IRR (no root: the sponsor never gets its money
    /// back, or never puts any in), left out of its quantiles.
    pub equity_irr_undefined_runs: u32,
    /// The mean lender loss over the runs whose customer defaults; `None` when none
    /// does.
    pub loss_given_customer_default: Option<Money>,
}

/// Draws run `index` of a simulation of `base` (see the module's documentation).
pub fn draw(base: &Base, sim: &Simulation, index: u64) -> Draw {
    let mut rng = ChaCha8Rng::seed_from_u64(sim.seed);
    rng.set_stream(index);
    let u_default: f64 = rng.random();
    let u_share: f64 = rng.random();
    let (gap_lo, gap_hi) = sim.re_lease_after;
    let gap = rng.random_range(gap_lo.min(gap_hi)..=gap_hi.max(gap_lo));
    let z: [f64; 5] = std::array::from_fn(|_| rng.sample(StandardNormal));
    let (delay_lo, delay_hi) = sim.online_delay_months;
    let delay = rng.random_range(delay_lo.min(delay_hi)..=delay_hi.max(delay_lo));

    let deal = &base.deal;
    let months_per_period = deal.frequency.months().max(1);
    let term_months = deal.contract.term_months;
    let default_month =
        default_month(f(sim.default_probability.value()), u_default).filter(|m| *m <= term_months);
    let default_period = default_month.map(|m| m.div_ceil(months_per_period));

    let mu = f(sim.market_price_drift.value());
    let sigma = f(sim.market_price_volatility.value());
    let end = f64::from(term_months) / 12.0;
    let re_lease = sim.re_lease_price_share.zip(default_period);
    let t1 = re_lease.map_or(end, |(_, d)| {
        (f64::from((d + gap - 1) * months_per_period) / 12.0).min(end)
    });
    let w1 = t1.sqrt() * z[0];
    let w_end = w1 + (end - t1).max(0.0).sqrt() * z[1];
    let market = |t: f64, w: f64| (mu * t + sigma * w).exp().clamp(0.0, MAX_MARKET_FACTOR);
    let market_at_re_lease = if re_lease.is_some() {
        market(t1, w1)
    } else {
        1.0
    };
    let market_at_end = market(end, w_end);

    let mut s = Scenario::new(format!("run {}", index + 1));
    s.customer_default = default_period.map(|period| CustomerDefault {
        period,
        re_lease: re_lease.map(|((lo, hi), _)| {
            let share = f(lo.value()) + (f(hi.value()) - f(lo.value())) * u_share;
            ReLease {
                after_periods: gap,
                price_share: Share::new(bp((share * market_at_re_lease).min(1.0))),
            }
        }),
    });
    // Within the range a scenario accepts: -10,000 (an index shocked to its floor
    // anyway) to +100,000 basis points.
    s.rate_shock_bps =
        Decimal::from_f64((z[2] * f(sim.rate_shock_bps_sd)).clamp(-10_000.0, 100_000.0))
            .unwrap_or_default()
            .round();
    let cost = |sd: Decimal, z: f64| boxflow_core::Rate::new(bp((z * f(sd)).max(-0.99)));
    s.opex_shock = cost(sim.opex_shock_sd.value(), z[3]);
    s.power_shock = cost(sim.power_shock_sd.value(), z[4]);
    s.online_delay_months = delay;
    Draw {
        default_month,
        market_at_re_lease,
        market_at_end,
        scenario: s,
    }
}

/// The month of a default for an annual probability `p` and a uniform draw `u` in
/// [0, 1): `⌊12 T⌋ + 1` with `T = ln(1 - u) / ln(1 - p)`, so that the month is at
/// most `t` with probability `1 - (1 - p)^(t/12)`; `None` when `p` is 0.
fn default_month(p: f64, u: f64) -> Option<u32> {
    if p <= 0.0 {
        return None;
    }
    if p >= 1.0 {
        return Some(1);
    }
    let years = (1.0 - u).ln() / (1.0 - p).ln();
    let month = (12.0 * years).floor() + 1.0;
    // Beyond any term (600 months): no default within it.
    Some(if month < 1e6 { month as u32 } else { u32::MAX })
}

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

/// A draw rounded to basis points (4 decimals).
fn bp(x: f64) -> Decimal {
    Decimal::from_f64((x * 10_000.0).round()).map_or(Decimal::ZERO, |n| n / Decimal::from(10_000))
}

/// The periods in which a run locks up (its `lockup` events), in increasing order.
pub fn lockup_periods(run: &Run) -> Vec<usize> {
    let mut periods: Vec<usize> = run
        .events
        .iter()
        .filter(|e| e.name() == "lockup")
        .map(|e| e.period())
        .collect();
    periods.sort_unstable();
    periods.dedup();
    periods
}

/// Runs run `index` of a simulation; `base_lockups` are the base case's
/// [`lockup_periods`].
pub fn simulate_one(
    base: &Base,
    sim: &Simulation,
    index: u64,
    base_lockups: &[usize],
) -> Result<SimulatedRun, ScenarioError> {
    let d = draw(base, sim, index);
    let mut stressed = base.stress(&d.scenario)?;
    if d.market_at_end != 1.0 {
        let tv = stressed.plan.terminal_value;
        let factor = Decimal::from_f64(d.market_at_end)
            .unwrap_or(Decimal::ONE)
            .round_dp(8);
        let cost: Money = stressed.plan.order_costs.iter().copied().sum();
        let scaled = tv
            .amount()
            .checked_mul(factor)
            .map_or(cost, Money::round2)
            .min(cost);
        stressed.plan.terminal_value = scaled;
    }
    let run = stressed.run_with(Detail::Outcome)?;
    let o = Outcome::of(String::new(), &run, false);
    Ok(SimulatedRun::new(
        d.scenario.customer_default.as_ref().map(|c| c.period),
        &o,
        &run,
        base_lockups,
    ))
}

impl SimulatedRun {
    /// The figures of a run and its outcome, for a customer default in
    /// `default_period` (if any), against the base case's [`lockup_periods`].
    pub fn new(
        default_period: Option<u32>,
        o: &Outcome,
        run: &Run,
        base_lockups: &[usize],
    ) -> SimulatedRun {
        SimulatedRun {
            default_period,
            payment_default: o.payment_defaults > 0,
            halfway_fail: !o.halfway_covenant,
            lockup: lockup_periods(run)
                .iter()
                .any(|k| base_lockups.binary_search(k).is_err()),
            lender_loss: o.lender_loss,
            equity_irr: o.equity_irr,
            min_dscr: o.min_dscr,
        }
    }
}

/// Runs every run of a simulation in parallel (rayon) and returns them in the order
/// of their index: the same for a seed whatever the number of threads. `tick` is
/// called once per run (a progress bar).
pub fn simulate_runs(
    base: &Base,
    sim: &Simulation,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<SimulatedRun>, ScenarioError> {
    let base_lockups = lockup_periods(&base.run()?);
    (0..u64::from(sim.runs))
        .into_par_iter()
        .map(|i| {
            let r = simulate_one(base, sim, i, &base_lockups);
            tick();
            r
        })
        .collect()
}

/// The summary of a simulation's runs (see [`SimulationSummary`]); `runs` must be
/// the runs of `sim`, in index order.
pub fn summarize(sim: &Simulation, runs: &[SimulatedRun]) -> SimulationSummary {
    let n = runs.len().max(1);
    let share = |count: usize| Decimal::from(count) / Decimal::from(n);
    let count = |p: &dyn Fn(&SimulatedRun) -> bool| runs.iter().filter(|r| p(r)).count();
    let total: Money = runs.iter().map(|r| r.lender_loss).sum();
    let mut losses: Vec<Money> = runs.iter().map(|r| r.lender_loss).collect();
    losses.sort_unstable();
    let mut irrs: Vec<Decimal> = runs.iter().filter_map(|r| r.equity_irr).collect();
    irrs.sort_unstable();
    let defaulted: Vec<Money> = runs
        .iter()
        .filter(|r| r.default_period.is_some())
        .map(|r| r.lender_loss)
        .collect();
    SimulationSummary {
        runs: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        seed: sim.seed,
        probability_of_payment_default: share(count(&|r| r.payment_default)),
        probability_of_halfway_fail: share(count(&|r| r.halfway_fail)),
        probability_of_lockup: share(count(&|r| r.lockup)),
        probability_of_customer_default: share(defaulted.len()),
        expected_lender_loss: mean(total, runs.len()),
        lender_loss_quantiles: LossQuantiles {
            p95: nearest_rank(&losses, 95).unwrap_or(Money::ZERO),
            p99: nearest_rank(&losses, 99).unwrap_or(Money::ZERO),
        },
        equity_irr_quantiles: IrrQuantiles {
            p5: nearest_rank(&irrs, 5),
            p50: nearest_rank(&irrs, 50),
            p95: nearest_rank(&irrs, 95),
        },
        equity_irr_undefined_runs: u32::try_from(runs.len() - irrs.len()).unwrap_or(u32::MAX),
        loss_given_customer_default: (!defaulted.is_empty())
            .then(|| mean(defaulted.iter().copied().sum(), defaulted.len())),
    }
}

/// `round2(total / n)`: a mean amount, to the cent (0 for no amount).
fn mean(total: Money, n: usize) -> Money {
    if n == 0 {
        return Money::ZERO;
    }
    Money::round2(total.amount() / Decimal::from(n))
}

/// The nearest-rank percentile of sorted values ([`boxflow_core::nearest_rank`]).
pub use boxflow_core::nearest_rank;

/// Runs a simulation and summarizes it.
///
/// ```
/// use boxflow_model::Simulation;
/// use boxflow_scenario::{simulate, Base};
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/reference.toml");
/// let base = Base::new(boxflow_deal::read_file(std::path::Path::new(path)).unwrap()).unwrap();
/// // Nothing drawn: every run is the base case, which repays in full.
/// let sim = Simulation { runs: 8, ..Simulation::default() };
/// let s = simulate::simulate(&base, &sim, &|| {}).unwrap();
/// assert_eq!(s.runs, 8);
/// assert!(s.expected_lender_loss.is_zero());
/// assert!(s.probability_of_payment_default.is_zero());
/// ```
pub fn simulate(
    base: &Base,
    sim: &Simulation,
    tick: &(dyn Fn() + Sync),
) -> Result<SimulationSummary, ScenarioError> {
    let runs = simulate_runs(base, sim, tick)?;
    Ok(summarize(sim, &runs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_months_follow_the_annual_probability() {
        // p = 1 - (1/2)^(1/1): half the runs default within 12 months. u = 0.5 gives
        // T = ln(0.5) / ln(0.5) = 1 year: month 13 (the first month after a year).
        assert_eq!(default_month(0.5, 0.5), Some(13));
        assert_eq!(default_month(0.5, 0.0), Some(1));
        assert_eq!(default_month(0.0, 0.9), None);
        assert_eq!(default_month(1.0, 0.9), Some(1));
        // u near 1 is a default far beyond any term, not an overflow.
        assert_eq!(default_month(1e-12, 0.999_999_999), Some(u32::MAX));
    }

    #[test]
    fn basis_points_round_half_away_from_zero() {
        assert_eq!(bp(0.123_45), Decimal::new(1235, 4));
        assert_eq!(bp(-0.99), Decimal::new(-9900, 4));
        assert_eq!(bp(f64::NAN), Decimal::ZERO);
    }
}
