//! The engine of a run, one function per rule of the methodology: closing (section 4),
//! the capex draws and the interest of every period (sections 4 and 6), the ten steps
//! of section 9, the covenants of section 11 and the end of the run (section 10).
//!
//! A [`Waterfall`] holds what a run carries from period to period: the ledger, each
//! facility's [`FacilityState`], the DSRA, the lock-up account, the unused prepayment
//! and the opex and fee arrears. [`Waterfall::run_period`] calls the steps in the order
//! of section 9, each a method named after its step: [`Waterfall::step_opex`],
//! [`Waterfall::step_fees`], [`Waterfall::step_senior_interest`],
//! [`Waterfall::step_senior_principal`], [`Waterfall::step_reserve`],
//! [`Waterfall::step_junior_interest`], [`Waterfall::step_junior_principal`],
//! [`Waterfall::step_sweep`], [`Waterfall::step_lockup`] and
//! [`Waterfall::step_distribution`]. Every movement of cash is a transfer posted by
//! [`Waterfall::pay`] or [`Waterfall::receive`]; each step adds what it paid to the
//! period's paid figures ([`PeriodFlows`], [`LenderFlows`]) as it posts it.

use std::ops::Range;
use std::sync::Arc;

use boxflow_core::{Level, Money, MoneyRatio};
use boxflow_model::{LockupAction, Rank, ValidDeal};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::{Account, Ledger, Step};
use boxflow_amortize::Factor;

use crate::operations::Operations;
use crate::plan::{FacilityPlan, Plan, ReserveTargets};
use crate::run::{
    Closing, DsraPeriod, FacilityPeriod, LockupPeriod, PeriodEvents, PeriodFacilities,
    PeriodOperations, PeriodResult, Terminal, TerminalFacility,
};
use crate::{Event, RunError};

/// What the waterfall produced: everything of a [`crate::Run`] but its plan and summary.
pub(crate) struct Outcome {
    /// Closing sources and uses.
    pub closing: Closing,
    /// Periods 1..N.
    pub periods: Vec<PeriodResult>,
    /// The end of the run.
    pub terminal: Terminal,
    /// Every transfer.
    pub ledger: Ledger,
    /// The draws cut to the facility's balance ([`draw_made`]): facility, capex
    /// payment, the draw made. Empty in all but rare runs.
    pub cut_draws: Vec<(usize, usize, Money)>,
    /// Every event, in period order, shared by the periods ([`PeriodEvents`]).
    pub events: Arc<Vec<Event>>,
}

/// Runs a plan: closing, every period, then the end of the run, whose `lender_loss`
/// events close period N's events.
pub(crate) fn run_waterfall(deal: &ValidDeal, plan: &Plan) -> Result<Outcome, RunError> {
    check_shape(plan)?;
    let mut waterfall = Waterfall::new(deal, plan);
    let closing = waterfall.close();
    let mut periods = Vec::with_capacity(plan.calendar.len());
    for idx in 0..plan.calendar.len() {
        waterfall.run_period(idx, &mut periods)?;
    }
    let terminal = waterfall.end_of_run();
    let mut events = waterfall.events;
    if !periods.is_empty() {
        events.extend(lender_loss_events(plan, &terminal));
    }
    let events = Arc::new(events);
    share_events(&events, &mut periods);
    Ok(Outcome {
        closing,
        periods,
        terminal,
        ledger: waterfall.ledger,
        cut_draws: waterfall.cut_draws,
        events,
    })
}

/// Gives each period with events its range of the run's events, which are in period
/// order; a period without keeps none. Period `k` is `periods[k - 1]`.
fn share_events(events: &Arc<Vec<Event>>, periods: &mut [PeriodResult]) {
    let mut start = 0;
    while let Some(first) = events.get(start) {
        let k = first.period();
        let end = start
            + events[start..]
                .iter()
                .take_while(|e| e.period() == k)
                .count();
        let p = k.checked_sub(1).and_then(|idx| periods.get_mut(idx));
        debug_assert!(
            p.as_ref().is_some_and(|p| p.period == k),
            "event of period {k}"
        );
        if let Some(p) = p {
            p.events = PeriodEvents::shared(events, start..end);
        }
        start = end;
    }
}

/// Checks that every per-period and per-payment line of the plan covers its calendar
/// and capex, so that the run can index them, and that its capex payments are in
/// period order (as [`Plan::capex`], ordered by date, is), so that each period's
/// payments are one range of them ([`Waterfall::capex_of`]).
fn check_shape(plan: &Plan) -> Result<(), RunError> {
    let n = plan.calendar.len();
    let short = |what: &str| {
        Err(RunError::Invalid(format!(
            "the plan's {what} do not match its {n} periods and {} capex payments",
            plan.capex.len()
        )))
    };
    if plan.operations.len() != n {
        return short("operating lines");
    }
    if plan.book_values.len() != n {
        return short("book values");
    }
    for f in &plan.facilities {
        if f.rates.len() != n || f.draws.len() != plan.capex.len() {
            return short("facility rates or draws");
        }
    }
    if !plan.capex.windows(2).all(|w| w[0].period <= w[1].period) {
        return Err(RunError::Invalid(
            "the plan's capex payments are not in period order".to_string(),
        ));
    }
    if u32::try_from(n).is_err() {
        return Err(RunError::Invalid(format!(
            "the plan has {n} periods, above the ledger's {}",
            u32::MAX
        )));
    }
    if plan.facilities.len() > Account::MAX_LENDERS {
        return Err(RunError::Invalid(format!(
            "the plan has {} facilities, above the ledger's {} lenders",
            plan.facilities.len(),
            Account::MAX_LENDERS
        )));
    }
    Ok(())
}

/// Period `k` as the ledger records it ([`check_shape`] keeps every period of a run
/// at most `u32::MAX`).
fn ledger_period(k: usize) -> u32 {
    u32::try_from(k).unwrap_or(u32::MAX)
}

/// Facility `i`'s account in the ledger ([`check_shape`] keeps every facility index
/// below [`Account::MAX_LENDERS`]).
fn lender(i: usize) -> Account {
    Account::lender(i).unwrap_or(Account::Lender(u8::MAX))
}

/// A facility's state: what it carries from period to period, and its figures of the
/// period being run.
#[derive(Clone, Copy, Debug, Default)]
struct FacilityState {
    /// Drawn and not repaid.
    balance: Money,
    /// Drawn so far.
    drawn: Money,
    /// Interest and commitment-fee arrears.
    interest_arrears: Money,
    /// Principal arrears.
    principal_arrears: Money,
    /// The period's figures, fixed before step 1.
    due: FacilityDue,
    /// What it received in the period, summed as it is paid.
    paid: LenderFlows,
}

