//! Applying a scenario to the base case: a stressed deal and a clone of the base
//! plan whose debt (commitments, draws, close schedules, DSRA at close) stays as
//! sized at close, with stressed operating lines, rates and terminal value.

use boxflow_core::{Calendar, Money, Quantity};
use boxflow_model::{Deal, ExpenseBasis, Facility, Scenario, ValidDeal};
use boxflow_waterfall::{
    colocation, expense, invoice, invoice_at, power, prepayment_credit, revenue_factors, run_plan,
    run_plan_with, shocked_facility_rate, shocked_facility_rates, terminal_value, Detail,
    EventKeys, Operations, Plan, Run, RunError,
};
use rust_decimal::Decimal;
use std::sync::Arc;

use crate::{FirstEvent, Outcome, ScenarioError};

/// The base case prepared once: the deal and its plan, sized at close. Every
/// scenario runs against this plan's debt.
///
/// ```
/// use boxflow_scenario::Base;
///
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/stress.toml");
/// let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
/// let base = Base::new(deal).unwrap();
/// let run = base.run_scenario(&base.deal.scenarios[0]).unwrap();
/// assert!(run.verify().is_empty());
/// // The debt is the one sized at close, whatever the scenario does.
/// assert_eq!(run.summary.senior_commitment.to_string(), "518926087.20");
/// ```
#[derive(Clone, Debug)]
pub struct Base {
    /// The deal as written.
    pub deal: ValidDeal,
    /// Its plan: the calendar, the operating lines and the facilities sized at close.
    pub plan: Plan,
    /// Per period and capacity line, `gpus · esc_k · 24 · active_k`, so that a new
    /// price costs one product per line (see [`RevenueFactors`]).
    revenue: RevenueFactors,
    /// The base case's events by period; run once, when first needed.
    base_events: std::sync::OnceLock<EventKeys>,
}

impl Base {
    /// Builds the base plan of a deal (sizing its facilities).
    pub fn new(deal: ValidDeal) -> Result<Base, ScenarioError> {
        let plan = Plan::new(&deal)?;
        let revenue = RevenueFactors::new(&deal, &plan.calendar)?;
        Ok(Base {
            deal,
            plan,
            revenue,
            base_events: std::sync::OnceLock::new(),
        })
    }

    /// Runs the base case.
    pub fn run(&self) -> Result<Run, ScenarioError> {
        Ok(run_plan(&self.deal, self.plan.clone())?)
    }

    /// The stressed deal and plan of a scenario (see [`apply`]).
    pub fn stress(&self, scenario: &Scenario) -> Result<Stressed, ScenarioError> {
        apply_with(&self.deal, &self.plan, scenario, Some(&self.revenue))
    }

    /// Runs a scenario against the debt sized at close.
    pub fn run_scenario(&self, scenario: &Scenario) -> Result<Run, ScenarioError> {
        self.stress(scenario)?.run()
    }

    /// Runs a scenario against the debt sized at close, computing the figures of its
    /// summary that `detail` asks for ([`Detail::Outcome`]: those an [`Outcome`]
    /// reads).
    pub fn run_scenario_with(
        &self,
        scenario: &Scenario,
        detail: Detail,
    ) -> Result<Run, ScenarioError> {
        self.stress(scenario)?.run_with(detail)
    }

    /// Runs the base case, computing the figures of its summary that `detail` asks for.
    pub fn run_with(&self, detail: Detail) -> Result<Run, ScenarioError> {
        Ok(run_plan_with(&self.deal, self.plan.clone(), detail)?)
    }

    /// What the grid points with `scenario`'s shocks but (any) rate shock and name
    /// share: give it a scenario with no rate shock and a valid name, so that its
    /// checks find no more than each point's own ([`Base::run_shared`]).
    pub(crate) fn shared(&self, scenario: &Scenario) -> Result<Shared, ScenarioError> {
        Shared::new(&self.deal, &self.plan, scenario, Some(&self.revenue))
    }

