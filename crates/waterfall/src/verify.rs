//! The invariants of methodology section 14, checked on every run.

use std::num::Wrapping;

use boxflow_core::Money;
use serde::Serialize;

use crate::ledger::{Account, Step, Transfer};
use crate::run::{Closing, FacilityPeriod, PeriodResult, Run};

/// A broken invariant: a defect of the engine, never of the deal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("period {period}: {rule}: {detail}")]
pub struct Violation {
    /// The period (0 for closing).
    pub period: usize,
    /// The invariant.
    pub rule: &'static str,
    /// The figures that disagree.
    pub detail: String,
}

impl Run {
    /// Checks every invariant of section 14 and returns the violations (none for a
    /// correct engine):
    /// - each period, cash in equals cash out: the box's operating account nets to 0;
    /// - every balance rolls forward: facilities, DSRA, lock-up, prepayment, arrears;
    /// - Σ draws = Σ principal paid + prepaid + end-of-run principal + principal lost;
    /// - no balance is negative; sources = uses at close.
    ///
    /// The run is first checked at once, without its figures (`holds`: the box's
    /// cash in one pass over the ledger, then each period's equations at once,
    /// `period_holds`); only a run that breaks an invariant is checked again rule by
    /// rule (`violations`, and `period_violations` for a period that breaks one),
    /// which finds the violations, in their order, with their figures.
    pub fn verify(&self) -> Vec<Violation> {
        if self.holds() {
            return Vec::new();
        }
        self.violations()
    }

    /// True only when the run breaks no invariant ([`Run::violations`] finds none):
    /// the same tests, each period's at once ([`period_holds`]) and with the box
    /// netting nothing in it, which [`Run::box_conserved`] has shown. False for a run
    /// whose box's cash it cannot show conserved that way; [`Run::violations`]
    /// decides that run.
    fn holds(&self) -> bool {
        let c = &self.closing;
        if c.sources() != c.uses() {
            return false;
        }
        let Some(term_net) = self.box_conserved() else {
            return false;
        };
        let Some((first, rest)) = self.periods.split_first() else {
            return self.end_of_run_holds(term_net, &AtClose(c));
        };
        if !period_holds(first, Money::ZERO, &AtClose(c)) {
            return false;
        }
        let mut before = first;
        for p in rest {
            if !period_holds(p, Money::ZERO, before) {
                return false;
            }
            before = p;
        }
        self.end_of_run_holds(term_net, before)
    }

    /// True when the end of the run breaks no invariant
    /// ([`Run::end_of_run_violations`] finds none; it allocates only for one it finds).
    fn end_of_run_holds(&self, term_net: Money, before: &impl Before) -> bool {
        let mut v = Vec::new();
        self.end_of_run_violations(term_net, before, &mut v);
        v.is_empty()
    }

    /// What the box nets over the end of the run's transfers, when the box nets
    /// nothing in closing and in each period: each run of consecutive transfers of
    /// one period (but the end of the run's) nets nothing in the box, so each
    /// period's transfers, the sum of its runs, net nothing wherever the ledger
    /// holds them, and so every net of [`Run::box_nets`] is 0. `None` when a run of
    /// transfers nets something, or an end of the run's transfer is in period 0
    /// (closing's check takes it: a run without periods), though the period's
    /// transfers may still net nothing (runs that cancel): [`Run::violations`]
    /// decides.
    ///
    /// The transfers up to the first of the end of the run (all but the last few in
    /// a run's ledger) are read by a loop without the end of the run's test.
    fn box_conserved(&self) -> Option<Money> {
        let (mut period, mut net) = (0, Money::ZERO);
        // Adds a transfer (not of the end of the run) to its run's net; false when
        // it starts a run and the run before it nets something.
        let mut add = |t: &Transfer| {
            if t.period != period {
                if !net.is_zero() {
                    return false;
                }
                period = t.period;
            }
            if t.from == Account::Box {
                net -= t.amount;
            }
            if t.to == Account::Box {
                net += t.amount;
            }
            true
        };
        let mut rest = self.ledger.transfers();
        while let [t, after @ ..] = rest {
            if t.step == Step::Terminal {
                break;
            }
            if !add(t) {
                return None;
            }
            rest = after;
        }
        let mut terminal = Money::ZERO;
        for t in rest {
            if t.step != Step::Terminal {
                if !add(t) {
                    return None;
                }
            } else if t.period == 0 {
                return None;
            } else {
                terminal += t.flow_of(Account::Box).unwrap_or_default();
            }
        }
        net.is_zero().then_some(terminal)
    }