/// A facility's figures of one period, fixed before the waterfall.
#[derive(Clone, Copy, Debug, Default)]
struct FacilityDue {
    /// Balance at the period's start.
    opening: Money,
    /// Commitment not yet drawn at the period's start.
    undrawn: Money,
    /// The period's draws.
    draws: Money,
    /// `interest_k` (section 6).
    interest: Money,
    /// `commitment_fee_k` (section 6).
    commitment_fee: Money,
    /// `p_k` of the close schedule.
    scheduled: Money,
    /// Interest arrears brought in.
    interest_arrears_in: Money,
    /// Principal arrears brought in.
    principal_arrears_in: Money,
    /// `principal_due_k` (section 11).
    principal_due: Money,
    /// What step 4 or 7 asked for.
    principal_step_due: Money,
    /// The period's draw cut to the balance ([`draw_made`]), if any: its capex
    /// payment and the draw made.
    cut: Option<(usize, Money)>,
}

impl FacilityDue {
    /// The draw made on capex payment `j` of the period, whose planned draw is
    /// `planned`.
    fn draw_on(&self, j: usize, planned: Money) -> Money {
        match self.cut {
            Some((c, made)) if c == j => made,
            _ => planned,
        }
    }
}

/// A draw as made on its date (section 4 and the invariant "no balance is negative"
/// of section 14): the planned pro-rata draw, but a negative remainder draw (the
/// rounded draws before it ran ahead of `C`) takes back at most what the facility
/// owes then, `balance` (its balance with the draws made before it). A facility
/// already repaid draws 0.00 and the sponsor pays the whole payment; the facility
/// has then drawn `C` and those cents (docs/methodology.md, *Decided*).
///
/// The two rules of the methodology cannot both hold there: the remainder draw
/// would leave a balance below zero.
fn draw_made(planned: Money, balance: Money) -> Money {
    planned.max(-balance.at_least_zero())
}

/// The two operating lines of steps 1 and 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OperatingLine {
    Opex,
    Fees,
}

impl OperatingLine {
    /// Its step.
    fn step(self) -> Step {
        match self {
            OperatingLine::Opex => Step::Opex,
            OperatingLine::Fees => Step::Fees,
        }
    }

    /// Who it pays.
    fn payee(self) -> Account {
        match self {
            OperatingLine::Opex => Account::Operators,
            OperatingLine::Fees => Account::FeePayees,
        }
    }

    /// Its shortfall event: `opex_shortfall` or `fees_shortfall`.
    fn shortfall(self, period: usize, due: Money, paid: Money, shortfall: Money) -> Event {
        match self {
            OperatingLine::Opex => Event::OpexShortfall {
                period,
                due,
                paid,
                shortfall,
            },
            OperatingLine::Fees => Event::FeesShortfall {
                period,
                due,
                paid,
                shortfall,
            },
        }
    }
}

/// The two debt-service steps of a rank: interest (3 or 6) and principal (4 or 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Service {
    Interest,
    Principal,
}

impl Service {
    /// The step of a facility of `rank`.
    fn step(self, rank: Rank) -> Step {
        match (rank, self) {
            (Rank::Senior, Service::Interest) => Step::SeniorInterest,
            (Rank::Senior, Service::Principal) => Step::SeniorPrincipal,
            (Rank::Junior, Service::Interest) => Step::JuniorInterest,
            (Rank::Junior, Service::Principal) => Step::JuniorPrincipal,
        }
    }
}

/// What step 9 decided.
#[derive(Clone, Copy, Debug)]
struct LockupOutcome {
    /// The lock-up account at the period's start.
    opening: Money,
    /// True when distributions were allowed.
    allowed: bool,
    /// Prepaid by a `"sweep"` lock-up.
    prepaid: Money,
    /// True when the test found the DSCR below `lockup_dscr` (false when allowed).
    dscr_below: bool,
}

/// The lock-up test of step 9: which of its conditions fail.
#[derive(Clone, Copy, Debug)]
struct LockupTest {
    action: LockupAction,
    dscr_below: bool,
    senior_arrears: bool,
    dsra_below_target: bool,
}

impl LockupTest {
    /// True when distributions are not allowed.
    fn fails(&self) -> bool {
        self.dscr_below || self.senior_arrears || self.dsra_below_target
    }
}

/// The figures of a period that are not read back from the ledger.
#[derive(Clone, Copy, Debug)]
struct PeriodFigures {
    idx: usize,
    equity: Money,
    prepayment_opening: Money,
    opex_due: Money,
    fees_due: Money,
    dsra_opening: Money,
    dsra_target: Money,
    dscr: Option<MoneyRatio>,
    lockup: LockupOutcome,
    book_value: Money,
    ltv: Option<MoneyRatio>,
}

/// What a lender received in one period (its draws are [`FacilityDue::draws`]).
#[derive(Clone, Copy, Debug, Default)]
struct LenderFlows {
    /// Received at its interest step (3 or 6).
    interest: Money,
    /// Received at its principal step (4 or 7).
    principal: Money,
    /// Received at steps 8 and 9.
    prepaid: Money,
}

/// The box's transfers of one period summed by step and account, each added by the
/// step that posts it: the paid figures of the period table.
#[derive(Clone, Copy, Debug, Default)]
struct PeriodFlows {
    /// Capex: box to vendors.
    capex: Money,
    /// Step 1: box to operators.
    opex_paid: Money,
    /// Step 2: box to fee payees.
    fees_paid: Money,
    /// Step 5: box to DSRA.
    dsra_deposit: Money,
    /// Step 5: DSRA to box.
    dsra_release: Money,
    /// Steps 3 and 4: paid by the DSRA.
    dsra_draw: Money,
    /// Step 9: box to the lock-up account.
    lockup_deposit: Money,
    /// Step 9: lock-up account to box.
    lockup_release: Money,
    /// Step 8: paid by the box.
    sweep: Money,
    /// Step 10: box to sponsor.
    distribution: Money,
}

/// The state of a run between its steps.
struct Waterfall<'a> {
    deal: &'a ValidDeal,
    plan: &'a Plan,
    /// The senior facility's index, if any.
    senior: Option<usize>,
    /// Every transfer so far.
    ledger: Ledger,
    /// Facilities, senior first, aligned with the plan's.
    facilities: Vec<FacilityState>,
    /// The DSRA balance.
    dsra: Money,
    /// The lock-up account's balance.
    lockup: Money,
    /// The customer's prepayment not yet credited.
    prepayment: Money,
    /// Opex arrears.
    opex_arrears: Money,
    /// Fee arrears.
    fee_arrears: Money,
    /// The period whose cash moves: 0 at close, `N` at the end of the run.
    period: usize,
    /// The same period as the ledger records it.
    ledger_period: u32,
    /// The day it moves.
    date: NaiveDate,
    /// Cash available in the box's operating account.
    available: Money,
    /// Events of the run so far, in period order and, within a period, in the order
    /// of section 11.
    events: Vec<Event>,
    /// The period's transfers summed by step and account.
    flows: PeriodFlows,
    /// The DSRA targets' window sums, fixed once per run.
    reserve: ReserveTargets,
    /// The covenants' levels, prepared once per run.
    levels: Levels,
    /// The draws cut to the balance so far ([`Outcome::cut_draws`]).
    cut_draws: Vec<(usize, usize, Money)>,
    /// The first capex payment of the periods not yet run ([`Waterfall::capex_of`]).
    capex_next: usize,
    /// True when a facility's close schedule breaches its cap in some period
    /// ([`Waterfall::schedule_breach_events`]).
    any_breach: bool,
    /// True when the run has a junior facility: steps 6 and 7 have a facility to pay
    /// ([`Waterfall::step_junior_interest`]).
    any_junior: bool,
    /// True when a facility sweeps (`sweep > 0`): step 8 has a facility to prepay
    /// ([`Waterfall::step_sweep`]).
    any_sweep: bool,
}