    /// Every facility's rates under `scenario`'s rate shock, in the plan's order.
    pub(crate) fn shocked_rates(
        &self,
        scenario: &Scenario,
    ) -> Result<Vec<Arc<[Decimal]>>, RunError> {
        let mut plan = self.plan.clone();
        shock_rates(&self.deal, &mut plan, scenario)?;
        Ok(plan.facilities.into_iter().map(|f| f.rates).collect())
    }

    /// [`Base::run_scenario_with`] from what `scenario` shares with other points
    /// ([`Base::shared`] of its shocks but the rate shock) and, when given, its rates
    /// ([`Base::shocked_rates`] of its rate shock): the same checks first, the same
    /// stressed deal, plan and run, the same error.
    pub(crate) fn run_shared(
        &self,
        scenario: &Scenario,
        shared: &Result<Shared, ScenarioError>,
        rates: Option<&Result<Vec<Arc<[Decimal]>>, RunError>>,
        detail: Detail,
    ) -> Result<Run, ScenarioError> {
        // `with_scenario`'s checks, on this point's own scenario. When its shared entry
        // passed them (the same shocks, no rate shock, a valid name), only the rules
        // that read the name and the rate shock can break: the same answer.
        let invalid = match shared {
            Ok(_) => boxflow_model::validate_scenario_name_and_rate(scenario),
            Err(_) => boxflow_model::validate_scenario(&self.deal, scenario),
        };
        if !invalid.is_empty() {
            return Err(ScenarioError::Invalid(invalid));
        }
        let shared = shared.as_ref().map_err(Clone::clone)?;
        let plan = shared.plan(&self.plan, scenario, |plan| match rates {
            Some(rates) => {
                for (f, rates) in plan
                    .facilities
                    .iter_mut()
                    .zip(rates.as_ref().map_err(Clone::clone)?)
                {
                    f.rates = Arc::clone(rates);
                }
                Ok(())
            }
            None => shock_rates(&self.deal, plan, scenario),
        })?;
        Ok(run_plan_with(&shared.deal, plan, detail)?)
    }

    /// The outcome of a run of this base case or one of its scenarios, with its first
    /// event the base case does not have ([`Outcome::first_new_event`]); checks the
    /// run's invariants when `verify` is true.
    pub fn outcome(&self, name: impl Into<String>, run: &Run, verify: bool) -> Outcome {
        let base = self.base_events.get_or_init(|| {
            self.run()
                .map(|r| boxflow_waterfall::event_keys(&r.events))
                .unwrap_or_default()
        });
        let mut o = Outcome::of(name, run, verify);
        o.first_new_event =
            boxflow_waterfall::first_new_event(base, &run.events).map(|e| FirstEvent {
                event: e.name(),
                period: e.period(),
            });
        o
    }
}

/// A scenario applied: the stressed deal (prices, online dates, opex, power,
/// residual share and useful life changed as the scenario says) and the stressed
/// plan to run it with.
#[derive(Clone, Debug)]
pub struct Stressed {
    /// The stressed deal: [`run_plan`] reads its close, prepayment, reserve,
    /// covenants, purchase orders (book value) and analysis from it.
    pub deal: ValidDeal,
    /// A clone of the base plan with stressed operating lines, floating rates,
    /// terminal value and refund flag; its facilities' commitments, draws and close
    /// schedules are the base plan's.
    pub plan: Plan,
}

impl Stressed {
    /// Runs the stressed plan.
    pub fn run(self) -> Result<Run, ScenarioError> {
        self.run_with(Detail::Full)
    }

    /// Runs the stressed plan, computing the figures of its summary that `detail` asks
    /// for ([`boxflow_waterfall::run_plan_with`]).
    pub fn run_with(self, detail: Detail) -> Result<Run, ScenarioError> {
        Ok(run_plan_with(&self.deal, self.plan, detail)?)
    }
}

