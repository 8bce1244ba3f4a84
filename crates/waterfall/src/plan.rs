//! Everything fixed at close: the calendar, the operating lines, capex and its
//! funding, and each facility's rates and close schedule (methodology sections 2-7).

use boxflow_amortize::exact::{floor2_ratio, round2_ratio};
use boxflow_amortize::{
    pro_rata_draws, Binding, CapexPayment, Profile, Schedule, ScheduleBreach, SchedulePeriod,
    ScheduleTerms,
};
use boxflow_core::{Calendar, Money, Share, Slot};
use boxflow_model::{Amortization, Commitment, Deal, Facility, Rank, RateSpec, RepayBy, ValidDeal};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::operations::{project_operations, Operations};
use crate::RunError;

/// One capex payment of a purchase order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapexLine {
    /// Index of the purchase order in the deal.
    pub purchase_order: usize,
    /// The payment date as written.
    pub date: NaiveDate,
    /// 0 for closing, else the period it falls in.
    pub period: usize,
    /// `round2(cost · share)`, the last payment of an order taking the remainder.
    pub amount: Money,
}

impl CapexLine {
    /// The date it moves cash and bears interest from: close for a payment on or
    /// before close.
    pub fn effective_date(&self, close: NaiveDate) -> NaiveDate {
        self.date.max(close)
    }
}

/// A facility as fixed at close.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacilityPlan {
    /// Its name (shared by the plans cloned from this one and by the run's lines).
    pub name: Arc<str>,
    /// Its rank.
    pub rank: Rank,
    /// `C`: the fixed amount or the sized commitment.
    pub commitment: Money,
    /// The binding bound when sized; `None` for a fixed amount.
    pub binding: Option<Binding>,
    /// Bisection evaluations when sized.
    pub sizing_iterations: u32,
    /// `H`: the repayment deadline period.
    pub deadline: usize,
    /// `g`: interest-only periods.
    pub interest_only_periods: usize,
    /// `r_k` of every period 1..N (shared by the plans cloned from this one: a
    /// stressed plan with other rates holds other rates).
    pub rates: Arc<[Decimal]>,
    /// The draw on each capex payment, aligned with [`Plan::capex`]: the pro-rata
    /// draws of section 4, which sum to the commitment. A run's plan
    /// ([`crate::Run::plan`]) holds the draws as made: in a rare run a negative
    /// remainder draw is cut to the facility's balance on its date, and the draws
    /// then sum to a few cents more (docs/methodology.md, capex and funding).
    pub draws: Vec<Money>,
    /// `round2(C · upfront_fee)`, paid at close.
    pub upfront_fee: Money,
    /// The sweep share.
    pub sweep: Share,
    /// What the schedule was built from (shared by the plans cloned from this one).
    pub terms: Arc<ScheduleTerms>,
    /// The close schedule (shared by the plans cloned from this one).
    pub schedule: Arc<Schedule>,
    /// Window periods whose scheduled debt service exceeds the cap (fixed amount
    /// with a `target_dscr`).
    pub breaches: Vec<ScheduleBreach>,
    /// The close schedule's running totals over the calendar, for the DSRA targets
    /// (shared by the plans cloned from this one, as the schedule is).
    #[serde(skip)]
    pub totals: Arc<ScheduleTotals>,
}

/// A close schedule's running totals over a calendar of `N` periods: `Σ_{j <= i}
/// (interest_j + commitment_fee_j)` and `Σ_{j <= i} p_j` for `i = 0..=N`, so that the
/// sums over a window of periods are two differences instead of a pass over its rows
/// (the same integer sums in cents). Built once with the schedule, at close.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleTotals {
    /// `Σ_{j <= i} (interest_j + commitment_fee_j)`, `i = 0..=N`.
    carry: Vec<Money>,
    /// `Σ_{j <= i} p_j`, `i = 0..=N`.
    principal: Vec<Money>,
}