/// The transfers a run is expected to post, reserved at once: per period (and for
/// closing and the end of the run) four for the box's own steps (collections, opex,
/// fees, distribution) and four for each facility (interest, principal, and the
/// reserve or lock-up movement its service moves), and per capex payment a draw on each
/// facility and the equity's part. The reference deal posts about five a period: the
/// reservation holds a run without growing, and stays small enough for a long deal's
/// run (600 periods: about 150 KB) to be served from the allocator's free memory
/// instead of fresh pages (docs/performance.md, the thirtieth pass). A run that posts
/// more grows the ledger as any `Vec` grows.
fn ledger_capacity(plan: &Plan) -> usize {
    let facilities = plan.facilities.len();
    (4 + 4 * facilities) * (plan.calendar.len() + 2) + (1 + facilities) * plan.capex.len()
}

/// The covenants' levels (section 11), each prepared once to test a ratio every period.
#[derive(Clone, Copy, Debug, Default)]
struct Levels {
    /// `lockup_dscr`.
    lockup_dscr: Option<Level>,
    /// `min_dscr`.
    min_dscr: Option<Level>,
    /// `max_ltv`.
    max_ltv: Option<Level>,
    /// True when `min_dscr <= lockup_dscr`, both set: a DSCR not below `lockup_dscr`
    /// is not below `min_dscr` either.
    min_within_lockup: bool,
    /// True when `max_ltv >= 0`, set: an LTV of 0 (no senior debt left) is not above
    /// it.
    zero_ltv_within: bool,
}

impl Levels {
    /// The levels of `deal`'s covenants, none without covenants.
    fn of(deal: &ValidDeal) -> Levels {
        let level = |r: Option<boxflow_core::Ratio>| r.map(|r| Level::new(r.value()));
        deal.covenants
            .as_ref()
            .map_or(Levels::default(), |c| Levels {
                lockup_dscr: level(c.lockup_dscr),
                min_dscr: level(c.min_dscr),
                max_ltv: level(c.max_ltv),
                min_within_lockup: match (c.min_dscr, c.lockup_dscr) {
                    (Some(min), Some(lockup)) => min.value() <= lockup.value(),
                    _ => false,
                },
                zero_ltv_within: c.max_ltv.is_some_and(|m| !m.value().is_sign_negative()),
            })
    }
}