/// Applies a scenario to the base case (docs/scenarios.md):
///
/// - a price, a price haircut, an online delay, an opex or power shock: the operating
///   lines of the stressed deal, recomputed with the methodology's formulas;
/// - a customer default at period `d`: no invoice, prepayment credit or collections
///   from `d` on; from `d + g` on a re-lease invoice of the same capacity at
///   `re_lease_price_share` of the contract price, collected without credit; the
///   unused prepayment is kept (`refund_unused_prepayment = false`);
/// - a rate shock: `r_k = max(floor, index(start_k) + shock) + margin` for every
///   floating facility; fixed rates and every close schedule are unchanged;
/// - a residual share: terminal value `Σ round2(cost · residual_share)`; a useful life:
///   the book value after every period (section 11) of the stressed deal.
///
/// The scenario is checked first ([`boxflow_model::validate_scenario`]).
pub fn apply(
    deal: &ValidDeal,
    base: &Plan,
    scenario: &Scenario,
) -> Result<Stressed, ScenarioError> {
    apply_with(deal, base, scenario, None)
}

fn apply_with(
    deal: &ValidDeal,
    base: &Plan,
    scenario: &Scenario,
    revenue: Option<&RevenueFactors>,
) -> Result<Stressed, ScenarioError> {
    let mut shared = Shared::new(deal, base, scenario, revenue)?;
    // The lines are this scenario's alone: moved into its plan, not cloned.
    let lines = shared.operations.take();
    let plan = shared.plan_with(base, scenario, lines, |plan| {
        shock_rates(deal, plan, scenario)
    })?;
    Ok(Stressed {
        deal: shared.deal,
        plan,
    })
}

/// What a scenario's stressed deal and plan take from every shock but the rate shock
/// (and the scenario's name): the stressed deal and the lines recomputed on it. Grid
/// points that differ only in their rate shock share one ([`Base::run_shared`]).
#[derive(Debug)]
pub(crate) struct Shared {
    /// The stressed deal ([`ValidDeal::with_scenario`]).
    deal: ValidDeal,
    /// The stressed operating lines, when the scenario changes them (shared by the
    /// plans of the points of the entry).
    operations: Option<Result<Arc<Vec<Operations>>, RunError>>,
    /// The terminal value at the scenario's residual share, when it has one.
    terminal_value: Option<Result<Money, RunError>>,
    /// The book value after every period at the scenario's useful life, when it has one.
    book_values: Option<Result<Arc<[Money]>, RunError>>,
}

impl Shared {
    /// The stressed deal of `scenario` and the lines recomputed on it (their errors
    /// kept, to be reported in the order [`apply`] meets them).
    fn new(
        deal: &ValidDeal,
        base: &Plan,
        scenario: &Scenario,
        revenue: Option<&RevenueFactors>,
    ) -> Result<Shared, ScenarioError> {
        let stressed = deal
            .with_scenario(scenario)
            .map_err(|e| ScenarioError::Invalid(e.invalid))?;
        let operations = scenario.changes_operations().then(|| {
            operations(
                &stressed,
                scenario,
                &base.calendar,
                &base.operations,
                revenue,
            )
            .map(Arc::new)
        });
        // The stressed plan keeps the base's calendar and order costs.
        let terminal_value = scenario
            .residual_share
            .is_some()
            .then(|| terminal_value(&stressed, &base.order_costs));
        let book_values = scenario.useful_life_months.is_some().then(|| {
            (1..=base.calendar.len())
                .map(|k| base.book_value(&stressed, k))
                .collect::<Result<Vec<_>, _>>()
                .map(Arc::from)
        });
        Ok(Shared {
            deal: stressed,
            operations,
            terminal_value,
            book_values,
        })
    }

    /// The stressed plan of `scenario` (whose shocks but the rate shock are this
    /// one's): the base plan with these lines, the refund flag and the floating rates
    /// `rates` sets (asked only under a rate shock). Errors in the order of the methodology's steps: operating lines, rates,
    /// terminal value, book values.
    fn plan(
        &self,
        base: &Plan,
        scenario: &Scenario,
        rates: impl FnOnce(&mut Plan) -> Result<(), RunError>,
    ) -> Result<Plan, ScenarioError> {
        self.plan_with(base, scenario, self.operations.clone(), rates)
    }