impl ScheduleTotals {
    /// The running totals of `schedule` over periods `1..=n` (a period past its rows
    /// adds 0).
    pub fn new(schedule: &Schedule, n: usize) -> ScheduleTotals {
        let (mut carry, mut principal) = (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
        let (mut c, mut p) = (Money::ZERO, Money::ZERO);
        carry.push(c);
        principal.push(p);
        for j in 1..=n {
            if let Some(row) = schedule.row(j) {
                c += row.interest + row.commitment_fee;
                p += row.principal;
            }
            carry.push(c);
            principal.push(p);
        }
        ScheduleTotals { carry, principal }
    }

    /// The number of periods they run over, `N` (the totals hold `N + 1` sums).
    pub fn periods(&self) -> usize {
        self.carry.len() - 1
    }
}

impl FacilityPlan {
    /// Draws at close.
    pub fn closing_draws(&self, capex: &[CapexLine]) -> Money {
        capex
            .iter()
            .zip(&self.draws)
            .filter(|(c, _)| c.period == 0)
            .map(|(_, d)| *d)
            .sum()
    }
}

/// What is fixed at close. Its lines are held in `Arc`s, so that a clone (a stressed
/// plan, a grid point's plan) shares them instead of copying them; a stressed plan
/// replaces the lines it changes (serialized as the lists they hold). The operating
/// lines are an `Arc<Vec<_>>`, moved in as computed: an `Arc<[_]>` would copy them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// The periods.
    #[serde(skip)]
    pub calendar: Arc<Calendar>,
    /// Operating lines of periods 1..N.
    pub operations: Arc<Vec<Operations>>,
    /// Capex payments ordered by date, then order of appearance.
    pub capex: Arc<[CapexLine]>,
    /// `T`, total capex.
    pub total_capex: Money,
    /// Cost of each purchase order, `round2(units · unit_cost)`.
    pub order_costs: Arc<[Money]>,
    /// Facilities by rank: senior first.
    pub facilities: Vec<FacilityPlan>,
    /// The initial DSRA: the close target when funded at close.
    pub dsra_at_close: Money,
    /// `Σ round2(cost · residual_share)`.
    pub terminal_value: Money,
    /// `halfway_period = floor(N · repaid_by_fraction)`.
    pub halfway_period: usize,
    /// Book value of the GPUs after each period 1..N (see [`Plan::book_value`]).
    pub book_values: Arc<[Money]>,
    /// Whether the unused prepayment is owed back to the customer at the end of the run
    /// (true; a scenario where the customer defaults keeps it).
    pub refund_unused_prepayment: bool,
}

impl Plan {
    /// Builds the plan of a deal: operating lines, capex, sizing and schedules.
    pub fn new(deal: &ValidDeal) -> Result<Plan, RunError> {
        let calendar = Calendar::new(deal.close, deal.frequency, deal.contract.term_months)?;
        let operations = project_operations(deal, &calendar)?;
        let (capex, order_costs) = capex_lines(deal, &calendar)?;
        let total_capex: Money = order_costs.iter().sum();
        let n = calendar.len();
        let halfway_period = halfway_period(n, deal.repaid_by_fraction().value());

        let mut facilities: Vec<&Facility> = deal.facilities.iter().collect();
        facilities.sort_by_key(|f| f.rank);
        let basis = PlanBasis {
            deal,
            calendar: &calendar,
            operations: &operations,
            capex: &capex,
            total_capex,
            halfway: halfway_period,
        };
        let mut plans: Vec<FacilityPlan> = Vec::with_capacity(facilities.len());
        for facility in facilities {
            let senior = plans.first().filter(|p| p.rank == Rank::Senior);
            let plan = facility_plan(&basis, facility, senior)?;
            plans.push(plan);
        }
        let mut plan = Plan {
            calendar: Arc::new(calendar),
            // A `Vec` in its `Arc`: 60 lines are 8.6 KB, not copied again.
            operations: Arc::new(operations),
            capex: capex.into(),
            total_capex,
            order_costs: order_costs.into(),
            facilities: plans,
            dsra_at_close: Money::ZERO,
            terminal_value: Money::ZERO,
            halfway_period,
            refund_unused_prepayment: true,
            book_values: Arc::from([]),
        };
        plan.book_values = (1..=n)
            .map(|k| plan.book_value(deal, k))
            .collect::<Result<Vec<_>, _>>()?
            .into();
        plan.terminal_value = terminal_value(deal, &plan.order_costs)?;
        plan.dsra_at_close = match &deal.reserve {
            Some(r) if r.funded_at_close => plan.dsra_target_at_close(deal),
            _ => Money::ZERO,
        };
        Ok(plan)
    }