    /// Every invariant of section 14 checked rule by rule: the violations, in
    /// order, with their figures ([`Run::verify`]).
    #[cold]
    #[inline(never)]
    fn violations(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        let c = &self.closing;
        let (sources, uses) = (c.sources(), c.uses());
        if sources != uses {
            fail(
                &mut v,
                0,
                "sources = uses at close",
                format!("{sources} != {uses}"),
            );
        }
        let (box_nets, term_net) = self.box_nets();
        let box_net0 = box_nets.first().copied().unwrap_or_default();
        if !box_net0.is_zero() {
            fail(
                &mut v,
                0,
                "closing cash conserved",
                format!("box nets {box_net0}"),
            );
        }
        let net = |p: &PeriodResult| box_nets.get(p.period).copied().unwrap_or_default();
        // Each period's opening balances are read where they are: closing's for the
        // first, the previous period's closing ones for the others.
        let mut last = None;
        if let Some((first, rest)) = self.periods.split_first() {
            check_period(first, net(first), &AtClose(c), &mut v);
            for (before, p) in self.periods.iter().zip(rest) {
                check_period(p, net(p), before, &mut v);
            }
            last = self.periods.last();
        }
        match last {
            Some(p) => self.end_of_run_violations(term_net, p, &mut v),
            None => self.end_of_run_violations(term_net, &AtClose(c), &mut v),
        }
        v
    }

    /// The end of the run's invariants (section 14), after the last period's `before`
    /// balances: its cash conserved (`term_net`, what the box nets over its transfers),
    /// the closing balances taken, each facility's draws repaid or lost.
    fn end_of_run_violations(&self, term_net: Money, before: &impl Before, v: &mut Vec<Violation>) {
        let n = self.periods.len();
        let t = &self.terminal;
        if !term_net.is_zero() {
            fail(
                v,
                n,
                "end of run cash conserved",
                format!("the box nets {term_net}"),
            );
        }
        // The unused prepayment is owed back unless the customer defaulted and the
        // box keeps it (`Plan::refund_unused_prepayment`).
        let refund = if self.plan.refund_unused_prepayment {
            before.prepayment()
        } else {
            Money::ZERO
        };
        if t.dsra_release != before.dsra()
            || t.lockup_release != before.lockup()
            || t.refund_due != refund
        {
            fail(v, n, "end of run takes the closing balances", String::new());
        }
        for (i, f) in self.plan.facilities.iter().enumerate() {
            let drawn: Money = f.draws.iter().sum();
            let repaid: Money = self
                .periods
                .iter()
                .map(|p| p.facilities[i].principal_paid + p.facilities[i].prepaid)
                .sum();
            let tf = &t.facilities[i];
            let lost = tf.principal_due - tf.principal_paid;
            // The draws as made sum to the commitment, or a few cents more when a
            // negative remainder draw was cut to the balance (`draw_made`).
            if drawn < f.commitment || drawn != repaid + tf.principal_paid + lost {
                let detail = format!(
                    "{}: drawn {drawn}, repaid {repaid}, end {} lost {lost}",
                    f.name, tf.principal_paid
                );
                fail(v, n, "draws = principal repaid + lost", detail);
            }
            if tf.principal_due != before.facility(i) {
                fail(
                    v,
                    n,
                    "end of run takes the facility balance",
                    f.name.to_string(),
                );
            }
        }
    }
}

/// Records a violation of `rule` in `period`.
fn fail(v: &mut Vec<Violation>, period: usize, rule: &'static str, detail: String) {
    v.push(Violation {
        period,
        rule,
        detail,
    });
}