    /// [`Shared::plan`] with the operating lines `lines` (this entry's, shared or
    /// taken).
    fn plan_with(
        &self,
        base: &Plan,
        scenario: &Scenario,
        lines: Option<Result<Arc<Vec<Operations>>, RunError>>,
        rates: impl FnOnce(&mut Plan) -> Result<(), RunError>,
    ) -> Result<Plan, ScenarioError> {
        // The base plan's lines shared, not copied (a grid point runs this).
        let mut plan = base.clone();
        if let Some(lines) = lines {
            plan.operations = lines?;
        }
        if scenario.customer_default.is_some() && scenario.line.is_none() {
            plan.refund_unused_prepayment = false;
        }
        if !scenario.rate_shock_bps.is_zero() {
            rates(&mut plan)?;
        }
        if let Some(value) = &self.terminal_value {
            plan.terminal_value = value.clone()?;
        }
        if let Some(values) = &self.book_values {
            plan.book_values = values.clone()?;
        }
        Ok(plan)
    }
}

/// Sets every floating facility's rate in every period of `plan` under the scenario's
/// rate shock ([`shocked_rate`]); a facility the deal does not name keeps its rates.
fn shock_rates(deal: &Deal, plan: &mut Plan, scenario: &Scenario) -> Result<(), RunError> {
    let shock = scenario.rate_shock();
    for f in &mut plan.facilities {
        let Some(spec) = deal.facilities.iter().find(|x| *x.name == *f.name) else {
            continue;
        };
        let shocked = shocked_facility_rates(deal, spec, &plan.calendar, shock)?;
        f.rates = if shocked.len() == f.rates.len() {
            shocked.into()
        } else {
            // Each period the shocked rates cover, the others kept.
            let mut rates = f.rates.to_vec();
            for (rate, shocked) in rates.iter_mut().zip(shocked) {
                *rate = shocked;
            }
            rates.into()
        };
    }
    Ok(())
}

/// The operating lines of every period under a scenario, on the stressed deal
/// ([`ValidDeal::with_scenario`]):
///
/// - periods `k < d` (every period without a default): the invoice and prepayment
///   credit of section 3;
/// - periods `d <= k < d + g`: invoice, credit and collections 0;
/// - periods `k >= d + g` with a re-lease: `invoice_k` of the same capacity lines at
///   `re_lease_price_share ·` their price (escalated as the contract), collected in
///   full: no prepayment credit;
/// - a default of one line (the scenario's `line`): from `d` on that line bills
///   nothing (and from `d + g` its re-lease, collected in full), while the other lines
///   bill as before, credited with the prepayment as in section 3; the unused
///   prepayment is still owed back at the end (the contract goes on);
/// - colocation, power, expenses (a `share_of_revenue` expense on the period's
///   invoice) and fees as in section 5: the box still pays its data center.
///
/// A line the scenario cannot change is taken from `base` (the base plan's lines,
/// computed by the same formulas from the same inputs): fees always, colocation
/// without an opex shock, power without a power shock, expenses without an opex
/// shock or (for a `share_of_revenue` expense) a change of the invoice.
pub fn stressed_operations(
    deal: &Deal,
    scenario: &Scenario,
    calendar: &Calendar,
    base: &[Operations],
) -> Result<Vec<Operations>, RunError> {
    operations(deal, scenario, calendar, base, None)
}