    /// The senior facility's plan, if any.
    pub fn senior(&self) -> Option<&FacilityPlan> {
        self.facilities.iter().find(|f| f.rank == Rank::Senior)
    }

    /// Periods of the DSRA window after period `k`: `k+1 ..= min(k + months/m, N)`.
    fn reserve_window(&self, deal: &Deal, k: usize) -> std::ops::RangeInclusive<usize> {
        let months = deal.reserve.as_ref().map_or(0, |r| r.months);
        let span = (months / self.calendar.months_per_period()) as usize;
        (k + 1)..=(k + span).min(self.calendar.len())
    }

    /// The DSRA target at close (section 8): `W = 1 .. months/m` of the close schedule's
    /// senior interest + fee, plus `min(Σ_W p_j, E_0)` with `E_0 = C`, the full
    /// commitment (0 when `C` is 0).
    pub fn dsra_target_at_close(&self, deal: &Deal) -> Money {
        match self.senior() {
            Some(s) if deal.reserve.is_some() => {
                reserve_cover(&s.schedule, self.reserve_window(deal, 0), s.commitment)
            }
            _ => Money::ZERO,
        }
    }

    /// The DSRA target at step 5 of period `k` (section 8, ruling A93):
    /// `W = k+1 .. min(k + months/m, N)`, `Σ_W (interest_j + fee_j) + min(Σ_W p_j, E_k)`
    /// with `E_k` = the senior balance after step 4 + its undrawn commitment after
    /// period k's draws (`undrawn`, the draws still to come): the reserve covers the
    /// committed debt, so a reserve funded at close for a delayed draw is kept until
    /// the draw. 0 once `E_k` is 0.
    pub fn dsra_target(&self, deal: &Deal, k: usize, balance: Money, undrawn: Money) -> Money {
        match self.senior() {
            Some(s) if deal.reserve.is_some() => covered_exposure(balance, undrawn, |exposure| {
                reserve_cover(&s.schedule, self.reserve_window(deal, k), exposure)
            }),
            _ => Money::ZERO,
        }
    }

    /// Book value after period `k` (section 11):
    /// `Σ round2(cost · max(0, useful_life_months - k·m) / useful_life_months)`.
    pub fn book_value(&self, deal: &Deal, k: usize) -> Result<Money, RunError> {
        let elapsed = k as u64 * u64::from(self.calendar.months_per_period());
        let mut total = Money::ZERO;
        for (po, cost) in deal.purchase_orders.iter().zip(self.order_costs.iter()) {
            let life = u64::from(po.useful_life_months);
            if life == 0 {
                continue;
            }
            let left = life.saturating_sub(elapsed);
            total += round2_ratio(
                &[cost.amount(), Decimal::from(left)],
                &[Decimal::from(life)],
            )?;
        }
        Ok(total)
    }
}

/// The DSRA target on the exposure `E_k` = `balance + undrawn` (each floored at 0):
/// `cover(E_k)`, 0 once `E_k` is 0 (section 8, [`Plan::dsra_target`]).
fn covered_exposure(balance: Money, undrawn: Money, cover: impl FnOnce(Money) -> Money) -> Money {
    let exposure = balance.at_least_zero() + undrawn.at_least_zero();
    if exposure.is_zero() {
        Money::ZERO
    } else {
        cover(exposure)
    }
}

/// [`Plan::dsra_target`] with the senior schedule's sums over every window read from
/// its running totals ([`FacilityPlan::totals`], built at close): a window's sums are
/// two differences instead of a pass over its rows (the same integer sums in cents, so
/// the same target).
#[derive(Clone, Debug)]
pub(crate) struct ReserveTargets {
    /// Periods of a window: `months / m`.
    span: usize,
    /// The senior schedule's running totals over the calendar; `None` when the target
    /// is always 0 (no senior facility or no reserve).
    totals: Option<Arc<ScheduleTotals>>,
}