/// The balances a period opens with: the previous period's closing ones, closing's
/// for period 1 (read in place, not copied).
trait Before {
    /// The DSRA.
    fn dsra(&self) -> Money;
    /// The lock-up account.
    fn lockup(&self) -> Money;
    /// The prepayment not yet credited.
    fn prepayment(&self) -> Money;
    /// The opex arrears.
    fn opex_arrears(&self) -> Money;
    /// The fee arrears.
    fn fee_arrears(&self) -> Money;
    /// Facility `i`'s balance (0 for a facility without one).
    fn facility(&self, i: usize) -> Money;
}

/// Before period 1: the balances closing leaves.
struct AtClose<'a>(&'a Closing);

impl Before for AtClose<'_> {
    fn dsra(&self) -> Money {
        self.0.dsra
    }
    fn lockup(&self) -> Money {
        Money::ZERO
    }
    fn prepayment(&self) -> Money {
        self.0.prepayment
    }
    fn opex_arrears(&self) -> Money {
        Money::ZERO
    }
    fn fee_arrears(&self) -> Money {
        Money::ZERO
    }
    fn facility(&self, i: usize) -> Money {
        self.0.draws.get(i).map(|(_, d)| *d).unwrap_or_default()
    }
}

/// Before the period after this one: its closing balances.
impl Before for PeriodResult {
    #[inline(always)]
    fn dsra(&self) -> Money {
        self.dsra.closing
    }
    #[inline(always)]
    fn lockup(&self) -> Money {
        self.lockup.closing
    }
    #[inline(always)]
    fn prepayment(&self) -> Money {
        self.prepayment_closing
    }
    #[inline(always)]
    fn opex_arrears(&self) -> Money {
        self.opex_arrears
    }
    #[inline(always)]
    fn fee_arrears(&self) -> Money {
        self.fee_arrears
    }
    #[inline(always)]
    fn facility(&self, i: usize) -> Money {
        self.facilities
            .get(i)
            .map(|f| f.closing)
            .unwrap_or_default()
    }
}

/// Checks period `p`, the box netting `box_net` over its transfers and `before` the
/// balances it opens with: at once ([`period_holds`]), then, when it breaks an
/// invariant, rule by rule ([`period_violations`]).
#[inline(always)]
fn check_period(p: &PeriodResult, box_net: Money, before: &impl Before, v: &mut Vec<Violation>) {
    if !period_holds(p, box_net, before) {
        period_violations(p, box_net, before, v);
    }
}

/// The cents of `m`, to sum modulo 2^128: two sums are equal as `i128` exactly when
/// they are equal modulo 2^128, in whatever order their terms are added.
#[inline(always)]
fn w(m: Money) -> Wrapping<i128> {
    Wrapping(m.cents())
}

/// True when period `p` breaks no invariant, the box netting `box_net` over its
/// transfers and `before` the balances it opens with: exactly when
/// [`period_violations`] finds none. The same equations and signs, tested one after
/// the other without their figures, each from the period's lines in place; the
/// payments' equation with the DSRA's and lock-up's net movements shared with their
/// roll-forwards (`paid - got` regrouped, the same sum modulo 2^128).
#[inline(always)]
fn period_holds(p: &PeriodResult, box_net: Money, before: &impl Before) -> bool {
    let ops = &*p.operations;
    let (d, l) = (&p.dsra, &p.lockup);
    if !box_net.is_zero() {
        return false;
    }
    let Some(debt_service) = facilities_hold(&p.facilities, before) else {
        return false;
    };
    let dsra_in = w(d.deposit) - w(d.release) - w(d.draw);
    let lockup_in = w(l.deposit) - w(l.release);
    d.opening == before.dsra()
        && w(d.opening) + dsra_in == w(d.closing)
        && l.opening == before.lockup()
        && w(l.opening) + lockup_in == w(l.closing)
        // paid - got = 0, as period_violations' `paid != got`.
        && w(p.opex_paid) + w(p.fees_paid) + debt_service + dsra_in + lockup_in
            + w(p.distribution)
            == w(ops.collections)
        && p.prepayment_opening == before.prepayment()
        && p.prepayment_opening - ops.prepayment_credit == p.prepayment_closing
        && p.opex_due == before.opex_arrears() + ops.opex
        && p.opex_due - p.opex_paid == p.opex_arrears
        && p.fees_due == before.fee_arrears() + ops.fees
        && p.fees_due - p.fees_paid == p.fee_arrears
        && !(d.closing.is_negative()
            || l.closing.is_negative()
            || p.prepayment_closing.is_negative()
            || p.distribution.is_negative())
}