/// [`stressed_operations`], the invoice from cached revenue factors when the
/// scenario keeps the base online dates.
fn operations(
    deal: &Deal,
    scenario: &Scenario,
    calendar: &Calendar,
    base: &[Operations],
    revenue: Option<&RevenueFactors>,
) -> Result<Vec<Operations>, RunError> {
    let revenue = revenue.filter(|_| scenario.online_delay_months == 0);
    let bill = |deal: &Deal, idx: usize, period: &boxflow_core::Period| match revenue
        .and_then(|r| r.invoice(deal, idx))
    {
        Some(billed) => billed,
        None => invoice(deal, calendar, period),
    };
    let default = scenario.customer_default.as_ref();
    let revenue = scenario.customer_default.is_some()
        || scenario.price_per_gpu_hour.is_some()
        || !scenario.price_haircut.value().is_zero()
        || scenario.online_delay_months > 0;
    let opex = !scenario.opex_shock.value().is_zero();
    let power_shocked = !scenario.power_shock.value().is_zero();
    let by_revenue = deal
        .expenses
        .iter()
        .any(|e| matches!(e.basis, ExpenseBasis::ShareOfRevenue(_)));
    let expenses_change = opex || (revenue && by_revenue);
    let d = default.map_or(usize::MAX, |x| x.period as usize);
    // A default of one line: the customer keeps paying for the other lines (with its
    // prepayment credit); a default of the whole contract keeps no line.
    let kept = match (default, &scenario.line) {
        (Some(_), Some(_)) => {
            let mut kept = deal.clone();
            kept.contract.capacity.retain(|l| !scenario.targets(l));
            Some(kept)
        }
        _ => None,
    };
    let re_lease = match default.and_then(|x| x.re_lease.as_ref()) {
        Some(r) => {
            let mut relet = deal.clone();
            relet.contract.capacity.retain(|l| scenario.targets(l));
            for line in &mut relet.contract.capacity {
                line.price_per_gpu_hour = Quantity::new(times(
                    line.price_per_gpu_hour.value(),
                    r.price_share.value(),
                )?);
            }
            Some((d.saturating_add(r.after_periods as usize), relet))
        }
        None => None,
    };
    let m = calendar.months_per_period();
    let share = deal.contract.prepayment_credit_share.value();
    let mut prepayment_left = deal.contract.prepayment;
    let mut out = Vec::with_capacity(calendar.len());
    for ((idx, period), was) in calendar.periods().iter().enumerate().zip(base) {
        let k = idx + 1;
        let (invoice_k, credit) = if !revenue {
            (was.invoice, was.prepayment_credit)
        } else if k < d {
            let invoice_k = bill(deal, idx, period)?;
            let credit = prepayment_credit(invoice_k, share, prepayment_left)?;
            prepayment_left -= credit;
            (invoice_k, credit)
        } else {
            let (contract, credit) = match &kept {
                Some(kept) => {
                    let invoice_k = bill(kept, idx, period)?;
                    let credit = prepayment_credit(invoice_k, share, prepayment_left)?;
                    prepayment_left -= credit;
                    (invoice_k, credit)
                }
                None => (Money::ZERO, Money::ZERO),
            };
            let relet = match &re_lease {
                Some((from, relet)) if k >= *from => bill(relet, idx, period)?,
                _ => Money::ZERO,
            };
            (contract + relet, credit)
        };
        let (mut colocation_k, mut power_k) = (was.colocation, was.power);
        if opex || power_shocked {
            (colocation_k, power_k) = (Money::ZERO, Money::ZERO);
            for dc in &deal.datacenters {
                colocation_k += colocation(dc, m, period)?;
                power_k += power(dc, period)?;
            }
        }
        let mut expenses_k = was.expenses;
        if expenses_change {
            expenses_k = Money::ZERO;
            for e in &deal.expenses {
                expenses_k += expense(e, m, period, invoice_k)?;
            }
        }
        let fees_k = was.fees;
        let collections = invoice_k - credit;
        let opex_k = colocation_k + power_k + expenses_k;
        out.push(Operations {
            invoice: invoice_k,
            prepayment_credit: credit,
            collections,
            colocation: colocation_k,
            power: power_k,
            expenses: expenses_k,
            opex: opex_k,
            fees: fees_k,
            cfads: collections - opex_k - fees_k,
        });
    }
    Ok(out)
}

/// The base deal's [`revenue_factors`] of every period, computed once, so that billing
/// a new price costs one product per line ([`invoice_at`], the same rule as the base).
#[derive(Clone, Debug, Default)]
struct RevenueFactors(Vec<Vec<Decimal>>);