impl ReserveTargets {
    /// The running totals of `plan`'s senior schedule over its calendar: the plan's,
    /// built again only for a plan whose calendar is not the one they were built over.
    pub(crate) fn new(plan: &Plan, deal: &Deal) -> ReserveTargets {
        let n = plan.calendar.len();
        let span = plan.reserve_window(deal, 0).count();
        let totals = match (plan.senior(), &deal.reserve) {
            (Some(s), Some(_)) if s.totals.periods() == n => Some(Arc::clone(&s.totals)),
            (Some(s), Some(_)) => Some(Arc::new(ScheduleTotals::new(&s.schedule, n))),
            _ => None,
        };
        ReserveTargets {
            span: span.min(n),
            totals,
        }
    }

    /// [`Plan::dsra_target`] at step 5 of period `k`.
    pub(crate) fn target(&self, k: usize, balance: Money, undrawn: Money) -> Money {
        let Some(totals) = &self.totals else {
            return Money::ZERO;
        };
        covered_exposure(balance, undrawn, |exposure| {
            // The window `k+1 ..= min(k + span, N)`, empty from `k = N` on.
            let n = totals.periods();
            let (lo, hi) = (k.min(n), (k + self.span).min(n));
            let carry = totals.carry[hi] - totals.carry[lo];
            let principal = totals.principal[hi] - totals.principal[lo];
            window_cover(carry, principal, exposure)
        })
    }
}

/// `Σ_W (interest_j + commitment_fee_j) + min(Σ_W p_j, principal_cap)`.
fn reserve_cover(
    schedule: &Schedule,
    window: std::ops::RangeInclusive<usize>,
    principal_cap: Money,
) -> Money {
    let mut carry = Money::ZERO;
    let mut principal = Money::ZERO;
    for j in window {
        if let Some(row) = schedule.row(j) {
            carry += row.interest + row.commitment_fee;
            principal += row.principal;
        }
    }
    window_cover(carry, principal, principal_cap)
}

/// A window's cover from its sums: `carry + min(principal, principal_cap)` (the cap
/// floored at 0).
fn window_cover(carry: Money, principal: Money, principal_cap: Money) -> Money {
    carry + principal.min(principal_cap.at_least_zero())
}

/// `halfway_period = floor(N · repaid_by_fraction)`.
pub fn halfway_period(n: usize, fraction: Decimal) -> usize {
    let h = (Decimal::from(n as u64) * fraction).floor();
    usize::try_from(h.mantissa().max(0))
        .unwrap_or(usize::MAX)
        .min(n)
}

/// Capex payments (section 4): each order costs `round2(units · unit_cost)`; its payments
/// are `round2(cost · share)`, the last as listed taking the remainder. Ordered by date,
/// then order of appearance.
fn capex_lines(deal: &Deal, calendar: &Calendar) -> Result<(Vec<CapexLine>, Vec<Money>), RunError> {
    let mut lines = Vec::new();
    let mut costs = Vec::with_capacity(deal.purchase_orders.len());
    for (i, po) in deal.purchase_orders.iter().enumerate() {
        let cost = round2_ratio(&[Decimal::from(po.units), po.unit_cost.value()], &[])?;
        costs.push(cost);
        let mut paid = Money::ZERO;
        for (j, payment) in po.payments.iter().enumerate() {
            let amount = if j + 1 == po.payments.len() {
                cost - paid
            } else {
                round2_ratio(&[cost.amount(), payment.share.value()], &[])?
            };
            paid += amount;
            let period = match calendar.slot(payment.date) {
                Slot::Closing => 0,
                Slot::Period(k) => k,
                Slot::AfterTerm => {
                    return Err(RunError::Invalid(format!(
                    "a capex payment of purchase_order[{}] is dated {}, after the contract ends",
                    i, payment.date
                )))
                }
            };
            lines.push(CapexLine {
                purchase_order: i,
                date: payment.date,
                period,
                amount,
            });
        }
    }
    lines.sort_by_key(|l| l.date); // stable: order of appearance within a date
    Ok((lines, costs))
}