/// The facilities' debt service paid (interest, principal and prepaid, summed modulo
/// 2^128) when each facility line rolls forward from its balance `before`, its
/// interest arrears too, and no balance of it is negative (as [`period_violations`]
/// tests them); `None` otherwise.
#[inline(always)]
fn facilities_hold(facilities: &[FacilityPeriod], before: &impl Before) -> Option<Wrapping<i128>> {
    let mut paid = Wrapping(0);
    for (i, f) in facilities.iter().enumerate() {
        if f.opening != before.facility(i)
            || f.opening + f.draws - f.principal_paid - f.prepaid != f.closing
            || f.interest_arrears_in + f.interest_due + f.commitment_fee_due - f.interest_paid
                != f.interest_arrears
            || f.closing.is_negative()
            || f.interest_arrears.is_negative()
            || f.principal_arrears.is_negative()
        {
            return None;
        }
        paid += w(f.interest_paid) + w(f.principal_paid) + w(f.prepaid);
    }
    Some(paid)
}

/// The violations of period `p`'s invariants, in order, the box netting `box_net`
/// over its transfers and `before` the balances it opens with.
#[cold]
#[inline(never)]
fn period_violations(
    p: &PeriodResult,
    box_net: Money,
    before: &impl Before,
    v: &mut Vec<Violation>,
) {
    let k = p.period;
    if !box_net.is_zero() {
        fail(v, k, "cash conserved", format!("the box nets {box_net}"));
    }
    let paid = p.opex_paid
        + p.fees_paid
        + p.facilities
            .iter()
            .map(|f| f.interest_paid + f.principal_paid + f.prepaid)
            .sum::<Money>()
        + p.dsra.deposit
        + p.lockup.deposit
        + p.distribution;
    let got = p.operations.collections + p.dsra.draw + p.dsra.release + p.lockup.release;
    if paid != got {
        let rule = "collections + DSRA draws + releases = payments";
        fail(v, k, rule, format!("{got} != {paid}"));
    }
    if p.dsra.opening != before.dsra()
        || p.dsra.opening + p.dsra.deposit - p.dsra.release - p.dsra.draw != p.dsra.closing
    {
        fail(v, k, "DSRA rolls forward", format!("{:?}", p.dsra));
    }
    if p.lockup.opening != before.lockup()
        || p.lockup.opening + p.lockup.deposit - p.lockup.release != p.lockup.closing
    {
        fail(v, k, "lock-up rolls forward", format!("{:?}", p.lockup));
    }
    if p.prepayment_opening != before.prepayment()
        || p.prepayment_opening - p.operations.prepayment_credit != p.prepayment_closing
    {
        let detail = format!(
            "{} - {} != {}",
            p.prepayment_opening, p.operations.prepayment_credit, p.prepayment_closing
        );
        fail(v, k, "prepayment rolls forward", detail);
    }
    if p.opex_due != before.opex_arrears() + p.operations.opex
        || p.opex_due - p.opex_paid != p.opex_arrears
        || p.fees_due != before.fee_arrears() + p.operations.fees
        || p.fees_due - p.fees_paid != p.fee_arrears
    {
        fail(v, k, "opex and fee arrears roll forward", String::new());
    }
    for (i, f) in p.facilities.iter().enumerate() {
        if f.opening != before.facility(i)
            || f.opening + f.draws - f.principal_paid - f.prepaid != f.closing
        {
            fail(v, k, "facility balance rolls forward", f.name.to_string());
        }
        if f.interest_arrears_in + f.interest_due + f.commitment_fee_due - f.interest_paid
            != f.interest_arrears
        {
            fail(v, k, "interest arrears roll forward", f.name.to_string());
        }
        if f.closing.is_negative()
            || f.interest_arrears.is_negative()
            || f.principal_arrears.is_negative()
        {
            fail(v, k, "no negative balance", f.name.to_string());
        }
    }
    if p.dsra.closing.is_negative()
        || p.lockup.closing.is_negative()
        || p.prepayment_closing.is_negative()
        || p.distribution.is_negative()
    {
        let detail = "DSRA, lock-up, prepayment or distribution".into();
        fail(v, k, "no negative balance", detail);
    }
}

