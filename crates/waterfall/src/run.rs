//! The run: closing, then the ten steps of every period, then the end of the run
//! (methodology sections 4, 8, 9 and 10).

use boxflow_core::Money;
use boxflow_model::{LockupAction, Rank, ValidDeal};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ledger::{Account, Ledger, Step};
use crate::operations::Operations;
use crate::plan::Plan;
use crate::summary::Summary;
use crate::{Event, RunError};

/// Closing sources and uses (section 4).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Closing {
    /// Draws at close, by facility (senior first).
    pub draws: Vec<(String, Money)>,
    /// The customer's prepayment.
    pub prepayment: Money,
    /// Equity paid in by the sponsor (when uses exceed the other sources).
    pub equity: Money,
    /// Capex paid at close.
    pub capex: Money,
    /// Upfront fees, by facility.
    pub upfront_fees: Vec<(String, Money)>,
    /// The initial DSRA.
    pub dsra: Money,
    /// Excess paid out to the sponsor (when the other sources exceed uses).
    pub sponsor_excess: Money,
    /// The sponsor's closing flow: `sources - uses` before equity (negative: equity in).
    pub sponsor_flow: Money,
}

impl Closing {
    /// Total sources: draws + prepayment + equity.
    pub fn sources(&self) -> Money {
        self.draws.iter().map(|(_, d)| *d).sum::<Money>() + self.prepayment + self.equity
    }

    /// Total uses: capex + upfront fees + DSRA + sponsor excess.
    pub fn uses(&self) -> Money {
        self.capex
            + self.upfront_fees.iter().map(|(_, f)| *f).sum::<Money>()
            + self.dsra
            + self.sponsor_excess
    }
}

/// A facility in one period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FacilityPeriod {
    /// Name.
    pub name: String,
    /// Rank.
    pub rank: Rank,
    /// Balance at the period's start.
    pub opening: Money,
    /// Draws in the period.
    pub draws: Money,
    /// `r_k`.
    pub rate: Decimal,
    /// `interest_k` on the actual balance and draws.
    pub interest_due: Money,
    /// `commitment_fee_k` on the undrawn amount at the period's start.
    pub commitment_fee_due: Money,
    /// Interest and fee arrears brought in.
    pub interest_arrears_in: Money,
    /// All that step 3 or 6 paid (cash and DSRA).
    pub interest_paid: Money,
    /// `p_k` of the close schedule.
    pub scheduled_principal: Money,
    /// `principal_due_k = max(0, min(p_k, balance after draws - principal arrears))`,
    /// arrears excluded (section 11).
    pub principal_due: Money,
    /// Principal arrears brought in.
    pub principal_arrears_in: Money,
    /// What step 4 or 7 asked for: `min(p_k + arrears, balance after draws)`.
    pub principal_step_due: Money,
    /// Paid at step 4 or 7.
    pub principal_paid: Money,
    /// Prepaid at steps 8 and 9.
    pub prepaid: Money,
    /// Interest arrears at the period's close.
    pub interest_arrears: Money,
    /// Principal arrears at the period's close.
    pub principal_arrears: Money,
    /// Balance at the period's close.
    pub closing: Money,
}

impl FacilityPeriod {
    /// Interest + principal arrears at the close.
    pub fn arrears(&self) -> Money {
        self.interest_arrears + self.principal_arrears
    }
}

/// The debt service reserve account in one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DsraPeriod {
    /// Balance at the start.
    pub opening: Money,
    /// The step-5 target.
    pub target: Money,
    /// Deposited at step 5.
    pub deposit: Money,
    /// Released into available cash at step 5.
    pub release: Money,
    /// Drawn at steps 3 and 4.
    pub draw: Money,
    /// Balance at the close.
    pub closing: Money,
}

/// The lock-up account in one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct LockupPeriod {
    /// Balance at the start.
    pub opening: Money,
    /// Moved in at step 9.
    pub deposit: Money,
    /// Released into available cash at step 9.
    pub release: Money,
    /// Balance at the close.
    pub closing: Money,
}