/// The GPUs' terminal value (section 10): `Σ round2(cost · residual_share)`, each
/// order's cost `round2(units · unit_cost)`.
pub fn terminal_value(deal: &Deal, costs: &[Money]) -> Result<Money, RunError> {
    let mut total = Money::ZERO;
    for (po, cost) in deal.purchase_orders.iter().zip(costs) {
        total += round2_ratio(&[cost.amount(), po.residual_share.value()], &[])?;
    }
    Ok(total)
}

/// The rate of a facility in a period (section 6): `fixed`, or
/// `max(floor, index(start_k)) + margin`.
pub fn facility_rate(deal: &Deal, facility: &Facility, at: NaiveDate) -> Result<Decimal, RunError> {
    shocked_facility_rate(deal, facility, at, Decimal::ZERO)
}

/// The rate of a facility with its index moved by `shock` (a stress scenario):
/// `fixed` unchanged, or `max(floor, index(start_k) + shock) + margin`, the floor
/// applying to the shocked index.
pub fn shocked_facility_rate(
    deal: &Deal,
    facility: &Facility,
    at: NaiveDate,
    shock: Decimal,
) -> Result<Decimal, RunError> {
    match &facility.rate {
        RateSpec::Fixed(r) => Ok(r.value()),
        RateSpec::Floating {
            index,
            margin,
            floor,
        } => {
            let curve = deal.curves.get(index).ok_or_else(|| {
                RunError::Invalid(format!(
                    "facility `{}` names an unknown curve `{index}`",
                    facility.name
                ))
            })?;
            let value = curve.value_at(at).ok_or_else(|| {
                RunError::Invalid(format!("curve `{index}` has no point on or before {at}"))
            })?;
            Ok((value.value() + shock).max(floor.value()) + margin.value())
        }
    }
}

/// [`shocked_facility_rate`] at the start of every period of `calendar`: the curve is
/// looked up once, and a rate is computed once for each run of periods that read the
/// same index value (the same decimal, digit for digit: the same rate).
pub fn shocked_facility_rates(
    deal: &Deal,
    facility: &Facility,
    calendar: &Calendar,
    shock: Decimal,
) -> Result<Vec<Decimal>, RunError> {
    let mut rates = Vec::with_capacity(calendar.len());
    let mut last: Option<((i128, u32), Decimal)> = None;
    let curve = match &facility.rate {
        RateSpec::Floating { index, .. } => deal.curves.get(index),
        RateSpec::Fixed(_) => None,
    };
    for period in calendar.periods() {
        let key = curve
            .and_then(|curve| curve.value_at(period.start))
            .map(|v| (v.value().mantissa(), v.value().scale()));
        let rate = match (key, last) {
            (Some(key), Some((seen, rate))) if key == seen => rate,
            _ => {
                let rate = shocked_facility_rate(deal, facility, period.start, shock)?;
                last = key.map(|key| (key, rate));
                rate
            }
        };
        rates.push(rate);
    }
    Ok(rates)
}

/// What every facility's plan is built on: the deal and the lines fixed before its
/// facilities (calendar, operating lines, capex, `T`, `halfway_period`).
struct PlanBasis<'a> {
    deal: &'a Deal,
    calendar: &'a Calendar,
    operations: &'a [Operations],
    capex: &'a [CapexLine],
    total_capex: Money,
    halfway: usize,
}