impl RevenueFactors {
    fn new(deal: &Deal, calendar: &Calendar) -> Result<RevenueFactors, RunError> {
        calendar
            .periods()
            .iter()
            .map(|period| revenue_factors(deal, calendar, period))
            .collect::<Result<_, _>>()
            .map(RevenueFactors)
    }

    /// `invoice_k` of `deal` (the base deal's lines at the deal's prices), or `None`
    /// when the lines differ from the base's.
    fn invoice(&self, deal: &Deal, idx: usize) -> Option<Result<Money, RunError>> {
        let factors = self.0.get(idx)?;
        if factors.len() != deal.contract.capacity.len() {
            return None;
        }
        let prices = deal
            .contract
            .capacity
            .iter()
            .map(|l| l.price_per_gpu_hour.value());
        Some(invoice_at(factors, prices))
    }
}

/// The rate of a facility in a period under a rate shock: `fixed` unchanged, or
/// `max(floor, index(start_k) + shock) + margin`: the shock moves the index, and the
/// floor still applies to the shocked index.
pub fn shocked_rate(
    deal: &Deal,
    facility: &Facility,
    at: chrono::NaiveDate,
    shock: Decimal,
) -> Result<Decimal, RunError> {
    shocked_facility_rate(deal, facility, at, shock)
}

/// `a · b`, exactly, or an arithmetic error.
fn times(a: Decimal, b: Decimal) -> Result<Decimal, RunError> {
    a.checked_mul(b).ok_or(RunError::Arithmetic(
        boxflow_core::ArithmeticError::Overflow,
    ))
}

/// The deal with every capacity line at `price`, or only line `line` (0-based, the
/// others as written): the price solver's measure.
pub(crate) fn priced(
    deal: &ValidDeal,
    price: Decimal,
    line: Option<usize>,
) -> Result<ValidDeal, ScenarioError> {
    let Some(i) = line else {
        let mut s = Scenario::new("price");
        s.price_per_gpu_hour = Some(Quantity::new(price));
        return deal
            .with_scenario(&s)
            .map_err(|e| ScenarioError::Invalid(e.invalid));
    };
    // A line is set by its place, not its name: names are optional and may repeat.
    let mut d = deal.deal().clone();
    d.scenarios.clear();
    if let Some(l) = d.contract.capacity.get_mut(i) {
        l.price_per_gpu_hour = Quantity::new(price);
    }
    d.validate().map_err(|e| ScenarioError::Invalid(e.invalid))
}

#[cfg(test)]
mod tests {
    use super::*;
    use boxflow_waterfall::{event_keys, first_new_event, Event};

    /// The events of the stress fixture's base case and of each of its scenarios.
    fn fixture_events() -> Vec<Vec<Event>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/stress.toml");
        let deal = boxflow_deal::read_file(std::path::Path::new(path)).unwrap();
        let base = Base::new(deal).unwrap();
        let mut all = vec![base.run().unwrap().events.to_vec()];
        for s in &base.deal.scenarios {
            all.push(base.run_scenario(s).unwrap().events.to_vec());
        }
        all
    }

    /// The first new event is, by the rule's words, the first event no event of the
    /// base case matches in name and period: every fixture run against every other as
    /// the base case, and against none.
    #[test]
    fn the_first_new_event_is_the_first_without_a_match_in_the_base_case() {
        let runs = fixture_events();
        assert!(runs.iter().filter(|e| !e.is_empty()).count() >= 2);
        let mut bases: Vec<&[Event]> = runs.iter().map(Vec::as_slice).collect();
        bases.push(&[]);
        for base in bases {
            let keys = event_keys(base);
            for events in &runs {
                let by_the_rule = events.iter().find(|e| {
                    !base
                        .iter()
                        .any(|b| b.name() == e.name() && b.period() == e.period())
                });
                let found = first_new_event(&keys, events);
                assert_eq!(
                    found.map(|e| e as *const Event),
                    by_the_rule.map(|e| e as *const Event)
                );
            }
        }
    }
}