/// One period of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PeriodResult {
    /// `k`.
    pub period: usize,
    /// `start_k`.
    pub start: NaiveDate,
    /// `end_k`.
    pub end: NaiveDate,
    /// `days_k`.
    pub days: i64,
    /// The operating lines.
    pub operations: Operations,
    /// Unused prepayment at the start.
    pub prepayment_opening: Money,
    /// Unused prepayment at the close.
    pub prepayment_closing: Money,
    /// Capex paid in the period.
    pub capex: Money,
    /// The sponsor's contribution to the period's capex.
    pub equity_contribution: Money,
    /// Opex due at step 1, arrears included.
    pub opex_due: Money,
    /// Opex paid.
    pub opex_paid: Money,
    /// Opex arrears at the close.
    pub opex_arrears: Money,
    /// Fees due at step 2, arrears included.
    pub fees_due: Money,
    /// Fees paid.
    pub fees_paid: Money,
    /// Fee arrears at the close.
    pub fee_arrears: Money,
    /// The senior `DSCR_k`.
    pub dscr: Option<Decimal>,
    /// Book value of the GPUs after the period.
    pub book_value: Money,
    /// `LTV_k`.
    pub ltv: Option<Decimal>,
    /// Facilities, senior first.
    pub facilities: Vec<FacilityPeriod>,
    /// The DSRA.
    pub dsra: DsraPeriod,
    /// The lock-up account.
    pub lockup: LockupPeriod,
    /// True when distributions were allowed at step 9.
    pub distribution_allowed: bool,
    /// Prepaid at step 8.
    pub sweep: Money,
    /// Prepaid at step 9 (lock-up sweep).
    pub lockup_prepaid: Money,
    /// Paid to the sponsor at step 10.
    pub distribution: Money,
    /// Events of the period, in the order of section 11.
    pub events: Vec<Event>,
}

impl PeriodResult {
    /// The senior facility's line, if any.
    pub fn senior(&self) -> Option<&FacilityPeriod> {
        self.facilities.iter().find(|f| f.rank == Rank::Senior)
    }
}

/// A facility at the end of the run.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct TerminalFacility {
    /// Name.
    pub name: String,
    /// Interest arrears due.
    pub interest_due: Money,
    /// Interest arrears paid.
    pub interest_paid: Money,
    /// Principal outstanding.
    pub principal_due: Money,
    /// Principal paid.
    pub principal_paid: Money,
    /// Principal and interest left unpaid.
    pub loss: Money,
}

/// The end-of-run application at `end_N` (section 10).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Terminal {
    /// `end_N`.
    pub date: NaiveDate,
    /// The DSRA balance released.
    pub dsra_release: Money,
    /// The lock-up balance released.
    pub lockup_release: Money,
    /// `Σ round2(cost · residual_share)`.
    pub terminal_value: Money,
    /// Unused prepayment owed back to the customer.
    pub refund_due: Money,
    /// Refund paid.
    pub refund_paid: Money,
    /// Opex arrears paid.
    pub opex_arrears_paid: Money,
    /// Fee arrears paid.
    pub fee_arrears_paid: Money,
    /// Facilities, senior first.
    pub facilities: Vec<TerminalFacility>,
    /// What is left for the sponsor.
    pub sponsor: Money,
    /// Claims left unpaid that are not lender loss (refund, opex and fee arrears).
    pub other_unpaid: Money,
    /// Principal and interest of every facility left unpaid.
    pub lender_loss: Money,
}

/// A complete run of a deal.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Run {
    /// What was fixed at close.
    pub plan: Plan,
    /// Closing sources and uses.
    pub closing: Closing,
    /// Periods 1..N.
    pub periods: Vec<PeriodResult>,
    /// The end of the run.
    pub terminal: Terminal,
    /// Every event, in period order.
    pub events: Vec<Event>,
    /// Every transfer.
    pub ledger: Ledger,
    /// Headline figures and metrics.
    pub summary: Summary,
}

/// Runs a deal: builds its plan (sizing its facilities) and runs the waterfall.
pub fn run(deal: &ValidDeal) -> Result<Run, RunError> {
    let plan = Plan::new(deal)?;
    run_plan(deal, plan)
}