/// A facility's plan (sections 6 and 7): its rates, close schedule (sized when its
/// commitment is), draws on every capex payment and upfront fee; the senior plan, when
/// built already, is the debt service ahead of a junior facility.
fn facility_plan(
    basis: &PlanBasis<'_>,
    facility: &Facility,
    senior: Option<&FacilityPlan>,
) -> Result<FacilityPlan, RunError> {
    let PlanBasis {
        deal,
        calendar,
        capex,
        total_capex,
        ..
    } = *basis;
    let rates = shocked_facility_rates(deal, facility, calendar, Decimal::ZERO)?;
    let terms = schedule_terms(basis, facility, senior, &rates)?;
    let deadline = terms.deadline;
    let (commitment, binding, iterations, schedule) = match &facility.commitment {
        Commitment::Fixed { amount, .. } => (*amount, None, 0, terms.project(*amount)?),
        Commitment::Sized { max_gearing, .. } => {
            let ahead = senior.map_or(Money::ZERO, |s| s.commitment);
            let geared = floor2_ratio(&[max_gearing.value(), total_capex.amount()], &[])?;
            let upper = (geared - ahead).min(total_capex - ahead).at_least_zero();
            let sizing = terms.size(upper)?;
            (
                sizing.commitment,
                Some(sizing.binding),
                sizing.iterations,
                sizing.schedule,
            )
        }
    };
    let breaches = match &facility.commitment {
        Commitment::Fixed {
            target_dscr: Some(_),
            ..
        } => terms.breaches(&schedule),
        _ => Vec::new(),
    };
    let payments: Vec<Money> = capex.iter().map(|c| c.amount).collect();
    let draws = pro_rata_draws(commitment, &payments, total_capex)?;
    let upfront_fee = round2_ratio(&[commitment.amount(), facility.upfront_fee.value()], &[])?;
    Ok(FacilityPlan {
        name: Arc::from(facility.name.as_str()),
        rank: facility.rank,
        commitment,
        binding,
        sizing_iterations: iterations,
        deadline,
        interest_only_periods: facility.interest_only_periods as usize,
        rates: rates.into(),
        draws,
        upfront_fee,
        sweep: facility.sweep,
        terms: Arc::new(terms),
        totals: Arc::new(ScheduleTotals::new(&schedule, basis.calendar.len())),
        schedule: Arc::new(schedule),
        breaches,
    })
}

