//! The run and what it reports: closing, the periods and the end of the run
//! (methodology sections 4, 8, 9 and 10). The engine that computes them is in
//! `waterfall.rs`, one function per rule.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use boxflow_core::{Money, MoneyRatio};
use boxflow_model::{Rank, ValidDeal};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::ledger::Ledger;
use crate::operations::Operations;
use crate::plan::Plan;
use crate::summary::{Detail, Summary};
use crate::waterfall::{run_waterfall, Outcome};
use crate::{Event, RunError};

/// Closing sources and uses (section 4).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Closing {
    /// Draws at close, by facility (senior first; the names the plan's).
    pub draws: Vec<(Arc<str>, Money)>,
    /// The customer's prepayment.
    pub prepayment: Money,
    /// Equity paid in by the sponsor (when uses exceed the other sources).
    pub equity: Money,
    /// Capex paid at close.
    pub capex: Money,
    /// Upfront fees, by facility (the names the plan's).
    pub upfront_fees: Vec<(Arc<str>, Money)>,
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
    /// Name (shared by every period of a run: cloning it allocates nothing).
    pub name: Arc<str>,
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

/// The facilities of one period, senior first: a slice of [`FacilityPeriod`]
/// (`Deref<Target = [FacilityPeriod]>`, serialized as a list). A deal with one
/// facility (the usual box: one senior loan) has its line held in the period itself,
/// so that a run allocates nothing per period for it; two or more are held in a `Vec`
/// (room for a second line in every period would make every one-facility run's
/// periods larger).
#[derive(Clone, Default, PartialEq)]
pub struct PeriodFacilities(Lines);

/// Where a period's facility lines are held. The variants' sizes differ on purpose:
/// boxing the line in place would bring back the allocation it avoids. The tag has
/// its own byte (`repr(u8)`), so that finding the slice, which every reader of a
/// period's facilities does, is one comparison.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq)]
#[repr(u8)]
enum Lines {
    /// One facility, in place.
    One([FacilityPeriod; 1]),
    /// None, or more than one, on the heap.
    Heap(Vec<FacilityPeriod>),
}

impl Default for Lines {
    fn default() -> Lines {
        Lines::Heap(Vec::new())
    }
}

impl PeriodFacilities {
    /// One facility's line.
    #[inline(always)]
    pub fn one(line: FacilityPeriod) -> PeriodFacilities {
        PeriodFacilities(Lines::One([line]))
    }

    /// The lines, in a `Vec`.
    pub fn into_vec(self) -> Vec<FacilityPeriod> {
        match self.0 {
            Lines::One(lines) => lines.into(),
            Lines::Heap(lines) => lines,
        }
    }

    /// Keeps the first `len` lines, as `Vec::truncate` does.
    pub fn truncate(&mut self, len: usize) {
        if len < self.len() {
            let mut lines = std::mem::take(self).into_vec();
            lines.truncate(len);
            *self = lines.into();
        }
    }
}

impl From<Vec<FacilityPeriod>> for PeriodFacilities {
    fn from(mut lines: Vec<FacilityPeriod>) -> PeriodFacilities {
        match (lines.len(), lines.pop()) {
            (1, Some(line)) => PeriodFacilities::one(line),
            (_, last) => {
                lines.extend(last);
                PeriodFacilities(Lines::Heap(lines))
            }
        }
    }
}

impl FromIterator<FacilityPeriod> for PeriodFacilities {
    fn from_iter<I: IntoIterator<Item = FacilityPeriod>>(lines: I) -> PeriodFacilities {
        PeriodFacilities::from(lines.into_iter().collect::<Vec<_>>())
    }
}

impl Deref for PeriodFacilities {
    type Target = [FacilityPeriod];

    fn deref(&self) -> &[FacilityPeriod] {
        match &self.0 {
            Lines::One(lines) => lines,
            Lines::Heap(lines) => lines,
        }
    }
}

impl DerefMut for PeriodFacilities {
    fn deref_mut(&mut self) -> &mut [FacilityPeriod] {
        match &mut self.0 {
            Lines::One(lines) => lines,
            Lines::Heap(lines) => lines,
        }
    }
}