/// The state a facility carries from period to period.
#[derive(Clone, Debug, Default)]
struct FacilityState {
    balance: Money,
    drawn: Money,
    interest_arrears: Money,
    principal_arrears: Money,
}

/// Cash available in the box's operating account during one period.
struct Waterfall<'a> {
    ledger: &'a mut Ledger,
    period: usize,
    date: NaiveDate,
    available: Money,
}

impl Waterfall<'_> {
    /// Pays `min(available, due)` from the box to `to` at `step`; returns what was paid.
    fn pay(&mut self, step: Step, to: Account, due: Money) -> Money {
        let paid = self.available.min(due).at_least_zero();
        self.available -= paid;
        self.ledger
            .post(self.period, self.date, step, Account::Box, to, paid);
        paid
    }

    /// Pays a senior step (section 9, steps 3 and 4): `min(available, due)` from cash,
    /// then what is still due from the DSRA, as far as it goes.
    fn pay_with_reserve(
        &mut self,
        step: Step,
        to: Account,
        due: Money,
        dsra: &mut Money,
    ) -> SeniorPayment {
        let from_cash = self.pay(step, to, due);
        let from_reserve = (*dsra).min(due - from_cash).at_least_zero();
        self.ledger.post(
            self.period,
            self.date,
            step,
            Account::Dsra,
            to,
            from_reserve,
        );
        *dsra -= from_reserve;
        SeniorPayment {
            from_cash,
            from_reserve,
        }
    }

    /// Moves cash into the box from `from` at `step`.
    fn receive(&mut self, step: Step, from: Account, amount: Money) {
        self.available += amount;
        self.ledger
            .post(self.period, self.date, step, from, Account::Box, amount);
    }
}