/// What a facility's close schedule is built from (section 7): each period's rate,
/// CFADS and the senior debt service ahead of it, the capex payments, the profile, the
/// interest-only periods and the deadline `H` (`halfway_period` or `months / m`).
fn schedule_terms(
    basis: &PlanBasis<'_>,
    facility: &Facility,
    senior: Option<&FacilityPlan>,
    rates: &[Decimal],
) -> Result<ScheduleTerms, RunError> {
    let PlanBasis {
        deal,
        calendar,
        operations,
        capex,
        total_capex,
        halfway,
    } = *basis;
    let m = calendar.months_per_period();
    let deadline = match facility.repay_by {
        RepayBy::Halfway => halfway,
        RepayBy::Months(months) => (months / m) as usize,
    };
    let prior = senior.map(|s| s.schedule.debt_service());
    let periods = calendar
        .periods()
        .iter()
        .zip(operations)
        .enumerate()
        .map(|(i, (p, ops))| SchedulePeriod {
            start: p.start,
            end: p.end,
            rate: rates[i],
            cfads: ops.cfads,
            prior_debt_service: prior.as_ref().map_or(Money::ZERO, |ds| ds[i]),
        })
        .collect();
    let profile = match &facility.amortization {
        Amortization::Sculpted => Profile::Sculpted,
        Amortization::Level => Profile::Level,
        Amortization::StraightLine => Profile::StraightLine,
        Amortization::Bullet => Profile::Bullet,
        Amortization::Custom(shares) => Profile::Custom(shares.clone()),
    };
    let terms = ScheduleTerms {
        periods,
        capex: capex
            .iter()
            .map(|c| CapexPayment {
                date: c.effective_date(deal.close),
                period: c.period,
                amount: c.amount,
            })
            .collect(),
        total_capex,
        day_count: facility.day_count,
        commitment_fee: facility.commitment_fee.value(),
        profile,
        interest_only_periods: facility.interest_only_periods as usize,
        deadline,
        dscr: facility.schedule_dscr(),
        rate_at_close: facility_rate(deal, facility, deal.close)?,
        months_per_period: m,
    };
    Ok(terms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxflow_testkit::deals::valid;
    use boxflow_testkit::generate::{arb_deal, Debt};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// The running totals give [`Plan::dsra_target`]'s target, which sums each
        /// window's rows, in every period (and past the last), for exposures of every
        /// sign, 0 and the senior commitment: the plan's totals, and totals built again
        /// for a plan holding totals over another number of periods.
        #[test]
        fn reserve_targets_are_the_window_sums(deal in arb_deal(Debt::Any), cents in -1_000_000_000_i64..1_000_000_000_000, longer in 1_usize..4) {
            let deal = valid(deal);
            let plan = Plan::new(&deal).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for f in &plan.facilities {
                prop_assert_eq!(f.totals.periods(), plan.calendar.len());
            }
            let mut other = plan.clone();
            for f in &mut other.facilities {
                f.totals = Arc::new(ScheduleTotals::new(&f.schedule, plan.calendar.len() + longer));
            }
            for targets in [ReserveTargets::new(&plan, &deal), ReserveTargets::new(&other, &deal)] {
                reserve_targets_match(&plan, &deal, &targets, cents)?;
            }
        }

        /// [`shocked_facility_rates`] is [`shocked_facility_rate`] at each period's
        /// start, digit for digit, whatever the shock.
        #[test]
        fn shocked_rates_are_each_periods_rate(deal in arb_deal(Debt::Any), bps in -500_i64..500) {
            let deal = valid(deal);
            let calendar = Calendar::new(deal.close, deal.frequency, deal.contract.term_months)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let shock = Decimal::new(bps, 4);
            for facility in &deal.facilities {
                let rates = shocked_facility_rates(&deal, facility, &calendar, shock)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(rates.len(), calendar.len());
                for (rate, period) in rates.iter().zip(calendar.periods()) {
                    let each = shocked_facility_rate(&deal, facility, period.start, shock)
                        .map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert_eq!(rate.to_string(), each.to_string());
                    prop_assert_eq!(*rate, each);
                }
            }
        }
    }

    /// Checks `targets` against [`Plan::dsra_target`] in every period of `plan` (and
    /// past the last), for exposures of every sign, 0 and the senior commitment.
    fn reserve_targets_match(
        plan: &Plan,
        deal: &Deal,
        targets: &ReserveTargets,
        cents: i64,
    ) -> Result<(), TestCaseError> {
        let commitment = plan.senior().map_or(Money::ZERO, |s| s.commitment);
        let some = Money::from_cents(cents);
        for k in 0..=plan.calendar.len() + 1 {
            for (balance, undrawn) in [
                (Money::ZERO, Money::ZERO),
                (commitment, Money::ZERO),
                (Money::ZERO, commitment),
                (some, Money::ZERO),
                (some, -some),
                (-some, some),
                (Money::from_cents(1), Money::ZERO),
            ] {
                prop_assert_eq!(
                    targets.target(k, balance, undrawn),
                    plan.dsra_target(deal, k, balance, undrawn),
                    "period {}, balance {}, undrawn {}",
                    k,
                    balance,
                    undrawn
                );
            }
        }
        Ok(())
    }

    /// A curve's equal values written with other digits (`0.035` and `0.0350`) give
    /// rates written as each period's own computation writes them.
    #[test]
    fn shocked_rates_keep_each_points_digits() {
        let mut deal = boxflow_testkit::deals::reference_deal();
        let curve = deal
            .curves
            .values_mut()
            .next()
            .expect("the reference deal has a curve");
        let d = |s: &str| boxflow_testkit::deals::d(s);
        curve.points[1].1 = boxflow_core::Rate::new(d("0.0365"));
        curve.points[2].1 = boxflow_core::Rate::new(d("0.03650"));
        let deal = valid(deal);
        let calendar =
            Calendar::new(deal.close, deal.frequency, deal.contract.term_months).unwrap();
        let facility = &deal.facilities[0];
        let rates = shocked_facility_rates(&deal, facility, &calendar, Decimal::ZERO).unwrap();
        // margin 0.0400: 0.0765 in the first year (0.0365 + 0.0400, then 0.03650 + 0.0400).
        assert_eq!(rates[0].to_string(), "0.0765");
        assert_eq!(rates[11].to_string(), "0.0765");
        assert_eq!(rates[12].to_string(), "0.07650");
        assert_eq!(rates[24].to_string(), "0.0730");
    }
}