impl<'a> Waterfall<'a> {
    fn new(deal: &'a ValidDeal, plan: &'a Plan) -> Waterfall<'a> {
        Waterfall {
            deal,
            plan,
            senior: plan.facilities.iter().position(|f| f.rank == Rank::Senior),
            ledger: Ledger::with_capacity(ledger_capacity(plan)),
            facilities: vec![FacilityState::default(); plan.facilities.len()],
            dsra: Money::ZERO,
            lockup: Money::ZERO,
            prepayment: deal.contract.prepayment,
            opex_arrears: Money::ZERO,
            fee_arrears: Money::ZERO,
            period: 0,
            ledger_period: 0,
            date: deal.close,
            available: Money::ZERO,
            // About one event a period when locked up or short.
            events: Vec::with_capacity(plan.calendar.len()),
            flows: PeriodFlows::default(),
            reserve: ReserveTargets::new(plan, deal),
            levels: Levels::of(deal),
            cut_draws: Vec::new(),
            capex_next: 0,
            any_breach: plan.facilities.iter().any(|f| !f.breaches.is_empty()),
            any_junior: juniors(plan).next().is_some(),
            any_sweep: plan.facilities.iter().any(sweeps),
        }
    }

    /// The capex payments of period `k` (0 for closing), as a range of [`Plan::capex`]:
    /// the payments are in period order ([`check_shape`]) and the periods are run in
    /// order, so those of `k` are the ones from the first not yet taken whose period
    /// is `k`. Takes them.
    fn capex_of(&mut self, k: usize) -> Range<usize> {
        let start = self.capex_next;
        let end = start
            + self.plan.capex[start..]
                .iter()
                .take_while(|c| c.period == k)
                .count();
        self.capex_next = end;
        start..end
    }

    /// Opens the payments of `period` on `date`, with no cash available yet.
    fn begin(&mut self, period: usize, date: NaiveDate) {
        self.period = period;
        self.ledger_period = ledger_period(period);
        self.date = date;
        self.available = Money::ZERO;
    }

    /// Pays `min(available, due)` from the box to `to` at `step`; returns what was paid.
    fn pay(&mut self, step: Step, to: Account, due: Money) -> Money {
        let paid = self.available.min(due).at_least_zero();
        self.available -= paid;
        self.ledger
            .post(self.ledger_period, self.date, step, Account::Box, to, paid);
        paid
    }

    /// Moves `amount` into the box from `from` at `step`.
    fn receive(&mut self, step: Step, from: Account, amount: Money) {
        self.available += amount;
        self.ledger.post(
            self.ledger_period,
            self.date,
            step,
            from,
            Account::Box,
            amount,
        );
    }

    /// A senior step's payment (section 8): "the DSRA covers a shortfall of the whole
    /// senior step due, arrears included": `min(available, due)` from cash, then what is
    /// still due from the DSRA, as far as it goes. Returns the total paid.
    #[inline(always)]
    fn pay_with_reserve(&mut self, step: Step, to: Account, due: Money) -> Money {
        let from_cash = self.pay(step, to, due);
        if from_cash >= due {
            // Nothing left for the reserve to pay: `min(dsra, due - from_cash)` is not
            // positive, so the reserve's part is 0.
            return from_cash;
        }
        let from_reserve = self.dsra.min(due - from_cash).at_least_zero();
        self.ledger.post(
            self.ledger_period,
            self.date,
            step,
            Account::Dsra,
            to,
            from_reserve,
        );
        self.dsra -= from_reserve;
        self.flows.dsra_draw += from_reserve;
        from_cash + from_reserve
    }

    /// Closing (section 4): "uses = capex at close + upfront fees `round2(C_i ·
    /// upfront_fee)` + the initial DSRA (its close target, when `funded_at_close`).
    /// Sources = draws at close + P. The sponsor's closing flow is `sources - uses`
    /// (negative: equity in; positive: excess out)."
    fn close(&mut self) -> Closing {
        let (deal, plan) = (self.deal, self.plan);
        self.begin(0, deal.close);
        let mut draws = Vec::with_capacity(plan.facilities.len());
        for (i, f) in plan.facilities.iter().enumerate() {
            let d = f.closing_draws(&plan.capex);
            self.receive(Step::Closing, lender(i), d);
            self.facilities[i].balance = d;
            self.facilities[i].drawn = d;
            draws.push((Arc::clone(&f.name), d));
        }
        let prepayment = deal.contract.prepayment;
        self.receive(Step::Closing, Account::Customer, prepayment);
        let capex: Money = plan.capex[self.capex_of(0)].iter().map(|c| c.amount).sum();
        let upfront_fees: Vec<(Arc<str>, Money)> = plan
            .facilities
            .iter()
            .map(|f| (Arc::clone(&f.name), f.upfront_fee))
            .collect();
        let fees: Money = upfront_fees.iter().map(|(_, f)| *f).sum();
        let sponsor_flow = self.available - (capex + fees + plan.dsra_at_close);
        if sponsor_flow.is_negative() {
            self.receive(Step::Closing, Account::Sponsor, -sponsor_flow);
        }
        self.pay(Step::Closing, Account::Vendors, capex);
        for (i, (_, fee)) in upfront_fees.iter().enumerate() {
            self.pay(Step::Closing, lender(i), *fee);
        }
        self.pay(Step::Closing, Account::Dsra, plan.dsra_at_close);
        self.dsra = plan.dsra_at_close;
        let excess = sponsor_flow.at_least_zero();
        self.pay(Step::Closing, Account::Sponsor, excess);
        Closing {
            draws,
            prepayment,
            equity: (-sponsor_flow).at_least_zero(),
            capex,
            upfront_fees,
            dsra: plan.dsra_at_close,
            sponsor_excess: excess,
            sponsor_flow,
        }
    }

    /// Period `idx + 1`: its capex draws and interest, the ten steps of section 9, then
    /// its covenant tests (section 11); its figures are pushed onto `periods`.
    fn run_period(&mut self, idx: usize, periods: &mut Vec<PeriodResult>) -> Result<(), RunError> {
        let plan = self.plan;
        let k = idx + 1;
        let end = plan.calendar.periods()[idx].end;
        let ops = &plan.operations[idx];
        let capex = self.capex_of(k);
        self.flows = PeriodFlows::default();
        self.schedule_breach_events(k);
        let equity = self.capex_draws(k, capex.clone());
        self.accrue(idx, capex)?;
        self.begin(k, end);
        let prepayment_opening = self.collect(ops);
        let opex_due = self.step_opex(ops.opex);
        let fees_due = self.step_fees(ops.fees);
        let dsra_opening = self.dsra;
        self.step_senior_interest();
        self.step_senior_principal();
        let dsra_target = self.step_reserve(k);
        self.step_junior_interest();
        self.step_junior_principal();
        self.step_sweep()?;
        let dscr = self.senior_dscr(ops);
        let lockup = self.step_lockup(dscr, dsra_target);
        self.step_distribution();
        self.dscr_default(dscr, &lockup);
        let (book_value, ltv) = self.ltv_breach(idx);
        let figures = PeriodFigures {
            idx,
            equity,
            prepayment_opening,
            opex_due,
            fees_due,
            dsra_opening,
            dsra_target,
            dscr,
            lockup,
            book_value,
            ltv,
        };
        // Room is made first, then the period is built and written at once: nothing
        // can unwind in between, so the compiler writes it into the `Vec`'s slot
        // instead of building it aside and copying it (as a `push` does).
        // A lone facility's name is cloned before the period is written: the clone is an
        // atomic operation, and after the write it would hide from the compiler that the
        // period's facility lines are still the empty default, so that their drop would
        // sit between reading the facility's figures and writing its line, held aside.
        let lone = self.lone_facility_name();
        periods.extend(std::iter::once_with(|| self.period_result(&figures)));
        if let Some(p) = periods.last_mut() {
            self.facility_lines(idx, lone, &mut p.facilities);
        }
        Ok(())
    }

    /// The event `schedule_breach` (section 11) of every facility whose close schedule
    /// breaches its cap in period `k`.
    fn schedule_breach_events(&mut self, k: usize) {
        if !self.any_breach {
            return;
        }
        for f in self.plan.facilities.iter() {
            for b in f.breaches.iter().filter(|b| b.period == k) {
                self.events.push(Event::ScheduleBreach {
                    period: k,
                    facility: Arc::clone(&f.name),
                    debt_service: b.debt_service,
                    cap: b.cap,
                });
            }
        }
    }

    /// Capex inside the term (section 4): "a capex payment in period k is funded on its
    /// own date by its draws and an equity contribution, outside the operating
    /// waterfall"; equity pays `payment - Σ draws`. Opens each facility's figures of
    /// the period and returns the period's equity contribution; `capex` is the period's
    /// payments ([`Waterfall::capex_of`]).
    fn capex_draws(&mut self, k: usize, capex: Range<usize>) -> Money {
        let (deal, plan) = (self.deal, self.plan);
        for (s, f) in self.facilities.iter_mut().zip(&plan.facilities) {
            s.due = FacilityDue {
                opening: s.balance,
                undrawn: f.commitment - s.drawn,
                ..FacilityDue::default()
            };
            s.paid = LenderFlows::default();
        }
        let mut equity_k = Money::ZERO;
        let period = ledger_period(k);
        if capex.is_empty() {
            // No draws: the balances stay as they are.
            return equity_k;
        }
        for j in capex {
            let line = &plan.capex[j];
            let date = line.effective_date(deal.close);
            let mut drawn = Money::ZERO;
            for (i, f) in plan.facilities.iter().enumerate() {
                let s = &mut self.facilities[i];
                let d = draw_made(f.draws[j], s.balance + s.due.draws);
                if d != f.draws[j] {
                    s.due.cut = Some((j, d));
                    self.cut_draws.push((i, j, d));
                }
                s.due.draws += d;
                self.ledger
                    .post(period, date, Step::Capex, lender(i), Account::Box, d);
                drawn += d;
            }
            let equity = line.amount - drawn;
            self.ledger.post(
                period,
                date,
                Step::Capex,
                Account::Sponsor,
                Account::Box,
                equity,
            );
            self.ledger.post(
                period,
                date,
                Step::Capex,
                Account::Box,
                Account::Vendors,
                line.amount,
            );
            // The ledger records a negative amount the other way round: vendors to box.
            self.flows.capex += line.amount.at_least_zero();
            equity_k += equity;
        }
        for s in &mut self.facilities {
            s.balance += s.due.draws;
            s.drawn += s.due.draws;
        }
        equity_k
    }

    /// Interest (section 6): "`interest_k = round2(opening_k · r_k · yf(start_k,
    /// end_k)) + Σ round2(draw · r_k · yf(draw_date, end_k))` over the period's draws";
    /// "`commitment_fee_k = round2(undrawn_k · commitment_fee · yf(start_k, end_k))`,
    /// undrawn at the period's start". With them the close schedule's `p_k` and
    /// `principal_due_k = min(p_k, balance after draws - principal arrears)`, floored
    /// at 0 (section 11). `capex` is the period's payments ([`Waterfall::capex_of`]).
    fn accrue(&mut self, idx: usize, capex: Range<usize>) -> Result<(), RunError> {
        let (deal, plan) = (self.deal, self.plan);
        let k = idx + 1;
        let period = &plan.calendar.periods()[idx];
        for (s, f) in self.facilities.iter_mut().zip(&plan.facilities) {
            let (day_count, rate) = (f.terms.day_count, f.rates[idx]);
            let whole_period = day_count.period_fraction(period);
            let mut interest = accrued(rate, whole_period, s.due.opening)?;
            for j in capex.clone() {
                let from = plan.capex[j].effective_date(deal.close).max(period.start);
                let draw = s.due.draw_on(j, f.draws[j]);
                interest += accrued(rate, day_count.fraction(from, period.end), draw)?;
            }
            s.due.interest = interest;
            s.due.commitment_fee = accrued(f.terms.commitment_fee, whole_period, s.due.undrawn)?;
            s.due.scheduled = f.schedule.row(k).map_or(Money::ZERO, |r| r.principal);
            s.due.interest_arrears_in = s.interest_arrears;
            s.due.principal_arrears_in = s.principal_arrears;
            s.due.principal_due = s
                .due
                .scheduled
                .min(s.balance - s.principal_arrears)
                .at_least_zero();
        }
        Ok(())
    }

    /// Collections (sections 3 and 9): "available cash starts at `collections_k`"; the
    /// period's prepayment credit is settled from the unused prepayment. Returns the
    /// unused prepayment at the period's start.
    fn collect(&mut self, ops: &Operations) -> Money {
        self.receive(Step::Collections, Account::Customer, ops.collections);
        let opening = self.prepayment;
        self.prepayment -= ops.prepayment_credit;
        opening
    }

    /// Step 1, `opex` (section 9): "opex_k + arrears. Shortfall: event
    /// `opex_shortfall`." Returns the amount due.
    fn step_opex(&mut self, opex: Money) -> Money {
        self.step_operating(OperatingLine::Opex, opex)
    }

    /// Step 2, `fees` (section 9): "fees_k + arrears. Shortfall: event
    /// `fees_shortfall`." Returns the amount due.
    fn step_fees(&mut self, fees: Money) -> Money {
        self.step_operating(OperatingLine::Fees, fees)
    }

    /// Steps 1 and 2 (section 9): "each step pays `min(available, due)`; the unpaid
    /// part is that step's arrears, one amount, due first at the same step next
    /// period." Returns the amount due, `amount` + arrears.
    #[inline(always)]
    fn step_operating(&mut self, line: OperatingLine, amount: Money) -> Money {
        let arrears = match line {
            OperatingLine::Opex => &mut self.opex_arrears,
            OperatingLine::Fees => &mut self.fee_arrears,
        };
        let due = amount + *arrears;
        let paid = self.pay(line.step(), line.payee(), due);
        let shortfall = due - paid;
        match line {
            OperatingLine::Opex => {
                self.opex_arrears = shortfall;
                self.flows.opex_paid += paid;
            }
            OperatingLine::Fees => {
                self.fee_arrears = shortfall;
                self.flows.fees_paid += paid;
            }
        }
        if shortfall.is_positive() {
            let event = line.shortfall(self.period, due, paid, shortfall);
            self.events.push(event);
        }
        due
    }

    /// Step 3, `senior_interest` (section 9): "interest + commitment fee + arrears. A
    /// shortfall draws the DSRA; what is still unpaid is the event `payment_default`."
    fn step_senior_interest(&mut self) {
        if let Some(s) = self.senior {
            self.step_service(s, Service::Interest);
        }
    }

    /// Step 4, `senior_principal` (section 9): "`min(p_k + arrears, balance after the
    /// period's draws)`, with the same DSRA support and event."
    fn step_senior_principal(&mut self) {
        if let Some(s) = self.senior {
            self.step_service(s, Service::Principal);
        }
    }

    /// Step 6, `junior_interest` (section 9): "as 3 without DSRA support; event
    /// `junior_shortfall`." A run without a junior facility skips it.
    fn step_junior_interest(&mut self) {
        if !self.any_junior {
            return;
        }
        for i in juniors(self.plan) {
            self.step_service(i, Service::Interest);
        }
    }

    /// Step 7, `junior_principal` (section 9): "as 4 without DSRA support; event
    /// `junior_shortfall`." A run without a junior facility skips it.
    fn step_junior_principal(&mut self) {
        if !self.any_junior {
            return;
        }
        for i in juniors(self.plan) {
            self.step_service(i, Service::Principal);
        }
    }

    /// A debt-service step of facility `i` (steps 3, 4, 6 and 7): interest due is
    /// interest + commitment fee + interest arrears; principal due is `min(p_k +
    /// arrears, balance)`. A senior step draws the DSRA for what cash leaves unpaid
    /// ([`Waterfall::pay_with_reserve`]); the unpaid part is the step's arrears and the
    /// event `payment_default` (senior) or `junior_shortfall` (junior).
    #[inline(always)]
    fn step_service(&mut self, i: usize, service: Service) {
        let plan = self.plan;
        let facility = &plan.facilities[i];
        let step = service.step(facility.rank);
        let s = &self.facilities[i];
        let due = match service {
            Service::Interest => s.due.interest + s.due.commitment_fee + s.interest_arrears,
            Service::Principal => (s.due.scheduled + s.principal_arrears).min(s.balance),
        };
        let paid = match facility.rank {
            Rank::Senior => self.pay_with_reserve(step, lender(i), due),
            Rank::Junior => self.pay(step, lender(i), due),
        };
        let shortfall = due - paid;
        let s = &mut self.facilities[i];
        match service {
            Service::Interest => {
                s.interest_arrears = shortfall;
                s.paid.interest += paid;
            }
            Service::Principal => {
                s.paid.principal += paid;
                s.due.principal_step_due = due;
                s.balance -= paid;
                s.principal_arrears = shortfall;
            }
        }
        if shortfall.is_positive() {
            let (period, rank) = (self.period, facility.rank);
            let facility = Arc::clone(&facility.name);
            self.events.push(match rank {
                Rank::Senior => Event::PaymentDefault {
                    period,
                    facility,
                    step,
                    due,
                    paid,
                    shortfall,
                },
                Rank::Junior => Event::JuniorShortfall {
                    period,
                    facility,
                    step,
                    due,
                    paid,
                    shortfall,
                },
            });
        }
    }

    /// Step 5, `dsra` (section 9): "compute the target; release the excess over it into
    /// available cash, or deposit `min(available, target - balance)`." The target is
    /// [`Plan::dsra_target`] (section 8) on the senior balance after step 4 and its
    /// commitment not yet drawn. Returns the target.
    fn step_reserve(&mut self, k: usize) -> Money {
        let plan = self.plan;
        let (balance, undrawn) = self.senior.map_or((Money::ZERO, Money::ZERO), |s| {
            let state = &self.facilities[s];
            let undrawn = plan.facilities[s].commitment - state.drawn;
            (state.balance, undrawn.at_least_zero())
        });
        let target = self.reserve.target(k, balance, undrawn);
        if self.dsra > target {
            let release = self.dsra - target;
            self.receive(Step::Dsra, Account::Dsra, release);
            self.dsra -= release;
            self.flows.dsra_release += release;
        } else if self.dsra < target {
            let deposit = self.pay(Step::Dsra, Account::Dsra, target - self.dsra);
            self.dsra += deposit;
            self.flows.dsra_deposit += deposit;
        }
        target
    }

    /// Step 8, `sweep` (section 9): "each facility with `sweep > 0`, by rank, prepays
    /// `min(round2(available · sweep), balance)` of the cash available at its turn."
    /// A run whose facilities do not sweep skips it.
    fn step_sweep(&mut self) -> Result<(), RunError> {
        if !self.any_sweep {
            return Ok(());
        }
        let plan = self.plan;
        for (i, f) in plan.facilities.iter().enumerate() {
            if sweeps(f) {
                let wanted = Factor::share(f.sweep.value()).on(self.available)?;
                self.prepay(Step::Sweep, i, wanted);
            }
        }
        Ok(())
    }

    /// Prepays `min(available, wanted, balance)` of facility `i` at `step`; its
    /// principal arrears never exceed its balance. Returns what was prepaid.
    fn prepay(&mut self, step: Step, i: usize, wanted: Money) -> Money {
        let balance = self.facilities[i].balance;
        let prepaid = self.pay(step, lender(i), wanted.min(balance));
        let s = &mut self.facilities[i];
        s.balance -= prepaid;
        s.principal_arrears = s.principal_arrears.min(s.balance);
        s.paid.prepaid += prepaid;
        if step == Step::Sweep {
            self.flows.sweep += prepaid;
        }
        prepaid
    }

    /// The senior `DSCR_k` (section 11): "`CFADS_k / (interest_k + commitment_fee_k +
    /// principal_due_k)`, arrears excluded; null when the denominator is 0."
    fn senior_dscr(&self, ops: &Operations) -> Option<MoneyRatio> {
        let s = self.facilities[self.senior?].due;
        MoneyRatio::new(ops.cfads, s.interest + s.commitment_fee + s.principal_due)
    }

    /// The lock-up test of step 9: "distributions are allowed when the senior DSCR_k >=
    /// `lockup_dscr` (or is null), no senior arrears remain, and the DSRA balance after
    /// step 5 is at least its target." `None` without covenants.
    fn lockup_test(&self, dscr: Option<MoneyRatio>, dsra_target: Money) -> Option<LockupTest> {
        let c = self.deal.covenants.as_ref()?;
        let dscr_below = match (&self.levels.lockup_dscr, dscr) {
            (Some(min), Some(d)) => d.is_below_level(min),
            _ => false,
        };
        let senior_arrears = self.senior.is_some_and(|s| {
            let s = &self.facilities[s];
            (s.interest_arrears + s.principal_arrears).is_positive()
        });
        Some(LockupTest {
            action: c.lockup_action,
            dscr_below,
            senior_arrears,
            dsra_below_target: self.dsra < dsra_target,
        })
    }

    /// Step 9, `lockup` (section 9): when the [lock-up test](Waterfall::lockup_test)
    /// fails, the event `lockup` (even with no cash left): `"sweep"` prepays senior then
    /// junior principal with all available cash, and what is left goes to the lock-up
    /// account; `"hold"` moves all available cash to the lock-up account. "When
    /// allowed, the lock-up account is released into available cash."
    fn step_lockup(&mut self, dscr: Option<MoneyRatio>, dsra_target: Money) -> LockupOutcome {
        let opening = self.lockup;
        let failed = self
            .lockup_test(dscr, dsra_target)
            .filter(LockupTest::fails);
        let Some(test) = failed else {
            // An empty account releases nothing (and posts nothing).
            if !opening.is_zero() {
                self.receive(Step::Lockup, Account::Lockup, opening);
                self.lockup -= opening;
                // The ledger records a negative amount the other way round.
                self.flows.lockup_release += opening.at_least_zero();
                self.flows.lockup_deposit += (-opening).at_least_zero();
            }
            return LockupOutcome {
                opening,
                allowed: true,
                prepaid: Money::ZERO,
                dscr_below: false,
            };
        };
        let trapped = self.available;
        let mut prepaid = Money::ZERO;
        if test.action == LockupAction::Sweep {
            let plan = self.plan;
            for rank in [Rank::Senior, Rank::Junior] {
                for i in (0..plan.facilities.len()).filter(|&i| plan.facilities[i].rank == rank) {
                    let balance = self.facilities[i].balance;
                    prepaid += self.prepay(Step::Lockup, i, balance);
                }
            }
        }
        let deposit = self.pay(Step::Lockup, Account::Lockup, self.available);
        self.lockup += deposit;
        self.flows.lockup_deposit += deposit;
        self.events.push(Event::Lockup {
            period: self.period,
            dscr,
            dscr_below: test.dscr_below,
            senior_arrears: test.senior_arrears,
            dsra_below_target: test.dsra_below_target,
            trapped,
            lockup_dscr: self.deal.covenants.as_ref().and_then(|c| c.lockup_dscr),
            dsra: self.dsra,
            dsra_target,
        });
        LockupOutcome {
            opening,
            allowed: false,
            prepaid,
            dscr_below: test.dscr_below,
        }
    }

    /// Step 10, `distribution` (section 9): "what is left goes to the sponsor."
    fn step_distribution(&mut self) {
        let paid = self.pay(Step::Distribution, Account::Sponsor, self.available);
        self.flows.distribution += paid;
    }

    /// `dscr_default` (section 11): "when `DSCR_k < min_dscr`". Not compared again
    /// when step 9 found the DSCR at or above a `lockup_dscr` of at least `min_dscr`.
    fn dscr_default(&mut self, dscr: Option<MoneyRatio>, lockup: &LockupOutcome) {
        if self.levels.min_within_lockup && !lockup.dscr_below {
            return;
        }
        let min = self.deal.covenants.as_ref().and_then(|c| c.min_dscr);
        if let (Some(min_dscr), Some(level), Some(dscr)) = (min, self.levels.min_dscr, dscr) {
            if dscr.is_below_level(&level) {
                self.events.push(Event::DscrDefault {
                    period: self.period,
                    dscr,
                    min_dscr,
                });
            }
        }
    }

    /// `LTV_k` and `ltv_breach` (section 11): "senior closing balance (after all ten
    /// steps) / book value ... null when the book value is 0. `ltv_breach` when above
    /// `max_ltv`, or when the book value is 0 and senior debt remains." Returns the book
    /// value and `LTV_k`.
    fn ltv_breach(&mut self, idx: usize) -> (Money, Option<MoneyRatio>) {
        let book_value = self.plan.book_values[idx];
        let balance = self
            .senior
            .map_or(Money::ZERO, |s| self.facilities[s].balance);
        let ltv = MoneyRatio::new(balance, book_value);
        let Some(level) = &self.levels.max_ltv else {
            return (book_value, ltv);
        };
        let breach = match ltv {
            // A repaid senior's LTV, 0, is not above a `max_ltv` of at least 0.
            Some(_) if balance.is_zero() && self.levels.zero_ltv_within => false,
            Some(l) => l.is_above_level(level),
            None => balance.is_positive(),
        };
        if breach {
            // `levels.max_ltv` is set exactly when the covenant is ([`Levels::of`]).
            if let Some(max_ltv) = self.deal.covenants.as_ref().and_then(|c| c.max_ltv) {
                self.events.push(Event::LtvBreach {
                    period: self.period,
                    ltv,
                    max_ltv,
                    balance,
                    book_value,
                });
            }
        }
        (book_value, ltv)
    }

    /// The period's figures, its paid amounts as the steps summed them
    /// ([`PeriodFlows`]), but for its facility lines ([`Waterfall::facility_lines`]).
    #[inline(always)]
    fn period_result(&mut self, figures: &PeriodFigures) -> PeriodResult {
        let plan = self.plan;
        let idx = figures.idx;
        let period = &plan.calendar.periods()[idx];
        let flows = &self.flows;
        PeriodResult {
            period: idx + 1,
            start: period.start,
            end: period.end,
            days: period.days,
            operations: PeriodOperations::shared(&plan.operations, idx),
            prepayment_opening: figures.prepayment_opening,
            prepayment_closing: self.prepayment,
            capex: flows.capex,
            equity_contribution: figures.equity,
            opex_due: figures.opex_due,
            opex_paid: flows.opex_paid,
            opex_arrears: self.opex_arrears,
            fees_due: figures.fees_due,
            fees_paid: flows.fees_paid,
            fee_arrears: self.fee_arrears,
            dscr: figures.dscr,
            book_value: figures.book_value,
            ltv: figures.ltv,
            facilities: PeriodFacilities::default(),
            dsra: DsraPeriod {
                opening: figures.dsra_opening,
                target: figures.dsra_target,
                deposit: flows.dsra_deposit,
                release: flows.dsra_release,
                draw: flows.dsra_draw,
                closing: self.dsra,
            },
            lockup: LockupPeriod {
                opening: figures.lockup.opening,
                deposit: flows.lockup_deposit,
                release: flows.lockup_release,
                closing: self.lockup,
            },
            distribution_allowed: figures.lockup.allowed,
            sweep: flows.sweep,
            lockup_prepaid: figures.lockup.prepaid,
            distribution: flows.distribution,
            // Set at the end of the run ([`share_events`]).
            events: PeriodEvents::default(),
        }
    }

    /// The name of the run's facility when it has exactly one, for its line
    /// ([`Waterfall::facility_lines`]).
    fn lone_facility_name(&self) -> Option<Arc<str>> {
        match &self.plan.facilities[..] {
            [facility] => Some(Arc::clone(&facility.name)),
            _ => None,
        }
    }

    /// Writes every facility's line of period `idx + 1`, senior first, into `lines`
    /// (the period's, already in the run): a lone facility's, named `lone`
    /// ([`Waterfall::lone_facility_name`]), is held in the period, written in place
    /// rather than built aside and copied.
    #[inline(always)]
    fn facility_lines(&self, idx: usize, lone: Option<Arc<str>>, lines: &mut PeriodFacilities) {
        match lone {
            Some(name) => *lines = PeriodFacilities::one(self.facility_period(0, idx, name)),
            None => {
                let facilities = &self.plan.facilities;
                *lines = (0..facilities.len())
                    .map(|i| self.facility_period(i, idx, Arc::clone(&facilities[i].name)))
                    .collect()
            }
        }
    }

    /// Facility `i`'s line of period `idx + 1`, under its `name`.
    #[inline(always)]
    fn facility_period(&self, i: usize, idx: usize, name: Arc<str>) -> FacilityPeriod {
        let f = &self.plan.facilities[i];
        let s = &self.facilities[i];
        let flows = &s.paid;
        FacilityPeriod {
            name,
            rank: f.rank,
            opening: s.due.opening,
            draws: s.due.draws,
            rate: f.rates[idx],
            interest_due: s.due.interest,
            commitment_fee_due: s.due.commitment_fee,
            interest_arrears_in: s.due.interest_arrears_in,
            interest_paid: flows.interest,
            scheduled_principal: s.due.scheduled,
            principal_due: s.due.principal_due,
            principal_arrears_in: s.due.principal_arrears_in,
            principal_step_due: s.due.principal_step_due,
            principal_paid: flows.principal,
            prepaid: flows.prepaid,
            interest_arrears: s.interest_arrears,
            principal_arrears: s.principal_arrears,
            closing: s.balance,
        }
    }

    /// The end of the run (section 10): at `end_N` the DSRA and lock-up balances, then
    /// the GPUs' terminal value, "pay in order the unused prepayment (refunded to the
    /// customer), opex arrears, fee arrears, senior interest arrears, senior principal,
    /// junior interest arrears, junior principal; the rest is the sponsor's. What they
    /// cannot cover stays unpaid; the sponsor never tops it up."
    fn end_of_run(&mut self) -> Terminal {
        let plan = self.plan;
        let date = plan.calendar.end();
        self.begin(plan.calendar.len(), date);
        let (dsra, lockup) = (self.dsra, self.lockup);
        self.receive(Step::Terminal, Account::Dsra, dsra);
        self.receive(Step::Terminal, Account::Lockup, lockup);
        self.receive(Step::Terminal, Account::Residual, plan.terminal_value);
        let refund_due = if plan.refund_unused_prepayment {
            self.prepayment
        } else {
            Money::ZERO
        };
        let refund_paid = self.pay(Step::Terminal, Account::Customer, refund_due);
        let opex_arrears_paid = self.pay(Step::Terminal, Account::Operators, self.opex_arrears);
        let fee_arrears_paid = self.pay(Step::Terminal, Account::FeePayees, self.fee_arrears);
        let facilities: Vec<TerminalFacility> = (0..plan.facilities.len())
            .map(|i| self.repay_at_end(i))
            .collect();
        let sponsor = self.pay(Step::Terminal, Account::Sponsor, self.available);
        Terminal {
            date,
            dsra_release: dsra,
            lockup_release: lockup,
            terminal_value: plan.terminal_value,
            refund_due,
            refund_paid,
            opex_arrears_paid,
            fee_arrears_paid,
            sponsor,
            other_unpaid: (refund_due - refund_paid)
                + (self.opex_arrears - opex_arrears_paid)
                + (self.fee_arrears - fee_arrears_paid),
            lender_loss: facilities.iter().map(|f| f.loss).sum(),
            facilities,
        }
    }

    /// Facility `i` at the end of the run (section 10): its interest arrears, then its
    /// principal; `lender_loss` is "the principal and interest left unpaid".
    fn repay_at_end(&mut self, i: usize) -> TerminalFacility {
        let (interest_due, principal_due) = {
            let s = &self.facilities[i];
            (s.interest_arrears, s.balance)
        };
        let interest_paid = self.pay(Step::Terminal, lender(i), interest_due);
        let principal_paid = self.pay(Step::Terminal, lender(i), principal_due);
        TerminalFacility {
            name: Arc::clone(&self.plan.facilities[i].name),
            interest_due,
            interest_paid,
            principal_due,
            principal_paid,
            loss: (interest_due - interest_paid) + (principal_due - principal_paid),
        }
    }
}

