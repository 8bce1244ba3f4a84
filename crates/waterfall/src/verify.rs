//! The invariants of methodology section 14, checked on every run.

use boxflow_core::Money;
use serde::Serialize;

use crate::ledger::{Account, Step};
use crate::run::{FacilityPeriod, Run};

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
    pub fn verify(&self) -> Vec<Violation> {
        let mut v = Vec::new();
        let mut fail = |period: usize, rule: &'static str, detail: String| {
            v.push(Violation {
                period,
                rule,
                detail,
            })
        };
        let c = &self.closing;
        let (sources, uses) = (c.sources(), c.uses());
        if sources != uses {
            fail(0, "sources = uses at close", format!("{sources} != {uses}"));
        }
        let n = self.periods.len();
        let (box_nets, term_net) = self.box_nets();
        let box_net0 = box_nets.first().copied().unwrap_or_default();
        if !box_net0.is_zero() {
            fail(0, "closing cash conserved", format!("box nets {box_net0}"));
        }
        let mut prev_dsra = c.dsra;
        let mut prev_lockup = Money::ZERO;
        // The facilities' balances before each period: the draws at close, then the
        // previous period's closing balances (read in place, not copied).
        let mut prev_facilities: Option<&[FacilityPeriod]> = None;
        let prev_balance = |prev: Option<&[FacilityPeriod]>, i: usize| {
            match prev {
                Some(lines) => lines.get(i).map(|f| f.closing),
                None => c.draws.get(i).map(|(_, d)| *d),
            }
            .unwrap_or_default()
        };
        let mut prev_prepayment = c.prepayment;
        let mut prev_opex_arrears = Money::ZERO;
        let mut prev_fee_arrears = Money::ZERO;
        for p in &self.periods {
            let k = p.period;
            let box_net = box_nets.get(k).copied().unwrap_or_default();
            if !box_net.is_zero() {
                fail(k, "cash conserved", format!("the box nets {box_net}"));
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
                fail(
                    k,
                    "collections + DSRA draws + releases = payments",
                    format!("{got} != {paid}"),
                );
            }
            if p.dsra.opening != prev_dsra
                || p.dsra.opening + p.dsra.deposit - p.dsra.release - p.dsra.draw != p.dsra.closing
            {
                fail(k, "DSRA rolls forward", format!("{:?}", p.dsra));
            }
            if p.lockup.opening != prev_lockup
                || p.lockup.opening + p.lockup.deposit - p.lockup.release != p.lockup.closing
            {
                fail(k, "lock-up rolls forward", format!("{:?}", p.lockup));
            }
            if p.prepayment_opening != prev_prepayment
                || p.prepayment_opening - p.operations.prepayment_credit != p.prepayment_closing
            {
                fail(
                    k,
                    "prepayment rolls forward",
                    format!(
                        "{} - {} != {}",
                        p.prepayment_opening, p.operations.prepayment_credit, p.prepayment_closing
                    ),
                );
            }
            if p.opex_due != prev_opex_arrears + p.operations.opex
                || p.opex_due - p.opex_paid != p.opex_arrears
                || p.fees_due != prev_fee_arrears + p.operations.fees
                || p.fees_due - p.fees_paid != p.fee_arrears
            {
                fail(k, "opex and fee arrears roll forward", String::new());
            }
            for (i, f) in p.facilities.iter().enumerate() {
                if f.opening != prev_balance(prev_facilities, i)
                    || f.opening + f.draws - f.principal_paid - f.prepaid != f.closing
                {
                    fail(k, "facility balance rolls forward", f.name.to_string());
                }
                if f.interest_arrears_in + f.interest_due + f.commitment_fee_due - f.interest_paid
                    != f.interest_arrears
                {
                    fail(k, "interest arrears roll forward", f.name.to_string());
                }
                if f.closing.is_negative()
                    || f.interest_arrears.is_negative()
                    || f.principal_arrears.is_negative()
                {
                    fail(k, "no negative balance", f.name.to_string());
                }
            }
            if p.dsra.closing.is_negative()
                || p.lockup.closing.is_negative()
                || p.prepayment_closing.is_negative()
                || p.distribution.is_negative()
            {
                fail(
                    k,
                    "no negative balance",
                    "DSRA, lock-up, prepayment or distribution".into(),
                );
            }
            prev_dsra = p.dsra.closing;
            prev_lockup = p.lockup.closing;
            prev_facilities = Some(&p.facilities);
            prev_prepayment = p.prepayment_closing;
            prev_opex_arrears = p.opex_arrears;
            prev_fee_arrears = p.fee_arrears;
        }
        let t = &self.terminal;
        if !term_net.is_zero() {
            fail(
                n,
                "end of run cash conserved",
                format!("the box nets {term_net}"),
            );
        }
        // The unused prepayment is owed back unless the customer defaulted and the
        // box keeps it (`Plan::refund_unused_prepayment`).
        let refund = if self.plan.refund_unused_prepayment {
            prev_prepayment
        } else {
            Money::ZERO
        };
        if t.dsra_release != prev_dsra || t.lockup_release != prev_lockup || t.refund_due != refund
        {
            fail(n, "end of run takes the closing balances", String::new());
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
                fail(
                    n,
                    "draws = principal repaid + lost",
                    format!(
                        "{}: drawn {drawn}, repaid {repaid}, end {} lost {lost}",
                        f.name, tf.principal_paid
                    ),
                );
            }
            if tf.principal_due != prev_balance(prev_facilities, i) {
                fail(
                    n,
                    "end of run takes the facility balance",
                    f.name.to_string(),
                );
            }
        }
        v
    }
}

impl Run {
    /// What the box's operating account nets, in one pass over the ledger: per period
    /// `0..=N` (from period 1 on, without the end of the run's transfers), and over the
    /// end of the run's (as [`crate::Ledger::net`] of `Account::Box` with those
    /// filters). A run of transfers of one period (the ledger is in period order) is
    /// summed in a register and added to its period's net when the period changes:
    /// the same sums in any order.
    fn box_nets(&self) -> (Vec<Money>, Money) {
        let mut periods = vec![Money::ZERO; self.periods.len() + 1];
        let mut terminal = Money::ZERO;
        let (mut period, mut net_of_period) = (0, Money::ZERO);
        for t in self.ledger.transfers() {
            let net = if t.to == Account::Box && t.from != Account::Box {
                t.amount
            } else if t.from == Account::Box && t.to != Account::Box {
                -t.amount
            } else {
                continue;
            };
            if t.step == Step::Terminal {
                terminal += net;
                // Closing's check takes all of period 0; a period's, all but the end
                // of the run.
                if t.period != 0 {
                    continue;
                }
            }
            if t.period() != period {
                add_net(&mut periods, period, net_of_period);
                (period, net_of_period) = (t.period(), Money::ZERO);
            }
            net_of_period += net;
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

    /// The (period, rule) of each violation, in order.
    fn broken(run: &Run) -> Vec<(usize, &'static str)> {
        run.verify().iter().map(|v| (v.period, v.rule)).collect()
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
}