impl Run {
    /// What the box's operating account nets, in one pass over the ledger: per period
    /// `0..=N` (from period 1 on, without the end of the run's transfers), and over the
    /// end of the run's (as [`crate::Ledger::net`] of `Account::Box` with those
    /// filters). A run of transfers of one period (the ledger is in period order) is
    /// summed in a register, each transfer's amount taken off when the box pays it
    /// and added when it receives it (both for a transfer from the box to itself: it
    /// nets nothing), and added to its period's net when the period changes; an end
    /// of the run's transfer is netted on its own. The same sums in any order.
    #[inline(never)]
    fn box_nets(&self) -> (Vec<Money>, Money) {
        let mut periods = vec![Money::ZERO; self.periods.len() + 1];
        let mut terminal = Money::ZERO;
        let (mut period, mut net_of_period) = (0, Money::ZERO);
        for t in self.ledger.transfers() {
            if t.step == Step::Terminal {
                let net = t.flow_of(Account::Box).unwrap_or_default();
                terminal += net;
                // Closing's check takes all of period 0; a period's, all but the end
                // of the run.
                if t.period == 0 {
                    add_net(&mut periods, 0, net);
                }
                continue;
            }
            if t.period() != period {
                add_net(&mut periods, period, net_of_period);
                (period, net_of_period) = (t.period(), Money::ZERO);
            }
            if t.from == Account::Box {
                net_of_period -= t.amount;
            }
            if t.to == Account::Box {
                net_of_period += t.amount;
            }
        }
        add_net(&mut periods, period, net_of_period);
        (periods, terminal)
    }
}

