//! The invariants of methodology section 14, checked on every run.

use boxflow_core::Money;
use serde::Serialize;

use crate::ledger::{Account, Step};
use crate::run::Run;

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
        let mut prev_balances: Vec<Money> = c.draws.iter().map(|(_, d)| *d).collect();
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
                if f.opening != prev_balances.get(i).copied().unwrap_or_default()
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
            // In place: one buffer for the run, not one per period.
            prev_balances.clear();
            prev_balances.extend(p.facilities.iter().map(|f| f.closing));
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
            if drawn != f.commitment || drawn != repaid + tf.principal_paid + lost {
                fail(
                    n,
                    "draws = principal repaid + lost",
                    format!(
                        "{}: drawn {drawn}, repaid {repaid}, end {} lost {lost}",
                        f.name, tf.principal_paid
                    ),
                );
            }
            if tf.principal_due != prev_balances.get(i).copied().unwrap_or_default() {
                fail(n, "end of run takes the facility balance", f.name.clone());
            }
        }
        v
    }
}

impl Run {
    /// What the box's operating account nets, in one pass over the ledger: per period
    /// `0..=N` (from period 1 on, without the end of the run's transfers), and over the end of the run's
    /// (as [`crate::Ledger::net`] of `Account::Box` with those filters).
    fn box_nets(&self) -> (Vec<Money>, Money) {
        let mut periods = vec![Money::ZERO; self.periods.len() + 1];
        let mut terminal = Money::ZERO;
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
            }
            // Closing's check takes all of period 0; a period's, all but the end of the run.
            if t.step != Step::Terminal || t.period == 0 {
                if let Some(p) = periods.get_mut(t.period) {
                    *p += net;
                }
            }
        }
        (periods, terminal)
    }
}