impl<'a> IntoIterator for &'a PeriodFacilities {
    type Item = &'a FacilityPeriod;
    type IntoIter = std::slice::Iter<'a, FacilityPeriod>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut PeriodFacilities {
    type Item = &'a mut FacilityPeriod;
    type IntoIter = std::slice::IterMut<'a, FacilityPeriod>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl std::fmt::Debug for PeriodFacilities {
    /// As the list it holds (as a `Vec` prints).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for PeriodFacilities {
    /// As the list it holds.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(s)
    }
}

/// The events of one period, in the order of section 11: a slice of [`Event`]
/// (`Deref<Target = [Event]>`, serialized as a list). A run's events are held once,
/// in period order, and shared by its periods, each holding its own range of them, so
/// that a period with events allocates nothing for them; a period without holds none.
#[derive(Clone, Default)]
pub struct PeriodEvents {
    /// The run's events, `None` for a period without.
    all: Option<Arc<Vec<Event>>>,
    /// The period's range of them.
    range: std::ops::Range<usize>,
}

impl PeriodEvents {
    /// The events of `all` in `range`: none when the range is empty or reaches past
    /// the end of `all`.
    pub fn shared(all: &Arc<Vec<Event>>, range: std::ops::Range<usize>) -> PeriodEvents {
        if range.is_empty() || range.end > all.len() {
            return PeriodEvents::default();
        }
        PeriodEvents {
            all: Some(Arc::clone(all)),
            range,
        }
    }

    /// The events, as a slice.
    pub fn as_slice(&self) -> &[Event] {
        match &self.all {
            Some(all) => all.get(self.range.clone()).unwrap_or(&[]),
            None => &[],
        }
    }
}

impl From<Vec<Event>> for PeriodEvents {
    fn from(events: Vec<Event>) -> PeriodEvents {
        let range = 0..events.len();
        PeriodEvents::shared(&Arc::new(events), range)
    }
}

impl Deref for PeriodEvents {
    type Target = [Event];