/// The event `lender_loss` (sections 10 and 11) of every facility left with unpaid
/// principal or interest at the end of the run.
fn lender_loss_events<'p>(
    plan: &'p Plan,
    terminal: &'p Terminal,
) -> impl Iterator<Item = Event> + 'p {
    let n = plan.calendar.len();
    terminal
        .facilities
        .iter()
        .filter(|tf| tf.loss.is_positive())
        .map(move |tf| Event::LenderLoss {
            period: n,
            facility: Arc::clone(&tf.name),
            principal: tf.principal_due - tf.principal_paid,
            interest: tf.interest_due - tf.interest_paid,
            loss: tf.loss,
        })
}

/// `round2(amount · rate · yf)` ([`Factor::accrued`]): 0 on an amount of 0 (a repaid
/// balance, a commitment fully drawn) without a call.
fn accrued(rate: Decimal, year_fraction: (i64, i64), amount: Money) -> Result<Money, RunError> {
    if amount.is_zero() {
        return Ok(Money::ZERO);
    }
    Ok(Factor::accrued(rate, year_fraction, amount)?)
}

/// True when facility `f` sweeps at step 8: `sweep > 0`, without a decimal comparison.
fn sweeps(f: &FacilityPlan) -> bool {
    let sweep = f.sweep.value();
    !sweep.is_zero() && !sweep.is_sign_negative()
}