/// Runs the waterfall on a plan fixed at close (its schedules already sized).
pub fn run_plan(deal: &ValidDeal, plan: Plan) -> Result<Run, RunError> {
    // About twenty transfers a period with one facility.
    let mut ledger = Ledger::with_capacity(24 * (plan.calendar.len() + 2));
    let nf = plan.facilities.len();
    let senior = plan.facilities.iter().position(|f| f.rank == Rank::Senior);

    // Closing (section 4).
    let mut states = vec![FacilityState::default(); nf];
    let closing = {
        let mut cash = Waterfall {
            ledger: &mut ledger,
            period: 0,
            date: deal.close,
            available: Money::ZERO,
        };
        let mut draws = Vec::with_capacity(nf);
        for (i, f) in plan.facilities.iter().enumerate() {
            let d = f.closing_draws(&plan.capex);
            cash.receive(Step::Closing, Account::Lender(i), d);
            states[i].balance = d;
            states[i].drawn = d;
            draws.push((f.name.clone(), d));
        }
        let prepayment = deal.contract.prepayment;
        cash.receive(Step::Closing, Account::Customer, prepayment);
        let capex: Money = plan
            .capex
            .iter()
            .filter(|c| c.period == 0)
            .map(|c| c.amount)
            .sum();
        let upfront_fees: Vec<(String, Money)> = plan
            .facilities
            .iter()
            .map(|f| (f.name.clone(), f.upfront_fee))
            .collect();
        let uses = capex + upfront_fees.iter().map(|(_, f)| *f).sum::<Money>() + plan.dsra_at_close;
        let sponsor_flow = cash.available - uses;
        if sponsor_flow.is_negative() {
            cash.receive(Step::Closing, Account::Sponsor, -sponsor_flow);
        }
        cash.pay(Step::Closing, Account::Vendors, capex);
        for (i, (_, fee)) in upfront_fees.iter().enumerate() {
            cash.pay(Step::Closing, Account::Lender(i), *fee);
        }
        cash.pay(Step::Closing, Account::Dsra, plan.dsra_at_close);
        cash.pay(
            Step::Closing,
            Account::Sponsor,
            sponsor_flow.at_least_zero(),
        );
        Closing {
            draws,
            prepayment,
            equity: (-sponsor_flow).at_least_zero(),
            capex,
            upfront_fees,
            dsra: plan.dsra_at_close,
            sponsor_excess: sponsor_flow.at_least_zero(),
            sponsor_flow,
        }
    };

    let covenants = deal.covenants.as_ref();
    let mut dsra = plan.dsra_at_close;
    let mut lockup = Money::ZERO;
    let mut prepayment_left = deal.contract.prepayment;
    let mut opex_arrears = Money::ZERO;
    let mut fee_arrears = Money::ZERO;
    let mut periods = Vec::with_capacity(plan.calendar.len());
    let n = plan.calendar.len();

    // Per-facility figures of the current period, reused from period to period.
    let (mut openings, mut undrawn, mut draws_k, mut interest, mut fee) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut scheduled, mut interest_arrears_in, mut principal_arrears_in) =
        (Vec::new(), Vec::new(), Vec::new());
    let (mut after_draws, mut principal_due, mut principal_step_due) =
        (Vec::new(), Vec::new(), Vec::new());
    for (idx, period) in plan.calendar.periods().iter().enumerate() {
        let k = idx + 1;
        let ops = &plan.operations[idx];
        let mark = ledger.len();
        let mut events = Vec::new();
        for f in &plan.facilities {
            for b in f.breaches.iter().filter(|b| b.period == k) {
                events.push(Event::ScheduleBreach {
                    period: k,
                    facility: f.name.clone(),
                    debt_service: b.debt_service,
                    cap: b.cap,
                });
            }
        }

        // Capex inside the term: draws and equity, outside the waterfall (section 4).
        refill(&mut openings, states.iter().map(|s| s.balance));
        refill(
            &mut undrawn,
            plan.facilities
                .iter()
                .zip(&states)
                .map(|(f, s)| f.commitment - s.drawn),
        );
        let mut capex_k = Money::ZERO;
        let mut equity_k = Money::ZERO;
        refill(&mut draws_k, std::iter::repeat_n(Money::ZERO, nf));
        for (j, line) in plan.capex.iter().enumerate().filter(|(_, c)| c.period == k) {
            let mut drawn = Money::ZERO;
            let date = line.effective_date(deal.close);
            for (i, f) in plan.facilities.iter().enumerate() {
                let d = f.draws[j];
                ledger.post(k, date, Step::Capex, Account::Lender(i), Account::Box, d);
                draws_k[i] += d;
                drawn += d;
            }
            let equity = line.amount - drawn;
            ledger.post(k, date, Step::Capex, Account::Sponsor, Account::Box, equity);
            ledger.post(
                k,
                date,
                Step::Capex,
                Account::Box,
                Account::Vendors,
                line.amount,
            );
            capex_k += line.amount;
            equity_k += equity;
        }
        for (i, s) in states.iter_mut().enumerate() {
            s.balance += draws_k[i];
            s.drawn += draws_k[i];
        }

        // Interest and commitment fee on the actual balance (section 6).
        refill(&mut interest, std::iter::repeat_n(Money::ZERO, nf));
        refill(&mut fee, std::iter::repeat_n(Money::ZERO, nf));
        for (i, f) in plan.facilities.iter().enumerate() {
            let period_draws = plan
                .capex
                .iter()
                .zip(&f.draws)
                .filter(|(c, _)| c.period == k)
                .map(|(c, d)| (c.effective_date(deal.close), *d));
            interest[i] = boxflow_amortize::period_interest(
                f.terms.day_count,
                f.rates[idx],
                period.start,
                period.end,
                openings[i],
                period_draws,
            )?;
            fee[i] = boxflow_amortize::commitment_fee(
                f.terms.day_count,
                f.terms.commitment_fee,
                period.start,
                period.end,
                undrawn[i],
            )?;
        }
        refill(
            &mut scheduled,
            plan.facilities
                .iter()
                .map(|f| f.schedule.row(k).map_or(Money::ZERO, |r| r.principal)),
        );
        refill(
            &mut interest_arrears_in,
            states.iter().map(|s| s.interest_arrears),
        );
        refill(
            &mut principal_arrears_in,
            states.iter().map(|s| s.principal_arrears),
        );
        refill(&mut after_draws, states.iter().map(|s| s.balance));
        refill(
            &mut principal_due,
            (0..nf).map(|i| {
                scheduled[i]
                    .min(after_draws[i] - principal_arrears_in[i])
                    .at_least_zero()
            }),
        );
        refill(
            &mut principal_step_due,
            std::iter::repeat_n(Money::ZERO, nf),
        );

        let mut cash = Waterfall {
            ledger: &mut ledger,
            period: k,
            date: period.end,
            available: Money::ZERO,
        };
        cash.receive(Step::Collections, Account::Customer, ops.collections);
        prepayment_left -= ops.prepayment_credit;
        let prepayment_opening = prepayment_left + ops.prepayment_credit;

        // 1. opex
        let opex_due = ops.opex + opex_arrears;
        let opex_paid = cash.pay(Step::Opex, Account::Operators, opex_due);
        opex_arrears = opex_due - opex_paid;
        if opex_arrears.is_positive() {
            events.push(Event::OpexShortfall {
                period: k,
                due: opex_due,
                paid: opex_paid,
                shortfall: opex_arrears,
            });
        }
        // 2. fees
        let fees_due = ops.fees + fee_arrears;
        let fees_paid = cash.pay(Step::Fees, Account::FeePayees, fees_due);
        fee_arrears = fees_due - fees_paid;
        if fee_arrears.is_positive() {
            events.push(Event::FeesShortfall {
                period: k,
                due: fees_due,
                paid: fees_paid,
                shortfall: fee_arrears,
            });
        }

        // 3. senior interest, 4. senior principal: cash first, then the DSRA.
        let dsra_opening = dsra;
        let mut dsra_draw = Money::ZERO;
        if let Some(s) = senior {
            let lender = Account::Lender(s);
            let name = &plan.facilities[s].name;
            let due = interest[s] + fee[s] + states[s].interest_arrears;
            let paid = cash.pay_with_reserve(Step::SeniorInterest, lender, due, &mut dsra);
            dsra_draw += paid.from_reserve;
            states[s].interest_arrears = due - paid.total();
            events.extend(paid.default_event(k, name, Step::SeniorInterest, due));

            let due = (scheduled[s] + states[s].principal_arrears).min(states[s].balance);
            principal_step_due[s] = due;
            let paid = cash.pay_with_reserve(Step::SeniorPrincipal, lender, due, &mut dsra);
            dsra_draw += paid.from_reserve;
            states[s].balance -= paid.total();
            states[s].principal_arrears = due - paid.total();
            events.extend(paid.default_event(k, name, Step::SeniorPrincipal, due));
        }

        // 5. DSRA: release the excess over the target, or deposit toward it.
        let senior_balance = senior.map_or(Money::ZERO, |s| states[s].balance);
        // The draws still to come: the commitment less what periods 0..k drew.
        let senior_undrawn = senior.map_or(Money::ZERO, |s| {
            (plan.facilities[s].commitment - states[s].drawn).at_least_zero()
        });
        let dsra_target = plan.dsra_target(deal, k, senior_balance, senior_undrawn);
        let (dsra_deposit, dsra_release) = if dsra > dsra_target {
            let release = dsra - dsra_target;
            cash.receive(Step::Dsra, Account::Dsra, release);
            (Money::ZERO, release)
        } else {
            (
                cash.pay(Step::Dsra, Account::Dsra, dsra_target - dsra),
                Money::ZERO,
            )
        };
        dsra = dsra - dsra_release + dsra_deposit;

        // 6. junior interest, 7. junior principal: no DSRA support.
        for (j, f) in plan
            .facilities
            .iter()
            .enumerate()
            .filter(|(_, f)| f.rank == Rank::Junior)
        {
            let due = interest[j] + fee[j] + states[j].interest_arrears;
            let paid = cash.pay(Step::JuniorInterest, Account::Lender(j), due);
            states[j].interest_arrears = due - paid;
            if states[j].interest_arrears.is_positive() {
                events.push(Event::JuniorShortfall {
                    period: k,
                    facility: f.name.clone(),
                    step: Step::JuniorInterest,
                    due,
                    paid,
                    shortfall: states[j].interest_arrears,
                });
            }
            let due = (scheduled[j] + states[j].principal_arrears).min(states[j].balance);
            principal_step_due[j] = due;
            let paid = cash.pay(Step::JuniorPrincipal, Account::Lender(j), due);
            states[j].balance -= paid;
            states[j].principal_arrears = due - paid;
            if states[j].principal_arrears.is_positive() {
                events.push(Event::JuniorShortfall {
                    period: k,
                    facility: f.name.clone(),
                    step: Step::JuniorPrincipal,
                    due,
                    paid,
                    shortfall: states[j].principal_arrears,
                });
            }
        }

        // 8. sweep: each facility with a sweep share, by rank.
        let mut sweep_total = Money::ZERO;
        for (i, f) in plan.facilities.iter().enumerate() {
            if f.sweep.value() > Decimal::ZERO {
                let wanted = boxflow_amortize::exact::round2_ratio(
                    &[cash.available.amount(), f.sweep.value()],
                    &[],
                )?;
                let prepaid = cash.pay(
                    Step::Sweep,
                    Account::Lender(i),
                    wanted.min(states[i].balance),
                );
                states[i].balance -= prepaid;
                states[i].principal_arrears = states[i].principal_arrears.min(states[i].balance);
                sweep_total += prepaid;
            }
        }

        // 9. lock-up.
        let dscr = senior.and_then(|s| {
            let ds = interest[s] + fee[s] + principal_due[s];
            (!ds.is_zero())
                .then(|| ops.cfads.amount().checked_div(ds.amount()))
                .flatten()
        });
        let lockup_opening = lockup;
        let mut lockup_deposit = Money::ZERO;
        let mut lockup_release = Money::ZERO;
        let mut lockup_prepaid = Money::ZERO;
        let test = covenants.map(|c| {
            let dscr_below = match (c.lockup_dscr, dscr) {
                (Some(min), Some(d)) => d < min.value(),
                _ => false,
            };
            let senior_arrears = senior.is_some_and(|s| {
                (states[s].interest_arrears + states[s].principal_arrears).is_positive()
            });
            let dsra_below_target = dsra < dsra_target;
            (
                c.lockup_action,
                dscr_below,
                senior_arrears,
                dsra_below_target,
            )
        });
        let allowed = match test {
            Some((action, dscr_below, senior_arrears, dsra_below_target))
                if dscr_below || senior_arrears || dsra_below_target =>
            {
                let trapped = cash.available;
                if action == LockupAction::Sweep {
                    for rank in [Rank::Senior, Rank::Junior] {
                        for (i, f) in plan
                            .facilities
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| f.rank == rank)
                        {
                            let _ = f;
                            let prepaid =
                                cash.pay(Step::Lockup, Account::Lender(i), states[i].balance);
                            states[i].balance -= prepaid;
                            states[i].principal_arrears =
                                states[i].principal_arrears.min(states[i].balance);
                            lockup_prepaid += prepaid;
                        }
                    }
                }
                lockup_deposit = cash.pay(Step::Lockup, Account::Lockup, cash.available);
                events.push(Event::Lockup {
                    period: k,
                    dscr,
                    dscr_below,
                    senior_arrears,
                    dsra_below_target,
                    trapped,
                    lockup_dscr: covenants.and_then(|c| c.lockup_dscr),
                    dsra,
                    dsra_target,
                });
                false
            }
            _ => {
                lockup_release = lockup;
                cash.receive(Step::Lockup, Account::Lockup, lockup_release);
                true
            }
        };
        lockup = lockup + lockup_deposit - lockup_release;

        // 10. distribution.
        let distribution = cash.pay(Step::Distribution, Account::Sponsor, cash.available);

        // Covenants (section 11).
        if let (Some(c), Some(d)) = (covenants.and_then(|c| c.min_dscr.map(|m| (c, m))), dscr) {
            let (_, min) = c;
            if d < min.value() {
                events.push(Event::DscrDefault {
                    period: k,
                    dscr: d,
                    min_dscr: min,
                });
            }
        }
        let book_value = plan.book_values[idx];
        let senior_closing = senior.map_or(Money::ZERO, |s| states[s].balance);
        let ltv = (!book_value.is_zero())
            .then(|| senior_closing.amount().checked_div(book_value.amount()))
            .flatten();
        if let Some(max_ltv) = covenants.and_then(|c| c.max_ltv) {
            let breach = match ltv {
                Some(l) => l > max_ltv.value(),
                None => senior_closing.is_positive(),
            };
            if breach {
                events.push(Event::LtvBreach {
                    period: k,
                    ltv,
                    max_ltv,
                    balance: senior_closing,
                    book_value,
                });
            }
        }

        // The period's figures, read back from the ledger.
        let t = ledger.since(mark);
        let facilities = plan
            .facilities
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let lender = Account::Lender(i);
                let (interest_step, principal_step) = match f.rank {
                    Rank::Senior => (Step::SeniorInterest, Step::SeniorPrincipal),
                    Rank::Junior => (Step::JuniorInterest, Step::JuniorPrincipal),
                };
                FacilityPeriod {
                    name: f.name.clone(),
                    rank: f.rank,
                    opening: openings[i],
                    draws: t.net(Step::Capex, lender, Account::Box),
                    rate: f.rates[idx],
                    interest_due: interest[i],
                    commitment_fee_due: fee[i],
                    interest_arrears_in: interest_arrears_in[i],
                    interest_paid: t.received(&[interest_step], lender),
                    scheduled_principal: scheduled[i],
                    principal_due: principal_due[i],
                    principal_arrears_in: principal_arrears_in[i],
                    principal_step_due: principal_step_due[i],
                    principal_paid: t.received(&[principal_step], lender),
                    prepaid: t.received(&[Step::Sweep, Step::Lockup], lender),
                    interest_arrears: states[i].interest_arrears,
                    principal_arrears: states[i].principal_arrears,
                    closing: states[i].balance,
                }
            })
            .collect();
        periods.push(PeriodResult {
            period: k,
            start: period.start,
            end: period.end,
            days: period.days,
            operations: ops.clone(),
            prepayment_opening,
            prepayment_closing: prepayment_left,
            capex: t.amount(Step::Capex, Account::Box, Account::Vendors),
            equity_contribution: equity_k,
            opex_due,
            opex_paid: t.amount(Step::Opex, Account::Box, Account::Operators),
            opex_arrears,
            fees_due,
            fees_paid: t.amount(Step::Fees, Account::Box, Account::FeePayees),
            fee_arrears,
            dscr,
            book_value,
            ltv,
            facilities,
            dsra: DsraPeriod {
                opening: dsra_opening,
                target: dsra_target,
                deposit: t.amount(Step::Dsra, Account::Box, Account::Dsra),
                release: t.amount(Step::Dsra, Account::Dsra, Account::Box),
                draw: t.paid(
                    &[Step::SeniorInterest, Step::SeniorPrincipal],
                    Account::Dsra,
                ),
                closing: dsra,
            },
            lockup: LockupPeriod {
                opening: lockup_opening,
                deposit: t.amount(Step::Lockup, Account::Box, Account::Lockup),
                release: t.amount(Step::Lockup, Account::Lockup, Account::Box),
                closing: lockup,
            },
            distribution_allowed: allowed,
            sweep: t.paid(&[Step::Sweep], Account::Box),
            lockup_prepaid,
            distribution: t.amount(Step::Distribution, Account::Box, Account::Sponsor),
            events,
        });
        let _ = (
            capex_k,
            sweep_total,
            distribution,
            dsra_draw,
            opex_paid,
            fees_paid,
        );
    }

    let refund_due = if plan.refund_unused_prepayment {
        prepayment_left
    } else {
        Money::ZERO
    };
    let terminal = end_of_run(
        &plan,
        &mut ledger,
        &mut states,
        n,
        dsra,
        lockup,
        refund_due,
        opex_arrears,
        fee_arrears,
    );
    if let Some(last) = periods.last_mut() {
        for (f, tf) in plan.facilities.iter().zip(&terminal.facilities) {
            if tf.loss.is_positive() {
                last.events.push(Event::LenderLoss {
                    period: n,
                    facility: f.name.clone(),
                    principal: tf.principal_due - tf.principal_paid,
                    interest: tf.interest_due - tf.interest_paid,
                    loss: tf.loss,
                });
            }
        }
    }
    let events: Vec<Event> = periods
        .iter()
        .flat_map(|p| p.events.iter().cloned())
        .collect();
    let summary = Summary::new(deal, &plan, &closing, &periods, &terminal, &ledger);
    Ok(Run {
        plan,
        closing,
        periods,
        terminal,
        events,
        ledger,
        summary,
    })
}