/// Adds `net` to period `period`'s net, if the run has that period.
fn add_net(periods: &mut [Money], period: usize, net: Money) {
    if let Some(p) = periods.get_mut(period) {
        *p += net;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example_run() -> Run {
        let deal = boxflow_model::Deal::example().validate().unwrap();
        let run = crate::run(&deal).unwrap();
        assert_eq!(run.verify(), vec![]);
        run
    }

    /// The (period, rule) of each violation, in order; the check at once agrees.
    fn broken(run: &Run) -> Vec<(usize, &'static str)> {
        let found = run.violations();
        if run.holds() {
            assert_eq!(found, vec![], "holds, yet violations");
        }
        assert_eq!(run.verify(), found);
        found.iter().map(|v| (v.period, v.rule)).collect()
    }

    /// Posts one cent from the box to the operators in `period`, at `step`.
    fn leak(run: &mut Run, period: usize, step: Step) {
        let date = run.terminal.date;
        let cent = Money::from_cents(1);
        let period = u32::try_from(period).expect("a run's period");
        run.ledger
            .post(period, date, step, Account::Box, Account::Operators, cent);
    }

    #[test]
    fn a_cent_out_of_the_box_breaks_its_period_wherever_the_ledger_holds_it() {
        let n = example_run().periods.len();
        for (period, step, expected) in [
            (3, Step::Opex, vec![(3, "cash conserved")]),
            (1, Step::Capex, vec![(1, "cash conserved")]),
            (n, Step::Distribution, vec![(n, "cash conserved")]),
            (0, Step::Closing, vec![(0, "closing cash conserved")]),
            (n, Step::Terminal, vec![(n, "end of run cash conserved")]),
            // Period 0's check takes every transfer of period 0, the end of the run's too.
            (
                0,
                Step::Terminal,
                vec![
                    (0, "closing cash conserved"),
                    (n, "end of run cash conserved"),
                ],
            ),
        ] {
            // Posted last: after period N's transfers, out of period order.
            let mut run = example_run();
            leak(&mut run, period, step);
            assert_eq!(broken(&run), expected, "period {period}, {step:?}");
        }
    }

    #[test]
    fn cents_that_cancel_within_a_period_conserve_it_and_others_do_not() {
        let mut run = example_run();
        leak(&mut run, 2, Step::Opex);
        leak(&mut run, 4, Step::Opex);
        let date = run.terminal.date;
        let cent = Money::from_cents(1);
        run.ledger
            .post(2, date, Step::Fees, Account::FeePayees, Account::Box, cent);
        // A transfer from the box to itself nets nothing.
        run.ledger
            .post(5, date, Step::Fees, Account::Box, Account::Box, cent);
        assert_eq!(broken(&run), vec![(4, "cash conserved")]);
    }

    #[test]
    fn cents_that_cancel_within_a_period_apart_in_the_ledger_conserve_it() {
        // Period 2's cent out and back, a transfer of period 5 between them: each
        // run of period 2's transfers nets a cent, the period nets nothing.
        let mut run = example_run();
        let date = run.terminal.date;
        let cent = Money::from_cents(1);
        leak(&mut run, 2, Step::Opex);
        run.ledger
            .post(5, date, Step::Fees, Account::Box, Account::Box, cent);
        run.ledger
            .post(2, date, Step::Fees, Account::FeePayees, Account::Box, cent);
        assert!(!run.holds());
        assert_eq!(broken(&run), vec![]);
    }

    #[test]
    fn a_run_holds_exactly_when_it_breaks_nothing() {
        let run = example_run();
        assert!(run.holds());
        // A cent more in the end of the run's releases, in the closing's DSRA, in
        // the closing's sources.
        let mut terminal = run.clone();
        terminal.terminal.dsra_release += Money::from_cents(1);
        let mut closing = run.clone();
        closing.closing.dsra += Money::from_cents(1);
        let mut sources = run.clone();
        sources.closing.equity += Money::from_cents(1);
        for broken_run in [terminal, closing, sources] {
            assert!(!broken_run.holds());
            assert!(!broken(&broken_run).is_empty());
        }
    }

    #[test]
    fn a_balance_that_does_not_roll_forward_is_found_in_its_period_and_the_next() {
        let mut run = example_run();
        run.periods[4].facilities[0].closing += Money::from_cents(1);
        assert_eq!(
            broken(&run),
            vec![
                (5, "facility balance rolls forward"),
                (6, "facility balance rolls forward")
            ]
        );
        let mut run = example_run();
        run.periods[7].dsra.closing += Money::from_cents(1);
        assert_eq!(
            broken(&run),
            vec![(8, "DSRA rolls forward"), (9, "DSRA rolls forward")]
        );
    }

    /// A figure's name, a change of it, and whether the change breaks an invariant.
    type Nudge = (&'static str, fn(&mut PeriodResult), bool);

    /// `(name, |p| p.figure += cents, breaks)`: a nudge of one of a period's figures
    /// by `cents` (`= cents` to set it).
    macro_rules! nudge {
        ($name:expr, p.$($field:ident$([$i:literal])?).+ += $cents:literal, $breaks:expr) => {
            (
                $name,
                |p: &mut PeriodResult| p.$($field$([$i])?).+ += Money::from_cents($cents),
                $breaks,
            )
        };
        ($name:expr, p.$($field:ident$([$i:literal])?).+ = $cents:literal, $breaks:expr) => {
            (
                $name,
                |p: &mut PeriodResult| p.$($field$([$i])?).+ = Money::from_cents($cents),
                $breaks,
            )
        };
    }

    /// Each figure a period's invariants read, one cent off (the figure's name, the
    /// change, and whether an invariant reads it in an equation).
    fn nudges() -> Vec<Nudge> {
        vec![
            nudge!("opex_paid", p.opex_paid += 1, true),
            nudge!("fees_paid", p.fees_paid += 1, true),
            nudge!("opex_due", p.opex_due += 1, true),
            nudge!("fees_due", p.fees_due += 1, true),
            nudge!("opex_arrears", p.opex_arrears += 1, true),
            nudge!("fee_arrears", p.fee_arrears += 1, true),
            nudge!("prepayment_opening", p.prepayment_opening += 1, true),
            nudge!("prepayment_closing", p.prepayment_closing += 1, true),
            nudge!("distribution", p.distribution += 1, true),
            nudge!("dsra.opening", p.dsra.opening += 1, true),
            nudge!("dsra.deposit", p.dsra.deposit += 1, true),
            nudge!("dsra.release", p.dsra.release += 1, true),
            nudge!("dsra.draw", p.dsra.draw += 1, true),
            nudge!("dsra.closing", p.dsra.closing += 1, true),
            nudge!("lockup.opening", p.lockup.opening += 1, true),
            nudge!("lockup.deposit", p.lockup.deposit += 1, true),
            nudge!("lockup.release", p.lockup.release += 1, true),
            nudge!("lockup.closing", p.lockup.closing += 1, true),
            nudge!("collections", p.operations.collections += 1, true),
            nudge!(
                "prepayment_credit",
                p.operations.prepayment_credit += 1,
                true
            ),
            nudge!("opex", p.operations.opex += 1, true),
            nudge!("fees", p.operations.fees += 1, true),
            nudge!("opening", p.facilities[0].opening += 1, true),
            nudge!("draws", p.facilities[0].draws += 1, true),
            nudge!("interest_paid", p.facilities[0].interest_paid += 1, true),
            nudge!("principal_paid", p.facilities[0].principal_paid += 1, true),
            nudge!("prepaid", p.facilities[0].prepaid += 1, true),
            nudge!(
                "interest_arrears_in",
                p.facilities[0].interest_arrears_in += 1,
                true
            ),
            nudge!("interest_due", p.facilities[0].interest_due += 1, true),
            nudge!(
                "commitment_fee_due",
                p.facilities[0].commitment_fee_due += 1,
                true
            ),
            nudge!(
                "interest_arrears",
                p.facilities[0].interest_arrears += 1,
                true
            ),
            nudge!("closing", p.facilities[0].closing += 1, true),
            // Read only by the sign test: a cent more breaks nothing.
            nudge!(
                "principal_arrears",
                p.facilities[0].principal_arrears += 1,
                false
            ),
            nudge!(
                "principal_arrears < 0",
                p.facilities[0].principal_arrears = -1,
                true
            ),
            nudge!("the book value", p.book_value += 1, false),
        ]
    }

    #[test]
    fn a_period_holds_exactly_when_it_breaks_no_invariant() {
        let run = example_run();
        let n = run.periods.len();
        for k in [0, 1, n / 2, n - 1] {
            for (name, nudge, breaks) in nudges() {
                let mut run = run.clone();
                nudge(&mut run.periods[k]);
                let p = &run.periods[k];
                let (holds, mut found) = if k == 0 {
                    let before = AtClose(&run.closing);
                    let mut found = Vec::new();
                    period_violations(p, Money::ZERO, &before, &mut found);
                    (period_holds(p, Money::ZERO, &before), found)
                } else {
                    let before = &run.periods[k - 1];
                    let mut found = Vec::new();
                    period_violations(p, Money::ZERO, before, &mut found);
                    (period_holds(p, Money::ZERO, before), found)
                };
                assert_eq!(holds, !breaks, "period {k}, {name}");
                assert_eq!(run.holds(), !breaks, "the run, period {k}, {name}");
                assert_eq!(found.is_empty(), !breaks, "period {k}, {name}: {found:?}");
                // And verify finds them, with the next period's, if any.
                found.truncate(1);
                let first = run.verify().into_iter().find(|v| v.period == p.period);
                assert_eq!(
                    first.into_iter().collect::<Vec<_>>(),
                    found,
                    "period {k}, {name}"
                );
            }
            // The box's cash alone.
            let p = &run.periods[k];
            let net = Money::from_cents(-1);
            if k > 0 {
                assert!(!period_holds(p, net, &run.periods[k - 1]));
            } else {
                assert!(!period_holds(p, net, &AtClose(&run.closing)));
            }
        }
    }
}