/// The indices of the junior facilities.
fn juniors(plan: &Plan) -> impl Iterator<Item = usize> + '_ {
    (0..plan.facilities.len()).filter(move |&i| plan.facilities[i].rank == Rank::Junior)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bundled deal sheet that runs posts no more transfers than its run reserved
    /// ([`ledger_capacity`]): one facility or two, monthly or quarterly, capex at close
    /// and later.
    #[test]
    fn a_run_posts_within_the_ledger_it_reserved() {
        let sheets = [
            (
                "reference.toml",
                include_str!("../../../fixtures/reference.toml"),
            ),
            ("junior.toml", include_str!("../../../fixtures/junior.toml")),
            (
                "quarterly.toml",
                include_str!("../../../fixtures/quarterly.toml"),
            ),
            ("mixed.toml", include_str!("../../../fixtures/mixed.toml")),
            ("stress.toml", include_str!("../../../fixtures/stress.toml")),
        ];
        for (name, text) in sheets {
            let deal = boxflow_deal::parse(text, name).expect("a bundled sheet parses");
            let plan = Plan::new(&deal).expect("a bundled sheet plans");
            let reserved = ledger_capacity(&plan);
            let run = crate::run_plan(&deal, plan).expect("a bundled sheet runs");
            let posted = run.ledger.transfers().len();
            assert!(
                posted <= reserved,
                "{name}: {posted} transfers, {reserved} reserved"
            );
            // Not a reservation out of all proportion either: at most four times.
            assert!(
                4 * posted >= reserved,
                "{name}: {posted} transfers, {reserved} reserved"
            );
        }
    }

    /// `ltv_breach` is `LTV_k > max_ltv`, the senior closing balance over the book
    /// value, compared here in whole cents: `closing · 100 > 85 · book_value` for a
    /// `max_ltv` of 0.85, `closing > 0` for a `max_ltv` of 0 (a repaid senior's LTV, 0,
    /// is not above it; every other is). The reference deal repays its senior halfway,
    /// so both sides of each test are met.
    #[test]
    fn ltv_breaches_are_the_ltvs_above_max_ltv() {
        let text = include_str!("../../../fixtures/reference.toml");
        assert!(text.contains("max_ltv = \"0.85\""));
        for (max_ltv, above) in [
            (
                "0.85",
                (|closing: i128, book: i128| closing * 100 > 85 * book) as fn(_, _) -> _,
            ),
            ("0", |closing: i128, _book: i128| closing > 0),
        ] {
            let sheet = text.replace("max_ltv = \"0.85\"", &format!("max_ltv = \"{max_ltv}\""));
            let deal = boxflow_deal::parse(&sheet, "reference.toml").expect("the sheet parses");
            let plan = Plan::new(&deal).expect("the sheet plans");
            let run = crate::run_plan(&deal, plan).expect("the sheet runs");
            let (mut repaid, mut owing) = (0, 0);
            for p in &run.periods {
                let closing = p.facilities[0].closing.cents();
                let book = p.book_value.cents();
                assert!(book > 0, "period {}: book value {book}", p.period);
                let breach = p
                    .events
                    .iter()
                    .any(|e| matches!(e, Event::LtvBreach { .. }));
                assert_eq!(
                    breach,
                    above(closing, book),
                    "max_ltv {max_ltv}, period {}",
                    p.period
                );
                if closing == 0 {
                    repaid += 1;
                    assert!(p.ltv.is_some_and(|l| l.numerator().is_zero()));
                } else {
                    owing += 1;
                }
            }
            assert!(
                repaid > 0 && owing > 0,
                "{repaid} periods repaid, {owing} owing"
            );
        }
    }
}