    fn deref(&self) -> &[Event] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a PeriodEvents {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for PeriodEvents {
    /// The same events, wherever they are held.
    fn eq(&self, other: &PeriodEvents) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for PeriodEvents {
    /// As the list it holds (as a `Vec` prints).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for PeriodEvents {
    /// As the list it holds.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

/// The operating lines of one period: an [`Operations`] (`Deref<Target =
/// Operations>`, serialized as it). A run's periods share their plan's lines
/// ([`Plan::operations`]), each holding its own index, so that a period copies none
/// of them.
#[derive(Clone)]
pub struct PeriodOperations {
    /// The lines of every period of the run.
    all: Arc<Vec<Operations>>,
    /// The period's: `k - 1`.
    index: usize,
}

impl PeriodOperations {
    /// The lines `all[index]`. Only the run builds them, with an index its plan's
    /// shape was checked to hold ([`crate::RunError::Invalid`] otherwise), so no
    /// input reaches the assertion.
    #[inline]
    pub(crate) fn shared(all: &Arc<Vec<Operations>>, index: usize) -> PeriodOperations {
        assert!(index < all.len(), "period lines {index} of {}", all.len());
        PeriodOperations {
            all: Arc::clone(all),
            index,
        }
    }
}

impl From<Operations> for PeriodOperations {
    fn from(lines: Operations) -> PeriodOperations {
        PeriodOperations {
            all: Arc::new(vec![lines]),
            index: 0,
        }
    }
}

impl Deref for PeriodOperations {
    type Target = Operations;

    #[inline]
    fn deref(&self) -> &Operations {
        // In bounds: `shared` and `from` hold an index of `all`.
        &self.all[self.index]
    }
}

impl DerefMut for PeriodOperations {
    /// The lines to change: held alone first (the period's lines copied out of those
    /// it shares), so that the other periods' lines stay as they are.
    fn deref_mut(&mut self) -> &mut Operations {
        if Arc::get_mut(&mut self.all).is_none() {
            *self = PeriodOperations::from((**self).clone());
        }
        // Held alone now: `make_mut` copies nothing.
        &mut Arc::make_mut(&mut self.all)[self.index]
    }
}

impl PartialEq for PeriodOperations {
    /// The same lines, wherever they are held.
    fn eq(&self, other: &PeriodOperations) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for PeriodOperations {
    /// As the [`Operations`] it holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl Serialize for PeriodOperations {
    /// As the [`Operations`] it holds.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
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
    /// The operating lines (the plan's, shared).
    pub operations: PeriodOperations,
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
    /// The senior `DSCR_k = CFADS_k / (interest_k + commitment_fee_k +
    /// principal_due_k)`, kept as its two amounts (`None` when the debt service is 0).
    pub dscr: Option<MoneyRatio>,
    /// Book value of the GPUs after the period.
    pub book_value: Money,
    /// `LTV_k` = the senior closing balance over the book value, kept as its two
    /// amounts (`None` when the book value is 0).
    pub ltv: Option<MoneyRatio>,
    /// Facilities, senior first (held in the period for one).
    pub facilities: PeriodFacilities,
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
    /// Events of the period, in the order of section 11 (held once for the run).
    pub events: PeriodEvents,
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
    /// Name (the plan's).
    pub name: Arc<str>,
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
    /// Every event, in period order (held once: the periods' [`PeriodEvents`] are
    /// ranges of it).
    pub events: Arc<Vec<Event>>,
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

/// Runs the waterfall on a plan fixed at close (its schedules already sized): closing
/// (section 4), the ten steps of section 9 in every period, the end of the run
/// (section 10), then the summary.
pub fn run_plan(deal: &ValidDeal, plan: Plan) -> Result<Run, RunError> {
    run_plan_with(deal, plan, Detail::Full)
}

/// Runs the waterfall on a plan fixed at close as [`run_plan`] does, computing the
/// figures of the summary that `detail` asks for ([`Detail`]); every period, event,
/// transfer and computed figure is the same as [`run_plan`]'s.
pub fn run_plan_with(deal: &ValidDeal, mut plan: Plan, detail: Detail) -> Result<Run, RunError> {
    let Outcome {
        closing,
        periods,
        terminal,
        ledger,
        cut_draws,
        events,
    } = run_waterfall(deal, &plan)?;
    // The run's plan holds the draws as made.
    for (i, j, made) in cut_draws {
        if let Some(d) = plan.facilities.get_mut(i).and_then(|f| f.draws.get_mut(j)) {
            *d = made;
        }
    }
    let summary = Summary::with_detail(deal, &plan, &closing, &periods, &terminal, &ledger, detail);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A facility line named `name`, every amount `cents`.
    fn line(name: &str, cents: i64) -> FacilityPeriod {
        let m = Money::from_cents(cents);
        FacilityPeriod {
            name: Arc::from(name),
            rank: Rank::Senior,
            opening: m,
            draws: m,
            rate: Decimal::ZERO,
            interest_due: m,
            commitment_fee_due: m,
            interest_arrears_in: m,
            interest_paid: m,
            scheduled_principal: m,
            principal_due: m,
            principal_arrears_in: m,
            principal_step_due: m,
            principal_paid: m,
            prepaid: m,
            interest_arrears: m,
            principal_arrears: m,
            closing: m,
        }
    }

    /// A plan whose capex payments are not in period order is refused (the run takes
    /// each period's payments as one range of them); the same payments in order run.
    #[test]
    fn a_plan_with_capex_out_of_period_order_is_refused() {
        let deal = boxflow_testkit::deals::valid(boxflow_testkit::deals::reference_deal());
        let plan = Plan::new(&deal).expect("the reference deal has a plan");
        let periods: Vec<usize> = plan.capex.iter().map(|c| c.period).collect();
        assert!(periods.windows(2).any(|w| w[0] < w[1]), "{periods:?}");
        let mut reversed = plan.clone();
        reversed.capex = plan.capex.iter().rev().cloned().collect::<Vec<_>>().into();
        for f in &mut reversed.facilities {
            f.draws.reverse();
        }
        let refused = run_plan(&deal, reversed).err();
        assert!(
            matches!(&refused, Some(RunError::Invalid(m)) if m.contains("not in period order")),
            "{refused:?}"
        );
        assert!(run_plan(&deal, plan).is_ok());
    }

    /// An `opex_shortfall` of `period` whose shortfall is `cents`.
    fn shortfall(period: usize, cents: i64) -> Event {
        let m = Money::from_cents(cents);
        Event::OpexShortfall {
            period,
            due: m,
            paid: Money::ZERO,
            shortfall: m,
        }
    }

    #[test]
    fn period_events_are_their_range_of_the_runs() {
        let list = vec![shortfall(1, 1), shortfall(3, 2), shortfall(3, 3)];
        let all = Arc::new(list.clone());
        let third = PeriodEvents::shared(&all, 1..3);
        assert_eq!(&*third, &list[1..3]);
        assert_eq!(third.as_slice(), &list[1..3]);
        assert_eq!((&third).into_iter().count(), 2);
        assert_eq!(format!("{third:?}"), format!("{:?}", &list[1..3]));
        assert_eq!(third, PeriodEvents::from(list[1..3].to_vec()));
        assert_eq!(third.clone(), third);
        // An empty range, or one past the run's events, holds none.
        assert!(PeriodEvents::shared(&all, 2..2).is_empty());
        assert!(PeriodEvents::shared(&all, 2..4).is_empty());
        assert!(PeriodEvents::default().is_empty());
        assert_eq!(PeriodEvents::default(), PeriodEvents::from(Vec::new()));
        assert_ne!(third, PeriodEvents::shared(&all, 0..2));
    }

    /// Lines whose every amount is `cents`.
    fn lines(cents: i64) -> Operations {
        let m = Money::from_cents(cents);
        Operations {
            invoice: m,
            prepayment_credit: m,
            collections: m,
            colocation: m,
            power: m,
            expenses: m,
            opex: m,
            fees: m,
            cfads: m,
        }
    }

    #[test]
    fn period_operations_are_their_line_of_the_plans_and_change_alone() {
        let list = vec![lines(1), lines(2), lines(3)];
        let all: Arc<Vec<Operations>> = Arc::new(list.clone());
        let mut second = PeriodOperations::shared(&all, 1);
        assert_eq!(*second, list[1]);
        assert_eq!(second, PeriodOperations::from(list[1].clone()));
        assert_ne!(second, PeriodOperations::shared(&all, 2));
        assert_eq!(format!("{second:?}"), format!("{:?}", list[1]));
        // Changing a period's lines leaves the plan's (and other periods') as they were.
        let third = PeriodOperations::shared(&all, 2);
        second.cfads = Money::from_cents(7);
        assert_eq!(second.cfads, Money::from_cents(7));
        assert_eq!(second.invoice, Money::from_cents(2));
        assert_eq!(&all[..], &list[..]);
        assert_eq!(*third, list[2]);
        // Lines held alone change in place.
        let mut own = PeriodOperations::from(lines(4));
        own.fees = Money::ZERO;
        assert_eq!((own.fees, own.opex), (Money::ZERO, Money::from_cents(4)));
    }

    #[test]
    #[should_panic]
    fn period_operations_past_the_plans_lines_panic() {
        let all: Arc<Vec<Operations>> = Arc::new(vec![lines(1)]);
        PeriodOperations::shared(&all, 1);
    }

    #[test]
    fn period_facilities_hold_the_lines_in_order_whatever_their_number() {
        for n in 0..5 {
            let lines: Vec<FacilityPeriod> =
                (0..n).map(|i| line(&format!("f{i}"), i as i64)).collect();
            let mut held = PeriodFacilities::from(lines.clone());
            assert_eq!(&*held, &lines[..]);
            assert_eq!(format!("{held:?}"), format!("{lines:?}"));
            assert_eq!(held.iter().count(), n);
            assert_eq!(held.clone().into_vec(), lines);
            let collected: PeriodFacilities = lines.iter().cloned().collect();
            assert_eq!(collected, held);
            for f in &mut held {
                f.closing = Money::from_cents(7);
            }
            assert!(held.iter().all(|f| f.closing == Money::from_cents(7)));
            held.truncate(1);
            assert_eq!(held.len(), n.min(1));
            assert_eq!(
                held.first().map(|f| f.name.to_string()),
                lines.first().map(|f| f.name.to_string())
            );
        }
        assert_eq!(
            &*PeriodFacilities::one(line("a", 1)),
            &*PeriodFacilities::from(vec![line("a", 1)])
        );
        assert!(PeriodFacilities::default().is_empty());
    }
}