/// What a senior step paid, from cash and from the DSRA.
struct SeniorPayment {
    from_cash: Money,
    from_reserve: Money,
}

impl SeniorPayment {
    fn total(&self) -> Money {
        self.from_cash + self.from_reserve
    }

    /// The `payment_default` event when the step was not paid in full.
    fn default_event(
        &self,
        period: usize,
        facility: &str,
        step: Step,
        due: Money,
    ) -> Option<Event> {
        let shortfall = due - self.total();
        shortfall.is_positive().then(|| Event::PaymentDefault {
            period,
            facility: facility.to_string(),
            step,
            due,
            paid: self.total(),
            shortfall,
        })
    }
}

/// Empties `buffer` and fills it from `values`, keeping its allocation.
fn refill(buffer: &mut Vec<Money>, values: impl Iterator<Item = Money>) {
    buffer.clear();
    buffer.extend(values);
}

/// The end of the run (section 10): the DSRA, the lock-up account and the terminal
/// value pay, in order, the refund, opex and fee arrears, senior interest arrears and
/// principal, junior interest arrears and principal; the rest is the sponsor's.
#[allow(clippy::too_many_arguments)]
fn end_of_run(
    plan: &Plan,
    ledger: &mut Ledger,
    states: &mut [FacilityState],
    n: usize,
    dsra: Money,
    lockup: Money,
    prepayment_left: Money,
    opex_arrears: Money,
    fee_arrears: Money,
) -> Terminal {
    let mut cash = Waterfall {
        ledger,
        period: n,
        date: plan.calendar.end(),
        available: Money::ZERO,
    };
    cash.receive(Step::Terminal, Account::Dsra, dsra);
    cash.receive(Step::Terminal, Account::Lockup, lockup);
    cash.receive(Step::Terminal, Account::Residual, plan.terminal_value);
    let refund_paid = cash.pay(Step::Terminal, Account::Customer, prepayment_left);
    let opex_arrears_paid = cash.pay(Step::Terminal, Account::Operators, opex_arrears);
    let fee_arrears_paid = cash.pay(Step::Terminal, Account::FeePayees, fee_arrears);
    let mut facilities = Vec::with_capacity(plan.facilities.len());
    for (i, f) in plan.facilities.iter().enumerate() {
        let s = &mut states[i];
        let interest_paid = cash.pay(Step::Terminal, Account::Lender(i), s.interest_arrears);
        let principal_paid = cash.pay(Step::Terminal, Account::Lender(i), s.balance);
        let loss = (s.interest_arrears - interest_paid) + (s.balance - principal_paid);
        facilities.push(TerminalFacility {
            name: f.name.clone(),
            interest_due: s.interest_arrears,
            interest_paid,
            principal_due: s.balance,
            principal_paid,
            loss,
        });
    }
    let sponsor = cash.pay(Step::Terminal, Account::Sponsor, cash.available);
    let lender_loss = facilities.iter().map(|f| f.loss).sum();
    Terminal {
        date: plan.calendar.end(),
        dsra_release: dsra,
        lockup_release: lockup,
        terminal_value: plan.terminal_value,
        refund_due: prepayment_left,
        refund_paid,
        opex_arrears_paid,
        fee_arrears_paid,
        facilities,
        sponsor,
        other_unpaid: (prepayment_left - refund_paid)
            + (opex_arrears - opex_arrears_paid)
            + (fee_arrears - fee_arrears_paid),
        lender_loss,
    }
}
